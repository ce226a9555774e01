/* The interpreter's internal interface: the engine state, the synthetic
 * address space, and the handler table the opcode files fill.
 *
 * Every value is an in_val (a u128): a scalar zero-extended to 128 bits, a
 * vector with lane i at bits [i*w, (i+1)*w). Floats are their IEEE bits.
 * Dynamic vectors (`i32x4xN`) have a scale of 1: they are their base vector,
 * as aarch64's Neon lowering makes them (dyn_scale_target_const is 1). */
#ifndef CLIF_INTERP_INTERNAL_H
#define CLIF_INTERP_INTERNAL_H

#include "clif/interp.h"
#include "interp/u128.h"
#include "ir/function.h"

typedef u128 in_val;

/* ---- The synthetic address space ----
 * Programs never see host pointers. The stack grows down from IN_STACK_TOP;
 * the live part [sp, IN_STACK_TOP) is addressable. Function addresses (from
 * func_addr) are IN_CODE_BASE + IN_CODE_STRIDE * target, return addresses
 * are above IN_RET_BASE; the code region [IN_CODE_BASE, IN_CODE_END) reads as
 * zeros and cannot be written. Everything else is unmapped: an access traps.
 * All addresses fit in 32 bits so that i32 pointers work.
 *
 * Each frame is, from the top: a 16-byte frame record (caller's frame
 * pointer, return address; get_frame_pointer gives its address), then the
 * stack slots. */
#define IN_STACK_TOP   0x80000000ull
#define IN_STACK_LIMIT (256ull << 20)
#define IN_CODE_BASE   0x10000000ull
#define IN_CODE_STRIDE 16ull
#define IN_RET_BASE    0x18000000ull /* return addresses */
#define IN_CODE_END    0x20000000ull
/* Most value slots all live frames may hold together (16 bytes each), and
 * most frames whatever limit the caller sets. */
#define IN_MAX_VALUES (16u << 20)
#define IN_MAX_DEPTH  (1u << 20)

typedef struct in_stack {
    uint8_t *buf; /* holds [IN_STACK_TOP - cap, IN_STACK_TOP) */
    uint64_t cap;
    uint64_t sp; /* lowest live address */
} in_stack;

/* What the engine knows about a function while it runs: computed once per
 * top-level call (functions may change between calls). */
typedef struct in_prep {
    const clif_func *f;
    uint32_t frame_size; /* bytes of stack slots, 16-aligned (UINT32_MAX: too large) */
    uint32_t align;      /* alignment of the frame's sp */
    bool wide;           /* has values wider than 128 bits */
    uint32_t *slot_off;  /* per stack slot: offset from the frame's sp */
    uint32_t *callee;    /* per function reference: target index + 1, 0 = unresolved */
    int32_t vmctx;       /* index of the vmctx parameter, -1 if none */
} in_prep;

/* Something callable: a CLIF function or a libcall. */
typedef enum in_target_kind { IN_TARGET_FUNC, IN_TARGET_LIBCALL } in_target_kind;
typedef struct in_target {
    uint8_t kind;
    int libcall;        /* in_libcall id */
    const clif_func *f; /* IN_TARGET_FUNC */
    in_prep *prep;      /* valid when epoch matches the interpreter's */
    uint32_t epoch;
} in_target;

typedef struct in_frame {
    const clif_func *f;
    in_prep *p;
    uint32_t vbase; /* first value slot */
    clif_inst pc;   /* executing instruction (the call while a callee runs) */
    uint64_t sp;    /* frame's lowest stack address */
    uint64_t fp;    /* its frame record: [fp] = caller's fp, [fp + 8] = return address */
    uint64_t base;  /* frame's top (the caller's sp) */
} in_frame;

struct in_op;
typedef clif_error *(*in_op_fn)(const struct in_op *o, const in_val *a, in_val *r);

struct clif_interp {
    VEC(const clif_func *) funcs; /* registered, callable by name */
    uint32_t max_depth;
    uint64_t fuel;
    VEC(in_target) targets;
    VEC(in_prep *) preps;
    uint32_t epoch;
    /* State of one top-level call. */
    VEC(in_frame) frames;
    VEC(in_val) vals;
    VEC(in_val) tmp;  /* arguments in flight */
    VEC(in_val) rets; /* return values in flight */
    in_val exn[2];    /* payloads of the exception in flight */
    in_stack stack;
    in_val pinned;
    uint64_t executed;
    in_op_fn ops[CLIF_OP_COUNT];
};

/* One instruction being executed by a handler. */
typedef struct in_op {
    clif_interp *in;
    in_frame *fr;
    const clif_func *f;
    const inst_data *d;
    clif_type ctrl; /* controlling type (CLIF_TYPE_INVALID for non-polymorphic opcodes) */
} in_op;

/* The handlers of each opcode file, indexed by opcode (NULL = not there). */
extern const in_op_fn in_ops_int[CLIF_OP_COUNT];
extern const in_op_fn in_ops_float[CLIF_OP_COUNT];
extern const in_op_fn in_ops_conv[CLIF_OP_COUNT];
extern const in_op_fn in_ops_simd[CLIF_OP_COUNT];
extern const in_op_fn in_ops_mem[CLIF_OP_COUNT];

/* ---- Helpers for handlers (interp.c) ---- */
clif_type in_arg_type(const in_op *o, uint32_t k);
clif_type in_res_type(const in_op *o, uint32_t k);
/* "unsupported: <opcode> on <type>" (type = the controlling type, or `t`). */
clif_error *in_unsupported(const in_op *o, clif_type t);
clif_error *in_unsupported_msg(const in_op *o, const char *what);
/* The value of a value reference in the current frame. */
in_val in_get(const in_op *o, clif_value v);

/* ---- Lanes ---- */
static inline unsigned in_lane_bits(clif_type t) {
    return clif_type_lane_bits(t);
}
static inline unsigned in_lanes(clif_type t) {
    return clif_type_lanes(t);
}
static inline u128 in_lane(in_val v, unsigned bits, unsigned i) {
    return u128_trunc(u128_shr(v, bits * i), bits);
}
static inline in_val in_set_lane(in_val v, unsigned bits, unsigned i, u128 x) {
    u128 m = u128_shl(u128_mask(bits), bits * i);
    return u128_or(u128_and(v, u128_not(m)), u128_shl(u128_trunc(x, bits), bits * i));
}

/* ---- Memory (memory.c) ---- */
/* Reads/writes `size` bytes at `addr` after checking the range; a bad range
 * is the memflags' trap (heap_oob by default). */
clif_error *in_mem_read(clif_interp *in, uint64_t addr, uint32_t size, clif_memflags fl,
                        uint8_t *out);
clif_error *in_mem_write(clif_interp *in, uint64_t addr, uint32_t size, clif_memflags fl,
                         const uint8_t *src);
/* Serializes a value of type t (little or big endian per lane). */
void in_to_bytes(in_val v, clif_type t, bool big, uint8_t *out);
in_val in_from_bytes(const uint8_t *b, clif_type t, bool big);
static inline bool in_big_endian(clif_memflags fl) {
    return (fl & CLIF_MEM_BIG) != 0;
}
/* Stack frames. */
clif_error *in_stack_push(clif_interp *in, uint32_t size, uint32_t align, uint64_t *sp);
void in_stack_pop(clif_interp *in, uint64_t sp);
/* Evaluates a global value in the current frame. */
clif_error *in_global_value(const in_op *o, clif_global_value gv, in_val *out);

/* ---- Calls and targets (link.c) ---- */
/* The prepared form of f for this top-level call; checks the references the
 * engine follows so that a malformed function is an error, never a crash. */
clif_error *in_prepare(clif_interp *in, const clif_func *f, in_prep **out);
void in_drop_preps(clif_interp *in);
/* Finds the target called `n` in function f (a registered function, then a
 * libcall); an error of kind argument when there is none. */
clif_error *in_resolve_name(clif_interp *in, const clif_func *f, const name_data *n,
                            uint32_t *target);
/* Resolves a function reference of the current function to a target index. */
clif_error *in_resolve_callee(clif_interp *in, in_prep *p, clif_func_ref fr, uint32_t *target);
/* A function address for a target and back (CLIF_NONE if the address is none). */
uint64_t in_target_address(uint32_t target);
uint32_t in_address_target(const clif_interp *in, uint64_t addr);

/* ---- Libcalls (libcall.c) ---- */
/* The libcall that throws an exception, as Cranelift's filetest runner
 * provides it: __cranelift_throw(entry_fp, exit_fp, exit_pc, tag: i32,
 * payload0, payload1). The engine runs it (it unwinds frames). */
#define IN_LIBCALL_THROW 0
/* Checks a libcall's signature as the caller declares it. */
bool in_libcall_sig_ok(int id, const clif_func *f, const sig_data *sig);
/* The libcall id of a name (without '%'), or -1. */
int in_libcall_lookup(const char *name);
const char *in_libcall_name(int id);
/* Runs a libcall with arguments of the given signature; writes the results. */
clif_error *in_libcall_run(clif_interp *in, int id, const clif_func *f, const sig_data *sig,
                           const in_val *args, uint32_t nargs, in_val *rets);

#endif
