/* A target ISA as machinst sees it: a table of data and function pointers
 * (QBE's `struct Target`). machinst never names an ISA; each ISA folder
 * defines one `target_isa` and src/isa/targets.c lists them. */
#ifndef CLIF_MACHINST_TARGET_H
#define CLIF_MACHINST_TARGET_H

#include "clif/codegen.h"
#include "machinst/buffer.h"
#include "machinst/settings.h"
#include "regalloc/regalloc.h"

struct lower_ctx;
struct emit_ctx;
struct abi_callconv;

/* DWARF call-frame facts of an ISA (for .eh_frame). */
typedef struct unwind_desc {
    uint8_t sp_reg, ra_column; /* DWARF numbers */
    int8_t data_align;         /* factor of saved-register offsets (-8 on x86-64) */
    uint8_t cfa_offset;        /* CFA = SP + this at the function's entry */
} unwind_desc;

/* The code generator of an ISA: what machinst calls to lower, allocate and
 * emit. Instruction payloads are opaque to machinst (inst_size bytes). */
typedef struct target_backend {
    uint32_t inst_size;
    /* The allocatable registers (they may depend on settings). */
    void (*machine)(const clif_isa *isa, ra_machine *m);
    /* ABI data of a calling convention; NULL when unsupported. */
    const struct abi_callconv *(*callconv)(const clif_isa *isa, clif_callconv cc);

    /* Lowering. lower_entry defines the function's arguments at the top of
     * the entry block; lower_inst lowers one instruction (terminators too);
     * lower_jump ends an edge block with a jump to its one successor. Each
     * returns false after lw_unsupported. */
    bool (*lower_entry)(struct lower_ctx *ctx);
    bool (*lower_inst)(struct lower_ctx *ctx, clif_inst inst);
    bool (*lower_jump)(struct lower_ctx *ctx);

    /* Emission, after register allocation: the prologue, one instruction
     * with the locations of its operands, a move between locations of one
     * register class (an allocator edit), and a trap stub. */
    void (*emit_prologue)(struct emit_ctx *ctx);
    void (*emit_inst)(struct emit_ctx *ctx, const void *inst, const ra_loc *allocs);
    void (*emit_move)(struct emit_ctx *ctx, uint8_t rclass, ra_loc from, ra_loc to);
    void (*emit_trap)(struct emit_ctx *ctx, clif_trap_code code);
    mc_patch_fn patch;
    const unwind_desc *unwind; /* NULL: no DWARF unwind information */
} target_backend;

#define ISA_MAX_FLAGS 32

typedef struct target_isa {
    const char *name; /* "x86_64" */
    uint8_t pointer_bits;
    bool big_endian;
    const setting_desc *flags; /* ISA flags (`has_avx`, ...) */
    int num_flags;
    /* Named presets a `target` line may use ("baseline", "haswell"): each is a
     * space-separated list of flags to enable. */
    const char *const (*presets)[2];
    int num_presets;
    /* Fills the flags the running CPU has; NULL when this ISA is not the host. */
    void (*detect_host)(uint32_t *flag_values);
    /* The code generator; NULL when this build cannot generate code for it. */
    const target_backend *backend;
} target_isa;

/* The configured ISA: the public clif_isa. */
struct clif_isa {
    const target_isa *target;
    uint32_t shared[SET_COUNT];
    uint32_t flags[ISA_MAX_FLAGS];
};

/* All targets known to this build (src/isa/targets.c). */
extern const target_isa *const all_targets[];
extern const int num_all_targets;

#endif
