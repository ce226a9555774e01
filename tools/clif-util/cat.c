/* clif-util cat: parse files and print their functions, a blank line
 * between functions (as Cranelift's `clif-util cat`). */
#include <stdio.h>
#include <stdlib.h>

#include "clif/writer.h"
#include "cu.h"

static bool print_file(void *arg, const char *path, const char *text, size_t len,
                       const clif_test_file *tf) {
    (void)arg, (void)path, (void)text, (void)len;
    for (uint32_t k = 0; k < tf->nfunctions; k++) {
        char *s = clif_func_to_string(tf->functions[k].func);
        printf("%s%s", k ? "\n" : "", s);
        free(s);
    }
    return true;
}

int cu_cmd_cat(int argc, char **argv) {
    if (argc == 0) {
        fprintf(stderr, "usage: clif-util cat FILE...\n");
        return 2;
    }
    return cu_each_file(argv, argc, print_file, NULL);
}
