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

/* Asks the kernel for 2 MiB pages under the large block p[0..bytes) (a hint: nothing
 * changes where it is refused), for arrays read at random. */
void idindex_hugepages(void *p, size_t bytes);

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

/* The first duplicate among the ids of rows 0..n-1 (text_of gives each), checked all at
 * once: cache-friendly and on the threads (threads.h), for ids read in bulk. Returns the
 * smallest row whose id an earlier row has, with *first set to the earliest such row;
 * -1 when the ids are distinct; -2 when out of memory. The same answer whatever the
 * thread count, and the same as adding the rows in order to an idindex. */
long long idindex_first_duplicate(size_t n, idindex_text_fn text_of, const void *ctx, uint32_t *first);

#endif
