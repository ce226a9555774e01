/* x86-64 instructions as VCode holds them (the payload machinst treats as
 * opaque): an x64_inst whose register fields name register-allocator
 * operands, plus pseudo-instructions that expand to short sequences at
 * emission (returns, branches, calls, checked division, conversions).
 *
 * A register field (x64_operand.reg, amode base/index) holds either an
 * operand number k (the k-th ra_operand of the instruction, replaced by its
 * allocated register) or X64_PHYS(r) for a fixed machine register (rsp, rbp,
 * the scratch registers). */
#ifndef CLIF_ISA_X64_VINST_H
#define CLIF_ISA_X64_VINST_H

#include "isa/x64/inst.h"
#include "machinst/emit.h"
#include "machinst/lower.h"

#define X64_PHYS(r)    ((uint8_t)(0x80 | (r)))
#define X64_IS_PHYS(f) (((f)&0x80) != 0 && (f) != X64_NOREG)

/* Registers the allocator never hands out: usable inside one expansion. */
#define X64_SCRATCH     X64_R11
#define X64_SCRATCH_XMM X64_XMM15

/* How a memory operand is completed at emission. */
typedef enum x64_memk {
    X64_MK_NONE,     /* as written */
    X64_MK_SLOT,     /* stack slot `mem.label`: [rsp + slot offset + disp] */
    X64_MK_INCOMING, /* incoming stack argument: [rbp + 16 + disp] */
    X64_MK_OUTGOING, /* outgoing stack argument: [rsp + disp] */
    X64_MK_CONST,    /* constant `mem.label` of the pool: [rip + constant + disp] */
    X64_MK_SPILL,    /* spill slot `mem.label`: [rsp + spill offset + disp] */
} x64_memk;

typedef enum x64_vop {
    X64_V_FORM,        /* the x64_inst as is */
    X64_V_ARGS,        /* defines the function arguments (fixed registers); no code */
    X64_V_RET,         /* uses the return registers; epilogue and ret */
    X64_V_JMP,         /* to successor 0 */
    X64_V_JCC,         /* cc (cc2 with `mode`): successor 0 if taken, else successor 1 */
    X64_V_BR_TABLE,    /* operand 0: index (zero-extended, clobbered); successors: default,
                          entries */
    X64_V_TRAP,        /* ud2 with trap code `trap` (ends the block) */
    X64_V_TRAPIF,      /* jcc (cc/cc2/mode) to a trap stub raising `trap` */
    X64_V_CALL,        /* call (direct: sym; indirect: operand `a`); `b` = bytes the callee
                          pops */
    X64_V_DIV,         /* checked division: see lower_int.c */
    X64_V_CVT_F2I,     /* float -> int conversions (checked or saturating) */
    X64_V_CVT_U2F,     /* u64 -> float */
    X64_V_FMINMAX,     /* fmin/fmax with NaN and signed-zero rules */
    X64_V_XMM_CMOV,    /* if cc: dst(xmm) = src; operands [false use, true use, def] */
    X64_V_ATOMIC_RMW,  /* atomic read-modify-write loop: see lower_mem.c */
    X64_V_RETURN_CALL, /* tail call: see lower_call.c */
    X64_V_ATOMIC128,   /* i128 atomic load, store or read-modify-write (cmpxchg16b loop) */
} x64_vop;

/* How two condition codes combine. */
enum { X64_CC_ONE, X64_CC_AND, X64_CC_OR };

typedef struct x64_vinst {
    uint8_t vop;   /* x64_vop */
    uint8_t mk[4]; /* x64_memk per operand */
    uint8_t size;  /* operand size in bytes (pseudo-ops) */
    uint8_t cc2;   /* second condition */
    uint8_t mode;  /* X64_CC_* */
    uint8_t flags; /* pseudo-op details */
    uint8_t aux;
    uint32_t a, b; /* pseudo-op data */
    int64_t imm;
    x64_inst in;
} x64_vinst;

/* Building one instruction: the payload and its operands. */
typedef struct x64_build {
    x64_vinst v;
    ra_operand ops[48];
    uint32_t nops;
    ra_pregset clobbers;
    bool has_clobbers;
    uint8_t flags; /* RA_INST_* */
} x64_build;

void xb_init(x64_build *b, uint8_t vop);
void xb_form(x64_build *b, x64_form form);
/* Adds an operand; returns its number (for register fields). */
uint8_t xb_op(x64_build *b, ra_operand op);
static inline uint8_t xb_use(x64_build *b, ra_vreg v) {
    return xb_op(b, ra_use(v));
}
static inline uint8_t xb_def(x64_build *b, ra_vreg v) {
    return xb_op(b, ra_def(v));
}
void xb_emit(lower_ctx *ctx, x64_build *b);

/* Emission of a VCode instruction with its allocations (vemit.c). */
void x64_emit_vinst(emit_ctx *ctx, const void *inst, const ra_loc *allocs);
/* Encodes one physical-register instruction (aborts on an encoder error,
 * which is a backend bug). */
void x64_put(emit_ctx *ctx, const x64_inst *in);

#endif
