/* toy: compiles a toy program with libcranelift (function builder + JIT)
 * and runs its main(). Host functions: print(x) prints x, fail(code) stops
 * the program with an error carrying `code` as the embedder's payload.
 *
 *     toy [--clif] [--time] FILE
 *
 * Exit status: 0 after main() returns, 1 for a compile error, 2 when the
 * program trapped or failed (the error and its backtrace are printed). */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "toy.h"

/* ---- host functions ---- */

static int64_t host_print(int64_t x) {
    printf("%" PRId64 "\n", x);
    return 0;
}

/* The type tag of fail()'s payload: the address is what matters. */
static const char fail_tag = 0;

typedef struct fail_payload {
    int64_t code;
} fail_payload;

static int64_t host_fail(int64_t code) {
    fail_payload *p = malloc(sizeof *p);
    if (!p) abort();
    p->code = code;
    clif_jit_raise(clif_error_host(p, &fail_tag, free, "fail(%" PRId64 ") called", code));
}

static void *addr_of(int64_t (*fn)(int64_t)) {
    void *p;
    memcpy(&p, &fn, sizeof p);
    return p;
}

/* ---- driver ---- */

static char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (!buf) abort();
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap) break;
        cap *= 2;
        buf = realloc(buf, cap);
    }
    fclose(f);
    *len = n;
    return buf;
}

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void report(const char *what, const clif_error *err) {
    char buf[8192];
    fflush(stdout);
    fprintf(stderr, "%s: %s\n", what, clif_error_format(err, buf, sizeof buf));
}

int main(int argc, char **argv) {
    int want_clif = 0, want_time = 0;
    const char *path = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--clif") == 0)
            want_clif = 1;
        else if (strcmp(argv[i], "--time") == 0)
            want_time = 1;
        else if (!path && argv[i][0] != '-')
            path = argv[i];
        else {
            fprintf(stderr, "usage: toy [--clif] [--time] FILE\n");
            return 1;
        }
    }
    if (!path) {
        fprintf(stderr, "usage: toy [--clif] [--time] FILE\n");
        return 1;
    }
    size_t len;
    char *src = read_file(path, &len);
    if (!src) {
        perror(path);
        return 1;
    }
    clif_isa *isa;
    clif_jit *jit = NULL;
    clif_error *err = clif_isa_host(&isa);
    if (!err) {
        err = clif_jit_new(isa, NULL, &jit);
        clif_isa_free(isa);
    }
    if (err) {
        report("error", err);
        clif_error_free(err);
        free(src);
        return 1;
    }
    const toy_builtin builtins[] = {
        {"print", 1, addr_of(host_print)},
        {"fail", 1, addr_of(host_fail)},
    };
    toy_program prog;
    double t0 = now_ms();
    err = toy_compile(src, len, path, jit, builtins, 2, want_clif, &prog);
    double t1 = now_ms();
    free(src);
    if (want_clif && prog.clif_text) printf("%s", prog.clif_text);
    free(prog.clif_text);
    if (err) {
        report("error", err);
        clif_error_free(err);
        clif_jit_free(jit);
        return 1;
    }
    clif_data_value result;
    uint32_t n = 0;
    err = clif_jit_call(jit, prog.main_id, NULL, 0, &result, 1, &n);
    double t2 = now_ms();
    int status = 0;
    if (err) {
        const fail_payload *fp = clif_error_payload_as(err, &fail_tag);
        if (fp) {
            fflush(stdout);
            fprintf(stderr, "the program failed with code %" PRId64 "\n", fp->code);
        }
        report("error", err);
        clif_error_free(err);
        status = 2;
    }
    fflush(stdout);
    if (want_time)
        fprintf(stderr, "compiled %u functions in %.2f ms, ran main() in %.2f ms\n", prog.nfuncs,
                t1 - t0, t2 - t1);
    clif_jit_free(jit);
    return status;
}
