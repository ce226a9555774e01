/* Rules that depend on the target, as Cranelift checks them when given an
 * ISA: the pointer type of addresses and global values, and settings that
 * some instructions need. */
#include "verifier/vf.h"

#include <string.h>

#include "machinst/target.h"

clif_type vf_gv_type(const vf_ctx *cx, clif_global_value g) {
    const gv_data *d = &cx->f->gvs.data[g];
    return d->kind == CLIF_GV_LOAD || d->kind == CLIF_GV_IADD_IMM ? d->type : cx->ptr_type;
}

static bool setting_on(const vf_ctx *cx, const char *name) {
    char buf[16];
    const char *v = clif_isa_get(cx->isa, name, buf, sizeof buf);
    return v && strcmp(v, "true") == 0;
}

void vf_check_target_preamble(vf_ctx *cx) {
    const clif_func *f = cx->f;
    if (!cx->isa) return;
    for (clif_global_value g = 0; g < f->gvs.len; g++) {
        const gv_data *d = &f->gvs.data[g];
        if (!d->used || d->kind != CLIF_GV_LOAD) continue;
        clif_type bt = vf_gv_type(cx, d->base);
        if (bt != cx->ptr_type)
            vf_report(cx, CLIF_NONE, CLIF_NONE,
                      "gv%u: base gv%u has type %s, which is not the pointer type %s", g, d->base,
                      vf_type(bt).s, vf_type(cx->ptr_type).s);
    }
}

static void check_address(vf_ctx *cx, clif_inst i, clif_value v) {
    unsigned have = clif_type_bits(vf_vtype(cx->f, v)), want = clif_type_bits(cx->ptr_type);
    if (have != want)
        vf_report(cx, i, CLIF_NONE, "invalid pointer width (got %u, expected %u) encountered v%u",
                  have, want, v);
}

void vf_check_target_inst(vf_ctx *cx, clif_inst i) {
    const clif_func *f = cx->f;
    if (!cx->isa) return;
    const inst_data *d = &f->insts.data[i];
    const clif_opcode_info *info = vf_info(d);
    const uint32_t *args = vf_args(f, d);
    switch (d->opcode) {
    case CLIF_OP_GET_PINNED_REG:
    case CLIF_OP_SET_PINNED_REG:
        if (!setting_on(cx, "enable_pinned_reg"))
            vf_fatal(cx, i, CLIF_NONE,
                     "GetPinnedReg/SetPinnedReg cannot be used without enable_pinned_reg");
        return;
    case CLIF_OP_GET_FRAME_POINTER:
    case CLIF_OP_GET_RETURN_ADDRESS:
        if (!setting_on(cx, "preserve_frame_pointers"))
            vf_fatal(cx, i, CLIF_NONE,
                     "`get_frame_pointer`/`get_return_address` cannot be used without enabling "
                     "`preserve_frame_pointers`");
        return;
    case CLIF_OP_SYMBOL_VALUE:
    case CLIF_OP_TLS_VALUE: {
        clif_type t = f->values.data[f->pool.data[d->results]].type;
        clif_type g = vf_gv_type(cx, d->ent);
        if (t != g)
            vf_report(cx, i, CLIF_NONE,
                      "global_value instruction with type %s references global value with type %s",
                      vf_type(t).s, vf_type(g).s);
        return;
    }
    default: break;
    }
    switch (info->format) {
    case CLIF_FMT_LOAD:
    case CLIF_FMT_LOAD_NO_OFFSET:
        if (info->flags & CLIF_OPF_LOAD) check_address(cx, i, args[0]);
        break;
    case CLIF_FMT_STORE:
    case CLIF_FMT_STORE_NO_OFFSET: check_address(cx, i, args[1]); break;
    case CLIF_FMT_ATOMIC_CAS:
    case CLIF_FMT_ATOMIC_RMW: check_address(cx, i, args[0]); break;
    default: break;
    }
}

/* The pointer type of a configured target. */
clif_type vf_pointer_type(const clif_isa *isa) {
    return isa ? clif_type_int(isa->target->pointer_bits) : CLIF_TYPE_INVALID;
}
