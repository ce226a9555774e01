/* clif-util: `test run` and `test interpret`. Every function is verified
 * first, then each run command is executed and compared; print commands
 * print. As in Cranelift, each header runs on its own: `test run` compiles
 * for the host and executes natively (native.c) when a target of the file
 * runs on the host, and `test interpret` executes in the interpreter, where
 * every file can run. A file is skipped only when neither can run. With
 * --interpret, everything runs in the interpreter only. */
#include <string.h>

#include "clif/verifier.h"
#include "cu.h"

void cu_report_run(const cu_ctx *c, const clif_run_command *rc, const clif_error *err,
                   const cu_run_out *o, const char *how, cu_result *r) {
    if (err) {
        cu_result_from_error(r, err, rc->line);
        r->line = rc->line; /* the command's line, not the instruction's */
    } else if (rc->kind == CLIF_PRINT) {
        cu_str_printf(c->out, "%s -> %s\n", cu_str_cstr(&o->invocation), cu_str_cstr(&o->actual));
    } else if (!o->held) {
        cu_str why = {0};
        cu_format_mismatch(&why, rc, o);
        cu_result_set(r, CU_FAIL, rc->line, "%s", cu_str_cstr(&why));
        vec_free(why);
    } else if (c->opts->verbose) {
        cu_str_printf(c->out, "%s:%u: ok%s: %s -> %s\n", c->path, rc->line, how,
                      cu_str_cstr(&o->invocation), cu_str_cstr(&o->actual));
    }
}

static void run_commands(const cu_ctx *c, uint32_t fi, cu_result *r) {
    const clif_test_function *tfn = &c->tf->functions[fi];
    for (uint32_t k = 0; k < tfn->nruns && r->status == CU_PASS; k++) {
        const clif_run_command *rc = &tfn->runs[k];
        if (c->progress) c->progress(c->progress_arg, rc->line);
        cu_run_out o;
        clif_error *err = cu_run_command(c->tf, fi, rc, &c->opts->limits, &o);
        cu_report_run(c, rc, err, &o, "", r);
        clif_error_free(err);
        cu_run_out_free(&o);
    }
}

void cu_subtest_run(const cu_ctx *c, cu_result *r) {
    const clif_test_file *tf = c->tf;
    bool has_run = cu_has_test(tf, "run"), has_interpret = cu_has_test(tf, "interpret");
    bool backend = !c->opts->interpret && cu_native_available();
    bool native = has_run && backend && cu_host_can_run(tf);
    /* Without a backend for the host, `test run` falls back to the interpreter. */
    bool interp = c->opts->interpret || has_interpret || (has_run && !backend);
    if (!native && !interp) {
        char host[32];
        cu_result_set(r, CU_SKIP, 0, "no target the host (%s) can run",
                      cu_host_isa(host, sizeof host) ? host : "unknown ISA");
        return;
    }
    for (uint32_t i = 0; i < tf->nfunctions && r->status == CU_PASS; i++) {
        clif_error *err = clif_verify(tf->functions[i].func, c->path);
        if (!err) continue;
        cu_result_from_error(r, err, tf->functions[i].line);
        if (r->status == CU_FAIL) {
            cu_str why = {0};
            cu_str_printf(&why, "verifier: %s", cu_str_cstr(&r->why));
            cu_result_set(r, CU_FAIL, r->line, "%s", cu_str_cstr(&why));
            vec_free(why);
        }
        clif_error_free(err);
    }
    if (native && r->status == CU_PASS) cu_native_run(c, r);
    if (!interp) return;
    for (uint32_t i = 0; i < tf->nfunctions && r->status == CU_PASS; i++)
        run_commands(c, i, r);
}
