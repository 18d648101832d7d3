/* patcost.h — an upper bound of the steps a Lua pattern match can take on a subject, so
 * that a match can be charged (or refused) before it runs: Lua's matcher runs in C, where
 * no instruction hook fires, and backtracks. */
#ifndef ADMIT_PATCOST_H
#define ADMIT_PATCOST_H

#include <stddef.h>

/* log10 of the bound for matching pattern p (lp bytes) against subject s (n bytes), trying
 * every start position unless `anchored_ok` and the pattern starts with '^' (find, match
 * and gsub honour the anchor; gmatch does not). *scanned gets the bytes of the subject
 * read to make it (which the caller charges too). */
double patcost_log10(const char *p, size_t lp, const char *s, size_t n, int anchored_ok,
                     size_t *scanned);

#endif
