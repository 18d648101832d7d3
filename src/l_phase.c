/* l_phase.c — Lua binding of the phase principale (phase.c): core.phase_run runs it on a
 * problem ("admit.problem") and returns an "admit.phase" userdata holding the days, with
 * the end of the phase as an "admit.simulation". The Lua hooks (answer, on_day) run under
 * lua_pcall through C trampolines, so that no Lua error ever unwinds through the engine. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "export_phase.h"
#include "l_admit.h"
#include "phase.h"

#define PHASE_MT "admit.phase"

typedef struct phase_box {
    phase_run *run;
    int32_t *f_ob, *f_nb, *f_rl;   /* per formation: overbooking, nb_recrutements, rang limite */
    const char *behaviour;         /* "model", "ideal" or "custom" (static strings) */
    int overbooking, trace;
    unsigned long long seed;
} phase_box;

/* uservalues of a phase userdata: 1 the problem, 2 the simulation (end of the phase) */

/* -------------------------------------------------------------- options */

static const struct { const char *name; int is_day; size_t off; } behaviour_fields[] = {
    { "ra_share", 0, offsetof(phase_behaviour, ra_share) },
    { "ra_day", 1, offsetof(phase_behaviour, ra_day) },
    { "order_share", 0, offsetof(phase_behaviour, order_share) },
    { "order_day", 1, offsetof(phase_behaviour, order_day) },
    { "same_day", 0, offsetof(phase_behaviour, same_day) },
    { "keep_waiting", 0, offsetof(phase_behaviour, keep_waiting) },
    { "definitive", 0, offsetof(phase_behaviour, definitive) },
    { "leave_daily", 0, offsetof(phase_behaviour, leave_daily) },
    { "bac_fail", 0, offsetof(phase_behaviour, bac_fail) },
    { "bac_day", 1, offsetof(phase_behaviour, bac_day) },
    { "never_answer", 0, offsetof(phase_behaviour, never_answer) },
};
#define NFIELDS (sizeof behaviour_fields / sizeof behaviour_fields[0])

/* behaviour = "ideal" | "model" | {preset=, <field>=, answer=}; the table at index t. */
static const char *read_behaviour(lua_State *L, int t, phase_behaviour *b)
{
    const char *name = "model";
    if (lua_isnoneornil(L, t)) { phase_behaviour_default(b); return name; }
    if (lua_type(L, t) == LUA_TSTRING) {
        const char *s = lua_tostring(L, t);
        if (strcmp(s, "ideal") == 0) { phase_behaviour_ideal(b); return "ideal"; }
        if (strcmp(s, "model") == 0) { phase_behaviour_default(b); return name; }
        luaL_error(L, "behaviour: '%s' is not \"ideal\", \"model\" or a table of parameters", s);
    }
    if (!lua_istable(L, t)) luaL_error(L, "behaviour: expected \"ideal\", \"model\" or a table, got %s", luaL_typename(L, t));
    lua_getfield(L, t, "preset");
    const char *preset = lua_isnil(L, -1) ? "model" : lua_tostring(L, -1);
    if (!preset || (strcmp(preset, "ideal") && strcmp(preset, "model")))
        luaL_error(L, "behaviour.preset: expected \"ideal\" or \"model\"");
    if (strcmp(preset, "ideal") == 0) { phase_behaviour_ideal(b); name = "ideal"; }
    else phase_behaviour_default(b);
    lua_pop(L, 1);
    /* every key must be known: a misspelt parameter would silently keep its default */
    lua_pushnil(L);
    while (lua_next(L, t)) {
        const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
        size_t i = 0;
        while (k && i < NFIELDS && strcmp(k, behaviour_fields[i].name)) i++;
        if (!k || (i == NFIELDS && strcmp(k, "preset") && strcmp(k, "answer"))) {
            luaL_Buffer buf;
            luaL_buffinit(L, &buf);
            for (size_t j = 0; j < NFIELDS; j++) {
                luaL_addstring(&buf, behaviour_fields[j].name);
                luaL_addstring(&buf, ", ");
            }
            luaL_addstring(&buf, "preset, answer");
            luaL_pushresult(&buf);
            luaL_error(L, "behaviour: unknown parameter '%s' (known: %s)", k ? k : "?", lua_tostring(L, -1));
        }
        if (i < NFIELDS) {
            char *field = (char *)b + behaviour_fields[i].off;
            if (behaviour_fields[i].is_day) {
                if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 0 || lua_tointeger(L, -1) > PHASE_MAX_DAYS)
                    luaL_error(L, "behaviour.%s: expected a day number 0..%d", k, PHASE_MAX_DAYS);
                *(uint32_t *)(void *)field = (uint32_t)lua_tointeger(L, -1);
            } else {
                double v = lua_isnumber(L, -1) ? lua_tonumber(L, -1) : -1;
                if (!lua_isnumber(L, -1) || !(v >= 0 && v <= 1))
                    luaL_error(L, "behaviour.%s: expected a probability between 0 and 1", k);
                *(double *)(void *)field = v;
            }
            name = "custom";
        }
        lua_pop(L, 1);
    }
    return name;
}

/* A list indexed by formation (1..nf), nil entries = dflt, into a new int32 array. */
static int32_t *read_per_formation(lua_State *L, int t, const char *key, uint32_t nf, int32_t dflt,
                                   int32_t lo, int32_t hi)
{
    lua_getfield(L, t, key);
    if (lua_isnil(L, -1)) { lua_pop(L, 1); return NULL; }
    luaL_checktype(L, -1, LUA_TTABLE);
    int32_t *v = malloc((nf ? nf : 1) * sizeof *v);
    if (!v) luaL_error(L, "out of memory");
    for (uint32_t f = 0; f < nf; f++) {
        lua_rawgeti(L, -1, (lua_Integer)f + 1);
        if (lua_isnil(L, -1)) v[f] = dflt;
        else if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < lo || lua_tointeger(L, -1) > hi) {
            free(v);
            luaL_error(L, "%s[%d]: expected an integer %d..%d", key, (int)f + 1, (int)lo, (int)hi);
        } else v[f] = (int32_t)lua_tointeger(L, -1);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    return v;
}

/* ---------------------------------------------------------------- hooks */

typedef struct hook_ctx {
    lua_State *L;
    const sim_problem *p;
    const uint8_t *state;          /* the engine's states (for "accepted") */
    int answer_idx, on_day_idx;    /* stack slots of the functions, 0 = none */
    /* arguments of the call in progress */
    uint32_t cand, day;
    const uint32_t *offers, *waiting;
    uint32_t noffers, nwaiting;
    phase_decision *d;
    const phase_day *stats;
    int stop;
} hook_ctx;

static void set_int(lua_State *L, const char *k, lua_Integer v)
{
    lua_pushinteger(L, v);
    lua_setfield(L, -2, k);
}

/* Index among offers of the formation id s, or -1. */
static int find_offer(const hook_ctx *h, const char *s)
{
    for (uint32_t i = 0; i < h->noffers; i++)
        if (strcmp(h->p->f_id[h->p->w_form[h->offers[i]]], s) == 0) return (int)i;
    return -1;
}

/* Runs under lua_pcall: builds the arguments, calls answer, reads its decision. */
static int answer_trampoline(lua_State *L)
{
    hook_ctx *h = lua_touserdata(L, 1);
    const sim_problem *p = h->p;
    uint32_t c = h->cand;
    lua_pushvalue(L, 2);
    lua_createtable(L, 0, 4);
    lua_pushstring(L, p->c_id[c]); lua_setfield(L, -2, "id");
    lua_pushstring(L, sim_bac_name(p->c_bac[c])); lua_setfield(L, -2, "bac");
    lua_pushboolean(L, p->c_boursier[c]); lua_setfield(L, -2, "boursier");
    lua_pushboolean(L, p->c_resident[c]); lua_setfield(L, -2, "resident");
    lua_createtable(L, (int)h->noffers, 0);
    for (uint32_t i = 0; i < h->noffers; i++) {
        uint32_t w = h->offers[i];
        lua_createtable(L, 0, 3);
        lua_pushstring(L, p->f_id[p->w_form[w]]); lua_setfield(L, -2, "formation_id");
        set_int(L, "preference", p->w_pref[w]);
        lua_pushboolean(L, h->state[w] == PH_ACCEPTED); lua_setfield(L, -2, "accepted");
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_createtable(L, (int)h->nwaiting, 0);
    for (uint32_t i = 0; i < h->nwaiting; i++) {
        uint32_t w = h->waiting[i];
        lua_createtable(L, 0, 2);
        lua_pushstring(L, p->f_id[p->w_form[w]]); lua_setfield(L, -2, "formation_id");
        set_int(L, "preference", p->w_pref[w]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_pushinteger(L, h->day);
    lua_call(L, 4, 1);
    phase_decision *d = h->d;
    if (lua_isnil(L, -1)) return 0;    /* nil: refuse every offer, keep every waiting vœu */
    if (!lua_istable(L, -1))
        return luaL_error(L, "answer: must return nil or a table {accept=, keep=, leave=}, got %s",
                          luaL_typename(L, -1));
    int res = lua_gettop(L);
    lua_getfield(L, res, "leave");
    d->leave = lua_toboolean(L, -1);
    lua_getfield(L, res, "accept");
    if (!lua_isnil(L, -1)) {
        const char *s = lua_tostring(L, -1);
        int i = s ? find_offer(h, s) : -1;
        if (i < 0)
            return luaL_error(L, "answer: accept = '%s' is not an offer of candidate '%s' on day %d",
                              s ? s : luaL_typename(L, -1), p->c_id[c], (int)h->day);
        d->accept = h->offers[i];
    }
    lua_getfield(L, res, "keep");
    if (!lua_isnil(L, -1)) {
        if (!lua_istable(L, -1)) return luaL_error(L, "answer: keep must be a list of formation ids");
        memset(d->keep, 0, h->nwaiting ? h->nwaiting : 1);
        lua_Integer n = luaL_len(L, -1);
        for (lua_Integer k = 1; k <= n; k++) {
            lua_rawgeti(L, -1, k);
            const char *s = lua_tostring(L, -1);
            uint32_t i = 0;
            while (s && i < h->nwaiting && strcmp(p->f_id[p->w_form[h->waiting[i]]], s)) i++;
            if (!s || i == h->nwaiting)
                return luaL_error(L, "answer: keep[%d] = '%s' is not a waiting vœu of candidate '%s'",
                                  (int)k, s ? s : "?", p->c_id[c]);
            d->keep[i] = 1;
            lua_pop(L, 1);
        }
    }
    return 0;
}

/* Calls fn(h, hook) under lua_pcall: the hook function (at stack slot idx of the caller's
 * frame) goes as the second argument, since the trampoline has a frame of its own. */
static int call_hook(hook_ctx *h, lua_CFunction fn, int idx, errloc *err)
{
    lua_State *L = h->L;
    lua_pushcfunction(L, fn);
    lua_pushlightuserdata(L, h);
    lua_pushvalue(L, idx);
    if (lua_pcall(L, 2, 0, 0) != LUA_OK) {
        const char *msg = lua_tostring(L, -1);
        snprintf(err->msg, sizeof err->msg, "%s", msg ? msg : "error in a phase hook");
        lua_pop(L, 1);
        return -1;
    }
    return 0;
}

static int answer_hook(void *ctx, uint32_t cand, uint32_t day, const uint8_t *w_state,
                       const uint32_t *offers, uint32_t noffers, const uint32_t *waiting,
                       uint32_t nwaiting, phase_decision *d, errloc *err)
{
    hook_ctx *h = ctx;
    h->state = w_state;
    h->cand = cand; h->day = day; h->offers = offers; h->noffers = noffers;
    h->waiting = waiting; h->nwaiting = nwaiting; h->d = d;
    return call_hook(h, answer_trampoline, h->answer_idx, err);
}

static void push_day(lua_State *L, const phase_day *d)
{
    lua_createtable(L, 0, 9);
    set_int(L, "day", d->day);
    set_int(L, "passes", d->passes);
    set_int(L, "offers", d->offers);
    set_int(L, "candidates_with_offer", d->with_offer);
    set_int(L, "candidates_with_accepted_offer", d->with_accepted);
    set_int(L, "accepted_definitively", d->definitive);
    set_int(L, "received_an_offer", d->ever_offered);
    set_int(L, "waiting", d->waiting);
    set_int(L, "left", d->left);
    set_int(L, "seats_held", d->holders);
}

static int on_day_trampoline(lua_State *L)
{
    hook_ctx *h = lua_touserdata(L, 1);
    lua_pushvalue(L, 2);
    lua_pushinteger(L, h->stats->day);
    push_day(L, h->stats);
    lua_call(L, 2, 1);
    h->stop = lua_type(L, -1) == LUA_TBOOLEAN && !lua_toboolean(L, -1);  /* only false stops */
    return 0;
}

static int on_day_hook(void *ctx, const phase_day *d, errloc *err)
{
    hook_ctx *h = ctx;
    h->stats = d;
    if (call_hook(h, on_day_trampoline, h->on_day_idx, err) != 0) return -1;
    return h->stop ? 1 : 0;
}

/* ---------------------------------------------------------------- run */

static phase_box *check_phase(lua_State *L, int i)
{
    phase_box *b = luaL_checkudata(L, i, PHASE_MT);
    if (!b->run) luaL_argerror(L, i, "freed phase");
    return b;
}

static int phase_gc(lua_State *L)
{
    phase_box *b = luaL_checkudata(L, 1, PHASE_MT);
    if (b->run) b->run->r = NULL;   /* owned by the simulation userdata */
    phase_run_free(b->run);
    free(b->f_ob); free(b->f_nb); free(b->f_rl);
    b->run = NULL;
    b->f_ob = b->f_nb = b->f_rl = NULL;
    return 0;
}

/* core.phase_run(problem, {days=, seed=, overbooking=, behaviour=, trace=, on_day=,
 *   overbooking_of=, recrutements_of=, rang_limite_of=}) -> phase */
static int l_phase_run(lua_State *L)
{
    const sim_problem *p = admit_check_problem(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    lua_settop(L, 2);
    phase_box *b = lua_newuserdatauv(L, sizeof *b, 2);   /* 3 */
    memset(b, 0, sizeof *b);
    luaL_setmetatable(L, PHASE_MT);
    lua_pushvalue(L, 1);
    lua_setiuservalue(L, 3, 1);
    phase_opts o;
    memset(&o, 0, sizeof o);
    lua_getfield(L, 2, "days");                          /* 4 */
    lua_Integer days = luaL_optinteger(L, 4, 37);
    if (days < 1 || days > PHASE_MAX_DAYS) return luaL_error(L, "days: expected 1..%d, got %d", PHASE_MAX_DAYS, (int)days);
    o.days = (uint32_t)days;
    lua_getfield(L, 2, "seed");                          /* 5 */
    o.seed = (uint64_t)luaL_optinteger(L, 5, 1);
    lua_getfield(L, 2, "overbooking");                   /* 6 */
    lua_Integer ob = luaL_optinteger(L, 6, 0);
    if (ob < 0 || ob > 1000) return luaL_error(L, "overbooking: expected a percent 0..1000, got %d", (int)ob);
    o.overbooking = (int)ob;
    lua_getfield(L, 2, "trace");                         /* 7 */
    o.trace = lua_toboolean(L, 7);
    lua_getfield(L, 2, "behaviour");                     /* 8 */
    b->behaviour = read_behaviour(L, 8, &o.behaviour);
    hook_ctx h;
    memset(&h, 0, sizeof h);
    h.L = L;
    h.p = p;
    if (lua_istable(L, 8)) lua_getfield(L, 8, "answer"); else lua_pushnil(L);   /* 9 */
    if (!lua_isnil(L, 9)) {
        luaL_checktype(L, 9, LUA_TFUNCTION);
        h.answer_idx = 9;
        o.behaviour.answer = answer_hook;
        o.behaviour.answer_ctx = &h;
        b->behaviour = "custom";
    }
    lua_getfield(L, 2, "on_day");                        /* 10 */
    if (!lua_isnil(L, 10)) {
        luaL_checktype(L, 10, LUA_TFUNCTION);
        h.on_day_idx = 10;
        o.on_day = on_day_hook;
        o.on_day_ctx = &h;
    }
    b->f_ob = read_per_formation(L, 2, "overbooking_of", p->nf, -1, 0, 1000);
    b->f_nb = read_per_formation(L, 2, "recrutements_of", p->nf, -1, 0, 100000000);
    b->f_rl = read_per_formation(L, 2, "rang_limite_of", p->nf, 0, 0, INT32_MAX);
    o.f_overbooking = b->f_ob;
    o.f_recrutements = b->f_nb;
    o.f_rang_limite = b->f_rl;
    b->overbooking = o.overbooking;
    b->seed = (unsigned long long)o.seed;
    b->trace = o.trace;
    errloc err;
    memset(&err, 0, sizeof err);
    b->run = phase_simulate(p, &o, &err);
    if (!b->run) {
        lua_pushstring(L, err.msg[0] ? err.msg : "phase: out of memory");
        return lua_error(L);
    }
    lua_settop(L, 3);
    admit_push_result(L, 1, b->run->r);                  /* 4: owns run->r from now on */
    lua_setiuservalue(L, 3, 2);
    return 1;
}

/* ------------------------------------------------------------- methods */

/* ph:days() -> list of the day totals (summary.json "per_day") */
static int phase_days(lua_State *L)
{
    const phase_run *run = check_phase(L, 1)->run;
    lua_createtable(L, (int)run->days, 0);
    for (uint32_t d = 0; d < run->days; d++) {
        push_day(L, &run->day[d]);
        lua_rawseti(L, -2, (lua_Integer)d + 1);
    }
    return 1;
}

/* ph:groups([day]) -> the rows of days.csv for one day (default: the last) */
static int phase_groups(lua_State *L)
{
    phase_box *b = check_phase(L, 1);
    const phase_run *run = b->run;
    lua_Integer day = luaL_optinteger(L, 2, run->days);
    if (day < 1 || day > run->days) return luaL_error(L, "groups: day %d is not between 1 and %d", (int)day, (int)run->days);
    lua_getiuservalue(L, 1, 1);
    const sim_problem *p = admit_check_problem(L, -1);
    lua_pop(L, 1);
    const phase_gday *g = run->gday + (size_t)(day - 1) * run->ngroups;
    const phase_gday *prev = day > 1 ? g - run->ngroups : NULL;
    lua_createtable(L, (int)run->ngroups, 0);
    for (uint32_t i = 0; i < run->ngroups; i++) {
        uint32_t s = run->g_school[i], f = s / NGROUPS;
        int grp = (int)(s % NGROUPS);
        lua_createtable(L, 0, 14);
        set_int(L, "day", day);
        lua_pushstring(L, p->f_id[f]); lua_setfield(L, -2, "formation_id");
        lua_pushstring(L, sim_group_name(grp)); lua_setfield(L, -2, "group");
        set_int(L, "capacity", p->f_caps[f][grp]);
        set_int(L, "n", run->g_n[i]);
        set_int(L, "rang_limite", b->f_rl ? b->f_rl[f] : 0);
        set_int(L, "offers", g[i].offers - (prev ? prev[i].offers : 0));
        set_int(L, "offers_total", g[i].offers);
        set_int(L, "holders", g[i].holders);
        set_int(L, "accepted", g[i].accepted);
        set_int(L, "accepted_definitively", g[i].definitive);
        set_int(L, "waiting", g[i].waiting);
        set_int(L, "refused", g[i].refused);
        set_int(L, "rang_dernier_appele", g[i].last);
        lua_pushboolean(L, (int64_t)g[i].accepted >= p->f_caps[f][grp]); lua_setfield(L, -2, "filled");
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

/* ph:ending() -> {formations=, seats=, accepted=, filled=, overfilled=, ...} */
static int phase_ending(lua_State *L)
{
    const phase_run *run = check_phase(L, 1)->run;
    lua_getiuservalue(L, 1, 1);
    const sim_problem *p = admit_check_problem(L, -1);
    phase_end end;
    phase_end_counts(run, p, &end);
    lua_createtable(L, 0, 8);
    set_int(L, "formations", end.formations);
    set_int(L, "seats", end.seats);
    set_int(L, "accepted", end.accepted);
    set_int(L, "filled", end.filled);
    set_int(L, "overfilled", end.overfilled);
    set_int(L, "seats_over_capacity", end.over_seats);
    set_int(L, "underfilled", end.underfilled);
    set_int(L, "without_applicants", end.no_applicant);
    return 1;
}

/* ph:states() -> per vœu (in W.csv order) its state at the end, for audits and tests */
static int phase_states(lua_State *L)
{
    const phase_run *run = check_phase(L, 1)->run;
    lua_getiuservalue(L, 1, 1);
    const sim_problem *p = admit_check_problem(L, -1);
    lua_createtable(L, (int)p->nw, 0);
    for (uint32_t w = 0; w < p->nw; w++) {
        lua_pushstring(L, phase_state_names[run->w_state[w]]);
        lua_rawseti(L, -2, (lua_Integer)w + 1);
    }
    return 1;
}

/* ph:events() -> the trace: list of {day=, candidate_id=, formation_id=, from=, to=, why=} */
static int phase_events(lua_State *L)
{
    const phase_run *run = check_phase(L, 1)->run;
    lua_getiuservalue(L, 1, 1);
    const sim_problem *p = admit_check_problem(L, -1);
    lua_createtable(L, (int)run->nevents, 0);
    for (size_t i = 0; i < run->nevents; i++) {
        const phase_event *ev = &run->events[i];
        lua_createtable(L, 0, 8);
        set_int(L, "day", ev->day);
        lua_pushstring(L, p->c_id[p->w_cand[ev->w]]); lua_setfield(L, -2, "candidate_id");
        lua_pushstring(L, p->f_id[p->w_form[ev->w]]); lua_setfield(L, -2, "formation_id");
        lua_pushstring(L, sim_group_name(run->r->w_group[ev->w])); lua_setfield(L, -2, "group");
        set_int(L, "call_position", run->r->w_callpos[ev->w]);
        lua_pushstring(L, phase_state_names[ev->from]); lua_setfield(L, -2, "from");
        lua_pushstring(L, phase_state_names[ev->to]); lua_setfield(L, -2, "to");
        lua_pushstring(L, phase_why_names[ev->why]); lua_setfield(L, -2, "why");
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

/* ph:write(dir [, {name = text, ...}]) -> true | nil, msg: every output and the caller's
 * files (report.html), atomically. */
static int phase_write(lua_State *L)
{
    phase_box *b = check_phase(L, 1);
    const char *dir = luaL_checkstring(L, 2);
    lua_settop(L, 3);
    lua_getiuservalue(L, 1, 2);                          /* 4 */
    phase_export x = { b->run, admit_check_report(L, 4), b->f_rl, b->behaviour, b->overbooking,
                       b->seed, b->trace, NULL, 0 };
    if (!lua_isnil(L, 3)) {
        luaL_checktype(L, 3, LUA_TTABLE);
        int n = 0;
        for (lua_pushnil(L); lua_next(L, 3); lua_pop(L, 1)) n++;
        export_file *files = lua_newuserdatauv(L, (size_t)(n + 1) * sizeof *files, 0);   /* 5 */
        n = 0;
        for (lua_pushnil(L); lua_next(L, 3); lua_pop(L, 1)) {
            const char *name = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
            luaL_argcheck(L, name && *name && *name != '.' && !strchr(name, '/') && lua_type(L, -1) == LUA_TSTRING,
                          3, "files: {name = text} with plain file names");
            files[n].name = name;
            files[n].text = lua_tolstring(L, -1, &files[n].len);
            n++;
        }
        x.files = files;
        x.nfiles = n;
    }
    errloc err;
    if (export_phase_dir(dir, &x, &err) != 0) return admit_pushfail(L, err.msg);
    lua_pushboolean(L, 1);
    return 1;
}

static int phase_index(lua_State *L)
{
    check_phase(L, 1);
    const char *key = luaL_checkstring(L, 2);
    if (strcmp(key, "result") == 0) { lua_getiuservalue(L, 1, 2); return 1; }
    if (strcmp(key, "days_run") == 0) { lua_pushinteger(L, check_phase(L, 1)->run->days); return 1; }
    if (strcmp(key, "behaviour") == 0) { lua_pushstring(L, check_phase(L, 1)->behaviour); return 1; }
    luaL_getmetatable(L, PHASE_MT);
    lua_getfield(L, -1, "methods");
    lua_getfield(L, -1, key);
    return 1;
}

static int phase_tostring(lua_State *L)
{
    phase_box *b = luaL_checkudata(L, 1, PHASE_MT);
    if (!b->run) { lua_pushliteral(L, "admit.phase (freed)"); return 1; }
    const phase_day *d = b->run->days ? &b->run->day[b->run->days - 1] : NULL;
    lua_pushfstring(L, "admit.phase (%d days, %s behaviour: %d candidates with an accepted offer)",
                    (int)b->run->days, b->behaviour, d ? (int)d->with_accepted : 0);
    return 1;
}

static const luaL_Reg phase_methods[] = {
    { "days", phase_days }, { "groups", phase_groups }, { "ending", phase_ending },
    { "states", phase_states }, { "events", phase_events }, { "write", phase_write },
    { NULL, NULL }
};

void phase_open(lua_State *L)
{
    luaL_newmetatable(L, PHASE_MT);
    luaL_newlib(L, phase_methods);
    lua_setfield(L, -2, "methods");
    lua_pushcfunction(L, phase_index); lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, phase_gc); lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, phase_tostring); lua_setfield(L, -2, "__tostring");
    lua_pop(L, 1);
    lua_pushcfunction(L, l_phase_run);
    lua_setfield(L, -2, "phase_run");
}
