/* 128-bit integer arithmetic in portable C: a value is two 64-bit halves.
 * The interpreter keeps every value (scalar or vector) in one u128: a scalar
 * zero-extended to 128 bits, a vector with lane i at bits [i*w, (i+1)*w). */
#ifndef CLIF_INTERP_U128_H
#define CLIF_INTERP_U128_H

#include <stdbool.h>
#include <stdint.h>

typedef struct u128 {
    uint64_t lo, hi;
} u128;

static inline u128 u128_make(uint64_t hi, uint64_t lo) {
    u128 r = {lo, hi};
    return r;
}
static inline u128 u128_from_u64(uint64_t x) {
    return u128_make(0, x);
}
static inline u128 u128_from_i64(int64_t x) {
    return u128_make(x < 0 ? UINT64_MAX : 0, (uint64_t)x);
}
static inline bool u128_is_zero(u128 a) {
    return (a.lo | a.hi) == 0;
}
static inline bool u128_eq(u128 a, u128 b) {
    return a.lo == b.lo && a.hi == b.hi;
}
static inline bool u128_ult(u128 a, u128 b) {
    return a.hi < b.hi || (a.hi == b.hi && a.lo < b.lo);
}
static inline bool u128_slt(u128 a, u128 b) {
    if (a.hi != b.hi) return (int64_t)a.hi < (int64_t)b.hi;
    return a.lo < b.lo;
}
static inline bool u128_neg_p(u128 a) {
    return (int64_t)a.hi < 0;
}

static inline u128 u128_and(u128 a, u128 b) {
    return u128_make(a.hi & b.hi, a.lo & b.lo);
}
static inline u128 u128_or(u128 a, u128 b) {
    return u128_make(a.hi | b.hi, a.lo | b.lo);
}
static inline u128 u128_xor(u128 a, u128 b) {
    return u128_make(a.hi ^ b.hi, a.lo ^ b.lo);
}
static inline u128 u128_not(u128 a) {
    return u128_make(~a.hi, ~a.lo);
}

static inline u128 u128_add(u128 a, u128 b) {
    uint64_t lo = a.lo + b.lo;
    return u128_make(a.hi + b.hi + (lo < a.lo), lo);
}
static inline u128 u128_sub(u128 a, u128 b) {
    uint64_t lo = a.lo - b.lo;
    return u128_make(a.hi - b.hi - (a.lo < b.lo), lo);
}
static inline u128 u128_neg(u128 a) {
    return u128_sub(u128_from_u64(0), a);
}

/* Shifts by n in 0..127 (larger n gives 0, or the sign for sar). */
static inline u128 u128_shl(u128 a, unsigned n) {
    if (n == 0) return a;
    if (n >= 128) return u128_from_u64(0);
    if (n >= 64) return u128_make(a.lo << (n - 64), 0);
    return u128_make((a.hi << n) | (a.lo >> (64 - n)), a.lo << n);
}
static inline u128 u128_shr(u128 a, unsigned n) {
    if (n == 0) return a;
    if (n >= 128) return u128_from_u64(0);
    if (n >= 64) return u128_make(0, a.hi >> (n - 64));
    return u128_make(a.hi >> n, (a.lo >> n) | (a.hi << (64 - n)));
}
static inline u128 u128_sar(u128 a, unsigned n) {
    uint64_t fill = u128_neg_p(a) ? UINT64_MAX : 0;
    if (n == 0) return a;
    if (n >= 128) return u128_make(fill, fill);
    if (n >= 64) {
        unsigned k = n - 64;
        uint64_t lo = k ? (a.hi >> k) | (fill << (64 - k)) : a.hi;
        return u128_make(fill, lo);
    }
    return u128_make((a.hi >> n) | (fill << (64 - n)), (a.lo >> n) | (a.hi << (64 - n)));
}

/* All ones in the low `bits` bits (bits in 0..128). */
static inline u128 u128_mask(unsigned bits) {
    if (bits >= 128) return u128_make(UINT64_MAX, UINT64_MAX);
    if (bits >= 64) return u128_make(bits == 64 ? 0 : (UINT64_MAX >> (128 - bits)), UINT64_MAX);
    return u128_make(0, bits ? UINT64_MAX >> (64 - bits) : 0);
}
/* Keeps the low `bits` bits. */
static inline u128 u128_trunc(u128 a, unsigned bits) {
    return u128_and(a, u128_mask(bits));
}
/* Sign-extends the low `bits` bits to 128. */
static inline u128 u128_sext(u128 a, unsigned bits) {
    if (bits >= 128 || bits == 0) return a;
    return u128_sar(u128_shl(a, 128 - bits), 128 - bits);
}
static inline bool u128_bit(u128 a, unsigned n) {
    return (u128_shr(a, n).lo & 1) != 0;
}

static inline unsigned u64_clz(uint64_t x) {
    unsigned n = 0;
    if (!x) return 64;
    while (!(x & (1ull << 63)))
        x <<= 1, n++;
    return n;
}
static inline unsigned u64_ctz(uint64_t x) {
    unsigned n = 0;
    if (!x) return 64;
    while (!(x & 1))
        x >>= 1, n++;
    return n;
}
static inline unsigned u64_popcount(uint64_t x) {
    unsigned n = 0;
    for (; x; x &= x - 1)
        n++;
    return n;
}
static inline unsigned u128_clz(u128 a) {
    return a.hi ? u64_clz(a.hi) : 64 + u64_clz(a.lo);
}
static inline unsigned u128_ctz(u128 a) {
    return a.lo ? u64_ctz(a.lo) : 64 + u64_ctz(a.hi);
}
static inline unsigned u128_popcount(u128 a) {
    return u64_popcount(a.lo) + u64_popcount(a.hi);
}

/* Full 64x64 -> 128 product. */
u128 u128_mul64(uint64_t a, uint64_t b);
/* Low 128 bits of a product. */
u128 u128_mul(u128 a, u128 b);
/* The 256-bit product of a and b as (hi, lo) halves. */
void u128_mul_full(u128 a, u128 b, u128 *hi, u128 *lo);
/* Unsigned division; b must not be zero. */
void u128_divmod(u128 a, u128 b, u128 *q, u128 *r);

#endif
