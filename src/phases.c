/* phases.c — ADMIT_PHASES=1: wall and CPU seconds per phase on stderr (see phases.h). */
#include "phases.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double seconds(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void phases_mark(const char *name)
{
    static int on = -1;
    static double wall0, cpu0;
    if (on < 0) {
        const char *v = getenv("ADMIT_PHASES");
        on = v && *v && *v != '0';
    }
    if (!on) return;
    double wall = seconds(CLOCK_MONOTONIC), cpu = seconds(CLOCK_PROCESS_CPUTIME_ID);
    if (name && wall0 > 0)
        fprintf(stderr, "admit: phase %-22s wall %6.3f s  cpu %6.3f s\n", name, wall - wall0, cpu - cpu0);
    wall0 = wall;
    cpu0 = cpu;
}
