/* x86-64 encoding: operand checks against the form's types, prefixes, REX or
 * VEX, opcode, ModRM/SIB with every addressing form, displacements and
 * immediates; label uses go through mc_buffer fixups patched by x64_patch. */
#include "isa/x64/inst.h"

#include <stdarg.h>
#include <stdio.h>

bool x64_patch(uint8_t *code, uint32_t use, uint32_t target, uint8_t kind) {
    switch (kind) {
    case X64_LABEL_PCREL32: {
        int64_t old = (int32_t)((uint32_t)code[use] | (uint32_t)code[use + 1] << 8 |
                                (uint32_t)code[use + 2] << 16 | (uint32_t)code[use + 3] << 24);
        int64_t d = old + (int64_t)target - ((int64_t)use + 4);
        if (d < INT32_MIN || d > INT32_MAX) return false;
        for (int i = 0; i < 4; i++)
            code[use + i] = (uint8_t)((uint64_t)d >> (8 * i));
        return true;
    }
    case X64_LABEL_PCREL8: {
        int64_t d = (int8_t)code[use] + (int64_t)target - ((int64_t)use + 1);
        if (d < INT8_MIN || d > INT8_MAX) return false;
        code[use] = (uint8_t)(int8_t)d;
        return true;
    }
    }
    return false;
}

static bool fail(char *msg, uint32_t size, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, size, fmt, ap);
    va_end(ap);
    return false;
}

/* Width in bits of the first operand, which sign-extended immediates fill. */
static unsigned op0_width(const x64_form_info *f) {
    switch (f->types[0]) {
    case X64_T_R8:
    case X64_T_RM8:
    case X64_T_M8: return 8;
    case X64_T_R16:
    case X64_T_RM16:
    case X64_T_M16: return 16;
    case X64_T_R32:
    case X64_T_RM32:
    case X64_T_M32:
    case X64_T_R32M8:
    case X64_T_R32M16: return 32;
    default: return 64;
    }
}

static unsigned imm_bytes(uint8_t t) {
    switch (t) {
    case X64_T_I8:
    case X64_T_U8: return 1;
    case X64_T_I16:
    case X64_T_U16: return 2;
    case X64_T_I32: return 4;
    case X64_T_I64: return 8;
    default: return 0;
    }
}

static bool is_imm_type(uint8_t t) {
    return imm_bytes(t) != 0;
}

static bool check_amode(const x64_amode *m, char *msg, uint32_t size) {
    switch (m->kind) {
    case X64_AM_BASE:
        if (m->base != X64_NOREG && !x64_is_gpr(m->base))
            return fail(msg, size, "x64: memory base %u is not a general register", m->base);
        if (m->index != X64_NOREG && !x64_is_gpr(m->index))
            return fail(msg, size, "x64: memory index %u is not a general register", m->index);
        if (m->index == X64_RSP) return fail(msg, size, "x64: rsp cannot be a memory index");
        if (m->shift > 3) return fail(msg, size, "x64: memory index shift %u > 3", m->shift);
        if (m->base == X64_NOREG && m->index == X64_NOREG)
            return fail(msg, size, "unsupported: x64 absolute memory address");
        return true;
    case X64_AM_RIP_LABEL: return true;
    case X64_AM_RIP_SYM:
        if (m->reloc != MC_RELOC_X86_PCREL4 && m->reloc != MC_RELOC_X86_GOT_PCREL4)
            return fail(msg, size, "x64: relocation %u on a RIP-relative operand", m->reloc);
        return true;
    }
    return fail(msg, size, "x64: bad memory operand kind %u", m->kind);
}

static bool in_range(int64_t v, int64_t lo, int64_t hi) {
    return v >= lo && v <= hi;
}

static bool check_operand(const x64_form_info *f, int i, const x64_operand *op, char *msg,
                          uint32_t size) {
    uint8_t t = f->types[i];
    unsigned w = op0_width(f);
    bool reg = op->kind == X64_OP_REG, mem = op->kind == X64_OP_MEM;
    bool ok;
    switch (t) {
    case X64_T_NO: ok = op->kind == X64_OP_NONE; break;
    case X64_T_CL: ok = op->kind == X64_OP_NONE || (reg && op->reg == X64_RCX); break;
    case X64_T_XMM0: ok = op->kind == X64_OP_NONE || (reg && op->reg == X64_XMM0); break;
    case X64_T_R8:
    case X64_T_R16:
    case X64_T_R32:
    case X64_T_R64: ok = reg && x64_is_gpr(op->reg); break;
    case X64_T_RM8:
    case X64_T_RM16:
    case X64_T_RM32:
    case X64_T_RM64:
    case X64_T_R32M8:
    case X64_T_R32M16: ok = (reg && x64_is_gpr(op->reg)) || mem; break;
    case X64_T_M:
    case X64_T_M8:
    case X64_T_M16:
    case X64_T_M32:
    case X64_T_M64:
    case X64_T_MO: ok = mem; break;
    case X64_T_X: ok = reg && x64_is_xmm(op->reg); break;
    case X64_T_XM8:
    case X64_T_XM16:
    case X64_T_XM32:
    case X64_T_XM64:
    case X64_T_XM128: ok = (reg && x64_is_xmm(op->reg)) || mem; break;
    case X64_T_I8:
        ok = op->kind == X64_OP_IMM &&
             (in_range(op->imm, INT8_MIN, INT8_MAX) || (w == 8 && in_range(op->imm, 0, 255)));
        break;
    case X64_T_I16: ok = op->kind == X64_OP_IMM && in_range(op->imm, INT16_MIN, UINT16_MAX); break;
    case X64_T_I32:
        ok = (op->kind == X64_OP_IMM && (in_range(op->imm, INT32_MIN, INT32_MAX) ||
                                         (w <= 32 && in_range(op->imm, 0, UINT32_MAX)))) ||
             (op->kind == X64_OP_SYM && op->reloc == MC_RELOC_ABS4);
        break;
    case X64_T_I64:
        ok = op->kind == X64_OP_IMM || (op->kind == X64_OP_SYM && op->reloc == MC_RELOC_ABS8);
        break;
    case X64_T_U8: ok = op->kind == X64_OP_IMM && in_range(op->imm, 0, 255); break;
    case X64_T_U16: ok = op->kind == X64_OP_IMM && in_range(op->imm, 0, 65535); break;
    case X64_T_REL8: ok = op->kind == X64_OP_LABEL; break;
    case X64_T_REL32: ok = op->kind == X64_OP_LABEL || op->kind == X64_OP_SYM; break;
    default: ok = false;
    }
    if (!ok) return fail(msg, size, "x64: operand %d of %s does not fit its type", i, f->name);
    if (mem) return check_amode(&op->mem, msg, size);
    return true;
}

/* Bits 3 of the registers that extend ModRM.reg (R), SIB.index (X) and
 * ModRM.rm, SIB.base or the opcode register (B). */
typedef struct ext_bits {
    uint8_t r, x, b;
} ext_bits;

static void rm_ext(const x64_operand *rm, ext_bits *e) {
    if (rm->kind == X64_OP_REG) {
        e->b = x64_hw(rm->reg) >> 3;
    } else if (rm->mem.kind == X64_AM_BASE) {
        if (rm->mem.base != X64_NOREG) e->b = rm->mem.base >> 3;
        if (rm->mem.index != X64_NOREG) e->x = rm->mem.index >> 3;
    }
}

/* A byte register among spl, bpl, sil, dil needs a REX prefix to be named. */
static bool needs_rex_byte(const x64_form_info *f, const x64_inst *in) {
    for (int i = 0; i < 4; i++) {
        uint8_t t = f->types[i];
        if ((t == X64_T_R8 || t == X64_T_RM8) && in->ops[i].kind == X64_OP_REG &&
            in->ops[i].reg >= 4 && in->ops[i].reg <= 7)
            return true;
    }
    return false;
}

/* ModRM, SIB and displacement for `rm` with `regfield` in ModRM.reg.
 * `trailing` is the number of immediate bytes after the displacement; an
 * 8-bit displacement counts units of `n` bytes (EVEX disp8*N, else 1). */
static void emit_modrm(mc_buffer *b, uint8_t regfield, const x64_operand *rm, unsigned trailing,
                       int32_t n) {
    regfield = (uint8_t)((regfield & 7) << 3);
    if (rm->kind == X64_OP_REG) {
        mcb_put1(b, (uint8_t)(0xc0 | regfield | (rm->reg & 7)));
        return;
    }
    const x64_amode *m = &rm->mem;
    if (m->kind != X64_AM_BASE) {
        mcb_put1(b, (uint8_t)(0x05 | regfield));
        uint32_t at = mcb_offset(b);
        int64_t field = (int64_t)m->disp - (int64_t)trailing;
        if (m->kind == X64_AM_RIP_LABEL) {
            mcb_put4(b, (uint32_t)field);
            mcb_use_label(b, at, m->label, X64_LABEL_PCREL32);
        } else {
            mcb_add_reloc(b, at, (mc_reloc_kind)m->reloc, (mc_reloc_target)m->target, m->label,
                          field - 4);
            mcb_put4(b, 0);
        }
        return;
    }
    uint8_t scale = (uint8_t)(m->index == X64_NOREG ? 0 : m->shift << 6);
    uint8_t index = m->index == X64_NOREG ? 4 : (m->index & 7);
    if (m->base == X64_NOREG) {
        /* [index*scale + disp32]: SIB with base 101 and mod 00. */
        mcb_put1(b, (uint8_t)(0x04 | regfield));
        mcb_put1(b, (uint8_t)(scale | index << 3 | 5));
        mcb_put4(b, (uint32_t)m->disp);
        return;
    }
    uint8_t mod;
    if (!x64_amode_has_disp(m))
        mod = 0x00;
    else if (m->disp % n == 0 && m->disp / n >= INT8_MIN && m->disp / n <= INT8_MAX)
        mod = 0x40;
    else
        mod = 0x80;
    if (m->index != X64_NOREG || (m->base & 7) == 4) {
        mcb_put1(b, (uint8_t)(mod | regfield | 4));
        mcb_put1(b, (uint8_t)(scale | index << 3 | (m->base & 7)));
    } else {
        mcb_put1(b, (uint8_t)(mod | regfield | (m->base & 7)));
    }
    if (mod == 0x40)
        mcb_put1(b, (uint8_t)(int8_t)(m->disp / n));
    else if (mod == 0x80)
        mcb_put4(b, (uint32_t)m->disp);
}

static void emit_imm(mc_buffer *b, const x64_operand *op, unsigned n) {
    if (op->kind == X64_OP_SYM) {
        mcb_add_reloc(b, mcb_offset(b), (mc_reloc_kind)op->reloc, (mc_reloc_target)op->target,
                      op->label, op->imm);
        if (n == 8)
            mcb_put8(b, 0);
        else
            mcb_put4(b, 0);
        return;
    }
    uint64_t v = (uint64_t)op->imm;
    switch (n) {
    case 1: mcb_put1(b, (uint8_t)v); break;
    case 2: mcb_put2(b, (uint16_t)v); break;
    case 4: mcb_put4(b, (uint32_t)v); break;
    case 8: mcb_put8(b, v); break;
    }
}

static void emit_rel(mc_buffer *b, const x64_operand *op, uint8_t type) {
    uint32_t at = mcb_offset(b);
    if (type == X64_T_REL8) {
        mcb_put1(b, 0);
        mcb_use_label(b, at, op->label, X64_LABEL_PCREL8);
    } else if (op->kind == X64_OP_LABEL) {
        mcb_put4(b, 0);
        mcb_use_label(b, at, op->label, X64_LABEL_PCREL32);
    } else {
        mcb_add_reloc(b, at, (mc_reloc_kind)op->reloc, (mc_reloc_target)op->target, op->label,
                      op->imm - 4);
        mcb_put4(b, 0);
    }
}

static void emit_map(mc_buffer *b, uint8_t map) {
    if (map == X64_MAP_1) return;
    mcb_put1(b, 0x0f);
    if (map == X64_MAP_0F38) mcb_put1(b, 0x38);
    if (map == X64_MAP_0F3A) mcb_put1(b, 0x3a);
}

bool x64_emit(mc_buffer *b, const x64_inst *in, char *msg, uint32_t msg_size) {
    if (in->form >= X64_NUM_FORMS) return fail(msg, msg_size, "x64: bad form %u", in->form);
    const x64_form_info *f = &x64_forms[in->form];
    for (int i = 0; i < 4; i++)
        if (!check_operand(f, i, &in->ops[i], msg, msg_size)) return false;
    if ((f->flags & X64_F_CC) && in->cc > 15)
        return fail(msg, msg_size, "x64: bad condition code %u", in->cc);

    /* Operand roles from the encoding. */
    const x64_operand *reg = 0, *rm = 0, *vvvv = 0, *opreg = 0, *rel = 0, *imm = 0;
    int npos = 0;
    switch (f->enc) {
    case X64_EN_ZO: npos = 0; break;
    case X64_EN_RM: reg = &in->ops[0], rm = &in->ops[1], npos = 2; break;
    case X64_EN_MR: rm = &in->ops[0], reg = &in->ops[1], npos = 2; break;
    case X64_EN_M: rm = &in->ops[0], npos = 1; break;
    case X64_EN_O: opreg = &in->ops[0], npos = 1; break;
    case X64_EN_D: rel = &in->ops[0], npos = 1; break;
    case X64_EN_RVM: reg = &in->ops[0], vvvv = &in->ops[1], rm = &in->ops[2], npos = 3; break;
    case X64_EN_RMV: reg = &in->ops[0], rm = &in->ops[1], vvvv = &in->ops[2], npos = 3; break;
    case X64_EN_VM: vvvv = &in->ops[0], rm = &in->ops[1], npos = 2; break;
    }
    unsigned nimm = 0;
    for (int i = npos; i < 4; i++) {
        if (is_imm_type(f->types[i])) {
            imm = &in->ops[i];
            nimm = imm_bytes(f->types[i]);
        }
    }

    if (in->trap) mcb_add_trap(b, mcb_offset(b), in->trap);
    ext_bits e = {0, 0, 0};
    if (reg) e.r = x64_hw(reg->reg) >> 3;
    if (rm) rm_ext(rm, &e);
    if (opreg) e.b = x64_hw(opreg->reg) >> 3;
    uint8_t opcode = f->opcode;
    if (f->flags & X64_F_CC) opcode = (uint8_t)(opcode + in->cc);
    if (opreg) opcode = (uint8_t)(opcode + (opreg->reg & 7));

    int32_t disp_unit = 1;
    if (f->prefixes & (X64_PFX_VEX | X64_PFX_EVEX)) {
        uint8_t pp = (f->prefixes & X64_PFX_66)   ? 1
                     : (f->prefixes & X64_PFX_F3) ? 2
                     : (f->prefixes & X64_PFX_F2) ? 3
                                                  : 0;
        uint8_t v = (uint8_t)(~(vvvv ? x64_hw(vvvv->reg) : 0) & 15);
        if (f->prefixes & X64_PFX_EVEX) {
            /* R' and V' (registers 16..31) stay clear; z, L'L = 128, b, aaa = 0. */
            mcb_put1(b, 0x62);
            mcb_put1(b, (uint8_t)((!e.r) << 7 | (!e.x) << 6 | (!e.b) << 5 | 1 << 4 | f->map));
            mcb_put1(b, (uint8_t)(f->w << 7 | v << 3 | 1 << 2 | pp));
            mcb_put1(b, 0x08);
            disp_unit = 16; /* full 128-bit vector memory operands */
        } else if (!e.x && !e.b && !f->w && f->map == X64_MAP_0F) {
            mcb_put1(b, 0xc5);
            mcb_put1(b, (uint8_t)((!e.r) << 7 | v << 3 | pp));
        } else {
            mcb_put1(b, 0xc4);
            mcb_put1(b, (uint8_t)((!e.r) << 7 | (!e.x) << 6 | (!e.b) << 5 | f->map));
            mcb_put1(b, (uint8_t)(f->w << 7 | v << 3 | pp));
        }
    } else {
        if (f->prefixes & X64_PFX_LOCK) mcb_put1(b, 0xf0);
        if (f->prefixes & X64_PFX_66) mcb_put1(b, 0x66);
        if (f->prefixes & X64_PFX_F2) mcb_put1(b, 0xf2);
        if (f->prefixes & X64_PFX_F3) mcb_put1(b, 0xf3);
        uint8_t rex = (uint8_t)(0x40 | f->w << 3 | e.r << 2 | e.x << 1 | e.b);
        if (rex != 0x40 || needs_rex_byte(f, in)) mcb_put1(b, rex);
        emit_map(b, f->map);
    }
    mcb_put1(b, opcode);
    if (rm) {
        uint8_t field = f->digit == X64_DIG_R ? x64_hw(reg->reg) : f->digit;
        emit_modrm(b, field, rm, nimm, disp_unit);
    } else if (f->digit <= X64_DIG_7) {
        mcb_put1(b, (uint8_t)(0xc0 | f->digit << 3));
    }
    if (rel) emit_rel(b, rel, f->types[0]);
    if (imm) emit_imm(b, imm, nimm);
    return true;
}

void x64_emit_jump_table_entry(mc_buffer *b, uint32_t table_start, mc_label target) {
    /* PCREL32 adds target - (at + 4) to the field: start it at at + 4 - table_start. */
    uint32_t at = mcb_offset(b);
    mcb_put4(b, at + 4 - table_start);
    mcb_use_label(b, at, target, X64_LABEL_PCREL32);
}

void x64_emit_nops(mc_buffer *b, uint32_t n) {
    static const uint8_t seqs[9][9] = {
        {0x90},
        {0x66, 0x90},
        {0x0f, 0x1f, 0x00},
        {0x0f, 0x1f, 0x40, 0x00},
        {0x0f, 0x1f, 0x44, 0x00, 0x00},
        {0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00},
        {0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00},
        {0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00},
        {0x66, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00},
    };
    while (n) {
        uint32_t k = n > 9 ? 9 : n;
        for (uint32_t i = 0; i < k; i++)
            mcb_put1(b, seqs[k - 1][i]);
        n -= k;
    }
}
