/* Helpers of the unit tests over Cranelift's runtests (runtests_util.h). */
#define _POSIX_C_SOURCE 200809L /* opendir, stat */
#include "runtests_util.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifndef CLIF_RUNTESTS_DIR
#define CLIF_RUNTESTS_DIR ""
#endif

static void *xrealloc(void *p, size_t size) {
    void *q = realloc(p, size);
    if (!q) {
        fprintf(stderr, "runtests_util: out of memory\n");
        abort();
    }
    return q;
}

static char *copy(const char *s) {
    size_t n = strlen(s) + 1;
    return memcpy(xrealloc(NULL, n), s, n);
}

static char *join(const char *dir, const char *name) {
    size_t a = strlen(dir), b = strlen(name);
    char *p = xrealloc(NULL, a + b + 2);
    memcpy(p, dir, a);
    p[a] = '/';
    memcpy(p + a + 1, name, b + 1);
    return p;
}

const char *rt_runtests_dir(const char *consequence) {
    const char *dir = getenv("CLIF_RUNTESTS_DIR");
    if (!dir || !*dir) dir = CLIF_RUNTESTS_DIR;
    struct stat st;
    if (!*dir || stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        printf("runtests folder missing: '%s' (set CLIF_RUNTESTS_DIR); %s\n", dir, consequence);
        return NULL;
    }
    return dir;
}

static int cmp_path(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int is_clif(const char *name) {
    size_t n = strlen(name);
    return n > 5 && strcmp(name + n - 5, ".clif") == 0;
}

void rt_collect_clif(const char *dir, rt_paths *out) {
    uint32_t cap = 0, ntodo = 1, todo_cap = 8;
    out->paths = NULL;
    out->n = out->unreadable = 0;
    char **todo = xrealloc(NULL, todo_cap * sizeof *todo); /* folders still to list */
    todo[0] = copy(dir);
    while (ntodo) {
        char *folder = todo[--ntodo];
        DIR *d = opendir(folder);
        if (!d) {
            printf("cannot open folder %s\n", folder);
            out->unreadable++;
        }
        struct dirent *de;
        while (d && (de = readdir(d)) != NULL) {
            if (de->d_name[0] == '.') continue;
            char *path = join(folder, de->d_name);
            struct stat st;
            if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
                if (ntodo == todo_cap) todo = xrealloc(todo, (todo_cap *= 2) * sizeof *todo);
                todo[ntodo++] = path;
            } else if (is_clif(de->d_name)) {
                if (out->n == cap)
                    out->paths = xrealloc(out->paths, (cap = 2 * cap + 64) * sizeof(char *));
                out->paths[out->n++] = path;
            } else {
                free(path);
            }
        }
        if (d) closedir(d);
        free(folder);
    }
    free(todo);
    if (out->n) qsort(out->paths, out->n, sizeof *out->paths, cmp_path);
}

void rt_paths_free(rt_paths *p) {
    for (uint32_t i = 0; i < p->n; i++)
        free(p->paths[i]);
    free(p->paths);
    p->paths = NULL;
    p->n = 0;
}

char *rt_read_file(const char *path, size_t *len) {
    FILE *fp = fopen(path, "rb");
    *len = 0;
    if (!fp) return NULL;
    size_t cap = 1 << 16, n = 0, got;
    char *buf = xrealloc(NULL, cap);
    while ((got = fread(buf + n, 1, cap - n - 1, fp)) > 0) {
        n += got;
        if (n + 1 == cap) buf = xrealloc(buf, cap *= 2);
    }
    int failed = ferror(fp);
    fclose(fp);
    if (failed) {
        free(buf);
        return NULL;
    }
    buf[n] = 0;
    *len = n;
    return buf;
}
