/* toy: a small language compiled with libcranelift's function builder and
 * JIT, like cranelift-jit-demo. See README.md in this folder. */
#ifndef TOY_H
#define TOY_H

#include <stddef.h>
#include <stdint.h>

#include "cranelift.h"

/* ---- Tokens (lex.c) ---- */
typedef enum tok_kind {
    T_EOF,
    T_NEWLINE,
    T_IDENT,
    T_NUMBER,
    T_FN,
    T_IF,
    T_ELSE,
    T_WHILE,
    T_RETURN,
    T_LPAREN,
    T_RPAREN,
    T_LBRACE,
    T_RBRACE,
    T_COMMA,
    T_SEMI,
    T_ASSIGN,
    /* operators */
    T_OR,
    T_AND,
    T_EQ,
    T_NE,
    T_LT,
    T_LE,
    T_GT,
    T_GE,
    T_PLUS,
    T_MINUS,
    T_STAR,
    T_SLASH,
    T_PERCENT,
    T_NOT,
} tok_kind;

typedef struct token {
    tok_kind kind;
    uint32_t line, col;
    const char *text; /* into the source */
    uint32_t len;
    int64_t value; /* T_NUMBER */
} token;

typedef struct token_list {
    token *toks;
    uint32_t n;
} token_list;

/* Splits `src` into tokens (the last is T_EOF). Errors name file:line:col. */
clif_error *toy_lex(const char *src, size_t len, const char *file, token_list *out);
void toy_tokens_free(token_list *t);
const char *toy_tok_name(tok_kind k);

/* ---- Compiling (compile.c: functions and statements; expr.c: expressions) ---- */
typedef struct toy_program {
    clif_jit *jit;
    clif_jit_func_id main_id;
    uint32_t nfuncs;
    /* CLIF text of each function when asked (NULL otherwise). */
    char *clif_text;
} toy_program;

/* Host functions the language knows: print(x) and fail(x). */
typedef struct toy_builtin {
    const char *name;
    uint32_t nparams;
    void *addr;
} toy_builtin;

/* Declares, compiles and defines every function of the program in `jit`
 * (builtins imported), then finalizes. With `want_clif`, also keeps the CLIF
 * text of every function. */
clif_error *toy_compile(const char *src, size_t len, const char *file, clif_jit *jit,
                        const toy_builtin *builtins, uint32_t nbuiltins, int want_clif,
                        toy_program *out);

#endif
