/* clif-util: an ISA configured as a test file's `target` line asks. */
#include <string.h>

#include "clif/codegen.h"
#include "cu.h"

clif_error *cu_isa_apply(clif_isa *isa, const char *item) {
    const char *eq = strchr(item, '=');
    if (!eq) return clif_isa_set(isa, item, "true");
    size_t n = (size_t)(eq - item);
    char *name = cl_xmalloc(n + 1);
    memcpy(name, item, n);
    name[n] = 0;
    clif_error *err = clif_isa_set(isa, name, eq + 1);
    free(name);
    return err;
}

clif_error *cu_isa_configure(clif_isa *isa, const clif_test_file *tf, const clif_target *t) {
    const clif_setting *set = t ? t->settings : tf->settings;
    uint32_t nset = t ? t->nsettings : tf->nsettings;
    clif_error *err = NULL;
    for (uint32_t i = 0; !err && i < nset; i++)
        err = clif_isa_set(isa, set[i].name, set[i].value);
    for (uint32_t i = 0; !err && t && i < t->nflags; i++)
        err = cu_isa_apply(isa, t->flags[i]);
    if (!err) return NULL;
    /* The library's error has no location: the target line (or the file) is it. */
    clif_location loc = {tf->path, t ? t->line : 0, t ? 1 : 0};
    clif_error *located =
        clif_error_new(clif_error_get_kind(err), loc, "%s", clif_error_message(err));
    clif_error_free(err);
    return located;
}
