/* sim_report.c — per-formation audit of an allocation and its totals. A minimum of kind k
 * (techno, pro, boursier, résident) is met when 100·admitted_k ≥ min·admitted (a share of
 * the admitted, as the decrees word it). When not, the reason is "not enough applicants"
 * if fewer candidates of that kind applied than the minimum needs (⌈min·admitted/100⌉),
 * else "applicants placed elsewhere": enough applied, but they hold a vœu they prefer or
 * were called after the seats ran out. */
#include "sim_report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "threads.h"

const char *const sim_kind_names[NKINDS] = { "techno", "pro", "boursier", "resident" };
const char *const sim_reserved_names[NRESERVED] = { "techno", "pro" };

const char *sim_mode_name(sim_mode m) { return m == SIM_SCHOOL ? "school" : "student"; }

const char *sim_group_name(int group)
{
    switch (group) {
    case GROUP_TECHNO: return "techno";
    case GROUP_PRO: return "pro";
    case GROUP_OTHER: return "other";
    default: return "all";
    }
}

static int min_of(const sim_problem *p, uint32_t f, int k)
{
    switch (k) {
    case KIND_TECHNO: return p->f_min_techno[f];
    case KIND_PRO: return p->f_min_pro[f];
    case KIND_BOURSIER: return p->f_min_boursier[f];
    default: return p->f_min_resident[f];
    }
}

static void kinds_of(const sim_problem *p, uint32_t c, int is[NKINDS])
{
    is[KIND_TECHNO] = p->c_bac[c] == BAC_TECHNO;
    is[KIND_PRO] = p->c_bac[c] == BAC_PRO;
    is[KIND_BOURSIER] = p->c_boursier[c];
    is[KIND_RESIDENT] = p->c_resident[c];
}

sim_why sim_report_why(const sim_report *rep, const sim_row *row, int k)
{
    int min = min_of(rep->p, row->f, k);
    if (row->group >= 0 || min == 0) return WHY_NONE;
    if (100ull * row->adm[k] >= (unsigned long long)min * row->admitted) return WHY_MET;
    uint64_t needed = ((uint64_t)min * row->admitted + 99) / 100;
    return row->app[k] < needed ? WHY_NOT_ENOUGH : WHY_ELSEWHERE;
}

const char *sim_why_text(sim_why why)
{
    switch (why) {
    case WHY_NOT_ENOUGH: return "not enough applicants";
    case WHY_ELSEWHERE: return "applicants placed elsewhere";
    default: return "";
    }
}

/* ------------------------------------------------------------- counting */

static int has_groups(const sim_problem *p, uint32_t f)
{
    return p->f_min_techno[f] > 0 || p->f_min_pro[f] > 0;
}

/* rows: per formation its whole row, then one per group when it has reserved groups. */
typedef struct count_job {
    const sim_problem *p;
    const sim_result *r;
    const uint32_t *row_of;   /* per formation: its row */
    const uint32_t *grp_row;  /* per formation and group (f·NGROUPS + g): its row, or UINT32_MAX */
    /* per candidate, read once per vœu: the preference of the vœu it holds (UINT32_MAX if
     * none), and its kinds (bit k: is of kind k). Preferences are distinct within a
     * candidate's vœux (sim_index), so a vœu is the held one exactly when its preference is
     * the held one's: one lookup by candidate instead of one in w_pref per vœu. */
    uint32_t *held_pref;
    uint8_t *kinds;
    sim_row *rows[THREADS_MAX];
} count_job;

static void clear_counts(sim_row *x)
{
    x->applicants = x->admitted = 0;
    memset(x->adm, 0, sizeof x->adm);
    memset(x->app, 0, sizeof x->app);
    memset(x->elsewhere, 0, sizeof x->elsewhere);
}

static void add_counts(sim_row *to, const sim_row *x)
{
    to->applicants += x->applicants;
    to->admitted += x->admitted;
    for (int k = 0; k < NKINDS; k++) {
        to->adm[k] += x->adm[k];
        to->app[k] += x->app[k];
        to->elsewhere[k] += x->elsewhere[k];
    }
}

/* held_pref and kinds of the t-th slice of the candidates. */
static void candidate_slice(void *ctx, int t, int nt)
{
    count_job *j = ctx;
    const sim_problem *p = j->p;
    uint32_t lo = (uint32_t)((uint64_t)p->nc * (uint64_t)t / (uint64_t)nt);
    uint32_t hi = (uint32_t)((uint64_t)p->nc * (uint64_t)(t + 1) / (uint64_t)nt);
    for (uint32_t c = lo; c < hi; c++) {
        uint32_t held = j->r->c_wish[c];
        j->held_pref[c] = held == SIM_NONE ? UINT32_MAX : p->w_pref[held];
        int is[NKINDS];
        kinds_of(p, c, is);
        uint8_t bits = 0;
        for (int k = 0; k < NKINDS; k++) bits |= (uint8_t)(is[k] << k);
        j->kinds[c] = bits;
    }
}

/* Applicants, admitted and placed elsewhere of each row, over the t-th slice of the vœux. */
static void count_slice(void *ctx, int t, int nt)
{
    count_job *j = ctx;
    const sim_problem *p = j->p;
    const sim_result *r = j->r;
    sim_row *rows = j->rows[t];
    uint32_t lo = (uint32_t)((uint64_t)p->nw * (uint64_t)t / (uint64_t)nt);
    uint32_t hi = (uint32_t)((uint64_t)p->nw * (uint64_t)(t + 1) / (uint64_t)nt);
    for (uint32_t w = lo; w < hi; w++) {
        uint32_t f = p->w_form[w], c = p->w_cand[w], held_pref = j->held_pref[c], pref = p->w_pref[w];
        sim_row *all = &rows[j->row_of[f]], *gr = NULL;
        uint32_t g = j->grp_row[(size_t)f * NGROUPS + r->w_group[w]];
        if (g != UINT32_MAX) gr = &rows[g];
        int is[NKINDS];
        for (int k = 0; k < NKINDS; k++) is[k] = (j->kinds[c] >> k) & 1;
        int admitted = held_pref == pref;      /* the vœu it holds */
        int elsewhere = held_pref < pref;      /* it holds a vœu it prefers */
        for (sim_row *x = all; x; x = x == all ? gr : NULL) {
            x->applicants++;
            x->admitted += admitted;
            for (int k = 0; k < NKINDS; k++) {
                x->app[k] += is[k];
                x->adm[k] += is[k] && admitted;
                x->elsewhere[k] += is[k] && elsewhere;
            }
        }
    }
}

static int count_rows(sim_report *rep)
{
    const sim_problem *p = rep->p;
    const sim_result *r = rep->r;
    uint32_t n = 0;
    for (uint32_t f = 0; f < p->nf; f++) n += has_groups(p, f) ? 1 + (p->f_min_techno[f] > 0) + (p->f_min_pro[f] > 0) + 1 : 1;
    rep->rows = calloc(n ? n : 1, sizeof *rep->rows);
    uint32_t *row_of = malloc(((size_t)p->nf + 1) * sizeof *row_of);
    uint32_t *grp_row = malloc(((size_t)p->nf * NGROUPS + 1) * sizeof *grp_row);
    if (!rep->rows || !row_of || !grp_row) { free(row_of); free(grp_row); return -1; }
    for (size_t i = 0; i < (size_t)p->nf * NGROUPS; i++) grp_row[i] = UINT32_MAX;
    rep->nrows = n;
    uint32_t at = 0;
    for (uint32_t f = 0; f < p->nf; f++) {
        row_of[f] = at;
        sim_row *all = &rep->rows[at++];
        all->f = f;
        all->group = -1;
        for (int g = 0; g < NGROUPS; g++) all->capacity += p->f_caps[f][g] > 0 ? (uint32_t)p->f_caps[f][g] : 0;
        if (!has_groups(p, f)) continue;
        static const int order[NGROUPS] = { GROUP_TECHNO, GROUP_PRO, GROUP_OTHER };
        for (int i = 0; i < NGROUPS; i++) {
            int g = order[i];
            if ((g == GROUP_TECHNO && !p->f_min_techno[f]) || (g == GROUP_PRO && !p->f_min_pro[f])) continue;
            grp_row[(size_t)f * NGROUPS + g] = at;
            sim_row *gr = &rep->rows[at++];
            gr->f = f;
            gr->group = g;
            gr->capacity = p->f_caps[f][g] > 0 ? (uint32_t)p->f_caps[f][g] : 0;
        }
    }
    /* one pass over the vœux, shared out by slices: counts are sums, so each thread adds
     * into its own copy of the rows and the copies are added up after (same totals
     * whatever the thread count) */
    count_job job = { p, r, row_of, grp_row, malloc(((size_t)p->nc + 1) * sizeof *job.held_pref),
                      malloc((size_t)p->nc + 1), { NULL } };
    if (!job.held_pref || !job.kinds) {
        free(job.held_pref); free(job.kinds); free(row_of); free(grp_row);
        return -1;
    }
    int nt = p->nw < 100000 ? 1 : threads_count();
    threads_run(p->nc < 100000 ? 1 : nt, candidate_slice, &job);
    for (int t = 1; t < nt; t++) {
        job.rows[t] = malloc((size_t)n * sizeof *job.rows[t]);
        if (!job.rows[t]) { nt = t; break; }
        memcpy(job.rows[t], rep->rows, (size_t)n * sizeof *job.rows[t]);   /* f, group, capacity */
        for (uint32_t i = 0; i < n; i++) clear_counts(&job.rows[t][i]);
    }
    job.rows[0] = rep->rows;
    threads_run(nt, count_slice, &job);
    for (int t = 1; t < nt; t++) {
        for (uint32_t i = 0; i < n; i++) add_counts(&rep->rows[i], &job.rows[t][i]);
        free(job.rows[t]);
    }
    free(job.held_pref);
    free(job.kinds);
    free(row_of);
    free(grp_row);
    return 0;
}

/* ------------------------------------------------------------- summary */

static sim_bucket *bucket_for(sim_bucket **b, uint32_t *n, const char *name)
{
    for (uint32_t i = 0; i < *n; i++)
        if (strcmp((*b)[i].name, name) == 0) return &(*b)[i];
    sim_bucket *nb = realloc(*b, (*n + 1) * sizeof *nb);
    if (!nb) return NULL;
    *b = nb;
    memset(&nb[*n], 0, sizeof nb[*n]);
    nb[*n].name = name;
    return &nb[(*n)++];
}

static int cmp_bucket(const void *a, const void *b)
{
    return strcmp(((const sim_bucket *)a)->name, ((const sim_bucket *)b)->name);
}

int sim_report_observed(const sim_problem *p, uint32_t f, int k, uint32_t *admitted, uint32_t *of_kind)
{
    static const int obs_of_kind[NOBSERVED] = { SIM_OBS_ADMITTED_TECHNO, SIM_OBS_ADMITTED_PRO,
                                                SIM_OBS_ADMITTED_BOURSIER };
    const int32_t *all = p->f_obs[SIM_OBS_ADMITTED], *kind = p->f_obs[obs_of_kind[k]];
    *admitted = *of_kind = 0;
    if (!all || !kind || all[f] < 0 || kind[f] < 0) return 0;
    *admitted = (uint32_t)all[f];
    *of_kind = (uint32_t)kind[f];
    return 1;
}

static int summarise(sim_report *rep)
{
    const sim_problem *p = rep->p;
    const sim_result *r = rep->r;
    sim_summary *s = &rep->sum;
    s->mode = r->mode;
    s->rounds = r->rounds;
    s->candidates = p->nc;
    s->wishes = p->nw;
    s->formations = p->nf;
    for (uint32_t c = 0; c < p->nc; c++) {
        uint32_t w = r->c_wish[c];
        s->cand_by_bac[p->c_bac[c]]++;
        s->boursiers += p->c_boursier[c];
        s->with_wishes += p->c_start[c + 1] > p->c_start[c];
        if (w == SIM_NONE) { s->unassigned++; continue; }
        s->admitted++;
        s->adm_by_bac[p->c_bac[c]]++;
        s->boursiers_admitted += p->c_boursier[c];
        s->first_choice += p->c_wish[p->c_start[c]] == w;
    }
    sim_bucket *bk[2] = { NULL, NULL };  /* the buckets of the last whole-formation row */
    for (uint32_t i = 0; i < rep->nrows; i++) {
        const sim_row *row = &rep->rows[i];
        if (row->group >= 0) {  /* a group row follows its formation's row: same buckets */
            int res = row->group == GROUP_TECHNO ? RESERVED_TECHNO : row->group == GROUP_PRO ? RESERVED_PRO : -1;
            if (res < 0) continue;
            uint32_t empty = row->capacity > row->admitted ? row->capacity - row->admitted : 0;
            s->reserved[res] += row->capacity;
            s->reserved_empty[res] += empty;
            for (int j = 0; j < 2; j++)
                if (bk[j]) { bk[j]->reserved[res] += row->capacity; bk[j]->reserved_empty[res] += empty; }
            continue;
        }
        uint32_t f = row->f;
        s->seats += row->capacity;
        bk[0] = bk[1] = NULL;
        if (p->f_desc[SIM_DESC_ANNEX] && p->f_desc[SIM_DESC_ANNEX][f])
            if (!(bk[0] = bucket_for(&s->by_annex, &s->n_annex, p->f_desc[SIM_DESC_ANNEX][f]))) return -1;
        if (p->f_desc[SIM_DESC_ACADEMIE] && p->f_desc[SIM_DESC_ACADEMIE][f])
            if (!(bk[1] = bucket_for(&s->by_academie, &s->n_academie, p->f_desc[SIM_DESC_ACADEMIE][f]))) return -1;
        for (int j = 0; j < 2; j++)
            if (bk[j]) { bk[j]->formations++; bk[j]->capacity += row->capacity; bk[j]->admitted += row->admitted; }
        for (int k = 0; k < NKINDS; k++) {
            sim_why why = sim_report_why(rep, row, k);
            if (why == WHY_NONE) continue;
            s->with_min[k]++;
            s->met[k] += why == WHY_MET;
            s->not_enough[k] += why == WHY_NOT_ENOUGH;
            s->elsewhere[k] += why == WHY_ELSEWHERE;
            for (int j = 0; j < 2; j++)
                if (bk[j]) { bk[j]->with_min[k]++; bk[j]->not_met[k] += why != WHY_MET; }
        }
    }
    for (uint32_t i = 0; i < rep->nrows; i++) {
        const sim_row *row = &rep->rows[i];
        uint32_t adm, of_kind;
        if (row->group >= 0) continue;
        for (int k = 0; k < NOBSERVED; k++)
            if (sim_report_observed(p, row->f, k, &adm, &of_kind)) {
                s->obs_formations[k]++;
                s->obs_admitted[k] += adm;
                s->obs_kind[k] += of_kind;
                s->sim_admitted[k] += row->admitted;
                s->sim_kind[k] += row->adm[k];
            }
    }
    if (s->n_annex) qsort(s->by_annex, s->n_annex, sizeof *s->by_annex, cmp_bucket);
    if (s->n_academie) qsort(s->by_academie, s->n_academie, sizeof *s->by_academie, cmp_bucket);
    return 0;
}

/* --------------------------------------------------------------- columns */

const char *const sim_table_names[NTABLES] = { "formations", "groups" };

/* Column codes. formations.csv: who (id, descriptions), totals, then one block per kind
 * (techno, pro, boursier, résident) so a kind's figures sit side by side. groups.csv: who,
 * totals with the seats left empty, then per kind the applicants, admitted and share. */
enum {
    COL_ID, COL_GROUP, COL_DESC, /* + SIM_NDESC */
    COL_CAPACITY = COL_DESC + SIM_NDESC, COL_APPLICANTS, COL_ADMITTED, COL_EMPTY,
    COL_PER_KIND,  /* + KIND_COLS per kind */
    KIND_MIN = 0, KIND_APP, KIND_ADM, KIND_SHARE, KIND_MET, KIND_WHY, KIND_ELSEWHERE, KIND_COLS,
    COL_OBS_ADMITTED = COL_PER_KIND + KIND_COLS * NKINDS,  /* the open dataset's figures, when given */
    COL_OBS_SHARE,                      /* + NOBSERVED: observed_share_techno, _pro, _boursier */
    COL_END = COL_OBS_SHARE + NOBSERVED
};

/* Header of column code c (into buf). */
static void column_name(int c, char *buf, size_t n)
{
    static const char *const fmt[KIND_COLS] = { "min_%s", "applicants_%s", "admitted_%s", "share_%s",
                                                "%s_met", "%s_why", "elsewhere_%s" };
    switch (c) {
    case COL_ID: snprintf(buf, n, "formation_id"); return;
    case COL_GROUP: snprintf(buf, n, "group"); return;
    case COL_CAPACITY: snprintf(buf, n, "capacity"); return;
    case COL_APPLICANTS: snprintf(buf, n, "applicants"); return;
    case COL_ADMITTED: snprintf(buf, n, "admitted"); return;
    case COL_EMPTY: snprintf(buf, n, "empty_seats"); return;
    case COL_OBS_ADMITTED: snprintf(buf, n, "observed_admitted"); return;
    }
    if (c >= COL_OBS_SHARE) { snprintf(buf, n, "observed_share_%s", sim_kind_names[c - COL_OBS_SHARE]); return; }
    if (c < COL_CAPACITY) snprintf(buf, n, "%s", sim_desc_names[c - COL_DESC]);
    else snprintf(buf, n, fmt[(c - COL_PER_KIND) % KIND_COLS], sim_kind_names[(c - COL_PER_KIND) / KIND_COLS]);
}

static int in_table(const sim_report *rep, sim_table t, int c)
{
    if (c >= COL_DESC && c < COL_DESC + SIM_NDESC)
        return t == TABLE_FORMATIONS && rep->p->f_desc[c - COL_DESC] != NULL;
    if (c == COL_GROUP || c == COL_EMPTY) return t == TABLE_GROUPS;
    if (c == COL_OBS_ADMITTED) return t == TABLE_FORMATIONS && rep->p->f_obs[SIM_OBS_ADMITTED] != NULL;
    if (c >= COL_OBS_SHARE) return t == TABLE_FORMATIONS && rep->sum.obs_formations[c - COL_OBS_SHARE] != 0;
    if (c < COL_PER_KIND || t == TABLE_FORMATIONS) return 1;
    int what = (c - COL_PER_KIND) % KIND_COLS;
    return what == KIND_APP || what == KIND_ADM || what == KIND_SHARE;
}

static int set_tables(sim_report *rep)
{
    for (int t = 0; t < NTABLES; t++) {
        sim_columns *tb = &rep->table[t];
        tb->ncols = 0;
        for (int c = 0; c < COL_END; c++) {
            if (!in_table(rep, (sim_table)t, c)) continue;
            column_name(c, tb->names[tb->ncols], sizeof tb->names[tb->ncols]);
            tb->cols[tb->ncols++] = c;
        }
        tb->rows = malloc((rep->nrows ? rep->nrows : 1) * sizeof *tb->rows);
        if (!tb->rows) return -1;
        tb->nrows = 0;
        for (uint32_t i = 0; i < rep->nrows; i++)
            if ((rep->rows[i].group < 0) == (t == TABLE_FORMATIONS)) tb->rows[tb->nrows++] = i;
    }
    return 0;
}

int sim_report_ncols(const sim_report *rep, sim_table t) { return rep->table[t].ncols; }
uint32_t sim_report_nrows(const sim_report *rep, sim_table t) { return rep->table[t].nrows; }

const char *sim_report_header(const sim_report *rep, sim_table t, int i)
{
    return rep->table[t].names[i];
}

uint64_t sim_share_tenths(uint32_t part, uint32_t whole)
{
    /* ⌊1000·part/whole + ½⌋ in integers: no binary fraction decides a tie */
    return whole ? (2000ull * part + whole) / (2ull * whole) : 0;
}

sim_cell sim_report_cell(const sim_report *rep, sim_table t, uint32_t ri, int i)
{
    const sim_row *row = &rep->rows[rep->table[t].rows[ri]];
    const sim_problem *p = rep->p;
    int c = rep->table[t].cols[i];
    sim_cell cell = { CELL_EMPTY, 0, NULL, 0, 0 };
#define INT(v) (cell.type = CELL_INT, cell.num = (double)(v), cell)
#define TEXT(s) (cell.type = CELL_TEXT, cell.text = (s), cell)
    switch (c) {
    case COL_ID: return TEXT(p->f_id[row->f]);
    case COL_GROUP: return TEXT(sim_group_name(row->group));
    case COL_CAPACITY: return INT(row->capacity);
    case COL_APPLICANTS: return INT(row->applicants);
    case COL_ADMITTED: return INT(row->admitted);
    case COL_EMPTY: return INT(row->capacity > row->admitted ? row->capacity - row->admitted : 0);
    case COL_OBS_ADMITTED: {
        const int32_t *obs = p->f_obs[SIM_OBS_ADMITTED];
        return row->group >= 0 || !obs || obs[row->f] < 0 ? cell : INT(obs[row->f]);
    }
    }
    if (c >= COL_OBS_SHARE) {   /* a share like the simulated ones beside it */
        uint32_t adm, of_kind;
        if (row->group >= 0 || !sim_report_observed(p, row->f, c - COL_OBS_SHARE, &adm, &of_kind) || adm == 0)
            return cell;
        cell.type = CELL_PCT;
        cell.part = of_kind;
        cell.whole = adm;
        cell.num = 100.0 * of_kind / adm;
        return cell;
    }
    if (c < COL_CAPACITY) {
        const char *s = p->f_desc[c - COL_DESC][row->f];
        return s ? TEXT(s) : cell;
    }
    int k = (c - COL_PER_KIND) / KIND_COLS, what = (c - COL_PER_KIND) % KIND_COLS;
    sim_why why = sim_report_why(rep, row, k);
    switch (what) {
    case KIND_MIN: return INT(min_of(p, row->f, k));
    case KIND_APP: return INT(row->app[k]);
    case KIND_ADM: return INT(row->adm[k]);
    case KIND_SHARE:
        if (row->admitted == 0) return cell;
        cell.type = CELL_PCT;
        cell.part = row->adm[k];
        cell.whole = row->admitted;
        cell.num = 100.0 * row->adm[k] / row->admitted;
        return cell;
    case KIND_MET: return why == WHY_NONE ? cell : TEXT(why == WHY_MET ? "yes" : "no");
    case KIND_WHY: return why == WHY_NONE || why == WHY_MET ? cell : TEXT(sim_why_text(why));
    default: return INT(row->elsewhere[k]);
    }
#undef INT
#undef TEXT
}

/* ----------------------------------------------------------------- life */

sim_report *sim_report_build(const sim_problem *p, const sim_result *r)
{
    sim_report *rep = calloc(1, sizeof *rep);
    if (!rep) return NULL;
    rep->p = p;
    rep->r = r;
    if (count_rows(rep) != 0 || summarise(rep) != 0 || set_tables(rep) != 0) {
        sim_report_free(rep);
        return NULL;
    }
    return rep;
}

void sim_report_free(sim_report *rep)
{
    if (!rep) return;
    free(rep->rows);
    for (int t = 0; t < NTABLES; t++) free(rep->table[t].rows);
    free(rep->sum.by_annex);
    free(rep->sum.by_academie);
    free(rep);
}
