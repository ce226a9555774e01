/* DWARF call frame information (.eh_frame) from the unwind steps a
 * prologue records. */
#ifndef CLIF_MACHINST_UNWIND_H
#define CLIF_MACHINST_UNWIND_H

#include "machinst/buffer.h"
#include "machinst/target.h"

/* Appends a CIE, one FDE for `code_size` bytes and a zero terminator to
 * `out`; *pc_offset gets the position of the FDE's 8-byte initial location
 * (absolute, left 0). */
void unwind_eh_frame(const unwind_desc *d, const mc_unwind *steps, uint32_t nsteps,
                     uint32_t code_size, void *out_vec, size_t *pc_offset);

#endif
