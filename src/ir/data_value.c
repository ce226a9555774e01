/* Concrete values of CLIF types: construction, comparison and text.
 *
 * Comparison follows Cranelift's run commands, which compare a returned value
 * with the expected one by DataValue::bitwise_eq: integers by value, floats by
 * their bit pattern (so a NaN equals the same NaN, and 0.0 differs from -0.0),
 * vectors by their bytes whatever their lane type. Values of different kinds
 * (an i32 and an f32, an i32 and an i64) are never equal.
 *
 * Text follows Cranelift's DataValue Display: integers in signed decimal,
 * floats as the IEEE immediates of CLIF (`0x1.800000p1`, `+NaN`), vectors as
 * constant data (`0x` and the bytes from the last lane to the first). */
#include "clif/data_value.h"

#include <string.h>

#include "ir/immediates.h"

/* Bytes that hold the value: its size, at most the 16 the struct keeps. */
static unsigned value_bytes(clif_type t) {
    unsigned n = clif_type_bytes(t);
    return n > 16 ? 16 : n;
}

clif_data_value clif_dv_from_u64(clif_type t, uint64_t bits) {
    clif_data_value v;
    memset(&v, 0, sizeof v);
    v.type = t;
    unsigned n = value_bytes(t);
    for (unsigned i = 0; i < n && i < 8; i++)
        v.bytes[i] = (uint8_t)(bits >> (8 * i));
    return v;
}

uint64_t clif_dv_to_u64(const clif_data_value *v) {
    unsigned n = value_bytes(v->type);
    uint64_t x = 0;
    for (unsigned i = 0; i < n && i < 8; i++)
        x |= (uint64_t)v->bytes[i] << (8 * i);
    return x;
}

static uint64_t word(const clif_data_value *v, unsigned k) {
    uint64_t x = 0;
    for (unsigned i = 0; i < 8; i++)
        x |= (uint64_t)v->bytes[8 * k + i] << (8 * i);
    return x;
}

int clif_dv_equal(const clif_data_value *a, const clif_data_value *b) {
    bool va = clif_type_is_vector(a->type), vb = clif_type_is_vector(b->type);
    if (va != vb) return 0;
    if (va) { /* Cranelift's V16..V128 carry no lane type: compare sizes and bytes. */
        if (value_bytes(a->type) != value_bytes(b->type)) return 0;
    } else if (a->type != b->type || a->type == CLIF_TYPE_INVALID) {
        return 0;
    }
    return memcmp(a->bytes, b->bytes, value_bytes(a->type)) == 0;
}

const char *clif_dv_format(const clif_data_value *v, char *buf, size_t size) {
    strbuf sb;
    sb_init_fixed(&sb, buf, size);
    clif_type t = v->type;
    unsigned bits = clif_type_lane_bits(t);
    if (t == CLIF_TYPE_INVALID || bits == 0) {
        sb_puts(&sb, "invalid");
    } else if (clif_type_is_vector(t)) {
        imm_write_bytes(&sb, v->bytes, value_bytes(t));
    } else if (clif_type_is_float(t)) {
        imm_write_ieee(&sb, bits, word(v, 0), bits == 128 ? word(v, 1) : 0);
    } else if (bits == 128) {
        imm_write_i128(&sb, word(v, 0), word(v, 1));
    } else {
        sb_printf(&sb, "%lld", (long long)imm_sext(word(v, 0), bits));
    }
    return buf;
}
