/* libcranelift: the JIT module, the C counterpart of cranelift-jit.
 *
 * A clif_jit holds functions and data objects under names, compiles the
 * functions for the host, lays everything out in memory of its own, resolves
 * the references between them and to the host, and runs the code.
 *
 *     clif_jit *jit;  clif_jit_new(isa, NULL, &jit);
 *     clif_jit_func_id fib;
 *     clif_jit_declare_function(jit, "fib", CLIF_LINKAGE_EXPORT, &sig, &fib);
 *     ... build `f` (clif_fb); calls to fib through
 *         clif_jit_declare_func_in_func(jit, fib, f) ...
 *     clif_jit_define_function(jit, fib, f);
 *     clif_jit_finalize(jit);
 *     clif_data_value arg = clif_dv_from_u64(CLIF_I64, 30), res;
 *     uint32_t n;
 *     clif_error *err = clif_jit_call(jit, fib, &arg, 1, &res, 1, &n);
 *     ...
 *     clif_jit_free(jit);
 *
 * ---- Declarations and linkage ----
 * Functions and data objects share one namespace of names (an empty name
 * makes an anonymous entity, never found by name). Each is declared once
 * with a linkage, then (unless imported) defined once:
 * - CLIF_LINKAGE_IMPORT: provided by the host. Resolved at finalize, in
 *   order: symbols given with clif_jit_define_symbol, the resolver callback
 *   of the options, Cranelift's libcalls (CeilF32, Memcpy, ...), then
 *   dlsym(RTLD_DEFAULT, name) unless the options disable it.
 * - CLIF_LINKAGE_LOCAL: defined here, reachable from this JIT's code and by
 *   id only.
 * - CLIF_LINKAGE_EXPORT: defined here and also found by name
 *   (clif_jit_lookup).
 * Declaring a name again returns the same id when the declarations agree
 * (same kind, same signature; for data the same writability); linkages merge
 * as Cranelift's do (an export wins over a local, a definition over an
 * import).
 *
 * ---- References from IR ----
 * clif_jit_declare_func_in_func and clif_jit_declare_data_in_func add the
 * entity to a function's preamble under the user name u0:<id> (functions)
 * or u1:<id> (data); calls to defined functions are colocated (pc-relative:
 * all code of one JIT lies in one reserved address range), calls to imports
 * go through a 64-bit absolute address. A function read from CLIF text may
 * also name entities as %name: such names resolve against the declared
 * names first, then as imports.
 *
 * ---- Finalizing ----
 * clif_jit_finalize maps everything defined since the last finalize: code
 * is copied and relocated into read+write pages, which then become
 * read+execute (never writable and executable at once; the options' icache
 * hook runs on them), read-only data becomes read-only after its
 * relocations, writable data stays read+write. More declarations and
 * definitions may follow, then another finalize.
 *
 * ---- Calls, traps and errors (Wasmtime's model) ----
 * clif_jit_call (values as clif_data_value) and clif_jit_invoke (a callback
 * calling typed function pointers) return NULL on success or a clif_error:
 * - a trap: kind CLIF_ERR_TRAP, only its code (clif_error_trap_code), with a
 *   backtrace of the generated frames (function name and offset each)
 *   attached as context (clif_error_backtrace_*);
 * - an error a host function raised with clif_jit_raise: the very error it
 *   raised (same pointer, same payload and type tag, no trap code), with a
 *   backtrace attached as context too;
 * - a fault in generated code at an instruction without a trap code: kind
 *   CLIF_ERR_HOST without payload, naming the signal and the place.
 * Faults become trap codes in a process-wide signal handler (SIGILL,
 * SIGSEGV, SIGBUS, SIGFPE) installed when the first JIT is created and
 * removed when the last one is freed (the previous handlers are restored).
 * It runs on an alternate signal stack (installed for the duration of a call
 * when the thread has none: a thread that makes many calls saves that work,
 * about a microsecond per call, by installing one itself with sigaltstack),
 * finds the call in progress through thread-local state, maps the faulting pc through the trap
 * table of the code and jumps back (siglongjmp) to the call helper. Faults anywhere else (host
 * code, other threads, no call in progress) go to the previous handler.
 *
 * Stack overflow: the JIT compiles with `enable_probestack` on (inline
 * probes) so a frame larger than a page touches its pages in order, and a
 * thread's stack ends in a guard page (or, on the main thread, in unmapped
 * memory below its limit). A SIGSEGV or SIGBUS in generated code whose fault
 * address lies within 64 KiB of the stack pointer is the stack overflow trap
 * (stk_ovf); the handler runs on the alternate stack, so it can report it.
 * Generated frames always keep a frame pointer (the JIT also sets
 * `preserve_frame_pointers`); backtraces follow the frame-pointer chain,
 * using the prologue's unwind steps when the fault hit before the frame was
 * set up.
 *
 * ---- Threads ----
 * A clif_jit is one object: declare, define, finalize and free it from one
 * thread at a time, and not while its code runs on another thread. Finalized
 * code may run on several threads at once (clif_jit_call and clif_jit_invoke
 * change nothing in the JIT). The library keeps no global mutable state but
 * the signal handler registration (a mutex and a count).
 */
#ifndef CLIF_JIT_H
#define CLIF_JIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "clif/codegen.h"
#include "clif/data_value.h"
#include "clif/error.h"
#include "clif/ir.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct clif_jit clif_jit;
typedef uint32_t clif_jit_func_id;
typedef uint32_t clif_jit_data_id;

/* Namespaces of the user names clif_jit_declare_*_in_func create. */
#define CLIF_JIT_FUNC_NAMESPACE 0u
#define CLIF_JIT_DATA_NAMESPACE 1u

typedef enum clif_linkage {
    CLIF_LINKAGE_IMPORT, /* provided by the host, resolved at finalize */
    CLIF_LINKAGE_LOCAL,  /* defined here; reachable by id */
    CLIF_LINKAGE_EXPORT, /* defined here; reachable by id and by name */
} clif_linkage;

/* Looks an imported name up: returns its address or NULL (not found). */
typedef void *(*clif_jit_resolver)(void *user, const char *name);
/* Makes `size` bytes of freshly written code at `addr` visible to
 * instruction fetch (ISAs without coherent instruction caches). */
typedef void (*clif_jit_icache_flush)(void *user, void *addr, size_t size);

typedef struct clif_jit_options {
    clif_jit_resolver resolver; /* NULL: none */
    void *resolver_user;
    bool no_dlsym;                      /* do not fall back to dlsym(RTLD_DEFAULT) */
    clif_jit_icache_flush icache_flush; /* NULL: __builtin___clear_cache */
    void *icache_user;
    /* Address space reserved for code and data, in bytes (0: 1 GiB, fewer
     * when the system refuses). Pages are committed as they are used. */
    size_t reserve;
    /* Run each call on a new thread with a stack of this many bytes (0: on
     * the calling thread). */
    size_t stack_size;
} clif_jit_options;

/* A new JIT for `isa`, which must be able to run on this machine
 * (clif_isa_runs_on_host). The JIT keeps a copy of the ISA's settings (with
 * enable_probestack and preserve_frame_pointers turned on). opts may be
 * NULL. Installs the trap signal handler if this is the first live JIT. */
clif_error *clif_jit_new(const clif_isa *isa, const clif_jit_options *opts, clif_jit **out);
/* Unmaps all code and data and frees the JIT; the last JIT freed removes
 * the signal handler. NULL is ignored. */
void clif_jit_free(clif_jit *jit);
/* The JIT's own ISA (for settings queries). */
const clif_isa *clif_jit_isa(const clif_jit *jit);

/* ---- Declarations ---- */
/* Declares a function `name` (NULL or "": anonymous, never found by name)
 * with its linkage and signature (copied); *out is its id. Declaring a name
 * again gives the same id and merges the linkage; another signature, or a
 * data object of that name, is an error. */
clif_error *clif_jit_declare_function(clif_jit *jit, const char *name, clif_linkage linkage,
                                      const clif_signature *sig, clif_jit_func_id *out);
/* A data object; `writable` data stays writable after finalize. */
clif_error *clif_jit_declare_data(clif_jit *jit, const char *name, clif_linkage linkage,
                                  bool writable, clif_jit_data_id *out);
/* Number of declared functions / data objects (ids are 0 .. n-1). */
uint32_t clif_jit_num_functions(const clif_jit *jit);
uint32_t clif_jit_num_data(const clif_jit *jit);
/* The name of a declaration ("" when anonymous, NULL for an id that does not
 * exist). */
const char *clif_jit_function_name(const clif_jit *jit, clif_jit_func_id id);
const char *clif_jit_data_name(const clif_jit *jit, clif_jit_data_id id);
/* Finds a declared name (any linkage): returns true and sets *is_func and
 * *id when found. */
bool clif_jit_find(const clif_jit *jit, const char *name, bool *is_func, uint32_t *id);
/* Gives an address for an imported name, before the resolver and dlsym
 * (like cranelift-jit's JITBuilder::symbol). The name is copied. */
clif_error *clif_jit_define_symbol(clif_jit *jit, const char *name, void *addr);

/* ---- Referencing declarations from a function being built ---- */
/* Imports the function's signature and a function reference (u0:<id>)
 * into `f`; CLIF_NONE when id is not declared. */
clif_func_ref clif_jit_declare_func_in_func(clif_jit *jit, clif_jit_func_id id, clif_func *f);
/* A symbol global value (u1:<id>, type i64) for the data object in `f`, to
 * use with symbol_value; CLIF_NONE when id is not declared. */
clif_global_value clif_jit_declare_data_in_func(clif_jit *jit, clif_jit_data_id id, clif_func *f);

/* ---- Definitions ---- */
/* Compiles `f` (verified when the ISA's enable_verifier is on) as the body
 * of function `id`, whose signature it must have. `f` is not kept: it may
 * be cleared and reused at once. Errors: the verifier's or the backend's
 * (CLIF_ERR_VERIFY, CLIF_ERR_UNSUPPORTED with the location and the
 * function's name as context), an import or an already defined function
 * (CLIF_ERR_ARGUMENT), a reference to an undeclared u0:/u1: name. */
clif_error *clif_jit_define_function(clif_jit *jit, clif_jit_func_id id, const clif_func *f);

/* A relocation inside a data object: at `offset`, the 8-byte address of a
 * function (is_func) or data object `id`, plus `addend`. */
typedef struct clif_data_reloc {
    uint32_t offset;
    bool is_func;
    uint32_t id;
    int64_t addend;
} clif_data_reloc;

/* The contents of a data object. */
typedef struct clif_data_desc {
    const uint8_t *bytes; /* `size` initial bytes; NULL: zero-initialised */
    size_t size;
    uint32_t align; /* a power of two (0: 1); at most the page size */
    const clif_data_reloc *relocs;
    uint32_t nrelocs;
} clif_data_desc;

/* Defines data object `id` (copied). */
clif_error *clif_jit_define_data(clif_jit *jit, clif_jit_data_id id, const clif_data_desc *desc);

/* ---- Finalizing and addresses ---- */
/* Resolves imports, maps everything defined since the last finalize and
 * applies its relocations (W^X: see above). On error nothing new is mapped
 * and the definitions stay pending. */
clif_error *clif_jit_finalize(clif_jit *jit);
/* The address of a finalized (or resolved imported) function, or NULL. */
void *clif_jit_get_function(const clif_jit *jit, clif_jit_func_id id);
/* The address of a finalized data object (its size in *size if not NULL),
 * or NULL. */
void *clif_jit_get_data(const clif_jit *jit, clif_jit_data_id id, size_t *size);
/* The address of an exported function or data object by name, or NULL. */
void *clif_jit_lookup(const clif_jit *jit, const char *name);

/* ---- Running code ---- */
/* Calls function `id` (finalized, or a resolved import) with `nargs`
 * arguments of its signature's types; writes its results (at most `max`)
 * and their number. Returns NULL on success, else an error: a trap, an
 * error a host function raised, or a bad argument. */
clif_error *clif_jit_call(clif_jit *jit, clif_jit_func_id id, const clif_data_value *args,
                          uint32_t nargs, clif_data_value *results, uint32_t max,
                          uint32_t *nresults);
/* Runs body(user) with the same protection as clif_jit_call: inside it, the
 * caller calls generated code through typed pointers from
 * clif_jit_get_function:
 *
 *     static void run_fib(void *p) {
 *         struct job *j = p;
 *         j->result = ((int64_t (*)(int64_t))j->fn)(j->arg);
 *     }
 *     clif_error *err = clif_jit_invoke(jit, run_fib, &job);
 *
 * A trap or a raised error abandons body at the point of the call (no code
 * of body after it runs: keep no resources there that need cleanup). */
clif_error *clif_jit_invoke(clif_jit *jit, void (*body)(void *user), void *user);
/* From a host function called (directly or not) by generated code running
 * under clif_jit_call or clif_jit_invoke on this thread: abandons the
 * generated frames and the host function and makes the call return `err`
 * unchanged (with a backtrace attached). Host frames between are skipped
 * without cleanup, as with longjmp. Called with no such call in progress,
 * it prints the error and aborts: check clif_jit_in_call first if unsure. */
#if defined(__GNUC__)
__attribute__((noreturn))
#endif
void clif_jit_raise(clif_error *err);
/* True when this thread is inside clif_jit_call or clif_jit_invoke. */
bool clif_jit_in_call(void);

/* Number of live JITs in the process: the trap signal handler is installed
 * while it is above zero (for tests and diagnostics). */
uint32_t clif_jit_live_count(void);

#ifdef __cplusplus
}
#endif
#endif
