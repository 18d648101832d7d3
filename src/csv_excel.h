/* csv_excel.h — CSV for a French Excel: the RFC 4180 text admit writes, rewritten with a
 * UTF-8 byte order mark, ';' between fields, a decimal comma in decimal numbers and CRLF
 * at the end of each record (what a double-click in Excel set to French reads right). */
#ifndef ADMIT_CSV_EXCEL_H
#define ADMIT_CSV_EXCEL_H

#include <stddef.h>
#include <stdio.h>

#include "atomic.h"
#include "errloc.h"

/* The CSV dialects admit writes. */
typedef enum { CSV_RFC4180 = 0, CSV_EXCEL = 1 } csv_dialect;

/* "rfc4180" or "excel" → dialect; -1 for any other name. */
int csv_dialect_from_name(const char *name);

/* Writes the RFC 4180 text in[0..n) to out in the Excel dialect. Returns 0, or -1 on a
 * write error or when out of memory. */
int csv_excel_write(FILE *out, const char *in, size_t n);

/* Rewrites every *.csv file of the temporary directory of ad in the Excel dialect
 * (before atomic_dir_commit). Returns 0, or -1 with err. */
int csv_excel_convert_dir(const atomic_dir *ad, errloc *err);

#endif
