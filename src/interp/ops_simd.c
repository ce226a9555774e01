/* Vector-only opcodes: constants, lane access, shuffles, reductions,
 * narrowing and widening, pairwise operations and the x86-flavoured ones.
 * (Lane-wise arithmetic on vectors is handled by the scalar opcode files.) */
#include "interp/fp.h"
#include "interp/interp.h"

static const uint8_t *const_bytes(const in_op *o, uint32_t want) {
    const clif_func *f = o->f;
    if (o->d->ent >= f->constants.len || f->constants.data[o->d->ent].len != want) return NULL;
    return f->const_bytes.data + f->constants.data[o->d->ent].bytes;
}

static clif_error *op_vconst(const in_op *o, const in_val *a, in_val *r) {
    (void)a;
    const uint8_t *b = const_bytes(o, clif_type_bytes(o->ctrl));
    if (!b) return in_unsupported_msg(o, "constant size differs from the type");
    in_val v = u128_from_u64(0);
    for (int k = (int)clif_type_bytes(o->ctrl) - 1; k >= 0; k--)
        v = u128_or(u128_shl(v, 8), u128_from_u64(b[k]));
    *r = v;
    return NULL;
}

static clif_error *op_splat(const in_op *o, const in_val *a, in_val *r) {
    unsigned w = in_lane_bits(o->ctrl), n = in_lanes(o->ctrl);
    in_val out = u128_from_u64(0);
    for (unsigned i = 0; i < n; i++)
        out = in_set_lane(out, w, i, a[0]);
    *r = out;
    return NULL;
}

static clif_error *op_scalar_to_vector(const in_op *o, const in_val *a, in_val *r) {
    *r = u128_trunc(a[0], in_lane_bits(o->ctrl));
    return NULL;
}

static clif_error *op_insertlane(const in_op *o, const in_val *a, in_val *r) {
    if (o->d->lane >= in_lanes(o->ctrl)) return in_unsupported_msg(o, "lane index out of range");
    *r = in_set_lane(a[0], in_lane_bits(o->ctrl), o->d->lane, a[1]);
    return NULL;
}

static clif_error *op_extractlane(const in_op *o, const in_val *a, in_val *r) {
    if (o->d->lane >= in_lanes(o->ctrl)) return in_unsupported_msg(o, "lane index out of range");
    *r = in_lane(a[0], in_lane_bits(o->ctrl), o->d->lane);
    return NULL;
}

static uint8_t byte_of(in_val v, unsigned i) {
    return (uint8_t)in_lane(v, 8, i).lo;
}

static clif_error *op_swizzle(const in_op *o, const in_val *a, in_val *r) {
    bool pshufb = o->d->opcode == CLIF_OP_X86_PSHUFB;
    in_val out = u128_from_u64(0);
    for (unsigned i = 0; i < 16; i++) {
        uint8_t s = byte_of(a[1], i);
        if (pshufb) {
            if (!(s & 0x80)) out = in_set_lane(out, 8, i, u128_from_u64(byte_of(a[0], s & 15)));
        } else if (s < 16) {
            out = in_set_lane(out, 8, i, u128_from_u64(byte_of(a[0], s)));
        }
    }
    *r = out;
    return NULL;
}

static clif_error *op_shuffle(const in_op *o, const in_val *a, in_val *r) {
    const uint8_t *mask = const_bytes(o, 16);
    if (!mask) return in_unsupported_msg(o, "shuffle mask is not 16 bytes");
    in_val out = u128_from_u64(0);
    for (unsigned i = 0; i < 16; i++) {
        uint8_t m = mask[i];
        if (m < 32) out = in_set_lane(out, 8, i, u128_from_u64(byte_of(a[m >> 4], m & 15)));
    }
    *r = out;
    return NULL;
}

/* ---- Reductions ---- */

static clif_error *op_vany_true(const in_op *o, const in_val *a, in_val *r) {
    (void)o;
    *r = u128_from_u64(!u128_is_zero(a[0]));
    return NULL;
}

static clif_error *op_vall_true(const in_op *o, const in_val *a, in_val *r) {
    unsigned w = in_lane_bits(o->ctrl), n = in_lanes(o->ctrl);
    bool all = true;
    for (unsigned i = 0; i < n && all; i++)
        all = !u128_is_zero(in_lane(a[0], w, i));
    *r = u128_from_u64(all);
    return NULL;
}

static clif_error *op_vhigh_bits(const in_op *o, const in_val *a, in_val *r) {
    clif_type vt = in_arg_type(o, 0);
    unsigned w = in_lane_bits(vt), n = in_lanes(vt);
    u128 out = u128_from_u64(0);
    for (unsigned i = 0; i < n; i++)
        if (u128_bit(in_lane(a[0], w, i), w - 1)) out = u128_or(out, u128_shl(u128_from_u64(1), i));
    *r = u128_trunc(out, clif_type_bits(o->ctrl));
    return NULL;
}

/* ---- Pairwise, narrowing, widening ---- */

static clif_error *op_iadd_pairwise(const in_op *o, const in_val *a, in_val *r) {
    unsigned w = in_lane_bits(o->ctrl), n = in_lanes(o->ctrl);
    in_val out = u128_from_u64(0);
    for (unsigned i = 0; i < n; i++) {
        in_val src = a[i < n / 2 ? 0 : 1];
        unsigned j = 2 * (i % (n / 2));
        out = in_set_lane(out, w, i, u128_add(in_lane(src, w, j), in_lane(src, w, j + 1)));
    }
    *r = out;
    return NULL;
}

static clif_error *op_narrow(const in_op *o, const in_val *a, in_val *r) {
    unsigned w = in_lane_bits(o->ctrl), n = in_lanes(o->ctrl), h = w / 2;
    clif_opcode op = (clif_opcode)o->d->opcode;
    u128 lo, hi; /* saturation bounds, as signed 128-bit values */
    if (op == CLIF_OP_SNARROW) {
        lo = u128_sext(u128_shl(u128_from_u64(1), h - 1), h);
        hi = u128_mask(h - 1);
    } else {
        lo = u128_from_u64(0);
        hi = u128_mask(h);
    }
    in_val out = u128_from_u64(0);
    for (unsigned i = 0; i < 2 * n; i++) {
        u128 x = in_lane(a[i < n ? 0 : 1], w, i % n);
        if (op == CLIF_OP_UUNARROW) {
            if (u128_ult(hi, x)) x = hi;
        } else {
            x = u128_sext(x, w);
            if (u128_slt(x, lo)) x = lo;
            if (u128_slt(hi, x)) x = hi;
        }
        out = in_set_lane(out, h, i, x);
    }
    *r = out;
    return NULL;
}

static clif_error *op_widen(const in_op *o, const in_val *a, in_val *r) {
    unsigned w = in_lane_bits(o->ctrl), n = in_lanes(o->ctrl);
    clif_opcode op = (clif_opcode)o->d->opcode;
    bool high = op == CLIF_OP_SWIDEN_HIGH || op == CLIF_OP_UWIDEN_HIGH;
    bool sign = op == CLIF_OP_SWIDEN_LOW || op == CLIF_OP_SWIDEN_HIGH;
    in_val out = u128_from_u64(0);
    for (unsigned i = 0; i < n / 2; i++) {
        u128 x = in_lane(a[0], w, i + (high ? n / 2 : 0));
        if (sign) x = u128_sext(x, w);
        out = in_set_lane(out, 2 * w, i, x);
    }
    *r = out;
    return NULL;
}

static clif_error *op_fvdemote(const in_op *o, const in_val *a, in_val *r) {
    (void)o;
    in_val out = u128_from_u64(0);
    for (unsigned i = 0; i < 2; i++)
        out = in_set_lane(out, 32, i, fp_from_f64(CLIF_F32, fp_f64(in_lane(a[0], 64, i).lo)));
    *r = out;
    return NULL;
}

static clif_error *op_fvpromote_low(const in_op *o, const in_val *a, in_val *r) {
    (void)o;
    in_val out = u128_from_u64(0);
    for (unsigned i = 0; i < 2; i++)
        out = in_set_lane(out, 64, i,
                          u128_from_u64(fp_f64_bits((double)fp_f32(in_lane(a[0], 32, i).lo))));
    *r = out;
    return NULL;
}

/* pmaddubsw: unsigned bytes of x times signed bytes of y, adjacent products
 * added with signed saturation into i16 lanes. */
static clif_error *op_pmaddubsw(const in_op *o, const in_val *a, in_val *r) {
    (void)o;
    in_val out = u128_from_u64(0);
    for (unsigned i = 0; i < 8; i++) {
        int32_t s = 0;
        for (unsigned k = 0; k < 2; k++)
            s += (int32_t)byte_of(a[0], 2 * i + k) * (int32_t)(int8_t)byte_of(a[1], 2 * i + k);
        if (s > 32767) s = 32767;
        if (s < -32768) s = -32768;
        out = in_set_lane(out, 16, i, u128_from_i64(s));
    }
    *r = out;
    return NULL;
}

/* blendv: the top bit of each lane of c picks x, else y. */
static clif_error *op_blendv(const in_op *o, const in_val *a, in_val *r) {
    unsigned w = in_lane_bits(o->ctrl), n = in_lanes(o->ctrl);
    in_val out = u128_from_u64(0);
    for (unsigned i = 0; i < n; i++)
        out =
            in_set_lane(out, w, i, in_lane(a[u128_bit(in_lane(a[0], w, i), w - 1) ? 1 : 2], w, i));
    *r = out;
    return NULL;
}

/* With a dynamic scale of 1 the only 128-bit part of a dynamic vector is
 * part 0: the vector itself. */
static clif_error *op_extract_vector(const in_op *o, const in_val *a, in_val *r) {
    if (o->d->lane != 0) return in_unsupported_msg(o, "part index beyond the dynamic scale of 1");
    *r = a[0];
    return NULL;
}

const in_op_fn in_ops_simd[CLIF_OP_COUNT] = {
    [CLIF_OP_VCONST] = op_vconst,
    [CLIF_OP_SPLAT] = op_splat,
    [CLIF_OP_SCALAR_TO_VECTOR] = op_scalar_to_vector,
    [CLIF_OP_INSERTLANE] = op_insertlane,
    [CLIF_OP_EXTRACTLANE] = op_extractlane,
    [CLIF_OP_SWIZZLE] = op_swizzle,
    [CLIF_OP_X86_PSHUFB] = op_swizzle,
    [CLIF_OP_SHUFFLE] = op_shuffle,
    [CLIF_OP_VANY_TRUE] = op_vany_true,
    [CLIF_OP_VALL_TRUE] = op_vall_true,
    [CLIF_OP_VHIGH_BITS] = op_vhigh_bits,
    [CLIF_OP_IADD_PAIRWISE] = op_iadd_pairwise,
    [CLIF_OP_SNARROW] = op_narrow,
    [CLIF_OP_UNARROW] = op_narrow,
    [CLIF_OP_UUNARROW] = op_narrow,
    [CLIF_OP_SWIDEN_LOW] = op_widen,
    [CLIF_OP_SWIDEN_HIGH] = op_widen,
    [CLIF_OP_UWIDEN_LOW] = op_widen,
    [CLIF_OP_UWIDEN_HIGH] = op_widen,
    [CLIF_OP_FVDEMOTE] = op_fvdemote,
    [CLIF_OP_FVPROMOTE_LOW] = op_fvpromote_low,
    [CLIF_OP_X86_PMADDUBSW] = op_pmaddubsw,
    [CLIF_OP_BLENDV] = op_blendv,
    [CLIF_OP_EXTRACT_VECTOR] = op_extract_vector,
};
