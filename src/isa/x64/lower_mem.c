/* x86-64 lowering of memory access: loads and stores of every width and
 * extension, stack slots, atomics, fences and the special registers. */
#include <string.h>

#include "isa/x64/x64.h"

static bool unsupported_big(lower_ctx *ctx, clif_inst inst) {
    return lw_unsupported(ctx, "unsupported: big-endian %s on x86_64",
                          clif_opcode_info_of(lw_opcode(ctx, inst))->name);
}

/* Loads of `bytes` into an integer register, extended to 64 bits. */
static x64_form int_load_form(uint32_t bytes, bool sign) {
    switch (bytes) {
    case 1: return sign ? X64_MOVSX_R64_RM8 : X64_MOVZX_R32_RM8;
    case 2: return sign ? X64_MOVSX_R64_RM16 : X64_MOVZX_R32_RM16;
    case 4: return sign ? X64_MOVSXD_R64_RM32 : X64_MOV_R32_RM32;
    default: return X64_MOV_R64_RM64;
    }
}

static void load(lower_ctx *ctx, x64_form form, ra_vreg dst, const x64_addr *a) {
    x64_build b;
    xb_form(&b, form);
    xb_mem(&b, 1, a);
    xb_reg(&b, 0, xb_def(&b, dst));
    xb_emit(ctx, &b);
}

static void store_reg(lower_ctx *ctx, x64_form form, ra_vreg src, const x64_addr *a) {
    x64_build b;
    xb_form(&b, form);
    xb_mem(&b, 0, a);
    xb_reg(&b, 1, xb_use(&b, src));
    xb_emit(ctx, &b);
}

static const x64_form store_forms[4] = {X64_MOV_RM8_R8, X64_MOV_RM16_R16, X64_MOV_RM32_R32,
                                        X64_MOV_RM64_R64};

static void store_int(lower_ctx *ctx, clif_value v, uint32_t bytes, const x64_addr *a) {
    static const x64_form imm_forms[4] = {X64_MOV_RM8_IMM8, X64_MOV_RM16_IMM16, X64_MOV_RM32_IMM32,
                                          X64_MOV_RM64_IMM32};
    int64_t imm;
    if (x64_imm32(ctx, v, bytes, &imm)) {
        if (bytes == 1) imm = (int8_t)imm;
        if (bytes == 2) imm = (int16_t)imm;
        x64_build b;
        xb_form(&b, imm_forms[x64_size_index(bytes)]);
        xb_mem(&b, 0, a);
        xb_imm(&b, 1, imm);
        xb_emit(ctx, &b);
        return;
    }
    store_reg(ctx, store_forms[x64_size_index(bytes)], lw_put_in_reg(ctx, v), a);
}

static bool lower_load(lower_ctx *ctx, clif_inst inst, clif_opcode op) {
    const inst_data *d = lw_data(ctx, inst);
    if (d->memflags & CLIF_MEM_BIG) return unsupported_big(ctx, inst);
    clif_value res = lw_result(ctx, inst, 0);
    clif_type t = lw_type(ctx, res);
    x64_addr a = x64_address(ctx, lw_arg(ctx, inst, 0), d->offset, d->memflags);
    ra_vreg regs[2];
    lw_output_regs(ctx, res, regs);
    uint32_t bytes;
    bool sign = false;
    switch (op) {
    case CLIF_OP_ULOAD8: bytes = 1; break;
    case CLIF_OP_SLOAD8: bytes = 1, sign = true; break;
    case CLIF_OP_ULOAD16: bytes = 2; break;
    case CLIF_OP_SLOAD16: bytes = 2, sign = true; break;
    case CLIF_OP_ULOAD32: bytes = 4; break;
    case CLIF_OP_SLOAD32: bytes = 4, sign = true; break;
    default: bytes = x64_bytes(t); break;
    }
    if (clif_type_is_float(t)) {
        if (t == CLIF_F32)
            load(ctx, X64_MOVSS_X_XM32, regs[0], &a);
        else if (t == CLIF_F64)
            load(ctx, X64_MOVSD_X_XM64, regs[0], &a);
        else if (t == CLIF_F128)
            load(ctx, X64_MOVDQU_X_XM128, regs[0], &a);
        else if (t == CLIF_F16) {
            ra_vreg g = lw_temp(ctx, RA_CLASS_INT, CLIF_I32);
            load(ctx, X64_MOVZX_R32_RM16, g, &a);
            x64_rm_reg(ctx, X64_MOVD_X_RM32, regs[0], g);
        } else
            return x64_unsupported_type(ctx, inst, t);
        return true;
    }
    if (t == CLIF_I128) {
        if (bytes == 16) {
            load(ctx, X64_MOV_R64_RM64, regs[0], &a);
            a.disp += 8;
            a.trap = 0;
            load(ctx, X64_MOV_R64_RM64, regs[1], &a);
            return true;
        }
        load(ctx, int_load_form(bytes, sign), regs[0], &a);
        if (sign)
            x64_shift_imm(ctx, X64_SAR_RM64_IMM8, regs[1], regs[0], 63);
        else
            x64_load_const(ctx, regs[1], 0);
        return true;
    }
    load(ctx, int_load_form(bytes, sign), regs[0], &a);
    return true;
}

static bool lower_store(lower_ctx *ctx, clif_inst inst, clif_opcode op) {
    const inst_data *d = lw_data(ctx, inst);
    if (d->memflags & CLIF_MEM_BIG) return unsupported_big(ctx, inst);
    clif_value v = lw_arg(ctx, inst, 0);
    clif_type t = lw_type(ctx, v);
    x64_addr a = x64_address(ctx, lw_arg(ctx, inst, 1), d->offset, d->memflags);
    uint32_t bytes = op == CLIF_OP_ISTORE8    ? 1
                     : op == CLIF_OP_ISTORE16 ? 2
                     : op == CLIF_OP_ISTORE32 ? 4
                                              : x64_bytes(t);
    if (clif_type_is_float(t)) {
        ra_vreg r = lw_put_in_reg(ctx, v);
        if (t == CLIF_F32)
            store_reg(ctx, X64_MOVSS_M32_X, r, &a);
        else if (t == CLIF_F64)
            store_reg(ctx, X64_MOVSD_M64_X, r, &a);
        else if (t == CLIF_F128)
            store_reg(ctx, X64_MOVDQU_XM128_X, r, &a);
        else if (t == CLIF_F16) {
            ra_vreg g = lw_temp(ctx, RA_CLASS_INT, CLIF_I32);
            x64_build b;
            xb_form(&b, X64_MOVD_RM32_X);
            xb_reg(&b, 1, xb_use(&b, r));
            xb_reg(&b, 0, xb_def(&b, g));
            xb_emit(ctx, &b);
            store_reg(ctx, X64_MOV_RM16_R16, g, &a);
        } else
            return x64_unsupported_type(ctx, inst, t);
        return true;
    }
    if (t == CLIF_I128) {
        ra_vreg r[2];
        lw_put_in_regs(ctx, v, r);
        if (bytes == 16) {
            store_reg(ctx, X64_MOV_RM64_R64, r[0], &a);
            a.disp += 8;
            a.trap = 0;
            store_reg(ctx, X64_MOV_RM64_R64, r[1], &a);
        } else {
            store_reg(ctx, store_forms[x64_size_index(bytes)], r[0], &a);
        }
        return true;
    }
    store_int(ctx, v, bytes, &a);
    return true;
}

/* i128 atomics with cmpxchg16b. kind: 0 load, 1 store, 2 rmw. */
static bool lower_atomic128(lower_ctx *ctx, clif_inst inst, int kind) {
    const inst_data *d = lw_data(ctx, inst);
    if (!x64_has(ctx, X64_FLAG_CMPXCHG16B))
        return lw_unsupported(ctx, "unsupported: i128 %s without cmpxchg16b on x86_64",
                              clif_opcode_info_of(lw_opcode(ctx, inst))->name);
    clif_value addr = lw_arg(ctx, inst, kind == 1 ? 1 : 0);
    x64_addr a = x64_address(ctx, addr, 0, d->memflags);
    x64_build b;
    xb_init(&b, X64_V_ATOMIC128);
    b.v.aux = (uint8_t)kind;
    b.v.flags = d->cond;
    xb_mem(&b, 0, &a);
    if (kind != 0) {
        ra_vreg s[2];
        lw_put_in_regs(ctx, lw_arg(ctx, inst, kind == 1 ? 0 : 1), s);
        xb_reg(&b, 1, xb_use(&b, s[0]));
        xb_reg(&b, 2, xb_use(&b, s[1]));
    }
    ra_vreg out[2];
    if (kind == 1) {
        out[0] = lw_temp(ctx, RA_CLASS_INT, CLIF_I64);
        out[1] = lw_temp(ctx, RA_CLASS_INT, CLIF_I64);
    } else {
        lw_output_regs(ctx, lw_result(ctx, inst, 0), out);
    }
    static const ra_preg fixed[4] = {X64_RAX, X64_RDX, X64_RBX, X64_RCX};
    for (int k = 0; k < 4; k++) {
        ra_operand o =
            ra_def_fixed(k < 2 ? out[k] : lw_temp(ctx, RA_CLASS_INT, CLIF_I64), fixed[k]);
        o.pos = RA_EARLY;
        xb_op(&b, o);
    }
    xb_emit(ctx, &b);
    return true;
}

/* The whole atomic read-modify-write loop (vinst.c expands it). */
static bool lower_atomic_rmw(lower_ctx *ctx, clif_inst inst) {
    const inst_data *d = lw_data(ctx, inst);
    clif_value res = lw_result(ctx, inst, 0);
    clif_type t = lw_type(ctx, res);
    uint32_t bytes = x64_bytes(t);
    if (t == CLIF_I128) return lower_atomic128(ctx, inst, 2);
    if (bytes > 8) return x64_unsupported_type(ctx, inst, t);
    x64_addr a = x64_address(ctx, lw_arg(ctx, inst, 0), 0, d->memflags);
    ra_vreg src = lw_put_in_reg(ctx, lw_arg(ctx, inst, 1));
    ra_vreg dst = lw_output_reg(ctx, res);
    x64_build b;
    xb_init(&b, X64_V_ATOMIC_RMW);
    b.v.size = (uint8_t)bytes;
    b.v.aux = d->cond;
    xb_mem(&b, 0, &a);
    xb_reg(&b, 1, xb_use(&b, src));
    xb_reg(&b, 2, xb_op(&b, ra_def_early(lw_temp(ctx, RA_CLASS_INT, CLIF_I64))));
    ra_operand o = ra_def_fixed(dst, X64_RAX);
    o.pos = RA_EARLY;
    xb_reg(&b, 3, xb_op(&b, o));
    xb_emit(ctx, &b);
    return true;
}

static bool lower_atomic_cas(lower_ctx *ctx, clif_inst inst) {
    const inst_data *d = lw_data(ctx, inst);
    clif_value res = lw_result(ctx, inst, 0);
    clif_type t = lw_type(ctx, res);
    uint32_t bytes = x64_bytes(t);
    if (t == CLIF_I128) {
        if (!x64_has(ctx, X64_FLAG_CMPXCHG16B))
            return lw_unsupported(ctx, "unsupported: i128 atomic_cas without cmpxchg16b");
        x64_addr a = x64_address(ctx, lw_arg(ctx, inst, 0), 0, d->memflags);
        ra_vreg e[2], r[2], o[2];
        lw_put_in_regs(ctx, lw_arg(ctx, inst, 1), e);
        lw_put_in_regs(ctx, lw_arg(ctx, inst, 2), r);
        lw_output_regs(ctx, res, o);
        x64_build b;
        xb_form(&b, X64_LOCK_CMPXCHG16B_M128);
        xb_mem(&b, 0, &a);
        x64_copy_to_fixed(ctx, &b, e[0], X64_RAX);
        x64_copy_to_fixed(ctx, &b, e[1], X64_RDX);
        x64_copy_to_fixed(ctx, &b, r[0], X64_RBX);
        x64_copy_to_fixed(ctx, &b, r[1], X64_RCX);
        xb_op(&b, ra_def_fixed(o[0], X64_RAX));
        xb_op(&b, ra_def_fixed(o[1], X64_RDX));
        xb_emit(ctx, &b);
        return true;
    }
    if (bytes > 8) return x64_unsupported_type(ctx, inst, t);
    static const x64_form forms[4] = {X64_LOCK_CMPXCHG_M8_R8, X64_LOCK_CMPXCHG_M16_R16,
                                      X64_LOCK_CMPXCHG_M32_R32, X64_LOCK_CMPXCHG_M64_R64};
    x64_addr a = x64_address(ctx, lw_arg(ctx, inst, 0), 0, d->memflags);
    ra_vreg expected = lw_put_in_reg(ctx, lw_arg(ctx, inst, 1));
    ra_vreg repl = lw_put_in_reg(ctx, lw_arg(ctx, inst, 2));
    x64_build b;
    xb_form(&b, forms[x64_size_index(bytes)]);
    xb_mem(&b, 0, &a);
    xb_reg(&b, 1, xb_use(&b, repl));
    xb_op(&b, ra_use_fixed(expected, X64_RAX));
    xb_op(&b, ra_def_fixed(lw_output_reg(ctx, res), X64_RAX));
    xb_emit(ctx, &b);
    return true;
}

static void copy_phys(lower_ctx *ctx, ra_vreg dst, uint8_t r) {
    x64_build b;
    xb_form(&b, X64_MOV_R64_RM64);
    xb_reg(&b, 1, X64_PHYS(r));
    xb_reg(&b, 0, xb_def(&b, dst));
    xb_emit(ctx, &b);
}

bool x64_lower_mem(lower_ctx *ctx, clif_inst inst) {
    clif_opcode op = lw_opcode(ctx, inst);
    const inst_data *d = lw_data(ctx, inst);
    switch (op) {
    case CLIF_OP_LOAD:
    case CLIF_OP_ULOAD8:
    case CLIF_OP_SLOAD8:
    case CLIF_OP_ULOAD16:
    case CLIF_OP_SLOAD16:
    case CLIF_OP_ULOAD32:
    case CLIF_OP_SLOAD32: return lower_load(ctx, inst, op);
    case CLIF_OP_STORE:
    case CLIF_OP_ISTORE8:
    case CLIF_OP_ISTORE16:
    case CLIF_OP_ISTORE32: return lower_store(ctx, inst, op);
    case CLIF_OP_STACK_ADDR: {
        x64_addr a = {X64_MK_SLOT, CLIF_NONE, CLIF_NONE, X64_RSP, 0, d->offset, d->ent, 0};
        load(ctx, X64_LEA_R64_M, lw_output_reg(ctx, lw_result(ctx, inst, 0)), &a);
        return true;
    }
    case CLIF_OP_ATOMIC_LOAD: {
        clif_type t = lw_type(ctx, lw_result(ctx, inst, 0));
        if (t == CLIF_I128) return lower_atomic128(ctx, inst, 0);
        if (x64_bytes(t) > 8) return x64_unsupported_type(ctx, inst, t);
        x64_addr a = x64_address(ctx, lw_arg(ctx, inst, 0), 0, d->memflags);
        load(ctx, int_load_form(x64_bytes(t), false), lw_output_reg(ctx, lw_result(ctx, inst, 0)),
             &a);
        return true;
    }
    case CLIF_OP_ATOMIC_STORE: {
        clif_type t = lw_type(ctx, lw_arg(ctx, inst, 0));
        uint32_t bytes = x64_bytes(t);
        if (t == CLIF_I128) return lower_atomic128(ctx, inst, 1);
        if (bytes > 8) return x64_unsupported_type(ctx, inst, t);
        static const x64_form xchg[4] = {X64_XCHG_RM8_R8, X64_XCHG_RM16_R16, X64_XCHG_RM32_R32,
                                         X64_XCHG_RM64_R64};
        x64_addr a = x64_address(ctx, lw_arg(ctx, inst, 1), 0, d->memflags);
        ra_vreg v = lw_put_in_reg(ctx, lw_arg(ctx, inst, 0));
        x64_build b;
        xb_form(&b, xchg[x64_size_index(bytes)]);
        xb_mem(&b, 0, &a);
        uint8_t uv = xb_use(&b, v);
        xb_reg(&b, 1, xb_op(&b, ra_def_reuse(lw_temp(ctx, RA_CLASS_INT, CLIF_I64), uv)));
        xb_emit(ctx, &b);
        return true;
    }
    case CLIF_OP_ATOMIC_RMW: return lower_atomic_rmw(ctx, inst);
    case CLIF_OP_ATOMIC_CAS: return lower_atomic_cas(ctx, inst);
    case CLIF_OP_FENCE: {
        x64_build b;
        xb_form(&b, X64_MFENCE);
        xb_emit(ctx, &b);
        return true;
    }
    case CLIF_OP_GET_PINNED_REG:
        if (!ctx->isa->shared[SET_ENABLE_PINNED_REG])
            return lw_unsupported(ctx, "unsupported: get_pinned_reg without enable_pinned_reg");
        copy_phys(ctx, lw_output_reg(ctx, lw_result(ctx, inst, 0)), X64_PINNED);
        return true;
    case CLIF_OP_SET_PINNED_REG: {
        if (!ctx->isa->shared[SET_ENABLE_PINNED_REG])
            return lw_unsupported(ctx, "unsupported: set_pinned_reg without enable_pinned_reg");
        x64_build b;
        xb_form(&b, X64_MOV_R64_RM64);
        xb_reg(&b, 0, X64_PHYS(X64_PINNED));
        xb_reg(&b, 1, xb_use(&b, lw_put_in_reg(ctx, lw_arg(ctx, inst, 0))));
        xb_emit(ctx, &b);
        return true;
    }
    case CLIF_OP_GET_FRAME_POINTER:
        copy_phys(ctx, lw_output_reg(ctx, lw_result(ctx, inst, 0)), X64_RBP);
        return true;
    case CLIF_OP_GET_STACK_POINTER:
        copy_phys(ctx, lw_output_reg(ctx, lw_result(ctx, inst, 0)), X64_RSP);
        return true;
    case CLIF_OP_GET_RETURN_ADDRESS: {
        x64_addr a = {X64_MK_NONE, CLIF_NONE, CLIF_NONE, X64_RBP, 0, 8, 0, 0};
        load(ctx, X64_MOV_R64_RM64, lw_output_reg(ctx, lw_result(ctx, inst, 0)), &a);
        return true;
    }
    default: break;
    }
    return lw_unsupported(ctx, "unsupported: %s on x86_64", clif_opcode_info_of(op)->name);
}
