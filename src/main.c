/* main.c — admit's command line, shaped after lua.c of Lua 5.4 so that busted and any
 * lua(1) user find the same options: admit [options] [script [args]] | admit COMMAND [args].
 * Everything runs inside pmain under lua_pcall; the exit status comes from there. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lualib.h>

#include "cpulimit.h"
#include "cstack.h"
#include "host.h"
#include "i18n.h"
#include "input.h"
#include "repl.h"

#define PROGNAME "admit"

/* Bits of what collect_args found. */
enum {
    HAS_ERROR = 1, HAS_I = 2, HAS_V = 4, HAS_E = 8, HAS_BIGE = 16, HAS_HELP = 32,
    HAS_SANDBOX = 64
};

typedef struct cli {
    int argc;
    char **argv;
    int flags;
    int script;              /* index of the script or command in argv, 0 if none */
    long long max_memory_mb; /* 0 = none */
    long long max_instr;     /* 0 = none */
    long long max_seconds;   /* 0 = none */
    const char *bad;         /* the option that was wrong */
    const char *lang;        /* --lang fr|en, NULL: from the environment */
} cli;

static const char usage_text[] =
    "usage: " PROGNAME " [options] [script [args]]\n"
    "       " PROGNAME " COMMAND [args]        (" PROGNAME " help COMMAND for its options)\n"
    "Options (as in lua(1)):\n"
    "  -e stat              execute string 'stat'\n"
    "  -i                   enter interactive mode after running the script\n"
    "  -l mod               require library 'mod' into global 'mod'\n"
    "  -l g=mod             require library 'mod' into global 'g'\n"
    "  -v                   show version information\n"
    "  -E                   ignore environment variables (LUA_INIT, LUA_PATH, ...)\n"
    "  -W                   turn warnings on\n"
    "  --                   stop handling options\n"
    "  -                    run the script on stdin and stop handling options\n"
    "admit's own options:\n"
    "  --sandbox            run the script with the safe globals only (no io, os, C modules)\n"
    "  --max-memory MB      cap the memory of the Lua interpreter\n"
    "  --max-instructions N stop a script after about N virtual-machine instructions\n"
    "  --max-seconds N      stop the run after N seconds of CPU time, whatever it is doing\n"
    "  --max-input SIZE     refuse an input file larger than SIZE (bytes, or K, M, G;\n"
    "                       default 1G); every command takes it too\n"
    "  --lang fr|en         language of messages, summaries and help (default: from\n"
    "                       LC_ALL, LC_MESSAGES or LANG: fr* gives French)\n"
    "  -h, --help           this help and the list of commands\n"
    "A SCRIPT is anything containing '/' or ending in '.lua'; any other word is a COMMAND.\n"
    "Without a script or command: the REPL on a terminal, else the script on stdin.\n";

/* ----------------------------------------------------------- argument scan */

static int parse_count(const char *s, long long *out)
{
    char *end;
    long long v = strtoll(s, &end, 10);
    if (*s == '\0' || *end != '\0' || v <= 0)
        return 0;
    *out = v;
    return 1;
}

/* A pure scan, as lua.c's collectargs: records flags and where the script starts. */
static void collect_args(cli *c)
{
    char **argv = c->argv;
    int i;
    if (c->argc < 1)
        return;                          /* no program name, no arguments (execve quirk) */
    for (i = 1; argv[i] != NULL; i++) {
        const char *a = argv[i];
        c->script = i;
        if (a[0] != '-')
            return;                      /* script or command */
        if (strcmp(a, "--") == 0) {
            c->script = argv[i + 1] ? i + 1 : 0;
            return;
        }
        if (strcmp(a, "-") == 0)
            return;                      /* stdin is the script */
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            c->flags |= HAS_HELP;
            continue;
        }
        if (strcmp(a, "--sandbox") == 0) {
            c->flags |= HAS_SANDBOX;
            continue;
        }
        if (strcmp(a, "--max-input") == 0) {
            uint64_t bytes;
            if (argv[i + 1] == NULL || input_parse_size(argv[i + 1], &bytes) != 0) {
                c->bad = a;
                c->flags |= HAS_ERROR;
                return;
            }
            input_set_max(bytes);
            i++;
            continue;
        }
        if (strcmp(a, "--lang") == 0) {
            if (argv[i + 1] == NULL) {
                c->bad = a;
                c->flags |= HAS_ERROR;
                return;
            }
            c->lang = argv[++i];
            continue;
        }
        if (strncmp(a, "--lang=", 7) == 0) {
            c->lang = a + 7;
            continue;
        }
        if (strcmp(a, "--max-memory") == 0 || strcmp(a, "--max-instructions") == 0
            || strcmp(a, "--max-seconds") == 0) {
            long long *dst = a[6] == 'm' ? &c->max_memory_mb : a[6] == 's' ? &c->max_seconds
                           : &c->max_instr;
            if (argv[i + 1] == NULL || !parse_count(argv[i + 1], dst)) {
                c->bad = a;
                c->flags |= HAS_ERROR;
                return;
            }
            i++;
            continue;
        }
        if (a[0] == '-' && a[1] == '-') {
            c->bad = a;
            c->flags |= HAS_ERROR;
            return;
        }
        switch (a[1]) {
        case 'E': if (a[2]) goto bad; c->flags |= HAS_BIGE; break;
        case 'W': if (a[2]) goto bad; break;
        case 'i': if (a[2]) goto bad; c->flags |= HAS_I | HAS_V; break;
        case 'v': if (a[2]) goto bad; c->flags |= HAS_V; break;
        case 'e':
            c->flags |= HAS_E;
            /* fallthrough */
        case 'l':
            if (a[2] == '\0') {
                i++;
                if (argv[i] == NULL || argv[i][0] == '-') {
                    c->bad = a;
                    c->flags |= HAS_ERROR;
                    return;
                }
            }
            break;
        default:
        bad:
            c->bad = a;
            c->flags |= HAS_ERROR;
            return;
        }
    }
    c->script = 0;
}

/* Prints text on fp in the user's language. */
static void say(lua_State *L, FILE *fp, const char *text)
{
    fputs(i18n_push(L, text), fp);
    lua_pop(L, 1);
}

static void print_usage(lua_State *L, const cli *c)
{
    char line[512];
    line[0] = '\0';
    if (c->bad) {
        if (strcmp(c->bad, "--max-memory") == 0 || strcmp(c->bad, "--max-instructions") == 0
            || strcmp(c->bad, "--max-seconds") == 0)
            snprintf(line, sizeof line, "'%.400s' needs a positive whole number", c->bad);
        else if (strcmp(c->bad, "--max-input") == 0)
            snprintf(line, sizeof line, "'--max-input' needs a size: a positive whole number of "
                     "bytes, or with K, M, G or T");
        else if (strcmp(c->bad, "--lang") == 0 ||
                 ((c->bad[1] == 'e' || c->bad[1] == 'l') && c->bad[2] == '\0'))
            snprintf(line, sizeof line, "'%.400s' needs argument", c->bad);
        else
            snprintf(line, sizeof line, "unrecognized option '%.400s'", c->bad);
        host_message(PROGNAME, i18n_push(L, line));
        lua_pop(L, 1);
    }
    say(L, stderr, usage_text);
}

/* ------------------------------------------------------------ --sandbox */

/* With --sandbox every chunk of the command line (-e, the script, stdin) is loaded as text
 * only and runs in one sandbox environment, admit.sandbox.env{arg = arg}, made on first use
 * and kept in the registry. */
static int sandboxed = 0;
#define SANDBOX_ENV_KEY "admit.cli_sandbox_env"

/* The loaded chunk is on top: binds its _ENV to the sandbox env. Returns a lua_pcall
 * status (on error the error object is on top). */
static int sandbox_bind(lua_State *L)
{
    if (lua_getfield(L, LUA_REGISTRYINDEX, SANDBOX_ENV_KEY) != LUA_TTABLE) {
        lua_pop(L, 1);
        lua_getglobal(L, "admit");
        lua_getfield(L, -1, "sandbox");
        lua_getfield(L, -1, "env");
        lua_replace(L, -3);
        lua_pop(L, 1);
        lua_createtable(L, 0, 1);
        lua_getglobal(L, "arg");
        lua_setfield(L, -2, "arg");
        int status = host_docall(L, 1, 1);
        if (status != LUA_OK)
            return status;
        lua_pushvalue(L, -1);
        lua_setfield(L, LUA_REGISTRYINDEX, SANDBOX_ENV_KEY);
    }
    lua_setupvalue(L, -2, 1);
    /* chunk = admit.sandbox.guarded(chunk): its errors become plain data before the
     * host's handler sees them (no metamethod of the script runs there) */
    lua_getglobal(L, "admit");
    lua_getfield(L, -1, "sandbox");
    lua_getfield(L, -1, "guarded");
    lua_replace(L, -3);
    lua_pop(L, 1);
    lua_insert(L, -2);
    return host_docall(L, 1, 1);
}

/* What --sandbox cannot be combined with, or NULL. */
static const char *sandbox_refusal(const cli *c, int is_command)
{
    for (int i = 1; i < (c->script ? c->script : c->argc); i++)
        if (strncmp(c->argv[i], "-l", 2) == 0)
            return "--sandbox cannot be used with -l (there is no require in the sandbox)";
    if (c->flags & HAS_I)
        return "--sandbox runs a script, not the interactive mode (-i)";
    if (is_command)
        return "--sandbox applies to a script (a path or a name ending in .lua), not to a "
               "command; commands load policies in the sandbox anyway";
    if (c->script == 0 && !(c->flags & (HAS_E | HAS_V)) && isatty(0))
        return "--sandbox needs a script, - (stdin) or -e";
    return NULL;
}

/* ------------------------------------------------------------ run helpers */

static int dochunk(lua_State *L, int status)
{
    if (status == LUA_OK && sandboxed)
        status = sandbox_bind(L);
    if (status == LUA_OK)
        status = host_docall(L, 0, 0);
    return host_report(L, status);
}

static int dostring(lua_State *L, const char *s, const char *name)
{
    return dochunk(L, luaL_loadbufferx(L, s, strlen(s), name, sandboxed ? "t" : NULL));
}

/* -l mod or -l g=mod: global g = require(mod). */
static int dolibrary(lua_State *L, char *spec)
{
    char *eq = strchr(spec, '=');
    const char *mod = eq ? eq + 1 : spec;
    if (eq)
        *eq = '\0';
    lua_getglobal(L, "require");
    lua_pushstring(L, mod);
    int status = host_docall(L, 1, 1);
    if (status == LUA_OK)
        lua_setglobal(L, spec);
    if (eq)
        *eq = '=';
    return host_report(L, status);
}

/* The arg table: script at 0, its arguments at 1..n, earlier words at negative indices. */
static void create_arg_table(lua_State *L, char **argv, int argc, int script)
{
    int narg = argc - (script + 1);
    lua_createtable(L, narg, script + 1);
    for (int i = 0; i < argc; i++) {
        lua_pushstring(L, argv[i]);
        lua_rawseti(L, -2, i - script);
    }
    lua_setglobal(L, "arg");
}

static int push_args(lua_State *L)
{
    if (lua_getglobal(L, "arg") != LUA_TTABLE)
        luaL_error(L, "'arg' is not a table");
    int n = (int)luaL_len(L, -1);
    luaL_checkstack(L, n + 3, "too many arguments to script");
    for (int i = 1; i <= n; i++)
        lua_rawgeti(L, -i, i);
    lua_remove(L, -n - 1);
    return n;
}

static int is_script_path(const char *s)
{
    size_t n = strlen(s);
    return strcmp(s, "-") == 0 || strchr(s, '/') != NULL || (n >= 4 && strcmp(s + n - 4, ".lua") == 0);
}

/* A relative "scripts/..." path that is not in the current folder names admit's own
 * example scripts (<home>/scripts/...): `admit scripts/compare_policies.lua` runs from a
 * source tree and from an installed copy alike. Returns the path to load. */
static const char *script_path(lua_State *L, const char *fname)
{
    static char own[sizeof host_context(L)->home + 4096];
    if (fname && strncmp(fname, "scripts/", 8) == 0 && access(fname, F_OK) != 0 &&
        (size_t)snprintf(own, sizeof own, "%s/%s", host_context(L)->home, fname) < sizeof own &&
        access(own, R_OK) == 0)
        return own;
    return fname;
}

/* The text of a script as lua_load reads it: a "\n" standing for a skipped #! line
 * (line numbers stay right), then the rest of the file. */
typedef struct script_text {
    const char *part[2];
    size_t len[2];
    int next;
} script_text;

static const char *script_reader(lua_State *L, void *data, size_t *size)
{
    script_text *t = data;
    (void)L;
    while (t->next < 2 && t->len[t->next] == 0) t->next++;
    if (t->next == 2) { *size = 0; return NULL; }
    *size = t->len[t->next];
    return t->part[t->next++];
}

/* luaL_loadfilex, but the file is read once through input_read (input.h), so that a
 * script too is bounded by --max-input (an endless `yes | admit -` stops there). Skips a
 * UTF-8 BOM and a first line starting with '#', as lua.c does. */
static int load_script(lua_State *L, const char *fname, const char *mode)
{
    size_t len;
    errloc err;
    char *buf = input_read(fname, NULL, &len, &err);
    if (!buf) {
        lua_pushstring(L, err.msg);
        return LUA_ERRFILE;
    }
    script_text t = { { "\n", buf }, { 0, len }, 0 };
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) { t.part[1] += 3; t.len[1] -= 3; }
    if (t.len[1] > 0 && t.part[1][0] == '#') {
        const char *eol = memchr(t.part[1], '\n', t.len[1]);
        size_t skip = eol ? (size_t)(eol - t.part[1]) + 1 : t.len[1];
        t.part[1] += skip;
        t.len[1] -= skip;
        t.len[0] = 1;
    }
    lua_pushfstring(L, fname ? "@%s" : "=stdin", fname);
    const char *chunkname = lua_tostring(L, -1);
    int status = lua_load(L, script_reader, &t, chunkname, mode);
    lua_remove(L, -2);
    free(buf);
    return status;
}

/* Loads a script (stdin for "-" or NULL), in the sandbox when asked, and runs it. */
static int handle_script(lua_State *L, const char *fname, int sandbox)
{
    fname = script_path(L, fname);
    int status = load_script(L, fname, sandbox ? "t" : NULL);
    if (status == LUA_ERRFILE) {  /* a missing or unreadable script: bad input */
        host_report(L, status);
        return EXIT_INPUT;
    }
    const char *why = status == LUA_ERRSYNTAX ? lua_tostring(L, -1) : NULL;
    if (sandbox && why && strstr(why, "binary chunk")) {
        /* Lua's message names no file: say which one, and why it is refused (a load
         * error like a syntax error: exit 1, as SCRIPTING.md says) */
        lua_pushfstring(L, "%s: %s: the sandbox runs source text only",
                        fname && strcmp(fname, "-") != 0 ? fname : "stdin", why);
        lua_remove(L, -2);
        return host_report(L, status);
    }
    if (status == LUA_OK && sandbox)
        status = sandbox_bind(L);
    if (status == LUA_OK) {
        int n = push_args(L);
        status = host_docall(L, n, 0);
    }
    return host_report(L, status);
}

/* admit COMMAND args: admit.cli.run(name, {args}) returns the exit status. */
static int handle_command(lua_State *L, char **argv, int argc, int at)
{
    lua_getglobal(L, "require");
    lua_pushliteral(L, "admit.cli");
    int status = host_docall(L, 1, 1);
    if (status != LUA_OK)
        return host_report(L, status);
    lua_getfield(L, -1, "run");
    lua_remove(L, -2);
    lua_pushstring(L, argv[at]);
    lua_createtable(L, argc - at - 1, 0);
    for (int i = at + 1; i < argc; i++) {
        lua_pushstring(L, argv[i]);
        lua_rawseti(L, -2, i - at);
    }
    status = host_docall(L, 2, 1);
    if (status != LUA_OK)
        return host_report(L, status);
    int code = lua_isinteger(L, -1) ? (int)lua_tointeger(L, -1) : EXIT_OK;
    lua_pop(L, 1);
    return code;
}

static int handle_luainit(lua_State *L)
{
    const char *name = "=LUA_INIT_5_4";
    const char *init = getenv(name + 1);
    if (init == NULL) {
        name = "=" "LUA_INIT";
        init = getenv(name + 1);
    }
    if (init == NULL)
        return EXIT_OK;
    if (init[0] == '@')
        return dochunk(L, luaL_loadfile(L, init + 1));
    return dostring(L, init, name);
}

/* Runs -e, -l and -W in the order given (as lua.c: `-e 'warn"x"' -W` warns nothing). */
static int run_args(lua_State *L, char **argv, int n)
{
    for (int i = 1; i < n; i++) {
        const char *a = argv[i];
        if (a[0] != '-')
            continue;
        if (strcmp(a, "--max-memory") == 0 || strcmp(a, "--max-instructions") == 0
            || strcmp(a, "--max-seconds") == 0 || strcmp(a, "--max-input") == 0
            || strcmp(a, "--lang") == 0) {
            i++;  /* skip the value */
            continue;
        }
        if (strcmp(a, "-W") == 0) {
            lua_warning(L, "@on", 0);
            continue;
        }
        if (a[1] != 'e' && a[1] != 'l')
            continue;
        char *extra = a[2] ? (char *)a + 2 : argv[++i];
        int code = a[1] == 'e' ? dostring(L, extra, "=(command line)") : dolibrary(L, extra);
        if (code != EXIT_OK)
            return code;
    }
    return EXIT_OK;
}

static void print_version(lua_State *L)
{
    char line[160];
    snprintf(line, sizeof line, "admit 0.1 (%s) — minimum-rate admissions for Parcoursup\n", LUA_RELEASE);
    say(L, stdout, line);
    fflush(stdout);
}

static int print_help(lua_State *L)
{
    say(L, stdout, usage_text);
    lua_getglobal(L, "require");
    lua_pushliteral(L, "admit.cli");
    int status = host_docall(L, 1, 1);
    if (status == LUA_OK) {
        lua_getfield(L, -1, "command_list");
        lua_remove(L, -2);
        status = host_docall(L, 0, 1);
    }
    if (status != LUA_OK)
        return host_report(L, status);
    lua_pushliteral(L, "Commands:\n");
    lua_insert(L, -2);
    lua_concat(L, 2);
    say(L, stdout, lua_tostring(L, -1));
    lua_pop(L, 1);
    return EXIT_OK;
}

/* After `require "admit"` failed: if the library is not where the host looked, say so
 * (a binary copied without its lua/ directory) rather than leave only require's list. */
static void explain_missing_library(lua_State *L)
{
    const char *home = host_context(L)->home;
    char init[sizeof host_context(L)->home + 32];
    snprintf(init, sizeof init, "%s/lua/admit/init.lua", home);
    if (access(init, R_OK) != 0)
        fprintf(stderr, PROGNAME ": the Lua library is not in %s/lua: install admit with "
                "'make install', or set ADMIT_HOME to the directory holding lua/admit\n", home);
}

/* --------------------------------------------------------------- pmain */

/* Loads admit.i18n (every later message goes through it) and applies --lang. A library
 * that cannot be loaded leaves messages in English; the require of admit says why. */
static int choose_language(lua_State *L, const char *lang)
{
    int top = lua_gettop(L);
    lua_getglobal(L, "require");
    lua_pushliteral(L, "admit.i18n");
    if (host_docall(L, 1, 1) != LUA_OK) {
        lua_pop(L, 1);
        return EXIT_OK;
    }
    if (lang == NULL) {
        lua_pop(L, 1);
        return EXIT_OK;
    }
    lua_getfield(L, -1, "set");
    lua_remove(L, -2);
    lua_pushstring(L, lang);
    if (host_docall(L, 1, 2) != LUA_OK)
        return host_report(L, LUA_ERRRUN);
    int ok = !lua_isnil(L, -2);
    if (!ok)
        host_message(PROGNAME, i18n_push(L, lua_tostring(L, -1)));
    lua_settop(L, top);
    return ok ? EXIT_OK : EXIT_INPUT;
}

static int pmain(lua_State *L)
{
    cli *c = lua_touserdata(L, 1);
    char **argv = c->argv;

    luaL_checkversion(L);
    if (c->flags & HAS_BIGE) {
        lua_pushboolean(L, 1);
        lua_setfield(L, LUA_REGISTRYINDEX, "LUA_NOENV");
    }
    host_openlibs(L);
    if (choose_language(L, c->lang) != EXIT_OK) {
        lua_pushinteger(L, EXIT_INPUT);
        return 1;
    }
    if (c->flags & HAS_ERROR) {
        print_usage(L, c);
        lua_pushinteger(L, EXIT_INPUT);
        return 1;
    }
    create_arg_table(L, argv, c->argc, c->script);
    lua_gc(L, LUA_GCGEN, 0, 0);

    /* The global admit, the module every script and the REPL use. */
    lua_getglobal(L, "require");
    lua_pushliteral(L, "admit");
    int code = host_report(L, host_docall(L, 1, 1));
    if (code != EXIT_OK) {
        explain_missing_library(L);
        lua_pushinteger(L, code);
        return 1;
    }
    lua_setglobal(L, "admit");

    /* --sandbox, --max-memory, --max-instructions (the limits hold from here on) */
    if (c->flags & HAS_SANDBOX) {
        const char *target = c->script ? argv[c->script] : NULL;
        int after_dashdash = c->script > 1 && strcmp(argv[c->script - 1], "--") == 0;
        const char *why = sandbox_refusal(c, target && !after_dashdash && !is_script_path(target));
        if (why) {
            host_message(PROGNAME, i18n_push(L, why));
            lua_pushinteger(L, EXIT_INPUT);
            return 1;
        }
        sandboxed = 1;
    }
    if (c->max_memory_mb)
        host_set_memory_limit(L, (unsigned long long)c->max_memory_mb > SIZE_MAX / (1024 * 1024)
                                     ? SIZE_MAX : (size_t)c->max_memory_mb * 1024 * 1024);
    if (c->max_instr)
        host_set_instruction_limit(L, c->max_instr);
    host_fix_limits(L);      /* from here on a script may only lower them */
    if (c->max_seconds)
        cpulimit_tighten((double)c->max_seconds);

    if (c->flags & HAS_HELP) {
        lua_pushinteger(L, print_help(L));
        return 1;
    }
    if (c->flags & HAS_V)
        print_version(L);
    if (!(c->flags & HAS_BIGE) && !sandboxed && (code = handle_luainit(L)) != EXIT_OK)
        goto done;
    int stop = c->script > 0 ? c->script : c->argc;
    if ((code = run_args(L, argv, stop)) != EXIT_OK)
        goto done;
    if (c->script > 0) {
        const char *target = argv[c->script];
        int after_dashdash = c->script > 1 && strcmp(argv[c->script - 1], "--") == 0;
        if (!after_dashdash && !is_script_path(target))
            code = handle_command(L, argv, c->argc, c->script);
        else
            code = handle_script(L, strcmp(target, "-") == 0 && !after_dashdash ? NULL : target,
                                 c->flags & HAS_SANDBOX);
        if (code != EXIT_OK)
            goto done;
    }
    if (c->flags & HAS_I)
        code = repl_run(L);
    else if (c->script == 0 && !(c->flags & (HAS_E | HAS_V))) {
        if (isatty(0)) {
            print_version(L);
            code = repl_run(L);
        } else {
            code = handle_script(L, NULL, c->flags & HAS_SANDBOX);
        }
    }
done:
    lua_pushinteger(L, code);
    return 1;
}

/* The whole run, on the thread with a large C stack (cstack.h). */
static int run_all(void *arg)
{
    static host_ctx ctx = { .progname = PROGNAME };
    cli *c = arg;
    lua_State *L = host_newstate(&ctx);
    if (L == NULL) {
        host_message(PROGNAME, "cannot create state: not enough memory");
        return EXIT_RUNTIME;
    }
    lua_pushcfunction(L, pmain);
    lua_pushlightuserdata(L, c);
    int status = lua_pcall(L, 1, 1, 0);
    int code = status == LUA_OK ? (int)lua_tointeger(L, -1) : host_report(L, status);
    int stopped_before = ctx.instr_tripped || ctx.mem_tripped;
    lua_close(L);
    /* a finalizer run at the end (lua_close) that reached a limit: the run failed too */
    if (code == EXIT_OK && !stopped_before && (ctx.instr_tripped || ctx.mem_tripped)) {
        char msg[160];
        if (ctx.instr_tripped)
            snprintf(msg, sizeof msg, "instruction limit reached (%lld instructions) in a __gc "
                     "finalizer: the script was stopped", ctx.instr_stated);
        else
            snprintf(msg, sizeof msg, "not enough memory (in a __gc finalizer)");
        host_message(PROGNAME, msg);
        code = EXIT_RUNTIME;
    }
    return code;
}

int main(int argc, char **argv)
{
    cli c = { .argc = argc, .argv = argv };
    collect_args(&c);
    cpulimit_progname(PROGNAME);
    return cstack_run(run_all, &c, PROGNAME);
}
