/* The interpreter runs Cranelift's runtests: every file of the folder
 * (subfolders included) is parsed, and each `; run:` command executed on the
 * function it follows, with all functions of the file callable by name (a
 * fresh interpreter per command, as Cranelift's test_interpret does).
 *
 * Files that declare `test interpret` (Cranelift's own interpreter runs them)
 * must pass completely. Files with only `test run` are run too; a few encode
 * one ISA's NaN choices (simd-fmax-fmin-nondeterministic-*) that contradict
 * each other, so for those only the count of failing files is bounded.
 *
 * The folder is CLIF_RUNTESTS_DIR (environment, else the CMake definition);
 * when it is missing the program exits with 77, which ctest reports as
 * skipped. */
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

/* Run-only files that may fail: their expectations hold on one ISA only. */
#define MAX_FAILING_RUN_ONLY_FILES 2

typedef struct tally {
    uint32_t files, commands, passed;
    uint32_t interp_files, interp_failed_files, run_only_failed_files;
} tally;

static bool has_test(const clif_test_file *tf, const char *name) {
    size_t n = strlen(name);
    for (uint32_t i = 0; i < tf->ntests; i++)
        if (strncmp(tf->tests[i], name, n) == 0 && (tf->tests[i][n] == 0 || tf->tests[i][n] == ' '))
            return true;
    return false;
}

/* Runs one command; returns true when it holds, else prints why. */
static bool run_command(const char *path, const clif_test_file *tf, uint32_t fi,
                        const clif_run_command *rc) {
    clif_interp *in = clif_interp_new();
    for (uint32_t i = 0; i < tf->nfunctions; i++)
        clif_interp_add_function(in, tf->functions[i].func);
    clif_data_value out[64];
    uint32_t n = 0;
    clif_error *e = clif_interp_call(in, tf->functions[fi].func, rc->args, rc->nargs, out, 64, &n);
    clif_interp_free(in);
    char buf[512];
    if (e) {
        print_message("%s:%u: %s\n", path, rc->line, clif_error_format(e, buf, sizeof buf));
        clif_error_free(e);
        return false;
    }
    if (rc->kind == CLIF_PRINT) return true;
    bool same = n == rc->nexpected;
    for (uint32_t k = 0; same && k < n; k++)
        same = clif_dv_equal(&out[k], &rc->expected[k]);
    bool ok;
    if (rc->cmp == CLIF_CMP_EQ)
        ok = same;
    else if (rc->cmp == CLIF_CMP_NE)
        ok = !same;
    else { /* bare `; run`: one result, nonzero */
        bool nonzero = false;
        for (int k = 0; n == 1 && k < 16; k++)
            nonzero |= out[0].bytes[k] != 0;
        ok = n == 1 && nonzero;
    }
    if (!ok)
        print_message("%s:%u: got %s\n", path, rc->line,
                      n ? clif_dv_format(&out[0], buf, sizeof buf) : "no value");
    return ok;
}

static void check_file(const char *path, tally *t) {
    size_t len = 0;
    char *text = rt_read_file(path, &len);
    assert_non_null(text);
    t->files++;
    clif_test_file *tf = NULL;
    clif_error *err = clif_parse_test_file(text, len, path, &tf);
    free(text);
    if (err) {
        char buf[512];
        print_message("not parsed: %s\n", clif_error_format(err, buf, sizeof buf));
        clif_error_free(err);
        t->interp_failed_files++;
        return;
    }
    bool interp = has_test(tf, "interpret"), failed = false;
    for (uint32_t k = 0; k < tf->nfunctions; k++)
        for (uint32_t r = 0; r < tf->functions[k].nruns; r++) {
            t->commands++;
            if (run_command(path, tf, k, &tf->functions[k].runs[r]))
                t->passed++;
            else
                failed = true;
        }
    if (interp) t->interp_files++;
    if (failed && interp) t->interp_failed_files++;
    if (failed && !interp) t->run_only_failed_files++;
    clif_test_file_free(tf);
}

static void test_runtests_interpret(void **state) {
    tally t = {0};
    rt_paths files;
    rt_collect_clif(*state, &files);
    assert_int_equal(files.unreadable, 0);
    for (uint32_t i = 0; i < files.n; i++)
        check_file(files.paths[i], &t);
    rt_paths_free(&files);
    printf("interpreter over the runtests: %u files (%u with `test interpret`), %u of %u run "
           "commands hold; failing files: %u interpret, %u run-only\n",
           t.files, t.interp_files, t.passed, t.commands, t.interp_failed_files,
           t.run_only_failed_files);
    assert_true(t.files > 0);
    assert_true(t.commands > 0);
    assert_int_equal(t.interp_failed_files, 0);
    assert_true(t.run_only_failed_files <= MAX_FAILING_RUN_ONLY_FILES);
}

int main(void) {
    const char *dir = rt_runtests_dir("interpreter NOT checked");
    if (!dir) return 77; /* ctest: skipped (SKIP_RETURN_CODE) */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_prestate(test_runtests_interpret, (void *)dir)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
