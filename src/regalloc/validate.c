/* Structural validation of an ra_function and an ra_machine: every index in
 * range, consistent control flow, the preconditions of regalloc.h. Both the
 * allocator and the checker run it first, so neither reads out of bounds. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "regalloc/ra_int.h"

typedef struct vstate {
    const ra_function *fn;
    char *err;
    size_t errsz;
} vstate;

static bool bad(vstate *s, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->err, s->errsz, fmt, ap);
    va_end(ap);
    return false;
}

/* A compressed-row start array: n+1 entries, from 0, non-decreasing, total bounded. */
static bool check_rows(vstate *s, const uint32_t *start, uint32_t n, const char *what,
                       uint32_t *total) {
    if (!start) return bad(s, "%s: missing array", what);
    if (start[0] != 0) return bad(s, "%s: first entry is %u, not 0", what, start[0]);
    for (uint32_t k = 0; k < n; k++)
        if (start[k + 1] < start[k]) return bad(s, "%s: entry %u decreases", what, k + 1);
    if (start[n] > RA_MAX_ENTITIES) return bad(s, "%s: too many items (%u)", what, start[n]);
    *total = start[n];
    return true;
}

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static bool check_machine(vstate *s, const ra_machine *m) {
    uint8_t seen[128];
    memset(seen, 0, sizeof seen);
    for (int c = 0; c < RA_NUM_CLASSES; c++) {
        if (m->num_regs[c] > 64)
            return bad(s, "machine: class %d has %u registers", c, m->num_regs[c]);
        for (uint32_t k = 0; k < m->num_regs[c]; k++) {
            ra_preg r = m->regs[c][k];
            if (r >= 128) return bad(s, "machine: register %u out of range", r);
            if (seen[r]) return bad(s, "machine: register %u listed twice", r);
            seen[r] = 1;
        }
    }
    for (int c = 0; c < RA_NUM_CLASSES; c++) {
        ra_preg r = m->scratch[c];
        if (r == RA_NOREG) continue;
        if (r >= 128) return bad(s, "machine: scratch register %u out of range", r);
        if (seen[r]) return bad(s, "machine: scratch register %u is allocatable", r);
    }
    return true;
}

static bool check_cfg(vstate *s, uint32_t nedges) {
    const ra_function *fn = s->fn;
    uint32_t nb = fn->num_blocks, npreds;
    if (!check_rows(s, fn->pred_start, nb, "pred_start", &npreds)) return false;
    if (npreds != nedges)
        return bad(s, "cfg: %u successor entries but %u predecessor entries", nedges, npreds);
    if (nedges && (!fn->succs || !fn->preds)) return bad(s, "cfg: missing edge arrays");
    uint64_t *a = cl_xmalloc(((size_t)nedges + 1) * sizeof *a);
    uint64_t *b = cl_xmalloc(((size_t)nedges + 1) * sizeof *b);
    bool ok = true;
    for (uint32_t blk = 0; blk < nb && ok; blk++) {
        for (uint32_t e = fn->succ_start[blk]; e < fn->succ_start[blk + 1]; e++) {
            if (fn->succs[e] >= nb) {
                ok = bad(s, "block %u: successor %u out of range", blk, fn->succs[e]);
                break;
            }
            a[e] = (uint64_t)blk << 32 | fn->succs[e];
        }
        for (uint32_t e = fn->pred_start[blk]; e < fn->pred_start[blk + 1] && ok; e++) {
            if (fn->preds[e] >= nb) {
                ok = bad(s, "block %u: predecessor %u out of range", blk, fn->preds[e]);
                break;
            }
            b[e] = (uint64_t)fn->preds[e] << 32 | blk;
        }
    }
    if (ok) {
        qsort(a, nedges, sizeof *a, cmp_u64);
        qsort(b, nedges, sizeof *b, cmp_u64);
        for (uint32_t e = 0; e < nedges && ok; e++) {
            if (a[e] != b[e])
                ok = bad(s,
                         "cfg: edge block%u -> block%u is not in both successor and predecessor "
                         "lists",
                         (uint32_t)((a[e] < b[e] ? a[e] : b[e]) >> 32),
                         (uint32_t)(a[e] < b[e] ? a[e] : b[e]));
            else if (e && a[e] == a[e - 1])
                ok = bad(s, "cfg: edge block%u -> block%u appears twice (split it)",
                         (uint32_t)(a[e] >> 32), (uint32_t)a[e]);
        }
    }
    free(a);
    free(b);
    return ok;
}

static uint32_t npreds_of(const ra_function *fn, uint32_t b) {
    return fn->pred_start[b + 1] - fn->pred_start[b] + (b == 0);
}

static bool check_blocks(vstate *s) {
    const ra_function *fn = s->fn;
    for (uint32_t b = 0; b < fn->num_blocks; b++) {
        uint32_t first = fn->block_insts[b], last = fn->block_insts[b + 1];
        if (first >= last) return bad(s, "block %u has no instructions", b);
        for (uint32_t i = first; i < last; i++) {
            uint8_t f = fn->inst_flags[i];
            bool term = (f & (RA_INST_BRANCH | RA_INST_RET)) != 0;
            if (term != (i + 1 == last))
                return bad(s,
                           term ? "inst %u: branch or return inside block %u"
                                : "inst %u: block %u does not end with a branch or return",
                           i, b);
        }
        uint32_t nsucc = fn->succ_start[b + 1] - fn->succ_start[b];
        if ((fn->inst_flags[last - 1] & RA_INST_RET) && nsucc)
            return bad(s, "block %u: a return with successors", b);
        bool moves_at_end = false;
        for (uint32_t e = fn->succ_start[b]; e < fn->succ_start[b + 1]; e++) {
            uint32_t sb = fn->succs[e];
            if (npreds_of(fn, sb) > 1) {
                if (nsucc > 1) return bad(s, "critical edge block%u -> block%u", b, sb);
                moves_at_end = true;
            }
        }
        const ra_pregset *clob = fn->clobbers ? &fn->clobbers[last - 1] : NULL;
        if (moves_at_end && (fn->op_start[last] != fn->op_start[last - 1] ||
                             (clob && (clob->bits[0] | clob->bits[1]))))
            return bad(s,
                       "inst %u: a branch into a block with several predecessors may have no "
                       "operands or clobbers",
                       last - 1);
    }
    return true;
}

static bool check_reachable(vstate *s) {
    const ra_function *fn = s->fn;
    uint32_t nb = fn->num_blocks;
    uint8_t *seen = cl_xcalloc(nb, 1);
    uint32_t *stack = cl_xmalloc((size_t)nb * sizeof *stack);
    uint32_t sp = 0;
    seen[0] = 1;
    stack[sp++] = 0;
    while (sp) {
        uint32_t b = stack[--sp];
        for (uint32_t e = fn->succ_start[b]; e < fn->succ_start[b + 1]; e++)
            if (!seen[fn->succs[e]]) {
                seen[fn->succs[e]] = 1;
                stack[sp++] = fn->succs[e];
            }
    }
    uint32_t dead = RA_NONE;
    for (uint32_t b = 0; b < nb && dead == RA_NONE; b++)
        if (!seen[b]) dead = b;
    free(seen);
    free(stack);
    if (dead != RA_NONE) return bad(s, "block %u is unreachable from the entry block", dead);
    return true;
}

static bool check_operands(vstate *s, uint8_t *defs) {
    const ra_function *fn = s->fn;
    for (uint32_t i = 0; i < fn->num_insts; i++) {
        uint32_t o0 = fn->op_start[i], n = fn->op_start[i + 1] - o0;
        for (uint32_t k = 0; k < n; k++) {
            const ra_operand *op = &fn->ops[o0 + k];
            if (op->vreg >= fn->num_vregs)
                return bad(s, "inst %u operand %u: vreg %u out of range", i, k, op->vreg);
            if (op->kind > RA_DEF || op->pos > RA_LATE || op->constraint > RA_STACK)
                return bad(s, "inst %u operand %u: invalid kind, position or constraint", i, k);
            uint8_t cls = fn->vreg_class[op->vreg];
            if (op->constraint == RA_FIXED && op->extra >= 128)
                return bad(s, "inst %u operand %u: register %u out of range", i, k, op->extra);
            if (op->kind == RA_USE) {
                if (op->constraint == RA_REUSE)
                    return bad(s, "inst %u operand %u: a use cannot reuse", i, k);
                continue;
            }
            if (defs[op->vreg]++)
                return bad(s, "inst %u operand %u: vreg %u defined twice", i, k, op->vreg);
            if (op->constraint != RA_REUSE) continue;
            if (op->pos != RA_LATE)
                return bad(s, "inst %u operand %u: unsupported: early reuse def", i, k);
            if (op->extra >= n)
                return bad(s, "inst %u operand %u: reuses operand %u, out of range", i, k,
                           op->extra);
            const ra_operand *u = &fn->ops[o0 + op->extra];
            if (u->kind != RA_USE || u->pos != RA_EARLY || u->vreg >= fn->num_vregs ||
                fn->vreg_class[u->vreg] != cls)
                return bad(s,
                           "inst %u operand %u: reuses operand %u, not an early use of its class",
                           i, k, op->extra);
            if (u->constraint == RA_STACK)
                return bad(s, "inst %u operand %u: unsupported: reuse of a stack operand", i, k);
            for (uint32_t j = 0; j < k; j++) {
                const ra_operand *d = &fn->ops[o0 + j];
                if (d->kind == RA_DEF && d->constraint == RA_REUSE && d->extra == op->extra)
                    return bad(s, "inst %u: operand %u reused twice", i, op->extra);
            }
        }
    }
    return true;
}

static bool check_params(vstate *s, uint8_t *defs, uint32_t nparams, uint32_t nedges) {
    const ra_function *fn = s->fn;
    if (fn->param_start[1] != 0)
        return bad(s, "unsupported: entry block parameters (define arguments with fixed defs)");
    for (uint32_t k = 0; k < nparams; k++) {
        uint32_t v = fn->params[k];
        if (v >= fn->num_vregs) return bad(s, "block parameter: vreg %u out of range", v);
        if (defs[v]++) return bad(s, "block parameter: vreg %u defined twice", v);
    }
    uint32_t nargs;
    if (!check_rows(s, fn->edge_arg_start, nedges, "edge_arg_start", &nargs)) return false;
    if (nargs && !fn->edge_args) return bad(s, "edge_args: missing array");
    for (uint32_t b = 0; b < fn->num_blocks; b++)
        for (uint32_t e = fn->succ_start[b]; e < fn->succ_start[b + 1]; e++) {
            uint32_t sb = fn->succs[e], p0 = fn->param_start[sb];
            uint32_t a0 = fn->edge_arg_start[e], na = fn->edge_arg_start[e + 1] - a0;
            if (na != fn->param_start[sb + 1] - p0)
                return bad(s, "edge block%u -> block%u: %u arguments for %u parameters", b, sb, na,
                           fn->param_start[sb + 1] - p0);
            for (uint32_t k = 0; k < na; k++) {
                uint32_t a = fn->edge_args[a0 + k];
                if (a >= fn->num_vregs)
                    return bad(s, "edge block%u -> block%u: vreg %u out of range", b, sb, a);
                if (fn->vreg_class[a] != fn->vreg_class[fn->params[p0 + k]])
                    return bad(s, "edge block%u -> block%u: argument %u has the wrong class", b, sb,
                               k);
            }
        }
    return true;
}

static bool check_defined(vstate *s, const uint8_t *defs) {
    const ra_function *fn = s->fn;
    for (uint32_t k = 0; k < fn->op_start[fn->num_insts]; k++)
        if (fn->ops[k].kind == RA_USE && !defs[fn->ops[k].vreg])
            return bad(s, "use of undefined vreg %u", fn->ops[k].vreg);
    for (uint32_t k = 0; k < fn->edge_arg_start[fn->succ_start[fn->num_blocks]]; k++)
        if (!defs[fn->edge_args[k]])
            return bad(s, "block argument: use of undefined vreg %u", fn->edge_args[k]);
    return true;
}

bool ra_validate(const ra_function *fn, const ra_machine *m, char *err, size_t errsz) {
    vstate st = {fn, err, errsz};
    vstate *s = &st;
    if (!fn || !m) return bad(s, "missing function or machine");
    if (!check_machine(s, m)) return false;
    if (fn->num_blocks == 0 || fn->num_insts == 0) return bad(s, "empty function");
    if (fn->num_blocks > RA_MAX_ENTITIES || fn->num_insts > RA_MAX_ENTITIES ||
        fn->num_vregs > RA_MAX_ENTITIES)
        return bad(s, "function too large");
    if (fn->num_vregs && !fn->vreg_class) return bad(s, "vreg_class: missing array");
    if (!fn->inst_flags) return bad(s, "inst_flags: missing array");
    for (uint32_t v = 0; v < fn->num_vregs; v++)
        if (fn->vreg_class[v] >= RA_NUM_CLASSES)
            return bad(s, "vreg %u: invalid class %u", v, fn->vreg_class[v]);
    uint32_t n, nedges, nparams, nops;
    if (!check_rows(s, fn->block_insts, fn->num_blocks, "block_insts", &n)) return false;
    if (n != fn->num_insts)
        return bad(s, "block_insts: blocks hold %u of %u instructions", n, fn->num_insts);
    if (!check_rows(s, fn->succ_start, fn->num_blocks, "succ_start", &nedges)) return false;
    if (!check_rows(s, fn->param_start, fn->num_blocks, "param_start", &nparams)) return false;
    if (nparams && !fn->params) return bad(s, "params: missing array");
    if (!check_rows(s, fn->op_start, fn->num_insts, "op_start", &nops)) return false;
    if (nops && !fn->ops) return bad(s, "ops: missing array");
    if (!check_cfg(s, nedges) || !check_blocks(s) || !check_reachable(s)) return false;
    uint8_t *defs = cl_xcalloc(fn->num_vregs ? fn->num_vregs : 1, 1);
    bool ok =
        check_operands(s, defs) && check_params(s, defs, nparams, nedges) && check_defined(s, defs);
    free(defs);
    return ok;
}
