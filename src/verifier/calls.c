/* Calls and returns against signatures: call arguments and results, return
 * values against the function's signature, tail-call compatibility and the
 * callee conventions that may throw to a try_call. */
#include "verifier/vf.h"

#include <stdlib.h>

/* Variable arguments of i (after its fixed operands) against `params`. */
static void check_args(vf_ctx *cx, clif_inst i, const clif_abi_param *params, uint32_t nparams) {
    const clif_func *f = cx->f;
    const inst_data *d = &f->insts.data[i];
    uint32_t nfixed = ir_num_fixed_args((clif_opcode)d->opcode);
    const uint32_t *args = vf_args(f, d) + nfixed;
    uint32_t nargs = d->nargs - nfixed;
    for (uint32_t k = 0; k < nparams && k < nargs; k++) {
        clif_type t = vf_vtype(f, args[k]);
        if (t != params[k].type)
            vf_report(cx, i, CLIF_NONE, "arg %u (v%u) has type %s, expected %s", k, args[k],
                      vf_type(t).s, vf_type(params[k].type).s);
    }
    if (nargs != nparams) {
        char *text = vf_inst_text(cx, i);
        vf_report(cx, i, CLIF_NONE, "mismatched argument count for `%s`: got %u, expected %u", text,
                  nargs, nparams);
        free(text);
    }
}

static void check_results(vf_ctx *cx, clif_inst i, const sig_data *sig) {
    const clif_func *f = cx->f;
    const inst_data *d = &f->insts.data[i];
    for (uint32_t k = 0; k < d->nresults; k++) {
        clif_value v = f->pool.data[d->results + k];
        clif_type t = f->values.data[v].type, want = vf_sig_returns(f, sig)[k].type;
        if (t != want)
            vf_report(cx, i, CLIF_NONE, "expected result %u (v%u) to have type %s, found %s", k, v,
                      vf_type(want).s, vf_type(t).s);
    }
}

/* Types returned (by a return or a tail-called callee) against the
 * function's own results. `types` is either values (vals) or ABI params. */
static void check_return_types(vf_ctx *cx, clif_inst i, const uint32_t *vals,
                               const clif_abi_param *abi, uint32_t n, const char *message) {
    const clif_func *f = cx->f;
    const clif_abi_param *want = vf_sig_returns(f, &f->sig);
    if (n != f->sig.nreturns) {
        vf_report(cx, i, CLIF_NONE, "%s", message);
        return;
    }
    for (uint32_t k = 0; k < n; k++) {
        clif_type t = vals ? vf_vtype(f, vals[k]) : abi[k].type;
        if (t != want[k].type)
            vf_report(cx, i, CLIF_NONE,
                      "result %u has type %s, must match function signature of %s", k, vf_type(t).s,
                      vf_abi(&want[k]).s);
    }
}

static void check_tail_call(vf_ctx *cx, clif_inst i, const sig_data *sig) {
    const clif_func *f = cx->f;
    if (sig->callconv != CLIF_CC_TAIL)
        vf_report(cx, i, CLIF_NONE, "calling convention `%s` does not support tail calls",
                  vf_callconv(sig->callconv).s);
    if (sig->callconv != f->sig.callconv)
        vf_report(cx, i, CLIF_NONE, "callee's calling convention must match caller");
    check_return_types(cx, i, NULL, vf_sig_returns(f, sig), sig->nreturns,
                       "results of callee must match caller");
}

static bool same_signature(const clif_func *f, const sig_data *a, const sig_data *b) {
    if (a->callconv != b->callconv || a->nparams != b->nparams || a->nreturns != b->nreturns)
        return false;
    const clif_abi_param *pa = f->abi_params.data, *pb = f->abi_params.data;
    for (uint32_t k = 0; k < a->nparams + a->nreturns; k++) {
        const clif_abi_param *x =
            k < a->nparams ? &pa[a->params + k] : &pa[a->returns + k - a->nparams];
        const clif_abi_param *y =
            k < b->nparams ? &pb[b->params + k] : &pb[b->returns + k - b->nparams];
        if (x->type != y->type || x->ext != y->ext || x->purpose != y->purpose ||
            (x->purpose == CLIF_ARG_STRUCT && x->size != y->size))
            return false;
    }
    return true;
}

/* A direct try_call's table signature must equal its callee's (by value). */
static void check_try_call_sig(vf_ctx *cx, clif_inst i, const inst_data *d) {
    const clif_func *f = cx->f;
    clif_func_ref fr = (clif_func_ref)d->imm;
    clif_sig_ref have = f->extables.data[d->ent].sig, want = f->ext_funcs.data[fr].sig;
    if (!same_signature(f, &f->sigs.data[have], &f->sigs.data[want]))
        vf_report(cx, i, CLIF_NONE,
                  "exception table signature sig%u did not match function fn%u's signature sig%u",
                  have, fr, want);
}

static bool supports_exceptions(uint8_t cc) {
    return cc == CLIF_CC_TAIL || cc == CLIF_CC_SYSTEM_V || cc == CLIF_CC_WINCH;
}

void vf_check_calls(vf_ctx *cx, clif_inst i) {
    const clif_func *f = cx->f;
    const inst_data *d = &f->insts.data[i];
    const clif_opcode_info *info = vf_info(d);
    if (d->opcode == CLIF_OP_RETURN) {
        check_return_types(cx, i, vf_args(f, d), NULL, d->nargs,
                           "arguments of return must match function signature");
        return;
    }
    if (!(info->flags & CLIF_OPF_CALL)) return;
    const sig_data *sig = &f->sigs.data[ir_inst_call_sig(f, d)];
    if (info->format == CLIF_FMT_TRY_CALL) check_try_call_sig(cx, i, d);
    check_args(cx, i, vf_sig_params(f, sig), sig->nparams);
    if (info->flags & CLIF_OPF_RET) {
        check_tail_call(cx, i, sig);
    } else if (info->flags & CLIF_OPF_BRANCH) {
        if (!supports_exceptions(sig->callconv))
            vf_report(cx, i, CLIF_NONE,
                      "calling convention `%s` of callee does not support exceptions",
                      vf_callconv(sig->callconv).s);
    } else {
        check_results(cx, i, sig);
    }
}
