/* x86-64 lowering of scalar integer instructions up to 64 bits. Values
 * narrower than 64 bits live in 64-bit registers whose upper bits are
 * undefined: instructions that depend on them extend first. */
#include <string.h>

#include "isa/x64/x64.h"

/* A source operand for a 32/64-bit ALU op on a value of `bytes`: loads merge
 * only when the access width matches the operation width. */
static x64_rmi alu_src(lower_ctx *ctx, clif_value v, uint32_t bytes) {
    return x64_put_rmi(ctx, v, bytes >= 4 ? bytes : 0, true);
}

x64_flags_cond x64_emit_icmp128(lower_ctx *ctx, clif_inst cmp);

x64_flags_cond x64_emit_icmp(lower_ctx *ctx, clif_inst cmp) {
    clif_value a = lw_arg(ctx, cmp, 0), b = lw_arg(ctx, cmp, 1);
    clif_type t = lw_type(ctx, a);
    if (t == CLIF_I128) return x64_emit_icmp128(ctx, cmp);
    clif_intcc cc = (clif_intcc)lw_data(ctx, cmp)->cond;
    uint32_t bytes = x64_bytes(t);
    int64_t imm;
    if (!x64_imm32(ctx, b, bytes, &imm) && x64_imm32(ctx, a, bytes, &imm)) {
        /* Constant on the left: swap the operands and the condition. */
        static const clif_intcc swapped[CLIF_ICC_COUNT] = {
            [CLIF_ICC_EQ] = CLIF_ICC_EQ,   [CLIF_ICC_NE] = CLIF_ICC_NE,
            [CLIF_ICC_SLT] = CLIF_ICC_SGT, [CLIF_ICC_SGE] = CLIF_ICC_SLE,
            [CLIF_ICC_SGT] = CLIF_ICC_SLT, [CLIF_ICC_SLE] = CLIF_ICC_SGE,
            [CLIF_ICC_ULT] = CLIF_ICC_UGT, [CLIF_ICC_UGE] = CLIF_ICC_ULE,
            [CLIF_ICC_UGT] = CLIF_ICC_ULT, [CLIF_ICC_ULE] = CLIF_ICC_UGE};
        clif_value tmp = a;
        a = b;
        b = tmp;
        cc = swapped[cc];
    }
    x64_rmi rb = x64_put_rmi(ctx, b, bytes, true);
    if (rb.kind == X64_RMI_IMM && bytes < 4) {
        /* 8/16-bit compares take the constant at their width. */
        rb.imm = bytes == 1 ? (int8_t)rb.imm : (int16_t)rb.imm;
    }
    x64_cmp(ctx, bytes, lw_put_in_reg(ctx, a), &rb);
    x64_flags_cond c = {x64_intcc(cc), x64_intcc(cc), X64_CC_ONE};
    return c;
}

static void emit_select(lower_ctx *ctx, x64_flags_cond c, uint32_t bytes, ra_vreg dst, ra_vreg t,
                        ra_vreg f) {
    uint32_t w = bytes == 8 ? 8 : 4;
    switch (c.mode) {
    case X64_CC_ONE: x64_cmov(ctx, c.cc, w, dst, t, f); break;
    case X64_CC_OR: {
        ra_vreg mid = lw_temp(ctx, RA_CLASS_INT, CLIF_I64);
        x64_cmov(ctx, c.cc, w, mid, t, f);
        x64_cmov(ctx, c.cc2, w, dst, t, mid);
        break;
    }
    case X64_CC_AND: {
        ra_vreg mid = lw_temp(ctx, RA_CLASS_INT, CLIF_I64);
        x64_cmov(ctx, x64_cc_invert(c.cc), w, mid, f, t);
        x64_cmov(ctx, x64_cc_invert(c.cc2), w, dst, f, mid);
        break;
    }
    }
}

/* Shift amounts: the low register of any integer value. */
static ra_vreg shift_amount(lower_ctx *ctx, clif_value v) {
    ra_vreg r[2];
    lw_put_in_regs(ctx, v, r);
    return r[0];
}

static bool lower_shift(lower_ctx *ctx, clif_inst inst, clif_opcode op, clif_type t) {
    static const x64_form imm_forms[5][4] = {
        {X64_SHL_RM8_IMM8, X64_SHL_RM16_IMM8, X64_SHL_RM32_IMM8, X64_SHL_RM64_IMM8},
        {X64_SHR_RM8_IMM8, X64_SHR_RM16_IMM8, X64_SHR_RM32_IMM8, X64_SHR_RM64_IMM8},
        {X64_SAR_RM8_IMM8, X64_SAR_RM16_IMM8, X64_SAR_RM32_IMM8, X64_SAR_RM64_IMM8},
        {X64_ROL_RM8_IMM8, X64_ROL_RM16_IMM8, X64_ROL_RM32_IMM8, X64_ROL_RM64_IMM8},
        {X64_ROR_RM8_IMM8, X64_ROR_RM16_IMM8, X64_ROR_RM32_IMM8, X64_ROR_RM64_IMM8}};
    static const x64_form cl_forms[5][4] = {
        {X64_SHL_RM8_CL, X64_SHL_RM16_CL, X64_SHL_RM32_CL, X64_SHL_RM64_CL},
        {X64_SHR_RM8_CL, X64_SHR_RM16_CL, X64_SHR_RM32_CL, X64_SHR_RM64_CL},
        {X64_SAR_RM8_CL, X64_SAR_RM16_CL, X64_SAR_RM32_CL, X64_SAR_RM64_CL},
        {X64_ROL_RM8_CL, X64_ROL_RM16_CL, X64_ROL_RM32_CL, X64_ROL_RM64_CL},
        {X64_ROR_RM8_CL, X64_ROR_RM16_CL, X64_ROR_RM32_CL, X64_ROR_RM64_CL}};
    int k = op == CLIF_OP_ISHL   ? 0
            : op == CLIF_OP_USHR ? 1
            : op == CLIF_OP_SSHR ? 2
            : op == CLIF_OP_ROTL ? 3
                                 : 4;
    uint32_t bytes = x64_bytes(t), bits = bytes * 8;
    int s = x64_size_index(bytes);
    ra_vreg a = lw_put_in_reg(ctx, lw_arg(ctx, inst, 0));
    ra_vreg dst = lw_output_reg(ctx, lw_result(ctx, inst, 0));
    uint64_t amt;
    ra_vreg r[2];
    clif_value av = lw_arg(ctx, inst, 1);
    if (lw_iconst(ctx, av, &amt) || (lw_type(ctx, av) == CLIF_I128 && false)) {
        x64_shift_imm(ctx, imm_forms[k][s], dst, a, (uint8_t)(amt & (bits - 1)));
        return true;
    }
    (void)r;
    ra_vreg n = shift_amount(ctx, av);
    if (bits < 32 && k < 3) {
        ra_vreg m = lw_temp(ctx, RA_CLASS_INT, CLIF_I64);
        x64_rmi mask = x64_rmi_imm(bits - 1);
        x64_emit_alu(ctx, X64_ALU_AND, 4, m, n, &mask);
        n = m;
    }
    x64_shift_cl(ctx, cl_forms[k][s], dst, a, n);
    return true;
}

static bool lower_div(lower_ctx *ctx, clif_inst inst, clif_opcode op, clif_type t) {
    bool sign = op == CLIF_OP_SDIV || op == CLIF_OP_SREM;
    bool rem = op == CLIF_OP_UREM || op == CLIF_OP_SREM;
    uint32_t bytes = x64_bytes(t);
    ra_vreg a = lw_put_in_reg(ctx, lw_arg(ctx, inst, 0));
    ra_vreg d = lw_put_in_reg(ctx, lw_arg(ctx, inst, 1));
    if (bytes < 4) {
        a = x64_extended(ctx, a, bytes, sign);
        d = x64_extended(ctx, d, bytes, sign);
    }
    ra_vreg dst = lw_output_reg(ctx, lw_result(ctx, inst, 0));
    ra_vreg other = lw_temp(ctx, RA_CLASS_INT, CLIF_I64);
    x64_build b;
    xb_init(&b, X64_V_DIV);
    b.v.size = bytes == 8 ? 8 : 4;
    b.v.flags = (uint8_t)((sign ? 1 : 0) | (rem ? 2 : 0));
    b.v.aux = (uint8_t)(bytes * 8);
    xb_reg(&b, 0, xb_op(&b, ra_use_fixed(a, X64_RAX)));
    xb_reg(&b, 1, xb_use(&b, d));
    ra_operand q = ra_def_fixed(rem ? other : dst, X64_RAX);
    ra_operand r = ra_def_fixed(rem ? dst : other, X64_RDX);
    r.pos = RA_EARLY;
    xb_reg(&b, 2, xb_op(&b, q));
    xb_reg(&b, 3, xb_op(&b, r));
    xb_emit(ctx, &b);
    return true;
}

/* hi = upper half of the product (umulhi/smulhi). */
static bool lower_mulhi(lower_ctx *ctx, clif_inst inst, bool sign, clif_type t) {
    uint32_t bytes = x64_bytes(t);
    ra_vreg a = lw_put_in_reg(ctx, lw_arg(ctx, inst, 0));
    ra_vreg b = lw_put_in_reg(ctx, lw_arg(ctx, inst, 1));
    ra_vreg dst = lw_output_reg(ctx, lw_result(ctx, inst, 0));
    if (bytes < 8) {
        ra_vreg ea = x64_extended(ctx, a, bytes, sign), eb = x64_extended(ctx, b, bytes, sign);
        ra_vreg p = lw_temp(ctx, RA_CLASS_INT, CLIF_I64);
        x64_rmi rb = x64_rmi_reg(eb);
        x64_build ib;
        xb_form(&ib, X64_IMUL_R64_RM64);
        uint8_t ua = xb_use(&ib, ea);
        xb_rmi(&ib, 1, &rb);
        xb_reg(&ib, 0, xb_op(&ib, ra_def_reuse(p, ua)));
        xb_emit(ctx, &ib);
        x64_shift_imm(ctx, sign ? X64_SAR_RM64_IMM8 : X64_SHR_RM64_IMM8, dst, p,
                      (uint8_t)(bytes * 8));
        return true;
    }
    x64_build ib;
    xb_form(&ib, sign ? X64_IMUL_RM64 : X64_MUL_RM64);
    xb_op(&ib, ra_use_fixed(a, X64_RAX));
    xb_reg(&ib, 0, xb_use(&ib, b));
    xb_op(&ib, ra_def_fixed(lw_temp(ctx, RA_CLASS_INT, CLIF_I64), X64_RAX));
    xb_op(&ib, ra_def_fixed(dst, X64_RDX));
    xb_emit(ctx, &ib);
    return true;
}

/* dst = bit count via lzcnt/tzcnt/popcnt or a fallback. */
static void count_op(lower_ctx *ctx, x64_form f32, x64_form f64, uint32_t bytes, ra_vreg dst,
                     ra_vreg a) {
    x64_rm_reg(ctx, bytes == 8 ? f64 : f32, dst, a);
}

static void sub_from_const(lower_ctx *ctx, ra_vreg dst, ra_vreg a, int64_t c) {
    /* dst = c - a */
    ra_vreg n = lw_temp(ctx, RA_CLASS_INT, CLIF_I64);
    x64_unary(ctx, X64_NEG_RM64, n, a);
    x64_rmi k = x64_rmi_imm(c);
    x64_emit_alu(ctx, X64_ALU_ADD, 8, dst, n, &k);
}

/* clz of a value already widened to `bytes` (4 or 8) bits. */
static void emit_clz(lower_ctx *ctx, ra_vreg dst, ra_vreg a, uint32_t bytes) {
    if (x64_has(ctx, X64_FLAG_LZCNT)) {
        count_op(ctx, X64_LZCNT_R32_RM32, X64_LZCNT_R64_RM64, bytes, dst, a);
        return;
    }
    /* bsr gives the index of the highest set bit (ZF when a == 0). */
    ra_vreg i = lw_temp(ctx, RA_CLASS_INT, CLIF_I64);
    count_op(ctx, X64_BSR_R32_RM32, X64_BSR_R64_RM64, bytes, i, a);
    ra_vreg m1 = x64_const_reg(ctx, ~(uint64_t)0);
    ra_vreg j = lw_temp(ctx, RA_CLASS_INT, CLIF_I64);
    /* Flags from bsr are still live: the constant load is a mov. */
    x64_cmov(ctx, X64_CC_E, 8, j, m1, i);
    sub_from_const(ctx, dst, j, (int64_t)bytes * 8 - 1);
}

static void emit_ctz(lower_ctx *ctx, ra_vreg dst, ra_vreg a, uint32_t bytes) {
    if (x64_has(ctx, X64_FLAG_BMI1)) {
        count_op(ctx, X64_TZCNT_R32_RM32, X64_TZCNT_R64_RM64, bytes, dst, a);
        return;
    }
    ra_vreg i = lw_temp(ctx, RA_CLASS_INT, CLIF_I64);
    count_op(ctx, X64_BSF_R32_RM32, X64_BSF_R64_RM64, bytes, i, a);
    ra_vreg w = x64_const_reg(ctx, bytes * 8);
    x64_cmov(ctx, X64_CC_E, 8, dst, w, i);
}

/* Constant loads that must not disturb flags: x64_load_const uses xor for
 * zero, so the bsr/bsf fallbacks above use nonzero constants only. */

static void emit_popcnt(lower_ctx *ctx, ra_vreg dst, ra_vreg a, uint32_t bytes) {
    if (x64_has(ctx, X64_FLAG_POPCNT)) {
        count_op(ctx, X64_POPCNT_R32_RM32, X64_POPCNT_R64_RM64, bytes, dst, a);
        return;
    }
    /* SWAR count on 64 bits (a is zero-extended). */
    ra_vreg x = a, t, u, m;
    x64_rmi r;
    t = lw_temp(ctx, RA_CLASS_INT, CLIF_I64);
    x64_shift_imm(ctx, X64_SHR_RM64_IMM8, t, x, 1);
    m = x64_const_reg(ctx, 0x5555555555555555ull);
    u = lw_temp(ctx, RA_CLASS_INT, CLIF_I64);
    r = x64_rmi_reg(m);
    x64_emit_alu(ctx, X64_ALU_AND, 8, u, t, &r);
    t = lw_temp(ctx, RA_CLASS_INT, CLIF_I64);
    r = x64_rmi_reg(u);
    x64_emit_alu(ctx, X64_ALU_SUB, 8, t, x, &r); /* t = x - ((x >> 1) & 0x55..) */
    m = x64_const_reg(ctx, 0x3333333333333333ull);
    u = lw_temp(ctx, RA_CLASS_INT, CLIF_I64);
    r = x64_rmi_reg(m);
    x64_emit_alu(ctx, X64_ALU_AND, 8, u, t, &r);
    ra_vreg v = lw_temp(ctx, RA_CLASS_INT, CLIF_I64);
    x64_shift_imm(ctx, X64_SHR_RM64_IMM8, v, t, 2);
    ra_vreg w = lw_temp(ctx, RA_CLASS_INT, CLIF_I64);
    x64_emit_alu(ctx, X64_ALU_AND, 8, w, v, &r);
    t = lw_temp(ctx, RA_CLASS_INT, CLIF_I64);
    r = x64_rmi_reg(w);
    x64_emit_alu(ctx, X64_ALU_ADD, 8, t, u, &r);
    v = lw_temp(ctx, RA_CLASS_INT, CLIF_I64);
    x64_shift_imm(ctx, X64_SHR_RM64_IMM8, v, t, 4);
    w = lw_temp(ctx, RA_CLASS_INT, CLIF_I64);
    r = x64_rmi_reg(v);
    x64_emit_alu(ctx, X64_ALU_ADD, 8, w, t, &r);
    m = x64_const_reg(ctx, 0x0f0f0f0f0f0f0f0full);
    u = lw_temp(ctx, RA_CLASS_INT, CLIF_I64);
    r = x64_rmi_reg(m);
    x64_emit_alu(ctx, X64_ALU_AND, 8, u, w, &r);
    m = x64_const_reg(ctx, 0x0101010101010101ull);
    v = lw_temp(ctx, RA_CLASS_INT, CLIF_I64);
    x64_build ib;
    xb_form(&ib, X64_IMUL_R64_RM64);
    uint8_t ua = xb_use(&ib, u);
    xb_reg(&ib, 1, xb_use(&ib, m));
    xb_reg(&ib, 0, xb_op(&ib, ra_def_reuse(v, ua)));
    xb_emit(ctx, &ib);
    x64_shift_imm(ctx, X64_SHR_RM64_IMM8, dst, v, 56);
}

/* dst = 64-bit bit reversal of a. */
static void emit_rev64(lower_ctx *ctx, ra_vreg dst, ra_vreg a) {
    static const uint64_t masks[3] = {0x5555555555555555ull, 0x3333333333333333ull,
                                      0x0f0f0f0f0f0f0f0full};
    ra_vreg x = a;
    for (int i = 0; i < 3; i++) {
        uint8_t sh = (uint8_t)(1 << i);
        ra_vreg m = x64_const_reg(ctx, masks[i]);
        x64_rmi rm = x64_rmi_reg(m);
        ra_vreg hi = lw_temp(ctx, RA_CLASS_INT, CLIF_I64);
        x64_shift_imm(ctx, X64_SHR_RM64_IMM8, hi, x, sh);
        ra_vreg him = lw_temp(ctx, RA_CLASS_INT, CLIF_I64);
        x64_emit_alu(ctx, X64_ALU_AND, 8, him, hi, &rm);
        ra_vreg lo = lw_temp(ctx, RA_CLASS_INT, CLIF_I64);
        x64_emit_alu(ctx, X64_ALU_AND, 8, lo, x, &rm);
        ra_vreg los = lw_temp(ctx, RA_CLASS_INT, CLIF_I64);
        x64_shift_imm(ctx, X64_SHL_RM64_IMM8, los, lo, sh);
        ra_vreg y = lw_temp(ctx, RA_CLASS_INT, CLIF_I64);
        x64_rmi rl = x64_rmi_reg(los);
        x64_emit_alu(ctx, X64_ALU_OR, 8, y, him, &rl);
        x = y;
    }
    x64_unary(ctx, X64_BSWAP_R64, dst, x);
}

/* Bit tricks on 64 bits exported for i128 lowering. */
void x64_emit_clz(lower_ctx *ctx, ra_vreg dst, ra_vreg a, uint32_t bytes) {
    emit_clz(ctx, dst, a, bytes);
}
void x64_emit_ctz(lower_ctx *ctx, ra_vreg dst, ra_vreg a, uint32_t bytes) {
    emit_ctz(ctx, dst, a, bytes);
}
void x64_emit_popcnt(lower_ctx *ctx, ra_vreg dst, ra_vreg a, uint32_t bytes) {
    emit_popcnt(ctx, dst, a, bytes);
}
void x64_emit_rev64(lower_ctx *ctx, ra_vreg dst, ra_vreg a) {
    emit_rev64(ctx, dst, a);
}

/* Sized two-address ALU (flags matter): the form for exactly `bytes`. */
static void alu_sized(lower_ctx *ctx, x64_alu op, uint32_t bytes, ra_vreg dst, ra_vreg a,
                      ra_vreg b) {
    static const x64_form forms[8][4] = {
        {X64_ADD_R8_RM8, X64_ADD_R16_RM16, X64_ADD_R32_RM32, X64_ADD_R64_RM64},
        {X64_OR_R8_RM8, X64_OR_R16_RM16, X64_OR_R32_RM32, X64_OR_R64_RM64},
        {X64_ADC_R8_RM8, X64_ADC_R16_RM16, X64_ADC_R32_RM32, X64_ADC_R64_RM64},
        {X64_SBB_R8_RM8, X64_SBB_R16_RM16, X64_SBB_R32_RM32, X64_SBB_R64_RM64},
        {X64_AND_R8_RM8, X64_AND_R16_RM16, X64_AND_R32_RM32, X64_AND_R64_RM64},
        {X64_SUB_R8_RM8, X64_SUB_R16_RM16, X64_SUB_R32_RM32, X64_SUB_R64_RM64},
        {X64_XOR_R8_RM8, X64_XOR_R16_RM16, X64_XOR_R32_RM32, X64_XOR_R64_RM64},
        {X64_CMP_R8_RM8, X64_CMP_R16_RM16, X64_CMP_R32_RM32, X64_CMP_R64_RM64}};
    x64_build ib;
    xb_form(&ib, forms[op][x64_size_index(bytes)]);
    uint8_t ua = xb_use(&ib, a);
    xb_reg(&ib, 1, xb_use(&ib, b));
    xb_reg(&ib, 0, xb_op(&ib, ra_def_reuse(dst, ua)));
    xb_emit(ctx, &ib);
}

/* CF = (c != 0) for carry-in instructions. */
static void carry_in(lower_ctx *ctx, clif_value c) {
    ra_vreg r = lw_put_in_reg(ctx, c);
    ra_vreg t = lw_temp(ctx, RA_CLASS_INT, CLIF_I8);
    x64_unary(ctx, X64_NEG_RM8, t, r);
}

static bool lower_overflow(lower_ctx *ctx, clif_inst inst, clif_opcode op, clif_type t) {
    uint32_t bytes = x64_bytes(t);
    ra_vreg a = lw_put_in_reg(ctx, lw_arg(ctx, inst, 0));
    ra_vreg b = lw_put_in_reg(ctx, lw_arg(ctx, inst, 1));
    ra_vreg dst = lw_output_reg(ctx, lw_result(ctx, inst, 0));
    ra_vreg of = lw_output_reg(ctx, lw_result(ctx, inst, 1));
    x64_cc cc;
    switch (op) {
    case CLIF_OP_UADD_OVERFLOW:
        alu_sized(ctx, X64_ALU_ADD, bytes, dst, a, b);
        cc = X64_CC_B;
        break;
    case CLIF_OP_SADD_OVERFLOW:
        alu_sized(ctx, X64_ALU_ADD, bytes, dst, a, b);
        cc = X64_CC_O;
        break;
    case CLIF_OP_USUB_OVERFLOW:
        alu_sized(ctx, X64_ALU_SUB, bytes, dst, a, b);
        cc = X64_CC_B;
        break;
    case CLIF_OP_SSUB_OVERFLOW:
        alu_sized(ctx, X64_ALU_SUB, bytes, dst, a, b);
        cc = X64_CC_O;
        break;
    case CLIF_OP_UADD_OVERFLOW_CIN:
    case CLIF_OP_SADD_OVERFLOW_CIN:
        carry_in(ctx, lw_arg(ctx, inst, 2));
        alu_sized(ctx, X64_ALU_ADC, bytes, dst, a, b);
        cc = op == CLIF_OP_UADD_OVERFLOW_CIN ? X64_CC_B : X64_CC_O;
        break;
    case CLIF_OP_USUB_OVERFLOW_BIN:
    case CLIF_OP_SSUB_OVERFLOW_BIN:
        carry_in(ctx, lw_arg(ctx, inst, 2));
        alu_sized(ctx, X64_ALU_SBB, bytes, dst, a, b);
        cc = op == CLIF_OP_USUB_OVERFLOW_BIN ? X64_CC_B : X64_CC_O;
        break;
    case CLIF_OP_UMUL_OVERFLOW:
    case CLIF_OP_SMUL_OVERFLOW: {
        bool sign = op == CLIF_OP_SMUL_OVERFLOW;
        static const x64_form um[4] = {X64_MUL_RM8, X64_MUL_RM16, X64_MUL_RM32, X64_MUL_RM64};
        static const x64_form sm[4] = {X64_IMUL_RM8, X64_IMUL_RM16, X64_IMUL_RM32, X64_IMUL_RM64};
        x64_build ib;
        xb_form(&ib, (sign ? sm : um)[x64_size_index(bytes)]);
        xb_op(&ib, ra_use_fixed(a, X64_RAX));
        xb_reg(&ib, 0, xb_use(&ib, b));
        xb_op(&ib, ra_def_fixed(dst, X64_RAX));
        xb_op(&ib, ra_def_fixed(lw_temp(ctx, RA_CLASS_INT, CLIF_I64), X64_RDX));
        xb_emit(ctx, &ib);
        cc = X64_CC_O;
        break;
    }
    default: return false;
    }
    x64_setcc(ctx, cc, of);
    return true;
}

bool x64_lower_int(lower_ctx *ctx, clif_inst inst) {
    clif_opcode op = lw_opcode(ctx, inst);
    uint32_t nres = lw_num_results(ctx, inst);
    clif_type t = nres ? lw_type(ctx, lw_result(ctx, inst, 0)) : CLIF_I64;
    uint32_t bytes = x64_bytes(t);
    ra_vreg dst = nres ? lw_output_reg(ctx, lw_result(ctx, inst, 0)) : CLIF_NONE;
    x64_rmi rb;
    switch (op) {
    case CLIF_OP_ICONST: x64_load_const(ctx, dst, lw_data(ctx, inst)->imm); return true;
    case CLIF_OP_IADD:
    case CLIF_OP_ISUB:
    case CLIF_OP_BAND:
    case CLIF_OP_BOR:
    case CLIF_OP_BXOR: {
        x64_alu alu = op == CLIF_OP_IADD   ? X64_ALU_ADD
                      : op == CLIF_OP_ISUB ? X64_ALU_SUB
                      : op == CLIF_OP_BAND ? X64_ALU_AND
                      : op == CLIF_OP_BOR  ? X64_ALU_OR
                                           : X64_ALU_XOR;
        clif_value x = lw_arg(ctx, inst, 0), y = lw_arg(ctx, inst, 1);
        int64_t imm;
        /* Commutative ops take a constant or a load on either side. */
        if (op != CLIF_OP_ISUB && !x64_imm32(ctx, y, bytes, &imm) &&
            (x64_imm32(ctx, x, bytes, &imm) ||
             (bytes >= 4 && lw_sinkable_load(ctx, x) != CLIF_NONE &&
              lw_sinkable_load(ctx, y) == CLIF_NONE))) {
            clif_value tmp = x;
            x = y;
            y = tmp;
        }
        rb = alu_src(ctx, y, bytes);
        x64_emit_alu(ctx, alu, bytes, dst, lw_put_in_reg(ctx, x), &rb);
        return true;
    }
    case CLIF_OP_INEG:
        x64_unary(ctx, bytes == 8 ? X64_NEG_RM64 : X64_NEG_RM32, dst,
                  lw_put_in_reg(ctx, lw_arg(ctx, inst, 0)));
        return true;
    case CLIF_OP_BNOT:
        x64_unary(ctx, bytes == 8 ? X64_NOT_RM64 : X64_NOT_RM32, dst,
                  lw_put_in_reg(ctx, lw_arg(ctx, inst, 0)));
        return true;
    case CLIF_OP_IMUL: {
        clif_value x = lw_arg(ctx, inst, 0), y = lw_arg(ctx, inst, 1);
        int64_t imm;
        if (!x64_imm32(ctx, y, bytes, &imm) && x64_imm32(ctx, x, bytes, &imm)) {
            clif_value tmp = x;
            x = y;
            y = tmp;
        }
        if (x64_imm32(ctx, y, bytes, &imm)) {
            x64_build ib;
            bool small = imm >= -128 && imm <= 127;
            xb_form(&ib, bytes == 8 ? (small ? X64_IMUL_R64_RM64_IMM8 : X64_IMUL_R64_RM64_IMM32)
                                    : (small ? X64_IMUL_R32_RM32_IMM8 : X64_IMUL_R32_RM32_IMM32));
            xb_reg(&ib, 1, xb_use(&ib, lw_put_in_reg(ctx, x)));
            xb_imm(&ib, 2, imm);
            xb_reg(&ib, 0, xb_def(&ib, dst));
            xb_emit(ctx, &ib);
            return true;
        }
        rb = x64_put_rmi(ctx, y, bytes >= 4 ? bytes : 0, false);
        x64_build ib;
        xb_form(&ib, bytes == 8 ? X64_IMUL_R64_RM64 : X64_IMUL_R32_RM32);
        uint8_t ua = xb_use(&ib, lw_put_in_reg(ctx, x));
        xb_rmi(&ib, 1, &rb);
        xb_reg(&ib, 0, xb_op(&ib, ra_def_reuse(dst, ua)));
        xb_emit(ctx, &ib);
        return true;
    }
    case CLIF_OP_UMULHI:
    case CLIF_OP_SMULHI: return lower_mulhi(ctx, inst, op == CLIF_OP_SMULHI, t);
    case CLIF_OP_UDIV:
    case CLIF_OP_SDIV:
    case CLIF_OP_UREM:
    case CLIF_OP_SREM: return lower_div(ctx, inst, op, t);
    case CLIF_OP_SMIN:
    case CLIF_OP_UMIN:
    case CLIF_OP_SMAX:
    case CLIF_OP_UMAX: {
        ra_vreg a = lw_put_in_reg(ctx, lw_arg(ctx, inst, 0));
        ra_vreg b = lw_put_in_reg(ctx, lw_arg(ctx, inst, 1));
        rb = x64_rmi_reg(b);
        x64_cmp(ctx, bytes, a, &rb);
        x64_cc cc = op == CLIF_OP_SMIN   ? X64_CC_L
                    : op == CLIF_OP_UMIN ? X64_CC_B
                    : op == CLIF_OP_SMAX ? X64_CC_G
                                         : X64_CC_A;
        x64_cmov(ctx, cc, bytes == 8 ? 8 : 4, dst, a, b);
        return true;
    }
    case CLIF_OP_IABS: {
        ra_vreg a = lw_put_in_reg(ctx, lw_arg(ctx, inst, 0));
        static const x64_form neg[4] = {X64_NEG_RM8, X64_NEG_RM16, X64_NEG_RM32, X64_NEG_RM64};
        ra_vreg n = lw_temp(ctx, RA_CLASS_INT, CLIF_I64);
        x64_unary(ctx, neg[x64_size_index(bytes)], n, a);
        x64_cmov(ctx, X64_CC_S, bytes == 8 ? 8 : 4, dst, a, n);
        return true;
    }
    case CLIF_OP_ISHL:
    case CLIF_OP_USHR:
    case CLIF_OP_SSHR:
    case CLIF_OP_ROTL:
    case CLIF_OP_ROTR: return lower_shift(ctx, inst, op, t);
    case CLIF_OP_CLZ:
    case CLIF_OP_CTZ:
    case CLIF_OP_CLS:
    case CLIF_OP_POPCNT: {
        ra_vreg a = lw_put_in_reg(ctx, lw_arg(ctx, inst, 0));
        uint32_t w = bytes == 8 ? 8 : 4;
        if (op == CLIF_OP_CTZ) {
            if (bytes < 4) {
                /* A bit above the type makes a zero input count `bits`. */
                ra_vreg s = lw_temp(ctx, RA_CLASS_INT, CLIF_I64);
                x64_rmi k = x64_rmi_imm(1 << (bytes * 8));
                x64_emit_alu(ctx, X64_ALU_OR, 4, s, a, &k);
                a = s;
            }
            emit_ctz(ctx, dst, a, w);
            return true;
        }
        if (op == CLIF_OP_POPCNT) {
            if (bytes < 4 || !x64_has(ctx, X64_FLAG_POPCNT)) a = x64_extended(ctx, a, bytes, false);
            emit_popcnt(ctx, dst, a, x64_has(ctx, X64_FLAG_POPCNT) ? w : 8);
            return true;
        }
        if (op == CLIF_OP_CLS) {
            /* cls(x) = clz(x ^ (x >> 1)) - 1, on the sign-extended value. */
            ra_vreg e = x64_extended(ctx, a, bytes, true);
            ra_vreg s = lw_temp(ctx, RA_CLASS_INT, CLIF_I64);
            x64_shift_imm(ctx, X64_SAR_RM64_IMM8, s, e, 1);
            ra_vreg x = lw_temp(ctx, RA_CLASS_INT, CLIF_I64);
            x64_rmi re = x64_rmi_reg(e);
            x64_emit_alu(ctx, X64_ALU_XOR, 8, x, s, &re);
            ra_vreg c = lw_temp(ctx, RA_CLASS_INT, CLIF_I64);
            emit_clz(ctx, c, x, 8);
            x64_rmi k = x64_rmi_imm(-(int64_t)(64 - bytes * 8) - 1);
            x64_emit_alu(ctx, X64_ALU_ADD, 8, dst, c, &k);
            return true;
        }
        /* clz */
        if (bytes < 4) {
            ra_vreg e = x64_extended(ctx, a, bytes, false);
            ra_vreg c = lw_temp(ctx, RA_CLASS_INT, CLIF_I64);
            emit_clz(ctx, c, e, 4);
            x64_rmi k = x64_rmi_imm(-(int64_t)(32 - bytes * 8));
            x64_emit_alu(ctx, X64_ALU_ADD, 4, dst, c, &k);
            return true;
        }
        emit_clz(ctx, dst, a, w);
        return true;
    }
    case CLIF_OP_BITREV: {
        ra_vreg a = lw_put_in_reg(ctx, lw_arg(ctx, inst, 0));
        if (bytes == 8) {
            emit_rev64(ctx, dst, a);
            return true;
        }
        ra_vreg r = lw_temp(ctx, RA_CLASS_INT, CLIF_I64);
        emit_rev64(ctx, r, a);
        x64_shift_imm(ctx, X64_SHR_RM64_IMM8, dst, r, (uint8_t)(64 - bytes * 8));
        return true;
    }
    case CLIF_OP_BSWAP: {
        ra_vreg a = lw_put_in_reg(ctx, lw_arg(ctx, inst, 0));
        if (bytes == 2)
            x64_shift_imm(ctx, X64_ROL_RM16_IMM8, dst, a, 8);
        else if (bytes == 4)
            x64_unary(ctx, X64_BSWAP_R32, dst, a);
        else if (bytes == 8)
            x64_unary(ctx, X64_BSWAP_R64, dst, a);
        else
            return x64_unsupported_type(ctx, inst, t);
        return true;
    }
    case CLIF_OP_ICMP: {
        x64_flags_cond c = x64_emit_icmp(ctx, inst);
        x64_cond_to_reg(ctx, c, dst);
        return true;
    }
    case CLIF_OP_SELECT:
    case CLIF_OP_SELECT_SPECTRE_GUARD: {
        ra_vreg tv = lw_put_in_reg(ctx, lw_arg(ctx, inst, 1));
        ra_vreg fv = lw_put_in_reg(ctx, lw_arg(ctx, inst, 2));
        x64_flags_cond c = x64_emit_cond(ctx, lw_arg(ctx, inst, 0));
        emit_select(ctx, c, bytes, dst, tv, fv);
        return true;
    }
    case CLIF_OP_BITSELECT: {
        ra_vreg c = lw_put_in_reg(ctx, lw_arg(ctx, inst, 0));
        ra_vreg x = lw_put_in_reg(ctx, lw_arg(ctx, inst, 1));
        ra_vreg y = lw_put_in_reg(ctx, lw_arg(ctx, inst, 2));
        ra_vreg t1 = lw_temp(ctx, RA_CLASS_INT, CLIF_I64);
        rb = x64_rmi_reg(c);
        x64_emit_alu(ctx, X64_ALU_AND, 8, t1, x, &rb);
        ra_vreg nc = lw_temp(ctx, RA_CLASS_INT, CLIF_I64);
        x64_unary(ctx, X64_NOT_RM64, nc, c);
        ra_vreg t2 = lw_temp(ctx, RA_CLASS_INT, CLIF_I64);
        rb = x64_rmi_reg(y);
        x64_emit_alu(ctx, X64_ALU_AND, 8, t2, nc, &rb);
        rb = x64_rmi_reg(t2);
        x64_emit_alu(ctx, X64_ALU_OR, 8, dst, t1, &rb);
        return true;
    }
    case CLIF_OP_BMASK: {
        clif_value x = lw_arg(ctx, inst, 0);
        uint32_t xb = x64_bytes(lw_type(ctx, x));
        static const x64_form neg[4] = {X64_NEG_RM8, X64_NEG_RM16, X64_NEG_RM32, X64_NEG_RM64};
        ra_vreg n = lw_temp(ctx, RA_CLASS_INT, CLIF_I64);
        x64_unary(ctx, neg[x64_size_index(xb)], n, lw_put_in_reg(ctx, x));
        /* sbb dst, dst: -1 when the negation borrowed (x != 0). */
        x64_build ib;
        xb_form(&ib, X64_SBB_R64_RM64);
        uint8_t d = xb_def(&ib, dst);
        xb_reg(&ib, 0, d);
        xb_reg(&ib, 1, d);
        xb_emit(ctx, &ib);
        return true;
    }
    case CLIF_OP_UEXTEND:
    case CLIF_OP_SEXTEND: {
        clif_value x = lw_arg(ctx, inst, 0);
        uint32_t from = x64_bytes(lw_type(ctx, x));
        x64_extend(ctx, dst, lw_put_in_reg(ctx, x), from, op == CLIF_OP_SEXTEND);
        return true;
    }
    case CLIF_OP_IREDUCE:
        lw_alias_output(ctx, lw_result(ctx, inst, 0), 0, lw_put_in_reg(ctx, lw_arg(ctx, inst, 0)));
        return true;
    case CLIF_OP_UADD_OVERFLOW:
    case CLIF_OP_SADD_OVERFLOW:
    case CLIF_OP_USUB_OVERFLOW:
    case CLIF_OP_SSUB_OVERFLOW:
    case CLIF_OP_UMUL_OVERFLOW:
    case CLIF_OP_SMUL_OVERFLOW:
    case CLIF_OP_UADD_OVERFLOW_CIN:
    case CLIF_OP_SADD_OVERFLOW_CIN:
    case CLIF_OP_USUB_OVERFLOW_BIN:
    case CLIF_OP_SSUB_OVERFLOW_BIN: return lower_overflow(ctx, inst, op, t);
    case CLIF_OP_UADD_OVERFLOW_TRAP: {
        ra_vreg a = lw_put_in_reg(ctx, lw_arg(ctx, inst, 0));
        ra_vreg b = lw_put_in_reg(ctx, lw_arg(ctx, inst, 1));
        alu_sized(ctx, X64_ALU_ADD, bytes, dst, a, b);
        x64_trapif(ctx, X64_CC_B, X64_CC_B, X64_CC_ONE, lw_data(ctx, inst)->trap);
        return true;
    }
    case CLIF_OP_UADD_SAT:
    case CLIF_OP_USUB_SAT:
    case CLIF_OP_SADD_SAT:
    case CLIF_OP_SSUB_SAT: {
        ra_vreg a = lw_put_in_reg(ctx, lw_arg(ctx, inst, 0));
        ra_vreg b = lw_put_in_reg(ctx, lw_arg(ctx, inst, 1));
        bool add = op == CLIF_OP_UADD_SAT || op == CLIF_OP_SADD_SAT;
        bool sign = op == CLIF_OP_SADD_SAT || op == CLIF_OP_SSUB_SAT;
        ra_vreg sat, r = lw_temp(ctx, RA_CLASS_INT, CLIF_I64);
        if (sign) {
            /* Overflow saturates toward a's sign: MAX ^ (a >> bits-1). */
            ra_vreg e = x64_extended(ctx, a, bytes, true);
            ra_vreg sg = lw_temp(ctx, RA_CLASS_INT, CLIF_I64);
            x64_shift_imm(ctx, X64_SAR_RM64_IMM8, sg, e, 63);
            ra_vreg max = x64_const_reg(ctx, ((uint64_t)1 << (bytes * 8 - 1)) - 1);
            sat = lw_temp(ctx, RA_CLASS_INT, CLIF_I64);
            x64_rmi rs = x64_rmi_reg(sg);
            x64_emit_alu(ctx, X64_ALU_XOR, 8, sat, max, &rs);
        } else {
            /* Loaded before the flags are set. */
            sat = x64_const_reg(ctx, add ? ~(uint64_t)0 : 0);
        }
        alu_sized(ctx, add ? X64_ALU_ADD : X64_ALU_SUB, bytes, r, a, b);
        x64_cmov(ctx, sign ? X64_CC_O : X64_CC_B, bytes == 8 ? 8 : 4, dst, sat, r);
        return true;
    }
    case CLIF_OP_AVG_ROUND: {
        ra_vreg a = lw_put_in_reg(ctx, lw_arg(ctx, inst, 0));
        ra_vreg b = lw_put_in_reg(ctx, lw_arg(ctx, inst, 1));
        /* (a | b) - ((a ^ b) >> 1), on zero-extended values. */
        ra_vreg ea = x64_extended(ctx, a, bytes, false), eb = x64_extended(ctx, b, bytes, false);
        ra_vreg o = lw_temp(ctx, RA_CLASS_INT, CLIF_I64), x = lw_temp(ctx, RA_CLASS_INT, CLIF_I64);
        ra_vreg h = lw_temp(ctx, RA_CLASS_INT, CLIF_I64);
        rb = x64_rmi_reg(eb);
        x64_emit_alu(ctx, X64_ALU_OR, 8, o, ea, &rb);
        x64_emit_alu(ctx, X64_ALU_XOR, 8, x, ea, &rb);
        x64_shift_imm(ctx, X64_SHR_RM64_IMM8, h, x, 1);
        rb = x64_rmi_reg(h);
        x64_emit_alu(ctx, X64_ALU_SUB, 8, dst, o, &rb);
        return true;
    }
    case CLIF_OP_NOP:
    case CLIF_OP_SEQUENCE_POINT: return true;
    default: break;
    }
    char tn[32];
    return lw_unsupported(ctx, "unsupported: %s.%s on x86_64", clif_opcode_info_of(op)->name,
                          x64_type_name(t, tn));
}
