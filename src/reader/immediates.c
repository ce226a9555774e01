/* Immediates as operands: integers of every width, floats, offsets,
 * constant data (vector literals and hex constants) and memory flags. The
 * literal rules themselves are in numbers.c. */
#include "reader/parser.h"

#include <string.h>

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
#define X(ID, N, BIT) {N, CLIF_MEM_##ID},
    CLIF_MEM_FLAGS(X)
#undef X
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
