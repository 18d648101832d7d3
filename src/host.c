/* host.c — lifecycle of the Lua state: a byte-capped allocator (after Lua's ltests.c and
 * HAProxy's hlua_alloc), an instruction budget that pcall cannot swallow (after Redis),
 * the traceback message handler and Ctrl-C handling of lua.c, and the module paths. */
#include "host.h"

#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <lauxlib.h>
#include <lualib.h>

int luaopen_admit_core(lua_State *L);

/* ---------------------------------------------------------------- allocator */

static void *host_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    host_ctx *ctx = ud;
    size_t old = ptr ? osize : 0;
    if (nsize == 0) {
        free(ptr);
        ctx->mem_used -= old;
        return NULL;
    }
    if (ctx->mem_limit && nsize > old && ctx->mem_used - old + nsize > ctx->mem_limit)
        return NULL;  /* Lua turns this into a "not enough memory" error */
    void *p = realloc(ptr, nsize);
    if (p)
        ctx->mem_used = ctx->mem_used - old + nsize;
    return p;
}

/* ------------------------------------------------------- instruction budget */

static void budget_hook(lua_State *L, lua_Debug *ar)
{
    host_ctx *ctx = host_context(L);
    (void)ar;
    if (!ctx->instr_tripped) {
        ctx->instr_used += HOST_HOOK_STEP;
        if (ctx->instr_limit == 0 || ctx->instr_used < ctx->instr_limit)
            return;
        ctx->instr_tripped = 1;
        /* From now on raise at every line and every instruction, so that a pcall around
         * the loop cannot swallow the error and carry on. */
        lua_sethook(L, budget_hook, LUA_MASKCOUNT | LUA_MASKLINE, 1);
    }
    luaL_error(L, "instruction limit reached (%lld instructions): the script was stopped",
               ctx->instr_limit);
}

void host_set_instruction_limit(lua_State *L, long long count)
{
    host_ctx *ctx = host_context(L);
    ctx->instr_limit = count > 0 ? count : 0;
    ctx->instr_used = 0;
    ctx->instr_tripped = 0;
    if (ctx->instr_limit)
        lua_sethook(L, budget_hook, LUA_MASKCOUNT, HOST_HOOK_STEP);
    else
        lua_sethook(L, NULL, 0, 0);
}

void host_set_memory_limit(lua_State *L, size_t bytes)
{
    host_context(L)->mem_limit = bytes;
}

/* ------------------------------------------------------------------ Ctrl-C */

static lua_State *globalL = NULL;

static void interrupt_hook(lua_State *L, lua_Debug *ar)
{
    (void)ar;
    host_set_instruction_limit(L, host_context(L)->instr_limit);  /* restore budget hook */
    /* no position prefix: the traceback says where, whatever level the hook fired at */
    lua_pushliteral(L, "interrupted");
    lua_error(L);
}

/* Signal handler: only arms a hook (lua.c's laction); the hook raises inside Lua. */
static void on_sigint(int sig)
{
    signal(sig, SIG_DFL);  /* a second Ctrl-C kills the process */
    lua_sethook(globalL, interrupt_hook, LUA_MASKCALL | LUA_MASKRET | LUA_MASKCOUNT, 1);
}

/* --------------------------------------------------------- protected calls */

/* Message handler: structured errors ({message=, exit=}) pass untouched; anything else
 * becomes a string with a traceback. */
static int msghandler(lua_State *L)
{
    const char *msg = lua_tostring(L, 1);
    if (msg == NULL) {
        if (lua_istable(L, 1)) {
            lua_getfield(L, 1, "message");
            int structured = lua_type(L, -1) == LUA_TSTRING;
            lua_pop(L, 1);
            if (structured)
                return 1;
        }
        if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
            return 1;
        msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    }
    luaL_traceback(L, L, msg, 1);
    return 1;
}

int host_docall(lua_State *L, int narg, int nres)
{
    int base = lua_gettop(L) - narg;
    lua_pushcfunction(L, msghandler);
    lua_insert(L, base);
    /* Ctrl-C becomes a Lua error for the length of the call; the disposition before it
     * comes back afterwards (the REPL's prompt handler when Tab completion calls Lua). */
    lua_State *outerL = globalL;
    struct sigaction on_int = { .sa_handler = on_sigint }, saved;
    sigemptyset(&on_int.sa_mask);
    globalL = L;
    sigaction(SIGINT, &on_int, &saved);
    int status = lua_pcall(L, narg, nres, base);
    sigaction(SIGINT, &saved, NULL);
    globalL = outerL ? outerL : L;
    lua_remove(L, base);
    return status;
}

void host_message(const char *progname, const char *msg)
{
    if (progname)
        fprintf(stderr, "%s: ", progname);
    fprintf(stderr, "%s\n", msg);
    fflush(stderr);
}

int host_report(lua_State *L, int status)
{
    if (status == LUA_OK)
        return EXIT_OK;
    int code = EXIT_RUNTIME;
    const char *progname = host_context(L)->progname;
    if (lua_istable(L, -1)) {
        lua_getfield(L, -1, "message");
        int structured = lua_type(L, -1) == LUA_TSTRING;
        lua_pop(L, 1);
        if (structured) {  /* admit.fail: {message=, exit=} */
            lua_getfield(L, -1, "exit");
            if (lua_isinteger(L, -1))
                code = (int)lua_tointeger(L, -1);
            lua_getfield(L, -2, "message");
            host_message(progname, lua_tostring(L, -1));
            lua_pop(L, 3);
            return code;
        }
    }
    const char *msg = lua_tostring(L, -1);
    if (msg == NULL && luaL_callmeta(L, -1, "__tostring") && lua_type(L, -1) == LUA_TSTRING) {
        lua_replace(L, -2);
        msg = lua_tostring(L, -1);
    }
    host_message(progname, msg ? msg : "(error object is not a string)");
    lua_pop(L, 1);
    return code;
}

/* ------------------------------------------------------------------ paths */

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The Lua library and the data are found next to the executable, never from the current
 * directory: <exe>/../share/admit/lua once installed (checked first, so that an install
 * never picks up a stray tree above it), <exe>/../lua for build/admit, <exe>/../../lua
 * for build/asan/admit.
 * ADMIT_HOME overrides both. */
static void find_home(host_ctx *ctx)
{
    const char *env = getenv("ADMIT_HOME");
    if (env && *env) {
        snprintf(ctx->home, sizeof ctx->home, "%s", env);
        return;
    }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) {
        snprintf(ctx->home, sizeof ctx->home, ".");
        return;
    }
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash)
        *slash = '\0';
    char probe[PATH_MAX + 64];
    char joined[PATH_MAX + 64], real[PATH_MAX];
    /* build/admit and build/asan/admit both live below the source tree */
    const char *ups[] = { "/../share/admit", "/..", "/../.." };
    for (size_t i = 0; i < sizeof ups / sizeof *ups; i++) {
        snprintf(probe, sizeof probe, "%s%s/lua/admit", exe, ups[i]);
        if (is_dir(probe)) {
            snprintf(joined, sizeof joined, "%s%s", exe, ups[i]);
            if (realpath(joined, real))
                memcpy(ctx->home, real, strlen(real) + 1);
            else
                snprintf(ctx->home, sizeof ctx->home, "%.4000s", joined);
            return;
        }
    }
    /* not found: the build-tree guess, so that the error names a plain path */
    snprintf(joined, sizeof joined, "%s/..", exe);
    if (realpath(joined, real))
        memcpy(ctx->home, real, strlen(real) + 1);
    else
        snprintf(ctx->home, sizeof ctx->home, "%.4000s", joined);
}

host_ctx *host_context(lua_State *L)
{
    return *(host_ctx **)lua_getextraspace(L);
}

/* ---------------------------------------------------------------- warnings */

/* lua_newstate installs no warning function (luaL_newstate does): these are lauxlib's,
 * off until "@on" (admit -W or warn("@on")), printed as "admit: warning: msg". */
static void warn_off(void *ud, const char *msg, int tocont);
static void warn_on(void *ud, const char *msg, int tocont);
static void warn_cont(void *ud, const char *msg, int tocont);

static int warn_control(lua_State *L, const char *msg, int tocont)
{
    if (tocont || msg[0] != '@')
        return 0;
    if (strcmp(msg, "@off") == 0)
        lua_setwarnf(L, warn_off, L);
    else if (strcmp(msg, "@on") == 0)
        lua_setwarnf(L, warn_on, L);
    return 1;  /* other controls are ignored */
}

static void warn_off(void *ud, const char *msg, int tocont)
{
    warn_control((lua_State *)ud, msg, tocont);
}

static void warn_cont(void *ud, const char *msg, int tocont)
{
    lua_State *L = ud;
    fputs(msg, stderr);
    if (tocont) {
        lua_setwarnf(L, warn_cont, L);
    } else {
        fputs("\n", stderr);
        fflush(stderr);
        lua_setwarnf(L, warn_on, L);
    }
}

static void warn_on(void *ud, const char *msg, int tocont)
{
    lua_State *L = ud;
    if (warn_control(L, msg, tocont))
        return;
    fprintf(stderr, "%s: warning: ", host_context(L)->progname);
    warn_cont(ud, msg, tocont);
}

/* An error outside any protected call: say it before aborting, as lauxlib's panic. */
static int host_panic(lua_State *L)
{
    const char *msg = lua_tostring(L, -1);
    fprintf(stderr, "%s: PANIC: unprotected error in call to Lua API (%s)\n",
            host_context(L)->progname, msg ? msg : "error object is not a string");
    fflush(stderr);
    return 0;
}

lua_State *host_newstate(host_ctx *ctx)
{
    find_home(ctx);
    lua_State *L = lua_newstate(host_alloc, ctx);
    if (L == NULL)
        return NULL;
    *(host_ctx **)lua_getextraspace(L) = ctx;
    lua_atpanic(L, host_panic);
    lua_setwarnf(L, warn_off, L);
    return L;
}

void host_openlibs(lua_State *L)
{
    host_ctx *ctx = host_context(L);
    luaL_openlibs(L);
    /* package.path: admit's own library first, then the system's. */
    lua_getglobal(L, "package");
    lua_getfield(L, -1, "path");
    lua_pushfstring(L, "%s/lua/?.lua;%s/lua/?/init.lua;%s", ctx->home, ctx->home,
                    lua_tostring(L, -1));
    lua_setfield(L, -3, "path");
    lua_pop(L, 1);
    lua_getfield(L, -1, "preload");
    lua_pushcfunction(L, luaopen_admit_core);
    lua_setfield(L, -2, "admit.core");
    lua_pop(L, 2);
}
