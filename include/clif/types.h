/* libcranelift: CLIF value types.
 *
 * A type is a 16-bit code: the lane type in the low 4 bits, log2 of the
 * lane count in bits 4..7 and CLIF_TYPE_DYN for dynamic vectors (`i32x4xN`).
 * Scalars have a lane count of 1. The zero code is the invalid type.
 */
#ifndef CLIF_TYPES_H
#define CLIF_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef uint16_t clif_type;

/* Lane types; the values are the low 4 bits of a type code. */
enum {
    CLIF_TYPE_INVALID = 0,
    CLIF_I8 = 1,
    CLIF_I16 = 2,
    CLIF_I32 = 3,
    CLIF_I64 = 4,
    CLIF_I128 = 5,
    CLIF_F16 = 6,
    CLIF_F32 = 7,
    CLIF_F64 = 8,
    CLIF_F128 = 9,
};

#define CLIF_TYPE_DYN 0x100u

/* The vector type with 2^log2_lanes lanes of `lane`, or CLIF_TYPE_INVALID. */
clif_type clif_type_vector(clif_type lane, unsigned log2_lanes);
/* The lane type of `t` (t itself for scalars). */
static inline clif_type clif_type_lane(clif_type t) {
    return (clif_type)(t & 0xf);
}
/* log2 of the lane count. */
static inline unsigned clif_type_log2_lanes(clif_type t) {
    return (t >> 4) & 0xf;
}
/* The lane count (1 for scalars; a dynamic vector's minimum). */
static inline unsigned clif_type_lanes(clif_type t) {
    return 1u << clif_type_log2_lanes(t);
}
/* A dynamic vector (`i32x4xN`). */
static inline bool clif_type_is_dynamic(clif_type t) {
    return (t & CLIF_TYPE_DYN) != 0;
}
/* More than one lane (fixed or dynamic vectors). */
static inline bool clif_type_is_vector(clif_type t) {
    return clif_type_log2_lanes(t) != 0;
}
/* Integer lanes (i8..i128), scalar or vector. */
static inline bool clif_type_is_int(clif_type t) {
    unsigned l = t & 0xf;
    return l >= CLIF_I8 && l <= CLIF_I128;
}
/* Float lanes (f16..f128), scalar or vector. */
static inline bool clif_type_is_float(clif_type t) {
    unsigned l = t & 0xf;
    return l >= CLIF_F16 && l <= CLIF_F128;
}
/* Bits of one lane (0 for the invalid type). */
unsigned clif_type_lane_bits(clif_type t);
/* Bits of the whole type (lanes * lane bits; a dynamic vector counts its minimum). */
unsigned clif_type_bits(clif_type t);
/* Bytes of the whole type (clif_type_bits / 8). */
static inline unsigned clif_type_bytes(clif_type t) {
    return clif_type_bits(t) / 8;
}
/* The integer type of the same lane width and count ("as_int"). */
clif_type clif_type_as_int(clif_type t);
/* The integer lane type of `bits` bits, or CLIF_TYPE_INVALID. */
clif_type clif_type_int(unsigned bits);
/* The float lane type of `bits` bits, or CLIF_TYPE_INVALID. */
clif_type clif_type_float(unsigned bits);
/* Same lanes, lane width halved / doubled; CLIF_TYPE_INVALID when none. */
clif_type clif_type_half_width(clif_type t);
clif_type clif_type_double_width(clif_type t);
/* Lane width halved and lane count doubled (snarrow) and its inverse (swiden). */
clif_type clif_type_split_lanes(clif_type t);
clif_type clif_type_merge_lanes(clif_type t);

/* Writes the CLIF name ("i32", "f64x2", "i32x4xN") into buf; returns buf. */
const char *clif_type_name(clif_type t, char *buf, size_t size);
/* Parses a CLIF type name of length len; CLIF_TYPE_INVALID if it is none. */
clif_type clif_type_parse(const char *s, size_t len);

#ifdef __cplusplus
}
#endif
#endif
