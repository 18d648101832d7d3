/* fuzz_csvread.c — libFuzzer harness for src/csvread.c (the one CSV reader every loader
 * is built on). The first input byte chooses the options, the rest is the file. The row
 * callback checks the reader's promises (sequential rows, increasing lines, NUL-terminated
 * UTF-8 fields of the stated length, header width unless ragged) and calls csv_fail on
 * fields starting with '!' the way loaders do, so the error-locating code runs too.
 * It also checks that src/csvfast.c, when it takes a buffer, gives the very rows csvread
 * gives. Any broken promise aborts, which libFuzzer records as a crash. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvfast.h"
#include "csvread.h"
#include "encoding.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond) do { if (!(cond)) { \
    fprintf(stderr, "fuzz_csvread: broken promise: %s (line %d)\n", #cond, __LINE__); \
    abort(); } } while (0)

typedef struct {
    size_t next_index;
    size_t last_line;
    size_t max_line;      /* lines in the input: no record may start after */
    size_t header_fields;
    int ragged;
    size_t max_field;
    int failed_on_purpose;
    size_t fail_line;     /* row line of the purposeful failure */
} probe;

static int check_row(void *vctx, csv_reader *rd, const csv_row *row)
{
    probe *p = vctx;
    CHECK(row->index == p->next_index);
    CHECK(row->line >= 1 && row->line <= p->max_line);
    CHECK(row->index == 0 || row->line > p->last_line);
    CHECK(row->nfields >= 1);
    if (row->index == 0)
        p->header_fields = row->nfields;
    else if (!p->ragged)
        CHECK(row->nfields == p->header_fields);
    for (size_t i = 0; i < row->nfields; i++) {
        CHECK(row->field[i] != NULL);
        CHECK(row->field[i][row->len[i]] == '\0');
        CHECK(strlen(row->field[i]) == row->len[i]);
        CHECK(row->len[i] <= p->max_field);
        size_t bad;
        CHECK(encoding_detect(row->field[i], row->len[i], &bad) == ENC_UTF8);
    }
    p->next_index++;
    p->last_line = row->line;
    for (size_t i = 0; i < row->nfields; i++) {
        if (row->field[i][0] == '!') {
            csv_fail(rd, i, "field %zu refused", i + 1);
            p->failed_on_purpose = 1;
            p->fail_line = row->line;
            return -1;
        }
    }
    return 0;
}

/* "fuzz.csv:LINE:COL: what" or "fuzz.csv:LINE: what" or "fuzz.csv: what". */
static void check_message(const char *msg, const probe *p)
{
    static const char name[] = "fuzz.csv";
    CHECK(strncmp(msg, name, sizeof name - 1) == 0);
    const char *s = msg + sizeof name - 1;
    CHECK(*s == ':');
    s++;
    if (*s >= '0' && *s <= '9') {
        char *end;
        unsigned long line = strtoul(s, &end, 10);
        CHECK(line >= 1 && line <= p->max_line);
        if (p->failed_on_purpose)
            CHECK(line >= p->fail_line);
        s = end;
        CHECK(*s == ':');
        if (s[1] >= '0' && s[1] <= '9') {
            unsigned long col = strtoul(s + 1, &end, 10);
            CHECK(col >= 1);
            s = end;
            CHECK(*s == ':');
        }
        s++;
    }
    CHECK(*s == ' ' && s[1] != '\0');
    if (p->failed_on_purpose)
        CHECK(strstr(msg, " refused") != NULL);
}

/* The rows as one text ("index line nfields" then each field's bytes), to compare the
 * fast splitter with csvread. */
typedef struct trace {
    char *text;
    size_t len, cap;
} trace;

static void trace_put(trace *t, const void *bytes, size_t n)
{
    if (t->len + n > t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 256;
        while (cap < t->len + n) cap *= 2;
        t->text = realloc(t->text, cap);
        CHECK(t->text != NULL);
        t->cap = cap;
    }
    memcpy(t->text + t->len, bytes, n);
    t->len += n;
}

static int trace_row(void *vctx, csv_reader *rd, const csv_row *row)
{
    (void)rd;
    trace *t = vctx;
    size_t head[3] = { row->index, row->line, row->nfields };
    trace_put(t, head, sizeof head);
    for (size_t i = 0; i < row->nfields; i++) {
        CHECK(row->field[i][row->len[i]] == '\0');
        trace_put(t, &row->len[i], sizeof row->len[i]);
        trace_put(t, row->field[i], row->len[i]);
    }
    return 0;
}

/* When csvfast takes a buffer, csvread takes it too and gives the very same rows. */
static void check_fast_agrees(const char *buf, size_t len)
{
    trace fast = { 0 }, slow = { 0 };
    int rc = csvfast_read_buffer(buf, len, trace_row, &fast);
    if (rc == 0) {
        errloc err;
        CHECK(csv_read_buffer("fuzz.csv", buf, len, NULL, trace_row, &slow, &err) == 0);
        CHECK(fast.len == slow.len && (fast.len == 0 || memcmp(fast.text, slow.text, fast.len) == 0));
    }
    free(fast.text);
    free(slow.text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t flags = data[0];
    static const char delims[4] = { 0, ',', ';', '\t' };
    csv_opts opts = {
        .delim = delims[(flags >> 2) & 3],
        .allow_ragged = flags & 1,
        .refuse_cp1252 = (flags >> 1) & 1,
        .max_field = (flags & 16) ? 16 : 0,
    };
    const char *buf = (const char *)data + 1;
    size_t len = size - 1;
    probe p = { .ragged = opts.allow_ragged, .max_field = opts.max_field ? opts.max_field : CSV_MAX_FIELD };
    /* lines end at LF or at a CR not followed by LF; a Windows-1252 file converted to
     * UTF-8 keeps its line count */
    p.max_line = 1;
    for (size_t i = 0; i < len; i++)
        if (buf[i] == '\n' || (buf[i] == '\r' && (i + 1 == len || buf[i + 1] != '\n')))
            p.max_line++;
    errloc err;
    err.msg[0] = '\0';
    int rc = csv_read_buffer("fuzz.csv", buf, len, &opts, check_row, &p, &err);
    if (rc != 0)
        check_message(err.msg, &p);
    else
        CHECK(!p.failed_on_purpose && p.next_index >= 1);
    check_fast_agrees(buf, len);
    return 0;
}
