/* CLIF value types: construction, queries, names. */
#include "clif/types.h"

#include <stdio.h>
#include <string.h>

static const uint16_t lane_bits[16] = {0, 8, 16, 32, 64, 128, 16, 32, 64, 128};

clif_type clif_type_vector(clif_type lane, unsigned log2_lanes) {
    if (lane == CLIF_TYPE_INVALID || lane > CLIF_F128 || log2_lanes > 8) return CLIF_TYPE_INVALID;
    return (clif_type)(lane | (log2_lanes << 4));
}

unsigned clif_type_lane_bits(clif_type t) {
    return lane_bits[t & 0xf];
}

unsigned clif_type_bits(clif_type t) {
    return lane_bits[t & 0xf] << clif_type_log2_lanes(t);
}

clif_type clif_type_int(unsigned bits) {
    switch (bits) {
    case 8: return CLIF_I8;
    case 16: return CLIF_I16;
    case 32: return CLIF_I32;
    case 64: return CLIF_I64;
    case 128: return CLIF_I128;
    default: return CLIF_TYPE_INVALID;
    }
}

clif_type clif_type_float(unsigned bits) {
    switch (bits) {
    case 16: return CLIF_F16;
    case 32: return CLIF_F32;
    case 64: return CLIF_F64;
    case 128: return CLIF_F128;
    default: return CLIF_TYPE_INVALID;
    }
}

static clif_type with_lane(clif_type t, clif_type lane) {
    if (lane == CLIF_TYPE_INVALID) return CLIF_TYPE_INVALID;
    return (clif_type)((t & ~0xfu) | lane);
}

clif_type clif_type_as_int(clif_type t) {
    return with_lane(t, clif_type_int(clif_type_lane_bits(t)));
}

static clif_type resize_lane(clif_type t, unsigned bits) {
    if (t == CLIF_TYPE_INVALID) return CLIF_TYPE_INVALID;
    clif_type lane = clif_type_is_float(t) ? clif_type_float(bits) : clif_type_int(bits);
    return with_lane(t, lane);
}

clif_type clif_type_half_width(clif_type t) {
    return resize_lane(t, clif_type_lane_bits(t) / 2);
}

clif_type clif_type_double_width(clif_type t) {
    return resize_lane(t, clif_type_lane_bits(t) * 2);
}

clif_type clif_type_split_lanes(clif_type t) {
    clif_type h = clif_type_half_width(t);
    if (h == CLIF_TYPE_INVALID || clif_type_log2_lanes(t) >= 8) return CLIF_TYPE_INVALID;
    return (clif_type)(h + 0x10);
}

clif_type clif_type_merge_lanes(clif_type t) {
    clif_type d = clif_type_double_width(t);
    if (d == CLIF_TYPE_INVALID || clif_type_log2_lanes(t) == 0) return CLIF_TYPE_INVALID;
    return (clif_type)(d - 0x10);
}

static const char *const lane_names[16] = {"invalid", "i8",  "i16", "i32", "i64",
                                           "i128",    "f16", "f32", "f64", "f128"};

const char *clif_type_name(clif_type t, char *buf, size_t size) {
    unsigned lane = t & 0xf;
    if (lane == 0 || lane > CLIF_F128) {
        snprintf(buf, size, "invalid");
    } else if (!clif_type_is_vector(t)) {
        snprintf(buf, size, "%s", lane_names[lane]);
    } else {
        snprintf(buf, size, "%sx%u%s", lane_names[lane], clif_type_lanes(t),
                 clif_type_is_dynamic(t) ? "xN" : "");
    }
    return buf;
}

clif_type clif_type_parse(const char *s, size_t len) {
    char name[16];
    if (len == 0 || len >= sizeof name) return CLIF_TYPE_INVALID;
    memcpy(name, s, len);
    name[len] = 0;
    bool dyn = false;
    if (len > 2 && name[len - 2] == 'x' && name[len - 1] == 'N') {
        dyn = true;
        name[len -= 2] = 0;
    }
    /* lane name: [if][0-9]+ */
    size_t i = 1;
    if (name[0] != 'i' && name[0] != 'f') return CLIF_TYPE_INVALID;
    unsigned bits = 0;
    while (i < len && name[i] >= '0' && name[i] <= '9' && bits < 1000)
        bits = bits * 10 + (unsigned)(name[i++] - '0');
    if (i == 1) return CLIF_TYPE_INVALID;
    clif_type lane = name[0] == 'i' ? clif_type_int(bits) : clif_type_float(bits);
    if (lane == CLIF_TYPE_INVALID) return CLIF_TYPE_INVALID;
    if (i == len) return dyn ? CLIF_TYPE_INVALID : lane;
    if (name[i] != 'x') return CLIF_TYPE_INVALID;
    i++;
    unsigned lanes = 0;
    size_t start = i;
    while (i < len && name[i] >= '0' && name[i] <= '9' && lanes < 100000)
        lanes = lanes * 10 + (unsigned)(name[i++] - '0');
    if (i != len || i == start || lanes < 2 || (lanes & (lanes - 1))) return CLIF_TYPE_INVALID;
    unsigned log2 = 0;
    while ((1u << log2) < lanes)
        log2++;
    /* Cranelift allows vectors of at most 256 lanes and 512 bits... and the lane must be narrower
     * than the vector. */
    if (log2 > 8 || lane_bits[lane] * lanes > 512) return CLIF_TYPE_INVALID;
    clif_type t = clif_type_vector(lane, log2);
    return dyn ? (clif_type)(t | CLIF_TYPE_DYN) : t;
}
