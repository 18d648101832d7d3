/* phase.c — the phase principale, day by day (docs/phase-principale.md). Each group keeps
 * its position in its ordre d'appel and its count of holders; a state change updates the
 * counters in O(1) and queues the group whose seat it frees; the automatic rules and the
 * answers walk only the vœux of the candidates concerned. No day re-scans all vœux. */
#include "phase.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *const phase_state_names[PH_NSTATES] = {
    "waiting", "offer", "accepted", "accepted_definitively", "refused", "resigned"
};
const char *const phase_why_names[PW_NWHY] = {
    "offer", "answer", "ordered_voeux", "repondeur", "expired", "left"
};

/* ------------------------------------------------------------ behaviour */

/* Defaults: see SCRIPTING.md "behaviour" for where each comes from. */
void phase_behaviour_default(phase_behaviour *b)
{
    memset(b, 0, sizeof *b);
    b->ra_share = 0.15;
    b->ra_day = 30;
    b->order_share = 0.5;
    b->order_day = 30;
    b->same_day = 0.5;
    b->keep_waiting = 0.8;
    b->definitive = 0.1;
    b->leave_daily = 0.003;
    b->bac_fail = 0.05;
    b->bac_day = 34;
    b->never_answer = 0.02;
}

/* The limit case of the note: répondeur from day 1, answers the same day, nobody leaves. */
void phase_behaviour_ideal(phase_behaviour *b)
{
    memset(b, 0, sizeof *b);
    b->ra_share = 1.0;
    b->ra_day = 1;
    b->order_day = 1;
    b->same_day = 1.0;
    b->keep_waiting = 1.0;
    b->bac_day = 0;
}

int32_t phase_n_of(int32_t capacity, int overbooking)
{
    if (capacity <= 0) return 0;
    long long n = ((long long)capacity * (100 + overbooking) + 50) / 100;
    if (n < capacity) n = capacity;  /* N ≥ capacity: overbooking is never negative */
    return n > INT32_MAX ? INT32_MAX : (int32_t)n;
}

/* 2023 calendar (note §4): offers of days 1–2 answered by day 4, of day 3 by day 5, then
 * by the next day. */
static uint32_t deadline(uint32_t day)
{
    return day <= 2 ? 4 : day == 3 ? 5 : day + 1;
}

/* A uniform draw in [0, 1) that depends only on (seed, candidate, what, day): the same
 * whatever the order in which candidates are processed. */
static uint64_t mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static double draw(uint64_t seed, uint32_t c, uint32_t what, uint32_t day)
{
    uint64_t h = mix(seed + 0x9e3779b97f4a7c15ULL * ((uint64_t)c + 1));
    h = mix(h ^ ((uint64_t)what << 32 | day));
    return (double)(h >> 11) * 0x1.0p-53;
}

enum { DRAW_RA, DRAW_ORDER, DRAW_SILENT, DRAW_LEAVE, DRAW_BAC, DRAW_SAME, DRAW_DELAY, DRAW_DEF,
       DRAW_KEEP = 1000 };

/* ------------------------------------------------------------- engine */

enum { CF_RA = 1, CF_ORDER = 2, CF_SILENT = 4, CF_LEFT = 8, CF_RA_ON = 16, CF_ORDER_ON = 32,
       CF_BAC = 64 };

typedef struct bucket { uint32_t *v; uint32_t n, cap; } bucket;

typedef struct engine {
    const sim_problem *p;
    const phase_opts *o;
    phase_run *run;
    sim_result *r;
    errloc *err;
    int failed;
    uint32_t ns, today;
    uint32_t *s_start, *s_order, *ptr;
    int32_t *n, *rl;
    uint32_t *holders, *waiting, *accepted, *definitive, *refused, *offers, *last;
    uint8_t *state;
    uint16_t *oday;
    uint8_t *cflag;
    uint16_t *c_answer;            /* day the candidate answers, 0 = none scheduled */
    uint32_t *c_hold, *c_wait;     /* vœux held / waiting */
    uint32_t nd;                   /* day buckets allocated */
    uint8_t *c_ever;
    bucket *answers, *leaves;      /* per day */
    uint32_t *dirty, ndirty;       /* groups with a seat freed, to visit in the next pass */
    uint8_t *is_dirty;
    uint32_t *touched, ntouched, *c_stamp, stamp;
    uint32_t *scratch;             /* a candidate's vœux (answers) */
    uint8_t *keep;
    phase_day tot;                 /* running totals */
    size_t ev_cap;
} engine;

static int push(bucket *b, uint32_t x)
{
    if (b->n == b->cap) {
        uint32_t c = b->cap ? b->cap * 2 : 64;
        uint32_t *v = realloc(b->v, (size_t)c * sizeof *v);
        if (!v) return -1;
        b->v = v;
        b->cap = c;
    }
    b->v[b->n++] = x;
    return 0;
}

static void oom(engine *e)
{
    if (!e->failed) errloc_set(e->err, "phase", 0, 0, "out of memory");
    e->failed = 1;
}

#define SCHOOL_OF(e, w) ((e)->p->w_form[w] * NGROUPS + (e)->r->w_group[w])

static int is_holder(uint8_t s) { return s == PH_OFFER || s == PH_ACCEPTED || s == PH_DEFINITIVE; }
static int is_accepted(uint8_t s) { return s == PH_ACCEPTED || s == PH_DEFINITIVE; }

static void mark_dirty(engine *e, uint32_t s)
{
    if (!e->is_dirty[s]) {
        e->is_dirty[s] = 1;
        e->dirty[e->ndirty++] = s;
    }
}

static void trace(engine *e, uint32_t w, uint8_t from, uint8_t to, uint8_t why)
{
    phase_run *run = e->run;
    if (run->nevents == e->ev_cap) {
        size_t c = e->ev_cap ? e->ev_cap * 2 : 1024;
        phase_event *v = realloc(run->events, c * sizeof *v);
        if (!v) { oom(e); return; }
        run->events = v;
        e->ev_cap = c;
    }
    run->events[run->nevents++] = (phase_event){ w, (uint16_t)e->today, from, to, why };
}

/* The one place a vœu changes state: every counter follows. */
static void set_state(engine *e, uint32_t w, uint8_t to, uint8_t why)
{
    uint8_t from = e->state[w];
    if (from == to) return;
    uint32_t s = SCHOOL_OF(e, w), c = e->p->w_cand[w];
    e->state[w] = to;
    if (is_holder(from) && !is_holder(to)) {
        e->holders[s]--;
        e->tot.holders--;
        if (--e->c_hold[c] == 0) e->tot.with_offer--;
        mark_dirty(e, s);                       /* a seat freed: offered again next pass */
    } else if (!is_holder(from) && is_holder(to)) {
        e->holders[s]++;
        e->tot.holders++;
        if (e->c_hold[c]++ == 0) e->tot.with_offer++;
    }
    if (from == PH_WAITING) {
        e->waiting[s]--;
        if (--e->c_wait[c] == 0) e->tot.waiting--;
    }
    if (is_accepted(from) && !is_accepted(to)) {
        e->accepted[s]--;
        if (e->r->c_wish[c] == w) e->r->c_wish[c] = SIM_NONE;  /* not when a new one replaced it */
        e->tot.with_accepted--;
    } else if (!is_accepted(from) && is_accepted(to)) {
        e->accepted[s]++;
        e->r->c_wish[c] = w;
        e->tot.with_accepted++;
    }
    if (from == PH_DEFINITIVE) { e->definitive[s]--; e->tot.definitive--; }
    if (to == PH_DEFINITIVE) { e->definitive[s]++; e->tot.definitive++; }
    if (to == PH_OFFER) {
        e->offers[s]++;
        e->tot.offers++;
        e->oday[w] = (uint16_t)e->today;
        if (!e->c_ever[c]) { e->c_ever[c] = 1; e->tot.ever_offered++; }
    }
    if (to == PH_REFUSED) e->refused[s]++;
    if (e->o->trace) trace(e, w, from, to, why);
}

/* An accepted offer with no waiting vœu and no other offer left is definitive. */
static void settle(engine *e, uint32_t c)
{
    uint32_t w = e->r->c_wish[c];
    if (w != SIM_NONE && e->state[w] == PH_ACCEPTED && e->c_wait[c] == 0 && e->c_hold[c] == 1)
        set_state(e, w, PH_DEFINITIVE, PW_ANSWER);
}

static const uint32_t *cand_wishes(const engine *e, uint32_t c, uint32_t *n)
{
    *n = e->p->c_start[c + 1] - e->p->c_start[c];
    return e->p->c_wish + e->p->c_start[c];
}

/* Schedules the answer of candidate c to an offer made today. */
static void schedule(engine *e, uint32_t c)
{
    if (e->cflag[c] & CF_RA_ON || e->c_answer[c]) return;
    const phase_behaviour *b = &e->o->behaviour;
    uint32_t t = e->today, d = deadline(t), a;
    if (e->cflag[c] & CF_SILENT) a = d;
    else if (draw(e->o->seed, c, DRAW_SAME, t) < b->same_day) a = t;
    else a = t + 1 + (uint32_t)(draw(e->o->seed, c, DRAW_DELAY, t) * (d - t));
    if (a > e->run->days) return;                 /* after the end of the phase */
    e->c_answer[c] = (uint16_t)a;
    if (push(&e->answers[a], c)) oom(e);
}

/* Step 1 of a pass for group s: offers down the ordre d'appel while a seat is vacant or
 * the position is within the rang limite; every offer takes a vacant seat. */
static void offer_group(engine *e, uint32_t s)
{
    int64_t vacant = (int64_t)e->n[s] - e->holders[s];
    uint32_t start = e->s_start[s], end = e->s_start[s + 1];
    while (e->ptr[s] < end) {
        uint32_t w = e->s_order[e->ptr[s]];
        if (e->state[w] != PH_WAITING) { e->ptr[s]++; continue; }
        uint32_t pos = e->ptr[s] - start + 1;
        if (vacant <= 0 && (e->rl[s] <= 0 || pos > (uint32_t)e->rl[s])) break;
        set_state(e, w, PH_OFFER, PW_OFFER);
        e->last[s] = pos;
        vacant--;
        e->ptr[s]++;
        uint32_t c = e->p->w_cand[w];
        if (e->c_stamp[c] != e->stamp) {
            e->c_stamp[c] = e->stamp;
            e->touched[e->ntouched++] = c;
        }
        schedule(e, c);
    }
}

/* Step 3, the répondeur automatique: the best offer (of the day, or held) is accepted,
 * every other offer refused, every waiting vœu ranked below it resigned. */
static void repondeur(engine *e, uint32_t c)
{
    uint32_t n;
    const uint32_t *list = cand_wishes(e, c, &n);
    uint32_t best = SIM_NONE;
    for (uint32_t i = 0; i < n && best == SIM_NONE; i++)
        if (is_holder(e->state[list[i]])) best = list[i];
    if (best == SIM_NONE) return;
    if (e->state[best] == PH_OFFER) set_state(e, best, PH_ACCEPTED, PW_RA);
    int below = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t w = list[i];
        if (w == best) { below = 1; continue; }
        if (is_holder(e->state[w])) set_state(e, w, PH_REFUSED, PW_RA);
        else if (below && e->state[w] == PH_WAITING) set_state(e, w, PH_RESIGNED, PW_RA);
    }
    settle(e, c);
}

/* Step 2, ordered vœux: below the best offer of the day, waiting vœux and unanswered
 * offers are resigned; an accepted offer is kept. */
static void ordered(engine *e, uint32_t c)
{
    uint32_t n;
    const uint32_t *list = cand_wishes(e, c, &n);
    uint32_t i = 0;
    while (i < n && !(e->state[list[i]] == PH_OFFER && e->oday[list[i]] == e->today)) i++;
    for (i++; i < n; i++) {
        uint32_t w = list[i];
        if (e->state[w] == PH_WAITING) set_state(e, w, PH_RESIGNED, PW_ORDERED);
        else if (e->state[w] == PH_OFFER) set_state(e, w, PH_REFUSED, PW_ORDERED);
    }
    settle(e, c);
}

/* One day's offers, pass after pass until a pass frees no seat. */
static void offers_of_day(engine *e)
{
    uint32_t *cur = malloc(((size_t)e->ns + 1) * sizeof *cur);
    if (!cur) { oom(e); return; }
    while (e->ndirty > 0 && !e->failed) {
        uint32_t ncur = e->ndirty;
        memcpy(cur, e->dirty, ncur * sizeof *cur);
        for (uint32_t i = 0; i < ncur; i++) e->is_dirty[cur[i]] = 0;
        e->ndirty = 0;
        e->stamp++;
        e->ntouched = 0;
        e->tot.passes++;
        for (uint32_t i = 0; i < ncur; i++) offer_group(e, cur[i]);
        for (uint32_t i = 0; i < e->ntouched; i++) {
            uint32_t c = e->touched[i];
            if (e->cflag[c] & CF_RA_ON) repondeur(e, c);
            else if (e->cflag[c] & CF_ORDER_ON) ordered(e, c);
        }
    }
    free(cur);
}

static void leave(engine *e, uint32_t c)
{
    uint32_t n;
    const uint32_t *list = cand_wishes(e, c, &n);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t w = list[i];
        if (is_holder(e->state[w])) set_state(e, w, PH_REFUSED, PW_LEFT);
        else if (e->state[w] == PH_WAITING) set_state(e, w, PH_RESIGNED, PW_LEFT);
    }
    e->cflag[c] |= CF_LEFT;
    e->tot.left++;
}

/* A custom answer through the hook. */
static void answer_hook(engine *e, uint32_t c, const uint32_t *list, uint32_t n)
{
    uint32_t *offers = e->scratch, *waiting = e->scratch + n, no = 0, nw = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint8_t s = e->state[list[i]];
        if (s == PH_OFFER || s == PH_ACCEPTED) offers[no++] = list[i];
        else if (s == PH_WAITING) waiting[nw++] = list[i];
    }
    if (no == 0) return;
    const phase_behaviour *b = &e->o->behaviour;
    memset(e->keep, 1, nw ? nw : 1);
    phase_decision d = { SIM_NONE, e->keep, 0 };
    if (b->answer(b->answer_ctx, c, e->today, e->state, offers, no, waiting, nw, &d, e->err) != 0) {
        e->failed = 1;
        return;
    }
    if (d.leave) { leave(e, c); return; }
    for (uint32_t i = 0; i < no; i++) {
        if (offers[i] == d.accept) set_state(e, offers[i], PH_ACCEPTED, PW_ANSWER);
        else set_state(e, offers[i], PH_REFUSED, PW_ANSWER);
    }
    for (uint32_t i = 0; i < nw; i++)
        if (!d.keep[i]) set_state(e, waiting[i], PH_RESIGNED, PW_ANSWER);
}

/* A candidate's answer to every offer they hold (the built-in model, or the hook). */
static void answer(engine *e, uint32_t c)
{
    const phase_behaviour *b = &e->o->behaviour;
    uint32_t n, t = e->today;
    const uint32_t *list = cand_wishes(e, c, &n);
    if (e->cflag[c] & (CF_LEFT | CF_RA_ON)) return;
    if (e->cflag[c] & CF_SILENT) {               /* never answers: offers expire */
        uint32_t next = 0;
        for (uint32_t i = 0; i < n; i++) {
            uint32_t w = list[i];
            if (e->state[w] != PH_OFFER) continue;
            if (deadline(e->oday[w]) <= t) set_state(e, w, PH_REFUSED, PW_EXPIRED);
            else if (!next || deadline(e->oday[w]) < next) next = deadline(e->oday[w]);
        }
        if (next && next <= e->run->days) {
            e->c_answer[c] = (uint16_t)next;
            if (push(&e->answers[next], c)) oom(e);
        }
        return;
    }
    if (b->answer) { answer_hook(e, c, list, n); settle(e, c); return; }
    uint32_t best = SIM_NONE;                    /* the best offer held, by preference */
    for (uint32_t i = 0; i < n && best == SIM_NONE; i++)
        if (is_holder(e->state[list[i]])) best = list[i];
    if (best == SIM_NONE) return;
    int definitive = draw(e->o->seed, c, DRAW_DEF, t) < b->definitive;
    int below = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t w = list[i];
        if (w == best) {
            below = 1;
            if (e->state[w] == PH_OFFER) set_state(e, w, PH_ACCEPTED, PW_ANSWER);
        } else if (is_holder(e->state[w])) {
            set_state(e, w, PH_REFUSED, PW_ANSWER);
        } else if (e->state[w] == PH_WAITING &&
                   (below || definitive || draw(e->o->seed, c, DRAW_KEEP + i, t) >= b->keep_waiting)) {
            set_state(e, w, PH_RESIGNED, PW_ANSWER);
        }
    }
    settle(e, c);
}

/* Candidates turning on the répondeur or the ordering today. */
static void switch_on(engine *e)
{
    const phase_behaviour *b = &e->o->behaviour;
    for (uint32_t c = 0; c < e->p->nc; c++) {
        if (e->cflag[c] & CF_LEFT) continue;
        if (e->today == b->order_day && (e->cflag[c] & CF_ORDER)) e->cflag[c] |= CF_ORDER_ON;
        if (e->today == b->ra_day && (e->cflag[c] & CF_RA)) {
            e->cflag[c] |= CF_RA_ON;
            repondeur(e, c);                     /* answers what is held now */
        }
    }
}

static void snapshot(engine *e, uint32_t day)
{
    phase_run *run = e->run;
    phase_day *d = &run->day[day - 1];
    *d = e->tot;
    d->day = day;
    phase_gday *g = run->gday + (size_t)(day - 1) * run->ngroups;
    for (uint32_t i = 0; i < run->ngroups; i++) {
        uint32_t s = run->g_school[i];
        g[i] = (phase_gday){ e->offers[s], e->holders[s], e->accepted[s], e->definitive[s],
                             e->waiting[s], e->refused[s], e->last[s] };
    }
}

/* Per-candidate draws made once: répondeur, ordering, silence, the day they leave. */
static int draw_candidates(engine *e)
{
    const phase_behaviour *b = &e->o->behaviour;
    uint64_t seed = e->o->seed;
    for (uint32_t c = 0; c < e->p->nc; c++) {
        uint8_t f = 0;
        if (draw(seed, c, DRAW_RA, 0) < b->ra_share) f |= CF_RA;
        else if (draw(seed, c, DRAW_ORDER, 0) < b->order_share) f |= CF_ORDER;
        if (draw(seed, c, DRAW_SILENT, 0) < b->never_answer) f |= CF_SILENT;
        uint32_t day = UINT32_MAX;
        if (b->leave_daily > 0) {                /* geometric: first day of leaving */
            double u = draw(seed, c, DRAW_LEAVE, 0);
            double k = b->leave_daily >= 1 ? 0 : floor(log1p(-u) / log1p(-b->leave_daily));
            if (k < PHASE_MAX_DAYS) day = 1 + (uint32_t)k;
        }
        if (b->bac_day && draw(seed, c, DRAW_BAC, 0) < b->bac_fail && b->bac_day <= day) {
            day = b->bac_day;
            f |= CF_BAC;
        }
        e->cflag[c] = f;
        int has_wishes = e->p->c_start[c + 1] > e->p->c_start[c];  /* else not in this phase */
        if (has_wishes && day <= e->run->days && push(&e->leaves[day], c)) return -1;
    }
    return 0;
}

static void engine_free(engine *e)
{
    free(e->s_start); free(e->s_order); free(e->ptr); free(e->n); free(e->rl);
    free(e->holders); free(e->waiting); free(e->accepted); free(e->definitive);
    free(e->refused); free(e->offers); free(e->last); free(e->oday);
    free(e->cflag); free(e->c_answer); free(e->c_hold); free(e->c_wait); free(e->c_ever);
    for (uint32_t d = 0; e->answers && d < e->nd; d++) free(e->answers[d].v);
    for (uint32_t d = 0; e->leaves && d < e->nd; d++) free(e->leaves[d].v);
    free(e->answers); free(e->leaves);
    free(e->dirty); free(e->is_dirty); free(e->touched); free(e->c_stamp);
    free(e->scratch); free(e->keep);
}

static size_t at_least_1(size_t n) { return n ? n : 1; }
#define ALLOC(ptr, n) ((ptr) = calloc(at_least_1(n), sizeof *(ptr)))

static int engine_init(engine *e, const sim_problem *p, const phase_opts *o, phase_run *run)
{
    uint32_t ns = e->ns = p->nf * NGROUPS, nd = run->days + 2, maxdeg = 0;
    for (uint32_t c = 0; c < p->nc; c++)
        if (p->c_start[c + 1] - p->c_start[c] > maxdeg) maxdeg = p->c_start[c + 1] - p->c_start[c];
    if (!ALLOC(e->s_start, (size_t)ns + 1) || !ALLOC(e->s_order, p->nw) || !ALLOC(e->ptr, ns) ||
        !ALLOC(e->n, ns) || !ALLOC(e->rl, ns) || !ALLOC(e->holders, ns) || !ALLOC(e->waiting, ns) ||
        !ALLOC(e->accepted, ns) || !ALLOC(e->definitive, ns) || !ALLOC(e->refused, ns) ||
        !ALLOC(e->offers, ns) || !ALLOC(e->last, ns) || !ALLOC(e->oday, p->nw) ||
        !ALLOC(e->cflag, p->nc) || !ALLOC(e->c_answer, p->nc) || !ALLOC(e->c_hold, p->nc) ||
        !ALLOC(e->c_wait, p->nc) || !ALLOC(e->c_ever, p->nc) || !ALLOC(e->answers, nd) ||
        !ALLOC(e->leaves, nd) || (e->nd = nd, 0) || !ALLOC(e->dirty, ns) || !ALLOC(e->is_dirty, ns) ||
        !ALLOC(e->touched, p->nc) || !ALLOC(e->c_stamp, p->nc) ||
        !ALLOC(e->scratch, 2 * (size_t)maxdeg) || !ALLOC(e->keep, maxdeg) ||
        !ALLOC(run->w_state, p->nw))
        return -1;
    e->state = run->w_state;
    if (sim_call_orders(p, e->r, e->s_start, e->s_order) != 0) return -1;
    uint32_t active = 0;
    for (uint32_t s = 0; s < ns; s++)
        if (e->s_start[s + 1] > e->s_start[s]) active++;
    run->ngroups = active;
    if (!ALLOC(run->g_school, active) || !ALLOC(run->g_n, active) ||
        !ALLOC(run->day, run->days) || !ALLOC(run->gday, (size_t)active * run->days))
        return -1;
    active = 0;
    for (uint32_t f = 0; f < p->nf; f++) {
        int ob = o->f_overbooking && o->f_overbooking[f] >= 0 ? o->f_overbooking[f] : o->overbooking;
        int32_t extra = 0, total = 0;
        for (int g = 0; g < NGROUPS; g++) total += p->f_caps[f][g];
        if (o->f_recrutements && o->f_recrutements[f] > total) extra = o->f_recrutements[f] - total;
        for (int g = 0; g < NGROUPS; g++) {
            uint32_t s = f * NGROUPS + (uint32_t)g;
            int32_t cap = p->f_caps[f][g];
            /* nb_recrutements: the seats above capacity go to the general group */
            if (o->f_recrutements && o->f_recrutements[f] >= 0)
                e->n[s] = cap + (g == GROUP_OTHER ? extra : 0);
            else
                e->n[s] = phase_n_of(cap, ob);
            e->rl[s] = o->f_rang_limite ? o->f_rang_limite[f] : 0;
            e->ptr[s] = e->s_start[s];
            e->waiting[s] = e->s_start[s + 1] - e->s_start[s];
            if (e->waiting[s]) {
                run->g_school[active] = s;
                run->g_n[active++] = e->n[s];
                mark_dirty(e, s);
            }
        }
    }
    for (uint32_t c = 0; c < p->nc; c++) {
        e->r->c_wish[c] = SIM_NONE;
        e->c_wait[c] = p->c_start[c + 1] - p->c_start[c];
        if (e->c_wait[c]) e->tot.waiting++;
    }
    return draw_candidates(e);
}

static int run_days(engine *e)
{
    phase_run *run = e->run;
    uint32_t days = run->days;
    for (uint32_t t = 1; t <= days && !e->failed; t++) {
        e->today = t;
        e->tot.offers = 0;
        e->tot.passes = 0;
        bucket *lv = &e->leaves[t];
        for (uint32_t i = 0; i < lv->n; i++) {
            uint32_t c = lv->v[i];
            int settled = e->r->c_wish[c] != SIM_NONE && e->state[e->r->c_wish[c]] == PH_DEFINITIVE;
            if (!(e->cflag[c] & CF_LEFT) && (!settled || (e->cflag[c] & CF_BAC))) leave(e, c);
        }
        if (t == e->o->behaviour.ra_day || t == e->o->behaviour.order_day) switch_on(e);
        offers_of_day(e);
        bucket *an = &e->answers[t];
        for (uint32_t i = 0; i < an->n && !e->failed; i++) {
            uint32_t c = an->v[i];
            if (e->c_answer[c] != t) continue;
            e->c_answer[c] = 0;
            answer(e, c);
        }
        if (e->failed) break;
        snapshot(e, t);
        if (e->o->on_day) {
            int rc = e->o->on_day(e->o->on_day_ctx, &run->day[t - 1], e->err);
            if (rc < 0) { e->failed = 1; break; }
            if (rc > 0) { run->days = t; break; }
        }
    }
    return e->failed ? -1 : 0;
}

phase_run *phase_simulate(const sim_problem *p, const phase_opts *o, errloc *err)
{
    phase_run *run = calloc(1, sizeof *run);
    sim_result *r = calloc(1, sizeof *r);
    engine e;
    memset(&e, 0, sizeof e);
    if (!run || !r) { free(run); free(r); errloc_set(err, "phase", 0, 0, "out of memory"); return NULL; }
    run->r = r;
    run->days = o->days ? o->days : 37;
    if (run->days > PHASE_MAX_DAYS) run->days = PHASE_MAX_DAYS;
    uint32_t asked = run->days;
    r->mode = SIM_SCHOOL;
    r->c_wish = malloc((p->nc ? p->nc : 1) * sizeof *r->c_wish);
    r->w_callpos = malloc((p->nw ? p->nw : 1) * sizeof *r->w_callpos);
    r->w_group = malloc(p->nw ? p->nw : 1);
    e.p = p;
    e.o = o;
    e.run = run;
    e.r = r;
    e.err = err;
    int rc = -1;
    if (!r->c_wish || !r->w_callpos || !r->w_group || engine_init(&e, p, o, run) != 0) oom(&e);
    else rc = run_days(&e);
    run->days = run->days < asked ? run->days : asked;
    r->rounds = run->days;
    run->w_state = e.state;
    engine_free(&e);
    if (rc != 0) {
        if (!e.failed) oom(&e);
        phase_run_free(run);
        return NULL;
    }
    return run;
}

void phase_run_free(phase_run *run)
{
    if (!run) return;
    sim_result_free(run->r);
    free(run->day);
    free(run->g_school);
    free(run->g_n);
    free(run->gday);
    free(run->events);
    free(run->w_state);
    free(run);
}
