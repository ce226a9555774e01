/* libcranelift: targets, settings and compilation to machine code. */
#ifndef CLIF_CODEGEN_H
#define CLIF_CODEGEN_H

#include <stdbool.h>
#include <stdint.h>

#include "clif/error.h"
#include "clif/ir.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A target ISA with its flags and the shared settings, configured. */
typedef struct clif_isa clif_isa;

/* Looks a target up by triple or ISA name ("x86_64", "x86_64-unknown-linux",
 * "aarch64", "s390x"). Settings start at Cranelift's defaults; ISA flags at
 * the ISA's baseline. */
clif_error *clif_isa_lookup(const char *triple, clif_isa **out);
/* The host's ISA with the flags the running CPU has. */
clif_error *clif_isa_host(clif_isa **out);
/* Frees an ISA; NULL is ignored. */
void clif_isa_free(clif_isa *isa);
/* Sets a shared setting (`opt_level`, `enable_verifier`, `preserve_frame_pointers`,
 * `unwind_info`, `enable_probestack`, ...) or an ISA flag (`has_avx`, ...);
 * value "true"/"false", a number or an enum name. Unknown names and bad values
 * are errors naming them. */
clif_error *clif_isa_set(clif_isa *isa, const char *name, const char *value);
/* Reads a setting as text into buf ("true", "speed", "12"); NULL if unknown. */
const char *clif_isa_get(const clif_isa *isa, const char *name, char *buf, size_t size);
/* The ISA's name ("x86_64"). */
const char *clif_isa_name(const clif_isa *isa);
/* True when code for this ISA runs natively on this machine. */
bool clif_isa_is_host(const clif_isa *isa);
/* True when the ISA is the host's and the running CPU has every ISA flag
 * enabled in it (code compiled for it can run here). */
bool clif_isa_runs_on_host(const clif_isa *isa);

/* ---- Compiling a function to machine code ---- */

/* The result of compiling one function: code bytes (the constant pool
 * follows the code), relocations to apply, the trap table, call sites and
 * unwind steps. */
typedef struct clif_compiled clif_compiled;

typedef struct clif_compile_options {
    bool listing; /* also produce a disassembly listing (clif_compiled_listing) */
} clif_compile_options;

/* Verifies `f` (when the `enable_verifier` setting is on), lowers it for
 * `isa`, allocates registers and emits code. A function using a feature
 * the backend does not implement gives CLIF_ERR_UNSUPPORTED naming it
 * ("unsupported: i128 udiv on x86_64"). */
clif_error *clif_compile(const clif_isa *isa, const clif_func *f, clif_compiled **out);
/* The same with options (NULL = defaults). */
clif_error *clif_compile_ex(const clif_isa *isa, const clif_func *f,
                            const clif_compile_options *opts, clif_compiled **out);
/* Frees compiled code; NULL is ignored. */
void clif_compiled_free(clif_compiled *c);

/* The code bytes followed by the constant pool; *size (when size is not
 * NULL) is their total. Owned by c. */
const uint8_t *clif_compiled_code(const clif_compiled *c, size_t *size);
/* Bytes of the code proper, before the constant pool. */
size_t clif_compiled_code_size(const clif_compiled *c);

/* Relocation kinds (Cranelift's names). */
typedef enum clif_reloc_kind {
    CLIF_RELOC_ABS4,
    CLIF_RELOC_ABS8,
    CLIF_RELOC_X86_PCREL4,
    CLIF_RELOC_X86_CALL_PCREL4,
    CLIF_RELOC_X86_CALL_PLT_REL4,
    CLIF_RELOC_X86_GOT_PCREL4,
    CLIF_RELOC_ARM64_CALL,
    CLIF_RELOC_S390X_PCREL32_DBL,
    CLIF_RELOC_S390X_PLT_REL32_DBL,
} clif_reloc_kind;
/* Cranelift's name of a relocation kind ("Abs8"; "?" beyond the table). */
const char *clif_reloc_kind_name(clif_reloc_kind k);

/* A relocation: at `offset` in the code, write the address of `name`
 * (a function when is_func, else a data symbol) plus `addend`, in the
 * form of `kind`. The name's string lives as long as the compiled code. */
typedef struct clif_reloc {
    uint32_t offset;
    clif_reloc_kind kind;
    bool is_func;
    clif_ext_name name;
    int64_t addend;
} clif_reloc;
/* The relocations: their number and the i-th (all zero when i is
 * not below the number). */
uint32_t clif_compiled_num_relocs(const clif_compiled *c);
clif_reloc clif_compiled_reloc(const clif_compiled *c, uint32_t i);

/* A trapping instruction: executing it at `offset` raises `code`. */
typedef struct clif_trap_site {
    uint32_t offset;
    clif_trap_code code;
} clif_trap_site;
/* The trap sites: their number and the i-th (all zero when i is
 * not below the number). */
uint32_t clif_compiled_num_traps(const clif_compiled *c);
clif_trap_site clif_compiled_trap(const clif_compiled *c, uint32_t i);
/* The trap code of the instruction at `offset`, or CLIF_TRAP_NONE. */
clif_trap_code clif_compiled_trap_at(const clif_compiled *c, uint32_t offset);

/* Return addresses (offsets) of the calls the code makes: their number and
 * the i-th (UINT32_MAX when i is not below the number). */
uint32_t clif_compiled_num_call_sites(const clif_compiled *c);
uint32_t clif_compiled_call_site(const clif_compiled *c, uint32_t i);

/* Exception handlers (try_call): an exception with `tag` (any tag when
 * is_default) thrown out of the call whose return address is ret_offset
 * resumes at handler_offset, with the frame pointer of the function and its
 * stack pointer at frame pointer - frame size. */
typedef struct clif_handler {
    uint32_t ret_offset;
    uint32_t tag;
    bool is_default;
    uint32_t handler_offset;
} clif_handler;
/* The handlers: their number and the i-th (all zero when i is
 * not below the number). */
uint32_t clif_compiled_num_handlers(const clif_compiled *c);
clif_handler clif_compiled_handler(const clif_compiled *c, uint32_t i);

/* Unwind steps of the prologue, at code offsets (DWARF register numbers). */
typedef enum clif_unwind_kind {
    CLIF_UNWIND_PUSH_FRAME_REGS, /* return address and frame pointer `reg` pushed: CFA = SP +
                                    value, the frame pointer saved at CFA - value */
    CLIF_UNWIND_DEFINE_FRAME,    /* CFA = frame pointer `reg` + value */
    CLIF_UNWIND_STACK_ALLOC,     /* SP decremented by value */
    CLIF_UNWIND_SAVE_REG,        /* register `reg` saved at CFA + value (negative) */
} clif_unwind_kind;
typedef struct clif_unwind_op {
    uint32_t offset;
    clif_unwind_kind kind;
    uint16_t reg;
    int32_t value;
} clif_unwind_op;
/* The unwind steps: their number and the i-th (all zero when i is
 * not below the number). */
uint32_t clif_compiled_num_unwind(const clif_compiled *c);
clif_unwind_op clif_compiled_unwind(const clif_compiled *c, uint32_t i);
/* The function's System V unwind information as an .eh_frame fragment: a
 * CIE, one FDE covering the code, and a zero terminator. The FDE's initial
 * location is an absolute 8-byte address left 0 at *pc_offset (patch it
 * with the code's address). NULL when the target has no DWARF description. */
const uint8_t *clif_compiled_eh_frame(const clif_compiled *c, size_t *size, size_t *pc_offset);
/* Bytes the function's frame takes below the saved frame pointer. */
uint32_t clif_compiled_frame_size(const clif_compiled *c);
/* The disassembly listing (with clif_compile_options.listing), else NULL. */
const char *clif_compiled_listing(const clif_compiled *c);

#ifdef __cplusplus
}
#endif
#endif
