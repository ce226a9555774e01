/* Unit tests of the JIT's trap and error model (Wasmtime's): every trap
 * code from a real fault in generated code (division by zero, a load from a
 * guard page, unreachable, integer overflow, a bad conversion, stack
 * overflow by deep recursion), each with a backtrace naming the right
 * functions; host errors with the embedder's payload coming back unchanged
 * (same pointer, tag, destructor run once); faults outside generated code
 * going to the previous handler; calls from several threads; and no signal
 * handler left behind once the last JIT is freed. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "jit_util.h"

/* ---- a small module of trapping functions ---- */

typedef struct fixture {
    clif_jit *jit;
    clif_fb *fb;
    clif_func *f;
} fixture;

static clif_jit_func_id declare(fixture *fx, const char *name, const clif_signature *sig) {
    clif_jit_func_id id;
    ASSERT_OK(clif_jit_declare_function(fx->jit, name, CLIF_LINKAGE_EXPORT, sig, &id));
    return id;
}

static void define(fixture *fx, clif_jit_func_id id) {
    ASSERT_OK(clif_fb_finalize(fx->fb));
    ASSERT_OK(clif_jit_define_function(fx->jit, id, fx->f));
}

/* name(a, b) = op(a, b) on i64 (or a trapping op with `code`). */
static clif_jit_func_id def_binary(fixture *fx, const char *name, clif_opcode op,
                                   clif_trap_code code) {
    tsig s;
    const clif_signature *sig = tsig_make(&s, 2, CLIF_I64, 1, CLIF_I64);
    clif_jit_func_id id = declare(fx, name, sig);
    clif_block e = fn_begin(fx->fb, fx->f, name, sig);
    clif_value args[2] = {clif_block_param(fx->f, e, 0), clif_block_param(fx->f, e, 1)};
    clif_value r;
    if (code) {
        clif_inst_desc d;
        memset(&d, 0, sizeof d);
        d.opcode = op;
        d.trap = code;
        d.args = args;
        d.nargs = 2;
        r = clif_inst_result(fx->f, clif_fb_ins(fx->fb, &d), 0);
    } else {
        r = clif_fb_binary(fx->fb, op, args[0], args[1]);
    }
    clif_fb_return(fx->fb, &r, 1);
    define(fx, id);
    return id;
}

/* name(args...) = callee(args...) + 1, with `nargs` i64 arguments. */
static clif_jit_func_id def_wrapper(fixture *fx, const char *name, clif_jit_func_id callee,
                                    uint32_t nargs) {
    tsig s;
    const clif_signature *sig = tsig_make(&s, nargs, CLIF_I64, 1, CLIF_I64);
    clif_jit_func_id id = declare(fx, name, sig);
    clif_block e = fn_begin(fx->fb, fx->f, name, sig);
    clif_func_ref fr = clif_jit_declare_func_in_func(fx->jit, callee, fx->f);
    clif_value args[4];
    for (uint32_t i = 0; i < nargs; i++)
        args[i] = clif_block_param(fx->f, e, i);
    clif_value r = clif_inst_result(fx->f, clif_fb_call(fx->fb, fr, args, nargs), 0);
    r = clif_fb_binary(fx->fb, CLIF_OP_IADD, r, clif_fb_iconst(fx->fb, CLIF_I64, 1));
    clif_fb_return(fx->fb, &r, 1);
    define(fx, id);
    return id;
}

static void fx_init(fixture *fx) {
    fx->jit = jit_new_host();
    fx->fb = clif_fb_new();
    fx->f = clif_func_new();
}

static void fx_free(fixture *fx) {
    clif_func_free(fx->f);
    clif_fb_free(fx->fb);
    clif_jit_free(fx->jit);
}

/* Calls id with i64 arguments and expects the trap `code`, with a
 * backtrace starting with the functions of `frames` (NULL-terminated). */
static void expect_trap(clif_jit *jit, clif_jit_func_id id, const int64_t *args, uint32_t n,
                        clif_trap_code code, const char *const *frames) {
    clif_data_value a[4], r[2];
    for (uint32_t i = 0; i < n; i++)
        a[i] = clif_dv_from_u64(CLIF_I64, (uint64_t)args[i]);
    uint32_t nr = 0;
    clif_error *err = clif_jit_call(jit, id, a, n, r, 2, &nr);
    assert_non_null(err);
    if (clif_error_trap_code(err) != code) show_error(err);
    assert_int_equal(clif_error_get_kind(err), CLIF_ERR_TRAP);
    assert_int_equal(clif_error_trap_code(err), code);
    assert_null(clif_error_payload(err));
    uint32_t k = 0;
    for (; frames[k]; k++) {
        if (!bt_is(err, k, frames[k])) {
            show_error(err);
            fail_msg("frame %u is not %s", k, frames[k]);
        }
    }
    assert_int_equal(clif_error_backtrace_count(err), k);
    /* The backtrace is context too. */
    assert_true(clif_error_context_count(err) >= 1);
    assert_non_null(
        strstr(clif_error_context_at(err, clif_error_context_count(err) - 1), "backtrace:"));
    clif_error_free(err);
    /* The signal the trap raised is not left blocked. */
    sigset_t mask;
    assert_int_equal(pthread_sigmask(SIG_BLOCK, NULL, &mask), 0);
    assert_false(sigismember(&mask, SIGILL));
    assert_false(sigismember(&mask, SIGSEGV));
    assert_false(sigismember(&mask, SIGFPE));
    assert_false(sigismember(&mask, SIGBUS));
}

/* ---- each trap code from a real fault ---- */

static void test_divide_by_zero(void **state) {
    (void)state;
    fixture fx;
    fx_init(&fx);
    clif_jit_func_id div = def_binary(&fx, "divide", CLIF_OP_SDIV, 0);
    clif_jit_func_id udiv = def_binary(&fx, "udivide", CLIF_OP_UREM, 0);
    clif_jit_func_id outer = def_wrapper(&fx, "outer", div, 2);
    clif_jit_func_id outer2 = def_wrapper(&fx, "outer2", outer, 2);
    ASSERT_OK(clif_jit_finalize(fx.jit));
    int64_t ok[2] = {84, 2}, zero[2] = {1, 0};
    assert_int_equal(call_i64(fx.jit, outer2, ok, 2), 44);
    expect_trap(fx.jit, div, zero, 2, CLIF_TRAP_INTEGER_DIVISION_BY_ZERO,
                (const char *[]){"divide", NULL});
    expect_trap(fx.jit, udiv, zero, 2, CLIF_TRAP_INTEGER_DIVISION_BY_ZERO,
                (const char *[]){"udivide", NULL});
    expect_trap(fx.jit, outer2, zero, 2, CLIF_TRAP_INTEGER_DIVISION_BY_ZERO,
                (const char *[]){"divide", "outer", "outer2", NULL});
    /* The JIT works on after a trap. */
    assert_int_equal(call_i64(fx.jit, outer2, ok, 2), 44);
    fx_free(&fx);
}

static void test_integer_overflow(void **state) {
    (void)state;
    fixture fx;
    fx_init(&fx);
    clif_jit_func_id div = def_binary(&fx, "sdiv", CLIF_OP_SDIV, 0);
    clif_jit_func_id add =
        def_binary(&fx, "add_trap", CLIF_OP_UADD_OVERFLOW_TRAP, CLIF_TRAP_INTEGER_OVERFLOW);
    clif_jit_func_id add_user = def_binary(&fx, "add_user", CLIF_OP_UADD_OVERFLOW_TRAP, 42);
    clif_jit_func_id outer = def_wrapper(&fx, "outer", add, 2);
    ASSERT_OK(clif_jit_finalize(fx.jit));
    int64_t min_m1[2] = {INT64_MIN, -1}, big[2] = {-1, 1}, small[2] = {40, 2};
    expect_trap(fx.jit, div, min_m1, 2, CLIF_TRAP_INTEGER_OVERFLOW, (const char *[]){"sdiv", NULL});
    expect_trap(fx.jit, outer, big, 2, CLIF_TRAP_INTEGER_OVERFLOW,
                (const char *[]){"add_trap", "outer", NULL});
    expect_trap(fx.jit, add_user, big, 2, 42, (const char *[]){"add_user", NULL});
    assert_int_equal(call_i64(fx.jit, outer, small, 2), 43);
    fx_free(&fx);
}

/* A load from a PROT_NONE page: heap_oob (the default trap code of a
 * trapping memory access), or the code the flags name. */
static void test_guard_page(void **state) {
    (void)state;
    fixture fx;
    fx_init(&fx);
    tsig s;
    const clif_signature *sig = tsig_make(&s, 1, CLIF_I64, 1, CLIF_I64);
    clif_jit_func_id ld = declare(&fx, "load", sig);
    clif_block e = fn_begin(fx.fb, fx.f, "load", sig);
    clif_value v = clif_fb_load(fx.fb, CLIF_OP_LOAD, CLIF_I64, 0, clif_block_param(fx.f, e, 0), 8);
    clif_fb_return(fx.fb, &v, 1);
    define(&fx, ld);
    clif_jit_func_id ld7 = declare(&fx, "load_user7", sig);
    e = fn_begin(fx.fb, fx.f, "load_user7", sig);
    v = clif_fb_load(fx.fb, CLIF_OP_ULOAD8, CLIF_I64, (clif_memflags)7 << 8,
                     clif_block_param(fx.f, e, 0), 0);
    clif_fb_return(fx.fb, &v, 1);
    define(&fx, ld7);
    clif_jit_func_id outer = def_wrapper(&fx, "outer", ld, 1);
    ASSERT_OK(clif_jit_finalize(fx.jit));

    uint8_t *page = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert_true(page != MAP_FAILED);
    int64_t word = 1234;
    memcpy(page + 8, &word, 8);
    assert_int_equal(mprotect(page + 4096, 4096, PROT_NONE), 0);
    int64_t good = (int64_t)(uintptr_t)page, guard = (int64_t)(uintptr_t)(page + 4096);
    assert_int_equal(call_i64(fx.jit, outer, &good, 1), 1235);
    expect_trap(fx.jit, outer, &guard, 1, CLIF_TRAP_HEAP_OUT_OF_BOUNDS,
                (const char *[]){"load", "outer", NULL});
    expect_trap(fx.jit, ld7, &guard, 1, 7, (const char *[]){"load_user7", NULL});
    munmap(page, 8192);
    fx_free(&fx);
}

/* A fault at an access marked notrap has no trap code: an error naming the
 * signal and the place, not a trap. */
static void test_fault_without_trap_code(void **state) {
    (void)state;
    fixture fx;
    fx_init(&fx);
    tsig s;
    const clif_signature *sig = tsig_make(&s, 1, CLIF_I64, 1, CLIF_I64);
    clif_jit_func_id ld = declare(&fx, "notrap_load", sig);
    clif_block e = fn_begin(fx.fb, fx.f, "notrap_load", sig);
    clif_value v = clif_fb_load(fx.fb, CLIF_OP_LOAD, CLIF_I64, CLIF_MEM_NOTRAP,
                                clif_block_param(fx.f, e, 0), 0);
    clif_fb_return(fx.fb, &v, 1);
    define(&fx, ld);
    ASSERT_OK(clif_jit_finalize(fx.jit));
    uint8_t *page = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert_true(page != MAP_FAILED);
    clif_data_value a = clif_dv_from_u64(CLIF_I64, (uintptr_t)page), r;
    uint32_t nr;
    clif_error *err = clif_jit_call(fx.jit, ld, &a, 1, &r, 1, &nr);
    assert_non_null(err);
    assert_int_equal(clif_error_get_kind(err), CLIF_ERR_HOST);
    assert_int_equal(clif_error_trap_code(err), CLIF_TRAP_NONE);
    assert_non_null(strstr(clif_error_message(err), "SIGSEGV"));
    assert_non_null(strstr(clif_error_message(err), "notrap_load+0x"));
    assert_true(bt_is(err, 0, "notrap_load"));
    clif_error_free(err);
    munmap(page, 4096);
    fx_free(&fx);
}

static void test_unreachable(void **state) {
    (void)state;
    fixture fx;
    fx_init(&fx);
    tsig s;
    const clif_signature *sig = tsig_make(&s, 1, CLIF_I64, 1, CLIF_I64);
    clif_jit_func_id un = declare(&fx, "unreachable", sig);
    clif_block e = fn_begin(fx.fb, fx.f, "unreachable", sig);
    (void)e;
    clif_fb_trap(fx.fb, 1); /* user1, Wasmtime's `unreachable` */
    define(&fx, un);
    clif_jit_func_id outer = def_wrapper(&fx, "outer", un, 1);
    ASSERT_OK(clif_jit_finalize(fx.jit));
    int64_t x = 0;
    expect_trap(fx.jit, outer, &x, 1, 1, (const char *[]){"unreachable", "outer", NULL});
    fx_free(&fx);
}

static void test_bad_conversion(void **state) {
    (void)state;
    fixture fx;
    fx_init(&fx);
    tsig s;
    const clif_signature *sig = tsig_make(&s, 1, CLIF_F64, 1, CLIF_I64);
    clif_jit_func_id cvt = declare(&fx, "to_int", sig);
    clif_block e = fn_begin(fx.fb, fx.f, "to_int", sig);
    clif_value v =
        clif_fb_unary(fx.fb, CLIF_OP_FCVT_TO_SINT, CLIF_I64, clif_block_param(fx.f, e, 0));
    clif_fb_return(fx.fb, &v, 1);
    define(&fx, cvt);
    ASSERT_OK(clif_jit_finalize(fx.jit));
    double xs[3] = {NAN, 1e30, -7.9};
    for (int i = 0; i < 3; i++) {
        uint64_t bits;
        memcpy(&bits, &xs[i], 8);
        clif_data_value a = clif_dv_from_u64(CLIF_F64, bits), r;
        uint32_t nr;
        clif_error *err = clif_jit_call(fx.jit, cvt, &a, 1, &r, 1, &nr);
        if (i == 2) {
            assert_null(err);
            assert_int_equal((int64_t)clif_dv_to_u64(&r), -7);
            continue;
        }
        assert_non_null(err);
        assert_int_equal(clif_error_trap_code(err),
                         i == 0 ? CLIF_TRAP_BAD_CONVERSION_TO_INTEGER : CLIF_TRAP_INTEGER_OVERFLOW);
        assert_true(bt_is(err, 0, "to_int"));
        clif_error_free(err);
    }
    fx_free(&fx);
}

/* rec(n) = rec(n + 1) + 1, forever (with a stack slot of `slot` bytes
 * touched in each frame); start(n) = rec(n) + 1. */
static void def_recursion(fixture *fx, uint32_t slot, clif_jit_func_id *start) {
    tsig s;
    const clif_signature *sig = tsig_make(&s, 1, CLIF_I64, 1, CLIF_I64);
    clif_jit_func_id rec = declare(fx, "rec", sig);
    clif_block e = fn_begin(fx->fb, fx->f, "rec", sig);
    clif_func_ref self = clif_jit_declare_func_in_func(fx->jit, rec, fx->f);
    clif_value n = clif_block_param(fx->f, e, 0);
    if (slot) {
        clif_stack_slot ss = clif_create_stack_slot(fx->f, slot, 3);
        clif_value a = clif_fb_stack_addr(fx->fb, CLIF_I64, ss, 0);
        clif_fb_store(fx->fb, CLIF_OP_STORE, 0, n, a, 0);
    }
    clif_value m = clif_fb_binary(fx->fb, CLIF_OP_IADD, n, clif_fb_iconst(fx->fb, CLIF_I64, 1));
    clif_value r = clif_inst_result(fx->f, clif_fb_call(fx->fb, self, &m, 1), 0);
    r = clif_fb_binary(fx->fb, CLIF_OP_IADD, r, clif_fb_iconst(fx->fb, CLIF_I64, 1));
    clif_fb_return(fx->fb, &r, 1);
    define(fx, rec);
    *start = def_wrapper(fx, "start", rec, 1);
}

static void expect_stack_overflow(clif_jit *jit, clif_jit_func_id start) {
    clif_data_value a = clif_dv_from_u64(CLIF_I64, 0), r;
    uint32_t nr;
    clif_error *err = clif_jit_call(jit, start, &a, 1, &r, 1, &nr);
    assert_non_null(err);
    if (clif_error_trap_code(err) != CLIF_TRAP_STACK_OVERFLOW) show_error(err);
    assert_int_equal(clif_error_trap_code(err), CLIF_TRAP_STACK_OVERFLOW);
    /* The innermost frames are all `rec`; `start` is far out, left out. */
    assert_int_equal(clif_error_backtrace_count(err), 64);
    for (uint32_t i = 0; i < 64; i++)
        assert_true(bt_is(err, i, "rec"));
    assert_true(clif_error_backtrace_omitted(err) > 100);
    clif_error_free(err);
}

static void test_stack_overflow(void **state) {
    (void)state;
    fixture fx;
    fx_init(&fx);
    clif_jit_func_id start;
    def_recursion(&fx, 0, &start);
    ASSERT_OK(clif_jit_finalize(fx.jit));
    expect_stack_overflow(fx.jit, start);
    /* Again: the alternate stack and the handler are still fine. */
    expect_stack_overflow(fx.jit, start);
    fx_free(&fx);
}

/* Frames bigger than a page: the prologue probes each page, so the guard
 * page is hit in order, never skipped. */
static void test_stack_overflow_big_frames(void **state) {
    (void)state;
    fixture fx;
    fx_init(&fx);
    clif_jit_func_id start;
    def_recursion(&fx, 40000, &start);
    ASSERT_OK(clif_jit_finalize(fx.jit));
    expect_stack_overflow(fx.jit, start);
    fx_free(&fx);
}

/* On a thread with a small stack of its own (options.stack_size). */
static void test_stack_overflow_thread(void **state) {
    (void)state;
    clif_isa *isa;
    ASSERT_OK(clif_isa_host(&isa));
    clif_jit_options opts;
    memset(&opts, 0, sizeof opts);
    opts.stack_size = 256 << 10;
    fixture fx;
    ASSERT_OK(clif_jit_new(isa, &opts, &fx.jit));
    clif_isa_free(isa);
    fx.fb = clif_fb_new();
    fx.f = clif_func_new();
    clif_jit_func_id start;
    def_recursion(&fx, 0, &start);
    ASSERT_OK(clif_jit_finalize(fx.jit));
    expect_stack_overflow(fx.jit, start);
    fx_free(&fx);
}

/* ---- host errors ---- */

static const char my_tag = 0; /* the embedder's payload type */
static const char other_tag = 0;

typedef struct my_payload {
    int code;
    int *destroyed;
} my_payload;

static void my_dtor(void *p) {
    my_payload *mp = p;
    ++*mp->destroyed;
    free(mp);
}

static int destroyed;
static clif_error *raised;

/* host_check(x) = x >= 0 ? x * 2 : raise(payload{x}) */
static int64_t host_check(int64_t x) {
    if (x >= 0) return 2 * x;
    my_payload *p = malloc(sizeof *p);
    p->code = (int)x;
    p->destroyed = &destroyed;
    /* A local array: under AddressSanitizer this frame has red zones, which
     * the search for the generated frames must read without complaint. */
    char text[64];
    snprintf(text, sizeof text, "negative input %lld", (long long)x);
    raised = clif_error_host(p, &my_tag, my_dtor, "%s", text);
    clif_jit_raise(raised);
}

static void *fn_addr(int64_t (*fn)(int64_t)) {
    void *p;
    memcpy(&p, &fn, sizeof p);
    return p;
}

typedef struct host_fx {
    fixture fx;
    clif_jit_func_id host, check, outer;
} host_fx;

static void host_fx_init(host_fx *h) {
    fx_init(&h->fx);
    tsig s;
    h->host = 0;
    ASSERT_OK(clif_jit_declare_function(h->fx.jit, "host_check", CLIF_LINKAGE_IMPORT,
                                        tsig_make(&s, 1, CLIF_I64, 1, CLIF_I64), &h->host));
    ASSERT_OK(clif_jit_define_symbol(h->fx.jit, "host_check", fn_addr(host_check)));
    h->check = def_wrapper(&h->fx, "check", h->host, 1);
    h->outer = def_wrapper(&h->fx, "outer", h->check, 1);
    ASSERT_OK(clif_jit_finalize(h->fx.jit));
}

static void test_host_error_payload(void **state) {
    (void)state;
    host_fx h;
    host_fx_init(&h);
    int64_t x = 20;
    assert_int_equal(call_i64(h.fx.jit, h.outer, &x, 1), 42);
    destroyed = 0;
    clif_data_value a = clif_dv_from_u64(CLIF_I64, (uint64_t)-5), r;
    uint32_t nr = 99;
    clif_error *err = clif_jit_call(h.fx.jit, h.outer, &a, 1, &r, 1, &nr);
    /* The very error the host raised: same object, payload, tag. */
    assert_ptr_equal(err, raised);
    assert_int_equal(nr, 0);
    assert_int_equal(clif_error_get_kind(err), CLIF_ERR_HOST);
    assert_int_equal(clif_error_trap_code(err), CLIF_TRAP_NONE);
    assert_string_equal(clif_error_message(err), "negative input -5");
    assert_ptr_equal(clif_error_payload_type(err), &my_tag);
    my_payload *p = clif_error_payload_as(err, &my_tag);
    assert_non_null(p);
    assert_ptr_equal(p, clif_error_payload(err));
    assert_int_equal(p->code, -5);
    assert_null(clif_error_payload_as(err, &other_tag));
    /* The generated frames under the host function, as context. */
    assert_int_equal(clif_error_backtrace_count(err), 2);
    assert_true(bt_is(err, 0, "check"));
    assert_true(bt_is(err, 1, "outer"));
    assert_non_null(strstr(clif_error_context_at(err, 0), "backtrace:"));
    assert_int_equal(destroyed, 0);
    clif_error_free(err);
    assert_int_equal(destroyed, 1);
    /* Taking the payload out: the error no longer destroys it. */
    err = clif_jit_call(h.fx.jit, h.check, &a, 1, &r, 1, &nr);
    assert_ptr_equal(err, raised);
    assert_true(bt_is(err, 0, "check"));
    assert_int_equal(clif_error_backtrace_count(err), 1);
    p = clif_error_take_payload(err);
    assert_null(clif_error_payload(err));
    clif_error_free(err);
    assert_int_equal(destroyed, 1);
    my_dtor(p);
    assert_int_equal(destroyed, 2);
    /* The JIT still works. */
    assert_int_equal(call_i64(h.fx.jit, h.outer, &x, 1), 42);
    fx_free(&h.fx);
}

typedef struct typed_job {
    void *fn;
    int64_t arg, result;
    int after; /* set when the code after the call ran */
} typed_job;

static void run_typed(void *user) {
    typed_job *j = user;
    int64_t (*fn)(int64_t);
    memcpy(&fn, &j->fn, sizeof fn);
    j->result = fn(j->arg);
    j->after = 1;
}

typedef struct div_job {
    void *fn;
    int64_t a, b, result;
    int after;
} div_job;

static void run_div(void *user) {
    div_job *j = user;
    int64_t (*fn)(int64_t, int64_t);
    memcpy(&fn, &j->fn, sizeof fn);
    j->result = fn(j->a, j->b);
    j->after = 1;
}

/* The same through typed pointers under clif_jit_invoke. */
static void test_host_error_invoke(void **state) {
    (void)state;
    host_fx h;
    host_fx_init(&h);
    destroyed = 0;
    typed_job job = {clif_jit_get_function(h.fx.jit, h.outer), 4, 0, 0};
    ASSERT_OK(clif_jit_invoke(h.fx.jit, run_typed, &job));
    assert_int_equal(job.result, 10);
    assert_int_equal(job.after, 1);
    job = (typed_job){clif_jit_get_function(h.fx.jit, h.outer), -9, 0, 0};
    clif_error *err = clif_jit_invoke(h.fx.jit, run_typed, &job);
    assert_ptr_equal(err, raised);
    assert_int_equal(job.after, 0);
    assert_int_equal(((my_payload *)clif_error_payload_as(err, &my_tag))->code, -9);
    assert_int_equal(clif_error_backtrace_count(err), 2);
    assert_true(bt_is(err, 0, "check"));
    assert_true(bt_is(err, 1, "outer"));
    clif_error_free(err);
    assert_int_equal(destroyed, 1);
    /* A trap under invoke: the body is abandoned at the call. */
    clif_jit_func_id div = def_binary(&h.fx, "divide", CLIF_OP_UDIV, 0);
    ASSERT_OK(clif_jit_finalize(h.fx.jit));
    div_job dj = {clif_jit_get_function(h.fx.jit, div), 9, 3, 0, 0};
    ASSERT_OK(clif_jit_invoke(h.fx.jit, run_div, &dj));
    assert_int_equal(dj.result, 3);
    assert_int_equal(dj.after, 1);
    dj = (div_job){clif_jit_get_function(h.fx.jit, div), 9, 0, 0, 0};
    err = clif_jit_invoke(h.fx.jit, run_div, &dj);
    assert_non_null(err);
    assert_int_equal(clif_error_trap_code(err), CLIF_TRAP_INTEGER_DIVISION_BY_ZERO);
    assert_int_equal(clif_error_backtrace_count(err), 1);
    assert_true(bt_is(err, 0, "divide"));
    assert_int_equal(dj.after, 0);
    clif_error_free(err);
    fx_free(&h.fx);
    assert_false(clif_jit_in_call());
}

/* A host function calls back into generated code, which traps; it raises
 * the trap error on: the outer caller gets it with the trap code. */
static clif_jit *nested_jit;
static clif_jit_func_id nested_div;

static int64_t host_nested(int64_t x) {
    assert_true(clif_jit_in_call());
    clif_data_value a[2] = {clif_dv_from_u64(CLIF_I64, 100),
                            clif_dv_from_u64(CLIF_I64, (uint64_t)x)};
    clif_data_value r;
    uint32_t nr;
    clif_error *err = clif_jit_call(nested_jit, nested_div, a, 2, &r, 1, &nr);
    if (err) clif_jit_raise(clif_error_context(err, "in host_nested"));
    return (int64_t)clif_dv_to_u64(&r);
}

static void test_nested_calls(void **state) {
    (void)state;
    fixture fx;
    fx_init(&fx);
    nested_jit = fx.jit;
    nested_div = def_binary(&fx, "divide", CLIF_OP_SDIV, 0);
    tsig s;
    clif_jit_func_id host;
    ASSERT_OK(clif_jit_declare_function(fx.jit, "host_nested", CLIF_LINKAGE_IMPORT,
                                        tsig_make(&s, 1, CLIF_I64, 1, CLIF_I64), &host));
    ASSERT_OK(clif_jit_define_symbol(fx.jit, "host_nested", fn_addr(host_nested)));
    clif_jit_func_id outer = def_wrapper(&fx, "outer", host, 1);
    ASSERT_OK(clif_jit_finalize(fx.jit));
    int64_t x = 5;
    assert_int_equal(call_i64(fx.jit, outer, &x, 1), 21);
    x = 0;
    clif_data_value a = clif_dv_from_u64(CLIF_I64, 0), r;
    uint32_t nr;
    clif_error *err = clif_jit_call(fx.jit, outer, &a, 1, &r, 1, &nr);
    assert_non_null(err);
    assert_int_equal(clif_error_trap_code(err), CLIF_TRAP_INTEGER_DIVISION_BY_ZERO);
    /* The outer call's backtrace replaced the inner one. */
    assert_int_equal(clif_error_backtrace_count(err), 1);
    assert_true(bt_is(err, 0, "outer"));
    clif_error_free(err);
    assert_false(clif_jit_in_call());
    fx_free(&fx);
}

/* ---- the signal handler ---- */

static const int trap_sigs[] = {SIGILL, SIGSEGV, SIGBUS, SIGFPE};

static void save_actions(struct sigaction *out) {
    for (int i = 0; i < 4; i++)
        assert_int_equal(sigaction(trap_sigs[i], NULL, &out[i]), 0);
}

static bool same_action(const struct sigaction *a, const struct sigaction *b) {
    if ((a->sa_flags & SA_SIGINFO) != (b->sa_flags & SA_SIGINFO)) return false;
    if (a->sa_flags & SA_SIGINFO) return a->sa_sigaction == b->sa_sigaction;
    return a->sa_handler == b->sa_handler;
}

static void test_no_handler_left_behind(void **state) {
    (void)state;
    struct sigaction before[4], during[4], after[4];
    save_actions(before);
    assert_int_equal(clif_jit_live_count(), 0);
    clif_jit *a = jit_new_host(), *b = jit_new_host();
    assert_int_equal(clif_jit_live_count(), 2);
    save_actions(during);
    for (int i = 0; i < 4; i++) {
        assert_false(same_action(&before[i], &during[i]));
        assert_true(during[i].sa_flags & SA_ONSTACK);
    }
    clif_jit_free(a);
    save_actions(after);
    for (int i = 0; i < 4; i++)
        assert_true(same_action(&during[i], &after[i]));
    clif_jit_free(b);
    assert_int_equal(clif_jit_live_count(), 0);
    save_actions(after);
    for (int i = 0; i < 4; i++)
        assert_true(same_action(&before[i], &after[i]));
    /* After a JIT that trapped, too. */
    fixture fx;
    fx_init(&fx);
    clif_jit_func_id div = def_binary(&fx, "divide", CLIF_OP_SDIV, 0);
    ASSERT_OK(clif_jit_finalize(fx.jit));
    int64_t z[2] = {1, 0};
    expect_trap(fx.jit, div, z, 2, CLIF_TRAP_INTEGER_DIVISION_BY_ZERO,
                (const char *[]){"divide", NULL});
    fx_free(&fx);
    save_actions(after);
    for (int i = 0; i < 4; i++)
        assert_true(same_action(&before[i], &after[i]));
}

static volatile sig_atomic_t chained;

static void my_fpe_handler(int sig, siginfo_t *si, void *uc) {
    (void)sig;
    (void)si;
    (void)uc;
    chained++;
}

static int64_t host_raises_signal(int64_t x) {
    raise(SIGFPE);
    return x + 1;
}

/* Signals outside generated code go to the handler that was there before. */
static void test_chaining(void **state) {
    (void)state;
    struct sigaction mine, old;
    memset(&mine, 0, sizeof mine);
    mine.sa_sigaction = my_fpe_handler;
    mine.sa_flags = SA_SIGINFO;
    sigemptyset(&mine.sa_mask);
    assert_int_equal(sigaction(SIGFPE, &mine, &old), 0);
    chained = 0;
    fixture fx;
    fx_init(&fx);
    raise(SIGFPE); /* from C, no call in progress */
    assert_int_equal(chained, 1);
    tsig s;
    clif_jit_func_id host;
    ASSERT_OK(clif_jit_declare_function(fx.jit, "host_raises_signal", CLIF_LINKAGE_IMPORT,
                                        tsig_make(&s, 1, CLIF_I64, 1, CLIF_I64), &host));
    ASSERT_OK(clif_jit_define_symbol(fx.jit, "host_raises_signal", fn_addr(host_raises_signal)));
    clif_jit_func_id outer = def_wrapper(&fx, "outer", host, 1);
    ASSERT_OK(clif_jit_finalize(fx.jit));
    int64_t x = 1;
    /* From a host function during a call: not generated code either. */
    assert_int_equal(call_i64(fx.jit, outer, &x, 1), 3);
    assert_int_equal(chained, 2);
    fx_free(&fx);
    struct sigaction now;
    sigaction(SIGFPE, NULL, &now);
    assert_true(same_action(&now, &mine));
    sigaction(SIGFPE, &old, NULL);
}

/* A fault outside generated code with the default action before the JIT:
 * the process dies of it (in a child), it does not loop or become a trap. */
static void test_chaining_default(void **state) {
    (void)state;
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        signal(SIGSEGV, SIG_DFL);
        clif_isa *isa = NULL;
        clif_jit *jit = NULL;
        if (clif_isa_host(&isa) || clif_jit_new(isa, NULL, &jit)) _exit(3);
        volatile int *page = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if ((void *)page == MAP_FAILED) _exit(5);
        *page = 1;
        _exit(4);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGSEGV);
}

/* ---- threads ---- */

typedef struct thread_arg {
    clif_jit *jit;
    clif_jit_func_id div;
    int failures;
} thread_arg;

static void *thread_main(void *p) {
    thread_arg *t = p;
    for (int i = 0; i < 300; i++) {
        int64_t d = i % 3 == 0 ? 0 : i;
        clif_data_value a[2] = {clif_dv_from_u64(CLIF_I64, 1000),
                                clif_dv_from_u64(CLIF_I64, (uint64_t)d)};
        clif_data_value r;
        uint32_t nr;
        clif_error *err = clif_jit_call(t->jit, t->div, a, 2, &r, 1, &nr);
        if (d == 0) {
            if (!err || clif_error_trap_code(err) != CLIF_TRAP_INTEGER_DIVISION_BY_ZERO)
                t->failures++;
        } else if (err || (int64_t)clif_dv_to_u64(&r) != 1000 / d) {
            t->failures++;
        }
        clif_error_free(err);
    }
    return NULL;
}

static void test_threads(void **state) {
    (void)state;
    fixture fx;
    fx_init(&fx);
    clif_jit_func_id div = def_binary(&fx, "divide", CLIF_OP_SDIV, 0);
    ASSERT_OK(clif_jit_finalize(fx.jit));
    pthread_t th[4];
    thread_arg args[4];
    for (int i = 0; i < 4; i++) {
        args[i] = (thread_arg){fx.jit, div, 0};
        assert_int_equal(pthread_create(&th[i], NULL, thread_main, &args[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(args[i].failures, 0);
    }
    fx_free(&fx);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_handler_left_behind),
        cmocka_unit_test(test_divide_by_zero),
        cmocka_unit_test(test_integer_overflow),
        cmocka_unit_test(test_guard_page),
        cmocka_unit_test(test_fault_without_trap_code),
        cmocka_unit_test(test_unreachable),
        cmocka_unit_test(test_bad_conversion),
        cmocka_unit_test(test_stack_overflow),
        cmocka_unit_test(test_stack_overflow_big_frames),
        cmocka_unit_test(test_stack_overflow_thread),
        cmocka_unit_test(test_host_error_payload),
        cmocka_unit_test(test_host_error_invoke),
        cmocka_unit_test(test_nested_calls),
        cmocka_unit_test(test_chaining),
        cmocka_unit_test(test_chaining_default),
        cmocka_unit_test(test_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
