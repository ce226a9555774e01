/* Applying one relocation: writing a target address in the form its kind
 * asks for (absolute, or relative to the patched place). */
#define _GNU_SOURCE /* sigjmp_buf in jit/rt.h */
#include <string.h>

#include "jit/pub.h"

clif_error *jit_patch(clif_reloc_kind kind, uint8_t *at, int64_t value) {
    switch (kind) {
    case CLIF_RELOC_ABS8: memcpy(at, &value, 8); return NULL;
    case CLIF_RELOC_ABS4: {
        if (value < 0 || value > (int64_t)UINT32_MAX)
            return clif_error_new(CLIF_ERR_LIMIT, jit_no_loc(), "Abs4 relocation out of range");
        uint32_t v = (uint32_t)value;
        memcpy(at, &v, 4);
        return NULL;
    }
    case CLIF_RELOC_X86_PCREL4:
    case CLIF_RELOC_X86_CALL_PCREL4:
    case CLIF_RELOC_X86_CALL_PLT_REL4: {
        int64_t d = value - (int64_t)(uintptr_t)at;
        if (d < INT32_MIN || d > INT32_MAX)
            return clif_error_new(CLIF_ERR_LIMIT, jit_no_loc(),
                                  "pc-relative relocation out of range (%s)",
                                  clif_reloc_kind_name(kind));
        int32_t v = (int32_t)d;
        memcpy(at, &v, 4);
        return NULL;
    }
    default:
        return clif_error_new(CLIF_ERR_UNSUPPORTED, jit_no_loc(),
                              "unsupported: relocation %s in the JIT", clif_reloc_kind_name(kind));
    }
}
