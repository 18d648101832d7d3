/* threads.h — how many threads admit's parallel phases use, and a parallel loop over
 * contiguous slices. Every parallel phase writes disjoint parts of its output, so the
 * results are byte-identical whatever the count. */
#ifndef ADMIT_THREADS_H
#define ADMIT_THREADS_H

#include <stddef.h>

#define THREADS_MAX 8

/* ADMIT_THREADS when it is a whole number from 1 to THREADS_MAX (1 forces every phase
 * serial), else the online cores, at most THREADS_MAX. */
int threads_count(void);

/* Calls fn(ctx, t, nt) for t = 0 .. nt-1, on nt threads (t = 0 on the calling thread);
 * serially when a thread cannot be started. */
typedef void (*threads_fn)(void *ctx, int t, int nt);
void threads_run(int nt, threads_fn fn, void *ctx);

#endif
