/* fuzz_callorder.c — libFuzzer harness for src/callorder.c, the ordre d'appel engine,
 * against a plain reading of the rule (shared/docs/ordre-appel.md §3) done the slow way:
 * before each position k, the boursier rate binds when boursiers remain and
 * 100·b < qB·k, likewise the résident rate; the best-ranked remaining candidate that
 * satisfies every binding rate is called (equal ranks: BR, B, R, N, then input order);
 * when both bind and no boursier résident remains, the boursier rate wins.
 * Input: byte 0 = qB, byte 1 = qR (mod 101; 101..255 also try out-of-range rates),
 * byte 2 bit 0 = allow ties, then 4 bytes per candidate: rank (24 bits) and flags. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "callorder.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond) do { if (!(cond)) { \
    fprintf(stderr, "fuzz_callorder: broken promise: %s (line %d)\n", #cond, __LINE__); \
    abort(); } } while (0)

#define MAX_CAND 512

#include "callorder_oracle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3)
        return 0;
    int qb = data[0] <= 200 ? data[0] % 101 : data[0];
    int qr = data[1] <= 200 ? data[1] % 101 : data[1];
    int allow_ties = data[2] & 1;
    size_t n = (size - 3) / 4;
    if (n > MAX_CAND) n = MAX_CAND;
    co_cand *cand = malloc((n ? n : 1) * sizeof *cand);
    uint32_t *order = malloc((n ? n : 1) * sizeof *order);
    uint32_t *expect = malloc((n ? n : 1) * sizeof *expect);
    CHECK(cand && order && expect);
    for (size_t i = 0; i < n; i++) {
        const uint8_t *c = data + 3 + 4 * i;
        cand[i].rank = (uint32_t)c[0] | (uint32_t)c[1] << 8 | (uint32_t)c[2] << 16;
        cand[i].boursier = c[3] & 1;
        cand[i].resident = (c[3] >> 1) & 1;
    }
    size_t bad = (size_t)-1;
    co_status st = callorder_compute(cand, n, qb, qr, allow_ties, order, &bad);

    if (qb > 100 || qr > 100) {
        CHECK(st == CO_ERR_RATE);
    } else if (st == CO_ERR_RANK) {
        CHECK(bad < n && cand[bad].rank == 0);
        for (size_t i = 0; i < bad; i++) CHECK(cand[i].rank != 0);
    } else {
        for (size_t i = 0; i < n; i++) CHECK(cand[i].rank != 0);
        /* the culprit callorder.h promises: the first candidate, in input order, whose
         * rank an earlier candidate has (the line an officer must look at first) */
        int dup_rank = 0;
        size_t second = 0;
        for (size_t j = 1; j < n && !dup_rank; j++)
            for (size_t i = 0; i < j; i++)
                if (cand[i].rank == cand[j].rank) { dup_rank = 1; second = j; break; }
        if (!allow_ties && dup_rank) {
            CHECK(st == CO_ERR_TIE);
            CHECK(bad == second);
        } else {
            CHECK(st == CO_OK);
            slow_order(cand, n, qb, qr, expect);
            CHECK(memcmp(order, expect, n * sizeof *order) == 0);
        }
    }
    free(cand);
    free(order);
    free(expect);
    return 0;
}
