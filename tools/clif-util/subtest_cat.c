/* clif-util: `test cat`. Each function is printed; the printed text must
 * satisfy the filecheck directives among the function's comments (as
 * Cranelift's test_cat.rs) and must print again identically after being
 * parsed back (print -> parse -> print is stable). */
#include <stdlib.h>
#include <string.h>

#include "clif/writer.h"
#include "cu.h"

/* The 1-based line where a and b first differ, and that line of each. */
static uint32_t first_difference(const char *a, const char *b, const char **la, const char **lb) {
    uint32_t line = 1;
    *la = a;
    *lb = b;
    for (; *a && *a == *b; a++, b++) {
        if (*a == '\n') {
            line++;
            *la = a + 1;
            *lb = b + 1;
        }
    }
    return line;
}

static int line_length(const char *s) {
    const char *e = strchr(s, '\n');
    return (int)(e ? (size_t)(e - s) : strlen(s));
}

static void check_round_trip(const cu_ctx *c, uint32_t fi, const char *printed, cu_result *r) {
    uint32_t line = c->tf->functions[fi].line;
    clif_test_file *again = NULL;
    clif_error *err = clif_parse_test_file(printed, strlen(printed), "<printed>", &again);
    if (err) {
        char buf[1024];
        cu_result_set(r, CU_FAIL, line, "printed function does not parse: %s",
                      clif_error_format(err, buf, sizeof buf));
        clif_error_free(err);
        return;
    }
    if (again->nfunctions != 1) {
        cu_result_set(r, CU_FAIL, line, "printed text parses as %u functions", again->nfunctions);
        clif_test_file_free(again);
        return;
    }
    char *reprinted = clif_func_to_string(again->functions[0].func);
    if (strcmp(printed, reprinted) != 0) {
        const char *la, *lb;
        uint32_t n = first_difference(printed, reprinted, &la, &lb);
        cu_result_set(r, CU_FAIL, line,
                      "print/parse/print differs at printed line %u: `%.*s` vs `%.*s`", n,
                      line_length(la), la, line_length(lb), lb);
    }
    free(reprinted);
    clif_test_file_free(again);
}

void cu_subtest_cat(const cu_ctx *c, cu_result *r) {
    for (uint32_t i = 0; i < c->tf->nfunctions && r->status == CU_PASS; i++) {
        char *printed = clif_func_to_string(c->tf->functions[i].func);
        cu_filecheck(c->tf, c->tf->functions[i].line, cu_function_end_line(c->tf, i), printed, r);
        if (r->status == CU_PASS) check_round_trip(c, i, printed, r);
        if (c->opts->verbose && r->status == CU_PASS) cu_str_printf(c->out, "%s", printed);
        free(printed);
    }
}
