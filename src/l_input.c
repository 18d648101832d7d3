/* l_input.c — the input bound and bounded reading for the Lua side (input.h):
 * admit.read_input(path) and admit.max_input([size]). Not in the sandbox (it reads files). */
#include <stdint.h>
#include <stdlib.h>

#include <lauxlib.h>

#include "input.h"
#include "l_admit.h"

#define INPUT_BOX "admit.input_box"

/* The text read is owned by a box until it is a Lua string: pushing it may raise (the
 * memory cap), and the box's __gc then frees it. */
static int box_gc(lua_State *L)
{
    char **box = luaL_checkudata(L, 1, INPUT_BOX);
    free(*box);
    *box = NULL;
    return 0;
}

/* core.read_input([path]) -> text | nil, msg: the whole file (nil or "-": stdin), read
 * once, within the bound. */
static int l_read_input(lua_State *L)
{
    const char *path = luaL_optstring(L, 1, NULL);
    char **box = lua_newuserdatauv(L, sizeof *box, 0);
    *box = NULL;
    luaL_setmetatable(L, INPUT_BOX);
    size_t len;
    errloc err;
    *box = input_read(path, NULL, &len, &err);
    if (!*box) return admit_pushfail(L, err.msg);
    lua_pushlstring(L, *box, len);
    free(*box);
    *box = NULL;
    return 1;
}

/* core.max_input([size]) -> bytes | nil, msg: the bound on an input, after setting it
 * when size is given (bytes, or a text such as "10M"). */
static int l_max_input(lua_State *L)
{
    if (!lua_isnoneornil(L, 1)) {
        uint64_t bytes = 0;
        int ok;
        lua_Integer n = lua_tointegerx(L, 1, &ok);
        if (ok && lua_type(L, 1) == LUA_TNUMBER) ok = n > 0, bytes = (uint64_t)n;
        else ok = lua_type(L, 1) == LUA_TSTRING && input_parse_size(lua_tostring(L, 1), &bytes) == 0;
        if (!ok) {
            const char *given = luaL_tolstring(L, 1, NULL);
            lua_pushnil(L);
            lua_pushfstring(L, "--max-input: '%s' is not a size (a positive whole number of "
                            "bytes, or with K, M, G or T)", given);
            return 2;
        }
        input_set_max(bytes);
    }
    lua_pushinteger(L, (lua_Integer)(input_max() > INT64_MAX ? INT64_MAX : input_max()));
    return 1;
}

static const luaL_Reg input_funcs[] = {
    { "read_input", l_read_input },
    { "max_input", l_max_input },
    { NULL, NULL }
};

void input_open(lua_State *L)
{
    if (luaL_newmetatable(L, INPUT_BOX)) {
        lua_pushcfunction(L, box_gc);
        lua_setfield(L, -2, "__gc");
        lua_pushliteral(L, "input buffer");
        lua_setfield(L, -2, "__metatable");
    }
    lua_pop(L, 1);
    luaL_setfuncs(L, input_funcs, 0);
}
