/* rowsplit.c — see rowsplit.h. Two passes on the threads: each chunk (cut after a '\n')
 * counts its lines and checks its bytes, the counts give each chunk its first row, then
 * each chunk splits and hands out its rows. Results do not depend on the number of
 * chunks: every row has its index and line from the counts, whoever reads it. */
#include "rowsplit.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csvfast.h"
#include "threads.h"

typedef struct split_job {
    const char *body, *end;      /* the rows after the header line */
    char delim;
    size_t nfields;
    size_t first_line;           /* line number of the first row */
    const char *lo[THREADS_MAX + 1];
    size_t rows[THREADS_MAX];    /* rows of each chunk, then the first row of each */
    int bad[THREADS_MAX];        /* declined: not plain, or fn refused */
    rowsplit_row_fn fn;
    void *ctx;
} split_job;

#define ONES 0x0101010101010101ULL
#define LOW7 0x7F7F7F7F7F7F7F7FULL

/* 0x80 in each byte of x that is zero, 0 elsewhere (exact: no borrow between bytes). */
static inline uint64_t zero_bytes(uint64_t x)
{
    return ~(((x & LOW7) + LOW7) | x | LOW7);
}

/* Plain bytes: ASCII, no quote, no NUL, CR only before LF; counts the lines of [s, e).
 * Eight bytes at a time: this pass reads every byte of the file. */
static int plain_lines(const char *s, const char *e, size_t *lines)
{
    size_t n = 0, len = (size_t)(e - s), i = 0;
    uint64_t bad = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        n += (size_t)(((zero_bytes(w ^ ('\n' * ONES)) >> 7) * ONES) >> 56);   /* bytes that are '\n' */
        bad |= (w & (ONES << 7)) | zero_bytes(w ^ ('"' * ONES)) | zero_bytes(w);
        if (zero_bytes(w ^ ('\r' * ONES)))   /* CRLF files: each CR looked at */
            for (size_t k = i; k < i + 8; k++)
                bad |= s[k] == '\r' && (k + 1 == len || s[k + 1] != '\n');
    }
    for (; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        n += c == '\n';
        bad |= c >= 0x80 || c == '"' || c == '\0' || (c == '\r' && (i + 1 == len || s[i + 1] != '\n'));
    }
    if (len && e[-1] != '\n') n++;   /* the last line without a newline */
    *lines = n;
    return !bad;
}

/* 1 when s[0..n) is only spaces and tabs. */
static int blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t') return 0;
    return 1;
}

/* 1 when [s, stop) is only spaces, tabs and delimiters. */
static int only_separators(const char *s, const char *stop, char delim)
{
    for (; s < stop; s++)
        if (*s != ' ' && *s != '\t' && *s != delim) return 0;
    return 1;
}

size_t rowsplit_lines(const char *buf, size_t len)
{
    size_t n = 1, i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, buf + i, 8);
        n += (size_t)(((zero_bytes(w ^ ('\n' * ONES)) >> 7) * ONES) >> 56);
    }
    for (; i < len; i++) n += buf[i] == '\n';
    return n;
}

static void count_chunk(void *vj, int t, int nt)
{
    split_job *j = vj;
    (void)nt;
    j->bad[t] = !plain_lines(j->lo[t], j->lo[t + 1], &j->rows[t]);
}

/* The end of a line's bytes: before its '\n', and before a '\r' ending it. */
static const char *line_stop(const char *line, const char *e)
{
    return e > line && e[-1] == '\r' ? e - 1 : e;
}

/* One line [line, stop) split into fields already: declines (1) when it is not a row
 * rowsplit takes, else hands it to fn. */
static int take_row(const split_job *j, size_t row, const char *line, const char *stop, const char **field,
                    const size_t *len, size_t nf)
{
    /* an empty line or one of blanks and separators: csvread decides what it is (such a
     * line starts with a blank field: only then is the rest looked at) */
    if (nf != j->nfields || (blank(field[0], len[0]) && only_separators(line, stop, j->delim))) return 1;
    return j->fn(j->ctx, row, j->first_line + row, field, len) != 0;
}

/* The delimiters and line ends of a chunk are found eight bytes at a time, in one pass:
 * each one ends a field (and a line ends the row), with no second look at the bytes. */
static void read_chunk(void *vj, int t, int nt)
{
    split_job *j = vj;
    (void)nt;
    const char **field = malloc(j->nfields * sizeof *field);
    size_t *len = malloc(j->nfields * sizeof *len), row = j->rows[t], nf = 0;
    if (!field || !len) { j->bad[t] = -1; goto out; }
    const char *p = j->lo[t], *end = j->lo[t + 1], *line = p, *a = p;
    const uint64_t delims = ONES * (unsigned char)j->delim, newlines = ONES * '\n';
    for (; p < end; p += 8) {
        uint64_t m = 0;
        if (end - p >= 8) {
            uint64_t w;
            memcpy(&w, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
            w = __builtin_bswap64(w);   /* the first byte in the low bits */
#endif
            m = zero_bytes(w ^ delims) | zero_bytes(w ^ newlines);
        } else {
            for (int k = 0; k < end - p; k++)
                if (p[k] == j->delim || p[k] == '\n') m |= (uint64_t)0x80 << (8 * k);
        }
        for (; m; m &= m - 1) {
            const char *q = p + (__builtin_ctzll(m) >> 3);
            const char *fe = *q == '\n' ? line_stop(line, q) : q;
            if (nf == j->nfields || (size_t)(fe - a) > CSV_MAX_FIELD) { j->bad[t] = 1; goto out; }
            field[nf] = a;
            len[nf++] = (size_t)(fe - a);
            a = q + 1;
            if (*q != '\n') continue;
            if (take_row(j, row, line, fe, field, len, nf) != 0) { j->bad[t] = 1; goto out; }
            row++;
            nf = 0;
            line = a;
        }
    }
    if (line < end) {   /* the last line, without a newline */
        const char *fe = line_stop(line, end);
        if (nf == j->nfields || (size_t)(fe - a) > CSV_MAX_FIELD) { j->bad[t] = 1; goto out; }
        field[nf] = a;
        len[nf++] = (size_t)(fe - a);
        if (take_row(j, row, line, fe, field, len, nf) != 0) j->bad[t] = 1;
    }
out:
    free(field);
    free(len);
}

/* The header's fields as csvread gives them (NUL-terminated copies) to fn, with the rows
 * to come. 0, 1 declined, -1 out of memory. */
static int read_header(const char *s, const char *stop, char delim, rowsplit_header_fn header, void *ctx,
                       size_t rows, size_t *nfields)
{
    size_t n = (size_t)(stop - s), nf = 1, field_len = 0;
    for (size_t i = 0; i < n; i++) {
        nf += s[i] == delim;
        field_len = s[i] == delim ? 0 : field_len + 1;
        if (field_len > CSV_MAX_FIELD) return 1;   /* csvread's limits: it says what is wrong */
    }
    if (nf > CSV_MAX_FIELDS) return 1;
    char *text = malloc(n + 1);
    const char **field = malloc(nf * sizeof *field);
    size_t *len = malloc(nf * sizeof *len);
    int rc = -1;
    if (text && field && len) {
        memcpy(text, s, n);
        text[n] = '\0';
        size_t k = 0;
        for (char *a = text;;) {
            char *d = memchr(a, delim, (size_t)(text + n - a));
            char *fe = d ? d : text + n;
            field[k] = a;
            len[k++] = (size_t)(fe - a);
            *fe = '\0';
            if (!d) break;
            a = d + 1;
        }
        csv_row row = { 0, 1, nf, field, len, NULL };
        /* a column with no name: csvread leaves it out of the rows (and says so) */
        rc = !csvfast_named_header(field, len, nf) ? 1 : header(ctx, &row, rows);
        *nfields = nf;
    }
    free(text);
    free(field);
    free(len);
    return rc;
}

int rowsplit_read(const char *buf, size_t len, int nt, rowsplit_header_fn header, rowsplit_row_fn fn,
                  void *ctx, size_t *rows)
{
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) { buf += 3; len -= 3; }
    const char *end = buf + len, *nl = memchr(buf, '\n', len);
    if (!nl || nl == buf || nt < 1) return 1;
    const char *stop = nl[-1] == '\r' ? nl - 1 : nl;
    size_t hl, commas = 0, semis = 0;
    if (!plain_lines(buf, nl + 1, &hl)) return 1;
    for (const char *p = buf; p < stop; p++) { commas += *p == ','; semis += *p == ';'; }
    split_job j = { .body = nl + 1, .end = end, .delim = semis > commas ? ';' : ',', .first_line = 2,
                    .fn = fn, .ctx = ctx };
    if (nt > THREADS_MAX) nt = THREADS_MAX;
    /* chunks of about equal bytes, each starting a line */
    j.lo[0] = j.body;
    for (int t = 1; t < nt; t++) {
        const char *at = j.body + (size_t)(end - j.body) * (size_t)t / (size_t)nt;
        if (at < j.lo[t - 1]) at = j.lo[t - 1];
        const char *n = at < end ? memchr(at, '\n', (size_t)(end - at)) : NULL;
        j.lo[t] = n ? n + 1 : end;
    }
    j.lo[nt] = end;
    threads_run(nt, count_chunk, &j);
    size_t total = 0;
    for (int t = 0; t < nt; t++) {
        if (j.bad[t]) return 1;
        size_t c = j.rows[t];
        j.rows[t] = total;
        total += c;
    }
    if (total == 0) return 1;   /* a header alone: csvread says what it makes of it */
    /* the header once the rows are counted: the caller sizes its arrays once, with no
     * pass of its own over the text */
    int rc = read_header(buf, stop, j.delim, header, ctx, total, &j.nfields);
    if (rc != 0) return rc;
    threads_run(nt, read_chunk, &j);
    for (int t = 0; t < nt; t++) {
        if (j.bad[t] < 0) return -1;
        if (j.bad[t]) return 1;
    }
    *rows = total;
    return 0;
}
