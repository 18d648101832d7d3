/* l_util.c — small host services for the Lua side: install paths, limits, a generic
 * located CSV reader into Lua tables, and atomic file writes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include <lauxlib.h>

#include "atomic.h"
#include "csv_excel.h"
#include "csvread.h"
#include "host.h"
#include "l_admit.h"

/* ------------------------------------------------------- read_csv(path) */

/* The rows are first collected in plain C memory, owned by a scratch userdata: the libcsv
 * callback must never touch Lua (a memory error would longjmp out of libcsv, leaving its
 * state and buffer behind). Lua tables are built only after the reader has returned and
 * freed libcsv; if building them runs out of memory, the error unwinds normally and the
 * scratch box is collected with everything in it. */
#define CSV_SCRATCH "admit.csv_scratch"

typedef struct csv_scratch {
    char *text;               /* every field, NUL-terminated, one after the other */
    size_t text_len, text_cap;
    size_t *field_off;        /* per field: offset in text */
    size_t *field_len;
    size_t nfields, fields_cap;
    size_t *row_first;        /* per row (row 0 = header): index of its first field */
    size_t *row_line;
    size_t nrows, rows_cap;
    size_t mem_room;          /* bytes the Lua memory cap still allows (0 = no cap) */
    size_t *head_col;         /* 1-based file column of each header field, when columns with
                               * no name were left out (NULL: field i is column i) */
    size_t nhead_col;
    int out_of_memory;
} csv_scratch;

static void scratch_release(csv_scratch *t)
{
    free(t->text);
    free(t->field_off);
    free(t->field_len);
    free(t->row_first);
    free(t->row_line);
    free(t->head_col);
    memset(t, 0, sizeof *t);
}

/* __gc and __close of the box (it never leaves l_read_csv: no other method). */
static int scratch_gc(lua_State *L)
{
    scratch_release(luaL_checkudata(L, 1, CSV_SCRATCH));
    return 0;
}

/* Makes room for `need` elements of `elem` bytes in *p; counts the growth against the
 * memory cap of the Lua state, so that --max-memory bounds reading too. */
static int scratch_grow(csv_scratch *t, void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t ncap = *cap ? *cap : 64;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2 / elem)
            return -1;
        ncap *= 2;
    }
    size_t more = (ncap - *cap) * elem;
    if (t->mem_room) {
        if (more >= t->mem_room)
            return -1;
        t->mem_room -= more;
    }
    void *np = realloc(*p, ncap * elem);
    if (!np)
        return -1;
    *p = np;
    *cap = ncap;
    return 0;
}

static int scratch_add_row(csv_scratch *t, const csv_row *row)
{
    size_t text = 0;
    for (size_t i = 0; i < row->nfields; i++)
        text += row->len[i] + 1;
    size_t fcap = t->fields_cap, rcap = t->rows_cap;
    if (scratch_grow(t, (void **)&t->text, &t->text_cap, t->text_len + text, 1)
        || scratch_grow(t, (void **)&t->field_off, &fcap, t->nfields + row->nfields, sizeof(size_t))
        || scratch_grow(t, (void **)&t->field_len, &t->fields_cap, t->nfields + row->nfields, sizeof(size_t))
        || scratch_grow(t, (void **)&t->row_first, &rcap, t->nrows + 1, sizeof(size_t))
        || scratch_grow(t, (void **)&t->row_line, &t->rows_cap, t->nrows + 1, sizeof(size_t)))
        return -1;
    t->row_first[t->nrows] = t->nfields;
    t->row_line[t->nrows] = row->line;
    t->nrows++;
    for (size_t i = 0; i < row->nfields; i++) {
        memcpy(t->text + t->text_len, row->field[i], row->len[i] + 1);
        t->field_off[t->nfields] = t->text_len;
        t->field_len[t->nfields] = row->len[i];
        t->text_len += row->len[i] + 1;
        t->nfields++;
    }
    return 0;
}

/* Row callback: C only. */
static int csv_collect(void *vt, csv_reader *rd, const csv_row *row)
{
    csv_scratch *t = vt;
    if (row->index == 0 && row->column && row->nfields) {
        size_t cap = 0;
        if (scratch_grow(t, (void **)&t->head_col, &cap, row->nfields, sizeof(size_t)) != 0) {
            t->out_of_memory = 1;
            csv_fail(rd, 0, "not enough memory");
            return -1;
        }
        for (size_t i = 0; i < row->nfields; i++) t->head_col[i] = csv_column(row, i);
        t->nhead_col = row->nfields;
    }
    if (scratch_add_row(t, row) != 0) {
        t->out_of_memory = 1;
        csv_fail(rd, 0, "not enough memory");
        return -1;
    }
    return 0;
}

static size_t row_nfields(const csv_scratch *t, size_t r)
{
    return (r + 1 < t->nrows ? t->row_first[r + 1] : t->nfields) - t->row_first[r];
}

/* Pushes header (a list of names; header.column_in_file[i] is the file column of name i
 * when columns with no name were left out) and rows (tables from names to strings, _line). */
static void scratch_push(lua_State *L, const csv_scratch *t)
{
    size_t nhead = t->nrows ? row_nfields(t, 0) : 0;
    lua_createtable(L, (int)nhead, 1);
    int header = lua_gettop(L);
    for (size_t i = 0; i < nhead; i++) {
        lua_pushlstring(L, t->text + t->field_off[i], t->field_len[i]);
        lua_rawseti(L, header, (lua_Integer)i + 1);
    }
    if (t->head_col && t->nhead_col == nhead) {
        lua_createtable(L, (int)nhead, 0);
        for (size_t i = 0; i < nhead; i++) {
            lua_pushinteger(L, (lua_Integer)t->head_col[i]);
            lua_rawseti(L, -2, (lua_Integer)i + 1);
        }
        lua_setfield(L, header, "column_in_file");
    }
    lua_createtable(L, t->nrows ? (int)(t->nrows - 1) : 0, 0);
    for (size_t r = 1; r < t->nrows; r++) {
        size_t n = row_nfields(t, r), first = t->row_first[r];
        lua_createtable(L, 0, (int)n + 1);
        for (size_t i = 0; i < n; i++) {
            if (i < nhead)
                lua_rawgeti(L, header, (lua_Integer)i + 1);
            else
                lua_pushinteger(L, (lua_Integer)i + 1);
            lua_pushlstring(L, t->text + t->field_off[first + i], t->field_len[first + i]);
            lua_rawset(L, -3);
        }
        lua_pushinteger(L, (lua_Integer)t->row_line[r]);
        lua_setfield(L, -2, "_line");
        lua_rawseti(L, -2, (lua_Integer)r);
    }
}

/* core.read_csv(path [, {delim=, ragged=}]) -> header, rows | nil, msg.
 * rows[i] maps column names to strings (extra fields of a ragged row: their index);
 * _line is the source line. Running out of memory raises "not enough memory". */
static int l_read_csv(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    csv_opts opts = { 0 };
    if (lua_istable(L, 2)) {
        lua_getfield(L, 2, "delim");
        const char *d = lua_tostring(L, -1);
        if (d) opts.delim = d[0];
        lua_getfield(L, 2, "ragged");
        opts.allow_ragged = lua_toboolean(L, -1);
        lua_pop(L, 2);
    }
    lua_settop(L, 2);
    csv_scratch *t = lua_newuserdatauv(L, sizeof *t, 0);   /* 3: the box */
    memset(t, 0, sizeof *t);
    luaL_setmetatable(L, CSV_SCRATCH);
    host_ctx *ctx = host_context(L);
    if (ctx->mem_limit)
        t->mem_room = ctx->mem_limit > host_memory_used(ctx) ? ctx->mem_limit - host_memory_used(ctx) : 1;
    struct stat st;
    if (t->mem_room && stat(path, &st) == 0 && S_ISREG(st.st_mode) && (size_t)st.st_size >= t->mem_room) {
        lua_pushliteral(L, "not enough memory");   /* the file alone would pass the cap */
        return lua_error(L);
    }
    errloc err;
    int rc = csv_read_file(path, NULL, &opts, csv_collect, t, &err);
    if (t->out_of_memory) {
        scratch_release(t);
        lua_pushliteral(L, "not enough memory");
        return lua_error(L);
    }
    if (rc != 0) {
        scratch_release(t);
        return admit_pushfail(L, err.msg);
    }
    scratch_push(L, t);
    scratch_release(t);
    return 2;
}

/* core.write_file(path, text) -> true | nil, msg; the file appears whole or not at all. */
static int l_write_file(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    size_t len;
    const char *text = luaL_checklstring(L, 2, &len);
    atomic_file af;
    errloc err;
    if (atomic_open(&af, path, &err) != 0)
        return admit_pushfail(L, err.msg);
    fwrite(text, 1, len, af.fp);
    if (atomic_commit(&af, &err) != 0)
        return admit_pushfail(L, err.msg);
    lua_pushboolean(L, 1);
    return 1;
}

/* A plain file name: no directory part, not . or .., no NUL. */
static int plain_name(const char *name, size_t len)
{
    return len > 0 && strlen(name) == len && strchr(name, '/') == NULL
        && strcmp(name, ".") != 0 && strcmp(name, "..") != 0;
}

/* core.write_output_file(dir, name, text) -> true | nil, msg: replaces one file of an
 * output folder admit wrote (its marker records the new checksum). */
static int l_write_output_file(lua_State *L)
{
    const char *dir = luaL_checkstring(L, 1);
    size_t nlen, len;
    const char *name = luaL_checklstring(L, 2, &nlen);
    const char *text = luaL_checklstring(L, 3, &len);
    if (!plain_name(name, nlen) || strcmp(name, ".admit-output") == 0)
        return luaL_error(L, "write_output_file: '%s' is not a plain file name", name);
    errloc err;
    if (atomic_dir_replace_file(dir, name, text, len, &err) != 0)
        return admit_pushfail(L, err.msg);
    lua_pushboolean(L, 1);
    return 1;
}

/* Writes one file of a directory being built; 0 or -1 with err. */
static int write_one(const atomic_dir *ad, const char *name, const char *text, size_t len,
                     errloc *err)
{
    char *path = atomic_dir_path(ad, name);
    FILE *f = path ? fopen(path, "wb") : NULL;
    int bad = f == NULL;
    if (f) {
        bad = fwrite(text, 1, len, f) != len;
        bad |= fflush(f) != 0;
        bad |= fsync(fileno(f)) != 0;
        bad |= fclose(f) != 0;
    }
    if (bad)
        errloc_set(err, ad->target, 0, 0, "cannot write %s: %s", name, strerror(errno));
    free(path);
    return bad ? -1 : 0;
}

/* The csv dialect of an options table {csv = "rfc4180"|"excel"} at idx (absent or nil:
 * RFC 4180); raises on another value. */
int admit_csv_option(lua_State *L, int idx)
{
    if (lua_isnoneornil(L, idx)) return CSV_RFC4180;
    luaL_checktype(L, idx, LUA_TTABLE);
    if (lua_getfield(L, idx, "csv") == LUA_TNIL) {
        lua_pop(L, 1);
        return CSV_RFC4180;
    }
    const char *name = lua_tostring(L, -1);
    int dialect = name ? csv_dialect_from_name(name) : -1;
    if (dialect < 0)
        return luaL_error(L, "csv: '%s' is not rfc4180 or excel", name ? name : luaL_typename(L, -1));
    lua_pop(L, 1);
    return dialect;
}

/* Writes text as the file name of ad: in the Excel dialect when asked and name is a .csv. */
static int write_text(const atomic_dir *ad, const char *name, const char *text, size_t len,
                      int dialect, errloc *err)
{
    size_t n = strlen(name);
    if (dialect != CSV_EXCEL || n < 4 || strcmp(name + n - 4, ".csv") != 0)
        return write_one(ad, name, text, len, err);
    char *conv = NULL;
    size_t conv_len = 0;
    FILE *mem = open_memstream(&conv, &conv_len);
    int rc = mem ? csv_excel_write(mem, text, len) : -1;
    if (mem) rc |= fclose(mem);
    if (rc == 0) rc = write_one(ad, name, conv, conv_len, err);
    else errloc_set(err, ad->target, 0, 0, "cannot write %s: not enough memory", name);
    free(conv);
    return rc ? -1 : 0;
}

/* core.write_dir(dir, {name = text, ...} [, {csv = "excel"}]) -> true | nil, msg. The
 * directory appears whole, holding exactly these files, or the previous one stays as it
 * was. With csv = "excel" the .csv files are written for a French Excel (csv_excel.h). */
static int l_write_dir(lua_State *L)
{
    const char *dir = luaL_checkstring(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    int dialect = admit_csv_option(L, 3);
    lua_settop(L, 2);
    /* every check that may raise comes before anything is created on disk */
    for (lua_pushnil(L); lua_next(L, 2); lua_pop(L, 1)) {
        size_t len;
        if (lua_type(L, -2) != LUA_TSTRING || lua_type(L, -1) != LUA_TSTRING)
            return luaL_argerror(L, 2, "expected {name = text, ...} with string names and texts");
        const char *name = lua_tolstring(L, -2, &len);
        if (!plain_name(name, len))
            return luaL_error(L, "write_dir: '%s' is not a plain file name", name);
    }
    atomic_dir ad;
    errloc err;
    if (atomic_dir_open(&ad, dir, &err) != 0)
        return admit_pushfail(L, err.msg);
    for (lua_pushnil(L); lua_next(L, 2); lua_pop(L, 1)) {
        size_t len;
        const char *text = lua_tolstring(L, -1, &len);
        if (write_text(&ad, lua_tostring(L, -2), text, len, dialect, &err) != 0) {
            atomic_dir_abort(&ad);
            return admit_pushfail(L, err.msg);
        }
    }
    if (atomic_dir_commit(&ad, &err) != 0)
        return admit_pushfail(L, err.msg);
    lua_pushboolean(L, 1);
    return 1;
}

/* core.set_limits{memory = MB, instructions = N}: 0 or false removes a limit; a field
 * left out keeps its limit. Setting the instructions restarts their count. For a limit
 * around one call only (and put back after), see admit.sandbox.run. */
static int l_set_limits(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    int has_mem = lua_getfield(L, 1, "memory") != LUA_TNIL;
    lua_Number mb = lua_toboolean(L, -1) ? luaL_checknumber(L, -1) : 0;
    int has_instr = lua_getfield(L, 1, "instructions") != LUA_TNIL;
    lua_Integer instr = lua_toboolean(L, -1) ? luaL_checkinteger(L, -1) : 0;
    luaL_argcheck(L, mb >= 0 && mb < 1e9, 1, "memory must be a number of MB >= 0");
    luaL_argcheck(L, instr >= 0, 1, "instructions must be a whole number >= 0");
    /* only lowered below the command line's (host_fix_limits): checked before any change */
    host_ctx *ctx = host_context(L);
    size_t bytes = (size_t)(mb * 1024 * 1024);
    if (has_mem && ctx->mem_ceiling && (bytes == 0 || bytes > ctx->mem_ceiling))
        return luaL_error(L, "set_limits: cannot raise or remove the memory limit of %I MB "
                          "given on the command line", (lua_Integer)(ctx->mem_ceiling >> 20));
    if (has_instr && ctx->instr_ceiling
        && (instr == 0 || host_add_count(ctx->instr_used, instr) > ctx->instr_ceiling))
        return luaL_error(L, "set_limits: cannot raise or remove the instruction limit given "
                          "on the command line (%I instructions left)",
                          (lua_Integer)(ctx->instr_ceiling - ctx->instr_used));
    if (has_mem)
        host_set_memory_limit(L, bytes);
    if (has_instr)
        host_set_instruction_limit(L, (long long)instr);
    return 0;
}

/* core.limits() -> {memory_used=, memory=, instructions=, instructions_used=}
 * (bytes, bytes or 0, count or 0, count since the limit was set) */
static int l_limits(lua_State *L)
{
    host_ctx *ctx = host_context(L);
    lua_createtable(L, 0, 4);
    lua_pushinteger(L, (lua_Integer)host_memory_used(ctx));
    lua_setfield(L, -2, "memory_used");
    lua_pushinteger(L, (lua_Integer)ctx->mem_limit);
    lua_setfield(L, -2, "memory");
    lua_pushinteger(L, (lua_Integer)(ctx->instr_limit ? ctx->instr_stated : 0));
    lua_setfield(L, -2, "instructions");
    lua_pushinteger(L, (lua_Integer)(ctx->instr_used - ctx->instr_base));
    lua_setfield(L, -2, "instructions_used");
    return 1;
}

/* core.check_output_dir(dir, {input, ...}) -> true | nil, msg: whether dir may be used
 * as an output folder (empty or written by admit, not the current folder) without
 * replacing any of the given inputs. Checked before any work, so that a long run does
 * not end in a refusal. */
static int l_check_output_dir(lua_State *L)
{
    const char *dir = luaL_checkstring(L, 1);
    errloc err;
    if (atomic_dir_check(dir, &err) != 0)   /* the folder itself first: a bad name, a link */
        return admit_pushfail(L, err.msg);
    if (lua_istable(L, 2)) {
        lua_Integer n = luaL_len(L, 2);
        for (lua_Integer i = 1; i <= n; i++) {
            lua_rawgeti(L, 2, i);
            const char *input = lua_tostring(L, -1);
            if (input && atomic_dir_guard_input(dir, input, &err) != 0)
                return admit_pushfail(L, err.msg);
            lua_pop(L, 1);
        }
    }
    lua_pushboolean(L, 1);
    return 1;
}

static const luaL_Reg util_funcs[] = {
    { "check_output_dir", l_check_output_dir },
    { "read_csv", l_read_csv },
    { "write_file", l_write_file },
    { "write_dir", l_write_dir },
    { "write_output_file", l_write_output_file },
    { "set_limits", l_set_limits },
    { "limits", l_limits },
    { NULL, NULL }
};

void util_open(lua_State *L)
{
    if (luaL_newmetatable(L, CSV_SCRATCH)) {
        lua_pushcfunction(L, scratch_gc);
        lua_setfield(L, -2, "__gc");
        lua_pushcfunction(L, scratch_gc);
        lua_setfield(L, -2, "__close");
        lua_pushliteral(L, "scratch buffer of read_csv");
        lua_setfield(L, -2, "__metatable");
    }
    lua_pop(L, 1);
    luaL_setfuncs(L, util_funcs, 0);
    lua_pushstring(L, host_context(L)->home);
    lua_setfield(L, -2, "home");
    lua_pushliteral(L, "0.1");
    lua_setfield(L, -2, "version");
}
