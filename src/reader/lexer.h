/* The CLIF lexer: splits text into tokens with line and column. Tokens point
 * into the source; nothing is allocated. */
#ifndef CLIF_READER_LEXER_H
#define CLIF_READER_LEXER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "clif/types.h"

typedef enum rd_tok_kind {
    T_EOF,
    T_INVALID, /* a character no token starts with, or an unterminated string */
    T_COMMENT, /* `;` to the end of the line */
    T_LPAR,
    T_RPAR,
    T_LBRACE,
    T_RBRACE,
    T_LBRACKET,
    T_RBRACKET,
    T_MINUS,
    T_PLUS,
    T_COMMA,
    T_DOT,
    T_COLON,
    T_EQUAL,
    T_BANG,
    T_STAR,
    T_ARROW,
    T_FLOAT,   /* a number with a radix point, NaN or Inf */
    T_INTEGER, /* any other number (text may hold a sign, `0x`, `_`) */
    T_TYPE,    /* i32, f64x2, i32x4xN */
    T_COLD,    /* the `cold` block flag */
    T_NAME,    /* %name (text without the %) */
    T_STRING,  /* "text" (text without quotes) */
    T_HEXSEQ,  /* #89af */
    T_SRCLOC,  /* @00c7 */
    T_IDENT,   /* any other word: opcodes, flags, keywords */
    /* Numbered entities (num holds the number). */
    T_VALUE,    /* v12 */
    T_BLOCK,    /* block3 */
    T_SS,       /* ss3 */
    T_DSS,      /* dss3 */
    T_DT,       /* dt3 */
    T_GV,       /* gv3 */
    T_JT,       /* jt3 */
    T_CONST,    /* const3 */
    T_FN,       /* fn3 */
    T_SIG,      /* sig3 */
    T_MT,       /* mt3 */
    T_USER,     /* u3 (a user name namespace) */
    T_USERNAME, /* userextname3 */
    T_RET,      /* ret3 (try_call normal-return value) */
    T_EXN,      /* exn3 (try_call exception payload) */
    T_TAG,      /* tag3 (exception tag) */
} rd_tok_kind;

typedef struct rd_token {
    rd_tok_kind kind;
    const char *text; /* the token's text (for names and strings: without the sigil) */
    uint32_t len;
    uint32_t line, col;
    uint32_t num;   /* entity number */
    bool overflow;  /* the entity number does not fit in 32 bits */
    clif_type type; /* T_TYPE */
} rd_token;

typedef struct rd_lexer {
    const char *src;
    size_t len, pos;
    uint32_t line;
    size_t line_start; /* offset of the first character of the current line */
    uint32_t col0;     /* column of src[0] on the first line (run commands inside comments) */
} rd_lexer;

/* Starts lexing src[0..len) whose first character sits at line:col. */
void rd_lex_init(rd_lexer *lx, const char *src, size_t len, uint32_t line, uint32_t col);
/* Scans the next token, comments included. */
void rd_lex_next(rd_lexer *lx, rd_token *tok);
/* The text from the current position to the end of the line (without the
 * newline); the lexer continues on the next line. */
void rd_lex_rest_of_line(rd_lexer *lx, const char **text, size_t *len);
/* A short printable description of a token for messages ("'v3'", "end of file"). */
const char *rd_token_describe(const rd_token *tok, char *buf, size_t size);

#endif
