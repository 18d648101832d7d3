/* annex.h — the annex datasets in C, Lua-free: the rows of one decree annex (IUT techno,
 * BTS pro, health boursiers) loaded from its CSV file with located errors, strings
 * interned, rows in one compact array; filtering, lookup of a minimum rate and the
 * aligned-table rendering used by tostring() and the CLI. */
#ifndef ADMIT_ANNEX_H
#define ADMIT_ANNEX_H

#include <stddef.h>
#include <stdint.h>

#include "errloc.h"
#include "strpool.h"

typedef enum { ANNEX_TECHNO, ANNEX_PRO, ANNEX_BOURSIER, ANNEX_NKINDS } annex_kind;
typedef enum { ACAD_LILLE, ACAD_AMIENS, ACAD_N } annex_academie;

const char *annex_kind_name(annex_kind k);       /* "techno", "pro", "boursier" */
const char *annex_kind_file(annex_kind k);       /* "iut-techno.csv", ... */
const char *annex_kind_title(annex_kind k);      /* "bacheliers technologiques in IUT (BUT)" */
const char *annex_academie_name(annex_academie a);  /* "Lille", "Amiens" */
/* Kind from its name ("techno"...), -1 if unknown. */
int annex_kind_parse(const char *name);

/* The CSV header every annex file has. */
#define ANNEX_CSV_HEADER "academie,establishment,commune,program,min_pct"

typedef struct annex_row {
    const char *establishment, *commune, *program;  /* interned, NFC, trimmed */
    const char *establishment_fold, *commune_fold, *program_fold;  /* interned, folded */
    uint32_t line;                                   /* line in the CSV file */
    uint8_t academie;                                /* annex_academie */
    uint8_t min_pct;                                 /* 0..100 */
} annex_row;

typedef struct annex_table {
    annex_kind kind;
    strpool *pool;
    annex_row *rows;
    size_t n, cap;
    char *source;          /* the file name used in messages */
} annex_table;

/* Loads path (display names it in messages; NULL = path) as an annex of kind `kind`.
 * Returns NULL with err "file:line:col: what" on any defect. */
annex_table *annex_load(const char *path, const char *display, annex_kind kind, errloc *err);
void annex_free(annex_table *t);

/* A filter: folded needles (NULL = any). `any` matches establishment, commune or program. */
typedef struct annex_filter {
    const char *academie, *establishment, *commune, *program, *any;
} annex_filter;

/* Folds a needle for annex_filter (malloc'd; NULL on invalid UTF-8). */
char *annex_fold(const char *s, size_t len);
int annex_row_matches(const annex_row *r, const annex_filter *f);

/* The rate of establishment/program[/commune] among the rows idx[0..n) of t (idx NULL:
 * all rows). Exact (folded) equality is tried first, then substrings. Returns 0 with
 * *rate, or -1 with a malloc'd message in *why that lists the candidates. */
int annex_min_rate(const annex_table *t, const uint32_t *idx, size_t n,
                   const char *establishment, const char *program, const char *commune,
                   int *rate, char **why);

/* Aligned text table of the rows idx[0..n) (idx NULL: all), at most max_rows of them
 * (0 = all), texts cut to max_width characters with "…" (0 = never cut), then a count
 * line. Returns a malloc'd NUL-terminated string (NULL when out of memory). */
char *annex_format(const annex_table *t, const uint32_t *idx, size_t n, size_t max_rows,
                   size_t max_width);
/* The max_width for annex_format with which its lines fit in total columns: 0 when they
 * fit uncut, else the widest cut that fits (at least 12 characters). */
size_t annex_fit_width(const annex_table *t, const uint32_t *idx, size_t n, size_t max_rows,
                       size_t total);

#endif
