/* VCode containers and the allocator's view of them. */
#include "machinst/vcode.h"

#include <stdlib.h>
#include <string.h>

#define NO_ALIAS UINT32_MAX

#define VCODE_VECS(X)                                                                              \
    X(insts)                                                                                       \
    X(op_start)                                                                                    \
    X(ops) X(clobbers) X(inst_flags) X(srcline) X(block_insts) X(succ_start) X(succs)              \
        X(pred_start) X(preds) X(param_start) X(params) X(edge_arg_start) X(edge_args)             \
            X(vreg_class) X(vreg_type) X(vreg_alias) X(consts) X(const_data)

void vcode_init(vcode *vc, uint32_t inst_size) {
    memset(vc, 0, sizeof *vc);
    vc->inst_size = inst_size;
    vcode_reset(vc);
}

void vcode_reset(vcode *vc) {
#define X(v) vec_clear(vc->v);
    VCODE_VECS(X)
#undef X
    vec_push(vc->op_start, 0);
}

void vcode_free(vcode *vc) {
#define X(v) vec_free(vc->v);
    VCODE_VECS(X)
#undef X
}

ra_vreg vcode_new_vreg(vcode *vc, uint8_t rclass, clif_type type) {
    vec_push(vc->vreg_class, rclass);
    vec_push(vc->vreg_type, type);
    vec_push(vc->vreg_alias, NO_ALIAS);
    return vc->vreg_class.len - 1;
}

void vcode_set_alias(vcode *vc, ra_vreg from, ra_vreg to) {
    vc->vreg_alias.data[from] = to;
}

ra_vreg vcode_resolve(const vcode *vc, ra_vreg v) {
    uint32_t guard = 0;
    while (v < vc->vreg_alias.len && vc->vreg_alias.data[v] != NO_ALIAS &&
           guard++ < vc->vreg_alias.len)
        v = vc->vreg_alias.data[v];
    return v;
}

void vcode_push_inst(vcode *vc, const void *payload, const ra_operand *ops, uint32_t nops,
                     const ra_pregset *clobbers, uint8_t flags, uint32_t srcline) {
    vec_reserve(vc->insts, vc->inst_size);
    memcpy(vc->insts.data + vc->insts.len, payload, vc->inst_size);
    vc->insts.len += vc->inst_size;
    vec_reserve(vc->ops, nops);
    if (nops) memcpy(vc->ops.data + vc->ops.len, ops, nops * sizeof *ops);
    vc->ops.len += nops;
    vec_push(vc->op_start, vc->ops.len);
    ra_pregset none = {{0, 0}};
    vec_push(vc->clobbers, clobbers ? *clobbers : none);
    vec_push(vc->inst_flags, flags);
    vec_push(vc->srcline, srcline);
}

uint32_t vcode_add_const(vcode *vc, const uint8_t *bytes, uint32_t len, uint32_t align) {
    for (uint32_t i = 0; i < vc->consts.len; i++) {
        const vcode_const *c = &vc->consts.data[i];
        if (c->len == len && c->align == align &&
            memcmp(vc->const_data.data + c->off, bytes, len) == 0)
            return i;
    }
    vcode_const c = {vc->const_data.len, len, align};
    vec_reserve(vc->const_data, len);
    if (len) memcpy(vc->const_data.data + vc->const_data.len, bytes, len);
    vc->const_data.len += len;
    vec_push(vc->consts, c);
    return vc->consts.len - 1;
}

void vcode_resolve_aliases(vcode *vc) {
    for (uint32_t i = 0; i < vc->ops.len; i++)
        vc->ops.data[i].vreg = vcode_resolve(vc, vc->ops.data[i].vreg);
    for (uint32_t i = 0; i < vc->params.len; i++)
        vc->params.data[i] = vcode_resolve(vc, vc->params.data[i]);
    for (uint32_t i = 0; i < vc->edge_args.len; i++)
        vc->edge_args.data[i] = vcode_resolve(vc, vc->edge_args.data[i]);
}

void vcode_ra_function(const vcode *vc, ra_function *fn) {
    fn->num_insts = vcode_num_insts(vc);
    fn->num_blocks = vcode_num_blocks(vc);
    fn->num_vregs = vcode_num_vregs(vc);
    fn->vreg_class = vc->vreg_class.data;
    fn->block_insts = vc->block_insts.data;
    fn->succ_start = vc->succ_start.data;
    fn->succs = vc->succs.data;
    fn->pred_start = vc->pred_start.data;
    fn->preds = vc->preds.data;
    fn->param_start = vc->param_start.data;
    fn->params = vc->params.data;
    fn->edge_arg_start = vc->edge_arg_start.data;
    fn->edge_args = vc->edge_args.data;
    fn->op_start = vc->op_start.data;
    fn->ops = vc->ops.data;
    fn->clobbers = vc->clobbers.data;
    fn->inst_flags = vc->inst_flags.data;
}
