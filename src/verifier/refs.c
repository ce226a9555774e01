/* Entity references: value lists and tables in range, preamble entities that
 * name valid ones, alias and global-value chains without cycles, and the
 * entities and values every instruction names. */
#include "verifier/vf.h"

#include <stdio.h>
#include <stdlib.h>

static bool sig_ok(const clif_func *f, clif_sig_ref s) {
    return s < f->sigs.len && f->sigs.data[s].used;
}
static bool gv_ok(const clif_func *f, clif_global_value g) {
    return g < f->gvs.len && f->gvs.data[g].used;
}
static bool fn_ok(const clif_func *f, clif_func_ref r) {
    return r < f->ext_funcs.len && f->ext_funcs.data[r].used;
}
static bool const_ok(const clif_func *f, clif_constant c) {
    return c < f->constants.len && f->constants.data[c].used;
}
static bool slot_ok(const clif_func *f, clif_stack_slot s, uint8_t kind) {
    return s < f->stack_slots.len && f->stack_slots.data[s].used &&
           f->stack_slots.data[s].kind == kind;
}

/* ---- Ranges ---- */

static void check_inst_ranges(vf_ctx *cx) {
    const clif_func *f = cx->f;
    if (f->inodes.len < f->insts.len) {
        vf_fatal(cx, CLIF_NONE, CLIF_NONE, "function: %u instructions but %u layout nodes",
                 f->insts.len, f->inodes.len);
        return;
    }
    for (clif_inst i = 0; i < f->insts.len; i++) {
        const inst_data *d = &f->insts.data[i];
        if (d->opcode == CLIF_OP_INVALID || d->opcode >= CLIF_OP_COUNT) {
            vf_fatal(cx, i, CLIF_NONE, "invalid opcode %u", (unsigned)d->opcode);
            continue;
        }
        if (!ir_range_ok(d->args, d->nargs, f->pool.len))
            vf_fatal(cx, i, CLIF_NONE, "argument list out of range");
        if (!ir_range_ok(d->results, d->nresults, f->pool.len))
            vf_fatal(cx, i, CLIF_NONE, "result list out of range");
        uint8_t fmt = vf_info(d)->format;
        if ((fmt == CLIF_FMT_JUMP && !ir_range_ok(d->ent, 1, f->block_calls.len)) ||
            (fmt == CLIF_FMT_BRIF && !ir_range_ok(d->ent, 2, f->block_calls.len)))
            vf_fatal(cx, i, CLIF_NONE, "block call out of range");
    }
}

static bool sig_ranges_ok(const clif_func *f, const sig_data *s) {
    return ir_range_ok(s->params, s->nparams, f->abi_params.len) &&
           ir_range_ok(s->returns, s->nreturns, f->abi_params.len);
}

static bool name_ok(const clif_func *f, const name_data *nm) {
    return nm->kind != CLIF_NAME_TESTCASE || nm->str < f->strings.len;
}

void vf_check_ranges(vf_ctx *cx) {
    const clif_func *f = cx->f;
    check_inst_ranges(cx);
    if (cx->fatal) return;
    for (clif_block b = 0; b < f->blocks.len; b++)
        if (!ir_range_ok(f->blocks.data[b].params, f->blocks.data[b].nparams, f->pool.len))
            vf_fatal(cx, CLIF_NONE, b, "parameter list out of range");
    for (uint32_t k = 0; k < f->block_calls.len; k++)
        if (!ir_range_ok(f->block_calls.data[k].args, f->block_calls.data[k].nargs, f->pool.len))
            vf_fatal(cx, CLIF_NONE, CLIF_NONE, "block call %u: argument list out of range", k);
    for (uint32_t k = 0; k < f->jump_tables.len; k++)
        if (!ir_range_ok(f->jump_tables.data[k].calls, f->jump_tables.data[k].ncalls,
                         f->block_calls.len) ||
            f->jump_tables.data[k].ncalls == 0)
            vf_fatal(cx, CLIF_NONE, CLIF_NONE, "jt%u: block call list out of range", k);
    if (!sig_ranges_ok(f, &f->sig))
        vf_fatal(cx, CLIF_NONE, CLIF_NONE, "function: signature out of range");
    for (uint32_t k = 0; k < f->sigs.len; k++)
        if (!sig_ranges_ok(f, &f->sigs.data[k]))
            vf_fatal(cx, CLIF_NONE, CLIF_NONE, "sig%u: parameter list out of range", k);
    for (uint32_t k = 0; k < f->extables.len; k++) {
        const extable_data *et = &f->extables.data[k];
        bool ok = et->normal < f->block_calls.len &&
                  ir_range_ok(et->items, et->nitems, f->extable_items.len);
        for (uint32_t j = 0; ok && j < et->nitems; j++) {
            const extable_item *it = &f->extable_items.data[et->items + j];
            ok = it->kind <= EXI_CONTEXT &&
                 (it->kind == EXI_CONTEXT || it->call < f->block_calls.len);
        }
        if (!ok) vf_fatal(cx, CLIF_NONE, CLIF_NONE, "extable%u: entries out of range", k);
    }
    for (uint32_t k = 0; k < f->constants.len; k++)
        if (!ir_range_ok(f->constants.data[k].bytes, f->constants.data[k].len, f->const_bytes.len))
            vf_fatal(cx, CLIF_NONE, CLIF_NONE, "const%u: data out of range", k);
    if (!name_ok(f, &f->name)) vf_fatal(cx, CLIF_NONE, CLIF_NONE, "function: name out of range");
    for (uint32_t k = 0; k < f->ext_funcs.len; k++)
        if (!name_ok(f, &f->ext_funcs.data[k].name))
            vf_fatal(cx, CLIF_NONE, CLIF_NONE, "fn%u: name out of range", k);
    for (uint32_t k = 0; k < f->gvs.len; k++)
        if (f->gvs.data[k].kind == CLIF_GV_SYMBOL && !name_ok(f, &f->gvs.data[k].name))
            vf_fatal(cx, CLIF_NONE, CLIF_NONE, "gv%u: name out of range", k);
    if (!cx->fatal) cx->texts_ok = true;
}

/* ---- Preamble ---- */

/* Aliases point at defined values, without cycles, with the same type. */
static void check_aliases(vf_ctx *cx) {
    const clif_func *f = cx->f;
    enum { NEW, ON_PATH, DONE, DONE_BAD };
    uint8_t *state = cl_xcalloc((size_t)f->values.len + 1, 1);
    ir_u32vec *path = &cx->uses;
    for (clif_value v = 0; v < f->values.len; v++) {
        if (f->values.data[v].kind != VK_ALIAS || state[v] != NEW) continue;
        vec_clear(*path);
        clif_value x = v;
        bool bad = false;
        for (;;) {
            if (x >= f->values.len || f->values.data[x].kind == VK_UNUSED) {
                clif_value a = path->data[path->len - 1];
                vf_report(cx, CLIF_NONE, CLIF_NONE, "v%u: alias to invalid value v%u", a, x);
                bad = true;
                break;
            }
            if (f->values.data[x].kind != VK_ALIAS || state[x] == DONE) break;
            if (state[x] == DONE_BAD) {
                bad = true;
                break;
            }
            if (state[x] == ON_PATH) {
                vf_report(cx, CLIF_NONE, CLIF_NONE, "v%u: alias cycle", x);
                bad = true;
                break;
            }
            state[x] = ON_PATH;
            vec_push(*path, x);
            x = f->values.data[x].owner;
        }
        for (uint32_t k = 0; k < path->len; k++)
            state[path->data[k]] = bad ? DONE_BAD : DONE;
        if (bad) continue;
        x = ir_resolve(f, x); /* the rest of the chain is known to end */
        for (uint32_t k = 0; k < path->len; k++) {
            clif_value a = path->data[k];
            clif_type t = f->values.data[a].type, rt = f->values.data[x].type;
            if (t != CLIF_TYPE_INVALID && t != rt)
                vf_report(cx, CLIF_NONE, CLIF_NONE, "v%u: alias of type %s for v%u of type %s", a,
                          vf_type(t).s, x, vf_type(rt).s);
        }
    }
    free(state);
}

static bool has_vmctx_param(const clif_func *f) {
    for (uint32_t k = 0; k < f->sig.nparams; k++)
        if (f->abi_params.data[f->sig.params + k].purpose == CLIF_ARG_VMCTX) return true;
    return false;
}

/* Reports the first global value chain that loops, listing the chain from
 * its start as Cranelift does. */
static void check_gv_cycles(vf_ctx *cx) {
    const clif_func *f = cx->f;
    uint8_t *state = cl_xcalloc((size_t)f->gvs.len + 1, 1); /* 0 new, 1 on path, 2 done */
    ir_u32vec *path = &cx->uses;
    bool cycle_seen = false;
    for (clif_global_value g = 0; g < f->gvs.len; g++) {
        if (!f->gvs.data[g].used || state[g]) continue;
        vec_clear(*path);
        bool cycle = false;
        for (clif_global_value x = g;;) {
            state[x] = 1;
            vec_push(*path, x);
            uint8_t k = f->gvs.data[x].kind;
            if (k != CLIF_GV_LOAD && k != CLIF_GV_IADD_IMM) break;
            x = f->gvs.data[x].base; /* valid: bases were checked */
            if (state[x] == 2) break;
            if (state[x] == 1) {
                cycle = true;
                break;
            }
        }
        if (cycle && !cycle_seen) {
            char list[200];
            size_t n = 0;
            uint32_t k = 0;
            for (; k < path->len && n + 16 < sizeof list; k++)
                n += (size_t)snprintf(list + n, sizeof list - n, "%sgv%u", k ? ", " : "",
                                      path->data[k]);
            vf_report(cx, CLIF_NONE, CLIF_NONE, "gv%u: global value cycle: [%s%s]", g, list,
                      k < path->len ? ", ..." : "");
            cycle_seen = true;
        }
        for (uint32_t k = 0; k < path->len; k++)
            state[path->data[k]] = 2;
    }
    free(state);
}

static void check_gvs(vf_ctx *cx) {
    const clif_func *f = cx->f;
    bool bases_ok = true;
    for (clif_global_value g = 0; g < f->gvs.len; g++) {
        const gv_data *d = &f->gvs.data[g];
        if (!d->used) continue;
        if (d->kind > CLIF_GV_DYN_SCALE) {
            vf_report(cx, CLIF_NONE, CLIF_NONE, "gv%u: invalid kind %u", g, d->kind);
            bases_ok = false;
            continue;
        }
        if (d->kind == CLIF_GV_LOAD || d->kind == CLIF_GV_IADD_IMM) {
            if (!gv_ok(f, d->base)) {
                vf_report(cx, CLIF_NONE, CLIF_NONE, "gv%u: invalid base global value gv%u", g,
                          d->base);
                bases_ok = false;
                continue;
            }
        }
        switch (d->kind) {
        case CLIF_GV_VMCTX:
            if (!has_vmctx_param(f))
                vf_report(cx, CLIF_NONE, CLIF_NONE, "gv%u: undeclared vmctx reference gv%u", g, g);
            break;
        case CLIF_GV_IADD_IMM: {
            clif_type bt = vf_gv_type(cx, d->base);
            if (!clif_type_is_int(d->type) || clif_type_is_vector(d->type))
                vf_report(cx, CLIF_NONE, CLIF_NONE,
                          "gv%u: iadd_imm global value with non-int type %s", g,
                          vf_type(d->type).s);
            else if (bt != CLIF_TYPE_INVALID && bt != d->type)
                vf_report(cx, CLIF_NONE, CLIF_NONE,
                          "gv%u: iadd_imm type %s differs from operand type %s", g,
                          vf_type(d->type).s, vf_type(bt).s);
            break;
        }
        case CLIF_GV_LOAD:
            if (d->type == CLIF_TYPE_INVALID)
                vf_report(cx, CLIF_NONE, CLIF_NONE, "gv%u: load global value without a type", g);
            break;
        case CLIF_GV_DYN_SCALE:
            if (!clif_type_is_vector(d->type) || clif_type_is_dynamic(d->type))
                vf_report(cx, CLIF_NONE, CLIF_NONE,
                          "gv%u: dyn_scale_target_const needs a vector type, not %s", g,
                          vf_type(d->type).s);
            break;
        default: break;
        }
    }
    if (bases_ok) check_gv_cycles(cx);
}

static void check_slots_and_types(vf_ctx *cx) {
    const clif_func *f = cx->f;
    for (clif_stack_slot s = 0; s < f->stack_slots.len; s++) {
        const stack_slot_data *d = &f->stack_slots.data[s];
        if (!d->used) continue;
        if (d->kind == CLIF_SS_EXPLICIT_DYNAMIC) {
            if (d->dyn_type >= f->dyn_types.len || !f->dyn_types.data[d->dyn_type].used)
                vf_report(cx, CLIF_NONE, CLIF_NONE, "dss%u: invalid dynamic type dt%u", s,
                          d->dyn_type);
        } else if (d->kind != CLIF_SS_EXPLICIT) {
            vf_report(cx, CLIF_NONE, CLIF_NONE, "ss%u: invalid kind %u", s, d->kind);
        }
    }
    for (clif_dyn_type t = 0; t < f->dyn_types.len; t++) {
        const dyn_type_data *d = &f->dyn_types.data[t];
        if (!d->used) continue;
        if (!clif_type_is_vector(d->base) || clif_type_is_dynamic(d->base))
            vf_report(cx, CLIF_NONE, CLIF_NONE, "dt%u: base type %s is not a vector type", t,
                      vf_type(d->base).s);
        if (!gv_ok(f, d->scale))
            vf_report(cx, CLIF_NONE, CLIF_NONE, "dt%u: invalid global value gv%u", t, d->scale);
        else if (f->gvs.data[d->scale].kind != CLIF_GV_DYN_SCALE)
            vf_report(cx, CLIF_NONE, CLIF_NONE, "dt%u: gv%u is not a dyn_scale_target_const", t,
                      d->scale);
    }
}

static void check_sigs_and_funcs(vf_ctx *cx) {
    const clif_func *f = cx->f;
    for (clif_sig_ref s = 0; s < f->sigs.len; s++) {
        const sig_data *d = &f->sigs.data[s];
        if (!d->used) continue;
        if (d->callconv >= CLIF_CC_COUNT)
            vf_report(cx, CLIF_NONE, CLIF_NONE, "sig%u: invalid calling convention %u", s,
                      d->callconv);
        for (uint32_t k = 0; k < d->nparams + d->nreturns; k++) {
            bool is_param = k < d->nparams;
            uint32_t pos = is_param ? k : k - d->nparams;
            clif_type t = f->abi_params.data[(is_param ? d->params : d->returns) + pos].type;
            if (t == CLIF_TYPE_INVALID)
                vf_report(cx, CLIF_NONE, CLIF_NONE, "sig%u: %s at position %u has an invalid type",
                          s, is_param ? "Parameter" : "Return value", pos);
        }
    }
    for (clif_func_ref r = 0; r < f->ext_funcs.len; r++) {
        const ext_func_data *d = &f->ext_funcs.data[r];
        if (d->used && !sig_ok(f, d->sig))
            vf_report(cx, CLIF_NONE, CLIF_NONE, "fn%u: invalid signature reference sig%u", r,
                      d->sig);
    }
    if (f->stack_limit != CLIF_NONE && !gv_ok(f, f->stack_limit))
        vf_report(cx, CLIF_NONE, CLIF_NONE, "function: invalid stack_limit global value gv%u",
                  f->stack_limit);
}

void vf_check_preamble(vf_ctx *cx) {
    check_aliases(cx);
    check_gvs(cx);
    check_slots_and_types(cx);
    check_sigs_and_funcs(cx);
}

static const char *const ext_names[] = {"None", "Uext", "Sext"};

void vf_check_signature(vf_ctx *cx) {
    const clif_func *f = cx->f;
    const sig_data *s = &f->sig;
    if (s->callconv >= CLIF_CC_COUNT)
        vf_report(cx, CLIF_NONE, CLIF_NONE, "function: invalid calling convention %u", s->callconv);
    for (uint32_t k = 0; k < s->nparams + s->nreturns; k++) {
        bool is_param = k < s->nparams;
        uint32_t pos = is_param ? k : k - s->nparams;
        const clif_abi_param *p = &f->abi_params.data[(is_param ? s->params : s->returns) + pos];
        const char *item = is_param ? "Parameter" : "Return value";
        if (p->type == CLIF_TYPE_INVALID)
            vf_report(cx, CLIF_NONE, CLIF_NONE, "function: %s at position %u has an invalid type",
                      item, pos);
        if (!is_param && p->purpose == CLIF_ARG_STRUCT)
            vf_report(cx, CLIF_NONE, CLIF_NONE,
                      "function: %s at position %u can't be an struct argument", item, pos);
        if (p->ext != CLIF_EXT_NONE && !clif_type_is_int(p->type))
            vf_report(cx, CLIF_NONE, CLIF_NONE,
                      "function: %s at position %u has invalid extension %s", item, pos,
                      p->ext < 3 ? ext_names[p->ext] : "invalid");
    }
}

/* ---- Instructions ---- */

void vf_collect_uses(vf_ctx *cx, const inst_data *d) {
    const clif_func *f = cx->f;
    vec_clear(cx->uses);
    for (uint32_t k = 0; k < d->nargs; k++)
        vec_push(cx->uses, vf_args(f, d)[k]);
    vec_clear(cx->scratch);
    ir_branch_calls(f, d, &cx->scratch);
    for (uint32_t c = 0; c < cx->scratch.len; c++) {
        const block_call *bc = &f->block_calls.data[cx->scratch.data[c]];
        for (uint32_t k = 0; k < bc->nargs; k++) {
            uint32_t a = f->pool.data[bc->args + k];
            if (CLIF_BLOCKARG_IS_VALUE(a)) vec_push(cx->uses, a);
        }
    }
    uint8_t fmt = vf_info(d)->format;
    if ((fmt == CLIF_FMT_TRY_CALL || fmt == CLIF_FMT_TRY_CALL_INDIRECT) &&
        d->ent < f->extables.len) {
        const extable_data *et = &f->extables.data[d->ent];
        for (uint32_t k = 0; k < et->nitems; k++) {
            const extable_item *it = &f->extable_items.data[et->items + k];
            if (it->kind == EXI_CONTEXT) vec_push(cx->uses, it->call);
        }
    }
}

/* The entity operand of instruction i names something that exists. */
static void check_entity(vf_ctx *cx, clif_inst i, const inst_data *d) {
    const clif_func *f = cx->f;
    uint32_t e = d->ent;
    switch (vf_info(d)->format) {
    case CLIF_FMT_CALL:
    case CLIF_FMT_FUNC_ADDR:
        if (!fn_ok(f, e)) vf_fatal(cx, i, CLIF_NONE, "invalid function reference fn%u", e);
        break;
    case CLIF_FMT_CALL_INDIRECT:
        if (!sig_ok(f, e)) vf_fatal(cx, i, CLIF_NONE, "invalid signature reference sig%u", e);
        break;
    case CLIF_FMT_TRY_CALL:
    case CLIF_FMT_TRY_CALL_INDIRECT:
        /* try_call names its callee in imm, its exception table in ent. */
        if (vf_info(d)->format == CLIF_FMT_TRY_CALL &&
            (d->imm > UINT32_MAX || !fn_ok(f, (clif_func_ref)d->imm)))
            vf_fatal(cx, i, CLIF_NONE, "invalid function reference fn%llu",
                     (unsigned long long)d->imm);
        else if (e >= f->extables.len)
            vf_fatal(cx, i, CLIF_NONE, "invalid exception table reference extable%u", e);
        else if (!sig_ok(f, f->extables.data[e].sig))
            vf_fatal(cx, i, CLIF_NONE, "invalid signature reference sig%u",
                     f->extables.data[e].sig);
        break;
    case CLIF_FMT_STACK_LOAD:
        if (!slot_ok(f, e, CLIF_SS_EXPLICIT))
            vf_fatal(cx, i, CLIF_NONE, "invalid stack slot ss%u", e);
        break;
    case CLIF_FMT_DYNAMIC_STACK_LOAD:
        if (!slot_ok(f, e, CLIF_SS_EXPLICIT_DYNAMIC))
            vf_fatal(cx, i, CLIF_NONE, "invalid dynamic stack slot dss%u", e);
        break;
    case CLIF_FMT_UNARY_GV:
        if (!gv_ok(f, e)) vf_fatal(cx, i, CLIF_NONE, "invalid global value gv%u", e);
        break;
    case CLIF_FMT_UNARY_CONST:
    case CLIF_FMT_SHUFFLE:
        if (!const_ok(f, e)) vf_fatal(cx, i, CLIF_NONE, "invalid constant reference const%u", e);
        break;
    case CLIF_FMT_BRANCH_TABLE:
        if (e >= f->jump_tables.len)
            vf_fatal(cx, i, CLIF_NONE, "invalid jump table reference jt%u", e);
        break;
    case CLIF_FMT_EXCEPTION_HANDLER_ADDRESS:
        if (e >= f->blocks.len || !f->blocks.data[e].in_layout)
            vf_fatal(cx, i, CLIF_NONE, "invalid block reference block%u", e);
        break;
    default: break;
    }
}

/* The number of results the opcode (or the callee's signature) asks for. */
static uint32_t expected_results(const clif_func *f, const inst_data *d) {
    const clif_opcode_info *info = vf_info(d);
    if ((info->flags & CLIF_OPF_CALL) && !(info->flags & CLIF_OPF_TERM))
        return f->sigs.data[ir_inst_call_sig(f, d)].nreturns;
    return info->nresults;
}

void vf_check_inst_refs(vf_ctx *cx, clif_inst i) {
    const clif_func *f = cx->f;
    const inst_data *d = &f->insts.data[i];
    const clif_opcode_info *info = vf_info(d);
    check_entity(cx, i, d);
    if (cx->fatal) return;

    uint32_t nfixed = ir_num_fixed_args((clif_opcode)d->opcode);
    bool varargs = (info->flags & CLIF_OPF_CALL) || d->opcode == CLIF_OP_RETURN;
    if (varargs ? d->nargs < nfixed : d->nargs != nfixed) {
        vf_fatal(cx, i, CLIF_NONE, "expected %s%u value operands, found %u",
                 varargs ? "at least " : "", nfixed, d->nargs);
        return;
    }

    vf_collect_uses(cx, d);
    for (uint32_t k = 0; k < cx->uses.len; k++)
        if (!vf_value_ok(f, cx->uses.data[k])) {
            vf_fatal(cx, i, CLIF_NONE, "invalid value reference v%u", cx->uses.data[k]);
            return;
        }

    for (uint32_t k = 0; k < d->nresults; k++) {
        clif_value v = f->pool.data[d->results + k];
        if (v >= f->values.len) {
            vf_fatal(cx, i, CLIF_NONE, "invalid value reference v%u", v);
            return;
        }
        const value_data *vd = &f->values.data[v];
        if (vd->kind != VK_RESULT || vd->owner != i || vd->num != k) {
            vf_fatal(cx, i, CLIF_NONE, "instruction result v%u is not defined by the instruction",
                     v);
            return;
        }
    }
    uint32_t want = expected_results(f, d);
    if (want != d->nresults)
        vf_fatal(cx, i, CLIF_NONE, "expected %u result values, found %u", want, d->nresults);
}
