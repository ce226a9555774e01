/* clif-util: `test run` and `test interpret`. Every function is verified
 * first, then each run command is executed and compared; print commands
 * print. A file with `test run` is compiled for the host and executed
 * natively (native.c), skipping files whose targets the host cannot run;
 * with --interpret, or for `test interpret` alone, it runs in the
 * interpreter, where every file can run. */
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
    bool native = cu_has_test(tf, "run") && !c->opts->interpret && cu_native_available();
    if (native && !cu_host_can_run(tf)) {
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
    if (native) {
        if (r->status == CU_PASS) cu_native_run(c, r);
        return;
    }
    for (uint32_t i = 0; i < tf->nfunctions && r->status == CU_PASS; i++)
        run_commands(c, i, r);
}
