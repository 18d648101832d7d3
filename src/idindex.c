/* idindex.c — open addressing with linear probing; the table doubles at half load. */
#include "idindex.h"

#include <stdlib.h>
#include <string.h>

static uint64_t id_hash(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ULL;  /* FNV-1a */
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h ^ (h >> 29);
}

int idindex_init(idindex *ix, size_t expected)
{
    size_t n = 64;
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

static int same(const char *a, size_t alen, const char *b, size_t blen)
{
    return alen == blen && memcmp(a, b, alen) == 0;
}

static int grow(idindex *ix, idindex_text_fn text_of, const void *ctx)
{
    size_t n = (ix->mask + 1) * 2;
    uint32_t *slot = calloc(n, sizeof *slot);
    if (!slot) return -1;
    for (size_t i = 0; i <= ix->mask; i++) {
        if (!ix->slot[i]) continue;
        size_t len;
        const char *t = text_of(ctx, ix->slot[i] - 1, &len);
        size_t j = (size_t)id_hash(t, len) & (n - 1);
        while (slot[j]) j = (j + 1) & (n - 1);
        slot[j] = ix->slot[i];
    }
    free(ix->slot);
    ix->slot = slot;
    ix->mask = n - 1;
    return 0;
}

/* The slot where text is, or the empty slot where it would go (open addressing). */
static size_t probe(const idindex *ix, const char *text, size_t len,
                    idindex_text_fn text_of, const void *ctx)
{
    size_t j = (size_t)id_hash(text, len) & ix->mask;
    while (ix->slot[j]) {
        size_t olen;
        const char *o = text_of(ctx, ix->slot[j] - 1, &olen);
        if (same(text, len, o, olen))
            break;
        j = (j + 1) & ix->mask;
    }
    return j;
}

long long idindex_add(idindex *ix, const char *text, size_t len, uint32_t row,
                      idindex_text_fn text_of, const void *ctx)
{
    if ((ix->count + 1) * 2 > ix->mask + 1 && grow(ix, text_of, ctx) != 0)
        return -2;
    size_t j = probe(ix, text, len, text_of, ctx);
    if (ix->slot[j])
        return (long long)(ix->slot[j] - 1);
    ix->slot[j] = row + 1;
    ix->count++;
    return -1;
}

long long idindex_find(const idindex *ix, const char *text, size_t len,
                       idindex_text_fn text_of, const void *ctx)
{
    size_t j = probe(ix, text, len, text_of, ctx);
    return ix->slot[j] ? (long long)(ix->slot[j] - 1) : -1;
}
