/* Internal state of the register allocator, shared by its files. The design
 * is described in docs/REGALLOC.md.
 *
 * Internal positions: every instruction i has four, so that the allocator can
 * tell apart what happens at its points:
 *   P_GAP(i)     moves inserted before i (edits at RA_POINT(i, RA_BEFORE))
 *   P_EARLY(i)   early uses read, early defs written
 *   P_CLOBBER(i) clobbered registers destroyed
 *   P_LATE(i)    late defs written, late uses read
 * A live range [from, to) covers the positions from..to-1. Splits happen only
 * at gap positions, so a value changes location only between instructions. */
#ifndef CLIF_REGALLOC_INT_H
#define CLIF_REGALLOC_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "regalloc/regalloc.h"
#include "support/vec.h"

#define RA_NONE         UINT32_MAX
#define RA_NOREG        0xffu
#define RA_MAX_ENTITIES (1u << 26) /* instructions, operands, vregs, blocks, edges */

#define RA_RESIZE(v, n)                                                                            \
    do {                                                                                           \
        vec_reserve(v, (n) ? (n) : 1);                                                             \
        (v).len = (n);                                                                             \
    } while (0)

#define P_GAP(i)     ((uint32_t)(i)*4u)
#define P_EARLY(i)   (P_GAP(i) + 1u)
#define P_CLOBBER(i) (P_GAP(i) + 2u)
#define P_LATE(i)    (P_GAP(i) + 3u)
#define P_GAP_OF(p)  ((p) & ~3u)
#define P_INST(p)    ((p) >> 2)

typedef struct ra_range {
    uint32_t from, to;
} ra_range;

/* How a use position suggests a register. */
enum {
    RA_HINT_NONE,
    RA_HINT_PREG,  /* hint is a physical register */
    RA_HINT_REUSE, /* hint is the reused vreg: take its location at the gap */
    RA_HINT_FIRST, /* hint is a block parameter: take its first location */
    RA_HINT_PARAM, /* hint is an index into fn->params: take the incoming arguments' locations */
};

/* A position where a vreg is mentioned; the uses of a vreg are sorted by pos. */
typedef struct ra_use {
    uint32_t pos;
    uint32_t hint;
    uint32_t end; /* the live range must reach this position (exclusive); 0 for parameters */
    uint8_t reg;  /* a register is required at pos */
    uint8_t hint_kind;
    uint8_t is_def;
} ra_use;

enum { RA_IV_NONE, RA_IV_REG, RA_IV_STACK };

/* A live interval: the whole lifetime of a vreg at first, then one piece
 * (child) of it after splitting. Ranges and uses are slices of per-vreg
 * arrays; start/end override the first range's from and last range's to. */
typedef struct ra_ival {
    uint32_t vreg;
    uint32_t start, end;
    uint32_t rbeg, rend; /* ranges[rbeg..rend) */
    uint32_t ubeg, uend; /* uses[ubeg..uend) */
    uint32_t next;       /* next child of the same vreg, in position order */
    uint32_t rcur;       /* scan cursor: first range that ends after the scan position */
    uint8_t cls;
    uint8_t kind;  /* RA_IV_* */
    uint8_t preg;  /* for RA_IV_REG */
    uint8_t fixed; /* pre-coloured register of a fixed def, RA_NOREG if none */
    uint8_t hint;  /* register of the piece this one was split from, RA_NOREG if none */
    uint8_t stack_def;
} ra_ival;

/* A stretch where a physical register is unavailable to every vreg but owner
 * (RA_NONE for clobbers). */
typedef struct ra_fblock {
    uint32_t from, to, owner;
} ra_fblock;

/* A move to insert: collected, sorted by (inst, phase, seq), then sequenced. */
enum { RA_PH_EDGE_IN, RA_PH_SPLIT, RA_PH_OPERAND, RA_PH_EDGE_OUT };
typedef struct ra_move {
    uint32_t inst, seq;
    uint8_t phase, cls;
    ra_loc from, to;
} ra_move;

struct ra_context {
    const ra_function *fn;
    const ra_machine *m;
    char err[160];

    /* Machine: class and preference index of each register. */
    uint8_t preg_cls[128], preg_idx[128];

    /* Control flow and loops. */
    VEC(uint32_t) inst_block;
    VEC(uint32_t) loop_end, loop_header, loop_parent; /* per block */

    /* Operands: interval position, tied def (for uses that read the reused register). */
    VEC(uint32_t) op_pos, op_tie;

    /* Definitions per vreg: position, block, instruction (RA_NONE for parameters). */
    VEC(uint32_t) def_pos, def_block, def_inst;
    VEC(uint8_t) def_fixed, def_stack, needs_slot;

    /* Uses per vreg (compressed rows), next register use at or after each. */
    VEC(uint32_t) use_start, next_reg;
    VEC(ra_use) uses;
    VEC(ra_use) tmp_uses;
    VEC(uint32_t) tmp_vreg, vtmp_a, vtmp_b;

    /* Liveness. */
    VEC(uint32_t) stamp_in, stamp_out, stamp_loc, loc_end, work, vblocks;
    VEC(uint32_t) livein_start, livein; /* live-in vregs per block, without parameters */
    VEC(uint32_t) range_start;          /* per vreg, into ranges */
    VEC(ra_range) ranges;

    /* Fixed register blocks, compressed rows per physical register. */
    VEC(ra_fblock) fblocks;
    uint32_t fb_start[129];
    uint32_t fb_cur[128];

    /* Intervals: index v is vreg v's first piece, later pieces are appended. */
    VEC(ra_ival) iv;
    VEC(uint64_t) heap;
    VEC(uint32_t) active, inactive, scratch;
    VEC(uint32_t) vspan_start, vspan_end;

    /* Results. */
    VEC(uint32_t) slot; /* spill slot per vreg, RA_NONE */
    uint32_t num_slots;
    VEC(uint32_t) kid_start, kids; /* pieces per vreg in position order */
    VEC(ra_range) kid_span;        /* start and end of each piece, for lookups */
    VEC(ra_loc) kid_loc;           /* location of each piece */
    VEC(ra_move) moves;
    VEC(ra_loc) allocs;
    VEC(ra_edit) edits;
    uint32_t emergency_used; /* slots beyond num_slots used by move sequencing */
    VEC(uint32_t) pm_head, pm_next, pm_dst, pm_readers, pm_order;
    VEC(uint32_t) pm_val, pm_vstamp, pm_holder, pm_hstamp; /* symbolic values in one gap */
};

/* Errors: formats ctx->err and returns false. */
bool ra_fail(ra_context *ctx, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* validate.c: structural checks shared with the checker. */
bool ra_validate(const ra_function *fn, const ra_machine *m, char *err, size_t errsz);

/* cfg.c, operands.c, liveness.c */
void ra_cfg_build(ra_context *ctx);
bool ra_operands_build(ra_context *ctx);
bool ra_liveness(ra_context *ctx);

/* linear_scan.c */
bool ra_linear_scan(ra_context *ctx);

/* split.c */
uint32_t ra_split(ra_context *ctx, uint32_t iv, uint32_t pos);
uint32_t ra_best_split(ra_context *ctx, uint32_t lo, uint32_t hi);
void ra_assign_slots(ra_context *ctx);
uint32_t ra_first_use_at(const ra_context *ctx, const ra_ival *iv, uint32_t pos);
uint32_t ra_next_reg_use(const ra_context *ctx, const ra_ival *iv, uint32_t pos);

/* moves.c */
bool ra_resolve(ra_context *ctx);
bool ra_loc_at(const ra_context *ctx, uint32_t vreg, uint32_t pos, ra_loc *out);

static inline uint32_t ra_rfrom(const ra_context *ctx, const ra_ival *iv, uint32_t k) {
    return k == iv->rbeg ? iv->start : ctx->ranges.data[k].from;
}
static inline uint32_t ra_rto(const ra_context *ctx, const ra_ival *iv, uint32_t k) {
    return k + 1 == iv->rend ? iv->end : ctx->ranges.data[k].to;
}
/* A binary min-heap of 64-bit keys in a[0..*n). */
static inline void ra_heap_push(uint64_t *a, uint32_t *n, uint64_t key) {
    uint32_t i = (*n)++;
    while (i > 0 && a[(i - 1) / 2] > key) {
        a[i] = a[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    a[i] = key;
}
static inline uint64_t ra_heap_pop(uint64_t *a, uint32_t *n) {
    uint64_t top = a[0], last = a[--(*n)];
    uint32_t i = 0;
    for (;;) {
        uint32_t c = 2 * i + 1;
        if (c >= *n) break;
        if (c + 1 < *n && a[c + 1] < a[c]) c++;
        if (a[c] >= last) break;
        a[i] = a[c];
        i = c;
    }
    if (*n) a[i] = last;
    return top;
}

static inline bool ra_pregset_has(const ra_pregset *s, uint32_t r) {
    return r < 128 && ((s->bits[r >> 6] >> (r & 63)) & 1);
}
/* The first register of s at or after r, 128 if none (skips empty words). */
static inline uint32_t ra_pregset_next(const ra_pregset *s, uint32_t r) {
    for (; r < 128; r++) {
        uint64_t w = s->bits[r >> 6] >> (r & 63);
        if (!w) {
            r |= 63;
            continue;
        }
        while (!(w & 1)) {
            w >>= 1;
            r++;
        }
        return r;
    }
    return 128;
}

#endif
