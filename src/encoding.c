/* encoding.c — UTF-8 validation and the Windows-1252 fallback French spreadsheets need. */
#include "encoding.h"

#include <stdlib.h>
#include <string.h>

size_t encoding_utf8_seqlen(const unsigned char *s, size_t avail)
{
    unsigned c = s[0];
    size_t n;
    unsigned min;
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) { n = 2; min = 0x80; }
    else if (c >= 0xE0 && c <= 0xEF) { n = 3; min = 0x800; }
    else if (c >= 0xF0 && c <= 0xF4) { n = 4; min = 0x10000; }
    else return 0;
    if (avail < n) return 0;
    unsigned cp = c & (0x7F >> n);
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return n;
}

/* Windows-1252 bytes 0x80..0x9F; 0 marks the five undefined ones. */
static const unsigned short cp1252_high[32] = {
    0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
    0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
};

text_encoding encoding_detect(const char *buf, size_t len, size_t *bad)
{
    const unsigned char *s = (const unsigned char *)buf;
    size_t first_bad = (size_t)-1, multibyte = 0, undefined_1252 = 0;
    for (size_t i = 0; i < len;) {
        if (s[i] == 0) { *bad = i; return ENC_BINARY; }
        if (s[i] < 0x80) { i++; continue; }
        size_t n = encoding_utf8_seqlen(s + i, len - i);
        if (n) { multibyte++; i += n; continue; }
        if (first_bad == (size_t)-1) first_bad = i;
        if (s[i] < 0xA0 && cp1252_high[s[i] - 0x80] == 0) undefined_1252++;
        i++;
    }
    if (first_bad == (size_t)-1) return ENC_UTF8;
    *bad = first_bad;
    return (multibyte == 0 && undefined_1252 == 0) ? ENC_CP1252 : ENC_BAD_UTF8;
}

char *encoding_cp1252_to_utf8(const char *buf, size_t len, size_t *outlen)
{
    char *out = malloc(len * 3 + 1);
    if (!out) return NULL;
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned c = (unsigned char)buf[i];
        unsigned cp = c < 0x80 ? c : c < 0xA0 ? cp1252_high[c - 0x80] : c;
        if (cp < 0x80) out[o++] = (char)cp;
        else if (cp < 0x800) {
            out[o++] = (char)(0xC0 | (cp >> 6));
            out[o++] = (char)(0x80 | (cp & 0x3F));
        } else {
            out[o++] = (char)(0xE0 | (cp >> 12));
            out[o++] = (char)(0x80 | ((cp >> 6) & 0x3F));
            out[o++] = (char)(0x80 | (cp & 0x3F));
        }
    }
    out[o] = '\0';
    *outlen = o;
    return out;
}

size_t encoding_utf8_count(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80) n++;
    return n;
}
