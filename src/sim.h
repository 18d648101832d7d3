/* sim.h — a seat-allocation instance (formations, candidates, vœux) in flat arrays, and
 * the result of allocating it. Lua-free. Integer indices everywhere: a formation, a
 * candidate or a vœu is a uint32_t index into the arrays below (ids only at the edges). */
#ifndef ADMIT_SIM_H
#define ADMIT_SIM_H

#include <stddef.h>
#include <stdint.h>

#include "errloc.h"
#include "groups.h"
#include "strpool.h"

#define SIM_NONE UINT32_MAX

/* Descriptive formation columns carried through to the reports when F.csv has them. */
enum { SIM_DESC_ANNEX, SIM_DESC_ACADEMIE, SIM_DESC_ESTABLISHMENT, SIM_DESC_COMMUNE,
       SIM_DESC_PROGRAM, SIM_NDESC };
extern const char *const sim_desc_names[SIM_NDESC];

/* Observed figures of the Parcoursup open dataset (fr-esr-parcoursup) when the formations
 * file has them: applicants and admitted by bac and boursier, to compare with the
 * simulation. Names are the colmap fields (nb_voe_pp_bg → applicants_general, acc_bt →
 * admitted_techno...). */
enum { SIM_OBS_APPLICANTS, SIM_OBS_APPLICANTS_GENERAL, SIM_OBS_APPLICANTS_TECHNO,
       SIM_OBS_APPLICANTS_PRO, SIM_OBS_APPLICANTS_GENERAL_BOURSIER,
       SIM_OBS_APPLICANTS_TECHNO_BOURSIER, SIM_OBS_APPLICANTS_PRO_BOURSIER,
       SIM_OBS_ADMITTED, SIM_OBS_ADMITTED_GENERAL, SIM_OBS_ADMITTED_TECHNO,
       SIM_OBS_ADMITTED_PRO, SIM_OBS_ADMITTED_BOURSIER, SIM_NOBS };
extern const char *const sim_obs_names[SIM_NOBS];

typedef struct sim_problem {
    strpool *pool;                 /* every id and descriptive text */
    /* formations */
    uint32_t nf;
    const char **f_id;
    int32_t *f_capacity;
    uint8_t *f_min_techno, *f_min_pro, *f_min_boursier, *f_min_resident;  /* percents */
    int32_t (*f_caps)[NGROUPS];    /* seats per group: groups_split, or a policy's choice */
    const char **f_desc[SIM_NDESC];/* NULL when F.csv has no such column */
    int32_t *f_obs[SIM_NOBS];      /* observed figures; NULL when absent, -1 for an empty cell */
    /* candidates */
    uint32_t nc;
    const char **c_id;
    uint8_t *c_bac;                /* BAC_* */
    uint8_t *c_boursier, *c_resident;
    const char **c_kept;           /* --keep-columns: each candidate's other columns, as
                                      ",v1,v2..." CSV text; NULL when not kept */
    const char *c_kept_header;     /* their header, ",name1,name2..." */
    /* vœux, in the order of W.csv */
    uint32_t nw;
    uint32_t *w_cand, *w_form;
    uint32_t *w_pref;              /* 1 = the candidate's favourite */
    uint32_t *w_rank;              /* classement pédagogique in the formation, 1 = best */
    uint32_t *w_line;              /* line in W.csv (0 when built in memory); NULL when the
                                      lines follow each other: see sim_wish_line */
    uint32_t w_line0;              /* with w_line NULL: the line of vœu 0 */
    /* derived by sim_index */
    uint32_t *f_start, *f_wish;    /* vœux of formation f: f_wish[f_start[f] .. f_start[f+1]) */
    uint32_t *f_rank;              /* beside f_wish: each one's w_rank, read in one sweep per
                                      formation (whoever changes a rank changes both) */
    uint32_t *c_start, *c_wish;    /* vœux of candidate c, by preference */
    size_t cap_f, cap_c, cap_w;    /* allocated room */
} sim_problem;

typedef enum { SIM_STUDENT = 0, SIM_SCHOOL = 1 } sim_mode;

typedef struct sim_result {
    sim_mode mode;
    uint32_t rounds;
    uint32_t *c_wish;              /* per candidate: the vœu it holds, SIM_NONE if none */
    uint32_t *w_callpos;           /* per vœu: 1-based position in its group's ordre d'appel */
    uint8_t *w_group;              /* per vœu: GROUP_* it competes in */
    void *block;                   /* when not NULL, the arrays above lie in it (sim_allocate
                                      carves them from the loader's spare block): freed whole */
} sim_result;

/* The line of vœu w in W.csv (a plain file without blank lines keeps no array of them). */
static inline uint32_t sim_wish_line(const sim_problem *p, uint32_t w)
{
    return p->w_line ? p->w_line[w] : p->w_line0 + w;
}

/* ------------------------------------------------------------ building */

sim_problem *sim_problem_new(void);
void sim_problem_free(sim_problem *p);

/* Appends; the return is the new index, or SIM_NONE when out of memory. Ids are interned;
 * duplicate checks are the loader's job (sim_find_*). */
uint32_t sim_add_formation(sim_problem *p, const char *id, int capacity, int min_techno,
                           int min_pro, int min_boursier, int min_resident);
uint32_t sim_add_candidate(sim_problem *p, const char *id, int bac, int boursier, int resident);
/* The same for a loader that refuses a repeated id, in one lookup: the id is copied (not
 * interned) and entered in the id map at once. SIM_NONE when out of memory, or when a
 * candidate has this id already: then *earlier is its index (else SIM_NONE) and nothing is
 * appended. */
uint32_t sim_add_candidate_new(sim_problem *p, const char *id, int bac, int boursier, int resident,
                               uint32_t *earlier);
/* The same without the id map (for a loader that checks the ids all at once afterwards,
 * sim_first_duplicate_candidate): the id is copied, the map catches up on its first use. */
uint32_t sim_add_candidate_unchecked(sim_problem *p, const char *id, int bac, int boursier,
                                     int resident);
/* The first candidate whose id an earlier one has, with *first that earlier one; -1 when
 * the ids are distinct, -2 when out of memory. Cache-friendly, on the threads. */
long long sim_first_duplicate_candidate(const sim_problem *p, uint32_t *first);
uint32_t sim_add_wish(sim_problem *p, uint32_t cand, uint32_t form, uint32_t pref,
                      uint32_t rank, uint32_t line);
int sim_set_desc(sim_problem *p, uint32_t f, int which, const char *text);
/* Makes room for at least nf formations, nc candidates and nw vœux in one allocation each
 * (a loader knows about as many from its files' line counts); 0 or -1. */
int sim_reserve(sim_problem *p, size_t nf, size_t nc, size_t nw);
/* Room for nw vœux in all, without the array of lines when no vœu is there yet (the fast
 * parse of a file without blank lines: the lines follow from w_line0). 0 or -1. */
int sim_reserve_wishes_lineless(sim_problem *p, size_t nw);
/* The array of lines after all (a blank line was met): line[k] for the nw vœux, taken over. */
void sim_set_lines(sim_problem *p, uint32_t *line);
int sim_set_obs(sim_problem *p, uint32_t f, int which, int32_t value);
/* --keep-columns: candidate c's other columns as CSV text (c = SIM_NONE: their header). */
int sim_set_kept(sim_problem *p, uint32_t c, const char *text);

/* A loader's spent buffer (the vœux file's text, its pages already in memory), handed to
 * the instance: the next sim_allocate takes its scratch arrays from it rather than from
 * fresh pages (each a page fault and a zeroing), then frees it. sim_take_spare gives it
 * away (NULL if none; the caller frees it). */
void sim_give_spare(sim_problem *p, void *block, size_t size);
void *sim_take_spare(const sim_problem *p, size_t *size);

/* Id → index through hash maps rebuilt lazily; SIM_NONE when absent. */
uint32_t sim_find_formation(sim_problem *p, const char *id);
uint32_t sim_find_candidate(sim_problem *p, const char *id);
/* The same split in two, for lookups from several threads: sim_sync_ids brings the maps
 * up to date (0, or -1 when out of memory); the lookups then only read. */
int sim_sync_ids(sim_problem *p);
/* The formations' map alone (the candidates' is made when first needed). */
int sim_sync_formation_ids(sim_problem *p);
uint32_t sim_lookup_formation(const sim_problem *p, const char *id, size_t len);
uint32_t sim_lookup_candidate(const sim_problem *p, const char *id, size_t len);

/* Parses a bac spelling with fieldval_bac (the one bac parser); -1 when unknown. */
int sim_parse_bac(const char *s);
const char *sim_bac_name(int bac);

/* Builds the per-formation and per-candidate vœu lists and checks what only the whole
 * instance shows: a candidate with two vœux for one formation or two vœux of the same
 * preference, two vœux of one formation with the same rank. On such an error, *bad_wish
 * is the later vœu (by line) and *bad_what says which field: 'f' formation, 'p' preference,
 * 'r' rank; err has the message without a location. */
int sim_index(sim_problem *p, uint32_t *bad_wish, char *bad_what, errloc *err);

/* ----------------------------------------------------------- allocating */

/* Group capacities from groups_split for every formation (sim_add_formation sets them;
 * this undoes policy overrides). */
void sim_default_caps(sim_problem *p);

/* The allocation: call orders per group, then deferred acceptance (candidates or
 * formations proposing). progress may be NULL. Returns NULL when out of memory. */
typedef void (*sim_progress_fn)(void *ctx, const char *phase, double fraction);
sim_result *sim_allocate(const sim_problem *p, sim_mode mode, sim_progress_fn progress,
                         void *pctx);
void sim_result_free(sim_result *r);

/* The ordres d'appel without allocating (the phase principale, phase.c): r->w_group and
 * r->w_callpos, and per school s = f·NGROUPS + g its vœux in call order in
 * s_order[s_start[s] .. s_start[s+1]) (s_start: nf·NGROUPS + 1 entries, s_order: nw). */
int sim_call_orders(const sim_problem *p, sim_result *r, uint32_t *s_start, uint32_t *s_order);

#endif
