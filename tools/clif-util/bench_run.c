/* clif-util bench run: how fast compiled code runs. The file's functions are
 * compiled -n times (the median whole-file compile time is reported, parse
 * excluded), then compiled once more into a JIT module. The function named by
 * --invoke (no parameters) is called -n times on a thread with a big stack
 * (kernels keep their arrays in stack slots). Each run's CPU time (of that
 * thread) and wall time are measured, and the result is checked against the
 * function's `; run: %f() == X` line when it has one. With --interpret the
 * interpreter runs the function instead (no instruction limit). */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "clif/interp.h"
#include "clif/verifier.h"
#include "jit/jit.h"

typedef struct runner {
    const cb_opts *o;
    const clif_test_file *tf;
    const clif_func *f;
    jit_module *m; /* native: the module and the function's code */
    void *code;
    clif_interp *in; /* interpreted */
    double *cpu_ns, *wall_ns;
    uint32_t done;
    clif_data_value result;
    clif_error *err;
} runner;

static clif_location no_loc(void) {
    clif_location l = {NULL, 0, 0};
    return l;
}

static void *run_thread(void *arg) {
    runner *r = arg;
    for (uint32_t k = 0; k < r->o->iters && !r->err; k++) {
        clif_data_value res[1];
        uint32_t nres = 0;
        double c0 = cb_thread_cpu_ns(), w0 = cb_wall_ns();
        r->err = r->in ? clif_interp_call(r->in, r->f, NULL, 0, res, 1, &nres)
                       : jit_module_call(r->m, r->f, r->code, NULL, 0, res, 1, &nres);
        r->cpu_ns[k] = cb_thread_cpu_ns() - c0;
        r->wall_ns[k] = cb_wall_ns() - w0;
        if (r->err) break;
        if (k > 0 && !clif_dv_equal(&res[0], &r->result))
            r->err = clif_error_new(CLIF_ERR_ARGUMENT, no_loc(),
                                    "run %u returned another result than run 1", k + 1);
        r->result = res[0];
        r->done = k + 1;
    }
    return NULL;
}

/* Runs r->o->iters calls on a thread with a stack of --stack MiB. */
static clif_error *run_all(runner *r) {
    pthread_attr_t attr;
    pthread_t th;
    if (pthread_attr_init(&attr) != 0 ||
        pthread_attr_setstacksize(&attr, (size_t)r->o->stack_mib << 20) != 0 ||
        pthread_create(&th, &attr, run_thread, r) != 0)
        return clif_error_new(CLIF_ERR_HOST, no_loc(), "cannot start a thread with a %u MiB stack",
                              r->o->stack_mib);
    pthread_join(th, NULL);
    pthread_attr_destroy(&attr);
    return r->err;
}

static const clif_test_function *find_function(const clif_test_file *tf, const char *name) {
    if (name[0] == '%') name++;
    for (uint32_t i = 0; i < tf->nfunctions; i++) {
        char buf[128];
        cb_func_name(tf->functions[i].func, buf, sizeof buf);
        if (strcmp(buf + (buf[0] == '%'), name) == 0) return &tf->functions[i];
    }
    return NULL;
}

/* The value of the function's first `; run: %f() == X`, or NULL. */
static const clif_data_value *expected_value(const clif_test_function *fn) {
    for (uint32_t k = 0; k < fn->nruns; k++) {
        const clif_run_command *rc = &fn->runs[k];
        if (rc->kind == CLIF_RUN && rc->cmp == CLIF_CMP_EQ && rc->nargs == 0 && rc->nexpected == 1)
            return &rc->expected[0];
    }
    return NULL;
}

/* Integers as unsigned decimal (as the C harness prints checksums), the rest
 * as CLIF prints them. */
static void value_text(const clif_data_value *v, char *buf, size_t size) {
    uint32_t bits = clif_type_bits(v->type);
    if (clif_type_is_int(v->type) && bits <= 64) {
        uint64_t x = clif_dv_to_u64(v);
        if (bits < 64) x &= ((uint64_t)1 << bits) - 1;
        snprintf(buf, size, "%llu", (unsigned long long)x);
    } else {
        clif_dv_format(v, buf, size);
    }
}

typedef struct compile_stats {
    double median_ns;
    uint32_t functions, insts;
    size_t code_bytes;
} compile_stats;

/* Compiles every function of the file o->iters times (for the time), then
 * into the module. */
static clif_error *compile_file(const cb_opts *o, const clif_test_file *tf, const clif_isa *isa,
                                jit_module *m, compile_stats *cs, double *times) {
    cs->functions = tf->nfunctions;
    for (uint32_t k = 0; k < o->iters; k++) {
        double t0 = cb_thread_cpu_ns();
        size_t bytes = 0;
        for (uint32_t i = 0; i < tf->nfunctions; i++) {
            clif_compiled *c = NULL;
            clif_error *err = clif_compile(isa, tf->functions[i].func, &c);
            if (err) return err;
            bytes += clif_compiled_code_size(c);
            clif_compiled_free(c);
        }
        times[k] = cb_thread_cpu_ns() - t0;
        cs->code_bytes = bytes;
    }
    cs->median_ns = cb_median(times, o->iters);
    for (uint32_t i = 0; i < tf->nfunctions; i++) {
        clif_error *err = jit_module_add(m, tf->functions[i].func);
        if (err) return err;
    }
    return jit_module_finalize(m);
}

static void write_json(const cb_opts *o, const char *path, const runner *r, const clif_isa *isa,
                       const compile_stats *cs, const char *result, const char *expected,
                       cu_str *s) {
    cu_str_printf(s, "{\"tool\":\"clif-util bench run\",\"file\":");
    cb_json_str(s, path);
    cu_str_printf(s, ",\"function\":");
    cb_json_str(s, o->invoke);
    cu_str_printf(s, ",\"engine\":\"%s\",\"settings\":", r->in ? "interpreter" : "native");
    if (isa)
        cb_json_settings(s, isa);
    else
        cu_str_printf(s, "null");
    cu_str_printf(s, ",\"functions\":%u,\"insts\":%u,", cs->functions, cs->insts);
    if (isa)
        cu_str_printf(s, "\"compile_ms\":%.3f,\"code_bytes\":%zu,", cs->median_ns / 1e6,
                      cs->code_bytes);
    else
        cu_str_printf(s, "\"compile_ms\":null,\"code_bytes\":null,");
    /* Integers as JSON numbers, other values as their CLIF text. */
    bool num = clif_type_is_int(r->result.type) && clif_type_bits(r->result.type) <= 64;
    cu_str_printf(s, "\"checksum\":");
    if (num)
        cu_str_printf(s, "%s", result);
    else
        cb_json_str(s, result);
    cu_str_printf(s, ",\"expected\":");
    if (!expected)
        cu_str_printf(s, "null");
    else if (num)
        cu_str_printf(s, "%s", expected);
    else
        cb_json_str(s, expected);
    cu_str_printf(s, ",\"ok\":%s,",
                  !expected                       ? "null"
                  : strcmp(result, expected) == 0 ? "true"
                                                  : "false");
    double ms[1000];
    for (uint32_t k = 0; k < r->done; k++)
        ms[k] = r->wall_ns[k] / 1e6;
    cu_str_printf(s, "\"runs\":%u,\"run_ms\":", r->done);
    cb_json_nums(s, ms, r->done, 3);
    cu_str_printf(s, ",\"run_median_ms\":%.3f,\"run_cpu_ms\":", cb_median(ms, r->done));
    for (uint32_t k = 0; k < r->done; k++)
        ms[k] = r->cpu_ns[k] / 1e6;
    cb_json_nums(s, ms, r->done, 3);
    cu_str_printf(s, ",\"run_cpu_median_ms\":%.3f,\"peak_rss_kib\":%ld}\n", cb_median(ms, r->done),
                  cb_peak_rss_kib());
}

int cb_run(const cb_opts *o) {
    const char *path = o->paths[0];
    char *text = NULL;
    size_t len = 0;
    clif_test_file *tf = NULL;
    clif_isa *isa = NULL;
    const char *skip = NULL;
    runner r;
    memset(&r, 0, sizeof r);
    r.o = o;
    r.cpu_ns = cl_xcalloc(o->iters, sizeof(double));
    r.wall_ns = cl_xcalloc(o->iters, sizeof(double));
    compile_stats cs;
    memset(&cs, 0, sizeof cs);
    const clif_test_function *fn = NULL;
    int status = 1;

    clif_error *err = cu_parse_file(path, &text, &len, &tf);
    for (uint32_t i = 0; !err && i < tf->nfunctions; i++) {
        uint32_t ni = 0;
        const clif_func *f = tf->functions[i].func;
        for (clif_block b = clif_first_block(f); b != CLIF_NONE; b = clif_next_block(f, b))
            for (clif_inst x = clif_first_inst(f, b); x != CLIF_NONE; x = clif_next_inst(f, x))
                ni++;
        cs.insts += ni;
        err = clif_verify(f, path);
    }
    if (!err && !(fn = find_function(tf, o->invoke)))
        err = clif_error_new(CLIF_ERR_ARGUMENT, no_loc(), "%s: no function %%%s", path,
                             o->invoke[0] == '%' ? o->invoke + 1 : o->invoke);
    if (!err) {
        clif_signature sig;
        clif_func_signature(fn->func, &sig);
        if (sig.nparams != 0 || sig.nreturns != 1)
            err = clif_error_new(CLIF_ERR_ARGUMENT, no_loc(),
                                 "%s: %%%s must take no arguments and return one value", path,
                                 o->invoke);
        r.f = fn->func;
    }
    if (!err && o->interpret) {
        cs.functions = tf->nfunctions;
        r.in = clif_interp_new();
        for (uint32_t i = 0; i < tf->nfunctions; i++)
            clif_interp_add_function(r.in, tf->functions[i].func);
        clif_interp_set_limits(r.in, 10000, 0);
    } else if (!err) {
        err = cb_isa_for_file(tf, o, &isa, &skip);
        if (!err && skip)
            err = clif_error_new(CLIF_ERR_UNSUPPORTED, no_loc(), "%s: %s", path, skip);
        if (!err && !clif_isa_runs_on_host(isa))
            err = clif_error_new(CLIF_ERR_UNSUPPORTED, no_loc(),
                                 "%s: code for %s (with these flags) does not run on this "
                                 "machine",
                                 path, clif_isa_name(isa));
        if (!err) {
            r.m = jit_module_new(isa);
            err = compile_file(o, tf, isa, r.m, &cs, r.cpu_ns);
        }
        if (!err) {
            clif_ext_name name = clif_func_name(fn->func);
            r.code = jit_module_lookup(r.m, &name);
        }
    }
    if (!err) err = run_all(&r);
    if (err) {
        cu_print_error(err);
        clif_error_free(err);
    } else {
        char result[128], expected[128];
        const clif_data_value *want = expected_value(fn);
        value_text(&r.result, result, sizeof result);
        if (want) value_text(want, expected, sizeof expected);
        bool ok = !want || clif_dv_equal(&r.result, want);
        status = ok ? 0 : 1;
        bool json_stdout = o->json && strcmp(o->json, "-") == 0;
        if (!json_stdout) {
            printf("%s %%%s (%s%s): %s", path, o->invoke[0] == '%' ? o->invoke + 1 : o->invoke,
                   r.in ? "interpreter" : "native, ", r.in ? "" : clif_isa_name(isa), result);
            if (want)
                printf(", expected %s: %s\n", expected, ok ? "ok" : "WRONG");
            else
                printf(" (no `; run:` line to check it against)\n");
            if (!r.in)
                printf("  compile: %.3f ms CPU (%u functions, %u IR instructions, %zu bytes of "
                       "code; median of %u)\n",
                       cs.median_ns / 1e6, cs.functions, cs.insts, cs.code_bytes, o->iters);
            double c[1000], w[1000];
            memcpy(c, r.cpu_ns, r.done * sizeof *c);
            memcpy(w, r.wall_ns, r.done * sizeof *w);
            printf("  run: %.3f ms CPU, %.3f ms wall (medians of %u runs)\n",
                   cb_median(c, r.done) / 1e6, cb_median(w, r.done) / 1e6, r.done);
        }
        if (o->json) {
            cu_str js = {0};
            write_json(o, path, &r, isa, &cs, result, want ? expected : NULL, &js);
            if (!cb_write_json(o->json, &js)) status = 1;
            vec_free(js);
        }
    }
    if (r.in) clif_interp_free(r.in);
    jit_module_free(r.m);
    clif_isa_free(isa);
    if (tf) clif_test_file_free(tf);
    free(text);
    free(r.cpu_ns);
    free(r.wall_ns);
    return status;
}
