/* l_text.c — admit.fold(s) and admit.nfc(s) for the Lua side. */
#include <stdlib.h>

#include <lauxlib.h>

#include "l_admit.h"
#include "textfold.h"

/* The malloc'd result waits in a box userdata while Lua copies it: should the copy run
 * out of memory (--max-memory), the error unwinds and the box's __gc frees it. */
typedef struct text_box { char *p; } text_box;

static int text_box_gc(lua_State *L)
{
    text_box *box = lua_touserdata(L, 1);
    free(box->p);
    box->p = NULL;
    return 0;
}

static int push_mapped(lua_State *L, char *(*fn)(const char *, size_t, size_t *))
{
    size_t len, outlen;
    const char *s = luaL_checklstring(L, 1, &len);
    text_box *box = lua_newuserdatauv(L, sizeof *box, 0);
    box->p = NULL;
    if (luaL_newmetatable(L, "admit.text_box")) {
        lua_pushcfunction(L, text_box_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_setmetatable(L, -2);
    box->p = fn(s, len, &outlen);
    if (!box->p)
        return luaL_argerror(L, 1, "not valid UTF-8 text");
    lua_pushlstring(L, box->p, outlen);
    free(box->p);
    box->p = NULL;
    return 1;
}

/* admit.fold(s): lower case, accents removed (for matching, never for display). */
static int l_fold(lua_State *L) { return push_mapped(L, text_fold); }
/* admit.nfc(s): Unicode NFC, the form every stored label has. */
static int l_nfc(lua_State *L) { return push_mapped(L, text_nfc); }

static const luaL_Reg text_funcs[] = {
    { "fold", l_fold },
    { "nfc", l_nfc },
    { NULL, NULL }
};

void text_open(lua_State *L)
{
    luaL_setfuncs(L, text_funcs, 0);
}
