/* export_phase.h — writing the phase principale's outputs (export_phase.c). Lua-free. */
#ifndef ADMIT_EXPORT_PHASE_H
#define ADMIT_EXPORT_PHASE_H

#include "export.h"
#include "phase.h"

typedef struct phase_export {
    const phase_run *run;
    const sim_report *rep;          /* the audit of the end of the phase (run->r) */
    const int32_t *f_rang_limite;   /* may be NULL */
    const char *behaviour_name;     /* "model", "ideal" or "custom" */
    int overbooking;
    unsigned long long seed;
    int trace;                      /* write candidates_days.csv */
    const export_file *files;       /* the caller's files (report.html), may be NULL */
    int nfiles;
} phase_export;

/* End of the phase per formation: accepted offers against capacity. */
typedef struct phase_end {
    uint32_t formations, seats, accepted, filled, overfilled, over_seats, underfilled, no_applicant;
} phase_end;
void phase_end_counts(const phase_run *run, const sim_problem *p, phase_end *end);

/* assignments.csv, formations.csv, summary.json (with "phase"), days.csv,
 * candidates_days.csv (trace), results.xlsx into dir, all or nothing. */
int export_phase_dir(const char *dir, const phase_export *x, errloc *err);

#endif
