/* Emission of allocated VCode: prologue, blocks in order with the
 * allocator's moves between instructions, trap stubs, and the listing. */
#include "machinst/emit.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "machinst/target.h"

mc_label emit_trap_label(emit_ctx *ctx, clif_trap_code code) {
    for (uint32_t i = 0; i < ctx->traps.len; i++)
        if (ctx->traps.data[i].code == code) return ctx->traps.data[i].label;
    emit_trap t = {mcb_new_label(ctx->buf), code};
    vec_push(ctx->traps, t);
    return t.label;
}

/* The block a branch to successor k really reaches: empty blocks that only
 * jump on are threaded through. */
static uint32_t succ_block(const emit_ctx *ctx, uint32_t k) {
    uint32_t b = ctx->vc->succs.data[ctx->vc->succ_start.data[ctx->cur_block] + k];
    return ctx->final ? ctx->final[b] : b;
}

mc_label emit_succ_label(const emit_ctx *ctx, uint32_t k) {
    return ctx->block_labels[succ_block(ctx, k)];
}

bool emit_succ_is_next(const emit_ctx *ctx, uint32_t k) {
    return succ_block(ctx, k) == ctx->next_block;
}

void emit_listing(emit_ctx *ctx, uint32_t offset, const char *fmt, ...) {
    if (!ctx->want_listing) return;
    char line[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n >= sizeof line) n = sizeof line - 1;
    emit_line l = {offset, ctx->text.len};
    vec_push(ctx->lines, l);
    vec_reserve(ctx->text, (uint32_t)n + 1);
    for (int i = 0; i < n; i++)
        ctx->text.data[ctx->text.len++] = line[i];
    ctx->text.data[ctx->text.len++] = 0;
}

/* Emits the allocator's edits at program point `point`, from *e on. */
static void emit_edits(emit_ctx *ctx, const ra_result *res, uint32_t *e, uint32_t point) {
    const target_backend *be = ctx->isa->target->backend;
    while (*e < res->num_edits && res->edits[*e].point < point)
        (*e)++;
    while (*e < res->num_edits && res->edits[*e].point == point) {
        const ra_edit *ed = &res->edits[*e];
        be->emit_move(ctx, ed->rclass, ed->from, ed->to);
        (*e)++;
    }
}

/* Whether block b is one jump without operands and without allocator
 * moves: branches to it can go to its successor directly. */
static bool only_jumps(const emit_ctx *ctx, const ra_result *res, uint32_t b) {
    const vcode *vc = ctx->vc;
    uint32_t i = vc->block_insts.data[b];
    if (b == 0 || vc->block_insts.data[b + 1] != i + 1) return false;
    if (vc->inst_flags.data[i] != RA_INST_BRANCH) return false;
    if (vc->succ_start.data[b + 1] - vc->succ_start.data[b] != 1) return false;
    if (vc->op_start.data[i + 1] != vc->op_start.data[i]) return false;
    const ra_pregset *c = &vc->clobbers.data[i];
    if (c->bits[0] || c->bits[1]) return false;
    /* Edits sorted by point: binary search for this instruction's points. */
    uint32_t lo = 0, hi = res->num_edits;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (res->edits[mid].point < RA_POINT(i, RA_BEFORE))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo == res->num_edits || res->edits[lo].point > RA_POINT(i, RA_AFTER);
}

/* final[b]: where a branch to b ends up after threading through blocks that
 * only jump (a cycle of such blocks keeps its first block). */
static void thread_jumps(emit_ctx *ctx, const ra_result *res, uint32_t nb) {
    const vcode *vc = ctx->vc;
    uint8_t *trivial = cl_xcalloc(nb + 1, 1);
    for (uint32_t b = 0; b < nb; b++)
        trivial[b] = only_jumps(ctx, res, b);
    for (uint32_t b = 0; b < nb; b++) {
        uint32_t t = b, steps = 0;
        while (trivial[t] && steps++ <= nb)
            t = vc->succs.data[vc->succ_start.data[t]];
        ctx->final[b] = steps > nb ? b : t;
    }
    free(trivial);
}

void emit_function(emit_ctx *ctx, const ra_result *res) {
    const target_backend *be = ctx->isa->target->backend;
    const vcode *vc = ctx->vc;
    uint32_t nb = vcode_num_blocks(vc);
    for (uint32_t b = 0; b < nb; b++)
        ctx->block_labels[b] = mcb_new_label(ctx->buf);
    ctx->final = cl_xmalloc((nb + 1) * sizeof *ctx->final);
    thread_jumps(ctx, res, nb);
    for (uint32_t k = 0; k < vc->consts.len; k++) {
        const vcode_const *c = &vc->consts.data[k];
        ctx->const_labels[k] =
            mcb_add_constant(ctx->buf, vc->const_data.data + c->off, c->len, c->align);
    }
    be->emit_prologue(ctx);
    uint32_t e = 0;
    for (uint32_t b = 0; b < nb; b++) {
        if (ctx->final[b] != b) continue; /* every branch to it goes past it */
        ctx->cur_block = b;
        ctx->next_block = CLIF_NONE;
        for (uint32_t n = b + 1; n < nb; n++)
            if (ctx->final[n] == n) {
                ctx->next_block = n;
                break;
            }
        mcb_bind_label(ctx->buf, ctx->block_labels[b]);
        for (uint32_t i = vc->block_insts.data[b]; i < vc->block_insts.data[b + 1]; i++) {
            emit_edits(ctx, res, &e, RA_POINT(i, RA_BEFORE));
            be->emit_inst(ctx, vcode_inst(vc, i), res->allocs + vc->op_start.data[i]);
            emit_edits(ctx, res, &e, RA_POINT(i, RA_AFTER));
        }
    }
    for (uint32_t t = 0; t < ctx->traps.len; t++) {
        mcb_bind_label(ctx->buf, ctx->traps.data[t].label);
        be->emit_trap(ctx, ctx->traps.data[t].code);
    }
    free(ctx->final);
    ctx->final = NULL;
}
