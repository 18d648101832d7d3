/* idindex.c — open addressing with linear probing; sized from the expected count, the
 * table doubles at half load only when that count was a guess. A slot is one 64-bit word:
 * the high half of the id's hash (compared before any text) and the row + 1. */
#include "idindex.h"

#include <stdlib.h>
#include <string.h>

#define MAX_IDS ((size_t)1 << 31)   /* table of at most 2^32 slots at half load */

uint64_t idindex_hash(const char *s, size_t n)
{
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ n;
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        h = (h ^ w) * 0xff51afd7ed558ccdULL;
        h ^= h >> 32;
        s += 8;
        n -= 8;
    }
    uint64_t w = 0;
    memcpy(&w, s, n);
    h ^= w;
    h ^= h >> 33;  /* murmur3's finaliser: every input bit reaches the bits we index on */
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    return h ^ (h >> 33);
}

int idindex_init(idindex *ix, size_t expected)
{
    size_t n = 64;
    if (expected > MAX_IDS) expected = MAX_IDS;
    while (n < expected * 2) n *= 2;
    ix->slot = calloc(n, sizeof *ix->slot);
    ix->mask = n - 1;
    ix->count = 0;
    return ix->slot ? 0 : -1;
}

void idindex_free(idindex *ix)
{
    free(ix->slot);
    ix->slot = NULL;
}

static uint32_t row_of(uint64_t slot) { return (uint32_t)slot - 1; }
static uint32_t tag_of(uint64_t hash) { return (uint32_t)(hash >> 32); }

/* The slot position of a hash: its low bits (the tag is the high half). */
static size_t home(uint64_t hash, size_t mask) { return (size_t)hash & mask; }

static int grow(idindex *ix, idindex_text_fn text_of, const void *ctx)
{
    size_t n = (ix->mask + 1) * 2;
    uint64_t *slot = calloc(n, sizeof *slot);
    if (!slot) return -1;
    for (size_t i = 0; i <= ix->mask; i++) {
        if (!ix->slot[i]) continue;
        size_t len;
        const char *t = text_of(ctx, row_of(ix->slot[i]), &len);
        size_t j = home(idindex_hash(t, len), n - 1);
        while (slot[j]) j = (j + 1) & (n - 1);
        slot[j] = ix->slot[i];
    }
    free(ix->slot);
    ix->slot = slot;
    ix->mask = n - 1;
    return 0;
}

/* The slot where text is, or the empty slot where it would go. */
static size_t probe(const idindex *ix, const char *text, size_t len, uint64_t hash,
                    idindex_text_fn text_of, const void *ctx)
{
    uint32_t tag = tag_of(hash);
    size_t j = home(hash, ix->mask);
    for (uint64_t s; (s = ix->slot[j]) != 0; j = (j + 1) & ix->mask) {
        if ((uint32_t)(s >> 32) != tag) continue;
        size_t olen;
        const char *o = text_of(ctx, row_of(s), &olen);
        if (olen == len && memcmp(text, o, len) == 0) break;
    }
    return j;
}

long long idindex_add(idindex *ix, const char *text, size_t len, uint32_t row,
                      idindex_text_fn text_of, const void *ctx)
{
    if (ix->count >= MAX_IDS || row == UINT32_MAX) return -2;
    if ((ix->count + 1) * 2 > ix->mask + 1 && grow(ix, text_of, ctx) != 0)
        return -2;
    uint64_t hash = idindex_hash(text, len);
    size_t j = probe(ix, text, len, hash, text_of, ctx);
    if (ix->slot[j])
        return (long long)row_of(ix->slot[j]);
    ix->slot[j] = (uint64_t)tag_of(hash) << 32 | (uint64_t)(row + 1);
    ix->count++;
    return -1;
}

long long idindex_find(const idindex *ix, const char *text, size_t len,
                       idindex_text_fn text_of, const void *ctx)
{
    size_t j = probe(ix, text, len, idindex_hash(text, len), text_of, ctx);
    return ix->slot[j] ? (long long)row_of(ix->slot[j]) : -1;
}
