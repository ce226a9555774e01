/* clif-util bench: measurements for the benchmarks (docs/BENCHMARKS.md).
 *
 *   bench compile [OPTIONS] PATH...   per function: IR size, median verify and
 *                                     compile times, code bytes; totals with ns
 *                                     per IR instruction and peak RSS
 *   bench run [OPTIONS] FILE          compiles the file, calls one function N
 *                                     times, reports median run times and checks
 *                                     the result against its `; run:` line
 *
 * This file reads the command line; bench_compile.c and bench_run.c do the
 * work. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

static int usage(FILE *to) {
    fprintf(to, "usage: clif-util bench compile [OPTIONS] PATH...\n"
                "       clif-util bench run [OPTIONS] FILE\n"
                "options:\n"
                "  -n N              compiles per function / runs (default 5; median reported)\n"
                "  -t ISA            target ISA (default: the host, with the CPU's flags)\n"
                "  --set NAME=VALUE  a setting or ISA flag, after the file's own (repeatable)\n"
                "  --json FILE       also write the results as JSON (- = stdout, no table)\n"
                "  -q                compile: totals only\n"
                "  --invoke NAME     run: the function to call, () -> result (default: run)\n"
                "  --interpret       run: in the interpreter instead of compiled code\n"
                "  --stack MIB       run: stack of the thread running the code (default 256)\n");
    return to == stdout ? 0 : 2;
}

/* The value of option argv[*i] (advancing *i), or NULL with a message. */
static const char *value(int argc, char **argv, int *i) {
    if (*i + 1 >= argc) {
        fprintf(stderr, "clif-util bench: %s needs a value\n", argv[*i]);
        return NULL;
    }
    return argv[++*i];
}

static bool number(const char *opt, const char *text, uint32_t lo, uint32_t hi, uint32_t *out) {
    char *end;
    unsigned long v = strtoul(text, &end, 10);
    if (*text < '0' || *text > '9' || *end || v < lo || v > hi) {
        fprintf(stderr, "clif-util bench: %s wants a number from %u to %u, not `%s`\n", opt, lo, hi,
                text);
        return false;
    }
    *out = (uint32_t)v;
    return true;
}

int cu_cmd_bench(int argc, char **argv) {
    if (argc < 1) return usage(stderr);
    if (strcmp(argv[0], "-h") == 0 || strcmp(argv[0], "--help") == 0) return usage(stdout);
    bool run = strcmp(argv[0], "run") == 0;
    if (!run && strcmp(argv[0], "compile") != 0) {
        fprintf(stderr, "clif-util bench: unknown mode `%s`\n", argv[0]);
        return usage(stderr);
    }
    cb_opts o;
    memset(&o, 0, sizeof o);
    o.iters = 5;
    o.invoke = "run";
    o.stack_mib = 256;
    o.paths = cl_xcalloc((size_t)argc, sizeof *o.paths);
    int status = 2;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = NULL;
        bool ok = true;
        if (strcmp(a, "-n") == 0)
            ok = (v = value(argc, argv, &i)) && number(a, v, 1, 1000, &o.iters);
        else if (strcmp(a, "-t") == 0)
            ok = (o.target = value(argc, argv, &i)) != NULL;
        else if (strcmp(a, "--set") == 0) {
            if ((ok = (v = value(argc, argv, &i)) != NULL)) vec_push(o.sets, v);
        } else if (strcmp(a, "--json") == 0)
            ok = (o.json = value(argc, argv, &i)) != NULL;
        else if (strcmp(a, "-q") == 0)
            o.quiet = true;
        else if (run && strcmp(a, "--invoke") == 0)
            ok = (o.invoke = value(argc, argv, &i)) != NULL;
        else if (run && strcmp(a, "--interpret") == 0)
            o.interpret = true;
        else if (run && strcmp(a, "--stack") == 0)
            ok = (v = value(argc, argv, &i)) && number(a, v, 1, 65536, &o.stack_mib);
        else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "clif-util bench: unknown option `%s`\n", a);
            ok = false;
        } else
            o.paths[o.npaths++] = argv[i];
        if (!ok) goto out;
    }
    if (o.npaths == 0 || (run && o.npaths != 1)) {
        fprintf(stderr, "clif-util bench %s: %s\n", argv[0],
                run ? "give exactly one FILE" : "give at least one PATH");
        usage(stderr);
        goto out;
    }
    status = run ? cb_run(&o) : cb_compile(&o);
out:
    vec_free(o.sets);
    free(o.paths);
    return status;
}
