/* clif-util: `test run` on the host. For each `target` line naming the host
 * ISA whose flags the CPU has, every function of the file is compiled into
 * one JIT module (calls between them resolve by name) and the run commands
 * are called natively. A feature the backend does not support skips the
 * file with its message; a trap or a wrong result fails it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clif/codegen.h"
#include "cu.h"
#include "jit/jit.h"

bool cu_native_available(void) {
    clif_isa *isa = NULL;
    clif_error *err = clif_isa_host(&isa);
    clif_error_free(err);
    clif_isa_free(isa);
    return err == NULL;
}

static clif_error *target_isa(const clif_test_file *tf, const clif_target *t, clif_isa **out) {
    clif_isa *isa = NULL;
    clif_error *err = t ? clif_isa_lookup(t->isa, &isa) : clif_isa_host(&isa);
    if (err) return err;
    err = cu_isa_configure(isa, tf, t);
    if (err) {
        clif_isa_free(isa);
        return err;
    }
    *out = isa;
    return NULL;
}

static void run_function(const cu_ctx *c, jit_module *m, uint32_t fi, cu_result *r) {
    const clif_test_function *tfn = &c->tf->functions[fi];
    const clif_func *f = tfn->func;
    clif_ext_name name = clif_func_name(f);
    void *code = jit_module_lookup(m, &name);
    clif_signature sig;
    clif_func_signature(f, &sig);
    uint32_t max = sig.nreturns ? sig.nreturns : 1;
    clif_data_value *results = cl_xcalloc(max, sizeof *results);
    for (uint32_t k = 0; k < tfn->nruns && r->status == CU_PASS; k++) {
        const clif_run_command *rc = &tfn->runs[k];
        if (c->progress) c->progress(c->progress_arg, rc->line);
        cu_run_out o;
        cu_start_run_out(f, rc, &o);
        uint32_t n = 0;
        clif_error *err = jit_module_call(m, f, code, rc->args, rc->nargs, results, max, &n);
        if (!err) cu_compare_results(rc, results, n, &o);
        cu_report_run(c, rc, err, &o, " (native)", r);
        clif_error_free(err);
        cu_run_out_free(&o);
    }
    free(results);
}

/* Compiles the file for one ISA and runs every command. */
static void run_with(const cu_ctx *c, const clif_isa *isa, cu_result *r) {
    const clif_test_file *tf = c->tf;
    jit_module *m = jit_module_new(isa);
    /* Room for big stack slots (the pages are committed as they are touched). */
    jit_module_set_stack_size(m, (size_t)1 << 30);
    clif_error *err = NULL;
    uint32_t bad = 0;
    for (uint32_t i = 0; !err && i < tf->nfunctions; i++) {
        err = jit_module_add(m, tf->functions[i].func);
        bad = i;
    }
    if (!err) err = jit_module_finalize(m);
    if (err) {
        cu_result_from_error(r, err, tf->nfunctions ? tf->functions[bad].line : 0);
        clif_error_free(err);
    }
    for (uint32_t i = 0; i < tf->nfunctions && r->status == CU_PASS; i++)
        run_function(c, m, i, r);
    jit_module_free(m);
}

void cu_native_run(const cu_ctx *c, cu_result *r) {
    const clif_test_file *tf = c->tf;
    uint32_t ran = 0, lacking = 0;
    for (uint32_t t = 0; t <= tf->ntargets && r->status == CU_PASS; t++) {
        if (t == tf->ntargets && (tf->ntargets || ran)) break;
        clif_isa *isa = NULL;
        clif_error *err = target_isa(tf, t < tf->ntargets ? &tf->targets[t] : NULL, &isa);
        if (err) {
            /* Unknown ISAs are other machines; bad settings are errors. */
            if (clif_error_get_kind(err) != CLIF_ERR_UNSUPPORTED) cu_result_from_error(r, err, 0);
            clif_error_free(err);
            continue;
        }
        if (!clif_isa_is_host(isa)) {
            clif_isa_free(isa);
            continue;
        }
        if (!clif_isa_runs_on_host(isa)) {
            lacking++;
            if (c->opts->verbose)
                cu_str_printf(c->out, "%s:%u: skipping a target the CPU lacks flags for\n", c->path,
                              tf->targets[t].line);
            clif_isa_free(isa);
            continue;
        }
        run_with(c, isa, r);
        ran++;
        clif_isa_free(isa);
    }
    if (r->status == CU_PASS && ran == 0)
        cu_result_set(r, CU_SKIP, 0, "unsupported: %s",
                      lacking ? "the CPU lacks the ISA flags of every host target"
                              : "no target the host can run");
}
