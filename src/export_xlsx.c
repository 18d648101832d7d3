/* export_xlsx.c — results.xlsx with libxlsxwriter in constant-memory mode (rows are
 * streamed, strings inline): sheets "summary", "formations" and "assignments" (continued
 * in "assignments 2", … past Excel's 1,048,576 rows). Past XLSX_ASSIGNMENTS_MAX candidates
 * the workbook keeps what a person opens and the assignments stay in assignments.csv
 * (the summary says so): zlib on a million rows was a third of a national run, for a sheet
 * nobody scrolls. */
#include "export.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xlsxwriter.h>

#define XLSX_MAX_ROWS 1048576u

typedef struct xl {
    lxw_workbook *wb;
    lxw_format *bold, *pct;
} xl;

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

static void header_row(lxw_worksheet *ws, const char *const *names, int n, lxw_format *bold)
{
    for (int i = 0; i < n; i++) worksheet_write_string(ws, 0, (lxw_col_t)i, names[i], bold);
    worksheet_freeze_panes(ws, 1, 0);
}

static void kv(lxw_worksheet *ws, lxw_row_t *row, const char *key, double v)
{
    worksheet_write_string(ws, *row, 0, key, NULL);
    worksheet_write_number(ws, *row, 1, v, NULL);
    (*row)++;
}

static void summary_sheet(xl *x, const sim_report *rep)
{
    const sim_summary *s = &rep->sum;
    lxw_worksheet *ws = workbook_add_worksheet(x->wb, "summary");
    static const char *const head[] = { "key", "value" };
    header_row(ws, head, 2, x->bold);
    worksheet_set_column(ws, 0, 0, 42, NULL);
    lxw_row_t row = 1;
    worksheet_write_string(ws, row, 0, "mode", NULL);
    worksheet_write_string(ws, row++, 1, sim_mode_name(s->mode), NULL);
    kv(ws, &row, "rounds", s->rounds);
    if (!export_xlsx_has_assignments(rep)) {
        char note[128];
        snprintf(note, sizeof note, "in assignments.csv only (more than %llu candidates)",
                 assignments_max());
        worksheet_write_string(ws, row, 0, "assignments", NULL);
        worksheet_write_string(ws, row++, 1, note, NULL);
    }
    kv(ws, &row, "candidates", s->candidates);
    kv(ws, &row, "wishes", s->wishes);
    kv(ws, &row, "formations", s->formations);
    kv(ws, &row, "seats", s->seats);
    kv(ws, &row, "with_wishes", s->with_wishes);
    kv(ws, &row, "admitted", s->admitted);
    kv(ws, &row, "unassigned", s->unassigned);
    kv(ws, &row, "first_choice", s->first_choice);
    kv(ws, &row, "boursiers", s->boursiers);
    kv(ws, &row, "boursiers_admitted", s->boursiers_admitted);
    char key[96];
    for (int b = 0; b < 3; b++) {
        snprintf(key, sizeof key, "candidates_bac_%s", sim_bac_name(b));
        kv(ws, &row, key, s->cand_by_bac[b]);
        snprintf(key, sizeof key, "admitted_bac_%s", sim_bac_name(b));
        kv(ws, &row, key, s->adm_by_bac[b]);
    }
    for (int k = 0; k < NKINDS; k++) {
        const char *n = sim_kind_names[k];
        snprintf(key, sizeof key, "min_%s_formations", n); kv(ws, &row, key, s->with_min[k]);
        snprintf(key, sizeof key, "min_%s_met", n); kv(ws, &row, key, s->met[k]);
        snprintf(key, sizeof key, "min_%s_not_enough_applicants", n); kv(ws, &row, key, s->not_enough[k]);
        snprintf(key, sizeof key, "min_%s_applicants_placed_elsewhere", n); kv(ws, &row, key, s->elsewhere[k]);
    }
    for (int g = 0; g < NRESERVED; g++) {
        snprintf(key, sizeof key, "reserved_seats_%s", sim_reserved_names[g]);
        kv(ws, &row, key, s->reserved[g]);
        snprintf(key, sizeof key, "reserved_seats_empty_%s", sim_reserved_names[g]);
        kv(ws, &row, key, s->reserved_empty[g]);
    }
    /* totals per annex and per académie, below */
    const sim_bucket *bs[2] = { s->by_annex, s->by_academie };
    uint32_t ns[2] = { s->n_annex, s->n_academie };
    static const char *const label[2] = { "annex", "academie" };
    for (int t = 0; t < 2; t++) {
        if (!ns[t]) continue;
        row++;
        static const char *const cols[] = { "formations", "capacity", "admitted", "not_met_techno",
                                            "not_met_pro", "not_met_boursier", "not_met_resident" };
        worksheet_write_string(ws, row, 0, label[t], x->bold);
        for (int i = 0; i < 7; i++) worksheet_write_string(ws, row, (lxw_col_t)(i + 1), cols[i], x->bold);
        row++;
        for (uint32_t i = 0; i < ns[t]; i++, row++) {
            const sim_bucket *b = &bs[t][i];
            worksheet_write_string(ws, row, 0, b->name, NULL);
            worksheet_write_number(ws, row, 1, b->formations, NULL);
            worksheet_write_number(ws, row, 2, b->capacity, NULL);
            worksheet_write_number(ws, row, 3, b->admitted, NULL);
            for (int k = 0; k < NKINDS; k++) worksheet_write_number(ws, row, (lxw_col_t)(4 + k), b->not_met[k], NULL);
        }
    }
}

static void formations_sheet(xl *x, const sim_report *rep)
{
    lxw_worksheet *ws = workbook_add_worksheet(x->wb, "formations");
    for (int i = 0; i < rep->ncols; i++)
        worksheet_write_string(ws, 0, (lxw_col_t)i, sim_report_header(rep, i), x->bold);
    worksheet_freeze_panes(ws, 1, 1);
    for (uint32_t r = 0; r < rep->nrows; r++)
        for (int i = 0; i < rep->ncols; i++) {
            sim_cell cell = sim_report_cell(rep, r, i);
            if (cell.type == CELL_INT) worksheet_write_number(ws, r + 1, (lxw_col_t)i, cell.num, NULL);
            else if (cell.type == CELL_PCT) worksheet_write_number(ws, r + 1, (lxw_col_t)i, cell.num / 100, x->pct);
            else if (cell.type == CELL_TEXT) worksheet_write_string(ws, r + 1, (lxw_col_t)i, cell.text, NULL);
        }
}

static void assignments_sheets(xl *x, const sim_report *rep)
{
    const sim_problem *p = rep->p;
    static const char *const head[] = { "candidate_id", "formation_id" };
    lxw_worksheet *ws = NULL;
    lxw_row_t row = 0;
    int sheet = 0;
    for (uint32_t c = 0; c < p->nc || !ws; c++) {
        if (!ws || row == XLSX_MAX_ROWS) {
            char name[32];
            if (sheet++ == 0) snprintf(name, sizeof name, "assignments");
            else snprintf(name, sizeof name, "assignments %d", sheet);
            ws = workbook_add_worksheet(x->wb, name);
            header_row(ws, head, 2, x->bold);
            row = 1;
        }
        if (c >= p->nc) break;
        worksheet_write_string(ws, row, 0, p->c_id[c], NULL);
        uint32_t w = rep->r->c_wish[c];
        if (w != SIM_NONE) worksheet_write_string(ws, row, 1, p->f_id[p->w_form[w]], NULL);
        row++;
    }
}

int export_xlsx(const char *path, const sim_report *rep, errloc *err)
{
    lxw_workbook_options opts = { .constant_memory = LXW_TRUE };
    xl x = { workbook_new_opt(path, &opts), NULL, NULL };
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
    x.pct = workbook_add_format(x.wb);
    format_set_num_format(x.pct, "0.0%");
    summary_sheet(&x, rep);
    formations_sheet(&x, rep);
    if (export_xlsx_has_assignments(rep)) assignments_sheets(&x, rep);
    lxw_error e = workbook_close(x.wb);
    if (e != LXW_NO_ERROR) {
        errloc_set(err, path, 0, 0, "cannot write the workbook: %s", lxw_strerror(e));
        return -1;
    }
    return 0;
}
