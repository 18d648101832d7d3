/* export.h — writing an allocation's tables: assignments.csv, formations.csv, groups.csv,
 * summary.json, results.xlsx, and all of them at once (with the files the caller adds, such
 * as report.html) into a directory that appears whole or not at all. Lua-free. */
#ifndef ADMIT_EXPORT_H
#define ADMIT_EXPORT_H

#include <stdio.h>

#include "errloc.h"
#include "sim_report.h"

/* CSV field with quotes only when needed (RFC 4180). */
void export_csv_field(FILE *fp, const char *s);

int export_assignments_csv(FILE *fp, const sim_report *rep);
int export_formations_csv(FILE *fp, const sim_report *rep);
int export_groups_csv(FILE *fp, const sim_report *rep);
int export_summary_json(FILE *fp, const sim_report *rep);

/* What the caller adds to an output folder: the language of the workbook's sheet names and
 * headers ("fr" or "en"), the provenance (key, value pairs for the "Provenance" sheet) and
 * whole files written beside the tables (report.html, provenance.json). */
typedef struct export_file {
    const char *name;
    const char *text;
    size_t len;
} export_file;
typedef struct export_extras {
    int english;
    const char *const *provenance;  /* 2·nprov strings */
    int nprov;
    const export_file *files;
    int nfiles;
    int csv_dialect;                /* CSV_RFC4180 (0) or CSV_EXCEL, see csv_excel.h */
} export_extras;

/* results.xlsx: Synthèse, Minimums non atteints, Formations, Groupes, Affectations (split
 * past Excel's row limit), Provenance (English names when x->english). */
int export_xlsx(const char *path, const sim_report *rep, const export_extras *x, errloc *err);

/* The Affectations sheets only up to EXPORT_XLSX_ASSIGNMENTS_MAX candidates (the
 * environment variable ADMIT_XLSX_ASSIGNMENTS_MAX, a whole number, overrides it); past it
 * the summary sheet names assignments.csv instead (zlib on a national run's million rows
 * was a third of its time, for a sheet nobody scrolls). */
#define EXPORT_XLSX_ASSIGNMENTS_MAX 200000u
int export_xlsx_has_assignments(const sim_report *rep);

/* results.xlsx begun early: on a second thread, into dir's temporary folder, while the
 * caller makes its other files (report.html); only the language and provenance of x are
 * used (copied). NULL when there is one thread or the folder cannot be opened now (then
 * export_dir writes the workbook itself, and says what is wrong). */
typedef struct export_pending export_pending;
export_pending *export_xlsx_start(const char *dir, const sim_report *rep, const export_extras *x);
/* Waits for it and drops its folder (not taken over by export_dir). NULL is fine. */
void export_pending_free(export_pending *pd);

/* All the files into dir (created or replaced only when all are written); x may be NULL.
 * pd (may be NULL) is taken over, and freed: its workbook is used when it was begun for the
 * same dir, report, language and provenance, else dropped and written again. */
int export_dir(const char *dir, const sim_report *rep, const export_extras *x, export_pending *pd,
               errloc *err);

#endif
