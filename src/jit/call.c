/* Calling compiled code with any signature: a trampoline, itself compiled
 * from CLIF, loads the arguments from an array of 16-byte slots, calls the
 * function and stores its results into another array. Traps raise signals:
 * the JIT runtime's process-wide handler (signals.c, held while the module
 * lives) maps the faulting pc to its trap code through the module's code
 * map and jumps back (siglongjmp) to the call (call_state.c), with a
 * backtrace. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ir/function.h"
#include "jit/jit.h"
#include "jit/jit_int.h"

static clif_location no_loc(void) {
    clif_location l = {NULL, 0, 0};
    return l;
}

/* A key describing a signature, for reusing trampolines. */
static uint32_t sig_key(const clif_func *f, uint8_t *key, uint32_t cap) {
    uint32_t n = 0;
    uint32_t need = 3 + 2 * (f->sig.nparams + f->sig.nreturns) * 2;
    if (need > cap) return 0;
    key[n++] = f->sig.callconv;
    key[n++] = (uint8_t)f->sig.nparams;
    key[n++] = (uint8_t)f->sig.nreturns;
    for (uint32_t i = 0; i < f->sig.nparams + f->sig.nreturns; i++) {
        const clif_abi_param *p = &f->abi_params.data[f->sig.params + i];
        key[n++] = (uint8_t)p->type;
        key[n++] = (uint8_t)(p->type >> 8);
        key[n++] = p->ext;
        key[n++] = p->purpose;
    }
    return n;
}

/* function %trampoline(i64 callee, i64 args, i64 results) system_v */
static clif_func *build_trampoline(const clif_func *sig_of) {
    clif_func *t = clif_func_new();
    clif_abi_param tp[3] = {{CLIF_I64, 0, 0, 0}, {CLIF_I64, 0, 0, 0}, {CLIF_I64, 0, 0, 0}};
    clif_signature ts = {tp, 3, NULL, 0, CLIF_CC_SYSTEM_V};
    clif_func_set_signature(t, &ts);
    clif_ext_name name = {CLIF_NAME_TESTCASE, 0, 0, "__clif_trampoline"};
    clif_func_set_name(t, &name);
    clif_signature cs;
    clif_func_signature(sig_of, &cs);
    /* Copy the arrays: importing may grow the pool they live in. */
    clif_abi_param *ps = cl_xmalloc((cs.nparams + cs.nreturns + 1) * sizeof *ps);
    memcpy(ps, cs.params, cs.nparams * sizeof *ps);
    memcpy(ps + cs.nparams, cs.returns, cs.nreturns * sizeof *ps);
    cs.params = ps;
    cs.returns = ps + cs.nparams;
    clif_sig_ref sig = clif_import_signature(t, &cs);
    clif_block b = clif_create_block(t);
    clif_value callee = clif_append_block_param(t, b, CLIF_I64);
    clif_value args = clif_append_block_param(t, b, CLIF_I64);
    clif_value results = clif_append_block_param(t, b, CLIF_I64);
    clif_append_block(t, b);
    clif_memflags fl = CLIF_MEM_NOTRAP | CLIF_MEM_ALIGNED;
    clif_value *vals = cl_xmalloc((cs.nparams + 1) * sizeof *vals);
    for (uint32_t i = 0; i < cs.nparams; i++)
        vals[i] = clif_ins_load(t, b, CLIF_OP_LOAD, ps[i].type, fl, args, (int32_t)(16 * i));
    clif_inst call = clif_ins_call_indirect(t, b, sig, callee, vals, cs.nparams);
    for (uint32_t j = 0; j < clif_inst_num_results(t, call); j++)
        clif_ins_store(t, b, CLIF_OP_STORE, fl, clif_inst_result(t, call, j), results,
                       (int32_t)(16 * j));
    clif_ins_return(t, b, NULL, 0);
    free(vals);
    free(ps);
    return t;
}

static clif_error *get_trampoline(jit_module *m, const clif_func *sig_of, void **out) {
    uint8_t key[512];
    uint32_t n = sig_key(sig_of, key, sizeof key);
    for (uint32_t i = 0; n && i < m->tramps.len; i++) {
        const jit_tramp *t = &m->tramps.data[i];
        if (t->key_len == n && memcmp(t->key, key, n) == 0) {
            *out = t->mem.base;
            return NULL;
        }
    }
    clif_func *f = build_trampoline(sig_of);
    jit_tramp t;
    memset(&t, 0, sizeof t);
    clif_error *e = clif_compile(m->isa, f, &t.code);
    clif_func_free(f);
    if (e) return e;
    size_t size;
    const uint8_t *code = clif_compiled_code(t.code, &size);
    e = jit_mem_alloc(&t.mem, size);
    if (!e) {
        memcpy(t.mem.base, code, size);
        e = jit_apply_relocs(m, t.code, t.mem.base);
    }
    if (!e) e = jit_mem_seal(&t.mem);
    if (e) {
        clif_compiled_free(t.code);
        jit_mem_free(&t.mem);
        return e;
    }
    memcpy(t.key, key, n);
    t.key_len = n;
    jit_codemap_add(&m->map, t.code, (uintptr_t)t.mem.base, "<trampoline>", true);
    vec_push(m->tramps, t);
    *out = t.mem.base;
    return NULL;
}

typedef void (*tramp_fn)(void *callee, void *args, void *results);

/* ---- exceptions ---- */

const uint8_t jit_resume_stub[18] = {
    0x48, 0x89, 0xf4, /* mov rsp, rsi */
    0x48, 0x89, 0xfd, /* mov rbp, rdi */
    0x48, 0x89, 0xc8, /* mov rax, rcx */
    0x49, 0x89, 0xd3, /* mov r11, rdx */
    0x4c, 0x89, 0xc2, /* mov rdx, r8 */
    0x41, 0xff, 0xe3, /* jmp r11 */
};
typedef void (*resume_fn)(uintptr_t fp, uintptr_t sp, uintptr_t pc, uint64_t p0, uint64_t p1);

/* The compiled function containing pc, or NULL. */
static const jit_func *func_at(const jit_module *m, uintptr_t pc) {
    for (uint32_t i = 0; i < m->funcs.len; i++) {
        const jit_func *f = &m->funcs.data[i];
        uintptr_t base = (uintptr_t)(m->mem.base + f->offset);
        size_t size;
        clif_compiled_code(f->code, &size);
        if (pc >= base && pc < base + size) return f;
    }
    return NULL;
}

/* %__cranelift_throw(entry_fp, fp, pc, tag, payload0, payload1): walks the
 * frame-pointer chain from frame `fp` outwards, through frames of compiled
 * code only, and resumes at the first try_call handler of `tag` (or a
 * default handler); the walk ends after the frame whose frame pointer is
 * entry_fp. Every frame keeps a frame pointer; [fp] is the caller's and
 * [fp + 8] the return address into it. */
static void jit_throw(uint64_t entry_fp, uint64_t fp, uint64_t pc, uint32_t tag, uint64_t p0,
                      uint64_t p1) {
    jit_call *s = jit_call_current();
    const jit_module *m = s ? s->owner : NULL;
    (void)pc;
    uintptr_t cur = (uintptr_t)fp;
    while (m && cur) {
        const uintptr_t *frame = (const uintptr_t *)cur;
        uintptr_t ret = frame[1], caller_fp = frame[0];
        const jit_func *f = func_at(m, ret);
        if (!f) break;
        uintptr_t base = (uintptr_t)(m->mem.base + f->offset);
        for (uint32_t i = 0; i < clif_compiled_num_handlers(f->code); i++) {
            clif_handler h = clif_compiled_handler(f->code, i);
            if (h.ret_offset != ret - base || (!h.is_default && h.tag != tag)) continue;
            resume_fn resume;
            void *stub = m->mem.base + m->resume_off;
            memcpy(&resume, &stub, sizeof resume);
            jit_forget_c_frames();
            resume(caller_fp, caller_fp - clif_compiled_frame_size(f->code),
                   base + h.handler_offset, p0, p1);
        }
        if (caller_fp == (uintptr_t)entry_fp) break;
        cur = caller_fp;
    }
    if (s) {
        s->outcome = JIT_UNCAUGHT;
        s->tag = tag;
        siglongjmp(s->jb, 1);
    }
    abort();
}

void *jit_throw_address(void) {
    typedef void (*fn)(void);
    fn f = (fn)jit_throw;
    void *p;
    memcpy(&p, &f, sizeof p);
    return p;
}

typedef struct tramp_job {
    void *tramp, *fn, *args, *results;
} tramp_job;

static void run_tramp(void *user) {
    tramp_job *job = user;
    tramp_fn call;
    memcpy(&call, &job->tramp, sizeof call);
    call(job->fn, job->args, job->results);
}

void jit_module_set_stack_size(jit_module *m, size_t bytes) {
    m->stack_size = bytes;
}

clif_error *jit_module_call(jit_module *m, const clif_func *sig_of, void *fn,
                            const clif_data_value *args, uint32_t nargs, clif_data_value *results,
                            uint32_t max, uint32_t *nresults) {
    *nresults = 0;
    if (nargs != sig_of->sig.nparams)
        return clif_error_new(CLIF_ERR_ARGUMENT, no_loc(), "%u arguments for %u parameters", nargs,
                              sig_of->sig.nparams);
    uint32_t nret = sig_of->sig.nreturns;
    if (nret > max)
        return clif_error_new(CLIF_ERR_ARGUMENT, no_loc(), "%u results for room for %u", nret, max);
    for (uint32_t i = 0; i < nargs; i++)
        if (args[i].type != sig_of->abi_params.data[sig_of->sig.params + i].type)
            return clif_error_new(CLIF_ERR_ARGUMENT, no_loc(), "argument %u has the wrong type", i);
    void *tp;
    clif_error *e = get_trampoline(m, sig_of, &tp);
    if (e) return e;
    uint8_t *abuf = cl_xcalloc(nargs + 1, 16), *rbuf = cl_xcalloc(nret + 1, 16);
    for (uint32_t i = 0; i < nargs; i++)
        memcpy(abuf + 16 * i, args[i].bytes, 16);

    jit_call *c = cl_xcalloc(1, sizeof *c);
    c->map = &m->map;
    c->owner = m;
    tramp_job job = {tp, fn, abuf, rbuf};
    int rc = m->signals ? jit_call_run_on_stack(c, m->stack_size, run_tramp, &job) : -1;
    clif_error *err = NULL;
    if (rc == -1)
        err = clif_error_new(CLIF_ERR_HOST, no_loc(), "the trap signal handler is not installed");
    else if (rc)
        err = clif_error_new(CLIF_ERR_HOST, no_loc(),
                             "cannot run on a thread with a %zu-byte stack (error %d)",
                             m->stack_size, rc);
    else if (c->outcome == JIT_UNCAUGHT)
        err = clif_error_new(CLIF_ERR_TRAP, no_loc(), "uncaught exception with tag %u", c->tag);
    else if (c->outcome == JIT_TRAP)
        err = jit_bt_attach(clif_error_trap(c->code), c);
    else if (c->outcome == JIT_FAULT)
        err = jit_bt_attach(clif_error_new(CLIF_ERR_HOST, no_loc(),
                                           "signal %d at pc %#lx in compiled code (address %#lx)",
                                           c->sig, (unsigned long)c->pc, (unsigned long)c->addr),
                            c);
    free(c);
    if (err) {
        free(abuf);
        free(rbuf);
        return err;
    }
    for (uint32_t j = 0; j < nret; j++) {
        results[j].type = sig_of->abi_params.data[sig_of->sig.returns + j].type;
        memcpy(results[j].bytes, rbuf + 16 * j, 16);
    }
    *nresults = nret;
    free(abuf);
    free(rbuf);
    return NULL;
}
