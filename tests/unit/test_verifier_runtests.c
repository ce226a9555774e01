/* The verifier accepts every function of Cranelift's runtests: each file of
 * the folder (subfolders included) is parsed and every function in it
 * verified. The folder is CLIF_RUNTESTS_DIR (environment, else the CMake
 * definition); when it is missing the program says so and exits with 77,
 * which ctest reports as skipped, not passed. */
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

typedef struct tally {
    uint32_t files, unparsed, functions, verified, findings;
    uint32_t targets, unconfigured, isa_checks, isa_findings;
} tally;

static void print_finding(void *ctx, const clif_verifier_error *e) {
    const char *path = ctx;
    print_message("%s:%u: %s\n", path, e->line, e->message);
}

/* The ISA a `target` line describes, with its flags and settings; NULL when
 * this build has no such target or rejects one of its names. */
static clif_isa *configure(const clif_target *tg) {
    clif_isa *isa = NULL;
    clif_error *e = clif_isa_lookup(tg->isa, &isa);
    for (uint32_t k = 0; !e && k < tg->nsettings; k++)
        e = clif_isa_set(isa, tg->settings[k].name, tg->settings[k].value);
    for (uint32_t k = 0; !e && k < tg->nflags; k++) {
        const char *flag = tg->flags[k], *eq = strchr(flag, '=');
        if (eq) {
            char name[64];
            snprintf(name, sizeof name, "%.*s", (int)(eq - flag), flag);
            e = clif_isa_set(isa, name, eq + 1);
        } else {
            e = clif_isa_set(isa, flag, "true");
        }
    }
    if (e) {
        clif_error_free(e);
        clif_isa_free(isa);
        return NULL;
    }
    return isa;
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
        print_message("not parsed (reader): %s\n", clif_error_format(err, buf, sizeof buf));
        clif_error_free(err);
        t->unparsed++;
        return;
    }
    for (uint32_t k = 0; k < tf->nfunctions; k++) {
        t->functions++;
        uint32_t n = clif_verify_each(tf->functions[k].func, print_finding, (void *)path);
        if (n == 0)
            t->verified++;
        else
            t->findings += n;
    }
    /* And with each target of the file this build has, as Cranelift's runner. */
    for (uint32_t g = 0; g < tf->ntargets; g++) {
        t->targets++;
        clif_isa *isa = configure(&tf->targets[g]);
        if (!isa) {
            t->unconfigured++;
            continue;
        }
        for (uint32_t k = 0; k < tf->nfunctions; k++) {
            t->isa_checks++;
            t->isa_findings +=
                clif_verify_each_isa(tf->functions[k].func, isa, print_finding, (void *)path);
        }
        clif_isa_free(isa);
    }
    clif_test_file_free(tf);
}

static void test_runtests_verify(void **state) {
    tally t = {0};
    rt_paths files;
    rt_collect_clif(*state, &files);
    assert_int_equal(files.unreadable, 0);
    for (uint32_t i = 0; i < files.n; i++)
        check_file(files.paths[i], &t);
    rt_paths_free(&files);
    printf("verifier over the runtests: %u files (%u not parsed by the reader), %u functions, "
           "%u verified, %u findings; with targets: %u target lines (%u not in this build), "
           "%u function checks, %u findings\n",
           t.files, t.unparsed, t.functions, t.verified, t.findings, t.targets, t.unconfigured,
           t.isa_checks, t.isa_findings);
    assert_true(t.files > 0);
    assert_true(t.functions > 0);
    assert_int_equal(t.findings, 0);
    assert_true(t.isa_checks > 0);
    assert_int_equal(t.isa_findings, 0);
}

int main(void) {
    const char *dir = rt_runtests_dir("verifier NOT checked");
    if (!dir) return 77; /* ctest: skipped (SKIP_RETURN_CODE) */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_prestate(test_runtests_verify, (void *)dir)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
