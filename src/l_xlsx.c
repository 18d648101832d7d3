/* l_xlsx.c — core.write_xlsx(path, sheets): a workbook of plain tables for the Lua side
 * (comparison.xlsx), with what an officer expects of every table: bold frozen header,
 * autofilter, widths fitted to the content, shares as exact ratios in a percent format, and
 * the rows to act on highlighted by conditional formatting.
 *
 * sheets = { {name =, columns = { {title =, type = "text"|"int"|"pct"}, ... },
 *             rows = { {v1, v2, ...}, ... },       -- pct: a fraction (0.411), or nil
 *             highlight = { column = i, equals = "text" } }, ... }
 * The file is written whole at path (same content, same bytes). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <lauxlib.h>
#include <xlsxwriter.h>

#include "l_admit.h"

#define MAX_COLS 64

enum { T_TEXT, T_INT, T_PCT };

typedef struct book {
    lxw_workbook *wb;
    lxw_format *head, *pct, *mark;
} book;

static double text_width(const char *s)
{
    double n = 0;
    for (; *s; s++) n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* Reads sheet i's column types and titles (stack: the sheet table on top). */
static int read_columns(lua_State *L, int sheet, int types[MAX_COLS], const char *titles[MAX_COLS])
{
    lua_getfield(L, sheet, "columns");
    luaL_argcheck(L, lua_istable(L, -1), 2, "each sheet needs columns = { {title =, type =}, ... }");
    int n = (int)luaL_len(L, -1);
    luaL_argcheck(L, n >= 1 && n <= MAX_COLS, 2, "a sheet has 1 to 64 columns");
    for (int c = 0; c < n; c++) {
        lua_rawgeti(L, -1, c + 1);
        luaL_argcheck(L, lua_istable(L, -1), 2, "a column is {title =, type =}");
        lua_getfield(L, -1, "title");
        luaL_argcheck(L, lua_type(L, -1) == LUA_TSTRING, 2, "a column needs a title (a string)");
        titles[c] = lua_tostring(L, -1);
        lua_pop(L, 1);  /* the title stays alive in its column table */
        lua_getfield(L, -1, "type");
        const char *t = luaL_optstring(L, -1, "text");
        types[c] = strcmp(t, "int") == 0 ? T_INT : strcmp(t, "pct") == 0 ? T_PCT : T_TEXT;
        lua_pop(L, 2);
    }
    return n;  /* the columns table stays on the stack */
}

/* Every check that may raise, before the workbook exists (a raise would leak it). */
static void check_sheet(lua_State *L, int sheet)
{
    luaL_argcheck(L, lua_istable(L, sheet), 2, "a list of sheets {name =, columns =, rows =}");
    lua_getfield(L, sheet, "name");
    luaL_argcheck(L, lua_type(L, -1) == LUA_TSTRING, 2, "each sheet needs a name");
    /* Excel's rule: 1 to 31 characters, none of []:*?/\, no quote at either end */
    size_t len;
    const char *name = lua_tolstring(L, -1, &len);
    if (len == 0 || text_width(name) > 31 || strpbrk(name, "[]:*?/\\") || name[0] == '\'' || name[len - 1] == '\'')
        luaL_error(L, "write_xlsx: '%s' is not a sheet name (1 to 31 characters, none of []:*?/\\, "
                      "no quote at either end)", name);
    int types[MAX_COLS];
    const char *titles[MAX_COLS];
    int ncols = read_columns(L, sheet, types, titles);
    lua_getfield(L, sheet, "rows");
    lua_Integer nrows = lua_istable(L, -1) ? luaL_len(L, -1) : 0;
    for (lua_Integer r = 1; r <= nrows; r++) {
        lua_rawgeti(L, -1, r);
        luaL_argcheck(L, lua_istable(L, -1), 2, "a row is a list of values");
        lua_pop(L, 1);
    }
    lua_getfield(L, sheet, "highlight");
    if (lua_istable(L, -1)) {
        lua_getfield(L, -1, "column");
        lua_Integer col = luaL_checkinteger(L, -1);
        luaL_argcheck(L, col >= 1 && col <= ncols, 2, "highlight.column is not a column of the sheet");
        lua_getfield(L, -2, "equals");
        luaL_checkstring(L, -1);
    }
    lua_settop(L, sheet);
}

static int write_sheet(lua_State *L, book *b, int sheet)
{
    lua_getfield(L, sheet, "name");
    const char *name = lua_tostring(L, -1);
    lxw_worksheet *ws = workbook_add_worksheet(b->wb, name);
    if (!ws) {
        lua_pushfstring(L, "'%s' is not a valid sheet name (or is used twice)", name);
        return -1;
    }
    int types[MAX_COLS];
    const char *titles[MAX_COLS];
    int ncols = read_columns(L, sheet, types, titles);
    double width[MAX_COLS];
    for (int c = 0; c < ncols; c++) {
        worksheet_write_string(ws, 0, (lxw_col_t)c, titles[c], b->head);
        width[c] = text_width(titles[c]) * 1.1;
    }
    worksheet_freeze_panes(ws, 1, 0);
    lua_getfield(L, sheet, "rows");
    lua_Integer nrows = lua_istable(L, -1) ? luaL_len(L, -1) : 0;
    int rows = lua_gettop(L);
    for (lua_Integer r = 1; r <= nrows; r++) {
        lua_rawgeti(L, rows, r);
        for (int c = 0; c < ncols; c++) {
            int t = lua_rawgeti(L, -1, c + 1);
            lxw_row_t row = (lxw_row_t)r;
            double w = 0;
            if (t == LUA_TNUMBER && types[c] != T_TEXT) {
                double v = lua_tonumber(L, -1);
                worksheet_write_number(ws, row, (lxw_col_t)c, v, types[c] == T_PCT ? b->pct : NULL);
                w = types[c] == T_PCT ? 7 : 12;
            } else if (t == LUA_TSTRING || t == LUA_TNUMBER) {
                const char *s = lua_tostring(L, -1);
                worksheet_write_string(ws, row, (lxw_col_t)c, s, NULL);
                w = text_width(s);
            }
            if (w > width[c]) width[c] = w;
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
    }
    worksheet_autofilter(ws, 0, 0, (lxw_row_t)(nrows > 0 ? nrows : 0), (lxw_col_t)(ncols - 1));
    for (int c = 0; c < ncols; c++) {
        double w = width[c] + 2;
        worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, w < 8 ? 8 : w > 60 ? 60 : w, NULL);
    }
    lua_getfield(L, sheet, "highlight");
    if (lua_istable(L, -1) && nrows > 0) {
        lua_getfield(L, -1, "column");
        lua_Integer col = lua_tointeger(L, -1);
        lua_getfield(L, -2, "equals");
        const char *equals = lua_tostring(L, -1);
        /* a text criterion is a quoted formula string */
        lua_pushfstring(L, "\"%s\"", equals);
        lxw_conditional_format cf = { .type = LXW_CONDITIONAL_TYPE_CELL,
                                      .criteria = LXW_CONDITIONAL_CRITERIA_EQUAL_TO,
                                      .value_string = (char *)lua_tostring(L, -1), .format = b->mark };
        worksheet_conditional_format_range(ws, 1, (lxw_col_t)(col - 1), (lxw_row_t)nrows, (lxw_col_t)(col - 1), &cf);
    }
    lua_settop(L, sheet);
    return 0;
}

/* core.write_xlsx(path, sheets) -> true | nil, msg */
static int l_write_xlsx(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    lua_Integer n = luaL_len(L, 2);
    for (lua_Integer i = 1; i <= n; i++) {
        lua_settop(L, 2);
        lua_rawgeti(L, 2, i);
        check_sheet(L, 3);
        lua_getfield(L, 3, "name");
        for (lua_Integer j = 1; j < i; j++) {  /* Excel compares sheet names without case */
            lua_rawgeti(L, 2, j);
            lua_getfield(L, -1, "name");
            if (strcasecmp(lua_tostring(L, -1), lua_tostring(L, 4)) == 0)
                luaL_error(L, "write_xlsx: the sheet name '%s' is used twice", lua_tostring(L, 4));
            lua_pop(L, 2);
        }
    }
    book b = { workbook_new(path), NULL, NULL, NULL };
    if (!b.wb) return admit_pushfail(L, lua_pushfstring(L, "%s: cannot create the workbook", path));
    const char *epoch = getenv("SOURCE_DATE_EPOCH");  /* fixed date: same content, same bytes */
    lxw_doc_properties props = { .created = epoch && *epoch ? (time_t)strtoll(epoch, NULL, 10) : 1672531200 };
    workbook_set_properties(b.wb, &props);
    b.head = workbook_add_format(b.wb);
    format_set_bold(b.head);
    format_set_bg_color(b.head, 0xE8EEF4);
    format_set_bottom(b.head, LXW_BORDER_THIN);
    b.pct = workbook_add_format(b.wb);
    format_set_num_format(b.pct, "0.0%");
    b.mark = workbook_add_format(b.wb);  /* colour and weight: seen in print and by colour-blind readers */
    format_set_bg_color(b.mark, 0xFFD8C2);
    format_set_font_color(b.mark, 0x7A1F00);
    format_set_bold(b.mark);
    for (lua_Integer i = 1; i <= n; i++) {
        lua_settop(L, 2);
        lua_rawgeti(L, 2, i);
        if (write_sheet(L, &b, 3) != 0) {
            workbook_close(b.wb);
            remove(path);
            return admit_pushfail(L, lua_pushfstring(L, "%s: %s", path, lua_tostring(L, -1)));
        }
    }
    lxw_error e = workbook_close(b.wb);
    if (e != LXW_NO_ERROR)
        return admit_pushfail(L, lua_pushfstring(L, "%s: cannot write the workbook: %s", path, lxw_strerror(e)));
    lua_pushboolean(L, 1);
    return 1;
}

static const luaL_Reg xlsx_funcs[] = {
    { "write_xlsx", l_write_xlsx },
    { NULL, NULL }
};

void xlsx_open(lua_State *L)
{
    luaL_setfuncs(L, xlsx_funcs, 0);
}
