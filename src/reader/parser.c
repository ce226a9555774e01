/* Parser core: the lookahead token, errors, entity numbers and the small
 * sub-grammars shared by declarations, instructions and run commands. */
#include "reader/parser.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void rd_parser_init(rd_parser *p, const char *text, size_t len, const char *path, uint32_t line,
                    uint32_t col) {
    memset(p, 0, sizeof *p);
    rd_lex_init(&p->lx, text, len, line, col);
    p->path = path;
    p->block = CLIF_NONE;
    p->default_cc = CLIF_CC_FAST;
    /* Numbers up to 16 x the input size; 16 bytes of entity arrays per allowed number. */
    uint64_t bound = 16 * (uint64_t)len + 1024;
    p->limit = bound < CLIF_MAX_ENTITIES ? (uint32_t)bound : CLIF_MAX_ENTITIES;
    p->budget = 16 * bound;
}

void rd_parser_free(rd_parser *p) {
    vec_free(p->csrc);
    vec_free(p->uses);
    vec_free(p->args);
    vec_free(p->results);
    vec_free(p->params);
    vec_free(p->types);
    vec_free(p->chash);
}

static char *dup_trimmed(const char *s, size_t n) {
    while (n > 0 && (s[0] == ' ' || s[0] == '\t' || s[0] == '\r'))
        s++, n--;
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        n--;
    char *r = cl_xmalloc(n + 1);
    memcpy(r, s, n);
    r[n] = 0;
    return r;
}

static void record_comment(rd_parser *p, const rd_token *t) {
    clif_test_file *tf = p->tf;
    if (!tf) return;
    if ((tf->ncomments & (tf->ncomments - 1)) == 0) {
        size_t cap = tf->ncomments ? 2 * (size_t)tf->ncomments : 8;
        tf->comments = cl_xrealloc(tf->comments, cap * sizeof *tf->comments);
    }
    clif_comment c = {t->line, dup_trimmed(t->text + 1, t->len - 1)};
    tf->comments[tf->ncomments++] = c;
    rd_comment_src s = {(uint32_t)(t->text - p->lx.src), t->len, t->line, t->col};
    vec_push(p->csrc, s);
}

const rd_token *rd_peek(rd_parser *p) {
    while (!p->have_tok) {
        rd_lex_next(&p->lx, &p->tok);
        if (p->tok.kind == T_COMMENT)
            record_comment(p, &p->tok);
        else
            p->have_tok = true;
    }
    return &p->tok;
}

void rd_next(rd_parser *p) {
    rd_peek(p);
    p->have_tok = false;
}

bool rd_at(rd_parser *p, rd_tok_kind k) {
    return rd_peek(p)->kind == k;
}

bool rd_accept(rd_parser *p, rd_tok_kind k) {
    if (!rd_at(p, k)) return false;
    rd_next(p);
    return true;
}

bool rd_at_ident(rd_parser *p, const char *word) {
    const rd_token *t = rd_peek(p);
    return t->kind == T_IDENT && t->len == strlen(word) && memcmp(t->text, word, t->len) == 0;
}

static bool vfail(rd_parser *p, uint32_t line, uint32_t col, const char *fmt, va_list ap) {
    if (p->err) return false;
    clif_location loc = {p->path, line, col};
    p->err = clif_error_newv(CLIF_ERR_PARSE, loc, fmt, ap);
    return false;
}

bool rd_fail_at(rd_parser *p, uint32_t line, uint32_t col, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vfail(p, line, col, fmt, ap);
    va_end(ap);
    return false;
}

bool rd_fail(rd_parser *p, const char *fmt, ...) {
    const rd_token *t = rd_peek(p);
    if (t->kind == T_INVALID) {
        char what[32];
        if (t->text[0] == '"') return rd_fail_at(p, t->line, t->col, "unterminated string");
        return rd_fail_at(p, t->line, t->col, "invalid character %s",
                          rd_token_describe(t, what, sizeof what));
    }
    va_list ap;
    va_start(ap, fmt);
    vfail(p, t->line, t->col, fmt, ap);
    va_end(ap);
    return false;
}

bool rd_expect(rd_parser *p, rd_tok_kind k, const char *msg) {
    if (rd_accept(p, k)) return true;
    return rd_fail(p, "%s", msg);
}

/* ---- Entity numbers ---- */

bool rd_check_number(rd_parser *p, const rd_token *t) {
    if (!t->overflow && t->num < p->limit) return true;
    return rd_fail_at(p, t->line, t->col,
                      "entity number too large: '%.*s' (numbers in this input must be below %u)",
                      (int)t->len, t->text, p->limit);
}

bool rd_charge(rd_parser *p, const rd_token *t, uint32_t have, uint32_t want, size_t elem) {
    if (want <= have) return true;
    uint64_t cost = ((uint64_t)want - have) * elem;
    if (cost > p->budget)
        return rd_fail_at(p, t->line, t->col,
                          "entity numbers too large for the size of the input at '%.*s'",
                          (int)t->len, t->text);
    p->budget -= cost;
    return true;
}

bool rd_ensure_block(rd_parser *p, const rd_token *t) {
    if (t->num >= RD_MAX_BLOCKS) return rd_fail_at(p, t->line, t->col, "too many blocks");
    if (!rd_charge(p, t, p->f->blocks.len, t->num + 1, sizeof(block_data))) return false;
    ir_ensure_blocks(p->f, t->num + 1);
    return true;
}

bool rd_match_entity(rd_parser *p, rd_tok_kind k, const char *msg, uint32_t *num) {
    const rd_token *t = rd_peek(p);
    if (t->kind != k) return rd_fail(p, "%s", msg);
    if (!rd_check_number(p, t)) return false;
    *num = t->num;
    rd_next(p);
    return true;
}

bool rd_match_type(rd_parser *p, const char *msg, clif_type *ty) {
    const rd_token *t = rd_peek(p);
    if (t->kind != T_TYPE) return rd_fail(p, "%s", msg);
    *ty = t->type;
    rd_next(p);
    return true;
}

bool rd_match_value(rd_parser *p, const char *msg, uint32_t *v) {
    const rd_token *t = rd_peek(p);
    if (t->kind != T_VALUE) return rd_fail(p, "%s", msg);
    if (!rd_check_number(p, t)) return false;
    *v = t->num;
    const clif_func *f = p->f;
    if (f && (t->num >= f->values.len || f->values.data[t->num].kind == VK_UNUSED)) {
        rd_use u = {t->num, t->line, t->col};
        vec_push(p->uses, u);
    }
    rd_next(p);
    return true;
}

/* ---- Names and block calls ---- */

bool rd_parse_external_name(rd_parser *p, name_data *out) {
    const rd_token *t = rd_peek(p);
    memset(out, 0, sizeof *out);
    if (t->kind == T_NAME) {
        out->kind = CLIF_NAME_TESTCASE;
        out->str = ir_intern(p->f, t->text, t->len);
        rd_next(p);
        return true;
    }
    if (t->kind == T_USERNAME)
        return rd_fail(p, "unsupported: predeclared external names ('userextname')");
    if (t->kind != T_USER) return rd_fail(p, "expected external name");
    if (t->overflow) return rd_fail(p, "the integer given overflows the u32 type");
    out->kind = CLIF_NAME_USER;
    out->ns = t->num;
    rd_next(p);
    if (!rd_expect(p, T_COLON, "expected colon")) return false;
    t = rd_peek(p);
    if (t->kind != T_INTEGER) return rd_fail(p, "expected integer");
    uint64_t idx = 0;
    for (uint32_t i = 0; i < t->len; i++) {
        if (t->text[i] < '0' || t->text[i] > '9' ||
            (idx = idx * 10 + (uint64_t)(t->text[i] - '0')) > UINT32_MAX)
            return rd_fail(p, "the integer given overflows the u32 type");
    }
    out->index = (uint32_t)idx;
    rd_next(p);
    return true;
}

bool rd_parse_block_call(rd_parser *p, const char *msg, uint32_t *index) {
    const rd_token *t = rd_peek(p);
    if (t->kind != T_BLOCK) return rd_fail(p, "%s", msg);
    if (!rd_check_number(p, t) || !rd_ensure_block(p, t)) return false;
    clif_block b = t->num;
    rd_next(p);
    uint32_t start = p->args.len;
    if (rd_accept(p, T_LPAR) && !rd_accept(p, T_RPAR)) {
        do {
            t = rd_peek(p);
            uint32_t a;
            if (t->kind == T_VALUE) {
                if (!rd_match_value(p, "expected block argument", &a)) return false;
            } else if (t->kind == T_RET || t->kind == T_EXN) {
                if (!rd_check_number(p, t)) return false;
                a = t->kind == T_RET ? CLIF_BLOCKARG_RET(t->num) : CLIF_BLOCKARG_EXN(t->num);
                rd_next(p);
            } else {
                return rd_fail(p, "expected block argument");
            }
            vec_push(p->args, a);
        } while (rd_accept(p, T_COMMA));
        if (!rd_expect(p, T_RPAR, "expected ')' after arguments")) return false;
    }
    uint32_t n = p->args.len - start;
    clif_block_call bc = {b, n ? p->args.data + start : NULL, n};
    *index = ir_add_block_call(p->f, &bc);
    p->args.len = start;
    return true;
}
