/* A string builder: text appended piece by piece, always NUL-terminated.
 *
 * A growable builder owns heap memory (sb_init, then sb_take or sb_free). A
 * fixed builder writes into a caller's buffer and silently truncates, as
 * snprintf does (sb_init_fixed); it never allocates. */
#ifndef CLIF_SUPPORT_STRBUF_H
#define CLIF_SUPPORT_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

typedef struct strbuf {
    char *data;
    size_t len, cap; /* cap counts the byte kept for the NUL */
    bool fixed;
} strbuf;

void sb_init(strbuf *sb);
/* Writes into buf[0..size); size 0 makes every append a no-op. */
void sb_init_fixed(strbuf *sb, char *buf, size_t size);
void sb_putc(strbuf *sb, char c);
void sb_putn(strbuf *sb, const char *s, size_t n);
void sb_puts(strbuf *sb, const char *s);
void sb_printf(strbuf *sb, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* The text of a growable builder as a malloc'd string; the builder is left empty and
 * may be appended to again. */
char *sb_take(strbuf *sb);
void sb_free(strbuf *sb);

#endif
