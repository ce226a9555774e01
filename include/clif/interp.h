/* libcranelift: the reference interpreter. It executes verified CLIF
 * functions with the exact semantics of each opcode. Traps come back as
 * errors of kind CLIF_ERR_TRAP carrying the trap code; an opcode or type the
 * interpreter does not implement is a CLIF_ERR_UNSUPPORTED error naming it
 * ("unsupported: fadd on f128").
 *
 * Memory is a checked, synthetic address space (never host pointers): stack
 * slots live in a stack below 0x8000_0000, func_addr gives addresses in a
 * read-only code region; any other access traps (heap_oob, or the memory
 * flags' trap code). Calls go to functions added with
 * clif_interp_add_function, else to Cranelift's libcalls by name (%CeilF32,
 * %FloorF64, %TruncF32, %NearestF64, %FmaF32, %Memcpy, %Memset, %Memmove,
 * %Memcmp, %Probestack) and to %__cranelift_throw (as Cranelift's filetest
 * runner provides it), which unwinds to the innermost matching try_call. */
#ifndef CLIF_INTERP_H
#define CLIF_INTERP_H

#include "clif/data_value.h"
#include "clif/error.h"
#include "clif/ir.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct clif_interp clif_interp;

/* An interpreter with no functions and the default limits (never NULL);
 * clif_interp_free frees it (NULL is ignored), not the functions added. */
clif_interp *clif_interp_new(void);
void clif_interp_free(clif_interp *in);
/* Makes `f` callable by its name (`%name` or `uN:M`) from other functions and
 * from clif_interp_call. The function is referenced, not copied: it must
 * outlive the interpreter. */
void clif_interp_add_function(clif_interp *in, const clif_func *f);
/* Limits: call depth (default 10000; 0 keeps the default; at most 2^20) and
 * executed instructions per call (default 2^32; 0 = unlimited). Exceeding the
 * depth (or 256 MiB of stack) is the stk_ovf trap; exceeding the fuel is a
 * CLIF_ERR_LIMIT error. */
void clif_interp_set_limits(clif_interp *in, uint32_t max_depth, uint64_t fuel);
/* Runs `f` (added or not) with arguments; writes at most `max` results. */
clif_error *clif_interp_call(clif_interp *in, const clif_func *f, const clif_data_value *args,
                             uint32_t nargs, clif_data_value *results, uint32_t max,
                             uint32_t *nresults);

#ifdef __cplusplus
}
#endif
#endif
