/* sandbox_view.h — proxies through which the sandbox sees admit's C objects. */
#ifndef ADMIT_SANDBOX_VIEW_H
#define ADMIT_SANDBOX_VIEW_H
#include <lua.h>

/* Adds confine, confining, constructor and confined_classes to the _sandbox table on top. */
void sandbox_view_open(lua_State *L);

#endif
