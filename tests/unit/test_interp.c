/* Unit tests of the reference interpreter: functions built through the
 * builder API, run with clif_interp_call, checked value by value. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cranelift.h"
#include "ir/function.h" /* exception tables and stack_limit have no builder API yet */

/* ---- Helpers ---- */

typedef struct fn {
    clif_func *f;
    clif_block b;
    clif_value p[8];
} fn;

static fn begin(const char *name, const clif_type *params, uint32_t np, const clif_type *rets,
                uint32_t nr) {
    fn x;
    x.f = clif_func_new();
    clif_ext_name n = {CLIF_NAME_TESTCASE, 0, 0, name};
    clif_func_set_name(x.f, &n);
    clif_abi_param ps[8], rs[8];
    memset(ps, 0, sizeof ps);
    memset(rs, 0, sizeof rs);
    for (uint32_t i = 0; i < np; i++)
        ps[i].type = params[i];
    for (uint32_t i = 0; i < nr; i++)
        rs[i].type = rets[i];
    clif_signature sig = {ps, np, rs, nr, CLIF_CC_SYSTEM_V};
    clif_func_set_signature(x.f, &sig);
    x.b = clif_create_block(x.f);
    clif_append_block(x.f, x.b);
    for (uint32_t i = 0; i < np; i++)
        x.p[i] = clif_append_block_param(x.f, x.b, params[i]);
    return x;
}

static clif_data_value dv(clif_type t, uint64_t bits) {
    clif_data_value v;
    memset(&v, 0, sizeof v);
    v.type = t;
    for (int k = 0; k < 8 && k < (int)clif_type_bytes(t); k++)
        v.bytes[k] = (uint8_t)(bits >> (8 * k));
    return v;
}

static clif_data_value dv128(clif_type t, uint64_t hi, uint64_t lo) {
    clif_data_value v = dv(t, lo);
    for (int k = 0; k < 8; k++)
        v.bytes[8 + k] = (uint8_t)(hi >> (8 * k));
    return v;
}

static uint64_t lo64(const clif_data_value *v) {
    uint64_t x = 0;
    for (int k = 7; k >= 0; k--)
        x = (x << 8) | v->bytes[k];
    return x;
}

static uint64_t hi64(const clif_data_value *v) {
    uint64_t x = 0;
    for (int k = 15; k >= 8; k--)
        x = (x << 8) | v->bytes[k];
    return x;
}

static clif_data_value f32v(float x) {
    uint32_t b;
    memcpy(&b, &x, 4);
    return dv(CLIF_F32, b);
}

static clif_data_value f64v(double x) {
    uint64_t b;
    memcpy(&b, &x, 8);
    return dv(CLIF_F64, b);
}

static void no_error(clif_error *e) {
    if (e) {
        char buf[512];
        fprintf(stderr, "unexpected error: %s\n", clif_error_format(e, buf, sizeof buf));
        clif_error_free(e);
    }
    assert_null(e);
}

/* Runs f (not registered) with args; returns the first result's low bits. */
static uint64_t run1(clif_func *f, const clif_data_value *args, uint32_t n) {
    clif_interp *in = clif_interp_new();
    clif_data_value out[4];
    uint32_t nout = 0;
    clif_error *e = clif_interp_call(in, f, args, n, out, 4, &nout);
    if (e) {
        char buf[512];
        fprintf(stderr, "unexpected error: %s\n", clif_error_format(e, buf, sizeof buf));
        clif_error_free(e);
    }
    assert_null(e);
    assert_true(nout >= 1);
    clif_interp_free(in);
    return lo64(&out[0]);
}

static clif_data_value run1v(clif_func *f, const clif_data_value *args, uint32_t n) {
    clif_interp *in = clif_interp_new();
    clif_data_value out[4];
    uint32_t nout = 0;
    clif_error *e = clif_interp_call(in, f, args, n, out, 4, &nout);
    assert_null(e);
    assert_true(nout >= 1);
    clif_interp_free(in);
    return out[0];
}

/* Expects f to trap with `code`. */
static void expect_trap(clif_func *f, const clif_data_value *args, uint32_t n,
                        clif_trap_code code) {
    clif_interp *in = clif_interp_new();
    clif_data_value out[4];
    uint32_t nout = 0;
    clif_error *e = clif_interp_call(in, f, args, n, out, 4, &nout);
    assert_non_null(e);
    if (clif_error_get_kind(e) != CLIF_ERR_TRAP) {
        char buf[512];
        fprintf(stderr, "expected a trap, got: %s\n", clif_error_format(e, buf, sizeof buf));
    }
    assert_int_equal(clif_error_get_kind(e), CLIF_ERR_TRAP);
    assert_int_equal(clif_error_trap_code(e), code);
    clif_error_free(e);
    clif_interp_free(in);
}

static clif_func *binop_func(clif_opcode op, clif_type t) {
    clif_type ps[2] = {t, t};
    fn x = begin("binop", ps, 2, &t, 1);
    clif_value r = clif_ins_binary(x.f, x.b, op, x.p[0], x.p[1]);
    clif_ins_return(x.f, x.b, &r, 1);
    return x.f;
}

static uint64_t bin(clif_opcode op, clif_type t, uint64_t a, uint64_t b) {
    clif_func *f = binop_func(op, t);
    clif_data_value args[2] = {dv(t, a), dv(t, b)};
    uint64_t r = run1(f, args, 2);
    clif_func_free(f);
    return r;
}

static clif_data_value bin128(clif_opcode op, clif_data_value a, clif_data_value b) {
    clif_func *f = binop_func(op, a.type);
    clif_data_value args[2] = {a, b};
    clif_data_value r = run1v(f, args, 2);
    clif_func_free(f);
    return r;
}

static void expect_bin_trap(clif_opcode op, clif_type t, uint64_t a, uint64_t b,
                            clif_trap_code code) {
    clif_func *f = binop_func(op, t);
    clif_data_value args[2] = {dv(t, a), dv(t, b)};
    expect_trap(f, args, 2, code);
    clif_func_free(f);
}

static clif_func *unop_func(clif_opcode op, clif_type rt, clif_type at) {
    fn x = begin("unop", &at, 1, &rt, 1);
    clif_value r = clif_ins_unary(x.f, x.b, op, rt, x.p[0]);
    clif_ins_return(x.f, x.b, &r, 1);
    return x.f;
}

static uint64_t un(clif_opcode op, clif_type rt, clif_data_value a) {
    clif_func *f = unop_func(op, rt, a.type);
    uint64_t r = run1(f, &a, 1);
    clif_func_free(f);
    return r;
}

static void expect_un_trap(clif_opcode op, clif_type rt, clif_data_value a, clif_trap_code code) {
    clif_func *f = unop_func(op, rt, a.type);
    expect_trap(f, &a, 1, code);
    clif_func_free(f);
}

/* ---- Integer arithmetic ---- */

static void test_wrapping(void **state) {
    (void)state;
    assert_int_equal(bin(CLIF_OP_IADD, CLIF_I8, 200, 100), 44);
    assert_int_equal(bin(CLIF_OP_ISUB, CLIF_I16, 0, 1), 0xffff);
    assert_int_equal(bin(CLIF_OP_IMUL, CLIF_I32, 0x10000, 0x10000), 0);
    assert_int_equal(bin(CLIF_OP_IMUL, CLIF_I64, UINT64_MAX, UINT64_MAX), 1);
    assert_int_equal(bin(CLIF_OP_UMULHI, CLIF_I64, UINT64_MAX, UINT64_MAX), UINT64_MAX - 1);
    assert_int_equal(bin(CLIF_OP_SMULHI, CLIF_I64, (uint64_t)-2, 3), UINT64_MAX);
    assert_int_equal(bin(CLIF_OP_SMULHI, CLIF_I8, 0x80, 0x80), 0x40);
    assert_int_equal(bin(CLIF_OP_SMIN, CLIF_I8, 0x80, 1), 0x80);
    assert_int_equal(bin(CLIF_OP_UMIN, CLIF_I8, 0x80, 1), 1);
    assert_int_equal(bin(CLIF_OP_UADD_SAT, CLIF_I8, 200, 100), 255);
    assert_int_equal(bin(CLIF_OP_SADD_SAT, CLIF_I8, 100, 100), 127);
    assert_int_equal(bin(CLIF_OP_SSUB_SAT, CLIF_I8, 0x80, 1), 0x80);
    assert_int_equal(bin(CLIF_OP_USUB_SAT, CLIF_I8, 1, 2), 0);
    assert_int_equal(un(CLIF_OP_INEG, CLIF_I32, dv(CLIF_I32, 1)), 0xffffffffu);
    assert_int_equal(un(CLIF_OP_IABS, CLIF_I8, dv(CLIF_I8, 0x80)), 0x80);
    assert_int_equal(un(CLIF_OP_IABS, CLIF_I16, dv(CLIF_I16, 0xfffe)), 2);
}

static void test_division(void **state) {
    (void)state;
    clif_type types[4] = {CLIF_I8, CLIF_I16, CLIF_I32, CLIF_I64};
    for (int k = 0; k < 4; k++) {
        clif_type t = types[k];
        unsigned bits = clif_type_bits(t);
        uint64_t mask = bits == 64 ? UINT64_MAX : (1ull << bits) - 1;
        uint64_t min = 1ull << (bits - 1);
        expect_bin_trap(CLIF_OP_UDIV, t, 5, 0, CLIF_TRAP_INTEGER_DIVISION_BY_ZERO);
        expect_bin_trap(CLIF_OP_SDIV, t, 5, 0, CLIF_TRAP_INTEGER_DIVISION_BY_ZERO);
        expect_bin_trap(CLIF_OP_UREM, t, 5, 0, CLIF_TRAP_INTEGER_DIVISION_BY_ZERO);
        expect_bin_trap(CLIF_OP_SREM, t, 5, 0, CLIF_TRAP_INTEGER_DIVISION_BY_ZERO);
        expect_bin_trap(CLIF_OP_SDIV, t, min, mask, CLIF_TRAP_INTEGER_OVERFLOW);
        assert_int_equal(bin(CLIF_OP_SREM, t, min, mask), 0);
        assert_int_equal(bin(CLIF_OP_SDIV, t, (uint64_t)-7 & mask, 2), (uint64_t)-3 & mask);
        assert_int_equal(bin(CLIF_OP_SREM, t, (uint64_t)-7 & mask, 2), (uint64_t)-1 & mask);
        assert_int_equal(bin(CLIF_OP_SREM, t, 7, (uint64_t)-2 & mask), 1);
        assert_int_equal(bin(CLIF_OP_UDIV, t, mask, 2), mask >> 1);
        assert_int_equal(bin(CLIF_OP_UREM, t, mask, 10), mask % 10);
    }
    /* i128 */
    clif_data_value min = dv128(CLIF_I128, 1ull << 63, 0),
                    m1 = dv128(CLIF_I128, UINT64_MAX, UINT64_MAX);
    clif_func *f = binop_func(CLIF_OP_SDIV, CLIF_I128);
    clif_data_value args[2] = {min, m1};
    expect_trap(f, args, 2, CLIF_TRAP_INTEGER_OVERFLOW);
    clif_func_free(f);
    clif_data_value r = bin128(CLIF_OP_SREM, min, m1);
    assert_int_equal(lo64(&r), 0);
    assert_int_equal(hi64(&r), 0);
    /* (2^100 + 12345) / 1000 */
    r = bin128(CLIF_OP_UDIV, dv128(CLIF_I128, 1ull << 36, 12345), dv128(CLIF_I128, 0, 1000));
    assert_int_equal(hi64(&r), 0x4189374ull);
    assert_int_equal(lo64(&r), 0xbc6a7ef9db22d0f1ull);
    r = bin128(CLIF_OP_UREM, dv128(CLIF_I128, 1ull << 36, 12345), dv128(CLIF_I128, 0, 1000));
    assert_int_equal(lo64(&r), 721);
    /* -(2^70) / 3 = -393530540239137101141 (truncated), remainder -1 */
    r = bin128(CLIF_OP_SDIV, dv128(CLIF_I128, ~0ull << 6, 0), dv128(CLIF_I128, 0, 3));
    assert_int_equal(hi64(&r), UINT64_MAX - 0x15);
    assert_int_equal(lo64(&r), 0xaaaaaaaaaaaaaaabull);
    r = bin128(CLIF_OP_SREM, dv128(CLIF_I128, ~0ull << 6, 0), dv128(CLIF_I128, 0, 3));
    assert_int_equal(lo64(&r), UINT64_MAX);
    assert_int_equal(hi64(&r), UINT64_MAX);
    /* Division by a divisor with the top bit set. */
    r = bin128(CLIF_OP_UDIV, dv128(CLIF_I128, UINT64_MAX, 5), dv128(CLIF_I128, 1ull << 63, 0));
    assert_int_equal(lo64(&r), 1);
}

static void test_i128_mul(void **state) {
    (void)state;
    /* (2^64 + 3) * (2^64 - 1) mod 2^128 = 2^65 - 3 */
    clif_data_value r =
        bin128(CLIF_OP_IMUL, dv128(CLIF_I128, 1, 3), dv128(CLIF_I128, 0, UINT64_MAX));
    assert_int_equal(hi64(&r), 1);
    assert_int_equal(lo64(&r), UINT64_MAX - 2);
    /* umulhi of (2^128 - 1)^2 = 2^128 - 2 */
    clif_data_value m = dv128(CLIF_I128, UINT64_MAX, UINT64_MAX);
    r = bin128(CLIF_OP_UMULHI, m, m);
    assert_int_equal(hi64(&r), UINT64_MAX);
    assert_int_equal(lo64(&r), UINT64_MAX - 1);
    /* smulhi(-1, -1) = 0 */
    r = bin128(CLIF_OP_SMULHI, m, m);
    assert_int_equal(hi64(&r), 0);
    assert_int_equal(lo64(&r), 0);
}

static void test_shifts(void **state) {
    (void)state;
    assert_int_equal(bin(CLIF_OP_ISHL, CLIF_I32, 1, 33), 2);
    assert_int_equal(bin(CLIF_OP_ISHL, CLIF_I8, 1, 9), 2);
    assert_int_equal(bin(CLIF_OP_USHR, CLIF_I16, 0x8000, 17), 0x4000);
    assert_int_equal(bin(CLIF_OP_SSHR, CLIF_I16, 0x8000, 17), 0xc000);
    assert_int_equal(bin(CLIF_OP_SSHR, CLIF_I64, 1ull << 63, 127), UINT64_MAX);
    assert_int_equal(bin(CLIF_OP_ROTL, CLIF_I8, 0x81, 1), 0x03);
    assert_int_equal(bin(CLIF_OP_ROTR, CLIF_I8, 0x81, 9), 0xc0);
    assert_int_equal(bin(CLIF_OP_ROTL, CLIF_I64, 1ull << 63, 64), 1ull << 63);
    /* i128 shifted by an i128 amount of 130: masked to 2 */
    clif_data_value r =
        bin128(CLIF_OP_ISHL, dv128(CLIF_I128, 0, 1ull << 63), dv128(CLIF_I128, 0, 130));
    assert_int_equal(hi64(&r), 2);
    assert_int_equal(lo64(&r), 0);
    r = bin128(CLIF_OP_SSHR, dv128(CLIF_I128, 1ull << 63, 0), dv128(CLIF_I128, 0, 64));
    assert_int_equal(hi64(&r), UINT64_MAX);
    assert_int_equal(lo64(&r), 1ull << 63);
    r = bin128(CLIF_OP_ROTR, dv128(CLIF_I128, 0, 1), dv128(CLIF_I128, 0, 1));
    assert_int_equal(hi64(&r), 1ull << 63);
}

static void test_bit_counts(void **state) {
    (void)state;
    assert_int_equal(un(CLIF_OP_CLZ, CLIF_I8, dv(CLIF_I8, 1)), 7);
    assert_int_equal(un(CLIF_OP_CLZ, CLIF_I32, dv(CLIF_I32, 0)), 32);
    assert_int_equal(un(CLIF_OP_CLS, CLIF_I8, dv(CLIF_I8, 0xff)), 7);
    assert_int_equal(un(CLIF_OP_CLS, CLIF_I16, dv(CLIF_I16, 0x00ff)), 7);
    assert_int_equal(un(CLIF_OP_CTZ, CLIF_I64, dv(CLIF_I64, 0)), 64);
    assert_int_equal(un(CLIF_OP_CTZ, CLIF_I16, dv(CLIF_I16, 0x100)), 8);
    assert_int_equal(un(CLIF_OP_POPCNT, CLIF_I64, dv(CLIF_I64, UINT64_MAX)), 64);
    assert_int_equal(un(CLIF_OP_BITREV, CLIF_I8, dv(CLIF_I8, 0x01)), 0x80);
    assert_int_equal(un(CLIF_OP_BITREV, CLIF_I32, dv(CLIF_I32, 0x12345678)), 0x1e6a2c48);
    assert_int_equal(un(CLIF_OP_BSWAP, CLIF_I32, dv(CLIF_I32, 0x12345678)), 0x78563412);
    clif_func *f = unop_func(CLIF_OP_CLZ, CLIF_I128, CLIF_I128);
    clif_data_value a = dv128(CLIF_I128, 0, 1);
    clif_data_value r = run1v(f, &a, 1);
    assert_int_equal(lo64(&r), 127);
    clif_func_free(f);
    f = unop_func(CLIF_OP_BSWAP, CLIF_I128, CLIF_I128);
    a = dv128(CLIF_I128, 0x0102030405060708ull, 0x090a0b0c0d0e0f10ull);
    r = run1v(f, &a, 1);
    assert_int_equal(hi64(&r), 0x100f0e0d0c0b0a09ull);
    assert_int_equal(lo64(&r), 0x0807060504030201ull);
    clif_func_free(f);
}

static uint64_t overflow_flag(clif_opcode op, clif_type t, uint64_t a, uint64_t b, uint64_t *sum) {
    clif_type ps[2] = {t, t}, rs[2] = {t, CLIF_I8};
    fn x = begin("ovf", ps, 2, rs, 2);
    clif_value args[2] = {x.p[0], x.p[1]};
    clif_inst_desc d = {.opcode = op, .args = args, .nargs = 2};
    clif_inst i = clif_build(x.f, x.b, &d);
    clif_value res[2] = {clif_inst_result(x.f, i, 0), clif_inst_result(x.f, i, 1)};
    clif_ins_return(x.f, x.b, res, 2);
    clif_interp *in = clif_interp_new();
    clif_data_value av[2] = {dv(t, a), dv(t, b)}, out[2];
    uint32_t n;
    clif_error *e = clif_interp_call(in, x.f, av, 2, out, 2, &n);
    assert_null(e);
    assert_int_equal(n, 2);
    *sum = lo64(&out[0]);
    clif_interp_free(in);
    clif_func_free(x.f);
    return lo64(&out[1]);
}

static void test_overflow_ops(void **state) {
    (void)state;
    uint64_t s;
    assert_int_equal(overflow_flag(CLIF_OP_UADD_OVERFLOW, CLIF_I8, 200, 100, &s), 1);
    assert_int_equal(s, 44);
    assert_int_equal(overflow_flag(CLIF_OP_SADD_OVERFLOW, CLIF_I8, 100, 100, &s), 1);
    assert_int_equal(overflow_flag(CLIF_OP_SADD_OVERFLOW, CLIF_I8, 0x80, 0x7f, &s), 0);
    assert_int_equal(overflow_flag(CLIF_OP_USUB_OVERFLOW, CLIF_I32, 1, 2, &s), 1);
    assert_int_equal(s, 0xffffffffu);
    assert_int_equal(overflow_flag(CLIF_OP_SSUB_OVERFLOW, CLIF_I16, 0x8000, 1, &s), 1);
    assert_int_equal(overflow_flag(CLIF_OP_UMUL_OVERFLOW, CLIF_I64, 1ull << 32, 1ull << 32, &s), 1);
    assert_int_equal(overflow_flag(CLIF_OP_UMUL_OVERFLOW, CLIF_I64, 1ull << 31, 1ull << 32, &s), 0);
    assert_int_equal(overflow_flag(CLIF_OP_SMUL_OVERFLOW, CLIF_I64, 1ull << 62, 2, &s), 1);
    assert_int_equal(overflow_flag(CLIF_OP_SMUL_OVERFLOW, CLIF_I64, 1ull << 62, (uint64_t)-2, &s),
                     0);
    assert_int_equal(s, 1ull << 63);
    assert_int_equal(overflow_flag(CLIF_OP_SMUL_OVERFLOW, CLIF_I8, 0x80, 0xff, &s), 1);

    /* uadd_overflow_trap */
    clif_type ps[2] = {CLIF_I32, CLIF_I32};
    fn x = begin("uaddtrap", ps, 2, ps, 1);
    clif_value args[2] = {x.p[0], x.p[1]};
    clif_inst_desc d = {.opcode = CLIF_OP_UADD_OVERFLOW_TRAP, .trap = 42, .args = args, .nargs = 2};
    clif_inst i = clif_build(x.f, x.b, &d);
    clif_value r = clif_inst_result(x.f, i, 0);
    clif_ins_return(x.f, x.b, &r, 1);
    clif_data_value av[2] = {dv(CLIF_I32, 0xffffffffu), dv(CLIF_I32, 1)};
    expect_trap(x.f, av, 2, 42);
    av[0] = dv(CLIF_I32, 5);
    assert_int_equal(run1(x.f, av, 2), 6);
    clif_func_free(x.f);
}

static void test_icmp_select(void **state) {
    (void)state;
    clif_type ps[2] = {CLIF_I128, CLIF_I128}, rt = CLIF_I8;
    const int ccs[] = {CLIF_ICC_SLT, CLIF_ICC_ULT, CLIF_ICC_SGE, CLIF_ICC_UGT};
    const uint64_t want[] = {1, 0, 0, 1};
    for (int k = 0; k < 4; k++) {
        fn x = begin("icmp", ps, 2, &rt, 1);
        clif_value r = clif_ins_icmp(x.f, x.b, (clif_intcc)ccs[k], x.p[0], x.p[1]);
        clif_ins_return(x.f, x.b, &r, 1);
        clif_data_value av[2] = {dv128(CLIF_I128, 1ull << 63, 0), dv128(CLIF_I128, 0, 1)};
        assert_int_equal(run1(x.f, av, 2), want[k]);
        clif_func_free(x.f);
    }
    clif_type sp[3] = {CLIF_I8, CLIF_I64, CLIF_I64};
    fn x = begin("select", sp, 3, &sp[1], 1);
    clif_value r = clif_ins_ternary(x.f, x.b, CLIF_OP_SELECT, x.p[0], x.p[1], x.p[2]);
    clif_ins_return(x.f, x.b, &r, 1);
    clif_data_value av[3] = {dv(CLIF_I8, 2), dv(CLIF_I64, 10), dv(CLIF_I64, 20)};
    assert_int_equal(run1(x.f, av, 3), 10);
    av[0] = dv(CLIF_I8, 0);
    assert_int_equal(run1(x.f, av, 3), 20);
    clif_func_free(x.f);
    assert_int_equal(un(CLIF_OP_BMASK, CLIF_I32, dv(CLIF_I8, 4)), 0xffffffffu);
    assert_int_equal(un(CLIF_OP_BMASK, CLIF_I32, dv(CLIF_I8, 0)), 0);
}

static void test_extends(void **state) {
    (void)state;
    assert_int_equal(un(CLIF_OP_SEXTEND, CLIF_I64, dv(CLIF_I8, 0x80)), 0xffffffffffffff80ull);
    assert_int_equal(un(CLIF_OP_UEXTEND, CLIF_I64, dv(CLIF_I8, 0x80)), 0x80);
    assert_int_equal(un(CLIF_OP_IREDUCE, CLIF_I8, dv(CLIF_I64, 0x1234)), 0x34);
    clif_func *f = unop_func(CLIF_OP_SEXTEND, CLIF_I128, CLIF_I32);
    clif_data_value a = dv(CLIF_I32, 0x80000000u);
    clif_data_value r = run1v(f, &a, 1);
    assert_int_equal(hi64(&r), UINT64_MAX);
    assert_int_equal(lo64(&r), 0xffffffff80000000ull);
    clif_func_free(f);
    /* isplit / iconcat round trip */
    clif_type i128 = CLIF_I128;
    fn x = begin("split", &i128, 1, &i128, 1);
    clif_inst_desc d = {.opcode = CLIF_OP_ISPLIT, .args = &x.p[0], .nargs = 1};
    clif_inst i = clif_build(x.f, x.b, &d);
    clif_value lo = clif_inst_result(x.f, i, 0), hi = clif_inst_result(x.f, i, 1);
    clif_value c = clif_ins_binary(x.f, x.b, CLIF_OP_ICONCAT, hi, lo); /* swapped halves */
    clif_ins_return(x.f, x.b, &c, 1);
    a = dv128(CLIF_I128, 1, 2);
    r = run1v(x.f, &a, 1);
    assert_int_equal(hi64(&r), 2);
    assert_int_equal(lo64(&r), 1);
    clif_func_free(x.f);
}

/* ---- Floating point ---- */

static void test_float_nan_rules(void **state) {
    (void)state;
    uint64_t nan32 = 0x7fc00000;
    clif_func *f = binop_func(CLIF_OP_FMIN, CLIF_F32);
    clif_data_value a[2] = {f32v(1.0f), dv(CLIF_F32, 0xffc00001)};
    assert_int_equal(run1(f, a, 2), nan32); /* canonical NaN */
    a[0] = f32v(-0.0f);
    a[1] = f32v(0.0f);
    assert_int_equal(run1(f, a, 2), 0x80000000u);
    a[0] = f32v(0.0f);
    a[1] = f32v(-0.0f);
    assert_int_equal(run1(f, a, 2), 0x80000000u);
    a[0] = f32v(-3.0f);
    a[1] = f32v(2.0f);
    assert_int_equal(run1(f, a, 2), 0xc0400000u);
    clif_func_free(f);
    f = binop_func(CLIF_OP_FMAX, CLIF_F64);
    clif_data_value b[2] = {f64v(-0.0), f64v(0.0)};
    assert_int_equal(run1(f, b, 2), 0);
    b[1] = dv(CLIF_F64, 0x7ff0000000000001ull); /* signalling NaN */
    assert_int_equal(run1(f, b, 2), 0x7ff8000000000000ull);
    clif_func_free(f);
    /* fcmp with NaN: only the unordered codes and ne hold */
    for (int cc = 0; cc < CLIF_FCC_COUNT; cc++) {
        clif_type ps[2] = {CLIF_F64, CLIF_F64}, rt = CLIF_I8;
        fn x = begin("fcmp", ps, 2, &rt, 1);
        clif_value r = clif_ins_fcmp(x.f, x.b, (clif_floatcc)cc, x.p[0], x.p[1]);
        clif_ins_return(x.f, x.b, &r, 1);
        clif_data_value c[2] = {f64v(NAN), f64v(1.0)};
        bool want = cc == CLIF_FCC_UNO || cc == CLIF_FCC_NE || cc == CLIF_FCC_UEQ ||
                    cc == CLIF_FCC_ULT || cc == CLIF_FCC_ULE || cc == CLIF_FCC_UGT ||
                    cc == CLIF_FCC_UGE;
        assert_int_equal(run1(x.f, c, 2), want);
        c[0] = f64v(-0.0);
        c[1] = f64v(0.0);
        want = cc == CLIF_FCC_ORD || cc == CLIF_FCC_EQ || cc == CLIF_FCC_UEQ || cc == CLIF_FCC_LE ||
               cc == CLIF_FCC_GE || cc == CLIF_FCC_ULE || cc == CLIF_FCC_UGE;
        assert_int_equal(run1(x.f, c, 2), want);
        clif_func_free(x.f);
    }
}

static void test_float_ops(void **state) {
    (void)state;
    assert_int_equal(un(CLIF_OP_NEAREST, CLIF_F64, f64v(2.5)), 0x4000000000000000ull);
    assert_int_equal(un(CLIF_OP_NEAREST, CLIF_F32, f32v(3.5f)), 0x40800000u);
    assert_int_equal(un(CLIF_OP_NEAREST, CLIF_F32, f32v(-0.5f)), 0x80000000u);
    assert_int_equal(un(CLIF_OP_FLOOR, CLIF_F64, f64v(-1.5)),
                     0xbff8000000000000ull + 0x0008000000000000ull);
    assert_int_equal(un(CLIF_OP_FNEG, CLIF_F32, dv(CLIF_F32, 0x7fc00000)), 0xffc00000u);
    assert_int_equal(un(CLIF_OP_FABS, CLIF_F64, f64v(-2.0)), 0x4000000000000000ull);
    assert_int_equal(bin(CLIF_OP_FCOPYSIGN, CLIF_F32, 0x3f800000, 0x80000000), 0xbf800000u);
    /* fma rounds once: (1 + 2^-30)^2 - 1 keeps the 2^-60 term */
    clif_type ps[3] = {CLIF_F64, CLIF_F64, CLIF_F64};
    fn x = begin("fma", ps, 3, ps, 1);
    clif_value r = clif_ins_ternary(x.f, x.b, CLIF_OP_FMA, x.p[0], x.p[1], x.p[2]);
    clif_ins_return(x.f, x.b, &r, 1);
    double p = 1.0 + ldexp(1.0, -30);
    clif_data_value av[3] = {f64v(p), f64v(p), f64v(-1.0)};
    uint64_t bits = run1(x.f, av, 3);
    double got;
    memcpy(&got, &bits, 8);
    assert_true(got == ldexp(1.0, -29) + ldexp(1.0, -60));
    clif_func_free(x.f);
    /* f16: 1 + 2^-11 rounds to even (1.0) */
    clif_func *f = binop_func(CLIF_OP_FADD, CLIF_F16);
    clif_data_value h[2] = {dv(CLIF_F16, 0x3c00), dv(CLIF_F16, 0x1000)}; /* 1.0, 2^-11 */
    assert_int_equal(run1(f, h, 2), 0x3c00);
    h[1] = dv(CLIF_F16, 0x7bff); /* 65504 + 1 = 65504 */
    assert_int_equal(run1(f, h, 2), 0x7bff);
    clif_func_free(f);
}

static void test_conversions(void **state) {
    (void)state;
    expect_un_trap(CLIF_OP_FCVT_TO_SINT, CLIF_I32, f32v(NAN), CLIF_TRAP_BAD_CONVERSION_TO_INTEGER);
    expect_un_trap(CLIF_OP_FCVT_TO_SINT, CLIF_I32, f64v(2147483648.0), CLIF_TRAP_INTEGER_OVERFLOW);
    expect_un_trap(CLIF_OP_FCVT_TO_SINT, CLIF_I32, f64v(-2147483649.0), CLIF_TRAP_INTEGER_OVERFLOW);
    assert_int_equal(un(CLIF_OP_FCVT_TO_SINT, CLIF_I32, f64v(-2147483648.9)), 0x80000000u);
    expect_un_trap(CLIF_OP_FCVT_TO_UINT, CLIF_I8, f32v(-1.0f), CLIF_TRAP_INTEGER_OVERFLOW);
    expect_un_trap(CLIF_OP_FCVT_TO_UINT, CLIF_I8, f32v(256.0f), CLIF_TRAP_INTEGER_OVERFLOW);
    assert_int_equal(un(CLIF_OP_FCVT_TO_UINT, CLIF_I8, f32v(-0.9f)), 0);
    assert_int_equal(un(CLIF_OP_FCVT_TO_UINT, CLIF_I8, f32v(255.9f)), 255);
    assert_int_equal(un(CLIF_OP_FCVT_TO_UINT, CLIF_I64, f64v(18446744073709549568.0)),
                     18446744073709549568ull);
    assert_int_equal(un(CLIF_OP_FCVT_TO_SINT_SAT, CLIF_I32, f32v(NAN)), 0);
    assert_int_equal(un(CLIF_OP_FCVT_TO_SINT_SAT, CLIF_I32, f32v(1e20f)), 0x7fffffff);
    assert_int_equal(un(CLIF_OP_FCVT_TO_SINT_SAT, CLIF_I32, f32v(-1e20f)), 0x80000000u);
    assert_int_equal(un(CLIF_OP_FCVT_TO_UINT_SAT, CLIF_I16, f64v(-5.0)), 0);
    assert_int_equal(un(CLIF_OP_FCVT_TO_UINT_SAT, CLIF_I16, f64v(1e9)), 0xffff);
    clif_func *f = unop_func(CLIF_OP_FCVT_TO_SINT, CLIF_I128, CLIF_F64);
    clif_data_value a = f64v(-ldexp(1.0, 100));
    clif_data_value r = run1v(f, &a, 1);
    assert_int_equal(hi64(&r), ~0ull << 36);
    assert_int_equal(lo64(&r), 0);
    clif_func_free(f);
    /* int -> float, ties to even */
    assert_int_equal(un(CLIF_OP_FCVT_FROM_UINT, CLIF_F32, dv(CLIF_I64, UINT64_MAX)), 0x5f800000u);
    assert_int_equal(un(CLIF_OP_FCVT_FROM_SINT, CLIF_F32, dv(CLIF_I32, 16777217)), 0x4b800000u);
    assert_int_equal(un(CLIF_OP_FCVT_FROM_SINT, CLIF_F64, dv(CLIF_I8, 0xff)),
                     0xbff0000000000000ull);
    assert_int_equal(un(CLIF_OP_FCVT_FROM_UINT, CLIF_F64, dv128(CLIF_I128, UINT64_MAX, UINT64_MAX)),
                     0x47f0000000000000ull);
    /* float <-> float */
    assert_int_equal(un(CLIF_OP_FPROMOTE, CLIF_F64, f32v(1.5f)), 0x3ff8000000000000ull);
    assert_int_equal(un(CLIF_OP_FDEMOTE, CLIF_F32, f64v(1.0 + ldexp(1.0, -24))), 0x3f800000u);
    assert_int_equal(un(CLIF_OP_FDEMOTE, CLIF_F16, f64v(65520.0)), 0x7c00);
    assert_int_equal(un(CLIF_OP_FDEMOTE, CLIF_F16, f32v(ldexp(1.0f, -24))), 0x0001);
    assert_int_equal(un(CLIF_OP_FPROMOTE, CLIF_F32, dv(CLIF_F16, 0x3555)), 0x3eaaa000u);
    /* bitcast */
    assert_int_equal(un(CLIF_OP_BITCAST, CLIF_I32, f32v(1.0f)), 0x3f800000u);
}

/* ---- Memory ---- */

static void test_memory_endianness(void **state) {
    (void)state;
    clif_type i32 = CLIF_I32;
    fn x = begin("endian", &i32, 1, &i32, 1);
    clif_stack_slot ss = clif_create_stack_slot(x.f, 16, 3);
    clif_value p = clif_ins_stack_addr(x.f, x.b, CLIF_I64, ss, 0);
    clif_ins_store(x.f, x.b, CLIF_OP_STORE, CLIF_MEM_LITTLE, x.p[0], p, 4);
    clif_value v = clif_ins_load(x.f, x.b, CLIF_OP_LOAD, CLIF_I32, CLIF_MEM_BIG, p, 4);
    clif_value b = clif_ins_load(x.f, x.b, CLIF_OP_ULOAD8, CLIF_I32, 0, p, 4);
    clif_value s = clif_ins_load(x.f, x.b, CLIF_OP_SLOAD16, CLIF_I32, CLIF_MEM_BIG, p, 6);
    clif_value t = clif_ins_binary(x.f, x.b, CLIF_OP_BXOR, v, b);
    t = clif_ins_binary(x.f, x.b, CLIF_OP_BXOR, t, s);
    clif_ins_return(x.f, x.b, &t, 1);
    clif_data_value a = dv(CLIF_I32, 0x8002a1b2);
    /* big load: 0xb2a10280; uload8: 0xb2; sload16 big at +6: bytes 02 80 -> 0x0280 */
    assert_int_equal(run1(x.f, &a, 1), 0xb2a10280u ^ 0xb2 ^ 0x0280);
    clif_func_free(x.f);
    /* Pointers survive arithmetic and a round trip through memory; istore8 */
    clif_type i64 = CLIF_I64;
    x = begin("ptrs", &i64, 1, &i64, 1);
    ss = clif_create_stack_slot(x.f, 32, 3);
    p = clif_ins_stack_addr(x.f, x.b, CLIF_I64, ss, 0);
    clif_value eight = clif_ins_iconst(x.f, x.b, CLIF_I64, 8);
    clif_value q = clif_ins_binary(x.f, x.b, CLIF_OP_IADD, p, eight);
    clif_ins_store(x.f, x.b, CLIF_OP_STORE, 0, q, p, 0); /* [p] = p + 8 */
    clif_value q2 = clif_ins_load(x.f, x.b, CLIF_OP_LOAD, CLIF_I64, 0, p, 0);
    clif_ins_store(x.f, x.b, CLIF_OP_STORE, 0, x.p[0], q2, 0); /* [p + 8] = arg */
    clif_ins_store(x.f, x.b, CLIF_OP_ISTORE8, 0, x.p[0], q2, 8);
    clif_value l = clif_ins_load(x.f, x.b, CLIF_OP_LOAD, CLIF_I64, 0, p, 8);
    clif_value l2 = clif_ins_load(x.f, x.b, CLIF_OP_ULOAD8, CLIF_I64, 0, p, 16);
    clif_value sum = clif_ins_binary(x.f, x.b, CLIF_OP_IADD, l, l2);
    clif_ins_return(x.f, x.b, &sum, 1);
    a = dv(CLIF_I64, 0x1122334455667788ull);
    assert_int_equal(run1(x.f, &a, 1), 0x1122334455667788ull + 0x88);
    clif_func_free(x.f);
}

static void test_memory_bounds(void **state) {
    (void)state;
    clif_type i64 = CLIF_I64;
    /* A load at a host-like or null address traps instead of crashing. */
    const uint64_t addrs[] = {0,
                              8,
                              0x7fffffff,
                              0x80000000ull,
                              0xdeadbeefcafef00dull,
                              UINT64_MAX,
                              0x1ffffffcull /* straddles the end of code */};
    for (size_t k = 0; k < sizeof addrs / sizeof addrs[0]; k++) {
        fn x = begin("oob", &i64, 1, &i64, 1);
        clif_value v = clif_ins_load(x.f, x.b, CLIF_OP_LOAD, CLIF_I64, 0, x.p[0], 0);
        clif_ins_return(x.f, x.b, &v, 1);
        clif_data_value a = dv(CLIF_I64, addrs[k]);
        expect_trap(x.f, &a, 1, CLIF_TRAP_HEAP_OUT_OF_BOUNDS);
        clif_func_free(x.f);
    }
    /* The trap code of the memflags is used; code is read-only. */
    fn x = begin("oobcode", &i64, 1, &i64, 1);
    clif_ins_store(x.f, x.b, CLIF_OP_STORE, 7u << 8, x.p[0], x.p[0], 0);
    clif_ins_return(x.f, x.b, &x.p[0], 1);
    clif_data_value a = dv(CLIF_I64, 4);
    expect_trap(x.f, &a, 1, 7);
    a = dv(CLIF_I64, 0x10000000ull); /* a function address */
    expect_trap(x.f, &a, 1, 7);
    clif_func_free(x.f);
    /* Reading past the end of the stack region traps; inside it works. */
    x = begin("edge", &i64, 1, &i64, 1);
    clif_stack_slot ss = clif_create_stack_slot(x.f, 8, 3);
    clif_value p = clif_ins_stack_addr(x.f, x.b, CLIF_I64, ss, 0);
    clif_value q = clif_ins_binary(x.f, x.b, CLIF_OP_IADD, p, x.p[0]);
    clif_value v = clif_ins_load(x.f, x.b, CLIF_OP_LOAD, CLIF_I64, 0, q, 0);
    clif_ins_return(x.f, x.b, &v, 1);
    a = dv(CLIF_I64, 0);
    assert_int_equal(run1(x.f, &a, 1), 0); /* fresh slots are zero */
    a = dv(CLIF_I64, 1ull << 20);
    expect_trap(x.f, &a, 1, CLIF_TRAP_HEAP_OUT_OF_BOUNDS);
    a = dv(CLIF_I64, (uint64_t)-64);
    expect_trap(x.f, &a, 1, CLIF_TRAP_HEAP_OUT_OF_BOUNDS);
    clif_func_free(x.f);
}

static void test_atomics(void **state) {
    (void)state;
    clif_type i16 = CLIF_I16;
    fn x = begin("atomic", &i16, 1, &i16, 1);
    clif_stack_slot ss = clif_create_stack_slot(x.f, 8, 3);
    clif_value p = clif_ins_stack_addr(x.f, x.b, CLIF_I64, ss, 0);
    clif_value init = clif_ins_iconst(x.f, x.b, CLIF_I16, 0x00ff);
    clif_ins_store(x.f, x.b, CLIF_OP_STORE, CLIF_MEM_BIG, init, p, 0);
    clif_value args[2] = {p, x.p[0]};
    clif_inst_desc d = {.opcode = CLIF_OP_ATOMIC_RMW,
                        .cond = CLIF_ATOMIC_ADD,
                        .memflags = CLIF_MEM_BIG,
                        .args = args,
                        .nargs = 2};
    clif_inst i = clif_build(x.f, x.b, &d);
    clif_value old = clif_inst_result(x.f, i, 0);
    clif_value cas_args[3] = {p, old, old}; /* fails: memory holds old + arg */
    clif_inst_desc c = {
        .opcode = CLIF_OP_ATOMIC_CAS, .memflags = CLIF_MEM_BIG, .args = cas_args, .nargs = 3};
    i = clif_build(x.f, x.b, &c);
    clif_value seen = clif_inst_result(x.f, i, 0);
    clif_value sum = clif_ins_binary(x.f, x.b, CLIF_OP_IADD, old, seen);
    clif_ins_return(x.f, x.b, &sum, 1);
    clif_data_value a = dv(CLIF_I16, 1);
    assert_int_equal(run1(x.f, &a, 1), 0x00ff + 0x0100);
    clif_func_free(x.f);
}

/* ---- Control flow and calls ---- */

static void test_br_table(void **state) {
    (void)state;
    clif_type i32 = CLIF_I32;
    fn x = begin("brt", &i32, 1, &i32, 1);
    clif_block bs[3];
    for (int k = 0; k < 3; k++) {
        bs[k] = clif_create_block(x.f);
        clif_append_block(x.f, bs[k]);
        clif_value v = clif_ins_iconst(x.f, bs[k], CLIF_I32, 10 * (k + 1));
        clif_ins_return(x.f, bs[k], &v, 1);
    }
    clif_block_call def = {bs[2], NULL, 0}, ents[2] = {{bs[0], NULL, 0}, {bs[1], NULL, 0}};
    clif_jump_table jt = clif_create_jump_table(x.f, &def, ents, 2);
    clif_ins_br_table(x.f, x.b, x.p[0], jt);
    uint64_t want[5] = {10, 20, 30, 30, 30};
    uint32_t idx[5] = {0, 1, 2, 100, 0x80000000u};
    for (int k = 0; k < 5; k++) {
        clif_data_value a = dv(CLIF_I32, idx[k]);
        assert_int_equal(run1(x.f, &a, 1), want[k]);
    }
    clif_func_free(x.f);
}

/* fib(n) by recursion through a call by name. */
static clif_func *make_fib(void) {
    clif_type i32 = CLIF_I32;
    fn x = begin("fib", &i32, 1, &i32, 1);
    clif_abi_param p = {CLIF_I32, 0, 0, 0};
    clif_signature sig = {&p, 1, &p, 1, CLIF_CC_SYSTEM_V};
    clif_sig_ref sr = clif_import_signature(x.f, &sig);
    clif_ext_name n = {CLIF_NAME_TESTCASE, 0, 0, "fib"};
    clif_func_ref fr = clif_import_function(x.f, &n, sr, true);
    clif_block rec = clif_create_block(x.f), base = clif_create_block(x.f);
    clif_append_block(x.f, rec);
    clif_append_block(x.f, base);
    clif_value two = clif_ins_iconst(x.f, x.b, CLIF_I32, 2);
    clif_value lt = clif_ins_icmp(x.f, x.b, CLIF_ICC_ULT, x.p[0], two);
    clif_block_call t = {base, NULL, 0}, e = {rec, NULL, 0};
    clif_ins_brif(x.f, x.b, lt, &t, &e);
    clif_value one = clif_ins_iconst(x.f, rec, CLIF_I32, 1);
    clif_value a1 = clif_ins_binary(x.f, rec, CLIF_OP_ISUB, x.p[0], one);
    clif_inst c1 = clif_ins_call(x.f, rec, fr, &a1, 1);
    clif_value a2 = clif_ins_binary(x.f, rec, CLIF_OP_ISUB, x.p[0], two);
    clif_inst c2 = clif_ins_call(x.f, rec, fr, &a2, 1);
    clif_value s = clif_ins_binary(x.f, rec, CLIF_OP_IADD, clif_inst_result(x.f, c1, 0),
                                   clif_inst_result(x.f, c2, 0));
    clif_ins_return(x.f, rec, &s, 1);
    clif_ins_return(x.f, base, &x.p[0], 1);
    return x.f;
}

static void test_calls(void **state) {
    (void)state;
    clif_func *fib = make_fib();
    clif_interp *in = clif_interp_new();
    clif_interp_add_function(in, fib);
    clif_data_value a = dv(CLIF_I32, 20), out;
    uint32_t n;
    clif_error *e = clif_interp_call(in, fib, &a, 1, &out, 1, &n);
    assert_null(e);
    assert_int_equal(lo64(&out), 6765);
    /* Not registered: the call by name fails with a clear error. */
    clif_interp *in2 = clif_interp_new();
    e = clif_interp_call(in2, fib, &a, 1, &out, 1, &n);
    assert_non_null(e);
    assert_int_equal(clif_error_get_kind(e), CLIF_ERR_ARGUMENT);
    assert_non_null(strstr(clif_error_message(e), "%fib"));
    clif_error_free(e);
    clif_interp_free(in2);

    /* call_indirect through func_addr, and a libcall (direct and indirect). */
    clif_type f32 = CLIF_F32, i32 = CLIF_I32;
    fn x = begin("indirect", &i32, 1, &i32, 1);
    clif_abi_param p = {CLIF_I32, 0, 0, 0}, pf = {CLIF_F32, 0, 0, 0};
    clif_signature sig = {&p, 1, &p, 1, CLIF_CC_SYSTEM_V},
                   fsig = {&pf, 1, &pf, 1, CLIF_CC_SYSTEM_V};
    clif_sig_ref sr = clif_import_signature(x.f, &sig), fsr = clif_import_signature(x.f, &fsig);
    clif_ext_name fibn = {CLIF_NAME_TESTCASE, 0, 0, "fib"},
                  ceiln = {CLIF_NAME_TESTCASE, 0, 0, "CeilF32"};
    clif_func_ref fr = clif_import_function(x.f, &fibn, sr, false);
    clif_func_ref cr = clif_import_function(x.f, &ceiln, fsr, false);
    clif_inst_desc fa = {.opcode = CLIF_OP_FUNC_ADDR, .ctrl_type = CLIF_I64, .entity = fr};
    clif_value addr = clif_inst_result(x.f, clif_build(x.f, x.b, &fa), 0);
    clif_inst ci = clif_ins_call_indirect(x.f, x.b, sr, addr, &x.p[0], 1);
    clif_value fv = clif_ins_f32const(x.f, x.b, 2.25f);
    clif_inst cc = clif_ins_call(x.f, x.b, cr, &fv, 1);
    clif_inst_desc ca = {.opcode = CLIF_OP_FUNC_ADDR, .ctrl_type = CLIF_I64, .entity = cr};
    clif_value caddr = clif_inst_result(x.f, clif_build(x.f, x.b, &ca), 0);
    clif_value neg = clif_ins_f32const(x.f, x.b, -2.75f);
    clif_inst cc2 = clif_ins_call_indirect(x.f, x.b, fsr, caddr, &neg, 1);
    clif_value c1 =
        clif_ins_unary(x.f, x.b, CLIF_OP_FCVT_TO_SINT, CLIF_I32, clif_inst_result(x.f, cc, 0));
    clif_value c2 =
        clif_ins_unary(x.f, x.b, CLIF_OP_FCVT_TO_SINT, CLIF_I32, clif_inst_result(x.f, cc2, 0));
    clif_value s = clif_ins_binary(x.f, x.b, CLIF_OP_IADD, clif_inst_result(x.f, ci, 0), c1);
    s = clif_ins_binary(x.f, x.b, CLIF_OP_IADD, s, c2);
    clif_ins_return(x.f, x.b, &s, 1);
    a = dv(CLIF_I32, 10);
    e = clif_interp_call(in, x.f, &a, 1, &out, 1, &n);
    no_error(e);
    assert_int_equal(lo64(&out), 55 + 3 - 2);
    clif_func_free(x.f);
    (void)f32;

    /* A call to a bad address traps. */
    x = begin("badcall", &i32, 1, &i32, 1);
    sr = clif_import_signature(x.f, &sig);
    clif_value bad = clif_ins_iconst(x.f, x.b, CLIF_I64, 0x10000008);
    ci = clif_ins_call_indirect(x.f, x.b, sr, bad, &x.p[0], 1);
    clif_value r = clif_inst_result(x.f, ci, 0);
    clif_ins_return(x.f, x.b, &r, 1);
    e = clif_interp_call(in, x.f, &a, 1, &out, 1, &n);
    assert_non_null(e);
    assert_int_equal(clif_error_trap_code(e), CLIF_TRAP_HEAP_OUT_OF_BOUNDS);
    clif_error_free(e);
    clif_func_free(x.f);
    clif_interp_free(in);
    clif_func_free(fib);
}

/* %count(n, acc) = n == 0 ? acc : return_call %count(n - 1, acc + 1): no
 * stack growth however deep. */
static void test_tail_calls(void **state) {
    (void)state;
    clif_type ps[2] = {CLIF_I64, CLIF_I64};
    fn x = begin("count", ps, 2, ps, 1);
    clif_abi_param p[2] = {{CLIF_I64, 0, 0, 0}, {CLIF_I64, 0, 0, 0}};
    clif_signature sig = {p, 2, p, 1, CLIF_CC_TAIL};
    clif_func_set_signature(x.f, &sig); /* return_call needs the tail convention on both sides */
    clif_sig_ref sr = clif_import_signature(x.f, &sig);
    clif_ext_name n = {CLIF_NAME_TESTCASE, 0, 0, "count"};
    clif_func_ref fr = clif_import_function(x.f, &n, sr, true);
    clif_block done = clif_create_block(x.f), more = clif_create_block(x.f);
    clif_append_block(x.f, done);
    clif_append_block(x.f, more);
    clif_block_call t = {more, NULL, 0}, e = {done, NULL, 0};
    clif_ins_brif(x.f, x.b, x.p[0], &t, &e);
    clif_ins_return(x.f, done, &x.p[1], 1);
    clif_value one = clif_ins_iconst(x.f, more, CLIF_I64, 1);
    clif_value args[2] = {clif_ins_binary(x.f, more, CLIF_OP_ISUB, x.p[0], one),
                          clif_ins_binary(x.f, more, CLIF_OP_IADD, x.p[1], one)};
    clif_inst_desc d = {.opcode = CLIF_OP_RETURN_CALL, .entity = fr, .args = args, .nargs = 2};
    clif_build(x.f, more, &d);
    clif_interp *in = clif_interp_new();
    clif_interp_add_function(in, x.f);
    clif_data_value av[2] = {dv(CLIF_I64, 100000), dv(CLIF_I64, 0)}, out;
    uint32_t nout;
    clif_error *err = clif_interp_call(in, x.f, av, 2, &out, 1, &nout);
    assert_null(err);
    assert_int_equal(lo64(&out), 100000);
    clif_interp_free(in);
    clif_func_free(x.f);
}

static void test_deep_recursion(void **state) {
    (void)state;
    /* %down() calls itself forever: the depth limit is a stk_ovf trap. */
    clif_type i32 = CLIF_I32;
    fn x = begin("down", &i32, 1, &i32, 1);
    clif_abi_param p = {CLIF_I32, 0, 0, 0};
    clif_signature sig = {&p, 1, &p, 1, CLIF_CC_SYSTEM_V};
    clif_sig_ref sr = clif_import_signature(x.f, &sig);
    clif_ext_name n = {CLIF_NAME_TESTCASE, 0, 0, "down"};
    clif_func_ref fr = clif_import_function(x.f, &n, sr, true);
    clif_create_stack_slot(x.f, 64, 4);
    clif_inst c = clif_ins_call(x.f, x.b, fr, &x.p[0], 1);
    clif_value r = clif_inst_result(x.f, c, 0);
    clif_ins_return(x.f, x.b, &r, 1);
    clif_interp *in = clif_interp_new();
    clif_interp_add_function(in, x.f);
    clif_data_value a = dv(CLIF_I32, 0), out;
    uint32_t nout;
    clif_error *e = clif_interp_call(in, x.f, &a, 1, &out, 1, &nout);
    assert_non_null(e);
    assert_int_equal(clif_error_trap_code(e), CLIF_TRAP_STACK_OVERFLOW);
    clif_error_free(e);
    /* A lower limit, and a huge one bounded by the stack region. */
    clif_interp_set_limits(in, 50, 0);
    e = clif_interp_call(in, x.f, &a, 1, &out, 1, &nout);
    assert_int_equal(clif_error_trap_code(e), CLIF_TRAP_STACK_OVERFLOW);
    clif_error_free(e);
    clif_interp_set_limits(in, UINT32_MAX, 0);
    e = clif_interp_call(in, x.f, &a, 1, &out, 1, &nout);
    assert_int_equal(clif_error_trap_code(e), CLIF_TRAP_STACK_OVERFLOW);
    clif_error_free(e);
    clif_interp_free(in);
    clif_func_free(x.f);
}

static void test_fuel(void **state) {
    (void)state;
    clif_type i32 = CLIF_I32;
    fn x = begin("spin", &i32, 1, &i32, 1);
    clif_block loop = clif_create_block(x.f);
    clif_append_block(x.f, loop);
    clif_ins_jump(x.f, x.b, loop, NULL, 0);
    clif_ins_jump(x.f, loop, loop, NULL, 0);
    clif_interp *in = clif_interp_new();
    clif_interp_set_limits(in, 0, 100000);
    clif_data_value a = dv(CLIF_I32, 0), out;
    uint32_t nout;
    clif_error *e = clif_interp_call(in, x.f, &a, 1, &out, 1, &nout);
    assert_non_null(e);
    assert_int_equal(clif_error_get_kind(e), CLIF_ERR_LIMIT);
    clif_error_free(e);
    clif_interp_free(in);
    clif_func_free(x.f);
    /* Exactly enough fuel: 2 instructions. */
    x = begin("two", &i32, 1, &i32, 1);
    clif_value v = clif_ins_binary(x.f, x.b, CLIF_OP_IADD, x.p[0], x.p[0]);
    clif_ins_return(x.f, x.b, &v, 1);
    in = clif_interp_new();
    clif_interp_set_limits(in, 0, 2);
    e = clif_interp_call(in, x.f, &a, 1, &out, 1, &nout);
    assert_null(e);
    clif_interp_set_limits(in, 0, 1);
    e = clif_interp_call(in, x.f, &a, 1, &out, 1, &nout);
    assert_int_equal(clif_error_get_kind(e), CLIF_ERR_LIMIT);
    clif_error_free(e);
    clif_interp_free(in);
    clif_func_free(x.f);
}

static void test_big_bodies(void **state) {
    (void)state;
    /* 1,000,000 instructions in one block. */
    clif_type i64 = CLIF_I64;
    fn x = begin("long", &i64, 1, &i64, 1);
    clif_value v = x.p[0], one = clif_ins_iconst(x.f, x.b, CLIF_I64, 1);
    for (int k = 0; k < 1000000; k++)
        v = clif_ins_binary(x.f, x.b, CLIF_OP_IADD, v, one);
    clif_ins_return(x.f, x.b, &v, 1);
    clif_data_value a = dv(CLIF_I64, 5);
    assert_int_equal(run1(x.f, &a, 1), 1000005);
    clif_func_free(x.f);
    /* A chain of 100,000 blocks, each passing a counter to the next. */
    x = begin("chain", &i64, 1, &i64, 1);
    clif_block prev = x.b;
    clif_value cur = x.p[0];
    for (int k = 0; k < 100000; k++) {
        clif_block b = clif_create_block(x.f);
        clif_append_block(x.f, b);
        clif_value three = clif_ins_iconst(x.f, prev, CLIF_I64, 3);
        clif_value inc = clif_ins_binary(x.f, prev, CLIF_OP_IADD, cur, three);
        clif_value m = clif_ins_iconst(x.f, prev, CLIF_I64, 0xffff);
        inc = clif_ins_binary(x.f, prev, CLIF_OP_BAND, inc, m);
        clif_ins_jump(x.f, prev, b, &inc, 1);
        cur = clif_append_block_param(x.f, b, CLIF_I64);
        prev = b;
    }
    clif_ins_return(x.f, prev, &cur, 1);
    a = dv(CLIF_I64, 1);
    assert_int_equal(run1(x.f, &a, 1), 37857); /* (1 + 3 * 100000) mod 2^16 */
    clif_func_free(x.f);
}

static void test_global_values_and_regs(void **state) {
    (void)state;
    /* %reader(vmctx) = load [vmctx + 8] + gv(iadd_imm vmctx, 4) - vmctx */
    clif_type i64 = CLIF_I64;
    clif_abi_param p = {CLIF_I64, 0, CLIF_ARG_VMCTX, 0}, r = {CLIF_I64, 0, 0, 0};
    fn x = begin("reader", &i64, 1, &i64, 1);
    clif_signature sig = {&p, 1, &r, 1, CLIF_CC_SYSTEM_V};
    clif_func_clear(x.f);
    clif_ext_name nm = {CLIF_NAME_TESTCASE, 0, 0, "reader"};
    clif_func_set_name(x.f, &nm);
    clif_func_set_signature(x.f, &sig);
    x.b = clif_create_block(x.f);
    clif_append_block(x.f, x.b);
    x.p[0] = clif_append_block_param(x.f, x.b, CLIF_I64);
    clif_global_value_data g0 = {.kind = CLIF_GV_VMCTX, .type = CLIF_I64};
    clif_global_value gv0 = clif_create_global_value(x.f, &g0);
    clif_global_value_data g1 = {.kind = CLIF_GV_LOAD, .type = CLIF_I64, .base = gv0, .offset = 8};
    clif_global_value gv1 = clif_create_global_value(x.f, &g1);
    clif_global_value_data g2 = {
        .kind = CLIF_GV_IADD_IMM, .type = CLIF_I64, .base = gv0, .offset = 4};
    clif_global_value gv2 = clif_create_global_value(x.f, &g2);
    clif_inst_desc d1 = {.opcode = CLIF_OP_SYMBOL_VALUE, .ctrl_type = CLIF_I64, .entity = gv1};
    clif_inst_desc d2 = {.opcode = CLIF_OP_SYMBOL_VALUE, .ctrl_type = CLIF_I64, .entity = gv2};
    clif_value v1 = clif_inst_result(x.f, clif_build(x.f, x.b, &d1), 0);
    clif_value v2 = clif_inst_result(x.f, clif_build(x.f, x.b, &d2), 0);
    clif_value s = clif_ins_binary(x.f, x.b, CLIF_OP_IADD, v1, v2);
    s = clif_ins_binary(x.f, x.b, CLIF_OP_ISUB, s, x.p[0]);
    clif_inst_desc sp = {.opcode = CLIF_OP_SET_PINNED_REG, .args = &s, .nargs = 1};
    clif_build(x.f, x.b, &sp);
    clif_inst_desc gp = {.opcode = CLIF_OP_GET_PINNED_REG, .ctrl_type = CLIF_I64};
    clif_value pr = clif_inst_result(x.f, clif_build(x.f, x.b, &gp), 0);
    clif_ins_return(x.f, x.b, &pr, 1);

    /* %caller builds the vmctx struct in a stack slot. */
    fn c = begin("caller", &i64, 1, &i64, 1);
    clif_sig_ref sr = clif_import_signature(c.f, &sig);
    clif_func_ref fr = clif_import_function(c.f, &nm, sr, true);
    clif_stack_slot ss = clif_create_stack_slot(c.f, 16, 3);
    clif_value base = clif_ins_stack_addr(c.f, c.b, CLIF_I64, ss, 0);
    clif_ins_store(c.f, c.b, CLIF_OP_STORE, 0, c.p[0], base, 8);
    clif_inst call = clif_ins_call(c.f, c.b, fr, &base, 1);
    clif_value res = clif_inst_result(c.f, call, 0);
    clif_ins_return(c.f, c.b, &res, 1);
    clif_interp *in = clif_interp_new();
    clif_interp_add_function(in, x.f);
    clif_data_value a = dv(CLIF_I64, 1000), out;
    uint32_t n;
    clif_error *e = clif_interp_call(in, c.f, &a, 1, &out, 1, &n);
    assert_null(e);
    assert_int_equal(lo64(&out), 1004);
    clif_interp_free(in);
    clif_func_free(x.f);
    clif_func_free(c.f);
}

static void test_f128_and_unsupported(void **state) {
    (void)state;
    clif_type f128 = CLIF_F128, i8 = CLIF_I8;
    uint8_t one[16] = {0};
    one[15] = 0x3f;
    one[14] = 0xff; /* 1.0 in binary128 */
    fn x = begin("f128", &i8, 1, &f128, 1);
    clif_constant k = clif_create_constant(x.f, one, 16);
    clif_inst_desc d = {.opcode = CLIF_OP_F128CONST, .entity = k};
    clif_value c = clif_inst_result(x.f, clif_build(x.f, x.b, &d), 0);
    clif_value n = clif_ins_unary(x.f, x.b, CLIF_OP_FNEG, CLIF_TYPE_INVALID, c);
    clif_value s = clif_ins_ternary(x.f, x.b, CLIF_OP_SELECT, x.p[0], n, c);
    clif_ins_return(x.f, x.b, &s, 1);
    clif_data_value a = dv(CLIF_I8, 1);
    clif_data_value r = run1v(x.f, &a, 1);
    assert_int_equal(hi64(&r), 0xbfff000000000000ull);
    clif_func_free(x.f);

    x = begin("f128add", &i8, 1, &f128, 1);
    k = clif_create_constant(x.f, one, 16);
    c = clif_inst_result(x.f, clif_build(x.f, x.b, &d), 0);
    clif_value sum = clif_ins_binary(x.f, x.b, CLIF_OP_FADD, c, c);
    clif_ins_return(x.f, x.b, &sum, 1);
    clif_interp *in = clif_interp_new();
    clif_data_value out;
    uint32_t nout;
    clif_error *e = clif_interp_call(in, x.f, &a, 1, &out, 1, &nout);
    assert_non_null(e);
    assert_int_equal(clif_error_get_kind(e), CLIF_ERR_UNSUPPORTED);
    assert_string_equal(clif_error_message(e), "unsupported: fadd on f128");
    clif_error_free(e);
    clif_interp_free(in);
    clif_func_free(x.f);

    /* An unverified function whose store records a 256-bit controlling type
     * for an i64 value: unsupported, not 32 bytes written from a 16-byte
     * value. */
    clif_type i64 = CLIF_I64;
    x = begin("wide_store", &i64, 1, NULL, 0);
    clif_stack_slot ss = clif_create_stack_slot(x.f, 32, 0);
    clif_value addr = clif_ins_stack_addr(x.f, x.b, CLIF_I64, ss, 0);
    clif_value sa[2] = {x.p[0], addr};
    clif_inst_desc st = {.opcode = CLIF_OP_STORE,
                         .ctrl_type = clif_type_vector(CLIF_I64, 2),
                         .args = sa,
                         .nargs = 2};
    clif_build(x.f, x.b, &st);
    clif_ins_return(x.f, x.b, NULL, 0);
    assert_non_null(e = clif_verify(x.f, NULL)); /* the verifier rejects it */
    clif_error_free(e);
    in = clif_interp_new();
    clif_data_value arg = dv(CLIF_I64, 7);
    e = clif_interp_call(in, x.f, &arg, 1, NULL, 0, &nout);
    assert_non_null(e); /* refused: the interpreter runs only functions that verify */
    assert_int_equal(clif_error_get_kind(e), CLIF_ERR_VERIFY);
    clif_error_free(e);
    clif_interp_free(in);
    clif_func_free(x.f);
}

static void test_simd(void **state) {
    (void)state;
    clif_type i32x4 = clif_type_vector(CLIF_I32, 2), i16x8 = clif_type_vector(CLIF_I16, 3);
    clif_type ps[2] = {i32x4, i32x4};
    clif_func *f = binop_func(CLIF_OP_IADD, i32x4);
    clif_data_value a[2] = {dv128(i32x4, 0x0000000400000003ull, 0x00000002ffffffffull),
                            dv128(i32x4, 0x0000000100000001ull, 0x0000000100000001ull)};
    clif_data_value r = run1v(f, a, 2);
    assert_int_equal(lo64(&r), 0x0000000300000000ull);
    assert_int_equal(hi64(&r), 0x0000000500000004ull);
    clif_func_free(f);
    /* snarrow saturates, lanes of x then y */
    fn x = begin("snarrow", ps, 2, &i16x8, 1);
    clif_value v = clif_ins_binary(x.f, x.b, CLIF_OP_SNARROW, x.p[0], x.p[1]);
    clif_ins_return(x.f, x.b, &v, 1);
    clif_data_value b[2] = {dv128(i32x4, 0xffff800000010000ull, 0x00007fff00008000ull),
                            dv128(i32x4, 0, 5)};
    r = run1v(x.f, b, 2);
    assert_int_equal(lo64(&r), 0x80007fff7fff7fffull);
    assert_int_equal(hi64(&r), 0x0000000000000005ull);
    clif_func_free(x.f);
    /* extractlane / icmp on vectors */
    x = begin("lanes", ps, 2, &i32x4, 1);
    clif_value m = clif_ins_icmp(x.f, x.b, CLIF_ICC_SGT, x.p[0], x.p[1]);
    clif_ins_return(x.f, x.b, &m, 1);
    clif_data_value c[2] = {dv128(i32x4, 5, 0xffffffff00000001ull), dv128(i32x4, 5, 0)};
    r = run1v(x.f, c, 2);
    assert_int_equal(lo64(&r), 0x00000000ffffffffull);
    assert_int_equal(hi64(&r), 0);
    clif_func_free(x.f);
}

/* ---- Exceptions, frame records, stack limits ---- */

static clif_func_ref import_fn(clif_func *f, const char *name, const clif_type *ps, uint32_t np,
                               const clif_type *rs, uint32_t nr, clif_sig_ref *sr) {
    clif_abi_param p[8], r[8];
    memset(p, 0, sizeof p);
    memset(r, 0, sizeof r);
    for (uint32_t i = 0; i < np; i++)
        p[i].type = ps[i];
    for (uint32_t i = 0; i < nr; i++)
        r[i].type = rs[i];
    clif_signature sig = {p, np, r, nr, CLIF_CC_SYSTEM_V};
    *sr = clif_import_signature(f, &sig);
    clif_ext_name n = {CLIF_NAME_TESTCASE, 0, 0, name};
    return clif_import_function(f, &n, *sr, false);
}

static void test_exceptions(void **state) {
    (void)state;
    clif_type i32 = CLIF_I32, i64 = CLIF_I64;
    /* %thrower(tag) throws (42, 100) with `tag` unless tag == 0, then returns 7. */
    fn t = begin("thrower", &i32, 1, &i64, 1);
    clif_type tps[6] = {CLIF_I64, CLIF_I64, CLIF_I64, CLIF_I32, CLIF_I64, CLIF_I64};
    clif_sig_ref tsr;
    clif_func_ref thr = import_fn(t.f, "__cranelift_throw", tps, 6, NULL, 0, &tsr);
    clif_block doit = clif_create_block(t.f), ret = clif_create_block(t.f);
    clif_append_block(t.f, doit);
    clif_append_block(t.f, ret);
    clif_block_call yes = {doit, NULL, 0}, no = {ret, NULL, 0};
    clif_ins_brif(t.f, t.b, t.p[0], &yes, &no);
    clif_inst_desc gfp = {.opcode = CLIF_OP_GET_FRAME_POINTER, .ctrl_type = CLIF_I64};
    clif_value fp = clif_inst_result(t.f, clif_build(t.f, doit, &gfp), 0);
    clif_value zero = clif_ins_iconst(t.f, doit, CLIF_I64, 0);
    clif_value a = clif_ins_iconst(t.f, doit, CLIF_I64, 42),
               b = clif_ins_iconst(t.f, doit, CLIF_I64, 100);
    clif_value targs[6] = {zero, fp, zero, t.p[0], a, b};
    clif_ins_call(t.f, doit, thr, targs, 6);
    clif_ins_trap(t.f, doit, 1);
    clif_value seven = clif_ins_iconst(t.f, ret, CLIF_I64, 7);
    clif_ins_return(t.f, ret, &seven, 1);

    /* %catcher(tag): try_call %thrower(tag), block1(ret0), [tag1: block2(exn0, exn1),
     * default: block3] */
    fn c = begin("catcher", &i32, 1, &i64, 1);
    clif_sig_ref sr;
    clif_func_ref callee = import_fn(c.f, "thrower", &i32, 1, &i64, 1, &sr);
    clif_block b1 = clif_create_block(c.f), b2 = clif_create_block(c.f),
               b3 = clif_create_block(c.f);
    clif_append_block(c.f, b1);
    clif_append_block(c.f, b2);
    clif_append_block(c.f, b3);
    clif_value r0 = clif_append_block_param(c.f, b1, CLIF_I64);
    clif_ins_return(c.f, b1, &r0, 1);
    clif_value e0 = clif_append_block_param(c.f, b2, CLIF_I64);
    clif_value e1 = clif_append_block_param(c.f, b2, CLIF_I64);
    clif_value diff = clif_ins_binary(c.f, b2, CLIF_OP_ISUB, e1, e0);
    clif_ins_return(c.f, b2, &diff, 1);
    clif_value m1 = clif_ins_iconst(c.f, b3, CLIF_I64, -1);
    clif_ins_return(c.f, b3, &m1, 1);
    uint32_t ret0 = CLIF_BLOCKARG_RET(0), exn[2] = {CLIF_BLOCKARG_EXN(0), CLIF_BLOCKARG_EXN(1)};
    clif_block_call normal = {b1, &ret0, 1}, h1 = {b2, exn, 2}, h2 = {b3, NULL, 0};
    extable_data et = {sr, ir_add_block_call(c.f, &normal), c.f->extable_items.len, 2};
    extable_item it1 = {EXI_TAG, 1, ir_add_block_call(c.f, &h1)};
    extable_item it2 = {EXI_DEFAULT, 0, ir_add_block_call(c.f, &h2)};
    vec_push(c.f->extable_items, it1);
    vec_push(c.f->extable_items, it2);
    vec_push(c.f->extables, et);
    clif_inst_desc tc = {.opcode = CLIF_OP_TRY_CALL,
                         .entity = c.f->extables.len - 1,
                         .imm = callee,
                         .args = &c.p[0],
                         .nargs = 1};
    clif_build(c.f, c.b, &tc);

    clif_interp *in = clif_interp_new();
    clif_interp_add_function(in, t.f);
    clif_data_value arg = dv(CLIF_I32, 1), out;
    uint32_t n;
    no_error(clif_interp_call(in, c.f, &arg, 1, &out, 1, &n));
    assert_int_equal(lo64(&out), 58);
    arg = dv(CLIF_I32, 5); /* caught by the default handler */
    no_error(clif_interp_call(in, c.f, &arg, 1, &out, 1, &n));
    assert_int_equal(lo64(&out), (uint64_t)-1);
    arg = dv(CLIF_I32, 0); /* normal return: ret0 */
    no_error(clif_interp_call(in, c.f, &arg, 1, &out, 1, &n));
    assert_int_equal(lo64(&out), 7);
    /* Thrown without a try_call: uncaught. */
    arg = dv(CLIF_I32, 1);
    clif_error *e = clif_interp_call(in, t.f, &arg, 1, &out, 1, &n);
    assert_non_null(e);
    assert_non_null(strstr(clif_error_message(e), "uncaught exception"));
    clif_error_free(e);
    clif_interp_free(in);
    clif_func_free(c.f);
    clif_func_free(t.f);
    (void)i64;
}

static void test_frames_and_stack_limit(void **state) {
    (void)state;
    clif_type i64 = CLIF_I64, i8 = CLIF_I8;
    /* %inner() -> i64 returns [get_frame_pointer]: the caller's frame pointer. */
    fn inner = begin("inner", NULL, 0, &i64, 1);
    clif_inst_desc gfp = {.opcode = CLIF_OP_GET_FRAME_POINTER, .ctrl_type = CLIF_I64};
    clif_value fp = clif_inst_result(inner.f, clif_build(inner.f, inner.b, &gfp), 0);
    clif_value up = clif_ins_load(inner.f, inner.b, CLIF_OP_LOAD, CLIF_I64, 0, fp, 0);
    clif_ins_return(inner.f, inner.b, &up, 1);
    fn outer = begin("outer", NULL, 0, &i8, 1);
    clif_sig_ref sr;
    clif_func_ref fr = import_fn(outer.f, "inner", NULL, 0, &i64, 1, &sr);
    clif_create_stack_slot(outer.f, 24, 3);
    clif_value myfp = clif_inst_result(outer.f, clif_build(outer.f, outer.b, &gfp), 0);
    clif_inst call = clif_ins_call(outer.f, outer.b, fr, NULL, 0);
    clif_value eq =
        clif_ins_icmp(outer.f, outer.b, CLIF_ICC_EQ, myfp, clif_inst_result(outer.f, call, 0));
    clif_ins_return(outer.f, outer.b, &eq, 1);
    clif_interp *in = clif_interp_new();
    clif_interp_add_function(in, inner.f);
    clif_data_value out;
    uint32_t n;
    no_error(clif_interp_call(in, outer.f, NULL, 0, &out, 1, &n));
    assert_int_equal(lo64(&out), 1);
    clif_interp_free(in);
    clif_func_free(inner.f);
    clif_func_free(outer.f);

    /* stack_limit = vmctx: the frame must lie above the limit. */
    clif_abi_param p = {CLIF_I64, 0, CLIF_ARG_VMCTX, 0};
    fn x = begin("limited", &i64, 1, &i64, 1);
    clif_signature sig = {&p, 1, &p, 1, CLIF_CC_SYSTEM_V};
    clif_func_set_signature(x.f, &sig);
    clif_global_value_data g0 = {.kind = CLIF_GV_VMCTX, .type = CLIF_I64};
    x.f->stack_limit = clif_create_global_value(x.f, &g0);
    clif_create_stack_slot(x.f, 64, 3);
    clif_ins_return(x.f, x.b, &x.p[0], 1);
    clif_data_value a = dv(CLIF_I64, 0x1000);
    assert_int_equal(run1(x.f, &a, 1), 0x1000);
    a = dv(CLIF_I64, 0x7ffffff0);
    expect_trap(x.f, &a, 1, CLIF_TRAP_STACK_OVERFLOW);
    clif_func_free(x.f);
}

/* ---- More vector opcodes ---- */

static clif_type vt(clif_type lane, unsigned lanes) {
    unsigned l = 0;
    while ((1u << l) < lanes)
        l++;
    return clif_type_vector(lane, l);
}

/* op(x, y) for vectors given as 128-bit halves; returns the result. */
static clif_data_value vbin(clif_opcode op, clif_type t, clif_type rt, uint64_t xh, uint64_t xl,
                            uint64_t yh, uint64_t yl) {
    clif_type ps[2] = {t, t};
    fn x = begin("vbin", ps, 2, &rt, 1);
    clif_value r = clif_ins_binary(x.f, x.b, op, x.p[0], x.p[1]);
    clif_ins_return(x.f, x.b, &r, 1);
    clif_data_value a[2] = {dv128(t, xh, xl), dv128(t, yh, yl)};
    clif_data_value out = run1v(x.f, a, 2);
    clif_func_free(x.f);
    return out;
}

static clif_data_value vun(clif_opcode op, clif_type t, clif_type rt, uint64_t xh, uint64_t xl) {
    fn x = begin("vun", &t, 1, &rt, 1);
    bool suffix = clif_opcode_info_of(op)->ctrl == CLIF_CTRL_SUFFIX;
    clif_value r = clif_ins_unary(x.f, x.b, op, suffix ? rt : CLIF_TYPE_INVALID, x.p[0]);
    clif_ins_return(x.f, x.b, &r, 1);
    clif_data_value a = dv128(t, xh, xl);
    clif_data_value out = run1v(x.f, &a, 1);
    clif_func_free(x.f);
    return out;
}

#define ASSERT_V(v, hi, lo)                                                                        \
    do {                                                                                           \
        assert_int_equal(hi64(&(v)), (hi));                                                        \
        assert_int_equal(lo64(&(v)), (lo));                                                        \
    } while (0)

static void test_simd_lanes(void **state) {
    (void)state;
    clif_type i8x16 = vt(CLIF_I8, 16), i16x8 = vt(CLIF_I16, 8), i32x4 = vt(CLIF_I32, 4);
    clif_type i64x2 = vt(CLIF_I64, 2), f32x4 = vt(CLIF_F32, 4), f64x2 = vt(CLIF_F64, 2);
    /* pshufb: top bit zeroes, low 4 bits index; swizzle: >= 16 zeroes */
    uint64_t xh = 0xafaeadacabaaa9a8ull, xl = 0xa7a6a5a4a3a2a1a0ull, yl = 0x000000000f110180ull;
    clif_data_value r = vbin(CLIF_OP_X86_PSHUFB, i8x16, i8x16, xh, xl, 0, yl);
    ASSERT_V(r, 0xa0a0a0a0a0a0a0a0ull, 0xa0a0a0a0afa1a100ull);
    r = vbin(CLIF_OP_SWIZZLE, i8x16, i8x16, xh, xl, 0, yl);
    ASSERT_V(r, 0xa0a0a0a0a0a0a0a0ull, 0xa0a0a0a0af00a100ull);
    /* pmulhrsw wraps MIN * MIN, sqmul_round_sat saturates */
    r = vbin(CLIF_OP_X86_PMULHRSW, i16x8, i16x8, 0, 0x00017fff40008000ull, 0,
             0x40007fff40008000ull);
    ASSERT_V(r, 0, 0x00017ffe20008000ull);
    r = vbin(CLIF_OP_SQMUL_ROUND_SAT, i16x8, i16x8, 0, 0x00017fff40008000ull, 0,
             0x40007fff40008000ull);
    ASSERT_V(r, 0, 0x00017ffe20007fffull);
    /* pmaddubsw: unsigned x times signed y, pairs added with saturation */
    clif_type ps[2] = {i8x16, i8x16};
    fn x = begin("pmaddubsw", ps, 2, &i16x8, 1);
    clif_value v = clif_ins_binary(x.f, x.b, CLIF_OP_X86_PMADDUBSW, x.p[0], x.p[1]);
    clif_ins_return(x.f, x.b, &v, 1);
    clif_data_value a[2] = {dv128(i8x16, 0, 0x0201ffffull), dv128(i8x16, 0, 0x03ff7f7full)};
    r = run1v(x.f, a, 2);
    ASSERT_V(r, 0, 0x00057fffull);
    clif_func_free(x.f);
    /* cvtt2dq: NaN and out of range give INT_MIN */
    float fl[4] = {1.5f, NAN, 3e9f, -2.5f};
    uint32_t fb[4];
    memcpy(fb, fl, sizeof fb);
    r = vun(CLIF_OP_X86_CVTT2DQ, f32x4, i32x4, ((uint64_t)fb[3] << 32) | fb[2],
            ((uint64_t)fb[1] << 32) | fb[0]);
    ASSERT_V(r, 0xfffffffe80000000ull, 0x8000000000000001ull);
    /* vhigh_bits */
    clif_type i16 = CLIF_I16;
    fn h = begin("vhigh", &i8x16, 1, &i16, 1);
    v = clif_ins_unary(h.f, h.b, CLIF_OP_VHIGH_BITS, CLIF_I16, h.p[0]);
    clif_ins_return(h.f, h.b, &v, 1);
    clif_data_value hv = dv128(i8x16, 0x8000000000000000ull, 0x7fff0080ull);
    assert_int_equal(run1(h.f, &hv, 1), 0x8005);
    clif_func_free(h.f);
    /* blendv picks by the top bit of each lane */
    clif_type bps[3] = {i32x4, i32x4, i32x4};
    fn bl = begin("blendv", bps, 3, &i32x4, 1);
    v = clif_ins_ternary(bl.f, bl.b, CLIF_OP_BLENDV, bl.p[0], bl.p[1], bl.p[2]);
    clif_ins_return(bl.f, bl.b, &v, 1);
    clif_data_value ba[3] = {dv128(i32x4, 0x00000000ffffffffull, 0x7fffffff80000000ull),
                             dv128(i32x4, 0x0000000400000003ull, 0x0000000200000001ull),
                             dv128(i32x4, 0x0000000800000007ull, 0x0000000600000005ull)};
    r = run1v(bl.f, ba, 3);
    ASSERT_V(r, 0x0000000800000003ull, 0x0000000600000001ull);
    clif_func_free(bl.f);
    /* widening, pairwise add, float lane conversions */
    r = vun(CLIF_OP_SWIDEN_HIGH, i8x16, i16x8, 0x0000000000ff807full, 0);
    ASSERT_V(r, 0, 0x0000ffffff80007full);
    r = vun(CLIF_OP_UWIDEN_LOW, i16x8, i32x4, 0, 0x00000000ffff8000ull);
    ASSERT_V(r, 0, 0x0000ffff00008000ull);
    r = vbin(CLIF_OP_IADD_PAIRWISE, i32x4, i32x4, 0x0000000400000003ull, 0x0000000200000001ull,
             0x000000280000001eull, 0x000000140000000aull);
    ASSERT_V(r, 0x000000460000001eull, 0x0000000700000003ull);
    r = vun(CLIF_OP_FVPROMOTE_LOW, f32x4, f64x2, 0x1234567812345678ull, 0xc00000003fc00000ull);
    ASSERT_V(r, 0xc000000000000000ull, 0x3ff8000000000000ull);
    r = vun(CLIF_OP_FVDEMOTE, f64x2, f32x4, 0x7e37e43c8800759cull, 0x3ff8000000000000ull);
    ASSERT_V(r, 0, 0x7f8000003fc00000ull);
    r = vbin(CLIF_OP_AVG_ROUND, i8x16, i8x16, 0, 0x01ffull, 0, 0x02feull);
    ASSERT_V(r, 0, 0x02ffull);
    r = vbin(CLIF_OP_UUNARROW, i32x4, i16x8, 0, 0x00010000ffffffffull, 0, 0x0000000000001234ull);
    ASSERT_V(r, 0x0000000000001234ull, 0x00000000ffffffffull);
    r = vbin(CLIF_OP_UNARROW, i32x4, i16x8, 0, 0x00010000ffffffffull, 0, 0);
    ASSERT_V(r, 0, 0x00000000ffff0000ull);
    (void)i64x2;
}

static void test_simd_memory(void **state) {
    (void)state;
    clif_type i64 = CLIF_I64, i16x8 = vt(CLIF_I16, 8), i32x4 = vt(CLIF_I32, 4);
    clif_type i64x2 = vt(CLIF_I64, 2);
    clif_opcode ops[3] = {CLIF_OP_ULOAD8X8, CLIF_OP_SLOAD8X8, CLIF_OP_SLOAD16X4};
    clif_type rts[3] = {i16x8, i16x8, i32x4};
    clif_memflags fls[3] = {0, CLIF_MEM_LITTLE, CLIF_MEM_BIG};
    uint64_t want[3][2] = {{0x0080007f000100ffull, 0x0000001000200030ull},
                           {0xff80007f0001ffffull, 0x0000001000200030ull},
                           {0x00007f80ffffff01ull, 0x0000100000003020ull}};
    for (int k = 0; k < 3; k++) {
        fn x = begin("vload", &i64, 1, &rts[k], 1);
        clif_stack_slot ss = clif_create_stack_slot(x.f, 8, 3);
        clif_value p = clif_ins_stack_addr(x.f, x.b, CLIF_I64, ss, 0);
        clif_ins_store(x.f, x.b, CLIF_OP_STORE, 0, x.p[0], p, 0);
        clif_value v = clif_ins_load(x.f, x.b, ops[k], rts[k], fls[k], p, 0);
        clif_ins_return(x.f, x.b, &v, 1);
        clif_data_value a = dv(CLIF_I64, 0x807f01ff00102030ull);
        clif_data_value r = run1v(x.f, &a, 1);
        ASSERT_V(r, want[k][0], want[k][1]);
        clif_func_free(x.f);
    }
    /* bitcast between lane sizes: big-endian lanes change the pairing */
    for (int big = 0; big < 2; big++) {
        fn x = begin("vcast", &i32x4, 1, &i64x2, 1);
        clif_inst_desc d = {.opcode = CLIF_OP_BITCAST,
                            .ctrl_type = i64x2,
                            .memflags = big ? CLIF_MEM_BIG : CLIF_MEM_LITTLE,
                            .args = &x.p[0],
                            .nargs = 1};
        clif_value v = clif_inst_result(x.f, clif_build(x.f, x.b, &d), 0);
        clif_ins_return(x.f, x.b, &v, 1);
        clif_data_value a = dv128(i32x4, 0x0000000400000003ull, 0x0000000200000001ull);
        clif_data_value r = run1v(x.f, &a, 1);
        if (big)
            ASSERT_V(r, 0x0000000300000004ull, 0x0000000100000002ull);
        else
            ASSERT_V(r, 0x0000000400000003ull, 0x0000000200000001ull);
        clif_func_free(x.f);
    }
}

static uint64_t carry_op(clif_opcode op, uint64_t a, uint64_t b, uint64_t c, uint64_t *sum) {
    clif_type ps[3] = {CLIF_I8, CLIF_I8, CLIF_I8}, rs[2] = {CLIF_I8, CLIF_I8};
    fn x = begin("carry", ps, 3, rs, 2);
    clif_value args[3] = {x.p[0], x.p[1], x.p[2]};
    clif_inst_desc d = {.opcode = op, .args = args, .nargs = 3};
    clif_inst i = clif_build(x.f, x.b, &d);
    clif_value res[2] = {clif_inst_result(x.f, i, 0), clif_inst_result(x.f, i, 1)};
    clif_ins_return(x.f, x.b, res, 2);
    clif_interp *in = clif_interp_new();
    clif_data_value av[3] = {dv(CLIF_I8, a), dv(CLIF_I8, b), dv(CLIF_I8, c)}, out[2];
    uint32_t n;
    no_error(clif_interp_call(in, x.f, av, 3, out, 2, &n));
    *sum = lo64(&out[0]);
    clif_interp_free(in);
    clif_func_free(x.f);
    return lo64(&out[1]);
}

static void test_carry_ops(void **state) {
    (void)state;
    uint64_t s;
    assert_int_equal(carry_op(CLIF_OP_UADD_OVERFLOW_CIN, 255, 0, 1, &s), 1);
    assert_int_equal(s, 0);
    assert_int_equal(carry_op(CLIF_OP_UADD_OVERFLOW_CIN, 254, 0, 7, &s), 0);
    assert_int_equal(s, 255);
    assert_int_equal(carry_op(CLIF_OP_SADD_OVERFLOW_CIN, 127, 0, 1, &s), 1);
    assert_int_equal(s, 0x80);
    assert_int_equal(carry_op(CLIF_OP_SADD_OVERFLOW_CIN, 0xff, 0x80, 1, &s), 0);
    assert_int_equal(s, 0x80);
    assert_int_equal(carry_op(CLIF_OP_USUB_OVERFLOW_BIN, 5, 5, 1, &s), 1);
    assert_int_equal(s, 255);
    assert_int_equal(carry_op(CLIF_OP_USUB_OVERFLOW_BIN, 5, 4, 1, &s), 0);
    assert_int_equal(s, 0);
    assert_int_equal(carry_op(CLIF_OP_SSUB_OVERFLOW_BIN, 0x80, 0, 1, &s), 1);
    assert_int_equal(s, 0x7f);
    assert_int_equal(carry_op(CLIF_OP_SSUB_OVERFLOW_BIN, 0x7f, 0xff, 1, &s), 0);
    assert_int_equal(s, 0x7f);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wrapping),
        cmocka_unit_test(test_division),
        cmocka_unit_test(test_i128_mul),
        cmocka_unit_test(test_shifts),
        cmocka_unit_test(test_bit_counts),
        cmocka_unit_test(test_overflow_ops),
        cmocka_unit_test(test_icmp_select),
        cmocka_unit_test(test_extends),
        cmocka_unit_test(test_float_nan_rules),
        cmocka_unit_test(test_float_ops),
        cmocka_unit_test(test_conversions),
        cmocka_unit_test(test_memory_endianness),
        cmocka_unit_test(test_memory_bounds),
        cmocka_unit_test(test_atomics),
        cmocka_unit_test(test_br_table),
        cmocka_unit_test(test_calls),
        cmocka_unit_test(test_tail_calls),
        cmocka_unit_test(test_deep_recursion),
        cmocka_unit_test(test_fuel),
        cmocka_unit_test(test_big_bodies),
        cmocka_unit_test(test_global_values_and_regs),
        cmocka_unit_test(test_f128_and_unsupported),
        cmocka_unit_test(test_simd),
        cmocka_unit_test(test_simd_lanes),
        cmocka_unit_test(test_simd_memory),
        cmocka_unit_test(test_carry_ops),
        cmocka_unit_test(test_exceptions),
        cmocka_unit_test(test_frames_and_stack_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
