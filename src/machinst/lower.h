/* The lowering driver and the API an ISA's lowering code uses.
 *
 * The driver walks the lowered blocks last to first and each block's
 * instructions backwards (as Cranelift does), so that when an instruction is
 * lowered every use of its results has already been seen: a pure instruction
 * whose results nobody asked for is skipped, and an instruction may "sink"
 * the instruction defining one of its operands into itself (address modes,
 * compare-and-branch, load-op fusion). A load may be sunk only when its
 * result has a single use in the same block with no side-effecting
 * instruction in between (the "color" check).
 *
 * The machine instructions an ISA emits for one CLIF instruction are in
 * forward order; the driver reverses the chunks at the end. CLIF values map
 * to one virtual register, or two for i128 (low half first). */
#ifndef CLIF_MACHINST_LOWER_H
#define CLIF_MACHINST_LOWER_H

#include "clif/codegen.h"
#include "ir/function.h"
#include "machinst/abi.h"
#include "machinst/blockorder.h"
#include "machinst/vcode.h"

struct target_backend;

/* The vregs of a try_call's return value n, and of exception payload n
 * in a handler's edge block. */
typedef struct lw_call_ret {
    clif_inst inst;
    uint32_t n;
    ra_vreg regs[2];
} lw_call_ret;
typedef struct lw_exn {
    uint32_t lb, n;
    ra_vreg reg;
} lw_exn;

typedef struct lower_ctx {
    const clif_isa *isa;
    const struct target_backend *be;
    const clif_func *f;
    vcode *vc;
    const block_order *bo;
    abi_sig sig; /* the function's own signature */

    uint32_t *value_regs; /* [2 * values]: vregs of each value, CLIF_NONE until needed */
    uint32_t *use_count;  /* uses of each value in reachable code (saturating at 2) */
    uint8_t *value_used;  /* a lowered instruction reads the value */
    uint8_t *sunk;        /* per inst: lowered as part of another instruction */
    uint32_t *color;      /* per inst: side-effecting instructions before it in its block */

    clif_inst cur_inst; /* being lowered, or CLIF_NONE */
    uint32_t cur_block; /* lowered block being lowered */
    uint32_t outgoing;  /* largest stack area a call of this function needs */
    bool is_leaf;       /* no calls */
    ra_vreg ret_area;   /* the return-area pointer (when the signature has one) */

    /* Staging: instructions in chunks; chunk k holds stage insts
     * chunk_start[k] .. chunk_start[k+1]. */
    vcode stage;
    VEC(uint32_t) chunk_start;
    VEC(uint32_t) block_chunk; /* per processed block: its first chunk */

    VEC(lw_call_ret) call_rets;
    VEC(lw_exn) exn_regs;

    bool failed;
    char msg[256];
} lower_ctx;

/* Lowers `f` (already ordered in `bo`) into `vc`. False with ctx->msg. */
bool lower_function(lower_ctx *ctx, const clif_isa *isa, const clif_func *f, const block_order *bo,
                    vcode *vc);
void lower_ctx_free(lower_ctx *ctx);

/* ---- API for ISA lowering code ---- */

static inline const inst_data *lw_data(const lower_ctx *ctx, clif_inst i) {
    return &ctx->f->insts.data[i];
}
static inline clif_opcode lw_opcode(const lower_ctx *ctx, clif_inst i) {
    return (clif_opcode)ctx->f->insts.data[i].opcode;
}
/* Value operand n of an instruction (aliases resolved). */
static inline clif_value lw_arg(const lower_ctx *ctx, clif_inst i, uint32_t n) {
    return ir_resolve(ctx->f, ctx->f->pool.data[ctx->f->insts.data[i].args + n]);
}
static inline uint32_t lw_num_args(const lower_ctx *ctx, clif_inst i) {
    return ctx->f->insts.data[i].nargs;
}
static inline clif_value lw_result(const lower_ctx *ctx, clif_inst i, uint32_t n) {
    return ctx->f->pool.data[ctx->f->insts.data[i].results + n];
}
static inline uint32_t lw_num_results(const lower_ctx *ctx, clif_inst i) {
    return ctx->f->insts.data[i].nresults;
}
static inline clif_type lw_type(const lower_ctx *ctx, clif_value v) {
    return ctx->f->values.data[v].type;
}
/* Number of vregs a type takes (2 for i128). */
static inline uint32_t lw_type_regs(clif_type t) {
    return t == CLIF_I128 ? 2 : 1;
}

/* The vregs of a value, read by the instruction being lowered. */
uint32_t lw_put_in_regs(lower_ctx *ctx, clif_value v, ra_vreg out[2]);
ra_vreg lw_put_in_reg(lower_ctx *ctx, clif_value v);
/* The vregs a result must be defined in (each exactly once). */
uint32_t lw_output_regs(lower_ctx *ctx, clif_value v, ra_vreg out[2]);
ra_vreg lw_output_reg(lower_ctx *ctx, clif_value v);
/* Makes result part `part` of v be vreg `r` instead of defining it. */
void lw_alias_output(lower_ctx *ctx, clif_value v, uint32_t part, ra_vreg r);
/* A fresh vreg. */
ra_vreg lw_temp(lower_ctx *ctx, uint8_t rclass, clif_type type);

/* The instruction defining v (CLIF_NONE for block parameters). */
clif_inst lw_def_inst(const lower_ctx *ctx, clif_value v);
/* True when v is an iconst result; *imm gets its bits (zero-extended). */
bool lw_iconst(const lower_ctx *ctx, clif_value v, uint64_t *imm);
/* The instruction defining v when it may be merged into the instruction
 * being lowered: it has side effects (a load) and v is its only result
 * used, used once, in this block, with no side effect in between; or it is
 * pure. CLIF_NONE otherwise. The caller must call lw_sink when it merges a
 * side-effecting instruction. */
clif_inst lw_sinkable(const lower_ctx *ctx, clif_value v);
/* A load that may be merged (lw_sinkable and opcode `op`), or CLIF_NONE. */
clif_inst lw_sinkable_load(const lower_ctx *ctx, clif_value v);
void lw_sink(lower_ctx *ctx, clif_inst i);
/* The lowered block of the k-th successor of the block being lowered. */
uint32_t lw_succ(const lower_ctx *ctx, uint32_t k);
/* try_call: the vregs of return value n of call instruction `call`. */
uint32_t lw_call_ret_regs(lower_ctx *ctx, clif_inst call, uint32_t n, ra_vreg out[2]);
/* Whether lowered block lb is the edge block of a try_call's exception
 * handler, and the vreg of its exception payload n. */
bool lw_exception_edge(const lower_ctx *ctx, uint32_t lb);
ra_vreg lw_exn_reg(lower_ctx *ctx, uint32_t lb, uint32_t n);
/* Records that a call needs `bytes` of outgoing stack area. */
void lw_need_outgoing(lower_ctx *ctx, uint32_t bytes);
/* A constant in the function's pool; returns its index. */
uint32_t lw_constant(lower_ctx *ctx, const uint8_t *bytes, uint32_t len, uint32_t align);

/* Emits an instruction at the end of the current chunk. */
void lw_emit(lower_ctx *ctx, const void *payload, const ra_operand *ops, uint32_t nops,
             const ra_pregset *clobbers, uint8_t flags);

/* Reports an unsupported feature; returns false. */
bool lw_unsupported(lower_ctx *ctx, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Operand constructors. */
static inline ra_operand ra_use(ra_vreg v) {
    ra_operand o = {v, RA_USE, RA_EARLY, RA_REG, 0};
    return o;
}
static inline ra_operand ra_use_fixed(ra_vreg v, ra_preg r) {
    ra_operand o = {v, RA_USE, RA_EARLY, RA_FIXED, r};
    return o;
}
static inline ra_operand ra_use_late(ra_vreg v) {
    ra_operand o = {v, RA_USE, RA_LATE, RA_REG, 0};
    return o;
}
static inline ra_operand ra_def(ra_vreg v) {
    ra_operand o = {v, RA_DEF, RA_LATE, RA_REG, 0};
    return o;
}
static inline ra_operand ra_def_early(ra_vreg v) {
    ra_operand o = {v, RA_DEF, RA_EARLY, RA_REG, 0};
    return o;
}
static inline ra_operand ra_def_fixed(ra_vreg v, ra_preg r) {
    ra_operand o = {v, RA_DEF, RA_LATE, RA_FIXED, r};
    return o;
}
static inline ra_operand ra_def_reuse(ra_vreg v, uint8_t use_index) {
    ra_operand o = {v, RA_DEF, RA_LATE, RA_REUSE, use_index};
    return o;
}

#endif
