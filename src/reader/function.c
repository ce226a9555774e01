/* Functions: name, signature, preamble, blocks with parameters, instruction
 * lines and value aliases, and the check that every used value is defined. */
#include "reader/parser.h"

#include <stdlib.h>
#include <string.h>

static bool defined(const clif_func *f, uint32_t v) {
    return v < f->values.len && f->values.data[v].kind != VK_UNUSED;
}

bool rd_define_value(rd_parser *p, const rd_token *t, uint32_t v) {
    clif_func *f = p->f;
    if (defined(f, v)) return rd_fail_at(p, t->line, t->col, "duplicate entity: v%u", v);
    if (!rd_charge(p, t, f->values.len, v + 1, sizeof(value_data))) return false;
    ir_ensure_values(f, v + 1);
    /* Defined from here on; the owner fills in the rest. */
    value_data d = {CLIF_TYPE_INVALID, VK_RESULT, 0, 0, CLIF_NONE};
    f->values.data[v] = d;
    return true;
}

/* function-name ::= %name | uN:M */
static bool parse_function_name(rd_parser *p) {
    return rd_parse_external_name(p, &p->f->name);
}

/* block-param ::= vN ":" type */
static bool parse_block_params(rd_parser *p, clif_block b) {
    clif_func *f = p->f;
    p->args.len = 0;
    if (rd_accept(p, T_RPAR)) return true; /* `block0():` */
    do {
        rd_token t = *rd_peek(p);
        uint32_t v;
        clif_type ty;
        if (t.kind != T_VALUE) return rd_fail(p, "block argument must be a value");
        if (!rd_check_number(p, &t)) return false;
        v = t.num;
        rd_next(p);
        if (rd_at(p, T_BANG)) return rd_fail(p, "unsupported: proof-carrying code facts");
        if (!rd_expect(p, T_COLON, "expected ':' after block argument") ||
            !rd_match_type(p, "expected block argument type", &ty) || !rd_define_value(p, &t, v))
            return false;
        value_data d = {ty, VK_PARAM, 0, p->args.len, b};
        f->values.data[v] = d;
        vec_push(p->args, v);
    } while (rd_accept(p, T_COMMA));
    if (!rd_expect(p, T_RPAR, "expected ')' after block parameters")) return false;
    f->blocks.data[b].params = ir_pool_append(f, p->args.data, p->args.len);
    f->blocks.data[b].nparams = p->args.len;
    return true;
}

/* block-header ::= blockN [ "(" block-param { "," block-param } ")" ] [ "cold" ] ":" */
static bool parse_block_header(rd_parser *p) {
    clif_func *f = p->f;
    rd_token t = *rd_peek(p);
    if (t.kind != T_BLOCK) return rd_fail(p, "expected block header");
    if (!rd_check_number(p, &t) || !rd_ensure_block(p, &t)) return false;
    clif_block b = t.num;
    if (f->blocks.data[b].in_layout)
        return rd_fail_at(p, t.line, t.col, "duplicate entity: block%u", b);
    rd_next(p);
    clif_append_block(f, b);
    f->blocks.data[b].srcline = t.line;
    p->block = b;
    if (rd_accept(p, T_LPAR) && !parse_block_params(p, b)) return false;
    if (rd_accept(p, T_COLD)) f->blocks.data[b].cold = true;
    return rd_expect(p, T_COLON, "expected ':' after block parameters");
}

/* value-alias ::= vN "->" vM */
static bool parse_alias(rd_parser *p, const rd_token *first) {
    clif_func *f = p->f;
    if (p->results.len != 1) return rd_fail(p, "wrong number of aliases");
    uint32_t v = p->results.data[0], dest;
    rd_token dt = *rd_peek(p);
    if (dt.kind != T_VALUE) return rd_fail(p, "expected value alias");
    if (!rd_check_number(p, &dt)) return false;
    dest = dt.num;
    rd_next(p);
    if (defined(f, v)) {
        const value_data *old = &f->values.data[v];
        if (old->kind != VK_ALIAS)
            return rd_fail_at(p, first->line, first->col, "value v%u is already defined", v);
        if (old->owner != dest)
            return rd_fail_at(p, first->line, first->col,
                              "value v%u is already defined as an alias with destination v%u", v,
                              old->owner);
        return true;
    }
    if (!rd_define_value(p, first, v)) return false;
    if (!defined(f, dest) || f->values.data[dest].type == CLIF_TYPE_INVALID)
        return rd_fail_at(p, dt.line, dt.col, "value v%u is not yet defined", dest);
    value_data d = {f->values.data[dest].type, VK_ALIAS, 0, 0, dest};
    f->values.data[v] = d;
    return true;
}

/* line ::= [ "@" srcloc ] ( results "->" value | [ results "=" ] instruction ) */
static bool parse_line(rd_parser *p) {
    if (rd_at(p, T_SRCLOC)) rd_next(p); /* source locations are not kept */
    rd_token first = *rd_peek(p);
    p->results.len = 0;
    if (first.kind == T_VALUE) {
        do {
            const rd_token *t = rd_peek(p);
            if (t->kind != T_VALUE) return rd_fail(p, "expected result value");
            if (!rd_check_number(p, t)) return false;
            vec_push(p->results, t->num);
            rd_next(p);
            if (rd_at(p, T_BANG)) return rd_fail(p, "unsupported: proof-carrying code facts");
        } while (rd_accept(p, T_COMMA));
    }
    if (rd_accept(p, T_ARROW)) return parse_alias(p, &first);
    if (p->results.len) {
        if (!rd_expect(p, T_EQUAL, "expected -> or =")) return false;
        /* The results are defined before the operands are read. */
        for (uint32_t k = 0; k < p->results.len; k++) {
            rd_token rt = first;
            if (!rd_define_value(p, &rt, p->results.data[k])) return false;
        }
    }
    return rd_parse_instruction(p, first.line, first.col);
}

static bool starts_line(rd_tok_kind k) {
    return k == T_VALUE || k == T_IDENT || k == T_LBRACKET || k == T_SRCLOC;
}

bool rd_parse_function(rd_parser *p) {
    clif_func *f = p->f;
    p->uses.len = 0;
    /* A fresh constant table: clearing a big one for every small function
     * after it would cost time quadratic in the input. */
    vec_free(p->chash);
    p->nchash = 0;
    p->block = CLIF_NONE;
    if (!rd_at_ident(p, "function")) return rd_fail(p, "expected 'function'");
    rd_next(p);
    if (!parse_function_name(p) || !rd_parse_signature(p, &f->sig) ||
        !rd_expect(p, T_LBRACE, "expected '{' before function body") || !rd_parse_preamble(p))
        return false;
    while (!rd_at(p, T_RBRACE)) {
        if (!parse_block_header(p)) return false;
        while (starts_line(rd_peek(p)->kind))
            if (!parse_line(p)) return false;
    }
    rd_next(p);
    for (uint32_t i = 0; i < p->uses.len; i++) {
        const rd_use *u = &p->uses.data[i];
        if (!defined(f, u->value))
            return rd_fail_at(p, u->line, u->col, "undefined operand value v%u", u->value);
    }
    return true;
}
