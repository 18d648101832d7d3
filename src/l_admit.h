/* l_admit.h — the C core module admit.core, assembled from one *_open per area. */
#ifndef ADMIT_L_ADMIT_H
#define ADMIT_L_ADMIT_H
#include <lua.h>

/* Each area adds its functions to the module table on top of the stack. */
void util_open(lua_State *L);
void text_open(lua_State *L);
void candidates_open(lua_State *L);
void callorder_open(lua_State *L);
void annex_open(lua_State *L);
void simulate_open(lua_State *L);
void sandbox_open(lua_State *L);
void phase_open(lua_State *L);
void digest_open(lua_State *L);
void xlsx_open(lua_State *L);
void input_open(lua_State *L);

/* Shared binding helpers. */
/* Pushes nil, msg and returns 2 (the environmental-failure convention). */
int admit_pushfail(lua_State *L, const char *msg);
/* The CSV dialect of an options table {csv = "rfc4180"|"excel"} at idx (csv_excel.h). */
int admit_csv_option(lua_State *L, int idx);

/* Shared by l_simulate.c and l_phase.c (the phase principale). */
struct sim_problem;
struct sim_result;
struct sim_report;
struct sim_problem *admit_check_problem(lua_State *L, int i);
void admit_push_result(lua_State *L, int pidx, struct sim_result *r);
const struct sim_report *admit_check_report(lua_State *L, int i);

#endif
