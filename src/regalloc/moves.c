/* Move resolution: from the pieces of every vreg to operand allocations and
 * the moves between instructions.
 *
 * Moves are collected as (instruction, phase) groups, each one parallel move
 * placed before the instruction; the phases of one gap run in order:
 *   EDGE_IN   block-edge moves when the block has one predecessor, and stores
 *             of values defined by that predecessor's terminator;
 *   SPLIT     moves between consecutive pieces of a vreg, stores right after
 *             definitions (and of block parameters at the block start);
 *   OPERAND   copies into fixed-use registers and reused registers;
 *   EDGE_OUT  block-edge moves when the block has one successor (its branch
 *             then has no operands, see validate.c).
 * A parallel move is sequenced so no source is overwritten before it is read;
 * cycles are broken through the class's scratch register or, without one, a
 * spare spill slot. Stack-to-stack moves go through the scratch register, or
 * through a register saved to a spare slot around the move. */
#include <stdlib.h>
#include <string.h>

#include "regalloc/ra_int.h"

static ra_loc piece_loc(const ra_context *ctx, const ra_ival *iv) {
    ra_loc l;
    if (iv->kind == RA_IV_REG) {
        l.kind = RA_LOC_REG;
        l.index = iv->preg;
    } else {
        l.kind = RA_LOC_STACK;
        l.index = ctx->slot.data[iv->vreg];
    }
    return l;
}

static bool loc_eq(ra_loc a, ra_loc b) {
    return a.kind == b.kind && a.index == b.index;
}

static ra_loc reg_loc(uint32_t r) {
    ra_loc l = {RA_LOC_REG, r};
    return l;
}

static ra_loc stack_loc(uint32_t s) {
    ra_loc l = {RA_LOC_STACK, s};
    return l;
}

bool ra_loc_at(const ra_context *ctx, uint32_t v, uint32_t pos, ra_loc *out) {
    uint32_t lo = ctx->kid_start.data[v], hi = ctx->kid_start.data[v + 1], first = lo;
    const ra_range *span = ctx->kid_span.data;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (span[mid].from <= pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == first || pos >= span[lo - 1].to) return false;
    *out = ctx->kid_loc.data[lo - 1];
    return true;
}

static bool loc_at(ra_context *ctx, uint32_t v, uint32_t pos, ra_loc *out) {
    if (ra_loc_at(ctx, v, pos, out)) return true;
    return ra_fail(ctx, "internal error: vreg %u has no location at inst %u", v, P_INST(pos));
}

static void add_move(ra_context *ctx, uint32_t inst, uint8_t phase, uint32_t vreg, ra_loc from,
                     ra_loc to) {
    if (loc_eq(from, to)) return;
    ra_move mv = {inst, ctx->moves.len, phase, ctx->fn->vreg_class[vreg], from, to};
    vec_push(ctx->moves, mv);
}

static bool build_kids(ra_context *ctx) {
    uint32_t nv = ctx->fn->num_vregs;
    RA_RESIZE(ctx->kid_start, nv + 1);
    vec_clear(ctx->kids);
    for (uint32_t v = 0; v < nv; v++) {
        ctx->kid_start.data[v] = ctx->kids.len;
        if (ctx->iv.data[v].rbeg == ctx->iv.data[v].rend) continue;
        for (uint32_t x = v; x != RA_NONE; x = ctx->iv.data[x].next) {
            if (ctx->iv.data[x].kind == RA_IV_NONE)
                return ra_fail(ctx, "internal error: vreg %u left unallocated", v);
            vec_push(ctx->kids, x);
        }
    }
    ctx->kid_start.data[nv] = ctx->kids.len;
    RA_RESIZE(ctx->kid_span, ctx->kids.len);
    RA_RESIZE(ctx->kid_loc, ctx->kids.len);
    for (uint32_t k = 0; k < ctx->kids.len; k++) {
        const ra_ival *iv = &ctx->iv.data[ctx->kids.data[k]];
        ctx->kid_span.data[k].from = iv->start;
        ctx->kid_span.data[k].to = iv->end;
        ctx->kid_loc.data[k] = piece_loc(ctx, iv);
    }
    return true;
}

static bool is_block_start(const ra_context *ctx, uint32_t i) {
    return ctx->fn->block_insts[ctx->inst_block.data[i]] == i;
}

/* Moves between consecutive pieces; a piece on the stack needs none (the
 * slot was written at the definition). */
static bool split_moves(ra_context *ctx) {
    for (uint32_t v = 0; v < ctx->fn->num_vregs; v++)
        for (uint32_t k = ctx->kid_start.data[v] + 1; k < ctx->kid_start.data[v + 1]; k++) {
            const ra_ival *a = &ctx->iv.data[ctx->kids.data[k - 1]];
            const ra_ival *b = &ctx->iv.data[ctx->kids.data[k]];
            if (b->start != a->end || b->kind == RA_IV_STACK) continue;
            if (b->start & 3) return ra_fail(ctx, "internal error: split inside an instruction");
            uint32_t i = P_INST(b->start);
            if (is_block_start(ctx, i)) continue; /* resolved on the edges */
            add_move(ctx, i, RA_PH_SPLIT, v, piece_loc(ctx, a), piece_loc(ctx, b));
        }
    return true;
}

/* Stores of spilled vregs right after their definition. */
static bool def_stores(ra_context *ctx) {
    const ra_function *fn = ctx->fn;
    for (uint32_t v = 0; v < fn->num_vregs; v++) {
        if (ctx->slot.data[v] == RA_NONE || ctx->kid_start.data[v] == ctx->kid_start.data[v + 1])
            continue;
        ra_loc at, to = stack_loc(ctx->slot.data[v]);
        if (!loc_at(ctx, v, ctx->def_pos.data[v], &at)) return false;
        if (at.kind != RA_LOC_REG) continue;
        uint32_t i = ctx->def_inst.data[v];
        if (i == RA_NONE) {
            add_move(ctx, P_INST(ctx->def_pos.data[v]), RA_PH_SPLIT, v, at, to);
            continue;
        }
        uint32_t b = ctx->inst_block.data[i];
        if (i + 1 < fn->block_insts[b + 1]) {
            add_move(ctx, i + 1, RA_PH_SPLIT, v, at, to);
            continue;
        }
        for (uint32_t e = fn->succ_start[b]; e < fn->succ_start[b + 1]; e++)
            add_move(ctx, fn->block_insts[fn->succs[e]], RA_PH_EDGE_IN, v, at, to);
    }
    return true;
}

/* The piece of split vreg v covering pos, advancing cursor *c (positions
 * asked of one cursor never decrease). */
static bool piece_from(ra_context *ctx, uint32_t v, uint32_t pos, uint32_t *c) {
    uint32_t k = *c, end = ctx->kid_start.data[v + 1];
    const ra_range *span = ctx->kid_span.data;
    while (k + 1 < end && span[k + 1].from <= pos)
        k++;
    *c = k;
    if (span[k].from <= pos && pos < span[k].to) return true;
    return ra_fail(ctx, "internal error: vreg %u has no location at inst %u", v, P_INST(pos));
}

/* Moves on block edges. Values live into a block: a sweep over blocks finds
 * each one's piece at the block start, a second sweep its piece at the end
 * of each predecessor (cursors per vreg, so the work is linear). */
static bool edge_moves(ra_context *ctx) {
    const ra_function *fn = ctx->fn;
    uint32_t nv = fn->num_vregs;
    RA_RESIZE(ctx->vtmp_a, nv);
    RA_RESIZE(ctx->vtmp_b, nv);
    memcpy(ctx->vtmp_a.data, ctx->kid_start.data, nv * sizeof(uint32_t));
    memcpy(ctx->vtmp_b.data, ctx->kid_start.data, nv * sizeof(uint32_t));
    RA_RESIZE(ctx->scratch, ctx->livein.len);
    uint32_t *piece_in = ctx->scratch.data;
    for (uint32_t s = 0; s < fn->num_blocks; s++)
        for (uint32_t k = ctx->livein_start.data[s]; k < ctx->livein_start.data[s + 1]; k++) {
            uint32_t v = ctx->livein.data[k];
            if (ctx->kid_start.data[v + 1] - ctx->kid_start.data[v] == 1) continue; /* unsplit */
            if (!piece_from(ctx, v, P_GAP(fn->block_insts[s]), &ctx->vtmp_a.data[v])) return false;
            piece_in[k] = ctx->vtmp_a.data[v];
        }
    for (uint32_t b = 0; b < fn->num_blocks; b++) {
        uint32_t end = P_LATE(fn->block_insts[b + 1] - 1);
        for (uint32_t e = fn->succ_start[b]; e < fn->succ_start[b + 1]; e++) {
            uint32_t s = fn->succs[e], first = fn->block_insts[s];
            bool at_start = s != 0 && fn->pred_start[s + 1] - fn->pred_start[s] == 1;
            uint32_t inst = at_start ? first : fn->block_insts[b + 1] - 1;
            uint8_t phase = at_start ? RA_PH_EDGE_IN : RA_PH_EDGE_OUT;
            ra_loc from, to;
            for (uint32_t k = ctx->livein_start.data[s]; k < ctx->livein_start.data[s + 1]; k++) {
                uint32_t v = ctx->livein.data[k];
                if (ctx->kid_start.data[v + 1] - ctx->kid_start.data[v] == 1) continue;
                to = ctx->kid_loc.data[piece_in[k]];
                if (to.kind == RA_LOC_STACK) continue;
                if (!piece_from(ctx, v, end, &ctx->vtmp_b.data[v])) return false;
                add_move(ctx, inst, phase, v, ctx->kid_loc.data[ctx->vtmp_b.data[v]], to);
            }
            uint32_t p0 = fn->param_start[s], a0 = fn->edge_arg_start[e];
            for (uint32_t k = 0; k < fn->param_start[s + 1] - p0; k++) {
                uint32_t p = fn->params[p0 + k], a = fn->edge_args[a0 + k];
                if (!ra_loc_at(ctx, p, P_GAP(first), &to)) continue; /* dead parameter */
                if (!loc_at(ctx, a, end, &from)) return false;
                add_move(ctx, inst, phase, p, from, to);
            }
        }
    }
    return true;
}

/* Operand allocations, and the copies into fixed and reused registers. */
static bool operand_allocs(ra_context *ctx) {
    const ra_function *fn = ctx->fn;
    uint32_t nops = fn->op_start[fn->num_insts];
    RA_RESIZE(ctx->allocs, nops);
    for (uint32_t i = 0; i < fn->num_insts; i++)
        for (uint32_t k = fn->op_start[i]; k < fn->op_start[i + 1]; k++) {
            const ra_operand *op = &fn->ops[k];
            uint32_t v = op->vreg, tie = ctx->op_tie.data[k];
            ra_loc *out = &ctx->allocs.data[k], from;
            if (op->constraint == RA_FIXED) {
                *out = reg_loc(op->extra);
                if (op->kind == RA_USE) {
                    if (!loc_at(ctx, v, P_GAP(i), &from)) return false;
                    add_move(ctx, i, RA_PH_OPERAND, v, from, *out);
                }
            } else if (op->constraint == RA_STACK) {
                if (ctx->slot.data[v] == RA_NONE)
                    return ra_fail(ctx, "internal error: vreg %u has no slot", v);
                *out = stack_loc(ctx->slot.data[v]);
            } else if (op->kind == RA_USE && tie != RA_NONE) {
                if (!loc_at(ctx, fn->ops[tie].vreg, P_EARLY(i), out) ||
                    !loc_at(ctx, v, P_GAP(i), &from))
                    return false;
                add_move(ctx, i, RA_PH_OPERAND, v, from, *out);
            } else if (!loc_at(ctx, v, ctx->op_pos.data[k], out)) {
                return false;
            }
        }
    return true;
}

static int cmp_move(const void *pa, const void *pb) {
    const ra_move *a = pa, *b = pb;
    if (a->inst != b->inst) return a->inst < b->inst ? -1 : 1;
    if (a->phase != b->phase) return a->phase < b->phase ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* ---- Sequencing one parallel move. ---- */

typedef struct pm_state {
    ra_context *ctx;
    uint32_t point, stamp;
    bool scratch_written[RA_NUM_CLASSES]; /* a move of the group fills the scratch register */
} pm_state;

static uint32_t lkey(ra_loc l) {
    return l.kind == RA_LOC_REG ? l.index : 128 + l.index;
}

/* Symbolic values within one gap: every location starts with its own value
 * (its key); a move gives the destination the source's value. A move into a
 * location that already holds the value is dropped, and a load from a slot
 * whose value a register already holds reads the register instead. */
static uint32_t val_of(const pm_state *s, uint32_t key) {
    return s->ctx->pm_vstamp.data[key] == s->stamp ? s->ctx->pm_val.data[key] : key;
}

static void set_val(pm_state *s, uint32_t key, uint32_t v) {
    ra_context *ctx = s->ctx;
    ctx->pm_vstamp.data[key] = s->stamp;
    ctx->pm_val.data[key] = v;
    if (key < 128) { /* remember a register holding v */
        ctx->pm_hstamp.data[v] = s->stamp;
        ctx->pm_holder.data[v] = key;
    }
}

/* A register of class cls (not the scratch) holding value v, or RA_NONE. */
static uint32_t reg_holding(const pm_state *s, uint8_t cls, uint32_t v) {
    const ra_context *ctx = s->ctx;
    if (ctx->pm_hstamp.data[v] != s->stamp) return RA_NONE;
    uint32_t r = ctx->pm_holder.data[v];
    return ctx->preg_cls[r] == cls && val_of(s, r) == v ? r : RA_NONE;
}

static void emit(pm_state *s, uint8_t cls, ra_loc from, ra_loc to) {
    uint32_t v = val_of(s, lkey(from));
    if (val_of(s, lkey(to)) == v) return;
    ra_edit e = {s->point, cls, from, to};
    vec_push(s->ctx->edits, e);
    set_val(s, lkey(to), v);
}

static void use_emergency(ra_context *ctx, uint32_t n) {
    if (ctx->emergency_used < n) ctx->emergency_used = n;
}

/* Whether the scratch register of cls may carry a temporary now: it exists,
 * no pending move reads it (a cycle's saved value, a fixed def) and no move
 * of the group fills it (a fixed use). */
static bool scratch_free(const pm_state *s, uint8_t cls) {
    uint8_t sc = s->ctx->m->scratch[cls];
    return sc != RA_NOREG && !s->scratch_written[cls] && s->ctx->pm_readers.data[sc] == 0;
}

/* Emits one move, routing stack-to-stack moves through a register. */
static bool lower(pm_state *s, uint8_t cls, ra_loc from, ra_loc to) {
    ra_context *ctx = s->ctx;
    uint8_t sc = ctx->m->scratch[cls];
    uint32_t v = val_of(s, lkey(from));
    if (val_of(s, lkey(to)) == v) return true;
    if (from.kind == RA_LOC_STACK) {
        uint32_t r = reg_holding(s, cls, v);
        if (r != RA_NONE) from = reg_loc(r);
    }
    if (from.kind == RA_LOC_STACK && to.kind == RA_LOC_STACK) {
        if (scratch_free(s, cls)) {
            emit(s, cls, from, reg_loc(sc));
            emit(s, cls, reg_loc(sc), to);
            return true;
        }
        if (ctx->m->num_regs[cls] == 0)
            return ra_fail(ctx, "unsupported: a stack-to-stack move in a class without registers");
        ra_loc r = reg_loc(ctx->m->regs[cls][0]), save = stack_loc(ctx->num_slots + 1);
        use_emergency(ctx, 2);
        emit(s, cls, r, save);
        emit(s, cls, from, r);
        emit(s, cls, r, to);
        emit(s, cls, save, r);
        return true;
    }
    emit(s, cls, from, to);
    return true;
}

#define PM_DROPPED 0xfe
#define PM_DONE    0xff

static bool sequence(pm_state *s, ra_move *mv, uint32_t n) {
    ra_context *ctx = s->ctx;
    uint32_t *dst = ctx->pm_dst.data, *readers = ctx->pm_readers.data, *head = ctx->pm_head.data;
    RA_RESIZE(ctx->pm_next, n);
    uint32_t *next = ctx->pm_next.data;
    vec_clear(ctx->pm_order); /* touched keys */
    vec_clear(ctx->scratch);  /* ready moves */
    bool ok = true;
    uint32_t remaining = 0;
    memset(s->scratch_written, 0, sizeof s->scratch_written);
    for (uint32_t j = 0; j < n; j++) {
        uint8_t sc = ctx->m->scratch[mv[j].cls];
        if (sc != RA_NOREG && mv[j].to.kind == RA_LOC_REG && mv[j].to.index == sc)
            s->scratch_written[mv[j].cls] = true;
    }
    for (uint32_t j = 0; j < n && ok; j++) {
        uint32_t kt = lkey(mv[j].to);
        vec_push(ctx->pm_order, kt);
        if (dst[kt] != RA_NONE) {
            if (!loc_eq(mv[dst[kt]].from, mv[j].from))
                ok = ra_fail(ctx, "internal error: two moves into one location at inst %u",
                             mv[j].inst);
            mv[j].phase = PM_DROPPED;
            continue;
        }
        dst[kt] = j;
        remaining++;
    }
    for (uint32_t j = 0; j < n && ok; j++) {
        if (mv[j].phase == PM_DROPPED) continue;
        uint32_t kf = lkey(mv[j].from);
        vec_push(ctx->pm_order, kf);
        readers[kf]++;
        next[j] = head[kf];
        head[kf] = j;
    }
    for (uint32_t j = 0; j < n && ok; j++)
        if (mv[j].phase != PM_DROPPED && readers[lkey(mv[j].to)] == 0) vec_push(ctx->scratch, j);
    uint32_t scan = 0;
    while (ok && remaining) {
        while (ok && ctx->scratch.len) {
            uint32_t j = ctx->scratch.data[--ctx->scratch.len];
            ok = lower(s, mv[j].cls, mv[j].from, mv[j].to);
            mv[j].phase = PM_DONE;
            remaining--;
            uint32_t kf = lkey(mv[j].from);
            if (--readers[kf] == 0 && dst[kf] != RA_NONE && mv[dst[kf]].phase < PM_DROPPED)
                vec_push(ctx->scratch, dst[kf]);
        }
        if (!ok || !remaining) break;
        /* Only cycles are left: save one destination to a temporary. */
        while (mv[scan].phase >= PM_DROPPED)
            scan++;
        ra_move *c = &mv[scan];
        uint8_t sc = ctx->m->scratch[c->cls];
        bool in_reg = scratch_free(s, c->cls);
        ra_loc tmp = in_reg ? reg_loc(sc) : stack_loc(ctx->num_slots);
        if (!in_reg) use_emergency(ctx, 1);
        ok = lower(s, c->cls, c->to, tmp);
        uint32_t kt = lkey(c->to), ktmp = lkey(tmp);
        vec_push(ctx->pm_order, ktmp);
        for (uint32_t r = head[kt]; r != RA_NONE; r = next[r])
            if (mv[r].phase < PM_DROPPED) {
                mv[r].from = tmp;
                readers[ktmp]++;
            }
        readers[kt] = 0;
        vec_push(ctx->scratch, scan);
    }
    for (uint32_t k = 0; k < ctx->pm_order.len; k++) {
        uint32_t key = ctx->pm_order.data[k];
        dst[key] = head[key] = RA_NONE;
        readers[key] = 0;
    }
    return ok;
}

static bool sequence_all(ra_context *ctx) {
    uint32_t nkeys = 128 + ctx->num_slots + 2;
    RA_RESIZE(ctx->pm_dst, nkeys);
    RA_RESIZE(ctx->pm_head, nkeys);
    RA_RESIZE(ctx->pm_readers, nkeys);
    memset(ctx->pm_dst.data, 0xff, nkeys * sizeof(uint32_t));
    memset(ctx->pm_head.data, 0xff, nkeys * sizeof(uint32_t));
    memset(ctx->pm_readers.data, 0, nkeys * sizeof(uint32_t));
    if (ctx->moves.len) qsort(ctx->moves.data, ctx->moves.len, sizeof(ra_move), cmp_move);
    vec_clear(ctx->edits);
    ctx->emergency_used = 0;
    RA_RESIZE(ctx->pm_val, nkeys);
    RA_RESIZE(ctx->pm_vstamp, nkeys);
    RA_RESIZE(ctx->pm_holder, nkeys);
    RA_RESIZE(ctx->pm_hstamp, nkeys);
    memset(ctx->pm_vstamp.data, 0, nkeys * sizeof(uint32_t));
    memset(ctx->pm_hstamp.data, 0, nkeys * sizeof(uint32_t));
    pm_state s;
    s.ctx = ctx;
    s.stamp = 0;
    s.point = RA_NONE;
    for (uint32_t k = 0; k < ctx->moves.len;) {
        uint32_t e = k;
        while (e < ctx->moves.len && ctx->moves.data[e].inst == ctx->moves.data[k].inst &&
               ctx->moves.data[e].phase == ctx->moves.data[k].phase)
            e++;
        uint32_t point = RA_POINT(ctx->moves.data[k].inst, RA_BEFORE);
        if (point != s.point) { /* a new gap: forget the values */
            s.point = point;
            s.stamp++;
        }
        if (!sequence(&s, ctx->moves.data + k, e - k)) return false;
        k = e;
    }
    return true;
}

bool ra_resolve(ra_context *ctx) {
    vec_clear(ctx->moves);
    return build_kids(ctx) && split_moves(ctx) && def_stores(ctx) && edge_moves(ctx) &&
           operand_allocs(ctx) && sequence_all(ctx);
}
