/* threads.c — ADMIT_THREADS and a fork/join over pthreads. */
#include "threads.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int threads_count(void)
{
    const char *v = getenv("ADMIT_THREADS");
    if (v && *v && strspn(v, "0123456789") == strlen(v) && strlen(v) <= 2) {
        int n = atoi(v);
        if (n >= 1 && n <= THREADS_MAX) return n;
    }
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    return cores < 1 ? 1 : cores > THREADS_MAX ? THREADS_MAX : (int)cores;
}

typedef struct job {
    threads_fn fn;
    void *ctx;
    int t, nt;
} job;

static void *run_job(void *arg)
{
    job *j = arg;
    j->fn(j->ctx, j->t, j->nt);
    return NULL;
}

void threads_run(int nt, threads_fn fn, void *ctx)
{
    if (nt < 1) nt = 1;
    if (nt > THREADS_MAX) nt = THREADS_MAX;
    pthread_t tid[THREADS_MAX];
    job jobs[THREADS_MAX];
    int started[THREADS_MAX] = { 0 };
    for (int t = 1; t < nt; t++) {
        jobs[t] = (job){ fn, ctx, t, nt };
        started[t] = pthread_create(&tid[t], NULL, run_job, &jobs[t]) == 0;
    }
    fn(ctx, 0, nt);
    for (int t = 1; t < nt; t++) {
        if (started[t]) pthread_join(tid[t], NULL);
        else fn(ctx, t, nt);   /* no thread: this slice here, after the others */
    }
}
