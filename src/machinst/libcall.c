/* Names of the runtime functions (libcalls). */
#include "machinst/libcall.h"

static const char *const names[LIBCALL_COUNT] = {
#define X(ID, N) N,
    CLIF_LIBCALLS(X)
#undef X
};

const char *libcall_name(libcall lc) {
    return (unsigned)lc < LIBCALL_COUNT ? names[lc] : "?";
}
