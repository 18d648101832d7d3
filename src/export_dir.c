/* export_dir.c — the output directory of `admit allocate`: assignments.csv,
 * formations.csv, groups.csv, summary.json, results.xlsx and the caller's files (report.html,
 * provenance.json), built in a temporary directory and swapped into place only when all are
 * complete (a previous result stays otherwise). */
#include "export.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <stdlib.h>

#include "atomic.h"
#include "threads.h"
#include "csv_excel.h"

typedef int (*writer_fn)(FILE *fp, const sim_report *rep);

static int write_one(const atomic_dir *ad, const char *name, writer_fn fn, const sim_report *rep,
                     errloc *err)
{
    char *path = atomic_dir_path(ad, name);
    FILE *fp = path ? fopen(path, "wb") : NULL;
    if (!fp) {
        errloc_set(err, ad->target, 0, 0, "cannot write %s: %s", name, strerror(errno));
        free(path);
        return -1;
    }
    setvbuf(fp, NULL, _IOFBF, 1 << 20);
    errno = 0;
    int rc = fn(fp, rep);
    rc |= fflush(fp);
    int saved = errno;
    rc |= fclose(fp);
    if (rc) errloc_set(err, ad->target, 0, 0, "cannot write %s: %s", name,
                       strerror(saved ? saved : errno ? errno : EIO));
    free(path);
    return rc ? -1 : 0;
}

/* results.xlsx is the slowest file (zlib): it is written on a second thread while the
 * CSV and JSON files are written on this one. The report is only read by both. */
typedef struct xlsx_job {
    char *path;
    const sim_report *rep;
    const export_extras *x;
    errloc err;
    int rc;
} xlsx_job;

static void *xlsx_thread(void *arg)
{
    xlsx_job *job = arg;
    job->rc = export_xlsx(job->path, job->rep, job->x, &job->err);
    return NULL;
}

static int write_extra(const atomic_dir *ad, const export_file *f, errloc *err)
{
    char *path = atomic_dir_path(ad, f->name);
    FILE *fp = path ? fopen(path, "wb") : NULL;
    int rc = 1, saved = errno;
    if (fp) {
        errno = 0;
        rc = fwrite(f->text, 1, f->len, fp) != f->len;
        rc |= fflush(fp) != 0;
        saved = errno;
        rc |= fclose(fp) != 0;  /* closed whatever the write gave */
        if (!saved) saved = errno;
    }
    if (rc) errloc_set(err, ad->target, 0, 0, "cannot write %s: %s", f->name,
                       strerror(saved ? saved : EIO));
    free(path);
    return rc ? -1 : 0;
}

int export_dir(const char *dir, const sim_report *rep, const export_extras *x, errloc *err)
{
    static const export_extras none = { .english = 0 };
    if (!x) x = &none;
    atomic_dir ad;
    if (atomic_dir_open(&ad, dir, err) != 0) return -1;
    xlsx_job job = { atomic_dir_path(&ad, "results.xlsx"), rep, x, { { 0 } }, -1 };
    if (!job.path) { errloc_set(err, dir, 0, 0, "out of memory"); goto fail; }
    pthread_t tid;   /* ADMIT_THREADS=1: one file after the other */
    int threaded = threads_count() > 1 && pthread_create(&tid, NULL, xlsx_thread, &job) == 0;
    if (!threaded) xlsx_thread(&job);
    int rc = write_one(&ad, "assignments.csv", export_assignments_csv, rep, err) ||
             write_one(&ad, "formations.csv", export_formations_csv, rep, err) ||
             write_one(&ad, "groups.csv", export_groups_csv, rep, err) ||
             write_one(&ad, "summary.json", export_summary_json, rep, err);
    for (int i = 0; rc == 0 && i < x->nfiles; i++) rc = write_extra(&ad, &x->files[i], err);
    if (threaded) pthread_join(tid, NULL);
    if (rc) goto fail;
    if (job.rc) { *err = job.err; goto fail; }
    if (x->csv_dialect == CSV_EXCEL && csv_excel_convert_dir(&ad, err) != 0) goto fail;
    free(job.path);
    return atomic_dir_commit(&ad, err);
fail:
    free(job.path);
    atomic_dir_abort(&ad);
    return -1;
}
