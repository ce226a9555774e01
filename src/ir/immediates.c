/* The text of immediates (see immediates.h). The float format is the one of
 * Cranelift's `format_float`: C99 hex floats with a fixed number of fraction
 * digits per width, and signed `Inf`/`NaN` spellings that cannot be mistaken
 * for identifiers. */
#include "ir/immediates.h"

#include <stdbool.h>

int64_t imm_sext(uint64_t x, unsigned bits) {
    if (bits == 0 || bits >= 64) return (int64_t)x;
    uint64_t sign = 1ull << (bits - 1);
    x &= (sign << 1) - 1;
    return (int64_t)((x ^ sign) - sign);
}

static const char hexdig[] = "0123456789abcdef";

/* Hexadecimal in groups of four digits: 0xffff, 0x0001_ffff. */
static void write_grouped_hex(strbuf *sb, uint64_t x) {
    int top = 63;
    while (top > 0 && !((x >> top) & 1))
        top--;
    int pos = top & 0x30; /* the 16-bit group holding the top bit */
    sb_puts(sb, "0x");
    for (;;) {
        for (int s = 12; s >= 0; s -= 4)
            sb_putc(sb, hexdig[(x >> (pos + s)) & 0xf]);
        if (pos == 0) break;
        pos -= 16;
        sb_putc(sb, '_');
    }
}

void imm_write_imm64(strbuf *sb, int64_t x) {
    if (x < 10000)
        sb_printf(sb, "%lld", (long long)x);
    else
        write_grouped_hex(sb, (uint64_t)x);
}

void imm_write_offset32(strbuf *sb, int64_t x) {
    if (x == 0) return;
    sb_putc(sb, x < 0 ? '-' : '+');
    uint64_t mag = x < 0 ? 0 - (uint64_t)x : (uint64_t)x;
    if (mag < 10000)
        sb_printf(sb, "%llu", (unsigned long long)mag);
    else
        write_grouped_hex(sb, mag);
}

/* A 128-bit bit pattern and access to its bit fields. */
typedef struct u128 {
    uint64_t lo, hi;
} u128;

/* Bits [pos, pos+n) of v, n <= 64; bits beyond 128 read as zero. */
static uint64_t field(u128 v, unsigned pos, unsigned n) {
    uint64_t r;
    if (pos >= 128 || n == 0) return 0;
    if (pos >= 64)
        r = v.hi >> (pos - 64);
    else if (pos == 0)
        r = v.lo;
    else
        r = (v.lo >> pos) | (v.hi << (64 - pos));
    return n >= 64 ? r : r & ((1ull << n) - 1);
}

/* v with only its low n bits kept (n <= 128). */
static u128 low_bits(u128 v, unsigned n) {
    if (n < 64) {
        v.lo &= n ? (1ull << n) - 1 : 0;
        v.hi = 0;
    } else if (n < 128) {
        v.hi &= n > 64 ? (1ull << (n - 64)) - 1 : 0;
    }
    return v;
}

static bool is_zero(u128 v) {
    return v.lo == 0 && v.hi == 0;
}

/* The hex digits of the t-bit fraction `frac`, left-aligned in (t+3)/4 digits. */
static void write_fraction(strbuf *sb, u128 frac, unsigned t) {
    unsigned digits = (t + 3) / 4, pad = 4 * digits - t;
    for (unsigned k = 0; k < digits; k++) {
        int pos = (int)(4 * (digits - 1 - k)) - (int)pad;
        unsigned d = pos >= 0 ? (unsigned)field(frac, (unsigned)pos, 4)
                              : (unsigned)(field(frac, 0, (unsigned)(4 + pos)) << -pos);
        sb_putc(sb, hexdig[d & 0xf]);
    }
}

/* Minimal hex digits of v (at least one). */
static void write_hex_min(strbuf *sb, u128 v) {
    int k = 31;
    while (k > 0 && field(v, 4 * (unsigned)k, 4) == 0)
        k--;
    for (; k >= 0; k--)
        sb_putc(sb, hexdig[field(v, 4 * (unsigned)k, 4)]);
}

void imm_write_ieee(strbuf *sb, unsigned width, uint64_t lo, uint64_t hi) {
    unsigned w, t; /* exponent and trailing significand widths */
    switch (width) {
    case 16: w = 5, t = 10; break;
    case 32: w = 8, t = 23; break;
    case 64: w = 11, t = 52; break;
    case 128: w = 15, t = 112; break;
    default: sb_puts(sb, "invalid"); return;
    }
    u128 bits = {lo, hi};
    uint64_t max_e = (1ull << w) - 1;
    u128 frac = low_bits(bits, t);
    uint64_t e_bits = field(bits, t, w);
    bool sign = field(bits, w + t, 1) != 0;
    int bias = (1 << (w - 1)) - 1;
    if (sign) sb_putc(sb, '-');
    if (e_bits == 0) {
        if (is_zero(frac)) {
            sb_puts(sb, "0.0");
        } else {
            sb_puts(sb, "0x0.");
            write_fraction(sb, frac, t);
            sb_printf(sb, "p%d", 1 - bias);
        }
    } else if (e_bits == max_e) {
        if (!sign) sb_putc(sb, '+');
        if (is_zero(frac)) {
            sb_puts(sb, "Inf");
            return;
        }
        u128 payload = low_bits(frac, t - 1);
        if (field(frac, t - 1, 1)) {
            sb_puts(sb, "NaN");
            if (is_zero(payload)) return;
            sb_puts(sb, ":0x");
        } else {
            sb_puts(sb, "sNaN:0x");
        }
        write_hex_min(sb, payload);
    } else {
        sb_puts(sb, "0x1.");
        write_fraction(sb, frac, t);
        sb_printf(sb, "p%d", (int)e_bits - bias);
    }
}

void imm_write_i128(strbuf *sb, uint64_t lo, uint64_t hi) {
    bool neg = (hi >> 63) != 0;
    if (neg) { /* two's complement negation */
        lo = ~lo + 1;
        hi = ~hi + (lo == 0);
    }
    /* Divide by 10 repeatedly over four 32-bit limbs, most significant first. */
    uint32_t limb[4] = {(uint32_t)(hi >> 32), (uint32_t)hi, (uint32_t)(lo >> 32), (uint32_t)lo};
    char digits[40];
    int n = 0;
    do {
        uint64_t rem = 0;
        for (int i = 0; i < 4; i++) {
            uint64_t cur = (rem << 32) | limb[i];
            limb[i] = (uint32_t)(cur / 10);
            rem = cur % 10;
        }
        digits[n++] = (char)('0' + rem);
    } while (limb[0] | limb[1] | limb[2] | limb[3]);
    if (neg) sb_putc(sb, '-');
    while (n > 0)
        sb_putc(sb, digits[--n]);
}

void imm_write_bytes(strbuf *sb, const uint8_t *bytes, size_t n) {
    if (n == 0) return;
    sb_puts(sb, "0x");
    while (n > 0) {
        uint8_t b = bytes[--n];
        sb_putc(sb, hexdig[b >> 4]);
        sb_putc(sb, hexdig[b & 0xf]);
    }
}
