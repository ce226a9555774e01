/* clif-util bench: what `bench compile` (bench_compile.c) and `bench run`
 * (bench_run.c) share (prefix cb_). The command line and the JSON they write
 * are described in docs/BENCHMARKS.md. */
#ifndef CLIF_UTIL_BENCH_H
#define CLIF_UTIL_BENCH_H

#include <stdbool.h>
#include <stdint.h>

#include "clif/codegen.h"
#include "cu.h"

typedef struct cb_opts {
    uint32_t iters;         /* -n: compiles per function, or runs */
    const char *target;     /* -t ISA; NULL: the host */
    VEC(const char *) sets; /* --set NAME=VALUE (or NAME), applied last */
    const char *json;       /* --json FILE ("-": stdout) */
    bool quiet;             /* -q: totals only */
    const char *invoke;     /* run: the function to call (default "run") */
    bool interpret;         /* run: in the interpreter instead of natively */
    uint32_t stack_mib;     /* run: stack of the thread that runs the code */
    char **paths;           /* files (compile: folders too) */
    int npaths;
} cb_opts;

int cb_compile(const cb_opts *o);
int cb_run(const cb_opts *o);

/* ---- bench_util.c ---- */
/* CPU time of the calling thread and monotonic wall time, in nanoseconds. */
double cb_thread_cpu_ns(void);
double cb_wall_ns(void);
/* Sorts v and returns its median (0 for n = 0). */
double cb_median(double *v, uint32_t n);
/* Peak resident set size of the process in KiB (0 when unknown). */
long cb_peak_rss_kib(void);
/* Appends text as a JSON string (quoted, escaped). */
void cb_json_str(cu_str *s, const char *text);
/* Appends a JSON array of numbers with `prec` decimals. */
void cb_json_nums(cu_str *s, const double *v, uint32_t n, int prec);
/* Writes `text` to the --json destination; prints and returns an error. */
bool cb_write_json(const char *dest, const cu_str *text);
/* The ISA for a file: the -t ISA (else the host's, with the CPU's flags),
 * configured by the file's `target` line for that ISA (its settings and
 * flags), or by its `set` lines when it has no target, then by --set. When
 * the file has targets but none for that ISA, *skip names why and *out is
 * NULL. */
clif_error *cb_isa_for_file(const clif_test_file *tf, const cb_opts *o, clif_isa **out,
                            const char **skip);
/* The settings the benchmark reports, as a JSON object. */
void cb_json_settings(cu_str *s, const clif_isa *isa);
/* The function's name as text: "%name" or "u1:2". */
void cb_func_name(const clif_func *f, char *buf, size_t size);

#endif
