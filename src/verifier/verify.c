/* The verifier's driver: runs the check families in Cranelift's order and
 * reports findings, each naming its instruction or block and source line. */
#include "verifier/vf.h"

#include "clif/writer.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

vf_name vf_type(clif_type t) {
    vf_name n;
    clif_type_name(t, n.s, sizeof n.s);
    return n;
}

vf_name vf_callconv(uint8_t cc) {
    vf_name n;
    snprintf(n.s, sizeof n.s, "%s", clif_callconv_name((clif_callconv)cc));
    return n;
}

vf_name vf_abi(const clif_abi_param *p) {
    vf_name n;
    char t[24];
    const char *ext = ir_arg_ext_name(p->ext), *purpose = ir_arg_purpose_name(p->purpose);
    if (!ext) ext = "";
    if (p->purpose == CLIF_ARG_NORMAL) purpose = "";
    if (!purpose) purpose = "invalid";
    clif_type_name(p->type, t, sizeof t);
    if (p->purpose == CLIF_ARG_STRUCT)
        snprintf(n.s, sizeof n.s, "%s%s%s %s(%u)", t, *ext ? " " : "", ext, purpose,
                 (unsigned)p->size);
    else
        snprintf(n.s, sizeof n.s, "%s%s%s%s%s", t, *ext ? " " : "", ext, *purpose ? " " : "",
                 purpose);
    return n;
}

/* Appends printf output to the message buffer. */
static void append_v(vf_ctx *cx, const char *fmt, va_list ap) {
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n <= 0) return;
    vec_reserve(cx->msg, (uint32_t)n + 1);
    vsnprintf(cx->msg.data + cx->msg.len, (size_t)n + 1, fmt, ap);
    cx->msg.len += (uint32_t)n;
}

static void append(vf_ctx *cx, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    append_v(cx, fmt, ap);
    va_end(ap);
}

/* "inst5 (v3 = iadd v1, v2)": the instruction and its text. */
static void append_inst(vf_ctx *cx, clif_inst i) {
    append(cx, "inst%u", i);
    if (!cx->texts_ok || i >= cx->f->insts.len) return;
    char *text = clif_inst_to_string(cx->f, i);
    append(cx, " (%s)", text);
    free(text);
}

char *vf_inst_text(vf_ctx *cx, clif_inst i) {
    return clif_inst_to_string(cx->f, i);
}

static void report_v(vf_ctx *cx, clif_inst inst, clif_block block, const char *fmt, va_list ap) {
    const clif_func *f = cx->f;
    vec_clear(cx->msg);
    uint32_t line = 0;
    if (inst != CLIF_NONE) {
        append_inst(cx, inst);
        append(cx, ": ");
        if (inst < f->insts.len) line = f->insts.data[inst].srcline;
    } else if (block != CLIF_NONE) {
        append(cx, "block%u: ", block);
        if (block < f->blocks.len) line = f->blocks.data[block].srcline;
    }
    if (inst != CLIF_NONE && block == CLIF_NONE && inst < f->inodes.len)
        block = f->inodes.data[inst].block;
    append_v(cx, fmt, ap);
    vec_reserve(cx->msg, 1);
    cx->msg.data[cx->msg.len] = 0;
    cx->count++;
    if (cx->sink) {
        clif_verifier_error e = {inst, block, line, cx->msg.data};
        cx->sink(cx->sink_ctx, &e);
    }
}

void vf_report(vf_ctx *cx, clif_inst inst, clif_block block, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    report_v(cx, inst, block, fmt, ap);
    va_end(ap);
}

void vf_fatal(vf_ctx *cx, clif_inst inst, clif_block block, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    report_v(cx, inst, block, fmt, ap);
    va_end(ap);
    cx->fatal = true;
}

/* Checks one instruction; stops at the first finding that makes later checks
 * meaningless, as Cranelift does. */
static void check_inst(vf_ctx *cx, clif_block b, clif_inst i) {
    vf_check_block_integrity(cx, b, i);
    if (cx->fatal) return;
    vf_check_inst_refs(cx, i);
    if (cx->fatal) return;
    vf_check_targets(cx, i);
    if (cx->fatal) return;
    vf_check_ssa(cx, i);
    if (cx->fatal) return;
    vf_check_target_inst(cx, i);
    if (cx->fatal) return;
    vf_check_types(cx, i);
    vf_check_block_args(cx, i);
    vf_check_calls(cx, i);
    vf_check_immediates(cx, i);
}

static void run(vf_ctx *cx) {
    const clif_func *f = cx->f;
    /* Structure first: everything after relies on in-range lists and links. */
    vf_check_ranges(cx);
    if (cx->fatal) return;
    vf_check_layout(cx);
    if (cx->fatal) return;
    /* Function-level rules; like Cranelift, any finding here stops. */
    vf_check_preamble(cx);
    vf_check_target_preamble(cx);
    vf_check_signature(cx);
    if (cx->count) return;
    vf_check_entry(cx);
    if (cx->count) return;

    ir_cfg_compute(&cx->cfg, f);
    ir_domtree_compute(&cx->dt, f, &cx->cfg);
    for (clif_block b = f->first_block; b != CLIF_NONE; b = f->blocks.data[b].next) {
        if (f->blocks.data[b].first == CLIF_NONE) {
            vf_fatal(cx, CLIF_NONE, b, "block%u cannot be empty", b);
            return;
        }
        for (clif_inst i = f->blocks.data[b].first; i != CLIF_NONE; i = f->inodes.data[i].next) {
            check_inst(cx, b, i);
            if (cx->fatal) return;
        }
    }
}

uint32_t clif_verify_each_isa(const clif_func *f, const clif_isa *isa, clif_verifier_sink sink,
                              void *ctx) {
    vf_ctx cx;
    memset(&cx, 0, sizeof cx);
    cx.f = f;
    cx.isa = isa;
    cx.ptr_type = vf_pointer_type(isa);
    cx.sink = sink;
    cx.sink_ctx = ctx;
    run(&cx);
    ir_cfg_free(&cx.cfg);
    ir_domtree_free(&cx.dt);
    vec_free(cx.scratch);
    vec_free(cx.uses);
    vec_free(cx.msg);
    return cx.count;
}

uint32_t clif_verify_each(const clif_func *f, clif_verifier_sink sink, void *ctx) {
    return clif_verify_each_isa(f, NULL, sink, ctx);
}

typedef struct first_finding {
    char *message;
    uint32_t line;
} first_finding;

static void keep_first(void *ctx, const clif_verifier_error *e) {
    first_finding *ff = ctx;
    if (ff->message) return;
    size_t n = strlen(e->message);
    ff->message = cl_xmalloc(n + 1);
    memcpy(ff->message, e->message, n + 1);
    ff->line = e->line;
}

clif_error *clif_verify(const clif_func *f, const char *file) {
    return clif_verify_isa(f, NULL, file);
}

clif_error *clif_verify_isa(const clif_func *f, const clif_isa *isa, const char *file) {
    first_finding ff = {NULL, 0};
    uint32_t n = clif_verify_each_isa(f, isa, keep_first, &ff);
    if (n == 0) return NULL;
    clif_location loc = {file, ff.line, 0};
    clif_error *e = clif_error_new(CLIF_ERR_VERIFY, loc, "%s", ff.message);
    if (n > 1) clif_error_context(e, "and %u more verifier finding%s", n - 1, n > 2 ? "s" : "");
    free(ff.message);
    return e;
}
