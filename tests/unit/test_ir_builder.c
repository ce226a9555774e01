/* Unit tests: types, the opcode table and the builder API. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "cranelift.h"

static void test_type_names(void **state) {
    (void)state;
    char buf[32];
    const char *names[] = {"i8",   "i16",   "i32",   "i64",   "i128",    "f16",  "f32",   "f64",
                           "f128", "i8x16", "i32x4", "f64x2", "i16x8xN", "i8x2", "f32x16"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        clif_type t = clif_type_parse(names[i], strlen(names[i]));
        assert_int_not_equal(t, CLIF_TYPE_INVALID);
        assert_string_equal(clif_type_name(t, buf, sizeof buf), names[i]);
    }
    const char *bad[] = {"i7", "i32x3", "i8x1", "b1", "i64x16", "x", "i32xN", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(clif_type_parse(bad[i], strlen(bad[i])), CLIF_TYPE_INVALID);
    clif_type i32x4 = clif_type_parse("i32x4", 5);
    assert_int_equal(clif_type_bits(i32x4), 128);
    assert_int_equal(clif_type_lanes(i32x4), 4);
    assert_int_equal(clif_type_split_lanes(i32x4), clif_type_parse("i16x8", 5));
    assert_int_equal(clif_type_merge_lanes(i32x4), clif_type_parse("i64x2", 5));
    assert_int_equal(clif_type_as_int(clif_type_parse("f64x2", 5)), clif_type_parse("i64x2", 5));
    assert_int_equal(clif_type_half_width(CLIF_I128), CLIF_I64);
}

static void test_opcode_table(void **state) {
    (void)state;
    int count = 0;
    for (int op = 1; op < CLIF_OP_COUNT; op++) {
        const clif_opcode_info *info = clif_opcode_info_of((clif_opcode)op);
        assert_non_null(info->name);
        assert_int_equal(clif_opcode_from_name(info->name, strlen(info->name)), op);
        count++;
    }
    assert_int_equal(count, 163);
    assert_int_equal(clif_opcode_from_name("iadd_imm", 8), CLIF_OP_INVALID);
    char buf[16];
    assert_string_equal(clif_trap_name(CLIF_TRAP_HEAP_OUT_OF_BOUNDS, buf, sizeof buf), "heap_oob");
    assert_int_equal(clif_trap_from_name("user42", 6), 42);
    assert_int_equal(clif_trap_from_name("user251", 7), 0);
    assert_int_equal(clif_trap_from_name("int_divz", 8), CLIF_TRAP_INTEGER_DIVISION_BY_ZERO);
    assert_int_equal(clif_intcc_from_name("uge", 3), CLIF_ICC_UGE);
    assert_int_equal(clif_floatcc_from_name("one", 3), CLIF_FCC_ONE);
}

static void test_build_function(void **state) {
    (void)state;
    clif_func *f = clif_func_new();
    for (int round = 0; round < 2; round++) {
        clif_func_clear(f);
        clif_abi_param p = {CLIF_I32, 0, 0, 0};
        clif_signature sig = {&p, 1, &p, 1, CLIF_CC_SYSTEM_V};
        clif_func_set_signature(f, &sig);
        clif_block b0 = clif_create_block(f), b1 = clif_create_block(f);
        clif_append_block(f, b0);
        clif_append_block(f, b1);
        clif_value x = clif_append_block_param(f, b0, CLIF_I32);
        clif_value one = clif_ins_iconst(f, b0, CLIF_I32, 1);
        clif_value sum = clif_ins_binary(f, b0, CLIF_OP_IADD, x, one);
        assert_int_equal(clif_value_type(f, sum), CLIF_I32);
        clif_value c = clif_ins_icmp(f, b0, CLIF_ICC_EQ, sum, one);
        assert_int_equal(clif_value_type(f, c), CLIF_I8);
        clif_value y = clif_append_block_param(f, b1, CLIF_I32);
        clif_block_call t = {b1, &sum, 1}, e = {b1, &x, 1};
        clif_ins_brif(f, b0, c, &t, &e);
        clif_ins_return(f, b1, &y, 1);
        assert_int_equal(clif_func_num_blocks(f), 2);
        assert_int_equal(clif_first_block(f), b0);
        assert_int_equal(clif_next_block(f, b0), b1);
        clif_inst i = clif_first_inst(f, b0);
        assert_int_equal(clif_inst_opcode(f, i), CLIF_OP_ICONST);
        i = clif_next_inst(f, i);
        assert_int_equal(clif_inst_opcode(f, i), CLIF_OP_IADD);
        assert_int_equal(clif_inst_arg(f, i, 0), x);
        assert_int_equal(clif_inst_result(f, i, 0), sum);
        assert_int_equal(clif_block_param(f, b1, 0), y);
        clif_value pair[2];
        clif_inst ov = clif_build(f, CLIF_NONE,
                                  &(clif_inst_desc){.opcode = CLIF_OP_UADD_OVERFLOW,
                                                    .args = (clif_value[]){x, x},
                                                    .nargs = 2});
        pair[0] = clif_inst_result(f, ov, 0);
        pair[1] = clif_inst_result(f, ov, 1);
        assert_int_equal(clif_value_type(f, pair[0]), CLIF_I32);
        assert_int_equal(clif_value_type(f, pair[1]), CLIF_I8);
    }
    clif_func_free(f);
}

/* Counts and arrays the builder cannot use: nothing is built, CLIF_NONE
 * comes back, and the function stays as it was. */
static void test_bad_arguments(void **state) {
    (void)state;
    clif_func *f = clif_func_new();
    clif_block b = clif_create_block(f);
    clif_append_block(f, b);
    clif_value x = clif_append_block_param(f, b, CLIF_I64);
    clif_block_call ok = {b, &x, 1}, huge = {b, &x, UINT32_MAX}, noarray = {b, NULL, 2};
    assert_int_equal(clif_create_jump_table(f, &ok, &ok, UINT32_MAX), CLIF_NONE);
    assert_int_equal(clif_create_jump_table(f, &ok, NULL, 1), CLIF_NONE);
    assert_int_equal(clif_create_jump_table(f, &huge, NULL, 0), CLIF_NONE);
    assert_int_equal(clif_create_jump_table(f, &ok, &noarray, 1), CLIF_NONE);
    assert_int_equal(clif_ins_call_indirect(f, b, 0, x, &x, UINT32_MAX), CLIF_NONE);
    assert_int_equal(clif_ins_call_indirect(f, b, 0, x, NULL, 3), CLIF_NONE);
    assert_int_equal(clif_ins_return(f, b, NULL, 2), CLIF_NONE);
    assert_int_equal(clif_ins_jump(f, b, b, &x, UINT32_MAX), CLIF_NONE);
    assert_int_equal(clif_ins_brif(f, b, x, &ok, &noarray), CLIF_NONE);
    clif_inst_desc jump = {.opcode = CLIF_OP_JUMP, .targets = NULL, .ntargets = 1};
    assert_int_equal(clif_build(f, b, &jump), CLIF_NONE);
    assert_int_equal(clif_func_num_insts(f), 0);
    assert_int_equal(clif_first_inst(f, b), CLIF_NONE);
    /* The same arguments within bounds build. */
    assert_int_not_equal(clif_create_jump_table(f, &ok, &ok, 1), CLIF_NONE);
    assert_int_not_equal(clif_ins_brif(f, b, x, &ok, &ok), CLIF_NONE);
    clif_func_free(f);
}

/* A signature read back from the function can be stored again, even when
 * storing it grows the array it points into. */
static void test_signature_readback(void **state) {
    (void)state;
    clif_func *f = clif_func_new();
    clif_abi_param p[3] = {
        {CLIF_I32, 0, 0, 0}, {CLIF_I64, CLIF_EXT_UEXT, 0, 0}, {CLIF_F64, 0, 0, 0}};
    clif_signature sig = {p, 3, p, 1, CLIF_CC_SYSTEM_V};
    clif_func_set_signature(f, &sig);
    for (int i = 0; i < 200; i++) {
        clif_signature back;
        clif_func_signature(f, &back);
        back.callconv = (i & 1) ? CLIF_CC_TAIL : CLIF_CC_SYSTEM_V;
        clif_func_set_signature(f, &back);
    }
    clif_signature last;
    clif_func_signature(f, &last);
    assert_int_equal(last.nparams, 3);
    assert_int_equal(last.params[1].type, CLIF_I64);
    assert_int_equal(last.params[1].ext, CLIF_EXT_UEXT);
    assert_int_equal(last.returns[0].type, CLIF_I32);
    assert_int_equal(last.callconv, CLIF_CC_TAIL);
    clif_func_free(f);
}

static void test_name_format(void **state) {
    (void)state;
    char buf[32];
    clif_ext_name user = {CLIF_NAME_USER, 1, 42, NULL};
    assert_string_equal(clif_ext_name_format(&user, buf, sizeof buf), "u1:42");
    clif_ext_name tc = {CLIF_NAME_TESTCASE, 0, 0, "fib"};
    assert_string_equal(clif_ext_name_format(&tc, buf, sizeof buf), "%fib");
    assert_string_equal(clif_ext_name_format(&tc, buf, 3), "%f");
    clif_func *f = clif_func_new();
    clif_func_set_name(f, &user);
    assert_string_equal(clif_func_name_format(f, buf, sizeof buf), "u1:42");
    clif_func_free(f);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_type_names),     cmocka_unit_test(test_opcode_table),
        cmocka_unit_test(test_build_function), cmocka_unit_test(test_signature_readback),
        cmocka_unit_test(test_bad_arguments),  cmocka_unit_test(test_name_format),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
