/* csvread.h — streaming CSV reader on libcsv, Lua-free. Reads a whole file (or stdin),
 * checks its encoding, detects the separator, and hands each record to a callback with
 * the line it starts on. Every error is located: "file:line:col: what". */
#ifndef ADMIT_CSVREAD_H
#define ADMIT_CSVREAD_H

#include <stddef.h>
#include "errloc.h"

/* How a file was read, for --explain (filled when csv_opts.stats is set). */
typedef struct csv_stats {
    char delim;
    int cp1252;              /* converted from Windows-1252 */
    int bom;                 /* started with a UTF-8 byte order mark */
    int crlf;                /* lines end with CR LF */
    size_t header_line;      /* line of the header record */
    size_t rows;             /* records after the header */
    size_t skipped;          /* entirely empty rows (only separators and spaces), skipped */
    size_t skipped_line[8];  /* the lines of the first of them */
    char header[512];        /* the header fields, separated by the separator (cut) */
    size_t unnamed;          /* header columns with no name (Excel's "id;rank;;;"), skipped */
    size_t unnamed_col[8];   /* the 1-based numbers of the first of them */
} csv_stats;

typedef struct csv_opts {
    char delim;          /* ',' or ';'; 0 = detect from the header line */
    int allow_ragged;    /* 1: rows may have another field count than the header */
    int refuse_cp1252;   /* 1: a Windows-1252 file is an error instead of being converted */
    size_t max_field;    /* longest field accepted, in bytes; 0 = CSV_MAX_FIELD */
    csv_stats *stats;    /* NULL, or filled with how the file was read */
} csv_opts;

#define CSV_MAX_FIELD (64 * 1024)
/* Bounds that keep a hostile file from costing more memory than its own size: a physical
 * line, and the fields of one record (each field costs some bookkeeping). */
#define CSV_MAX_LINE (16 * 1024 * 1024)
#define CSV_MAX_FIELDS (4 * 1024 * 1024)

typedef struct csv_row {
    size_t index;        /* 0 for the header, then 1, 2, ... */
    size_t line;         /* 1-based line where the record starts */
    size_t nfields;
    const char *const *field;  /* NUL-terminated texts, quotes removed */
    const size_t *len;
    const size_t *column;      /* 0-based column in the file of each field; NULL = the same
                                * (columns with no header name are left out of the rows) */
} csv_row;

/* The 1-based column in the file of field f of row (for messages). */
static inline size_t csv_column(const csv_row *row, size_t f)
{
    return (row->column ? row->column[f] : f) + 1;
}

typedef struct csv_reader csv_reader;

/* Return 0 to continue, or call csv_fail() and return -1 to stop. */
/* Rows that are entirely empty (every field only spaces, as Excel's trailing ";;;;"
 * rows), wherever they are, never reach the callback: they are counted in the stats.
 * Header columns with no name (Excel writes "id;rank;;;" once a cell beyond the data was
 * touched) are left out of every row, header included, when they are blank on every row;
 * a value under one is an error at its place. Field indexes (csv_fail included) count
 * the named columns only; csv_column() gives a field's column in the file. */
typedef int (*csv_row_fn)(void *ctx, csv_reader *rd, const csv_row *row);

/* path NULL or "-" reads stdin (named "stdin" in messages), once, through input_read
 * (input.h: the size bound). display names the file in messages (NULL = path). Returns 0,
 * or -1 with err filled. */
int csv_read_file(const char *path, const char *display, const csv_opts *opts,
                  csv_row_fn fn, void *ctx, errloc *err);

/* Same on a buffer already in memory (fuzzing, tests). */
int csv_read_buffer(const char *name, const char *buf, size_t len, const csv_opts *opts,
                    csv_row_fn fn, void *ctx, errloc *err);

/* From a callback: records an error located at the start of field `field` (0-based) of the
 * current record. */
void csv_fail(csv_reader *rd, size_t field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The delimiter in use and whether the input was converted from Windows-1252. */
char csv_delimiter(const csv_reader *rd);
int csv_was_converted(const csv_reader *rd);

#endif
