/* sim_wishes.c — a plain vœux file is most of the bytes of a national run (13 million
 * rows). Its body is cut at line starts into one chunk per thread; a first pass counts each
 * chunk's lines (so each knows its first line number and where its vœux go), a second
 * parses each chunk straight into p's arrays, a last one closes the gaps left by blank
 * lines. Rows are only taken when plain (digits, ids without surrounding blanks, known
 * ids, values in range): anything else is left to the row-by-row reader, the reference
 * for what is accepted and for every message. */
#include "sim_wishes.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "csvread.h"
#include "threads.h"

#define ID_MAX 511            /* sim_load's id buffers hold 512 bytes */
#define PREF_MAX 1000000u
#define RANK_MAX 2147483647u

/* Formation ids repeat on every row: tables of every formation whose id is short, built
 * once before the threads start and only read by them. Ids of up to 8 bytes (Parcoursup's
 * codes, F000123...) are their bytes zero-padded into one word, which is the whole key (an
 * id holds no NUL byte here: the fast path refuses texts with one, so the padding tells the
 * length); the words sit in a table of their own (128 KB for 14,000 formations: it stays in
 * a core's L2 cache beside the streams of the parse), their formations beside it, read on a
 * hit only. Ids of 9 to 16 bytes go to 24-byte slots; longer ids to the id map. Linear
 * probing on the top bits of a multiplicative hash (every byte of the id moves them). */
typedef struct fslot16 {
    uint64_t key[2];
    uint32_t len, form;
} fslot16;

typedef struct ftable {
    uint64_t *key8;           /* 0 = empty slot */
    uint32_t *form8;
    fslot16 *s16;
    size_t mask8, mask16;
    int shift8, shift16;      /* 64 - log2(slots) */
} ftable;

static size_t fslot_of(uint64_t k0, uint64_t k1, int shift)
{
    return (size_t)(((k0 ^ k1 * 0x9e3779b97f4a7c15ULL) * 0xff51afd7ed558ccdULL) >> shift);
}

/* Slots for n ids at most 7/8 full (probes stay within a cache line or two). */
static size_t table_slots(size_t n, int *shift)
{
    size_t slots = 64;
    *shift = 58;
    while (slots - slots / 8 < n + 1) { slots *= 2; (*shift)--; }
    return slots;
}

static void ftable_free(ftable *t)
{
    free(t->key8);
    free(t->form8);
    free(t->s16);
    t->key8 = NULL;
    t->form8 = NULL;
    t->s16 = NULL;
}

/* 0, or -1 when out of memory (the lookups then all go to the id map). */
static int ftable_build(ftable *t, const sim_problem *p)
{
    size_t n8 = 0, n16 = 0;
    for (uint32_t f = 0; f < p->nf; f++) {
        size_t len = strlen(p->f_id[f]);
        n8 += len > 0 && len <= 8;
        n16 += len > 8 && len <= 16;
    }
    size_t slots8 = table_slots(n8, &t->shift8), slots16 = table_slots(n16, &t->shift16);
    t->key8 = calloc(slots8, sizeof *t->key8);
    t->form8 = calloc(slots8, sizeof *t->form8);
    t->s16 = calloc(slots16, sizeof *t->s16);
    t->mask8 = slots8 - 1;
    t->mask16 = slots16 - 1;
    if (!t->key8 || !t->form8 || !t->s16) {
        ftable_free(t);
        return -1;
    }
    for (uint32_t f = 0; f < p->nf; f++) {   /* a repeated id keeps its first formation, as the id map does */
        size_t len = strlen(p->f_id[f]);
        uint64_t key[2] = { 0, 0 };
        if (len == 0 || len > 16) continue;
        memcpy(key, p->f_id[f], len);
        if (len <= 8) {
            size_t i = fslot_of(key[0], 0, t->shift8);
            while (t->key8[i] && t->key8[i] != key[0]) i = (i + 1) & t->mask8;
            if (!t->key8[i]) {
                t->key8[i] = key[0];
                t->form8[i] = f;
            }
        } else {
            size_t i = fslot_of(key[0], key[1], t->shift16);
            while (t->s16[i].len && !(t->s16[i].len == len && t->s16[i].key[0] == key[0] &&
                                      t->s16[i].key[1] == key[1]))
                i = (i + 1) & t->mask16;
            if (!t->s16[i].len) t->s16[i] = (fslot16){ { key[0], key[1] }, (uint32_t)len, f };
        }
    }
    return 0;
}

/* The id's len (1..8) bytes, zero-padded, as ftable_build makes them: one load when eight
 * bytes can be read before hi (the bytes past the id are then masked off). */
static uint64_t word_of(const char *id, size_t len, const char *hi)
{
    uint64_t k = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (hi - id >= 8) {
        memcpy(&k, id, 8);
        return len == 8 ? k : k & ((UINT64_C(1) << (len * 8)) - 1);
    }
#endif
    memcpy(&k, id, len);
    return k;
}

/* hi: the end of the readable text after id. */
static uint32_t lookup_formation(const sim_problem *p, const ftable *t, const char *id, size_t len,
                                 const char *hi)
{
    if (!t->key8 || len > 16) return sim_lookup_formation(p, id, len);
    if (len <= 8) {
        uint64_t k = word_of(id, len, hi);
        if (k == 0) return SIM_NONE;   /* NUL bytes: not from the fast path's texts, never a key */
        for (size_t i = fslot_of(k, 0, t->shift8);; i = (i + 1) & t->mask8) {
            uint64_t e = t->key8[i];
            if (e == k) return t->form8[i];
            if (e == 0) return SIM_NONE;   /* every short id is in the table */
        }
    }
    uint64_t key[2] = { 0, 0 };
    memcpy(key, id, len);
    for (size_t i = fslot_of(key[0], key[1], t->shift16);; i = (i + 1) & t->mask16) {
        const fslot16 *e = &t->s16[i];
        if (e->len == 0) return SIM_NONE;
        if (e->len == len && e->key[0] == key[0] && e->key[1] == key[1]) return e->form;
    }
}

typedef struct chunk {
    const char *lo, *hi;      /* whole lines */
    size_t newlines;          /* '\n' in [lo, hi) */
    size_t base;              /* first vœu slot of this chunk in p's arrays */
    size_t first_line;        /* file line of lo */
    size_t n;                 /* vœux parsed */
    size_t blanks;            /* blank lines skipped */
    uint32_t first_cand;      /* the candidate of its first row when found ahead, else SIM_NONE */
    int status;               /* 0 plain, 1 not */
} chunk;

typedef struct par {
    sim_problem *p;
    const sim_wish_layout *lay;
    ftable forms;
    int nt;
    /* the candidates' id map, made by the first thread that needs it (vœux out of the
     * candidates' order): 0 not yet, 1 made, -1 out of memory */
    int cand_map;
    pthread_mutex_t lock;
    chunk ch[THREADS_MAX];
} par;

static int same_id(const char *cid, const char *id, size_t len)
{
    return strncmp(cid, id, len) == 0 && cid[len] == '\0';   /* stops at a shorter id's end */
}

/* The candidates' id map, made once for all threads (sim_sync_ids is not for concurrent
 * use: the first thread makes it under the lock, the others wait). 0, or -1. */
static int candidate_map(par *x)
{
    if (__atomic_load_n(&x->cand_map, __ATOMIC_ACQUIRE) == 0) {
        pthread_mutex_lock(&x->lock);
        if (x->cand_map == 0)
            __atomic_store_n(&x->cand_map, sim_sync_ids(x->p) == 0 ? 1 : -1, __ATOMIC_RELEASE);
        pthread_mutex_unlock(&x->lock);
    }
    return __atomic_load_n(&x->cand_map, __ATOMIC_ACQUIRE) == 1 ? 0 : -1;
}

/* The candidate of a row: vœux come grouped by candidate, usually in the order of the
 * candidates file, so the candidate after the previous one is tried first, then the few
 * after it (candidates without a vœu are skipped so), each id compared whole (ids are
 * unique: checked on loading); only then the id map, made on the first such miss. */
static uint32_t lookup_candidate(par *x, uint32_t prev, const char *id, size_t len)
{
    const sim_problem *p = x->p;
    uint32_t next = prev == SIM_NONE ? 0 : prev + 1;
    for (uint32_t k = next; k < p->nc && k < next + 4; k++)
        if (same_id(p->c_id[k], id, len)) return k;
    if (candidate_map(x) != 0) return SIM_NONE;
    return sim_lookup_candidate(p, id, len);
}

/* The candidate of the first row of a chunk after the first, found before the threads
 * start: in a file in the candidates' order it sits about as far into the candidates as
 * the chunk is into the text, so the ids around that place are compared, nearest first,
 * up to 65,536 of them each way. SIM_NONE when not found there (the chunk then asks the
 * map). Only a guess: a wrong field here is found again, and refused, by the parse. */
static uint32_t chunk_start_candidate(const par *x, const chunk *c, const char *body, size_t len)
{
    const sim_problem *p = x->p;
    const sim_wish_layout *lay = x->lay;
    if (p->nc == 0 || c->lo >= c->hi) return SIM_NONE;
    const char *f = c->lo, *eol = memchr(c->lo, '\n', (size_t)(c->hi - c->lo));
    if (!eol) eol = c->hi;
    for (size_t i = 0; i < lay->cand && f; i++) {   /* to the candidate's field */
        f = memchr(f, lay->delim, (size_t)(eol - f));
        if (f) f++;
    }
    if (!f) return SIM_NONE;
    const char *fe = memchr(f, lay->delim, (size_t)(eol - f));
    if (!fe) fe = eol > f && eol[-1] == '\r' ? eol - 1 : eol;
    size_t n = (size_t)(fe - f);
    if (n == 0 || n > ID_MAX) return SIM_NONE;
    uint64_t guess = (uint64_t)p->nc * (uint64_t)(c->lo - body) / (len ? len : 1);
    if (guess >= p->nc) guess = p->nc - 1;
    for (uint64_t d = 0; d < ((uint64_t)1 << 16); d++) {
        if (guess + d < p->nc && same_id(p->c_id[guess + d], f, n)) return (uint32_t)(guess + d);
        if (d && d <= guess && same_id(p->c_id[guess - d], f, n)) return (uint32_t)(guess - d);
        if (guess + d >= p->nc && d >= guess) break;
    }
    return SIM_NONE;
}

static void count_chunk(void *ctx, int t, int nt)
{
    chunk *c = &((par *)ctx)->ch[t];
    size_t n = 0;
    for (const char *s = c->lo; (s = memchr(s, '\n', (size_t)(c->hi - s))) != NULL; s++) n++;
    c->newlines = n;
}

/* Digits only, 1..max; 0 otherwise. */
static uint32_t plain_number(const char *s, size_t len, uint32_t max)
{
    if (len == 0 || len > 10) return 0;
    uint64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned d = (unsigned char)s[i] - '0';
        if (d > 9) return 0;
        v = v * 10 + d;
    }
    return v <= max ? (uint32_t)v : 0;
}

static int plain_id(const char *s, size_t len)
{
    return len > 0 && len <= ID_MAX && s[0] != ' ' && s[0] != '\t' && s[len - 1] != ' ' &&
           s[len - 1] != '\t';
}

/* The first byte at or after d that is the delimiter, '\n' or '\r' (hi if none): sixteen
 * bytes at a time where SSE2 is there (every x86-64), reading only below hi. */
static const char *next_special(const char *d, const char *hi, char delim)
{
#ifdef __SSE2__
    const __m128i vd = _mm_set1_epi8(delim), vn = _mm_set1_epi8('\n'), vr = _mm_set1_epi8('\r');
    for (; hi - d >= 16; d += 16) {
        __m128i b = _mm_loadu_si128((const __m128i *)(const void *)d);
        __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(b, vd), _mm_cmpeq_epi8(b, vn)),
                                   _mm_cmpeq_epi8(b, vr));
        unsigned mask = (unsigned)_mm_movemask_epi8(hit);
        if (mask) return d + __builtin_ctz(mask);
    }
#endif
    for (; d < hi; d++)
        if (*d == delim || *d == '\n' || *d == '\r') return d;
    return hi;
}

static void parse_chunk(void *ctx, int t, int nt)
{
    par *x = ctx;
    chunk *c = &x->ch[t];
    sim_problem *p = x->p;
    const sim_wish_layout *lay = x->lay;
    const char *last_cid = NULL;
    size_t last_len = 0, at = c->base, line = c->first_line;
    /* the first row's candidate found ahead: the guess of "the next one" starts there */
    uint32_t last_cand = c->first_cand == SIM_NONE || c->first_cand == 0 ? SIM_NONE : c->first_cand - 1;
    c->status = 1;
    /* one pass over the bytes: each is a plain byte, the delimiter, '\n' or '\r' */
    uint8_t cls[256] = { 0 };
    cls[(unsigned char)lay->delim] = 1;
    cls['\n'] = 2;
    cls['\r'] = 3;
    for (const char *s = c->lo; s < c->hi; line++) {
        const char *field[4] = { NULL, NULL, NULL, NULL };
        size_t flen[4] = { 0, 0, 0, 0 }, nf = 0;
        const char *f = s, *d = s;
        for (;; d++) {
            d = next_special(d, c->hi, lay->delim);
            int k = d < c->hi ? cls[(unsigned char)*d] : 2;
            if (k == 3) {                                /* CR: only just before the LF */
                if (d + 1 < c->hi && d[1] != '\n') goto done;
                if (d + 1 == c->hi) goto done;
                continue;
            }
            size_t n = (size_t)(d - f) - (k == 2 && d > f && d[-1] == '\r');
            if (n > CSV_MAX_FIELD) goto done;
            int col = nf == lay->cand ? 0 : nf == lay->form ? 1 : nf == lay->pref ? 2 : nf == lay->rank ? 3 : -1;
            if (col >= 0) { field[col] = f; flen[col] = n; }
            nf++;
            if (k == 2) break;
            f = d + 1;
        }
        const char *e = d;                               /* the '\n' (or the end) */
        if (e == s || (e == s + 1 && *s == '\r')) {     /* blank line */
            c->blanks++;
            s = e + 1;
            continue;
        }
        if (nf != lay->nfields || !plain_id(field[0], flen[0]) || !plain_id(field[1], flen[1])) goto done;
        uint32_t cand = last_cand;
        if (!last_cid || flen[0] != last_len || memcmp(field[0], last_cid, last_len) != 0) {
            cand = lookup_candidate(x, last_cand, field[0], flen[0]);
            if (cand == SIM_NONE) goto done;
            last_cand = cand;
            last_cid = field[0];
            last_len = flen[0];
        }
        uint32_t form = lookup_formation(p, &x->forms, field[1], flen[1], c->hi);
        uint32_t pref = plain_number(field[2], flen[2], PREF_MAX);
        uint32_t rank = plain_number(field[3], flen[3], RANK_MAX);
        if (form == SIM_NONE || pref == 0 || rank == 0 || line > UINT32_MAX) goto done;
        p->w_cand[at] = cand;
        p->w_form[at] = form;
        p->w_pref[at] = pref;
        p->w_rank[at] = rank;
        if (p->w_line) p->w_line[at] = (uint32_t)line;   /* else the lines follow each other */
        at++;
        s = e + 1;
    }
    c->n = at - c->base;
    c->status = 0;
done:;
}

/* The line of each of the nw vœux of body (every line not blank is one, as parse_chunk
 * took them), for a file with blank lines: 0, or -1 when out of memory. */
static int lines_after_blanks(sim_problem *p, const char *body, const char *end, size_t first_line, size_t nw)
{
    uint32_t *line = malloc((p->cap_w > nw ? p->cap_w : nw ? nw : 1) * sizeof *line);   /* room as the others */
    if (!line) return -1;
    size_t k = 0, at = first_line;
    for (const char *s = body; s < end && k < nw; at++) {
        const char *e = memchr(s, '\n', (size_t)(end - s));
        if (!e) e = end;
        if (!(e == s || (e == s + 1 && *s == '\r'))) line[k++] = (uint32_t)at;
        s = e + 1;
    }
    sim_set_lines(p, line);
    return 0;
}

int sim_wishes_parse(sim_problem *p, const char *body, size_t len, size_t first_line,
                     const sim_wish_layout *lay)
{
    par x = { .p = p, .lay = lay, .nt = threads_count(), .cand_map = 0, .lock = PTHREAD_MUTEX_INITIALIZER };
    if (len < ((size_t)1 << 20)) x.nt = 1;   /* a thread is not worth it below a megabyte */
    const char *end = body + len;
    for (int t = 0; t < x.nt; t++) {
        const char *lo = t == 0 ? body : x.ch[t - 1].hi;
        const char *hi = t == x.nt - 1 ? end : body + len / (size_t)x.nt * (size_t)(t + 1);
        if (hi < lo) hi = lo;
        if (hi < end) {                       /* to the start of the next line */
            const char *nl = memchr(hi, '\n', (size_t)(end - hi));
            hi = nl ? nl + 1 : end;
        }
        x.ch[t].lo = lo;
        x.ch[t].hi = hi;
    }
    threads_run(x.nt, count_chunk, &x);
    size_t slots = p->nw, line = first_line;
    for (int t = 0; t < x.nt; t++) {
        x.ch[t].base = slots;
        x.ch[t].first_line = line;
        slots += x.ch[t].newlines + 1;        /* at most one vœu per line */
        line += x.ch[t].newlines;
    }
    if (slots >= UINT32_MAX - 1) return 1;    /* the row-by-row reader says where */
    /* no array of lines for the first vœux: line = first_line + index unless a blank line
     * is met, in which case lines_after_blanks makes it (53 MB fewer on a national run) */
    if ((p->nw == 0 && !p->w_line ? sim_reserve_wishes_lineless(p, slots) : sim_reserve(p, 0, 0, slots)) != 0)
        return -1;
    ftable_build(&x.forms, p);   /* without it (no memory), the id map answers */
    x.ch[0].first_cand = SIM_NONE;
    for (int t = 1; t < x.nt; t++) x.ch[t].first_cand = chunk_start_candidate(&x, &x.ch[t], body, len);
    threads_run(x.nt, parse_chunk, &x);
    ftable_free(&x.forms);
    pthread_mutex_destroy(&x.lock);
    for (int t = 0; t < x.nt; t++)
        if (x.ch[t].status != 0) return 1;
    /* close the gaps: chunk t's vœux move down to follow chunk t-1's */
    size_t nw = p->nw, blanks = 0;
    uint32_t *arr[5] = { p->w_cand, p->w_form, p->w_pref, p->w_rank, p->w_line };
    for (int t = 0; t < x.nt; t++) {
        if (x.ch[t].base != nw)
            for (int a = 0; a < 5; a++)
                if (arr[a]) memmove(arr[a] + nw, arr[a] + x.ch[t].base, x.ch[t].n * sizeof *arr[a]);
        nw += x.ch[t].n;
        blanks += x.ch[t].blanks;
    }
    if (!p->w_line) {
        if (blanks && lines_after_blanks(p, body, end, first_line, nw) != 0) return -1;
        p->w_line0 = (uint32_t)first_line;
    }
    p->nw = (uint32_t)nw;
    return 0;
}
