/* fuzz_encoding.c — libFuzzer harness for src/encoding.c: the classification must agree
 * with a byte-by-byte UTF-8 decode, the Windows-1252 conversion must give valid UTF-8 of
 * the same character count, and counting code points must never read past the end. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "encoding.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond) do { if (!(cond)) { \
    fprintf(stderr, "fuzz_encoding: broken promise: %s (line %d)\n", #cond, __LINE__); \
    abort(); } } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* an exact-size copy so that ASan sees any read past the end */
    char *buf = malloc(size ? size : 1);
    if (!buf) return 0;
    memcpy(buf, data, size);
    size_t bad = (size_t)-1;
    text_encoding enc = encoding_detect(buf, size, &bad);

    /* walk the text as UTF-8 ourselves */
    size_t i = 0, chars = 0, first_bad = (size_t)-1, nul = (size_t)-1;
    while (i < size) {
        const unsigned char *s = (const unsigned char *)buf + i;
        if (*s == 0 && nul == (size_t)-1) nul = i;
        size_t n = encoding_utf8_seqlen(s, size - i);
        CHECK(n <= 4 && n <= size - i);
        if (n == 0) {
            if (first_bad == (size_t)-1) first_bad = i;
            n = 1;
        }
        chars++;
        i += n;
    }
    if (nul != (size_t)-1) {
        CHECK(enc == ENC_BINARY);
    } else if (first_bad == (size_t)-1) {
        CHECK(enc == ENC_UTF8);
        CHECK(encoding_utf8_count(buf, size) == chars);
    } else {
        CHECK(enc == ENC_CP1252 || enc == ENC_BAD_UTF8);
        CHECK(bad == first_bad);
    }
    if (enc == ENC_CP1252) {
        size_t outlen = 0;
        char *out = encoding_cp1252_to_utf8(buf, size, &outlen);
        CHECK(out != NULL);
        CHECK(out[outlen] == '\0' && outlen <= size * 3);
        size_t bad2;
        CHECK(encoding_detect(out, outlen, &bad2) == ENC_UTF8);
        CHECK(encoding_utf8_count(out, outlen) == size);  /* one character per byte */
        free(out);
    }
    free(buf);
    return 0;
}
