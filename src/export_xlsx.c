/* export_xlsx.c — results.xlsx with libxlsxwriter in constant-memory mode (rows are
 * streamed in order, strings inline). Sheets, in French or English: Synthèse / Summary
 * (headline, minimums per kind, per annex and académie, with one native chart per kind of
 * minimum: each formation's share against its minimum), Minimums non atteints / Missed
 * minimums, Formations, Groupes / Groups, Affectations / Assignments (continued past Excel's
 * 1,048,576 rows), Provenance, and the chart data. Every table has a frozen header, an
 * autofilter and fitted widths; the shares are exact ratios shown as percentages. */
#include "export.h"

#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xlsxwriter.h>

#define XLSX_MAX_ROWS 1048576u
#define MAX_COLS 64
#define MAX_WIDTH 60.0

typedef struct xl {
    lxw_workbook *wb;
    lxw_format *bold, *title, *pct, *missed;
    int english;
    const sim_report *rep;
} xl;

/* A sheet and the widest text of each column so far (widths are fitted at the end). */
typedef struct sheet {
    lxw_worksheet *ws;
    double width[MAX_COLS];
} sheet;

/* ------------------------------------------------------------- labels */

#define L(x, fr_text, en_text) ((x)->english ? (en_text) : (fr_text))

static const char *kind_label(const xl *x, int k)
{
    static const char *const fr[NKINDS] = { "bac techno", "bac pro", "boursiers", "résidents" };
    static const char *const en[NKINDS] = { "bac techno", "bac pro", "boursiers", "résidents" };
    return x->english ? en[k] : fr[k];
}

static const char *why_label(const xl *x, sim_why why)
{
    if (why == WHY_NOT_ENOUGH) return L(x, "pas assez de candidats", "not enough applicants");
    if (why == WHY_ELSEWHERE) return L(x, "candidats admis ailleurs", "applicants placed elsewhere");
    return "";
}

/* The header of a table column, from its snake_case name (the CSV header). */
static void column_label(const xl *x, const char *name, char *buf, size_t n)
{
    static const struct { const char *name, *fr, *en; } fixed[] = {
        { "formation_id", "Formation", "Formation" }, { "group", "Groupe", "Group" },
        { "annex", "Annexe", "Annex" }, { "academie", "Académie", "Académie" },
        { "establishment", "Établissement", "Establishment" }, { "commune", "Commune", "Commune" },
        { "program", "Intitulé", "Programme" }, { "capacity", "Capacité", "Capacity" },
        { "applicants", "Candidats", "Applicants" }, { "admitted", "Admis", "Admitted" },
        { "empty_seats", "Places vides", "Empty seats" },
    };
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        if (strcmp(name, fixed[i].name) == 0) { snprintf(buf, n, "%s", x->english ? fixed[i].en : fixed[i].fr); return; }
    static const struct { const char *pre, *post, *fr, *en; } per_kind[] = {
        { "min_", "", "Taux minimum %s", "Minimum %s" }, { "applicants_", "", "Candidats %s", "Applicants %s" },
        { "admitted_", "", "Admis %s", "Admitted %s" }, { "share_", "", "Part %s", "Share %s" },
        { "", "_met", "Minimum %s atteint", "Minimum %s met" }, { "", "_why", "Raison %s", "Reason %s" },
        { "elsewhere_", "", "Admis ailleurs %s", "Placed elsewhere %s" },
    };
    for (int k = 0; k < NKINDS; k++)
        for (size_t i = 0; i < sizeof per_kind / sizeof per_kind[0]; i++) {
            char full[48];
            snprintf(full, sizeof full, "%s%s%s", per_kind[i].pre, sim_kind_names[k], per_kind[i].post);
            if (strcmp(name, full) == 0) {
                snprintf(buf, n, x->english ? per_kind[i].en : per_kind[i].fr, kind_label(x, k));
                return;
            }
        }
    snprintf(buf, n, "%s", name);
}

/* -------------------------------------------------------------- cells */

static double text_width(const char *s)
{
    double n = 0;
    for (; *s; s++) n += ((unsigned char)*s & 0xC0) != 0x80;  /* characters, not bytes */
    return n;
}

static void fit(sheet *sh, lxw_col_t col, double w)
{
    if (col < MAX_COLS && w > sh->width[col]) sh->width[col] = w;
}

static void put_str(sheet *sh, lxw_row_t row, lxw_col_t col, const char *s, lxw_format *f)
{
    if (!s) return;
    worksheet_write_string(sh->ws, row, col, s, f);
    fit(sh, col, text_width(s) * (f ? 1.1 : 1.0));
}

static void put_num(sheet *sh, lxw_row_t row, lxw_col_t col, double v, lxw_format *f)
{
    worksheet_write_number(sh->ws, row, col, v, f);
    double digits = 1;  /* counted, not printed: this runs for every cell */
    for (double a = v < 0 ? -v : v; a >= 10 && digits < 20; a /= 10) digits++;
    fit(sh, col, digits + (f ? 5 : 1));
}

static void put_share(const xl *x, sheet *sh, lxw_row_t row, lxw_col_t col, uint32_t part, uint32_t whole)
{
    if (whole) put_num(sh, row, col, (double)part / whole, x->pct);
}

static sheet new_sheet(const xl *x, const char *name)
{
    sheet sh;
    memset(&sh, 0, sizeof sh);
    sh.ws = workbook_add_worksheet(x->wb, name);
    return sh;
}

/* Header row, frozen, with an autofilter over the table below it. */
static void header(const xl *x, sheet *sh, lxw_row_t row, const char *const *names, int n)
{
    for (int i = 0; i < n; i++) put_str(sh, row, (lxw_col_t)i, names[i], x->bold);
    worksheet_freeze_panes(sh->ws, row + 1, 0);
}

static void close_sheet(sheet *sh, lxw_row_t first, lxw_row_t last, int ncols)
{
    if (ncols > 0) worksheet_autofilter(sh->ws, first, 0, last > first ? last : first, (lxw_col_t)(ncols - 1));
    for (int c = 0; c < MAX_COLS; c++)
        if (sh->width[c] > 0) {
            double w = sh->width[c] + 2 < MAX_WIDTH ? sh->width[c] + 2 : MAX_WIDTH;
            worksheet_set_column(sh->ws, (lxw_col_t)c, (lxw_col_t)c, w < 8 ? 8 : w, NULL);
        }
}

/* ------------------------------------------------------------ summary */

/* The threshold: the documented default, or ADMIT_XLSX_ASSIGNMENTS_MAX when it is a
 * whole number (specs and officers who want the sheet anyway). */
static unsigned long long assignments_max(void)
{
    const char *v = getenv("ADMIT_XLSX_ASSIGNMENTS_MAX");
    if (!v || !*v || strspn(v, "0123456789") != strlen(v) || strlen(v) > 12)
        return EXPORT_XLSX_ASSIGNMENTS_MAX;
    return strtoull(v, NULL, 10);
}

int export_xlsx_has_assignments(const sim_report *rep)
{
    return rep->p->nc <= assignments_max();
}

static void kv(sheet *sh, lxw_row_t *row, const char *label, double v)
{
    put_str(sh, *row, 0, label, NULL);
    put_num(sh, *row, 1, v, NULL);
    (*row)++;
}

static lxw_row_t headline(const xl *x, sheet *sh, lxw_row_t row)
{
    const sim_summary *s = &x->rep->sum;
    put_str(sh, row, 0, L(x, "Indicateur", "Figure"), x->bold);
    put_str(sh, row++, 1, L(x, "Valeur", "Value"), x->bold);
    put_str(sh, row, 0, L(x, "Mode", "Mode"), NULL);
    put_str(sh, row++, 1, s->mode == SIM_SCHOOL ? L(x, "formations (school)", "school")
                                                 : L(x, "candidats (student)", "student"), NULL);
    kv(sh, &row, L(x, "Tours", "Rounds"), s->rounds);
    if (!export_xlsx_has_assignments(x->rep)) {
        char note[128];
        snprintf(note, sizeof note, L(x, "dans assignments.csv seulement (plus de %llu candidats)",
                                      "in assignments.csv only (more than %llu candidates)"), assignments_max());
        put_str(sh, row, 0, L(x, "Affectations", "Assignments"), NULL);
        put_str(sh, row++, 1, note, NULL);
    }
    kv(sh, &row, L(x, "Candidats", "Candidates"), s->candidates);
    kv(sh, &row, L(x, "Candidats ayant un vœu", "Candidates with a vœu"), s->with_wishes);
    kv(sh, &row, L(x, "Vœux", "Vœux"), s->wishes);
    kv(sh, &row, L(x, "Formations", "Formations"), s->formations);
    kv(sh, &row, L(x, "Places", "Seats"), s->seats);
    kv(sh, &row, L(x, "Admis", "Admitted"), s->admitted);
    kv(sh, &row, L(x, "Sans place", "Unassigned"), s->unassigned);
    kv(sh, &row, L(x, "Admis sur leur premier vœu", "Admitted at their first choice"), s->first_choice);
    put_str(sh, row, 0, L(x, "Part des admis sur leur premier vœu", "First-choice share of the admitted"), NULL);
    put_share(x, sh, row++, 1, s->first_choice, s->admitted);
    kv(sh, &row, L(x, "Boursiers", "Boursiers"), s->boursiers);
    kv(sh, &row, L(x, "Boursiers admis", "Boursiers admitted"), s->boursiers_admitted);
    static const char *const bac_fr[3] = { "bac général", "bac technologique", "bac professionnel" };
    static const char *const bac_en[3] = { "bac général", "bac technologique", "bac professionnel" };
    char label[96];
    for (int b = 0; b < 3; b++) {
        snprintf(label, sizeof label, L(x, "Candidats %s", "Candidates %s"), x->english ? bac_en[b] : bac_fr[b]);
        kv(sh, &row, label, s->cand_by_bac[b]);
        snprintf(label, sizeof label, L(x, "Admis %s", "Admitted %s"), x->english ? bac_en[b] : bac_fr[b]);
        kv(sh, &row, label, s->adm_by_bac[b]);
    }
    for (int g = 0; g < NRESERVED; g++) {
        snprintf(label, sizeof label, L(x, "Places réservées %s", "Reserved seats %s"), kind_label(x, g));
        kv(sh, &row, label, s->reserved[g]);
        snprintf(label, sizeof label, L(x, "Places réservées %s restées vides", "Reserved seats %s left empty"),
                 kind_label(x, g));
        kv(sh, &row, label, s->reserved_empty[g]);
    }
    return row;
}

static lxw_row_t minimums_table(const xl *x, sheet *sh, lxw_row_t row)
{
    const sim_summary *s = &x->rep->sum;
    const char *head[6] = { L(x, "Taux minimum", "Minimum rate"), L(x, "Formations concernées", "Formations with it"),
                            L(x, "Atteint", "Met"), L(x, "Non atteint", "Not met"),
                            L(x, "dont pas assez de candidats", "of which not enough applicants"),
                            L(x, "dont candidats admis ailleurs", "of which applicants placed elsewhere") };
    for (int i = 0; i < 6; i++) put_str(sh, row, (lxw_col_t)i, head[i], x->bold);
    row++;
    for (int k = 0; k < NKINDS; k++) {
        if (!s->with_min[k]) continue;
        put_str(sh, row, 0, kind_label(x, k), NULL);
        put_num(sh, row, 1, s->with_min[k], NULL);
        put_num(sh, row, 2, s->met[k], NULL);
        put_num(sh, row, 3, s->with_min[k] - s->met[k], s->with_min[k] > s->met[k] ? x->missed : NULL);
        put_num(sh, row, 4, s->not_enough[k], NULL);
        put_num(sh, row, 5, s->elsewhere[k], NULL);
        row++;
    }
    return row;
}

static lxw_row_t buckets_table(const xl *x, sheet *sh, lxw_row_t row, const char *label, const sim_bucket *b,
                               uint32_t n, lxw_row_t *first, lxw_row_t *last)
{
    char h[NKINDS][64];
    const char *head[4 + NKINDS] = { label, L(x, "Formations", "Formations"), L(x, "Places", "Seats"),
                                     L(x, "Admis", "Admitted") };
    for (int k = 0; k < NKINDS; k++) {
        snprintf(h[k], sizeof h[k], L(x, "Minimum %s non atteint", "Minimum %s not met"), kind_label(x, k));
        head[4 + k] = h[k];
    }
    if (first) *first = row;
    for (int i = 0; i < 4 + NKINDS; i++) put_str(sh, row, (lxw_col_t)i, head[i], x->bold);
    row++;
    for (uint32_t i = 0; i < n; i++, row++) {
        put_str(sh, row, 0, b[i].name, NULL);
        put_num(sh, row, 1, b[i].formations, NULL);
        put_num(sh, row, 2, b[i].capacity, NULL);
        put_num(sh, row, 3, b[i].admitted, NULL);
        for (int k = 0; k < NKINDS; k++)
            put_num(sh, row, (lxw_col_t)(4 + k), b[i].not_met[k], b[i].not_met[k] ? x->missed : NULL);
    }
    if (last) *last = row - 1;
    return row;
}

/* --------------------------------------------------------- chart data */

typedef struct point {
    uint32_t row;        /* formations-table row */
    double share, min;   /* fractions */
    int met;
} point;

static int cmp_point(const void *a, const void *b)
{
    const point *p = a, *q = b;
    double gp = p->share - p->min, gq = q->share - q->min;
    if (gp != gq) return gp < gq ? -1 : 1;
    return p->row < q->row ? -1 : p->row > q->row;
}

typedef struct chart_kind {
    int k;
    point *pts;
    uint32_t n;
} chart_kind;

/* The formations with a minimum of each kind, worst gap first. */
static int collect_points(const xl *x, chart_kind ck[NKINDS], int *nk)
{
    const sim_report *rep = x->rep;
    uint32_t nrows = sim_report_nrows(rep, TABLE_FORMATIONS);
    *nk = 0;
    for (int k = 0; k < NKINDS; k++) {
        if (!rep->sum.with_min[k]) continue;
        chart_kind *c = &ck[(*nk)++];
        c->k = k;
        c->n = 0;
        c->pts = malloc((rep->sum.with_min[k] + 1) * sizeof *c->pts);
        if (!c->pts) return -1;
        for (uint32_t r = 0; r < nrows; r++) {
            const sim_row *row = &rep->rows[rep->table[TABLE_FORMATIONS].rows[r]];
            sim_why why = sim_report_why(rep, row, k);
            if (why == WHY_NONE || c->n >= rep->sum.with_min[k]) continue;
            int min = k == KIND_TECHNO ? rep->p->f_min_techno[row->f] : k == KIND_PRO ? rep->p->f_min_pro[row->f]
                    : k == KIND_BOURSIER ? rep->p->f_min_boursier[row->f] : rep->p->f_min_resident[row->f];
            c->pts[c->n++] = (point){ r, row->admitted ? (double)row->adm[k] / row->admitted : 0, min / 100.0,
                                      why == WHY_MET };
        }
        qsort(c->pts, c->n, sizeof *c->pts, cmp_point);
    }
    return 0;
}

#define CHART_COLS 5   /* per kind: position, formation, share (met), share (not met), minimum */

static void chart_data_sheet(const xl *x, const char *name, const chart_kind *ck, int nk)
{
    sheet sh = new_sheet(x, name);
    uint32_t most = 0;
    for (int i = 0; i < nk; i++) {
        const char *head[CHART_COLS] = { L(x, "Rang (écart)", "Rank (gap)"), L(x, "Formation", "Formation"),
                                         L(x, "Part (atteint)", "Share (met)"), L(x, "Part (non atteint)", "Share (not met)"),
                                         L(x, "Taux minimum", "Minimum") };
        char title[64];
        snprintf(title, sizeof title, "%s", kind_label(x, ck[i].k));
        lxw_col_t c0 = (lxw_col_t)(i * (CHART_COLS + 1));
        put_str(&sh, 0, c0, title, x->title);
        for (int j = 0; j < CHART_COLS; j++) put_str(&sh, 1, c0 + (lxw_col_t)j, head[j], x->bold);
        if (ck[i].n > most) most = ck[i].n;
    }
    worksheet_freeze_panes(sh.ws, 2, 0);
    const sim_report *rep = x->rep;
    for (uint32_t r = 0; r < most; r++)
        for (int i = 0; i < nk; i++) {
            if (r >= ck[i].n) continue;
            const point *p = &ck[i].pts[r];
            lxw_col_t c0 = (lxw_col_t)(i * (CHART_COLS + 1));
            const sim_row *row = &rep->rows[rep->table[TABLE_FORMATIONS].rows[p->row]];
            put_num(&sh, r + 2, c0, r + 1, NULL);
            put_str(&sh, r + 2, c0 + 1, rep->p->f_id[row->f], NULL);
            put_num(&sh, r + 2, c0 + (p->met ? 2 : 3), p->share, x->pct);
            put_num(&sh, r + 2, c0 + 4, p->min, x->pct);
        }
    close_sheet(&sh, 1, most + 1, nk ? CHART_COLS : 0);
}

/* One scatter chart per kind: the shares (met: blue circles; not met: orange triangles, a
 * shape as well as a colour) and the minimum as a line. */
static void insert_charts(const xl *x, lxw_worksheet *ws, const char *data, const chart_kind *ck, int nk)
{
    for (int i = 0; i < nk; i++) {
        if (!ck[i].n) continue;
        lxw_chart *chart = workbook_add_chart(x->wb, LXW_CHART_SCATTER);
        lxw_col_t c0 = (lxw_col_t)(i * (CHART_COLS + 1));
        lxw_row_t last = ck[i].n + 1;
        static const struct { int col; uint8_t marker; lxw_color_t color; } series[3] = {
            { 2, LXW_CHART_MARKER_CIRCLE, 0x0072B2 }, { 3, LXW_CHART_MARKER_TRIANGLE, 0xD55E00 },
            { 4, LXW_CHART_MARKER_NONE, 0x000000 } };
        const char *names[3] = { L(x, "atteint", "met"), L(x, "non atteint", "not met"),
                                 L(x, "taux minimum", "minimum") };
        for (int s = 0; s < 3; s++) {
            lxw_chart_series *ser = chart_add_series(chart, NULL, NULL);
            chart_series_set_categories(ser, data, 2, c0, last, c0);
            chart_series_set_values(ser, data, 2, c0 + (lxw_col_t)series[s].col, last, c0 + (lxw_col_t)series[s].col);
            chart_series_set_name(ser, names[s]);
            chart_series_set_marker_type(ser, series[s].marker);
            if (series[s].marker != LXW_CHART_MARKER_NONE) {
                lxw_chart_fill fill = { .color = series[s].color };
                lxw_chart_line mline = { .color = series[s].color };
                chart_series_set_marker_fill(ser, &fill);
                chart_series_set_marker_line(ser, &mline);
                chart_series_set_marker_size(ser, 5);
                lxw_chart_line none = { .none = LXW_TRUE };
                chart_series_set_line(ser, &none);
            } else {
                lxw_chart_line line = { .color = series[s].color, .width = 1.5, .dash_type = LXW_CHART_LINE_DASH_DASH };
                chart_series_set_line(ser, &line);
            }
        }
        char title[96];
        snprintf(title, sizeof title, L(x, "Part des %s admis et taux minimum, par formation",
                                        "Share of %s admitted against the minimum, per formation"),
                 kind_label(x, ck[i].k));
        chart_title_set_name(chart, title);
        chart_axis_set_name(chart->x_axis, L(x, "formations, de la plus en retard à la plus en avance",
                                             "formations, furthest below first"));
        chart_axis_set_name(chart->y_axis, L(x, "part des admis", "share of the admitted"));
        chart_axis_set_num_format(chart->y_axis, "0%");
        chart_axis_set_min(chart->x_axis, 0);
        chart_axis_set_max(chart->x_axis, ck[i].n + 1);
        chart_legend_set_position(chart, LXW_CHART_LEGEND_BOTTOM);
        lxw_chart_options o = { .x_scale = 1.4, .y_scale = 1.2 };
        worksheet_insert_chart_opt(ws, (lxw_row_t)(1 + i * 22), 9, chart, &o);
    }
}

/* ------------------------------------------------------------- tables */

static void table_sheet(const xl *x, const char *name, sim_table t, int freeze_cols)
{
    const sim_report *rep = x->rep;
    sheet sh = new_sheet(x, name);
    int ncols = sim_report_ncols(rep, t);
    uint32_t nrows = sim_report_nrows(rep, t);
    char label[96];
    for (int i = 0; i < ncols; i++) {
        column_label(x, sim_report_header(rep, t, i), label, sizeof label);
        put_str(&sh, 0, (lxw_col_t)i, label, x->bold);
    }
    worksheet_freeze_panes(sh.ws, 1, (lxw_col_t)freeze_cols);
    for (uint32_t r = 0; r < nrows; r++)
        for (int i = 0; i < ncols; i++) {
            sim_cell cell = sim_report_cell(rep, t, r, i);
            lxw_row_t row = r + 1;
            if (cell.type == CELL_INT) put_num(&sh, row, (lxw_col_t)i, cell.num, NULL);
            else if (cell.type == CELL_PCT) put_share(x, &sh, row, (lxw_col_t)i, cell.part, cell.whole);
            else if (cell.type == CELL_TEXT) {
                const char *name_i = sim_report_header(rep, t, i);
                size_t len = strlen(name_i);
                const char *text = cell.text;
                if (len > 4 && strcmp(name_i + len - 4, "_met") == 0)
                    text = strcmp(cell.text, "yes") == 0 ? L(x, "oui", "yes") : L(x, "non", "no");
                else if (len > 4 && strcmp(name_i + len - 4, "_why") == 0)
                    text = why_label(x, strcmp(cell.text, sim_why_text(WHY_NOT_ENOUGH)) == 0 ? WHY_NOT_ENOUGH
                                                                                              : WHY_ELSEWHERE);
                put_str(&sh, row, (lxw_col_t)i, text, NULL);
            }
        }
    /* a missed minimum stands out wherever the officer filters or sorts */
    for (int i = 0; i < ncols; i++) {
        const char *name_i = sim_report_header(rep, t, i);
        size_t len = strlen(name_i);
        if (len <= 4 || strcmp(name_i + len - 4, "_met") != 0 || nrows == 0) continue;
        lxw_conditional_format cf = { .type = LXW_CONDITIONAL_TYPE_CELL,
                                      .criteria = LXW_CONDITIONAL_CRITERIA_EQUAL_TO,
                                      .value_string = (char *)(x->english ? "\"no\"" : "\"non\""), .format = x->missed };
        worksheet_conditional_format_range(sh.ws, 1, (lxw_col_t)i, nrows, (lxw_col_t)i, &cf);
    }
    close_sheet(&sh, 0, nrows, ncols);
}

/* One row per missed minimum, sorted by annex, académie, establishment, programme. */
typedef struct miss {
    const char *key[5];
    uint32_t row;
    int k;
    sim_why why;
} miss;

static int cmp_miss(const void *a, const void *b)
{
    const miss *p = a, *q = b;
    for (int i = 0; i < 5; i++) {
        int c = strcmp(p->key[i] ? p->key[i] : "", q->key[i] ? q->key[i] : "");
        if (c) return c;
    }
    return p->k - q->k;
}

static int missed_sheet(const xl *x, const char *name)
{
    const sim_report *rep = x->rep;
    const sim_problem *p = rep->p;
    uint32_t nrows = sim_report_nrows(rep, TABLE_FORMATIONS), n = 0, cap = 0;
    for (int k = 0; k < NKINDS; k++) cap += rep->sum.with_min[k] - rep->sum.met[k];
    miss *m = malloc((cap + 1) * sizeof *m);
    if (!m) return -1;
    for (uint32_t r = 0; r < nrows; r++) {
        const sim_row *row = &rep->rows[rep->table[TABLE_FORMATIONS].rows[r]];
        for (int k = 0; k < NKINDS; k++) {
            sim_why why = sim_report_why(rep, row, k);
            if ((why != WHY_NOT_ENOUGH && why != WHY_ELSEWHERE) || n >= cap) continue;
            static const int desc[4] = { SIM_DESC_ANNEX, SIM_DESC_ACADEMIE, SIM_DESC_ESTABLISHMENT, SIM_DESC_PROGRAM };
            miss *e = &m[n++];
            for (int d = 0; d < 4; d++) e->key[d] = p->f_desc[desc[d]] ? p->f_desc[desc[d]][row->f] : NULL;
            e->key[4] = p->f_id[row->f];
            e->row = r;
            e->k = k;
            e->why = why;
        }
    }
    qsort(m, n, sizeof *m, cmp_miss);
    sheet sh = new_sheet(x, name);
    const char *head[] = { L(x, "Formation", "Formation"), L(x, "Annexe", "Annex"), L(x, "Académie", "Académie"),
                           L(x, "Établissement", "Establishment"), L(x, "Intitulé", "Programme"),
                           L(x, "Taux minimum de", "Minimum of"), L(x, "Taux minimum", "Minimum rate"),
                           L(x, "Part obtenue", "Share reached"), L(x, "Admis", "Admitted"),
                           L(x, "Admis du type", "Admitted of the kind"), L(x, "Nécessaires", "Needed"),
                           L(x, "Candidats du type", "Applicants of the kind"),
                           L(x, "Admis sur un vœu préféré", "Admitted to a vœu they prefer"), L(x, "Raison", "Reason") };
    int nh = (int)(sizeof head / sizeof head[0]);
    header(x, &sh, 0, head, nh);
    for (uint32_t i = 0; i < n; i++) {
        const miss *e = &m[i];
        const sim_row *row = &rep->rows[rep->table[TABLE_FORMATIONS].rows[e->row]];
        int min = e->k == KIND_TECHNO ? p->f_min_techno[row->f] : e->k == KIND_PRO ? p->f_min_pro[row->f]
                : e->k == KIND_BOURSIER ? p->f_min_boursier[row->f] : p->f_min_resident[row->f];
        lxw_row_t r = i + 1;
        put_str(&sh, r, 0, e->key[4], NULL);
        put_str(&sh, r, 1, e->key[0], NULL);
        put_str(&sh, r, 2, e->key[1], NULL);
        put_str(&sh, r, 3, e->key[2], NULL);
        put_str(&sh, r, 4, e->key[3], NULL);
        put_str(&sh, r, 5, kind_label(x, e->k), NULL);
        put_num(&sh, r, 6, min / 100.0, x->pct);
        put_share(x, &sh, r, 7, row->adm[e->k], row->admitted);
        put_num(&sh, r, 8, row->admitted, NULL);
        put_num(&sh, r, 9, row->adm[e->k], NULL);
        put_num(&sh, r, 10, (double)(((uint64_t)min * row->admitted + 99) / 100), NULL);
        put_num(&sh, r, 11, row->app[e->k], NULL);
        put_num(&sh, r, 12, row->elsewhere[e->k], NULL);
        put_str(&sh, r, 13, why_label(x, e->why), x->missed);
    }
    close_sheet(&sh, 0, n, nh);
    free(m);
    return 0;
}

static void assignments_sheets(const xl *x)
{
    const sim_problem *p = x->rep->p;
    const char *head[] = { L(x, "Candidat", "Candidate"), L(x, "Formation", "Formation") };
    const char *base = L(x, "Affectations", "Assignments");
    sheet sh;
    int open = 0, sheet_no = 0;
    lxw_row_t row = 0;
    for (uint32_t c = 0; c < p->nc || !open; c++) {
        if (!open || row == XLSX_MAX_ROWS) {
            if (open) close_sheet(&sh, 0, row - 1, 2);
            char name[32];
            if (sheet_no++ == 0) snprintf(name, sizeof name, "%s", base);
            else snprintf(name, sizeof name, "%s %d", base, sheet_no);
            sh = new_sheet(x, name);
            header(x, &sh, 0, head, 2);
            open = 1;
            row = 1;
        }
        if (c >= p->nc) break;
        put_str(&sh, row, 0, p->c_id[c], NULL);
        uint32_t w = x->rep->r->c_wish[c];
        if (w != SIM_NONE) put_str(&sh, row, 1, p->f_id[p->w_form[w]], NULL);
        row++;
    }
    close_sheet(&sh, 0, row - 1, 2);
}

static void provenance_sheet(const xl *x, const export_extras *ex)
{
    sheet sh = new_sheet(x, "Provenance");
    const char *head[] = { L(x, "Élément", "Item"), L(x, "Valeur", "Value") };
    header(x, &sh, 0, head, 2);
    lxw_row_t row = 1;
    for (int i = 0; i < ex->nprov; i++, row++) {
        put_str(&sh, row, 0, ex->provenance[2 * i], NULL);
        put_str(&sh, row, 1, ex->provenance[2 * i + 1], NULL);
    }
    close_sheet(&sh, 0, row - 1, 2);
}

/* ---------------------------------------------------------------- book */

int export_xlsx(const char *path, const sim_report *rep, const export_extras *ex, errloc *err)
{
    static const export_extras none = { 0, NULL, 0, NULL, 0, 0 };
    if (!ex) ex = &none;
    lxw_workbook_options opts = { .constant_memory = LXW_TRUE };
    xl x = { workbook_new_opt(path, &opts), NULL, NULL, NULL, NULL, ex->english, rep };
    if (!x.wb) {
        errloc_set(err, path, 0, 0, "cannot create the workbook");
        return -1;
    }
    /* A fixed creation date, so that the same allocation gives the same bytes:
     * SOURCE_DATE_EPOCH when set (reproducible-builds convention), else 2023-01-01. */
    const char *epoch = getenv("SOURCE_DATE_EPOCH");
    lxw_doc_properties props = { .created = epoch && *epoch ? (time_t)strtoll(epoch, NULL, 10) : 1672531200 };
    workbook_set_properties(x.wb, &props);
    x.bold = workbook_add_format(x.wb);
    format_set_bold(x.bold);
    format_set_bg_color(x.bold, 0xE8EEF4);
    format_set_bottom(x.bold, LXW_BORDER_THIN);
    x.title = workbook_add_format(x.wb);
    format_set_bold(x.title);
    format_set_font_size(x.title, 13);
    x.pct = workbook_add_format(x.wb);
    format_set_num_format(x.pct, "0.0%");
    x.missed = workbook_add_format(x.wb);  /* colour and weight: seen in print and by colour-blind readers */
    format_set_bg_color(x.missed, 0xFFD8C2);
    format_set_font_color(x.missed, 0x7A1F00);
    format_set_bold(x.missed);

    chart_kind ck[NKINDS];
    int nk = 0;
    memset(ck, 0, sizeof ck);
    int rc = collect_points(&x, ck, &nk);
    const char *data_name = L(&x, "Données des graphiques", "Chart data");
    if (rc == 0) {
        sheet sh = new_sheet(&x, L(&x, "Synthèse", "Summary"));
        put_str(&sh, 0, 0, L(&x, "Synthèse de l'affectation", "Allocation summary"), x.title);
        lxw_row_t row = headline(&x, &sh, 2) + 1;
        row = minimums_table(&x, &sh, row) + 1;
        const sim_summary *s = &rep->sum;
        lxw_row_t first = 0, last = 0;
        if (s->n_annex) row = buckets_table(&x, &sh, row, L(&x, "Annexe", "Annex"), s->by_annex, s->n_annex, NULL, NULL) + 1;
        if (s->n_academie)
            buckets_table(&x, &sh, row, L(&x, "Académie", "Académie"), s->by_academie, s->n_academie, &first, &last);
        worksheet_freeze_panes(sh.ws, 1, 0);
        insert_charts(&x, sh.ws, data_name, ck, nk);
        close_sheet(&sh, first, last, s->n_academie ? 4 + NKINDS : 0);
        rc = missed_sheet(&x, L(&x, "Minimums non atteints", "Missed minimums"));
    }
    if (rc == 0) {
        table_sheet(&x, "Formations", TABLE_FORMATIONS, 1);
        table_sheet(&x, L(&x, "Groupes", "Groups"), TABLE_GROUPS, 2);
        if (export_xlsx_has_assignments(rep)) assignments_sheets(&x);
        provenance_sheet(&x, ex);
        chart_data_sheet(&x, data_name, ck, nk);
    }
    for (int i = 0; i < nk; i++) free(ck[i].pts);
    errno = 0;
    lxw_error e = workbook_close(x.wb);
    if (rc != 0) {
        errloc_set(err, path, 0, 0, "out of memory");
        return -1;
    }
    if (e != LXW_NO_ERROR) {
        /* file errors leave errno set: say why, as every other output does */
        int why = errno;
        errloc_set(err, path, 0, 0, "cannot write the workbook: %s%s%s", lxw_strerror(e),
                   why ? ": " : "", why ? strerror(why) : "");
        return -1;
    }
    return 0;
}
