/* clif-util: testing one file. Parses it, then runs the subtest of each
 * `test` line in order and stops at the first that does not pass. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cu.h"

uint32_t cu_function_end_line(const clif_test_file *tf, uint32_t i) {
    return i + 1 < tf->nfunctions ? tf->functions[i + 1].line : UINT32_MAX;
}

const char *cu_match_directive(const char *comment, const char *directive) {
    while (*comment == ';' || *comment == ' ' || *comment == '\t')
        comment++;
    size_t n = strlen(directive);
    if (strncmp(comment, directive, n) != 0) return NULL;
    comment += n;
    while (*comment == ' ' || *comment == '\t')
        comment++;
    return comment;
}

/* Whether `test` (a test line's text, options after the name) names `name`. */
static bool test_is(const char *test, const char *name) {
    size_t n = strlen(name);
    return strncmp(test, name, n) == 0 && (test[n] == 0 || test[n] == ' ' || test[n] == '\t');
}

bool cu_has_test(const clif_test_file *tf, const char *name) {
    for (uint32_t i = 0; i < tf->ntests; i++)
        if (test_is(tf->tests[i], name)) return true;
    return false;
}

/* `test NAME` among the header lines of text that may not parse. */
static bool raw_has_test(const char *text, size_t len, const char *name) {
    size_t pos = 0;
    while (pos < len) {
        size_t end = pos;
        while (end < len && text[end] != '\n')
            end++;
        const char *l = text + pos;
        while (l < text + end && (*l == ' ' || *l == '\t'))
            l++;
        size_t n = (size_t)(text + end - l);
        if (n >= 8 && strncmp(l, "function", 8) == 0) break;
        if (n > 5 && strncmp(l, "test", 4) == 0 && (l[4] == ' ' || l[4] == '\t')) {
            const char *t = l + 5;
            while (t < text + end && (*t == ' ' || *t == '\t'))
                t++;
            size_t k = strlen(name);
            if ((size_t)(text + end - t) >= k && strncmp(t, name, k) == 0 &&
                (t + k == text + end || t[k] == ' ' || t[k] == '\t' || t[k] == '\r'))
                return true;
        }
        pos = end + 1;
    }
    return false;
}

void cu_result_set(cu_result *r, cu_status st, uint32_t line, const char *fmt, ...) {
    r->status = st;
    r->line = line;
    vec_clear(r->why);
    char buf[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    cu_str_add(&r->why, buf, strlen(buf));
}

void cu_result_from_error(cu_result *r, const clif_error *err, uint32_t fallback_line) {
    clif_location loc = clif_error_location(err);
    cu_str s = {0};
    cu_format_run_error(&s, err);
    cu_status st = clif_error_get_kind(err) == CLIF_ERR_UNSUPPORTED ? CU_SKIP : CU_FAIL;
    cu_result_set(r, st, loc.line ? loc.line : fallback_line, "%s", cu_str_cstr(&s));
    vec_free(s);
}

static const char *const known_tests[] = {"cat", "verifier", "parser", "interpret", "run"};

void cu_test_one_file(const char *path, const cu_test_opts *o, cu_str *out, cu_result *r,
                      void (*progress)(void *, uint32_t), void *progress_arg) {
    char *text = NULL;
    size_t len = 0;
    clif_test_file *tf = NULL;
    cu_result_set(r, CU_PASS, 0, "%s", "");
    clif_error *err = cu_read_file(path, &text, &len);
    if (err) {
        cu_result_from_error(r, err, 0);
        clif_error_free(err);
        return;
    }
    err = clif_parse_test_file(text, len, path, &tf);
    bool parser = raw_has_test(text, len, "parser");
    if (parser) cu_subtest_parser(text, len, err, r);
    if (err) {
        if (!parser) cu_result_from_error(r, err, 0);
        clif_error_free(err);
        free(text);
        return;
    }

    if (tf->ntests == 0) cu_result_set(r, CU_FAIL, 0, "no `test` line");
    for (uint32_t i = 0; i < tf->ntests && r->status == CU_PASS; i++) {
        bool known = false;
        for (size_t k = 0; k < sizeof known_tests / sizeof *known_tests; k++)
            known |= test_is(tf->tests[i], known_tests[k]);
        if (!known) cu_result_set(r, CU_SKIP, 0, "unsupported: test %s", tf->tests[i]);
    }

    cu_ctx c = {path, text, len, tf, o, out, progress, progress_arg};
    bool ran = false; /* `test run` and `test interpret` execute once */
    for (uint32_t i = 0; i < tf->ntests && r->status == CU_PASS; i++) {
        const char *t = tf->tests[i];
        if (test_is(t, "cat")) {
            cu_subtest_cat(&c, r);
        } else if (test_is(t, "verifier")) {
            cu_subtest_verifier(&c, r);
        } else if ((test_is(t, "run") || test_is(t, "interpret")) && !ran) {
            ran = true;
            cu_subtest_run(&c, r);
        }
    }
    clif_test_file_free(tf);
    free(text);
}
