/* i18n.c — translation of the host's messages through admit.i18n (already in
 * package.loaded: main.c requires it first). The call runs with the instruction budget's
 * hook off, no instruction budget and no memory cap (all put back after), so that a
 * message reporting a stop or an exhausted memory is translated too; it only ever runs
 * admit's own catalogue code, bounded by the size of the message. */
#include "i18n.h"

#include <lauxlib.h>

#include "host.h"

const char *i18n_push(lua_State *L, const char *msg)
{
    int top = lua_gettop(L);
    if (!lua_checkstack(L, 4))
        return msg;
    lua_getfield(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
    lua_getfield(L, -1, "admit.i18n");
    if (!lua_istable(L, -1) || lua_getfield(L, -1, "tr") != LUA_TFUNCTION) {
        lua_settop(L, top);
        lua_pushstring(L, msg);
        return lua_tostring(L, -1);
    }
    host_ctx *ctx = host_context(L);
    size_t mem_limit = ctx->mem_limit;
    long long instr_limit = ctx->instr_limit;
    int instr_tripped = ctx->instr_tripped;
    lua_Hook hook = lua_gethook(L);
    int mask = lua_gethookmask(L), count = lua_gethookcount(L);
    ctx->mem_limit = 0;
    ctx->instr_limit = 0;   /* no budget: the guards of a limited run stay out of the way */
    ctx->instr_tripped = 0;
    lua_sethook(L, NULL, 0, 0);
    lua_pushstring(L, msg);
    int ok = lua_pcall(L, 1, 1, 0) == LUA_OK && lua_type(L, -1) == LUA_TSTRING;
    lua_sethook(L, hook, mask, count);
    ctx->mem_limit = mem_limit;
    ctx->instr_limit = instr_limit;
    ctx->instr_tripped = instr_tripped;
    if (!ok) {
        lua_settop(L, top);
        lua_pushstring(L, msg);
        return lua_tostring(L, -1);
    }
    lua_replace(L, top + 1);
    lua_settop(L, top + 1);
    return lua_tostring(L, -1);
}

void i18n_fputs(lua_State *L, const char *text, FILE *fp)
{
    fputs(i18n_push(L, text), fp);
    lua_pop(L, 1);
}
