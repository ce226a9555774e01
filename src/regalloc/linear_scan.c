/* Linear scan with interval splitting (after Wimmer and Franz, "Optimized
 * Interval Splitting in a Linear Scan Register Allocator", 2005, and "Linear
 * Scan Register Allocation on SSA Form", 2010).
 *
 * Intervals of one register class are taken in order of their start from a
 * heap. At each step the active intervals (holding a register at the current
 * position), the inactive ones (holding one but in a lifetime hole) and the
 * fixed-register reservations decide:
 * - try_free: a register free for the whole interval (the hint first: the
 *   register of the piece it was split from, of a fixed use, of a reused
 *   input, of a block argument), else the one free longest, splitting the
 *   interval where that register stops being free;
 * - alloc_blocked: otherwise evict the occupant whose next register use is
 *   farthest, or spill the current interval up to its first register use if
 *   every occupant needs its register sooner. Evicted pieces go to the stack
 *   until their next register use, then back into the heap.
 * Split points are moved to loop entries when possible (ra_best_split), so
 * reloads and evictions happen outside loops. Every piece handed back to the
 * heap starts after the current position, so the scan always advances. */
#include <string.h>

#include "regalloc/ra_int.h"

#define MAXPOS UINT32_MAX

static const char *class_name(uint8_t cls) {
    return cls == RA_CLASS_INT ? "int" : "float";
}

static void heap_add(ra_context *ctx, uint32_t x) {
    vec_reserve(ctx->heap, 1);
    ra_heap_push(ctx->heap.data, &ctx->heap.len, (uint64_t)ctx->iv.data[x].start << 32 | x);
}

static bool covers(ra_context *ctx, ra_ival *iv, uint32_t pos) {
    while (iv->rcur < iv->rend && ra_rto(ctx, iv, iv->rcur) <= pos)
        iv->rcur++;
    return iv->rcur < iv->rend && ra_rfrom(ctx, iv, iv->rcur) <= pos;
}

/* The first position at or after `from` covered by both a and b. */
static uint32_t intersect(const ra_context *ctx, const ra_ival *a, const ra_ival *b,
                          uint32_t from) {
    uint32_t i = a->rcur, j = b->rcur;
    while (i < a->rend && j < b->rend) {
        uint32_t af = ra_rfrom(ctx, a, i), at = ra_rto(ctx, a, i);
        uint32_t bf = ra_rfrom(ctx, b, j), bt = ra_rto(ctx, b, j);
        if (at <= from || at <= bf) {
            i++;
        } else if (bt <= from || bt <= af) {
            j++;
        } else {
            uint32_t lo = af > bf ? af : bf;
            return lo > from ? lo : from;
        }
    }
    return MAXPOS;
}

/* The first position where register r is reserved for another vreg while cur lives. */
static uint32_t fixed_intersect(const ra_context *ctx, uint32_t r, const ra_ival *cur) {
    uint32_t j = cur->rcur;
    for (uint32_t k = ctx->fb_cur[r]; k < ctx->fb_start[r + 1]; k++) {
        const ra_fblock *f = &ctx->fblocks.data[k];
        if (f->from >= cur->end) return MAXPOS;
        if (f->owner == cur->vreg) continue;
        while (j < cur->rend && ra_rto(ctx, cur, j) <= f->from)
            j++;
        if (j == cur->rend) return MAXPOS;
        uint32_t cf = ra_rfrom(ctx, cur, j);
        if (cf < f->to) return cf > f->from ? cf : f->from;
    }
    return MAXPOS;
}

/* Moves intervals between the active and inactive sets for position pos. */
static void advance(ra_context *ctx, uint8_t cls, uint32_t pos) {
    vec_clear(ctx->scratch);
    for (int pass = 0; pass < 2; pass++) {
        uint32_t n = pass ? ctx->active.len : ctx->inactive.len;
        for (uint32_t k = 0; k < n; k++) {
            uint32_t x = pass ? ctx->active.data[k] : ctx->inactive.data[k];
            ra_ival *iv = &ctx->iv.data[x];
            if (iv->end <= pos) continue;
            if (covers(ctx, iv, pos))
                vec_push(ctx->scratch, x);
            else
                vec_push(ctx->scratch, x | 0x80000000u);
        }
    }
    vec_clear(ctx->active);
    vec_clear(ctx->inactive);
    for (uint32_t k = 0; k < ctx->scratch.len; k++) {
        uint32_t x = ctx->scratch.data[k];
        if (x & 0x80000000u)
            vec_push(ctx->inactive, x & 0x7fffffffu);
        else
            vec_push(ctx->active, x);
    }
    const ra_machine *m = ctx->m;
    for (uint32_t k = 0; k < m->num_regs[cls]; k++) {
        uint32_t r = m->regs[cls][k];
        while (ctx->fb_cur[r] < ctx->fb_start[r + 1] && ctx->fblocks.data[ctx->fb_cur[r]].to <= pos)
            ctx->fb_cur[r]++;
    }
}

/* The piece of vreg v covering pos, or RA_NONE (bounded walk: hints only). */
static uint32_t piece_at(const ra_context *ctx, uint32_t v, uint32_t pos) {
    uint32_t x = v;
    for (int steps = 0; x != RA_NONE && steps < 64; steps++) {
        const ra_ival *iv = &ctx->iv.data[x];
        if (iv->start > pos) return RA_NONE;
        if (pos < iv->end) return x;
        x = iv->next;
    }
    return RA_NONE;
}

static uint8_t reg_of(const ra_context *ctx, uint32_t x) {
    return x != RA_NONE && ctx->iv.data[x].kind == RA_IV_REG ? ctx->iv.data[x].preg : RA_NOREG;
}

/* A register that would avoid a move: see the file comment. */
static uint8_t find_hint(const ra_context *ctx, uint32_t x) {
    const ra_function *fn = ctx->fn;
    const ra_ival *cur = &ctx->iv.data[x];
    if (cur->hint != RA_NOREG && ctx->preg_cls[cur->hint] == cur->cls) return cur->hint;
    uint32_t lim = cur->uend - cur->ubeg > 8 ? cur->ubeg + 8 : cur->uend;
    for (uint32_t k = cur->ubeg; k < lim; k++) {
        const ra_use *u = &ctx->uses.data[k];
        uint8_t r = RA_NOREG;
        switch (u->hint_kind) {
        case RA_HINT_PREG: r = (uint8_t)u->hint; break;
        case RA_HINT_REUSE: r = reg_of(ctx, piece_at(ctx, u->hint, P_GAP_OF(u->pos))); break;
        case RA_HINT_FIRST: r = reg_of(ctx, u->hint); break;
        case RA_HINT_PARAM: {
            uint32_t p = fn->params[u->hint], s = ctx->def_block.data[p];
            uint32_t idx = u->hint - fn->param_start[s];
            uint32_t np = fn->pred_start[s + 1] - fn->pred_start[s];
            for (uint32_t q = 0; q < np && q < 8 && r == RA_NOREG; q++) {
                uint32_t b = fn->preds[fn->pred_start[s] + q];
                for (uint32_t e = fn->succ_start[b]; e < fn->succ_start[b + 1]; e++)
                    if (fn->succs[e] == s) {
                        uint32_t a = fn->edge_args[fn->edge_arg_start[e] + idx];
                        r = reg_of(ctx, piece_at(ctx, a, P_LATE(fn->block_insts[b + 1] - 1)));
                        break;
                    }
            }
            break;
        }
        default: break;
        }
        if (r != RA_NOREG && ctx->preg_cls[r] == cur->cls) return r;
    }
    return RA_NOREG;
}

static void assign_reg(ra_context *ctx, uint32_t x, uint8_t r) {
    ctx->iv.data[x].kind = RA_IV_REG;
    ctx->iv.data[x].preg = r;
    vec_push(ctx->active, x);
}

/* Puts x on the stack up to its first register use at or after `from`; the
 * rest goes back to the heap, cut at a gap in [lo, that use]. */
static void spill_until_use(ra_context *ctx, uint32_t x, uint32_t lo) {
    ra_ival *iv = &ctx->iv.data[x];
    iv->kind = RA_IV_STACK;
    uint32_t nu = ra_next_reg_use(ctx, iv, iv->start);
    if (nu == MAXPOS) return;
    uint32_t q = ra_best_split(ctx, lo, P_GAP_OF(nu));
    heap_add(ctx, ra_split(ctx, x, q));
}

/* Evicts active interval x from its register at pos: x keeps the register up
 * to a gap after its last register use before pos, then goes to the stack. */
static void evict_active(ra_context *ctx, uint32_t x, uint32_t pos) {
    uint32_t g = P_GAP_OF(pos);
    const ra_ival *a = &ctx->iv.data[x];
    uint32_t lo = a->start;
    for (uint32_t k = ra_first_use_at(ctx, a, g); k-- > a->ubeg;)
        if (ctx->uses.data[k].reg) {
            lo = P_GAP_OF(ctx->uses.data[k].pos) + 4;
            break;
        }
    uint32_t s = lo >= g ? g : ra_best_split(ctx, lo, g);
    uint32_t child = x;
    if (s > a->start) child = ra_split(ctx, x, s);
    spill_until_use(ctx, child, g + 4);
}

/* Tries to give cur a register that nothing else needs. */
static bool try_free(ra_context *ctx, uint32_t x) {
    const ra_machine *m = ctx->m;
    ra_ival *cur = &ctx->iv.data[x];
    uint8_t cls = cur->cls;
    uint32_t n = m->num_regs[cls], free_until[64];
    if (n == 0) return false;
    for (uint32_t k = 0; k < n; k++)
        free_until[k] = MAXPOS;
    for (uint32_t k = 0; k < ctx->active.len; k++)
        free_until[ctx->preg_idx[ctx->iv.data[ctx->active.data[k]].preg]] = 0;
    for (uint32_t k = 0; k < ctx->inactive.len; k++) {
        const ra_ival *a = &ctx->iv.data[ctx->inactive.data[k]];
        uint32_t idx = ctx->preg_idx[a->preg];
        if (free_until[idx] <= cur->start) continue;
        uint32_t p = intersect(ctx, a, cur, cur->start);
        if (p < free_until[idx]) free_until[idx] = p;
    }
    for (uint32_t k = 0; k < n; k++) {
        if (free_until[k] <= cur->start) continue;
        uint32_t p = fixed_intersect(ctx, m->regs[cls][k], cur);
        if (p < free_until[k]) free_until[k] = p;
    }
    uint8_t hint = find_hint(ctx, x);
    uint32_t hk = hint != RA_NOREG ? ctx->preg_idx[hint] : RA_NONE;
    if (hk != RA_NONE && free_until[hk] >= cur->end) {
        assign_reg(ctx, x, hint);
        return true;
    }
    uint32_t best = 0;
    for (uint32_t k = 0; k < n; k++) {
        if (free_until[k] >= cur->end) {
            assign_reg(ctx, x, m->regs[cls][k]);
            return true;
        }
        if (free_until[k] > free_until[best]) best = k;
    }
    if (hk != RA_NONE && free_until[hk] == free_until[best]) best = hk;
    uint32_t q = P_GAP_OF(free_until[best]);
    if (free_until[best] == MAXPOS || q <= cur->start) return false;
    q = ra_best_split(ctx, cur->start + 1, q);
    assign_reg(ctx, x, m->regs[cls][best]);
    heap_add(ctx, ra_split(ctx, x, q));
    return true;
}

/* Frees register r for cur (already cut to what it may hold): active and
 * inactive holders of r that meet cur give it up. */
static void evict(ra_context *ctx, uint32_t x, uint8_t r) {
    uint32_t pos = ctx->iv.data[x].start;
    uint32_t w = 0;
    for (uint32_t k = 0; k < ctx->active.len; k++) {
        uint32_t a = ctx->active.data[k];
        if (ctx->iv.data[a].preg == r)
            evict_active(ctx, a, pos);
        else
            ctx->active.data[w++] = a;
    }
    ctx->active.len = w;
    w = 0;
    for (uint32_t k = 0; k < ctx->inactive.len; k++) {
        uint32_t a = ctx->inactive.data[k];
        const ra_ival *ai = &ctx->iv.data[a];
        if (ai->preg == r && intersect(ctx, ai, &ctx->iv.data[x], pos) != MAXPOS) {
            /* It resumes after pos: hand the rest back to the heap. */
            heap_add(ctx, ra_split(ctx, a, ra_rfrom(ctx, ai, ai->rcur)));
        } else {
            ctx->inactive.data[w++] = a;
        }
    }
    ctx->inactive.len = w;
}

/* No register is free: evict, or spill cur. */
static bool alloc_blocked(ra_context *ctx, uint32_t x) {
    const ra_machine *m = ctx->m;
    ra_ival *cur = &ctx->iv.data[x];
    uint8_t cls = cur->cls;
    uint32_t fu = ra_next_reg_use(ctx, cur, cur->start);
    if (fu == MAXPOS) {
        cur->kind = RA_IV_STACK;
        return true;
    }
    uint32_t n = m->num_regs[cls], g = P_GAP_OF(cur->start);
    uint32_t use_pos[64], block_pos[64];
    for (uint32_t k = 0; k < n; k++)
        use_pos[k] = block_pos[k] = MAXPOS;
    for (uint32_t k = 0; k < ctx->active.len; k++) {
        const ra_ival *a = &ctx->iv.data[ctx->active.data[k]];
        uint32_t idx = ctx->preg_idx[a->preg];
        uint32_t nu = ra_next_reg_use(ctx, a, g);
        if (nu < g + 4)
            use_pos[idx] = block_pos[idx] = 0; /* needs it in this instruction */
        else if (nu < use_pos[idx])
            use_pos[idx] = nu;
    }
    for (uint32_t k = 0; k < ctx->inactive.len; k++) {
        const ra_ival *a = &ctx->iv.data[ctx->inactive.data[k]];
        uint32_t idx = ctx->preg_idx[a->preg];
        if (use_pos[idx] == 0 || intersect(ctx, a, cur, cur->start) == MAXPOS) continue;
        uint32_t nu = ra_next_reg_use(ctx, a, cur->start);
        if (nu < use_pos[idx]) use_pos[idx] = nu;
    }
    uint32_t best = RA_NONE, limit_best = 0;
    uint8_t hint = find_hint(ctx, x);
    for (uint32_t k = 0; k < n; k++) {
        uint32_t p = fixed_intersect(ctx, m->regs[cls][k], cur);
        if (p < block_pos[k]) block_pos[k] = p;
        if (p < use_pos[k]) use_pos[k] = p;
        uint32_t limit = block_pos[k] >= cur->end ? MAXPOS : P_GAP_OF(block_pos[k]);
        if (use_pos[k] <= cur->start || limit <= fu) continue;
        if (best == RA_NONE || use_pos[k] > use_pos[best] ||
            (use_pos[k] == use_pos[best] && m->regs[cls][k] == hint)) {
            best = k;
            limit_best = limit;
        }
    }
    bool can_spill = P_GAP_OF(fu) > cur->start;
    if (best == RA_NONE || (use_pos[best] < fu && can_spill)) {
        if (!can_spill)
            return ra_fail(ctx, "inst %u: more values need %s registers than there are", P_INST(fu),
                           class_name(cls));
        spill_until_use(ctx, x, cur->start + 1);
        return true;
    }
    uint8_t r = m->regs[cls][best];
    if (limit_best != MAXPOS) {
        uint32_t q = ra_best_split(ctx, P_GAP_OF(fu) + 4, limit_best);
        heap_add(ctx, ra_split(ctx, x, q));
    }
    evict(ctx, x, r);
    assign_reg(ctx, x, r);
    return true;
}

/* A fixed def: its first piece is pre-coloured up to the next gap. */
static void precolor(ra_context *ctx, uint32_t x) {
    ra_ival *iv = &ctx->iv.data[x];
    uint8_t r = iv->fixed;
    uint32_t g = P_GAP(P_INST(iv->start) + 1);
    iv->kind = RA_IV_REG;
    iv->preg = r;
    if (iv->end > g) heap_add(ctx, ra_split(ctx, x, g));
}

static bool run_class(ra_context *ctx, uint8_t cls) {
    const ra_machine *m = ctx->m;
    for (uint32_t k = 0; k < m->num_regs[cls]; k++)
        ctx->fb_cur[m->regs[cls][k]] = ctx->fb_start[m->regs[cls][k]];
    vec_clear(ctx->heap);
    vec_clear(ctx->active);
    vec_clear(ctx->inactive);
    for (uint32_t v = 0; v < ctx->fn->num_vregs; v++) {
        ra_ival *iv = &ctx->iv.data[v];
        if (iv->cls != cls || iv->rbeg == iv->rend) continue;
        heap_add(ctx, v);
        if ((iv->fixed != RA_NOREG || iv->stack_def) && iv->start != ctx->def_pos.data[v]) {
            /* Blocks laid out before the definition: the def piece is not the first. */
            uint8_t fixed = iv->fixed, stack_def = iv->stack_def;
            iv->fixed = RA_NOREG;
            iv->stack_def = 0;
            uint32_t c = ra_split(ctx, v, ctx->def_pos.data[v]);
            ctx->iv.data[c].fixed = fixed;
            ctx->iv.data[c].stack_def = stack_def;
            heap_add(ctx, c);
        }
    }
    while (ctx->heap.len) {
        uint32_t x = (uint32_t)ra_heap_pop(ctx->heap.data, &ctx->heap.len);
        ra_ival *cur = &ctx->iv.data[x];
        advance(ctx, cls, cur->start);
        if (cur->fixed != RA_NOREG) {
            precolor(ctx, x);
        } else if (cur->stack_def) {
            spill_until_use(ctx, x, cur->start + 1);
        } else if (!try_free(ctx, x) && !alloc_blocked(ctx, x)) {
            return false;
        }
    }
    return true;
}

bool ra_linear_scan(ra_context *ctx) {
    for (uint8_t cls = 0; cls < RA_NUM_CLASSES; cls++)
        if (!run_class(ctx, cls)) return false;
    return true;
}
