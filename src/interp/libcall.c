/* Cranelift's libcalls (`%CeilF32`, `%Memcpy`, ...) for the interpreter.
 * A function reference whose name is a libcall and which no added function
 * defines calls these; memory libcalls go through the checked address space. */
#include <math.h>
#include <string.h>

#include "interp/fp.h"
#include "interp/interp.h"

enum {
    LC_THROW = IN_LIBCALL_THROW,
    LC_PROBESTACK,
    LC_CEIL_F32,
    LC_CEIL_F64,
    LC_FLOOR_F32,
    LC_FLOOR_F64,
    LC_TRUNC_F32,
    LC_TRUNC_F64,
    LC_NEAREST_F32,
    LC_NEAREST_F64,
    LC_FMA_F32,
    LC_FMA_F64,
    LC_MEMCPY,
    LC_MEMSET,
    LC_MEMMOVE,
    LC_MEMCMP,
    LC_COUNT,
};

/* Name and parameter kinds: f = f32, d = f64, p = address, i = integer. */
static const struct {
    const char *name, *params, *returns;
} libcalls[LC_COUNT] = {
    [LC_THROW] = {"__cranelift_throw", "pppiii", ""},
    [LC_PROBESTACK] = {"Probestack", "", ""},
    [LC_CEIL_F32] = {"CeilF32", "f", "f"},
    [LC_CEIL_F64] = {"CeilF64", "d", "d"},
    [LC_FLOOR_F32] = {"FloorF32", "f", "f"},
    [LC_FLOOR_F64] = {"FloorF64", "d", "d"},
    [LC_TRUNC_F32] = {"TruncF32", "f", "f"},
    [LC_TRUNC_F64] = {"TruncF64", "d", "d"},
    [LC_NEAREST_F32] = {"NearestF32", "f", "f"},
    [LC_NEAREST_F64] = {"NearestF64", "d", "d"},
    [LC_FMA_F32] = {"FmaF32", "fff", "f"},
    [LC_FMA_F64] = {"FmaF64", "ddd", "d"},
    [LC_MEMCPY] = {"Memcpy", "ppi", ""},
    [LC_MEMSET] = {"Memset", "pii", ""},
    [LC_MEMMOVE] = {"Memmove", "ppi", ""},
    [LC_MEMCMP] = {"Memcmp", "ppi", "i"},
};

int in_libcall_lookup(const char *name) {
    for (int i = 0; i < LC_COUNT; i++)
        if (strcmp(libcalls[i].name, name) == 0) return i;
    return -1;
}

const char *in_libcall_name(int id) {
    return id >= 0 && id < LC_COUNT ? libcalls[id].name : "?";
}

static bool kind_ok(char k, clif_type t) {
    switch (k) {
    case 'f': return t == CLIF_F32;
    case 'd': return t == CLIF_F64;
    case 'p': return t == CLIF_I32 || t == CLIF_I64;
    default: return clif_type_is_int(t) && !clif_type_is_vector(t);
    }
}

/* The returns list may be empty (C's memcpy returns dst; Cranelift's
 * signatures usually drop it) or give the documented result. */
bool in_libcall_sig_ok(int id, const clif_func *f, const sig_data *sig) {
    const char *ps = libcalls[id].params, *rs = libcalls[id].returns;
    if (id < 0 || id >= LC_COUNT || sig->nparams != strlen(ps)) return false;
    for (uint32_t k = 0; k < sig->nparams; k++)
        if (!kind_ok(ps[k], f->abi_params.data[sig->params + k].type)) return false;
    if (id == LC_MEMCPY || id == LC_MEMMOVE || id == LC_MEMSET)
        return sig->nreturns == 0 ||
               (sig->nreturns == 1 && kind_ok('p', f->abi_params.data[sig->returns].type));
    if (sig->nreturns != strlen(rs)) return false;
    for (uint32_t k = 0; k < sig->nreturns; k++)
        if (!kind_ok(rs[k], f->abi_params.data[sig->returns + k].type)) return false;
    return true;
}

static double round_op(int id, double x) {
    switch (id) {
    case LC_CEIL_F32:
    case LC_CEIL_F64: return ceil(x);
    case LC_FLOOR_F32:
    case LC_FLOOR_F64: return floor(x);
    case LC_TRUNC_F32:
    case LC_TRUNC_F64: return trunc(x);
    default: return nearbyint(x);
    }
}

/* Copies n bytes through the checked address space, as memmove does. */
static clif_error *copy_bytes(clif_interp *in, uint64_t dst, uint64_t src, uint64_t n) {
    uint8_t buf[256];
    bool backward = dst > src && dst < src + n;
    uint64_t done = 0;
    while (done < n) {
        uint32_t chunk = (uint32_t)(n - done < sizeof buf ? n - done : sizeof buf);
        uint64_t at = backward ? n - done - chunk : done;
        clif_error *e = in_mem_read(in, src + at, chunk, 0, buf);
        if (!e) e = in_mem_write(in, dst + at, chunk, 0, buf);
        if (e) return e;
        done += chunk;
    }
    return NULL;
}

clif_error *in_libcall_run(clif_interp *in, int id, const clif_func *f, const sig_data *sig,
                           const in_val *args, uint32_t nargs, in_val *rets) {
    clif_location loc = {NULL, 0, 0};
    if (id < 0 || id >= LC_COUNT || !in_libcall_sig_ok(id, f, sig) || nargs != sig->nparams)
        return clif_error_new(CLIF_ERR_ARGUMENT, loc, "libcall %%%s called with a wrong signature",
                              in_libcall_name(id));
    switch (id) {
    case LC_PROBESTACK: return NULL;
    case LC_CEIL_F32:
    case LC_FLOOR_F32:
    case LC_TRUNC_F32:
    case LC_NEAREST_F32: {
        float x = fp_f32(args[0].lo);
        if (isnan(x)) {
            rets[0] = u128_from_u64(fp_f32_bits(x) | 0x400000); /* quieted */
            return NULL;
        }
        rets[0] = u128_from_u64(fp_f32_bits((float)round_op(id, x)));
        return NULL;
    }
    case LC_CEIL_F64:
    case LC_FLOOR_F64:
    case LC_TRUNC_F64:
    case LC_NEAREST_F64: {
        double x = fp_f64(args[0].lo);
        if (isnan(x)) {
            rets[0] = u128_from_u64(fp_f64_bits(x) | 0x8000000000000ull);
            return NULL;
        }
        rets[0] = u128_from_u64(fp_f64_bits(round_op(id, x)));
        return NULL;
    }
    case LC_FMA_F32:
        rets[0] = u128_from_u64(
            fp_f32_bits(fmaf(fp_f32(args[0].lo), fp_f32(args[1].lo), fp_f32(args[2].lo))));
        return NULL;
    case LC_FMA_F64:
        rets[0] = u128_from_u64(
            fp_f64_bits(fma(fp_f64(args[0].lo), fp_f64(args[1].lo), fp_f64(args[2].lo))));
        return NULL;
    case LC_MEMCPY:
    case LC_MEMMOVE: {
        clif_error *e = copy_bytes(in, args[0].lo, args[1].lo, args[2].lo);
        if (!e && sig->nreturns) rets[0] = args[0];
        return e;
    }
    case LC_MEMSET: {
        uint8_t buf[256];
        memset(buf, (int)(args[1].lo & 0xff), sizeof buf);
        for (uint64_t done = 0; done < args[2].lo;) {
            uint64_t left = args[2].lo - done;
            uint32_t chunk = (uint32_t)(left < sizeof buf ? left : sizeof buf);
            clif_error *e = in_mem_write(in, args[0].lo + done, chunk, 0, buf);
            if (e) return e;
            done += chunk;
        }
        if (sig->nreturns) rets[0] = args[0];
        return NULL;
    }
    case LC_MEMCMP: {
        int r = 0;
        for (uint64_t k = 0; k < args[2].lo && r == 0; k++) {
            uint8_t a, b;
            clif_error *e = in_mem_read(in, args[0].lo + k, 1, 0, &a);
            if (!e) e = in_mem_read(in, args[1].lo + k, 1, 0, &b);
            if (e) return e;
            r = (int)a - (int)b;
        }
        clif_type rt = f->abi_params.data[sig->returns].type;
        rets[0] = u128_trunc(u128_from_i64(r), clif_type_bits(rt));
        return NULL;
    }
    default: break;
    }
    return clif_error_new(CLIF_ERR_UNSUPPORTED, loc, "unsupported: libcall %%%s",
                          in_libcall_name(id));
}
