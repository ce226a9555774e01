/* x86-64 lowering of i128 values as pairs of 64-bit registers (low, high):
 * carry chains, double shifts, two-word compares and counts. */
#include <string.h>

#include "isa/x64/x64.h"

void x64_emit_clz(lower_ctx *ctx, ra_vreg dst, ra_vreg a, uint32_t bytes);
void x64_emit_ctz(lower_ctx *ctx, ra_vreg dst, ra_vreg a, uint32_t bytes);
void x64_emit_popcnt(lower_ctx *ctx, ra_vreg dst, ra_vreg a, uint32_t bytes);
void x64_emit_rev64(lower_ctx *ctx, ra_vreg dst, ra_vreg a);

typedef struct pair {
    ra_vreg lo, hi;
} pair;

static ra_vreg t64(lower_ctx *ctx) {
    return lw_temp(ctx, RA_CLASS_INT, CLIF_I64);
}

/* A value as a pair; narrower integers are zero- or sign-extended. */
static pair in_pair(lower_ctx *ctx, clif_value v) {
    ra_vreg r[2];
    lw_put_in_regs(ctx, v, r);
    pair p = {r[0], r[1]};
    return p;
}

static pair out_pair(lower_ctx *ctx, clif_inst inst, uint32_t n) {
    ra_vreg r[2];
    lw_output_regs(ctx, lw_result(ctx, inst, n), r);
    pair p = {r[0], r[1]};
    return p;
}

static void alu(lower_ctx *ctx, x64_alu op, ra_vreg dst, ra_vreg a, ra_vreg b) {
    x64_rmi x = x64_rmi_reg(b);
    x64_emit_alu(ctx, op, 8, dst, a, &x);
}

static void alu_imm(lower_ctx *ctx, x64_alu op, ra_vreg dst, ra_vreg a, int64_t imm) {
    x64_rmi x = x64_rmi_imm(imm);
    x64_emit_alu(ctx, op, 8, dst, a, &x);
}

/* Flags for a < b (cc_lt: L or B), computed as the borrow of a - b. */
static void cmp_lt(lower_ctx *ctx, pair a, pair b) {
    x64_rmi x = x64_rmi_reg(b.lo);
    x64_cmp(ctx, 8, a.lo, &x);
    alu(ctx, X64_ALU_SBB, t64(ctx), a.hi, b.hi);
}

x64_flags_cond x64_emit_icmp128(lower_ctx *ctx, clif_inst cmp) {
    clif_intcc cc = (clif_intcc)lw_data(ctx, cmp)->cond;
    pair a = in_pair(ctx, lw_arg(ctx, cmp, 0)), b = in_pair(ctx, lw_arg(ctx, cmp, 1));
    x64_flags_cond c = {X64_CC_E, X64_CC_E, X64_CC_ONE};
    switch (cc) {
    case CLIF_ICC_EQ:
    case CLIF_ICC_NE: {
        ra_vreg x = t64(ctx), y = t64(ctx);
        alu(ctx, X64_ALU_XOR, x, a.lo, b.lo);
        alu(ctx, X64_ALU_XOR, y, a.hi, b.hi);
        alu(ctx, X64_ALU_OR, t64(ctx), x, y);
        c.cc = c.cc2 = cc == CLIF_ICC_EQ ? X64_CC_E : X64_CC_NE;
        return c;
    }
    case CLIF_ICC_SLT: cmp_lt(ctx, a, b), c.cc = X64_CC_L; break;
    case CLIF_ICC_SGE: cmp_lt(ctx, a, b), c.cc = X64_CC_GE; break;
    case CLIF_ICC_SGT: cmp_lt(ctx, b, a), c.cc = X64_CC_L; break;
    case CLIF_ICC_SLE: cmp_lt(ctx, b, a), c.cc = X64_CC_GE; break;
    case CLIF_ICC_ULT: cmp_lt(ctx, a, b), c.cc = X64_CC_B; break;
    case CLIF_ICC_UGE: cmp_lt(ctx, a, b), c.cc = X64_CC_AE; break;
    case CLIF_ICC_UGT: cmp_lt(ctx, b, a), c.cc = X64_CC_B; break;
    case CLIF_ICC_ULE: cmp_lt(ctx, b, a), c.cc = X64_CC_AE; break;
    default: break;
    }
    c.cc2 = c.cc;
    return c;
}

/* Makes a one-condition flag state from any condition. */
static x64_cc single_cc(lower_ctx *ctx, x64_flags_cond c) {
    if (c.mode == X64_CC_ONE) return c.cc;
    ra_vreg b = lw_temp(ctx, RA_CLASS_INT, CLIF_I8);
    x64_cond_to_reg(ctx, c, b);
    x64_test(ctx, 1, b);
    return X64_CC_NE;
}

static void select_pair(lower_ctx *ctx, x64_cc cc, pair dst, pair t, pair f) {
    x64_cmov(ctx, cc, 8, dst.lo, t.lo, f.lo);
    x64_cmov(ctx, cc, 8, dst.hi, t.hi, f.hi);
}

/* Shifts of a pair by the amount in a register (taken mod 128). */
typedef enum { SH_SHL, SH_USHR, SH_SSHR } shift_kind;

static pair shift_pair(lower_ctx *ctx, shift_kind k, pair a, ra_vreg amt) {
    ra_vreg zero = x64_const_reg(ctx, 0);
    ra_vreg sign = CLIF_NONE;
    if (k == SH_SSHR) {
        sign = t64(ctx);
        x64_shift_imm(ctx, X64_SAR_RM64_IMM8, sign, a.hi, 63);
    }
    ra_vreg lo = t64(ctx), hi = t64(ctx);
    x64_build b;
    if (k == SH_SHL) {
        x64_shift_cl(ctx, X64_SHL_RM64_CL, lo, a.lo, amt);
        xb_form(&b, X64_SHLD_RM64_R64_CL);
        uint8_t uh = xb_use(&b, a.hi);
        xb_reg(&b, 1, xb_use(&b, a.lo));
        xb_op(&b, ra_use_fixed(amt, X64_RCX));
        xb_reg(&b, 0, xb_op(&b, ra_def_reuse(hi, uh)));
        xb_reg(&b, 2, X64_PHYS(X64_RCX));
        xb_emit(ctx, &b);
    } else {
        xb_form(&b, X64_SHRD_RM64_R64_CL);
        uint8_t ul = xb_use(&b, a.lo);
        xb_reg(&b, 1, xb_use(&b, a.hi));
        xb_op(&b, ra_use_fixed(amt, X64_RCX));
        xb_reg(&b, 0, xb_op(&b, ra_def_reuse(lo, ul)));
        xb_reg(&b, 2, X64_PHYS(X64_RCX));
        xb_emit(ctx, &b);
        x64_shift_cl(ctx, k == SH_USHR ? X64_SHR_RM64_CL : X64_SAR_RM64_CL, hi, a.hi, amt);
    }
    /* Amounts with bit 6 set move one word across. */
    x64_build tb;
    xb_form(&tb, X64_TEST_RM32_IMM32);
    xb_reg(&tb, 0, xb_use(&tb, amt));
    xb_imm(&tb, 1, 64);
    xb_emit(ctx, &tb);
    pair r = {t64(ctx), t64(ctx)};
    if (k == SH_SHL) {
        x64_cmov(ctx, X64_CC_NE, 8, r.hi, lo, hi);
        x64_cmov(ctx, X64_CC_NE, 8, r.lo, zero, lo);
    } else {
        x64_cmov(ctx, X64_CC_NE, 8, r.lo, hi, lo);
        x64_cmov(ctx, X64_CC_NE, 8, r.hi, k == SH_SSHR ? sign : zero, hi);
    }
    return r;
}

static ra_vreg amount_reg(lower_ctx *ctx, clif_value v) {
    ra_vreg r[2];
    lw_put_in_regs(ctx, v, r);
    return r[0];
}

static void alias_pair(lower_ctx *ctx, clif_inst inst, pair p) {
    lw_alias_output(ctx, lw_result(ctx, inst, 0), 0, p.lo);
    lw_alias_output(ctx, lw_result(ctx, inst, 0), 1, p.hi);
}

static ra_vreg clz64(lower_ctx *ctx, ra_vreg a) {
    ra_vreg d = t64(ctx);
    x64_emit_clz(ctx, d, a, 8);
    return d;
}

static ra_vreg ctz64(lower_ctx *ctx, ra_vreg a) {
    ra_vreg d = t64(ctx);
    x64_emit_ctz(ctx, d, a, 8);
    return d;
}

/* clz of a pair as a 64-bit count. */
static ra_vreg clz128(lower_ctx *ctx, pair a) {
    ra_vreg ch = clz64(ctx, a.hi), cl = clz64(ctx, a.lo);
    ra_vreg cl64 = t64(ctx);
    alu_imm(ctx, X64_ALU_ADD, cl64, cl, 64);
    x64_test(ctx, 8, a.hi);
    ra_vreg r = t64(ctx);
    x64_cmov(ctx, X64_CC_NE, 8, r, ch, cl64);
    return r;
}

static bool lower_overflow128(lower_ctx *ctx, clif_inst inst, clif_opcode op) {
    pair a = in_pair(ctx, lw_arg(ctx, inst, 0)), b = in_pair(ctx, lw_arg(ctx, inst, 1));
    pair d = out_pair(ctx, inst, 0);
    bool add = op == CLIF_OP_UADD_OVERFLOW || op == CLIF_OP_SADD_OVERFLOW;
    alu(ctx, add ? X64_ALU_ADD : X64_ALU_SUB, d.lo, a.lo, b.lo);
    alu(ctx, add ? X64_ALU_ADC : X64_ALU_SBB, d.hi, a.hi, b.hi);
    bool uns = op == CLIF_OP_UADD_OVERFLOW || op == CLIF_OP_USUB_OVERFLOW;
    x64_setcc(ctx, uns ? X64_CC_B : X64_CC_O, lw_output_reg(ctx, lw_result(ctx, inst, 1)));
    return true;
}

bool x64_lower_i128(lower_ctx *ctx, clif_inst inst) {
    clif_opcode op = lw_opcode(ctx, inst);
    uint32_t nres = lw_num_results(ctx, inst);
    clif_type t = nres ? lw_type(ctx, lw_result(ctx, inst, 0)) : CLIF_I128;
    switch (op) {
    case CLIF_OP_ICONST: {
        pair d = out_pair(ctx, inst, 0);
        x64_load_const(ctx, d.lo, lw_data(ctx, inst)->imm);
        x64_load_const(ctx, d.hi, 0);
        return true;
    }
    case CLIF_OP_IADD:
    case CLIF_OP_ISUB: {
        pair a = in_pair(ctx, lw_arg(ctx, inst, 0)), b = in_pair(ctx, lw_arg(ctx, inst, 1));
        pair d = out_pair(ctx, inst, 0);
        bool add = op == CLIF_OP_IADD;
        alu(ctx, add ? X64_ALU_ADD : X64_ALU_SUB, d.lo, a.lo, b.lo);
        alu(ctx, add ? X64_ALU_ADC : X64_ALU_SBB, d.hi, a.hi, b.hi);
        return true;
    }
    case CLIF_OP_BAND:
    case CLIF_OP_BOR:
    case CLIF_OP_BXOR: {
        pair a = in_pair(ctx, lw_arg(ctx, inst, 0)), b = in_pair(ctx, lw_arg(ctx, inst, 1));
        pair d = out_pair(ctx, inst, 0);
        x64_alu k = op == CLIF_OP_BAND ? X64_ALU_AND : op == CLIF_OP_BOR ? X64_ALU_OR : X64_ALU_XOR;
        alu(ctx, k, d.lo, a.lo, b.lo);
        alu(ctx, k, d.hi, a.hi, b.hi);
        return true;
    }
    case CLIF_OP_BNOT: {
        pair a = in_pair(ctx, lw_arg(ctx, inst, 0)), d = out_pair(ctx, inst, 0);
        x64_unary(ctx, X64_NOT_RM64, d.lo, a.lo);
        x64_unary(ctx, X64_NOT_RM64, d.hi, a.hi);
        return true;
    }
    case CLIF_OP_INEG: {
        pair a = in_pair(ctx, lw_arg(ctx, inst, 0)), d = out_pair(ctx, inst, 0);
        x64_unary(ctx, X64_NEG_RM64, d.lo, a.lo);
        ra_vreg h = t64(ctx);
        alu_imm(ctx, X64_ALU_ADC, h, a.hi, 0);
        x64_unary(ctx, X64_NEG_RM64, d.hi, h);
        return true;
    }
    case CLIF_OP_IABS: {
        pair a = in_pair(ctx, lw_arg(ctx, inst, 0)), d = out_pair(ctx, inst, 0);
        ra_vreg s = t64(ctx), xl = t64(ctx), xh = t64(ctx);
        x64_shift_imm(ctx, X64_SAR_RM64_IMM8, s, a.hi, 63);
        alu(ctx, X64_ALU_XOR, xl, a.lo, s);
        alu(ctx, X64_ALU_XOR, xh, a.hi, s);
        alu(ctx, X64_ALU_SUB, d.lo, xl, s);
        alu(ctx, X64_ALU_SBB, d.hi, xh, s);
        return true;
    }
    case CLIF_OP_IMUL: {
        pair a = in_pair(ctx, lw_arg(ctx, inst, 0)), b = in_pair(ctx, lw_arg(ctx, inst, 1));
        pair d = out_pair(ctx, inst, 0);
        ra_vreg hi0 = t64(ctx);
        x64_build m;
        xb_form(&m, X64_MUL_RM64);
        xb_op(&m, ra_use_fixed(a.lo, X64_RAX));
        xb_reg(&m, 0, xb_use(&m, b.lo));
        xb_op(&m, ra_def_fixed(d.lo, X64_RAX));
        xb_op(&m, ra_def_fixed(hi0, X64_RDX));
        xb_emit(ctx, &m);
        ra_vreg p1 = t64(ctx), p2 = t64(ctx), s1 = t64(ctx);
        x64_rmi x = x64_rmi_reg(b.hi);
        x64_build i1;
        xb_form(&i1, X64_IMUL_R64_RM64);
        uint8_t u = xb_use(&i1, a.lo);
        xb_rmi(&i1, 1, &x);
        xb_reg(&i1, 0, xb_op(&i1, ra_def_reuse(p1, u)));
        xb_emit(ctx, &i1);
        x = x64_rmi_reg(b.lo);
        xb_form(&i1, X64_IMUL_R64_RM64);
        u = xb_use(&i1, a.hi);
        xb_rmi(&i1, 1, &x);
        xb_reg(&i1, 0, xb_op(&i1, ra_def_reuse(p2, u)));
        xb_emit(ctx, &i1);
        alu(ctx, X64_ALU_ADD, s1, hi0, p1);
        alu(ctx, X64_ALU_ADD, d.hi, s1, p2);
        return true;
    }
    case CLIF_OP_ICMP: {
        x64_flags_cond c = x64_emit_icmp128(ctx, inst);
        x64_cond_to_reg(ctx, c, lw_output_reg(ctx, lw_result(ctx, inst, 0)));
        return true;
    }
    case CLIF_OP_SELECT:
    case CLIF_OP_SELECT_SPECTRE_GUARD: {
        pair tv = in_pair(ctx, lw_arg(ctx, inst, 1)), fv = in_pair(ctx, lw_arg(ctx, inst, 2));
        x64_cc cc = single_cc(ctx, x64_emit_cond(ctx, lw_arg(ctx, inst, 0)));
        select_pair(ctx, cc, out_pair(ctx, inst, 0), tv, fv);
        return true;
    }
    case CLIF_OP_BITSELECT: {
        pair c = in_pair(ctx, lw_arg(ctx, inst, 0)), x = in_pair(ctx, lw_arg(ctx, inst, 1));
        pair y = in_pair(ctx, lw_arg(ctx, inst, 2)), d = out_pair(ctx, inst, 0);
        ra_vreg cs[2] = {c.lo, c.hi}, xs[2] = {x.lo, x.hi}, ys[2] = {y.lo, y.hi};
        ra_vreg ds[2] = {d.lo, d.hi};
        for (int k = 0; k < 2; k++) {
            ra_vreg a = t64(ctx), n = t64(ctx), b = t64(ctx);
            alu(ctx, X64_ALU_AND, a, xs[k], cs[k]);
            x64_unary(ctx, X64_NOT_RM64, n, cs[k]);
            alu(ctx, X64_ALU_AND, b, n, ys[k]);
            alu(ctx, X64_ALU_OR, ds[k], a, b);
        }
        return true;
    }
    case CLIF_OP_BMASK: {
        clif_value x = lw_arg(ctx, inst, 0);
        clif_type xt = lw_type(ctx, x);
        ra_vreg r[2];
        lw_put_in_regs(ctx, x, r);
        ra_vreg n = t64(ctx);
        if (xt == CLIF_I128) {
            ra_vreg o = t64(ctx);
            alu(ctx, X64_ALU_OR, o, r[0], r[1]);
            x64_unary(ctx, X64_NEG_RM64, n, o);
        } else {
            static const x64_form neg[4] = {X64_NEG_RM8, X64_NEG_RM16, X64_NEG_RM32, X64_NEG_RM64};
            x64_unary(ctx, neg[x64_size_index(x64_bytes(xt))], n, r[0]);
        }
        ra_vreg m = t == CLIF_I128 ? t64(ctx) : lw_output_reg(ctx, lw_result(ctx, inst, 0));
        x64_build b;
        xb_form(&b, X64_SBB_R64_RM64);
        uint8_t d = xb_def(&b, m);
        xb_reg(&b, 0, d);
        xb_reg(&b, 1, d);
        xb_emit(ctx, &b);
        if (t == CLIF_I128) {
            pair p = {m, m};
            alias_pair(ctx, inst, p);
        }
        return true;
    }
    case CLIF_OP_UEXTEND:
    case CLIF_OP_SEXTEND: {
        clif_value x = lw_arg(ctx, inst, 0);
        uint32_t from = x64_bytes(lw_type(ctx, x));
        pair d = out_pair(ctx, inst, 0);
        x64_extend(ctx, d.lo, lw_put_in_reg(ctx, x), from, op == CLIF_OP_SEXTEND);
        if (op == CLIF_OP_SEXTEND)
            x64_shift_imm(ctx, X64_SAR_RM64_IMM8, d.hi, d.lo, 63);
        else
            x64_load_const(ctx, d.hi, 0);
        return true;
    }
    case CLIF_OP_IREDUCE: {
        pair a = in_pair(ctx, lw_arg(ctx, inst, 0));
        lw_alias_output(ctx, lw_result(ctx, inst, 0), 0, a.lo);
        return true;
    }
    case CLIF_OP_ICONCAT: {
        pair p = {lw_put_in_reg(ctx, lw_arg(ctx, inst, 0)),
                  lw_put_in_reg(ctx, lw_arg(ctx, inst, 1))};
        alias_pair(ctx, inst, p);
        return true;
    }
    case CLIF_OP_ISPLIT: {
        pair a = in_pair(ctx, lw_arg(ctx, inst, 0));
        lw_alias_output(ctx, lw_result(ctx, inst, 0), 0, a.lo);
        lw_alias_output(ctx, lw_result(ctx, inst, 1), 0, a.hi);
        return true;
    }
    case CLIF_OP_ISHL:
    case CLIF_OP_USHR:
    case CLIF_OP_SSHR: {
        pair a = in_pair(ctx, lw_arg(ctx, inst, 0));
        ra_vreg amt = amount_reg(ctx, lw_arg(ctx, inst, 1));
        shift_kind k = op == CLIF_OP_ISHL ? SH_SHL : op == CLIF_OP_USHR ? SH_USHR : SH_SSHR;
        alias_pair(ctx, inst, shift_pair(ctx, k, a, amt));
        return true;
    }
    case CLIF_OP_ROTL:
    case CLIF_OP_ROTR: {
        pair a = in_pair(ctx, lw_arg(ctx, inst, 0));
        ra_vreg amt = amount_reg(ctx, lw_arg(ctx, inst, 1));
        ra_vreg neg = t64(ctx);
        x64_unary(ctx, X64_NEG_RM64, neg, amt);
        pair l = shift_pair(ctx, op == CLIF_OP_ROTL ? SH_SHL : SH_USHR, a, amt);
        pair r = shift_pair(ctx, op == CLIF_OP_ROTL ? SH_USHR : SH_SHL, a, neg);
        pair d = out_pair(ctx, inst, 0);
        alu(ctx, X64_ALU_OR, d.lo, l.lo, r.lo);
        alu(ctx, X64_ALU_OR, d.hi, l.hi, r.hi);
        return true;
    }
    case CLIF_OP_CLZ: {
        pair a = in_pair(ctx, lw_arg(ctx, inst, 0));
        pair p = {clz128(ctx, a), x64_const_reg(ctx, 0)};
        alias_pair(ctx, inst, p);
        return true;
    }
    case CLIF_OP_CTZ: {
        pair a = in_pair(ctx, lw_arg(ctx, inst, 0));
        ra_vreg cl = ctz64(ctx, a.lo), ch = ctz64(ctx, a.hi), ch64 = t64(ctx);
        alu_imm(ctx, X64_ALU_ADD, ch64, ch, 64);
        x64_test(ctx, 8, a.lo);
        ra_vreg r = t64(ctx);
        x64_cmov(ctx, X64_CC_NE, 8, r, cl, ch64);
        pair p = {r, x64_const_reg(ctx, 0)};
        alias_pair(ctx, inst, p);
        return true;
    }
    case CLIF_OP_POPCNT: {
        pair a = in_pair(ctx, lw_arg(ctx, inst, 0));
        ra_vreg pl = t64(ctx), ph = t64(ctx), s = t64(ctx);
        x64_emit_popcnt(ctx, pl, a.lo, 8);
        x64_emit_popcnt(ctx, ph, a.hi, 8);
        alu(ctx, X64_ALU_ADD, s, pl, ph);
        pair p = {s, x64_const_reg(ctx, 0)};
        alias_pair(ctx, inst, p);
        return true;
    }
    case CLIF_OP_CLS: {
        pair a = in_pair(ctx, lw_arg(ctx, inst, 0));
        ra_vreg one = x64_const_reg(ctx, 1);
        pair s = shift_pair(ctx, SH_SSHR, a, one);
        pair x = {t64(ctx), t64(ctx)};
        alu(ctx, X64_ALU_XOR, x.lo, a.lo, s.lo);
        alu(ctx, X64_ALU_XOR, x.hi, a.hi, s.hi);
        ra_vreg c = clz128(ctx, x), r = t64(ctx);
        alu_imm(ctx, X64_ALU_SUB, r, c, 1);
        pair p = {r, x64_const_reg(ctx, 0)};
        alias_pair(ctx, inst, p);
        return true;
    }
    case CLIF_OP_BITREV:
    case CLIF_OP_BSWAP: {
        pair a = in_pair(ctx, lw_arg(ctx, inst, 0)), d = out_pair(ctx, inst, 0);
        if (op == CLIF_OP_BITREV) {
            x64_emit_rev64(ctx, d.lo, a.hi);
            x64_emit_rev64(ctx, d.hi, a.lo);
        } else {
            x64_unary(ctx, X64_BSWAP_R64, d.lo, a.hi);
            x64_unary(ctx, X64_BSWAP_R64, d.hi, a.lo);
        }
        return true;
    }
    case CLIF_OP_SMIN:
    case CLIF_OP_UMIN:
    case CLIF_OP_SMAX:
    case CLIF_OP_UMAX: {
        pair a = in_pair(ctx, lw_arg(ctx, inst, 0)), b = in_pair(ctx, lw_arg(ctx, inst, 1));
        bool sign = op == CLIF_OP_SMIN || op == CLIF_OP_SMAX;
        bool min = op == CLIF_OP_SMIN || op == CLIF_OP_UMIN;
        cmp_lt(ctx, a, b);
        x64_cc lt = sign ? X64_CC_L : X64_CC_B;
        select_pair(ctx, lt, out_pair(ctx, inst, 0), min ? a : b, min ? b : a);
        return true;
    }
    case CLIF_OP_UADD_OVERFLOW:
    case CLIF_OP_SADD_OVERFLOW:
    case CLIF_OP_USUB_OVERFLOW:
    case CLIF_OP_SSUB_OVERFLOW: return lower_overflow128(ctx, inst, op);
    default: break;
    }
    char tn[32];
    return lw_unsupported(ctx, "unsupported: i128 %s on x86_64 (%s)", clif_opcode_info_of(op)->name,
                          x64_type_name(t, tn));
}
