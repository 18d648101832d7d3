/* idindex.h — finds duplicate identifiers among n rows in O(n): an open-addressing table
 * of row numbers keyed by the row's id text. The texts stay owned by the caller. */
#ifndef ADMIT_IDINDEX_H
#define ADMIT_IDINDEX_H

#include <stddef.h>
#include <stdint.h>

typedef struct idindex {
    uint32_t *slot;     /* row + 1, 0 = empty */
    size_t mask;        /* number of slots - 1 (a power of two) */
    size_t count;
} idindex;

/* Returns 0, or -1 when out of memory. expected: a hint of the number of ids. */
int idindex_init(idindex *ix, size_t expected);
void idindex_free(idindex *ix);

/* Adds row `row` whose id is text[0..len), where text_of(ctx, r, &len) gives the id of an
 * earlier row r. Returns -1 when added, -2 when out of memory, or the earlier row with
 * the same id. */
typedef const char *(*idindex_text_fn)(const void *ctx, uint32_t row, size_t *len);
long long idindex_add(idindex *ix, const char *text, size_t len, uint32_t row,
                      idindex_text_fn text_of, const void *ctx);

/* Looks an id up: the row, or -1. */
long long idindex_find(const idindex *ix, const char *text, size_t len,
                       idindex_text_fn text_of, const void *ctx);

#endif
