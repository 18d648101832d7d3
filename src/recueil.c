/* recueil.c — parsing of a recueil text into decrees and annex rows (see recueil.h).
 * A line-by-line state machine: paragraphs (runs of non-blank lines) are candidate
 * headings or decree metadata; lines starting with '|' are table rows. A table header
 * must follow an annex heading, so that every row's académie and annex kind come from a
 * heading and a missing heading is an error, never a silent misattribution. */
#include "recueil.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "encoding.h"
#include "textfold.h"

#define MAX_CELLS 16
#define MAX_PARA_LINES 16
#define RECUEIL_MAX_LINE (64 * 1024)   /* = CSV_MAX_FIELD, the longest annex field admit reads */

typedef struct text_span { const char *s; size_t len; } text_span;

typedef struct cell { size_t off; text_span text; } cell;  /* off: in the line, untrimmed start */

typedef enum { TABLE_NONE, TABLE_HEADER, TABLE_ROWS } table_state;

typedef struct parser {
    recueil *rc;
    const char *name;
    errloc *err;
    /* the current paragraph */
    text_span para[MAX_PARA_LINES];
    size_t para_line[MAX_PARA_LINES];
    size_t npara;
    /* the heading waiting for its table */
    int pending;               /* 1 when a heading was seen and no table yet */
    size_t pending_line;
    annex_kind pending_kind;
    annex_academie pending_acad;
    /* the table being read */
    table_state table;
    size_t ncols;
    annex_kind kind;
    annex_academie acad;
    size_t header_line;
    int decree;                /* index of the current decree, -1 before the first */
} parser;

/* ------------------------------------------------------------- text helpers */

static text_span trim(const char *s, size_t len)
{
    while (len && (*s == ' ' || *s == '\t')) { s++; len--; }
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r')) len--;
    return (text_span){ s, len };
}

static int starts_with(text_span t, const char *prefix)
{
    size_t n = strlen(prefix);
    return t.len >= n && memcmp(t.s, prefix, n) == 0;
}

/* Column (1-based, in characters) of byte offset off of the line starting at line. */
static size_t column_of(const char *line, size_t off)
{
    return encoding_utf8_count(line, off) + 1;
}

/* Folded copy of t (NULL-safe: an empty string when folding fails). */
static char *fold_span(text_span t)
{
    char *f = text_fold(t.s, t.len, NULL);
    return f ? f : strdup("");
}

static int fold_starts_with(text_span t, const char *prefix)
{
    char *f = fold_span(t);
    int r = f && strncmp(f, prefix, strlen(prefix)) == 0;
    free(f);
    return r;
}

static int fold_contains(text_span t, const char *needle)
{
    char *f = fold_span(t);
    int r = f && strstr(f, needle) != NULL;
    free(f);
    return r;
}

static int fold_equals(text_span t, const char *word)
{
    char *f = fold_span(t);
    int r = f && strcmp(f, word) == 0;
    free(f);
    return r;
}

/* -------------------------------------------------------------- recording */

static int fail(parser *p, size_t line, size_t col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Records a located error and returns -1. Every error names a column: the first one
 * when the whole line is at fault. */
static int fail(parser *p, size_t line, size_t col, const char *fmt, ...)
{
    char what[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    errloc_set(p->err, p->name, line, col ? col : 1, "%s", what);
    return -1;
}

static int add_row(parser *p, text_span est, text_span commune, text_span program, int pct,
                   size_t line)
{
    recueil *rc = p->rc;
    if (rc->nrows == rc->rows_cap) {
        size_t cap = rc->rows_cap ? rc->rows_cap * 2 : 256;
        recueil_row *r = realloc(rc->rows, cap * sizeof *r);
        if (!r) return fail(p, line, 0, "out of memory");
        rc->rows = r;
        rc->rows_cap = cap;
    }
    recueil_row *r = &rc->rows[rc->nrows];
    memset(r, 0, sizeof *r);
    r->kind = p->kind;
    r->academie = p->acad;
    r->min_pct = pct;
    r->line = line;
    r->establishment = text_nfc(est.s, est.len, NULL);
    r->commune = text_nfc(commune.s, commune.len, NULL);
    r->program = text_nfc(program.s, program.len, NULL);
    rc->nrows++;
    if (!r->establishment || !r->commune || !r->program)
        return fail(p, line, 0, "out of memory");
    recueil_decree *d = &rc->decrees[p->decree];
    if (d->rows[p->acad]++ == 0) d->first_line[p->acad] = line;
    d->last_line[p->acad] = line;
    return 0;
}

/* --------------------------------------------------------------- headings */

/* The heading text: the paragraph's lines trimmed, bold/italic stars removed, joined by
 * one space. Returns the length written to out (at most cap-1). */
static size_t join_paragraph(const parser *p, char *out, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < p->npara; i++) {
        text_span t = p->para[i];
        while (t.len && t.s[0] == '*') { t.s++; t.len--; }
        while (t.len && t.s[t.len - 1] == '*') t.len--;
        t = trim(t.s, t.len);
        if (n && n + 1 < cap) out[n++] = ' ';
        size_t k = t.len < cap - 1 - n ? t.len : cap - 1 - n;
        memcpy(out + n, t.s, k);
        n += k;
    }
    out[n] = '\0';
    return n;
}

/* Where "- Académie de X -" / "- Académie d'X -" ends the text: offset of X and its
 * length, or 0 when the text does not end that way. */
static int find_academie_marker(const char *text, size_t len, size_t *name_off, size_t *name_len)
{
    static const char marker[] = "- Acad\xC3\xA9mie ";
    if (len < 2 || text[len - 1] != '-' || text[len - 2] != ' ') return 0;
    const char *found = NULL;
    for (const char *s = text; (s = strstr(s, marker)) != NULL; s++) found = s;
    if (!found) return 0;
    const char *x = found + sizeof marker - 1;
    if (strncmp(x, "de ", 3) == 0) x += 3;
    else if (strncmp(x, "d'", 2) == 0) x += 2;
    else if (strncmp(x, "d\xE2\x80\x99", 4) == 0) x += 4;   /* d’ */
    else return 0;
    size_t end = len - 2;  /* the space before the closing dash */
    if ((size_t)(x - text) >= end) return 0;
    *name_off = (size_t)(x - text);
    *name_len = end - *name_off;
    return 1;
}

/* Line and column of the académie name: it is on the paragraph line that holds it. */
static void locate_in_paragraph(const parser *p, const char *name, size_t *line, size_t *col)
{
    *line = p->para_line[p->npara - 1];
    *col = 1;
    for (size_t i = p->npara; i-- > 0;) {
        const char *hit = NULL;
        for (size_t k = 0; k + strlen(name) <= p->para[i].len; k++)
            if (memcmp(p->para[i].s + k, name, strlen(name)) == 0) { hit = p->para[i].s + k; break; }
        if (hit) {
            *line = p->para_line[i];
            *col = column_of(p->para[i].s, (size_t)(hit - p->para[i].s));
            return;
        }
    }
}

static int classify_title(const char *title, annex_kind *kind)
{
    if (strstr(title, "TECHNOLOGIQUES")) *kind = ANNEX_TECHNO;
    else if (strstr(title, "PROFESSIONNELS")) *kind = ANNEX_PRO;
    else if (strstr(title, "BOURSIERS")) *kind = ANNEX_BOURSIER;
    else return -1;
    return 0;
}

static int take_heading(parser *p, annex_kind kind, annex_academie acad, size_t line)
{
    if (p->pending)
        return fail(p, p->pending_line, 0,
                    "annex heading not followed by its table (expected a '| Libell\xC3\xA9 "
                    "\xC3\xA9tablissement | ...' header row)");
    if (p->decree < 0)
        return fail(p, line, 0, "annex heading before any decree number "
                    "(expected a line 'N\xC2\xB0 L-23-155' first)");
    recueil_decree *d = &p->rc->decrees[p->decree];
    if (d->kind < 0) {
        for (size_t i = 0; i < p->rc->ndecrees; i++)
            if (p->rc->decrees[i].kind == (int)kind)
                return fail(p, line, 0, "a second decree for the %s (the first is N\xC2\xB0 %s)",
                            annex_kind_title(kind), p->rc->decrees[i].number);
        d->kind = (int)kind;
    } else if (d->kind != (int)kind) {
        return fail(p, line, 0, "annex heading for the %s inside decree N\xC2\xB0 %s, "
                    "whose annexes are for the %s", annex_kind_title(kind), d->number,
                    annex_kind_title((annex_kind)d->kind));
    }
    p->pending = 1;
    p->pending_line = line;
    p->pending_kind = kind;
    p->pending_acad = acad;
    return 0;
}

/* A paragraph ended: is it an annex heading? */
static int flush_paragraph(parser *p)
{
    if (p->npara == 0) return 0;
    char text[2048];
    size_t len = join_paragraph(p, text, sizeof text);
    size_t off, nlen, line = p->para_line[0];
    int titled = strncmp(text, "OBJECTIFS MINIMAUX", 18) == 0 ||
                 strncmp(text, "POURCENTAGES MINIMAUX", 21) == 0;
    int marked = find_academie_marker(text, len, &off, &nlen);
    int rc = 0;
    if (titled && !marked) {
        rc = fail(p, p->para_line[p->npara - 1], 0,
                  "annex heading without its acad\xC3\xA9mie line (expected '- Acad\xC3\xA9mie "
                  "de Lille -' or '- Acad\xC3\xA9mie d'Amiens -')");
    } else if (marked) {
        annex_kind kind;
        char name[128];
        snprintf(name, sizeof name, "%.*s", (int)nlen, text + off);
        text[off] = '\0';
        annex_academie acad = ACAD_N;
        for (int a = 0; a < ACAD_N; a++)
            if (strcmp(name, annex_academie_name((annex_academie)a)) == 0) acad = (annex_academie)a;
        if (acad == ACAD_N) {
            size_t l, c;
            locate_in_paragraph(p, name, &l, &c);
            rc = fail(p, l, c, "unknown acad\xC3\xA9mie \"%s\": expected Lille or Amiens", name);
        } else if (classify_title(text, &kind) != 0) {
            rc = fail(p, line, 1, "annex heading of unknown kind: expected a title on the "
                      "bacheliers TECHNOLOGIQUES, PROFESSIONNELS or the BOURSIERS");
        } else {
            rc = take_heading(p, kind, acad, line);
        }
    }
    p->npara = 0;
    return rc;
}

/* ----------------------------------------------------------- decree lines */

static const char *const MONTHS[] = {
    "janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout",
    "septembre", "octobre", "novembre", "decembre"
};

/* "N° L-23-155": a new decree. */
static int decree_number(parser *p, const char *line, text_span t, size_t lineno)
{
    text_span num = trim(t.s + 3, t.len - 3);   /* after "N°" (3 bytes) */
    size_t i = 0, letters = 0, groups = 0;
    while (i < num.len && isupper((unsigned char)num.s[i])) { i++; letters++; }
    while (i < num.len && num.s[i] == '-') {
        i++;
        size_t d = 0;
        while (i < num.len && isdigit((unsigned char)num.s[i])) { i++; d++; }
        if (d == 0) break;
        groups++;
    }
    if (letters == 0 || groups != 2 || i != num.len || num.len >= sizeof p->rc->decrees[0].number) {
        char got[96];
        snprintf(got, sizeof got, "%.*s", (int)(num.len > 60 ? 60 : num.len), num.s);
        return fail(p, lineno, column_of(line, (size_t)(num.s - line)),
                    "decree number: expected a number like 'L-23-155', got \"%s\"", got);
    }
    if (p->pending)
        return fail(p, p->pending_line, 0, "annex heading not followed by its table");
    if (p->rc->ndecrees == RECUEIL_MAX_DECREES)
        return fail(p, lineno, 0, "too many decrees");
    for (size_t k = 0; k < p->rc->ndecrees; k++)
        if (strlen(p->rc->decrees[k].number) == num.len &&
            memcmp(p->rc->decrees[k].number, num.s, num.len) == 0)
            return fail(p, lineno, column_of(line, (size_t)(num.s - line)),
                        "decree N° %s appears twice (already on line %zu)",
                        p->rc->decrees[k].number, p->rc->decrees[k].line);
    recueil_decree *d = &p->rc->decrees[p->rc->ndecrees];
    memset(d, 0, sizeof *d);
    memcpy(d->number, num.s, num.len);
    d->line = lineno;
    d->kind = -1;
    p->decree = (int)p->rc->ndecrees++;
    return 0;
}

/* "Fait à Lille, le 5 mai 2023": the date of the current decree. */
static int decree_date(parser *p, const char *line, text_span t, size_t lineno)
{
    if (p->decree < 0) return 0;
    recueil_decree *d = &p->rc->decrees[p->decree];
    const char *le = NULL;
    for (size_t i = 0; i + 5 <= t.len; i++)
        if (memcmp(t.s + i, ", le ", 5) == 0) { le = t.s + i + 5; break; }
    if (!le) return 0;
    text_span when = trim(le, (size_t)(t.s + t.len - le));
    char buf[64], month[32];
    int day, year, used = 0;
    snprintf(buf, sizeof buf, "%.*s", (int)(when.len < 63 ? when.len : 63), when.s);
    char *mfold = NULL;
    int m = -1;
    if (sscanf(buf, "%d %31s %d%n", &day, month, &year, &used) == 3 && buf[used] == '\0' &&
        day >= 1 && day <= 31 && year >= 2000 && year <= 2100) {
        mfold = text_fold(month, strlen(month), NULL);
        for (int k = 0; mfold && k < 12; k++)
            if (strcmp(mfold, MONTHS[k]) == 0) m = k;
        free(mfold);
    }
    if (m < 0)
        return fail(p, lineno, column_of(line, (size_t)(when.s - line)),
                    "decree date: expected a date like '5 mai 2023', got \"%s\"", buf);
    snprintf(d->date_text, sizeof d->date_text, "%s", buf);
    snprintf(d->date_iso, sizeof d->date_iso, "%04u-%02u-%02u", (unsigned)year % 10000u,
             (unsigned)m % 12u + 1u, (unsigned)day % 100u);
    return 0;
}

static void metadata(parser *p, text_span t)
{
    recueil *rc = p->rc;
    if (!rc->title[0] && starts_with(t, "RECUEIL DES ACTES ADMINISTRATIFS"))
        snprintf(rc->title, sizeof rc->title, "%.*s", (int)t.len, t.s);
    if (!rc->published[0] && starts_with(t, "Publi\xC3\xA9 le "))
        snprintf(rc->published, sizeof rc->published, "%.*s", (int)t.len, t.s);
}

/* ----------------------------------------------------------------- tables */

/* Splits a table line into cells. Returns the count, or -1 (error set) when the line does
 * not end with '|' (a truncated row) or has too many cells. */
static int split_cells(parser *p, const char *line, size_t len, size_t lineno, cell *cells)
{
    text_span t = trim(line, len);
    if (t.len < 2 || t.s[t.len - 1] != '|')
        return fail(p, lineno, column_of(line, (size_t)(t.s + t.len - line)),
                    "truncated table row: expected '|' at the end of the line");
    int n = 0;
    const char *start = t.s + 1, *end = t.s + t.len;
    for (const char *s = start; s < end; s++) {
        if (*s != '|') continue;
        if (n == MAX_CELLS)
            return fail(p, lineno, column_of(line, (size_t)(s - line)), "too many cells");
        cells[n].off = (size_t)(start - line);
        cells[n].text = trim(start, (size_t)(s - start));
        n++;
        start = s + 1;
    }
    return n;
}

/* Column of a cell's text (its first non-blank character; the cell start if empty). */
static size_t cell_col(const char *line, const cell *c)
{
    return column_of(line, c->text.len ? (size_t)(c->text.s - line) : c->off);
}

static int is_separator(const cell *cells, int n)
{
    for (int i = 0; i < n; i++) {
        if (cells[i].text.len == 0) return 0;
        for (size_t k = 0; k < cells[i].text.len; k++)
            if (cells[i].text.s[k] != '-' && cells[i].text.s[k] != ':') return 0;
    }
    return n > 0;
}

static int is_header(const cell *cells, int n)
{
    return n > 0 && fold_starts_with(cells[0].text, "libelle etablissement");
}

static int header_row(parser *p, const char *line, const cell *cells, int n, size_t lineno)
{
    int repeated = p->table == TABLE_ROWS;   /* a page's header row again, same table */
    if (!repeated && !p->pending)
        return fail(p, lineno, 1, "table header without an annex heading above it (expected "
                    "e.g. 'OBJECTIFS MINIMAUX ... - Acad\xC3\xA9mie de Lille -')");
    int ok = (n == 3 && (fold_contains(cells[1].text, "specialite") ||
                         fold_contains(cells[1].text, "domaine"))) ||
             (n == 4 && fold_equals(cells[1].text, "commune") &&
                        (fold_contains(cells[2].text, "specialite") ||
                         fold_contains(cells[2].text, "domaine")));
    if (!ok)
        return fail(p, lineno, cell_col(line, &cells[n > 1 ? 1 : 0]),
                    "unexpected table header: expected 'Libell\xC3\xA9 \xC3\xA9tablissement | "
                    "[Commune |] Sp\xC3\xA9" "cialit\xC3\xA9/mention or Domaine | percentage'");
    annex_kind kind = repeated ? p->kind : p->pending_kind;
    size_t want = kind == ANNEX_TECHNO ? 3 : 4;
    if ((size_t)n != want)
        return fail(p, lineno, 1, "a %d-column table under a heading for the %s: expected %zu "
                    "columns", n, annex_kind_title(kind), want);
    if (repeated && (size_t)n != p->ncols)
        return fail(p, lineno, 1, "repeated header row with another number of columns");
    if (!repeated) {
        p->kind = p->pending_kind;
        p->acad = p->pending_acad;
        p->pending = 0;
    }
    p->ncols = (size_t)n;
    p->header_line = lineno;
    p->table = TABLE_HEADER;
    return 0;
}

static int parse_pct(text_span t, int *pct)
{
    if (t.len == 0 || t.len > 3) return -1;
    int v = 0;
    for (size_t i = 0; i < t.len; i++) {
        if (!isdigit((unsigned char)t.s[i])) return -1;
        v = v * 10 + (t.s[i] - '0');
    }
    if (v > 100) return -1;
    *pct = v;
    return 0;
}

static int data_row(parser *p, const char *line, size_t len, const cell *cells, int n,
                    size_t lineno)
{
    if ((size_t)n > p->ncols)
        return fail(p, lineno, cell_col(line, &cells[p->ncols]), "extra column: %d cells where "
                    "the header (line %zu) has %zu", n, p->header_line, p->ncols);
    if ((size_t)n < p->ncols) {
        text_span t = trim(line, len);   /* located at the end of the row */
        return fail(p, lineno, column_of(line, (size_t)(t.s + t.len - line)), "missing column: "
                    "%d cells where the header (line %zu) has %zu", n, p->header_line, p->ncols);
    }
    const cell *est = &cells[0], *prog = &cells[n - 2], *pct = &cells[n - 1];
    const cell *commune = n == 4 ? &cells[1] : NULL;
    if (est->text.len == 0)
        return fail(p, lineno, cell_col(line, est), "empty establishment");
    if (commune && commune->text.len == 0)
        return fail(p, lineno, cell_col(line, commune), "empty commune");
    if (prog->text.len == 0)
        return fail(p, lineno, cell_col(line, prog), "empty programme label");
    int v;
    if (parse_pct(pct->text, &v) != 0) {
        char got[64];
        snprintf(got, sizeof got, "%.*s", (int)(pct->text.len > 40 ? 40 : pct->text.len), pct->text.s);
        return fail(p, lineno, cell_col(line, pct),
                    "percentage: expected an integer from 0 to 100, got \"%s\"", got);
    }
    text_span none = { "", 0 };
    return add_row(p, est->text, commune ? commune->text : none, prog->text, v, lineno);
}

static int table_line(parser *p, const char *line, size_t len, size_t lineno)
{
    cell cells[MAX_CELLS];
    int n = split_cells(p, line, len, lineno, cells);
    if (n < 0) return -1;
    if (is_header(cells, n)) return header_row(p, line, cells, n, lineno);
    if (p->table == TABLE_NONE)
        return fail(p, lineno, 1, "table row without a header row above it");
    if (p->table == TABLE_HEADER) {
        if (!is_separator(cells, n))
            return fail(p, lineno, 1, "expected the '|---|---|' line under the header row");
        p->table = TABLE_ROWS;
        return 0;
    }
    return data_row(p, line, len, cells, n, lineno);
}

/* --------------------------------------------------------------- the loop */

static int end_table(parser *p)
{
    if (p->table == TABLE_HEADER)
        return fail(p, p->header_line, 0, "table header row without the '|---|---|' line "
                    "under it");
    p->table = TABLE_NONE;
    return 0;
}

static int parse_line(parser *p, const char *line, size_t len, size_t lineno)
{
    text_span t = trim(line, len);
    if (t.len == 0) {
        if (end_table(p)) return -1;
        return flush_paragraph(p);
    }
    if (t.s[0] == '|') {
        if (flush_paragraph(p)) return -1;
        return table_line(p, line, len, lineno);
    }
    if (end_table(p)) return -1;
    metadata(p, t);
    if (starts_with(t, "N\xC2\xB0") && t.len > 3 && (t.s[3] == ' ' || isupper((unsigned char)t.s[3])))
        if (decree_number(p, line, t, lineno)) return -1;
    if (starts_with(t, "Fait \xC3\xA0 ") && decree_date(p, line, t, lineno)) return -1;
    if (p->npara == MAX_PARA_LINES) {   /* a long paragraph: keep its last lines only */
        memmove(p->para, p->para + 1, (MAX_PARA_LINES - 1) * sizeof p->para[0]);
        memmove(p->para_line, p->para_line + 1, (MAX_PARA_LINES - 1) * sizeof p->para_line[0]);
        p->npara--;
    }
    p->para[p->npara] = t;
    p->para_line[p->npara++] = lineno;
    return 0;
}

/* After the last line: every decree complete, every annex present. */
static int check_complete(parser *p, size_t last_line)
{
    recueil *rc = p->rc;
    if (p->pending)
        return fail(p, p->pending_line, 0, "annex heading not followed by its table "
                    "(is the file truncated?)");
    for (size_t i = 0; i < rc->ndecrees; i++) {
        recueil_decree *d = &rc->decrees[i];
        if (d->kind < 0)
            return fail(p, d->line, 0, "decree without any annex table (is the file truncated?)");
        for (int a = 0; a < ACAD_N; a++)
            if (d->rows[a] == 0)
                return fail(p, d->line, 0, "decree N\xC2\xB0 %s (%s) has no table for the "
                            "acad\xC3\xA9mie of %s (is the file truncated?)", d->number,
                            annex_kind_title((annex_kind)d->kind),
                            annex_academie_name((annex_academie)a));
        if (!d->date_iso[0])
            return fail(p, d->line, 0, "decree without its date (expected a line 'Fait \xC3\xA0 "
                        "Lille, le 5 mai 2023')");
    }
    for (int k = 0; k < ANNEX_NKINDS; k++) {
        int found = 0;
        for (size_t i = 0; i < rc->ndecrees; i++) found |= rc->decrees[i].kind == k;
        if (!found)
            return fail(p, last_line, 0, "no decree with annexes for the %s was found "
                        "(is the file truncated?)", annex_kind_title((annex_kind)k));
    }
    return 0;
}

/* A line ends at LF, CRLF or a CR alone (old Mac exports; csvread counts them the same),
 * so that no CR is ever left inside a label. Returns where the line starting at off
 * ends; *next is where the following one starts. */
static size_t line_end(const char *buf, size_t off, size_t len, size_t *next)
{
    size_t i = off;
    while (i < len && buf[i] != '\n' && buf[i] != '\r') i++;
    if (i == len) { *next = len; return len; }
    *next = buf[i] == '\r' && i + 1 < len && buf[i + 1] == '\n' ? i + 2 : i + 1;
    return i;
}

int recueil_parse(recueil *rc, const char *name, const char *buf, size_t len, errloc *err)
{
    parser p = { .rc = rc, .name = name, .err = err, .decree = -1 };
    size_t bad = 0;
    text_encoding enc = encoding_detect(buf, len, &bad);
    if (enc != ENC_UTF8) {
        size_t line = 1, lstart = 0, next;
        for (size_t i = 0; i < bad; i = next) {
            size_t end = line_end(buf, i, bad, &next);
            if (end < bad) { line++; lstart = next; }
        }
        return fail(&p, line, column_of(buf + lstart, bad - lstart), "%s",
                    enc == ENC_BINARY ? "binary data (a NUL byte): expected a text file"
                                      : "not UTF-8 text: expected the recueil as UTF-8");
    }
    size_t off = 0, lineno = 0;
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) off = 3;
    if (off == len)
        return fail(&p, 0, 0, "empty file: expected the text of a recueil des actes administratifs");
    while (off < len) {
        size_t next, end = line_end(buf, off, len, &next);
        lineno++;
        /* no label comes near this; the annex files could not hold such a field anyway */
        if (end - off > RECUEIL_MAX_LINE)
            return fail(&p, lineno, column_of(buf + off, RECUEIL_MAX_LINE),
                        "line longer than %d bytes: expected the recueil's text", RECUEIL_MAX_LINE);
        if (parse_line(&p, buf + off, end - off, lineno)) return -1;
        off = next;
    }
    rc->lines = lineno;
    rc->last_line_open = len > 0 && buf[len - 1] != '\n' && buf[len - 1] != '\r';
    if (end_table(&p) || flush_paragraph(&p)) return -1;
    return check_complete(&p, lineno ? lineno : 1);
}

void recueil_free(recueil *rc)
{
    for (size_t i = 0; i < rc->nrows; i++) {
        free(rc->rows[i].establishment);
        free(rc->rows[i].commune);
        free(rc->rows[i].program);
    }
    free(rc->rows);
    for (size_t i = 0; i < rc->nanomalies; i++) free(rc->anomalies[i].detail);
    free(rc->anomalies);
    free(rc->source_name);
    memset(rc, 0, sizeof *rc);
}
