/* sandbox.c — the parts of the sandbox that must be C: running a function under limits
 * and putting the previous limits back whatever happens, an xpcall whose message handler
 * cannot outlive a stop, and the standard functions whose loops run in C (where no
 * instruction hook fires) made to respect the instruction budget.
 *
 * The environment itself (allow-list, read-only views, strict globals) is built in Lua,
 * lua/admit/api/sandbox.lua: without the debug library a script cannot reach a closure's
 * upvalues nor a protected metatable, so Lua code is as sound a boundary there, and much
 * easier to read and review. What Lua cannot do is below:
 *   - restoring limits without allocating (a memory error must not skip the restore);
 *   - refusing a yield across the limited call (lua_pcall without continuation);
 *   - turning any error object into plain data while the limits still hold (a __tostring
 *     or __index of a script must never run after them, from the host's handler);
 *   - an xpcall handler must not run script code from inside the budget hook, where Lua
 *     disables hooks: it would run unbounded. */
#include <math.h>
#include <string.h>

#include <lauxlib.h>

#include "charge.h"
#include "cpulimit.h"
#include "cstack.h"
#include "host.h"
#include "l_admit.h"
#include "sandbox_view.h"

/* ------------------------------------------------------------ run(fn, limits, ...) */

typedef struct saved_limits {
    long long instr_limit, instr_stated;
    size_t mem_limit;
    cpulimit_saved cpu;
} saved_limits;

#define ERROR_CLASS_KEY "admit.sandbox.error_class"

/* Message handler of run: keeps strings, rebuilds an admit.fail error ({message=, exit=})
 * as a fresh table read with raw accesses, and replaces anything else by a description,
 * so that no metamethod of the script can run later, outside its limits. */
static int sanitize_error(lua_State *L)
{
    int t = lua_type(L, 1);
    if (t == LUA_TSTRING)
        return 1;
    if (t == LUA_TNUMBER) {
        lua_pushstring(L, lua_tostring(L, 1));
        return 1;
    }
    if (t == LUA_TTABLE) {
        lua_pushliteral(L, "message");
        if (lua_rawget(L, 1) == LUA_TSTRING) {       /* e, msg */
            lua_createtable(L, 0, 2);
            lua_insert(L, 2);                          /* e, new, msg */
            lua_setfield(L, 2, "message");
            /* an exit status of 1..125 only: a policy must not make a failed run exit 0 */
            lua_pushliteral(L, "exit");
            lua_Integer code = lua_rawget(L, 1) == LUA_TNUMBER && lua_isinteger(L, -1)
                             ? lua_tointeger(L, -1) : EXIT_INPUT;
            lua_pop(L, 1);
            lua_pushinteger(L, code >= 1 && code <= 125 ? code : EXIT_INPUT);
            lua_setfield(L, 2, "exit");
            if (lua_getmetatable(L, 1)) {              /* the real one, __metatable ignored */
                lua_getfield(L, LUA_REGISTRYINDEX, ERROR_CLASS_KEY);
                int same = lua_rawequal(L, -1, -2);
                lua_pop(L, 1);
                if (same)
                    lua_setmetatable(L, 2);
                else
                    lua_pop(L, 1);
            }
            lua_settop(L, 2);
            return 1;
        }
        lua_pop(L, 1);
    }
    lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    return 1;
}

typedef struct asked_limits {
    lua_Integer instructions;
    lua_Number memory_mb;
    lua_Number seconds;
} asked_limits;

/* Reads {instructions=, memory=} at idx (nil: none) before anything is changed. */
static asked_limits read_limits(lua_State *L, int idx)
{
    asked_limits a = { 0, 0, 0 };
    if (lua_isnoneornil(L, idx))
        return a;
    luaL_checktype(L, idx, LUA_TTABLE);
    lua_getfield(L, idx, "instructions");
    a.instructions = lua_toboolean(L, -1) ? luaL_checkinteger(L, -1) : 0;
    lua_getfield(L, idx, "memory");
    a.memory_mb = lua_toboolean(L, -1) ? luaL_checknumber(L, -1) : 0;
    lua_getfield(L, idx, "seconds");
    a.seconds = lua_toboolean(L, -1) ? luaL_checknumber(L, -1) : 0;
    lua_pop(L, 3);
    luaL_argcheck(L, a.seconds >= 0 && a.seconds < 1e9, idx,
                  "seconds must be a number of seconds >= 0");
    luaL_argcheck(L, a.instructions >= 0, idx, "instructions must be a whole number >= 0");
    luaL_argcheck(L, a.memory_mb >= 0 && a.memory_mb < 1e9, idx,
                  "memory must be a number of MB >= 0");
    return a;
}

/* A nested limit can only tighten the one around it. Does not allocate. The sums
 * saturate: a budget of math.maxinteger is "no stop before the outer one". */
static void apply_limits(host_ctx *ctx, asked_limits a, saved_limits *saved)
{
    saved->instr_limit = ctx->instr_limit;
    saved->instr_stated = ctx->instr_stated;
    saved->mem_limit = ctx->mem_limit;
    saved->cpu = cpulimit_tighten(a.seconds);
    if (a.instructions > 0) {
        long long until = host_add_count(ctx->instr_used, (long long)a.instructions);
        if (ctx->instr_limit == 0 || until < ctx->instr_limit) {
            ctx->instr_limit = until;
            ctx->instr_stated = (long long)a.instructions;
        }
    }
    if (a.memory_mb > 0) {
        size_t used = host_memory_used(ctx), more = (size_t)ceil(a.memory_mb * 1024 * 1024);
        size_t until = used > SIZE_MAX - more ? SIZE_MAX : used + more;
        if (ctx->mem_limit == 0 || until < ctx->mem_limit)
            ctx->mem_limit = until;
    }
}

/* Does not allocate either: it runs after a memory error too. */
static void restore_limits(host_ctx *ctx, const saved_limits *saved)
{
    cpulimit_restore(saved->cpu);
    ctx->instr_limit = saved->instr_limit;
    ctx->instr_stated = saved->instr_stated;
    if (ctx->mem_limit != saved->mem_limit)
        ctx->mem_tripped = 0;     /* the call's own limit was the one reached */
    ctx->mem_limit = saved->mem_limit;
    ctx->instr_tripped = ctx->instr_limit && ctx->instr_used >= ctx->instr_limit;
}

/* _sandbox.run(fn, limits, ...) -> fn's results. limits = {instructions = N, memory = MB}
 * (nil or 0: no new limit). Instructions count from the call; memory is what fn may hold
 * on top of what is in use when it starts. An error of fn is raised again, as a string or
 * a plain admit error, once the previous limits are back. fn cannot yield out of it. */
static int run_limited(lua_State *L, int as_report);

static int l_run(lua_State *L)
{
    return run_limited(L, 0);
}

/* _sandbox.run_reported(fn, limits, ...): the same, but a string error comes out as an
 * admit error {message = s, exit = 1}, which the host prints without a traceback. Done
 * here, not in Lua: after a stop no Lua code may run. */
static int l_run_reported(lua_State *L)
{
    return run_limited(L, 1);
}

static int run_limited(lua_State *L, int as_report)
{
    cstack_check(L);
    luaL_checktype(L, 1, LUA_TFUNCTION);
    if (lua_gettop(L) < 2)
        lua_settop(L, 2);
    int nargs = lua_gettop(L) - 2;
    asked_limits asked = read_limits(L, 2);
    /* everything that may allocate is done before the limits change */
    lua_pushcfunction(L, sanitize_error);
    lua_replace(L, 2);                       /* fn, handler, args... */
    lua_pushvalue(L, 1);
    lua_pushvalue(L, 2);
    lua_replace(L, 1);
    lua_replace(L, 2);                       /* handler, fn, args... */
    host_ctx *ctx = host_context(L);
    saved_limits saved;
    apply_limits(ctx, asked, &saved);
    if (host_limited(L))
        host_arm_hook(L);
    int status = lua_pcall(L, nargs, LUA_MULTRET, 1);
    if (status == LUA_OK && host_stopping(L)) {
        /* the stop hit a coroutine whose error was swallowed (coroutine.close returns it)
         * and fn returned before its own next count: the call still failed */
        lua_settop(L, 1);
        if (ctx->instr_tripped)
            lua_pushfstring(L, "instruction limit reached (%I instructions): the script was stopped",
                            (lua_Integer)ctx->instr_stated);
        else if (ctx->mem_tripped)
            lua_pushliteral(L, "not enough memory");
        else
            lua_pushliteral(L, "interrupted");
        status = ctx->instr_tripped || !ctx->mem_tripped ? LUA_ERRRUN : LUA_ERRMEM;
    }
    restore_limits(ctx, &saved);
    if (status != LUA_OK && as_report && lua_type(L, -1) == LUA_TSTRING) {
        lua_createtable(L, 0, 2);
        lua_insert(L, -2);
        lua_setfield(L, -2, "message");
        lua_pushinteger(L, EXIT_RUNTIME);
        lua_setfield(L, -2, "exit");
        lua_getfield(L, LUA_REGISTRYINDEX, ERROR_CLASS_KEY);
        lua_setmetatable(L, -2);
    }
    if (status != LUA_OK)
        return lua_error(L);
    return lua_gettop(L) - 1;
}

/* _sandbox.error_class(cls): the metatable of admit.fail errors, kept through run. */
static int l_error_class(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 1);
    lua_setfield(L, LUA_REGISTRYINDEX, ERROR_CLASS_KEY);
    return 0;
}

/* ------------------------------------------------------------------ xpcall */

/* The script's handler, called only when the call is not being stopped: a stop error is
 * raised from inside the budget hook, where Lua runs the handler with hooks disabled. */
static int guarded_handler(lua_State *L)
{
    if (host_stopping(L))
        return 1;
    cstack_check(L);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, 1);
    return 1;
}

static int finish_xpcall(lua_State *L, int status, lua_KContext extra)
{
    if (status != LUA_OK && status != LUA_YIELD) {
        lua_pushboolean(L, 0);
        lua_pushvalue(L, -2);
        return 2;
    }
    return lua_gettop(L) - (int)extra;
}

/* xpcall(f, msgh, ...) exactly as the standard one (lbaselib's luaB_xpcall), but msgh goes
 * through guarded_handler. */
static int l_xpcall(lua_State *L)
{
    int n = lua_gettop(L);
    cstack_check(L);
    luaL_checktype(L, 2, LUA_TFUNCTION);
    lua_pushvalue(L, 2);
    lua_pushcclosure(L, guarded_handler, 1);
    lua_replace(L, 2);
    lua_pushboolean(L, 1);
    lua_pushvalue(L, 1);
    lua_rotate(L, 3, 2);
    int status = lua_pcallk(L, n - 2, LUA_MULTRET, 2, 2, finish_xpcall);
    return finish_xpcall(L, status, 2);
}

/* ----------------------------------------------- C loops against the budget */

/* Coroutines: a hook belongs to one thread, and a coroutine made while no budget was set
 * has none. So under a budget, resume, wrap's function and close (which runs pending
 * __close handlers inside the coroutine) first put the budget hook on the coroutine; resume
 * and wrap's function also record the running coroutine, for Ctrl-C. They are lcorolib's
 * own code (Lua 5.4.4) otherwise. */
static void arm_if_limited(lua_State *L, lua_State *co)
{
    if (co && host_limited(L))
        host_arm_thread(co);
}

/* coroutine.close: upvalue 1 is the original. Lua 5.4.4 does not count a close in its
 * C-call limit (the closed coroutine starts a fresh count), so closes nested through
 * __close handlers are bounded here, as Lua bounds other C calls; beyond, a Lua error. The
 * depth is kept across errors: the call runs protected and its error is raised again. */
#define MAX_NESTED_CLOSE 200

static int guarded_on_thread(lua_State *L)
{
    static int depth = 0;
    cstack_check(L);
    if (depth >= MAX_NESTED_CLOSE)
        return luaL_error(L, "C stack overflow (coroutine.close nested more than %d deep "
                          "through __close handlers)", MAX_NESTED_CLOSE);
    arm_if_limited(L, lua_tothread(L, 1));
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    depth++;
    int status = lua_pcall(L, lua_gettop(L) - 1, LUA_MULTRET, 0);
    depth--;
    if (status != LUA_OK)
        return lua_error(L);
    return lua_gettop(L);
}

/* lcorolib's auxresume (Lua 5.4.4), arming co and recording it as the running coroutine
 * (lua_resume never longjmps out, so the two calls always pair). Returns the number of
 * results moved to L, or -1 with the error on L's top. */
static int resume_armed(lua_State *L, lua_State *co, int narg)
{
    int nres;
    if (!lua_checkstack(co, narg)) {
        lua_pushliteral(L, "too many arguments to resume");
        return -1;
    }
    cstack_check(L);
    arm_if_limited(L, co);
    lua_xmove(L, co, narg);
    lua_State *prev = host_enter_thread(co);
    int status = lua_resume(co, L, narg, &nres);
    host_leave_thread(prev);
    if (status == LUA_OK || status == LUA_YIELD) {
        if (!lua_checkstack(L, nres + 1)) {
            lua_pop(co, nres);
            lua_pushliteral(L, "too many results to resume");
            return -1;
        }
        lua_xmove(co, L, nres);
        return nres;
    }
    lua_xmove(co, L, 1);
    return -1;
}

/* coroutine.resume(co, ...) as lcorolib's luaB_coresume. */
static int guarded_resume(lua_State *L)
{
    lua_State *co = lua_tothread(L, 1);
    luaL_argexpected(L, co, 1, "coroutine");
    int r = resume_armed(L, co, lua_gettop(L) - 1);
    if (r < 0) {
        lua_pushboolean(L, 0);
        lua_insert(L, -2);
        return 2;
    }
    lua_pushboolean(L, 1);
    lua_insert(L, -(r + 1));
    return r + 1;
}

/* The function coroutine.wrap returns (lcorolib's auxwrap). Upvalue 1: the coroutine. */
static int wrapped_resume(lua_State *L)
{
    lua_State *co = lua_tothread(L, lua_upvalueindex(1));
    int r = resume_armed(L, co, lua_gettop(L));
    if (r >= 0)
        return r;
    int stat = lua_status(co);
    if (stat != LUA_OK && stat != LUA_YIELD) {
        cstack_check(L);
        stat = lua_resetthread(co);          /* runs its pending __close handlers */
        lua_xmove(co, L, 1);
    }
    if (stat != LUA_ERRMEM && lua_type(L, -1) == LUA_TSTRING) {
        luaL_where(L, 1);
        lua_insert(L, -2);
        lua_concat(L, 2);
    }
    return lua_error(L);
}

static int guarded_wrap(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TFUNCTION);
    lua_State *co = lua_newthread(L);
    lua_pushvalue(L, 1);
    lua_xmove(L, co, 1);
    lua_pushcclosure(L, wrapped_resume, 1);
    return 1;
}

/* ------------------------------------------------------------ __gc finalizers */

/* Lua runs a finalizer with hooks off: a looping __gc could not be stopped. So the
 * setmetatable of trusted scripts (the sandbox's refuses __gc) puts a wrapper in the
 * metatable's __gc: the finalizer runs in a fresh coroutine, where hooks work, with the
 * budget hook on it. A stop in it makes the script stop at its next instruction (sticky). */
static int limited_finalizer(lua_State *L)
{
    if (!host_limited(L)) {
        lua_pushvalue(L, lua_upvalueindex(1));
        lua_insert(L, 1);
        lua_call(L, lua_gettop(L) - 1, 0);
        return 0;
    }
    cstack_check(L);
    int narg = lua_gettop(L);
    lua_State *co = lua_newthread(L);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_xmove(L, co, 1);
    lua_rotate(L, 1, 1);                     /* co, args... */
    lua_xmove(L, co, narg);
    host_arm_thread(co);
    int nres;
    lua_State *prev = host_enter_thread(co);
    int status = lua_resume(co, L, narg, &nres);
    host_leave_thread(prev);
    if (status != LUA_OK && status != LUA_YIELD) {
        lua_xmove(co, L, 1);
        return lua_error(L);                  /* Lua makes it a warning */
    }
    return 0;
}

/* setmetatable(t, mt) as the standard one, with mt.__gc (a function) wrapped once. */
static int limited_setmetatable(lua_State *L)
{
    if (lua_type(L, 2) == LUA_TTABLE) {
        lua_pushliteral(L, "__gc");
        if (lua_rawget(L, 2) == LUA_TFUNCTION && lua_tocfunction(L, -1) != limited_finalizer) {
            lua_pushcclosure(L, limited_finalizer, 1);
            lua_pushliteral(L, "__gc");
            lua_insert(L, -2);
            lua_rawset(L, 2);
        } else {
            lua_pop(L, 1);
        }
    }
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, 1);
    return 1;
}

static void guard_field(lua_State *L, const char *lib, const char *name, lua_CFunction guard)
{
    if (strcmp(lib, "_G") == 0)
        lua_pushglobaltable(L);
    else
        lua_getglobal(L, lib);
    if (lua_type(L, -1) == LUA_TTABLE && lua_getfield(L, -1, name) == LUA_TFUNCTION) {
        lua_pushcclosure(L, guard, 1);
        lua_setfield(L, -2, name);
        lua_pop(L, 1);
        return;
    }
    lua_pop(L, 2);
}

/* Wraps the standard functions whose loops run in C, in the global tables (so that the
 * string methods, s:find(...), are covered too). Without an instruction budget the
 * wrappers only pass the call through. */
static void guard_stdlib(lua_State *L)
{
    charge_stdlib(L);
    guard_field(L, "coroutine", "close", guarded_on_thread);
    guard_field(L, "_G", "setmetatable", limited_setmetatable);
    if (lua_getglobal(L, "coroutine") == LUA_TTABLE) {
        lua_pushcfunction(L, guarded_resume);
        lua_setfield(L, -2, "resume");
        lua_pushcfunction(L, guarded_wrap);
        lua_setfield(L, -2, "wrap");
    }
    lua_pop(L, 1);
}

/* The methods of strings (the shared string metatable's __index) are the string library
 * without dump: ("").dump would hand string.dump to the sandbox, which cannot be given a
 * metatable of its own for strings. A copy, made after the guards above are in place. */
static void string_methods_without_dump(lua_State *L)
{
    lua_pushliteral(L, "");
    if (!lua_getmetatable(L, -1)) {
        lua_pop(L, 1);
        return;
    }
    if (lua_getglobal(L, "string") != LUA_TTABLE) {
        lua_pop(L, 3);
        return;
    }
    lua_newtable(L);                          /* "", mt, string, methods */
    lua_pushnil(L);
    while (lua_next(L, -3)) {
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_rawset(L, -4);
    }
    lua_pushnil(L);
    lua_setfield(L, -2, "dump");
    lua_setfield(L, -3, "__index");
    lua_pop(L, 3);
}

static const luaL_Reg sandbox_funcs[] = {
    { "run", l_run },
    { "run_reported", l_run_reported },
    { "error_class", l_error_class },
    { "xpcall", l_xpcall },
    { "charged", charge_wrap },
    { NULL, NULL }
};

/* admit.core._sandbox (taken away from the admit table by sandbox.lua). */
void sandbox_open(lua_State *L)
{
    luaL_newlib(L, sandbox_funcs);
    sandbox_view_open(L);
    lua_setfield(L, -2, "_sandbox");
    guard_stdlib(L);
    string_methods_without_dump(L);
}
