/* Growable arrays and non-failing allocation. */
#include "support/vec.h"

#include <stdio.h>
#include <stdlib.h>

static void out_of_memory(size_t size) {
    fprintf(stderr, "libcranelift: out of memory (%zu bytes)\n", size);
    abort();
}

void *cl_xmalloc(size_t size) {
    void *p = malloc(size ? size : 1);
    if (!p) out_of_memory(size);
    return p;
}

void *cl_xcalloc(size_t n, size_t size) {
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) out_of_memory(n * size);
    return p;
}

void *cl_xrealloc(void *p, size_t size) {
    void *q = realloc(p, size ? size : 1);
    if (!q) out_of_memory(size);
    return q;
}

void cl_vec_grow(void **data, uint32_t *cap, size_t elem, uint32_t need) {
    uint64_t ncap = *cap ? *cap : 8;
    while (ncap < need)
        ncap *= 2;
    if (ncap > UINT32_MAX) ncap = UINT32_MAX;
    if (ncap < need || ncap * elem > SIZE_MAX / 2) out_of_memory((size_t)-1);
    *data = cl_xrealloc(*data, (size_t)(ncap * elem));
    *cap = (uint32_t)ncap;
}
