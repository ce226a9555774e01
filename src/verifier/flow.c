/* Layout and control flow: well-formed block and instruction lists, block
 * parameters owned by their block, terminators only at block ends, the entry
 * block against the signature, and block calls against their targets. */
#include "verifier/vf.h"

#include <stdio.h>
#include <stdlib.h>

static void check_block_list(vf_ctx *cx, uint8_t *seen) {
    const clif_func *f = cx->f;
    clif_block prev = CLIF_NONE;
    uint32_t n = 0;
    for (clif_block b = f->first_block; b != CLIF_NONE; b = f->blocks.data[b].next) {
        if (b >= f->blocks.len) {
            vf_fatal(cx, CLIF_NONE, CLIF_NONE, "layout: invalid block reference block%u", b);
            return;
        }
        const block_data *bd = &f->blocks.data[b];
        if (seen[b]) {
            vf_fatal(cx, CLIF_NONE, b, "block%u appears twice in the layout", b);
            return;
        }
        seen[b] = 1;
        n++;
        if (!bd->in_layout || bd->prev != prev) {
            vf_fatal(cx, CLIF_NONE, b, "block%u has inconsistent layout links", b);
            return;
        }
        prev = b;
    }
    if (prev != f->last_block) {
        vf_fatal(cx, CLIF_NONE, CLIF_NONE, "layout: the last block is not block%u", prev);
        return;
    }
    for (clif_block b = 0; b < f->blocks.len; b++)
        if (f->blocks.data[b].in_layout && !seen[b]) {
            vf_fatal(cx, CLIF_NONE, b, "block%u is marked as inserted but is not in the layout", b);
            return;
        }
    (void)n;
}

static void check_inst_list(vf_ctx *cx, clif_block b, uint8_t *seen) {
    const clif_func *f = cx->f;
    const block_data *bd = &f->blocks.data[b];
    clif_inst prev = CLIF_NONE;
    for (clif_inst i = bd->first; i != CLIF_NONE; i = f->inodes.data[i].next) {
        if (i >= f->insts.len) {
            vf_fatal(cx, CLIF_NONE, b, "invalid instruction reference inst%u", i);
            return;
        }
        const inst_node *n = &f->inodes.data[i];
        if (seen[i]) {
            vf_fatal(cx, i, b, "instruction appears twice in the layout");
            return;
        }
        seen[i] = 1;
        if (n->block != b) {
            if (n->block == CLIF_NONE)
                vf_fatal(cx, i, b, "should belong to block%u not none", b);
            else
                vf_fatal(cx, i, b, "should belong to block%u not block%u", b, n->block);
            return;
        }
        if (n->prev != prev) {
            vf_fatal(cx, i, b, "inconsistent layout links in block%u", b);
            return;
        }
        prev = i;
    }
    if (prev != bd->last) vf_fatal(cx, CLIF_NONE, b, "the last instruction is not inst%u", prev);
}

/* Parameters of block b are parameters of b, in order. */
static void check_params(vf_ctx *cx, clif_block b) {
    const clif_func *f = cx->f;
    const block_data *bd = &f->blocks.data[b];
    for (uint32_t k = 0; k < bd->nparams; k++) {
        clif_value v = f->pool.data[bd->params + k];
        if (v >= f->values.len) {
            vf_fatal(cx, CLIF_NONE, b, "invalid value reference v%u", v);
            return;
        }
        const value_data *vd = &f->values.data[v];
        if (vd->kind != VK_PARAM) {
            vf_fatal(cx, CLIF_NONE, CLIF_NONE, "v%u: expected an argument, found a result", v);
            return;
        }
        if (vd->owner != b || vd->num != k) {
            vf_fatal(cx, CLIF_NONE, CLIF_NONE, "v%u: does not belong to block%u", v, b);
            return;
        }
    }
}

void vf_check_layout(vf_ctx *cx) {
    const clif_func *f = cx->f;
    uint8_t *bseen = cl_xcalloc((size_t)f->blocks.len + 1, 1);
    uint8_t *iseen = cl_xcalloc((size_t)f->insts.len + 1, 1);
    check_block_list(cx, bseen);
    for (clif_block b = f->first_block; !cx->fatal && b != CLIF_NONE; b = f->blocks.data[b].next) {
        check_inst_list(cx, b, iseen);
        if (!cx->fatal) check_params(cx, b);
    }
    for (clif_inst i = 0; !cx->fatal && i < f->insts.len; i++)
        if (f->inodes.data[i].block != CLIF_NONE && !iseen[i])
            vf_fatal(cx, i, CLIF_NONE, "claims block%u but is not in its instruction list",
                     f->inodes.data[i].block);
    free(bseen);
    free(iseen);
}

void vf_check_entry(vf_ctx *cx) {
    const clif_func *f = cx->f;
    clif_block b = f->first_block;
    if (b == CLIF_NONE) return;
    const block_data *bd = &f->blocks.data[b];
    if (bd->nparams != f->sig.nparams) {
        vf_fatal(cx, CLIF_NONE, b, "entry block parameters (%u) must match function signature (%u)",
                 bd->nparams, f->sig.nparams);
        return;
    }
    for (uint32_t k = 0; k < bd->nparams; k++) {
        const clif_abi_param *p = &f->abi_params.data[f->sig.params + k];
        clif_type t = f->values.data[f->pool.data[bd->params + k]].type;
        if (t != p->type)
            vf_report(cx, CLIF_NONE, b, "entry block parameter %u expected to have type %s, got %s",
                      k, vf_abi(p).s, vf_type(t).s);
    }
    if (cx->count) return;
    if (bd->cold) vf_fatal(cx, CLIF_NONE, b, "entry block cannot be marked as cold");
}

void vf_check_block_integrity(vf_ctx *cx, clif_block b, clif_inst i) {
    const clif_func *f = cx->f;
    bool term = (vf_info(&f->insts.data[i])->flags & CLIF_OPF_TERM) != 0;
    bool last = f->blocks.data[b].last == i;
    if (term && !last)
        vf_fatal(cx, i, b, "a terminator instruction was encountered before the end of block%u", b);
    else if (last && !term)
        vf_fatal(cx, CLIF_NONE, b, "block does not end in a terminator instruction");
}

void vf_check_targets(vf_ctx *cx, clif_inst i) {
    const clif_func *f = cx->f;
    vec_clear(cx->scratch);
    ir_branch_calls(f, &f->insts.data[i], &cx->scratch);
    for (uint32_t k = 0; k < cx->scratch.len; k++) {
        clif_block t = f->block_calls.data[cx->scratch.data[k]].block;
        if (t >= f->blocks.len || !f->blocks.data[t].in_layout) {
            vf_fatal(cx, i, CLIF_NONE, "invalid block reference block%u", t);
            return;
        }
        if (t == f->first_block) {
            vf_fatal(cx, i, CLIF_NONE, "invalid reference to entry block block%u", t);
            return;
        }
    }
}

/* Where a block call sends control: as Cranelift's BlockCallTargetType. */
typedef enum target_kind { TK_NORMAL, TK_EX_NORMAL_RET, TK_EXCEPTION } target_kind;

/* Exception payload values a callee's calling convention delivers. */
static uint32_t num_exception_payloads(uint8_t cc) {
    return cc == CLIF_CC_TAIL || cc == CLIF_CC_SYSTEM_V ? 2 : 0;
}

/* The type of block argument `a`; CLIF_TYPE_INVALID when it cannot be known
 * without a target (exnN), or after reporting a misuse. */
static clif_type arg_type(vf_ctx *cx, clif_inst i, uint32_t a, target_kind tk, bool *bad) {
    const clif_func *f = cx->f;
    const inst_data *d = &f->insts.data[i];
    if (CLIF_BLOCKARG_IS_VALUE(a)) return vf_vtype(f, a);
    bool is_exn = (a & 0xC0000000u) == 0xC0000000u;
    uint32_t n = a & 0x3FFFFFFFu;
    uint8_t fmt = vf_info(d)->format;
    *bad = true;
    if (fmt != CLIF_FMT_TRY_CALL && fmt != CLIF_FMT_TRY_CALL_INDIRECT) {
        vf_report(cx, i, CLIF_NONE,
                  "`%s` block argument in block-call not on `try_call` instruction",
                  is_exn ? "exnN" : "retN");
        return CLIF_TYPE_INVALID;
    }
    const sig_data *sig = &f->sigs.data[f->extables.data[d->ent].sig];
    if (!is_exn) {
        if (tk != TK_EX_NORMAL_RET) {
            vf_report(cx, i, CLIF_NONE,
                      "`retN` block argument used outside normal-return target of `try_call`");
            return CLIF_TYPE_INVALID;
        }
        if (n >= sig->nreturns) {
            vf_report(cx, i, CLIF_NONE, "out-of-bounds `retN` block argument");
            return CLIF_TYPE_INVALID;
        }
        *bad = false;
        return vf_sig_returns(f, sig)[n].type;
    }
    if (tk != TK_EXCEPTION) {
        vf_report(cx, i, CLIF_NONE,
                  "`exnN` block argument used outside exception target of `try_call`");
        return CLIF_TYPE_INVALID;
    }
    if (n >= num_exception_payloads(sig->callconv)) {
        vf_report(cx, i, CLIF_NONE, "out-of-bounds `exnN` block argument");
        return CLIF_TYPE_INVALID;
    }
    /* Payloads have the target's pointer type (invalid without a target). */
    *bad = false;
    return cx->ptr_type;
}

static void arg_name(uint32_t a, char *buf, size_t size) {
    if (CLIF_BLOCKARG_IS_VALUE(a))
        snprintf(buf, size, "v%u", a);
    else
        snprintf(buf, size, "%s%u", (a & 0xC0000000u) == 0xC0000000u ? "exn" : "ret",
                 a & 0x3FFFFFFFu);
}

static void check_call_args(vf_ctx *cx, clif_inst i, const block_call *bc, target_kind tk) {
    const clif_func *f = cx->f;
    const block_data *target = &f->blocks.data[bc->block];
    if (bc->nargs != target->nparams) {
        char *text = vf_inst_text(cx, i);
        vf_report(cx, i, CLIF_NONE, "mismatched argument count for `%s`: got %u, expected %u", text,
                  bc->nargs, target->nparams);
        free(text);
        return;
    }
    for (uint32_t k = 0; k < bc->nargs; k++) {
        uint32_t a = f->pool.data[bc->args + k];
        bool bad = false;
        clif_type t = arg_type(cx, i, a, tk, &bad);
        if (bad) return;
        clif_type want = f->values.data[f->pool.data[target->params + k]].type;
        if (t != CLIF_TYPE_INVALID && t != want) {
            char name[24];
            arg_name(a, name, sizeof name);
            vf_report(cx, i, CLIF_NONE, "arg %s has type %s, expected %s", name, vf_type(t).s,
                      vf_type(want).s);
            return;
        }
    }
}

void vf_check_block_args(vf_ctx *cx, clif_inst i) {
    const clif_func *f = cx->f;
    const inst_data *d = &f->insts.data[i];
    uint8_t fmt = vf_info(d)->format;
    bool try_call = fmt == CLIF_FMT_TRY_CALL || fmt == CLIF_FMT_TRY_CALL_INDIRECT;
    vec_clear(cx->scratch);
    ir_branch_calls(f, d, &cx->scratch);
    for (uint32_t k = 0; k < cx->scratch.len; k++) {
        target_kind tk = !try_call ? TK_NORMAL : k == 0 ? TK_EX_NORMAL_RET : TK_EXCEPTION;
        /* check_call_args may use the scratch list: read the call first. */
        block_call bc = f->block_calls.data[cx->scratch.data[k]];
        check_call_args(cx, i, &bc, tk);
    }
}
