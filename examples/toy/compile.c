/* The toy compiler: declares every function of the program in the JIT
 * (a first pass over the tokens, so calls may go forward), then compiles
 * each one with the function builder: variables become clif_variables (the
 * builder builds SSA), `if`/`else` and `while` become blocks, tracked on an
 * explicit stack of open blocks. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

/* ---- helpers ---- */

bool toy_fail(parser *p, const token *at, const char *fmt, ...) {
    if (p->err) return false;
    clif_location loc = {p->file, at->line, at->col};
    va_list ap;
    va_start(ap, fmt);
    p->err = clif_error_newv(CLIF_ERR_PARSE, loc, fmt, ap);
    va_end(ap);
    return false;
}

const token *toy_peek(const parser *p) {
    return &p->t[p->pos];
}

static bool same_name(const token *t, const char *name, uint32_t len) {
    return t->len == len && memcmp(t->text, name, len) == 0;
}

clif_variable toy_find_var(const parser *p, const token *tok) {
    for (uint32_t i = 0; i < p->nvars; i++)
        if (same_name(tok, p->vars[i].name, p->vars[i].len)) return i;
    return CLIF_NONE;
}

uint32_t toy_find_fn(const parser *p, const token *tok) {
    for (uint32_t i = 0; i < p->nfns; i++)
        if (same_name(tok, p->fns[i].name, p->fns[i].len)) return i;
    return UINT32_MAX;
}

static clif_variable new_var(parser *p, const token *tok) {
    if (p->nvars == p->vcap) {
        p->vcap = p->vcap ? 2 * p->vcap : 16;
        p->vars = realloc(p->vars, p->vcap * sizeof *p->vars);
        if (!p->vars) abort();
    }
    p->vars[p->nvars].name = tok->text;
    p->vars[p->nvars].len = tok->len;
    clif_fb_declare_var(p->fb, p->nvars, CLIF_I64);
    return p->nvars++;
}

static void skip_newlines(parser *p) {
    while (toy_peek(p)->kind == T_NEWLINE || toy_peek(p)->kind == T_SEMI)
        p->pos++;
}

static bool expect(parser *p, tok_kind k) {
    const token *t = toy_peek(p);
    if (t->kind != k)
        return toy_fail(p, t, "expected %s, found %s", toy_tok_name(k), toy_tok_name(t->kind));
    p->pos++;
    return true;
}

/* The current block is the untouched, unreachable one after a return. */
static bool dead_block(const parser *p) {
    clif_block cur = clif_fb_current_block(p->fb);
    return cur != p->entry && clif_fb_is_pristine(p->fb, cur) && clif_fb_is_unreachable(p->fb);
}

/* Leaves the current block for `target`: a jump unless the block is
 * already filled or dead. */
static void leave_for(parser *p, clif_block target) {
    if (clif_fb_is_filled(p->fb, clif_fb_current_block(p->fb)) || dead_block(p)) return;
    clif_fb_jump(p->fb, target, NULL, 0);
}

static void enter(parser *p, clif_block b) {
    clif_fb_switch_to_block(p->fb, b);
    clif_fb_seal_block(p->fb, b);
}

/* ---- the first pass: every function's name and arity ---- */

static bool declare_functions(parser *p, const toy_builtin *builtins, uint32_t nbuiltins) {
    uint32_t cap = nbuiltins + 16;
    p->fns = malloc(cap * sizeof *p->fns);
    if (!p->fns) abort();
    clif_abi_param params[256], ret = {CLIF_I64, 0, 0, 0};
    for (uint32_t i = 0; i < 256; i++)
        params[i] = ret;
    for (uint32_t i = 0; i < nbuiltins; i++) {
        toy_fn *fn = &p->fns[p->nfns++];
        fn->name = builtins[i].name;
        fn->len = (uint32_t)strlen(builtins[i].name);
        fn->nparams = builtins[i].nparams;
        clif_signature sig = {params, fn->nparams, &ret, 1, CLIF_CC_SYSTEM_V};
        clif_error *err =
            clif_jit_declare_function(p->jit, builtins[i].name, CLIF_LINKAGE_IMPORT, &sig, &fn->id);
        if (!err) err = clif_jit_define_symbol(p->jit, builtins[i].name, builtins[i].addr);
        if (err) {
            p->err = err;
            return false;
        }
    }
    int depth = 0;
    for (uint32_t i = 0; i < p->n; i++) {
        const token *t = &p->t[i];
        if (t->kind == T_LBRACE) depth++;
        if (t->kind == T_RBRACE) depth--;
        if (t->kind != T_FN || depth != 0) continue;
        const token *name = &p->t[i + 1];
        if (name->kind != T_IDENT) return toy_fail(p, name, "expected a function name after fn");
        if (toy_find_fn(p, name) != UINT32_MAX)
            return toy_fail(p, name, "function '%.*s' is defined twice (or is a builtin)",
                            (int)name->len, name->text);
        uint32_t np = 0;
        for (uint32_t k = i + 3; k < p->n && p->t[k].kind != T_RPAREN && p->t[k].kind != T_EOF; k++)
            np += p->t[k].kind == T_IDENT;
        if (np > 255) return toy_fail(p, name, "more than 255 parameters");
        if (p->nfns == cap) {
            cap *= 2;
            p->fns = realloc(p->fns, cap * sizeof *p->fns);
            if (!p->fns) abort();
        }
        toy_fn *fn = &p->fns[p->nfns++];
        fn->name = name->text;
        fn->len = name->len;
        fn->nparams = np;
        char buf[256];
        snprintf(buf, sizeof buf, "%.*s", (int)name->len, name->text);
        clif_signature sig = {params, np, &ret, 1, CLIF_CC_SYSTEM_V};
        clif_error *err =
            clif_jit_declare_function(p->jit, buf, CLIF_LINKAGE_EXPORT, &sig, &fn->id);
        if (err) {
            p->err = err;
            return false;
        }
    }
    return true;
}

/* ---- statements ---- */

typedef enum frame_kind { F_FUNC, F_THEN, F_ELSE, F_WHILE } frame_kind;

typedef struct frame {
    frame_kind kind;
    clif_block a, b; /* then: else block, merge; else: merge; while: header, exit */
    bool chained;    /* an `else if`: closes with the `if` inside it */
    const token *at;
} frame;

typedef struct frames {
    frame *v;
    uint32_t n, cap;
} frames;

/* Deep nesting only costs heap memory; this bound keeps errors readable. */
#define MAX_NESTING 100000

static bool push_frame(parser *p, frames *fs, frame f) {
    if (fs->n >= MAX_NESTING)
        return toy_fail(p, f.at, "blocks nested deeper than %d levels", MAX_NESTING);
    if (fs->n == fs->cap) {
        fs->cap = fs->cap ? 2 * fs->cap : 16;
        fs->v = realloc(fs->v, fs->cap * sizeof *fs->v);
        if (!fs->v) abort();
    }
    fs->v[fs->n++] = f;
    return true;
}

/* The end of a simple statement. */
static bool end_statement(parser *p) {
    const token *t = toy_peek(p);
    if (t->kind == T_NEWLINE || t->kind == T_SEMI || t->kind == T_RBRACE || t->kind == T_EOF)
        return true;
    return toy_fail(p, t, "expected the end of the statement, found %s", toy_tok_name(t->kind));
}

/* `if cond {` */
static bool stmt_if(parser *p, frames *fs, bool chained) {
    const token *at = toy_peek(p);
    p->pos++;
    clif_value c;
    if (!toy_expr(p, &c)) return false;
    if (!expect(p, T_LBRACE)) return false;
    clif_block then_ = clif_fb_create_block(p->fb), else_ = clif_fb_create_block(p->fb),
               merge = clif_fb_create_block(p->fb);
    clif_block_call t = {then_, NULL, 0}, e = {else_, NULL, 0};
    clif_fb_brif(p->fb, c, &t, &e);
    enter(p, then_);
    frame f = {F_THEN, else_, merge, chained, at};
    return push_frame(p, fs, f);
}

/* `while cond {` */
static bool stmt_while(parser *p, frames *fs) {
    const token *at = toy_peek(p);
    p->pos++;
    clif_block header = clif_fb_create_block(p->fb), body = clif_fb_create_block(p->fb),
               exit = clif_fb_create_block(p->fb);
    leave_for(p, header);
    clif_fb_switch_to_block(p->fb, header); /* sealed after the back edge */
    clif_value c;
    if (!toy_expr(p, &c)) return false;
    if (!expect(p, T_LBRACE)) return false;
    clif_block_call t = {body, NULL, 0}, e = {exit, NULL, 0};
    clif_fb_brif(p->fb, c, &t, &e);
    enter(p, body);
    frame f = {F_WHILE, header, exit, false, at};
    return push_frame(p, fs, f);
}

/* `return [expr]`: the rest of the block is unreachable. */
static bool stmt_return(parser *p) {
    p->pos++;
    clif_value v;
    tok_kind k = toy_peek(p)->kind;
    if (k == T_NEWLINE || k == T_SEMI || k == T_RBRACE || k == T_EOF)
        v = clif_fb_iconst(p->fb, CLIF_I64, 0);
    else if (!toy_expr(p, &v))
        return false;
    clif_fb_return(p->fb, &v, 1);
    enter(p, clif_fb_create_block(p->fb));
    return end_statement(p);
}

/* `name = expr` */
static bool stmt_assign(parser *p) {
    const token *name = toy_peek(p);
    p->pos += 2;
    clif_value v;
    if (!toy_expr(p, &v)) return false;
    if (toy_find_fn(p, name) != UINT32_MAX)
        return toy_fail(p, name, "'%.*s' is a function", (int)name->len, name->text);
    clif_variable var = toy_find_var(p, name);
    if (var == CLIF_NONE) var = new_var(p, name);
    clif_fb_def_var(p->fb, var, v);
    return end_statement(p);
}

/* Ends the function: an implicit `return 0`, then the function is handed
 * to the JIT. */
static bool end_function(parser *p, char **clif_text) {
    if (!clif_fb_is_filled(p->fb, clif_fb_current_block(p->fb)) && !dead_block(p)) {
        clif_value zero = clif_fb_iconst(p->fb, CLIF_I64, 0);
        clif_fb_return(p->fb, &zero, 1);
    }
    clif_error *err = clif_fb_finalize(p->fb);
    if (!err && clif_text) {
        char *text = clif_func_to_string(p->f);
        size_t old = *clif_text ? strlen(*clif_text) : 0, add = strlen(text);
        char *grown = realloc(*clif_text, old + add + 2);
        if (!grown) abort();
        memcpy(grown + old, text, add);
        grown[old + add] = '\n';
        grown[old + add + 1] = 0;
        *clif_text = grown;
        free(text);
    }
    if (!err) err = clif_jit_define_function(p->jit, p->cur->id, p->f);
    if (err) {
        p->err = err;
        return false;
    }
    return true;
}

/* Closes the innermost block at a `}` (and the `else` frames an `else if`
 * chain opened). Returns false on error; *done when the function ended. */
static bool close_frame(parser *p, frames *fs, bool *done, char **clif_text) {
    *done = false;
    frame f = fs->v[--fs->n];
    switch (f.kind) {
    case F_FUNC: *done = true; return end_function(p, clif_text);
    case F_THEN: {
        uint32_t save = p->pos;
        skip_newlines(p);
        if (toy_peek(p)->kind == T_ELSE) {
            p->pos++;
            leave_for(p, f.b);
            enter(p, f.a);
            bool chained = toy_peek(p)->kind == T_IF;
            frame e = {F_ELSE, f.b, CLIF_NONE, f.chained, f.at};
            if (!push_frame(p, fs, e)) return false;
            if (chained) return stmt_if(p, fs, true);
            return expect(p, T_LBRACE);
        }
        p->pos = save;
        leave_for(p, f.b);
        enter(p, f.a);
        clif_fb_jump(p->fb, f.b, NULL, 0);
        enter(p, f.b);
        break;
    }
    case F_ELSE:
        leave_for(p, f.a);
        enter(p, f.a);
        break;
    case F_WHILE:
        leave_for(p, f.a);
        clif_fb_seal_block(p->fb, f.a);
        enter(p, f.b);
        break;
    }
    /* An `else if` closes with the `if` it holds. */
    while (f.chained && fs->n > 0 && fs->v[fs->n - 1].kind == F_ELSE) {
        f = fs->v[--fs->n];
        leave_for(p, f.a);
        enter(p, f.a);
    }
    return true;
}

static bool compile_function(parser *p, char **clif_text) {
    const token *fn_tok = toy_peek(p);
    if (!expect(p, T_FN)) return false;
    const token *name = toy_peek(p);
    if (!expect(p, T_IDENT) || !expect(p, T_LPAREN)) return false;
    p->cur = &p->fns[toy_find_fn(p, name)];
    char cname[256];
    snprintf(cname, sizeof cname, "%.*s", (int)name->len, name->text);
    clif_abi_param params[256], ret = {CLIF_I64, 0, 0, 0};
    for (uint32_t i = 0; i < p->cur->nparams; i++)
        params[i] = ret;
    clif_signature sig = {params, p->cur->nparams, &ret, 1, CLIF_CC_SYSTEM_V};
    clif_func_clear(p->f);
    clif_func_set_signature(p->f, &sig);
    clif_ext_name en = {CLIF_NAME_TESTCASE, 0, 0, cname};
    clif_func_set_name(p->f, &en);
    clif_fb_begin(p->fb, p->f);
    for (uint32_t i = 0; i < p->nfns; i++)
        p->refs[i] = CLIF_NONE;
    p->nvars = 0;
    clif_block entry = p->entry = clif_fb_create_block(p->fb);
    clif_fb_append_block_params_for_function_params(p->fb, entry);
    enter(p, entry);
    /* Parameters. */
    for (uint32_t i = 0; i < p->cur->nparams; i++) {
        if (i > 0 && !expect(p, T_COMMA)) return false;
        const token *pt = toy_peek(p);
        if (!expect(p, T_IDENT)) return false;
        if (toy_find_var(p, pt) != CLIF_NONE)
            return toy_fail(p, pt, "parameter '%.*s' appears twice", (int)pt->len, pt->text);
        clif_variable v = new_var(p, pt);
        clif_fb_def_var(p->fb, v, clif_block_param(p->f, entry, i));
    }
    if (!expect(p, T_RPAREN) || !expect(p, T_LBRACE)) return false;
    frames fs = {NULL, 0, 0};
    frame top = {F_FUNC, CLIF_NONE, CLIF_NONE, false, fn_tok};
    bool ok = push_frame(p, &fs, top), done = false;
    while (ok && !done) {
        skip_newlines(p);
        const token *t = toy_peek(p);
        switch (t->kind) {
        case T_RBRACE:
            p->pos++;
            ok = close_frame(p, &fs, &done, clif_text);
            break;
        case T_IF: ok = stmt_if(p, &fs, false); break;
        case T_WHILE: ok = stmt_while(p, &fs); break;
        case T_RETURN: ok = stmt_return(p); break;
        case T_EOF:
            ok = toy_fail(p, fs.v[fs.n - 1].at, "this block is never closed with '}'");
            break;
        case T_FN: ok = toy_fail(p, t, "functions cannot be nested"); break;
        case T_ELSE: ok = toy_fail(p, t, "else without an if"); break;
        default:
            if (t->kind == T_IDENT && p->t[p->pos + 1].kind == T_ASSIGN) {
                ok = stmt_assign(p);
            } else {
                clif_value v;
                ok = toy_expr(p, &v) && end_statement(p);
            }
        }
        if (ok && p->err) ok = false;
    }
    free(fs.v);
    if (!ok && !p->err) {
        const clif_error *fe = clif_fb_error(p->fb);
        p->err = clif_error_new(CLIF_ERR_ARGUMENT, (clif_location){p->file, name->line, name->col},
                                "internal error building '%s': %s", cname,
                                fe ? clif_error_message(fe) : "?");
    }
    if (!ok) clif_error_free(clif_fb_finalize(p->fb));
    return ok;
}

clif_error *toy_compile(const char *src, size_t len, const char *file, clif_jit *jit,
                        const toy_builtin *builtins, uint32_t nbuiltins, int want_clif,
                        toy_program *out) {
    memset(out, 0, sizeof *out);
    out->jit = jit;
    token_list toks;
    clif_error *err = toy_lex(src, len, file, &toks);
    if (err) return err;
    parser p;
    memset(&p, 0, sizeof p);
    p.t = toks.toks;
    p.n = toks.n;
    p.file = file;
    p.jit = jit;
    p.fb = clif_fb_new();
    p.f = clif_func_new();
    bool ok = declare_functions(&p, builtins, nbuiltins);
    if (ok) {
        p.refs = malloc((p.nfns + 1) * sizeof *p.refs);
        if (!p.refs) abort();
    }
    while (ok) {
        skip_newlines(&p);
        if (toy_peek(&p)->kind == T_EOF) break;
        ok = compile_function(&p, want_clif ? &out->clif_text : NULL);
    }
    if (ok) {
        const token main_tok = {T_IDENT, 1, 1, "main", 4, 0};
        uint32_t m = toy_find_fn(&p, &main_tok);
        if (m == UINT32_MAX || m < nbuiltins)
            ok = toy_fail(&p, &toks.toks[toks.n - 1], "the program has no function main()");
        else if (p.fns[m].nparams != 0)
            ok = toy_fail(&p, &toks.toks[toks.n - 1], "main() takes no parameters");
        else
            out->main_id = p.fns[m].id;
        out->nfuncs = p.nfns - nbuiltins;
    }
    if (ok) {
        err = clif_jit_finalize(jit);
        if (err) p.err = err;
    }
    err = p.err;
    free(p.fns);
    free(p.refs);
    free(p.vars);
    clif_fb_free(p.fb);
    clif_func_free(p.f);
    toy_tokens_free(&toks);
    return err;
}
