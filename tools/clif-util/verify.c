/* clif-util verify: parse files and verify every function; each finding is
 * printed as path:line:col: message. Exits 1 when there is any. */
#include <stdio.h>

#include "clif/verifier.h"
#include "cu.h"

typedef struct sink_ctx {
    const char *path, *text;
    size_t len;
    uint32_t func_line;
} sink_ctx;

static void print_finding(void *arg, const clif_verifier_error *e) {
    const sink_ctx *c = arg;
    uint32_t line = e->line ? e->line : c->func_line;
    size_t n, col = 0;
    const char *l = cu_source_line(c->text, c->len, line, &n);
    while (col < n && (l[col] == ' ' || l[col] == '\t'))
        col++;
    printf("%s:%u:%zu: %s\n", c->path, line, col + 1, e->message);
}

static bool verify_file(void *arg, const char *path, const char *text, size_t len,
                        const clif_test_file *tf) {
    (void)arg;
    bool ok = true;
    for (uint32_t k = 0; k < tf->nfunctions; k++) {
        sink_ctx c = {path, text, len, tf->functions[k].line};
        if (clif_verify_each(tf->functions[k].func, print_finding, &c)) ok = false;
    }
    return ok;
}

int cu_cmd_verify(int argc, char **argv) {
    if (argc == 0) {
        fprintf(stderr, "usage: clif-util verify FILE...\n");
        return 2;
    }
    return cu_each_file(argv, argc, verify_file, NULL);
}
