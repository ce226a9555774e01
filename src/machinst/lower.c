/* The lowering driver: CLIF function -> VCode, through the ISA's hooks. */
#include "machinst/lower.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machinst/target.h"

#define SIDE_FLAGS                                                                                 \
    (CLIF_OPF_TERM | CLIF_OPF_CALL | CLIF_OPF_TRAP | CLIF_OPF_LOAD | CLIF_OPF_STORE | CLIF_OPF_SIDE)

static bool has_side_effect(const clif_func *f, clif_inst i) {
    return (clif_opcode_info_of((clif_opcode)f->insts.data[i].opcode)->flags & SIDE_FLAGS) != 0;
}

bool lw_unsupported(lower_ctx *ctx, const char *fmt, ...) {
    if (!ctx->failed) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(ctx->msg, sizeof ctx->msg, fmt, ap);
        va_end(ap);
    }
    ctx->failed = true;
    return false;
}

/* ---- values and vregs ---- */

static uint32_t value_regs(lower_ctx *ctx, clif_value v, ra_vreg out[2]) {
    clif_type t = ctx->f->values.data[v].type;
    uint32_t n = lw_type_regs(t);
    uint32_t *slot = &ctx->value_regs[2 * (size_t)v];
    if (slot[0] == CLIF_NONE) {
        if (n == 2) {
            slot[0] = vcode_new_vreg(ctx->vc, RA_CLASS_INT, CLIF_I64);
            slot[1] = vcode_new_vreg(ctx->vc, RA_CLASS_INT, CLIF_I64);
        } else {
            slot[0] = vcode_new_vreg(ctx->vc, abi_class_of(t), t);
        }
    }
    out[0] = slot[0];
    out[1] = n == 2 ? slot[1] : CLIF_NONE;
    return n;
}

uint32_t lw_put_in_regs(lower_ctx *ctx, clif_value v, ra_vreg out[2]) {
    v = ir_resolve(ctx->f, v);
    ctx->value_used[v] = 1;
    return value_regs(ctx, v, out);
}

ra_vreg lw_put_in_reg(lower_ctx *ctx, clif_value v) {
    ra_vreg r[2];
    lw_put_in_regs(ctx, v, r);
    return r[0];
}

uint32_t lw_output_regs(lower_ctx *ctx, clif_value v, ra_vreg out[2]) {
    return value_regs(ctx, v, out);
}

ra_vreg lw_output_reg(lower_ctx *ctx, clif_value v) {
    ra_vreg r[2];
    value_regs(ctx, v, r);
    return r[0];
}

void lw_alias_output(lower_ctx *ctx, clif_value v, uint32_t part, ra_vreg r) {
    ra_vreg regs[2];
    value_regs(ctx, v, regs);
    vcode_set_alias(ctx->vc, regs[part], r);
}

ra_vreg lw_temp(lower_ctx *ctx, uint8_t rclass, clif_type type) {
    return vcode_new_vreg(ctx->vc, rclass, type);
}

clif_inst lw_def_inst(const lower_ctx *ctx, clif_value v) {
    v = ir_resolve(ctx->f, v);
    const value_data *vd = &ctx->f->values.data[v];
    return vd->kind == VK_RESULT ? vd->owner : CLIF_NONE;
}

bool lw_iconst(const lower_ctx *ctx, clif_value v, uint64_t *imm) {
    clif_inst d = lw_def_inst(ctx, v);
    if (d == CLIF_NONE || ctx->f->insts.data[d].opcode != CLIF_OP_ICONST) return false;
    const inst_data *id = &ctx->f->insts.data[d];
    unsigned bits = clif_type_bits(id->ctrl);
    uint64_t x = id->imm;
    if (bits < 64) x &= ((uint64_t)1 << bits) - 1;
    *imm = x;
    return true;
}

clif_inst lw_sinkable(const lower_ctx *ctx, clif_value v) {
    v = ir_resolve(ctx->f, v);
    clif_inst d = lw_def_inst(ctx, v);
    if (d == CLIF_NONE || ctx->cur_inst == CLIF_NONE || ctx->sunk[d]) return CLIF_NONE;
    const clif_func *f = ctx->f;
    if (f->inodes.data[d].block != f->inodes.data[ctx->cur_inst].block) return CLIF_NONE;
    if (!has_side_effect(f, d)) return d;
    if (ctx->use_count[v] != 1) return CLIF_NONE;
    for (uint32_t k = 0; k < f->insts.data[d].nresults; k++) {
        clif_value r = f->pool.data[f->insts.data[d].results + k];
        if (r != v && ctx->use_count[r]) return CLIF_NONE;
    }
    if (ctx->color[ctx->cur_inst] != ctx->color[d] + 1) return CLIF_NONE;
    return d;
}

clif_inst lw_sinkable_load(const lower_ctx *ctx, clif_value v) {
    clif_inst d = lw_sinkable(ctx, v);
    if (d == CLIF_NONE) return CLIF_NONE;
    uint16_t fl = clif_opcode_info_of((clif_opcode)ctx->f->insts.data[d].opcode)->flags;
    if ((fl & CLIF_OPF_LOAD) && !(fl & (CLIF_OPF_STORE | CLIF_OPF_SIDE))) return d;
    return CLIF_NONE;
}

void lw_sink(lower_ctx *ctx, clif_inst i) {
    if (has_side_effect(ctx->f, i)) ctx->sunk[i] = 1;
}

uint32_t lw_succ(const lower_ctx *ctx, uint32_t k) {
    return ctx->bo->succs.data[ctx->bo->succ_start.data[ctx->cur_block] + k];
}

void lw_need_outgoing(lower_ctx *ctx, uint32_t bytes) {
    if (bytes > ctx->outgoing) ctx->outgoing = bytes;
    ctx->is_leaf = false;
}

uint32_t lw_constant(lower_ctx *ctx, const uint8_t *bytes, uint32_t len, uint32_t align) {
    return vcode_add_const(ctx->vc, bytes, len, align);
}

void lw_emit(lower_ctx *ctx, const void *payload, const ra_operand *ops, uint32_t nops,
             const ra_pregset *clobbers, uint8_t flags) {
    uint32_t line = ctx->cur_inst != CLIF_NONE ? ctx->f->insts.data[ctx->cur_inst].srcline : 0;
    vcode_push_inst(&ctx->stage, payload, ops, nops, clobbers, flags, line);
}

/* ---- the driver ---- */

static void count_use(lower_ctx *ctx, clif_value v) {
    v = ir_resolve(ctx->f, v);
    if (v < ctx->f->values.len && ctx->use_count[v] < 2) ctx->use_count[v]++;
}

/* Use counts and side-effect colors over the reachable blocks. */
static void analyze(lower_ctx *ctx) {
    const clif_func *f = ctx->f;
    for (uint32_t lb = 0; lb < ctx->bo->blocks.len; lb++) {
        if (bo_is_edge(ctx->bo, lb)) continue;
        uint32_t color = 0;
        for (clif_inst i = f->blocks.data[ctx->bo->blocks.data[lb].orig].first; i != CLIF_NONE;
             i = f->inodes.data[i].next) {
            const inst_data *d = &f->insts.data[i];
            for (uint32_t k = 0; k < d->nargs; k++)
                count_use(ctx, f->pool.data[d->args + k]);
            if (f->inodes.data[i].next == CLIF_NONE) {
                for (uint32_t c = 0; c < bo_num_succs(ctx->bo, lb); c++) {
                    const block_call *bc = &f->block_calls.data[bo_succ_call(ctx->bo, lb, c)];
                    for (uint32_t a = 0; a < bc->nargs; a++) {
                        uint32_t x = f->pool.data[bc->args + a];
                        if (CLIF_BLOCKARG_IS_VALUE(x)) count_use(ctx, x);
                    }
                }
            }
            ctx->color[i] = color;
            if (has_side_effect(f, i)) color++;
        }
    }
}

static void new_chunk(lower_ctx *ctx) {
    vec_push(ctx->chunk_start, vcode_num_insts(&ctx->stage));
}

uint32_t lw_call_ret_regs(lower_ctx *ctx, clif_inst call, uint32_t n, ra_vreg out[2]) {
    for (uint32_t i = 0; i < ctx->call_rets.len; i++) {
        const lw_call_ret *r = &ctx->call_rets.data[i];
        if (r->inst == call && r->n == n) {
            out[0] = r->regs[0];
            out[1] = r->regs[1];
            return r->regs[1] == CLIF_NONE ? 1 : 2;
        }
    }
    const clif_func *f = ctx->f;
    clif_sig_ref sr = ir_inst_call_sig(f, &f->insts.data[call]);
    clif_type t = CLIF_I64;
    if (sr < f->sigs.len && n < f->sigs.data[sr].nreturns)
        t = f->abi_params.data[f->sigs.data[sr].returns + n].type;
    lw_call_ret r = {call, n, {CLIF_NONE, CLIF_NONE}};
    if (t == CLIF_I128) {
        r.regs[0] = vcode_new_vreg(ctx->vc, RA_CLASS_INT, CLIF_I64);
        r.regs[1] = vcode_new_vreg(ctx->vc, RA_CLASS_INT, CLIF_I64);
    } else {
        r.regs[0] = vcode_new_vreg(ctx->vc, abi_class_of(t), t);
    }
    vec_push(ctx->call_rets, r);
    out[0] = r.regs[0];
    out[1] = r.regs[1];
    return t == CLIF_I128 ? 2 : 1;
}

ra_vreg lw_exn_reg(lower_ctx *ctx, uint32_t lb, uint32_t n) {
    for (uint32_t i = 0; i < ctx->exn_regs.len; i++)
        if (ctx->exn_regs.data[i].lb == lb && ctx->exn_regs.data[i].n == n)
            return ctx->exn_regs.data[i].reg;
    lw_exn e = {lb, n, vcode_new_vreg(ctx->vc, RA_CLASS_INT, CLIF_I64)};
    vec_push(ctx->exn_regs, e);
    return e.reg;
}

bool lw_exception_edge(const lower_ctx *ctx, uint32_t lb) {
    const lowered_block *blk = &ctx->bo->blocks.data[lb];
    if (blk->from == CLIF_NONE || blk->succ == 0) return false;
    clif_inst term = ctx->f->blocks.data[blk->from].last;
    clif_format fmt =
        (clif_format)clif_opcode_info_of((clif_opcode)ctx->f->insts.data[term].opcode)->format;
    return fmt == CLIF_FMT_TRY_CALL || fmt == CLIF_FMT_TRY_CALL_INDIRECT;
}

/* The vregs of block argument x (a value, or a try_call's retN / exnN)
 * passed on an edge leaving CLIF block `from` from lowered block lb. */
static uint32_t arg_regs(lower_ctx *ctx, uint32_t lb, clif_block from, uint32_t x, ra_vreg out[2]) {
    if (CLIF_BLOCKARG_IS_VALUE(x)) return value_regs(ctx, ir_resolve(ctx->f, x), out);
    if ((x & 0xC0000000u) == 0x80000000u)
        return lw_call_ret_regs(ctx, ctx->f->blocks.data[from].last, x & 0x3fffffffu, out);
    out[0] = lw_exn_reg(ctx, lb, x & 0x3fffffffu);
    out[1] = CLIF_NONE;
    return 1;
}

/* Marks the arguments of a block call as read. */
static void use_call_args(lower_ctx *ctx, uint32_t call) {
    const block_call *bc = &ctx->f->block_calls.data[call];
    for (uint32_t a = 0; a < bc->nargs; a++) {
        uint32_t x = ctx->f->pool.data[bc->args + a];
        ra_vreg r[2];
        if (CLIF_BLOCKARG_IS_VALUE(x)) lw_put_in_regs(ctx, x, r);
    }
}

static bool lower_block(lower_ctx *ctx, uint32_t lb) {
    const clif_func *f = ctx->f;
    const target_backend *be = ctx->isa->target->backend;
    const lowered_block *blk = &ctx->bo->blocks.data[lb];
    ctx->cur_block = lb;
    if (blk->from != CLIF_NONE) {
        new_chunk(ctx);
        ctx->cur_inst = CLIF_NONE;
        use_call_args(ctx, blk->call);
        return be->lower_jump(ctx);
    }
    for (clif_inst i = f->blocks.data[blk->orig].last; i != CLIF_NONE; i = f->inodes.data[i].prev) {
        const inst_data *d = &f->insts.data[i];
        if (ctx->sunk[i]) continue;
        if (!has_side_effect(f, i)) {
            bool used = false;
            for (uint32_t k = 0; k < d->nresults && !used; k++)
                used = ctx->value_used[f->pool.data[d->results + k]];
            if (!used) continue;
        }
        new_chunk(ctx);
        ctx->cur_inst = i;
        if (f->inodes.data[i].next == CLIF_NONE) {
            /* Arguments of split edges are passed by the edge block. */
            for (uint32_t c = 0; c < bo_num_succs(ctx->bo, lb); c++)
                if (!bo_is_edge(ctx->bo, lw_succ(ctx, c)))
                    use_call_args(ctx, bo_succ_call(ctx->bo, lb, c));
        }
        if (!be->lower_inst(ctx, i)) {
            if (!ctx->failed)
                lw_unsupported(ctx, "unsupported: lowering of %s",
                               clif_opcode_info_of((clif_opcode)d->opcode)->name);
            return false;
        }
    }
    ctx->cur_inst = CLIF_NONE;
    if (lb == 0) {
        new_chunk(ctx);
        if (!be->lower_entry(ctx)) return false;
    }
    return true;
}

static void push_arg_vregs(lower_ctx *ctx, uint32_t lb, clif_block from, uint32_t x) {
    ra_vreg r[2];
    uint32_t n = arg_regs(ctx, lb, from, x, r);
    for (uint32_t k = 0; k < n; k++)
        vec_push(ctx->vc->edge_args, r[k]);
}

static void push_value_vregs(lower_ctx *ctx, void *vecp, clif_value v) {
    VEC(uint32_t) *vec = vecp;
    ra_vreg r[2];
    uint32_t n = value_regs(ctx, ir_resolve(ctx->f, v), r);
    for (uint32_t k = 0; k < n; k++)
        vec_push(*vec, r[k]);
}

/* Copies the staged chunks into the VCode in forward order and fills the
 * block structure. */
static bool assemble(lower_ctx *ctx) {
    const clif_func *f = ctx->f;
    const block_order *bo = ctx->bo;
    vcode *vc = ctx->vc;
    uint32_t nl = bo->blocks.len;
    vec_push(ctx->chunk_start, vcode_num_insts(&ctx->stage));
    vec_push(ctx->block_chunk, ctx->chunk_start.len - 1);
    for (uint32_t lb = 0; lb < nl; lb++) {
        vec_push(vc->block_insts, vcode_num_insts(vc));
        uint32_t p = nl - 1 - lb;
        uint32_t c0 = ctx->block_chunk.data[p], c1 = ctx->block_chunk.data[p + 1];
        for (uint32_t c = c1; c-- > c0;) {
            for (uint32_t i = ctx->chunk_start.data[c]; i < ctx->chunk_start.data[c + 1]; i++) {
                uint32_t nops;
                const ra_operand *ops = vcode_ops(&ctx->stage, i, &nops);
                vcode_push_inst(vc, vcode_inst(&ctx->stage, i), ops, nops,
                                &ctx->stage.clobbers.data[i], ctx->stage.inst_flags.data[i],
                                ctx->stage.srcline.data[i]);
            }
        }
        uint32_t n = vcode_num_insts(vc);
        if (n == vc->block_insts.data[lb] ||
            !(vc->inst_flags.data[n - 1] & (RA_INST_BRANCH | RA_INST_RET))) {
            lw_unsupported(ctx, "internal: lowered block %u does not end in a branch", lb);
            return false;
        }
    }
    vec_push(vc->block_insts, vcode_num_insts(vc));

    for (uint32_t i = 0; i < bo->succ_start.len; i++)
        vec_push(vc->succ_start, bo->succ_start.data[i]);
    for (uint32_t i = 0; i < bo->succs.len; i++)
        vec_push(vc->succs, bo->succs.data[i]);
    for (uint32_t i = 0; i < bo->pred_start.len; i++)
        vec_push(vc->pred_start, bo->pred_start.data[i]);
    for (uint32_t i = 0; i < bo->preds.len; i++)
        vec_push(vc->preds, bo->preds.data[i]);

    for (uint32_t lb = 0; lb < nl; lb++) {
        const lowered_block *blk = &bo->blocks.data[lb];
        vec_push(vc->param_start, vc->params.len);
        if (blk->from == CLIF_NONE && lb != 0) {
            const block_data *bd = &f->blocks.data[blk->orig];
            for (uint32_t k = 0; k < bd->nparams; k++)
                push_value_vregs(ctx, &vc->params, f->pool.data[bd->params + k]);
        }
        uint32_t nsucc = bo_num_succs(bo, lb);
        clif_block from = blk->from != CLIF_NONE ? blk->from : blk->orig;
        for (uint32_t k = 0; k < nsucc; k++) {
            vec_push(vc->edge_arg_start, vc->edge_args.len);
            uint32_t succ = bo->succs.data[bo->succ_start.data[lb] + k];
            uint32_t call = CLIF_NONE;
            if (blk->from != CLIF_NONE)
                call = blk->call;
            else if (!bo_is_edge(bo, succ))
                call = bo_succ_call(bo, lb, k);
            if (call == CLIF_NONE) continue;
            const block_call *bc = &f->block_calls.data[call];
            for (uint32_t a = 0; a < bc->nargs; a++)
                push_arg_vregs(ctx, lb, from, f->pool.data[bc->args + a]);
        }
    }
    vec_push(vc->param_start, vc->params.len);
    vec_push(vc->edge_arg_start, vc->edge_args.len);
    vcode_resolve_aliases(vc);
    return true;
}

bool lower_function(lower_ctx *ctx, const clif_isa *isa, const clif_func *f, const block_order *bo,
                    vcode *vc) {
    memset(ctx, 0, sizeof *ctx);
    ctx->isa = isa;
    ctx->be = isa->target->backend;
    ctx->f = f;
    ctx->vc = vc;
    ctx->bo = bo;
    ctx->is_leaf = true;
    ctx->cur_inst = CLIF_NONE;
    ctx->ret_area = CLIF_NONE;
    abi_sig_init(&ctx->sig);
    vcode_init(&ctx->stage, vc->inst_size);
    uint32_t nv = f->values.len, ni = f->insts.len;
    ctx->value_regs = cl_xmalloc((2 * (size_t)nv + 1) * sizeof *ctx->value_regs);
    memset(ctx->value_regs, 0xff, (2 * (size_t)nv + 1) * sizeof *ctx->value_regs);
    ctx->use_count = cl_xcalloc(nv + 1, sizeof *ctx->use_count);
    ctx->value_used = cl_xcalloc(nv + 1, 1);
    ctx->sunk = cl_xcalloc(ni + 1, 1);
    ctx->color = cl_xcalloc(ni + 1, sizeof *ctx->color);

    const abi_callconv *conv = ctx->be->callconv(isa, (clif_callconv)f->sig.callconv);
    if (!conv)
        return lw_unsupported(ctx, "unsupported: calling convention %s on %s",
                              clif_callconv_name((clif_callconv)f->sig.callconv),
                              isa->target->name);
    if (!abi_sig_compute(&ctx->sig, (clif_callconv)f->sig.callconv, conv,
                         f->abi_params.data + f->sig.params, f->sig.nparams,
                         f->abi_params.data + f->sig.returns, f->sig.nreturns, ctx->msg,
                         sizeof ctx->msg)) {
        ctx->failed = true;
        return false;
    }
    if (bo->pred_start.data[1] != bo->pred_start.data[0])
        return lw_unsupported(ctx, "unsupported: a branch to the entry block");

    analyze(ctx);
    uint32_t nl = bo->blocks.len;
    for (uint32_t p = 0; p < nl; p++) {
        vec_push(ctx->block_chunk, ctx->chunk_start.len);
        if (!lower_block(ctx, nl - 1 - p)) {
            if (!ctx->failed) lw_unsupported(ctx, "unsupported: lowering failed");
            return false;
        }
    }
    return assemble(ctx);
}

void lower_ctx_free(lower_ctx *ctx) {
    abi_sig_free(&ctx->sig);
    vcode_free(&ctx->stage);
    vec_free(ctx->chunk_start);
    vec_free(ctx->block_chunk);
    vec_free(ctx->call_rets);
    vec_free(ctx->exn_regs);
    free(ctx->value_regs);
    free(ctx->use_count);
    free(ctx->value_used);
    free(ctx->sunk);
    free(ctx->color);
    ctx->value_regs = NULL;
    ctx->use_count = NULL;
    ctx->value_used = NULL;
    ctx->sunk = NULL;
    ctx->color = NULL;
}
