/* libcranelift: writing CLIF text. */
#ifndef CLIF_WRITER_H
#define CLIF_WRITER_H

#include "clif/ir.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The function as CLIF text, in the form the reader accepts: preamble,
 * blocks, instructions. Returns a malloc'd NUL-terminated string. */
char *clif_func_to_string(const clif_func *f);
/* One instruction's text without indentation or newline (malloc'd). */
char *clif_inst_to_string(const clif_func *f, clif_inst i);

#ifdef __cplusplus
}
#endif
#endif
