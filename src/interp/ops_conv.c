/* Conversion opcodes: integer extension and reduction, isplit/iconcat,
 * bitcast with byte order, float promotion/demotion and the float <-> integer
 * conversions with their traps and saturation. Lane-wise where the type
 * allows vectors: lane i of the result comes from lane i of the operand. */
#include <math.h>

#include "interp/fp.h"
#include "interp/interp.h"

static clif_error *op_extend(const in_op *o, const in_val *a, in_val *r) {
    clif_type t = o->ctrl, it = in_arg_type(o, 0);
    unsigned w = in_lane_bits(t), iw = in_lane_bits(it), n = in_lanes(t);
    in_val out = u128_from_u64(0);
    for (unsigned i = 0; i < n; i++) {
        u128 x = in_lane(a[0], iw, i);
        if (o->d->opcode == CLIF_OP_SEXTEND) x = u128_sext(x, iw);
        out = in_set_lane(out, w, i, x); /* ireduce: the lane is truncated here */
    }
    *r = out;
    return NULL;
}

static clif_error *op_isplit(const in_op *o, const in_val *a, in_val *r) {
    unsigned half = clif_type_bits(o->ctrl) / 2;
    r[0] = u128_trunc(a[0], half);
    r[1] = u128_shr(a[0], half);
    return NULL;
}

static clif_error *op_iconcat(const in_op *o, const in_val *a, in_val *r) {
    unsigned half = clif_type_bits(o->ctrl);
    *r = u128_or(u128_trunc(a[0], half), u128_shl(u128_trunc(a[1], half), half));
    return NULL;
}

/* A bitcast stores one type and loads the other with the same byte order. */
static clif_error *op_bitcast(const in_op *o, const in_val *a, in_val *r) {
    clif_type it = in_arg_type(o, 0);
    if (clif_type_bits(it) != clif_type_bits(o->ctrl)) return in_unsupported(o, o->ctrl);
    uint8_t buf[16];
    bool big = in_big_endian(o->d->memflags);
    in_to_bytes(a[0], it, big, buf);
    *r = in_from_bytes(buf, o->ctrl, big);
    return NULL;
}

/* ---- Float <-> float ---- */

static clif_error *op_fconvert(const in_op *o, const in_val *a, in_val *r) {
    clif_type t = o->ctrl, it = in_arg_type(o, 0);
    clif_type lane = clif_type_lane(t), ilane = clif_type_lane(it);
    if (lane == CLIF_F128 || ilane == CLIF_F128)
        return in_unsupported(o, lane == CLIF_F128 ? t : it);
    unsigned w = in_lane_bits(t), iw = in_lane_bits(it), n = in_lanes(t);
    in_val out = u128_from_u64(0);
    for (unsigned i = 0; i < n; i++) {
        double x = fp_to_f64(ilane, in_lane(a[0], iw, i));  /* exact */
        out = in_set_lane(out, w, i, fp_from_f64(lane, x)); /* rounds to nearest, even */
    }
    *r = out;
    return NULL;
}

/* ---- Float -> integer ---- */

static clif_error *op_fcvt_to_int(const in_op *o, const in_val *a, in_val *r) {
    clif_type it = in_arg_type(o, 0);
    if (clif_type_lane(it) == CLIF_F128) return in_unsupported(o, it);
    bool is_signed = o->d->opcode == CLIF_OP_FCVT_TO_SINT;
    double x = fp_to_f64(it, a[0]);
    if (isnan(x)) return clif_error_trap(CLIF_TRAP_BAD_CONVERSION_TO_INTEGER);
    if (!fp_to_int(trunc(x), clif_type_bits(o->ctrl), is_signed, r))
        return clif_error_trap(CLIF_TRAP_INTEGER_OVERFLOW);
    return NULL;
}

static clif_error *op_fcvt_to_int_sat(const in_op *o, const in_val *a, in_val *r) {
    clif_type t = o->ctrl, it = in_arg_type(o, 0);
    if (clif_type_lane(it) == CLIF_F128) return in_unsupported(o, it);
    bool is_signed = o->d->opcode == CLIF_OP_FCVT_TO_SINT_SAT;
    bool x86 = o->d->opcode == CLIF_OP_X86_CVTT2DQ;
    unsigned w = in_lane_bits(t), iw = in_lane_bits(it), n = in_lanes(it);
    if (in_lanes(t) < n) n = in_lanes(t);
    in_val out = u128_from_u64(0);
    for (unsigned i = 0; i < n; i++) {
        double x = fp_to_f64(it, in_lane(a[0], iw, i));
        u128 v;
        if (!x86)
            v = fp_to_int_sat(x, w, is_signed);
        else if (isnan(x) || !fp_to_int(trunc(x), w, true, &v))
            v = u128_shl(u128_from_u64(1), w - 1); /* INT_MIN, as cvttps2dq */
        out = in_set_lane(out, w, i, v);
    }
    *r = out;
    return NULL;
}

/* ---- Integer -> float ---- */

static clif_error *op_fcvt_from_int(const in_op *o, const in_val *a, in_val *r) {
    clif_type t = o->ctrl, it = in_arg_type(o, 0);
    if (clif_type_lane(t) == CLIF_F128) return in_unsupported(o, t);
    bool is_signed = o->d->opcode == CLIF_OP_FCVT_FROM_SINT;
    unsigned w = in_lane_bits(t), iw = in_lane_bits(it), n = in_lanes(t);
    in_val out = u128_from_u64(0);
    for (unsigned i = 0; i < n; i++)
        out = in_set_lane(out, w, i,
                          fp_from_int(clif_type_lane(t), in_lane(a[0], iw, i), iw, is_signed));
    *r = out;
    return NULL;
}

const in_op_fn in_ops_conv[CLIF_OP_COUNT] = {
    [CLIF_OP_UEXTEND] = op_extend,
    [CLIF_OP_SEXTEND] = op_extend,
    [CLIF_OP_IREDUCE] = op_extend,
    [CLIF_OP_ISPLIT] = op_isplit,
    [CLIF_OP_ICONCAT] = op_iconcat,
    [CLIF_OP_BITCAST] = op_bitcast,
    [CLIF_OP_FPROMOTE] = op_fconvert,
    [CLIF_OP_FDEMOTE] = op_fconvert,
    [CLIF_OP_FCVT_TO_UINT] = op_fcvt_to_int,
    [CLIF_OP_FCVT_TO_SINT] = op_fcvt_to_int,
    [CLIF_OP_FCVT_TO_UINT_SAT] = op_fcvt_to_int_sat,
    [CLIF_OP_FCVT_TO_SINT_SAT] = op_fcvt_to_int_sat,
    [CLIF_OP_X86_CVTT2DQ] = op_fcvt_to_int_sat,
    [CLIF_OP_FCVT_FROM_UINT] = op_fcvt_from_int,
    [CLIF_OP_FCVT_FROM_SINT] = op_fcvt_from_int,
};
