/* The interpreter's address space: the stack region, checked reads and
 * writes, and the memory opcodes (loads, stores, atomics, stack slots,
 * global values, registers that hold addresses). */
#include <stdlib.h>
#include <string.h>

#include "interp/interp.h"

/* ---- Value <-> bytes ---- */

void in_to_bytes(in_val v, clif_type t, bool big, uint8_t *out) {
    unsigned w = clif_type_lane_bits(t), n = clif_type_lanes(t), bytes = w / 8;
    for (unsigned i = 0; i < n; i++) {
        u128 lane = in_lane(v, w, i);
        for (unsigned k = 0; k < bytes; k++) {
            uint8_t byte = (uint8_t)u128_shr(lane, 8 * k).lo;
            out[i * bytes + (big ? bytes - 1 - k : k)] = byte;
        }
    }
}

in_val in_from_bytes(const uint8_t *b, clif_type t, bool big) {
    unsigned w = clif_type_lane_bits(t), n = clif_type_lanes(t), bytes = w / 8;
    in_val v = u128_from_u64(0);
    for (unsigned i = 0; i < n; i++) {
        u128 lane = u128_from_u64(0);
        for (unsigned k = 0; k < bytes; k++) {
            uint8_t byte = b[i * bytes + (big ? bytes - 1 - k : k)];
            lane = u128_or(lane, u128_shl(u128_from_u64(byte), 8 * k));
        }
        v = in_set_lane(v, w, i, lane);
    }
    return v;
}

/* ---- The stack region ---- */

clif_error *in_stack_push(clif_interp *in, uint32_t size, uint32_t align, uint64_t *sp) {
    in_stack *s = &in->stack;
    if (size > IN_STACK_LIMIT || s->sp - (IN_STACK_TOP - IN_STACK_LIMIT) < (uint64_t)size + align)
        return clif_error_trap(CLIF_TRAP_STACK_OVERFLOW);
    uint64_t new_sp = (s->sp - size) & ~((uint64_t)align - 1);
    size = (uint32_t)(s->sp - new_sp);
    uint64_t need = IN_STACK_TOP - new_sp;
    if (need > s->cap) {
        uint64_t cap = s->cap ? s->cap : 4096;
        while (cap < need)
            cap *= 2;
        if (cap > IN_STACK_LIMIT) cap = IN_STACK_LIMIT;
        uint8_t *buf = cl_xmalloc((size_t)cap);
        /* The old contents are the top of the region: keep them at the end. */
        if (s->cap) memcpy(buf + (cap - s->cap), s->buf, (size_t)s->cap);
        free(s->buf);
        s->buf = buf;
        s->cap = cap;
    }
    if (size) memset(s->buf + (new_sp - (IN_STACK_TOP - s->cap)), 0, size);
    s->sp = new_sp;
    *sp = new_sp;
    return NULL;
}

void in_stack_pop(clif_interp *in, uint64_t sp) {
    in->stack.sp = sp;
}

static uint8_t *mem_at(clif_interp *in, uint64_t addr, uint32_t size) {
    in_stack *s = &in->stack;
    if (size > IN_STACK_TOP || addr < s->sp || addr > IN_STACK_TOP - size) return NULL;
    return s->buf + (addr - (IN_STACK_TOP - s->cap));
}

static clif_error *mem_trap(clif_memflags fl, uint64_t addr, uint32_t size) {
    clif_trap_code code = clif_memflags_trap(fl);
    clif_error *e = clif_error_trap(code ? code : CLIF_TRAP_HEAP_OUT_OF_BOUNDS);
    return clif_error_context(e, "access of %u bytes at 0x%llx", size, (unsigned long long)addr);
}

clif_error *in_mem_read(clif_interp *in, uint64_t addr, uint32_t size, clif_memflags fl,
                        uint8_t *out) {
    uint8_t *p = mem_at(in, addr, size);
    if (!p && addr >= IN_CODE_BASE && addr < IN_CODE_END && size <= IN_CODE_END - addr) {
        memset(out, 0, size); /* code: readable, holds no machine code */
        return NULL;
    }
    if (!p) return mem_trap(fl, addr, size);
    memcpy(out, p, size);
    return NULL;
}

clif_error *in_mem_write(clif_interp *in, uint64_t addr, uint32_t size, clif_memflags fl,
                         const uint8_t *src) {
    uint8_t *p = mem_at(in, addr, size);
    if (!p) return mem_trap(fl, addr, size);
    memcpy(p, src, size);
    return NULL;
}

static clif_error *load_value(clif_interp *in, uint64_t addr, clif_type t, clif_memflags fl,
                              in_val *out) {
    uint8_t buf[16];
    clif_error *e = in_mem_read(in, addr, clif_type_bytes(t), fl, buf);
    if (!e) *out = in_from_bytes(buf, t, in_big_endian(fl));
    return e;
}

static clif_error *store_value(clif_interp *in, uint64_t addr, clif_type t, clif_memflags fl,
                               in_val v) {
    uint8_t buf[16];
    in_to_bytes(v, t, in_big_endian(fl), buf);
    return in_mem_write(in, addr, clif_type_bytes(t), fl, buf);
}

/* ---- Loads and stores ---- */

static uint64_t address(const in_op *o, in_val base) {
    return base.lo + (uint64_t)(int64_t)o->d->offset;
}

/* The in-memory type and extension of each load opcode. */
static clif_error *op_load(const in_op *o, const in_val *a, in_val *r) {
    clif_type t = o->ctrl, mt = t;
    int ext = 0; /* 0 none, 1 zero, 2 sign */
    switch (o->d->opcode) {
    case CLIF_OP_ULOAD8: mt = CLIF_I8, ext = 1; break;
    case CLIF_OP_SLOAD8: mt = CLIF_I8, ext = 2; break;
    case CLIF_OP_ULOAD16: mt = CLIF_I16, ext = 1; break;
    case CLIF_OP_SLOAD16: mt = CLIF_I16, ext = 2; break;
    case CLIF_OP_ULOAD32: mt = CLIF_I32, ext = 1; break;
    case CLIF_OP_SLOAD32: mt = CLIF_I32, ext = 2; break;
    case CLIF_OP_ULOAD8X8: mt = clif_type_vector(CLIF_I8, 3), ext = 1; break;
    case CLIF_OP_SLOAD8X8: mt = clif_type_vector(CLIF_I8, 3), ext = 2; break;
    case CLIF_OP_ULOAD16X4: mt = clif_type_vector(CLIF_I16, 2), ext = 1; break;
    case CLIF_OP_SLOAD16X4: mt = clif_type_vector(CLIF_I16, 2), ext = 2; break;
    case CLIF_OP_ULOAD32X2: mt = clif_type_vector(CLIF_I32, 1), ext = 1; break;
    case CLIF_OP_SLOAD32X2: mt = clif_type_vector(CLIF_I32, 1), ext = 2; break;
    default: break;
    }
    in_val v;
    clif_error *e = load_value(o->in, address(o, a[0]), mt, o->d->memflags, &v);
    if (e) return e;
    if (ext == 0) {
        *r = v;
        return NULL;
    }
    unsigned from = clif_type_lane_bits(mt), to = clif_type_lane_bits(t), n = clif_type_lanes(t);
    in_val out = u128_from_u64(0);
    for (unsigned i = 0; i < n; i++) {
        u128 x = in_lane(v, from, i);
        if (ext == 2) x = u128_sext(x, from);
        out = in_set_lane(out, to, i, x);
    }
    *r = out;
    return NULL;
}

static clif_error *op_store(const in_op *o, const in_val *a, in_val *r) {
    (void)r;
    clif_type t = in_arg_type(o, 0);
    switch (o->d->opcode) {
    case CLIF_OP_ISTORE8: t = CLIF_I8; break;
    case CLIF_OP_ISTORE16: t = CLIF_I16; break;
    case CLIF_OP_ISTORE32: t = CLIF_I32; break;
    default: break;
    }
    return store_value(o->in, address(o, a[1]), t, o->d->memflags, a[0]);
}

/* ---- Atomics (single-threaded: a read, an operation, a write) ---- */

static clif_error *op_atomic_load(const in_op *o, const in_val *a, in_val *r) {
    return load_value(o->in, a[0].lo, o->ctrl, o->d->memflags, r);
}

static clif_error *op_atomic_store(const in_op *o, const in_val *a, in_val *r) {
    (void)r;
    return store_value(o->in, a[1].lo, in_arg_type(o, 0), o->d->memflags, a[0]);
}

static clif_error *op_atomic_rmw(const in_op *o, const in_val *a, in_val *r) {
    clif_type t = o->ctrl;
    unsigned w = clif_type_bits(t);
    in_val old, x = a[1], v;
    clif_error *e = load_value(o->in, a[0].lo, t, o->d->memflags, &old);
    if (e) return e;
    switch (o->d->cond) {
    case CLIF_ATOMIC_ADD: v = u128_add(old, x); break;
    case CLIF_ATOMIC_SUB: v = u128_sub(old, x); break;
    case CLIF_ATOMIC_AND: v = u128_and(old, x); break;
    case CLIF_ATOMIC_NAND: v = u128_not(u128_and(old, x)); break;
    case CLIF_ATOMIC_OR: v = u128_or(old, x); break;
    case CLIF_ATOMIC_XOR: v = u128_xor(old, x); break;
    case CLIF_ATOMIC_XCHG: v = x; break;
    case CLIF_ATOMIC_UMIN: v = u128_ult(x, old) ? x : old; break;
    case CLIF_ATOMIC_UMAX: v = u128_ult(old, x) ? x : old; break;
    case CLIF_ATOMIC_SMIN: v = u128_slt(u128_sext(x, w), u128_sext(old, w)) ? x : old; break;
    case CLIF_ATOMIC_SMAX: v = u128_slt(u128_sext(old, w), u128_sext(x, w)) ? x : old; break;
    default: return in_unsupported_msg(o, "atomic_rmw with an unknown operation");
    }
    e = store_value(o->in, a[0].lo, t, o->d->memflags, u128_trunc(v, w));
    if (!e) *r = old;
    return e;
}

static clif_error *op_atomic_cas(const in_op *o, const in_val *a, in_val *r) {
    clif_type t = o->ctrl;
    in_val old;
    clif_error *e = load_value(o->in, a[0].lo, t, o->d->memflags, &old);
    if (e) return e;
    if (u128_eq(old, a[1])) e = store_value(o->in, a[0].lo, t, o->d->memflags, a[2]);
    if (!e) *r = old;
    return e;
}

static clif_error *op_fence(const in_op *o, const in_val *a, in_val *r) {
    (void)o, (void)a, (void)r;
    return NULL;
}

/* ---- Stack slots and addresses ---- */

static clif_error *op_stack_addr(const in_op *o, const in_val *a, in_val *r) {
    (void)a;
    const clif_func *f = o->f;
    uint32_t ss = o->d->ent;
    if (ss >= f->stack_slots.len || o->fr->p->slot_off[ss] == UINT32_MAX)
        return in_unsupported_msg(o, "stack_addr of a dynamic or undeclared stack slot");
    uint64_t addr = o->fr->sp + o->fr->p->slot_off[ss] + (uint64_t)(int64_t)o->d->offset;
    *r = u128_trunc(u128_from_u64(addr), clif_type_bits(o->ctrl));
    return NULL;
}

static clif_error *op_func_addr(const in_op *o, const in_val *a, in_val *r) {
    (void)a;
    uint32_t t;
    clif_error *e = in_resolve_callee(o->in, o->fr->p, o->d->ent, &t);
    if (!e) *r = u128_trunc(u128_from_u64(in_target_address(t)), clif_type_bits(o->ctrl));
    return e;
}

static clif_error *op_global(const in_op *o, const in_val *a, in_val *r) {
    (void)a;
    return in_global_value(o, o->d->ent, r);
}

static clif_error *op_get_pinned(const in_op *o, const in_val *a, in_val *r) {
    (void)a;
    *r = u128_trunc(o->in->pinned, clif_type_bits(o->ctrl));
    return NULL;
}

static clif_error *op_set_pinned(const in_op *o, const in_val *a, in_val *r) {
    (void)r;
    o->in->pinned = a[0];
    return NULL;
}

static clif_error *op_frame_reg(const in_op *o, const in_val *a, in_val *r) {
    (void)a;
    uint64_t v;
    switch (o->d->opcode) {
    case CLIF_OP_GET_FRAME_POINTER: v = o->fr->fp; break;
    case CLIF_OP_GET_STACK_POINTER: v = o->fr->sp; break;
    default: v = IN_RET_BASE + IN_CODE_STRIDE * (uint64_t)(o->fr - o->in->frames.data); break;
    }
    *r = u128_trunc(u128_from_u64(v), clif_type_bits(o->ctrl));
    return NULL;
}

static clif_error *op_unsupported(const in_op *o, const in_val *a, in_val *r) {
    (void)a, (void)r;
    return in_unsupported(o, o->ctrl);
}

/* ---- Global values ---- */

static clif_error *gv_symbol(const in_op *o, const gv_data *g, in_val *out) {
    if (g->tls) return in_unsupported_msg(o, "thread-local symbol values");
    uint32_t t;
    clif_error *e = in_resolve_name(o->in, o->f, &g->name, &t);
    if (e) {
        clif_error_free(e);
        return in_unsupported_msg(o, "symbol values of data symbols");
    }
    *out = u128_from_u64(in_target_address(t) + (uint64_t)g->offset);
    return NULL;
}

clif_error *in_global_value(const in_op *o, clif_global_value gv, in_val *out) {
    const clif_func *f = o->f;
    /* Walk to the root (a vmctx or a symbol), then evaluate back up. */
    uint32_t n = 0;
    for (clif_global_value g = gv;; n++) {
        if (g >= f->gvs.len || n > f->gvs.len)
            return clif_error_new(CLIF_ERR_ARGUMENT, (clif_location){NULL, o->d->srcline, 0},
                                  "global value chain is invalid or cyclic");
        uint8_t k = f->gvs.data[g].kind;
        if (k != CLIF_GV_LOAD && k != CLIF_GV_IADD_IMM) break;
        g = f->gvs.data[g].base;
    }
    uint32_t *chain = cl_xmalloc((n + 1) * sizeof *chain);
    clif_global_value g = gv;
    for (uint32_t i = 0; i <= n; i++) {
        chain[n - i] = g;
        g = f->gvs.data[g].base;
    }
    clif_error *e = NULL;
    in_val v = u128_from_u64(0);
    for (uint32_t i = 0; i <= n && !e; i++) {
        const gv_data *d = &f->gvs.data[chain[i]];
        unsigned bits = clif_type_bits(d->type);
        switch (d->kind) {
        case CLIF_GV_VMCTX: {
            const in_prep *p = o->fr->p;
            const block_data *b =
                f->first_block < f->blocks.len ? &f->blocks.data[f->first_block] : NULL;
            if (p->vmctx < 0 || !b || (uint32_t)p->vmctx >= b->nparams) {
                e = in_unsupported_msg(o, "vmctx global value without a vmctx parameter");
                break;
            }
            v = in_get(o, f->pool.data[b->params + (uint32_t)p->vmctx]);
            break;
        }
        case CLIF_GV_LOAD:
            e = load_value(o->in, v.lo + (uint64_t)d->offset, d->type, d->flags, &v);
            break;
        case CLIF_GV_IADD_IMM:
            v = u128_trunc(u128_add(v, u128_from_i64(d->offset)), bits ? bits : 64);
            break;
        case CLIF_GV_SYMBOL: e = gv_symbol(o, d, &v); break;
        case CLIF_GV_DYN_SCALE: v = u128_from_u64(1); break; /* see interp.h */
        default: e = in_unsupported_msg(o, "unknown global value kind"); break;
        }
    }
    free(chain);
    if (!e) *out = v;
    return e;
}

const in_op_fn in_ops_mem[CLIF_OP_COUNT] = {
    [CLIF_OP_LOAD] = op_load,
    [CLIF_OP_ULOAD8] = op_load,
    [CLIF_OP_SLOAD8] = op_load,
    [CLIF_OP_ULOAD16] = op_load,
    [CLIF_OP_SLOAD16] = op_load,
    [CLIF_OP_ULOAD32] = op_load,
    [CLIF_OP_SLOAD32] = op_load,
    [CLIF_OP_ULOAD8X8] = op_load,
    [CLIF_OP_SLOAD8X8] = op_load,
    [CLIF_OP_ULOAD16X4] = op_load,
    [CLIF_OP_SLOAD16X4] = op_load,
    [CLIF_OP_ULOAD32X2] = op_load,
    [CLIF_OP_SLOAD32X2] = op_load,
    [CLIF_OP_STORE] = op_store,
    [CLIF_OP_ISTORE8] = op_store,
    [CLIF_OP_ISTORE16] = op_store,
    [CLIF_OP_ISTORE32] = op_store,
    [CLIF_OP_ATOMIC_LOAD] = op_atomic_load,
    [CLIF_OP_ATOMIC_STORE] = op_atomic_store,
    [CLIF_OP_ATOMIC_RMW] = op_atomic_rmw,
    [CLIF_OP_ATOMIC_CAS] = op_atomic_cas,
    [CLIF_OP_FENCE] = op_fence,
    [CLIF_OP_STACK_ADDR] = op_stack_addr,
    [CLIF_OP_FUNC_ADDR] = op_func_addr,
    [CLIF_OP_DYNAMIC_STACK_ADDR] = op_stack_addr,
    [CLIF_OP_SYMBOL_VALUE] = op_global,
    [CLIF_OP_TLS_VALUE] = op_unsupported,
    [CLIF_OP_GET_PINNED_REG] = op_get_pinned,
    [CLIF_OP_SET_PINNED_REG] = op_set_pinned,
    [CLIF_OP_GET_FRAME_POINTER] = op_frame_reg,
    [CLIF_OP_GET_STACK_POINTER] = op_frame_reg,
    [CLIF_OP_GET_RETURN_ADDRESS] = op_frame_reg,
    [CLIF_OP_STACK_SWITCH] = op_unsupported,
    [CLIF_OP_GET_EXCEPTION_HANDLER_ADDRESS] = op_unsupported,
};
