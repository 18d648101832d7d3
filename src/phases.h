/* phases.h — where the time of a run goes: with ADMIT_PHASES=1 in the environment, each
 * phase of `admit allocate` (reading, loading each file, indexing, ordres d'appel,
 * allocation, audit, writing) and of `admit generate` prints on standard error, as it ends, the wall and CPU
 * seconds (all threads) since the previous mark. How tests/bench/README.md measures its
 * per-phase figures; silent otherwise. */
#ifndef ADMIT_PHASES_H
#define ADMIT_PHASES_H

/* Ends phase `name` (NULL: starts counting, prints nothing). Thread-safe enough for its
 * use: called from the main thread only. */
void phases_mark(const char *name);

#endif
