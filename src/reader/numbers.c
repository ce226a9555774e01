/* Number literals: integers of every immediate kind, IEEE floats in hex
 * notation, and hexadecimal constants. */
#include "reader/numbers.h"

#include <string.h>

static int hex_digit(int c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static bool starts_with(const char *s, size_t n, const char *p) {
    size_t k = strlen(p);
    return n >= k && memcmp(s, p, k) == 0;
}

/* ---- 128-bit helpers ---- */

static rd_u128 u128_shl(rd_u128 a, unsigned k) {
    if (k == 0) return a;
    if (k >= 128) return (rd_u128){0, 0};
    if (k >= 64) return (rd_u128){0, a.lo << (k - 64)};
    return (rd_u128){a.lo << k, (a.hi << k) | (a.lo >> (64 - k))};
}

static rd_u128 u128_shr(rd_u128 a, unsigned k) {
    if (k == 0) return a;
    if (k >= 128) return (rd_u128){0, 0};
    if (k >= 64) return (rd_u128){a.hi >> (k - 64), 0};
    return (rd_u128){(a.lo >> k) | (a.hi << (64 - k)), a.hi >> k};
}

static rd_u128 u128_or(rd_u128 a, rd_u128 b) {
    return (rd_u128){a.lo | b.lo, a.hi | b.hi};
}
static rd_u128 u128_and(rd_u128 a, rd_u128 b) {
    return (rd_u128){a.lo & b.lo, a.hi & b.hi};
}
static bool u128_zero(rd_u128 a) {
    return (a.lo | a.hi) == 0;
}
static rd_u128 u128_bit(unsigned k) {
    return u128_shl((rd_u128){1, 0}, k);
}
/* (1 << k) - 1 */
static rd_u128 u128_mask(unsigned k) {
    if (k >= 128) return (rd_u128){UINT64_MAX, UINT64_MAX};
    rd_u128 b = u128_bit(k);
    return b.lo ? (rd_u128){b.lo - 1, b.hi} : (rd_u128){UINT64_MAX, b.hi - 1};
}
static bool u128_lt(rd_u128 a, rd_u128 b) {
    return a.hi < b.hi || (a.hi == b.hi && a.lo < b.lo);
}
static unsigned u128_bits(rd_u128 a) {
    unsigned n = 0;
    while (!u128_zero(a)) {
        a = u128_shr(a, 1);
        n++;
    }
    return n;
}
static rd_u128 u128_neg(rd_u128 a) {
    rd_u128 r = {~a.lo + 1, ~a.hi + (a.lo == 0 ? 1 : 0)};
    return r;
}

/* Multiplies by 10 and adds d; false on overflow of `bits` bits. */
/* v = v * 10 + d; false when the result needs more than `bits` bits. */
static bool mul10_add(rd_u128 *v, unsigned d, unsigned bits) {
    uint64_t limb[4] = {v->lo & 0xffffffffu, v->lo >> 32, v->hi & 0xffffffffu, v->hi >> 32};
    uint64_t carry = d;
    for (int i = 0; i < 4; i++) {
        uint64_t x = limb[i] * 10 + carry;
        limb[i] = x & 0xffffffffu;
        carry = x >> 32;
    }
    if (carry) return false;
    rd_u128 r = {limb[0] | (limb[1] << 32), limb[2] | (limb[3] << 32)};
    if (u128_bits(r) > bits) return false;
    *v = r;
    return true;
}

/* Rust's `uN::from_str_radix`/`str::parse`: an optional '+', then at least one
 * digit of the radix, nothing else, the value fitting `bits` bits. */
static bool rust_parse_uint(const char *s, size_t n, unsigned radix, unsigned bits, rd_u128 *out) {
    if (n > 0 && s[0] == '+') {
        s++;
        n--;
    }
    if (n == 0) return false;
    rd_u128 v = {0, 0};
    for (size_t i = 0; i < n; i++) {
        int d = hex_digit((unsigned char)s[i]);
        if (d < 0 || (unsigned)d >= radix) return false;
        if (radix == 16) {
            /* Leading zeros are fine; only the value must fit. */
            if (u128_bits(v) + 4 > 128) return false;
            v = u128_or(u128_shl(v, 4), (rd_u128){(uint64_t)d, 0});
            if (u128_bits(v) > bits) return false;
        } else if (!mul10_add(&v, (unsigned)d, bits)) {
            return false;
        }
    }
    *out = v;
    return true;
}

/* ---- Imm64 and friends ---- */

static bool parse_u64(const char *s, size_t n, uint64_t *out, const char **err) {
    uint64_t value = 0;
    unsigned digits = 0;
    if (starts_with(s, n, "-0x")) {
        *err = "Invalid character in hexadecimal number";
        return false;
    }
    if (starts_with(s, n, "0x")) {
        for (size_t i = 2; i < n; i++) {
            int d = hex_digit((unsigned char)s[i]);
            if (d >= 0) {
                if (++digits > 16) {
                    *err = "Too many hexadecimal digits";
                    return false;
                }
                value = (value << 4) | (uint64_t)d;
            } else if (s[i] != '_') {
                *err = "Invalid character in hexadecimal number";
                return false;
            }
        }
    } else {
        for (size_t i = 0; i < n; i++) {
            if (s[i] >= '0' && s[i] <= '9') {
                uint64_t d = (uint64_t)(s[i] - '0');
                digits++;
                if (value > UINT64_MAX / 10 || value * 10 > UINT64_MAX - d) {
                    *err = "Too large decimal number";
                    return false;
                }
                value = value * 10 + d;
            } else if (s[i] != '_') {
                *err = "Invalid character in decimal number";
                return false;
            }
        }
    }
    if (digits == 0) {
        *err = "No digits in number";
        return false;
    }
    *out = value;
    return true;
}

static bool parse_i64(const char *s, size_t n, uint64_t *out, const char **err) {
    bool negative = n > 0 && s[0] == '-';
    if (negative || (n > 0 && s[0] == '+')) {
        s++;
        n--;
    }
    uint64_t v;
    if (!parse_u64(s, n, &v, err)) return false;
    if (negative) {
        v = (uint64_t)0 - v;
        if ((int64_t)v > 0) {
            *err = "Negative number too small";
            return false;
        }
    }
    *out = v;
    return true;
}

bool rd_parse_imm64(const char *s, size_t n, uint64_t *out, const char **err) {
    return parse_i64(s, n, out, err);
}

bool rd_parse_uimm64(const char *s, size_t n, uint64_t *out, const char **err) {
    return parse_u64(s, n, out, err);
}

bool rd_parse_uimm32(const char *s, size_t n, uint32_t *out, const char **err) {
    uint64_t v;
    if (!parse_i64(s, n, &v, err)) return false;
    if ((int64_t)v < 0 || (int64_t)v > (int64_t)UINT32_MAX) {
        *err = "Uimm32 out of range";
        return false;
    }
    *out = (uint32_t)v;
    return true;
}

bool rd_parse_offset32(const char *s, size_t n, int32_t *out, const char **err) {
    if (n == 0 || (s[0] != '-' && s[0] != '+')) {
        *err = "Offset must begin with sign";
        return false;
    }
    uint64_t v;
    if (!parse_i64(s, n, &v, err)) return false;
    if ((int64_t)v < INT32_MIN || (int64_t)v > INT32_MAX) {
        *err = "Offset out of range";
        return false;
    }
    *out = (int32_t)(int64_t)v;
    return true;
}

bool rd_parse_imm_bits(const char *s, size_t n, unsigned bits, rd_u128 *out, const char **err) {
    if (bits == 64) {
        uint64_t v;
        if (!parse_i64(s, n, &v, err)) return false;
        *out = (rd_u128){v, 0};
        return true;
    }
    bool negative = n > 0 && s[0] == '-';
    if (negative || (n > 0 && s[0] == '+')) {
        s++;
        n--;
    }
    rd_u128 v;
    if (starts_with(s, n, "0x")) {
        char digits[160];
        size_t k = 0;
        for (size_t i = 2; i < n; i++) {
            if (s[i] == '_') continue;
            if (k == sizeof digits) break;
            digits[k++] = s[i];
        }
        if (k == sizeof digits || !rust_parse_uint(digits, k, 16, bits, &v)) {
            *err = bits == 8    ? "unable to parse value as a hexadecimal u8 immediate"
                   : bits == 16 ? "unable to parse value as a hexadecimal u16 immediate"
                   : bits == 32 ? "unable to parse value as a hexadecimal u32 immediate"
                                : "unable to parse value as a hexadecimal u128 immediate";
            return false;
        }
    } else if (!rust_parse_uint(s, n, 10, bits, &v)) {
        *err = "expected decimal immediate";
        return false;
    }
    if (negative) {
        /* wrapping_neg as the signed type must not be positive. */
        rd_u128 neg = u128_and(u128_neg(v), u128_mask(bits));
        bool sign = !u128_zero(u128_and(neg, u128_bit(bits - 1)));
        if (!u128_zero(neg) && !sign) {
            *err = "negative number too small";
            return false;
        }
        v = neg;
    }
    *out = v;
    return true;
}

bool rd_parse_uimm8(const char *s, size_t n, uint8_t *out, const char **err) {
    rd_u128 v;
    if (starts_with(s, n, "0x")) {
        if (!rust_parse_uint(s + 2, n - 2, 16, 8, &v)) {
            *err = "unable to parse u8 as a hexadecimal immediate";
            return false;
        }
    } else if (!rust_parse_uint(s, n, 10, 8, &v)) {
        *err = "expected u8 decimal immediate";
        return false;
    }
    *out = (uint8_t)v.lo;
    return true;
}

/* ---- Floats ---- */

/* Rust's i16 parse: an optional sign and decimal digits. */
static bool parse_i16(const char *s, size_t n, int32_t *out) {
    bool neg = false;
    if (n > 0 && (s[0] == '-' || s[0] == '+')) {
        neg = s[0] == '-';
        s++;
        n--;
    }
    if (n == 0) return false;
    int32_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return false;
        v = v * 10 + (s[i] - '0');
        if (v > 32768) return false;
    }
    if (neg) v = -v;
    if (v > 32767) return false;
    *out = v;
    return true;
}

bool rd_parse_float(const char *s, size_t n, unsigned w, unsigned t, rd_u128 *out,
                    const char **err) {
    rd_u128 sign = {0, 0};
    if (n > 0 && s[0] == '-') {
        sign = u128_bit(t + w);
        s++;
        n--;
    } else if (n > 0 && s[0] == '+') {
        s++;
        n--;
    }
    if (!starts_with(s, n, "0x")) {
        rd_u128 max_e = u128_shl(u128_mask(w), t);
        rd_u128 quiet = u128_bit(t - 1);
        rd_u128 payload;
        if (n == 3 && memcmp(s, "0.0", 3) == 0) {
            *out = sign;
            return true;
        }
        if (n == 3 && memcmp(s, "Inf", 3) == 0) {
            *out = u128_or(sign, max_e);
            return true;
        }
        if (n == 3 && memcmp(s, "NaN", 3) == 0) {
            *out = u128_or(u128_or(sign, max_e), quiet);
            return true;
        }
        if (starts_with(s, n, "NaN:0x")) {
            if (!rust_parse_uint(s + 6, n - 6, 16, 128, &payload) || !u128_lt(payload, quiet)) {
                *err = "Invalid NaN payload";
                return false;
            }
            *out = u128_or(u128_or(u128_or(sign, max_e), quiet), payload);
            return true;
        }
        if (starts_with(s, n, "sNaN:0x")) {
            if (!rust_parse_uint(s + 7, n - 7, 16, 128, &payload) || u128_zero(payload) ||
                !u128_lt(payload, quiet)) {
                *err = "Invalid sNaN payload";
                return false;
            }
            *out = u128_or(u128_or(sign, max_e), payload);
            return true;
        }
        *err = "Float must be hexadecimal";
        return false;
    }
    s += 2;
    n -= 2;
    unsigned digits = 0;
    int before_period = -1;
    rd_u128 sig = {0, 0};
    int32_t exponent = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '.') {
            if (before_period >= 0) {
                *err = "Multiple radix points";
                return false;
            }
            before_period = (int)digits;
        } else if (s[i] == 'p') {
            if (!parse_i16(s + i + 1, n - i - 1, &exponent)) {
                *err = "Bad exponent";
                return false;
            }
            break;
        } else {
            int d = hex_digit((unsigned char)s[i]);
            if (d < 0) {
                *err = "Invalid character";
                return false;
            }
            if (++digits > 32) {
                *err = "Too many digits";
                return false;
            }
            sig = u128_or(u128_shl(sig, 4), (rd_u128){(uint64_t)d, 0});
        }
    }
    if (digits == 0) {
        *err = "No digits";
        return false;
    }
    if (u128_zero(sig)) {
        *out = sign;
        return true;
    }
    if (before_period >= 0) exponent -= 4 * (int32_t)(digits - (unsigned)before_period);
    unsigned significant = u128_bits(sig);
    if (significant > t + 1) {
        unsigned adjust = significant - (t + 1);
        if (!u128_zero(u128_and(sig, u128_mask(adjust)))) {
            *err = "Too many significant bits";
            return false;
        }
        sig = u128_shr(sig, adjust);
        exponent += (int32_t)adjust;
    } else {
        unsigned adjust = t + 1 - significant;
        sig = u128_shl(sig, adjust);
        exponent -= (int32_t)adjust;
    }
    rd_u128 t_bits = u128_and(sig, u128_mask(t));
    int32_t max_exp = (1 << w) - 2;
    int32_t bias = (1 << (w - 1)) - 1;
    exponent += bias + (int32_t)t;
    if (exponent > max_exp) {
        *err = "Magnitude too large";
        return false;
    }
    if (exponent > 0) {
        *out = u128_or(u128_or(sign, u128_shl((rd_u128){(uint64_t)exponent, 0}, t)), t_bits);
        return true;
    }
    if (1 - exponent <= (int32_t)t) {
        unsigned adjust = (unsigned)(1 - exponent);
        if (!u128_zero(u128_and(sig, u128_mask(adjust)))) {
            *err = "Subnormal underflow";
            return false;
        }
        *out = u128_or(sign, u128_shr(sig, adjust));
        return true;
    }
    *err = "Magnitude too small";
    return false;
}

/* ---- Hexadecimal constants ---- */

bool rd_parse_hex_bytes(const char *s, size_t n, uint8_t bytes[16], uint32_t *len,
                        const char **err) {
    if (n <= 2 || !starts_with(s, n, "0x")) {
        *err = "Expected a hexadecimal string, e.g. 0x1234";
        return false;
    }
    char digits[32];
    size_t k = 0;
    for (size_t i = 2; i < n; i++) {
        if (s[i] == '_') continue;
        if (k == sizeof digits) {
            *err = "Hexadecimal string has too many digits to fit in a 128-bit vector";
            return false;
        }
        digits[k++] = s[i];
    }
    if (k == 0) {
        *err = "Hexadecimal string must have some digits";
        return false;
    }
    if (k % 2) {
        *err = "Hexadecimal string must have an even number of digits";
        return false;
    }
    uint32_t nb = (uint32_t)(k / 2);
    for (uint32_t i = 0; i < nb; i++) {
        int hi = hex_digit((unsigned char)digits[2 * i]);
        int lo = hex_digit((unsigned char)digits[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            *err = "Unable to parse as hexadecimal";
            return false;
        }
        bytes[nb - 1 - i] = (uint8_t)(hi * 16 + lo);
    }
    *len = nb;
    return true;
}
