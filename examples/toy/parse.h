/* The toy compiler's state, shared by compile.c (functions, statements) and
 * expr.c (expressions). Parsing is iterative everywhere: statements nest
 * through an explicit stack of open blocks, expressions through the
 * operator and value stacks of a shunting-yard parser, so no input can make
 * the compiler recurse. */
#ifndef TOY_PARSE_H
#define TOY_PARSE_H

#include <stdbool.h>

#include "toy.h"

typedef struct toy_fn {
    const char *name; /* into the source */
    uint32_t len;
    uint32_t nparams;
    clif_jit_func_id id;
} toy_fn;

typedef struct toy_var {
    const char *name;
    uint32_t len;
} toy_var;

typedef struct parser {
    const token *t;
    uint32_t pos, n;
    const char *file;
    clif_jit *jit;
    toy_fn *fns;
    uint32_t nfns;
    /* The function being compiled. */
    clif_fb *fb;
    clif_func *f;
    const toy_fn *cur;
    clif_block entry;
    toy_var *vars;
    uint32_t nvars, vcap;
    clif_func_ref *refs; /* per entry of fns: CLIF_NONE until used in f */
    clif_error *err;     /* the first error */
} parser;

/* Records an error at token `at` (the first one wins); returns false. */
bool toy_fail(parser *p, const token *at, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
const token *toy_peek(const parser *p);
/* The variable named by `tok`, or CLIF_NONE. */
clif_variable toy_find_var(const parser *p, const token *tok);
/* The function named by `tok`, or UINT32_MAX. */
uint32_t toy_find_fn(const parser *p, const token *tok);

/* Parses an expression from the current token up to the first token that
 * cannot continue it (left unconsumed), emitting its code; the value is an
 * i64. */
bool toy_expr(parser *p, clif_value *out);

#endif
