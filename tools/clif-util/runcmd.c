/* clif-util: executing one run command in the interpreter. Each command gets
 * a fresh interpreter (as Cranelift's test_interpret.rs rebuilds its state
 * for every run) that knows every function of the file, so calls between the
 * file's functions resolve. */
#include <stdlib.h>
#include <string.h>

#include "clif/interp.h"
#include "cu.h"

void cu_format_values(cu_str *s, const clif_data_value *v, uint32_t n) {
    char buf[128];
    if (n == 1) {
        cu_str_printf(s, "%s", clif_dv_format(&v[0], buf, sizeof buf));
        return;
    }
    cu_str_add(s, "[", 1);
    for (uint32_t i = 0; i < n; i++)
        cu_str_printf(s, "%s%s", i ? ", " : "", clif_dv_format(&v[i], buf, sizeof buf));
    cu_str_add(s, "]", 1);
}

static void format_func_name(cu_str *s, const clif_func *f) {
    clif_ext_name name = clif_func_name(f);
    if (name.kind == CLIF_NAME_USER)
        cu_str_printf(s, "u%u:%u", name.ns, name.index);
    else
        cu_str_printf(s, "%%%s", name.str ? name.str : "");
}

static void format_invocation(cu_str *s, const clif_func *f, const clif_run_command *rc) {
    if (rc->func_name)
        cu_str_printf(s, "%s%s", rc->func_name[0] == '%' ? "" : "%", rc->func_name);
    else
        format_func_name(s, f);
    cu_str_add(s, "(", 1);
    char buf[128];
    for (uint32_t i = 0; i < rc->nargs; i++)
        cu_str_printf(s, "%s%s", i ? ", " : "", clif_dv_format(&rc->args[i], buf, sizeof buf));
    cu_str_add(s, ")", 1);
}

static bool is_nonzero(const clif_data_value *v) {
    for (size_t i = 0; i < sizeof v->bytes; i++)
        if (v->bytes[i]) return true;
    return false;
}

static bool all_equal(const clif_data_value *a, uint32_t na, const clif_data_value *b,
                      uint32_t nb) {
    if (na != nb) return false;
    for (uint32_t i = 0; i < na; i++)
        if (!clif_dv_equal(&a[i], &b[i])) return false;
    return true;
}

void cu_start_run_out(const clif_func *f, const clif_run_command *rc, cu_run_out *o) {
    memset(o, 0, sizeof *o);
    format_invocation(&o->invocation, f, rc);
}

void cu_compare_results(const clif_run_command *rc, const clif_data_value *results, uint32_t n,
                        cu_run_out *o) {
    cu_format_values(&o->actual, results, n);
    switch (rc->kind == CLIF_PRINT ? CLIF_CMP_NONE : rc->cmp) {
    case CLIF_CMP_EQ: o->held = all_equal(results, n, rc->expected, rc->nexpected); break;
    case CLIF_CMP_NE: o->held = !all_equal(results, n, rc->expected, rc->nexpected); break;
    case CLIF_CMP_NONE: o->held = rc->kind == CLIF_PRINT || (n >= 1 && is_nonzero(&results[0]));
    }
}

clif_error *cu_run_command(const clif_test_file *tf, uint32_t fi, const clif_run_command *rc,
                           const cu_run_limits *lim, cu_run_out *o) {
    const clif_func *f = tf->functions[fi].func;
    memset(o, 0, sizeof *o);
    format_invocation(&o->invocation, f, rc);

    clif_signature sig;
    clif_func_signature(f, &sig);
    uint32_t max = sig.nreturns ? sig.nreturns : 1;
    clif_data_value *results = cl_xcalloc(max, sizeof *results);
    uint32_t n = 0;

    clif_interp *in = clif_interp_new();
    for (uint32_t i = 0; i < tf->nfunctions; i++)
        clif_interp_add_function(in, tf->functions[i].func);
    clif_interp_set_limits(in, lim->max_depth, lim->fuel);
    clif_error *err = clif_interp_call(in, f, rc->args, rc->nargs, results, max, &n);
    clif_interp_free(in);
    if (err) {
        free(results);
        return err;
    }

    cu_compare_results(rc, results, n, o);
    free(results);
    return NULL;
}

void cu_run_out_free(cu_run_out *o) {
    vec_free(o->invocation);
    vec_free(o->actual);
}

void cu_format_mismatch(cu_str *s, const clif_run_command *rc, const cu_run_out *o) {
    cu_str_printf(s, "Failed test: run: %s", cu_str_cstr(&o->invocation));
    if (rc->cmp != CLIF_CMP_NONE) {
        cu_str_printf(s, " %s ", rc->cmp == CLIF_CMP_EQ ? "==" : "!=");
        cu_format_values(s, rc->expected, rc->nexpected);
    }
    cu_str_printf(s, ", actual: %s", cu_str_cstr(&o->actual));
}

void cu_format_run_error(cu_str *s, const clif_error *err) {
    if (clif_error_get_kind(err) == CLIF_ERR_TRAP) {
        char name[16];
        cu_str_printf(s, "unexpected trap: %s",
                      clif_trap_name(clif_error_trap_code(err), name, sizeof name));
    } else {
        cu_str_printf(s, "%s", clif_error_message(err));
    }
    for (uint32_t i = 0; i < clif_error_context_count(err); i++)
        cu_str_printf(s, "; %s", clif_error_context_at(err, i));
}
