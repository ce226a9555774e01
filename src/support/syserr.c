/* Reentrant errno messages (the XSI strerror_r). */
#undef _GNU_SOURCE
#define _POSIX_C_SOURCE 200809L
#include "support/syserr.h"

#include <stdio.h>
#include <string.h>

const char *sup_strerror(int err, char *buf, size_t size) {
    if (size == 0) return buf;
    if (strerror_r(err, buf, size) != 0) snprintf(buf, size, "error %d", err);
    return buf;
}
