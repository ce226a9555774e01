/* Backtraces of generated code. Every generated function keeps a frame
 * pointer: [fp] is the caller's frame pointer and [fp + 8] the return
 * address into the caller. A walk starts from a fault (its pc and
 * registers; the prologue's unwind steps tell whether the frame pointer was
 * set up yet) or from a host function raising an error (the stack is
 * searched for the return address into generated code, and the frame
 * pointer of that frame follows from its frame size), and it follows the
 * chain while the return addresses lie in generated code, up to the entry
 * trampoline. Frame pointers must increase and stay below the call's stack
 * top, so a walk never reads outside the stack. The walks allocate nothing
 * (they run in the signal handler); naming the frames happens afterwards. */
#define _GNU_SOURCE /* sigjmp_buf in jit/rt.h */
#include <stdio.h>
#include <stdlib.h>

#include "jit/rt.h"

/* The walks read stack words of frames they do not own, red zones of
 * sanitized C frames included: they are not instrumented. */
#if defined(__GNUC__)
#define STACK_READER __attribute__((no_sanitize_address))
#else
#define STACK_READER
#endif

static void record(jit_call *c, uintptr_t pc) {
    if (c->nframes < JIT_BT_MAX)
        c->frames[c->nframes++] = pc;
    else
        c->omitted++;
}

static bool frame_ok(const jit_call *c, uintptr_t fp, uintptr_t lo) {
    return (fp & 7) == 0 && fp >= lo && fp < c->stack_top && c->stack_top - fp >= 16;
}

/* Records the frames from `ret`, a return address into the function whose
 * frame pointer is fp, outwards. */
STACK_READER static void walk(jit_call *c, uintptr_t ret, uintptr_t fp, uintptr_t lo) {
    for (;;) {
        const jit_code_info *ci = jit_codemap_find(c->map, ret);
        if (!ci || ci->is_entry) return;
        record(c, ret);
        if (!frame_ok(c, fp, lo)) return;
        const uintptr_t *frame = (const uintptr_t *)fp;
        lo = fp + 16;
        ret = frame[1];
        fp = frame[0];
    }
}

STACK_READER void jit_bt_from_fault(jit_call *c, uintptr_t pc, uintptr_t fp, uintptr_t sp) {
    c->nframes = c->omitted = 0;
    const jit_code_info *ci = jit_codemap_find(c->map, pc);
    if (!ci) return;
    uint32_t off = (uint32_t)(pc - ci->start);
    uintptr_t ret;
    if (!frame_ok(c, sp, sp)) return;
    if (off == 0) {
        /* At the prologue's `push rbp`: the return address is on top. */
        ret = *(const uintptr_t *)sp;
    } else if (off < ci->setup_offset) {
        /* Between `push rbp` and `mov rbp, rsp`. */
        ret = ((const uintptr_t *)sp)[1];
    } else {
        if (!ci->is_entry) record(c, pc);
        if (!frame_ok(c, fp, sp)) return;
        const uintptr_t *frame = (const uintptr_t *)fp;
        walk(c, frame[1], frame[0], fp + 16);
        return;
    }
    if (!ci->is_entry) record(c, pc);
    walk(c, ret, fp, sp);
}

/* Whether the chain from `ret` (into the function with frame pointer fp)
 * is made of generated frames, each returning to a call site, and ends at
 * the call's entry trampoline (or, without one, leaves generated code). */
STACK_READER static bool chain_ok(const jit_call *c, uintptr_t ret, uintptr_t fp, uintptr_t lo) {
    for (;;) {
        const jit_code_info *ci = jit_codemap_find(c->map, ret);
        if (!ci) return c->entry_fp == 0;
        if (!jit_code_is_call_ret(ci, (uint32_t)(ret - ci->start))) return false;
        /* Entry trampolines that record their frame pointer pin the end. */
        if (ci->is_entry) return c->entry_fp == 0 || fp == c->entry_fp;
        if (!frame_ok(c, fp, lo)) return false;
        const uintptr_t *frame = (const uintptr_t *)fp;
        lo = fp + 16;
        ret = frame[1];
        fp = frame[0];
    }
}

STACK_READER void jit_bt_from_raise(jit_call *c, uintptr_t from) {
    c->nframes = c->omitted = 0;
    for (uintptr_t p = (from + 7) & ~(uintptr_t)7; p < c->stack_top && c->stack_top - p >= 8;
         p += 8) {
        uintptr_t w = *(const uintptr_t *)p;
        const jit_code_info *ci = jit_codemap_find(c->map, w);
        if (!ci || !jit_code_is_call_ret(ci, (uint32_t)(w - ci->start))) continue;
        /* The call pushed w at p, from the body of a frame whose stack
         * pointer sits frame_size below its frame pointer. */
        uintptr_t fp = p + 8 + ci->frame_size;
        if (!chain_ok(c, w, fp, p + 8)) continue;
        walk(c, w, fp, p + 8);
        return;
    }
}

void jit_bt_describe(const jit_codemap *m, uintptr_t pc, char *buf, size_t size) {
    const jit_code_info *ci = jit_codemap_find(m, pc);
    if (ci)
        snprintf(buf, size, "%s+0x%x", ci->name && *ci->name ? ci->name : "<anonymous>",
                 (unsigned)(pc - ci->start));
    else
        snprintf(buf, size, "%#lx", (unsigned long)pc);
}

clif_error *jit_bt_attach(clif_error *err, const jit_call *c) {
    clif_frame frames[JIT_BT_MAX];
    uint32_t n = 0;
    for (uint32_t i = 0; i < c->nframes; i++) {
        const jit_code_info *ci = jit_codemap_find(c->map, c->frames[i]);
        if (!ci) continue;
        frames[n].function = ci->name && *ci->name ? ci->name : "<anonymous>";
        frames[n].offset = (uint32_t)(c->frames[i] - ci->start);
        n++;
    }
    return clif_error_set_backtrace(err, frames, n, c->omitted);
}
