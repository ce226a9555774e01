/* Unit tests: the CLIF reader (lexer, preamble, instructions, run commands,
 * errors, limits) and every file of Cranelift's runtests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cranelift.h"
#include "ir/function.h"
#include "runtests_util.h"

/* ---- helpers ---- */

static clif_test_file *parse_ok(const char *text) {
    clif_test_file *tf = NULL;
    clif_error *e = clif_parse_test_file(text, strlen(text), "t.clif", &tf);
    if (e) {
        char buf[512];
        fprintf(stderr, "unexpected error: %s\n", clif_error_format(e, buf, sizeof buf));
        clif_error_free(e);
        fail();
    }
    assert_non_null(tf);
    return tf;
}

/* Parses `text`, expecting an error at line:col whose message contains `msg`. */
static void parse_err(const char *text, uint32_t line, uint32_t col, const char *msg) {
    clif_test_file *tf = (clif_test_file *)1;
    clif_error *e = clif_parse_test_file(text, strlen(text), "t.clif", &tf);
    if (!e) {
        fprintf(stderr, "expected an error for:\n%s\n", text);
        fail();
    }
    assert_null(tf);
    assert_int_equal(clif_error_get_kind(e), CLIF_ERR_PARSE);
    clif_location loc = clif_error_location(e);
    if (loc.line != line || loc.column != col || !strstr(clif_error_message(e), msg)) {
        char buf[512];
        fprintf(stderr, "got %s\nwant %u:%u: ...%s...\n", clif_error_format(e, buf, sizeof buf),
                line, col, msg);
        fail();
    }
    assert_string_equal(loc.file, "t.clif");
    clif_error_free(e);
}

static clif_func *fn0(clif_test_file *tf) {
    assert_true(tf->nfunctions >= 1);
    return tf->functions[0].func;
}

/* The n-th instruction in layout order. */
static const inst_data *nth_inst(const clif_func *f, uint32_t n) {
    for (clif_block b = f->first_block; b != CLIF_NONE; b = f->blocks.data[b].next)
        for (clif_inst i = f->blocks.data[b].first; i != CLIF_NONE; i = f->inodes.data[i].next)
            if (n-- == 0) return &f->insts.data[i];
    fail();
    return NULL;
}

static clif_type ty(const char *name) {
    return clif_type_parse(name, strlen(name));
}

static uint64_t dv_u64(const clif_data_value *v) {
    uint64_t x = 0;
    for (int i = 7; i >= 0; i--)
        x = (x << 8) | v->bytes[i];
    return x;
}

static const uint8_t *const_bytes(const clif_func *f, uint32_t c, uint32_t *len) {
    assert_true(c < f->constants.len);
    *len = f->constants.data[c].len;
    return f->const_bytes.data + f->constants.data[c].bytes;
}

/* ---- header ---- */

static void test_header(void **state) {
    (void)state;
    clif_test_file *tf = parse_ok("; before\n"
                                  "test interpret\n"
                                  "test run\n"
                                  "test cfg option=5\n"
                                  "set opt_level=speed\n"
                                  "set enable_llvm_abi_extensions\n"
                                  "target x86_64 has_avx has_sse41=false\n"
                                  "set opt_level=none\n"
                                  "target aarch64\n"
                                  "function %f() {\nblock0:\n    return\n}\n");
    assert_int_equal(tf->ntests, 3);
    assert_string_equal(tf->tests[0], "interpret");
    assert_string_equal(tf->tests[1], "run");
    assert_string_equal(tf->tests[2], "cfg option=5");
    assert_int_equal(tf->ntargets, 2);
    assert_string_equal(tf->targets[0].isa, "x86_64");
    assert_int_equal(tf->targets[0].line, 7);
    assert_int_equal(tf->targets[0].nflags, 2);
    assert_string_equal(tf->targets[0].flags[1], "has_sse41=false");
    assert_int_equal(tf->targets[0].nsettings, 2);
    assert_string_equal(tf->targets[0].settings[0].value, "speed");
    assert_string_equal(tf->targets[0].settings[1].name, "enable_llvm_abi_extensions");
    assert_string_equal(tf->targets[0].settings[1].value, "true");
    assert_string_equal(tf->targets[1].settings[0].value, "none");
    assert_int_equal(tf->nsettings, 0);
    assert_int_equal(tf->ncomments, 1);
    assert_string_equal(tf->comments[0].text, "before");
    /* `test run`: functions without a calling convention get the host's. */
    assert_int_equal(fn0(tf)->sig.callconv, CLIF_CC_SYSTEM_V);
    clif_test_file_free(tf);

    tf = parse_ok("test interpret\nset opt_level=speed\nfunction %f() {\nblock0:\n return\n}\n");
    assert_int_equal(tf->ntargets, 0);
    assert_int_equal(tf->nsettings, 1);
    assert_string_equal(tf->settings[0].name, "opt_level");
    assert_int_equal(fn0(tf)->sig.callconv, CLIF_CC_FAST);
    clif_test_file_free(tf);
}

/* ---- preamble ---- */

static void test_preamble(void **state) {
    (void)state;
    clif_test_file *tf = parse_ok(
        "function u1:7(i64 vmctx, i32 uext, i8 sext, i64 sret, i64 sarg(24)) -> i32 sext tail {\n"
        "    ss3 = explicit_slot 13\n"
        "    ss1 = explicit_slot 16, align = 8\n"
        "    gv0 = vmctx\n"
        "    gv1 = load.i64 notrap aligned readonly gv0+8\n"
        "    gv2 = iadd_imm.i64 gv1, -16\n"
        "    gv3 = symbol colocated tls %sym+4\n"
        "    gv4 = dyn_scale_target_const.i32x4\n"
        "    dt0 = i32x4*gv4\n"
        "    dss2 = explicit_dynamic_slot dt0\n"
        "    sig1 = (i32, f64) -> i64 system_v\n"
        "    fn0 = colocated %callee sig1\n"
        "    fn2 = %other(i8) -> i8 windows_fastcall\n"
        "    fn3 = u0:42 sig1\n"
        "    const4 = 0x000102030405060708090a0b0c0d0e0f\n"
        "    const0 = i32x4 [1 2 3 -1]\n"
        "    stack_limit = gv2\n"
        "\n"
        "block0(v0: i64, v1: i32, v2: i8, v3: i64, v4: i64):\n"
        "    v5 = iconst.i32 0\n"
        "    return v5\n"
        "}\n");
    clif_func *f = fn0(tf);
    assert_int_equal(f->name.kind, CLIF_NAME_USER);
    assert_int_equal(f->name.ns, 1);
    assert_int_equal(f->name.index, 7);
    assert_int_equal(f->sig.nparams, 5);
    assert_int_equal(f->sig.nreturns, 1);
    assert_int_equal(f->sig.callconv, CLIF_CC_TAIL);
    const clif_abi_param *ps = f->abi_params.data + f->sig.params;
    assert_int_equal(ps[0].purpose, CLIF_ARG_VMCTX);
    assert_int_equal(ps[1].ext, CLIF_EXT_UEXT);
    assert_int_equal(ps[2].ext, CLIF_EXT_SEXT);
    assert_int_equal(ps[3].purpose, CLIF_ARG_SRET);
    assert_int_equal(ps[4].purpose, CLIF_ARG_STRUCT);
    assert_int_equal(ps[4].size, 24);
    assert_int_equal(f->abi_params.data[f->sig.returns].ext, CLIF_EXT_SEXT);

    /* Source numbering: ss0 and ss2 are unused gaps. */
    assert_int_equal(f->stack_slots.len, 4);
    assert_false(f->stack_slots.data[0].used);
    assert_true(f->stack_slots.data[1].used);
    assert_int_equal(f->stack_slots.data[1].size, 16);
    assert_int_equal(f->stack_slots.data[1].align_shift, 3);
    assert_int_equal(f->stack_slots.data[3].size, 13);
    assert_int_equal(f->stack_slots.data[3].align_shift, 0);
    assert_int_equal(f->stack_slots.data[2].kind, CLIF_SS_EXPLICIT_DYNAMIC);
    assert_int_equal(f->stack_slots.data[2].dyn_type, 0);
    assert_int_equal(f->dyn_types.data[0].base, ty("i32x4"));
    assert_int_equal(f->dyn_types.data[0].scale, 4);

    assert_int_equal(f->gvs.data[0].kind, CLIF_GV_VMCTX);
    assert_int_equal(f->gvs.data[1].kind, CLIF_GV_LOAD);
    assert_int_equal(f->gvs.data[1].type, CLIF_I64);
    assert_int_equal(f->gvs.data[1].base, 0);
    assert_int_equal(f->gvs.data[1].offset, 8);
    assert_int_equal(f->gvs.data[1].flags, CLIF_MEM_NOTRAP | CLIF_MEM_ALIGNED | CLIF_MEM_READONLY);
    assert_int_equal(f->gvs.data[2].kind, CLIF_GV_IADD_IMM);
    assert_int_equal(f->gvs.data[2].offset, -16);
    assert_int_equal(f->gvs.data[3].kind, CLIF_GV_SYMBOL);
    assert_true(f->gvs.data[3].colocated && f->gvs.data[3].tls);
    assert_string_equal(ir_str(f, f->gvs.data[3].name.str), "sym");
    assert_int_equal(f->gvs.data[3].offset, 4);
    assert_int_equal(f->gvs.data[4].kind, CLIF_GV_DYN_SCALE);
    assert_int_equal(f->gvs.data[4].type, ty("i32x4"));

    /* sig1 declared; fn2's inline signature becomes sig2; sig0 is a gap. */
    assert_int_equal(f->sigs.len, 3);
    assert_false(f->sigs.data[0].used);
    assert_int_equal(f->sigs.data[1].callconv, CLIF_CC_SYSTEM_V);
    assert_int_equal(f->sigs.data[1].nparams, 2);
    assert_int_equal(f->abi_params.data[f->sigs.data[1].params + 1].type, CLIF_F64);
    assert_int_equal(f->sigs.data[2].callconv, CLIF_CC_WINDOWS_FASTCALL);
    assert_true(f->ext_funcs.data[0].colocated);
    assert_int_equal(f->ext_funcs.data[0].sig, 1);
    assert_string_equal(ir_str(f, f->ext_funcs.data[0].name.str), "callee");
    assert_false(f->ext_funcs.data[1].used);
    assert_int_equal(f->ext_funcs.data[2].sig, 2);
    assert_int_equal(f->ext_funcs.data[3].name.kind, CLIF_NAME_USER);
    assert_int_equal(f->ext_funcs.data[3].name.index, 42);

    uint32_t len;
    const uint8_t *b = const_bytes(f, 4, &len);
    assert_int_equal(len, 16);
    assert_int_equal(b[0], 0x0f); /* the last digits are byte 0 */
    assert_int_equal(b[15], 0x00);
    b = const_bytes(f, 0, &len);
    assert_int_equal(len, 16);
    assert_int_equal(b[4], 2);
    assert_int_equal(b[12], 0xff);
    assert_int_equal(f->stack_limit, 2);
    clif_test_file_free(tf);
}

/* ---- instructions ---- */

static const char *const all_formats =
    "function %all(i64, i32, f32, i32x4) -> i32 {\n"
    "    ss0 = explicit_slot 32\n"
    "    gv0 = symbol %g\n"
    "    sig0 = (i32) -> i32, i64\n"
    "    fn0 = %callee sig0\n"
    "    fn1 = %tail(i32) -> i32 tail\n"
    "    const0 = 0x01\n"
    "\n"
    "block0(v0: i64, v1: i32, v2: f32, v3: i32x4):\n"
    "    v10 = iconst.i8 -1\n"                                              /* 0 */
    "    v11 = iconst.i64 0xffff_ffff_ffff_fffe\n"                          /* 1 */
    "    v12 = f32const 0x1.8p1\n"                                          /* 2 */
    "    v13 = f64const -0x1.0p-2\n"                                        /* 3 */
    "    v14 = vconst.i32x4 [1 2 3 4]\n"                                    /* 4 */
    "    v15 = vconst.i8x16 0x0f0e\n"                                       /* 5 */
    "    v16 = shuffle v15, v15, [0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 31]\n" /* 6 */
    "    v17 = icmp uge v1, v1\n"                                           /* 7 */
    "    v18 = fcmp one v2, v2\n"                                           /* 8 */
    "    v19 = load.i32 notrap aligned little v0+16\n"                      /* 9 */
    "    store big user7 v19, v0-8\n"                                       /* 10 */
    "    v20 = atomic_rmw.i32 little xchg v0, v1\n"                         /* 11 */
    "    v21 = atomic_cas.i32 v0, v1, v19\n"                                /* 12 */
    "    v22 = stack_addr.i64 ss0+8\n"                                      /* 13 */
    "    v23 = func_addr.i64 fn0\n"                                         /* 14 */
    "    v24 = symbol_value.i64 gv0\n"                                      /* 15 */
    "    v25 = extractlane v3, 3\n"                                         /* 16 */
    "    v26 = insertlane v3, v25, 0\n"                                     /* 17 */
    "    v27 = select v17, v1, v19\n"                                       /* 18 */
    "    v28, v29 = isplit v11\n"                                           /* 19 */
    "    v30 = iconcat v28, v29\n"                                          /* 20 */
    "    v31 = bitcast.i8x16 little v3\n"                                   /* 21 */
    "    v32 = uadd_overflow_trap v1, v1, int_ovf\n"                        /* 22 */
    "    trapz v1, user3\n"                                                 /* 23 */
    "    v33, v34 = call fn0(v1)\n"                                         /* 24 */
    "    v35, v36 = call_indirect sig0, v23(v1)\n"                          /* 25 */
    "    v37 = vconst.i8x16 const0\n"                                       /* 26 */
    "    v38 = f128const 0x1.0p0\n"                                         /* 27 */
    "    v39 = uextend.i64 v1\n"                                            /* 28 */
    "    v40 = f16const -Inf\n"                                             /* 29 */
    "    v41 = iadd_pairwise v3, v3\n"                                      /* 30 */
    "    brif v1, block1(v1), block2\n"                                     /* 31 */
    "\n"
    "block1(v50: i32) cold:\n"
    "    v51 -> v50\n"
    "    br_table v51, block2, [block1(v51), block3]\n" /* 32 */
    "\n"
    "block2:\n"
    "    v60 = iconst.i32 7\n"   /* 33 */
    "    return_call fn1(v60)\n" /* 34 */
    "\n"
    "block3:\n"
    "    try_call fn0(v1), sig0, block4(ret1, ret0), [ tag1: block5(exn0), default: block5(exn1), "
    "context v1 ]\n" /* 35 */
    "\n"
    "block4(v70: i64, v71: i32):\n"
    "    return v71\n" /* 36 */
    "\n"
    "block5(v80: i64):\n"
    "    trap heap_oob\n" /* 37 */
    "}\n";

static void test_instruction_formats(void **state) {
    (void)state;
    clif_test_file *tf = parse_ok(all_formats);
    clif_func *f = fn0(tf);
    const inst_data *d;
    uint32_t len;
    const uint8_t *b;

    d = nth_inst(f, 0);
    assert_int_equal(d->opcode, CLIF_OP_ICONST);
    assert_int_equal(d->ctrl, CLIF_I8);
    assert_int_equal(d->imm, 0xff); /* masked to the type */
    assert_int_equal(d->srcline, 10);
    assert_int_equal(nth_inst(f, 1)->imm, 0xfffffffffffffffeull);
    assert_int_equal(nth_inst(f, 2)->imm, 0x40400000);
    assert_int_equal(nth_inst(f, 3)->imm, 0xbfd0000000000000ull);
    d = nth_inst(f, 4);
    b = const_bytes(f, d->ent, &len);
    assert_int_equal(len, 16);
    assert_int_equal(b[12], 4);
    assert_true(f->constants.data[d->ent].anon);
    b = const_bytes(f, nth_inst(f, 5)->ent, &len);
    assert_int_equal(len, 16);
    assert_int_equal(b[0], 0x0e);
    assert_int_equal(b[1], 0x0f);
    assert_int_equal(b[2], 0);
    d = nth_inst(f, 6);
    b = const_bytes(f, d->ent, &len);
    assert_int_equal(b[15], 31);
    assert_int_equal(d->ctrl, ty("i8x16"));
    d = nth_inst(f, 7);
    assert_int_equal(d->cond, CLIF_ICC_UGE);
    assert_int_equal(f->values.data[17].type, CLIF_I8);
    assert_int_equal(nth_inst(f, 8)->cond, CLIF_FCC_ONE);
    d = nth_inst(f, 9);
    assert_int_equal(d->memflags, CLIF_MEM_NOTRAP | CLIF_MEM_ALIGNED | CLIF_MEM_LITTLE);
    assert_int_equal(d->offset, 16);
    d = nth_inst(f, 10);
    assert_int_equal(d->memflags, CLIF_MEM_BIG | (7u << 8));
    assert_int_equal(d->offset, -8);
    assert_int_equal(d->ctrl, CLIF_I32); /* from the stored value */
    assert_int_equal(d->nresults, 0);
    d = nth_inst(f, 11);
    assert_int_equal(d->cond, CLIF_ATOMIC_XCHG);
    assert_int_equal(d->memflags, CLIF_MEM_LITTLE);
    assert_int_equal(nth_inst(f, 12)->nargs, 3);
    d = nth_inst(f, 13);
    assert_int_equal(d->ent, 0);
    assert_int_equal(d->offset, 8);
    assert_int_equal(nth_inst(f, 14)->ent, 0);
    assert_int_equal(nth_inst(f, 15)->ent, 0);
    d = nth_inst(f, 16);
    assert_int_equal(d->lane, 3);
    assert_int_equal(f->values.data[25].type, CLIF_I32);
    assert_int_equal(nth_inst(f, 17)->lane, 0);
    assert_int_equal(nth_inst(f, 18)->ctrl, CLIF_I32);
    assert_int_equal(f->values.data[28].type, CLIF_I32);
    assert_int_equal(f->values.data[29].type, CLIF_I32);
    assert_int_equal(f->values.data[29].num, 1);
    assert_int_equal(f->values.data[30].type, CLIF_I64);
    assert_int_equal(nth_inst(f, 21)->memflags, CLIF_MEM_LITTLE);
    assert_int_equal(f->values.data[31].type, ty("i8x16"));
    assert_int_equal(nth_inst(f, 22)->trap, CLIF_TRAP_INTEGER_OVERFLOW);
    assert_int_equal(nth_inst(f, 23)->trap, 3);
    d = nth_inst(f, 24);
    assert_int_equal(d->ent, 0);
    assert_int_equal(d->nresults, 2);
    assert_int_equal(f->values.data[34].type, CLIF_I64);
    d = nth_inst(f, 25);
    assert_int_equal(d->ent, 0);
    assert_int_equal(d->nargs, 2);
    assert_int_equal(f->pool.data[d->args], 23);
    d = nth_inst(f, 26);
    assert_int_equal(d->ent, 0);
    d = nth_inst(f, 27);
    b = const_bytes(f, d->ent, &len);
    assert_int_equal(len, 16);
    assert_int_equal(b[15], 0x3f);
    assert_int_equal(b[14], 0xff);
    assert_int_equal(f->values.data[38].type, CLIF_F128);
    assert_int_equal(f->values.data[39].type, CLIF_I64);
    assert_int_equal(nth_inst(f, 29)->imm, 0xfc00);
    assert_int_equal(f->values.data[41].type, ty("i32x4"));

    d = nth_inst(f, 31);
    const block_call *bc = &f->block_calls.data[d->ent];
    assert_int_equal(bc[0].block, 1);
    assert_int_equal(bc[0].nargs, 1);
    assert_int_equal(bc[1].block, 2);
    assert_int_equal(bc[1].nargs, 0);
    assert_true(f->blocks.data[1].cold);
    assert_int_equal(f->values.data[51].kind, VK_ALIAS);
    assert_int_equal(f->values.data[51].owner, 50);
    assert_int_equal(f->values.data[51].type, CLIF_I32);
    d = nth_inst(f, 32);
    const jump_table_data *jt = &f->jump_tables.data[d->ent];
    assert_int_equal(jt->ncalls, 3);
    assert_int_equal(f->block_calls.data[jt->calls].block, 2);
    assert_int_equal(f->block_calls.data[jt->calls + 1].block, 1);
    assert_int_equal(f->block_calls.data[jt->calls + 2].block, 3);
    assert_int_equal(nth_inst(f, 34)->ent, 1);
    d = nth_inst(f, 35);
    assert_int_equal(d->opcode, CLIF_OP_TRY_CALL);
    assert_int_equal(d->imm, 0);
    const extable_data *et = &f->extables.data[d->ent];
    assert_int_equal(et->sig, 0);
    assert_int_equal(f->block_calls.data[et->normal].block, 4);
    const uint32_t *args = f->pool.data + f->block_calls.data[et->normal].args;
    assert_int_equal(args[0], CLIF_BLOCKARG_RET(1));
    assert_int_equal(args[1], CLIF_BLOCKARG_RET(0));
    assert_int_equal(et->nitems, 3);
    const extable_item *it = f->extable_items.data + et->items;
    assert_int_equal(it[0].kind, EXI_TAG);
    assert_int_equal(it[0].tag, 1);
    assert_int_equal(f->pool.data[f->block_calls.data[it[0].call].args], CLIF_BLOCKARG_EXN(0));
    assert_int_equal(it[1].kind, EXI_DEFAULT);
    assert_int_equal(it[2].kind, EXI_CONTEXT);
    assert_int_equal(it[2].call, 1);
    assert_int_equal(nth_inst(f, 37)->trap, CLIF_TRAP_HEAP_OUT_OF_BOUNDS);

    /* Unused value numbers stay unused. */
    assert_int_equal(f->values.data[5].kind, VK_UNUSED);
    assert_int_equal(f->values.data[3].kind, VK_PARAM);
    assert_int_equal(f->values.data[3].num, 3);
    assert_int_equal(f->blocks.data[4].srcline, 54);
    clif_test_file_free(tf);
}

static const char *const more_formats =
    "function %more(i64, i32x4, f64x2, i8x16) -> i64 tail {\n"
    "    dss0 = explicit_dynamic_slot dt0\n"
    "    gv0 = symbol tls %t\n"
    "    gv1 = dyn_scale_target_const.i32x4\n"
    "    dt0 = i32x4*gv1\n"
    "    sig0 = (i64) -> i64 tail\n"
    "\n"
    "block0(v0: i64, v1: i32x4, v2: f64x2, v3: i8x16):\n"
    "@0001    v4 = atomic_load.i64 v0\n"                      /* 0 */
    "    atomic_store little v4, v0\n"                        /* 1 */
    "    fence\n"                                             /* 2 */
    "    nop\n"                                               /* 3 */
    "    debugtrap\n"                                         /* 4 */
    "    sequence_point\n"                                    /* 5 */
    "    set_pinned_reg v0\n"                                 /* 6 */
    "    v5 = get_pinned_reg.i64\n"                           /* 7 */
    "    v6 = tls_value.i64 gv0\n"                            /* 8 */
    "    v7 = dynamic_stack_addr.i64 dss0\n"                  /* 9 */
    "    v8 = x86_pmaddubsw v3, v3\n"                         /* 10 */
    "    v9 = fvdemote v2\n"                                  /* 11 */
    "    v10 = uwiden_low v1\n"                               /* 12 */
    "    v11 = stack_switch v0, v0, v4\n"                     /* 13 */
    "    v12 = get_exception_handler_address.i64 block1, 0\n" /* 14 */
    "    v13 = sload16x4.i32x4 v0+2\n"                        /* 15 */
    "    v14 = iconst.i64 1\n"                                /* 16 */
    "    try_call_indirect v0(v14), sig0, block1(ret0), [ default: block2(exn0, exn1) ]\n"
    "\n"
    "block1(v20: i64):\n"
    "    return_call_indirect sig0, v0(v20)\n" /* 18 */
    "\n"
    "block2(v30: i64, v31: i64):\n"
    "    v32 = call_indirect sig0, v0(v30)\n" /* 19 */
    "    return v32\n"
    "}\n";

static void test_more_formats(void **state) {
    (void)state;
    clif_test_file *tf = parse_ok(more_formats);
    clif_func *f = fn0(tf);
    assert_int_equal(f->stack_slots.data[0].kind, CLIF_SS_EXPLICIT_DYNAMIC);
    assert_int_equal(nth_inst(f, 0)->opcode, CLIF_OP_ATOMIC_LOAD);
    assert_int_equal(nth_inst(f, 0)->srcline, 9);
    assert_int_equal(nth_inst(f, 1)->memflags, CLIF_MEM_LITTLE);
    assert_int_equal(nth_inst(f, 1)->ctrl, CLIF_I64);
    assert_int_equal(nth_inst(f, 5)->opcode, CLIF_OP_SEQUENCE_POINT);
    assert_int_equal(nth_inst(f, 7)->ctrl, CLIF_I64);
    assert_int_equal(nth_inst(f, 9)->ent, 0);
    assert_int_equal(f->values.data[8].type, ty("i16x8"));
    assert_int_equal(f->values.data[9].type, ty("f32x4"));
    assert_int_equal(f->values.data[10].type, ty("i64x2"));
    assert_int_equal(nth_inst(f, 13)->ctrl, CLIF_I64);
    assert_int_equal(nth_inst(f, 14)->ent, 1);
    assert_int_equal(nth_inst(f, 15)->offset, 2);
    const inst_data *d = nth_inst(f, 17);
    assert_int_equal(d->opcode, CLIF_OP_TRY_CALL_INDIRECT);
    assert_int_equal(d->nargs, 2);
    assert_int_equal(d->nresults, 0);
    assert_int_equal(f->extables.data[d->ent].nitems, 1);
    assert_int_equal(nth_inst(f, 18)->opcode, CLIF_OP_RETURN_CALL_INDIRECT);
    assert_int_equal(nth_inst(f, 19)->nresults, 1);
    clif_test_file_free(tf);
}

static void test_dynamic_vectors(void **state) {
    (void)state;
    clif_test_file *tf = parse_ok("function %d(i32) -> i32x4 {\n"
                                  "    gv0 = dyn_scale_target_const.i32x4\n"
                                  "    dt0 = i32x4*gv0\n"
                                  "block0(v0: i32):\n"
                                  "    v1 = splat.dt0 v0\n"
                                  "    v2 = iadd v1, v1\n"
                                  "    v3 = extract_vector v2, 0\n"
                                  "    return v3\n"
                                  "}\n");
    clif_func *f = fn0(tf);
    assert_int_equal(f->values.data[1].type, ty("i32x4xN"));
    assert_int_equal(f->values.data[2].type, ty("i32x4xN"));
    assert_int_equal(f->values.data[3].type, ty("i32x4"));
    clif_test_file_free(tf);
}

/* ---- literals ---- */

static uint64_t const_f(const char *type, const char *lit) {
    char text[256];
    snprintf(text, sizeof text, "function %%f() {\nblock0:\n    v0 = %sconst %s\n    return\n}\n",
             type, lit);
    clif_test_file *tf = parse_ok(text);
    uint64_t bits = nth_inst(fn0(tf), 0)->imm;
    clif_test_file_free(tf);
    return bits;
}

static void test_float_literals(void **state) {
    (void)state;
    assert_int_equal(const_f("f32", "0.0"), 0);
    assert_int_equal(const_f("f32", "-0.0"), 0x80000000);
    assert_int_equal(const_f("f32", "0x1.0p0"), 0x3f800000);
    assert_int_equal(const_f("f32", "0x1.fffffep127"), 0x7f7fffff);
    assert_int_equal(const_f("f32", "0x0.000002p-126"), 1);
    assert_int_equal(const_f("f32", "+Inf"), 0x7f800000);
    assert_int_equal(const_f("f32", "-Inf"), 0xff800000);
    assert_int_equal(const_f("f32", "NaN"), 0x7fc00000);
    assert_int_equal(const_f("f32", "-NaN"), 0xffc00000);
    assert_int_equal(const_f("f32", "+NaN:0x1"), 0x7fc00001);
    assert_int_equal(const_f("f32", "-sNaN:0x1"), 0xff800001);
    assert_int_equal(const_f("f64", "0x1.8p1"), 0x4008000000000000ull);
    assert_int_equal(const_f("f64", "0x10.0"), 0x4030000000000000ull);
    assert_int_equal(const_f("f64", "+sNaN:0x4000000000001"), 0x7ff4000000000001ull);
    assert_int_equal(const_f("f16", "0x1.000p0"), 0x3c00);
    assert_int_equal(const_f("f16", "0x1.ffcp15"), 0x7bff);
    assert_int_equal(const_f("f16", "0x0.004p-14"), 1);
    assert_int_equal(const_f("f16", "+NaN:0x101"), 0x7f01);

    parse_err("function %f() {\nblock0:\n    v0 = f32const 1.5\n}\n", 3, 19,
              "Float must be hexadecimal");
    parse_err("function %f() {\nblock0:\n    v0 = f32const 0x1.0p128\n}\n", 3, 19,
              "Magnitude too large");
    parse_err("function %f() {\nblock0:\n    v0 = f32const 0x1.000001p0\n}\n", 3, 19,
              "Too many significant bits");
    parse_err("function %f() {\nblock0:\n    v0 = f32const 0x1p0\n}\n", 3, 19,
              "expected immediate 32-bit float operand");
    parse_err("function %f() {\nblock0:\n    v0 = f32const sNaN:0x0\n}\n", 3, 19,
              "Invalid sNaN payload");
}

static uint64_t iconst(const char *type, const char *lit) {
    char text[256];
    snprintf(text, sizeof text, "function %%f() {\nblock0:\n    v0 = iconst.%s %s\n    return\n}\n",
             type, lit);
    clif_test_file *tf = parse_ok(text);
    uint64_t bits = nth_inst(fn0(tf), 0)->imm;
    clif_test_file_free(tf);
    return bits;
}

static void test_integer_literals(void **state) {
    (void)state;
    assert_int_equal(iconst("i8", "255"), 255);
    assert_int_equal(iconst("i8", "-128"), 0x80);
    assert_int_equal(iconst("i8", "0xf_f"), 0xff);
    assert_int_equal(iconst("i16", "-1"), 0xffff);
    assert_int_equal(iconst("i32", "0xFFFF_FFFF"), 0xffffffff);
    assert_int_equal(iconst("i32", "-2147483648"), 0x80000000);
    assert_int_equal(iconst("i64", "-1"), UINT64_MAX);
    assert_int_equal(iconst("i64", "1_000"), 1000);
    assert_int_equal(iconst("i64", "18446744073709551615"), UINT64_MAX);
    assert_int_equal(iconst("i64", "-0x8000_0000_0000_0000"), 0x8000000000000000ull);

    parse_err("function %f() {\nblock0:\n    v0 = iconst.i8 256\n}\n", 3, 20,
              "expected decimal immediate");
    parse_err("function %f() {\nblock0:\n    v0 = iconst.i8 -129\n}\n", 3, 20,
              "negative number too small");
    parse_err("function %f() {\nblock0:\n    v0 = iconst.i8 -256\n}\n", 3, 20,
              "expected decimal immediate");
    parse_err("function %f() {\nblock0:\n    v0 = iconst.i8 -0x81\n}\n", 3, 20,
              "negative number too small");
    parse_err("function %f() {\nblock0:\n    v0 = iconst.i64 18446744073709551616\n}\n", 3, 21,
              "Too large decimal number");
    parse_err("function %f() {\nblock0:\n    v0 = iconst.i128 0\n}\n", 3, 22,
              "expected one of the following type: i8, i16, i32 or i64");
    parse_err("function %f() {\nblock0:\n    v0 = iconst 0\n}\n", 3, 17,
              "expected one of the following type");
}

/* ---- run commands ---- */

static void test_run_commands(void **state) {
    (void)state;
    clif_test_file *tf = parse_ok(
        "test run\n"
        "function %a(i32, i8) -> i32 {\n"
        "block0(v0: i32, v1: i8):\n"
        "    return v0\n"
        "}\n"
        "; run: %a(1, -1) == 1\n"
        "; run: %a(0xffff_ffff, 255) != -1\n"
        ";; run: %a(2, 3) == 2 ; trailing\n"
        "; not a run command\n"
        "\n"
        "function %b(i32x4, i64x2, f32) -> i64, f64 {\n"
        "block0(v0: i32x4, v1: i64x2, v2: f32):\n"
        "    v3 = iconst.i64 0\n"
        "    v4 = f64const 0.0\n"
        "    return v3, v4\n"
        "}\n"
        "; run: %b([1 2 3 -1], 0x00000000000000020000000000000001, -0x1.8p1) == [7, +NaN]\n"
        "; print: %b([0 0 0 0], [5 6], 0.0)\n"
        "function %c() -> i8 {\n"
        "block0:\n"
        "    ; run\n"
        "    v0 = iconst.i8 1\n"
        "    return v0\n"
        "}\n"
        "; print\n"
        "function %d(i16x2, i128) -> i128 {\n"
        "block0(v0: i16x2, v1: i128):\n"
        "    return v1\n"
        "}\n"
        "; run: %d([0xBEEF -1], 0x10000000000000000000000000000000) == -1\n");
    assert_int_equal(tf->nfunctions, 4);

    clif_test_function *a = &tf->functions[0];
    assert_int_equal(a->nruns, 3);
    assert_int_equal(a->runs[0].line, 6);
    assert_int_equal(a->runs[0].kind, CLIF_RUN);
    assert_int_equal(a->runs[0].cmp, CLIF_CMP_EQ);
    assert_string_equal(a->runs[0].func_name, "a");
    assert_int_equal(a->runs[0].nargs, 2);
    assert_int_equal(a->runs[0].args[0].type, CLIF_I32);
    assert_int_equal(dv_u64(&a->runs[0].args[0]), 1);
    assert_int_equal(a->runs[0].args[1].type, CLIF_I8);
    assert_int_equal(dv_u64(&a->runs[0].args[1]), 0xff);
    assert_int_equal(a->runs[0].nexpected, 1);
    assert_int_equal(dv_u64(&a->runs[0].expected[0]), 1);
    assert_int_equal(a->runs[1].cmp, CLIF_CMP_NE);
    assert_int_equal(dv_u64(&a->runs[1].args[0]), 0xffffffff);
    assert_int_equal(dv_u64(&a->runs[1].expected[0]), 0xffffffff);
    assert_int_equal(a->runs[2].line, 8);

    clif_test_function *b = &tf->functions[1];
    assert_int_equal(b->nruns, 2);
    const clif_run_command *r = &b->runs[0];
    assert_int_equal(r->args[0].type, ty("i32x4"));
    assert_int_equal(r->args[0].bytes[4], 2);
    assert_int_equal(r->args[0].bytes[15], 0xff);
    assert_int_equal(r->args[1].bytes[0], 1);
    assert_int_equal(r->args[1].bytes[8], 2);
    assert_int_equal(dv_u64(&r->args[2]), 0xc0400000);
    assert_int_equal(r->nexpected, 2);
    assert_int_equal(dv_u64(&r->expected[0]), 7);
    assert_int_equal(dv_u64(&r->expected[1]), 0x7ff8000000000000ull);
    assert_int_equal(b->runs[1].kind, CLIF_PRINT);
    assert_int_equal(b->runs[1].nargs, 3);
    assert_int_equal(b->runs[1].nexpected, 0);

    clif_test_function *c = &tf->functions[2];
    assert_int_equal(c->nruns, 2);
    assert_int_equal(c->runs[0].kind, CLIF_RUN);
    assert_int_equal(c->runs[0].cmp, CLIF_CMP_NONE);
    assert_null(c->runs[0].func_name);
    assert_int_equal(c->runs[1].kind, CLIF_PRINT);

    clif_test_function *d = &tf->functions[3];
    assert_int_equal(d->runs[0].args[0].bytes[0], 0xef);
    assert_int_equal(d->runs[0].args[0].bytes[3], 0xff);
    assert_int_equal(d->runs[0].args[1].bytes[15], 0x10);
    assert_int_equal(d->runs[0].expected[0].bytes[15], 0xff);

    /* Every comment is kept, with its line and without the ';'. */
    assert_int_equal(tf->ncomments, 9);
    assert_string_equal(tf->comments[2].text, "; run: %a(2, 3) == 2 ; trailing");
    assert_int_equal(tf->comments[3].line, 9);
    assert_string_equal(tf->comments[3].text, "not a run command");
    clif_test_file_free(tf);

    /* The public entry point for one command. */
    clif_abi_param p32 = {CLIF_I32, 0, 0, 0};
    clif_signature sig = {&p32, 1, &p32, 1, CLIF_CC_FAST};
    clif_location loc = {"x.clif", 4, 1};
    clif_run_command rc;
    assert_null(clif_parse_run_command("; run: %f(7) == 8", 17, &sig, loc, &rc));
    assert_int_equal(dv_u64(&rc.args[0]), 7);
    assert_int_equal(dv_u64(&rc.expected[0]), 8);
    clif_run_command_free(&rc);
    clif_error *e = clif_parse_run_command("; run: %f(7, 8) == 8", 20, &sig, loc, &rc);
    assert_non_null(e);
    assert_int_equal(clif_error_location(e).line, 4);
    assert_int_equal(clif_error_location(e).column, 12);
    assert_string_equal(clif_error_message(e), "expected invocation parentheses, e.g. %fn(...)");
    clif_error_free(e);
}

/* ---- errors ---- */

static void test_errors(void **state) {
    (void)state;
    parse_err("function %f() {\nblock0:\n    v1 = iadd v0, v0\n    return\n}\n", 3, 10,
              "can't infer from v0 which is not yet defined");
    parse_err("function %f(i32) {\nblock0(v0: i32):\n    v1 = iadd v0, v9\n    return\n}\n", 3, 19,
              "undefined operand value v9");
    parse_err("function %f() {\nblock0:\n    v1 = frobnicate v0\n}\n", 3, 10,
              "Unknown opcode: 'frobnicate'");
    parse_err("function %f() {\nblock0:\n    v0 = iconst.i32 1\n    v0 = iconst.i32 2\n}\n", 4, 5,
              "duplicate entity: v0");
    parse_err("function %f() {\nblock0:\nblock0:\n}\n", 3, 1, "duplicate entity: block0");
    parse_err("function %f() {\n    ss0 = explicit_slot 8\n    ss0 = explicit_slot 8\n}\n", 3, 5,
              "duplicate entity: ss0");
    char big[8192];
    snprintf(big, sizeof big, ";%07000d\nfunction %%f() {\nblock100000:\n}\n", 0);
    parse_err(big, 3, 1, "too many blocks");
    parse_err("function %f() {\nblock0:\n    v0 = stack_addr.i64 ss2\n}\n", 3, 25,
              "undefined stack slot ss2");
    parse_err("function %f() {\nblock0:\n    call fn1()\n}\n", 3, 10, "undefined function fn1");
    parse_err("function %f() {\nblock0:\n    v0 = iadd.f32 v1, v1\n}\n", 3, 10,
              "f32 is not a valid typevar for iadd");
    parse_err("function %f() {\nblock0:\n    return.i32\n}\n", 3, 5,
              "return does not take a typevar");
    parse_err("function %f() {\nblock0:\n    v1 = load v0\n}\n", 3, 10,
              "type variable required for polymorphic opcode, e.g. 'load.i32'");
    parse_err("function %f() {\nblock0:\n    v0, v1 = iconst.i32 1\n}\n", 3, 5,
              "instruction produces 1 result values, 2 given");
    parse_err("function %f() {\nblock0:\n    v0 = iconst.i32 1 $\n}\n", 3, 23,
              "invalid character '$'");
    parse_err("function %f() {\nblock0:\n    v1 -> v0\n}\n", 3, 11, "value v0 is not yet defined");
    parse_err("function %f() notacc {\n}\n", 1, 15, "unknown calling convention: notacc");
    parse_err("function %f() -> void {\n}\n", 1, 18, "expected parameter type");
    parse_err("function %f(i8 -> i8 {\n}\n", 1, 16, "expected ')' after function arguments");
    parse_err("function %f() {\nblock0:\n    v0 = load.i32 little big v1\n}\n", 3, 26,
              "cannot set both big and little endian bits");
    parse_err("function %f() {\n    gv0 = load.i64 gv1\n}\n", 2, 11,
              "global-value load must be notrap and aligned");
    parse_err("function %f() {\n    ss0 = explicit_slot 8, align = 3\n}\n", 2, 36,
              "stack slot alignment is not a power of two");
    parse_err("function %f() {\n    const0 = 0x123\n}\n", 2, 14, "even number of digits");
    parse_err("function %f() {\nblock0:\n    v0 = vconst.i32x4 [1 2 3]\n}\n", 3, 29,
              "Expected a 32-bit integer");
    parse_err(
        "function %f() {\nblock0:\n    v0 = vconst.i32x4 0x1122334455667788112233445566778899\n}\n",
        3, 23, "too many digits");
    parse_err("test run\nset opt_level=speed\ntarget x86_64\nset opt_level=none\n", 4, 1,
              "dangling 'set' command");
    parse_err("test run\nfunction %f() -> i32 {\nblock0:\n    v0 = iconst.i32 0\n    return v0\n}\n"
              "; run: %f() == 1.0\n",
              7, 16, "expected an i32");
    parse_err("function %f(i32) -> i32 {\nblock0(v0: i32):\n    return v0\n}\n; run\n", 5, 3,
              "unable to parse the run command");
    parse_err("function %f() {\nblock0:\n    v0 = iconst.i32 0\n", 4, 1, "expected block header");
    parse_err("function %f() {\nblock0:\n    v0 = iconst.i32 0\n}\nfoo\n", 5, 1,
              "expected 'function'");
    parse_err("function %f() {\nblock0:\n    jump block1(v0\n}\n", 4, 1,
              "expected ')' after arguments");
    parse_err("function %f() {\nblock0:\n    br_table v0, block1, block2\n}\n", 3, 26,
              "expected '[' before jump table contents");
    parse_err("function %f() {\n    gv0 = vmctx\n    gv1 = frob\n}\n", 3, 11,
              "Unknown global value kind 'frob'");
    parse_err("function %f() {\nblock0:\n  v0 = iconst.i32 0 ; ok\n  \"unterminated\n}\n", 4, 3,
              "unterminated string");
}

/* ---- limits ---- */

static void test_limits(void **state) {
    (void)state;
    /* Numbers far beyond the input size are rejected before anything grows. */
    parse_err("function %f() {\nblock0:\n    v999999999 = iconst.i32 0\n}\n", 3, 5,
              "entity number too large: 'v999999999'");
    parse_err("function %f() {\nblock0:\n    v99999999999999 = iconst.i32 0\n}\n", 3, 5,
              "entity number too large");
    parse_err("function %f() {\n    ss88888888 = explicit_slot 8\n}\n", 2, 5,
              "entity number too large");
    parse_err("function %f() {\nblock0:\n    jump block300000000\n}\n", 3, 10,
              "entity number too large");
    /* A number allowed on its own still counts against the whole input. */
    char text[8192];
    size_t n = (size_t)snprintf(text, sizeof text, ";%03000d\n", 0);
    for (int i = 0; i < 40; i++)
        n += (size_t)snprintf(text + n, sizeof text - n,
                              "function %%f%d() {\nblock0:\n    v60000 = iconst.i32 0\n    "
                              "return\n}\n",
                              i);
    clif_test_file *tf = NULL;
    clif_error *e = clif_parse_test_file(text, n, "t.clif", &tf);
    assert_non_null(e);
    assert_non_null(strstr(clif_error_message(e), "too large for the size of the input"));
    clif_error_free(e);
    assert_null(tf);

    /* Blocks that can never be defined are not made to exist. */
    char big[8192];
    snprintf(big, sizeof big, ";%07000d\nfunction %%f() {\nblock0:\n    jump block100000\n}\n", 0);
    parse_err(big, 4, 10, "too many blocks");

    /* Settings: a bounded number of names, and copies per target bounded by the input. */
    size_t cap = 200000, len = 0;
    char *s = malloc(cap);
    len += (size_t)snprintf(s + len, cap - len, "set");
    for (int i = 0; i < 300; i++)
        len += (size_t)snprintf(s + len, cap - len, " s%d", i);
    len += (size_t)snprintf(s + len, cap - len, "\n");
    e = clif_parse_test_file(s, len, "t.clif", &tf);
    assert_non_null(e);
    assert_non_null(strstr(clif_error_message(e), "too many distinct settings"));
    clif_error_free(e);
    len = (size_t)snprintf(s, cap, "set");
    for (int i = 0; i < 250; i++)
        len += (size_t)snprintf(s + len, cap - len, " s%d", i);
    len += (size_t)snprintf(s + len, cap - len, "\n");
    while (len + 16 < cap)
        len += (size_t)snprintf(s + len, cap - len, "target x\n");
    e = clif_parse_test_file(s, len, "t.clif", &tf);
    assert_non_null(e);
    assert_non_null(strstr(clif_error_message(e), "too many settings in force across targets"));
    clif_error_free(e);
    free(s);
}

/* ---- big inputs ---- */

static char *build_text(size_t cap, size_t *len) {
    char *s = malloc(cap);
    assert_non_null(s);
    *len = 0;
    return s;
}

#define APPEND(s, len, cap, ...)                                                                   \
    ((len) += (size_t)snprintf((s) + (len), (cap) - (len), __VA_ARGS__))

static void test_chained_blocks(void **state) {
    (void)state;
    const uint32_t n = 100000;
    size_t cap = (size_t)n * 80 + 256, len;
    char *s = build_text(cap, &len);
    APPEND(s, len, cap, "function %%chain(i32) -> i32 {\n");
    for (uint32_t k = 0; k + 1 < n; k++) {
        /* Each block either jumps onward or branches into the next two. */
        if (k % 2)
            APPEND(s, len, cap, "block%u(v%u: i32):\n    jump block%u(v%u)\n", k, k, k + 1, k);
        else
            APPEND(s, len, cap, "block%u(v%u: i32):\n    brif v%u, block%u(v%u), block%u(v%u)\n", k,
                   k, k, k + 1, k, k + 1 < n - 1 ? k + 2 : k + 1, k);
    }
    APPEND(s, len, cap, "block%u(v%u: i32):\n    return v%u\n}\n", n - 1, n - 1, n - 1);
    clif_test_file *tf = NULL;
    clif_error *e = clif_parse_test_file(s, len, "chain.clif", &tf);
    assert_null(e);
    clif_func *f = fn0(tf);
    assert_int_equal(clif_func_num_blocks(f), n);
    assert_int_equal(clif_func_num_insts(f), n);
    uint32_t count = 0;
    for (clif_block b = clif_first_block(f); b != CLIF_NONE; b = clif_next_block(f, b))
        count++;
    assert_int_equal(count, n);
    clif_test_file_free(tf);
    free(s);
}

static void test_million_instructions(void **state) {
    (void)state;
    const uint32_t n = 1000000;
    size_t cap = (size_t)n * 40 + 256, len;
    char *s = build_text(cap, &len);
    APPEND(s, len, cap, "function %%big(i64) -> i64 {\nblock0(v0: i64):\n");
    for (uint32_t k = 1; k < n; k++)
        APPEND(s, len, cap, "    v%u = iadd v%u, v0\n", k, k - 1);
    APPEND(s, len, cap, "    return v%u\n}\n", n - 1);
    clif_test_file *tf = NULL;
    clif_error *e = clif_parse_test_file(s, len, "big.clif", &tf);
    assert_null(e);
    clif_func *f = fn0(tf);
    assert_int_equal(clif_func_num_insts(f), n);
    assert_int_equal(f->values.data[n - 1].type, CLIF_I64);
    assert_int_equal(f->insts.data[n - 1].srcline, n + 2);
    clif_test_file_free(tf);
    free(s);
}

/* ---- hostile input ---- */

static void test_mutations(void **state) {
    (void)state;
    /* Deterministic byte mutations of a valid file: every result is a clean
     * success or a located error (run under sanitizers, nothing leaks). */
    size_t len = strlen(all_formats);
    char *buf = malloc(len + 1);
    uint32_t seed = 12345;
    const char alphabet[] = "v0123456789 ,.:=()[]{}-+>;%!x_\nblockssgvfnsigconst";
    for (int round = 0; round < 4000; round++) {
        memcpy(buf, all_formats, len + 1);
        for (int k = 0; k < 1 + round % 4; k++) {
            seed = seed * 1103515245u + 12345u;
            size_t at = (seed >> 8) % len;
            seed = seed * 1103515245u + 12345u;
            buf[at] = alphabet[(seed >> 8) % (sizeof alphabet - 1)];
        }
        clif_test_file *tf = NULL;
        clif_error *e = clif_parse_test_file(buf, len, "m.clif", &tf);
        if (e) {
            assert_null(tf);
            assert_true(clif_error_location(e).line >= 1);
            clif_error_free(e);
        } else {
            clif_test_file_free(tf);
        }
    }
    /* Truncations at every length. */
    for (size_t cut = 0; cut < len; cut += 7) {
        clif_test_file *tf = NULL;
        clif_error *e = clif_parse_test_file(all_formats, cut, "m.clif", &tf);
        if (e) clif_error_free(e);
        clif_test_file_free(tf);
    }
    free(buf);
    /* NUL bytes and non-ASCII bytes are invalid characters, not terminators. */
    const char nul[] = "function %f() {\nblock0:\n    return\x00\n}\n";
    clif_test_file *tf = NULL;
    clif_error *e = clif_parse_test_file(nul, sizeof nul - 1, "n.clif", &tf);
    assert_non_null(e);
    assert_non_null(strstr(clif_error_message(e), "invalid character byte 0x00"));
    clif_error_free(e);
}

/* ---- the runtests ---- */

/* Text -> IR -> text -> IR -> text: both texts must be identical. Returns
 * false (after printing both) when they differ or the printed text does not
 * parse. */
static bool round_trips(const clif_func *f, const char *where) {
    char *t1 = clif_func_to_string(f);
    clif_test_file *tf2 = NULL;
    clif_error *e = clif_parse_test_file(t1, strlen(t1), "printed.clif", &tf2);
    if (e) {
        char buf[512];
        printf("ROUND TRIP %s: printed text does not parse: %s\n%s", where,
               clif_error_format(e, buf, sizeof buf), t1);
        clif_error_free(e);
        free(t1);
        return false;
    }
    char *t2 = clif_func_to_string(tf2->functions[0].func);
    bool same = tf2->nfunctions == 1 && strcmp(t1, t2) == 0;
    if (!same) printf("ROUND TRIP %s: texts differ\n--- first\n%s--- second\n%s", where, t1, t2);
    free(t1);
    free(t2);
    clif_test_file_free(tf2);
    return same;
}

static void test_round_trip(void **state) {
    (void)state;
    clif_test_file *tf = parse_ok(all_formats);
    assert_true(round_trips(fn0(tf), "all_formats"));
    clif_test_file_free(tf);
    tf = parse_ok(more_formats);
    assert_true(round_trips(fn0(tf), "more_formats"));
    clif_test_file_free(tf);
}

static void test_runtests(void **state) {
    (void)state;
    const char *dir = rt_runtests_dir("not parsed");
    if (!dir) skip(); /* reported as skipped, not passed */
    rt_paths files;
    rt_collect_clif(dir, &files);
    uint32_t n = files.n, ok = 0;
    uint64_t funcs = 0, runs = 0, trips = 0;
    for (uint32_t i = 0; i < n; i++) {
        const char *path = files.paths[i];
        size_t len = 0;
        char *text = rt_read_file(path, &len);
        assert_non_null(text);
        clif_test_file *tf = NULL;
        clif_error *e = clif_parse_test_file(text, len, path, &tf);
        if (e) {
            char buf[512];
            printf("FAIL %s\n", clif_error_format(e, buf, sizeof buf));
            clif_error_free(e);
        } else {
            ok++;
            funcs += tf->nfunctions;
            for (uint32_t k = 0; k < tf->nfunctions; k++) {
                runs += tf->functions[k].nruns;
                trips += round_trips(tf->functions[k].func, path);
            }
            clif_test_file_free(tf);
        }
        free(text);
    }
    rt_paths_free(&files);
    printf("runtests: %u of %u files parse (%llu functions, %llu run commands); "
           "%llu functions round-trip through the writer\n",
           ok, n, (unsigned long long)funcs, (unsigned long long)runs, (unsigned long long)trips);
    assert_true(n > 0);
    assert_int_equal(ok, n);
    assert_int_equal(trips, funcs);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header),
        cmocka_unit_test(test_preamble),
        cmocka_unit_test(test_instruction_formats),
        cmocka_unit_test(test_more_formats),
        cmocka_unit_test(test_dynamic_vectors),
        cmocka_unit_test(test_float_literals),
        cmocka_unit_test(test_integer_literals),
        cmocka_unit_test(test_run_commands),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_chained_blocks),
        cmocka_unit_test(test_million_instructions),
        cmocka_unit_test(test_mutations),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_runtests),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
