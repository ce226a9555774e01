/* x86-64 ISA flags: the table settings.c builds and the indices lowering
 * code tests (isa->flags[X64_FLAG_SSE41]). */
#ifndef CLIF_ISA_X64_FLAGS_H
#define CLIF_ISA_X64_FLAGS_H

/* X(ID, name) */
/* clang-format off */
#define X64_FLAGS(X)                                                                               \
    X(SSE3, "has_sse3")                                                                            \
    X(SSSE3, "has_ssse3")                                                                          \
    X(CMPXCHG16B, "has_cmpxchg16b")                                                                \
    X(SSE41, "has_sse41")                                                                          \
    X(SSE42, "has_sse42")                                                                          \
    X(AVX, "has_avx")                                                                              \
    X(AVX2, "has_avx2")                                                                            \
    X(FMA, "has_fma")                                                                              \
    X(AVX_VNNI, "has_avx_vnni")                                                                    \
    X(AVX512BITALG, "has_avx512bitalg")                                                            \
    X(AVX512DQ, "has_avx512dq")                                                                    \
    X(AVX512VL, "has_avx512vl")                                                                    \
    X(AVX512VBMI, "has_avx512vbmi")                                                                \
    X(AVX512F, "has_avx512f")                                                                      \
    X(AVX512VNNI, "has_avx512vnni")                                                                \
    X(POPCNT, "has_popcnt")                                                                        \
    X(BMI1, "has_bmi1")                                                                            \
    X(BMI2, "has_bmi2")                                                                            \
    X(LZCNT, "has_lzcnt")
/* clang-format on */

enum {
#define X(ID, N) X64_FLAG_##ID,
    X64_FLAGS(X)
#undef X
        X64_NUM_FLAGS
};

#endif
