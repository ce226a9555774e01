/* The verifier's shared context and helpers. Each check family lives in its
 * own file; verify.c runs them in order and reports findings. */
#ifndef CLIF_VERIFIER_VF_H
#define CLIF_VERIFIER_VF_H

#include "clif/verifier.h"
#include "ir/cfg.h"
#include "ir/domtree.h"
#include "ir/function.h"

typedef struct vf_ctx {
    const clif_func *f;
    const clif_isa *isa; /* NULL: target rules are not checked */
    clif_type ptr_type;  /* the target's pointer type; invalid without a target */
    clif_verifier_sink sink;
    void *sink_ctx;
    uint32_t count; /* findings so far */
    bool fatal;     /* a finding after which later checks would be meaningless */
    bool texts_ok;  /* value lists are in range: instructions may be printed */
    ir_cfg cfg;
    ir_domtree dt;
    ir_u32vec scratch; /* block-call lists */
    ir_u32vec uses;    /* values read by the instruction being checked */
    VEC(char) msg;     /* the message being formatted */
} vf_ctx;

/* Reports a finding about instruction `inst` (CLIF_NONE: none) or `block`
 * (CLIF_NONE: none). The message is prefixed with the entity, as Cranelift
 * prints it: "inst5 (iadd): ...", "block2: ...". Without either, the message
 * names its entity itself ("gv0: ..."). */
void vf_report(vf_ctx *cx, clif_inst inst, clif_block block, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
/* The same, and marks the verification as unable to continue. */
void vf_fatal(vf_ctx *cx, clif_inst inst, clif_block block, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* The text of instruction i for messages (malloc'd). */
char *vf_inst_text(vf_ctx *cx, clif_inst i);

/* Names for messages; the returned struct lives until the end of the full
 * expression that uses it (C11 temporary lifetime). */
typedef struct vf_name {
    char s[48];
} vf_name;
vf_name vf_type(clif_type t);
vf_name vf_abi(const clif_abi_param *p); /* "i32", "i64 uext", "i64 vmctx" */
vf_name vf_callconv(uint8_t cc);

/* Value helpers (the value must be valid: see vf_value_ok). */
static inline bool vf_value_ok(const clif_func *f, clif_value v) {
    return v < f->values.len && f->values.data[v].kind != VK_UNUSED;
}
/* The type of v after following aliases. */
static inline clif_type vf_vtype(const clif_func *f, clif_value v) {
    v = ir_resolve(f, v);
    return v < f->values.len ? f->values.data[v].type : CLIF_TYPE_INVALID;
}
static inline const clif_opcode_info *vf_info(const inst_data *d) {
    return clif_opcode_info_of((clif_opcode)d->opcode);
}
static inline const uint32_t *vf_args(const clif_func *f, const inst_data *d) {
    return f->pool.data + d->args;
}
/* The signature of `sig` (must be valid) as returns/params pointers. */
static inline const clif_abi_param *vf_sig_params(const clif_func *f, const sig_data *s) {
    return f->abi_params.data + s->params;
}
static inline const clif_abi_param *vf_sig_returns(const clif_func *f, const sig_data *s) {
    return f->abi_params.data + s->returns;
}

/* ---- refs.c: entity references and the preamble ---- */
/* Value lists, tables and preamble ranges lie inside their arrays. */
void vf_check_ranges(vf_ctx *cx);
/* Aliases resolve without cycles; preamble entities reference valid ones;
 * global value chains have no cycles and consistent types. */
void vf_check_preamble(vf_ctx *cx);
/* The function's own signature. */
void vf_check_signature(vf_ctx *cx);
/* Fills cx->uses with the values `d` reads: operands, block-call arguments
 * that are values, exception-table contexts. */
void vf_collect_uses(vf_ctx *cx, const inst_data *d);
/* Every entity and value an instruction names exists; results belong to it. */
void vf_check_inst_refs(vf_ctx *cx, clif_inst i);

/* ---- flow.c: layout, terminators, block calls ---- */
/* The block and instruction lists of the layout are well formed. */
void vf_check_layout(vf_ctx *cx);
/* The entry block: parameters against the signature, not cold. */
void vf_check_entry(vf_ctx *cx);
/* Terminator placement and parameter ownership for one instruction of `b`. */
void vf_check_block_integrity(vf_ctx *cx, clif_block b, clif_inst i);
/* Branch targets exist and are not the entry block. */
void vf_check_targets(vf_ctx *cx, clif_inst i);
/* Block-call arguments against target parameters (count and types). */
void vf_check_block_args(vf_ctx *cx, clif_inst i);

/* ---- ssa.c: definitions dominate uses ---- */
void vf_check_ssa(vf_ctx *cx, clif_inst i);

/* ---- types.c: controlling type, fixed operands, results ---- */
void vf_check_types(vf_ctx *cx, clif_inst i);

/* ---- calls.c: calls, returns, tail calls, exception tables ---- */
void vf_check_calls(vf_ctx *cx, clif_inst i);

/* ---- target.c: rules that need the target ---- */
/* The type of global value g: declared, or the pointer type (invalid
 * without a target) for vmctx, symbols and dynamic scales. */
clif_type vf_gv_type(const vf_ctx *cx, clif_global_value g);
/* The pointer type of `isa` (invalid for NULL). */
clif_type vf_pointer_type(const clif_isa *isa);
/* Load bases are pointers (global values). */
void vf_check_target_preamble(vf_ctx *cx);
/* Pinned register and frame pointer settings, address widths, global value
 * instruction types. */
void vf_check_target_inst(vf_ctx *cx, clif_inst i);

/* ---- imm.c: immediates, memory flags, constants, stack slots ---- */
void vf_check_immediates(vf_ctx *cx, clif_inst i);

#endif
