/* Target lookup and settings of a configured ISA (clif_isa). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machinst/target.h"
#include "support/vec.h"

static clif_location no_loc(void) {
    clif_location l = {NULL, 0, 0};
    return l;
}

static clif_isa *make_isa(const target_isa *t) {
    clif_isa *isa = cl_xcalloc(1, sizeof *isa);
    isa->target = t;
    for (int i = 0; i < SET_COUNT; i++)
        isa->shared[i] = shared_setting_table[i].deflt;
    for (int i = 0; i < t->num_flags && i < ISA_MAX_FLAGS; i++)
        isa->flags[i] = t->flags[i].deflt;
    return isa;
}

clif_error *clif_isa_lookup(const char *triple, clif_isa **out) {
    *out = NULL;
    size_t len = strcspn(triple, "-");
    for (int i = 0; i < num_all_targets; i++) {
        const char *name = all_targets[i]->name;
        if (strlen(name) == len && strncmp(name, triple, len) == 0) {
            *out = make_isa(all_targets[i]);
            return NULL;
        }
    }
    return clif_error_new(CLIF_ERR_UNSUPPORTED, no_loc(), "unsupported: target '%s'", triple);
}

clif_error *clif_isa_host(clif_isa **out) {
    *out = NULL;
    for (int i = 0; i < num_all_targets; i++)
        if (all_targets[i]->detect_host) {
            clif_isa *isa = make_isa(all_targets[i]);
            all_targets[i]->detect_host(isa->flags);
            *out = isa;
            return NULL;
        }
    return clif_error_new(CLIF_ERR_UNSUPPORTED, no_loc(), "unsupported: host ISA");
}

void clif_isa_free(clif_isa *isa) {
    free(isa);
}

const char *clif_isa_name(const clif_isa *isa) {
    return isa->target->name;
}

bool clif_isa_is_host(const clif_isa *isa) {
    return isa->target->detect_host != NULL;
}

bool clif_isa_runs_on_host(const clif_isa *isa) {
    const target_isa *t = isa->target;
    if (!t->detect_host) return false;
    uint32_t host[ISA_MAX_FLAGS] = {0};
    t->detect_host(host);
    for (int i = 0; i < t->num_flags && i < ISA_MAX_FLAGS; i++)
        if (isa->flags[i] && !host[i]) return false;
    return true;
}

clif_error *clif_isa_set(clif_isa *isa, const char *name, const char *value) {
    char msg[200];
    int i = settings_find(shared_setting_table, SET_COUNT, name);
    if (i >= 0) {
        if (!settings_parse(&shared_setting_table[i], value, &isa->shared[i], msg, sizeof msg))
            return clif_error_new(CLIF_ERR_ARGUMENT, no_loc(), "%s", msg);
        return NULL;
    }
    const target_isa *t = isa->target;
    i = settings_find(t->flags, t->num_flags, name);
    if (i >= 0) {
        if (!settings_parse(&t->flags[i], value, &isa->flags[i], msg, sizeof msg))
            return clif_error_new(CLIF_ERR_ARGUMENT, no_loc(), "%s", msg);
        return NULL;
    }
    for (int p = 0; p < t->num_presets; p++) {
        if (strcmp(t->presets[p][0], name) != 0) continue;
        /* The preset's flags, space-separated (presets name flags, never presets). */
        for (const char *s = t->presets[p][1]; *s;) {
            size_t n = strcspn(s, " ");
            char flag[64];
            snprintf(flag, sizeof flag, "%.*s", (int)n, s);
            int f = settings_find(t->flags, t->num_flags, flag);
            if (f >= 0) isa->flags[f] = 1;
            s += n;
            while (*s == ' ')
                s++;
        }
        return NULL;
    }
    return clif_error_new(CLIF_ERR_ARGUMENT, no_loc(), "unknown setting '%s' for target %s", name,
                          t->name);
}

const char *clif_isa_get(const clif_isa *isa, const char *name, char *buf, size_t size) {
    int i = settings_find(shared_setting_table, SET_COUNT, name);
    if (i >= 0)
        return settings_format(&shared_setting_table[i], isa->shared[i], buf, (uint32_t)size);
    const target_isa *t = isa->target;
    i = settings_find(t->flags, t->num_flags, name);
    if (i >= 0) return settings_format(&t->flags[i], isa->flags[i], buf, (uint32_t)size);
    return NULL;
}
