/* The string builder. */
#include "support/strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support/vec.h"

void sb_init(strbuf *sb) {
    sb->cap = 64;
    sb->data = cl_xmalloc(sb->cap);
    sb->data[0] = 0;
    sb->len = 0;
    sb->fixed = false;
}

void sb_init_fixed(strbuf *sb, char *buf, size_t size) {
    sb->data = buf;
    sb->cap = size;
    sb->len = 0;
    sb->fixed = true;
    if (size) buf[0] = 0;
}

/* Makes room for n more bytes; returns how many fit. */
static size_t reserve(strbuf *sb, size_t n) {
    if (sb->len + n < sb->cap) return n;
    if (sb->fixed) return sb->cap > sb->len + 1 ? sb->cap - sb->len - 1 : 0;
    size_t cap = sb->cap ? sb->cap : 64;
    while (sb->len + n >= cap)
        cap *= 2;
    sb->data = cl_xrealloc(sb->data, cap);
    if (sb->cap == 0) sb->data[0] = 0;
    sb->cap = cap;
    return n;
}

void sb_putn(strbuf *sb, const char *s, size_t n) {
    n = reserve(sb, n);
    if (n == 0) return;
    memcpy(sb->data + sb->len, s, n);
    sb->len += n;
    sb->data[sb->len] = 0;
}

void sb_putc(strbuf *sb, char c) {
    sb_putn(sb, &c, 1);
}

void sb_puts(strbuf *sb, const char *s) {
    sb_putn(sb, s, strlen(s));
}

void sb_printf(strbuf *sb, const char *fmt, ...) {
    char small[128];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n < sizeof small) {
        sb_putn(sb, small, (size_t)n);
        return;
    }
    char *big = cl_xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    sb_putn(sb, big, (size_t)n);
    free(big);
}

char *sb_take(strbuf *sb) {
    char *s = sb->data ? sb->data : cl_xcalloc(1, 1);
    sb->data = NULL;
    sb->len = sb->cap = 0;
    return s;
}

void sb_free(strbuf *sb) {
    if (!sb->fixed) free(sb->data);
    sb->data = NULL;
    sb->len = sb->cap = 0;
}
