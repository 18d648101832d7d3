/* callorder.h — the official Parcoursup ordre d'appel (docs/ordre-appel.md §3),
 * Lua-free. One ranking group at a time: candidates with a rank (classement pédagogique,
 * 1 = best), a boursier flag and a résident flag; integer minimum rates qB and qR. */
#ifndef ADMIT_CALLORDER_H
#define ADMIT_CALLORDER_H

#include <stddef.h>
#include <stdint.h>

typedef struct co_cand {
    uint32_t rank;       /* > 0 */
    uint8_t boursier;    /* 0 or 1 */
    uint8_t resident;    /* 0 or 1 */
} co_cand;

typedef enum {
    CO_OK = 0,
    CO_ERR_RATE,         /* a rate outside 0..100 */
    CO_ERR_RANK,         /* a rank of 0 */
    CO_ERR_TIE,          /* two candidates share a rank and ties were not allowed */
    CO_ERR_NOMEM
} co_status;

/* Computes the call order of cand[0..n): order[k] is the index in cand of the candidate
 * called at position k+1. Ranks must be distinct unless allow_ties, in which case equal
 * ranks are ordered by category (BR, B¬R, ¬BR, ¬B¬R) then input order (doc §3.4, E10).
 * On CO_ERR_TIE / CO_ERR_RANK, *bad is the index in cand of the offending candidate (for
 * a tie: the first candidate, in input order, whose rank an earlier candidate has). O(n) after a radix sort on the ranks. */
co_status callorder_compute(const co_cand *cand, size_t n, int rate_boursier, int rate_resident,
                            int allow_ties, uint32_t *order, size_t *bad);

/* Sorts idx[0..n) (indices into cand) by rank, stably; tmp has room for n. */
void callorder_sort_by_rank(const co_cand *cand, uint32_t *idx, uint32_t *tmp, size_t n);

#endif
