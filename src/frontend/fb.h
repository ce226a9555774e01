/* The function builder's state, shared by builder.c (blocks, instructions,
 * misuse checks), ssa.c (SSA construction) and switch.c. */
#ifndef CLIF_FRONTEND_FB_H
#define CLIF_FRONTEND_FB_H

#include "clif/frontend.h"
#include "ir/function.h"

/* How far a block has been built. */
typedef enum fb_status { FB_EMPTY, FB_PARTIAL, FB_FILLED } fb_status;

/* Per block. Lists (predecessor branches, variables waiting for the seal)
 * are singly linked through fb->nodes, in insertion order. */
typedef struct fb_block {
    uint8_t status; /* fb_status */
    bool sealed;
    clif_block single_pred;             /* sealed with exactly one predecessor: its block */
    uint32_t preds, preds_tail, npreds; /* branch instructions to this block */
    uint32_t undef, undef_tail, nundef; /* variables with a pending parameter */
    uint32_t visit;                     /* stamp of the last find_var walk */
    uint32_t mark;                      /* stamp for de-duplicating successors */
} fb_block;

typedef struct fb_node {
    uint32_t item, next;
} fb_node;

/* A step of the SSA state machine (ssa.c). */
typedef struct fb_call {
    uint32_t kind; /* SSA_USE_VAR: a = branch; SSA_FINISH: a = sentinel, b = block */
    uint32_t a, b;
} fb_call;

struct clif_fb {
    clif_func *f;
    clif_block pos;
    clif_error *err;
    VEC(fb_block) blocks; /* grows lazily up to f->blocks.len */
    VEC(clif_type) vars;  /* declared type, CLIF_TYPE_INVALID if none */
    VEC(fb_node) nodes;
    /* (variable, block) -> last definition: open addressing, linear probing. */
    uint64_t *def_keys;
    clif_value *def_vals;
    uint32_t def_cap, def_len;
    VEC(fb_call) calls;
    VEC(clif_value) results;
    VEC(uint32_t) scratch; /* block-call lists */
    uint32_t stamp;
};

/* Records the first error (kind, printf message); returns false. */
bool fb_fail(clif_fb *fb, clif_error_kind kind, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* The builder record of block b (< f->blocks.len), created on first use.
 * The pointer is valid until the next call that may add blocks. */
fb_block *fb_blk(clif_fb *fb, clif_block b);
/* A fresh stamp for fb_block.visit / mark. */
uint32_t fb_next_stamp(clif_fb *fb);
/* Appends `item` to the list (head, tail). */
void fb_list_push(clif_fb *fb, uint32_t *head, uint32_t *tail, uint32_t item);
/* Collects the block-call indices of branch `inst` into fb->scratch. */
void fb_branch_calls(clif_fb *fb, clif_inst inst);

/* SSA construction (ssa.c). */
void ssa_clear(clif_fb *fb);
void ssa_def_var(clif_fb *fb, clif_variable var, clif_block b, clif_value v);
clif_value ssa_use_var(clif_fb *fb, clif_variable var, clif_type t, clif_block b);
void ssa_declare_pred(clif_fb *fb, clif_block b, clif_inst branch);
void ssa_seal(clif_fb *fb, clif_block b);

#endif
