/* The register allocator's whole interface. It knows neither the IR nor any
 * ISA: a client (machinst) describes a function as blocks of instructions with
 * operands on virtual registers, and the machine as classes of physical
 * registers; the allocator answers with a location per operand and the moves,
 * spills and reloads to insert between instructions.
 *
 * Program points: every instruction i has two points, RA_POINT(i, RA_BEFORE)
 * and RA_POINT(i, RA_AFTER). Uses read at the early point, defs write at the
 * late point unless the operand says otherwise.
 *
 * Preconditions (the client guarantees them): critical edges are split, so a
 * block with several successors passes no block arguments and a block with
 * several predecessors receives its arguments from blocks with one successor;
 * every block ends with one branch or return instruction; block 0 is the
 * entry; vregs are defined once (SSA), block parameters count as defined at
 * the block's start.
 *
 * Further rules (checked; breaking one is an error, never a crash):
 * - every block is reachable from block 0, and block 0 has no parameters
 *   (define incoming arguments with an instruction's FIXED defs);
 * - a block whose successor has several predecessors gets its edge moves
 *   before its branch, so that branch may have no operands (as regalloc2)
 *   and no clobbers;
 * - every use is dominated by the definition of its vreg;
 * - an early def shares no location with any use or other def of its
 *   instruction; a late use shares none with a def (it stays live across
 *   them); two defs never share one;
 * - clobbers destroy their registers between the early and the late point:
 *   early uses and late defs may sit in clobbered registers, values live
 *   across the instruction, late uses and early defs may not;
 * - RA_REUSE is for late defs; it names an early use (RA_REG, RA_ANY or
 *   RA_FIXED) of the same class; if that use's vreg lives on, the allocator
 *   copies it first, so the instruction may overwrite the register.
 * Guarantees of the result: edits never move between two stack slots (they
 * go through the scratch register, or a register saved to a spare slot);
 * all edits are at RA_BEFORE points; the same input gives the same output.
 * The algorithm is described in docs/REGALLOC.md. */
#ifndef CLIF_REGALLOC_H
#define CLIF_REGALLOC_H

#include <stdbool.h>
#include <stdint.h>

typedef uint32_t ra_vreg;
typedef uint8_t ra_preg; /* physical register number, 0..127, unique across classes */

enum { RA_CLASS_INT, RA_CLASS_FLOAT, RA_NUM_CLASSES };

typedef enum ra_kind { RA_USE, RA_DEF } ra_kind;
typedef enum ra_pos { RA_EARLY, RA_LATE } ra_pos;
typedef enum ra_constraint {
    RA_ANY,   /* a register or a spill slot */
    RA_REG,   /* any register of the vreg's class */
    RA_FIXED, /* exactly physical register `extra` */
    RA_REUSE, /* (defs) the same register as use operand number `extra` of the instruction */
    RA_STACK, /* a spill slot */
} ra_constraint;

typedef struct ra_operand {
    ra_vreg vreg;
    uint8_t kind;       /* ra_kind */
    uint8_t pos;        /* ra_pos */
    uint8_t constraint; /* ra_constraint */
    uint8_t extra;      /* preg for RA_FIXED, operand index for RA_REUSE */
} ra_operand;

/* A set of physical registers. */
typedef struct ra_pregset {
    uint64_t bits[2];
} ra_pregset;

enum {
    RA_INST_BRANCH = 1 << 0, /* ends a block and jumps to its successors */
    RA_INST_RET = 1 << 1,    /* ends a block and leaves the function */
};

/* The function, as compressed sparse rows: the items of entity k are
 * items[start[k] .. start[k+1]). */
typedef struct ra_function {
    uint32_t num_insts, num_blocks, num_vregs;
    const uint8_t *vreg_class;   /* [num_vregs] */
    const uint32_t *block_insts; /* [num_blocks + 1]: block b holds insts block_insts[b]..[b+1] */
    const uint32_t *succ_start, *succs;   /* successors of each block */
    const uint32_t *pred_start, *preds;   /* predecessors of each block */
    const uint32_t *param_start, *params; /* parameter vregs of each block */
    /* Arguments the branch of block b passes to its k-th successor: edge
     * e = succ_start[b] + k, vregs edge_args[edge_arg_start[e] .. [e+1]). */
    const uint32_t *edge_arg_start, *edge_args;
    const uint32_t *op_start; /* [num_insts + 1] */
    const ra_operand *ops;
    const ra_pregset *clobbers; /* [num_insts], may be NULL: registers an inst destroys */
    const uint8_t *inst_flags;  /* [num_insts]: RA_INST_* */
} ra_function;

/* The machine: allocatable registers per class, in order of preference. */
typedef struct ra_machine {
    uint8_t num_regs[RA_NUM_CLASSES];
    ra_preg regs[RA_NUM_CLASSES][64];
    /* A register per class that the allocator may use to break move cycles,
     * never allocated otherwise (or 0xff for none: then cycles go through a
     * spill slot). */
    ra_preg scratch[RA_NUM_CLASSES];
} ra_machine;

typedef enum ra_loc_kind { RA_LOC_NONE, RA_LOC_REG, RA_LOC_STACK } ra_loc_kind;
typedef struct ra_loc {
    uint8_t kind;   /* ra_loc_kind */
    uint32_t index; /* preg, or spill slot number */
} ra_loc;

#define RA_BEFORE            0
#define RA_AFTER             1
#define RA_POINT(inst, when) ((inst)*2 + (when))

/* A move to insert at a program point; edits at one point run in order. */
typedef struct ra_edit {
    uint32_t point;
    uint8_t rclass;
    ra_loc from, to;
} ra_edit;

typedef struct ra_result {
    ra_loc *allocs; /* one per operand, in ops order */
    ra_edit *edits; /* sorted by point */
    uint32_t num_edits;
    uint32_t num_spill_slots; /* slots are one machine word (or vector) each */
    char error[160];          /* why allocation failed */
} ra_result;

/* Allocates; returns false (with result->error) on malformed input. The
 * result's arrays are owned by `ctx`. */
typedef struct ra_context ra_context;
ra_context *ra_context_new(void);
void ra_context_free(ra_context *ctx);
bool ra_allocate(ra_context *ctx, const ra_function *fn, const ra_machine *m, ra_result *result);

/* The symbolic checker: replays the allocation and verifies that every use
 * reads the location holding its vreg. Returns false with a message. */
bool ra_check(const ra_function *fn, const ra_machine *m, const ra_result *result, char *msg,
              uint32_t msg_size);

#endif
