/* Argument and return locations, and frame layout, from an ISA's calling
 * convention data. */
#include "machinst/abi.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Limit on stack argument, return and frame sizes (as Cranelift: 128 MiB). */
#define ABI_STACK_LIMIT (128u << 20)

static uint32_t align_up(uint32_t x, uint32_t a) {
    return (x + a - 1) & ~(a - 1);
}

void abi_sig_init(abi_sig *s) {
    memset(s, 0, sizeof *s);
}

void abi_sig_free(abi_sig *s) {
    vec_free(s->args);
    vec_free(s->rets);
}

/* Register counters of one direction (arguments or returns). */
typedef struct reg_alloc {
    const abi_callconv *conv;
    const ra_preg *regs[RA_NUM_CLASSES];
    uint8_t num[RA_NUM_CLASSES];
    uint8_t next[RA_NUM_CLASSES];
    bool shared;
} reg_alloc;

static uint32_t regs_left(const reg_alloc *ra, uint8_t rc) {
    uint8_t next = ra->shared ? ra->next[0] : ra->next[rc];
    return next < ra->num[rc] ? (uint32_t)(ra->num[rc] - next) : 0;
}

static ra_preg take_reg(reg_alloc *ra, uint8_t rc) {
    if (ra->shared) {
        ra_preg r = ra->regs[rc][ra->next[0]];
        ra->next[0]++;
        return r;
    }
    return ra->regs[rc][ra->next[rc]++];
}

/* Splits a type into machine parts; 0 when the type cannot be passed. */
static uint32_t type_parts(clif_type t, clif_type parts[2]) {
    if (clif_type_is_dynamic(t)) return 0;
    if (clif_type_is_vector(t)) {
        if (clif_type_bits(t) > 128) return 0;
        parts[0] = t;
        return 1;
    }
    switch (clif_type_lane(t)) {
    case CLIF_I8:
    case CLIF_I16:
    case CLIF_I32:
    case CLIF_I64:
    case CLIF_F16:
    case CLIF_F32:
    case CLIF_F64:
    case CLIF_F128: parts[0] = t; return 1;
    case CLIF_I128: parts[0] = parts[1] = CLIF_I64; return 2;
    default: return 0;
    }
}

static uint32_t part_size(clif_type t) {
    return clif_type_bytes(t) > 8 ? 16 : 8;
}

/* Places one value: all parts in registers when they fit, else all on the
 * stack at `*stack`. */
static void place(reg_alloc *ra, abi_value *v, const clif_type *types, uint32_t n,
                  uint32_t *stack) {
    uint8_t rc = abi_class_of(types[0]);
    v->nparts = (uint8_t)n;
    if (regs_left(ra, rc) >= n) {
        for (uint32_t i = 0; i < n; i++) {
            abi_part p = {ABI_REG, rc, take_reg(ra, rc), types[i], 0};
            v->parts[i] = p;
        }
        return;
    }
    for (uint32_t i = 0; i < n; i++) {
        uint32_t sz = part_size(types[i]);
        *stack = align_up(*stack, n == 2 && i == 0 ? 16 : sz);
        abi_part p = {ABI_STACK, rc, 0, types[i], *stack};
        v->parts[i] = p;
        *stack += sz;
    }
}

static bool value_of(const clif_abi_param *p, clif_type parts[2], uint32_t *n, const char *what,
                     char *msg, uint32_t msg_size) {
    *n = type_parts(p->type, parts);
    if (*n == 0 || p->purpose == CLIF_ARG_STRUCT) {
        char tn[32];
        snprintf(msg, msg_size, "unsupported: %s %s %s",
                 p->purpose == CLIF_ARG_STRUCT ? "struct" : clif_type_name(p->type, tn, sizeof tn),
                 what, "in this calling convention");
        return false;
    }
    return true;
}

bool abi_sig_compute(abi_sig *s, clif_callconv cc, const abi_callconv *conv,
                     const clif_abi_param *params, uint32_t nparams, const clif_abi_param *rets,
                     uint32_t nrets, char *msg, uint32_t msg_size) {
    vec_clear(s->args);
    vec_clear(s->rets);
    s->cc = cc;
    s->conv = conv;
    s->has_ret_area = false;
    s->stack_args = s->stack_rets = 0;

    /* Returns first: they decide whether a return-area pointer is needed. */
    reg_alloc rr = {conv,
                    {conv->int_rets, conv->float_rets},
                    {conv->num_int_rets, conv->num_float_rets},
                    {0, 0},
                    false};
    uint32_t ret_stack = 0;
    for (uint32_t i = 0; i < nrets; i++) {
        clif_type types[2];
        uint32_t n;
        if (!value_of(&rets[i], types, &n, "return value", msg, msg_size)) return false;
        abi_value v = {0};
        v.ext = rets[i].ext;
        v.purpose = rets[i].purpose;
        place(&rr, &v, types, n, &ret_stack);
        vec_push(s->rets, v);
    }
    s->stack_rets = align_up(ret_stack, 8);

    reg_alloc ar = {conv,
                    {conv->int_args, conv->float_args},
                    {conv->num_int_args, conv->num_float_args},
                    {0, 0},
                    conv->shared_index};
    uint32_t stack = conv->shadow_space;
    if (s->stack_rets) {
        clif_type pt = CLIF_I64;
        abi_value v = {0};
        place(&ar, &v, &pt, 1, &stack);
        s->has_ret_area = true;
        s->ret_area_ptr = v.parts[0];
    }
    for (uint32_t i = 0; i < nparams; i++) {
        clif_type types[2];
        uint32_t n;
        if (!value_of(&params[i], types, &n, "argument", msg, msg_size)) return false;
        abi_value v = {0};
        v.ext = params[i].ext;
        v.purpose = params[i].purpose;
        place(&ar, &v, types, n, &stack);
        vec_push(s->args, v);
    }
    s->stack_args = align_up(stack, 8);
    if (s->stack_args == conv->shadow_space && conv->shadow_space == 0) s->stack_args = 0;
    if (s->stack_args > ABI_STACK_LIMIT || s->stack_rets > ABI_STACK_LIMIT) {
        snprintf(msg, msg_size, "unsupported: stack arguments or returns beyond %u bytes",
                 ABI_STACK_LIMIT);
        return false;
    }
    return true;
}

uint32_t abi_call_stack_size(const abi_sig *s) {
    return align_up(s->stack_args, 8) + s->stack_rets;
}

void frame_init(frame_layout *fl) {
    memset(fl, 0, sizeof *fl);
}

void frame_free(frame_layout *fl) {
    vec_free(fl->slot_offset);
}

bool frame_compute(frame_layout *fl, const clif_func *f, const abi_sig *sig, uint32_t outgoing,
                   uint32_t num_spill_slots, uint32_t spill_slot_size, ra_pregset clobbered,
                   char *msg, uint32_t msg_size) {
    const abi_callconv *conv = sig->conv;
    uint32_t align = conv->stack_align ? conv->stack_align : 16;
    vec_clear(fl->slot_offset);
    fl->outgoing = align_up(outgoing, align);
    uint64_t cur = fl->outgoing;
    for (uint32_t k = 0; k < f->stack_slots.len; k++) {
        const stack_slot_data *ss = &f->stack_slots.data[k];
        if (ss->used && ss->align_shift > 4) {
            snprintf(msg, msg_size, "unsupported: stack slot ss%u aligned to %u bytes (at most 16)",
                     k, 1u << (ss->align_shift > 31 ? 31 : ss->align_shift));
            return false;
        }
        if (ss->kind != CLIF_SS_EXPLICIT) {
            /* Dynamic slots are reached only by dynamic_stack_addr, which
             * lowering rejects: they take no space. */
            vec_push(fl->slot_offset, 0);
            continue;
        }
        uint32_t a = 1u << ss->align_shift;
        /* Slots are aligned to their size up to 16 bytes (cmpxchg16b and
         * aligned vector accesses need it). */
        if (a < 8 && ss->size >= 8) a = 8;
        if (a < 16 && ss->size >= 16) a = 16;
        cur = (cur + a - 1) & ~(uint64_t)(a - 1);
        vec_push(fl->slot_offset, (uint32_t)cur);
        cur += ss->used ? ss->size : 0;
        if (cur > ABI_STACK_LIMIT) break;
    }
    cur = (cur + spill_slot_size - 1) & ~(uint64_t)(spill_slot_size - 1);
    fl->spills_base = (uint32_t)cur;
    fl->spill_slot_size = spill_slot_size;
    fl->num_spill_slots = num_spill_slots;
    cur += (uint64_t)num_spill_slots * spill_slot_size;

    /* Callee-saved registers below the frame pointer: the wider (float)
     * saves at the aligned bottom of the area, then the integers. */
    fl->nsaved = 0;
    uint32_t save_bytes = 0;
    for (int rc = RA_NUM_CLASSES - 1; rc >= 0; rc--) {
        uint32_t sz = conv->save_size[rc] ? conv->save_size[rc] : 8;
        for (uint32_t r = 0; r < 128 && fl->nsaved < 64; r++) {
            if (!pregset_has(&conv->callee_saved[rc], (ra_preg)r) ||
                !pregset_has(&clobbered, (ra_preg)r))
                continue;
            fl->saved[fl->nsaved] = (ra_preg)r;
            fl->saved_class[fl->nsaved] = (uint8_t)rc;
            fl->nsaved++;
            save_bytes += sz;
        }
    }
    /* The save area ends at the frame pointer; its bottom keeps the widest
     * save aligned once the frame size is a multiple of the alignment. */
    fl->saves_size = align_up(save_bytes, 8);
    uint64_t total = cur + fl->saves_size;
    /* Pad so that saves_base is aligned to the largest save size. */
    uint32_t widest = 8;
    for (uint32_t i = 0; i < fl->nsaved; i++) {
        uint32_t sz = conv->save_size[fl->saved_class[i]];
        if (sz > widest) widest = sz;
    }
    uint64_t frame = (total + align - 1) & ~(uint64_t)(align - 1);
    if (widest > 8 && (frame - fl->saves_size) % widest) frame += align;
    if (frame > ABI_STACK_LIMIT) {
        snprintf(msg, msg_size, "unsupported: stack frame of %llu bytes (limit %u)",
                 (unsigned long long)frame, ABI_STACK_LIMIT);
        return false;
    }
    fl->frame_size = (uint32_t)frame;
    fl->saves_base = fl->frame_size - fl->saves_size;
    fl->incoming_args = sig->stack_args;
    fl->callee_pops = conv->callee_pops;
    return true;
}
