/* x86-64 vector operations beyond moves and plain arithmetic: integer and
 * float compares producing lane masks, vany_true / vall_true / vhigh_bits,
 * insertlane, widening, multiplication, saturating arithmetic, min / max,
 * absolute value and pairwise addition. SSE2 sequences are the baseline;
 * SSSE3 / SSE4.1 / SSE4.2 forms are used when the ISA flags have them. */
#include <string.h>

#include "isa/x64/simd.h"

static ra_vreg arg(lower_ctx *ctx, clif_inst inst, uint32_t i) {
    return lw_put_in_reg(ctx, lw_arg(ctx, inst, i));
}

static ra_vreg bin(lower_ctx *ctx, x64_form form, ra_vreg a, ra_vreg b) {
    ra_vreg d = xs_vtemp(ctx);
    xs_binop(ctx, form, d, a, b);
    return d;
}

/* dst = a shifted by an immediate (psrlq-style, dst tied to a). */
static ra_vreg shift_imm(lower_ctx *ctx, x64_form form, ra_vreg a, uint8_t amt) {
    ra_vreg d = xs_vtemp(ctx);
    x64_build b;
    xb_form(&b, form);
    uint8_t ua = xb_use(&b, a);
    xb_reg(&b, 0, xb_op(&b, ra_def_reuse(d, ua)));
    xb_imm(&b, 1, amt);
    xb_emit(ctx, &b);
    return d;
}

/* dst = form(a, src, imm) with dst tied to a (cmpps, pinsr*, insertps). */
static void tied_imm(lower_ctx *ctx, x64_form form, ra_vreg dst, ra_vreg a, ra_vreg src,
                     uint8_t imm) {
    x64_build b;
    xb_form(&b, form);
    uint8_t ua = xb_use(&b, a);
    xb_reg(&b, 1, xb_use(&b, src));
    xb_reg(&b, 0, xb_op(&b, ra_def_reuse(dst, ua)));
    xb_imm(&b, 2, imm);
    xb_emit(ctx, &b);
}

static ra_vreg bnot(lower_ctx *ctx, ra_vreg x) {
    ra_vreg d = xs_vtemp(ctx);
    x64_rmi ones = xs_lane_const(ctx, ~(uint64_t)0, 8);
    x64_xmm_binop(ctx, X64_PXOR_X_XM128, d, x, &ones);
    return d;
}

/* (m & x) | (y & ~m). */
static ra_vreg blend(lower_ctx *ctx, ra_vreg m, ra_vreg x, ra_vreg y) {
    ra_vreg a = bin(ctx, X64_PAND_X_XM128, m, x);
    ra_vreg b = bin(ctx, X64_PANDN_X_XM128, m, y);
    return bin(ctx, X64_POR_X_XM128, a, b);
}

static bool has(lower_ctx *ctx, int flag) {
    return x64_has(ctx, flag);
}

/* ---- integer compares ---- */

static ra_vreg cmpeq(lower_ctx *ctx, uint32_t li, ra_vreg a, ra_vreg b) {
    static const x64_form f[3] = {X64_PCMPEQB_X_XM128, X64_PCMPEQW_X_XM128, X64_PCMPEQD_X_XM128};
    if (li < 3) return bin(ctx, f[li], a, b);
    if (has(ctx, X64_FLAG_SSE41)) return bin(ctx, X64_PCMPEQQ_X_XM128, a, b);
    /* Both 32-bit halves equal. */
    ra_vreg e = bin(ctx, X64_PCMPEQD_X_XM128, a, b), s = xs_vtemp(ctx);
    xs_shuf_imm(ctx, X64_PSHUFD_X_XM128_IMM8, s, e, 0xb1);
    return bin(ctx, X64_PAND_X_XM128, e, s);
}

static ra_vreg cmpgt(lower_ctx *ctx, uint32_t li, ra_vreg a, ra_vreg b) {
    static const x64_form f[4] = {X64_PCMPGTB_X_XM128, X64_PCMPGTW_X_XM128, X64_PCMPGTD_X_XM128,
                                  X64_PCMPGTQ_X_XM128};
    if (li < 3 || has(ctx, X64_FLAG_SSE42)) return bin(ctx, f[li], a, b);
    /* SSE2: with the low dwords' sign bits flipped, pcmpgtd compares the low
     * halves unsigned and the high halves signed; gt = gt_hi | (eq_hi & gt_lo). */
    x64_rmi flip = xs_lane_const(ctx, 0x80000000ull, 8);
    ra_vreg a2 = xs_vtemp(ctx), b2 = xs_vtemp(ctx);
    x64_xmm_binop(ctx, X64_PXOR_X_XM128, a2, a, &flip);
    x64_xmm_binop(ctx, X64_PXOR_X_XM128, b2, b, &flip);
    ra_vreg gt = bin(ctx, X64_PCMPGTD_X_XM128, a2, b2), eq = bin(ctx, X64_PCMPEQD_X_XM128, a2, b2);
    ra_vreg gt_lo = xs_vtemp(ctx), gt_hi = xs_vtemp(ctx), eq_hi = xs_vtemp(ctx);
    xs_shuf_imm(ctx, X64_PSHUFD_X_XM128_IMM8, gt_lo, gt, 0xa0);
    xs_shuf_imm(ctx, X64_PSHUFD_X_XM128_IMM8, gt_hi, gt, 0xf5);
    xs_shuf_imm(ctx, X64_PSHUFD_X_XM128_IMM8, eq_hi, eq, 0xf5);
    return bin(ctx, X64_POR_X_XM128, gt_hi, bin(ctx, X64_PAND_X_XM128, eq_hi, gt_lo));
}

static bool icmp_ok(lower_ctx *ctx, clif_intcc cc, uint32_t li) {
    (void)ctx, (void)cc, (void)li;
    return true;
}

/* The lane mask of `a cc b` (check icmp_ok first). */
static ra_vreg icmp_mask(lower_ctx *ctx, clif_intcc cc, uint32_t li, ra_vreg a, ra_vreg b) {
    if (cc == CLIF_ICC_EQ) return cmpeq(ctx, li, a, b);
    if (cc == CLIF_ICC_NE) return bnot(ctx, cmpeq(ctx, li, a, b));
    bool uns = cc == CLIF_ICC_ULT || cc == CLIF_ICC_UGE || cc == CLIF_ICC_UGT || cc == CLIF_ICC_ULE;
    if (uns) {
        /* Flipping the sign bits turns unsigned order into signed order. */
        uint32_t lb = 1u << li;
        x64_rmi sb = xs_lane_const(ctx, (uint64_t)1 << (8 * lb - 1), lb);
        ra_vreg a2 = xs_vtemp(ctx), b2 = xs_vtemp(ctx);
        x64_xmm_binop(ctx, X64_PXOR_X_XM128, a2, a, &sb);
        x64_xmm_binop(ctx, X64_PXOR_X_XM128, b2, b, &sb);
        a = a2, b = b2;
    }
    switch (cc) {
    case CLIF_ICC_SGT:
    case CLIF_ICC_UGT: return cmpgt(ctx, li, a, b);
    case CLIF_ICC_SLT:
    case CLIF_ICC_ULT: return cmpgt(ctx, li, b, a);
    case CLIF_ICC_SGE:
    case CLIF_ICC_UGE: return bnot(ctx, cmpgt(ctx, li, b, a));
    default: return bnot(ctx, cmpgt(ctx, li, a, b)); /* sle, ule */
    }
}

/* ---- float compares ---- */

static ra_vreg cmpp(lower_ctx *ctx, bool f64, uint8_t pred, ra_vreg a, ra_vreg b) {
    ra_vreg d = xs_vtemp(ctx);
    tied_imm(ctx, f64 ? X64_CMPPD_X_XM128_IMM8 : X64_CMPPS_X_XM128_IMM8, d, a, b, pred);
    return d;
}

static ra_vreg fcmp_mask(lower_ctx *ctx, clif_floatcc cc, bool f64, ra_vreg a, ra_vreg b) {
    /* cmpps predicates: 0 eq, 1 lt, 2 le, 3 unord, 4 neq, 5 nlt, 6 nle, 7 ord. */
    switch (cc) {
    case CLIF_FCC_EQ: return cmpp(ctx, f64, 0, a, b);
    case CLIF_FCC_NE: return cmpp(ctx, f64, 4, a, b);
    case CLIF_FCC_LT: return cmpp(ctx, f64, 1, a, b);
    case CLIF_FCC_LE: return cmpp(ctx, f64, 2, a, b);
    case CLIF_FCC_GT: return cmpp(ctx, f64, 1, b, a);
    case CLIF_FCC_GE: return cmpp(ctx, f64, 2, b, a);
    case CLIF_FCC_UNO: return cmpp(ctx, f64, 3, a, b);
    case CLIF_FCC_ORD: return cmpp(ctx, f64, 7, a, b);
    case CLIF_FCC_UGT: return cmpp(ctx, f64, 6, a, b);
    case CLIF_FCC_UGE: return cmpp(ctx, f64, 5, a, b);
    case CLIF_FCC_ULT: return cmpp(ctx, f64, 6, b, a);
    case CLIF_FCC_ULE: return cmpp(ctx, f64, 5, b, a);
    case CLIF_FCC_ONE:
        return bin(ctx, X64_PAND_X_XM128, cmpp(ctx, f64, 7, a, b), cmpp(ctx, f64, 4, a, b));
    default: /* ueq */
        return bin(ctx, X64_POR_X_XM128, cmpp(ctx, f64, 3, a, b), cmpp(ctx, f64, 0, a, b));
    }
}

/* ---- masks to scalars ---- */

static void movmsk(lower_ctx *ctx, x64_form form, ra_vreg dst, ra_vreg x) {
    x64_build b;
    xb_form(&b, form);
    xb_reg(&b, 1, xb_use(&b, x));
    xb_reg(&b, 0, xb_def(&b, dst));
    xb_emit(ctx, &b);
}

static void any_all_true(lower_ctx *ctx, bool all, uint32_t li, ra_vreg x, ra_vreg dst) {
    ra_vreg m = lw_temp(ctx, RA_CLASS_INT, CLIF_I32);
    /* Lanes equal to zero become all ones. */
    movmsk(ctx, X64_PMOVMSKB_R32_X, m, cmpeq(ctx, all ? li : 0, x, xs_zero_vec(ctx)));
    if (all) {
        x64_test(ctx, 4, m);
        x64_setcc(ctx, X64_CC_E, dst);
    } else {
        x64_rmi k = {X64_RMI_IMM, CLIF_NONE, {0}, 0xffff};
        x64_cmp(ctx, 4, m, &k);
        x64_setcc(ctx, X64_CC_NE, dst);
    }
}

static void high_bits(lower_ctx *ctx, uint32_t li, ra_vreg x, ra_vreg dst) {
    if (li == 0) {
        movmsk(ctx, X64_PMOVMSKB_R32_X, dst, x);
    } else if (li == 2) {
        movmsk(ctx, X64_MOVMSKPS_R32_X, dst, x);
    } else if (li == 3) {
        movmsk(ctx, X64_MOVMSKPD_R32_X, dst, x);
    } else {
        /* packsswb keeps each word's sign in a byte; the copy in the high
         * half is shifted out. */
        ra_vreg m = lw_temp(ctx, RA_CLASS_INT, CLIF_I32);
        movmsk(ctx, X64_PMOVMSKB_R32_X, m, bin(ctx, X64_PACKSSWB_X_XM128, x, x));
        x64_shift_imm(ctx, X64_SHR_RM32_IMM8, dst, m, 8);
    }
}

/* ---- insertlane ---- */

static bool insertlane(lower_ctx *ctx, clif_inst inst, clif_type lane, uint32_t li, ra_vreg dst) {
    uint8_t k = lw_data(ctx, inst)->lane;
    bool sse41 = has(ctx, X64_FLAG_SSE41), flt = clif_type_is_float(lane);
    if (li == 3) {
        ra_vreg v = arg(ctx, inst, 0), s = arg(ctx, inst, 1);
        if (!flt && sse41) {
            tied_imm(ctx, X64_PINSRQ_X_RM64_IMM8, dst, v, s, k);
            return true;
        }
        if (!flt) {
            ra_vreg t = xs_vtemp(ctx);
            xs_gpr_to_xmm(ctx, t, s, true);
            s = t;
        }
        xs_binop(ctx, k == 0 ? X64_MOVSD_X_XM64 : X64_MOVLHPS_X_X, dst, v, s);
        return true;
    }
    if (li == 1) {
        tied_imm(ctx, X64_PINSRW_X_R32M16_IMM8, dst, arg(ctx, inst, 0), arg(ctx, inst, 1), k);
        return true;
    }
    if (li == 0 && !sse41) {
        /* The byte merged into its word: pextrw, mask, or, pinsrw. */
        ra_vreg v = arg(ctx, inst, 0), s = arg(ctx, inst, 1);
        ra_vreg w = lw_temp(ctx, RA_CLASS_INT, CLIF_I32), w2 = lw_temp(ctx, RA_CLASS_INT, CLIF_I32);
        ra_vreg b = lw_temp(ctx, RA_CLASS_INT, CLIF_I32), m = lw_temp(ctx, RA_CLASS_INT, CLIF_I32);
        xs_extract_imm(ctx, X64_PEXTRW_R32_X_IMM8, w, v, (uint8_t)(k / 2));
        x64_rmi keep = {X64_RMI_IMM, CLIF_NONE, {0}, k & 1 ? 0x00ff : 0xff00};
        x64_emit_alu(ctx, X64_ALU_AND, 4, w2, w, &keep);
        x64_rmi low = {X64_RMI_IMM, CLIF_NONE, {0}, 0xff};
        x64_emit_alu(ctx, X64_ALU_AND, 4, b, s, &low);
        if (k & 1) {
            ra_vreg b2 = lw_temp(ctx, RA_CLASS_INT, CLIF_I32);
            x64_shift_imm(ctx, X64_SHL_RM32_IMM8, b2, b, 8);
            b = b2;
        }
        x64_rmi rb = {X64_RMI_REG, b, {0}, 0};
        x64_emit_alu(ctx, X64_ALU_OR, 4, m, w2, &rb);
        tied_imm(ctx, X64_PINSRW_X_R32M16_IMM8, dst, v, m, (uint8_t)(k / 2));
        return true;
    }
    if (!sse41) {
        /* A 32-bit lane as two words (li == 2). */
        ra_vreg v = arg(ctx, inst, 0), s = arg(ctx, inst, 1);
        if (flt) {
            ra_vreg g = lw_temp(ctx, RA_CLASS_INT, CLIF_I32);
            xs_xmm_to_gpr(ctx, g, s, false);
            s = g;
        }
        ra_vreg hi = lw_temp(ctx, RA_CLASS_INT, CLIF_I32), v1 = xs_vtemp(ctx);
        tied_imm(ctx, X64_PINSRW_X_R32M16_IMM8, v1, v, s, (uint8_t)(2 * k));
        x64_shift_imm(ctx, X64_SHR_RM32_IMM8, hi, s, 16);
        tied_imm(ctx, X64_PINSRW_X_R32M16_IMM8, dst, v1, hi, (uint8_t)(2 * k + 1));
        return true;
    }
    x64_form f = li == 0 ? X64_PINSRB_X_R32M8_IMM8
                 : flt   ? X64_INSERTPS_X_XM32_IMM8
                         : X64_PINSRD_X_RM32_IMM8;
    tied_imm(ctx, f, dst, arg(ctx, inst, 0), arg(ctx, inst, 1), flt ? (uint8_t)(k << 4) : k);
    return true;
}

/* ---- widening ---- */

static void widen(lower_ctx *ctx, clif_opcode op, uint32_t li, ra_vreg x, ra_vreg dst) {
    static const x64_form lo[4] = {0, X64_PUNPCKLBW_X_XM128, X64_PUNPCKLWD_X_XM128,
                                   X64_PUNPCKLDQ_X_XM128};
    static const x64_form hi[4] = {0, X64_PUNPCKHBW_X_XM128, X64_PUNPCKHWD_X_XM128,
                                   X64_PUNPCKHDQ_X_XM128};
    bool high = op == CLIF_OP_SWIDEN_HIGH || op == CLIF_OP_UWIDEN_HIGH;
    bool sign = op == CLIF_OP_SWIDEN_LOW || op == CLIF_OP_SWIDEN_HIGH;
    x64_form f = high ? hi[li] : lo[li];
    if (!sign) {
        xs_binop(ctx, f, dst, x, xs_zero_vec(ctx));
    } else if (li == 3) {
        /* The high halves are the sign masks. */
        xs_binop(ctx, f, dst, x, cmpgt(ctx, 2, xs_zero_vec(ctx), x));
    } else {
        /* Each narrow lane doubled, then shifted down arithmetically. */
        ra_vreg d = bin(ctx, f, x, x);
        ra_vreg s =
            shift_imm(ctx, li == 1 ? X64_PSRAW_X_IMM8 : X64_PSRAD_X_IMM8, d, li == 1 ? 8 : 16);
        x64_copy(ctx, dst, s, CLIF_F64);
    }
}

/* ---- multiplication ---- */

static void imul(lower_ctx *ctx, uint32_t li, ra_vreg a, ra_vreg b, ra_vreg dst) {
    if (li == 1) {
        xs_binop(ctx, X64_PMULLW_X_XM128, dst, a, b);
    } else if (li == 2 && has(ctx, X64_FLAG_SSE41)) {
        xs_binop(ctx, X64_PMULLD_X_XM128, dst, a, b);
    } else if (li == 2) {
        /* Even and odd lanes through pmuludq, low halves interleaved. */
        ra_vreg ev = bin(ctx, X64_PMULUDQ_X_XM128, a, b);
        ra_vreg ao = xs_vtemp(ctx), bo = xs_vtemp(ctx);
        xs_shuf_imm(ctx, X64_PSHUFD_X_XM128_IMM8, ao, a, 0xf5);
        xs_shuf_imm(ctx, X64_PSHUFD_X_XM128_IMM8, bo, b, 0xf5);
        ra_vreg od = bin(ctx, X64_PMULUDQ_X_XM128, ao, bo);
        ra_vreg e2 = xs_vtemp(ctx), o2 = xs_vtemp(ctx);
        xs_shuf_imm(ctx, X64_PSHUFD_X_XM128_IMM8, e2, ev, 0x08);
        xs_shuf_imm(ctx, X64_PSHUFD_X_XM128_IMM8, o2, od, 0x08);
        xs_binop(ctx, X64_PUNPCKLDQ_X_XM128, dst, e2, o2);
    } else {
        /* lo(a)*lo(b) + ((hi(a)*lo(b) + hi(b)*lo(a)) << 32). */
        ra_vreg p1 = bin(ctx, X64_PMULUDQ_X_XM128, shift_imm(ctx, X64_PSRLQ_X_IMM8, a, 32), b);
        ra_vreg p2 = bin(ctx, X64_PMULUDQ_X_XM128, shift_imm(ctx, X64_PSRLQ_X_IMM8, b, 32), a);
        ra_vreg s = shift_imm(ctx, X64_PSLLQ_X_IMM8, bin(ctx, X64_PADDQ_X_XM128, p1, p2), 32);
        xs_binop(ctx, X64_PADDQ_X_XM128, dst, bin(ctx, X64_PMULUDQ_X_XM128, a, b), s);
    }
}

static void iabs(lower_ctx *ctx, uint32_t li, ra_vreg x, ra_vreg dst) {
    static const x64_form pabs[3] = {X64_PABSB_X_XM128, X64_PABSW_X_XM128, X64_PABSD_X_XM128};
    if (li < 3 && has(ctx, X64_FLAG_SSSE3)) {
        x64_rmi s = x64_rmi_reg(x);
        x64_rm(ctx, pabs[li], dst, &s);
        return;
    }
    ra_vreg sign;
    if (li == 0) {
        sign = cmpgt(ctx, 0, xs_zero_vec(ctx), x);
    } else if (li == 1) {
        sign = shift_imm(ctx, X64_PSRAW_X_IMM8, x, 15);
    } else {
        sign = shift_imm(ctx, X64_PSRAD_X_IMM8, x, 31);
        if (li == 3) {
            ra_vreg s2 = xs_vtemp(ctx);
            xs_shuf_imm(ctx, X64_PSHUFD_X_XM128_IMM8, s2, sign, 0xf5);
            sign = s2;
        }
    }
    static const x64_form psub[4] = {X64_PSUBB_X_XM128, X64_PSUBW_X_XM128, X64_PSUBD_X_XM128,
                                     X64_PSUBQ_X_XM128};
    xs_binop(ctx, psub[li], dst, bin(ctx, X64_PXOR_X_XM128, x, sign), sign);
}

/* smin/smax/umin/umax: a direct form when the CPU has it, else a compare
 * and a blend. */
static bool minmax(lower_ctx *ctx, clif_opcode op, uint32_t li, ra_vreg a, ra_vreg b, ra_vreg dst) {
    static const struct {
        x64_form f;
        int flag;
    } direct[4][3] = {
        [0] = {{X64_PMINSB_X_XM128, X64_FLAG_SSE41},
               {X64_PMINSW_X_XM128, -1},
               {X64_PMINSD_X_XM128, X64_FLAG_SSE41}},
        [1] = {{X64_PMAXSB_X_XM128, X64_FLAG_SSE41},
               {X64_PMAXSW_X_XM128, -1},
               {X64_PMAXSD_X_XM128, X64_FLAG_SSE41}},
        [2] = {{X64_PMINUB_X_XM128, -1},
               {X64_PMINUW_X_XM128, X64_FLAG_SSE41},
               {X64_PMINUD_X_XM128, X64_FLAG_SSE41}},
        [3] = {{X64_PMAXUB_X_XM128, -1},
               {X64_PMAXUW_X_XM128, X64_FLAG_SSE41},
               {X64_PMAXUD_X_XM128, X64_FLAG_SSE41}},
    };
    int k = op == CLIF_OP_SMIN ? 0 : op == CLIF_OP_SMAX ? 1 : op == CLIF_OP_UMIN ? 2 : 3;
    if (li < 3 && (direct[k][li].flag < 0 || has(ctx, direct[k][li].flag))) {
        xs_binop(ctx, direct[k][li].f, dst, a, b);
        return true;
    }
    clif_intcc cc = k < 2 ? CLIF_ICC_SGT : CLIF_ICC_UGT;
    if (!icmp_ok(ctx, cc, li)) return false;
    ra_vreg gt = icmp_mask(ctx, cc, li, a, b);
    bool min = k == 0 || k == 2;
    x64_copy(ctx, dst, blend(ctx, gt, min ? b : a, min ? a : b), CLIF_F64);
    return true;
}

/* Shifts of byte lanes: each half widened to words, shifted, packed back. */
static void shift_i8(lower_ctx *ctx, clif_opcode op, ra_vreg x, ra_vreg amt, ra_vreg dst) {
    bool sra = op == CLIF_OP_SSHR;
    ra_vreg m = lw_temp(ctx, RA_CLASS_INT, CLIF_I64);
    x64_rmi seven = {X64_RMI_IMM, CLIF_NONE, {0}, 7};
    x64_emit_alu(ctx, X64_ALU_AND, 4, m, amt, &seven);
    if (sra) {
        ra_vreg m8 = lw_temp(ctx, RA_CLASS_INT, CLIF_I64);
        x64_rmi eight = {X64_RMI_IMM, CLIF_NONE, {0}, 8};
        x64_emit_alu(ctx, X64_ALU_ADD, 4, m8, m, &eight);
        m = m8;
    }
    ra_vreg xa = xs_vtemp(ctx);
    xs_gpr_to_xmm(ctx, xa, m, false);
    x64_form sf = op == CLIF_OP_ISHL ? X64_PSLLW_X_XM128
                  : sra              ? X64_PSRAW_X_XM128
                                     : X64_PSRLW_X_XM128;
    ra_vreg halves[2];
    for (int h = 0; h < 2; h++) {
        x64_form uf = h ? X64_PUNPCKHBW_X_XM128 : X64_PUNPCKLBW_X_XM128;
        /* sshr: the byte in each word's high half; else zero-extended. */
        ra_vreg w = bin(ctx, uf, x, sra ? x : xs_zero_vec(ctx));
        w = bin(ctx, sf, w, xa);
        if (op == CLIF_OP_ISHL) {
            ra_vreg t = xs_vtemp(ctx);
            x64_rmi lo = xs_lane_const(ctx, 0x00ff, 2);
            x64_xmm_binop(ctx, X64_PAND_X_XM128, t, w, &lo);
            w = t;
        }
        halves[h] = w;
    }
    xs_binop(ctx, sra ? X64_PACKSSWB_X_XM128 : X64_PACKUSWB_X_XM128, dst, halves[0], halves[1]);
}

static void cvt_from_u32(lower_ctx *ctx, ra_vreg x, ra_vreg dst);
static void cvt_to_s32_sat(lower_ctx *ctx, ra_vreg x, ra_vreg dst);
static void cvt_to_u32_sat(lower_ctx *ctx, ra_vreg x, ra_vreg dst);
static void cvt_from_64(lower_ctx *ctx, bool sign, ra_vreg x, ra_vreg dst);

static bool fconvert(lower_ctx *ctx, clif_inst inst, clif_opcode op, clif_type vt, ra_vreg dst) {
    clif_type from = clif_type_lane(lw_type(ctx, lw_arg(ctx, inst, 0)));
    clif_type to = clif_type_lane(vt);
    x64_form f;
    if (op == CLIF_OP_FVPROMOTE_LOW)
        f = X64_CVTPS2PD_X_XM64;
    else if (op == CLIF_OP_FVDEMOTE)
        f = X64_CVTPD2PS_X_XM128;
    else if (op == CLIF_OP_FCVT_FROM_SINT && from == CLIF_I32 && to == CLIF_F32)
        f = X64_CVTDQ2PS_X_XM128;
    else if (op == CLIF_OP_FCVT_FROM_SINT && from == CLIF_I32 && to == CLIF_F64)
        f = X64_CVTDQ2PD_X_XM64;
    else if (op == CLIF_OP_FCVT_FROM_UINT && from == CLIF_I32 && to == CLIF_F32) {
        cvt_from_u32(ctx, arg(ctx, inst, 0), dst);
        return true;
    } else if ((op == CLIF_OP_FCVT_FROM_SINT || op == CLIF_OP_FCVT_FROM_UINT) && from == CLIF_I64 &&
               to == CLIF_F64) {
        cvt_from_64(ctx, op == CLIF_OP_FCVT_FROM_SINT, arg(ctx, inst, 0), dst);
        return true;
    } else if (op == CLIF_OP_FCVT_TO_UINT_SAT && from == CLIF_F32 && to == CLIF_I32) {
        cvt_to_u32_sat(ctx, arg(ctx, inst, 0), dst);
        return true;
    } else if (op == CLIF_OP_FCVT_TO_SINT_SAT && from == CLIF_F32 && to == CLIF_I32) {
        cvt_to_s32_sat(ctx, arg(ctx, inst, 0), dst);
        return true;
    } else
        return false;
    x64_rmi s = x64_rmi_reg(arg(ctx, inst, 0));
    x64_rm(ctx, f, dst, &s);
    return true;
}

/* Cranelift's fmin / fmax: -0 below +0 and NaN in, NaN out. Both operand
 * orders of minps/maxps are combined so the sign of zeros and NaNs carry. */
static void fminmax(lower_ctx *ctx, bool max, bool f64, ra_vreg a, ra_vreg b, ra_vreg dst) {
    x64_form mn = max ? (f64 ? X64_MAXPD_X_XM128 : X64_MAXPS_X_XM128)
                      : (f64 ? X64_MINPD_X_XM128 : X64_MINPS_X_XM128);
    ra_vreg m1 = bin(ctx, mn, a, b), m2 = bin(ctx, mn, b, a);
    ra_vreg val, nan;
    if (max) {
        ra_vreg x = bin(ctx, X64_XORPS_X_XM128, m1, m2);
        ra_vreg blended = bin(ctx, X64_ORPS_X_XM128, m1, x);
        val = bin(ctx, f64 ? X64_SUBPD_X_XM128 : X64_SUBPS_X_XM128, blended, x);
        nan = cmpp(ctx, f64, 3, blended, blended);
    } else {
        ra_vreg o = bin(ctx, X64_ORPS_X_XM128, m1, m2);
        nan = cmpp(ctx, f64, 3, o, m2);
        val = bin(ctx, X64_ORPS_X_XM128, o, nan);
    }
    /* NaN lanes keep only sign, exponent and quiet bit. */
    ra_vreg frac = shift_imm(ctx, f64 ? X64_PSRLQ_X_IMM8 : X64_PSRLD_X_IMM8, nan, f64 ? 13 : 10);
    xs_binop(ctx, f64 ? X64_ANDNPD_X_XM128 : X64_ANDNPS_X_XM128, dst, frac, val);
}

/* shuffle (SSSE3): two pshufb with masks selecting from each operand. */
static bool shuffle(lower_ctx *ctx, clif_inst inst, ra_vreg dst) {
    uint32_t k = lw_data(ctx, inst)->ent;
    const clif_func *f = ctx->f;
    if (!has(ctx, X64_FLAG_SSSE3) || k >= f->constants.len || f->constants.data[k].len != 16)
        return false;
    const uint8_t *m = f->const_bytes.data + f->constants.data[k].bytes;
    uint8_t ma[16], mb[16];
    for (int i = 0; i < 16; i++) {
        ma[i] = m[i] < 16 ? m[i] : 0x80;
        mb[i] = m[i] >= 16 && m[i] < 32 ? (uint8_t)(m[i] - 16) : 0x80;
    }
    x64_rmi ca = xs_const_src(ctx, ma), cb = xs_const_src(ctx, mb);
    ra_vreg ra = xs_vtemp(ctx), rb = xs_vtemp(ctx);
    x64_xmm_binop(ctx, X64_PSHUFB_X_XM128, ra, arg(ctx, inst, 0), &ca);
    x64_xmm_binop(ctx, X64_PSHUFB_X_XM128, rb, arg(ctx, inst, 1), &cb);
    xs_binop(ctx, X64_POR_X_XM128, dst, ra, rb);
    return true;
}

/* fcvt_from_uint i32x4 -> f32x4: the high and low 16 bits converted
 * exactly, then hi * 65536 + lo rounded once. */
static void cvt_from_u32(lower_ctx *ctx, ra_vreg x, ra_vreg dst) {
    x64_rmi lomask = xs_lane_const(ctx, 0xffff, 4);
    ra_vreg lo = xs_vtemp(ctx), flo = xs_vtemp(ctx), fhi = xs_vtemp(ctx), sc = xs_vtemp(ctx);
    x64_xmm_binop(ctx, X64_PAND_X_XM128, lo, x, &lomask);
    ra_vreg hi = shift_imm(ctx, X64_PSRLD_X_IMM8, x, 16);
    x64_rmi l = x64_rmi_reg(lo), h = x64_rmi_reg(hi);
    x64_rm(ctx, X64_CVTDQ2PS_X_XM128, flo, &l);
    x64_rm(ctx, X64_CVTDQ2PS_X_XM128, fhi, &h);
    x64_rmi k = xs_lane_const(ctx, 0x47800000, 4); /* 65536.0f */
    x64_xmm_binop(ctx, X64_MULPS_X_XM128, sc, fhi, &k);
    xs_binop(ctx, X64_ADDPS_X_XM128, dst, sc, flo);
}

/* fcvt_to_sint_sat f32x4 -> i32x4: NaN lanes zeroed, positive overflow
 * (cvttps2dq gives 0x80000000) turned into 0x7fffffff. */
static void cvt_to_s32_sat(lower_ctx *ctx, ra_vreg x, ra_vreg dst) {
    ra_vreg ok = cmpp(ctx, false, 0, x, x);
    ra_vreg z = bin(ctx, X64_ANDPS_X_XM128, x, ok);
    ra_vreg pos = bin(ctx, X64_PXOR_X_XM128, ok, z); /* sign set when z >= 0 */
    ra_vreg c = xs_vtemp(ctx);
    x64_rmi zs = x64_rmi_reg(z);
    x64_rm(ctx, X64_CVTTPS2DQ_X_XM128, c, &zs);
    ra_vreg ovf = shift_imm(ctx, X64_PSRAD_X_IMM8, bin(ctx, X64_PAND_X_XM128, pos, c), 31);
    xs_binop(ctx, X64_PXOR_X_XM128, dst, c, ovf);
}

/* fcvt_to_uint_sat f32x4 -> i32x4: NaN and negative lanes clamped to 0 by
 * maxps; lanes >= 2^31 converted after subtracting 2^31; lanes >= 2^32
 * saturated to all ones. */
static void cvt_to_u32_sat(lower_ctx *ctx, ra_vreg x, ra_vreg dst) {
    ra_vreg c = bin(ctx, X64_MAXPS_X_XM128, x, xs_zero_vec(ctx));
    x64_rmi p31 = xs_lane_const(ctx, 0x4f000000, 4), p32 = xs_lane_const(ctx, 0x4f800000, 4);
    ra_vreg k31 = xs_vtemp(ctx), k32 = xs_vtemp(ctx), y = xs_vtemp(ctx);
    x64_xmm_binop(ctx, X64_POR_X_XM128, k31, xs_zero_vec(ctx), &p31);
    x64_xmm_binop(ctx, X64_POR_X_XM128, k32, xs_zero_vec(ctx), &p32);
    ra_vreg ge31 = cmpp(ctx, false, 2, k31, c), ge32 = cmpp(ctx, false, 2, k32, c);
    x64_xmm_binop(ctx, X64_SUBPS_X_XM128, y, c, &p31);
    ra_vreg lo = xs_vtemp(ctx), hi = xs_vtemp(ctx), hi2 = xs_vtemp(ctx);
    x64_rmi cs = x64_rmi_reg(c), ys = x64_rmi_reg(y);
    x64_rm(ctx, X64_CVTTPS2DQ_X_XM128, lo, &cs);
    x64_rm(ctx, X64_CVTTPS2DQ_X_XM128, hi, &ys);
    x64_rmi sb = xs_lane_const(ctx, 0x80000000, 4);
    x64_xmm_binop(ctx, X64_PXOR_X_XM128, hi2, hi, &sb);
    xs_binop(ctx, X64_POR_X_XM128, dst, blend(ctx, ge31, hi2, lo), ge32);
}

/* fcvt_from_{s,u}int i64x2 -> f64x2. Signed: each lane through
 * cvtsi2sd. Unsigned: the halves placed in the mantissas of 2^52 and 2^84,
 * (hi - (2^84 + 2^52)) + lo rounds once. */
static void cvt_from_64(lower_ctx *ctx, bool sign, ra_vreg x, ra_vreg dst) {
    if (sign) {
        ra_vreg g0 = lw_temp(ctx, RA_CLASS_INT, CLIF_I64),
                g1 = lw_temp(ctx, RA_CLASS_INT, CLIF_I64);
        ra_vreg h = xs_vtemp(ctx), d0 = xs_vtemp(ctx), d1 = xs_vtemp(ctx);
        xs_xmm_to_gpr(ctx, g0, x, true);
        xs_shuf_imm(ctx, X64_PSHUFD_X_XM128_IMM8, h, x, 0xee);
        xs_xmm_to_gpr(ctx, g1, h, true);
        x64_rm_reg(ctx, X64_CVTSI2SD_X_RM64, d0, g0);
        x64_rm_reg(ctx, X64_CVTSI2SD_X_RM64, d1, g1);
        xs_binop(ctx, X64_UNPCKLPD_X_XM128, dst, d0, d1);
        return;
    }
    x64_rmi low32 = xs_lane_const(ctx, 0xffffffffull, 8);
    x64_rmi e52 = xs_lane_const(ctx, 0x4330000000000000ull, 8);
    x64_rmi e84 = xs_lane_const(ctx, 0x4530000000000000ull, 8);
    x64_rmi both = xs_lane_const(ctx, 0x4530000000100000ull, 8);
    ra_vreg lo = xs_vtemp(ctx), lo2 = xs_vtemp(ctx), hi2 = xs_vtemp(ctx), hi3 = xs_vtemp(ctx);
    x64_xmm_binop(ctx, X64_PAND_X_XM128, lo, x, &low32);
    x64_xmm_binop(ctx, X64_POR_X_XM128, lo2, lo, &e52);
    x64_xmm_binop(ctx, X64_POR_X_XM128, hi2, shift_imm(ctx, X64_PSRLQ_X_IMM8, x, 32), &e84);
    x64_xmm_binop(ctx, X64_SUBPD_X_XM128, hi3, hi2, &both);
    xs_binop(ctx, X64_ADDPD_X_XM128, dst, hi3, lo2);
}

/* sqmul_round_sat i16x8 on SSE2: 32-bit products from pmullw / pmulhw,
 * rounded, shifted and packed with signed saturation. */
static void sqmulrs_sse2(lower_ctx *ctx, ra_vreg a, ra_vreg b, ra_vreg dst) {
    ra_vreg lo = bin(ctx, X64_PMULLW_X_XM128, a, b), hi = bin(ctx, X64_PMULHW_X_XM128, a, b);
    ra_vreg half[2];
    for (int i = 0; i < 2; i++) {
        ra_vreg p = bin(ctx, i ? X64_PUNPCKHWD_X_XM128 : X64_PUNPCKLWD_X_XM128, lo, hi);
        x64_rmi r = xs_lane_const(ctx, 0x4000, 4);
        ra_vreg q = xs_vtemp(ctx);
        x64_xmm_binop(ctx, X64_PADDD_X_XM128, q, p, &r);
        half[i] = shift_imm(ctx, X64_PSRAD_X_IMM8, q, 15);
    }
    xs_binop(ctx, X64_PACKSSDW_X_XM128, dst, half[0], half[1]);
}

/* sshr of 64-bit lanes on SSE2: ((x >>u n) ^ (m >>u n)) - (m >>u n), m the sign bit. */
static void sshr_i64(lower_ctx *ctx, ra_vreg x, ra_vreg amt, ra_vreg dst) {
    ra_vreg n = lw_temp(ctx, RA_CLASS_INT, CLIF_I64);
    x64_rmi k = {X64_RMI_IMM, CLIF_NONE, {0}, 63};
    x64_emit_alu(ctx, X64_ALU_AND, 4, n, amt, &k);
    ra_vreg xn = xs_vtemp(ctx), m = xs_vtemp(ctx);
    xs_gpr_to_xmm(ctx, xn, n, false);
    x64_rmi sb = xs_lane_const(ctx, 0x8000000000000000ull, 8);
    ra_vreg z = xs_zero_vec(ctx);
    x64_xmm_binop(ctx, X64_POR_X_XM128, m, z, &sb);
    ra_vreg ms = bin(ctx, X64_PSRLQ_X_XM128, m, xn);
    ra_vreg t = bin(ctx, X64_PSRLQ_X_XM128, x, xn);
    xs_binop(ctx, X64_PSUBQ_X_XM128, dst, bin(ctx, X64_PXOR_X_XM128, t, ms), ms);
}

/* popcnt of byte lanes on SSE2: the classic bit-slice sums; word shifts
 * are fine since each step masks the bits that cross into a byte. */
static void popcnt_i8(lower_ctx *ctx, ra_vreg x, ra_vreg dst) {
    x64_rmi k55 = xs_lane_const(ctx, 0x55, 1), k33 = xs_lane_const(ctx, 0x33, 1);
    x64_rmi k0f = xs_lane_const(ctx, 0x0f, 1);
    ra_vreg h = xs_vtemp(ctx), t = xs_vtemp(ctx), u = xs_vtemp(ctx), r = xs_vtemp(ctx);
    x64_xmm_binop(ctx, X64_PAND_X_XM128, h, shift_imm(ctx, X64_PSRLW_X_IMM8, x, 1), &k55);
    ra_vreg c2 = bin(ctx, X64_PSUBB_X_XM128, x, h);
    x64_xmm_binop(ctx, X64_PAND_X_XM128, t, c2, &k33);
    x64_xmm_binop(ctx, X64_PAND_X_XM128, u, shift_imm(ctx, X64_PSRLW_X_IMM8, c2, 2), &k33);
    ra_vreg c4 = bin(ctx, X64_PADDB_X_XM128, t, u);
    ra_vreg c8 = bin(ctx, X64_PADDB_X_XM128, c4, shift_imm(ctx, X64_PSRLW_X_IMM8, c4, 4));
    x64_xmm_binop(ctx, X64_PAND_X_XM128, r, c8, &k0f);
    x64_copy(ctx, dst, r, CLIF_F64);
}

/* iadd_pairwise of byte lanes: even + odd bytes as words, packed back. */
static void pairwise_i8(lower_ctx *ctx, ra_vreg a, ra_vreg b, ra_vreg dst) {
    ra_vreg half[2];
    ra_vreg src[2] = {a, b};
    for (int i = 0; i < 2; i++) {
        x64_rmi lo = xs_lane_const(ctx, 0x00ff, 2);
        ra_vreg ev = xs_vtemp(ctx), s = xs_vtemp(ctx);
        x64_xmm_binop(ctx, X64_PAND_X_XM128, ev, src[i], &lo);
        ra_vreg sum = bin(ctx, X64_PADDW_X_XM128, ev, shift_imm(ctx, X64_PSRLW_X_IMM8, src[i], 8));
        x64_xmm_binop(ctx, X64_PAND_X_XM128, s, sum, &lo);
        half[i] = s;
    }
    xs_binop(ctx, X64_PACKUSWB_X_XM128, dst, half[0], half[1]);
}

/* bitcast between i128 (two registers) and a 128-bit vector. */
static void bitcast_i128(lower_ctx *ctx, clif_inst inst, bool to_vec) {
    clif_value x = lw_arg(ctx, inst, 0), res = lw_result(ctx, inst, 0);
    ra_vreg r[2];
    if (to_vec) {
        lw_put_in_regs(ctx, x, r);
        ra_vreg lo = xs_vtemp(ctx), hi = xs_vtemp(ctx);
        xs_gpr_to_xmm(ctx, lo, r[0], true);
        xs_gpr_to_xmm(ctx, hi, r[1], true);
        xs_binop(ctx, X64_PUNPCKLQDQ_X_XM128, lw_output_reg(ctx, res), lo, hi);
        return;
    }
    ra_vreg v = lw_put_in_reg(ctx, x), hi = xs_vtemp(ctx);
    lw_output_regs(ctx, res, r);
    xs_xmm_to_gpr(ctx, r[0], v, true);
    xs_shuf_imm(ctx, X64_PSHUFD_X_XM128_IMM8, hi, v, 0xee);
    xs_xmm_to_gpr(ctx, r[1], hi, true);
}

/* unarrow i32x4 -> i16x8 on SSE2: lanes clamped to [0, 65535], biased into
 * the signed range for packssdw, and unbiased. */
static ra_vreg clamp_u16_biased(lower_ctx *ctx, ra_vreg v) {
    ra_vreg neg = cmpgt(ctx, 2, xs_zero_vec(ctx), v);
    ra_vreg nn = bin(ctx, X64_PANDN_X_XM128, neg, v);
    x64_rmi kmax = xs_lane_const(ctx, 0xffff, 4);
    ra_vreg mx = xs_vtemp(ctx);
    x64_xmm_binop(ctx, X64_POR_X_XM128, mx, xs_zero_vec(ctx), &kmax);
    ra_vreg big = cmpgt(ctx, 2, nn, mx);
    ra_vreg c = blend(ctx, big, mx, nn);
    x64_rmi bias = xs_lane_const(ctx, 0x8000, 4);
    ra_vreg r = xs_vtemp(ctx);
    x64_xmm_binop(ctx, X64_PSUBD_X_XM128, r, c, &bias);
    return r;
}

/* iadd_pairwise i16x8 on SSE2: pmaddwd by ones sums pairs into dwords,
 * which are wrapped to 16 bits and packed. */
static ra_vreg pair_sums_i16(lower_ctx *ctx, ra_vreg v) {
    x64_rmi ones = xs_lane_const(ctx, 1, 2);
    ra_vreg s = xs_vtemp(ctx);
    x64_xmm_binop(ctx, X64_PMADDWD_X_XM128, s, v, &ones);
    return shift_imm(ctx, X64_PSRAD_X_IMM8, shift_imm(ctx, X64_PSLLD_X_IMM8, s, 16), 16);
}

bool x64_lower_simd_ops(lower_ctx *ctx, clif_inst inst, clif_type vt, ra_vreg dst) {
    clif_opcode op = lw_opcode(ctx, inst);
    clif_type lane = clif_type_lane(vt);
    bool flt = clif_type_is_float(lane);
    uint32_t li = (uint32_t)x64_size_index(x64_bytes(lane));
    switch (op) {
    case CLIF_OP_ICMP: {
        clif_intcc cc = (clif_intcc)lw_data(ctx, inst)->cond;
        if (flt || !icmp_ok(ctx, cc, li)) return false;
        ra_vreg m = icmp_mask(ctx, cc, li, arg(ctx, inst, 0), arg(ctx, inst, 1));
        x64_copy(ctx, dst, m, CLIF_F64);
        return true;
    }
    case CLIF_OP_FCMP: {
        clif_type ft = clif_type_lane(lw_type(ctx, lw_arg(ctx, inst, 0)));
        clif_floatcc cc = (clif_floatcc)lw_data(ctx, inst)->cond;
        ra_vreg m = fcmp_mask(ctx, cc, ft == CLIF_F64, arg(ctx, inst, 0), arg(ctx, inst, 1));
        x64_copy(ctx, dst, m, CLIF_F64);
        return true;
    }
    case CLIF_OP_VANY_TRUE:
    case CLIF_OP_VALL_TRUE:
        any_all_true(ctx, op == CLIF_OP_VALL_TRUE, li, arg(ctx, inst, 0), dst);
        return true;
    case CLIF_OP_VHIGH_BITS: high_bits(ctx, li, arg(ctx, inst, 0), dst); return true;
    case CLIF_OP_INSERTLANE: return insertlane(ctx, inst, lane, li, dst);
    case CLIF_OP_SWIDEN_LOW:
    case CLIF_OP_SWIDEN_HIGH:
    case CLIF_OP_UWIDEN_LOW:
    case CLIF_OP_UWIDEN_HIGH:
        if (flt || li == 0) return false;
        widen(ctx, op, li, arg(ctx, inst, 0), dst);
        return true;
    case CLIF_OP_IMUL:
        if (flt || li == 0) return false;
        imul(ctx, li, arg(ctx, inst, 0), arg(ctx, inst, 1), dst);
        return true;
    case CLIF_OP_IABS:
        if (flt) return false;
        iabs(ctx, li, arg(ctx, inst, 0), dst);
        return true;
    case CLIF_OP_SMIN:
    case CLIF_OP_SMAX:
    case CLIF_OP_UMIN:
    case CLIF_OP_UMAX:
        if (flt) return false;
        return minmax(ctx, op, li, arg(ctx, inst, 0), arg(ctx, inst, 1), dst);
    case CLIF_OP_SADD_SAT:
    case CLIF_OP_UADD_SAT:
    case CLIF_OP_SSUB_SAT:
    case CLIF_OP_USUB_SAT: {
        static const x64_form f[4][2] = {
            {X64_PADDSB_X_XM128, X64_PADDSW_X_XM128},
            {X64_PADDUSB_X_XM128, X64_PADDUSW_X_XM128},
            {X64_PSUBSB_X_XM128, X64_PSUBSW_X_XM128},
            {X64_PSUBUSB_X_XM128, X64_PSUBUSW_X_XM128},
        };
        int k = op == CLIF_OP_SADD_SAT   ? 0
                : op == CLIF_OP_UADD_SAT ? 1
                : op == CLIF_OP_SSUB_SAT ? 2
                                         : 3;
        if (flt || li > 1) return false;
        xs_binop(ctx, f[k][li], dst, arg(ctx, inst, 0), arg(ctx, inst, 1));
        return true;
    }
    case CLIF_OP_AVG_ROUND:
        if (flt || li > 1) return false;
        xs_binop(ctx, li == 0 ? X64_PAVGB_X_XM128 : X64_PAVGW_X_XM128, dst, arg(ctx, inst, 0),
                 arg(ctx, inst, 1));
        return true;
    case CLIF_OP_IADD_PAIRWISE:
        if (!flt && li == 0) {
            pairwise_i8(ctx, arg(ctx, inst, 0), arg(ctx, inst, 1), dst);
            return true;
        }
        if (!flt && li == 1 && !has(ctx, X64_FLAG_SSSE3)) {
            ra_vreg a = pair_sums_i16(ctx, arg(ctx, inst, 0));
            xs_binop(ctx, X64_PACKSSDW_X_XM128, dst, a, pair_sums_i16(ctx, arg(ctx, inst, 1)));
            return true;
        }
        if (!flt && li == 2 && !has(ctx, X64_FLAG_SSSE3)) {
            /* Even and odd lanes of a:b gathered with shufps, then added. */
            ra_vreg a = arg(ctx, inst, 0), b = arg(ctx, inst, 1);
            ra_vreg ev = xs_vtemp(ctx), od = xs_vtemp(ctx);
            tied_imm(ctx, X64_SHUFPS_X_XM128_IMM8, ev, a, b, 0x88);
            tied_imm(ctx, X64_SHUFPS_X_XM128_IMM8, od, a, b, 0xdd);
            xs_binop(ctx, X64_PADDD_X_XM128, dst, ev, od);
            return true;
        }
        if (flt || li == 0 || li == 3 || !has(ctx, X64_FLAG_SSSE3)) return false;
        xs_binop(ctx, li == 1 ? X64_PHADDW_X_XM128 : X64_PHADDD_X_XM128, dst, arg(ctx, inst, 0),
                 arg(ctx, inst, 1));
        return true;
    case CLIF_OP_ISHL:
    case CLIF_OP_USHR:
    case CLIF_OP_SSHR:
        if (!flt && li == 3 && op == CLIF_OP_SSHR) {
            sshr_i64(ctx, arg(ctx, inst, 0), arg(ctx, inst, 1), dst);
            return true;
        }
        if (flt || li != 0) return false;
        shift_i8(ctx, op, arg(ctx, inst, 0), arg(ctx, inst, 1), dst);
        return true;
    case CLIF_OP_FVPROMOTE_LOW:
    case CLIF_OP_FVDEMOTE:
    case CLIF_OP_FCVT_FROM_SINT:
    case CLIF_OP_FCVT_FROM_UINT:
    case CLIF_OP_FCVT_TO_SINT_SAT:
    case CLIF_OP_FCVT_TO_UINT_SAT: return fconvert(ctx, inst, op, vt, dst);
    case CLIF_OP_FLOOR:
    case CLIF_OP_CEIL:
    case CLIF_OP_TRUNC:
    case CLIF_OP_NEAREST: {
        if (!flt || !has(ctx, X64_FLAG_SSE41)) return false;
        uint8_t mode = op == CLIF_OP_NEAREST ? 0
                       : op == CLIF_OP_FLOOR ? 1
                       : op == CLIF_OP_CEIL  ? 2
                                             : 3;
        x64_build b;
        xb_form(&b, lane == CLIF_F64 ? X64_ROUNDPD_X_XM128_IMM8 : X64_ROUNDPS_X_XM128_IMM8);
        xb_reg(&b, 1, xb_use(&b, arg(ctx, inst, 0)));
        xb_reg(&b, 0, xb_def(&b, dst));
        xb_imm(&b, 2, mode);
        xb_emit(ctx, &b);
        return true;
    }
    case CLIF_OP_SNARROW:
    case CLIF_OP_UNARROW: {
        if (flt || li > 1) return false;
        x64_form f;
        if (op == CLIF_OP_SNARROW)
            f = li == 0 ? X64_PACKSSWB_X_XM128 : X64_PACKSSDW_X_XM128;
        else if (li == 0)
            f = X64_PACKUSWB_X_XM128;
        else if (has(ctx, X64_FLAG_SSE41))
            f = X64_PACKUSDW_X_XM128;
        else {
            ra_vreg a = clamp_u16_biased(ctx, arg(ctx, inst, 0));
            ra_vreg b = clamp_u16_biased(ctx, arg(ctx, inst, 1));
            x64_rmi bias = xs_lane_const(ctx, 0x8000, 2);
            x64_xmm_binop(ctx, X64_PXOR_X_XM128, dst, bin(ctx, X64_PACKSSDW_X_XM128, a, b), &bias);
            return true;
        }
        xs_binop(ctx, f, dst, arg(ctx, inst, 0), arg(ctx, inst, 1));
        return true;
    }
    case CLIF_OP_SCALAR_TO_VECTOR: {
        ra_vreg s = arg(ctx, inst, 0);
        if (flt) {
            xs_binop(ctx, li == 3 ? X64_MOVSD_X_XM64 : X64_MOVSS_X_XM32, dst, xs_zero_vec(ctx), s);
        } else {
            if (li < 2) {
                ra_vreg g = lw_temp(ctx, RA_CLASS_INT, CLIF_I64);
                x64_extend(ctx, g, s, li == 0 ? 1 : 2, false);
                s = g;
            }
            xs_gpr_to_xmm(ctx, dst, s, li == 3);
        }
        return true;
    }
    case CLIF_OP_BITCAST: {
        clif_type t = lw_type(ctx, lw_result(ctx, inst, 0));
        clif_type at = lw_type(ctx, lw_arg(ctx, inst, 0));
        if (t != CLIF_I128 && at != CLIF_I128) return false;
        bitcast_i128(ctx, inst, at == CLIF_I128);
        return true;
    }
    case CLIF_OP_POPCNT:
        if (flt || li != 0) return false;
        popcnt_i8(ctx, arg(ctx, inst, 0), dst);
        return true;
    case CLIF_OP_SQMUL_ROUND_SAT: {
        if (flt || li != 1) return false;
        if (!has(ctx, X64_FLAG_SSSE3)) {
            sqmulrs_sse2(ctx, arg(ctx, inst, 0), arg(ctx, inst, 1), dst);
            return true;
        }
        /* pmulhrsw overflows only for 0x8000 * 0x8000, giving 0x8000. */
        ra_vreg r = bin(ctx, X64_PMULHRSW_X_XM128, arg(ctx, inst, 0), arg(ctx, inst, 1));
        x64_rmi k = xs_lane_const(ctx, 0x8000, 2);
        ra_vreg m = xs_vtemp(ctx);
        x64_xmm_binop(ctx, X64_PCMPEQW_X_XM128, m, r, &k);
        xs_binop(ctx, X64_PXOR_X_XM128, dst, r, m);
        return true;
    }
    case CLIF_OP_FMIN:
    case CLIF_OP_FMAX:
        if (!flt) return false;
        fminmax(ctx, op == CLIF_OP_FMAX, lane == CLIF_F64, arg(ctx, inst, 0), arg(ctx, inst, 1),
                dst);
        return true;
    case CLIF_OP_SHUFFLE: return shuffle(ctx, inst, dst);
    case CLIF_OP_SWIZZLE: {
        if (!has(ctx, X64_FLAG_SSSE3)) return false;
        /* Indices above 15 get the high bit (a zero lane) by saturation. */
        x64_rmi k70 = xs_lane_const(ctx, 0x70, 1);
        ra_vreg idx = xs_vtemp(ctx);
        x64_xmm_binop(ctx, X64_PADDUSB_X_XM128, idx, arg(ctx, inst, 1), &k70);
        xs_binop(ctx, X64_PSHUFB_X_XM128, dst, arg(ctx, inst, 0), idx);
        return true;
    }
    case CLIF_OP_FMA: {
        if (!flt || !has(ctx, X64_FLAG_FMA)) return false;
        ra_vreg a = arg(ctx, inst, 0), bb = arg(ctx, inst, 1), c = arg(ctx, inst, 2);
        x64_build b;
        xb_form(&b, lane == CLIF_F64 ? X64_VFMADD213PD_X_X_XM128 : X64_VFMADD213PS_X_X_XM128);
        uint8_t ub = xb_use(&b, bb);
        xb_reg(&b, 1, xb_use(&b, a));
        xb_reg(&b, 2, xb_use(&b, c));
        xb_reg(&b, 0, xb_op(&b, ra_def_reuse(dst, ub)));
        xb_emit(ctx, &b);
        return true;
    }
    default: return false;
    }
}
