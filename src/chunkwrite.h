/* chunkwrite.h — one output file made of numbered chunks of text, formatted on the threads
 * and written in order, each chunk hashed (SHA-256) as it is written. One thread writes at
 * a time, large writes, from a small ring of buffers that are reused (no file-sized buffer,
 * no lock contention on the file): the bytes are those of a serial loop over the chunks,
 * whatever the thread count. */
#ifndef ADMIT_CHUNKWRITE_H
#define ADMIT_CHUNKWRITE_H

#include <stddef.h>
#include <stdint.h>

/* A growable text buffer a chunk is formatted into. */
typedef struct cw_buf {
    char *p;
    size_t len, cap;
} cw_buf;

/* Room for n more bytes at b->p + b->len: 0, or -1 (out of memory). */
int cw_reserve(cw_buf *b, size_t n);

/* Formats chunk number `chunk` into b (empty; its memory is reused from chunk to chunk).
 * 0, or -1 (out of memory). Called on any thread. */
typedef int (*cw_format_fn)(void *ctx, size_t chunk, cw_buf *b);
/* Told, on the calling thread, the share of chunks written so far. */
typedef void (*cw_progress_fn)(void *ctx, double done);

typedef struct cw_result {
    uint8_t sha256[32];
    uint64_t size;
    int write_errno;   /* 0, or why a write failed */
    int no_memory;
} cw_result;

/* Writes chunks 0 .. nchunks-1 to fd (at its current offset) on nt threads (1: serially, on
 * the caller). 0, or -1 with res saying why. */
int chunkwrite_run(int fd, size_t nchunks, int nt, cw_format_fn fn, void *ctx,
                   cw_progress_fn progress, void *pctx, cw_result *res);

#endif
