/* libcranelift: the function builder, the C counterpart of cranelift-frontend.
 *
 * A front end translates its language into CLIF through a clif_fb. It creates
 * blocks, switches between them and appends instructions to the current
 * block. Local variables of the source language are `clif_variable`s: the
 * builder turns their definitions (clif_fb_def_var) and uses
 * (clif_fb_use_var) into SSA values, adding block parameters and branch
 * arguments only where two different definitions meet (Braun et al., "Simple
 * and Efficient Construction of SSA Form", as cranelift-frontend does). A
 * front end never places block parameters by hand.
 *
 * Rules, as in Cranelift:
 * - A block is *filled* once a terminator was appended to it; nothing may
 *   follow. Branches to a block may only come from filled blocks, so branch
 *   last, then switch to the next block.
 * - A block is *sealed* (clif_fb_seal_block) once every branch to it has been
 *   built. Sealing early (for example a loop header right after the back
 *   edge) resolves pending variable lookups as soon as possible. Every block
 *   must be sealed before clif_fb_finalize; clif_fb_seal_all_blocks seals
 *   whatever is left.
 * - Branches built through the builder carry no arguments for variables: the
 *   builder appends them. Arguments of block parameters the front end added
 *   itself (clif_fb_append_block_param) are passed explicitly.
 * - A variable used where it has no definition on some path reads as zero
 *   (Cranelift's behaviour for unreachable code); initialise variables.
 *
 * Errors: a misuse (an undeclared variable, a type mismatch, an instruction
 * after a terminator, a branch to a sealed block, ...) never crashes. The
 * builder keeps the first error; the failing call and every later call return
 * CLIF_NONE or false and change nothing. clif_fb_error shows the pending
 * error, clif_fb_finalize hands it over. Errors are of kind CLIF_ERR_ARGUMENT
 * (misuse), CLIF_ERR_UNSUPPORTED or CLIF_ERR_LIMIT.
 *
 * A clif_fb is reused across functions: clif_fb_finalize resets it, keeping
 * its allocations. Typical use:
 *
 *     clif_func_clear(f);  clif_func_set_signature(f, &sig);
 *     clif_fb_begin(fb, f);
 *     clif_block entry = clif_fb_create_block(fb);
 *     clif_fb_append_block_params_for_function_params(fb, entry);
 *     clif_fb_switch_to_block(fb, entry);
 *     clif_fb_seal_block(fb, entry);
 *     clif_fb_declare_var(fb, 0, CLIF_I32);
 *     clif_fb_def_var(fb, 0, clif_block_param(f, entry, 0));
 *     ...
 *     clif_error *err = clif_fb_finalize(fb);
 */
#ifndef CLIF_FRONTEND_H
#define CLIF_FRONTEND_H

#include <stdbool.h>
#include <stdint.h>

#include "clif/error.h"
#include "clif/ir.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A variable of the source language: an index chosen by the front end,
 * below CLIF_FB_MAX_VARIABLES. */
typedef uint32_t clif_variable;
#define CLIF_FB_MAX_VARIABLES (1u << 24)

typedef struct clif_fb clif_fb;

/* ---- The builder ---- */
/* A builder with no function (clif_fb_begin starts one). Never NULL. */
clif_fb *clif_fb_new(void);
/* Frees the builder and a pending error (not the function); NULL is ignored. */
void clif_fb_free(clif_fb *fb);
/* Starts building into `f`, which should be empty apart from its name,
 * signature and preamble entities (clif_func_clear, then set them). Forgets
 * any earlier unfinished function and pending error. */
void clif_fb_begin(clif_fb *fb, clif_func *f);
/* The function being built (NULL outside begin/finalize). */
clif_func *clif_fb_func(const clif_fb *fb);
/* Ends the function: returns the pending error if there is one, else checks
 * that every block that received instructions (or is the target of a branch)
 * is sealed and filled. Returns NULL on success; the caller frees an error.
 * The builder is reset either way. The function is not verified: call
 * clif_verify. */
clif_error *clif_fb_finalize(clif_fb *fb);
/* The first error since clif_fb_begin, or NULL. Owned by the builder. */
const clif_error *clif_fb_error(const clif_fb *fb);

/* ---- Blocks ---- */
/* A new block of the function; it enters the layout with its first
 * instruction. */
clif_block clif_fb_create_block(clif_fb *fb);
/* Makes `b` the current block: instructions go to its end. The block left
 * behind must be filled, untouched, or unreachable; `b` must not be filled.
 * A block enters the layout with its first instruction. */
bool clif_fb_switch_to_block(clif_fb *fb, clif_block b);
/* The current block, or CLIF_NONE. */
clif_block clif_fb_current_block(const clif_fb *fb);
/* Declares that every branch to `b` has been built. */
bool clif_fb_seal_block(clif_fb *fb, clif_block b);
/* Seals every block not sealed yet. */
bool clif_fb_seal_all_blocks(clif_fb *fb);
/* Adds a parameter of type `t` to `b`, which must have no instructions yet.
 * Branches to `b` pass its argument explicitly. */
clif_value clif_fb_append_block_param(clif_fb *fb, clif_block b, clif_type t);
/* Adds one parameter per parameter of the function's signature (entry block). */
bool clif_fb_append_block_params_for_function_params(clif_fb *fb, clif_block b);
/* Marks `b` as cold (placed out of the hot path). */
bool clif_fb_set_cold_block(clif_fb *fb, clif_block b);
/* `b` has been sealed (clif_fb_seal_block). */
bool clif_fb_is_sealed(const clif_fb *fb, clif_block b);
/* A terminator has been appended to `b`. */
bool clif_fb_is_filled(const clif_fb *fb, clif_block b);
/* No instruction has been appended to `b`. */
bool clif_fb_is_pristine(const clif_fb *fb, clif_block b);
/* The current block is sealed without predecessors and is not the entry. */
bool clif_fb_is_unreachable(const clif_fb *fb);

/* ---- Variables ---- */
/* Declares `var` with type `t` (once per variable and function). */
bool clif_fb_declare_var(clif_fb *fb, clif_variable var, clif_type t);
/* Records `v` (of the variable's type) as the value of `var` from here on in
 * the current block. */
bool clif_fb_def_var(clif_fb *fb, clif_variable var, clif_value v);
/* The SSA value of `var` at the end of the current block. May add block
 * parameters (here or in predecessors) and branch arguments. */
clif_value clif_fb_use_var(clif_fb *fb, clif_variable var);

/* ---- Instructions, appended to the current block ----
 * The generic form takes a full description (see clif_build); the helpers
 * below cover the common shapes and return the first result (or the
 * instruction for those without results). Branch targets become SSA
 * predecessors of their blocks; a terminator fills the current block. */
clif_inst clif_fb_ins(clif_fb *fb, const clif_inst_desc *d);
/* iconst.t (imm truncated to t), f32const, f64const. */
clif_value clif_fb_iconst(clif_fb *fb, clif_type t, int64_t imm);
clif_value clif_fb_f32const(clif_fb *fb, float x);
clif_value clif_fb_f64const(clif_fb *fb, double x);
/* `t` is the controlling type for suffix-typed opcodes (uextend.i64); may be
 * CLIF_TYPE_INVALID when the operand gives it. */
clif_value clif_fb_unary(clif_fb *fb, clif_opcode op, clif_type t, clif_value x);
/* Two and three value operands (iadd, select, ...). */
clif_value clif_fb_binary(clif_fb *fb, clif_opcode op, clif_value x, clif_value y);
clif_value clif_fb_ternary(clif_fb *fb, clif_opcode op, clif_value x, clif_value y, clif_value z);
/* icmp cc x, y and fcmp cc x, y. */
clif_value clif_fb_icmp(clif_fb *fb, clif_intcc cc, clif_value x, clif_value y);
clif_value clif_fb_fcmp(clif_fb *fb, clif_floatcc cc, clif_value x, clif_value y);
/* A load opcode (load, uload8, ...) of type t from addr + offset. */
clif_value clif_fb_load(clif_fb *fb, clif_opcode op, clif_type t, clif_memflags flags,
                        clif_value addr, int32_t offset);
/* A store opcode (store, istore8, ...) of x to addr + offset. */
clif_inst clif_fb_store(clif_fb *fb, clif_opcode op, clif_memflags flags, clif_value x,
                        clif_value addr, int32_t offset);
/* stack_addr.t ss + offset. */
clif_value clif_fb_stack_addr(clif_fb *fb, clif_type t, clif_stack_slot ss, int32_t offset);
/* jump dest(args) and brif cond, then_, else_. */
clif_inst clif_fb_jump(clif_fb *fb, clif_block dest, const clif_value *args, uint32_t nargs);
clif_inst clif_fb_brif(clif_fb *fb, clif_value cond, const clif_block_call *then_,
                       const clif_block_call *else_);
/* A br_table over a new jump table: `deflt` when index >= n, else entries[index]. */
clif_inst clif_fb_br_table(clif_fb *fb, clif_value index, const clif_block_call *deflt,
                           const clif_block_call *entries, uint32_t n);
/* return vals. */
clif_inst clif_fb_return(clif_fb *fb, const clif_value *vals, uint32_t n);
/* call fn(args) and call_indirect sig, callee(args). */
clif_inst clif_fb_call(clif_fb *fb, clif_func_ref fn, const clif_value *args, uint32_t nargs);
clif_inst clif_fb_call_indirect(clif_fb *fb, clif_sig_ref sig, clif_value callee,
                                const clif_value *args, uint32_t nargs);
/* trap code. */
clif_inst clif_fb_trap(clif_fb *fb, clif_trap_code code);
/* trapz / trapnz. */
clif_inst clif_fb_cond_trap(clif_fb *fb, clif_opcode op, clif_value c, clif_trap_code code);

/* ---- Switch ----
 * A multi-way branch on an integer: entries map index values to blocks, any
 * other value goes to the default block. clif_switch_emit groups contiguous
 * indices into ranges: a range of one entry becomes a compare and branch,
 * a longer range a br_table; a binary search over the ranges (icmp uge, brif)
 * picks the range, as cranelift-frontend's Switch does. */
typedef struct clif_switch clif_switch;
/* An empty switch (never NULL); clif_switch_free frees it (NULL is ignored). */
clif_switch *clif_switch_new(void);
void clif_switch_free(clif_switch *s);
/* Adds an entry; an index set twice is reported by clif_switch_emit. */
void clif_switch_set_entry(clif_switch *s, uint64_t index, clif_block b);
/* Number of entries set. */
uint32_t clif_switch_num_entries(const clif_switch *s);
/* Emits the dispatch on `val` (a scalar integer able to hold every index)
 * from the current block, which it fills; the blocks it creates are sealed,
 * the entry and default blocks are not. Empties the switch for reuse. */
bool clif_switch_emit(clif_switch *s, clif_fb *fb, clif_value val, clif_block otherwise);

#ifdef __cplusplus
}
#endif
#endif
