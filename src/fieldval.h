/* fieldval.h — reading the small values of a CSV field (flags, positive integers),
 * shared by the candidate loaders. Spaces around a value are ignored. */
#ifndef ADMIT_FIELDVAL_H
#define ADMIT_FIELDVAL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Narrows s[0..*len) to its text without surrounding spaces and tabs. */
static inline const char *fieldval_trim(const char *s, size_t *len)
{
    size_t a = 0, b = *len;
    while (a < b && (s[a] == ' ' || s[a] == '\t')) a++;
    while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t')) b--;
    *len = b - a;
    return s + a;
}

/* ASCII lower case of c (field values are compared without locale). */
static inline char fieldval_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* 1 when s[0..len) is `word` in any ASCII case. */
static inline int fieldval_is(const char *s, size_t len, const char *word)
{
    size_t i = 0;
    for (; i < len && word[i]; i++)
        if (fieldval_lower(s[i]) != word[i]) return 0;
    return i == len && word[i] == '\0';
}

#define FIELDVAL_EMPTY (-2)
#define FIELDVAL_FLAGS "1/0, oui/non, o/n, vrai/faux, true/false, x or empty"

/* A flag as spreadsheets write it: 1/0, oui/non, o/n, vrai/faux, true/false, x (any
 * case, spaces around) → 1 / 0; an empty cell → FIELDVAL_EMPTY (the caller decides
 * whether empty means no); anything else → -1. */
static inline int fieldval_flag(const char *s, size_t len)
{
    static const char *const yes[] = { "oui", "o", "vrai", "true", "x" };
    static const char *const no[] = { "non", "n", "faux", "false" };
    s = fieldval_trim(s, &len);
    if (len == 1 && (s[0] == '0' || s[0] == '1')) return s[0] - '0';   /* the usual case */
    if (len == 0) return FIELDVAL_EMPTY;
    if (len > 5) return -1;
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
        if (fieldval_is(s, len, yes[i])) return 1;
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        if (fieldval_is(s, len, no[i])) return 0;
    return -1;
}

/* Lower-cases s into out (at most cap-1 bytes), accents of é/è/ê/É/È/Ê dropped: enough
 * for the words of a bac label. Returns the length written. */
static inline size_t fieldval_fold_word(const char *s, size_t len, char *out, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < len && n + 1 < cap; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == 0xC3 && i + 1 < len) {
            unsigned char d = (unsigned char)s[i + 1];
            if (d == 0xA8 || d == 0xA9 || d == 0xAA || d == 0x88 || d == 0x89 || d == 0x8A) {
                out[n++] = 'e';
                i++;
                continue;
            }
        }
        out[n++] = fieldval_lower((char)c);
    }
    out[n] = '\0';
    return n;
}

/* Length of the first word of s (letters and digits). */
static inline size_t fieldval_word_len(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len && s[i] != ' ' && s[i] != '\t' && s[i] != '-' && s[i] != '.' && s[i] != ',' &&
           s[i] != '(' && s[i] != '/' && s[i] != '_')
        i++;
    return i;
}

#define FIELDVAL_BACS "g\xc3\xa9n\xc3\xa9ral, technologique or professionnel (also general, " \
    "techno, pro, a label starting with one such as 'Bac technologique STMG', or a s\xc3\xa9rie " \
    "code STMG, STI2D, ST2S, STL, STD2A, STHR, S2TMD, STAV)"

/* A bac as classement exports write it → BAC_GENERAL / BAC_TECHNO / BAC_PRO (groups.h
 * values 0, 1, 2), or -1. Accepted: general/général/generale, techno/technologique,
 * pro/professionnel, each alone or first word of a label, after an optional "bac" or
 * "baccalauréat" ("Bac technologique STMG", "BAC GENERAL", "Bac pro Commerce"), and the
 * série codes of the bac technologique. The one bac parser of admit: every loader uses it. */
static inline int fieldval_bac(const char *s, size_t len)
{
    static const struct { const char *word; int bac; } words[] = {
        { "general", 0 }, { "generale", 0 }, { "techno", 1 }, { "technologique", 1 },
        { "pro", 2 }, { "professionnel", 2 }, { "professionnelle", 2 },
        { "stmg", 1 }, { "sti2d", 1 }, { "st2s", 1 }, { "stl", 1 }, { "std2a", 1 },
        { "sthr", 1 }, { "s2tmd", 1 }, { "stav", 1 },
    };
    char buf[64];
    s = fieldval_trim(s, &len);
    /* the canonical spellings of machine-written files, without folding */
    if (len == 7 && memcmp(s, "general", 7) == 0) return 0;
    if (len == 6 && memcmp(s, "techno", 6) == 0) return 1;
    if (len == 3 && memcmp(s, "pro", 3) == 0) return 2;
    size_t n = fieldval_fold_word(s, len < 63 ? len : 63, buf, sizeof buf);
    const char *w = buf;
    size_t wl = fieldval_word_len(w, n);
    if (fieldval_is(w, wl, "bac") || fieldval_is(w, wl, "baccalaureat")) {
        w += wl;
        n -= wl;
        while (n && (*w == ' ' || *w == '\t' || *w == '.' || *w == '-')) { w++; n--; }
        wl = fieldval_word_len(w, n);
    }
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (fieldval_is(w, wl, words[i].word)) return words[i].bac;
    return -1;
}

/* A positive decimal integer up to max → its value; anything else → 0. */
static inline uint32_t fieldval_positive(const char *s, size_t len, uint32_t max)
{
    s = fieldval_trim(s, &len);
    if (len == 0 || len > 10) return 0;
    uint64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') return 0;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    return v <= max ? (uint32_t)v : 0;
}

#endif
