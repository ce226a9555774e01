/* The interpreter engine: the public API, frames on a heap stack, control
 * flow, calls and returns. Opcode semantics live in the ops_*.c files; this
 * file only moves values between instructions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "interp/interp.h"

#define DEFAULT_DEPTH 10000u
#define DEFAULT_FUEL  (1ull << 32)

clif_interp *clif_interp_new(void) {
    clif_interp *in = cl_xcalloc(1, sizeof *in);
    in->max_depth = DEFAULT_DEPTH;
    in->fuel = DEFAULT_FUEL;
    in->stack.sp = IN_STACK_TOP;
    const in_op_fn *tables[] = {in_ops_int, in_ops_float, in_ops_conv, in_ops_simd, in_ops_mem};
    for (int op = 0; op < CLIF_OP_COUNT; op++)
        for (size_t t = 0; t < sizeof tables / sizeof tables[0] && !in->ops[op]; t++)
            in->ops[op] = tables[t][op];
    return in;
}

void clif_interp_free(clif_interp *in) {
    if (!in) return;
    in_drop_preps(in);
    vec_free(in->preps);
    vec_free(in->funcs);
    vec_free(in->targets);
    vec_free(in->frames);
    vec_free(in->vals);
    vec_free(in->tmp);
    vec_free(in->rets);
    free(in->stack.buf);
    free(in);
}

void clif_interp_add_function(clif_interp *in, const clif_func *f) {
    if (in && f) vec_push(in->funcs, f);
}

void clif_interp_set_limits(clif_interp *in, uint32_t max_depth, uint64_t fuel) {
    in->max_depth = max_depth ? max_depth : DEFAULT_DEPTH;
    if (in->max_depth > IN_MAX_DEPTH) in->max_depth = IN_MAX_DEPTH;
    in->fuel = fuel;
}

/* ---- Helpers for the handlers ---- */

static inline clif_value resolve(const clif_func *f, clif_value v) {
    return f->values.data[v].kind == VK_ALIAS ? ir_resolve(f, v) : v;
}

clif_type in_arg_type(const in_op *o, uint32_t k) {
    if (k >= o->d->nargs) return CLIF_TYPE_INVALID;
    return o->f->values.data[resolve(o->f, o->f->pool.data[o->d->args + k])].type;
}

clif_type in_res_type(const in_op *o, uint32_t k) {
    if (k >= o->d->nresults) return CLIF_TYPE_INVALID;
    return o->f->values.data[o->f->pool.data[o->d->results + k]].type;
}

in_val in_get(const in_op *o, clif_value v) {
    return o->in->vals.data[o->fr->vbase + resolve(o->f, v)];
}

static const char *opname(const inst_data *d) {
    return clif_opcode_info_of((clif_opcode)d->opcode)->name;
}

clif_error *in_unsupported(const in_op *o, clif_type t) {
    char tn[32];
    clif_location loc = {NULL, o->d->srcline, 0};
    if (t == CLIF_TYPE_INVALID)
        return clif_error_new(CLIF_ERR_UNSUPPORTED, loc, "unsupported: %s", opname(o->d));
    return clif_error_new(CLIF_ERR_UNSUPPORTED, loc, "unsupported: %s on %s", opname(o->d),
                          clif_type_name(t, tn, sizeof tn));
}

clif_error *in_unsupported_msg(const in_op *o, const char *what) {
    clif_location loc = {NULL, o->d->srcline, 0};
    return clif_error_new(CLIF_ERR_UNSUPPORTED, loc, "unsupported: %s (%s)", opname(o->d), what);
}

static clif_error *engine_error(const char *fmt, const char *arg) {
    clif_location loc = {NULL, 0, 0};
    return clif_error_new(CLIF_ERR_ARGUMENT, loc, fmt, arg);
}

/* ---- Frames ---- */

static inline in_frame *top(clif_interp *in) {
    return &in->frames.data[in->frames.len - 1];
}

static clif_error *push_frame(clif_interp *in, const clif_func *f, in_prep *p, const in_val *args,
                              uint32_t nargs) {
    if (in->frames.len >= in->max_depth) return clif_error_trap(CLIF_TRAP_STACK_OVERFLOW);
    clif_error *e = p ? NULL : in_prepare(in, f, &p);
    if (e) return e;
    const block_data *entry = &f->blocks.data[f->first_block];
    if (entry->nparams != nargs) {
        char name[64];
        return engine_error("%s called with the wrong number of arguments",
                            clif_func_name_format(f, name, sizeof name));
    }
    uint32_t nvals = f->values.len;
    if (nvals > IN_MAX_VALUES - in->vals.len) return clif_error_trap(CLIF_TRAP_STACK_OVERFLOW);
    uint64_t sp, base = in->stack.sp, fp = base - 16;
    if (p->frame_size == UINT32_MAX) return clif_error_trap(CLIF_TRAP_STACK_OVERFLOW);
    e = in_stack_push(in, p->frame_size + 16, p->align, &sp);
    if (e) return e;
    uint8_t record[16];
    in_to_bytes(u128_from_u64(in->frames.len ? top(in)->fp : 0), CLIF_I64, false, record);
    in_to_bytes(u128_from_u64(IN_RET_BASE + IN_CODE_STRIDE * in->frames.len), CLIF_I64, false,
                record + 8);
    e = in_mem_write(in, fp, 16, 0, record);
    if (e) return e;
    vec_reserve(in->vals, nvals);
    uint32_t vbase = in->vals.len;
    memset(in->vals.data + vbase, 0, nvals * sizeof(in_val));
    in->vals.len += nvals;
    in_frame fr = {f, p, vbase, entry->first, sp, fp, base};
    vec_push(in->frames, fr);
    in_val *V = in->vals.data + vbase;
    for (uint32_t k = 0; k < nargs; k++)
        V[f->pool.data[entry->params + k]] = args[k];
    if (f->stack_limit != CLIF_NONE) {
        inst_data none;
        memset(&none, 0, sizeof none);
        in_op o = {in, top(in), f, &none, CLIF_TYPE_INVALID};
        in_val limit;
        e = in_global_value(&o, f->stack_limit, &limit);
        if (e) return e;
        if (sp < limit.lo) return clif_error_trap(CLIF_TRAP_STACK_OVERFLOW);
    }
    return NULL;
}

static void pop_frame(clif_interp *in) {
    in_frame *fr = top(in);
    in_stack_pop(in, fr->base);
    in->vals.len = fr->vbase;
    in->frames.len--;
}

/* ---- Control flow ---- */

/* Passes the arguments of block call `bc` to its block; `next` becomes the
 * block's first instruction. Block-call arguments may name the return values
 * in `rets` (try_call). */
static clif_error *branch(clif_interp *in, const clif_func *f, in_val *V, uint32_t bc,
                          clif_inst *next) {
    const block_call *c = &f->block_calls.data[bc];
    const block_data *b = &f->blocks.data[c->block];
    uint32_t n = c->nargs;
    if (n) {
        vec_reserve(in->tmp, n);
        in_val *t = in->tmp.data;
        for (uint32_t k = 0; k < n; k++) {
            uint32_t a = f->pool.data[c->args + k];
            if (CLIF_BLOCKARG_IS_VALUE(a)) {
                t[k] = V[resolve(f, a)];
            } else if ((a & 0xC0000000u) == 0x80000000u && (a & 0x3fffffffu) < in->rets.len) {
                t[k] = in->rets.data[a & 0x3fffffffu];
            } else if ((a & 0xC0000000u) == 0xC0000000u && (a & 0x3fffffffu) < 2) {
                t[k] = in->exn[a & 0x3fffffffu];
            } else {
                return engine_error("%s", "branch argument refers to a missing call result");
            }
        }
        for (uint32_t k = 0; k < n; k++)
            V[f->pool.data[b->params + k]] = t[k];
    }
    *next = b->first;
    return NULL;
}

static bool sig_params_match(const clif_func *a, const sig_data *sa, const clif_func *b,
                             const sig_data *sb) {
    if (sa->nparams != sb->nparams || sa->nreturns != sb->nreturns) return false;
    for (uint32_t k = 0; k < sa->nparams; k++)
        if (a->abi_params.data[sa->params + k].type != b->abi_params.data[sb->params + k].type)
            return false;
    for (uint32_t k = 0; k < sa->nreturns; k++)
        if (a->abi_params.data[sa->returns + k].type != b->abi_params.data[sb->returns + k].type)
            return false;
    return true;
}

/* Hands the values in `rets` to the call instruction the top frame is
 * suspended at; sets `next` to where that frame continues. */
static clif_error *deliver(clif_interp *in, clif_inst *next) {
    in_frame *fr = top(in);
    const clif_func *f = fr->f;
    const inst_data *d = &f->insts.data[fr->pc];
    in_val *V = in->vals.data + fr->vbase;
    switch (d->opcode) {
    case CLIF_OP_CALL:
    case CLIF_OP_CALL_INDIRECT:
        if (d->nresults != in->rets.len)
            return engine_error("%s", "callee returned a different number of values");
        for (uint32_t k = 0; k < d->nresults; k++)
            V[f->pool.data[d->results + k]] = in->rets.data[k];
        *next = f->inodes.data[fr->pc].next;
        return NULL;
    case CLIF_OP_TRY_CALL:
    case CLIF_OP_TRY_CALL_INDIRECT: return branch(in, f, V, f->extables.data[d->ent].normal, next);
    default: return engine_error("%s", "return to an instruction that is no call");
    }
}

typedef enum { FLOW_STAY, FLOW_FRAME, FLOW_DONE } flow;

/* Leaves the top frame with the values in `rets`. */
static clif_error *do_return(clif_interp *in, flow *fl) {
    pop_frame(in);
    if (in->frames.len == 0) {
        *fl = FLOW_DONE;
        return NULL;
    }
    clif_inst next;
    clif_error *e = deliver(in, &next);
    if (!e) top(in)->pc = next;
    *fl = FLOW_FRAME;
    return e;
}

/* Throws an exception (args of __cranelift_throw): the innermost frame
 * suspended at a try_call whose table handles the tag (or has a default)
 * catches it; the frames above it are dropped. The search stops after the
 * frame whose frame pointer is entry_fp. */
static clif_error *do_throw(clif_interp *in, const in_val *args, flow *fl) {
    uint64_t entry_fp = args[0].lo;
    uint32_t tag = (uint32_t)args[3].lo;
    for (uint32_t k = in->frames.len; k-- > 0;) {
        in_frame *fr = &in->frames.data[k];
        const clif_func *f = fr->f;
        const inst_data *d = &f->insts.data[fr->pc];
        if (d->opcode == CLIF_OP_TRY_CALL || d->opcode == CLIF_OP_TRY_CALL_INDIRECT) {
            const extable_data *et = &f->extables.data[d->ent];
            for (uint32_t j = 0; j < et->nitems; j++) {
                const extable_item *it = &f->extable_items.data[et->items + j];
                if (it->kind == EXI_CONTEXT || (it->kind == EXI_TAG && it->tag != tag)) continue;
                in->exn[0] = args[4];
                in->exn[1] = args[5];
                while (in->frames.len > k + 1)
                    pop_frame(in);
                clif_inst next;
                clif_error *e = branch(in, f, in->vals.data + fr->vbase, it->call, &next);
                fr->pc = next;
                *fl = FLOW_FRAME;
                return e;
            }
        }
        if (fr->fp == entry_fp) break;
    }
    clif_location loc = {NULL, 0, 0};
    return clif_error_new(CLIF_ERR_TRAP, loc, "uncaught exception with tag %u", tag);
}

static clif_error *do_call(clif_interp *in, const inst_data *d, clif_inst i, flow *fl) {
    in_frame *fr = top(in);
    const clif_func *f = fr->f;
    in_val *V = in->vals.data + fr->vbase;
    const clif_opcode_info *info = clif_opcode_info_of((clif_opcode)d->opcode);
    bool indirect =
        info->format == CLIF_FMT_CALL_INDIRECT || info->format == CLIF_FMT_TRY_CALL_INDIRECT;
    bool tail = (info->flags & CLIF_OPF_RET) != 0;
    const sig_data *sig = &f->sigs.data[ir_inst_call_sig(f, d)];
    uint32_t t;
    clif_error *e = NULL;
    if (indirect) {
        uint64_t addr = V[resolve(f, f->pool.data[d->args])].lo;
        t = in_address_target(in, addr);
        if (t == CLIF_NONE)
            return clif_error_context(clif_error_trap(CLIF_TRAP_HEAP_OUT_OF_BOUNDS),
                                      "indirect call to 0x%llx, which is no function",
                                      (unsigned long long)addr);
    } else {
        /* try_call keeps its callee in imm (ent is the exception table). */
        uint32_t ref = info->format == CLIF_FMT_TRY_CALL ? (uint32_t)d->imm : d->ent;
        e = in_resolve_callee(in, fr->p, ref, &t);
        if (e) return e;
    }
    uint32_t first = indirect ? 1 : 0, n = d->nargs - first;
    vec_reserve(in->tmp, n);
    for (uint32_t k = 0; k < n; k++)
        in->tmp.data[k] = V[resolve(f, f->pool.data[d->args + first + k])];
    in_target *tg = &in->targets.data[t];
    if (tg->kind == IN_TARGET_LIBCALL) {
        fr->pc = i;
        if (tg->libcall == IN_LIBCALL_THROW) {
            if (!in_libcall_sig_ok(IN_LIBCALL_THROW, f, sig) || n != 6)
                return engine_error("%s", "__cranelift_throw called with a wrong signature");
            return do_throw(in, in->tmp.data, fl);
        }
        vec_reserve(in->rets, sig->nreturns);
        in->rets.len = sig->nreturns;
        e = in_libcall_run(in, tg->libcall, f, sig, in->tmp.data, n, in->rets.data);
        if (e) return e;
        if (tail) return do_return(in, fl);
        clif_inst next;
        e = deliver(in, &next);
        if (!e) fr->pc = next;
        *fl = FLOW_FRAME;
        return e;
    }
    const clif_func *g = tg->f;
    if (!sig_params_match(f, sig, g, &g->sig)) {
        char name[64];
        return engine_error("call to %s with a signature that differs from its definition",
                            clif_func_name_format(g, name, sizeof name));
    }
    if (tg->epoch != in->epoch || !tg->prep) {
        e = in_prepare(in, g, &tg->prep);
        if (e) return e;
        tg->epoch = in->epoch;
    }
    if (tail)
        pop_frame(in);
    else
        fr->pc = i;
    *fl = FLOW_FRAME;
    return push_frame(in, g, tg->prep, in->tmp.data, n);
}

/* The controlling type when the instruction does not record one. */
static clif_type ctrl_type(const clif_func *f, const inst_data *d) {
    if (d->ctrl != CLIF_TYPE_INVALID) return d->ctrl;
    const clif_opcode_info *info = clif_opcode_info_of((clif_opcode)d->opcode);
    uint32_t k;
    switch (info->ctrl) {
    case CLIF_CTRL_ARG0:
    case CLIF_CTRL_ARG1:
    case CLIF_CTRL_ARG2:
        k = (uint32_t)(info->ctrl - CLIF_CTRL_ARG0);
        if (k < d->nargs) return f->values.data[resolve(f, f->pool.data[d->args + k])].type;
        return CLIF_TYPE_INVALID;
    case CLIF_CTRL_SUFFIX:
        return d->nresults ? f->values.data[f->pool.data[d->results]].type : CLIF_TYPE_INVALID;
    default: return CLIF_TYPE_INVALID;
    }
}

/* Values are at most 128 bits. Dynamic vectors have a scale of 1: `i32x4xN`
 * is as large as i32x4 (as with aarch64's Neon), so they fit too. */
static bool type_too_wide(clif_type t) {
    return clif_type_bits(t) > 128;
}

/* Executes one non-control instruction through its handler. */
static clif_error *exec_op(clif_interp *in, in_frame *fr, const inst_data *d) {
    const clif_func *f = fr->f;
    in_op o = {in, fr, f, d, ctrl_type(f, d)};
    in_op_fn h = in->ops[d->opcode];
    if (!h || d->nargs > 3 || d->nresults > 2) return in_unsupported(&o, o.ctrl);
    if (fr->p->wide) {
        if (type_too_wide(o.ctrl)) return in_unsupported(&o, o.ctrl);
        for (uint32_t k = 0; k < d->nresults; k++)
            if (type_too_wide(in_res_type(&o, k))) return in_unsupported(&o, in_res_type(&o, k));
        for (uint32_t k = 0; k < d->nargs; k++)
            if (type_too_wide(in_arg_type(&o, k))) return in_unsupported(&o, in_arg_type(&o, k));
    }
    in_val *V = in->vals.data + fr->vbase;
    in_val a[3], r[2];
    const uint32_t *args = f->pool.data + d->args;
    for (uint32_t k = 0; k < d->nargs; k++)
        a[k] = V[resolve(f, args[k])];
    const uint32_t *res = f->pool.data + d->results;
    if (d->nresults == 1) return h(&o, a, &V[res[0]]); /* straight into the value slot */
    clif_error *e = h(&o, a, r);
    if (e) return e;
    for (uint32_t k = 0; k < d->nresults; k++)
        V[res[k]] = r[k];
    return NULL;
}

static clif_error *trap_at(clif_trap_code code) {
    return clif_error_trap(code);
}

/* Runs until the bottom frame returns (its values are then in `rets`). */
static clif_error *run(clif_interp *in) {
    for (;;) {
        in_frame *fr = top(in);
        const clif_func *f = fr->f;
        in_val *V = in->vals.data + fr->vbase;
        clif_inst i = fr->pc;
        flow fl = FLOW_STAY;
        while (fl == FLOW_STAY) {
            if (i == CLIF_NONE) {
                char name[64];
                return engine_error("%s: execution reached the end of a block",
                                    clif_func_name_format(f, name, sizeof name));
            }
            if (in->fuel && in->executed >= in->fuel) {
                clif_location loc = {NULL, 0, 0};
                return clif_error_new(CLIF_ERR_LIMIT, loc, "instruction limit of %llu exhausted",
                                      (unsigned long long)in->fuel);
            }
            in->executed++;
            const inst_data *d = &f->insts.data[i];
            const uint32_t *args = f->pool.data + d->args;
            clif_error *e = NULL;
            switch ((clif_opcode)d->opcode) {
            case CLIF_OP_JUMP: e = branch(in, f, V, d->ent, &i); break;
            case CLIF_OP_BRIF: {
                in_val c = V[resolve(f, args[0])];
                e = branch(in, f, V, d->ent + (u128_is_zero(c) ? 1 : 0), &i);
                break;
            }
            case CLIF_OP_BR_TABLE: {
                const jump_table_data *jt = &f->jump_tables.data[d->ent];
                uint64_t idx = V[resolve(f, args[0])].lo & 0xffffffffu;
                uint32_t bc = idx < jt->ncalls - 1 ? jt->calls + 1 + (uint32_t)idx : jt->calls;
                e = branch(in, f, V, bc, &i);
                break;
            }
            case CLIF_OP_TRAP: e = trap_at(d->trap); break;
            case CLIF_OP_TRAPZ:
            case CLIF_OP_TRAPNZ: {
                bool zero = u128_is_zero(V[resolve(f, args[0])]);
                if (zero == (d->opcode == CLIF_OP_TRAPZ))
                    e = trap_at(d->trap);
                else
                    i = f->inodes.data[i].next;
                break;
            }
            case CLIF_OP_DEBUGTRAP: {
                clif_location loc = {NULL, d->srcline, 0};
                e = clif_error_new(CLIF_ERR_TRAP, loc, "trap: debugtrap");
                break;
            }
            case CLIF_OP_NOP:
            case CLIF_OP_SEQUENCE_POINT: i = f->inodes.data[i].next; break;
            case CLIF_OP_RETURN:
                vec_reserve(in->rets, d->nargs);
                in->rets.len = d->nargs;
                for (uint32_t k = 0; k < d->nargs; k++)
                    in->rets.data[k] = V[resolve(f, args[k])];
                e = do_return(in, &fl);
                if (fl == FLOW_DONE) return e;
                break;
            case CLIF_OP_CALL:
            case CLIF_OP_CALL_INDIRECT:
            case CLIF_OP_RETURN_CALL:
            case CLIF_OP_RETURN_CALL_INDIRECT:
            case CLIF_OP_TRY_CALL:
            case CLIF_OP_TRY_CALL_INDIRECT:
                e = do_call(in, d, i, &fl);
                if (fl == FLOW_DONE) return e;
                break;
            default:
                e = exec_op(in, fr, d);
                i = f->inodes.data[i].next;
                break;
            }
            if (e) {
                char name[64];
                if (d->srcline)
                    return clif_error_context(e, "in %s, instruction `%s` at line %u",
                                              clif_func_name_format(f, name, sizeof name),
                                              opname(d), d->srcline);
                return clif_error_context(e, "in %s, instruction `%s` (inst%u)",
                                          clif_func_name_format(f, name, sizeof name), opname(d),
                                          i);
            }
        }
    }
}

/* ---- The entry point ---- */

static in_val from_data_value(const clif_data_value *v) {
    in_val r = u128_from_u64(0);
    for (int k = 15; k >= 0; k--)
        r = u128_or(u128_shl(r, 8), u128_from_u64(v->bytes[k]));
    return u128_trunc(r, clif_type_bits(v->type));
}

static clif_data_value to_data_value(clif_type t, in_val v) {
    clif_data_value d;
    memset(&d, 0, sizeof d);
    d.type = t;
    v = u128_trunc(v, clif_type_bits(t));
    for (int k = 0; k < 16; k++)
        d.bytes[k] = (uint8_t)u128_shr(v, 8 * (unsigned)k).lo;
    return d;
}

clif_error *clif_interp_call(clif_interp *in, const clif_func *f, const clif_data_value *args,
                             uint32_t nargs, clif_data_value *results, uint32_t max,
                             uint32_t *nresults) {
    clif_location loc = {NULL, 0, 0};
    if (nresults) *nresults = 0;
    if (!in || !f || (nargs && !args))
        return clif_error_new(CLIF_ERR_ARGUMENT, loc, "clif_interp_call: missing argument");
    char name[64], tn[32];
    clif_func_name_format(f, name, sizeof name);
    if (nargs != f->sig.nparams)
        return clif_error_new(CLIF_ERR_ARGUMENT, loc, "%s takes %u arguments, got %u", name,
                              f->sig.nparams, nargs);
    for (uint32_t k = 0; k < nargs; k++) {
        clif_type want = f->abi_params.data[f->sig.params + k].type;
        if (args[k].type != want)
            return clif_error_new(CLIF_ERR_ARGUMENT, loc, "%s: argument %u must be %s", name, k,
                                  clif_type_name(want, tn, sizeof tn));
        if (type_too_wide(want))
            return clif_error_new(CLIF_ERR_UNSUPPORTED, loc, "unsupported: arguments of type %s",
                                  tn);
    }
    in_drop_preps(in);
    in->frames.len = in->vals.len = in->rets.len = 0;
    in->stack.sp = IN_STACK_TOP;
    in->pinned = u128_from_u64(0);
    in->executed = 0;
    vec_reserve(in->tmp, nargs);
    for (uint32_t k = 0; k < nargs; k++)
        in->tmp.data[k] = from_data_value(&args[k]);
    clif_error *e = push_frame(in, f, NULL, in->tmp.data, nargs);
    if (!e) e = run(in);
    if (!e) {
        /* A tail call may have replaced f, with the same return types. */
        uint32_t n = in->rets.len;
        if (n != f->sig.nreturns)
            e = clif_error_new(CLIF_ERR_ARGUMENT, loc, "%s returned %u values, expected %u", name,
                               n, f->sig.nreturns);
        for (uint32_t k = 0; !e && k < n && k < max; k++)
            results[k] =
                to_data_value(f->abi_params.data[f->sig.returns + k].type, in->rets.data[k]);
        if (!e && nresults) *nresults = n;
    }
    in->frames.len = in->vals.len = 0;
    in->stack.sp = IN_STACK_TOP;
    return e;
}
