/* l_admit.c — luaopen_admit_core: the table of C primitives behind require "admit".
 * Each area of the core registers itself from its own file. */
#include <lauxlib.h>

#include "l_admit.h"
#include "l_inputs.h"

int luaopen_admit_core(lua_State *L);

int admit_pushfail(lua_State *L, const char *msg)
{
    lua_pushnil(L);
    lua_pushstring(L, msg);
    return 2;
}

int luaopen_admit_core(lua_State *L)
{
    lua_newtable(L);
    util_open(L);
    text_open(L);
    candidates_open(L);
    callorder_open(L);
    annex_open(L);
    simulate_open(L);
    phase_open(L);
    sandbox_open(L);
    digest_open(L);
    xlsx_open(L);
    input_open(L);
    inputs_open(L);
    return 1;
}
