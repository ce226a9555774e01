/* Floating-point helpers: format layouts, bit-level comparison, f16 with
 * correct rounding, and exact integer <-> float conversions. */
#include "interp/fp.h"

#include <math.h>

unsigned fp_exp_bits(clif_type lane) {
    switch (clif_type_lane(lane)) {
    case CLIF_F16: return 5;
    case CLIF_F32: return 8;
    case CLIF_F64: return 11;
    default: return 15;
    }
}

unsigned fp_man_bits(clif_type lane) {
    switch (clif_type_lane(lane)) {
    case CLIF_F16: return 10;
    case CLIF_F32: return 23;
    case CLIF_F64: return 52;
    default: return 112;
    }
}

static u128 exp_field(clif_type lane, u128 bits) {
    return u128_trunc(u128_shr(bits, fp_man_bits(lane)), fp_exp_bits(lane));
}

bool fp_is_nan(clif_type lane, u128 bits) {
    u128 e = exp_field(lane, bits);
    return u128_eq(e, u128_mask(fp_exp_bits(lane))) &&
           !u128_is_zero(u128_trunc(bits, fp_man_bits(lane)));
}

bool fp_is_zero(clif_type lane, u128 bits) {
    unsigned w = clif_type_lane_bits(lane);
    return u128_is_zero(u128_trunc(bits, w - 1));
}

u128 fp_canonical_nan(clif_type lane) {
    unsigned m = fp_man_bits(lane);
    return u128_or(u128_shl(u128_mask(fp_exp_bits(lane)), m), u128_shl(u128_from_u64(1), m - 1));
}

int fp_compare(clif_type lane, u128 a, u128 b) {
    unsigned w = clif_type_lane_bits(lane);
    if (fp_is_zero(lane, a) && fp_is_zero(lane, b)) return 0;
    bool sa = u128_bit(a, w - 1), sb = u128_bit(b, w - 1);
    u128 ma = u128_trunc(a, w - 1), mb = u128_trunc(b, w - 1);
    if (sa != sb) return sa ? -1 : 1;
    int c = u128_eq(ma, mb) ? 0 : u128_ult(ma, mb) ? -1 : 1;
    return sa ? -c : c;
}

/* ---- f16 ---- */

double fp_f16_to_f64(uint16_t h) {
    int sign = h >> 15, e = (h >> 10) & 0x1f, m = h & 0x3ff;
    double v;
    if (e == 0x1f) {
        if (m == 0) return sign ? -INFINITY : INFINITY;
        /* Keep the payload in the top mantissa bits and quiet it, as hardware
         * widening does. */
        uint64_t bits =
            ((uint64_t)sign << 63) | (0x7ffull << 52) | (1ull << 51) | ((uint64_t)m << 42);
        return fp_f64(bits);
    }
    if (e == 0)
        v = ldexp((double)m, -24);
    else
        v = ldexp((double)(m + 1024), e - 25);
    return sign ? -v : v;
}

/* Rounds a non-negative double to the nearest integer, ties to even. */
static double round_even(double q) {
    double r = floor(q), diff = q - r;
    if (diff > 0.5 || (diff == 0.5 && fmod(r, 2.0) != 0.0)) r += 1.0;
    return r;
}

uint16_t fp_f64_to_f16(double x) {
    uint64_t xb = fp_f64_bits(x);
    uint16_t sign = (uint16_t)((xb >> 63) << 15);
    if (isnan(x)) return (uint16_t)(sign | 0x7e00 | ((xb >> 42) & 0x3ff));
    double a = fabs(x);
    if (a >= 65520.0) return (uint16_t)(sign | 0x7c00);
    if (a < ldexp(1.0, -14)) {
        double r = round_even(ldexp(a, 24)); /* subnormal units; 1024 is the smallest normal */
        return (uint16_t)(sign | (uint16_t)r);
    }
    int k;
    double f = frexp(a, &k); /* a = f * 2^k, f in [0.5, 1) */
    int e = k - 1;
    double r = round_even(f * 2048.0);
    if (r >= 2048.0) {
        r = 1024.0;
        e++;
    }
    if (e > 15) return (uint16_t)(sign | 0x7c00);
    return (uint16_t)(sign | (uint16_t)((e + 15) << 10) | (uint16_t)((int)r - 1024));
}

uint16_t fp_f16_fma(uint16_t a, uint16_t b, uint16_t c) {
    double p = fp_f16_to_f64(a) * fp_f16_to_f64(b); /* exact: 11 + 11 bits */
    double z = fp_f16_to_f64(c);
    double s = p + z;
    if (isnan(s) || isinf(s)) return fp_f64_to_f16(s);
    /* Two-sum: e is the exact rounding error of s. Rounding s to odd when it
     * is inexact makes the final rounding to f16 correct. */
    double bb = s - p;
    double e = (p - (s - bb)) + (z - bb);
    if (e != 0.0) {
        uint64_t bits = fp_f64_bits(s);
        if ((bits & 1) == 0) bits += ((e > 0) == (s > 0)) ? 1 : (uint64_t)-1;
        s = fp_f64(bits);
    }
    return fp_f64_to_f16(s);
}

double fp_to_f64(clif_type lane, u128 bits) {
    switch (clif_type_lane(lane)) {
    case CLIF_F16: return fp_f16_to_f64((uint16_t)bits.lo);
    case CLIF_F32: return (double)fp_f32(bits.lo);
    default: return fp_f64(bits.lo);
    }
}

u128 fp_from_f64(clif_type lane, double x) {
    switch (clif_type_lane(lane)) {
    case CLIF_F16: return u128_from_u64(fp_f64_to_f16(x));
    case CLIF_F32: return u128_from_u64(fp_f32_bits((float)x));
    default: return u128_from_u64(fp_f64_bits(x));
    }
}

/* ---- integers ---- */

/* The magnitude of an integral double below 2^128. */
static u128 magnitude_of(double t) {
    t = fabs(t);
    if (t < 1.0) return u128_from_u64(0);
    int k;
    double f = frexp(t, &k);             /* t = f * 2^k */
    uint64_t m = (uint64_t)ldexp(f, 53); /* 53-bit integer */
    int shift = k - 53;
    u128 v = u128_from_u64(m);
    return shift >= 0 ? u128_shl(v, (unsigned)shift) : u128_shr(v, (unsigned)-shift);
}

/* Cranelift's interpreter converts a float to an integer through a
 * saturating conversion to i128 first, and its runtests (i128-conversion.clif)
 * encode the effect on i128 results: magnitudes beyond the i128 range clamp to
 * i128::MIN / i128::MAX instead of trapping, also for unsigned results. */
static bool clamp_i128(double t, u128 *out) {
    if (t >= ldexp(1.0, 127)) {
        *out = u128_mask(127);
        return true;
    }
    if (t < -ldexp(1.0, 127)) {
        *out = u128_shl(u128_from_u64(1), 127);
        return true;
    }
    return false;
}

bool fp_to_int(double t, unsigned bits, bool is_signed, u128 *out) {
    if (bits == 128 && (is_signed || t >= 0) && clamp_i128(t, out)) return true;
    if (is_signed) {
        double lo = -ldexp(1.0, (int)bits - 1), hi = ldexp(1.0, (int)bits - 1);
        if (!(t >= lo && t < hi)) return false;
    } else {
        if (!(t > -1.0 && t < ldexp(1.0, (int)bits))) return false;
    }
    u128 m = magnitude_of(t);
    if (t < 0) m = u128_neg(m);
    *out = u128_trunc(m, bits);
    return true;
}

u128 fp_to_int_sat(double x, unsigned bits, bool is_signed) {
    if (isnan(x)) return u128_from_u64(0);
    double t = trunc(x);
    u128 r;
    if (bits == 128 && !is_signed && t < 0) return u128_from_u64(0);
    if (fp_to_int(t, bits, is_signed, &r)) return r;
    if (is_signed) return t < 0 ? u128_shl(u128_from_u64(1), bits - 1) : u128_mask(bits - 1);
    return t < 0 ? u128_from_u64(0) : u128_mask(bits);
}

u128 fp_from_int(clif_type lane, u128 x, unsigned bits, bool is_signed) {
    bool neg = false;
    if (is_signed) {
        x = u128_sext(x, bits);
        if (u128_neg_p(x)) {
            neg = true;
            x = u128_neg(x);
        }
    } else {
        x = u128_trunc(x, bits);
    }
    clif_type l = clif_type_lane(lane);
    unsigned prec = l == CLIF_F32 ? 24 : 53;
    if (l == CLIF_F16) prec = 24; /* exact below 65520; larger values are infinite */
    /* Round the magnitude to `prec` significant bits, ties to even. */
    unsigned n = 128 - u128_clz(x);
    int shift = 0;
    if (n > prec) {
        shift = (int)(n - prec);
        u128 q = u128_shr(x, (unsigned)shift);
        u128 rem = u128_trunc(x, (unsigned)shift);
        u128 half = u128_shl(u128_from_u64(1), (unsigned)shift - 1);
        if (u128_ult(half, rem) || (u128_eq(rem, half) && (q.lo & 1)))
            q = u128_add(q, u128_from_u64(1));
        x = q;
    }
    double v = ldexp((double)x.lo, shift); /* x < 2^54 here: exact */
    if (neg) v = -v;
    if (l == CLIF_F16) return u128_from_u64(fp_f64_to_f16(v));
    if (l == CLIF_F32) return u128_from_u64(fp_f32_bits((float)v));
    return u128_from_u64(fp_f64_bits(v));
}
