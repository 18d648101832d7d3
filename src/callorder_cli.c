/* callorder_cli.c — the whole `admit callorder` path in C: parse the CSV (rowsplit on the
 * threads, csvfast, csvread), check ids and ranks, compute the ordre d'appel
 * (callorder_compute), and only once everything has succeeded write `id,call_rank`, by
 * blocks formatted on the threads, so that a failed run leaves stdout empty. */
#include "callorder_cli.h"

#include <errno.h>
#include <pthread.h>
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
#include "rowsplit.h"
#include "phases.h"
#include "threads.h"

enum { COL_ID, COL_RANK, COL_BOURSIER, COL_RESIDENT, COL_RESIDENCE, NCOLS };
static const char *const col_names[NCOLS] = { "id", "rank", "boursier", "resident", "residence" };
static const colmap_field ranking_fields[NCOLS] = {
    { "id", 1 }, { "rank", 1 }, { "boursier", 1 }, { "resident", 1 }, { "residence", 0 },
};

#define MAX_RANK 2147483647u   /* ranks are Java ints in Parcoursup */
#define SHOWN 40               /* characters of a bad value quoted back */

/* An id of up to ID_INLINE bytes is held in its 16-byte record: the output reads the ids
 * in call order, i.e. at random, and this makes it one cache miss per line, not two. A
 * longer one (len = ID_LONG) is at offset `at` of the ids text, `long_len` bytes. */
#define ID_INLINE 15
#define ID_LONG 255
typedef union {
    struct { char text[ID_INLINE]; uint8_t len; } in;
    struct { uint64_t at; uint32_t long_len; char pad[3]; uint8_t len; } out;
} id_rec;
_Static_assert(sizeof(id_rec) == 16, "one record, a quarter of a cache line");

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
    uint32_t *line;            /* source line of each candidate (inputs are under 4 GiB) */
    int rows_are_lines;        /* read by rowsplit: row i is on line i + 2, line not filled */
    id_rec *id;                /* id of candidate i: inline when short, else in ids */
    char *ids;                 /* the ids longer than ID_INLINE bytes */
    size_t n, cap, ids_len, ids_cap;
    idindex index;             /* csvread's path: ids checked as they come */
    int oom;
} cli_input;

/* csv_fail, or nothing on the fast path (rd NULL): csvread then reads the input again,
 * meets the same fault and says where. */
#define FAIL(rd, ...) do { if (rd) csv_fail(rd, __VA_ARGS__); } while (0)

static const char *id_text(const void *ctx, uint32_t row, size_t *len)
{
    const cli_input *in = ctx;
    const id_rec *r = &in->id[row];
    if (r->in.len != ID_LONG) {
        *len = r->in.len;
        return r->in.text;
    }
    *len = r->out.long_len;
    return in->ids + r->out.at;
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

/* --keep-columns: the other fields of each row are kept (kept_off is allocated). */
static int keeps(const cli_input *in) { return in->ro && in->ro->keep_columns; }

static int reserve(cli_input *in, size_t id_len)
{
    if (in->n + 2 > in->cap) {
        size_t cap = in->cap ? in->cap * 2 : 4096;
        co_cand *c = realloc(in->cand, cap * sizeof *c);
        if (c) in->cand = c;
        uint32_t *l = realloc(in->line, cap * sizeof *l);
        if (l) in->line = l;
        id_rec *o = realloc(in->id, cap * sizeof *o);
        if (o) in->id = o;
        size_t *k = keeps(in) ? realloc(in->kept_off, (cap + 1) * sizeof *k) : in->kept_off;
        if (k) in->kept_off = k;
        if (!c || !l || !o || (keeps(in) && !k)) return -1;
        in->cap = cap;
    }
    if (id_len > ID_INLINE && in->ids_len + id_len + 1 > in->ids_cap) {
        size_t cap = in->ids_cap ? in->ids_cap * 2 : 65536;
        while (cap < in->ids_len + id_len + 1) cap *= 2;
        char *s = realloc(in->ids, cap);
        if (!s) return -1;
        in->ids = s;
        in->ids_cap = cap;
    }
    return 0;
}

/* Room for `rows` candidates up front (a hint: reserve still grows). */
static int presize(cli_input *in, size_t rows)
{
    if (rows > in->cap) {
        co_cand *c = realloc(in->cand, rows * sizeof *c);
        if (c) in->cand = c;
        uint32_t *l = realloc(in->line, rows * sizeof *l);
        if (l) in->line = l;
        id_rec *o = realloc(in->id, rows * sizeof *o);
        if (o) in->id = o;
        size_t *k = keeps(in) ? realloc(in->kept_off, (rows + 1) * sizeof *k) : in->kept_off;
        if (k) in->kept_off = k;
        if (!c || !l || !o || (keeps(in) && !k)) return -1;
        in->cap = rows;
    }
    idindex_hugepages(in->id, rows * sizeof *in->id);
    return 0;
}

/* Back to no row read, for another reader to read the input again. */
static void reset_input(cli_input *in)
{
    in->n = 0;
    in->rows_are_lines = 0;
    in->ids_len = 0;
    in->kept_len = 0;
    free(in->kept_header);
    in->kept_header = NULL;
    colmap_free(&in->map);
    memset(&in->map, 0, sizeof in->map);
    memset(&in->stats, 0, sizeof in->stats);
}

/* The same, for csvread after the fast paths gave up: it checks the ids as they come. */
static int restart_input(cli_input *in, size_t lines)
{
    reset_input(in);
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
    id_rec *r = &in->id[i];
    if (id_len <= ID_INLINE) {
        memcpy(r->in.text, id, id_len);
        r->in.len = (uint8_t)id_len;
    } else {
        memcpy(in->ids + in->ids_len, id, id_len);
        in->ids[in->ids_len + id_len] = '\0';
        r->out.at = in->ids_len;
        r->out.long_len = (uint32_t)id_len;
        r->out.len = ID_LONG;
        in->ids_len += id_len + 1;
    }
    /* the fast path checks every id at once when the file is read (run_buffer) */
    long long prev = rd ? idindex_add(&in->index, id, id_len, (uint32_t)i, id_text, in) : -1;
    if (prev == -2) {
        FAIL(rd, 0, "out of memory");
        return -1;
    }
    if (prev >= 0) {
        FAIL(rd, in->col[COL_ID], "duplicate id '%.*s' (already on line %zu)",
                 (int)(id_len < SHOWN ? id_len : SHOWN), id, (size_t)in->line[prev]);
        return -1;
    }
    if (in->ro && in->ro->keep_columns && keep_row(in, row) != 0) {
        FAIL(rd, 0, "out of memory");
        return -1;
    }
    in->cand[i] = (co_cand){ rank, (uint8_t)flag[0], (uint8_t)flag[1] };
    in->line[i] = (uint32_t)row->line;
    in->n++;
    return 0;
}

static int run_buffer(const char *name, const char *buf, size_t buf_len, char *owned,
                      const callorder_run_opts *ro, FILE *out, errloc *err);

/* ------------------------------------------------- plain files, on the threads */

/* The header for rowsplit: the columns as on_row finds them; the parallel reader takes
 * only the plain case (flags in their columns, ids checked in bulk, no kept fields). */
static int on_split_header(void *ctx, const csv_row *header, size_t rows)
{
    cli_input *in = ctx;
    if (find_columns(in, NULL, header) != 0) return 1;
    if (in->col[COL_RESIDENCE] != SIZE_MAX || keeps(in)) return 1;
    return presize(in, rows + 1) == 0 ? 0 : -1;   /* sized once: no regrowth */
}

/* One row, from any thread: it goes to its own index. Anything but a well-formed row with
 * a short id declines (csvread then says what is wrong, and where). */
static int on_split_row(void *ctx, size_t row, size_t line, const char *const *field, const size_t *len)
{
    cli_input *in = ctx;
    size_t id_len = len[in->col[COL_ID]];
    const char *id = fieldval_trim(field[in->col[COL_ID]], &id_len);
    if (id_len == 0 || id_len > ID_INLINE) return 1;
    uint32_t rank = fieldval_positive(field[in->col[COL_RANK]], len[in->col[COL_RANK]], MAX_RANK);
    int flag[2];
    for (int k = 0; k < 2; k++) {
        size_t f = in->col[COL_BOURSIER + k];
        flag[k] = fieldval_flag(field[f], len[f]);
        if (flag[k] == FIELDVAL_EMPTY) flag[k] = 0;   /* an empty flag cell means no */
    }
    if (rank == 0 || flag[0] < 0 || flag[1] < 0 || row >= in->cap) return 1;
    id_rec *r = &in->id[row];
    memcpy(r->in.text, id, id_len);
    r->in.len = (uint8_t)id_len;
    in->cand[row] = (co_cand){ rank, (uint8_t)flag[0], (uint8_t)flag[1] };
    (void)line;   /* i + 2: rowsplit takes no blank line (line_of) */
    return 0;
}

/* Reads a plain buffer on the threads: 0 (in->n set), 1 declined (in reset), -1 no memory. */
static int read_split(cli_input *in, const char *buf, size_t len)
{
    size_t rows = 0;
    int nt = len < ((size_t)1 << 20) ? 1 : threads_count();
    int rc = rowsplit_read(buf, len, nt, on_split_header, on_split_row, in, &rows);
    if (rc == 0) {
        in->n = rows;
        in->rows_are_lines = 1;
    } else
        reset_input(in);
    return rc;
}

/* The source line of candidate i. */
static size_t line_of(const cli_input *in, size_t i)
{
    return in->rows_are_lines ? i + 2 : in->line[i];
}

/* ------------------------------------------------------------------ output */

/* The characters that make an id quoted in the output (besides a space at either end). */
static const uint8_t quoted_char[256] = { [','] = 1, ['"'] = 1, ['\n'] = 1, ['\r'] = 1, [';'] = 1 };

static int needs_quotes(const char *s, size_t len)
{
    if (len && (s[0] == ' ' || s[len - 1] == ' ')) return 1;
    unsigned q = 0;
    for (size_t i = 0; i < len; i++) q |= quoted_char[(unsigned char)s[i]];   /* no branch a character */
    return q != 0;
}

/* The call ranks of a block are consecutive: kept as decimal digits and counted up in
 * place (a carry is rare), not converted a line at a time. Digits in d[start..20). */
typedef struct decimal {
    char d[40];
    int start;
} decimal;

static void decimal_set(decimal *c, uint64_t v)
{
    memset(c->d, '0', sizeof c->d);
    int i = 20;
    do { c->d[--i] = (char)('0' + v % 10); v /= 10; } while (v);
    c->start = i;
}

static void decimal_next(decimal *c)
{
    int i = 19;
    while (i >= c->start && c->d[i] == '9') c->d[i--] = '0';
    if (i < c->start) c->d[--c->start] = '1';
    else c->d[i]++;
}

/* The room a line of candidate i may take (LINE_SLACK: the fixed-size copies below may
 * write past its end): id doubled inside quotes, ',', 10 digits, kept fields, '\n'. */
#define LINE_SLACK 32
static size_t line_bound(const cli_input *in, uint32_t i, size_t id_len)
{
    size_t kept = in->kept_header ? in->kept_off[i + 1] - in->kept_off[i] : 0;
    return 2 * id_len + LINE_SLACK + kept;
}

/* The output goes out by blocks of OUT_BLOCK lines, formatted on the threads into a few
 * reused buffers (slots) and written in order by the calling thread: the lines are never
 * all held at once (at 12 million rows that was a quarter of a gigabyte), and the ids,
 * read in call order, i.e. at random, are fetched on both cores. */
#define OUT_BLOCK ((size_t)1 << 16)
#define OUT_SLOTS (2 * THREADS_MAX)

enum { SLOT_FREE, SLOT_FILLING, SLOT_READY };

typedef struct out_slot {
    char *buf;
    size_t len, cap;
    size_t block;              /* the block it holds (FILLING, READY) */
    int state;
} out_slot;

typedef struct out_pipe {
    const cli_input *in;
    const uint32_t *order;
    FILE *out;
    size_t blocks, next;       /* blocks in all; the next one to format */
    size_t nslots;
    out_slot slot[OUT_SLOTS];
    pthread_mutex_t mu;
    pthread_cond_t cv;         /* a slot changed state */
    int failed;                /* out of memory or a write failed: everyone stops */
    int write_errno;
} out_pipe;

/* Room for `more` bytes after s->len. */
static int slot_room(out_slot *s, size_t more)
{
    if (s->len + more <= s->cap) return 0;
    size_t cap = s->cap ? s->cap : (size_t)1 << 20;
    while (cap < s->len + more) cap *= 2;
    char *nb = realloc(s->buf, cap);
    if (!nb) return -1;
    s->buf = nb;
    s->cap = cap;
    return 0;
}

/* The lines of call positions [lo, hi) into s (from its start). 0, or -1 out of memory. */
static int format_block(const cli_input *in, const uint32_t *order, size_t lo, size_t hi, out_slot *s)
{
    decimal rank;
    decimal_set(&rank, lo + 1);
    s->len = 0;
    for (size_t k = lo; k < hi; k++) {
        /* the ids are read in call order, i.e. at random: ask for them ahead of time */
        if (k + 32 < hi) __builtin_prefetch(&in->id[order[k + 32]]);
        size_t len;
        const char *id = id_text(in, order[k], &len);
        int inline_id = in->id[order[k]].in.len != ID_LONG;
        if (slot_room(s, line_bound(in, order[k], len)) != 0) return -1;
        char *p = s->buf + s->len;
        if (needs_quotes(id, len)) {
            *p++ = '"';
            for (size_t i = 0; i < len; i++) {
                if (id[i] == '"') *p++ = '"';
                *p++ = id[i];
            }
            *p++ = '"';
        } else {
            /* an inline id: its whole record, a fixed-size copy (the line's room allows it) */
            memcpy(p, id, inline_id ? sizeof(id_rec) : len);
            p += len;
        }
        *p++ = ',';
        memcpy(p, rank.d + rank.start, 16);   /* at most 10 digits: the rest is overwritten */
        p += 20 - rank.start;
        decimal_next(&rank);
        if (in->kept_header) {
            size_t a = in->kept_off[order[k]], b = in->kept_off[order[k] + 1];
            memcpy(p, in->kept + a, b - a);
            p += b - a;
        }
        *p++ = '\n';
        s->len = (size_t)(p - s->buf);
    }
    return 0;
}

/* Formats block b into its slot, claimed by the caller (lock held on entry and exit). */
static void fill_slot(out_pipe *pp, size_t b)
{
    out_slot *s = &pp->slot[b % pp->nslots];
    s->state = SLOT_FILLING;
    s->block = b;
    pthread_mutex_unlock(&pp->mu);
    size_t lo = b * OUT_BLOCK, hi = lo + OUT_BLOCK < pp->in->n ? lo + OUT_BLOCK : pp->in->n;
    int rc = format_block(pp->in, pp->order, lo, hi, s);
    pthread_mutex_lock(&pp->mu);
    if (rc != 0) {
        pp->failed = 1;
        if (!pp->write_errno) pp->write_errno = ENOMEM;
    } else
        s->state = SLOT_READY;
    pthread_cond_broadcast(&pp->cv);
}

/* Thread t: 0 writes the blocks in order and, while the one it waits for is being
 * formatted, formats the next free one; the others format blocks as slots come free. */
static void output_thread(void *ctx, int t, int nt)
{
    out_pipe *pp = ctx;
    (void)nt;
    pthread_mutex_lock(&pp->mu);
    if (t > 0) {
        for (;;) {
            while (!pp->failed && pp->next < pp->blocks && pp->slot[pp->next % pp->nslots].state != SLOT_FREE)
                pthread_cond_wait(&pp->cv, &pp->mu);
            if (pp->failed || pp->next >= pp->blocks) break;
            fill_slot(pp, pp->next++);
        }
        pthread_mutex_unlock(&pp->mu);
        return;
    }
    for (size_t b = 0; b < pp->blocks && !pp->failed; b++) {
        out_slot *s = &pp->slot[b % pp->nslots];
        while (!pp->failed && !(s->state == SLOT_READY && s->block == b)) {
            /* while block b is being formatted, format the next one free */
            if (pp->next < pp->blocks && pp->slot[pp->next % pp->nslots].state == SLOT_FREE)
                fill_slot(pp, pp->next++);
            else
                pthread_cond_wait(&pp->cv, &pp->mu);
        }
        if (pp->failed) break;
        pthread_mutex_unlock(&pp->mu);
        errno = 0;
        int ok = fwrite(s->buf, 1, s->len, pp->out) == s->len;
        int saved = errno;
        pthread_mutex_lock(&pp->mu);
        if (!ok) {
            pp->failed = 1;
            pp->write_errno = saved ? saved : EIO;
        }
        s->state = SLOT_FREE;
        pthread_cond_broadcast(&pp->cv);
    }
    pthread_mutex_unlock(&pp->mu);
}

/* Writes the result to out. 0, or -1 when writing failed (errno set) or memory ran out. */
static int write_output(const cli_input *in, const uint32_t *order, FILE *out)
{
    errno = 0;
    if (fputs("id,call_rank", out) == EOF || (in->kept_header && fputs(in->kept_header, out) == EOF) ||
        putc('\n', out) == EOF)
        return -1;
    out_pipe pp = { .in = in, .order = order, .out = out };
    pp.blocks = (in->n + OUT_BLOCK - 1) / OUT_BLOCK;
    int nt = pp.blocks < 4 ? 1 : threads_count();
    pp.nslots = nt == 1 ? 1 : 2 * (size_t)nt;
    pthread_mutex_init(&pp.mu, NULL);
    pthread_cond_init(&pp.cv, NULL);
    threads_run(nt, output_thread, &pp);
    pthread_mutex_destroy(&pp.mu);
    pthread_cond_destroy(&pp.cv);
    for (size_t i = 0; i < pp.nslots; i++) free(pp.slot[i].buf);
    errno = pp.write_errno;
    return pp.failed ? -1 : 0;
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
    phases_mark(NULL);
    char *buf = input_read(path, name, &len, err);
    if (!buf) return -1;
    phases_mark("read the input");
    return run_buffer(name, buf, len, buf, ro, out, err);   /* frees buf */
}

int callorder_cli_run_buffer(const char *name, const char *buf, size_t buf_len, int rate_boursier,
                             int rate_resident, int allow_ties, FILE *out, errloc *err)
{
    callorder_run_opts ro = { rate_boursier, rate_resident, allow_ties, 0, { 0 } };
    return run_buffer(name, buf, buf_len, NULL, &ro, out, err);
}

/* owned: buf itself when run_buffer is to free it (as soon as the rows are read: at 12
 * million rows the text is a third of the memory), else NULL. */
static int run_buffer(const char *name, const char *buf, size_t buf_len, char *owned,
                      const callorder_run_opts *ro, FILE *out, errloc *err)
{
    int rate_boursier = ro->rate_boursier, rate_resident = ro->rate_resident, allow_ties = ro->allow_ties;
    cli_input in = { 0 };
    in.ro = ro;
    int rc = -1;
    uint32_t *order = NULL;
    if (reserve(&in, 0) != 0) {
        errloc_set(err, name, 0, 0, "out of memory");
        goto done;
    }
    if (keeps(&in)) in.kept_off[0] = 0;
    /* The fast splitter reads plain files (sized by its own count of the rows); any doubt
     * or fault and csvfast, then csvread, read it again from the start, sized once from
     * the number of lines: no regrowth, no rehash. */
    int fast = csvfast_enabled() ? read_split(&in, buf, buf_len) : 1;
    size_t lines = 0;
    if (fast == 1) {
        lines = rowsplit_lines(buf, buf_len);
        if (presize(&in, lines + 1) != 0) fast = -1;
    }
    if (fast == 1 && csvfast_enabled()) fast = csvfast_read_buffer(buf, buf_len, on_row, &in);
    phases_mark("rows");
    if (fast == 0) {   /* every id at once; a duplicate: csvread says where, as it reads */
        uint32_t first;
        long long dup = idindex_first_duplicate(in.n, id_text, &in, &first);
        fast = dup == -2 ? -1 : dup >= 0 ? 1 : 0;
    }
    phases_mark("duplicate ids");
    if (fast < 0) {
        errloc_set(err, name, 0, 0, "out of memory");
        goto done;
    }
    if (fast == 1) {
        if (!lines) lines = rowsplit_lines(buf, buf_len);   /* the index of csvread's ids */
        if (restart_input(&in, lines) != 0) {
            errloc_set(err, name, 0, 0, "out of memory");
            goto done;
        }
        csv_opts copts = { .stats = &in.stats };
        if (csv_read_buffer(name, buf, buf_len, &copts, on_row, &in, err) != 0)
            goto done;
    } else if (ro->input.explain) {
        /* --explain keeps the fast path: what csvread would have counted, in one cheap
         * pass over the line ends of the plain text the fast path read */
        csvfast_stats(buf, buf_len, &in.stats);
    }
    colmap_explain_file(&in.map, &ro->input, name, &in.stats);
    /* every row is read: the text is no longer needed. Its first pages, touched already,
     * hold the call order (fresh pages cost a fault, on a VM a host fault too). */
    size_t order_bytes = (in.n ? in.n : 1) * sizeof *order;
    if (owned && buf_len + 1 >= order_bytes) {
        order = realloc(owned, order_bytes);   /* a shrink: in place */
        if (!order) order = (uint32_t *)(void *)owned;
    } else {
        free(owned);
        order = malloc(order_bytes);
    }
    owned = NULL;
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
        errloc_set(err, name, line_of(&in, bad), 0, "rank must be a positive integer (1 = best)");
        goto done;
    case CO_ERR_TIE:
        errloc_set(err, name, line_of(&in, bad), 0,
                   "duplicate rank %u (already on line %zu): ranks must be distinct, "
                   "or use --allow-ties for the documented tie rule",
                   in.cand[bad].rank, line_of(&in, earlier_same_rank(&in, bad)));
        goto done;
    case CO_ERR_NOMEM:
        errloc_set(err, name, 0, 0, "out of memory");
        goto done;
    }
    phases_mark("ordre d'appel");
    errno = 0;
    if (write_output(&in, order, out) != 0 || fflush(out) != 0) {
        errloc_set(err, "callorder", 0, 0, "cannot write the result to the output: %s",
                   strerror(errno ? errno : EIO));
        goto done;
    }
    phases_mark("output");
    rc = 0;
done:
    free(owned);
    free(order);
    free(in.cand);
    free(in.line);
    free(in.id);
    free(in.ids);
    free(in.kept);
    free(in.kept_off);
    free(in.kept_header);
    colmap_free(&in.map);
    idindex_free(&in.index);
    return rc;
}
