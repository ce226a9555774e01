/* clif-util: reading files and finding the files to test. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cu.h"

const char *cu_errno_text(int err, char *buf, size_t size) {
    if (strerror_r(err, buf, size) != 0) snprintf(buf, size, "error %d", err);
    return buf;
}

/* Files larger than this are refused (CLIF test files are kilobytes). */
#define CU_MAX_FILE (256u << 20)

clif_error *cu_read_file(const char *path, char **text, size_t *len) {
    clif_location loc = {path, 0, 0};
    *text = NULL;
    *len = 0;
    char why[128];
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return clif_error_new(CLIF_ERR_IO, loc, "cannot open: %s",
                              cu_errno_text(errno, why, sizeof why));
    cu_str s = {0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0) {
        if (s.len + n > CU_MAX_FILE) {
            fclose(fp);
            vec_free(s);
            return clif_error_new(CLIF_ERR_LIMIT, loc, "file larger than %u bytes", CU_MAX_FILE);
        }
        cu_str_add(&s, chunk, n);
    }
    int failed = ferror(fp);
    fclose(fp);
    if (failed) {
        vec_free(s);
        return clif_error_new(CLIF_ERR_IO, loc, "read error");
    }
    if (!s.data) cu_str_add(&s, "", 0);
    *text = s.data;
    *len = s.len;
    return NULL;
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *join_path(const char *dir, const char *name) {
    size_t a = strlen(dir), b = strlen(name);
    char *p = cl_xmalloc(a + b + 2);
    memcpy(p, dir, a);
    size_t n = a;
    if (n == 0 || p[n - 1] != '/') p[n++] = '/';
    memcpy(p + n, name, b + 1);
    return p;
}

static bool has_clif_ext(const char *name) {
    size_t n = strlen(name);
    return n > 5 && strcmp(name + n - 5, ".clif") == 0;
}

static char *xstrdup(const char *s) {
    size_t n = strlen(s) + 1;
    return memcpy(cl_xmalloc(n), s, n);
}

/* Appends the *.clif files below `root` (any order; the caller sorts).
 * Folders are walked with an explicit stack, not recursion. */
static clif_error *walk(const char *root, cu_paths *out) {
    cu_paths stack = {0};
    vec_push(stack, xstrdup(root));
    clif_error *err = NULL;
    while (stack.len && !err) {
        char *dir = stack.data[--stack.len];
        DIR *d = opendir(dir);
        if (!d) {
            clif_location loc = {dir, 0, 0};
            char why[128];
            err = clif_error_new(CLIF_ERR_IO, loc, "cannot open folder: %s",
                                 cu_errno_text(errno, why, sizeof why));
            free(dir);
            break;
        }
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (e->d_name[0] == '.') continue; /* ., .., hidden files */
            char *p = join_path(dir, e->d_name);
            struct stat st;
            if (stat(p, &st) == 0 && S_ISDIR(st.st_mode))
                vec_push(stack, p);
            else if (has_clif_ext(p))
                vec_push(*out, p);
            else
                free(p);
        }
        closedir(d);
        free(dir);
    }
    for (uint32_t i = 0; i < stack.len; i++)
        free(stack.data[i]);
    vec_free(stack);
    return err;
}

clif_error *cu_collect_files(char *const *args, int nargs, cu_paths *out) {
    for (int i = 0; i < nargs; i++) {
        struct stat st;
        if (stat(args[i], &st) != 0) {
            clif_location loc = {args[i], 0, 0};
            char why[128];
            return clif_error_new(CLIF_ERR_IO, loc, "cannot open: %s",
                                  cu_errno_text(errno, why, sizeof why));
        }
        if (!S_ISDIR(st.st_mode)) {
            vec_push(*out, xstrdup(args[i]));
            continue;
        }
        uint32_t first = out->len;
        clif_error *err = walk(args[i], out);
        if (err) return err;
        qsort(out->data + first, out->len - first, sizeof *out->data, cmp_str);
    }
    return NULL;
}

void cu_paths_free(cu_paths *p) {
    for (uint32_t i = 0; i < p->len; i++)
        free(p->data[i]);
    vec_free(*p);
}

const char *cu_source_line(const char *text, size_t len, uint32_t line, size_t *line_len) {
    size_t pos = 0;
    for (uint32_t l = 1; l < line && pos < len; pos++)
        if (text[pos] == '\n') l++;
    *line_len = 0;
    if (line == 0 || pos >= len) return "";
    size_t end = pos;
    while (end < len && text[end] != '\n')
        end++;
    if (end > pos && text[end - 1] == '\r') end--;
    *line_len = end - pos;
    return text + pos;
}

clif_error *cu_parse_file(const char *path, char **text, size_t *len, clif_test_file **tf) {
    *tf = NULL;
    clif_error *err = cu_read_file(path, text, len);
    if (err) return err;
    return clif_parse_test_file(*text, *len, path, tf);
}

void cu_print_error(const clif_error *err) {
    char buf[4096];
    fprintf(stderr, "%s\n", clif_error_format(err, buf, sizeof buf));
}

int cu_each_file(char *const *paths, int n, cu_file_fn fn, void *arg) {
    int status = 0;
    for (int i = 0; i < n; i++) {
        char *text;
        size_t len;
        clif_test_file *tf;
        clif_error *err = cu_parse_file(paths[i], &text, &len, &tf);
        if (err) {
            cu_print_error(err);
            clif_error_free(err);
            status = 1;
        } else {
            if (!fn(arg, paths[i], text, len, tf)) status = 1;
            clif_test_file_free(tf);
        }
        free(text);
    }
    return status;
}
