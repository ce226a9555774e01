/* The machine-code buffer: bytes, labels, fixups, constant pool and the side
 * tables. Label uses are resolved at mcb_finish through the ISA's patch hook,
 * after the constant pool has been placed behind the code. */
#include "machinst/buffer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* label_offsets[] states besides a bound offset. */
#define LABEL_UNBOUND     UINT32_MAX
#define LABEL_BOUND_TWICE (UINT32_MAX - 1)

void mcb_init(mc_buffer *b, mc_patch_fn patch) {
    memset(b, 0, sizeof *b);
    b->patch = patch;
}

void mcb_reset(mc_buffer *b) {
    vec_clear(b->code);
    vec_clear(b->label_offsets);
    vec_clear(b->fixups);
    vec_clear(b->relocs);
    vec_clear(b->traps);
    vec_clear(b->call_sites);
    vec_clear(b->handlers);
    vec_clear(b->unwind);
    vec_clear(b->constants);
    vec_clear(b->const_data);
}

void mcb_free(mc_buffer *b) {
    vec_free(b->code);
    vec_free(b->label_offsets);
    vec_free(b->fixups);
    vec_free(b->relocs);
    vec_free(b->traps);
    vec_free(b->call_sites);
    vec_free(b->handlers);
    vec_free(b->unwind);
    vec_free(b->constants);
    vec_free(b->const_data);
}

void mcb_put1(mc_buffer *b, uint8_t x) {
    vec_push(b->code, x);
}

static void put_le(mc_buffer *b, uint64_t x, int n) {
    vec_reserve(b->code, (uint32_t)n);
    for (int i = 0; i < n; i++)
        b->code.data[b->code.len++] = (uint8_t)(x >> (8 * i));
}

static void put_be(mc_buffer *b, uint64_t x, int n) {
    vec_reserve(b->code, (uint32_t)n);
    for (int i = n - 1; i >= 0; i--)
        b->code.data[b->code.len++] = (uint8_t)(x >> (8 * i));
}

void mcb_put2(mc_buffer *b, uint16_t x) {
    put_le(b, x, 2);
}
void mcb_put4(mc_buffer *b, uint32_t x) {
    put_le(b, x, 4);
}
void mcb_put8(mc_buffer *b, uint64_t x) {
    put_le(b, x, 8);
}
void mcb_put2_be(mc_buffer *b, uint16_t x) {
    put_be(b, x, 2);
}
void mcb_put4_be(mc_buffer *b, uint32_t x) {
    put_be(b, x, 4);
}

void mcb_align(mc_buffer *b, uint32_t align, uint8_t fill) {
    if (align <= 1) return;
    while (b->code.len % align)
        mcb_put1(b, fill);
}

mc_label mcb_new_label(mc_buffer *b) {
    vec_push(b->label_offsets, LABEL_UNBOUND);
    return b->label_offsets.len - 1;
}

void mcb_bind_label(mc_buffer *b, mc_label l) {
    if (l >= b->label_offsets.len) {
        fprintf(stderr, "libcranelift: bind of unknown label %u\n", l);
        abort();
    }
    /* A second binding is a backend bug: remembered and reported by finish. */
    uint32_t *slot = &b->label_offsets.data[l];
    *slot = *slot == LABEL_UNBOUND ? b->code.len : LABEL_BOUND_TWICE;
}

void mcb_use_label(mc_buffer *b, uint32_t offset, mc_label l, uint8_t kind) {
    mc_fixup f = {.offset = offset, .label = l, .kind = kind};
    vec_push(b->fixups, f);
}

void mcb_add_reloc(mc_buffer *b, uint32_t offset, mc_reloc_kind kind, mc_reloc_target target,
                   uint32_t index, int64_t addend) {
    mc_reloc r = {.offset = offset,
                  .kind = (uint8_t)kind,
                  .target = (uint8_t)target,
                  .index = index,
                  .addend = addend};
    vec_push(b->relocs, r);
}

void mcb_add_trap(mc_buffer *b, uint32_t offset, clif_trap_code code) {
    mc_trap t = {.offset = offset, .code = code};
    vec_push(b->traps, t);
}

void mcb_add_call_site(mc_buffer *b, uint32_t ret_offset) {
    mc_call_site c = {.ret_offset = ret_offset};
    vec_push(b->call_sites, c);
}

void mcb_add_handler(mc_buffer *b, uint32_t ret_offset, uint32_t tag, bool is_default,
                     mc_label label) {
    mc_handler h = {ret_offset, tag, is_default, label, 0};
    vec_push(b->handlers, h);
}

void mcb_add_unwind(mc_buffer *b, mc_unwind_kind kind, uint16_t reg, int32_t value) {
    mc_unwind u = {.offset = b->code.len, .kind = (uint8_t)kind, .reg = reg, .value = value};
    vec_push(b->unwind, u);
}

mc_label mcb_add_constant(mc_buffer *b, const uint8_t *bytes, uint32_t len, uint32_t align) {
    if (align == 0 || (align & (align - 1))) {
        fprintf(stderr, "libcranelift: constant alignment %u is not a power of two\n", align);
        abort();
    }
    mc_constant c = {.bytes = b->const_data.len, .len = len, .align = align};
    vec_reserve(b->const_data, len);
    if (len) memcpy(b->const_data.data + b->const_data.len, bytes, len);
    b->const_data.len += len;
    c.label = mcb_new_label(b);
    vec_push(b->constants, c);
    return c.label;
}

bool mcb_finish(mc_buffer *b, char *msg, uint32_t msg_size) {
    /* The pool: each constant at its alignment after the code. A constant
     * whose label is already bound was placed by an earlier finish. */
    for (uint32_t i = 0; i < b->constants.len; i++) {
        const mc_constant *c = &b->constants.data[i];
        if (b->label_offsets.data[c->label] != LABEL_UNBOUND) continue;
        mcb_align(b, c->align, 0);
        mcb_bind_label(b, c->label);
        vec_reserve(b->code, c->len);
        if (c->len) memcpy(b->code.data + b->code.len, b->const_data.data + c->bytes, c->len);
        b->code.len += c->len;
    }
    for (uint32_t l = 0; l < b->label_offsets.len; l++) {
        if (b->label_offsets.data[l] == LABEL_BOUND_TWICE) {
            snprintf(msg, msg_size, "label %u is bound twice", l);
            return false;
        }
    }
    for (uint32_t i = 0; i < b->fixups.len; i++) {
        const mc_fixup *f = &b->fixups.data[i];
        if (f->label >= b->label_offsets.len) {
            snprintf(msg, msg_size, "use of unknown label %u at offset %u", f->label, f->offset);
            return false;
        }
        uint32_t target = b->label_offsets.data[f->label];
        if (target == LABEL_UNBOUND) {
            snprintf(msg, msg_size, "label %u used at offset %u is never bound", f->label,
                     f->offset);
            return false;
        }
        if (f->offset >= b->code.len) {
            snprintf(msg, msg_size, "label use at offset %u is past the code end %u", f->offset,
                     b->code.len);
            return false;
        }
        if (!b->patch || !b->patch(b->code.data, f->offset, target, f->kind)) {
            snprintf(msg, msg_size, "label %u out of range (kind %u) from offset %u to %u",
                     f->label, f->kind, f->offset, target);
            return false;
        }
    }
    for (uint32_t i = 0; i < b->handlers.len; i++) {
        mc_handler *h = &b->handlers.data[i];
        if (h->label >= b->label_offsets.len ||
            b->label_offsets.data[h->label] >= LABEL_BOUND_TWICE) {
            snprintf(msg, msg_size, "exception handler label %u is never bound", h->label);
            return false;
        }
        h->offset = b->label_offsets.data[h->label];
    }
    vec_clear(b->fixups);
    return true;
}
