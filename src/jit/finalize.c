/* Finalizing: everything defined since the last finalize is laid out in one
 * new piece of the JIT's reserved memory (code, then read-only data, then
 * writable data, each on pages of its own), imports are resolved,
 * relocations applied, and the pages protected: code read+execute (then the
 * icache hook), read-only data read-only. Every function gets an entry
 * trampoline for clif_jit_call (shared between equal signatures), laid out
 * with the code. */
#define _GNU_SOURCE /* sigjmp_buf in jit/rt.h */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jit/pub.h"

#define NO_ENTRY (CLIF_NONE - 1) /* the signature has no trampoline */

static const char *shown(const char *name) {
    return *name ? name : "<anonymous>";
}

static size_t align_up(size_t x, size_t a) {
    return (x + a - 1) / a * a;
}

/* Gives every function without one an entry trampoline (compiled, pending). */
static void make_entries(clif_jit *j) {
    for (uint32_t i = 0; i < j->funcs.len; i++) {
        jit_decl *d = &j->funcs.data[i];
        if (d->entry != CLIF_NONE) continue;
        clif_signature sig = jit_decl_sig(d);
        jit_entry e;
        memset(&e, 0, sizeof e);
        e.key_len = jit_sig_key(&sig, e.key, sizeof e.key);
        for (uint32_t k = 0; e.key_len && k < j->entries.len; k++)
            if (j->entries.data[k].key_len == e.key_len &&
                memcmp(j->entries.data[k].key, e.key, e.key_len) == 0) {
                d->entry = k;
                break;
            }
        if (d->entry != CLIF_NONE) continue;
        clif_func *t = jit_build_entry(&sig);
        clif_error *err = clif_compile(j->isa, t, &e.code);
        clif_func_free(t);
        if (err) {
            /* Such functions can still run through clif_jit_invoke. */
            clif_error_free(err);
            d->entry = NO_ENTRY;
            continue;
        }
        vec_push(j->entries, e);
        d->entry = j->entries.len - 1;
    }
}

/* The address a relocation names. */
static clif_error *target_of(const clif_jit *j, const clif_ext_name *n, const char *who,
                             uintptr_t *out) {
    const jit_decl *d = NULL;
    const char *label = NULL;
    char buf[48];
    if (n->kind == CLIF_NAME_USER) {
        if (n->ns == CLIF_JIT_FUNC_NAMESPACE && n->index < j->funcs.len)
            d = &j->funcs.data[n->index];
        else if (n->ns == CLIF_JIT_DATA_NAMESPACE && n->index < j->data.len)
            d = &j->data.data[n->index];
        snprintf(buf, sizeof buf, "u%u:%u", n->ns, n->index);
        label = buf;
    } else {
        const char *s = n->str ? n->str : "";
        bool is_func;
        uint32_t id;
        d = jit_find_decl(j, s, &is_func, &id);
        if (!d) {
            void *p = jit_resolve_import(j, s);
            if (!p)
                return clif_error_new(CLIF_ERR_ARGUMENT, jit_no_loc(),
                                      "unresolved symbol '%s' referenced by '%s'", s, who);
            *out = (uintptr_t)p;
            return NULL;
        }
    }
    if (!d)
        return clif_error_new(CLIF_ERR_ARGUMENT, jit_no_loc(), "'%s' refers to undeclared %s", who,
                              label);
    if (!d->addr) {
        if (d->linkage == CLIF_LINKAGE_IMPORT)
            return clif_error_new(CLIF_ERR_ARGUMENT, jit_no_loc(),
                                  "import '%s' (referenced by '%s') cannot be resolved",
                                  *d->name ? d->name : label, who);
        return clif_error_new(CLIF_ERR_ARGUMENT, jit_no_loc(),
                              "'%s' (referenced by '%s') is declared but not defined",
                              *d->name ? d->name : label, who);
    }
    *out = (uintptr_t)d->addr;
    return NULL;
}

static clif_error *relocate_code(const clif_jit *j, const clif_compiled *c, uint8_t *at,
                                 const char *who) {
    for (uint32_t r = 0; r < clif_compiled_num_relocs(c); r++) {
        clif_reloc rel = clif_compiled_reloc(c, r);
        uintptr_t t = 0;
        clif_error *err = target_of(j, &rel.name, who, &t);
        if (!err) err = jit_patch(rel.kind, at + rel.offset, (int64_t)t + rel.addend);
        if (err) return err;
    }
    return NULL;
}

static clif_error *relocate_data(const clif_jit *j, const jit_decl *d) {
    for (uint32_t r = 0; r < d->nrelocs; r++) {
        const clif_data_reloc *rel = &d->relocs[r];
        const jit_decl *t = rel->is_func ? &j->funcs.data[rel->id] : &j->data.data[rel->id];
        if (!t->addr)
            return clif_error_new(
                CLIF_ERR_ARGUMENT, jit_no_loc(), "data '%s' refers to '%s', which is %s",
                shown(d->name), shown(t->name),
                t->linkage == CLIF_LINKAGE_IMPORT ? "an unresolved import" : "not defined");
        int64_t v = (int64_t)(uintptr_t)t->addr + rel->addend;
        memcpy((uint8_t *)d->addr + rel->offset, &v, 8);
    }
    return NULL;
}

/* Forgets the addresses given to pending definitions (a failed finalize). */
static void unplace(clif_jit *j) {
    for (uint32_t i = 0; i < j->funcs.len; i++)
        if (j->funcs.data[i].state == JIT_PENDING) j->funcs.data[i].addr = NULL;
    for (uint32_t i = 0; i < j->data.len; i++)
        if (j->data.data[i].state == JIT_PENDING) j->data.data[i].addr = NULL;
    for (uint32_t i = 0; i < j->entries.len; i++)
        if (j->entries.data[i].code) j->entries.data[i].addr = NULL;
}

clif_error *clif_jit_finalize(clif_jit *j) {
    make_entries(j);
    /* Sizes of the three sections. */
    size_t code = 0, ro = 0, rw = 0;
    for (uint32_t i = 0; i < j->funcs.len; i++)
        if (j->funcs.data[i].state == JIT_PENDING)
            code = align_up(code, 16) + j->funcs.data[i].size;
    for (uint32_t i = 0; i < j->entries.len; i++)
        if (j->entries.data[i].code) {
            size_t size;
            clif_compiled_code(j->entries.data[i].code, &size);
            code = align_up(code, 16) + size;
        }
    for (uint32_t i = 0; i < j->data.len; i++) {
        const jit_decl *d = &j->data.data[i];
        if (d->state != JIT_PENDING) continue;
        if (d->writable)
            rw = align_up(rw, d->align) + d->size;
        else
            ro = align_up(ro, d->align) + d->size;
    }
    size_t page = j->arena.page;
    size_t code_pages = align_up(code, page), ro_pages = align_up(ro, page);
    size_t total = code_pages + ro_pages + align_up(rw, page);
    uint8_t *base = NULL;
    if (total) {
        clif_error *err = jit_arena_alloc(&j->arena, total, &base);
        if (err) return err;
    }
    /* Addresses. */
    size_t at = 0, ro_at = 0, rw_at = 0;
    for (uint32_t i = 0; i < j->funcs.len; i++) {
        jit_decl *d = &j->funcs.data[i];
        if (d->state != JIT_PENDING) continue;
        at = align_up(at, 16);
        d->addr = base + at;
        at += d->size;
    }
    for (uint32_t i = 0; i < j->entries.len; i++) {
        jit_entry *e = &j->entries.data[i];
        if (!e->code) continue;
        size_t size;
        clif_compiled_code(e->code, &size);
        at = align_up(at, 16);
        e->addr = base + at;
        at += size;
    }
    for (uint32_t i = 0; i < j->data.len; i++) {
        jit_decl *d = &j->data.data[i];
        if (d->state != JIT_PENDING) continue;
        size_t *off = d->writable ? &rw_at : &ro_at;
        *off = align_up(*off, d->align);
        d->addr = base + (d->writable ? code_pages + ro_pages : code_pages) + *off;
        *off += d->size;
    }
    /* Imports. */
    for (uint32_t k = 0; k < 2; k++) {
        jit_decl *v = k ? j->data.data : j->funcs.data;
        uint32_t n = k ? j->data.len : j->funcs.len;
        for (uint32_t i = 0; i < n; i++)
            if (v[i].linkage == CLIF_LINKAGE_IMPORT && !v[i].addr && *v[i].name)
                v[i].addr = jit_resolve_import(j, v[i].name);
    }
    /* Contents and relocations. */
    clif_error *err = NULL;
    for (uint32_t i = 0; !err && i < j->funcs.len; i++) {
        jit_decl *d = &j->funcs.data[i];
        if (d->state != JIT_PENDING) continue;
        size_t size;
        const uint8_t *bytes = clif_compiled_code(d->code, &size);
        memcpy(d->addr, bytes, size);
        err = relocate_code(j, d->code, d->addr, shown(d->name));
    }
    for (uint32_t i = 0; !err && i < j->entries.len; i++) {
        jit_entry *e = &j->entries.data[i];
        if (!e->code) continue;
        size_t size;
        const uint8_t *bytes = clif_compiled_code(e->code, &size);
        memcpy(e->addr, bytes, size);
        err = relocate_code(j, e->code, e->addr, "<entry trampoline>");
    }
    for (uint32_t i = 0; !err && i < j->data.len; i++) {
        jit_decl *d = &j->data.data[i];
        if (d->state != JIT_PENDING) continue;
        if (d->bytes) memcpy(d->addr, d->bytes, d->size);
        err = relocate_data(j, d);
    }
    /* W^X. */
    if (!err && code_pages) err = jit_arena_protect(&j->arena, base, code_pages, JIT_PROT_RX);
    if (!err && ro_pages)
        err = jit_arena_protect(&j->arena, base + code_pages, ro_pages, JIT_PROT_R);
    if (err) {
        unplace(j);
        if (total) jit_arena_protect(&j->arena, base, total, JIT_PROT_R);
        return err;
    }
    if (code_pages) {
        if (j->opts.icache_flush)
            j->opts.icache_flush(j->opts.icache_user, base, code);
        else
            __builtin___clear_cache((char *)base, (char *)base + code);
    }
    /* Final: the code map and the states. */
    for (uint32_t i = 0; i < j->funcs.len; i++) {
        jit_decl *d = &j->funcs.data[i];
        if (d->state != JIT_PENDING) continue;
        jit_codemap_add(&j->map, d->code, (uintptr_t)d->addr, shown(d->name), false);
        clif_compiled_free(d->code);
        d->code = NULL;
        d->state = JIT_FINAL;
    }
    for (uint32_t i = 0; i < j->entries.len; i++) {
        jit_entry *e = &j->entries.data[i];
        if (!e->code) continue;
        jit_codemap_add(&j->map, e->code, (uintptr_t)e->addr, "<entry trampoline>", true);
        clif_compiled_free(e->code);
        e->code = NULL;
    }
    for (uint32_t i = 0; i < j->data.len; i++) {
        jit_decl *d = &j->data.data[i];
        if (d->state != JIT_PENDING) continue;
        free(d->bytes);
        d->bytes = NULL;
        d->state = JIT_FINAL;
    }
    return NULL;
}

/* ---- addresses ---- */

void *clif_jit_get_function(const clif_jit *j, clif_jit_func_id id) {
    if (id >= j->funcs.len) return NULL;
    const jit_decl *d = &j->funcs.data[id];
    return d->state == JIT_FINAL || d->linkage == CLIF_LINKAGE_IMPORT ? d->addr : NULL;
}

void *clif_jit_get_data(const clif_jit *j, clif_jit_data_id id, size_t *size) {
    if (id >= j->data.len) return NULL;
    const jit_decl *d = &j->data.data[id];
    void *p = d->state == JIT_FINAL || d->linkage == CLIF_LINKAGE_IMPORT ? d->addr : NULL;
    if (size) *size = p && d->state == JIT_FINAL ? d->size : 0;
    return p;
}

void *clif_jit_lookup(const clif_jit *j, const char *name) {
    bool is_func;
    uint32_t id;
    const jit_decl *d = jit_find_decl(j, name, &is_func, &id);
    if (!d || d->linkage != CLIF_LINKAGE_EXPORT) return NULL;
    return is_func ? clif_jit_get_function(j, id) : clif_jit_get_data(j, id, NULL);
}
