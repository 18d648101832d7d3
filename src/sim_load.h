/* sim_load.h — reading an allocation instance from the three CSV files of the
 * `admit allocate` contract, with located errors (file:line:col). Lua-free. */
#ifndef ADMIT_SIM_LOAD_H
#define ADMIT_SIM_LOAD_H

#include "sim.h"

/* F.csv: formation_id,capacity,min_techno,min_pro,min_boursier,min_resident (+ more;
 * annex, academie, establishment, commune, program are kept for the reports). */
int sim_load_formations(sim_problem *p, const char *path, errloc *err);
struct input_opts;
int sim_load_formations_opts(sim_problem *p, const char *path, const struct input_opts *opts, errloc *err);
/* C.csv: id,bac,boursier,resident (+ more, ignored here). */
int sim_load_candidates(sim_problem *p, const char *path, errloc *err);
/* W.csv: candidate_id,formation_id,preference,rank. */
int sim_load_wishes(sim_problem *p, const char *path, errloc *err);

/* All three, then sim_index; an index error is located again in W.csv. NULL on error. */
sim_problem *sim_load(const char *fpath, const char *cpath, const char *wpath, errloc *err);
/* The same with column mappings, --academie and --explain (colmap.h); opts may be NULL. */
struct input_opts;
sim_problem *sim_load_opts(const char *fpath, const char *cpath, const char *wpath,
                           const struct input_opts *opts, errloc *err);

/* Helpers shared with the in-memory builder of the Lua binding: parse a field, 0 or -1
 * with a message in why (without location). */
/* sim_parse_count: a whole number from 0 to max; least is the smallest value the caller
 * accepts (it refuses smaller ones with its own message), named in the message's range. */
int sim_parse_count(const char *s, long long least, long long max, int empty_ok, long long *out,
                    char *why, size_t n);
int sim_parse_flag(const char *s, int *out, char *why, size_t n);

/* Re-reads path to report msg at (line, field): "path:line:col: msg". */
void sim_relocate(const char *path, size_t line, size_t field, const char *msg, errloc *err);

#endif
