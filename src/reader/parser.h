/* The CLIF parser's shared state and helpers. One concern per file:
 *   lexer.c       tokens
 *   numbers.c     literal rules (integers, IEEE floats, hex constants)
 *   parser.c      token access, errors, entity numbers, names, block calls
 *   immediates.c  immediates, constant data and memory flags as operands
 *   preamble.c    signatures and preamble declarations
 *   inst.c        instructions (operands by format, type inference, results)
 *   function.c    functions, blocks, aliases, final checks
 *   runcmd.c      run commands and data values
 *   testfile.c    the file header, the function list and the public API
 * Every parse function returns false after recording an error in p->err;
 * nothing recurses on the input. */
#ifndef CLIF_READER_PARSER_H
#define CLIF_READER_PARSER_H

#include "clif/reader.h"
#include "ir/function.h"
#include "reader/lexer.h"
#include "reader/numbers.h"

/* A use of a value that was not defined yet where it appeared. */
typedef struct rd_use {
    uint32_t value;
    uint32_t line, col;
} rd_use;

/* A comment as it appears in the source (run commands are parsed from it). */
typedef struct rd_comment_src {
    uint32_t offset; /* of the ';' */
    uint32_t len;
    uint32_t line, col;
} rd_comment_src;

typedef struct rd_parser {
    rd_lexer lx;
    rd_token tok; /* the lookahead (valid when have_tok) */
    bool have_tok;
    const char *path;
    clif_error *err;

    /* Comments seen so far (NULL lists: not recorded). */
    clif_test_file *tf;
    VEC(rd_comment_src) csrc;

    /* Bounds on entity numbers: each number must be below `limit`; growing
     * the entity arrays of all functions together may allocate at most
     * `budget` bytes, so memory stays linear in the input size. */
    uint32_t limit;
    uint64_t budget;
    clif_callconv default_cc;

    /* The function being parsed. */
    clif_func *f;
    clif_block block;           /* the current block */
    VEC(rd_use) uses;           /* forward references to check at the end */
    VEC(uint32_t) args;         /* scratch: value lists */
    VEC(uint32_t) results;      /* scratch: result numbers of the current line */
    VEC(clif_abi_param) params; /* scratch: signature parameters */
    VEC(clif_type) types;       /* scratch: result types */
    VEC(uint32_t) chash;        /* constant dedup table: constant index + 1, 0 = empty */
    uint32_t nchash;            /* entries in chash */
} rd_parser;

/* Blocks numbered at or above this are rejected (as Cranelift does). */
#define RD_MAX_BLOCKS 100000u

/* ---- parser.c: tokens and errors ---- */
void rd_parser_init(rd_parser *p, const char *text, size_t len, const char *path, uint32_t line,
                    uint32_t col);
void rd_parser_free(rd_parser *p);
/* The lookahead token (comments are skipped and recorded). */
const rd_token *rd_peek(rd_parser *p);
/* Consumes the lookahead. */
void rd_next(rd_parser *p);
bool rd_at(rd_parser *p, rd_tok_kind k);
/* Consumes the lookahead if it is `k`. */
bool rd_accept(rd_parser *p, rd_tok_kind k);
/* Consumes `k` or fails with `msg`. */
bool rd_expect(rd_parser *p, rd_tok_kind k, const char *msg);
bool rd_at_ident(rd_parser *p, const char *word);
/* Records a parse error at the lookahead (an invalid character wins over
 * msg). Always returns false. */
bool rd_fail(rd_parser *p, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
bool rd_fail_at(rd_parser *p, uint32_t line, uint32_t col, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* ---- parser.c: entity numbers and shared sub-grammars ---- */
/* Checks that the lookahead's entity number is in bounds. */
bool rd_check_number(rd_parser *p, const rd_token *t);
/* Charges growing an entity array of `elem`-byte entries from `have` to
 * `want` entries to the budget. */
bool rd_charge(rd_parser *p, const rd_token *t, uint32_t have, uint32_t want, size_t elem);
/* Makes block `b` exist (not in the layout). */
bool rd_ensure_block(rd_parser *p, const rd_token *t);
/* Consumes an entity token of kind k and checks its number. */
bool rd_match_entity(rd_parser *p, rd_tok_kind k, const char *msg, uint32_t *num);
bool rd_match_type(rd_parser *p, const char *msg, clif_type *t);
/* A value operand: a use (forward references are checked at the end). */
bool rd_match_value(rd_parser *p, const char *msg, uint32_t *v);
/* ---- immediates.c ---- */
/* Integer immediates of the given kinds. */
bool rd_match_imm64(rd_parser *p, const char *msg, uint64_t *v);
bool rd_match_imm_bits(rd_parser *p, const char *msg, unsigned bits, rd_u128 *v);
bool rd_match_uimm8(rd_parser *p, const char *msg, uint8_t *v);
bool rd_match_uimm32(rd_parser *p, const char *msg, uint32_t *v);
bool rd_match_float(rd_parser *p, const char *msg, clif_type t, rd_u128 *bits);
/* An optional signed offset (`+8`, `-0x10`); 0 when absent. */
bool rd_optional_offset32(rd_parser *p, int32_t *off);
bool rd_optional_offset_imm64(rd_parser *p, int64_t *off);
/* A vector literal `[a b c d]` or a hexadecimal constant, sized for type t. */
bool rd_match_constant_data(rd_parser *p, clif_type t, uint8_t bytes[16], uint32_t *len);
/* A hexadecimal constant `0x...`. */
bool rd_match_hex_constant(rd_parser *p, const char *msg, uint8_t bytes[16], uint32_t *len);
/* Memory flags (possibly none). */
bool rd_optional_memflags(rd_parser *p, clif_memflags *flags);

/* ---- parser.c: names and block calls ---- */
/* An external name: %name or uN:M. */
bool rd_parse_external_name(rd_parser *p, name_data *out);
/* A block call `blockN[(args)]`, appended to block_calls; returns its index. */
bool rd_parse_block_call(rd_parser *p, const char *msg, uint32_t *index);

/* ---- preamble.c ---- */
/* `(params) [-> returns] [callconv]` into f->sigs (index sig) or the function's own. */
bool rd_parse_signature(rd_parser *p, sig_data *out);
bool rd_parse_preamble(rd_parser *p);
/* Adds constant data to the pool (deduplicated); returns its index. */
uint32_t rd_intern_constant(rd_parser *p, const uint8_t *bytes, uint32_t len, bool anon);

/* ---- inst.c ---- */
/* One instruction line (after its results, if any, and the `=`). */
bool rd_parse_instruction(rd_parser *p, uint32_t opline, uint32_t opcol);

/* ---- function.c ---- */
/* Parses one `function ... { ... }` into p->f (cleared first). */
bool rd_parse_function(rd_parser *p);
/* Defines value number v at token t (duplicate definitions are errors). */
bool rd_define_value(rd_parser *p, const rd_token *t, uint32_t v);

/* ---- runcmd.c ---- */
/* Parses a comment's text as a run command for sig. *is_run is false (and
 * nothing fails) when the comment is not a run or print command. */
bool rd_parse_run_command(rd_parser *p, const clif_signature *sig, bool *is_run,
                          clif_run_command *out);

#endif
