/* The in-memory layout of a CLIF function, shared by the passes of the
 * library (reader, writer, verifier, interpreter, lowering). Nothing here
 * knows about machines. */
#ifndef CLIF_IR_FUNCTION_H
#define CLIF_IR_FUNCTION_H

#include "clif/ir.h"
#include "support/vec.h"

/* How a value is defined. */
typedef enum value_kind {
    VK_UNUSED, /* a number the text format skipped */
    VK_RESULT, /* owner = inst, num = result index */
    VK_PARAM,  /* owner = block, num = parameter index */
    VK_ALIAS,  /* owner = the value it stands for */
} value_kind;

typedef struct value_data {
    clif_type type;
    uint8_t kind; /* value_kind */
    uint8_t pad;
    uint32_t num;
    uint32_t owner;
} value_data;

typedef struct inst_data {
    uint16_t opcode; /* clif_opcode */
    clif_type ctrl;  /* controlling type; invalid for non-polymorphic opcodes */
    uint8_t cond;    /* intcc / floatcc / atomic op */
    uint8_t trap;    /* trap code */
    uint8_t lane;    /* lane immediate */
    uint8_t pad;
    uint32_t args, nargs;       /* value pool range: fixed operands, then varargs */
    uint32_t results, nresults; /* value pool range */
    uint32_t ent;               /* entity operand (see clif_inst_desc.entity); block_calls
                                   index for jump and brif; the exception table of
                                   try_call*; the constant holding a shuffle's mask */
    clif_memflags memflags;
    int32_t offset;
    uint32_t srcline; /* line in the source text, 0 when built through the API */
    uint64_t imm;     /* also the callee func_ref of try_call */
} inst_data;

/* Layout links of an instruction. */
typedef struct inst_node {
    clif_inst prev, next;
    clif_block block; /* CLIF_NONE when not in the layout */
} inst_node;

typedef struct block_data {
    clif_inst first, last;
    clif_block prev, next;
    uint32_t params, nparams; /* value pool range */
    uint32_t srcline;
    bool in_layout;
    bool cold;
} block_data;

typedef struct block_call {
    clif_block block;
    uint32_t args, nargs; /* value pool range (values or CLIF_BLOCKARG_*) */
} block_call;

typedef struct jump_table_data {
    uint32_t calls, ncalls; /* block_calls range: default first */
} jump_table_data;

typedef struct stack_slot_data {
    uint8_t kind; /* clif_stack_slot_kind */
    uint8_t align_shift;
    uint32_t size;
    clif_dyn_type dyn_type; /* dynamic slots */
    bool used;              /* the number was declared */
} stack_slot_data;

typedef struct dyn_type_data {
    clif_type base;
    clif_global_value scale;
    bool used;
} dyn_type_data;

/* An external name stored in the function: strings live in `strings`. */
typedef struct name_data {
    uint8_t kind; /* clif_name_kind */
    uint32_t ns, index;
    uint32_t str; /* offset into strings, NUL-terminated */
} name_data;

typedef struct gv_data {
    uint8_t kind; /* clif_gv_kind */
    clif_type type;
    clif_global_value base;
    int64_t offset;
    clif_memflags flags;
    name_data name;
    bool colocated, tls, used;
} gv_data;

typedef struct sig_data {
    uint32_t params, nparams;   /* abi_params range */
    uint32_t returns, nreturns; /* abi_params range */
    uint8_t callconv;
    bool used;
} sig_data;

typedef struct ext_func_data {
    name_data name;
    clif_sig_ref sig;
    bool colocated, used;
} ext_func_data;

/* A constant-pool entry. Shuffle masks live here too (Cranelift keeps them
 * apart, as immediates): the writer declares `constN` only for constants that
 * vconst/f128const name or that the text declared and no shuffle uses. */
typedef struct constant_data {
    uint32_t bytes, len; /* range in const_bytes */
    bool used;
    bool anon; /* created for an inline literal (vconst/f128const data, shuffle mask), not
                  declared in the preamble */
} constant_data;

/* One entry of a try_call exception table. */
typedef enum extable_item_kind { EXI_TAG, EXI_DEFAULT, EXI_CONTEXT } extable_item_kind;
typedef struct extable_item {
    uint8_t kind;
    uint32_t tag;  /* EXI_TAG */
    uint32_t call; /* block_calls index, or the context value */
} extable_item;

typedef struct extable_data {
    clif_sig_ref sig;
    uint32_t normal; /* block_calls index of the normal-return target */
    uint32_t items, nitems;
} extable_data;

struct clif_func {
    name_data name;
    sig_data sig; /* the function's own; params/returns in abi_params */
    clif_global_value stack_limit;

    VEC(value_data) values;
    VEC(inst_data) insts;
    VEC(inst_node) inodes;
    VEC(block_data) blocks;
    VEC(uint32_t) pool; /* value lists: args, results, block params, block call args */
    VEC(block_call) block_calls;
    VEC(jump_table_data) jump_tables;
    VEC(stack_slot_data) stack_slots;
    VEC(dyn_type_data) dyn_types;
    VEC(gv_data) gvs;
    VEC(sig_data) sigs;
    VEC(clif_abi_param) abi_params;
    VEC(ext_func_data) ext_funcs;
    VEC(constant_data) constants;
    VEC(uint8_t) const_bytes;
    VEC(extable_data) extables;
    VEC(extable_item) extable_items;
    VEC(char) strings;
    clif_block first_block, last_block;
};

/* Whether [start, start + n) lies within an array of len entries. Passes
 * that follow the ranges of a function they did not build (verifier, writer,
 * interpreter) check each one with this before reading. */
static inline bool ir_range_ok(uint32_t start, uint32_t n, uint32_t len) {
    return start <= len && n <= len - start;
}

/* Pool access. */
static inline uint32_t *pool_at(const clif_func *f, uint32_t start) {
    return f->pool.data + start;
}
/* Copies n entries to the end of the pool; returns the start. */
uint32_t ir_pool_append(clif_func *f, const uint32_t *items, uint32_t n);
/* Stores a string; returns its offset. */
uint32_t ir_intern(clif_func *f, const char *s, size_t len);
static inline const char *ir_str(const clif_func *f, uint32_t off) {
    return f->strings.data + off;
}
void ir_set_name(clif_func *f, name_data *dst, const clif_ext_name *src);
clif_ext_name ir_get_name(const clif_func *f, const name_data *n);

/* Grows `values` (and the other entity arrays) so that index n exists; new
 * entries are unused. The reader uses these to keep source numbering. */
void ir_ensure_values(clif_func *f, uint32_t n);
void ir_ensure_blocks(clif_func *f, uint32_t n);
/* Creates a value of `kind` in a fresh slot. */
clif_value ir_make_value(clif_func *f, clif_type t, value_kind kind, uint32_t owner, uint32_t num);
/* Adds a block call; returns its index. */
uint32_t ir_add_block_call(clif_func *f, const clif_block_call *bc);
/* Computes the result types of an instruction whose opcode, ctrl type and
 * entity are set: fills types[] (capacity max) and returns the count, or
 * -1 when a rule gives no valid type. */
int ir_result_types(const clif_func *f, const inst_data *d, clif_type *types, uint32_t max);
/* Creates the results of instruction `i` from ir_result_types, in fresh values. */
bool ir_make_results(clif_func *f, clif_inst i);
/* Adds an instruction (outside the layout); returns it. */
clif_inst ir_add_inst(clif_func *f, const inst_data *d);
/* Layout: append inst at end of block; block at end of layout. */
void ir_append_inst(clif_func *f, clif_block b, clif_inst i);
/* Follows aliases. */
static inline clif_value ir_resolve(const clif_func *f, clif_value v) {
    uint32_t guard = 0;
    while (v < f->values.len && f->values.data[v].kind == VK_ALIAS && guard++ < f->values.len)
        v = f->values.data[v].owner;
    return v;
}
/* Text names of ABI parameter extensions and purposes (clif_arg_ext: "" for
 * none; clif_arg_purpose: "sarg" for a struct argument), NULL beyond the
 * table; and their lookups by name (-1 when none). With the other name
 * tables in opcodes.c. */
const char *ir_arg_ext_name(unsigned ext);
const char *ir_arg_purpose_name(unsigned purpose);
int ir_arg_ext_from_name(const char *s, size_t len);
int ir_arg_purpose_from_name(const char *s, size_t len);
/* The signature an instruction calls (call, call_indirect, return_call*,
 * try_call*), or CLIF_NONE. */
clif_sig_ref ir_inst_call_sig(const clif_func *f, const inst_data *d);
/* The block calls of a branch instruction: start index into block_calls and count. */
uint32_t ir_inst_block_calls(const clif_func *f, const inst_data *d, uint32_t *count);
/* Number of fixed value operands of an opcode (the rest are varargs). */
static inline uint32_t ir_num_fixed_args(clif_opcode op) {
    const char *s = clif_opcode_info_of(op)->operands;
    uint32_t n = 0;
    while (s[n])
        n++;
    return n;
}

#endif
