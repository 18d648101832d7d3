/* l_annex.c — the annex datasets for Lua: userdata "admit.dataset" over an annex_table
 * (rows in C, strings interned), views that share their parent's rows (the root userdata
 * is kept alive as the view's user value), and the recueil importer.
 *
 *   core.annex_load(path, kind [, display]) -> dataset | nil, "file:line:col: what"
 *   core.import_recueil(source, dir)        -> summary table | nil, "file:line:col: what"
 *   #ds, ds[i], ds.annex, ds.source, ds:rows(), ds:find{...} / ds:find(text),
 *   ds:min_rate(establishment, program [, commune]), ds:table([max_rows]), tostring(ds) */
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "annex.h"
#include "l_admit.h"
#include "recueil.h"

#define DATASET_MT "admit.dataset"
#define TOSTRING_ROWS 10
#define TOSTRING_WIDTH 48
#define TOSTRING_COLUMNS 80

typedef struct dataset {
    annex_table *tab;   /* owned by the root, borrowed by views */
    uint32_t *idx;      /* a view's rows (indexes into tab->rows); NULL for the root */
    size_t n;
    int is_root;
} dataset;

static dataset *check_dataset(lua_State *L, int arg)
{
    dataset *ds = luaL_checkudata(L, arg, DATASET_MT);
    if (!ds->tab) luaL_argerror(L, arg, "dataset already freed");
    return ds;
}

static const annex_row *ds_row(const dataset *ds, size_t i)
{
    return &ds->tab->rows[ds->idx ? ds->idx[i] : i];
}

static void push_row(lua_State *L, const dataset *ds, size_t i)
{
    const annex_row *r = ds_row(ds, i);
    lua_createtable(L, 0, 6);
    lua_pushstring(L, annex_kind_name(ds->tab->kind));
    lua_setfield(L, -2, "annex");
    lua_pushstring(L, annex_academie_name((annex_academie)r->academie));
    lua_setfield(L, -2, "academie");
    lua_pushstring(L, r->establishment);
    lua_setfield(L, -2, "establishment");
    lua_pushstring(L, r->commune);
    lua_setfield(L, -2, "commune");
    lua_pushstring(L, r->program);
    lua_setfield(L, -2, "program");
    lua_pushinteger(L, r->min_pct);
    lua_setfield(L, -2, "min_pct");
}

/* ---------------------------------------------------------- construction */

static dataset *new_dataset(lua_State *L)
{
    dataset *ds = lua_newuserdatauv(L, sizeof *ds, 1);
    memset(ds, 0, sizeof *ds);
    luaL_setmetatable(L, DATASET_MT);
    return ds;
}

static int l_annex_load(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    static const char *const kinds[] = { "techno", "pro", "boursier", NULL };
    annex_kind kind = (annex_kind)luaL_checkoption(L, 2, NULL, kinds);
    const char *display = luaL_optstring(L, 3, NULL);
    dataset *ds = new_dataset(L);   /* first, so that a memory error cannot leak the table */
    errloc err;
    annex_table *t = annex_load(path, display, kind, &err);
    if (!t) return admit_pushfail(L, err.msg);
    ds->tab = t;
    ds->n = t->n;
    ds->is_root = 1;
    return 1;
}

static int l_gc(lua_State *L)
{
    dataset *ds = luaL_checkudata(L, 1, DATASET_MT);
    if (ds->is_root) annex_free(ds->tab);
    free(ds->idx);
    ds->tab = NULL;
    ds->idx = NULL;
    ds->n = 0;
    return 0;
}

/* --------------------------------------------------------------- access */

static int l_len(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)check_dataset(L, 1)->n);
    return 1;
}

/* ds[i] -> row | nil; ds.annex, ds.source; methods through the upvalue table. */
static int l_index(lua_State *L)
{
    dataset *ds = check_dataset(L, 1);
    if (lua_isinteger(L, 2)) {
        lua_Integer i = lua_tointeger(L, 2);
        if (i < 1 || (size_t)i > ds->n) return 0;
        push_row(L, ds, (size_t)i - 1);
        return 1;
    }
    const char *key = lua_tostring(L, 2);
    if (key && strcmp(key, "annex") == 0) {
        lua_pushstring(L, annex_kind_name(ds->tab->kind));
        return 1;
    }
    if (key && strcmp(key, "source") == 0) {
        lua_pushstring(L, ds->tab->source);
        return 1;
    }
    lua_pushvalue(L, 2);
    lua_rawget(L, lua_upvalueindex(1));
    return 1;
}

static int rows_next(lua_State *L)
{
    dataset *ds = check_dataset(L, 1);
    lua_Integer i = luaL_checkinteger(L, 2) + 1;
    if (i < 1 || (size_t)i > ds->n) return 0;
    lua_pushinteger(L, i);
    push_row(L, ds, (size_t)i - 1);
    return 2;
}

/* for i, row in ds:rows() do ... end */
static int l_rows(lua_State *L)
{
    check_dataset(L, 1);
    lua_pushcfunction(L, rows_next);
    lua_pushvalue(L, 1);
    lua_pushinteger(L, 0);
    return 3;
}

/* ------------------------------------------------------------------ find */

static const char *const FILTER_KEYS[] = { "academie", "establishment", "commune", "program", NULL };

/* Folded needle of filter field `key` (NULL when absent); raises on a bad value. */
static char *filter_needle(lua_State *L, int tab, const char *key)
{
    int t = lua_getfield(L, tab, key);
    char *folded = NULL;
    if (t != LUA_TNIL) {
        if (t != LUA_TSTRING && t != LUA_TNUMBER) {
            lua_pop(L, 1);
            luaL_error(L, "find: field '%s' must be a string, got %s", key, lua_typename(L, t));
        }
        size_t len;
        const char *s = lua_tolstring(L, -1, &len);
        folded = annex_fold(s, len);
        if (!folded) {
            lua_pop(L, 1);
            luaL_error(L, "find: field '%s' is not valid UTF-8", key);
        }
    }
    lua_pop(L, 1);
    return folded;
}

static void check_filter_keys(lua_State *L, int tab)
{
    lua_pushnil(L);
    while (lua_next(L, tab)) {
        lua_pop(L, 1);
        int ok = 0;
        if (lua_type(L, -1) == LUA_TSTRING)
            for (int k = 0; FILTER_KEYS[k]; k++)
                ok |= strcmp(lua_tostring(L, -1), FILTER_KEYS[k]) == 0;
        if (!ok)
            luaL_error(L, "find: unknown field '%s' (expected academie, establishment, commune "
                       "or program)", luaL_tolstring(L, -1, NULL));
    }
}

/* ds:find{academie=, establishment=, commune=, program=} or ds:find(text) -> view.
 * The folded needles are kept as Lua strings in slots 3..7 (no C allocation is held
 * across a possible raise). */
static int l_find(lua_State *L)
{
    dataset *ds = check_dataset(L, 1);
    int by_text = lua_type(L, 2) == LUA_TSTRING;
    if (!by_text) {
        luaL_argexpected(L, lua_istable(L, 2), 2,
                         "table {academie=, establishment=, commune=, program=} or string");
        check_filter_keys(L, 2);
    }
    lua_settop(L, 7);
    for (int k = 0; k < 5; k++) {
        char *n = NULL;
        if (by_text && k == 4) {
            size_t len;
            const char *s = lua_tolstring(L, 2, &len);
            n = annex_fold(s, len);
            if (!n) return luaL_argerror(L, 2, "not valid UTF-8 text");
        } else if (!by_text && k < 4) {
            n = filter_needle(L, 2, FILTER_KEYS[k]);
        }
        if (n) {
            lua_pushstring(L, n);
            free(n);
        } else {
            lua_pushnil(L);
        }
        lua_replace(L, 3 + k);
    }
    annex_filter f = {
        .academie = lua_tostring(L, 3), .establishment = lua_tostring(L, 4),
        .commune = lua_tostring(L, 5), .program = lua_tostring(L, 6), .any = lua_tostring(L, 7),
    };
    dataset *view = new_dataset(L);
    view->tab = ds->tab;
    view->idx = malloc((ds->n ? ds->n : 1) * sizeof *view->idx);
    if (!view->idx) return luaL_error(L, "find: not enough memory");
    for (size_t i = 0; i < ds->n; i++)
        if (annex_row_matches(ds_row(ds, i), &f))
            view->idx[view->n++] = ds->idx ? ds->idx[i] : (uint32_t)i;
    /* keep the root (owner of the rows) alive as long as the view */
    if (ds->is_root) lua_pushvalue(L, 1);
    else lua_getiuservalue(L, 1, 1);
    lua_setiuservalue(L, -2, 1);
    return 1;
}

/* ------------------------------------------------------------- min_rate */

static int l_min_rate(lua_State *L)
{
    dataset *ds = check_dataset(L, 1);
    const char *est = luaL_checkstring(L, 2);
    const char *prog = luaL_checkstring(L, 3);
    const char *commune = luaL_optstring(L, 4, NULL);
    int rate;
    char *why;
    if (annex_min_rate(ds->tab, ds->idx, ds->n, est, prog, commune, &rate, &why) == 0) {
        lua_pushinteger(L, rate);
        return 1;
    }
    lua_pushnil(L);
    lua_pushstring(L, why ? why : "not enough memory");
    free(why);
    return 2;
}

/* ------------------------------------------------------------ rendering */

static int push_format(lua_State *L, const dataset *ds, size_t max_rows, size_t width)
{
    char *s = annex_format(ds->tab, ds->idx, ds->n, max_rows, width);
    if (!s) return luaL_error(L, "not enough memory");
    lua_pushstring(L, s);
    free(s);
    return 1;
}

/* tostring(ds): the first rows, in a terminal's 80 columns (texts cut with "…"). */
static int l_tostring(lua_State *L)
{
    dataset *ds = check_dataset(L, 1);
    size_t fit = annex_fit_width(ds->tab, ds->idx, ds->n, TOSTRING_ROWS, TOSTRING_COLUMNS);
    return push_format(L, ds, TOSTRING_ROWS, fit && fit < TOSTRING_WIDTH ? fit : TOSTRING_WIDTH);
}

/* ds:table([max_rows [, width]]) -> every row (or the first max_rows); labels never cut,
 * or with width the texts cut with "…" so that each line fits in width columns. */
static int l_table(lua_State *L)
{
    dataset *ds = check_dataset(L, 1);
    lua_Integer max = luaL_optinteger(L, 2, 0);
    luaL_argcheck(L, max >= 0, 2, "expected a count of rows (0 = all)");
    lua_Integer width = luaL_optinteger(L, 3, 0);
    luaL_argcheck(L, width >= 0, 3, "expected a width in columns (0 = no limit)");
    size_t cut = width ? annex_fit_width(ds->tab, ds->idx, ds->n, (size_t)max, (size_t)width) : 0;
    return push_format(L, ds, (size_t)max, cut);
}

/* For the REPL's Tab completion (admit.repl.complete reads __fields). */
static int l_fields(lua_State *L)
{
    static const char *const names[] = { "annex", "find", "min_rate", "rows", "source", "table", NULL };
    lua_createtable(L, 6, 0);
    for (int i = 0; names[i]; i++) {
        lua_pushstring(L, names[i]);
        lua_rawseti(L, -2, i + 1);
    }
    return 1;
}

/* ----------------------------------------------------------- the import */

static void push_summary(lua_State *L, const recueil *rc)
{
    lua_createtable(L, 0, 4);
    lua_createtable(L, 0, ANNEX_NKINDS);   /* rows[kind][academie] */
    for (int k = 0; k < ANNEX_NKINDS; k++) {
        lua_createtable(L, 0, ACAD_N);
        for (size_t i = 0; i < rc->ndecrees; i++)
            if (rc->decrees[i].kind == k)
                for (int a = 0; a < ACAD_N; a++) {
                    lua_pushinteger(L, (lua_Integer)rc->decrees[i].rows[a]);
                    lua_setfield(L, -2, annex_academie_name((annex_academie)a));
                }
        lua_setfield(L, -2, annex_kind_name((annex_kind)k));
    }
    lua_setfield(L, -2, "rows");
    lua_pushinteger(L, (lua_Integer)rc->nrows);
    lua_setfield(L, -2, "total");
    lua_createtable(L, (int)rc->ndecrees, 0);
    for (size_t i = 0; i < rc->ndecrees; i++) {
        const recueil_decree *d = &rc->decrees[i];
        lua_createtable(L, 0, 4);
        lua_pushstring(L, d->number);
        lua_setfield(L, -2, "number");
        lua_pushstring(L, d->date_iso);
        lua_setfield(L, -2, "date");
        lua_pushstring(L, annex_kind_name((annex_kind)d->kind));
        lua_setfield(L, -2, "annex");
        lua_pushinteger(L, (lua_Integer)d->line);
        lua_setfield(L, -2, "line");
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "decrees");
    lua_createtable(L, (int)rc->nanomalies, 0);
    for (size_t i = 0; i < rc->nanomalies; i++) {
        const recueil_anomaly *a = &rc->anomalies[i];
        const recueil_row *r = &rc->rows[a->row];
        lua_createtable(L, 0, 5);
        lua_pushstring(L, recueil_anomaly_name(a->kind));
        lua_setfield(L, -2, "anomaly");
        lua_pushstring(L, annex_kind_name(r->kind));
        lua_setfield(L, -2, "annex");
        lua_pushinteger(L, (lua_Integer)r->line);
        lua_setfield(L, -2, "line");
        lua_pushstring(L, r->program);
        lua_setfield(L, -2, "program");
        lua_pushstring(L, a->detail);
        lua_setfield(L, -2, "detail");
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "anomalies");
}

/* core.import_recueil(source, dir) -> summary | nil, msg. The recueil lives in a
 * userdata box while Lua tables are built, so a memory error cannot leak it. */
static int recueil_box_gc(lua_State *L)
{
    recueil_free(lua_touserdata(L, 1));
    return 0;
}

static int l_import_recueil(lua_State *L)
{
    const char *src = luaL_checkstring(L, 1);
    const char *dir = luaL_checkstring(L, 2);
    recueil *rc = lua_newuserdatauv(L, sizeof *rc, 0);
    memset(rc, 0, sizeof *rc);
    lua_createtable(L, 0, 1);
    lua_pushcfunction(L, recueil_box_gc);
    lua_setfield(L, -2, "__gc");
    lua_setmetatable(L, -2);
    errloc err;
    if (recueil_import(rc, src, dir, &err) != 0) {
        recueil_free(rc);
        return admit_pushfail(L, err.msg);
    }
    push_summary(L, rc);
    recueil_free(rc);
    return 1;
}

/* ----------------------------------------------------------------- open */

/* core.annex_entry(fn) -> a C function that calls fn with its arguments. admit.annexes is
 * such an entry: a tail call to a C function keeps the caller's frame on the stack, so
 * the Lua side can always see whether a sandboxed policy is calling it. */
static int entry_trampoline(lua_State *L)
{
    int n = lua_gettop(L);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, n, LUA_MULTRET);
    return lua_gettop(L);
}

static int l_annex_entry(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TFUNCTION);
    lua_settop(L, 1);
    lua_pushcclosure(L, entry_trampoline, 1);
    return 1;
}

static const luaL_Reg dataset_methods[] = {
    { "rows", l_rows },
    { "find", l_find },
    { "min_rate", l_min_rate },
    { "table", l_table },
    { NULL, NULL }
};

static const luaL_Reg annex_funcs[] = {
    { "annex_load", l_annex_load },
    { "import_recueil", l_import_recueil },
    { "annex_entry", l_annex_entry },
    { NULL, NULL }
};

void annex_open(lua_State *L)
{
    luaL_newmetatable(L, DATASET_MT);
    luaL_newlib(L, dataset_methods);
    lua_pushcclosure(L, l_index, 1);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, l_len);
    lua_setfield(L, -2, "__len");
    lua_pushcfunction(L, l_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, l_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pushcfunction(L, l_fields);
    lua_setfield(L, -2, "__fields");
    lua_pop(L, 1);
    luaL_setfuncs(L, annex_funcs, 0);
    lua_createtable(L, 0, ANNEX_NKINDS);   /* core.annex_files: kind -> file name */
    for (int k = 0; k < ANNEX_NKINDS; k++) {
        lua_pushstring(L, annex_kind_file((annex_kind)k));
        lua_setfield(L, -2, annex_kind_name((annex_kind)k));
    }
    lua_setfield(L, -2, "annex_files");
}
