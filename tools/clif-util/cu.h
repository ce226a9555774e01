/* clif-util: declarations shared by the subcommands and the filetest runner.
 * Everything here is internal to the tool (prefix cu_). */
#ifndef CLIF_UTIL_CU_H
#define CLIF_UTIL_CU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h> /* free, used by vec_free */

#include "clif/codegen.h"
#include "clif/data_value.h"
#include "clif/error.h"
#include "clif/reader.h"
#include "support/vec.h"

/* ---- Text buffers (strbuf.c) ---- */
typedef VEC(char) cu_str;
void cu_str_add(cu_str *s, const char *text, size_t len);
void cu_str_printf(cu_str *s, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* The contents as a NUL-terminated string ("" when empty). */
const char *cu_str_cstr(const cu_str *s);

/* ---- Files (files.c) ---- */
/* The text of errno value `err` in buf (strerror_r: reentrant); returns buf. */
const char *cu_errno_text(int err, char *buf, size_t size);
/* Reads a whole file; *text is NUL-terminated and malloc'd. */
clif_error *cu_read_file(const char *path, char **text, size_t *len);
typedef VEC(char *) cu_paths;
/* Expands the arguments into the files to test: a file is taken as is, a
 * folder contributes every *.clif file below it (recursively, sorted). */
clif_error *cu_collect_files(char *const *args, int nargs, cu_paths *out);
void cu_paths_free(cu_paths *p);
/* The text of source line `line` (1-based) without its newline; *len = 0 and
 * "" when the line does not exist. */
const char *cu_source_line(const char *text, size_t len, uint32_t line, size_t *line_len);
/* Parses a test file; prints nothing. */
clif_error *cu_parse_file(const char *path, char **text, size_t *len, clif_test_file **tf);
/* Prints an error as "path:line:col: message" on stderr. */
void cu_print_error(const clif_error *err);
/* What a subcommand does with one parsed file (its text and functions);
 * returns false when the file failed. */
typedef bool (*cu_file_fn)(void *arg, const char *path, const char *text, size_t len,
                           const clif_test_file *tf);
/* Reads and parses each of the files in turn and calls fn on it; a file that
 * cannot be read or parsed is reported (cu_print_error) and fails. Returns 1
 * when any file failed, else 0 (a subcommand's exit status). */
int cu_each_file(char *const *paths, int n, cu_file_fn fn, void *arg);

/* ---- Test file structure (testfile.c) ---- */
/* First source line after function `i` of the file (UINT32_MAX for the last):
 * comments in [functions[i].line, end) belong to function i. */
uint32_t cu_function_end_line(const clif_test_file *tf, uint32_t i);
/* The text of a comment after `directive` ("error:", "check:") when the
 * comment (with leading ';' and blanks skipped) starts with it, else NULL. */
const char *cu_match_directive(const char *comment, const char *directive);
/* Whether the file has a `test NAME` line (options after the name ignored). */
bool cu_has_test(const clif_test_file *tf, const char *name);

/* ---- Run commands (runcmd.c) ---- */
typedef struct cu_run_limits {
    uint32_t max_depth;
    uint64_t fuel; /* 0 = unlimited */
} cu_run_limits;

typedef struct cu_run_out {
    cu_str invocation; /* "%f(1, 2)" */
    cu_str actual;     /* the results: "3", "[1, 2]" */
    bool held;         /* the comparison held (always true for print) */
} cu_run_out;

/* Executes run command `rc` of function `fi` of `tf` in a fresh interpreter
 * that knows every function of the file, and compares its results. Returns
 * the execution error (a trap, a limit, an unsupported feature) or NULL with
 * `o` filled. The caller frees o's buffers (cu_run_out_free). */
clif_error *cu_run_command(const clif_test_file *tf, uint32_t fi, const clif_run_command *rc,
                           const cu_run_limits *lim, cu_run_out *o);
void cu_run_out_free(cu_run_out *o);
/* The parts of cu_run_command any executor shares: `o` with the invocation
 * text, then the results formatted and compared. */
void cu_start_run_out(const clif_func *f, const clif_run_command *rc, cu_run_out *o);
void cu_compare_results(const clif_run_command *rc, const clif_data_value *results, uint32_t n,
                        cu_run_out *o);
/* "Failed test: run: %f(1) == 2, actual: 3" for a command that did not hold. */
void cu_format_mismatch(cu_str *s, const clif_run_command *rc, const cu_run_out *o);
/* Text for an execution error: "unexpected trap: heap_oob" or the message. */
void cu_format_run_error(cu_str *s, const clif_error *err);
/* One value, or "[a, b]" for any other count (as Cranelift prints results). */
void cu_format_values(cu_str *s, const clif_data_value *v, uint32_t n);

/* ---- Filetest runner ---- */
typedef enum cu_status { CU_PASS, CU_FAIL, CU_SKIP } cu_status;

typedef struct cu_result {
    cu_status status;
    uint32_t line; /* first failing line, 0 = none */
    cu_str why;
} cu_result;

void cu_result_set(cu_result *r, cu_status st, uint32_t line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
/* Sets r from an error: unsupported features skip, everything else fails. */
void cu_result_from_error(cu_result *r, const clif_error *err, uint32_t fallback_line);

typedef struct cu_test_opts {
    bool interpret;   /* --interpret: every execution in the interpreter */
    bool verbose;     /* -v */
    bool isolate;     /* run each file in a child process (default) */
    uint32_t timeout; /* seconds per file, 0 = none */
    cu_run_limits limits;
} cu_test_opts;

/* What a subtest sees of the file under test. */
typedef struct cu_ctx {
    const char *path;
    const char *text;
    size_t len;
    const clif_test_file *tf;
    const cu_test_opts *opts;
    cu_str *out; /* lines printed before the file's result line */
    /* Called before each run command with its line (progress for the watchdog). */
    void (*progress)(void *arg, uint32_t line);
    void *progress_arg;
} cu_ctx;

/* Tests one file (in the current process) and fills r. */
void cu_test_one_file(const char *path, const cu_test_opts *o, cu_str *out, cu_result *r,
                      void (*progress)(void *, uint32_t), void *progress_arg);
/* Tests one file in a child process under a watchdog (isolate.c): a crash,
 * a hang or a resource limit becomes a FAIL of that file only. */
void cu_test_isolated(const char *path, const cu_test_opts *o, cu_str *out, cu_result *r);

/* `test run` natively (native.c): compiles the file for each of its targets
 * the host can run and executes the run commands; r as the subtests. */
void cu_native_run(const cu_ctx *c, cu_result *r);

/* Records the outcome of run command rc as `test run` reports it: its
 * execution error `err` fails r (or skips it, for an unsupported feature);
 * else the compared results in `o` print (print commands), fail r (a
 * mismatch) or, with -v, print an "ok" line naming the executor `how`
 * ("" or " (native)"). */
void cu_report_run(const cu_ctx *c, const clif_run_command *rc, const clif_error *err,
                   const cu_run_out *o, const char *how, cu_result *r);

/* Subtests: each returns with r set (PASS when everything held). */
void cu_subtest_cat(const cu_ctx *c, cu_result *r);
void cu_subtest_verifier(const cu_ctx *c, cu_result *r);
void cu_subtest_run(const cu_ctx *c, cu_result *r);
/* `test parser`: files that must fail to parse where a `; error:` says. */
void cu_subtest_parser(const char *text, size_t len, const clif_error *perr, cu_result *r);

/* Filecheck (filecheck.c): checks `text` against the directives among the
 * comments in [from, to) of tf; r fails at the first directive that does not
 * hold. Returns the number of directives found. */
uint32_t cu_filecheck(const clif_test_file *tf, uint32_t from, uint32_t to, const char *text,
                      cu_result *r);

/* ---- Targets (target.c) ---- */
/* Applies "name" (a flag or preset: true) or "name=value" (a setting or an
 * ISA flag) to isa. */
clif_error *cu_isa_apply(clif_isa *isa, const char *item);
/* Configures isa as target `t` of tf asks: the settings in force at that
 * target, then its ISA flags. Without a target (t NULL), the file's `set`
 * lines. An error is located at the target line (or names the file). */
clif_error *cu_isa_configure(clif_isa *isa, const clif_test_file *tf, const clif_target *t);

/* ---- Host (host.c) ---- */
/* The host's ISA name ("x86_64", ...) in buf, or NULL when the library
 * supports none for this host. */
const char *cu_host_isa(char *buf, size_t size);
/* Whether a native backend can execute `test run` on this host (native.c). */
bool cu_native_available(void);
/* Whether one of the file's targets (or no target at all) names the host ISA. */
bool cu_host_can_run(const clif_test_file *tf);

/* ---- Subcommands ---- */
int cu_cmd_cat(int argc, char **argv);
int cu_cmd_verify(int argc, char **argv);
int cu_cmd_interpret(int argc, char **argv);
int cu_cmd_test(int argc, char **argv);
int cu_cmd_compile(int argc, char **argv);
int cu_cmd_bench(int argc, char **argv); /* bench.c */

#endif
