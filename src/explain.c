/* explain.c — a growing text buffer for `--explain` (see explain.h). */
#include "explain.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void explain_printf(explain *e, const char *fmt, ...)
{
    if (!e || e->oom) return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    size_t need = e->len + (size_t)n + 1;
    if (need > e->cap) {
        size_t cap = e->cap ? e->cap : 256;
        while (cap < need) cap *= 2;
        char *t = realloc(e->text, cap);
        if (!t) { e->oom = 1; return; }
        e->text = t;
        e->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(e->text + e->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    e->len += (size_t)n;
}

void explain_free(explain *e)
{
    free(e->text);
    e->text = NULL;
    e->len = e->cap = 0;
}
