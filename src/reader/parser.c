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

/* ---- Immediates ---- */

static bool number_error(rd_parser *p, const rd_token *t, const char *err) {
    return rd_fail_at(p, t->line, t->col, "%s: '%.*s'", err, (int)t->len, t->text);
}

bool rd_match_imm64(rd_parser *p, const char *msg, uint64_t *v) {
    const rd_token *t = rd_peek(p);
    const char *err;
    if (t->kind != T_INTEGER) return rd_fail(p, "%s", msg);
    if (!rd_parse_imm64(t->text, t->len, v, &err)) return number_error(p, t, err);
    rd_next(p);
    return true;
}

bool rd_match_imm_bits(rd_parser *p, const char *msg, unsigned bits, rd_u128 *v) {
    const rd_token *t = rd_peek(p);
    const char *err;
    if (t->kind != T_INTEGER) return rd_fail(p, "%s", msg);
    if (!rd_parse_imm_bits(t->text, t->len, bits, v, &err)) return number_error(p, t, err);
    rd_next(p);
    return true;
}

bool rd_match_uimm8(rd_parser *p, const char *msg, uint8_t *v) {
    const rd_token *t = rd_peek(p);
    const char *err;
    if (t->kind != T_INTEGER) return rd_fail(p, "%s", msg);
    if (!rd_parse_uimm8(t->text, t->len, v, &err)) return number_error(p, t, err);
    rd_next(p);
    return true;
}

bool rd_match_uimm32(rd_parser *p, const char *msg, uint32_t *v) {
    const rd_token *t = rd_peek(p);
    const char *err;
    if (t->kind != T_INTEGER) return rd_fail(p, "%s", msg);
    if (!rd_parse_uimm32(t->text, t->len, v, &err)) return number_error(p, t, err);
    rd_next(p);
    return true;
}

bool rd_match_float(rd_parser *p, const char *msg, clif_type ty, rd_u128 *bits) {
    unsigned w, tb;
    switch (ty) {
    case CLIF_F16: w = 5, tb = 10; break;
    case CLIF_F32: w = 8, tb = 23; break;
    case CLIF_F64: w = 11, tb = 52; break;
    case CLIF_F128: w = 15, tb = 112; break;
    default: return rd_fail(p, "%s", msg);
    }
    const rd_token *t = rd_peek(p);
    const char *err;
    if (t->kind != T_FLOAT) return rd_fail(p, "%s", msg);
    if (!rd_parse_float(t->text, t->len, w, tb, bits, &err)) return number_error(p, t, err);
    rd_next(p);
    return true;
}

/* An integer token starting with a sign, or nothing. */
static const rd_token *signed_integer(rd_parser *p) {
    const rd_token *t = rd_peek(p);
    if (t->kind == T_INTEGER && (t->text[0] == '+' || t->text[0] == '-')) return t;
    return NULL;
}

bool rd_optional_offset32(rd_parser *p, int32_t *off) {
    const rd_token *t = signed_integer(p);
    const char *err;
    *off = 0;
    if (!t) return true;
    if (!rd_parse_offset32(t->text, t->len, off, &err)) return number_error(p, t, err);
    rd_next(p);
    return true;
}

bool rd_optional_offset_imm64(rd_parser *p, int64_t *off) {
    const rd_token *t = signed_integer(p);
    const char *err;
    uint64_t v;
    *off = 0;
    if (!t) return true;
    if (!rd_parse_imm64(t->text, t->len, &v, &err)) return number_error(p, t, err);
    *off = (int64_t)v;
    rd_next(p);
    return true;
}

bool rd_match_hex_constant(rd_parser *p, const char *msg, uint8_t bytes[16], uint32_t *len) {
    const rd_token *t = rd_peek(p);
    const char *err;
    if (t->kind != T_INTEGER) return rd_fail(p, "%s", msg);
    if (!rd_parse_hex_bytes(t->text, t->len, bytes, len, &err))
        return rd_fail_at(p, t->line, t->col, "expected hexadecimal immediate, failed to parse: %s",
                          err);
    rd_next(p);
    return true;
}

/* Appends one lane literal of type `lane` at bytes[*len]. */
static bool match_lane(rd_parser *p, clif_type lane, uint8_t bytes[16], uint32_t *len) {
    rd_u128 v = {0, 0};
    unsigned nbytes = clif_type_bytes(lane);
    bool ok;
    switch (lane) {
    case CLIF_I8: ok = rd_match_imm_bits(p, "Expected an 8-bit integer", 8, &v); break;
    case CLIF_I16: ok = rd_match_imm_bits(p, "Expected a 16-bit integer", 16, &v); break;
    case CLIF_I32: ok = rd_match_imm_bits(p, "Expected a 32-bit integer", 32, &v); break;
    case CLIF_I64: ok = rd_match_imm64(p, "Expected a 64-bit integer", &v.lo); break;
    case CLIF_F16: ok = rd_match_float(p, "Expected a 16-bit float", lane, &v); break;
    case CLIF_F32: ok = rd_match_float(p, "Expected a 32-bit float", lane, &v); break;
    case CLIF_F64: ok = rd_match_float(p, "Expected a 64-bit float", lane, &v); break;
    default: return rd_fail(p, "Expected a type of: float, int, bool");
    }
    if (!ok) return false;
    for (unsigned i = 0; i < nbytes; i++)
        bytes[*len + i] = (uint8_t)(i < 8 ? v.lo >> (8 * i) : v.hi >> (8 * (i - 8)));
    *len += nbytes;
    return true;
}

bool rd_match_constant_data(rd_parser *p, clif_type ty, uint8_t bytes[16], uint32_t *len) {
    char name[32];
    uint32_t expected = clif_type_bytes(ty);
    if (expected > 16)
        return rd_fail(p, "unsupported: constants wider than 128 bits (%s)",
                       clif_type_name(ty, name, sizeof name));
    memset(bytes, 0, 16);
    *len = 0;
    if (rd_accept(p, T_LBRACKET)) {
        if (!clif_type_is_vector(ty))
            return rd_fail(p, "Expected a controlling vector type, not %s",
                           clif_type_name(ty, name, sizeof name));
        for (unsigned i = 0; i < clif_type_lanes(ty); i++)
            if (!match_lane(p, clif_type_lane(ty), bytes, len)) return false;
        if (!rd_expect(p, T_RBRACKET, "expected a terminating right bracket")) return false;
    } else {
        if (!rd_match_hex_constant(p, "expected an immediate hexadecimal operand", bytes, len))
            return false;
        if (*len < expected) *len = expected; /* zero-extended */
    }
    if (*len != expected) return rd_fail(p, "expected parsed constant to have %u bytes", expected);
    return true;
}

/* ---- Memory flags ---- */

static const char *const region_names[] = {
#define X(ID, N) N,
    CLIF_MEM_REGIONS(X)
#undef X
};

static const struct {
    const char *name;
    clif_memflags bit;
} flag_names[] = {
    {"aligned", CLIF_MEM_ALIGNED}, {"readonly", CLIF_MEM_READONLY}, {"little", CLIF_MEM_LITTLE},
    {"big", CLIF_MEM_BIG},         {"checked", CLIF_MEM_CHECKED},   {"can_move", CLIF_MEM_CAN_MOVE},
};

static bool word_is(const rd_token *t, const char *w) {
    return t->len == strlen(w) && memcmp(t->text, w, t->len) == 0;
}

bool rd_optional_memflags(rd_parser *p, clif_memflags *flags) {
    clif_memflags f = 0;
    for (;;) {
        const rd_token *t = rd_peek(p);
        if (t->kind != T_IDENT) break;
        bool known = false;
        if (word_is(t, "notrap")) {
            f = (f & ~(clif_memflags)0xff00) | CLIF_MEM_NOTRAP;
            known = true;
        }
        for (size_t i = 0; !known && i < sizeof flag_names / sizeof flag_names[0]; i++) {
            if (!word_is(t, flag_names[i].name)) continue;
            clif_memflags other = flag_names[i].bit == CLIF_MEM_LITTLE ? CLIF_MEM_BIG
                                  : flag_names[i].bit == CLIF_MEM_BIG  ? CLIF_MEM_LITTLE
                                                                       : 0;
            if (f & other) return rd_fail(p, "cannot set both big and little endian bits");
            f |= flag_names[i].bit;
            known = true;
        }
        for (size_t i = 0; !known && i < sizeof region_names / sizeof region_names[0]; i++) {
            if (!word_is(t, region_names[i])) continue;
            if (f >> 16) return rd_fail(p, "cannot set more than one alias region");
            f |= (clif_memflags)(i + 1) << 16;
            known = true;
        }
        if (!known) {
            clif_trap_code code = clif_trap_from_name(t->text, t->len);
            if (code == CLIF_TRAP_NONE) break;
            /* heap_oob is the default code: stored as 0. */
            if (code == CLIF_TRAP_HEAP_OUT_OF_BOUNDS) code = 0;
            f = (f & ~((clif_memflags)0xff00 | CLIF_MEM_NOTRAP)) | ((clif_memflags)code << 8);
        }
        rd_next(p);
    }
    *flags = f;
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
    clif_block_call bc = {b, p->args.data + start, p->args.len - start};
    *index = ir_add_block_call(p->f, &bc);
    p->args.len = start;
    return true;
}
