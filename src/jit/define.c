/* Definitions: a function's body compiled from IR, a data object's bytes
 * and relocations. Both wait for clif_jit_finalize. */
#define _GNU_SOURCE /* sigjmp_buf in jit/rt.h */
#include <stdlib.h>
#include <string.h>

#include "jit/pub.h"

static const char *shown(const char *name) {
    return *name ? name : "<anonymous>";
}

/* Every user name the code refers to must be declared. */
static clif_error *check_refs(const clif_jit *j, const jit_decl *d, const clif_compiled *c) {
    for (uint32_t r = 0; r < clif_compiled_num_relocs(c); r++) {
        clif_reloc rel = clif_compiled_reloc(c, r);
        if (rel.name.kind != CLIF_NAME_USER) continue;
        bool ok = (rel.name.ns == CLIF_JIT_FUNC_NAMESPACE && rel.name.index < j->funcs.len) ||
                  (rel.name.ns == CLIF_JIT_DATA_NAMESPACE && rel.name.index < j->data.len);
        if (!ok)
            return clif_error_new(CLIF_ERR_ARGUMENT, jit_no_loc(),
                                  "function '%s' refers to u%u:%u, which is not declared",
                                  shown(d->name), rel.name.ns, rel.name.index);
    }
    return NULL;
}

clif_error *clif_jit_define_function(clif_jit *j, clif_jit_func_id id, const clif_func *f) {
    if (!f) return clif_error_new(CLIF_ERR_ARGUMENT, jit_no_loc(), "define_function: no function");
    if (id >= j->funcs.len)
        return clif_error_new(CLIF_ERR_ARGUMENT, jit_no_loc(), "function id %u is not declared",
                              id);
    jit_decl *d = &j->funcs.data[id];
    if (d->linkage == CLIF_LINKAGE_IMPORT)
        return clif_error_new(CLIF_ERR_ARGUMENT, jit_no_loc(),
                              "function '%s' is imported and cannot be defined", shown(d->name));
    if (d->state != JIT_UNDEFINED)
        return clif_error_new(CLIF_ERR_ARGUMENT, jit_no_loc(), "function '%s' is already defined",
                              shown(d->name));
    clif_signature want = jit_decl_sig(d), have;
    clif_func_signature(f, &have);
    uint8_t ka[256], kb[256];
    uint32_t na = jit_sig_key(&want, ka, sizeof ka), nb = jit_sig_key(&have, kb, sizeof kb);
    if (!na || na != nb || memcmp(ka, kb, na) != 0)
        return clif_error_new(CLIF_ERR_ARGUMENT, jit_no_loc(),
                              "function '%s' is defined with a signature other than its "
                              "declaration's",
                              shown(d->name));
    clif_compiled *c = NULL;
    clif_error *err = clif_compile(j->isa, f, &c);
    if (err) return clif_error_context(err, "in function '%s'", shown(d->name));
    err = check_refs(j, d, c);
    if (err) {
        clif_compiled_free(c);
        return err;
    }
    d->code = c;
    clif_compiled_code(c, &d->size);
    d->state = JIT_PENDING;
    return NULL;
}

clif_error *clif_jit_define_data(clif_jit *j, clif_jit_data_id id, const clif_data_desc *desc) {
    if (!desc) return clif_error_new(CLIF_ERR_ARGUMENT, jit_no_loc(), "define_data: no contents");
    if (id >= j->data.len)
        return clif_error_new(CLIF_ERR_ARGUMENT, jit_no_loc(), "data id %u is not declared", id);
    jit_decl *d = &j->data.data[id];
    if (d->linkage == CLIF_LINKAGE_IMPORT)
        return clif_error_new(CLIF_ERR_ARGUMENT, jit_no_loc(),
                              "data '%s' is imported and cannot be defined", shown(d->name));
    if (d->state != JIT_UNDEFINED)
        return clif_error_new(CLIF_ERR_ARGUMENT, jit_no_loc(), "data '%s' is already defined",
                              shown(d->name));
    uint32_t align = desc->align ? desc->align : 1;
    if ((align & (align - 1)) != 0 || align > j->arena.page)
        return clif_error_new(CLIF_ERR_ARGUMENT, jit_no_loc(),
                              "data '%s': alignment %u is not a power of two up to %zu",
                              shown(d->name), desc->align, j->arena.page);
    if (desc->size > j->arena.reserved)
        return clif_error_new(CLIF_ERR_LIMIT, jit_no_loc(), "data '%s': %zu bytes is too big",
                              shown(d->name), desc->size);
    if (desc->nrelocs && !desc->relocs)
        return clif_error_new(CLIF_ERR_ARGUMENT, jit_no_loc(), "data '%s': no relocation array",
                              shown(d->name));
    for (uint32_t i = 0; i < desc->nrelocs; i++) {
        const clif_data_reloc *r = &desc->relocs[i];
        if (desc->size < 8 || r->offset > desc->size - 8)
            return clif_error_new(CLIF_ERR_ARGUMENT, jit_no_loc(),
                                  "data '%s': relocation %u at offset %u beyond its %zu bytes",
                                  shown(d->name), i, r->offset, desc->size);
        if (r->id >= (r->is_func ? j->funcs.len : j->data.len))
            return clif_error_new(CLIF_ERR_ARGUMENT, jit_no_loc(),
                                  "data '%s': relocation %u to undeclared %s %u", shown(d->name), i,
                                  r->is_func ? "function" : "data", r->id);
    }
    d->size = desc->size;
    d->align = align;
    d->bytes = NULL;
    if (desc->bytes && desc->size) {
        d->bytes = cl_xmalloc(desc->size);
        memcpy(d->bytes, desc->bytes, desc->size);
    }
    d->nrelocs = desc->nrelocs;
    d->relocs = NULL;
    if (desc->nrelocs) {
        d->relocs = cl_xmalloc(desc->nrelocs * sizeof *d->relocs);
        memcpy(d->relocs, desc->relocs, desc->nrelocs * sizeof *d->relocs);
    }
    d->state = JIT_PENDING;
    return NULL;
}
