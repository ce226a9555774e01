/* Shared settings table and the parsing of setting values. */
#include "machinst/settings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const setting_desc shared_setting_table[SET_COUNT] = {
#define X(ID, NAME, KIND, DEFLT, VALUES) {NAME, KIND, DEFLT, VALUES},
    CLIF_SHARED_SETTINGS(X)
#undef X
};

int settings_find(const setting_desc *table, int n, const char *name) {
    for (int i = 0; i < n; i++)
        if (strcmp(table[i].name, name) == 0) return i;
    return -1;
}

/* Index of `word` in a space-separated list, or -1. */
static int enum_index(const char *values, const char *word) {
    size_t wl = strlen(word);
    int idx = 0;
    for (const char *p = values; *p;) {
        const char *e = strchr(p, ' ');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == wl && strncmp(p, word, len) == 0) return idx;
        idx++;
        if (!e) break;
        p = e + 1;
    }
    return -1;
}

bool settings_parse(const setting_desc *d, const char *value, uint32_t *out, char *msg,
                    uint32_t msg_size) {
    switch (d->kind) {
    case SET_BOOL:
        if (strcmp(value, "true") == 0 || strcmp(value, "1") == 0) {
            *out = 1;
            return true;
        }
        if (strcmp(value, "false") == 0 || strcmp(value, "0") == 0) {
            *out = 0;
            return true;
        }
        snprintf(msg, msg_size, "setting %s takes true or false, not '%s'", d->name, value);
        return false;
    case SET_NUM: {
        char *end;
        unsigned long v = strtoul(value, &end, 0);
        if (*value && !*end && v <= 255) {
            *out = (uint32_t)v;
            return true;
        }
        snprintf(msg, msg_size, "setting %s takes a number from 0 to 255, not '%s'", d->name,
                 value);
        return false;
    }
    case SET_ENUM: {
        int i = enum_index(d->values, value);
        if (i >= 0) {
            *out = (uint32_t)i;
            return true;
        }
        snprintf(msg, msg_size, "setting %s takes one of: %s; not '%s'", d->name, d->values, value);
        return false;
    }
    }
    return false;
}

const char *settings_format(const setting_desc *d, uint32_t value, char *buf, uint32_t size) {
    if (d->kind == SET_BOOL) {
        snprintf(buf, size, "%s", value ? "true" : "false");
    } else if (d->kind == SET_NUM) {
        snprintf(buf, size, "%u", value);
    } else {
        const char *p = d->values;
        for (uint32_t i = 0; i < value && p; i++) {
            p = strchr(p, ' ');
            if (p) p++;
        }
        size_t len = p ? strcspn(p, " ") : 0;
        snprintf(buf, size, "%.*s", (int)len, p ? p : "");
    }
    return buf;
}
