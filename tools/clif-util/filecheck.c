/* clif-util: the filecheck directives of Cranelift's cat tests, on printed
 * text. Supported: `check:` (anywhere after the previous match), `sameln:`
 * (on the line of the previous match, after it), `nextln:` (on the line after
 * it) and `not:` (absent between the previous and the next match). Patterns
 * are literal text in which a run of blanks matches any run of blanks and
 * `$$` is a `$`; filecheck variables and regexes are reported unsupported. */
#include <stdlib.h>
#include <string.h>

#include "cu.h"

typedef enum { FC_CHECK, FC_SAMELN, FC_NEXTLN, FC_NOT } fc_kind;

static const struct {
    const char *name;
    int kind; /* fc_kind, or -1: a directive we do not implement */
} directives[] = {
    {"check:", FC_CHECK}, {"sameln:", FC_SAMELN}, {"nextln:", FC_NEXTLN},
    {"not:", FC_NOT},     {"unordered:", -1},     {"regex:", -1},
};

typedef struct fc_pattern {
    fc_kind kind;
    uint32_t line;
    const char *pat; /* trimmed start; length plen */
    size_t plen;
} fc_pattern;

static bool is_blank(char ch) {
    return ch == ' ' || ch == '\t';
}

/* Matches pattern p at text[i..end); returns the end of the match or -1. */
static long match_at(const char *text, size_t i, size_t end, const char *p, size_t plen) {
    size_t k = 0;
    while (k < plen) {
        if (is_blank(p[k])) {
            while (k < plen && is_blank(p[k]))
                k++;
            if (i >= end || !is_blank(text[i])) return -1;
            while (i < end && is_blank(text[i]))
                i++;
            continue;
        }
        char want = p[k];
        if (want == '$') k++; /* `$$`, validated when parsed */
        if (i >= end || text[i] != want) return -1;
        i++;
        k++;
    }
    return (long)i;
}

/* The first match of p in text[from..end): start in *ms, end in *me. */
static bool find(const char *text, size_t from, size_t end, const fc_pattern *p, size_t *ms,
                 size_t *me) {
    for (size_t i = from; i <= end; i++) {
        long e = match_at(text, i, end, p->pat, p->plen);
        if (e >= 0) {
            *ms = i;
            *me = (size_t)e;
            return true;
        }
    }
    return false;
}

static size_t line_end(const char *text, size_t len, size_t pos) {
    while (pos < len && text[pos] != '\n')
        pos++;
    return pos;
}

static size_t line_start(const char *text, size_t pos) {
    while (pos > 0 && text[pos - 1] != '\n')
        pos--;
    return pos;
}

/* Parses the directive in one comment; returns false when the comment is
 * none, and fails r when it is one we cannot check. */
static bool parse_directive(const clif_comment *cm, fc_pattern *out, cu_result *r) {
    for (size_t d = 0; d < sizeof directives / sizeof *directives; d++) {
        const char *rest = cu_match_directive(cm->text, directives[d].name);
        if (!rest) continue;
        if (directives[d].kind < 0) {
            cu_result_set(r, CU_FAIL, cm->line, "unsupported: filecheck directive %s",
                          directives[d].name);
            return false;
        }
        size_t n = strlen(rest);
        while (n && is_blank(rest[n - 1]))
            n--;
        for (size_t k = 0; k < n; k++) {
            if (rest[k] != '$') continue;
            if (k + 1 < n && rest[k + 1] == '$') {
                k++;
                continue;
            }
            cu_result_set(r, CU_FAIL, cm->line, "unsupported: filecheck variables (`%.*s`)", (int)n,
                          rest);
            return false;
        }
        *out = (fc_pattern){(fc_kind)directives[d].kind, cm->line, rest, n};
        return true;
    }
    return false;
}

static void fail_found(cu_result *r, const fc_pattern *p) {
    cu_result_set(r, CU_FAIL, p->line, "not: `%.*s` found", (int)p->plen, p->pat);
}

uint32_t cu_filecheck(const clif_test_file *tf, uint32_t from, uint32_t to, const char *text,
                      cu_result *r) {
    size_t len = strlen(text);
    size_t pos = 0;   /* end of the previous match */
    size_t mline = 0; /* start of the line where the previous match ended */
    VEC(fc_pattern) nots = {0};
    uint32_t count = 0;
    for (uint32_t k = 0; k < tf->ncomments && r->status == CU_PASS; k++) {
        const clif_comment *cm = &tf->comments[k];
        fc_pattern p;
        if (cm->line < from || cm->line >= to || !parse_directive(cm, &p, r)) continue;
        count++;
        if (p.kind == FC_NOT) {
            vec_push(nots, p);
            continue;
        }
        size_t start = pos, end = len;
        if (p.kind == FC_SAMELN) {
            end = line_end(text, len, mline);
        } else if (p.kind == FC_NEXTLN) {
            start = line_end(text, len, mline);
            start += start < len;
            end = line_end(text, len, start);
        }
        size_t ms, me;
        if (start > end || !find(text, start, end, &p, &ms, &me)) {
            size_t shown = line_end(text, len, start < len ? start : len);
            cu_result_set(r, CU_FAIL, p.line, "%s `%.*s` not matched; text from there: `%.*s`",
                          p.kind == FC_CHECK    ? "check:"
                          : p.kind == FC_SAMELN ? "sameln:"
                                                : "nextln:",
                          (int)p.plen, p.pat, (int)(shown - (start < len ? start : len)),
                          text + (start < len ? start : len));
            break;
        }
        for (uint32_t i = 0; i < nots.len && r->status == CU_PASS; i++) {
            size_t a, b;
            if (find(text, pos, ms, &nots.data[i], &a, &b)) fail_found(r, &nots.data[i]);
        }
        vec_clear(nots);
        pos = me;
        mline = line_start(text, me > ms ? me - 1 : ms);
    }
    for (uint32_t i = 0; i < nots.len && r->status == CU_PASS; i++) {
        size_t a, b;
        if (find(text, pos, len, &nots.data[i], &a, &b)) fail_found(r, &nots.data[i]);
    }
    vec_free(nots);
    return count;
}
