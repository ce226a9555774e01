/* clif-util: command-line access to libcranelift. Dispatches to one file per
 * subcommand. */
#include <stdio.h>
#include <string.h>

#include "cu.h"

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *help;
} commands[] = {
    {"cat", cu_cmd_cat, "cat FILE...            parse and print every function"},
    {"verify", cu_cmd_verify, "verify FILE...         parse and verify every function"},
    {"interpret", cu_cmd_interpret,
     "interpret [-v] FILE... run the `; run:` and `; print:` commands in the interpreter"},
    {"test", cu_cmd_test, "test [--interpret] [-v] PATH...  run filetests (files and folders)"},
    {"compile", cu_cmd_compile,
     "compile [-t ISA] [--disasm] FILE...  compile every function, print sizes or code"},
    {"bench", cu_cmd_bench,
     "bench compile|run [OPTIONS] PATH...  compile-time and run-time measurements"},
};

static int usage(FILE *to) {
    fprintf(to, "usage: clif-util COMMAND ARGS...\n");
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        fprintf(to, "  clif-util %s\n", commands[i].help);
    return to == stdout ? 0 : 2;
}

int main(int argc, char **argv) {
    if (argc < 2) return usage(stderr);
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
        strcmp(argv[1], "help") == 0)
        return usage(stdout);
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (strcmp(argv[1], commands[i].name) == 0) return commands[i].run(argc - 2, argv + 2);
    fprintf(stderr, "clif-util: unknown command `%s`\n", argv[1]);
    return usage(stderr);
}
