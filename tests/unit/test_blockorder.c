/* Unit tests: lowered block order (reverse postorder, edge splitting,
 * unreachable blocks, deep CFGs without recursion). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clif/reader.h"
#include "machinst/blockorder.h"

static clif_test_file *parse(const char *text) {
    clif_test_file *tf = NULL;
    clif_error *e = clif_parse_test_file(text, strlen(text), "test.clif", &tf);
    if (e) {
        char buf[512];
        fprintf(stderr, "%s\n", clif_error_format(e, buf, sizeof buf));
        clif_error_free(e);
    }
    assert_non_null(tf);
    return tf;
}

/* Index in the lowered order of CLIF block b. */
static uint32_t pos(const block_order *bo, clif_block b) {
    return bo->lowered_of.data[b];
}

static uint32_t count_edges(const block_order *bo) {
    uint32_t n = 0;
    for (uint32_t i = 0; i < bo->blocks.len; i++)
        n += bo_is_edge(bo, i);
    return n;
}

static void check_consistent(const block_order *bo) {
    /* Every successor edge has a matching predecessor edge. */
    for (uint32_t b = 0; b < bo->blocks.len; b++)
        for (uint32_t j = bo->succ_start.data[b]; j < bo->succ_start.data[b + 1]; j++) {
            uint32_t s = bo->succs.data[j];
            bool found = false;
            for (uint32_t k = bo->pred_start.data[s]; k < bo->pred_start.data[s + 1]; k++)
                found |= bo->preds.data[k] == b;
            assert_true(found);
        }
    assert_int_equal(bo->pred_start.data[1] - bo->pred_start.data[0], 0);
}

static void test_diamond(void **state) {
    (void)state;
    clif_test_file *tf = parse("function %f(i32) -> i32 {\n"
                               "block0(v0: i32):\n"
                               "    brif v0, block1, block2\n"
                               "block1:\n"
                               "    jump block3(v0)\n"
                               "block2:\n"
                               "    v1 = iconst.i32 1\n"
                               "    jump block3(v1)\n"
                               "block3(v2: i32):\n"
                               "    return v2\n"
                               "}\n");
    block_order bo = {0};
    char msg[128];
    assert_true(bo_compute(&bo, tf->functions[0].func, msg, sizeof msg));
    assert_int_equal(bo.blocks.len, 4);
    assert_int_equal(count_edges(&bo), 0);
    assert_int_equal(pos(&bo, 0), 0);
    /* The first successor follows its block; the join comes last. */
    assert_int_equal(pos(&bo, 1), 1);
    assert_true(pos(&bo, 3) > pos(&bo, 1) && pos(&bo, 3) > pos(&bo, 2));
    assert_int_equal(bo_num_succs(&bo, 0), 2);
    assert_int_equal(bo.succs.data[bo.succ_start.data[0]], pos(&bo, 1));
    assert_int_equal(bo.succs.data[bo.succ_start.data[0] + 1], pos(&bo, 2));
    check_consistent(&bo);
    bo_free(&bo);
    clif_test_file_free(tf);
}

static void test_critical_edge_and_args(void **state) {
    (void)state;
    clif_test_file *tf = parse("function %f(i32) -> i32 {\n"
                               "block0(v0: i32):\n"
                               "    brif v0, block1(v0), block2\n"
                               "block1(v1: i32):\n"
                               "    jump block2\n"
                               "block2:\n"
                               "    return v0\n"
                               "}\n");
    block_order bo = {0};
    char msg[128];
    assert_true(bo_compute(&bo, tf->functions[0].func, msg, sizeof msg));
    /* block0 -> block1 passes arguments, block0 -> block2 is critical: both split. */
    assert_int_equal(bo.blocks.len, 5);
    assert_int_equal(count_edges(&bo), 2);
    for (uint32_t i = 0; i < bo.blocks.len; i++) {
        if (!bo_is_edge(&bo, i)) continue;
        const lowered_block *lb = &bo.blocks.data[i];
        assert_int_equal(lb->from, 0);
        assert_int_equal(bo_num_succs(&bo, i), 1);
        assert_int_equal(bo.succs.data[bo.succ_start.data[i]], pos(&bo, lb->orig));
        assert_int_equal(bo.succs.data[bo.succ_start.data[0] + lb->succ], i);
        assert_true(i > 0);
    }
    check_consistent(&bo);
    bo_free(&bo);
    clif_test_file_free(tf);
}

static void test_unreachable_and_loop(void **state) {
    (void)state;
    clif_test_file *tf = parse("function %f(i32) -> i32 {\n"
                               "block0(v0: i32):\n"
                               "    jump block1(v0)\n"
                               "block3:\n"
                               "    v9 = iconst.i32 9\n"
                               "    return v9\n"
                               "block1(v1: i32):\n"
                               "    v8 = iconst.i32 -1\n"
                               "    v2 = iadd v1, v8\n"
                               "    brif v2, block1(v2), block2\n"
                               "block2:\n"
                               "    return v1\n"
                               "}\n");
    block_order bo = {0};
    char msg[128];
    assert_true(bo_compute(&bo, tf->functions[0].func, msg, sizeof msg));
    assert_int_equal(pos(&bo, 3), CLIF_NONE);
    /* block0, block1, the back edge's block, block2. */
    assert_int_equal(bo.blocks.len, 4);
    assert_int_equal(count_edges(&bo), 1);
    assert_int_equal(pos(&bo, 0), 0);
    assert_true(pos(&bo, 1) < pos(&bo, 2));
    check_consistent(&bo);
    bo_free(&bo);
    clif_test_file_free(tf);
}

static void test_br_table_edges(void **state) {
    (void)state;
    clif_test_file *tf = parse("function %f(i32) -> i32 {\n"
                               "block0(v0: i32):\n"
                               "    br_table v0, block1, [block1, block2, block1]\n"
                               "block1:\n"
                               "    return v0\n"
                               "block2:\n"
                               "    return v0\n"
                               "}\n");
    block_order bo = {0};
    char msg[128];
    assert_true(bo_compute(&bo, tf->functions[0].func, msg, sizeof msg));
    /* block1 has three predecessor edges from block0: each is split. */
    assert_int_equal(bo_num_succs(&bo, 0), 4);
    assert_int_equal(count_edges(&bo), 3);
    assert_int_equal(bo.blocks.len, 6);
    check_consistent(&bo);
    bo_free(&bo);
    clif_test_file_free(tf);
}

/* A chain of 200000 blocks: the walk must not recurse. */
static void test_deep_chain(void **state) {
    (void)state;
    clif_func *f = clif_func_new();
    clif_abi_param p = {CLIF_I32, 0, 0, 0};
    clif_signature sig = {&p, 1, &p, 1, CLIF_CC_SYSTEM_V};
    clif_func_set_signature(f, &sig);
    enum { N = 200000 };
    clif_block first = clif_create_block(f);
    clif_value v = clif_append_block_param(f, first, CLIF_I32);
    clif_append_block(f, first);
    clif_block cur = first;
    for (int i = 1; i < N; i++) {
        clif_block next = clif_create_block(f);
        clif_append_block(f, next);
        clif_ins_jump(f, cur, next, NULL, 0);
        cur = next;
    }
    clif_ins_return(f, cur, &v, 1);
    block_order bo = {0};
    char msg[128];
    assert_true(bo_compute(&bo, f, msg, sizeof msg));
    assert_int_equal(bo.blocks.len, N);
    for (uint32_t i = 0; i < N; i++)
        assert_int_equal(pos(&bo, i), i);
    bo_free(&bo);
    clif_func_free(f);
}

static void test_missing_terminator(void **state) {
    (void)state;
    clif_func *f = clif_func_new();
    clif_block b = clif_create_block(f);
    clif_append_block(f, b);
    clif_ins_iconst(f, b, CLIF_I32, 1);
    block_order bo = {0};
    char msg[128];
    assert_false(bo_compute(&bo, f, msg, sizeof msg));
    assert_non_null(strstr(msg, "terminator"));
    bo_free(&bo);
    clif_func_free(f);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_diamond),
        cmocka_unit_test(test_critical_edge_and_args),
        cmocka_unit_test(test_unreachable_and_loop),
        cmocka_unit_test(test_br_table_edges),
        cmocka_unit_test(test_deep_chain),
        cmocka_unit_test(test_missing_terminator),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
