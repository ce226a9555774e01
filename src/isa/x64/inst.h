/* x86-64 machine instructions: the form table (inst.def), operands on
 * physical registers, and the encoder and printer entry points. */
#ifndef CLIF_ISA_X64_INST_H
#define CLIF_ISA_X64_INST_H

#include <stdbool.h>
#include <stdint.h>

#include "isa/x64/regs.h"
#include "machinst/buffer.h"

/* Prefix bits of a form. */
enum {
    X64_PFX_66 = 1,
    X64_PFX_F2 = 2,
    X64_PFX_F3 = 4,
    X64_PFX_LOCK = 8,
    X64_PFX_VEX = 16,
    X64_PFX_EVEX = 32,
};
/* Opcode maps. */
typedef enum x64_map { X64_MAP_1, X64_MAP_0F, X64_MAP_0F38, X64_MAP_0F3A } x64_map;
/* ModRM use: /digit 0..7, /r, or none. */
enum {
    X64_DIG_0,
    X64_DIG_1,
    X64_DIG_2,
    X64_DIG_3,
    X64_DIG_4,
    X64_DIG_5,
    X64_DIG_6,
    X64_DIG_7,
    X64_DIG_R,
    X64_DIG_N
};

/* Operand encodings (Intel's Op/En column). */
typedef enum x64_enc {
    X64_EN_ZO,
    X64_EN_RM,
    X64_EN_MR,
    X64_EN_M,
    X64_EN_O,
    X64_EN_D,
    X64_EN_RVM,
    X64_EN_RMV,
    X64_EN_VM,
} x64_enc;

/* Operand types of a form. */
/* clang-format off */
#define X64_OPTYPES(X)                                                                             \
    X(NO) X(R8) X(R16) X(R32) X(R64) X(RM8) X(RM16) X(RM32) X(RM64) X(M) X(M8) X(M16) X(M32)       \
    X(M64) X(MO) X(X) X(XM8) X(XM16) X(XM32) X(XM64) X(XM128) X(R32M8) X(R32M16) X(I8) X(I16)      \
    X(I32) X(I64) X(U8) X(U16) X(REL8) X(REL32) X(CL) X(XMM0)
/* clang-format on */
typedef enum x64_optype {
#define X(N) X64_T_##N,
    X64_OPTYPES(X)
#undef X
} x64_optype;

/* Form flags: the CPU feature needed, and whether a condition code is added
 * to the opcode. */
enum {
    X64_F_BASE = 0,
    X64_F_SSSE3 = 1 << 0,
    X64_F_SSE41 = 1 << 1,
    X64_F_SSE42 = 1 << 2,
    X64_F_POPCNT = 1 << 3,
    X64_F_LZCNT = 1 << 4,
    X64_F_BMI1 = 1 << 5,
    X64_F_BMI2 = 1 << 6,
    X64_F_AVX = 1 << 7,
    X64_F_FMA = 1 << 8,
    X64_F_CMPXCHG16B = 1 << 9,
    X64_F_SSE3 = 1 << 10,
    X64_F_AVX2 = 1 << 11,
    X64_F_AVX512F = 1 << 12,
    X64_F_AVX512DQ = 1 << 13,
    X64_F_AVX512BITALG = 1 << 14,
    X64_F_AVX512VBMI = 1 << 15,
    X64_F_CC = 1 << 30,
};

typedef enum x64_form {
#define X(NAME, MN, PFX, W, MAP, OPC, DIG, EN, T0, T1, T2, T3, FL) X64_##NAME,
#include "isa/x64/inst.def"
#undef X
    X64_NUM_FORMS
} x64_form;

typedef struct x64_form_info {
    const char *name;     /* "ADD_RM64_R64" */
    const char *mnemonic; /* "add"; for condition-code forms the stem ("j", "set", "cmov") */
    uint8_t prefixes;     /* X64_PFX_* */
    uint8_t w;
    uint8_t map;    /* x64_map */
    uint8_t opcode; /* for EN_O forms the register is added; for CC forms the condition */
    uint8_t digit;  /* X64_DIG_* */
    uint8_t enc;    /* x64_enc */
    uint8_t types[4];
    uint32_t flags;
} x64_form_info;

extern const x64_form_info x64_forms[X64_NUM_FORMS];

/* Condition codes, numbered as in the opcodes (jcc = 0x70 + cc). */
/* clang-format off */
#define X64_CCS(X)                                                                                 \
    X(O, "o") X(NO, "no") X(B, "b") X(AE, "ae") X(E, "e") X(NE, "ne") X(BE, "be") X(A, "a")      \
    X(S, "s") X(NS, "ns") X(P, "p") X(NP, "np") X(L, "l") X(GE, "ge") X(LE, "le") X(G, "g")
/* clang-format on */
typedef enum x64_cc {
#define X(N, S) X64_CC_##N,
    X64_CCS(X)
#undef X
} x64_cc;
const char *x64_cc_name(x64_cc cc);
static inline x64_cc x64_cc_invert(x64_cc cc) {
    return (x64_cc)(cc ^ 1);
}

/* Label-use kinds for mc_buffer fixups: a pc-relative displacement from the
 * end of the field, added to the value already in the field (which holds
 * minus the bytes of the instruction that follow the field, for RIP-relative
 * operands with an immediate after them). */
enum { X64_LABEL_PCREL32, X64_LABEL_PCREL8 };
bool x64_patch(uint8_t *code, uint32_t use, uint32_t target, uint8_t kind);

/* A memory operand. */
typedef enum x64_amode_kind {
    X64_AM_BASE,      /* [base + index << shift + disp]; base or index may be X64_NOREG */
    X64_AM_RIP_LABEL, /* [rip + label + disp] (a code label or a constant) */
    X64_AM_RIP_SYM,   /* [rip + symbol + disp] through a relocation */
} x64_amode_kind;
typedef struct x64_amode {
    uint8_t kind; /* x64_amode_kind */
    uint8_t base, index, shift;
    int32_t disp;
    uint32_t label; /* label, or symbol index */
    uint8_t reloc;  /* for symbols: mc_reloc_kind (X86_PCREL4 or X86_GOT_PCREL4) */
    uint8_t target; /* for symbols: mc_reloc_target */
} x64_amode;

typedef enum x64_opkind {
    X64_OP_NONE,
    X64_OP_REG,
    X64_OP_MEM,
    X64_OP_IMM,
    X64_OP_LABEL, /* a branch target */
    X64_OP_SYM,   /* a relocated immediate or call target: reloc, target, index, imm = addend */
} x64_opkind;
typedef struct x64_operand {
    uint8_t kind; /* x64_opkind */
    uint8_t reg;
    uint8_t reloc, target; /* X64_OP_SYM */
    uint32_t label;        /* X64_OP_LABEL, or symbol index */
    int64_t imm;           /* immediate, or symbol addend */
    x64_amode mem;
} x64_operand;

typedef struct x64_inst {
    uint16_t form; /* x64_form */
    uint8_t cc;    /* x64_cc, for F_CC forms */
    uint8_t trap;  /* clif_trap_code recorded at the instruction, or CLIF_TRAP_NONE */
    x64_operand ops[4];
} x64_inst;

/* Operand constructors. */
static inline x64_operand x64_reg(uint8_t r) {
    return (x64_operand){.kind = X64_OP_REG, .reg = r};
}
static inline x64_operand x64_imm(int64_t v) {
    return (x64_operand){.kind = X64_OP_IMM, .imm = v};
}
static inline x64_operand x64_label(mc_label l) {
    return (x64_operand){.kind = X64_OP_LABEL, .label = l};
}
static inline x64_operand x64_sym(mc_reloc_kind reloc, mc_reloc_target target, uint32_t index,
                                  int64_t addend) {
    return (x64_operand){.kind = X64_OP_SYM,
                         .reloc = (uint8_t)reloc,
                         .target = (uint8_t)target,
                         .label = index,
                         .imm = addend};
}
static inline x64_operand x64_mem(uint8_t base, uint8_t index, uint8_t shift, int32_t disp) {
    return (x64_operand){
        .kind = X64_OP_MEM,
        .mem = {.kind = X64_AM_BASE, .base = base, .index = index, .shift = shift, .disp = disp}};
}
static inline x64_operand x64_mem_label(mc_label l, int32_t disp) {
    return (x64_operand){.kind = X64_OP_MEM,
                         .mem = {.kind = X64_AM_RIP_LABEL,
                                 .base = X64_NOREG,
                                 .index = X64_NOREG,
                                 .disp = disp,
                                 .label = l}};
}
static inline x64_operand x64_mem_sym(mc_reloc_kind reloc, mc_reloc_target target, uint32_t index,
                                      int32_t addend) {
    return (x64_operand){.kind = X64_OP_MEM,
                         .mem = {.kind = X64_AM_RIP_SYM,
                                 .base = X64_NOREG,
                                 .index = X64_NOREG,
                                 .disp = addend,
                                 .label = index,
                                 .reloc = (uint8_t)reloc,
                                 .target = (uint8_t)target}};
}

/* Whether a base/index amode is encoded with a displacement field (and so
 * printed with one, as disassemblers do): a nonzero displacement, no base,
 * or a base of rbp/r13. */
static inline bool x64_amode_has_disp(const x64_amode *m) {
    return m->disp != 0 || m->base == X64_NOREG || (m->base & 7) == 5;
}

/* Encodes `in` into `b` (recording its trap, label uses and relocations).
 * Returns false with a message when the operands do not fit the form. */
bool x64_emit(mc_buffer *b, const x64_inst *in, char *msg, uint32_t msg_size);
/* Emits a 32-bit jump-table entry holding the distance from the table start
 * (offset `table_start`) to `target`, resolved at mcb_finish. */
void x64_emit_jump_table_entry(mc_buffer *b, uint32_t table_start, mc_label target);
/* Emits `n` bytes of the recommended multi-byte nops. */
void x64_emit_nops(mc_buffer *b, uint32_t n);

/* Prints `in` in Intel syntax as objdump shows it (one space after the
 * mnemonic). With `done` (the buffer after mcb_finish) and `end` (the offset
 * after the instruction), branch targets print as addresses and RIP-relative
 * operands as displacements, as the bytes hold them; with `done` NULL,
 * symbolically (".L3", "[rip+.L3]", "fn2", "sym1"). Returns the length the
 * text needs; it is truncated to `size`. */
int x64_print(const x64_inst *in, const mc_buffer *done, uint32_t end, char *buf, uint32_t size);

#endif
