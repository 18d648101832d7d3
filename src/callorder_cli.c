/* callorder_cli.c — the whole `admit callorder` path in C: parse the CSV (csvread), check
 * ids and ranks, compute the ordre d'appel (callorder_compute), format `id,call_rank` into
 * one buffer, and write it only once everything has succeeded, so that a failed run leaves
 * stdout empty. */
#include "callorder_cli.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "callorder.h"
#include "colmap.h"
#include "csvfast.h"
#include "csvread.h"
#include "input.h"
#include "fieldval.h"
#include "idindex.h"

enum { COL_ID, COL_RANK, COL_BOURSIER, COL_RESIDENT, COL_RESIDENCE, NCOLS };
static const char *const col_names[NCOLS] = { "id", "rank", "boursier", "resident", "residence" };
static const colmap_field ranking_fields[NCOLS] = {
    { "id", 1 }, { "rank", 1 }, { "boursier", 1 }, { "resident", 1 }, { "residence", 0 },
};

#define MAX_RANK 2147483647u   /* ranks are Java ints in Parcoursup */
#define SHOWN 40               /* characters of a bad value quoted back */

typedef struct {
    const callorder_run_opts *ro;
    colmap map;
    csv_stats stats;
    size_t col[NCOLS];         /* field index of each column (residence: SIZE_MAX if unused) */
    char academie[160];        /* folded --academie, when résident comes from the académie */
    char *kept;                /* --keep-columns: the other input fields of each candidate, CSV */
    size_t *kept_off;          /* candidate i's: kept + kept_off[i] .. kept_off[i+1] */
    size_t kept_len, kept_cap;
    char *kept_header;
    co_cand *cand;
    size_t *line;              /* source line of each candidate */
    size_t *id_off;            /* id of candidate i: ids + id_off[i], id_off[i+1]-id_off[i]-1 bytes */
    char *ids;
    size_t n, cap, ids_len, ids_cap;
    idindex index;
    int oom;
} cli_input;

/* csv_fail, or nothing on the fast path (rd NULL): csvread then reads the input again,
 * meets the same fault and says where. */
#define FAIL(rd, ...) do { if (rd) csv_fail(rd, __VA_ARGS__); } while (0)

static const char *id_text(const void *ctx, uint32_t row, size_t *len)
{
    const cli_input *in = ctx;
    *len = in->id_off[row + 1] - in->id_off[row] - 1;
    return in->ids + in->id_off[row];
}

/* Appends s[0..len) as one CSV field (quoted when needed) to the growing text *buf. */
static int append_field(char **buf, size_t *len, size_t *cap, const char *s, size_t n)
{
    if (*len + 2 * n + 4 > *cap) {
        size_t c = *cap ? *cap * 2 : 65536;
        while (c < *len + 2 * n + 4) c *= 2;
        char *nb = realloc(*buf, c);
        if (!nb) return -1;
        *buf = nb;
        *cap = c;
    }
    char *p = *buf + *len;
    *p++ = ',';
    int quote = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r' || s[i] == ';') quote = 1;
    if (quote) *p++ = '"';
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"') *p++ = '"';
        *p++ = s[i];
    }
    if (quote) *p++ = '"';
    *len = (size_t)(p - *buf);
    return 0;
}

static int find_columns(cli_input *in, csv_reader *rd, const csv_row *row)
{
    char why[1400];
    size_t bad;
    const input_opts *io = in->ro ? &in->ro->input : NULL;
    if (colmap_resolve(&in->map, "ranking", ranking_fields, NCOLS, row, io, "id,rank,boursier,resident",
                       why, sizeof why, &bad) != 0) {
        FAIL(rd, bad, "%s", why);
        return -1;
    }
    if (colmap_residence(&in->map, io, row, &in->col[COL_RESIDENCE], in->academie, sizeof in->academie,
                         why, sizeof why) != 0) {
        FAIL(rd, in->col[COL_RESIDENCE], "%s", why);
        return -1;
    }
    for (int c = 0; c < COL_RESIDENCE; c++)
        in->col[c] = in->map.at[c] >= 0 ? (size_t)in->map.at[c] : SIZE_MAX;
    if (in->ro && in->ro->keep_columns) {
        size_t len = 0, cap = 0;
        for (size_t f = 0; f < row->nfields; f++)
            if (f != in->col[COL_ID] && append_field(&in->kept_header, &len, &cap, row->field[f], row->len[f]) != 0) {
                FAIL(rd, 0, "out of memory");
                return -1;
            }
        if (!in->kept_header && !(in->kept_header = calloc(1, 1))) {
            FAIL(rd, 0, "out of memory");
            return -1;
        }
        in->kept_header[len] = '\0';
    }
    return 0;
}

/* --keep-columns: the row's fields other than the id, as CSV, for the output. */
static int keep_row(cli_input *in, const csv_row *row)
{
    for (size_t f = 0; f < row->nfields; f++) {
        if (f == in->col[COL_ID]) continue;
        size_t len = row->len[f];
        const char *v = fieldval_trim(row->field[f], &len);
        if (append_field(&in->kept, &in->kept_len, &in->kept_cap, v, len) != 0) return -1;
    }
    in->kept_off[in->n + 1] = in->kept_len;
    return 0;
}

static int reserve(cli_input *in, size_t id_len)
{
    if (in->n + 2 > in->cap) {
        size_t cap = in->cap ? in->cap * 2 : 4096;
        co_cand *c = realloc(in->cand, cap * sizeof *c);
        if (c) in->cand = c;
        size_t *l = realloc(in->line, cap * sizeof *l);
        if (l) in->line = l;
        size_t *o = realloc(in->id_off, (cap + 1) * sizeof *o);
        if (o) in->id_off = o;
        size_t *k = realloc(in->kept_off, (cap + 1) * sizeof *k);
        if (k) in->kept_off = k;
        if (!c || !l || !o || !k) return -1;
        in->cap = cap;
    }
    if (in->ids_len + id_len + 1 > in->ids_cap) {
        size_t cap = in->ids_cap ? in->ids_cap * 2 : 65536;
        while (cap < in->ids_len + id_len + 1) cap *= 2;
        char *s = realloc(in->ids, cap);
        if (!s) return -1;
        in->ids = s;
        in->ids_cap = cap;
    }
    return 0;
}

/* Room for `rows` candidates and `bytes` of ids up front (a hint: reserve still grows). */
static int presize(cli_input *in, size_t rows, size_t bytes)
{
    if (rows > in->cap) {
        co_cand *c = realloc(in->cand, rows * sizeof *c);
        if (c) in->cand = c;
        size_t *l = realloc(in->line, rows * sizeof *l);
        if (l) in->line = l;
        size_t *o = realloc(in->id_off, (rows + 1) * sizeof *o);
        if (o) in->id_off = o;
        size_t *k = realloc(in->kept_off, (rows + 1) * sizeof *k);
        if (k) in->kept_off = k;
        if (!c || !l || !o || !k) return -1;
        in->cap = rows;
    }
    if (bytes + 1 > in->ids_cap) {
        char *s = realloc(in->ids, bytes + 1);
        if (!s) return -1;
        in->ids = s;
        in->ids_cap = bytes + 1;
    }
    return 0;
}

/* Back to no row read, for csvread to read the input again after the fast path gave up. */
static int restart_input(cli_input *in, size_t lines)
{
    in->n = 0;
    in->ids_len = 0;
    in->kept_len = 0;
    free(in->kept_header);
    in->kept_header = NULL;
    colmap_free(&in->map);
    memset(&in->map, 0, sizeof in->map);
    memset(&in->stats, 0, sizeof in->stats);
    idindex_free(&in->index);
    return idindex_init(&in->index, lines);
}

static int on_row(void *ctx, csv_reader *rd, const csv_row *row)
{
    cli_input *in = ctx;
    if (row->index == 0)
        return find_columns(in, rd, row);
    size_t id_len = row->len[in->col[COL_ID]];
    const char *id = fieldval_trim(row->field[in->col[COL_ID]], &id_len);
    if (id_len == 0) {
        FAIL(rd, in->col[COL_ID], "empty id");
        return -1;
    }
    const char *rank_s = row->field[in->col[COL_RANK]];
    uint32_t rank = fieldval_positive(rank_s, row->len[in->col[COL_RANK]], MAX_RANK);
    if (rank == 0) {
        size_t rl = row->len[in->col[COL_RANK]];
        if (fieldval_trim(rank_s, &rl) && rl == 0) {
            FAIL(rd, in->col[COL_RANK], "empty rank: expected a whole number from 1 (best) to %u",
                     MAX_RANK);
            return -1;
        }
        FAIL(rd, in->col[COL_RANK], "rank must be a whole number from 1 (best) to %u, got '%.*s'",
                 MAX_RANK, SHOWN, rank_s);
        return -1;
    }
    int flag[2];
    for (int k = 0; k < 2; k++) {
        size_t f = in->col[COL_BOURSIER + k];
        if (k == 1 && in->col[COL_RESIDENCE] != SIZE_MAX) {
            f = in->col[COL_RESIDENCE];
            flag[k] = colmap_resident_of(row->field[f], row->len[f], in->academie);
            continue;
        }
        flag[k] = fieldval_flag(row->field[f], row->len[f]);
        if (flag[k] == FIELDVAL_EMPTY) flag[k] = 0;   /* an empty flag cell means no */
        if (flag[k] < 0) {
            FAIL(rd, f, "%s must be a flag (" FIELDVAL_FLAGS "), got '%.*s'",
                     col_names[COL_BOURSIER + k], SHOWN, row->field[f]);
            return -1;
        }
    }
    if (in->n >= UINT32_MAX - 1 || reserve(in, id_len) != 0) {
        in->oom = 1;
        FAIL(rd, 0, "out of memory");
        return -1;
    }
    size_t i = in->n;
    memcpy(in->ids + in->ids_len, id, id_len);
    in->ids[in->ids_len + id_len] = '\0';
    in->id_off[i] = in->ids_len;
    in->ids_len += id_len + 1;
    in->id_off[i + 1] = in->ids_len;
    long long prev = idindex_add(&in->index, id, id_len, (uint32_t)i, id_text, in);
    if (prev == -2) {
        FAIL(rd, 0, "out of memory");
        return -1;
    }
    if (prev >= 0) {
        FAIL(rd, in->col[COL_ID], "duplicate id '%.*s' (already on line %zu)",
                 (int)(id_len < SHOWN ? id_len : SHOWN), id, in->line[prev]);
        return -1;
    }
    if (in->ro && in->ro->keep_columns && keep_row(in, row) != 0) {
        FAIL(rd, 0, "out of memory");
        return -1;
    }
    in->cand[i] = (co_cand){ rank, (uint8_t)flag[0], (uint8_t)flag[1] };
    in->line[i] = row->line;
    in->n++;
    return 0;
}

static int run_buffer(const char *name, const char *buf, size_t buf_len, const callorder_run_opts *ro,
                      FILE *out, errloc *err);

/* ------------------------------------------------------------------ output */

static int needs_quotes(const char *s, size_t len)
{
    if (len && (s[0] == ' ' || s[len - 1] == ' ')) return 1;
    for (size_t i = 0; i < len; i++)
        if (s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r' || s[i] == ';') return 1;
    return 0;
}

static char *put_uint(char *p, uint64_t v)
{
    char tmp[24];
    int n = 0;
    do { tmp[n++] = (char)('0' + v % 10); v /= 10; } while (v);
    while (n) *p++ = tmp[--n];
    return p;
}

/* Formats the result; returns the malloc'd text and its length, or NULL. */
static char *format_output(const cli_input *in, const uint32_t *order, size_t *out_len)
{
    /* worst case per line: id doubled inside quotes, ',' , 10 digits, '\n' */
    size_t head = in->kept_header ? strlen(in->kept_header) : 0;
    size_t cap = 16 + head + in->kept_len + 2 * in->ids_len + in->n * 16;
    char *buf = malloc(cap), *p = buf;
    if (!buf) return NULL;
    memcpy(p, "id,call_rank", 12);
    p += 12;
    memcpy(p, in->kept_header ? in->kept_header : "", head);
    p += head;
    *p++ = '\n';
    for (size_t k = 0; k < in->n; k++) {
        /* the ids are read in call order, i.e. at random: ask for them ahead of time */
        if (k + 16 < in->n) __builtin_prefetch(&in->id_off[order[k + 16]]);
        if (k + 8 < in->n) __builtin_prefetch(in->ids + in->id_off[order[k + 8]]);
        size_t len;
        const char *id = id_text(in, order[k], &len);
        if (needs_quotes(id, len)) {
            *p++ = '"';
            for (size_t i = 0; i < len; i++) {
                if (id[i] == '"') *p++ = '"';
                *p++ = id[i];
            }
            *p++ = '"';
        } else {
            memcpy(p, id, len);
            p += len;
        }
        *p++ = ',';
        p = put_uint(p, k + 1);
        if (in->kept_header) {
            size_t a = in->kept_off[order[k]], b = in->kept_off[order[k] + 1];
            memcpy(p, in->kept + a, b - a);
            p += b - a;
        }
        *p++ = '\n';
    }
    *out_len = (size_t)(p - buf);
    return buf;
}

/* First candidate before `bad` with the same rank (for the tie message). */
static size_t earlier_same_rank(const cli_input *in, size_t bad)
{
    for (size_t i = 0; i < bad; i++)
        if (in->cand[i].rank == in->cand[bad].rank) return i;
    return bad;
}

int callorder_cli_run(const char *path, int rate_boursier, int rate_resident, int allow_ties,
                      FILE *out, errloc *err)
{
    callorder_run_opts ro = { rate_boursier, rate_resident, allow_ties, 0, { 0 } };
    return callorder_cli_run_opts(path, &ro, out, err);
}

int callorder_cli_run_opts(const char *path, const callorder_run_opts *ro, FILE *out, errloc *err)
{
    const char *name = path == NULL || strcmp(path, "-") == 0 ? "stdin" : path;
    size_t len;
    char *buf = input_read(path, name, &len, err);
    if (!buf) return -1;
    int rc = run_buffer(name, buf, len, ro, out, err);
    free(buf);
    return rc;
}

int callorder_cli_run_buffer(const char *name, const char *buf, size_t buf_len, int rate_boursier,
                             int rate_resident, int allow_ties, FILE *out, errloc *err)
{
    callorder_run_opts ro = { rate_boursier, rate_resident, allow_ties, 0, { 0 } };
    return run_buffer(name, buf, buf_len, &ro, out, err);
}

static int run_buffer(const char *name, const char *buf, size_t buf_len, const callorder_run_opts *ro,
                      FILE *out, errloc *err)
{
    int rate_boursier = ro->rate_boursier, rate_resident = ro->rate_resident, allow_ties = ro->allow_ties;
    cli_input in = { 0 };
    in.ro = ro;
    int rc = -1;
    uint32_t *order = NULL;
    char *text = NULL;
    /* sized once from the number of lines: no regrowth, no rehash */
    size_t lines = 1;
    for (const char *s = buf, *e = buf + buf_len; (s = memchr(s, '\n', (size_t)(e - s))) != NULL; s++) lines++;
    if (idindex_init(&in.index, lines) != 0 || reserve(&in, 0) != 0 || presize(&in, lines + 1, buf_len) != 0) {
        errloc_set(err, name, 0, 0, "out of memory");
        goto done;
    }
    in.kept_off[0] = 0;
    /* The fast splitter reads plain files when nothing asks for how the file was read
     * (--explain, notes); any doubt or fault and csvread reads it again from the start. */
    int fast = ro->input.explain || ro->input.notes ? 1 : csvfast_read_buffer(buf, buf_len, on_row, &in);
    if (fast < 0) {
        errloc_set(err, name, 0, 0, "out of memory");
        goto done;
    }
    if (fast == 1) {
        if (restart_input(&in, lines) != 0) {
            errloc_set(err, name, 0, 0, "out of memory");
            goto done;
        }
        csv_opts copts = { .stats = &in.stats };
        if (csv_read_buffer(name, buf, buf_len, &copts, on_row, &in, err) != 0)
            goto done;
        colmap_explain_file(&in.map, &ro->input, name, &in.stats);
    }
    order = malloc((in.n ? in.n : 1) * sizeof *order);
    if (!order) {
        errloc_set(err, name, 0, 0, "out of memory");
        goto done;
    }
    size_t bad = 0;
    switch (callorder_compute(in.cand, in.n, rate_boursier, rate_resident, allow_ties, order, &bad)) {
    case CO_OK:
        break;
    case CO_ERR_RATE:
        errloc_set(err, "callorder", 0, 0, "a minimum rate must be an integer from 0 to 100");
        goto done;
    case CO_ERR_RANK:  /* the parser refuses rank 0 already */
        errloc_set(err, name, in.line[bad], 0, "rank must be a positive integer (1 = best)");
        goto done;
    case CO_ERR_TIE:
        errloc_set(err, name, in.line[bad], 0,
                   "duplicate rank %u (already on line %zu): ranks must be distinct, "
                   "or use --allow-ties for the documented tie rule",
                   in.cand[bad].rank, in.line[earlier_same_rank(&in, bad)]);
        goto done;
    case CO_ERR_NOMEM:
        errloc_set(err, name, 0, 0, "out of memory");
        goto done;
    }
    size_t len;
    text = format_output(&in, order, &len);
    if (!text) {
        errloc_set(err, name, 0, 0, "out of memory");
        goto done;
    }
    errno = 0;
    if (fwrite(text, 1, len, out) != len || fflush(out) != 0) {
        errloc_set(err, "callorder", 0, 0, "cannot write the result to the output: %s",
                   strerror(errno ? errno : EIO));
        goto done;
    }
    rc = 0;
done:
    free(text);
    free(order);
    free(in.cand);
    free(in.line);
    free(in.id_off);
    free(in.ids);
    free(in.kept);
    free(in.kept_off);
    free(in.kept_header);
    colmap_free(&in.map);
    idindex_free(&in.index);
    return rc;
}
