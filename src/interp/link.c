/* Linking for the interpreter: preparing functions (frame layout, checked
 * references), resolving names to callable targets and function addresses. */
#include <stdlib.h>
#include <string.h>

#include "clif/verifier.h"
#include "interp/interp.h"

static clif_error *bad(const clif_func *f, const char *what) {
    clif_location loc = {NULL, 0, 0};
    (void)f;
    return clif_error_new(CLIF_ERR_ARGUMENT, loc, "interpreter: malformed function: %s", what);
}

static bool value_ok(const clif_func *f, uint32_t v) {
    if (v >= f->values.len) return false;
    clif_value r = ir_resolve(f, v);
    return r < f->values.len && f->values.data[r].kind != VK_ALIAS;
}

static clif_error *check_block_call(const clif_func *f, uint32_t bc, bool allow_refs) {
    if (bc >= f->block_calls.len) return bad(f, "block call out of range");
    const block_call *c = &f->block_calls.data[bc];
    if (c->block >= f->blocks.len || !ir_range_ok(c->args, c->nargs, f->pool.len))
        return bad(f, "branch target out of range");
    if (!f->blocks.data[c->block].in_layout) return bad(f, "branch to a block outside the layout");
    if (c->nargs != f->blocks.data[c->block].nparams)
        return bad(f, "branch argument count differs from the block's parameters");
    for (uint32_t k = 0; k < c->nargs; k++) {
        uint32_t a = f->pool.data[c->args + k];
        if (CLIF_BLOCKARG_IS_VALUE(a) ? !value_ok(f, a) : !allow_refs)
            return bad(f, "branch argument out of range");
    }
    return NULL;
}

/* Checks every reference the engine follows without further checks. */
static clif_error *validate(const clif_func *f) {
    if (f->first_block >= f->blocks.len) return bad(f, "no entry block");
    uint32_t guard = 0;
    for (clif_block b = f->first_block; b != CLIF_NONE; b = f->blocks.data[b].next) {
        if (b >= f->blocks.len || guard++ > f->blocks.len) return bad(f, "broken block layout");
        const block_data *bd = &f->blocks.data[b];
        if (!ir_range_ok(bd->params, bd->nparams, f->pool.len))
            return bad(f, "block parameters out of range");
        for (uint32_t k = 0; k < bd->nparams; k++)
            if (f->pool.data[bd->params + k] >= f->values.len)
                return bad(f, "block parameter out of range");
        uint32_t iguard = 0;
        for (clif_inst i = bd->first; i != CLIF_NONE; i = f->inodes.data[i].next) {
            if (i >= f->insts.len || i >= f->inodes.len || iguard++ > f->insts.len)
                return bad(f, "broken instruction layout");
            const inst_data *d = &f->insts.data[i];
            if (d->opcode == 0 || d->opcode >= CLIF_OP_COUNT) return bad(f, "invalid opcode");
            if (!ir_range_ok(d->args, d->nargs, f->pool.len) ||
                !ir_range_ok(d->results, d->nresults, f->pool.len))
                return bad(f, "operands out of range");
            for (uint32_t k = 0; k < d->nargs; k++)
                if (!value_ok(f, f->pool.data[d->args + k])) return bad(f, "operand out of range");
            for (uint32_t k = 0; k < d->nresults; k++)
                if (f->pool.data[d->results + k] >= f->values.len)
                    return bad(f, "result out of range");
            if (d->nargs < ir_num_fixed_args((clif_opcode)d->opcode))
                return bad(f, "too few operands");
            clif_error *e = NULL;
            switch (clif_opcode_info_of((clif_opcode)d->opcode)->format) {
            case CLIF_FMT_JUMP: e = check_block_call(f, d->ent, false); break;
            case CLIF_FMT_BRIF:
                e = check_block_call(f, d->ent, false);
                if (!e) e = check_block_call(f, d->ent + 1, false);
                break;
            case CLIF_FMT_BRANCH_TABLE: {
                if (d->ent >= f->jump_tables.len) return bad(f, "jump table out of range");
                const jump_table_data *jt = &f->jump_tables.data[d->ent];
                if (jt->ncalls == 0) return bad(f, "jump table without a default");
                for (uint32_t k = 0; k < jt->ncalls && !e; k++)
                    e = check_block_call(f, jt->calls + k, false);
                break;
            }
            case CLIF_FMT_TRY_CALL:
            case CLIF_FMT_TRY_CALL_INDIRECT: {
                if (d->ent >= f->extables.len) return bad(f, "exception table out of range");
                const extable_data *et = &f->extables.data[d->ent];
                e = check_block_call(f, et->normal, true);
                if (!e && !ir_range_ok(et->items, et->nitems, f->extable_items.len))
                    return bad(f, "exception table items out of range");
                for (uint32_t k = 0; k < et->nitems && !e; k++) {
                    const extable_item *it = &f->extable_items.data[et->items + k];
                    if (it->kind != EXI_CONTEXT) e = check_block_call(f, it->call, true);
                }
                break;
            }
            default: break;
            }
            if (e) return e;
            if ((clif_opcode_info_of((clif_opcode)d->opcode)->flags & CLIF_OPF_CALL) &&
                ir_inst_call_sig(f, d) >= f->sigs.len)
                return bad(f, "call without a signature");
        }
    }
    return NULL;
}

clif_error *in_prepare(clif_interp *in, const clif_func *f, in_prep **out) {
    for (uint32_t i = 0; i < in->preps.len; i++)
        if (in->preps.data[i]->f == f) {
            *out = in->preps.data[i];
            return NULL;
        }
    clif_error *e = validate(f);
    if (e) return e;
    /* The engine trusts operand and result types: a function the verifier
     * rejects is refused, once per function and interpreter. */
    e = clif_verify(f, NULL);
    if (e) return clif_error_context(e, "the interpreter runs only functions that verify");
    in_prep *p = cl_xcalloc(1, sizeof *p);
    p->f = f;
    p->slot_off = cl_xmalloc((f->stack_slots.len + 1) * sizeof *p->slot_off);
    p->callee = cl_xcalloc(f->ext_funcs.len + 1, sizeof *p->callee);
    /* Stack slots in declaration order, each at its alignment. */
    uint64_t off = 0;
    uint32_t align = 16;
    for (uint32_t s = 0; s < f->stack_slots.len; s++) {
        const stack_slot_data *sd = &f->stack_slots.data[s];
        uint64_t size = sd->size;
        uint32_t a = sd->align_shift < 12 ? 1u << sd->align_shift : 1u << 12;
        p->slot_off[s] = UINT32_MAX;
        if (!sd->used) continue;
        if (sd->kind == CLIF_SS_EXPLICIT_DYNAMIC) {
            /* A dynamic slot holds one value of its dynamic type: with a scale
             * of 1, the size of the base vector (see interp.h). */
            if (sd->dyn_type >= f->dyn_types.len) continue;
            size = clif_type_bytes(f->dyn_types.data[sd->dyn_type].base);
            a = 16;
        } else if (sd->kind != CLIF_SS_EXPLICIT) {
            continue;
        }
        if (a > align) align = a;
        off = (off + a - 1) & ~(uint64_t)(a - 1);
        if (off <= IN_STACK_LIMIT) p->slot_off[s] = (uint32_t)off;
        off += size;
    }
    off = (off + 15) & ~(uint64_t)15;
    p->frame_size = off > IN_STACK_LIMIT ? UINT32_MAX : (uint32_t)off;
    p->align = align;
    p->vmctx = -1;
    for (uint32_t k = 0; k < f->sig.nparams; k++)
        if (f->abi_params.data[f->sig.params + k].purpose == CLIF_ARG_VMCTX) {
            p->vmctx = (int32_t)k;
            break;
        }
    /* Types beyond 128 bits (values, or a recorded controlling type of an
     * unverified function) make every instruction check its types. */
    for (uint32_t v = 0; v < f->values.len && !p->wide; v++)
        p->wide = clif_type_bits(f->values.data[v].type) > 128;
    for (uint32_t i = 0; i < f->insts.len && !p->wide; i++)
        p->wide = clif_type_bits(f->insts.data[i].ctrl) > 128;
    vec_push(in->preps, p);
    *out = p;
    return NULL;
}

void in_drop_preps(clif_interp *in) {
    for (uint32_t i = 0; i < in->preps.len; i++) {
        free(in->preps.data[i]->slot_off);
        free(in->preps.data[i]->callee);
        free(in->preps.data[i]);
    }
    in->preps.len = 0;
    in->epoch++;
}

static bool same_name(const clif_func *a, const name_data *an, const clif_func *b,
                      const name_data *bn) {
    if (an->kind != bn->kind) return false;
    if (an->kind == CLIF_NAME_USER) return an->ns == bn->ns && an->index == bn->index;
    return strcmp(ir_str(a, an->str), ir_str(b, bn->str)) == 0;
}

static uint32_t add_target(clif_interp *in, in_target_kind kind, const clif_func *f, int lc) {
    for (uint32_t t = 0; t < in->targets.len; t++) {
        const in_target *x = &in->targets.data[t];
        if (x->kind == kind && x->f == f && x->libcall == lc) return t;
    }
    in_target nt = {(uint8_t)kind, lc, f, NULL, 0};
    vec_push(in->targets, nt);
    return in->targets.len - 1;
}

clif_error *in_resolve_name(clif_interp *in, const clif_func *f, const name_data *n,
                            uint32_t *target) {
    for (uint32_t i = in->funcs.len; i-- > 0;) {
        const clif_func *g = in->funcs.data[i];
        if (same_name(f, n, g, &g->name)) {
            *target = add_target(in, IN_TARGET_FUNC, g, -1);
            return NULL;
        }
    }
    const char *s = ir_str(f, n->str);
    if (n->kind == CLIF_NAME_TESTCASE) {
        int lc = in_libcall_lookup(s);
        if (lc >= 0) {
            *target = add_target(in, IN_TARGET_LIBCALL, NULL, lc);
            return NULL;
        }
    }
    clif_location loc = {NULL, 0, 0};
    if (n->kind == CLIF_NAME_USER)
        return clif_error_new(CLIF_ERR_ARGUMENT, loc,
                              "call to unknown function u%u:%u (not added to the interpreter)",
                              n->ns, n->index);
    return clif_error_new(CLIF_ERR_ARGUMENT, loc,
                          "call to unknown function %%%s (not added to the interpreter)", s);
}

clif_error *in_resolve_callee(clif_interp *in, in_prep *p, clif_func_ref fr, uint32_t *target) {
    const clif_func *f = p->f;
    if (fr >= f->ext_funcs.len) return bad(f, "function reference out of range");
    if (p->callee[fr]) {
        *target = p->callee[fr] - 1;
        return NULL;
    }
    clif_error *e = in_resolve_name(in, f, &f->ext_funcs.data[fr].name, target);
    if (!e) p->callee[fr] = *target + 1;
    return e;
}

uint64_t in_target_address(uint32_t target) {
    return IN_CODE_BASE + IN_CODE_STRIDE * target;
}

uint32_t in_address_target(const clif_interp *in, uint64_t addr) {
    if (addr < IN_CODE_BASE || (addr - IN_CODE_BASE) % IN_CODE_STRIDE) return CLIF_NONE;
    uint64_t t = (addr - IN_CODE_BASE) / IN_CODE_STRIDE;
    return t < in->targets.len ? (uint32_t)t : CLIF_NONE;
}
