/* repl.h — the interactive session (readline, history, completion, pretty results). */
#ifndef ADMIT_REPL_H
#define ADMIT_REPL_H
#include <lua.h>
/* Runs the REPL until end of input (Ctrl-D); returns the exit status. readline on a
 * terminal, plain lines with prompts on stdout otherwise (admit -i < file). */
int repl_run(lua_State *L);
#endif
