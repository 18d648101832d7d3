/* i18n.h — the C side of admit.i18n: text shown to the user passes through the Lua
 * catalogue (lua/admit/i18n.lua) at the points where admit prints it. */
#ifndef ADMIT_I18N_H
#define ADMIT_I18N_H

#include <stdio.h>
#include <lua.h>

/* Pushes msg in the user's language (msg itself when admit.i18n is not loaded or fails:
 * a report must never be lost to its translation). Returns the pushed string. */
const char *i18n_push(lua_State *L, const char *msg);

/* Writes text (one or more lines) on fp in the user's language: the display point of texts
 * that C writes for a person (--explain, the notes of a loader). */
void i18n_fputs(lua_State *L, const char *text, FILE *fp);

#endif
