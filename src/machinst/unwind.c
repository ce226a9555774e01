/* .eh_frame encoding: a CIE stating the entry state (CFA = SP + offset, the
 * return address at CFA - 8) and an FDE whose instructions replay the
 * prologue's unwind steps at their code offsets. */
#include "machinst/unwind.h"

#include <string.h>

typedef VEC(uint8_t) bytes;

enum {
    DW_CFA_advance_loc = 0x40,
    DW_CFA_offset = 0x80,
    DW_CFA_advance_loc1 = 0x02,
    DW_CFA_advance_loc2 = 0x03,
    DW_CFA_advance_loc4 = 0x04,
    DW_CFA_offset_extended = 0x05,
    DW_CFA_def_cfa = 0x0c,
    DW_CFA_def_cfa_offset = 0x0e,
    DW_EH_PE_absptr = 0x00,
};

static void put1(bytes *b, uint8_t x) {
    vec_push(*b, x);
}

static void put4(bytes *b, uint32_t x) {
    for (int i = 0; i < 4; i++)
        put1(b, (uint8_t)(x >> (8 * i)));
}

static void uleb(bytes *b, uint64_t x) {
    do {
        uint8_t byte = x & 0x7f;
        x >>= 7;
        put1(b, (uint8_t)(byte | (x ? 0x80 : 0)));
    } while (x);
}

static void sleb(bytes *b, int64_t x) {
    for (;;) {
        uint8_t byte = x & 0x7f;
        x >>= 7;
        bool done = (x == 0 && !(byte & 0x40)) || (x == -1 && (byte & 0x40));
        put1(b, (uint8_t)(byte | (done ? 0 : 0x80)));
        if (done) return;
    }
}

static void set4(bytes *b, size_t at, uint32_t x) {
    for (int i = 0; i < 4; i++)
        b->data[at + i] = (uint8_t)(x >> (8 * i));
}

/* Pads an entry (length field included) to a multiple of 8 bytes with
 * DW_CFA_nop (0). */
static void pad(bytes *b, size_t start) {
    while ((b->len - start) % 8)
        put1(b, 0);
}

static void advance(bytes *b, uint32_t delta) {
    if (delta == 0) return;
    if (delta < 64) {
        put1(b, (uint8_t)(DW_CFA_advance_loc | delta));
    } else if (delta < 256) {
        put1(b, DW_CFA_advance_loc1);
        put1(b, (uint8_t)delta);
    } else if (delta < 65536) {
        put1(b, DW_CFA_advance_loc2);
        put1(b, (uint8_t)delta);
        put1(b, (uint8_t)(delta >> 8));
    } else {
        put1(b, DW_CFA_advance_loc4);
        put4(b, delta);
    }
}

/* The register `reg` saved at CFA + off. */
static void saved_at(bytes *b, const unwind_desc *d, uint16_t reg, int32_t off) {
    int64_t factored = off / d->data_align;
    if (reg < 64) {
        put1(b, (uint8_t)(DW_CFA_offset | reg));
    } else {
        put1(b, DW_CFA_offset_extended);
        uleb(b, reg);
    }
    uleb(b, (uint64_t)factored);
}

void unwind_eh_frame(const unwind_desc *d, const mc_unwind *steps, uint32_t nsteps,
                     uint32_t code_size, void *out_vec, size_t *pc_offset) {
    bytes *b = out_vec;
    /* CIE */
    size_t cie = b->len;
    put4(b, 0); /* length, set below */
    put4(b, 0); /* CIE id */
    put1(b, 1); /* version */
    put1(b, 'z');
    put1(b, 'R');
    put1(b, 0);
    uleb(b, 1);               /* code alignment */
    sleb(b, d->data_align);   /* data alignment */
    uleb(b, d->ra_column);    /* return address column */
    uleb(b, 1);               /* augmentation data length */
    put1(b, DW_EH_PE_absptr); /* FDE pointer encoding */
    put1(b, DW_CFA_def_cfa);
    uleb(b, d->sp_reg);
    uleb(b, d->cfa_offset);
    saved_at(b, d, d->ra_column, -d->cfa_offset);
    pad(b, cie);
    set4(b, cie, (uint32_t)(b->len - cie - 4));

    /* FDE */
    size_t fde = b->len;
    put4(b, 0);                        /* length */
    put4(b, (uint32_t)(b->len - cie)); /* offset back to the CIE */
    *pc_offset = b->len;
    for (int i = 0; i < 8; i++)
        put1(b, 0); /* initial location (absolute) */
    for (int i = 0; i < 8; i++)
        put1(b, (uint8_t)((uint64_t)code_size >> (8 * i))); /* address range */
    uleb(b, 0);                                             /* augmentation data length */
    uint32_t at = 0;
    for (uint32_t i = 0; i < nsteps; i++) {
        const mc_unwind *s = &steps[i];
        if (s->kind == MC_UNWIND_STACK_ALLOC) continue; /* the CFA is frame-pointer based */
        if (s->offset > at) {
            advance(b, s->offset - at);
            at = s->offset;
        }
        switch (s->kind) {
        case MC_UNWIND_PUSH_FRAME_REGS:
            put1(b, DW_CFA_def_cfa_offset);
            uleb(b, (uint64_t)s->value);
            saved_at(b, d, s->reg, -s->value);
            break;
        case MC_UNWIND_DEFINE_FRAME:
            put1(b, DW_CFA_def_cfa);
            uleb(b, s->reg);
            uleb(b, (uint64_t)s->value);
            break;
        default: saved_at(b, d, s->reg, s->value); break; /* MC_UNWIND_SAVE_REG */
        }
    }
    pad(b, fde);
    set4(b, fde, (uint32_t)(b->len - fde - 4));
    put4(b, 0); /* terminator */
}
