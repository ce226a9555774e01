/* Host implementations of Cranelift's libcalls, for JIT-compiled code that
 * names them (`fn0 = %CeilF32(f32) -> f32`). */
#include <math.h>
#include <string.h>

#include "jit/jit.h"

static float ceil_f32(float x) {
    return ceilf(x);
}
static double ceil_f64(double x) {
    return ceil(x);
}
static float floor_f32(float x) {
    return floorf(x);
}
static double floor_f64(double x) {
    return floor(x);
}
static float trunc_f32(float x) {
    return truncf(x);
}
static double trunc_f64(double x) {
    return trunc(x);
}
/* Round to nearest, ties to even (the default rounding mode). */
static float nearest_f32(float x) {
    return nearbyintf(x);
}
static double nearest_f64(double x) {
    return nearbyint(x);
}
static float fma_f32(float a, float b, float c) {
    return fmaf(a, b, c);
}
static double fma_f64(double a, double b, double c) {
    return fma(a, b, c);
}
static void *memcpy_(void *d, const void *s, size_t n) {
    return memcpy(d, s, n);
}
static void *memset_(void *d, int c, size_t n) {
    return memset(d, c, n);
}
static void *memmove_(void *d, const void *s, size_t n) {
    return memmove(d, s, n);
}
static int memcmp_(const void *a, const void *b, size_t n) {
    return memcmp(a, b, n);
}

typedef void (*jit_fn)(void);

static const struct {
    const char *name;
    jit_fn fn;
} libcalls[] = {
    {"CeilF32", (jit_fn)ceil_f32},       {"CeilF64", (jit_fn)ceil_f64},
    {"FloorF32", (jit_fn)floor_f32},     {"FloorF64", (jit_fn)floor_f64},
    {"TruncF32", (jit_fn)trunc_f32},     {"TruncF64", (jit_fn)trunc_f64},
    {"NearestF32", (jit_fn)nearest_f32}, {"NearestF64", (jit_fn)nearest_f64},
    {"FmaF32", (jit_fn)fma_f32},         {"FmaF64", (jit_fn)fma_f64},
    {"Memcpy", (jit_fn)memcpy_},         {"Memset", (jit_fn)memset_},
    {"Memmove", (jit_fn)memmove_},       {"Memcmp", (jit_fn)memcmp_},
};

void *jit_libcall(const char *name) {
    for (size_t i = 0; i < sizeof libcalls / sizeof libcalls[0]; i++) {
        if (strcmp(libcalls[i].name, name) != 0) continue;
        /* A function address as a data pointer (POSIX guarantees it fits). */
        void *p;
        jit_fn f = libcalls[i].fn;
        memcpy(&p, &f, sizeof p);
        return p;
    }
    return NULL;
}
