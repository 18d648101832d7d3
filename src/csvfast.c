/* csvfast.c — machine-written CSV (a national ranking, a million rows and more) has no
 * quotes: its rows are cut at the delimiters in one pass over the bytes, several times
 * faster than through libcsv. The fields handed out point into a copy of each row's bytes
 * made NUL-terminated, as csvread's are. Anything unusual declines, and csvread reads the
 * whole buffer again: the two agree by construction (the fuzz harnesses check it). */
#include "csvfast.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "encoding.h"

/* No quote, no NUL, no lone CR, and valid UTF-8 when any byte is not ASCII. */
static int plain_text(const char *s, size_t n)
{
    if (memchr(s, '"', n) || memchr(s, '\0', n)) return 0;
    for (const char *r = s, *e = s + n; (r = memchr(r, '\r', (size_t)(e - r))) != NULL; r++)
        if (r + 1 == e || r[1] != '\n') return 0;
    uint64_t high = 0;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        high |= w;
    }
    for (; i < n; i++) high |= (unsigned char)s[i];
    size_t bad;
    return !(high & 0x8080808080808080ULL) || encoding_detect(s, n, &bad) == ENC_UTF8;
}

/* The delimiter csvread detects on the header line (quotes were excluded). */
static char header_delim(const char *s, const char *end)
{
    size_t commas = 0, semis = 0;
    for (; s < end && *s != '\n' && *s != '\r'; s++) {
        commas += *s == ',';
        semis += *s == ';';
    }
    return semis > commas ? ';' : ',';
}

typedef struct fields fields;
static int grow(fields *f, size_t n, size_t bytes);

struct fields {
    const char **ptr;
    size_t *len;
    size_t cap;
    char *text;               /* the current row's bytes, each field NUL-terminated */
    size_t text_cap;
};

/* Room for n fields and a row of `bytes`: the common case is one compare. */
static inline int room(fields *f, size_t n, size_t bytes)
{
    return n <= f->cap && bytes <= f->text_cap ? 0 : grow(f, n, bytes);
}

static int grow(fields *f, size_t n, size_t bytes)
{
    if (n > f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 16;
        while (cap < n) cap *= 2;
        const char **p = realloc(f->ptr, cap * sizeof *p);
        if (p) f->ptr = p;
        size_t *l = realloc(f->len, cap * sizeof *l);
        if (l) f->len = l;
        if (!p || !l) return -1;
        f->cap = cap;
    }
    if (bytes > f->text_cap) {
        size_t cap = f->text_cap ? f->text_cap * 2 : 256;
        while (cap < bytes) cap *= 2;
        char *t = realloc(f->text, cap);
        if (!t) return -1;
        f->text = t;
        f->text_cap = cap;
    }
    return 0;
}

int csvfast_read_buffer(const char *buf, size_t len, csv_row_fn fn, void *ctx)
{
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) { buf += 3; len -= 3; }
    if (len == 0 || !plain_text(buf, len)) return 1;
    const char *end = buf + len;
    char delim = header_delim(buf, end);
    fields f = { 0 };
    size_t index = 0, header_fields = 0, line = 1;
    int rc = 1;
    for (const char *s = buf; s < end; line++) {
        const char *e = memchr(s, '\n', (size_t)(end - s));
        if (!e) e = end;
        const char *stop = e > s && e[-1] == '\r' ? e - 1 : e;
        size_t n = (size_t)(stop - s);
        if (n == 0) { s = e + 1; continue; }                 /* blank line */
        size_t blanks = 0;
        while (blanks < n && (s[blanks] == ' ' || s[blanks] == '\t' || s[blanks] == delim)) blanks++;
        if (blanks == n) goto out;   /* blanks and separators only (Excel's ";;;;"): csvread decides */
        if (room(&f, 1, n + 1) != 0) { rc = -1; goto out; }
        memcpy(f.text, s, n);
        f.text[n] = '\0';
        size_t nf = 0;
        for (char *a = f.text, *stop_t = f.text + n;;) {
            char *d = memchr(a, delim, (size_t)(stop_t - a));
            char *fe = d ? d : stop_t;
            if (room(&f, nf + 1, 0) != 0) { rc = -1; goto out; }
            f.ptr[nf] = a;
            f.len[nf] = (size_t)(fe - a);
            if (f.len[nf] > CSV_MAX_FIELD) goto out;
            *fe = '\0';
            nf++;
            if (!d) break;
            a = d + 1;
        }
        if (index == 0) header_fields = nf;
        else if (nf != header_fields) goto out;
        if (index == 0 && !csvfast_named_header(f.ptr, f.len, nf)) goto out;
        csv_row row = { index, line, nf, f.ptr, f.len, NULL };
        if (fn(ctx, NULL, &row) != 0) goto out;
        index++;
        s = e + 1;
    }
    rc = index > 0 ? 0 : 1;
out:
    free(f.ptr);
    free(f.len);
    free(f.text);
    return rc;
}

int csvfast_named_header(const char *const *field, const size_t *len, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        size_t k = 0;
        while (k < len[i] && (field[i][k] == ' ' || field[i][k] == '\t')) k++;
        if (k == len[i]) return 0;
    }
    return 1;
}

void csvfast_stats(const char *buf, size_t len, csv_stats *st)
{
    memset(st, 0, sizeof *st);
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) { buf += 3; len -= 3; st->bom = 1; }
    const char *end = buf + len;
    st->delim = header_delim(buf, end);
    const char *lf = memchr(buf, '\n', len);
    st->crlf = lf && lf > buf && lf[-1] == '\r';
    size_t line = 1;
    int header = 0;
    for (const char *s = buf; s < end; line++) {
        const char *e = memchr(s, '\n', (size_t)(end - s));
        if (!e) e = end;
        const char *stop = e > s && e[-1] == '\r' ? e - 1 : e;
        size_t n = (size_t)(stop - s), blanks = 0;
        while (blanks < n && (s[blanks] == ' ' || s[blanks] == '\t' || s[blanks] == st->delim)) blanks++;
        if (n == 0) {
            /* a blank line: no record at all */
        } else if (blanks == n) {   /* only separators and spaces: an entirely empty row */
            if (st->skipped < sizeof st->skipped_line / sizeof st->skipped_line[0])
                st->skipped_line[st->skipped] = line;
            st->skipped++;
        } else if (!header) {
            header = 1;
            st->header_line = line;
            size_t k = n < sizeof st->header - 1 ? n : sizeof st->header - 1;
            memcpy(st->header, s, k);
            st->header[k] = '\0';
        } else {
            st->rows++;
        }
        s = e + 1;
    }
}

int csvfast_enabled(void)
{
    const char *v = getenv("ADMIT_FAST_PATH");
    return !(v && strcmp(v, "0") == 0);
}
