/* Unit tests of the register allocator (src/regalloc): hand-built functions
 * for each feature, a seeded random generator of valid functions run through
 * ra_allocate and ra_check, rejection of corrupted allocations and of
 * malformed input, determinism and a 100k-instruction function. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "regalloc/regalloc.h"

/* ---- A builder for ra_function. Blocks get ids when created and are laid
 * out in the order they are opened (or a permutation of it); each block is
 * filled completely before the next one is opened. ---- */

#define GROW(p, n, cap)                                                                            \
    do {                                                                                           \
        if ((n) >= (cap)) {                                                                        \
            (cap) = (cap) ? (cap)*2 : 16;                                                          \
            (p) = realloc((p), (size_t)(cap) * sizeof *(p));                                       \
        }                                                                                          \
    } while (0)

typedef struct tb_edge {
    uint32_t from, to, arg0, nargs;
} tb_edge;

typedef struct tb {
    uint8_t *vclass;
    uint32_t nv, cv;
    /* per block id */
    uint32_t nb, cb;
    uint32_t *param0, *nparam, *inst0, *ninst, *open_rank;
    uint32_t *pool, npool, cpool; /* parameters and edge arguments */
    uint32_t nopen, cur;
    /* instructions in build order */
    uint32_t ni, ci;
    uint32_t *op0, *nop;
    ra_pregset *clob;
    uint8_t *flags;
    ra_operand *ops;
    uint32_t nops, cops;
    tb_edge *edges;
    uint32_t ne, ce;
} tb;

/* The finished function and the arrays it points to. */
typedef struct tfn {
    ra_function f;
    uint32_t *block_insts, *succ_start, *succs, *pred_start, *preds, *param_start, *params;
    uint32_t *edge_arg_start, *edge_args, *op_start;
    ra_operand *ops;
    ra_pregset *clobbers;
    uint8_t *inst_flags, *vreg_class;
} tfn;

static void tb_init(tb *t) {
    memset(t, 0, sizeof *t);
}

static void tb_free(tb *t) {
    free(t->vclass);
    free(t->param0);
    free(t->nparam);
    free(t->inst0);
    free(t->ninst);
    free(t->open_rank);
    free(t->pool);
    free(t->op0);
    free(t->nop);
    free(t->clob);
    free(t->flags);
    free(t->ops);
    free(t->edges);
}

static uint32_t tb_vreg(tb *t, uint8_t cls) {
    GROW(t->vclass, t->nv, t->cv);
    t->vclass[t->nv] = cls;
    return t->nv++;
}

static uint32_t tb_block(tb *t) {
    if (t->nb >= t->cb) {
        t->cb = t->cb ? t->cb * 2 : 16;
        t->param0 = realloc(t->param0, t->cb * sizeof(uint32_t));
        t->nparam = realloc(t->nparam, t->cb * sizeof(uint32_t));
        t->inst0 = realloc(t->inst0, t->cb * sizeof(uint32_t));
        t->ninst = realloc(t->ninst, t->cb * sizeof(uint32_t));
        t->open_rank = realloc(t->open_rank, t->cb * sizeof(uint32_t));
    }
    t->param0[t->nb] = t->nparam[t->nb] = t->ninst[t->nb] = 0;
    t->open_rank[t->nb] = UINT32_MAX;
    return t->nb++;
}

static void tb_open(tb *t, uint32_t b, const uint32_t *params, uint32_t np) {
    t->cur = b;
    t->open_rank[b] = t->nopen++;
    t->inst0[b] = t->ni;
    t->param0[b] = t->npool;
    t->nparam[b] = np;
    for (uint32_t k = 0; k < np; k++) {
        GROW(t->pool, t->npool, t->cpool);
        t->pool[t->npool++] = params[k];
    }
}

static void tb_inst(tb *t, const ra_operand *ops, uint32_t n, const ra_pregset *clob,
                    uint8_t flags) {
    if (t->ni >= t->ci) {
        t->ci = t->ci ? t->ci * 2 : 64;
        t->op0 = realloc(t->op0, t->ci * sizeof(uint32_t));
        t->nop = realloc(t->nop, t->ci * sizeof(uint32_t));
        t->clob = realloc(t->clob, t->ci * sizeof(ra_pregset));
        t->flags = realloc(t->flags, t->ci);
    }
    t->op0[t->ni] = t->nops;
    t->nop[t->ni] = n;
    memset(&t->clob[t->ni], 0, sizeof(ra_pregset));
    if (clob) t->clob[t->ni] = *clob;
    t->flags[t->ni] = flags;
    t->ni++;
    t->ninst[t->cur]++;
    for (uint32_t k = 0; k < n; k++) {
        GROW(t->ops, t->nops, t->cops);
        t->ops[t->nops++] = ops[k];
    }
}

static void tb_edge_to(tb *t, uint32_t from, uint32_t to, const uint32_t *args, uint32_t n) {
    GROW(t->edges, t->ne, t->ce);
    t->edges[t->ne].from = from;
    t->edges[t->ne].to = to;
    t->edges[t->ne].arg0 = t->npool;
    t->edges[t->ne].nargs = n;
    t->ne++;
    for (uint32_t k = 0; k < n; k++) {
        GROW(t->pool, t->npool, t->cpool);
        t->pool[t->npool++] = args[k];
    }
}

/* Lays the blocks out in opening order, or shuffled (entry first) if
 * shuffle_seed is non-zero. */
static void tb_finish(tb *t, tfn *o, uint32_t shuffle_seed) {
    memset(o, 0, sizeof *o);
    uint32_t nb = t->nopen;
    uint32_t *layout = malloc((nb + 1) * sizeof(uint32_t)), *pos = malloc((t->nb + 1) * 4);
    for (uint32_t b = 0; b < t->nb; b++)
        if (t->open_rank[b] != UINT32_MAX) layout[t->open_rank[b]] = b;
    if (shuffle_seed) {
        uint32_t s = shuffle_seed;
        for (uint32_t k = nb - 1; k > 1; k--) {
            s = s * 1103515245u + 12345u;
            uint32_t j = 1 + (s >> 8) % k;
            uint32_t tmp = layout[k];
            layout[k] = layout[j];
            layout[j] = tmp;
        }
    }
    for (uint32_t k = 0; k < nb; k++)
        pos[layout[k]] = k;
    /* Edges of each block in creation order. */
    uint32_t *efirst = malloc((t->nb + 1) * 4), *elast = malloc((t->nb + 1) * 4);
    uint32_t *enext = malloc((t->ne + 1) * 4);
    for (uint32_t b = 0; b < t->nb; b++)
        efirst[b] = elast[b] = UINT32_MAX;
    for (uint32_t e = 0; e < t->ne; e++) {
        uint32_t b = t->edges[e].from;
        enext[e] = UINT32_MAX;
        if (elast[b] == UINT32_MAX)
            efirst[b] = e;
        else
            enext[elast[b]] = e;
        elast[b] = e;
    }
    o->vreg_class = malloc(t->nv + 1);
    memcpy(o->vreg_class, t->vclass, t->nv);
    o->block_insts = malloc((nb + 1) * 4);
    o->param_start = malloc((nb + 1) * 4);
    o->params = malloc((t->npool + 1) * 4);
    o->op_start = malloc((t->ni + 1) * 4);
    o->ops = malloc((t->nops + 1) * sizeof(ra_operand));
    o->clobbers = malloc((t->ni + 1) * sizeof(ra_pregset));
    o->inst_flags = malloc(t->ni + 1);
    o->succ_start = malloc((nb + 1) * 4);
    o->succs = malloc((t->ne + 1) * 4);
    o->pred_start = calloc(nb + 2, 4);
    o->preds = malloc((t->ne + 1) * 4);
    o->edge_arg_start = malloc((t->ne + 1) * 4);
    o->edge_args = malloc((t->npool + 1) * 4);
    uint32_t ni = 0, nops = 0, np = 0, ne = 0, na = 0;
    for (uint32_t k = 0; k < nb; k++) {
        uint32_t b = layout[k];
        o->block_insts[k] = ni;
        o->param_start[k] = np;
        for (uint32_t p = 0; p < t->nparam[b]; p++)
            o->params[np++] = t->pool[t->param0[b] + p];
        for (uint32_t i = t->inst0[b]; i < t->inst0[b] + t->ninst[b]; i++) {
            o->op_start[ni] = nops;
            for (uint32_t j = 0; j < t->nop[i]; j++)
                o->ops[nops++] = t->ops[t->op0[i] + j];
            o->clobbers[ni] = t->clob[i];
            o->inst_flags[ni] = t->flags[i];
            ni++;
        }
        o->succ_start[k] = ne;
        for (uint32_t e = efirst[b]; e != UINT32_MAX; e = enext[e]) {
            o->edge_arg_start[ne] = na;
            for (uint32_t a = 0; a < t->edges[e].nargs; a++)
                o->edge_args[na++] = t->pool[t->edges[e].arg0 + a];
            o->succs[ne++] = pos[t->edges[e].to];
            o->pred_start[pos[t->edges[e].to] + 1]++;
        }
    }
    o->block_insts[nb] = ni;
    o->param_start[nb] = np;
    o->op_start[ni] = nops;
    o->succ_start[nb] = ne;
    o->edge_arg_start[ne] = na;
    for (uint32_t k = 0; k < nb; k++)
        o->pred_start[k + 1] += o->pred_start[k];
    uint32_t *fill = malloc((nb + 1) * 4);
    memcpy(fill, o->pred_start, nb * 4);
    for (uint32_t k = 0; k < nb; k++)
        for (uint32_t e = o->succ_start[k]; e < o->succ_start[k + 1]; e++)
            o->preds[fill[o->succs[e]]++] = k;
    free(fill);
    free(efirst);
    free(elast);
    free(enext);
    free(layout);
    free(pos);
    ra_function *f = &o->f;
    f->num_insts = ni;
    f->num_blocks = nb;
    f->num_vregs = t->nv;
    f->vreg_class = o->vreg_class;
    f->block_insts = o->block_insts;
    f->succ_start = o->succ_start;
    f->succs = o->succs;
    f->pred_start = o->pred_start;
    f->preds = o->preds;
    f->param_start = o->param_start;
    f->params = o->params;
    f->edge_arg_start = o->edge_arg_start;
    f->edge_args = o->edge_args;
    f->op_start = o->op_start;
    f->ops = o->ops;
    f->clobbers = o->clobbers;
    f->inst_flags = o->inst_flags;
}

static void tfn_free(tfn *o) {
    free(o->block_insts);
    free(o->succ_start);
    free(o->succs);
    free(o->pred_start);
    free(o->preds);
    free(o->param_start);
    free(o->params);
    free(o->edge_arg_start);
    free(o->edge_args);
    free(o->op_start);
    free(o->ops);
    free(o->clobbers);
    free(o->inst_flags);
    free(o->vreg_class);
}

/* ---- Operands and machines. ---- */

static ra_operand use(uint32_t v) {
    return (ra_operand){v, RA_USE, RA_EARLY, RA_REG, 0};
}
static ra_operand use_any(uint32_t v) {
    return (ra_operand){v, RA_USE, RA_EARLY, RA_ANY, 0};
}
static ra_operand use_stack(uint32_t v) {
    return (ra_operand){v, RA_USE, RA_EARLY, RA_STACK, 0};
}
static ra_operand use_late(uint32_t v) {
    return (ra_operand){v, RA_USE, RA_LATE, RA_REG, 0};
}
static ra_operand use_fixed(uint32_t v, uint8_t r) {
    return (ra_operand){v, RA_USE, RA_EARLY, RA_FIXED, r};
}
static ra_operand def(uint32_t v) {
    return (ra_operand){v, RA_DEF, RA_LATE, RA_REG, 0};
}
static ra_operand def_any(uint32_t v) {
    return (ra_operand){v, RA_DEF, RA_LATE, RA_ANY, 0};
}
static ra_operand def_stack(uint32_t v) {
    return (ra_operand){v, RA_DEF, RA_LATE, RA_STACK, 0};
}
static ra_operand def_early(uint32_t v) {
    return (ra_operand){v, RA_DEF, RA_EARLY, RA_REG, 0};
}
static ra_operand def_fixed(uint32_t v, uint8_t r) {
    return (ra_operand){v, RA_DEF, RA_LATE, RA_FIXED, r};
}
static ra_operand def_reuse(uint32_t v, uint8_t k) {
    return (ra_operand){v, RA_DEF, RA_LATE, RA_REUSE, k};
}

/* Integer registers 0..n-1, float registers 16..16+n-1; scratch 40 and 56. */
static ra_machine machine(uint32_t nint, uint32_t nfloat, bool scratch) {
    ra_machine m;
    memset(&m, 0, sizeof m);
    m.num_regs[RA_CLASS_INT] = (uint8_t)nint;
    m.num_regs[RA_CLASS_FLOAT] = (uint8_t)nfloat;
    for (uint32_t k = 0; k < nint; k++)
        m.regs[RA_CLASS_INT][k] = (ra_preg)k;
    for (uint32_t k = 0; k < nfloat; k++)
        m.regs[RA_CLASS_FLOAT][k] = (ra_preg)(16 + k);
    m.scratch[RA_CLASS_INT] = scratch ? 40 : 0xff;
    m.scratch[RA_CLASS_FLOAT] = scratch ? 56 : 0xff;
    return m;
}

static ra_pregset regset(uint32_t n, const uint8_t *regs) {
    ra_pregset s = {{0, 0}};
    for (uint32_t k = 0; k < n; k++)
        s.bits[regs[k] >> 6] |= 1ull << (regs[k] & 63);
    return s;
}

static void dump(const ra_function *f, const ra_result *r) {
    uint32_t e = 0;
    for (uint32_t b = 0; b < f->num_blocks; b++) {
        printf("block%u:", b);
        for (uint32_t k = f->param_start[b]; k < f->param_start[b + 1]; k++)
            printf(" v%u", f->params[k]);
        printf("\n");
        for (uint32_t i = f->block_insts[b]; i < f->block_insts[b + 1]; i++) {
            for (; e < r->num_edits && r->edits[e].point <= 2 * i + 1; e++)
                printf("    %s move %c%u -> %c%u\n", r->edits[e].point & 1 ? "after" : "",
                       r->edits[e].from.kind == RA_LOC_REG ? 'r' : 's', r->edits[e].from.index,
                       r->edits[e].to.kind == RA_LOC_REG ? 'r' : 's', r->edits[e].to.index);
            printf("  %u:", i);
            for (uint32_t k = f->op_start[i]; k < f->op_start[i + 1]; k++) {
                const ra_operand *o = &f->ops[k];
                printf(" %s%sv%u[%u]=%c%u", o->kind == RA_DEF ? "def " : "",
                       o->pos == RA_LATE ? "late " : "", o->vreg, o->constraint,
                       r->allocs[k].kind == RA_LOC_REG ? 'r' : 's', r->allocs[k].index);
            }
            printf("\n");
        }
        for (uint32_t s = f->succ_start[b]; s < f->succ_start[b + 1]; s++) {
            printf("  -> block%u(", f->succs[s]);
            for (uint32_t a = f->edge_arg_start[s]; a < f->edge_arg_start[s + 1]; a++)
                printf(" v%u", f->edge_args[a]);
            printf(" )\n");
        }
    }
}

/* Allocates and checks; returns the context (caller frees). */
static ra_context *alloc_and_check(const ra_function *f, const ra_machine *m, ra_result *r) {
    ra_context *ctx = ra_context_new();
    bool ok = ra_allocate(ctx, f, m, r);
    if (!ok) fprintf(stderr, "allocation failed: %s\n", r->error);
    assert_true(ok);
    char msg[200];
    ok = ra_check(f, m, r, msg, sizeof msg);
    if (!ok) fprintf(stderr, "checker: %s\n", msg);
    assert_true(ok);
    return ctx;
}

/* Number of edits before instructions of blocks [b0, b1). */
static uint32_t edits_in_blocks(const ra_function *f, const ra_result *r, uint32_t b0,
                                uint32_t b1) {
    uint32_t n = 0;
    for (uint32_t k = 0; k < r->num_edits; k++) {
        uint32_t i = r->edits[k].point / 2;
        if (i >= f->block_insts[b0] && i < f->block_insts[b1]) n++;
    }
    return n;
}

#define RET RA_INST_RET
#define BR  RA_INST_BRANCH

/* ---- Hand-built functions. ---- */

/* Twelve values live at once on four registers: spills and reloads. */
static void test_straight_line_spills(void **state) {
    (void)state;
    tb t;
    tb_init(&t);
    uint32_t b0 = tb_block(&t), v[12], acc;
    tb_open(&t, b0, NULL, 0);
    for (int k = 0; k < 12; k++) {
        v[k] = tb_vreg(&t, RA_CLASS_INT);
        ra_operand d = def(v[k]);
        tb_inst(&t, &d, 1, NULL, 0);
    }
    acc = v[0];
    for (int k = 1; k < 12; k++) {
        uint32_t n = tb_vreg(&t, RA_CLASS_INT);
        ra_operand ops[3] = {use(acc), use(v[k]), def(n)};
        tb_inst(&t, ops, 3, NULL, 0);
        acc = n;
    }
    for (int k = 0; k < 12; k++) { /* use them all again */
        uint32_t n = tb_vreg(&t, RA_CLASS_INT);
        ra_operand ops[3] = {use(acc), use(v[k]), def(n)};
        tb_inst(&t, ops, 3, NULL, 0);
        acc = n;
    }
    ra_operand ret = use_fixed(acc, 0);
    tb_inst(&t, &ret, 1, NULL, RET);
    tfn f;
    tb_finish(&t, &f, 0);
    ra_machine m = machine(4, 4, true);
    ra_result r;
    ra_context *ctx = alloc_and_check(&f.f, &m, &r);
    assert_true(r.num_spill_slots >= 8);
    assert_true(r.num_edits > 8);
    ra_context_free(ctx);
    tfn_free(&f);
    tb_free(&t);
}

/* A counting loop: header(i, sum) -> body -> header; exit returns sum. With
 * few live values nothing moves inside the loop. */
static void build_loop(tb *t, bool swap, uint32_t extra_live) {
    uint32_t b0 = tb_block(t), hdr = tb_block(t), body = tb_block(t), exit = tb_block(t);
    uint32_t i0 = tb_vreg(t, RA_CLASS_INT), s0 = tb_vreg(t, RA_CLASS_INT);
    uint32_t i = tb_vreg(t, RA_CLASS_INT), s = tb_vreg(t, RA_CLASS_INT);
    uint32_t c = tb_vreg(t, RA_CLASS_INT), i2 = tb_vreg(t, RA_CLASS_INT);
    uint32_t s2 = tb_vreg(t, RA_CLASS_INT), live[8];
    tb_open(t, b0, NULL, 0);
    ra_operand d0[2] = {def(i0), def(s0)};
    tb_inst(t, d0, 2, NULL, 0);
    for (uint32_t k = 0; k < extra_live; k++) {
        live[k] = tb_vreg(t, RA_CLASS_INT);
        ra_operand d = def(live[k]);
        tb_inst(t, &d, 1, NULL, 0);
    }
    tb_inst(t, NULL, 0, NULL, BR);
    uint32_t a0[2] = {i0, s0};
    tb_edge_to(t, b0, hdr, a0, 2);
    uint32_t hp[2] = {i, s};
    tb_open(t, hdr, hp, 2);
    ra_operand cmp[2] = {use(i), def(c)};
    tb_inst(t, cmp, 2, NULL, 0);
    ra_operand br = use(c);
    tb_inst(t, &br, 1, NULL, BR);
    tb_edge_to(t, hdr, body, NULL, 0);
    tb_edge_to(t, hdr, exit, NULL, 0);
    tb_open(t, body, NULL, 0);
    ra_operand add[3] = {use(s), use(i), def(s2)};
    tb_inst(t, add, 3, NULL, 0);
    ra_operand inc[2] = {use(i), def(i2)};
    tb_inst(t, inc, 2, NULL, 0);
    tb_inst(t, NULL, 0, NULL, BR);
    uint32_t a1[2] = {i2, s2}, a2[2] = {s2, i2};
    tb_edge_to(t, body, hdr, swap ? a2 : a1, 2);
    tb_open(t, exit, NULL, 0);
    ra_operand ret[9];
    ret[0] = use_fixed(s, 0);
    for (uint32_t k = 0; k < extra_live; k++)
        ret[1 + k] = use_any(live[k]);
    tb_inst(t, ret, 1 + extra_live, NULL, RET);
}

static void test_loop_block_params(void **state) {
    (void)state;
    tb t;
    tb_init(&t);
    build_loop(&t, false, 0);
    tfn f;
    tb_finish(&t, &f, 0);
    ra_machine m = machine(4, 4, true);
    ra_result r;
    ra_context *ctx = alloc_and_check(&f.f, &m, &r);
    if (edits_in_blocks(&f.f, &r, 1, 3)) dump(&f.f, &r);
    assert_int_equal(edits_in_blocks(&f.f, &r, 1, 3), 0); /* header and body: no moves */
    assert_int_equal(r.num_spill_slots, 0);
    ra_context_free(ctx);
    tfn_free(&f);
    tb_free(&t);
}

/* Values live across the loop but unused in it, with registers to spare for
 * the loop's own values: no spill or reload inside the loop. */
static void test_loop_pressure_outside(void **state) {
    (void)state;
    tb t;
    tb_init(&t);
    build_loop(&t, false, 6);
    tfn f;
    tb_finish(&t, &f, 0);
    ra_machine m = machine(5, 4, true);
    ra_result r;
    ra_context *ctx = alloc_and_check(&f.f, &m, &r);
    assert_int_equal(edits_in_blocks(&f.f, &r, 1, 3), 0);
    ra_context_free(ctx);
    tfn_free(&f);
    tb_free(&t);
}

/* Swapping two block parameters on the back edge: a parallel-move cycle,
 * broken through the scratch register or, without one, a spill slot. */
static void test_parallel_move_cycle(void **state) {
    (void)state;
    for (int scratch = 0; scratch < 2; scratch++) {
        tb t;
        tb_init(&t);
        build_loop(&t, true, 0);
        tfn f;
        tb_finish(&t, &f, 0);
        ra_machine m = machine(4, 4, scratch != 0);
        ra_result r;
        ra_context *ctx = alloc_and_check(&f.f, &m, &r);
        bool through_scratch = false, through_slot = false;
        for (uint32_t k = 0; k < r.num_edits; k++) {
            if (r.edits[k].to.kind == RA_LOC_REG && r.edits[k].to.index == 40)
                through_scratch = true;
            if (r.edits[k].to.kind == RA_LOC_STACK) through_slot = true;
        }
        assert_true(scratch ? through_scratch : through_slot);
        ra_context_free(ctx);
        tfn_free(&f);
        tb_free(&t);
    }
}

/* Three loop parameters kept in slots (a call clobbers every register in
 * the loop) rotated as (c, a, a) on the back edge: a cycle between stack
 * slots after a copy that already left the value in the scratch register. */
static void test_slot_cycle(void **state) {
    (void)state;
    for (int scratch = 0; scratch < 2; scratch++) {
        tb t;
        tb_init(&t);
        uint32_t b0 = tb_block(&t), hdr = tb_block(&t), body = tb_block(&t), exit = tb_block(&t);
        uint32_t a0 = tb_vreg(&t, RA_CLASS_INT), p[3], c = tb_vreg(&t, RA_CLASS_INT);
        uint32_t res = tb_vreg(&t, RA_CLASS_INT);
        for (int k = 0; k < 3; k++)
            p[k] = tb_vreg(&t, RA_CLASS_INT);
        uint32_t a1 = tb_vreg(&t, RA_CLASS_INT), a2 = tb_vreg(&t, RA_CLASS_INT);
        tb_open(&t, b0, NULL, 0);
        ra_operand d[3] = {def(a0), def_any(a1), def_any(a2)};
        tb_inst(&t, d, 3, NULL, 0);
        tb_inst(&t, NULL, 0, NULL, BR);
        uint32_t init[3] = {a0, a1, a2};
        tb_edge_to(&t, b0, hdr, init, 3);
        tb_open(&t, hdr, p, 3);
        uint8_t all[2] = {0, 1};
        ra_pregset cs = regset(2, all);
        ra_operand dc = def_fixed(c, 0); /* a call first: the parameters start in slots */
        tb_inst(&t, &dc, 1, &cs, 0);
        ra_operand uc = use(c);
        tb_inst(&t, &uc, 1, NULL, BR);
        tb_edge_to(&t, hdr, body, NULL, 0);
        tb_edge_to(&t, hdr, exit, NULL, 0);
        tb_open(&t, body, NULL, 0);
        ra_operand call = def_fixed(res, 0);
        tb_inst(&t, &call, 1, &cs, 0);
        ra_operand keep[2] = {use_any(p[1]), def(tb_vreg(&t, RA_CLASS_INT))};
        tb_inst(&t, keep, 2, NULL, 0);
        tb_inst(&t, NULL, 0, NULL, BR);
        uint32_t rot[3] = {p[2], p[0], p[0]};
        tb_edge_to(&t, body, hdr, rot, 3);
        tb_open(&t, exit, NULL, 0);
        ra_operand ret[3] = {use_any(p[0]), use_any(p[1]), use_any(p[2])};
        tb_inst(&t, ret, 3, NULL, RET);
        tfn f;
        tb_finish(&t, &f, 0);
        ra_machine m = machine(2, 2, scratch != 0);
        ra_result r;
        ra_context *ctx = alloc_and_check(&f.f, &m, &r);
        ra_context_free(ctx);
        tfn_free(&f);
        tb_free(&t);
    }
}

/* A branch defining a value in the scratch register (a fixed def) whose
 * successor receives a parameter from slot to slot: the value must be
 * saved before the scratch register carries the slot-to-slot move. */
static void test_fixed_def_in_scratch(void **state) {
    (void)state;
    tb t;
    tb_init(&t);
    uint32_t b0 = tb_block(&t), b1 = tb_block(&t), b2 = tb_block(&t);
    uint32_t a = tb_vreg(&t, RA_CLASS_INT), x = tb_vreg(&t, RA_CLASS_INT);
    uint32_t y = tb_vreg(&t, RA_CLASS_INT), c = tb_vreg(&t, RA_CLASS_INT);
    uint32_t tv = tb_vreg(&t, RA_CLASS_INT), p = tb_vreg(&t, RA_CLASS_INT);
    tb_open(&t, b0, NULL, 0);
    ra_operand d[4] = {def_stack(a), def(x), def(y), def_any(c)};
    tb_inst(&t, d, 4, NULL, 0);
    ra_operand br[2] = {use_any(c), def_fixed(tv, 40)};
    tb_inst(&t, br, 2, NULL, BR);
    tb_edge_to(&t, b0, b1, &a, 1);
    tb_edge_to(&t, b0, b2, NULL, 0);
    tb_open(&t, b1, &p, 1);
    ra_operand u[5] = {use(x), use(y), use_any(tv), use_stack(p), use_any(a)};
    tb_inst(&t, u, 5, NULL, RET);
    tb_open(&t, b2, NULL, 0);
    ra_operand u2[2] = {use(x), use(y)};
    tb_inst(&t, u2, 2, NULL, RET);
    tfn f;
    tb_finish(&t, &f, 0);
    ra_machine m = machine(2, 2, true);
    ra_result r;
    ra_context *ctx = alloc_and_check(&f.f, &m, &r);
    ra_context_free(ctx);
    tfn_free(&f);
    tb_free(&t);
}

/* if/else: each arm defines a value passed to the merge block. */
static void test_diamond(void **state) {
    (void)state;
    tb t;
    tb_init(&t);
    uint32_t b0 = tb_block(&t), bt = tb_block(&t), be = tb_block(&t), bm = tb_block(&t);
    uint32_t x = tb_vreg(&t, RA_CLASS_INT), y = tb_vreg(&t, RA_CLASS_INT);
    uint32_t f0 = tb_vreg(&t, RA_CLASS_FLOAT), a = tb_vreg(&t, RA_CLASS_INT);
    uint32_t b = tb_vreg(&t, RA_CLASS_INT), p = tb_vreg(&t, RA_CLASS_INT);
    uint32_t q = tb_vreg(&t, RA_CLASS_INT);
    tb_open(&t, b0, NULL, 0);
    ra_operand d[3] = {def(x), def(y), def(f0)};
    tb_inst(&t, d, 3, NULL, 0);
    ra_operand c = use(x);
    tb_inst(&t, &c, 1, NULL, BR);
    tb_edge_to(&t, b0, bt, NULL, 0);
    tb_edge_to(&t, b0, be, NULL, 0);
    tb_open(&t, bt, NULL, 0);
    ra_operand o1[3] = {use(x), use(y), def(a)};
    tb_inst(&t, o1, 3, NULL, 0);
    tb_inst(&t, NULL, 0, NULL, BR);
    tb_edge_to(&t, bt, bm, &a, 1);
    tb_open(&t, be, NULL, 0);
    ra_operand o2[2] = {use(y), def(b)};
    tb_inst(&t, o2, 2, NULL, 0);
    tb_inst(&t, NULL, 0, NULL, BR);
    tb_edge_to(&t, be, bm, &b, 1);
    tb_open(&t, bm, &p, 1);
    ra_operand o3[3] = {use(p), use(x), def(q)};
    tb_inst(&t, o3, 3, NULL, 0);
    ra_operand ret[2] = {use_fixed(q, 0), use_fixed(f0, 16)};
    tb_inst(&t, ret, 2, NULL, RET);
    tfn f;
    tb_finish(&t, &f, 0);
    ra_machine m = machine(4, 4, true);
    ra_result r;
    ra_context *ctx = alloc_and_check(&f.f, &m, &r);
    assert_int_equal(r.num_spill_slots, 0);
    ra_context_free(ctx);
    tfn_free(&f);
    tb_free(&t);
}

/* A division (dividend and quotient in r0, remainder in r1), a shift with
 * its count in r2, and a call clobbering r0-r2 with arguments in r0, r1:
 * values live across the call end up in r3 or on the stack. */
static void test_fixed_and_clobbers(void **state) {
    (void)state;
    tb t;
    tb_init(&t);
    uint32_t b0 = tb_block(&t);
    uint32_t v[6], q = tb_vreg(&t, RA_CLASS_INT), rem = tb_vreg(&t, RA_CLASS_INT);
    uint32_t sh = tb_vreg(&t, RA_CLASS_INT), res = tb_vreg(&t, RA_CLASS_INT);
    uint32_t fl = tb_vreg(&t, RA_CLASS_FLOAT), fr = tb_vreg(&t, RA_CLASS_FLOAT);
    uint32_t sum = tb_vreg(&t, RA_CLASS_INT), sum2 = tb_vreg(&t, RA_CLASS_INT);
    tb_open(&t, b0, NULL, 0);
    for (int k = 0; k < 6; k++) {
        v[k] = tb_vreg(&t, RA_CLASS_INT);
        ra_operand d = def(v[k]);
        tb_inst(&t, &d, 1, NULL, 0);
    }
    ra_operand fd = def(fl);
    tb_inst(&t, &fd, 1, NULL, 0);
    ra_operand div[4] = {use_fixed(v[0], 0), use(v[1]), def_fixed(q, 0), def_fixed(rem, 1)};
    tb_inst(&t, div, 4, NULL, 0);
    ra_operand shl[3] = {use(v[2]), use_fixed(v[3], 2), def_reuse(sh, 0)};
    tb_inst(&t, shl, 3, NULL, 0);
    uint8_t clobbered[5] = {0, 1, 2, 16, 17};
    ra_pregset cs = regset(5, clobbered);
    ra_operand call[4] = {use_fixed(q, 0), use_fixed(sh, 1), def_fixed(res, 0), def_fixed(fr, 16)};
    tb_inst(&t, call, 4, &cs, 0);
    ra_operand a1[3] = {use(res), use(rem), def(sum)};
    tb_inst(&t, a1, 3, NULL, 0);
    ra_operand a2[6] = {use(sum),      use_any(v[1]), use_any(v[2]),
                        use_any(v[4]), use_any(v[5]), def(sum2)};
    tb_inst(&t, a2, 6, NULL, 0);
    ra_operand ret[4] = {use_fixed(sum2, 0), use_fixed(fl, 16), use_fixed(fr, 17), use_any(v[3])};
    tb_inst(&t, ret, 4, NULL, RET);
    tfn f;
    tb_finish(&t, &f, 0);
    ra_machine m = machine(4, 4, true);
    ra_result r;
    ra_context *ctx = alloc_and_check(&f.f, &m, &r);
    /* The call's operands are where the ABI wants them. */
    uint32_t o = f.f.op_start[9];
    assert_int_equal(r.allocs[o].index, 0);
    assert_int_equal(r.allocs[o + 2].index, 0);
    ra_context_free(ctx);
    tfn_free(&f);
    tb_free(&t);
}

/* Two-address instructions: when the reused input dies, the def takes its
 * register and no copy is needed; when it stays live, one copy is made. */
static void test_reuse(void **state) {
    (void)state;
    for (int keep = 0; keep < 2; keep++) {
        tb t;
        tb_init(&t);
        uint32_t b0 = tb_block(&t), a = tb_vreg(&t, RA_CLASS_INT), b = tb_vreg(&t, RA_CLASS_INT);
        uint32_t d = tb_vreg(&t, RA_CLASS_INT), e = tb_vreg(&t, RA_CLASS_INT);
        tb_open(&t, b0, NULL, 0);
        ra_operand defs[2] = {def(a), def(b)};
        tb_inst(&t, defs, 2, NULL, 0);
        ra_operand add[3] = {use(a), use(b), def_reuse(d, 0)};
        tb_inst(&t, add, 3, NULL, 0);
        ra_operand add2[3] = {use(d), use(keep ? a : b), def_reuse(e, 0)};
        tb_inst(&t, add2, 3, NULL, 0);
        ra_operand ret = use_any(e);
        tb_inst(&t, &ret, 1, NULL, RET);
        tfn f;
        tb_finish(&t, &f, 0);
        ra_machine m = machine(4, 4, true);
        ra_result r;
        ra_context *ctx = alloc_and_check(&f.f, &m, &r);
        assert_int_equal(r.num_edits, keep ? 1 : 0);
        assert_int_equal(r.allocs[2].index, r.allocs[4].index);
        ra_context_free(ctx);
        tfn_free(&f);
        tb_free(&t);
    }
}

/* Stack operands, ANY defs, early defs and late uses. */
static void test_operand_kinds(void **state) {
    (void)state;
    tb t;
    tb_init(&t);
    uint32_t b0 = tb_block(&t), a = tb_vreg(&t, RA_CLASS_INT), b = tb_vreg(&t, RA_CLASS_INT);
    uint32_t c = tb_vreg(&t, RA_CLASS_INT), tmp = tb_vreg(&t, RA_CLASS_INT);
    uint32_t d = tb_vreg(&t, RA_CLASS_INT), e = tb_vreg(&t, RA_CLASS_INT);
    tb_open(&t, b0, NULL, 0);
    ra_operand o1[2] = {def_stack(a), def_any(b)};
    tb_inst(&t, o1, 2, NULL, 0);
    ra_operand o2[4] = {use(a), use_late(b), def_early(tmp), def(c)};
    tb_inst(&t, o2, 4, NULL, 0);
    ra_operand o3[3] = {use_stack(c), use_any(b), def(d)};
    tb_inst(&t, o3, 3, NULL, 0);
    ra_operand o4[3] = {use(d), use_stack(a), def_any(e)};
    tb_inst(&t, o4, 3, NULL, 0);
    ra_operand ret[2] = {use_fixed(e, 0), use(c)};
    tb_inst(&t, ret, 2, NULL, RET);
    tfn f;
    tb_finish(&t, &f, 0);
    ra_machine m = machine(4, 4, true);
    ra_result r;
    ra_context *ctx = alloc_and_check(&f.f, &m, &r);
    assert_int_equal(r.allocs[0].kind, RA_LOC_STACK);
    uint32_t o = f.f.op_start[1];
    for (uint32_t k = 0; k < 4; k++) /* early def and late use: no sharing */
        for (uint32_t j = k + 1; j < 4; j++)
            if (k != 0 || j != 3)
                assert_false(r.allocs[o + k].index == r.allocs[o + j].index &&
                             r.allocs[o + k].kind == r.allocs[o + j].kind);
    ra_context_free(ctx);
    tfn_free(&f);
    tb_free(&t);
}

/* ---- The checker rejects corrupted allocations. ---- */

static void test_checker_rejects(void **state) {
    (void)state;
    tb t;
    tb_init(&t);
    build_loop(&t, true, 3);
    tfn f;
    tb_finish(&t, &f, 0);
    ra_machine m = machine(3, 4, true);
    ra_result r;
    ra_context *ctx = alloc_and_check(&f.f, &m, &r);
    char msg[200];
    uint32_t nops = f.f.op_start[f.f.num_insts];
    /* Every single changed operand register is caught. */
    uint32_t caught = 0, tried = 0;
    for (uint32_t k = 0; k < nops; k++) {
        ra_loc saved = r.allocs[k];
        if (saved.kind != RA_LOC_REG) continue;
        r.allocs[k].index = saved.index == 0 ? 1 : 0;
        tried++;
        caught += !ra_check(&f.f, &m, &r, msg, sizeof msg);
        r.allocs[k] = saved;
    }
    assert_true(tried > 0);
    assert_int_equal(caught, tried);
    /* Dropping any move is caught unless the move was redundant; at least one is needed. */
    assert_true(r.num_edits > 0);
    ra_edit *copy = malloc(r.num_edits * sizeof *copy);
    uint32_t dropped_caught = 0;
    for (uint32_t k = 0; k < r.num_edits; k++) {
        memcpy(copy, r.edits, k * sizeof *copy);
        memcpy(copy + k, r.edits + k + 1, (r.num_edits - k - 1) * sizeof *copy);
        ra_result r2 = r;
        r2.edits = copy;
        r2.num_edits = r.num_edits - 1;
        dropped_caught += !ra_check(&f.f, &m, &r2, msg, sizeof msg);
    }
    assert_true(dropped_caught > 0);
    /* A stack-to-stack edit and a bad location are rejected. */
    ra_result r3 = r;
    ra_edit bad[1];
    bad[0].point = 0;
    bad[0].rclass = RA_CLASS_INT;
    bad[0].from = (ra_loc){RA_LOC_STACK, 0};
    bad[0].to = (ra_loc){RA_LOC_STACK, 1};
    r3.edits = bad;
    r3.num_edits = 1;
    r3.num_spill_slots = 2;
    assert_false(ra_check(&f.f, &m, &r3, msg, sizeof msg));
    assert_non_null(strstr(msg, "stack"));
    bad[0].from = (ra_loc){RA_LOC_REG, 200};
    assert_false(ra_check(&f.f, &m, &r3, msg, sizeof msg));
    free(copy);
    ra_context_free(ctx);
    tfn_free(&f);
    tb_free(&t);
}

/* ---- Malformed input: an error message, never a crash. ---- */

static void expect_error(const ra_function *f, const ra_machine *m, const char *needle) {
    ra_context *ctx = ra_context_new();
    ra_result r;
    bool ok = ra_allocate(ctx, f, m, &r);
    if (ok || !strstr(r.error, needle))
        fprintf(stderr, "expected error containing '%s', got '%s'\n", needle,
                ok ? "success" : r.error);
    assert_false(ok);
    assert_non_null(strstr(r.error, needle));
    char msg[200];
    assert_false(ra_check(f, m, &r, msg, sizeof msg));
    ra_context_free(ctx);
}

static void test_malformed(void **state) {
    (void)state;
    ra_machine m = machine(4, 4, true);
    tb t;
    tb_init(&t);
    uint32_t b0 = tb_block(&t), b1 = tb_block(&t), b2 = tb_block(&t);
    uint32_t a = tb_vreg(&t, RA_CLASS_INT), b = tb_vreg(&t, RA_CLASS_INT);
    uint32_t c = tb_vreg(&t, RA_CLASS_INT), fv = tb_vreg(&t, RA_CLASS_FLOAT);
    tb_open(&t, b0, NULL, 0);
    ra_operand o0[2] = {def(a), def(fv)};
    tb_inst(&t, o0, 2, NULL, 0);
    ra_operand br = use(a);
    tb_inst(&t, &br, 1, NULL, BR);
    tb_edge_to(&t, b0, b1, NULL, 0);
    tb_edge_to(&t, b0, b2, NULL, 0);
    tb_open(&t, b1, NULL, 0);
    ra_operand o1[2] = {use(a), def(b)};
    tb_inst(&t, o1, 2, NULL, 0);
    ra_operand r1 = use_fixed(b, 0);
    tb_inst(&t, &r1, 1, NULL, RET);
    tb_open(&t, b2, NULL, 0);
    ra_operand o2[2] = {use(a), def(c)};
    tb_inst(&t, o2, 2, NULL, 0);
    ra_operand r2 = use_fixed(c, 0);
    tb_inst(&t, &r2, 1, NULL, RET);
    tfn f;
    tb_finish(&t, &f, 0);
    ra_result r;
    ra_context_free(alloc_and_check(&f.f, &m, &r)); /* the unmodified function is fine */

    /* ops: 0 def a, 1 def fv | 2 br a | 3 use a, 4 def b | 5 ret b | 6 use a, 7 def c | 8 ret c */
    f.ops[2].vreg = 99;
    expect_error(&f.f, &m, "out of range");
    f.ops[2].vreg = a;
    f.ops[5].vreg = c; /* b1's return reads c, defined in b2 */
    expect_error(&f.f, &m, "dominate");
    f.ops[5].vreg = b;
    f.ops[3] = use(b); /* the instruction defining b uses it */
    expect_error(&f.f, &m, "before its definition");
    f.ops[3] = use(a);
    f.ops[4] = def(a); /* a defined twice */
    expect_error(&f.f, &m, "defined twice");
    f.ops[4] = def_reuse(b, 5);
    expect_error(&f.f, &m, "reuses operand");
    f.ops[4] = def_reuse(b, 0);
    ra_context_free(alloc_and_check(&f.f, &m, &r));
    f.ops[4] = def(b);
    f.ops[5] = use_fixed(b, 17); /* float register for an int vreg */
    expect_error(&f.f, &m, "class");
    f.ops[5] = use_fixed(b, 0);
    f.ops[4].kind = 7;
    expect_error(&f.f, &m, "invalid kind");
    f.ops[4] = def(b);
    f.inst_flags[1] = 0; /* block 0 does not end with a branch */
    expect_error(&f.f, &m, "does not end");
    f.inst_flags[1] = BR;
    f.succs[0] = 7;
    expect_error(&f.f, &m, "out of range");
    f.succs[0] = 1;
    f.preds[0] = 2; /* inconsistent edge lists */
    expect_error(&f.f, &m, "edge");
    f.preds[0] = 0;
    f.vreg_class[fv] = 9;
    expect_error(&f.f, &m, "class");
    f.vreg_class[fv] = RA_CLASS_FLOAT;
    f.f.num_blocks = 0;
    expect_error(&f.f, &m, "empty");
    f.f.num_blocks = 3;
    ra_machine bad = m;
    bad.scratch[RA_CLASS_INT] = 1;
    expect_error(&f.f, &bad, "scratch");
    ra_context_free(alloc_and_check(&f.f, &m, &r));
    /* Too many values needing registers in one instruction. */
    ra_machine tiny = machine(1, 1, true);
    tfn_free(&f);
    tb_free(&t);
    tb_init(&t);
    b0 = tb_block(&t);
    a = tb_vreg(&t, RA_CLASS_INT);
    b = tb_vreg(&t, RA_CLASS_INT);
    c = tb_vreg(&t, RA_CLASS_INT);
    tb_open(&t, b0, NULL, 0);
    ra_operand ab[2] = {def(a), def(b)};
    tb_inst(&t, ab, 2, NULL, 0);
    ra_operand abc[3] = {use(a), use(b), def(c)};
    tb_inst(&t, abc, 3, NULL, 0);
    ra_operand rc = use_fixed(c, 0);
    tb_inst(&t, &rc, 1, NULL, RET);
    tb_finish(&t, &f, 0);
    expect_error(&f.f, &tiny, "registers");
    tfn_free(&f);
    tb_free(&t);
}

static void test_malformed_cfg(void **state) {
    (void)state;
    ra_machine m = machine(4, 4, true);
    /* A critical edge: b0 -> {b1, b2}, b1 -> b2. */
    tb t;
    tb_init(&t);
    uint32_t b0 = tb_block(&t), b1 = tb_block(&t), b2 = tb_block(&t), b3 = tb_block(&t);
    uint32_t a = tb_vreg(&t, RA_CLASS_INT);
    tb_open(&t, b0, NULL, 0);
    ra_operand d = def(a), u = use(a);
    tb_inst(&t, &d, 1, NULL, 0);
    tb_inst(&t, &u, 1, NULL, BR);
    tb_edge_to(&t, b0, b1, NULL, 0);
    tb_edge_to(&t, b0, b2, NULL, 0);
    tb_open(&t, b1, NULL, 0);
    tb_inst(&t, NULL, 0, NULL, BR);
    tb_edge_to(&t, b1, b2, NULL, 0);
    tb_open(&t, b2, NULL, 0);
    tb_inst(&t, &u, 1, NULL, RET);
    tb_open(&t, b3, NULL, 0); /* unreachable */
    tb_inst(&t, NULL, 0, NULL, RET);
    tfn f;
    tb_finish(&t, &f, 0);
    expect_error(&f.f, &m, "critical edge");
    tfn_free(&f);
    tb_free(&t);

    /* Unreachable block; argument count mismatch; entry parameters. */
    tb_init(&t);
    b0 = tb_block(&t);
    b1 = tb_block(&t);
    b2 = tb_block(&t);
    a = tb_vreg(&t, RA_CLASS_INT);
    uint32_t p = tb_vreg(&t, RA_CLASS_INT);
    tb_open(&t, b0, NULL, 0);
    tb_inst(&t, &d, 1, NULL, 0);
    tb_inst(&t, NULL, 0, NULL, BR);
    tb_edge_to(&t, b0, b1, &a, 1);
    tb_open(&t, b1, &p, 1);
    ra_operand ru = use(p);
    tb_inst(&t, &ru, 1, NULL, RET);
    tb_open(&t, b2, NULL, 0);
    tb_inst(&t, NULL, 0, NULL, RET);
    tb_finish(&t, &f, 0);
    expect_error(&f.f, &m, "unreachable");
    f.f.num_blocks = 2;
    f.f.num_insts = 3;
    ra_result r;
    ra_context_free(alloc_and_check(&f.f, &m, &r));
    f.edge_arg_start[1] = 0; /* no arguments for one parameter */
    expect_error(&f.f, &m, "arguments");
    f.edge_arg_start[1] = 1;
    f.param_start[0] = 0;
    f.param_start[1] = 1; /* the entry takes the parameter */
    expect_error(&f.f, &m, "entry block parameters");
    tfn_free(&f);
    tb_free(&t);
}

/* ---- Random functions. ---- */

typedef struct rng {
    uint64_t s;
} rng;

static uint32_t rnd(rng *r, uint32_t n) {
    r->s ^= r->s << 13;
    r->s ^= r->s >> 7;
    r->s ^= r->s << 17;
    return (uint32_t)((r->s >> 16) % n);
}

typedef struct gen {
    tb *t;
    rng *r;
    uint32_t *avail; /* vregs defined on every path to here */
    uint32_t navail, cavail;
    uint32_t insts_left;
    uint32_t maxregs; /* registers per class the machine has (2 or at least 4) */
    bool calls;
} gen;

static void avail_push(gen *g, uint32_t v) {
    GROW(g->avail, g->navail, g->cavail);
    g->avail[g->navail++] = v;
}

static uint32_t new_def(gen *g, uint8_t cls) {
    uint32_t v = tb_vreg(g->t, cls);
    ra_operand d = def(v);
    tb_inst(g->t, &d, 1, NULL, 0);
    avail_push(g, v);
    return v;
}

/* A random available vreg of class cls (defining one if none). */
static uint32_t pick(gen *g, uint8_t cls) {
    for (int tries = 0; tries < 8 && g->navail; tries++) {
        uint32_t v = g->avail[g->navail - 1 - rnd(g->r, g->navail < 12 ? g->navail : 12)];
        if (rnd(g->r, 4) == 0) /* something older, within a window */
            v = g->avail[g->navail - 1 - rnd(g->r, g->navail < 256 ? g->navail : 256)];
        if (g->t->vclass[v] == cls) return v;
    }
    return new_def(g, cls);
}

static ra_operand rand_use(gen *g, uint32_t v) {
    switch (rnd(g->r, 10)) {
    case 0: return use_any(v);
    case 1: return use_stack(v);
    case 2: return use_late(v);
    default: return use(v);
    }
}

static void gen_inst(gen *g) {
    tb *t = g->t;
    uint8_t cls = rnd(g->r, 3) == 0 ? RA_CLASS_FLOAT : RA_CLASS_INT;
    ra_operand ops[8];
    uint32_t n = 0, kind = rnd(g->r, 20);
    if (kind == 0 && g->calls) { /* call: args in r0/r1 (f16), clobbers r0-r2, f16, f17 */
        uint8_t cl[5] = {0, 1, 2, 16, 17};
        ra_pregset cs = regset(5, cl);
        ops[n++] = use_fixed(pick(g, RA_CLASS_INT), 0);
        if (rnd(g->r, 2)) ops[n++] = use_fixed(pick(g, RA_CLASS_INT), 1);
        if (rnd(g->r, 2)) ops[n++] = use_fixed(pick(g, RA_CLASS_FLOAT), 16);
        uint32_t res = tb_vreg(t, RA_CLASS_INT);
        ops[n++] = def_fixed(res, 0);
        uint32_t fres = RA_NUM_CLASSES;
        if (rnd(g->r, 2)) {
            fres = tb_vreg(t, RA_CLASS_FLOAT);
            ops[n++] = def_fixed(fres, 16);
        }
        tb_inst(t, ops, n, &cs, 0);
        avail_push(g, res);
        if (fres != RA_NUM_CLASSES) avail_push(g, fres);
        return;
    }
    if (kind == 1 && g->maxregs >= 4) { /* division: r0 in and out, r1 out */
        uint32_t q = tb_vreg(t, RA_CLASS_INT), rm = tb_vreg(t, RA_CLASS_INT);
        ops[n++] = use_fixed(pick(g, RA_CLASS_INT), 0);
        ops[n++] = use(pick(g, RA_CLASS_INT));
        ops[n++] = def_fixed(q, 0);
        ops[n++] = def_fixed(rm, 1);
        tb_inst(t, ops, n, NULL, 0);
        avail_push(g, q);
        avail_push(g, rm);
        return;
    }
    if (kind == 2) { /* shift: count in r2, value reused */
        uint32_t d = tb_vreg(t, RA_CLASS_INT);
        ops[n++] = use(pick(g, RA_CLASS_INT));
        ops[n++] = use_fixed(pick(g, RA_CLASS_INT), 2);
        ops[n++] = def_reuse(d, 0);
        tb_inst(t, ops, n, NULL, 0);
        avail_push(g, d);
        return;
    }
    if (kind == 3) { /* a constant */
        new_def(g, cls);
        return;
    }
    if (kind == 4 && g->maxregs >= 4) { /* implicit register in and out (mul rax) */
        uint32_t d = tb_vreg(t, RA_CLASS_INT), hi = tb_vreg(t, RA_CLASS_INT);
        ops[n++] = use_fixed(pick(g, RA_CLASS_INT), 0);
        ops[n++] = use(pick(g, RA_CLASS_INT));
        ops[n++] = def_reuse(d, 0);
        ops[n++] = def_fixed(hi, 3);
        tb_inst(t, ops, n, NULL, 0);
        avail_push(g, d);
        avail_push(g, hi);
        return;
    }
    if (kind == 5 && g->maxregs >= 4) { /* a late fixed use and an early fixed def (a string op) */
        uint32_t d = tb_vreg(t, RA_CLASS_INT), tmp = tb_vreg(t, RA_CLASS_INT);
        ops[n++] = (ra_operand){pick(g, RA_CLASS_INT), RA_USE, RA_LATE, RA_FIXED, 1};
        ops[n++] = use(pick(g, RA_CLASS_INT));
        ops[n++] = (ra_operand){tmp, RA_DEF, RA_EARLY, RA_FIXED, 2};
        ops[n++] = def(d);
        tb_inst(t, ops, n, NULL, 0);
        avail_push(g, d);
        return;
    }
    if (kind == 6 && g->maxregs >= 4) { /* two two-address results */
        uint32_t d1 = tb_vreg(t, cls), d2 = tb_vreg(t, cls);
        ops[n++] = use(pick(g, cls));
        ops[n++] = use(pick(g, cls));
        ops[n++] = def_reuse(d1, 0);
        ops[n++] = def_reuse(d2, 1);
        tb_inst(t, ops, n, NULL, 0);
        avail_push(g, d1);
        avail_push(g, d2);
        return;
    }
    uint32_t nuses = rnd(g->r, g->maxregs >= 4 ? 3 : 2);
    for (uint32_t k = 0; k < nuses; k++)
        ops[n++] = rand_use(g, pick(g, cls));
    uint32_t d = tb_vreg(t, cls), dk = rnd(g->r, 12);
    if (dk < 3 && nuses > 0 && ops[0].constraint == RA_REG && ops[0].pos == RA_EARLY)
        ops[n++] = def_reuse(d, 0);
    else if (dk == 3)
        ops[n++] = def_any(d);
    else if (dk == 4)
        ops[n++] = def_stack(d);
    else if (dk == 5)
        ops[n++] = def_early(d);
    else
        ops[n++] = def(d);
    if (g->maxregs >= 4 && rnd(g->r, 8) == 0)
        ops[n++] = def_early(tb_vreg(t, cls)); /* a dead temporary */
    tb_inst(t, ops, n, NULL, 0);
    avail_push(g, d);
}

static void gen_straight(gen *g) {
    uint32_t n = 1 + rnd(g->r, 6);
    for (uint32_t k = 0; k < n && g->insts_left; k++, g->insts_left--)
        gen_inst(g);
}

/* Picks n arguments matching the classes of params. */
static void pick_args(gen *g, const uint32_t *params, uint32_t n, uint32_t *args) {
    for (uint32_t k = 0; k < n; k++)
        args[k] = pick(g, g->t->vclass[params[k]]);
}

static void new_params(gen *g, uint32_t *params, uint32_t n) {
    for (uint32_t k = 0; k < n; k++)
        params[k] = tb_vreg(g->t, rnd(g->r, 3) == 0 ? RA_CLASS_FLOAT : RA_CLASS_INT);
}

/* Generates code from the open block `cur` onwards; returns the open block
 * at the end. Depth is bounded by the caller. */
static uint32_t gen_region(gen *g, uint32_t cur, int depth) {
    tb *t = g->t;
    while (g->insts_left > 0) {
        uint32_t what = rnd(g->r, depth >= 3 ? 2 : 5);
        if (what < 2) {
            gen_straight(g);
            if (depth > 0 && rnd(g->r, 3) == 0) return cur;
            continue;
        }
        uint32_t saved = g->navail;
        if (what == 2 || what == 3) { /* diamond */
            uint32_t bt = tb_block(t), be = tb_block(t), bm = tb_block(t), mp[3], args[3];
            uint32_t np = rnd(g->r, 4);
            new_params(g, mp, np);
            ra_operand c[2] = {use(pick(g, RA_CLASS_INT)), def(tb_vreg(t, RA_CLASS_INT))};
            uint32_t nc = 1;
            if (rnd(g->r, 4) == 0) { /* a branch that defines a value (as try_call) */
                if (rnd(g->r, 2)) c[1] = def_fixed(c[1].vreg, 0);
                nc = 2;
            }
            tb_inst(t, c, nc, NULL, BR);
            tb_edge_to(t, cur, bt, NULL, 0);
            tb_edge_to(t, cur, be, NULL, 0);
            if (nc == 2) {
                avail_push(g, c[1].vreg);
                saved = g->navail;
            }
            tb_open(t, bt, NULL, 0);
            uint32_t end = gen_region(g, bt, depth + 1);
            pick_args(g, mp, np, args);
            tb_inst(t, NULL, 0, NULL, BR);
            tb_edge_to(t, end, bm, args, np);
            g->navail = saved;
            tb_open(t, be, NULL, 0);
            end = gen_region(g, be, depth + 1);
            pick_args(g, mp, np, args);
            tb_inst(t, NULL, 0, NULL, BR);
            tb_edge_to(t, end, bm, args, np);
            g->navail = saved;
            tb_open(t, bm, mp, np);
            for (uint32_t k = 0; k < np; k++)
                avail_push(g, mp[k]);
            cur = bm;
        } else { /* loop: header(params) -> body ... -> header; header -> exit(params) */
            uint32_t hdr = tb_block(t), body = tb_block(t), exit = tb_block(t);
            uint32_t hp[3], ep[2], args[3], nh = 1 + rnd(g->r, 3), ne = rnd(g->r, 3);
            new_params(g, hp, nh);
            new_params(g, ep, ne);
            pick_args(g, hp, nh, args);
            tb_inst(t, NULL, 0, NULL, BR);
            tb_edge_to(t, cur, hdr, args, nh);
            tb_open(t, hdr, hp, nh);
            for (uint32_t k = 0; k < nh; k++)
                avail_push(g, hp[k]);
            gen_straight(g);
            ra_operand c = use(pick(g, RA_CLASS_INT));
            pick_args(g, ep, ne, args);
            uint32_t hsaved = g->navail; /* what the header defines dominates body and exit */
            tb_inst(t, &c, 1, NULL, BR);
            tb_edge_to(t, hdr, body, NULL, 0);
            tb_edge_to(t, hdr, exit, args, ne);
            tb_open(t, body, NULL, 0);
            uint32_t end = gen_region(g, body, depth + 1);
            pick_args(g, hp, nh, args);
            if (rnd(g->r, 3) == 0) /* permute the parameters: move cycles */
                for (uint32_t k = 0; k < nh; k++)
                    for (uint32_t j = 1; j < nh; j++)
                        if (t->vclass[hp[(k + j) % nh]] == t->vclass[hp[k]]) {
                            args[k] = hp[(k + j) % nh];
                            break;
                        }
            tb_inst(t, NULL, 0, NULL, BR);
            tb_edge_to(t, end, hdr, args, nh);
            g->navail = hsaved;
            tb_open(t, exit, ep, ne);
            for (uint32_t k = 0; k < ne; k++)
                avail_push(g, ep[k]);
            cur = exit;
        }
    }
    return cur;
}

/* A random valid function; shuffle != 0 also permutes the block layout. */
static void gen_function_regs(tb *t, uint32_t seed, uint32_t size, bool calls, tfn *f, bool shuffle,
                              uint32_t maxregs) {
    rng r = {0x9e3779b97f4a7c15ull ^ ((uint64_t)seed * 0x2545f4914f6cdd1dull)};
    gen g;
    memset(&g, 0, sizeof g);
    g.t = t;
    g.r = &r;
    g.insts_left = size;
    g.calls = calls;
    g.maxregs = maxregs;
    tb_init(t);
    uint32_t b0 = tb_block(t);
    tb_open(t, b0, NULL, 0);
    uint32_t end = gen_region(&g, b0, 0);
    (void)end;
    ra_operand ret[3];
    uint32_t n = 0;
    ret[n++] = use_fixed(pick(&g, RA_CLASS_INT), 0);
    if (rnd(&r, 2)) ret[n++] = use_fixed(pick(&g, RA_CLASS_FLOAT), 16);
    if (rnd(&r, 2)) ret[n++] = use_any(pick(&g, RA_CLASS_INT));
    tb_inst(t, ret, n, NULL, RET);
    tb_finish(t, f, shuffle ? seed * 7 + 1 : 0);
    free(g.avail);
}

static void gen_function(tb *t, uint32_t seed, uint32_t size, bool calls, tfn *f, bool shuffle) {
    gen_function_regs(t, seed, size, calls, f, shuffle, 4);
}

static void run_random(uint32_t count, uint32_t nint, uint32_t nfloat, bool scratch, uint32_t seed0,
                       bool shuffle) {
    ra_machine m = machine(nint, nfloat, scratch);
    ra_context *ctx = ra_context_new(); /* reused across functions */
    uint64_t total_insts = 0, total_edits = 0, total_slots = 0;
    for (uint32_t s = 0; s < count; s++) {
        tb t;
        tfn f;
        gen_function_regs(&t, seed0 + s, 5 + (s * 7) % 120, (s % 3) != 0, &f, shuffle,
                          nint < nfloat ? nint : nfloat);
        ra_result r;
        bool ok = ra_allocate(ctx, &f.f, &m, &r);
        if (!ok) fprintf(stderr, "seed %u: allocation failed: %s\n", seed0 + s, r.error);
        assert_true(ok);
        char msg[200];
        ok = ra_check(&f.f, &m, &r, msg, sizeof msg);
        if (!ok) fprintf(stderr, "seed %u: checker: %s\n", seed0 + s, msg);
        assert_true(ok);
        total_insts += f.f.num_insts;
        total_edits += r.num_edits;
        total_slots += r.num_spill_slots;
        tfn_free(&f);
        tb_free(&t);
    }
    printf("  %u functions, %llu instructions, %llu edits, %llu spill slots\n", count,
           (unsigned long long)total_insts, (unsigned long long)total_edits,
           (unsigned long long)total_slots);
    ra_context_free(ctx);
}

static void test_random_small_machine(void **state) {
    (void)state;
    run_random(400, 4, 4, true, 1, false);
}

static void test_random_no_scratch(void **state) {
    (void)state;
    run_random(300, 4, 4, false, 10001, false);
}

static void test_random_shuffled_layout(void **state) {
    (void)state;
    run_random(300, 4, 4, true, 20001, true);
}

/* Two registers per class: most values and block parameters live in slots,
 * the shift count goes to a register the allocator does not own. */
static void test_random_tiny_machine(void **state) {
    (void)state;
    run_random(300, 2, 2, true, 40001, false);
    run_random(300, 2, 2, false, 50001, true);
}

static void test_random_larger_machine(void **state) {
    (void)state;
    run_random(100, 12, 8, true, 30001, false);
}

/* Mutated functions: one random field of a valid function is overwritten;
 * the allocator must either fail with a message or succeed with an
 * allocation the checker accepts, and must never crash. */
static void test_fuzz_mutations(void **state) {
    (void)state;
    ra_machine m = machine(4, 4, true);
    ra_context *ctx = ra_context_new();
    uint32_t failed = 0, passed = 0;
    for (uint32_t s = 0; s < 600; s++) {
        tb t;
        tfn f;
        gen_function(&t, 50000 + s, 10 + s % 60, true, &f, (s & 1) != 0);
        rng r = {0x1234567ull + s * 0x9e3779b97f4a7c15ull};
        uint32_t nops = f.f.op_start[f.f.num_insts], ne = f.f.succ_start[f.f.num_blocks];
        uint32_t nargs = f.f.edge_arg_start[ne], np = f.f.param_start[f.f.num_blocks];
        uint32_t junk = rnd(&r, 4) == 0 ? 0xffffffffu : rnd(&r, 2 * f.f.num_vregs + 8);
        uint32_t nb = f.f.num_blocks, ni = f.f.num_insts;
        switch (rnd(&r, 18)) {
        case 12: f.block_insts[rnd(&r, nb + 1)] += rnd(&r, 3) - 1; break;
        case 13: f.op_start[rnd(&r, ni + 1)] += rnd(&r, 3) - 1; break;
        case 14: f.edge_arg_start[rnd(&r, ne + 1)] += rnd(&r, 3) - 1; break;
        case 15: f.param_start[rnd(&r, nb + 1)] += rnd(&r, 3) - 1; break;
        case 16: f.succ_start[rnd(&r, nb + 1)] += rnd(&r, 3) - 1; break;
        case 17: f.pred_start[rnd(&r, nb + 1)] += rnd(&r, 3) - 1; break;
        case 0: f.ops[rnd(&r, nops)].vreg = junk; break;
        case 1: f.ops[rnd(&r, nops)].kind = (uint8_t)rnd(&r, 3); break;
        case 2: f.ops[rnd(&r, nops)].pos = (uint8_t)rnd(&r, 3); break;
        case 3: f.ops[rnd(&r, nops)].constraint = (uint8_t)rnd(&r, 6); break;
        case 4: f.ops[rnd(&r, nops)].extra = (uint8_t)rnd(&r, 256); break;
        case 5: f.succs[rnd(&r, ne)] = rnd(&r, f.f.num_blocks + 2); break;
        case 6: f.preds[rnd(&r, ne)] = rnd(&r, f.f.num_blocks + 2); break;
        case 7:
            if (nargs) f.edge_args[rnd(&r, nargs)] = junk;
            break;
        case 8:
            if (np) f.params[rnd(&r, np)] = junk;
            break;
        case 9: f.inst_flags[rnd(&r, f.f.num_insts)] ^= (uint8_t)(1 + rnd(&r, 3)); break;
        case 10: f.clobbers[rnd(&r, f.f.num_insts)].bits[0] |= 1ull << rnd(&r, 4); break;
        default: f.vreg_class[rnd(&r, f.f.num_vregs)] ^= 1; break;
        }
        ra_result res;
        if (ra_allocate(ctx, &f.f, &m, &res)) {
            char msg[200];
            bool ok = ra_check(&f.f, &m, &res, msg, sizeof msg);
            if (!ok) fprintf(stderr, "seed %u: checker: %s\n", s, msg);
            assert_true(ok);
            passed++;
        } else {
            assert_true(res.error[0] != 0);
            failed++;
        }
        tfn_free(&f);
        tb_free(&t);
    }
    printf("  %u mutants rejected, %u still valid and checked\n", failed, passed);
    assert_true(failed > 100 && passed > 50);
    ra_context_free(ctx);
}

/* Same input, same output. */
static void test_deterministic(void **state) {
    (void)state;
    tb t;
    tfn f;
    gen_function(&t, 77, 300, true, &f, false);
    ra_machine m = machine(4, 4, true);
    ra_context *c1 = ra_context_new(), *c2 = ra_context_new();
    ra_result r1, r2;
    assert_true(ra_allocate(c1, &f.f, &m, &r1));
    assert_true(ra_allocate(c2, &f.f, &m, &r2));
    assert_int_equal(r1.num_edits, r2.num_edits);
    assert_int_equal(r1.num_spill_slots, r2.num_spill_slots);
    for (uint32_t k = 0; k < f.f.op_start[f.f.num_insts]; k++) {
        assert_int_equal(r1.allocs[k].kind, r2.allocs[k].kind);
        assert_int_equal(r1.allocs[k].index, r2.allocs[k].index);
    }
    for (uint32_t k = 0; k < r1.num_edits; k++) {
        assert_int_equal(r1.edits[k].point, r2.edits[k].point);
        assert_int_equal(r1.edits[k].from.kind, r2.edits[k].from.kind);
        assert_int_equal(r1.edits[k].from.index, r2.edits[k].from.index);
        assert_int_equal(r1.edits[k].to.kind, r2.edits[k].to.kind);
        assert_int_equal(r1.edits[k].to.index, r2.edits[k].to.index);
    }
    ra_context_free(c1);
    ra_context_free(c2);
    tfn_free(&f);
    tb_free(&t);
}

/* A 100k-instruction function: correctness only (the time is printed). */
static void test_large_function(void **state) {
    (void)state;
    tb t;
    tfn f;
    gen_function(&t, 4242, 100000, true, &f, false);
    ra_machine m = machine(8, 8, true);
    ra_context *ctx = ra_context_new();
    ra_result r;
    clock_t t0 = clock();
    bool ok = ra_allocate(ctx, &f.f, &m, &r);
    clock_t t1 = clock();
    if (!ok) fprintf(stderr, "%s\n", r.error);
    assert_true(ok);
    char msg[200];
    ok = ra_check(&f.f, &m, &r, msg, sizeof msg);
    clock_t t2 = clock();
    if (!ok) fprintf(stderr, "%s\n", msg);
    assert_true(ok);
    printf("  %u instructions, %u blocks, %u vregs: allocate %.3fs, check %.3fs, %u edits, %u "
           "slots\n",
           f.f.num_insts, f.f.num_blocks, f.f.num_vregs, (double)(t1 - t0) / CLOCKS_PER_SEC,
           (double)(t2 - t1) / CLOCKS_PER_SEC, r.num_edits, r.num_spill_slots);
    ra_context_free(ctx);
    tfn_free(&f);
    tb_free(&t);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_straight_line_spills),
        cmocka_unit_test(test_loop_block_params),
        cmocka_unit_test(test_loop_pressure_outside),
        cmocka_unit_test(test_parallel_move_cycle),
        cmocka_unit_test(test_slot_cycle),
        cmocka_unit_test(test_fixed_def_in_scratch),
        cmocka_unit_test(test_diamond),
        cmocka_unit_test(test_fixed_and_clobbers),
        cmocka_unit_test(test_reuse),
        cmocka_unit_test(test_operand_kinds),
        cmocka_unit_test(test_checker_rejects),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_malformed_cfg),
        cmocka_unit_test(test_random_small_machine),
        cmocka_unit_test(test_random_no_scratch),
        cmocka_unit_test(test_random_shuffled_layout),
        cmocka_unit_test(test_random_tiny_machine),
        cmocka_unit_test(test_random_larger_machine),
        cmocka_unit_test(test_fuzz_mutations),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_large_function),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
