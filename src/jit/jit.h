/* A minimal JIT for running compiled CLIF in this process: executable
 * memory with W^X, a module that compiles functions, resolves the calls
 * between them (and to host functions) and maps them, and calls with any
 * signature through a generated trampoline, with traps reported as trap
 * codes. */
#ifndef CLIF_JIT_JIT_H
#define CLIF_JIT_JIT_H

#include <stddef.h>
#include <stdint.h>

#include "clif/codegen.h"
#include "clif/data_value.h"

/* ---- Executable memory (memory.c) ---- */
typedef struct jit_mem {
    uint8_t *base;
    size_t size; /* mapped bytes, a multiple of the page size */
} jit_mem;

/* Maps `size` bytes read+write. */
clif_error *jit_mem_alloc(jit_mem *m, size_t size);
/* Makes the mapping read+execute (no longer writable). */
clif_error *jit_mem_seal(jit_mem *m);
void jit_mem_free(jit_mem *m);

/* ---- Host functions Cranelift's libcalls name (libcalls.c) ---- */
/* The address of libcall `name` ("CeilF32", "Memcpy"), or NULL. */
void *jit_libcall(const char *name);

/* ---- Modules (module.c) ---- */
typedef struct jit_module jit_module;

jit_module *jit_module_new(const clif_isa *isa);
void jit_module_free(jit_module *m);
/* Compiles `f` into the module under its name. The function must stay
 * alive until the module is finalized. */
clif_error *jit_module_add(jit_module *m, const clif_func *f);
/* Makes a host function or data address known under a name. */
void jit_module_define(jit_module *m, const clif_ext_name *name, void *addr);
/* Maps every added function, applies relocations and seals the memory.
 * Names no function or definition provides are looked up among the
 * libcalls; any other is an error naming it. */
clif_error *jit_module_finalize(jit_module *m);
/* The address of a compiled function (after finalize), or NULL. */
void *jit_module_lookup(const jit_module *m, const clif_ext_name *name);
/* The trap code of the instruction at `pc` in the module's code, and
 * whether pc is in it at all. */
bool jit_module_trap_at(const jit_module *m, uintptr_t pc, clif_trap_code *code);

/* ---- Calls (call.c) ---- */
/* Runs later calls on a thread with a stack of `bytes` (0, the default:
 * on the calling thread's stack). */
void jit_module_set_stack_size(jit_module *m, size_t bytes);
/* Calls `fn`, compiled code with the signature of `sig_of`, with argument
 * values; writes at most `max` results. A trap in the code comes back as a
 * CLIF_ERR_TRAP error with its code and a backtrace. The trap signal handler
 * (jit/signals.c) is held from jit_module_new to jit_module_free. */
clif_error *jit_module_call(jit_module *m, const clif_func *sig_of, void *fn,
                            const clif_data_value *args, uint32_t nargs, clif_data_value *results,
                            uint32_t max, uint32_t *nresults);

#endif
