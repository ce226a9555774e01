/* A whole test file: `test` lines, `set` and `target` lines, `feature`
 * lines, then functions; comments are kept with their lines, and the run
 * commands among the comments of a function are parsed for it. */
#include "reader/parser.h"

#include <stdlib.h>
#include <string.h>

static char *dup_n(const char *s, size_t n) {
    char *r = cl_xmalloc(n + 1);
    memcpy(r, s, n);
    r[n] = 0;
    return r;
}

/* Appends to a counted array that doubles when its count is a power of two. */
#define PUSH(arr, n, x)                                                                            \
    do {                                                                                           \
        if (((n) & ((n)-1)) == 0)                                                                  \
            (arr) = cl_xrealloc((arr), ((n) ? 2 * (size_t)(n) : 4) * sizeof *(arr));               \
        (arr)[(n)++] = (x);                                                                        \
    } while (0)

/* The words of the rest of the current line (the lookahead token was the
 * keyword). Returns them in a NULL-terminated array of (ptr, len) pairs. */
typedef struct word {
    const char *s;
    size_t n;
} word;

static uint32_t line_words(rd_parser *p, word **out) {
    const char *s;
    size_t n;
    rd_lex_rest_of_line(&p->lx, &s, &n);
    p->have_tok = false;
    word *w = NULL;
    uint32_t count = 0;
    for (size_t i = 0; i < n;) {
        while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r'))
            i++;
        size_t b = i;
        while (i < n && s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
            i++;
        if (i > b) {
            word x = {s + b, i - b};
            PUSH(w, count, x);
        }
    }
    *out = w;
    return count;
}

static char *join_words(const word *w, uint32_t n) {
    size_t len = 0;
    for (uint32_t i = 0; i < n; i++)
        len += w[i].n + 1;
    char *r = cl_xmalloc(len + 1), *q = r;
    for (uint32_t i = 0; i < n; i++) {
        if (i) *q++ = ' ';
        memcpy(q, w[i].s, w[i].n);
        q += w[i].n;
    }
    *q = 0;
    return r;
}

static void free_settings(clif_setting *s, uint32_t n) {
    for (uint32_t i = 0; i < n; i++) {
        free(s[i].name);
        free(s[i].value);
    }
    free(s);
}

/* Cranelift knows a few dozen settings; more distinct names than this is
 * not a test file (and keeps the name lookup below cheap). */
#define MAX_SETTINGS 256

/* `set name[=value] ...`: later settings replace earlier ones of the same name. */
static bool apply_setting(clif_test_file *tf, const word *w) {
    const char *eq = memchr(w->s, '=', w->n);
    size_t nlen = eq ? (size_t)(eq - w->s) : w->n;
    char *value = eq ? dup_n(eq + 1, w->n - nlen - 1) : dup_n("true", 4);
    for (uint32_t i = 0; i < tf->nsettings; i++) {
        if (strlen(tf->settings[i].name) == nlen && memcmp(tf->settings[i].name, w->s, nlen) == 0) {
            free(tf->settings[i].value);
            tf->settings[i].value = value;
            return true;
        }
    }
    if (tf->nsettings == MAX_SETTINGS) {
        free(value);
        return false;
    }
    clif_setting s = {dup_n(w->s, nlen), value};
    PUSH(tf->settings, tf->nsettings, s);
    return true;
}

static clif_setting *copy_settings(const clif_test_file *tf) {
    if (!tf->nsettings) return NULL;
    clif_setting *s = cl_xmalloc(tf->nsettings * sizeof *s);
    for (uint32_t i = 0; i < tf->nsettings; i++) {
        s[i].name = dup_n(tf->settings[i].name, strlen(tf->settings[i].name));
        s[i].value = dup_n(tf->settings[i].value, strlen(tf->settings[i].value));
    }
    return s;
}

static bool parse_header(rd_parser *p, clif_test_file *tf) {
    word *w;
    uint32_t n;
    while (rd_at_ident(p, "test")) {
        n = line_words(p, &w);
        PUSH(tf->tests, tf->ntests, join_words(w, n));
        free(w);
    }
    uint32_t dangling_line = 0, dangling_col = 0;
    bool seen_target = false;
    for (;;) {
        const rd_token *t = rd_peek(p);
        uint32_t line = t->line, col = t->col;
        if (rd_at_ident(p, "set")) {
            n = line_words(p, &w);
            for (uint32_t i = 0; i < n; i++) {
                if (!apply_setting(tf, &w[i])) {
                    free(w);
                    return rd_fail_at(p, line, col, "too many distinct settings (more than %d)",
                                      MAX_SETTINGS);
                }
            }
            free(w);
            dangling_line = line, dangling_col = col;
        } else if (rd_at_ident(p, "target")) {
            n = line_words(p, &w);
            if (n == 0) {
                free(w);
                return rd_fail_at(p, line, col, "expected target triple");
            }
            /* Each target keeps a copy of the settings in force: bounded by the input. */
            uint64_t cost = (uint64_t)tf->nsettings * 64;
            if (cost > p->budget) {
                free(w);
                return rd_fail_at(p, line, col,
                                  "too many settings in force across targets for the size of "
                                  "the input");
            }
            p->budget -= cost;
            clif_target tg = {line,  dup_n(w[0].s, w[0].n), NULL,
                              n - 1, copy_settings(tf),     tf->nsettings};
            if (n > 1) {
                tg.flags = cl_xmalloc((n - 1) * sizeof *tg.flags);
                for (uint32_t i = 1; i < n; i++)
                    tg.flags[i - 1] = dup_n(w[i].s, w[i].n);
            }
            free(w);
            PUSH(tf->targets, tf->ntargets, tg);
            seen_target = true;
            dangling_line = 0;
        } else {
            break;
        }
    }
    if (seen_target && dangling_line)
        return rd_fail_at(p, dangling_line, dangling_col,
                          "dangling 'set' command after ISA specification has no effect.");
    if (seen_target) {
        /* `settings` holds what follows the last target: nothing. */
        free_settings(tf->settings, tf->nsettings);
        tf->settings = NULL;
        tf->nsettings = 0;
    }
    /* `feature "name"` / `feature !"name"`: requirements on Cranelift's build; this
     * library has no optional features, so they are read and not kept. */
    while (rd_at_ident(p, "feature")) {
        rd_next(p);
        rd_accept(p, T_BANG);
        if (!rd_at(p, T_STRING)) return rd_fail(p, "Expected feature flag string");
        rd_next(p);
    }
    return true;
}

/* The calling convention of the host, used for functions without one when
 * the file runs tests on the host (as Cranelift does). */
static clif_callconv host_callconv(void) {
#if defined(_WIN32)
    return CLIF_CC_WINDOWS_FASTCALL;
#elif defined(__APPLE__) && defined(__aarch64__)
    return CLIF_CC_APPLE_AARCH64;
#else
    return CLIF_CC_SYSTEM_V;
#endif
}

static bool runs_on_host(const clif_test_file *tf) {
    for (uint32_t i = 0; i < tf->ntests; i++)
        if (strncmp(tf->tests[i], "run", 3) == 0 &&
            (tf->tests[i][3] == 0 || tf->tests[i][3] == ' '))
            return true;
    return false;
}

/* Parses the run commands among comments [from, to) for function `tfn`. */
static bool parse_run_commands(rd_parser *p, clif_test_function *tfn, uint32_t from, uint32_t to) {
    clif_signature sig;
    clif_func_signature(tfn->func, &sig);
    for (uint32_t c = from; c < to; c++) {
        const rd_comment_src *cs = &p->csrc.data[c];
        const char *text = p->lx.src + cs->offset;
        uint32_t skip = 0;
        while (skip < cs->len && (text[skip] == ' ' || text[skip] == ';'))
            skip++;
        rd_parser sub;
        rd_parser_init(&sub, text + skip, cs->len - skip, p->path, cs->line, cs->col + skip);
        clif_run_command rc;
        bool is_run;
        bool ok = rd_parse_run_command(&sub, &sig, &is_run, &rc);
        p->err = sub.err;
        rd_parser_free(&sub);
        if (!ok) {
            clif_run_command_free(&rc);
            return false;
        }
        if (is_run) PUSH(tfn->runs, tfn->nruns, rc);
    }
    return true;
}

static bool parse_file(rd_parser *p, clif_test_file *tf) {
    if (!parse_header(p, tf)) return false;
    p->default_cc = runs_on_host(tf) ? host_callconv() : CLIF_CC_FAST;
    VEC(uint32_t) first_comment = {NULL, 0, 0};
    bool ok = true;
    while (ok && !rd_at(p, T_EOF)) {
        /* Comments from this `function` keyword to the next belong to this function. */
        vec_push(first_comment, p->csrc.len);
        clif_test_function tfn = {clif_func_new(), rd_peek(p)->line, NULL, 0};
        PUSH(tf->functions, tf->nfunctions, tfn);
        p->f = tfn.func;
        ok = rd_parse_function(p);
    }
    if (ok) rd_peek(p); /* records trailing comments */
    for (uint32_t i = 0; ok && i < tf->nfunctions; i++) {
        uint32_t to = i + 1 < tf->nfunctions ? first_comment.data[i + 1] : p->csrc.len;
        ok = parse_run_commands(p, &tf->functions[i], first_comment.data[i], to);
    }
    vec_free(first_comment);
    return ok;
}

clif_error *clif_parse_test_file(const char *text, size_t len, const char *path,
                                 clif_test_file **out) {
    *out = NULL;
    if (!text && len) {
        clif_location none = {path, 0, 0};
        return clif_error_new(CLIF_ERR_ARGUMENT, none, "clif_parse_test_file: NULL text");
    }
    clif_test_file *tf = cl_xcalloc(1, sizeof *tf);
    tf->path = path ? dup_n(path, strlen(path)) : NULL;
    rd_parser p;
    rd_parser_init(&p, text ? text : "", len, tf->path, 1, 1);
    p.tf = tf;
    bool ok = parse_file(&p, tf);
    clif_error *err = p.err;
    rd_parser_free(&p);
    if (!ok || err) {
        clif_test_file_free(tf);
        if (!err) {
            clif_location none = {path, 0, 0};
            err = clif_error_new(CLIF_ERR_PARSE, none, "parse failed");
        }
        return err;
    }
    *out = tf;
    return NULL;
}

void clif_test_file_free(clif_test_file *tf) {
    if (!tf) return;
    for (uint32_t i = 0; i < tf->ntests; i++)
        free(tf->tests[i]);
    free(tf->tests);
    free_settings(tf->settings, tf->nsettings);
    for (uint32_t i = 0; i < tf->ntargets; i++) {
        clif_target *t = &tf->targets[i];
        free(t->isa);
        for (uint32_t k = 0; k < t->nflags; k++)
            free(t->flags[k]);
        free(t->flags);
        free_settings(t->settings, t->nsettings);
    }
    free(tf->targets);
    for (uint32_t i = 0; i < tf->nfunctions; i++) {
        clif_test_function *fn = &tf->functions[i];
        clif_func_free(fn->func);
        for (uint32_t k = 0; k < fn->nruns; k++)
            clif_run_command_free(&fn->runs[k]);
        free(fn->runs);
    }
    free(tf->functions);
    for (uint32_t i = 0; i < tf->ncomments; i++)
        free(tf->comments[i].text);
    free(tf->comments);
    free(tf->path);
    free(tf);
}
