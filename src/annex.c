/* annex.c — loading, filtering, lookup and rendering of annex rows (see annex.h).
 * Built on csvread (separator, BOM, CRLF, Windows-1252 handled there); this file adds
 * the meaning: the five columns, known académies, integer rates, non-empty labels. */
#include "annex.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvread.h"
#include "encoding.h"
#include "textfold.h"

static const char *const KIND_NAMES[] = { "techno", "pro", "boursier" };
static const char *const KIND_FILES[] = { "iut-techno.csv", "bts-pro.csv", "sante-boursiers.csv" };
static const char *const KIND_TITLES[] = {
    "bacheliers technologiques in IUT (BUT)",
    "bacheliers professionnels in BTS",
    "boursiers de lycée in health programmes",
};
static const char *const ACAD_NAMES[] = { "Lille", "Amiens" };

const char *annex_kind_name(annex_kind k) { return KIND_NAMES[k]; }
const char *annex_kind_file(annex_kind k) { return KIND_FILES[k]; }
const char *annex_kind_title(annex_kind k) { return KIND_TITLES[k]; }
const char *annex_academie_name(annex_academie a) { return ACAD_NAMES[a]; }

int annex_kind_parse(const char *name)
{
    for (int k = 0; k < ANNEX_NKINDS; k++)
        if (strcmp(name, KIND_NAMES[k]) == 0) return k;
    return -1;
}

char *annex_fold(const char *s, size_t len) { return text_fold(s, len, NULL); }

/* ---------------------------------------------------------------- loading */

enum { COL_ACADEMIE, COL_ESTABLISHMENT, COL_COMMUNE, COL_PROGRAM, COL_MIN_PCT, NCOLS };
static const char *const COL_NAMES[NCOLS] = {
    "academie", "establishment", "commune", "program", "min_pct"
};

typedef struct load_ctx {
    annex_table *t;
    size_t col[NCOLS];     /* field index of each column */
} load_ctx;

static void trimmed(const char *s, size_t len, const char **out, size_t *outlen)
{
    while (len && isspace((unsigned char)*s)) { s++; len--; }
    while (len && isspace((unsigned char)s[len - 1])) len--;
    *out = s;
    *outlen = len;
}

static int map_header(load_ctx *c, csv_reader *rd, const csv_row *row)
{
    for (int k = 0; k < NCOLS; k++) c->col[k] = (size_t)-1;
    for (size_t i = 0; i < row->nfields; i++) {
        const char *s;
        size_t n;
        trimmed(row->field[i], row->len[i], &s, &n);
        int found = -1;
        for (int k = 0; k < NCOLS; k++)
            if (strlen(COL_NAMES[k]) == n && memcmp(COL_NAMES[k], s, n) == 0) found = k;
        if (found < 0) {
            csv_fail(rd, i, "unknown column \"%.*s\": the header must be " ANNEX_CSV_HEADER,
                     (int)(n > 60 ? 60 : n), s);
            return -1;
        }
        if (c->col[found] != (size_t)-1) {
            csv_fail(rd, i, "column \"%s\" appears twice", COL_NAMES[found]);
            return -1;
        }
        c->col[found] = i;
    }
    for (int k = 0; k < NCOLS; k++)
        if (c->col[k] == (size_t)-1) {
            csv_fail(rd, 0, "missing column \"%s\": the header must be " ANNEX_CSV_HEADER,
                     COL_NAMES[k]);
            return -1;
        }
    return 0;
}

/* Interns the NFC form of a trimmed field and its folded form. */
static int intern_text(annex_table *t, const char *s, size_t n, const char **text, const char **fold)
{
    size_t ln, lf;
    char *nfc = text_nfc(s, n, &ln);
    char *f = nfc ? text_fold(nfc, ln, &lf) : NULL;
    *text = f ? strpool_intern(t->pool, nfc, ln) : NULL;
    *fold = *text ? strpool_intern(t->pool, f, lf) : NULL;
    free(nfc);
    free(f);
    return *fold ? 0 : -1;
}

static int parse_rate(const char *s, size_t n)
{
    if (n == 0 || n > 3) return -1;
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i])) return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v <= 100 ? v : -1;
}

static int load_row(void *vctx, csv_reader *rd, const csv_row *row)
{
    load_ctx *c = vctx;
    annex_table *t = c->t;
    if (row->index == 0) return map_header(c, rd, row);
    const char *f[NCOLS];
    size_t n[NCOLS];
    for (int k = 0; k < NCOLS; k++)
        trimmed(row->field[c->col[k]], row->len[c->col[k]], &f[k], &n[k]);
    annex_row r = { 0 };
    r.line = (uint32_t)row->line;
    char *afold = text_fold(f[COL_ACADEMIE], n[COL_ACADEMIE], NULL);
    int acad = -1;
    for (int a = 0; afold && a < ACAD_N; a++) {
        char *name = text_fold(ACAD_NAMES[a], strlen(ACAD_NAMES[a]), NULL);
        if (name && strcmp(name, afold) == 0) acad = a;
        free(name);
    }
    free(afold);
    if (acad < 0) {
        csv_fail(rd, c->col[COL_ACADEMIE], "academie: expected Lille or Amiens, got \"%.*s\"",
                 (int)(n[COL_ACADEMIE] > 60 ? 60 : n[COL_ACADEMIE]), f[COL_ACADEMIE]);
        return -1;
    }
    r.academie = (uint8_t)acad;
    static const int required[] = { COL_ESTABLISHMENT, COL_PROGRAM };
    for (size_t i = 0; i < 2; i++)
        if (n[required[i]] == 0) {
            csv_fail(rd, c->col[required[i]], "%s: empty, expected a label", COL_NAMES[required[i]]);
            return -1;
        }
    if (t->kind != ANNEX_TECHNO && n[COL_COMMUNE] == 0) {
        csv_fail(rd, c->col[COL_COMMUNE], "commune: empty, expected the commune of the "
                 "establishment (only IUT rows have none)");
        return -1;
    }
    int rate = parse_rate(f[COL_MIN_PCT], n[COL_MIN_PCT]);
    if (rate < 0) {
        csv_fail(rd, c->col[COL_MIN_PCT], "min_pct: expected an integer from 0 to 100, got \"%.*s\"",
                 (int)(n[COL_MIN_PCT] > 60 ? 60 : n[COL_MIN_PCT]), f[COL_MIN_PCT]);
        return -1;
    }
    r.min_pct = (uint8_t)rate;
    if (intern_text(t, f[COL_ESTABLISHMENT], n[COL_ESTABLISHMENT], &r.establishment, &r.establishment_fold) ||
        intern_text(t, f[COL_COMMUNE], n[COL_COMMUNE], &r.commune, &r.commune_fold) ||
        intern_text(t, f[COL_PROGRAM], n[COL_PROGRAM], &r.program, &r.program_fold)) {
        csv_fail(rd, 0, "out of memory or invalid UTF-8");
        return -1;
    }
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 128;
        annex_row *rows = realloc(t->rows, cap * sizeof *rows);
        if (!rows) {
            csv_fail(rd, 0, "out of memory");
            return -1;
        }
        t->rows = rows;
        t->cap = cap;
    }
    t->rows[t->n++] = r;
    return 0;
}

annex_table *annex_load(const char *path, const char *display, annex_kind kind, errloc *err)
{
    annex_table *t = calloc(1, sizeof *t);
    const char *name = display ? display : path;
    if (t) {
        t->kind = kind;
        t->pool = strpool_new();
        t->source = strdup(name);
    }
    if (!t || !t->pool || !t->source) {
        errloc_set(err, name, 0, 0, "out of memory");
        annex_free(t);
        return NULL;
    }
    load_ctx c = { .t = t };
    csv_opts opts = { 0 };
    if (csv_read_file(path, name, &opts, load_row, &c, err) != 0) {
        annex_free(t);
        return NULL;
    }
    return t;
}

void annex_free(annex_table *t)
{
    if (!t) return;
    strpool_free(t->pool);
    free(t->rows);
    free(t->source);
    free(t);
}

/* ------------------------------------------------------------- filtering */

static int contains(const char *hay, const char *needle)
{
    return !needle || strstr(hay, needle) != NULL;
}

int annex_row_matches(const annex_row *r, const annex_filter *f)
{
    if (f->academie) {
        char *a = text_fold(ACAD_NAMES[r->academie], strlen(ACAD_NAMES[r->academie]), NULL);
        int ok = a && strstr(a, f->academie) != NULL;
        free(a);
        if (!ok) return 0;
    }
    if (f->any && !strstr(r->establishment_fold, f->any) && !strstr(r->commune_fold, f->any) &&
        !strstr(r->program_fold, f->any))
        return 0;
    return contains(r->establishment_fold, f->establishment) &&
           contains(r->commune_fold, f->commune) && contains(r->program_fold, f->program);
}

/* ------------------------------------------------------- growable string */

typedef struct sbuf { char *s; size_t len, cap; int oom; } sbuf;

static void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(sbuf *b, const char *fmt, ...)
{
    if (b->oom) return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0) { b->oom = 1; return; }
        if (b->s && b->len + (size_t)n < b->cap) { b->len += (size_t)n; return; }
        size_t cap = b->cap ? b->cap : 256;
        while (cap <= b->len + (size_t)n) cap *= 2;
        char *s = realloc(b->s, cap);
        if (!s) { b->oom = 1; return; }
        b->s = s;
        b->cap = cap;
    }
}

static char *sb_done(sbuf *b)
{
    if (b->oom) { free(b->s); return NULL; }
    if (!b->s) sb_printf(b, "%s", "");
    return b->s;
}

/* --------------------------------------------------------------- min_rate */

#define ROW_AT(t, idx, i) (&(t)->rows[(idx) ? (idx)[i] : (i)])
#define MAX_LISTED 10

static int key_matches(const annex_row *r, const char *e, const char *p, const char *c, int exact)
{
    if (exact)
        return strcmp(r->establishment_fold, e) == 0 && strcmp(r->program_fold, p) == 0 &&
               (!c || strcmp(r->commune_fold, c) == 0);
    return strstr(r->establishment_fold, e) && strstr(r->program_fold, p) &&
           (!c || strstr(r->commune_fold, c));
}

static void list_row(sbuf *b, const annex_row *r)
{
    sb_printf(b, "\n  %s%s%s%s | %s | %d%%", r->establishment, r->commune[0] ? " (" : "",
              r->commune, r->commune[0] ? ")" : "", r->program, r->min_pct);
}

static char *unknown_key(const annex_table *t, const uint32_t *idx, size_t n, const char *e,
                         const char *est, const char *prog)
{
    sbuf b = { 0 };
    sb_printf(&b, "no %s row for establishment \"%s\" and programme \"%s\"",
              annex_kind_name(t->kind), est, prog);
    size_t listed = 0, more = 0;
    for (size_t i = 0; i < n; i++) {
        const annex_row *r = ROW_AT(t, idx, i);
        if (!strstr(r->establishment_fold, e)) continue;
        if (listed == 0) sb_printf(&b, "; the programmes of the establishments matching \"%s\":", est);
        if (listed < MAX_LISTED) { list_row(&b, r); listed++; } else more++;
    }
    if (more) sb_printf(&b, "\n  ... and %zu more", more);
    if (listed == 0) sb_printf(&b, "; no establishment matches \"%s\"", est);
    return sb_done(&b);
}

int annex_min_rate(const annex_table *t, const uint32_t *idx, size_t n,
                   const char *establishment, const char *program, const char *commune,
                   int *rate, char **why)
{
    char *e = text_fold(establishment, strlen(establishment), NULL);
    char *p = text_fold(program, strlen(program), NULL);
    char *c = commune ? text_fold(commune, strlen(commune), NULL) : NULL;
    *why = NULL;
    int status = -1;
    if (!e || !p || (commune && !c)) {
        *why = strdup("min_rate: invalid UTF-8 text");
        goto out;
    }
    size_t first = (size_t)-1, count = 0;
    int exact;
    for (exact = 1; exact >= 0 && count == 0; exact--)
        for (size_t i = 0; i < n; i++)
            if (key_matches(ROW_AT(t, idx, i), e, p, c, exact)) {
                if (count++ == 0) first = i;
            }
    exact++;   /* the pass that found the rows */
    if (count == 0) {
        *why = unknown_key(t, idx, n, e, establishment, program);
        goto out;
    }
    const annex_row *f = ROW_AT(t, idx, first);
    int same_key = 1, same_rate = 1;
    for (size_t i = first; i < n; i++) {
        const annex_row *r = ROW_AT(t, idx, i);
        if (!key_matches(r, e, p, c, exact)) continue;
        if (r->establishment != f->establishment || r->commune != f->commune || r->program != f->program)
            same_key = 0;
        else if (r->min_pct != f->min_pct)
            same_rate = 0;
    }
    if (same_key && same_rate) {
        *rate = f->min_pct;
        status = 0;
        goto out;
    }
    sbuf b = { 0 };
    if (same_key)
        sb_printf(&b, "\"%s\" / \"%s\" has %zu different rates in the source (a key repeated "
                  "with another rate):", establishment, program, count);
    else
        sb_printf(&b, "ambiguous: %zu rows match establishment \"%s\" and programme \"%s\"%s%s%s; "
                  "give the full label%s:", count, establishment, program,
                  commune ? " in \"" : "", commune ? commune : "", commune ? "\"" : "",
                  commune ? "" : " or the commune");
    size_t listed = 0;
    for (size_t i = first; i < n; i++) {
        const annex_row *r = ROW_AT(t, idx, i);
        if (!key_matches(r, e, p, c, exact)) continue;
        if (listed++ < MAX_LISTED) {
            list_row(&b, r);
            const char *base = strrchr(t->source, '/');
            sb_printf(&b, " (%s:%u)", base ? base + 1 : t->source, (unsigned)r->line);
        }
    }
    if (listed > MAX_LISTED) sb_printf(&b, "\n  ... and %zu more", listed - MAX_LISTED);
    *why = sb_done(&b);
out:
    free(e);
    free(p);
    free(c);
    return status;
}

/* ------------------------------------------------------------- rendering */

/* Characters of s, at most max (0 = no limit), padded to width. */
static void put_cell(sbuf *b, const char *s, size_t width, size_t max, int right)
{
    size_t chars = encoding_utf8_count(s, strlen(s));
    size_t shown = chars, bytes = strlen(s);
    int cut = max && chars > max;
    if (cut) {
        shown = max;
        bytes = 0;
        for (size_t k = 0; k < max - 1; k++) {   /* max-1 characters, then "…" */
            size_t sl = encoding_utf8_seqlen((const unsigned char *)s + bytes, strlen(s + bytes));
            bytes += sl ? sl : 1;
        }
    }
    size_t pad = width > shown ? width - shown : 0;
    if (right) sb_printf(b, "%*s", (int)pad, "");
    sb_printf(b, "%.*s%s", (int)bytes, s, cut ? "\xE2\x80\xA6" : "");
    if (!right) sb_printf(b, "%*s", (int)pad, "");
}

static size_t shown_width(const char *s, size_t max)
{
    size_t c = encoding_utf8_count(s, strlen(s));
    return max && c > max ? max : c;
}

size_t annex_fit_width(const annex_table *t, const uint32_t *idx, size_t n, size_t max_rows,
                       size_t total)
{
    enum { FLOOR = 12 };  /* narrower texts would not be read */
    static const size_t head[4] = { 8, 13, 7, 7 };  /* academie establishment commune program */
    size_t shown = max_rows && n > max_rows ? max_rows : n;
    size_t widest[4] = { 0, 0, 0, 0 };
    int has_commune = 0;
    for (size_t i = 0; i < shown; i++) {
        const annex_row *r = ROW_AT(t, idx, i);
        const char *cells[4] = { ACAD_NAMES[r->academie], r->establishment, r->commune, r->program };
        for (int k = 0; k < 4; k++) {
            size_t cw = shown_width(cells[k], 0);
            if (cw > widest[k]) widest[k] = cw;
        }
        has_commune |= r->commune[0] != '\0';
    }
    size_t longest = 0;
    for (int k = 0; k < 4; k++) if (widest[k] > longest) longest = widest[k];
    for (size_t cap = longest; cap >= FLOOR; cap--) {
        size_t width = strlen("min_pct");
        for (int k = 0; k < 4; k++) {
            if (k == 2 && !has_commune) continue;
            size_t w = widest[k] < cap ? widest[k] : cap;
            width += (w > head[k] ? w : head[k]) + 2;
        }
        if (width <= total) return cap == longest ? 0 : cap;
    }
    return FLOOR;
}

char *annex_format(const annex_table *t, const uint32_t *idx, size_t n, size_t max_rows,
                   size_t max_width)
{
    size_t shown = max_rows && n > max_rows ? max_rows : n;
    static const char *const head[] = { "academie", "establishment", "commune", "program", "min_pct" };
    size_t w[5];
    for (int k = 0; k < 5; k++) w[k] = strlen(head[k]);
    int has_commune = 0;
    for (size_t i = 0; i < shown; i++) {
        const annex_row *r = ROW_AT(t, idx, i);
        const char *cells[4] = { ACAD_NAMES[r->academie], r->establishment, r->commune, r->program };
        for (int k = 0; k < 4; k++) {
            size_t cw = shown_width(cells[k], max_width);
            if (cw > w[k]) w[k] = cw;
        }
        has_commune |= r->commune[0] != '\0';
    }
    sbuf b = { 0 };
    if (shown) {
        for (int k = 0; k < 5; k++) {
            if (k == 2 && !has_commune) continue;
            if (k) sb_printf(&b, "  ");
            put_cell(&b, head[k], k == 4 ? 0 : w[k], 0, 0);
        }
        sb_printf(&b, "\n");
    }
    for (size_t i = 0; i < shown; i++) {
        const annex_row *r = ROW_AT(t, idx, i);
        const char *cells[4] = { ACAD_NAMES[r->academie], r->establishment, r->commune, r->program };
        char pct[8];
        snprintf(pct, sizeof pct, "%u", (unsigned)r->min_pct);
        for (int k = 0; k < 4; k++) {
            if (k == 2 && !has_commune) continue;
            put_cell(&b, cells[k], w[k], max_width, 0);
            sb_printf(&b, "  ");
        }
        put_cell(&b, pct, w[4], 0, 1);
        sb_printf(&b, "\n");
    }
    sb_printf(&b, "%s: %zu row%s", annex_kind_name(t->kind), n, n == 1 ? "" : "s");
    if (shown < n) sb_printf(&b, " (first %zu shown; ds:table() shows them all)", shown);
    return sb_done(&b);
}
