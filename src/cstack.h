/* cstack.h — the C stack the Lua work runs on. Lua 5.4.4 (Debian 12's, which we link)
 * bounds most C recursion (200 nested C calls), but not all of it: nested
 * coroutine.close calls each closing the previous coroutine from a __close handler reset
 * the count, and each level takes a few kilobytes. So the whole program runs on a thread
 * with a large stack, the functions through which script code re-enters C check the room
 * left (a Lua error, "C stack overflow", well before the end), and an overflow that gets
 * past them anyway ends admit with a message and exit status 1, never with a signal. */
#ifndef ADMIT_CSTACK_H
#define ADMIT_CSTACK_H

#include <lua.h>

/* Runs fn(arg) on a thread with a large stack and the overflow guard; returns fn's
 * result. Falls back to the calling thread if the thread cannot be made. */
int cstack_run(int (*fn)(void *), void *arg, const char *progname);

/* Raises "C stack overflow" when the running thread used more of its stack than a
 * script may (no-op outside cstack_run). */
void cstack_check(lua_State *L);

#endif
