/* Executable memory with W^X: mapped read+write while code is copied and
 * relocated, then read+execute. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "support/syserr.h"
#include "jit/jit.h"

static clif_location no_loc(void) {
    clif_location l = {NULL, 0, 0};
    return l;
}

clif_error *jit_mem_alloc(jit_mem *m, size_t size) {
    m->base = NULL;
    m->size = 0;
    long page = sysconf(_SC_PAGESIZE);
    if (page <= 0) page = 4096;
    size_t rounded = (size + (size_t)page - 1) / (size_t)page * (size_t)page;
    if (rounded == 0) rounded = (size_t)page;
    void *p = mmap(NULL, rounded, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return clif_error_new(CLIF_ERR_HOST, no_loc(), "mmap of %zu bytes failed: %s", rounded,
                              sup_strerror(errno, (char[96]){0}, 96));
    m->base = p;
    m->size = rounded;
    return NULL;
}

clif_error *jit_mem_seal(jit_mem *m) {
    if (mprotect(m->base, m->size, PROT_READ | PROT_EXEC) != 0)
        return clif_error_new(CLIF_ERR_HOST, no_loc(), "mprotect to read+execute failed: %s",
                              sup_strerror(errno, (char[96]){0}, 96));
    return NULL;
}

void jit_mem_free(jit_mem *m) {
    if (m->base) munmap(m->base, m->size);
    m->base = NULL;
    m->size = 0;
}
