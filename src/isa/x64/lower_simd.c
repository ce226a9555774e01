/* x86-64 lowering of 128-bit vectors (SSE2 baseline; SSSE3 / SSE4.1 forms
 * when the flags allow): loads and stores, constants, lane moves, bitwise
 * and lane-wise integer and float arithmetic. Anything else is reported as
 * `unsupported: <type> <op> on x86_64`. */
#include <string.h>

#include "isa/x64/simd.h"

x64_rmi xs_const_src(lower_ctx *ctx, const uint8_t bytes[16]) {
    x64_rmi x;
    memset(&x, 0, sizeof x);
    x.kind = X64_RMI_MEM;
    x.mem.mk = X64_MK_CONST;
    x.mem.base = x.mem.index = CLIF_NONE;
    x.mem.phys_base = X64_NOREG;
    x.mem.label = lw_constant(ctx, bytes, 16, 16);
    return x;
}

/* A 16-byte constant with `pattern` repeated in each `bytes`-wide lane. */
x64_rmi xs_lane_const(lower_ctx *ctx, uint64_t pattern, uint32_t bytes) {
    uint8_t b[16];
    for (int i = 0; i < 16; i++)
        b[i] = (uint8_t)(pattern >> (8 * (i % bytes)));
    return xs_const_src(ctx, b);
}

ra_vreg xs_vtemp(lower_ctx *ctx) {
    return lw_temp(ctx, RA_CLASS_FLOAT, clif_type_vector(CLIF_I8, 4));
}

/* dst = a op b (two-address SSE form). */
void xs_binop(lower_ctx *ctx, x64_form form, ra_vreg dst, ra_vreg a, ra_vreg b) {
    x64_rmi rb = x64_rmi_reg(b);
    x64_xmm_binop(ctx, form, dst, a, &rb);
}

/* dst = form src, imm (pshufd-style: a fresh def). */
void xs_shuf_imm(lower_ctx *ctx, x64_form form, ra_vreg dst, ra_vreg src, uint8_t imm) {
    x64_build b;
    xb_form(&b, form);
    xb_reg(&b, 1, xb_use(&b, src));
    xb_reg(&b, 0, xb_def(&b, dst));
    xb_imm(&b, 2, imm);
    xb_emit(ctx, &b);
}

/* dst(gpr) = form xmm, imm (pextrw-style). */
void xs_extract_imm(lower_ctx *ctx, x64_form form, ra_vreg dst, ra_vreg x, uint8_t imm) {
    x64_build b;
    xb_form(&b, form);
    xb_reg(&b, 1, xb_use(&b, x));
    xb_reg(&b, 0, xb_def(&b, dst));
    xb_imm(&b, 2, imm);
    xb_emit(ctx, &b);
}

/* dst(xmm) = the low bits of gpr r (movd / movq). */
void xs_gpr_to_xmm(lower_ctx *ctx, ra_vreg dst, ra_vreg r, bool q) {
    x64_rm_reg(ctx, q ? X64_MOVQ_X_RM64 : X64_MOVD_X_RM32, dst, r);
}

/* dst(gpr) = the low 32 / 64 bits of xmm x. */
void xs_xmm_to_gpr(lower_ctx *ctx, ra_vreg dst, ra_vreg x, bool q) {
    x64_build b;
    xb_form(&b, q ? X64_MOVQ_RM64_X : X64_MOVD_RM32_X);
    xb_reg(&b, 1, xb_use(&b, x));
    xb_reg(&b, 0, xb_def(&b, dst));
    xb_emit(ctx, &b);
}

static x64_addr mem_of(lower_ctx *ctx, clif_inst inst, uint32_t addr_arg) {
    const inst_data *d = lw_data(ctx, inst);
    return x64_address(ctx, lw_arg(ctx, inst, addr_arg), d->offset, d->memflags);
}

static bool lower_load_store(lower_ctx *ctx, clif_inst inst, clif_opcode op, clif_type t) {
    if (lw_data(ctx, inst)->memflags & CLIF_MEM_BIG) return x64_unsupported_type(ctx, inst, t);
    x64_build b;
    if (op == CLIF_OP_LOAD) {
        x64_addr a = mem_of(ctx, inst, 0);
        xb_form(&b, X64_MOVDQU_X_XM128);
        xb_mem(&b, 1, &a);
        xb_reg(&b, 0, xb_def(&b, lw_output_reg(ctx, lw_result(ctx, inst, 0))));
    } else {
        ra_vreg v = lw_put_in_reg(ctx, lw_arg(ctx, inst, 0));
        x64_addr a = mem_of(ctx, inst, 1);
        xb_form(&b, X64_MOVDQU_XM128_X);
        xb_mem(&b, 0, &a);
        xb_reg(&b, 1, xb_use(&b, v));
    }
    xb_emit(ctx, &b);
    return true;
}

/* Per lane size (1, 2, 4, 8 bytes): integer add and sub forms. */
static const x64_form padd[4] = {X64_PADDB_X_XM128, X64_PADDW_X_XM128, X64_PADDD_X_XM128,
                                 X64_PADDQ_X_XM128};
static const x64_form psub[4] = {X64_PSUBB_X_XM128, X64_PSUBW_X_XM128, X64_PSUBD_X_XM128,
                                 X64_PSUBQ_X_XM128};

ra_vreg xs_zero_vec(lower_ctx *ctx) {
    ra_vreg z = xs_vtemp(ctx);
    x64_build b;
    xb_form(&b, X64_PXOR_X_XM128);
    uint8_t d = xb_def(&b, z);
    xb_reg(&b, 0, d);
    xb_reg(&b, 1, d);
    xb_emit(ctx, &b);
    return z;
}

/* splat: lane 0 of the source broadcast to every lane. */
static bool lower_splat(lower_ctx *ctx, clif_type lane, ra_vreg dst, clif_value x) {
    ra_vreg s = lw_put_in_reg(ctx, x);
    uint32_t lb = x64_bytes(lane);
    if (clif_type_is_float(lane)) {
        xs_shuf_imm(ctx, X64_PSHUFD_X_XM128_IMM8, dst, s, lb == 4 ? 0x00 : 0x44);
        return true;
    }
    ra_vreg v = xs_vtemp(ctx);
    xs_gpr_to_xmm(ctx, v, s, lb == 8);
    if (lb == 1) {
        ra_vreg w = xs_vtemp(ctx);
        xs_binop(ctx, X64_PUNPCKLBW_X_XM128, w, v, v);
        v = w;
        lb = 2;
    }
    if (lb == 2) {
        ra_vreg w = xs_vtemp(ctx);
        xs_shuf_imm(ctx, X64_PSHUFLW_X_XM128_IMM8, w, v, 0x00);
        v = w;
    }
    xs_shuf_imm(ctx, X64_PSHUFD_X_XM128_IMM8, dst, v, lb == 8 ? 0x44 : 0x00);
    return true;
}

static bool lower_extractlane(lower_ctx *ctx, clif_inst inst, clif_type lane, ra_vreg dst) {
    ra_vreg x = lw_put_in_reg(ctx, lw_arg(ctx, inst, 0));
    uint32_t k = lw_data(ctx, inst)->lane, lb = x64_bytes(lane);
    if (clif_type_is_float(lane)) {
        if (k == 0) {
            x64_copy(ctx, dst, x, CLIF_F64);
        } else {
            uint8_t imm = lb == 4 ? (uint8_t)k : 0xee;
            xs_shuf_imm(ctx, X64_PSHUFD_X_XM128_IMM8, dst, x, imm);
        }
        return true;
    }
    if (lb == 2) {
        xs_extract_imm(ctx, X64_PEXTRW_R32_X_IMM8, dst, x, (uint8_t)k);
        return true;
    }
    if (lb == 1) {
        ra_vreg w = lw_temp(ctx, RA_CLASS_INT, CLIF_I32);
        xs_extract_imm(ctx, X64_PEXTRW_R32_X_IMM8, w, x, (uint8_t)(k / 2));
        if (k & 1)
            x64_shift_imm(ctx, X64_SHR_RM32_IMM8, dst, w, 8);
        else
            x64_copy(ctx, dst, w, CLIF_I32);
        return true;
    }
    ra_vreg v = x;
    if (k != 0) {
        v = xs_vtemp(ctx);
        xs_shuf_imm(ctx, X64_PSHUFD_X_XM128_IMM8, v, x, lb == 4 ? (uint8_t)k : 0xee);
    }
    xs_xmm_to_gpr(ctx, dst, v, lb == 8);
    return true;
}

/* ishl / ushr / sshr of 16-, 32- and 64-bit lanes (no 64-bit sshr in SSE):
 * the amount is masked to the lane width and moved to an xmm register. */
static bool lower_shift(lower_ctx *ctx, clif_inst inst, clif_opcode op, uint32_t li, ra_vreg dst) {
    static const x64_form forms[3][4] = {
        {0, X64_PSLLW_X_XM128, X64_PSLLD_X_XM128, X64_PSLLQ_X_XM128},
        {0, X64_PSRLW_X_XM128, X64_PSRLD_X_XM128, X64_PSRLQ_X_XM128},
        {0, X64_PSRAW_X_XM128, X64_PSRAD_X_XM128, 0},
    };
    int k = op == CLIF_OP_ISHL ? 0 : op == CLIF_OP_USHR ? 1 : 2;
    x64_form f = forms[k][li];
    if (!f) return false;
    uint32_t bits = 8u << li;
    ra_vreg amt = lw_put_in_reg(ctx, lw_arg(ctx, inst, 1));
    ra_vreg m = lw_temp(ctx, RA_CLASS_INT, CLIF_I64);
    x64_rmi mask = {X64_RMI_IMM, CLIF_NONE, {0}, bits - 1};
    x64_emit_alu(ctx, X64_ALU_AND, 4, m, amt, &mask);
    ra_vreg xa = xs_vtemp(ctx);
    xs_gpr_to_xmm(ctx, xa, m, false);
    xs_binop(ctx, f, dst, lw_put_in_reg(ctx, lw_arg(ctx, inst, 0)), xa);
    return true;
}

typedef struct fvforms {
    x64_form ps, pd;
} fvforms;

static bool lower_fbinop(lower_ctx *ctx, clif_opcode op, bool f64, ra_vreg dst, ra_vreg a,
                         ra_vreg b) {
    fvforms f;
    switch (op) {
    case CLIF_OP_FADD: f = (fvforms){X64_ADDPS_X_XM128, X64_ADDPD_X_XM128}; break;
    case CLIF_OP_FSUB: f = (fvforms){X64_SUBPS_X_XM128, X64_SUBPD_X_XM128}; break;
    case CLIF_OP_FMUL: f = (fvforms){X64_MULPS_X_XM128, X64_MULPD_X_XM128}; break;
    default: f = (fvforms){X64_DIVPS_X_XM128, X64_DIVPD_X_XM128}; break;
    }
    xs_binop(ctx, f64 ? f.pd : f.ps, dst, a, b);
    return true;
}

/* 16 bytes of the vconst instruction's constant, or NULL. */
static const uint8_t *vconst_bytes(lower_ctx *ctx, clif_inst inst) {
    uint32_t k = lw_data(ctx, inst)->ent;
    const clif_func *f = ctx->f;
    if (k >= f->constants.len || f->constants.data[k].len != 16) return NULL;
    return f->const_bytes.data + f->constants.data[k].bytes;
}

bool x64_lower_simd(lower_ctx *ctx, clif_inst inst) {
    clif_opcode op = lw_opcode(ctx, inst);
    uint32_t nres = lw_num_results(ctx, inst);
    clif_type t = nres ? lw_type(ctx, lw_result(ctx, inst, 0)) : CLIF_TYPE_INVALID;
    clif_type at = lw_num_args(ctx, inst) ? lw_type(ctx, lw_arg(ctx, inst, 0)) : t;
    /* The vector type the instruction works on. */
    clif_type vt = clif_type_is_vector(t) ? t : at;
    if (op == CLIF_OP_STORE && lw_num_args(ctx, inst) > 0) vt = at;
    if (!clif_type_is_vector(vt) || clif_type_bits(vt) != 128 || clif_type_is_dynamic(vt))
        return x64_unsupported_type(ctx, inst, clif_type_is_vector(t) ? t : at);
    clif_type lane = clif_type_lane(vt);
    bool flt = clif_type_is_float(lane);
    uint32_t li = (uint32_t)x64_size_index(x64_bytes(lane));
    if (op == CLIF_OP_LOAD || op == CLIF_OP_STORE) return lower_load_store(ctx, inst, op, vt);
    ra_vreg dst = nres ? lw_output_reg(ctx, lw_result(ctx, inst, 0)) : CLIF_NONE;
    switch (op) {
    case CLIF_OP_VCONST: {
        const uint8_t *bytes = vconst_bytes(ctx, inst);
        if (!bytes) return x64_unsupported_type(ctx, inst, t);
        lw_alias_output(ctx, lw_result(ctx, inst, 0), 0, x64_vconst_reg(ctx, bytes));
        return true;
    }
    case CLIF_OP_BITCAST: {
        /* Big-endian lane order differs unless the lanes keep their size. */
        bool big = lw_data(ctx, inst)->memflags & CLIF_MEM_BIG;
        if (big && clif_type_bits(clif_type_lane(t)) != clif_type_bits(clif_type_lane(at)))
            return lw_unsupported(ctx, "unsupported: big-endian %s bitcast on x86_64",
                                  x64_type_name(vt, (char[32]){0}));
        bool xmm = (clif_type_is_vector(t) || t == CLIF_F128) &&
                   (clif_type_is_vector(at) || at == CLIF_F128);
        if (!xmm || clif_type_bits(t) != 128 || clif_type_bits(at) != 128) break;
        lw_alias_output(ctx, lw_result(ctx, inst, 0), 0, lw_put_in_reg(ctx, lw_arg(ctx, inst, 0)));
        return true;
    }
    case CLIF_OP_BAND:
    case CLIF_OP_BOR:
    case CLIF_OP_BXOR: {
        x64_form f = op == CLIF_OP_BAND  ? X64_PAND_X_XM128
                     : op == CLIF_OP_BOR ? X64_POR_X_XM128
                                         : X64_PXOR_X_XM128;
        xs_binop(ctx, f, dst, lw_put_in_reg(ctx, lw_arg(ctx, inst, 0)),
                 lw_put_in_reg(ctx, lw_arg(ctx, inst, 1)));
        return true;
    }
    case CLIF_OP_BNOT: {
        x64_rmi ones = xs_lane_const(ctx, ~(uint64_t)0, 8);
        x64_xmm_binop(ctx, X64_PXOR_X_XM128, dst, lw_put_in_reg(ctx, lw_arg(ctx, inst, 0)), &ones);
        return true;
    }
    case CLIF_OP_BITSELECT: { /* (c & x) | (y & ~c) */
        ra_vreg c = lw_put_in_reg(ctx, lw_arg(ctx, inst, 0));
        ra_vreg x = lw_put_in_reg(ctx, lw_arg(ctx, inst, 1));
        ra_vreg y = lw_put_in_reg(ctx, lw_arg(ctx, inst, 2));
        ra_vreg cx = xs_vtemp(ctx), ny = xs_vtemp(ctx);
        xs_binop(ctx, X64_PAND_X_XM128, cx, c, x);
        xs_binop(ctx, X64_PANDN_X_XM128, ny, c, y);
        xs_binop(ctx, X64_POR_X_XM128, dst, cx, ny);
        return true;
    }
    case CLIF_OP_SELECT:
    case CLIF_OP_SELECT_SPECTRE_GUARD: {
        if (!clif_type_is_vector(t)) break;
        ra_vreg tv = lw_put_in_reg(ctx, lw_arg(ctx, inst, 1));
        ra_vreg fv = lw_put_in_reg(ctx, lw_arg(ctx, inst, 2));
        x64_flags_cond c = x64_emit_cond(ctx, lw_arg(ctx, inst, 0));
        x64_xmm_cmov(ctx, c.cc, c.cc2, c.mode, dst, tv, fv);
        return true;
    }
    case CLIF_OP_IADD:
    case CLIF_OP_ISUB:
        if (flt) break;
        xs_binop(ctx, op == CLIF_OP_IADD ? padd[li] : psub[li], dst,
                 lw_put_in_reg(ctx, lw_arg(ctx, inst, 0)),
                 lw_put_in_reg(ctx, lw_arg(ctx, inst, 1)));
        return true;
    case CLIF_OP_INEG:
        if (flt) break;
        xs_binop(ctx, psub[li], dst, xs_zero_vec(ctx), lw_put_in_reg(ctx, lw_arg(ctx, inst, 0)));
        return true;
    case CLIF_OP_FADD:
    case CLIF_OP_FSUB:
    case CLIF_OP_FMUL:
    case CLIF_OP_FDIV:
        if (!flt) break;
        return lower_fbinop(ctx, op, lane == CLIF_F64, dst,
                            lw_put_in_reg(ctx, lw_arg(ctx, inst, 0)),
                            lw_put_in_reg(ctx, lw_arg(ctx, inst, 1)));
    case CLIF_OP_SQRT: {
        if (!flt) break;
        x64_rmi s = x64_rmi_reg(lw_put_in_reg(ctx, lw_arg(ctx, inst, 0)));
        x64_rm(ctx, lane == CLIF_F64 ? X64_SQRTPD_X_XM128 : X64_SQRTPS_X_XM128, dst, &s);
        return true;
    }
    case CLIF_OP_FNEG:
    case CLIF_OP_FABS: {
        if (!flt) break;
        bool f64 = lane == CLIF_F64;
        uint64_t sign = f64 ? 0x8000000000000000ull : 0x80000000ull;
        x64_rmi m = xs_lane_const(ctx, op == CLIF_OP_FNEG ? sign : ~sign, f64 ? 8 : 4);
        x64_xmm_binop(ctx, op == CLIF_OP_FNEG ? X64_XORPS_X_XM128 : X64_ANDPS_X_XM128, dst,
                      lw_put_in_reg(ctx, lw_arg(ctx, inst, 0)), &m);
        return true;
    }
    case CLIF_OP_ISHL:
    case CLIF_OP_USHR:
    case CLIF_OP_SSHR:
        if (flt || !lower_shift(ctx, inst, op, li, dst)) break;
        return true;
    case CLIF_OP_SPLAT: return lower_splat(ctx, lane, dst, lw_arg(ctx, inst, 0));
    case CLIF_OP_EXTRACTLANE: return lower_extractlane(ctx, inst, lane, dst);
    default: break;
    }
    if (x64_lower_simd_ops(ctx, inst, vt, dst)) return true;
    char tn[32];
    return lw_unsupported(ctx, "unsupported: %s %s on x86_64", x64_type_name(vt, tn),
                          clif_opcode_info_of(op)->name);
}
