/* encoding.h — what text encoding a file is in, and conversion to UTF-8. */
#ifndef ADMIT_ENCODING_H
#define ADMIT_ENCODING_H

#include <stddef.h>

typedef enum { ENC_UTF8, ENC_CP1252, ENC_BINARY, ENC_BAD_UTF8 } text_encoding;

/* Classifies buf: ENC_UTF8 (valid, possibly ASCII), ENC_CP1252 (no valid multi-byte
 * sequence at all and every byte defined in Windows-1252: a legacy spreadsheet export),
 * ENC_BINARY (a NUL byte), ENC_BAD_UTF8 (UTF-8 with a broken sequence). *bad gets the
 * offset of the offending byte for the last two. */
text_encoding encoding_detect(const char *buf, size_t len, size_t *bad);

/* Converts Windows-1252 to UTF-8 into a new malloc'd buffer; NULL when out of memory. */
char *encoding_cp1252_to_utf8(const char *buf, size_t len, size_t *outlen);

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if it is not one. */
size_t encoding_utf8_seqlen(const unsigned char *s, size_t avail);

/* Number of code points in s[0..len) (a column number counts characters, not bytes). */
size_t encoding_utf8_count(const char *s, size_t len);

#endif
