/* clif-util compile: compile every function of the files for a target
 * (-t ISA, else the file's first target of the host's ISA, else its first
 * target, else the host) and print each
 * function's size, or with --disasm its machine code, relocations and trap
 * sites. Exits 1 when a file does not parse or a function does not compile. */
#include <stdio.h>
#include <string.h>

#include "clif/codegen.h"
#include "cu.h"

static clif_error *isa_for(const clif_test_file *tf, const char *triple, clif_isa **out) {
    const clif_target *t = NULL;
    /* Without -t: the first target of the host's ISA, else the first. */
    for (uint32_t i = 0; !triple && i < tf->ntargets && !t; i++) {
        clif_isa *probe = NULL;
        clif_error *e = clif_isa_lookup(tf->targets[i].isa, &probe);
        if (!e && clif_isa_is_host(probe)) t = &tf->targets[i];
        clif_error_free(e);
        clif_isa_free(probe);
    }
    if (!triple && !t && tf->ntargets) t = &tf->targets[0];
    if (triple)
        for (uint32_t i = 0; i < tf->ntargets && !t; i++)
            if (strcmp(tf->targets[i].isa, triple) == 0) t = &tf->targets[i];
    clif_isa *isa = NULL;
    clif_error *err = triple ? clif_isa_lookup(triple, &isa)
                      : t    ? clif_isa_lookup(t->isa, &isa)
                             : clif_isa_host(&isa);
    if (err) return err;
    err = cu_isa_configure(isa, tf, t);
    if (err) {
        clif_isa_free(isa);
        return err;
    }
    *out = isa;
    return NULL;
}

static void print_name(const clif_ext_name *n) {
    if (n->kind == CLIF_NAME_USER)
        printf("u%u:%u", n->ns, n->index);
    else
        printf("%%%s", n->str ? n->str : "");
}

static void print_compiled(const clif_func *f, const clif_compiled *c, bool disasm) {
    clif_ext_name name = clif_func_name(f);
    size_t total;
    clif_compiled_code(c, &total);
    printf("function ");
    print_name(&name);
    printf(": %zu bytes of code, %zu of constants, frame %u\n", clif_compiled_code_size(c),
           total - clif_compiled_code_size(c), clif_compiled_frame_size(c));
    if (!disasm) return;
    const char *listing = clif_compiled_listing(c);
    if (listing) fputs(listing, stdout);
    for (uint32_t i = 0; i < clif_compiled_num_relocs(c); i++) {
        clif_reloc r = clif_compiled_reloc(c, i);
        printf("  reloc %#x: %s ", r.offset, clif_reloc_kind_name(r.kind));
        print_name(&r.name);
        printf("%+lld\n", (long long)r.addend);
    }
    for (uint32_t i = 0; i < clif_compiled_num_traps(c); i++) {
        clif_trap_site t = clif_compiled_trap(c, i);
        char tn[16];
        printf("  trap %#x: %s\n", t.offset, clif_trap_name(t.code, tn, sizeof tn));
    }
}

typedef struct compile_opts {
    const char *triple; /* -t ISA, or NULL */
    bool disasm;
} compile_opts;

static bool compile_file(void *arg, const char *path, const char *text, size_t len,
                         const clif_test_file *tf) {
    const compile_opts *o = arg;
    (void)text, (void)len;
    clif_isa *isa = NULL;
    clif_error *err = isa_for(tf, o->triple, &isa);
    if (err) {
        cu_print_error(err);
        clif_error_free(err);
        return false;
    }
    bool ok = true;
    for (uint32_t k = 0; k < tf->nfunctions; k++) {
        clif_compiled *c = NULL;
        clif_compile_options co = {o->disasm};
        err = clif_compile_ex(isa, tf->functions[k].func, &co, &c);
        if (err) {
            char buf[1024];
            printf("%s:%u: %s\n", path, tf->functions[k].line,
                   clif_error_format(err, buf, sizeof buf));
            clif_error_free(err);
            ok = false;
            continue;
        }
        print_compiled(tf->functions[k].func, c, o->disasm);
        clif_compiled_free(c);
    }
    clif_isa_free(isa);
    return ok;
}

int cu_cmd_compile(int argc, char **argv) {
    compile_opts o = {NULL, false};
    int first = 0;
    while (first < argc && argv[first][0] == '-') {
        if (strcmp(argv[first], "--disasm") == 0 || strcmp(argv[first], "-D") == 0) {
            o.disasm = true;
            first++;
        } else if (strcmp(argv[first], "-t") == 0 && first + 1 < argc) {
            o.triple = argv[first + 1];
            first += 2;
        } else {
            break;
        }
    }
    if (first >= argc) {
        fprintf(stderr, "usage: clif-util compile [-t ISA] [--disasm] FILE...\n");
        return 2;
    }
    return cu_each_file(argv + first, argc - first, compile_file, &o);
}
