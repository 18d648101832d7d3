/* csvread.c — the one CSV reader of admit (after libcsv's csvvalid.c and ReadStat's
 * read_csv.c). The input is fed to libcsv line by line so that line numbers are exact;
 * columns of field-level errors are found again from the record's raw text. Callbacks
 * never longjmp: errors are recorded and reported after libcsv is freed. */
#include "csvread.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <csv.h>

#include "encoding.h"
#include "input.h"

struct csv_reader {
    const char *name;
    const char *buf;       /* the text being parsed (UTF-8) */
    size_t len;
    csv_opts opts;
    csv_row_fn fn;
    void *ctx;
    errloc *err;
    int failed;
    int converted;
    /* the record being assembled */
    char *text;            /* field texts, NUL-separated */
    size_t text_len, text_cap;
    size_t *offs, *lens;   /* per field: offset in text, length */
    const char **ptrs;
    size_t nfields, fields_cap;
    size_t header_fields;
    size_t row_index;
    /* header columns with no name, left out of the rows handed to the callback */
    unsigned char *unnamed;    /* per header column: 1 = no name */
    size_t nunnamed;
    const char **cptrs;        /* the row without them */
    size_t *clens, *ccols;     /* and the file column of each field kept */
    size_t ccap;
    const size_t *fieldmap;    /* ccols while the callback runs (csv_fail counts its fields) */
    /* where things are */
    size_t line;           /* physical line being fed (1-based) */
    size_t line_off;       /* offset of that line */
    size_t rec_off;        /* offset where the current record may start (blank lines later skipped) */
    size_t rec_line;
    csv_stats st;          /* copied out to opts.stats at the end */
};

/* ------------------------------------------------------------- locating */

/* A line ends at LF, or at a CR not followed by LF (the CR-only files of old Mac
 * spreadsheet exports, where libcsv ends records too): both count for line numbers. */
static int line_break_at(const char *s, size_t i, size_t len)
{
    return s[i] == '\n' || (s[i] == '\r' && (i + 1 == len || s[i + 1] != '\n'));
}

/* Finds where field `field` of the record starting at rd->rec_off begins; gives its
 * 1-based line and column (in characters). quote_open receives the offset of an opening
 * quote that is never closed, or (size_t)-1. */
static void locate_field(const csv_reader *rd, size_t field, size_t *line, size_t *col)
{
    const char *s = rd->buf;
    size_t i = rd->rec_off, ln = rd->rec_line, lstart = rd->rec_off;
    /* skip the blank lines libcsv skipped */
    while (i < rd->len && (s[i] == '\n' || s[i] == '\r')) {
        if (line_break_at(s, i, rd->len)) { ln++; lstart = i + 1; }
        i++;
    }
    size_t f = 0;
    int inq = 0, at_start = 1;
    for (; i < rd->len; i++) {
        char c = s[i];
        /* spaces before a field are skipped, unless the space is the separator itself
         * (a tab-separated file: "\tx" starts with an empty field) */
        int space = (c == ' ' || c == '\t') && c != rd->opts.delim;
        if (f == field && at_start && !space)
            break;
        if (c == '"') { inq = !inq; at_start = 0; continue; }
        if (line_break_at(s, i, rd->len)) {
            if (!inq) break;
            ln++; lstart = i + 1;
            continue;
        }
        if (!inq && c == rd->opts.delim) { f++; at_start = 1; continue; }
        if (!inq && c == '\r') break;
        if (!space) at_start = 0;
    }
    *line = ln;
    *col = encoding_utf8_count(s + lstart, i - lstart) + 1;
}

void csv_fail(csv_reader *rd, size_t field, const char *fmt, ...)
{
    size_t line, col;
    char what[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    if (rd->fieldmap) field = rd->fieldmap[field];   /* the callback counts named columns */
    locate_field(rd, field, &line, &col);
    errloc_set(rd->err, rd->name, line, col, "%s", what);
    rd->failed = 1;
}

/* Offset of the opening quote of a field left open at end of input. */
static size_t find_open_quote(const csv_reader *rd)
{
    size_t open = rd->rec_off;
    int inq = 0;
    for (size_t i = rd->rec_off; i < rd->len; i++) {
        if (rd->buf[i] != '"') continue;
        if (!inq) open = i;
        inq = !inq;
    }
    return open;
}

static void offset_position(const csv_reader *rd, size_t off, size_t *line, size_t *col)
{
    size_t ln = 1, lstart = 0;
    for (size_t i = 0; i < off && i < rd->len; i++)
        if (line_break_at(rd->buf, i, rd->len)) { ln++; lstart = i + 1; }
    *line = ln;
    *col = encoding_utf8_count(rd->buf + lstart, off - lstart) + 1;
}

/* ------------------------------------------------------------ callbacks */

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap) return 0;
    size_t ncap = *cap ? *cap : 16;
    while (ncap < need) ncap *= 2;
    void *np = realloc(*p, ncap * elem);
    if (!np) return -1;
    *p = np;
    *cap = ncap;
    return 0;
}

static void on_field(void *data, size_t n, void *rdv)
{
    csv_reader *rd = rdv;
    if (rd->failed) return;
    if (rd->nfields >= CSV_MAX_FIELDS) {
        csv_fail(rd, rd->nfields, "more than %d fields in one record", CSV_MAX_FIELDS);
        return;
    }
    size_t fcap = rd->fields_cap;
    if (rd->nfields + 1 > fcap) {
        size_t c1 = fcap, c2 = fcap, c3 = fcap;
        if (grow((void **)&rd->offs, &c1, rd->nfields + 1, sizeof *rd->offs) ||
            grow((void **)&rd->lens, &c2, rd->nfields + 1, sizeof *rd->lens) ||
            grow((void **)&rd->ptrs, &c3, rd->nfields + 1, sizeof *rd->ptrs)) {
            errloc_set(rd->err, rd->name, 0, 0, "out of memory");
            rd->failed = 1;
            return;
        }
        rd->fields_cap = c1;
    }
    if (n > rd->opts.max_field) {
        csv_fail(rd, rd->nfields, "field longer than %zu bytes", rd->opts.max_field);
        return;
    }
    if (grow((void **)&rd->text, &rd->text_cap, rd->text_len + n + 1, 1)) {
        errloc_set(rd->err, rd->name, 0, 0, "out of memory");
        rd->failed = 1;
        return;
    }
    memcpy(rd->text + rd->text_len, data ? data : "", n);
    rd->text[rd->text_len + n] = '\0';
    rd->offs[rd->nfields] = rd->text_len;
    rd->lens[rd->nfields] = n;
    rd->text_len += n + 1;
    rd->nfields++;
}

/* Every field only spaces and tabs: the ";;;;" rows spreadsheets leave at the end. */
static int all_fields_empty(const csv_reader *rd)
{
    for (size_t i = 0; i < rd->nfields; i++) {
        const char *t = rd->text + rd->offs[i];
        for (size_t k = 0; k < rd->lens[i]; k++)
            if (t[k] != ' ' && t[k] != '\t') return 0;
    }
    return 1;
}

/* The header as --explain shows it: its fields joined by the separator, a field holding
 * the separator or a quote in quotes (so that "Rang, classement" reads as one column). */
static void keep_header(csv_reader *rd)
{
    size_t n = 0, cap = sizeof rd->st.header;
    char *out = rd->st.header;
    for (size_t i = 0; i < rd->nfields && n + 1 < cap; i++) {
        const char *t = rd->text + rd->offs[i];
        size_t len = rd->lens[i];
        int quote = memchr(t, rd->opts.delim, len) || memchr(t, '"', len);
        if (i && n + 1 < cap) out[n++] = rd->opts.delim;
        if (quote && n + 1 < cap) out[n++] = '"';
        for (size_t k = 0; k < len && n + 1 < cap; k++) {
            if (t[k] == '"' && n + 2 < cap) out[n++] = '"';
            out[n++] = t[k];
        }
        if (quote && n + 1 < cap) out[n++] = '"';
    }
    out[n] = '\0';
}

/* The header's columns with no name (only spaces): Excel writes "id;rank;;;" once a cell
 * beyond the data was touched. They are left out of the rows when blank on every row. A
 * header with no name at all is left as it is (the loader says which columns it misses). */
static int find_unnamed(csv_reader *rd)
{
    size_t n = 0;
    for (size_t i = 0; i < rd->nfields; i++) {
        const char *t = rd->text + rd->offs[i];
        size_t k = 0;
        while (k < rd->lens[i] && (t[k] == ' ' || t[k] == '\t')) k++;
        n += k == rd->lens[i];
    }
    if (n == 0 || n == rd->nfields) return 0;
    rd->unnamed = calloc(rd->nfields, 1);
    if (!rd->unnamed) return -1;
    for (size_t i = 0; i < rd->nfields; i++) {
        const char *t = rd->text + rd->offs[i];
        size_t k = 0;
        while (k < rd->lens[i] && (t[k] == ' ' || t[k] == '\t')) k++;
        if (k < rd->lens[i]) continue;
        rd->unnamed[i] = 1;
        if (rd->st.unnamed < sizeof rd->st.unnamed_col / sizeof rd->st.unnamed_col[0])
            rd->st.unnamed_col[rd->st.unnamed] = i + 1;
        rd->st.unnamed++;
    }
    rd->nunnamed = n;
    return 0;
}

/* The record without its unnamed columns into cptrs / clens / ccols; a value under one
 * of them is an error at its place. Returns the number of fields kept, or (size_t)-1. */
static size_t drop_unnamed(csv_reader *rd)
{
    size_t c1 = rd->ccap, c2 = rd->ccap, c3 = rd->ccap;
    if (grow((void **)&rd->cptrs, &c1, rd->nfields, sizeof *rd->cptrs) ||
        grow((void **)&rd->clens, &c2, rd->nfields, sizeof *rd->clens) ||
        grow((void **)&rd->ccols, &c3, rd->nfields, sizeof *rd->ccols)) {
        errloc_set(rd->err, rd->name, 0, 0, "out of memory");
        rd->failed = 1;
        return (size_t)-1;
    }
    rd->ccap = c1;
    size_t n = 0;
    for (size_t i = 0; i < rd->nfields; i++) {
        if (i < rd->header_fields && rd->unnamed[i]) {
            if (rd->row_index == 0) continue;
            const char *t = rd->text + rd->offs[i];
            size_t k = 0, len = rd->lens[i];
            while (k < len && (t[k] == ' ' || t[k] == '\t')) k++;
            if (k == len) continue;
            while (t[len - 1] == ' ' || t[len - 1] == '\t') len--;
            csv_fail(rd, i, "'%.*s' under column %zu, which has no name in the header (line %zu): "
                     "name the column, or empty it", (int)(len - k < 60 ? len - k : 60), t + k, i + 1,
                     rd->st.header_line);
            return (size_t)-1;
        }
        rd->cptrs[n] = rd->text + rd->offs[i];
        rd->clens[n] = rd->lens[i];
        rd->ccols[n++] = i;
    }
    return n;
}

static void on_record(int term, void *rdv)
{
    csv_reader *rd = rdv;
    (void)term;
    if (rd->failed) return;
    /* A line of spaces only comes out as one empty field: treat it as blank. */
    int blank = rd->nfields == 0 || (rd->nfields == 1 && rd->lens[0] == 0);
    if (!blank && all_fields_empty(rd)) {
        size_t line, col;
        locate_field(rd, 0, &line, &col);
        if (rd->st.skipped < sizeof rd->st.skipped_line / sizeof rd->st.skipped_line[0])
            rd->st.skipped_line[rd->st.skipped] = line;
        rd->st.skipped++;
        blank = 1;
    }
    if (!blank) {
        for (size_t i = 0; i < rd->nfields; i++)
            rd->ptrs[i] = rd->text + rd->offs[i];
        size_t line, col;
        locate_field(rd, 0, &line, &col);
        if (rd->row_index == 0) {
            rd->header_fields = rd->nfields;
            rd->st.header_line = line;
            if (rd->opts.stats) keep_header(rd);
            if (find_unnamed(rd) != 0) {
                errloc_set(rd->err, rd->name, 0, 0, "out of memory");
                rd->failed = 1;
            }
        } else {
            rd->st.rows++;
        }
        if (rd->row_index > 0 && !rd->opts.allow_ragged && rd->nfields != rd->header_fields) {
            size_t at = rd->nfields > rd->header_fields ? rd->header_fields : rd->nfields - 1;
            csv_fail(rd, at, "%zu field%s where the header has %zu", rd->nfields,
                     rd->nfields == 1 ? "" : "s", rd->header_fields);
        }
        csv_row row = { rd->row_index, line, rd->nfields, rd->ptrs, rd->lens, NULL };
        if (!rd->failed && rd->unnamed) {
            size_t n = drop_unnamed(rd);
            if (n != (size_t)-1) {
                row = (csv_row){ rd->row_index, line, n, rd->cptrs, rd->clens, rd->ccols };
                rd->fieldmap = rd->ccols;
            }
        }
        if (!rd->failed) {
            if (rd->fn(rd->ctx, rd, &row) != 0 && !rd->failed) {
                errloc_set(rd->err, rd->name, line, 0, "rejected");
                rd->failed = 1;
            }
        }
        rd->fieldmap = NULL;
        rd->row_index++;
    }
    rd->nfields = 0;
    rd->text_len = 0;
}

/* ------------------------------------------------------------- the loop */

static char detect_delim(const char *buf, size_t len)
{
    size_t commas = 0, semis = 0;
    int inq = 0;
    for (size_t i = 0; i < len && (inq || !line_break_at(buf, i, len)); i++) {
        if (buf[i] == '"') inq = !inq;
        else if (!inq && buf[i] == ',') commas++;
        else if (!inq && buf[i] == ';') semis++;
    }
    return semis > commas ? ';' : ',';
}

static int keep_spaces(unsigned char c) { (void)c; return 0; }

static int parse_lines(csv_reader *rd, struct csv_parser *p)
{
    const char *s = rd->buf;
    size_t off = 0;
    rd->line = 1;
    rd->rec_off = 0;
    rd->rec_line = 1;
    while (off < rd->len && !rd->failed) {
        size_t end = off;
        while (end < rd->len && !line_break_at(s, end, rd->len))
            end++;
        if (end < rd->len)
            end++;
        if (end - off > CSV_MAX_LINE) {
            errloc_set(rd->err, rd->name, rd->line, 0, "line longer than %d bytes: is this "
                       "a CSV file, with one record per line?", CSV_MAX_LINE);
            rd->failed = 1;
            break;
        }
        rd->line_off = off;
        size_t n = csv_parse(p, s + off, end - off, on_field, on_record, rd);
        if (n < end - off && !rd->failed) {
            size_t line, col;
            offset_position(rd, off + n, &line, &col);
            errloc_set(rd->err, rd->name, line, col,
                       "misplaced quote: a field containing quotes must be quoted whole, "
                       "with inner quotes doubled (\"like \"\"this\"\"\")");
            rd->failed = 1;
        }
        /* libcsv is between records again: the next one starts after this line. */
        if (p->pstate == 0) {
            rd->rec_off = end;
            rd->rec_line = rd->line + 1;
        }
        off = end;
        rd->line++;
    }
    return rd->failed ? -1 : 0;
}

int csv_read_buffer(const char *name, const char *buf, size_t len, const csv_opts *opts,
                    csv_row_fn fn, void *ctx, errloc *err)
{
    csv_reader rd = { .name = name, .fn = fn, .ctx = ctx, .err = err };
    char *converted = NULL;
    if (opts) rd.opts = *opts;
    if (!rd.opts.max_field) rd.opts.max_field = CSV_MAX_FIELD;
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) { buf += 3; len -= 3; rd.st.bom = 1; }
    rd.buf = buf;
    rd.len = len;
    if (len == 0) {
        errloc_set(err, name, 0, 0, "empty file: expected a header line");
        return -1;
    }
    size_t bad = 0, line, col;
    switch (encoding_detect(buf, len, &bad)) {
    case ENC_UTF8:
        break;
    case ENC_BINARY:
        offset_position(&rd, bad, &line, &col);
        errloc_set(err, name, line, col, "binary data (a NUL byte): expected a CSV text file");
        return -1;
    case ENC_BAD_UTF8:
        offset_position(&rd, bad, &line, &col);
        errloc_set(err, name, line, col, "invalid UTF-8 (byte 0x%02X): save the file as UTF-8",
                   (unsigned char)buf[bad]);
        return -1;
    case ENC_CP1252:
        if (rd.opts.refuse_cp1252) {
            offset_position(&rd, bad, &line, &col);
            errloc_set(err, name, line, col,
                       "this file is Windows-1252 / Latin-1, not UTF-8: save it as UTF-8");
            return -1;
        }
        converted = encoding_cp1252_to_utf8(buf, len, &len);
        if (!converted) {
            errloc_set(err, name, 0, 0, "out of memory");
            return -1;
        }
        rd.buf = converted;
        rd.len = len;
        rd.converted = 1;
        break;
    }
    if (!rd.opts.delim) rd.opts.delim = detect_delim(rd.buf, rd.len);
    rd.st.delim = rd.opts.delim;
    rd.st.cp1252 = rd.converted;
    const char *lf = memchr(rd.buf, '\n', rd.len);
    rd.st.crlf = lf && lf > rd.buf && lf[-1] == '\r';

    struct csv_parser p;
    memset(&p, 0, sizeof p);
    int rc = -1;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
        errloc_set(err, name, 0, 0, "out of memory");
        goto out;
    }
    csv_set_delim(&p, (unsigned char)rd.opts.delim);
    csv_set_space_func(&p, keep_spaces);  /* fields are trimmed by the callers that want it */
    if (parse_lines(&rd, &p) == 0) {
        if (csv_fini(&p, on_field, on_record, &rd) != 0 && !rd.failed) {
            size_t qoff = find_open_quote(&rd);
            offset_position(&rd, qoff, &line, &col);
            errloc_set(err, name, line, col, "unterminated quoted field: the quote opened here is never closed");
            rd.failed = 1;
        }
        if (!rd.failed && rd.row_index == 0) {
            errloc_set(err, name, 0, 0, "empty file: expected a header line");
            rd.failed = 1;
        }
        rc = rd.failed ? -1 : 0;
    }
    csv_free(&p);
    if (rd.opts.stats) *rd.opts.stats = rd.st;
out:
    free(rd.text);
    free(rd.offs);
    free(rd.lens);
    free(rd.ptrs);
    free(rd.unnamed);
    free(rd.cptrs);
    free(rd.clens);
    free(rd.ccols);
    free(converted);
    return rc;
}

int csv_read_file(const char *path, const char *display, const csv_opts *opts,
                  csv_row_fn fn, void *ctx, errloc *err)
{
    int is_stdin = path == NULL || strcmp(path, "-") == 0;
    const char *name = display ? display : is_stdin ? "stdin" : path;
    size_t len;
    char *buf = input_read(path, name, &len, err);
    if (!buf) return -1;
    int rc = csv_read_buffer(name, buf, len, opts, fn, ctx, err);
    free(buf);
    return rc;
}

char csv_delimiter(const csv_reader *rd) { return rd->opts.delim; }
int csv_was_converted(const csv_reader *rd) { return rd->converted; }
