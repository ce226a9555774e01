/* ISA-independent ABI machinery, driven by ISA data: where arguments and
 * return values live for a calling convention (registers, stack, i128 as two
 * parts, a hidden return-area pointer when the returns do not fit in
 * registers), and the layout of a function's frame (outgoing arguments,
 * stack slots, spill slots, callee-saved registers).
 *
 * The frame, from high to low addresses:
 *
 *     incoming stack arguments      FP + 16 + offset
 *     return address, saved FP      FP + 8, FP + 0
 *     callee-saved registers        SP + saves_base ..
 *     (padding to the alignment)
 *     spill slots                   SP + spills_base + k * spill_slot_size
 *     stack slots                   SP + slot_offset[k]
 *     outgoing stack arguments      SP + 0 ..
 *
 * SP stays fixed in the body, so everything but the incoming arguments is
 * addressed from SP. */
#ifndef CLIF_MACHINST_ABI_H
#define CLIF_MACHINST_ABI_H

#include "ir/function.h"
#include "regalloc/regalloc.h"

/* One calling convention of an ISA (ISA data). */
typedef struct abi_callconv {
    const ra_preg *int_args, *float_args, *int_rets, *float_rets;
    uint8_t num_int_args, num_float_args, num_int_rets, num_float_rets;
    /* The k-th argument takes register k of its class, whatever the classes
     * of the arguments before it (Windows x64). */
    bool shared_index;
    /* The callee pops its stack arguments on return (tail). */
    bool callee_pops;
    uint8_t shadow_space;              /* bytes the caller reserves above the stack arguments */
    uint8_t stack_align;               /* of SP at calls */
    uint8_t save_size[RA_NUM_CLASSES]; /* bytes to save a register of each class */
    ra_pregset callee_saved[RA_NUM_CLASSES]; /* per class */
    ra_pregset call_clobbers;                /* registers a call to this convention destroys */
} abi_callconv;

typedef enum abi_loc_kind { ABI_REG, ABI_STACK } abi_loc_kind;

/* One machine-word part of a value: a register, or a stack offset from the
 * start of the stack-argument (or return) area. */
typedef struct abi_part {
    uint8_t kind;   /* abi_loc_kind */
    uint8_t rclass; /* RA_CLASS_* */
    ra_preg reg;
    clif_type type; /* the type of this part (i64 for each half of an i128) */
    uint32_t offset;
} abi_part;

typedef struct abi_value {
    uint8_t nparts;
    uint8_t ext;     /* clif_arg_ext */
    uint8_t purpose; /* clif_arg_purpose */
    abi_part parts[2];
} abi_value;

typedef struct abi_sig {
    clif_callconv cc;
    const abi_callconv *conv;
    VEC(abi_value) args; /* the signature's parameters, in order */
    VEC(abi_value) rets;
    /* When the returns do not all fit in registers, the caller passes a
     * pointer to a return area (this hidden first argument); returns with
     * ABI_STACK parts are stored there at their offsets. */
    bool has_ret_area;
    abi_part ret_area_ptr;
    uint32_t stack_args; /* bytes of stack arguments, a multiple of 8 */
    uint32_t stack_rets; /* bytes of the return area */
} abi_sig;

/* The register class of a scalar type's parts. */
static inline uint8_t abi_class_of(clif_type t) {
    return clif_type_is_float(t) || clif_type_is_vector(t) ? RA_CLASS_FLOAT : RA_CLASS_INT;
}

void abi_sig_init(abi_sig *s);
void abi_sig_free(abi_sig *s);
/* Computes locations for a signature. False with a message naming what is
 * unsupported (a type the convention cannot pass). */
bool abi_sig_compute(abi_sig *s, clif_callconv cc, const abi_callconv *conv,
                     const clif_abi_param *params, uint32_t nparams, const clif_abi_param *rets,
                     uint32_t nrets, char *msg, uint32_t msg_size);
/* The stack bytes a call with signature `s` needs below the caller's SP. */
uint32_t abi_call_stack_size(const abi_sig *s);

typedef struct frame_layout {
    uint32_t outgoing;         /* bytes of outgoing arguments at SP */
    VEC(uint32_t) slot_offset; /* per CLIF stack slot: offset from SP */
    uint32_t spills_base;
    uint32_t spill_slot_size;
    uint32_t num_spill_slots;
    uint32_t saves_base;
    uint32_t nsaved;
    ra_preg saved[64]; /* callee-saved registers to save, lowest address first:
                          at saves_base + the save sizes of those before */
    uint8_t saved_class[64];
    uint32_t saves_size;
    uint32_t frame_size;    /* SP decrement below the saved FP, a multiple of the alignment */
    uint32_t incoming_args; /* bytes of the function's stack arguments */
    bool callee_pops;
} frame_layout;

void frame_init(frame_layout *fl);
void frame_free(frame_layout *fl);
/* Lays out the frame. `clobbered`: registers the function writes; only the
 * callee-saved ones among them are saved. False when the frame is too big. */
bool frame_compute(frame_layout *fl, const clif_func *f, const abi_sig *sig, uint32_t outgoing,
                   uint32_t num_spill_slots, uint32_t spill_slot_size, ra_pregset clobbered,
                   char *msg, uint32_t msg_size);

static inline bool pregset_has(const ra_pregset *s, ra_preg r) {
    return (s->bits[r >> 6] >> (r & 63)) & 1;
}
static inline void pregset_add(ra_pregset *s, ra_preg r) {
    s->bits[r >> 6] |= (uint64_t)1 << (r & 63);
}

#endif
