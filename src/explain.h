/* explain.h — the text `--explain` prints: how each input file was understood (encoding,
 * separator, header, which column became which field, rows read and skipped). Loaders
 * append to it only when asked; nothing here runs per row. */
#ifndef ADMIT_EXPLAIN_H
#define ADMIT_EXPLAIN_H

#include <stddef.h>

typedef struct explain {
    char *text;          /* NUL-terminated, malloc'd; NULL until something is added */
    size_t len, cap;
    int oom;             /* an append failed: the text is incomplete */
} explain;

void explain_printf(explain *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void explain_free(explain *e);

#endif
