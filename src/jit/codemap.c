/* The map of generated code: for each function or trampoline, its address
 * range, name, frame shape, trap table and call return addresses, sorted so
 * the signal handler finds them with binary searches (no allocation). */
#define _GNU_SOURCE /* sigjmp_buf in jit/rt.h */
#include <stdlib.h>
#include <string.h>

#include "jit/rt.h"

static int cmp_trap(const void *a, const void *b) {
    const clif_trap_site *x = a, *y = b;
    return (x->offset > y->offset) - (x->offset < y->offset);
}

static int cmp_u32(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

void jit_codemap_add(jit_codemap *m, const clif_compiled *c, uintptr_t start, const char *name,
                     bool is_entry) {
    jit_code_info ci;
    memset(&ci, 0, sizeof ci);
    size_t size;
    clif_compiled_code(c, &size);
    ci.start = start;
    ci.size = (uint32_t)size;
    ci.name = name;
    ci.frame_size = clif_compiled_frame_size(c);
    ci.is_entry = is_entry;
    for (uint32_t i = 0; i < clif_compiled_num_unwind(c); i++) {
        clif_unwind_op op = clif_compiled_unwind(c, i);
        if (op.kind == CLIF_UNWIND_PUSH_FRAME_REGS) {
            ci.setup_offset = op.offset;
            break;
        }
    }
    ci.ntraps = clif_compiled_num_traps(c);
    ci.traps = cl_xmalloc((ci.ntraps + 1) * sizeof *ci.traps);
    for (uint32_t i = 0; i < ci.ntraps; i++)
        ci.traps[i] = clif_compiled_trap(c, i);
    qsort(ci.traps, ci.ntraps, sizeof *ci.traps, cmp_trap);
    ci.ncalls = clif_compiled_num_call_sites(c);
    ci.call_rets = cl_xmalloc((ci.ncalls + 1) * sizeof *ci.call_rets);
    for (uint32_t i = 0; i < ci.ncalls; i++)
        ci.call_rets[i] = clif_compiled_call_site(c, i);
    qsort(ci.call_rets, ci.ncalls, sizeof *ci.call_rets, cmp_u32);
    /* Keep the map sorted by address (new code usually goes last). */
    vec_push(m->code, ci);
    uint32_t i = m->code.len - 1;
    while (i > 0 && m->code.data[i - 1].start > ci.start) {
        m->code.data[i] = m->code.data[i - 1];
        i--;
    }
    m->code.data[i] = ci;
}

void jit_codemap_free(jit_codemap *m) {
    for (uint32_t i = 0; i < m->code.len; i++) {
        free(m->code.data[i].traps);
        free(m->code.data[i].call_rets);
    }
    vec_free(m->code);
}

const jit_code_info *jit_codemap_find(const jit_codemap *m, uintptr_t pc) {
    if (!m) return NULL;
    uint32_t lo = 0, hi = m->code.len;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        const jit_code_info *ci = &m->code.data[mid];
        if (pc < ci->start)
            hi = mid;
        else if (pc - ci->start >= ci->size)
            lo = mid + 1;
        else
            return ci;
    }
    return NULL;
}

clif_trap_code jit_code_trap_at(const jit_code_info *ci, uint32_t offset) {
    uint32_t lo = 0, hi = ci->ntraps;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (ci->traps[mid].offset < offset)
            lo = mid + 1;
        else if (ci->traps[mid].offset > offset)
            hi = mid;
        else
            return ci->traps[mid].code;
    }
    return CLIF_TRAP_NONE;
}

bool jit_code_is_call_ret(const jit_code_info *ci, uint32_t offset) {
    uint32_t lo = 0, hi = ci->ncalls;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (ci->call_rets[mid] < offset)
            lo = mid + 1;
        else if (ci->call_rets[mid] > offset)
            hi = mid;
        else
            return true;
    }
    return false;
}
