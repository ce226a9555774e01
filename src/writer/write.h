/* Internal interface of the CLIF writer: the pieces of text the function
 * writer (write.c) and the instruction writer (write_inst.c) share. */
#ifndef CLIF_WRITER_WRITE_H
#define CLIF_WRITER_WRITE_H

#include "ir/function.h"
#include "support/strbuf.h"

/* The writer checks every range it follows (ir_range_ok), so a malformed
 * function prints as text that says `invalid` instead of reading out of
 * bounds. */

/* Entity names: v7, block3, ...; a block argument is a value, retN or exnN. */
void wr_type(strbuf *sb, clif_type t);
void wr_value(strbuf *sb, clif_value v);
void wr_block_arg(strbuf *sb, uint32_t arg);
/* A block call: `block3` or `block3(v1, ret0)`. */
void wr_block_call(strbuf *sb, const clif_func *f, uint32_t call);
/* Memory flags, each with a leading space: ` notrap aligned little`. */
void wr_memflags(strbuf *sb, clif_memflags flags);
void wr_trap(strbuf *sb, clif_trap_code code);
/* An external name: `%name` or `u1:2`. */
void wr_name(strbuf *sb, const clif_func *f, const name_data *n);
/* A signature: `(i32, i64 uext) -> i32 system_v`. */
void wr_signature(strbuf *sb, const clif_func *f, const sig_data *s);

/* Constant numbering: Cranelift keeps shuffle masks apart from the constant
 * pool, so constants that only serve as masks get no number and the others
 * move down over them. num[c] is the number constant c is written with;
 * declare[c] says whether the preamble declares it (a vconst/f128const names
 * it, or the text declared it and it is no mask). Both arrays are malloc'd. */
typedef struct wr_consts {
    uint32_t *num;
    bool *declare;
} wr_consts;
void wr_consts_init(wr_consts *c, const clif_func *f);
void wr_consts_free(wr_consts *c);
/* The bytes of constant c and their count; NULL (and 0) when c or its range
 * is invalid or it is empty. */
const uint8_t *wr_constant_bytes(const clif_func *f, uint32_t c, uint32_t *len);

/* The controlling type of an instruction (invalid when it has none). */
clif_type wr_ctrl_type(const clif_func *f, const inst_data *d);
/* One instruction without indentation or newline. `in_layout` selects the type
 * suffix rule: the function writer's (only when the type cannot be inferred from
 * an operand defined in the same block) or, for a lone instruction, whenever the
 * opcode is polymorphic. */
void wr_inst(strbuf *sb, const clif_func *f, const wr_consts *c, clif_inst i, bool in_layout);

#endif
