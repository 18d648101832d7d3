/* errloc.h — a located error: what every loader fills in instead of printing or raising. */
#ifndef ADMIT_ERRLOC_H
#define ADMIT_ERRLOC_H

#include <stddef.h>

typedef struct errloc {
    char msg[1024];   /* full text, "file:line:col: what" once errloc_set* has run */
} errloc;

/* "file:line:col: fmt..." (col 0 leaves it out, line 0 leaves both out) */
void errloc_set(errloc *e, const char *file, size_t line, size_t col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

#endif
