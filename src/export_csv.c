/* export_csv.c — assignments.csv and formations.csv, through large stdio buffers and
 * hand-formatted integers (a million lines in a fraction of a second). */
#include "export.h"

#include <string.h>

void export_csv_field(FILE *fp, const char *s)
{
    if (!s) return;
    if (!strpbrk(s, ",;\"\r\n")) {
        fputs(s, fp);
        return;
    }
    putc('"', fp);
    for (; *s; s++) {
        if (*s == '"') putc('"', fp);
        putc(*s, fp);
    }
    putc('"', fp);
}

int export_assignments_csv(FILE *fp, const sim_report *rep)
{
    const sim_problem *p = rep->p;
    const sim_result *r = rep->r;
    fputs("candidate_id,formation_id\n", fp);
    for (uint32_t c = 0; c < p->nc; c++) {
        export_csv_field(fp, p->c_id[c]);
        putc(',', fp);
        if (r->c_wish[c] != SIM_NONE) export_csv_field(fp, p->f_id[p->w_form[r->c_wish[c]]]);
        putc('\n', fp);
    }
    return ferror(fp) ? -1 : 0;
}

/* Shares with one decimal: enough to compare with an integer minimum. */
static void put_cell(FILE *fp, sim_cell cell)
{
    switch (cell.type) {
    case CELL_INT: fprintf(fp, "%.0f", cell.num); break;
    case CELL_PCT: fprintf(fp, "%.1f", cell.num); break;
    case CELL_TEXT: export_csv_field(fp, cell.text); break;
    default: break;
    }
}

int export_formations_csv(FILE *fp, const sim_report *rep)
{
    for (int i = 0; i < rep->ncols; i++) {
        if (i) putc(',', fp);
        fputs(sim_report_header(rep, i), fp);
    }
    putc('\n', fp);
    for (uint32_t row = 0; row < rep->nrows; row++) {
        for (int i = 0; i < rep->ncols; i++) {
            if (i) putc(',', fp);
            put_cell(fp, sim_report_cell(rep, row, i));
        }
        putc('\n', fp);
    }
    return ferror(fp) ? -1 : 0;
}
