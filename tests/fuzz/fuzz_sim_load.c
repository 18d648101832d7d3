/* fuzz_sim_load.c — libFuzzer harness for src/sim_load.c, the loaders of `admit allocate`
 * (formations, candidates, vœux), fast path and csvread path.
 * Input: the three files formations, candidates, wishes, separated by a 0x1E byte (a
 * missing part is an empty file). Each is put in a memory file (memfd) and loaded by
 * path, as the CLI does; nothing touches the disk.
 * Promises: sim_load (the fast path first, csvread when the fast path declines) and the
 * csvread-only loaders agree: same success, or the same located message
 * "path:line[:col]: what" with the line inside the file it names; a success holds
 * consistent data (ids unique, rates 0..100, every vœu pointing at a real candidate and
 * formation, preference and rank >= 1, no two vœux of a candidate with one preference or
 * for one formation, no two vœux of a formation with one rank). */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "sim.h"
#include "sim_load.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond) do { if (!(cond)) { \
    fprintf(stderr, "fuzz_sim_load: broken promise: %s (line %d)\n", #cond, __LINE__); \
    abort(); } } while (0)

#define SEP 0x1E

typedef struct part {
    const char *text;
    size_t len, lines;
    int fd;
    char path[64];
} part;

static void open_part(part *pt, const char *label)
{
    pt->fd = memfd_create(label, 0);
    CHECK(pt->fd >= 0);
    size_t done = 0;
    while (done < pt->len) {
        ssize_t n = write(pt->fd, pt->text + done, pt->len - done);
        CHECK(n > 0);
        done += (size_t)n;
    }
    snprintf(pt->path, sizeof pt->path, "/proc/self/fd/%d", pt->fd);
    pt->lines = pt->len > 0;
    for (size_t i = 0; i + 1 < pt->len; i++)
        if (pt->text[i] == '\n' || (pt->text[i] == '\r' && pt->text[i + 1] != '\n')) pt->lines++;
}

/* "path:LINE[:COL]: what" naming one of the parts, LINE inside it (or just after). */
static void check_message(const char *msg, const part *parts)
{
    for (int i = 0; i < 3; i++) {
        size_t n = strlen(parts[i].path);
        if (strncmp(msg, parts[i].path, n) != 0 || msg[n] != ':') continue;
        const char *p = msg + n + 1;
        if (*p == ' ') return;
        char *end;
        unsigned long line = strtoul(p, &end, 10);
        CHECK(end != p && line >= 1 && line <= parts[i].lines + 1);
        if (*end == ':' && end[1] >= '0' && end[1] <= '9') CHECK(strtoul(end + 1, &end, 10) >= 1);
        CHECK(end[0] == ':' && end[1] == ' ' && end[2] != '\0');
        return;
    }
    fprintf(stderr, "message: %s\n", msg);
    CHECK(!"the message names one of the three files");
}

static void check_problem(const sim_problem *p)
{
    for (uint32_t f = 0; f < p->nf; f++) {
        CHECK(p->f_id[f] && p->f_id[f][0]);
        CHECK(p->f_capacity[f] >= 0);
        CHECK(p->f_min_techno[f] <= 100 && p->f_min_pro[f] <= 100);
        CHECK(p->f_min_boursier[f] <= 100 && p->f_min_resident[f] <= 100);
        for (uint32_t g = 0; g < f; g++) CHECK(strcmp(p->f_id[f], p->f_id[g]) != 0);
    }
    for (uint32_t c = 0; c < p->nc; c++) {
        CHECK(p->c_id[c] && p->c_id[c][0]);
        CHECK(p->c_boursier[c] <= 1 && p->c_resident[c] <= 1);
        for (uint32_t d = 0; d < c; d++) CHECK(strcmp(p->c_id[c], p->c_id[d]) != 0);
    }
    for (uint32_t w = 0; w < p->nw; w++) {
        CHECK(p->w_cand[w] < p->nc && p->w_form[w] < p->nf);
        CHECK(p->w_pref[w] >= 1 && p->w_rank[w] >= 1);
        for (uint32_t v = 0; v < w; v++) {
            if (p->w_cand[v] == p->w_cand[w])
                CHECK(p->w_form[v] != p->w_form[w] && p->w_pref[v] != p->w_pref[w]);
            if (p->w_form[v] == p->w_form[w]) CHECK(p->w_rank[v] != p->w_rank[w]);
        }
    }
}

static int same_strings(const char **a, const char **b, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (strcmp(a[i], b[i]) != 0) return 0;
    return 1;
}

/* memcmp, but n == 0 is fine with the NULL arrays of an empty problem */
static int same_bytes(const void *a, const void *b, size_t n)
{
    return n == 0 || memcmp(a, b, n) == 0;
}

static void check_same(const sim_problem *a, const sim_problem *b)
{
    CHECK(a->nf == b->nf && a->nc == b->nc && a->nw == b->nw);
    CHECK(same_strings(a->f_id, b->f_id, a->nf) && same_strings(a->c_id, b->c_id, a->nc));
    CHECK(same_bytes(a->f_capacity, b->f_capacity, a->nf * sizeof *a->f_capacity));
    CHECK(same_bytes(a->f_min_techno, b->f_min_techno, a->nf));
    CHECK(same_bytes(a->f_min_pro, b->f_min_pro, a->nf));
    CHECK(same_bytes(a->f_min_boursier, b->f_min_boursier, a->nf));
    CHECK(same_bytes(a->f_min_resident, b->f_min_resident, a->nf));
    CHECK(same_bytes(a->c_bac, b->c_bac, a->nc));
    CHECK(same_bytes(a->c_boursier, b->c_boursier, a->nc));
    CHECK(same_bytes(a->c_resident, b->c_resident, a->nc));
    CHECK(same_bytes(a->w_cand, b->w_cand, a->nw * sizeof *a->w_cand));
    CHECK(same_bytes(a->w_form, b->w_form, a->nw * sizeof *a->w_form));
    CHECK(same_bytes(a->w_pref, b->w_pref, a->nw * sizeof *a->w_pref));
    CHECK(same_bytes(a->w_rank, b->w_rank, a->nw * sizeof *a->w_rank));
    /* the fast path keeps no array of lines for a file without blank lines: the lines, not
     * their arrays, must agree */
    for (uint32_t w = 0; w < a->nw; w++) CHECK(sim_wish_line(a, w) == sim_wish_line(b, w));
    for (int d = 0; d < SIM_NDESC; d++) {
        CHECK(!a->f_desc[d] == !b->f_desc[d]);
        if (a->f_desc[d]) CHECK(same_strings(a->f_desc[d], b->f_desc[d], a->nf));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    part parts[3];
    memset(parts, 0, sizeof parts);
    const char *s = (const char *)data, *end = s + size;
    for (int i = 0; i < 3; i++) {
        const char *sep = i < 2 ? memchr(s, SEP, (size_t)(end - s)) : NULL;
        const char *stop = sep ? sep : end;
        parts[i].text = s;
        parts[i].len = (size_t)(stop - s);
        s = sep ? sep + 1 : end;
    }
    open_part(&parts[0], "formations");
    open_part(&parts[1], "candidates");
    open_part(&parts[2], "wishes");

    errloc err = { { 0 } };
    sim_problem *fast = sim_load(parts[0].path, parts[1].path, parts[2].path, &err);

    /* the reference: csvread only */
    errloc ref_err = { { 0 } };
    sim_problem *ref = sim_problem_new();
    CHECK(ref);
    int ref_rc = sim_load_formations(ref, parts[0].path, &ref_err);
    if (ref_rc == 0) ref_rc = sim_load_candidates(ref, parts[1].path, &ref_err);
    if (ref_rc == 0) ref_rc = sim_load_wishes(ref, parts[2].path, &ref_err);
    int index_rc = 0;
    if (ref_rc == 0) {
        uint32_t bad;
        char what;
        errloc ierr;
        index_rc = sim_index(ref, &bad, &what, &ierr);
    }

    if (!fast) {
        check_message(err.msg, parts);
        CHECK(ref_rc != 0 || index_rc != 0);
        if (ref_rc != 0) {
            if (strcmp(err.msg, ref_err.msg) != 0)
                fprintf(stderr, "fast path: %s\ncsvread:   %s\n", err.msg, ref_err.msg);
            CHECK(strcmp(err.msg, ref_err.msg) == 0);
        } else {
            CHECK(strncmp(err.msg, parts[2].path, strlen(parts[2].path)) == 0);
        }
    } else {
        if (ref_rc != 0) fprintf(stderr, "csvread refuses: %s\n", ref_err.msg);
        CHECK(ref_rc == 0 && index_rc == 0);
        check_problem(fast);
        check_same(fast, ref);
    }
    sim_problem_free(fast);
    sim_problem_free(ref);
    for (int i = 0; i < 3; i++) close(parts[i].fd);
    return 0;
}
