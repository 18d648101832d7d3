/* candidates.h — the candidates of a simulation as a C dataset, Lua-free: the four
 * columns every candidate has (id, bac, boursier, résident) plus any further columns,
 * numeric (grades, scores) or text. Loaded from CSV through csvread with located errors,
 * or built row by row. Shared by reference between views (refcount). */
#ifndef ADMIT_CANDIDATES_H
#define ADMIT_CANDIDATES_H

#include <stddef.h>
#include <stdint.h>
#include "errloc.h"
#include "idindex.h"
#include "strpool.h"

/* Kinds of column. The four required ones have fixed kinds. */
typedef enum { CC_ID, CC_BAC, CC_BOURSIER, CC_RESIDENT, CC_TEXT, CC_NUMBER } cand_kind;

typedef struct cand_column {
    const char *name;        /* interned */
    cand_kind kind;
    const char **text;       /* CC_TEXT: n values, NULL = empty cell */
    double *num;             /* CC_NUMBER: n values, NaN = empty cell */
} cand_column;

typedef struct cand_set {
    const char *name;        /* file it came from (interned), or "(list)" */
    size_t n, cap;
    size_t ncols;
    cand_column *col;        /* every column in file order */
    const char **id;         /* interned, never empty */
    uint8_t *bac;            /* BAC_GENERAL / BAC_TECHNO / BAC_PRO (groups.h) */
    uint8_t *boursier, *resident;
    uint32_t *line;          /* source line of each candidate (0 when built in code) */
    strpool *pool;
    idindex index;           /* built on first need when the ids were checked in bulk */
    int indexed;             /* index holds every row */
    int refs;
} cand_set;

/* Loads path ("-" = stdin). Returns a set with refs = 1, or NULL with err
 * ("file:line:col: what"). */
cand_set *cand_load(const char *path, errloc *err);
/* The same with column mappings, --academie and --explain (colmap.h); opts may be NULL. */
struct input_opts;
cand_set *cand_load_opts(const char *path, const struct input_opts *opts, errloc *err);

/* An empty set with only the four required columns, for building in code. */
cand_set *cand_new(const char *name);
/* Appends a candidate; returns its row, -1 out of memory, or -2 - r when id duplicates
 * row r. */
long long cand_add(cand_set *s, const char *id, size_t id_len, int bac, int boursier,
                   int resident, uint32_t line);

void cand_retain(cand_set *s);
void cand_release(cand_set *s);

/* Column by name (exact), or -1. */
int cand_column_index(const cand_set *s, const char *name);
/* Row of an id, or -1. */
long long cand_find(const cand_set *s, const char *id, size_t len);

/* Parses a bac as fieldval_bac does (the one bac parser: general/général/techno/
 * technologique/pro/professionnel, labels starting with them, série codes). BAC_* or -1. */
int cand_parse_bac(const char *s, size_t len);
const char *cand_bac_name(int bac);

/* Compares rows a and b on column c: numbers numerically, texts in byte order, empty
 * cells after any value. Returns <0, 0, >0. */
int cand_compare(const cand_set *s, int c, uint32_t a, uint32_t b);
/* 1 when row's cell of column c is empty (only extra columns can be). */
int cand_is_empty(const cand_set *s, int c, uint32_t row);
/* Compares ids: numerically when both are whole numbers, else in byte order. */
int cand_compare_ids(const cand_set *s, uint32_t a, uint32_t b);

#endif
