/* sim.c — the allocation instance: growth of the flat arrays, id lookup through
 * open-addressing hash maps, and the indexing pass (vœux grouped by formation and by
 * candidate, by counting sort: no per-vœu allocation). */
#include "sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idindex.h"
#include "fieldval.h"
#include "phases.h"
#include "threads.h"

const char *const sim_desc_names[SIM_NDESC] = {
    "annex", "academie", "establishment", "commune", "program"
};

const char *const sim_obs_names[SIM_NOBS] = {
    "applicants", "applicants_general", "applicants_techno", "applicants_pro",
    "applicants_general_boursier", "applicants_techno_boursier", "applicants_pro_boursier",
    "admitted", "admitted_general", "admitted_techno", "admitted_pro", "admitted_boursier",
};

/* ------------------------------------------------------------- id maps */

/* Id → index through idindex (hash beside each row, texts compared only on equal hashes);
 * the maps are private to this file and catch up lazily with rows added since. */
typedef struct sim_maps {
    idindex form, cand;
    int form_ready, cand_ready;
} sim_maps;

static sim_maps *maps_of(const sim_problem *p);

static const char *form_text(const void *ctx, uint32_t row, size_t *len)
{
    const sim_problem *p = ctx;
    *len = strlen(p->f_id[row]);
    return p->f_id[row];
}

static const char *cand_text(const void *ctx, uint32_t row, size_t *len)
{
    const sim_problem *p = ctx;
    *len = strlen(p->c_id[row]);
    return p->c_id[row];
}

/* Adds rows [ix->count.. n) to the map; a repeated id keeps its first row, as lookups do. */
static int idmap_sync(idindex *ix, const char *const *ids, uint32_t n, idindex_text_fn text_of,
                      const sim_problem *p, uint32_t *synced)
{
    for (uint32_t i = *synced; i < n; i++)
        if (idindex_add(ix, ids[i], strlen(ids[i]), i, text_of, p) == -2) return -1;
    *synced = n;
    return 0;
}

/* ------------------------------------------------------------- building */

typedef struct sim_problem_full {
    sim_problem pub;
    sim_maps maps;
    void *spare;                          /* sim_give_spare's block, until taken */
    size_t spare_size;
    uint32_t form_synced, cand_synced;   /* rows already in the maps */
} sim_problem_full;

static sim_maps *maps_of(const sim_problem *p)
{
    return &((sim_problem_full *)(uintptr_t)p)->maps;
}

sim_problem *sim_problem_new(void)
{
    sim_problem_full *pf = calloc(1, sizeof *pf);
    if (!pf) return NULL;
    pf->pub.pool = strpool_new();
    if (!pf->pub.pool) { free(pf); return NULL; }
    return &pf->pub;
}

void sim_problem_free(sim_problem *p)
{
    if (!p) return;
    sim_maps *m = maps_of(p);
    free(((sim_problem_full *)p)->spare);
    idindex_free(&m->form);
    idindex_free(&m->cand);
    strpool_free(p->pool);
    free(p->f_id); free(p->f_capacity); free(p->f_min_techno); free(p->f_min_pro);
    free(p->f_min_boursier); free(p->f_min_resident); free(p->f_caps);
    for (int d = 0; d < SIM_NDESC; d++) free(p->f_desc[d]);
    for (int o = 0; o < SIM_NOBS; o++) free(p->f_obs[o]);
    free(p->c_kept);
    free(p->c_id); free(p->c_bac); free(p->c_boursier); free(p->c_resident);
    free(p->w_cand); free(p->w_form); free(p->w_pref); free(p->w_rank); free(p->w_line);
    free(p->f_start); free(p->f_wish); free(p->f_rank); free(p->c_start); free(p->c_wish);
    free(p);
}

/* Grows *arr (elements of size elem) to ncap; 0 or -1. */
static int regrow(void *arr, size_t ncap, size_t elem)
{
    void **a = arr;
    void *n = realloc(*a, ncap * elem);
    if (!n) return -1;
    *a = n;
    return 0;
}

static size_t next_cap(size_t cap) { return cap ? cap * 2 : 256; }

static int grow_formations(sim_problem *p, size_t c)
{
    if (regrow(&p->f_id, c, sizeof *p->f_id) || regrow(&p->f_capacity, c, sizeof *p->f_capacity) ||
        regrow(&p->f_min_techno, c, 1) || regrow(&p->f_min_pro, c, 1) ||
        regrow(&p->f_min_boursier, c, 1) || regrow(&p->f_min_resident, c, 1) ||
        regrow(&p->f_caps, c, sizeof *p->f_caps))
        return -1;
    for (int d = 0; d < SIM_NDESC; d++)
        if (p->f_desc[d]) {
            if (regrow(&p->f_desc[d], c, sizeof *p->f_desc[d])) return -1;
            memset(p->f_desc[d] + p->cap_f, 0, (c - p->cap_f) * sizeof *p->f_desc[d]);
        }
    for (int o = 0; o < SIM_NOBS; o++)
        if (p->f_obs[o]) {
            if (regrow(&p->f_obs[o], c, sizeof *p->f_obs[o])) return -1;
            for (size_t k = p->cap_f; k < c; k++) p->f_obs[o][k] = -1;
        }
    p->cap_f = c;
    return 0;
}

static int grow_candidates(sim_problem *p, size_t c)
{
    if (regrow(&p->c_id, c, sizeof *p->c_id) || regrow(&p->c_bac, c, 1) ||
        regrow(&p->c_boursier, c, 1) || regrow(&p->c_resident, c, 1) ||
        (p->c_kept && regrow(&p->c_kept, c, sizeof *p->c_kept)))
        return -1;
    p->cap_c = c;
    return 0;
}

/* with_lines 0: the array of lines is left out (only while it is NULL and no vœu is in). */
static int grow_wishes_opt(sim_problem *p, size_t c, int with_lines)
{
    if (!p->w_line && p->nw > 0) with_lines = 1;   /* lines implied so far: made explicit below */
    if (regrow(&p->w_cand, c, 4) || regrow(&p->w_form, c, 4) || regrow(&p->w_pref, c, 4) ||
        regrow(&p->w_rank, c, 4))
        return -1;
    if (with_lines) {
        int implied = !p->w_line;
        if (regrow(&p->w_line, c, 4)) return -1;
        if (implied)
            for (uint32_t w = 0; w < p->nw; w++) p->w_line[w] = p->w_line0 + w;
    }
    p->cap_w = c;
    return 0;
}

static int grow_wishes(sim_problem *p, size_t c)
{
    return grow_wishes_opt(p, c, 1);
}

int sim_reserve_wishes_lineless(sim_problem *p, size_t nw)
{
    if (nw >= UINT32_MAX - 1) nw = UINT32_MAX - 2;
    if (nw > p->cap_w && grow_wishes_opt(p, nw, p->nw > 0 || p->w_line) != 0) return -1;
    return 0;
}

void sim_set_lines(sim_problem *p, uint32_t *line)
{
    free(p->w_line);
    p->w_line = line;
}

int sim_reserve(sim_problem *p, size_t nf, size_t nc, size_t nw)
{
    if (nw >= UINT32_MAX - 1) nw = UINT32_MAX - 2;
    if (nf > p->cap_f && grow_formations(p, nf) != 0) return -1;
    if (nc > p->cap_c && grow_candidates(p, nc) != 0) return -1;
    if (nw > p->cap_w && grow_wishes(p, nw) != 0) return -1;
    return 0;
}

uint32_t sim_add_formation(sim_problem *p, const char *id, int capacity, int min_techno,
                           int min_pro, int min_boursier, int min_resident)
{
    if (p->nf == p->cap_f && grow_formations(p, next_cap(p->cap_f)) != 0) return SIM_NONE;
    const char *s = strpool_intern(p->pool, id, strlen(id));
    if (!s) return SIM_NONE;
    uint32_t f = p->nf++;
    p->f_id[f] = s;
    p->f_capacity[f] = capacity;
    p->f_min_techno[f] = (uint8_t)min_techno;
    p->f_min_pro[f] = (uint8_t)min_pro;
    p->f_min_boursier[f] = (uint8_t)min_boursier;
    p->f_min_resident[f] = (uint8_t)min_resident;
    int caps[NGROUPS];
    groups_split(capacity, min_techno, min_pro, caps);
    for (int g = 0; g < NGROUPS; g++) p->f_caps[f][g] = caps[g];
    return f;
}

int sim_set_desc(sim_problem *p, uint32_t f, int which, const char *text)
{
    if (!p->f_desc[which]) {
        p->f_desc[which] = calloc(p->cap_f ? p->cap_f : 1, sizeof *p->f_desc[which]);
        if (!p->f_desc[which]) return -1;
    }
    const char *s = strpool_intern(p->pool, text, strlen(text));
    if (!s) return -1;
    p->f_desc[which][f] = s;
    return 0;
}

int sim_set_obs(sim_problem *p, uint32_t f, int which, int32_t value)
{
    if (!p->f_obs[which]) {
        size_t cap = p->cap_f ? p->cap_f : 1;
        p->f_obs[which] = malloc(cap * sizeof *p->f_obs[which]);
        if (!p->f_obs[which]) return -1;
        for (size_t k = 0; k < cap; k++) p->f_obs[which][k] = -1;
    }
    p->f_obs[which][f] = value;
    return 0;
}

/* Candidate i's bac and flags (its id is set by the caller, with or without a check). */
static void set_candidate_kinds(sim_problem *p, uint32_t i, int bac, int boursier, int resident)
{
    p->c_bac[i] = (uint8_t)bac;
    p->c_boursier[i] = (uint8_t)(boursier != 0);
    p->c_resident[i] = (uint8_t)(resident != 0);
}

uint32_t sim_add_candidate(sim_problem *p, const char *id, int bac, int boursier, int resident)
{
    if (p->nc == p->cap_c && grow_candidates(p, next_cap(p->cap_c)) != 0) return SIM_NONE;
    const char *s = strpool_intern(p->pool, id, strlen(id));
    if (!s) return SIM_NONE;
    uint32_t i = p->nc++;
    p->c_id[i] = s;
    set_candidate_kinds(p, i, bac, boursier, resident);
    return i;
}

uint32_t sim_add_candidate_new(sim_problem *p, const char *id, int bac, int boursier, int resident,
                               uint32_t *earlier)
{
    sim_problem_full *pf = (sim_problem_full *)p;
    *earlier = SIM_NONE;
    if (p->nc == p->cap_c && grow_candidates(p, next_cap(p->cap_c)) != 0) return SIM_NONE;
    if (sim_sync_ids(p) != 0) return SIM_NONE;   /* the map made, and up to date */
    size_t len = strlen(id);
    const char *s = strpool_copy(p->pool, id, len);   /* ids are distinct: no interning */
    if (!s) return SIM_NONE;
    uint32_t i = p->nc;
    p->c_id[i] = s;
    long long had = idindex_add(&pf->maps.cand, s, len, i, cand_text, p);
    if (had == -2) return SIM_NONE;
    if (had >= 0) {
        *earlier = (uint32_t)had;
        return SIM_NONE;
    }
    p->nc++;
    pf->cand_synced = p->nc;
    set_candidate_kinds(p, i, bac, boursier, resident);
    return i;
}

uint32_t sim_add_candidate_unchecked(sim_problem *p, const char *id, int bac, int boursier, int resident)
{
    if (p->nc == p->cap_c && grow_candidates(p, next_cap(p->cap_c)) != 0) return SIM_NONE;
    const char *s = strpool_copy(p->pool, id, strlen(id));
    if (!s) return SIM_NONE;
    uint32_t i = p->nc++;
    p->c_id[i] = s;
    set_candidate_kinds(p, i, bac, boursier, resident);
    return i;
}

long long sim_first_duplicate_candidate(const sim_problem *p, uint32_t *first)
{
    return idindex_first_duplicate(p->nc, cand_text, p, first);
}

int sim_set_kept(sim_problem *p, uint32_t c, const char *text)
{
    if (!p->c_kept) {
        p->c_kept = calloc(p->cap_c ? p->cap_c : 1, sizeof *p->c_kept);
        if (!p->c_kept) return -1;
    }
    const char *s = strpool_intern(p->pool, text, strlen(text));
    if (!s) return -1;
    if (c == SIM_NONE) p->c_kept_header = s;
    else p->c_kept[c] = s;
    return 0;
}

uint32_t sim_add_wish(sim_problem *p, uint32_t cand, uint32_t form, uint32_t pref,
                      uint32_t rank, uint32_t line)
{
    if (p->nw == p->cap_w || !p->w_line) {   /* room, and an array of lines */
        if (p->nw == UINT32_MAX - 1 ||
            grow_wishes(p, p->nw == p->cap_w ? next_cap(p->cap_w) : p->cap_w) != 0)
            return SIM_NONE;
    }
    uint32_t w = p->nw++;
    p->w_cand[w] = cand;
    p->w_form[w] = form;
    p->w_pref[w] = pref;
    p->w_rank[w] = rank;
    p->w_line[w] = line;
    return w;
}

void sim_give_spare(sim_problem *p, void *block, size_t size)
{
    sim_problem_full *pf = (sim_problem_full *)p;
    free(pf->spare);
    pf->spare = block;
    pf->spare_size = size;
}

void *sim_take_spare(const sim_problem *p, size_t *size)
{
    sim_problem_full *pf = (sim_problem_full *)(uintptr_t)p;   /* scratch, not the instance */
    void *block = pf->spare;
    *size = pf->spare_size;
    pf->spare = NULL;
    pf->spare_size = 0;
    return block;
}

/* A map is made on first use, sized for the room the arrays have then (the loaders call
 * sim_reserve first, so the maps never grow on the national run). */
static int map_ready(idindex *ix, int *ready, size_t room)
{
    if (*ready) return 0;
    if (idindex_init(ix, room) != 0) return -1;
    *ready = 1;
    return 0;
}

static uint32_t find_in(const idindex *ix, const char *id, size_t len, idindex_text_fn text_of,
                        const sim_problem *p)
{
    long long r = idindex_find(ix, id, len, text_of, p);
    return r < 0 ? SIM_NONE : (uint32_t)r;
}

int sim_sync_ids(sim_problem *p)
{
    sim_problem_full *pf = (sim_problem_full *)p;
    if (p->cap_f && (map_ready(&pf->maps.form, &pf->maps.form_ready, p->cap_f) ||
                     idmap_sync(&pf->maps.form, p->f_id, p->nf, form_text, p, &pf->form_synced)))
        return -1;
    /* made only once candidates have room, so that it is sized for them */
    if (p->cap_c && (map_ready(&pf->maps.cand, &pf->maps.cand_ready, p->cap_c) ||
                     idmap_sync(&pf->maps.cand, p->c_id, p->nc, cand_text, p, &pf->cand_synced)))
        return -1;
    return 0;
}

int sim_sync_formation_ids(sim_problem *p)
{
    sim_problem_full *pf = (sim_problem_full *)p;
    if (p->cap_f && (map_ready(&pf->maps.form, &pf->maps.form_ready, p->cap_f) ||
                     idmap_sync(&pf->maps.form, p->f_id, p->nf, form_text, p, &pf->form_synced)))
        return -1;
    return 0;
}

uint32_t sim_lookup_formation(const sim_problem *p, const char *id, size_t len)
{
    const sim_problem_full *pf = (const sim_problem_full *)p;
    if (!pf->maps.form_ready) return SIM_NONE;
    return find_in(&pf->maps.form, id, len, form_text, p);
}

uint32_t sim_lookup_candidate(const sim_problem *p, const char *id, size_t len)
{
    const sim_problem_full *pf = (const sim_problem_full *)p;
    if (!pf->maps.cand_ready) return SIM_NONE;
    return find_in(&pf->maps.cand, id, len, cand_text, p);
}

uint32_t sim_find_formation(sim_problem *p, const char *id)
{
    if (sim_sync_ids(p) != 0) return SIM_NONE;
    return sim_lookup_formation(p, id, strlen(id));
}

uint32_t sim_find_candidate(sim_problem *p, const char *id)
{
    if (sim_sync_ids(p) != 0) return SIM_NONE;
    return sim_lookup_candidate(p, id, strlen(id));
}

/* ------------------------------------------------------------------ bac */

int sim_parse_bac(const char *s)
{
    return fieldval_bac(s, strlen(s));   /* the one bac parser (fieldval.h) */
}

const char *sim_bac_name(int bac)
{
    return bac == BAC_TECHNO ? "techno" : bac == BAC_PRO ? "pro" : "general";
}

/* ------------------------------------------------------------- indexing */

void sim_default_caps(sim_problem *p)
{
    for (uint32_t f = 0; f < p->nf; f++) {
        int caps[NGROUPS];
        groups_split(p->f_capacity[f], p->f_min_techno[f], p->f_min_pro[f], caps);
        for (int g = 0; g < NGROUPS; g++) p->f_caps[f][g] = caps[g];
    }
}

/* Counting sort of the vœux on key[w] (0..nkeys): start[] gets nkeys+1 offsets, out[]
 * the vœux in key order, W.csv order kept inside a key; with val, val_out[] gets val[w]
 * beside each (read in W order here rather than at random later). */
static int bucket(const uint32_t *key, uint32_t nw, uint32_t nkeys, uint32_t **start, uint32_t **out,
                  const uint32_t *val, uint32_t **val_out)
{
    uint32_t *s = calloc((size_t)nkeys + 1, sizeof *s);
    uint32_t *o = malloc((nw ? nw : 1) * sizeof *o);
    uint32_t *v = val_out ? malloc((nw ? nw : 1) * sizeof *v) : NULL;   /* even for no vœu (val NULL) */
    if (!s || !o || (val_out && !v)) { free(s); free(o); free(v); return -1; }
    for (uint32_t w = 0; w < nw; w++) s[key[w] + 1]++;
    for (uint32_t k = 0; k < nkeys; k++) s[k + 1] += s[k];
    uint32_t *fill = malloc(((size_t)nkeys + 1) * sizeof *fill);
    if (!fill) { free(s); free(o); free(v); return -1; }
    memcpy(fill, s, ((size_t)nkeys + 1) * sizeof *fill);
    if (v && val)
        for (uint32_t w = 0; w < nw; w++) {
            uint32_t at = fill[key[w]]++;
            o[at] = w;
            v[at] = val[w];
        }
    else
        for (uint32_t w = 0; w < nw; w++) o[fill[key[w]]++] = w;
    free(fill);
    free(*start); free(*out);
    *start = s;
    *out = o;
    if (val_out) { free(*val_out); *val_out = v; }
    return 0;
}

/* Insertion sort of list[0..n) by key[]; stable. Lists are a candidate's vœux: short. */
static void sort_small(uint32_t *list, uint32_t n, const uint32_t *key)
{
    for (uint32_t i = 1; i < n; i++) {
        uint32_t x = list[i], j = i;
        while (j > 0 && key[list[j - 1]] > key[x]) { list[j] = list[j - 1]; j--; }
        list[j] = x;
    }
}

/* The later (in W.csv) of two vœux. */
static uint32_t later(const sim_problem *p, uint32_t a, uint32_t b)
{
    uint32_t la = sim_wish_line(p, a), lb = sim_wish_line(p, b);
    return la > lb || (la == lb && a > b) ? a : b;
}

/* Reports the rank shared by vœux a and b of one formation. */
static int rank_tie(const sim_problem *p, uint32_t a, uint32_t b, uint32_t *bad, errloc *err)
{
    uint32_t w = later(p, a, b), o = w == a ? b : a;
    *bad = w;
    snprintf(err->msg, sizeof err->msg, "rank %u appears twice in formation '%s' (already on line %u)",
             p->w_rank[w], p->f_id[p->w_form[w]], sim_wish_line(p, o));
    return -1;
}

/* Checks that the ranks inside formations [f_lo, f_hi) are distinct, stopping at the first
 * formation with a tie. Ranks are usually 1..n with few gaps: a table of seen ranks does it
 * in one pass; sparse ranks are sorted instead (LSD radix, 8 bits per pass, only the passes
 * the largest rank needs). 0, -1 with *bad and err, or -2 when out of memory. */
static int check_ranks(const sim_problem *p, uint32_t f_lo, uint32_t f_hi, uint32_t *bad, errloc *err)
{
    uint32_t maxn = 0;
    for (uint32_t f = f_lo; f < f_hi; f++)
        if (p->f_start[f + 1] - p->f_start[f] > maxn) maxn = p->f_start[f + 1] - p->f_start[f];
    size_t dense = 4 * (size_t)maxn + 64;
    uint32_t *tmp = malloc(((size_t)maxn + 1) * 2 * sizeof *tmp);
    uint32_t *seen = calloc(dense + 1, sizeof *seen);   /* vœu + 1 holding each rank */
    if (!tmp || !seen) {
        free(tmp);
        free(seen);
        return -2;
    }
    uint32_t *a = tmp, *b = tmp + maxn + 1;
    int rc = 0;
    for (uint32_t f = f_lo; f < f_hi && rc == 0; f++) {
        uint32_t n = p->f_start[f + 1] - p->f_start[f], max = 0;
        const uint32_t *list = p->f_wish + p->f_start[f], *rank = p->f_rank + p->f_start[f];
        for (uint32_t i = 0; i < n; i++) if (rank[i] > max) max = rank[i];
        if (max <= dense) {
            for (uint32_t i = 0; i < n && rc == 0; i++) {
                uint32_t w = list[i], r = rank[i];
                if (seen[r]) rc = rank_tie(p, w, seen[r] - 1, bad, err);
                seen[r] = w + 1;
            }
            for (uint32_t i = 0; i < n; i++) seen[rank[i]] = 0;
            continue;
        }
        memcpy(a, list, n * sizeof *a);
        uint32_t *src = a, *dst = b;
        for (int shift = 0; shift < 32 && (max >> shift) != 0; shift += 8) {
            uint32_t count[257] = { 0 };
            for (uint32_t i = 0; i < n; i++) count[((p->w_rank[src[i]] >> shift) & 0xFF) + 1]++;
            for (int d = 0; d < 256; d++) count[d + 1] += count[d];
            for (uint32_t i = 0; i < n; i++) dst[count[(p->w_rank[src[i]] >> shift) & 0xFF]++] = src[i];
            uint32_t *t = src; src = dst; dst = t;
        }
        for (uint32_t i = 1; i < n && rc == 0; i++)
            if (p->w_rank[src[i]] == p->w_rank[src[i - 1]]) rc = rank_tie(p, src[i], src[i - 1], bad, err);
    }
    free(tmp);
    free(seen);
    return rc;
}

/* Sorts the vœux of candidates [c_lo, c_hi) by preference and checks each list, stopping
 * at the first candidate with two vœux of one preference or of one formation: 0, or -1
 * with *bad, *what and err. */
static int check_candidates(sim_problem *p, uint32_t c_lo, uint32_t c_hi, uint32_t *bad, char *what,
                            errloc *err)
{
    for (uint32_t c = c_lo; c < c_hi; c++) {
        uint32_t *list = p->c_wish + p->c_start[c], n = p->c_start[c + 1] - p->c_start[c];
        sort_small(list, n, p->w_pref);
        for (uint32_t i = 1; i < n; i++)
            if (p->w_pref[list[i]] == p->w_pref[list[i - 1]]) {
                uint32_t w = later(p, list[i], list[i - 1]), o = w == list[i] ? list[i - 1] : list[i];
                *bad = w;
                *what = 'p';
                snprintf(err->msg, sizeof err->msg, "candidate '%s' has two vœux of preference %u (already on line %u)",
                           p->c_id[c], p->w_pref[w], sim_wish_line(p, o));
                return -1;
            }
        /* a formation twice: n is small, so quadratic is the fast way */
        for (uint32_t i = 0; i < n; i++)
            for (uint32_t j = i + 1; j < n; j++)
                if (p->w_form[list[i]] == p->w_form[list[j]]) {
                    uint32_t w = later(p, list[i], list[j]), o = w == list[i] ? list[j] : list[i];
                    *bad = w;
                    *what = 'f';
                    snprintf(err->msg, sizeof err->msg, "candidate '%s' wishes formation '%s' twice (already on line %u)",
                               p->c_id[c], p->f_id[p->w_form[w]], sim_wish_line(p, o));
                    return -1;
                }
    }
    return 0;
}

/* First key k with start[k] >= target: slices of about equal vœu counts. */
static uint32_t share_bound(const uint32_t *start, uint32_t nkeys, uint64_t target)
{
    uint32_t lo = 0, hi = nkeys;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (start[mid] < target) lo = mid + 1; else hi = mid;
    }
    return lo;
}

/* The checks of sim_index shared out over threads: thread t takes the t-th share of the
 * vœux, by candidate then by formation. Each stops at its first fault; the fault kept is
 * the one the serial order meets first (candidates before ranks, lowest index first), so
 * the message does not depend on the thread count. */
typedef struct index_job {
    sim_problem *p;
    int bucket_rc[2];
    struct {
        int cand_rc, rank_rc;
        uint32_t cand_bad, rank_bad;
        char what;
        errloc cand_err, rank_err;
    } t[THREADS_MAX];
} index_job;

static void bucket_thread(void *ctx, int t, int nt)
{
    index_job *j = ctx;
    sim_problem *p = j->p;
    for (int k = t; k < 2; k += nt)   /* by formation on one thread, by candidate on the other */
        j->bucket_rc[k] = k == 0 ? bucket(p->w_form, p->nw, p->nf, &p->f_start, &p->f_wish, p->w_rank, &p->f_rank)
                                 : bucket(p->w_cand, p->nw, p->nc, &p->c_start, &p->c_wish, NULL, NULL);
}

static void check_thread(void *ctx, int t, int nt)
{
    index_job *j = ctx;
    sim_problem *p = j->p;
    uint64_t lo = (uint64_t)p->nw * (uint64_t)t / (uint64_t)nt, hi = (uint64_t)p->nw * (uint64_t)(t + 1) / (uint64_t)nt;
    uint32_t c_lo = share_bound(p->c_start, p->nc, lo), c_hi = t == nt - 1 ? p->nc : share_bound(p->c_start, p->nc, hi);
    uint32_t f_lo = share_bound(p->f_start, p->nf, lo), f_hi = t == nt - 1 ? p->nf : share_bound(p->f_start, p->nf, hi);
    j->t[t].cand_rc = check_candidates(p, c_lo, c_hi, &j->t[t].cand_bad, &j->t[t].what, &j->t[t].cand_err);
    j->t[t].rank_rc = check_ranks(p, f_lo, f_hi, &j->t[t].rank_bad, &j->t[t].rank_err);
}

int sim_index(sim_problem *p, uint32_t *bad_wish, char *bad_what, errloc *err)
{
    index_job *j = calloc(1, sizeof *j);
    if (!j) goto nomem;
    j->p = p;
    int nt = p->nw < 100000 ? 1 : threads_count();   /* a thread pays off past a few vœux */
    threads_run(nt < 2 ? 1 : 2, bucket_thread, j);
    if (j->bucket_rc[0] || j->bucket_rc[1]) goto nomem;
    phases_mark("index: by formation, candidate");
    threads_run(nt, check_thread, j);
    phases_mark("index: checks");
    int rc = 0;
    for (int t = 0; t < nt && rc == 0; t++)
        if (j->t[t].cand_rc) {
            *bad_wish = j->t[t].cand_bad;
            *bad_what = j->t[t].what;
            *err = j->t[t].cand_err;
            rc = -1;
        }
    for (int t = 0; t < nt && rc == 0; t++)
        if (j->t[t].rank_rc == -2) {
            snprintf(err->msg, sizeof err->msg, "out of memory");
            *bad_wish = SIM_NONE;
            rc = -1;
        } else if (j->t[t].rank_rc) {
            *bad_wish = j->t[t].rank_bad;
            *bad_what = 'r';
            *err = j->t[t].rank_err;
            rc = -1;
        }
    free(j);
    return rc;
nomem:
    free(j);
    errloc_set(err, "vœux", 0, 0, "out of memory");
    *bad_wish = SIM_NONE;
    return -1;
}
