/* A JIT module: compiled functions laid out in one executable mapping (so
 * pc-relative calls between them reach), with relocations resolved against
 * the module's functions, host definitions and libcalls. */
#define _GNU_SOURCE /* sigjmp_buf in jit/rt.h */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ir/function.h"
#include "jit/jit.h"
#include "jit/jit_int.h"

static clif_location no_loc(void) {
    clif_location l = {NULL, 0, 0};
    return l;
}

static bool name_eq(const clif_ext_name *a, const clif_ext_name *b) {
    if (a->kind != b->kind) return false;
    if (a->kind == CLIF_NAME_USER) return a->ns == b->ns && a->index == b->index;
    return strcmp(a->str ? a->str : "", b->str ? b->str : "") == 0;
}

/* Copies a name (its string into a fresh allocation). */
static clif_ext_name copy_name(const clif_ext_name *n) {
    clif_ext_name c = *n;
    if (n->kind == CLIF_NAME_TESTCASE) {
        const char *s = n->str ? n->str : "";
        char *d = cl_xmalloc(strlen(s) + 1);
        strcpy(d, s);
        c.str = d;
    } else {
        c.str = NULL;
    }
    return c;
}

jit_module *jit_module_new(const clif_isa *isa) {
    jit_module *m = cl_xcalloc(1, sizeof *m);
    m->isa = isa;
    /* Without the handler, a trap would end the process: calls say so. */
    clif_error *e = jit_signals_acquire();
    m->signals = e == NULL;
    clif_error_free(e);
    return m;
}

void jit_module_free(jit_module *m) {
    if (!m) return;
    for (uint32_t i = 0; i < m->funcs.len; i++) {
        clif_compiled_free(m->funcs.data[i].code);
        free((char *)m->funcs.data[i].name.str);
        free(m->funcs.data[i].label);
    }
    for (uint32_t i = 0; i < m->defs.len; i++)
        free((char *)m->defs.data[i].name.str);
    for (uint32_t i = 0; i < m->tramps.len; i++) {
        clif_compiled_free(m->tramps.data[i].code);
        jit_mem_free(&m->tramps.data[i].mem);
    }
    vec_free(m->funcs);
    vec_free(m->defs);
    vec_free(m->tramps);
    jit_mem_free(&m->mem);
    jit_codemap_free(&m->map);
    if (m->signals) jit_signals_release();
    free(m);
}

clif_error *jit_module_add(jit_module *m, const clif_func *f) {
    if (m->finalized)
        return clif_error_new(CLIF_ERR_ARGUMENT, no_loc(), "module is already finalized");
    clif_compiled *c = NULL;
    clif_error *e = clif_compile(m->isa, f, &c);
    if (e) return e;
    clif_ext_name n = clif_func_name(f);
    char label[160];
    if (n.kind == CLIF_NAME_USER)
        snprintf(label, sizeof label, "u%u:%u", n.ns, n.index);
    else
        snprintf(label, sizeof label, "%s", n.str ? n.str : "");
    char *owned = cl_xmalloc(strlen(label) + 1);
    strcpy(owned, label);
    jit_func jf = {copy_name(&n), owned, c, 0};
    vec_push(m->funcs, jf);
    return NULL;
}

void jit_module_define(jit_module *m, const clif_ext_name *name, void *addr) {
    jit_def d = {copy_name(name), addr};
    vec_push(m->defs, d);
}

static void *resolve(const jit_module *m, const clif_ext_name *name) {
    if (name->kind == CLIF_NAME_TESTCASE && name->str &&
        strcmp(name->str, "__cranelift_throw") == 0)
        return jit_throw_address();
    for (uint32_t i = 0; i < m->funcs.len; i++)
        if (name_eq(&m->funcs.data[i].name, name)) return m->mem.base + m->funcs.data[i].offset;
    for (uint32_t i = 0; i < m->defs.len; i++)
        if (name_eq(&m->defs.data[i].name, name)) return m->defs.data[i].addr;
    if (name->kind == CLIF_NAME_TESTCASE && name->str) return jit_libcall(name->str);
    return NULL;
}

clif_error *jit_apply_relocs(const jit_module *m, const clif_compiled *c, uint8_t *code) {
    for (uint32_t r = 0; r < clif_compiled_num_relocs(c); r++) {
        clif_reloc rel = clif_compiled_reloc(c, r);
        void *target = resolve(m, &rel.name);
        if (!target) {
            char n[160];
            clif_ext_name_format(&rel.name, n, sizeof n);
            return clif_error_new(CLIF_ERR_UNSUPPORTED, no_loc(),
                                  "unsupported: call to unknown function %s", n);
        }
        uint8_t *at = code + rel.offset;
        int64_t value = (int64_t)(uintptr_t)target + rel.addend;
        switch (rel.kind) {
        case CLIF_RELOC_ABS8: memcpy(at, &value, 8); break;
        case CLIF_RELOC_ABS4: {
            if (value < 0 || value > UINT32_MAX)
                return clif_error_new(CLIF_ERR_LIMIT, no_loc(), "Abs4 relocation out of range");
            uint32_t v = (uint32_t)value;
            memcpy(at, &v, 4);
            break;
        }
        case CLIF_RELOC_X86_PCREL4:
        case CLIF_RELOC_X86_CALL_PCREL4:
        case CLIF_RELOC_X86_CALL_PLT_REL4: {
            int64_t d = value - (int64_t)(uintptr_t)at;
            if (d < INT32_MIN || d > INT32_MAX)
                return clif_error_new(CLIF_ERR_LIMIT, no_loc(),
                                      "pc-relative relocation out of range");
            int32_t v = (int32_t)d;
            memcpy(at, &v, 4);
            break;
        }
        default:
            return clif_error_new(CLIF_ERR_UNSUPPORTED, no_loc(),
                                  "unsupported: relocation %s in the JIT",
                                  clif_reloc_kind_name(rel.kind));
        }
    }
    return NULL;
}

clif_error *jit_module_finalize(jit_module *m) {
    if (m->finalized) return NULL;
    size_t total = 0;
    for (uint32_t i = 0; i < m->funcs.len; i++) {
        size_t size;
        clif_compiled_code(m->funcs.data[i].code, &size);
        total = (total + 15) & ~(size_t)15;
        m->funcs.data[i].offset = total;
        total += size;
    }
    total = (total + 15) & ~(size_t)15;
    m->resume_off = total;
    total += sizeof jit_resume_stub;
    clif_error *e = jit_mem_alloc(&m->mem, total);
    if (e) return e;
    memcpy(m->mem.base + m->resume_off, jit_resume_stub, sizeof jit_resume_stub);
    for (uint32_t i = 0; i < m->funcs.len; i++) {
        size_t size;
        const uint8_t *code = clif_compiled_code(m->funcs.data[i].code, &size);
        if (size) memcpy(m->mem.base + m->funcs.data[i].offset, code, size);
    }
    for (uint32_t i = 0; i < m->funcs.len; i++) {
        e = jit_apply_relocs(m, m->funcs.data[i].code, m->mem.base + m->funcs.data[i].offset);
        if (e) return e;
    }
    e = jit_mem_seal(&m->mem);
    if (e) return e;
    for (uint32_t i = 0; i < m->funcs.len; i++)
        jit_codemap_add(&m->map, m->funcs.data[i].code,
                        (uintptr_t)(m->mem.base + m->funcs.data[i].offset), m->funcs.data[i].label,
                        false);
    m->finalized = true;
    return NULL;
}

void *jit_module_lookup(const jit_module *m, const clif_ext_name *name) {
    if (!m->finalized) return NULL;
    for (uint32_t i = 0; i < m->funcs.len; i++)
        if (name_eq(&m->funcs.data[i].name, name)) return m->mem.base + m->funcs.data[i].offset;
    return NULL;
}

static bool trap_in(const clif_compiled *c, const uint8_t *base, uintptr_t pc,
                    clif_trap_code *code) {
    size_t size;
    clif_compiled_code(c, &size);
    if (pc < (uintptr_t)base || pc >= (uintptr_t)base + size) return false;
    *code = clif_compiled_trap_at(c, (uint32_t)(pc - (uintptr_t)base));
    return true;
}

bool jit_module_trap_at(const jit_module *m, uintptr_t pc, clif_trap_code *code) {
    *code = CLIF_TRAP_NONE;
    for (uint32_t i = 0; i < m->funcs.len; i++)
        if (trap_in(m->funcs.data[i].code, m->mem.base + m->funcs.data[i].offset, pc, code))
            return true;
    for (uint32_t i = 0; i < m->tramps.len; i++)
        if (trap_in(m->tramps.data[i].code, m->tramps.data[i].mem.base, pc, code)) return true;
    return false;
}
