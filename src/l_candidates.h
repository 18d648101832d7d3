/* l_candidates.h — the Lua types over a cand_set, shared with l_callorder.c:
 * "admit.candidates" (a dataset or a view of one) and "admit.ranking" (a classement
 * pédagogique: candidates best first, each with its rank). */
#ifndef ADMIT_L_CANDIDATES_H
#define ADMIT_L_CANDIDATES_H

#include <lua.h>
#include "candidates.h"

#define CANDIDATES_MT "admit.candidates"
#define RANKING_MT "admit.ranking"

typedef struct l_cands {
    cand_set *set;
    uint32_t *rows;    /* the rows of the view, in order (all rows 0..n-1 for a dataset) */
    size_t n;
} l_cands;

typedef struct l_ranking {
    cand_set *set;
    uint32_t *rows;    /* best first */
    uint32_t *rank;    /* the rank of each, increasing, distinct */
    size_t n;
} l_ranking;

l_cands *lcand_check(lua_State *L, int idx);
l_ranking *lrank_check(lua_State *L, int idx);

/* Pushes a new ranking of n candidates of set (arrays allocated, to be filled). */
l_ranking *lrank_push(lua_State *L, cand_set *set, size_t n);

/* Pushes row `row` of set as a table {id=, bac=, boursier=, resident=, <columns>...}. */
void lcand_push_row(lua_State *L, const cand_set *set, uint32_t row);

/* Appends `text` padded to width (in characters) to the buffer b. */
size_t lcand_width(const char *s);

#endif
