/* Floating-point opcodes: constants, IEEE arithmetic, sign operations,
 * fmin/fmax, rounding and comparison, lane-wise for scalars and vectors.
 * f32 and f64 use the host's IEEE arithmetic; f16 computes in double and
 * rounds once (exact for + - * / sqrt); f128 supports the bitwise and
 * comparison opcodes and reports the arithmetic ones as unsupported. */
#include <math.h>

#include "interp/fp.h"
#include "interp/interp.h"

static clif_error *op_fconst(const in_op *o, const in_val *a, in_val *r) {
    (void)a;
    switch (o->d->opcode) {
    case CLIF_OP_F16CONST: *r = u128_from_u64(o->d->imm & 0xffff); return NULL;
    case CLIF_OP_F32CONST: *r = u128_from_u64(o->d->imm & 0xffffffffu); return NULL;
    case CLIF_OP_F64CONST: *r = u128_from_u64(o->d->imm); return NULL;
    default: break;
    }
    /* f128const: 16 bytes of the constant pool, little-endian. */
    const clif_func *f = o->f;
    if (o->d->ent >= f->constants.len || f->constants.data[o->d->ent].len != 16)
        return in_unsupported_msg(o, "constant is not 16 bytes");
    const uint8_t *b = f->const_bytes.data + f->constants.data[o->d->ent].bytes;
    in_val v = u128_from_u64(0);
    for (int k = 15; k >= 0; k--)
        v = u128_or(u128_shl(v, 8), u128_from_u64(b[k]));
    *r = v;
    return NULL;
}

/* ---- Arithmetic ---- */

static double arith(clif_opcode op, double x, double y, double z) {
    switch (op) {
    case CLIF_OP_FADD: return x + y;
    case CLIF_OP_FSUB: return x - y;
    case CLIF_OP_FMUL: return x * y;
    case CLIF_OP_FDIV: return x / y;
    case CLIF_OP_SQRT: return sqrt(x);
    case CLIF_OP_CEIL: return ceil(x);
    case CLIF_OP_FLOOR: return floor(x);
    case CLIF_OP_TRUNC: return trunc(x);
    case CLIF_OP_NEAREST: return nearbyint(x);
    default: return fma(x, y, z);
    }
}

static float arithf(clif_opcode op, float x, float y, float z) {
    switch (op) {
    case CLIF_OP_FADD: return x + y;
    case CLIF_OP_FSUB: return x - y;
    case CLIF_OP_FMUL: return x * y;
    case CLIF_OP_FDIV: return x / y;
    case CLIF_OP_SQRT: return sqrtf(x);
    case CLIF_OP_CEIL: return ceilf(x);
    case CLIF_OP_FLOOR: return floorf(x);
    case CLIF_OP_TRUNC: return truncf(x);
    case CLIF_OP_NEAREST: return nearbyintf(x);
    default: return fmaf(x, y, z);
    }
}

static u128 lane_arith(clif_opcode op, clif_type lane, u128 x, u128 y, u128 z) {
    switch (clif_type_lane(lane)) {
    case CLIF_F32:
        return u128_from_u64(fp_f32_bits(arithf(op, fp_f32(x.lo), fp_f32(y.lo), fp_f32(z.lo))));
    case CLIF_F64:
        return u128_from_u64(fp_f64_bits(arith(op, fp_f64(x.lo), fp_f64(y.lo), fp_f64(z.lo))));
    default: /* f16 */
        if (op == CLIF_OP_FMA)
            return u128_from_u64(fp_f16_fma((uint16_t)x.lo, (uint16_t)y.lo, (uint16_t)z.lo));
        return fp_from_f64(lane, arith(op, fp_to_f64(lane, x), fp_to_f64(lane, y), 0));
    }
}

static clif_error *op_arith(const in_op *o, const in_val *a, in_val *r) {
    clif_type t = o->ctrl, lane = clif_type_lane(t);
    unsigned w = in_lane_bits(t), n = in_lanes(t);
    if (lane == CLIF_F128) return in_unsupported(o, t);
    clif_opcode op = (clif_opcode)o->d->opcode;
    u128 zero = u128_from_u64(0);
    in_val out = zero;
    for (unsigned i = 0; i < n; i++) {
        u128 x = in_lane(a[0], w, i);
        u128 y = o->d->nargs > 1 ? in_lane(a[1], w, i) : zero;
        u128 z = o->d->nargs > 2 ? in_lane(a[2], w, i) : zero;
        out = in_set_lane(out, w, i, lane_arith(op, lane, x, y, z));
    }
    *r = out;
    return NULL;
}

/* ---- Sign bit operations (pure bit manipulation, any width) ---- */

static clif_error *op_sign(const in_op *o, const in_val *a, in_val *r) {
    clif_type t = o->ctrl;
    unsigned w = in_lane_bits(t), n = in_lanes(t);
    in_val out = u128_from_u64(0);
    u128 sign = u128_shl(u128_from_u64(1), w - 1);
    for (unsigned i = 0; i < n; i++) {
        u128 x = in_lane(a[0], w, i), v;
        switch (o->d->opcode) {
        case CLIF_OP_FNEG: v = u128_xor(x, sign); break;
        case CLIF_OP_FABS: v = u128_and(x, u128_not(sign)); break;
        default: v = u128_or(u128_and(x, u128_not(sign)), u128_and(in_lane(a[1], w, i), sign));
        }
        out = in_set_lane(out, w, i, v);
    }
    *r = out;
    return NULL;
}

/* ---- fmin / fmax: NaN in gives the canonical NaN; -0 < +0 ---- */

static clif_error *op_minmax(const in_op *o, const in_val *a, in_val *r) {
    clif_type t = o->ctrl, lane = clif_type_lane(t);
    unsigned w = in_lane_bits(t), n = in_lanes(t);
    bool is_max = o->d->opcode == CLIF_OP_FMAX;
    in_val out = u128_from_u64(0);
    for (unsigned i = 0; i < n; i++) {
        u128 x = in_lane(a[0], w, i), y = in_lane(a[1], w, i), v;
        if (fp_is_nan(lane, x) || fp_is_nan(lane, y))
            v = fp_canonical_nan(lane);
        else if (fp_is_zero(lane, x) && fp_is_zero(lane, y))
            v = is_max ? u128_and(x, y) : u128_or(x, y);
        else
            v = (fp_compare(lane, x, y) < 0) != is_max ? x : y;
        out = in_set_lane(out, w, i, v);
    }
    *r = out;
    return NULL;
}

/* ---- Rounding to integral ---- */

static clif_error *op_round(const in_op *o, const in_val *a, in_val *r) {
    if (clif_type_lane(o->ctrl) == CLIF_F128) return in_unsupported(o, o->ctrl);
    return op_arith(o, a, r);
}

/* ---- Comparison ---- */

static bool fcmp(clif_floatcc cc, clif_type lane, u128 x, u128 y) {
    bool uno = fp_is_nan(lane, x) || fp_is_nan(lane, y);
    int c = uno ? 2 : fp_compare(lane, x, y);
    bool lt = c == -1, eq = c == 0, gt = c == 1;
    switch (cc) {
    case CLIF_FCC_ORD: return !uno;
    case CLIF_FCC_UNO: return uno;
    case CLIF_FCC_EQ: return eq;
    case CLIF_FCC_NE: return !eq;
    case CLIF_FCC_ONE: return lt || gt;
    case CLIF_FCC_UEQ: return uno || eq;
    case CLIF_FCC_LT: return lt;
    case CLIF_FCC_LE: return lt || eq;
    case CLIF_FCC_GT: return gt;
    case CLIF_FCC_GE: return gt || eq;
    case CLIF_FCC_ULT: return uno || lt;
    case CLIF_FCC_ULE: return uno || lt || eq;
    case CLIF_FCC_UGT: return uno || gt;
    default: return uno || gt || eq;
    }
}

static clif_error *op_fcmp(const in_op *o, const in_val *a, in_val *r) {
    clif_type t = o->ctrl, lane = clif_type_lane(t);
    unsigned w = in_lane_bits(t), n = in_lanes(t);
    if (o->d->cond >= CLIF_FCC_COUNT) return in_unsupported_msg(o, "unknown condition code");
    clif_floatcc cc = (clif_floatcc)o->d->cond;
    if (n == 1) {
        *r = u128_from_u64(fcmp(cc, lane, a[0], a[1]));
        return NULL;
    }
    in_val out = u128_from_u64(0);
    for (unsigned i = 0; i < n; i++)
        if (fcmp(cc, lane, in_lane(a[0], w, i), in_lane(a[1], w, i)))
            out = in_set_lane(out, w, i, u128_mask(w));
    *r = out;
    return NULL;
}

const in_op_fn in_ops_float[CLIF_OP_COUNT] = {
    [CLIF_OP_F16CONST] = op_fconst,  [CLIF_OP_F32CONST] = op_fconst, [CLIF_OP_F64CONST] = op_fconst,
    [CLIF_OP_F128CONST] = op_fconst, [CLIF_OP_FADD] = op_arith,      [CLIF_OP_FSUB] = op_arith,
    [CLIF_OP_FMUL] = op_arith,       [CLIF_OP_FDIV] = op_arith,      [CLIF_OP_SQRT] = op_arith,
    [CLIF_OP_FMA] = op_arith,        [CLIF_OP_FNEG] = op_sign,       [CLIF_OP_FABS] = op_sign,
    [CLIF_OP_FCOPYSIGN] = op_sign,   [CLIF_OP_FMIN] = op_minmax,     [CLIF_OP_FMAX] = op_minmax,
    [CLIF_OP_CEIL] = op_round,       [CLIF_OP_FLOOR] = op_round,     [CLIF_OP_TRUNC] = op_round,
    [CLIF_OP_NEAREST] = op_round,    [CLIF_OP_FCMP] = op_fcmp,
};
