/* candidates.c — loading and holding candidates (see candidates.h). Extra columns are
 * read as interned texts, then a column becomes numeric when every non-empty value in it
 * is a number ("12.5", or "12,5" as French spreadsheets write it). */
#include "candidates.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "colmap.h"
#include "csvfast.h"
#include "csvread.h"
#include "fieldval.h"
#include "input.h"
#include "rowsplit.h"
#include "groups.h"

static const char *const required[4] = { "id", "bac", "boursier", "resident" };
#define SHOWN 40   /* characters of a bad value quoted back */

/* ------------------------------------------------------------ the set */

static const char *id_of(const void *ctx, uint32_t row, size_t *len)
{
    const cand_set *s = ctx;
    *len = strlen(s->id[row]);
    return s->id[row];
}

/* expected: about how many ids will come (the id index is sized once for them). */
static cand_set *set_alloc(const char *name, size_t expected)
{
    cand_set *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->refs = 1;
    s->pool = strpool_new();
    s->indexed = 1;
    if (!s->pool || idindex_init(&s->index, expected) != 0) {
        strpool_free(s->pool);
        free(s);
        return NULL;
    }
    s->name = strpool_intern(s->pool, name, strlen(name));
    return s;
}

static int add_column(cand_set *s, const char *name, size_t len, cand_kind kind)
{
    cand_column *c = realloc(s->col, (s->ncols + 1) * sizeof *c);
    if (!c) return -1;
    s->col = c;
    c[s->ncols] = (cand_column){ strpool_intern(s->pool, name, len), kind, NULL, NULL };
    if (!c[s->ncols].name) return -1;
    s->ncols++;
    return 0;
}

cand_set *cand_new(const char *name)
{
    cand_set *s = set_alloc(name, 256);
    if (!s) return NULL;
    static const cand_kind kinds[4] = { CC_ID, CC_BAC, CC_BOURSIER, CC_RESIDENT };
    for (int i = 0; i < 4; i++)
        if (add_column(s, required[i], strlen(required[i]), kinds[i]) != 0) {
            cand_release(s);
            return NULL;
        }
    return s;
}

static int resize_rows(cand_set *s, size_t cap)
{
    const char **id = realloc(s->id, cap * sizeof *id);
    if (id) s->id = id;
    uint8_t *bac = realloc(s->bac, cap);
    if (bac) s->bac = bac;
    uint8_t *b = realloc(s->boursier, cap);
    if (b) s->boursier = b;
    uint8_t *r = realloc(s->resident, cap);
    if (r) s->resident = r;
    uint32_t *line = realloc(s->line, cap * sizeof *line);
    if (line) s->line = line;
    if (!id || !bac || !b || !r || !line) return -1;
    s->cap = cap;
    return 0;
}

static int reserve_rows(cand_set *s)
{
    return s->n < s->cap ? 0 : resize_rows(s, s->cap ? s->cap * 2 : 256);
}

/* Room for `rows` up front, when the count is known (no doubling: no peak of both copies). */
static int presize_rows(cand_set *s, size_t rows)
{
    return rows <= s->cap ? 0 : resize_rows(s, rows);
}

/* The index of every row, when the ids were checked in bulk (cand_load): built on the
 * first lookup or addition. 0, or -1 when out of memory. */
static int ensure_index(cand_set *s)
{
    if (s->indexed) return 0;
    idindex_free(&s->index);
    if (idindex_init(&s->index, s->n + 256) != 0) return -1;
    for (size_t i = 0; i < s->n; i++)
        if (idindex_add(&s->index, s->id[i], strlen(s->id[i]), (uint32_t)i, id_of, s) == -2) return -1;
    s->indexed = 1;
    return 0;
}

/* cand_add; check 0: the caller checks the ids for duplicates afterwards, all at once
 * (the index is then built only if a lookup asks for it). */
static long long add_row(cand_set *s, const char *id, size_t id_len, int bac, int boursier,
                         int resident, uint32_t line, int check)
{
    if (s->n >= UINT32_MAX - 1 || reserve_rows(s) != 0) return -1;
    if (check && ensure_index(s) != 0) return -1;
    const char *pid = strpool_copy(s->pool, id, id_len);   /* ids are distinct: the index checks */
    if (!pid) return -1;
    size_t row = s->n;
    s->id[row] = pid;
    if (!check) s->indexed = 0;
    long long prev = check ? idindex_add(&s->index, pid, id_len, (uint32_t)row, id_of, s) : -1;
    if (prev == -2) return -1;
    if (prev >= 0) return -2 - prev;
    s->bac[row] = (uint8_t)bac;
    s->boursier[row] = (uint8_t)boursier;
    s->resident[row] = (uint8_t)resident;
    s->line[row] = line;
    s->n++;
    return (long long)row;
}

long long cand_add(cand_set *s, const char *id, size_t id_len, int bac, int boursier,
                   int resident, uint32_t line)
{
    return add_row(s, id, id_len, bac, boursier, resident, line, 1);
}

void cand_retain(cand_set *s) { s->refs++; }

void cand_release(cand_set *s)
{
    if (!s || --s->refs > 0) return;
    for (size_t c = 0; c < s->ncols; c++) {
        free(s->col[c].text);
        free(s->col[c].num);
    }
    free(s->col);
    free(s->id);
    free(s->bac);
    free(s->boursier);
    free(s->resident);
    free(s->line);
    idindex_free(&s->index);
    strpool_free(s->pool);
    free(s);
}

int cand_column_index(const cand_set *s, const char *name)
{
    for (size_t c = 0; c < s->ncols; c++)
        if (strcmp(s->col[c].name, name) == 0) return (int)c;
    return -1;
}

long long cand_find(const cand_set *s, const char *id, size_t len)
{
    /* the set is not changed, only its index completed: a cache of the rows */
    if (!s->indexed && ensure_index((cand_set *)s) != 0) return -1;
    return idindex_find(&s->index, id, len, id_of, s);
}

/* ------------------------------------------------------------ values */

int cand_parse_bac(const char *s, size_t len)
{
    return fieldval_bac(s, len);
}

const char *cand_bac_name(int bac)
{
    return bac == BAC_TECHNO ? "techno" : bac == BAC_PRO ? "pro" : "general";
}

/* A number as officers type it: "12", "-3.5", "1e3", "12,5" (decimal comma). */
static int parse_number(const char *s, size_t len, double *out)
{
    s = fieldval_trim(s, &len);
    if (len == 0 || len > 60) return 0;
    if (len <= 15) {   /* a whole number (a rank, most grades' columns): exact without strtod */
        size_t i = s[0] == '-' || s[0] == '+';
        uint64_t v = 0;
        size_t d = i;
        for (; d < len && s[d] >= '0' && s[d] <= '9'; d++) v = v * 10 + (uint64_t)(s[d] - '0');
        if (d == len && d > i) {
            *out = s[0] == '-' ? -(double)v : (double)v;
            return 1;
        }
    }
    char buf[64];
    int commas = 0;
    for (size_t i = 0; i < len; i++) {
        buf[i] = s[i] == ',' ? '.' : s[i];
        commas += s[i] == ',';
    }
    buf[len] = '\0';
    if (commas > 1) return 0;
    char *end;
    double v = strtod(buf, &end);
    if (end != buf + len || !isfinite(v)) return 0;
    *out = v;
    return 1;
}

static int compare_doubles(double x, double y)
{
    int nx = isnan(x), ny = isnan(y);
    if (nx || ny) return nx - ny;   /* empty cells last */
    return (x > y) - (x < y);
}

int cand_compare(const cand_set *s, int c, uint32_t a, uint32_t b)
{
    const cand_column *col = &s->col[c];
    switch (col->kind) {
    case CC_ID: return cand_compare_ids(s, a, b);
    case CC_BAC: return (int)s->bac[a] - (int)s->bac[b];
    case CC_BOURSIER: return (int)s->boursier[a] - (int)s->boursier[b];
    case CC_RESIDENT: return (int)s->resident[a] - (int)s->resident[b];
    case CC_NUMBER: return compare_doubles(col->num[a], col->num[b]);
    case CC_TEXT: {
        const char *x = col->text[a], *y = col->text[b];
        if (!x || !y) return (!x) - (!y);
        return strcmp(x, y);
    }
    }
    return 0;
}

static int whole_number(const char *s, unsigned long long *v)
{
    if (!*s || strlen(s) > 18) return 0;
    unsigned long long x = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9') return 0;
        x = x * 10 + (unsigned)(*s - '0');
    }
    *v = x;
    return 1;
}

int cand_is_empty(const cand_set *s, int c, uint32_t row)
{
    const cand_column *col = &s->col[c];
    if (col->kind == CC_NUMBER) return isnan(col->num[row]);
    if (col->kind == CC_TEXT) return col->text[row] == NULL;
    return 0;
}

int cand_compare_ids(const cand_set *s, uint32_t a, uint32_t b)
{
    unsigned long long x, y;
    if (whole_number(s->id[a], &x) && whole_number(s->id[b], &y) && x != y)
        return x < y ? -1 : 1;
    return strcmp(s->id[a], s->id[b]);
}

/* ------------------------------------------------------------ loading */

/* csv_fail, or nothing on the fast path (rd NULL): csvread then reads the file again,
 * meets the same fault and says where. */
#define FAIL(rd, ...) do { if (rd) csv_fail(rd, __VA_ARGS__); } while (0)

typedef struct {
    cand_set *set;
    const input_opts *opts;
    colmap map;
    csv_stats stats;
    size_t field_of[4];       /* field index of id, bac, boursier, resident */
    size_t residence;         /* field of the académie de résidence, SIZE_MAX when unused */
    char academie[160];       /* the formation's académie, folded (opts->academie) */
    size_t nfields;
    size_t *extra_field;      /* field index of each extra column */
    size_t nextra;
    const char **extra;       /* row-major texts of the extra columns */
    double *extra_num;        /* row-major: their values while the column is all numbers */
    size_t extra_cap;
    size_t *text_from;        /* per extra column: first row not a number (SIZE_MAX: none yet) */
    strpool *scratch;         /* texts of the cells read as numbers: dropped, or interned
                                 into the set once their column turns out to be text */
    int bulk;                 /* ids checked all at once after the read (the fast path) */
    size_t lines;             /* of the text: no more rows can come */
} load_ctx;

_Static_assert(BAC_GENERAL == 0 && BAC_TECHNO == 1 && BAC_PRO == 2, "fieldval_bac returns these");

static const colmap_field cand_fields[] = {
    { "id", 1 }, { "bac", 1 }, { "boursier", 1 }, { "resident", 1 }, { "residence", 0 },
};

static int load_header(load_ctx *lc, csv_reader *rd, const csv_row *row)
{
    cand_set *s = lc->set;
    char why[1400];
    size_t bad;
    if (colmap_resolve(&lc->map, "candidates", cand_fields, 5, row, lc->opts,
                       "id,bac,boursier,resident", why, sizeof why, &bad) != 0) {
        FAIL(rd, bad, "%s", why);
        return -1;
    }
    if (colmap_residence(&lc->map, lc->opts, row, &lc->residence, lc->academie, sizeof lc->academie,
                         why, sizeof why) != 0) {
        FAIL(rd, lc->residence, "%s", why);
        return -1;
    }
    lc->nfields = row->nfields;
    lc->extra_field = malloc(row->nfields * sizeof *lc->extra_field);
    lc->text_from = malloc(row->nfields * sizeof *lc->text_from);
    if (!lc->extra_field || !lc->text_from) { FAIL(rd, 0, "out of memory"); return -1; }
    for (size_t f = 0; f < row->nfields; f++) lc->text_from[f] = SIZE_MAX;
    for (size_t f = 0; f < row->nfields; f++) {
        size_t len = row->len[f];
        const char *name = fieldval_trim(row->field[f], &len);
        if (len == 0) {
            FAIL(rd, f, "empty column name in the header");
            return -1;
        }
        int which = colmap_field_of(&lc->map, f);
        cand_kind kind = which >= 0 && which < 4 ? (cand_kind)which : CC_TEXT;
        if (kind != CC_TEXT) {
            lc->field_of[which] = f;
            name = required[which];
            len = strlen(name);
        }
        for (size_t c = 0; c < s->ncols; c++)
            if (strlen(s->col[c].name) == len && strncasecmp(s->col[c].name, name, len) == 0) {
                FAIL(rd, f, "duplicate column '%.*s' in the header", (int)len, name);
                return -1;
            }
        if (add_column(s, name, len, kind) != 0) { FAIL(rd, f, "out of memory"); return -1; }
        if (kind == CC_TEXT) lc->extra_field[lc->nextra++] = f;
    }
    if (lc->residence != SIZE_MAX && add_column(s, "resident", 8, CC_RESIDENT) != 0) {
        FAIL(rd, 0, "out of memory");
        return -1;
    }
    return 0;
}

/* The résident flag of a row: its column, or its académie de résidence. -1 = failed. */
static int row_resident(load_ctx *lc, csv_reader *rd, const csv_row *row)
{
    if (lc->residence != SIZE_MAX) {
        return colmap_resident_of(row->field[lc->residence], row->len[lc->residence], lc->academie);
    }
    size_t f = lc->field_of[3];
    int v = fieldval_flag(row->field[f], row->len[f]);
    if (v == FIELDVAL_EMPTY) return 0;
    if (v < 0)
        FAIL(rd, f, "resident must be a flag (" FIELDVAL_FLAGS "), got '%.*s'", SHOWN, row->field[f]);
    return v;
}

/* What the fast path stores for a cell read as a number: not empty, text not kept. */
static const char numeric_cell[] = "";

/* 1 when an earlier row of extra column e held a number (the current row is the last). */
static int column_had_number(const load_ctx *lc, size_t e)
{
    for (size_t i = 0; i + 1 < lc->set->n; i++)
        if (lc->extra[i * lc->nextra + e]) return 1;
    return 0;
}

static int load_row(void *ctx, csv_reader *rd, const csv_row *row)
{
    load_ctx *lc = ctx;
    cand_set *s = lc->set;
    if (row->index == 0) return load_header(lc, rd, row);
    size_t f = lc->field_of[0], id_len = row->len[f];
    const char *id = fieldval_trim(row->field[f], &id_len);
    if (id_len == 0) { FAIL(rd, f, "empty id"); return -1; }
    f = lc->field_of[1];
    int bac = fieldval_bac(row->field[f], row->len[f]);
    if (bac < 0) {
        size_t len = row->len[f];
        const char *v = fieldval_trim(row->field[f], &len);
        if (len == 0) FAIL(rd, f, "empty bac: expected " FIELDVAL_BACS);
        else FAIL(rd, f, "unknown bac '%.*s': expected " FIELDVAL_BACS, SHOWN, row->field[f]);
        (void)v;
        return -1;
    }
    f = lc->field_of[2];
    int boursier = fieldval_flag(row->field[f], row->len[f]);
    if (boursier == FIELDVAL_EMPTY) boursier = 0;
    if (boursier < 0) {
        FAIL(rd, f, "boursier must be a flag (" FIELDVAL_FLAGS "), got '%.*s'", SHOWN, row->field[f]);
        return -1;
    }
    int resident = row_resident(lc, rd, row);
    if (resident < 0) return -1;
    long long r = add_row(s, id, id_len, bac, boursier, resident,
                          row->line > UINT32_MAX ? UINT32_MAX : (uint32_t)row->line, !lc->bulk);
    if (r == -1) { FAIL(rd, 0, "out of memory"); return -1; }
    if (r < -1) {
        FAIL(rd, lc->field_of[0], "duplicate id '%.*s' (already on line %u)",
                 (int)(id_len < SHOWN ? id_len : SHOWN), id, s->line[-2 - r]);
        return -1;
    }
    if (lc->nextra) {
        size_t need = s->n * lc->nextra;
        if (need > lc->extra_cap) {   /* once: as many rows as lines */
            size_t cap = lc->extra_cap ? lc->extra_cap * 2 : (lc->lines ? lc->lines : 1) * lc->nextra;
            while (cap < need) cap *= 2;
            const char **e = realloc(lc->extra, cap * sizeof *e);
            if (e) lc->extra = e;
            double *x = realloc(lc->extra_num, cap * sizeof *x);
            if (x) lc->extra_num = x;
            if (!e || !x) { FAIL(rd, 0, "out of memory"); return -1; }
            lc->extra_cap = cap;
        }
        const char **out = lc->extra + (s->n - 1) * lc->nextra;
        double *num = lc->extra_num + (s->n - 1) * lc->nextra;
        for (size_t e = 0; e < lc->nextra; e++) {
            size_t len = row->len[lc->extra_field[e]];
            const char *v = fieldval_trim(row->field[lc->extra_field[e]], &len);
            num[e] = NAN;
            if (!len) { out[e] = NULL; continue; }
            /* a column of numbers (grades, a rank) is not interned: millions of distinct
             * values would only fill the pool */
            if (lc->text_from[e] == SIZE_MAX && parse_number(v, len, &num[e]))
                /* the fast path keeps no text of a number (only that the cell is not empty):
                 * should a text come after numbers, csvread reads the file again */
                out[e] = lc->bulk ? numeric_cell : strpool_copy(lc->scratch, v, len);
            else {
                if (lc->text_from[e] == SIZE_MAX) {
                    lc->text_from[e] = s->n - 1;
                    if (lc->bulk && column_had_number(lc, e)) return -1;
                }
                out[e] = strpool_intern(s->pool, v, len);
            }
            if (!out[e]) { FAIL(rd, 0, "out of memory"); return -1; }
        }
    }
    return 0;
}

/* Moves the extra values into their columns: numbers where every value is one (as read),
 * else the texts, interned (those read while the column still looked numeric too). */
static int settle_columns(load_ctx *lc)
{
    cand_set *s = lc->set;
    size_t next = 0;   /* extra columns seen */
    for (size_t c = 0; c < s->ncols; c++) {
        cand_column *col = &s->col[c];
        if (col->kind != CC_TEXT) continue;
        size_t e = next++, from = lc->text_from[e];
        int any = 0;
        for (size_t i = 0; i < s->n && !any; i++) any = lc->extra[i * lc->nextra + e] != NULL;
        if (from == SIZE_MAX && any) {
            col->kind = CC_NUMBER;
            col->num = malloc((s->n ? s->n : 1) * sizeof *col->num);
            if (!col->num) return -1;
            for (size_t i = 0; i < s->n; i++) col->num[i] = lc->extra_num[i * lc->nextra + e];
            continue;
        }
        col->text = malloc((s->n ? s->n : 1) * sizeof *col->text);
        if (!col->text) return -1;
        for (size_t i = 0; i < s->n; i++) {
            const char *v = lc->extra[i * lc->nextra + e];
            if (v && i < from) {   /* in the scratch pool */
                v = strpool_intern(s->pool, v, strlen(v));
                if (!v) return -1;
            }
            col->text[i] = v;
        }
    }
    return 0;
}

/* rowsplit's callbacks: the same load_row, fed in file order (one chunk: the pool of
 * texts is not shared between threads). */
static int split_header(void *ctx, const csv_row *header, size_t rows)
{
    load_ctx *lc = ctx;
    lc->lines = rows + 1;
    if (presize_rows(lc->set, rows) != 0) return -1;   /* sized once: no regrowth */
    return load_row(ctx, NULL, header) != 0;
}

static int split_row(void *ctx, size_t row, size_t line, const char *const *field, const size_t *len)
{
    load_ctx *lc = ctx;
    csv_row r = { row + 1, line, lc->nfields, field, len, NULL };
    return load_row(ctx, NULL, &r) != 0;
}

/* One attempt over buf: rowsplit then csvfast (fast 1), or csvread (fast 0). Returns the set, or NULL
 * with *declined set when csvfast declines (err untouched), or NULL with err filled. */
/* A reading from no row read: an empty set (its rows sized for `lines`), 0 or -1. */
static int ctx_start(load_ctx *lc, const char *name, const input_opts *opts, int bulk, size_t lines)
{
    memset(lc, 0, sizeof *lc);
    lc->opts = opts;
    lc->bulk = bulk;
    lc->lines = lines;
    /* the fast path checks the ids in bulk: no index to size (it is built on first need) */
    lc->set = set_alloc(name, bulk ? 0 : lines);
    lc->scratch = strpool_new();
    return lc->set && lc->scratch && presize_rows(lc->set, lines) == 0 ? 0 : -1;
}

/* What a reading leaves besides the set; the set too unless keep_set. */
static void ctx_end(load_ctx *lc, int keep_set)
{
    colmap_free(&lc->map);
    free(lc->extra);
    free(lc->extra_num);
    free(lc->extra_field);
    free(lc->text_from);
    strpool_free(lc->scratch);
    if (!keep_set) cand_release(lc->set);
    memset(lc, 0, sizeof *lc);
}

static cand_set *load_buffer(const char *name, char **owned, size_t len, const input_opts *opts,
                             int fast, int *declined, errloc *err)
{
    const char *buf = *owned;
    load_ctx lc;
    /* rowsplit counts the rows itself (split_header sizes the set); any other reading is
     * sized from the lines, at most one candidate a line */
    int rc = ctx_start(&lc, name, opts, fast, fast ? 0 : rowsplit_lines(buf, len));
    if (rc == 0 && fast) {
        size_t rows;
        rc = rowsplit_read(buf, len, 1, split_header, split_row, &lc, &rows);
        if (rc == 1) {   /* not plain enough for rowsplit: csvfast, from no row read */
            ctx_end(&lc, 0);
            rc = ctx_start(&lc, name, opts, 1, rowsplit_lines(buf, len));
            if (rc == 0) rc = csvfast_read_buffer(buf, len, load_row, &lc);
        }
        if (rc == 0) {   /* every id at once; a duplicate: csvread says where, as it reads */
            uint32_t first;
            long long dup = idindex_first_duplicate(lc.set->n, id_of, lc.set, &first);
            rc = dup == -2 ? -1 : dup >= 0 ? 1 : 0;
        }
        *declined = rc == 1;
        /* --explain keeps the fast path: what csvread would have counted, in one cheap
         * pass over the line ends of the plain text the fast path read */
        if (rc == 0 && opts && opts->explain) csvfast_stats(buf, len, &lc.stats);
        if (rc == 0) {   /* read for good: the text is no longer needed (a third of the memory) */
            free(*owned);
            *owned = NULL;
        }
    } else if (rc == 0) {
        csv_opts copts = { .stats = &lc.stats };
        rc = csv_read_buffer(name, buf, len, &copts, load_row, &lc, err);
        if (rc != 0) rc = 1;   /* located in err already */
    }
    if (rc == 0 && settle_columns(&lc) != 0) rc = -1;
    if (rc < 0) errloc_set(err, name, 0, 0, "out of memory");
    if (rc == 0) colmap_explain_file(&lc.map, opts, name, &lc.stats);
    cand_set *s = rc == 0 ? lc.set : NULL;
    ctx_end(&lc, rc == 0);
    return s;
}

cand_set *cand_load(const char *path, errloc *err)
{
    return cand_load_opts(path, NULL, err);
}

cand_set *cand_load_opts(const char *path, const input_opts *opts, errloc *err)
{
    const char *name = path == NULL || strcmp(path, "-") == 0 ? "stdin" : path;
    size_t len;
    char *buf = input_read(path, name, &len, err);   /* read once: stdin too */
    if (!buf) return NULL;
    /* the fast splitter first; csvread when it declines */
    int declined = 1;
    cand_set *s = csvfast_enabled() ? load_buffer(name, &buf, len, opts, 1, &declined, err) : NULL;
    if (!s && declined) s = load_buffer(name, &buf, len, opts, 0, &declined, err);
    free(buf);
    return s;
}
