/* clif-util bench: clocks, medians, peak memory, JSON text and the choice of
 * ISA, shared by `bench compile` and `bench run`. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "bench.h"

static double ns_of(clockid_t id) {
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

double cb_thread_cpu_ns(void) {
    return ns_of(CLOCK_THREAD_CPUTIME_ID);
}
double cb_wall_ns(void) {
    return ns_of(CLOCK_MONOTONIC);
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double cb_median(double *v, uint32_t n) {
    if (n == 0) return 0;
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

long cb_peak_rss_kib(void) {
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0) return 0;
    return ru.ru_maxrss; /* KiB on Linux */
}

void cb_json_str(cu_str *s, const char *text) {
    cu_str_add(s, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if (*p == '"' || *p == '\\')
            cu_str_printf(s, "\\%c", *p);
        else if (*p < 0x20)
            cu_str_printf(s, "\\u%04x", *p);
        else
            cu_str_add(s, (const char *)p, 1);
    }
    cu_str_add(s, "\"", 1);
}

void cb_json_nums(cu_str *s, const double *v, uint32_t n, int prec) {
    cu_str_add(s, "[", 1);
    for (uint32_t i = 0; i < n; i++)
        cu_str_printf(s, "%s%.*f", i ? "," : "", prec, v[i]);
    cu_str_add(s, "]", 1);
}

bool cb_write_json(const char *dest, const cu_str *text) {
    if (strcmp(dest, "-") == 0) {
        fputs(cu_str_cstr(text), stdout);
        return true;
    }
    FILE *fp = fopen(dest, "w");
    if (!fp || fputs(cu_str_cstr(text), fp) == EOF || fclose(fp) != 0) {
        fprintf(stderr, "clif-util bench: cannot write %s\n", dest);
        return false;
    }
    return true;
}

/* A fresh ISA of the -t name, else the host's. */
static clif_error *base_isa(const cb_opts *o, clif_isa **out) {
    return o->target ? clif_isa_lookup(o->target, out) : clif_isa_host(out);
}

clif_error *cb_isa_for_file(const clif_test_file *tf, const cb_opts *o, clif_isa **out,
                            const char **skip) {
    *out = NULL;
    *skip = NULL;
    clif_isa *isa = NULL;
    clif_error *err = base_isa(o, &isa);
    if (err) return err;
    const clif_target *t = NULL;
    for (uint32_t i = 0; i < tf->ntargets && !t; i++) {
        clif_isa *probe = NULL;
        clif_error *e = clif_isa_lookup(tf->targets[i].isa, &probe);
        if (!e && strcmp(clif_isa_name(probe), clif_isa_name(isa)) == 0) t = &tf->targets[i];
        clif_error_free(e);
        clif_isa_free(probe);
    }
    if (tf->ntargets && !t) {
        *skip = "no target line for this ISA";
        clif_isa_free(isa);
        return NULL;
    }
    err = cu_isa_configure(isa, tf, t);
    for (uint32_t i = 0; !err && i < o->sets.len; i++)
        err = cu_isa_apply(isa, o->sets.data[i]);
    if (err) {
        clif_isa_free(isa);
        return err;
    }
    *out = isa;
    return NULL;
}

void cb_json_settings(cu_str *s, const clif_isa *isa) {
    static const char *const names[] = {"opt_level", "enable_verifier", "regalloc_algorithm",
                                        "enable_probestack", "preserve_frame_pointers"};
    cu_str_add(s, "{\"isa\":", 7);
    cb_json_str(s, clif_isa_name(isa));
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        char buf[64];
        const char *v = clif_isa_get(isa, names[i], buf, sizeof buf);
        if (!v) continue;
        cu_str_printf(s, ",\"%s\":", names[i]);
        cb_json_str(s, v);
    }
    cu_str_add(s, "}", 1);
}

void cb_func_name(const clif_func *f, char *buf, size_t size) {
    clif_func_name_format(f, buf, size);
}
