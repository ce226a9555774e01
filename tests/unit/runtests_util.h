/* What the unit tests that read CLIF files share: finding Cranelift's
 * runtests folder, listing its .clif files, reading a file. Linked into every
 * unit test (tests/CMakeLists.txt); prefix rt_. */
#ifndef CLIF_TESTS_RUNTESTS_UTIL_H
#define CLIF_TESTS_RUNTESTS_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* The runtests folder: $CLIF_RUNTESTS_DIR, else the one CMake found. When it
 * is not a folder, prints "runtests folder missing: '<dir>' (set
 * CLIF_RUNTESTS_DIR); <consequence>" and returns NULL. */
const char *rt_runtests_dir(const char *consequence);

/* The .clif files below a folder, subfolders included, sorted by path. */
typedef struct rt_paths {
    char **paths; /* malloc'd */
    uint32_t n;
    uint32_t unreadable; /* folders that could not be opened (named on stdout) */
} rt_paths;

/* Lists the .clif files below `dir` (a worklist of folders, no recursion).
 * Entries starting with '.' are skipped. */
void rt_collect_clif(const char *dir, rt_paths *out);
void rt_paths_free(rt_paths *p);

/* The whole file, NUL-terminated and malloc'd, its size in *len; NULL when it
 * cannot be read. */
char *rt_read_file(const char *path, size_t *len);

#endif
