/* Internal interface of the x86-64 backend: lowering helpers shared by the
 * lower_*.c files, the ABI and emission entry points. */
#ifndef CLIF_ISA_X64_X64_H
#define CLIF_ISA_X64_X64_H

#include <string.h>
#include "isa/x64/flags.h"
#include "isa/x64/vinst.h"
#include "machinst/libcall.h"
#include "machinst/target.h"

#define X64_PINNED X64_R15

static inline bool x64_has(const lower_ctx *ctx, int flag) {
    return ctx->isa->flags[flag] != 0;
}

/* ---- abi.c ---- */
const abi_callconv *x64_callconv(const clif_isa *isa, clif_callconv cc);
void x64_machine(const clif_isa *isa, ra_machine *m);
void x64_emit_prologue(emit_ctx *ctx);
void x64_emit_frame_teardown(emit_ctx *ctx);
void x64_emit_epilogue(emit_ctx *ctx);
void x64_emit_move(emit_ctx *ctx, uint8_t rclass, ra_loc from, ra_loc to);
void x64_emit_trap(emit_ctx *ctx, clif_trap_code code);
x64_operand x64_spill_mem(const emit_ctx *ctx, uint32_t slot, int32_t extra);
void x64_put0(emit_ctx *ctx, x64_form form);
void x64_put1(emit_ctx *ctx, x64_form form, x64_operand a);
void x64_put2(emit_ctx *ctx, x64_form form, x64_operand a, x64_operand b);
void x64_adjust_sp(emit_ctx *ctx, int64_t delta);

/* Moves of a float-class value of `bytes` between an xmm register and a
 * stack slot of at least 8 bytes (2- and 4-byte values move 4 bytes). */
static inline x64_form x64_xmm_load_form(uint32_t bytes) {
    return bytes <= 4 ? X64_MOVSS_X_XM32 : bytes == 8 ? X64_MOVSD_X_XM64 : X64_MOVDQU_X_XM128;
}
static inline x64_form x64_xmm_store_form(uint32_t bytes) {
    return bytes <= 4 ? X64_MOVSS_M32_X : bytes == 8 ? X64_MOVSD_M64_X : X64_MOVDQU_XM128_X;
}

/* ---- lowering entry points ---- */
bool x64_lower_entry(lower_ctx *ctx);
bool x64_lower_inst(lower_ctx *ctx, clif_inst inst);
bool x64_lower_jump(lower_ctx *ctx);

/* Per-area lowering; each returns false (after lw_unsupported) when it
 * cannot lower the instruction. */
bool x64_lower_int(lower_ctx *ctx, clif_inst inst);
bool x64_lower_i128(lower_ctx *ctx, clif_inst inst);
bool x64_lower_float(lower_ctx *ctx, clif_inst inst);
bool x64_lower_mem(lower_ctx *ctx, clif_inst inst);
bool x64_lower_call(lower_ctx *ctx, clif_inst inst);
bool x64_lower_branch(lower_ctx *ctx, clif_inst inst);
bool x64_lower_simd(lower_ctx *ctx, clif_inst inst);

/* ---- common lowering helpers (lower.c) ---- */

/* Bytes of a scalar type (1, 2, 4, 8; 16 for i128 and vectors). */
static inline uint32_t x64_bytes(clif_type t) {
    return clif_type_bytes(t);
}
/* Index into per-size form tables: 0..3 for 1, 2, 4, 8 bytes. */
static inline int x64_size_index(uint32_t bytes) {
    return bytes <= 1 ? 0 : bytes == 2 ? 1 : bytes == 4 ? 2 : 3;
}
const char *x64_type_name(clif_type t, char *buf);
bool x64_unsupported_type(lower_ctx *ctx, clif_inst inst, clif_type t);

ra_vreg x64_temp(lower_ctx *ctx, clif_type t);
/* dst = src (same class). */
void x64_copy(lower_ctx *ctx, ra_vreg dst, ra_vreg src, clif_type t);
/* dst = 64-bit constant. */
void x64_load_const(lower_ctx *ctx, ra_vreg dst, uint64_t imm);
ra_vreg x64_const_reg(lower_ctx *ctx, uint64_t imm);
/* Puts a 64-bit (or smaller) float bit pattern in an xmm register. */
ra_vreg x64_fconst_reg(lower_ctx *ctx, uint64_t bits, uint32_t bytes);
/* A 16-byte constant in an xmm register. */
ra_vreg x64_vconst_reg(lower_ctx *ctx, const uint8_t bytes[16]);

/* An instruction with one def and a form: dst = form(op1..). */
typedef struct x64_addr {
    uint8_t mk;          /* x64_memk */
    ra_vreg base, index; /* CLIF_NONE when absent */
    uint8_t phys_base;   /* a fixed base register (X64_NOREG when none) */
    uint8_t shift;
    int32_t disp;
    uint32_t label; /* slot or constant index */
    clif_trap_code trap;
} x64_addr;

/* A source operand: register, memory (a merged load) or immediate. */
typedef enum x64_rmi_kind { X64_RMI_REG, X64_RMI_MEM, X64_RMI_IMM } x64_rmi_kind;
typedef struct x64_rmi {
    uint8_t kind;
    ra_vreg reg;
    x64_addr mem;
    int64_t imm;
} x64_rmi;

/* A register source operand and an immediate one. */
static inline x64_rmi x64_rmi_reg(ra_vreg r) {
    x64_rmi x;
    memset(&x, 0, sizeof x);
    x.kind = X64_RMI_REG;
    x.reg = r;
    return x;
}
static inline x64_rmi x64_rmi_imm(int64_t v) {
    x64_rmi x;
    memset(&x, 0, sizeof x);
    x.kind = X64_RMI_IMM;
    x.imm = v;
    return x;
}

/* Sets operand slot i of the instruction to a memory operand. */
void xb_mem(x64_build *b, int i, const x64_addr *a);
void xb_rmi(x64_build *b, int i, const x64_rmi *r);
/* A register operand (reg field = operand number). */
static inline void xb_reg(x64_build *b, int i, uint8_t opnum) {
    b->v.in.ops[i] = x64_reg(opnum);
}
static inline void xb_imm(x64_build *b, int i, int64_t v) {
    b->v.in.ops[i] = x64_imm(v);
}

/* The address of `addr + offset` with address-mode fusion. */
x64_addr x64_address(lower_ctx *ctx, clif_value addr, int64_t offset, clif_memflags flags);
/* `v` as a source: a merged load when allowed (`load_bytes` = the access
 * width the instruction would read, 0 = no memory), an imm32 when allowed,
 * else a register. */
x64_rmi x64_put_rmi(lower_ctx *ctx, clif_value v, uint32_t load_bytes, bool allow_imm);
/* True when v is a constant fitting a sign-extended imm32 at `bytes`. */
bool x64_imm32(lower_ctx *ctx, clif_value v, uint32_t bytes, int64_t *imm);

/* Two-address ALU (x64_alu_*): dst = a op b. */
typedef enum x64_alu {
    X64_ALU_ADD,
    X64_ALU_OR,
    X64_ALU_ADC,
    X64_ALU_SBB,
    X64_ALU_AND,
    X64_ALU_SUB,
    X64_ALU_XOR,
    X64_ALU_CMP,
} x64_alu;
/* Emits dst = a op b (dst tied to a); bytes 1..8 pick the form (1 and 2
 * use 32-bit forms: the upper bits of narrow values are undefined). */
void x64_emit_alu(lower_ctx *ctx, x64_alu op, uint32_t bytes, ra_vreg dst, ra_vreg a,
                  const x64_rmi *b);
/* cmp a, b at exactly `bytes` (flags only). */
void x64_cmp(lower_ctx *ctx, uint32_t bytes, ra_vreg a, const x64_rmi *b);
/* test a, a at `bytes`. */
void x64_test(lower_ctx *ctx, uint32_t bytes, ra_vreg a);
/* dst = setcc (0 or 1 in the low byte, upper bits undefined). */
void x64_setcc(lower_ctx *ctx, x64_cc cc, ra_vreg dst);
/* dst = form dst (in place unary: not, neg, bswap...), dst tied to a. */
void x64_unary(lower_ctx *ctx, x64_form form, ra_vreg dst, ra_vreg a);
/* dst = form src (dst a fresh def, src register or memory). */
void x64_rm(lower_ctx *ctx, x64_form form, ra_vreg dst, const x64_rmi *src);
void x64_rm_reg(lower_ctx *ctx, x64_form form, ra_vreg dst, ra_vreg src);
/* Shifts by an immediate or by cl: dst = a shift amt. */
void x64_shift_imm(lower_ctx *ctx, x64_form form, ra_vreg dst, ra_vreg a, uint8_t amt);
void x64_shift_cl(lower_ctx *ctx, x64_form form, ra_vreg dst, ra_vreg a, ra_vreg amt);
/* dst = zero/sign extension of the low `from` bytes of a to 64 bits. */
void x64_extend(lower_ctx *ctx, ra_vreg dst, ra_vreg a, uint32_t from, bool sign);
ra_vreg x64_extended(lower_ctx *ctx, ra_vreg a, uint32_t from, bool sign);
/* dst = cond ? t : f, after flags were set (cmov, 32 or 64 bits). */
void x64_cmov(lower_ctx *ctx, x64_cc cc, uint32_t bytes, ra_vreg dst, ra_vreg t, ra_vreg f);
/* xmm version of cmov (any cc combination). */
void x64_xmm_cmov(lower_ctx *ctx, x64_cc cc, x64_cc cc2, uint8_t mode, ra_vreg dst, ra_vreg t,
                  ra_vreg f);
/* Conditional trap: flags were set; traps when cc (cc2, mode) holds. */
void x64_trapif(lower_ctx *ctx, x64_cc cc, x64_cc cc2, uint8_t mode, clif_trap_code code);
/* xmm binary op: dst = a op b (SSE two-address, dst tied to a). */
void x64_xmm_binop(lower_ctx *ctx, x64_form form, ra_vreg dst, ra_vreg a, const x64_rmi *b);
/* AVX three-address op: dst = a op b. */
void x64_xmm_vex3(lower_ctx *ctx, x64_form form, ra_vreg dst, ra_vreg a, const x64_rmi *b);

/* Comparison to flags (lower_int.c / lower_float.c). */
typedef struct x64_flags_cond {
    x64_cc cc, cc2;
    uint8_t mode; /* X64_CC_ONE / AND / OR */
} x64_flags_cond;
/* Emits the compare for icmp/fcmp instruction `cmp` and returns the
 * condition its result is true under. */
x64_flags_cond x64_emit_icmp(lower_ctx *ctx, clif_inst cmp);
x64_flags_cond x64_emit_fcmp(lower_ctx *ctx, clif_inst cmp);
/* Emits flags for "v is nonzero"-type conditions: fuses icmp/fcmp when v
 * is defined by one in this block, else tests v. */
x64_flags_cond x64_emit_cond(lower_ctx *ctx, clif_value v);
/* Materializes a condition into dst (i8 0/1). */
void x64_cond_to_reg(lower_ctx *ctx, x64_flags_cond c, ra_vreg dst);
x64_cc x64_intcc(clif_intcc cc);

/* Calls runtime function `lc` with float arguments; dst gets its result. */
bool x64_lower_libcall(lower_ctx *ctx, libcall lc, const ra_vreg *args, uint32_t nargs,
                       ra_vreg dst);
/* Operand helpers for calls (lower_call.c). */
void x64_copy_to_fixed(lower_ctx *ctx, x64_build *b, ra_vreg v, ra_preg r);

#endif
