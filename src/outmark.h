/* outmark.h — what admit wrote into an output folder, so that it never deletes or replaces
 * anything else. The marker file .admit-output lists each file admit wrote there with its
 * SHA-256, in the format of sha256sum (`cd DIR && sha256sum -c .admit-output` checks it).
 * A folder may be replaced only when it holds nothing but those files, unchanged, and
 * sub-folders that pass the same test (out/cohort of `make run`).
 *
 * Before each entry, a comment line (sha256sum skips lines that begin with '#') records the
 * file's size, mtime, ctime, device and inode as admit left it: a later check hashes the
 * file again only when any of them differs, or when its ctime is not older than the
 * marker's own (an edit in the same clock tick as the marker would keep the ctime; git's
 * "racy" rule), or on a file system whose ctime admit does not trust. No user tool sets a
 * ctime, so an edit always shows, even one that keeps the size and restores the mtime. */
#ifndef ADMIT_OUTMARK_H
#define ADMIT_OUTMARK_H

#include "errloc.h"

#define OUTMARK_NAME ".admit-output"

#include <stddef.h>
#include <stdint.h>

/* A file whose SHA-256 its writer took from the bytes as it wrote them, so that the
 * marker need not read it again (used when the file's size is still `size`). */
typedef struct outmark_known {
    char *name;
    uint8_t sha256[32];
    uint64_t size;
} outmark_known;

/* Writes the marker of dir, listing every regular file in it (sorted by name); the files
 * of known[0..nknown) are not read again. */
int outmark_write(const char *dir, const outmark_known *known, size_t nknown, errloc *err);

/* 0 when dir is empty or holds only what admit wrote, unchanged, and can be emptied by
 * this process; else -1 with err naming the first other entry (as display/NAME, in name
 * order) and the way out. */
int outmark_verify(const char *dir, const char *display, errloc *err);

/* After admit replaced its own file dir/name (already verified): the marker's entry for
 * name gets the file's new SHA-256 (added when absent). 0, or -1 with err. */
int outmark_update(const char *dir, const char *name, errloc *err);

/* Removes dir, verified beforehand: only the entries outmark_verify accepts are deleted;
 * anything else makes it stop (-1 with err) leaving that entry in place. */
int outmark_remove(const char *dir, errloc *err);

#endif
