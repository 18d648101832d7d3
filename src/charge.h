/* charge.h — the standard functions whose loops run in C (where no instruction hook
 * fires), charged in proportion to their work before they run, under an instruction
 * budget: string.rep/find/match/gmatch/gsub/upper/lower/reverse/format/byte/char/sub/pack/
 * unpack, table.insert/remove/move/concat/sort/unpack, utf8.*, select, load. Without a
 * budget they are the standard functions, called through. */
#ifndef ADMIT_CHARGE_H
#define ADMIT_CHARGE_H

#include <lua.h>

/* Replaces them in the global tables (the string methods, s:find(...), are covered too). */
void charge_stdlib(lua_State *L);

/* fn made to charge its arguments' size before each call (admit's own C functions given
 * to the sandbox): a string counts its bytes, a table its length. */
int charge_wrap(lua_State *L);

#endif
