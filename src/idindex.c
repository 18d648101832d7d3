/* idindex.c — open addressing with linear probing; sized from the expected count, the
 * table doubles at half load only when that count was a guess. A slot is one 64-bit word:
 * the high half of the id's hash (compared before any text) and the row + 1. */
#include "idindex.h"

#include "threads.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

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

void idindex_hugepages(void *p, size_t bytes)
{
    /* a table of millions of slots is probed at random: with 4 KiB pages nearly every probe
     * also misses the TLB; 2 MiB pages (where the kernel grants them) remove most of that */
    const uintptr_t huge = (uintptr_t)2 << 20;
    uintptr_t a = ((uintptr_t)p + huge - 1) & ~(huge - 1), e = ((uintptr_t)p + bytes) & ~(huge - 1);
    if (p && e > a) (void)madvise((void *)a, e - a, MADV_HUGEPAGE);
}

int idindex_init(idindex *ix, size_t expected)
{
    size_t n = 64;
    if (expected > MAX_IDS) expected = MAX_IDS;
    while (n < expected * 2) n *= 2;
    ix->slot = calloc(n, sizeof *ix->slot);
    idindex_hugepages(ix->slot, n * sizeof *ix->slot);
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

/* ------------------------------------------------------- all at once */

/* The first duplicate among n ids known up front, without a table of n slots probed at
 * random: the (hash, row) pairs are spread by the hash's top bits into at most 65,536
 * buckets of about 8,000 (two passes over the ids, in order; few enough buckets for the
 * writes to stay sequential), then each bucket, small enough for the cache, is checked with
 * a table of its own. Rows stay in file order inside a bucket, so
 * each bucket's first duplicate is its smallest; the answer is the smallest of those,
 * whatever the number of threads. */
typedef struct dup_job {
    size_t n;
    idindex_text_fn text_of;
    const void *ctx;
    int shift;                 /* bucket of a hash: hash >> shift */
    size_t nb;                 /* buckets */
    size_t *off;               /* [t * nb + b]: where thread t's pairs of bucket b go */
    size_t *start;             /* [b]: first pair of bucket b; start[nb] = n */
    uint64_t *pair;            /* (hash low half) << 32 | row, bucket by bucket */
    long long dup[THREADS_MAX];
    uint32_t first[THREADS_MAX];
    int oom[THREADS_MAX];
} dup_job;

static size_t slice_lo(size_t n, int t, int nt) { return n * (size_t)t / (size_t)nt; }

static uint64_t hash_of_row(const dup_job *j, size_t row)
{
    size_t len;
    const char *t = j->text_of(j->ctx, (uint32_t)row, &len);
    return idindex_hash(t, len);
}

static void dup_count(void *ctx, int t, int nt)
{
    dup_job *j = ctx;
    size_t *count = j->off + (size_t)t * j->nb;
    for (size_t r = slice_lo(j->n, t, nt), e = slice_lo(j->n, t + 1, nt); r < e; r++)
        count[hash_of_row(j, r) >> j->shift]++;
}

static void dup_scatter(void *ctx, int t, int nt)
{
    dup_job *j = ctx;
    size_t *at = j->off + (size_t)t * j->nb;
    for (size_t r = slice_lo(j->n, t, nt), e = slice_lo(j->n, t + 1, nt); r < e; r++) {
        uint64_t h = hash_of_row(j, r);
        j->pair[at[h >> j->shift]++] = (h & 0xFFFFFFFFu) << 32 | r;
    }
}

/* Thread t checks buckets [nb*t/nt, nb*(t+1)/nt). */
static void dup_check(void *ctx, int t, int nt)
{
    dup_job *j = ctx;
    size_t b_lo = slice_lo(j->nb, t, nt), b_hi = slice_lo(j->nb, t + 1, nt), biggest = 0;
    for (size_t b = b_lo; b < b_hi; b++)
        if (j->start[b + 1] - j->start[b] > biggest) biggest = j->start[b + 1] - j->start[b];
    size_t cap = 16;
    while (cap < biggest * 2) cap *= 2;
    uint32_t *table = malloc(cap * sizeof *table);   /* position in the bucket + 1; 0 = empty */
    j->dup[t] = -1;
    if (!table) { j->oom[t] = 1; return; }
    for (size_t b = b_lo; b < b_hi; b++) {
        const uint64_t *p = j->pair + j->start[b];
        size_t m = j->start[b + 1] - j->start[b], mask = 16 - 1;
        while (mask + 1 < m * 2) mask = mask * 2 + 1;
        memset(table, 0, (mask + 1) * sizeof *table);
        for (size_t i = 0; i < m; i++) {
            uint32_t tag = (uint32_t)(p[i] >> 32), row = (uint32_t)p[i];
            size_t k = tag & mask, len;
            const char *text = NULL;
            for (; table[k]; k = (k + 1) & mask) {
                uint64_t q = p[table[k] - 1];
                if ((uint32_t)(q >> 32) != tag) continue;
                size_t qlen;
                const char *qt = j->text_of(j->ctx, (uint32_t)q, &qlen);
                if (!text) text = j->text_of(j->ctx, row, &len);
                if (qlen == len && memcmp(qt, text, len) == 0) break;
            }
            if (table[k]) {   /* the bucket's first duplicate: later ones are larger rows */
                if (j->dup[t] < 0 || row < j->dup[t]) {
                    j->dup[t] = row;
                    j->first[t] = (uint32_t)p[table[k] - 1];
                }
                break;
            }
            table[k] = (uint32_t)i + 1;
        }
    }
    free(table);
}

long long idindex_first_duplicate(size_t n, idindex_text_fn text_of, const void *ctx, uint32_t *first)
{
    if (n >= UINT32_MAX) return -2;
    dup_job j = { .n = n, .text_of = text_of, .ctx = ctx };
    int bits = 0;
    while (bits < 16 && ((size_t)1 << bits) * 8192 < n) bits++;   /* few enough to scatter into */
    j.nb = (size_t)1 << bits;
    j.shift = 64 - bits;
    int nt = n < 200000 ? 1 : threads_count();
    if (bits == 0) nt = 1;   /* one bucket (a shift of 64 would be undefined): filled below */
    j.off = calloc((size_t)nt * j.nb, sizeof *j.off);
    j.start = malloc((j.nb + 1) * sizeof *j.start);
    j.pair = malloc((n ? n : 1) * sizeof *j.pair);
    idindex_hugepages(j.pair, n * sizeof *j.pair);
    long long rc = -2;
    if (!j.off || !j.start || !j.pair) goto out;
    if (bits == 0) {
        for (size_t r = 0; r < n; r++) j.pair[r] = (hash_of_row(&j, r) & 0xFFFFFFFFu) << 32 | r;
        j.start[0] = 0;
        j.start[1] = n;
    } else {
        threads_run(nt, dup_count, &j);
        size_t sum = 0;
        for (size_t b = 0; b < j.nb; b++) {
            j.start[b] = sum;
            for (int t = 0; t < nt; t++) {
                size_t c = j.off[(size_t)t * j.nb + b];
                j.off[(size_t)t * j.nb + b] = sum;
                sum += c;
            }
        }
        j.start[j.nb] = sum;
        threads_run(nt, dup_scatter, &j);
    }
    threads_run(nt, dup_check, &j);
    rc = -1;
    for (int t = 0; t < nt; t++) {
        if (j.oom[t]) { rc = -2; goto out; }
        if (j.dup[t] >= 0 && (rc < 0 || j.dup[t] < rc)) {
            rc = j.dup[t];
            *first = j.first[t];
        }
    }
out:
    free(j.off);
    free(j.start);
    free(j.pair);
    return rc;
}
