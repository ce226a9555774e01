/* Unit tests of the function builder (src/frontend): SSA construction from
 * variables across loops, branches and unsealed blocks, a 100,000-block chain
 * on an 8 MiB stack, the switch helper, and every misuse error. Each built
 * function must pass the verifier. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cranelift.h"

/* ---- Helpers ---- */

static void set_sig(clif_func *f, uint32_t nparams, clif_type pt, uint32_t nrets, clif_type rt) {
    clif_abi_param p[4], r[4];
    for (uint32_t i = 0; i < nparams; i++)
        p[i] = (clif_abi_param){pt, 0, 0, 0};
    for (uint32_t i = 0; i < nrets; i++)
        r[i] = (clif_abi_param){rt, 0, 0, 0};
    clif_signature sig = {p, nparams, r, nrets, CLIF_CC_SYSTEM_V};
    clif_func_set_signature(f, &sig);
    clif_ext_name name = {CLIF_NAME_TESTCASE, 0, 0, "f"};
    clif_func_set_name(f, &name);
}

static void finalize_ok(clif_fb *fb) {
    clif_error *err = clif_fb_finalize(fb);
    if (err) {
        char buf[512];
        print_message("finalize: %s\n", clif_error_format(err, buf, sizeof buf));
        clif_error_free(err);
        fail();
    }
}

static void verify_ok(const clif_func *f) {
    clif_error *err = clif_verify(f, NULL);
    if (err) {
        char buf[512];
        char *text = clif_func_to_string(f);
        print_message("%s\nverify: %s\n", text, clif_error_format(err, buf, sizeof buf));
        free(text);
        clif_error_free(err);
        fail();
    }
}

/* Block params of `b`, and the total over all blocks. */
static uint32_t total_params(const clif_func *f) {
    uint32_t n = 0;
    for (clif_block b = clif_first_block(f); b != CLIF_NONE; b = clif_next_block(f, b))
        n += clif_block_num_params(f, b);
    return n;
}

static uint32_t count_opcode(const clif_func *f, clif_opcode op) {
    uint32_t n = 0;
    for (clif_block b = clif_first_block(f); b != CLIF_NONE; b = clif_next_block(f, b))
        for (clif_inst i = clif_first_inst(f, b); i != CLIF_NONE; i = clif_next_inst(f, i))
            n += clif_inst_opcode(f, i) == op;
    return n;
}

static const char *err_msg(const clif_fb *fb) {
    const clif_error *e = clif_fb_error(fb);
    return e ? clif_error_message(e) : "(no error)";
}

/* Runs f in the interpreter on arguments of type `at` and returns its single
 * result, sign-extended from the result's width. */
static int64_t run(const clif_func *f, clif_type at, const int64_t *args, uint32_t nargs) {
    clif_interp *in = clif_interp_new();
    clif_data_value a[4], r[2];
    for (uint32_t i = 0; i < nargs; i++)
        a[i] = clif_dv_from_u64(at, (uint64_t)args[i]);
    uint32_t nr = 0;
    clif_error *err = clif_interp_call(in, f, a, nargs, r, 2, &nr);
    clif_interp_free(in);
    if (err) {
        char buf[512];
        print_message("interp: %s\n", clif_error_format(err, buf, sizeof buf));
        clif_error_free(err);
        fail();
    }
    assert_int_equal(nr, 1);
    unsigned bits = clif_type_bits(r[0].type);
    uint64_t u = clif_dv_to_u64(&r[0]);
    if (bits < 64 && (u >> (bits - 1) & 1)) u |= ~0ull << bits;
    return (int64_t)u;
}

static int64_t run1(const clif_func *f, clif_type at, int64_t x) {
    return run(f, at, &x, 1);
}

/* ---- SSA construction ---- */

enum { VI, VSUM, VN, VX, VY };

/* sum = 0; i = 0; while (i < n) { sum += i; i += 1; } return sum; */
static void build_loop_sum(clif_fb *fb, clif_func *f) {
    clif_func_clear(f);
    set_sig(f, 1, CLIF_I32, 1, CLIF_I32);
    clif_fb_begin(fb, f);
    clif_block entry = clif_fb_create_block(fb), header = clif_fb_create_block(fb),
               body = clif_fb_create_block(fb), exit = clif_fb_create_block(fb);
    clif_fb_append_block_params_for_function_params(fb, entry);
    clif_fb_switch_to_block(fb, entry);
    clif_fb_seal_block(fb, entry);
    clif_fb_declare_var(fb, VI, CLIF_I32);
    clif_fb_declare_var(fb, VSUM, CLIF_I32);
    clif_fb_declare_var(fb, VN, CLIF_I32);
    clif_fb_def_var(fb, VN, clif_block_param(f, entry, 0));
    clif_value zero = clif_fb_iconst(fb, CLIF_I32, 0);
    clif_fb_def_var(fb, VI, zero);
    clif_fb_def_var(fb, VSUM, zero);
    clif_fb_jump(fb, header, NULL, 0);

    clif_fb_switch_to_block(fb, header); /* not sealed: the back edge is missing */
    clif_value i = clif_fb_use_var(fb, VI);
    clif_value c = clif_fb_icmp(fb, CLIF_ICC_SLT, i, clif_fb_use_var(fb, VN));
    clif_block_call t = {body, NULL, 0}, e = {exit, NULL, 0};
    clif_fb_brif(fb, c, &t, &e);

    clif_fb_switch_to_block(fb, body);
    clif_fb_seal_block(fb, body);
    clif_value sum = clif_fb_use_var(fb, VSUM);
    clif_value s = clif_fb_binary(fb, CLIF_OP_IADD, sum, clif_fb_use_var(fb, VI));
    clif_fb_def_var(fb, VSUM, s);
    clif_value one = clif_fb_iconst(fb, CLIF_I32, 1);
    clif_fb_def_var(fb, VI, clif_fb_binary(fb, CLIF_OP_IADD, clif_fb_use_var(fb, VI), one));
    clif_fb_jump(fb, header, NULL, 0);
    clif_fb_seal_block(fb, header);

    clif_fb_switch_to_block(fb, exit);
    clif_fb_seal_block(fb, exit);
    clif_value r = clif_fb_use_var(fb, VSUM);
    clif_fb_return(fb, &r, 1);
    finalize_ok(fb);
}

static void test_loop_sum(void **state) {
    (void)state;
    clif_fb *fb = clif_fb_new();
    clif_func *f = clif_func_new();
    build_loop_sum(fb, f);
    verify_ok(f);
    /* The header joins i and sum; n is loop-invariant and needs no parameter. */
    assert_int_equal(clif_block_num_params(f, 1), 2);
    assert_int_equal(clif_block_num_params(f, 2), 0);
    assert_int_equal(clif_block_num_params(f, 3), 0);
    assert_int_equal(total_params(f), 3);
    const int64_t ns[] = {-5, 0, 1, 2, 10, 100, 1000};
    for (size_t k = 0; k < sizeof ns / sizeof ns[0]; k++) {
        int64_t want = 0;
        for (int64_t i = 0; i < ns[k]; i++)
            want += i;
        assert_int_equal(run1(f, CLIF_I32, ns[k]), want);
    }
    /* The builder is reusable: the same function again gives the same text. */
    char *first = clif_func_to_string(f);
    build_loop_sum(fb, f);
    char *second = clif_func_to_string(f);
    assert_string_equal(first, second);
    free(first);
    free(second);
    clif_func_free(f);
    clif_fb_free(fb);
}

/* x = 0; i = 0;
 * while (i < n) { if (i & 1) x = x + i; else x = x - 1; i = i + 1; }
 * return x; -- blocks sealed as soon as their predecessors are known. */
static void build_loop_diamond(clif_fb *fb, clif_func *f, bool seal_late) {
    clif_func_clear(f);
    set_sig(f, 1, CLIF_I64, 1, CLIF_I64);
    clif_fb_begin(fb, f);
    clif_block entry = clif_fb_create_block(fb), header = clif_fb_create_block(fb),
               body = clif_fb_create_block(fb), odd = clif_fb_create_block(fb),
               even = clif_fb_create_block(fb), merge = clif_fb_create_block(fb),
               exit = clif_fb_create_block(fb);
    clif_fb_append_block_params_for_function_params(fb, entry);
    clif_fb_switch_to_block(fb, entry);
    if (!seal_late) clif_fb_seal_block(fb, entry);
    clif_fb_declare_var(fb, VI, CLIF_I64);
    clif_fb_declare_var(fb, VX, CLIF_I64);
    clif_fb_declare_var(fb, VN, CLIF_I64);
    clif_fb_def_var(fb, VN, clif_block_param(f, entry, 0));
    clif_value zero = clif_fb_iconst(fb, CLIF_I64, 0);
    clif_fb_def_var(fb, VI, zero);
    clif_fb_def_var(fb, VX, zero);
    clif_fb_jump(fb, header, NULL, 0);

    clif_fb_switch_to_block(fb, header);
    clif_value i = clif_fb_use_var(fb, VI);
    clif_value c = clif_fb_icmp(fb, CLIF_ICC_SLT, i, clif_fb_use_var(fb, VN));
    clif_block_call tb = {body, NULL, 0}, te = {exit, NULL, 0};
    clif_fb_brif(fb, c, &tb, &te);

    clif_fb_switch_to_block(fb, body);
    if (!seal_late) clif_fb_seal_block(fb, body);
    clif_value one = clif_fb_iconst(fb, CLIF_I64, 1);
    clif_value bit = clif_fb_binary(fb, CLIF_OP_BAND, clif_fb_use_var(fb, VI), one);
    clif_block_call to = {odd, NULL, 0}, tv = {even, NULL, 0};
    clif_fb_brif(fb, bit, &to, &tv);

    clif_fb_switch_to_block(fb, odd);
    if (!seal_late) clif_fb_seal_block(fb, odd);
    clif_value x = clif_fb_use_var(fb, VX);
    clif_fb_def_var(fb, VX, clif_fb_binary(fb, CLIF_OP_IADD, x, clif_fb_use_var(fb, VI)));
    clif_fb_jump(fb, merge, NULL, 0);

    clif_fb_switch_to_block(fb, even);
    if (!seal_late) clif_fb_seal_block(fb, even);
    clif_value one2 = clif_fb_iconst(fb, CLIF_I64, 1);
    clif_fb_def_var(fb, VX, clif_fb_binary(fb, CLIF_OP_ISUB, clif_fb_use_var(fb, VX), one2));
    clif_fb_jump(fb, merge, NULL, 0);

    clif_fb_switch_to_block(fb, merge);
    if (!seal_late) clif_fb_seal_block(fb, merge);
    clif_value one3 = clif_fb_iconst(fb, CLIF_I64, 1);
    clif_fb_def_var(fb, VI, clif_fb_binary(fb, CLIF_OP_IADD, clif_fb_use_var(fb, VI), one3));
    clif_fb_jump(fb, header, NULL, 0);
    if (!seal_late) clif_fb_seal_block(fb, header);

    clif_fb_switch_to_block(fb, exit);
    if (!seal_late) clif_fb_seal_block(fb, exit);
    clif_value r = clif_fb_use_var(fb, VX);
    clif_fb_return(fb, &r, 1);
    if (seal_late) clif_fb_seal_all_blocks(fb);
    finalize_ok(fb);
}

static void test_nested_branches_in_loop(void **state) {
    (void)state;
    clif_fb *fb = clif_fb_new();
    clif_func *f = clif_func_new();
    for (int late = 0; late < 2; late++) {
        build_loop_diamond(fb, f, late);
        verify_ok(f);
        /* header: i and x; merge: x only (i is the same on both arms). With
         * every block sealed at the end, the header's lookup of n meets the
         * merge block before it is sealed, so n keeps a (redundant) parameter:
         * like Cranelift, a parameter is only removed when it is resolved,
         * not when it becomes redundant later. */
        assert_int_equal(clif_block_num_params(f, 1), late ? 3 : 2);
        assert_int_equal(clif_block_num_params(f, 5), 1);
        assert_int_equal(clif_block_num_params(f, 2), 0);
        assert_int_equal(clif_block_num_params(f, 3), 0);
        assert_int_equal(clif_block_num_params(f, 4), 0);
        assert_int_equal(clif_block_num_params(f, 6), 0);
        for (int64_t n = -1; n <= 25; n++) {
            int64_t x = 0;
            for (int64_t i = 0; i < n; i++)
                x = (i & 1) ? x + i : x - 1;
            assert_int_equal(run1(f, CLIF_I64, n), x);
        }
    }
    clif_func_free(f);
    clif_fb_free(fb);
}

/* if (c) y = 5;  return y;  -- y has no definition on the other path and
 * reads as zero there (Cranelift's rule). */
static void build_one_path(clif_fb *fb, clif_func *f) {
    clif_func_clear(f);
    set_sig(f, 1, CLIF_I32, 1, CLIF_I32);
    clif_fb_begin(fb, f);
    clif_block entry = clif_fb_create_block(fb), then_ = clif_fb_create_block(fb),
               merge = clif_fb_create_block(fb);
    clif_fb_append_block_params_for_function_params(fb, entry);
    clif_fb_switch_to_block(fb, entry);
    clif_fb_seal_block(fb, entry);
    clif_fb_declare_var(fb, VY, CLIF_I32);
    clif_block_call t = {then_, NULL, 0}, e = {merge, NULL, 0};
    clif_fb_brif(fb, clif_block_param(f, entry, 0), &t, &e);
    clif_fb_switch_to_block(fb, then_);
    clif_fb_seal_block(fb, then_);
    clif_fb_def_var(fb, VY, clif_fb_iconst(fb, CLIF_I32, 5));
    clif_fb_jump(fb, merge, NULL, 0);
    clif_fb_switch_to_block(fb, merge);
    clif_fb_seal_block(fb, merge);
    clif_value y = clif_fb_use_var(fb, VY);
    clif_fb_return(fb, &y, 1);
    finalize_ok(fb);
}

static void test_defined_on_one_path(void **state) {
    (void)state;
    clif_fb *fb = clif_fb_new();
    clif_func *f = clif_func_new();
    build_one_path(fb, f);
    verify_ok(f);
    /* The merge joins 5 and the zero placed at the top of the entry block. */
    assert_int_equal(clif_block_num_params(f, 2), 1);
    assert_int_equal(clif_inst_opcode(f, clif_first_inst(f, 0)), CLIF_OP_ICONST);
    char *text = clif_func_to_string(f);
    assert_non_null(strstr(text, "iconst.i32 0"));
    free(text);
    assert_int_equal(run1(f, CLIF_I32, 1), 5);
    assert_int_equal(run1(f, CLIF_I32, -7), 5);
    assert_int_equal(run1(f, CLIF_I32, 0), 0);
    clif_func_free(f);
    clif_fb_free(fb);
}

/* Uses in a block whose predecessors are not all known yet create
 * incomplete parameters; sealing resolves them: a redundant one (a value
 * that is the same on every edge) disappears, a real join stays. */
static void test_unsealed_incomplete_phis(void **state) {
    (void)state;
    clif_fb *fb = clif_fb_new();
    clif_func *f = clif_func_new();
    clif_func_clear(f);
    set_sig(f, 2, CLIF_I32, 1, CLIF_I32);
    clif_fb_begin(fb, f);
    clif_block entry = clif_fb_create_block(fb), loop = clif_fb_create_block(fb),
               exit = clif_fb_create_block(fb);
    clif_fb_append_block_params_for_function_params(fb, entry);
    clif_fb_switch_to_block(fb, entry);
    clif_fb_declare_var(fb, 0, CLIF_I32); /* counter, changes in the loop */
    clif_fb_declare_var(fb, 1, CLIF_I32); /* invariant */
    clif_fb_declare_var(fb, 2, CLIF_I32); /* invariant, used only after the loop */
    clif_fb_def_var(fb, 0, clif_block_param(f, entry, 0));
    clif_fb_def_var(fb, 1, clif_block_param(f, entry, 1));
    clif_fb_def_var(fb, 2, clif_block_param(f, entry, 1));
    clif_fb_jump(fb, loop, NULL, 0);

    clif_fb_switch_to_block(fb, loop);
    clif_value k = clif_fb_use_var(fb, 0);
    clif_value inv = clif_fb_use_var(fb, 1);
    /* Both uses added a pending parameter to the unsealed loop block. */
    assert_int_equal(clif_block_num_params(f, loop), 2);
    assert_int_equal(clif_block_param(f, loop, 0), k);
    assert_int_equal(clif_block_param(f, loop, 1), inv);
    clif_value next = clif_fb_binary(fb, CLIF_OP_ISUB, k, inv);
    clif_fb_def_var(fb, 0, next);
    clif_value c = clif_fb_icmp(fb, CLIF_ICC_SGT, next, clif_fb_iconst(fb, CLIF_I32, 0));
    clif_block_call t = {loop, NULL, 0}, e = {exit, NULL, 0};
    clif_fb_brif(fb, c, &t, &e);

    clif_fb_switch_to_block(fb, exit);
    clif_value k2 = clif_fb_use_var(fb, 0);
    clif_value r = clif_fb_binary(fb, CLIF_OP_IADD, k2, clif_fb_use_var(fb, 2));
    clif_fb_return(fb, &r, 1);
    assert_false(clif_fb_is_sealed(fb, loop));
    clif_fb_seal_all_blocks(fb);
    finalize_ok(fb);
    verify_ok(f);
    /* Only the counter stays a parameter of the loop; the invariant became
     * an alias of the entry parameter. */
    assert_int_equal(clif_block_num_params(f, loop), 1);
    assert_int_equal(clif_block_param(f, loop, 0), k);
    assert_int_equal(clif_block_num_params(f, exit), 0);
    char *text = clif_func_to_string(f);
    char alias[32];
    snprintf(alias, sizeof alias, "v%u -> v%u", inv, clif_block_param(f, entry, 1));
    assert_non_null(strstr(text, alias));
    free(text);
    /* k = a; do k -= b; while (k > 0); return k + b; */
    const int64_t ab[][2] = {{10, 3}, {9, 3}, {1, 5}, {-4, 2}, {100, 7}};
    for (size_t i = 0; i < sizeof ab / sizeof ab[0]; i++) {
        int64_t kk = ab[i][0];
        do
            kk -= ab[i][1];
        while (kk > 0);
        assert_int_equal(run(f, CLIF_I32, ab[i], 2), kk + ab[i][1]);
    }
    clif_func_free(f);
    clif_fb_free(fb);
}

/* The printed function shows exactly the parameters needed: y joins, x
 * (the same on both edges) does not and stays an alias. */
static void test_printed_text(void **state) {
    (void)state;
    clif_fb *fb = clif_fb_new();
    clif_func *f = clif_func_new();
    set_sig(f, 1, CLIF_I32, 1, CLIF_I32);
    clif_fb_begin(fb, f);
    clif_block b0 = clif_fb_create_block(fb), b1 = clif_fb_create_block(fb),
               b2 = clif_fb_create_block(fb);
    clif_fb_append_block_params_for_function_params(fb, b0);
    clif_fb_switch_to_block(fb, b0);
    clif_fb_seal_block(fb, b0);
    clif_fb_declare_var(fb, VX, CLIF_I32);
    clif_fb_declare_var(fb, VY, CLIF_I32);
    clif_fb_def_var(fb, VX, clif_block_param(f, b0, 0));
    clif_fb_def_var(fb, VY, clif_fb_iconst(fb, CLIF_I32, 10));
    clif_block_call t = {b1, NULL, 0}, e = {b2, NULL, 0};
    clif_fb_brif(fb, clif_fb_use_var(fb, VX), &t, &e);
    clif_fb_switch_to_block(fb, b1);
    clif_fb_seal_block(fb, b1);
    clif_fb_def_var(fb, VY, clif_fb_iconst(fb, CLIF_I32, 20));
    clif_fb_jump(fb, b2, NULL, 0);
    clif_fb_switch_to_block(fb, b2);
    clif_fb_seal_block(fb, b2);
    clif_value y = clif_fb_use_var(fb, VY);
    clif_value s = clif_fb_binary(fb, CLIF_OP_IADD, y, clif_fb_use_var(fb, VX));
    clif_fb_return(fb, &s, 1);
    finalize_ok(fb);
    verify_ok(f);
    char *text = clif_func_to_string(f);
    const char *expected = "function %f(i32) -> i32 system_v {\n"
                           "block0(v0: i32):\n"
                           "    v4 -> v0\n"
                           "    v1 = iconst.i32 10\n"
                           "    brif v0, block1, block2(v1)  ; v1 = 10\n"
                           "\n"
                           "block1:\n"
                           "    v2 = iconst.i32 20\n"
                           "    jump block2(v2)  ; v2 = 20\n"
                           "\n"
                           "block2(v3: i32):\n"
                           "    v5 = iadd v3, v0\n"
                           "    return v5\n"
                           "}\n";
    if (strcmp(text, expected) != 0) print_message("got:\n%s", text);
    assert_string_equal(text, expected);
    free(text);
    assert_int_equal(run1(f, CLIF_I32, 0), 10);
    assert_int_equal(run1(f, CLIF_I32, 3), 23);
    clif_func_free(f);
    clif_fb_free(fb);
}

/* ---- Depth: no recursion on the CFG ---- */

#define DEEP 100000

typedef struct deep_result {
    bool verified;
    bool ran; /* the interpreter returned the argument */
    uint32_t params;
    uint32_t blocks;
    clif_value ret_arg, def;
} deep_result;

/* x defined in the entry, used after DEEP single-predecessor blocks, each
 * sealed as soon as its jump exists (mode 0) or all at the end (mode 1). */
static void build_chain(clif_func *f, int mode, deep_result *out) {
    clif_fb *fb = clif_fb_new();
    set_sig(f, 1, CLIF_I64, 1, CLIF_I64);
    clif_fb_begin(fb, f);
    clif_block b = clif_fb_create_block(fb);
    clif_fb_append_block_params_for_function_params(fb, b);
    clif_fb_switch_to_block(fb, b);
    clif_fb_declare_var(fb, 0, CLIF_I64);
    clif_fb_def_var(fb, 0, clif_block_param(f, b, 0));
    out->def = clif_block_param(f, b, 0);
    if (mode == 0) clif_fb_seal_block(fb, b);
    for (uint32_t k = 0; k < DEEP; k++) {
        clif_block next = clif_fb_create_block(fb);
        clif_fb_jump(fb, next, NULL, 0);
        if (mode == 0) clif_fb_seal_block(fb, next);
        clif_fb_switch_to_block(fb, next);
    }
    clif_value x = clif_fb_use_var(fb, 0);
    clif_inst ret = clif_fb_return(fb, &x, 1);
    if (mode == 1) clif_fb_seal_all_blocks(fb);
    clif_error *err = clif_fb_finalize(fb);
    clif_fb_free(fb);
    out->verified = err == NULL;
    clif_error_free(err);
    clif_error *verr = clif_verify(f, NULL);
    out->verified = out->verified && verr == NULL;
    clif_error_free(verr);
    out->params = total_params(f);
    out->blocks = clif_func_num_blocks(f);
    out->ret_arg = clif_inst_arg(f, ret, 0);
}

/* DEEP/2 if/else diamonds in a row, x defined before the first and used
 * after the last: every join is first a parameter, then found redundant. */
static void build_diamonds(clif_func *f, deep_result *out) {
    clif_fb *fb = clif_fb_new();
    set_sig(f, 1, CLIF_I64, 1, CLIF_I64);
    clif_fb_begin(fb, f);
    clif_block b = clif_fb_create_block(fb);
    clif_fb_append_block_params_for_function_params(fb, b);
    clif_fb_switch_to_block(fb, b);
    clif_fb_seal_block(fb, b);
    clif_fb_declare_var(fb, 0, CLIF_I64);
    clif_value p = clif_block_param(f, b, 0);
    clif_fb_def_var(fb, 0, p);
    out->def = p;
    for (uint32_t k = 0; k < DEEP / 4; k++) {
        clif_block l = clif_fb_create_block(fb), r = clif_fb_create_block(fb),
                   m = clif_fb_create_block(fb);
        clif_block_call t = {l, NULL, 0}, e = {r, NULL, 0};
        clif_fb_brif(fb, p, &t, &e);
        clif_fb_seal_block(fb, l);
        clif_fb_seal_block(fb, r);
        clif_fb_switch_to_block(fb, l);
        clif_fb_jump(fb, m, NULL, 0);
        clif_fb_switch_to_block(fb, r);
        clif_fb_jump(fb, m, NULL, 0);
        clif_fb_seal_block(fb, m);
        clif_fb_switch_to_block(fb, m);
    }
    clif_value x = clif_fb_use_var(fb, 0);
    clif_inst ret = clif_fb_return(fb, &x, 1);
    clif_error *err = clif_fb_finalize(fb);
    clif_fb_free(fb);
    out->verified = err == NULL;
    clif_error_free(err);
    clif_error *verr = clif_verify(f, NULL);
    out->verified = out->verified && verr == NULL;
    clif_error_free(verr);
    out->params = total_params(f);
    out->blocks = clif_func_num_blocks(f);
    out->ret_arg = clif_inst_arg(f, ret, 0);
}

typedef struct deep_job {
    int mode; /* 0, 1: chain; 2: diamonds */
    deep_result r;
} deep_job;

static void *deep_thread(void *arg) {
    deep_job *job = arg;
    clif_func *f = clif_func_new();
    if (job->mode < 2)
        build_chain(f, job->mode, &job->r);
    else
        build_diamonds(f, &job->r);
    clif_interp *in = clif_interp_new();
    clif_data_value a = clif_dv_from_u64(CLIF_I64, 424242), r;
    uint32_t nr = 0;
    clif_error *err = clif_interp_call(in, f, &a, 1, &r, 1, &nr);
    job->r.ran = !err && nr == 1 && clif_dv_to_u64(&r) == 424242;
    clif_error_free(err);
    clif_interp_free(in);
    clif_func_free(f);
    return NULL;
}

static void run_on_8mib_stack(deep_job *job) {
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 8u << 20);
    pthread_t th;
    assert_int_equal(pthread_create(&th, &attr, deep_thread, job), 0);
    assert_int_equal(pthread_join(th, NULL), 0);
    pthread_attr_destroy(&attr);
}

static void test_deep_chain(void **state) {
    (void)state;
    for (int mode = 0; mode < 3; mode++) {
        deep_job job = {mode, {0}};
        run_on_8mib_stack(&job);
        assert_true(job.r.verified);
        assert_true(job.r.ran);
        /* Only the entry parameter: no join anywhere needed one. */
        assert_int_equal(job.r.params, 1);
        assert_true(job.r.blocks > DEEP / 2);
    }
}

/* ---- Switch ---- */

/* f(x) = k + 1 for the entry k whose index x is, else 0. Entries are
 * indices[0..n). Returns the blocks of the entries through `blocks`. */
static void build_switch(clif_fb *fb, clif_func *f, clif_type t, const uint64_t *indices,
                         uint32_t n) {
    clif_func_clear(f);
    set_sig(f, 1, t, 1, CLIF_I32);
    clif_fb_begin(fb, f);
    clif_block entry = clif_fb_create_block(fb), deflt = clif_fb_create_block(fb);
    clif_fb_append_block_params_for_function_params(fb, entry);
    clif_fb_switch_to_block(fb, entry);
    clif_fb_seal_block(fb, entry);
    clif_switch *sw = clif_switch_new();
    clif_block *blocks = malloc(n * sizeof *blocks);
    for (uint32_t k = 0; k < n; k++) {
        blocks[k] = clif_fb_create_block(fb);
        clif_switch_set_entry(sw, indices[k], blocks[k]);
    }
    assert_int_equal(clif_switch_num_entries(sw), n);
    assert_true(clif_switch_emit(sw, fb, clif_block_param(f, entry, 0), deflt));
    assert_int_equal(clif_switch_num_entries(sw), 0);
    clif_switch_free(sw);
    for (uint32_t k = 0; k < n; k++) {
        clif_fb_switch_to_block(fb, blocks[k]);
        clif_fb_seal_block(fb, blocks[k]);
        clif_value v = clif_fb_iconst(fb, CLIF_I32, (int64_t)k + 1);
        clif_fb_return(fb, &v, 1);
    }
    clif_fb_switch_to_block(fb, deflt);
    clif_fb_seal_block(fb, deflt);
    clif_value z = clif_fb_iconst(fb, CLIF_I32, 0);
    clif_fb_return(fb, &z, 1);
    free(blocks);
    finalize_ok(fb);
    verify_ok(f);
    /* Each entry reaches its block; its neighbours and the extremes that are
     * not entries reach the default. */
    unsigned bits = clif_type_bits(t);
    uint64_t tmax = bits >= 64 ? UINT64_MAX : (1ull << bits) - 1;
    for (uint32_t k = 0; k < n; k++) {
        assert_int_equal(run1(f, t, (int64_t)indices[k]), (int64_t)k + 1);
        uint64_t probes[] = {indices[k] - 1, indices[k] + 1, 0, tmax, tmax / 2, 1ull << 32};
        for (size_t p = 0; p < sizeof probes / sizeof probes[0]; p++) {
            uint64_t x = probes[p] & tmax;
            int64_t want = 0;
            for (uint32_t j = 0; j < n; j++)
                if (indices[j] == x) want = (int64_t)j + 1;
            /* (an i128 argument has a zero high half) */
            assert_int_equal(run1(f, t, (int64_t)x), want);
        }
    }
    if (n == 0) assert_int_equal(run1(f, t, 5), 0);
}

static void test_switch_dense(void **state) {
    (void)state;
    clif_fb *fb = clif_fb_new();
    clif_func *f = clif_func_new();
    const uint64_t idx[] = {3, 0, 2, 1, 4};
    build_switch(fb, f, CLIF_I32, idx, 5);
    /* One range starting at 0: a single br_table, no compare. */
    assert_int_equal(count_opcode(f, CLIF_OP_BR_TABLE), 1);
    assert_int_equal(count_opcode(f, CLIF_OP_ICMP), 0);
    /* An i8 index is widened, an i64 one range-checked and narrowed. */
    build_switch(fb, f, CLIF_I8, idx, 5);
    assert_int_equal(count_opcode(f, CLIF_OP_UEXTEND), 1);
    const uint64_t idx64[] = {10, 11, 12, 13};
    build_switch(fb, f, CLIF_I64, idx64, 4);
    assert_int_equal(count_opcode(f, CLIF_OP_BR_TABLE), 1);
    assert_int_equal(count_opcode(f, CLIF_OP_IREDUCE), 1);
    assert_int_equal(count_opcode(f, CLIF_OP_ISUB), 1);
    clif_func_free(f);
    clif_fb_free(fb);
}

static void test_switch_sparse(void **state) {
    (void)state;
    clif_fb *fb = clif_fb_new();
    clif_func *f = clif_func_new();
    const uint64_t idx[] = {7, 1000, 3, 123456, 50, 99999, 0, 4000000000u};
    build_switch(fb, f, CLIF_I64, idx, 8);
    /* All ranges are single entries: a compare tree without tables. */
    assert_int_equal(count_opcode(f, CLIF_OP_BR_TABLE), 0);
    assert_true(count_opcode(f, CLIF_OP_ICMP) >= 7);
    /* Mixed: two dense ranges among single entries. */
    const uint64_t mix[] = {0, 1, 2, 10, 20, 21, 22, 23, 40, 60};
    build_switch(fb, f, CLIF_I32, mix, 10);
    assert_int_equal(count_opcode(f, CLIF_OP_BR_TABLE), 2);
    /* i128 index. */
    const uint64_t big[] = {5, 6, 900, UINT64_MAX};
    build_switch(fb, f, CLIF_I128, big, 4);
    assert_int_equal(count_opcode(f, CLIF_OP_BR_TABLE), 1);
    /* No entries: a jump to the default. */
    build_switch(fb, f, CLIF_I32, NULL, 0);
    assert_int_equal(count_opcode(f, CLIF_OP_JUMP), 1);
    clif_func_free(f);
    clif_fb_free(fb);
}

/* x = 1; switch (v) { case 0: x = 2; break; case 1: break; case 2: x = 3; }
 * return x;  -- the default edge comes from a br_table, which gets the
 * argument for the join appended to its jump-table entry. */
static void build_switch_join(clif_fb *fb, clif_func *f) {
    clif_func_clear(f);
    set_sig(f, 1, CLIF_I32, 1, CLIF_I32);
    clif_fb_begin(fb, f);
    clif_block entry = clif_fb_create_block(fb), join = clif_fb_create_block(fb);
    clif_block c0 = clif_fb_create_block(fb), c2 = clif_fb_create_block(fb);
    clif_fb_append_block_params_for_function_params(fb, entry);
    clif_fb_switch_to_block(fb, entry);
    clif_fb_seal_block(fb, entry);
    clif_fb_declare_var(fb, VX, CLIF_I32);
    clif_fb_def_var(fb, VX, clif_fb_iconst(fb, CLIF_I32, 1));
    clif_switch *sw = clif_switch_new();
    clif_switch_set_entry(sw, 0, c0);
    clif_switch_set_entry(sw, 1, join);
    clif_switch_set_entry(sw, 2, c2);
    clif_switch_emit(sw, fb, clif_block_param(f, entry, 0), join);
    clif_switch_free(sw);
    clif_fb_switch_to_block(fb, c0);
    clif_fb_seal_block(fb, c0);
    clif_fb_def_var(fb, VX, clif_fb_iconst(fb, CLIF_I32, 2));
    clif_fb_jump(fb, join, NULL, 0);
    clif_fb_switch_to_block(fb, c2);
    clif_fb_seal_block(fb, c2);
    clif_fb_def_var(fb, VX, clif_fb_iconst(fb, CLIF_I32, 3));
    clif_fb_jump(fb, join, NULL, 0);
    clif_fb_switch_to_block(fb, join);
    clif_fb_seal_block(fb, join);
    clif_value x = clif_fb_use_var(fb, VX);
    clif_fb_return(fb, &x, 1);
    finalize_ok(fb);
    verify_ok(f);
}

static void test_switch_join(void **state) {
    (void)state;
    clif_fb *fb = clif_fb_new();
    clif_func *f = clif_func_new();
    build_switch_join(fb, f);
    assert_int_equal(count_opcode(f, CLIF_OP_BR_TABLE), 1);
    assert_int_equal(clif_block_num_params(f, 1), 1);
    char *text = clif_func_to_string(f);
    /* Default and entry 1 both pass the entry value of x. */
    if (!strstr(text, "br_table v0, block1(v1), [block2, block1(v1), block3]"))
        print_message("%s", text);
    assert_non_null(strstr(text, "br_table v0, block1(v1), [block2, block1(v1), block3]"));
    free(text);
    assert_int_equal(run1(f, CLIF_I32, 0), 2);
    assert_int_equal(run1(f, CLIF_I32, 1), 1);
    assert_int_equal(run1(f, CLIF_I32, 2), 3);
    assert_int_equal(run1(f, CLIF_I32, 3), 1);
    assert_int_equal(run1(f, CLIF_I32, -1), 1);
    clif_func_free(f);
    clif_fb_free(fb);
}

/* ---- Misuse ---- */

/* A builder positioned in a fresh entry block of f(i32) -> i32. */
static clif_block start(clif_fb *fb, clif_func *f) {
    clif_func_clear(f);
    set_sig(f, 1, CLIF_I32, 1, CLIF_I32);
    clif_fb_begin(fb, f);
    clif_block b = clif_fb_create_block(fb);
    clif_fb_append_block_params_for_function_params(fb, b);
    clif_fb_switch_to_block(fb, b);
    clif_fb_seal_block(fb, b);
    return b;
}

static void expect_error(clif_fb *fb, clif_error_kind kind, const char *text) {
    const clif_error *e = clif_fb_error(fb);
    assert_non_null(e);
    assert_int_equal(clif_error_get_kind(e), kind);
    if (!strstr(clif_error_message(e), text)) print_message("message: %s\n", err_msg(fb));
    assert_non_null(strstr(clif_error_message(e), text));
    char pending[256];
    snprintf(pending, sizeof pending, "%s", clif_error_message(e));
    /* finalize hands over that first error and resets the builder. */
    clif_error *fin = clif_fb_finalize(fb);
    assert_non_null(fin);
    assert_string_equal(clif_error_message(fin), pending);
    clif_error_free(fin);
    assert_null(clif_fb_error(fb));
}

static void test_misuse(void **state) {
    (void)state;
    clif_fb *fb = clif_fb_new();
    clif_func *f = clif_func_new();

    start(fb, f);
    assert_int_equal(clif_fb_use_var(fb, 7), CLIF_NONE);
    expect_error(fb, CLIF_ERR_ARGUMENT, "use_var: variable 7 was not declared");

    clif_block b = start(fb, f);
    clif_fb_declare_var(fb, 0, CLIF_I64);
    assert_false(clif_fb_def_var(fb, 0, clif_block_param(f, b, 0)));
    expect_error(fb, CLIF_ERR_ARGUMENT, "def_var: variable 0 has type i64 but v0 has type i32");

    start(fb, f);
    assert_false(clif_fb_def_var(fb, 3, 0));
    expect_error(fb, CLIF_ERR_ARGUMENT, "def_var: variable 3 was not declared");

    start(fb, f);
    clif_fb_declare_var(fb, 0, CLIF_I32);
    assert_false(clif_fb_declare_var(fb, 0, CLIF_I32));
    expect_error(fb, CLIF_ERR_ARGUMENT, "variable 0 is declared twice");

    start(fb, f);
    assert_false(clif_fb_declare_var(fb, CLIF_FB_MAX_VARIABLES, CLIF_I32));
    expect_error(fb, CLIF_ERR_LIMIT, "beyond the limit");

    b = start(fb, f);
    clif_value p = clif_block_param(f, b, 0);
    clif_fb_return(fb, &p, 1);
    assert_int_equal(clif_fb_iconst(fb, CLIF_I32, 1), CLIF_NONE);
    expect_error(fb, CLIF_ERR_ARGUMENT, "iconst: block0 already ends with a terminator");

    /* After the first error nothing changes and the first error is kept. */
    b = start(fb, f);
    clif_fb_use_var(fb, 1);
    uint32_t ninsts = clif_func_num_insts(f);
    assert_int_equal(clif_fb_iconst(fb, CLIF_I32, 1), CLIF_NONE);
    assert_int_equal(clif_fb_create_block(fb), CLIF_NONE);
    assert_int_equal(clif_func_num_insts(f), ninsts);
    expect_error(fb, CLIF_ERR_ARGUMENT, "use_var: variable 1 was not declared");

    /* No current block. */
    clif_func_clear(f);
    clif_fb_begin(fb, f);
    clif_fb_create_block(fb);
    assert_int_equal(clif_fb_iconst(fb, CLIF_I32, 1), CLIF_NONE);
    expect_error(fb, CLIF_ERR_ARGUMENT, "no current block");

    /* Finalize with an unsealed block. */
    b = start(fb, f);
    clif_block n = clif_fb_create_block(fb);
    clif_fb_jump(fb, n, NULL, 0);
    clif_fb_switch_to_block(fb, n);
    clif_fb_return(fb, NULL, 0);
    assert_null(clif_fb_error(fb));
    clif_error *err = clif_fb_finalize(fb);
    assert_non_null(err);
    assert_string_equal(clif_error_message(err), "clif_fb_finalize: block1 is not sealed");
    clif_error_free(err);

    /* Finalize with an unfilled block. */
    start(fb, f);
    clif_fb_iconst(fb, CLIF_I32, 1);
    err = clif_fb_finalize(fb);
    assert_non_null(err);
    assert_string_equal(clif_error_message(err),
                        "clif_fb_finalize: block0 is not filled (it has no terminator)");
    clif_error_free(err);

    /* Finalize with a branch target that never got instructions. */
    start(fb, f);
    n = clif_fb_create_block(fb);
    clif_fb_jump(fb, n, NULL, 0);
    clif_fb_seal_block(fb, n);
    err = clif_fb_finalize(fb);
    assert_non_null(err);
    assert_string_equal(
        clif_error_message(err),
        "clif_fb_finalize: block1 is the target of a branch but has no instructions");
    clif_error_free(err);

    /* Switching away from a block without terminator. */
    start(fb, f);
    n = clif_fb_create_block(fb);
    clif_fb_iconst(fb, CLIF_I32, 1);
    assert_false(clif_fb_switch_to_block(fb, n));
    expect_error(fb, CLIF_ERR_ARGUMENT, "block0 is left without a terminator");

    /* Branch to a sealed block; sealing twice. */
    start(fb, f);
    n = clif_fb_create_block(fb);
    clif_fb_seal_block(fb, n);
    assert_int_equal(clif_fb_jump(fb, n, NULL, 0), CLIF_NONE);
    expect_error(fb, CLIF_ERR_ARGUMENT, "jump: branch to block1, which is already sealed");
    b = start(fb, f);
    assert_false(clif_fb_seal_block(fb, b));
    expect_error(fb, CLIF_ERR_ARGUMENT, "block0 is already sealed");

    /* Bad references. */
    start(fb, f);
    assert_int_equal(clif_fb_jump(fb, 99, NULL, 0), CLIF_NONE);
    expect_error(fb, CLIF_ERR_ARGUMENT, "jump: block99 does not exist");
    start(fb, f);
    assert_int_equal(clif_fb_binary(fb, CLIF_OP_IADD, 0, 12345), CLIF_NONE);
    expect_error(fb, CLIF_ERR_ARGUMENT, "iadd: v12345 is not a value of the function");
    start(fb, f);
    assert_int_equal(clif_fb_binary(fb, CLIF_OP_IADD, 0, CLIF_NONE), CLIF_NONE);
    expect_error(fb, CLIF_ERR_ARGUMENT, "iadd: missing value");
    start(fb, f);
    clif_inst_desc d = {.opcode = CLIF_OP_IADD, .args = NULL, .nargs = 0};
    assert_int_equal(clif_fb_ins(fb, &d), CLIF_NONE);
    expect_error(fb, CLIF_ERR_ARGUMENT, "iadd: needs 2 value operands, got 0");

    /* Block parameters only before instructions. */
    b = start(fb, f);
    clif_fb_iconst(fb, CLIF_I32, 1);
    assert_int_equal(clif_fb_append_block_param(fb, b, CLIF_I32), CLIF_NONE);
    expect_error(fb, CLIF_ERR_ARGUMENT, "append_block_param: block0 already has instructions");

    /* Switch errors. */
    b = start(fb, f);
    clif_switch *sw = clif_switch_new();
    n = clif_fb_create_block(fb);
    clif_fb_create_block(fb);
    clif_switch_set_entry(sw, 4, n);
    clif_switch_set_entry(sw, 4, n);
    assert_false(clif_switch_emit(sw, fb, clif_block_param(f, b, 0), n));
    expect_error(fb, CLIF_ERR_ARGUMENT, "switch: entry 4 is set twice");
    b = start(fb, f);
    n = clif_fb_create_block(fb);
    clif_value i8v = clif_fb_iconst(fb, CLIF_I8, 1);
    clif_switch_set_entry(sw, 256, n);
    assert_false(clif_switch_emit(sw, fb, i8v, n));
    expect_error(fb, CLIF_ERR_ARGUMENT, "switch: entry 256 does not fit the index type i8");
    b = start(fb, f);
    n = clif_fb_create_block(fb);
    clif_value fv = clif_fb_f32const(fb, 1.0f);
    clif_switch_set_entry(sw, 1, n);
    assert_false(clif_switch_emit(sw, fb, fv, n));
    expect_error(fb, CLIF_ERR_ARGUMENT, "switch: the index must be a scalar integer, not f32");
    clif_switch_free(sw);

    /* Dynamic vector variables are refused with the feature named. */
    start(fb, f);
    assert_false(clif_fb_declare_var(fb, 0, clif_type_parse("i32x4xN", 7)));
    expect_error(fb, CLIF_ERR_UNSUPPORTED, "unsupported: variable 0 of dynamic vector type");

    /* No function at all. */
    clif_fb *fresh = clif_fb_new();
    assert_int_equal(clif_fb_create_block(fresh), CLIF_NONE);
    err = clif_fb_finalize(fresh);
    assert_non_null(err);
    assert_non_null(strstr(clif_error_message(err), "no function"));
    clif_error_free(err);
    clif_fb_free(fresh);

    clif_func_free(f);
    clif_fb_free(fb);
}

/* A variable used before any definition reads as a typed zero, for every
 * kind of type: i128 via uextend, floats, vectors through vconst. */
static void test_zero_of_each_type(void **state) {
    (void)state;
    clif_fb *fb = clif_fb_new();
    clif_func *f = clif_func_new();
    const char *types[] = {"i8", "i16", "i32", "i64", "i128", "f32", "f64", "i32x4", "f64x2"};
    for (size_t k = 0; k < sizeof types / sizeof types[0]; k++) {
        clif_type t = clif_type_parse(types[k], strlen(types[k]));
        clif_func_clear(f);
        clif_abi_param r = {t, 0, 0, 0};
        clif_signature sig = {NULL, 0, &r, 1, CLIF_CC_SYSTEM_V};
        clif_func_set_signature(f, &sig);
        clif_fb_begin(fb, f);
        clif_block b = clif_fb_create_block(fb);
        clif_fb_switch_to_block(fb, b);
        clif_fb_seal_block(fb, b);
        clif_fb_declare_var(fb, 0, t);
        clif_value v = clif_fb_use_var(fb, 0);
        assert_int_equal(clif_value_type(f, v), t);
        clif_fb_return(fb, &v, 1);
        finalize_ok(fb);
        verify_ok(f);
        clif_interp *in = clif_interp_new();
        clif_data_value res;
        memset(&res, 0xAA, sizeof res);
        uint32_t nr = 0;
        clif_error *err = clif_interp_call(in, f, NULL, 0, &res, 1, &nr);
        clif_interp_free(in);
        assert_null(err);
        assert_int_equal(nr, 1);
        assert_int_equal(res.type, t);
        for (unsigned k2 = 0; k2 < clif_type_bytes(t); k2++)
            assert_int_equal(res.bytes[k2], 0);
    }
    clif_func_free(f);
    clif_fb_free(fb);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_loop_sum),
        cmocka_unit_test(test_nested_branches_in_loop),
        cmocka_unit_test(test_defined_on_one_path),
        cmocka_unit_test(test_unsealed_incomplete_phis),
        cmocka_unit_test(test_printed_text),
        cmocka_unit_test(test_deep_chain),
        cmocka_unit_test(test_switch_dense),
        cmocka_unit_test(test_switch_sparse),
        cmocka_unit_test(test_switch_join),
        cmocka_unit_test(test_misuse),
        cmocka_unit_test(test_zero_of_each_type),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
