/* x86-64 ISA flags, presets and host detection. */
#include "machinst/target.h"

extern const target_backend x64_backend;

#if defined(__x86_64__)
#include <cpuid.h>
#endif

#include "isa/x64/flags.h"

static const setting_desc x64_flags[] = {
#define X(ID, N) {N, SET_BOOL, 0, NULL},
    X64_FLAGS(X)
#undef X
};

#define V2 "has_sse3 has_ssse3 has_cmpxchg16b has_sse41 has_sse42 has_popcnt"
#define V3 V2 " has_avx has_avx2 has_fma has_bmi1 has_bmi2 has_lzcnt"
#define V4 V3 " has_avx512f has_avx512dq has_avx512vl"
static const char *const x64_presets[][2] = {
    {"baseline", ""},
    {"sse3", "has_sse3"},
    {"ssse3", "has_sse3 has_ssse3"},
    {"sse41", "has_sse3 has_ssse3 has_sse41"},
    {"sse42", "has_sse3 has_ssse3 has_sse41 has_sse42"},
    {"x86-64", ""},
    {"x86-64-v2", V2},
    {"x86-64-v3", V3},
    {"x86-64-v4", V4},
    {"nehalem", V2},
    {"haswell", V3},
    {"skylake", V3},
    {"znver1", V3},
};

#if defined(__x86_64__)
static void x64_detect_host(uint32_t *f) {
    unsigned a, b, c, d;
    if (__get_cpuid(1, &a, &b, &c, &d)) {
        f[X64_FLAG_SSE3] = (c >> 0) & 1;
        f[X64_FLAG_SSSE3] = (c >> 9) & 1;
        f[X64_FLAG_FMA] = (c >> 12) & 1;
        f[X64_FLAG_CMPXCHG16B] = (c >> 13) & 1;
        f[X64_FLAG_SSE41] = (c >> 19) & 1;
        f[X64_FLAG_SSE42] = (c >> 20) & 1;
        f[X64_FLAG_POPCNT] = (c >> 23) & 1;
        f[X64_FLAG_AVX] = (c >> 28) & 1;
    }
    if (__get_cpuid_count(7, 0, &a, &b, &c, &d)) {
        f[X64_FLAG_BMI1] = (b >> 3) & 1;
        f[X64_FLAG_AVX2] = (b >> 5) & 1;
        f[X64_FLAG_BMI2] = (b >> 8) & 1;
        f[X64_FLAG_AVX512F] = (b >> 16) & 1;
        f[X64_FLAG_AVX512DQ] = (b >> 17) & 1;
        f[X64_FLAG_AVX512VL] = (b >> 31) & 1;
        f[X64_FLAG_AVX512VBMI] = (c >> 1) & 1;
        f[X64_FLAG_AVX512VNNI] = (c >> 11) & 1;
        f[X64_FLAG_AVX512BITALG] = (c >> 12) & 1;
    }
    if (__get_cpuid(0x80000001, &a, &b, &c, &d)) f[X64_FLAG_LZCNT] = (c >> 5) & 1;
}
#define X64_HOST x64_detect_host
#else
#define X64_HOST NULL
#endif

const target_isa x64_target = {
    .name = "x86_64",
    .pointer_bits = 64,
    .big_endian = false,
    .flags = x64_flags,
    .num_flags = X64_NUM_FLAGS,
    .presets = x64_presets,
    .num_presets = (int)(sizeof x64_presets / sizeof x64_presets[0]),
    .detect_host = X64_HOST,
    .backend = &x64_backend,
};
