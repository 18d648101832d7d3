/* export_dir.c — the output directory of `admit allocate`: assignments.csv,
 * formations.csv, summary.json and results.xlsx, built in a temporary directory and
 * swapped into place only when all four are complete (a previous result stays otherwise). */
#include "export.h"

#include <stdlib.h>

#include "atomic.h"

typedef int (*writer_fn)(FILE *fp, const sim_report *rep);

static int write_one(const atomic_dir *ad, const char *name, writer_fn fn, const sim_report *rep,
                     errloc *err)
{
    char *path = atomic_dir_path(ad, name);
    FILE *fp = path ? fopen(path, "wb") : NULL;
    if (!fp) {
        errloc_set(err, ad->target, 0, 0, "cannot write %s", name);
        free(path);
        return -1;
    }
    static char buf[1 << 20];
    setvbuf(fp, buf, _IOFBF, sizeof buf);
    int rc = fn(fp, rep);
    rc |= fclose(fp);
    if (rc) errloc_set(err, ad->target, 0, 0, "write failed on %s", name);
    free(path);
    return rc ? -1 : 0;
}

int export_dir(const char *dir, const sim_report *rep, errloc *err)
{
    atomic_dir ad;
    if (atomic_dir_open(&ad, dir, err) != 0) return -1;
    if (write_one(&ad, "assignments.csv", export_assignments_csv, rep, err) ||
        write_one(&ad, "formations.csv", export_formations_csv, rep, err) ||
        write_one(&ad, "summary.json", export_summary_json, rep, err))
        goto fail;
    char *xpath = atomic_dir_path(&ad, "results.xlsx");
    if (!xpath) { errloc_set(err, dir, 0, 0, "out of memory"); goto fail; }
    int rc = export_xlsx(xpath, rep, err);
    free(xpath);
    if (rc) goto fail;
    return atomic_dir_commit(&ad, err);
fail:
    atomic_dir_abort(&ad);
    return -1;
}
