/* Reserved memory for a JIT's code and data: one PROT_NONE reservation,
 * pieces committed read+write with a bump pointer, then protected (W^X:
 * code goes from read+write to read+execute, never both). */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "support/syserr.h"
#include "jit/rt.h"

static clif_location no_loc(void) {
    clif_location l = {NULL, 0, 0};
    return l;
}

clif_error *jit_arena_init(jit_arena *a, size_t bytes) {
    memset(a, 0, sizeof *a);
    long page = sysconf(_SC_PAGESIZE);
    a->page = page > 0 ? (size_t)page : 4096;
    size_t want = bytes ? bytes : (size_t)1 << 30;
    size_t least = (size_t)16 << 20;
    if (want < least) least = want;
    for (;;) {
        size_t size = (want + a->page - 1) / a->page * a->page;
        void *p = mmap(NULL, size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (p != MAP_FAILED) {
            a->base = p;
            a->reserved = size;
            return NULL;
        }
        if (want / 2 < least)
            return clif_error_new(CLIF_ERR_LIMIT, no_loc(),
                                  "cannot reserve %zu bytes of address space for the JIT: %s", size,
                                  sup_strerror(errno, (char[96]){0}, 96));
        want /= 2;
    }
}

clif_error *jit_arena_alloc(jit_arena *a, size_t size, uint8_t **out) {
    *out = NULL;
    size_t rounded = (size + a->page - 1) / a->page * a->page;
    if (rounded == 0) rounded = a->page;
    if (rounded > a->reserved - a->used)
        return clif_error_new(CLIF_ERR_LIMIT, no_loc(),
                              "JIT memory exhausted: %zu bytes wanted, %zu of %zu reserved left",
                              rounded, a->reserved - a->used, a->reserved);
    uint8_t *p = a->base + a->used;
    if (mprotect(p, rounded, PROT_READ | PROT_WRITE) != 0)
        return clif_error_new(CLIF_ERR_LIMIT, no_loc(), "cannot commit %zu bytes of JIT memory: %s",
                              rounded, sup_strerror(errno, (char[96]){0}, 96));
    a->used += rounded;
    *out = p;
    return NULL;
}

clif_error *jit_arena_protect(jit_arena *a, uint8_t *p, size_t size, jit_prot prot) {
    size_t rounded = (size + a->page - 1) / a->page * a->page;
    if (rounded == 0) return NULL;
    int flags = prot == JIT_PROT_RX  ? PROT_READ | PROT_EXEC
                : prot == JIT_PROT_R ? PROT_READ
                                     : PROT_READ | PROT_WRITE;
    if (mprotect(p, rounded, flags) != 0)
        return clif_error_new(CLIF_ERR_HOST, no_loc(), "mprotect of JIT memory failed: %s",
                              sup_strerror(errno, (char[96]){0}, 96));
    return NULL;
}

void jit_arena_free(jit_arena *a) {
    if (a->base) munmap(a->base, a->reserved);
    memset(a, 0, sizeof *a);
}
