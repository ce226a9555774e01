/* Unit tests: the x86-64 encoder. Every form of the table is encoded with
 * representative operands (all register numbers, rsp/rbp/r12/r13 bases, SIB
 * forms, RIP-relative labels and constants, immediates at their limits), the
 * bytes are disassembled by objdump, and each decoded instruction must equal
 * the printer's text for the form, with the encoded length. Known encodings
 * are also checked byte for byte. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "isa/x64/inst.h"

/* ---- objdump ---------------------------------------------------------- */

static const char *find_objdump(void) {
    static char path[512];
    const char *env = getenv("OBJDUMP");
    if (env && *env) return env;
    const char *names[] = {"objdump", "x86_64-linux-gnu-objdump"};
    const char *p = getenv("PATH");
    if (!p) p = "/usr/bin:/bin";
    for (size_t n = 0; n < 2; n++) {
        const char *s = p;
        while (*s) {
            const char *e = strchr(s, ':');
            size_t len = e ? (size_t)(e - s) : strlen(s);
            snprintf(path, sizeof path, "%.*s/%s", (int)len, s, names[n]);
            if (access(path, X_OK) == 0) return path;
            if (!e) break;
            s = e + 1;
        }
    }
    return NULL;
}

/* One decoded line: offset, length in bytes, normalized text. */
typedef struct dline {
    uint32_t off, len;
    char text[160];
} dline;

/* Disassembles `code` with objdump; returns the number of lines in *out. */
static uint32_t disassemble(const uint8_t *code, uint32_t n, dline **out) {
    const char *objdump = find_objdump();
    if (!objdump)
        fail_msg("objdump not found in PATH (install binutils, or set OBJDUMP to its path)");
    char bin[] = "/tmp/x64encXXXXXX";
    int fd = mkstemp(bin);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, code, n), (ssize_t)n);
    close(fd);
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "'%s' -D -b binary -m i386:x86-64 -M intel --insn-width=16 '%s' 2>&1",
             objdump, bin);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    uint32_t cap = 1024, len = 0;
    dline *lines = malloc(cap * sizeof *lines);
    char buf[512];
    while (fgets(buf, sizeof buf, p)) {
        /* "  1f:\t8b 04 25 00 10 00 00 \tmov    eax,DWORD PTR ds:0x1000" */
        char *colon = strchr(buf, ':');
        char *tab1 = strchr(buf, '\t');
        if (!colon || !tab1 || colon > tab1) continue;
        char *tab2 = strchr(tab1 + 1, '\t');
        if (!tab2) continue;
        char *end;
        unsigned long off = strtoul(buf, &end, 16);
        if (end != colon) continue;
        uint32_t nbytes = 0;
        for (char *c = tab1 + 1; c < tab2; c++)
            if (c[0] != ' ' && (c[1] == ' ' || c + 1 == tab2)) nbytes++;
        if (len == cap) lines = realloc(lines, (cap *= 2) * sizeof *lines);
        dline *d = &lines[len++];
        d->off = (uint32_t)off;
        d->len = nbytes;
        /* Drop the comment; squeeze white space. */
        char *hash = strchr(tab2 + 1, '#');
        if (hash) *hash = 0;
        uint32_t k = 0;
        bool space = false;
        for (char *c = tab2 + 1; *c && k + 1 < sizeof d->text; c++) {
            if (*c == ' ' || *c == '\t' || *c == '\n') {
                space = k > 0;
                continue;
            }
            if (space) d->text[k++] = ' ';
            space = false;
            d->text[k++] = *c;
        }
        d->text[k] = 0;
    }
    int rc = pclose(p);
    unlink(bin);
    if (rc != 0) fail_msg("objdump failed (status %d)", rc);
    *out = lines;
    return len;
}

/* ---- operand pools -------------------------------------------------------- */

static const uint8_t gprs[16] = {X64_RAX, X64_R8,  X64_RSI, X64_R15, X64_RSP, X64_R13,
                                 X64_RDI, X64_RBX, X64_R12, X64_RBP, X64_RCX, X64_R9,
                                 X64_RDX, X64_R14, X64_R10, X64_R11};
static const uint8_t xmms[16] = {0, 8, 15, 7, 3, 12, 1, 9, 4, 13, 2, 10, 5, 14, 6, 11};

/* Memory operands. Label 0 is a constant in the pool, label 1 a code label
 * bound at the instruction itself (filled in per instruction). */
enum { MEM_RIP_CONST = 100, MEM_RIP_CODE };
typedef struct memspec {
    uint8_t base, index, shift;
    int32_t disp;
} memspec;
static const memspec mems[] = {
    {X64_RAX, X64_NOREG, 0, 0},
    {X64_R12, X64_NOREG, 0, 0},
    {X64_RSP, X64_NOREG, 0, 8},
    {X64_RBP, X64_NOREG, 0, 0},
    {X64_R13, X64_NOREG, 0, 0},
    {X64_RBX, X64_RCX, 2, 0x10},
    {X64_R8, X64_R15, 3, -0x80},
    {X64_RSP, X64_R12, 1, 0x12345},
    {X64_RBP, X64_RAX, 0, 0},
    {X64_R13, X64_R9, 0, 0},
    {X64_NOREG, X64_RCX, 3, 0x20},
    {X64_NOREG, X64_R11, 0, -4},
    {X64_R11, X64_NOREG, 0, 0x7f},
    {X64_R11, X64_NOREG, 0, 0x80},
    {X64_R11, X64_NOREG, 0, -0x80},
    {X64_R11, X64_NOREG, 0, -0x81},
    {X64_RDI, X64_NOREG, 0, INT32_MIN},
    {X64_R12, X64_R13, 0, 0},
    {X64_RSI, X64_R12, 2, INT32_MAX},
    {X64_R15, X64_RBP, 1, 1},
    {X64_RDX, X64_NOREG, 0, 0x7f0},
    {X64_RDX, X64_R8, 0, -0x800},
    {X64_R9, X64_NOREG, 0, 0x800},
    {X64_R10, X64_NOREG, 0, 0x40},
    {MEM_RIP_CONST, 0, 0, 0},
    {MEM_RIP_CONST, 0, 0, 8},
    {MEM_RIP_CODE, 0, 0, 0},
};
#define NMEMS    (sizeof mems / sizeof mems[0])
#define NREGVARS 8

static const int64_t imm8s[] = {0, 1, 0x7f, -0x80, -1, 0x12};
static const int64_t imm16s[] = {0x1234, -1, 0x7fff, -0x8000, 0, 0xfffe};
static const int64_t imm32s[] = {0x12345678, -1, INT32_MAX, INT32_MIN, 0x80, 0};
static const int64_t imm64s[] = {0x123456789abcdef0, -1, INT64_MIN, INT64_MAX, 0, 0xdeadbeef};
static const int64_t u8s[] = {0, 1, 5, 0x3f, 0x80, 0xff, 7, 8};
static const int64_t u16s[] = {0, 8, 0xffff, 0x1234};
#define PICK(arr, v) (arr)[(v) % (sizeof(arr) / sizeof(arr)[0])]

static bool is_mem_capable(uint8_t t) {
    switch (t) {
    case X64_T_RM8:
    case X64_T_RM16:
    case X64_T_RM32:
    case X64_T_RM64:
    case X64_T_M:
    case X64_T_M8:
    case X64_T_M16:
    case X64_T_M32:
    case X64_T_M64:
    case X64_T_MO:
    case X64_T_XM8:
    case X64_T_XM16:
    case X64_T_XM32:
    case X64_T_XM64:
    case X64_T_XM128:
    case X64_T_R32M8:
    case X64_T_R32M16: return true;
    default: return false;
    }
}
static bool is_mem_only(uint8_t t) {
    return t == X64_T_M || t == X64_T_M8 || t == X64_T_M16 || t == X64_T_M32 || t == X64_T_M64 ||
           t == X64_T_MO;
}

static uint32_t num_variants(const x64_form_info *f) {
    uint32_t n = 8;
    for (int i = 0; i < 4; i++) {
        if (is_mem_only(f->types[i]))
            n = NMEMS;
        else if (is_mem_capable(f->types[i]))
            n = NREGVARS + NMEMS;
    }
    if ((f->flags & X64_F_CC) && n < 16) n = 16;
    return n;
}

typedef struct ctx {
    mc_buffer b;
    mc_label const_label, far_label;
} ctx;

/* Operand i of variant v. `self` is a label bound at the instruction. */
static x64_operand make_operand(ctx *c, const x64_form_info *f, int i, uint32_t v, mc_label self,
                                mc_label *after) {
    uint8_t t = f->types[i];
    if (is_mem_capable(t) && (is_mem_only(t) || v >= NREGVARS)) {
        const memspec *m = &mems[(is_mem_only(t) ? v : v - NREGVARS) % NMEMS];
        if (m->base == MEM_RIP_CONST) return x64_mem_label(c->const_label, m->disp);
        if (m->base == MEM_RIP_CODE) return x64_mem_label(self, m->disp);
        return x64_mem(m->base, m->index, m->shift, m->disp);
    }
    uint32_t k = v + 5 * (uint32_t)i;
    switch (t) {
    case X64_T_R8:
    case X64_T_R16:
    case X64_T_R32:
    case X64_T_R64:
    case X64_T_RM8:
    case X64_T_RM16:
    case X64_T_RM32:
    case X64_T_RM64:
    case X64_T_R32M8:
    case X64_T_R32M16: return x64_reg(gprs[k % 16]);
    case X64_T_X:
    case X64_T_XM8:
    case X64_T_XM16:
    case X64_T_XM32:
    case X64_T_XM64:
    case X64_T_XM128: return x64_reg((uint8_t)(X64_XMM0 + xmms[k % 16]));
    case X64_T_I8: {
        int64_t x = PICK(imm8s, v);
        return x64_imm(x);
    }
    case X64_T_I16: return x64_imm(PICK(imm16s, v));
    case X64_T_I32: return x64_imm(PICK(imm32s, v));
    case X64_T_I64: return x64_imm(PICK(imm64s, v));
    case X64_T_U8: return x64_imm(PICK(u8s, v));
    case X64_T_U16: return x64_imm(PICK(u16s, v));
    case X64_T_REL8:
        if (v % 2 == 0) return x64_label(self);
        *after = mcb_new_label(&c->b); /* bound right after the instruction */
        return x64_label(*after);
    case X64_T_REL32:
        if (v % 3 == 0) return x64_label(self);
        if (v % 3 == 1) return x64_label(c->far_label);
        *after = mcb_new_label(&c->b);
        return x64_label(*after);
    default: return (x64_operand){.kind = X64_OP_NONE};
    }
}

typedef struct emitted {
    x64_inst in;
    uint32_t start, end;
} emitted;

static void test_all_forms_against_objdump(void **state) {
    (void)state;
    ctx c;
    mcb_init(&c.b, x64_patch);
    uint8_t pool[32];
    for (int i = 0; i < 32; i++)
        pool[i] = (uint8_t)i;
    c.const_label = mcb_add_constant(&c.b, pool, 32, 16);
    c.far_label = mcb_new_label(&c.b);
    uint32_t cap = 1 << 14, n = 0;
    emitted *list = malloc(cap * sizeof *list);
    char msg[200];
    uint32_t forms_done = 0;
    for (uint32_t form = 0; form < X64_NUM_FORMS; form++) {
        const x64_form_info *f = &x64_forms[form];
        uint32_t nv = num_variants(f);
        for (uint32_t v = 0; v < nv; v++) {
            x64_inst in = {.form = (uint16_t)form, .cc = (uint8_t)(v % 16)};
            mc_label self = mcb_new_label(&c.b), after = MC_LABEL_NONE;
            mcb_bind_label(&c.b, self);
            for (int i = 0; i < 4; i++)
                in.ops[i] = make_operand(&c, f, i, v, self, &after);
            uint32_t start = mcb_offset(&c.b);
            if (!x64_emit(&c.b, &in, msg, sizeof msg))
                fail_msg("%s variant %u: %s", f->name, v, msg);
            if (after != MC_LABEL_NONE) mcb_bind_label(&c.b, after);
            if (n == cap) list = realloc(list, (cap *= 2) * sizeof *list);
            list[n++] = (emitted){in, start, mcb_offset(&c.b)};
        }
        forms_done++;
    }
    uint32_t code_end = mcb_offset(&c.b);
    x64_emit_nops(&c.b, 64);
    mcb_bind_label(&c.b, c.far_label);
    mcb_put1(&c.b, 0xc3);
    assert_true(mcb_finish(&c.b, msg, sizeof msg));

    dline *lines;
    uint32_t nl = disassemble(c.b.code.data, code_end, &lines);
    uint32_t failures = 0, li = 0;
    for (uint32_t i = 0; i < n; i++) {
        const emitted *e = &list[i];
        while (li < nl && lines[li].off < e->start)
            li++;
        char want[200];
        x64_print(&e->in, &c.b, e->end, want, sizeof want);
        const char *got = li < nl && lines[li].off == e->start ? lines[li].text : "(no line)";
        uint32_t got_len = li < nl && lines[li].off == e->start ? lines[li].len : 0;
        if (strcmp(want, got) != 0 || got_len != e->end - e->start) {
            if (failures < 60) {
                char hex[100] = "";
                for (uint32_t k = e->start; k < e->end && k - e->start < 30; k++)
                    snprintf(hex + strlen(hex), sizeof hex - strlen(hex), "%02x ",
                             c.b.code.data[k]);
                print_message("%s: bytes %s\n  want: %s\n  got:  %s (%u bytes)\n",
                              x64_forms[e->in.form].name, hex, want, got, got_len);
            }
            failures++;
        }
    }
    print_message("x64 encoder: %u forms, %u instructions checked against objdump, %u "
                  "mismatches\n",
                  forms_done, n, failures);
    assert_int_equal(forms_done, X64_NUM_FORMS);
    assert_int_equal(failures, 0);
    free(lines);
    free(list);
    mcb_free(&c.b);
}

/* ---- exact bytes -------------------------------------------------------- */

static void expect_bytes(const x64_inst *in, const char *hex) {
    mc_buffer b;
    mcb_init(&b, x64_patch);
    char msg[200];
    if (!x64_emit(&b, in, msg, sizeof msg)) fail_msg("%s", msg);
    assert_true(mcb_finish(&b, msg, sizeof msg));
    uint8_t want[32];
    uint32_t n = 0;
    for (const char *p = hex; *p;) {
        if (*p == ' ') {
            p++;
            continue;
        }
        unsigned x;
        sscanf(p, "%2x", &x);
        want[n++] = (uint8_t)x;
        p += 2;
    }
    if (b.code.len != n || memcmp(b.code.data, want, n) != 0) {
        char got[100] = "";
        for (uint32_t k = 0; k < b.code.len && k < 30; k++)
            snprintf(got + strlen(got), sizeof got - strlen(got), "%02x ", b.code.data[k]);
        fail_msg("%s: want %s, got %s", x64_forms[in->form].name, hex, got);
    }
    mcb_free(&b);
}

#define INST(F, ...) (&(x64_inst){.form = X64_##F, .ops = {__VA_ARGS__}})
#define R(r)         x64_reg(X64_##r)
#define XR(n)        x64_reg(X64_XMM0 + (n))

static void test_known_encodings(void **state) {
    (void)state;
    expect_bytes(INST(MOV_RM64_R64, R(RAX), R(RBX)), "48 89 d8");
    expect_bytes(INST(MOV_R64_RM64, R(R12), x64_mem(X64_R13, X64_NOREG, 0, 0)), "4d 8b 65 00");
    expect_bytes(INST(LEA_R64_M, R(RAX), x64_mem(X64_RSP, X64_NOREG, 0, 8)), "48 8d 44 24 08");
    expect_bytes(INST(MOV_R32_RM32, R(RAX), R(RCX)), "8b c1");
    expect_bytes(INST(ADD_RM32_IMM8, R(RAX), x64_imm(1)), "83 c0 01");
    expect_bytes(INST(ADD_RM64_IMM32, R(RSP), x64_imm(0x1000)), "48 81 c4 00 10 00 00");
    expect_bytes(INST(MOVZX_R32_RM8, R(RAX), R(RSI)), "40 0f b6 c6");
    expect_bytes(INST(MOV_RM8_R8, x64_mem(X64_RDI, X64_NOREG, 0, 0), R(RSP)), "40 88 27");
    expect_bytes(INST(MOV_RM8_R8, x64_mem(X64_RDI, X64_NOREG, 0, 0), R(RAX)), "88 07");
    expect_bytes(INST(MOV_RM64_R64, x64_mem(X64_R12, X64_R13, 3, -8), R(R15)), "4f 89 7c ec f8");
    expect_bytes(INST(MOVABS_R64_IMM64, R(R10), x64_imm(0x1122334455667788)),
                 "49 ba 88 77 66 55 44 33 22 11");
    expect_bytes(INST(MOVSD_X_XM64, XR(8), x64_mem(X64_RBP, X64_NOREG, 0, -16)),
                 "f2 44 0f 10 45 f0");
    expect_bytes(INST(PXOR_X_XM128, XR(15), XR(15)), "66 45 0f ef ff");
    expect_bytes(INST(VADDSD_X_X_XM64, XR(0), XR(1), XR(2)), "c5 f3 58 c2");
    expect_bytes(INST(VADDSD_X_X_XM64, XR(8), XR(9), XR(10)), "c4 41 33 58 c2");
    expect_bytes(INST(ANDN_R64_R64_RM64, R(RAX), R(RBX), R(RCX)), "c4 e2 e0 f2 c1");
    expect_bytes(INST(SHLX_R32_RM32_R32, R(RAX), R(RBX), R(RCX)), "c4 e2 71 f7 c3");
    expect_bytes(INST(LOCK_CMPXCHG_M64_R64, x64_mem(X64_RDI, X64_NOREG, 0, 0), R(RSI)),
                 "f0 48 0f b1 37");
    expect_bytes(INST(LOCK_CMPXCHG16B_M128, x64_mem(X64_RDI, X64_NOREG, 0, 0)), "f0 48 0f c7 0f");
    expect_bytes(INST(POPCNT_R16_RM16, R(RAX), R(R9)), "66 f3 41 0f b8 c1");
    expect_bytes(INST(ROUNDSD_X_XM64_IMM8, XR(0), XR(8), x64_imm(4)), "66 41 0f 3a 0b c0 04");
    expect_bytes(INST(SHL_RM64_CL, R(RDX)), "48 d3 e2");
    expect_bytes(INST(SAR_RM32_IMM8, R(R8), x64_imm(31)), "41 c1 f8 1f");
    expect_bytes(INST(MFENCE), "0f ae f0");
    expect_bytes(INST(RET_IMM16, x64_imm(16)), "c2 10 00");
    expect_bytes(INST(PUSH_R64, R(RBP)), "55");
    expect_bytes(INST(PUSH_R64, R(R12)), "41 54");
    expect_bytes(INST(MOV_RM32_R32, x64_mem(X64_NOREG, X64_RAX, 2, 0), R(RAX)),
                 "89 04 85 00 00 00 00");
    /* EVEX: disp8 counts 16-byte units; other displacements take 32 bits. */
    expect_bytes(INST(VPABSQ_X_XM128, XR(0), x64_mem(X64_RAX, X64_NOREG, 0, 0x40)),
                 "62 f2 fd 08 1f 40 04");
    expect_bytes(INST(VPABSQ_X_XM128, XR(9), x64_mem(X64_R8, X64_NOREG, 0, 0x41)),
                 "62 52 fd 08 1f 88 41 00 00 00");
    expect_bytes(INST(VPMULLQ_X_X_XM128, XR(1), XR(2), XR(3)), "62 f2 ed 08 40 cb");
    /* A jump to itself: rel32 = -5, rel8 = -2. */
    mc_buffer b;
    mcb_init(&b, x64_patch);
    char msg[200];
    mc_label l = mcb_new_label(&b);
    mcb_bind_label(&b, l);
    assert_true(x64_emit(&b, INST(JMP_REL32, x64_label(l)), msg, sizeof msg));
    assert_true(x64_emit(&b, INST(JMP_REL8, x64_label(l)), msg, sizeof msg));
    x64_inst jcc = {.form = X64_JCC_REL32, .cc = X64_CC_NE, .ops = {x64_label(l)}};
    assert_true(x64_emit(&b, &jcc, msg, sizeof msg));
    assert_true(mcb_finish(&b, msg, sizeof msg));
    const uint8_t want[] = {0xe9, 0xfb, 0xff, 0xff, 0xff, 0xeb, 0xf9,
                            0x0f, 0x85, 0xf3, 0xff, 0xff, 0xff};
    assert_int_equal(b.code.len, sizeof want);
    assert_memory_equal(b.code.data, want, sizeof want);
    mcb_free(&b);
}

/* RIP-relative operands followed by an immediate are relative to the end of
 * the instruction, not of the displacement. */
static void test_rip_with_immediate(void **state) {
    (void)state;
    mc_buffer b;
    mcb_init(&b, x64_patch);
    char msg[200];
    const uint8_t k[4] = {1, 2, 3, 4};
    mc_label c = mcb_add_constant(&b, k, 4, 4);
    assert_true(
        x64_emit(&b, INST(CMP_RM32_IMM32, x64_mem_label(c, 0), x64_imm(7)), msg, sizeof msg));
    assert_true(
        x64_emit(&b, INST(ADD_RM32_IMM8, x64_mem_label(c, 2), x64_imm(1)), msg, sizeof msg));
    assert_true(mcb_finish(&b, msg, sizeof msg));
    /* cmp: 81 3d disp32 imm32 (10 bytes); add: 83 05 disp32 imm8 (7 bytes); pool at 20. */
    assert_int_equal(b.code.len, 24);
    int32_t d1, d2;
    memcpy(&d1, b.code.data + 2, 4);
    memcpy(&d2, b.code.data + 12, 4);
    assert_int_equal(d1, 20 - 10);
    assert_int_equal(d2, 20 + 2 - 17);
    assert_memory_equal(b.code.data + 20, k, 4);
    mcb_free(&b);
}

static void test_relocations_and_traps(void **state) {
    (void)state;
    mc_buffer b;
    mcb_init(&b, x64_patch);
    char msg[200];
    x64_inst call = {.form = X64_CALL_REL32,
                     .ops = {x64_sym(MC_RELOC_X86_CALL_PCREL4, MC_TARGET_FUNC, 3, 0)}};
    assert_true(x64_emit(&b, &call, msg, sizeof msg));
    x64_inst lea = {.form = X64_LEA_R64_M,
                    .ops = {R(RAX), x64_mem_sym(MC_RELOC_X86_PCREL4, MC_TARGET_SYMBOL, 1, 8)}};
    assert_true(x64_emit(&b, &lea, msg, sizeof msg));
    x64_inst abs = {.form = X64_MOVABS_R64_IMM64,
                    .ops = {R(RCX), x64_sym(MC_RELOC_ABS8, MC_TARGET_FUNC, 2, 16)}};
    assert_true(x64_emit(&b, &abs, msg, sizeof msg));
    x64_inst load = {.form = X64_MOV_R64_RM64,
                     .trap = CLIF_TRAP_HEAP_OUT_OF_BOUNDS,
                     .ops = {R(RAX), x64_mem(X64_RDI, X64_NOREG, 0, 0)}};
    assert_true(x64_emit(&b, &load, msg, sizeof msg));
    assert_true(mcb_finish(&b, msg, sizeof msg));
    assert_int_equal(b.relocs.len, 3);
    assert_int_equal(b.relocs.data[0].offset, 1);
    assert_int_equal(b.relocs.data[0].kind, MC_RELOC_X86_CALL_PCREL4);
    assert_int_equal(b.relocs.data[0].index, 3);
    assert_int_equal(b.relocs.data[0].addend, -4);
    assert_int_equal(b.relocs.data[1].offset, 5 + 3);
    assert_int_equal(b.relocs.data[1].kind, MC_RELOC_X86_PCREL4);
    assert_int_equal(b.relocs.data[1].target, MC_TARGET_SYMBOL);
    assert_int_equal(b.relocs.data[1].addend, 8 - 4);
    assert_int_equal(b.relocs.data[2].offset, 12 + 2);
    assert_int_equal(b.relocs.data[2].kind, MC_RELOC_ABS8);
    assert_int_equal(b.relocs.data[2].addend, 16);
    assert_int_equal(b.traps.len, 1);
    assert_int_equal(b.traps.data[0].offset, 22);
    assert_int_equal(b.traps.data[0].code, CLIF_TRAP_HEAP_OUT_OF_BOUNDS);
    char text[100];
    x64_print(&call, NULL, 0, text, sizeof text);
    assert_string_equal(text, "call fn3");
    x64_print(&lea, NULL, 0, text, sizeof text);
    assert_string_equal(text, "lea rax,[rip+sym1+0x8]");
    mcb_free(&b);
}

static void test_jump_table(void **state) {
    (void)state;
    mc_buffer b;
    mcb_init(&b, x64_patch);
    char msg[200];
    mc_label targets[3];
    for (int i = 0; i < 3; i++)
        targets[i] = mcb_new_label(&b);
    mcb_bind_label(&b, targets[0]); /* 0: before the table */
    mcb_put1(&b, 0x90);
    uint32_t table = mcb_offset(&b); /* 1 */
    for (int i = 0; i < 3; i++)
        x64_emit_jump_table_entry(&b, table, targets[2 - i]);
    mcb_bind_label(&b, targets[1]); /* 13 */
    mcb_put1(&b, 0x90);
    mcb_bind_label(&b, targets[2]); /* 14 */
    assert_true(mcb_finish(&b, msg, sizeof msg));
    int32_t e[3];
    memcpy(e, b.code.data + table, 12);
    assert_int_equal(e[0], 14 - 1);
    assert_int_equal(e[1], 13 - 1);
    assert_int_equal(e[2], 0 - 1);
    mcb_free(&b);
}

static void test_rejected_operands(void **state) {
    (void)state;
    mc_buffer b;
    mcb_init(&b, x64_patch);
    char msg[200];
    /* Wrong register class, rsp index, absolute address, immediates out of
     * range, memory where only a register fits. */
    assert_false(x64_emit(&b, INST(MOV_RM64_R64, R(RAX), XR(1)), msg, sizeof msg));
    assert_non_null(strstr(msg, "MOV_RM64_R64"));
    assert_false(
        x64_emit(&b, INST(MOV_R64_RM64, R(RAX), x64_mem(X64_RAX, X64_RSP, 0, 0)), msg, sizeof msg));
    assert_non_null(strstr(msg, "rsp"));
    assert_false(x64_emit(&b, INST(MOV_R64_RM64, R(RAX), x64_mem(X64_NOREG, X64_NOREG, 0, 0)), msg,
                          sizeof msg));
    assert_non_null(strstr(msg, "unsupported"));
    assert_false(x64_emit(&b, INST(ADD_RM64_IMM8, R(RAX), x64_imm(128)), msg, sizeof msg));
    assert_false(x64_emit(&b, INST(ADD_RM64_IMM32, R(RAX), x64_imm(0x80000000)), msg, sizeof msg));
    assert_true(x64_emit(&b, INST(ADD_RM32_IMM32, R(RAX), x64_imm(0x80000000)), msg, sizeof msg));
    assert_false(x64_emit(&b, INST(MOVMSKPS_R32_X, R(RAX), x64_mem(X64_RAX, X64_NOREG, 0, 0)), msg,
                          sizeof msg));
    assert_false(x64_emit(&b, INST(SHL_RM32_IMM8, R(RAX), x64_imm(256)), msg, sizeof msg));
    assert_false(x64_emit(&b, INST(MOV_RM64_R64, R(RAX)), msg, sizeof msg));
    x64_inst bad = {.form = X64_NUM_FORMS};
    assert_false(x64_emit(&b, &bad, msg, sizeof msg));
    mcb_free(&b);
}

static void test_nops(void **state) {
    (void)state;
    mc_buffer b;
    mcb_init(&b, x64_patch);
    for (uint32_t n = 1; n <= 9; n++)
        x64_emit_nops(&b, n);
    x64_emit_nops(&b, 20); /* 9 + 9 + 2 */
    assert_int_equal(b.code.len, 45 + 20);
    dline *lines;
    uint32_t nl = disassemble(b.code.data, b.code.len, &lines);
    const char *want[] = {"nop",
                          "xchg ax,ax",
                          "nop DWORD PTR [rax]",
                          "nop DWORD PTR [rax+0x0]",
                          "nop DWORD PTR [rax+rax*1+0x0]",
                          "nop WORD PTR [rax+rax*1+0x0]",
                          "nop DWORD PTR [rax+0x0]",
                          "nop DWORD PTR [rax+rax*1+0x0]",
                          "nop WORD PTR [rax+rax*1+0x0]",
                          "nop WORD PTR [rax+rax*1+0x0]",
                          "nop WORD PTR [rax+rax*1+0x0]",
                          "xchg ax,ax"};
    assert_int_equal(nl, 12);
    for (uint32_t i = 0; i < nl; i++)
        assert_string_equal(lines[i].text, want[i]);
    free(lines);
    mcb_free(&b);
}

static void test_registers(void **state) {
    (void)state;
    assert_string_equal(x64_reg_name(X64_RSI, 8), "sil");
    assert_string_equal(x64_reg_name(X64_R8, 16), "r8w");
    assert_string_equal(x64_reg_name(X64_R15, 32), "r15d");
    assert_string_equal(x64_reg_name(X64_RSP, 64), "rsp");
    assert_string_equal(x64_reg_name(X64_XMM15, 0), "xmm15");
    assert_null(x64_reg_name(40, 64));
    assert_int_equal(x64_dwarf_reg(X64_RAX), 0);
    assert_int_equal(x64_dwarf_reg(X64_RDX), 1);
    assert_int_equal(x64_dwarf_reg(X64_RCX), 2);
    assert_int_equal(x64_dwarf_reg(X64_RSP), 7);
    assert_int_equal(x64_dwarf_reg(X64_RBP), 6);
    assert_int_equal(x64_dwarf_reg(X64_R12), 12);
    assert_int_equal(x64_dwarf_reg(X64_XMM0), 17);
    assert_int_equal(x64_dwarf_reg(X64_XMM15), 32);
    /* Every form has a name and a mnemonic. */
    for (uint32_t i = 0; i < X64_NUM_FORMS; i++) {
        assert_non_null(x64_forms[i].name);
        assert_non_null(x64_forms[i].mnemonic);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_all_forms_against_objdump),
        cmocka_unit_test(test_known_encodings),
        cmocka_unit_test(test_rip_with_immediate),
        cmocka_unit_test(test_relocations_and_traps),
        cmocka_unit_test(test_jump_table),
        cmocka_unit_test(test_rejected_operands),
        cmocka_unit_test(test_nops),
        cmocka_unit_test(test_registers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
