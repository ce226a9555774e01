/* The runtime under the public JIT (clif_jit): reserved memory, the map of
 * generated code, calls in progress, the process-wide trap signal handler,
 * backtraces and entry trampolines. Each piece lives in its own file. */
#ifndef CLIF_JIT_RT_H
#define CLIF_JIT_RT_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "clif/codegen.h"
#include "clif/error.h"
#include "support/vec.h"

/* ---- Reserved memory (arena.c) ----
 * One reservation of address space (PROT_NONE), carved into page-aligned
 * pieces with a bump pointer, so all code and data of a JIT lie within
 * 2 GiB of each other (pc-relative calls and addresses reach). */
typedef struct jit_arena {
    uint8_t *base;
    size_t reserved, used, page;
} jit_arena;

typedef enum jit_prot { JIT_PROT_RW, JIT_PROT_RX, JIT_PROT_R } jit_prot;

/* Reserves about `bytes` of address space (halving on refusal, down to
 * 16 MiB). */
clif_error *jit_arena_init(jit_arena *a, size_t bytes);
/* `size` bytes (rounded up to pages) mapped read+write. */
clif_error *jit_arena_alloc(jit_arena *a, size_t size, uint8_t **out);
clif_error *jit_arena_protect(jit_arena *a, uint8_t *p, size_t size, jit_prot prot);
void jit_arena_free(jit_arena *a);

/* ---- The code map (codemap.c) ----
 * What the signal handler and backtraces need to know about each piece of
 * generated code, sorted by address. Lookups are async-signal-safe (binary
 * searches over arrays, no allocation). */
typedef struct jit_code_info {
    uintptr_t start;
    uint32_t size;
    const char *name;      /* owned by the JIT */
    uint32_t frame_size;   /* bytes between the frame pointer and the body's SP */
    uint32_t setup_offset; /* code offset from which the frame pointer is set (the
                              prologue's first instruction, at 0, pushes it) */
    bool is_entry;         /* an entry trampoline: the outermost generated frame */
    clif_trap_site *traps; /* sorted by offset */
    uint32_t ntraps;
    uint32_t *call_rets; /* return-address offsets of calls, sorted */
    uint32_t ncalls;
} jit_code_info;

typedef struct jit_codemap {
    VEC(jit_code_info) code;
} jit_codemap;

/* Adds the code of `c` placed at `start` (copies its tables). */
void jit_codemap_add(jit_codemap *m, const clif_compiled *c, uintptr_t start, const char *name,
                     bool is_entry);
void jit_codemap_free(jit_codemap *m);
/* The code containing pc, or NULL. */
const jit_code_info *jit_codemap_find(const jit_codemap *m, uintptr_t pc);
clif_trap_code jit_code_trap_at(const jit_code_info *ci, uint32_t offset);
bool jit_code_is_call_ret(const jit_code_info *ci, uint32_t offset);

/* ---- Calls in progress (call_state.c) ---- */
#define JIT_BT_MAX 64

typedef enum jit_outcome {
    JIT_OK,
    JIT_TRAP,     /* a fault mapped to a trap code */
    JIT_FAULT,    /* a fault in generated code without a trap code */
    JIT_RAISED,   /* clif_jit_raise */
    JIT_UNCAUGHT, /* an exception (jit_module's try_call) found no handler */
} jit_outcome;

typedef struct jit_call {
    sigjmp_buf jb;
    struct jit_call *prev;  /* the enclosing call on this thread */
    const jit_codemap *map; /* the code this call may run */
    void *owner;            /* the JIT object running the call */
    uintptr_t stack_top;    /* generated frames lie below this address */
    uintptr_t entry_fp;     /* the entry trampoline's frame pointer (0: none) */
    /* The outcome. */
    volatile jit_outcome outcome;
    int sig;
    uintptr_t pc, addr;
    clif_trap_code code;
    clif_error *raised;
    uint32_t tag;                 /* JIT_UNCAUGHT: the exception's tag */
    uintptr_t frames[JIT_BT_MAX]; /* pcs of generated frames, innermost first */
    uint32_t nframes, omitted;
} jit_call;

/* Runs body(user) as call `c` (its map set by the caller): pushes it as this
 * thread's current call, makes sure the thread has an alternate signal
 * stack, and returns when body returns or a trap or raise jumped back;
 * c->outcome tells which. */
void jit_call_run(jit_call *c, void (*body)(void *user), void *user);
/* The same, on a new thread with a stack of `stack_size` bytes when that is
 * not 0 (the thread runs the whole call). Returns 0, or the pthread error
 * number when the thread could not run. */
int jit_call_run_on_stack(jit_call *c, size_t stack_size, void (*body)(void *user), void *user);
/* Before leaving C frames by a jump that is not a longjmp (resuming an
 * exception handler in generated code): under AddressSanitizer, forgets
 * the poisoned red zones of the frames left behind; otherwise nothing. */
void jit_forget_c_frames(void);
/* The innermost call in progress on this thread (async-signal-safe). */
jit_call *jit_call_current(void);

/* ---- The signal handler (signals.c) ---- */
/* Installs the handler for the first holder, removes it (restoring the
 * previous handlers) when the last one lets go. */
clif_error *jit_signals_acquire(void);
void jit_signals_release(void);
uint32_t jit_signals_holders(void);

/* ---- Backtraces (backtrace.c) ---- */
/* Records the generated frames from a fault at pc with registers fp, sp
 * (async-signal-safe). */
void jit_bt_from_fault(jit_call *c, uintptr_t pc, uintptr_t fp, uintptr_t sp);
/* Records the generated frames below a host function raising an error;
 * `from` is an address in the raising frame (the stack is searched upward
 * from it for the return address into generated code). */
void jit_bt_from_raise(jit_call *c, uintptr_t from);
/* Attaches c's frames to err as its backtrace. */
clif_error *jit_bt_attach(clif_error *err, const jit_call *c);
/* Formats "name+0xoff" (or the address) for pc. */
void jit_bt_describe(const jit_codemap *m, uintptr_t pc, char *buf, size_t size);

/* ---- Entry trampolines (trampoline.c) ---- */
/* Builds `function %__clif_entry(i64 callee, i64 args, i64 results, i64
 * call)`: stores its frame pointer into call->entry_fp, loads the arguments
 * of `sig` from 16-byte slots, calls `callee`, stores the results into
 * 16-byte slots. */
clif_func *jit_build_entry(const clif_signature *sig);
/* A key identifying the signature (for sharing trampolines); 0 when it does
 * not fit `cap`. */
uint32_t jit_sig_key(const clif_signature *sig, uint8_t *key, uint32_t cap);
typedef void (*jit_entry_fn)(void *callee, void *args, void *results, jit_call *call);

#endif
