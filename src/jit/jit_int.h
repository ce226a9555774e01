/* Internal state of JIT modules, shared by module.c and call.c. */
#ifndef CLIF_JIT_INT_H
#define CLIF_JIT_INT_H

#include "jit/jit.h"
#include "jit/rt.h"
#include "support/vec.h"

typedef struct jit_func {
    clif_ext_name name; /* owned copy */
    char *label;        /* the name as text, for backtraces */
    clif_compiled *code;
    size_t offset; /* in the module's mapping */
} jit_func;

typedef struct jit_def {
    clif_ext_name name;
    void *addr;
} jit_def;

/* A call trampoline for one signature, mapped on its own. */
typedef struct jit_tramp {
    uint8_t key[512]; /* the signature it serves (see call.c) */
    uint32_t key_len;
    clif_compiled *code;
    jit_mem mem;
} jit_tramp;

struct jit_module {
    const clif_isa *isa;
    VEC(jit_func) funcs;
    VEC(jit_def) defs;
    VEC(jit_tramp) tramps;
    jit_mem mem;
    bool finalized;
    size_t stack_size; /* calls run on a thread with this stack (0: the caller's) */
    size_t resume_off; /* the exception-resume stub in `mem` */
    jit_codemap map;   /* functions and trampolines, for traps and backtraces */
    bool signals;      /* holds the trap signal handler (jit/signals.c) */
};

/* The host function behind `%__cranelift_throw`. */
void *jit_throw_address(void);
/* Machine code of the resume stub (x86-64): resume(fp, sp, pc, payload0,
 * payload1) sets rbp, rsp, rax, rdx and jumps to pc. */
extern const uint8_t jit_resume_stub[18];

/* Resolves the relocations of `c` copied at `code`. */
clif_error *jit_apply_relocs(const jit_module *m, const clif_compiled *c, uint8_t *code);

#endif
