/* clif-util: the host, as far as `test run` needs it. Which ISA the host is
 * comes from the library (fixed when it was compiled). */
#include "clif/codegen.h"
#include <stdio.h>

#include "cu.h"

const char *cu_host_isa(char *buf, size_t size) {
    clif_isa *isa = NULL;
    clif_error *err = clif_isa_host(&isa);
    if (err) {
        clif_error_free(err);
        return NULL;
    }
    snprintf(buf, size, "%s", clif_isa_name(isa));
    clif_isa_free(isa);
    return buf;
}

bool cu_host_can_run(const clif_test_file *tf) {
    char buf[32];
    if (tf->ntargets == 0) return cu_host_isa(buf, sizeof buf) != NULL;
    for (uint32_t i = 0; i < tf->ntargets; i++) {
        clif_isa *isa = NULL;
        clif_error *err = clif_isa_lookup(tf->targets[i].isa, &isa);
        if (err) {
            clif_error_free(err); /* an ISA this build does not know: not the host */
            continue;
        }
        bool host = clif_isa_is_host(isa);
        clif_isa_free(isa);
        if (host) return true;
    }
    return false;
}
