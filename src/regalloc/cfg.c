/* Control-flow facts the allocator needs: the block of each instruction and an
 * approximate loop nest. A loop is found from its back edges in block order
 * (an edge p -> h with h <= p makes h a loop header whose loop spans blocks
 * h..p); this is exact for reducible code laid out in reverse postorder and a
 * harmless heuristic otherwise: loops only guide where splits are placed. */
#include "regalloc/ra_int.h"

static void fill_u32(void *vec_data, uint32_t n, uint32_t value) {
    uint32_t *d = vec_data;
    for (uint32_t k = 0; k < n; k++)
        d[k] = value;
}

void ra_cfg_build(ra_context *ctx) {
    const ra_function *fn = ctx->fn;
    uint32_t nb = fn->num_blocks;
    RA_RESIZE(ctx->inst_block, fn->num_insts);
    for (uint32_t b = 0; b < nb; b++)
        for (uint32_t i = fn->block_insts[b]; i < fn->block_insts[b + 1]; i++)
            ctx->inst_block.data[i] = b;

    RA_RESIZE(ctx->loop_end, nb);
    RA_RESIZE(ctx->loop_header, nb);
    RA_RESIZE(ctx->loop_parent, nb);
    fill_u32(ctx->loop_end.data, nb, RA_NONE);
    for (uint32_t b = 0; b < nb; b++)
        for (uint32_t e = fn->succ_start[b]; e < fn->succ_start[b + 1]; e++) {
            uint32_t h = fn->succs[e];
            if (h <= b && (ctx->loop_end.data[h] == RA_NONE || ctx->loop_end.data[h] < b))
                ctx->loop_end.data[h] = b;
        }
    /* Sweep blocks in order with a stack of open loops. */
    vec_clear(ctx->work);
    for (uint32_t b = 0; b < nb; b++) {
        while (ctx->work.len && ctx->loop_end.data[ctx->work.data[ctx->work.len - 1]] < b)
            ctx->work.len--;
        ctx->loop_parent.data[b] = RA_NONE;
        if (ctx->loop_end.data[b] != RA_NONE) {
            if (ctx->work.len) ctx->loop_parent.data[b] = ctx->work.data[ctx->work.len - 1];
            vec_push(ctx->work, b);
        }
        ctx->loop_header.data[b] = ctx->work.len ? ctx->work.data[ctx->work.len - 1] : RA_NONE;
    }
    vec_clear(ctx->work);
}
