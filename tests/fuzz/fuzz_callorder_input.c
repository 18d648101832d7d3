/* fuzz_callorder_input.c — libFuzzer harness for the `admit callorder` input path
 * (src/callorder_cli.c: csvread, column and field checks, callorder_compute, output) on
 * an arbitrary CSV buffer; the output goes to a memory buffer.
 * Input: byte 0 = qB, byte 1 = qR (mod 101; 201..255 also try out-of-range rates), byte 2
 * bit 0 = allow ties, then the CSV text.
 * Promises: a failure writes nothing and says "fuzz.csv:line[:col]: what" with the line
 * inside the input (or "callorder: ..." for a bad rate); a success writes "id,call_rank"
 * then one line per candidate, call ranks 1..n, each input id exactly once, in the order
 * of a slow literal reading of the rule (the same one as fuzz_callorder.c) on the
 * candidates read independently here. A success is refused only for a reason this
 * harness also sees (a bad field, a duplicate id or, without --allow-ties, rank). */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "callorder.h"
#include "callorder_cli.h"
#include "csvread.h"
#include "colmap.h"
#include "fieldval.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond) do { if (!(cond)) { \
    fprintf(stderr, "fuzz_callorder_input: broken promise: %s (line %d)\n", #cond, __LINE__); \
    abort(); } } while (0)

#define NAME "fuzz.csv"
#define MAX_SLOW 64          /* the literal reading is O(n^3): compare small inputs only */

/* ------------------------------------------------ the slow, literal rule */

#include "callorder_oracle.h"

/* ------------------------------------------- an independent reading */

typedef struct {
    size_t col[4];           /* id, rank, boursier, resident */
    co_cand *cand;
    char **id;
    size_t n, cap;
    int invalid;             /* a row the CLI must refuse */
} reading;

static const char *const names[4] = { "id", "rank", "boursier", "resident" };

static int on_row(void *ctx, csv_reader *rd, const csv_row *row)
{
    reading *x = ctx;
    (void)rd;
    if (row->index == 0) {
        for (int c = 0; c < 4; c++) {
            x->col[c] = SIZE_MAX;
            for (size_t f = 0; f < row->nfields; f++) {
                size_t len = row->len[f];
                const char *s = fieldval_trim(row->field[f], &len);
                /* a column named so or by an alias of the one table (colmap.c); two = ambiguous */
                if ((len == strlen(names[c]) && strncasecmp(s, names[c], len) == 0) ||
                    colmap_is_field(s, len, names[c])) {
                    if (x->col[c] != SIZE_MAX) { x->invalid = 1; return -1; }
                    x->col[c] = f;
                }
            }
            if (x->col[c] == SIZE_MAX) { x->invalid = 1; return -1; }
        }
        return 0;
    }
    size_t len = row->len[x->col[0]];
    const char *id = fieldval_trim(row->field[x->col[0]], &len);
    uint32_t rank = fieldval_positive(row->field[x->col[1]], row->len[x->col[1]], 2147483647u);
    int b = fieldval_flag(row->field[x->col[2]], row->len[x->col[2]]);
    int r = fieldval_flag(row->field[x->col[3]], row->len[x->col[3]]);
    if (b == FIELDVAL_EMPTY) b = 0;   /* an empty flag cell means no */
    if (r == FIELDVAL_EMPTY) r = 0;
    if (len == 0 || rank == 0 || b < 0 || r < 0) { x->invalid = 1; return -1; }
    for (size_t i = 0; i < x->n; i++)
        if (strlen(x->id[i]) == len && memcmp(x->id[i], id, len) == 0) { x->invalid = 1; return -1; }
    if (x->n == x->cap) {
        x->cap = x->cap ? 2 * x->cap : 64;
        x->cand = realloc(x->cand, x->cap * sizeof *x->cand);
        x->id = realloc(x->id, x->cap * sizeof *x->id);
        CHECK(x->cand && x->id);
    }
    x->id[x->n] = strndup(id, len);
    CHECK(x->id[x->n]);
    x->cand[x->n] = (co_cand){ rank, (uint8_t)b, (uint8_t)r };
    x->n++;
    return 0;
}

/* The output, read back. */
typedef struct {
    const reading *in;
    const uint32_t *expect;  /* NULL: check ranks and ids only */
    unsigned char *seen;
} output_check;

static int on_output(void *ctx, csv_reader *rd, const csv_row *row)
{
    output_check *o = ctx;
    (void)rd;
    CHECK(row->nfields == 2);
    if (row->index == 0) {
        CHECK(strcmp(row->field[0], "id") == 0 && strcmp(row->field[1], "call_rank") == 0);
        return 0;
    }
    size_t k = row->index - 1;
    CHECK(k < o->in->n);
    char want[24];
    snprintf(want, sizeof want, "%zu", k + 1);
    CHECK(strcmp(row->field[1], want) == 0);
    size_t i = 0;
    while (i < o->in->n && strcmp(o->in->id[i], row->field[0]) != 0) i++;
    CHECK(i < o->in->n);
    CHECK(!o->seen[i]);
    o->seen[i] = 1;
    if (o->expect) CHECK(o->expect[k] == i);
    return 0;
}

static void check_message(const char *msg, size_t max_line)
{
    if (strncmp(msg, "callorder: ", 11) == 0) return;
    size_t n = strlen(NAME);
    CHECK(strncmp(msg, NAME ":", n + 1) == 0);
    const char *p = msg + n + 1;
    if (*p == ' ') return;
    char *end;
    unsigned long line = strtoul(p, &end, 10);
    CHECK(end != p && line >= 1 && line <= max_line);
    if (*end == ':' && end[1] >= '0' && end[1] <= '9') CHECK(strtoul(end + 1, &end, 10) >= 1);
    CHECK(end[0] == ':' && end[1] == ' ' && end[2] != '\0');
}

static int has_tie(const reading *x)
{
    for (size_t i = 0; i < x->n; i++)
        for (size_t j = i + 1; j < x->n; j++)
            if (x->cand[i].rank == x->cand[j].rank) return 1;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3) return 0;
    int qb = data[0] <= 200 ? data[0] % 101 : data[0];
    int qr = data[1] <= 200 ? data[1] % 101 : data[1];
    int allow_ties = data[2] & 1;
    const char *text = (const char *)data + 3;
    size_t len = size - 3;
    size_t lines = len > 0;
    for (size_t i = 0; i + 1 < len; i++)
        if (text[i] == '\n' || (text[i] == '\r' && text[i + 1] != '\n')) lines++;

    char *out = NULL;
    size_t out_len = 0;
    FILE *mem = open_memstream(&out, &out_len);
    CHECK(mem);
    errloc err = { { 0 } };
    int rc = callorder_cli_run_buffer(NAME, text, len, qb, qr, allow_ties, mem, &err);
    CHECK(fclose(mem) == 0);

    reading x = { .n = 0 };
    errloc rerr;
    int read_ok = csv_read_buffer(NAME, text, len, NULL, on_row, &x, &rerr) == 0;
    if (rc != 0) {
        CHECK(out_len == 0);
        check_message(err.msg, lines + 1);
        /* refused for a reason this reading sees too */
        CHECK(!read_ok || qb > 100 || qr > 100 || (!allow_ties && has_tie(&x)));
    } else {
        CHECK(read_ok && !x.invalid && qb <= 100 && qr <= 100);
        CHECK(allow_ties || !has_tie(&x));
        uint32_t *expect = NULL;
        if (x.n <= MAX_SLOW) {
            expect = malloc((x.n ? x.n : 1) * sizeof *expect);
            CHECK(expect);
            slow_order(x.cand, x.n, qb, qr, expect);
        }
        output_check o = { &x, expect, calloc(x.n ? x.n : 1, 1) };
        CHECK(o.seen);
        csv_opts opts = { .delim = ',' };
        errloc oerr;
        CHECK(csv_read_buffer("output", out, out_len, &opts, on_output, &o, &oerr) == 0);
        for (size_t i = 0; i < x.n; i++) CHECK(o.seen[i]);
        free(o.seen);
        free(expect);
    }
    for (size_t i = 0; i < x.n; i++) free(x.id[i]);
    free(x.id);
    free(x.cand);
    free(out);
    return 0;
}
