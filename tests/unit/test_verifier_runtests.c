/* The verifier accepts every function of Cranelift's runtests: each file of
 * the folder (subfolders included) is parsed and every function in it
 * verified. The folder is CLIF_RUNTESTS_DIR (environment, else the CMake
 * definition); when it is missing the program says so and exits with 77,
 * which ctest reports as skipped, not passed. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cranelift.h"

#ifndef CLIF_RUNTESTS_DIR
#define CLIF_RUNTESTS_DIR ""
#endif

static const char *runtests_dir(void) {
    const char *dir = getenv("CLIF_RUNTESTS_DIR");
    return dir && *dir ? dir : CLIF_RUNTESTS_DIR;
}

typedef struct tally {
    uint32_t files, unparsed, functions, verified, findings;
    uint32_t targets, unconfigured, isa_checks, isa_findings;
} tally;

static char *read_file(const char *path, size_t *len) {
    FILE *fp = fopen(path, "rb");
    if (!fp) return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, fp)) > 0) {
        n += got;
        if (n == cap) {
            char *grown = realloc(buf, cap *= 2);
            if (!grown) free(buf);
            buf = grown;
        }
    }
    fclose(fp);
    *len = n;
    return buf;
}

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
    char *text = read_file(path, &len);
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

static bool ends_with(const char *s, const char *suffix) {
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

static void test_runtests_verify(void **state) {
    (void)state;
    struct stat st;
    tally t = {0};
    /* Folders to visit: a worklist, not recursion. */
    char **todo = malloc(sizeof *todo);
    size_t ntodo = 1, cap = 1;
    todo[0] = strdup(runtests_dir());
    while (ntodo) {
        char *dir = todo[--ntodo];
        DIR *d = opendir(dir);
        assert_non_null(d);
        struct dirent *de;
        while ((de = readdir(d)) != NULL) {
            if (de->d_name[0] == '.') continue;
            size_t n = strlen(dir) + strlen(de->d_name) + 2;
            char *path = malloc(n);
            snprintf(path, n, "%s/%s", dir, de->d_name);
            if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
                if (ntodo == cap) todo = realloc(todo, (cap *= 2) * sizeof *todo);
                todo[ntodo++] = path;
                continue;
            }
            if (ends_with(path, ".clif")) check_file(path, &t);
            free(path);
        }
        closedir(d);
        free(dir);
    }
    free(todo);
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
    struct stat st;
    const char *dir = runtests_dir();
    if (!*dir || stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        printf("runtests folder missing: '%s' (set CLIF_RUNTESTS_DIR); verifier NOT checked\n",
               dir);
        return 77; /* ctest: skipped (SKIP_RETURN_CODE) */
    }
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_runtests_verify)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
