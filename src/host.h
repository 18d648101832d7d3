/* host.h — the Lua state admit runs: allocator with a cap, instruction budget,
 * protected calls with a traceback, Ctrl-C, error reporting, paths of the install. */
#ifndef ADMIT_HOST_H
#define ADMIT_HOST_H

#include <limits.h>
#include <stddef.h>
#include <lua.h>

/* Exit statuses shared by every command. */
enum { EXIT_OK = 0, EXIT_RUNTIME = 1, EXIT_INPUT = 2 };

/* Per-state context, reachable from any C function through host_context(L). */
typedef struct host_ctx {
    size_t mem_used;          /* bytes currently allocated by the Lua state */
    size_t mem_limit;         /* 0 = no cap (on the Lua heap and admit's C memory together) */
    size_t mem_ceiling;       /* the command line's cap: admit.set_limits stays below it */
    volatile int mem_tripped; /* set once an allocation was refused: every one then fails */
    long long instr_limit;    /* 0 = no budget; else stop when instr_used reaches it */
    long long instr_used;     /* since the start, saturating; in steps of HOST_HOOK_STEP */
    long long instr_stated;   /* the budget as the user gave it (for the message) */
    long long instr_base;     /* instr_used when the budget was set (admit.limits) */
    long long instr_ceiling;  /* the command line's stop point: never moved later */
    int instr_tripped;        /* set once the budget ran out: every line then raises */
    const char *progname;     /* "admit" */
    char home[4096];          /* root holding lua/ and data/ (source tree or PREFIX/share/admit) */
} host_ctx;

#define HOST_HOOK_STEP 1000

lua_State *host_newstate(host_ctx *ctx);
host_ctx *host_context(lua_State *L);

/* Limits may be changed while running (also from Lua through admit.set_limits). The
 * command line's are set with host_fix_limits too: afterwards a limit may only be
 * lowered; the setters return 0, or -1 (nothing changed) for a raise or a removal. */
int host_set_memory_limit(lua_State *L, size_t bytes);
int host_set_instruction_limit(lua_State *L, long long count);
void host_fix_limits(lua_State *L);
/* The REPL: each input gets the whole budget again, and a stop of the previous one ends. */
void host_restart_budget(lua_State *L);
/* Saturating a + b for counts >= 0. */
long long host_add_count(long long a, long long b);
/* Memory: would `more` bytes pass the limit? (and: record that one was refused, making the
 * stop sticky) — for memacct.c. */
int host_memory_full(struct host_ctx *ctx, size_t more);
void host_memory_refused(struct host_ctx *ctx);
/* Bytes in use: the Lua heap and admit's C memory. */
size_t host_memory_used(const struct host_ctx *ctx);
/* After the outermost call: the message of a limit reached (sticky) that the script's
 * code swallowed, or NULL. */
const char *host_limit_reached(lua_State *L);
/* Installs the budget hook on the running thread L and on the main thread (when a budget
 * starts; with none, the hook takes itself off). */
void host_arm_hook(lua_State *L);
/* Installs it on coroutine co (before running co under a budget). */
void host_arm_thread(lua_State *co);
/* True while an instruction budget is set (or a stop is under way). */
int host_limited(lua_State *L);
/* Around lua_resume(co): records the running coroutine for Ctrl-C; returns the previous
 * one, to give back to host_leave_thread. */
lua_State *host_enter_thread(lua_State *co);
void host_leave_thread(lua_State *prev);
/* True once the budget ran out, the memory limit was hit or Ctrl-C was pressed: the running call is being stopped
 * (message handlers must then not run script code). */
int host_stopping(lua_State *L);
/* Counts `count` instructions of work done in C (loops that no hook sees) against the
 * budget; raises the limit error when it is spent. */
int host_charge(lua_State *L, long long count);

/* Runs the function below `narg` arguments under lua_pcall with the traceback handler,
 * with Ctrl-C armed. Returns the lua_pcall status. */
int host_docall(lua_State *L, int narg, int nres);

/* Prints "progname: msg" on stderr. */
void host_message(const char *progname, const char *msg);

/* Reports a failed call's error (string, or a structured {message=, exit=} error) and
 * returns the exit status it asks for. */
int host_report(lua_State *L, int status);

/* Opens the module tree: package.path to <home>/lua, admit.core preloaded, global `admit`. */
void host_openlibs(lua_State *L);

#endif
