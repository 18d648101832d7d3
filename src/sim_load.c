/* sim_load.c — the CSV loaders of `admit allocate`, on csvread: columns found by header
 * name (extra columns allowed), every field checked where it stands, errors located. */
#include "sim_load.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "csvread.h"

/* ------------------------------------------------------------- fields */

/* Copies field f of row, spaces trimmed, into buf (NUL-terminated). */
static const char *trimmed(const csv_row *row, size_t f, char *buf, size_t n)
{
    const char *s = row->field[f];
    size_t len = row->len[f];
    while (len && isspace((unsigned char)*s)) { s++; len--; }
    while (len && isspace((unsigned char)s[len - 1])) len--;
    if (len >= n) len = n - 1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    return buf;
}

int sim_parse_count(const char *s, long long max, int empty_ok, long long *out, char *why, size_t n)
{
    if (*s == '\0') {
        if (empty_ok) { *out = 0; return 0; }
        snprintf(why, n, "empty, expected a whole number");
        return -1;
    }
    long long v = 0;
    for (const char *c = s; *c; c++) {
        if (*c < '0' || *c > '9') {
            snprintf(why, n, "'%s' is not a whole number (0 to %lld)", s, max);
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
    if (strcmp(s, "0") == 0 || strcmp(s, "1") == 0) { *out = s[0] == '1'; return 0; }
    snprintf(why, n, "'%s' is not a flag: expected 0 or 1", s);
    return -1;
}

/* ------------------------------------------------------------- headers */

typedef struct columns {
    const char *const *want;    /* required names */
    int nwant;
    int at[16];                 /* field index of each, -1 until found */
    int desc[SIM_NDESC];        /* optional descriptive columns (formations) */
} columns;

static int find_columns(csv_reader *rd, const csv_row *row, columns *cols, const char *expect)
{
    char name[128];
    for (int i = 0; i < cols->nwant; i++) cols->at[i] = -1;
    for (int d = 0; d < SIM_NDESC; d++) cols->desc[d] = -1;
    for (size_t f = 0; f < row->nfields; f++) {
        trimmed(row, f, name, sizeof name);
        for (char *c = name; *c; c++) *c = (char)tolower((unsigned char)*c);
        for (int i = 0; i < cols->nwant; i++)
            if (strcmp(name, cols->want[i]) == 0) {
                if (cols->at[i] >= 0) {
                    csv_fail(rd, f, "column '%s' appears twice", cols->want[i]);
                    return -1;
                }
                cols->at[i] = (int)f;
            }
        for (int d = 0; d < SIM_NDESC; d++)
            if (strcmp(name, sim_desc_names[d]) == 0 && cols->desc[d] < 0) cols->desc[d] = (int)f;
    }
    for (int i = 0; i < cols->nwant; i++)
        if (cols->at[i] < 0) {
            csv_fail(rd, 0, "missing column '%s' (the header must name %s)", cols->want[i], expect);
            return -1;
        }
    return 0;
}

/* Parses field `col` of row as a whole number, failing at its place. */
static int field_count(csv_reader *rd, const csv_row *row, int col, long long max, int empty_ok,
                       const char *what, long long *out)
{
    char buf[64], why[160];
    if (row->len[col] >= sizeof buf - 1) {
        csv_fail(rd, (size_t)col, "%s: too long for a number", what);
        return -1;
    }
    trimmed(row, (size_t)col, buf, sizeof buf);
    if (sim_parse_count(buf, max, empty_ok, out, why, sizeof why) != 0) {
        csv_fail(rd, (size_t)col, "%s: %s", what, why);
        return -1;
    }
    return 0;
}

/* ---------------------------------------------------------- formations */

static const char *const form_cols[] = { "formation_id", "capacity", "min_techno", "min_pro",
                                         "min_boursier", "min_resident" };
#define FORM_EXPECT "formation_id,capacity,min_techno,min_pro,min_boursier,min_resident"

typedef struct load_ctx {
    sim_problem *p;
    columns cols;
} load_ctx;

static int id_field(csv_reader *rd, const csv_row *row, int col, const char *what, char *buf, size_t n)
{
    if (row->len[col] >= n) {
        csv_fail(rd, (size_t)col, "%s longer than %zu bytes", what, n - 1);
        return -1;
    }
    trimmed(row, (size_t)col, buf, n);
    if (!buf[0]) {
        csv_fail(rd, (size_t)col, "empty %s", what);
        return -1;
    }
    return 0;
}

static int on_formation(void *vctx, csv_reader *rd, const csv_row *row)
{
    load_ctx *x = vctx;
    if (row->index == 0) return find_columns(rd, row, &x->cols, FORM_EXPECT);
    char id[512];
    long long v[6];
    if (id_field(rd, row, x->cols.at[0], "formation_id", id, sizeof id)) return -1;
    if (field_count(rd, row, x->cols.at[1], 10000000, 0, "capacity", &v[1])) return -1;
    for (int i = 2; i < 6; i++)
        if (field_count(rd, row, x->cols.at[i], 100, 1, form_cols[i], &v[i])) return -1;
    if (sim_find_formation(x->p, id) != SIM_NONE) {
        csv_fail(rd, (size_t)x->cols.at[0], "duplicate formation_id '%s'", id);
        return -1;
    }
    uint32_t f = sim_add_formation(x->p, id, (int)v[1], (int)v[2], (int)v[3], (int)v[4], (int)v[5]);
    if (f == SIM_NONE) { csv_fail(rd, 0, "out of memory"); return -1; }
    for (int d = 0; d < SIM_NDESC; d++)
        if (x->cols.desc[d] >= 0) {
            char text[1024];
            trimmed(row, (size_t)x->cols.desc[d], text, sizeof text);
            if (sim_set_desc(x->p, f, d, text) != 0) { csv_fail(rd, 0, "out of memory"); return -1; }
        }
    return 0;
}

int sim_load_formations(sim_problem *p, const char *path, errloc *err)
{
    load_ctx x = { .p = p, .cols = { .want = form_cols, .nwant = 6 } };
    return csv_read_file(path, NULL, NULL, on_formation, &x, err);
}

/* ---------------------------------------------------------- candidates */

static const char *const cand_cols[] = { "id", "bac", "boursier", "resident" };

static int on_candidate(void *vctx, csv_reader *rd, const csv_row *row)
{
    load_ctx *x = vctx;
    if (row->index == 0) return find_columns(rd, row, &x->cols, "id,bac,boursier,resident");
    char id[512], text[64], why[160];
    int flags[2];
    if (id_field(rd, row, x->cols.at[0], "candidate id", id, sizeof id)) return -1;
    trimmed(row, (size_t)x->cols.at[1], text, sizeof text);
    int bac = sim_parse_bac(text);
    if (bac < 0) {
        csv_fail(rd, (size_t)x->cols.at[1], "unknown bac '%s': expected general, techno or pro "
                 "(or général, technologique, professionnel)", text);
        return -1;
    }
    for (int i = 0; i < 2; i++) {
        trimmed(row, (size_t)x->cols.at[2 + i], text, sizeof text);
        if (sim_parse_flag(text, &flags[i], why, sizeof why) != 0) {
            csv_fail(rd, (size_t)x->cols.at[2 + i], "%s: %s", cand_cols[2 + i], why);
            return -1;
        }
    }
    if (sim_find_candidate(x->p, id) != SIM_NONE) {
        csv_fail(rd, (size_t)x->cols.at[0], "duplicate candidate id '%s'", id);
        return -1;
    }
    if (sim_add_candidate(x->p, id, bac, flags[0], flags[1]) == SIM_NONE) {
        csv_fail(rd, 0, "out of memory");
        return -1;
    }
    return 0;
}

int sim_load_candidates(sim_problem *p, const char *path, errloc *err)
{
    load_ctx x = { .p = p, .cols = { .want = cand_cols, .nwant = 4 } };
    return csv_read_file(path, NULL, NULL, on_candidate, &x, err);
}

/* -------------------------------------------------------------- vœux */

static const char *const wish_cols[] = { "candidate_id", "formation_id", "preference", "rank" };

static int on_wish(void *vctx, csv_reader *rd, const csv_row *row)
{
    load_ctx *x = vctx;
    if (row->index == 0) return find_columns(rd, row, &x->cols, "candidate_id,formation_id,preference,rank");
    char cid[512], fid[512];
    long long pref, rank;
    if (id_field(rd, row, x->cols.at[0], "candidate_id", cid, sizeof cid) ||
        id_field(rd, row, x->cols.at[1], "formation_id", fid, sizeof fid))
        return -1;
    uint32_t c = sim_find_candidate(x->p, cid);
    if (c == SIM_NONE) {
        csv_fail(rd, (size_t)x->cols.at[0], "unknown candidate '%s' (not in the candidates file)", cid);
        return -1;
    }
    uint32_t f = sim_find_formation(x->p, fid);
    if (f == SIM_NONE) {
        csv_fail(rd, (size_t)x->cols.at[1], "unknown formation '%s' (not in the formations file)", fid);
        return -1;
    }
    if (field_count(rd, row, x->cols.at[2], 1000000, 0, "preference", &pref) ||
        field_count(rd, row, x->cols.at[3], 2147483647, 0, "rank", &rank))
        return -1;
    if (pref == 0 || rank == 0) {
        csv_fail(rd, (size_t)x->cols.at[pref == 0 ? 2 : 3], "%s must be 1 or more (1 = %s)",
                 pref == 0 ? "preference" : "rank", pref == 0 ? "favourite" : "best ranked");
        return -1;
    }
    if (sim_add_wish(x->p, c, f, (uint32_t)pref, (uint32_t)rank, (uint32_t)row->line) == SIM_NONE) {
        csv_fail(rd, 0, "out of memory (or more than 4 billion vœux)");
        return -1;
    }
    return 0;
}

int sim_load_wishes(sim_problem *p, const char *path, errloc *err)
{
    load_ctx x = { .p = p, .cols = { .want = wish_cols, .nwant = 4 } };
    return csv_read_file(path, NULL, NULL, on_wish, &x, err);
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

void sim_relocate(const char *path, size_t line, size_t field, const char *msg, errloc *err)
{
    reloc x = { line, field, msg, 0 };
    errloc tmp;
    csv_read_file(path, NULL, NULL, on_reloc, &x, &tmp);
    if (x.done) *err = tmp;
    else errloc_set(err, path, line, 0, "%s", msg);
}

/* Field index of column `name` in path's header line (for relocating), 0 if not found.
 * Only on the error path, so a plain scan of the first line is enough. */
static size_t column_index(const char *path, const char *name)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) return 0;
    char line[8192];
    size_t idx = 0, found = 0, want = strlen(name);
    if (fgets(line, sizeof line, fp)) {
        char *s = line;
        if (strncmp(s, "\xEF\xBB\xBF", 3) == 0) s += 3;
        char delim = strchr(s, ';') && !strchr(s, ',') ? ';' : ',';
        for (char *tok = s;; idx++) {
            char *end = strchr(tok, delim);
            size_t n = end ? (size_t)(end - tok) : strcspn(tok, "\r\n");
            while (n && (tok[0] == ' ' || tok[0] == '"')) { tok++; n--; }
            while (n && (tok[n - 1] == ' ' || tok[n - 1] == '"')) n--;
            if (n == want && strncasecmp(tok, name, n) == 0) { found = idx; break; }
            if (!end) break;
            tok = end + 1;
        }
    }
    fclose(fp);
    return found;
}

sim_problem *sim_load(const char *fpath, const char *cpath, const char *wpath, errloc *err)
{
    sim_problem *p = sim_problem_new();
    if (!p) { errloc_set(err, fpath, 0, 0, "out of memory"); return NULL; }
    if (sim_load_formations(p, fpath, err) || sim_load_candidates(p, cpath, err) ||
        sim_load_wishes(p, wpath, err))
        goto fail;
    uint32_t bad;
    char what;
    errloc ierr;
    if (sim_index(p, &bad, &what, &ierr) != 0) {
        if (bad == SIM_NONE) { errloc_set(err, wpath, 0, 0, "%s", ierr.msg); goto fail; }
        const char *col = what == 'f' ? "formation_id" : what == 'p' ? "preference" : "rank";
        sim_relocate(wpath, p->w_line[bad], column_index(wpath, col), ierr.msg, err);
        goto fail;
    }
    return p;
fail:
    sim_problem_free(p);
    return NULL;
}
