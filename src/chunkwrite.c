/* chunkwrite.c — see chunkwrite.h. Every thread runs the same loop: write the next chunk in
 * file order when it is ready and nobody is writing, else format the next unclaimed chunk
 * when its ring slot is free, else wait; hashing goes the same way, in its own turn, so a
 * chunk is hashed on one thread while it is written on another: the SHA-256 is fed in file
 * order with no second pass over the file. A slot is formatted again only once its chunk
 * is both hashed and written. */
#include "chunkwrite.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <nettle/sha2.h>

#include "threads.h"

int cw_reserve(cw_buf *b, size_t n)
{
    if (b->p && b->cap - b->len >= n) return 0;   /* never NULL after: b->p + b->len is defined */
    size_t cap = b->cap ? b->cap : 1 << 16;
    while (cap - b->len < n) cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p) return -1;
    b->p = p;
    b->cap = cap;
    return 0;
}

typedef struct slot {
    cw_buf b;
    size_t chunk;
    int ready;                   /* b holds chunk, formatted */
} slot;

typedef struct job {
    int fd;
    size_t nchunks;
    cw_format_fn fn;
    void *ctx;
    cw_progress_fn progress;
    void *pctx;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    size_t next_claim, next_hash, next_write;
    int hashing, writing, stop, write_errno, no_memory;
    slot *ring;
    size_t nring;
    struct sha256_ctx sha;
    uint64_t size;
} job;

static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return w < 0 ? errno : EIO;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* The chunk number c, when formatted (else NULL). */
static slot *ready_slot(job *j, size_t c)
{
    slot *s = &j->ring[c % j->nring];
    return c < j->nchunks && s->ready && s->chunk == c ? s : NULL;
}

/* Writes the chunk in s; called with the mutex held, returns with it held. */
static void write_slot(job *j, slot *s)
{
    j->writing = 1;
    pthread_mutex_unlock(&j->mu);
    int e = write_all(j->fd, s->b.p, s->b.len);
    j->size += s->b.len;
    pthread_mutex_lock(&j->mu);
    j->writing = 0;
    if (e) j->write_errno = e, j->stop = 1;
    else j->next_write++;
    pthread_cond_broadcast(&j->cv);
}

/* Hashes the chunk in s (beside its write, on another thread when there is one). */
static void hash_slot(job *j, slot *s)
{
    j->hashing = 1;
    pthread_mutex_unlock(&j->mu);
    sha256_update(&j->sha, s->b.len, (const uint8_t *)s->b.p);
    pthread_mutex_lock(&j->mu);
    j->hashing = 0;
    j->next_hash++;
    pthread_cond_broadcast(&j->cv);
}

/* Formats chunk c into its slot (free: the chunk before it there is hashed and written);
 * called with the mutex held, returns with it held. */
static void format_chunk(job *j, size_t c)
{
    slot *s = &j->ring[c % j->nring];
    s->ready = 0;
    pthread_mutex_unlock(&j->mu);
    s->b.len = 0;
    int rc = j->fn(j->ctx, c, &s->b);
    pthread_mutex_lock(&j->mu);
    if (rc) j->no_memory = 1, j->stop = 1;
    s->chunk = c;
    s->ready = 1;
    pthread_cond_broadcast(&j->cv);
}

static void worker(void *ctx, int t, int nt)
{
    job *j = ctx;
    size_t step = j->nchunks / 64 + 1, reported = 0;
    pthread_mutex_lock(&j->mu);
    while (!j->stop && (j->next_write < j->nchunks || j->next_hash < j->nchunks)) {
        slot *s;
        size_t done = j->next_write < j->next_hash ? j->next_write : j->next_hash;
        if (!j->writing && (s = ready_slot(j, j->next_write)) != NULL)
            write_slot(j, s);
        else if (!j->hashing && (s = ready_slot(j, j->next_hash)) != NULL)
            hash_slot(j, s);
        else if (j->next_claim < j->nchunks && j->next_claim < done + j->nring)
            format_chunk(j, j->next_claim++);
        else
            pthread_cond_wait(&j->cv, &j->mu);
        if (t == 0 && j->progress && j->next_write >= reported + step) {
            reported = j->next_write;
            pthread_mutex_unlock(&j->mu);
            j->progress(j->pctx, (double)reported / (double)j->nchunks);
            pthread_mutex_lock(&j->mu);
        }
    }
    pthread_mutex_unlock(&j->mu);
}

int chunkwrite_run(int fd, size_t nchunks, int nt, cw_format_fn fn, void *ctx,
                   cw_progress_fn progress, void *pctx, cw_result *res)
{
    memset(res, 0, sizeof *res);
    if (nt < 1) nt = 1;
    if (nt > THREADS_MAX) nt = THREADS_MAX;
    if ((size_t)nt > nchunks) nt = nchunks ? (int)nchunks : 1;
    job j;
    memset(&j, 0, sizeof j);
    j.fd = fd;
    j.nchunks = nchunks;
    j.fn = fn;
    j.ctx = ctx;
    j.progress = progress;
    j.pctx = pctx;
    j.nring = 2 * (size_t)nt;   /* a chunk being written, one formatted ahead per thread */
    j.ring = calloc(j.nring, sizeof *j.ring);
    sha256_init(&j.sha);
    if (!j.ring) {
        res->no_memory = 1;
        return -1;
    }
    pthread_mutex_init(&j.mu, NULL);
    pthread_cond_init(&j.cv, NULL);
    threads_run(nt, worker, &j);
    pthread_cond_destroy(&j.cv);
    pthread_mutex_destroy(&j.mu);
    for (size_t i = 0; i < j.nring; i++) free(j.ring[i].b.p);
    free(j.ring);
    sha256_digest(&j.sha, sizeof res->sha256, res->sha256);
    res->size = j.size;
    res->write_errno = j.write_errno;
    res->no_memory = j.no_memory;
    return j.stop ? -1 : 0;
}
