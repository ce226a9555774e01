/* Run commands in comments: `run: %f(args) == expected`, `!=`, bare `run`,
 * `print: %f(args)`. Data values take their types from the signature of the
 * function the command belongs to. */
#include "reader/parser.h"

#include <stdlib.h>
#include <string.h>

static void store_bytes(clif_data_value *dv, rd_u128 v, unsigned nbytes) {
    for (unsigned i = 0; i < nbytes && i < 16; i++)
        dv->bytes[i] = (uint8_t)(i < 8 ? v.lo >> (8 * i) : v.hi >> (8 * (i - 8)));
}

static bool parse_data_value(rd_parser *p, clif_type ty, clif_data_value *dv) {
    char name[32];
    rd_u128 v = {0, 0};
    bool ok;
    memset(dv, 0, sizeof *dv);
    dv->type = ty;
    switch (ty) {
    case CLIF_I8: ok = rd_match_imm_bits(p, "expected a i8", 8, &v); break;
    case CLIF_I16: ok = rd_match_imm_bits(p, "expected an i16", 16, &v); break;
    case CLIF_I32: ok = rd_match_imm_bits(p, "expected an i32", 32, &v); break;
    case CLIF_I64: ok = rd_match_imm64(p, "expected an i64", &v.lo); break;
    case CLIF_I128: ok = rd_match_imm_bits(p, "expected an i128", 128, &v); break;
    case CLIF_F16: ok = rd_match_float(p, "expected an f16", ty, &v); break;
    case CLIF_F32: ok = rd_match_float(p, "expected an f32", ty, &v); break;
    case CLIF_F64: ok = rd_match_float(p, "expected an f64", ty, &v); break;
    case CLIF_F128: ok = rd_match_float(p, "expected an f128", ty, &v); break;
    default:
        if (clif_type_is_vector(ty)) {
            uint32_t len;
            if (clif_type_bytes(ty) > 16)
                return rd_fail(p, "unsupported: vectors wider than 128 bits in run commands (%s)",
                               clif_type_name(ty, name, sizeof name));
            return rd_match_constant_data(p, ty, dv->bytes, &len);
        }
        return rd_fail(p, "don't know how to parse data values of: %s",
                       clif_type_name(ty, name, sizeof name));
    }
    if (!ok) return false;
    store_bytes(dv, v, clif_type_bytes(ty));
    return true;
}

/* data-value-list ::= [ data-value { "," data-value } ], one per type. */
static bool parse_data_values(rd_parser *p, const clif_abi_param *types, uint32_t n,
                              clif_data_value **out) {
    *out = n ? cl_xcalloc(n, sizeof **out) : NULL;
    for (uint32_t i = 0; i < n; i++) {
        if (i > 0 && !rd_expect(p, T_COMMA, "expected a comma between invocation arguments"))
            return false;
        if (!parse_data_value(p, types[i].type, &(*out)[i])) return false;
    }
    return true;
}

/* invocation ::= %name "(" data-value-list ")" */
static bool parse_invocation(rd_parser *p, const clif_signature *sig, clif_run_command *out) {
    const rd_token *t = rd_peek(p);
    if (t->kind != T_NAME) return rd_fail(p, "expected a function name, e.g. %%my_fn");
    out->func_name = cl_xmalloc(t->len + 1);
    memcpy(out->func_name, t->text, t->len);
    out->func_name[t->len] = 0;
    rd_next(p);
    out->nargs = sig->nparams;
    return rd_expect(p, T_LPAR, "expected invocation parentheses, e.g. %fn(...)") &&
           parse_data_values(p, sig->params, sig->nparams, &out->args) &&
           rd_expect(p, T_RPAR, "expected invocation parentheses, e.g. %fn(...)");
}

static bool parse_comparison(rd_parser *p, clif_run_cmp *cmp) {
    if (rd_accept(p, T_EQUAL)) {
        *cmp = CLIF_CMP_EQ;
        return rd_expect(p, T_EQUAL, "expected another =");
    }
    if (rd_accept(p, T_BANG)) {
        *cmp = CLIF_CMP_NE;
        return rd_expect(p, T_EQUAL, "expected a =");
    }
    return rd_fail(p, "unable to parse a valid comparison operator");
}

/* expected ::= data-value (one return) | "[" data-value-list "]" */
static bool parse_returns(rd_parser *p, const clif_signature *sig, clif_run_command *out) {
    bool bracket = sig->nreturns != 1;
    out->nexpected = sig->nreturns;
    if (bracket && !rd_expect(p, T_LBRACKET, "expected a left bracket [")) return false;
    if (!parse_data_values(p, sig->returns, sig->nreturns, &out->expected)) return false;
    return !bracket || rd_expect(p, T_RBRACKET, "expected a right bracket ]");
}

bool rd_parse_run_command(rd_parser *p, const clif_signature *sig, bool *is_run,
                          clif_run_command *out) {
    memset(out, 0, sizeof *out);
    *is_run = false;
    rd_token kw = *rd_peek(p);
    out->line = kw.line;
    if (rd_at_ident(p, "run")) {
        *is_run = true;
        out->kind = CLIF_RUN;
        rd_next(p);
        if (rd_accept(p, T_COLON))
            return parse_invocation(p, sig, out) && parse_comparison(p, &out->cmp) &&
                   parse_returns(p, sig, out);
        if (sig->nparams == 0 && sig->nreturns == 1 && clif_type_is_int(sig->returns[0].type) &&
            !clif_type_is_vector(sig->returns[0].type)) {
            out->cmp = CLIF_CMP_NONE;
            return true;
        }
        return rd_fail_at(p, kw.line, kw.col, "unable to parse the run command");
    }
    if (rd_at_ident(p, "print")) {
        *is_run = true;
        out->kind = CLIF_PRINT;
        rd_next(p);
        if (rd_accept(p, T_COLON)) return parse_invocation(p, sig, out);
        if (sig->nparams == 0) return true;
        return rd_fail_at(p, kw.line, kw.col, "unable to parse the print command");
    }
    return true;
}

void clif_run_command_free(clif_run_command *rc) {
    if (!rc) return;
    free(rc->func_name);
    free(rc->args);
    free(rc->expected);
    memset(rc, 0, sizeof *rc);
}

clif_error *clif_parse_run_command(const char *text, size_t len, const clif_signature *sig,
                                   clif_location loc, clif_run_command *out) {
    size_t skip = 0;
    while (skip < len && (text[skip] == ' ' || text[skip] == ';'))
        skip++;
    rd_parser p;
    rd_parser_init(&p, text + skip, len - skip, loc.file, loc.line ? loc.line : 1,
                   (loc.column ? loc.column : 1) + (uint32_t)skip);
    bool is_run;
    bool ok = rd_parse_run_command(&p, sig, &is_run, out);
    if (ok && !is_run)
        rd_fail_at(&p, loc.line, loc.column, "not a run command (expected 'run' or 'print')");
    clif_error *err = p.err;
    rd_parser_free(&p);
    if (err) clif_run_command_free(out);
    return err;
}
