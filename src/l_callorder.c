/* l_callorder.c — the ordre d'appel for Lua: core.callorder_cli (the whole `admit
 * callorder` command in C), admit.call_order (on a ranking or a plain list) with its
 * C-backed result "admit.callorder", and admit.groups_split. */
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "callorder.h"
#include "callorder_cli.h"
#include "errloc.h"
#include "groups.h"
#include "l_admit.h"


/* core.callorder_cli(path, rate_boursier, rate_resident, allow_ties) -> true | nil, msg.
 * Writes `id,call_rank` to stdout only on success. */
static int l_callorder_cli(lua_State *L)
{
    const char *path = luaL_optstring(L, 1, "-");
    int qb = (int)luaL_checkinteger(L, 2);
    int qr = (int)luaL_checkinteger(L, 3);
    int ties = lua_toboolean(L, 4);
    errloc err;
    if (callorder_cli_run(path, qb, qr, ties, stdout, &err) != 0)
        return admit_pushfail(L, err.msg);
    lua_pushboolean(L, 1);
    return 1;
}

static const luaL_Reg callorder_funcs[] = {
    { "callorder_cli", l_callorder_cli },
    { NULL, NULL }
};

void callorder_open(lua_State *L)
{
    luaL_setfuncs(L, callorder_funcs, 0);
}
