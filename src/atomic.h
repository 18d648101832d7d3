/* atomic.h — outputs that appear whole or not at all: written under a temporary name
 * beside the target, renamed into place only when complete. */
#ifndef ADMIT_ATOMIC_H
#define ADMIT_ATOMIC_H

#include <stdint.h>
#include <stdio.h>
#include "errloc.h"
#include "outmark.h"

typedef struct atomic_file {
    FILE *fp;
    char *target;
    char *tmp;
} atomic_file;

/* Opens a temporary file next to path. Returns 0, or -1 with err. */
int atomic_open(atomic_file *af, const char *path, errloc *err);
/* Flushes, checks for write errors and renames over path. Returns 0, or -1 with err
 * (the temporary file is then removed and path left as it was). */
int atomic_commit(atomic_file *af, errloc *err);
/* Drops the temporary file; path is left as it was. Safe to call twice. */
void atomic_abort(atomic_file *af);

/* Directories: outputs are built in a fresh temporary directory beside dir, then
 * atomic_dir_commit swaps it into place (an existing dir is replaced only then). */
typedef struct atomic_dir {
    char *target;
    char *tmp;
    outmark_known *known;   /* files hashed by their writer (atomic_dir_known) */
    size_t nknown;
} atomic_dir;

/* Refuses (-1, err) a dir that exists and is neither empty nor written by admit (a marker
 * file .admit-output says so), or that holds the current folder: output folders are
 * replaced whole, and an officer's own files must never go with them. */
int atomic_dir_open(atomic_dir *ad, const char *dir, errloc *err);
/* The checks of atomic_dir_open alone, without creating anything: 0 or -1 with err. */
int atomic_dir_check(const char *dir, errloc *err);
/* -1 with err when the existing file input lies inside dir (it would be replaced). */
int atomic_dir_guard_input(const char *dir, const char *input, errloc *err);
/* Replaces (or adds) the one file name of an output folder admit wrote, whole, and records
 * it in the folder's marker: the folder must pass the checks of atomic_dir_check and hold
 * a marker. For a file made again from the folder's other files (report.html). */
int atomic_dir_replace_file(const char *dir, const char *name, const char *text, size_t len,
                            errloc *err);
/* The writer of name (in the temporary directory) hashed its bytes as it wrote them: the
 * marker takes that SHA-256 rather than reading the file again. 0, or -1 (out of memory:
 * the file is then simply hashed at the commit). */
int atomic_dir_known(atomic_dir *ad, const char *name, const uint8_t sha256[32], uint64_t size);
/* Path of name inside the temporary directory (malloc'd). */
char *atomic_dir_path(const atomic_dir *ad, const char *name);
int atomic_dir_commit(atomic_dir *ad, errloc *err);
void atomic_dir_abort(atomic_dir *ad);

#endif
