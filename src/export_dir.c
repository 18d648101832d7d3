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

/* The files made from the report alone, shared out between this thread and a second one:
 * each thread takes the next file not yet taken, results.xlsx (the slowest) first, so that
 * the second thread, begun early (export_xlsx_start), has often written them all by the
 * time the caller's own files are rendered. Errors are kept per file and reported in the
 * order of a serial writing (the tables, the caller's files, then the workbook): the
 * message does not depend on which thread wrote what. */
enum { JOB_XLSX, JOB_ASSIGNMENTS, JOB_FORMATIONS, JOB_GROUPS, JOB_SUMMARY, NJOBS };

typedef struct out_jobs {
    atomic_dir ad;             /* a copy: only its paths are used */
    const sim_report *rep;
    const export_extras *x;    /* the workbook's language and provenance */
    int next;                  /* the next job to take (atomic) */
    int rc[NJOBS];
    errloc err[NJOBS];
} out_jobs;

static void jobs_init(out_jobs *j, const atomic_dir *ad, const sim_report *rep, const export_extras *x)
{
    memset(j, 0, sizeof *j);
    j->ad = *ad;
    j->rep = rep;
    j->x = x;
}

static void run_job(out_jobs *j, int i)
{
    static const struct { const char *name; writer_fn fn; } tables[NJOBS] = {
        [JOB_ASSIGNMENTS] = { "assignments.csv", export_assignments_csv },
        [JOB_FORMATIONS] = { "formations.csv", export_formations_csv },
        [JOB_GROUPS] = { "groups.csv", export_groups_csv },
        [JOB_SUMMARY] = { "summary.json", export_summary_json },
    };
    if (i != JOB_XLSX) {
        j->rc[i] = write_one(&j->ad, tables[i].name, tables[i].fn, j->rep, &j->err[i]);
        return;
    }
    char *path = atomic_dir_path(&j->ad, "results.xlsx");
    if (!path) {
        errloc_set(&j->err[i], j->ad.target, 0, 0, "out of memory");
        j->rc[i] = -1;
        return;
    }
    j->rc[i] = export_xlsx(path, j->rep, j->x, &j->err[i]);
    free(path);
}

/* Takes and writes files until none is left. */
static void run_jobs(out_jobs *j)
{
    for (;;) {
        int i = __atomic_fetch_add(&j->next, 1, __ATOMIC_RELAXED);
        if (i >= NJOBS) return;
        run_job(j, i);
    }
}

static void *jobs_thread(void *arg)
{
    run_jobs(arg);
    return NULL;
}

/* The first error of jobs [lo, hi) in their order: 0, or -1 with err. */
static int jobs_error(const out_jobs *j, int lo, int hi, errloc *err)
{
    for (int i = lo; i < hi; i++)
        if (j->rc[i]) {
            *err = j->err[i];
            return -1;
        }
    return 0;
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

/* The files begun before the caller's own exist (report.html is rendered in Lua while the
 * workbook is zipped and the tables written on the other core). It owns its output folder
 * under way and a copy of what the workbook shows of the extras (language, provenance). */
struct export_pending {
    char *dir;
    atomic_dir ad;
    export_extras x;
    char **prov;               /* copies of x.provenance */
    out_jobs jobs;
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
    jobs_init(&pd->jobs, &pd->ad, rep, &pd->x);
    if (pthread_create(&pd->tid, NULL, jobs_thread, &pd->jobs) != 0) {
        atomic_dir_abort(&pd->ad);
        goto fail;
    }
    return pd;
fail:
    for (int i = 0; pd->prov && pd->prov[i]; i++) free(pd->prov[i]);
    free(pd->prov);
    free(pd->dir);
    free(pd);
    return NULL;
}

/* Waits for its thread; with abort, drops its folder too. */
static void pending_end(export_pending *pd, int abort)
{
    if (!pd->joined) pthread_join(pd->tid, NULL);
    if (abort) atomic_dir_abort(&pd->ad);
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
    if (strcmp(pd->dir, dir) != 0 || pd->jobs.rep != rep || pd->x.english != x->english ||
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
    out_jobs own;
    out_jobs *jobs = &own;
    pthread_t tid;
    int threaded = 0, early = pd && pending_matches(pd, dir, rep, x);
    if (pd && !early) export_pending_free(pd);
    if (early) {
        ad = pd->ad;   /* its folder, with its files under way */
        jobs = &pd->jobs;
    } else {
        if (atomic_dir_open(&ad, dir, err) != 0) return -1;
        jobs_init(&own, &ad, rep, x);
        /* ADMIT_THREADS=1: one file after the other, on this thread */
        threaded = threads_count() > 1 && pthread_create(&tid, NULL, jobs_thread, &own) == 0;
    }
    run_jobs(jobs);   /* what the other thread has not taken yet */
    int rc = 0;
    errloc extra_err;
    for (int i = 0; rc == 0 && i < x->nfiles; i++) rc = write_extra(&ad, &x->files[i], &extra_err);
    phases_mark("write CSV, JSON, extras");
    if (threaded) pthread_join(tid, NULL);
    if (early) {
        pthread_join(pd->tid, NULL);
        pd->joined = 1;
    }
    phases_mark("wait for the other thread's files");
    /* the errors in the order of a serial writing: the tables, the caller's files, the workbook */
    if (jobs_error(jobs, JOB_XLSX + 1, NJOBS, err) != 0) goto fail;
    if (rc) {
        *err = extra_err;
        goto fail;
    }
    if (jobs_error(jobs, JOB_XLSX, JOB_XLSX + 1, err) != 0) goto fail;
    if (x->csv_dialect == CSV_EXCEL && csv_excel_convert_dir(&ad, err) != 0) goto fail;
    if (early) pending_end(pd, 0);   /* its folder is ad now */
    int crc = atomic_dir_commit(&ad, err);
    phases_mark("commit the folder");
    return crc;
fail:
    if (early) pending_end(pd, 0);
    atomic_dir_abort(&ad);
    return -1;
}
