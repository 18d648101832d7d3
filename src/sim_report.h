/* sim_report.h — the audit of an allocation: per formation and group, who was admitted,
 * each minimum rate and whether it is met (and if not, why); totals for summary.json.
 * Lua-free; the exporters (CSV, JSON, XLSX) and the Lua binding all read it. */
#ifndef ADMIT_SIM_REPORT_H
#define ADMIT_SIM_REPORT_H

#include "sim.h"

enum { KIND_TECHNO, KIND_PRO, KIND_BOURSIER, KIND_RESIDENT, NKINDS };
extern const char *const sim_kind_names[NKINDS];

/* One row: a whole formation (group -1) or one of its groups. */
typedef struct sim_row {
    uint32_t f;
    int group;                     /* -1 = the formation; else GROUP_* */
    uint32_t capacity, applicants, admitted;
    uint32_t adm[NKINDS];          /* admitted of each kind */
    uint32_t app[NKINDS];          /* applicants of each kind */
    uint32_t elsewhere[NKINDS];    /* applicants of the kind admitted to a vœu they prefer */
} sim_row;

typedef enum { WHY_NONE, WHY_MET, WHY_NOT_ENOUGH, WHY_ELSEWHERE } sim_why;

/* Reserved groups whose seats are counted: the techno and pro groups (groups.h). */
enum { RESERVED_TECHNO, RESERVED_PRO, NRESERVED };
extern const char *const sim_reserved_names[NRESERVED];

/* The kinds the open dataset observes (techno, pro, boursier = KIND_* 0..2). */
#define NOBSERVED 3
/* The observed admitted of kind k (< NOBSERVED) of formation f, and all its observed
 * admitted; 0 when the file does not give both (then *admitted is 0 too). */
int sim_report_observed(const sim_problem *p, uint32_t f, int k, uint32_t *admitted, uint32_t *of_kind);

typedef struct sim_bucket {        /* totals over formations sharing an annex / académie */
    const char *name;
    uint32_t formations, admitted;
    uint64_t capacity;             /* sums of seats: 64-bit (500 formations of 10 M seats) */
    uint32_t with_min[NKINDS], not_met[NKINDS];
    uint64_t reserved[NRESERVED], reserved_empty[NRESERVED];  /* seats of the reserved groups */
} sim_bucket;

typedef struct sim_summary {
    sim_mode mode;
    uint32_t rounds, candidates, wishes, formations, admitted, unassigned;
    uint64_t seats;                /* a sum of capacities can pass 2^32 */
    uint32_t first_choice, with_wishes;  /* with_wishes: candidates with at least one vœu */
    uint32_t cand_by_bac[3], adm_by_bac[3], boursiers, boursiers_admitted;
    uint32_t with_min[NKINDS], met[NKINDS], not_enough[NKINDS], elsewhere[NKINDS];
    uint64_t reserved[NRESERVED], reserved_empty[NRESERVED];  /* seats of the reserved groups */
    sim_bucket *by_annex, *by_academie;
    uint32_t n_annex, n_academie;
    /* the open dataset's observed admitted (SIM_OBS_*), per kind techno / pro / boursier,
     * over the formations whose row has both figures; simulated on the same formations */
    uint32_t obs_formations[NOBSERVED];
    uint64_t obs_admitted[NOBSERVED], obs_kind[NOBSERVED];
    uint64_t sim_admitted[NOBSERVED], sim_kind[NOBSERVED];
} sim_summary;

/* Cell types of the tables. A share (CELL_PCT) carries its exact ratio part/whole; num is
 * that ratio in percent. The CSV rounds it half-up to a tenth, the XLSX keeps it exact. */
typedef enum { CELL_EMPTY, CELL_INT, CELL_PCT, CELL_TEXT } sim_cell_type;
typedef struct sim_cell {
    sim_cell_type type;
    double num;
    const char *text;
    uint32_t part, whole;
} sim_cell;

/* The two tables: formations.csv (one row per formation) and groups.csv (one row per
 * formation × group, for the formations with reserved groups). */
typedef enum { TABLE_FORMATIONS, TABLE_GROUPS, NTABLES } sim_table;
extern const char *const sim_table_names[NTABLES];

typedef struct sim_columns {
    int ncols;
    int cols[64];                  /* column codes present (see sim_report.c) */
    char names[64][40];            /* their headers */
    uint32_t nrows;
    uint32_t *rows;                /* indices into sim_report.rows */
} sim_columns;

typedef struct sim_report {
    const sim_problem *p;
    const sim_result *r;
    sim_row *rows;                 /* each formation's row, then its groups' rows */
    uint32_t nrows;
    sim_columns table[NTABLES];
    sim_summary sum;
} sim_report;

sim_report *sim_report_build(const sim_problem *p, const sim_result *r);
void sim_report_free(sim_report *rep);

/* Whether the formation of row meets its minimum of kind k, and why not. */
sim_why sim_report_why(const sim_report *rep, const sim_row *row, int k);
const char *sim_why_text(sim_why why);

/* Table t: its number of columns and rows, the header of column i, cell (row, i). */
int sim_report_ncols(const sim_report *rep, sim_table t);
uint32_t sim_report_nrows(const sim_report *rep, sim_table t);
const char *sim_report_header(const sim_report *rep, sim_table t, int i);
sim_cell sim_report_cell(const sim_report *rep, sim_table t, uint32_t row, int i);
/* A share rounded half-up to a tenth of a percent, in tenths (23/56 -> 411). */
uint64_t sim_share_tenths(uint32_t part, uint32_t whole);

const char *sim_mode_name(sim_mode m);
const char *sim_group_name(int group);

#endif
