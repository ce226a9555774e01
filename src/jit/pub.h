/* Internal state of the public JIT (clif_jit, include/clif/jit.h), shared
 * by its files: declarations (decl.c), definitions (define.c), finalizing
 * (finalize.c), running code (run.c). */
#ifndef CLIF_JIT_PUB_H
#define CLIF_JIT_PUB_H

#include "clif/jit.h"
#include "jit/rt.h"
#include "support/vec.h"

typedef enum jit_state {
    JIT_UNDEFINED, /* declared only (imports stay so) */
    JIT_PENDING,   /* defined, waiting for finalize */
    JIT_FINAL,     /* mapped at addr */
} jit_state;

/* A declared function or data object. */
typedef struct jit_decl {
    char *name; /* "" when anonymous */
    clif_linkage linkage;
    jit_state state;
    void *addr;  /* final address, or a resolved import (NULL: not yet) */
    size_t size; /* bytes of code or data */
    /* Functions: the signature (params, then returns) and the entry
     * trampoline (CLIF_NONE until made). */
    clif_abi_param *sig_params;
    uint32_t nparams, nreturns;
    clif_callconv callconv;
    uint32_t entry;
    clif_compiled *code; /* pending code */
    /* Data. */
    bool writable;
    uint8_t *bytes; /* pending contents (NULL: zeros) */
    uint32_t align;
    clif_data_reloc *relocs;
    uint32_t nrelocs;
} jit_decl;

typedef struct jit_symbol {
    char *name;
    void *addr;
} jit_symbol;

/* An entry trampoline for one signature. */
typedef struct jit_entry {
    uint8_t key[256];
    uint32_t key_len;
    void *addr;          /* NULL until finalized */
    clif_compiled *code; /* pending code */
} jit_entry;

struct clif_jit {
    struct clif_isa *isa; /* the JIT's own copy */
    clif_jit_options opts;
    jit_arena arena;
    jit_codemap map;
    VEC(jit_decl) funcs;
    VEC(jit_decl) data;
    VEC(jit_symbol) symbols;
    VEC(jit_entry) entries;
    /* Names of declarations: open addressing, 0 = empty, else 1 + (id << 1
     * | is_func). */
    VEC(uint32_t) names;
    uint32_t nnames;
};

clif_location jit_no_loc(void);
/* The declaration a name refers to, or NULL. */
jit_decl *jit_find_decl(const clif_jit *j, const char *name, bool *is_func, uint32_t *id);
/* The signature of a function declaration (arrays point into it). */
clif_signature jit_decl_sig(const jit_decl *d);
/* Looks an import up: symbols, resolver, libcalls, dlsym. NULL if unknown. */
void *jit_resolve_import(const clif_jit *j, const char *name);

/* Writes `value` (a target address plus addend) at `at` in the form of
 * `kind` (reloc.c). */
clif_error *jit_patch(clif_reloc_kind kind, uint8_t *at, int64_t value);

#endif
