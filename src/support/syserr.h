/* The text of an errno value, reentrantly (strerror is not thread-safe). */
#ifndef CLIF_SUPPORT_SYSERR_H
#define CLIF_SUPPORT_SYSERR_H

#include <stddef.h>

/* Writes the message for errno value `err` into buf; returns buf. */
const char *sup_strerror(int err, char *buf, size_t size);

#endif
