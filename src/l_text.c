/* l_text.c — admit.fold(s) and admit.nfc(s) for the Lua side. */
#include <stdlib.h>

#include <lauxlib.h>

#include "l_admit.h"
#include "textfold.h"

static int push_mapped(lua_State *L, char *(*fn)(const char *, size_t, size_t *))
{
    size_t len, outlen;
    const char *s = luaL_checklstring(L, 1, &len);
    char *r = fn(s, len, &outlen);
    if (!r)
        return luaL_argerror(L, 1, "not valid UTF-8 text");
    lua_pushlstring(L, r, outlen);
    free(r);
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
