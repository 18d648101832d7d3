/* generate.h — synthetic but plausible Parcoursup cohorts (formations, candidates, vœux
 * with preferences and classements pédagogiques), calibrated on
 * docs/parcoursup-facts.md. Lua-free; same options and seed, same bytes. */
#ifndef ADMIT_GENERATE_H
#define ADMIT_GENERATE_H

#include <stdint.h>

#include "errloc.h"
#include "sim.h"

typedef struct gen_opts {
    const char *out;           /* directory: formations.csv, candidates.csv, wishes.csv */
    uint64_t seed;
    uint32_t candidates;
    uint32_t formations;       /* 0: the formations of the annexes in annex_dir; N: N synthetic */
    uint32_t max_wishes;       /* per candidate */
    const char *annex_dir;     /* iut-techno.csv, bts-pro.csv, sante-boursiers.csv */
    const char *formations_file; /* a formations file (the open dataset layout): its
                                    formations, and demand calibrated on each one's row */
    const struct input_opts *input;  /* columns mapping / --explain for that file (may be NULL) */
    struct explain *notes;     /* where to say what a missing column is replaced with (may be NULL) */
    sim_progress_fn progress;  /* may be NULL */
    void *pctx;
} gen_opts;

typedef struct gen_stats {
    uint32_t candidates, formations;
    uint64_t wishes;
} gen_stats;

void gen_defaults(gen_opts *o);
int gen_run(const gen_opts *o, gen_stats *st, errloc *err);

#endif
