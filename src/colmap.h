/* colmap.h — which column of a CSV header holds which field. The one alias table of admit
 * (French and English names, accent- and case-insensitive: "N° dossier" is `id`,
 * "Type de bac" is `bac`, "capa_fin" is `capacity`), the explicit mappings of
 * `--columns field=Header,...` / `{columns = {...}}`, and the column lines of
 * `--explain`. Runs once per file on the header, never per row. SCRIPTING.md §3 lists
 * the same table. */
#ifndef ADMIT_COLMAP_H
#define ADMIT_COLMAP_H

#include <stddef.h>
#include "csvread.h"
#include "explain.h"

#define COLMAP_MAX 32

/* What a loader reads. */
typedef struct colmap_field {
    const char *name;        /* canonical field name: "id", "rank", "capacity"... */
    int required;
} colmap_field;

/* How the caller wants its inputs read (every loader takes one; NULL = defaults). */
typedef struct input_opts {
    const char *columns;     /* "field=Header,..." ("kind.field=Header" for one file kind) */
    const char *academie;    /* résident = lives in this académie (an "académie de résidence" column) */
    explain *explain;        /* NULL, or where each file's reading is described */
    int brief;               /* with explain: one line per file (-v) instead of the whole story */
    int keep_columns;        /* outputs keep the input's other columns (--keep-columns) */
    explain *notes;          /* NULL, or where to say what admit does instead of a missing column */
} input_opts;

typedef enum { CM_ABSENT = 0, CM_NAME, CM_ALIAS, CM_MAPPED } colmap_how;

typedef struct colmap {
    const char *kind;        /* "candidates", "ranking", "formations", "wishes" */
    const colmap_field *fields;
    int nfields;
    int at[COLMAP_MAX];      /* field index in the row of each field, -1 when absent */
    colmap_how how[COLMAP_MAX];
    size_t column[COLMAP_MAX];   /* 1-based column in the file of each field found, for messages */
    explain cols;            /* the column lines of --explain (only when asked) */
    int explaining;
} colmap;

/* Finds the fields in the header row. Returns 0, or -1 with *why (a message without
 * location) and *bad_field (the header field to locate it at): a required field absent
 * (naming it and its accepted names), two headers for one field (naming both), a mapping
 * to an absent header (listing the file's headers) or to an unknown field (with "did you
 * mean"). `expect` is the short description of the file for messages. */
int colmap_resolve(colmap *m, const char *kind, const colmap_field *fields, int nfields,
                   const csv_row *header, const input_opts *opts, const char *expect,
                   char *why, size_t whylen, size_t *bad_field);

/* Index of the field read from header column f, or -1 (an extra column). */
int colmap_field_of(const colmap *m, size_t f);

/* 1 when header text h[0..len) is field's name or one of its aliases. */
int colmap_is_field(const char *h, size_t len, const char *field);

/* The fields that name field `name` accepts, comma-separated, into buf. */
const char *colmap_aliases(const char *name, char *buf, size_t n);

/* Appends to opts->explain (when set) the description of one file: name, encoding,
 * separator, header, columns, rows read and skipped. */
void colmap_explain_file(const colmap *m, const input_opts *opts, const char *name,
                         const csv_stats *st);

/* Résident from an "académie de résidence" column (when the file has no résident one):
 * *field gets that column (SIZE_MAX when résident is read from its own column) and folded
 * the folded opts->academie. -1 with why (and *field to locate it) when --academie is
 * missing. */
int colmap_residence(const colmap *m, const input_opts *opts, const csv_row *h, size_t *field,
                     char *folded, size_t cap, char *why, size_t whylen);
/* 1 when the académie v[0..len) is the folded one. */
int colmap_resident_of(const char *v, size_t len, const char *folded_academie);

/* The fields of row other than field `skip`, trimmed, as CSV text ",a,b,..." (quoted where
 * needed) into buf: --keep-columns. -1 when longer than n. */
int colmap_csv_tail(const csv_row *row, size_t skip, char *buf, size_t n);

/* 1 when the --columns text `columns` maps `field` of a `kind` file ("field=Header" or
 * "kind.field=Header"), with the header (unquoted) in header[0..cap). */
int colmap_mapped(const char *columns, const char *kind, const char *field, char *header, size_t cap);

void colmap_free(colmap *m);

/* Names compared the way headers are: 1 when a and b fold to the same text. */
int colmap_same_name(const char *a, size_t alen, const char *b, size_t blen);

#endif
