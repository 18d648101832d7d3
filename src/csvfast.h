/* csvfast.h — the rows of a plain CSV buffer, split without libcsv. */
#ifndef ADMIT_CSVFAST_H
#define ADMIT_CSVFAST_H

#include <stddef.h>

#include "csvread.h"

/* Feeds the rows of buf[0..len) to fn with a NULL reader, when the text is plain: no
 * quote, no NUL, valid UTF-8, LF or CRLF line ends, every row with the header's field
 * count, no field over CSV_MAX_FIELD, no line of blanks and separators only (csvread
 * skips those as entirely empty rows). Returns 0 when every row was read, 1 when the
 * buffer is not plain or fn refused a row (fn must then not report: the caller starts
 * again through csv_read_buffer, the reference for what is accepted and for every
 * message), -1 when out of memory. Blank lines are skipped and row->line
 * counts them, as csvread does. */
int csvfast_read_buffer(const char *buf, size_t len, csv_row_fn fn, void *ctx);

/* 1 when the header fields[0..n) have a name each (only then may a fast path read the
 * file: csvread leaves columns with no name out of the rows, and says so). */
int csvfast_named_header(const char *const *field, const size_t *len, size_t n);

/* What --explain says of a plain buffer the fast path has read whole (see csvfast_read_buffer:
 * no quote, valid UTF-8, no unnamed header column): the stats csvread would have filled,
 * found by one cheap pass over the line ends, so that --explain keeps the fast path. */
void csvfast_stats(const char *buf, size_t len, csv_stats *st);

/* 0 when ADMIT_FAST_PATH=0 is in the environment: admit callorder and admit.candidates
 * then read every file with csvread, the reference the fast readers are tested against
 * (tests/21-, tests/26-); 1 otherwise. */
int csvfast_enabled(void);

#endif
