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
#include "phases.h"

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

/* ------------------------------------------------------- started early */

/* A workbook begun before the caller's files exist (report.html is rendered in Lua while
 * the workbook is zipped on the other core). It owns its output folder under way and a
 * copy of what the workbook shows of the extras (language, provenance). */
struct export_pending {
    char *dir;
    atomic_dir ad;
    export_extras x;
    char **prov;               /* copies of x.provenance */
    xlsx_job job;
    pthread_t tid;
    int joined;
};

export_pending *export_xlsx_start(const char *dir, const sim_report *rep, const export_extras *x)
{
    if (threads_count() < 2) return NULL;
    export_pending *pd = calloc(1, sizeof *pd);
    if (!pd) return NULL;
    errloc err;
    pd->dir = strdup(dir);
    pd->prov = calloc((size_t)(x ? 2 * x->nprov : 0) + 1, sizeof *pd->prov);
    if (!pd->dir || !pd->prov) goto fail;
    if (x) {
        pd->x.english = x->english;
        pd->x.nprov = x->nprov;
        for (int i = 0; i < 2 * x->nprov; i++)
            if (!(pd->prov[i] = strdup(x->provenance[i]))) goto fail;
    }
    pd->x.provenance = (const char *const *)pd->prov;
    if (atomic_dir_open(&pd->ad, dir, &err) != 0) goto fail;   /* export_dir will say why */
    pd->job = (xlsx_job){ atomic_dir_path(&pd->ad, "results.xlsx"), rep, &pd->x, { { 0 } }, -1 };
    if (!pd->job.path || pthread_create(&pd->tid, NULL, xlsx_thread, &pd->job) != 0) {
        atomic_dir_abort(&pd->ad);
        goto fail;
    }
    return pd;
fail:
    free(pd->job.path);
    for (int i = 0; pd->prov && pd->prov[i]; i++) free(pd->prov[i]);
    free(pd->prov);
    free(pd->dir);
    free(pd);
    return NULL;
}

/* Waits for the workbook; with abort, drops its folder too. */
static void pending_end(export_pending *pd, int abort)
{
    if (!pd->joined) pthread_join(pd->tid, NULL);
    if (abort) atomic_dir_abort(&pd->ad);
    free(pd->job.path);
    for (int i = 0; pd->prov[i]; i++) free(pd->prov[i]);
    free(pd->prov);
    free(pd->dir);
    free(pd);
}

void export_pending_free(export_pending *pd)
{
    if (pd) pending_end(pd, 1);
}

/* The early workbook is the one export_dir would write: same folder, report, language
 * and provenance. */
static int pending_matches(const export_pending *pd, const char *dir, const sim_report *rep,
                           const export_extras *x)
{
    if (strcmp(pd->dir, dir) != 0 || pd->job.rep != rep || pd->x.english != x->english ||
        pd->x.nprov != x->nprov)
        return 0;
    for (int i = 0; i < 2 * x->nprov; i++)
        if (strcmp(pd->prov[i], x->provenance[i]) != 0) return 0;
    return 1;
}

int export_dir(const char *dir, const sim_report *rep, const export_extras *x, export_pending *pd,
               errloc *err)
{
    static const export_extras none = { .english = 0 };
    if (!x) x = &none;
    atomic_dir ad;
    xlsx_job job = { NULL, rep, x, { { 0 } }, -1 };
    pthread_t tid;
    int threaded = 0, early = pd && pending_matches(pd, dir, rep, x);
    if (pd && !early) export_pending_free(pd);
    if (early) {
        ad = pd->ad;   /* its folder, with results.xlsx under way */
    } else {
        if (atomic_dir_open(&ad, dir, err) != 0) return -1;
        job.path = atomic_dir_path(&ad, "results.xlsx");
        if (!job.path) { errloc_set(err, dir, 0, 0, "out of memory"); goto fail; }
        /* ADMIT_THREADS=1: one file after the other */
        threaded = threads_count() > 1 && pthread_create(&tid, NULL, xlsx_thread, &job) == 0;
        if (!threaded) xlsx_thread(&job);
    }
    int rc = write_one(&ad, "assignments.csv", export_assignments_csv, rep, err) ||
             write_one(&ad, "formations.csv", export_formations_csv, rep, err) ||
             write_one(&ad, "groups.csv", export_groups_csv, rep, err) ||
             write_one(&ad, "summary.json", export_summary_json, rep, err);
    for (int i = 0; rc == 0 && i < x->nfiles; i++) rc = write_extra(&ad, &x->files[i], err);
    phases_mark("write CSV, JSON, extras");
    if (threaded) pthread_join(tid, NULL);
    if (early) {
        pthread_join(pd->tid, NULL);
        pd->joined = 1;
        job.rc = pd->job.rc;
        job.err = pd->job.err;
    }
    phases_mark("wait for results.xlsx");
    if (rc) goto fail;
    if (job.rc) { *err = job.err; goto fail; }
    if (x->csv_dialect == CSV_EXCEL && csv_excel_convert_dir(&ad, err) != 0) goto fail;
    free(job.path);
    if (early) pending_end(pd, 0);   /* its folder is ad now */
    int crc = atomic_dir_commit(&ad, err);
    phases_mark("commit the folder");
    return crc;
fail:
    free(job.path);
    if (early) pending_end(pd, 0);
    atomic_dir_abort(&ad);
    return -1;
}
