/* Lowered block order: reverse postorder of the reachable blocks, with edge
 * blocks split in. Every walk uses an explicit stack. */
#include "machinst/blockorder.h"

#include <stdio.h>
#include <stdlib.h>

/* A node of the lowered CFG before ordering: CLIF block b is node b; edge
 * blocks are nodes nblocks + k. */
typedef struct node_edge {
    clif_block from, to;
    uint32_t succ, call;
} node_edge;

typedef struct dfs_frame {
    uint32_t node;
    uint32_t next; /* successors still to visit, counting down */
} dfs_frame;

static bool block_ok(const clif_func *f, clif_block b) {
    return b < f->blocks.len && f->blocks.data[b].in_layout;
}

void bo_term_calls(const clif_func *f, const inst_data *d, bo_calls *out) {
    vec_clear(*out);
    clif_format fmt = (clif_format)clif_opcode_info_of((clif_opcode)d->opcode)->format;
    if (fmt == CLIF_FMT_TRY_CALL || fmt == CLIF_FMT_TRY_CALL_INDIRECT) {
        if (d->ent >= f->extables.len) return;
        const extable_data *et = &f->extables.data[d->ent];
        vec_push(*out, et->normal);
        for (uint32_t i = 0; i < et->nitems; i++) {
            const extable_item *it = &f->extable_items.data[et->items + i];
            if (it->kind != EXI_CONTEXT) vec_push(*out, it->call);
        }
        return;
    }
    uint32_t count, start = ir_inst_block_calls(f, d, &count);
    for (uint32_t k = 0; k < count; k++)
        vec_push(*out, start + k);
}

/* The block calls of b's terminator; false when b does not end in one. */
static bool block_edges(const clif_func *f, clif_block b, bo_calls *calls) {
    clif_inst last = f->blocks.data[b].last;
    if (last == CLIF_NONE) return false;
    const inst_data *d = &f->insts.data[last];
    if (!(clif_opcode_info_of((clif_opcode)d->opcode)->flags & CLIF_OPF_TERM)) return false;
    bo_term_calls(f, d, calls);
    for (uint32_t k = 0; k < calls->len; k++)
        if (calls->data[k] >= f->block_calls.len) return false;
    return true;
}

bool bo_compute(block_order *bo, const clif_func *f, char *msg, uint32_t msg_size) {
    vec_clear(bo->blocks);
    vec_clear(bo->lowered_of);
    vec_clear(bo->succ_start);
    vec_clear(bo->succs);
    vec_clear(bo->pred_start);
    vec_clear(bo->preds);
    vec_clear(bo->succ_call);
    bo_calls calls = {0};
    VEC(uint32_t) node_call = {0}; /* parallel to nsuccs */
    uint32_t nb = f->blocks.len;
    clif_block entry = f->first_block;
    if (!block_ok(f, entry)) {
        snprintf(msg, msg_size, "function has no entry block");
        return false;
    }
    bool ok = false;
    uint8_t *reach = cl_xcalloc(nb, 1);
    uint32_t *npred = cl_xcalloc(nb, sizeof *npred);
    VEC(uint32_t) stack = {0};
    VEC(node_edge) edges = {0};
    VEC(uint32_t) nsucc_start = {0}; /* CSR over nodes, CLIF nodes first */
    VEC(uint32_t) nsuccs = {0};
    VEC(dfs_frame) dfs = {0};
    VEC(uint32_t) post = {0};
    uint8_t *seen = NULL;

    /* Reachability and predecessor counts (with multiplicity). */
    reach[entry] = 1;
    vec_push(stack, entry);
    while (stack.len) {
        clif_block b = stack.data[--stack.len];
        if (!block_edges(f, b, &calls)) {
            snprintf(msg, msg_size, "block%u does not end in a terminator", b);
            goto out;
        }
        for (uint32_t k = 0; k < calls.len; k++) {
            clif_block t = f->block_calls.data[calls.data[k]].block;
            if (!block_ok(f, t)) {
                snprintf(msg, msg_size, "block%u branches to invalid block%u", b, t);
                goto out;
            }
            npred[t]++;
            if (!reach[t]) {
                reach[t] = 1;
                vec_push(stack, t);
            }
        }
    }

    /* Successor lists of the nodes, splitting the edges that need it. */
    for (clif_block b = 0; b < nb; b++) {
        vec_push(nsucc_start, nsuccs.len);
        if (!reach[b]) continue;
        block_edges(f, b, &calls);
        uint32_t count = calls.len;
        for (uint32_t k = 0; k < count; k++) {
            const block_call *bc = &f->block_calls.data[calls.data[k]];
            if (count > 1 && (npred[bc->block] > 1 || bc->nargs > 0)) {
                node_edge e = {b, bc->block, k, calls.data[k]};
                vec_push(edges, e);
                vec_push(nsuccs, nb + edges.len - 1);
            } else {
                vec_push(nsuccs, bc->block);
            }
            vec_push(node_call, calls.data[k]);
        }
    }
    for (uint32_t e = 0; e < edges.len; e++) {
        vec_push(nsucc_start, nsuccs.len);
        vec_push(nsuccs, edges.data[e].to);
        vec_push(node_call, CLIF_NONE);
    }
    vec_push(nsucc_start, nsuccs.len);

    /* Depth-first postorder; successors are visited last-first so that the
     * first successor is placed right after its block. */
    uint32_t nnodes = nb + edges.len;
    seen = cl_xcalloc(nnodes, 1);
    dfs_frame root = {entry, nsucc_start.data[entry + 1] - nsucc_start.data[entry]};
    vec_push(dfs, root);
    seen[entry] = 1;
    while (dfs.len) {
        dfs_frame *top = &dfs.data[dfs.len - 1];
        if (top->next == 0) {
            vec_push(post, top->node);
            dfs.len--;
            continue;
        }
        top->next--;
        uint32_t s = nsuccs.data[nsucc_start.data[top->node] + top->next];
        if (seen[s]) continue;
        seen[s] = 1;
        dfs_frame fr = {s, nsucc_start.data[s + 1] - nsucc_start.data[s]};
        vec_push(dfs, fr);
    }

    /* Lowered order = reverse postorder. */
    uint32_t *lowered = cl_xmalloc((nnodes ? nnodes : 1) * sizeof *lowered);
    for (uint32_t n = 0; n < nnodes; n++)
        lowered[n] = CLIF_NONE;
    for (uint32_t i = 0; i < post.len; i++) {
        uint32_t n = post.data[post.len - 1 - i];
        lowered[n] = i;
        lowered_block lb;
        if (n < nb) {
            lb.orig = n;
            lb.from = CLIF_NONE;
            lb.succ = 0;
            lb.call = CLIF_NONE;
        } else {
            const node_edge *e = &edges.data[n - nb];
            lb.orig = e->to;
            lb.from = e->from;
            lb.succ = e->succ;
            lb.call = e->call;
        }
        vec_push(bo->blocks, lb);
    }
    for (clif_block b = 0; b < nb; b++)
        vec_push(bo->lowered_of, lowered[b]);

    uint32_t nl = bo->blocks.len;
    uint32_t *npreds = cl_xcalloc(nl + 1, sizeof *npreds);
    for (uint32_t i = 0; i < nl; i++) {
        uint32_t n = post.data[post.len - 1 - i];
        vec_push(bo->succ_start, bo->succs.len);
        for (uint32_t j = nsucc_start.data[n]; j < nsucc_start.data[n + 1]; j++) {
            uint32_t s = lowered[nsuccs.data[j]];
            vec_push(bo->succs, s);
            vec_push(bo->succ_call, node_call.data[j]);
            npreds[s]++;
        }
    }
    vec_push(bo->succ_start, bo->succs.len);
    /* Predecessors: counting sort of the edges by target. */
    uint32_t total = 0;
    for (uint32_t i = 0; i < nl; i++) {
        vec_push(bo->pred_start, total);
        total += npreds[i];
        npreds[i] = bo->pred_start.data[i];
    }
    vec_push(bo->pred_start, total);
    vec_reserve(bo->preds, total);
    bo->preds.len = total;
    for (uint32_t i = 0; i < nl; i++)
        for (uint32_t j = bo->succ_start.data[i]; j < bo->succ_start.data[i + 1]; j++)
            bo->preds.data[npreds[bo->succs.data[j]]++] = i;
    free(npreds);
    free(lowered);
    ok = true;
out:
    free(reach);
    free(npred);
    free(seen);
    vec_free(stack);
    vec_free(edges);
    vec_free(nsucc_start);
    vec_free(nsuccs);
    vec_free(dfs);
    vec_free(post);
    vec_free(calls);
    vec_free(node_call);
    return ok;
}

void bo_free(block_order *bo) {
    vec_free(bo->blocks);
    vec_free(bo->lowered_of);
    vec_free(bo->succ_start);
    vec_free(bo->succs);
    vec_free(bo->pred_start);
    vec_free(bo->preds);
    vec_free(bo->succ_call);
}
