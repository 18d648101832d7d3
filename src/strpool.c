/* strpool.c — open-addressing hash set of strings over an arena of chunks. */
#include "strpool.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct chunk {
    struct chunk *next;
    size_t used, cap;
    char data[];
} chunk;

struct strpool {
    const char **slots;
    size_t nslots, count;
    chunk *chunks;
};

static uint64_t hash(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ULL;  /* FNV-1a */
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

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

static int rehash(strpool *sp)
{
    size_t n = sp->nslots * 2;
    const char **slots = calloc(n, sizeof *slots);
    if (!slots) return -1;
    for (size_t i = 0; i < sp->nslots; i++) {
        const char *s = sp->slots[i];
        if (!s) continue;
        size_t j = hash(s, strlen(s)) & (n - 1);
        while (slots[j]) j = (j + 1) & (n - 1);
        slots[j] = s;
    }
    free(sp->slots);
    sp->slots = slots;
    sp->nslots = n;
    return 0;
}

const char *strpool_intern(strpool *sp, const char *s, size_t len)
{
    if (sp->count * 2 >= sp->nslots && rehash(sp) != 0) return NULL;
    size_t j = hash(s, len) & (sp->nslots - 1);
    for (const char *t; (t = sp->slots[j]) != NULL; j = (j + 1) & (sp->nslots - 1))
        if (strncmp(t, s, len) == 0 && t[len] == '\0') return t;
    char *copy = arena_alloc(sp, len + 1);
    if (!copy) return NULL;
    memcpy(copy, s, len);
    copy[len] = '\0';
    sp->slots[j] = copy;
    sp->count++;
    return copy;
}

size_t strpool_count(const strpool *sp) { return sp->count; }
