/* Running generated code: the call helper (arguments and results as
 * clif_data_value, through the function's entry trampoline), protected
 * callbacks calling typed pointers, raising host errors, and turning a
 * call's outcome into an error with its backtrace. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jit/pub.h"

#define NO_ENTRY (CLIF_NONE - 1)

static const char *signal_name(int sig) {
    switch (sig) {
    case SIGILL: return "SIGILL";
    case SIGSEGV: return "SIGSEGV";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    default: return "signal";
    }
}

/* Runs body(user) as a call of j's code and returns its outcome as an
 * error (or NULL). */
static clif_error *run(clif_jit *j, jit_call *c, void (*body)(void *user), void *user) {
    c->map = &j->map;
    c->owner = j;
    int rc = jit_call_run_on_stack(c, j->opts.stack_size, body, user);
    if (rc)
        return clif_error_new(CLIF_ERR_LIMIT, jit_no_loc(),
                              "cannot run on a thread with a %zu-byte stack (error %d)",
                              j->opts.stack_size, rc);
    switch (c->outcome) {
    case JIT_OK: return NULL;
    case JIT_TRAP: return jit_bt_attach(clif_error_trap(c->code), c);
    case JIT_RAISED: return jit_bt_attach(c->raised, c);
    case JIT_UNCAUGHT:
        return jit_bt_attach(
            clif_error_new(CLIF_ERR_TRAP, jit_no_loc(), "uncaught exception with tag %u", c->tag),
            c);
    case JIT_FAULT: {
        char where[160];
        jit_bt_describe(c->map, c->pc, where, sizeof where);
        clif_error *err =
            clif_error_new(CLIF_ERR_HOST, jit_no_loc(),
                           "fault: %s at %s (address %#lx), an instruction without a trap code",
                           signal_name(c->sig), where, (unsigned long)c->addr);
        return jit_bt_attach(err, c);
    }
    }
    return NULL;
}

typedef struct entry_job {
    jit_entry_fn fn;
    void *callee, *args, *results;
    jit_call *call;
} entry_job;

static void run_entry(void *p) {
    entry_job *job = p;
    job->fn(job->callee, job->args, job->results, job->call);
}

clif_error *clif_jit_call(clif_jit *j, clif_jit_func_id id, const clif_data_value *args,
                          uint32_t nargs, clif_data_value *results, uint32_t max,
                          uint32_t *nresults) {
    if (nresults) *nresults = 0;
    if (id >= j->funcs.len)
        return clif_error_new(CLIF_ERR_ARGUMENT, jit_no_loc(), "function id %u is not declared",
                              id);
    const jit_decl *d = &j->funcs.data[id];
    const char *name = *d->name ? d->name : "<anonymous>";
    void *fn = clif_jit_get_function(j, id);
    if (!fn)
        return clif_error_new(CLIF_ERR_ARGUMENT, jit_no_loc(),
                              d->linkage == CLIF_LINKAGE_IMPORT
                                  ? "function '%s' is an unresolved import"
                                  : "function '%s' is not defined and finalized",
                              name);
    if (d->entry == NO_ENTRY || d->entry >= j->entries.len || !j->entries.data[d->entry].addr)
        return clif_error_new(CLIF_ERR_UNSUPPORTED, jit_no_loc(),
                              "unsupported: clif_jit_call of '%s': its signature has no entry "
                              "trampoline (call it through clif_jit_invoke)",
                              name);
    if (nargs != d->nparams || (nargs && !args))
        return clif_error_new(CLIF_ERR_ARGUMENT, jit_no_loc(),
                              "'%s': %u arguments for %u parameters", name, nargs, d->nparams);
    if (d->nreturns > max || (d->nreturns && (!results || !nresults)))
        return clif_error_new(CLIF_ERR_ARGUMENT, jit_no_loc(), "'%s': %u results for room for %u",
                              name, d->nreturns, max);
    for (uint32_t i = 0; i < nargs; i++)
        if (args[i].type != d->sig_params[i].type)
            return clif_error_new(CLIF_ERR_ARGUMENT, jit_no_loc(),
                                  "'%s': argument %u has the wrong type", name, i);
    uint8_t *abuf = cl_xcalloc(nargs + 1, 16), *rbuf = cl_xcalloc(d->nreturns + 1, 16);
    for (uint32_t i = 0; i < nargs; i++)
        memcpy(abuf + 16 * i, args[i].bytes, 16);
    jit_call call, *c = &call;
    memset(c, 0, sizeof *c);
    entry_job job;
    void *entry = j->entries.data[d->entry].addr;
    memcpy(&job.fn, &entry, sizeof job.fn);
    job.callee = fn;
    job.args = abuf;
    job.results = rbuf;
    job.call = c;
    clif_error *err = run(j, c, run_entry, &job);
    if (!err) {
        for (uint32_t k = 0; k < d->nreturns; k++) {
            results[k].type = d->sig_params[d->nparams + k].type;
            memcpy(results[k].bytes, rbuf + 16 * k, 16);
        }
        if (nresults) *nresults = d->nreturns;
    }
    free(abuf);
    free(rbuf);
    return err;
}

clif_error *clif_jit_invoke(clif_jit *j, void (*body)(void *user), void *user) {
    if (!body) return clif_error_new(CLIF_ERR_ARGUMENT, jit_no_loc(), "invoke: no body");
    jit_call c;
    memset(&c, 0, sizeof c);
    return run(j, &c, body, user);
}

void clif_jit_raise(clif_error *err) {
    jit_call *c = jit_call_current();
    if (!err) err = clif_error_new(CLIF_ERR_ARGUMENT, jit_no_loc(), "clif_jit_raise(NULL)");
    if (!c) {
        char buf[512];
        fprintf(stderr, "clif_jit_raise outside a JIT call: %s\n",
                clif_error_format(err, buf, sizeof buf));
        abort();
    }
    c->raised = err;
    c->outcome = JIT_RAISED;
    jit_bt_from_raise(c, (uintptr_t)__builtin_frame_address(0));
    siglongjmp(c->jb, 1);
}

bool clif_jit_in_call(void) {
    return jit_call_current() != NULL;
}
