/* Integer opcodes: arithmetic, division with its traps, overflow flags,
 * saturation, bitwise logic, shifts, bit counts, comparison and selection.
 * Each works lane-wise, so one handler serves scalars and vectors; lanes of
 * w bits are kept zero-extended and sign-extended where signedness matters. */
#include "interp/interp.h"

typedef u128 (*lane2_fn)(unsigned w, u128 x, u128 y);
typedef u128 (*lane1_fn)(unsigned w, u128 x);

static in_val map2(clif_type t, in_val a, in_val b, lane2_fn fn) {
    unsigned w = in_lane_bits(t), n = in_lanes(t);
    if (n == 1) return u128_trunc(fn(w, a, b), w);
    in_val r = u128_from_u64(0);
    for (unsigned i = 0; i < n; i++)
        r = in_set_lane(r, w, i, fn(w, in_lane(a, w, i), in_lane(b, w, i)));
    return r;
}

static in_val map1(clif_type t, in_val a, lane1_fn fn) {
    unsigned w = in_lane_bits(t), n = in_lanes(t);
    if (n == 1) return u128_trunc(fn(w, a), w);
    in_val r = u128_from_u64(0);
    for (unsigned i = 0; i < n; i++)
        r = in_set_lane(r, w, i, fn(w, in_lane(a, w, i)));
    return r;
}

static u128 smin_of(unsigned w) {
    return u128_shl(u128_from_u64(1), w - 1);
}
static u128 smax_of(unsigned w) {
    return u128_mask(w - 1);
}
static u128 sx(u128 x, unsigned w) {
    return u128_sext(x, w);
}

/* ---- Arithmetic ---- */

static u128 l_add(unsigned w, u128 x, u128 y) {
    (void)w;
    return u128_add(x, y);
}
static u128 l_sub(unsigned w, u128 x, u128 y) {
    (void)w;
    return u128_sub(x, y);
}
static u128 l_mul(unsigned w, u128 x, u128 y) {
    (void)w;
    return u128_mul(x, y);
}
static u128 l_neg(unsigned w, u128 x) {
    (void)w;
    return u128_neg(x);
}
static u128 l_abs(unsigned w, u128 x) {
    return u128_neg_p(sx(x, w)) ? u128_neg(x) : x;
}

/* High half of the signed 256-bit product of two 128-bit values. */
static u128 smulhi128(u128 x, u128 y, u128 *lo) {
    u128 hi;
    u128_mul_full(x, y, &hi, lo);
    if (u128_neg_p(x)) hi = u128_sub(hi, y);
    if (u128_neg_p(y)) hi = u128_sub(hi, x);
    return hi;
}

static u128 l_umulhi(unsigned w, u128 x, u128 y) {
    if (w == 128) {
        u128 hi, lo;
        u128_mul_full(x, y, &hi, &lo);
        return hi;
    }
    return u128_shr(u128_mul64(x.lo, y.lo), w);
}

static u128 l_smulhi(unsigned w, u128 x, u128 y) {
    u128 lo;
    if (w == 128) return smulhi128(x, y, &lo);
    return u128_sar(u128_mul(sx(x, w), sx(y, w)), w);
}

static u128 l_smin(unsigned w, u128 x, u128 y) {
    return u128_slt(sx(x, w), sx(y, w)) ? x : y;
}
static u128 l_smax(unsigned w, u128 x, u128 y) {
    return u128_slt(sx(x, w), sx(y, w)) ? y : x;
}
static u128 l_umin(unsigned w, u128 x, u128 y) {
    (void)w;
    return u128_ult(x, y) ? x : y;
}
static u128 l_umax(unsigned w, u128 x, u128 y) {
    (void)w;
    return u128_ult(x, y) ? y : x;
}

static u128 l_uadd_sat(unsigned w, u128 x, u128 y) {
    u128 s = u128_trunc(u128_add(x, y), w);
    return u128_ult(s, x) ? u128_mask(w) : s;
}
static u128 l_usub_sat(unsigned w, u128 x, u128 y) {
    (void)w;
    return u128_ult(x, y) ? u128_from_u64(0) : u128_sub(x, y);
}
static bool sadd_ovf(unsigned w, u128 x, u128 y, u128 s) {
    bool a = u128_bit(x, w - 1), b = u128_bit(y, w - 1), c = u128_bit(s, w - 1);
    return a == b && c != a;
}
static bool ssub_ovf(unsigned w, u128 x, u128 y, u128 s) {
    bool a = u128_bit(x, w - 1), b = u128_bit(y, w - 1), c = u128_bit(s, w - 1);
    return a != b && c != a;
}
static u128 l_sadd_sat(unsigned w, u128 x, u128 y) {
    u128 s = u128_trunc(u128_add(x, y), w);
    if (!sadd_ovf(w, x, y, s)) return s;
    return u128_bit(x, w - 1) ? smin_of(w) : smax_of(w);
}
static u128 l_ssub_sat(unsigned w, u128 x, u128 y) {
    u128 s = u128_trunc(u128_sub(x, y), w);
    if (!ssub_ovf(w, x, y, s)) return s;
    return u128_bit(x, w - 1) ? smin_of(w) : smax_of(w);
}
static u128 l_avg_round(unsigned w, u128 x, u128 y) {
    (void)w;
    /* (x + y + 1) >> 1 without losing the carry. */
    u128 h = u128_add(u128_shr(x, 1), u128_shr(y, 1));
    return u128_add(h, u128_from_u64((x.lo | y.lo) & 1));
}
/* Signed fixed-point multiply with rounding; `saturate` distinguishes
 * sqmul_round_sat from x86_pmulhrsw (which wraps MIN * MIN). */
static u128 qmul(unsigned w, u128 x, u128 y, bool saturate) {
    u128 p = u128_mul(sx(x, w), sx(y, w)); /* exact: w <= 32 */
    p = u128_sar(u128_add(p, u128_shl(u128_from_u64(1), w - 2)), w - 1);
    if (saturate) {
        if (u128_slt(sx(smax_of(w), w), p)) return smax_of(w);
        if (u128_slt(p, sx(smin_of(w), w))) return smin_of(w);
    }
    return p;
}
static u128 l_sqmul_round_sat(unsigned w, u128 x, u128 y) {
    return qmul(w, x, y, true);
}
static u128 l_pmulhrsw(unsigned w, u128 x, u128 y) {
    return qmul(w, x, y, false);
}

#define LANE2(name, fn)                                                                            \
    static clif_error *name(const in_op *o, const in_val *a, in_val *r) {                          \
        *r = map2(o->ctrl, a[0], a[1], fn);                                                        \
        return NULL;                                                                               \
    }
#define LANE1(name, fn)                                                                            \
    static clif_error *name(const in_op *o, const in_val *a, in_val *r) {                          \
        *r = map1(o->ctrl, a[0], fn);                                                              \
        return NULL;                                                                               \
    }

LANE2(op_iadd, l_add)
LANE2(op_isub, l_sub)
LANE2(op_imul, l_mul)
LANE1(op_ineg, l_neg)
LANE1(op_iabs, l_abs)
LANE2(op_umulhi, l_umulhi)
LANE2(op_smulhi, l_smulhi)
LANE2(op_smin, l_smin)
LANE2(op_smax, l_smax)
LANE2(op_umin, l_umin)
LANE2(op_umax, l_umax)
LANE2(op_uadd_sat, l_uadd_sat)
LANE2(op_usub_sat, l_usub_sat)
LANE2(op_sadd_sat, l_sadd_sat)
LANE2(op_ssub_sat, l_ssub_sat)
LANE2(op_avg_round, l_avg_round)
LANE2(op_sqmul_round_sat, l_sqmul_round_sat)
LANE2(op_pmulhrsw, l_pmulhrsw)

/* ---- Division ---- */

/* Computes one lane; returns a trap code or 0. */
static clif_trap_code divide(clif_opcode op, unsigned w, u128 x, u128 y, u128 *r) {
    if (u128_is_zero(y)) return CLIF_TRAP_INTEGER_DIVISION_BY_ZERO;
    u128 q, m;
    if (op == CLIF_OP_UDIV || op == CLIF_OP_UREM) {
        u128_divmod(x, y, &q, &m);
        *r = op == CLIF_OP_UDIV ? q : m;
        return 0;
    }
    bool minus_one = u128_eq(y, u128_mask(w)), is_min = u128_eq(x, smin_of(w));
    if (minus_one && is_min) {
        if (op == CLIF_OP_SDIV) return CLIF_TRAP_INTEGER_OVERFLOW;
        *r = u128_from_u64(0);
        return 0;
    }
    u128 a = sx(x, w), b = sx(y, w);
    bool na = u128_neg_p(a), nb = u128_neg_p(b);
    u128_divmod(na ? u128_neg(a) : a, nb ? u128_neg(b) : b, &q, &m);
    if (op == CLIF_OP_SDIV)
        *r = na != nb ? u128_neg(q) : q;
    else
        *r = na ? u128_neg(m) : m; /* the remainder has the dividend's sign */
    return 0;
}

static clif_error *op_div(const in_op *o, const in_val *a, in_val *r) {
    unsigned w = in_lane_bits(o->ctrl), n = in_lanes(o->ctrl);
    in_val out = u128_from_u64(0);
    for (unsigned i = 0; i < n; i++) {
        u128 q;
        clif_trap_code t =
            divide((clif_opcode)o->d->opcode, w, in_lane(a[0], w, i), in_lane(a[1], w, i), &q);
        if (t) return clif_error_trap(t);
        out = in_set_lane(out, w, i, q);
    }
    *r = out;
    return NULL;
}

/* ---- Overflow flags ---- */

static clif_error *op_overflow(const in_op *o, const in_val *a, in_val *r) {
    unsigned w = clif_type_bits(o->ctrl);
    u128 x = a[0], y = a[1], s;
    bool of = false, c = o->d->nargs > 2 && (a[2].lo & 0xff) != 0;
    switch (o->d->opcode) {
    case CLIF_OP_UADD_OVERFLOW:
    case CLIF_OP_UADD_OVERFLOW_CIN: {
        u128 s1 = u128_trunc(u128_add(x, y), w);
        s = u128_trunc(u128_add(s1, u128_from_u64(c)), w);
        of = u128_ult(s1, x) || u128_ult(s, s1);
        break;
    }
    case CLIF_OP_SADD_OVERFLOW:
    case CLIF_OP_SADD_OVERFLOW_CIN:
        s = u128_trunc(u128_add(u128_add(x, y), u128_from_u64(c)), w);
        of = sadd_ovf(w, x, y, s);
        break;
    case CLIF_OP_USUB_OVERFLOW:
    case CLIF_OP_USUB_OVERFLOW_BIN:
        s = u128_trunc(u128_sub(u128_sub(x, y), u128_from_u64(c)), w);
        of = u128_ult(x, y) || (c && u128_eq(x, y));
        break;
    case CLIF_OP_SSUB_OVERFLOW:
    case CLIF_OP_SSUB_OVERFLOW_BIN:
        s = u128_trunc(u128_sub(u128_sub(x, y), u128_from_u64(c)), w);
        of = ssub_ovf(w, x, y, s);
        break;
    case CLIF_OP_UMUL_OVERFLOW: {
        u128 hi, lo;
        u128_mul_full(x, y, &hi, &lo);
        s = u128_trunc(lo, w);
        of = !u128_is_zero(hi) || !u128_is_zero(u128_shr(lo, w));
        break;
    }
    default: { /* smul_overflow */
        u128 lo, hi = smulhi128(sx(x, w), sx(y, w), &lo);
        s = u128_trunc(lo, w);
        /* No overflow iff the 256-bit product equals the sign extension of s. */
        u128 ext = sx(s, w), fill = u128_neg_p(ext) ? u128_mask(128) : u128_from_u64(0);
        of = !u128_eq(ext, lo) || !u128_eq(hi, fill);
        break;
    }
    }
    r[0] = s;
    r[1] = u128_from_u64(of);
    return NULL;
}

static clif_error *op_uadd_overflow_trap(const in_op *o, const in_val *a, in_val *r) {
    unsigned w = clif_type_bits(o->ctrl);
    u128 s = u128_trunc(u128_add(a[0], a[1]), w);
    if (u128_ult(s, a[0])) return clif_error_trap(o->d->trap);
    *r = s;
    return NULL;
}

/* ---- Bitwise ---- */

static clif_error *op_bitwise(const in_op *o, const in_val *a, in_val *r) {
    unsigned bits = clif_type_bits(o->ctrl);
    switch (o->d->opcode) {
    case CLIF_OP_BAND: *r = u128_and(a[0], a[1]); break;
    case CLIF_OP_BOR: *r = u128_or(a[0], a[1]); break;
    case CLIF_OP_BXOR: *r = u128_xor(a[0], a[1]); break;
    default: *r = u128_trunc(u128_not(a[0]), bits); break;
    }
    return NULL;
}

/* ---- Shifts and rotates: the amount is masked to the lane width ---- */

static clif_error *op_shift(const in_op *o, const in_val *a, in_val *r) {
    unsigned w = in_lane_bits(o->ctrl), n = in_lanes(o->ctrl);
    unsigned s = (unsigned)(a[1].lo & (w - 1));
    in_val out = u128_from_u64(0);
    for (unsigned i = 0; i < n; i++) {
        u128 x = in_lane(a[0], w, i), v;
        switch (o->d->opcode) {
        case CLIF_OP_ISHL: v = u128_shl(x, s); break;
        case CLIF_OP_USHR: v = u128_shr(x, s); break;
        case CLIF_OP_SSHR: v = u128_sar(sx(x, w), s); break;
        case CLIF_OP_ROTL: v = s ? u128_or(u128_shl(x, s), u128_shr(x, w - s)) : x; break;
        default: v = s ? u128_or(u128_shr(x, s), u128_shl(x, w - s)) : x; break;
        }
        out = in_set_lane(out, w, i, v);
    }
    *r = out;
    return NULL;
}

/* ---- Bit counting and ordering ---- */

static u128 l_clz(unsigned w, u128 x) {
    return u128_from_u64(u128_clz(x) - (128 - w));
}
static u128 l_cls(unsigned w, u128 x) {
    if (u128_bit(x, w - 1)) x = u128_trunc(u128_not(x), w);
    return u128_from_u64(u128_clz(x) - (128 - w) - 1);
}
static u128 l_ctz(unsigned w, u128 x) {
    return u128_from_u64(u128_is_zero(x) ? w : u128_ctz(x));
}
static u128 l_popcnt(unsigned w, u128 x) {
    (void)w;
    return u128_from_u64(u128_popcount(x));
}
static u128 l_bitrev(unsigned w, u128 x) {
    u128 r = u128_from_u64(0);
    for (unsigned i = 0; i < w; i++)
        if (u128_bit(x, i)) r = u128_or(r, u128_shl(u128_from_u64(1), w - 1 - i));
    return r;
}
static u128 l_bswap(unsigned w, u128 x) {
    u128 r = u128_from_u64(0);
    for (unsigned i = 0; i < w / 8; i++) {
        u128 byte = u128_and(u128_shr(x, 8 * i), u128_from_u64(0xff));
        r = u128_or(r, u128_shl(byte, w - 8 - 8 * i));
    }
    return r;
}

LANE1(op_clz, l_clz)
LANE1(op_cls, l_cls)
LANE1(op_ctz, l_ctz)
LANE1(op_popcnt, l_popcnt)
LANE1(op_bitrev, l_bitrev)
LANE1(op_bswap, l_bswap)

/* ---- Comparison and selection ---- */

static bool icmp(clif_intcc cc, unsigned w, u128 x, u128 y) {
    switch (cc) {
    case CLIF_ICC_EQ: return u128_eq(x, y);
    case CLIF_ICC_NE: return !u128_eq(x, y);
    case CLIF_ICC_SLT: return u128_slt(sx(x, w), sx(y, w));
    case CLIF_ICC_SGE: return !u128_slt(sx(x, w), sx(y, w));
    case CLIF_ICC_SGT: return u128_slt(sx(y, w), sx(x, w));
    case CLIF_ICC_SLE: return !u128_slt(sx(y, w), sx(x, w));
    case CLIF_ICC_ULT: return u128_ult(x, y);
    case CLIF_ICC_UGE: return !u128_ult(x, y);
    case CLIF_ICC_UGT: return u128_ult(y, x);
    default: return !u128_ult(y, x);
    }
}

static clif_error *op_icmp(const in_op *o, const in_val *a, in_val *r) {
    clif_type t = o->ctrl;
    unsigned w = in_lane_bits(t), n = in_lanes(t);
    if (o->d->cond >= CLIF_ICC_COUNT) return in_unsupported_msg(o, "unknown condition code");
    if (n == 1) {
        *r = u128_from_u64(icmp((clif_intcc)o->d->cond, w, a[0], a[1]));
        return NULL;
    }
    in_val out = u128_from_u64(0);
    for (unsigned i = 0; i < n; i++)
        if (icmp((clif_intcc)o->d->cond, w, in_lane(a[0], w, i), in_lane(a[1], w, i)))
            out = in_set_lane(out, w, i, u128_mask(w));
    *r = out;
    return NULL;
}

static clif_error *op_select(const in_op *o, const in_val *a, in_val *r) {
    (void)o;
    *r = u128_is_zero(a[0]) ? a[2] : a[1];
    return NULL;
}

static clif_error *op_bitselect(const in_op *o, const in_val *a, in_val *r) {
    (void)o;
    *r = u128_or(u128_and(a[0], a[1]), u128_and(u128_not(a[0]), a[2]));
    return NULL;
}

static clif_error *op_bmask(const in_op *o, const in_val *a, in_val *r) {
    clif_type t = o->ctrl, it = in_arg_type(o, 0);
    unsigned w = in_lane_bits(t), iw = in_lane_bits(it), n = in_lanes(t);
    in_val out = u128_from_u64(0);
    for (unsigned i = 0; i < n; i++)
        if (!u128_is_zero(in_lane(a[0], iw, i))) out = in_set_lane(out, w, i, u128_mask(w));
    *r = out;
    return NULL;
}

static clif_error *op_iconst(const in_op *o, const in_val *a, in_val *r) {
    (void)a;
    if (clif_type_is_vector(o->ctrl)) return in_unsupported(o, o->ctrl);
    *r = u128_trunc(u128_from_u64(o->d->imm), clif_type_bits(o->ctrl));
    return NULL;
}

const in_op_fn in_ops_int[CLIF_OP_COUNT] = {
    [CLIF_OP_ICONST] = op_iconst,
    [CLIF_OP_IADD] = op_iadd,
    [CLIF_OP_ISUB] = op_isub,
    [CLIF_OP_INEG] = op_ineg,
    [CLIF_OP_IABS] = op_iabs,
    [CLIF_OP_IMUL] = op_imul,
    [CLIF_OP_UMULHI] = op_umulhi,
    [CLIF_OP_SMULHI] = op_smulhi,
    [CLIF_OP_UDIV] = op_div,
    [CLIF_OP_SDIV] = op_div,
    [CLIF_OP_UREM] = op_div,
    [CLIF_OP_SREM] = op_div,
    [CLIF_OP_SMIN] = op_smin,
    [CLIF_OP_UMIN] = op_umin,
    [CLIF_OP_SMAX] = op_smax,
    [CLIF_OP_UMAX] = op_umax,
    [CLIF_OP_UADD_OVERFLOW] = op_overflow,
    [CLIF_OP_SADD_OVERFLOW] = op_overflow,
    [CLIF_OP_USUB_OVERFLOW] = op_overflow,
    [CLIF_OP_SSUB_OVERFLOW] = op_overflow,
    [CLIF_OP_UMUL_OVERFLOW] = op_overflow,
    [CLIF_OP_SMUL_OVERFLOW] = op_overflow,
    [CLIF_OP_UADD_OVERFLOW_CIN] = op_overflow,
    [CLIF_OP_SADD_OVERFLOW_CIN] = op_overflow,
    [CLIF_OP_USUB_OVERFLOW_BIN] = op_overflow,
    [CLIF_OP_SSUB_OVERFLOW_BIN] = op_overflow,
    [CLIF_OP_UADD_OVERFLOW_TRAP] = op_uadd_overflow_trap,
    [CLIF_OP_UADD_SAT] = op_uadd_sat,
    [CLIF_OP_SADD_SAT] = op_sadd_sat,
    [CLIF_OP_USUB_SAT] = op_usub_sat,
    [CLIF_OP_SSUB_SAT] = op_ssub_sat,
    [CLIF_OP_AVG_ROUND] = op_avg_round,
    [CLIF_OP_SQMUL_ROUND_SAT] = op_sqmul_round_sat,
    [CLIF_OP_X86_PMULHRSW] = op_pmulhrsw,
    [CLIF_OP_BAND] = op_bitwise,
    [CLIF_OP_BOR] = op_bitwise,
    [CLIF_OP_BXOR] = op_bitwise,
    [CLIF_OP_BNOT] = op_bitwise,
    [CLIF_OP_ISHL] = op_shift,
    [CLIF_OP_USHR] = op_shift,
    [CLIF_OP_SSHR] = op_shift,
    [CLIF_OP_ROTL] = op_shift,
    [CLIF_OP_ROTR] = op_shift,
    [CLIF_OP_CLZ] = op_clz,
    [CLIF_OP_CLS] = op_cls,
    [CLIF_OP_CTZ] = op_ctz,
    [CLIF_OP_POPCNT] = op_popcnt,
    [CLIF_OP_BITREV] = op_bitrev,
    [CLIF_OP_BSWAP] = op_bswap,
    [CLIF_OP_ICMP] = op_icmp,
    [CLIF_OP_SELECT] = op_select,
    [CLIF_OP_SELECT_SPECTRE_GUARD] = op_select,
    [CLIF_OP_BITSELECT] = op_bitselect,
    [CLIF_OP_BMASK] = op_bmask,
};
