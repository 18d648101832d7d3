/* strpool.c — open-addressing hash set of strings over an arena of chunks. Each slot keeps
 * the string's hash and length beside it: a probe compares texts only on equal hashes,
 * and growing never reads the strings again (a million ids interned stay linear). */
#include "strpool.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "idindex.h"

typedef struct chunk {
    struct chunk *next;
    size_t used, cap;
    char data[];
} chunk;

typedef struct slot {
    const char *s;            /* NULL = empty */
    uint32_t hash;            /* the high half of idindex_hash */
    uint32_t len;
} slot;

struct strpool {
    slot *slots;
    size_t nslots, count;
    chunk *chunks;
};

/* Texts longer than 4 GiB are not ids: they go to the arena but are compared by length
 * clipped to 32 bits plus their full text, which stays exact. */
static uint32_t clip(size_t len) { return len > UINT32_MAX ? UINT32_MAX : (uint32_t)len; }

strpool *strpool_new(void)
{
    strpool *sp = calloc(1, sizeof *sp);
    if (!sp) return NULL;
    sp->nslots = 256;
    sp->slots = calloc(sp->nslots, sizeof *sp->slots);
    if (!sp->slots) { free(sp); return NULL; }
    return sp;
}

void strpool_free(strpool *sp)
{
    if (!sp) return;
    for (chunk *c = sp->chunks, *n; c; c = n) {
        n = c->next;
        free(c);
    }
    free(sp->slots);
    free(sp);
}

static char *arena_alloc(strpool *sp, size_t n)
{
    chunk *c = sp->chunks;
    if (!c || c->cap - c->used < n) {
        size_t cap = n > 60000 ? n : 60000;
        c = malloc(sizeof *c + cap);
        if (!c) return NULL;
        c->next = sp->chunks;
        c->used = 0;
        c->cap = cap;
        sp->chunks = c;
    }
    char *p = c->data + c->used;
    c->used += n;
    return p;
}

/* The slot position of a hash: its high bits, so that doubling keeps the order. */
static size_t home(uint32_t hash, size_t nslots)
{
    return (size_t)(((uint64_t)hash * nslots) >> 32);
}

static int rehash(strpool *sp)
{
    size_t n = sp->nslots * 2;
    if (n > ((size_t)1 << 32)) return -1;   /* home() spreads 32 bits over the slots */
    slot *slots = calloc(n, sizeof *slots);
    if (!slots) return -1;
    for (size_t i = 0; i < sp->nslots; i++) {
        if (!sp->slots[i].s) continue;
        size_t j = home(sp->slots[i].hash, n);
        while (slots[j].s) j = (j + 1) & (n - 1);
        slots[j] = sp->slots[i];
    }
    free(sp->slots);
    sp->slots = slots;
    sp->nslots = n;
    return 0;
}

const char *strpool_intern(strpool *sp, const char *s, size_t len)
{
    if (sp->count * 2 >= sp->nslots && rehash(sp) != 0) return NULL;
    uint32_t h = (uint32_t)(idindex_hash(s, len) >> 32);
    size_t j = home(h, sp->nslots);
    for (const slot *t; (t = &sp->slots[j])->s != NULL; j = (j + 1) & (sp->nslots - 1))
        if (t->hash == h && t->len == clip(len) && memcmp(t->s, s, len) == 0 && t->s[len] == '\0')
            return t->s;
    char *copy = arena_alloc(sp, len + 1);
    if (!copy) return NULL;
    memcpy(copy, s, len);
    copy[len] = '\0';
    sp->slots[j] = (slot){ copy, h, clip(len) };
    sp->count++;
    return copy;
}

const char *strpool_copy(strpool *sp, const char *s, size_t len)
{
    char *copy = arena_alloc(sp, len + 1);
    if (!copy) return NULL;
    memcpy(copy, s, len);
    copy[len] = '\0';
    return copy;
}

size_t strpool_count(const strpool *sp) { return sp->count; }
