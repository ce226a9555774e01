/* Unit tests: compiling CLIF for x86-64 and running it through the JIT,
 * and the compiled-code side tables through the C API (relocations, trap
 * table, call sites, unwind records, listing, unsupported features). */
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
    clif_error *e = clif_parse_test_file(text, strlen(text), "test.clif", &tf);
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
    assert_null(clif_isa_set(isa, "preserve_frame_pointers", "true"));
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

/* A module of every function in `text`, finalized. */
typedef struct fixture {
    clif_isa *isa;
    clif_test_file *tf;
    jit_module *m;
} fixture;

static void load(fixture *fx, const char *text) {
    fx->isa = isa_x64();
    fx->tf = parse(text);
    fx->m = jit_module_new(fx->isa);
    for (uint32_t i = 0; i < fx->tf->nfunctions; i++) {
        clif_error *e = jit_module_add(fx->m, fx->tf->functions[i].func);
        if (e) {
            char buf[512];
            fprintf(stderr, "%s\n", clif_error_format(e, buf, sizeof buf));
        }
        assert_null(e);
    }
    assert_null(jit_module_finalize(fx->m));
}

static void unload(fixture *fx) {
    jit_module_free(fx->m);
    clif_test_file_free(fx->tf);
    clif_isa_free(fx->isa);
}

/* Calls function number `fi` with the given arguments; returns the error. */
static clif_error *call(fixture *fx, uint32_t fi, const clif_data_value *args, uint32_t n,
                        clif_data_value *res, uint32_t *nres) {
    const clif_func *f = fx->tf->functions[fi].func;
    clif_ext_name name = clif_func_name(f);
    void *p = jit_module_lookup(fx->m, &name);
    assert_non_null(p);
    return jit_module_call(fx->m, f, p, args, n, res, 8, nres);
}

static uint64_t call_u64(fixture *fx, uint32_t fi, const clif_data_value *args, uint32_t n) {
    clif_data_value res[8];
    uint32_t nres = 0;
    clif_error *e = call(fx, fi, args, n, res, &nres);
    if (e) {
        char buf[256];
        fprintf(stderr, "%s\n", clif_error_format(e, buf, sizeof buf));
    }
    assert_null(e);
    assert_int_equal(nres, 1);
    return clif_dv_to_u64(&res[0]);
}

static clif_data_value i64v(uint64_t x) {
    return clif_dv_from_u64(CLIF_I64, x);
}

static void test_arith_and_loops(void **state) {
    (void)state;
    if (!host_is_x64()) skip();
    fixture fx;
    load(&fx, "function %fib(i64) -> i64 {\n"
              "block0(v0: i64):\n"
              "    v1 = iconst.i64 0\n"
              "    v2 = iconst.i64 1\n"
              "    jump block1(v0, v1, v2)\n"
              "block1(v3: i64, v4: i64, v5: i64):\n"
              "    brif v3, block2, block3\n"
              "block2:\n"
              "    v6 = iadd v4, v5\n"
              "    v7 = iconst.i64 -1\n"
              "    v8 = iadd v3, v7\n"
              "    jump block1(v8, v5, v6)\n"
              "block3:\n"
              "    return v4\n"
              "}\n"
              "function %mix(i64, i64) -> i64 {\n"
              "block0(v0: i64, v1: i64):\n"
              "    v2 = imul v0, v1\n"
              "    v3 = isub v2, v0\n"
              "    v9 = iconst.i64 3\n"
              "    v4 = ishl v3, v9\n"
              "    v5 = sdiv v4, v1\n"
              "    return v5\n"
              "}\n");
    clif_data_value a[2] = {i64v(10), i64v(7)};
    assert_int_equal(call_u64(&fx, 0, a, 1), 55);
    a[0] = i64v(90);
    assert_int_equal(call_u64(&fx, 0, a, 1), 2880067194370816120ull);
    a[0] = i64v(5);
    a[1] = i64v((uint64_t)-3);
    /* ((5 * -3) - 5) << 3 = -160; -160 / -3 = 53 */
    assert_int_equal(call_u64(&fx, 1, a, 2), 53);
    unload(&fx);
}

static void test_calls_i128_floats(void **state) {
    (void)state;
    if (!host_is_x64()) skip();
    fixture fx;
    load(&fx, "function %callee(i128, f64, i64, i64, i64, i64, i64, i64) -> i128, f64 {\n"
              "block0(v0: i128, v1: f64, v2: i64, v3: i64, v4: i64, v5: i64, v6: i64, v7: i64):\n"
              "    v8 = uextend.i128 v7\n"
              "    v9 = iadd v0, v8\n"
              "    v10 = fadd v1, v1\n"
              "    return v9, v10\n"
              "}\n"
              "function %caller(i64) -> i64 {\n"
              "    fn0 = colocated %callee(i128, f64, i64, i64, i64, i64, i64, i64) -> i128, f64\n"
              "block0(v0: i64):\n"
              "    v1 = iconst.i64 -1\n"
              "    v2 = iconcat v1, v0\n"
              "    v3 = f64const 0x1.8p1\n"
              "    v4, v5 = call fn0(v2, v3, v0, v0, v0, v0, v0, v0)\n"
              "    v6, v7 = isplit v4\n"
              "    v8 = fcvt_to_sint.i64 v5\n"
              "    v9 = iadd v7, v8\n"
              "    return v9\n"
              "}\n");
    /* (2^64 - 1 + 40 * 2^64) + 40: low word wraps to 39, high becomes 41; + (int)6.0 */
    clif_data_value a = i64v(40);
    assert_int_equal(call_u64(&fx, 1, &a, 1), 47);
    unload(&fx);
}

static void test_windows_fastcall(void **state) {
    (void)state;
    if (!host_is_x64()) skip();
    fixture fx;
    load(&fx, "function %w(i64, f64, i64, f64, i64, f64) -> f64 windows_fastcall {\n"
              "block0(v0: i64, v1: f64, v2: i64, v3: f64, v4: i64, v5: f64):\n"
              "    v6 = fcvt_from_sint.f64 v0\n"
              "    v7 = fcvt_from_sint.f64 v2\n"
              "    v8 = fcvt_from_sint.f64 v4\n"
              "    v9 = fmul v6, v1\n"
              "    v10 = fmul v7, v3\n"
              "    v11 = fmul v8, v5\n"
              "    v12 = fadd v9, v10\n"
              "    v13 = fadd v12, v11\n"
              "    return v13\n"
              "}\n"
              "function %c(i64) -> f64 {\n"
              "    fn0 = colocated %w(i64, f64, i64, f64, i64, f64) -> f64 windows_fastcall\n"
              "block0(v0: i64):\n"
              "    v1 = f64const 0x1.0p1\n"
              "    v2 = iconst.i64 3\n"
              "    v3 = f64const 0x1.0p2\n"
              "    v4 = iconst.i64 5\n"
              "    v5 = f64const 0x1.0p3\n"
              "    v6 = call fn0(v0, v1, v2, v3, v4, v5)\n"
              "    return v6\n"
              "}\n");
    /* 7*2 + 3*4 + 5*8 = 66, through the trampoline and through %c. */
    clif_data_value a[6] = {i64v(7), clif_dv_from_u64(CLIF_F64, 0x4000000000000000ull),
                            i64v(3), clif_dv_from_u64(CLIF_F64, 0x4010000000000000ull),
                            i64v(5), clif_dv_from_u64(CLIF_F64, 0x4020000000000000ull)};
    assert_int_equal(call_u64(&fx, 0, a, 6), 0x4050800000000000ull);
    assert_int_equal(call_u64(&fx, 1, a, 1), 0x4050800000000000ull);
    unload(&fx);
}

static void test_traps(void **state) {
    (void)state;
    if (!host_is_x64()) skip();
    fixture fx;
    load(&fx, "function %div(i32, i32) -> i32 {\n"
              "block0(v0: i32, v1: i32):\n"
              "    v2 = udiv v0, v1\n"
              "    return v2\n"
              "}\n"
              "function %load(i64) -> i64 {\n"
              "block0(v0: i64):\n"
              "    v1 = load.i64 v0+8\n"
              "    return v1\n"
              "}\n"
              "function %user(i32) -> i32 {\n"
              "block0(v0: i32):\n"
              "    trapz v0, user7\n"
              "    return v0\n"
              "}\n");
    clif_data_value a[2] = {clif_dv_from_u64(CLIF_I32, 7), clif_dv_from_u64(CLIF_I32, 0)};
    clif_data_value r[8];
    uint32_t n;
    clif_error *e = call(&fx, 0, a, 2, r, &n);
    assert_non_null(e);
    assert_int_equal(clif_error_get_kind(e), CLIF_ERR_TRAP);
    assert_int_equal(clif_error_trap_code(e), CLIF_TRAP_INTEGER_DIVISION_BY_ZERO);
    clif_error_free(e);
    a[1] = clif_dv_from_u64(CLIF_I32, 2);
    assert_int_equal(call_u64(&fx, 0, a, 2), 3);
    a[0] = i64v(0);
    e = call(&fx, 1, a, 1, r, &n);
    assert_non_null(e);
    assert_int_equal(clif_error_trap_code(e), CLIF_TRAP_HEAP_OUT_OF_BOUNDS);
    clif_error_free(e);
    a[0] = clif_dv_from_u64(CLIF_I32, 0);
    e = call(&fx, 2, a, 1, r, &n);
    assert_non_null(e);
    assert_int_equal(clif_error_trap_code(e), 7);
    clif_error_free(e);
    /* The module still works after traps. */
    a[0] = clif_dv_from_u64(CLIF_I32, 9);
    assert_int_equal(call_u64(&fx, 2, a, 1), 9);
    unload(&fx);
}

static clif_compiled *compile_one(clif_isa *isa, clif_test_file *tf, uint32_t i, bool listing) {
    clif_compiled *c = NULL;
    clif_compile_options o = {listing};
    clif_error *e = clif_compile_ex(isa, tf->functions[i].func, &o, &c);
    if (e) {
        char buf[512];
        fprintf(stderr, "%s\n", clif_error_format(e, buf, sizeof buf));
    }
    assert_null(e);
    return c;
}

static void test_relocations(void **state) {
    (void)state;
    clif_isa *isa = isa_x64();
    clif_test_file *tf = parse("function %f(i64) -> i64 {\n"
                               "    fn0 = %far(i64) -> i64\n"
                               "    fn1 = colocated %near(i64) -> i64\n"
                               "block0(v0: i64):\n"
                               "    v1 = call fn0(v0)\n"
                               "    v2 = call fn1(v1)\n"
                               "    v3 = func_addr.i64 fn1\n"
                               "    v4 = iadd v2, v3\n"
                               "    return v4\n"
                               "}\n");
    clif_compiled *c = compile_one(isa, tf, 0, false);
    size_t size;
    const uint8_t *code = clif_compiled_code(c, &size);
    assert_int_equal(clif_compiled_num_relocs(c), 3);
    clif_reloc r0 = clif_compiled_reloc(c, 0), r1 = clif_compiled_reloc(c, 1),
               r2 = clif_compiled_reloc(c, 2);
    assert_int_equal(r0.kind, CLIF_RELOC_ABS8);
    assert_true(r0.is_func);
    assert_string_equal(r0.name.str, "far");
    /* movabs r11, imm64: the immediate follows 49 bb. */
    assert_int_equal(code[r0.offset - 2], 0x49);
    assert_int_equal(code[r0.offset - 1], 0xbb);
    assert_int_equal(r1.kind, CLIF_RELOC_X86_CALL_PCREL4);
    assert_string_equal(r1.name.str, "near");
    assert_int_equal(code[r1.offset - 1], 0xe8); /* call rel32 */
    assert_int_equal(r1.addend, -4);
    assert_int_equal(r2.kind, CLIF_RELOC_ABS8);
    assert_string_equal(r2.name.str, "near");
    /* Two calls: two call sites, each right after a call instruction. */
    assert_int_equal(clif_compiled_num_call_sites(c), 2);
    assert_int_equal(clif_compiled_call_site(c, 1), r1.offset + 4);
    assert_true(clif_compiled_code_size(c) <= size);
    clif_compiled_free(c);
    clif_test_file_free(tf);
    clif_isa_free(isa);
}

static void test_trap_table(void **state) {
    (void)state;
    clif_isa *isa = isa_x64();
    clif_test_file *tf = parse("function %f(i64, i64) -> i64 {\n"
                               "block0(v0: i64, v1: i64):\n"
                               "    v2 = sdiv v0, v1\n"
                               "    v3 = load.i64 v2\n"
                               "    trapnz v3, user3\n"
                               "    return v3\n"
                               "}\n");
    clif_compiled *c = compile_one(isa, tf, 0, false);
    size_t size;
    const uint8_t *code = clif_compiled_code(c, &size);
    bool divz = false, ovf = false, oob = false, user = false;
    for (uint32_t i = 0; i < clif_compiled_num_traps(c); i++) {
        clif_trap_site t = clif_compiled_trap(c, i);
        assert_true(t.offset < size);
        assert_int_equal(clif_compiled_trap_at(c, t.offset), t.code);
        if (t.code == CLIF_TRAP_HEAP_OUT_OF_BOUNDS) {
            oob = true;
            continue;
        }
        /* Explicit traps are ud2 (0f 0b). */
        assert_int_equal(code[t.offset], 0x0f);
        assert_int_equal(code[t.offset + 1], 0x0b);
        divz |= t.code == CLIF_TRAP_INTEGER_DIVISION_BY_ZERO;
        ovf |= t.code == CLIF_TRAP_INTEGER_OVERFLOW;
        user |= t.code == 3;
    }
    assert_true(divz && ovf && oob && user);
    assert_int_equal(clif_compiled_trap_at(c, 0), CLIF_TRAP_NONE);
    clif_compiled_free(c);
    clif_test_file_free(tf);
    clif_isa_free(isa);
}

static void test_unwind_and_listing(void **state) {
    (void)state;
    clif_isa *isa = isa_x64();
    /* Enough simultaneously live values to need callee-saved registers. */
    clif_test_file *tf = parse("function %f(i64) -> i64 {\n"
                               "    fn0 = %g(i64) -> i64\n"
                               "block0(v0: i64):\n"
                               "    v1 = iadd v0, v0\n"
                               "    v2 = iadd v1, v0\n"
                               "    v3 = call fn0(v2)\n"
                               "    v4 = iadd v3, v1\n"
                               "    v5 = iadd v4, v2\n"
                               "    v6 = iadd v5, v0\n"
                               "    return v6\n"
                               "}\n");
    clif_compiled *c = compile_one(isa, tf, 0, true);
    uint32_t n = clif_compiled_num_unwind(c);
    assert_true(n >= 2);
    clif_unwind_op op = clif_compiled_unwind(c, 0);
    assert_int_equal(op.kind, CLIF_UNWIND_PUSH_FRAME_REGS);
    assert_int_equal(op.offset, 1); /* after push rbp */
    assert_int_equal(op.value, 16);
    op = clif_compiled_unwind(c, 1);
    assert_int_equal(op.kind, CLIF_UNWIND_DEFINE_FRAME);
    assert_int_equal(op.offset, 4); /* after mov rbp, rsp */
    assert_int_equal(op.reg, 6);    /* rbp */
    bool alloc = false, saved = false;
    for (uint32_t i = 2; i < n; i++) {
        op = clif_compiled_unwind(c, i);
        if (op.kind == CLIF_UNWIND_STACK_ALLOC) {
            alloc = true;
            assert_int_equal((uint32_t)op.value, clif_compiled_frame_size(c));
            assert_int_equal(op.value % 16, 0);
        }
        if (op.kind == CLIF_UNWIND_SAVE_REG) {
            saved = true;
            assert_true(op.value < -16);
            assert_true(op.reg == 3 || (op.reg >= 12 && op.reg <= 15)); /* rbx, r12..r15 */
        }
    }
    assert_true(alloc && saved);

    /* .eh_frame: CIE (id 0, version 1, "zR"), FDE pointing back at it and
     * covering the code, zero terminator; readelf decodes the same bytes. */
    size_t eh_size, pc_off;
    const uint8_t *eh = clif_compiled_eh_frame(c, &eh_size, &pc_off);
    assert_non_null(eh);
    uint32_t cie_len = eh[0] | eh[1] << 8 | eh[2] << 16 | (uint32_t)eh[3] << 24;
    assert_int_equal(cie_len % 8, 4);
    assert_int_equal(eh[4] | eh[5] | eh[6] | eh[7], 0);
    assert_int_equal(eh[8], 1);
    assert_memory_equal(eh + 9, "zR", 3);
    const uint8_t *fde = eh + 4 + cie_len;
    uint32_t fde_len = fde[0] | fde[1] << 8 | fde[2] << 16 | (uint32_t)fde[3] << 24;
    uint32_t back = fde[4] | fde[5] << 8 | fde[6] << 16 | (uint32_t)fde[7] << 24;
    assert_int_equal(back, 4 + cie_len + 4);
    assert_int_equal(pc_off, (size_t)(fde + 8 - eh));
    uint64_t range = 0;
    for (int i = 7; i >= 0; i--)
        range = range << 8 | fde[16 + i];
    assert_int_equal(range, clif_compiled_code_size(c));
    assert_int_equal(eh_size, 4 + cie_len + 4 + fde_len + 4);
    /* advance 1, def_cfa_offset 16, rbp at cfa-16, advance 3, def_cfa rbp+16 */
    static const uint8_t prologue_cfi[] = {0x41, 0x0e, 0x10, 0x86, 0x02, 0x43, 0x0c, 0x06, 0x10};
    assert_memory_equal(fde + 25, prologue_cfi, sizeof prologue_cfi);

    const char *listing = clif_compiled_listing(c);
    assert_non_null(listing);
    assert_non_null(strstr(listing, "push rbp"));
    assert_non_null(strstr(listing, "ret"));
    clif_compiled_free(c);
    clif_test_file_free(tf);
    clif_isa_free(isa);
}

static const char *throw_text =
    "function %entry() -> i64 tail {\n"
    "    fn0 = %main(i64) -> i64 tail\n"
    "block0:\n"
    "    v1 = get_frame_pointer.i64\n"
    "    v2 = call fn0(v1)\n"
    "    return v2\n"
    "}\n"
    "function %main(i64) -> i64 tail {\n"
    "    sig0 = (i64, i32, i64, i64) tail\n"
    "    fn0 = %throw(i64, i32, i64, i64) tail\n"
    "block0(v0: i64):\n"
    "    v1 = iconst.i64 42\n"
    "    v2 = iconst.i64 100\n"
    "    v3 = iconst.i32 1\n"
    "    try_call fn0(v0, v3, v1, v2), sig0, block1(), [ tag1: block2(exn0, exn1) ]\n"
    "block1:\n"
    "    v4 = iconst.i64 1\n"
    "    return v4\n"
    "block2(v5: i64, v6: i64):\n"
    "    v7 = isub.i64 v6, v5\n"
    "    return v7\n"
    "}\n"
    "function %throw(i64, i32, i64, i64) tail {\n"
    "    sig0 = (i64, i64, i64, i32, i64, i64)\n"
    "    fn0 = %__cranelift_throw(i64, i64, i64, i32, i64, i64)\n"
    "block0(v0: i64, v1: i32, v2: i64, v3: i64):\n"
    "    v4 = get_frame_pointer.i64\n"
    "    v5 = get_return_address.i64\n"
    "    v7 = func_addr.i64 fn0\n"
    "    call_indirect sig0, v7(v0, v4, v5, v1, v2, v3)\n"
    "    return\n"
    "}\n";

static void test_exception_handlers(void **state) {
    (void)state;
    clif_isa *isa = isa_x64();
    clif_test_file *tf = parse(throw_text);
    clif_compiled *c = compile_one(isa, tf, 1, false);
    size_t size;
    clif_compiled_code(c, &size);
    assert_int_equal(clif_compiled_num_handlers(c), 1);
    clif_handler h = clif_compiled_handler(c, 0);
    assert_int_equal(h.tag, 1);
    assert_false(h.is_default);
    assert_int_equal(h.ret_offset, clif_compiled_call_site(c, 0));
    assert_true(h.handler_offset > h.ret_offset && h.handler_offset < size);
    /* Indices beyond the tables give empty records, never a read out of bounds. */
    assert_int_equal(clif_compiled_call_site(c, 1000), UINT32_MAX);
    assert_int_equal(clif_compiled_handler(c, 1000).handler_offset, 0);
    assert_int_equal(clif_compiled_trap(c, 100000).offset, 0);
    assert_int_equal(clif_compiled_unwind(c, 100000).offset, 0);
    clif_compiled_free(c);
    clif_test_file_free(tf);
    clif_isa_free(isa);
    if (!host_is_x64()) return;
    fixture fx;
    load(&fx, throw_text);
    assert_int_equal(call_u64(&fx, 0, NULL, 0), 58);
    unload(&fx);
}

static void test_unsupported(void **state) {
    (void)state;
    clif_isa *isa = isa_x64();
    clif_test_file *tf = parse("function %f(i128, i128) -> i128 {\n"
                               "block0(v0: i128, v1: i128):\n"
                               "    v2 = udiv v0, v1\n"
                               "    return v2\n"
                               "}\n"
                               "function %g(i32x4) -> i32x4 {\n"
                               "block0(v0: i32x4):\n"
                               "    v1 = popcnt v0\n"
                               "    return v1\n"
                               "}\n");
    for (uint32_t i = 0; i < 2; i++) {
        clif_compiled *c = NULL;
        clif_error *e = clif_compile(isa, tf->functions[i].func, &c);
        assert_non_null(e);
        assert_null(c);
        assert_int_equal(clif_error_get_kind(e), CLIF_ERR_UNSUPPORTED);
        const char *msg = clif_error_message(e);
        assert_non_null(strstr(msg, "unsupported:"));
        assert_non_null(strstr(msg, i == 0 ? "i128 udiv" : "i32x4 popcnt"));
        clif_error_free(e);
    }
    clif_isa *other = NULL;
    assert_null(clif_isa_lookup("s390x", &other));
    clif_compiled *c = NULL;
    clif_error *e = clif_compile(other, tf->functions[0].func, &c);
    assert_non_null(e);
    assert_int_equal(clif_error_get_kind(e), CLIF_ERR_UNSUPPORTED);
    clif_error_free(e);
    clif_isa_free(other);
    clif_test_file_free(tf);
    clif_isa_free(isa);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arith_and_loops),
        cmocka_unit_test(test_calls_i128_floats),
        cmocka_unit_test(test_traps),
        cmocka_unit_test(test_windows_fastcall),
        cmocka_unit_test(test_relocations),
        cmocka_unit_test(test_trap_table),
        cmocka_unit_test(test_unwind_and_listing),
        cmocka_unit_test(test_exception_handlers),
        cmocka_unit_test(test_unsupported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
