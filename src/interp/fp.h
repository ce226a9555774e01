/* Floating-point helpers of the interpreter: IEEE formats as bit patterns,
 * f16 conversions with correct rounding, exact integer <-> float conversion
 * for every integer width. */
#ifndef CLIF_INTERP_FP_H
#define CLIF_INTERP_FP_H

#include <string.h>

#include "clif/types.h"
#include "interp/u128.h"

static inline float fp_f32(uint64_t bits) {
    uint32_t b = (uint32_t)bits;
    float x;
    memcpy(&x, &b, 4);
    return x;
}
static inline uint64_t fp_f32_bits(float x) {
    uint32_t b;
    memcpy(&b, &x, 4);
    return b;
}
static inline double fp_f64(uint64_t bits) {
    double x;
    memcpy(&x, &bits, 8);
    return x;
}
static inline uint64_t fp_f64_bits(double x) {
    uint64_t b;
    memcpy(&b, &x, 8);
    return b;
}

/* Layout of a float lane type: exponent and mantissa widths. */
unsigned fp_exp_bits(clif_type lane);
unsigned fp_man_bits(clif_type lane);
bool fp_is_nan(clif_type lane, u128 bits);
bool fp_is_zero(clif_type lane, u128 bits); /* +0 or -0 */
/* The canonical quiet NaN (positive, top mantissa bit only). */
u128 fp_canonical_nan(clif_type lane);
/* Ordering of two non-NaN values: -1, 0, 1 (+0 == -0). */
int fp_compare(clif_type lane, u128 a, u128 b);

/* f16 <-> double; narrowing rounds to nearest, ties to even. */
double fp_f16_to_f64(uint16_t h);
uint16_t fp_f64_to_f16(double x);
/* a*b+c for f16 with one rounding. */
uint16_t fp_f16_fma(uint16_t a, uint16_t b, uint16_t c);

/* A lane of type f16/f32/f64 as a double (exact). */
double fp_to_f64(clif_type lane, u128 bits);
/* A double rounded to f16/f32/f64 bits (to nearest, ties to even). */
u128 fp_from_f64(clif_type lane, double x);

/* Converts an integral double to an integer of `bits` bits; returns false when
 * it is out of range for the signed or unsigned type. */
bool fp_to_int(double t, unsigned bits, bool is_signed, u128 *out);
/* Saturating conversion (NaN gives 0). */
u128 fp_to_int_sat(double x, unsigned bits, bool is_signed);
/* An integer lane of `bits` bits converted to float type `lane`, rounded to
 * nearest, ties to even. */
u128 fp_from_int(clif_type lane, u128 x, unsigned bits, bool is_signed);

#endif
