/* sim_load.c — the CSV loaders of `admit allocate`, on csvread: columns found by header
 * name (extra columns allowed), every field checked where it stands, errors located. */
#include "sim_load.h"

#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "colmap.h"
#include "csvfast.h"
#include "csvread.h"
#include "fieldval.h"
#include "encoding.h"
#include "input.h"
#include "sim_wishes.h"
#include "threads.h"
#include "phases.h"

/* ------------------------------------------------------------- fields */

/* csv_fail, or nothing on the fast path (rd NULL): the caller then reads the file again
 * through csvread, which finds the same fault and locates it. */
static void fail_at(csv_reader *rd, size_t field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void fail_at(csv_reader *rd, size_t field, const char *fmt, ...)
{
    if (!rd) return;
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    csv_fail(rd, field, "%s", msg);
}

static int blank_char(char c) { return c == ' ' || c == '\t'; }

/* Copies field f of row, spaces and tabs trimmed, into buf (NUL-terminated). */
static const char *trimmed(const csv_row *row, size_t f, char *buf, size_t n)
{
    const char *s = row->field[f];
    size_t len = row->len[f];
    while (len && blank_char(*s)) { s++; len--; }
    while (len && blank_char(s[len - 1])) len--;
    if (len >= n) len = n - 1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    return buf;
}

int sim_parse_count(const char *s, long long least, long long max, int empty_ok, long long *out,
                    char *why, size_t n)
{
    if (*s == '\0') {
        if (empty_ok) { *out = 0; return 0; }
        snprintf(why, n, "empty, expected a whole number");
        return -1;
    }
    long long v = 0;
    for (const char *c = s; *c; c++) {
        if (*c < '0' || *c > '9') {
            snprintf(why, n, "'%s' is not a whole number (%lld to %lld)", s, least, max);
            return -1;
        }
        v = v * 10 + (*c - '0');
        if (v > max) {
            snprintf(why, n, "%s is too large (at most %lld)", s, max);
            return -1;
        }
    }
    *out = v;
    return 0;
}

int sim_parse_flag(const char *s, int *out, char *why, size_t n)
{
    int v = fieldval_flag(s, strlen(s));
    if (v == FIELDVAL_EMPTY) v = 0;   /* an empty flag cell means no */
    if (v >= 0) { *out = v; return 0; }
    snprintf(why, n, "'%s' is not a flag: expected " FIELDVAL_FLAGS, s);
    return -1;
}

/* ------------------------------------------------------------- headers */

typedef struct load_ctx {
    sim_problem *p;
    const input_opts *opts;
    const char *kind, *expect;
    const colmap_field *fields;
    int nfields;
    colmap cols;
    csv_stats stats;
    int stats_read;             /* stats filled by csvread (the fast path handed the file over) */
    size_t residence;           /* candidates: the académie de résidence field, or SIZE_MAX */
    char academie[160];         /* folded --academie */
    uint32_t last_cand;         /* the previous vœu's candidate, SIM_NONE at first */
    int unchecked;              /* candidates added by the fast path, their ids not checked yet */
    _Alignas(64) char last_cid[512];   /* aligned: compared with every vœu's candidate id */
    uint32_t *line;             /* line of each formation / candidate read, for duplicates */
    size_t nline, cap_line;
} load_ctx;

static int find_columns(csv_reader *rd, const csv_row *row, load_ctx *x)
{
    char why[1400];
    size_t bad;
    colmap_free(&x->cols);   /* the fast path may have read a header already */
    if (colmap_resolve(&x->cols, x->kind, x->fields, x->nfields, row, x->opts, x->expect,
                       why, sizeof why, &bad) != 0) {
        fail_at(rd, bad, "%s", why);
        return -1;
    }
    return 0;
}

/* Parses field `col` of row as a whole number, failing at its place. */
static int field_count(csv_reader *rd, const csv_row *row, int col, long long least, long long max,
                       int empty_ok, const char *what, long long *out)
{
    /* the usual case, plain digits, read in place */
    const char *f = row->field[col];
    size_t len = row->len[col];
    if (len > 0 && len <= 18) {
        long long v = 0;
        size_t i = 0;
        for (; i < len && f[i] >= '0' && f[i] <= '9'; i++) v = v * 10 + (f[i] - '0');
        if (i == len && v <= max) { *out = v; return 0; }
    }
    char buf[64], why[160];
    if (row->len[col] >= sizeof buf - 1) {
        fail_at(rd, (size_t)col, "%s: too long for a number", what);
        return -1;
    }
    trimmed(row, (size_t)col, buf, sizeof buf);
    if (sim_parse_count(buf, least, max, empty_ok, out, why, sizeof why) != 0) {
        fail_at(rd, (size_t)col, "%s: %s", what, why);
        return -1;
    }
    return 0;
}

/* One input, read once (input.h): every pass over it (fast path, csvread, relocating an
 * error) works on this text, so a stream is never opened twice. */
typedef struct text_in {
    const char *name;
    char *buf;
    size_t len;
} text_in;

static int read_rows(const text_in *in, csv_row_fn fn, load_ctx *x, int fast, errloc *err);

/* One loader on one input read here (the sim_load_* entry points, without the fast path). */
typedef int (*loader_fn)(sim_problem *p, const text_in *in, int fast, const input_opts *opts,
                         errloc *err);

static int load_path(sim_problem *p, const char *path, loader_fn load, const input_opts *opts,
                     errloc *err)
{
    text_in in = { input_name(path), NULL, 0 };
    if (!(in.buf = input_read(path, in.name, &in.len, err))) return -1;
    int rc = load(p, &in, 0, opts, err);
    free(in.buf);
    return rc;
}

/* ---------------------------------------------------------- formations */

/* formation_id and capacity are required; a missing min_* column means 0 for every
 * formation (no annex has a résident rate, for instance). The descriptive columns follow
 * (sim_desc_names order), then the observed figures of the open dataset (sim_obs_names). */
enum { FORM_DESC = 6, FORM_OBS = FORM_DESC + SIM_NDESC, FORM_NFIELDS = FORM_OBS + SIM_NOBS };
static const char *const form_cols[] = { "formation_id", "capacity", "min_techno", "min_pro",
                                         "min_boursier", "min_resident" };
static colmap_field form_fields[FORM_NFIELDS] = {
    { "formation_id", 1 }, { "capacity", 1 }, { "min_techno", 0 }, { "min_pro", 0 },
    { "min_boursier", 0 }, { "min_resident", 0 },
};
#define FORM_EXPECT "formation_id,capacity; min_techno, min_pro, min_boursier and min_resident " \
                    "are 0 when absent"

static const colmap_field *formation_fields(void)
{
    if (!form_fields[FORM_DESC].name) {   /* names shared with sim.c, set once */
        for (int d = 0; d < SIM_NDESC; d++) form_fields[FORM_DESC + d].name = sim_desc_names[d];
        for (int o = 0; o < SIM_NOBS; o++) form_fields[FORM_OBS + o].name = sim_obs_names[o];
    }
    return form_fields;
}

/* Remembers the line of the item just added (index x->nline), to name it in a
 * "duplicate ... (already on line N)" message. */
static int remember_line(load_ctx *x, const csv_row *row)
{
    if (x->nline == x->cap_line) {
        size_t cap = x->cap_line ? x->cap_line * 2 : 1024;
        uint32_t *nl = realloc(x->line, cap * sizeof *nl);
        if (!nl) return -1;
        x->line = nl;
        x->cap_line = cap;
    }
    x->line[x->nline++] = (uint32_t)row->line;
    return 0;
}

static size_t line_of(const load_ctx *x, uint32_t index)
{
    return index < x->nline ? x->line[index] : 0;
}

static int id_field(csv_reader *rd, const csv_row *row, int col, const char *what, char *buf, size_t n)
{
    if (row->len[col] >= n) {
        fail_at(rd, (size_t)col, "%s longer than %zu bytes", what, n - 1);
        return -1;
    }
    trimmed(row, (size_t)col, buf, n);
    if (!buf[0]) {
        fail_at(rd, (size_t)col, "empty %s", what);
        return -1;
    }
    return 0;
}

static int on_formation(void *vctx, csv_reader *rd, const csv_row *row)
{
    load_ctx *x = vctx;
    if (row->index == 0) return find_columns(rd, row, x);
    char id[512];
    long long v[6];
    if (id_field(rd, row, x->cols.at[0], "formation_id", id, sizeof id)) return -1;
    if (field_count(rd, row, x->cols.at[1], 0, 10000000, 0, "capacity", &v[1])) return -1;
    for (int i = 2; i < 6; i++) {
        v[i] = 0;
        if (x->cols.at[i] >= 0 && field_count(rd, row, x->cols.at[i], 0, 100, 1, form_cols[i], &v[i])) return -1;
    }
    uint32_t first = sim_find_formation(x->p, id);
    if (first != SIM_NONE) {
        fail_at(rd, (size_t)x->cols.at[0], "duplicate formation_id '%s' (already on line %zu)", id,
                line_of(x, first));
        return -1;
    }
    uint32_t f = sim_add_formation(x->p, id, (int)v[1], (int)v[2], (int)v[3], (int)v[4], (int)v[5]);
    if (f == SIM_NONE || remember_line(x, row) != 0) { fail_at(rd, 0, "out of memory"); return -1; }
    for (int d = 0; d < SIM_NDESC; d++)
        if (x->cols.at[FORM_DESC + d] >= 0) {
            char text[1024];
            trimmed(row, (size_t)x->cols.at[FORM_DESC + d], text, sizeof text);
            if (sim_set_desc(x->p, f, d, text) != 0) { fail_at(rd, 0, "out of memory"); return -1; }
        }
    for (int o = 0; o < SIM_NOBS; o++)
        if (x->cols.at[FORM_OBS + o] >= 0) {
            long long n;
            int col = x->cols.at[FORM_OBS + o];
            size_t len = row->len[col];
            fieldval_trim(row->field[col], &len);
            if (len == 0) n = -1;   /* an empty observed cell: unknown, not 0 */
            else if (field_count(rd, row, col, 0, 100000000, 0, sim_obs_names[o], &n)) return -1;
            if (sim_set_obs(x->p, f, o, (int32_t)n) != 0) { fail_at(rd, 0, "out of memory"); return -1; }
        }
    return 0;
}

static int load_formations(sim_problem *p, const text_in *in, int fast, const input_opts *opts,
                           errloc *err)
{
    load_ctx x = { .p = p, .opts = opts, .kind = "formations", .expect = FORM_EXPECT,
                   .fields = formation_fields(), .nfields = FORM_NFIELDS };
    int rc = read_rows(in, on_formation, &x, fast, err);
    free(x.line);
    return rc;
}

int sim_load_formations(sim_problem *p, const char *path, errloc *err)
{
    return load_path(p, path, load_formations, NULL, err);
}

int sim_load_formations_opts(sim_problem *p, const char *path, const input_opts *opts, errloc *err)
{
    return load_path(p, path, load_formations, opts, err);
}

/* ---------------------------------------------------------- candidates */

static const char *const cand_cols[] = { "id", "bac", "boursier", "resident" };
static const colmap_field cand_fields[] = {
    { "id", 1 }, { "bac", 1 }, { "boursier", 1 }, { "resident", 1 }, { "residence", 0 },
};

/* --keep-columns: the candidate's other columns, kept for assignments.csv. */
static int keep_columns(csv_reader *rd, const csv_row *row, load_ctx *x, uint32_t c)
{
    char text[8192];
    if (colmap_csv_tail(row, (size_t)x->cols.at[0], text, sizeof text) != 0) {
        fail_at(rd, 0, "--keep-columns: this row is longer than %zu bytes", sizeof text);
        return -1;
    }
    if (sim_set_kept(x->p, c, text) != 0) {
        fail_at(rd, 0, "out of memory");
        return -1;
    }
    return 0;
}

static int candidate_header(csv_reader *rd, const csv_row *row, load_ctx *x)
{
    char why[600];
    if (find_columns(rd, row, x) != 0) return -1;
    if (x->opts && x->opts->keep_columns && keep_columns(rd, row, x, SIM_NONE) != 0) return -1;
    if (colmap_residence(&x->cols, x->opts, row, &x->residence, x->academie, sizeof x->academie,
                         why, sizeof why) != 0) {
        fail_at(rd, x->residence, "%s", why);
        return -1;
    }
    return 0;
}

static int on_candidate(void *vctx, csv_reader *rd, const csv_row *row)
{
    load_ctx *x = vctx;
    if (row->index == 0) return candidate_header(rd, row, x);
    char id[512], text[64], why[400];
    int flags[2];
    if (id_field(rd, row, x->cols.at[0], "candidate id", id, sizeof id)) return -1;
    trimmed(row, (size_t)x->cols.at[1], text, sizeof text);
    int bac = sim_parse_bac(text);
    if (bac < 0) {
        if (!text[0]) fail_at(rd, (size_t)x->cols.at[1], "empty bac: expected " FIELDVAL_BACS);
        else fail_at(rd, (size_t)x->cols.at[1], "unknown bac '%s': expected " FIELDVAL_BACS, text);
        return -1;
    }
    for (int i = 0; i < 2; i++) {
        if (i == 1 && x->residence != SIZE_MAX) {
            flags[1] = colmap_resident_of(row->field[x->residence], row->len[x->residence], x->academie);
            break;
        }
        trimmed(row, (size_t)x->cols.at[2 + i], text, sizeof text);
        if (sim_parse_flag(text, &flags[i], why, sizeof why) != 0) {
            fail_at(rd, (size_t)x->cols.at[2 + i], "%s: %s", cand_cols[2 + i], why);
            return -1;
        }
    }
    uint32_t first, c;
    if (!rd) {
        /* the fast path: the ids are checked all at once after the last row (load_candidates);
         * a repeated one sends the file to csvread, which says where */
        c = sim_add_candidate_unchecked(x->p, id, bac, flags[0], flags[1]);
        x->unchecked = 1;
        if (c == SIM_NONE) return -1;
    } else {
        c = sim_add_candidate_new(x->p, id, bac, flags[0], flags[1], &first);
        if (first != SIM_NONE) {
            fail_at(rd, (size_t)x->cols.at[0], "duplicate candidate id '%s' (already on line %zu)", id,
                    line_of(x, first));
            return -1;
        }
        if (c == SIM_NONE || remember_line(x, row) != 0) {
            fail_at(rd, 0, "out of memory");
            return -1;
        }
    }
    if (x->opts && x->opts->keep_columns) return keep_columns(rd, row, x, c);
    return 0;
}

static int load_candidates(sim_problem *p, const text_in *in, int fast, const input_opts *opts,
                           errloc *err)
{
    load_ctx x = { .p = p, .opts = opts, .kind = "candidates", .expect = "id,bac,boursier,resident",
                   .fields = cand_fields, .nfields = 5, .residence = SIZE_MAX };
    int rc = read_rows(in, on_candidate, &x, fast, err);
    free(x.line);
    if (rc == 0 && x.unchecked) {
        uint32_t first;
        long long dup = sim_first_duplicate_candidate(p, &first);
        if (dup == -2) {
            errloc_set(err, in->name, 0, 0, "out of memory");
            return -1;
        }
        if (dup >= 0) return 1;   /* read again through csvread, which locates the repeated id */
    }
    return rc;
}

int sim_load_candidates(sim_problem *p, const char *path, errloc *err)
{
    return load_path(p, path, load_candidates, NULL, err);
}

/* -------------------------------------------------------------- vœux */

static const colmap_field wish_fields[] = {
    { "candidate_id", 1 }, { "formation_id", 1 }, { "preference", 1 }, { "rank", 1 },
};

static int on_wish(void *vctx, csv_reader *rd, const csv_row *row)
{
    load_ctx *x = vctx;
    if (row->index == 0) return find_columns(rd, row, x);
    char cid[512], fid[512];
    long long pref, rank;
    if (id_field(rd, row, x->cols.at[0], "candidate_id", cid, sizeof cid) ||
        id_field(rd, row, x->cols.at[1], "formation_id", fid, sizeof fid))
        return -1;
    /* vœux usually come grouped by candidate: look the id up once per group */
    uint32_t c = x->last_cand != SIM_NONE && strcmp(cid, x->last_cid) == 0 ? x->last_cand
                                                                          : sim_find_candidate(x->p, cid);
    if (c != SIM_NONE && c != x->last_cand) {
        x->last_cand = c;
        memcpy(x->last_cid, cid, strlen(cid) + 1);   /* both 512 bytes */
    }
    if (c == SIM_NONE) {
        fail_at(rd, (size_t)x->cols.at[0], "unknown candidate '%s' (not in the candidates file)", cid);
        return -1;
    }
    uint32_t f = sim_find_formation(x->p, fid);
    if (f == SIM_NONE) {
        fail_at(rd, (size_t)x->cols.at[1], "unknown formation '%s' (not in the formations file)", fid);
        return -1;
    }
    if (field_count(rd, row, x->cols.at[2], 1, 1000000, 0, "preference", &pref) ||
        field_count(rd, row, x->cols.at[3], 1, 2147483647, 0, "rank", &rank))
        return -1;
    if (pref == 0 || rank == 0) {
        fail_at(rd, (size_t)x->cols.at[pref == 0 ? 2 : 3], "%s must be 1 or more (1 = %s)",
                 pref == 0 ? "preference" : "rank", pref == 0 ? "favourite" : "best ranked");
        return -1;
    }
    if (sim_add_wish(x->p, c, f, (uint32_t)pref, (uint32_t)rank, (uint32_t)row->line) == SIM_NONE) {
        fail_at(rd, 0, "out of memory (or more than 4 billion vœux)");
        return -1;
    }
    return 0;
}

static int load_wishes(sim_problem *p, const text_in *in, int fast, const input_opts *opts, errloc *err)
{
    load_ctx x = { .p = p, .opts = opts, .kind = "wishes", .expect = "candidate_id,formation_id,preference,rank",
                   .fields = wish_fields, .nfields = 4, .last_cand = SIM_NONE };
    return read_rows(in, on_wish, &x, fast, err);
}

int sim_load_wishes(sim_problem *p, const char *path, errloc *err)
{
    return load_path(p, path, load_wishes, NULL, err);
}

/* ------------------------------------------------------------ fast path */

/* The inputs of a large simulation are machine-written: ASCII, no quotes. Such a text is
 * split here (fields are given by pointer and length, the text is left as it is, so that
 * csvread can still take it over) and fed to the same row callbacks, several times faster
 * than through libcsv. Anything else (a quote, a non-ASCII byte, a stray CR, a ragged row,
 * a field or line longer than csvread accepts, a field the callbacks refuse) sends the
 * caller back to csvread, which stays the reference for what is accepted and for every
 * located message. */
typedef enum { FAST_OK, FAST_FALLBACK, FAST_ERROR } fast_status;

/* Sizes the arrays (and the id maps) once from the number of lines: no regrowth, no
 * rehash on a national file. Only a hint: a failure shows again on the rows. */
static void reserve_lines(load_ctx *x, size_t lines)
{
    sim_reserve(x->p, x->kind[0] == 'f' ? lines : 0, x->kind[0] == 'c' ? lines : 0, x->kind[0] == 'w' ? lines : 0);
}

/* One pass over a text for the fast path: whether it holds a quote or a NUL byte, a byte
 * >= 0x80, and how many line feeds; sixteen bytes at a time (SSE2), on every thread for a
 * large text. The answers are summed into t[0]. */
typedef struct text_scan {
    const char *s;
    size_t n;
    struct { int quote_or_nul, high; size_t lines; } t[THREADS_MAX];
} text_scan;

static void scan_slice(void *ctx, int t, int nt)
{
    text_scan *x = ctx;
    const unsigned char *p = (const unsigned char *)x->s + x->n / (size_t)nt * (size_t)t;
    const unsigned char *e = t == nt - 1 ? (const unsigned char *)x->s + x->n
                                         : (const unsigned char *)x->s + x->n / (size_t)nt * (size_t)(t + 1);
    int odd = 0, high = 0;
    size_t lines = 0;
#ifdef __SSE2__
    const __m128i q = _mm_set1_epi8('"'), z = _mm_setzero_si128(), lf = _mm_set1_epi8('\n');
    __m128i acc = z, count = z;   /* count: line feeds per byte lane, summed every 255 blocks */
    for (int blocks = 0; e - p >= 16; p += 16) {
        __m128i b = _mm_loadu_si128((const __m128i *)(const void *)p);
        acc = _mm_or_si128(acc, _mm_or_si128(_mm_cmpeq_epi8(b, q), _mm_cmpeq_epi8(b, z)));
        high |= _mm_movemask_epi8(b);
        count = _mm_sub_epi8(count, _mm_cmpeq_epi8(b, lf));   /* a match is -1 */
        if (++blocks == 255) {
            __m128i sums = _mm_sad_epu8(count, z);
            lines += (size_t)_mm_cvtsi128_si64(sums) + (size_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(sums, sums));
            count = z;
            blocks = 0;
        }
    }
    __m128i sums = _mm_sad_epu8(count, z);
    lines += (size_t)_mm_cvtsi128_si64(sums) + (size_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(sums, sums));
    odd = _mm_movemask_epi8(acc) != 0;
#endif
    for (; p < e; p++) {
        odd |= *p == '"' || *p == 0;
        high |= *p >= 0x80;
        lines += *p == '\n';
    }
    x->t[t].quote_or_nul = odd;
    x->t[t].high = high != 0;
    x->t[t].lines = lines;
}

static void scan_text(text_scan *x)
{
    int nt = x->n < ((size_t)8 << 20) ? 1 : threads_count();
    threads_run(nt, scan_slice, x);
    for (int t = 1; t < nt; t++) {
        x->t[0].quote_or_nul |= x->t[t].quote_or_nul;
        x->t[0].high |= x->t[t].high;
        x->t[0].lines += x->t[t].lines;
    }
}

/* The vœux of a plain file through sim_wishes_parse: 0 done, 1 not plain, -1 no memory. */
static int wishes_body(load_ctx *x, const char *body, size_t len, size_t first_line, char delim,
                       size_t nfields)
{
    if (sim_sync_formation_ids(x->p) != 0) return -1;   /* the candidates' map only if needed */
    sim_wish_layout lay = { delim, nfields, (size_t)x->cols.at[0], (size_t)x->cols.at[1],
                            (size_t)x->cols.at[2], (size_t)x->cols.at[3] };
    return sim_wishes_parse(x->p, body, len, first_line, &lay);
}

/* A line of separators and spaces only: csvread skips it as an entirely empty row. */
static int only_separators(const char *p, const char *stop, char delim)
{
    for (; p < stop; p++)
        if (*p != delim && *p != ' ' && *p != '\t') return 0;
    return 1;
}

static fast_status fast_read(const text_in *in, csv_row_fn fn, void *ctx, errloc *err)
{
    size_t cap = 0, n, index = 0, header_fields = 0, line = 1;
    const char **ptrs = NULL;
    size_t *lens = NULL;
    fast_status st = FAST_FALLBACK;
    const char *s = in->buf, *end = in->buf + in->len;
    if (in->len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) s += 3;
    size_t n_text = (size_t)(end - s), bad;
    text_scan sc = { s, n_text, { { 0 } } };
    scan_text(&sc);
    if (sc.t[0].quote_or_nul) goto clean;   /* quotes, NUL bytes */
    /* the vœux body sizes its arrays itself, chunk by chunk */
    if (((load_ctx *)ctx)->kind[0] != 'w') reserve_lines(ctx, sc.t[0].lines + 1);
    if (sc.t[0].high && encoding_detect(s, n_text, &bad) != ENC_UTF8) goto clean;
    size_t commas = 0, semis = 0;
    for (const char *q = s; q < end && *q != '\n'; q++) {
        commas += *q == ',';
        semis += *q == ';';
    }
    char delim = semis > commas ? ';' : ',';
    for (const char *p = s; p < end; line++) {
        const char *e = memchr(p, '\n', (size_t)(end - p));
        if (!e) e = end;
        if ((size_t)(e - p) >= CSV_MAX_LINE) goto out;
        const char *stop = e > p && e[-1] == '\r' ? e - 1 : e;
        if (memchr(p, '\r', (size_t)(stop - p))) goto out;
        if (stop == p || ((*p == delim || *p == ' ' || *p == '\t') && only_separators(p, stop, delim))) {
            p = e + 1;   /* a blank line or Excel's ";;;;" */
            continue;
        }
        n = 0;
        for (const char *f = p;;) {
            const char *d = memchr(f, delim, (size_t)(stop - f));
            const char *fe = d ? d : stop;
            if (n == cap) {
                cap = cap ? cap * 2 : 16;
                const char **np = realloc(ptrs, cap * sizeof *np);
                size_t *nl = np ? realloc(lens, cap * sizeof *nl) : NULL;
                if (np) ptrs = np;
                if (!np || !nl) goto out;
                lens = nl;
            }
            ptrs[n] = f;
            lens[n] = (size_t)(fe - f);
            if (lens[n] > CSV_MAX_FIELD) goto out;   /* csvread refuses it, and says where */
            n++;
            if (!d) break;
            f = d + 1;
        }
        if (index == 0) header_fields = n;
        else if (n != header_fields) goto out;
        if (index == 0 && !csvfast_named_header(ptrs, lens, n)) {
            free(ptrs);   /* columns with no name: csvread leaves them out, nothing read yet */
            free(lens);
            goto clean;
        }
        csv_row row = { index, line, n, ptrs, lens, NULL };
        if (fn(ctx, NULL, &row) != 0) goto out;
        index++;
        p = e + 1;
        if (index == 1 && ((load_ctx *)ctx)->kind[0] == 'w') {
            /* the vœux after the header: on every core when plain, else row by row below */
            int rc = wishes_body(ctx, p < end ? p : end, p < end ? (size_t)(end - p) : 0, line + 1,
                                 delim, header_fields);
            if (rc < 0) goto out;
            if (rc == 0) { st = FAST_OK; goto out; }
        }
    }
    if (index > 0) st = FAST_OK;
out:
    free(ptrs);
    free(lens);
    return st;
clean:  /* nothing was read yet: csvread takes this text over, no need to start again */
    {
        csv_opts copts = { .stats = &((load_ctx *)ctx)->stats };
        ((load_ctx *)ctx)->stats_read = 1;
        return csv_read_buffer(in->name, in->buf, in->len, &copts, fn, ctx, err) == 0 ? FAST_OK : FAST_ERROR;
    }
}

/* Reads the rows of in into the callback, fast when allowed; 1 = start again without the
 * fast path. */
static int read_rows(const text_in *in, csv_row_fn fn, load_ctx *x, int fast, errloc *err)
{
    int rc;
    if (!fast) {
        csv_opts copts = { .stats = &x->stats };
        rc = csv_read_buffer(in->name, in->buf, in->len, &copts, fn, x, err);
    } else {
        fast_status st = fast_read(in, fn, x, err);
        rc = st == FAST_OK ? 0 : st == FAST_ERROR ? -1 : 1;
        /* --explain keeps the fast path: what csvread would have counted, in one cheap
         * pass over the line ends of the plain text the fast path read */
        if (rc == 0 && !x->stats_read && x->opts && x->opts->explain)
            csvfast_stats(in->buf, in->len, &x->stats);
    }
    if (rc == 0) colmap_explain_file(&x->cols, x->opts, in->name, &x->stats);
    colmap_free(&x->cols);
    return rc;
}

/* ----------------------------------------------------------- relocating */

typedef struct reloc {
    size_t line, field;
    const char *msg;
    int done;
} reloc;

static int on_reloc(void *vctx, csv_reader *rd, const csv_row *row)
{
    reloc *x = vctx;
    if (row->line != x->line) return 0;
    csv_fail(rd, x->field < row->nfields ? x->field : 0, "%s", x->msg);
    x->done = 1;
    return -1;
}

/* Reports msg at (line, field) of the text in: "name:line:col: msg". */
static void relocate_in(const text_in *in, size_t line, size_t field, const char *msg, errloc *err)
{
    reloc x = { line, field, msg, 0 };
    errloc tmp;
    csv_read_buffer(in->name, in->buf, in->len, NULL, on_reloc, &x, &tmp);
    if (x.done) *err = tmp;
    else errloc_set(err, in->name, line, 0, "%s", msg);
}

void sim_relocate(const char *path, size_t line, size_t field, const char *msg, errloc *err)
{
    text_in in = { input_name(path), NULL, 0 };
    if (!(in.buf = input_read(path, in.name, &in.len, err))) return;
    relocate_in(&in, line, field, msg, err);
    free(in.buf);
}

/* Field index of column `name` in the header line of in (for relocating), 0 if not found.
 * Only on the error path, so a plain scan of the first line is enough. */
static size_t column_index(const text_in *in, const char *name)
{
    size_t idx = 0, found = 0, want = strlen(name);
    const char *s = in->buf;
    if (strncmp(s, "\xEF\xBB\xBF", 3) == 0) s += 3;
    size_t line_len = strcspn(s, "\r\n");
    size_t commas = 0, semis = 0;   /* the separator csvread detects on this line */
    for (size_t i = 0; i < line_len; i++) {
        commas += s[i] == ',';
        semis += s[i] == ';';
    }
    char delim = semis > commas ? ';' : ',';
    for (const char *tok = s, *stop = s + line_len;; idx++) {
        const char *end = memchr(tok, delim, (size_t)(stop - tok));
        size_t n = end ? (size_t)(end - tok) : (size_t)(stop - tok);
        while (n && (tok[0] == ' ' || tok[0] == '"')) { tok++; n--; }
        while (n && (tok[n - 1] == ' ' || tok[n - 1] == '"')) n--;
        if ((n == want && strncasecmp(tok, name, n) == 0) || colmap_is_field(tok, n, name)) {
            found = idx;
            break;
        }
        if (!end) break;
        tok = end + 1;
    }
    return found;
}

/* What admit does instead of the columns a formations file in the open dataset layout
 * lacks (it has observed figures but no minimum rates, or only some figures). */
static void note_formations(const sim_problem *p, const char *path, explain *notes)
{
    int observed = 0;
    for (int o = 0; o < SIM_NOBS; o++) observed |= p->f_obs[o] != NULL;
    if (!observed || !notes) return;
    int mins = 0;
    for (uint32_t f = 0; f < p->nf && !mins; f++)
        mins = p->f_min_techno[f] || p->f_min_pro[f] || p->f_min_boursier[f] || p->f_min_resident[f];
    if (!mins)
        explain_printf(notes, "admit: %s: no formation has a minimum rate (min_techno, min_pro, min_boursier, "
                       "min_resident: the open dataset does not publish them, so every minimum is 0): the "
                       "formations are simulated without one; add the columns or map them with --columns\n", path);
    static const int kinds[3] = { SIM_OBS_ADMITTED_TECHNO, SIM_OBS_ADMITTED_PRO, SIM_OBS_ADMITTED_BOURSIER };
    static const char *const what[3] = { "techno", "pro", "boursier" };
    if (!p->f_obs[SIM_OBS_ADMITTED])
        explain_printf(notes, "admit: %s: no column 'admitted' (acc_tot): observed shares are not compared\n", path);
    else
        for (int k = 0; k < 3; k++)
            if (!p->f_obs[kinds[k]])
                explain_printf(notes, "admit: %s: no column '%s' (acc_%s): the observed %s share is not "
                               "compared\n", path, sim_obs_names[kinds[k]], k == 0 ? "bt" : k == 1 ? "bp" : "brs",
                               what[k]);
}

/* Reads input i once, and keeps the SHA-256 of a regular file for the provenance (the
 * bytes are here already: not read again later). */
static int read_input(text_in *in, const char *path, errloc *err)
{
    struct stat st;
    int regular = input_stat_file(path, &st) == 0;
    if (!(in->buf = input_read(path, in->name, &in->len, err))) return -1;
    if (regular) input_keep_digest(path, &st, in->buf, in->len);
    return 0;
}

/* The vœux file is most of the bytes (314 MB on a national run): it is read and hashed on a
 * second thread while the formations and candidates are parsed on this one. */
typedef struct wishes_reader {
    const char *path;
    text_in *in;
    errloc err;
    int rc;
    pthread_t tid;
    int started;
} wishes_reader;

static void *read_wishes(void *arg)
{
    wishes_reader *wr = arg;
    wr->rc = read_input(wr->in, wr->path, &wr->err);
    return NULL;
}

/* Waits for the vœux file; its read error, if any, goes first (as when the files were read
 * one after the other before any parsing). */
static int join_wishes(wishes_reader *wr, errloc *err)
{
    if (wr->started) {
        pthread_join(wr->tid, NULL);
        wr->started = 0;
        if (wr->rc != 0) { *err = wr->err; return -1; }
    }
    return 0;
}

/* Waits for the vœux file and drops its read error: an earlier file's error goes first. */
static void drop_wishes(wishes_reader *wr)
{
    if (wr->started) pthread_join(wr->tid, NULL);
    wr->started = 0;
}

/* Reads the three inputs once each; with two cores the vœux file is read on wr's thread,
 * begun first, beside the other two. A stream named twice (`-` for two files) could only
 * give its text to the first: refused with a message saying so. Errors come in the order
 * of a reading one file after the other. */
static int read_inputs(text_in in[3], const char *const path[3], wishes_reader *wr, errloc *err)
{
    int shared = 0;   /* the vœux named by a stream another input names: read in turn */
    for (int j = 0; j < 2; j++) shared |= input_is_stream(path[2]) && input_same(path[2], path[j]);
    in[2].name = input_name(path[2]);
    if (!shared && threads_count() > 1) {
        *wr = (wishes_reader){ path[2], &in[2], { { 0 } }, -1, 0, 0 };
        wr->started = pthread_create(&wr->tid, NULL, read_wishes, wr) == 0;
    }
    for (int i = 0; i < 3; i++) {
        in[i].name = input_name(path[i]);
        for (int j = 0; j < i; j++)
            if (input_is_stream(path[i]) && input_same(path[i], path[j])) {
                errloc_set(err, in[i].name, 0, 0, "given for two inputs, but a stream can be "
                           "read only once: save each input to its own file");
                drop_wishes(wr);
                return -1;
            }
        if (i == 2 && wr->started) return 0;
        if (read_input(&in[i], path[i], err) != 0) {
            drop_wishes(wr);
            return -1;
        }
    }
    return 0;
}

/* One attempt; 1 = something the fast path does not take: start again through csvread. */
static int load_all(sim_problem *p, const text_in in[3], wishes_reader *wr, int fast,
                    const input_opts *opts, errloc *err)
{
    int rc = load_formations(p, &in[0], fast, opts, err);
    phases_mark("load formations");
    if (rc == 0) rc = load_candidates(p, &in[1], fast, opts, err);
    phases_mark("load candidates");
    if (join_wishes(wr, err) != 0) return -1;
    phases_mark("wait for W.csv read");
    if (rc != 0) return rc;
    rc = load_wishes(p, &in[2], fast, opts, err);
    phases_mark("load vœux");
    return rc;
}

sim_problem *sim_load(const char *fpath, const char *cpath, const char *wpath, errloc *err)
{
    return sim_load_opts(fpath, cpath, wpath, NULL, err);
}

sim_problem *sim_load_opts(const char *fpath, const char *cpath, const char *wpath,
                           const input_opts *opts, errloc *err)
{
    sim_problem *p = NULL;
    const char *const path[3] = { fpath, cpath, wpath };
    text_in in[3] = { { 0 } };
    wishes_reader wr = { .started = 0 };
    phases_mark(NULL);
    if (read_inputs(in, path, &wr, err) != 0) goto fail;
    phases_mark("read F.csv, C.csv");
    for (int fast = 1; fast >= 0; fast--) {
        sim_problem_free(p);
        p = sim_problem_new();
        if (!p) { errloc_set(err, in[0].name, 0, 0, "out of memory"); goto fail; }
        int rc = load_all(p, in, &wr, fast, opts, err);
        if (rc < 0) goto fail;
        if (rc == 0) break;
    }
    if (opts) note_formations(p, in[0].name, opts->notes);
    uint32_t bad;
    char what;
    errloc ierr;
    if (sim_index(p, &bad, &what, &ierr) != 0) {
        if (bad == SIM_NONE) { errloc_set(err, in[2].name, 0, 0, "%s", ierr.msg); goto fail; }
        const char *col = what == 'f' ? "formation_id" : what == 'p' ? "preference" : "rank";
        relocate_in(&in[2], sim_wish_line(p, bad), column_index(&in[2], col), ierr.msg, err);
        goto fail;
    }
    free(in[0].buf);
    free(in[1].buf);
    sim_give_spare(p, in[2].buf, in[2].len + 1);   /* the allocation's scratch */
    return p;
fail:
    if (wr.started) {   /* an error before the vœux were needed: still the read's to report first */
        errloc mine = *err;
        if (join_wishes(&wr, err) == 0) *err = mine;
    }
    for (int i = 0; i < 3; i++) free(in[i].buf);
    sim_problem_free(p);
    return NULL;
}
