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
void clif_isa_free(clif_isa *isa);
/* Sets a shared setting (`opt_level`, `enable_verifier`, `preserve_frame_pointers`,
 * `unwind_info`, `enable_probestack`, ...) or an ISA flag (`has_avx`, ...);
 * value "true"/"false", a number or an enum name. Unknown names and bad values
 * are errors naming them. */
clif_error *clif_isa_set(clif_isa *isa, const char *name, const char *value);
/* Reads a setting as text into buf ("true", "speed", "12"); NULL if unknown. */
const char *clif_isa_get(const clif_isa *isa, const char *name, char *buf, size_t size);
const char *clif_isa_name(const clif_isa *isa);
/* True when code for this ISA runs natively on this machine. */
bool clif_isa_is_host(const clif_isa *isa);

#ifdef __cplusplus
}
#endif
#endif
