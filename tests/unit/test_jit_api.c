/* Unit tests of the public JIT (include/clif/jit.h): functions built with
 * the function builder (SSA across loops and nested branches) compiled and
 * run natively, recursion, calls between functions, host functions (symbols,
 * resolver, dlsym), data objects with relocations, W^X, incremental
 * finalize, typed calls through clif_jit_invoke, CLIF text with %names, and
 * the errors of misuse. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "jit_util.h"

/* ---- builders ---- */

/* fib(n) = n < 2 ? n : fib(n - 1) + fib(n - 2), calling itself through id. */
static void build_fib(clif_jit *jit, clif_jit_func_id id, clif_fb *fb, clif_func *f) {
    tsig s;
    clif_block entry = fn_begin(fb, f, "fib", tsig_make(&s, 1, CLIF_I64, 1, CLIF_I64));
    clif_func_ref self = clif_jit_declare_func_in_func(jit, id, f);
    clif_value n = clif_block_param(f, entry, 0);
    clif_block base = clif_fb_create_block(fb), rec = clif_fb_create_block(fb);
    clif_value c = clif_fb_icmp(fb, CLIF_ICC_SLT, n, clif_fb_iconst(fb, CLIF_I64, 2));
    clif_block_call t = {base, NULL, 0}, e = {rec, NULL, 0};
    clif_fb_brif(fb, c, &t, &e);
    clif_fb_switch_to_block(fb, base);
    clif_fb_seal_block(fb, base);
    clif_fb_return(fb, &n, 1);
    clif_fb_switch_to_block(fb, rec);
    clif_fb_seal_block(fb, rec);
    clif_value a = clif_fb_binary(fb, CLIF_OP_ISUB, n, clif_fb_iconst(fb, CLIF_I64, 1));
    clif_value r1 = clif_inst_result(f, clif_fb_call(fb, self, &a, 1), 0);
    clif_value b = clif_fb_binary(fb, CLIF_OP_ISUB, n, clif_fb_iconst(fb, CLIF_I64, 2));
    clif_value r2 = clif_inst_result(f, clif_fb_call(fb, self, &b, 1), 0);
    clif_value sum = clif_fb_binary(fb, CLIF_OP_IADD, r1, r2);
    clif_fb_return(fb, &sum, 1);
    fn_end(fb);
}

enum { V_N, V_STEPS, V_I, V_J, V_ACC };

/* steps = 0; while (n != 1) { if (n & 1) n = 3n + 1; else n = n >> 1;
 * steps++ } return steps; -- the loop header is sealed after the back edge. */
static void build_collatz(clif_fb *fb, clif_func *f) {
    tsig s;
    clif_block entry = fn_begin(fb, f, "collatz", tsig_make(&s, 1, CLIF_I64, 1, CLIF_I64));
    clif_fb_declare_var(fb, V_N, CLIF_I64);
    clif_fb_declare_var(fb, V_STEPS, CLIF_I64);
    clif_fb_def_var(fb, V_N, clif_block_param(f, entry, 0));
    clif_fb_def_var(fb, V_STEPS, clif_fb_iconst(fb, CLIF_I64, 0));
    clif_block header = clif_fb_create_block(fb), body = clif_fb_create_block(fb),
               odd = clif_fb_create_block(fb), even = clif_fb_create_block(fb),
               next = clif_fb_create_block(fb), exit = clif_fb_create_block(fb);
    clif_fb_jump(fb, header, NULL, 0);

    clif_fb_switch_to_block(fb, header);
    clif_value c =
        clif_fb_icmp(fb, CLIF_ICC_NE, clif_fb_use_var(fb, V_N), clif_fb_iconst(fb, CLIF_I64, 1));
    clif_block_call tb = {body, NULL, 0}, te = {exit, NULL, 0};
    clif_fb_brif(fb, c, &tb, &te);

    clif_fb_switch_to_block(fb, body);
    clif_fb_seal_block(fb, body);
    clif_value bit =
        clif_fb_binary(fb, CLIF_OP_BAND, clif_fb_use_var(fb, V_N), clif_fb_iconst(fb, CLIF_I64, 1));
    clif_block_call to = {odd, NULL, 0}, tev = {even, NULL, 0};
    clif_fb_brif(fb, bit, &to, &tev);

    clif_fb_switch_to_block(fb, odd);
    clif_fb_seal_block(fb, odd);
    clif_value n3 =
        clif_fb_binary(fb, CLIF_OP_IMUL, clif_fb_use_var(fb, V_N), clif_fb_iconst(fb, CLIF_I64, 3));
    clif_fb_def_var(fb, V_N, clif_fb_binary(fb, CLIF_OP_IADD, n3, clif_fb_iconst(fb, CLIF_I64, 1)));
    clif_fb_jump(fb, next, NULL, 0);

    clif_fb_switch_to_block(fb, even);
    clif_fb_seal_block(fb, even);
    clif_fb_def_var(fb, V_N,
                    clif_fb_binary(fb, CLIF_OP_USHR, clif_fb_use_var(fb, V_N),
                                   clif_fb_iconst(fb, CLIF_I64, 1)));
    clif_fb_jump(fb, next, NULL, 0);

    clif_fb_switch_to_block(fb, next);
    clif_fb_seal_block(fb, next);
    clif_fb_def_var(fb, V_STEPS,
                    clif_fb_binary(fb, CLIF_OP_IADD, clif_fb_use_var(fb, V_STEPS),
                                   clif_fb_iconst(fb, CLIF_I64, 1)));
    clif_fb_jump(fb, header, NULL, 0);
    clif_fb_seal_block(fb, header);

    clif_fb_switch_to_block(fb, exit);
    clif_fb_seal_block(fb, exit);
    clif_value r = clif_fb_use_var(fb, V_STEPS);
    clif_fb_return(fb, &r, 1);
    fn_end(fb);
}

static int64_t collatz_ref(int64_t n) {
    int64_t steps = 0;
    while (n != 1) {
        n = (n & 1) ? 3 * n + 1 : (int64_t)((uint64_t)n >> 1);
        steps++;
    }
    return steps;
}

/* acc = 0; i = 0; while (i < n) { j = 0; while (j < i) { if (j % 3 == 0)
 * acc += i * j; else if (j & 1) acc -= j; else acc ^= i; j++ } i++ }
 * return acc; -- nested loops and nested branches, all blocks sealed last. */
static void build_nested(clif_fb *fb, clif_func *f) {
    tsig s;
    clif_block entry = fn_begin(fb, f, "nested", tsig_make(&s, 1, CLIF_I64, 1, CLIF_I64));
    for (clif_variable v = V_N; v <= V_ACC; v++)
        clif_fb_declare_var(fb, v, CLIF_I64);
    clif_fb_def_var(fb, V_N, clif_block_param(f, entry, 0));
    clif_fb_def_var(fb, V_ACC, clif_fb_iconst(fb, CLIF_I64, 0));
    clif_fb_def_var(fb, V_I, clif_fb_iconst(fb, CLIF_I64, 0));
    clif_block oh = clif_fb_create_block(fb), ob = clif_fb_create_block(fb),
               ih = clif_fb_create_block(fb), ib = clif_fb_create_block(fb),
               three = clif_fb_create_block(fb), not3 = clif_fb_create_block(fb),
               odd = clif_fb_create_block(fb), even = clif_fb_create_block(fb),
               inext = clif_fb_create_block(fb), oinc = clif_fb_create_block(fb),
               exit = clif_fb_create_block(fb);
    clif_fb_jump(fb, oh, NULL, 0);
    /* outer header */
    clif_fb_switch_to_block(fb, oh);
    clif_value c =
        clif_fb_icmp(fb, CLIF_ICC_SLT, clif_fb_use_var(fb, V_I), clif_fb_use_var(fb, V_N));
    clif_block_call a = {ob, NULL, 0}, b = {exit, NULL, 0};
    clif_fb_brif(fb, c, &a, &b);
    clif_fb_switch_to_block(fb, ob);
    clif_fb_def_var(fb, V_J, clif_fb_iconst(fb, CLIF_I64, 0));
    clif_fb_jump(fb, ih, NULL, 0);
    /* inner header */
    clif_fb_switch_to_block(fb, ih);
    c = clif_fb_icmp(fb, CLIF_ICC_SLT, clif_fb_use_var(fb, V_J), clif_fb_use_var(fb, V_I));
    a = (clif_block_call){ib, NULL, 0};
    b = (clif_block_call){oinc, NULL, 0};
    clif_fb_brif(fb, c, &a, &b);
    clif_fb_switch_to_block(fb, ib);
    clif_value m =
        clif_fb_binary(fb, CLIF_OP_SREM, clif_fb_use_var(fb, V_J), clif_fb_iconst(fb, CLIF_I64, 3));
    c = clif_fb_icmp(fb, CLIF_ICC_EQ, m, clif_fb_iconst(fb, CLIF_I64, 0));
    a = (clif_block_call){three, NULL, 0};
    b = (clif_block_call){not3, NULL, 0};
    clif_fb_brif(fb, c, &a, &b);
    clif_fb_switch_to_block(fb, three);
    clif_value ij =
        clif_fb_binary(fb, CLIF_OP_IMUL, clif_fb_use_var(fb, V_I), clif_fb_use_var(fb, V_J));
    clif_fb_def_var(fb, V_ACC, clif_fb_binary(fb, CLIF_OP_IADD, clif_fb_use_var(fb, V_ACC), ij));
    clif_fb_jump(fb, inext, NULL, 0);
    clif_fb_switch_to_block(fb, not3);
    clif_value bit =
        clif_fb_binary(fb, CLIF_OP_BAND, clif_fb_use_var(fb, V_J), clif_fb_iconst(fb, CLIF_I64, 1));
    a = (clif_block_call){odd, NULL, 0};
    b = (clif_block_call){even, NULL, 0};
    clif_fb_brif(fb, bit, &a, &b);
    clif_fb_switch_to_block(fb, odd);
    clif_fb_def_var(
        fb, V_ACC,
        clif_fb_binary(fb, CLIF_OP_ISUB, clif_fb_use_var(fb, V_ACC), clif_fb_use_var(fb, V_J)));
    clif_fb_jump(fb, inext, NULL, 0);
    clif_fb_switch_to_block(fb, even);
    clif_fb_def_var(
        fb, V_ACC,
        clif_fb_binary(fb, CLIF_OP_BXOR, clif_fb_use_var(fb, V_ACC), clif_fb_use_var(fb, V_I)));
    clif_fb_jump(fb, inext, NULL, 0);
    clif_fb_switch_to_block(fb, inext);
    clif_fb_def_var(fb, V_J,
                    clif_fb_binary(fb, CLIF_OP_IADD, clif_fb_use_var(fb, V_J),
                                   clif_fb_iconst(fb, CLIF_I64, 1)));
    clif_fb_jump(fb, ih, NULL, 0);
    clif_fb_switch_to_block(fb, oinc);
    clif_fb_def_var(fb, V_I,
                    clif_fb_binary(fb, CLIF_OP_IADD, clif_fb_use_var(fb, V_I),
                                   clif_fb_iconst(fb, CLIF_I64, 1)));
    clif_fb_jump(fb, oh, NULL, 0);
    clif_fb_switch_to_block(fb, exit);
    clif_value r = clif_fb_use_var(fb, V_ACC);
    clif_fb_return(fb, &r, 1);
    assert_true(clif_fb_seal_all_blocks(fb));
    fn_end(fb);
}

static int64_t nested_ref(int64_t n) {
    int64_t acc = 0;
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = 0; j < i; j++) {
            if (j % 3 == 0)
                acc += i * j;
            else if (j & 1)
                acc -= j;
            else
                acc ^= i;
        }
    return acc;
}

/* ---- tests ---- */

static void test_fib_recursion(void **state) {
    (void)state;
    clif_jit *jit = jit_new_host();
    clif_fb *fb = clif_fb_new();
    clif_func *f = clif_func_new();
    tsig s;
    clif_jit_func_id fib;
    ASSERT_OK(clif_jit_declare_function(jit, "fib", CLIF_LINKAGE_EXPORT,
                                        tsig_make(&s, 1, CLIF_I64, 1, CLIF_I64), &fib));
    build_fib(jit, fib, fb, f);
    ASSERT_OK(clif_jit_define_function(jit, fib, f));
    assert_null(clif_jit_get_function(jit, fib)); /* not before finalize */
    ASSERT_OK(clif_jit_finalize(jit));
    int64_t n = 20;
    assert_int_equal(call_i64(jit, fib, &n, 1), 6765);
    /* A typed pointer, by id and by name. */
    int64_t (*fp)(int64_t) = NULL;
    void *p = clif_jit_get_function(jit, fib);
    assert_non_null(p);
    assert_ptr_equal(p, clif_jit_lookup(jit, "fib"));
    memcpy(&fp, &p, sizeof fp);
    assert_int_equal(fp(25), 75025);
    clif_func_free(f);
    clif_fb_free(fb);
    clif_jit_free(jit);
}

typedef struct fib_job {
    void *fn;
    int64_t arg, result;
} fib_job;

static void run_fib(void *user) {
    fib_job *j = user;
    int64_t (*fn)(int64_t);
    memcpy(&fn, &j->fn, sizeof fn);
    j->result = fn(j->arg);
}

static void test_invoke_typed(void **state) {
    (void)state;
    clif_jit *jit = jit_new_host();
    clif_fb *fb = clif_fb_new();
    clif_func *f = clif_func_new();
    tsig s;
    clif_jit_func_id fib;
    ASSERT_OK(clif_jit_declare_function(jit, "fib", CLIF_LINKAGE_LOCAL,
                                        tsig_make(&s, 1, CLIF_I64, 1, CLIF_I64), &fib));
    build_fib(jit, fib, fb, f);
    ASSERT_OK(clif_jit_define_function(jit, fib, f));
    ASSERT_OK(clif_jit_finalize(jit));
    /* A local function is not found by name. */
    assert_null(clif_jit_lookup(jit, "fib"));
    fib_job job = {clif_jit_get_function(jit, fib), 30, 0};
    ASSERT_OK(clif_jit_invoke(jit, run_fib, &job));
    assert_int_equal(job.result, 832040);
    clif_func_free(f);
    clif_fb_free(fb);
    clif_jit_free(jit);
}

static void test_ssa_loops_branches(void **state) {
    (void)state;
    clif_jit *jit = jit_new_host();
    clif_fb *fb = clif_fb_new();
    clif_func *f = clif_func_new();
    tsig s;
    const clif_signature *sig = tsig_make(&s, 1, CLIF_I64, 1, CLIF_I64);
    clif_jit_func_id collatz, nested;
    ASSERT_OK(clif_jit_declare_function(jit, "collatz", CLIF_LINKAGE_EXPORT, sig, &collatz));
    ASSERT_OK(clif_jit_declare_function(jit, "nested", CLIF_LINKAGE_EXPORT, sig, &nested));
    build_collatz(fb, f);
    ASSERT_OK(clif_verify(f, NULL));
    ASSERT_OK(clif_jit_define_function(jit, collatz, f));
    build_nested(fb, f);
    ASSERT_OK(clif_verify(f, NULL));
    ASSERT_OK(clif_jit_define_function(jit, nested, f));
    ASSERT_OK(clif_jit_finalize(jit));
    const int64_t cs[] = {1, 2, 3, 7, 27, 97, 871, 6171, 837799};
    for (size_t i = 0; i < sizeof cs / sizeof cs[0]; i++)
        assert_int_equal(call_i64(jit, collatz, &cs[i], 1), collatz_ref(cs[i]));
    const int64_t ns[] = {0, 1, 2, 3, 10, 57, 200};
    for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++)
        assert_int_equal(call_i64(jit, nested, &ns[i], 1), nested_ref(ns[i]));
    clif_func_free(f);
    clif_fb_free(fb);
    clif_jit_free(jit);
}

/* is_even(n) = n == 0 ? 1 : is_odd(n - 1); is_odd(n) = n == 0 ? 0 : is_even(n - 1) */
static void build_parity(clif_jit *jit, clif_fb *fb, clif_func *f, const char *name,
                         clif_jit_func_id other, int64_t at_zero) {
    tsig s;
    clif_block entry = fn_begin(fb, f, name, tsig_make(&s, 1, CLIF_I64, 1, CLIF_I64));
    clif_func_ref o = clif_jit_declare_func_in_func(jit, other, f);
    clif_value n = clif_block_param(f, entry, 0);
    clif_block zero = clif_fb_create_block(fb), more = clif_fb_create_block(fb);
    clif_block_call a = {zero, NULL, 0}, b = {more, NULL, 0};
    clif_fb_brif(fb, n, &b, &a);
    clif_fb_switch_to_block(fb, zero);
    clif_fb_seal_block(fb, zero);
    clif_value k = clif_fb_iconst(fb, CLIF_I64, at_zero);
    clif_fb_return(fb, &k, 1);
    clif_fb_switch_to_block(fb, more);
    clif_fb_seal_block(fb, more);
    clif_value m = clif_fb_binary(fb, CLIF_OP_ISUB, n, clif_fb_iconst(fb, CLIF_I64, 1));
    clif_value r = clif_inst_result(f, clif_fb_call(fb, o, &m, 1), 0);
    clif_fb_return(fb, &r, 1);
    fn_end(fb);
}

static void test_mutual_recursion(void **state) {
    (void)state;
    clif_jit *jit = jit_new_host();
    clif_fb *fb = clif_fb_new();
    clif_func *f = clif_func_new();
    tsig s;
    const clif_signature *sig = tsig_make(&s, 1, CLIF_I64, 1, CLIF_I64);
    clif_jit_func_id even, odd;
    ASSERT_OK(clif_jit_declare_function(jit, "is_even", CLIF_LINKAGE_EXPORT, sig, &even));
    ASSERT_OK(clif_jit_declare_function(jit, "is_odd", CLIF_LINKAGE_LOCAL, sig, &odd));
    build_parity(jit, fb, f, "is_even", odd, 1);
    ASSERT_OK(clif_jit_define_function(jit, even, f));
    build_parity(jit, fb, f, "is_odd", even, 0);
    ASSERT_OK(clif_jit_define_function(jit, odd, f));
    ASSERT_OK(clif_jit_finalize(jit));
    for (int64_t n = 0; n < 50; n++) {
        assert_int_equal(call_i64(jit, even, &n, 1), n % 2 == 0);
        assert_int_equal(call_i64(jit, odd, &n, 1), n % 2 == 1);
    }
    clif_func_free(f);
    clif_fb_free(fb);
    clif_jit_free(jit);
}

/* ---- host functions ---- */

static int64_t host_scale(int64_t x) {
    return 10 * x + 3;
}

static void *resolver(void *user, const char *name) {
    int *count = user;
    ++*count;
    if (strcmp(name, "scale_by_resolver") == 0) {
        int64_t (*fn)(int64_t) = host_scale;
        void *p;
        memcpy(&p, &fn, sizeof p);
        return p;
    }
    return NULL;
}

/* name(x) = callee(x) + 1 where callee is an import. */
static void build_caller(clif_jit *jit, clif_fb *fb, clif_func *f, const char *name,
                         clif_jit_func_id callee) {
    tsig s;
    clif_block entry = fn_begin(fb, f, name, tsig_make(&s, 1, CLIF_I64, 1, CLIF_I64));
    clif_func_ref c = clif_jit_declare_func_in_func(jit, callee, f);
    clif_value x = clif_block_param(f, entry, 0);
    clif_value r = clif_inst_result(f, clif_fb_call(fb, c, &x, 1), 0);
    r = clif_fb_binary(fb, CLIF_OP_IADD, r, clif_fb_iconst(fb, CLIF_I64, 1));
    clif_fb_return(fb, &r, 1);
    fn_end(fb);
}

static void test_host_calls(void **state) {
    (void)state;
    clif_isa *isa;
    ASSERT_OK(clif_isa_host(&isa));
    int resolved = 0;
    clif_jit_options opts;
    memset(&opts, 0, sizeof opts);
    opts.resolver = resolver;
    opts.resolver_user = &resolved;
    clif_jit *jit;
    ASSERT_OK(clif_jit_new(isa, &opts, &jit));
    clif_isa_free(isa); /* the JIT keeps its own copy */
    clif_fb *fb = clif_fb_new();
    clif_func *f = clif_func_new();
    tsig s;
    const clif_signature *sig = tsig_make(&s, 1, CLIF_I64, 1, CLIF_I64);
    clif_jit_func_id by_sym, by_res, by_dlsym, c1, c2, c3;
    ASSERT_OK(clif_jit_declare_function(jit, "scale", CLIF_LINKAGE_IMPORT, sig, &by_sym));
    ASSERT_OK(
        clif_jit_declare_function(jit, "scale_by_resolver", CLIF_LINKAGE_IMPORT, sig, &by_res));
    ASSERT_OK(clif_jit_declare_function(jit, "labs", CLIF_LINKAGE_IMPORT, sig, &by_dlsym));
    int64_t (*hs)(int64_t) = host_scale;
    void *hp;
    memcpy(&hp, &hs, sizeof hp);
    ASSERT_OK(clif_jit_define_symbol(jit, "scale", hp));
    ASSERT_OK(clif_jit_declare_function(jit, "c1", CLIF_LINKAGE_EXPORT, sig, &c1));
    ASSERT_OK(clif_jit_declare_function(jit, "c2", CLIF_LINKAGE_EXPORT, sig, &c2));
    ASSERT_OK(clif_jit_declare_function(jit, "c3", CLIF_LINKAGE_EXPORT, sig, &c3));
    build_caller(jit, fb, f, "c1", by_sym);
    ASSERT_OK(clif_jit_define_function(jit, c1, f));
    build_caller(jit, fb, f, "c2", by_res);
    ASSERT_OK(clif_jit_define_function(jit, c2, f));
    build_caller(jit, fb, f, "c3", by_dlsym);
    ASSERT_OK(clif_jit_define_function(jit, c3, f));
    ASSERT_OK(clif_jit_finalize(jit));
    assert_true(resolved > 0);
    int64_t x = 4, y = -77;
    assert_int_equal(call_i64(jit, c1, &x, 1), 44);
    assert_int_equal(call_i64(jit, c2, &x, 1), 44);
    assert_int_equal(call_i64(jit, c3, &y, 1), 78);
    /* Imports can be called directly and give their address. */
    assert_ptr_equal(clif_jit_get_function(jit, by_sym), hp);
    assert_int_equal(call_i64(jit, by_res, &x, 1), 43);

    /* An import nobody provides fails finalize, naming it; the failed
     * definition stays pending and nothing else breaks. */
    clif_jit_func_id missing, c4;
    ASSERT_OK(
        clif_jit_declare_function(jit, "no_such_function_xyz", CLIF_LINKAGE_IMPORT, sig, &missing));
    ASSERT_OK(clif_jit_declare_function(jit, "c4", CLIF_LINKAGE_EXPORT, sig, &c4));
    build_caller(jit, fb, f, "c4", missing);
    ASSERT_OK(clif_jit_define_function(jit, c4, f));
    clif_error *err = clif_jit_finalize(jit);
    assert_non_null(err);
    assert_int_equal(clif_error_get_kind(err), CLIF_ERR_ARGUMENT);
    assert_non_null(strstr(clif_error_message(err), "no_such_function_xyz"));
    clif_error_free(err);
    assert_null(clif_jit_get_function(jit, c4));
    assert_int_equal(call_i64(jit, c1, &x, 1), 44);
    /* Providing it later lets the next finalize succeed. */
    ASSERT_OK(clif_jit_define_symbol(jit, "no_such_function_xyz", hp));
    ASSERT_OK(clif_jit_finalize(jit));
    assert_int_equal(call_i64(jit, c4, &x, 1), 44);
    clif_func_free(f);
    clif_fb_free(fb);
    clif_jit_free(jit);
}

/* ---- data objects ---- */

static void test_data_objects(void **state) {
    (void)state;
    clif_jit *jit = jit_new_host();
    clif_fb *fb = clif_fb_new();
    clif_func *f = clif_func_new();
    tsig s;
    clif_jit_data_id counter, table, ptrs;
    clif_jit_func_id bump, read_table, twice;
    ASSERT_OK(clif_jit_declare_data(jit, "counter", CLIF_LINKAGE_EXPORT, true, &counter));
    ASSERT_OK(clif_jit_declare_data(jit, "table", CLIF_LINKAGE_LOCAL, false, &table));
    ASSERT_OK(clif_jit_declare_data(jit, "ptrs", CLIF_LINKAGE_EXPORT, false, &ptrs));
    ASSERT_OK(clif_jit_declare_function(jit, "twice", CLIF_LINKAGE_LOCAL,
                                        tsig_make(&s, 1, CLIF_I64, 1, CLIF_I64), &twice));
    ASSERT_OK(clif_jit_declare_function(jit, "bump", CLIF_LINKAGE_EXPORT,
                                        tsig_make(&s, 1, CLIF_I64, 1, CLIF_I64), &bump));
    ASSERT_OK(clif_jit_declare_function(jit, "read_table", CLIF_LINKAGE_EXPORT,
                                        tsig_make(&s, 1, CLIF_I64, 1, CLIF_I64), &read_table));
    /* counter: 8 writable bytes, starting at 100. */
    int64_t start = 100;
    clif_data_desc dc = {(const uint8_t *)&start, 8, 8, NULL, 0};
    ASSERT_OK(clif_jit_define_data(jit, counter, &dc));
    /* table: four i64, read-only, 64-byte aligned. */
    int64_t tv[4] = {11, 22, 33, 44};
    clif_data_desc dt = {(const uint8_t *)tv, sizeof tv, 64, NULL, 0};
    ASSERT_OK(clif_jit_define_data(jit, table, &dt));
    /* ptrs: the address of `twice`, of `table` + 16, and zeros (no bytes). */
    clif_data_reloc rel[2] = {{0, true, twice, 0}, {8, false, table, 16}};
    clif_data_desc dp = {NULL, 24, 8, rel, 2};
    ASSERT_OK(clif_jit_define_data(jit, ptrs, &dp));

    /* twice(x) = 2x */
    clif_block entry = fn_begin(fb, f, "twice", tsig_make(&s, 1, CLIF_I64, 1, CLIF_I64));
    clif_value x = clif_block_param(f, entry, 0);
    clif_value r = clif_fb_binary(fb, CLIF_OP_IADD, x, x);
    clif_fb_return(fb, &r, 1);
    fn_end(fb);
    ASSERT_OK(clif_jit_define_function(jit, twice, f));

    /* bump(x): counter += x; return counter */
    entry = fn_begin(fb, f, "bump", tsig_make(&s, 1, CLIF_I64, 1, CLIF_I64));
    clif_inst_desc d;
    memset(&d, 0, sizeof d);
    d.opcode = CLIF_OP_SYMBOL_VALUE;
    d.ctrl_type = CLIF_I64;
    d.entity = clif_jit_declare_data_in_func(jit, counter, f);
    clif_value addr = clif_inst_result(f, clif_fb_ins(fb, &d), 0);
    clif_value old = clif_fb_load(fb, CLIF_OP_LOAD, CLIF_I64, 0, addr, 0);
    clif_value nv = clif_fb_binary(fb, CLIF_OP_IADD, old, clif_block_param(f, entry, 0));
    clif_fb_store(fb, CLIF_OP_STORE, 0, nv, addr, 0);
    clif_fb_return(fb, &nv, 1);
    fn_end(fb);
    ASSERT_OK(clif_jit_define_function(jit, bump, f));

    /* read_table(i) = call_indirect(ptrs[0])(ptrs[1][i]) : twice(table[2 + i]) */
    entry = fn_begin(fb, f, "read_table", tsig_make(&s, 1, CLIF_I64, 1, CLIF_I64));
    d.entity = clif_jit_declare_data_in_func(jit, ptrs, f);
    clif_value pa = clif_inst_result(f, clif_fb_ins(fb, &d), 0);
    clif_value fnp = clif_fb_load(fb, CLIF_OP_LOAD, CLIF_I64, CLIF_MEM_READONLY, pa, 0);
    clif_value tp = clif_fb_load(fb, CLIF_OP_LOAD, CLIF_I64, CLIF_MEM_READONLY, pa, 8);
    clif_value off = clif_fb_binary(fb, CLIF_OP_ISHL, clif_block_param(f, entry, 0),
                                    clif_fb_iconst(fb, CLIF_I64, 3));
    clif_value el =
        clif_fb_load(fb, CLIF_OP_LOAD, CLIF_I64, 0, clif_fb_binary(fb, CLIF_OP_IADD, tp, off), 0);
    clif_sig_ref sr = clif_import_signature(f, tsig_make(&s, 1, CLIF_I64, 1, CLIF_I64));
    clif_value res = clif_inst_result(f, clif_fb_call_indirect(fb, sr, fnp, &el, 1), 0);
    clif_fb_return(fb, &res, 1);
    fn_end(fb);
    ASSERT_OK(clif_jit_define_function(jit, read_table, f));
    ASSERT_OK(clif_jit_finalize(jit));

    int64_t five = 5, seven = 7, zero = 0, one = 1;
    assert_int_equal(call_i64(jit, bump, &five, 1), 105);
    assert_int_equal(call_i64(jit, bump, &seven, 1), 112);
    size_t size = 0;
    int64_t *cp = clif_jit_get_data(jit, counter, &size);
    assert_non_null(cp);
    assert_int_equal(size, 8);
    assert_int_equal(*cp, 112);
    assert_ptr_equal(cp, clif_jit_lookup(jit, "counter"));
    *cp = -1; /* writable data stays writable */
    assert_int_equal(call_i64(jit, bump, &one, 1), 0);
    const int64_t *tb = clif_jit_get_data(jit, table, &size);
    assert_int_equal(size, 32);
    assert_int_equal((uintptr_t)tb % 64, 0);
    assert_int_equal(tb[3], 44);
    const uint64_t *pp = clif_jit_get_data(jit, ptrs, NULL);
    assert_int_equal(pp[0], (uintptr_t)clif_jit_get_function(jit, twice));
    assert_int_equal(pp[1], (uintptr_t)tb + 16);
    assert_int_equal(pp[2], 0);
    assert_int_equal(call_i64(jit, read_table, &zero, 1), 66);
    assert_int_equal(call_i64(jit, read_table, &one, 1), 88);
    clif_func_free(f);
    clif_fb_free(fb);
    clif_jit_free(jit);
}

/* A store into read-only data traps (W^X: data pages lose write access). */
static void test_readonly_data_traps(void **state) {
    (void)state;
    clif_jit *jit = jit_new_host();
    clif_fb *fb = clif_fb_new();
    clif_func *f = clif_func_new();
    tsig s;
    clif_jit_data_id ro;
    clif_jit_func_id poke;
    ASSERT_OK(clif_jit_declare_data(jit, "ro", CLIF_LINKAGE_LOCAL, false, &ro));
    int64_t v = 5;
    clif_data_desc dd = {(const uint8_t *)&v, 8, 8, NULL, 0};
    ASSERT_OK(clif_jit_define_data(jit, ro, &dd));
    ASSERT_OK(clif_jit_declare_function(jit, "poke", CLIF_LINKAGE_LOCAL,
                                        tsig_make(&s, 1, CLIF_I64, 0, CLIF_I64), &poke));
    clif_block entry = fn_begin(fb, f, "poke", &s.sig);
    clif_inst_desc d;
    memset(&d, 0, sizeof d);
    d.opcode = CLIF_OP_SYMBOL_VALUE;
    d.ctrl_type = CLIF_I64;
    d.entity = clif_jit_declare_data_in_func(jit, ro, f);
    clif_value a = clif_inst_result(f, clif_fb_ins(fb, &d), 0);
    clif_fb_store(fb, CLIF_OP_STORE, 0, clif_block_param(f, entry, 0), a, 0);
    clif_fb_return(fb, NULL, 0);
    fn_end(fb);
    ASSERT_OK(clif_jit_define_function(jit, poke, f));
    ASSERT_OK(clif_jit_finalize(jit));
    clif_data_value arg = clif_dv_from_u64(CLIF_I64, 9);
    clif_error *err = clif_jit_call(jit, poke, &arg, 1, NULL, 0, NULL);
    assert_non_null(err);
    assert_int_equal(clif_error_trap_code(err), CLIF_TRAP_HEAP_OUT_OF_BOUNDS);
    assert_true(bt_is(err, 0, "poke"));
    clif_error_free(err);
    assert_int_equal(*(const int64_t *)clif_jit_get_data(jit, ro, NULL), 5);
    clif_func_free(f);
    clif_fb_free(fb);
    clif_jit_free(jit);
}

/* Definitions after a finalize, calling code of an earlier one. */
static void test_incremental(void **state) {
    (void)state;
    clif_jit *jit = jit_new_host();
    clif_fb *fb = clif_fb_new();
    clif_func *f = clif_func_new();
    tsig s;
    const clif_signature *sig = tsig_make(&s, 1, CLIF_I64, 1, CLIF_I64);
    clif_jit_func_id fib, g;
    ASSERT_OK(clif_jit_declare_function(jit, "fib", CLIF_LINKAGE_EXPORT, sig, &fib));
    build_fib(jit, fib, fb, f);
    ASSERT_OK(clif_jit_define_function(jit, fib, f));
    ASSERT_OK(clif_jit_finalize(jit));
    ASSERT_OK(clif_jit_declare_function(jit, "g", CLIF_LINKAGE_EXPORT, sig, &g));
    assert_null(clif_jit_get_function(jit, g));
    build_caller(jit, fb, f, "g", fib);
    ASSERT_OK(clif_jit_define_function(jit, g, f));
    ASSERT_OK(clif_jit_finalize(jit));
    ASSERT_OK(clif_jit_finalize(jit)); /* nothing new: fine */
    int64_t n = 15;
    assert_int_equal(call_i64(jit, g, &n, 1), 611);
    clif_func_free(f);
    clif_fb_free(fb);
    clif_jit_free(jit);
}

/* Functions read from CLIF text name each other as %name. */
static void test_text_names(void **state) {
    (void)state;
    static const char text[] = "function %add1(i64) -> i64 {\n"
                               "block0(v0: i64):\n"
                               "    v9 = iconst.i64 1\n"
                               "    v1 = iadd v0, v9\n"
                               "    return v1\n"
                               "}\n"
                               "function %twice_plus(i64) -> i64 {\n"
                               "    fn0 = colocated %add1(i64) -> i64\n"
                               "    fn1 = %labs(i64) -> i64\n"
                               "block0(v0: i64):\n"
                               "    v1 = call fn1(v0)\n"
                               "    v2 = call fn0(v1)\n"
                               "    v3 = iadd v2, v2\n"
                               "    return v3\n"
                               "}\n";
    clif_test_file *tf;
    ASSERT_OK(clif_parse_test_file(text, sizeof text - 1, "text", &tf));
    clif_jit *jit = jit_new_host();
    clif_jit_func_id ids[2];
    for (uint32_t i = 0; i < 2; i++) {
        clif_signature sig;
        clif_func_signature(tf->functions[i].func, &sig);
        ASSERT_OK(clif_jit_declare_function(jit, clif_func_name(tf->functions[i].func).str,
                                            CLIF_LINKAGE_EXPORT, &sig, &ids[i]));
    }
    for (uint32_t i = 0; i < 2; i++)
        ASSERT_OK(clif_jit_define_function(jit, ids[i], tf->functions[i].func));
    ASSERT_OK(clif_jit_finalize(jit));
    int64_t x = -20;
    assert_int_equal(call_i64(jit, ids[1], &x, 1), 42);
    clif_test_file_free(tf);
    clif_jit_free(jit);
}

/* ---- misuse ---- */

static void expect_err(clif_error *err, clif_error_kind kind, const char *text) {
    assert_non_null(err);
    if (clif_error_get_kind(err) != kind || !strstr(clif_error_message(err), text)) {
        show_error(err);
        fail();
    }
    clif_error_free(err);
}

static void test_errors(void **state) {
    (void)state;
    clif_jit *jit = jit_new_host();
    clif_fb *fb = clif_fb_new();
    clif_func *f = clif_func_new();
    tsig s, s2;
    const clif_signature *sig = tsig_make(&s, 1, CLIF_I64, 1, CLIF_I64);
    clif_jit_func_id imp, fn, other;
    clif_jit_data_id dat;
    ASSERT_OK(clif_jit_declare_function(jit, "imp", CLIF_LINKAGE_IMPORT, sig, &imp));
    ASSERT_OK(clif_jit_declare_function(jit, "fn", CLIF_LINKAGE_LOCAL, sig, &fn));
    ASSERT_OK(clif_jit_declare_data(jit, "dat", CLIF_LINKAGE_LOCAL, true, &dat));
    /* Declarations that disagree. */
    expect_err(clif_jit_declare_function(jit, "fn", CLIF_LINKAGE_LOCAL,
                                         tsig_make(&s2, 2, CLIF_I64, 1, CLIF_I64), &other),
               CLIF_ERR_ARGUMENT, "another signature");
    expect_err(clif_jit_declare_data(jit, "fn", CLIF_LINKAGE_LOCAL, true, &dat), CLIF_ERR_ARGUMENT,
               "function");
    expect_err(clif_jit_declare_function(jit, "dat", CLIF_LINKAGE_LOCAL, sig, &other),
               CLIF_ERR_ARGUMENT, "data");
    expect_err(clif_jit_declare_data(jit, "dat", CLIF_LINKAGE_LOCAL, false, &dat),
               CLIF_ERR_ARGUMENT, "writability");
    /* Agreeing ones merge: the same id, export wins. */
    ASSERT_OK(clif_jit_declare_function(jit, "fn", CLIF_LINKAGE_EXPORT, sig, &other));
    assert_int_equal(other, fn);
    bool is_func = false;
    uint32_t id = 99;
    assert_true(clif_jit_find(jit, "dat", &is_func, &id));
    assert_false(is_func);
    assert_int_equal(id, dat);
    assert_false(clif_jit_find(jit, "nope", NULL, NULL));

    build_caller(jit, fb, f, "imp", fn);
    expect_err(clif_jit_define_function(jit, imp, f), CLIF_ERR_ARGUMENT, "imported");
    expect_err(clif_jit_define_function(jit, 77, f), CLIF_ERR_ARGUMENT, "not declared");
    /* A signature other than the declaration's. */
    tsig s3;
    clif_block entry = fn_begin(fb, f, "fn", tsig_make(&s3, 2, CLIF_I64, 1, CLIF_I64));
    clif_value v = clif_block_param(f, entry, 0);
    clif_fb_return(fb, &v, 1);
    fn_end(fb);
    expect_err(clif_jit_define_function(jit, fn, f), CLIF_ERR_ARGUMENT, "signature");
    /* A verifier error: a return of the wrong type, with its location. */
    entry = fn_begin(fb, f, "fn", sig);
    clif_func_clear(f);
    clif_func_set_signature(f, sig);
    clif_block b = clif_create_block(f);
    clif_append_block_param(f, b, CLIF_I64);
    clif_append_block(f, b);
    clif_value k = clif_ins_iconst(f, b, CLIF_I32, 1);
    clif_ins_return(f, b, &k, 1);
    clif_error *err = clif_jit_define_function(jit, fn, f);
    assert_non_null(err);
    assert_int_equal(clif_error_get_kind(err), CLIF_ERR_VERIFY);
    assert_true(clif_error_context_count(err) >= 1);
    clif_error_free(err);
    clif_fb_finalize(fb); /* drop the builder's unfinished function */
    /* A reference to an undeclared user name. */
    clif_func_clear(f);
    clif_func_set_signature(f, sig);
    b = clif_create_block(f);
    v = clif_append_block_param(f, b, CLIF_I64);
    clif_append_block(f, b);
    clif_ext_name bad = {CLIF_NAME_USER, CLIF_JIT_FUNC_NAMESPACE, 1234, NULL};
    clif_func_ref fr = clif_import_function(f, &bad, clif_import_signature(f, sig), false);
    clif_value r = clif_inst_result(f, clif_ins_call(f, b, fr, &v, 1), 0);
    clif_ins_return(f, b, &r, 1);
    expect_err(clif_jit_define_function(jit, fn, f), CLIF_ERR_ARGUMENT, "u0:1234");
    /* A declared function nobody defines, referenced from code. */
    clif_jit_func_id caller;
    ASSERT_OK(clif_jit_declare_function(jit, "caller", CLIF_LINKAGE_LOCAL, sig, &caller));
    build_caller(jit, fb, f, "caller", fn);
    ASSERT_OK(clif_jit_define_function(jit, caller, f));
    expect_err(clif_jit_define_function(jit, caller, f), CLIF_ERR_ARGUMENT, "already defined");
    expect_err(clif_jit_finalize(jit), CLIF_ERR_ARGUMENT, "not defined");
    /* Now define it; finalize succeeds. */
    build_caller(jit, fb, f, "fn", imp);
    ASSERT_OK(clif_jit_define_function(jit, fn, f));
    expect_err(clif_jit_finalize(jit), CLIF_ERR_ARGUMENT, "imp");
    int64_t (*hs)(int64_t) = host_scale;
    void *hp;
    memcpy(&hp, &hs, sizeof hp);
    ASSERT_OK(clif_jit_define_symbol(jit, "imp", hp));
    ASSERT_OK(clif_jit_finalize(jit));
    int64_t two = 2;
    assert_int_equal(call_i64(jit, caller, &two, 1), 25);
    /* Bad calls. */
    clif_data_value a[2] = {clif_dv_from_u64(CLIF_I32, 1), clif_dv_from_u64(CLIF_I64, 1)};
    clif_data_value res[1];
    uint32_t nr;
    expect_err(clif_jit_call(jit, caller, a, 1, res, 1, &nr), CLIF_ERR_ARGUMENT, "wrong type");
    expect_err(clif_jit_call(jit, caller, a, 2, res, 1, &nr), CLIF_ERR_ARGUMENT, "arguments");
    expect_err(clif_jit_call(jit, caller, a + 1, 1, res, 0, &nr), CLIF_ERR_ARGUMENT, "results");
    expect_err(clif_jit_call(jit, 999, a, 1, res, 1, &nr), CLIF_ERR_ARGUMENT, "not declared");
    /* Data definitions. */
    clif_data_desc dd = {NULL, 16, 3, NULL, 0};
    expect_err(clif_jit_define_data(jit, dat, &dd), CLIF_ERR_ARGUMENT, "alignment");
    clif_data_reloc rel = {12, false, dat, 0};
    clif_data_desc dr = {NULL, 16, 8, &rel, 1};
    expect_err(clif_jit_define_data(jit, dat, &dr), CLIF_ERR_ARGUMENT, "beyond");
    rel = (clif_data_reloc){0, true, 500, 0};
    expect_err(clif_jit_define_data(jit, dat, &dr), CLIF_ERR_ARGUMENT, "undeclared");
    assert_int_equal(clif_jit_declare_func_in_func(jit, 999, f), CLIF_NONE);
    assert_int_equal(clif_jit_declare_data_in_func(jit, 999, f), CLIF_NONE);
    clif_func_free(f);
    clif_fb_free(fb);
    clif_jit_free(jit);
}

typedef struct flush_log {
    int calls;
    uintptr_t lo, hi;
} flush_log;

static void on_flush(void *user, void *addr, size_t size) {
    flush_log *l = user;
    l->calls++;
    l->lo = (uintptr_t)addr;
    l->hi = (uintptr_t)addr + size;
}

/* The icache hook sees every piece of new code; imported data resolves
 * through dlsym. */
static void test_icache_hook_and_data_import(void **state) {
    (void)state;
    clif_isa *isa;
    ASSERT_OK(clif_isa_host(&isa));
    flush_log log = {0, 0, 0};
    clif_jit_options opts;
    memset(&opts, 0, sizeof opts);
    opts.icache_flush = on_flush;
    opts.icache_user = &log;
    clif_jit *jit;
    ASSERT_OK(clif_jit_new(isa, &opts, &jit));
    clif_isa_free(isa);
    clif_fb *fb = clif_fb_new();
    clif_func *f = clif_func_new();
    tsig s;
    clif_jit_func_id fib;
    ASSERT_OK(clif_jit_declare_function(jit, "fib", CLIF_LINKAGE_EXPORT,
                                        tsig_make(&s, 1, CLIF_I64, 1, CLIF_I64), &fib));
    build_fib(jit, fib, fb, f);
    ASSERT_OK(clif_jit_define_function(jit, fib, f));
    clif_jit_data_id env;
    ASSERT_OK(clif_jit_declare_data(jit, "environ", CLIF_LINKAGE_IMPORT, true, &env));
    ASSERT_OK(clif_jit_finalize(jit));
    assert_int_equal(log.calls, 1);
    uintptr_t code = (uintptr_t)clif_jit_get_function(jit, fib);
    assert_true(code >= log.lo && code < log.hi);
    extern char **environ;
    assert_ptr_equal(clif_jit_get_data(jit, env, NULL), (void *)&environ);
    /* Nothing new: no flush. */
    ASSERT_OK(clif_jit_finalize(jit));
    assert_int_equal(log.calls, 1);
    clif_func_free(f);
    clif_fb_free(fb);
    clif_jit_free(jit);
}

static void test_new_errors(void **state) {
    (void)state;
    clif_jit *jit = NULL;
    expect_err(clif_jit_new(NULL, NULL, &jit), CLIF_ERR_ARGUMENT, "ISA");
    clif_isa *isa;
    ASSERT_OK(clif_isa_lookup("aarch64", &isa));
    expect_err(clif_jit_new(isa, NULL, &jit), CLIF_ERR_UNSUPPORTED, "cannot run");
    clif_isa_free(isa);
    assert_null(jit);
    /* The JIT's ISA has the settings it needs. */
    jit = jit_new_host();
    char buf[16];
    assert_string_equal(clif_isa_get(clif_jit_isa(jit), "enable_probestack", buf, sizeof buf),
                        "true");
    assert_string_equal(clif_isa_get(clif_jit_isa(jit), "preserve_frame_pointers", buf, sizeof buf),
                        "true");
    clif_jit_free(jit);
    clif_jit_free(NULL);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fib_recursion),
        cmocka_unit_test(test_invoke_typed),
        cmocka_unit_test(test_ssa_loops_branches),
        cmocka_unit_test(test_mutual_recursion),
        cmocka_unit_test(test_host_calls),
        cmocka_unit_test(test_data_objects),
        cmocka_unit_test(test_readonly_data_traps),
        cmocka_unit_test(test_incremental),
        cmocka_unit_test(test_text_names),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_new_errors),
        cmocka_unit_test(test_icache_hook_and_data_import),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
