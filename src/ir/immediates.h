/* The text of immediates, as Cranelift writes them: integers (Imm64, Offset32),
 * IEEE floats of every width, 128-bit integers and constant data. One
 * implementation shared by the writer and the data-value formatter. */
#ifndef CLIF_IR_IMMEDIATES_H
#define CLIF_IR_IMMEDIATES_H

#include <stddef.h>
#include <stdint.h>

#include "support/strbuf.h"

/* x sign-extended from its low `bits` bits (64 or more: unchanged). */
int64_t imm_sext(uint64_t x, unsigned bits);
/* Imm64: decimal below 10000 (so every negative number), else grouped hex `0x0001_86a0`. */
void imm_write_imm64(strbuf *sb, int64_t x);
/* Offset32: nothing for 0, else a sign and the magnitude as Imm64 writes it (`+8`, `-0x1_0000`). */
void imm_write_offset32(strbuf *sb, int64_t x);
/* An IEEE binary float of `width` bits (16, 32, 64 or 128) whose bit pattern is (hi:lo):
 * `0x1.800000p1`, `-0x0.000001p-126`, `0.0`, `-0.0`, `+Inf`, `+NaN`, `-NaN:0x1`, `+sNaN:0x1`. */
void imm_write_ieee(strbuf *sb, unsigned width, uint64_t lo, uint64_t hi);
/* A signed 128-bit integer (hi:lo) in decimal. */
void imm_write_i128(strbuf *sb, uint64_t lo, uint64_t hi);
/* Constant data: `0x` and the bytes from the last to the first, two hex digits each (the
 * little-endian bytes read as one big number); nothing when n is 0. */
void imm_write_bytes(strbuf *sb, const uint8_t *bytes, size_t n);

#endif
