/* The dominator tree of a function's reachable blocks (Cooper, Harvey and
 * Kennedy's iterative algorithm over the reverse postorder), with preorder
 * intervals so that dominance between blocks and instructions is answered in
 * constant time. Computed without recursion. */
#ifndef CLIF_IR_DOMTREE_H
#define CLIF_IR_DOMTREE_H

#include "ir/cfg.h"

typedef struct ir_domtree {
    uint32_t nblocks;
    ir_u32vec idom; /* per block: immediate dominator; CLIF_NONE for the entry and unreachable */
    ir_u32vec pre;  /* per block: preorder number in the tree; CLIF_NONE when unreachable */
    ir_u32vec last; /* per block: largest preorder number in its subtree */
    ir_u32vec iseq; /* per instruction: position in the layout; CLIF_NONE outside it */
} ir_domtree;

/* Computes the tree of `f` from its graph `cfg`, reusing the storage of `dt`
 * (zero it before the first use). The layout must be well formed (the
 * verifier checks it first). */
void ir_domtree_compute(ir_domtree *dt, const clif_func *f, const ir_cfg *cfg);
void ir_domtree_free(ir_domtree *dt);

static inline bool ir_dom_reachable(const ir_domtree *dt, clif_block b) {
    return b < dt->nblocks && dt->pre.data[b] != CLIF_NONE;
}
static inline clif_block ir_dom_idom(const ir_domtree *dt, clif_block b) {
    return b < dt->nblocks ? dt->idom.data[b] : CLIF_NONE;
}
/* Does block a dominate block b? Every block dominates itself; otherwise
 * both must be reachable. */
bool ir_dom_blocks(const ir_domtree *dt, clif_block a, clif_block b);
/* Does instruction a dominate instruction b (a == b counts)? Both must be in
 * the layout. */
bool ir_dom_insts(const clif_func *f, const ir_domtree *dt, clif_inst a, clif_inst b);

#endif
