/* Intel-syntax text of an x86-64 instruction, as objdump -M intel prints it:
 * sized memory operands ("QWORD PTR [rax+rbx*4+0x10]"), immediates in hex
 * sign-extended to the operand width, cmpps predicates folded into the
 * mnemonic. */
#include "isa/x64/inst.h"

#include <stdarg.h>
#include <stdio.h>

typedef struct out {
    char *buf;
    uint32_t size, len;
} out;

static void put(out *o, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    uint32_t room = o->len < o->size ? o->size - o->len : 0;
    int n = vsnprintf(room ? o->buf + o->len : NULL, room, fmt, ap);
    va_end(ap);
    if (n > 0) o->len += (uint32_t)n;
}

static unsigned type_bits(uint8_t t) {
    switch (t) {
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
    case X64_T_R32M16:
    case X64_T_XM32: return 32;
    case X64_T_R64:
    case X64_T_RM64:
    case X64_T_M64:
    case X64_T_XM64: return 64;
    default: return 128;
    }
}

static const char *ptr_name(uint8_t t) {
    switch (t) {
    case X64_T_RM8:
    case X64_T_M8:
    case X64_T_XM8:
    case X64_T_R32M8: return "BYTE PTR ";
    case X64_T_RM16:
    case X64_T_M16:
    case X64_T_XM16:
    case X64_T_R32M16: return "WORD PTR ";
    case X64_T_RM32:
    case X64_T_M32:
    case X64_T_XM32: return "DWORD PTR ";
    case X64_T_RM64:
    case X64_T_M64:
    case X64_T_XM64: return "QWORD PTR ";
    case X64_T_XM128: return "XMMWORD PTR ";
    case X64_T_MO: return "OWORD PTR ";
    default: return "";
    }
}

static bool label_offset(const mc_buffer *done, uint32_t l, uint32_t *off) {
    if (!done || l >= done->label_offsets.len) return false;
    *off = done->label_offsets.data[l];
    return *off < UINT32_MAX - 1;
}

static void put_signed_hex(out *o, int64_t v) {
    if (v < 0)
        put(o, "-0x%llx", (unsigned long long)(0 - (uint64_t)v));
    else
        put(o, "+0x%llx", (unsigned long long)v);
}

static void print_mem(out *o, uint8_t t, const x64_amode *m, const mc_buffer *done, uint32_t end) {
    put(o, "%s", ptr_name(t));
    uint32_t target;
    switch (m->kind) {
    case X64_AM_BASE:
        put(o, "[");
        if (m->base != X64_NOREG) put(o, "%s", x64_reg_name(m->base, 64));
        if (m->index != X64_NOREG)
            put(o, "%s%s*%u", m->base != X64_NOREG ? "+" : "", x64_reg_name(m->index, 64),
                1u << m->shift);
        if (x64_amode_has_disp(m)) put_signed_hex(o, m->disp);
        put(o, "]");
        return;
    case X64_AM_RIP_LABEL:
        if (label_offset(done, m->label, &target)) {
            int64_t d = (int64_t)target + m->disp - (int64_t)end;
            put(o, "[rip+0x%llx]", (unsigned long long)(uint64_t)d);
        } else {
            put(o, "[rip+.L%u", m->label);
            if (m->disp) put_signed_hex(o, m->disp);
            put(o, "]");
        }
        return;
    case X64_AM_RIP_SYM:
        if (done) {
            put(o, "[rip+0x0]"); /* the relocation fills the field */
        } else {
            put(o, "[rip+%s%u", m->target == MC_TARGET_FUNC ? "fn" : "sym", m->label);
            if (m->disp) put_signed_hex(o, m->disp);
            put(o, "]");
        }
        return;
    }
}

static void print_operand(out *o, const x64_form_info *f, int i, const x64_operand *op,
                          const mc_buffer *done, uint32_t end) {
    uint8_t t = f->types[i];
    uint32_t target;
    switch (t) {
    case X64_T_CL: put(o, "cl"); return;
    case X64_T_XMM0: put(o, "xmm0"); return;
    case X64_T_U8:
    case X64_T_U16: put(o, "0x%llx", (unsigned long long)op->imm); return;
    case X64_T_I8:
    case X64_T_I16:
    case X64_T_I32:
    case X64_T_I64: {
        if (op->kind == X64_OP_SYM) {
            if (done)
                put(o, "0x0");
            else
                put(o, "%s%u", op->target == MC_TARGET_FUNC ? "fn" : "sym", op->label);
            return;
        }
        /* Sign-extended from the immediate's size to the operand width. */
        unsigned ibits = t == X64_T_I8 ? 8 : t == X64_T_I16 ? 16 : t == X64_T_I32 ? 32 : 64;
        unsigned w = type_bits(f->types[0]);
        if (w > 64) w = 64;
        uint64_t v = (uint64_t)op->imm;
        if (ibits < 64) {
            uint64_t sign = 1ull << (ibits - 1);
            v &= (sign << 1) - 1;
            v = (v ^ sign) - sign;
        }
        if (w < 64) v &= (1ull << w) - 1;
        put(o, "0x%llx", (unsigned long long)v);
        return;
    }
    case X64_T_REL8:
    case X64_T_REL32:
        if (op->kind == X64_OP_SYM) {
            if (done)
                put(o, "0x%x", end); /* the relocation fills the field */
            else
                put(o, "%s%u", op->target == MC_TARGET_FUNC ? "fn" : "sym", op->label);
        } else if (label_offset(done, op->label, &target)) {
            put(o, "0x%x", target);
        } else {
            put(o, ".L%u", op->label);
        }
        return;
    default: break;
    }
    if (op->kind == X64_OP_MEM) {
        print_mem(o, t, &op->mem, done, end);
        return;
    }
    const char *name = x64_reg_name(op->reg, type_bits(t));
    put(o, "%s", name ? name : "?");
}

static const char *const cmp_preds[8] = {"eq", "lt", "le", "unord", "neq", "nlt", "nle", "ord"};

int x64_print(const x64_inst *in, const mc_buffer *done, uint32_t end, char *buf, uint32_t size) {
    out o = {buf, size, 0};
    if (size) buf[0] = 0;
    if (in->form >= X64_NUM_FORMS) {
        put(&o, "(bad form %u)", in->form);
        return (int)o.len;
    }
    const x64_form_info *f = &x64_forms[in->form];
    int skip = -1; /* an operand folded into the mnemonic */
    if (f->prefixes & X64_PFX_LOCK) put(&o, "lock ");
    if (f->flags & X64_F_CC) {
        put(&o, "%s%s", f->mnemonic, x64_cc_name((x64_cc)in->cc));
    } else if (f->opcode == 0xc2 && f->map == X64_MAP_0F && in->ops[2].imm >= 0 &&
               in->ops[2].imm < 8) {
        /* cmpps/cmppd/cmpss/cmpsd with a predicate: "cmpltsd". */
        put(&o, "cmp%s%s", cmp_preds[in->ops[2].imm], f->mnemonic + 3);
        skip = 2;
    } else {
        put(&o, "%s", f->mnemonic);
    }
    bool first = true;
    for (int i = 0; i < 4; i++) {
        if (f->types[i] == X64_T_NO || i == skip) continue;
        put(&o, first ? " " : ",");
        first = false;
        print_operand(&o, f, i, &in->ops[i], done, end);
    }
    return (int)o.len;
}
