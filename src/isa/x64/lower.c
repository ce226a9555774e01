/* x86-64 lowering: the dispatch on opcodes, the function's arguments and
 * the helpers every lower_*.c file uses (temporaries, constants, address
 * modes, operand fusion, common instruction shapes). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isa/x64/x64.h"

const char *x64_type_name(clif_type t, char *buf) {
    return clif_type_name(t, buf, 32);
}

bool x64_unsupported_type(lower_ctx *ctx, clif_inst inst, clif_type t) {
    char tn[32];
    return lw_unsupported(ctx, "unsupported: %s %s on x86_64", x64_type_name(t, tn),
                          clif_opcode_info_of(lw_opcode(ctx, inst))->name);
}

ra_vreg x64_temp(lower_ctx *ctx, clif_type t) {
    return lw_temp(ctx, abi_class_of(t), t);
}

/* ---- instruction shapes ---- */

void xb_mem(x64_build *b, int i, const x64_addr *a) {
    x64_operand op;
    memset(&op, 0, sizeof op);
    op.kind = X64_OP_MEM;
    op.mem.kind = X64_AM_BASE;
    op.mem.base = a->phys_base != X64_NOREG ? X64_PHYS(a->phys_base)
                  : a->base != CLIF_NONE    ? xb_use(b, a->base)
                                            : X64_NOREG;
    op.mem.index = a->index != CLIF_NONE ? xb_use(b, a->index) : X64_NOREG;
    op.mem.shift = a->shift;
    op.mem.disp = a->disp;
    op.mem.label = a->label;
    b->v.in.ops[i] = op;
    b->v.mk[i] = a->mk;
    if (a->trap) b->v.in.trap = a->trap;
}

void xb_rmi(x64_build *b, int i, const x64_rmi *r) {
    switch (r->kind) {
    case X64_RMI_REG: xb_reg(b, i, xb_use(b, r->reg)); break;
    case X64_RMI_MEM: xb_mem(b, i, &r->mem); break;
    case X64_RMI_IMM: xb_imm(b, i, r->imm); break;
    }
}

void x64_copy(lower_ctx *ctx, ra_vreg dst, ra_vreg src, clif_type t) {
    x64_build b;
    bool fl = abi_class_of(t) == RA_CLASS_FLOAT;
    xb_form(&b, fl ? X64_MOVAPS_X_XM128 : X64_MOV_R64_RM64);
    xb_reg(&b, 1, xb_use(&b, src));
    xb_reg(&b, 0, xb_def(&b, dst));
    xb_emit(ctx, &b);
}

void x64_load_const(lower_ctx *ctx, ra_vreg dst, uint64_t imm) {
    x64_build b;
    if (imm == 0) {
        xb_form(&b, X64_XOR_R32_RM32);
        uint8_t d = xb_def(&b, dst);
        xb_reg(&b, 0, d);
        xb_reg(&b, 1, d);
    } else if (imm <= 0xffffffffull) {
        xb_form(&b, X64_MOV_R32_IMM32);
        xb_reg(&b, 0, xb_def(&b, dst));
        xb_imm(&b, 1, (int64_t)imm);
    } else if ((int64_t)imm >= INT32_MIN && (int64_t)imm <= INT32_MAX) {
        xb_form(&b, X64_MOV_RM64_IMM32);
        xb_reg(&b, 0, xb_def(&b, dst));
        xb_imm(&b, 1, (int64_t)imm);
    } else {
        xb_form(&b, X64_MOVABS_R64_IMM64);
        xb_reg(&b, 0, xb_def(&b, dst));
        xb_imm(&b, 1, (int64_t)imm);
    }
    xb_emit(ctx, &b);
}

ra_vreg x64_const_reg(lower_ctx *ctx, uint64_t imm) {
    ra_vreg r = lw_temp(ctx, RA_CLASS_INT, CLIF_I64);
    x64_load_const(ctx, r, imm);
    return r;
}

ra_vreg x64_fconst_reg(lower_ctx *ctx, uint64_t bits, uint32_t bytes) {
    ra_vreg r = lw_temp(ctx, RA_CLASS_FLOAT, bytes == 4 ? CLIF_F32 : CLIF_F64);
    x64_build b;
    if (bits == 0) {
        xb_form(&b, X64_XORPS_X_XM128);
        uint8_t d = xb_def(&b, r);
        xb_reg(&b, 0, d);
        xb_reg(&b, 1, d);
    } else {
        uint8_t le[8];
        for (int i = 0; i < 8; i++)
            le[i] = (uint8_t)(bits >> (8 * i));
        x64_addr a = {X64_MK_CONST,
                      CLIF_NONE,
                      CLIF_NONE,
                      X64_NOREG,
                      0,
                      0,
                      lw_constant(ctx, le, bytes, bytes),
                      0};
        xb_form(&b, bytes == 4 ? X64_MOVSS_X_XM32 : X64_MOVSD_X_XM64);
        xb_reg(&b, 0, xb_def(&b, r));
        xb_mem(&b, 1, &a);
    }
    xb_emit(ctx, &b);
    return r;
}

ra_vreg x64_vconst_reg(lower_ctx *ctx, const uint8_t bytes[16]) {
    ra_vreg r = lw_temp(ctx, RA_CLASS_FLOAT, CLIF_F64);
    x64_addr a = {
        X64_MK_CONST, CLIF_NONE, CLIF_NONE, X64_NOREG, 0, 0, lw_constant(ctx, bytes, 16, 16), 0};
    x64_build b;
    xb_form(&b, X64_MOVDQU_X_XM128);
    xb_reg(&b, 0, xb_def(&b, r));
    xb_mem(&b, 1, &a);
    xb_emit(ctx, &b);
    return r;
}

typedef struct alu_forms {
    x64_form rr32, rr64, i8_32, i8_64, i32_32, i32_64;
} alu_forms;

#define ALU_FORMS(OP)                                                                              \
    {                                                                                              \
        X64_##OP##_R32_RM32, X64_##OP##_R64_RM64, X64_##OP##_RM32_IMM8, X64_##OP##_RM64_IMM8,      \
            X64_##OP##_RM32_IMM32, X64_##OP##_RM64_IMM32                                           \
    }
static const alu_forms alu_table[] = {ALU_FORMS(ADD), ALU_FORMS(OR),  ALU_FORMS(ADC),
                                      ALU_FORMS(SBB), ALU_FORMS(AND), ALU_FORMS(SUB),
                                      ALU_FORMS(XOR), ALU_FORMS(CMP)};

static x64_form alu_form(x64_alu op, bool w64, const x64_rmi *b) {
    const alu_forms *f = &alu_table[op];
    if (b->kind == X64_RMI_IMM) {
        bool small = b->imm >= -128 && b->imm <= 127;
        return w64 ? (small ? f->i8_64 : f->i32_64) : (small ? f->i8_32 : f->i32_32);
    }
    return w64 ? f->rr64 : f->rr32;
}

void x64_emit_alu(lower_ctx *ctx, x64_alu op, uint32_t bytes, ra_vreg dst, ra_vreg a,
                  const x64_rmi *b) {
    x64_build ib;
    xb_form(&ib, alu_form(op, bytes == 8, b));
    uint8_t ua = xb_use(&ib, a);
    xb_rmi(&ib, 1, b);
    xb_reg(&ib, 0, xb_op(&ib, ra_def_reuse(dst, ua)));
    xb_emit(ctx, &ib);
}

void x64_cmp(lower_ctx *ctx, uint32_t bytes, ra_vreg a, const x64_rmi *b) {
    static const x64_form rr[4] = {X64_CMP_R8_RM8, X64_CMP_R16_RM16, X64_CMP_R32_RM32,
                                   X64_CMP_R64_RM64};
    static const x64_form ri[4] = {X64_CMP_RM8_IMM8, X64_CMP_RM16_IMM16, X64_CMP_RM32_IMM32,
                                   X64_CMP_RM64_IMM32};
    static const x64_form ri8[4] = {X64_CMP_RM8_IMM8, X64_CMP_RM16_IMM8, X64_CMP_RM32_IMM8,
                                    X64_CMP_RM64_IMM8};
    int s = x64_size_index(bytes);
    x64_build ib;
    if (b->kind == X64_RMI_IMM)
        xb_form(&ib, b->imm >= -128 && b->imm <= 127 ? ri8[s] : ri[s]);
    else
        xb_form(&ib, rr[s]);
    xb_reg(&ib, 0, xb_use(&ib, a));
    xb_rmi(&ib, 1, b);
    xb_emit(ctx, &ib);
}

void x64_test(lower_ctx *ctx, uint32_t bytes, ra_vreg a) {
    static const x64_form tt[4] = {X64_TEST_RM8_R8, X64_TEST_RM16_R16, X64_TEST_RM32_R32,
                                   X64_TEST_RM64_R64};
    x64_build ib;
    xb_form(&ib, tt[x64_size_index(bytes)]);
    uint8_t u = xb_use(&ib, a);
    xb_reg(&ib, 0, u);
    xb_reg(&ib, 1, u);
    xb_emit(ctx, &ib);
}

void x64_setcc(lower_ctx *ctx, x64_cc cc, ra_vreg dst) {
    x64_build b;
    xb_form(&b, X64_SETCC_RM8);
    b.v.in.cc = (uint8_t)cc;
    xb_reg(&b, 0, xb_def(&b, dst));
    xb_emit(ctx, &b);
}

void x64_unary(lower_ctx *ctx, x64_form form, ra_vreg dst, ra_vreg a) {
    x64_build b;
    xb_form(&b, form);
    uint8_t ua = xb_use(&b, a);
    xb_reg(&b, 0, xb_op(&b, ra_def_reuse(dst, ua)));
    xb_emit(ctx, &b);
}

void x64_rm(lower_ctx *ctx, x64_form form, ra_vreg dst, const x64_rmi *src) {
    x64_build b;
    xb_form(&b, form);
    xb_rmi(&b, 1, src);
    xb_reg(&b, 0, xb_def(&b, dst));
    xb_emit(ctx, &b);
}

void x64_rm_reg(lower_ctx *ctx, x64_form form, ra_vreg dst, ra_vreg src) {
    x64_rmi r = {X64_RMI_REG, src, {0}, 0};
    x64_rm(ctx, form, dst, &r);
}

void x64_shift_imm(lower_ctx *ctx, x64_form form, ra_vreg dst, ra_vreg a, uint8_t amt) {
    x64_build b;
    xb_form(&b, form);
    uint8_t ua = xb_use(&b, a);
    xb_reg(&b, 0, xb_op(&b, ra_def_reuse(dst, ua)));
    xb_imm(&b, 1, amt);
    xb_emit(ctx, &b);
}

void x64_shift_cl(lower_ctx *ctx, x64_form form, ra_vreg dst, ra_vreg a, ra_vreg amt) {
    x64_build b;
    xb_form(&b, form);
    uint8_t ua = xb_use(&b, a);
    xb_op(&b, ra_use_fixed(amt, X64_RCX));
    xb_reg(&b, 0, xb_op(&b, ra_def_reuse(dst, ua)));
    xb_reg(&b, 1, X64_PHYS(X64_RCX));
    xb_emit(ctx, &b);
}

void x64_extend(lower_ctx *ctx, ra_vreg dst, ra_vreg a, uint32_t from, bool sign) {
    x64_form f;
    switch (from) {
    case 1: f = sign ? X64_MOVSX_R64_RM8 : X64_MOVZX_R32_RM8; break;
    case 2: f = sign ? X64_MOVSX_R64_RM16 : X64_MOVZX_R32_RM16; break;
    case 4: f = sign ? X64_MOVSXD_R64_RM32 : X64_MOV_R32_RM32; break;
    default: x64_copy(ctx, dst, a, CLIF_I64); return;
    }
    x64_rm_reg(ctx, f, dst, a);
}

ra_vreg x64_extended(lower_ctx *ctx, ra_vreg a, uint32_t from, bool sign) {
    if (from >= 8) return a;
    ra_vreg t = lw_temp(ctx, RA_CLASS_INT, CLIF_I64);
    x64_extend(ctx, t, a, from, sign);
    return t;
}

void x64_cmov(lower_ctx *ctx, x64_cc cc, uint32_t bytes, ra_vreg dst, ra_vreg t, ra_vreg f) {
    x64_build b;
    xb_form(&b, bytes == 8 ? X64_CMOVCC_R64_RM64 : X64_CMOVCC_R32_RM32);
    b.v.in.cc = (uint8_t)cc;
    uint8_t uf = xb_use(&b, f);
    xb_reg(&b, 1, xb_use(&b, t));
    xb_reg(&b, 0, xb_op(&b, ra_def_reuse(dst, uf)));
    xb_emit(ctx, &b);
}

void x64_xmm_cmov(lower_ctx *ctx, x64_cc cc, x64_cc cc2, uint8_t mode, ra_vreg dst, ra_vreg t,
                  ra_vreg f) {
    x64_build b;
    xb_init(&b, X64_V_XMM_CMOV);
    b.v.in.cc = (uint8_t)cc;
    b.v.cc2 = (uint8_t)cc2;
    b.v.mode = mode;
    uint8_t uf = xb_use(&b, f);
    xb_reg(&b, 0, uf);
    xb_reg(&b, 1, xb_use(&b, t));
    xb_reg(&b, 2, xb_op(&b, ra_def_reuse(dst, uf)));
    xb_emit(ctx, &b);
}

void x64_trapif(lower_ctx *ctx, x64_cc cc, x64_cc cc2, uint8_t mode, clif_trap_code code) {
    x64_build b;
    xb_init(&b, X64_V_TRAPIF);
    b.v.in.cc = (uint8_t)cc;
    b.v.cc2 = (uint8_t)cc2;
    b.v.mode = mode;
    b.v.in.trap = code;
    xb_emit(ctx, &b);
}

void x64_xmm_binop(lower_ctx *ctx, x64_form form, ra_vreg dst, ra_vreg a, const x64_rmi *b) {
    x64_build ib;
    xb_form(&ib, form);
    uint8_t ua = xb_use(&ib, a);
    xb_rmi(&ib, 1, b);
    xb_reg(&ib, 0, xb_op(&ib, ra_def_reuse(dst, ua)));
    xb_emit(ctx, &ib);
}

void x64_xmm_vex3(lower_ctx *ctx, x64_form form, ra_vreg dst, ra_vreg a, const x64_rmi *b) {
    x64_build ib;
    xb_form(&ib, form);
    xb_reg(&ib, 1, xb_use(&ib, a));
    xb_rmi(&ib, 2, b);
    xb_reg(&ib, 0, xb_def(&ib, dst));
    xb_emit(ctx, &ib);
}

/* ---- operands ---- */

bool x64_imm32(lower_ctx *ctx, clif_value v, uint32_t bytes, int64_t *imm) {
    uint64_t c;
    if (!lw_iconst(ctx, v, &c)) return false;
    if (bytes <= 4) {
        *imm = (int32_t)(uint32_t)c;
        return true;
    }
    if ((int64_t)c < INT32_MIN || (int64_t)c > INT32_MAX) return false;
    *imm = (int64_t)c;
    return true;
}

x64_addr x64_address(lower_ctx *ctx, clif_value addr, int64_t offset, clif_memflags flags) {
    x64_addr a = {X64_MK_NONE, CLIF_NONE, CLIF_NONE, X64_NOREG, 0, 0, 0, clif_memflags_trap(flags)};
    int64_t off = offset;
    clif_inst d = lw_sinkable(ctx, addr);
    clif_opcode op = d != CLIF_NONE ? lw_opcode(ctx, d) : CLIF_OP_INVALID;
    uint64_t c;
    if (op == CLIF_OP_IADD && lw_type(ctx, addr) == CLIF_I64) {
        clif_value x = lw_arg(ctx, d, 0), y = lw_arg(ctx, d, 1);
        if (lw_iconst(ctx, y, &c) && (int64_t)c >= INT32_MIN && (int64_t)c <= INT32_MAX) {
            off += (int64_t)c;
            a.base = lw_put_in_reg(ctx, x);
        } else if (lw_iconst(ctx, x, &c) && (int64_t)c >= INT32_MIN && (int64_t)c <= INT32_MAX) {
            off += (int64_t)c;
            a.base = lw_put_in_reg(ctx, y);
        } else {
            clif_value base = x, idx = y;
            uint8_t shift = 0;
            for (int side = 0; side < 2; side++) {
                clif_value s = side == 0 ? y : x;
                clif_inst sd = lw_sinkable(ctx, s);
                uint64_t amt;
                if (sd != CLIF_NONE && lw_opcode(ctx, sd) == CLIF_OP_ISHL &&
                    lw_iconst(ctx, lw_arg(ctx, sd, 1), &amt) && (amt & 63) <= 3) {
                    base = side == 0 ? x : y;
                    idx = lw_arg(ctx, sd, 0);
                    shift = (uint8_t)(amt & 63);
                    break;
                }
            }
            a.base = lw_put_in_reg(ctx, base);
            a.index = lw_put_in_reg(ctx, idx);
            a.shift = shift;
        }
    } else if (op == CLIF_OP_STACK_ADDR) {
        a.mk = X64_MK_SLOT;
        a.label = lw_data(ctx, d)->ent;
        off += lw_data(ctx, d)->offset;
    } else {
        a.base = lw_put_in_reg(ctx, addr);
    }
    if (off < INT32_MIN || off > INT32_MAX) {
        a.mk = X64_MK_NONE;
        a.base = lw_put_in_reg(ctx, addr);
        a.index = x64_const_reg(ctx, (uint64_t)offset);
        a.shift = 0;
        off = 0;
    }
    a.disp = (int32_t)off;
    return a;
}

x64_rmi x64_put_rmi(lower_ctx *ctx, clif_value v, uint32_t load_bytes, bool allow_imm) {
    x64_rmi r;
    memset(&r, 0, sizeof r);
    int64_t imm;
    if (allow_imm && x64_imm32(ctx, v, load_bytes ? load_bytes : 8, &imm)) {
        r.kind = X64_RMI_IMM;
        r.imm = imm;
        return r;
    }
    if (load_bytes) {
        clif_inst d = lw_sinkable_load(ctx, v);
        if (d != CLIF_NONE && lw_opcode(ctx, d) == CLIF_OP_LOAD &&
            x64_bytes(lw_type(ctx, v)) == load_bytes &&
            !(lw_data(ctx, d)->memflags & CLIF_MEM_BIG)) {
            r.kind = X64_RMI_MEM;
            r.mem = x64_address(ctx, lw_arg(ctx, d, 0), lw_data(ctx, d)->offset,
                                lw_data(ctx, d)->memflags);
            lw_sink(ctx, d);
            return r;
        }
    }
    r.kind = X64_RMI_REG;
    r.reg = lw_put_in_reg(ctx, v);
    return r;
}

/* ---- arguments, jumps, dispatch ---- */

static bool stack_limit_check(lower_ctx *ctx);

bool x64_lower_entry(lower_ctx *ctx) {
    const clif_func *f = ctx->f;
    const block_data *entry = &f->blocks.data[f->first_block];
    const abi_sig *sig = &ctx->sig;
    if (entry->nparams != sig->args.len)
        return lw_unsupported(ctx, "unsupported: entry block parameters differ from the "
                                   "signature");
    x64_build b;
    xb_init(&b, X64_V_ARGS);
    /* Stack-passed parts are loaded after the pseudo-instruction. */
    ra_vreg later_v[66];
    const abi_part *later_p[66];
    uint32_t nlater = 0;
    for (uint32_t i = 0; i < entry->nparams; i++) {
        ra_vreg regs[2];
        lw_output_regs(ctx, f->pool.data[entry->params + i], regs);
        const abi_value *av = &sig->args.data[i];
        for (uint32_t k = 0; k < av->nparts; k++) {
            const abi_part *p = &av->parts[k];
            if (p->kind == ABI_REG) {
                xb_op(&b, ra_def_fixed(regs[k], p->reg));
            } else if (nlater < 64) {
                later_v[nlater] = regs[k];
                later_p[nlater++] = p;
            } else {
                return lw_unsupported(ctx, "unsupported: more than 64 stack arguments");
            }
        }
    }
    if (sig->has_ret_area) {
        if (ctx->ret_area == CLIF_NONE) ctx->ret_area = lw_temp(ctx, RA_CLASS_INT, CLIF_I64);
        if (sig->ret_area_ptr.kind == ABI_REG) {
            xb_op(&b, ra_def_fixed(ctx->ret_area, sig->ret_area_ptr.reg));
        } else {
            later_v[nlater] = ctx->ret_area;
            later_p[nlater++] = &sig->ret_area_ptr;
        }
    }
    if (b.nops > 0 || nlater == 0) xb_emit(ctx, &b);
    for (uint32_t i = 0; i < nlater; i++) {
        const abi_part *p = later_p[i];
        x64_addr a = {X64_MK_INCOMING, CLIF_NONE, CLIF_NONE, X64_RBP, 0, (int32_t)p->offset, 0, 0};
        x64_build lb;
        if (p->rclass == RA_CLASS_FLOAT)
            xb_form(&lb, x64_xmm_load_form(x64_bytes(p->type)));
        else
            xb_form(&lb, X64_MOV_R64_RM64);
        xb_mem(&lb, 1, &a);
        xb_reg(&lb, 0, xb_def(&lb, later_v[i]));
        xb_emit(ctx, &lb);
    }
    if (f->stack_limit != CLIF_NONE) return stack_limit_check(ctx);
    return true;
}

/* The value of global value `gv`, computed along its chain of bases
 * (iteratively: the chain length is input-controlled). */
static bool gv_value(lower_ctx *ctx, clif_global_value gv, ra_vreg *out) {
    const clif_func *f = ctx->f;
    uint32_t n = 0, cap = f->gvs.len + 1;
    clif_global_value *chain = cl_xmalloc(cap * sizeof *chain);
    clif_global_value g = gv;
    while (g < f->gvs.len && n < cap &&
           (f->gvs.data[g].kind == CLIF_GV_LOAD || f->gvs.data[g].kind == CLIF_GV_IADD_IMM)) {
        chain[n++] = g;
        g = f->gvs.data[g].base;
    }
    ra_vreg v = CLIF_NONE;
    if (g < f->gvs.len && f->gvs.data[g].kind == CLIF_GV_VMCTX) {
        for (uint32_t i = 0; i < f->sig.nparams; i++) {
            if (f->abi_params.data[f->sig.params + i].purpose != CLIF_ARG_VMCTX) continue;
            const block_data *entry = &f->blocks.data[f->first_block];
            if (i < entry->nparams) v = lw_put_in_reg(ctx, f->pool.data[entry->params + i]);
            break;
        }
    }
    if (v == CLIF_NONE) {
        free(chain);
        return lw_unsupported(ctx, "unsupported: global value gv%u on x86_64", gv);
    }
    while (n > 0) {
        const gv_data *d = &f->gvs.data[chain[--n]];
        ra_vreg r = lw_temp(ctx, RA_CLASS_INT, CLIF_I64);
        if (d->offset < INT32_MIN || d->offset > INT32_MAX) {
            free(chain);
            return lw_unsupported(ctx, "unsupported: global value offset beyond 32 bits");
        }
        if (d->kind == CLIF_GV_LOAD) {
            x64_addr a = {X64_MK_NONE, v, CLIF_NONE, X64_NOREG, 0, (int32_t)d->offset, 0, 0};
            x64_build b;
            xb_form(&b, x64_bytes(d->type) == 4 ? X64_MOV_R32_RM32 : X64_MOV_R64_RM64);
            xb_mem(&b, 1, &a);
            xb_reg(&b, 0, xb_def(&b, r));
            xb_emit(ctx, &b);
        } else {
            x64_rmi k = {X64_RMI_IMM, CLIF_NONE, {0}, d->offset};
            x64_emit_alu(ctx, X64_ALU_ADD, 8, r, v, &k);
        }
        v = r;
    }
    free(chain);
    *out = v;
    return true;
}

/* Traps with stk_ovf when the stack pointer is below the function's stack
 * limit (checked after the frame is allocated). */
static bool stack_limit_check(lower_ctx *ctx) {
    ra_vreg limit = CLIF_NONE;
    if (!gv_value(ctx, ctx->f->stack_limit, &limit)) return false;
    x64_build b;
    xb_form(&b, X64_CMP_R64_RM64);
    xb_reg(&b, 0, X64_PHYS(X64_RSP));
    xb_reg(&b, 1, xb_use(&b, limit));
    xb_emit(ctx, &b);
    x64_trapif(ctx, X64_CC_B, X64_CC_B, X64_CC_ONE, CLIF_TRAP_STACK_OVERFLOW);
    return true;
}

bool x64_lower_jump(lower_ctx *ctx) {
    x64_build b;
    if (lw_exception_edge(ctx, ctx->cur_block)) {
        /* A handler's landing: the exception payloads arrive in rax, rdx. */
        xb_init(&b, X64_V_ARGS);
        xb_op(&b, ra_def_fixed(lw_exn_reg(ctx, ctx->cur_block, 0), X64_RAX));
        xb_op(&b, ra_def_fixed(lw_exn_reg(ctx, ctx->cur_block, 1), X64_RDX));
        xb_emit(ctx, &b);
    }
    xb_init(&b, X64_V_JMP);
    b.flags = RA_INST_BRANCH;
    xb_emit(ctx, &b);
    return true;
}

bool x64_lower_inst(lower_ctx *ctx, clif_inst inst) {
    clif_opcode op = lw_opcode(ctx, inst);
    const clif_opcode_info *info = clif_opcode_info_of(op);
    bool term = info->flags & (CLIF_OPF_TERM | CLIF_OPF_BRANCH) && !(info->flags & CLIF_OPF_CALL);
    /* Vector values go to lower_simd.c, except through jumps and returns. */
    for (uint32_t k = 0; k < lw_num_results(ctx, inst) + lw_num_args(ctx, inst); k++) {
        uint32_t nr = lw_num_results(ctx, inst);
        clif_type t = lw_type(ctx, k < nr ? lw_result(ctx, inst, k) : lw_arg(ctx, inst, k - nr));
        if (clif_type_is_dynamic(t)) return x64_unsupported_type(ctx, inst, t);
        if (clif_type_is_vector(t) && !term && !(info->flags & CLIF_OPF_CALL))
            return x64_lower_simd(ctx, inst);
    }
    if (term) return x64_lower_branch(ctx, inst);
    switch (op) {
    case CLIF_OP_TRAPZ:
    case CLIF_OP_TRAPNZ:
    case CLIF_OP_DEBUGTRAP: return x64_lower_branch(ctx, inst);
    case CLIF_OP_CALL:
    case CLIF_OP_CALL_INDIRECT:
    case CLIF_OP_TRY_CALL:
    case CLIF_OP_TRY_CALL_INDIRECT:
    case CLIF_OP_RETURN_CALL:
    case CLIF_OP_RETURN_CALL_INDIRECT:
    case CLIF_OP_FUNC_ADDR:
    case CLIF_OP_SYMBOL_VALUE: return x64_lower_call(ctx, inst);
    default: break;
    }
    if (info->flags & (CLIF_OPF_LOAD | CLIF_OPF_STORE) || op == CLIF_OP_STACK_ADDR ||
        op == CLIF_OP_FENCE || op == CLIF_OP_GET_PINNED_REG || op == CLIF_OP_SET_PINNED_REG ||
        op == CLIF_OP_GET_FRAME_POINTER || op == CLIF_OP_GET_STACK_POINTER ||
        op == CLIF_OP_GET_RETURN_ADDRESS)
        return x64_lower_mem(ctx, inst);
    /* The controlling type decides between the integer and float lowering. */
    clif_type t = lw_num_results(ctx, inst) ? lw_type(ctx, lw_result(ctx, inst, 0)) : 0;
    clif_type at = lw_num_args(ctx, inst) ? lw_type(ctx, lw_arg(ctx, inst, 0)) : 0;
    bool i128 = t == CLIF_I128 ||
                (at == CLIF_I128 && op != CLIF_OP_SELECT && op != CLIF_OP_SELECT_SPECTRE_GUARD);
    if (i128 && op != CLIF_OP_BITCAST) return x64_lower_i128(ctx, inst);
    if (clif_type_is_float(t) || clif_type_is_float(at) || op == CLIF_OP_F32CONST ||
        op == CLIF_OP_F64CONST || op == CLIF_OP_BITCAST)
        return x64_lower_float(ctx, inst);
    return x64_lower_int(ctx, inst);
}
