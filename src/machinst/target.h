/* A target ISA as machinst sees it: a table of data and function pointers
 * (QBE's `struct Target`). machinst never names an ISA; each ISA folder
 * defines one `target_isa` and src/isa/targets.c lists them. */
#ifndef CLIF_MACHINST_TARGET_H
#define CLIF_MACHINST_TARGET_H

#include "clif/codegen.h"
#include "machinst/settings.h"

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
