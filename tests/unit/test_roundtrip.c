/* Round trip over Cranelift's runtests: every file is read, its functions
 * written, that text read back and written again; the two texts must be equal
 * (print -> parse -> print is the identity on printed text). The runtests
 * folder is CLIF_RUNTESTS_DIR (environment, else the CMake definition); when
 * it is missing the program says so and exits with 77, which ctest reports as
 * skipped, not passed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cranelift.h"
#include "runtests_util.h"

/* Every function of tf, written one after another, blank lines between. */
static char *print_all(const clif_test_file *tf) {
    size_t total = 1;
    char **parts = calloc(tf->nfunctions ? tf->nfunctions : 1, sizeof *parts);
    for (uint32_t i = 0; i < tf->nfunctions; i++) {
        parts[i] = clif_func_to_string(tf->functions[i].func);
        total += strlen(parts[i]) + 1;
    }
    char *text = malloc(total), *at = text;
    for (uint32_t i = 0; i < tf->nfunctions; i++) {
        if (i) *at++ = '\n';
        size_t n = strlen(parts[i]);
        memcpy(at, parts[i], n);
        at += n;
        free(parts[i]);
    }
    *at = 0;
    free(parts);
    return text;
}

/* The line (from 1) where a and b first differ. */
static unsigned first_difference(const char *a, const char *b) {
    unsigned line = 1;
    for (; *a && *a == *b; a++, b++)
        if (*a == '\n') line++;
    return line;
}

/* Parses text; on error prints it with `what` and returns NULL. */
static clif_test_file *parse(const char *text, size_t len, const char *path, const char *what) {
    clif_test_file *tf = NULL;
    clif_error *err = clif_parse_test_file(text, len, path, &tf);
    if (!err) return tf;
    char msg[512];
    printf("FAIL %s: %s: %s\n", path, what, clif_error_format(err, msg, sizeof msg));
    clif_error_free(err);
    return NULL;
}

/* 0 when the file round-trips, else 1 (with a message). */
static int check_file(const char *path, uint32_t *nfuncs) {
    size_t len = 0;
    char *text = rt_read_file(path, &len);
    if (!text) {
        printf("FAIL %s: cannot read\n", path);
        return 1;
    }
    clif_test_file *tf = parse(text, len, path, "the original does not parse");
    free(text);
    if (!tf) return 1;
    *nfuncs += tf->nfunctions;
    char *first = print_all(tf);
    clif_test_file_free(tf);
    clif_test_file *again = parse(first, strlen(first), path, "the printed text does not parse");
    int bad = 1;
    if (again) {
        char *second = print_all(again);
        clif_test_file_free(again);
        bad = strcmp(first, second) != 0;
        if (bad)
            printf("FAIL %s: the printed text changes when read back (line %u)\n", path,
                   first_difference(first, second));
        free(second);
    }
    free(first);
    return bad;
}

static void test_runtests_roundtrip(void **state) {
    rt_paths files;
    rt_collect_clif(*state, &files);
    uint32_t n = files.n, failed = 0, funcs = 0;
    for (uint32_t i = 0; i < n; i++)
        failed += (uint32_t)check_file(files.paths[i], &funcs);
    rt_paths_free(&files);
    printf("round trip: %u of %u runtest files (%u functions) print, read back and print the "
           "same\n",
           n - failed, n, funcs);
    assert_true(n > 0);
    assert_int_equal(failed, 0);
}

int main(void) {
    const char *dir = rt_runtests_dir("round trip NOT checked");
    if (!dir) return 77; /* ctest: skipped (SKIP_RETURN_CODE) */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_prestate(test_runtests_roundtrip, (void *)dir)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
