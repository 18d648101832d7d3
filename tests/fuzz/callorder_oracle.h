/* callorder_oracle.h — the ordre d'appel read literally from docs/ordre-appel.md §3,
 * O(n^3), for the harnesses to compare the fast engine (src/callorder.c) against. The
 * includer defines CHECK(cond) (abort when false). Ties: rank, then category (BR, B¬R,
 * ¬BR, ¬B¬R), then input order, as callorder.h documents. */
#ifndef ADMIT_CALLORDER_ORACLE_H
#define ADMIT_CALLORDER_ORACLE_H

#include <stdint.h>
#include <stdlib.h>
#include "callorder.h"

static int category(const co_cand *c)
{
    return c->boursier ? (c->resident ? 0 : 1) : (c->resident ? 2 : 3);
}

/* 1 when candidate i comes before j at equal eligibility. */
static int better(const co_cand *cand, size_t i, size_t j)
{
    if (cand[i].rank != cand[j].rank) return cand[i].rank < cand[j].rank;
    if (category(&cand[i]) != category(&cand[j])) return category(&cand[i]) < category(&cand[j]);
    return i < j;
}

static void slow_order(const co_cand *cand, size_t n, int qb, int qr, uint32_t *order)
{
    unsigned char *called = calloc(n ? n : 1, 1);
    CHECK(called);
    long long b = 0, r = 0;
    for (size_t pos = 0; pos < n; pos++) {
        long long k = (long long)pos + 1;
        size_t b_left = 0, r_left = 0;
        for (size_t i = 0; i < n; i++)
            if (!called[i]) { b_left += cand[i].boursier; r_left += cand[i].resident; }
        int need_b = b_left > 0 && 100 * b < qb * k;
        int need_r = r_left > 0 && 100 * r < qr * k;
        size_t pick = (size_t)-1;
        for (int relax = 0; relax < 2 && pick == (size_t)-1; relax++) {
            for (size_t i = 0; i < n; i++) {
                if (called[i]) continue;
                if (need_b && !cand[i].boursier) continue;
                if (need_r && !relax && !cand[i].resident) continue;
                if (pick == (size_t)-1 || better(cand, i, pick)) pick = i;
            }
        }
        CHECK(pick != (size_t)-1);
        called[pick] = 1;
        order[pos] = (uint32_t)pick;
        b += cand[pick].boursier;
        r += cand[pick].resident;
    }
    free(called);
}

#endif
