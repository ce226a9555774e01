/* x86-64 calling conventions (System V, Windows fastcall, tail), the
 * allocatable registers, prologue, epilogue and the allocator's moves. */
#include <stdio.h>
#include <string.h>

#include "isa/x64/x64.h"

#define BIT(r)  ((uint64_t)1 << (r))
#define XMM_ALL (0xffffull << X64_XMM0)

static const ra_preg sysv_int_args[] = {X64_RDI, X64_RSI, X64_RDX, X64_RCX, X64_R8, X64_R9};
static const ra_preg sysv_float_args[] = {X64_XMM0, X64_XMM1, X64_XMM2, X64_XMM3,
                                          X64_XMM4, X64_XMM5, X64_XMM6, X64_XMM7};
static const ra_preg sysv_int_rets[] = {X64_RAX, X64_RDX};
static const ra_preg sysv_float_rets[] = {X64_XMM0, X64_XMM1};
static const ra_preg tail_int_rets[] = {X64_RAX, X64_RDX, X64_RCX, X64_RSI,
                                        X64_RDI, X64_R8,  X64_R9,  X64_R10};
static const ra_preg win_int_args[] = {X64_RCX, X64_RDX, X64_R8, X64_R9};
static const ra_preg win_float_args[] = {X64_XMM0, X64_XMM1, X64_XMM2, X64_XMM3};
static const ra_preg win_int_rets[] = {X64_RAX};
static const ra_preg win_float_rets[] = {X64_XMM0};

#define SYSV_CALLEE_SAVED (BIT(X64_RBX) | BIT(X64_R12) | BIT(X64_R13) | BIT(X64_R14) | BIT(X64_R15))
#define SYSV_CLOBBERS                                                                              \
    (BIT(X64_RAX) | BIT(X64_RCX) | BIT(X64_RDX) | BIT(X64_RSI) | BIT(X64_RDI) | BIT(X64_R8) |      \
     BIT(X64_R9) | BIT(X64_R10) | BIT(X64_R11) | XMM_ALL)
#define WIN_CALLEE_SAVED_XMM (0xffc0ull << X64_XMM0) /* xmm6..xmm15 */
#define WIN_CALLEE_SAVED     (SYSV_CALLEE_SAVED | BIT(X64_RSI) | BIT(X64_RDI))
#define WIN_CLOBBERS                                                                               \
    (BIT(X64_RAX) | BIT(X64_RCX) | BIT(X64_RDX) | BIT(X64_R8) | BIT(X64_R9) | BIT(X64_R10) |       \
     BIT(X64_R11) | (0x003full << X64_XMM0))

static const abi_callconv conv_sysv = {
    .int_args = sysv_int_args,
    .float_args = sysv_float_args,
    .int_rets = sysv_int_rets,
    .float_rets = sysv_float_rets,
    .num_int_args = 6,
    .num_float_args = 8,
    .num_int_rets = 2,
    .num_float_rets = 2,
    .stack_align = 16,
    .save_size = {8, 16},
    .callee_saved = {{{SYSV_CALLEE_SAVED, 0}}, {{0, 0}}},
    .call_clobbers = {{SYSV_CLOBBERS, 0}},
};

static const abi_callconv conv_tail = {
    .int_args = sysv_int_args,
    .float_args = sysv_float_args,
    .int_rets = tail_int_rets,
    .float_rets = sysv_float_args,
    .num_int_args = 6,
    .num_float_args = 8,
    .num_int_rets = 8,
    .num_float_rets = 8,
    .callee_pops = true,
    .stack_align = 16,
    .save_size = {8, 16},
    .callee_saved = {{{SYSV_CALLEE_SAVED, 0}}, {{0, 0}}},
    .call_clobbers = {{SYSV_CLOBBERS, 0}},
};

static const abi_callconv conv_win = {
    .int_args = win_int_args,
    .float_args = win_float_args,
    .int_rets = win_int_rets,
    .float_rets = win_float_rets,
    .num_int_args = 4,
    .num_float_args = 4,
    .num_int_rets = 1,
    .num_float_rets = 1,
    .shared_index = true,
    .shadow_space = 32,
    .stack_align = 16,
    .save_size = {8, 16},
    .callee_saved = {{{WIN_CALLEE_SAVED, 0}}, {{WIN_CALLEE_SAVED_XMM, 0}}},
    .call_clobbers = {{WIN_CLOBBERS, 0}},
};

const abi_callconv *x64_callconv(const clif_isa *isa, clif_callconv cc) {
    (void)isa;
    switch (cc) {
    case CLIF_CC_SYSTEM_V:
    case CLIF_CC_FAST: return &conv_sysv;
    case CLIF_CC_TAIL: return &conv_tail;
    case CLIF_CC_WINDOWS_FASTCALL: return &conv_win;
    default: return NULL;
    }
}

void x64_machine(const clif_isa *isa, ra_machine *m) {
    static const ra_preg ints[] = {X64_RAX, X64_RCX, X64_RDX, X64_RSI, X64_RDI, X64_R8, X64_R9,
                                   X64_R10, X64_RBX, X64_R12, X64_R13, X64_R14, X64_R15};
    memset(m, 0, sizeof *m);
    uint8_t n = 0;
    bool pinned = isa->shared[SET_ENABLE_PINNED_REG] != 0;
    for (uint32_t i = 0; i < sizeof ints; i++)
        if (!(pinned && ints[i] == X64_PINNED)) m->regs[RA_CLASS_INT][n++] = ints[i];
    m->num_regs[RA_CLASS_INT] = n;
    for (uint8_t i = 0; i < 15; i++)
        m->regs[RA_CLASS_FLOAT][i] = (ra_preg)(X64_XMM0 + i);
    m->num_regs[RA_CLASS_FLOAT] = 15;
    m->scratch[RA_CLASS_INT] = X64_SCRATCH;
    m->scratch[RA_CLASS_FLOAT] = X64_SCRATCH_XMM;
}

/* ---- emission helpers on physical registers ---- */

static x64_operand rsp_mem(int32_t disp) {
    return x64_mem(X64_RSP, X64_NOREG, 0, disp);
}

void x64_put2(emit_ctx *ctx, x64_form form, x64_operand a, x64_operand b) {
    x64_inst in;
    memset(&in, 0, sizeof in);
    in.form = (uint16_t)form;
    in.ops[0] = a;
    in.ops[1] = b;
    x64_put(ctx, &in);
}

void x64_put1(emit_ctx *ctx, x64_form form, x64_operand a) {
    x64_operand none;
    memset(&none, 0, sizeof none);
    x64_put2(ctx, form, a, none);
}

void x64_put0(emit_ctx *ctx, x64_form form) {
    x64_operand none;
    memset(&none, 0, sizeof none);
    x64_put2(ctx, form, none, none);
}

/* rsp += delta (delta may be negative). */
void x64_adjust_sp(emit_ctx *ctx, int64_t delta) {
    if (delta == 0) return;
    if (delta > 0)
        x64_put2(ctx, X64_ADD_RM64_IMM32, x64_reg(X64_RSP), x64_imm(delta));
    else
        x64_put2(ctx, X64_SUB_RM64_IMM32, x64_reg(X64_RSP), x64_imm(-delta));
}

static int32_t save_offset(const frame_layout *fl, uint32_t k) {
    uint32_t off = fl->saves_base;
    for (uint32_t i = 0; i < k; i++)
        off += fl->saved_class[i] == RA_CLASS_FLOAT ? 16 : 8;
    return (int32_t)off;
}

/* Touches each page of a big frame before using it (inline probestack). */
static void probe_stack(emit_ctx *ctx, uint32_t frame) {
    uint32_t page = 1u << ctx->isa->shared[SET_PROBESTACK_SIZE_LOG2];
    if (page < 4096) page = 4096;
    uint32_t pages = frame / page;
    if (pages <= 4) {
        for (uint32_t i = 0; i < pages; i++) {
            x64_adjust_sp(ctx, -(int64_t)page);
            x64_put2(ctx, X64_MOV_RM64_R64, rsp_mem(0), x64_reg(X64_RSP));
        }
        x64_adjust_sp(ctx, (int64_t)pages * page);
        return;
    }
    /* r11 = rsp - pages * page; loop: rsp -= page; [rsp] = rsp; until rsp == r11. */
    x64_put2(ctx, X64_MOV_R64_RM64, x64_reg(X64_SCRATCH), x64_reg(X64_RSP));
    x64_put2(ctx, X64_SUB_RM64_IMM32, x64_reg(X64_SCRATCH), x64_imm((int64_t)pages * page));
    mc_label loop = mcb_new_label(ctx->buf);
    mcb_bind_label(ctx->buf, loop);
    x64_adjust_sp(ctx, -(int64_t)page);
    x64_put2(ctx, X64_MOV_RM64_R64, rsp_mem(0), x64_reg(X64_RSP));
    x64_put2(ctx, X64_CMP_RM64_R64, x64_reg(X64_RSP), x64_reg(X64_SCRATCH));
    x64_inst j;
    memset(&j, 0, sizeof j);
    j.form = X64_JCC_REL32;
    j.cc = X64_CC_NE;
    j.ops[0] = x64_label(loop);
    x64_put(ctx, &j);
    x64_adjust_sp(ctx, (int64_t)pages * page);
}

void x64_emit_prologue(emit_ctx *ctx) {
    const frame_layout *fl = ctx->frame;
    x64_put1(ctx, X64_PUSH_R64, x64_reg(X64_RBP));
    /* CFA = rsp + 16, rbp saved at CFA - 16. */
    mcb_add_unwind(ctx->buf, MC_UNWIND_PUSH_FRAME_REGS, x64_dwarf_reg(X64_RBP), 16);
    x64_put2(ctx, X64_MOV_R64_RM64, x64_reg(X64_RBP), x64_reg(X64_RSP));
    /* CFA = rbp + 16 from here on. */
    mcb_add_unwind(ctx->buf, MC_UNWIND_DEFINE_FRAME, x64_dwarf_reg(X64_RBP), 16);
    if (fl->frame_size) {
        uint32_t guard = 1u << ctx->isa->shared[SET_PROBESTACK_SIZE_LOG2];
        if (ctx->isa->shared[SET_ENABLE_PROBESTACK] && fl->frame_size >= guard)
            probe_stack(ctx, fl->frame_size);
        x64_adjust_sp(ctx, -(int64_t)fl->frame_size);
        mcb_add_unwind(ctx->buf, MC_UNWIND_STACK_ALLOC, 0, (int32_t)fl->frame_size);
    }
    for (uint32_t k = 0; k < fl->nsaved; k++) {
        int32_t off = save_offset(fl, k);
        ra_preg r = fl->saved[k];
        if (fl->saved_class[k] == RA_CLASS_FLOAT)
            x64_put2(ctx, X64_MOVDQU_XM128_X, rsp_mem(off), x64_reg(r));
        else
            x64_put2(ctx, X64_MOV_RM64_R64, rsp_mem(off), x64_reg(r));
        /* CFA = rbp + 16 = rsp + frame_size + 16. */
        mcb_add_unwind(ctx->buf, MC_UNWIND_SAVE_REG, x64_dwarf_reg(r),
                       off - (int32_t)fl->frame_size - 16);
    }
}

/* Restores callee-saved registers and tears the frame down, leaving rsp at
 * the return address. */
void x64_emit_frame_teardown(emit_ctx *ctx) {
    const frame_layout *fl = ctx->frame;
    for (uint32_t k = 0; k < fl->nsaved; k++) {
        int32_t off = save_offset(fl, k);
        ra_preg r = fl->saved[k];
        if (fl->saved_class[k] == RA_CLASS_FLOAT)
            x64_put2(ctx, X64_MOVDQU_X_XM128, x64_reg(r), rsp_mem(off));
        else
            x64_put2(ctx, X64_MOV_R64_RM64, x64_reg(r), rsp_mem(off));
    }
    x64_put2(ctx, X64_MOV_R64_RM64, x64_reg(X64_RSP), x64_reg(X64_RBP));
    x64_put1(ctx, X64_POP_R64, x64_reg(X64_RBP));
}

void x64_emit_epilogue(emit_ctx *ctx) {
    x64_emit_frame_teardown(ctx);
    if (ctx->frame->callee_pops && ctx->frame->incoming_args)
        x64_put1(ctx, X64_RET_IMM16, x64_imm(ctx->frame->incoming_args));
    else
        x64_put0(ctx, X64_RET);
}

/* The address of a spill slot. */
x64_operand x64_spill_mem(const emit_ctx *ctx, uint32_t slot, int32_t extra) {
    const frame_layout *fl = ctx->frame;
    return rsp_mem((int32_t)(fl->spills_base + slot * fl->spill_slot_size) + extra);
}

void x64_emit_move(emit_ctx *ctx, uint8_t rclass, ra_loc from, ra_loc to) {
    bool wide = ctx->frame->spill_slot_size > 8;
    if (from.kind == RA_LOC_REG && to.kind == RA_LOC_REG) {
        if (from.index == to.index) return;
        if (rclass == RA_CLASS_INT)
            x64_put2(ctx, X64_MOV_R64_RM64, x64_reg((uint8_t)to.index),
                     x64_reg((uint8_t)from.index));
        else
            x64_put2(ctx, X64_MOVAPS_X_XM128, x64_reg((uint8_t)to.index),
                     x64_reg((uint8_t)from.index));
        return;
    }
    if (from.kind == RA_LOC_REG) {
        x64_operand m = x64_spill_mem(ctx, to.index, 0);
        if (rclass == RA_CLASS_INT)
            x64_put2(ctx, X64_MOV_RM64_R64, m, x64_reg((uint8_t)from.index));
        else if (wide)
            x64_put2(ctx, X64_MOVDQU_XM128_X, m, x64_reg((uint8_t)from.index));
        else
            x64_put2(ctx, X64_MOVSD_M64_X, m, x64_reg((uint8_t)from.index));
        return;
    }
    if (to.kind == RA_LOC_REG) {
        x64_operand m = x64_spill_mem(ctx, from.index, 0);
        if (rclass == RA_CLASS_INT)
            x64_put2(ctx, X64_MOV_R64_RM64, x64_reg((uint8_t)to.index), m);
        else if (wide)
            x64_put2(ctx, X64_MOVDQU_X_XM128, x64_reg((uint8_t)to.index), m);
        else
            x64_put2(ctx, X64_MOVSD_X_XM64, x64_reg((uint8_t)to.index), m);
        return;
    }
    /* Slot to slot without a register: push the source, pop into the
     * destination (pop computes an rsp-based address after its increment). */
    if (from.index == to.index) return;
    uint32_t words = rclass == RA_CLASS_FLOAT && wide ? 2 : 1;
    for (uint32_t w = 0; w < words; w++) {
        x64_put1(ctx, X64_PUSH_RM64, x64_spill_mem(ctx, from.index, (int32_t)(8 * w)));
        x64_put1(ctx, X64_POP_RM64, x64_spill_mem(ctx, to.index, (int32_t)(8 * w)));
    }
}

void x64_emit_trap(emit_ctx *ctx, clif_trap_code code) {
    x64_inst in;
    memset(&in, 0, sizeof in);
    in.form = X64_UD2;
    in.trap = code;
    x64_put(ctx, &in);
}
