/* recueil_write.c — the import's outputs: the three annex CSV files (UTF-8 NFC, RFC 4180:
 * CRLF line ends, fields quoted when they hold a comma, a quote or a line break),
 * anomalies.csv and SOURCE.md, written into a temporary directory swapped into place
 * whole. SOURCE.md holds no date of import and no absolute path, so that re-importing
 * the same source gives the same bytes. */
#include "recueil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>

#include <nettle/sha2.h>

#include "atomic.h"
#include "csvread.h"
#include "input.h"

/* --------------------------------------------------------------- CSV out */

static void csv_field(FILE *f, const char *s, int last)
{
    if (strpbrk(s, ",\"\r\n")) {
        fputc('"', f);
        for (; *s; s++) {
            if (*s == '"') fputc('"', f);
            fputc(*s, f);
        }
        fputc('"', f);
    } else {
        fputs(s, f);
    }
    fputs(last ? "\r\n" : ",", f);
}

static void write_annex(FILE *f, const recueil *rc, annex_kind kind)
{
    fputs(ANNEX_CSV_HEADER "\r\n", f);
    for (size_t i = 0; i < rc->nrows; i++) {
        const recueil_row *r = &rc->rows[i];
        if (r->kind != kind) continue;
        char pct[8];
        snprintf(pct, sizeof pct, "%d", r->min_pct);
        csv_field(f, annex_academie_name(r->academie), 0);
        csv_field(f, r->establishment, 0);
        csv_field(f, r->commune, 0);
        csv_field(f, r->program, 0);
        csv_field(f, pct, 1);
    }
}

static void write_anomalies(FILE *f, const recueil *rc)
{
    fputs("anomaly,annex,academie,establishment,commune,program,min_pct,line,detail\r\n", f);
    for (size_t i = 0; i < rc->nanomalies; i++) {
        const recueil_anomaly *a = &rc->anomalies[i];
        const recueil_row *r = &rc->rows[a->row];
        int homonym = a->kind == ANOMALY_HOMONYM;
        char pct[8], line[24];
        snprintf(pct, sizeof pct, "%d", r->min_pct);
        snprintf(line, sizeof line, "%zu", r->line);
        csv_field(f, recueil_anomaly_name(a->kind), 0);
        csv_field(f, annex_kind_name(r->kind), 0);
        csv_field(f, homonym ? "" : annex_academie_name(r->academie), 0);
        csv_field(f, r->establishment, 0);
        csv_field(f, homonym ? "" : r->commune, 0);
        csv_field(f, homonym ? "" : r->program, 0);
        csv_field(f, homonym ? "" : pct, 0);
        csv_field(f, line, 0);
        csv_field(f, a->detail, 1);
    }
}

/* ------------------------------------------------------------- SOURCE.md */

static size_t count_anomalies(const recueil *rc, anomaly_kind k)
{
    size_t n = 0;
    for (size_t i = 0; i < rc->nanomalies; i++) n += rc->anomalies[i].kind == k;
    return n;
}

static void write_source_md(FILE *f, const recueil *rc)
{
    char hex[65];
    for (int i = 0; i < 32; i++) snprintf(hex + 2 * i, 3, "%02x", rc->sha256[i]);
    fprintf(f, "# Source of these annex files\n\n"
            "Written by `admit import-recueil` from `%s` (%zu lines%s, %zu bytes),\n"
            "SHA-256 `%s`.\n\n", rc->source_name, rc->lines,
            rc->last_line_open ? ", the last without a line break" : "", rc->bytes, hex);
    if (rc->title[0] || rc->published[0])
        fprintf(f, "%s%s%s.\n\n", rc->title, rc->title[0] && rc->published[0] ? " — " : "",
                rc->published);
    fputs("| decree | date | minimum rate of | file | Lille | Amiens | source lines |\n"
          "|---|---|---|---|---|---|---|\n", f);
    size_t total = 0;
    for (size_t i = 0; i < rc->ndecrees; i++) {
        const recueil_decree *d = &rc->decrees[i];
        fprintf(f, "| N° %s (line %zu) | %s (%s) | %s | %s | %zu | %zu | %zu–%zu, %zu–%zu |\n",
                d->number, d->line, d->date_iso, d->date_text, annex_kind_title((annex_kind)d->kind),
                annex_kind_file((annex_kind)d->kind), d->rows[ACAD_LILLE], d->rows[ACAD_AMIENS],
                d->first_line[ACAD_LILLE], d->last_line[ACAD_LILLE],
                d->first_line[ACAD_AMIENS], d->last_line[ACAD_AMIENS]);
        total += d->rows[ACAD_LILLE] + d->rows[ACAD_AMIENS];
    }
    fprintf(f, "\n%zu rows in all. Labels are as in the source apart from trimmed spaces "
            "(UTF-8, NFC);\nnothing is corrected. The source's defects are listed in "
            "`anomalies.csv`: %zu cut labels,\n%zu keys repeated with another rate, %zu "
            "homonymous establishment names.\n", total,
            count_anomalies(rc, ANOMALY_CUT_LABEL), count_anomalies(rc, ANOMALY_DUPLICATE_KEY),
            count_anomalies(rc, ANOMALY_HOMONYM));
}

/* ----------------------------------------------------------------- write */

typedef enum { OUT_ANNEX, OUT_ANOMALIES, OUT_SOURCE } out_kind;

static int write_one(const recueil *rc, const atomic_dir *ad, const char *name, out_kind what,
                     annex_kind kind, errloc *err)
{
    char *path = atomic_dir_path(ad, name);
    if (!path) {
        errloc_set(err, name, 0, 0, "out of memory");
        return -1;
    }
    FILE *f = fopen(path, "wb");
    if (!f) {
        errloc_set(err, ad->target, 0, 0, "cannot write %s: %s", name, strerror(errno));
        free(path);
        return -1;
    }
    errno = 0;
    if (what == OUT_ANNEX) write_annex(f, rc, kind);
    else if (what == OUT_ANOMALIES) write_anomalies(f, rc);
    else write_source_md(f, rc);
    int bad = ferror(f) | fflush(f);
    int saved = errno;
    bad |= fclose(f);
    if (bad) errloc_set(err, ad->target, 0, 0, "cannot write %s: %s", name,
                        strerror(saved ? saved : errno ? errno : EIO));
    free(path);
    return bad ? -1 : 0;
}

int recueil_write(const recueil *rc, const char *dir, errloc *err)
{
    atomic_dir ad;   /* the folder above must exist: a mistyped path is refused, not created */
    if (atomic_dir_open(&ad, dir, err) != 0) return -1;
    int rc_ = 0;
    for (int k = 0; rc_ == 0 && k < ANNEX_NKINDS; k++)
        rc_ = write_one(rc, &ad, annex_kind_file((annex_kind)k), OUT_ANNEX, (annex_kind)k, err);
    if (rc_ == 0) rc_ = write_one(rc, &ad, "anomalies.csv", OUT_ANOMALIES, 0, err);
    if (rc_ == 0) rc_ = write_one(rc, &ad, "SOURCE.md", OUT_SOURCE, 0, err);
    if (rc_ != 0) {
        atomic_dir_abort(&ad);
        return -1;
    }
    return atomic_dir_commit(&ad, err);
}

/* ---------------------------------------------------------------- import */

int recueil_import(recueil *rc, const char *path, const char *dir, errloc *err)
{
    memset(rc, 0, sizeof *rc);
    const char *base = strrchr(path, '/');
    rc->source_name = strdup(base ? base + 1 : path);
    if (!rc->source_name) {
        errloc_set(err, path, 0, 0, "out of memory");
        return -1;
    }
    size_t len;
    char *buf = input_read(path, path, &len, err);
    if (!buf) return -1;
    struct sha256_ctx sha;
    sha256_init(&sha);
    sha256_update(&sha, len, (const uint8_t *)buf);
    sha256_digest(&sha, SHA256_DIGEST_SIZE, rc->sha256);
    rc->bytes = len;
    int status = recueil_parse(rc, path, buf, len, err);
    free(buf);
    if (status != 0) return -1;
    if (recueil_find_anomalies(rc) != 0) {
        errloc_set(err, path, 0, 0, "out of memory");
        return -1;
    }
    return recueil_write(rc, dir, err);
}
