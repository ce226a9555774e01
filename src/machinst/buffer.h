/* The machine-code buffer every ISA emits into: bytes, labels with fixups,
 * a constant pool, and the side tables of the result (relocations, traps,
 * call sites, unwind steps). ISA-independent: label-use kinds are patched
 * through a callback the ISA supplies. */
#ifndef CLIF_MACHINST_BUFFER_H
#define CLIF_MACHINST_BUFFER_H

#include <stdbool.h>
#include <stdint.h>

#include "clif/opcodes.h"
#include "support/vec.h"

typedef uint32_t mc_label;
#define MC_LABEL_NONE UINT32_MAX

/* Relocation kinds (Cranelift's names). */
typedef enum mc_reloc_kind {
    MC_RELOC_ABS4,
    MC_RELOC_ABS8,
    MC_RELOC_X86_PCREL4,
    MC_RELOC_X86_CALL_PCREL4,
    MC_RELOC_X86_CALL_PLT_REL4,
    MC_RELOC_X86_GOT_PCREL4,
    MC_RELOC_ARM64_CALL,
    MC_RELOC_S390X_PCREL32_DBL,
    MC_RELOC_S390X_PLT_REL32_DBL,
} mc_reloc_kind;

/* A relocation against an external name: a function reference or a symbol
 * of the function being compiled (an index into its ext_funcs or gvs). */
/* MC_TARGET_LIBCALL: a runtime function (machinst/libcall.h) the code calls
 * for an instruction the ISA lacks. */
typedef enum mc_reloc_target {
    MC_TARGET_FUNC,
    MC_TARGET_SYMBOL,
    MC_TARGET_LIBCALL
} mc_reloc_target;
typedef struct mc_reloc {
    uint32_t offset;
    uint8_t kind;   /* mc_reloc_kind */
    uint8_t target; /* mc_reloc_target */
    uint32_t index;
    int64_t addend;
} mc_reloc;

typedef struct mc_trap {
    uint32_t offset; /* of the faulting instruction */
    clif_trap_code code;
} mc_trap;

typedef struct mc_call_site {
    uint32_t ret_offset; /* return address offset */
} mc_call_site;

/* An exception handler of a call site (try_call): an exception with `tag`
 * (any tag when is_default) thrown out of the call returning at ret_offset
 * resumes at `label` (its offset once the buffer is finished). */
typedef struct mc_handler {
    uint32_t ret_offset;
    uint32_t tag;
    bool is_default;
    mc_label label;
    uint32_t offset;
} mc_handler;

/* Unwind steps, recorded at code offsets, turned into DWARF CFI later. */
typedef enum mc_unwind_kind {
    MC_UNWIND_PUSH_FRAME_REGS, /* return address and frame pointer `reg` pushed: CFA = SP +
                                  value, the frame pointer saved at CFA - value */
    MC_UNWIND_DEFINE_FRAME,    /* CFA = frame pointer `reg` + value */
    MC_UNWIND_STACK_ALLOC,     /* sp decremented by value */
    MC_UNWIND_SAVE_REG,        /* register `reg` (DWARF number) saved at CFA + value */
} mc_unwind_kind;
typedef struct mc_unwind {
    uint32_t offset;
    uint8_t kind;
    uint16_t reg;
    int32_t value;
} mc_unwind;

/* A pending use of a label: `kind` is ISA-defined; `patch` writes the final
 * displacement. */
typedef struct mc_fixup {
    uint32_t offset;
    mc_label label;
    uint8_t kind;
} mc_fixup;

typedef struct mc_constant {
    uint32_t bytes, len; /* range in const_data */
    uint32_t align;
    mc_label label;
} mc_constant;

typedef struct mc_buffer mc_buffer;
/* ISA hook: patch the label use `kind` at code[use] to reach `target`.
 * Returns false when the distance is out of range for the kind. */
typedef bool (*mc_patch_fn)(uint8_t *code, uint32_t use, uint32_t target, uint8_t kind);

struct mc_buffer {
    VEC(uint8_t) code;
    VEC(uint32_t) label_offsets; /* UINT32_MAX while unbound */
    VEC(mc_fixup) fixups;
    VEC(mc_reloc) relocs;
    VEC(mc_trap) traps;
    VEC(mc_call_site) call_sites;
    VEC(mc_handler) handlers;
    VEC(mc_unwind) unwind;
    VEC(mc_constant) constants;
    VEC(uint8_t) const_data;
    mc_patch_fn patch;
};

void mcb_init(mc_buffer *b, mc_patch_fn patch);
/* Empties the buffer, keeping capacity. */
void mcb_reset(mc_buffer *b);
void mcb_free(mc_buffer *b);
static inline uint32_t mcb_offset(const mc_buffer *b) {
    return b->code.len;
}
void mcb_put1(mc_buffer *b, uint8_t x);
void mcb_put2(mc_buffer *b, uint16_t x); /* little-endian */
void mcb_put4(mc_buffer *b, uint32_t x);
void mcb_put8(mc_buffer *b, uint64_t x);
void mcb_put2_be(mc_buffer *b, uint16_t x); /* big-endian (s390x) */
void mcb_put4_be(mc_buffer *b, uint32_t x);
void mcb_align(mc_buffer *b, uint32_t align, uint8_t fill);
mc_label mcb_new_label(mc_buffer *b);
void mcb_bind_label(mc_buffer *b, mc_label l); /* at the current offset */
/* Records a use of `l` at `offset` (the bytes are already emitted). */
void mcb_use_label(mc_buffer *b, uint32_t offset, mc_label l, uint8_t kind);
void mcb_add_reloc(mc_buffer *b, uint32_t offset, mc_reloc_kind kind, mc_reloc_target target,
                   uint32_t index, int64_t addend);
void mcb_add_trap(mc_buffer *b, uint32_t offset, clif_trap_code code);
void mcb_add_call_site(mc_buffer *b, uint32_t ret_offset);
void mcb_add_handler(mc_buffer *b, uint32_t ret_offset, uint32_t tag, bool is_default,
                     mc_label label);
void mcb_add_unwind(mc_buffer *b, mc_unwind_kind kind, uint16_t reg, int32_t value);
/* A constant placed in the pool after the code; returns its label. */
mc_label mcb_add_constant(mc_buffer *b, const uint8_t *bytes, uint32_t len, uint32_t align);
/* Emits the constant pool, resolves every fixup. Returns false with a message
 * when a label is unbound or out of range. */
bool mcb_finish(mc_buffer *b, char *msg, uint32_t msg_size);

#endif
