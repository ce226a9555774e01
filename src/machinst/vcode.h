/* VCode: a function as machine instructions on virtual registers, in lowered
 * block order. Instructions are opaque fixed-size payloads of the ISA; each
 * carries its register-allocator operands, an optional clobber set and
 * branch/return flags. Blocks have parameters and their branches pass edge
 * arguments, all as vregs. vcode_ra_function views it as the allocator's
 * input. */
#ifndef CLIF_MACHINST_VCODE_H
#define CLIF_MACHINST_VCODE_H

#include "clif/types.h"
#include "regalloc/regalloc.h"
#include "support/vec.h"

typedef struct vcode_const {
    uint32_t off, len, align; /* bytes const_data[off .. off + len) */
} vcode_const;

typedef struct vcode {
    uint32_t inst_size;     /* bytes of one ISA payload */
    VEC(uint8_t) insts;     /* payloads, inst_size each */
    VEC(uint32_t) op_start; /* [num_insts + 1] */
    VEC(ra_operand) ops;
    VEC(ra_pregset) clobbers; /* [num_insts] */
    VEC(uint8_t) inst_flags;  /* [num_insts]: RA_INST_* */
    VEC(uint32_t) srcline;    /* [num_insts]: CLIF source line, 0 if none */

    VEC(uint32_t) block_insts; /* [num_blocks + 1] */
    VEC(uint32_t) succ_start, succs, pred_start, preds;
    VEC(uint32_t) param_start, params;
    VEC(uint32_t) edge_arg_start, edge_args; /* per edge = succ_start[b] + k */

    VEC(uint8_t) vreg_class;  /* RA_CLASS_* */
    VEC(clif_type) vreg_type; /* the type a vreg holds (for spill slot sizes) */
    VEC(uint32_t) vreg_alias; /* CLIF_NONE, or the vreg this one stands for */

    VEC(vcode_const) consts; /* the constant pool */
    VEC(uint8_t) const_data;
} vcode;

void vcode_init(vcode *vc, uint32_t inst_size);
void vcode_reset(vcode *vc); /* empties, keeps capacity */
void vcode_free(vcode *vc);

static inline uint32_t vcode_num_insts(const vcode *vc) {
    return vc->inst_flags.len;
}
static inline uint32_t vcode_num_blocks(const vcode *vc) {
    return vc->block_insts.len ? vc->block_insts.len - 1 : 0;
}
static inline uint32_t vcode_num_vregs(const vcode *vc) {
    return vc->vreg_class.len;
}
static inline void *vcode_inst(const vcode *vc, uint32_t i) {
    return vc->insts.data + (size_t)i * vc->inst_size;
}
static inline const ra_operand *vcode_ops(const vcode *vc, uint32_t i, uint32_t *n) {
    *n = vc->op_start.data[i + 1] - vc->op_start.data[i];
    return vc->ops.data + vc->op_start.data[i];
}

ra_vreg vcode_new_vreg(vcode *vc, uint8_t rclass, clif_type type);
/* Makes `from` stand for `to` (resolved by vcode_resolve_aliases). */
void vcode_set_alias(vcode *vc, ra_vreg from, ra_vreg to);
/* Follows an alias chain. */
ra_vreg vcode_resolve(const vcode *vc, ra_vreg v);
/* Appends an instruction to the end of the code. */
void vcode_push_inst(vcode *vc, const void *payload, const ra_operand *ops, uint32_t nops,
                     const ra_pregset *clobbers, uint8_t flags, uint32_t srcline);
/* Adds a constant (deduplicated); returns its index. */
uint32_t vcode_add_const(vcode *vc, const uint8_t *bytes, uint32_t len, uint32_t align);
/* Rewrites every operand, block parameter and edge argument through the
 * aliases. */
void vcode_resolve_aliases(vcode *vc);
/* The allocator's view; valid while vc is unchanged. */
void vcode_ra_function(const vcode *vc, ra_function *fn);

#endif
