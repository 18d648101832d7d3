/* suggest.c — edit distance for "did you mean …?" (see suggest.h). */
#include "suggest.h"

#include <string.h>

/* Base letter(s) of the Latin-1 letter encoded C3 xx in UTF-8, or NULL. */
static const char *latin1_base(unsigned char x)
{
    static const char *const upper[32] = {   /* C3 80 .. C3 9F */
        "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
        "d", "n", "o", "o", "o", "o", "o", NULL, "o", "u", "u", "u", "u", "y", NULL, "ss" };
    if (x >= 0x80 && x <= 0x9F) return upper[x - 0x80];
    if (x == 0xBF) return "y";                      /* ÿ */
    if (x >= 0xA0 && x <= 0xBD) return upper[x - 0xA0];   /* à..ý, as their capitals */
    return NULL;
}

static int ascii_alnum(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

size_t suggest_fold(const char *s, size_t len, char *out, size_t cap)
{
    size_t n = 0;
    int gap = 0;
    for (size_t i = 0; i < len && n + 3 < cap; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *base = NULL;
        char one[2] = { 0, 0 };
        if (ascii_alnum(c)) {
            one[0] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
            base = one;
        } else if (c == 0xC3 && i + 1 < len && (base = latin1_base((unsigned char)s[i + 1])))
            i++;
        else if (c == 0xC5 && i + 1 < len && ((unsigned char)s[i + 1] == 0x92 || (unsigned char)s[i + 1] == 0x93)) {
            base = "oe";
            i++;
        } else if (c >= 0x80 && !(c == 0xC2 && i + 1 < len)) {
            one[0] = (char)c;   /* other letters are kept byte for byte */
            base = one;
        } else if (c == 0xC2) {
            i++;                /* C2 xx: '°', non-breaking space, '«'...: a separator */
        }
        if (!base) { gap = 1; continue; }
        if (gap && n) out[n++] = ' ';
        gap = 0;
        for (; *base && n + 1 < cap; base++) out[n++] = *base;
    }
    out[n] = '\0';
    return n;
}

static size_t distance(const char *a, size_t la, const char *b, size_t lb)
{
    size_t row[65];
    if (la > 64 || lb > 64) return (size_t)-1;
    for (size_t j = 0; j <= lb; j++) row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best) best = up + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

const char *suggest_closest(const char *word, const char *const *names, size_t n)
{
    char w[80], c[80];
    size_t lw = suggest_fold(word, strlen(word), w, sizeof w);
    if (lw == 0) return NULL;
    const char *best = NULL;
    size_t best_d = (size_t)-1;
    for (size_t i = 0; i < n; i++) {
        size_t lc = suggest_fold(names[i], strlen(names[i]), c, sizeof c);
        size_t d = distance(w, lw, c, lc);
        size_t longer = lw > lc ? lw : lc;
        size_t limit = longer <= 4 ? 1 : longer / 3;
        /* a prefix typed in full ("etab" for "etablissement") is a likely intent too */
        if (d > limit && lw >= 4 && lc > lw && strncmp(c, w, lw) == 0) d = limit;
        if (d <= limit && d < best_d) { best = names[i]; best_d = d; }
    }
    return best;
}
