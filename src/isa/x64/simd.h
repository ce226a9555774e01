/* Helpers shared by the x86-64 vector lowering files (lower_simd*.c). */
#ifndef CLIF_ISA_X64_SIMD_H
#define CLIF_ISA_X64_SIMD_H

#include "isa/x64/x64.h"

/* A 16-byte constant-pool operand. */
x64_rmi xs_const_src(lower_ctx *ctx, const uint8_t bytes[16]);
/* A 16-byte constant with `pattern` repeated in each `bytes`-wide lane. */
x64_rmi xs_lane_const(lower_ctx *ctx, uint64_t pattern, uint32_t bytes);
/* A fresh 16-byte xmm temporary. */
ra_vreg xs_vtemp(lower_ctx *ctx);
/* An all-zero vector. */
ra_vreg xs_zero_vec(lower_ctx *ctx);
/* dst = a op b (two-address SSE form, dst tied to a). */
void xs_binop(lower_ctx *ctx, x64_form form, ra_vreg dst, ra_vreg a, ra_vreg b);
/* dst = form src, imm (pshufd-style, a fresh def). */
void xs_shuf_imm(lower_ctx *ctx, x64_form form, ra_vreg dst, ra_vreg src, uint8_t imm);
/* dst(gpr) = form x, imm (pextrw-style). */
void xs_extract_imm(lower_ctx *ctx, x64_form form, ra_vreg dst, ra_vreg x, uint8_t imm);
/* xmm <- low 32/64 bits of a gpr, and back. */
void xs_gpr_to_xmm(lower_ctx *ctx, ra_vreg dst, ra_vreg r, bool q);
void xs_xmm_to_gpr(lower_ctx *ctx, ra_vreg dst, ra_vreg x, bool q);

/* Lowers the vector operations of lower_simd_ops.c (compares, lane
 * inserts, masks, widening, multiply, saturating and min/max arithmetic) on
 * vector type vt. False, with nothing emitted, when the operation (or the
 * CPU features it needs) is not covered. */
bool x64_lower_simd_ops(lower_ctx *ctx, clif_inst inst, clif_type vt, ra_vreg dst);

#endif
