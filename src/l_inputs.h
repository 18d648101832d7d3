/* l_inputs.h — the input options every Lua loader takes ({columns =, academie =,
 * explain =}) and admit.suggest, the "did you mean" of the Lua side. */
#ifndef ADMIT_L_INPUTS_H
#define ADMIT_L_INPUTS_H

#include <lua.h>
#include "colmap.h"

/* Reads the options of the table at idx (nil = none) into o, the explanation going to ex
 * when explain is asked. The text of `columns` is left on the stack (it must live as long
 * as o): the caller's stack grows by one. Raises on a bad option, naming it (with "did
 * you mean" for an unknown key among `known`, a NULL-terminated list of the other keys
 * the caller accepts). */
void l_input_opts(lua_State *L, int idx, const char *fn, input_opts *o, explain *ex,
                  const char *const *known);

/* Delivers the explanation: explain = true writes it to stderr, a function receives it. */
void l_input_explained(lua_State *L, int idx, explain *ex);

void inputs_open(lua_State *L);

#endif
