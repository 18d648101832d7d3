/* errloc.c — formatting of located errors, one shape for every file admit reads. */
#include "errloc.h"

#include <stdarg.h>
#include <stdio.h>

void errloc_set(errloc *e, const char *file, size_t line, size_t col, const char *fmt, ...)
{
    int n;
    if (line && col)
        n = snprintf(e->msg, sizeof e->msg, "%s:%zu:%zu: ", file, line, col);
    else if (line)
        n = snprintf(e->msg, sizeof e->msg, "%s:%zu: ", file, line);
    else
        n = snprintf(e->msg, sizeof e->msg, "%s: ", file);
    if (n < 0 || (size_t)n >= sizeof e->msg)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg + n, sizeof e->msg - (size_t)n, fmt, ap);
    va_end(ap);
}
