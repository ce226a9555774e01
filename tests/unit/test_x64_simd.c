/* Unit tests: 128-bit vector lowering on x86-64 (lower_simd.c), compiled
 * through the JIT and run on the host: vector arguments and returns in xmm
 * registers, lane-wise arithmetic, splat and extractlane sequences, and the
 * unsupported-operation error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clif/codegen.h"
#include "clif/reader.h"
#include "jit/jit.h"

static clif_test_file *parse(const char *text) {
    clif_test_file *tf = NULL;
    clif_error *e = clif_parse_test_file(text, strlen(text), "simd.clif", &tf);
    if (e) {
        char buf[512];
        fprintf(stderr, "%s\n", clif_error_format(e, buf, sizeof buf));
        clif_error_free(e);
    }
    assert_non_null(tf);
    return tf;
}

static clif_isa *isa_x64(void) {
    clif_isa *isa = NULL;
    assert_null(clif_isa_lookup("x86_64", &isa));
    assert_null(clif_isa_set(isa, "regalloc_checker", "true"));
    return isa;
}

static bool host_is_x64(void) {
    clif_isa *h = NULL;
    clif_error *e = clif_isa_host(&h);
    bool ok = !e && strcmp(clif_isa_name(h), "x86_64") == 0;
    clif_error_free(e);
    clif_isa_free(h);
    return ok;
}

/* Compiles the single function of `text` and calls it with `args`; the
 * first result goes to *out. */
static void run1(const char *text, const clif_data_value *args, uint32_t nargs,
                 clif_data_value *out) {
    clif_isa *isa = isa_x64();
    clif_test_file *tf = parse(text);
    jit_module *m = jit_module_new(isa);
    const clif_func *f = tf->functions[0].func;
    clif_error *e = jit_module_add(m, f);
    if (e) {
        char buf[512];
        fprintf(stderr, "%s\n", clif_error_format(e, buf, sizeof buf));
    }
    assert_null(e);
    assert_null(jit_module_finalize(m));
    clif_ext_name name = clif_func_name(f);
    void *p = jit_module_lookup(m, &name);
    assert_non_null(p);
    clif_data_value res[4];
    uint32_t nres = 0;
    assert_null(jit_module_call(m, f, p, args, nargs, res, 4, &nres));
    assert_int_equal(nres, 1);
    *out = res[0];
    jit_module_free(m);
    clif_test_file_free(tf);
    clif_isa_free(isa);
}

/* A vector value of type t with 16 bytes from `bytes`. */
static clif_data_value vec(clif_type t, const void *bytes) {
    clif_data_value v;
    memset(&v, 0, sizeof v);
    v.type = t;
    memcpy(v.bytes, bytes, 16);
    return v;
}

static void test_iadd_i32x4(void **state) {
    (void)state;
    if (!host_is_x64()) skip();
    uint32_t a[4] = {1, 2, 0xffffffffu, 40}, b[4] = {10, 20, 1, 2}, r[4];
    clif_data_value args[2] = {vec(clif_type_vector(CLIF_I32, 2), a),
                               vec(clif_type_vector(CLIF_I32, 2), b)},
                    out;
    run1("function %f(i32x4, i32x4) -> i32x4 {\n"
         "block0(v0: i32x4, v1: i32x4):\n"
         "    v2 = iadd v0, v1\n"
         "    v3 = isub v2, v1\n"
         "    v4 = iadd v3, v1\n"
         "    return v4\n"
         "}\n",
         args, 2, &out);
    memcpy(r, out.bytes, 16);
    assert_int_equal(r[0], 11);
    assert_int_equal(r[1], 22);
    assert_int_equal(r[2], 0);
    assert_int_equal(r[3], 42);
}

static void test_splat_extract_i8(void **state) {
    (void)state;
    if (!host_is_x64()) skip();
    clif_data_value arg = clif_dv_from_u64(CLIF_I8, 0xa5), out;
    /* splat then pick odd and even byte lanes through pextrw + shift. */
    run1("function %f(i8) -> i8 {\n"
         "block0(v0: i8):\n"
         "    v1 = splat.i8x16 v0\n"
         "    v2 = extractlane v1, 13\n"
         "    v3 = extractlane v1, 2\n"
         "    v4 = bxor v2, v3\n"
         "    v5 = bxor v4, v2\n"
         "    return v5\n"
         "}\n",
         &arg, 1, &out);
    assert_int_equal(clif_dv_to_u64(&out) & 0xff, 0xa5);
}

static void test_f64x2_lanes(void **state) {
    (void)state;
    if (!host_is_x64()) skip();
    double a[2] = {1.5, -4.0};
    clif_data_value arg = vec(clif_type_vector(CLIF_F64, 1), a), out;
    run1("function %f(f64x2) -> f64 {\n"
         "block0(v0: f64x2):\n"
         "    v1 = fabs v0\n"
         "    v2 = fmul v1, v0\n"
         "    v3 = extractlane v2, 1\n"
         "    return v3\n"
         "}\n",
         &arg, 1, &out);
    double r;
    memcpy(&r, out.bytes, 8);
    assert_true(r == -16.0);
}

static void test_shift_i16x8(void **state) {
    (void)state;
    if (!host_is_x64()) skip();
    uint16_t a[8] = {0x8001, 2, 3, 4, 5, 6, 7, 0xffff}, r[8];
    clif_data_value args[2] = {vec(clif_type_vector(CLIF_I16, 3), a),
                               clif_dv_from_u64(CLIF_I32, 17)},
                    out;
    /* The amount is taken modulo the lane width: 17 & 15 = 1. */
    run1("function %f(i16x8, i32) -> i16x8 {\n"
         "block0(v0: i16x8, v1: i32):\n"
         "    v2 = sshr v0, v1\n"
         "    return v2\n"
         "}\n",
         args, 2, &out);
    memcpy(r, out.bytes, 16);
    assert_int_equal(r[0], 0xc000);
    assert_int_equal(r[1], 1);
    assert_int_equal(r[7], 0xffff);
}

static void test_imul_icmp_sse2(void **state) {
    (void)state;
    if (!host_is_x64()) skip();
    /* Baseline x86_64: the pmuludq sequence and the sign-flip unsigned compare. */
    uint32_t a[4] = {3, 0x10000, 0xffffffffu, 7}, b[4] = {5, 0x10000, 2, 0x80000000u}, r[4];
    clif_type t = clif_type_vector(CLIF_I32, 2);
    clif_data_value args[2] = {vec(t, a), vec(t, b)}, out;
    run1("function %f(i32x4, i32x4) -> i32x4 {\n"
         "block0(v0: i32x4, v1: i32x4):\n"
         "    v2 = imul v0, v1\n"
         "    v3 = icmp ult v0, v1\n"
         "    v4 = bxor v2, v3\n"
         "    return v4\n"
         "}\n",
         args, 2, &out);
    memcpy(r, out.bytes, 16);
    assert_int_equal(r[0], 15u ^ 0xffffffffu);
    assert_int_equal(r[1], 0);
    assert_int_equal(r[2], 0xfffffffeu);
    assert_int_equal(r[3], 0x80000000u ^ 0xffffffffu);
}

static void test_unsupported_names_op(void **state) {
    (void)state;
    clif_isa *isa = isa_x64();
    clif_test_file *tf = parse("function %g(i64x2, i64x2) -> i64x2 {\n"
                               "block0(v0: i64x2, v1: i64x2):\n"
                               "    v2 = iadd_pairwise v0, v1\n"
                               "    return v2\n"
                               "}\n");
    clif_compiled *c = NULL;
    clif_error *e = clif_compile(isa, tf->functions[0].func, &c);
    assert_non_null(e);
    assert_null(c);
    assert_int_equal(clif_error_get_kind(e), CLIF_ERR_UNSUPPORTED);
    assert_non_null(strstr(clif_error_message(e), "unsupported: i64x2 iadd_pairwise on x86_64"));
    clif_error_free(e);
    clif_test_file_free(tf);
    clif_isa_free(isa);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_iadd_i32x4),     cmocka_unit_test(test_splat_extract_i8),
        cmocka_unit_test(test_f64x2_lanes),    cmocka_unit_test(test_shift_i16x8),
        cmocka_unit_test(test_imul_icmp_sse2), cmocka_unit_test(test_unsupported_names_op),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
