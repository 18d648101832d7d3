/* l_inputs.c — input options of the Lua loaders, and admit.suggest (see l_inputs.h). */
#include "l_inputs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lauxlib.h>

#include "l_admit.h"
#include "suggest.h"

static const char *const input_keys[] = { "columns", "academie", "explain", "verbose", NULL };

/* An unknown option key: an error naming it, with the closest known one. */
static void unknown_key(lua_State *L, const char *fn, const char *key, const char *const *known)
{
    const char *names[64];
    size_t n = 0;
    for (size_t i = 0; input_keys[i] && n < 64; i++) names[n++] = input_keys[i];
    for (size_t i = 0; known && known[i] && n < 64; i++) names[n++] = known[i];
    const char *near = suggest_closest(key, names, n);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (size_t i = 0; i < n; i++) {
        if (i) luaL_addstring(&b, ", ");
        luaL_addstring(&b, names[i]);
    }
    luaL_pushresult(&b);
    if (near)
        luaL_error(L, "%s: unknown option '%s' (did you mean '%s'?); options: %s", fn, key, near,
                   lua_tostring(L, -1));
    luaL_error(L, "%s: unknown option '%s'; options: %s", fn, key, lua_tostring(L, -1));
}

static int key_less(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* {id = "Numéro", rank = "Classement"} → "id=Numéro,rank=Classement" (keys sorted). */
static void push_columns(lua_State *L, int t, const char *fn)
{
    if (lua_type(L, t) == LUA_TSTRING) { lua_pushvalue(L, t); return; }
    if (lua_type(L, t) != LUA_TTABLE)
        luaL_error(L, "%s: columns must be a table {field = \"Header\", ...}, got %s", fn, luaL_typename(L, t));
    const char *keys[64];
    size_t n = 0;
    lua_pushnil(L);
    while (lua_next(L, t)) {
        if (lua_type(L, -2) != LUA_TSTRING || lua_type(L, -1) != LUA_TSTRING)
            luaL_error(L, "%s: columns: each entry is field = \"Header\" (two strings)", fn);
        if (n == 64) luaL_error(L, "%s: columns: too many entries", fn);
        keys[n++] = lua_tostring(L, -2);
        lua_pop(L, 1);
    }
    qsort(keys, n, sizeof *keys, key_less);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (size_t i = 0; i < n; i++) {
        lua_getfield(L, t, keys[i]);
        const char *h = lua_tostring(L, -1);
        lua_pop(L, 1);   /* h stays alive in the table; the buffer wants the stack as it left it */
        if (i) luaL_addchar(&b, ',');
        luaL_addstring(&b, keys[i]);
        luaL_addchar(&b, '=');
        if (strchr(h, ',') || strchr(h, '"')) {   /* quoted as --columns takes it: "Rang, classement" */
            luaL_addchar(&b, '"');
            for (const char *c = h; *c; c++) {
                if (*c == '"') luaL_addchar(&b, '"');
                luaL_addchar(&b, *c);
            }
            luaL_addchar(&b, '"');
        } else {
            luaL_addstring(&b, h);
        }
    }
    luaL_pushresult(&b);
}

void l_input_opts(lua_State *L, int idx, const char *fn, input_opts *o, explain *ex,
                  const char *const *known)
{
    memset(o, 0, sizeof *o);
    o->notes = ex;   /* notes are said whether or not the explanation is asked */
    idx = lua_absindex(L, idx);
    if (lua_isnoneornil(L, idx)) { lua_pushnil(L); return; }
    if (lua_type(L, idx) != LUA_TTABLE)
        luaL_error(L, "%s: options must be a table, got %s", fn, luaL_typename(L, idx));
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) != LUA_TSTRING) luaL_error(L, "%s: option names are strings", fn);
        const char *k = lua_tostring(L, -1);
        int ok = 0;
        for (size_t i = 0; input_keys[i]; i++) ok |= strcmp(k, input_keys[i]) == 0;
        for (size_t i = 0; known && known[i]; i++) ok |= strcmp(k, known[i]) == 0;
        if (!ok) unknown_key(L, fn, k, known);
    }
    lua_getfield(L, idx, "academie");
    if (!lua_isnil(L, -1)) {
        if (lua_type(L, -1) != LUA_TSTRING) luaL_error(L, "%s: academie must be a string", fn);
        o->academie = lua_tostring(L, -1);   /* alive: the options table holds it */
    }
    lua_pop(L, 1);
    lua_getfield(L, idx, "explain");
    if (lua_toboolean(L, -1)) o->explain = ex;
    lua_pop(L, 1);
    lua_getfield(L, idx, "keep_columns");
    o->keep_columns = lua_toboolean(L, -1);
    lua_pop(L, 1);
    lua_getfield(L, idx, "verbose");   /* -v: one line per file */
    if (lua_toboolean(L, -1) && !o->explain) { o->explain = ex; o->brief = 1; }
    lua_pop(L, 1);
    lua_getfield(L, idx, "columns");
    if (lua_isnil(L, -1)) return;        /* leaves the nil */
    int t = lua_gettop(L);
    push_columns(L, t, fn);
    lua_remove(L, t);
    o->columns = lua_tostring(L, -1);
}

void l_input_explained(lua_State *L, int idx, explain *ex)
{
    idx = lua_absindex(L, idx);
    if (!ex->text) return;
    if (lua_type(L, idx) != LUA_TTABLE) {
        fputs(ex->text, stderr);
        explain_free(ex);
        return;
    }
    lua_getfield(L, idx, "explain");
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        lua_getfield(L, idx, "verbose");
    }
    if (lua_isfunction(L, -1)) {
        lua_pushlstring(L, ex->text, ex->len);
        explain_free(ex);
        lua_call(L, 1, 0);
        return;
    }
    lua_pop(L, 1);
    fputs(ex->text, stderr);
    explain_free(ex);
}

/* admit.suggest(word, list) -> the closest name of list, or nil. */
static int l_suggest(lua_State *L)
{
    const char *word = luaL_checkstring(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    lua_Integer n = luaL_len(L, 2);
    if (n > 4096) n = 4096;
    const char **names = lua_newuserdatauv(L, (size_t)(n ? n : 1) * sizeof *names, 0);
    for (lua_Integer i = 1; i <= n; i++) {
        lua_geti(L, 2, i);
        names[i - 1] = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "";
        lua_pop(L, 1);   /* the strings stay alive in the list */
    }
    const char *near = suggest_closest(word, names, (size_t)n);
    if (near) lua_pushstring(L, near);
    else lua_pushnil(L);
    return 1;
}

/* admit.names_column(header, field [, columns [, kind]]) -> true when the header text names
 * field (its own name or one of its aliases, as the loaders read it; or the header the
 * mapping `columns` gives field of a `kind` file): for Lua code that reads a file's other
 * columns beside a loader (admit.phase's overbooking, rang_limite). */
static int l_names_column(lua_State *L)
{
    size_t len;
    const char *header = luaL_checklstring(L, 1, &len);
    const char *field = luaL_checkstring(L, 2);
    const char *kind = luaL_optstring(L, 4, "");
    if (!lua_isnoneornil(L, 3)) {   /* a mapping {columns = ...} chooses the header itself */
        push_columns(L, 3, "admit.names_column");
        char mapped[512];
        if (colmap_mapped(lua_tostring(L, -1), kind, field, mapped, sizeof mapped)) {
            lua_pushboolean(L, colmap_same_name(header, len, mapped, strlen(mapped)));
            return 1;
        }
    }
    lua_pushboolean(L, colmap_is_field(header, len, field));
    return 1;
}

void inputs_open(lua_State *L)
{
    lua_pushcfunction(L, l_names_column);
    lua_setfield(L, -2, "names_column");
    lua_pushcfunction(L, l_suggest);
    lua_setfield(L, -2, "suggest");
}
