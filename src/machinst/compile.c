/* clif_compile: verify, order blocks, lower, allocate registers, lay out the
 * frame, emit, and package the result. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clif/verifier.h"
#include "machinst/emit.h"
#include "machinst/libcall.h"
#include "machinst/lower.h"
#include "machinst/target.h"
#include "machinst/unwind.h"

struct clif_compiled {
    VEC(uint8_t) code;
    uint32_t code_size;
    VEC(clif_reloc) relocs;
    VEC(uint32_t) reloc_names; /* offsets into strings of each reloc's name */
    VEC(clif_trap_site) traps;
    VEC(uint32_t) call_sites;
    VEC(clif_handler) handlers;
    VEC(clif_unwind_op) unwind;
    VEC(char) strings;
    char *listing;
    uint32_t frame_size;
    VEC(uint8_t) eh_frame;
    size_t eh_pc_offset;
};

static clif_location no_loc(void) {
    clif_location l = {NULL, 0, 0};
    return l;
}

/* An error for function f: unsupported features keep their kind. */
static clif_error *fail(const clif_func *f, clif_error_kind kind, const char *msg) {
    char name[128];
    clif_error *e = clif_error_new(kind, no_loc(), "%s", msg);
    return clif_error_context(e, "in function %s", clif_func_name_format(f, name, sizeof name));
}

static void add_name(clif_compiled *c, const clif_func *f, const name_data *n, const char *str,
                     clif_reloc *r) {
    r->name.kind = (clif_name_kind)n->kind;
    r->name.ns = n->ns;
    r->name.index = n->index;
    r->name.str = NULL;
    const char *s = str ? str : n->kind == CLIF_NAME_TESTCASE ? ir_str(f, n->str) : "";
    uint32_t len = (uint32_t)strlen(s);
    vec_push(c->reloc_names, c->strings.len);
    vec_reserve(c->strings, len + 1);
    memcpy(c->strings.data + c->strings.len, s, len + 1);
    c->strings.len += len + 1;
}

static void package(clif_compiled *c, const clif_func *f, const mc_buffer *buf, uint32_t code_size,
                    const emit_ctx *ec, uint32_t frame_size) {
    vec_reserve(c->code, buf->code.len);
    if (buf->code.len) memcpy(c->code.data, buf->code.data, buf->code.len);
    c->code.len = buf->code.len;
    c->code_size = code_size;
    c->frame_size = frame_size;
    for (uint32_t i = 0; i < buf->relocs.len; i++) {
        const mc_reloc *m = &buf->relocs.data[i];
        clif_reloc r = {m->offset,
                        (clif_reloc_kind)m->kind,
                        m->target == MC_TARGET_FUNC,
                        {CLIF_NAME_TESTCASE, 0, 0, NULL},
                        m->addend};
        const name_data *n = NULL;
        if (m->target == MC_TARGET_FUNC && m->index < f->ext_funcs.len)
            n = &f->ext_funcs.data[m->index].name;
        else if (m->target == MC_TARGET_SYMBOL && m->index < f->gvs.len)
            n = &f->gvs.data[m->index].name;
        name_data none = {CLIF_NAME_TESTCASE, 0, 0, 0};
        if (m->target == MC_TARGET_LIBCALL) r.is_func = true;
        add_name(c, f, n ? n : &none,
                 m->target == MC_TARGET_LIBCALL ? libcall_name((libcall)m->index) : NULL, &r);
        vec_push(c->relocs, r);
    }
    for (uint32_t i = 0; i < c->relocs.len; i++)
        if (c->relocs.data[i].name.kind == CLIF_NAME_TESTCASE)
            c->relocs.data[i].name.str = c->strings.data + c->reloc_names.data[i];
    for (uint32_t i = 0; i < buf->traps.len; i++) {
        clif_trap_site t = {buf->traps.data[i].offset, buf->traps.data[i].code};
        vec_push(c->traps, t);
    }
    for (uint32_t i = 0; i < buf->call_sites.len; i++)
        vec_push(c->call_sites, buf->call_sites.data[i].ret_offset);
    for (uint32_t i = 0; i < buf->handlers.len; i++) {
        const mc_handler *h = &buf->handlers.data[i];
        clif_handler ch = {h->ret_offset, h->tag, h->is_default, h->offset};
        vec_push(c->handlers, ch);
    }
    for (uint32_t i = 0; i < buf->unwind.len; i++) {
        const mc_unwind *u = &buf->unwind.data[i];
        clif_unwind_op op = {u->offset, (clif_unwind_kind)u->kind, u->reg, u->value};
        vec_push(c->unwind, op);
    }
    if (ec->want_listing) {
        /* "offset: bytes  text", the bytes of a line running to the next
         * line's offset (or the end of the code). */
        size_t size = 1;
        for (uint32_t i = 0; i < ec->lines.len; i++)
            size += 64 + strlen(ec->text.data + ec->lines.data[i].text);
        c->listing = cl_xmalloc(size);
        size_t at = 0;
        for (uint32_t i = 0; i < ec->lines.len; i++) {
            uint32_t start = ec->lines.data[i].offset, end = code_size;
            for (uint32_t j = i + 1; j < ec->lines.len; j++)
                if (ec->lines.data[j].offset > start) {
                    end = ec->lines.data[j].offset;
                    break;
                }
            char hex[40];
            size_t h = 0;
            for (uint32_t b = start; b < end && b < start + 10 && b < buf->code.len; b++)
                h += (size_t)snprintf(hex + h, sizeof hex - h, "%02x", buf->code.data[b]);
            if (end > start + 10) h += (size_t)snprintf(hex + h, sizeof hex - h, "..");
            hex[h] = 0;
            at += (size_t)snprintf(c->listing + at, size - at, "%6x:  %-22s %s\n", start, hex,
                                   ec->text.data + ec->lines.data[i].text);
        }
        c->listing[at] = 0;
    }
}

/* Registers the function writes: allocated defs, move destinations, and
 * registers its calls clobber. */
static ra_pregset clobbered_regs(const vcode *vc, const ra_result *res) {
    ra_pregset s = {{0, 0}};
    for (uint32_t i = 0; i < vc->ops.len; i++)
        if (vc->ops.data[i].kind == RA_DEF && res->allocs[i].kind == RA_LOC_REG)
            pregset_add(&s, (ra_preg)res->allocs[i].index);
    for (uint32_t i = 0; i < res->num_edits; i++)
        if (res->edits[i].to.kind == RA_LOC_REG) pregset_add(&s, (ra_preg)res->edits[i].to.index);
    for (uint32_t i = 0; i < vc->clobbers.len; i++) {
        s.bits[0] |= vc->clobbers.data[i].bits[0];
        s.bits[1] |= vc->clobbers.data[i].bits[1];
    }
    return s;
}

static uint32_t spill_slot_size(const vcode *vc) {
    for (uint32_t v = 0; v < vc->vreg_type.len; v++)
        if (clif_type_bytes(vc->vreg_type.data[v]) > 8) return 16;
    return 8;
}

static bool want_check(const clif_isa *isa) {
#ifndef NDEBUG
    (void)isa;
    return true;
#else
    return isa->shared[SET_REGALLOC_CHECKER] != 0;
#endif
}

clif_error *clif_compile_ex(const clif_isa *isa, const clif_func *f,
                            const clif_compile_options *opts, clif_compiled **out) {
    *out = NULL;
    const target_backend *be = isa->target->backend;
    if (!be) {
        char m[128];
        snprintf(m, sizeof m, "unsupported: code generation for %s", isa->target->name);
        return fail(f, CLIF_ERR_UNSUPPORTED, m);
    }
    if (isa->shared[SET_ENABLE_VERIFIER]) {
        clif_error *e = clif_verify_isa(f, isa, NULL);
        if (e) return e;
    }
    clif_error *err = NULL;
    char msg[256];
    block_order bo = {0};
    vcode vc;
    lower_ctx lc;
    ra_context *rc = NULL;
    frame_layout fl;
    mc_buffer buf;
    emit_ctx ec;
    memset(&lc, 0, sizeof lc);
    memset(&ec, 0, sizeof ec);
    vcode_init(&vc, be->inst_size);
    frame_init(&fl);
    mcb_init(&buf, be->patch);

    if (!bo_compute(&bo, f, msg, sizeof msg)) {
        err = fail(f, CLIF_ERR_VERIFY, msg);
        goto out;
    }
    if (!lower_function(&lc, isa, f, &bo, &vc)) {
        err =
            fail(f, strncmp(lc.msg, "unsupported", 11) == 0 ? CLIF_ERR_UNSUPPORTED : CLIF_ERR_LIMIT,
                 lc.msg);
        goto out;
    }

    ra_machine m;
    memset(&m, 0, sizeof m);
    be->machine(isa, &m);
    ra_function fn;
    vcode_ra_function(&vc, &fn);
    ra_result res;
    memset(&res, 0, sizeof res);
    rc = ra_context_new();
    if (!ra_allocate(rc, &fn, &m, &res)) {
        snprintf(msg, sizeof msg, "register allocation failed: %s", res.error);
        err = fail(f, CLIF_ERR_LIMIT, msg);
        goto out;
    }
    if (want_check(isa)) {
        char cmsg[200];
        if (!ra_check(&fn, &m, &res, cmsg, sizeof cmsg)) {
            snprintf(msg, sizeof msg, "register allocation checker: %s", cmsg);
            err = fail(f, CLIF_ERR_LIMIT, msg);
            goto out;
        }
    }

    if (!frame_compute(&fl, f, &lc.sig, lc.outgoing, res.num_spill_slots, spill_slot_size(&vc),
                       clobbered_regs(&vc, &res), msg, sizeof msg)) {
        err = fail(f, CLIF_ERR_UNSUPPORTED, msg);
        goto out;
    }

    ec.isa = isa;
    ec.f = f;
    ec.vc = &vc;
    ec.sig = &lc.sig;
    ec.frame = &fl;
    ec.buf = &buf;
    ec.want_listing = opts && opts->listing;
    ec.block_labels = cl_xmalloc((vcode_num_blocks(&vc) + 1) * sizeof *ec.block_labels);
    ec.const_labels = cl_xmalloc((vc.consts.len + 1) * sizeof *ec.const_labels);
    emit_function(&ec, &res);
    uint32_t code_size = mcb_offset(&buf);
    if (!mcb_finish(&buf, msg, sizeof msg)) {
        err = fail(f, CLIF_ERR_LIMIT, msg);
        goto out;
    }
    clif_compiled *c = cl_xcalloc(1, sizeof *c);
    package(c, f, &buf, code_size, &ec, fl.frame_size);
    if (be->unwind)
        unwind_eh_frame(be->unwind, buf.unwind.data, buf.unwind.len, code_size, &c->eh_frame,
                        &c->eh_pc_offset);
    *out = c;
out:
    free(ec.block_labels);
    free(ec.const_labels);
    vec_free(ec.traps);
    vec_free(ec.lines);
    vec_free(ec.text);
    if (rc) ra_context_free(rc);
    mcb_free(&buf);
    frame_free(&fl);
    lower_ctx_free(&lc);
    vcode_free(&vc);
    bo_free(&bo);
    return err;
}

clif_error *clif_compile(const clif_isa *isa, const clif_func *f, clif_compiled **out) {
    return clif_compile_ex(isa, f, NULL, out);
}

void clif_compiled_free(clif_compiled *c) {
    if (!c) return;
    vec_free(c->code);
    vec_free(c->relocs);
    vec_free(c->reloc_names);
    vec_free(c->traps);
    vec_free(c->call_sites);
    vec_free(c->handlers);
    vec_free(c->unwind);
    vec_free(c->strings);
    vec_free(c->eh_frame);
    free(c->listing);
    free(c);
}

const uint8_t *clif_compiled_code(const clif_compiled *c, size_t *size) {
    if (size) *size = c->code.len;
    return c->code.data;
}

size_t clif_compiled_code_size(const clif_compiled *c) {
    return c->code_size;
}

const char *clif_reloc_kind_name(clif_reloc_kind k) {
    static const char *const names[] = {
        "Abs4",         "Abs8",      "X86PCRel4",       "X86CallPCRel4",   "X86CallPLTRel4",
        "X86GOTPCRel4", "Arm64Call", "S390xPCRel32Dbl", "S390xPLTRel32Dbl"};
    return (unsigned)k < sizeof names / sizeof names[0] ? names[k] : "?";
}

uint32_t clif_compiled_num_relocs(const clif_compiled *c) {
    return c->relocs.len;
}

clif_reloc clif_compiled_reloc(const clif_compiled *c, uint32_t i) {
    clif_reloc none;
    memset(&none, 0, sizeof none);
    return i < c->relocs.len ? c->relocs.data[i] : none;
}

uint32_t clif_compiled_num_traps(const clif_compiled *c) {
    return c->traps.len;
}

clif_trap_site clif_compiled_trap(const clif_compiled *c, uint32_t i) {
    clif_trap_site none;
    memset(&none, 0, sizeof none);
    return i < c->traps.len ? c->traps.data[i] : none;
}

clif_trap_code clif_compiled_trap_at(const clif_compiled *c, uint32_t offset) {
    for (uint32_t i = 0; i < c->traps.len; i++)
        if (c->traps.data[i].offset == offset) return c->traps.data[i].code;
    return CLIF_TRAP_NONE;
}

uint32_t clif_compiled_num_call_sites(const clif_compiled *c) {
    return c->call_sites.len;
}

uint32_t clif_compiled_call_site(const clif_compiled *c, uint32_t i) {
    return i < c->call_sites.len ? c->call_sites.data[i] : UINT32_MAX;
}

uint32_t clif_compiled_num_handlers(const clif_compiled *c) {
    return c->handlers.len;
}

clif_handler clif_compiled_handler(const clif_compiled *c, uint32_t i) {
    clif_handler none;
    memset(&none, 0, sizeof none);
    return i < c->handlers.len ? c->handlers.data[i] : none;
}

uint32_t clif_compiled_num_unwind(const clif_compiled *c) {
    return c->unwind.len;
}

clif_unwind_op clif_compiled_unwind(const clif_compiled *c, uint32_t i) {
    clif_unwind_op none;
    memset(&none, 0, sizeof none);
    return i < c->unwind.len ? c->unwind.data[i] : none;
}

const uint8_t *clif_compiled_eh_frame(const clif_compiled *c, size_t *size, size_t *pc_offset) {
    if (size) *size = c->eh_frame.len;
    if (pc_offset) *pc_offset = c->eh_pc_offset;
    return c->eh_frame.len ? c->eh_frame.data : NULL;
}

uint32_t clif_compiled_frame_size(const clif_compiled *c) {
    return c->frame_size;
}

const char *clif_compiled_listing(const clif_compiled *c) {
    return c->listing;
}
