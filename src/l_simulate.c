/* l_simulate.c — Lua binding of the allocation engine (admit.core): instances
 * ("admit.problem") loaded from CSV or built from Lua rows, their allocation
 * ("admit.simulation": the result with its tables), and the cohort generator. */
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <lauxlib.h>

#include "export.h"
#include "generate.h"
#include "i18n.h"
#include "l_admit.h"
#include "l_inputs.h"
#include "sim_load.h"
#include "phases.h"

#define PROBLEM_MT "admit.problem"
#define RESULT_MT "admit.simulation"

typedef struct problem_box { sim_problem *p; } problem_box;

typedef struct result_box {
    sim_result *r;
    sim_report *rep;
    export_pending *pending;    /* r:start_write's workbook under way, for r:write */
    const sim_problem *p;       /* kept alive by the uservalue (the problem userdata) */
} result_box;

/* ------------------------------------------------------------- progress */

/* The names of the engine's steps as a person reads them: the engine passes its own name
 * of a step (a literal of alloc.c or generate.c); the English name goes through the
 * catalogue once, before the run, in the Lua thread (the bar may be drawn from workers). */
static const char *const step_names[][2] = {
    { "ordres d'appel", "call orders" }, { "allocation", "allocation" },
    { "classements", "rankings" }, { "writing", "writing" }, { "candidates", "candidates" },
};
#define NSTEPS (sizeof step_names / sizeof step_names[0])

typedef struct {
    int last;                   /* the last percentage drawn */
    char shown[NSTEPS][32];     /* each step's name in the user's language */
} progress_ctx;

static void progress_init(lua_State *L, progress_ctx *pc, int show)
{
    pc->last = -1;
    for (size_t i = 0; i < NSTEPS; i++) {
        const char *name = show ? i18n_push(L, step_names[i][1]) : step_names[i][1];
        snprintf(pc->shown[i], sizeof pc->shown[i], "%s", name);
        if (show) lua_pop(L, 1);
    }
}

/* A bar on stderr, only when stderr is a terminal: "step [#####     ] 42%". */
static void progress_bar(void *ctx, const char *phase, double fraction)
{
    progress_ctx *pc = ctx;
    int pct = (int)(fraction * 100);
    if (pct == pc->last) return;
    pc->last = pct;
    for (size_t i = 0; i < NSTEPS; i++)
        if (strcmp(phase, step_names[i][0]) == 0) phase = pc->shown[i];
    char bar[31];
    int fill = pct * 30 / 100;
    for (int i = 0; i < 30; i++) bar[i] = i < fill ? '#' : ' ';
    bar[30] = '\0';
    fprintf(stderr, "\r%-16s [%s] %3d%%", phase, bar, pct);
    fflush(stderr);
}

static void progress_done(int used)
{
    if (used) fprintf(stderr, "\r%60s\r", "");
}

/* ------------------------------------------------------------- problems */

static problem_box *check_problem(lua_State *L, int i)
{
    problem_box *b = luaL_checkudata(L, i, PROBLEM_MT);
    if (!b->p) luaL_argerror(L, i, "freed problem");
    return b;
}

static problem_box *push_problem(lua_State *L)
{
    problem_box *b = lua_newuserdatauv(L, sizeof *b, 0);
    b->p = NULL;
    luaL_setmetatable(L, PROBLEM_MT);
    return b;
}

static int problem_gc(lua_State *L)
{
    problem_box *b = luaL_checkudata(L, 1, PROBLEM_MT);
    sim_problem_free(b->p);
    b->p = NULL;
    return 0;
}

/* core.sim_load(formations_csv, candidates_csv, wishes_csv) -> problem | nil, msg */
static int l_sim_load(lua_State *L)
{
    const char *fp = luaL_checkstring(L, 1), *cp = luaL_checkstring(L, 2), *wp = luaL_checkstring(L, 3);
    static const char *const keys[] = { "formations", "candidates", "wishes", "mode", "policies",
                                        "progress", "keep_columns", NULL };
    input_opts io;
    explain ex = { 0 };
    l_input_opts(L, 4, "admit.sim_load", &io, &ex, keys);
    problem_box *b = push_problem(L);
    errloc err;
    b->p = sim_load_opts(fp, cp, wp, &io, &err);
    l_input_explained(L, 4, &ex);
    if (!b->p) return admit_pushfail(L, err.msg);
    return 1;
}

/* --- building from Lua rows: each row a table (or dataset row) with named fields --- */

/* Text of field `key` of the row on top of the stack, or NULL; converts numbers. */
static const char *row_text(lua_State *L, const char *key, char *buf, size_t n)
{
    lua_getfield(L, -1, key);
    const char *s = NULL;
    if (lua_type(L, -1) == LUA_TNUMBER) {
        if (lua_isinteger(L, -1)) snprintf(buf, n, "%lld", (long long)lua_tointeger(L, -1));
        else snprintf(buf, n, "%.14g", lua_tonumber(L, -1));
        s = buf;
    } else if (lua_type(L, -1) == LUA_TSTRING) {
        snprintf(buf, n, "%s", lua_tostring(L, -1));
        s = buf;
    } else if (lua_type(L, -1) == LUA_TBOOLEAN) {
        snprintf(buf, n, "%d", lua_toboolean(L, -1));
        s = buf;
    }
    lua_pop(L, 1);
    return s;
}

typedef struct build_err { char msg[1400]; } build_err;

static int row_count(lua_State *L, const char *table, const char *key, long long least, long long max,
                     int empty_ok, long long *out, lua_Integer i, build_err *e)
{
    char buf[128], why[160];
    const char *s = row_text(L, key, buf, sizeof buf);
    if (sim_parse_count(s ? s : "", least, max, empty_ok, out, why, sizeof why) != 0) {
        snprintf(e->msg, sizeof e->msg, "%s[%lld].%s: %s", table, (long long)i, key, why);
        return -1;
    }
    return 0;
}

static int build_formations(lua_State *L, sim_problem *p, int t, build_err *e)
{
    lua_Integer n = luaL_len(L, t);
    static const char *const mins[4] = { "min_techno", "min_pro", "min_boursier", "min_resident" };
    for (lua_Integer i = 1; i <= n; i++) {
        lua_geti(L, t, i);
        char id[512], text[1024];
        long long cap, m[4];
        if (!row_text(L, "formation_id", id, sizeof id) || !id[0]) {
            snprintf(e->msg, sizeof e->msg, "formations[%lld]: no formation_id", (long long)i);
            return -1;
        }
        if (row_count(L, "formations", "capacity", 0, 10000000, 0, &cap, i, e)) return -1;
        for (int k = 0; k < 4; k++)
            if (row_count(L, "formations", mins[k], 0, 100, 1, &m[k], i, e)) return -1;
        uint32_t first = sim_find_formation(p, id);
        if (first != SIM_NONE) {  /* formations are added in order: index first is item first + 1 */
            snprintf(e->msg, sizeof e->msg, "formations[%lld]: duplicate formation_id '%s' (already formations[%u])",
                     (long long)i, id, first + 1);
            return -1;
        }
        uint32_t f = sim_add_formation(p, id, (int)cap, (int)m[0], (int)m[1], (int)m[2], (int)m[3]);
        if (f == SIM_NONE) return luaL_error(L, "out of memory");
        for (int d = 0; d < SIM_NDESC; d++)
            if (row_text(L, sim_desc_names[d], text, sizeof text)) sim_set_desc(p, f, d, text);
        lua_pop(L, 1);
    }
    return 0;
}

static int build_candidates(lua_State *L, sim_problem *p, int t, build_err *e)
{
    lua_Integer n = luaL_len(L, t);
    for (lua_Integer i = 1; i <= n; i++) {
        lua_geti(L, t, i);
        char id[512], buf[64], why[160];
        if (!row_text(L, "id", id, sizeof id) || !id[0]) {
            snprintf(e->msg, sizeof e->msg, "candidates[%lld]: no id", (long long)i);
            return -1;
        }
        const char *bacs = row_text(L, "bac", buf, sizeof buf);
        int bac = bacs ? sim_parse_bac(bacs) : -1;
        if (bac < 0) {
            snprintf(e->msg, sizeof e->msg, "candidates[%lld].bac: unknown bac '%s': expected general, "
                     "techno or pro", (long long)i, bacs ? bacs : "");
            return -1;
        }
        int flags[2];
        static const char *const fl[2] = { "boursier", "resident" };
        for (int k = 0; k < 2; k++) {
            const char *s = row_text(L, fl[k], buf, sizeof buf);
            if (sim_parse_flag(s ? s : "", &flags[k], why, sizeof why) != 0) {
                snprintf(e->msg, sizeof e->msg, "candidates[%lld].%s: %s", (long long)i, fl[k], why);
                return -1;
            }
        }
        uint32_t first = sim_find_candidate(p, id);
        if (first != SIM_NONE) {
            snprintf(e->msg, sizeof e->msg, "candidates[%lld]: duplicate id '%s' (already candidates[%u])",
                     (long long)i, id, first + 1);
            return -1;
        }
        if (sim_add_candidate(p, id, bac, flags[0], flags[1]) == SIM_NONE) return luaL_error(L, "out of memory");
        lua_pop(L, 1);
    }
    return 0;
}

static int build_wishes(lua_State *L, sim_problem *p, int t, build_err *e)
{
    lua_Integer n = luaL_len(L, t);
    for (lua_Integer i = 1; i <= n; i++) {
        lua_geti(L, t, i);
        char cid[512], fid[512];
        long long pref, rank;
        if (!row_text(L, "candidate_id", cid, sizeof cid) || !row_text(L, "formation_id", fid, sizeof fid)) {
            snprintf(e->msg, sizeof e->msg, "wishes[%lld]: needs candidate_id and formation_id", (long long)i);
            return -1;
        }
        uint32_t c = sim_find_candidate(p, cid), f = sim_find_formation(p, fid);
        if (c == SIM_NONE || f == SIM_NONE) {
            snprintf(e->msg, sizeof e->msg, "wishes[%lld]: unknown %s '%s'", (long long)i,
                     c == SIM_NONE ? "candidate" : "formation", c == SIM_NONE ? cid : fid);
            return -1;
        }
        if (row_count(L, "wishes", "preference", 1, 1000000, 0, &pref, i, e) ||
            row_count(L, "wishes", "rank", 1, 2147483647, 0, &rank, i, e))
            return -1;
        if (pref == 0 || rank == 0) {
            snprintf(e->msg, sizeof e->msg, "wishes[%lld].%s: must be 1 or more", (long long)i,
                     pref == 0 ? "preference" : "rank");
            return -1;
        }
        if (sim_add_wish(p, c, f, (uint32_t)pref, (uint32_t)rank, (uint32_t)i) == SIM_NONE)
            return luaL_error(L, "out of memory");
        lua_pop(L, 1);
    }
    return 0;
}

/* core.sim_build(formations_rows, candidates_rows, wishes_rows) -> problem | nil, msg.
 * Rows are anything indexable 1..#t whose items have the CSV column names as fields. */
static int l_sim_build(lua_State *L)
{
    for (int i = 1; i <= 3; i++)
        if (!lua_istable(L, i) && !lua_isuserdata(L, i)) luaL_typeerror(L, i, "table of rows");
    lua_settop(L, 3);
    problem_box *b = push_problem(L);
    b->p = sim_problem_new();
    if (!b->p) return luaL_error(L, "out of memory");
    build_err e;
    if (build_formations(L, b->p, 1, &e) || build_candidates(L, b->p, 2, &e) || build_wishes(L, b->p, 3, &e))
        return admit_pushfail(L, e.msg);
    uint32_t bad;
    char what;
    errloc ierr;
    if (sim_index(b->p, &bad, &what, &ierr) != 0) {
        char msg[1200];
        if (bad != SIM_NONE) snprintf(msg, sizeof msg, "wishes[%u]: %s", sim_wish_line(b->p, bad), ierr.msg);
        else snprintf(msg, sizeof msg, "%s", ierr.msg);
        return admit_pushfail(L, msg);
    }
    return 1;
}

/* --- what policies need: formations, their applicants, ranks and capacities --- */

static uint32_t check_formation_index(lua_State *L, const sim_problem *p, int i)
{
    lua_Integer f = luaL_checkinteger(L, i);
    luaL_argcheck(L, f >= 1 && f <= (lua_Integer)p->nf, i, "no such formation");
    return (uint32_t)(f - 1);
}

static void push_caps(lua_State *L, const int32_t caps[NGROUPS])
{
    lua_createtable(L, 0, 3);
    lua_pushinteger(L, caps[GROUP_TECHNO]); lua_setfield(L, -2, "techno");
    lua_pushinteger(L, caps[GROUP_PRO]); lua_setfield(L, -2, "pro");
    lua_pushinteger(L, caps[GROUP_OTHER]); lua_setfield(L, -2, "other");
}

/* p:formation(i) -> {formation_id=, capacity=, min_*=, caps={...}, annex=, ...} */
static int problem_formation(lua_State *L)
{
    const sim_problem *p = check_problem(L, 1)->p;
    uint32_t f = check_formation_index(L, p, 2);
    lua_createtable(L, 0, 12);
    lua_pushstring(L, p->f_id[f]); lua_setfield(L, -2, "formation_id");
    lua_pushinteger(L, p->f_capacity[f]); lua_setfield(L, -2, "capacity");
    lua_pushinteger(L, p->f_min_techno[f]); lua_setfield(L, -2, "min_techno");
    lua_pushinteger(L, p->f_min_pro[f]); lua_setfield(L, -2, "min_pro");
    lua_pushinteger(L, p->f_min_boursier[f]); lua_setfield(L, -2, "min_boursier");
    lua_pushinteger(L, p->f_min_resident[f]); lua_setfield(L, -2, "min_resident");
    push_caps(L, p->f_caps[f]); lua_setfield(L, -2, "caps");
    for (int d = 0; d < SIM_NDESC; d++)
        if (p->f_desc[d] && p->f_desc[d][f]) {
            lua_pushstring(L, p->f_desc[d][f]);
            lua_setfield(L, -2, sim_desc_names[d]);
        }
    return 1;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* p:applicants(i) -> list of {candidate_id=, bac=, boursier=, resident=, rank=, preference=}
 * in the formation's current classement order (best first). */
static int problem_applicants(lua_State *L)
{
    const sim_problem *p = check_problem(L, 1)->p;
    uint32_t f = check_formation_index(L, p, 2);
    uint32_t n = p->f_start[f + 1] - p->f_start[f];
    /* scratch as userdata: collected even if a Lua allocation below raises */
    uint64_t *list = lua_newuserdatauv(L, (n ? n : 1) * sizeof *list, 0);
    for (uint32_t i = 0; i < n; i++) {   /* (rank, vœu): sorting them sorts by rank */
        uint32_t w = p->f_wish[p->f_start[f] + i];
        list[i] = (uint64_t)p->w_rank[w] << 32 | w;
    }
    qsort(list, n, sizeof *list, cmp_u64);
    lua_createtable(L, (int)n, 0);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t w = (uint32_t)list[i], c = p->w_cand[w];
        lua_createtable(L, 0, 6);
        lua_pushstring(L, p->c_id[c]); lua_setfield(L, -2, "candidate_id");
        lua_pushstring(L, sim_bac_name(p->c_bac[c])); lua_setfield(L, -2, "bac");
        lua_pushinteger(L, p->c_boursier[c]); lua_setfield(L, -2, "boursier");
        lua_pushinteger(L, p->c_resident[c]); lua_setfield(L, -2, "resident");
        lua_pushinteger(L, p->w_rank[w]); lua_setfield(L, -2, "rank");
        lua_pushinteger(L, p->w_pref[w]); lua_setfield(L, -2, "preference");
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

/* p:set_ranking(i, ids): the formation's new classement, best first; it must list every
 * applicant exactly once. Ranks become 1..n. */
static int problem_set_ranking(lua_State *L)
{
    sim_problem *p = check_problem(L, 1)->p;
    uint32_t f = check_formation_index(L, p, 2);
    luaL_checktype(L, 3, LUA_TTABLE);
    uint32_t n = p->f_start[f + 1] - p->f_start[f];
    if (luaL_len(L, 3) != (lua_Integer)n)
        return luaL_error(L, "ranking of formation '%s' lists %d candidates, it has %d applicants",
                          p->f_id[f], (int)luaL_len(L, 3), (int)n);
    /* (candidate, position in the formation's list), sorted to find each id in log n */
    uint64_t *by_cand = lua_newuserdatauv(L, (n ? n : 1) * sizeof *by_cand, 0);
    uint32_t *newrank = lua_newuserdatauv(L, (n ? n : 1) * sizeof *newrank, 0);
    memset(newrank, 0, (n ? n : 1) * sizeof *newrank);
    const uint32_t *list = p->f_wish + p->f_start[f];
    for (uint32_t i = 0; i < n; i++) by_cand[i] = (uint64_t)p->w_cand[list[i]] << 32 | i;
    qsort(by_cand, n, sizeof *by_cand, cmp_u64);
    for (uint32_t k = 1; k <= n; k++) {
        lua_rawgeti(L, 3, k);
        const char *id = lua_tostring(L, -1);
        char idbuf[64];
        if (!id) { snprintf(idbuf, sizeof idbuf, "?"); id = idbuf; }
        uint32_t c = sim_find_candidate(p, id), lo = 0, hi = n;
        while (lo < hi) {   /* first entry of candidate c */
            uint32_t mid = lo + (hi - lo) / 2;
            if ((uint32_t)(by_cand[mid] >> 32) < c) lo = mid + 1; else hi = mid;
        }
        int found = c != SIM_NONE && lo < n && (uint32_t)(by_cand[lo] >> 32) == c;
        uint32_t i = found ? (uint32_t)by_cand[lo] : 0;
        if (!found || newrank[i]) {
            char msg[600];
            snprintf(msg, sizeof msg, "ranking of formation '%s': entry %d ('%.200s') is %s", p->f_id[f],
                     (int)k, id, !found ? "not an applicant" : "listed twice");
            return luaL_error(L, "%s", msg);
        }
        newrank[i] = k;
        lua_pop(L, 1);
    }
    for (uint32_t i = 0; i < n; i++) {
        p->w_rank[list[i]] = newrank[i];
        p->f_rank[p->f_start[f] + i] = newrank[i];   /* list is f_wish + f_start[f] */
    }
    return 0;
}

/* p:set_caps(i, {techno=, pro=, other=}) */
static int problem_set_caps(lua_State *L)
{
    sim_problem *p = check_problem(L, 1)->p;
    uint32_t f = check_formation_index(L, p, 2);
    luaL_checktype(L, 3, LUA_TTABLE);
    static const char *const names[NGROUPS] = { "other", "techno", "pro" };
    int32_t caps[NGROUPS];
    for (int g = 0; g < NGROUPS; g++) {
        lua_getfield(L, 3, names[g]);
        lua_Integer v = lua_isnil(L, -1) ? 0 : luaL_checkinteger(L, -1);
        if (v < 0 || v > 10000000)
            return luaL_error(L, "capacities of formation '%s': %s = %d is out of range", p->f_id[f], names[g], (int)v);
        caps[g] = (int32_t)v;
        lua_pop(L, 1);
    }
    memcpy(p->f_caps[f], caps, sizeof caps);
    return 0;
}

/* p:set_rates(i, {boursier=, resident=}): a policy's own rates for the ordre d'appel. */
static int problem_set_rates(lua_State *L)
{
    sim_problem *p = check_problem(L, 1)->p;
    uint32_t f = check_formation_index(L, p, 2);
    luaL_checktype(L, 3, LUA_TTABLE);
    static const char *const names[2] = { "boursier", "resident" };
    uint8_t *dst[2] = { &p->f_min_boursier[f], &p->f_min_resident[f] };
    for (int k = 0; k < 2; k++) {
        lua_getfield(L, 3, names[k]);
        if (!lua_isnil(L, -1)) {
            lua_Integer v = luaL_checkinteger(L, -1);
            if (v < 0 || v > 100)
                return luaL_error(L, "rates of formation '%s': %s = %d is not a percent", p->f_id[f], names[k], (int)v);
            *dst[k] = (uint8_t)v;
        }
        lua_pop(L, 1);
    }
    return 0;
}

static int problem_len(lua_State *L)
{
    lua_pushinteger(L, check_problem(L, 1)->p->nf);
    return 1;
}

static int problem_tostring(lua_State *L)
{
    problem_box *b = luaL_checkudata(L, 1, PROBLEM_MT);
    if (!b->p) lua_pushliteral(L, "admit.problem (freed)");
    else lua_pushfstring(L, "admit.problem (%d formations, %d candidates, %d vœux)", (int)b->p->nf,
                         (int)b->p->nc, (int)b->p->nw);
    return 1;
}

/* p:run([mode [, progress]]) -> simulation. mode "student" (default) or "school". */
static int problem_run(lua_State *L)
{
    problem_box *pb = check_problem(L, 1);
    static const char *const modes[] = { "student", "school", NULL };
    sim_mode mode = (sim_mode)luaL_checkoption(L, 2, "student", modes);
    int show = lua_toboolean(L, 3) && isatty(2);
    progress_ctx pc;
    progress_init(L, &pc, show);
    result_box *b = lua_newuserdatauv(L, sizeof *b, 2);
    memset(b, 0, sizeof *b);
    luaL_setmetatable(L, RESULT_MT);
    lua_pushvalue(L, 1);
    lua_setiuservalue(L, -2, 1);
    b->p = pb->p;
    b->r = sim_allocate(pb->p, mode, show ? progress_bar : NULL, &pc);
    progress_done(show);
    if (!b->r) return luaL_error(L, "out of memory during the allocation");
    b->rep = sim_report_build(pb->p, b->r);
    phases_mark("audit");
    if (!b->rep) return luaL_error(L, "out of memory during the report");
    return 1;
}

/* ------------------------------------------------------------- results */

static result_box *check_result(lua_State *L, int i)
{
    result_box *b = luaL_checkudata(L, i, RESULT_MT);
    if (!b->rep) luaL_argerror(L, i, "freed simulation");
    return b;
}

static int result_gc(lua_State *L)
{
    result_box *b = luaL_checkudata(L, 1, RESULT_MT);
    export_pending_free(b->pending);   /* before the report it reads */
    b->pending = NULL;
    sim_report_free(b->rep);
    sim_result_free(b->r);
    b->rep = NULL;
    b->r = NULL;
    return 0;
}

/* r:assignments() -> list of {candidate_id=, formation_id=} (formation_id nil when none) */
static int result_assignments(lua_State *L)
{
    result_box *b = check_result(L, 1);
    const sim_problem *p = b->p;
    lua_createtable(L, (int)p->nc, 0);
    for (uint32_t c = 0; c < p->nc; c++) {
        lua_createtable(L, 0, 2);
        lua_pushstring(L, p->c_id[c]);
        lua_setfield(L, -2, "candidate_id");
        uint32_t w = b->r->c_wish[c];
        if (w != SIM_NONE) {
            lua_pushstring(L, p->f_id[p->w_form[w]]);
            lua_setfield(L, -2, "formation_id");
            lua_pushinteger(L, p->w_pref[w]);
            lua_setfield(L, -2, "preference");
        }
        lua_rawseti(L, -2, (lua_Integer)c + 1);
    }
    return 1;
}

/* The rows of table t as Lua tables (numbers as numbers, shares the exact percentage). */
static int push_table(lua_State *L, const sim_report *rep, sim_table t)
{
    uint32_t nrows = sim_report_nrows(rep, t);
    int ncols = sim_report_ncols(rep, t);
    lua_createtable(L, (int)nrows, 0);
    for (uint32_t row = 0; row < nrows; row++) {
        lua_createtable(L, 0, ncols);
        for (int i = 0; i < ncols; i++) {
            sim_cell cell = sim_report_cell(rep, t, row, i);
            if (cell.type == CELL_EMPTY) continue;
            if (cell.type == CELL_INT) lua_pushinteger(L, (lua_Integer)cell.num);
            else if (cell.type == CELL_PCT) lua_pushnumber(L, cell.num);
            else lua_pushstring(L, cell.text);
            lua_setfield(L, -2, sim_report_header(rep, t, i));
        }
        lua_rawseti(L, -2, (lua_Integer)row + 1);
    }
    return 1;
}

/* r:formations() -> the rows of formations.csv; r:groups() -> the rows of groups.csv */
static int result_formations(lua_State *L) { return push_table(L, check_result(L, 1)->rep, TABLE_FORMATIONS); }
static int result_groups(lua_State *L) { return push_table(L, check_result(L, 1)->rep, TABLE_GROUPS); }

/* r:wishes() -> every vœu with its group, call position and outcome (for audits/tests) */
static int result_wishes(lua_State *L)
{
    result_box *b = check_result(L, 1);
    const sim_problem *p = b->p;
    lua_createtable(L, (int)p->nw, 0);
    for (uint32_t w = 0; w < p->nw; w++) {
        lua_createtable(L, 0, 7);
        lua_pushstring(L, p->c_id[p->w_cand[w]]); lua_setfield(L, -2, "candidate_id");
        lua_pushstring(L, p->f_id[p->w_form[w]]); lua_setfield(L, -2, "formation_id");
        lua_pushinteger(L, p->w_pref[w]); lua_setfield(L, -2, "preference");
        lua_pushinteger(L, p->w_rank[w]); lua_setfield(L, -2, "rank");
        lua_pushstring(L, sim_group_name(b->r->w_group[w])); lua_setfield(L, -2, "group");
        lua_pushinteger(L, b->r->w_callpos[w]); lua_setfield(L, -2, "call_position");
        lua_pushboolean(L, b->r->c_wish[p->w_cand[w]] == w); lua_setfield(L, -2, "admitted");
        lua_rawseti(L, -2, (lua_Integer)w + 1);
    }
    return 1;
}

static void set_int(lua_State *L, const char *k, lua_Integer v)
{
    lua_pushinteger(L, v);
    lua_setfield(L, -2, k);
}

static void push_kinds(lua_State *L, const uint32_t v[NKINDS])
{
    lua_createtable(L, 0, NKINDS);
    for (int k = 0; k < NKINDS; k++) set_int(L, sim_kind_names[k], v[k]);
}

static void push_reserved(lua_State *L, const uint64_t v[NRESERVED])
{
    lua_createtable(L, 0, NRESERVED);
    for (int g = 0; g < NRESERVED; g++) set_int(L, sim_reserved_names[g], v[g]);
}

static void push_buckets(lua_State *L, const char *label, const sim_bucket *bk, uint32_t n)
{
    lua_createtable(L, (int)n, 0);
    for (uint32_t i = 0; i < n; i++) {
        lua_createtable(L, 0, 6);
        lua_pushstring(L, bk[i].name); lua_setfield(L, -2, label);
        set_int(L, "formations", bk[i].formations);
        set_int(L, "capacity", bk[i].capacity);
        set_int(L, "admitted", bk[i].admitted);
        push_kinds(L, bk[i].with_min); lua_setfield(L, -2, "with_minimum");
        push_kinds(L, bk[i].not_met); lua_setfield(L, -2, "not_met");
        push_reserved(L, bk[i].reserved); lua_setfield(L, -2, "reserved_seats");
        push_reserved(L, bk[i].reserved_empty); lua_setfield(L, -2, "reserved_seats_empty");
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
}

/* The summary as a Lua table: the same keys as summary.json. */
static void push_summary(lua_State *L, const sim_summary *s)
{
    lua_createtable(L, 0, 20);
    lua_pushstring(L, sim_mode_name(s->mode)); lua_setfield(L, -2, "mode");
    set_int(L, "rounds", s->rounds);
    set_int(L, "candidates", s->candidates);
    set_int(L, "wishes", s->wishes);
    set_int(L, "formations", s->formations);
    set_int(L, "seats", s->seats);
    set_int(L, "admitted", s->admitted);
    set_int(L, "unassigned", s->unassigned);
    set_int(L, "first_choice", s->first_choice);
    set_int(L, "with_wishes", s->with_wishes);
    set_int(L, "boursiers", s->boursiers);
    set_int(L, "boursiers_admitted", s->boursiers_admitted);
    const uint32_t *byb[2] = { s->cand_by_bac, s->adm_by_bac };
    static const char *const bykey[2] = { "candidates_by_bac", "admitted_by_bac" };
    for (int t = 0; t < 2; t++) {
        lua_createtable(L, 0, 3);
        for (int b = 0; b < 3; b++) set_int(L, sim_bac_name(b), byb[t][b]);
        lua_setfield(L, -2, bykey[t]);
    }
    lua_createtable(L, 0, NKINDS);
    for (int k = 0; k < NKINDS; k++) {
        lua_createtable(L, 0, 5);
        set_int(L, "formations", s->with_min[k]);
        set_int(L, "met", s->met[k]);
        set_int(L, "not_met", s->with_min[k] - s->met[k]);
        set_int(L, "not_enough_applicants", s->not_enough[k]);
        set_int(L, "applicants_placed_elsewhere", s->elsewhere[k]);
        lua_setfield(L, -2, sim_kind_names[k]);
    }
    lua_setfield(L, -2, "minimums");
    push_reserved(L, s->reserved); lua_setfield(L, -2, "reserved_seats");
    push_reserved(L, s->reserved_empty); lua_setfield(L, -2, "reserved_seats_empty");
    push_buckets(L, "annex", s->by_annex, s->n_annex);
    lua_setfield(L, -2, "by_annex");
    push_buckets(L, "academie", s->by_academie, s->n_academie);
    lua_setfield(L, -2, "by_academie");
    int any = 0;
    for (int k = 0; k < NOBSERVED; k++) any |= s->obs_formations[k] != 0;
    if (any) {   /* summary.json's "observed": the open dataset beside the simulation */
        lua_createtable(L, 0, NOBSERVED);
        for (int k = 0; k < NOBSERVED; k++) {
            lua_createtable(L, 0, 5);
            set_int(L, "formations", s->obs_formations[k]);
            set_int(L, "observed_admitted", (lua_Integer)s->obs_admitted[k]);
            set_int(L, "observed", (lua_Integer)s->obs_kind[k]);
            set_int(L, "simulated_admitted", (lua_Integer)s->sim_admitted[k]);
            set_int(L, "simulated", (lua_Integer)s->sim_kind[k]);
            lua_setfield(L, -2, sim_kind_names[k]);
        }
        lua_setfield(L, -2, "observed");
    }
}

/* A name a caller's file may take in the output folder: no path, no hidden file. */
static int plain_file_name(const char *name)
{
    return *name && *name != '.' && !strchr(name, '/') && !strchr(name, '\\');
}

/* The options of r:write and r:start_write (table at index 3, or none) into x; the
 * strings stay alive in the table and in userdata pushed on the stack. */
static void write_options(lua_State *L, export_extras *x)
{
    *x = (export_extras){ 0, NULL, 0, NULL, 0, 0 };
    if (lua_isnoneornil(L, 3)) return;
    luaL_checktype(L, 3, LUA_TTABLE);
    x->csv_dialect = admit_csv_option(L, 3);
    lua_settop(L, 3);
    lua_getfield(L, 3, "english");                 /* 4 */
    x->english = lua_toboolean(L, 4);
    lua_getfield(L, 3, "provenance");              /* 5 */
    lua_getfield(L, 3, "files");                   /* 6 */
    int np = lua_istable(L, 5) ? (int)luaL_len(L, 5) : 0;
    lua_Integer nf = 0;
    if (lua_istable(L, 6))
        for (lua_pushnil(L); lua_next(L, 6); lua_pop(L, 1)) nf++;
    const char **prov = lua_newuserdatauv(L, (size_t)(2 * np + 1) * sizeof *prov, 0);  /* 7 */
    export_file *files = lua_newuserdatauv(L, (size_t)(nf + 1) * sizeof *files, 0);    /* 8 */
    for (int i = 0; i < np; i++) {
        lua_rawgeti(L, 5, i + 1);
        luaL_argcheck(L, lua_istable(L, -1), 3, "provenance: a list of {key, value}");
        for (int j = 0; j < 2; j++) {
            lua_rawgeti(L, -1 - j, j + 1);
            luaL_argcheck(L, lua_type(L, -1) == LUA_TSTRING, 3, "provenance: keys and values are strings");
            prov[2 * i + j] = lua_tostring(L, -1);
        }
        lua_pop(L, 3);  /* the strings stay alive in the table at 5 */
    }
    int n = 0;
    if (lua_istable(L, 6))
        for (lua_pushnil(L); lua_next(L, 6); lua_pop(L, 1)) {
            if (lua_type(L, -2) != LUA_TSTRING || lua_type(L, -1) != LUA_TSTRING)
                luaL_argerror(L, 3, "files: expected {name = text, ...}");
            files[n].name = lua_tostring(L, -2);
            if (!plain_file_name(files[n].name))
                luaL_error(L, "write: '%s' is not a plain file name", files[n].name);
            files[n].text = lua_tolstring(L, -1, &files[n].len);
            n++;
        }
    x->provenance = prov;
    x->nprov = np;
    x->files = files;
    x->nfiles = n;
}

/* r:write(dir [, {english=, provenance = {{key, value}, ...}, files = {name = text, ...},
 * csv = "rfc4180"|"excel"}]) -> true | nil, msg: the tables and the caller's files, atomically. */
static int result_write(lua_State *L)
{
    result_box *b = check_result(L, 1);
    const char *dir = luaL_checkstring(L, 2);
    export_extras x;
    write_options(L, &x);
    errloc err;
    export_pending *pd = b->pending;
    b->pending = NULL;   /* export_dir takes it over */
    phases_mark("provenance, report.html");
    if (export_dir(dir, b->rep, &x, pd, &err) != 0) return admit_pushfail(L, err.msg);
    lua_pushboolean(L, 1);
    return 1;
}

/* r:start_write(dir [, {english=, provenance=}]): begins results.xlsx on the other core, for
 * an r:write(dir, ...) with the same options that follows (admit.write_results renders
 * report.html meanwhile). Only a matter of speed: r:write gives the same files without it. */
static int result_start_write(lua_State *L)
{
    result_box *b = check_result(L, 1);
    const char *dir = luaL_checkstring(L, 2);
    export_extras x;
    write_options(L, &x);
    export_pending_free(b->pending);
    b->pending = export_xlsx_start(dir, b->rep, &x);
    return 0;
}

static int result_index(lua_State *L)
{
    result_box *b = check_result(L, 1);
    const char *key = luaL_checkstring(L, 2);
    if (strcmp(key, "summary") == 0) {
        if (lua_getiuservalue(L, 1, 2) == LUA_TNIL) {  /* built once, then cached */
            lua_pop(L, 1);
            push_summary(L, &b->rep->sum);
            lua_pushvalue(L, -1);
            lua_setiuservalue(L, 1, 2);
        }
        return 1;
    }
    if (strcmp(key, "mode") == 0) { lua_pushstring(L, sim_mode_name(b->r->mode)); return 1; }
    if (strcmp(key, "rounds") == 0) { lua_pushinteger(L, b->r->rounds); return 1; }
    luaL_getmetatable(L, RESULT_MT);
    lua_getfield(L, -1, "methods");
    lua_getfield(L, -1, key);
    return 1;
}

static int result_len(lua_State *L)
{
    lua_pushinteger(L, check_result(L, 1)->p->nc);
    return 1;
}

static int result_tostring(lua_State *L)
{
    result_box *b = luaL_checkudata(L, 1, RESULT_MT);
    if (!b->rep) { lua_pushliteral(L, "admit.simulation (freed)"); return 1; }
    const sim_summary *s = &b->rep->sum;
    lua_pushfstring(L, "admit.simulation (%s mode, %d round%s: %d of %d candidates admitted, %d formations)",
                    sim_mode_name(s->mode), (int)s->rounds, s->rounds == 1 ? "" : "s", (int)s->admitted,
                    (int)s->candidates, (int)s->formations);
    return 1;
}

/* For the phase principale (l_phase.c): the instance of the problem userdata at index i,
 * and a simulation userdata for a result computed elsewhere (it takes r; the problem at
 * pidx is kept alive). Pushes the simulation, or raises on out of memory. */
sim_problem *admit_check_problem(lua_State *L, int i)
{
    return check_problem(L, i)->p;
}

void admit_push_result(lua_State *L, int pidx, sim_result *r)
{
    pidx = lua_absindex(L, pidx);
    result_box *b = lua_newuserdatauv(L, sizeof *b, 2);
    memset(b, 0, sizeof *b);
    luaL_setmetatable(L, RESULT_MT);
    lua_pushvalue(L, pidx);
    lua_setiuservalue(L, -2, 1);
    b->p = check_problem(L, pidx)->p;
    b->r = r;
    b->rep = sim_report_build(b->p, r);
    if (!b->rep) luaL_error(L, "out of memory during the report");
}

/* The report of a simulation userdata (for the phase's outputs). */
const sim_report *admit_check_report(lua_State *L, int i)
{
    return check_result(L, i)->rep;
}

/* ------------------------------------------------------------ generator */

/* core.generate{out=, seed=, candidates=, formations="annexes"|N, max_wishes=, annex_dir=,
 * progress=} -> {candidates=, wishes=, formations=} | nil, msg */
static int l_generate(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    gen_opts o;
    gen_defaults(&o);
    lua_getfield(L, 1, "out");
    o.out = luaL_checkstring(L, -1);
    lua_getfield(L, 1, "seed");
    o.seed = (uint64_t)luaL_optinteger(L, -1, (lua_Integer)o.seed);
    lua_getfield(L, 1, "candidates");
    o.candidates = (uint32_t)luaL_optinteger(L, -1, o.candidates);
    lua_getfield(L, 1, "max_wishes");
    o.max_wishes = (uint32_t)luaL_optinteger(L, -1, o.max_wishes);
    lua_getfield(L, 1, "formations");
    if (lua_isinteger(L, -1)) o.formations = (uint32_t)lua_tointeger(L, -1);
    else if (lua_type(L, -1) == LUA_TSTRING) o.formations_file = lua_tostring(L, -1);
    /* a formations file may take the input options (columns, explain) like every loader */
    static const char *const keys[] = { "out", "seed", "candidates", "max_wishes", "formations",
                                        "annex_dir", "progress", NULL };
    input_opts io;
    explain ex = { 0 }, notes = { 0 };
    l_input_opts(L, 1, "admit.generate", &io, &ex, keys);
    o.input = &io;
    o.notes = &notes;
    lua_getfield(L, 1, "annex_dir");
    o.annex_dir = luaL_optstring(L, -1, NULL);
    lua_getfield(L, 1, "progress");
    int show = lua_toboolean(L, -1) && isatty(2);
    progress_ctx pc;
    progress_init(L, &pc, show);
    o.progress = show ? progress_bar : NULL;
    o.pctx = &pc;
    gen_stats st;
    errloc err;
    int rc = gen_run(&o, &st, &err);
    progress_done(show);
    l_input_explained(L, 1, &ex);
    if (notes.text) i18n_fputs(L, notes.text, stderr);   /* what a missing column was replaced with */
    explain_free(&notes);
    if (rc != 0) return admit_pushfail(L, err.msg);
    lua_createtable(L, 0, 3);
    set_int(L, "candidates", st.candidates);
    set_int(L, "wishes", (lua_Integer)st.wishes);
    set_int(L, "formations", st.formations);
    return 1;
}

/* core.terminal_width() -> the columns of the terminal on stdout, or nil (not a terminal) */
static int l_terminal_width(lua_State *L)
{
    struct winsize ws;
    if (isatty(1) && ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        lua_pushinteger(L, ws.ws_col);
    else
        lua_pushnil(L);
    return 1;
}

/* core.stderr_is_tty() -> boolean (progress bars are drawn only on a terminal) */
static int l_stderr_is_tty(lua_State *L)
{
    lua_pushboolean(L, isatty(2));
    return 1;
}

/* core.wall_clock() -> seconds (monotonic, for timing phases in scripts and benchmarks) */
static int l_wall_clock(lua_State *L)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    lua_pushnumber(L, (lua_Number)ts.tv_sec + (lua_Number)ts.tv_nsec / 1e9);
    return 1;
}

/* ------------------------------------------------------------- opening */

static const luaL_Reg problem_methods[] = {
    { "formation", problem_formation }, { "applicants", problem_applicants },
    { "set_ranking", problem_set_ranking }, { "set_caps", problem_set_caps },
    { "set_rates", problem_set_rates },
    { "run", problem_run }, { NULL, NULL }
};

static const luaL_Reg result_methods[] = {
    { "assignments", result_assignments }, { "formations", result_formations },
    { "groups", result_groups },
    { "wishes", result_wishes }, { "write", result_write },
    { "start_write", result_start_write }, { NULL, NULL }
};

static const luaL_Reg sim_funcs[] = {
    { "sim_load", l_sim_load }, { "sim_build", l_sim_build }, { "generate", l_generate },
    { "stderr_is_tty", l_stderr_is_tty }, { "terminal_width", l_terminal_width }, { "wall_clock", l_wall_clock }, { NULL, NULL }
};

void simulate_open(lua_State *L)
{
    luaL_newmetatable(L, PROBLEM_MT);
    luaL_newlib(L, problem_methods);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, problem_gc); lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, problem_len); lua_setfield(L, -2, "__len");
    lua_pushcfunction(L, problem_tostring); lua_setfield(L, -2, "__tostring");
    lua_pop(L, 1);

    luaL_newmetatable(L, RESULT_MT);
    luaL_newlib(L, result_methods);
    lua_setfield(L, -2, "methods");
    lua_pushcfunction(L, result_index); lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, result_gc); lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, result_gc); lua_setfield(L, -2, "__close");
    lua_pushcfunction(L, result_len); lua_setfield(L, -2, "__len");
    lua_pushcfunction(L, result_tostring); lua_setfield(L, -2, "__tostring");
    lua_pop(L, 1);

    luaL_setfuncs(L, sim_funcs, 0);
}
