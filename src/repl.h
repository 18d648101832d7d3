/* repl.h — the interactive session (readline, history, completion, pretty results). */
#ifndef ADMIT_REPL_H
#define ADMIT_REPL_H
#include <lua.h>
/* Runs the REPL until end of input; returns the exit status. */
int repl_run(lua_State *L, int forced);
#endif
