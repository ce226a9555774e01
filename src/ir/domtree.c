/* Dominator tree: Cooper-Harvey-Kennedy over the reverse postorder, then a
 * preorder numbering of the tree with an explicit stack. */
#include "ir/domtree.h"

#include <stdlib.h>

static void fill(ir_u32vec *v, uint32_t n, uint32_t x) {
    vec_clear(*v);
    vec_reserve(*v, n);
    for (uint32_t i = 0; i < n; i++)
        v->data[i] = x;
    v->len = n;
}

/* The nearest common dominator of a and b, walking up by RPO numbers. */
static clif_block intersect(const ir_cfg *cfg, const uint32_t *idom, clif_block a, clif_block b) {
    const uint32_t *num = cfg->rpo_num.data;
    while (a != b) {
        while (num[a] > num[b])
            a = idom[a];
        while (num[b] > num[a])
            b = idom[b];
    }
    return a;
}

static void compute_idoms(ir_domtree *dt, const ir_cfg *cfg) {
    uint32_t *idom = dt->idom.data;
    if (cfg->rpo.len == 0) return;
    clif_block entry = cfg->rpo.data[0];
    idom[entry] = entry;
    bool changed = true;
    while (changed) {
        changed = false;
        for (uint32_t i = 1; i < cfg->rpo.len; i++) {
            clif_block b = cfg->rpo.data[i];
            const ir_pred *p = ir_cfg_preds(cfg, b);
            uint32_t np = ir_cfg_num_preds(cfg, b);
            clif_block nd = CLIF_NONE;
            for (uint32_t k = 0; k < np; k++) {
                clif_block q = p[k].block;
                if (idom[q] == CLIF_NONE) continue; /* unreachable or not processed yet */
                nd = nd == CLIF_NONE ? q : intersect(cfg, idom, q, nd);
            }
            if (nd != idom[b]) {
                idom[b] = nd;
                changed = true;
            }
        }
    }
    idom[entry] = CLIF_NONE;
}

/* Preorder numbers of the dominator tree: children lists, then a DFS. */
static void number_tree(ir_domtree *dt, const ir_cfg *cfg) {
    uint32_t n = dt->nblocks;
    if (cfg->rpo.len == 0) return;
    uint32_t *start = cl_xcalloc((size_t)n + 1, sizeof *start);
    uint32_t *kids = cl_xmalloc(((size_t)cfg->rpo.len + 1) * sizeof *kids);
    for (uint32_t i = 0; i < cfg->rpo.len; i++) {
        clif_block b = cfg->rpo.data[i], d = dt->idom.data[b];
        if (d != CLIF_NONE) start[d + 1]++;
    }
    for (uint32_t i = 0; i < n; i++)
        start[i + 1] += start[i];
    uint32_t *pos = cl_xmalloc(((size_t)n + 1) * sizeof *pos);
    for (uint32_t i = 0; i <= n; i++)
        pos[i] = start[i];
    for (uint32_t i = 0; i < cfg->rpo.len; i++) {
        clif_block b = cfg->rpo.data[i], d = dt->idom.data[b];
        if (d != CLIF_NONE) kids[pos[d]++] = b;
    }
    typedef struct frame {
        clif_block b;
        uint32_t next;
    } frame;
    frame *stack = cl_xmalloc(((size_t)cfg->rpo.len + 1) * sizeof *stack);
    uint32_t sp = 0, counter = 0;
    clif_block entry = cfg->rpo.data[0];
    stack[sp++] = (frame){entry, start[entry]};
    dt->pre.data[entry] = counter++;
    while (sp) {
        frame *top = &stack[sp - 1];
        if (top->next < start[top->b + 1]) {
            clif_block c = kids[top->next++];
            dt->pre.data[c] = counter++;
            stack[sp++] = (frame){c, start[c]};
        } else {
            dt->last.data[top->b] = counter - 1;
            sp--;
        }
    }
    free(stack);
    free(pos);
    free(kids);
    free(start);
}

static void number_insts(ir_domtree *dt, const clif_func *f) {
    fill(&dt->iseq, f->insts.len, CLIF_NONE);
    uint32_t seq = 0;
    for (clif_block b = f->first_block; b != CLIF_NONE; b = f->blocks.data[b].next)
        for (clif_inst i = f->blocks.data[b].first; i != CLIF_NONE; i = f->inodes.data[i].next)
            dt->iseq.data[i] = seq++;
}

void ir_domtree_compute(ir_domtree *dt, const clif_func *f, const ir_cfg *cfg) {
    dt->nblocks = cfg->nblocks;
    fill(&dt->idom, dt->nblocks, CLIF_NONE);
    fill(&dt->pre, dt->nblocks, CLIF_NONE);
    fill(&dt->last, dt->nblocks, CLIF_NONE);
    compute_idoms(dt, cfg);
    number_tree(dt, cfg);
    number_insts(dt, f);
}

void ir_domtree_free(ir_domtree *dt) {
    vec_free(dt->idom);
    vec_free(dt->pre);
    vec_free(dt->last);
    vec_free(dt->iseq);
    dt->nblocks = 0;
}

bool ir_dom_blocks(const ir_domtree *dt, clif_block a, clif_block b) {
    if (a == b) return true;
    if (!ir_dom_reachable(dt, a) || !ir_dom_reachable(dt, b)) return false;
    uint32_t pb = dt->pre.data[b];
    return dt->pre.data[a] <= pb && pb <= dt->last.data[a];
}

bool ir_dom_insts(const clif_func *f, const ir_domtree *dt, clif_inst a, clif_inst b) {
    clif_block ba = f->inodes.data[a].block, bb = f->inodes.data[b].block;
    if (ba == bb) return dt->iseq.data[a] <= dt->iseq.data[b];
    return ir_dom_blocks(dt, ba, bb);
}
