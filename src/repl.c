/* repl.c — the interactive session, after lua.c's doREPL: each line is first tried as
 * `return <line>`, then as a statement; a chunk whose syntax error ends at <eof> continues
 * on the next line with the >> prompt. On a terminal it uses readline with persistent
 * history (~/.admit_history or $ADMIT_HISTORY) and Tab completion; on a pipe it reads
 * stdin with prompts on stdout, so tests can drive it. Results are printed by the
 * Lua-side pretty printer admit.repl.show; completion comes from admit.repl.complete. */
#include "repl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lauxlib.h>
#include <readline/readline.h>
#include <readline/history.h>

#include "host.h"

#define REPL_MAXLINE 4096
#define EOFMARK "<eof>"

static lua_State *repl_L;      /* for the readline completion callback */
static int repl_tty;

/* ------------------------------------------------------------------ input */

static const char *get_prompt(lua_State *L, int first)
{
    const char *name = first ? "_PROMPT" : "_PROMPT2";
    lua_getglobal(L, name);
    const char *p = lua_tostring(L, -1);
    if (p == NULL)
        p = first ? "> " : ">> ";
    lua_pop(L, 1);
    return p;  /* kept alive by the global or is a literal; copied at once by callers */
}

/* Pushes the next line without its newline; returns 0 at end of input. */
static int read_line(lua_State *L, int first)
{
    char prompt[256];
    snprintf(prompt, sizeof prompt, "%s", get_prompt(L, first));
    if (repl_tty) {
        char *line = readline(prompt);
        if (line == NULL)
            return 0;
        lua_pushstring(L, line);
        free(line);
        return 1;
    }
    fputs(prompt, stdout);
    fflush(stdout);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    int got = 0, ch;
    while ((ch = getchar()) != EOF && ch != '\n') {
        luaL_addchar(&b, (char)ch);
        got = 1;
    }
    luaL_pushresult(&b);
    if (ch == EOF && !got) {
        lua_pop(L, 1);
        return 0;
    }
    return 1;
}

/* -------------------------------------------------------------- chunking */

static int incomplete(lua_State *L, int status)
{
    if (status == LUA_ERRSYNTAX) {
        size_t lmsg;
        const char *msg = lua_tolstring(L, -1, &lmsg);
        size_t lmark = sizeof(EOFMARK) - 1;
        if (lmsg >= lmark && strcmp(msg + lmsg - lmark, EOFMARK) == 0) {
            lua_pop(L, 1);
            return 1;
        }
    }
    return 0;
}

/* Line on top: try "return line" first, so an expression prints without `return` or `=`. */
static int try_as_expression(lua_State *L)
{
    const char *line = lua_tostring(L, -1);
    if (line[0] == '=')
        line++;  /* Lua 5.1 habit */
    const char *retline = lua_pushfstring(L, "return %s;", line);
    int status = luaL_loadbuffer(L, retline, strlen(retline), "=stdin");
    if (status == LUA_OK)
        lua_remove(L, -2);  /* drop the "return" string, keep the function */
    else
        lua_pop(L, 2);
    return status;
}

/* Line on top: keep reading lines while the chunk is incomplete. */
static int multiline(lua_State *L)
{
    for (;;) {
        size_t len;
        const char *line = lua_tolstring(L, 1, &len);
        int status = luaL_loadbuffer(L, line, len, "=stdin");
        if (!incomplete(L, status) || !read_line(L, 0))
            return status;
        lua_pushliteral(L, "\n");
        lua_insert(L, -2);
        lua_concat(L, 3);
    }
}

static void add_history_line(lua_State *L, int idx)
{
    const char *line = lua_tostring(L, idx);
    if (repl_tty && line && *line)
        add_history(line);
}

/* Reads a whole chunk and compiles it; leaves the function (or an error) on top. */
static int load_line(lua_State *L)
{
    lua_settop(L, 0);
    if (!read_line(L, 1))
        return -1;
    int status = try_as_expression(L);
    if (status != LUA_OK)
        status = multiline(L);
    add_history_line(L, 1);
    lua_remove(L, 1);
    return status;
}

/* Prints every result through admit.repl.show(...). */
static void print_results(lua_State *L)
{
    int n = lua_gettop(L);
    if (n == 0)
        return;
    lua_getglobal(L, "require");
    lua_pushliteral(L, "admit.repl");
    lua_call(L, 1, 1);  /* loaded at start-up already, cannot fail here */
    lua_getfield(L, -1, "show");
    lua_remove(L, -2);
    lua_insert(L, 1);
    if (host_docall(L, n, 0) != LUA_OK)
        host_report(L, LUA_ERRRUN);
}

/* ------------------------------------------------------------- completion */

/* Candidates come from Lua: admit.repl.complete(line_so_far, word) returns a list. */
static char *completion_generator(const char *text, int state)
{
    static int idx, count;
    lua_State *L = repl_L;
    if (state == 0) {
        lua_settop(L, 0);
        lua_getglobal(L, "require");
        lua_pushliteral(L, "admit.repl");
        lua_call(L, 1, 1);
        lua_getfield(L, -1, "complete");
        lua_remove(L, -2);
        lua_pushlstring(L, rl_line_buffer, (size_t)rl_point);
        lua_pushstring(L, text);
        if (host_docall(L, 2, 1) != LUA_OK || !lua_istable(L, -1)) {
            lua_settop(L, 0);
            return NULL;
        }
        idx = 0;
        count = (int)lua_rawlen(L, -1);
    }
    if (lua_gettop(L) == 0 || idx >= count) {
        lua_settop(L, 0);
        return NULL;
    }
    lua_rawgeti(L, -1, ++idx);
    char *match = strdup(lua_tostring(L, -1));
    lua_pop(L, 1);
    return match;
}

static char **completion(const char *text, int start, int end)
{
    (void)start; (void)end;
    rl_attempted_completion_over = 1;  /* never fall back to file names */
    return rl_completion_matches(text, completion_generator);
}

/* ------------------------------------------------------------------- loop */

static void history_path(char *buf, size_t size)
{
    const char *env = getenv("ADMIT_HISTORY");
    const char *home = getenv("HOME");
    if (env && *env)
        snprintf(buf, size, "%s", env);
    else
        snprintf(buf, size, "%s/.admit_history", home ? home : ".");
}

int repl_run(lua_State *L, int forced)
{
    (void)forced;
    char hist[4096];
    repl_L = L;
    repl_tty = isatty(0);
    lua_settop(L, 0);
    /* Load the pretty printer once; an error here is a broken install. */
    lua_getglobal(L, "require");
    lua_pushliteral(L, "admit.repl");
    if (host_docall(L, 1, 0) != LUA_OK)
        return host_report(L, LUA_ERRRUN);
    if (repl_tty) {
        history_path(hist, sizeof hist);
        rl_readline_name = "admit";
        rl_basic_word_break_characters = " \t\n\"\\'`@$><=;|&{(,+-*/%^#~[].:";
        rl_attempted_completion_function = completion;
        using_history();
        read_history(hist);
    }
    int status;
    while ((status = load_line(L)) != -1) {
        if (status == LUA_OK)
            status = host_docall(L, 0, LUA_MULTRET);
        if (status == LUA_OK)
            print_results(L);
        else
            host_report(L, status);
        /* an instruction budget applies to one input, not to the whole session */
        host_ctx *ctx = host_context(L);
        if (ctx->instr_limit)
            host_set_instruction_limit(L, ctx->instr_limit);
    }
    lua_settop(L, 0);
    if (repl_tty) {
        write_history(hist);
        history_truncate_file(hist, 1000);
    } else {
        fputs("\n", stdout);
    }
    fflush(stdout);
    return EXIT_OK;
}
