/* charge.c — see charge.h. The rates (instructions charged for a unit of C work) are set
 * so that a charged instruction costs about what a counted one does (some 8 ns with the
 * budget hook on): a byte copied 1/16, a byte examined 1/8, a table element moved 2, a
 * sort comparison 4, a pattern-matching step 1/4. Measured with tests/13-crash-limits_spec.lua's
 * variants: no call of them under the default policy limits takes more than a fraction of
 * a second. */
#include "charge.h"

#include <math.h>
#include <string.h>

#include <lauxlib.h>

#include "cstack.h"
#include "host.h"
#include "patcost.h"

#define BYTES_COPIED 16     /* per instruction */
#define BYTES_EXAMINED 8
#define ELEMENT_MOVED 2     /* instructions per element */
#define COMPARISON 4
#define PATTERN_STEPS 4     /* per instruction */

/* Saturating conversion of a double count of instructions. */
static long long to_count(double x)
{
    if (!(x > 0))
        return 0;
    return x >= (double)(LLONG_MAX / 2) ? LLONG_MAX / 2 : (long long)x;
}

static double str_len(lua_State *L, int i)
{
    return lua_type(L, i) == LUA_TSTRING ? (double)lua_rawlen(L, i) : 0;
}

/* Sum of the string (or number) arguments' lengths from index `from`. */
static double strings_len(lua_State *L, int from)
{
    double sum = 0;
    for (int i = from; i <= lua_gettop(L); i++)
        if (lua_type(L, i) == LUA_TSTRING)
            sum += (double)lua_rawlen(L, i);
    return sum;
}

/* An integer argument, or `dflt` when absent or not an integer. */
static lua_Integer int_arg(lua_State *L, int i, lua_Integer dflt)
{
    int ok = 0;
    lua_Integer v = lua_tointegerx(L, i, &ok);
    return ok ? v : dflt;
}

/* The number of positions from i to j (inclusive), >= 0, without overflow. */
static double span(lua_Integer i, lua_Integer j)
{
    return j >= i ? (double)j - (double)i + 1 : 0;
}

/* The length of a table argument (its __len, as the function itself will ask), >= 0. */
static lua_Integer table_len(lua_State *L, int i)
{
    if (!lua_istable(L, i) && !luaL_getmetafield(L, i, "__len"))
        return 0;
    if (!lua_istable(L, i))
        lua_pop(L, 1);
    lua_len(L, i);
    int ok = 0;
    lua_Integer n = lua_tointegerx(L, -1, &ok);
    lua_pop(L, 1);
    return ok && n > 0 ? n : 0;
}

/* ------------------------------------------------------------ the costs */

static double cost_rep(lua_State *L)
{
    lua_Integer n = int_arg(L, 2, 0);
    return n > 0 ? (double)n * (str_len(L, 1) + str_len(L, 3)) / BYTES_COPIED : 0;
}

static double cost_scan(lua_State *L)         /* upper, lower, reverse, len-bound work */
{
    return str_len(L, 1) / BYTES_EXAMINED;
}

static double cost_byte(lua_State *L)
{
    double n = str_len(L, 1);
    lua_Integer i = int_arg(L, 2, 1), j = int_arg(L, 3, i);
    double count = span(i < 0 ? (lua_Integer)n + i + 1 : i, j < 0 ? (lua_Integer)n + j + 1 : j);
    return (count < n ? count : n) * ELEMENT_MOVED;
}

static double cost_args(lua_State *L)          /* char, utf8.char, select: per argument */
{
    return (double)lua_gettop(L) * ELEMENT_MOVED;
}

static double cost_tostring(lua_State *L)      /* a number made a string: a new string */
{
    (void)L;
    return 16;
}

static double cost_format(lua_State *L)        /* format, pack: the text made */
{
    return (double)lua_gettop(L) + strings_len(L, 1) / BYTES_COPIED;
}

static double cost_sub(lua_State *L)
{
    return str_len(L, 1) / BYTES_COPIED;
}

static double cost_unpack_string(lua_State *L) /* string.unpack(fmt, s) */
{
    return (str_len(L, 1) + str_len(L, 2)) / BYTES_EXAMINED;
}

/* Patterns: the bound of patcost.h, charged; a match that could not finish within the
 * budget left is refused before it starts (a pattern error, not a stop: nothing ran). */
static double pattern_cost(lua_State *L, int anchored_ok)
{
    if (lua_type(L, 1) != LUA_TSTRING || lua_type(L, 2) != LUA_TSTRING)
        return 0;
    size_t n, lp, scanned = 0;
    const char *s = lua_tolstring(L, 1, &n);
    const char *p = lua_tolstring(L, 2, &lp);
    double log_steps = patcost_log10(p, lp, s, n, anchored_ok, &scanned);
    double cost = (double)scanned / BYTES_EXAMINED + (double)n / BYTES_EXAMINED;
    host_ctx *ctx = host_context(L);
    double left = (double)(ctx->instr_limit - ctx->instr_used);
    double log_left = log10(left > 1 ? left * PATTERN_STEPS : 1);
    if (log_steps > log_left)
        luaL_error(L, "pattern '%s' is too complex for a text of %I characters: it could take "
                   "up to 10^%d steps, more than the instruction limit allows "
                   "(simplify the pattern or cut the text)",
                   p, (lua_Integer)n, (int)ceil(log_steps));
    return cost + pow(10, log_steps) / PATTERN_STEPS;
}

static double cost_find(lua_State *L)
{
    if (lua_toboolean(L, 4))                   /* plain */
        return str_len(L, 1) / BYTES_EXAMINED;
    return pattern_cost(L, 1);
}

static double cost_match(lua_State *L)
{
    return pattern_cost(L, 1);
}

static double cost_gmatch(lua_State *L)        /* '^' is not an anchor for gmatch */
{
    return pattern_cost(L, 0);
}

static double cost_gsub(lua_State *L)
{
    double cost = pattern_cost(L, 1);
    /* a replacement string is copied once per match, at most once per position */
    if (lua_type(L, 3) == LUA_TSTRING)
        cost += (str_len(L, 1) + 1) * str_len(L, 3) / BYTES_COPIED;
    return cost;
}

static double cost_insert(lua_State *L)        /* table.insert(t, pos, v) shifts */
{
    if (lua_gettop(L) != 3)
        return 1;
    lua_Integer n = table_len(L, 1);
    lua_Integer pos = int_arg(L, 2, 1);
    return span(pos, n) * ELEMENT_MOVED + 1;
}

static double cost_remove(lua_State *L)
{
    lua_Integer n = table_len(L, 1);
    lua_Integer pos = int_arg(L, 2, n);
    return span(pos, n) * ELEMENT_MOVED + 1;
}

static double cost_move(lua_State *L)
{
    return span(int_arg(L, 2, 1), int_arg(L, 3, 0)) * ELEMENT_MOVED;
}

static double cost_concat(lua_State *L)
{
    lua_Integer n = lua_isnoneornil(L, 4) ? table_len(L, 1) : 0;
    return span(int_arg(L, 3, 1), int_arg(L, 4, n)) * ELEMENT_MOVED;
}

static double cost_table_unpack(lua_State *L)
{
    lua_Integer n = lua_isnoneornil(L, 3) ? table_len(L, 1) : 0;
    return span(int_arg(L, 2, 1), int_arg(L, 3, n)) * ELEMENT_MOVED;
}

static double cost_sort(lua_State *L)
{
    double n = (double)table_len(L, 1);
    return n * log2(n + 1) * COMPARISON;
}

static double cost_utf8_span(lua_State *L)     /* len, offset: the text read */
{
    return str_len(L, 1) / BYTES_EXAMINED + (double)lua_gettop(L);
}

static double cost_codepoint(lua_State *L)     /* a value per character of s[i..j] */
{
    double n = str_len(L, 1);
    lua_Integer i = int_arg(L, 2, 1), j = int_arg(L, 3, i);
    double count = span(i < 0 ? (lua_Integer)n + i + 1 : i, j < 0 ? (lua_Integer)n + j + 1 : j);
    return (count < n ? count : n) * ELEMENT_MOVED + n / BYTES_EXAMINED;
}

/* A reader function's pieces are charged as they come. Upvalue 1: the reader. */
static int charged_reader(lua_State *L)
{
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_call(L, 0, 1);
    if (lua_type(L, -1) == LUA_TSTRING)
        host_charge(L, to_count(2 * str_len(L, -1)));
    return 1;
}

static double cost_load(lua_State *L)
{
    if (lua_type(L, 1) == LUA_TFUNCTION) {
        lua_pushvalue(L, 1);
        lua_pushcclosure(L, charged_reader, 1);
        lua_replace(L, 1);
    }
    return 2 * str_len(L, 1);       /* compiling: some 50 ns a byte */
}

/* Work done that is only known afterwards (the text concat or gsub made): its size. */
static double result_cost(lua_State *L, int nres)
{
    return nres > 0 && lua_type(L, -nres) == LUA_TSTRING
         ? (double)lua_rawlen(L, -nres) / BYTES_COPIED : 0;
}

typedef double (*cost_fn)(lua_State *L);

typedef struct charged_fn {
    const char *lib, *name;
    cost_fn cost;
    int after;          /* also charge the size of the first result */
} charged_fn;

static const charged_fn charged[] = {
    { "string", "rep", cost_rep, 0 },
    { "string", "upper", cost_scan, 0 },
    { "string", "lower", cost_scan, 0 },
    { "string", "reverse", cost_scan, 0 },
    { "string", "byte", cost_byte, 0 },
    { "string", "char", cost_args, 0 },
    { "string", "format", cost_format, 1 },
    { "string", "sub", cost_sub, 0 },
    { "string", "pack", cost_format, 1 },
    { "string", "unpack", cost_unpack_string, 0 },
    { "string", "find", cost_find, 0 },
    { "string", "match", cost_match, 0 },
    { "string", "gmatch", cost_gmatch, 0 },
    { "string", "gsub", cost_gsub, 1 },
    { "table", "insert", cost_insert, 0 },
    { "table", "remove", cost_remove, 0 },
    { "table", "move", cost_move, 0 },
    { "table", "concat", cost_concat, 1 },
    { "table", "unpack", cost_table_unpack, 0 },
    { "table", "sort", cost_sort, 0 },
    { "utf8", "char", cost_args, 0 },
    { "utf8", "codepoint", cost_codepoint, 0 },
    { "utf8", "len", cost_utf8_span, 0 },
    { "utf8", "offset", cost_utf8_span, 0 },
    { "_G", "select", cost_args, 0 },
    { "_G", "load", cost_load, 0 },
    { "_G", "tostring", cost_tostring, 0 },
};

/* The standard functions themselves (light C functions, without upvalues): called
 * directly, on the wrapper's own stack frame, so that the wrapper costs next to nothing
 * when no budget is set (the standard argument errors read the same: they name the
 * function from the calling code). */
static lua_CFunction originals[sizeof charged / sizeof *charged];

/* Upvalue 1: the function's index in `charged`. */
static int charged_call(lua_State *L)
{
    lua_Integer i = lua_tointeger(L, lua_upvalueindex(1));
    const charged_fn *f = &charged[i];
    if (!host_limited(L))
        return originals[i](L);
    cstack_check(L);
    host_charge(L, 0);              /* a stop under way: raised again before any work */
    host_charge(L, to_count(f->cost(L)));
    int nres = originals[i](L);
    if (f->after)
        host_charge(L, to_count(result_cost(L, nres)));
    return nres;
}

void charge_stdlib(lua_State *L)
{
    for (size_t i = 0; i < sizeof charged / sizeof *charged; i++) {
        const charged_fn *f = &charged[i];
        if (strcmp(f->lib, "_G") == 0)
            lua_pushglobaltable(L);
        else
            lua_getglobal(L, f->lib);
        lua_CFunction fn;
        if (lua_type(L, -1) == LUA_TTABLE && lua_getfield(L, -1, f->name) == LUA_TFUNCTION
            && (fn = lua_tocfunction(L, -1)) != NULL && fn != charged_call) {
            originals[i] = fn;
            lua_pop(L, 1);
            lua_pushinteger(L, (lua_Integer)i);
            lua_pushcclosure(L, charged_call, 1);
            lua_setfield(L, -2, f->name);
            lua_pop(L, 1);
        } else {
            lua_pop(L, 2);
        }
    }
}

/* ------------------------------------------------ admit's own functions */

/* Upvalue 1: the function. A string argument counts its bytes (text folding and
 * normalisation cost some 50 ns a byte: 2 instructions), a table its length (as many elements to read
 * and sort), before the call. */
static int charged_admit_call(lua_State *L)
{
    if (host_limited(L)) {
        cstack_check(L);
        double cost = 1;
        for (int i = 1; i <= lua_gettop(L); i++) {
            if (lua_type(L, i) == LUA_TSTRING)
                cost += 2 * (double)lua_rawlen(L, i);
            else if (lua_type(L, i) == LUA_TTABLE)
                cost += (double)lua_rawlen(L, i) * COMPARISON * log2((double)lua_rawlen(L, i) + 2);
        }
        host_charge(L, to_count(cost));
    }
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    return lua_gettop(L);
}

int charge_wrap(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TFUNCTION);
    lua_settop(L, 1);
    lua_pushcclosure(L, charged_admit_call, 1);
    return 1;
}
