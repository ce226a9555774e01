/* Number literals of CLIF text, with Cranelift's rules for each kind of
 * immediate. Every function takes the token text and its length; on failure
 * it returns false and sets *err to a static message. */
#ifndef CLIF_READER_NUMBERS_H
#define CLIF_READER_NUMBERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A 128-bit unsigned integer as two halves. */
typedef struct rd_u128 {
    uint64_t lo, hi;
} rd_u128;

/* Imm64: decimal or hex (`_` allowed anywhere among the digits), an optional
 * sign, range -2^63 .. 2^64-1 (returned as the 64-bit pattern). */
bool rd_parse_imm64(const char *s, size_t n, uint64_t *out, const char **err);
/* Uimm64: like Imm64 without a sign. */
bool rd_parse_uimm64(const char *s, size_t n, uint64_t *out, const char **err);
/* Uimm32: an Imm64 in 0 .. 2^32-1. */
bool rd_parse_uimm32(const char *s, size_t n, uint32_t *out, const char **err);
/* Offset32: a sign followed by an Imm64 in the i32 range. */
bool rd_parse_offset32(const char *s, size_t n, int32_t *out, const char **err);
/* A `bits`-wide immediate (8, 16, 32, 64 or 128) as the reader's match_imm*
 * accepts it: an optional sign, then hex (`_` ignored) or plain decimal, the
 * magnitude fitting the unsigned type; negative values must fit the signed
 * one. The result is the two's complement pattern masked to `bits`. Returns
 * false with a message naming the problem. */
bool rd_parse_imm_bits(const char *s, size_t n, unsigned bits, rd_u128 *out, const char **err);
/* A lane index or other u8: hex (`0x`) or decimal, no sign. */
bool rd_parse_uimm8(const char *s, size_t n, uint8_t *out, const char **err);
/* An IEEE float with `w` exponent bits and `t` trailing significand bits:
 * hex (`0x1.8p3`), `0.0`, `Inf`, `NaN`, `NaN:0x..`, `sNaN:0x..`, with an
 * optional sign. Returns the bit pattern. */
bool rd_parse_float(const char *s, size_t n, unsigned w, unsigned t, rd_u128 *out,
                    const char **err);
/* A hexadecimal constant `0x...` (`_` ignored, an even number of at most 32
 * digits) as little-endian bytes: the last two digits are byte 0. */
bool rd_parse_hex_bytes(const char *s, size_t n, uint8_t bytes[16], uint32_t *len,
                        const char **err);

#endif
