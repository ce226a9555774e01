/* Unit tests: the CLIF writer. Functions are built through the builder API
 * (and, for entities the API cannot make yet, the IR arrays of
 * ir/function.h) and their text is compared with what Cranelift's writer
 * prints for the same function. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "cranelift.h"
#include "ir/function.h"

static clif_type I8X16, I32X4, F32X4, I64X2;

static void init_types(void) {
    I8X16 = clif_type_vector(CLIF_I8, 4);
    I32X4 = clif_type_vector(CLIF_I32, 2);
    F32X4 = clif_type_vector(CLIF_F32, 2);
    I64X2 = clif_type_vector(CLIF_I64, 1);
}

/* A function named %name with the given parameter and return types. */
static clif_func *new_func(const char *name, const clif_type *params, uint32_t np,
                           const clif_type *rets, uint32_t nr, clif_callconv cc) {
    clif_func *f = clif_func_new();
    clif_ext_name n = {CLIF_NAME_TESTCASE, 0, 0, name};
    clif_func_set_name(f, &n);
    clif_abi_param p[8], r[8];
    for (uint32_t i = 0; i < np; i++)
        p[i] = (clif_abi_param){params[i], 0, 0, 0};
    for (uint32_t i = 0; i < nr; i++)
        r[i] = (clif_abi_param){rets[i], 0, 0, 0};
    clif_signature sig = {p, np, r, nr, cc};
    clif_func_set_signature(f, &sig);
    return f;
}

static clif_block new_block(clif_func *f) {
    clif_block b = clif_create_block(f);
    clif_append_block(f, b);
    return b;
}

static clif_value first(clif_func *f, clif_inst i) {
    return clif_inst_result(f, i, 0);
}

/* The text of f must be `want`, and reading that text back and writing it
 * again must give the same text. */
static void expect_text(clif_func *f, const char *want) {
    char *got = clif_func_to_string(f);
    assert_string_equal(got, want);
    clif_test_file *tf = NULL;
    clif_error *err = clif_parse_test_file(got, strlen(got), "printed", &tf);
    if (err) {
        char msg[512];
        fail_msg("printed text does not read back: %s", clif_error_format(err, msg, sizeof msg));
    }
    assert_int_equal(tf->nfunctions, 1);
    char *again = clif_func_to_string(tf->functions[0].func);
    assert_string_equal(again, want);
    free(again);
    clif_test_file_free(tf);
    free(got);
}

static void expect_inst(clif_func *f, clif_inst i, const char *want) {
    char *got = clif_inst_to_string(f, i);
    assert_string_equal(got, want);
    free(got);
}

/* Signature, block parameters, the type-suffix rule and constant comments. */
static void test_basic(void **state) {
    (void)state;
    clif_func *f = clif_func_new();
    clif_ext_name nm = {CLIF_NAME_TESTCASE, 0, 0, "add"};
    clif_func_set_name(f, &nm);
    clif_abi_param ps[2] = {{CLIF_I32, 0, 0, 0}, {CLIF_I64, CLIF_EXT_UEXT, 0, 0}};
    clif_abi_param rs[1] = {{CLIF_I32, CLIF_EXT_SEXT, 0, 0}};
    clif_signature sig = {ps, 2, rs, 1, CLIF_CC_SYSTEM_V};
    clif_func_set_signature(f, &sig);
    clif_block b0 = new_block(f), b1 = new_block(f);
    clif_value v0 = clif_append_block_param(f, b0, CLIF_I32);
    clif_append_block_param(f, b0, CLIF_I64);
    clif_value c = clif_ins_iconst(f, b0, CLIF_I32, -5);
    clif_ins_iconst(f, b0, CLIF_I8, 255);
    clif_ins_iconst(f, b0, CLIF_I64, 100000);
    clif_ins_iconst(f, b0, CLIF_I16, 9999);
    clif_ins_iconst(f, b0, CLIF_I32, 10000);
    clif_value s = clif_ins_binary(f, b0, CLIF_OP_IADD, v0, c);
    clif_ins_jump(f, b0, b1, NULL, 0);
    clif_value t = clif_ins_binary(f, b1, CLIF_OP_IMUL, s, v0);
    clif_inst ret = clif_ins_return(f, b1, &t, 1);
    expect_text(f, "function %add(i32, i64 uext) -> i32 sext system_v {\n"
                   "block0(v0: i32, v1: i64):\n"
                   "    v2 = iconst.i32 -5\n"
                   "    v3 = iconst.i8 -1\n"
                   "    v4 = iconst.i64 0x0001_86a0\n"
                   "    v5 = iconst.i16 9999\n"
                   "    v6 = iconst.i32 0x2710\n"
                   "    v7 = iadd v0, v2  ; v2 = -5\n"
                   "    jump block1\n"
                   "\n"
                   "block1:\n"
                   "    v8 = imul.i32 v7, v0\n"
                   "    return v8\n"
                   "}\n");
    /* A lone instruction shows the controlling type whenever there is one. */
    expect_inst(f, 5, "v7 = iadd.i32 v0, v2  ; v2 = -5");
    expect_inst(f, ret, "return v8");
    clif_func_free(f);
}

/* Floats of every width, as Cranelift's format_float writes them. */
static void test_floats(void **state) {
    (void)state;
    clif_func *f = new_func("floats", NULL, 0, NULL, 0, CLIF_CC_FAST);
    clif_block b = new_block(f);
    clif_ins_f32const(f, b, 1.5f);
    clif_ins_f32const(f, b, 3.0f);
    clif_ins_f64const(f, b, -0.0);
    clif_ins_f64const(f, b, 0.0);
    clif_ins_f64const(f, b, 0.1);
    const struct {
        clif_opcode op;
        uint64_t bits;
    } raw[] = {
        {CLIF_OP_F32CONST, 0x7f800000},         /* +Inf */
        {CLIF_OP_F32CONST, 0xff800000},         /* -Inf */
        {CLIF_OP_F32CONST, 0x7fc00000},         /* canonical NaN */
        {CLIF_OP_F32CONST, 0xffc00001},         /* negative NaN with payload */
        {CLIF_OP_F32CONST, 0x7f800001},         /* signaling NaN */
        {CLIF_OP_F32CONST, 0x00000001},         /* smallest subnormal */
        {CLIF_OP_F64CONST, 0x000fffffffffffff}, /* largest subnormal */
        {CLIF_OP_F64CONST, 0x7ff4000000000000}, /* signaling NaN */
        {CLIF_OP_F16CONST, 0x3c00},             /* 1.0 */
        {CLIF_OP_F16CONST, 0xfc00},             /* -Inf */
        {CLIF_OP_F16CONST, 0x0001},             /* subnormal */
        {CLIF_OP_F16CONST, 0x7e00},             /* NaN */
    };
    for (size_t i = 0; i < sizeof raw / sizeof raw[0]; i++) {
        clif_inst_desc d = {.opcode = raw[i].op, .imm = raw[i].bits};
        clif_build(f, b, &d);
    }
    /* f128: 1.0, then the smallest normal, as 16-byte constants */
    uint8_t one[16] = {0}, tiny[16] = {0};
    one[15] = 0x3f;
    one[14] = 0xff;
    tiny[14] = 0x01;
    tiny[15] = 0x80; /* negative */
    clif_constant c0 = clif_create_constant(f, one, 16);
    clif_constant c1 = clif_create_constant(f, tiny, 16);
    clif_inst_desc q0 = {.opcode = CLIF_OP_F128CONST, .entity = c0};
    clif_inst_desc q1 = {.opcode = CLIF_OP_F128CONST, .entity = c1};
    clif_value a = first(f, clif_build(f, b, &q0));
    clif_value z = first(f, clif_build(f, b, &q1));
    clif_value sum = clif_ins_binary(f, b, CLIF_OP_FADD, a, z);
    clif_value two = clif_ins_f32const(f, b, 2.0f);
    clif_value half = clif_ins_binary(f, b, CLIF_OP_FMUL, two, two);
    clif_value rets[2] = {sum, half};
    clif_ins_return(f, b, rets, 2);
    expect_text(f, "function %floats() fast {\n"
                   "    const0 = 0x3fff0000000000000000000000000000\n"
                   "    const1 = 0x80010000000000000000000000000000\n"
                   "\n"
                   "block0:\n"
                   "    v0 = f32const 0x1.800000p0\n"
                   "    v1 = f32const 0x1.800000p1\n"
                   "    v2 = f64const -0.0\n"
                   "    v3 = f64const 0.0\n"
                   "    v4 = f64const 0x1.999999999999ap-4\n"
                   "    v5 = f32const +Inf\n"
                   "    v6 = f32const -Inf\n"
                   "    v7 = f32const +NaN\n"
                   "    v8 = f32const -NaN:0x1\n"
                   "    v9 = f32const +sNaN:0x1\n"
                   "    v10 = f32const 0x0.000002p-126\n"
                   "    v11 = f64const 0x0.fffffffffffffp-1022\n"
                   "    v12 = f64const +sNaN:0x4000000000000\n"
                   "    v13 = f16const 0x1.000p0\n"
                   "    v14 = f16const -Inf\n"
                   "    v15 = f16const 0x0.004p-14\n"
                   "    v16 = f16const +NaN\n"
                   "    v17 = f128const const0\n"
                   "    v18 = f128const const1\n"
                   "    v19 = fadd v17, v18  ; v17 = 0x1.0000000000000000000000000000p0, v18 = "
                   "-0x1.0000000000000000000000000000p-16382\n"
                   "    v20 = f32const 0x1.000000p1\n"
                   "    v21 = fmul v20, v20  ; v20 = 0x1.000000p1, v20 = 0x1.000000p1\n"
                   "    return v19, v21\n"
                   "}\n");
    clif_func_free(f);
}

/* Memory access, stack slots, global values and their flags and offsets. */
static void test_memory(void **state) {
    (void)state;
    clif_type p[2] = {CLIF_I64, CLIF_I32};
    clif_func *f = new_func("mem", p, 2, NULL, 0, CLIF_CC_SYSTEM_V);
    clif_block b = new_block(f);
    clif_value addr = clif_append_block_param(f, b, CLIF_I64);
    clif_value x = clif_append_block_param(f, b, CLIF_I32);
    clif_stack_slot ss0 = clif_create_stack_slot(f, 16, 0);
    clif_create_stack_slot(f, 1048576, 3);
    clif_global_value_data vm = {.kind = CLIF_GV_VMCTX, .type = CLIF_I64};
    clif_global_value gv0 = clif_create_global_value(f, &vm);
    clif_global_value_data ld = {.kind = CLIF_GV_LOAD,
                                 .type = CLIF_I64,
                                 .base = gv0,
                                 .offset = 16,
                                 .flags = CLIF_MEM_NOTRAP | CLIF_MEM_ALIGNED | CLIF_MEM_READONLY};
    clif_global_value gv1 = clif_create_global_value(f, &ld);
    clif_global_value_data add = {
        .kind = CLIF_GV_IADD_IMM, .type = CLIF_I64, .base = gv1, .offset = -32};
    clif_create_global_value(f, &add);
    clif_global_value_data sym = {.kind = CLIF_GV_SYMBOL,
                                  .type = CLIF_I64,
                                  .offset = 12345,
                                  .name = {CLIF_NAME_TESTCASE, 0, 0, "table"},
                                  .colocated = true};
    clif_global_value gv3 = clif_create_global_value(f, &sym);
    clif_global_value_data tls = {.kind = CLIF_GV_SYMBOL,
                                  .type = CLIF_I64,
                                  .offset = -8,
                                  .name = {CLIF_NAME_USER, 2, 7, NULL},
                                  .tls = true};
    clif_create_global_value(f, &tls);
    f->stack_limit = gv1;

    clif_ins_load(f, b, CLIF_OP_LOAD, CLIF_I32, CLIF_MEM_NOTRAP | CLIF_MEM_ALIGNED, addr, 16);
    clif_ins_load(f, b, CLIF_OP_ULOAD8, CLIF_I64, CLIF_MEM_LITTLE, addr, -4);
    clif_ins_load(f, b, CLIF_OP_SLOAD16, CLIF_I32, CLIF_MEM_BIG | CLIF_MEM_CAN_MOVE, addr, 70000);
    clif_ins_load(f, b, CLIF_OP_LOAD, I32X4, (clif_memflags)CLIF_TRAP_INTEGER_OVERFLOW << 8, addr,
                  0);
    clif_ins_load(f, b, CLIF_OP_LOAD, CLIF_I8,
                  (clif_memflags)CLIF_TRAP_HEAP_OUT_OF_BOUNDS << 8 | CLIF_MEM_CHECKED | (3u << 16),
                  addr, 0);
    clif_ins_load(f, b, CLIF_OP_LOAD, CLIF_I16, (clif_memflags)7 << 8, addr, 0);
    clif_ins_store(f, b, CLIF_OP_STORE, CLIF_MEM_NOTRAP, x, addr, 4);
    clif_ins_store(f, b, CLIF_OP_ISTORE8, CLIF_MEM_BIG, x, addr, -70000);
    clif_ins_stack_addr(f, b, CLIF_I64, ss0, 8);
    clif_ins_stack_addr(f, b, CLIF_I64, ss0, 0);
    clif_inst_desc sv = {.opcode = CLIF_OP_SYMBOL_VALUE, .ctrl_type = CLIF_I64, .entity = gv3};
    clif_build(f, b, &sv);
    clif_inst_desc bc = {.opcode = CLIF_OP_BITCAST,
                         .ctrl_type = CLIF_F32,
                         .memflags = CLIF_MEM_LITTLE,
                         .args = &x,
                         .nargs = 1};
    clif_build(f, b, &bc);
    clif_value ab[2] = {addr, x};
    clif_inst_desc rmw = {.opcode = CLIF_OP_ATOMIC_RMW,
                          .cond = CLIF_ATOMIC_XCHG,
                          .memflags = CLIF_MEM_LITTLE,
                          .args = ab,
                          .nargs = 2};
    clif_build(f, b, &rmw);
    clif_value axx[3] = {addr, x, x};
    clif_inst_desc cas = {.opcode = CLIF_OP_ATOMIC_CAS, .args = axx, .nargs = 3};
    clif_build(f, b, &cas);
    clif_inst_desc al = {.opcode = CLIF_OP_ATOMIC_LOAD,
                         .ctrl_type = CLIF_I32,
                         .memflags = CLIF_MEM_NOTRAP,
                         .args = &addr,
                         .nargs = 1};
    clif_build(f, b, &al);
    clif_value xa[2] = {x, addr};
    clif_inst_desc as = {.opcode = CLIF_OP_ATOMIC_STORE, .args = xa, .nargs = 2};
    clif_build(f, b, &as);
    clif_inst_desc fence = {.opcode = CLIF_OP_FENCE};
    clif_build(f, b, &fence);
    clif_ins_return(f, b, NULL, 0);
    expect_text(f, "function %mem(i64, i32) system_v {\n"
                   "    ss0 = explicit_slot 16\n"
                   "    ss1 = explicit_slot 1048576, align = 8\n"
                   "    gv0 = vmctx\n"
                   "    gv1 = load.i64 notrap aligned readonly gv0+16\n"
                   "    gv2 = iadd_imm.i64 gv1, -32\n"
                   "    gv3 = symbol colocated %table+0x3039\n"
                   "    gv4 = symbol tls u2:7 -8\n"
                   "    stack_limit = gv1\n"
                   "\n"
                   "block0(v0: i64, v1: i32):\n"
                   "    v2 = load.i32 notrap aligned v0+16\n"
                   "    v3 = uload8.i64 little v0-4\n"
                   "    v4 = sload16.i32 can_move big v0+0x0001_1170\n"
                   "    v5 = load.i32x4 int_ovf v0\n"
                   "    v6 = load.i8 checked vmctx v0\n"
                   "    v7 = load.i16 user7 v0\n"
                   "    store notrap v1, v0+4\n"
                   "    istore8 big v1, v0-0x0001_1170\n"
                   "    v8 = stack_addr.i64 ss0+8\n"
                   "    v9 = stack_addr.i64 ss0\n"
                   "    v10 = symbol_value.i64 gv3\n"
                   "    v11 = bitcast.f32 little v1\n"
                   "    v12 = atomic_rmw little xchg v0, v1\n"
                   "    v13 = atomic_cas v0, v1, v1\n"
                   "    v14 = atomic_load.i32 notrap v0\n"
                   "    atomic_store v1, v0\n"
                   "    fence \n"
                   "    return\n"
                   "}\n");
    clif_func_free(f);
}

/* Arithmetic formats: unary, binary, ternary, lanes, comparisons, traps. */
static void test_arith(void **state) {
    (void)state;
    init_types();
    clif_type p[4] = {CLIF_I32, CLIF_I32, CLIF_F64, I32X4};
    clif_func *f = new_func("arith", p, 4, NULL, 0, CLIF_CC_FAST);
    clif_block b = new_block(f);
    clif_value x = clif_append_block_param(f, b, CLIF_I32);
    clif_value y = clif_append_block_param(f, b, CLIF_I32);
    clif_value d = clif_append_block_param(f, b, CLIF_F64);
    clif_value v = clif_append_block_param(f, b, I32X4);
    clif_ins_unary(f, b, CLIF_OP_INEG, CLIF_TYPE_INVALID, x);
    clif_ins_unary(f, b, CLIF_OP_UEXTEND, CLIF_I64, x);
    clif_ins_unary(f, b, CLIF_OP_BMASK, CLIF_I8, x);
    clif_value cc = clif_ins_icmp(f, b, CLIF_ICC_ULE, x, y);
    clif_ins_fcmp(f, b, CLIF_FCC_UNO, d, d);
    clif_ins_ternary(f, b, CLIF_OP_SELECT, cc, x, y);
    clif_value xy[2] = {x, y};
    clif_inst_desc ov = {.opcode = CLIF_OP_UADD_OVERFLOW, .args = xy, .nargs = 2};
    clif_build(f, b, &ov);
    clif_inst_desc ot = {.opcode = CLIF_OP_UADD_OVERFLOW_TRAP, .trap = 42, .args = xy, .nargs = 2};
    clif_build(f, b, &ot);
    clif_inst_desc el = {.opcode = CLIF_OP_EXTRACTLANE, .lane = 3, .args = &v, .nargs = 1};
    clif_value lane = first(f, clif_build(f, b, &el));
    clif_value vl[2] = {v, lane};
    clif_inst_desc il = {.opcode = CLIF_OP_INSERTLANE, .lane = 1, .args = vl, .nargs = 2};
    clif_build(f, b, &il);
    clif_ins_unary(f, b, CLIF_OP_SPLAT, I32X4, x);
    clif_inst_desc tz = {.opcode = CLIF_OP_TRAPZ,
                         .trap = CLIF_TRAP_INTEGER_DIVISION_BY_ZERO,
                         .args = &x,
                         .nargs = 1};
    clif_build(f, b, &tz);
    clif_ins_cond_trap(f, b, CLIF_OP_TRAPNZ, y, 250);
    clif_inst_desc nop = {.opcode = CLIF_OP_NOP};
    clif_build(f, b, &nop);
    clif_inst_desc pin = {.opcode = CLIF_OP_GET_PINNED_REG, .ctrl_type = CLIF_I64};
    clif_build(f, b, &pin);
    clif_ins_trap(f, b, CLIF_TRAP_STACK_OVERFLOW);
    expect_text(f, "function %arith(i32, i32, f64, i32x4) fast {\n"
                   "block0(v0: i32, v1: i32, v2: f64, v3: i32x4):\n"
                   "    v4 = ineg v0\n"
                   "    v5 = uextend.i64 v0\n"
                   "    v6 = bmask.i8 v0\n"
                   "    v7 = icmp ule v0, v1\n"
                   "    v8 = fcmp uno v2, v2\n"
                   "    v9 = select v7, v0, v1\n"
                   "    v10, v11 = uadd_overflow v0, v1\n"
                   "    v12 = uadd_overflow_trap v0, v1, user42\n"
                   "    v13 = extractlane v3, 3\n"
                   "    v14 = insertlane v3, v13, 1\n"
                   "    v15 = splat.i32x4 v0\n"
                   "    trapz v0, int_divz\n"
                   "    trapnz v1, user250\n"
                   "    nop \n"
                   "    v16 = get_pinned_reg.i64 \n"
                   "    trap stk_ovf\n"
                   "}\n");
    clif_func_free(f);
}

/* Vector constants and shuffle masks: a vconst names a preamble constant, a
 * shuffle mask is an immediate written inline. */
static void test_vectors(void **state) {
    (void)state;
    init_types();
    clif_type r[1] = {I8X16};
    clif_func *f = new_func("vec", NULL, 0, r, 1, CLIF_CC_FAST);
    clif_block b = new_block(f);
    uint8_t data[16], mask[16];
    for (int i = 0; i < 16; i++) {
        data[i] = (uint8_t)i;
        mask[i] = (uint8_t)(31 - i);
    }
    clif_constant c = clif_create_constant(f, data, 16);
    clif_constant m = clif_create_constant(f, mask, 16);
    clif_inst_desc vc = {.opcode = CLIF_OP_VCONST, .ctrl_type = I8X16, .entity = c};
    clif_value a = first(f, clif_build(f, b, &vc));
    clif_value ab[2] = {a, a};
    clif_inst_desc sh = {.opcode = CLIF_OP_SHUFFLE, .entity = m, .args = ab, .nargs = 2};
    clif_value s = first(f, clif_build(f, b, &sh));
    clif_ins_return(f, b, &s, 1);
    expect_text(f, "function %vec() -> i8x16 fast {\n"
                   "    const0 = 0x0f0e0d0c0b0a09080706050403020100\n"
                   "\n"
                   "block0:\n"
                   "    v0 = vconst.i8x16 const0\n"
                   "    v1 = shuffle v0, v0, 0x101112131415161718191a1b1c1d1e1f  ; v0 = const0, "
                   "v0 = const0\n"
                   "    return v1\n"
                   "}\n");
    clif_func_free(f);
}

/* Cranelift numbers the constant pool without shuffle masks: a vconst after a
 * shuffle still names const0. */
static void test_constant_numbering(void **state) {
    (void)state;
    init_types();
    clif_type p[1] = {I8X16};
    clif_func *f = new_func("num", p, 1, p, 1, CLIF_CC_FAST);
    clif_block b = new_block(f);
    clif_value x = clif_append_block_param(f, b, I8X16);
    uint8_t mask[16] = {0}, data[16] = {0};
    data[0] = 0xab;
    clif_constant m = clif_create_constant(f, mask, 16);
    f->constants.data[m].anon = true;
    clif_constant c = clif_create_constant(f, data, 16);
    f->constants.data[c].anon = true;
    clif_value xx[2] = {x, x};
    clif_inst_desc sh = {.opcode = CLIF_OP_SHUFFLE, .entity = m, .args = xx, .nargs = 2};
    clif_build(f, b, &sh);
    clif_inst_desc vc = {.opcode = CLIF_OP_VCONST, .ctrl_type = I8X16, .entity = c};
    clif_inst vi = clif_build(f, b, &vc);
    clif_value r = first(f, vi);
    clif_ins_return(f, b, &r, 1);
    expect_text(f, "function %num(i8x16) -> i8x16 fast {\n"
                   "    const0 = 0x000000000000000000000000000000ab\n"
                   "\n"
                   "block0(v0: i8x16):\n"
                   "    v1 = shuffle v0, v0, 0x00000000000000000000000000000000\n"
                   "    v2 = vconst.i8x16 const0\n"
                   "    return v2  ; v2 = const0\n"
                   "}\n");
    expect_inst(f, vi, "v2 = vconst.i8x16 const0");
    clif_func_free(f);
}

/* Branches with block arguments, jump tables, cold blocks. */
static void test_branches(void **state) {
    (void)state;
    clif_type p[1] = {CLIF_I32};
    clif_func *f = new_func("br", p, 1, p, 1, CLIF_CC_TAIL);
    clif_block b0 = new_block(f), b1 = new_block(f), b2 = new_block(f), b3 = new_block(f);
    clif_value x = clif_append_block_param(f, b0, CLIF_I32);
    clif_value y = clif_append_block_param(f, b1, CLIF_I32);
    clif_append_block_param(f, b1, CLIF_I32);
    f->blocks.data[b3].cold = true;
    clif_value one = clif_ins_iconst(f, b0, CLIF_I32, 1);
    clif_value args[2] = {x, one};
    clif_block_call t = {b1, args, 2}, e = {b2, NULL, 0};
    clif_ins_brif(f, b0, x, &t, &e);
    clif_block_call dflt = {b3, NULL, 0};
    clif_block_call ents[3] = {{b2, NULL, 0}, {b1, args, 2}, {b2, NULL, 0}};
    clif_jump_table jt = clif_create_jump_table(f, &dflt, ents, 3);
    clif_ins_br_table(f, b1, y, jt);
    clif_block_call none = {b3, NULL, 0};
    clif_jump_table empty = clif_create_jump_table(f, &none, NULL, 0);
    clif_ins_br_table(f, b2, x, empty);
    clif_ins_brif(f, b3, x, &t, &e);
    expect_text(f, "function %br(i32) -> i32 tail {\n"
                   "block0(v0: i32):\n"
                   "    v3 = iconst.i32 1\n"
                   "    brif v0, block1(v0, v3), block2  ; v3 = 1\n"
                   "\n"
                   "block1(v1: i32, v2: i32):\n"
                   "    br_table v1, block3, [block2, block1(v0, v3), block2]  ; v3 = 1\n"
                   "\n"
                   "block2:\n"
                   "    br_table v0, block3, []\n"
                   "\n"
                   "block3 cold:\n"
                   "    brif.i32 v0, block1(v0, v3), block2  ; v3 = 1\n"
                   "}\n");
    clif_func_free(f);
}

/* Calls: signatures, function references, indirect and tail calls, try_call
 * with exception tables. */
static void test_calls(void **state) {
    (void)state;
    clif_type p[1] = {CLIF_I64};
    clif_func *f = new_func("calls", p, 1, p, 1, CLIF_CC_SYSTEM_V);
    clif_block b0 = new_block(f), b1 = new_block(f), b2 = new_block(f), b3 = new_block(f);
    clif_value x = clif_append_block_param(f, b0, CLIF_I64);
    clif_value r1 = clif_append_block_param(f, b1, CLIF_I64);
    clif_append_block_param(f, b2, CLIF_I64);
    clif_append_block_param(f, b2, CLIF_I64);
    clif_abi_param ap[3] = {{CLIF_I64, CLIF_EXT_NONE, CLIF_ARG_VMCTX, 0},
                            {CLIF_I32, CLIF_EXT_SEXT, CLIF_ARG_NORMAL, 0},
                            {CLIF_I64, CLIF_EXT_NONE, CLIF_ARG_STRUCT, 24}};
    clif_abi_param ar[2] = {{CLIF_I64, 0, 0, 0}, {CLIF_I8, CLIF_EXT_UEXT, 0, 0}};
    clif_signature s0 = {ap, 3, ar, 2, CLIF_CC_FAST};
    clif_signature s1 = {ap, 1, ar, 1, CLIF_CC_TAIL};
    clif_signature s2 = {NULL, 0, NULL, 0, CLIF_CC_WINDOWS_FASTCALL};
    clif_sig_ref sig0 = clif_import_signature(f, &s0);
    clif_sig_ref sig1 = clif_import_signature(f, &s1);
    clif_import_signature(f, &s2);
    clif_ext_name n0 = {CLIF_NAME_TESTCASE, 0, 0, "callee"};
    clif_ext_name n1 = {CLIF_NAME_USER, 1, 5, NULL};
    clif_func_ref fn0 = clif_import_function(f, &n0, sig0, false);
    clif_func_ref fn1 = clif_import_function(f, &n1, sig1, true);
    clif_value k = clif_ins_iconst(f, b0, CLIF_I32, 7);
    clif_value a3[3] = {x, k, x};
    clif_ins_call(f, b0, fn0, a3, 3);
    clif_inst_desc fa = {.opcode = CLIF_OP_FUNC_ADDR, .ctrl_type = CLIF_I64, .entity = fn1};
    clif_value addr = first(f, clif_build(f, b0, &fa));
    clif_ins_call_indirect(f, b0, sig1, addr, &x, 1);
    /* try_call fn1(v0), sig1, block1(ret0), [ tag3: block2(exn0, exn1), context v0,
     * default: block3 ] */
    uint32_t ret0 = CLIF_BLOCKARG_RET(0);
    uint32_t exn[2] = {CLIF_BLOCKARG_EXN(0), CLIF_BLOCKARG_EXN(1)};
    clif_block_call normal = {b1, &ret0, 1}, catch2 = {b2, exn, 2}, dflt = {b3, NULL, 0};
    extable_data et = {sig1, ir_add_block_call(f, &normal), f->extable_items.len, 3};
    extable_item it0 = {EXI_TAG, 3, ir_add_block_call(f, &catch2)};
    extable_item it1 = {EXI_CONTEXT, 0, x};
    extable_item it2 = {EXI_DEFAULT, 0, ir_add_block_call(f, &dflt)};
    vec_push(f->extable_items, it0);
    vec_push(f->extable_items, it1);
    vec_push(f->extable_items, it2);
    vec_push(f->extables, et);
    clif_inst_desc tc = {
        .opcode = CLIF_OP_TRY_CALL, .entity = 0, .imm = fn1, .args = &x, .nargs = 1};
    clif_build(f, b0, &tc);
    /* try_call_indirect with an empty table */
    clif_block_call normal2 = {b1, &x, 1};
    extable_data et2 = {sig1, ir_add_block_call(f, &normal2), f->extable_items.len, 0};
    vec_push(f->extables, et2);
    clif_value ca[2] = {addr, r1};
    clif_inst_desc tci = {.opcode = CLIF_OP_TRY_CALL_INDIRECT, .entity = 1, .args = ca, .nargs = 2};
    clif_build(f, b1, &tci);
    clif_inst_desc rc = {.opcode = CLIF_OP_RETURN_CALL, .entity = fn1, .args = &x, .nargs = 1};
    clif_build(f, b2, &rc);
    clif_inst_desc rci = {
        .opcode = CLIF_OP_RETURN_CALL_INDIRECT, .entity = sig1, .args = ca, .nargs = 2};
    clif_build(f, b3, &rci);
    expect_text(f, "function %calls(i64) -> i64 system_v {\n"
                   "    sig0 = (i64 vmctx, i32 sext, i64 sarg(24)) -> i64, i8 uext fast\n"
                   "    sig1 = (i64 vmctx) -> i64 tail\n"
                   "    sig2 = () windows_fastcall\n"
                   "    fn0 = %callee sig0\n"
                   "    fn1 = colocated u1:5 sig1\n"
                   "\n"
                   "block0(v0: i64):\n"
                   "    v4 = iconst.i32 7\n"
                   "    v5, v6 = call fn0(v0, v4, v0)  ; v4 = 7\n"
                   "    v7 = func_addr.i64 fn1\n"
                   "    v8 = call_indirect sig1, v7(v0)\n"
                   "    try_call fn1(v0), sig1, block1(ret0), [ tag3: block2(exn0, exn1), "
                   "context v0, default: block3 ]\n"
                   "\n"
                   "block1(v1: i64):\n"
                   "    try_call_indirect.i64 v7(v1), sig1, block1(v0), []\n"
                   "\n"
                   "block2(v2: i64, v3: i64):\n"
                   "    return_call fn1(v0)\n"
                   "\n"
                   "block3:\n"
                   "    return_call_indirect.i64 sig1, v7(v1)\n"
                   "}\n");
    clif_func_free(f);
}

/* Aliases follow the value they name, depth first; dynamic types and slots. */
static void test_aliases_and_dynamic(void **state) {
    (void)state;
    init_types();
    clif_type p[1] = {CLIF_I32};
    clif_func *f = new_func("alias", p, 1, p, 1, CLIF_CC_SYSTEM_V);
    clif_block b = new_block(f);
    clif_value x = clif_append_block_param(f, b, CLIF_I32);
    clif_value a1 = ir_make_value(f, CLIF_I32, VK_ALIAS, x, 0);  /* v1 -> v0 */
    clif_value a2 = ir_make_value(f, CLIF_I32, VK_ALIAS, a1, 0); /* v2 -> v1 */
    clif_value a3 = ir_make_value(f, CLIF_I32, VK_ALIAS, x, 0);  /* v3 -> v0 */
    clif_value s = clif_ins_binary(f, b, CLIF_OP_IADD, a2, a3);  /* v4 */
    ir_make_value(f, CLIF_I32, VK_ALIAS, s, 0);                  /* v5 -> v4 */
    clif_global_value_data ds = {.kind = CLIF_GV_DYN_SCALE, .type = I32X4};
    clif_global_value gv = clif_create_global_value(f, &ds);
    dyn_type_data dt = {I32X4, gv, true};
    vec_push(f->dyn_types, dt);
    stack_slot_data dss = {CLIF_SS_EXPLICIT_DYNAMIC, 0, 0, 0, true};
    vec_push(f->stack_slots, dss);
    clif_inst_desc sp = {
        .opcode = CLIF_OP_SPLAT, .ctrl_type = I32X4 | CLIF_TYPE_DYN, .args = &x, .nargs = 1};
    clif_build(f, b, &sp);
    clif_inst_desc da = {.opcode = CLIF_OP_DYNAMIC_STACK_ADDR, .ctrl_type = CLIF_I64, .entity = 0};
    clif_build(f, b, &da);
    clif_value r = 5;
    clif_ins_return(f, b, &r, 1);
    expect_text(f, "function %alias(i32) -> i32 system_v {\n"
                   "    gv0 = dyn_scale_target_const.i32x4\n"
                   "    dt0 = i32x4*gv0\n"
                   "    dss0 = explicit_dynamic_slot dt0\n"
                   "\n"
                   "block0(v0: i32):\n"
                   "    v1 -> v0\n"
                   "    v3 -> v0\n"
                   "    v2 -> v1\n"
                   "    v4 = iadd v2, v3\n"
                   "    v5 -> v4\n"
                   "    v6 = splat.i32x4xN v0\n"
                   "    v7 = dynamic_stack_addr.i64 dss0\n"
                   "    return v5\n"
                   "}\n");
    clif_func_free(f);
}

/* Odd corners: user function names, an empty function, instructions outside the
 * layout, the handler-address format. */
static void test_misc(void **state) {
    (void)state;
    clif_func *f = clif_func_new();
    clif_ext_name n = {CLIF_NAME_USER, 0, 3, NULL};
    clif_func_set_name(f, &n);
    expect_text(f, "function u0:3() system_v {\n}\n");
    clif_block b0 = new_block(f), b1 = new_block(f);
    clif_inst_desc h = {.opcode = CLIF_OP_GET_EXCEPTION_HANDLER_ADDRESS,
                        .ctrl_type = CLIF_I64,
                        .entity = b1,
                        .imm = 2};
    clif_build(f, b0, &h);
    clif_ins_iconst(f, CLIF_NONE, CLIF_I32, 3); /* not in the layout: not written */
    clif_value big = clif_ins_iconst(f, b0, CLIF_I64, -1);
    clif_inst_desc dbg = {.opcode = CLIF_OP_DEBUGTRAP};
    clif_build(f, b0, &dbg);
    clif_ins_jump(f, b0, b1, &big, 1);
    clif_ins_return(f, b1, NULL, 0);
    expect_text(f, "function u0:3() system_v {\n"
                   "block0:\n"
                   "    v0 = get_exception_handler_address.i64 block1, 2\n"
                   "    v2 = iconst.i64 -1\n"
                   "    debugtrap \n"
                   "    jump block1(v2)  ; v2 = -1\n"
                   "\n"
                   "block1:\n"
                   "    return\n"
                   "}\n");
    expect_inst(f, 1, "v1 = iconst.i32 3");
    char *bad = clif_inst_to_string(f, 99);
    assert_non_null(strstr(bad, "no such instruction"));
    free(bad);
    clif_func_free(f);
}

/* A malformed function (lists out of range) prints `invalid` pieces instead of
 * reading out of bounds. */
static void test_malformed(void **state) {
    (void)state;
    clif_type p[1] = {CLIF_I32};
    clif_func *f = new_func("bad", p, 1, p, 1, CLIF_CC_FAST);
    clif_block b = new_block(f);
    clif_value x = clif_append_block_param(f, b, CLIF_I32);
    clif_inst add = f->values.data[clif_ins_binary(f, b, CLIF_OP_IADD, x, x)].owner;
    clif_value one = clif_ins_iconst(f, b, CLIF_I32, 1);
    clif_inst jmp = clif_ins_jump(f, b, b, &one, 1);
    f->insts.data[add].nargs = 1u << 30;
    f->block_calls.data[f->insts.data[jmp].ent].args = UINT32_MAX - 1;
    char *text = clif_func_to_string(f);
    assert_non_null(strstr(text, "invalid (inst0: value lists out of range)"));
    assert_non_null(strstr(text, "jump block0(invalid)"));
    free(text);
    f->blocks.data[b].nparams = 1u << 31;
    text = clif_func_to_string(f);
    assert_non_null(strstr(text, "block0(invalid):"));
    free(text);
    clif_func_free(f);

    /* Constants: an empty one (no byte stored at all) and one whose range
     * lies outside the bytes. */
    f = new_func("k", NULL, 0, NULL, 0, CLIF_CC_FAST);
    b = new_block(f);
    clif_constant empty = clif_create_constant(f, NULL, 0);
    clif_inst_desc d = {.opcode = CLIF_OP_VCONST, .ctrl_type = I8X16, .entity = empty};
    clif_build(f, b, &d);
    clif_ins_return(f, b, NULL, 0);
    text = clif_func_to_string(f);
    assert_non_null(strstr(text, "    const0 = \n"));
    free(text);
    f->constants.data[empty].len = 16;
    text = clif_func_to_string(f);
    assert_non_null(strstr(text, "    const0 = invalid\n"));
    free(text);
    clif_func_free(f);
}

int main(void) {
    init_types();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic),     cmocka_unit_test(test_floats),
        cmocka_unit_test(test_memory),    cmocka_unit_test(test_arith),
        cmocka_unit_test(test_vectors),   cmocka_unit_test(test_branches),
        cmocka_unit_test(test_calls),     cmocka_unit_test(test_aliases_and_dynamic),
        cmocka_unit_test(test_misc),      cmocka_unit_test(test_constant_numbering),
        cmocka_unit_test(test_malformed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
