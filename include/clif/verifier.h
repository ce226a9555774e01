/* libcranelift: the IR verifier. */
#ifndef CLIF_VERIFIER_H
#define CLIF_VERIFIER_H

#include "clif/codegen.h"
#include "clif/error.h"
#include "clif/ir.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One verifier finding. */
typedef struct clif_verifier_error {
    clif_inst inst;      /* the instruction concerned, or CLIF_NONE */
    clif_block block;    /* the block concerned, or CLIF_NONE */
    uint32_t line;       /* source line when the function came from text, else 0 */
    const char *message; /* "inst5 (...): ...", "block2: ..."; valid during the sink call */
} clif_verifier_error;

typedef void (*clif_verifier_sink)(void *ctx, const clif_verifier_error *e);

/* Checks every rule, reporting each finding to `sink` (may be NULL); returns
 * the number of findings. Never recurses on input-controlled depth. */
uint32_t clif_verify_each(const clif_func *f, clif_verifier_sink sink, void *ctx);
/* Checks the function; returns NULL or an error (CLIF_ERR_VERIFY) with the
 * first finding, located at its source line in `file` (may be NULL). */
clif_error *clif_verify(const clif_func *f, const char *file);

/* The same, adding the rules that depend on the target, as Cranelift's
 * verifier does when given an ISA (isa may be NULL: those rules are then not
 * checked): load/store addresses and global values against the pointer type,
 * get_pinned_reg/set_pinned_reg against `enable_pinned_reg`,
 * get_frame_pointer/get_return_address against `preserve_frame_pointers`,
 * and the types of try_call exception payloads (exnN). */
uint32_t clif_verify_each_isa(const clif_func *f, const clif_isa *isa, clif_verifier_sink sink,
                              void *ctx);
/* clif_verify with the target's rules. */
clif_error *clif_verify_isa(const clif_func *f, const clif_isa *isa, const char *file);

#ifdef __cplusplus
}
#endif
#endif
