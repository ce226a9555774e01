/* The toy language's lexer: identifiers, keywords, decimal integers,
 * operators and punctuation; `#` starts a comment; newlines are tokens
 * (they end statements). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "toy.h"

static const struct {
    const char *text;
    tok_kind kind;
} keywords[] = {
    {"fn", T_FN}, {"if", T_IF}, {"else", T_ELSE}, {"while", T_WHILE}, {"return", T_RETURN},
};

static const struct {
    const char *text;
    tok_kind kind;
} puncts[] = {
    /* two-character ones first */
    {"||", T_OR},   {"&&", T_AND},   {"==", T_EQ},    {"!=", T_NE},    {"<=", T_LE},
    {">=", T_GE},   {"(", T_LPAREN}, {")", T_RPAREN}, {"{", T_LBRACE}, {"}", T_RBRACE},
    {",", T_COMMA}, {";", T_SEMI},   {"=", T_ASSIGN}, {"<", T_LT},     {">", T_GT},
    {"+", T_PLUS},  {"-", T_MINUS},  {"*", T_STAR},   {"/", T_SLASH},  {"%", T_PERCENT},
    {"!", T_NOT},
};

const char *toy_tok_name(tok_kind k) {
    switch (k) {
    case T_EOF: return "end of file";
    case T_NEWLINE: return "end of line";
    case T_IDENT: return "a name";
    case T_NUMBER: return "a number";
    default: break;
    }
    for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++)
        if (keywords[i].kind == k) return keywords[i].text;
    for (size_t i = 0; i < sizeof puncts / sizeof puncts[0]; i++)
        if (puncts[i].kind == k) return puncts[i].text;
    return "?";
}

static void push(token_list *t, uint32_t *cap, token tok) {
    if (t->n == *cap) {
        *cap = *cap ? 2 * *cap : 256;
        token *grown = realloc(t->toks, *cap * sizeof *grown);
        if (!grown) abort();
        t->toks = grown;
    }
    t->toks[t->n++] = tok;
}

clif_error *toy_lex(const char *src, size_t len, const char *file, token_list *out) {
    out->toks = NULL;
    out->n = 0;
    uint32_t cap = 0, line = 1, col = 1;
    size_t i = 0;
    while (i < len) {
        char c = src[i];
        token tok = {T_EOF, line, col, src + i, 1, 0};
        if (c == '\n') {
            tok.kind = T_NEWLINE;
            push(out, &cap, tok);
            i++;
            line++;
            col = 1;
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\r') {
            i++;
            col++;
            continue;
        }
        if (c == '#') {
            while (i < len && src[i] != '\n')
                i++;
            continue;
        }
        size_t start = i;
        if (isalpha((unsigned char)c) || c == '_') {
            while (i < len && (isalnum((unsigned char)src[i]) || src[i] == '_'))
                i++;
            tok.kind = T_IDENT;
            tok.len = (uint32_t)(i - start);
            for (size_t k = 0; k < sizeof keywords / sizeof keywords[0]; k++)
                if (strlen(keywords[k].text) == tok.len &&
                    memcmp(keywords[k].text, tok.text, tok.len) == 0)
                    tok.kind = keywords[k].kind;
        } else if (isdigit((unsigned char)c)) {
            uint64_t v = 0;
            while (i < len && isdigit((unsigned char)src[i])) {
                unsigned d = (unsigned)(src[i] - '0');
                if (v > (UINT64_C(9223372036854775807) - d) / 10) {
                    toy_tokens_free(out);
                    clif_location loc = {file, line, col};
                    return clif_error_new(CLIF_ERR_PARSE, loc, "number too large for 64 bits");
                }
                v = v * 10 + d;
                i++;
            }
            tok.kind = T_NUMBER;
            tok.len = (uint32_t)(i - start);
            tok.value = (int64_t)v;
        } else {
            size_t k = 0;
            for (; k < sizeof puncts / sizeof puncts[0]; k++) {
                size_t n = strlen(puncts[k].text);
                if (i + n <= len && memcmp(puncts[k].text, src + i, n) == 0) break;
            }
            if (k == sizeof puncts / sizeof puncts[0]) {
                toy_tokens_free(out);
                clif_location loc = {file, line, col};
                if (isprint((unsigned char)c))
                    return clif_error_new(CLIF_ERR_PARSE, loc, "unexpected character '%c'", c);
                return clif_error_new(CLIF_ERR_PARSE, loc, "unexpected byte 0x%02x",
                                      (unsigned char)c);
            }
            tok.kind = puncts[k].kind;
            tok.len = (uint32_t)strlen(puncts[k].text);
            i += tok.len;
        }
        col += (uint32_t)(i - start);
        push(out, &cap, tok);
    }
    token eof = {T_EOF, line, col, src + len, 0, 0};
    push(out, &cap, eof);
    return NULL;
}

void toy_tokens_free(token_list *t) {
    free(t->toks);
    t->toks = NULL;
    t->n = 0;
}
