/* Live-range splitting and spilling: cutting an interval in two at a gap,
 * choosing where to cut (outside loops when there is a choice), finding the
 * next use that needs a register, and giving spilled vregs stack slots.
 *
 * Spilling is "store at definition": a vreg that is ever on the stack gets one
 * slot, written once right after its definition. SSA values never change, so
 * the slot stays valid for the vreg's whole life: a piece moved to the stack
 * costs no store, and only reloads are inserted where a register is needed. */
#include <stdlib.h>

#include "regalloc/ra_int.h"

/* The first range of iv that ends after pos (iv->rend if none). */
static uint32_t range_after(const ra_context *ctx, const ra_ival *iv, uint32_t pos) {
    uint32_t lo = iv->rbeg, hi = iv->rend;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (ra_rto(ctx, iv, mid) <= pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

uint32_t ra_first_use_at(const ra_context *ctx, const ra_ival *iv, uint32_t pos) {
    uint32_t lo = iv->ubeg, hi = iv->uend;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (ctx->uses.data[mid].pos < pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

uint32_t ra_next_reg_use(const ra_context *ctx, const ra_ival *iv, uint32_t pos) {
    uint32_t k = ra_first_use_at(ctx, iv, pos);
    if (k >= iv->uend) return UINT32_MAX;
    uint32_t r = ctx->next_reg.data[k];
    return r != RA_NONE && r < iv->uend ? ctx->uses.data[r].pos : UINT32_MAX;
}

/* Splits interval x at pos (start < pos < end): x keeps what lies before pos,
 * the returned new interval holds the rest (starting at pos, or at the next
 * range if pos falls in a lifetime hole). */
uint32_t ra_split(ra_context *ctx, uint32_t x, uint32_t pos) {
    ra_ival *a = &ctx->iv.data[x];
    uint32_t k = range_after(ctx, a, pos);
    uint32_t u = ra_first_use_at(ctx, a, pos);
    ra_ival c = *a;
    c.rbeg = c.rcur = k;
    c.ubeg = u;
    c.kind = RA_IV_NONE;
    c.preg = RA_NOREG;
    c.fixed = RA_NOREG;
    c.stack_def = 0;
    c.hint = a->kind == RA_IV_REG ? a->preg : a->hint;
    if (ra_rfrom(ctx, a, k) < pos) {
        c.start = pos;
        a->rend = k + 1;
        a->end = pos;
    } else {
        c.start = ra_rfrom(ctx, a, k);
        a->end = ra_rto(ctx, a, k - 1);
        a->rend = k;
    }
    a->uend = u;
    if (a->rcur > a->rend) a->rcur = a->rend;
    uint32_t id = ctx->iv.len;
    a->next = id;
    vec_push(ctx->iv, c); /* may move the array: a is dead from here */
    return id;
}

/* A gap g with lo <= g <= hi (hi is a gap): hi, or the entry of the
 * outermost loop around hi that starts at or after lo, so that moves land
 * outside loops. */
uint32_t ra_best_split(ra_context *ctx, uint32_t lo, uint32_t hi) {
    uint32_t glo = (lo + 3) & ~3u;
    if (glo >= hi || P_INST(hi) >= ctx->fn->num_insts) return hi;
    uint32_t best = hi, h = ctx->loop_header.data[ctx->inst_block.data[P_INST(hi)]];
    while (h != RA_NONE) {
        uint32_t s = P_GAP(ctx->fn->block_insts[h]);
        if (s < glo) break;
        best = s;
        h = ctx->loop_parent.data[h];
    }
    return best;
}

static int cmp_u64(const void *pa, const void *pb) {
    uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;
    return a < b ? -1 : a > b;
}

/* Gives every vreg that is ever on the stack a slot; vregs whose spans do not
 * overlap share slots (interval colouring, lowest free slot first). */
void ra_assign_slots(ra_context *ctx) {
    uint32_t nv = ctx->fn->num_vregs;
    for (uint32_t k = 0; k < ctx->iv.len; k++)
        if (ctx->iv.data[k].kind == RA_IV_STACK) ctx->needs_slot.data[ctx->iv.data[k].vreg] = 1;
    RA_RESIZE(ctx->slot, nv);
    uint32_t n = 0;
    for (uint32_t v = 0; v < nv; v++)
        n += ctx->needs_slot.data[v] && ctx->vspan_start.data[v] < ctx->vspan_end.data[v];
    /* Vregs by span start (then number): keys start << 32 | vreg. */
    uint64_t *order = cl_xmalloc(((size_t)n + 1) * sizeof *order);
    n = 0;
    for (uint32_t v = 0; v < nv; v++) {
        ctx->slot.data[v] = RA_NONE;
        if (ctx->needs_slot.data[v] && ctx->vspan_start.data[v] < ctx->vspan_end.data[v])
            order[n++] = (uint64_t)ctx->vspan_start.data[v] << 32 | v;
    }
    qsort(order, n, sizeof *order, cmp_u64);
    uint64_t *busy = cl_xmalloc(((size_t)n + 1) * sizeof *busy);
    uint64_t *free_slots = cl_xmalloc(((size_t)n + 1) * sizeof *free_slots);
    uint32_t nbusy = 0, nfree = 0, nslots = 0;
    for (uint32_t k = 0; k < n; k++) {
        uint32_t v = (uint32_t)order[k];
        while (nbusy && (busy[0] >> 32) <= ctx->vspan_start.data[v])
            ra_heap_push(free_slots, &nfree, (uint32_t)ra_heap_pop(busy, &nbusy));
        uint32_t s = nfree ? (uint32_t)ra_heap_pop(free_slots, &nfree) : nslots++;
        ctx->slot.data[v] = s;
        ra_heap_push(busy, &nbusy, (uint64_t)ctx->vspan_end.data[v] << 32 | s);
    }
    free(order);
    free(busy);
    free(free_slots);
    ctx->num_slots = nslots;
}
