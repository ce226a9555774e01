/* The control-flow graph of a function: successors and predecessors of the
 * blocks in the layout, and the reverse postorder of the blocks reachable from
 * the entry block. Edges come from each block's last instruction (jump, brif,
 * br_table, try_call*), as in Cranelift. Computed without recursion. */
#ifndef CLIF_IR_CFG_H
#define CLIF_IR_CFG_H

#include "ir/function.h"

typedef VEC(uint32_t) ir_u32vec;

/* A predecessor: the branch instruction and the block that holds it. */
typedef struct ir_pred {
    clif_block block;
    clif_inst inst;
} ir_pred;

typedef struct ir_cfg {
    uint32_t nblocks;     /* f->blocks.len when computed */
    ir_u32vec succ_start; /* nblocks + 1 offsets into succs */
    ir_u32vec succs;      /* per block, sorted by block number, no duplicates */
    ir_u32vec pred_start; /* nblocks + 1 offsets into preds */
    VEC(ir_pred) preds;   /* per block, sorted by instruction, one per instruction */
    ir_u32vec rpo;        /* reachable blocks in reverse postorder, entry first */
    ir_u32vec rpo_num;    /* per block: index into rpo, CLIF_NONE when unreachable */
} ir_cfg;

/* Appends to `out` the block_calls indices of the targets of `d`: jump (1),
 * brif (then, else), br_table (default, entries), try_call* (normal return,
 * then each handler). Non-branches append nothing. Tables out of range are
 * skipped (the verifier reports them). */
void ir_branch_calls(const clif_func *f, const inst_data *d, ir_u32vec *out);

/* Computes the graph of `f`, reusing the storage of `cfg` (zero it before the
 * first use). Targets that are not blocks of the layout are ignored. */
void ir_cfg_compute(ir_cfg *cfg, const clif_func *f);
void ir_cfg_free(ir_cfg *cfg);

static inline bool ir_cfg_reachable(const ir_cfg *cfg, clif_block b) {
    return b < cfg->nblocks && cfg->rpo_num.data[b] != CLIF_NONE;
}
static inline uint32_t ir_cfg_num_succs(const ir_cfg *cfg, clif_block b) {
    return cfg->succ_start.data[b + 1] - cfg->succ_start.data[b];
}
static inline const clif_block *ir_cfg_succs(const ir_cfg *cfg, clif_block b) {
    return cfg->succs.data + cfg->succ_start.data[b];
}
static inline uint32_t ir_cfg_num_preds(const ir_cfg *cfg, clif_block b) {
    return cfg->pred_start.data[b + 1] - cfg->pred_start.data[b];
}
static inline const ir_pred *ir_cfg_preds(const ir_cfg *cfg, clif_block b) {
    return cfg->preds.data + cfg->pred_start.data[b];
}

#endif
