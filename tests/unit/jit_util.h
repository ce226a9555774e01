/* Helpers shared by the JIT unit tests (test_jit_api.c, test_traps.c):
 * signatures of i64 parameters and results, function skeletons built with
 * the function builder, and error checks. */
#ifndef CLIF_TESTS_JIT_UTIL_H
#define CLIF_TESTS_JIT_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cranelift.h"

/* A signature of `np` parameters and `nr` results of type t. */
typedef struct tsig {
    clif_abi_param p[8], r[8];
    clif_signature sig;
} tsig;

static inline const clif_signature *tsig_make(tsig *s, uint32_t np, clif_type pt, uint32_t nr,
                                              clif_type rt) {
    for (uint32_t i = 0; i < np; i++)
        s->p[i] = (clif_abi_param){pt, 0, 0, 0};
    for (uint32_t i = 0; i < nr; i++)
        s->r[i] = (clif_abi_param){rt, 0, 0, 0};
    s->sig = (clif_signature){s->p, np, s->r, nr, CLIF_CC_SYSTEM_V};
    return &s->sig;
}

#define ASSERT_OK(expr)                                                                            \
    do {                                                                                           \
        clif_error *err_ = (expr);                                                                 \
        if (err_) {                                                                                \
            char buf_[2048];                                                                       \
            print_message("%s:%d: %s\n", __FILE__, __LINE__,                                       \
                          clif_error_format(err_, buf_, sizeof buf_));                             \
            clif_error_free(err_);                                                                 \
            fail();                                                                                \
        }                                                                                          \
    } while (0)

static inline clif_jit *jit_new_host(void) {
    clif_isa *isa = NULL;
    ASSERT_OK(clif_isa_host(&isa));
    clif_jit *jit = NULL;
    ASSERT_OK(clif_jit_new(isa, NULL, &jit));
    clif_isa_free(isa);
    return jit;
}

/* Starts function `name` with signature `sig` in f and fb: the entry block
 * has the parameters, is current and sealed. Returns the entry block. */
static inline clif_block fn_begin(clif_fb *fb, clif_func *f, const char *name,
                                  const clif_signature *sig) {
    clif_func_clear(f);
    clif_func_set_signature(f, sig);
    clif_ext_name n = {CLIF_NAME_TESTCASE, 0, 0, name};
    clif_func_set_name(f, &n);
    clif_fb_begin(fb, f);
    clif_block entry = clif_fb_create_block(fb);
    clif_fb_append_block_params_for_function_params(fb, entry);
    clif_fb_switch_to_block(fb, entry);
    clif_fb_seal_block(fb, entry);
    return entry;
}

static inline void fn_end(clif_fb *fb) {
    ASSERT_OK(clif_fb_finalize(fb));
}

/* Calls a function of i64 -> i64 and returns the result; fails on error. */
static inline int64_t call_i64(clif_jit *jit, clif_jit_func_id id, const int64_t *args,
                               uint32_t n) {
    clif_data_value a[8], r[2];
    for (uint32_t i = 0; i < n; i++)
        a[i] = clif_dv_from_u64(CLIF_I64, (uint64_t)args[i]);
    uint32_t nr = 0;
    ASSERT_OK(clif_jit_call(jit, id, a, n, r, 2, &nr));
    assert_int_equal(nr, 1);
    return (int64_t)clif_dv_to_u64(&r[0]);
}

/* Whether the backtrace of err names `fn` at position i. */
static inline bool bt_is(const clif_error *err, uint32_t i, const char *fn) {
    clif_frame fr = clif_error_backtrace_frame(err, i);
    return fr.function && strcmp(fr.function, fn) == 0;
}

static inline void show_error(const clif_error *err) {
    char buf[4096];
    print_message("%s\n", clif_error_format(err, buf, sizeof buf));
}

#endif
