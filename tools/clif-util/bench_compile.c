/* clif-util bench compile: how fast functions compile. Each file is parsed
 * -n times (median parse time per file). Then each function is verified -n
 * times and compiled -n times for the ISA (median of each, CPU time of this
 * thread, parse excluded). Sizes are counted over the layout: instructions
 * and blocks. The totals give ns per IR instruction for each stage and for
 * compiled functions grouped by size, so a cost that grows faster than the
 * function shows up as a rising ns/inst, plus the peak RSS of the process.
 * A function the backend rejects (an unsupported feature) is reported with
 * its message and left out of the compile totals. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "clif/verifier.h"

typedef struct fn_rec {
    const char *file;
    char name[128];
    uint32_t insts, blocks, values;
    double verify_ns, compile_ns; /* medians; compile_ns < 0: not compiled */
    size_t code_bytes;
    char *error; /* why it was not compiled, or NULL */
} fn_rec;

typedef struct file_rec {
    const char *path;
    size_t bytes;
    uint32_t functions, insts;
    double parse_ns;
    const char *skipped; /* static text, or NULL */
    char *error;         /* parse or ISA error, or NULL */
    cu_str settings;     /* JSON object, empty when skipped */
} file_rec;

typedef struct state {
    const cb_opts *o;
    VEC(fn_rec) fns;
    VEC(file_rec) files;
    double *times; /* o->iters samples */
} state;

static void count_layout(const clif_func *f, uint32_t *insts, uint32_t *blocks) {
    *insts = *blocks = 0;
    for (clif_block b = clif_first_block(f); b != CLIF_NONE; b = clif_next_block(f, b)) {
        ++*blocks;
        for (clif_inst i = clif_first_inst(f, b); i != CLIF_NONE; i = clif_next_inst(f, i))
            ++*insts;
    }
}

static char *error_text(clif_error *err) {
    char buf[512];
    clif_error_format(err, buf, sizeof buf);
    clif_error_free(err);
    char *s = cl_xmalloc(strlen(buf) + 1);
    strcpy(s, buf);
    return s;
}

/* Verifies and compiles one function o->iters times each. */
static void measure_function(state *st, const char *path, const clif_func *f, const clif_isa *isa) {
    fn_rec r;
    memset(&r, 0, sizeof r);
    r.file = path;
    cb_func_name(f, r.name, sizeof r.name);
    count_layout(f, &r.insts, &r.blocks);
    r.values = clif_func_num_values(f);
    r.compile_ns = -1;
    uint32_t n = st->o->iters;
    clif_error *err = NULL;
    for (uint32_t k = 0; k < n && !err; k++) {
        double t0 = cb_thread_cpu_ns();
        err = clif_verify(f, path);
        st->times[k] = cb_thread_cpu_ns() - t0;
    }
    if (err) {
        r.error = error_text(err);
        vec_push(st->fns, r);
        return;
    }
    r.verify_ns = cb_median(st->times, n);
    for (uint32_t k = 0; k < n && !err; k++) {
        clif_compiled *c = NULL;
        double t0 = cb_thread_cpu_ns();
        err = clif_compile(isa, f, &c);
        st->times[k] = cb_thread_cpu_ns() - t0;
        if (c) r.code_bytes = clif_compiled_code_size(c);
        clif_compiled_free(c);
    }
    if (err)
        r.error = error_text(err);
    else
        r.compile_ns = cb_median(st->times, n);
    vec_push(st->fns, r);
}

/* Parses one file o->iters times, then measures its functions. Returns false
 * when it does not parse. */
static bool measure_file(state *st, const char *path) {
    file_rec fr;
    memset(&fr, 0, sizeof fr);
    fr.path = path;
    char *text = NULL;
    size_t len = 0;
    clif_error *err = cu_read_file(path, &text, &len);
    clif_test_file *tf = NULL;
    for (uint32_t k = 0; k < st->o->iters && !err; k++) {
        if (tf) clif_test_file_free(tf);
        tf = NULL;
        double t0 = cb_thread_cpu_ns();
        err = clif_parse_test_file(text, len, path, &tf);
        st->times[k] = cb_thread_cpu_ns() - t0;
    }
    fr.bytes = len;
    bool ok = err == NULL;
    if (err) {
        fr.error = error_text(err);
        fprintf(stderr, "%s\n", fr.error);
    } else {
        fr.parse_ns = cb_median(st->times, st->o->iters);
        fr.functions = tf->nfunctions;
        for (uint32_t i = 0; i < tf->nfunctions; i++) {
            uint32_t ni, nb;
            count_layout(tf->functions[i].func, &ni, &nb);
            fr.insts += ni;
        }
        clif_isa *isa = NULL;
        err = cb_isa_for_file(tf, st->o, &isa, &fr.skipped);
        if (err) {
            fr.error = error_text(err);
            fprintf(stderr, "%s: %s\n", path, fr.error);
            ok = false;
        } else if (isa) {
            cb_json_settings(&fr.settings, isa);
            for (uint32_t i = 0; i < tf->nfunctions; i++)
                measure_function(st, path, tf->functions[i].func, isa);
        }
        clif_isa_free(isa);
    }
    vec_push(st->files, fr);
    if (tf) clif_test_file_free(tf);
    free(text);
    return ok;
}

/* Size classes of the scaling table: [lo, hi) instructions. */
static const uint32_t size_lo[] = {0, 100, 1000, 10000, 100000};
#define NSIZES (sizeof size_lo / sizeof *size_lo)

static uint32_t size_class(uint32_t insts) {
    uint32_t c = 0;
    while (c + 1 < NSIZES && insts >= size_lo[c + 1])
        c++;
    return c;
}

typedef struct totals {
    uint32_t files, skipped, bad_files, functions, compiled, failed;
    uint64_t insts, parse_insts, compiled_insts, code_bytes;
    double parse_ns, verify_ns, compile_ns;
    uint32_t cls_n[NSIZES];
    uint64_t cls_insts[NSIZES];
    double cls_ns[NSIZES];
    long rss_kib;
    double wall_ns;
} totals;

static void sum_up(const state *st, totals *t) {
    for (uint32_t i = 0; i < st->files.len; i++) {
        const file_rec *f = &st->files.data[i];
        t->files++;
        if (f->skipped) t->skipped++;
        if (f->error) t->bad_files++;
        if (!f->error) {
            t->parse_ns += f->parse_ns;
            t->parse_insts += f->insts;
        }
    }
    for (uint32_t i = 0; i < st->fns.len; i++) {
        const fn_rec *r = &st->fns.data[i];
        t->functions++;
        t->insts += r->insts;
        t->verify_ns += r->verify_ns;
        if (r->compile_ns < 0) {
            t->failed++;
            continue;
        }
        t->compiled++;
        t->compiled_insts += r->insts;
        t->compile_ns += r->compile_ns;
        t->code_bytes += r->code_bytes;
        uint32_t c = size_class(r->insts);
        t->cls_n[c]++;
        t->cls_insts[c] += r->insts;
        t->cls_ns[c] += r->compile_ns;
    }
}

static double per_inst(double ns, uint64_t insts) {
    return insts ? ns / (double)insts : 0;
}

static void print_table(const state *st, const totals *t) {
    if (!st->o->quiet) {
        printf("%8s %7s %11s %11s %10s  %s\n", "insts", "blocks", "verify_us", "compile_us",
               "code_bytes", "function");
        for (uint32_t i = 0; i < st->fns.len; i++) {
            const fn_rec *r = &st->fns.data[i];
            printf("%8u %7u %11.1f ", r->insts, r->blocks, r->verify_ns / 1e3);
            if (r->compile_ns >= 0)
                printf("%11.1f %10zu  %s %s\n", r->compile_ns / 1e3, r->code_bytes, r->file,
                       r->name);
            else
                printf("%11s %10s  %s %s: %s\n", "-", "-", r->file, r->name, r->error);
        }
        printf("\n");
    }
    printf("files: %u (%u skipped: no target for the ISA; %u failed)\n", t->files, t->skipped,
           t->bad_files);
    printf("functions: %u (%u compiled, %u not compiled)\n", t->functions, t->compiled, t->failed);
    printf("IR instructions: %llu (%llu in compiled functions)\n", (unsigned long long)t->insts,
           (unsigned long long)t->compiled_insts);
    printf("parse:   %10.3f ms %8.1f ns/inst\n", t->parse_ns / 1e6,
           per_inst(t->parse_ns, t->parse_insts));
    printf("verify:  %10.3f ms %8.1f ns/inst\n", t->verify_ns / 1e6,
           per_inst(t->verify_ns, t->insts));
    printf("compile: %10.3f ms %8.1f ns/inst (%llu bytes of code)\n", t->compile_ns / 1e6,
           per_inst(t->compile_ns, t->compiled_insts), (unsigned long long)t->code_bytes);
    for (uint32_t c = 0; c < NSIZES; c++) {
        if (!t->cls_n[c]) continue;
        char range[32];
        if (c + 1 < NSIZES)
            snprintf(range, sizeof range, "%u..%u", size_lo[c], size_lo[c + 1] - 1);
        else
            snprintf(range, sizeof range, ">= %u", size_lo[c]);
        printf("  compile, functions of %-12s insts: %5u functions %9llu insts %8.1f ns/inst\n",
               range, t->cls_n[c], (unsigned long long)t->cls_insts[c],
               per_inst(t->cls_ns[c], t->cls_insts[c]));
    }
    printf("peak RSS: %ld KiB\n", t->rss_kib);
}

static void json_num_or_null(cu_str *s, const char *key, double v, bool have, int prec) {
    if (have)
        cu_str_printf(s, ",\"%s\":%.*f", key, prec, v);
    else
        cu_str_printf(s, ",\"%s\":null", key);
}

static void write_json(const state *st, const totals *t, cu_str *s) {
    cu_str_printf(s, "{\"tool\":\"clif-util bench compile\",\"iterations\":%u,", st->o->iters);
    cu_str_printf(s, "\"clock\":\"thread_cpu\",\"files\":[");
    for (uint32_t i = 0; i < st->files.len; i++) {
        const file_rec *f = &st->files.data[i];
        cu_str_printf(s, "%s\n{\"path\":", i ? "," : "");
        cb_json_str(s, f->path);
        cu_str_printf(s, ",\"bytes\":%zu,\"functions\":%u,\"insts\":%u", f->bytes, f->functions,
                      f->insts);
        json_num_or_null(s, "parse_us", f->parse_ns / 1e3, !f->error, 3);
        cu_str_printf(s, ",\"settings\":%s,\"skipped\":",
                      f->settings.len ? cu_str_cstr(&f->settings) : "null");
        if (f->skipped)
            cb_json_str(s, f->skipped);
        else
            cu_str_printf(s, "null");
        cu_str_printf(s, ",\"error\":");
        if (f->error)
            cb_json_str(s, f->error);
        else
            cu_str_printf(s, "null");
        cu_str_printf(s, "}");
    }
    cu_str_printf(s, "],\n\"functions\":[");
    for (uint32_t i = 0; i < st->fns.len; i++) {
        const fn_rec *r = &st->fns.data[i];
        cu_str_printf(s, "%s\n{\"file\":", i ? "," : "");
        cb_json_str(s, r->file);
        cu_str_printf(s, ",\"name\":");
        cb_json_str(s, r->name);
        cu_str_printf(s, ",\"insts\":%u,\"blocks\":%u,\"values\":%u", r->insts, r->blocks,
                      r->values);
        json_num_or_null(s, "verify_us", r->verify_ns / 1e3, true, 3);
        json_num_or_null(s, "compile_us", r->compile_ns / 1e3, r->compile_ns >= 0, 3);
        json_num_or_null(s, "code_bytes", (double)r->code_bytes, r->compile_ns >= 0, 0);
        cu_str_printf(s, ",\"error\":");
        if (r->error)
            cb_json_str(s, r->error);
        else
            cu_str_printf(s, "null");
        cu_str_printf(s, "}");
    }
    cu_str_printf(s, "],\n\"totals\":{\"files\":%u,\"files_skipped\":%u,\"files_failed\":%u,",
                  t->files, t->skipped, t->bad_files);
    cu_str_printf(s, "\"functions\":%u,\"compiled\":%u,\"not_compiled\":%u,", t->functions,
                  t->compiled, t->failed);
    cu_str_printf(s, "\"insts\":%llu,\"compiled_insts\":%llu,\"code_bytes\":%llu,",
                  (unsigned long long)t->insts, (unsigned long long)t->compiled_insts,
                  (unsigned long long)t->code_bytes);
    cu_str_printf(s, "\"parse_us\":%.3f,\"verify_us\":%.3f,\"compile_us\":%.3f,", t->parse_ns / 1e3,
                  t->verify_ns / 1e3, t->compile_ns / 1e3);
    cu_str_printf(s,
                  "\"parse_ns_per_inst\":%.2f,\"verify_ns_per_inst\":%.2f,"
                  "\"compile_ns_per_inst\":%.2f,",
                  per_inst(t->parse_ns, t->parse_insts), per_inst(t->verify_ns, t->insts),
                  per_inst(t->compile_ns, t->compiled_insts));
    cu_str_printf(s, "\"by_size\":[");
    for (uint32_t c = 0, first = 1; c < NSIZES; c++) {
        if (!t->cls_n[c]) continue;
        cu_str_printf(s, "%s{\"min_insts\":%u,", first ? "" : ",", size_lo[c]);
        if (c + 1 < NSIZES)
            cu_str_printf(s, "\"max_insts\":%u,", size_lo[c + 1] - 1);
        else
            cu_str_printf(s, "\"max_insts\":null,");
        cu_str_printf(s, "\"functions\":%u,\"insts\":%llu,\"compile_us\":%.3f,", t->cls_n[c],
                      (unsigned long long)t->cls_insts[c], t->cls_ns[c] / 1e3);
        cu_str_printf(s, "\"compile_ns_per_inst\":%.2f}", per_inst(t->cls_ns[c], t->cls_insts[c]));
        first = 0;
    }
    cu_str_printf(s, "],\"peak_rss_kib\":%ld,\"wall_ms\":%.3f}}\n", t->rss_kib, t->wall_ns / 1e6);
}

int cb_compile(const cb_opts *o) {
    double wall0 = cb_wall_ns();
    cu_paths files = {0};
    clif_error *err = cu_collect_files(o->paths, o->npaths, &files);
    if (err) {
        cu_print_error(err);
        clif_error_free(err);
        cu_paths_free(&files);
        return 1;
    }
    state st;
    memset(&st, 0, sizeof st);
    st.o = o;
    st.times = cl_xcalloc(o->iters, sizeof *st.times);
    int status = 0;
    for (uint32_t i = 0; i < files.len; i++)
        if (!measure_file(&st, files.data[i])) status = 1;

    totals t;
    memset(&t, 0, sizeof t);
    sum_up(&st, &t);
    t.rss_kib = cb_peak_rss_kib();
    t.wall_ns = cb_wall_ns() - wall0;
    bool json_stdout = o->json && strcmp(o->json, "-") == 0;
    if (!json_stdout) print_table(&st, &t);
    if (o->json) {
        cu_str js = {0};
        write_json(&st, &t, &js);
        if (!cb_write_json(o->json, &js)) status = 1;
        vec_free(js);
    }

    for (uint32_t i = 0; i < st.fns.len; i++)
        free(st.fns.data[i].error);
    for (uint32_t i = 0; i < st.files.len; i++) {
        free(st.files.data[i].error);
        vec_free(st.files.data[i].settings);
    }
    vec_free(st.fns);
    vec_free(st.files);
    free(st.times);
    cu_paths_free(&files);
    return status;
}
