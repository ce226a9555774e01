/* Runtime functions compiled code may call for operations an ISA has no
 * instruction for (Cranelift's libcalls), named as Cranelift names them. */
#ifndef CLIF_MACHINST_LIBCALL_H
#define CLIF_MACHINST_LIBCALL_H

#define CLIF_LIBCALLS(X)                                                                           \
    X(CEIL_F32, "CeilF32")                                                                         \
    X(CEIL_F64, "CeilF64")                                                                         \
    X(FLOOR_F32, "FloorF32")                                                                       \
    X(FLOOR_F64, "FloorF64")                                                                       \
    X(TRUNC_F32, "TruncF32")                                                                       \
    X(TRUNC_F64, "TruncF64")                                                                       \
    X(NEAREST_F32, "NearestF32")                                                                   \
    X(NEAREST_F64, "NearestF64")                                                                   \
    X(FMA_F32, "FmaF32")                                                                           \
    X(FMA_F64, "FmaF64")

typedef enum libcall {
#define X(ID, N) LIBCALL_##ID,
    CLIF_LIBCALLS(X)
#undef X
        LIBCALL_COUNT
} libcall;

/* The name of a libcall ("CeilF32"). */
const char *libcall_name(libcall lc);

#endif
