/* sim_wishes.h — the body of a plain vœux file (W.csv) parsed on several threads. */
#ifndef ADMIT_SIM_WISHES_H
#define ADMIT_SIM_WISHES_H

#include <stddef.h>

#include "sim.h"

typedef struct sim_wish_layout {
    char delim;            /* ',' or ';' */
    size_t nfields;        /* fields per row (the header's) */
    size_t cand, form, pref, rank;   /* field index of each column */
} sim_wish_layout;

/* Appends the vœux of body[0..len) (whole lines after the header, the first being line
 * first_line of the file) to p, whose formations and candidates are loaded. Returns 0 when
 * every row was plain and valid; 1 when some row is not (quotes were excluded before; here
 * blanks around a field, a stray CR, a ragged row, a bad or unknown value...): nothing is
 * appended then and the caller parses the body row by row, which locates the fault; -1
 * when out of memory. The result does not depend on the number of threads. */
int sim_wishes_parse(sim_problem *p, const char *body, size_t len, size_t first_line,
                     const sim_wish_layout *lay);

#endif
