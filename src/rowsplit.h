/* rowsplit.h — the rows of a plain CSV buffer (a machine-written national ranking: ASCII,
 * no quotes) cut into line-aligned chunks and read on the threads. Anything less plain
 * declines, and the caller reads the buffer the ordinary way (csvfast, csvread), which
 * stays the reference for what is accepted and for every message. */
#ifndef ADMIT_ROWSPLIT_H
#define ADMIT_ROWSPLIT_H

#include <stddef.h>

#include "csvread.h"

/* Called once with the header (fields NUL-terminated copies, as csvread gives them) and
 * the number of data rows that will follow (counted already: room can be made for them
 * once); returns 0 to go on, 1 to decline, -1 when out of memory. */
typedef int (*rowsplit_header_fn)(void *ctx, const csv_row *header, size_t rows);
/* Called for data row `row` (0 = the first after the header) on line `line` of the file,
 * from any thread, each row once; field[i] points into the buffer, len[i] bytes, not
 * NUL-terminated. Returns 0, or non-zero to decline the whole buffer. */
typedef int (*rowsplit_row_fn)(void *ctx, size_t row, size_t line, const char *const *field,
                               const size_t *len);

/* Reads buf[0..len) when it is plain: a UTF-8 BOM at most, then ASCII without quote, NUL
 * or lone CR, LF or CRLF line ends, no empty line but after the last, every line with the
 * header's field count, no field over CSV_MAX_FIELD, no line of blanks and separators
 * only. The delimiter is the header's (';' when it has more of them than ','). nt chunks
 * (threads.h), sizes from the line count. Returns 0 when every row was read (*rows set),
 * 1 when declined (fn may have been called for some rows: the caller starts again), -1
 * when out of memory. */
int rowsplit_read(const char *buf, size_t len, int nt, rowsplit_header_fn header, rowsplit_row_fn fn,
                  void *ctx, size_t *rows);

/* The lines of buf[0..len): its '\n' + 1 (8 bytes at a time), to size a reading up front. */
size_t rowsplit_lines(const char *buf, size_t len);

#endif
