/* The order in which blocks are lowered and emitted: the reachable CLIF
 * blocks in reverse postorder, with edge blocks inserted on the edges that
 * need them. An edge from a block with several successors is split when its
 * target has several predecessors (a critical edge) or when it passes block
 * arguments, so the register allocator's preconditions hold: a branch with
 * several successors passes no arguments, and a block with several
 * predecessors receives its arguments from blocks with a single successor. */
#ifndef CLIF_MACHINST_BLOCKORDER_H
#define CLIF_MACHINST_BLOCKORDER_H

#include "ir/function.h"

/* One lowered block: a CLIF block, or an edge block on the edge from `from`
 * (its successor number `succ`, the block call `call`) to `orig`. */
typedef struct lowered_block {
    clif_block orig; /* the CLIF block; for an edge block, the edge's target */
    clif_block from; /* edge blocks: the predecessor; CLIF_NONE for CLIF blocks */
    uint32_t succ;   /* edge blocks: index of the edge among `from`'s successors */
    uint32_t call;   /* edge blocks: the block_calls index of the edge */
} lowered_block;

typedef struct block_order {
    VEC(lowered_block) blocks; /* lowered order; the entry is block 0 */
    VEC(uint32_t) lowered_of;  /* CLIF block -> lowered index, CLIF_NONE if unreachable */
    /* Successors and predecessors of each lowered block (lowered indices),
     * as compressed rows: succs[succ_start[b] .. succ_start[b+1]). A CLIF
     * block's successors follow its terminator's block calls in order. */
    VEC(uint32_t) succ_start, succs;
    VEC(uint32_t) pred_start, preds;
    /* Parallel to succs: the block_calls index of each CLIF block's edge
     * (CLIF_NONE for the one successor of an edge block). */
    VEC(uint32_t) succ_call;
} block_order;

typedef VEC(uint32_t) bo_calls;
/* The block calls a terminator branches through, in successor order:
 * jump/brif/br_table targets, or a try_call's normal return then the
 * handlers of its exception table (context items are no edges). */
void bo_term_calls(const clif_func *f, const inst_data *d, bo_calls *out);

/* Computes the order of `f`. False (with a message) when the function has no
 * entry block or a reachable block does not end in a terminator. */
bool bo_compute(block_order *bo, const clif_func *f, char *msg, uint32_t msg_size);
void bo_free(block_order *bo);
/* The block call of edge k of lowered block lb (CLIF_NONE for edge blocks). */
static inline uint32_t bo_succ_call(const block_order *bo, uint32_t lb, uint32_t k) {
    return bo->succ_call.data[bo->succ_start.data[lb] + k];
}
static inline bool bo_is_edge(const block_order *bo, uint32_t lb) {
    return bo->blocks.data[lb].from != CLIF_NONE;
}
static inline uint32_t bo_num_succs(const block_order *bo, uint32_t lb) {
    return bo->succ_start.data[lb + 1] - bo->succ_start.data[lb];
}

#endif
