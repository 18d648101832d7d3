/* alloc.c — seat allocation by deferred acceptance over the groups of every formation.
 * A "school" is one group of one formation (index f·NGROUPS + g) with its seats
 * (f_caps) and its priority: the ordre d'appel of the group's applicants, computed once
 * with callorder_compute from their rank and the formation's boursier / résident rates.
 * student mode: candidates propose (the candidate-optimal stable assignment);
 * school mode: groups offer seats down their ordre d'appel, candidates keep their best
 * offer (the formation-optimal stable assignment, where Parcoursup's daily offers end). */
#include "sim.h"

#include <stdlib.h>
#include <string.h>

#include "callorder.h"
#include "threads.h"
#include "phases.h"

#define SCHOOL(p, w, r) ((p)->w_form[w] * NGROUPS + (r)->w_group[w])

/* ---------------------------------------------------------------- scratch */

/* The large temporary arrays of one allocation, carved from the instance's spare block
 * (sim_give_spare) while it has room, else malloc'd. The first `keep` bytes hold the
 * result's own arrays, which outlive the scratch: the block then goes with the result. */
typedef struct scratch {
    char *base;
    size_t size, used, keep;
} scratch;

static void *scratch_get(scratch *s, size_t bytes)
{
    bytes = (bytes + 63) & ~(size_t)63;   /* each array on its own cache lines */
    if (s && s->base && bytes && s->size - s->used >= bytes) {
        void *at = s->base + s->used;
        s->used += bytes;
        return at;
    }
    return malloc(bytes ? bytes : 1);
}

static void scratch_put(const scratch *s, void *ptr)
{
    uintptr_t a = (uintptr_t)ptr;
    if (!s || !s->base || a < (uintptr_t)s->base || a >= (uintptr_t)s->base + s->size) free(ptr);
}

/* -------------------------------------------------------- ordres d'appel */

/* The formations [f_lo, f_hi) of one thread, with its own scratch buffers. Each formation
 * writes only its own slices of r->w_group, r->w_callpos, s_start and s_order, so threads
 * share nothing they write and the result does not depend on their number. */
typedef struct co_slice {
    const sim_problem *p;
    sim_result *r;
    uint32_t *s_start, *s_order;
    const uint8_t *flags;      /* per candidate: bac (2 bits), boursier, résident */
    /* per vœu in formation order (p->f_wish order, beside p->f_rank): its call position
     * once computed, and its candidate's flags, laid out so that each formation reads its
     * applicants in one sequential sweep */
    uint32_t *fo_rank;
    uint8_t *fo_flags;         /* bac (2 bits), boursier, résident, then the group (<< 4) */
    uint32_t *fill;            /* scatter: per thread, per formation, the next slot */
    uint32_t *fill0;           /* the same at the start, for the gather of the call positions */
    uint32_t maxn;             /* most vœux of one formation */
    sim_progress_fn progress;  /* thread 0 only */
    void *pctx;
    int rc[THREADS_MAX];
} co_slice;

/* The vœux [lo, hi) of thread t, by W.csv order. */
static void wish_slice(const sim_problem *p, int t, int nt, uint32_t *lo, uint32_t *hi)
{
    *lo = (uint32_t)((uint64_t)p->nw * (uint64_t)t / (uint64_t)nt);
    *hi = (uint32_t)((uint64_t)p->nw * (uint64_t)(t + 1) / (uint64_t)nt);
}

/* Pass 1: how many vœux of each formation thread t's slice holds. */
static void scatter_count(void *ctx, int t, int nt)
{
    co_slice *x = ctx;
    uint32_t lo, hi, *count = x->fill + (size_t)t * x->p->nf;
    wish_slice(x->p, t, nt, &lo, &hi);
    for (uint32_t w = lo; w < hi; w++) count[x->p->w_form[w]]++;
}

/* Pass 2: each vœu's flags to its place in formation order (its rank is there already,
 * p->f_rank). Sequential reads, writes into one stream per formation; a formation's vœux
 * keep W.csv order, as in p->f_wish (sim_index's counting sort), so slot k here is vœu
 * p->f_wish[k]. */
static void scatter_fill(void *ctx, int t, int nt)
{
    co_slice *x = ctx;
    const sim_problem *p = x->p;
    uint32_t lo, hi, *fill = x->fill + (size_t)t * p->nf;
    wish_slice(p, t, nt, &lo, &hi);
    sim_result *r = x->r;
    for (uint32_t w = lo; w < hi; w++) {
        uint32_t f = p->w_form[w], k = fill[f]++;
        uint8_t fl = x->flags[p->w_cand[w]];
        /* the group a vœu competes in needs only its formation and candidate: set here, in
         * W.csv order, rather than scattered from each formation's list */
        int g = groups_of_bac(fl & 3, p->f_caps[f], p->f_min_techno[f], p->f_min_pro[f]);
        r->w_group[w] = (uint8_t)g;
        x->fo_flags[k] = (uint8_t)(fl | g << 4);
    }
}

/* fo_flags (and the groups), on nt threads: 0 or -1 (out of memory). */
static int scatter(co_slice *x, int nt)
{
    const sim_problem *p = x->p;
    x->fill = calloc((size_t)nt * p->nf + 1, sizeof *x->fill);
    if (!x->fill) return -1;
    threads_run(nt, scatter_count, x);
    for (uint32_t f = 0; f < p->nf; f++) {   /* counts to first slots, thread after thread */
        uint32_t at = p->f_start[f];
        for (int t = 0; t < nt; t++) {
            uint32_t n = x->fill[(size_t)t * p->nf + f];
            x->fill[(size_t)t * p->nf + f] = at;
            at += n;
        }
    }
    x->fill0 = malloc(((size_t)nt * p->nf + 1) * sizeof *x->fill0);
    if (!x->fill0) {
        free(x->fill);
        x->fill = NULL;
        return -1;
    }
    memcpy(x->fill0, x->fill, ((size_t)nt * p->nf + 1) * sizeof *x->fill0);
    threads_run(nt, scatter_fill, x);
    free(x->fill);
    x->fill = NULL;
    return 0;
}

/* After the calls: fo_rank holds each vœu's call position, in formation order; back to
 * W.csv order through the same streams as scatter_fill (sequential writes, one read
 * stream per formation) rather than a scattered write per vœu. */
static void gather_callpos(void *ctx, int t, int nt)
{
    co_slice *x = ctx;
    const sim_problem *p = x->p;
    uint32_t lo, hi, *fill = x->fill0 + (size_t)t * p->nf;
    wish_slice(p, t, nt, &lo, &hi);
    for (uint32_t w = lo; w < hi; w++) x->r->w_callpos[w] = x->fo_rank[fill[p->w_form[w]]++];
}

static int call_orders_range(const co_slice *x, uint32_t f_lo, uint32_t f_hi, int report)
{
    const sim_problem *p = x->p;
    uint32_t maxn = x->maxn;
    co_cand *all = malloc(((size_t)maxn + 1) * sizeof *all);     /* the formation's vœux */
    co_cand *cand = malloc(((size_t)maxn + 1) * sizeof *cand);   /* one group's */
    uint32_t *pos = malloc(((size_t)maxn + 1) * sizeof *pos);    /* their places in the formation's list */
    uint8_t *group = malloc((size_t)maxn + 1);
    uint32_t *order = malloc(((size_t)maxn + 1) * sizeof *order);
    int rc = -1;
    if (!all || !cand || !pos || !group || !order) goto out;
    rc = 0;
    for (uint32_t f = f_lo; f < f_hi && rc == 0; f++) {
        const uint32_t *list = p->f_wish + p->f_start[f];
        uint32_t n = p->f_start[f + 1] - p->f_start[f], count[NGROUPS] = { 0 };
        const uint32_t *ranks = p->f_rank + p->f_start[f];
        uint32_t *rank = x->fo_rank + p->f_start[f];   /* the call positions */
        const uint8_t *flags = x->fo_flags + p->f_start[f];
        for (uint32_t i = 0; i < n; i++) {
            uint8_t fl = flags[i];
            int g = fl >> 4;   /* scatter_fill's groups_of_bac */
            group[i] = (uint8_t)g;
            all[i].rank = ranks[i];
            all[i].boursier = (fl >> 2) & 1;
            all[i].resident = (fl >> 3) & 1;
            count[g]++;
        }
        uint32_t at = p->f_start[f];
        for (int g = 0; g < NGROUPS; g++) {
            x->s_start[f * NGROUPS + g] = at;
            at += count[g];
        }
        for (int g = 0; g < NGROUPS && rc == 0; g++) {
            uint32_t *grp = x->s_order + x->s_start[f * NGROUPS + g], k = 0;
            for (uint32_t i = 0; i < n; i++)
                if (group[i] == g) {
                    cand[k] = all[i];
                    pos[k++] = i;
                }
            size_t bad;
            if (callorder_compute(cand, k, p->f_min_boursier[f], p->f_min_resident[f], 0, order, &bad) != CO_OK) {
                rc = -1;  /* ranks and rates were checked on loading: only memory can fail */
                break;
            }
            for (uint32_t j = 0; j < k; j++) {   /* order[] indexes the group's members */
                uint32_t i = pos[order[j]];
                grp[j] = list[i];
                rank[i] = j + 1;
            }
        }
        if (report && x->progress && (f & 1023) == 0)
            x->progress(x->pctx, "ordres d'appel", (double)(f - f_lo) / (f_hi - f_lo));
    }
out:
    free(all);
    free(cand);
    free(pos);
    free(group);
    free(order);
    return rc;
}

/* Thread t takes the formations whose vœux fall in the t-th share of all vœux. */
static uint32_t slice_bound(const sim_problem *p, int t, int nt)
{
    if (t >= nt) return p->nf;
    uint64_t target = (uint64_t)p->nw * (uint64_t)t / (uint64_t)nt;
    uint32_t lo = 0, hi = p->nf;   /* first f with f_start[f] >= target */
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (p->f_start[mid] < target) lo = mid + 1; else hi = mid;
    }
    return lo;
}

static void call_orders_thread(void *ctx, int t, int nt)
{
    co_slice *x = ctx;
    x->rc[t] = call_orders_range(x, slice_bound(x->p, t, nt), slice_bound(x->p, t + 1, nt), t == 0);
}

/* Fills r->w_group, r->w_callpos and, per school s, s_order[s_start[s] .. s_start[s+1]):
 * its applicants' vœux in call order. Returns 0 or -1 (out of memory). */
static int call_orders(const sim_problem *p, sim_result *r, uint32_t *s_start, uint32_t *s_order,
                       scratch *sc, sim_progress_fn progress, void *pctx)
{
    uint32_t maxn = 0;
    for (uint32_t f = 0; f < p->nf; f++)
        if (p->f_start[f + 1] - p->f_start[f] > maxn) maxn = p->f_start[f + 1] - p->f_start[f];
    /* one byte per candidate: bac (2 bits), boursier, résident; read once per vœu */
    uint8_t *flags = malloc(p->nc ? p->nc : 1);
    if (!flags) return -1;
    for (uint32_t c = 0; c < p->nc; c++)
        flags[c] = (uint8_t)(p->c_bac[c] | p->c_boursier[c] << 2 | p->c_resident[c] << 3);
    co_slice x = { .p = p, .r = r, .s_start = s_start, .s_order = s_order, .flags = flags, .maxn = maxn,
                   .progress = progress, .pctx = pctx };
    /* a thread is worth its start only with a few thousand vœux to order */
    int nt = p->nw < 20000 ? 1 : threads_count();
    x.fo_rank = scratch_get(sc, ((size_t)p->nw + 1) * sizeof *x.fo_rank);
    x.fo_flags = scratch_get(sc, (size_t)p->nw + 1);
    if (!x.fo_rank || !x.fo_flags || scatter(&x, nt) != 0) {
        free(flags); scratch_put(sc, x.fo_rank); scratch_put(sc, x.fo_flags);
        return -1;
    }
    free(flags);
    int nt_calls = nt;
    if ((uint32_t)nt_calls > p->nf) nt_calls = p->nf ? (int)p->nf : 1;
    threads_run(nt_calls, call_orders_thread, &x);
    threads_run(nt, gather_callpos, &x);
    free(x.fill0);
    scratch_put(sc, x.fo_rank);
    scratch_put(sc, x.fo_flags);
    s_start[(size_t)p->nf * NGROUPS] = p->nw;
    for (int t = 0; t < nt; t++)
        if (x.rc[t] != 0) return -1;
    return 0;
}

/* ------------------------------------------------- candidates propose */

/* Max-heap of held vœux, each entry (call position << 32 | vœu) so that comparisons
 * need no lookup: the root is the last called, the one to drop first. */
static void heap_up(uint64_t *h, uint32_t i)
{
    uint64_t x = h[i];
    while (i > 0) {
        uint32_t parent = (i - 1) / 2;
        if (h[parent] >= x) break;
        h[i] = h[parent];
        i = parent;
    }
    h[i] = x;
}

static void heap_down(uint64_t *h, uint32_t n)
{
    uint32_t i = 0;
    uint64_t x = h[0];
    for (;;) {
        uint32_t c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && h[c + 1] > h[c]) c++;
        if (h[c] <= x) break;
        h[i] = h[c];
        i = c;
    }
    h[i] = x;
}

/* Seats a school can actually hold: its capacity, bounded by its applicants. */
static uint32_t seats(const sim_problem *p, const uint32_t *s_start, uint32_t s)
{
    int32_t cap = p->f_caps[s / NGROUPS][s % NGROUPS];
    uint32_t n = s_start[s + 1] - s_start[s];
    return cap <= 0 ? 0 : (uint32_t)cap < n ? (uint32_t)cap : n;
}

/* Per vœu in candidate order (p->c_wish order): (call position << 32 | school), so that a
 * proposal reads one word, next to the candidate's previous one, instead of four arrays
 * indexed by vœu. Built on nt threads, by slices of candidates. */
typedef struct prop_build {
    const sim_problem *p;
    const sim_result *r;
    uint64_t *cw;
} prop_build;

static void build_cw(void *ctx, int t, int nt)
{
    prop_build *x = ctx;
    const sim_problem *p = x->p;
    const sim_result *r = x->r;
    uint32_t lo = (uint32_t)((uint64_t)p->nw * (uint64_t)t / (uint64_t)nt);
    uint32_t hi = (uint32_t)((uint64_t)p->nw * (uint64_t)(t + 1) / (uint64_t)nt);
    for (uint32_t k = lo; k < hi; k++) {
        uint32_t w = p->c_wish[k];
        x->cw[k] = (uint64_t)r->w_callpos[w] << 32 | SCHOOL(p, w, r);
    }
}

/* Each candidate's place in the deferred acceptance: its list p->c_wish[start .. end) and
 * the next vœu to propose, side by side (one cache line per proposal). */
typedef struct cand_state {
    uint32_t start, end, next;
} cand_state;

static int students_propose(const sim_problem *p, sim_result *r, const uint32_t *s_start,
                            scratch *sc, sim_progress_fn progress, void *pctx)
{
    size_t ns = (size_t)p->nf * NGROUPS;
    uint32_t *h_start = malloc((ns + 1) * sizeof *h_start);
    uint32_t *h_size = calloc(ns ? ns : 1, sizeof *h_size);
    cand_state *cs = scratch_get(sc, (p->nc ? p->nc : 1) * sizeof *cs);
    uint32_t *cur = scratch_get(sc, ((size_t)p->nc + 1) * sizeof *cur);
    uint32_t *nxt = scratch_get(sc, ((size_t)p->nc + 1) * sizeof *nxt);
    uint64_t *cw = scratch_get(sc, ((size_t)p->nw + 1) * sizeof *cw);
    uint64_t *heap = NULL;
    int rc = -1;
    if (!h_start || !h_size || !cs || !cur || !nxt || !cw) goto out;
    size_t total = 0;
    for (size_t s = 0; s < ns; s++) {
        h_start[s] = (uint32_t)total;
        total += seats(p, s_start, (uint32_t)s);
    }
    h_start[ns] = (uint32_t)total;
    heap = malloc((total ? total : 1) * sizeof *heap);
    if (!heap) goto out;
    prop_build pb = { p, r, cw };
    threads_run(p->nw < 100000 ? 1 : threads_count(), build_cw, &pb);

    uint32_t ncur = 0, settled = 0;
    for (uint32_t c = 0; c < p->nc; c++) {   /* a candidate is queued only with a vœu left */
        cs[c] = (cand_state){ p->c_start[c], p->c_start[c + 1], p->c_start[c] };
        if (cs[c].end > cs[c].start) cur[ncur++] = c;
    }
    r->rounds = 0;
    /* heap entries are (call position << 32 | candidate): a held candidate holds the vœu it
     * proposed last, cw[next - 1]; positions are distinct in a school, so the order of the
     * entries is that of the call */
    while (ncur > 0) {
        uint32_t nnxt = 0;
        r->rounds++;
        for (uint32_t i = 0; i < ncur; i++) {
            uint32_t c = cur[i];
            /* each proposal is three dependent cache misses (the candidate's state, its
             * next word, the school's heap): fetched in stages, some proposals ahead */
            if (i + 16 < ncur) __builtin_prefetch(&cs[cur[i + 16]]);
            if (i + 8 < ncur) __builtin_prefetch(&cw[cs[cur[i + 8]].next]);
            if (i + 4 < ncur) __builtin_prefetch(&heap[h_start[(uint32_t)cw[cs[cur[i + 4]].next]]]);
            cand_state *st = &cs[c];
            uint64_t word = cw[st->next++];
            uint32_t s = (uint32_t)word, k = h_start[s + 1] - h_start[s];
            uint64_t *h = heap + h_start[s], entry = (word >> 32) << 32 | c;
            if (h_size[s] < k) {
                h[h_size[s]] = entry;
                heap_up(h, h_size[s]++);
                settled++;
            } else if (k > 0 && entry < h[0]) {
                uint32_t out = (uint32_t)h[0];   /* the last called is displaced */
                h[0] = entry;
                heap_down(h, k);
                if (cs[out].next < cs[out].end) nxt[nnxt++] = out;
            } else if (st->next < st->end) {
                nxt[nnxt++] = c;                      /* refused: next vœu next round */
            }
        }
        uint32_t *t = cur; cur = nxt; nxt = t;
        ncur = nnxt;
        if (progress) progress(pctx, "allocation", p->nc ? (double)settled / p->nc : 1.0);
    }
    for (uint32_t c = 0; c < p->nc; c++) r->c_wish[c] = SIM_NONE;
    for (size_t s = 0; s < ns; s++)
        for (uint32_t i = 0; i < h_size[s]; i++) {
            uint32_t c = (uint32_t)heap[h_start[s] + i];
            r->c_wish[c] = p->c_wish[cs[c].next - 1];
        }
    rc = 0;
out:
    free(h_start); free(h_size); free(heap);
    scratch_put(sc, cs); scratch_put(sc, cur); scratch_put(sc, nxt); scratch_put(sc, cw);
    return rc;
}

/* ------------------------------------------------- formations propose */

static int schools_propose(const sim_problem *p, sim_result *r, const uint32_t *s_start,
                           const uint32_t *s_order, sim_progress_fn progress, void *pctx)
{
    uint32_t ns = p->nf * NGROUPS;
    uint32_t *ptr = malloc(((size_t)ns + 1) * sizeof *ptr);
    uint32_t *held = calloc((size_t)ns + 1, sizeof *held);
    uint32_t *queued = calloc((size_t)ns + 1, sizeof *queued);  /* round it is queued for */
    uint32_t *cur = malloc(((size_t)ns + 1) * sizeof *cur);
    uint32_t *nxt = malloc(((size_t)ns + 1) * sizeof *nxt);
    int rc = -1;
    if (!ptr || !held || !queued || !cur || !nxt) goto out;
    for (uint32_t c = 0; c < p->nc; c++) r->c_wish[c] = SIM_NONE;
    uint32_t ncur = 0;
    for (uint32_t s = 0; s < ns; s++) {
        ptr[s] = s_start[s];
        if (seats(p, s_start, s) > 0) { cur[ncur++] = s; queued[s] = 1; }
    }
    r->rounds = 0;
    while (ncur > 0) {
        uint32_t nnxt = 0, round = ++r->rounds;
        for (uint32_t i = 0; i < ncur; i++) {
            uint32_t s = cur[i], cap = seats(p, s_start, s), end = s_start[s + 1];
            while (held[s] < cap && ptr[s] < end) {
                uint32_t w = s_order[ptr[s]++], c = p->w_cand[w], old = r->c_wish[c];
                if (old != SIM_NONE && p->w_pref[old] < p->w_pref[w]) continue;  /* declined */
                if (old != SIM_NONE) {
                    uint32_t s2 = SCHOOL(p, old, r);
                    held[s2]--;                          /* a seat freed there: offers tomorrow */
                    if (queued[s2] != round + 1 && ptr[s2] < s_start[s2 + 1]) {
                        queued[s2] = round + 1;
                        nxt[nnxt++] = s2;
                    }
                }
                r->c_wish[c] = w;
                held[s]++;
            }
        }
        uint32_t *t = cur; cur = nxt; nxt = t;
        ncur = nnxt;
        if (progress) progress(pctx, "allocation", ns ? 1.0 - (double)ncur / ns : 1.0);
    }
    rc = 0;
out:
    free(ptr); free(held); free(queued); free(cur); free(nxt);
    return rc;
}

/* ---------------------------------------------------------------- entry */

/* Gives r the block its arrays were carved from, cut down to them (the rest goes back):
 * realloc may move it, the arrays then move with it. */
static void result_takes_block(sim_result *r, scratch *sc)
{
    if (!sc->base || !sc->keep) return;   /* nothing carved: the block is only scratch */
    char *nb = realloc(sc->base, sc->keep);
    if (!nb) nb = sc->base;               /* could not shrink: kept whole */
    if (nb != sc->base) {
        r->c_wish = (uint32_t *)(void *)(nb + ((char *)r->c_wish - sc->base));
        r->w_callpos = (uint32_t *)(void *)(nb + ((char *)r->w_callpos - sc->base));
        r->w_group = (uint8_t *)(nb + ((char *)r->w_group - sc->base));
    }
    r->block = nb;
    sc->base = NULL;
}

sim_result *sim_allocate(const sim_problem *p, sim_mode mode, sim_progress_fn progress, void *pctx)
{
    sim_result *r = calloc(1, sizeof *r);
    size_t ns = (size_t)p->nf * NGROUPS;
    scratch sc = { NULL, 0, 0, 0 };
    sc.base = sim_take_spare(p, &sc.size);
    uint32_t *s_start = malloc((ns + 1) * sizeof *s_start), *s_order = NULL;
    if (!r || !s_start) goto fail;
    r->mode = mode;
    /* the result's arrays first, from the spare block when it holds them and the scratch
     * after them (already-touched pages, rather than fresh ones: each a fault here) */
    size_t c_bytes = ((p->nc ? p->nc : 1) * sizeof *r->c_wish + 63) & ~(size_t)63;
    size_t w_bytes = ((p->nw ? p->nw : 1) * sizeof *r->w_callpos + 63) & ~(size_t)63;
    size_t g_bytes = ((size_t)(p->nw ? p->nw : 1) + 63) & ~(size_t)63;
    if (sc.base && sc.size >= c_bytes + w_bytes + g_bytes) {
        r->c_wish = scratch_get(&sc, c_bytes);
        r->w_callpos = scratch_get(&sc, w_bytes);
        r->w_group = scratch_get(&sc, g_bytes);
        sc.keep = sc.used;
    } else {
        r->c_wish = malloc(c_bytes);
        r->w_callpos = malloc(w_bytes);
        r->w_group = malloc(g_bytes);
    }
    s_order = scratch_get(&sc, (p->nw ? p->nw : 1) * sizeof *s_order);
    if (!s_order || !r->c_wish || !r->w_callpos || !r->w_group) goto fail;
    if (call_orders(p, r, s_start, s_order, &sc, progress, pctx) != 0) goto fail;
    phases_mark("ordres d'appel");
    if (mode == SIM_STUDENT) {   /* the lists in call order serve only the formations' offers */
        scratch_put(&sc, s_order);
        s_order = NULL;
        sc.used = sc.keep;       /* the call orders' arrays are spent: their room serves again */
    }
    int rc = mode == SIM_STUDENT ? students_propose(p, r, s_start, &sc, progress, pctx)
                                 : schools_propose(p, r, s_start, s_order, progress, pctx);
    if (rc != 0) goto fail;
    phases_mark("allocation");
    free(s_start);
    scratch_put(&sc, s_order);
    result_takes_block(r, &sc);
    free(sc.base);
    return r;
fail:
    free(s_start);
    scratch_put(&sc, s_order);
    if (r) result_takes_block(r, &sc);
    free(sc.base);
    sim_result_free(r);
    return NULL;
}

void sim_result_free(sim_result *r)
{
    if (!r) return;
    if (r->block) {
        free(r->block);   /* the three arrays lie in it */
    } else {
        free(r->c_wish);
        free(r->w_callpos);
        free(r->w_group);
    }
    free(r);
}

/* The ordres d'appel alone (the phase principale walks them day by day): fills r->w_group,
 * r->w_callpos and the per-school lists in call order. 0 or -1 (out of memory). */
int sim_call_orders(const sim_problem *p, sim_result *r, uint32_t *s_start, uint32_t *s_order)
{
    return call_orders(p, r, s_start, s_order, NULL, NULL, NULL);
}
