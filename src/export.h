/* export.h — writing an allocation's tables: assignments.csv, formations.csv,
 * summary.json, results.xlsx, and all four at once into a directory that appears whole
 * or not at all. Lua-free. */
#ifndef ADMIT_EXPORT_H
#define ADMIT_EXPORT_H

#include <stdio.h>

#include "errloc.h"
#include "sim_report.h"

/* CSV field with quotes only when needed (RFC 4180). */
void export_csv_field(FILE *fp, const char *s);

int export_assignments_csv(FILE *fp, const sim_report *rep);
int export_formations_csv(FILE *fp, const sim_report *rep);
int export_summary_json(FILE *fp, const sim_report *rep);
/* results.xlsx: sheets summary, formations, assignments (split past Excel's row limit).
 * The assignments sheets only up to EXPORT_XLSX_ASSIGNMENTS_MAX candidates (the
 * environment variable ADMIT_XLSX_ASSIGNMENTS_MAX, a whole number, overrides it); past
 * it the summary sheet names assignments.csv instead. */
#define EXPORT_XLSX_ASSIGNMENTS_MAX 200000u
int export_xlsx(const char *path, const sim_report *rep, errloc *err);
int export_xlsx_has_assignments(const sim_report *rep);

/* The four files into dir (created or replaced only when all are written). */
int export_dir(const char *dir, const sim_report *rep, errloc *err);

#endif
