/* The error type: kind, message, location, context chain. */
#include "clif/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct clif_error {
    clif_error_kind kind;
    clif_trap_code trap;
    clif_location loc;
    char *file;
    char *message;
    char **context;
    uint32_t ncontext;
    int is_static;
    /* Host errors: the embedder's payload. */
    void *payload;
    const void *payload_type;
    clif_payload_dtor dtor;
    /* The backtrace: frames with their function names (owned). */
    clif_frame *frames;
    uint32_t nframes, omitted;
};

/* Returned when even an error cannot be allocated. It is read-only (every
 * function that changes an error leaves it alone), so threads share it. */
static const struct clif_error oom_error = {
    .kind = CLIF_ERR_LIMIT,
    .message = (char *)"out of memory while reporting an error",
    .is_static = 1,
};

static clif_error *out_of_memory(void) {
    return (clif_error *)&oom_error;
}

static char *vformat(const char *fmt, va_list ap) {
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0) return NULL;
    char *s = malloc((size_t)n + 1);
    if (s) vsnprintf(s, (size_t)n + 1, fmt, ap);
    return s;
}

clif_error *clif_error_newv(clif_error_kind kind, clif_location loc, const char *fmt, va_list ap) {
    clif_error *e = calloc(1, sizeof *e);
    if (!e) return out_of_memory();
    e->kind = kind;
    e->loc = loc;
    e->message = vformat(fmt, ap);
    if (loc.file) {
        e->file = malloc(strlen(loc.file) + 1);
        if (e->file) strcpy(e->file, loc.file);
    }
    e->loc.file = e->file;
    if (!e->message) {
        free(e->file);
        free(e);
        return out_of_memory();
    }
    return e;
}

clif_error *clif_error_new(clif_error_kind kind, clif_location loc, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    clif_error *e = clif_error_newv(kind, loc, fmt, ap);
    va_end(ap);
    return e;
}

clif_error *clif_error_trap(clif_trap_code code) {
    char name[16];
    clif_location none = {NULL, 0, 0};
    clif_error *e =
        clif_error_new(CLIF_ERR_TRAP, none, "trap: %s", clif_trap_name(code, name, sizeof name));
    if (!e->is_static) e->trap = code;
    return e;
}

clif_error *clif_error_context(clif_error *e, const char *fmt, ...) {
    if (!e || e->is_static) return e;
    char **grown = realloc(e->context, (e->ncontext + 1) * sizeof *grown);
    if (!grown) return e;
    e->context = grown;
    va_list ap;
    va_start(ap, fmt);
    char *line = vformat(fmt, ap);
    va_end(ap);
    if (line) e->context[e->ncontext++] = line;
    return e;
}

clif_error_kind clif_error_get_kind(const clif_error *e) {
    return e->kind;
}
const char *clif_error_message(const clif_error *e) {
    return e->message;
}
clif_location clif_error_location(const clif_error *e) {
    return e->loc;
}
clif_trap_code clif_error_trap_code(const clif_error *e) {
    return e->kind == CLIF_ERR_TRAP ? e->trap : CLIF_TRAP_NONE;
}
uint32_t clif_error_context_count(const clif_error *e) {
    return e->ncontext;
}
const char *clif_error_context_at(const clif_error *e, uint32_t i) {
    return i < e->ncontext ? e->context[i] : NULL;
}

const char *clif_error_format(const clif_error *e, char *buf, size_t size) {
    size_t n = 0;
    if (size == 0) return buf;
    buf[0] = 0;
#define APPEND(...)                                                                                \
    do {                                                                                           \
        if (n < size) {                                                                            \
            int k = snprintf(buf + n, size - n, __VA_ARGS__);                                      \
            if (k > 0) n += (size_t)k;                                                             \
        }                                                                                          \
    } while (0)
    if (e->loc.file && e->loc.line)
        APPEND("%s:%u:%u: ", e->loc.file, e->loc.line, e->loc.column);
    else if (e->loc.file)
        APPEND("%s: ", e->loc.file);
    else if (e->loc.line)
        APPEND("%u:%u: ", e->loc.line, e->loc.column);
    APPEND("%s", e->message);
    for (uint32_t i = 0; i < e->ncontext; i++)
        APPEND("\n  %s", e->context[i]);
#undef APPEND
    return buf;
}

void clif_error_free(clif_error *e) {
    if (!e || e->is_static) return;
    if (e->payload && e->dtor) e->dtor(e->payload);
    for (uint32_t i = 0; i < e->nframes; i++)
        free((char *)e->frames[i].function);
    free(e->frames);
    for (uint32_t i = 0; i < e->ncontext; i++)
        free(e->context[i]);
    free(e->context);
    free(e->message);
    free(e->file);
    free(e);
}

/* ---- Host errors ---- */

clif_error *clif_error_host(void *payload, const void *type_tag, clif_payload_dtor dtor,
                            const char *fmt, ...) {
    clif_location none = {NULL, 0, 0};
    va_list ap;
    va_start(ap, fmt);
    clif_error *e = clif_error_newv(CLIF_ERR_HOST, none, fmt, ap);
    va_end(ap);
    if (e->is_static) {
        /* Out of memory: the payload cannot travel, but must not leak. */
        if (payload && dtor) dtor(payload);
        return e;
    }
    e->payload = payload;
    e->payload_type = type_tag;
    e->dtor = dtor;
    return e;
}

void *clif_error_payload(const clif_error *e) {
    return e->payload;
}
const void *clif_error_payload_type(const clif_error *e) {
    return e->payload_type;
}
void *clif_error_payload_as(const clif_error *e, const void *type_tag) {
    return e->payload && e->payload_type == type_tag ? e->payload : NULL;
}
void *clif_error_take_payload(clif_error *e) {
    if (e->is_static) return NULL;
    void *p = e->payload;
    e->payload = NULL;
    e->dtor = NULL;
    return p;
}

/* ---- Backtraces ---- */

static char *dup_str(const char *s) {
    size_t n = strlen(s ? s : "") + 1;
    char *d = malloc(n);
    if (d) memcpy(d, s ? s : "", n);
    return d;
}

clif_error *clif_error_set_backtrace(clif_error *e, const clif_frame *frames, uint32_t n,
                                     uint32_t omitted) {
    if (!e || e->is_static) return e;
    for (uint32_t i = 0; i < e->nframes; i++)
        free((char *)e->frames[i].function);
    free(e->frames);
    e->frames = NULL;
    e->nframes = 0;
    e->omitted = omitted;
    if (n) {
        e->frames = calloc(n, sizeof *e->frames);
        if (!e->frames) return e;
    }
    for (uint32_t i = 0; i < n; i++) {
        e->frames[i].function = dup_str(frames[i].function);
        e->frames[i].offset = frames[i].offset;
        if (!e->frames[i].function) break;
        e->nframes = i + 1;
    }
    /* The same frames as one context line. */
    size_t size = 16 + 32 * (size_t)e->nframes + 48;
    for (uint32_t i = 0; i < e->nframes; i++)
        size += strlen(e->frames[i].function);
    char *text = malloc(size);
    if (!text) return e;
    size_t len = (size_t)snprintf(text, size, "backtrace:");
    for (uint32_t i = 0; i < e->nframes && len < size;) {
        const clif_frame *f = &e->frames[i];
        len += (size_t)snprintf(text + len, size - len, "\n    %u: %s+0x%x", i, f->function,
                                f->offset);
        /* A run of the same frame (deep recursion) is shown once. */
        uint32_t same = 1;
        while (i + same < e->nframes && e->frames[i + same].offset == f->offset &&
               strcmp(e->frames[i + same].function, f->function) == 0)
            same++;
        if (same > 2) {
            if (len < size)
                len += (size_t)snprintf(text + len, size - len,
                                        "\n    %u..%u: the same frame %u more times", i + 1,
                                        i + same - 1, same - 1);
            i += same;
        } else {
            i++;
        }
    }
    if (omitted && len < size)
        snprintf(text + len, size - len, "\n    ... %u more frames", omitted);
    if (e->nframes == 0 && !omitted && len < size)
        snprintf(text + len, size - len, " (no generated frames)");
    clif_error_context(e, "%s", text);
    free(text);
    return e;
}

uint32_t clif_error_backtrace_count(const clif_error *e) {
    return e->nframes;
}
clif_frame clif_error_backtrace_frame(const clif_error *e, uint32_t i) {
    clif_frame none = {NULL, 0};
    return i < e->nframes ? e->frames[i] : none;
}
uint32_t clif_error_backtrace_omitted(const clif_error *e) {
    return e->omitted;
}
