/* idindex.h — finds duplicate identifiers among n rows in O(n): an open-addressing table
 * of row numbers keyed by the row's id text. The texts stay owned by the caller. Each slot
 * holds 32 bits of the id's hash beside the row, so that a probe compares texts only when
 * the hashes agree: at 12 million ids a lookup is about one cache miss. */
#ifndef ADMIT_IDINDEX_H
#define ADMIT_IDINDEX_H

#include <stddef.h>
#include <stdint.h>

typedef struct idindex {
    uint64_t *slot;     /* hash tag << 32 | (row + 1); 0 = empty */
    size_t mask;        /* number of slots - 1 (a power of two) */
    size_t count;
} idindex;

/* Returns 0, or -1 when out of memory. expected: the number of ids to come, when known
 * (the table is then sized once, load under 1/2, and never grows); a hint otherwise. */
int idindex_init(idindex *ix, size_t expected);
void idindex_free(idindex *ix);

/* The hash of an id (8 bytes at a time, murmur3's finaliser). */
uint64_t idindex_hash(const char *text, size_t len);

/* Adds row `row` whose id is text[0..len), where text_of(ctx, r, &len) gives the id of an
 * earlier row r. Returns -1 when added, -2 when out of memory (or more than 2^31 ids), or
 * the earlier row with the same id. */
typedef const char *(*idindex_text_fn)(const void *ctx, uint32_t row, size_t *len);
long long idindex_add(idindex *ix, const char *text, size_t len, uint32_t row,
                      idindex_text_fn text_of, const void *ctx);

/* Looks an id up: the row, or -1. */
long long idindex_find(const idindex *ix, const char *text, size_t len,
                       idindex_text_fn text_of, const void *ctx);

#endif
