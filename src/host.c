/* host.c — lifecycle of the Lua state: a byte-capped allocator (after Lua's ltests.c and
 * HAProxy's hlua_alloc), an instruction budget that pcall cannot swallow (after Redis),
 * the traceback message handler and Ctrl-C handling of lua.c, and the module paths. */
#include "host.h"
#include "cstack.h"
#include "i18n.h"
#include "memacct.h"

#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <lauxlib.h>
#include <lualib.h>

int luaopen_admit_core(lua_State *L);

/* ---------------------------------------------------------------- allocator */

/* Every byte Lua allocates goes through here. Above the cap (which counts admit's C
 * memory too, memacct.c) it fails, which Lua turns into a "not enough memory" error (after
 * an emergency collection). Shrinking and freeing never fail. The sum is written so that a
 * huge request cannot wrap around. Once an allocation was refused, every growth fails
 * until the limit is lifted (host_memory_refused): a pcall cannot carry on. */
static void *host_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    host_ctx *ctx = ud;
    size_t old = ptr ? osize : 0;
    if (nsize == 0) {
        memacct_raw_free(ptr);
        ctx->mem_used -= old;
        return NULL;
    }
    if (nsize > old && ctx->mem_limit) {
        if (host_memory_full(ctx, nsize - old)) {
            host_memory_refused(ctx);
            return NULL;
        }
    }
    void *p = memacct_raw_realloc(ptr, nsize);
    if (p)
        ctx->mem_used = ctx->mem_used - old + nsize;
    return p;
}

size_t host_memory_used(const host_ctx *ctx)
{
    size_t c = memacct_used(), lua = ctx->mem_used;
    return lua > SIZE_MAX - c ? SIZE_MAX : lua + c;
}

int host_memory_full(host_ctx *ctx, size_t more)
{
    if (ctx->mem_limit == 0)
        return 0;
    if (ctx->mem_tripped)
        return 1;
    size_t used = host_memory_used(ctx);
    return more > ctx->mem_limit || used > ctx->mem_limit - more;
}

/* ------------------------------------------------------- instruction budget */

/* Set by the SIGINT handler, cleared when the protected call it interrupted returns. */
static volatile sig_atomic_t interrupt_pending = 0;

static void budget_hook(lua_State *L, lua_Debug *ar);

/* True for a function of admit's own Lua library (<home>/lua/admit/...). */
static int is_admit_code(const host_ctx *ctx, const lua_Debug *d)
{
    size_t n = strlen(ctx->home);
    return d->source[0] == '@' && strncmp(d->source + 1, ctx->home, n) == 0
        && strncmp(d->source + 1 + n, "/lua/admit/", 11) == 0;
}

/* The line to name in a stop: the running one, or when that is admit's own code (a view
 * of the data read by a policy, a loop of admit's API) the nearest caller's line outside
 * it, the script's. Fills *d; false when no line is known. */
static int stop_location(lua_State *L, lua_Debug *ar, lua_Debug *d)
{
    const host_ctx *ctx = host_context(L);
    if (!ar || !lua_getinfo(L, "Sl", ar))
        return 0;
    *d = *ar;
    if (!is_admit_code(ctx, ar))
        return ar->currentline > 0;
    for (int level = 1; level < 64 && lua_getstack(L, level, d); level++)
        if (lua_getinfo(L, "Sl", d) && d->currentline > 0 && !is_admit_code(ctx, d))
            return 1;
    *d = *ar;
    return ar->currentline > 0;
}

static lua_State *globalL = NULL;
/* The coroutine running right now, if any (kept by sandbox.c's resume): Ctrl-C must reach
 * it, since the main thread waits in resume and counts nothing meanwhile. */
static lua_State *volatile running_coroutine = NULL;

/* Makes the hooks of the main thread and of the running coroutine fire on every
 * instruction (lua_sethook only stores: safe in a signal handler, as lua.c's laction). */
static void hook_everything(lua_State *L)
{
    int mask = LUA_MASKCALL | LUA_MASKRET | LUA_MASKCOUNT | LUA_MASKLINE;
    if (L)
        lua_sethook(L, budget_hook, mask, 1);
    if (globalL && globalL != L)
        lua_sethook(globalL, budget_hook, mask, 1);
    lua_State *co = running_coroutine;
    if (co && co != L)
        lua_sethook(co, budget_hook, mask, 1);
}

void host_memory_refused(host_ctx *ctx)
{
    if (!ctx->mem_tripped) {
        ctx->mem_tripped = 1;
        hook_everything(NULL);
    }
}

/* The message of the instruction stop (without position). */
static void push_instruction_message(lua_State *L, const host_ctx *ctx)
{
    lua_pushfstring(L, "instruction limit reached (%I instructions): the script was stopped",
                    (lua_Integer)ctx->instr_stated);
}

/* The memory stop: a memory error (status LUA_ERRMEM, "not enough memory"), raised by an
 * allocation that fails since the limit was reached. */
static int memory_stop(lua_State *L)
{
    lua_createtable(L, 64, 64);     /* fails: every growth does now */
    lua_pop(L, 1);
    lua_pushliteral(L, "not enough memory");
    return lua_error(L);
}

/* Raises the stop error, naming the Lua line that was running. The main thread is set to
 * raise at its next instruction too: a coroutine's error may be swallowed by its resumer
 * (coroutine.resume, coroutine.close return it), which must not then finish quietly. */
static int budget_stop(lua_State *L, lua_Debug *ar)
{
    host_ctx *ctx = host_context(L);
    lua_sethook(L, budget_hook, LUA_MASKCOUNT | LUA_MASKLINE, 1);
    if (lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_MAINTHREAD) == LUA_TTHREAD)
        lua_sethook(lua_tothread(L, -1), budget_hook, LUA_MASKCOUNT | LUA_MASKLINE, 1);
    lua_pop(L, 1);
    if (!interrupt_pending && !ctx->instr_tripped && ctx->mem_tripped)
        return memory_stop(L);
    /* Ctrl-C: no position prefix, the traceback says where, whatever level it fired at */
    lua_Debug where;
    if (!interrupt_pending && stop_location(L, ar, &where))
        lua_pushfstring(L, "%s:%d: ", where.short_src, where.currentline);
    else
        lua_pushliteral(L, "");
    if (interrupt_pending)
        lua_pushliteral(L, "interrupted");
    else
        push_instruction_message(L, ctx);
    lua_concat(L, 2);
    return lua_error(L);
}

long long host_add_count(long long a, long long b)
{
    if (a < 0) a = 0;
    if (b < 0) b = 0;
    return a > LLONG_MAX - b ? LLONG_MAX : a + b;
}

/* The budget hook. A hook is per thread: it is set on the running and main threads when a
 * budget starts (host_arm_hook), coroutines created meanwhile inherit it (lua_newthread
 * copies the creator's hook), and coroutine.resume/wrap/close arm any other coroutine
 * before running it under a budget (src/sandbox.c). Every HOST_HOOK_STEP instructions of
 * any thread it adds to the count. Once the budget is spent (or on Ctrl-C) it raises on
 * every instruction and line of every thread, so neither pcall/xpcall nor a coroutine
 * that catches the error can carry on. With no budget it takes itself off the thread
 * (a hooked VM runs much slower); a thread still on the per-instruction setting after a
 * stop goes back to counting by itself. */
static void budget_hook(lua_State *L, lua_Debug *ar)
{
    host_ctx *ctx = host_context(L);
    if (interrupt_pending || ctx->instr_tripped || ctx->mem_tripped) {
        budget_stop(L, ar);
        return;
    }
    if (ctx->instr_limit == 0) {
        lua_sethook(L, NULL, 0, 0);
        return;
    }
    if (lua_gethookmask(L) != LUA_MASKCOUNT || lua_gethookcount(L) != HOST_HOOK_STEP) {
        lua_sethook(L, budget_hook, LUA_MASKCOUNT, HOST_HOOK_STEP);
        return;
    }
    ctx->instr_used = host_add_count(ctx->instr_used, HOST_HOOK_STEP);
    if (ctx->instr_limit && ctx->instr_used >= ctx->instr_limit) {
        ctx->instr_tripped = 1;
        budget_stop(L, ar);
    }
}

int host_stopping(lua_State *L)
{
    host_ctx *ctx = host_context(L);
    return interrupt_pending || ctx->instr_tripped || ctx->mem_tripped;
}

/* Charged before the work: a call that would pass the budget does nothing and stops the
 * script (sticky, as a stop of the hook). */
int host_charge(lua_State *L, long long count)
{
    host_ctx *ctx = host_context(L);
    if (interrupt_pending || ctx->instr_tripped || ctx->mem_tripped) {
        hook_everything(L);
        return budget_stop(L, NULL);
    }
    if (ctx->instr_limit == 0)
        return 0;
    ctx->instr_used = host_add_count(ctx->instr_used, count);
    if (ctx->instr_used < ctx->instr_limit)
        return 0;
    ctx->instr_tripped = 1;
    hook_everything(L);
    lua_Debug ar;
    return budget_stop(L, lua_getstack(L, 1, &ar) ? &ar : NULL);
}

void host_arm_hook(lua_State *L)
{
    lua_sethook(L, budget_hook, LUA_MASKCOUNT, HOST_HOOK_STEP);
    if (lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_MAINTHREAD) == LUA_TTHREAD) {
        lua_State *main_thread = lua_tothread(L, -1);
        if (main_thread != L && lua_gethook(main_thread) != budget_hook)
            lua_sethook(main_thread, budget_hook, LUA_MASKCOUNT, HOST_HOOK_STEP);
    }
    lua_pop(L, 1);
}

int host_limited(lua_State *L)
{
    return host_context(L)->instr_limit != 0 || host_stopping(L);
}

/* A new budget of `count` from now (0: none), saturating; the command line's stop point
 * still holds. */
static void start_budget(host_ctx *ctx, long long count)
{
    ctx->instr_limit = count > 0 ? host_add_count(ctx->instr_used, count) : 0;
    ctx->instr_stated = count > 0 ? count : 0;
    ctx->instr_base = ctx->instr_used;
    ctx->instr_tripped = 0;
}

void host_arm_thread(lua_State *co)
{
    if (lua_gethook(co) != budget_hook)
        lua_sethook(co, budget_hook, LUA_MASKCOUNT, HOST_HOOK_STEP);
}

int host_set_instruction_limit(lua_State *L, long long count)
{
    host_ctx *ctx = host_context(L);
    if (ctx->instr_ceiling
        && (count <= 0 || host_add_count(ctx->instr_used, count) > ctx->instr_ceiling))
        return -1;
    start_budget(ctx, count);
    if (ctx->instr_limit)
        host_arm_hook(L);
    return 0;
}

int host_set_memory_limit(lua_State *L, size_t bytes)
{
    host_ctx *ctx = host_context(L);
    if (ctx->mem_ceiling && (bytes == 0 || bytes > ctx->mem_ceiling))
        return -1;
    ctx->mem_limit = bytes;
    ctx->mem_tripped = 0;
    return 0;
}

void host_fix_limits(lua_State *L)
{
    host_ctx *ctx = host_context(L);
    ctx->instr_ceiling = ctx->instr_limit;
    ctx->mem_ceiling = ctx->mem_limit;
}

void host_restart_budget(lua_State *L)
{
    host_ctx *ctx = host_context(L);
    ctx->mem_tripped = 0;
    if (ctx->instr_limit == 0)
        return;
    start_budget(ctx, ctx->instr_stated);
    ctx->instr_ceiling = ctx->instr_ceiling ? ctx->instr_limit : 0;
    host_arm_hook(L);
}

const char *host_limit_reached(lua_State *L)
{
    host_ctx *ctx = host_context(L);
    if (ctx->instr_tripped) {
        push_instruction_message(L, ctx);
        return lua_tostring(L, -1);
    }
    if (ctx->mem_tripped)
        return "not enough memory";
    return NULL;
}

/* ------------------------------------------------------------------ Ctrl-C */

lua_State *host_enter_thread(lua_State *co)
{
    lua_State *prev = running_coroutine;
    running_coroutine = co;
    return prev;
}

void host_leave_thread(lua_State *prev)
{
    running_coroutine = prev;
}

/* Signal handler: only sets a flag and makes the hooks of the main thread and of the
 * running coroutine fire at once (lua_sethook is safe in a signal handler; lua.c's
 * laction). The hook raises in Lua; the stop is then sticky until the call returns. */
static void on_sigint(int sig)
{
    signal(sig, SIG_DFL);  /* a second Ctrl-C kills the process */
    interrupt_pending = 1;
    hook_everything(NULL);
}

/* --------------------------------------------------------- protected calls */

#define TRACEBACK_COST 5000
static int stop_tracebacks = 0;   /* given during the current stop */

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
    /* a traceback walks the whole call stack, in C: charged, or a chain of errors raised
     * at depth (nested __close handlers) would run unbounded */
    if (host_stopping(L)) {
        /* the stop names its line; one traceback, not one per __close it runs through */
        if (stop_tracebacks++ > 0)
            return 1;
    } else {
        host_charge(L, TRACEBACK_COST);
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
    static int depth = 0;
    depth++;
    int status = lua_pcall(L, narg, nres, base);
    depth--;
    if (status == LUA_OK && depth == 0 && host_stopping(L)) {
        /* a stop that the script's own code swallowed (pcall, coroutine.close returning
         * the error) after which it returned before its next instruction: the run failed */
        host_ctx *ctx = host_context(L);
        lua_settop(L, base);
        status = ctx->instr_tripped || interrupt_pending ? LUA_ERRRUN : LUA_ERRMEM;
        if (interrupt_pending)
            lua_pushliteral(L, "interrupted");
        else if (ctx->instr_tripped)
            push_instruction_message(L, ctx);
        else
            lua_pushliteral(L, "not enough memory");
    }
    if (depth == 0) {
        /* the run's outcome is decided: the host may allocate again to report it */
        host_context(L)->mem_tripped = 0;
        stop_tracebacks = 0;
    }
    sigaction(SIGINT, &saved, NULL);
    globalL = outerL ? outerL : L;
    interrupt_pending = 0;
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

/* Prints msg in the user's language (admit.i18n). */
static void report_message(lua_State *L, const char *progname, const char *msg)
{
    host_message(progname, i18n_push(L, msg));
    lua_pop(L, 1);
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
            report_message(L, progname, lua_tostring(L, -1));
            lua_pop(L, 3);
            return code;
        }
    }
    const char *msg = lua_tostring(L, -1);
    if (msg == NULL && luaL_callmeta(L, -1, "__tostring") && lua_type(L, -1) == LUA_TSTRING) {
        lua_replace(L, -2);
        msg = lua_tostring(L, -1);
    }
    report_message(L, progname, msg ? msg : "(error object is not a string)");
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
    memacct_attach(ctx);
    lua_State *L = lua_newstate(host_alloc, ctx);
    if (L == NULL)
        return NULL;
    globalL = L;
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
