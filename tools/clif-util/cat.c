/* clif-util cat: parse files and print their functions, a blank line
 * between functions (as Cranelift's `clif-util cat`). */
#include <stdio.h>
#include <stdlib.h>

#include "clif/writer.h"
#include "cu.h"

int cu_cmd_cat(int argc, char **argv) {
    if (argc == 0) {
        fprintf(stderr, "usage: clif-util cat FILE...\n");
        return 2;
    }
    int status = 0;
    for (int i = 0; i < argc; i++) {
        char *text;
        size_t len;
        clif_test_file *tf;
        clif_error *err = cu_parse_file(argv[i], &text, &len, &tf);
        if (err) {
            cu_print_error(err);
            clif_error_free(err);
            status = 1;
        } else {
            for (uint32_t k = 0; k < tf->nfunctions; k++) {
                char *s = clif_func_to_string(tf->functions[k].func);
                printf("%s%s", k ? "\n" : "", s);
                free(s);
            }
            clif_test_file_free(tf);
        }
        free(text);
    }
    return status;
}
