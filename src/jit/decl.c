/* The public JIT object: creation (an own copy of the ISA, reserved memory,
 * the signal handler registration), declarations of functions and data
 * under names, host symbols and import resolution, references to
 * declarations from IR, and freeing. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jit/jit.h"
#include "jit/pub.h"
#include "machinst/target.h"

clif_location jit_no_loc(void) {
    clif_location l = {NULL, 0, 0};
    return l;
}

static char *dup_str(const char *s) {
    size_t n = strlen(s) + 1;
    char *d = cl_xmalloc(n);
    memcpy(d, s, n);
    return d;
}

/* ---- creation ---- */

clif_error *clif_jit_new(const clif_isa *isa, const clif_jit_options *opts, clif_jit **out) {
    *out = NULL;
    if (!isa) return clif_error_new(CLIF_ERR_ARGUMENT, jit_no_loc(), "clif_jit_new: no ISA");
    if (!clif_isa_runs_on_host(isa))
        return clif_error_new(CLIF_ERR_UNSUPPORTED, jit_no_loc(),
                              "unsupported: JIT code for %s with these flags cannot run on this "
                              "machine",
                              clif_isa_name(isa));
    clif_jit *j = cl_xcalloc(1, sizeof *j);
    j->isa = cl_xmalloc(sizeof *j->isa);
    *j->isa = *isa;
    if (opts) j->opts = *opts;
    static const char *const forced[][2] = {{"enable_probestack", "true"},
                                            {"probestack_strategy", "inline"},
                                            {"preserve_frame_pointers", "true"}};
    clif_error *err = NULL;
    for (size_t i = 0; !err && i < sizeof forced / sizeof forced[0]; i++)
        err = clif_isa_set(j->isa, forced[i][0], forced[i][1]);
    if (!err) err = jit_arena_init(&j->arena, j->opts.reserve);
    if (!err) {
        err = jit_signals_acquire();
        if (err) jit_arena_free(&j->arena);
    }
    if (err) {
        free(j->isa);
        free(j);
        return err;
    }
    *out = j;
    return NULL;
}

static void free_decl(jit_decl *d) {
    free(d->name);
    free(d->sig_params);
    clif_compiled_free(d->code);
    free(d->bytes);
    free(d->relocs);
}

void clif_jit_free(clif_jit *j) {
    if (!j) return;
    for (uint32_t i = 0; i < j->funcs.len; i++)
        free_decl(&j->funcs.data[i]);
    for (uint32_t i = 0; i < j->data.len; i++)
        free_decl(&j->data.data[i]);
    for (uint32_t i = 0; i < j->symbols.len; i++)
        free(j->symbols.data[i].name);
    for (uint32_t i = 0; i < j->entries.len; i++)
        clif_compiled_free(j->entries.data[i].code);
    vec_free(j->funcs);
    vec_free(j->data);
    vec_free(j->symbols);
    vec_free(j->entries);
    vec_free(j->names);
    jit_codemap_free(&j->map);
    jit_arena_free(&j->arena);
    free(j->isa);
    free(j);
    jit_signals_release();
}

const clif_isa *clif_jit_isa(const clif_jit *j) {
    return j->isa;
}

uint32_t clif_jit_live_count(void) {
    return jit_signals_holders();
}

/* ---- names ---- */

static uint32_t hash_str(const char *s) {
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (uint8_t)*s) * 16777619u;
    return h;
}

static const char *slot_name(const clif_jit *j, uint32_t slot) {
    uint32_t v = slot - 1;
    return (v & 1) ? j->funcs.data[v >> 1].name : j->data.data[v >> 1].name;
}

static void names_insert(clif_jit *j, uint32_t slot) {
    if (2 * (j->nnames + 1) > j->names.len) {
        uint32_t old_len = j->names.len;
        uint32_t *old = j->names.data;
        uint32_t len = old_len ? 2 * old_len : 16;
        j->names.data = cl_xcalloc(len, sizeof *old);
        j->names.len = j->names.cap = len;
        j->nnames = 0;
        for (uint32_t i = 0; i < old_len; i++)
            if (old[i]) names_insert(j, old[i]);
        free(old);
    }
    uint32_t mask = j->names.len - 1;
    for (uint32_t i = hash_str(slot_name(j, slot)) & mask;; i = (i + 1) & mask) {
        if (!j->names.data[i]) {
            j->names.data[i] = slot;
            j->nnames++;
            return;
        }
    }
}

jit_decl *jit_find_decl(const clif_jit *j, const char *name, bool *is_func, uint32_t *id) {
    if (!name || !*name || !j->names.len) return NULL;
    uint32_t mask = j->names.len - 1;
    for (uint32_t i = hash_str(name) & mask; j->names.data[i]; i = (i + 1) & mask) {
        uint32_t v = j->names.data[i];
        if (strcmp(slot_name(j, v), name) != 0) continue;
        v--;
        *is_func = v & 1;
        *id = v >> 1;
        return *is_func ? &j->funcs.data[*id] : &j->data.data[*id];
    }
    return NULL;
}

bool clif_jit_find(const clif_jit *j, const char *name, bool *is_func, uint32_t *id) {
    bool f;
    uint32_t i;
    if (!jit_find_decl(j, name, &f, &i)) return false;
    if (is_func) *is_func = f;
    if (id) *id = i;
    return true;
}

/* ---- declarations ---- */

/* Cranelift's Linkage::merge, restricted to our three linkages. */
static clif_linkage merge_linkage(clif_linkage a, clif_linkage b) {
    if (a == CLIF_LINKAGE_IMPORT) return b;
    if (b == CLIF_LINKAGE_IMPORT) return a;
    return a == CLIF_LINKAGE_EXPORT || b == CLIF_LINKAGE_EXPORT ? CLIF_LINKAGE_EXPORT
                                                                : CLIF_LINKAGE_LOCAL;
}

static clif_error *check_linkage(clif_linkage l) {
    if (l != CLIF_LINKAGE_IMPORT && l != CLIF_LINKAGE_LOCAL && l != CLIF_LINKAGE_EXPORT)
        return clif_error_new(CLIF_ERR_ARGUMENT, jit_no_loc(), "bad linkage %d", (int)l);
    return NULL;
}

clif_signature jit_decl_sig(const jit_decl *d) {
    clif_signature s = {d->sig_params, d->nparams, d->sig_params + d->nparams, d->nreturns,
                        d->callconv};
    return s;
}

static bool same_sig(const clif_signature *a, const clif_signature *b) {
    uint8_t ka[256], kb[256];
    uint32_t na = jit_sig_key(a, ka, sizeof ka), nb = jit_sig_key(b, kb, sizeof kb);
    if (na && nb) return na == nb && memcmp(ka, kb, na) == 0;
    /* Too long for a key: compare field by field. */
    if (a->nparams != b->nparams || a->nreturns != b->nreturns || a->callconv != b->callconv)
        return false;
    for (uint32_t i = 0; i < a->nparams; i++)
        if (memcmp(&a->params[i], &b->params[i], sizeof *a->params) != 0) return false;
    for (uint32_t i = 0; i < a->nreturns; i++)
        if (memcmp(&a->returns[i], &b->returns[i], sizeof *a->returns) != 0) return false;
    return true;
}

clif_error *clif_jit_declare_function(clif_jit *j, const char *name, clif_linkage linkage,
                                      const clif_signature *sig, clif_jit_func_id *out) {
    clif_error *err = check_linkage(linkage);
    if (err) return err;
    if (!sig || (sig->nparams && !sig->params) || (sig->nreturns && !sig->returns))
        return clif_error_new(CLIF_ERR_ARGUMENT, jit_no_loc(), "declare_function: no signature");
    if (!name) name = "";
    bool is_func;
    uint32_t id;
    jit_decl *d = jit_find_decl(j, name, &is_func, &id);
    if (d) {
        if (!is_func)
            return clif_error_new(CLIF_ERR_ARGUMENT, jit_no_loc(),
                                  "'%s' is declared as data, not as a function", name);
        clif_signature old = jit_decl_sig(d);
        if (!same_sig(&old, sig))
            return clif_error_new(CLIF_ERR_ARGUMENT, jit_no_loc(),
                                  "function '%s' declared again with another signature", name);
        d->linkage = merge_linkage(d->linkage, linkage);
        *out = id;
        return NULL;
    }
    if (j->funcs.len >= CLIF_MAX_ENTITIES)
        return clif_error_new(CLIF_ERR_LIMIT, jit_no_loc(), "too many functions");
    jit_decl nd;
    memset(&nd, 0, sizeof nd);
    nd.name = dup_str(name);
    nd.linkage = linkage;
    nd.entry = CLIF_NONE;
    nd.nparams = sig->nparams;
    nd.nreturns = sig->nreturns;
    nd.callconv = sig->callconv;
    nd.sig_params = cl_xmalloc(((size_t)sig->nparams + sig->nreturns + 1) * sizeof *nd.sig_params);
    if (sig->nparams) memcpy(nd.sig_params, sig->params, sig->nparams * sizeof *sig->params);
    if (sig->nreturns)
        memcpy(nd.sig_params + sig->nparams, sig->returns, sig->nreturns * sizeof *sig->returns);
    vec_push(j->funcs, nd);
    *out = j->funcs.len - 1;
    if (*name) names_insert(j, 1 + (*out << 1 | 1));
    return NULL;
}

clif_error *clif_jit_declare_data(clif_jit *j, const char *name, clif_linkage linkage,
                                  bool writable, clif_jit_data_id *out) {
    clif_error *err = check_linkage(linkage);
    if (err) return err;
    if (!name) name = "";
    bool is_func;
    uint32_t id;
    jit_decl *d = jit_find_decl(j, name, &is_func, &id);
    if (d) {
        if (is_func)
            return clif_error_new(CLIF_ERR_ARGUMENT, jit_no_loc(),
                                  "'%s' is declared as a function, not as data", name);
        if (d->writable != writable)
            return clif_error_new(CLIF_ERR_ARGUMENT, jit_no_loc(),
                                  "data '%s' declared again with another writability", name);
        d->linkage = merge_linkage(d->linkage, linkage);
        *out = id;
        return NULL;
    }
    if (j->data.len >= CLIF_MAX_ENTITIES)
        return clif_error_new(CLIF_ERR_LIMIT, jit_no_loc(), "too many data objects");
    jit_decl nd;
    memset(&nd, 0, sizeof nd);
    nd.name = dup_str(name);
    nd.linkage = linkage;
    nd.entry = CLIF_NONE;
    nd.writable = writable;
    vec_push(j->data, nd);
    *out = j->data.len - 1;
    if (*name) names_insert(j, 1 + (*out << 1));
    return NULL;
}

uint32_t clif_jit_num_functions(const clif_jit *j) {
    return j->funcs.len;
}

uint32_t clif_jit_num_data(const clif_jit *j) {
    return j->data.len;
}

const char *clif_jit_function_name(const clif_jit *j, clif_jit_func_id id) {
    return id < j->funcs.len ? j->funcs.data[id].name : NULL;
}

const char *clif_jit_data_name(const clif_jit *j, clif_jit_data_id id) {
    return id < j->data.len ? j->data.data[id].name : NULL;
}

/* ---- symbols and imports ---- */

clif_error *clif_jit_define_symbol(clif_jit *j, const char *name, void *addr) {
    if (!name || !*name)
        return clif_error_new(CLIF_ERR_ARGUMENT, jit_no_loc(), "define_symbol: empty name");
    for (uint32_t i = 0; i < j->symbols.len; i++)
        if (strcmp(j->symbols.data[i].name, name) == 0) {
            j->symbols.data[i].addr = addr;
            return NULL;
        }
    jit_symbol s = {dup_str(name), addr};
    vec_push(j->symbols, s);
    return NULL;
}

void *jit_resolve_import(const clif_jit *j, const char *name) {
    for (uint32_t i = 0; i < j->symbols.len; i++)
        if (strcmp(j->symbols.data[i].name, name) == 0) return j->symbols.data[i].addr;
    if (j->opts.resolver) {
        void *p = j->opts.resolver(j->opts.resolver_user, name);
        if (p) return p;
    }
    void *p = jit_libcall(name);
    if (p) return p;
    if (!j->opts.no_dlsym) return dlsym(RTLD_DEFAULT, name);
    return NULL;
}

/* ---- references from IR ---- */

clif_func_ref clif_jit_declare_func_in_func(clif_jit *j, clif_jit_func_id id, clif_func *f) {
    if (id >= j->funcs.len || !f) return CLIF_NONE;
    const jit_decl *d = &j->funcs.data[id];
    clif_signature sig = jit_decl_sig(d);
    clif_sig_ref sr = clif_import_signature(f, &sig);
    clif_ext_name n = {CLIF_NAME_USER, CLIF_JIT_FUNC_NAMESPACE, id, NULL};
    return clif_import_function(f, &n, sr, d->linkage != CLIF_LINKAGE_IMPORT);
}

clif_global_value clif_jit_declare_data_in_func(clif_jit *j, clif_jit_data_id id, clif_func *f) {
    if (id >= j->data.len || !f) return CLIF_NONE;
    clif_global_value_data gv;
    memset(&gv, 0, sizeof gv);
    gv.kind = CLIF_GV_SYMBOL;
    gv.type = CLIF_I64;
    gv.name.kind = CLIF_NAME_USER;
    gv.name.ns = CLIF_JIT_DATA_NAMESPACE;
    gv.name.index = id;
    gv.colocated = j->data.data[id].linkage != CLIF_LINKAGE_IMPORT;
    return clif_create_global_value(f, &gv);
}
