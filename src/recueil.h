/* recueil.h — import of a "recueil des actes administratifs" text (the Markdown-like
 * extraction of the rectorat's decrees) into the three annex CSV files. Lua-free.
 *
 * Decrees are found by their number line ("N° L-23-155"), annexes by their headings
 * ("OBJECTIFS MINIMAUX ... - Académie de Lille -", bold or not, on one line or several),
 * tables by their header rows; never by line numbers. Every defect that prevents a
 * faithful import is a located error; defects of the source that can be carried over
 * faithfully (cut labels, duplicate keys, homonyms) are reported as anomalies. */
#ifndef ADMIT_RECUEIL_H
#define ADMIT_RECUEIL_H

#include <stddef.h>

#include "annex.h"
#include "errloc.h"

typedef struct recueil_row {
    annex_kind kind;
    annex_academie academie;
    char *establishment, *commune, *program;   /* NFC, trimmed; commune "" for IUT */
    int min_pct;
    size_t line;                                /* line in the source */
} recueil_row;

typedef struct recueil_decree {
    char number[32];        /* "L-23-155" */
    size_t line;            /* of the "N° ..." line */
    char date_text[64];     /* "5 mai 2023", as written after "Fait à ..., le" */
    char date_iso[16];      /* "2023-05-05" */
    int kind;               /* annex_kind of its tables, -1 until a heading is seen */
    size_t rows[ACAD_N];    /* rows per académie */
    size_t first_line[ACAD_N], last_line[ACAD_N];
} recueil_decree;

typedef enum {
    ANOMALY_CUT_LABEL,      /* a label that ends in the middle of a word */
    ANOMALY_DUPLICATE_KEY,  /* same (establishment, commune, label), another rate */
    ANOMALY_HOMONYM         /* same establishment name in several communes */
} anomaly_kind;

typedef struct recueil_anomaly {
    anomaly_kind kind;
    size_t row;             /* index in rows */
    char *detail;           /* one sentence, malloc'd */
} recueil_anomaly;

#define RECUEIL_MAX_DECREES 16

typedef struct recueil {
    char *source_name;      /* base name of the source, for messages and SOURCE.md */
    unsigned char sha256[32];
    size_t bytes, lines;
    int last_line_open;     /* the last line has no line break (wc -l counts one less) */
    char title[256];        /* "RECUEIL DES ACTES ADMINISTRATIFS N°..." if present */
    char published[128];    /* "Publié le 23 mai 2023" if present */
    recueil_decree decrees[RECUEIL_MAX_DECREES];
    size_t ndecrees;
    recueil_row *rows;
    size_t nrows, rows_cap;
    recueil_anomaly *anomalies;
    size_t nanomalies, anomalies_cap;
} recueil;

/* Parses the text buf[0..len) named `name` (used in messages) into rc (zeroed first).
 * Returns 0, or -1 with err "name:line:col: what" (rc must still be freed). */
int recueil_parse(recueil *rc, const char *name, const char *buf, size_t len, errloc *err);

/* Finds the anomalies of the parsed rows (cut labels, duplicate keys, homonyms), in a
 * deterministic order. Returns 0, or -1 when out of memory. */
int recueil_find_anomalies(recueil *rc);
const char *recueil_anomaly_name(anomaly_kind k);   /* "cut-label", ... */

/* Writes DIR/iut-techno.csv, bts-pro.csv, sante-boursiers.csv, anomalies.csv and
 * SOURCE.md, all or nothing (atomic directory). Returns 0, or -1 with err. */
int recueil_write(const recueil *rc, const char *dir, errloc *err);

/* The whole import: read path, parse, find anomalies, write dir. */
int recueil_import(recueil *rc, const char *path, const char *dir, errloc *err);

void recueil_free(recueil *rc);

#endif
