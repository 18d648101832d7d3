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

static int reserve_rows(cand_set *s)
{
    if (s->n < s->cap) return 0;
    size_t cap = s->cap ? s->cap * 2 : 256;
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

long long cand_add(cand_set *s, const char *id, size_t id_len, int bac, int boursier,
                   int resident, uint32_t line)
{
    if (s->n >= UINT32_MAX - 1 || reserve_rows(s) != 0) return -1;
    const char *pid = strpool_copy(s->pool, id, id_len);   /* ids are distinct: the index checks */
    if (!pid) return -1;
    size_t row = s->n;
    s->id[row] = pid;
    long long prev = idindex_add(&s->index, pid, id_len, (uint32_t)row, id_of, s);
    if (prev == -2) return -1;
    if (prev >= 0) return -2 - prev;
    s->bac[row] = (uint8_t)bac;
    s->boursier[row] = (uint8_t)boursier;
    s->resident[row] = (uint8_t)resident;
    s->line[row] = line;
    s->n++;
    return (long long)row;
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
static int parse_number(const char *s, double *out)
{
    size_t len = strlen(s);
    s = fieldval_trim(s, &len);
    if (len == 0 || len > 60) return 0;
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
    size_t extra_cap;
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
    if (!lc->extra_field) { FAIL(rd, 0, "out of memory"); return -1; }
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
    long long r = cand_add(s, id, id_len, bac, boursier, resident,
                           row->line > UINT32_MAX ? UINT32_MAX : (uint32_t)row->line);
    if (r == -1) { FAIL(rd, 0, "out of memory"); return -1; }
    if (r < -1) {
        FAIL(rd, lc->field_of[0], "duplicate id '%.*s' (already on line %u)",
                 (int)(id_len < SHOWN ? id_len : SHOWN), id, s->line[-2 - r]);
        return -1;
    }
    if (lc->nextra) {
        size_t need = s->n * lc->nextra;
        if (need > lc->extra_cap) {
            size_t cap = lc->extra_cap ? lc->extra_cap * 2 : 1024;
            while (cap < need) cap *= 2;
            const char **e = realloc(lc->extra, cap * sizeof *e);
            if (!e) { FAIL(rd, 0, "out of memory"); return -1; }
            lc->extra = e;
            lc->extra_cap = cap;
        }
        const char **out = lc->extra + (s->n - 1) * lc->nextra;
        for (size_t e = 0; e < lc->nextra; e++) {
            size_t len = row->len[lc->extra_field[e]];
            const char *v = fieldval_trim(row->field[lc->extra_field[e]], &len);
            out[e] = len ? strpool_intern(s->pool, v, len) : NULL;
            if (len && !out[e]) { FAIL(rd, 0, "out of memory"); return -1; }
        }
    }
    return 0;
}

/* Moves the extra texts into their columns, numeric where every value is a number. */
static int settle_columns(load_ctx *lc)
{
    cand_set *s = lc->set;
    size_t e = 0;
    for (size_t c = 0; c < s->ncols; c++) {
        cand_column *col = &s->col[c];
        if (col->kind != CC_TEXT) continue;
        col->text = malloc((s->n ? s->n : 1) * sizeof *col->text);
        col->num = malloc((s->n ? s->n : 1) * sizeof *col->num);
        if (!col->text || !col->num) return -1;
        int numeric = 1, any = 0;
        for (size_t i = 0; i < s->n; i++) {
            const char *v = lc->extra[i * lc->nextra + e];
            col->text[i] = v;
            if (!v) col->num[i] = NAN;
            else if (numeric && !parse_number(v, &col->num[i])) numeric = 0;
            else any = 1;
        }
        if (numeric && any) {
            col->kind = CC_NUMBER;
            free(col->text);
            col->text = NULL;
        } else {
            free(col->num);
            col->num = NULL;
        }
        e++;
    }
    return 0;
}

/* One attempt over buf: csvfast (fast 1) or csvread (fast 0). Returns the set, or NULL
 * with *declined set when csvfast declines (err untouched), or NULL with err filled. */
static cand_set *load_buffer(const char *name, const char *buf, size_t len, const input_opts *opts,
                             int fast, int *declined, errloc *err)
{
    load_ctx lc = { 0 };
    lc.opts = opts;
    size_t lines = 1;   /* at most one candidate a line */
    for (const char *c = buf, *e = buf + len; (c = memchr(c, '\n', (size_t)(e - c))) != NULL; c++) lines++;
    lc.set = set_alloc(name, lines);
    if (!lc.set) {
        errloc_set(err, name, 0, 0, "out of memory");
        return NULL;
    }
    int rc;
    if (fast) {
        rc = csvfast_read_buffer(buf, len, load_row, &lc);
        if (rc < 0) errloc_set(err, name, 0, 0, "out of memory");
        *declined = rc == 1;
    } else {
        csv_opts copts = { .stats = &lc.stats };
        rc = csv_read_buffer(name, buf, len, &copts, load_row, &lc, err);
    }
    if (rc == 0 && settle_columns(&lc) != 0) {
        errloc_set(err, name, 0, 0, "out of memory");
        rc = -1;
    }
    if (rc == 0 && !fast) colmap_explain_file(&lc.map, opts, name, &lc.stats);
    colmap_free(&lc.map);
    free(lc.extra);
    free(lc.extra_field);
    if (rc != 0) {
        cand_release(lc.set);
        return NULL;
    }
    return lc.set;
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
    /* the fast splitter unless --explain asks how the file was read (notes are not a
     * reason: no candidate column is replaced by a note) */
    int declined = 1;
    cand_set *s = NULL;
    if (!opts || !opts->explain) s = load_buffer(name, buf, len, opts, 1, &declined, err);
    if (!s && declined) s = load_buffer(name, buf, len, opts, 0, &declined, err);
    free(buf);
    return s;
}
