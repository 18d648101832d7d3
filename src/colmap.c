/* colmap.c — header recognition (see colmap.h). The alias table below is THE list of
 * column names admit accepts; SCRIPTING.md §3 "Column names" shows it to users. */
#include "colmap.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suggest.h"

/* Every name a field is also known by, as officers' exports and the Parcoursup open
 * dataset (fr-esr-parcoursup, docs/parcoursup-facts.md) write it. Compared folded:
 * case, accents, '_' '-' '°' and spaces do not matter. A field's own name is always
 * accepted and not repeated here. */
static const struct { const char *field, *alias; } aliases[] = {
    /* candidates, rankings */
    { "id", "numéro" }, { "id", "n° dossier" }, { "id", "numéro de dossier" },
    { "id", "numéro dossier" }, { "id", "n° de dossier" }, { "id", "dossier" },
    { "id", "identifiant" }, { "id", "numéro candidat" }, { "id", "n° candidat" },
    { "id", "candidate_id" },
    { "bac", "type de bac" }, { "bac", "baccalauréat" }, { "bac", "série" },
    { "bac", "série du bac" }, { "bac", "type bac" }, { "bac", "bac obtenu" },
    { "boursier", "boursier du lycée" }, { "boursier", "bourse" }, { "boursier", "boursière" },
    { "boursier", "boursier lycée" }, { "boursier", "bourse du lycée" },
    { "resident", "résident" }, { "resident", "résidente" }, { "resident", "résident académie" },
    { "residence", "académie de résidence" }, { "residence", "académie résidence" },
    { "rank", "classement" }, { "rank", "rang" }, { "rank", "rang de classement" },
    { "rank", "rang classement" }, { "rank", "classement pédagogique" },
    /* vœux */
    { "candidate_id", "candidat" }, { "candidate_id", "id candidat" },
    { "candidate_id", "numéro candidat" }, { "candidate_id", "n° candidat" },
    { "candidate_id", "numéro de dossier" }, { "candidate_id", "n° dossier" },
    { "preference", "préférence" }, { "preference", "ordre de préférence" },
    { "preference", "rang du vœu" }, { "preference", "vœu" }, { "preference", "voeu" },
    /* formations, and the columns of the open dataset */
    { "formation_id", "formation" }, { "formation_id", "code formation" },
    { "formation_id", "id formation" }, { "formation_id", "cod_aff_form" },
    { "formation_id", "code d'affectation" },
    { "capacity", "capacité" }, { "capacity", "capa_fin" }, { "capacity", "places" },
    { "capacity", "nombre de places" }, { "capacity", "capacité d'accueil" },
    { "capacity", "capacité de l'établissement par formation" },
    { "min_techno", "taux minimum techno" }, { "min_techno", "taux minimum bac technologique" },
    { "min_techno", "taux techno" },
    { "min_pro", "taux minimum pro" }, { "min_pro", "taux minimum bac professionnel" },
    { "min_pro", "taux pro" },
    { "min_boursier", "taux minimum boursiers" }, { "min_boursier", "taux minimum boursier" },
    { "min_boursier", "taux boursiers" },
    { "min_resident", "taux minimum résidents" }, { "min_resident", "taux minimum résident" },
    { "min_resident", "taux résidents" },
    { "annex", "annexe" },
    { "academie", "académie" }, { "academie", "acad_mies" },
    { "academie", "académie de l'établissement" },
    { "establishment", "établissement" }, { "establishment", "g_ea_lib_vx" },
    { "commune", "ville_etab" }, { "commune", "ville" }, { "commune", "commune de l'établissement" },
    { "program", "formation intitulé" }, { "program", "filière" }, { "program", "lib_for_voe_ins" },
    { "program", "filière de formation" },
    { "applicants", "voe_tot" }, { "applicants", "candidats" },
    { "applicants_general", "nb_voe_pp_bg" }, { "applicants_techno", "nb_voe_pp_bt" },
    { "applicants_pro", "nb_voe_pp_bp" },
    { "applicants_general_boursier", "nb_voe_pp_bg_brs" },
    { "applicants_techno_boursier", "nb_voe_pp_bt_brs" },
    { "applicants_pro_boursier", "nb_voe_pp_bp_brs" },
    { "admitted", "acc_tot" }, { "admitted", "admis" },
    { "admitted_general", "acc_bg" }, { "admitted_techno", "acc_bt" }, { "admitted_pro", "acc_bp" },
    { "admitted_boursier", "acc_brs" },
};

int colmap_same_name(const char *a, size_t alen, const char *b, size_t blen)
{
    char x[160], y[160];
    suggest_fold(a, alen, x, sizeof x);
    suggest_fold(b, blen, y, sizeof y);
    return strcmp(x, y) == 0;
}

/* 1 when the folded text h is s once folded. The first letter is compared first: most
 * names differ there, and folding is the costly part (once per header, not per row). */
static int folds_to(const char *h, const char *s)
{
    char y[160];
    size_t n = strlen(s);
    if (suggest_fold(s, n < 2 ? n : 2, y, sizeof y) && y[0] != h[0]) return 0;
    suggest_fold(s, n, y, sizeof y);
    return strcmp(h, y) == 0;
}

/* 1 when header text h (folded) names field `name`. */
static int names_field(const char *h, const char *name)
{
    if (folds_to(h, name)) return 1;
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (aliases[i].field[0] == name[0] && strcmp(aliases[i].field, name) == 0 && folds_to(h, aliases[i].alias))
            return 1;
    return 0;
}

int colmap_is_field(const char *h, size_t len, const char *field)
{
    char folded[160];
    suggest_fold(h, len, folded, sizeof folded);
    return folded[0] && names_field(folded, field);
}

const char *colmap_aliases(const char *name, char *buf, size_t n)
{
    size_t len = (size_t)snprintf(buf, n, "%s", name);
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0] && len < n; i++)
        if (strcmp(aliases[i].field, name) == 0 && !colmap_same_name(aliases[i].alias, strlen(aliases[i].alias),
                                                                     name, strlen(name)))
            len += (size_t)snprintf(buf + len, n - len, ", %s", aliases[i].alias);
    if (strcmp(name, "resident") == 0 && len < n)
        snprintf(buf + len, n - len, ", or an 'acad\xc3\xa9mie de r\xc3\xa9sidence' column with --academie NAME");
    return buf;
}

int colmap_field_of(const colmap *m, size_t f)
{
    for (int i = 0; i < m->nfields; i++)
        if (m->at[i] >= 0 && (size_t)m->at[i] == f) return i;
    return -1;
}

static int field_index(const colmap *m, const char *name, size_t len)
{
    for (int i = 0; i < m->nfields; i++)
        if (strlen(m->fields[i].name) == len && memcmp(m->fields[i].name, name, len) == 0) return i;
    return -1;
}

/* The header's fields as one quoted list, for messages. */
static void list_headers(const csv_row *h, char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t f = 0; f < h->nfields && len + 8 < n; f++)
        len += (size_t)snprintf(buf + len, n - len, "%s'%.*s'", f ? ", " : "",
                                (int)(h->len[f] < 60 ? h->len[f] : 60), h->field[f]);
}

/* One "field=Header" entry of the mapping, applied when it concerns this kind of file.
 * Returns 0, or -1 with why. */
static int apply_mapping(colmap *m, const char *e, size_t elen, const csv_row *h, char *why,
                         size_t whylen, const char *const *all_fields, size_t nall)
{
    const char *eq = memchr(e, '=', elen);
    if (!eq) {
        snprintf(why, whylen, "--columns: '%.*s' is not field=Header", (int)elen, e);
        return -1;
    }
    const char *field = e;
    size_t flen = (size_t)(eq - e);
    const char *dot = memchr(field, '.', flen);
    if (dot) {   /* "wishes.rank=Rang": only for that kind of file */
        if ((size_t)(dot - field) != strlen(m->kind) || memcmp(field, m->kind, (size_t)(dot - field)) != 0)
            return 0;
        flen -= (size_t)(dot + 1 - field);
        field = dot + 1;
    }
    const char *header = eq + 1;
    size_t hlen = elen - (size_t)(header - e);
    int i = field_index(m, field, flen);
    if (i < 0) {
        for (size_t k = 0; k < nall; k++)   /* a field of another file of the same command */
            if (strlen(all_fields[k]) == flen && memcmp(all_fields[k], field, flen) == 0) return 0;
        for (size_t k = 0; k < sizeof aliases / sizeof aliases[0]; k++)   /* establishment, program... */
            if (strlen(aliases[k].field) == flen && memcmp(aliases[k].field, field, flen) == 0) return 0;
        char word[64], list[600];
        snprintf(word, sizeof word, "%.*s", (int)(flen < 60 ? flen : 60), field);
        const char *names[COLMAP_MAX];
        size_t len = 0;
        list[0] = '\0';
        for (int k = 0; k < m->nfields; k++) {
            names[k] = m->fields[k].name;
            len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", k ? ", " : "", names[k]);
            if (len >= sizeof list) len = sizeof list - 1;
        }
        const char *near = suggest_closest(word, names, (size_t)m->nfields);
        if (near)
            snprintf(why, whylen, "--columns: unknown field '%s' (did you mean '%s'?); the fields of a %s file: %s",
                     word, near, m->kind, list);
        else
            snprintf(why, whylen, "--columns: unknown field '%s'; the fields of a %s file: %s", word, m->kind, list);
        return -1;
    }
    for (size_t f = 0; f < h->nfields; f++)
        if (colmap_same_name(h->field[f], h->len[f], header, hlen)) {
            m->at[i] = (int)f;
            m->how[i] = CM_MAPPED;
            return 0;
        }
    char heads[600];
    list_headers(h, heads, sizeof heads);
    snprintf(why, whylen, "--columns %.*s=%.*s: no column '%.*s' in the header; its columns are %s",
             (int)flen, field, (int)(hlen < 60 ? hlen : 60), header, (int)(hlen < 60 ? hlen : 60), header,
             heads);
    return -1;
}

/* The next "field=Header" entry of a --columns text into buf (unquoted), *map moved past
 * its ','. A header holding a ',' (or a '"') is written in double quotes, a quote inside
 * doubled, as in CSV: rank="Rang, classement". 0, or -1 with why. */
static int next_mapping(const char **map, char *buf, size_t cap, size_t *len, char *why, size_t whylen)
{
    const char *s = *map, *start = s;
    size_t n = 0;
    int value = 0;   /* after the '=' */
    while (*s == ' ') s++;
    for (; *s && *s != ','; s++) {
        if (*s == '=') value = 1;
        if (!value || *s != '"') {
            if (n + 1 < cap) buf[n++] = *s;
            continue;
        }
        for (s++;; s++) {   /* a quoted part of the header */
            if (*s == '\0') {
                size_t shown = strlen(start) < 80 ? strlen(start) : 80;
                snprintf(why, whylen, "--columns: the quote opened in '%.*s' is never closed (a header "
                         "holding a comma is written field=\"Header, name\")", (int)shown, start);
                return -1;
            }
            if (*s == '"' && s[1] != '"') break;
            if (*s == '"') s++;   /* "" inside quotes: one quote */
            if (n + 1 < cap) buf[n++] = *s;
        }
    }
    buf[n] = '\0';
    *len = n;
    *map = *s ? s + 1 : NULL;
    return 0;
}

static const char *const every_field[] = {
    "id", "bac", "boursier", "resident", "residence", "rank", "candidate_id", "formation_id",
    "preference", "capacity", "min_techno", "min_pro", "min_boursier", "min_resident",
};

int colmap_resolve(colmap *m, const char *kind, const colmap_field *fields, int nfields,
                   const csv_row *h, const input_opts *opts, const char *expect,
                   char *why, size_t whylen, size_t *bad_field)
{
    m->kind = kind;
    m->fields = fields;
    m->nfields = nfields < COLMAP_MAX ? nfields : COLMAP_MAX;
    m->explaining = opts && opts->explain;
    for (int i = 0; i < m->nfields; i++) { m->at[i] = -1; m->how[i] = CM_ABSENT; m->column[i] = 0; }
    *bad_field = 0;
    /* explicit mappings first: they win over names and aliases */
    const char *map = opts ? opts->columns : NULL;
    char entry[512];
    size_t elen;
    while (map && *map) {
        if (next_mapping(&map, entry, sizeof entry, &elen, why, whylen) != 0) return -1;
        if (elen && apply_mapping(m, entry, elen, h, why, whylen, every_field,
                                  sizeof every_field / sizeof every_field[0]) != 0)
            return -1;
    }
    for (size_t f = 0; f < h->nfields; f++) {
        if (colmap_field_of(m, f) >= 0) continue;   /* mapped */
        char folded[160];
        suggest_fold(h->field[f], h->len[f], folded, sizeof folded);
        if (!folded[0]) continue;
        for (int i = 0; i < m->nfields; i++) {
            if (!names_field(folded, fields[i].name)) continue;
            if (m->how[i] == CM_MAPPED) break;       /* the mapping chose another column */
            if (m->at[i] >= 0) {
                size_t first = (size_t)m->at[i];
                snprintf(why, whylen, "ambiguous columns: '%.*s' (column %zu) and '%.*s' (column %zu) "
                         "both mean '%s'; keep one, or choose with --columns %s=HEADER",
                         (int)(h->len[first] < 60 ? h->len[first] : 60), h->field[first], csv_column(h, first),
                         (int)(h->len[f] < 60 ? h->len[f] : 60), h->field[f], csv_column(h, f), fields[i].name,
                         fields[i].name);
                *bad_field = f;
                return -1;
            }
            m->at[i] = (int)f;
            char own[160];
            suggest_fold(fields[i].name, strlen(fields[i].name), own, sizeof own);
            m->how[i] = strcmp(own, folded) == 0 ? CM_NAME : CM_ALIAS;
            break;
        }
    }
    for (int i = 0; i < m->nfields; i++) {
        if (!fields[i].required || m->at[i] >= 0) continue;
        if (strcmp(fields[i].name, "resident") == 0 && field_index(m, "residence", 9) >= 0 &&
            m->at[field_index(m, "residence", 9)] >= 0)
            continue;   /* résident from the académie de résidence, checked by the caller */
        char names[700], heads[600];
        colmap_aliases(fields[i].name, names, sizeof names);
        list_headers(h, heads, sizeof heads);
        /* a header close to one of the accepted names is probably it, mistyped */
        /* the header's own text, copied: a field on the fast path is not NUL-terminated */
        const char *near = NULL;
        char near_word[128];
        for (size_t f = 0; f < h->nfields && !near; f++) {
            char word[128];
            snprintf(word, sizeof word, "%.*s", (int)(h->len[f] < 120 ? h->len[f] : 120), h->field[f]);
            if (colmap_field_of(m, f) >= 0) continue;
            const char *one[1] = { fields[i].name };
            if (suggest_closest(word, one, 1)) { near = strcpy(near_word, word); *bad_field = f; }
            for (size_t k = 0; k < sizeof aliases / sizeof aliases[0] && !near; k++)
                if (strcmp(aliases[k].field, fields[i].name) == 0) {
                    one[0] = aliases[k].alias;
                    if (suggest_closest(word, one, 1)) { near = strcpy(near_word, word); *bad_field = f; }
                }
        }
        /* names[] starts with the field's own name: the aliases follow its ", " */
        const char *others = strchr(names, ',') ? strchr(names, ',') + 2 : NULL;
        int w = snprintf(why, whylen, "missing column '%s' (the header must name %s)", fields[i].name, expect);
        if (w > 0 && (size_t)w < whylen && near)
            w += snprintf(why + w, whylen - (size_t)w, "; did you mean '%s'?", near);
        else if (w > 0 && (size_t)w < whylen)
            w += snprintf(why + w, whylen - (size_t)w, "; the file's columns are %s", heads);
        if (w > 0 && (size_t)w < whylen)
            snprintf(why + w, whylen - (size_t)w, "; '%s' may also be written %s, or mapped with --columns %s=HEADER",
                     fields[i].name, others ? others : "only so", fields[i].name);
        return -1;
    }
    for (int i = 0; i < m->nfields; i++)
        if (m->at[i] >= 0) m->column[i] = csv_column(h, (size_t)m->at[i]);
    if (m->explaining) {
        for (int i = 0; i < m->nfields; i++) {
            if (m->at[i] < 0) continue;
            size_t f = (size_t)m->at[i];
            explain_printf(&m->cols, "    %-14s <- column %zu '%.*s'%s\n", fields[i].name, csv_column(h, f),
                           (int)h->len[f], h->field[f],
                           m->how[i] == CM_MAPPED ? " (--columns)" : m->how[i] == CM_ALIAS ? " (alias)" : "");
        }
        for (size_t f = 0; f < h->nfields; f++)
            if (colmap_field_of(m, f) < 0)
                explain_printf(&m->cols, "    %-14s    column %zu '%.*s'\n", "(not used)", csv_column(h, f),
                               (int)h->len[f], h->field[f]);
        int residence = field_index(m, "residence", 9);
        for (int i = 0; i < m->nfields && i < 6; i++) {   /* the main fields, not every optional one */
            if (m->at[i] >= 0) continue;
            if (strcmp(fields[i].name, "resident") == 0 && residence >= 0 && m->at[residence] >= 0)
                explain_printf(&m->cols, "    %-14s    from column %zu: lives in the acad\xc3\xa9mie %s\n",
                               fields[i].name, m->column[residence],
                               opts->academie && opts->academie[0] ? opts->academie : "(--academie missing)");
            else
                explain_printf(&m->cols, "    %-14s    absent (optional)\n", fields[i].name);
        }
    }
    return 0;
}

void colmap_explain_file(const colmap *m, const input_opts *opts, const char *name,
                         const csv_stats *st)
{
    explain *e = opts ? opts->explain : NULL;
    if (!e) return;
    if (opts->brief) {
        explain_printf(e, "admit: %s: %s, '%c'-separated, %zu rows", name,
                       st->cp1252 ? "Windows-1252" : "UTF-8", st->delim, st->rows);
        if (st->skipped) explain_printf(e, " (%zu empty skipped)", st->skipped);
        if (st->unnamed) explain_printf(e, " (%zu unnamed empty column%s skipped)", st->unnamed,
                                        st->unnamed > 1 ? "s" : "");
        int shown = 0;
        for (int i = 0; i < m->nfields; i++)
            if (m->at[i] >= 0 && m->how[i] != CM_NAME)
                explain_printf(e, "%s %s <- column %zu", shown++ ? "," : ";", m->fields[i].name, m->column[i]);
        explain_printf(e, "\n");
        return;
    }
    explain_printf(e, "%s (%s file)\n", name, m->kind);
    explain_printf(e, "  encoding   %s%s, line ends %s\n",
                   st->cp1252 ? "Windows-1252 (converted to UTF-8)" : "UTF-8",
                   st->bom ? " with a byte order mark" : "", st->crlf ? "CR LF" : "LF");
    explain_printf(e, "  separator  '%c'\n", st->delim);
    explain_printf(e, "  header     line %zu: %s\n", st->header_line, st->header);
    explain_printf(e, "  columns\n%s", m->cols.text ? m->cols.text : "");
    if (st->unnamed) {   /* Excel's "id;rank;;;": columns with no name, blank on every row */
        explain_printf(e, "    %-14s    column%s", "(no name)", st->unnamed > 1 ? "s" : "");
        size_t shown = st->unnamed < 8 ? st->unnamed : 8;
        for (size_t i = 0; i < shown; i++)
            explain_printf(e, "%s %zu", i ? "," : "", st->unnamed_col[i]);
        explain_printf(e, "%s: no name in the header and empty on every row, skipped\n",
                       st->unnamed > shown ? ", ..." : "");
    }
    explain_printf(e, "  rows       %zu read", st->rows);
    if (st->skipped) {
        explain_printf(e, ", %zu skipped (entirely empty: line", st->skipped);
        size_t shown = st->skipped < 8 ? st->skipped : 8;
        for (size_t i = 0; i < shown; i++)
            explain_printf(e, "%s %zu", i ? "," : (shown > 1 ? "s" : ""), st->skipped_line[i]);
        explain_printf(e, "%s)", st->skipped > shown ? ", ..." : "");
    }
    explain_printf(e, "\n");
}

int colmap_csv_tail(const csv_row *row, size_t skip, char *buf, size_t n)
{
    size_t len = 0;
    for (size_t f = 0; f < row->nfields; f++) {
        if (f == skip) continue;
        const char *s = row->field[f];
        size_t l = row->len[f];
        while (l && (*s == ' ' || *s == '\t')) { s++; l--; }
        while (l && (s[l - 1] == ' ' || s[l - 1] == '\t')) l--;
        int quote = memchr(s, ',', l) || memchr(s, '"', l) || memchr(s, '\n', l) ||
                    memchr(s, '\r', l) || memchr(s, ';', l);
        if (len + 2 * l + 4 >= n) return -1;
        buf[len++] = ',';
        if (quote) buf[len++] = '"';
        for (size_t i = 0; i < l; i++) {
            if (s[i] == '"') buf[len++] = '"';
            buf[len++] = s[i];
        }
        if (quote) buf[len++] = '"';
    }
    buf[len] = '\0';
    return 0;
}

void colmap_free(colmap *m)
{
    explain_free(&m->cols);
}

int colmap_residence(const colmap *m, const input_opts *opts, const csv_row *h, size_t *field,
                     char *folded, size_t cap, char *why, size_t whylen)
{
    int resident = -1, residence = -1;
    for (int i = 0; i < m->nfields; i++) {
        if (strcmp(m->fields[i].name, "resident") == 0) resident = i;
        if (strcmp(m->fields[i].name, "residence") == 0) residence = i;
    }
    *field = SIZE_MAX;
    if (resident < 0 || residence < 0 || m->at[resident] >= 0 || m->at[residence] < 0) return 0;
    size_t f = (size_t)m->at[residence];
    if (!opts || !opts->academie || !opts->academie[0]) {
        snprintf(why, whylen, "no resident column: column '%.*s' gives the acad\xc3\xa9mie de "
                 "r\xc3\xa9sidence, so say which acad\xc3\xa9mie is the formation's "
                 "(--academie NAME, or {academie = NAME})", (int)(h->len[f] < 60 ? h->len[f] : 60),
                 h->field[f]);
        *field = f;
        return -1;
    }
    suggest_fold(opts->academie, strlen(opts->academie), folded, cap);
    *field = f;
    return 0;
}

int colmap_resident_of(const char *v, size_t len, const char *folded_academie)
{
    char folded[160];
    suggest_fold(v, len, folded, sizeof folded);
    return strcmp(folded, folded_academie) == 0;
}

int colmap_mapped(const char *columns, const char *kind, const char *field, char *header, size_t cap)
{
    char entry[512], why[256];
    size_t elen, flen = strlen(field), klen = strlen(kind);
    int found = 0;
    for (const char *map = columns; map && *map;) {
        if (next_mapping(&map, entry, sizeof entry, &elen, why, sizeof why) != 0) return 0;
        const char *eq = memchr(entry, '=', elen), *f = entry;
        if (!eq) continue;
        size_t n = (size_t)(eq - entry);
        if (n > klen && entry[klen] == '.' && memcmp(entry, kind, klen) == 0) { f += klen + 1; n -= klen + 1; }
        else if (memchr(entry, '.', n)) continue;   /* for another kind of file */
        if (n == flen && memcmp(f, field, n) == 0) {
            snprintf(header, cap, "%s", eq + 1);
            found = 1;   /* the last entry wins, as in colmap_resolve */
        }
    }
    return found;
}
