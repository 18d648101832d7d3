/* l_callorder.c — the ordre d'appel for Lua: core.callorder_cli (the whole `admit
 * callorder` command in C), admit.call_order (on a ranking or a plain list) with its
 * C-backed result "admit.callorder", and admit.groups_split. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <stdio.h>

#include <lauxlib.h>

#include "callorder.h"
#include "callorder_cli.h"
#include "errloc.h"
#include "groups.h"
#include "fieldval.h"
#include "l_admit.h"
#include "l_candidates.h"
#include "l_inputs.h"
#include "suggest.h"
#include "atomic.h"


/* core.callorder_cli(path, rate_boursier, rate_resident, allow_ties) -> true | nil, msg.
 * Writes `id,call_rank` to stdout only on success. */
static int l_callorder_cli(lua_State *L)
{
    const char *path = luaL_optstring(L, 1, "-");
    int qb = (int)luaL_checkinteger(L, 2);
    int qr = (int)luaL_checkinteger(L, 3);
    static const char *const keys[] = { "keep_columns", NULL };
    callorder_run_opts ro = { qb, qr, lua_toboolean(L, 4), 0, { 0 } };
    explain ex = { 0 };
    l_input_opts(L, 5, "admit.callorder_cli", &ro.input, &ex, keys);
    if (lua_istable(L, 5)) {
        lua_getfield(L, 5, "keep_columns");
        ro.keep_columns = lua_toboolean(L, -1);
        lua_pop(L, 1);
    }
    errloc err;
    int rc = callorder_cli_run_opts(path, &ro, stdout, &err);
    l_input_explained(L, 5, &ex);
    if (rc != 0)
        return admit_pushfail(L, err.msg);
    lua_pushboolean(L, 1);
    return 1;
}

/* ------------------------------------------------------------ the result */

#define CALLORDER_MT "admit.callorder"

typedef struct l_callres {
    cand_set *set;
    uint32_t *row;      /* candidate called at each position */
    uint32_t *rank;     /* their pedagogical rank */
    uint32_t *nb, *nr;  /* boursiers / résidents among positions 1..k */
    uint8_t *ok;        /* bit 0: boursier rate holds at k, bit 1: résident rate holds */
    size_t n;
    int qb, qr;
} l_callres;

static l_callres *res_check(lua_State *L, int idx)
{
    l_callres *r = luaL_checkudata(L, idx, CALLORDER_MT);
    if (!r->set) luaL_argerror(L, idx, "call order already released");
    return r;
}

static int res_gc(lua_State *L)
{
    l_callres *r = luaL_checkudata(L, 1, CALLORDER_MT);
    cand_release(r->set);
    free(r->row);
    free(r->rank);
    free(r->nb);
    free(r->nr);
    free(r->ok);
    memset(r, 0, sizeof *r);
    return 0;
}

static int res_len(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)res_check(L, 1)->n);
    return 1;
}

/* Pushes position k (0-based) as the candidate's row plus the call-order fields. */
static void push_position(lua_State *L, const l_callres *r, size_t k)
{
    lcand_push_row(L, r->set, r->row[k]);
    lua_pushinteger(L, (lua_Integer)k + 1);
    lua_setfield(L, -2, "call_rank");
    lua_pushinteger(L, r->rank[k]);
    lua_setfield(L, -2, "rank");
    lua_pushinteger(L, r->nb[k]);
    lua_setfield(L, -2, "boursiers");
    lua_pushinteger(L, r->nr[k]);
    lua_setfield(L, -2, "residents");
    lua_pushboolean(L, r->ok[k] & 1);
    lua_setfield(L, -2, "boursier_ok");
    lua_pushboolean(L, (r->ok[k] >> 1) & 1);
    lua_setfield(L, -2, "resident_ok");
}

static int res_rows_step(lua_State *L)
{
    l_callres *r = res_check(L, 1);
    lua_Integer i = luaL_checkinteger(L, 2) + 1;
    if (i < 1 || (size_t)i > r->n) return 0;
    lua_pushinteger(L, i);
    push_position(L, r, (size_t)i - 1);
    return 2;
}

static int res_rows(lua_State *L)
{
    res_check(L, 1);
    lua_pushcfunction(L, res_rows_step);
    lua_pushvalue(L, 1);
    lua_pushinteger(L, 0);
    return 3;
}

static int res_ids(lua_State *L)
{
    l_callres *r = res_check(L, 1);
    lua_createtable(L, (int)r->n, 0);
    for (size_t k = 0; k < r->n; k++) {
        lua_pushstring(L, r->set->id[r->row[k]]);
        lua_rawseti(L, -2, (lua_Integer)k + 1);
    }
    return 1;
}

static void csv_text(FILE *f, const char *s)
{
    if (strpbrk(s, ",;\"\r\n") == NULL) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"') fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

/* The candidate's own further columns (grades, names...), after the call-order ones. */
static void write_kept(FILE *f, const cand_set *s, uint32_t row, int header)
{
    for (size_t c = 0; c < s->ncols; c++) {
        const cand_column *col = &s->col[c];
        if (col->kind != CC_TEXT && col->kind != CC_NUMBER) continue;
        if (strcmp(col->name, "rank") == 0 || strcmp(col->name, "call_rank") == 0) continue;
        fputc(',', f);
        if (header) csv_text(f, col->name);
        else if (col->kind == CC_TEXT && col->text[row]) csv_text(f, col->text[row]);
        else if (col->kind == CC_NUMBER && !isnan(col->num[row])) fprintf(f, "%.15g", col->num[row]);
    }
}

/* r:write(path [, {keep_columns = true}]) -> true | nil, msg: the call order as CSV
 * (id,call_rank,rank,boursier,resident,boursiers,residents,boursier_ok,resident_ok, then
 * with keep_columns the candidates' other columns), written whole or not at all. */
static int res_write(lua_State *L)
{
    l_callres *r = res_check(L, 1);
    const char *path = luaL_checkstring(L, 2);
    int keep = 0;
    if (!lua_isnoneornil(L, 3)) {
        luaL_checktype(L, 3, LUA_TTABLE);
        lua_getfield(L, 3, "keep_columns");
        keep = lua_toboolean(L, -1);
        lua_pop(L, 1);
    }
    atomic_file af;
    errloc err;
    if (atomic_open(&af, path, &err) != 0) return admit_pushfail(L, err.msg);
    fputs("id,call_rank,rank,boursier,resident,boursiers,residents,boursier_ok,resident_ok", af.fp);
    if (keep) write_kept(af.fp, r->set, 0, 1);
    fputc('\n', af.fp);
    for (size_t k = 0; k < r->n; k++) {
        uint32_t row = r->row[k];
        csv_text(af.fp, r->set->id[row]);
        fprintf(af.fp, ",%zu,%u,%d,%d,%u,%u,%d,%d", k + 1, r->rank[k], r->set->boursier[row],
                r->set->resident[row], r->nb[k], r->nr[k], r->ok[k] & 1, (r->ok[k] >> 1) & 1);
        if (keep) write_kept(af.fp, r->set, row, 0);
        fputc('\n', af.fp);
    }
    if (atomic_commit(&af, &err) != 0) return admit_pushfail(L, err.msg);
    lua_pushboolean(L, 1);
    return 1;
}

static int res_tostring(lua_State *L)
{
    l_callres *r = res_check(L, 1);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    char line[256];
    snprintf(line, sizeof line, "%s: %zu candidates, boursiers >= %d%%, r\xc3\xa9sidents >= %d%% (%s)\n",
             CALLORDER_MT, r->n, r->qb, r->qr, r->set->name);
    luaL_addstring(&b, line);
    luaL_addstring(&b, "call_rank  id                rank  boursier  resident  boursiers  residents  boursier_ok  resident_ok");
    size_t shown = r->n < 10 ? r->n : 10;
    for (size_t k = 0; k < shown; k++) {
        uint32_t row = r->row[k];
        snprintf(line, sizeof line, "\n%-9zu  %-16.16s  %-4u  %-8d  %-8d  %-9u  %-9u  %-11s  %s", k + 1,
                 r->set->id[row], r->rank[k], r->set->boursier[row], r->set->resident[row],
                 r->nb[k], r->nr[k], (r->ok[k] & 1) ? "yes" : "no", (r->ok[k] & 2) ? "yes" : "no");
        luaL_addstring(&b, line);
    }
    if (r->n > shown) {
        snprintf(line, sizeof line, "\n... (%zu more)", r->n - shown);
        luaL_addstring(&b, line);
    }
    luaL_pushresult(&b);
    return 1;
}

static const luaL_Reg res_methods[] = {
    { "rows", res_rows }, { "ids", res_ids }, { "write", res_write },
    { NULL, NULL }
};

static int res_index(lua_State *L)
{
    l_callres *r = res_check(L, 1);
    if (lua_isinteger(L, 2)) {
        lua_Integer k = lua_tointeger(L, 2);
        if (k < 1 || (size_t)k > r->n) return 0;
        push_position(L, r, (size_t)k - 1);
        return 1;
    }
    const char *key = lua_tostring(L, 2);
    if (key && strcmp(key, "min_boursiers") == 0) { lua_pushinteger(L, r->qb); return 1; }
    if (key && strcmp(key, "min_residents") == 0) { lua_pushinteger(L, r->qr); return 1; }
    lua_pushvalue(L, 2);
    lua_rawget(L, lua_upvalueindex(1));
    return 1;
}

static int res_fields(lua_State *L)
{
    lua_newtable(L);
    int i = 1;
    for (const luaL_Reg *m = res_methods; m->name; m++) {
        lua_pushstring(L, m->name);
        lua_rawseti(L, -2, i++);
    }
    lua_pushliteral(L, "min_boursiers");
    lua_rawseti(L, -2, i++);
    lua_pushliteral(L, "min_residents");
    lua_rawseti(L, -2, i);
    return 1;
}

/* ------------------------------------------------------------ admit.call_order */

static int read_rate(lua_State *L, int opts, const char *field)
{
    if (lua_getfield(L, opts, field) == LUA_TNIL) {
        lua_pop(L, 1);
        return 0;
    }
    int ok;
    lua_Integer v = lua_tointegerx(L, -1, &ok);
    if (!ok || v < 0 || v > 100)
        return luaL_error(L, "call_order: the %s rate must be an integer from 0 to 100, got %s",
                          field, luaL_tolstring(L, -1, NULL));
    lua_pop(L, 1);
    return (int)v;
}

/* A flag of a list entry: true/false or 1/0. */
static int read_flag(lua_State *L, int entry, lua_Integer i, const char *field)
{
    int t = lua_getfield(L, entry, field);
    int v = -1;
    if (t == LUA_TBOOLEAN) v = lua_toboolean(L, -1);
    else if (t == LUA_TNIL) v = 0;
    else if (lua_isinteger(L, -1) && (lua_tointeger(L, -1) == 0 || lua_tointeger(L, -1) == 1))
        v = (int)lua_tointeger(L, -1);
    else if (t == LUA_TSTRING) {   /* a list read from a spreadsheet: the spellings of the files */
        size_t len;
        const char *s = lua_tolstring(L, -1, &len);
        v = fieldval_flag(s, len);
        if (v == FIELDVAL_EMPTY) v = 0;
    }
    if (v < 0)
        luaL_error(L, "call_order: candidate %d: %s must be true/false or a flag (" FIELDVAL_FLAGS "), got %s",
                   (int)i, field, luaL_tolstring(L, -1, NULL));
    lua_pop(L, 1);
    return v;
}

/* Builds the candidates of a plain list {{id=, rank=, boursier=, resident=[, bac=]}, ...}
 * into a new set kept in a ranking userdata (pushed); fills cand. Returns nil, msg pushed
 * instead (and NULL) on a duplicate id. */
static l_ranking *ranking_from_list(lua_State *L, int list)
{
    lua_Integer n = luaL_len(L, list);
    cand_set *set = cand_new("(list)");
    if (!set) luaL_error(L, "out of memory");
    l_ranking *r = lrank_push(L, set, (size_t)n);
    cand_release(set);   /* the ranking holds it now */
    r->n = 0;
    for (lua_Integer i = 1; i <= n; i++) {
        if (lua_rawgeti(L, list, i) != LUA_TTABLE)
            luaL_error(L, "call_order: candidate %d is a %s, expected a table {id=, rank=, boursier=, resident=}",
                       (int)i, luaL_typename(L, -1));
        int entry = lua_gettop(L);
        lua_getfield(L, entry, "id");
        if (!lua_isstring(L, -1))
            luaL_error(L, "call_order: candidate %d has no id", (int)i);
        size_t id_len;
        const char *id = lua_tolstring(L, -1, &id_len);
        lua_getfield(L, entry, "rank");
        int ok;
        lua_Integer rank = lua_tointegerx(L, -1, &ok);
        if (!ok || rank < 1 || rank > 2147483647)
            luaL_error(L, "call_order: candidate %d ('%s'): rank must be a whole number from 1 to 2147483647, got %s",
                       (int)i, id, luaL_tolstring(L, -1, NULL));
        lua_pop(L, 1);
        int bac = 0;
        if (lua_getfield(L, entry, "bac") == LUA_TSTRING) {
            size_t bl;
            const char *bs = lua_tolstring(L, -1, &bl);
            bac = cand_parse_bac(bs, bl);
            if (bac < 0) luaL_error(L, "call_order: candidate %d ('%s'): unknown bac '%s'", (int)i, id, bs);
        }
        lua_pop(L, 1);
        int bo = read_flag(L, entry, i, "boursier"), re = read_flag(L, entry, i, "resident");
        long long row = cand_add(set, id, id_len, bac, bo, re, 0);
        if (row == -1) luaL_error(L, "out of memory");
        if (row < -1) {
            lua_pushfstring(L, "call_order: candidate %d: duplicate id '%s' (also candidate %d)",
                            (int)i, id, (int)(-2 - row) + 1);
            return NULL;
        }
        r->rows[r->n] = (uint32_t)row;
        r->rank[r->n++] = (uint32_t)rank;
        lua_settop(L, entry - 1);
    }
    return r;
}

/* admit.call_order(ranking | list, {boursier = PCT, resident = PCT, allow_ties = false})
 * -> call order | nil, msg (duplicate ranks or ids in a list). */
static int l_call_order(lua_State *L)
{
    lua_settop(L, 2);
    int qb = 0, qr = 0, ties = 0;
    if (!lua_isnoneornil(L, 2)) {
        luaL_checktype(L, 2, LUA_TTABLE);
        static const char *const keys[] = { "boursier", "resident", "allow_ties" };
        lua_pushnil(L);
        while (lua_next(L, 2)) {   /* a mistyped option would be silently ignored */
            lua_pop(L, 1);
            const char *k = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "?";
            int known = 0;
            for (int i = 0; i < 3; i++) known |= strcmp(k, keys[i]) == 0;
            if (!known) {
                const char *near = suggest_closest(k, keys, 3);
                return luaL_error(L, "call_order: unknown option '%s'%s%s%s (options: boursier, resident, allow_ties)",
                                  k, near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
            }
        }
        qb = read_rate(L, 2, "boursier");
        qr = read_rate(L, 2, "resident");
        lua_getfield(L, 2, "allow_ties");
        ties = lua_toboolean(L, -1);
        lua_pop(L, 1);
    }
    l_ranking *rk;
    if (lua_istable(L, 1)) {
        rk = ranking_from_list(L, 1);
        if (!rk) {
            lua_pushnil(L);
            lua_insert(L, -2);
            return 2;
        }
    } else {
        rk = lrank_check(L, 1);
        lua_pushvalue(L, 1);
    }
    int keep = lua_gettop(L);   /* the ranking stays alive on the stack */
    size_t n = rk->n;
    l_callres *res = lua_newuserdatauv(L, sizeof *res, 0);
    memset(res, 0, sizeof *res);
    luaL_setmetatable(L, CALLORDER_MT);
    co_cand *cand = lua_newuserdatauv(L, (n ? n : 1) * sizeof *cand, 0);
    for (size_t i = 0; i < n; i++)
        cand[i] = (co_cand){ rk->rank[i], rk->set->boursier[rk->rows[i]], rk->set->resident[rk->rows[i]] };
    res->row = malloc((n ? n : 1) * sizeof *res->row);
    res->rank = malloc((n ? n : 1) * sizeof *res->rank);
    res->nb = malloc((n ? n : 1) * sizeof *res->nb);
    res->nr = malloc((n ? n : 1) * sizeof *res->nr);
    res->ok = malloc(n ? n : 1);
    if (!res->row || !res->rank || !res->nb || !res->nr || !res->ok) return luaL_error(L, "out of memory");
    res->set = rk->set;
    cand_retain(rk->set);
    res->n = n;
    res->qb = qb;
    res->qr = qr;
    size_t bad = 0;
    switch (callorder_compute(cand, n, qb, qr, ties, res->row, &bad)) {
    case CO_OK: break;
    case CO_ERR_TIE: {
        size_t first = 0;
        while (first < bad && cand[first].rank != cand[bad].rank) first++;
        lua_pushnil(L);
        lua_pushfstring(L, "call_order: candidates '%s' and '%s' share rank %d: ranks must be distinct, "
                        "or pass allow_ties = true for the documented tie rule",
                        rk->set->id[rk->rows[first]], rk->set->id[rk->rows[bad]], (int)cand[bad].rank);
        return 2;
    }
    case CO_ERR_NOMEM: return luaL_error(L, "out of memory");
    default: return luaL_error(L, "call_order: invalid input");   /* rates and ranks are checked above */
    }
    /* order[] holds indices into the ranking: turn them into rows, ranks and counts */
    size_t total_b = 0, total_r = 0;
    for (size_t i = 0; i < n; i++) { total_b += cand[i].boursier; total_r += cand[i].resident; }
    uint32_t b = 0, rr = 0;
    for (size_t k = 0; k < n; k++) {
        uint32_t i = res->row[k];
        b += cand[i].boursier;
        rr += cand[i].resident;
        res->row[k] = rk->rows[i];
        res->rank[k] = cand[i].rank;
        res->nb[k] = b;
        res->nr[k] = rr;
        long long kk = (long long)k + 1;
        int ok_b = 100LL * b >= (long long)qb * kk || b == total_b;
        int ok_r = 100LL * rr >= (long long)qr * kk || rr == total_r;
        res->ok[k] = (uint8_t)(ok_b | (ok_r << 1));
    }
    lua_pop(L, 1);   /* cand */
    lua_remove(L, keep);
    return 1;
}

/* admit.groups_split(capacity, min_techno, min_pro) -> {techno=, pro=, other=} */
static int l_groups_split(lua_State *L)
{
    lua_Integer cap = luaL_checkinteger(L, 1);
    lua_Integer mt = luaL_optinteger(L, 2, 0), mp = luaL_optinteger(L, 3, 0);
    luaL_argcheck(L, cap >= 0 && cap <= 1000000, 1, "capacity must be from 0 to 1000000");
    luaL_argcheck(L, mt >= 0 && mt <= 100, 2, "min_techno must be a percentage from 0 to 100");
    luaL_argcheck(L, mp >= 0 && mp <= 100, 3, "min_pro must be a percentage from 0 to 100");
    int caps[NGROUPS];
    groups_split((int)cap, (int)mt, (int)mp, caps);
    lua_createtable(L, 0, 3);
    lua_pushinteger(L, caps[GROUP_TECHNO]);
    lua_setfield(L, -2, "techno");
    lua_pushinteger(L, caps[GROUP_PRO]);
    lua_setfield(L, -2, "pro");
    lua_pushinteger(L, caps[GROUP_OTHER]);
    lua_setfield(L, -2, "other");
    return 1;
}

static const luaL_Reg callorder_funcs[] = {
    { "callorder_cli", l_callorder_cli },
    { "call_order", l_call_order },
    { "groups_split", l_groups_split },
    { NULL, NULL }
};

void callorder_open(lua_State *L)
{
    luaL_newmetatable(L, CALLORDER_MT);
    lua_newtable(L);
    luaL_setfuncs(L, res_methods, 0);
    lua_pushcclosure(L, res_index, 1);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, res_fields);
    lua_setfield(L, -2, "__fields");
    lua_pushcfunction(L, res_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, res_gc);
    lua_setfield(L, -2, "__close");
    lua_pushcfunction(L, res_len);
    lua_setfield(L, -2, "__len");
    lua_pushcfunction(L, res_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pop(L, 1);
    luaL_setfuncs(L, callorder_funcs, 0);
}
