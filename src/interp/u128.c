/* 128-bit multiplication and division in portable C. */
#include "interp/u128.h"

u128 u128_mul64(uint64_t a, uint64_t b) {
    uint64_t a0 = a & 0xffffffffu, a1 = a >> 32, b0 = b & 0xffffffffu, b1 = b >> 32;
    uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    uint64_t mid = (p00 >> 32) + (p01 & 0xffffffffu) + (p10 & 0xffffffffu);
    uint64_t lo = (p00 & 0xffffffffu) | (mid << 32);
    uint64_t hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
    return u128_make(hi, lo);
}

u128 u128_mul(u128 a, u128 b) {
    u128 r = u128_mul64(a.lo, b.lo);
    r.hi += a.lo * b.hi + a.hi * b.lo;
    return r;
}

void u128_mul_full(u128 a, u128 b, u128 *hi, u128 *lo) {
    u128 ll = u128_mul64(a.lo, b.lo), lh = u128_mul64(a.lo, b.hi);
    u128 hl = u128_mul64(a.hi, b.lo), hh = u128_mul64(a.hi, b.hi);
    /* mid = ll.hi + lh.lo + hl.lo, with carries into the high half. */
    u128 mid = u128_add(u128_from_u64(ll.hi), u128_from_u64(lh.lo));
    mid = u128_add(mid, u128_from_u64(hl.lo));
    *lo = u128_make(mid.lo, ll.lo);
    u128 h = u128_add(hh, u128_from_u64(lh.hi));
    h = u128_add(h, u128_from_u64(hl.hi));
    *hi = u128_add(h, u128_from_u64(mid.hi));
}

void u128_divmod(u128 a, u128 b, u128 *q, u128 *r) {
    if (a.hi == 0 && b.hi == 0) {
        *q = u128_from_u64(a.lo / b.lo);
        *r = u128_from_u64(a.lo % b.lo);
        return;
    }
    /* Shift-subtract long division, starting at the highest set bit of a. */
    u128 quo = u128_from_u64(0), rem = u128_from_u64(0);
    int top = 127 - (int)u128_clz(a);
    for (int i = top; i >= 0; i--) {
        bool carry = u128_neg_p(rem); /* the shift below drops this bit */
        rem = u128_shl(rem, 1);
        rem.lo |= (uint64_t)u128_bit(a, (unsigned)i);
        if (carry || !u128_ult(rem, b)) {
            rem = u128_sub(rem, b);
            quo = u128_or(quo, u128_shl(u128_from_u64(1), (unsigned)i));
        }
    }
    *q = quo;
    *r = rem;
}
