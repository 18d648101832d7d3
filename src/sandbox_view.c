/* sandbox_view.c — the sandbox's view of admit's C objects (call orders, datasets,
 * candidates, rankings, problems, simulations).
 *
 * A sandboxed script never holds one of admit's userdata itself: it holds a small proxy
 * whose only methods are the allowed ones of its class (below), each calling the real
 * method on the real object and giving back proxies in turn (a field that is a table, such
 * as a simulation's cached summary, comes as a read-only view). So the trusted method tables
 * (with write and the like) and the real metatables (__gc, __close) are out of reach, and
 * an object the host shares with the script (the embedded annex datasets) is never changed
 * by it: the proxy, not the object, is what the script sees.
 *
 * A class missing from the list gives an opaque proxy (tostring and # only): a new type
 * or method is unreachable from the sandbox until it is added here and in SCRIPTING.md §6
 * (tests/12-sandbox-surface_spec.lua checks the two agree). */
#include <ctype.h>
#include <string.h>

#include <lauxlib.h>

#include "sandbox_view.h"

#define VIEW_MT "admit.sandbox_view"
#define VIEW_CACHE_KEY "admit.sandbox_view.cache"     /* object -> proxy, weak keys */
#define VIEW_METHODS_KEY "admit.sandbox_view.methods" /* class -> {name -> wrapped method} */
#define VIEW_VIEWER_KEY "admit.sandbox_view.viewer"   /* table -> its read-only view */

typedef struct confined_class {
    const char *name;             /* the trusted metatable's registry name */
    const char *const *methods;   /* what the sandbox may call, NULL-ended */
} confined_class;

/* No method that writes a file, mutates a shared object or reads a path. */
static const char *const callorder_methods[] = { "rows", "ids", NULL };
static const char *const dataset_methods[] = { "rows", "find", "min_rate", "table", NULL };
static const char *const candidates_methods[] = { "rows", "column", "columns", "filter",
                                                  "find", "rank", NULL };
static const char *const ranking_methods[] = { "rows", "ids", "filter", "bac", "candidates", NULL };
static const char *const problem_methods[] = { "formation", "applicants", NULL };
static const char *const simulation_methods[] = { "assignments", "formations", "groups", "wishes", NULL };

static const confined_class confined_classes[] = {
    { "admit.callorder", callorder_methods },
    { "admit.dataset", dataset_methods },
    { "admit.candidates", candidates_methods },
    { "admit.ranking", ranking_methods },
    { "admit.problem", problem_methods },
    { "admit.simulation", simulation_methods },
};

/* The real object behind the proxy at idx, or nothing (returns 0) if idx is no proxy. */
static int push_original(lua_State *L, int idx)
{
    if (!luaL_testudata(L, idx, VIEW_MT))
        return 0;
    lua_getiuservalue(L, idx, 1);
    return 1;
}

/* The confined class of the object on top (its metatable's __name), or NULL. */
static const confined_class *class_of_top(lua_State *L)
{
    if (!lua_getmetatable(L, -1))
        return NULL;
    const confined_class *found = NULL;
    if (lua_getfield(L, -1, "__name") == LUA_TSTRING) {
        const char *name = lua_tostring(L, -1);
        for (size_t i = 0; i < sizeof confined_classes / sizeof *confined_classes; i++)
            if (strcmp(confined_classes[i].name, name) == 0)
                found = &confined_classes[i];
    }
    lua_pop(L, 2);
    return found;
}

static int allowed(const confined_class *cls, const char *key)
{
    for (const char *const *m = cls ? cls->methods : NULL; m && *m; m++)
        if (strcmp(*m, key) == 0)
            return 1;
    return 0;
}

/* Replaces the value at idx (a userdata that is not a proxy) by its proxy, one per object. */
static void confine_at(lua_State *L, int idx)
{
    idx = lua_absindex(L, idx);
    if (lua_type(L, idx) != LUA_TUSERDATA || luaL_testudata(L, idx, VIEW_MT))
        return;
    lua_getfield(L, LUA_REGISTRYINDEX, VIEW_CACHE_KEY);
    lua_pushvalue(L, idx);
    if (lua_rawget(L, -2) == LUA_TUSERDATA) {
        lua_replace(L, idx);
        lua_pop(L, 1);
        return;
    }
    lua_pop(L, 1);
    lua_newuserdatauv(L, 1, 1);
    lua_pushvalue(L, idx);
    lua_setiuservalue(L, -2, 1);
    luaL_setmetatable(L, VIEW_MT);
    lua_pushvalue(L, idx);
    lua_pushvalue(L, -2);
    lua_rawset(L, -4);                       /* cache[object] = proxy */
    lua_replace(L, idx);
    lua_pop(L, 1);
}

/* Arguments from..top that are proxies become their objects again, for a function or
 * method the sandbox may call (one that only reads them: admit.call_order(ranking)). */
static void unwrap_args(lua_State *L, int from)
{
    for (int i = from; i <= lua_gettop(L); i++)
        if (push_original(L, i))
            lua_replace(L, i);
}

/* A method of the sandbox's view: upvalue 1 is the real method. Self is a proxy. */
static int confined_method(lua_State *L)
{
    if (!push_original(L, 1))
        return luaL_error(L, "a method of an admit object called on something else");
    lua_replace(L, 1);
    unwrap_args(L, 2);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    int n = lua_gettop(L);
    for (int i = 1; i <= n; i++)
        confine_at(L, i);
    return n;
}

/* Pushes the sandbox's method `key` of the object on top (cached per class and name). */
static void push_method(lua_State *L, const confined_class *cls, int key)
{
    lua_getfield(L, LUA_REGISTRYINDEX, VIEW_METHODS_KEY);
    if (lua_getfield(L, -1, cls->name) != LUA_TTABLE) {
        lua_pop(L, 1);
        lua_newtable(L);
        lua_pushvalue(L, -1);
        lua_setfield(L, -3, cls->name);
    }
    lua_pushvalue(L, key);
    if (lua_rawget(L, -2) == LUA_TFUNCTION) {
        lua_replace(L, -3);
        lua_pop(L, 1);
        return;
    }
    lua_pop(L, 1);
    lua_pushvalue(L, -3);                    /* the real object */
    lua_pushvalue(L, key);
    lua_gettable(L, -2);                     /* its trusted method */
    lua_remove(L, -2);
    lua_pushcclosure(L, confined_method, 1);
    lua_pushvalue(L, key);
    lua_pushvalue(L, -2);
    lua_rawset(L, -4);
    lua_replace(L, -3);
    lua_pop(L, 1);
}

/* proxy[key]: an allowed method, or a field of the object (rows by number, values such as
 * min_boursiers); any other function the object has is absent. */
static int view_index(lua_State *L)
{
    push_original(L, 1);                     /* proxy, key, object */
    const confined_class *cls = class_of_top(L);
    if (!cls)
        return 0;
    if (lua_type(L, 2) == LUA_TSTRING && allowed(cls, lua_tostring(L, 2))) {
        push_method(L, cls, 2);
        return 1;
    }
    lua_pushvalue(L, 2);
    lua_gettable(L, 3);
    if (lua_type(L, -1) == LUA_TFUNCTION || lua_type(L, -1) == LUA_TTHREAD)
        return 0;
    if (lua_type(L, -1) == LUA_TTABLE) {     /* a field may be the object's own (r.summary) */
        if (lua_getfield(L, LUA_REGISTRYINDEX, VIEW_VIEWER_KEY) != LUA_TFUNCTION)
            return 0;
        lua_insert(L, -2);
        lua_call(L, 1, 1);
        return 1;
    }
    confine_at(L, -1);
    return 1;
}

static int view_len(lua_State *L)
{
    push_original(L, 1);
    if (!class_of_top(L))
        return 0;
    lua_len(L, -1);
    return 1;
}

static int view_tostring(lua_State *L)
{
    push_original(L, 1);
    luaL_tolstring(L, -1, NULL);
    return 1;
}

/* __fields (REPL completion): the allowed methods. */
static int view_fields(lua_State *L)
{
    push_original(L, 1);
    const confined_class *cls = class_of_top(L);
    lua_newtable(L);
    for (int i = 0; cls && cls->methods[i]; i++) {
        lua_pushstring(L, cls->methods[i]);
        lua_rawseti(L, -2, i + 1);
    }
    return 1;
}

/* _sandbox.confine(...) -> the same values, every admit object among them as its proxy. */
static int l_confine(lua_State *L)
{
    int n = lua_gettop(L);
    for (int i = 1; i <= n; i++)
        confine_at(L, i);
    return n;
}

/* A function whose results are confined (and proxies given to it unwrapped): upvalue 1
 * is the function. */
static int confining_call(lua_State *L)
{
    unwrap_args(L, 1);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    return l_confine(L);
}

/* _sandbox.confining(fn) -> a function calling fn and confining its results. */
static int l_confining(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TFUNCTION);
    lua_settop(L, 1);
    lua_pushcclosure(L, confining_call, 1);
    return 1;
}

/* True when msg starts with a position, "file:line: ", on its first line. */
static int has_position(const char *msg)
{
    for (const char *p = msg; *p && *p != '\n'; p++) {
        if (*p != ':' || !isdigit((unsigned char)p[1]))
            continue;
        const char *q = p + 1;
        while (isdigit((unsigned char)*q))
            q++;
        if (q[0] == ':' && q[1] == ' ')
            return 1;
    }
    return 0;
}

/* A constructor of the sandbox (admit.policy): upvalue 1 the constructor, upvalue 2 a
 * function preparing its first argument (the spec). Its results are confined; a message
 * without a position gets the script's line. In C because no Lua code may run between
 * the constructor's error and raising it again: after a stop (a spec's __pairs that loops)
 * every Lua instruction raises a new stop, which would name admit's line, not the policy's. */
static int constructor_call(lua_State *L)
{
    if (lua_gettop(L) == 0)
        lua_pushnil(L);
    lua_pushvalue(L, lua_upvalueindex(2));
    lua_pushvalue(L, 1);
    lua_call(L, 1, 1);
    lua_replace(L, 1);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    if (lua_pcall(L, lua_gettop(L) - 1, LUA_MULTRET, 0) != LUA_OK) {
        if (lua_type(L, -1) == LUA_TSTRING && !has_position(lua_tostring(L, -1))) {
            luaL_where(L, 1);
            lua_insert(L, -2);
            lua_concat(L, 2);
        }
        return lua_error(L);
    }
    return l_confine(L);
}

/* _sandbox.constructor(fn, prepare) -> the sandbox's fn: fn(prepare(spec), ...). */
static int l_constructor(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TFUNCTION);
    luaL_checktype(L, 2, LUA_TFUNCTION);
    lua_settop(L, 2);
    lua_pushcclosure(L, constructor_call, 2);
    return 1;
}

/* _sandbox.set_viewer(fn): fn(t) gives the read-only view of a table that is a field of an
 * object (sandbox.lua's views; a table of the object itself must not be writable). */
static int l_set_viewer(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TFUNCTION);
    lua_settop(L, 1);
    lua_setfield(L, LUA_REGISTRYINDEX, VIEW_VIEWER_KEY);
    return 0;
}

/* _sandbox.confined_classes() -> {class name -> {method, ...}} (for the docs' spec). */
static int l_confined_classes(lua_State *L)
{
    size_t n = sizeof confined_classes / sizeof *confined_classes;
    lua_createtable(L, 0, (int)n);
    for (size_t i = 0; i < n; i++) {
        lua_newtable(L);
        for (int m = 0; confined_classes[i].methods[m]; m++) {
            lua_pushstring(L, confined_classes[i].methods[m]);
            lua_rawseti(L, -2, m + 1);
        }
        lua_setfield(L, -2, confined_classes[i].name);
    }
    return 1;
}

static const luaL_Reg view_meta[] = {
    { "__index", view_index },
    { "__len", view_len },
    { "__tostring", view_tostring },
    { "__fields", view_fields },
    { NULL, NULL }
};

static const luaL_Reg view_funcs[] = {
    { "confine", l_confine },
    { "confining", l_confining },
    { "constructor", l_constructor },
    { "set_viewer", l_set_viewer },
    { "confined_classes", l_confined_classes },
    { NULL, NULL }
};

/* Adds confine, confining, constructor and confined_classes to the _sandbox table on top. */
void sandbox_view_open(lua_State *L)
{
    luaL_newmetatable(L, VIEW_MT);
    luaL_setfuncs(L, view_meta, 0);
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 1);
    lua_newtable(L);
    lua_createtable(L, 0, 1);
    lua_pushliteral(L, "k");
    lua_setfield(L, -2, "__mode");
    lua_setmetatable(L, -2);
    lua_setfield(L, LUA_REGISTRYINDEX, VIEW_CACHE_KEY);
    lua_newtable(L);
    lua_setfield(L, LUA_REGISTRYINDEX, VIEW_METHODS_KEY);
    luaL_setfuncs(L, view_funcs, 0);
}
