/* Growable arrays: the one container of the library. A vector is
 * { T *data; uint32_t len, cap; }; growth doubles. Out of memory aborts with a
 * message (callers bound every input-controlled size before growing). */
#ifndef CLIF_SUPPORT_VEC_H
#define CLIF_SUPPORT_VEC_H

#include <stddef.h>
#include <stdint.h>

#define VEC(T)                                                                                     \
    struct {                                                                                       \
        T *data;                                                                                   \
        uint32_t len, cap;                                                                         \
    }

/* Ensures room for `need` elements in total. */
void cl_vec_grow(void **data, uint32_t *cap, size_t elem, uint32_t need);
/* Allocation that never returns NULL (aborts on exhaustion). */
void *cl_xmalloc(size_t size);
void *cl_xcalloc(size_t n, size_t size);
void *cl_xrealloc(void *p, size_t size);

#define vec_reserve(v, n)                                                                          \
    do {                                                                                           \
        if ((uint64_t)(v).len + (n) > (v).cap)                                                     \
            cl_vec_grow((void **)&(v).data, &(v).cap, sizeof *(v).data, (v).len + (n));            \
    } while (0)
#define vec_push(v, x)                                                                             \
    do {                                                                                           \
        vec_reserve(v, 1);                                                                         \
        (v).data[(v).len++] = (x);                                                                 \
    } while (0)
#define vec_free(v)                                                                                \
    do {                                                                                           \
        free((v).data);                                                                            \
        (v).data = NULL;                                                                           \
        (v).len = (v).cap = 0;                                                                     \
    } while (0)
#define vec_clear(v) ((v).len = 0)

#endif
