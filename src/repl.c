/* repl.c — the interactive session, after lua.c's doREPL: each line is first tried as
 * `return <line>`, then as a statement; a chunk whose syntax error ends at <eof> continues
 * on the next line with the >> prompt. On a terminal it uses readline (unless built with
 * -DADMIT_NO_READLINE, which falls back to plain lines) with persistent
 * history (~/.admit_history or $ADMIT_HISTORY) and Tab completion, and Ctrl-C at the
 * prompt drops the line being typed; on a pipe it reads stdin with prompts on stdout, so
 * tests can drive it. Results are printed by the Lua-side pretty printer admit.repl.show;
 * completion candidates come from admit.repl.complete. */
#include "repl.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lauxlib.h>
#ifndef ADMIT_NO_READLINE
#include <readline/readline.h>
#include <readline/history.h>
#endif

#include "host.h"

#define EOFMARK "<eof>"
#define HISTORY_MAX 1000

/* What read_line found. */
enum { LINE_EOF = 0, LINE_OK = 1, LINE_INTERRUPTED = 2 };

static int repl_tty;
static int show_ref = LUA_NOREF, complete_ref = LUA_NOREF;  /* admit.repl functions */

/* ------------------------------------------------------------------ input */

static void get_prompt(lua_State *L, int first, char *buf, size_t size)
{
    lua_getglobal(L, first ? "_PROMPT" : "_PROMPT2");
    const char *p = lua_tostring(L, -1);
    snprintf(buf, size, "%s", p ? p : first ? "> " : ">> ");
    lua_pop(L, 1);
}

static int read_pipe_line(lua_State *L, const char *prompt)
{
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
        return LINE_EOF;
    }
    return LINE_OK;
}

#ifndef ADMIT_NO_READLINE
/* ============================================= readline: terminal input, Tab, history */

static lua_State *repl_L;      /* for the readline completion callback */
static char history_file[4096];
static int session_lines;      /* lines added to the history by this session */
static volatile sig_atomic_t prompt_interrupted;

/* ----------------------------------------------------------------- Ctrl-C */

/* At the prompt Ctrl-C only flags (installed without SA_RESTART, so that read() fails
 * with EINTR); prompt_getc, readline's input function, then shows ^C and ends the line,
 * which read_tty_line drops: a fresh prompt, as in the shells. readline's own signal
 * handling is off (rl_catch_signals = 0): nothing else needs it here. */
static void on_prompt_sigint(int sig)
{
    (void)sig;
    prompt_interrupted = 1;
}

static int prompt_getc(FILE *in)
{
    for (;;) {
        unsigned char ch;
        ssize_t n = read(fileno(in), &ch, 1);
        if (n == 1)
            return ch;
        if (n == 0 || errno != EINTR)
            return EOF;
        if (prompt_interrupted) {
            rl_point = rl_end;
            rl_redisplay();
            fputs("^C", rl_outstream);
            return '\n';
        }
    }
}

static int read_tty_line(lua_State *L, const char *prompt)
{
    prompt_interrupted = 0;
    char *line = readline(prompt);
    if (prompt_interrupted) {
        free(line);
        return LINE_INTERRUPTED;
    }
    if (line == NULL)
        return LINE_EOF;
    lua_pushstring(L, line);
    free(line);
    return LINE_OK;
}

static void add_history_line(const char *line)
{
    if (!repl_tty || line == NULL || *line == '\0')
        return;
    HIST_ENTRY *last = history_length > 0 ? history_get(history_base + history_length - 1) : NULL;
    if (last == NULL || strcmp(last->line, line) != 0) {
        add_history(line);
        session_lines++;
    }
}

/* ------------------------------------------------------------- completion */

static char **matches;         /* this Tab's candidates, handed out one by one */
static int match_count, match_next;

static void free_matches(void)
{
    for (int i = match_next; i < match_count; i++)
        free(matches[i]);
    free(matches);
    matches = NULL;
    match_count = match_next = 0;
}

/* Asks admit.repl.complete(line_so_far, word) for a list; the Lua stack is left as it was
 * (it may hold the first lines of a chunk being continued). */
static void collect_matches(const char *text)
{
    lua_State *L = repl_L;
    int top = lua_gettop(L);
    free_matches();
    lua_rawgeti(L, LUA_REGISTRYINDEX, complete_ref);
    lua_pushlstring(L, rl_line_buffer, (size_t)rl_point);
    lua_pushstring(L, text);
    if (host_docall(L, 2, 1) == LUA_OK && lua_istable(L, -1)) {
        int n = (int)lua_rawlen(L, -1);
        matches = calloc((size_t)n + 1, sizeof *matches);
        for (int i = 1; matches && i <= n; i++) {
            lua_rawgeti(L, -1, i);
            const char *s = lua_tostring(L, -1);
            if (s && (matches[match_count] = strdup(s)) != NULL)
                match_count++;
            lua_pop(L, 1);
        }
    }
    lua_settop(L, top);
}

static char *completion_generator(const char *text, int state)
{
    if (state == 0)
        collect_matches(text);
    if (match_next >= match_count) {
        free_matches();
        return NULL;
    }
    return matches[match_next++];  /* readline frees it */
}

static char **completion(const char *text, int start, int end)
{
    (void)start; (void)end;
    rl_attempted_completion_over = 1;  /* never fall back to file names */
    rl_completion_append_character = '\0';  /* `string.format(`, not `string.format (` */
    return rl_completion_matches(text, completion_generator);
}

/* --------------------------------------------------------------- history */

static void history_path(char *buf, size_t size)
{
    const char *env = getenv("ADMIT_HISTORY");
    const char *home = getenv("HOME");
    if (env && *env)
        snprintf(buf, size, "%s", env);
    else
        snprintf(buf, size, "%s/.admit_history", home ? home : ".");
}

/* For the whole terminal session Ctrl-C only flags, between inputs too (host_docall arms
 * the interrupting handler while Lua runs and then puts this one back). */
static struct sigaction sigint_before_repl;

static void arm_prompt_sigint(void)
{
    struct sigaction on_int = { .sa_handler = on_prompt_sigint };
    sigemptyset(&on_int.sa_mask);
    sigaction(SIGINT, &on_int, &sigint_before_repl);
}

static void disarm_prompt_sigint(void)
{
    sigaction(SIGINT, &sigint_before_repl, NULL);
}

/* Also runs at exit(), so that os.exit() in the REPL keeps the session's history. Only
 * this session's lines are appended, so that two sessions at once both keep theirs. */
static void save_history(void)
{
    if (history_file[0] == '\0')
        return;
    int added = session_lines < history_length ? session_lines : history_length;
    int failed = access(history_file, F_OK) == 0 ? append_history(added, history_file)
                                                 : write_history(history_file);
    if (!failed)
        history_truncate_file(history_file, HISTORY_MAX);
    history_file[0] = '\0';
    clear_history();
}

static void setup_readline(void)
{
    history_path(history_file, sizeof history_file);
    rl_readline_name = "admit";
    rl_basic_word_break_characters = " \t\n\"\\'`@$><=;|&{(,+-*/%^#~[].:";
    rl_attempted_completion_function = completion;
    rl_catch_signals = 0;
    rl_getc_function = prompt_getc;
    using_history();
    stifle_history(HISTORY_MAX);
    read_history(history_file);  /* a missing file is a first session */
    static int registered;
    if (!registered)
        registered = atexit(save_history) == 0;
}

#else
/* Built with -DADMIT_NO_READLINE: plain lines on a terminal too, no history, no Tab. */
static int read_tty_line(lua_State *L, const char *prompt)
{
    return read_pipe_line(L, prompt);
}
static void add_history_line(const char *line) { (void)line; }
static void setup_readline(void) {}
static void save_history(void) {}
static void arm_prompt_sigint(void) {}
static void disarm_prompt_sigint(void) {}
#endif

/* Pushes the next line without its newline when it returns LINE_OK. */
static int read_line(lua_State *L, int first)
{
    char prompt[256];
    get_prompt(L, first, prompt, sizeof prompt);
    return repl_tty ? read_tty_line(L, prompt) : read_pipe_line(L, prompt);
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

/* Line at index 1: keep reading lines while the chunk is incomplete. Returns a load
 * status, or -1 when Ctrl-C dropped the chunk. */
static int multiline(lua_State *L)
{
    for (;;) {
        size_t len;
        const char *line = lua_tolstring(L, 1, &len);
        int status = luaL_loadbuffer(L, line, len, "=stdin");
        if (!incomplete(L, status))
            return status;
        int got = read_line(L, 0);
        if (got == LINE_INTERRUPTED)
            return -1;
        if (got == LINE_EOF)  /* report the <eof> error as lua.c does */
            return luaL_loadbuffer(L, line, len, "=stdin");
        lua_pushliteral(L, "\n");
        lua_insert(L, -2);
        lua_concat(L, 3);
    }
}

/* Reads a whole chunk and compiles it; leaves the function (or an error) on top.
 * Returns the load status, -1 at end of input, -2 when Ctrl-C dropped the input. */
static int load_line(lua_State *L)
{
    lua_settop(L, 0);
    int got = read_line(L, 1);
    if (got == LINE_EOF)
        return -1;
    if (got == LINE_INTERRUPTED)
        return -2;
    int status = try_as_expression(L);
    if (status != LUA_OK)
        status = multiline(L);
    add_history_line(lua_tostring(L, 1));
    if (status == -1) {
        lua_settop(L, 0);
        return -2;
    }
    lua_remove(L, 1);
    return status;
}

/* Prints every result on the stack through admit.repl.show(...). */
static void print_results(lua_State *L)
{
    int n = lua_gettop(L);
    if (n == 0)
        return;
    lua_rawgeti(L, LUA_REGISTRYINDEX, show_ref);
    lua_insert(L, 1);
    if (host_docall(L, n, 0) != LUA_OK)
        host_report(L, LUA_ERRRUN);
}

/* ------------------------------------------------------------------- loop */

/* Loads admit.repl once and keeps show and complete in the registry. */
static int load_callbacks(lua_State *L)
{
    lua_getglobal(L, "require");
    lua_pushliteral(L, "admit.repl");
    if (host_docall(L, 1, 1) != LUA_OK)
        return host_report(L, LUA_ERRRUN);  /* a broken install */
    lua_getfield(L, -1, "show");
    show_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_getfield(L, -1, "complete");
    complete_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_pop(L, 1);
    return EXIT_OK;
}

int repl_run(lua_State *L)
{
#ifndef ADMIT_NO_READLINE
    repl_L = L;
#endif
    repl_tty = isatty(0);
    lua_settop(L, 0);
    int code = load_callbacks(L);
    if (code != EXIT_OK)
        return code;
    if (repl_tty) {
        setup_readline();
        arm_prompt_sigint();
    }
    int status;
    while ((status = load_line(L)) != -1) {
        if (status == -2)
            continue;  /* Ctrl-C at the prompt: a fresh line */
        if (status == LUA_OK)
            status = host_docall(L, 0, LUA_MULTRET);
        if (status == LUA_OK)
            print_results(L);
        else
            host_report(L, status);
        /* an instruction budget applies to one input, not to the whole session */
        host_restart_budget(L);
    }
    lua_settop(L, 0);
    fputs("\n", stdout);  /* Ctrl-D: leave the shell prompt on a line of its own */
    fflush(stdout);
    if (repl_tty) {
        disarm_prompt_sigint();
        save_history();
    }
    luaL_unref(L, LUA_REGISTRYINDEX, show_ref);
    luaL_unref(L, LUA_REGISTRYINDEX, complete_ref);
    show_ref = complete_ref = LUA_NOREF;
    return EXIT_OK;
}
