/* phase.h — the phase principale day by day (docs/phase-principale.md): every day each
 * group sends offers down its ordre d'appel to its fixed point (ordered vœux, répondeur
 * automatique), then candidates answer by a behaviour model (a documented assumption,
 * or a caller's function). Lua-free, incremental (a day touches only what changed),
 * deterministic (every random draw is a hash of the seed, the candidate and the day). */
#ifndef ADMIT_PHASE_H
#define ADMIT_PHASE_H

#include <stdint.h>

#include "errloc.h"
#include "sim.h"

#define PHASE_MAX_DAYS 366

/* States of a vœu (docs/phase-principale.md §1). Holders: OFFER, ACCEPTED, DEFINITIVE. */
enum {
    PH_WAITING,      /* en attente de proposition */
    PH_OFFER,        /* an offer awaiting the candidate's answer (of the day or earlier) */
    PH_ACCEPTED,     /* accepted, waiting vœux kept */
    PH_DEFINITIVE,   /* accepted definitively: nothing else left */
    PH_REFUSED,      /* an offer refused, expired or resigned */
    PH_RESIGNED,     /* a waiting vœu given up (by the candidate or automatically) */
    PH_NSTATES
};
extern const char *const phase_state_names[PH_NSTATES];

/* Why a vœu changed state (candidates_days.csv). */
enum {
    PW_OFFER, PW_ANSWER, PW_ORDERED, PW_RA, PW_EXPIRED, PW_LEFT, PW_NWHY
};
extern const char *const phase_why_names[PW_NWHY];

/* A custom answer (the Lua `answer` hook). Given the candidate's offers (OFFER or
 * ACCEPTED vœux) and waiting vœux, the function fills: accept (one of offers, or
 * SIM_NONE to refuse them all), keep[i] for waiting[i] (1 keeps it), leave (1 = the
 * candidate leaves the platform). Returns 0, or -1 to stop the run (error in err). */
typedef struct phase_decision {
    uint32_t accept;
    uint8_t *keep;
    int leave;
} phase_decision;
typedef int (*phase_answer_fn)(void *ctx, uint32_t cand, uint32_t day, const uint8_t *w_state,
                               const uint32_t *offers, uint32_t noffers, const uint32_t *waiting,
                               uint32_t nwaiting, phase_decision *d, errloc *err);

/* The behaviour model (SCRIPTING.md "behaviour": each default and where it comes from). */
typedef struct phase_behaviour {
    double ra_share;          /* share of candidates with the répondeur automatique */
    uint32_t ra_day;          /* from this day (2023: 30) */
    double order_share;       /* share of the others who order their waiting vœux */
    uint32_t order_day;       /* from this day (2023: 30) */
    double same_day;          /* probability of answering on the day of the offer */
    double keep_waiting;      /* probability of keeping each waiting vœu above the accepted offer */
    double definitive;        /* probability of a "oui définitif" while vœux above are waiting */
    double leave_daily;       /* daily probability of leaving without a definitive acceptance */
    double bac_fail;          /* share who leave on bac_day (bac failed) */
    uint32_t bac_day;         /* 2023: 34 (4 July) */
    double never_answer;      /* share who never answer (offers expire) */
    phase_answer_fn answer;   /* NULL: the built-in model */
    void *answer_ctx;
} phase_behaviour;

void phase_behaviour_default(phase_behaviour *b);
void phase_behaviour_ideal(phase_behaviour *b);

/* Totals of one day (summary.json "days", on_day). */
typedef struct phase_day {
    uint32_t day, passes, offers, with_offer, with_accepted, definitive, ever_offered, left;
    uint32_t waiting;          /* candidates with at least one waiting vœu */
    uint32_t holders;          /* seats held: offers awaiting an answer + accepted offers */
} phase_day;

/* One group on one day (days.csv). */
typedef struct phase_gday {
    uint32_t offers, holders, accepted, definitive, waiting, refused, last;
} phase_gday;

/* One state change (candidates_days.csv, with trace on). */
typedef struct phase_event {
    uint32_t w;
    uint16_t day;
    uint8_t from, to, why;
} phase_event;

typedef int (*phase_day_fn)(void *ctx, const phase_day *d, errloc *err);  /* 0 go on, 1 stop, -1 error */

typedef struct phase_opts {
    uint32_t days;             /* default 37 */
    uint64_t seed;
    int overbooking;           /* percent where the formation has none */
    const int32_t *f_overbooking;   /* per formation, -1 = the global value; may be NULL */
    const int32_t *f_recrutements;  /* per formation nb_recrutements, -1 = none; may be NULL */
    const int32_t *f_rang_limite;   /* per formation, 0 = none; may be NULL */
    phase_behaviour behaviour;
    int trace;
    phase_day_fn on_day;
    void *on_day_ctx;
} phase_opts;

typedef struct phase_run {
    sim_result *r;             /* the end of the phase: accepted vœux, call orders */
    uint32_t days;             /* days run (fewer when on_day stopped it) */
    phase_day *day;            /* [days] */
    uint32_t ngroups;          /* groups with applicants */
    uint32_t *g_school;        /* their index f·NGROUPS + g */
    int32_t *g_n;              /* their N */
    phase_gday *gday;          /* [days × ngroups] */
    phase_event *events;       /* with trace */
    size_t nevents;
    uint8_t *w_state;          /* final state of each vœu */
} phase_run;

/* N of a group: capacity × (100 + overbooking) / 100 rounded half up. */
int32_t phase_n_of(int32_t capacity, int overbooking);

/* Runs the phase. NULL with err on error (out of memory, a hook's error). */
phase_run *phase_simulate(const sim_problem *p, const phase_opts *o, errloc *err);
void phase_run_free(phase_run *run);

#endif
