/* export_phase.c — the output directory of `admit phase`: the tables of `admit allocate`
 * (assignments, formations, groups, results.xlsx) for the end of the phase (summary.json gains a "phase" section), days.csv
 * (one row per day × group) and, with the trace, candidates_days.csv. All appear at once
 * (atomic_dir) or not at all. */
#include "export_phase.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "atomic.h"

/* ------------------------------------------------------------ days.csv */

static int write_days(FILE *fp, const phase_export *x)
{
    const sim_problem *p = x->rep->p;
    const phase_run *run = x->run;
    fputs("day,formation_id,group,capacity,n,rang_limite,offers,offers_total,holders,accepted,"
          "accepted_definitively,waiting,refused,rang_dernier_appele,filled\n", fp);
    for (uint32_t d = 0; d < run->days; d++) {
        const phase_gday *g = run->gday + (size_t)d * run->ngroups;
        const phase_gday *prev = d ? g - run->ngroups : NULL;
        for (uint32_t i = 0; i < run->ngroups; i++) {
            uint32_t s = run->g_school[i], f = s / NGROUPS;
            int grp = (int)(s % NGROUPS);
            int32_t cap = p->f_caps[f][grp];
            fprintf(fp, "%u,", d + 1);
            export_csv_field(fp, p->f_id[f]);
            fprintf(fp, ",%s,%d,%d,%d,%u,%u,%u,%u,%u,%u,%u,%u,%s\n", sim_group_name(grp), cap,
                    run->g_n[i], x->f_rang_limite ? x->f_rang_limite[f] : 0,
                    g[i].offers - (prev ? prev[i].offers : 0), g[i].offers, g[i].holders,
                    g[i].accepted, g[i].definitive, g[i].waiting, g[i].refused, g[i].last,
                    (int64_t)g[i].accepted >= cap ? "yes" : "no");
        }
    }
    return ferror(fp) ? -1 : 0;
}

static int write_trace(FILE *fp, const phase_export *x)
{
    const sim_problem *p = x->rep->p;
    const phase_run *run = x->run;
    fputs("day,candidate_id,formation_id,group,call_position,preference,from,to,why\n", fp);
    for (size_t i = 0; i < run->nevents; i++) {
        const phase_event *ev = &run->events[i];
        uint32_t w = ev->w;
        fprintf(fp, "%u,", ev->day);
        export_csv_field(fp, p->c_id[p->w_cand[w]]);
        fputc(',', fp);
        export_csv_field(fp, p->f_id[p->w_form[w]]);
        fprintf(fp, ",%s,%u,%u,%s,%s,%s\n", sim_group_name(run->r->w_group[w]), run->r->w_callpos[w],
                p->w_pref[w], phase_state_names[ev->from], phase_state_names[ev->to],
                phase_why_names[ev->why]);
    }
    return ferror(fp) ? -1 : 0;
}

/* ---------------------------------------------------------- summary.json */

void phase_end_counts(const phase_run *run, const sim_problem *p, phase_end *end)
{
    memset(end, 0, sizeof *end);
    if (run->days == 0) return;
    const phase_gday *g = run->gday + (size_t)(run->days - 1) * run->ngroups;
    uint32_t *acc = calloc(p->nf ? p->nf : 1, sizeof *acc);
    uint8_t *has = calloc(p->nf ? p->nf : 1, 1);
    if (!acc || !has) { free(acc); free(has); return; }
    for (uint32_t i = 0; i < run->ngroups; i++) {
        acc[run->g_school[i] / NGROUPS] += g[i].accepted;
        has[run->g_school[i] / NGROUPS] = 1;
    }
    for (uint32_t f = 0; f < p->nf; f++) {
        int32_t cap = 0;
        for (int k = 0; k < NGROUPS; k++) cap += p->f_caps[f][k];
        end->formations++;
        end->seats += (uint32_t)(cap > 0 ? cap : 0);
        end->accepted += acc[f];
        if ((int64_t)acc[f] > cap) { end->overfilled++; end->over_seats += acc[f] - (uint32_t)cap; }
        else if ((int64_t)acc[f] == cap) end->filled++;
        else end->underfilled++;
        if (!has[f]) end->no_applicant++;
    }
    free(acc);
    free(has);
}

static int write_summary(FILE *fp, const phase_export *x)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    if (!mem) return -1;
    int rc = export_summary_json(mem, x->rep);
    rc |= fclose(mem);
    /* the allocation's object, reopened to add the phase section before its last brace */
    while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '}')) {
        int brace = buf[len - 1] == '}';
        len--;
        if (brace) break;
    }
    if (rc || len == 0) { free(buf); return -1; }
    fwrite(buf, 1, len, fp);
    free(buf);
    const phase_run *run = x->run;
    phase_end end;
    phase_end_counts(run, x->rep->p, &end);
    fprintf(fp, ",\n  \"phase\": {\n    \"days\": %u,\n    \"behaviour\": \"%s\",\n    \"overbooking\": %d,\n"
            "    \"seed\": %llu,\n", run->days, x->behaviour_name, x->overbooking, (unsigned long long)x->seed);
    fputs("    \"per_day\": [", fp);
    for (uint32_t d = 0; d < run->days; d++) {
        const phase_day *dy = &run->day[d];
        fprintf(fp, "%s\n      {\"day\": %u, \"passes\": %u, \"offers\": %u, \"candidates_with_offer\": %u, "
                "\"candidates_with_accepted_offer\": %u, \"accepted_definitively\": %u, "
                "\"received_an_offer\": %u, \"waiting\": %u, \"left\": %u, \"seats_held\": %u}",
                d ? "," : "", dy->day, dy->passes, dy->offers, dy->with_offer, dy->with_accepted,
                dy->definitive, dy->ever_offered, dy->waiting, dy->left, dy->holders);
    }
    fprintf(fp, "%s],\n    \"end\": {\"formations\": %u, \"seats\": %u, \"accepted\": %u, \"filled\": %u, "
            "\"overfilled\": %u, \"seats_over_capacity\": %u, \"underfilled\": %u, \"without_applicants\": %u}\n  }\n}\n",
            run->days ? "\n    " : "", end.formations, end.seats, end.accepted, end.filled, end.overfilled,
            end.over_seats, end.underfilled, end.no_applicant);
    return ferror(fp) ? -1 : 0;
}

/* ------------------------------------------------------------ directory */

typedef int (*phase_writer)(FILE *fp, const phase_export *x);

static int write_one(const atomic_dir *ad, const char *name, phase_writer fn, const phase_export *x,
                     errloc *err)
{
    char *path = atomic_dir_path(ad, name);
    FILE *fp = path ? fopen(path, "wb") : NULL;
    if (!fp) {
        errloc_set(err, ad->target, 0, 0, "cannot write %s", name);
        free(path);
        return -1;
    }
    setvbuf(fp, NULL, _IOFBF, 1 << 20);
    int rc = fn(fp, x);
    rc |= fclose(fp);
    if (rc) errloc_set(err, ad->target, 0, 0, "write failed on %s", name);
    free(path);
    return rc ? -1 : 0;
}

static int write_assignments(FILE *fp, const phase_export *x) { return export_assignments_csv(fp, x->rep); }
static int write_formations(FILE *fp, const phase_export *x) { return export_formations_csv(fp, x->rep); }
static int write_groups(FILE *fp, const phase_export *x) { return export_groups_csv(fp, x->rep); }

static int write_files(const atomic_dir *ad, const phase_export *x, errloc *err)
{
    for (int i = 0; i < x->nfiles; i++) {
        char *path = atomic_dir_path(ad, x->files[i].name);
        FILE *fp = path ? fopen(path, "wb") : NULL;
        int rc = !fp || fwrite(x->files[i].text, 1, x->files[i].len, fp) != x->files[i].len;
        if (fp) rc |= fclose(fp) != 0;
        free(path);
        if (rc) {
            errloc_set(err, ad->target, 0, 0, "cannot write %s", x->files[i].name);
            return -1;
        }
    }
    return 0;
}

/* results.xlsx (zlib, the slowest file) is written on a second thread while the CSV and
 * JSON files are written on this one, as export_dir does; both only read the report. */
typedef struct xlsx_job {
    char *path;
    const sim_report *rep;
    errloc err;
    int rc;
} xlsx_job;

static void *xlsx_thread(void *arg)
{
    xlsx_job *job = arg;
    job->rc = export_xlsx(job->path, job->rep, NULL, &job->err);
    return NULL;
}

int export_phase_dir(const char *dir, const phase_export *x, errloc *err)
{
    atomic_dir ad;
    if (atomic_dir_open(&ad, dir, err) != 0) return -1;
    xlsx_job job = { atomic_dir_path(&ad, "results.xlsx"), x->rep, { { 0 } }, -1 };
    if (!job.path) {
        errloc_set(err, dir, 0, 0, "out of memory");
        atomic_dir_abort(&ad);
        return -1;
    }
    pthread_t tid;
    int threaded = pthread_create(&tid, NULL, xlsx_thread, &job) == 0;
    if (!threaded) xlsx_thread(&job);
    int rc = write_one(&ad, "assignments.csv", write_assignments, x, err) ||
             write_one(&ad, "formations.csv", write_formations, x, err) ||
             write_one(&ad, "groups.csv", write_groups, x, err) ||
             write_one(&ad, "summary.json", write_summary, x, err) ||
             write_one(&ad, "days.csv", write_days, x, err) ||
             (x->trace && write_one(&ad, "candidates_days.csv", write_trace, x, err)) ||
             write_files(&ad, x, err);
    if (threaded) pthread_join(tid, NULL);
    if (!rc && job.rc) { *err = job.err; rc = -1; }
    free(job.path);
    if (rc) {
        atomic_dir_abort(&ad);
        return -1;
    }
    return atomic_dir_commit(&ad, err);
}
