/* SSA form: every value an instruction reads is defined by an instruction or
 * block in the layout, and in reachable blocks the definition dominates the
 * use. Uses in unreachable blocks are not checked for dominance, as in
 * Cranelift. */
#include "verifier/vf.h"

static void check_use(vf_ctx *cx, clif_inst i, bool reachable, clif_value v) {
    const clif_func *f = cx->f;
    clif_value r = ir_resolve(f, v);
    const value_data *vd = &f->values.data[r];
    if (vd->kind == VK_RESULT) {
        clif_inst def = vd->owner;
        if (def >= f->insts.len) {
            vf_fatal(cx, i, CLIF_NONE, "v%u is defined by invalid instruction inst%u", v, def);
            return;
        }
        const inst_data *dd = &f->insts.data[def];
        if (vd->num >= dd->nresults || f->pool.data[dd->results + vd->num] != r) {
            vf_fatal(cx, i, CLIF_NONE, "v%u is not a result of inst%u", v, def);
            return;
        }
        if (f->inodes.data[def].block == CLIF_NONE) {
            vf_fatal(cx, i, CLIF_NONE, "v%u is defined by inst%u which has no block", v, def);
            return;
        }
        if (!reachable) return;
        if (!ir_dom_insts(f, &cx->dt, def, i))
            vf_fatal(cx, i, CLIF_NONE, "uses value v%u from non-dominating inst%u", v, def);
        else if (def == i)
            vf_fatal(cx, i, CLIF_NONE, "uses value v%u from itself", v);
        return;
    }
    if (vd->kind == VK_PARAM) {
        clif_block b = vd->owner;
        if (b >= f->blocks.len) {
            vf_fatal(cx, i, CLIF_NONE, "v%u is defined by invalid block block%u", v, b);
            return;
        }
        const block_data *bd = &f->blocks.data[b];
        if (vd->num >= bd->nparams || f->pool.data[bd->params + vd->num] != r) {
            vf_fatal(cx, i, CLIF_NONE, "v%u is not a parameter of block%u", v, b);
            return;
        }
        if (!bd->in_layout) {
            vf_fatal(cx, i, CLIF_NONE, "v%u is defined by block%u which is not in the layout", v,
                     b);
            return;
        }
        if (reachable && !ir_dom_blocks(&cx->dt, b, f->inodes.data[i].block))
            vf_fatal(cx, i, CLIF_NONE, "uses value arg from non-dominating block%u", b);
        return;
    }
    vf_fatal(cx, i, CLIF_NONE, "invalid value reference v%u", v);
}

void vf_check_ssa(vf_ctx *cx, clif_inst i) {
    const clif_func *f = cx->f;
    bool reachable = ir_dom_reachable(&cx->dt, f->inodes.data[i].block);
    vf_collect_uses(cx, &f->insts.data[i]);
    for (uint32_t k = 0; k < cx->uses.len && !cx->fatal; k++)
        check_use(cx, i, reachable, cx->uses.data[k]);
}
