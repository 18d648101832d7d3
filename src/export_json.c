/* export_json.c — summary.json, formatted by hand: fixed key order, integers only, two
 * spaces of indentation, so that the same allocation gives the same bytes. */
#include "export.h"

static void json_string(FILE *fp, const char *s)
{
    putc('"', fp);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') fprintf(fp, "\\%c", c);
        else if (c < 0x20) fprintf(fp, "\\u%04x", c);
        else putc(c, fp);
    }
    putc('"', fp);
}

static void kinds_object(FILE *fp, const uint32_t v[NKINDS])
{
    fputc('{', fp);
    for (int k = 0; k < NKINDS; k++)
        fprintf(fp, "%s\"%s\": %u", k ? ", " : "", sim_kind_names[k], v[k]);
    fputc('}', fp);
}

static void reserved_object(FILE *fp, const uint64_t v[NRESERVED])
{
    fputc('{', fp);
    for (int g = 0; g < NRESERVED; g++)
        fprintf(fp, "%s\"%s\": %llu", g ? ", " : "", sim_reserved_names[g], (unsigned long long)v[g]);
    fputc('}', fp);
}

static void buckets(FILE *fp, const char *key, const char *label, const sim_bucket *b, uint32_t n)
{
    fprintf(fp, ",\n  \"%s\": [", key);
    for (uint32_t i = 0; i < n; i++) {
        fprintf(fp, "%s\n    {\"%s\": ", i ? "," : "", label);
        json_string(fp, b[i].name);
        fprintf(fp, ", \"formations\": %u, \"capacity\": %llu, \"admitted\": %u, \"with_minimum\": ",
                b[i].formations, (unsigned long long)b[i].capacity, b[i].admitted);
        kinds_object(fp, b[i].with_min);
        fputs(", \"not_met\": ", fp);
        kinds_object(fp, b[i].not_met);
        fputs(", \"reserved_seats\": ", fp);
        reserved_object(fp, b[i].reserved);
        fputs(", \"reserved_seats_empty\": ", fp);
        reserved_object(fp, b[i].reserved_empty);
        fputc('}', fp);
    }
    fputs(n ? "\n  ]" : "]", fp);
}

/* The open dataset's observed admitted beside the simulated ones, per kind, over the
 * formations whose row gives them (only when some do). */
static void observed(FILE *fp, const sim_summary *s)
{
    int any = 0;
    for (int k = 0; k < NOBSERVED; k++) any |= s->obs_formations[k] != 0;
    if (!any) return;
    fputs(",\n  \"observed\": {", fp);
    for (int k = 0; k < NOBSERVED; k++)
        fprintf(fp, "%s\n    \"%s\": {\"formations\": %u, \"observed_admitted\": %llu, \"observed\": %llu, "
                "\"simulated_admitted\": %llu, \"simulated\": %llu}", k ? "," : "", sim_kind_names[k],
                s->obs_formations[k], (unsigned long long)s->obs_admitted[k], (unsigned long long)s->obs_kind[k],
                (unsigned long long)s->sim_admitted[k], (unsigned long long)s->sim_kind[k]);
    fputs("\n  }", fp);
}

int export_summary_json(FILE *fp, const sim_report *rep)
{
    const sim_summary *s = &rep->sum;
    fprintf(fp, "{\n  \"mode\": \"%s\",\n  \"rounds\": %u,\n", sim_mode_name(s->mode), s->rounds);
    fprintf(fp, "  \"candidates\": %u,\n  \"wishes\": %u,\n  \"formations\": %u,\n  \"seats\": %llu,\n",
            s->candidates, s->wishes, s->formations, (unsigned long long)s->seats);
    fprintf(fp, "  \"with_wishes\": %u,\n  \"admitted\": %u,\n  \"unassigned\": %u,\n  \"first_choice\": %u,\n",
            s->with_wishes, s->admitted, s->unassigned, s->first_choice);
    fprintf(fp, "  \"candidates_by_bac\": {\"general\": %u, \"techno\": %u, \"pro\": %u},\n",
            s->cand_by_bac[BAC_GENERAL], s->cand_by_bac[BAC_TECHNO], s->cand_by_bac[BAC_PRO]);
    fprintf(fp, "  \"admitted_by_bac\": {\"general\": %u, \"techno\": %u, \"pro\": %u},\n",
            s->adm_by_bac[BAC_GENERAL], s->adm_by_bac[BAC_TECHNO], s->adm_by_bac[BAC_PRO]);
    fprintf(fp, "  \"boursiers\": %u,\n  \"boursiers_admitted\": %u,\n  \"minimums\": {",
            s->boursiers, s->boursiers_admitted);
    for (int k = 0; k < NKINDS; k++)
        fprintf(fp, "%s\n    \"%s\": {\"formations\": %u, \"met\": %u, \"not_met\": %u, "
                "\"not_enough_applicants\": %u, \"applicants_placed_elsewhere\": %u}",
                k ? "," : "", sim_kind_names[k], s->with_min[k], s->met[k],
                s->with_min[k] - s->met[k], s->not_enough[k], s->elsewhere[k]);
    fputs("\n  },\n  \"reserved_seats\": ", fp);
    reserved_object(fp, s->reserved);
    fputs(",\n  \"reserved_seats_empty\": ", fp);
    reserved_object(fp, s->reserved_empty);
    buckets(fp, "by_annex", "annex", s->by_annex, s->n_annex);
    buckets(fp, "by_academie", "academie", s->by_academie, s->n_academie);
    observed(fp, s);
    fputs("\n}\n", fp);
    return ferror(fp) ? -1 : 0;
}
