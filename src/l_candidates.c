/* l_candidates.c — candidates and rankings for Lua.
 *   admit.candidates(path) -> dataset | nil, "file:line:col: what"
 *   #c, c[i] (a row table), c:rows(), c:column(name), c:columns(), c:filter(fn),
 *   c:find(id), c:rank(score_fn | {by=, desc=, tiebreak=})
 *   ranking: #r, r[i] (row table with .rank), r:rows(), r:ids(), r:filter(fn),
 *   r:bac(name), r:candidates()
 * Rankings are sorted in C (a stable merge sort) on explicit keys, then the id: never
 * on memory order. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "groups.h"
#include "l_admit.h"
#include "l_candidates.h"
#include "l_inputs.h"
#include "suggest.h"

/* ------------------------------------------------------------ checks and pushes */

l_cands *lcand_check(lua_State *L, int idx)
{
    l_cands *c = luaL_checkudata(L, idx, CANDIDATES_MT);
    if (!c->set) luaL_argerror(L, idx, "candidates already released");
    return c;
}

l_ranking *lrank_check(lua_State *L, int idx)
{
    l_ranking *r = luaL_checkudata(L, idx, RANKING_MT);
    if (!r->set) luaL_argerror(L, idx, "ranking already released");
    return r;
}

/* New empty userdata of the given type, with rows for n (raises on no memory). */
static l_cands *lcand_push(lua_State *L, cand_set *set, size_t n)
{
    l_cands *c = lua_newuserdatauv(L, sizeof *c, 0);
    memset(c, 0, sizeof *c);
    luaL_setmetatable(L, CANDIDATES_MT);
    c->rows = malloc((n ? n : 1) * sizeof *c->rows);
    if (!c->rows) luaL_error(L, "out of memory");
    c->set = set;
    cand_retain(set);
    c->n = n;
    return c;
}

l_ranking *lrank_push(lua_State *L, cand_set *set, size_t n)
{
    l_ranking *r = lua_newuserdatauv(L, sizeof *r, 0);
    memset(r, 0, sizeof *r);
    luaL_setmetatable(L, RANKING_MT);
    r->rows = malloc((n ? n : 1) * sizeof *r->rows);
    r->rank = malloc((n ? n : 1) * sizeof *r->rank);
    if (!r->rows || !r->rank) luaL_error(L, "out of memory");
    r->set = set;
    cand_retain(set);
    r->n = n;
    return r;
}

static void push_cell(lua_State *L, const cand_set *s, size_t c, uint32_t row)
{
    const cand_column *col = &s->col[c];
    switch (col->kind) {
    case CC_ID: lua_pushstring(L, s->id[row]); break;
    case CC_BAC: lua_pushstring(L, cand_bac_name(s->bac[row])); break;
    case CC_BOURSIER: lua_pushboolean(L, s->boursier[row]); break;
    case CC_RESIDENT: lua_pushboolean(L, s->resident[row]); break;
    case CC_NUMBER:
        if (isnan(col->num[row])) lua_pushnil(L);
        else {
            double v = col->num[row];
            if (v == floor(v) && fabs(v) < 9.0e15) lua_pushinteger(L, (lua_Integer)v);
            else lua_pushnumber(L, v);
        }
        break;
    case CC_TEXT:
        if (col->text[row]) lua_pushstring(L, col->text[row]);
        else lua_pushnil(L);
        break;
    }
}

void lcand_push_row(lua_State *L, const cand_set *s, uint32_t row)
{
    lua_createtable(L, 0, (int)s->ncols);
    for (size_t c = 0; c < s->ncols; c++) {
        push_cell(L, s, c, row);
        lua_setfield(L, -2, s->col[c].name);
    }
}

size_t lcand_width(const char *s)
{
    size_t w = 0;
    for (; *s; s++) w += ((unsigned char)*s & 0xC0) != 0x80;
    return w;
}

/* ------------------------------------------------------------ previews */

#define PREVIEW_ROWS 10
#define PREVIEW_COLS 8
#define PREVIEW_WIDTH 80  /* a terminal: the columns that do not fit are named below */
#define CELL_MAX 24

/* Pushes an aligned table of `nrows` rows (rows[i]) with an optional rank column, in at
 * most PREVIEW_WIDTH columns; the candidate columns left out are named on a last line.
 * Cells show what the rows hold (true/false for the flags). */
static void push_preview(lua_State *L, const cand_set *s, const uint32_t *rows, size_t nrows,
                         const uint32_t *rank, const char *title)
{
    size_t shown = nrows < PREVIEW_ROWS ? nrows : PREVIEW_ROWS;
    size_t ncols = s->ncols < PREVIEW_COLS ? s->ncols : PREVIEW_COLS;
    size_t extra = rank ? 1 : 0, total = ncols + extra;
    int base = lua_gettop(L);
    /* texts: header then shown rows, row-major, on the stack */
    luaL_checkstack(L, (int)((shown + 1) * total + 8), "preview");
    size_t width[PREVIEW_COLS + 1] = { 0 };
    for (size_t r = 0; r <= shown; r++)
        for (size_t c = 0; c < total; c++) {
            if (r == 0) lua_pushstring(L, rank && c == 0 ? "rank" : s->col[c - extra].name);
            else if (rank && c == 0) lua_pushfstring(L, "%d", (int)rank[r - 1]);
            else {
                lua_settop(L, lua_gettop(L));
                int top = lua_gettop(L);
                push_cell(L, s, c - extra, rows[r - 1]);
                const char *t = lua_isnil(L, -1) ? "" : lua_isboolean(L, -1)
                    ? (lua_toboolean(L, -1) ? "true" : "false") : luaL_tolstring(L, -1, NULL);
                lua_pushstring(L, t);
                lua_replace(L, top + 1);
                lua_settop(L, top + 1);
            }
            size_t w = lcand_width(lua_tostring(L, -1));
            if (w > CELL_MAX) w = CELL_MAX;
            if (w > width[c]) width[c] = w;
        }
    /* the columns that fit (at least the first candidate column) */
    size_t fit = 0, line = 0;
    while (fit < total && (fit <= extra || line + width[fit] <= PREVIEW_WIDTH)) {
        line += width[fit] + 2;
        fit++;
    }
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    luaL_addstring(&b, title);
    for (size_t r = 0; r <= shown; r++) {
        luaL_addchar(&b, '\n');
        for (size_t c = 0; c < fit; c++) {
            const char *t = lua_tostring(L, base + 1 + (int)(r * total + c));
            size_t w = lcand_width(t), bytes = strlen(t);
            if (w > CELL_MAX) {   /* cut at a character boundary */
                size_t chars = 0, i = 0;
                for (; t[i] && chars < CELL_MAX - 1; i++)
                    if (((unsigned char)t[i + 1] & 0xC0) != 0x80) chars++;
                bytes = i;
                w = CELL_MAX;
                luaL_addlstring(&b, t, bytes);
                luaL_addstring(&b, "\xe2\x80\xa6");
            } else
                luaL_addlstring(&b, t, bytes);
            if (c + 1 < fit)
                for (size_t k = w; k < width[c] + 2; k++) luaL_addchar(&b, ' ');
        }
    }
    if (nrows > shown) lua_pushfstring(L, "\n... (%d more)", (int)(nrows - shown));
    else lua_pushliteral(L, "");
    luaL_addvalue(&b);
    size_t hidden_from = fit - extra;
    if (hidden_from < s->ncols) {
        lua_pushfstring(L, "\n(%d more column%s not shown:", (int)(s->ncols - hidden_from),
                        s->ncols - hidden_from == 1 ? "" : "s");
        luaL_addvalue(&b);
        for (size_t c = hidden_from; c < s->ncols; c++) {
            luaL_addstring(&b, c == hidden_from ? " " : ", ");
            luaL_addstring(&b, s->col[c].name);
        }
        luaL_addstring(&b, "; [i] shows row i whole)");
    }
    luaL_pushresult(&b);
    lua_replace(L, base + 1);
    lua_settop(L, base + 1);
}

/* ------------------------------------------------------------ admit.candidates */

static int l_candidates(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    input_opts io;
    explain ex = { 0 };
    l_input_opts(L, 2, "admit.candidates", &io, &ex, NULL);
    errloc err;
    cand_set *set = cand_load_opts(path, &io, &err);
    l_input_explained(L, 2, &ex);
    if (!set) return admit_pushfail(L, err.msg);
    l_cands *c = lua_newuserdatauv(L, sizeof *c, 0);
    memset(c, 0, sizeof *c);
    luaL_setmetatable(L, CANDIDATES_MT);
    c->set = set;   /* owned from here: __gc releases it */
    c->n = set->n;
    c->rows = malloc((set->n ? set->n : 1) * sizeof *c->rows);
    if (!c->rows) return luaL_error(L, "out of memory");
    for (size_t i = 0; i < set->n; i++) c->rows[i] = (uint32_t)i;
    return 1;
}

static int cands_gc(lua_State *L)
{
    l_cands *c = luaL_checkudata(L, 1, CANDIDATES_MT);
    cand_release(c->set);
    free(c->rows);
    c->set = NULL;
    c->rows = NULL;
    return 0;
}

static int cands_len(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)lcand_check(L, 1)->n);
    return 1;
}

static int cands_tostring(lua_State *L)
{
    l_cands *c = lcand_check(L, 1);
    lua_pushfstring(L, "%s: %d candidates \xc3\x97 %d columns (%s)", CANDIDATES_MT, (int)c->n,
                    (int)c->set->ncols, c->set->name);
    push_preview(L, c->set, c->rows, c->n, NULL, lua_tostring(L, -1));
    return 1;
}

/* c:rows() -> iterator giving i, row */
static int cands_rows_step(lua_State *L)
{
    l_cands *c = lcand_check(L, 1);
    lua_Integer i = luaL_checkinteger(L, 2) + 1;
    if (i < 1 || (size_t)i > c->n) return 0;
    lua_pushinteger(L, i);
    lcand_push_row(L, c->set, c->rows[i - 1]);
    return 2;
}

static int cands_rows(lua_State *L)
{
    lcand_check(L, 1);
    lua_pushcfunction(L, cands_rows_step);
    lua_pushvalue(L, 1);
    lua_pushinteger(L, 0);
    return 3;
}

static int column_arg(lua_State *L, const cand_set *s, int idx)
{
    const char *name = luaL_checkstring(L, idx);
    int c = cand_column_index(s, name);
    if (c < 0) {
        luaL_Buffer b;
        luaL_buffinit(L, &b);
        const char *names[64];
        size_t n = 0;
        for (size_t k = 0; k < s->ncols; k++) {
            if (k) luaL_addstring(&b, ", ");
            luaL_addstring(&b, s->col[k].name);
            if (n < 64) names[n++] = s->col[k].name;
        }
        luaL_pushresult(&b);
        const char *near = suggest_closest(name, names, n);
        if (near)
            return luaL_error(L, "no column '%s' in %s (did you mean '%s'?) (columns: %s)", name, s->name,
                              near, lua_tostring(L, -1));
        return luaL_error(L, "no column '%s' in %s (columns: %s)", name, s->name,
                          lua_tostring(L, -1));
    }
    return c;
}

/* c:column(name) -> list of the values (nil for empty cells; .n = #c) */
static int cands_column(lua_State *L)
{
    l_cands *c = lcand_check(L, 1);
    int col = column_arg(L, c->set, 2);
    lua_createtable(L, (int)c->n, 1);
    for (size_t i = 0; i < c->n; i++) {
        push_cell(L, c->set, (size_t)col, c->rows[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_pushinteger(L, (lua_Integer)c->n);
    lua_setfield(L, -2, "n");
    return 1;
}

static int push_column_names(lua_State *L, const cand_set *s)
{
    lua_createtable(L, (int)s->ncols, 0);
    for (size_t k = 0; k < s->ncols; k++) {
        lua_pushstring(L, s->col[k].name);
        lua_rawseti(L, -2, (lua_Integer)k + 1);
    }
    return 1;
}

static int cands_columns(lua_State *L)
{
    return push_column_names(L, lcand_check(L, 1)->set);
}

/* Calls fn(row) for each row of rows[0..n); keeps those where it returns true.
 * Returns the count kept (rows compacted in place into keep). */
static size_t filter_rows(lua_State *L, const cand_set *s, const uint32_t *rows, size_t n,
                          int fn, uint32_t *keep, const uint32_t *rank, uint32_t *keep_rank)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        lua_pushvalue(L, fn);
        lcand_push_row(L, s, rows[i]);
        if (rank) {
            lua_pushinteger(L, rank[i]);
            lua_setfield(L, -2, "rank");
        }
        lua_call(L, 1, 1);
        if (lua_toboolean(L, -1)) {
            if (keep_rank) keep_rank[m] = rank[i];
            keep[m++] = rows[i];
        }
        lua_pop(L, 1);
    }
    return m;
}

/* c:filter(fn) -> a view of the candidates for which fn(row) is true (order kept) */
static int cands_filter(lua_State *L)
{
    l_cands *c = lcand_check(L, 1);
    luaL_checktype(L, 2, LUA_TFUNCTION);
    l_cands *v = lcand_push(L, c->set, c->n);
    v->n = filter_rows(L, c->set, c->rows, c->n, 2, v->rows, NULL, NULL);
    return 1;
}

/* c:find(id) -> row | nil */
static int cands_find(lua_State *L)
{
    l_cands *c = lcand_check(L, 1);
    size_t len;
    const char *id = luaL_checklstring(L, 2, &len);
    long long row = cand_find(c->set, id, len);
    if (row < 0) return 0;
    for (size_t i = 0; i < c->n; i++)   /* a view holds only some rows */
        if (c->rows[i] == (uint32_t)row) {
            lcand_push_row(L, c->set, (uint32_t)row);
            return 1;
        }
    return 0;
}

/* ------------------------------------------------------------ ranking (sort) */

#define MAX_KEYS 16

typedef struct {
    int col;            /* column, or -1 for the score */
    int desc;
} sort_key;

typedef struct {
    const cand_set *s;
    const uint32_t *rows;   /* view rows, indexed by position */
    const double *score;    /* per position, or NULL */
    sort_key key[MAX_KEYS];
    int nkeys;
} sort_ctx;

/* Compares positions p and q: the keys in order (empty cells always last), then the id. */
static int compare_pos(const sort_ctx *sc, uint32_t p, uint32_t q)
{
    uint32_t a = sc->rows[p], b = sc->rows[q];
    for (int k = 0; k < sc->nkeys; k++) {
        int cmp;
        if (sc->key[k].col < 0) {
            double x = sc->score[p], y = sc->score[q];
            cmp = (x > y) - (x < y);
        } else {
            int ea = cand_is_empty(sc->s, sc->key[k].col, a);
            int eb = cand_is_empty(sc->s, sc->key[k].col, b);
            if (ea != eb) return ea - eb;
            cmp = cand_compare(sc->s, sc->key[k].col, a, b);
        }
        if (cmp) return sc->key[k].desc ? -cmp : cmp;
    }
    return cand_compare_ids(sc->s, a, b);
}

static void merge_sort(const sort_ctx *sc, uint32_t *v, uint32_t *tmp, size_t n)
{
    if (n < 2) return;
    size_t h = n / 2;
    merge_sort(sc, v, tmp, h);
    merge_sort(sc, v + h, tmp, n - h);
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n)
        tmp[k++] = compare_pos(sc, v[j], v[i]) < 0 ? v[j++] : v[i++];
    while (i < h) tmp[k++] = v[i++];
    while (j < n) tmp[k++] = v[j++];
    memcpy(v, tmp, n * sizeof *v);
}

/* Reads one tiebreak entry: "col" (ascending) or {"col", desc = true}. */
static void read_key(lua_State *L, const cand_set *s, int idx, sort_key *key)
{
    if (lua_istable(L, idx)) {
        lua_rawgeti(L, idx, 1);
        key->col = column_arg(L, s, lua_gettop(L));
        lua_getfield(L, idx, "desc");
        key->desc = lua_toboolean(L, -1);
        lua_pop(L, 2);
    } else {
        key->col = column_arg(L, s, idx);
        key->desc = 0;
    }
}

/* Fills score[] by calling fn(row) for each candidate; a missing or non-number score is
 * an error naming the candidate. */
static void compute_scores(lua_State *L, const l_cands *c, int fn, double *score)
{
    for (size_t i = 0; i < c->n; i++) {
        lua_pushvalue(L, fn);
        lcand_push_row(L, c->set, c->rows[i]);
        lua_call(L, 1, 1);
        int ok;
        double v = lua_tonumberx(L, -1, &ok);
        if (!ok || isnan(v))
            luaL_error(L, "rank: the score function returned %s for candidate '%s' "
                       "(line %d): it must return a number (higher = better)",
                       luaL_typename(L, -1), c->set->id[c->rows[i]], (int)c->set->line[c->rows[i]]);
        score[i] = v;
        lua_pop(L, 1);
    }
}

/* c:rank(score_fn) or c:rank{by = "column" | fn, desc = bool, tiebreak = {...}}
 * -> ranking with ranks 1..n. With a function, higher scores rank first (desc defaults
 * to true); with a column, desc defaults to false. Ties: the tiebreak keys in order,
 * then the id (numerically when both ids are whole numbers). */
static int cands_rank(lua_State *L)
{
    l_cands *c = lcand_check(L, 1);
    sort_ctx sc = { .s = c->set, .rows = c->rows };
    int fn = 0;
    if (lua_isfunction(L, 2)) {
        fn = 2;
        sc.key[0] = (sort_key){ -1, 1 };
        sc.nkeys = 1;
    } else {
        luaL_checktype(L, 2, LUA_TTABLE);
        int by = lua_getfield(L, 2, "by");
        int desc = lua_getfield(L, 2, "desc");
        if (by == LUA_TFUNCTION) {
            fn = lua_gettop(L) - 1;
            sc.key[0] = (sort_key){ -1, desc == LUA_TNIL ? 1 : lua_toboolean(L, -1) };
        } else if (by == LUA_TSTRING) {
            sc.key[0] = (sort_key){ column_arg(L, c->set, lua_gettop(L) - 1), lua_toboolean(L, -1) };
        } else
            return luaL_argerror(L, 2, "rank{by = ...}: 'by' must be a column name or a score function");
        sc.nkeys = 1;
        if (lua_getfield(L, 2, "tiebreak") != LUA_TNIL) {
            int tb = lua_gettop(L);
            if (lua_isstring(L, tb)) {
                read_key(L, c->set, tb, &sc.key[sc.nkeys++]);
            } else {
                luaL_checktype(L, tb, LUA_TTABLE);
                lua_Integer m = luaL_len(L, tb);
                if (m > MAX_KEYS - 1) return luaL_error(L, "rank: at most %d tiebreak keys", MAX_KEYS - 1);
                for (lua_Integer k = 1; k <= m; k++) {
                    lua_rawgeti(L, tb, k);
                    read_key(L, c->set, lua_gettop(L), &sc.key[sc.nkeys++]);
                    lua_pop(L, 1);
                }
            }
        }
    }
    /* work arrays live in a userdata box so that an error in fn cannot leak them:
     * scores first (8-byte aligned), then the positions and the merge buffer */
    size_t n = c->n;
    double *score = lua_newuserdatauv(L, (n ? n : 1) * (sizeof(double) + 2 * sizeof(uint32_t)), 0);
    uint32_t *pos = (uint32_t *)(void *)(score + n), *tmp = pos + n;
    if (fn) compute_scores(L, c, fn, score);
    int box = lua_gettop(L);
    sc.score = fn ? score : NULL;
    for (size_t i = 0; i < n; i++) pos[i] = (uint32_t)i;
    merge_sort(&sc, pos, tmp, n);
    l_ranking *r = lrank_push(L, c->set, n);
    for (size_t i = 0; i < n; i++) {
        r->rows[i] = c->rows[pos[i]];
        r->rank[i] = (uint32_t)i + 1;
    }
    lua_remove(L, box);
    return 1;
}

/* ------------------------------------------------------------ ranking methods */

static int rank_gc(lua_State *L)
{
    l_ranking *r = luaL_checkudata(L, 1, RANKING_MT);
    cand_release(r->set);
    free(r->rows);
    free(r->rank);
    r->set = NULL;
    r->rows = r->rank = NULL;
    return 0;
}

static int rank_len(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)lrank_check(L, 1)->n);
    return 1;
}

static void push_ranked_row(lua_State *L, const l_ranking *r, size_t i)
{
    lcand_push_row(L, r->set, r->rows[i]);
    lua_pushinteger(L, r->rank[i]);
    lua_setfield(L, -2, "rank");
}

static int rank_rows_step(lua_State *L)
{
    l_ranking *r = lrank_check(L, 1);
    lua_Integer i = luaL_checkinteger(L, 2) + 1;
    if (i < 1 || (size_t)i > r->n) return 0;
    lua_pushinteger(L, i);
    push_ranked_row(L, r, (size_t)i - 1);
    return 2;
}

static int rank_rows(lua_State *L)
{
    lrank_check(L, 1);
    lua_pushcfunction(L, rank_rows_step);
    lua_pushvalue(L, 1);
    lua_pushinteger(L, 0);
    return 3;
}

static int rank_ids(lua_State *L)
{
    l_ranking *r = lrank_check(L, 1);
    lua_createtable(L, (int)r->n, 0);
    for (size_t i = 0; i < r->n; i++) {
        lua_pushstring(L, r->set->id[r->rows[i]]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

/* r:filter(fn) -> the sub-ranking of those for which fn(row) is true, ranks kept */
static int rank_filter(lua_State *L)
{
    l_ranking *r = lrank_check(L, 1);
    luaL_checktype(L, 2, LUA_TFUNCTION);
    l_ranking *v = lrank_push(L, r->set, r->n);
    v->n = filter_rows(L, r->set, r->rows, r->n, 2, v->rows, r->rank, v->rank);
    return 1;
}

/* r:bac(name, ...) -> the sub-ranking of the candidates whose bac is one of the names
 * (general / techno / pro), ranks kept */
static int rank_bac(lua_State *L)
{
    l_ranking *r = lrank_check(L, 1);
    int want[3] = { 0, 0, 0 }, nargs = lua_gettop(L);
    luaL_checkstring(L, 2);
    for (int a = 2; a <= nargs; a++) {
        size_t len;
        const char *name = luaL_checklstring(L, a, &len);
        int bac = cand_parse_bac(name, len);
        if (bac < 0) return luaL_argerror(L, a, "expected 'general', 'techno' or 'pro'");
        want[bac] = 1;
    }
    l_ranking *v = lrank_push(L, r->set, r->n);
    size_t m = 0;
    for (size_t i = 0; i < r->n; i++)
        if (want[r->set->bac[r->rows[i]]]) {
            v->rows[m] = r->rows[i];
            v->rank[m++] = r->rank[i];
        }
    v->n = m;
    return 1;
}

/* r:candidates() -> the candidates as a view, best first */
static int rank_candidates(lua_State *L)
{
    l_ranking *r = lrank_check(L, 1);
    l_cands *v = lcand_push(L, r->set, r->n);
    memcpy(v->rows, r->rows, r->n * sizeof *r->rows);
    return 1;
}

static int rank_tostring(lua_State *L)
{
    l_ranking *r = lrank_check(L, 1);
    lua_pushfstring(L, "%s: %d candidates, best first (%s)", RANKING_MT, (int)r->n, r->set->name);
    push_preview(L, r->set, r->rows, r->n, r->rank, lua_tostring(L, -1));
    return 1;
}

/* ------------------------------------------------------------ __index, __fields */

static const luaL_Reg cands_methods[] = {
    { "rows", cands_rows }, { "column", cands_column }, { "columns", cands_columns },
    { "filter", cands_filter }, { "find", cands_find }, { "rank", cands_rank },
    { NULL, NULL }
};

static const luaL_Reg rank_methods[] = {
    { "rows", rank_rows }, { "ids", rank_ids }, { "filter", rank_filter },
    { "bac", rank_bac }, { "candidates", rank_candidates },
    { NULL, NULL }
};

/* Integer keys give rows; names give methods (kept as the metatable's upvalue). */
static int cands_index(lua_State *L)
{
    l_cands *c = lcand_check(L, 1);
    if (lua_isinteger(L, 2)) {
        lua_Integer i = lua_tointeger(L, 2);
        if (i < 1 || (size_t)i > c->n) return 0;
        lcand_push_row(L, c->set, c->rows[i - 1]);
        return 1;
    }
    lua_pushvalue(L, 2);
    lua_rawget(L, lua_upvalueindex(1));
    return 1;
}

static int rank_index(lua_State *L)
{
    l_ranking *r = lrank_check(L, 1);
    if (lua_isinteger(L, 2)) {
        lua_Integer i = lua_tointeger(L, 2);
        if (i < 1 || (size_t)i > r->n) return 0;
        push_ranked_row(L, r, (size_t)i - 1);
        return 1;
    }
    lua_pushvalue(L, 2);
    lua_rawget(L, lua_upvalueindex(1));
    return 1;
}

/* __fields: what the REPL completes (the method names). */
static int list_fields(lua_State *L)
{
    lua_newtable(L);
    int i = 1;
    lua_pushnil(L);
    while (lua_next(L, lua_upvalueindex(1))) {
        lua_pop(L, 1);
        lua_pushvalue(L, -1);
        lua_rawseti(L, -3, i++);
    }
    return 1;
}

static void make_type(lua_State *L, const char *name, const luaL_Reg *methods,
                      lua_CFunction index, lua_CFunction gc, lua_CFunction len,
                      lua_CFunction tostring)
{
    luaL_newmetatable(L, name);
    lua_newtable(L);
    luaL_setfuncs(L, methods, 0);
    lua_pushvalue(L, -1);
    lua_pushcclosure(L, index, 1);
    lua_setfield(L, -3, "__index");
    lua_pushcclosure(L, list_fields, 1);
    lua_setfield(L, -2, "__fields");
    lua_pushcfunction(L, gc);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, gc);
    lua_setfield(L, -2, "__close");
    lua_pushcfunction(L, len);
    lua_setfield(L, -2, "__len");
    lua_pushcfunction(L, tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pop(L, 1);
}

static const luaL_Reg candidates_funcs[] = {
    { "candidates", l_candidates },
    { NULL, NULL }
};

void candidates_open(lua_State *L)
{
    make_type(L, CANDIDATES_MT, cands_methods, cands_index, cands_gc, cands_len, cands_tostring);
    make_type(L, RANKING_MT, rank_methods, rank_index, rank_gc, rank_len, rank_tostring);
    luaL_setfuncs(L, candidates_funcs, 0);
}
