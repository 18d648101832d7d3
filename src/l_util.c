/* l_util.c — small host services for the Lua side: install paths, limits, a generic
 * located CSV reader into Lua tables, and atomic file writes. */
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "atomic.h"
#include "csvread.h"
#include "host.h"
#include "l_admit.h"

/* ------------------------------------------------------- read_csv(path) */

typedef struct {
    lua_State *L;
    int rows;       /* stack index of the rows table */
    int header;     /* stack index of the header table */
} csv_lua_ctx;

/* Called only with enough stack: pushes plain strings, never raises (no allocation
 * failure is expected below the memory cap; see host.c). */
static int csv_to_lua(void *vctx, csv_reader *rd, const csv_row *row)
{
    csv_lua_ctx *c = vctx;
    lua_State *L = c->L;
    (void)rd;
    if (row->index == 0) {
        for (size_t i = 0; i < row->nfields; i++) {
            lua_pushlstring(L, row->field[i], row->len[i]);
            lua_rawseti(L, c->header, (lua_Integer)i + 1);
        }
        return 0;
    }
    lua_createtable(L, 0, (int)row->nfields + 1);
    for (size_t i = 0; i < row->nfields; i++) {
        lua_rawgeti(L, c->header, (lua_Integer)i + 1);
        if (lua_isnil(L, -1)) {
            lua_pop(L, 1);
            lua_pushinteger(L, (lua_Integer)i + 1);
        }
        lua_pushlstring(L, row->field[i], row->len[i]);
        lua_rawset(L, -3);
    }
    lua_pushinteger(L, (lua_Integer)row->line);
    lua_setfield(L, -2, "_line");
    lua_rawseti(L, c->rows, (lua_Integer)row->index);
    return 0;
}

/* core.read_csv(path [, {delim=, ragged=}]) -> header, rows | nil, msg.
 * rows[i] maps column names to strings; _line is the source line. */
static int l_read_csv(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    csv_opts opts = { 0 };
    if (lua_istable(L, 2)) {
        lua_getfield(L, 2, "delim");
        const char *d = lua_tostring(L, -1);
        if (d) opts.delim = d[0];
        lua_getfield(L, 2, "ragged");
        opts.allow_ragged = lua_toboolean(L, -1);
        lua_pop(L, 2);
    }
    lua_settop(L, 2);
    lua_newtable(L);  /* 3: header */
    lua_newtable(L);  /* 4: rows */
    csv_lua_ctx c = { L, 4, 3 };
    errloc err;
    if (csv_read_file(path, NULL, &opts, csv_to_lua, &c, &err) != 0)
        return admit_pushfail(L, err.msg);
    return 2;
}

/* core.write_file(path, text) -> true | nil, msg; the file appears whole or not at all. */
static int l_write_file(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    size_t len;
    const char *text = luaL_checklstring(L, 2, &len);
    atomic_file af;
    errloc err;
    if (atomic_open(&af, path, &err) != 0)
        return admit_pushfail(L, err.msg);
    fwrite(text, 1, len, af.fp);
    if (atomic_commit(&af, &err) != 0)
        return admit_pushfail(L, err.msg);
    lua_pushboolean(L, 1);
    return 1;
}

/* core.set_limits{memory = MB, instructions = N}: 0 or false removes a limit. */
static int l_set_limits(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    if (lua_getfield(L, 1, "memory") != LUA_TNIL)
        host_set_memory_limit(L, (size_t)(luaL_optnumber(L, -1, 0) * 1024 * 1024));
    if (lua_getfield(L, 1, "instructions") != LUA_TNIL)
        host_set_instruction_limit(L, (long long)luaL_optinteger(L, -1, 0));
    return 0;
}

/* core.limits() -> {memory_used=, memory=, instructions=} (bytes, bytes, count) */
static int l_limits(lua_State *L)
{
    host_ctx *ctx = host_context(L);
    lua_createtable(L, 0, 3);
    lua_pushinteger(L, (lua_Integer)ctx->mem_used);
    lua_setfield(L, -2, "memory_used");
    lua_pushinteger(L, (lua_Integer)ctx->mem_limit);
    lua_setfield(L, -2, "memory");
    lua_pushinteger(L, (lua_Integer)ctx->instr_limit);
    lua_setfield(L, -2, "instructions");
    return 1;
}

static const luaL_Reg util_funcs[] = {
    { "read_csv", l_read_csv },
    { "write_file", l_write_file },
    { "set_limits", l_set_limits },
    { "limits", l_limits },
    { NULL, NULL }
};

void util_open(lua_State *L)
{
    luaL_setfuncs(L, util_funcs, 0);
    lua_pushstring(L, host_context(L)->home);
    lua_setfield(L, -2, "home");
    lua_pushliteral(L, "0.1");
    lua_setfield(L, -2, "version");
}
