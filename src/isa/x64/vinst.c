/* Building x86-64 VCode instructions, and emitting them once registers are
 * allocated: register fields are replaced by allocations, symbolic memory
 * operands completed from the frame, and pseudo-instructions expanded. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isa/x64/x64.h"

/* ---- building ---- */

void xb_init(x64_build *b, uint8_t vop) {
    memset(b, 0, sizeof *b);
    b->v.vop = vop;
    for (int i = 0; i < 4; i++)
        b->v.in.ops[i].kind = X64_OP_NONE;
}

void xb_form(x64_build *b, x64_form form) {
    xb_init(b, X64_V_FORM);
    b->v.in.form = (uint16_t)form;
}

uint8_t xb_op(x64_build *b, ra_operand op) {
    if (b->nops >= sizeof b->ops / sizeof b->ops[0]) {
        fprintf(stderr, "libcranelift: x64 instruction with too many operands\n");
        abort();
    }
    b->ops[b->nops] = op;
    return (uint8_t)b->nops++;
}

void xb_emit(lower_ctx *ctx, x64_build *b) {
    lw_emit(ctx, &b->v, b->ops, b->nops, b->has_clobbers ? &b->clobbers : NULL, b->flags);
}

/* ---- emission ---- */

void x64_put(emit_ctx *ctx, const x64_inst *in) {
    char msg[160];
    uint32_t at = mcb_offset(ctx->buf);
    if (ctx->want_listing) {
        char text[160];
        x64_print(in, NULL, 0, text, sizeof text);
        emit_listing(ctx, at, "%s", text);
    }
    if (!x64_emit(ctx->buf, in, msg, sizeof msg)) {
        char text[160];
        x64_print(in, NULL, 0, text, sizeof text);
        fprintf(stderr, "libcranelift: x64 encoding failed for `%s`: %s\n", text, msg);
        abort();
    }
}

static uint8_t map_reg(const ra_loc *allocs, uint8_t f) {
    if (f == X64_NOREG) return f;
    if (f & 0x80) return (uint8_t)(f & 0x7f);
    if (allocs[f].kind != RA_LOC_REG) {
        fprintf(stderr, "libcranelift: x64 operand %u not in a register\n", f);
        abort();
    }
    return (uint8_t)allocs[f].index;
}

static void resolve_operand(const emit_ctx *ctx, uint8_t mk, x64_operand *op,
                            const ra_loc *allocs) {
    const frame_layout *fl = ctx->frame;
    switch (op->kind) {
    case X64_OP_REG: op->reg = map_reg(allocs, op->reg); break;
    case X64_OP_MEM:
        op->mem.base = map_reg(allocs, op->mem.base);
        op->mem.index = map_reg(allocs, op->mem.index);
        switch (mk) {
        case X64_MK_SLOT:
            op->mem.kind = X64_AM_BASE;
            op->mem.base = X64_RSP;
            op->mem.disp += (int32_t)fl->slot_offset.data[op->mem.label];
            break;
        case X64_MK_SPILL:
            op->mem.kind = X64_AM_BASE;
            op->mem.base = X64_RSP;
            op->mem.disp += (int32_t)(fl->spills_base + op->mem.label * fl->spill_slot_size);
            break;
        case X64_MK_INCOMING:
            op->mem.kind = X64_AM_BASE;
            op->mem.base = X64_RBP;
            op->mem.disp += 16;
            break;
        case X64_MK_OUTGOING:
            op->mem.kind = X64_AM_BASE;
            op->mem.base = X64_RSP;
            break;
        case X64_MK_CONST:
            op->mem.kind = X64_AM_RIP_LABEL;
            op->mem.base = op->mem.index = X64_NOREG;
            op->mem.label = ctx->const_labels[op->mem.label];
            break;
        default: break;
        }
        break;
    case X64_OP_LABEL: op->label = emit_succ_label(ctx, op->label); break;
    default: break;
    }
}

static void resolve(const emit_ctx *ctx, const x64_vinst *v, const ra_loc *allocs, x64_inst *out) {
    *out = v->in;
    for (int i = 0; i < 4; i++)
        resolve_operand(ctx, v->mk[i], &out->ops[i], allocs);
}

static void jcc(emit_ctx *ctx, x64_cc cc, mc_label l) {
    x64_inst in;
    memset(&in, 0, sizeof in);
    in.form = X64_JCC_REL32;
    in.cc = (uint8_t)cc;
    in.ops[0] = x64_label(l);
    x64_put(ctx, &in);
}

static void jmp(emit_ctx *ctx, mc_label l) {
    x64_put1(ctx, X64_JMP_REL32, x64_label(l));
}

static void bind(emit_ctx *ctx, mc_label l) {
    mcb_bind_label(ctx->buf, l);
}

/* Jumps to `l` when the condition holds, falls through otherwise. */
static void jcond(emit_ctx *ctx, const x64_vinst *v, mc_label l) {
    x64_cc cc = (x64_cc)v->in.cc, cc2 = (x64_cc)v->cc2;
    switch (v->mode) {
    case X64_CC_ONE: jcc(ctx, cc, l); break;
    case X64_CC_OR:
        jcc(ctx, cc, l);
        jcc(ctx, cc2, l);
        break;
    case X64_CC_AND: {
        mc_label skip = mcb_new_label(ctx->buf);
        jcc(ctx, x64_cc_invert(cc), skip);
        jcc(ctx, cc2, l);
        bind(ctx, skip);
        break;
    }
    }
}

/* Jumps to `l` when the condition does not hold. */
static void jnot(emit_ctx *ctx, const x64_vinst *v, mc_label l) {
    x64_cc cc = (x64_cc)v->in.cc, cc2 = (x64_cc)v->cc2;
    switch (v->mode) {
    case X64_CC_ONE: jcc(ctx, x64_cc_invert(cc), l); break;
    case X64_CC_AND:
        jcc(ctx, x64_cc_invert(cc), l);
        jcc(ctx, x64_cc_invert(cc2), l);
        break;
    case X64_CC_OR: {
        mc_label taken = mcb_new_label(ctx->buf);
        jcc(ctx, cc, taken);
        jcc(ctx, x64_cc_invert(cc2), l);
        bind(ctx, taken);
        break;
    }
    }
}

static void emit_jcc(emit_ctx *ctx, const x64_vinst *v) {
    mc_label taken = emit_succ_label(ctx, 0), not_taken = emit_succ_label(ctx, 1);
    if (emit_succ_is_next(ctx, 0) && v->mode != X64_CC_AND) {
        jnot(ctx, v, not_taken);
        return;
    }
    jcond(ctx, v, taken);
    if (!emit_succ_is_next(ctx, 1)) jmp(ctx, not_taken);
}

static void emit_br_table(emit_ctx *ctx, const x64_vinst *v, const ra_loc *allocs) {
    uint8_t idx = map_reg(allocs, v->in.ops[0].reg);
    uint32_t nsucc =
        ctx->vc->succ_start.data[ctx->cur_block + 1] - ctx->vc->succ_start.data[ctx->cur_block];
    uint32_t n = nsucc - 1;
    mc_label deflt = emit_succ_label(ctx, 0);
    if (n > 0) {
        x64_put2(ctx, X64_CMP_RM32_IMM32, x64_reg(idx), x64_imm(n));
        jcc(ctx, X64_CC_AE, deflt);
        mc_label table = mcb_new_label(ctx->buf);
        x64_put2(ctx, X64_LEA_R64_M, x64_reg(X64_SCRATCH), x64_mem_label(table, 0));
        x64_put2(ctx, X64_MOVSXD_R64_RM32, x64_reg(idx), x64_mem(X64_SCRATCH, idx, 2, 0));
        x64_put2(ctx, X64_ADD_RM64_R64, x64_reg(X64_SCRATCH), x64_reg(idx));
        x64_put1(ctx, X64_JMP_RM64, x64_reg(X64_SCRATCH));
        mcb_align(ctx->buf, 4, 0xcc);
        bind(ctx, table);
        uint32_t start = mcb_offset(ctx->buf);
        for (uint32_t i = 0; i < n; i++) {
            uint32_t at = mcb_offset(ctx->buf);
            /* The patch adds target - (at + 4): leave target - start. */
            mcb_put4(ctx->buf, at + 4 - start);
            mcb_use_label(ctx->buf, at, emit_succ_label(ctx, i + 1), X64_LABEL_PCREL32);
        }
        emit_listing(ctx, start, ".jump_table %u entries", n);
    } else {
        jmp(ctx, deflt);
    }
}

static void emit_call(emit_ctx *ctx, const x64_vinst *v, const ra_loc *allocs) {
    if (v->flags & 1) {
        x64_put1(ctx, X64_CALL_RM64, x64_reg(map_reg(allocs, v->in.ops[0].reg)));
    } else if (v->flags & 4) {
        x64_put2(ctx, X64_MOVABS_R64_IMM64, x64_reg(X64_SCRATCH),
                 x64_sym(MC_RELOC_ABS8, MC_TARGET_LIBCALL, v->a, 0));
        x64_put1(ctx, X64_CALL_RM64, x64_reg(X64_SCRATCH));
    } else if (v->flags & 2) {
        x64_put1(ctx, X64_CALL_REL32, x64_sym(MC_RELOC_X86_CALL_PCREL4, MC_TARGET_FUNC, v->a, 0));
    } else {
        x64_put2(ctx, X64_MOVABS_R64_IMM64, x64_reg(X64_SCRATCH),
                 x64_sym(MC_RELOC_ABS8, MC_TARGET_FUNC, v->a, 0));
        x64_put1(ctx, X64_CALL_RM64, x64_reg(X64_SCRATCH));
    }
    uint32_t ret = mcb_offset(ctx->buf);
    mcb_add_call_site(ctx->buf, ret);
    if (v->b) x64_adjust_sp(ctx, -(int64_t)v->b);
    if (v->flags & 8) {
        /* try_call: successor 0 is the normal return, then one per handler
         * of the exception table (context items are no handlers). */
        const extable_data *et = &ctx->f->extables.data[v->imm];
        uint32_t k = 1;
        for (uint32_t i = 0; i < et->nitems; i++) {
            const extable_item *it = &ctx->f->extable_items.data[et->items + i];
            if (it->kind == EXI_CONTEXT) continue;
            mcb_add_handler(ctx->buf, ret, it->tag, it->kind == EXI_DEFAULT,
                            emit_succ_label(ctx, k++));
        }
        if (!emit_succ_is_next(ctx, 0)) jmp(ctx, emit_succ_label(ctx, 0));
    }
}

/* Checked division: operands [0] dividend (rax), [1] divisor, [2] quotient
 * (rax), [3] remainder (rdx). flags: 1 = signed, 2 = remainder wanted.
 * aux = bits of the CLIF type (for the MIN / -1 check). */
static void emit_div(emit_ctx *ctx, const x64_vinst *v, const ra_loc *allocs) {
    uint8_t d = map_reg(allocs, v->in.ops[1].reg);
    bool w64 = v->size == 8, sign = v->flags & 1, rem = v->flags & 2;
    x64_put2(ctx, w64 ? X64_TEST_RM64_R64 : X64_TEST_RM32_R32, x64_reg(d), x64_reg(d));
    jcc(ctx, X64_CC_E, emit_trap_label(ctx, CLIF_TRAP_INTEGER_DIVISION_BY_ZERO));
    mc_label done = mcb_new_label(ctx->buf);
    if (sign) {
        mc_label go = mcb_new_label(ctx->buf);
        x64_put2(ctx, w64 ? X64_CMP_RM64_IMM8 : X64_CMP_RM32_IMM8, x64_reg(d), x64_imm(-1));
        jcc(ctx, X64_CC_NE, go);
        if (rem) {
            x64_put2(ctx, X64_MOV_R32_IMM32, x64_reg(X64_RDX), x64_imm(0));
            jmp(ctx, done);
        } else {
            if (v->aux == 64) {
                x64_put2(ctx, X64_MOVABS_R64_IMM64, x64_reg(X64_SCRATCH),
                         x64_imm((int64_t)0x8000000000000000ull));
                x64_put2(ctx, X64_CMP_RM64_R64, x64_reg(X64_RAX), x64_reg(X64_SCRATCH));
            } else {
                int64_t min = (int64_t) ~(((uint64_t)1 << (v->aux - 1)) - 1);
                x64_put2(ctx, X64_CMP_RM32_IMM32, x64_reg(X64_RAX), x64_imm(min));
            }
            jcc(ctx, X64_CC_E, emit_trap_label(ctx, CLIF_TRAP_INTEGER_OVERFLOW));
        }
        bind(ctx, go);
        x64_put0(ctx, w64 ? X64_CQO : X64_CDQ);
        x64_put1(ctx, w64 ? X64_IDIV_RM64 : X64_IDIV_RM32, x64_reg(d));
    } else {
        x64_put2(ctx, X64_MOV_R32_IMM32, x64_reg(X64_RDX), x64_imm(0));
        x64_put1(ctx, w64 ? X64_DIV_RM64 : X64_DIV_RM32, x64_reg(d));
    }
    bind(ctx, done);
}

static x64_operand const_mem(const emit_ctx *ctx, uint32_t k) {
    return x64_mem_label(ctx->const_labels[k], 0);
}

/* Float to integer: operands [0] source xmm, [1] destination gpr.
 * flags: 1 signed, 2 saturating, 4 source f64, 8 destination 64-bit,
 * 16 lower bound inclusive (x <= lower is out of range, else x < lower).
 * a = constant: upper bound (x >= upper is out of range); b = constant:
 * lower bound; imm = constant 2^63 (unsigned 64-bit); aux = destination
 * bits; cc2 unused. */
static void emit_cvt_f2i(emit_ctx *ctx, const x64_vinst *v, const ra_loc *allocs) {
    uint8_t x = map_reg(allocs, v->in.ops[0].reg);
    uint8_t r = map_reg(allocs, v->in.ops[1].reg);
    bool sign = v->flags & 1, sat = v->flags & 2, f64 = v->flags & 4, d64 = v->flags & 8;
    bool incl = v->flags & 16;
    unsigned bits = v->aux;
    x64_form ucomi = f64 ? X64_UCOMISD_X_XM64 : X64_UCOMISS_X_XM32;
    x64_form cvt64 = f64 ? X64_CVTTSD2SI_R64_XM64 : X64_CVTTSS2SI_R64_XM32;
    x64_form cvt32 = f64 ? X64_CVTTSD2SI_R32_XM64 : X64_CVTTSS2SI_R32_XM32;
    mc_label done = mcb_new_label(ctx->buf);
    mc_label nan =
        sat ? mcb_new_label(ctx->buf) : emit_trap_label(ctx, CLIF_TRAP_BAD_CONVERSION_TO_INTEGER);
    mc_label high =
        sat ? mcb_new_label(ctx->buf) : emit_trap_label(ctx, CLIF_TRAP_INTEGER_OVERFLOW);
    mc_label low = sat ? mcb_new_label(ctx->buf) : high;

    x64_put2(ctx, ucomi, x64_reg(x), x64_reg(x));
    jcc(ctx, X64_CC_P, nan);
    x64_put2(ctx, ucomi, x64_reg(x), const_mem(ctx, v->a));
    jcc(ctx, X64_CC_AE, high);
    x64_put2(ctx, ucomi, x64_reg(x), const_mem(ctx, v->b));
    jcc(ctx, incl ? X64_CC_BE : X64_CC_B, low);
    if (!sign && bits == 64) {
        /* x in [0, 2^64): values from 2^63 convert after subtracting 2^63. */
        mc_label big = mcb_new_label(ctx->buf);
        x64_put2(ctx, ucomi, x64_reg(x), const_mem(ctx, (uint32_t)v->imm));
        jcc(ctx, X64_CC_AE, big);
        x64_put2(ctx, cvt64, x64_reg(r), x64_reg(x));
        jmp(ctx, done);
        bind(ctx, big);
        x64_put2(ctx, X64_MOVAPS_X_XM128, x64_reg(X64_SCRATCH_XMM), x64_reg(x));
        x64_put2(ctx, f64 ? X64_SUBSD_X_XM64 : X64_SUBSS_X_XM32, x64_reg(X64_SCRATCH_XMM),
                 const_mem(ctx, (uint32_t)v->imm));
        x64_put2(ctx, cvt64, x64_reg(r), x64_reg(X64_SCRATCH_XMM));
        x64_put2(ctx, X64_MOVABS_R64_IMM64, x64_reg(X64_SCRATCH),
                 x64_imm((int64_t)0x8000000000000000ull));
        x64_put2(ctx, X64_XOR_RM64_R64, x64_reg(r), x64_reg(X64_SCRATCH));
    } else {
        x64_put2(ctx, (bits == 64 || (!sign && bits == 32)) ? cvt64 : cvt32, x64_reg(r),
                 x64_reg(x));
    }
    if (sat) {
        jmp(ctx, done);
        bind(ctx, nan);
        x64_put2(ctx, X64_MOV_R32_IMM32, x64_reg(r), x64_imm(0));
        jmp(ctx, done);
        bind(ctx, high);
        uint64_t max = sign ? ((uint64_t)1 << (bits - 1)) - 1
                            : (bits == 64 ? ~(uint64_t)0 : ((uint64_t)1 << bits) - 1);
        x64_put2(ctx, X64_MOVABS_R64_IMM64, x64_reg(r), x64_imm((int64_t)max));
        jmp(ctx, done);
        bind(ctx, low);
        /* The most negative value: the sign bit and ones above it (no signed shift). */
        uint64_t min = sign ? ~(((uint64_t)1 << (bits - 1)) - 1) : 0;
        x64_put2(ctx, X64_MOVABS_R64_IMM64, x64_reg(r), x64_imm((int64_t)min));
    }
    (void)d64;
    bind(ctx, done);
}

/* u64 -> float: operands [0] source gpr, [1] destination xmm, [2] temp gpr.
 * flags: 4 = f64. */
static void emit_cvt_u2f(emit_ctx *ctx, const x64_vinst *v, const ra_loc *allocs) {
    uint8_t s = map_reg(allocs, v->in.ops[0].reg);
    uint8_t d = map_reg(allocs, v->in.ops[1].reg);
    uint8_t t = map_reg(allocs, v->in.ops[2].reg);
    bool f64 = v->flags & 4;
    x64_form cvt = f64 ? X64_CVTSI2SD_X_RM64 : X64_CVTSI2SS_X_RM64;
    mc_label neg = mcb_new_label(ctx->buf), done = mcb_new_label(ctx->buf);
    x64_put2(ctx, X64_XORPS_X_XM128, x64_reg(d), x64_reg(d));
    x64_put2(ctx, X64_TEST_RM64_R64, x64_reg(s), x64_reg(s));
    jcc(ctx, X64_CC_S, neg);
    x64_put2(ctx, cvt, x64_reg(d), x64_reg(s));
    jmp(ctx, done);
    bind(ctx, neg);
    x64_put2(ctx, X64_MOV_R64_RM64, x64_reg(X64_SCRATCH), x64_reg(s));
    x64_put2(ctx, X64_SHR_RM64_IMM8, x64_reg(X64_SCRATCH), x64_imm(1));
    x64_put2(ctx, X64_MOV_R64_RM64, x64_reg(t), x64_reg(s));
    x64_put2(ctx, X64_AND_RM64_IMM8, x64_reg(t), x64_imm(1));
    x64_put2(ctx, X64_OR_RM64_R64, x64_reg(X64_SCRATCH), x64_reg(t));
    x64_put2(ctx, cvt, x64_reg(d), x64_reg(X64_SCRATCH));
    x64_put2(ctx, f64 ? X64_ADDSD_X_XM64 : X64_ADDSS_X_XM32, x64_reg(d), x64_reg(d));
    bind(ctx, done);
}

/* fmin/fmax: operands [0] a, [1] b, [2] dst (= a). flags: 1 = max, 4 = f64. */
static void emit_fminmax(emit_ctx *ctx, const x64_vinst *v, const ra_loc *allocs) {
    uint8_t d = map_reg(allocs, v->in.ops[2].reg);
    uint8_t b = map_reg(allocs, v->in.ops[1].reg);
    bool max = v->flags & 1, f64 = v->flags & 4;
    mc_label ne = mcb_new_label(ctx->buf), nan = mcb_new_label(ctx->buf),
             done = mcb_new_label(ctx->buf);
    x64_put2(ctx, f64 ? X64_UCOMISD_X_XM64 : X64_UCOMISS_X_XM32, x64_reg(d), x64_reg(b));
    jcc(ctx, X64_CC_NE, ne);
    jcc(ctx, X64_CC_P, nan);
    /* Equal: +0/-0 are merged bitwise (min: or keeps -0, max: and keeps +0). */
    x64_put2(ctx, max ? X64_ANDPS_X_XM128 : X64_ORPS_X_XM128, x64_reg(d), x64_reg(b));
    jmp(ctx, done);
    bind(ctx, nan);
    x64_put2(ctx, f64 ? X64_ADDSD_X_XM64 : X64_ADDSS_X_XM32, x64_reg(d), x64_reg(b));
    jmp(ctx, done);
    bind(ctx, ne);
    x64_form f = max ? (f64 ? X64_MAXSD_X_XM64 : X64_MAXSS_X_XM32)
                     : (f64 ? X64_MINSD_X_XM64 : X64_MINSS_X_XM32);
    x64_put2(ctx, f, x64_reg(d), x64_reg(b));
    bind(ctx, done);
}

/* operands [0] false value, [1] true value, [2] dst (= false value). */
static void emit_xmm_cmov(emit_ctx *ctx, const x64_vinst *v, const ra_loc *allocs) {
    uint8_t d = map_reg(allocs, v->in.ops[2].reg);
    uint8_t t = map_reg(allocs, v->in.ops[1].reg);
    mc_label skip = mcb_new_label(ctx->buf);
    jnot(ctx, v, skip);
    if (d != t) x64_put2(ctx, X64_MOVAPS_X_XM128, x64_reg(d), x64_reg(t));
    bind(ctx, skip);
}

/* Atomic read-modify-write: operands [0] memory, [1] source, [2] temp,
 * [3] result (rax, the old value). aux = clif_atomic_op, size = bytes. */
static void emit_atomic_rmw(emit_ctx *ctx, const x64_vinst *v, const ra_loc *allocs) {
    x64_operand mem = v->in.ops[0];
    resolve_operand(ctx, v->mk[0], &mem, allocs);
    uint8_t src = map_reg(allocs, v->in.ops[1].reg);
    uint8_t tmp = map_reg(allocs, v->in.ops[2].reg);
    int s = x64_size_index(v->size);
    bool w64 = v->size == 8;
    static const x64_form xchg[4] = {X64_XCHG_RM8_R8, X64_XCHG_RM16_R16, X64_XCHG_RM32_R32,
                                     X64_XCHG_RM64_R64};
    static const x64_form xadd[4] = {X64_LOCK_XADD_M8_R8, X64_LOCK_XADD_M16_R16,
                                     X64_LOCK_XADD_M32_R32, X64_LOCK_XADD_M64_R64};
    static const x64_form cas[4] = {X64_LOCK_CMPXCHG_M8_R8, X64_LOCK_CMPXCHG_M16_R16,
                                    X64_LOCK_CMPXCHG_M32_R32, X64_LOCK_CMPXCHG_M64_R64};
    static const x64_form load[4] = {X64_MOVZX_R32_RM8, X64_MOVZX_R32_RM16, X64_MOV_R32_RM32,
                                     X64_MOV_R64_RM64};
    static const x64_form cmp[4] = {X64_CMP_R8_RM8, X64_CMP_R16_RM16, X64_CMP_R32_RM32,
                                    X64_CMP_R64_RM64};
    x64_inst in;
    memset(&in, 0, sizeof in);
    in.trap = v->in.trap;
    clif_atomic_op op = (clif_atomic_op)v->aux;
    if (op == CLIF_ATOMIC_XCHG || op == CLIF_ATOMIC_ADD || op == CLIF_ATOMIC_SUB) {
        x64_put2(ctx, X64_MOV_R64_RM64, x64_reg(X64_RAX), x64_reg(src));
        if (op == CLIF_ATOMIC_SUB) x64_put1(ctx, X64_NEG_RM64, x64_reg(X64_RAX));
        in.form = (uint16_t)(op == CLIF_ATOMIC_XCHG ? xchg[s] : xadd[s]);
        in.ops[0] = mem;
        in.ops[1] = x64_reg(X64_RAX);
        x64_put(ctx, &in);
        return;
    }
    in.form = (uint16_t)load[s];
    in.ops[0] = x64_reg(X64_RAX);
    in.ops[1] = mem;
    x64_put(ctx, &in);
    mc_label again = mcb_new_label(ctx->buf);
    bind(ctx, again);
    x64_put2(ctx, X64_MOV_R64_RM64, x64_reg(tmp), x64_reg(X64_RAX));
    switch (op) {
    case CLIF_ATOMIC_AND:
    case CLIF_ATOMIC_NAND:
        x64_put2(ctx, w64 ? X64_AND_R64_RM64 : X64_AND_R32_RM32, x64_reg(tmp), x64_reg(src));
        if (op == CLIF_ATOMIC_NAND) x64_put1(ctx, w64 ? X64_NOT_RM64 : X64_NOT_RM32, x64_reg(tmp));
        break;
    case CLIF_ATOMIC_OR:
        x64_put2(ctx, w64 ? X64_OR_R64_RM64 : X64_OR_R32_RM32, x64_reg(tmp), x64_reg(src));
        break;
    case CLIF_ATOMIC_XOR:
        x64_put2(ctx, w64 ? X64_XOR_R64_RM64 : X64_XOR_R32_RM32, x64_reg(tmp), x64_reg(src));
        break;
    default: {
        /* min/max: take the source when it wins against the old value. */
        x64_cc cc = op == CLIF_ATOMIC_UMIN   ? X64_CC_A
                    : op == CLIF_ATOMIC_UMAX ? X64_CC_B
                    : op == CLIF_ATOMIC_SMIN ? X64_CC_G
                                             : X64_CC_L;
        x64_put2(ctx, cmp[s], x64_reg(tmp), x64_reg(src));
        x64_inst cm;
        memset(&cm, 0, sizeof cm);
        cm.form = w64 ? X64_CMOVCC_R64_RM64 : X64_CMOVCC_R32_RM32;
        cm.cc = (uint8_t)cc;
        cm.ops[0] = x64_reg(tmp);
        cm.ops[1] = x64_reg(src);
        x64_put(ctx, &cm);
        break;
    }
    }
    memset(&in, 0, sizeof in);
    in.form = (uint16_t)cas[s];
    in.ops[0] = mem;
    in.ops[1] = x64_reg(tmp);
    x64_put(ctx, &in);
    jcc(ctx, X64_CC_NE, again);
}

/* i128 atomics through lock cmpxchg16b: operands [0] memory, [1] [2] the
 * source's low and high words (store, rmw); rax:rdx end as the old value,
 * rbx:rcx are scratch (fixed early defs). aux: 0 load, 1 store, 2 rmw with
 * flags = clif_atomic_op. */
static void emit_atomic128(emit_ctx *ctx, const x64_vinst *v, const ra_loc *allocs) {
    x64_operand mem = v->in.ops[0];
    resolve_operand(ctx, v->mk[0], &mem, allocs);
    x64_operand hi = mem;
    hi.mem.disp += 8;
    x64_inst cx;
    memset(&cx, 0, sizeof cx);
    cx.form = X64_LOCK_CMPXCHG16B_M128;
    cx.trap = v->in.trap;
    cx.ops[0] = mem;
    x64_operand rax = x64_reg(X64_RAX), rdx = x64_reg(X64_RDX), rbx = x64_reg(X64_RBX),
                rcx = x64_reg(X64_RCX);
    if (v->aux == 0) {
        x64_put2(ctx, X64_MOV_R32_IMM32, rax, x64_imm(0));
        x64_put2(ctx, X64_MOV_R32_IMM32, rdx, x64_imm(0));
        x64_put2(ctx, X64_MOV_R32_IMM32, rbx, x64_imm(0));
        x64_put2(ctx, X64_MOV_R32_IMM32, rcx, x64_imm(0));
        x64_put(ctx, &cx);
        return;
    }
    x64_operand slo = x64_reg(map_reg(allocs, v->in.ops[1].reg));
    x64_operand shi = x64_reg(map_reg(allocs, v->in.ops[2].reg));
    x64_inst ld;
    memset(&ld, 0, sizeof ld);
    ld.form = X64_MOV_R64_RM64;
    ld.trap = v->in.trap;
    ld.ops[0] = rax;
    ld.ops[1] = mem;
    x64_put(ctx, &ld);
    x64_put2(ctx, X64_MOV_R64_RM64, rdx, hi);
    mc_label again = mcb_new_label(ctx->buf);
    bind(ctx, again);
    clif_atomic_op op = v->aux == 1 ? CLIF_ATOMIC_XCHG : (clif_atomic_op)v->flags;
    if (op == CLIF_ATOMIC_XCHG) {
        x64_put2(ctx, X64_MOV_R64_RM64, rbx, slo);
        x64_put2(ctx, X64_MOV_R64_RM64, rcx, shi);
    } else {
        x64_put2(ctx, X64_MOV_R64_RM64, rbx, rax);
        x64_put2(ctx, X64_MOV_R64_RM64, rcx, rdx);
        switch (op) {
        case CLIF_ATOMIC_ADD:
            x64_put2(ctx, X64_ADD_R64_RM64, rbx, slo);
            x64_put2(ctx, X64_ADC_R64_RM64, rcx, shi);
            break;
        case CLIF_ATOMIC_SUB:
            x64_put2(ctx, X64_SUB_R64_RM64, rbx, slo);
            x64_put2(ctx, X64_SBB_R64_RM64, rcx, shi);
            break;
        case CLIF_ATOMIC_AND:
        case CLIF_ATOMIC_NAND:
            x64_put2(ctx, X64_AND_R64_RM64, rbx, slo);
            x64_put2(ctx, X64_AND_R64_RM64, rcx, shi);
            if (op == CLIF_ATOMIC_NAND) {
                x64_put1(ctx, X64_NOT_RM64, rbx);
                x64_put1(ctx, X64_NOT_RM64, rcx);
            }
            break;
        case CLIF_ATOMIC_OR:
            x64_put2(ctx, X64_OR_R64_RM64, rbx, slo);
            x64_put2(ctx, X64_OR_R64_RM64, rcx, shi);
            break;
        case CLIF_ATOMIC_XOR:
            x64_put2(ctx, X64_XOR_R64_RM64, rbx, slo);
            x64_put2(ctx, X64_XOR_R64_RM64, rcx, shi);
            break;
        default: {
            /* Flags of old < source; take the source when it wins. */
            x64_put2(ctx, X64_CMP_R64_RM64, rbx, slo);
            x64_put2(ctx, X64_MOV_R64_RM64, x64_reg(X64_SCRATCH), rcx);
            x64_put2(ctx, X64_SBB_R64_RM64, x64_reg(X64_SCRATCH), shi);
            x64_cc cc = op == CLIF_ATOMIC_UMIN   ? X64_CC_AE
                        : op == CLIF_ATOMIC_UMAX ? X64_CC_B
                        : op == CLIF_ATOMIC_SMIN ? X64_CC_GE
                                                 : X64_CC_L;
            x64_inst cm;
            memset(&cm, 0, sizeof cm);
            cm.form = X64_CMOVCC_R64_RM64;
            cm.cc = (uint8_t)cc;
            cm.ops[0] = rbx;
            cm.ops[1] = slo;
            x64_put(ctx, &cm);
            cm.ops[0] = rcx;
            cm.ops[1] = shi;
            x64_put(ctx, &cm);
            break;
        }
        }
    }
    x64_put(ctx, &cx);
    jcc(ctx, X64_CC_NE, again);
}

static x64_operand rbp_mem(int64_t disp) {
    return x64_mem(X64_RBP, X64_NOREG, 0, (int32_t)disp);
}

static void move_word(emit_ctx *ctx, x64_operand from, x64_operand to) {
    x64_put2(ctx, X64_MOV_R64_RM64, x64_reg(X64_SCRATCH), from);
    x64_put2(ctx, X64_MOV_RM64_R64, to, x64_reg(X64_SCRATCH));
}

/* Tail call: the callee's stack arguments (staged in the outgoing area)
 * move to where the callee must find them so that it returns to our caller
 * with the stack as our caller expects; the return address and saved frame
 * pointer move with them. flags: 1 indirect (callee in rax), 2 colocated;
 * a = function reference; b = bytes of stack arguments; imm = shift of the
 * frame top (our popped bytes minus the callee's). */
static void emit_return_call(emit_ctx *ctx, const x64_vinst *v) {
    const frame_layout *fl = ctx->frame;
    int64_t s = v->imm;
    for (uint32_t k = 0; k < fl->nsaved; k++) {
        uint32_t off = fl->saves_base;
        for (uint32_t i = 0; i < k; i++)
            off += fl->saved_class[i] == RA_CLASS_FLOAT ? 16 : 8;
        x64_operand m = x64_mem(X64_RSP, X64_NOREG, 0, (int32_t)off);
        if (fl->saved_class[k] == RA_CLASS_FLOAT)
            x64_put2(ctx, X64_MOVDQU_X_XM128, x64_reg(fl->saved[k]), m);
        else
            x64_put2(ctx, X64_MOV_R64_RM64, x64_reg(fl->saved[k]), m);
    }
    if (s < 0) {
        move_word(ctx, rbp_mem(0), rbp_mem(s));
        move_word(ctx, rbp_mem(8), rbp_mem(8 + s));
    } else if (s > 0) {
        move_word(ctx, rbp_mem(8), rbp_mem(8 + s));
        move_word(ctx, rbp_mem(0), rbp_mem(s));
    }
    for (uint32_t o = 0; o < v->b; o += 8)
        move_word(ctx, x64_mem(X64_RSP, X64_NOREG, 0, (int32_t)o), rbp_mem(16 + s + o));
    x64_put2(ctx, X64_LEA_R64_M, x64_reg(X64_RSP), rbp_mem(s));
    x64_put1(ctx, X64_POP_R64, x64_reg(X64_RBP));
    if (v->flags & 1) {
        x64_put1(ctx, X64_JMP_RM64, x64_reg(X64_RAX));
    } else if (v->flags & 2) {
        x64_put1(ctx, X64_JMP_REL32, x64_sym(MC_RELOC_X86_CALL_PCREL4, MC_TARGET_FUNC, v->a, 0));
    } else {
        x64_put2(ctx, X64_MOVABS_R64_IMM64, x64_reg(X64_SCRATCH),
                 x64_sym(MC_RELOC_ABS8, MC_TARGET_FUNC, v->a, 0));
        x64_put1(ctx, X64_JMP_RM64, x64_reg(X64_SCRATCH));
    }
}

void x64_emit_vinst(emit_ctx *ctx, const void *inst, const ra_loc *allocs) {
    const x64_vinst *v = inst;
    x64_inst in;
    switch ((x64_vop)v->vop) {
    case X64_V_FORM:
        resolve(ctx, v, allocs, &in);
        x64_put(ctx, &in);
        break;
    case X64_V_ARGS: break;
    case X64_V_RET: x64_emit_epilogue(ctx); break;
    case X64_V_JMP:
        if (!emit_succ_is_next(ctx, 0)) jmp(ctx, emit_succ_label(ctx, 0));
        break;
    case X64_V_JCC: emit_jcc(ctx, v); break;
    case X64_V_BR_TABLE: emit_br_table(ctx, v, allocs); break;
    case X64_V_TRAP: x64_emit_trap(ctx, v->in.trap); break;
    case X64_V_TRAPIF: jcond(ctx, v, emit_trap_label(ctx, v->in.trap)); break;
    case X64_V_CALL: emit_call(ctx, v, allocs); break;
    case X64_V_DIV: emit_div(ctx, v, allocs); break;
    case X64_V_CVT_F2I: emit_cvt_f2i(ctx, v, allocs); break;
    case X64_V_CVT_U2F: emit_cvt_u2f(ctx, v, allocs); break;
    case X64_V_FMINMAX: emit_fminmax(ctx, v, allocs); break;
    case X64_V_XMM_CMOV: emit_xmm_cmov(ctx, v, allocs); break;
    case X64_V_ATOMIC_RMW: emit_atomic_rmw(ctx, v, allocs); break;
    case X64_V_RETURN_CALL: emit_return_call(ctx, v); break;
    case X64_V_ATOMIC128: emit_atomic128(ctx, v, allocs); break;
    }
}
