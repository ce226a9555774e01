/* Liveness and live ranges.
 *
 * Liveness is the usual backward dataflow over blocks, solved one vreg at a
 * time with a block worklist: from every block using a vreg, the vreg is
 * propagated to predecessors until its defining block. SSA makes this exact
 * and output-linear (each block is visited once per vreg live in it), with no
 * fixpoint iteration and no per-block bitsets. Reaching the entry block means
 * a use that the definition does not dominate: an error.
 *
 * The live range of a vreg is then a sorted list of [from, to) position
 * intervals, one per block where it is live, merged across adjacent blocks. */
#include <string.h>

#include "regalloc/ra_int.h"

/* Marks vreg v live into block b (stamp) and queues it. */
static bool mark_in(ra_context *ctx, uint32_t v, uint32_t b) {
    uint32_t stamp = v + 1;
    if (ctx->stamp_in.data[b] == stamp) return true;
    if (b == 0) return ra_fail(ctx, "vreg %u is used where its definition does not dominate", v);
    ctx->stamp_in.data[b] = stamp;
    if (ctx->stamp_loc.data[b] != stamp) {
        ctx->stamp_loc.data[b] = stamp;
        ctx->loc_end.data[b] = 0;
    }
    vec_push(ctx->work, b);
    vec_push(ctx->vblocks, b);
    return true;
}

/* Computes the blocks where v lives and the end of its range in each. */
static bool live_blocks(ra_context *ctx, uint32_t v) {
    const ra_function *fn = ctx->fn;
    uint32_t stamp = v + 1, d = ctx->def_block.data[v];
    vec_clear(ctx->work);
    vec_clear(ctx->vblocks);
    vec_push(ctx->vblocks, d);
    ctx->stamp_loc.data[d] = stamp;
    ctx->loc_end.data[d] = 0;
    for (uint32_t k = ctx->use_start.data[v]; k < ctx->use_start.data[v + 1]; k++) {
        const ra_use *u = &ctx->uses.data[k];
        uint32_t i = P_INST(u->pos), b = ctx->inst_block.data[i];
        if (!u->is_def && b == d && ctx->def_inst.data[v] != RA_NONE && i <= ctx->def_inst.data[v])
            return ra_fail(ctx, "inst %u: vreg %u is used before its definition", i, v);
        if (b != d && !mark_in(ctx, v, b)) return false;
        if (u->end > ctx->loc_end.data[b]) ctx->loc_end.data[b] = u->end;
    }
    while (ctx->work.len) {
        uint32_t b = ctx->work.data[--ctx->work.len];
        for (uint32_t e = fn->pred_start[b]; e < fn->pred_start[b + 1]; e++) {
            uint32_t p = fn->preds[e];
            ctx->stamp_out.data[p] = stamp;
            if (p != d && !mark_in(ctx, v, p)) return false;
        }
    }
    return true;
}

/* Records, for each block where v lives, the end of its range there: the
 * pairs are grouped by block later, which sorts them without comparisons. */
static void record_blocks(ra_context *ctx, uint32_t v) {
    const ra_function *fn = ctx->fn;
    uint32_t stamp = v + 1;
    for (uint32_t k = 0; k < ctx->vblocks.len; k++) {
        uint32_t b = ctx->vblocks.data[k];
        uint32_t to =
            ctx->stamp_out.data[b] == stamp ? P_GAP(fn->block_insts[b + 1]) : ctx->loc_end.data[b];
        vec_push(ctx->scratch, b);
        vec_push(ctx->tmp_vreg, v);
        vec_push(ctx->vtmp_a, to);
    }
}

/* Groups the (block, vreg, end) records by block, then builds each vreg's
 * ranges in block order (merging neighbours) and each block's live-in list. */
static void build_ranges(ra_context *ctx) {
    const ra_function *fn = ctx->fn;
    uint32_t nb = fn->num_blocks, nv = fn->num_vregs, n = ctx->scratch.len;
    /* Counting sort by block: bucket b is [bucket[b], bucket[b + 1]). */
    RA_RESIZE(ctx->work, nb + 1);
    uint32_t *bucket = ctx->work.data;
    memset(bucket, 0, (nb + 1) * sizeof(uint32_t));
    for (uint32_t k = 0; k < n; k++)
        bucket[ctx->scratch.data[k] + 1]++;
    for (uint32_t b = 0; b < nb; b++)
        bucket[b + 1] += bucket[b];
    RA_RESIZE(ctx->loc_end, nb);
    memcpy(ctx->loc_end.data, bucket, nb * sizeof(uint32_t));
    RA_RESIZE(ctx->vblocks, n); /* vreg per record, by block */
    RA_RESIZE(ctx->vtmp_b, n);  /* range end per record, by block */
    for (uint32_t k = 0; k < n; k++) {
        uint32_t at = ctx->loc_end.data[ctx->scratch.data[k]]++;
        ctx->vblocks.data[at] = ctx->tmp_vreg.data[k];
        ctx->vtmp_b.data[at] = ctx->vtmp_a.data[k];
    }
    /* At most one range per record: rows per vreg, filled in block order. */
    RA_RESIZE(ctx->range_start, nv + 1);
    memset(ctx->range_start.data, 0, (nv + 1) * sizeof(uint32_t));
    for (uint32_t k = 0; k < n; k++)
        ctx->range_start.data[ctx->tmp_vreg.data[k] + 1]++;
    for (uint32_t v = 0; v < nv; v++)
        ctx->range_start.data[v + 1] += ctx->range_start.data[v];
    RA_RESIZE(ctx->ranges, n);
    RA_RESIZE(ctx->tmp_vreg, nv); /* next free range per vreg */
    memcpy(ctx->tmp_vreg.data, ctx->range_start.data, nv * sizeof(uint32_t));
    RA_RESIZE(ctx->livein_start, nb + 1);
    vec_clear(ctx->livein);
    for (uint32_t b = 0; b < nb; b++) {
        ctx->livein_start.data[b] = ctx->livein.len;
        for (uint32_t k = bucket[b]; k < bucket[b + 1]; k++) {
            uint32_t v = ctx->vblocks.data[k], to = ctx->vtmp_b.data[k];
            bool def_here = ctx->def_block.data[v] == b;
            uint32_t from = def_here ? ctx->def_pos.data[v] : P_GAP(fn->block_insts[b]);
            if (!def_here) vec_push(ctx->livein, v);
            if (to <= from) continue;
            uint32_t *fill = &ctx->tmp_vreg.data[v];
            if (*fill > ctx->range_start.data[v] && ctx->ranges.data[*fill - 1].to == from) {
                ctx->ranges.data[*fill - 1].to = to;
            } else {
                ra_range r = {from, to};
                ctx->ranges.data[(*fill)++] = r;
            }
        }
    }
    ctx->livein_start.data[nb] = ctx->livein.len;
    /* Compact the rows. */
    uint32_t w = 0;
    for (uint32_t v = 0; v < nv; v++) {
        uint32_t r0 = ctx->range_start.data[v], r1 = ctx->tmp_vreg.data[v];
        ctx->range_start.data[v] = w;
        for (uint32_t k = r0; k < r1; k++)
            ctx->ranges.data[w++] = ctx->ranges.data[k];
    }
    ctx->range_start.data[nv] = w;
    ctx->ranges.len = w;
    vec_clear(ctx->work);
}

static void make_intervals(ra_context *ctx) {
    const ra_function *fn = ctx->fn;
    uint32_t nv = fn->num_vregs;
    RA_RESIZE(ctx->iv, nv);
    RA_RESIZE(ctx->vspan_start, nv);
    RA_RESIZE(ctx->vspan_end, nv);
    for (uint32_t v = 0; v < nv; v++) {
        ra_ival *iv = &ctx->iv.data[v];
        memset(iv, 0, sizeof *iv);
        iv->vreg = v;
        iv->rbeg = iv->rcur = ctx->range_start.data[v];
        iv->rend = ctx->range_start.data[v + 1];
        iv->ubeg = ctx->use_start.data[v];
        iv->uend = ctx->use_start.data[v + 1];
        iv->next = RA_NONE;
        iv->cls = fn->vreg_class[v];
        iv->kind = RA_IV_NONE;
        iv->preg = iv->hint = RA_NOREG;
        iv->fixed = ctx->def_fixed.data[v];
        iv->stack_def = ctx->def_stack.data[v];
        if (iv->rbeg < iv->rend) {
            iv->start = ctx->ranges.data[iv->rbeg].from;
            iv->end = ctx->ranges.data[iv->rend - 1].to;
        }
        ctx->vspan_start.data[v] = iv->start;
        ctx->vspan_end.data[v] = iv->end;
    }
}

bool ra_liveness(ra_context *ctx) {
    const ra_function *fn = ctx->fn;
    uint32_t nb = fn->num_blocks, nv = fn->num_vregs;
    RA_RESIZE(ctx->stamp_in, nb);
    RA_RESIZE(ctx->stamp_out, nb);
    RA_RESIZE(ctx->stamp_loc, nb);
    RA_RESIZE(ctx->loc_end, nb);
    memset(ctx->stamp_in.data, 0, nb * sizeof(uint32_t));
    memset(ctx->stamp_out.data, 0, nb * sizeof(uint32_t));
    memset(ctx->stamp_loc.data, 0, nb * sizeof(uint32_t));
    vec_clear(ctx->scratch);
    vec_clear(ctx->tmp_vreg);
    vec_clear(ctx->vtmp_a);
    for (uint32_t v = 0; v < nv; v++) {
        if (ctx->def_block.data[v] == RA_NONE) continue;
        if (!live_blocks(ctx, v)) return false;
        record_blocks(ctx, v);
    }
    build_ranges(ctx);
    make_intervals(ctx);
    return true;
}
