/* The allocator's entry points: context lifetime and the pipeline
 * validate -> operands -> liveness -> linear scan -> slots -> moves. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "regalloc/ra_int.h"

bool ra_fail(ra_context *ctx, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ctx->err, sizeof ctx->err, fmt, ap);
    va_end(ap);
    return false;
}

ra_context *ra_context_new(void) {
    return cl_xcalloc(1, sizeof(ra_context));
}

void ra_context_free(ra_context *ctx) {
    if (!ctx) return;
    vec_free(ctx->inst_block);
    vec_free(ctx->loop_end);
    vec_free(ctx->loop_header);
    vec_free(ctx->loop_parent);
    vec_free(ctx->op_pos);
    vec_free(ctx->op_tie);
    vec_free(ctx->def_pos);
    vec_free(ctx->def_block);
    vec_free(ctx->def_inst);
    vec_free(ctx->def_fixed);
    vec_free(ctx->def_stack);
    vec_free(ctx->needs_slot);
    vec_free(ctx->use_start);
    vec_free(ctx->next_reg);
    vec_free(ctx->uses);
    vec_free(ctx->tmp_uses);
    vec_free(ctx->tmp_vreg);
    vec_free(ctx->vtmp_a);
    vec_free(ctx->vtmp_b);
    vec_free(ctx->stamp_in);
    vec_free(ctx->stamp_out);
    vec_free(ctx->stamp_loc);
    vec_free(ctx->loc_end);
    vec_free(ctx->work);
    vec_free(ctx->vblocks);
    vec_free(ctx->livein_start);
    vec_free(ctx->livein);
    vec_free(ctx->range_start);
    vec_free(ctx->ranges);
    vec_free(ctx->fblocks);
    vec_free(ctx->iv);
    vec_free(ctx->heap);
    vec_free(ctx->active);
    vec_free(ctx->inactive);
    vec_free(ctx->scratch);
    vec_free(ctx->vspan_start);
    vec_free(ctx->vspan_end);
    vec_free(ctx->slot);
    vec_free(ctx->kid_start);
    vec_free(ctx->kids);
    vec_free(ctx->kid_span);
    vec_free(ctx->kid_loc);
    vec_free(ctx->moves);
    vec_free(ctx->allocs);
    vec_free(ctx->edits);
    vec_free(ctx->pm_head);
    vec_free(ctx->pm_next);
    vec_free(ctx->pm_dst);
    vec_free(ctx->pm_readers);
    vec_free(ctx->pm_order);
    vec_free(ctx->pm_val);
    vec_free(ctx->pm_vstamp);
    vec_free(ctx->pm_holder);
    vec_free(ctx->pm_hstamp);
    free(ctx);
}

bool ra_allocate(ra_context *ctx, const ra_function *fn, const ra_machine *m, ra_result *result) {
    if (!result) return false;
    memset(result, 0, sizeof *result);
    if (!ctx) {
        snprintf(result->error, sizeof result->error, "missing allocator context");
        return false;
    }
    ctx->fn = fn;
    ctx->m = m;
    ctx->err[0] = 0;
    bool ok = ra_validate(fn, m, ctx->err, sizeof ctx->err);
    if (ok) {
        ra_cfg_build(ctx);
        ok = ra_operands_build(ctx) && ra_liveness(ctx) && ra_linear_scan(ctx);
    }
    if (ok) {
        ra_assign_slots(ctx);
        ok = ra_resolve(ctx);
    }
    if (!ok) {
        snprintf(result->error, sizeof result->error, "%s", ctx->err);
        return false;
    }
    result->allocs = ctx->allocs.data;
    result->edits = ctx->edits.data;
    result->num_edits = ctx->edits.len;
    result->num_spill_slots = ctx->num_slots + ctx->emergency_used;
    return true;
}
