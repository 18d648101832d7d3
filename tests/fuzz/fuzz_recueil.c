/* fuzz_recueil.c — libFuzzer harness for src/recueil.c, the recueil importer's parse path
 * (recueil_parse + recueil_find_anomalies) on arbitrary text; nothing is written.
 * Promises: a parse either fails with "fuzz.txt:line[:col]: what", the line inside the
 * text (or the line after its end), or gives rows that each have the five annex fields
 * (académie Lille or Amiens, a kind, a non-empty establishment and program, a commune,
 * empty for IUT rows), a min_pct in 0..100, every text NFC UTF-8 without a line break,
 * a source line inside the text; anomalies point at existing rows. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "encoding.h"
#include "recueil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond) do { if (!(cond)) { \
    fprintf(stderr, "fuzz_recueil: broken promise: %s (line %d)\n", #cond, __LINE__); \
    abort(); } } while (0)

#define NAME "fuzz.txt"

static size_t count_lines(const char *s, size_t n)
{
    size_t lines = n > 0;
    for (size_t i = 0; i + 1 < n; i++)   /* LF, CRLF or a lone CR ends a line */
        if (s[i] == '\n' || (s[i] == '\r' && s[i + 1] != '\n')) lines++;
    return lines;
}

/* "fuzz.txt:LINE[:COL]: what" with 1 <= LINE <= max_line, or "fuzz.txt: what". */
static void check_message(const char *msg, size_t max_line)
{
    size_t n = strlen(NAME);
    CHECK(strncmp(msg, NAME ":", n + 1) == 0);
    const char *p = msg + n + 1;
    if (*p == ' ') { CHECK(p[1] != '\0'); return; }
    char *end;
    unsigned long line = strtoul(p, &end, 10);
    CHECK(end != p && line >= 1 && line <= max_line);
    if (*end == ':' && end[1] >= '0' && end[1] <= '9') {
        unsigned long col = strtoul(end + 1, &end, 10);
        CHECK(col >= 1);
    }
    CHECK(end[0] == ':' && end[1] == ' ' && end[2] != '\0');
}

static void check_text(const char *s, int may_be_empty)
{
    CHECK(s != NULL);
    size_t n = strlen(s);
    CHECK(may_be_empty || n > 0);
    size_t bad;
    CHECK(encoding_detect(s, n, &bad) == ENC_UTF8);
    CHECK(strchr(s, '\n') == NULL && strchr(s, '\r') == NULL);
    utf8proc_uint8_t *nfc = utf8proc_NFC((const utf8proc_uint8_t *)s);
    CHECK(nfc != NULL);
    CHECK(strcmp((const char *)nfc, s) == 0);
    free(nfc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* the importer reads whole files, NUL-terminated like csv_slurp's buffers */
    char *buf = malloc(size + 1);
    CHECK(buf);
    memcpy(buf, data, size);
    buf[size] = '\0';
    size_t lines = count_lines(buf, size);
    recueil rc;
    memset(&rc, 0, sizeof rc);
    errloc err = { { 0 } };
    if (recueil_parse(&rc, NAME, buf, size, &err) != 0) {
        check_message(err.msg, lines + 1);
    } else {
        CHECK(rc.nrows > 0);
        for (size_t i = 0; i < rc.nrows; i++) {
            const recueil_row *r = &rc.rows[i];
            CHECK(r->kind < ANNEX_NKINDS);
            CHECK(r->academie < ACAD_N);
            CHECK(r->min_pct >= 0 && r->min_pct <= 100);
            CHECK(r->line >= 1 && r->line <= lines);
            check_text(r->establishment, 0);
            check_text(r->program, 0);
            check_text(r->commune, 1);
            if (r->kind == ANNEX_TECHNO) CHECK(r->commune[0] == '\0');
        }
        CHECK(recueil_find_anomalies(&rc) == 0);
        for (size_t i = 0; i < rc.nanomalies; i++) {
            CHECK(rc.anomalies[i].row < rc.nrows);
            CHECK(rc.anomalies[i].detail && rc.anomalies[i].detail[0]);
        }
    }
    recueil_free(&rc);
    free(buf);
    return 0;
}
