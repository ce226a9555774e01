/* libcranelift: reading CLIF text. A test file is the header (`test`, `set`,
 * `target` lines), the functions, and the run commands and other comments
 * attached to them. */
#ifndef CLIF_READER_H
#define CLIF_READER_H

#include "clif/data_value.h"
#include "clif/error.h"
#include "clif/ir.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum clif_run_kind { CLIF_RUN, CLIF_PRINT } clif_run_kind;
typedef enum clif_run_cmp { CLIF_CMP_NONE, CLIF_CMP_EQ, CLIF_CMP_NE } clif_run_cmp;

/* `; run: %f(1, 2) == 3`, `; run: %f(1) != [1, 2]`, `; run` or `; print: %f(1)`. */
typedef struct clif_run_command {
    uint32_t line;
    clif_run_kind kind;
    clif_run_cmp cmp; /* CLIF_CMP_NONE: bare `; run` (result must be nonzero) or print */
    char *func_name;  /* the name in the invocation, NULL for a bare `; run` */
    clif_data_value *args;
    uint32_t nargs;
    clif_data_value *expected;
    uint32_t nexpected;
} clif_run_command;

/* A comment, kept with its position: `; error: ...` expectations of verifier
 * tests live here. */
typedef struct clif_comment {
    uint32_t line;
    char *text; /* after the ';', trimmed */
} clif_comment;

/* A `set` setting: name and value (value "true" for bare flags). */
typedef struct clif_setting {
    char *name;
    char *value;
} clif_setting;

/* A `target` line: the ISA name, its ISA flags, and the `set` settings in
 * force at that point. */
typedef struct clif_target {
    uint32_t line;
    char *isa;
    char **flags;
    uint32_t nflags;
    clif_setting *settings;
    uint32_t nsettings;
} clif_target;

typedef struct clif_test_function {
    clif_func *func;
    uint32_t line; /* of the `function` keyword */
    clif_run_command *runs;
    uint32_t nruns;
} clif_test_function;

typedef struct clif_test_file {
    char *path;
    char **tests; /* "run", "interpret", "cat", "verifier", ... (options after the name kept) */
    uint32_t ntests;
    clif_setting *settings; /* the `set` lines of a file without targets (with targets, each
                               target keeps the settings in force; a `set` after the last
                               target is an error) */
    uint32_t nsettings;
    clif_target *targets;
    uint32_t ntargets;
    clif_test_function *functions;
    uint32_t nfunctions;
    clif_comment *comments;
    uint32_t ncomments;
} clif_test_file;

/* Parses a whole CLIF file. `path` is used in error locations. On error, *out
 * is NULL and the error names file:line:column. Nothing in the text is
 * trusted: sizes, numbers and nesting are bounded. */
clif_error *clif_parse_test_file(const char *text, size_t len, const char *path,
                                 clif_test_file **out);
/* Frees the file with its functions, run commands and strings; NULL is
 * ignored. */
void clif_test_file_free(clif_test_file *tf);

/* Parses a run command's text (after "; "), e.g. "run: %f(1) == 2", for the
 * function with signature `sig`; used by the file parser and by tools. */
clif_error *clif_parse_run_command(const char *text, size_t len, const clif_signature *sig,
                                   clif_location loc, clif_run_command *out);
/* Frees what a run command holds (not the struct itself) and zeroes it. */
void clif_run_command_free(clif_run_command *rc);

#ifdef __cplusplus
}
#endif
#endif
