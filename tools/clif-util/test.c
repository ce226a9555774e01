/* clif-util test: the filetest runner. One line per file (PASS, FAIL with the
 * first failing line, or SKIP with the reason), then the counts. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cu.h"

static void usage(void) {
    fprintf(stderr,
            "usage: clif-util test [--interpret] [-v] [--timeout SECS] [--fuel N] [--in-process] "
            "PATH...\n"
            "  Runs the `test` lines of each file; folders are searched for *.clif files.\n"
            "  --interpret   execute `test run` files in the interpreter too\n"
            "  -v            print each executed command and each printed function\n"
            "  --timeout S   fail a file that takes longer than S seconds (default 120, 0 = none)\n"
            "  --fuel N      instructions one run command may execute (default 2^32, 0 = none)\n"
            "  --in-process  no child process per file (for debugging)\n");
}

/* Prints text on one line: newlines become "; ". */
static void print_flat(const char *s) {
    for (; *s; s++) {
        if (*s == '\n') {
            if (s[1]) fputs("; ", stdout);
        } else {
            putchar(*s);
        }
    }
}

/* A whole number that fits in 64 bits (decimal, or 0x hexadecimal). */
static bool parse_u64(const char *s, uint64_t *out) {
    char *end;
    if (!s || !*s || s[0] == '-') return false;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (*end || errno == ERANGE) return false;
    *out = v;
    return true;
}

int cu_cmd_test(int argc, char **argv) {
    cu_test_opts o = {false, false, true, 120, {10000, (uint64_t)1 << 32}};
    int first = 0;
    for (; first < argc && argv[first][0] == '-'; first++) {
        const char *a = argv[first];
        uint64_t v;
        if (strcmp(a, "--interpret") == 0) {
            o.interpret = true;
        } else if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
            o.verbose = true;
        } else if (strcmp(a, "--in-process") == 0) {
            o.isolate = false;
        } else if (strcmp(a, "--timeout") == 0 && parse_u64(argv[first + 1], &v) && v < 1u << 20) {
            o.timeout = (uint32_t)v;
            first++;
        } else if (strcmp(a, "--fuel") == 0 && parse_u64(argv[first + 1], &v)) {
            o.limits.fuel = v;
            first++;
        } else {
            usage();
            return 2;
        }
    }
    if (first == argc) {
        usage();
        return 2;
    }
    cu_paths files = {0};
    clif_error *err = cu_collect_files(argv + first, argc - first, &files);
    if (err) {
        cu_print_error(err);
        clif_error_free(err);
        cu_paths_free(&files);
        return 1;
    }
    uint32_t counts[3] = {0, 0, 0};
    for (uint32_t i = 0; i < files.len; i++) {
        const char *path = files.data[i];
        cu_str out = {0};
        cu_result r = {0};
        if (o.isolate)
            cu_test_isolated(path, &o, &out, &r);
        else
            cu_test_one_file(path, &o, &out, &r, NULL, NULL);
        fputs(cu_str_cstr(&out), stdout);
        counts[r.status]++;
        if (r.status == CU_PASS) {
            printf("PASS %s\n", path);
        } else {
            printf("%s %s: ", r.status == CU_FAIL ? "FAIL" : "SKIP", path);
            if (r.status == CU_FAIL) printf("%u: ", r.line);
            print_flat(cu_str_cstr(&r.why));
            putchar('\n');
        }
        fflush(stdout);
        vec_free(out);
        vec_free(r.why);
    }
    printf("%u passed, %u failed, %u skipped\n", counts[CU_PASS], counts[CU_FAIL], counts[CU_SKIP]);
    cu_paths_free(&files);
    return counts[CU_FAIL] ? 1 : 0;
}
