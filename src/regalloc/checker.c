/* The symbolic checker (after regalloc2's checker): an abstract
 * interpretation of the allocated function that proves every use reads a
 * location holding its vreg.
 *
 * The abstract state maps every location (register or spill slot) to the set
 * of vregs whose current value it holds. A move copies the set; a def makes
 * its location hold exactly its vreg and removes the vreg from every other
 * location (a stale copy from an earlier loop iteration is not the new
 * value); a clobber empties a register. Along an edge, every location holding
 * an argument also holds the parameter (a location can hold several vregs
 * with the same value). At a block with several predecessors the states
 * meet by intersection; blocks are iterated to a fixpoint with a worklist.
 * Vregs not live into a block (by the input's own liveness) are forgotten
 * there, which keeps the sets small; forgetting can only make the checker
 * stricter, never accept a wrong allocation.
 *
 * Besides the dataflow, each instruction's allocations are checked against
 * the operand constraints and against each other: no two defs in one
 * location, an early def shares no location with a use, a late use none
 * with a def, late uses and early defs are not in clobbered registers, and
 * edits never move between two stack slots. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "regalloc/ra_int.h"

typedef VEC(uint32_t) u32vec;

typedef struct ck {
    const ra_function *fn;
    const ra_machine *m;
    const ra_result *res;
    char *msg;
    uint32_t msgsz;
    uint8_t preg_cls[128];
    uint32_t nkeys;
    u32vec *sets;    /* working state: sorted vregs per location */
    uint32_t *count; /* per vreg: number of locations holding it */
    u32vec *entry;   /* per block: (location, vreg) pairs, sorted */
    uint8_t *visited, *queued;
    VEC(uint64_t) queue;  /* min-heap of block numbers */
    uint32_t *edit_start; /* per program point */
    uint32_t *kdef, *kearly, stamp;
    uint32_t *pstamp, *astamp, *afirst, *anext, *lstamp;
    u32vec out, tmp;
    ra_context *live; /* liveness of the input, to forget dead vregs at block entries */
} ck;

static bool fail(ck *c, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    if (c->msg && c->msgsz) vsnprintf(c->msg, c->msgsz, fmt, ap);
    va_end(ap);
    return false;
}

static const char *loc_str(ra_loc l, char *buf, size_t n) {
    if (l.kind == RA_LOC_REG)
        snprintf(buf, n, "r%u", l.index);
    else if (l.kind == RA_LOC_STACK)
        snprintf(buf, n, "slot%u", l.index);
    else
        snprintf(buf, n, "nowhere");
    return buf;
}

static bool key_of(ck *c, ra_loc l, uint32_t *key) {
    if (l.kind == RA_LOC_REG && l.index < 128) {
        *key = l.index;
        return true;
    }
    if (l.kind == RA_LOC_STACK && l.index < c->res->num_spill_slots) {
        *key = 128 + l.index;
        return true;
    }
    return false;
}

/* ---- Sets of vregs per location. ---- */

static bool set_has(const u32vec *s, uint32_t v) {
    uint32_t lo = 0, hi = s->len;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (s->data[mid] < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < s->len && s->data[lo] == v;
}

static void set_add(ck *c, uint32_t key, uint32_t v) {
    u32vec *s = &c->sets[key];
    uint32_t k = s->len;
    while (k > 0 && s->data[k - 1] > v)
        k--;
    if (k > 0 && s->data[k - 1] == v) return;
    vec_reserve(*s, 1);
    memmove(s->data + k + 1, s->data + k, (s->len - k) * sizeof(uint32_t));
    s->data[k] = v;
    s->len++;
    c->count[v]++;
}

static void set_clear(ck *c, uint32_t key) {
    u32vec *s = &c->sets[key];
    for (uint32_t k = 0; k < s->len; k++)
        c->count[s->data[k]]--;
    s->len = 0;
}

static void set_copy(ck *c, uint32_t to, uint32_t from) {
    if (to == from) return;
    set_clear(c, to);
    u32vec *d = &c->sets[to], *s = &c->sets[from];
    vec_reserve(*d, s->len);
    for (uint32_t k = 0; k < s->len; k++) {
        d->data[k] = s->data[k];
        c->count[s->data[k]]++;
    }
    d->len = s->len;
}

/* A def: key holds exactly v, no other location holds v any more. */
static void define(ck *c, uint32_t key, uint32_t v) {
    if (c->count[v])
        for (uint32_t k = 0; k < c->nkeys && c->count[v]; k++) {
            u32vec *s = &c->sets[k];
            for (uint32_t j = 0; j < s->len; j++)
                if (s->data[j] == v) {
                    memmove(s->data + j, s->data + j + 1, (s->len - j - 1) * sizeof(uint32_t));
                    s->len--;
                    c->count[v]--;
                    break;
                }
        }
    set_clear(c, key);
    set_add(c, key, v);
}

/* ---- Edits and operands. ---- */

static bool apply_edits(ck *c, uint32_t point) {
    for (uint32_t k = c->edit_start[point]; k < c->edit_start[point + 1]; k++) {
        const ra_edit *e = &c->res->edits[k];
        char b1[24], b2[24];
        uint32_t kf, kt;
        if (!key_of(c, e->from, &kf) || !key_of(c, e->to, &kt))
            return fail(c, "edit %u at inst %u: invalid location", k, point / 2);
        if (e->from.kind == RA_LOC_STACK && e->to.kind == RA_LOC_STACK)
            return fail(c, "edit %u at inst %u: move between stack slots %s -> %s", k, point / 2,
                        loc_str(e->from, b1, sizeof b1), loc_str(e->to, b2, sizeof b2));
        if (e->rclass >= RA_NUM_CLASSES ||
            (e->from.kind == RA_LOC_REG && c->preg_cls[e->from.index] != RA_NOREG &&
             c->preg_cls[e->from.index] != e->rclass) ||
            (e->to.kind == RA_LOC_REG && c->preg_cls[e->to.index] != RA_NOREG &&
             c->preg_cls[e->to.index] != e->rclass))
            return fail(c, "edit %u at inst %u: register of the wrong class", k, point / 2);
        set_copy(c, kt, kf);
    }
    return true;
}

/* Constraint of one operand's allocation. */
static bool check_constraint(ck *c, uint32_t i, uint32_t k, const ra_operand *op, ra_loc a,
                             const ra_loc *allocs) {
    char buf[24];
    uint8_t cls = c->fn->vreg_class[op->vreg];
    uint32_t key;
    if (!key_of(c, a, &key))
        return fail(c, "inst %u operand %u: invalid allocation %s", i, k,
                    loc_str(a, buf, sizeof buf));
    /* Only a fixed operand (or a def reusing one) may sit in a register that
     * is not allocatable in its class. */
    bool fixed = op->constraint == RA_FIXED ||
                 (op->constraint == RA_REUSE && op->extra < UINT8_MAX &&
                  c->fn->ops[c->fn->op_start[i] + op->extra].constraint == RA_FIXED);
    if (a.kind == RA_LOC_REG && !fixed && c->preg_cls[a.index] != cls)
        return fail(c, "inst %u operand %u: r%u is not an allocatable register of its class", i, k,
                    a.index);
    switch (op->constraint) {
    case RA_REG:
        if (a.kind != RA_LOC_REG) return fail(c, "inst %u operand %u: needs a register", i, k);
        break;
    case RA_FIXED:
        if (a.kind != RA_LOC_REG || a.index != op->extra)
            return fail(c, "inst %u operand %u: needs r%u, got %s", i, k, op->extra,
                        loc_str(a, buf, sizeof buf));
        break;
    case RA_STACK:
        if (a.kind != RA_LOC_STACK) return fail(c, "inst %u operand %u: needs a stack slot", i, k);
        break;
    case RA_REUSE: {
        ra_loc u = allocs[op->extra];
        if (u.kind != a.kind || u.index != a.index)
            return fail(c, "inst %u operand %u: not in the location of operand %u", i, k,
                        op->extra);
        break;
    }
    default: break;
    }
    return true;
}

static bool check_inst(ck *c, uint32_t i) {
    const ra_function *fn = c->fn;
    uint32_t o0 = fn->op_start[i], n = fn->op_start[i + 1] - o0;
    const ra_loc *allocs = c->res->allocs + o0;
    const ra_pregset *clob = fn->clobbers ? &fn->clobbers[i] : NULL;
    uint32_t st = ++c->stamp;
    char buf[24];
    for (uint32_t k = 0; k < n; k++)
        if (!check_constraint(c, i, k, &fn->ops[o0 + k], allocs[k], allocs)) return false;
    /* Defs: distinct locations; early defs and late uses clear of clobbers. */
    for (uint32_t k = 0; k < n; k++) {
        const ra_operand *op = &fn->ops[o0 + k];
        uint32_t key = 0;
        key_of(c, allocs[k], &key);
        if (op->kind != RA_DEF) continue;
        if (c->kdef[key] == st)
            return fail(c, "inst %u operand %u: two defs in %s", i, k,
                        loc_str(allocs[k], buf, sizeof buf));
        c->kdef[key] = st;
        if (op->pos == RA_EARLY) {
            c->kearly[key] = st;
            if (clob && allocs[k].kind == RA_LOC_REG && ra_pregset_has(clob, allocs[k].index))
                return fail(c, "inst %u operand %u: early def in clobbered r%u", i, k,
                            allocs[k].index);
        }
    }
    for (uint32_t k = 0; k < n; k++) {
        const ra_operand *op = &fn->ops[o0 + k];
        uint32_t key = 0;
        key_of(c, allocs[k], &key);
        if (op->kind != RA_USE) continue;
        if (c->kearly[key] == st)
            return fail(c, "inst %u operand %u: %s shared with an early def", i, k,
                        loc_str(allocs[k], buf, sizeof buf));
        if (op->pos == RA_LATE) {
            if (c->kdef[key] == st)
                return fail(c, "inst %u operand %u: late use shares %s with a def", i, k,
                            loc_str(allocs[k], buf, sizeof buf));
            if (clob && allocs[k].kind == RA_LOC_REG && ra_pregset_has(clob, allocs[k].index))
                return fail(c, "inst %u operand %u: late use in clobbered r%u", i, k,
                            allocs[k].index);
        }
        if (!set_has(&c->sets[key], op->vreg))
            return fail(c, "inst %u operand %u: vreg %u is not in %s", i, k, op->vreg,
                        loc_str(allocs[k], buf, sizeof buf));
    }
    /* Effects: early defs, clobbers, late defs. */
    for (uint32_t k = 0; k < n; k++) {
        const ra_operand *op = &fn->ops[o0 + k];
        uint32_t key = 0;
        key_of(c, allocs[k], &key);
        if (op->kind == RA_DEF && op->pos == RA_EARLY) define(c, key, op->vreg);
    }
    if (clob)
        for (uint32_t r = ra_pregset_next(clob, 0); r < 128; r = ra_pregset_next(clob, r + 1))
            set_clear(c, r);
    for (uint32_t k = 0; k < n; k++) {
        const ra_operand *op = &fn->ops[o0 + k];
        uint32_t key = 0;
        key_of(c, allocs[k], &key);
        if (op->kind == RA_DEF && op->pos == RA_LATE) define(c, key, op->vreg);
    }
    return true;
}

/* ---- Block states. ---- */

static void load_entry(ck *c, uint32_t b) {
    for (uint32_t k = 0; k < c->nkeys; k++)
        set_clear(c, k);
    const u32vec *e = &c->entry[b];
    for (uint32_t k = 0; k + 1 < e->len; k += 2)
        set_add(c, e->data[k], e->data[k + 1]);
}

/* The state after edge e, as sorted (location, vreg) pairs in c->out. */
static void transfer(ck *c, uint32_t e, uint32_t s) {
    const ra_function *fn = c->fn;
    uint32_t st = ++c->stamp, p0 = fn->param_start[s], a0 = fn->edge_arg_start[e];
    uint32_t np = fn->param_start[s + 1] - p0;
    for (uint32_t k = 0; k < np; k++) {
        uint32_t a = fn->edge_args[a0 + k];
        c->pstamp[fn->params[p0 + k]] = st;
        if (c->astamp[a] != st) {
            c->astamp[a] = st;
            c->afirst[a] = RA_NONE;
        }
        c->anext[k] = c->afirst[a];
        c->afirst[a] = k;
        c->lstamp[fn->params[p0 + k]] = st;
    }
    /* Only vregs live into s matter there: the sets stay small. */
    const ra_context *lv = c->live;
    for (uint32_t k = lv->livein_start.data[s]; k < lv->livein_start.data[s + 1]; k++)
        c->lstamp[lv->livein.data[k]] = st;
    vec_clear(c->out);
    for (uint32_t key = 0; key < c->nkeys; key++) {
        const u32vec *set = &c->sets[key];
        if (!set->len) continue;
        vec_clear(c->tmp);
        for (uint32_t j = 0; j < set->len; j++) {
            uint32_t v = set->data[j];
            if (c->pstamp[v] != st && c->lstamp[v] == st) vec_push(c->tmp, v);
            if (c->astamp[v] == st)
                for (uint32_t k = c->afirst[v]; k != RA_NONE; k = c->anext[k])
                    vec_push(c->tmp, fn->params[p0 + k]);
        }
        /* Sorted but for the added parameters: insertion sort. */
        uint32_t *t = c->tmp.data;
        for (uint32_t j = 1; j < c->tmp.len; j++)
            for (uint32_t i = j; i > 0 && t[i - 1] > t[i]; i--) {
                uint32_t x = t[i];
                t[i] = t[i - 1];
                t[i - 1] = x;
            }
        for (uint32_t j = 0; j < c->tmp.len; j++) {
            if (j && t[j] == t[j - 1]) continue;
            vec_push(c->out, key);
            vec_push(c->out, t[j]);
        }
    }
}

static bool pair_less(const uint32_t *a, const uint32_t *b) {
    return a[0] < b[0] || (a[0] == b[0] && a[1] < b[1]);
}

/* Meets c->out into block s's entry state; queues s if it changed. */
static void meet(ck *c, uint32_t s) {
    u32vec *e = &c->entry[s];
    bool changed = false;
    if (!c->visited[s]) {
        c->visited[s] = 1;
        vec_clear(*e);
        for (uint32_t k = 0; k < c->out.len; k++)
            vec_push(*e, c->out.data[k]);
        changed = true;
    } else {
        uint32_t w = 0, i = 0, j = 0;
        while (i < e->len && j < c->out.len) {
            if (pair_less(e->data + i, c->out.data + j)) {
                i += 2;
                changed = true;
            } else if (pair_less(c->out.data + j, e->data + i)) {
                j += 2;
            } else {
                e->data[w++] = e->data[i];
                e->data[w++] = e->data[i + 1];
                i += 2;
                j += 2;
            }
        }
        if (i < e->len) changed = true;
        e->len = w;
    }
    if (changed && !c->queued[s]) {
        c->queued[s] = 1;
        vec_reserve(c->queue, 1);
        ra_heap_push(c->queue.data, &c->queue.len, s);
    }
}

static bool check_block(ck *c, uint32_t b) {
    const ra_function *fn = c->fn;
    load_entry(c, b);
    uint32_t last = fn->block_insts[b + 1] - 1;
    for (uint32_t i = fn->block_insts[b]; i <= last; i++) {
        if (!apply_edits(c, RA_POINT(i, RA_BEFORE)) || !check_inst(c, i)) return false;
        if (i == last &&
            c->edit_start[RA_POINT(i, RA_AFTER)] != c->edit_start[RA_POINT(i, RA_AFTER) + 1])
            return fail(c, "inst %u: edits after a block terminator", i);
        if (!apply_edits(c, RA_POINT(i, RA_AFTER))) return false;
    }
    for (uint32_t e = fn->succ_start[b]; e < fn->succ_start[b + 1]; e++) {
        transfer(c, e, fn->succs[e]);
        meet(c, fn->succs[e]);
    }
    return true;
}

static bool check_result_shape(ck *c) {
    const ra_function *fn = c->fn;
    const ra_result *r = c->res;
    uint32_t npoints = 2 * fn->num_insts;
    if (fn->op_start[fn->num_insts] && !r->allocs) return fail(c, "missing allocations");
    if (r->num_edits && !r->edits) return fail(c, "missing edits");
    if (r->num_spill_slots > fn->num_vregs + 64)
        return fail(c, "implausible spill slot count %u", r->num_spill_slots);
    for (uint32_t k = 0; k < r->num_edits; k++) {
        if (r->edits[k].point >= npoints) return fail(c, "edit %u: point out of range", k);
        if (k && r->edits[k].point < r->edits[k - 1].point)
            return fail(c, "edit %u: edits not sorted by point", k);
    }
    c->edit_start = cl_xcalloc((size_t)npoints + 1, sizeof(uint32_t));
    for (uint32_t k = 0; k < r->num_edits; k++)
        c->edit_start[r->edits[k].point + 1]++;
    for (uint32_t p = 0; p < npoints; p++)
        c->edit_start[p + 1] += c->edit_start[p];
    return true;
}

static void ck_free(ck *c) {
    if (c->sets)
        for (uint32_t k = 0; k < c->nkeys; k++)
            vec_free(c->sets[k]);
    if (c->entry)
        for (uint32_t b = 0; b < c->fn->num_blocks; b++)
            vec_free(c->entry[b]);
    free(c->sets);
    free(c->entry);
    free(c->count);
    free(c->visited);
    free(c->queued);
    free(c->edit_start);
    free(c->kdef);
    free(c->kearly);
    free(c->pstamp);
    free(c->astamp);
    free(c->afirst);
    free(c->anext);
    free(c->lstamp);
    ra_context_free(c->live);
    vec_free(c->queue);
    vec_free(c->out);
    vec_free(c->tmp);
}

bool ra_check(const ra_function *fn, const ra_machine *m, const ra_result *result, char *msg,
              uint32_t msg_size) {
    ck c;
    memset(&c, 0, sizeof c);
    c.fn = fn;
    c.m = m;
    c.res = result;
    c.msg = msg;
    c.msgsz = msg_size;
    char err[160];
    if (!result) return fail(&c, "missing result");
    if (!ra_validate(fn, m, err, sizeof err)) return fail(&c, "invalid input: %s", err);
    if (!check_result_shape(&c)) {
        ck_free(&c);
        return false;
    }
    c.live = ra_context_new();
    c.live->fn = fn;
    c.live->m = m;
    ra_cfg_build(c.live);
    if (!ra_operands_build(c.live) || !ra_liveness(c.live)) {
        fail(&c, "invalid input: %s", c.live->err);
        ck_free(&c);
        return false;
    }
    memset(c.preg_cls, 0xff, sizeof c.preg_cls);
    for (int cl = 0; cl < RA_NUM_CLASSES; cl++)
        for (uint32_t k = 0; k < m->num_regs[cl]; k++)
            c.preg_cls[m->regs[cl][k]] = (uint8_t)cl;
    uint32_t nv = fn->num_vregs ? fn->num_vregs : 1, nb = fn->num_blocks;
    uint32_t maxp = 1;
    for (uint32_t b = 0; b < nb; b++)
        if (fn->param_start[b + 1] - fn->param_start[b] > maxp)
            maxp = fn->param_start[b + 1] - fn->param_start[b];
    c.nkeys = 128 + result->num_spill_slots;
    c.sets = cl_xcalloc(c.nkeys, sizeof *c.sets);
    c.count = cl_xcalloc(nv, sizeof *c.count);
    c.entry = cl_xcalloc(nb, sizeof *c.entry);
    c.visited = cl_xcalloc(nb, 1);
    c.queued = cl_xcalloc(nb, 1);
    c.kdef = cl_xcalloc(c.nkeys, sizeof *c.kdef);
    c.kearly = cl_xcalloc(c.nkeys, sizeof *c.kearly);
    c.pstamp = cl_xcalloc(nv, sizeof *c.pstamp);
    c.astamp = cl_xcalloc(nv, sizeof *c.astamp);
    c.afirst = cl_xcalloc(nv, sizeof *c.afirst);
    c.anext = cl_xcalloc(maxp, sizeof *c.anext);
    c.lstamp = cl_xcalloc(nv, sizeof *c.lstamp);
    c.visited[0] = 1;
    c.queued[0] = 1;
    vec_push(c.queue, 0);
    bool ok = true;
    /* The lowest queued block first: deterministic and close to layout order. */
    while (ok && c.queue.len) {
        uint32_t b = (uint32_t)ra_heap_pop(c.queue.data, &c.queue.len);
        c.queued[b] = 0;
        ok = check_block(&c, b);
    }
    ck_free(&c);
    return ok;
}
