/* recueil_check.c — the source's defects that the import carries over faithfully and
 * reports (never corrects): cut labels, keys repeated with another rate, homonymous
 * establishments. Deterministic: rows are visited in source order.
 *
 * Cut label rule (a heuristic, stated so that it can be checked). A programme label is
 * cut when its last word W (a run of letters, after case and accent folding) is the
 * beginning of a longer word V of a label of the same decree, V being at least 4 letters
 * longer than W, and W itself never occurs as a whole word inside (not at the end of) a
 * label of that decree. The 4-letter margin keeps inflected and derived words apart
 * ("durable"/"durables", "Client"/"clientèle"); the second condition keeps real words
 * apart ("Bâtiment"/"bâtiments": "bâtiment" occurs whole in "domotique et bâtiment
 * communicants"). On the 2023 source it flags exactly the labels ending in "Infor"
 * ("Cybersécurité, Infor"), "prod" ("Conception des prod") and "fam" ("Economie sociale
 * fam"); tests/03-annex_spec.lua pins that. */
#include "recueil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "textfold.h"

const char *recueil_anomaly_name(anomaly_kind k)
{
    switch (k) {
    case ANOMALY_CUT_LABEL: return "cut-label";
    case ANOMALY_DUPLICATE_KEY: return "duplicate-key";
    case ANOMALY_HOMONYM: return "homonym";
    }
    return "?";
}

static int add_anomaly(recueil *rc, anomaly_kind kind, size_t row, const char *detail)
{
    if (rc->nanomalies == rc->anomalies_cap) {
        size_t cap = rc->anomalies_cap ? rc->anomalies_cap * 2 : 32;
        recueil_anomaly *a = realloc(rc->anomalies, cap * sizeof *a);
        if (!a) return -1;
        rc->anomalies = a;
        rc->anomalies_cap = cap;
    }
    char *d = strdup(detail);
    if (!d) return -1;
    rc->anomalies[rc->nanomalies++] = (recueil_anomaly){ kind, row, d };
    return 0;
}

/* ------------------------------------------------------------ cut labels */

/* Letters: ASCII letters and every byte of a multi-byte UTF-8 character. */
static int is_letter(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

/* Is w[0..wn) a whole word of s, at a position other than the very end of s? */
static int has_inner_word(const char *s, const char *w, size_t wn)
{
    size_t n = strlen(s);
    for (size_t i = 0; i + wn <= n; i++) {
        if (memcmp(s + i, w, wn) != 0) continue;
        int starts = i == 0 || !is_letter((unsigned char)s[i - 1]);
        int ends = i + wn < n && !is_letter((unsigned char)s[i + wn]);
        if (starts && ends) return 1;
    }
    return 0;
}

/* Letters a longer word must add to a last word for it to count as cut (see the top). */
#define CUT_MARGIN 4

/* The first word of s that starts with w[0..wn) and is CUT_MARGIN letters longer; its
 * start and length, or 0. */
static int longer_word(const char *s, size_t from, const char *w, size_t wn, size_t *at, size_t *len)
{
    size_t n = strlen(s);
    for (size_t i = from; i < n;) {
        if (!is_letter((unsigned char)s[i])) { i++; continue; }
        size_t j = i;
        while (j < n && is_letter((unsigned char)s[j])) j++;
        if (j - i >= wn + CUT_MARGIN && memcmp(s + i, w, wn) == 0) {
            *at = i;
            *len = j - i;
            return 1;
        }
        i = j;
    }
    return 0;
}

/* The original-case word of label at the folded word's position: labels and their folded
 * forms do not align byte for byte, so the word is found again by counting words. */
static void word_number(const char *s, size_t at, char *out, size_t cap, const char *orig)
{
    size_t k = 0;
    for (size_t i = 0; i < at; i++)
        if (is_letter((unsigned char)s[i]) && (i == 0 || !is_letter((unsigned char)s[i - 1]))) k++;
    /* the k-th word (0-based) of orig */
    size_t w = 0, n = strlen(orig);
    for (size_t i = 0; i < n; i++) {
        if (!is_letter((unsigned char)orig[i]) || (i > 0 && is_letter((unsigned char)orig[i - 1])))
            continue;
        if (w++ == k) {
            size_t j = i;
            while (j < n && is_letter((unsigned char)orig[j])) j++;
            snprintf(out, cap, "%.*s", (int)(j - i), orig + i);
            return;
        }
    }
    snprintf(out, cap, "?");
}

static size_t common_prefix(const char *a, const char *b)
{
    size_t n = 0;
    while (a[n] && a[n] == b[n]) n++;
    return n;
}

static int find_cut_labels(recueil *rc, char **folded)
{
    for (size_t i = 0; i < rc->nrows; i++) {
        const char *f = folded[i];
        size_t n = strlen(f);
        if (n == 0 || !is_letter((unsigned char)f[n - 1])) continue;
        size_t w = n;
        while (w > 0 && is_letter((unsigned char)f[w - 1])) w--;
        const char *word = f + w;
        size_t wn = n - w;
        int whole = 0;
        /* the longer word is taken from the label closest to this one (longest common
         * prefix), so that the report names the likely original word */
        size_t other = (size_t)-1, at = 0, vlen = 0, best = 0;
        for (size_t j = 0; j < rc->nrows && !whole; j++) {
            if (rc->rows[j].kind != rc->rows[i].kind) continue;
            whole = has_inner_word(folded[j], word, wn);
            if (j == i) continue;
            /* look from where the two labels part, so the word is the one that follows the
             * shared beginning ("...des pro|cessus de réalisation de produits") */
            size_t a, l, cp = common_prefix(f, folded[j]), from = cp;
            while (from > 0 && is_letter((unsigned char)folded[j][from - 1])) from--;
            if ((other == (size_t)-1 || cp > best) &&
                (longer_word(folded[j], from, word, wn, &a, &l) ||
                 longer_word(folded[j], 0, word, wn, &a, &l))) {
                other = j;
                at = a;
                vlen = l;
                best = cp;
            }
        }
        if (whole || other == (size_t)-1) continue;
        char cut[128], full[128], detail[512];
        const char *prog = rc->rows[i].program;   /* the last word as written */
        size_t ps = strlen(prog);
        while (ps > 0 && is_letter((unsigned char)prog[ps - 1])) ps--;
        snprintf(cut, sizeof cut, "%s", prog + ps);
        word_number(folded[other], at, full, sizeof full, rc->rows[other].program);
        snprintf(detail, sizeof detail, "label ends in the middle of a word: \"%s\", "
                 "as in \"%s\" at line %zu", cut, full, rc->rows[other].line);
        if (add_anomaly(rc, ANOMALY_CUT_LABEL, i, detail)) return -1;
        (void)vlen;
    }
    return 0;
}

/* --------------------------------------------------------- duplicate keys */

static int same_key(const recueil_row *a, const recueil_row *b)
{
    return a->kind == b->kind && strcmp(a->establishment, b->establishment) == 0 &&
           strcmp(a->commune, b->commune) == 0 && strcmp(a->program, b->program) == 0;
}

static int find_duplicates(recueil *rc)
{
    for (size_t i = 0; i < rc->nrows; i++) {
        for (size_t j = 0; j < i; j++) {
            if (!same_key(&rc->rows[i], &rc->rows[j])) continue;
            char detail[256];
            if (rc->rows[i].min_pct != rc->rows[j].min_pct)
                snprintf(detail, sizeof detail, "same establishment, commune and label as line "
                         "%zu with another rate: %d there, %d here", rc->rows[j].line,
                         rc->rows[j].min_pct, rc->rows[i].min_pct);
            else
                snprintf(detail, sizeof detail, "repeats line %zu with the same rate %d",
                         rc->rows[j].line, rc->rows[i].min_pct);
            if (add_anomaly(rc, ANOMALY_DUPLICATE_KEY, i, detail)) return -1;
            break;
        }
    }
    return 0;
}

/* --------------------------------------------------------------- homonyms */

/* One anomaly per establishment name found in several communes, at its first row. */
static int find_homonyms(recueil *rc)
{
    for (size_t i = 0; i < rc->nrows; i++) {
        const recueil_row *r = &rc->rows[i];
        if (!r->commune[0]) continue;
        int first = 1;
        for (size_t j = 0; j < i && first; j++)
            if (strcmp(rc->rows[j].establishment, r->establishment) == 0 && rc->rows[j].commune[0])
                first = 0;
        if (!first) continue;
        char list[1024];
        size_t used = 0, ncommunes = 0;
        for (size_t j = i; j < rc->nrows; j++) {
            const recueil_row *s = &rc->rows[j];
            if (!s->commune[0] || strcmp(s->establishment, r->establishment) != 0) continue;
            int seen = 0;
            for (size_t k = i; k < j && !seen; k++)
                seen = strcmp(rc->rows[k].establishment, r->establishment) == 0 &&
                       strcmp(rc->rows[k].commune, s->commune) == 0;
            if (seen) continue;
            int w = snprintf(list + used, sizeof list - used, "%s%s (line %zu)",
                             ncommunes ? ", " : "", s->commune, s->line);
            if (w > 0 && (size_t)w < sizeof list - used) used += (size_t)w;
            ncommunes++;
        }
        if (ncommunes < 2) continue;
        char detail[1400];
        snprintf(detail, sizeof detail, "\"%s\" names %zu establishments, told apart only by "
                 "their commune: %s", r->establishment, ncommunes, list);
        if (add_anomaly(rc, ANOMALY_HOMONYM, i, detail)) return -1;
    }
    return 0;
}

int recueil_find_anomalies(recueil *rc)
{
    char **folded = calloc(rc->nrows ? rc->nrows : 1, sizeof *folded);
    int status = folded ? 0 : -1;
    for (size_t i = 0; status == 0 && i < rc->nrows; i++) {
        folded[i] = text_fold(rc->rows[i].program, strlen(rc->rows[i].program), NULL);
        if (!folded[i]) status = -1;
    }
    if (status == 0) status = find_cut_labels(rc, folded);
    if (status == 0) status = find_duplicates(rc);
    if (status == 0) status = find_homonyms(rc);
    for (size_t i = 0; folded && i < rc->nrows; i++) free(folded[i]);
    free(folded);
    return status;
}
