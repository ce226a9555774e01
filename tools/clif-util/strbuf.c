/* clif-util: growable text buffers. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cu.h"

void cu_str_add(cu_str *s, const char *text, size_t len) {
    if (len >= UINT32_MAX - s->len - 1) return; /* never grows past 4 GiB */
    vec_reserve(*s, (uint32_t)len + 1);
    memcpy(s->data + s->len, text, len);
    s->len += (uint32_t)len;
    s->data[s->len] = 0;
}

void cu_str_printf(cu_str *s, const char *fmt, ...) {
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n > 0 && (size_t)n < UINT32_MAX - s->len - 1) {
        vec_reserve(*s, (uint32_t)n + 1);
        vsnprintf(s->data + s->len, (size_t)n + 1, fmt, ap);
        s->len += (uint32_t)n;
    }
    va_end(ap);
}

const char *cu_str_cstr(const cu_str *s) {
    return s->len ? s->data : "";
}
