/* Signatures and the preamble of a function: stack slots, dynamic types,
 * global values, signatures, function references, constants, stack limit.
 * Each entity keeps the number the text gives it; numbers skipped stay
 * unused. */
#include "reader/parser.h"

#include <stdlib.h>
#include <string.h>

/* Grows an entity array so that index n exists, filling with `fill`. */
#define GROW_TO(vec, n, fill)                                                                      \
    do {                                                                                           \
        if ((n) >= (vec).len) {                                                                    \
            vec_reserve(vec, (n) + 1 - (vec).len);                                                 \
            while ((vec).len <= (n))                                                               \
                (vec).data[(vec).len++] = (fill);                                                  \
        }                                                                                          \
    } while (0)

/* ---- Signatures ---- */

static bool parse_abi_param(rd_parser *p) {
    clif_abi_param a = {0, CLIF_EXT_NONE, CLIF_ARG_NORMAL, 0};
    if (!rd_match_type(p, "expected parameter type", &a.type)) return false;
    for (;;) {
        const rd_token *t = rd_peek(p);
        if (t->kind != T_IDENT) break;
        int ext = ir_arg_ext_from_name(t->text, t->len);
        int purpose = ir_arg_purpose_from_name(t->text, t->len);
        if (ext >= 0) {
            a.ext = (uint8_t)ext;
        } else if (purpose == CLIF_ARG_STRUCT) {
            rd_next(p);
            if (!rd_expect(p, T_LPAR, "expected '(' to begin sarg size") ||
                !rd_match_uimm32(p, "expected byte-size in sarg decl", &a.size) ||
                !rd_expect(p, T_RPAR, "expected ')' to end sarg size"))
                return false;
            a.purpose = CLIF_ARG_STRUCT;
            continue;
        } else if (purpose >= 0) {
            a.purpose = (uint8_t)purpose;
        } else {
            break;
        }
        rd_next(p);
    }
    vec_push(p->params, a);
    return true;
}

static bool parse_abi_param_list(rd_parser *p) {
    do {
        if (!parse_abi_param(p)) return false;
    } while (rd_accept(p, T_COMMA));
    return true;
}

bool rd_parse_signature(rd_parser *p, sig_data *out) {
    clif_func *f = p->f;
    p->params.len = 0;
    if (!rd_expect(p, T_LPAR, "expected function signature: ( args... )")) return false;
    if (!rd_at(p, T_RPAR) && !parse_abi_param_list(p)) return false;
    if (!rd_expect(p, T_RPAR, "expected ')' after function arguments")) return false;
    uint32_t nparams = p->params.len;
    if (rd_accept(p, T_ARROW) && !parse_abi_param_list(p)) return false;
    clif_callconv cc = p->default_cc;
    const rd_token *t = rd_peek(p);
    if (t->kind == T_IDENT) {
        int c = clif_callconv_from_name(t->text, t->len);
        if (c < 0) return rd_fail(p, "unknown calling convention: %.*s", (int)t->len, t->text);
        cc = (clif_callconv)c;
        rd_next(p);
    }
    vec_reserve(f->abi_params, p->params.len);
    out->params = f->abi_params.len;
    out->nparams = nparams;
    out->returns = f->abi_params.len + nparams;
    out->nreturns = p->params.len - nparams;
    if (p->params.len)
        memcpy(f->abi_params.data + f->abi_params.len, p->params.data,
               p->params.len * sizeof *p->params.data);
    f->abi_params.len += p->params.len;
    out->callconv = (uint8_t)cc;
    out->used = true;
    return true;
}

/* ---- Constants, deduplicated by their bytes ---- */

static uint32_t hash_bytes(const uint8_t *b, uint32_t len) {
    uint32_t h = 2166136261u ^ len;
    for (uint32_t i = 0; i < len; i++)
        h = (h ^ b[i]) * 16777619u;
    return h;
}

static bool same_constant(const clif_func *f, uint32_t c, const uint8_t *b, uint32_t len) {
    const constant_data *d = &f->constants.data[c];
    return d->len == len && (len == 0 || memcmp(f->const_bytes.data + d->bytes, b, len) == 0);
}

/* The slot of `bytes` in the table: its entry, or the empty slot where it goes. */
static uint32_t *chash_slot(rd_parser *p, const uint8_t *b, uint32_t len) {
    uint32_t mask = p->chash.len - 1;
    for (uint32_t i = hash_bytes(b, len) & mask;; i = (i + 1) & mask) {
        uint32_t e = p->chash.data[i];
        if (e == 0 || same_constant(p->f, e - 1, b, len)) return &p->chash.data[i];
    }
}

/* Keeps the table at most half full for one more entry. */
static void chash_grow(rd_parser *p) {
    if (p->chash.len && 2 * (p->nchash + 1) <= p->chash.len) return;
    uint32_t cap = p->chash.len ? 2 * p->chash.len : 16;
    VEC(uint32_t) old = {p->chash.data, p->chash.len, p->chash.cap};
    p->chash.data = NULL;
    p->chash.len = p->chash.cap = 0;
    vec_reserve(p->chash, cap);
    memset(p->chash.data, 0, cap * sizeof *p->chash.data);
    p->chash.len = cap;
    for (uint32_t i = 0; i < old.len; i++) {
        uint32_t e = old.data[i];
        if (!e) continue;
        const constant_data *d = &p->f->constants.data[e - 1];
        *chash_slot(p, p->f->const_bytes.data + d->bytes, d->len) = e;
    }
    free(old.data);
}

/* Stores `bytes` as constant c and makes it the one the bytes map to. */
static void set_constant(rd_parser *p, uint32_t c, const uint8_t *bytes, uint32_t len, bool anon) {
    clif_func *f = p->f;
    constant_data d = {f->const_bytes.len, len, true, anon};
    vec_reserve(f->const_bytes, len);
    if (len) memcpy(f->const_bytes.data + f->const_bytes.len, bytes, len);
    f->const_bytes.len += len;
    f->constants.data[c] = d;
    chash_grow(p);
    uint32_t *slot = chash_slot(p, bytes, len);
    p->nchash += *slot == 0;
    *slot = c + 1;
}

uint32_t rd_intern_constant(rd_parser *p, const uint8_t *bytes, uint32_t len, bool anon) {
    clif_func *f = p->f;
    chash_grow(p);
    uint32_t e = *chash_slot(p, bytes, len);
    if (e) return e - 1;
    constant_data none = {0, 0, false, false};
    uint32_t c = f->constants.len;
    vec_push(f->constants, none);
    set_constant(p, c, bytes, len, anon);
    return c;
}

/* ---- Declarations ---- */

/* Checks a declaration's number and that it is not declared yet. */
static bool declare(rd_parser *p, const rd_token *t, uint32_t have, size_t elem, bool used) {
    if (!rd_check_number(p, t) || !rd_charge(p, t, have, t->num + 1, elem)) return false;
    if (used) return rd_fail_at(p, t->line, t->col, "duplicate entity: %.*s", (int)t->len, t->text);
    return true;
}

#define DECLARED(vec, n) ((n) < (vec).len && (vec).data[n].used)

/* ssN and dssN share one array (the kind tells them apart), so one number
 * cannot name both. */
static bool declare_slot(rd_parser *p, const rd_token *t, clif_stack_slot_kind kind) {
    const clif_func *f = p->f;
    if (DECLARED(f->stack_slots, t->num) && f->stack_slots.data[t->num].kind != kind)
        return rd_fail_at(p, t->line, t->col,
                          "unsupported: ss%u and dss%u in one function (stack slots and dynamic "
                          "stack slots share their numbers here)",
                          t->num, t->num);
    return declare(p, t, f->stack_slots.len, sizeof *f->stack_slots.data,
                   DECLARED(f->stack_slots, t->num));
}

static bool parse_stack_slot(rd_parser *p) {
    clif_func *f = p->f;
    rd_token t = *rd_peek(p);
    if (!declare_slot(p, &t, CLIF_SS_EXPLICIT)) return false;
    rd_next(p);
    if (!rd_expect(p, T_EQUAL, "expected '=' in stack slot declaration")) return false;
    if (!rd_at_ident(p, "explicit_slot")) return rd_fail(p, "expected stack slot kind");
    rd_next(p);
    uint64_t size, align = 1;
    rd_token st = *rd_peek(p), at = st;
    if (!rd_match_imm64(p, "expected byte-size in stack_slot decl", &size)) return false;
    if ((int64_t)size < 0) return rd_fail_at(p, st.line, st.col, "negative stack slot size");
    if (size > UINT32_MAX) return rd_fail_at(p, st.line, st.col, "stack slot too large");
    if (rd_accept(p, T_COMMA)) {
        if (!rd_at_ident(p, "align"))
            return rd_fail(p, "expected a valid stack-slot flag (currently only `align`)");
        rd_next(p);
        if (!rd_expect(p, T_EQUAL, "expected `=` after flag")) return false;
        at = *rd_peek(p);
        if (!rd_match_imm64(p, "expected alignment-size after `align` flag", &align)) return false;
        if (align > UINT32_MAX)
            return rd_fail_at(p, at.line, at.col, "alignment must be a 32-bit unsigned integer");
    }
    if (align == 0 || (align & (align - 1)))
        return rd_fail_at(p, at.line, at.col, "stack slot alignment is not a power of two");
    uint8_t shift = 0;
    while ((1ull << shift) < align)
        shift++;
    stack_slot_data none = {CLIF_SS_EXPLICIT, 0, 0, CLIF_NONE, false};
    GROW_TO(f->stack_slots, t.num, none);
    stack_slot_data d = {CLIF_SS_EXPLICIT, shift, (uint32_t)size, CLIF_NONE, true};
    f->stack_slots.data[t.num] = d;
    return true;
}

static bool parse_dyn_stack_slot(rd_parser *p) {
    clif_func *f = p->f;
    rd_token t = *rd_peek(p);
    if (!declare_slot(p, &t, CLIF_SS_EXPLICIT_DYNAMIC)) return false;
    rd_next(p);
    if (!rd_expect(p, T_EQUAL, "expected '=' in stack slot declaration")) return false;
    if (!rd_at_ident(p, "explicit_dynamic_slot")) return rd_fail(p, "expected stack slot kind");
    rd_next(p);
    uint32_t dt;
    if (!rd_match_entity(p, T_DT, "expected dynamic type", &dt)) return false;
    /* dt may be declared later: Cranelift writes dynamic slots before dynamic types. */
    stack_slot_data none = {CLIF_SS_EXPLICIT, 0, 0, CLIF_NONE, false};
    GROW_TO(f->stack_slots, t.num, none);
    stack_slot_data d = {CLIF_SS_EXPLICIT_DYNAMIC, 0, 0, dt, true};
    f->stack_slots.data[t.num] = d;
    return true;
}

static bool parse_dyn_type(rd_parser *p) {
    clif_func *f = p->f;
    rd_token t = *rd_peek(p);
    if (!declare(p, &t, f->dyn_types.len, sizeof *f->dyn_types.data, DECLARED(f->dyn_types, t.num)))
        return false;
    rd_next(p);
    clif_type base;
    uint32_t gv;
    if (!rd_expect(p, T_EQUAL, "expected '=' in stack slot declaration") ||
        !rd_match_type(p, "expected base type", &base))
        return false;
    if (!clif_type_is_vector(base) || clif_type_is_dynamic(base))
        return rd_fail(p, "expected a fixed-size vector type as the base of a dynamic type");
    if (!rd_expect(p, T_STAR, "expected '*' followed by a dynamic scale value") ||
        !rd_match_entity(p, T_GV, "expected dynamic scale global value", &gv))
        return false;
    dyn_type_data none = {CLIF_TYPE_INVALID, CLIF_NONE, false};
    GROW_TO(f->dyn_types, t.num, none);
    dyn_type_data d = {base, gv, true};
    f->dyn_types.data[t.num] = d;
    return true;
}

static bool match_dot_type(rd_parser *p, const char *dotmsg, const char *tymsg, clif_type *ty) {
    return rd_expect(p, T_DOT, dotmsg) && rd_match_type(p, tymsg, ty);
}

static bool parse_global_value(rd_parser *p) {
    clif_func *f = p->f;
    rd_token t = *rd_peek(p);
    if (!declare(p, &t, f->gvs.len, sizeof *f->gvs.data, DECLARED(f->gvs, t.num))) return false;
    rd_next(p);
    if (rd_at(p, T_BANG)) return rd_fail(p, "unsupported: proof-carrying code facts");
    if (!rd_expect(p, T_EQUAL, "expected '=' in global value declaration")) return false;
    rd_token k = *rd_peek(p);
    if (k.kind != T_IDENT) return rd_fail(p, "expected global value kind");
    gv_data d;
    memset(&d, 0, sizeof d);
    d.base = CLIF_NONE;
    d.used = true;
    if (rd_at_ident(p, "vmctx")) {
        rd_next(p);
        d.kind = CLIF_GV_VMCTX;
    } else if (rd_at_ident(p, "load")) {
        rd_next(p);
        int32_t off;
        d.kind = CLIF_GV_LOAD;
        if (!match_dot_type(p, "expected '.' followed by type in load global value decl",
                            "expected load type", &d.type) ||
            !rd_optional_memflags(p, &d.flags) ||
            !rd_match_entity(p, T_GV, "expected global value: gv«n»", &d.base) ||
            !rd_optional_offset32(p, &off))
            return false;
        d.offset = off;
        if ((d.flags & (CLIF_MEM_NOTRAP | CLIF_MEM_ALIGNED)) !=
            (CLIF_MEM_NOTRAP | CLIF_MEM_ALIGNED))
            return rd_fail_at(p, k.line, k.col, "global-value load must be notrap and aligned");
    } else if (rd_at_ident(p, "iadd_imm")) {
        rd_next(p);
        uint64_t imm;
        d.kind = CLIF_GV_IADD_IMM;
        if (!match_dot_type(p, "expected '.' followed by type in iadd_imm global value decl",
                            "expected iadd type", &d.type) ||
            !rd_match_entity(p, T_GV, "expected global value: gv«n»", &d.base) ||
            !rd_expect(p, T_COMMA, "expected ',' followed by rhs in iadd_imm global value decl") ||
            !rd_match_imm64(p, "expected iadd_imm immediate", &imm))
            return false;
        d.offset = (int64_t)imm;
    } else if (rd_at_ident(p, "symbol")) {
        rd_next(p);
        d.kind = CLIF_GV_SYMBOL;
        if (rd_at_ident(p, "colocated")) d.colocated = true, rd_next(p);
        if (rd_at_ident(p, "tls")) d.tls = true, rd_next(p);
        if (!rd_parse_external_name(p, &d.name) || !rd_optional_offset_imm64(p, &d.offset))
            return false;
    } else if (rd_at_ident(p, "dyn_scale_target_const")) {
        rd_next(p);
        d.kind = CLIF_GV_DYN_SCALE;
        if (!match_dot_type(p, "expected '.' followed by type in dynamic scale global value decl",
                            "expected load type", &d.type))
            return false;
        if (!clif_type_is_vector(d.type)) return rd_fail(p, "expected vector type");
    } else {
        return rd_fail(p, "Unknown global value kind '%.*s'", (int)k.len, k.text);
    }
    gv_data none;
    memset(&none, 0, sizeof none);
    none.base = CLIF_NONE;
    GROW_TO(f->gvs, t.num, none);
    f->gvs.data[t.num] = d;
    return true;
}

static sig_data unused_sig(const rd_parser *p) {
    sig_data s = {0, 0, 0, 0, (uint8_t)p->default_cc, false};
    return s;
}

static bool parse_signature_decl(rd_parser *p) {
    clif_func *f = p->f;
    rd_token t = *rd_peek(p);
    if (!declare(p, &t, f->sigs.len, sizeof *f->sigs.data, DECLARED(f->sigs, t.num))) return false;
    rd_next(p);
    sig_data s;
    if (!rd_expect(p, T_EQUAL, "expected '=' in signature decl") || !rd_parse_signature(p, &s))
        return false;
    GROW_TO(f->sigs, t.num, unused_sig(p));
    f->sigs.data[t.num] = s;
    return true;
}

static bool parse_function_decl(rd_parser *p) {
    clif_func *f = p->f;
    rd_token t = *rd_peek(p);
    if (!declare(p, &t, f->ext_funcs.len, sizeof *f->ext_funcs.data, DECLARED(f->ext_funcs, t.num)))
        return false;
    rd_next(p);
    ext_func_data d;
    memset(&d, 0, sizeof d);
    d.used = true;
    if (!rd_expect(p, T_EQUAL, "expected '=' in function decl")) return false;
    if (rd_at_ident(p, "colocated")) d.colocated = true, rd_next(p);
    if (!rd_parse_external_name(p, &d.name)) return false;
    const rd_token *s = rd_peek(p);
    if (s->kind == T_LPAR) {
        /* An inline signature becomes the next signature. */
        sig_data sd;
        if (!rd_charge(p, s, 0, 1, sizeof(sig_data)) || !rd_parse_signature(p, &sd)) return false;
        d.sig = f->sigs.len;
        vec_push(f->sigs, sd);
    } else if (s->kind == T_SIG) {
        if (!rd_check_number(p, s)) return false;
        if (!DECLARED(f->sigs, s->num)) return rd_fail(p, "undefined signature sig%u", s->num);
        d.sig = s->num;
        rd_next(p);
    } else {
        return rd_fail(p, "expected 'function' or sig«n» in function decl");
    }
    ext_func_data none;
    memset(&none, 0, sizeof none);
    none.sig = CLIF_NONE;
    GROW_TO(f->ext_funcs, t.num, none);
    f->ext_funcs.data[t.num] = d;
    return true;
}

static bool parse_constant_decl(rd_parser *p) {
    clif_func *f = p->f;
    rd_token t = *rd_peek(p);
    if (!declare(p, &t, f->constants.len, sizeof *f->constants.data,
                 DECLARED(f->constants, t.num) && !f->constants.data[t.num].anon))
        return false;
    rd_next(p);
    uint8_t bytes[16];
    uint32_t len;
    clif_type ty;
    if (!rd_expect(p, T_EQUAL, "expected '=' in constant decl")) return false;
    if (rd_at(p, T_TYPE)) {
        if (!rd_match_type(p, "expected type of constant", &ty) ||
            !rd_match_constant_data(p, ty, bytes, &len))
            return false;
    } else if (!rd_match_hex_constant(p, "expected an immediate hexadecimal operand", bytes,
                                      &len)) {
        return false;
    }
    constant_data none = {0, 0, false, false};
    GROW_TO(f->constants, t.num, none);
    set_constant(p, t.num, bytes, len, false);
    return true;
}

static bool parse_stack_limit(rd_parser *p) {
    clif_func *f = p->f;
    rd_next(p);
    uint32_t gv;
    if (!rd_expect(p, T_EQUAL, "expected '=' in stack limit decl") ||
        !rd_match_entity(p, T_GV, "expected global value", &gv))
        return false;
    if (f->stack_limit != CLIF_NONE) return rd_fail(p, "stack limit defined twice");
    f->stack_limit = gv;
    return true;
}

bool rd_parse_preamble(rd_parser *p) {
    for (;;) {
        bool ok;
        switch (rd_peek(p)->kind) {
        case T_SS: ok = parse_stack_slot(p); break;
        case T_DSS: ok = parse_dyn_stack_slot(p); break;
        case T_DT: ok = parse_dyn_type(p); break;
        case T_GV: ok = parse_global_value(p); break;
        case T_SIG: ok = parse_signature_decl(p); break;
        case T_FN: ok = parse_function_decl(p); break;
        case T_CONST: ok = parse_constant_decl(p); break;
        case T_MT: return rd_fail(p, "unsupported: memory types (proof-carrying code)");
        case T_IDENT:
            if (!rd_at_ident(p, "stack_limit")) return true;
            ok = parse_stack_limit(p);
            break;
        default: return true;
        }
        if (!ok) return false;
    }
}
