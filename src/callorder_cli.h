/* callorder_cli.h — `admit callorder` end to end in C: CSV `id,rank,boursier,resident` in,
 * `id,call_rank` out, for speed on a million candidates. Lua-free. */
#ifndef ADMIT_CALLORDER_CLI_H
#define ADMIT_CALLORDER_CLI_H

#include <stdio.h>
#include "colmap.h"
#include "errloc.h"

typedef struct callorder_run_opts {
    int rate_boursier, rate_resident;   /* percent */
    int allow_ties;
    int keep_columns;                   /* write the input columns after id,call_rank */
    input_opts input;                   /* --columns, --academie, --explain */
} callorder_run_opts;

/* Reads path ("-" or NULL = stdin), computes the ordre d'appel with the rates (percent)
 * and writes the whole result to out only when everything succeeded. Returns 0, or -1
 * with err naming the problem and its line (nothing written to out). */
int callorder_cli_run(const char *path, int rate_boursier, int rate_resident, int allow_ties,
                      FILE *out, errloc *err);

/* The same with every option. */
int callorder_cli_run_opts(const char *path, const callorder_run_opts *ro, FILE *out, errloc *err);

/* The same on the text buf[0..len) named `name` in messages (fuzzing, tests). */
int callorder_cli_run_buffer(const char *name, const char *buf, size_t len, int rate_boursier,
                             int rate_resident, int allow_ties, FILE *out, errloc *err);

#endif
