/* clif-util interpret: run every `; run:` and `; print:` command of the files
 * in the interpreter. Print commands print "%f(args) -> results"; a run
 * command that fails prints path:line:col: why; -v also shows the ones that
 * hold. Exits 1 when any command failed or a file did not parse or verify. */
#include <stdio.h>
#include <string.h>

#include "clif/verifier.h"
#include "cu.h"

static void report(const char *path, const clif_run_command *rc, const char *why) {
    printf("%s:%u:1: %s\n", path, rc->line, why);
}

/* Runs the commands of function fi; returns the number that failed. */
static uint32_t run_function(const char *path, const clif_test_file *tf, uint32_t fi,
                             const cu_run_limits *lim, bool verbose) {
    const clif_test_function *tfn = &tf->functions[fi];
    uint32_t failed = 0;
    for (uint32_t k = 0; k < tfn->nruns; k++) {
        const clif_run_command *rc = &tfn->runs[k];
        cu_run_out o;
        cu_str why = {0};
        clif_error *err = cu_run_command(tf, fi, rc, lim, &o);
        if (err) {
            cu_format_run_error(&why, err);
            report(path, rc, cu_str_cstr(&why));
            clif_error_free(err);
            failed++;
        } else if (rc->kind == CLIF_PRINT) {
            printf("%s -> %s\n", cu_str_cstr(&o.invocation), cu_str_cstr(&o.actual));
        } else if (!o.held) {
            cu_format_mismatch(&why, rc, &o);
            report(path, rc, cu_str_cstr(&why));
            failed++;
        } else if (verbose) {
            printf("%s:%u: ok: %s -> %s\n", path, rc->line, cu_str_cstr(&o.invocation),
                   cu_str_cstr(&o.actual));
        }
        vec_free(why);
        cu_run_out_free(&o);
    }
    return failed;
}

typedef struct interpret_opts {
    cu_run_limits lim;
    bool verbose;
} interpret_opts;

/* Verifies every function, then runs their commands. */
static bool interpret_file(void *arg, const char *path, const char *text, size_t len,
                           const clif_test_file *tf) {
    const interpret_opts *o = arg;
    (void)text, (void)len;
    for (uint32_t k = 0; k < tf->nfunctions; k++) {
        clif_error *err = clif_verify(tf->functions[k].func, path);
        if (err) {
            cu_print_error(err);
            clif_error_free(err);
            return false;
        }
    }
    bool ok = true;
    for (uint32_t k = 0; k < tf->nfunctions; k++)
        if (run_function(path, tf, k, &o->lim, o->verbose)) ok = false;
    return ok;
}

int cu_cmd_interpret(int argc, char **argv) {
    interpret_opts o = {{10000, (uint64_t)1 << 32}, false};
    o.verbose = argc > 0 && strcmp(argv[0], "-v") == 0;
    if (o.verbose) argc--, argv++;
    if (argc == 0) {
        fprintf(stderr, "usage: clif-util interpret [-v] FILE...\n");
        return 2;
    }
    return cu_each_file(argv, argc, interpret_file, &o);
}
