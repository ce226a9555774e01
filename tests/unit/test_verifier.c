/* Unit tests of the verifier: one broken function per rule, built with the
 * builder API (and, for corruptions the API cannot express, by editing the
 * containers directly), each asserting the exact finding. Valid functions,
 * a 100,000-block chain and a 1,000,000-instruction body must verify. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "cranelift.h"
#include "ir/cfg.h"
#include "ir/domtree.h"
#include "ir/function.h"

#define MAX_FINDINGS 16

typedef struct findings {
    char *msg[MAX_FINDINGS];
    clif_inst inst[MAX_FINDINGS];
    clif_block block[MAX_FINDINGS];
    uint32_t line[MAX_FINDINGS];
    uint32_t n, total;
} findings;

static void collect(void *ctx, const clif_verifier_error *e) {
    findings *fs = ctx;
    fs->total++;
    if (fs->n == MAX_FINDINGS) return;
    size_t len = strlen(e->message);
    char *copy = malloc(len + 1);
    memcpy(copy, e->message, len + 1);
    fs->msg[fs->n] = copy;
    fs->inst[fs->n] = e->inst;
    fs->block[fs->n] = e->block;
    fs->line[fs->n] = e->line;
    fs->n++;
}

static void release(findings *fs) {
    for (uint32_t i = 0; i < fs->n; i++)
        free(fs->msg[i]);
}

static findings verify(const clif_func *f) {
    findings fs;
    memset(&fs, 0, sizeof fs);
    uint32_t n = clif_verify_each(f, collect, &fs);
    assert_int_equal(n, fs.total);
    return fs;
}

static void print_findings(const findings *fs) {
    for (uint32_t i = 0; i < fs->n; i++)
        print_message("  finding: %s\n", fs->msg[i]);
}

/* Exactly the given findings, in order. */
static void expect(clif_func *f, uint32_t n, ...) {
    findings fs = verify(f);
    if (fs.total != n) print_findings(&fs);
    assert_int_equal(fs.total, n);
    va_list ap;
    va_start(ap, n);
    for (uint32_t i = 0; i < n; i++)
        assert_string_equal(fs.msg[i], va_arg(ap, const char *));
    va_end(ap);
    release(&fs);
}

static void expect_ok(clif_func *f) {
    expect(f, 0);
}

static clif_abi_param P(clif_type t) {
    clif_abi_param p = {t, CLIF_EXT_NONE, CLIF_ARG_NORMAL, 0};
    return p;
}

/* A function with one parameter and one result type and an entry block0
 * holding v0 (the parameter). */
static clif_func *func1(clif_type param, clif_type ret) {
    clif_func *f = clif_func_new();
    clif_abi_param p = P(param), r = P(ret);
    clif_signature sig = {&p, param ? 1 : 0, &r, ret ? 1 : 0, CLIF_CC_SYSTEM_V};
    clif_func_set_signature(f, &sig);
    clif_block b0 = clif_create_block(f);
    clif_append_block(f, b0);
    if (param) clif_append_block_param(f, b0, param);
    return f;
}

static clif_block new_block(clif_func *f) {
    clif_block b = clif_create_block(f);
    clif_append_block(f, b);
    return b;
}

static clif_type vec_type(clif_type lane, unsigned lanes) {
    unsigned log2 = 0;
    while ((1u << log2) < lanes)
        log2++;
    return clif_type_vector(lane, log2);
}

/* ---- Valid functions ---- */

static void test_valid(void **state) {
    (void)state;
    clif_func *f = clif_func_new();
    expect_ok(f);                              /* the empty function */
    clif_ins_return(f, new_block(f), NULL, 0); /* no signature stored at all */
    expect_ok(f);
    clif_func_free(f);

    f = func1(CLIF_I32, CLIF_I32);
    clif_block b1 = new_block(f), b2 = new_block(f);
    clif_value x = 0;
    clif_value one = clif_ins_iconst(f, 0, CLIF_I32, 1);
    clif_value sum = clif_ins_binary(f, 0, CLIF_OP_IADD, x, one);
    clif_value c = clif_ins_icmp(f, 0, CLIF_ICC_EQ, sum, one);
    clif_value y = clif_append_block_param(f, b1, CLIF_I32);
    clif_block_call t = {b1, &sum, 1}, e = {b2, NULL, 0};
    clif_ins_brif(f, 0, c, &t, &e);
    clif_ins_return(f, b1, &y, 1);
    clif_ins_jump(f, b2, b1, &x, 1);
    expect_ok(f);
    clif_func_free(f);
}

/* ---- Layout ---- */

static void test_empty_block(void **state) {
    (void)state;
    clif_func *f = func1(0, 0);
    clif_ins_return(f, 0, NULL, 0);
    new_block(f);
    expect(f, 1, "block1: block1 cannot be empty");
    clif_func_free(f);
}

static void test_no_terminator(void **state) {
    (void)state;
    clif_func *f = func1(0, 0);
    clif_ins_iconst(f, 0, CLIF_I32, 1);
    expect(f, 1, "block0: block does not end in a terminator instruction");
    clif_func_free(f);
}

static void test_terminator_in_middle(void **state) {
    (void)state;
    clif_func *f = func1(0, 0);
    clif_ins_return(f, 0, NULL, 0);
    clif_ins_iconst(f, 0, CLIF_I32, 1);
    clif_ins_return(f, 0, NULL, 0);
    expect(f, 1,
           "inst0 (return): a terminator instruction was encountered before the end of block0");
    findings fs = verify(f);
    assert_int_equal(fs.inst[0], 0);
    assert_int_equal(fs.block[0], 0);
    release(&fs);
    clif_func_free(f);
}

static void test_inst_in_wrong_block(void **state) {
    (void)state;
    clif_func *f = func1(0, 0);
    clif_block b1 = new_block(f);
    clif_ins_jump(f, 0, b1, NULL, 0);
    clif_inst r = clif_ins_return(f, b1, NULL, 0);
    f->inodes.data[r].block = 0;
    expect(f, 1, "inst1 (return): should belong to block1 not block0");
    clif_func_free(f);
}

static void test_inst_twice_in_layout(void **state) {
    (void)state;
    clif_func *f = func1(0, 0);
    clif_inst r = clif_ins_return(f, 0, NULL, 0);
    f->inodes.data[r].next = r; /* a cycle in the instruction list */
    expect(f, 1, "inst0 (return): instruction appears twice in the layout");
    clif_func_free(f);
}

static void test_block_list_cycle(void **state) {
    (void)state;
    clif_func *f = func1(0, 0);
    clif_block b1 = new_block(f);
    clif_ins_jump(f, 0, b1, NULL, 0);
    clif_ins_return(f, b1, NULL, 0);
    f->blocks.data[b1].next = 0;
    expect(f, 1, "block0: block0 appears twice in the layout");
    clif_func_free(f);
}

static void test_param_ownership(void **state) {
    (void)state;
    clif_func *f = func1(0, 0);
    clif_block b1 = new_block(f);
    clif_value p = clif_append_block_param(f, b1, CLIF_I32);
    clif_ins_return(f, 0, NULL, 0);
    clif_ins_return(f, b1, NULL, 0);
    f->values.data[p].owner = 0;
    expect(f, 1, "v0: does not belong to block1");
    f->values.data[p].kind = VK_RESULT;
    expect(f, 1, "v0: expected an argument, found a result");
    clif_func_free(f);
}

static void test_entry_params(void **state) {
    (void)state;
    clif_func *f = func1(CLIF_I32, 0);
    clif_ins_return(f, 0, NULL, 0);
    clif_append_block_param(f, 0, CLIF_I64);
    expect(f, 1, "block0: entry block parameters (2) must match function signature (1)");
    clif_func_free(f);

    f = func1(CLIF_I32, 0);
    clif_ins_return(f, 0, NULL, 0);
    f->values.data[0].type = CLIF_I64;
    expect(f, 1, "block0: entry block parameter 0 expected to have type i32, got i64");
    clif_func_free(f);

    f = func1(0, 0);
    clif_ins_return(f, 0, NULL, 0);
    f->blocks.data[0].cold = true;
    expect(f, 1, "block0: entry block cannot be marked as cold");
    clif_func_free(f);
}

static void test_signature(void **state) {
    (void)state;
    clif_func *f = clif_func_new();
    clif_abi_param p = {CLIF_TYPE_INVALID, CLIF_EXT_NONE, CLIF_ARG_NORMAL, 0};
    clif_abi_param r = {CLIF_F32, CLIF_EXT_SEXT, CLIF_ARG_STRUCT, 8};
    clif_signature sig = {&p, 1, &r, 1, CLIF_CC_SYSTEM_V};
    clif_func_set_signature(f, &sig);
    expect(f, 3, "function: Parameter at position 0 has an invalid type",
           "function: Return value at position 0 can't be an struct argument",
           "function: Return value at position 0 has invalid extension Sext");
    clif_func_free(f);
}

/* ---- Entity references ---- */

static void test_invalid_value(void **state) {
    (void)state;
    clif_func *f = func1(CLIF_I32, CLIF_I32);
    clif_value bad = 999;
    clif_ins_return(f, 0, &bad, 1);
    expect(f, 1, "inst0 (return v999): invalid value reference v999");
    clif_func_free(f);

    /* A number the text skipped: the slot exists but is unused. */
    f = func1(CLIF_I32, CLIF_I32);
    ir_ensure_values(f, 5);
    clif_value skipped = 3;
    clif_ins_return(f, 0, &skipped, 1);
    expect(f, 1, "inst0 (return v3): invalid value reference v3");
    clif_func_free(f);
}

static void test_invalid_entities(void **state) {
    (void)state;
    clif_func *f = func1(0, 0);
    clif_ins_stack_addr(f, 0, CLIF_I64, 3, 0);
    clif_ins_return(f, 0, NULL, 0);
    expect(f, 1, "inst0 (v0 = stack_addr.i64 ss3): invalid stack slot ss3");
    clif_func_free(f);

    f = func1(0, 0);
    clif_ins_call(f, 0, 2, NULL, 0);
    clif_ins_return(f, 0, NULL, 0);
    expect(f, 1, "inst0 (call fn2()): invalid function reference fn2");
    clif_func_free(f);

    f = func1(CLIF_I64, 0);
    clif_ins_call_indirect(f, 0, 1, 0, NULL, 0);
    clif_ins_return(f, 0, NULL, 0);
    expect(f, 1, "inst0 (call_indirect.i64 sig1, v0()): invalid signature reference sig1");
    clif_func_free(f);

    f = func1(CLIF_I32, 0);
    clif_ins_br_table(f, 0, 0, 4);
    expect(f, 1, "inst0 (br_table v0, jt4): invalid jump table reference jt4");
    clif_func_free(f);

    f = func1(0, 0);
    clif_inst_desc d = {.opcode = CLIF_OP_SYMBOL_VALUE, .ctrl_type = CLIF_I64, .entity = 0};
    clif_build(f, 0, &d);
    clif_ins_return(f, 0, NULL, 0);
    expect(f, 1, "inst0 (v0 = symbol_value.i64 gv0): invalid global value gv0");
    clif_func_free(f);

    f = func1(0, 0);
    clif_inst_desc vc = {.opcode = CLIF_OP_VCONST, .ctrl_type = vec_type(CLIF_I32, 4), .entity = 7};
    clif_build(f, 0, &vc);
    clif_ins_return(f, 0, NULL, 0);
    expect(f, 1, "inst0 (v0 = vconst.i32x4 const7): invalid constant reference const7");
    clif_func_free(f);
}

static void test_operand_count(void **state) {
    (void)state;
    clif_func *f = func1(CLIF_I32, CLIF_I32);
    clif_value a[3] = {0, 0, 0};
    clif_inst_desc d = {.opcode = CLIF_OP_IADD, .args = a, .nargs = 3};
    clif_build(f, 0, &d);
    clif_ins_return(f, 0, a, 1);
    expect(f, 1, "inst0 (v1 = iadd.i32 v0, v0): expected 2 value operands, found 3");
    clif_func_free(f);
}

/* The recorded controlling type must be the derived one: the interpreter and
 * the backends read it (a store of an i64 value recorded as i64x4 would
 * write 32 bytes). */
static void test_recorded_ctrl(void **state) {
    (void)state;
    clif_func *f = func1(CLIF_I64, CLIF_TYPE_INVALID);
    clif_value a[2] = {0, 0};
    clif_inst_desc d = {
        .opcode = CLIF_OP_STORE, .ctrl_type = vec_type(CLIF_I64, 4), .args = a, .nargs = 2};
    clif_build(f, 0, &d);
    clif_ins_return(f, 0, NULL, 0);
    expect(f, 1,
           "inst0 (store.i64x4 v0, v0): records controlling type i64x4, but operand 0 has "
           "type i64");
    f->insts.data[0].ctrl = CLIF_I64;
    expect_ok(f);
    f->insts.data[1].ctrl = CLIF_I32; /* return is not polymorphic */
    expect(f, 1, "inst1 (return): records controlling type i32, but its opcode is not polymorphic");
    clif_func_free(f);

    /* atomic_cas takes its type from operand 1. */
    f = func1(CLIF_I64, CLIF_I64);
    clif_value c[3] = {0, 0, 0};
    clif_inst_desc cas = {.opcode = CLIF_OP_ATOMIC_CAS, .args = c, .nargs = 3};
    clif_value old = clif_inst_result(f, clif_build(f, 0, &cas), 0);
    clif_ins_return(f, 0, &old, 1);
    expect_ok(f);
    f->insts.data[0].ctrl = CLIF_I32;
    f->values.data[old].type = CLIF_I32;
    expect(f, 2,
           "inst0 (v1 = atomic_cas.i32 v0, v0, v0): records controlling type i32, but operand 1 "
           "has type i64",
           "inst1 (return v1): result 0 has type i32, must match function signature of i64");
    clif_func_free(f);
}

static void test_results_belong(void **state) {
    (void)state;
    clif_func *f = func1(CLIF_I32, CLIF_I32);
    clif_value v = clif_ins_iconst(f, 0, CLIF_I32, 1);
    clif_ins_return(f, 0, &v, 1);
    f->values.data[v].owner = 1;
    expect(f, 1,
           "inst0 (v1 = iconst.i32 1): instruction result v1 is not defined by the instruction");
    f->values.data[v].owner = 0;
    f->insts.data[0].nresults = 0;
    expect(f, 1, "inst0 (iconst.i32 1): expected 1 result values, found 0");
    clif_func_free(f);
}

static void test_ranges(void **state) {
    (void)state;
    clif_func *f = func1(CLIF_I32, CLIF_I32);
    clif_inst r = clif_ins_return(f, 0, NULL, 0);
    f->insts.data[r].args = f->pool.len + 10;
    f->insts.data[r].nargs = 1;
    expect(f, 1, "inst0: argument list out of range");
    clif_func_free(f);
}

static void test_alias(void **state) {
    (void)state;
    clif_func *f = func1(CLIF_I32, CLIF_I32);
    clif_value a = ir_make_value(f, CLIF_I32, VK_ALIAS, 0, 0);
    clif_value b = ir_make_value(f, CLIF_I32, VK_ALIAS, a, 0);
    clif_ins_return(f, 0, &b, 1);
    expect_ok(f); /* v2 -> v1 -> v0 */
    f->values.data[a].owner = b;
    expect(f, 1, "v1: alias cycle");
    f->values.data[a].owner = 40;
    expect(f, 1, "v1: alias to invalid value v40");
    f->values.data[a].owner = 0;
    f->values.data[b].type = CLIF_I64;
    expect(f, 1, "v2: alias of type i64 for v0 of type i32");
    clif_func_free(f);
}

/* ---- Global values ---- */

static void test_global_values(void **state) {
    (void)state;
    clif_func *f = func1(0, 0);
    clif_ins_return(f, 0, NULL, 0);
    clif_global_value_data g0 = {.kind = CLIF_GV_LOAD, .type = CLIF_I64, .base = 1};
    clif_global_value_data g1 = {.kind = CLIF_GV_IADD_IMM, .type = CLIF_I64, .base = 0};
    clif_create_global_value(f, &g0);
    clif_create_global_value(f, &g1);
    expect(f, 1, "gv0: global value cycle: [gv0, gv1]");
    clif_func_free(f);

    f = func1(0, 0);
    clif_ins_return(f, 0, NULL, 0);
    clif_global_value_data vm = {.kind = CLIF_GV_VMCTX, .type = CLIF_I64};
    clif_create_global_value(f, &vm);
    expect(f, 1, "gv0: undeclared vmctx reference gv0");
    clif_func_free(f);

    f = clif_func_new();
    clif_abi_param p = {CLIF_I64, CLIF_EXT_NONE, CLIF_ARG_VMCTX, 0};
    clif_signature sig = {&p, 1, NULL, 0, CLIF_CC_SYSTEM_V};
    clif_func_set_signature(f, &sig);
    clif_block b0 = new_block(f);
    clif_append_block_param(f, b0, CLIF_I64);
    clif_ins_return(f, b0, NULL, 0);
    clif_create_global_value(f, &vm);
    clif_global_value_data ld = {.kind = CLIF_GV_LOAD, .type = CLIF_I64, .base = 0};
    clif_create_global_value(f, &ld);
    clif_global_value_data add = {
        .kind = CLIF_GV_IADD_IMM, .type = CLIF_I32, .base = 1, .offset = 8};
    clif_create_global_value(f, &add);
    expect(f, 1, "gv2: iadd_imm type i32 differs from operand type i64");
    f->gvs.data[2].type = CLIF_F64;
    expect(f, 1, "gv2: iadd_imm global value with non-int type f64");
    f->gvs.data[2].type = CLIF_I64;
    expect_ok(f);
    f->gvs.data[2].base = 0; /* vmctx: a pointer, known only with a target */
    expect_ok(f);
    f->gvs.data[1].base = 9;
    expect(f, 1, "gv1: invalid base global value gv9");
    clif_func_free(f);
}

/* ---- SSA ---- */

static void test_dominance(void **state) {
    (void)state;
    /* block0: brif v0, block1, block2; block1 defines v1; block2 uses it. */
    clif_func *f = func1(CLIF_I32, CLIF_I32);
    clif_block b1 = new_block(f), b2 = new_block(f);
    clif_block_call t = {b1, NULL, 0}, e = {b2, NULL, 0};
    clif_ins_brif(f, 0, 0, &t, &e);
    clif_value v1 = clif_ins_iconst(f, b1, CLIF_I32, 1);
    clif_ins_return(f, b1, &v1, 1);
    clif_ins_return(f, b2, &v1, 1);
    expect(f, 1, "inst3 (return v1  ; v1 = 1): uses value v1 from non-dominating inst1");
    clif_func_free(f);

    /* A block parameter used outside the blocks it dominates. */
    f = func1(CLIF_I32, CLIF_I32);
    b1 = new_block(f);
    b2 = new_block(f);
    clif_value p = clif_append_block_param(f, b1, CLIF_I32);
    clif_block_call t2 = {b1, f->pool.data + 0, 0};
    clif_value zero = 0;
    t2.args = &zero;
    t2.nargs = 1;
    clif_ins_brif(f, 0, 0, &t2, &e);
    clif_ins_return(f, b1, &p, 1);
    clif_ins_return(f, b2, &p, 1);
    expect(f, 1, "inst2 (return v1): uses value arg from non-dominating block1");
    clif_func_free(f);

    /* A use before its definition in the same block, and a use of itself. */
    f = func1(CLIF_I32, CLIF_I32);
    clif_value late = clif_ins_binary(f, 0, CLIF_OP_IADD, 0, 0);
    clif_value later = clif_ins_binary(f, 0, CLIF_OP_IADD, 0, 0);
    clif_ins_return(f, 0, &later, 1);
    f->pool.data[f->insts.data[0].args + 1] = later;
    expect(f, 1, "inst0 (v1 = iadd.i32 v0, v2): uses value v2 from non-dominating inst1");
    f->pool.data[f->insts.data[0].args + 1] = late;
    expect(f, 1, "inst0 (v1 = iadd.i32 v0, v1): uses value v1 from itself");
    clif_func_free(f);
}

static void test_unreachable_uses(void **state) {
    (void)state;
    /* Uses in unreachable blocks are not checked for dominance. */
    clif_func *f = func1(CLIF_I32, CLIF_I32);
    clif_block b1 = new_block(f), b2 = new_block(f);
    clif_ins_jump(f, 0, b1, NULL, 0);
    clif_value v = clif_ins_iconst(f, b1, CLIF_I32, 7);
    clif_ins_return(f, b1, &v, 1);
    clif_value w = clif_ins_binary(f, b2, CLIF_OP_IADD, v, v);
    clif_ins_jump(f, b2, b2, NULL, 0);
    (void)w;
    expect_ok(f);
    clif_func_free(f);
}

static void test_def_outside_layout(void **state) {
    (void)state;
    clif_func *f = func1(CLIF_I32, CLIF_I32);
    clif_value v = clif_ins_iconst(f, CLIF_NONE, CLIF_I32, 7);
    clif_ins_return(f, 0, &v, 1);
    expect(f, 1, "inst1 (return v1  ; v1 = 7): v1 is defined by inst0 which has no block");
    clif_func_free(f);

    f = func1(CLIF_I32, CLIF_I32);
    clif_block b9 = clif_create_block(f);
    clif_value p = clif_append_block_param(f, b9, CLIF_I32);
    clif_ins_return(f, 0, &p, 1);
    expect(f, 1, "inst0 (return v1): v1 is defined by block1 which is not in the layout");
    clif_func_free(f);
}

/* ---- Branches ---- */

static void test_branch_targets(void **state) {
    (void)state;
    clif_func *f = func1(0, 0);
    clif_ins_jump(f, 0, 0, NULL, 0);
    expect(f, 1, "inst0 (jump block0): invalid reference to entry block block0");
    clif_func_free(f);

    f = func1(0, 0);
    clif_block out = clif_create_block(f);
    clif_ins_jump(f, 0, out, NULL, 0);
    expect(f, 1, "inst0 (jump block1): invalid block reference block1");
    clif_func_free(f);
}

static void test_branch_args(void **state) {
    (void)state;
    clif_func *f = func1(CLIF_I32, 0);
    clif_block b1 = new_block(f);
    clif_value x = 0;
    clif_ins_jump(f, 0, b1, &x, 1);
    clif_ins_return(f, b1, NULL, 0);
    expect(f, 1,
           "inst0 (jump block1(v0)): mismatched argument count for `jump block1(v0)`: got 1, "
           "expected 0");
    clif_append_block_param(f, b1, CLIF_I64);
    expect(f, 1, "inst0 (jump block1(v0)): arg v0 has type i32, expected i64");
    clif_func_free(f);

    /* br_table: the index must be i32; every entry's arguments are checked. */
    f = func1(CLIF_I64, 0);
    b1 = new_block(f);
    clif_block b2 = new_block(f);
    clif_append_block_param(f, b2, CLIF_I64);
    clif_block_call deflt = {b1, NULL, 0};
    clif_block_call entries[2] = {{b1, NULL, 0}, {b2, NULL, 0}};
    clif_jump_table jt = clif_create_jump_table(f, &deflt, entries, 2);
    clif_ins_br_table(f, 0, 0, jt);
    clif_ins_return(f, b1, NULL, 0);
    clif_ins_return(f, b2, NULL, 0);
    expect(f, 2,
           "inst0 (br_table v0, block1, [block1, block2]): arg 0 (v0) has type i64, expected i32",
           "inst0 (br_table v0, block1, [block1, block2]): mismatched argument count for `br_table "
           "v0, block1, [block1, block2]`: got 0, expected 1");
    clif_func_free(f);
}

static void test_brif_condition(void **state) {
    (void)state;
    clif_func *f = func1(CLIF_F32, 0);
    clif_block b1 = new_block(f);
    clif_block_call t = {b1, NULL, 0};
    clif_ins_brif(f, 0, 0, &t, &t);
    clif_ins_return(f, b1, NULL, 0);
    expect(f, 1,
           "inst0 (brif.f32 v0, block1, block1): has an invalid controlling type f32 (allowed set "
           "is {i8, i16, i32, i64, "
           "i128})");
    clif_func_free(f);
}

/* ---- Types ---- */

static void test_arg_types(void **state) {
    (void)state;
    clif_func *f = func1(CLIF_I32, CLIF_I32);
    clif_value y = clif_append_block_param(f, 0, CLIF_I64);
    f->sig.nparams = 0; /* keep the entry check quiet: rebuild the signature */
    clif_abi_param ps[2] = {P(CLIF_I32), P(CLIF_I64)}, r = P(CLIF_I32);
    clif_signature sig = {ps, 2, &r, 1, CLIF_CC_SYSTEM_V};
    clif_func_set_signature(f, &sig);
    clif_value s = clif_ins_binary(f, 0, CLIF_OP_IADD, 0, y);
    clif_ins_return(f, 0, &s, 1);
    expect(f, 1, "inst0 (v2 = iadd.i32 v0, v1): arg 1 (v1) has type i64, expected i32");
    clif_func_free(f);
}

static void test_result_types(void **state) {
    (void)state;
    clif_func *f = func1(CLIF_I32, CLIF_I32);
    clif_value s = clif_ins_binary(f, 0, CLIF_OP_IADD, 0, 0);
    clif_ins_return(f, 0, &s, 1);
    f->values.data[s].type = CLIF_I64;
    expect(f, 2, "inst0 (v1 = iadd.i32 v0, v0): expected result 0 (v1) to have type i32, found i64",
           "inst1 (return v1): result 0 has type i64, must match function signature of i32");
    clif_func_free(f);
}

static void test_ctrl_typeset(void **state) {
    (void)state;
    clif_func *f = func1(0, 0);
    clif_ins_iconst(f, 0, CLIF_F32, 0);
    clif_ins_iconst(f, 0, CLIF_I128, 0);
    clif_ins_return(f, 0, NULL, 0);
    expect(f, 2,
           "inst0 (v0 = iconst.f32 0): has an invalid controlling type f32 (allowed set is {i8, "
           "i16, i32, "
           "i64})",
           "inst1 (v1 = iconst.i128 0): has an invalid controlling type i128 (allowed set is {i8, "
           "i16, i32, "
           "i64})");
    clif_func_free(f);
}

static void test_constraint_sets(void **state) {
    (void)state;
    clif_func *f = func1(CLIF_I64, CLIF_I32);
    clif_value e = clif_ins_unary(f, 0, CLIF_OP_UEXTEND, CLIF_I32, 0);
    clif_value l = clif_ins_load(f, 0, CLIF_OP_LOAD, CLIF_I32, 0, e, 0);
    clif_value fl = clif_ins_f32const(f, 0, 1.0f);
    clif_ins_load(f, 0, CLIF_OP_LOAD, CLIF_I32, 0, fl, 0);
    clif_ins_return(f, 0, &l, 1);
    expect(f, 2,
           "inst0 (v1 = uextend.i32 v0): arg 0 (v0) with type i64 failed to satisfy type set "
           "{narrower than "
           "i32}",
           "inst3 (v4 = load.i32 v3  ; v3 = 0x1.000000p0): arg 0 (v3) with type f32 failed to "
           "satisfy type set {i32, i64}");
    clif_func_free(f);
}

/* ---- Calls and returns ---- */

static void test_calls(void **state) {
    (void)state;
    clif_func *f = func1(CLIF_I64, 0);
    clif_abi_param cp[2] = {P(CLIF_I32), P(CLIF_I32)}, cr = P(CLIF_F64);
    clif_signature csig = {cp, 2, &cr, 1, CLIF_CC_SYSTEM_V};
    clif_sig_ref s = clif_import_signature(f, &csig);
    clif_ext_name name = {CLIF_NAME_TESTCASE, 0, 0, "callee"};
    clif_func_ref fr = clif_import_function(f, &name, s, false);
    clif_value a[2] = {0, 0};
    clif_ins_call(f, 0, fr, a, 1);
    clif_ins_return(f, 0, NULL, 0);
    expect(f, 2, "inst0 (v1 = call fn0(v0)): arg 0 (v0) has type i64, expected i32",
           "inst0 (v1 = call fn0(v0)): mismatched argument count for `v1 = call fn0(v0)`: got 1, "
           "expected 2");
    clif_func_free(f);

    f = func1(CLIF_I32, 0);
    s = clif_import_signature(f, &csig);
    fr = clif_import_function(f, &name, s, false);
    clif_ins_call(f, 0, fr, a, 2);
    clif_ins_return(f, 0, NULL, 0);
    expect_ok(f);
    f->values.data[clif_inst_result(f, 0, 0)].type = CLIF_F32;
    expect(f, 1,
           "inst0 (v1 = call fn0(v0, v0)): expected result 0 (v1) to have type f64, found f32");
    clif_func_free(f);

    /* call_indirect: the callee must be an address. */
    f = func1(CLIF_I8, 0);
    s = clif_import_signature(f, &(clif_signature){NULL, 0, NULL, 0, CLIF_CC_SYSTEM_V});
    clif_ins_call_indirect(f, 0, s, 0, NULL, 0);
    clif_ins_return(f, 0, NULL, 0);
    expect(f, 1,
           "inst0 (call_indirect.i8 sig0, v0()): has an invalid controlling type i8 (allowed set "
           "is {i32, i64})");
    clif_func_free(f);
}

static void test_returns(void **state) {
    (void)state;
    clif_func *f = func1(CLIF_I64, CLIF_I32);
    clif_ins_return(f, 0, NULL, 0);
    expect(f, 1, "inst0 (return): arguments of return must match function signature");
    clif_func_free(f);

    f = func1(CLIF_I64, CLIF_I32);
    clif_value v = 0;
    clif_ins_return(f, 0, &v, 1);
    expect(f, 1, "inst0 (return v0): result 0 has type i64, must match function signature of i32");
    clif_func_free(f);
}

static void test_tail_calls(void **state) {
    (void)state;
    clif_func *f = func1(0, CLIF_I32);
    clif_abi_param r = P(CLIF_I64);
    clif_signature csig = {NULL, 0, &r, 1, CLIF_CC_SYSTEM_V};
    clif_sig_ref s = clif_import_signature(f, &csig);
    clif_ext_name name = {CLIF_NAME_TESTCASE, 0, 0, "callee"};
    clif_func_ref fr = clif_import_function(f, &name, s, false);
    clif_inst_desc d = {.opcode = CLIF_OP_RETURN_CALL, .entity = fr};
    clif_build(f, 0, &d);
    expect(
        f, 2,
        "inst0 (return_call fn0()): calling convention `system_v` does not support tail calls",
        "inst0 (return_call fn0()): result 0 has type i64, must match function signature of i32");
    f->sigs.data[s].callconv = CLIF_CC_TAIL;
    f->abi_params.data[f->sigs.data[s].returns].type = CLIF_I32;
    expect(f, 1, "inst0 (return_call fn0()): callee's calling convention must match caller");
    f->sig.callconv = CLIF_CC_TAIL;
    expect_ok(f);
    f->sigs.data[s].nreturns = 0;
    expect(f, 1, "inst0 (return_call fn0()): results of callee must match caller");
    clif_func_free(f);
}

/* try_call has no builder helper yet: assemble its exception table. */
static void test_try_call(void **state) {
    (void)state;
    clif_func *f = func1(0, 0);
    clif_block ok = new_block(f), handler = new_block(f);
    clif_abi_param r = P(CLIF_I32);
    clif_signature csig = {NULL, 0, &r, 1, CLIF_CC_TAIL};
    clif_sig_ref s = clif_import_signature(f, &csig);
    clif_value rp = clif_append_block_param(f, ok, CLIF_I32);
    (void)rp;
    clif_append_block_param(f, handler, CLIF_I64);
    uint32_t ret0 = CLIF_BLOCKARG_RET(0), exn0 = CLIF_BLOCKARG_EXN(0);
    clif_block_call normal = {ok, &ret0, 1}, catch_ = {handler, &exn0, 1};
    extable_data et = {s, ir_add_block_call(f, &normal), f->extable_items.len, 1};
    extable_item item = {EXI_TAG, 1, ir_add_block_call(f, &catch_)};
    vec_push(f->extable_items, item);
    vec_push(f->extables, et);
    clif_value callee = clif_ins_iconst(f, 0, CLIF_I64, 0);
    clif_inst_desc d = {
        .opcode = CLIF_OP_TRY_CALL_INDIRECT, .entity = 0, .args = &callee, .nargs = 1};
    clif_build(f, 0, &d);
    clif_ins_return(f, ok, NULL, 0);
    clif_ins_return(f, handler, NULL, 0);
    expect_ok(f);

    f->sigs.data[s].callconv = CLIF_CC_FAST;
    expect(f, 2,
           "inst1 (try_call_indirect.i64 v2(), sig0, block1(ret0), [ tag1: block2(exn0) ]  ; v2 = "
           "0): out-of-bounds `exnN` block argument",
           "inst1 (try_call_indirect.i64 v2(), sig0, block1(ret0), [ tag1: block2(exn0) ]  ; v2 = "
           "0): calling convention `fast` of callee does not support "
           "exceptions");
    f->sigs.data[s].callconv = CLIF_CC_TAIL;
    f->pool.data[f->block_calls.data[et.normal].args] = CLIF_BLOCKARG_RET(1);
    expect(f, 1,
           "inst1 (try_call_indirect.i64 v2(), sig0, block1(ret1), [ tag1: block2(exn0) ]  ; v2 = "
           "0): out-of-bounds `retN` block argument");
    f->pool.data[f->block_calls.data[et.normal].args] = CLIF_BLOCKARG_EXN(0);
    expect(f, 1,
           "inst1 (try_call_indirect.i64 v2(), sig0, block1(exn0), [ tag1: block2(exn0) ]  ; v2 = "
           "0): `exnN` block argument used outside exception target of "
           "`try_call`");
    f->pool.data[f->block_calls.data[et.normal].args] = CLIF_BLOCKARG_RET(0);
    f->pool.data[f->block_calls.data[item.call].args] = CLIF_BLOCKARG_RET(0);
    expect(f, 1,
           "inst1 (try_call_indirect.i64 v2(), sig0, block1(ret0), [ tag1: block2(ret0) ]  ; v2 = "
           "0): `retN` block argument used outside normal-return target "
           "of `try_call`");
    f->pool.data[f->block_calls.data[item.call].args] = CLIF_BLOCKARG_EXN(0);

    /* A direct try_call: its table's signature must equal the callee's. */
    clif_ext_name name = {CLIF_NAME_TESTCASE, 0, 0, "callee"};
    clif_func_ref fr = clif_import_function(f, &name, s, false);
    clif_inst_desc dc = {.opcode = CLIF_OP_TRY_CALL, .entity = 0, .imm = fr};
    clif_inst tc = clif_build(f, CLIF_NONE, &dc);
    f->inodes.data[tc].block = 0;
    f->inodes.data[tc].prev = 0;
    f->inodes.data[0].next = tc;
    f->blocks.data[0].last = tc;
    clif_inst old = 1;
    f->inodes.data[old].block = CLIF_NONE; /* replace the indirect call */
    f->pool.data[f->block_calls.data[item.call].args] = CLIF_BLOCKARG_EXN(0);
    expect_ok(f);
    clif_signature other = {NULL, 0, &r, 1, CLIF_CC_SYSTEM_V};
    f->ext_funcs.data[fr].sig = clif_import_signature(f, &other);
    expect(f, 1,
           "inst4 (try_call fn0(), sig0, block1(ret0), [ tag1: block2(exn0) ]): exception table "
           "signature sig0 did not match function fn0's signature sig1");
    f->insts.data[tc].imm = 5;
    expect(f, 1,
           "inst4 (try_call fn5(), sig0, block1(ret0), [ tag1: block2(exn0) ]): invalid function "
           "reference fn5");
    clif_func_free(f);

    /* retN outside a try_call. */
    f = func1(0, 0);
    ok = new_block(f);
    clif_append_block_param(f, ok, CLIF_I32);
    clif_ins_jump(f, 0, ok, &ret0, 1);
    clif_ins_return(f, ok, NULL, 0);
    expect(f, 1,
           "inst0 (jump block1(ret0)): `retN` block argument in block-call not on `try_call` "
           "instruction");
    clif_func_free(f);
}

/* ---- Immediates ---- */

static void test_iconst_bounds(void **state) {
    (void)state;
    clif_func *f = func1(0, 0);
    clif_inst_desc d = {.opcode = CLIF_OP_ICONST, .ctrl_type = CLIF_I8, .imm = 0x100};
    clif_build(f, 0, &d);
    clif_inst_desc ok32 = {.opcode = CLIF_OP_ICONST, .ctrl_type = CLIF_I32, .imm = 0xffffffffu};
    clif_build(f, 0, &ok32);
    clif_inst_desc neg = {.opcode = CLIF_OP_ICONST, .ctrl_type = CLIF_I32, .imm = (uint64_t)-1};
    clif_build(f, 0, &neg);
    clif_ins_return(f, 0, NULL, 0);
    expect(f, 2, "inst0 (v0 = iconst.i8 0): constant immediate is out of bounds",
           "inst2 (v2 = iconst.i32 -1): constant immediate is out of bounds");
    clif_func_free(f);
}

static void test_lanes(void **state) {
    (void)state;
    clif_type i32x4 = vec_type(CLIF_I32, 4);
    clif_func *f = func1(i32x4, CLIF_I32);
    clif_value v = 0;
    clif_inst_desc d = {.opcode = CLIF_OP_EXTRACTLANE, .lane = 4, .args = &v, .nargs = 1};
    clif_inst x = clif_build(f, 0, &d);
    clif_value r = clif_inst_result(f, x, 0);
    clif_ins_return(f, 0, &r, 1);
    expect(f, 1,
           "inst0 (v1 = extractlane.i32x4 v0, 4): The lane 4 does not index into the type i32x4");
    clif_func_free(f);
}

static void test_constants(void **state) {
    (void)state;
    clif_type i8x16 = vec_type(CLIF_I8, 16);
    clif_func *f = func1(0, 0);
    uint8_t bytes[16] = {0};
    clif_constant c8 = clif_create_constant(f, bytes, 8);
    clif_inst_desc vc = {.opcode = CLIF_OP_VCONST, .ctrl_type = i8x16, .entity = c8};
    clif_inst v = clif_build(f, 0, &vc);
    bytes[3] = 32;
    clif_constant mask = clif_create_constant(f, bytes, 16);
    clif_value a[2] = {clif_inst_result(f, v, 0), clif_inst_result(f, v, 0)};
    clif_inst_desc sh = {.opcode = CLIF_OP_SHUFFLE, .entity = mask, .args = a, .nargs = 2};
    clif_build(f, 0, &sh);
    clif_ins_return(f, 0, NULL, 0);
    expect(f, 2,
           "inst0 (v0 = vconst.i8x16 const0): The instruction expects const0 to have a size of 16 "
           "bytes but it has 8",
           "inst1 (v1 = shuffle.i8x16 v0, v0, 0x00000000000000000000000020000000  ; v0 = const0, "
           "v0 = const0): shuffle immediate index 32 is larger than the maximum 31");
    clif_func_free(f);
}

static void test_memflags(void **state) {
    (void)state;
    clif_func *f = func1(CLIF_I64, 0);
    clif_ins_store(f, 0, CLIF_OP_STORE, CLIF_MEM_READONLY, 0, 0, 0);
    clif_ins_load(f, 0, CLIF_OP_LOAD, CLIF_I32, CLIF_MEM_LITTLE | CLIF_MEM_BIG, 0, 0);
    clif_ins_return(f, 0, NULL, 0);
    expect(
        f, 2,
        "inst0 (store.i64 readonly v0, v0): A store instruction cannot have the `readonly` MemFlag",
        "inst1 (v1 = load.i32 big little v0): memory flags cannot be both `little` and `big`");
    clif_func_free(f);
}

static void test_bitcast(void **state) {
    (void)state;
    clif_func *f = func1(CLIF_I64, 0);
    clif_value v = 0;
    clif_inst_desc d = {.opcode = CLIF_OP_BITCAST, .ctrl_type = CLIF_F32, .args = &v, .nargs = 1};
    clif_build(f, 0, &d);
    clif_inst_desc ok = {.opcode = CLIF_OP_BITCAST, .ctrl_type = CLIF_F64, .args = &v, .nargs = 1};
    clif_build(f, 0, &ok);
    clif_inst_desc lanes = {
        .opcode = CLIF_OP_BITCAST, .ctrl_type = vec_type(CLIF_I8, 8), .args = &v, .nargs = 1};
    clif_build(f, 0, &lanes);
    clif_ins_return(f, 0, NULL, 0);
    expect(f, 2,
           "inst0 (v1 = bitcast.f32 v0): The bitcast argument v0 has a type of 64 bits, which "
           "doesn't match "
           "an expected type of 32 bits",
           "inst2 (v3 = bitcast.i8x8 v0): Byte order specifier required for bitcast instruction "
           "changing lane "
           "count");
    clif_func_free(f);
}

static void test_stack_offsets(void **state) {
    (void)state;
    clif_func *f = func1(0, 0);
    clif_stack_slot ss = clif_create_stack_slot(f, 16, 0);
    clif_ins_stack_addr(f, 0, CLIF_I64, ss, 16);
    clif_ins_stack_addr(f, 0, CLIF_I64, ss, 20);
    clif_ins_stack_addr(f, 0, CLIF_I64, ss, -4);
    clif_ins_return(f, 0, NULL, 0);
    expect(f, 2,
           "inst1 (v1 = stack_addr.i64 ss0+20): offset 20 is outside stack slot ss0 of 16 bytes",
           "inst2 (v2 = stack_addr.i64 ss0-4): offset -4 is outside stack slot ss0 of 16 bytes");
    clif_func_free(f);
}

static void test_trap_codes(void **state) {
    (void)state;
    clif_func *f = func1(0, 0);
    clif_ins_trap(f, 0, CLIF_TRAP_NONE);
    expect(f, 1, "inst0 (trap invalid): missing trap code");
    clif_func_free(f);
}

/* ---- Rules that need a target ---- */

static findings verify_isa(const clif_func *f, const clif_isa *isa) {
    findings fs;
    memset(&fs, 0, sizeof fs);
    fs.total = 0;
    uint32_t n = clif_verify_each_isa(f, isa, collect, &fs);
    assert_int_equal(n, fs.total);
    return fs;
}

static bool ends_with(const char *s, const char *suffix) {
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

static void expect_isa(clif_func *f, const clif_isa *isa, const char *msg) {
    findings fs = verify_isa(f, isa);
    if (fs.total != (msg ? 1u : 0u)) print_findings(&fs);
    assert_int_equal(fs.total, msg ? 1 : 0);
    if (msg) assert_string_equal(fs.msg[0], msg);
    release(&fs);
}

static void test_target_rules(void **state) {
    (void)state;
    clif_isa *isa = NULL;
    assert_null(clif_isa_lookup("x86_64", &isa));

    findings fs;
    clif_func *f = func1(0, 0);
    clif_inst_desc get = {.opcode = CLIF_OP_GET_PINNED_REG, .ctrl_type = CLIF_I64};
    clif_build(f, 0, &get);
    clif_inst_desc fp = {.opcode = CLIF_OP_GET_FRAME_POINTER, .ctrl_type = CLIF_I64};
    clif_build(f, 0, &fp);
    clif_ins_return(f, 0, NULL, 0);
    expect_ok(f); /* without a target these rules are not checked */
    /* (The instruction text of nullary instructions is the writer's: compare
     * what follows it.) */
    fs = verify_isa(f, isa);
    assert_int_equal(fs.total, 1);
    assert_true(ends_with(fs.msg[0],
                          "): GetPinnedReg/SetPinnedReg cannot be used without enable_pinned_reg"));
    assert_int_equal(fs.inst[0], 0);
    release(&fs);
    assert_null(clif_isa_set(isa, "enable_pinned_reg", "true"));
    fs = verify_isa(f, isa);
    assert_int_equal(fs.total, 1);
    assert_true(ends_with(fs.msg[0], "): `get_frame_pointer`/`get_return_address` cannot be used "
                                     "without enabling `preserve_frame_pointers`"));
    assert_int_equal(fs.inst[0], 1);
    release(&fs);
    assert_null(clif_isa_set(isa, "preserve_frame_pointers", "true"));
    expect_isa(f, isa, NULL);
    clif_func_free(f);

    /* Addresses have the pointer width. */
    f = func1(CLIF_I32, 0);
    clif_ins_load(f, 0, CLIF_OP_LOAD, CLIF_I32, 0, 0, 0);
    clif_ins_store(f, 0, CLIF_OP_STORE, 0, 0, 0, 0);
    clif_ins_return(f, 0, NULL, 0);
    expect_ok(f);
    fs = verify_isa(f, isa);
    assert_int_equal(fs.total, 2);
    assert_string_equal(fs.msg[0], "inst0 (v1 = load.i32 v0): invalid pointer width (got 32, "
                                   "expected 64) encountered v0");
    assert_string_equal(fs.msg[1], "inst1 (store.i32 v0, v0): invalid pointer width (got 32, "
                                   "expected 64) encountered v0");
    release(&fs);
    clif_func_free(f);

    /* Global values: load bases are pointers; symbols and vmctx are pointers. */
    f = clif_func_new();
    clif_abi_param p = {CLIF_I64, CLIF_EXT_NONE, CLIF_ARG_VMCTX, 0};
    clif_signature sig = {&p, 1, NULL, 0, CLIF_CC_SYSTEM_V};
    clif_func_set_signature(f, &sig);
    clif_block b0 = new_block(f);
    clif_append_block_param(f, b0, CLIF_I64);
    clif_global_value_data vm = {.kind = CLIF_GV_VMCTX};
    clif_global_value_data add = {.kind = CLIF_GV_IADD_IMM, .type = CLIF_I32, .base = 0};
    clif_create_global_value(f, &vm);
    clif_create_global_value(f, &add);
    clif_inst_desc sym = {.opcode = CLIF_OP_SYMBOL_VALUE, .ctrl_type = CLIF_I32, .entity = 0};
    clif_build(f, b0, &sym);
    clif_ins_return(f, b0, NULL, 0);
    expect_ok(f);
    expect_isa(f, isa, "gv1: iadd_imm type i32 differs from operand type i64");
    f->gvs.data[1].kind = CLIF_GV_LOAD;
    expect_isa(f, isa,
               "inst0 (v1 = symbol_value.i32 gv0): global_value instruction with type "
               "i32 references global value with type i64");
    f->gvs.data[1].base = 1;
    clif_global_value_data ld = {.kind = CLIF_GV_LOAD, .type = CLIF_I64, .base = 1};
    f->gvs.data[1].base = 0;
    clif_create_global_value(f, &ld);
    f->insts.data[0].ctrl = CLIF_I64;
    f->values.data[clif_inst_result(f, 0, 0)].type = CLIF_I64;
    expect_isa(f, isa, "gv2: base gv1 has type i32, which is not the pointer type i64");
    clif_func_free(f);

    /* Exception payloads have the pointer type. */
    static const char text[] = "function %f() {\n"
                               "    sig0 = () tail\n"
                               "    fn0 = %g() tail\n"
                               "block0:\n"
                               "    try_call fn0(), sig0, block1, [ default: block2(exn0) ]\n"
                               "block1:\n"
                               "    return\n"
                               "block2(v0: i32):\n"
                               "    return\n"
                               "}\n";
    clif_test_file *tf = NULL;
    assert_null(clif_parse_test_file(text, sizeof text - 1, "exn.clif", &tf));
    assert_int_equal(tf->nfunctions, 1);
    expect_ok(tf->functions[0].func);
    expect_isa(tf->functions[0].func, isa,
               "inst0 (try_call fn0(), sig0, block1, [ default: block2(exn0) ]): arg exn0 has type "
               "i64, expected i32");
    fs = verify_isa(tf->functions[0].func, isa);
    assert_int_equal(fs.line[0], 5);
    release(&fs);
    clif_test_file_free(tf);
    clif_isa_free(isa);
}

/* ---- clif_verify and locations ---- */

static void test_clif_verify(void **state) {
    (void)state;
    clif_func *f = func1(0, 0);
    clif_ins_iconst(f, 0, CLIF_I32, 1);
    f->insts.data[0].srcline = 7;
    f->blocks.data[0].srcline = 6;
    clif_error *e = clif_verify(f, "t.clif");
    assert_non_null(e);
    assert_int_equal(clif_error_get_kind(e), CLIF_ERR_VERIFY);
    assert_string_equal(clif_error_message(e),
                        "block0: block does not end in a terminator instruction");
    assert_int_equal(clif_error_location(e).line, 6);
    clif_error_free(e);
    clif_ins_return(f, 0, NULL, 0);
    assert_null(clif_verify(f, "t.clif"));

    /* A finding at an instruction carries its source line. */
    clif_func_clear(f);
    clif_block b = new_block(f);
    clif_inst r = clif_ins_return(f, b, NULL, 0);
    clif_ins_return(f, b, NULL, 0);
    f->insts.data[r].srcline = 12;
    findings fs = verify(f);
    assert_int_equal(fs.total, 1);
    assert_int_equal(fs.line[0], 12);
    assert_int_equal(fs.inst[0], r);
    release(&fs);
    clif_func_free(f);
}

/* ---- Analyses ---- */

static void test_cfg_domtree(void **state) {
    (void)state;
    /* block0 -> block1, block2 (brif); block1 -> block3; block2 -> block3,
     * block1 (br_table); block4 unreachable. */
    clif_func *f = func1(CLIF_I32, 0);
    clif_block b1 = new_block(f), b2 = new_block(f), b3 = new_block(f), b4 = new_block(f);
    clif_block_call t = {b1, NULL, 0}, e = {b2, NULL, 0};
    clif_ins_brif(f, 0, 0, &t, &e);
    clif_ins_jump(f, b1, b3, NULL, 0);
    clif_block_call deflt = {b3, NULL, 0}, ent[2] = {{b1, NULL, 0}, {b3, NULL, 0}};
    clif_ins_br_table(f, b2, 0, clif_create_jump_table(f, &deflt, ent, 2));
    clif_ins_return(f, b3, NULL, 0);
    clif_ins_jump(f, b4, b3, NULL, 0);
    expect_ok(f);

    ir_cfg cfg;
    memset(&cfg, 0, sizeof cfg);
    ir_cfg_compute(&cfg, f);
    assert_int_equal(ir_cfg_num_succs(&cfg, b2), 2); /* duplicates removed */
    assert_int_equal(ir_cfg_succs(&cfg, b2)[0], b1);
    assert_int_equal(ir_cfg_succs(&cfg, b2)[1], b3);
    assert_int_equal(ir_cfg_num_preds(&cfg, b3), 3);
    assert_int_equal(ir_cfg_num_preds(&cfg, b1), 2);
    assert_true(ir_cfg_reachable(&cfg, b3));
    assert_false(ir_cfg_reachable(&cfg, b4));
    assert_int_equal(cfg.rpo.len, 4);
    assert_int_equal(cfg.rpo.data[0], 0);

    ir_domtree dt;
    memset(&dt, 0, sizeof dt);
    ir_domtree_compute(&dt, f, &cfg);
    assert_int_equal(ir_dom_idom(&dt, 0), CLIF_NONE);
    assert_int_equal(ir_dom_idom(&dt, b1), 0);
    assert_int_equal(ir_dom_idom(&dt, b2), 0);
    assert_int_equal(ir_dom_idom(&dt, b3), 0);
    assert_int_equal(ir_dom_idom(&dt, b4), CLIF_NONE);
    assert_true(ir_dom_blocks(&dt, 0, b3));
    assert_false(ir_dom_blocks(&dt, b1, b3));
    assert_false(ir_dom_blocks(&dt, b2, b1));
    assert_true(ir_dom_blocks(&dt, b4, b4));
    assert_false(ir_dom_blocks(&dt, 0, b4));
    assert_true(ir_dom_insts(f, &dt, 0, 2));
    assert_false(ir_dom_insts(f, &dt, 1, 2));
    ir_domtree_free(&dt);
    ir_cfg_free(&cfg);
    clif_func_free(f);
}

/* ---- Scale: no recursion, linear time ---- */

static void *deep_chain(void *arg) {
    (void)arg;
    enum { N = 100000 };
    clif_func *f = func1(CLIF_I32, CLIF_I32);
    clif_block prev = 0;
    clif_value carried = 0;
    for (uint32_t k = 1; k < N; k++) {
        clif_block b = new_block(f);
        clif_value p = clif_append_block_param(f, b, CLIF_I32);
        clif_value s = clif_ins_binary(f, prev, CLIF_OP_IADD, carried, 0);
        clif_ins_jump(f, prev, b, &s, 1);
        prev = b;
        carried = p;
    }
    clif_ins_return(f, prev, &carried, 1);
    findings fs = verify(f);
    uint32_t n = fs.total;
    release(&fs);
    /* A use of a value from a sibling deep down the chain must be caught. */
    clif_value late = clif_inst_result(f, 2 * (N - 1) - 2, 0); /* the last iadd */
    f->pool.data[f->insts.data[0].args] = late;
    findings bad = verify(f);
    uint32_t nbad = bad.total;
    int match = bad.n == 1 && strstr(bad.msg[0], "from non-dominating") != NULL;
    release(&bad);
    clif_func_free(f);
    return (void *)(uintptr_t)(n == 0 && nbad == 1 && match);
}

static void run_with_stack(void *(*fn)(void *), size_t stack) {
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, stack);
    pthread_t th;
    assert_int_equal(pthread_create(&th, &attr, fn, NULL), 0);
    void *ret = NULL;
    pthread_join(th, &ret);
    pthread_attr_destroy(&attr);
    assert_true(ret != NULL);
}

static void test_deep_chain(void **state) {
    (void)state;
    run_with_stack(deep_chain, 8u << 20);
}

static void *long_body(void *arg) {
    (void)arg;
    enum { N = 1000000 };
    clif_func *f = func1(CLIF_I64, CLIF_I64);
    clif_value acc = 0;
    for (uint32_t k = 0; k < N - 1; k++)
        acc = clif_ins_binary(f, 0, CLIF_OP_IADD, acc, 0);
    clif_ins_return(f, 0, &acc, 1);
    findings fs = verify(f);
    uint32_t n = fs.total;
    release(&fs);
    clif_func_free(f);
    return (void *)(uintptr_t)(n == 0);
}

static void test_long_body(void **state) {
    (void)state;
    run_with_stack(long_body, 8u << 20);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid),
        cmocka_unit_test(test_empty_block),
        cmocka_unit_test(test_no_terminator),
        cmocka_unit_test(test_terminator_in_middle),
        cmocka_unit_test(test_inst_in_wrong_block),
        cmocka_unit_test(test_inst_twice_in_layout),
        cmocka_unit_test(test_block_list_cycle),
        cmocka_unit_test(test_param_ownership),
        cmocka_unit_test(test_entry_params),
        cmocka_unit_test(test_signature),
        cmocka_unit_test(test_invalid_value),
        cmocka_unit_test(test_invalid_entities),
        cmocka_unit_test(test_operand_count),
        cmocka_unit_test(test_recorded_ctrl),
        cmocka_unit_test(test_results_belong),
        cmocka_unit_test(test_ranges),
        cmocka_unit_test(test_alias),
        cmocka_unit_test(test_global_values),
        cmocka_unit_test(test_dominance),
        cmocka_unit_test(test_unreachable_uses),
        cmocka_unit_test(test_def_outside_layout),
        cmocka_unit_test(test_branch_targets),
        cmocka_unit_test(test_branch_args),
        cmocka_unit_test(test_brif_condition),
        cmocka_unit_test(test_arg_types),
        cmocka_unit_test(test_result_types),
        cmocka_unit_test(test_ctrl_typeset),
        cmocka_unit_test(test_constraint_sets),
        cmocka_unit_test(test_calls),
        cmocka_unit_test(test_returns),
        cmocka_unit_test(test_tail_calls),
        cmocka_unit_test(test_try_call),
        cmocka_unit_test(test_iconst_bounds),
        cmocka_unit_test(test_lanes),
        cmocka_unit_test(test_constants),
        cmocka_unit_test(test_memflags),
        cmocka_unit_test(test_bitcast),
        cmocka_unit_test(test_stack_offsets),
        cmocka_unit_test(test_trap_codes),
        cmocka_unit_test(test_target_rules),
        cmocka_unit_test(test_clif_verify),
        cmocka_unit_test(test_cfg_domtree),
        cmocka_unit_test(test_deep_chain),
        cmocka_unit_test(test_long_body),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
