/* Immediates and other non-value operands: iconst bounds, lane indices,
 * shuffle masks, constant sizes, memory flags, bitcasts, trap and condition
 * codes, stack slot offsets. */
#include "verifier/vf.h"

static void check_iconst(vf_ctx *cx, clif_inst i, const inst_data *d) {
    unsigned bits = clif_type_bits(d->ctrl);
    if (!clif_typeset_contains((clif_typeset)vf_info(d)->typeset, d->ctrl) || bits >= 64) return;
    uint64_t mask = (1ull << bits) - 1;
    if (d->imm & ~mask) vf_report(cx, i, CLIF_NONE, "constant immediate is out of bounds");
}

static void check_lane(vf_ctx *cx, clif_inst i, const inst_data *d) {
    clif_type t = vf_vtype(cx->f, vf_args(cx->f, d)[0]);
    if (d->lane >= clif_type_lanes(t))
        vf_report(cx, i, CLIF_NONE, "The lane %u does not index into the type %s", d->lane,
                  vf_type(t).s);
}

static void check_shuffle(vf_ctx *cx, clif_inst i, const inst_data *d) {
    const clif_func *f = cx->f;
    const constant_data *c = &f->constants.data[d->ent];
    if (c->len != 16) {
        vf_report(cx, i, CLIF_NONE, "the shuffle immediate wasn't 16-bytes long");
        return;
    }
    for (uint32_t k = 0; k < 16; k++) {
        uint8_t lane = f->const_bytes.data[c->bytes + k];
        if (lane >= 32) {
            vf_report(cx, i, CLIF_NONE, "shuffle immediate index %u is larger than the maximum 31",
                      lane);
            return;
        }
    }
}

static void check_constant_size(vf_ctx *cx, clif_inst i, const inst_data *d) {
    const clif_func *f = cx->f;
    uint32_t want = d->opcode == CLIF_OP_F128CONST ? 16 : clif_type_bytes(d->ctrl);
    uint32_t have = f->constants.data[d->ent].len;
    if (want != have)
        vf_report(cx, i, CLIF_NONE,
                  "The instruction expects const%u to have a size of %u bytes but it has %u",
                  d->ent, want, have);
}

static void check_memflags(vf_ctx *cx, clif_inst i, const inst_data *d) {
    clif_memflags fl = d->memflags;
    if ((fl & CLIF_MEM_LITTLE) && (fl & CLIF_MEM_BIG))
        vf_report(cx, i, CLIF_NONE, "memory flags cannot be both `little` and `big`");
    if (fl & 0x80u) vf_report(cx, i, CLIF_NONE, "unknown memory flag bits 0x%x", fl & 0x80u);
    if (vf_info(d)->format == CLIF_FMT_STORE && (fl & CLIF_MEM_READONLY))
        vf_report(cx, i, CLIF_NONE, "A store instruction cannot have the `readonly` MemFlag");
}

static void check_bitcast(vf_ctx *cx, clif_inst i, const inst_data *d) {
    clif_value arg = vf_args(cx->f, d)[0];
    clif_type from = vf_vtype(cx->f, arg), to = d->ctrl;
    clif_memflags fl = d->memflags;
    if (clif_type_bits(from) != clif_type_bits(to))
        vf_report(cx, i, CLIF_NONE,
                  "The bitcast argument v%u has a type of %u bits, which doesn't match an "
                  "expected type of %u bits",
                  arg, clif_type_bits(from), clif_type_bits(to));
    else if (fl != 0 && fl != CLIF_MEM_LITTLE && fl != CLIF_MEM_BIG)
        vf_report(cx, i, CLIF_NONE,
                  "The bitcast instruction only accepts the `big` or `little` memory flags");
    else if (fl == 0 && clif_type_lanes(from) != clif_type_lanes(to))
        vf_report(cx, i, CLIF_NONE,
                  "Byte order specifier required for bitcast instruction changing lane count");
}

static void check_stack_offset(vf_ctx *cx, clif_inst i, const inst_data *d) {
    const stack_slot_data *s = &cx->f->stack_slots.data[d->ent];
    if (d->offset < 0 || (uint32_t)d->offset > s->size)
        vf_report(cx, i, CLIF_NONE, "offset %d is outside stack slot ss%u of %u bytes", d->offset,
                  d->ent, s->size);
}

void vf_check_immediates(vf_ctx *cx, clif_inst i) {
    const inst_data *d = &cx->f->insts.data[i];
    switch (vf_info(d)->format) {
    case CLIF_FMT_UNARY_IMM:
        if (d->opcode == CLIF_OP_ICONST) check_iconst(cx, i, d);
        break;
    case CLIF_FMT_BINARY_IMM8:
    case CLIF_FMT_TERNARY_IMM8:
        if (d->opcode == CLIF_OP_EXTRACTLANE || d->opcode == CLIF_OP_INSERTLANE)
            check_lane(cx, i, d);
        break;
    case CLIF_FMT_SHUFFLE: check_shuffle(cx, i, d); break;
    case CLIF_FMT_UNARY_CONST: check_constant_size(cx, i, d); break;
    case CLIF_FMT_LOAD_NO_OFFSET:
        if (d->opcode == CLIF_OP_BITCAST) {
            check_bitcast(cx, i, d);
            break;
        }
        check_memflags(cx, i, d);
        break;
    case CLIF_FMT_LOAD:
    case CLIF_FMT_STORE:
    case CLIF_FMT_STORE_NO_OFFSET:
    case CLIF_FMT_ATOMIC_CAS: check_memflags(cx, i, d); break;
    case CLIF_FMT_ATOMIC_RMW:
        check_memflags(cx, i, d);
        if (d->cond >= CLIF_ATOMIC_COUNT)
            vf_report(cx, i, CLIF_NONE, "invalid atomic operation %u", d->cond);
        break;
    case CLIF_FMT_INT_COMPARE:
        if (d->cond >= CLIF_ICC_COUNT)
            vf_report(cx, i, CLIF_NONE, "invalid integer condition code %u", d->cond);
        break;
    case CLIF_FMT_FLOAT_COMPARE:
        if (d->cond >= CLIF_FCC_COUNT)
            vf_report(cx, i, CLIF_NONE, "invalid float condition code %u", d->cond);
        break;
    case CLIF_FMT_TRAP:
    case CLIF_FMT_COND_TRAP:
    case CLIF_FMT_INT_ADD_TRAP:
        if (d->trap == CLIF_TRAP_NONE) vf_report(cx, i, CLIF_NONE, "missing trap code");
        break;
    case CLIF_FMT_STACK_LOAD: check_stack_offset(cx, i, d); break;
    default: break;
    }
}
