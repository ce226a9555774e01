/* Unit tests: data values (construction, run-command equality, text). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "cranelift.h"

/* Formats into the calling test's `buf`. */
#define fmt(v) clif_dv_format((v), buf, sizeof buf)

static void test_u64_roundtrip(void **state) {
    (void)state;
    clif_data_value v = clif_dv_from_u64(CLIF_I16, 0x12345678);
    assert_int_equal(v.bytes[0], 0x78);
    assert_int_equal(v.bytes[1], 0x56);
    assert_int_equal(v.bytes[2], 0); /* beyond the type: zero */
    assert_int_equal(clif_dv_to_u64(&v), 0x5678);
    v = clif_dv_from_u64(CLIF_I64, UINT64_MAX);
    assert_int_equal(clif_dv_to_u64(&v), UINT64_MAX);
    v = clif_dv_from_u64(CLIF_I128, 5);
    assert_int_equal(clif_dv_to_u64(&v), 5);
    for (int i = 8; i < 16; i++)
        assert_int_equal(v.bytes[i], 0);
}

static void test_format_ints(void **state) {
    (void)state;
    char buf[80];
    clif_data_value v = clif_dv_from_u64(CLIF_I8, 0xff);
    assert_string_equal(fmt(&v), "-1");
    v = clif_dv_from_u64(CLIF_I8, 127);
    assert_string_equal(fmt(&v), "127");
    v = clif_dv_from_u64(CLIF_I16, 0x8000);
    assert_string_equal(fmt(&v), "-32768");
    v = clif_dv_from_u64(CLIF_I32, 100000);
    assert_string_equal(fmt(&v), "100000"); /* decimal, unlike an Imm64 */
    v = clif_dv_from_u64(CLIF_I64, 0x8000000000000000ull);
    assert_string_equal(fmt(&v), "-9223372036854775808");
    v = clif_dv_from_u64(CLIF_I128, 0);
    assert_string_equal(fmt(&v), "0");
    memset(v.bytes, 0xff, 16);
    assert_string_equal(fmt(&v), "-1");
    memset(v.bytes, 0, 16);
    v.bytes[15] = 0x80; /* i128::MIN */
    assert_string_equal(fmt(&v), "-170141183460469231731687303715884105728");
    memset(v.bytes, 0xff, 16);
    v.bytes[15] = 0x7f; /* i128::MAX */
    assert_string_equal(fmt(&v), "170141183460469231731687303715884105727");
    memset(v.bytes, 0, 16);
    v.bytes[8] = 1; /* 2^64 */
    assert_string_equal(fmt(&v), "18446744073709551616");
}

static void test_format_floats(void **state) {
    (void)state;
    char buf[80];
    clif_data_value v = clif_dv_from_u64(CLIF_F32, 0x3fc00000);
    assert_string_equal(fmt(&v), "0x1.800000p0");
    v = clif_dv_from_u64(CLIF_F32, 0x80000000);
    assert_string_equal(fmt(&v), "-0.0");
    v = clif_dv_from_u64(CLIF_F64, 0x7ff8000000000000ull);
    assert_string_equal(fmt(&v), "+NaN");
    v = clif_dv_from_u64(CLIF_F64, 0xfff0000000000000ull);
    assert_string_equal(fmt(&v), "-Inf");
    v = clif_dv_from_u64(CLIF_F64, 0x7ff0000000000001ull);
    assert_string_equal(fmt(&v), "+sNaN:0x1");
    v = clif_dv_from_u64(CLIF_F16, 0xc000);
    assert_string_equal(fmt(&v), "-0x1.000p1");
    v = clif_dv_from_u64(CLIF_F128, 0);
    v.bytes[15] = 0x40;
    v.bytes[14] = 0x00;
    v.bytes[13] = 0x80; /* 3.0 = 0x1.8p1 */
    assert_string_equal(fmt(&v), "0x1.8000000000000000000000000000p1");
    v.bytes[15] = 0x7f;
    v.bytes[14] = 0xff;
    v.bytes[13] = 0x80;
    v.bytes[0] = 0x2a; /* quiet NaN with payload 42 */
    assert_string_equal(fmt(&v), "+NaN:0x2a");
}

static void test_format_vectors(void **state) {
    (void)state;
    char buf[80];
    clif_data_value v = {clif_type_vector(CLIF_I32, 2), {0}};
    for (int lane = 0; lane < 4; lane++)
        v.bytes[4 * lane] = (uint8_t)(lane + 1);
    assert_string_equal(fmt(&v), "0x00000004000000030000000200000001");
    clif_data_value w = {clif_type_vector(CLIF_I8, 3), {1, 2, 3, 4, 5, 6, 7, 8}};
    assert_string_equal(fmt(&w), "0x0807060504030201");
    char small[6];
    clif_dv_format(&v, small, sizeof small);
    assert_string_equal(small, "0x000"); /* truncated like snprintf */
    clif_data_value bad = {CLIF_TYPE_INVALID, {0}};
    assert_string_equal(fmt(&bad), "invalid");
}

static void test_equal(void **state) {
    (void)state;
    clif_data_value a = clif_dv_from_u64(CLIF_I32, 7), b = clif_dv_from_u64(CLIF_I32, 7);
    assert_true(clif_dv_equal(&a, &b));
    b = clif_dv_from_u64(CLIF_I32, 8);
    assert_false(clif_dv_equal(&a, &b));
    b = clif_dv_from_u64(CLIF_I64, 7); /* other type */
    assert_false(clif_dv_equal(&a, &b));
    b = clif_dv_from_u64(CLIF_F32, 7); /* same bits, float */
    assert_false(clif_dv_equal(&a, &b));
    /* Floats compare by bits: NaN equals the same NaN, zeros differ by sign. */
    clif_data_value n1 = clif_dv_from_u64(CLIF_F32, 0x7fc00000);
    clif_data_value n2 = clif_dv_from_u64(CLIF_F32, 0x7fc00000);
    clif_data_value n3 = clif_dv_from_u64(CLIF_F32, 0x7fc00001);
    assert_true(clif_dv_equal(&n1, &n2));
    assert_false(clif_dv_equal(&n1, &n3));
    clif_data_value z = clif_dv_from_u64(CLIF_F64, 0), mz = clif_dv_from_u64(CLIF_F64, 1ull << 63);
    assert_false(clif_dv_equal(&z, &mz));
    /* Vectors compare by bytes whatever the lane type, but need the same size. */
    clif_data_value vi = {clif_type_vector(CLIF_I32, 2), {1, 2, 3}};
    clif_data_value vf = {clif_type_vector(CLIF_F32, 2), {1, 2, 3}};
    clif_data_value v8 = {clif_type_vector(CLIF_I8, 3), {1, 2, 3}};
    assert_true(clif_dv_equal(&vi, &vf));
    assert_false(clif_dv_equal(&vi, &v8));
    vf.bytes[15] = 1;
    assert_false(clif_dv_equal(&vi, &vf));
    clif_data_value i128 = clif_dv_from_u64(CLIF_I128, 1);
    assert_false(clif_dv_equal(&vi, &i128)); /* a vector is no scalar of its size */
    clif_data_value inv = {CLIF_TYPE_INVALID, {0}};
    assert_false(clif_dv_equal(&inv, &inv));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_u64_roundtrip), cmocka_unit_test(test_format_ints),
        cmocka_unit_test(test_format_floats), cmocka_unit_test(test_format_vectors),
        cmocka_unit_test(test_equal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
