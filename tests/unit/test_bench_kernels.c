/* The benchmark kernels of bench/kernels (see docs/BENCHMARKS.md): every
 * file parses and verifies; `%run` is `() -> i32` and its run command expects
 * the checksum of the C original (../shared/bench/wasm/src); `%run_small`
 * (the same code at small sizes) runs in the interpreter and returns the
 * value its run command expects (computed by bench/kernels/ref.c). The full
 * sizes take minutes in the interpreter, so `%run` itself is not executed
 * here: bench/run.sh runs it natively. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cranelift.h"
#include "runtests_util.h"

#ifndef CLIF_SOURCE_DIR
#error "CLIF_SOURCE_DIR must name the project folder"
#endif

typedef struct kernel {
    const char *name;
    uint32_t checksum; /* what the C original's run() returns */
} kernel;

static const kernel kernels[] = {
    {"fib", 63245986u},      {"sieve", 5389355u},     {"matmul", 4193579479u},
    {"nbody", 2660952370u},  {"sha256", 2566654094u}, {"qsort", 1254157404u},
    {"mandel", 1681147336u}, {"hashtab", 588723328u},
};

static const clif_test_function *find(const clif_test_file *tf, const char *name) {
    for (uint32_t i = 0; i < tf->nfunctions; i++) {
        clif_ext_name n = clif_func_name(tf->functions[i].func);
        if (n.kind == CLIF_NAME_TESTCASE && strcmp(n.str, name) == 0) return &tf->functions[i];
    }
    return NULL;
}

static void fail_error(const char *what, clif_error *err) {
    char buf[512];
    print_error("%s: %s\n", what, clif_error_format(err, buf, sizeof buf));
    clif_error_free(err);
    fail();
}

/* `fn` is () -> i32 and has exactly one `; run: %fn() == N` command. */
static uint32_t expected_of(const clif_test_function *fn) {
    clif_signature sig;
    clif_func_signature(fn->func, &sig);
    assert_int_equal(sig.nparams, 0);
    assert_int_equal(sig.nreturns, 1);
    assert_int_equal(sig.returns[0].type, CLIF_I32);
    assert_int_equal(fn->nruns, 1);
    const clif_run_command *rc = &fn->runs[0];
    assert_int_equal(rc->kind, CLIF_RUN);
    assert_int_equal(rc->cmp, CLIF_CMP_EQ);
    assert_int_equal(rc->nargs, 0);
    assert_int_equal(rc->nexpected, 1);
    return (uint32_t)clif_dv_to_u64(&rc->expected[0]);
}

static void test_kernel(void **state) {
    const kernel *k = *state;
    char path[1024];
    snprintf(path, sizeof path, "%s/bench/kernels/%s.clif", CLIF_SOURCE_DIR, k->name);
    size_t len = 0;
    char *text = rt_read_file(path, &len);
    if (!text) fail_msg("cannot read %s", path);
    clif_test_file *tf = NULL;
    clif_error *err = clif_parse_test_file(text, len, path, &tf);
    if (err) fail_error(path, err);
    for (uint32_t i = 0; i < tf->nfunctions; i++) {
        err = clif_verify(tf->functions[i].func, path);
        if (err) fail_error(path, err);
    }

    const clif_test_function *run = find(tf, "run"), *small = find(tf, "run_small");
    assert_non_null(run);
    assert_non_null(small);
    assert_int_equal(expected_of(run), k->checksum);
    uint32_t want = expected_of(small);
    /* Only run and run_small carry run commands. */
    uint32_t nruns = 0;
    for (uint32_t i = 0; i < tf->nfunctions; i++)
        nruns += tf->functions[i].nruns;
    assert_int_equal(nruns, 2);

    clif_interp *in = clif_interp_new();
    for (uint32_t i = 0; i < tf->nfunctions; i++)
        clif_interp_add_function(in, tf->functions[i].func);
    clif_interp_set_limits(in, 10000, (uint64_t)1 << 28);
    clif_data_value res[1];
    uint32_t nres = 0;
    err = clif_interp_call(in, small->func, NULL, 0, res, 1, &nres);
    if (err) fail_error(k->name, err);
    assert_int_equal(nres, 1);
    assert_int_equal(res[0].type, CLIF_I32);
    assert_int_equal((uint32_t)clif_dv_to_u64(&res[0]), want);

    clif_interp_free(in);
    clif_test_file_free(tf);
    free(text);
}

int main(void) {
    struct CMUnitTest tests[sizeof kernels / sizeof *kernels];
    for (size_t i = 0; i < sizeof kernels / sizeof *kernels; i++) {
        tests[i] =
            (struct CMUnitTest){kernels[i].name, test_kernel, NULL, NULL, (void *)&kernels[i]};
    }
    return cmocka_run_group_tests(tests, NULL, NULL);
}
