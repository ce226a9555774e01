/* clif-util: `test parser`, for reader errors (our addition; Cranelift keeps
 * its parser tests as cat tests). A file with one `; error: TEXT` comment must
 * fail to parse on that comment's line with a message containing TEXT; a
 * file without one must parse. The comment is found in the raw text, since a
 * file that does not parse yields no comments. */
#include <string.h>

#include "cu.h"

/* The line of the first `; error:` annotation (0 = none), its text copied
 * into want[CU_WANT], and the number of annotations. */
#define CU_WANT 512
static uint32_t find_annotation(const char *text, size_t len, char *want, uint32_t *count) {
    uint32_t line = 0, first = 0;
    *count = 0;
    for (size_t pos = 0; pos < len; line++) {
        size_t end = pos;
        while (end < len && text[end] != '\n')
            end++;
        const char *semi = memchr(text + pos, ';', end - pos);
        if (semi) {
            char comment[CU_WANT];
            size_t n = (size_t)(text + end - semi);
            if (n >= sizeof comment) n = sizeof comment - 1;
            memcpy(comment, semi, n);
            while (n && (comment[n - 1] == '\r' || comment[n - 1] == ' '))
                n--;
            comment[n] = 0;
            const char *rest = cu_match_directive(comment, "error:");
            if (rest && (*count)++ == 0) {
                first = line + 1;
                memmove(want, rest, strlen(rest) + 1);
            }
        }
        pos = end + 1;
    }
    return first;
}

void cu_subtest_parser(const char *text, size_t len, const clif_error *perr, cu_result *r) {
    char want[CU_WANT];
    uint32_t count;
    uint32_t line = find_annotation(text, len, want, &count);
    if (count > 1) {
        cu_result_set(r, CU_FAIL, line, "test parser: one `; error:` per file (found %u)", count);
        return;
    }
    if (!perr) {
        if (line) cu_result_set(r, CU_FAIL, line, "parsed, but expected error: %s", want);
        return;
    }
    clif_location loc = clif_error_location(perr);
    const char *msg = clif_error_message(perr);
    if (!line)
        cu_result_set(r, CU_FAIL, loc.line, "unexpected parse error: %s", msg);
    else if (loc.line != line || !strstr(msg, want))
        cu_result_set(r, CU_FAIL, line, "expected error: %s; got at line %u: %s", want, loc.line,
                      msg);
}
