/* textfold.h — Unicode text helpers on utf8proc: NFC, and the folded form used for
 * forgiving matching (case- and accent-insensitive: "Cybersécurité" ~ "cybersecurite"). */
#ifndef ADMIT_TEXTFOLD_H
#define ADMIT_TEXTFOLD_H

#include <stddef.h>

/* Both return a malloc'd NUL-terminated string (NULL on invalid UTF-8 or no memory). */
char *text_nfc(const char *s, size_t len, size_t *outlen);
char *text_fold(const char *s, size_t len, size_t *outlen);

#endif
