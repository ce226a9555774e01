/* libcranelift: concrete values of CLIF types, as run commands and the
 * interpreter pass them around. */
#ifndef CLIF_DATA_VALUE_H
#define CLIF_DATA_VALUE_H

#include <stddef.h>
#include <stdint.h>

#include "clif/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A value of a scalar type or a vector of at most 128 bits. The bytes hold
 * the value in little-endian order (lane 0 first), zero beyond its size. */
typedef struct clif_data_value {
    clif_type type;
    uint8_t bytes[16];
} clif_data_value;

/* A value of type t from the low bits of `bits` (as many as t has, at most
 * 64; the rest of the bytes are zero). */
clif_data_value clif_dv_from_u64(clif_type t, uint64_t bits);
/* The low 64 bits (zero-extended). */
uint64_t clif_dv_to_u64(const clif_data_value *v);
/* Equality as Cranelift's run commands compare values (DataValue::bitwise_eq):
 * scalars need the same type and compare by bits, so a NaN equals the same
 * NaN and 0.0 differs from -0.0; vectors need the same size and compare by
 * bytes, whatever their lane type. Returns 1 when equal. */
int clif_dv_equal(const clif_data_value *a, const clif_data_value *b);
/* Formats a value as Cranelift's DataValue Display does: integers in signed
 * decimal ("-42"), floats as CLIF immediates ("0x1.800000p1", "+NaN", "-0.0"),
 * vectors as constant data ("0x00000004000000030000000200000001" for the i32x4
 * [1 2 3 4]). Truncates to size like snprintf. Returns buf. */
const char *clif_dv_format(const clif_data_value *v, char *buf, size_t size);

#ifdef __cplusplus
}
#endif
#endif
