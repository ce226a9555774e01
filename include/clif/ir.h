/* libcranelift: the CLIF IR in memory and the C API that builds it.
 *
 * A clif_func owns everything of one function: its signature, the data-flow
 * graph (instructions, values, value lists, block parameters), the layout
 * (block and instruction order) and the preamble entities (stack slots, global
 * values, signatures, function references, jump tables, constants). Every
 * entity is a 32-bit index into an array of the function; CLIF_NONE is "no
 * entity". A function can be cleared and reused: it keeps its capacity.
 */
#ifndef CLIF_IR_H
#define CLIF_IR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "clif/error.h"
#include "clif/opcodes.h"
#include "clif/types.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef uint32_t clif_value;
typedef uint32_t clif_inst;
typedef uint32_t clif_block;
typedef uint32_t clif_stack_slot;
typedef uint32_t clif_global_value;
typedef uint32_t clif_sig_ref;
typedef uint32_t clif_func_ref;
typedef uint32_t clif_jump_table;
typedef uint32_t clif_constant;
typedef uint32_t clif_dyn_type;
typedef uint32_t clif_exception_table;

#define CLIF_NONE UINT32_MAX

/* Largest number of any one kind of entity in a function. */
#define CLIF_MAX_ENTITIES (1u << 28)

/* A block argument is a value, or inside a try_call's exception table a
 * reference to the callee's Nth return value (`retN`) or exception payload
 * (`exnN`). */
#define CLIF_BLOCKARG_RET(n)      (0x80000000u | (n))
#define CLIF_BLOCKARG_EXN(n)      (0xC0000000u | (n))
#define CLIF_BLOCKARG_IS_VALUE(a) (((a)&0x80000000u) == 0)

typedef struct clif_func clif_func;

/* ---- Signatures ----
 * Extensions and purposes of ABI parameters, with their text names. */
#define CLIF_ARG_EXTS(X) X(NONE, "") X(UEXT, "uext") X(SEXT, "sext")
/* clang-format off */
#define CLIF_ARG_PURPOSES(X)                                                                       \
    X(NORMAL, "normal")                                                                            \
    X(VMCTX, "vmctx")                                                                              \
    X(SRET, "sret")                                                                                \
    X(STACK_LIMIT, "stack_limit")                                                                  \
    X(STRUCT, "sarg") /* struct_argument(size), written `sarg(size)` */
/* clang-format on */
typedef enum clif_arg_ext {
#define X(ID, N) CLIF_EXT_##ID,
    CLIF_ARG_EXTS(X)
#undef X
} clif_arg_ext;
typedef enum clif_arg_purpose {
#define X(ID, N) CLIF_ARG_##ID,
    CLIF_ARG_PURPOSES(X)
#undef X
} clif_arg_purpose;

typedef struct clif_abi_param {
    clif_type type;
    uint8_t ext;     /* clif_arg_ext */
    uint8_t purpose; /* clif_arg_purpose */
    uint32_t size;   /* bytes of a struct_argument */
} clif_abi_param;

/* A signature as a caller describes it (arrays are copied). */
typedef struct clif_signature {
    const clif_abi_param *params;
    uint32_t nparams;
    const clif_abi_param *returns;
    uint32_t nreturns;
    clif_callconv callconv;
} clif_signature;

/* ---- External names ---- */
typedef enum clif_name_kind {
    CLIF_NAME_TESTCASE, /* %name */
    CLIF_NAME_USER,     /* u<namespace>:<index> */
} clif_name_kind;

typedef struct clif_ext_name {
    clif_name_kind kind;
    uint32_t ns, index; /* user names */
    const char *str;    /* testcase names (NUL-terminated, without '%') */
} clif_ext_name;

/* ---- Preamble entities ---- */
typedef enum clif_gv_kind {
    CLIF_GV_VMCTX,
    CLIF_GV_LOAD,      /* load.T flags base+offset */
    CLIF_GV_IADD_IMM,  /* iadd_imm.T base, offset */
    CLIF_GV_SYMBOL,    /* symbol [colocated] [tls] name+offset */
    CLIF_GV_DYN_SCALE, /* dyn_scale_target_const.T */
} clif_gv_kind;

typedef struct clif_global_value_data {
    clif_gv_kind kind;
    clif_type type; /* the value's type (and the vector type of dyn_scale) */
    clif_global_value base;
    int64_t offset;
    clif_memflags flags;
    clif_ext_name name; /* symbols */
    bool colocated, tls;
} clif_global_value_data;

typedef enum clif_stack_slot_kind {
    CLIF_SS_EXPLICIT,
    CLIF_SS_EXPLICIT_DYNAMIC, /* sized by a dynamic type */
} clif_stack_slot_kind;

/* ---- Creating and reusing functions ---- */
/* A new, empty function (empty name, no parameters, system_v). Never NULL:
 * allocation failure aborts, as everywhere in the library. */
clif_func *clif_func_new(void);
/* Frees the function and everything it owns; NULL is ignored. */
void clif_func_free(clif_func *f);
/* Forgets all contents, keeping allocated capacity for the next function. */
void clif_func_clear(clif_func *f);

/* Sets the function's name (a testcase name's string is copied). */
void clif_func_set_name(clif_func *f, const clif_ext_name *name);
/* The name; the string stays valid until the function is changed. */
clif_ext_name clif_func_name(const clif_func *f);
/* Writes a name as CLIF text ("%name", "u1:2") into buf; returns buf. */
const char *clif_ext_name_format(const clif_ext_name *name, char *buf, size_t size);
/* Writes the function's name as CLIF text into buf; returns buf. */
const char *clif_func_name_format(const clif_func *f, char *buf, size_t size);
/* Sets the function's own signature (the arrays are copied). */
void clif_func_set_signature(clif_func *f, const clif_signature *sig);
/* The function's own signature; the arrays point into the function and stay
 * valid until it is changed. */
void clif_func_signature(const clif_func *f, clif_signature *out);

/* ---- Entities ---- */
/* A new block without parameters, outside the layout (clif_append_block). */
clif_block clif_create_block(clif_func *f);
/* Appends a parameter of type `t` to `block` and returns its value
 * (CLIF_NONE when the block does not exist). */
clif_value clif_append_block_param(clif_func *f, clif_block block, clif_type t);
/* Puts `block` at the end of the layout; a block that does not exist or is
 * in the layout already is left alone. */
void clif_append_block(clif_func *f, clif_block block);
/* Explicit stack slot of `size` bytes aligned to 2^align_shift. */
clif_stack_slot clif_create_stack_slot(clif_func *f, uint32_t size, uint8_t align_shift);
/* Declares a signature for calls (`sigN`; the arrays are copied). */
clif_sig_ref clif_import_signature(clif_func *f, const clif_signature *sig);
/* Declares a callee (`fnN`): its name (copied), its signature and whether it
 * is colocated (in the same code region, reachable by a near call). */
clif_func_ref clif_import_function(clif_func *f, const clif_ext_name *name, clif_sig_ref sig,
                                   bool colocated);
/* Declares a global value (`gvN`) as `gv` describes it (a symbol's name is
 * copied). */
clif_global_value clif_create_global_value(clif_func *f, const clif_global_value_data *gv);
/* A constant-pool entry of `len` bytes (copied), little-endian lane order. */
clif_constant clif_create_constant(clif_func *f, const uint8_t *bytes, uint32_t len);

/* A jump to `block` with arguments, used by jump, brif, br_table and try_call. */
typedef struct clif_block_call {
    clif_block block;
    const uint32_t *args; /* values or CLIF_BLOCKARG_* references */
    uint32_t nargs;
} clif_block_call;

/* A jump table: default target first, then the n entries. CLIF_NONE (and
 * nothing created) when n or an argument count is CLIF_MAX_ENTITIES or more
 * or an array is missing. */
clif_jump_table clif_create_jump_table(clif_func *f, const clif_block_call *deflt,
                                       const clif_block_call *entries, uint32_t n);

/* ---- Instructions ---- */

/* Everything an instruction may carry; unused fields are ignored. */
typedef struct clif_inst_desc {
    clif_opcode opcode;
    clif_type ctrl_type;    /* required for suffix-typed opcodes, else inferred */
    uint8_t cond;           /* clif_intcc / clif_floatcc / clif_atomic_op */
    clif_trap_code trap;    /* trap, trapz, trapnz, uadd_overflow_trap */
    uint8_t lane;           /* extractlane, insertlane, extract_vector */
    clif_memflags memflags; /* loads, stores, atomics, bitcast */
    int32_t offset;         /* loads, stores, stack_addr */
    uint64_t imm;           /* iconst (low bits), float bits, handler index, the
                               func_ref of try_call */
    uint32_t entity;        /* func_ref, sig_ref, stack slot, global value, constant
                               (also a shuffle's 16-byte mask), jump table, exception
                               table, block */
    const clif_value *args; /* fixed value operands, then variable ones */
    uint32_t nargs;
    const clif_block_call *targets; /* jump: 1, brif: 2 */
    uint32_t ntargets;
} clif_inst_desc;

/* Appends an instruction to the end of `block` (which need not be in the
 * layout yet; CLIF_NONE leaves the instruction outside the layout). Result
 * values are created from the opcode's rules (or the callee signature); read
 * them with clif_inst_result. Returns the instruction, or CLIF_NONE (building
 * nothing) for an invalid opcode, a block that does not exist, a count of
 * CLIF_MAX_ENTITIES or more, a missing array or the wrong number of targets;
 * types and references are the verifier's to check. */
clif_inst clif_build(clif_func *f, clif_block block, const clif_inst_desc *d);

/* Convenience builders for the common shapes. Each builds through clif_build
 * at the end of block `b` and returns the first result, or the instruction
 * for those without results; CLIF_NONE when clif_build refuses. */
/* iconst.t: `imm` truncated to the width of t. */
clif_value clif_ins_iconst(clif_func *f, clif_block b, clif_type t, int64_t imm);
/* f32const / f64const with the bits of x. */
clif_value clif_ins_f32const(clif_func *f, clif_block b, float x);
clif_value clif_ins_f64const(clif_func *f, clif_block b, double x);
/* One value operand; `t` is the controlling type of suffix-typed opcodes
 * (uextend.i64), CLIF_TYPE_INVALID when the operand gives it. */
clif_value clif_ins_unary(clif_func *f, clif_block b, clif_opcode op, clif_type t, clif_value x);
/* Two and three value operands (iadd, select, ...); the type comes from the
 * designated operand. */
clif_value clif_ins_binary(clif_func *f, clif_block b, clif_opcode op, clif_value x, clif_value y);
clif_value clif_ins_ternary(clif_func *f, clif_block b, clif_opcode op, clif_value x, clif_value y,
                            clif_value z);
/* icmp cc x, y and fcmp cc x, y. */
clif_value clif_ins_icmp(clif_func *f, clif_block b, clif_intcc cc, clif_value x, clif_value y);
clif_value clif_ins_fcmp(clif_func *f, clif_block b, clif_floatcc cc, clif_value x, clif_value y);
/* A load opcode (load, uload8, sload32, ...) of type t from addr + offset. */
clif_value clif_ins_load(clif_func *f, clif_block b, clif_opcode op, clif_type t,
                         clif_memflags flags, clif_value addr, int32_t offset);
/* A store opcode (store, istore8, ...) of x to addr + offset. */
clif_inst clif_ins_store(clif_func *f, clif_block b, clif_opcode op, clif_memflags flags,
                         clif_value x, clif_value addr, int32_t offset);
/* stack_addr.t ss + offset. */
clif_value clif_ins_stack_addr(clif_func *f, clif_block b, clif_type t, clif_stack_slot ss,
                               int32_t offset);
/* jump dest(args). */
clif_inst clif_ins_jump(clif_func *f, clif_block b, clif_block dest, const clif_value *args,
                        uint32_t nargs);
/* brif cond, then_, else_. */
clif_inst clif_ins_brif(clif_func *f, clif_block b, clif_value cond, const clif_block_call *then_,
                        const clif_block_call *else_);
/* br_table index, jt. */
clif_inst clif_ins_br_table(clif_func *f, clif_block b, clif_value index, clif_jump_table jt);
/* return vals. */
clif_inst clif_ins_return(clif_func *f, clif_block b, const clif_value *vals, uint32_t n);
/* call fn(args); the results follow fn's signature. */
clif_inst clif_ins_call(clif_func *f, clif_block b, clif_func_ref fn, const clif_value *args,
                        uint32_t nargs);
/* call_indirect sig, callee(args). */
clif_inst clif_ins_call_indirect(clif_func *f, clif_block b, clif_sig_ref sig, clif_value callee,
                                 const clif_value *args, uint32_t nargs);
/* trap code. */
clif_inst clif_ins_trap(clif_func *f, clif_block b, clif_trap_code code);
/* trapz or trapnz (op) on c. */
clif_inst clif_ins_cond_trap(clif_func *f, clif_block b, clif_opcode op, clif_value c,
                             clif_trap_code code);

/* ---- Queries ----
 * An entity that does not exist (or an index beyond the count) gives
 * CLIF_NONE, 0, CLIF_OP_INVALID or CLIF_TYPE_INVALID, never a crash. */
/* Numbers of blocks, instructions and values created (in the layout or not). */
uint32_t clif_func_num_blocks(const clif_func *f);
uint32_t clif_func_num_insts(const clif_func *f);
uint32_t clif_func_num_values(const clif_func *f);
/* The layout: the first block and the one after b (CLIF_NONE at the end). */
clif_block clif_first_block(const clif_func *f);
clif_block clif_next_block(const clif_func *f, clif_block b);
/* A block's first instruction and the one after i in its block (CLIF_NONE
 * at the end). */
clif_inst clif_first_inst(const clif_func *f, clif_block b);
clif_inst clif_next_inst(const clif_func *f, clif_inst i);
/* An instruction's opcode. */
clif_opcode clif_inst_opcode(const clif_func *f, clif_inst i);
/* An instruction's results: their number and the n-th. */
uint32_t clif_inst_num_results(const clif_func *f, clif_inst i);
clif_value clif_inst_result(const clif_func *f, clif_inst i, uint32_t n);
/* An instruction's value operands (fixed ones first, then variable ones):
 * their number and the n-th. */
uint32_t clif_inst_num_args(const clif_func *f, clif_inst i);
clif_value clif_inst_arg(const clif_func *f, clif_inst i, uint32_t n);
/* The type of a value. */
clif_type clif_value_type(const clif_func *f, clif_value v);
/* A block's parameters: their number and the n-th. */
uint32_t clif_block_num_params(const clif_func *f, clif_block b);
clif_value clif_block_param(const clif_func *f, clif_block b, uint32_t n);

#ifdef __cplusplus
}
#endif
#endif
