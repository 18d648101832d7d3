/* generate.c — `admit generate`: a synthetic cohort in the three files of `admit allocate`.
 *
 * Where each default comes from (docs/parcoursup-facts.md unless said otherwise):
 * - vœux per candidate: mean 15.7 (bac général), 11.8 (techno), 7.4 (pro), SIES note on
 *   new bacheliers; drawn as 1 + Poisson(mean − 1), capped by --max-wishes.
 * - what the vœux go to: BTS is 74% of bac pro and 47% of bac techno vœux (SIES); the
 *   other per-bac shares below are our assumption, chosen so that the overall shares
 *   match the SIES ones (licence 35%, PASS 4%, BTS 28%, BUT 11%, CPGE 6%, health 6%).
 * - boursiers: about 20% of candidates (parliamentary report 2019), split by bac with
 *   more boursiers among bac pro and techno (assumed 14% / 26% / 33%, overall 20%).
 * - the bac mix 60% général / 22% techno / 18% pro is an assumption (facts.md has none):
 *   with it the mean is 13.4 vœux per candidate, 12.9 in Parcoursup 2023 (11.8 M / 917 k).
 * - geography: 90% of candidates live in one of the académies simulated, spread like the
 *   seats, and make 85% of their vœux there when they can (assumption); the other 10%
 *   come from elsewhere (non-résidents) and choose anywhere.
 * - capacities are synthetic (marked capacity_source=synthetic): BUT 28–84 seats, BTS
 *   24–35, health 40–150, licence 60–400, PASS 200–800, CPGE 40–48, other 20–100.
 * - classements: each candidate has a latent academic level; a formation ranks its
 *   applicants on level + fit of their bac with the programme + noise (own per vœu).
 * With the annexes, only vœux for BUT, BTS and health formations are kept: the others go
 * to formations outside the simulation (licences, CPGE...).
 */
#include "generate.h"

#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomic.h"
#include "chunkwrite.h"
#include "csvread.h"
#include "explain.h"
#include "phases.h"
#include "rng.h"
#include "threads.h"
#include "sim_load.h"
#include "suggest.h"

enum { T_BTS, T_BUT, T_HEALTH, T_LICENCE, T_PASS, T_CPGE, T_OTHER, NTYPES };
static const char *const type_names[NTYPES] = { "BTS", "BUT", "sante", "licence", "PASS", "CPGE", "autre" };

/* Share of each bac's vœux per type (rows: général, techno, pro); see the header. */
static const double type_share[3][NTYPES] = {
    { 0.163, 0.080, 0.054, 0.420, 0.050, 0.080, 0.153 },
    { 0.470, 0.250, 0.080, 0.150, 0.000, 0.020, 0.030 },
    { 0.740, 0.050, 0.060, 0.120, 0.000, 0.000, 0.030 },
};
static const double bac_share[3] = { 0.60, 0.22, 0.18 };
static const double wishes_mean[3] = { 15.7, 11.8, 7.4 };
static const double boursier_rate[3] = { 0.14, 0.26, 0.33 };
/* Categories of candidates in a calibrated cohort: bac × boursier (bac * 2 + boursier). */
#define NCAT 6
#define P_OUTSIDE 0.10       /* candidates from outside the simulated académies */
#define P_LOCAL 0.85         /* share of vœux made in one's own académie, when possible */

/* How well a bac fits a programme in the formations' eyes (added to the latent level);
 * fit_of: the same, tabled once. */
static double fit_of[3][NTYPES];
static double fit(int bac, int type)
{
    switch (type) {
    case T_BTS: return bac == BAC_PRO ? 0.4 : bac == BAC_TECHNO ? 0.3 : 0.0;
    case T_BUT: return bac == BAC_TECHNO ? 0.2 : bac == BAC_PRO ? -0.6 : 0.1;
    case T_LICENCE: case T_PASS: case T_CPGE: return bac == BAC_GENERAL ? 0.5 : bac == BAC_TECHNO ? -0.3 : -0.8;
    default: return bac == BAC_PRO ? -0.3 : 0.0;
    }
}

#define MAX_ACAD 64

typedef struct gform {
    uint8_t type, min_t, min_p, min_b, min_r;
    uint16_t acad;
    uint32_t capacity;
    double weight;               /* attractiveness */
    const char *annex, *establishment, *commune, *program;
    int annex_min;
} gform;

/* One entry of a pool's alias table: formation f when the draw's low 32 bits are below
 * keep, else formation alias. */
typedef struct pentry {
    uint32_t keep, f, alias;
} pentry;

/* A formation as a vœu's draw sees it: 8 bytes, so that the 14,000 of a national cohort
 * stay in the core's cache (the 64-byte gform did not: a cache miss per vœu). */
typedef struct hotf {
    float logw;                  /* log of its weight (for the category, when calibrated) */
    uint16_t acad;
    uint8_t type;
} hotf;

typedef struct gen {
    const gen_opts *o;
    rng r;
    strpool *pool;
    gform *f;
    uint32_t nf, cap_f;
    const char *acad[MAX_ACAD + 1];   /* the last one: "hors académie" */
    uint32_t nacad;
    double acad_cum[MAX_ACAD];
    /* pools of formations per (type, académie) and per type (académie index nacad) */
    uint32_t *pool_start, *pool_f;
    double *pool_cum;            /* cumulative weights while the pools are built */
    struct pentry *alias;        /* Walker's alias table of each pool: O(1) draws */
    struct hotf *hot;            /* what a vœu's draw reads of its formation, packed (per
                                    category in a calibrated cohort: hot + cat * nf) */
    double poisson_limit[3];     /* exp(-(vœux per candidate of the bac - 1)) */
    /* candidates */
    uint8_t *c_bac, *c_bours, *c_res;
    uint16_t *c_acad;
    uint8_t *c_grade[4];         /* moyenne, maths, francais, motivation, in tenths (0 to 200) */
    uint8_t *c_nw;               /* the candidate's number of vœux */
    /* vœux, by candidate then preference (a vœu's candidate and preference follow from c_nw) */
    uint32_t *w_form, *w_rank;
    float *w_score;
    size_t nw, cap_w;
    /* --formations FILE (the open dataset layout): demand of each formation from its row */
    sim_problem *data;           /* the file as read; formation i is data's formation i */
    double (*cat_w)[NCAT];       /* per formation: weight among the vœux of each category */
    double bac_mix[3], bours_rate[3];  /* candidates' bac shares and boursier rates */
    double cal_mean[3];          /* vœux per candidate of each bac */
    double cat_acad_cum[NCAT][MAX_ACAD];  /* where a category's candidates live: by its demand */
} gen;

/* ------------------------------------------------------------ formations */

static uint16_t acad_index(gen *g, const char *name)
{
    const char *s = strpool_intern(g->pool, name, strlen(name));
    for (uint32_t i = 0; i < g->nacad; i++)
        if (g->acad[i] == s) return (uint16_t)i;
    if (g->nacad == MAX_ACAD) return MAX_ACAD - 1;
    g->acad[g->nacad] = s;
    return (uint16_t)g->nacad++;
}

static gform *new_form(gen *g)
{
    if (g->nf == g->cap_f) {
        uint32_t c = g->cap_f ? g->cap_f * 2 : 512;
        gform *n = realloc(g->f, c * sizeof *n);
        if (!n) return NULL;
        g->f = n;
        g->cap_f = c;
    }
    gform *f = &g->f[g->nf++];
    memset(f, 0, sizeof *f);
    return f;
}

static uint32_t synthetic_capacity(rng *r, int type)
{
    switch (type) {
    case T_BUT: return 28 + 14 * rng_below(r, 5);
    case T_BTS: return 24 + rng_below(r, 12);
    case T_HEALTH: return 40 + 5 * rng_below(r, 23);
    case T_LICENCE: return 60 + 10 * rng_below(r, 35);
    case T_PASS: return 200 + 50 * rng_below(r, 13);
    case T_CPGE: return 40 + rng_below(r, 9);
    default: return 20 + 5 * rng_below(r, 17);
    }
}

typedef struct annex_ctx {
    gen *g;
    int type;
    const char *annex;
    int col[5];
} annex_ctx;

static const char *const annex_cols[5] = { "academie", "establishment", "commune", "program", "min_pct" };

static const char *field_copy(const csv_row *row, int col, char *buf, size_t n)
{
    size_t len = row->len[col] < n - 1 ? row->len[col] : n - 1;
    memcpy(buf, row->field[col], len);
    buf[len] = '\0';
    return buf;
}

static int on_annex(void *vctx, csv_reader *rd, const csv_row *row)
{
    annex_ctx *x = vctx;
    if (row->index == 0) {
        for (int i = 0; i < 5; i++) {
            x->col[i] = -1;
            for (size_t f = 0; f < row->nfields; f++)
                if (row->len[f] == strlen(annex_cols[i]) && strcmp(row->field[f], annex_cols[i]) == 0) x->col[i] = (int)f;
            if (x->col[i] < 0) {
                csv_fail(rd, 0, "missing column '%s' (annex header: academie,establishment,commune,program,min_pct)",
                         annex_cols[i]);
                return -1;
            }
        }
        return 0;
    }
    gen *g = x->g;
    char buf[1024];
    field_copy(row, x->col[4], buf, sizeof buf);
    char *end;
    long pct = strtol(buf, &end, 10);
    if (!buf[0] || *end || pct < 0 || pct > 100) {
        csv_fail(rd, (size_t)x->col[4], "min_pct: '%s' is not a whole percent (0 to 100)", buf);
        return -1;
    }
    gform *f = new_form(g);
    if (!f) { csv_fail(rd, 0, "out of memory"); return -1; }
    f->type = (uint8_t)x->type;
    f->acad = acad_index(g, field_copy(row, x->col[0], buf, sizeof buf));
    const char **dst[3] = { &f->establishment, &f->commune, &f->program };
    for (int i = 0; i < 3; i++) {
        field_copy(row, x->col[1 + i], buf, sizeof buf);
        *dst[i] = strpool_intern(g->pool, buf, strlen(buf));
    }
    f->annex = x->annex;
    f->annex_min = (int)pct;
    if (x->type == T_BUT) f->min_t = (uint8_t)pct;
    else if (x->type == T_BTS) f->min_p = (uint8_t)pct;
    else f->min_b = (uint8_t)pct;
    return 0;
}

static int load_annexes(gen *g, errloc *err)
{
    static const struct { const char *file, *annex; int type; } annexes[3] = {
        { "iut-techno.csv", "techno", T_BUT },
        { "bts-pro.csv", "pro", T_BTS },
        { "sante-boursiers.csv", "boursier", T_HEALTH },
    };
    for (int i = 0; i < 3; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", g->o->annex_dir, annexes[i].file);
        annex_ctx x = { g, annexes[i].type, annexes[i].annex, { 0 } };
        if (csv_read_file(path, NULL, NULL, on_annex, &x, err) != 0) return -1;
    }
    /* capacities and attractiveness after reading, in file order: seeded, reproducible */
    for (uint32_t i = 0; i < g->nf; i++) {
        g->f[i].capacity = synthetic_capacity(&g->r, g->f[i].type);
        g->f[i].weight = exp(0.7 * rng_normal(&g->r));
    }
    return 0;
}

static const char *const academies[] = {
    "Aix-Marseille", "Amiens", "Besançon", "Bordeaux", "Clermont-Ferrand", "Corse", "Créteil",
    "Dijon", "Grenoble", "Guadeloupe", "Guyane", "La Réunion", "Lille", "Limoges", "Lyon",
    "Martinique", "Mayotte", "Montpellier", "Nancy-Metz", "Nantes", "Nice", "Normandie",
    "Orléans-Tours", "Paris", "Poitiers", "Reims", "Rennes", "Strasbourg", "Toulouse", "Versailles",
};

/* Share of formations per type among the synthetic ones (assumption; BTS sections are
 * many and small, licences few and large). */
static const double type_count_share[NTYPES] = { 0.40, 0.06, 0.08, 0.25, 0.01, 0.08, 0.12 };

static int synthetic_formations(gen *g)
{
    for (size_t i = 0; i < sizeof academies / sizeof academies[0]; i++) acad_index(g, academies[i]);
    for (uint32_t i = 0; i < g->o->formations; i++) {
        gform *f = new_form(g);
        if (!f) return -1;
        double u = rng_uniform(&g->r), c = 0;
        int t = 0;
        for (; t < NTYPES - 1; t++) if (u < (c += type_count_share[t])) break;
        f->type = (uint8_t)t;
        f->acad = (uint16_t)rng_below(&g->r, g->nacad);
        f->capacity = synthetic_capacity(&g->r, t);
        f->weight = exp(0.7 * rng_normal(&g->r));
        if (t == T_BUT) f->min_t = (uint8_t)(20 + 5 * rng_below(&g->r, 7));
        if (t == T_BTS && rng_uniform(&g->r) < 0.9) f->min_p = (uint8_t)(10 + 5 * rng_below(&g->r, 11));
        if (rng_uniform(&g->r) < 0.8) f->min_b = (uint8_t)(5 + rng_below(&g->r, 26));  /* ml/taux.csv: mostly 5–30% */
        if (t == T_LICENCE && rng_uniform(&g->r) < 0.5) f->min_r = (uint8_t)(70 + 5 * rng_below(&g->r, 6));
        f->program = type_names[t];
    }
    return 0;
}

/* ------------------------------------------- a formations file (the open dataset) */

typedef struct out out;
static void out_str(out *o, const char *s);
static void out_field(out *o, const char *s);
static void out_uint(out *o, uint64_t v);
static void out_char(out *o, char c);

/* The type of a programme from its label ("BTS - Services - ...", "BUT - Informatique"),
 * for how well each bac fits it. */
static int type_of_program(const char *label)
{
    static const struct { const char *word; int type; } words[] = {
        { " bts ", T_BTS }, { " but ", T_BUT }, { " dut ", T_BUT }, { " licence ", T_LICENCE },
        { " pass ", T_PASS }, { " cpge ", T_CPGE }, { " classe preparatoire ", T_CPGE },
        { " ifsi ", T_HEALTH }, { " infirmier ", T_HEALTH }, { " sante ", T_HEALTH },
    };
    char folded[256], padded[260];
    suggest_fold(label ? label : "", label ? strlen(label) : 0, folded, sizeof folded);
    snprintf(padded, sizeof padded, " %s ", folded);
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strstr(padded, words[i].word)) return words[i].type;
    return T_OTHER;
}

/* Share of each bac in all vœux, from the national model (for rows without figures). */
static double national_wish_share(int bac)
{
    double sum = 0;
    for (int b = 0; b < 3; b++) sum += bac_share[b] * wishes_mean[b];
    return bac_share[bac] * wishes_mean[bac] / sum;
}

static void note_missing(gen *g, const sim_problem *p, int obs, const char *instead)
{
    if (!p->f_obs[obs] && g->o->notes)
        explain_printf(g->o->notes, "admit generate: %s: no column '%s': %s\n", g->o->formations_file,
                       sim_obs_names[obs], instead);
}

/* Demand of formation f from bac b's candidates: its observed applicants of that bac, or
 * its total split by the national shares, or 10 per seat split so (the notes say which). */
static double bac_demand(const sim_problem *p, uint32_t f, int b)
{
    const int32_t *apps = p->f_obs[SIM_OBS_APPLICANTS_GENERAL + b], *tot = p->f_obs[SIM_OBS_APPLICANTS];
    if (apps && apps[f] >= 0) return apps[f];
    if (tot && tot[f] >= 0) return tot[f] * national_wish_share(b);
    return 10.0 * p->f_capacity[f] * national_wish_share(b);
}

static int load_dataset(gen *g, errloc *err)
{
    sim_problem *p = g->data = sim_problem_new();
    if (!p) { errloc_set(err, g->o->formations_file, 0, 0, "out of memory"); return -1; }
    if (sim_load_formations_opts(p, g->o->formations_file, g->o->input, err) != 0) return -1;
    g->cat_w = calloc(p->nf ? p->nf : 1, sizeof *g->cat_w);
    if (!g->cat_w) { errloc_set(err, g->o->formations_file, 0, 0, "out of memory"); return -1; }
    double apps[3] = { 0 }, bours[3] = { 0 };
    for (uint32_t i = 0; i < p->nf; i++) {
        gform *f = new_form(g);
        if (!f) { errloc_set(err, g->o->formations_file, 0, 0, "out of memory"); return -1; }
        const char *acad = p->f_desc[SIM_DESC_ACADEMIE] ? p->f_desc[SIM_DESC_ACADEMIE][i] : NULL;
        f->acad = acad_index(g, acad && *acad ? acad : "(acad\xc3\xa9mie inconnue)");
        f->capacity = (uint32_t)p->f_capacity[i];
        f->min_t = p->f_min_techno[i]; f->min_p = p->f_min_pro[i];
        f->min_b = p->f_min_boursier[i]; f->min_r = p->f_min_resident[i];
        f->program = p->f_desc[SIM_DESC_PROGRAM] ? p->f_desc[SIM_DESC_PROGRAM][i] : NULL;
        f->type = (uint8_t)type_of_program(f->program);
        f->weight = 1;
        for (int b = 0; b < 3; b++) {
            double a = bac_demand(p, i, b);
            const int32_t *brs = p->f_obs[SIM_OBS_APPLICANTS_GENERAL_BOURSIER + b];
            const int32_t *ab = p->f_obs[SIM_OBS_APPLICANTS_GENERAL + b];
            double bb = brs && ab && brs[i] >= 0 && ab[i] >= 0 ? brs[i] : a * boursier_rate[b];
            if (bb > a) bb = a;
            g->cat_w[i][2 * b] = a - bb;
            g->cat_w[i][2 * b + 1] = bb;
            apps[b] += a;
            bours[b] += bb;
        }
    }
    /* a file of few formations gets proportionally fewer vœux per candidate: drawing most
     * of a short list without repeats would flatten each formation's observed demand */
    double scale = p->nf < 63 ? p->nf / 62.8 : 1.0;   /* 62.8 = 4 × 15.7 */
    for (int b = 0; b < 3; b++) g->cal_mean[b] = 1.0 + (wishes_mean[b] - 1.0) * scale;
    /* candidates: a bac's share of candidates is its share of vœux over its vœux per head */
    double sum = 0;
    for (int b = 0; b < 3; b++) sum += g->bac_mix[b] = apps[b] / g->cal_mean[b];
    for (int b = 0; b < 3; b++) {
        g->bac_mix[b] = sum > 0 ? g->bac_mix[b] / sum : bac_share[b];
        g->bours_rate[b] = apps[b] > 0 ? bours[b] / apps[b] : boursier_rate[b];
    }
    static const char *const by_bac = "each formation's applicants are split by bac with the national shares";
    note_missing(g, p, SIM_OBS_APPLICANTS_GENERAL, by_bac);
    note_missing(g, p, SIM_OBS_APPLICANTS_TECHNO, by_bac);
    note_missing(g, p, SIM_OBS_APPLICANTS_PRO, by_bac);
    if (!p->f_obs[SIM_OBS_APPLICANTS] && !p->f_obs[SIM_OBS_APPLICANTS_GENERAL] && g->o->notes)
        explain_printf(g->o->notes, "admit generate: %s: no applicants column (voe_tot, nb_voe_pp_*): "
                       "demand is 10 applicants per seat\n", g->o->formations_file);
    for (int b = 0; b < 3; b++)
        note_missing(g, p, SIM_OBS_APPLICANTS_GENERAL_BOURSIER + b,
                     "the boursier share of those applicants is the national one");
    if (!p->f_desc[SIM_DESC_ACADEMIE] && g->o->notes)
        explain_printf(g->o->notes, "admit generate: %s: no academie column (acad_mies): every formation "
                       "is in one académie\n", g->o->formations_file);
    if (!p->f_desc[SIM_DESC_PROGRAM] && g->o->notes)
        explain_printf(g->o->notes, "admit generate: %s: no program column (lib_for_voe_ins, filière): "
                       "programmes are of no known type\n", g->o->formations_file);
    return 0;
}

static int build_alias(gen *g, uint32_t npools);

/* Pools of a calibrated cohort: per category (bac × boursier) and académie (or anywhere),
 * formations weighted by their demand from that category. */
static int build_cat_pools(gen *g)
{
    uint32_t npools = NCAT * (g->nacad + 1);
    g->pool_start = calloc(npools + 1, sizeof *g->pool_start);
    g->pool_f = malloc(((size_t)g->nf * 2 * NCAT + 1) * sizeof *g->pool_f);
    g->pool_cum = malloc(((size_t)g->nf * 2 * NCAT + 1) * sizeof *g->pool_cum);
    uint32_t *fill = malloc((npools + 1) * sizeof *fill);
    if (!g->pool_start || !g->pool_f || !g->pool_cum || !fill) { free(fill); return -1; }
    for (int cat = 0; cat < NCAT; cat++)
        for (uint32_t i = 0; i < g->nf; i++)
            if (g->cat_w[i][cat] > 0) {
                g->pool_start[cat * (g->nacad + 1) + g->f[i].acad + 1]++;
                g->pool_start[cat * (g->nacad + 1) + g->nacad + 1]++;
            }
    for (uint32_t k = 0; k < npools; k++) g->pool_start[k + 1] += g->pool_start[k];
    memcpy(fill, g->pool_start, (npools + 1) * sizeof *fill);
    for (int cat = 0; cat < NCAT; cat++)
        for (uint32_t i = 0; i < g->nf; i++)
            if (g->cat_w[i][cat] > 0) {
                uint32_t a = fill[cat * (g->nacad + 1) + g->f[i].acad]++;
                uint32_t b = fill[cat * (g->nacad + 1) + g->nacad]++;
                g->pool_f[a] = g->pool_f[b] = i;
            }
    free(fill);
    for (uint32_t k = 0; k < npools; k++) {
        double sum = 0;
        int cat = (int)(k / (g->nacad + 1));
        for (uint32_t j = g->pool_start[k]; j < g->pool_start[k + 1]; j++)
            g->pool_cum[j] = sum += g->cat_w[g->pool_f[j]][cat];
    }
    if (build_alias(g, npools) != 0) return -1;
    for (int cat = 0; cat < NCAT; cat++) {
        double demand[MAX_ACAD] = { 0 }, sum = 0;
        for (uint32_t i = 0; i < g->nf; i++) demand[g->f[i].acad] += g->cat_w[i][cat];
        for (uint32_t a = 0; a < g->nacad; a++) g->cat_acad_cum[cat][a] = sum += demand[a];
    }
    return 0;
}

/* formations.csv of a calibrated cohort: the file's formations, ids and observed figures
 * (named as admit allocate reads them), for the report to compare. */
static void write_dataset_formations(gen *g, out *o)
{
    const sim_problem *p = g->data;
    out_str(o, "formation_id,capacity,min_techno,min_pro,min_boursier,min_resident,academie,"
               "establishment,commune,program");
    for (int k = 0; k < SIM_NOBS; k++)
        if (p->f_obs[k]) { out_char(o, ','); out_str(o, sim_obs_names[k]); }
    out_str(o, ",capacity_source\n");
    for (uint32_t i = 0; i < g->nf; i++) {
        const gform *f = &g->f[i];
        out_field(o, p->f_id[i]);
        uint32_t v[5] = { f->capacity, f->min_t, f->min_p, f->min_b, f->min_r };
        for (int k = 0; k < 5; k++) { out_char(o, ','); out_uint(o, v[k]); }
        static const int desc[4] = { SIM_DESC_ACADEMIE, SIM_DESC_ESTABLISHMENT, SIM_DESC_COMMUNE, SIM_DESC_PROGRAM };
        for (int d = 0; d < 4; d++) {
            out_char(o, ',');
            if (p->f_desc[desc[d]] && p->f_desc[desc[d]][i]) out_field(o, p->f_desc[desc[d]][i]);
        }
        for (int k = 0; k < SIM_NOBS; k++)
            if (p->f_obs[k]) {
                out_char(o, ',');
                if (p->f_obs[k][i] >= 0) out_uint(o, (uint64_t)p->f_obs[k][i]);
            }
        out_str(o, ",open dataset\n");
    }
}

/* Pools to draw a formation of a type, in an académie (or anywhere), by attractiveness. */
static int build_pools(gen *g)
{
    uint32_t npools = NTYPES * (g->nacad + 1);
    g->pool_start = calloc(npools + 1, sizeof *g->pool_start);
    g->pool_f = malloc(((size_t)g->nf * 2 + 1) * sizeof *g->pool_f);
    g->pool_cum = malloc(((size_t)g->nf * 2 + 1) * sizeof *g->pool_cum);
    if (!g->pool_start || !g->pool_f || !g->pool_cum) return -1;
    for (uint32_t i = 0; i < g->nf; i++) {
        g->pool_start[g->f[i].type * (g->nacad + 1) + g->f[i].acad + 1]++;
        g->pool_start[g->f[i].type * (g->nacad + 1) + g->nacad + 1]++;
    }
    for (uint32_t k = 0; k < npools; k++) g->pool_start[k + 1] += g->pool_start[k];
    uint32_t *fill = malloc((npools + 1) * sizeof *fill);
    if (!fill) return -1;
    memcpy(fill, g->pool_start, (npools + 1) * sizeof *fill);
    for (uint32_t i = 0; i < g->nf; i++) {
        g->pool_f[fill[g->f[i].type * (g->nacad + 1) + g->f[i].acad]++] = i;
        g->pool_f[fill[g->f[i].type * (g->nacad + 1) + g->nacad]++] = i;
    }
    free(fill);
    for (uint32_t k = 0; k < npools; k++) {
        double sum = 0;
        for (uint32_t j = g->pool_start[k]; j < g->pool_start[k + 1]; j++)
            g->pool_cum[j] = sum += g->f[g->pool_f[j]].weight;
    }
    if (build_alias(g, npools) != 0) return -1;
    /* candidates' académies follow the seats */
    double seats[MAX_ACAD] = { 0 }, sum = 0;
    for (uint32_t i = 0; i < g->nf; i++) seats[g->f[i].acad] += g->f[i].capacity;
    for (uint32_t a = 0; a < g->nacad; a++) g->acad_cum[a] = sum += seats[a];
    return 0;
}

/* Walker's alias tables of every pool, from pool_cum (Vose's method, in pool order, so
 * the same weights give the same tables): a draw is then one uniform and one compare, not
 * a binary search over the pool. */
static int build_alias(gen *g, uint32_t npools)
{
    size_t total = g->pool_start[npools];
    float *prob = malloc((total ? total : 1) * sizeof *prob);
    uint32_t *alias = malloc((total ? total : 1) * sizeof *alias);
    g->alias = malloc((total ? total : 1) * sizeof *g->alias);
    uint32_t *small = malloc((total ? total : 1) * sizeof *small), *large = malloc((total ? total : 1) * sizeof *large);
    double *scaled = malloc((total ? total : 1) * sizeof *scaled);
    int rc = -1;
    if (!prob || !alias || !g->alias || !small || !large || !scaled) goto out;
    for (uint32_t k = 0; k < npools; k++) {
        uint32_t lo = g->pool_start[k], n = g->pool_start[k + 1] - lo, ns = 0, nl = 0;
        if (n == 0) continue;
        double sum = g->pool_cum[lo + n - 1];
        for (uint32_t i = 0; i < n; i++) {
            double w = g->pool_cum[lo + i] - (i ? g->pool_cum[lo + i - 1] : 0.0);
            scaled[i] = sum > 0 ? w * n / sum : 1.0;
            if (scaled[i] < 1.0) small[ns++] = i; else large[nl++] = i;
        }
        while (ns && nl) {
            uint32_t s_ = small[--ns], l = large[nl - 1];
            prob[lo + s_] = (float)scaled[s_];
            alias[lo + s_] = l;
            scaled[l] -= 1.0 - scaled[s_];
            if (scaled[l] < 1.0) { nl--; small[ns++] = l; }
        }
        while (nl) { uint32_t l = large[--nl]; prob[lo + l] = 1.0f; alias[lo + l] = l; }
        while (ns) { uint32_t l = small[--ns]; prob[lo + l] = 1.0f; alias[lo + l] = l; }
        for (uint32_t i = 0; i < n; i++) {
            pentry *e = &g->alias[lo + i];
            e->keep = prob[lo + i] >= 1.0f ? UINT32_MAX : (uint32_t)((double)prob[lo + i] * 4294967296.0);
            e->f = g->pool_f[lo + i];
            e->alias = g->pool_f[lo + alias[lo + i]];
        }
    }
    rc = 0;
out:
    free(small); free(large); free(scaled); free(prob); free(alias);
    return rc;
}

static uint32_t draw_pool(const gen *g, rng *r, uint32_t k)
{
    uint32_t lo = g->pool_start[k], n = g->pool_start[k + 1] - lo;
    if (n == 0) return UINT32_MAX;
    uint64_t x = rng_next(r);   /* high half: the entry; low half: entry or alias */
    const pentry *e = &g->alias[lo + (uint32_t)(((x >> 32) * n) >> 32)];
    return (uint32_t)x < e->keep ? e->f : e->alias;
}

/* ------------------------------------------------------------ candidates */

/* The vœux drawn by one thread, by candidate then preference: the threads draw
 * consecutive candidates, and their vœux are put end to end in candidate order. */
typedef struct wbuf {
    uint32_t *form;
    float *score;
    size_t n, cap;
    int borrowed;                /* form and score lie in the cohort's arrays (draw_cohort) */
} wbuf;

static int grow_wishes(wbuf *w, size_t need)
{
    if (need <= w->cap) return 0;
    size_t c = w->cap ? w->cap : 1 << 16;
    while (c < need) c *= 2;
    if (w->borrowed) {   /* past its share of the cohort's arrays: on its own from here */
        uint32_t *form = malloc(c * 4);
        float *score = malloc(c * 4);
        if (!form || !score) { free(form); free(score); return -1; }
        memcpy(form, w->form, w->n * 4);
        memcpy(score, w->score, w->n * 4);
        w->form = form;
        w->score = score;
        w->borrowed = 0;
        w->cap = c;
        return 0;
    }
    uint32_t *form = realloc(w->form, c * 4);
    if (form) w->form = form;
    float *score = realloc(w->score, c * 4);
    if (score) w->score = score;
    if (!form || !score) return -1;
    w->cap = c;
    return 0;
}

static void wbuf_free(wbuf *w)
{
    if (!w->borrowed) { free(w->form); free(w->score); }
    memset(w, 0, sizeof *w);
}

/* A mark out of 20, in tenths. */
static uint8_t grade(double level, rng *r)
{
    double v = 10.5 + 3.0 * level + 1.5 * rng_normal(r);
    v = v < 0 ? 0 : v > 20 ? 20 : v;
    return (uint8_t)lround(v * 10);
}

static uint32_t float_key_desc(float x)
{
    uint32_t b;
    memcpy(&b, &x, sizeof b);
    b = (b & 0x80000000u) ? ~b : b | 0x80000000u;   /* ascending order of floats */
    return ~b;                                       /* best (largest) first */
}

/* The k formations just drawn for candidate c (at w->form + w->n): each one's utility to
 * the candidate and its score in the formation's eyes drawn, then the vœux put in order of
 * utility, best first, ties in the order drawn (insertion sort of (utility, index) keys: k
 * is small), and appended. The draws of a candidate's formations come first, their
 * utilities after: the formations' cache misses then overlap. */
static void finish_wishes(const gen *g, wbuf *w, rng *r, uint32_t c, const hotf *hot, int bac,
                          uint32_t acad, double level, uint32_t k)
{
    uint32_t *forms = w->form + w->n, drawn[255];
    float *score = w->score + w->n, scores[255];
    uint64_t key[255];
    for (uint32_t i = 0; i < k; i++) {
        const hotf *h = &hot[forms[i]];
        float utility = (float)(h->logw + (h->acad == acad ? 0.7 : 0.0) + rng_normal(r));
        scores[i] = (float)(level + fit_of[bac][h->type] + 0.6 * rng_normal(r));
        key[i] = (uint64_t)float_key_desc(utility) << 32 | i;
        drawn[i] = forms[i];
    }
    for (uint32_t i = 1; i < k; i++) {
        uint64_t x = key[i];
        uint32_t j = i;
        for (; j > 0 && key[j - 1] > x; j--) key[j] = key[j - 1];
        key[j] = x;
    }
    for (uint32_t i = 0; i < k; i++) {
        uint32_t at = (uint32_t)key[i];
        forms[i] = drawn[at];
        score[i] = scores[at];
    }
    g->c_nw[c] = (uint8_t)k;
    w->n += k;
}

/* A formation of pool `local` (with probability P_LOCAL, for the first attempts, when it
 * is not empty) or of pool `any`, not among the k already drawn; UINT32_MAX when none. */
static uint32_t draw_new(const gen *g, rng *r, uint32_t local, uint32_t any, int local_ok,
                         const uint32_t *forms, uint32_t k)
{
    uint32_t f = UINT32_MAX;
    for (int attempt = 0; attempt < 12; attempt++) {
        /* after a few duplicates the local pool is exhausted: look anywhere */
        int here = attempt < 4 && local_ok && g->pool_start[local] < g->pool_start[local + 1] &&
                   rng_uniform(r) < P_LOCAL;
        f = draw_pool(g, r, here ? local : any);
        if (f == UINT32_MAX) break;             /* no such formation simulated */
        for (uint32_t j = 0; j < k && f != UINT32_MAX; j++) if (forms[j] == f) f = UINT32_MAX;
        if (f != UINT32_MAX) break;
    }
    return f;
}

/* The vœux of candidate c in a calibrated cohort: each drawn among the formations by their
 * observed demand from the candidate's category (bac × boursier), in the candidate's own
 * académie with probability P_LOCAL; preferences by that demand plus noise. */
static int draw_calibrated(const gen *g, wbuf *w, rng *r, uint32_t c, int bac, uint32_t acad,
                           double level, uint32_t n)
{
    int cat = bac * 2 + g->c_bours[c];
    const hotf *hot = g->hot + (size_t)cat * g->nf;
    if (n > g->nf) n = g->nf;
    if (grow_wishes(w, w->n + n) != 0) return -1;
    uint32_t *forms = w->form + w->n, k = 0;
    uint32_t local = (uint32_t)cat * (g->nacad + 1) + acad, any = (uint32_t)cat * (g->nacad + 1) + g->nacad;
    for (uint32_t i = 0; i < n && k < 255; i++) {
        uint32_t f = draw_new(g, r, local, any, acad < g->nacad, forms, k);
        if (f == UINT32_MAX) continue;
        __builtin_prefetch(&hot[f]);
        forms[k++] = f;
    }
    finish_wishes(g, w, r, c, hot, bac, acad, level, k);
    return 0;
}

/* Candidate c from its own random stream, derived from (seed, c): the cohort does not
 * depend on how the candidates are shared out between threads. */
static int draw_candidate(gen *g, wbuf *w, uint32_t c)
{
    rng stream, *r = &stream;
    rng_seed(r, g->o->seed * 0xbf58476d1ce4e5b9ULL ^ ((uint64_t)c + 1) * 0x94d049bb133111ebULL);
    double u = rng_uniform(r);
    const double *mix = g->data ? g->bac_mix : bac_share, *brate = g->data ? g->bours_rate : boursier_rate;
    int bac = u < mix[0] ? BAC_GENERAL : u < mix[0] + mix[1] ? BAC_TECHNO : BAC_PRO;
    g->c_bac[c] = (uint8_t)bac;
    g->c_bours[c] = rng_uniform(r) < brate[bac];
    uint32_t acad = g->nacad;                       /* outside */
    /* a calibrated cohort: a category's candidates live where its demand is */
    const double *where = g->data ? g->cat_acad_cum[bac * 2 + g->c_bours[c]] : g->acad_cum;
    if (rng_uniform(r) >= P_OUTSIDE && g->nacad && where[g->nacad - 1] > 0) {
        double x = rng_uniform(r) * where[g->nacad - 1];
        acad = 0;
        while (acad < g->nacad - 1 && where[acad] <= x) acad++;
    }
    g->c_acad[c] = (uint16_t)acad;
    g->c_res[c] = acad < g->nacad;
    double level = rng_normal(r);
    g->c_grade[0][c] = grade(level, r);            /* moyenne */
    g->c_grade[1][c] = grade(level, r);            /* maths */
    g->c_grade[2][c] = grade(level, r);            /* francais */
    g->c_grade[3][c] = grade(0.3 * level, r);      /* motivation: the jury's mark of the letter */

    /* 1 + Poisson(mean - 1) by Knuth's product method, exp(-lambda) computed once */
    uint32_t n = 1;
    for (double prod = rng_uniform(r); prod > g->poisson_limit[bac]; prod *= rng_uniform(r)) n++;
    if (n > g->o->max_wishes) n = g->o->max_wishes;
    if (g->data) return draw_calibrated(g, w, r, c, bac, acad, level, n);
    if (grow_wishes(w, w->n + n) != 0) return -1;
    uint32_t *forms = w->form + w->n, k = 0;
    for (uint32_t i = 0; i < n && k < 255; i++) {
        double x = rng_uniform(r), cum = 0;
        int t = 0;
        for (; t < NTYPES - 1; t++) if (x < (cum += type_share[bac][t])) break;
        uint32_t local = t * (g->nacad + 1) + acad, any = t * (g->nacad + 1) + g->nacad;
        uint32_t f = draw_new(g, r, local, any, acad < g->nacad, forms, k);
        if (f == UINT32_MAX) continue;
        __builtin_prefetch(&g->hot[f]);
        forms[k++] = f;
    }
    finish_wishes(g, w, r, c, g->hot, bac, acad, level, k);
    return 0;
}

/* The cohort on the threads: thread t draws candidates [nc*t/nt, nc*(t+1)/nt) into its own
 * buffer; the buffers are then put end to end. */
typedef struct draw_job {
    gen *g;
    uint32_t nc;
    wbuf w[THREADS_MAX];
    int rc[THREADS_MAX];
} draw_job;

static void draw_slice(void *ctx, int t, int nt)
{
    draw_job *j = ctx;
    gen *g = j->g;
    uint32_t lo = (uint32_t)((uint64_t)j->nc * t / nt), hi = (uint32_t)((uint64_t)j->nc * (t + 1) / nt);
    for (uint32_t c = lo; c < hi && j->rc[t] == 0; c++) {
        j->rc[t] = draw_candidate(g, &j->w[t], c);
        if (t == 0 && g->o->progress && ((c - lo) & 0xFFFF) == 0)
            g->o->progress(g->o->pctx, "candidates", (double)(c - lo) / (hi - lo));
    }
}

/* Logs and limits the draws use, computed once rather than per vœu. */
static int prepare_draws(gen *g)
{
    for (int b = 0; b < 3; b++)
        g->poisson_limit[b] = exp(-((g->data ? g->cal_mean[b] : wishes_mean[b]) - 1.0));
    for (int b = 0; b < 3; b++)
        for (int t = 0; t < NTYPES; t++) fit_of[b][t] = fit(b, t);
    int ncat = g->data ? NCAT : 1;
    g->hot = malloc(((size_t)g->nf * ncat + 1) * sizeof *g->hot);
    if (!g->hot) return -1;
    for (int cat = 0; cat < ncat; cat++)
        for (uint32_t f = 0; f < g->nf; f++) {
            hotf *h = &g->hot[(size_t)cat * g->nf + f];
            h->logw = (float)(g->data ? log(g->cat_w[f][cat] + 1e-9) : log(g->f[f].weight));
            h->acad = g->f[f].acad;
            h->type = g->f[f].type;
        }
    return 0;
}

/* Room for the vœux of n candidates, with a wide margin: the mean vœux per candidate, mean,
 * plus eight standard deviations of their sum (counts per candidate vary by less than 16). */
static size_t wishes_room(uint32_t n, double mean)
{
    return (size_t)(n * mean + 8.0 * sqrt(n * 16.0 * 16.0) + 4096);
}

/* The vœux drawn per candidate on average, at most (for wishes_room). */
static double wishes_mean_bound(const gen *g)
{
    double m = 0;
    for (int b = 0; b < 3; b++) {
        double mb = g->data ? g->cal_mean[b] : wishes_mean[b];
        if (mb > g->o->max_wishes) mb = g->o->max_wishes;
        if (mb > m) m = mb;
    }
    return m;
}

/* The threads draw into their own shares of one pair of arrays, sized from the expected
 * count (untouched memory costs nothing), then the shares are moved down end to end: no
 * second copy of the vœux. A thread that outgrows its share goes on in its own buffer, and
 * then everything is copied into arrays of the exact size. */
static int draw_cohort(gen *g, uint32_t nc)
{
    if (prepare_draws(g) != 0) return -1;
    draw_job *j = calloc(1, sizeof *j);
    if (!j) return -1;
    j->g = g;
    j->nc = nc;
    int nt = nc < 20000 ? 1 : threads_count(), rc = 0;
    double mean = wishes_mean_bound(g);
    size_t room[THREADS_MAX], total_room = 0;
    for (int t = 0; t < nt; t++) {
        uint32_t lo = (uint32_t)((uint64_t)nc * t / nt), hi = (uint32_t)((uint64_t)nc * (t + 1) / nt);
        total_room += room[t] = wishes_room(hi - lo, mean);
    }
    uint32_t *form = malloc(total_room * 4);
    float *score = malloc(total_room * 4);
    if (!form || !score) { free(form); free(score); free(j); return -1; }
    for (int t = 0; t < nt; t++) {
        size_t off = 0;
        for (int u = 0; u < t; u++) off += room[u];
        j->w[t] = (wbuf){ form + off, score + off, 0, room[t], 1 };
    }
    threads_run(nt, draw_slice, j);
    size_t total = 0;
    int all_borrowed = 1;
    for (int t = 0; t < nt; t++) {
        rc |= j->rc[t];
        total += j->w[t].n;
        all_borrowed &= j->w[t].borrowed;
    }
    if (rc == 0 && all_borrowed) {   /* the shares moved down, in order: never over a later one */
        g->w_form = form; g->w_score = score;
        for (int t = 0; t < nt; t++) {
            memmove(form + g->nw, j->w[t].form, j->w[t].n * 4);
            memmove(score + g->nw, j->w[t].score, j->w[t].n * 4);
            g->nw += j->w[t].n;
        }
        form = NULL; score = NULL;
    } else if (rc == 0) {
        size_t m = total ? total : 1;
        g->w_form = malloc(m * 4); g->w_score = malloc(m * 4);
        if (!g->w_form || !g->w_score) rc = -1;
        for (int t = 0; t < nt && rc == 0; t++) {
            memcpy(g->w_form + g->nw, j->w[t].form, j->w[t].n * 4);
            memcpy(g->w_score + g->nw, j->w[t].score, j->w[t].n * 4);
            g->nw += j->w[t].n;
        }
    }
    for (int t = 0; t < nt; t++) wbuf_free(&j->w[t]);
    free(form); free(score);
    free(j);
    return rc;
}

/* ------------------------------------------------------------- rankings */

/* Classement of each formation: its applicants by score, best first; ties by candidate
 * order. The vœux are spread by formation as (score key << 32 | vœu) pairs, each thread
 * spreading its share of the vœux into its own places (so each formation's pairs stay in
 * vœu order), then each formation's pairs are radix-sorted (stable) on the key, the
 * formations shared out between the threads (each writes only its formations' ranks). The
 * pairs are read in order: no score looked up at random. */
typedef struct rank_job {
    gen *g;
    uint32_t *count;             /* [t * nf + f]: thread t's vœux of formation f, then where they go */
    uint32_t *start;             /* first pair of each formation, and nw */
    uint64_t *pairs;
    uint32_t maxn;
    int rc[THREADS_MAX];
} rank_job;

static size_t share_lo(size_t n, int t, int nt) { return n * (size_t)t / (size_t)nt; }

static void count_slice(void *ctx, int t, int nt)
{
    rank_job *j = ctx;
    const gen *g = j->g;
    uint32_t *count = j->count + (size_t)t * g->nf;
    for (size_t w = share_lo(g->nw, t, nt); w < share_lo(g->nw, t + 1, nt); w++) count[g->w_form[w]]++;
}

static void spread_slice(void *ctx, int t, int nt)
{
    rank_job *j = ctx;
    const gen *g = j->g;
    uint32_t *at = j->count + (size_t)t * g->nf;
    for (size_t w = share_lo(g->nw, t, nt); w < share_lo(g->nw, t + 1, nt); w++)
        j->pairs[at[g->w_form[w]]++] = (uint64_t)float_key_desc(g->w_score[w]) << 32 | w;
}

/* Thread t takes the formations whose vœux fall in the t-th share of all vœux. */
static uint32_t rank_bound(const rank_job *j, int t, int nt)
{
    if (t >= nt) return j->g->nf;
    uint64_t target = (uint64_t)j->g->nw * (uint64_t)t / (uint64_t)nt;
    uint32_t lo = 0, hi = j->g->nf;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (j->start[mid] < target) lo = mid + 1; else hi = mid;
    }
    return lo;
}

/* Stable LSD radix sort of a[0..n) on the key (bits 32-63), 8 bits a pass, the four
 * digits' counts taken in one read; a pass whose digit is the same for all is skipped. The
 * sorted pairs end in a or in tmp: returned. */
static uint64_t *sort_pairs(uint64_t *a, uint64_t *tmp, uint32_t n)
{
    uint32_t count[4][256];
    memset(count, 0, sizeof count);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t k = (uint32_t)(a[i] >> 32);
        count[0][k & 0xFF]++;
        count[1][(k >> 8) & 0xFF]++;
        count[2][(k >> 16) & 0xFF]++;
        count[3][k >> 24]++;
    }
    for (int d = 0; d < 4; d++) {
        int shift = 32 + 8 * d;
        uint32_t *c = count[d];
        if (c[(a[0] >> shift) & 0xFF] == n) continue;
        for (uint32_t v = 0, at = 0; v < 256; v++) {
            uint32_t m = c[v];
            c[v] = at;
            at += m;
        }
        for (uint32_t i = 0; i < n; i++) tmp[c[(a[i] >> shift) & 0xFF]++] = a[i];
        uint64_t *x = a; a = tmp; tmp = x;
    }
    return a;
}

static void rank_slice(void *ctx, int t, int nt)
{
    rank_job *j = ctx;
    gen *g = j->g;
    uint32_t f_lo = rank_bound(j, t, nt), f_hi = rank_bound(j, t + 1, nt);
    uint64_t *tmp = malloc(((size_t)j->maxn + 1) * sizeof *tmp);
    j->rc[t] = tmp ? 0 : -1;
    for (uint32_t f = f_lo; f < f_hi && j->rc[t] == 0; f++) {
        uint32_t n = j->start[f + 1] - j->start[f];
        if (n == 0) continue;
        const uint64_t *a = sort_pairs(j->pairs + j->start[f], tmp, n);
        for (uint32_t i = 0; i < n; i++) g->w_rank[(uint32_t)a[i]] = i + 1;
        if (t == 0 && g->o->progress && (f & 1023) == 0)
            g->o->progress(g->o->pctx, "classements", (double)(f - f_lo) / (f_hi - f_lo));
    }
    free(tmp);
}

static int rank_all(gen *g)
{
    int nt = g->nw < 20000 ? 1 : threads_count();
    rank_job j = { g, calloc((size_t)g->nf * nt + 1, sizeof *j.count),
                   malloc(((size_t)g->nf + 1) * sizeof *j.start),
                   malloc((g->nw ? g->nw : 1) * sizeof *j.pairs), 0, { 0 } };
    int rc = -1;
    if (!j.count || !j.start || !j.pairs) goto out;
    threads_run(nt, count_slice, &j);
    uint32_t at = 0;
    for (uint32_t f = 0; f < g->nf; f++) {
        j.start[f] = at;
        for (int t = 0; t < nt; t++) {
            uint32_t n = j.count[(size_t)t * g->nf + f];
            j.count[(size_t)t * g->nf + f] = at;
            at += n;
        }
        if (at - j.start[f] > j.maxn) j.maxn = at - j.start[f];
    }
    j.start[g->nf] = at;
    threads_run(nt, spread_slice, &j);
    /* the scores are in the pairs now: their memory takes the ranks (no fresh pages) */
    g->w_rank = (uint32_t *)g->w_score;
    g->w_score = NULL;
    threads_run(nt, rank_slice, &j);
    rc = 0;
    for (int t = 0; t < nt; t++) rc |= j.rc[t];
out:
    free(j.count); free(j.start); free(j.pairs);
    return rc;
}

/* --------------------------------------------------------------- output */

/* Text appended to a chunk's buffer (chunkwrite.h); failed once memory ran out. */
struct out {
    cw_buf *b;
    int failed;
};

static void out_mem(out *o, const char *s, size_t n)
{
    if (n == 0) return;
    if (cw_reserve(o->b, n) != 0) { o->failed = 1; return; }
    memcpy(o->b->p + o->b->len, s, n);
    o->b->len += n;
}

static void out_str(out *o, const char *s) { out_mem(o, s, strlen(s)); }
static void out_char(out *o, char c) { out_mem(o, &c, 1); }

/* Text as one CSV field (quoted when needed). */
static void out_field(out *o, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) { out_str(o, s); return; }
    out_char(o, '"');
    for (const char *p = s; *p; p++) {
        out_char(o, *p);
        if (*p == '"') out_char(o, '"');
    }
    out_char(o, '"');
}

static const char digit_pairs[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

/* v in decimal at p (two digits per division, written from the end): the end. */
static char *put_uint(char *p, uint64_t v)
{
    int n = 1;
    for (uint64_t x = v; x >= 10; x /= 10) n++;
    char *end = p + n, *q = end;
    while (v >= 100) {
        uint64_t d = v / 100;
        q -= 2;
        memcpy(q, digit_pairs + 2 * (v - d * 100), 2);
        v = d;
    }
    if (v >= 10) memcpy(q - 2, digit_pairs + 2 * v, 2);
    else q[-1] = (char)('0' + v);
    return end;
}

static void out_uint(out *o, uint64_t v)
{
    char tmp[20];
    out_mem(o, tmp, (size_t)(put_uint(tmp, v) - tmp));
}

/* Ids: F000001, C0000001 — fixed width from the count, so they sort as numbers. */
static char *put_id(char *p, char prefix, uint32_t i, int width)
{
    uint32_t v = i + 1;
    *p = prefix;
    for (int k = width; k >= 1; k--) { p[k] = (char)('0' + v % 10); v /= 10; }
    return p + width + 1;
}

/* The next id in place (its digits from 1 to width): id + 1, carrying. */
static void next_id(char *id, int width)
{
    for (int k = width; k >= 1; k--) {
        if (id[k] != '9') { id[k]++; return; }
        id[k] = '0';
    }
}

static int width_for(uint32_t n)
{
    int w = 1;
    while (n >= 10) { n /= 10; w++; }
    return w < 6 ? 6 : w;
}

/* Texts of small numbers and fields, made once: a line is then a few copies. */
#define TEXT_SLACK 16            /* see put_text */
typedef struct texts {
    char *buf;                   /* every text end to end */
    uint32_t *form_at;           /* formation f's id field and ',' at buf + form_at[f] .. form_at[f+1] */
    uint32_t pref_at[257];       /* "1,", "2,"... likewise */
    uint32_t grade_at[202];      /* ",0.0" .. ",20.0" (tenths 0..200) */
    uint32_t *acad_at;           /* ",academie," field of académie a (a == nacad: hors académie) */
    size_t form_max;             /* the longest formation text */
    size_t len, cap;
} texts;

static int texts_add(texts *t, const char *s, size_t n)
{
    if (n == 0) return 0;
    if (t->len + n > t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 1 << 16;
        while (cap < t->len + n) cap *= 2;
        char *p = realloc(t->buf, cap);
        if (!p) return -1;
        t->buf = p;
        t->cap = cap;
    }
    memcpy(t->buf + t->len, s, n);
    t->len += n;
    return 0;
}

/* The text of s as a CSV field, between before and after. */
static int texts_field(texts *t, const char *before, const char *s, const char *after)
{
    cw_buf b = { 0 };
    out o = { &b, 0 };
    out_str(&o, before);
    out_field(&o, s);
    out_str(&o, after);
    int rc = o.failed ? -1 : texts_add(t, b.p, b.len);
    free(b.p);
    return rc;
}

static void texts_free(texts *t)
{
    free(t->buf);
    free(t->form_at);
    free(t->acad_at);
}

static int texts_make(const gen *g, texts *t)
{
    memset(t, 0, sizeof *t);
    t->form_at = malloc(((size_t)g->nf + 1) * sizeof *t->form_at);
    t->acad_at = malloc(((size_t)g->nacad + 2) * sizeof *t->acad_at);
    if (!t->form_at || !t->acad_at) return -1;
    int fw = width_for(g->nf);
    char tmp[32];
    for (uint32_t f = 0; f < g->nf; f++) {
        t->form_at[f] = (uint32_t)t->len;
        size_t before = t->len;
        if (g->data) {
            if (texts_field(t, "", g->data->f_id[f], ",") != 0) return -1;
        } else {
            char *e = put_id(tmp, 'F', f, fw);
            *e++ = ',';
            if (texts_add(t, tmp, (size_t)(e - tmp)) != 0) return -1;
        }
        if (t->len - before > t->form_max) t->form_max = t->len - before;
    }
    t->form_at[g->nf] = (uint32_t)t->len;
    for (uint32_t k = 0; k < 256; k++) {
        t->pref_at[k] = (uint32_t)t->len;
        char *e = put_uint(tmp, k);
        *e++ = ',';
        if (texts_add(t, tmp, (size_t)(e - tmp)) != 0) return -1;
    }
    t->pref_at[256] = (uint32_t)t->len;
    for (uint32_t v = 0; v <= 200; v++) {
        t->grade_at[v] = (uint32_t)t->len;
        char *e = put_uint(tmp + 1, v / 10);
        tmp[0] = ',';
        *e++ = '.';
        *e++ = (char)('0' + v % 10);
        if (texts_add(t, tmp, (size_t)(e - tmp)) != 0) return -1;
    }
    t->grade_at[201] = (uint32_t)t->len;
    for (uint32_t a = 0; a <= g->nacad; a++) {
        t->acad_at[a] = (uint32_t)t->len;
        if (texts_field(t, ",", a < g->nacad ? g->acad[a] : "hors académie", "") != 0) return -1;
    }
    t->acad_at[g->nacad + 1] = (uint32_t)t->len;
    static const char spare[TEXT_SLACK];   /* read past the last text by put_text */
    if (texts_add(t, spare, sizeof spare) != 0) return -1;
    return t->len > UINT32_MAX ? -1 : 0;
}

/* Text i of a table at p: the end. A short text is copied as 16 bytes (one move, not a
 * call): the texts end with 16 spare bytes, and every line reserves TEXT_SLACK more than
 * its length, so the bytes past the text are inside the buffer and written over next. */
static char *put_text(char *p, const texts *t, const uint32_t *at, size_t i)
{
    size_t n = at[i + 1] - at[i];
    if (n <= TEXT_SLACK) memcpy(p, t->buf + at[i], TEXT_SLACK);
    else memcpy(p, t->buf + at[i], n);
    return p + n;
}

static void write_formations(gen *g, out *o, int annexes)
{
    out_str(o, "formation_id,capacity,min_techno,min_pro,min_boursier,min_resident,");
    out_str(o, annexes ? "annex,academie,establishment,commune,program,annex_min_pct,capacity_source\n"
                       : "academie,program,capacity_source\n");
    int fw = width_for(g->nf);
    for (uint32_t i = 0; i < g->nf; i++) {
        const gform *f = &g->f[i];
        char id[16];
        out_mem(o, id, (size_t)(put_id(id, 'F', i, fw) - id));
        uint32_t v[5] = { f->capacity, f->min_t, f->min_p, f->min_b, f->min_r };
        for (int k = 0; k < 5; k++) { out_char(o, ','); out_uint(o, v[k]); }
        out_char(o, ',');
        if (annexes) {
            out_field(o, f->annex); out_char(o, ',');
            out_field(o, g->acad[f->acad]); out_char(o, ',');
            out_field(o, f->establishment); out_char(o, ',');
            out_field(o, f->commune); out_char(o, ',');
            out_field(o, f->program); out_char(o, ',');
            out_uint(o, (uint64_t)f->annex_min);
        } else {
            out_field(o, g->acad[f->acad]); out_char(o, ',');
            out_field(o, f->program);
        }
        out_str(o, ",synthetic\n");
    }
}

/* The candidate's spécialité: for a bac général its main spécialité, for a bac techno its
 * série, for a bac pro its field, so that policies can give a bonus to close profiles.
 * The weights are illustrative orders of magnitude, not published figures. Drawn from a
 * stream of its own (seed, candidate), so the rest of the cohort does not depend on it. */
static const char *speciality(uint64_t seed, uint32_t c, int bac)
{
    static const struct { const char *name; int weight; } table[3][6] = {
        [BAC_GENERAL] = { { "Mathématiques", 30 }, { "SES", 20 }, { "SVT", 20 },
                          { "HGGSP", 15 }, { "Physique-chimie", 10 }, { "NSI", 5 } },
        [BAC_TECHNO] = { { "STMG", 50 }, { "STI2D", 20 }, { "ST2S", 20 }, { "STL", 7 },
                         { "STD2A", 3 }, { NULL, 0 } },
        [BAC_PRO] = { { "Bac-pro-Commerce", 25 }, { "Bac-pro-Gestion", 20 },
                      { "Bac-pro-MELEC", 15 }, { "Bac-pro-Maintenance", 15 },
                      { "Bac-pro-ASSP", 15 }, { "Bac-pro-Cuisine", 10 } },
    };
    uint64_t x = seed * 0x9e3779b97f4a7c15ULL + c;
    uint32_t u = (uint32_t)(rng_splitmix(&x) % 100);
    int sum = 0;
    for (int i = 0; i < 6 && table[bac][i].name; i++) {
        sum += table[bac][i].weight;
        if ((int)u < sum) return table[bac][i].name;
    }
    return table[bac][0].name;
}

/* The files are written by chunks of candidates (chunkwrite.h): chunk i holds candidates
 * [i * CHUNK_CAND, (i + 1) * CHUNK_CAND) and, in wishes.csv, their vœux. */
#define CHUNK_CAND 8192u

typedef struct wjob {
    gen *g;
    const texts *t;
    uint32_t nc;
    int cw;
    const size_t *chunk_w;       /* first vœu of each chunk */
    int annexes;
} wjob;

static const char candidates_header[] = "id,bac,boursier,resident,academie,moyenne,maths,francais,motivation,specialite\n";
static const char wishes_header[] = "candidate_id,formation_id,preference,rank\n";

static int format_formations(void *ctx, size_t chunk, cw_buf *b)
{
    wjob *j = ctx;
    out o = { b, 0 };
    if (j->g->data) write_dataset_formations(j->g, &o);
    else write_formations(j->g, &o, j->annexes);
    return o.failed ? -1 : 0;
}

/* The candidates [lo, *hi) of chunk; the first chunk begins with the file's header. */
static uint32_t chunk_begin(const wjob *j, size_t chunk, cw_buf *b, const char *header, size_t header_len,
                            uint32_t *hi)
{
    uint32_t lo = (uint32_t)(chunk * CHUNK_CAND);
    *hi = lo + CHUNK_CAND < j->nc ? lo + CHUNK_CAND : j->nc;
    if (chunk == 0 && cw_reserve(b, header_len + 1) == 0) {
        memcpy(b->p, header, header_len);
        b->len = header_len;
    }
    return lo;
}

static int format_candidates(void *ctx, size_t chunk, cw_buf *b)
{
    wjob *j = ctx;
    const gen *g = j->g;
    const texts *t = j->t;
    uint32_t hi, lo = chunk_begin(j, chunk, b, candidates_header, sizeof candidates_header - 1, &hi);
    size_t acad_max = 0;
    for (uint32_t a = 0; a <= g->nacad; a++)
        if (t->acad_at[a + 1] - t->acad_at[a] > acad_max) acad_max = t->acad_at[a + 1] - t->acad_at[a];
    char id[16] = { 0 };
    put_id(id, 'C', lo, j->cw);
    for (uint32_t c = lo; c < hi; c++, next_id(id, j->cw)) {
        const char *bac = sim_bac_name(g->c_bac[c]), *spec = speciality(g->o->seed, c, g->c_bac[c]);
        size_t nb = strlen(bac), ns = strlen(spec);
        if (cw_reserve(b, 32 + nb + acad_max + 4 * 6 + ns + TEXT_SLACK) != 0) return -1;
        char *p = b->p + b->len;
        memcpy(p, id, (size_t)j->cw + 1);
        p += j->cw + 1;
        *p++ = ',';
        memcpy(p, bac, nb);
        p += nb;
        memcpy(p, g->c_bours[c] ? ",1," : ",0,", 3);
        p += 3;
        *p++ = g->c_res[c] ? '1' : '0';
        p = put_text(p, t, t->acad_at, g->c_acad[c]);
        for (int k = 0; k < 4; k++) p = put_text(p, t, t->grade_at, g->c_grade[k][c]);
        *p++ = ',';
        memcpy(p, spec, ns);
        p += ns;
        *p++ = '\n';
        b->len = (size_t)(p - b->p);
    }
    return 0;
}

static int format_wishes(void *ctx, size_t chunk, cw_buf *b)
{
    wjob *j = ctx;
    const gen *g = j->g;
    const texts *t = j->t;
    uint32_t hi, lo = chunk_begin(j, chunk, b, wishes_header, sizeof wishes_header - 1, &hi);
    size_t line_max = (size_t)j->cw + 2 + t->form_max + 4 + 21 + TEXT_SLACK;
    size_t w = j->chunk_w[chunk];
    char id[16] = { 0 };
    put_id(id, 'C', lo, j->cw);
    id[j->cw + 1] = ',';
    for (uint32_t c = lo; c < hi; c++, next_id(id, j->cw)) {
        uint32_t k = g->c_nw[c];
        if (cw_reserve(b, k * line_max) != 0) return -1;
        char *p = b->p + b->len;
        for (uint32_t i = 0; i < k; i++, w++) {
            memcpy(p, id, 16);                  /* a fixed 16 bytes; the line goes on after the ',' */
            p += j->cw + 2;
            p = put_text(p, t, t->form_at, g->w_form[w]);
            p = put_text(p, t, t->pref_at, i + 1);
            p = put_uint(p, g->w_rank[w]);
            *p++ = '\n';
        }
        b->len = (size_t)(p - b->p);
    }
    return 0;
}

static void write_progress(void *ctx, double done)
{
    const gen *g = ctx;
    g->o->progress(g->o->pctx, "writing", done);
}

/* One file of the output folder by chunks on the threads; its SHA-256, taken as written,
 * goes to the folder's marker. */
static int write_chunks(gen *g, atomic_dir *ad, const char *name, size_t nchunks, int nt,
                        cw_format_fn fn, wjob *j, errloc *err)
{
    char *path = atomic_dir_path(ad, name);
    int fd = path ? open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666) : -1;
    int saved = fd < 0 ? (path ? errno : ENOMEM) : 0;
    cw_result res;
    if (fd >= 0) {
        int rc = chunkwrite_run(fd, nchunks, nt, fn, j, g->o->progress ? write_progress : NULL, g, &res);
        saved = rc == 0 ? 0 : res.write_errno ? res.write_errno : ENOMEM;
        if (close(fd) != 0 && !saved) saved = errno;
        if (!saved) atomic_dir_known(ad, name, res.sha256, res.size);
    }
    if (saved) errloc_set(err, g->o->out, 0, 0, "cannot write %s: %s", name, strerror(saved));
    free(path);
    return saved ? -1 : 0;
}

static int write_outputs(gen *g, atomic_dir *ad, uint32_t nc, errloc *err)
{
    texts t;
    size_t nchunks = ((size_t)nc + CHUNK_CAND - 1) / CHUNK_CAND;
    size_t *chunk_w = malloc((nchunks + 1) * sizeof *chunk_w);
    int rc = -1;
    if (texts_make(g, &t) != 0 || !chunk_w) {
        errloc_set(err, g->o->out, 0, 0, "out of memory");
        goto out;
    }
    size_t w = 0;
    for (uint32_t c = 0; c < nc; c++) {
        if (c % CHUNK_CAND == 0) chunk_w[c / CHUNK_CAND] = w;
        w += g->c_nw[c];
    }
    chunk_w[nchunks] = w;
    wjob j = { g, &t, nc, width_for(nc), chunk_w, g->o->formations == 0 };
    int nt = g->nw < 100000 ? 1 : threads_count();
    rc = write_chunks(g, ad, "formations.csv", 1, 1, format_formations, &j, err);
    if (rc == 0) rc = write_chunks(g, ad, "candidates.csv", nchunks ? nchunks : 1, nt, format_candidates, &j, err);
    if (rc == 0) rc = write_chunks(g, ad, "wishes.csv", nchunks ? nchunks : 1, nt, format_wishes, &j, err);
out:
    texts_free(&t);
    free(chunk_w);
    return rc;
}

/* ----------------------------------------------------------------- entry */

void gen_defaults(gen_opts *o)
{
    memset(o, 0, sizeof *o);
    o->seed = 1;
    o->candidates = 40000;   /* about the new bacheliers of Hauts-de-France in a year */
    o->formations = 0;
    o->max_wishes = 30;      /* 10 vœux and up to 20 sous-vœux in Parcoursup */
}

static void gen_free(gen *g)
{
    strpool_free(g->pool);
    free(g->f); free(g->pool_start); free(g->pool_f); free(g->pool_cum);
    free(g->alias); free(g->hot);
    free(g->c_bac); free(g->c_bours); free(g->c_res); free(g->c_acad);
    for (int k = 0; k < 4; k++) free(g->c_grade[k]);
    free(g->c_nw);
    free(g->w_form); free(g->w_rank); free(g->w_score);
    free(g->cat_w);
    sim_problem_free(g->data);
}

int gen_run(const gen_opts *o, gen_stats *st, errloc *err)
{
    gen g;
    memset(&g, 0, sizeof g);
    g.o = o;
    rng_init();
    rng_seed(&g.r, o->seed);
    int rc = -1;
    atomic_dir ad = { 0 };
    if (o->max_wishes == 0 || o->max_wishes > 255) {
        errloc_set(err, "--max-wishes", 0, 0, "must be between 1 and 255");
        return -1;
    }
    phases_mark(NULL);
    if (!(g.pool = strpool_new())) goto oom;
    if (o->formations_file) {
        if (load_dataset(&g, err) != 0) goto out;
    } else if (o->formations == 0) {
        if (load_annexes(&g, err) != 0) goto out;
    } else if (synthetic_formations(&g) != 0) goto oom;
    if (g.nf == 0) {
        errloc_set(err, o->formations_file ? o->formations_file : o->annex_dir ? o->annex_dir : "formations",
                   0, 0, "no formation to simulate");
        goto out;
    }
    if ((g.data ? build_cat_pools(&g) : build_pools(&g)) != 0) goto oom;
    uint32_t nc = o->candidates;
    g.c_bac = malloc(nc + 1); g.c_bours = malloc(nc + 1); g.c_res = malloc(nc + 1);
    g.c_acad = malloc(((size_t)nc + 1) * 2);
    g.c_nw = malloc(nc + 1);
    for (int k = 0; k < 4; k++)
        if (!(g.c_grade[k] = malloc(((size_t)nc + 1) * sizeof *g.c_grade[k]))) goto oom;
    if (!g.c_bac || !g.c_bours || !g.c_res || !g.c_acad || !g.c_nw) goto oom;
    phases_mark("formations, pools");
    if (draw_cohort(&g, nc) != 0) goto oom;
    phases_mark("draw the cohort");
    if (rank_all(&g) != 0) goto oom;
    phases_mark("classements");
    if (atomic_dir_open(&ad, o->out, err) != 0) goto out;
    phases_mark("check the folder");
    if (write_outputs(&g, &ad, nc, err) != 0) {
        atomic_dir_abort(&ad);
        goto out;
    }
    phases_mark("write the files");
    if (atomic_dir_commit(&ad, err) != 0) goto out;
    phases_mark("marker, swap, old folder");
    st->candidates = nc;
    st->formations = g.nf;
    st->wishes = g.nw;
    rc = 0;
    goto out;
oom:
    errloc_set(err, o->out, 0, 0, "out of memory");
out:
    gen_free(&g);
    return rc;
}
