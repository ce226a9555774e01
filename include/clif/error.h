/* libcranelift: the error type.
 *
 * Every fallible call returns a clif_error * (NULL on success). An error has a
 * kind, a message, an optional source location and a chain of context lines
 * added as it travels outward (a backtrace is such context). A trap is only a
 * code: an error of kind CLIF_ERR_TRAP carries it. The caller frees the error. */
#ifndef CLIF_ERROR_H
#define CLIF_ERROR_H

#include <stdarg.h>
#include <stdint.h>

#include "clif/opcodes.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum clif_error_kind {
    CLIF_ERR_PARSE,       /* the text format was malformed */
    CLIF_ERR_VERIFY,      /* the IR broke a verifier rule */
    CLIF_ERR_UNSUPPORTED, /* a feature this build does not implement, named in the message */
    CLIF_ERR_TRAP,        /* execution trapped: see clif_error_trap_code */
    CLIF_ERR_HOST,        /* raised by a host function: see clif_error_payload */
    CLIF_ERR_IO,
    CLIF_ERR_ARGUMENT, /* a bad argument to an API call */
    CLIF_ERR_LIMIT,    /* a resource limit (memory, depth, size) was hit */
} clif_error_kind;

typedef struct clif_error clif_error;

/* A source location; line and column count from 1, 0 = unknown. */
typedef struct clif_location {
    const char *file; /* may be NULL; copied into the error */
    uint32_t line, column;
} clif_location;

/* Creates an error with a printf-style message. Never returns NULL (falls back
 * to a static out-of-memory error). */
clif_error *clif_error_new(clif_error_kind kind, clif_location loc, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* The same with a va_list. */
clif_error *clif_error_newv(clif_error_kind kind, clif_location loc, const char *fmt, va_list ap);
/* A trap error for `code`. */
clif_error *clif_error_trap(clif_trap_code code);
/* Adds one line of context (outermost last) and returns err. */
clif_error *clif_error_context(clif_error *err, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* The kind of error. */
clif_error_kind clif_error_get_kind(const clif_error *err);
/* The message without location or context. */
const char *clif_error_message(const clif_error *err);
/* The location (its file string is owned by the error). */
clif_location clif_error_location(const clif_error *err);
/* The trap code of a CLIF_ERR_TRAP error, else CLIF_TRAP_NONE. */
clif_trap_code clif_error_trap_code(const clif_error *err);
/* Number of context lines and the i-th (0 = innermost; NULL beyond the
 * count). */
uint32_t clif_error_context_count(const clif_error *err);
const char *clif_error_context_at(const clif_error *err, uint32_t i);
/* Formats "file:line:col: message" ("file: message" without a line,
 * "line:col: message" without a file) plus context lines into buf (truncated
 * to size); returns buf. */
const char *clif_error_format(const clif_error *err, char *buf, size_t size);
/* Frees the error (running a host payload's destructor); NULL is ignored. */
void clif_error_free(clif_error *err);

/* ---- Host errors: an embedder's payload ----
 * A host function called from generated code fails by raising an error
 * (clif_jit_raise) that carries the embedder's own payload: a pointer, a
 * type tag telling the payload's type (any address unique to that type,
 * e.g. of a static variable) and a destructor. The error reaches the caller
 * of the generated code unchanged: same payload pointer and tag, kind
 * CLIF_ERR_HOST, no trap code. The destructor (may be NULL) runs exactly once,
 * when the error is freed, unless the payload was taken out first. */
typedef void (*clif_payload_dtor)(void *payload);
/* A CLIF_ERR_HOST error with a printf-style message carrying `payload`. */
clif_error *clif_error_host(void *payload, const void *type_tag, clif_payload_dtor dtor,
                            const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
/* The payload (NULL when there is none) and its type tag. */
void *clif_error_payload(const clif_error *err);
const void *clif_error_payload_type(const clif_error *err);
/* The payload when its type tag is `type_tag`, else NULL. */
void *clif_error_payload_as(const clif_error *err, const void *type_tag);
/* Takes the payload out: the caller owns it, the error no longer destroys it
 * (its tag stays readable). */
void *clif_error_take_payload(clif_error *err);

/* ---- Backtraces ----
 * An error from generated code (a trap or a host error raised through it)
 * carries the generated frames that were live, innermost first: the
 * function's name and the offset in its code (the faulting instruction for
 * the innermost frame, a return address for the others). The backtrace is
 * context: it is also added as one context line ("backtrace:" and a line per
 * frame). */
typedef struct clif_frame {
    const char *function; /* owned by the error */
    uint32_t offset;
} clif_frame;
/* Attaches frames (copied; replaces an earlier backtrace) and `omitted`,
 * the number of outer frames left out; adds the context line. Returns err. */
clif_error *clif_error_set_backtrace(clif_error *err, const clif_frame *frames, uint32_t n,
                                     uint32_t omitted);
/* Number of frames in the backtrace (0 without one). */
uint32_t clif_error_backtrace_count(const clif_error *err);
/* The i-th frame (0 = innermost); {NULL, 0} when out of range. */
clif_frame clif_error_backtrace_frame(const clif_error *err, uint32_t i);
/* Frames that were live but left out of the backtrace (beyond its limit). */
uint32_t clif_error_backtrace_omitted(const clif_error *err);

#ifdef __cplusplus
}
#endif
#endif
