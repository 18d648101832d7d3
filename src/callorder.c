/* callorder.c — the ordre d'appel, exactly as the official GroupeClassement does it:
 * before filling position k, the boursier rate binds when boursiers remain and
 * 100·b < qB·k (b = boursiers already called), likewise the résident rate; the best-ranked
 * candidate satisfying every binding rate is called; when both bind and no boursier
 * résident remains, the boursier rate wins (doc §3.3). Four category queues, each in rank
 * order; only their heads are ever looked at. */
#include "callorder.h"

#include <stdlib.h>
#include <string.h>

enum { CAT_BR, CAT_B, CAT_R, CAT_N, NCAT };  /* tie order of doc §3.4 */

static int category(const co_cand *c)
{
    return c->boursier ? (c->resident ? CAT_BR : CAT_B) : (c->resident ? CAT_R : CAT_N);
}

/* Stable insertion sort: the fastest for the small groups of a simulation. */
static void insertion_sort(const co_cand *cand, uint32_t *idx, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        uint32_t x = idx[i];
        size_t j = i;
        while (j > 0 && cand[idx[j - 1]].rank > cand[x].rank) {
            idx[j] = idx[j - 1];
            j--;
        }
        idx[j] = x;
    }
}

void callorder_sort_by_rank(const co_cand *cand, uint32_t *idx, uint32_t *tmp, size_t n)
{
    if (n <= 32) {
        insertion_sort(cand, idx, n);
        return;
    }
    /* LSD radix sort, 8 bits per pass and only as many passes as the largest rank
     * needs: stable, O(n). */
    uint32_t max = 0;
    for (size_t i = 0; i < n; i++)
        if (cand[idx[i]].rank > max)
            max = cand[idx[i]].rank;
    uint32_t *src = idx, *dst = tmp;
    for (int shift = 0; shift < 32 && (max >> shift) != 0; shift += 8) {
        size_t count[256] = { 0 };
        for (size_t i = 0; i < n; i++)
            count[(cand[src[i]].rank >> shift) & 0xFF]++;
        size_t sum = 0;
        for (int d = 0; d < 256; d++) {
            size_t c = count[d];
            count[d] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++)
            dst[count[(cand[src[i]].rank >> shift) & 0xFF]++] = src[i];
        uint32_t *t = src; src = dst; dst = t;
    }
    if (src != idx)
        memcpy(idx, src, n * sizeof *idx);
}

/* The call itself, over the four queues (rank << 32 | index pairs, each in rank order):
 * before position k, which rates bind; the best-ranked head among the allowed queues. */
static void call_queues(const uint64_t *q, const size_t start[NCAT + 1], int rate_boursier,
                        int rate_resident, size_t n, uint32_t *order)
{
    size_t head[NCAT], end[NCAT];
    for (int c = 0; c < NCAT; c++) { head[c] = start[c]; end[c] = start[c + 1]; }
    long long qb = rate_boursier, qr = rate_resident, b_called = 0, r_called = 0;
    size_t b_left = (end[CAT_BR] - start[CAT_BR]) + (end[CAT_B] - start[CAT_B]);
    size_t r_left = (end[CAT_BR] - start[CAT_BR]) + (end[CAT_R] - start[CAT_R]);
    for (size_t pos = 0; pos < n; pos++) {
        long long k = (long long)pos + 1;
        int need_b = b_left > 0 && 100 * b_called < qb * k;
        int need_r = r_left > 0 && 100 * r_called < qr * k;
        int allowed[NCAT] = { 1, !need_r, !need_b, !need_b && !need_r };
        int best = -1;
        for (int c = 0; c < NCAT; c++) {
            if (!allowed[c] || head[c] == end[c]) continue;
            /* on equal ranks the earlier category wins (doc §3.4): compare ranks only */
            if (best < 0 || q[head[c]] >> 32 < q[head[best]] >> 32) best = c;
        }
        if (best < 0) best = CAT_B;  /* both bind, no boursier résident left: the boursier rate wins */
        order[pos] = (uint32_t)q[head[best]++];
        if (best == CAT_BR || best == CAT_B) { b_called++; b_left--; }
        if (best == CAT_BR || best == CAT_R) { r_called++; r_left--; }
    }
}

/* Large groups (a national ranking of millions): everything on (rank << 32 | index)
 * pairs, sorted by an LSD radix on the rank bytes, so that no pass reads cand[] at random
 * (at 12 million candidates those reads, not the work, were the time). The same stable
 * order, hence the same call, as the index sort below. */
static co_status compute_pairs(const co_cand *cand, size_t n, int rate_boursier, int rate_resident,
                               int allow_ties, uint32_t *order, size_t *bad)
{
    uint64_t *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
    uint8_t *cat = malloc(n);
    if (!a || !b || !cat) {
        free(a); free(b); free(cat);
        return CO_ERR_NOMEM;
    }
    uint32_t max = 0;
    for (size_t i = 0; i < n; i++) {
        a[i] = (uint64_t)cand[i].rank << 32 | i;
        cat[i] = (uint8_t)category(&cand[i]);
        if (cand[i].rank > max) max = cand[i].rank;
    }
    uint64_t *src = a, *dst = b;
    for (int shift = 32; shift < 64 && (max >> (shift - 32)) != 0; shift += 8) {
        size_t count[256] = { 0 };
        for (size_t i = 0; i < n; i++) count[(src[i] >> shift) & 0xFF]++;
        size_t sum = 0;
        for (int d = 0; d < 256; d++) { size_t c = count[d]; count[d] = sum; sum += c; }
        for (size_t i = 0; i < n; i++) dst[count[(src[i] >> shift) & 0xFF]++] = src[i];
        uint64_t *t = src; src = dst; dst = t;
    }
    if (!allow_ties) {
        size_t first_dup = SIZE_MAX;
        for (size_t i = 1; i < n; i++)
            if (src[i] >> 32 == src[i - 1] >> 32 && (uint32_t)src[i] < first_dup) first_dup = (uint32_t)src[i];
        if (first_dup != SIZE_MAX) {
            *bad = first_dup;
            free(a); free(b); free(cat);
            return CO_ERR_TIE;
        }
    }
    /* the four queues, in rank order each; cat[] is read at random once, a byte */
    size_t start[NCAT + 1] = { 0 }, fill[NCAT];
    for (size_t i = 0; i < n; i++) start[cat[i] + 1]++;
    for (int c = 0; c < NCAT; c++) start[c + 1] += start[c];
    for (int c = 0; c < NCAT; c++) fill[c] = start[c];
    for (size_t i = 0; i < n; i++) dst[fill[cat[(uint32_t)src[i]]]++] = src[i];
    call_queues(dst, start, rate_boursier, rate_resident, n, order);
    free(a); free(b); free(cat);
    return CO_OK;
}

co_status callorder_compute(const co_cand *cand, size_t n, int rate_boursier, int rate_resident,
                            int allow_ties, uint32_t *order, size_t *bad)
{
    if (rate_boursier < 0 || rate_boursier > 100 || rate_resident < 0 || rate_resident > 100)
        return CO_ERR_RATE;
    if (n > UINT32_MAX)  /* indices are 32-bit */
        return CO_ERR_NOMEM;
    for (size_t i = 0; i < n; i++)
        if (cand[i].rank == 0) {
            *bad = i;
            return CO_ERR_RANK;
        }
    if (n > 32)
        return compute_pairs(cand, n, rate_boursier, rate_resident, allow_ties, order, bad);
    uint32_t *sorted = malloc((n ? n : 1) * sizeof *sorted);
    uint32_t *tmp = malloc((n ? n : 1) * sizeof *tmp);
    if (!sorted || !tmp) {
        free(sorted);
        free(tmp);
        return CO_ERR_NOMEM;
    }
    for (size_t i = 0; i < n; i++)
        sorted[i] = (uint32_t)i;
    callorder_sort_by_rank(cand, sorted, tmp, n);
    if (!allow_ties) {
        /* Report the first candidate, in input order, whose rank an earlier one already
         * has (the sort is stable, so in a run of equal ranks every index but the first
         * repeats an earlier one): the line an officer must look at first. */
        size_t first_dup = SIZE_MAX;
        for (size_t i = 1; i < n; i++)
            if (cand[sorted[i]].rank == cand[sorted[i - 1]].rank && sorted[i] < first_dup)
                first_dup = sorted[i];
        if (first_dup != SIZE_MAX) {
            *bad = first_dup;
            free(sorted);
            free(tmp);
            return CO_ERR_TIE;
        }
    }

    /* Split into the four queues (in tmp), keeping rank order inside each. */
    size_t start[NCAT + 1] = { 0 }, head[NCAT], end[NCAT];
    for (size_t i = 0; i < n; i++)
        start[category(&cand[i]) + 1]++;
    for (int c = 0; c < NCAT; c++)
        start[c + 1] += start[c];
    for (int c = 0; c < NCAT; c++)
        head[c] = end[c] = start[c];
    for (size_t i = 0; i < n; i++)
        tmp[end[category(&cand[sorted[i]])]++] = sorted[i];

    long long qb = rate_boursier, qr = rate_resident;
    long long b_called = 0, r_called = 0;
    size_t b_left = (end[CAT_BR] - start[CAT_BR]) + (end[CAT_B] - start[CAT_B]);
    size_t r_left = (end[CAT_BR] - start[CAT_BR]) + (end[CAT_R] - start[CAT_R]);
    for (size_t pos = 0; pos < n; pos++) {
        long long k = (long long)pos + 1;
        int need_b = b_left > 0 && 100 * b_called < qb * k;
        int need_r = r_left > 0 && 100 * r_called < qr * k;
        /* categories a pick may come from, by what binds */
        int allowed[NCAT] = { 1, !need_r, !need_b, !need_b && !need_r };
        int best = -1;
        for (int c = 0; c < NCAT; c++) {
            if (!allowed[c] || head[c] == end[c])
                continue;
            if (best < 0 || cand[tmp[head[c]]].rank < cand[tmp[head[best]]].rank)
                best = c;
        }
        if (best < 0)
            best = CAT_B;  /* both bind, no boursier résident left: the boursier rate wins */
        uint32_t pick = tmp[head[best]++];
        order[pos] = pick;
        if (cand[pick].boursier) { b_called++; b_left--; }
        if (cand[pick].resident) { r_called++; r_left--; }
    }
    free(sorted);
    free(tmp);
    return CO_OK;
}
