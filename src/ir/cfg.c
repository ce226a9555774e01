/* Control-flow graph: edges from block terminators, sorted adjacency lists and
 * a reverse postorder computed with an explicit stack. */
#include "ir/cfg.h"

#include <stdlib.h>
#include <string.h>

void ir_branch_calls(const clif_func *f, const inst_data *d, ir_u32vec *out) {
    const clif_opcode_info *info = clif_opcode_info_of((clif_opcode)d->opcode);
    if (!(info->flags & CLIF_OPF_BRANCH)) return;
    switch (info->format) {
    case CLIF_FMT_JUMP:
    case CLIF_FMT_BRIF:
    case CLIF_FMT_BRANCH_TABLE: {
        uint32_t n, start = ir_inst_block_calls(f, d, &n);
        if ((uint64_t)start + n > f->block_calls.len) return;
        for (uint32_t k = 0; k < n; k++)
            vec_push(*out, start + k);
        return;
    }
    case CLIF_FMT_TRY_CALL:
    case CLIF_FMT_TRY_CALL_INDIRECT: {
        if (d->ent >= f->extables.len) return;
        const extable_data *et = &f->extables.data[d->ent];
        if (et->normal < f->block_calls.len) vec_push(*out, et->normal);
        if ((uint64_t)et->items + et->nitems > f->extable_items.len) return;
        for (uint32_t k = 0; k < et->nitems; k++) {
            const extable_item *it = &f->extable_items.data[et->items + k];
            if (it->kind != EXI_CONTEXT && it->call < f->block_calls.len) vec_push(*out, it->call);
        }
        return;
    }
    default: return;
    }
}

typedef struct edge {
    uint32_t key[3]; /* from block, branch instruction, to block */
} edge;
enum { K_FROM, K_INST, K_TO };

/* Stable counting sort of n edges by key[k] (< nkeys) from `in` into `out`. */
static void sort_edges(const edge *in, edge *out, uint32_t n, int k, uint32_t nkeys) {
    uint32_t *count = cl_xcalloc((size_t)nkeys + 1, sizeof *count);
    for (uint32_t i = 0; i < n; i++)
        count[in[i].key[k] + 1]++;
    for (uint32_t i = 0; i < nkeys; i++)
        count[i + 1] += count[i];
    for (uint32_t i = 0; i < n; i++)
        out[count[in[i].key[k]]++] = in[i];
    free(count);
}

/* Fills start[0..nblocks] from edges grouped by key[k]. */
static void fill_starts(ir_u32vec *start, const edge *e, uint32_t n, int k, uint32_t nblocks) {
    vec_clear(*start);
    vec_reserve(*start, nblocks + 1);
    memset(start->data, 0, ((size_t)nblocks + 1) * sizeof *start->data);
    start->len = nblocks + 1;
    for (uint32_t i = 0; i < n; i++)
        start->data[e[i].key[k] + 1]++;
    for (uint32_t i = 0; i < nblocks; i++)
        start->data[i + 1] += start->data[i];
}

static bool target_ok(const clif_func *f, clif_block b) {
    return b < f->blocks.len && f->blocks.data[b].in_layout;
}

/* Collects the edges of every block's last instruction, in layout order. */
static uint32_t collect_edges(const clif_func *f, edge **out) {
    VEC(edge) edges = {0};
    ir_u32vec calls = {0};
    uint32_t guard = 0;
    for (clif_block b = f->first_block; b != CLIF_NONE && guard++ < f->blocks.len;
         b = f->blocks.data[b].next) {
        clif_inst last = f->blocks.data[b].last;
        if (last >= f->insts.len) continue;
        vec_clear(calls);
        ir_branch_calls(f, &f->insts.data[last], &calls);
        for (uint32_t k = 0; k < calls.len; k++) {
            clif_block to = f->block_calls.data[calls.data[k]].block;
            if (!target_ok(f, to)) continue;
            edge e = {{b, last, to}};
            vec_push(edges, e);
        }
    }
    vec_free(calls);
    *out = edges.data;
    return edges.len;
}

static void compute_rpo(ir_cfg *cfg, const clif_func *f) {
    uint32_t n = cfg->nblocks;
    vec_clear(cfg->rpo);
    vec_clear(cfg->rpo_num);
    vec_reserve(cfg->rpo_num, n);
    for (uint32_t i = 0; i < n; i++)
        cfg->rpo_num.data[i] = CLIF_NONE;
    cfg->rpo_num.len = n;
    clif_block entry = f->first_block;
    if (entry >= n) return;
    /* Depth-first search with an explicit stack of (block, next successor).
     * rpo_num marks visited blocks (0 = on the stack or done) until the
     * postorder is known. */
    typedef struct frame {
        clif_block b;
        uint32_t next;
    } frame;
    VEC(frame) stack = {0};
    ir_u32vec post = {0};
    frame fr = {entry, 0};
    vec_push(stack, fr);
    cfg->rpo_num.data[entry] = 0;
    while (stack.len) {
        frame *top = &stack.data[stack.len - 1];
        if (top->next < ir_cfg_num_succs(cfg, top->b)) {
            clif_block s = ir_cfg_succs(cfg, top->b)[top->next++];
            if (cfg->rpo_num.data[s] == CLIF_NONE) {
                cfg->rpo_num.data[s] = 0;
                frame nf = {s, 0};
                vec_push(stack, nf);
            }
        } else {
            vec_push(post, top->b);
            stack.len--;
        }
    }
    vec_reserve(cfg->rpo, post.len);
    for (uint32_t i = 0; i < post.len; i++) {
        clif_block b = post.data[post.len - 1 - i];
        cfg->rpo.data[i] = b;
        cfg->rpo_num.data[b] = i;
    }
    cfg->rpo.len = post.len;
    vec_free(stack);
    vec_free(post);
}

void ir_cfg_compute(ir_cfg *cfg, const clif_func *f) {
    uint32_t nb = f->blocks.len;
    cfg->nblocks = nb;
    edge *edges = NULL;
    uint32_t n = collect_edges(f, &edges);
    edge *tmp = cl_xmalloc(((size_t)n + 1) * sizeof *tmp);
    edge *sorted = cl_xmalloc(((size_t)n + 1) * sizeof *sorted);

    /* Successors: by source block, then target block; drop duplicates. */
    sort_edges(edges, tmp, n, K_TO, nb);
    sort_edges(tmp, sorted, n, K_FROM, nb);
    uint32_t m = 0;
    for (uint32_t i = 0; i < n; i++)
        if (m == 0 || sorted[m - 1].key[K_FROM] != sorted[i].key[K_FROM] ||
            sorted[m - 1].key[K_TO] != sorted[i].key[K_TO])
            sorted[m++] = sorted[i];
    fill_starts(&cfg->succ_start, sorted, m, K_FROM, nb);
    vec_clear(cfg->succs);
    vec_reserve(cfg->succs, m);
    for (uint32_t i = 0; i < m; i++)
        cfg->succs.data[i] = sorted[i].key[K_TO];
    cfg->succs.len = m;

    /* Predecessors: by target block, then branch instruction; one per instruction. */
    sort_edges(edges, tmp, n, K_INST, f->insts.len);
    sort_edges(tmp, sorted, n, K_TO, nb);
    m = 0;
    for (uint32_t i = 0; i < n; i++)
        if (m == 0 || sorted[m - 1].key[K_TO] != sorted[i].key[K_TO] ||
            sorted[m - 1].key[K_INST] != sorted[i].key[K_INST])
            sorted[m++] = sorted[i];
    fill_starts(&cfg->pred_start, sorted, m, K_TO, nb);
    vec_clear(cfg->preds);
    vec_reserve(cfg->preds, m);
    for (uint32_t i = 0; i < m; i++) {
        ir_pred p = {sorted[i].key[K_FROM], sorted[i].key[K_INST]};
        cfg->preds.data[i] = p;
    }
    cfg->preds.len = m;

    free(edges);
    free(tmp);
    free(sorted);
    compute_rpo(cfg, f);
}

void ir_cfg_free(ir_cfg *cfg) {
    vec_free(cfg->succ_start);
    vec_free(cfg->succs);
    vec_free(cfg->pred_start);
    vec_free(cfg->preds);
    vec_free(cfg->rpo);
    vec_free(cfg->rpo_num);
    cfg->nblocks = 0;
}
