/* textfold.c — NFC and case/accent folding with utf8proc (never hand-written tables). */
#include "textfold.h"

#include <stdint.h>
#include <utf8proc.h>

static char *map(const char *s, size_t len, size_t *outlen, utf8proc_option_t opts)
{
    utf8proc_uint8_t *dst = NULL;
    utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, &dst, opts);
    if (n < 0)
        return NULL;
    if (outlen)
        *outlen = (size_t)n;
    return (char *)dst;
}

char *text_nfc(const char *s, size_t len, size_t *outlen)
{
    return map(s, len, outlen, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
}

char *text_fold(const char *s, size_t len, size_t *outlen)
{
    return map(s, len, outlen,
               UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK);
}
