/* clif-util: the host, as far as `test run` needs it. The host ISA is fixed
 * when this program is compiled. */
#include <string.h>

#include "cu.h"

const char *cu_host_isa(void) {
#if defined(__x86_64__)
    return "x86_64";
#elif defined(__aarch64__)
    return "aarch64";
#elif defined(__riscv) && __riscv_xlen == 64
    return "riscv64";
#elif defined(__s390x__)
    return "s390x";
#else
    return NULL;
#endif
}

/* No native backend exists yet: `test run` executes in the interpreter. */
bool cu_native_available(void) {
    return false;
}

bool cu_host_can_run(const clif_test_file *tf) {
    const char *host = cu_host_isa();
    if (tf->ntargets == 0) return host != NULL;
    for (uint32_t i = 0; host && i < tf->ntargets; i++)
        if (strcmp(tf->targets[i].isa, host) == 0) return true;
    return false;
}
