/* clif-util: `test verifier`. Each function must fail verification exactly
 * where `; error: TEXT` comments say (a finding on that line whose message
 * contains TEXT) and nowhere else; a function without such comments must
 * verify. As Cranelift's test_verifier.rs, an annotation on a line of its own
 * belongs to the next entity line below it. */
#include <stdlib.h>
#include <string.h>

#include "clif/verifier.h"
#include "cu.h"

typedef struct finding {
    uint32_t line;
    char *message;
    bool matched;
} finding;

typedef VEC(finding) findings;

static void collect(void *ctx, const clif_verifier_error *e) {
    findings *fs = ctx;
    size_t n = strlen(e->message) + 1;
    finding f = {e->line, memcpy(cl_xmalloc(n), e->message, n), false};
    vec_push(*fs, f);
}

/* Whether source line `line` holds nothing but blanks and a comment. */
static bool comment_only(const cu_ctx *c, uint32_t line) {
    size_t n;
    const char *l = cu_source_line(c->text, c->len, line, &n);
    size_t i = 0;
    while (i < n && (l[i] == ' ' || l[i] == '\t'))
        i++;
    return i == n || l[i] == ';';
}

/* The line an annotation at `line` applies to. */
static uint32_t annotated_line(const cu_ctx *c, uint32_t line, uint32_t end) {
    if (!comment_only(c, line)) return line;
    size_t n;
    for (uint32_t l = line + 1; l < end; l++) {
        const char *t = cu_source_line(c->text, c->len, l, &n);
        if (n == 0 && t == c->text + c->len) break; /* past the end */
        if (!comment_only(c, l)) return l;
    }
    return line;
}

static void check_function(const cu_ctx *c, uint32_t fi, cu_result *r) {
    const clif_test_file *tf = c->tf;
    uint32_t from = tf->functions[fi].line, to = cu_function_end_line(tf, fi);
    findings fs = {0};
    clif_verify_each(tf->functions[fi].func, collect, &fs);

    uint32_t bad_line = UINT32_MAX; /* the first line that is wrong */
    cu_str why = {0};
    bool expected_any = false;
    for (uint32_t k = 0; k < tf->ncomments; k++) {
        const clif_comment *cm = &tf->comments[k];
        if (cm->line < from || cm->line >= to) continue;
        const char *text = cu_match_directive(cm->text, "error:");
        if (!text) continue;
        expected_any = true;
        uint32_t line = annotated_line(c, cm->line, to);
        bool found = false;
        for (uint32_t i = 0; i < fs.len && !found; i++) {
            if (fs.data[i].matched || fs.data[i].line != line) continue;
            if (strstr(fs.data[i].message, text)) found = fs.data[i].matched = true;
        }
        if (!found && cm->line < bad_line) {
            bad_line = cm->line;
            vec_clear(why);
            cu_str_printf(&why, "expected error: %s", text);
        }
    }
    for (uint32_t i = 0; i < fs.len; i++) {
        finding *f = &fs.data[i];
        uint32_t line = f->line ? f->line : from;
        if (!f->matched && line < bad_line) {
            bad_line = line;
            vec_clear(why);
            cu_str_printf(
                &why, "%s%s",
                expected_any ? "unexpected error: " : "expected no error, got: ", f->message);
        }
        free(f->message);
    }
    if (bad_line != UINT32_MAX) cu_result_set(r, CU_FAIL, bad_line, "%s", cu_str_cstr(&why));
    vec_free(why);
    vec_free(fs);
}

void cu_subtest_verifier(const cu_ctx *c, cu_result *r) {
    for (uint32_t i = 0; i < c->tf->nfunctions && r->status == CU_PASS; i++)
        check_function(c, i, r);
}
