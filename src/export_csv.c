/* export_csv.c — assignments.csv, formations.csv and groups.csv, through large stdio buffers and
 * hand-formatted integers (a million lines in a fraction of a second). */
#include "export.h"

#include <string.h>

void export_csv_field(FILE *fp, const char *s)
{
    if (!s) return;
    if (!strpbrk(s, ",;\"\r\n")) {
        fwrite(s, 1, strlen(s), fp);
        return;
    }
    putc_unlocked('"', fp);
    for (; *s; s++) {
        if (*s == '"') putc_unlocked('"', fp);
        putc_unlocked(*s, fp);
    }
    putc_unlocked('"', fp);
}

/* Integers by hand: printf per cell is most of the time of a large formations.csv. */
static void put_uint(FILE *fp, uint64_t v)
{
    char tmp[24];
    int n = 0;
    do tmp[n++] = (char)('0' + v % 10); while ((v /= 10) != 0);
    while (n) putc_unlocked(tmp[--n], fp);
}

int export_assignments_csv(FILE *fp, const sim_report *rep)
{
    const sim_problem *p = rep->p;
    const sim_result *r = rep->r;
    flockfile(fp);
    fputs("candidate_id,formation_id", fp);
    if (p->c_kept && p->c_kept_header) fputs(p->c_kept_header, fp);   /* --keep-columns */
    putc_unlocked('\n', fp);
    for (uint32_t c = 0; c < p->nc; c++) {
        export_csv_field(fp, p->c_id[c]);
        putc_unlocked(',', fp);
        if (r->c_wish[c] != SIM_NONE) export_csv_field(fp, p->f_id[p->w_form[r->c_wish[c]]]);
        if (p->c_kept && p->c_kept_header && p->c_kept[c]) fputs(p->c_kept[c], fp);
        putc_unlocked('\n', fp);
    }
    funlockfile(fp);
    return ferror(fp) ? -1 : 0;
}

/* Shares in percent with one decimal, rounded half-up (23/56 -> 41.1): the exact ratio is
 * in the workbook and in r:formations(). */
static void put_cell(FILE *fp, sim_cell cell)
{
    switch (cell.type) {
    case CELL_INT: put_uint(fp, (uint64_t)cell.num); break;
    case CELL_PCT: {
        uint64_t tenths = sim_share_tenths(cell.part, cell.whole);
        put_uint(fp, tenths / 10);
        putc_unlocked('.', fp);
        putc_unlocked((char)('0' + tenths % 10), fp);
        break;
    }
    case CELL_TEXT: export_csv_field(fp, cell.text); break;
    default: break;
    }
}

static int table_csv(FILE *fp, const sim_report *rep, sim_table t)
{
    int ncols = sim_report_ncols(rep, t);
    uint32_t nrows = sim_report_nrows(rep, t);
    flockfile(fp);
    for (int i = 0; i < ncols; i++) {
        if (i) putc_unlocked(',', fp);
        fputs(sim_report_header(rep, t, i), fp);
    }
    putc_unlocked('\n', fp);
    for (uint32_t row = 0; row < nrows; row++) {
        for (int i = 0; i < ncols; i++) {
            if (i) putc_unlocked(',', fp);
            put_cell(fp, sim_report_cell(rep, t, row, i));
        }
        putc_unlocked('\n', fp);
    }
    funlockfile(fp);
    return ferror(fp) ? -1 : 0;
}

int export_formations_csv(FILE *fp, const sim_report *rep) { return table_csv(fp, rep, TABLE_FORMATIONS); }
int export_groups_csv(FILE *fp, const sim_report *rep) { return table_csv(fp, rep, TABLE_GROUPS); }
