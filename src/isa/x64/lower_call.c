/* x86-64 lowering of calls (direct, indirect), function and symbol
 * addresses. */
#include <stdio.h>
#include <string.h>

#include "isa/x64/x64.h"

void x64_copy_to_fixed(lower_ctx *ctx, x64_build *b, ra_vreg v, ra_preg r) {
    for (uint32_t i = 0; i < b->nops; i++) {
        const ra_operand *o = &b->ops[i];
        if (o->kind == RA_USE && o->vreg == v && o->constraint == RA_FIXED && o->extra != r) {
            clif_type t = ctx->vc->vreg_type.data[v];
            ra_vreg c = lw_temp(ctx, ctx->vc->vreg_class.data[v], t);
            x64_copy(ctx, c, v, t);
            v = c;
            break;
        }
    }
    xb_op(b, ra_use_fixed(v, r));
}

static bool call_sig(lower_ctx *ctx, clif_inst inst, abi_sig *s) {
    const clif_func *f = ctx->f;
    clif_sig_ref sr = ir_inst_call_sig(f, lw_data(ctx, inst));
    if (sr >= f->sigs.len) return lw_unsupported(ctx, "unsupported: call without a signature");
    const sig_data *sd = &f->sigs.data[sr];
    const abi_callconv *conv = x64_callconv(ctx->isa, (clif_callconv)sd->callconv);
    if (!conv)
        return lw_unsupported(ctx, "unsupported: calls with calling convention %s on x86_64",
                              clif_callconv_name((clif_callconv)sd->callconv));
    char msg[200];
    if (!abi_sig_compute(s, (clif_callconv)sd->callconv, conv, f->abi_params.data + sd->params,
                         sd->nparams, f->abi_params.data + sd->returns, sd->nreturns, msg,
                         sizeof msg))
        return lw_unsupported(ctx, "%s", msg);
    return true;
}

static void store_outgoing(lower_ctx *ctx, ra_vreg v, const abi_part *p) {
    x64_addr a = {X64_MK_OUTGOING, CLIF_NONE, CLIF_NONE, X64_RSP, 0, (int32_t)p->offset, 0, 0};
    x64_build b;
    if (p->rclass == RA_CLASS_FLOAT)
        xb_form(&b, x64_xmm_store_form(x64_bytes(p->type)));
    else
        xb_form(&b, X64_MOV_RM64_R64);
    xb_mem(&b, 0, &a);
    xb_reg(&b, 1, xb_use(&b, v));
    xb_emit(ctx, &b);
}

/* The vregs of call result i: its value, or for try_call the vregs its
 * normal successor receives as retN. */
/* Puts the call's arguments where the signature wants them: extended as
 * its parameters say, copied to fixed registers on `b`, or stored to the
 * outgoing argument area. */
static void put_call_args(lower_ctx *ctx, clif_inst inst, uint32_t first, uint32_t nargs,
                          const abi_sig *s, x64_build *b) {
    for (uint32_t i = 0; i < nargs; i++) {
        clif_value v = lw_arg(ctx, inst, first + i);
        const abi_value *av = &s->args.data[i];
        ra_vreg regs[2];
        lw_put_in_regs(ctx, v, regs);
        clif_type t = lw_type(ctx, v);
        if (av->ext != CLIF_EXT_NONE && clif_type_is_int(t) && x64_bytes(t) < 8)
            regs[0] = x64_extended(ctx, regs[0], x64_bytes(t), av->ext == CLIF_EXT_SEXT);
        for (uint32_t k = 0; k < av->nparts; k++) {
            if (av->parts[k].kind == ABI_REG)
                x64_copy_to_fixed(ctx, b, regs[k], av->parts[k].reg);
            else
                store_outgoing(ctx, regs[k], &av->parts[k]);
        }
    }
}

static void result_regs(lower_ctx *ctx, clif_inst inst, bool try_, uint32_t i, ra_vreg regs[2]) {
    if (try_)
        lw_call_ret_regs(ctx, inst, i, regs);
    else
        lw_output_regs(ctx, lw_result(ctx, inst, i), regs);
}

static bool lower_call(lower_ctx *ctx, clif_inst inst, bool indirect) {
    abi_sig s;
    abi_sig_init(&s);
    if (!call_sig(ctx, inst, &s)) {
        abi_sig_free(&s);
        return false;
    }
    clif_opcode op = lw_opcode(ctx, inst);
    bool try_ = op == CLIF_OP_TRY_CALL || op == CLIF_OP_TRY_CALL_INDIRECT;
    if (try_ && s.has_ret_area) {
        abi_sig_free(&s);
        return lw_unsupported(ctx, "unsupported: try_call returning values on the stack");
    }
    uint32_t first = indirect ? 1 : 0;
    uint32_t nargs = lw_num_args(ctx, inst) - first;
    if (nargs != s.args.len) {
        abi_sig_free(&s);
        return lw_unsupported(ctx, "unsupported: call with %u arguments for %u parameters", nargs,
                              s.args.len);
    }
    uint32_t stack_args = (s.stack_args + 7) & ~7u;
    lw_need_outgoing(ctx, abi_call_stack_size(&s));

    x64_build b;
    xb_init(&b, X64_V_CALL);
    const ext_func_data *ef = NULL;
    if (indirect) {
        b.v.flags = 1;
        xb_reg(&b, 0, xb_use(&b, lw_put_in_reg(ctx, lw_arg(ctx, inst, 0))));
    } else {
        /* try_call keeps its callee in imm (ent is the exception table). */
        uint32_t fr = try_ ? (uint32_t)lw_data(ctx, inst)->imm : lw_data(ctx, inst)->ent;
        if (fr >= ctx->f->ext_funcs.len) {
            abi_sig_free(&s);
            return lw_unsupported(ctx, "unsupported: call of an invalid function reference");
        }
        ef = &ctx->f->ext_funcs.data[fr];
        b.v.flags = ef->colocated ? 2 : 0;
        b.v.a = fr;
    }
    b.v.b = s.conv->callee_pops ? stack_args : 0;
    if (try_) {
        b.v.flags |= 8;
        b.v.imm = lw_data(ctx, inst)->ent;
        b.flags = RA_INST_BRANCH;
    }

    put_call_args(ctx, inst, first, nargs, &s, &b);
    if (s.has_ret_area) {
        /* The return area sits above the outgoing arguments. */
        ra_vreg p = lw_temp(ctx, RA_CLASS_INT, CLIF_I64);
        x64_addr a = {X64_MK_OUTGOING, CLIF_NONE, CLIF_NONE, X64_RSP, 0, (int32_t)stack_args, 0, 0};
        x64_build lb;
        xb_form(&lb, X64_LEA_R64_M);
        xb_mem(&lb, 1, &a);
        xb_reg(&lb, 0, xb_def(&lb, p));
        xb_emit(ctx, &lb);
        if (s.ret_area_ptr.kind == ABI_REG)
            x64_copy_to_fixed(ctx, &b, p, s.ret_area_ptr.reg);
        else
            store_outgoing(ctx, p, &s.ret_area_ptr);
    }

    ra_pregset clob = s.conv->call_clobbers;
    /* Stack-returned parts are loaded after the call. */
    if (try_) {
        /* An exception lands with every register but the frame's lost. */
        ra_machine m;
        x64_machine(ctx->isa, &m);
        for (int rc = 0; rc < RA_NUM_CLASSES; rc++)
            for (uint32_t i = 0; i < m.num_regs[rc]; i++)
                pregset_add(&clob, m.regs[rc][i]);
    }
    uint32_t nres = try_ ? s.rets.len : lw_num_results(ctx, inst);
    for (uint32_t i = 0; i < nres && i < s.rets.len; i++) {
        ra_vreg regs[2];
        result_regs(ctx, inst, try_, i, regs);
        const abi_value *av = &s.rets.data[i];
        for (uint32_t k = 0; k < av->nparts; k++) {
            if (av->parts[k].kind != ABI_REG) continue;
            xb_op(&b, ra_def_fixed(regs[k], av->parts[k].reg));
            clob.bits[av->parts[k].reg >> 6] &= ~((uint64_t)1 << (av->parts[k].reg & 63));
        }
    }
    b.clobbers = clob;
    b.has_clobbers = true;
    xb_emit(ctx, &b);

    for (uint32_t i = 0; i < nres && i < s.rets.len; i++) {
        ra_vreg regs[2];
        lw_output_regs(ctx, lw_result(ctx, inst, i), regs);
        const abi_value *av = &s.rets.data[i];
        for (uint32_t k = 0; k < av->nparts; k++) {
            const abi_part *p = &av->parts[k];
            if (p->kind == ABI_REG) continue;
            x64_addr a = {X64_MK_OUTGOING,
                          CLIF_NONE,
                          CLIF_NONE,
                          X64_RSP,
                          0,
                          (int32_t)(stack_args + p->offset),
                          0,
                          0};
            x64_build lb;
            if (p->rclass == RA_CLASS_FLOAT)
                xb_form(&lb, x64_xmm_load_form(x64_bytes(p->type)));
            else
                xb_form(&lb, X64_MOV_R64_RM64);
            xb_mem(&lb, 1, &a);
            xb_reg(&lb, 0, xb_def(&lb, regs[k]));
            xb_emit(ctx, &lb);
        }
    }
    abi_sig_free(&s);
    return true;
}

static bool lower_return_call(lower_ctx *ctx, clif_inst inst, bool indirect) {
    abi_sig s;
    abi_sig_init(&s);
    if (!call_sig(ctx, inst, &s)) {
        abi_sig_free(&s);
        return false;
    }
    uint32_t first = indirect ? 1 : 0;
    uint32_t nargs = lw_num_args(ctx, inst) - first;
    uint32_t n_g = (s.stack_args + 7) & ~7u, n_f = (ctx->sig.stack_args + 7) & ~7u;
    uint32_t pops_g = s.conv->callee_pops ? n_g : 0;
    uint32_t pops_f = ctx->sig.conv->callee_pops ? n_f : 0;
    if ((n_g && !pops_g) || nargs != s.args.len || s.conv->shadow_space ||
        ctx->sig.conv->shadow_space || s.has_ret_area != ctx->sig.has_ret_area) {
        abi_sig_free(&s);
        return lw_unsupported(ctx, "unsupported: %s with this signature on x86_64",
                              clif_opcode_info_of(lw_opcode(ctx, inst))->name);
    }
    /* The frame must be big enough that the staged arguments (at its
     * bottom) and their destination (near its top) do not overlap. */
    lw_need_outgoing(ctx, n_g > n_f ? 2 * n_g - n_f + 16 : n_g);

    x64_build b;
    xb_init(&b, X64_V_RETURN_CALL);
    b.flags = RA_INST_RET;
    if (indirect) {
        b.v.flags = 1;
        x64_copy_to_fixed(ctx, &b, lw_put_in_reg(ctx, lw_arg(ctx, inst, 0)), X64_RAX);
    } else {
        uint32_t fr = lw_data(ctx, inst)->ent;
        b.v.flags = ctx->f->ext_funcs.data[fr].colocated ? 2 : 0;
        b.v.a = fr;
    }
    b.v.b = n_g;
    b.v.imm = (int64_t)pops_f - (int64_t)pops_g;
    put_call_args(ctx, inst, first, nargs, &s, &b);
    if (s.has_ret_area) {
        /* The callee writes its stack results where our caller expects ours. */
        if (ctx->ret_area == CLIF_NONE) ctx->ret_area = lw_temp(ctx, RA_CLASS_INT, CLIF_I64);
        if (s.ret_area_ptr.kind == ABI_REG)
            x64_copy_to_fixed(ctx, &b, ctx->ret_area, s.ret_area_ptr.reg);
        else
            store_outgoing(ctx, ctx->ret_area, &s.ret_area_ptr);
    }
    xb_emit(ctx, &b);
    abi_sig_free(&s);
    return true;
}

bool x64_lower_libcall(lower_ctx *ctx, libcall lc, const ra_vreg *args, uint32_t nargs,
                       ra_vreg dst) {
    const abi_callconv *conv = x64_callconv(ctx->isa, CLIF_CC_SYSTEM_V);
    if (nargs > conv->num_float_args) return lw_unsupported(ctx, "unsupported: libcall arguments");
    x64_build b;
    xb_init(&b, X64_V_CALL);
    b.v.flags = 4;
    b.v.a = (uint32_t)lc;
    for (uint32_t i = 0; i < nargs; i++)
        x64_copy_to_fixed(ctx, &b, args[i], conv->float_args[i]);
    xb_op(&b, ra_def_fixed(dst, conv->float_rets[0]));
    b.clobbers = conv->call_clobbers;
    b.clobbers.bits[0] &= ~((uint64_t)1 << conv->float_rets[0]);
    b.has_clobbers = true;
    lw_need_outgoing(ctx, 0);
    xb_emit(ctx, &b);
    return true;
}

bool x64_lower_call(lower_ctx *ctx, clif_inst inst) {
    clif_opcode op = lw_opcode(ctx, inst);
    const inst_data *d = lw_data(ctx, inst);
    switch (op) {
    case CLIF_OP_CALL: return lower_call(ctx, inst, false);
    case CLIF_OP_CALL_INDIRECT: return lower_call(ctx, inst, true);
    case CLIF_OP_TRY_CALL: return lower_call(ctx, inst, false);
    case CLIF_OP_TRY_CALL_INDIRECT: return lower_call(ctx, inst, true);
    case CLIF_OP_RETURN_CALL: return lower_return_call(ctx, inst, false);
    case CLIF_OP_RETURN_CALL_INDIRECT: return lower_return_call(ctx, inst, true);
    case CLIF_OP_FUNC_ADDR: {
        x64_build b;
        xb_form(&b, X64_MOVABS_R64_IMM64);
        b.v.in.ops[1] = x64_sym(MC_RELOC_ABS8, MC_TARGET_FUNC, d->ent, 0);
        xb_reg(&b, 0, xb_def(&b, lw_output_reg(ctx, lw_result(ctx, inst, 0))));
        xb_emit(ctx, &b);
        return true;
    }
    case CLIF_OP_SYMBOL_VALUE: {
        if (d->ent >= ctx->f->gvs.len || ctx->f->gvs.data[d->ent].kind != CLIF_GV_SYMBOL)
            return lw_unsupported(ctx, "unsupported: symbol_value of a non-symbol global value");
        const gv_data *g = &ctx->f->gvs.data[d->ent];
        if (g->tls) return lw_unsupported(ctx, "unsupported: thread-local symbols on x86_64");
        x64_build b;
        xb_form(&b, X64_MOVABS_R64_IMM64);
        b.v.in.ops[1] = x64_sym(MC_RELOC_ABS8, MC_TARGET_SYMBOL, d->ent, g->offset);
        xb_reg(&b, 0, xb_def(&b, lw_output_reg(ctx, lw_result(ctx, inst, 0))));
        xb_emit(ctx, &b);
        return true;
    }
    default: break;
    }
    return lw_unsupported(ctx, "unsupported: %s on x86_64", clif_opcode_info_of(op)->name);
}
