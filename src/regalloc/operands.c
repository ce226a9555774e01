/* Operand analysis: turns each operand into a use position of its vreg (with a
 * register requirement and a hint), records definitions, and builds the
 * stretches where fixed operands and clobbers reserve physical registers.
 *
 * Operand rules (see regalloc.h and docs/REGALLOC.md):
 * - a FIXED use is copied into its register in the gap before the
 *   instruction: the vreg itself need only be live at the gap, and the
 *   register is reserved for it through the read (early) or the whole
 *   instruction (late);
 * - a REUSE def lives from the early point, so it never shares a register
 *   with another use; the reused use (and other early uses of the same vreg,
 *   which read the same register) is copied into that register at the gap;
 * - a FIXED def is pre-coloured: its first piece lives in the register until
 *   the next gap;
 * - clobbers reserve their registers at the clobber point, so early uses and
 *   late defs may sit in clobbered registers but nothing live across may. */
#include <stdlib.h>
#include <string.h>

#include "regalloc/ra_int.h"

static void push_use(ra_context *ctx, uint32_t vreg, uint32_t pos, uint32_t end, uint8_t reg,
                     uint8_t hint_kind, uint32_t hint, uint8_t is_def) {
    ra_use u = {pos, hint, end, reg, hint_kind, is_def};
    vec_push(ctx->tmp_uses, u);
    vec_push(ctx->tmp_vreg, vreg);
}

static void push_block(ra_context *ctx, uint32_t preg, uint32_t from, uint32_t to, uint32_t owner) {
    ra_fblock f = {from, to, owner};
    vec_push(ctx->fblocks, f);
    vec_push(ctx->scratch, preg);
}

/* Ties early uses of a reused vreg to the reusing def. */
static void find_ties(ra_context *ctx, uint32_t i) {
    const ra_function *fn = ctx->fn;
    uint32_t o0 = fn->op_start[i], o1 = fn->op_start[i + 1];
    for (uint32_t k = o0; k < o1; k++) {
        const ra_operand *op = &fn->ops[k];
        if (op->kind != RA_DEF || op->constraint != RA_REUSE) continue;
        const ra_operand *used = &fn->ops[o0 + op->extra];
        ctx->op_tie.data[o0 + op->extra] = k;
        /* Other uses may read the reused register only if it suits them. */
        if (used->constraint == RA_FIXED && ctx->preg_cls[used->extra] != fn->vreg_class[op->vreg])
            continue;
        ctx->vtmp_a.data[used->vreg] = i + 1;
        ctx->vtmp_b.data[used->vreg] = k;
    }
    for (uint32_t k = o0; k < o1; k++) {
        const ra_operand *op = &fn->ops[k];
        if (op->kind == RA_USE && op->pos == RA_EARLY && ctx->op_tie.data[k] == RA_NONE &&
            (op->constraint == RA_REG || op->constraint == RA_ANY) &&
            ctx->vtmp_a.data[op->vreg] == i + 1)
            ctx->op_tie.data[k] = ctx->vtmp_b.data[op->vreg];
    }
}

/* The register of a reused FIXED use, or RA_NOREG. */
static uint8_t reuse_fixed(const ra_function *fn, uint32_t i, const ra_operand *op) {
    const ra_operand *u = &fn->ops[fn->op_start[i] + op->extra];
    return u->constraint == RA_FIXED ? u->extra : RA_NOREG;
}

/* Use positions of instruction i, in three passes so they come out sorted. */
static void inst_uses(ra_context *ctx, uint32_t b, uint32_t i) {
    const ra_function *fn = ctx->fn;
    uint32_t o0 = fn->op_start[i], o1 = fn->op_start[i + 1], g = P_GAP(i);
    for (int pass = 0; pass < 3; pass++)
        for (uint32_t k = o0; k < o1; k++) {
            const ra_operand *op = &fn->ops[k];
            uint32_t v = op->vreg;
            if (op->kind == RA_USE) {
                bool at_gap = op->constraint == RA_FIXED || ctx->op_tie.data[k] != RA_NONE;
                int want = at_gap ? 0 : op->pos == RA_EARLY ? 1 : 2;
                if (want != pass) continue;
                uint32_t pos = at_gap ? g : op->pos == RA_EARLY ? P_EARLY(i) : P_LATE(i);
                ctx->op_pos.data[k] = pos;
                if (op->constraint == RA_STACK) ctx->needs_slot.data[v] = 1;
                if (op->constraint == RA_FIXED)
                    push_use(ctx, v, pos, pos + 1, 0, RA_HINT_PREG, op->extra, 0);
                else
                    push_use(ctx, v, pos, pos + 1, op->constraint == RA_REG && !at_gap,
                             RA_HINT_NONE, 0, 0);
                continue;
            }
            bool early = op->pos == RA_EARLY || op->constraint == RA_REUSE;
            if (pass != (early ? 1 : 2)) continue;
            uint32_t pos = early ? P_EARLY(i) : P_LATE(i);
            uint8_t fixed = op->constraint == RA_FIXED   ? op->extra
                            : op->constraint == RA_REUSE ? reuse_fixed(fn, i, op)
                                                         : RA_NOREG;
            ctx->op_pos.data[k] = pos;
            ctx->def_pos.data[v] = pos;
            ctx->def_block.data[v] = b;
            ctx->def_inst.data[v] = i;
            ctx->def_fixed.data[v] = fixed;
            ctx->def_stack.data[v] = op->constraint == RA_STACK;
            if (op->constraint == RA_STACK) ctx->needs_slot.data[v] = 1;
            uint8_t reg = op->constraint != RA_ANY && op->constraint != RA_STACK;
            if (fixed != RA_NOREG)
                push_use(ctx, v, pos, P_GAP(i + 1), reg, RA_HINT_PREG, fixed, 1);
            else if (op->constraint == RA_REUSE)
                push_use(ctx, v, pos, P_GAP(i + 1), reg, RA_HINT_REUSE,
                         fn->ops[o0 + op->extra].vreg, 1);
            else
                push_use(ctx, v, pos, P_GAP(i + 1), reg, RA_HINT_NONE, 0, 1);
        }
}

/* Register reservations of instruction i, pushed in order of their start. */
static void inst_blocks(ra_context *ctx, uint32_t i) {
    const ra_function *fn = ctx->fn;
    uint32_t o0 = fn->op_start[i], o1 = fn->op_start[i + 1], g = P_GAP(i);
    const ra_pregset *clob = fn->clobbers ? &fn->clobbers[i] : NULL;
    for (uint32_t k = o0; k < o1; k++) {
        const ra_operand *op = &fn->ops[k];
        if (op->kind == RA_USE && op->constraint == RA_FIXED)
            push_block(ctx, op->extra, g, op->pos == RA_EARLY ? g + 2 : g + 4, op->vreg);
    }
    for (uint32_t k = o0; k < o1; k++) {
        const ra_operand *op = &fn->ops[k];
        if (op->kind == RA_DEF && op->constraint == RA_FIXED && op->pos == RA_EARLY)
            push_block(ctx, op->extra, g + 1, g + 4, op->vreg);
    }
    if (clob)
        for (uint32_t r = ra_pregset_next(clob, 0); r < 128; r = ra_pregset_next(clob, r + 1))
            push_block(ctx, r, g + 2, g + 3, RA_NONE);
    for (int late = 0; late < 2; late++)
        for (uint32_t k = o0; k < o1; k++) {
            const ra_operand *op = &fn->ops[k];
            if (op->kind != RA_DEF) continue;
            if (op->constraint == RA_REUSE) {
                uint8_t r = reuse_fixed(fn, i, op);
                if (r == RA_NOREG) continue;
                bool clobbered = clob && ra_pregset_has(clob, r);
                if (clobbered == (late == 1)) push_block(ctx, r, g + 2 + late, g + 4, op->vreg);
            } else if (late && op->constraint == RA_FIXED && op->pos == RA_LATE) {
                push_block(ctx, op->extra, g + 3, g + 4, op->vreg);
            }
        }
}

/* Sorts the reservations by register (stably: they were pushed in order) and
 * rejects overlapping ones of different owners. */
static bool sort_blocks(ra_context *ctx) {
    uint32_t n = ctx->fblocks.len;
    uint32_t count[129];
    memset(count, 0, sizeof count);
    for (uint32_t k = 0; k < n; k++)
        count[ctx->scratch.data[k] + 1]++;
    for (uint32_t r = 0; r < 128; r++)
        count[r + 1] += count[r];
    ra_fblock *sorted = cl_xmalloc(((size_t)n + 1) * sizeof *sorted);
    for (uint32_t k = 0; k < n; k++)
        sorted[count[ctx->scratch.data[k]]++] = ctx->fblocks.data[k];
    /* count[r] is now the end of register r's rows. */
    uint32_t w = 0, k = 0;
    bool ok = true;
    for (uint32_t r = 0; r < 128 && ok; r++) {
        ctx->fb_start[r] = w;
        for (; k < count[r]; k++) {
            ra_fblock f = sorted[k];
            if (w > ctx->fb_start[r] && f.from < ctx->fblocks.data[w - 1].to) {
                ra_fblock *prev = &ctx->fblocks.data[w - 1];
                if (prev->owner == f.owner && f.owner != RA_NONE) {
                    if (f.to > prev->to) prev->to = f.to;
                    continue;
                }
                if (prev->owner == RA_NONE || f.owner == RA_NONE)
                    ok = ra_fail(ctx,
                                 "inst %u: register %u is clobbered while a fixed operand "
                                 "needs it",
                                 P_INST(f.from), r);
                else
                    ok = ra_fail(ctx, "inst %u: register %u is required by vregs %u and %u",
                                 P_INST(f.from), r, prev->owner, f.owner);
                break;
            }
            ctx->fblocks.data[w++] = f;
        }
    }
    ctx->fb_start[128] = w;
    ctx->fblocks.len = w;
    free(sorted);
    return ok;
}

/* Groups the collected use positions by vreg (stably) and links register uses. */
static void sort_uses(ra_context *ctx) {
    uint32_t nv = ctx->fn->num_vregs, n = ctx->tmp_uses.len;
    RA_RESIZE(ctx->use_start, nv + 1);
    memset(ctx->use_start.data, 0, (nv + 1) * sizeof(uint32_t));
    for (uint32_t k = 0; k < n; k++)
        ctx->use_start.data[ctx->tmp_vreg.data[k] + 1]++;
    for (uint32_t v = 0; v < nv; v++)
        ctx->use_start.data[v + 1] += ctx->use_start.data[v];
    RA_RESIZE(ctx->uses, n);
    RA_RESIZE(ctx->vtmp_a, nv);
    memcpy(ctx->vtmp_a.data, ctx->use_start.data, nv * sizeof(uint32_t));
    for (uint32_t k = 0; k < n; k++)
        ctx->uses.data[ctx->vtmp_a.data[ctx->tmp_vreg.data[k]]++] = ctx->tmp_uses.data[k];
    RA_RESIZE(ctx->next_reg, n + 1);
    for (uint32_t v = 0; v < nv; v++) {
        uint32_t next = RA_NONE;
        for (uint32_t k = ctx->use_start.data[v + 1]; k-- > ctx->use_start.data[v];) {
            if (ctx->uses.data[k].reg) next = k;
            ctx->next_reg.data[k] = next;
        }
    }
}

static bool check_fixed_classes(ra_context *ctx) {
    const ra_function *fn = ctx->fn;
    for (uint32_t i = 0; i < fn->num_insts; i++)
        for (uint32_t k = fn->op_start[i]; k < fn->op_start[i + 1]; k++) {
            const ra_operand *op = &fn->ops[k];
            if (op->constraint != RA_FIXED) continue;
            uint8_t c = ctx->preg_cls[op->extra];
            if (c != RA_NOREG && c != fn->vreg_class[op->vreg])
                return ra_fail(ctx, "inst %u operand %u: register %u is not in the vreg's class", i,
                               k - fn->op_start[i], op->extra);
        }
    return true;
}

bool ra_operands_build(ra_context *ctx) {
    const ra_function *fn = ctx->fn;
    const ra_machine *m = ctx->m;
    uint32_t nv = fn->num_vregs, nops = fn->op_start[fn->num_insts];
    memset(ctx->preg_cls, 0xff, sizeof ctx->preg_cls);
    memset(ctx->preg_idx, 0xff, sizeof ctx->preg_idx);
    for (int c = 0; c < RA_NUM_CLASSES; c++)
        for (uint32_t k = 0; k < m->num_regs[c]; k++) {
            ctx->preg_cls[m->regs[c][k]] = (uint8_t)c;
            ctx->preg_idx[m->regs[c][k]] = (uint8_t)k;
        }
    if (!check_fixed_classes(ctx)) return false;

    RA_RESIZE(ctx->op_pos, nops);
    RA_RESIZE(ctx->op_tie, nops);
    memset(ctx->op_tie.data, 0xff, nops * sizeof(uint32_t));
    RA_RESIZE(ctx->def_pos, nv);
    RA_RESIZE(ctx->def_block, nv);
    RA_RESIZE(ctx->def_inst, nv);
    RA_RESIZE(ctx->def_fixed, nv);
    RA_RESIZE(ctx->def_stack, nv);
    RA_RESIZE(ctx->needs_slot, nv);
    RA_RESIZE(ctx->vtmp_a, nv);
    RA_RESIZE(ctx->vtmp_b, nv);
    memset(ctx->def_pos.data, 0xff, nv * sizeof(uint32_t));
    memset(ctx->def_block.data, 0xff, nv * sizeof(uint32_t));
    memset(ctx->def_inst.data, 0xff, nv * sizeof(uint32_t));
    memset(ctx->def_fixed.data, 0xff, nv);
    memset(ctx->def_stack.data, 0, nv);
    memset(ctx->needs_slot.data, 0, nv);
    memset(ctx->vtmp_a.data, 0, nv * sizeof(uint32_t));

    vec_clear(ctx->tmp_uses);
    vec_clear(ctx->tmp_vreg);
    vec_clear(ctx->fblocks);
    vec_clear(ctx->scratch);
    for (uint32_t b = 0; b < fn->num_blocks; b++) {
        uint32_t first = fn->block_insts[b], last = fn->block_insts[b + 1] - 1;
        for (uint32_t k = fn->param_start[b]; k < fn->param_start[b + 1]; k++) {
            uint32_t v = fn->params[k];
            ctx->def_pos.data[v] = P_GAP(first);
            ctx->def_block.data[v] = b;
            push_use(ctx, v, P_GAP(first), 0, 0, RA_HINT_PARAM, k, 1);
        }
        for (uint32_t i = first; i <= last; i++) {
            find_ties(ctx, i);
            inst_uses(ctx, b, i);
            inst_blocks(ctx, i);
        }
        for (uint32_t e = fn->succ_start[b]; e < fn->succ_start[b + 1]; e++) {
            uint32_t p0 = fn->param_start[fn->succs[e]];
            for (uint32_t a = fn->edge_arg_start[e]; a < fn->edge_arg_start[e + 1]; a++)
                push_use(ctx, fn->edge_args[a], P_LATE(last), P_GAP(last + 1), 0, RA_HINT_FIRST,
                         fn->params[p0 + a - fn->edge_arg_start[e]], 0);
        }
    }
    if (!sort_blocks(ctx)) return false;
    sort_uses(ctx);
    return true;
}
