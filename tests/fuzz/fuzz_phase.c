/* fuzz_phase.c — libFuzzer harness for src/phase.c, the phase principale day by day.
 * The bytes build a small instance (up to 6 formations, 24 candidates, their vœux and
 * ranks, minimum rates), the behaviour parameters, the overbooking and a rang limite, and
 * the phase runs with its trace. Checked against a replay of the trace:
 *   - every event starts from the state the replay has; an offer goes only to a waiting
 *     vœu, and only once every vœu called before it in its group got one or was resigned;
 *   - at the end of each day the day's snapshot (holders, accepted, waiting, rang du
 *     dernier appelé, cumulative offers) equals the replay; holders ≤ N without rang
 *     limite; the rang du dernier appelé never decreases; one accepted offer per candidate;
 *   - the final states and the assignment are the replay's;
 *   - in the limit case (ideal behaviour, overbooking 0, no rang limite) the assignment is
 *     sim_allocate's in school mode. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "phase.h"
#include "sim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond) do { if (!(cond)) { \
    fprintf(stderr, "fuzz_phase: broken promise: %s (line %d)\n", #cond, __LINE__); \
    abort(); } } while (0)

typedef struct cursor { const uint8_t *p; size_t n, i; } cursor;

static unsigned next(cursor *c) { return c->i < c->n ? c->p[c->i++] : 0; }
static double prob(cursor *c) { return next(c) / 255.0; }

/* The instance; NULL when the bytes do not make one (nothing to check then). */
static sim_problem *build(cursor *c)
{
    sim_problem *p = sim_problem_new();
    CHECK(p);
    uint32_t nf = 1 + next(c) % 6, nc = 1 + next(c) % 24;
    int rates = next(c) & 1;
    static const int techno[] = { 0, 0, 30, 50 }, pro[] = { 0, 0, 20, 40 }, rate[] = { 0, 0, 10, 50 };
    char id[16];
    for (uint32_t f = 0; f < nf; f++) {
        snprintf(id, sizeof id, "F%u", f);
        unsigned b = next(c);
        CHECK(sim_add_formation(p, id, (int)(next(c) % 6), rates ? techno[b & 3] : 0, rates ? pro[(b >> 2) & 3] : 0,
                                rates ? rate[(b >> 4) & 3] : 0, rates ? rate[(b >> 6) & 3] : 0) == f);
    }
    uint32_t rank[6] = { 0 };
    for (uint32_t k = 0; k < nc; k++) {
        snprintf(id, sizeof id, "C%u", k);
        unsigned b = next(c);
        CHECK(sim_add_candidate(p, id, (int)(b % 3), (b >> 2) & 1, (b >> 3) & 1) == k);
        unsigned mask = next(c) & 63, pref = 0, order = next(c);
        for (uint32_t j = 0; j < nf; j++) {
            uint32_t f = (j + order) % nf;
            if (!(mask >> f & 1)) continue;
            rank[f] += 1 + next(c) % 3;   /* ranks distinct in a formation, in any order of candidates */
            CHECK(sim_add_wish(p, k, f, ++pref, rank[f], 0) != SIM_NONE);
        }
    }
    uint32_t bad;
    char what;
    errloc err;
    CHECK(sim_index(p, &bad, &what, &err) == 0);
    return p;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cursor c = { data, size, 0 };
    unsigned mode = next(&c);
    phase_opts o;
    memset(&o, 0, sizeof o);
    o.days = 1 + next(&c) % 12;
    o.seed = next(&c);
    o.trace = 1;
    int ideal = mode & 1, limit = (mode >> 1) & 1;
    o.overbooking = (mode >> 2) & 1 ? (int)(next(&c) % 60) : 0;
    if (ideal) phase_behaviour_ideal(&o.behaviour);
    else {
        phase_behaviour *b = &o.behaviour;
        phase_behaviour_default(b);
        b->ra_share = prob(&c); b->ra_day = next(&c) % 14; b->order_share = prob(&c);
        b->order_day = next(&c) % 14; b->same_day = prob(&c); b->keep_waiting = prob(&c);
        b->definitive = prob(&c); b->leave_daily = prob(&c) / 4; b->bac_fail = prob(&c) / 2;
        b->bac_day = next(&c) % 14; b->never_answer = prob(&c) / 2;
    }
    sim_problem *p = build(&c);
    int32_t *rl = NULL;
    if (limit) {
        rl = calloc(p->nf, sizeof *rl);
        CHECK(rl);
        for (uint32_t f = 0; f < p->nf; f++) rl[f] = (int32_t)(next(&c) % 8);
        o.f_rang_limite = rl;
    }
    errloc err;
    phase_run *run = phase_simulate(p, &o, &err);
    CHECK(run);
    const sim_result *r = run->r;
    uint32_t ns = p->nf * NGROUPS;

    /* per group its vœux by call position; N per group */
    uint32_t *by_pos = malloc((p->nw ? p->nw : 1) * sizeof *by_pos), *start = calloc(ns + 1, sizeof *start);
    int32_t *n_of = calloc(ns, sizeof *n_of);
    CHECK(by_pos && start && n_of);
    for (uint32_t w = 0; w < p->nw; w++) start[p->w_form[w] * NGROUPS + r->w_group[w] + 1]++;
    for (uint32_t s = 0; s < ns; s++) start[s + 1] += start[s];
    for (uint32_t w = 0; w < p->nw; w++) {
        uint32_t s = p->w_form[w] * NGROUPS + r->w_group[w];
        CHECK(r->w_callpos[w] >= 1 && r->w_callpos[w] <= start[s + 1] - start[s]);
        by_pos[start[s] + r->w_callpos[w] - 1] = w;
    }
    for (uint32_t i = 0; i < run->ngroups; i++) n_of[run->g_school[i]] = run->g_n[i];

    /* the replay */
    uint8_t *st = calloc(p->nw ? p->nw : 1, 1);
    uint32_t *offers = calloc(ns, sizeof *offers), *last = calloc(ns, sizeof *last);
    uint32_t *acc = calloc(p->nc ? p->nc : 1, sizeof *acc);
    CHECK(st && offers && last && acc);
    size_t e = 0;
    uint32_t prev_day = 0;
    for (uint32_t d = 1; d <= run->days; d++) {
        for (; e < run->nevents && run->events[e].day == d; e++) {
            const phase_event *ev = &run->events[e];
            uint32_t w = ev->w, s = p->w_form[w] * NGROUPS + r->w_group[w];
            CHECK(ev->day >= prev_day);
            prev_day = ev->day;
            CHECK(st[w] == ev->from && ev->from != ev->to);
            if (ev->to == PH_OFFER) {
                CHECK(ev->from == PH_WAITING);
                for (uint32_t q = start[s]; q < start[s] + r->w_callpos[w] - 1; q++)
                    CHECK(st[by_pos[q]] != PH_WAITING);
                offers[s]++;
                CHECK(r->w_callpos[w] > last[s]);
                last[s] = r->w_callpos[w];
            }
            st[w] = ev->to;
        }
        memset(acc, 0, (p->nc ? p->nc : 1) * sizeof *acc);
        for (uint32_t w = 0; w < p->nw; w++)
            if (st[w] == PH_ACCEPTED || st[w] == PH_DEFINITIVE) CHECK(++acc[p->w_cand[w]] == 1);
        const phase_gday *g = run->gday + (size_t)(d - 1) * run->ngroups;
        for (uint32_t i = 0; i < run->ngroups; i++) {
            uint32_t s = run->g_school[i], holders = 0, accepted = 0, waiting = 0;
            for (uint32_t q = start[s]; q < start[s + 1]; q++) {
                uint8_t x = st[by_pos[q]];
                holders += x == PH_OFFER || x == PH_ACCEPTED || x == PH_DEFINITIVE;
                accepted += x == PH_ACCEPTED || x == PH_DEFINITIVE;
                waiting += x == PH_WAITING;
            }
            CHECK(g[i].holders == holders && g[i].accepted == accepted && g[i].waiting == waiting);
            CHECK(g[i].offers == offers[s] && g[i].last == last[s]);
            if (!limit) CHECK((int64_t)holders <= n_of[s]);
        }
    }
    CHECK(e == run->nevents);
    for (uint32_t w = 0; w < p->nw; w++) CHECK(run->w_state[w] == st[w]);
    for (uint32_t k = 0; k < p->nc; k++) {
        uint32_t w = r->c_wish[k];
        if (w != SIM_NONE) CHECK(p->w_cand[w] == k && (st[w] == PH_ACCEPTED || st[w] == PH_DEFINITIVE));
        else for (uint32_t q = p->c_start[k]; q < p->c_start[k + 1]; q++)
            CHECK(st[p->c_wish[q]] != PH_ACCEPTED && st[p->c_wish[q]] != PH_DEFINITIVE);
    }
    if (ideal && !limit && o.overbooking == 0) {   /* the limit case of the note */
        sim_result *school = sim_allocate(p, SIM_SCHOOL, NULL, NULL);
        CHECK(school);
        for (uint32_t k = 0; k < p->nc; k++) CHECK(school->c_wish[k] == r->c_wish[k]);
        sim_result_free(school);
    }
    free(by_pos); free(start); free(n_of); free(st); free(offers); free(last); free(acc); free(rl);
    phase_run_free(run);
    sim_problem_free(p);
    return 0;
}
