/* The CLIF lexer. The token classes follow Cranelift's reader: numbers run
 * over letters, digits, `_`, `-` and `.`; words that are a known prefix and a
 * number without leading zeros are entity references; words that name a type
 * are types. */
#include "reader/lexer.h"

#include <stdio.h>
#include <string.h>

void rd_lex_init(rd_lexer *lx, const char *src, size_t len, uint32_t line, uint32_t col) {
    lx->src = src;
    lx->len = len;
    lx->pos = 0;
    lx->line = line;
    lx->line_start = 0;
    lx->col0 = col;
}

static bool is_digit(int c) {
    return c >= '0' && c <= '9';
}
static bool is_alpha(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
static bool is_alnum(int c) {
    return is_alpha(c) || is_digit(c);
}
static bool is_hex(int c) {
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int peek_at(const rd_lexer *lx, size_t off) {
    return lx->pos + off < lx->len ? (unsigned char)lx->src[lx->pos + off] : -1;
}

static bool looking_at(const rd_lexer *lx, const char *s) {
    size_t n = strlen(s);
    return lx->len - lx->pos >= n && memcmp(lx->src + lx->pos, s, n) == 0;
}

/* Advances one character, counting lines. */
static void advance(rd_lexer *lx) {
    if (lx->pos >= lx->len) return;
    if (lx->src[lx->pos] == '\n') {
        lx->line++;
        lx->line_start = lx->pos + 1;
        lx->col0 = 1;
    }
    lx->pos++;
}

static uint32_t column(const rd_lexer *lx) {
    return (uint32_t)(lx->pos - lx->line_start) + lx->col0;
}

static void start(rd_lexer *lx, rd_token *tok, rd_tok_kind kind) {
    memset(tok, 0, sizeof *tok);
    tok->kind = kind;
    tok->text = lx->src + lx->pos;
    tok->line = lx->line;
    tok->col = column(lx);
}

static void finish(rd_lexer *lx, rd_token *tok) {
    tok->len = (uint32_t)(lx->src + lx->pos - tok->text);
}

void rd_lex_rest_of_line(rd_lexer *lx, const char **text, size_t *len) {
    size_t begin = lx->pos;
    while (lx->pos < lx->len && lx->src[lx->pos] != '\n')
        advance(lx);
    *text = lx->src + begin;
    *len = lx->pos - begin;
}

/* After a sign: does a number follow? */
static bool looking_at_numeric(const rd_lexer *lx) {
    int c = peek_at(lx, 0);
    if (is_digit(c) || c == '-' || c == '+' || c == '.') return true;
    return looking_at(lx, "NaN") || looking_at(lx, "Inf") || looking_at(lx, "sNaN");
}

static void scan_number(rd_lexer *lx, rd_token *tok) {
    start(lx, tok, T_INTEGER);
    bool is_float = false;
    int c = peek_at(lx, 0);
    if (c == '-' || c == '+') {
        advance(lx);
        if (!looking_at_numeric(lx)) {
            tok->kind = c == '-' ? T_MINUS : T_PLUS;
            finish(lx, tok);
            return;
        }
    }
    if (looking_at(lx, "NaN:") || looking_at(lx, "sNaN:")) {
        /* Skip the prefix up to the colon: the payload follows. */
        while (peek_at(lx, 0) != ':')
            advance(lx);
        is_float = true;
    } else if (looking_at(lx, "NaN") || looking_at(lx, "Inf")) {
        is_float = true;
    }
    for (;;) {
        advance(lx);
        c = peek_at(lx, 0);
        if (c == '.')
            is_float = true;
        else if (c != '-' && c != '_' && !is_alnum(c))
            break;
    }
    if (is_float) tok->kind = T_FLOAT;
    finish(lx, tok);
}

static const struct {
    const char *prefix;
    rd_tok_kind kind;
} entity_prefixes[] = {
    {"v", T_VALUE},
    {"block", T_BLOCK},
    {"ss", T_SS},
    {"dss", T_DSS},
    {"dt", T_DT},
    {"gv", T_GV},
    {"jt", T_JT},
    {"const", T_CONST},
    {"fn", T_FN},
    {"sig", T_SIG},
    {"mt", T_MT},
    {"u", T_USER},
    {"userextname", T_USERNAME},
    {"ret", T_RET},
    {"exn", T_EXN},
    {"tag", T_TAG},
};

/* Splits `word` into a prefix and a decimal number without leading zeros. */
static bool classify_entity(rd_token *tok) {
    uint32_t n = tok->len, digits = 0;
    while (digits < n && is_digit((unsigned char)tok->text[n - 1 - digits]))
        digits++;
    if (digits == 0 || (digits > 1 && tok->text[n - digits] == '0')) return false;
    uint32_t plen = n - digits;
    for (size_t i = 0; i < sizeof entity_prefixes / sizeof entity_prefixes[0]; i++) {
        const char *p = entity_prefixes[i].prefix;
        if (strlen(p) != plen || memcmp(p, tok->text, plen) != 0) continue;
        uint64_t num = 0;
        for (uint32_t k = plen; k < n; k++) {
            num = num * 10 + (uint64_t)(tok->text[k] - '0');
            if (num > UINT32_MAX) tok->overflow = true;
            if (num > UINT32_MAX) num = UINT32_MAX;
        }
        tok->kind = entity_prefixes[i].kind;
        tok->num = (uint32_t)num;
        return true;
    }
    return false;
}

static void scan_word(rd_lexer *lx, rd_token *tok) {
    start(lx, tok, T_IDENT);
    while (peek_at(lx, 0) == '_' || is_alnum(peek_at(lx, 0)))
        advance(lx);
    finish(lx, tok);
    if (classify_entity(tok)) return;
    clif_type t = clif_type_parse(tok->text, tok->len);
    if (t != CLIF_TYPE_INVALID) {
        tok->kind = T_TYPE;
        tok->type = t;
    } else if (tok->len == 4 && memcmp(tok->text, "cold", 4) == 0) {
        tok->kind = T_COLD;
    }
}

/* %name, #hex, @srcloc: a sigil and a run of characters. */
static void scan_sigil(rd_lexer *lx, rd_token *tok, rd_tok_kind kind, bool (*ok)(int)) {
    start(lx, tok, kind);
    advance(lx);
    tok->text++;
    while (ok(peek_at(lx, 0)))
        advance(lx);
    finish(lx, tok);
}

static bool name_char(int c) {
    return c == '_' || is_alnum(c);
}

static void scan_string(rd_lexer *lx, rd_token *tok) {
    start(lx, tok, T_STRING);
    advance(lx);
    tok->text++;
    while (lx->pos < lx->len && lx->src[lx->pos] != '"')
        advance(lx);
    if (lx->pos >= lx->len) {
        /* Unterminated: report at the opening quote. */
        tok->kind = T_INVALID;
        tok->text--;
        tok->len = 1;
        return;
    }
    finish(lx, tok);
    advance(lx);
}

static void single(rd_lexer *lx, rd_token *tok, rd_tok_kind kind, uint32_t n) {
    start(lx, tok, kind);
    for (uint32_t i = 0; i < n; i++)
        advance(lx);
    finish(lx, tok);
}

void rd_lex_next(rd_lexer *lx, rd_token *tok) {
    for (;;) {
        int c = peek_at(lx, 0);
        switch (c) {
        case -1: start(lx, tok, T_EOF); return;
        case ' ':
        case '\t':
        case '\n':
        case '\r':
        case '\v':
        case '\f': advance(lx); continue;
        case ';':
            start(lx, tok, T_COMMENT);
            while (lx->pos < lx->len && lx->src[lx->pos] != '\n')
                advance(lx);
            finish(lx, tok);
            return;
        case '(': single(lx, tok, T_LPAR, 1); return;
        case ')': single(lx, tok, T_RPAR, 1); return;
        case '{': single(lx, tok, T_LBRACE, 1); return;
        case '}': single(lx, tok, T_RBRACE, 1); return;
        case '[': single(lx, tok, T_LBRACKET, 1); return;
        case ']': single(lx, tok, T_RBRACKET, 1); return;
        case ',': single(lx, tok, T_COMMA, 1); return;
        case '.': single(lx, tok, T_DOT, 1); return;
        case ':': single(lx, tok, T_COLON, 1); return;
        case '=': single(lx, tok, T_EQUAL, 1); return;
        case '!': single(lx, tok, T_BANG, 1); return;
        case '*': single(lx, tok, T_STAR, 1); return;
        case '+': scan_number(lx, tok); return;
        case '-':
            if (peek_at(lx, 1) == '>')
                single(lx, tok, T_ARROW, 2);
            else
                scan_number(lx, tok);
            return;
        case '%': scan_sigil(lx, tok, T_NAME, name_char); return;
        case '#': scan_sigil(lx, tok, T_HEXSEQ, is_hex); return;
        case '@': scan_sigil(lx, tok, T_SRCLOC, is_hex); return;
        case '"': scan_string(lx, tok); return;
        default:
            if (is_digit(c)) {
                scan_number(lx, tok);
            } else if (is_alpha(c) || c == '_') {
                if (looking_at(lx, "NaN") || looking_at(lx, "Inf") || looking_at(lx, "sNaN"))
                    scan_number(lx, tok);
                else
                    scan_word(lx, tok);
            } else {
                single(lx, tok, T_INVALID, 1);
            }
            return;
        }
    }
}

const char *rd_token_describe(const rd_token *tok, char *buf, size_t size) {
    switch (tok->kind) {
    case T_EOF: snprintf(buf, size, "end of file"); break;
    case T_INVALID:
        if ((unsigned char)tok->text[0] >= 0x20 && (unsigned char)tok->text[0] < 0x7f)
            snprintf(buf, size, "'%c'", tok->text[0]);
        else
            snprintf(buf, size, "byte 0x%02x", (unsigned char)tok->text[0]);
        break;
    default: {
        int n = tok->len > 40 ? 40 : (int)tok->len;
        const char *pre = tok->kind == T_NAME ? "%" : "";
        snprintf(buf, size, "'%s%.*s%s'", pre, n, tok->text, tok->len > 40 ? "..." : "");
        break;
    }
    }
    return buf;
}
