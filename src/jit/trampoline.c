/* Entry trampolines: compiled from CLIF, one per signature, they let the
 * call helper call code of any signature. The trampoline records its frame
 * pointer in the call (the end of every backtrace), loads the arguments
 * from 16-byte slots, calls the callee and stores its results into 16-byte
 * slots. */
#define _GNU_SOURCE /* sigjmp_buf in jit/rt.h */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "jit/rt.h"

uint32_t jit_sig_key(const clif_signature *sig, uint8_t *key, uint32_t cap) {
    uint32_t n = 0, count = sig->nparams + sig->nreturns;
    if (sig->nparams > 255 || sig->nreturns > 255 || 3 + 8 * (uint64_t)count > cap) return 0;
    key[n++] = (uint8_t)sig->callconv;
    key[n++] = (uint8_t)sig->nparams;
    key[n++] = (uint8_t)sig->nreturns;
    for (uint32_t i = 0; i < count; i++) {
        const clif_abi_param *p =
            i < sig->nparams ? &sig->params[i] : &sig->returns[i - sig->nparams];
        key[n++] = (uint8_t)p->type;
        key[n++] = (uint8_t)(p->type >> 8);
        key[n++] = p->ext;
        key[n++] = p->purpose;
        memcpy(key + n, &p->size, 4);
        n += 4;
    }
    return n;
}

clif_func *jit_build_entry(const clif_signature *sig) {
    clif_func *t = clif_func_new();
    clif_abi_param tp[4] = {
        {CLIF_I64, 0, 0, 0}, {CLIF_I64, 0, 0, 0}, {CLIF_I64, 0, 0, 0}, {CLIF_I64, 0, 0, 0}};
    clif_signature ts = {tp, 4, NULL, 0, CLIF_CC_SYSTEM_V};
    clif_func_set_signature(t, &ts);
    clif_ext_name name = {CLIF_NAME_TESTCASE, 0, 0, "__clif_entry"};
    clif_func_set_name(t, &name);
    clif_sig_ref callee_sig = clif_import_signature(t, sig);
    clif_block b = clif_create_block(t);
    clif_value callee = clif_append_block_param(t, b, CLIF_I64);
    clif_value args = clif_append_block_param(t, b, CLIF_I64);
    clif_value results = clif_append_block_param(t, b, CLIF_I64);
    clif_value call = clif_append_block_param(t, b, CLIF_I64);
    clif_append_block(t, b);
    clif_memflags fl = CLIF_MEM_NOTRAP | CLIF_MEM_ALIGNED;
    clif_inst_desc d;
    memset(&d, 0, sizeof d);
    d.opcode = CLIF_OP_GET_FRAME_POINTER;
    d.ctrl_type = CLIF_I64;
    clif_value fp = clif_inst_result(t, clif_build(t, b, &d), 0);
    clif_ins_store(t, b, CLIF_OP_STORE, fl, fp, call, (int32_t)offsetof(jit_call, entry_fp));
    clif_value *vals = cl_xmalloc((sig->nparams + 1) * sizeof *vals);
    for (uint32_t i = 0; i < sig->nparams; i++)
        vals[i] =
            clif_ins_load(t, b, CLIF_OP_LOAD, sig->params[i].type, fl, args, (int32_t)(16 * i));
    clif_inst ci = clif_ins_call_indirect(t, b, callee_sig, callee, vals, sig->nparams);
    for (uint32_t j = 0; j < clif_inst_num_results(t, ci); j++)
        clif_ins_store(t, b, CLIF_OP_STORE, fl, clif_inst_result(t, ci, j), results,
                       (int32_t)(16 * j));
    clif_ins_return(t, b, NULL, 0);
    free(vals);
    return t;
}
