/* x86-64 lowering of scalar floating point (f32, f64) with SSE2, and SSE4.1
 * / AVX / FMA forms when the flags allow. */
#include <string.h>

#include "isa/x64/x64.h"

static x64_rmi rmi_const16(lower_ctx *ctx, const uint8_t bytes[16]) {
    x64_rmi x;
    memset(&x, 0, sizeof x);
    x.kind = X64_RMI_MEM;
    x.mem.mk = X64_MK_CONST;
    x.mem.base = x.mem.index = CLIF_NONE;
    x.mem.phys_base = X64_NOREG;
    x.mem.label = lw_constant(ctx, bytes, 16, 16);
    return x;
}

/* A 16-byte constant with `pattern` repeated in each lane of `bytes`. */
static x64_rmi lane_mask(lower_ctx *ctx, uint64_t pattern, uint32_t bytes) {
    uint8_t b[16];
    for (int i = 0; i < 16; i++)
        b[i] = (uint8_t)(pattern >> (8 * (i % bytes)));
    return rmi_const16(ctx, b);
}

static uint32_t const_index(lower_ctx *ctx, double v, bool f64) {
    uint8_t b[8];
    if (f64) {
        memcpy(b, &v, 8);
        return lw_constant(ctx, b, 8, 8);
    }
    float f = (float)v;
    memcpy(b, &f, 4);
    return lw_constant(ctx, b, 4, 4);
}

x64_flags_cond x64_emit_fcmp(lower_ctx *ctx, clif_inst cmp) {
    static const struct {
        uint8_t swap, cc, cc2, mode;
    } map[CLIF_FCC_COUNT] = {
        [CLIF_FCC_ORD] = {0, X64_CC_NP, X64_CC_NP, X64_CC_ONE},
        [CLIF_FCC_UNO] = {0, X64_CC_P, X64_CC_P, X64_CC_ONE},
        [CLIF_FCC_EQ] = {0, X64_CC_E, X64_CC_NP, X64_CC_AND},
        [CLIF_FCC_NE] = {0, X64_CC_NE, X64_CC_P, X64_CC_OR},
        [CLIF_FCC_ONE] = {0, X64_CC_NE, X64_CC_NE, X64_CC_ONE},
        [CLIF_FCC_UEQ] = {0, X64_CC_E, X64_CC_E, X64_CC_ONE},
        [CLIF_FCC_GT] = {0, X64_CC_A, X64_CC_A, X64_CC_ONE},
        [CLIF_FCC_GE] = {0, X64_CC_AE, X64_CC_AE, X64_CC_ONE},
        [CLIF_FCC_LT] = {1, X64_CC_A, X64_CC_A, X64_CC_ONE},
        [CLIF_FCC_LE] = {1, X64_CC_AE, X64_CC_AE, X64_CC_ONE},
        [CLIF_FCC_UGT] = {1, X64_CC_B, X64_CC_B, X64_CC_ONE},
        [CLIF_FCC_UGE] = {1, X64_CC_BE, X64_CC_BE, X64_CC_ONE},
        [CLIF_FCC_ULT] = {0, X64_CC_B, X64_CC_B, X64_CC_ONE},
        [CLIF_FCC_ULE] = {0, X64_CC_BE, X64_CC_BE, X64_CC_ONE},
    };
    clif_floatcc cc = (clif_floatcc)lw_data(ctx, cmp)->cond;
    clif_value a = lw_arg(ctx, cmp, 0), b = lw_arg(ctx, cmp, 1);
    if (map[cc].swap) {
        clif_value t = a;
        a = b;
        b = t;
    }
    bool f64 = lw_type(ctx, a) == CLIF_F64;
    x64_rmi rb = x64_put_rmi(ctx, b, f64 ? 8 : 4, false);
    x64_build ib;
    xb_form(&ib, f64 ? X64_UCOMISD_X_XM64 : X64_UCOMISS_X_XM32);
    xb_reg(&ib, 0, xb_use(&ib, lw_put_in_reg(ctx, a)));
    xb_rmi(&ib, 1, &rb);
    xb_emit(ctx, &ib);
    x64_flags_cond c = {(x64_cc)map[cc].cc, (x64_cc)map[cc].cc2, map[cc].mode};
    return c;
}

typedef struct fforms {
    x64_form sse32, sse64, avx32, avx64;
} fforms;

static const fforms f_add = {X64_ADDSS_X_XM32, X64_ADDSD_X_XM64, X64_VADDSS_X_X_XM32,
                             X64_VADDSD_X_X_XM64};
static const fforms f_sub = {X64_SUBSS_X_XM32, X64_SUBSD_X_XM64, X64_VSUBSS_X_X_XM32,
                             X64_VSUBSD_X_X_XM64};
static const fforms f_mul = {X64_MULSS_X_XM32, X64_MULSD_X_XM64, X64_VMULSS_X_X_XM32,
                             X64_VMULSD_X_X_XM64};
static const fforms f_div = {X64_DIVSS_X_XM32, X64_DIVSD_X_XM64, X64_VDIVSS_X_X_XM32,
                             X64_VDIVSD_X_X_XM64};

static void binop(lower_ctx *ctx, const fforms *f, bool f64, ra_vreg dst, clif_value a,
                  clif_value b) {
    x64_rmi rb = x64_put_rmi(ctx, b, f64 ? 8 : 4, false);
    ra_vreg ra = lw_put_in_reg(ctx, a);
    if (x64_has(ctx, X64_FLAG_AVX))
        x64_xmm_vex3(ctx, f64 ? f->avx64 : f->avx32, dst, ra, &rb);
    else
        x64_xmm_binop(ctx, f64 ? f->sse64 : f->sse32, dst, ra, &rb);
}

/* fcvt_to_{s,u}int[_sat]: the checked sequence of vinst.c. */
static bool lower_cvt_to_int(lower_ctx *ctx, clif_inst inst, bool sign, bool sat) {
    clif_value x = lw_arg(ctx, inst, 0);
    bool f64 = lw_type(ctx, x) == CLIF_F64;
    clif_type t = lw_type(ctx, lw_result(ctx, inst, 0));
    unsigned bits = clif_type_bits(t);
    if (bits > 64) return x64_unsupported_type(ctx, inst, t);
    double two_w1 = 1.0, two_w = 1.0;
    for (unsigned i = 0; i < bits - 1; i++)
        two_w1 *= 2.0;
    two_w = two_w1 * 2.0;
    x64_build b;
    xb_init(&b, X64_V_CVT_F2I);
    uint8_t fl = (uint8_t)((sign ? 1 : 0) | (sat ? 2 : 0) | (f64 ? 4 : 0) | (bits == 64 ? 8 : 0));
    double upper, lower;
    bool incl = true;
    if (sign) {
        upper = two_w1;
        lower = -two_w1;
        if (!sat) {
            bool exact = f64 ? bits <= 32 : bits <= 16;
            if (exact)
                lower = -two_w1 - 1.0;
            else
                incl = false;
        }
    } else {
        upper = two_w;
        lower = sat ? 0.0 : -1.0;
    }
    if (incl) fl |= 16;
    b.v.flags = fl;
    b.v.aux = (uint8_t)bits;
    b.v.a = const_index(ctx, upper, f64);
    b.v.b = const_index(ctx, lower, f64);
    b.v.imm = const_index(ctx, 9223372036854775808.0, f64);
    xb_reg(&b, 0, xb_use(&b, lw_put_in_reg(ctx, x)));
    xb_reg(&b, 1, xb_def(&b, lw_output_reg(ctx, lw_result(ctx, inst, 0))));
    xb_emit(ctx, &b);
    return true;
}

static bool lower_cvt_from_int(lower_ctx *ctx, clif_inst inst, bool sign, bool f64, ra_vreg dst) {
    clif_value x = lw_arg(ctx, inst, 0);
    clif_type it = lw_type(ctx, x);
    uint32_t ib = x64_bytes(it);
    if (ib > 8) return x64_unsupported_type(ctx, inst, it);
    ra_vreg r = lw_put_in_reg(ctx, x);
    if (!sign && ib == 8) {
        x64_build b;
        xb_init(&b, X64_V_CVT_U2F);
        b.v.flags = f64 ? 4 : 0;
        xb_reg(&b, 0, xb_use(&b, r));
        xb_reg(&b, 1, xb_def(&b, dst));
        xb_reg(&b, 2, xb_op(&b, ra_def_early(lw_temp(ctx, RA_CLASS_INT, CLIF_I64))));
        xb_emit(ctx, &b);
        return true;
    }
    bool w64 = ib == 8 || !sign;
    if (ib < 4 || (!sign && ib == 4)) r = x64_extended(ctx, r, ib, sign);
    x64_form f = f64 ? (w64 ? X64_CVTSI2SD_X_RM64 : X64_CVTSI2SD_X_RM32)
                     : (w64 ? X64_CVTSI2SS_X_RM64 : X64_CVTSI2SS_X_RM32);
    /* cvtsi2s* merges into the destination: zero it first. */
    ra_vreg z = x64_fconst_reg(ctx, 0, 8);
    x64_build b;
    xb_form(&b, f);
    uint8_t uz = xb_use(&b, z);
    xb_reg(&b, 1, xb_use(&b, r));
    xb_reg(&b, 0, xb_op(&b, ra_def_reuse(dst, uz)));
    xb_emit(ctx, &b);
    return true;
}

static bool lower_round(lower_ctx *ctx, clif_inst inst, bool f64, ra_vreg dst, uint8_t mode) {
    ra_vreg a = lw_put_in_reg(ctx, lw_arg(ctx, inst, 0));
    if (!x64_has(ctx, X64_FLAG_SSE41)) {
        /* mode: 0 nearest, 1 floor, 2 ceil, 3 trunc */
        static const libcall lc[4][2] = {{LIBCALL_NEAREST_F32, LIBCALL_NEAREST_F64},
                                         {LIBCALL_FLOOR_F32, LIBCALL_FLOOR_F64},
                                         {LIBCALL_CEIL_F32, LIBCALL_CEIL_F64},
                                         {LIBCALL_TRUNC_F32, LIBCALL_TRUNC_F64}};
        return x64_lower_libcall(ctx, lc[mode][f64], &a, 1, dst);
    }
    x64_build b;
    xb_form(&b, f64 ? X64_ROUNDSD_X_XM64_IMM8 : X64_ROUNDSS_X_XM32_IMM8);
    xb_reg(&b, 1, xb_use(&b, a));
    xb_imm(&b, 2, mode | 8); /* 8: suppress the precision exception */
    xb_reg(&b, 0, xb_def(&b, dst));
    xb_emit(ctx, &b);
    return true;
}

bool x64_lower_float(lower_ctx *ctx, clif_inst inst) {
    clif_opcode op = lw_opcode(ctx, inst);
    uint32_t nres = lw_num_results(ctx, inst);
    clif_type t = nres ? lw_type(ctx, lw_result(ctx, inst, 0)) : CLIF_F64;
    clif_type at = lw_num_args(ctx, inst) ? lw_type(ctx, lw_arg(ctx, inst, 0)) : t;
    ra_vreg dst = nres ? lw_output_reg(ctx, lw_result(ctx, inst, 0)) : CLIF_NONE;
    bool f64 = t == CLIF_F64;
    if ((clif_type_is_float(t) && t != CLIF_F32 && t != CLIF_F64) ||
        (clif_type_is_float(at) && at != CLIF_F32 && at != CLIF_F64)) {
        /* f16 and f128 values are only moved around. */
        switch (op) {
        case CLIF_OP_BITCAST:
        case CLIF_OP_SELECT:
        case CLIF_OP_SELECT_SPECTRE_GUARD:
        case CLIF_OP_F16CONST:
        case CLIF_OP_F128CONST:
        case CLIF_OP_BAND:
        case CLIF_OP_BOR:
        case CLIF_OP_BXOR:
        case CLIF_OP_BNOT:
        case CLIF_OP_BITSELECT: break;
        default: return x64_unsupported_type(ctx, inst, clif_type_is_float(t) ? t : at);
        }
    }
    switch (op) {
    case CLIF_OP_F32CONST:
    case CLIF_OP_F64CONST: {
        uint64_t bits = lw_data(ctx, inst)->imm;
        uint32_t n = op == CLIF_OP_F32CONST ? 4 : 8;
        lw_alias_output(ctx, lw_result(ctx, inst, 0), 0, x64_fconst_reg(ctx, bits, n));
        return true;
    }
    case CLIF_OP_F16CONST:
        lw_alias_output(ctx, lw_result(ctx, inst, 0), 0,
                        x64_fconst_reg(ctx, lw_data(ctx, inst)->imm & 0xffff, 4));
        return true;
    case CLIF_OP_F128CONST: {
        uint32_t k = lw_data(ctx, inst)->ent;
        const clif_func *f = ctx->f;
        if (k >= f->constants.len || f->constants.data[k].len != 16)
            return lw_unsupported(ctx, "unsupported: f128const without a 16-byte constant");
        lw_alias_output(ctx, lw_result(ctx, inst, 0), 0,
                        x64_vconst_reg(ctx, f->const_bytes.data + f->constants.data[k].bytes));
        return true;
    }
    case CLIF_OP_BAND:
    case CLIF_OP_BOR:
    case CLIF_OP_BXOR: {
        x64_rmi r = x64_rmi_reg(lw_put_in_reg(ctx, lw_arg(ctx, inst, 1)));
        x64_form form = op == CLIF_OP_BAND  ? X64_ANDPS_X_XM128
                        : op == CLIF_OP_BOR ? X64_ORPS_X_XM128
                                            : X64_XORPS_X_XM128;
        x64_xmm_binop(ctx, form, dst, lw_put_in_reg(ctx, lw_arg(ctx, inst, 0)), &r);
        return true;
    }
    case CLIF_OP_BNOT: {
        x64_rmi m = lane_mask(ctx, ~(uint64_t)0, 8);
        x64_xmm_binop(ctx, X64_XORPS_X_XM128, dst, lw_put_in_reg(ctx, lw_arg(ctx, inst, 0)), &m);
        return true;
    }
    case CLIF_OP_BITSELECT: {
        ra_vreg c = lw_put_in_reg(ctx, lw_arg(ctx, inst, 0));
        ra_vreg x = lw_put_in_reg(ctx, lw_arg(ctx, inst, 1));
        ra_vreg y = lw_put_in_reg(ctx, lw_arg(ctx, inst, 2));
        ra_vreg t1 = x64_temp(ctx, t), t2 = x64_temp(ctx, t);
        x64_rmi r = x64_rmi_reg(c);
        x64_xmm_binop(ctx, X64_ANDPS_X_XM128, t1, x, &r);
        r = x64_rmi_reg(y);
        x64_xmm_binop(ctx, X64_ANDNPS_X_XM128, t2, c, &r); /* ~c & y */
        r = x64_rmi_reg(t2);
        x64_xmm_binop(ctx, X64_ORPS_X_XM128, dst, t1, &r);
        return true;
    }
    case CLIF_OP_FADD:
        binop(ctx, &f_add, f64, dst, lw_arg(ctx, inst, 0), lw_arg(ctx, inst, 1));
        return true;
    case CLIF_OP_FSUB:
        binop(ctx, &f_sub, f64, dst, lw_arg(ctx, inst, 0), lw_arg(ctx, inst, 1));
        return true;
    case CLIF_OP_FMUL:
        binop(ctx, &f_mul, f64, dst, lw_arg(ctx, inst, 0), lw_arg(ctx, inst, 1));
        return true;
    case CLIF_OP_FDIV:
        binop(ctx, &f_div, f64, dst, lw_arg(ctx, inst, 0), lw_arg(ctx, inst, 1));
        return true;
    case CLIF_OP_SQRT: {
        x64_rmi s = x64_put_rmi(ctx, lw_arg(ctx, inst, 0), f64 ? 8 : 4, false);
        x64_rm(ctx, f64 ? X64_SQRTSD_X_XM64 : X64_SQRTSS_X_XM32, dst, &s);
        return true;
    }
    case CLIF_OP_FNEG:
    case CLIF_OP_FABS: {
        uint64_t sign = f64 ? 0x8000000000000000ull : 0x80000000ull;
        x64_rmi m = lane_mask(ctx, op == CLIF_OP_FNEG ? sign : ~sign, f64 ? 8 : 4);
        x64_xmm_binop(ctx, op == CLIF_OP_FNEG ? X64_XORPS_X_XM128 : X64_ANDPS_X_XM128, dst,
                      lw_put_in_reg(ctx, lw_arg(ctx, inst, 0)), &m);
        return true;
    }
    case CLIF_OP_FCOPYSIGN: {
        uint64_t sign = f64 ? 0x8000000000000000ull : 0x80000000ull;
        ra_vreg a = lw_put_in_reg(ctx, lw_arg(ctx, inst, 0));
        ra_vreg b = lw_put_in_reg(ctx, lw_arg(ctx, inst, 1));
        ra_vreg mag = x64_temp(ctx, t), sgn = x64_temp(ctx, t);
        x64_rmi m = lane_mask(ctx, ~sign, f64 ? 8 : 4);
        x64_xmm_binop(ctx, X64_ANDPS_X_XM128, mag, a, &m);
        m = lane_mask(ctx, sign, f64 ? 8 : 4);
        x64_xmm_binop(ctx, X64_ANDPS_X_XM128, sgn, b, &m);
        x64_rmi r = x64_rmi_reg(sgn);
        x64_xmm_binop(ctx, X64_ORPS_X_XM128, dst, mag, &r);
        return true;
    }
    case CLIF_OP_FMIN:
    case CLIF_OP_FMAX: {
        x64_build b;
        xb_init(&b, X64_V_FMINMAX);
        b.v.flags = (uint8_t)((op == CLIF_OP_FMAX ? 1 : 0) | (f64 ? 4 : 0));
        uint8_t ua = xb_use(&b, lw_put_in_reg(ctx, lw_arg(ctx, inst, 0)));
        xb_reg(&b, 0, ua);
        xb_reg(&b, 1, xb_use(&b, lw_put_in_reg(ctx, lw_arg(ctx, inst, 1))));
        xb_reg(&b, 2, xb_op(&b, ra_def_reuse(dst, ua)));
        xb_emit(ctx, &b);
        return true;
    }
    case CLIF_OP_CEIL: return lower_round(ctx, inst, f64, dst, 2);
    case CLIF_OP_FLOOR: return lower_round(ctx, inst, f64, dst, 1);
    case CLIF_OP_TRUNC: return lower_round(ctx, inst, f64, dst, 3);
    case CLIF_OP_NEAREST: return lower_round(ctx, inst, f64, dst, 0);
    case CLIF_OP_FMA: {
        /* vfmadd213: dst = a * dst + c, dst starting as b. */
        ra_vreg a = lw_put_in_reg(ctx, lw_arg(ctx, inst, 0));
        ra_vreg bb = lw_put_in_reg(ctx, lw_arg(ctx, inst, 1));
        ra_vreg c = lw_put_in_reg(ctx, lw_arg(ctx, inst, 2));
        if (!x64_has(ctx, X64_FLAG_FMA)) {
            ra_vreg args[3] = {a, bb, c};
            return x64_lower_libcall(ctx, f64 ? LIBCALL_FMA_F64 : LIBCALL_FMA_F32, args, 3, dst);
        }
        x64_build b;
        xb_form(&b, f64 ? X64_VFMADD213SD_X_X_XM64 : X64_VFMADD213SS_X_X_XM32);
        uint8_t ub = xb_use(&b, bb);
        xb_reg(&b, 1, xb_use(&b, a));
        xb_reg(&b, 2, xb_use(&b, c));
        xb_reg(&b, 0, xb_op(&b, ra_def_reuse(dst, ub)));
        xb_emit(ctx, &b);
        return true;
    }
    case CLIF_OP_FCMP: {
        x64_flags_cond c = x64_emit_fcmp(ctx, inst);
        x64_cond_to_reg(ctx, c, dst);
        return true;
    }
    case CLIF_OP_SELECT:
    case CLIF_OP_SELECT_SPECTRE_GUARD: {
        if (t != CLIF_F32 && t != CLIF_F64 && t != CLIF_F128 && t != CLIF_F16)
            return x64_unsupported_type(ctx, inst, t);
        ra_vreg tv = lw_put_in_reg(ctx, lw_arg(ctx, inst, 1));
        ra_vreg fv = lw_put_in_reg(ctx, lw_arg(ctx, inst, 2));
        x64_flags_cond c = x64_emit_cond(ctx, lw_arg(ctx, inst, 0));
        x64_xmm_cmov(ctx, c.cc, c.cc2, c.mode, dst, tv, fv);
        return true;
    }
    case CLIF_OP_FPROMOTE:
    case CLIF_OP_FDEMOTE: {
        x64_rmi s = x64_put_rmi(ctx, lw_arg(ctx, inst, 0), op == CLIF_OP_FPROMOTE ? 4 : 8, false);
        x64_rm(ctx, op == CLIF_OP_FPROMOTE ? X64_CVTSS2SD_X_XM32 : X64_CVTSD2SS_X_XM64, dst, &s);
        return true;
    }
    case CLIF_OP_FCVT_FROM_SINT:
    case CLIF_OP_FCVT_FROM_UINT:
        return lower_cvt_from_int(ctx, inst, op == CLIF_OP_FCVT_FROM_SINT, f64, dst);
    case CLIF_OP_FCVT_TO_SINT: return lower_cvt_to_int(ctx, inst, true, false);
    case CLIF_OP_FCVT_TO_UINT: return lower_cvt_to_int(ctx, inst, false, false);
    case CLIF_OP_FCVT_TO_SINT_SAT: return lower_cvt_to_int(ctx, inst, true, true);
    case CLIF_OP_FCVT_TO_UINT_SAT: return lower_cvt_to_int(ctx, inst, false, true);
    case CLIF_OP_BITCAST: {
        clif_value x = lw_arg(ctx, inst, 0);
        clif_type from = lw_type(ctx, x);
        if (from == t) {
            ra_vreg r[2];
            uint32_t n = lw_put_in_regs(ctx, x, r);
            for (uint32_t k = 0; k < n; k++)
                lw_alias_output(ctx, lw_result(ctx, inst, 0), k, r[k]);
            return true;
        }
        if (x64_bytes(from) != x64_bytes(t) || x64_bytes(t) > 8 || clif_type_is_vector(t))
            return x64_unsupported_type(ctx, inst, t);
        ra_vreg r = lw_put_in_reg(ctx, x);
        bool ff = clif_type_is_float(from), tf = clif_type_is_float(t);
        if (ff == tf) {
            lw_alias_output(ctx, lw_result(ctx, inst, 0), 0, r);
        } else if (tf) {
            x64_rm_reg(ctx, x64_bytes(t) == 8 ? X64_MOVQ_X_RM64 : X64_MOVD_X_RM32, dst, r);
        } else {
            x64_build b;
            xb_form(&b, x64_bytes(t) == 8 ? X64_MOVQ_RM64_X : X64_MOVD_RM32_X);
            xb_reg(&b, 1, xb_use(&b, r));
            xb_reg(&b, 0, xb_def(&b, dst));
            xb_emit(ctx, &b);
        }
        return true;
    }
    default: break;
    }
    char tn[32];
    return lw_unsupported(ctx, "unsupported: %s.%s on x86_64", clif_opcode_info_of(op)->name,
                          x64_type_name(t, tn));
}
