/* The state ISA emission code sees: the buffer, the frame, block labels,
 * constants, and out-of-line trap stubs. */
#ifndef CLIF_MACHINST_EMIT_H
#define CLIF_MACHINST_EMIT_H

#include "clif/codegen.h"
#include "machinst/abi.h"
#include "machinst/buffer.h"
#include "machinst/vcode.h"

typedef struct emit_trap {
    mc_label label;
    clif_trap_code code;
} emit_trap;

/* A line of the disassembly listing. */
typedef struct emit_line {
    uint32_t offset;
    uint32_t text; /* offset into the text pool */
} emit_line;

typedef struct emit_ctx {
    const clif_isa *isa;
    const clif_func *f;
    const vcode *vc;
    const abi_sig *sig;
    const frame_layout *frame;
    mc_buffer *buf;
    mc_label *block_labels; /* per lowered block */
    mc_label *const_labels; /* per vcode constant */
    uint32_t cur_block;
    uint32_t next_block; /* lowered block emitted next, CLIF_NONE at the end */
    uint32_t *final;     /* per block: the block branches to it reach (jump threading) */
    VEC(emit_trap) traps;
    /* Listing (when requested): one line per emitted instruction. */
    bool want_listing;
    VEC(emit_line) lines;
    VEC(char) text;
} emit_ctx;

/* A label whose code raises trap `code` (one stub per code, placed after
 * the function body). */
mc_label emit_trap_label(emit_ctx *ctx, clif_trap_code code);
/* The label of the k-th successor of the block being emitted, and whether
 * that successor is the next block in the code. */
mc_label emit_succ_label(const emit_ctx *ctx, uint32_t k);
bool emit_succ_is_next(const emit_ctx *ctx, uint32_t k);
/* Adds a listing line at `offset` (when a listing is wanted). */
void emit_listing(emit_ctx *ctx, uint32_t offset, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* Emits the whole function (the caller sets up buf, labels, frame). */
void emit_function(emit_ctx *ctx, const ra_result *res);

/* Emits the whole function (the caller sets up buf, labels, frame). */
void emit_function(emit_ctx *ctx, const ra_result *res);

#endif
