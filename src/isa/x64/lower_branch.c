/* x86-64 lowering of control flow: jump, brif (fused with compares),
 * br_table, return, traps. */
#include <string.h>

#include "isa/x64/x64.h"

x64_cc x64_intcc(clif_intcc cc) {
    static const x64_cc map[CLIF_ICC_COUNT] = {
        [CLIF_ICC_EQ] = X64_CC_E,   [CLIF_ICC_NE] = X64_CC_NE,  [CLIF_ICC_SLT] = X64_CC_L,
        [CLIF_ICC_SGE] = X64_CC_GE, [CLIF_ICC_SGT] = X64_CC_G,  [CLIF_ICC_SLE] = X64_CC_LE,
        [CLIF_ICC_ULT] = X64_CC_B,  [CLIF_ICC_UGE] = X64_CC_AE, [CLIF_ICC_UGT] = X64_CC_A,
        [CLIF_ICC_ULE] = X64_CC_BE};
    return map[cc];
}

x64_flags_cond x64_emit_cond(lower_ctx *ctx, clif_value v) {
    clif_inst d = lw_sinkable(ctx, v);
    if (d != CLIF_NONE && lw_opcode(ctx, d) == CLIF_OP_ICMP) return x64_emit_icmp(ctx, d);
    if (d != CLIF_NONE && lw_opcode(ctx, d) == CLIF_OP_FCMP) return x64_emit_fcmp(ctx, d);
    x64_flags_cond c = {X64_CC_NE, X64_CC_NE, X64_CC_ONE};
    clif_type t = lw_type(ctx, v);
    ra_vreg r[2];
    lw_put_in_regs(ctx, v, r);
    if (t == CLIF_I128) {
        ra_vreg tmp = lw_temp(ctx, RA_CLASS_INT, CLIF_I64);
        x64_rmi hi = {X64_RMI_REG, r[1], {0}, 0};
        x64_emit_alu(ctx, X64_ALU_OR, 8, tmp, r[0], &hi);
    } else {
        x64_test(ctx, x64_bytes(t), r[0]);
    }
    return c;
}

static x64_flags_cond invert(x64_flags_cond c) {
    x64_flags_cond r = {x64_cc_invert(c.cc), x64_cc_invert(c.cc2), c.mode};
    if (c.mode == X64_CC_AND) r.mode = X64_CC_OR;
    if (c.mode == X64_CC_OR) r.mode = X64_CC_AND;
    return r;
}

void x64_cond_to_reg(lower_ctx *ctx, x64_flags_cond c, ra_vreg dst) {
    if (c.mode == X64_CC_ONE) {
        x64_setcc(ctx, c.cc, dst);
        return;
    }
    ra_vreg a = lw_temp(ctx, RA_CLASS_INT, CLIF_I8), b = lw_temp(ctx, RA_CLASS_INT, CLIF_I8);
    x64_setcc(ctx, c.cc, a);
    x64_setcc(ctx, c.cc2, b);
    x64_rmi rb = {X64_RMI_REG, b, {0}, 0};
    x64_emit_alu(ctx, c.mode == X64_CC_AND ? X64_ALU_AND : X64_ALU_OR, 4, dst, a, &rb);
}

static bool lower_return(lower_ctx *ctx, clif_inst inst) {
    const abi_sig *sig = &ctx->sig;
    uint32_t n = lw_num_args(ctx, inst);
    if (n != sig->rets.len)
        return lw_unsupported(ctx, "unsupported: return with %u values for %u results", n,
                              sig->rets.len);
    x64_build b;
    xb_init(&b, X64_V_RET);
    b.flags = RA_INST_RET;
    for (uint32_t i = 0; i < n; i++) {
        clif_value v = lw_arg(ctx, inst, i);
        ra_vreg regs[2];
        lw_put_in_regs(ctx, v, regs);
        const abi_value *av = &sig->rets.data[i];
        for (uint32_t k = 0; k < av->nparts; k++) {
            const abi_part *p = &av->parts[k];
            if (p->kind == ABI_REG) {
                x64_copy_to_fixed(ctx, &b, regs[k], p->reg);
                continue;
            }
            if (ctx->ret_area == CLIF_NONE) ctx->ret_area = lw_temp(ctx, RA_CLASS_INT, CLIF_I64);
            x64_addr a = {X64_MK_NONE, ctx->ret_area,      CLIF_NONE, X64_NOREG,
                          0,           (int32_t)p->offset, 0,         0};
            x64_build sb;
            if (p->rclass == RA_CLASS_FLOAT)
                xb_form(&sb, x64_xmm_store_form(x64_bytes(p->type)));
            else
                xb_form(&sb, X64_MOV_RM64_R64);
            xb_mem(&sb, 0, &a);
            xb_reg(&sb, 1, xb_use(&sb, regs[k]));
            xb_emit(ctx, &sb);
        }
    }
    xb_emit(ctx, &b);
    return true;
}

static bool lower_br_table(lower_ctx *ctx, clif_inst inst) {
    ra_vreg idx = lw_put_in_reg(ctx, lw_arg(ctx, inst, 0));
    ra_vreg t = lw_temp(ctx, RA_CLASS_INT, CLIF_I64);
    x64_extend(ctx, t, idx, 4, false);
    x64_build b;
    xb_init(&b, X64_V_BR_TABLE);
    b.flags = RA_INST_BRANCH;
    xb_reg(&b, 0, xb_use(&b, t));
    xb_emit(ctx, &b);
    return true;
}

bool x64_lower_branch(lower_ctx *ctx, clif_inst inst) {
    x64_build b;
    switch (lw_opcode(ctx, inst)) {
    case CLIF_OP_JUMP: return x64_lower_jump(ctx);
    case CLIF_OP_BRIF: {
        x64_flags_cond c = x64_emit_cond(ctx, lw_arg(ctx, inst, 0));
        xb_init(&b, X64_V_JCC);
        b.flags = RA_INST_BRANCH;
        b.v.in.cc = (uint8_t)c.cc;
        b.v.cc2 = (uint8_t)c.cc2;
        b.v.mode = c.mode;
        xb_emit(ctx, &b);
        return true;
    }
    case CLIF_OP_BR_TABLE: return lower_br_table(ctx, inst);
    case CLIF_OP_RETURN: return lower_return(ctx, inst);
    case CLIF_OP_TRAP:
        xb_init(&b, X64_V_TRAP);
        b.flags = RA_INST_RET;
        b.v.in.trap = lw_data(ctx, inst)->trap;
        xb_emit(ctx, &b);
        return true;
    case CLIF_OP_TRAPZ:
    case CLIF_OP_TRAPNZ: {
        x64_flags_cond c = x64_emit_cond(ctx, lw_arg(ctx, inst, 0));
        if (lw_opcode(ctx, inst) == CLIF_OP_TRAPZ) c = invert(c);
        x64_trapif(ctx, c.cc, c.cc2, c.mode, lw_data(ctx, inst)->trap);
        return true;
    }
    case CLIF_OP_DEBUGTRAP:
        xb_form(&b, X64_INT3);
        xb_emit(ctx, &b);
        return true;
    default: {
        char tn[8];
        (void)tn;
        return lw_unsupported(ctx, "unsupported: %s on x86_64",
                              clif_opcode_info_of(lw_opcode(ctx, inst))->name);
    }
    }
}
