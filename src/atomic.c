/* atomic.c — temporary-then-rename outputs, so that an error never leaves a half-written
 * file and never destroys the previous result. Data is flushed to disk before the rename
 * (a crash right after must not leave an empty file in place of the old one); a file
 * keeps the permissions of the one it replaces (new ones follow the umask); a directory
 * is swapped in one step with renameat2(RENAME_EXCHANGE) where the file system has it. */
#define _GNU_SOURCE   /* renameat2 */
#include "atomic.h"

#include <dirent.h>
#include <limits.h>
#include <fcntl.h>
#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Mode for a new output: the replaced file's, else 0666 (0777 for a directory) less the
 * umask. */
static mode_t output_mode(const char *path, mode_t base)
{
    struct stat st;
    if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && base == 0666)
        return st.st_mode & 07777;
    mode_t mask = umask(0);
    umask(mask);
    return base & ~mask;
}

static char *str_printf2(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 1;
    char *s = malloc(n);
    if (s) snprintf(s, n, "%s%s", a, b);
    return s;
}

int atomic_open(atomic_file *af, const char *path, errloc *err)
{
    memset(af, 0, sizeof *af);
    af->target = strdup(path);
    af->tmp = str_printf2(path, ".tmp-XXXXXX");
    if (!af->target || !af->tmp) {
        errloc_set(err, path, 0, 0, "out of memory");
        atomic_abort(af);
        return -1;
    }
    int fd = mkstemp(af->tmp);
    if (fd < 0) {
        errloc_set(err, path, 0, 0, "cannot write: %s", strerror(errno));
        free(af->tmp);
        af->tmp = NULL;
        atomic_abort(af);
        return -1;
    }
    fchmod(fd, output_mode(path, 0666));
    af->fp = fdopen(fd, "wb");
    if (!af->fp) {
        close(fd);
        errloc_set(err, path, 0, 0, "cannot write: %s", strerror(errno));
        atomic_abort(af);
        return -1;
    }
    return 0;
}

int atomic_commit(atomic_file *af, errloc *err)
{
    int bad = ferror(af->fp);   /* errno still tells why, when an fwrite failed */
    if (fflush(af->fp) != 0) bad = 1;
    if (fsync(fileno(af->fp)) != 0 && errno != EINVAL) bad = 1;  /* EINVAL: a pipe, /dev/... */
    int saved = errno;
    bad |= fclose(af->fp);
    af->fp = NULL;
    if (bad) {
        errloc_set(err, af->target, 0, 0, "write failed: %s", saved ? strerror(saved) : "I/O error");
        atomic_abort(af);
        return -1;
    }
    if (rename(af->tmp, af->target) != 0) {
        errloc_set(err, af->target, 0, 0, "cannot rename into place: %s", strerror(errno));
        atomic_abort(af);
        return -1;
    }
    free(af->tmp);
    free(af->target);
    af->tmp = af->target = NULL;
    return 0;
}

void atomic_abort(atomic_file *af)
{
    if (af->fp) fclose(af->fp);
    if (af->tmp) unlink(af->tmp);
    free(af->tmp);
    free(af->target);
    memset(af, 0, sizeof *af);
}

/* ------------------------------------------------------------ directories */

static void remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
            size_t n = strlen(dir) + strlen(e->d_name) + 2;
            char *p = malloc(n);
            if (!p) continue;
            snprintf(p, n, "%s/%s", dir, e->d_name);
            struct stat st;
            if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode)) remove_tree(p);
            else unlink(p);
            free(p);
        }
        closedir(d);
    }
    rmdir(dir);
}

/* ------------------------------------------------ what an output folder may replace */

/* An output folder is replaced whole. So that an officer's own folder (~/Documents, the
 * folder holding the inputs) is never emptied by mistake, admit only replaces a folder
 * that is empty or that it wrote itself: the marker file below says so. */
#define ATOMIC_DIR_MARK ".admit-output"

/* 1 when path (existing) is dir or lies below it, comparing real paths. */
static int path_within(const char *path, const char *dir)
{
    char rp[PATH_MAX], rd[PATH_MAX];
    if (!realpath(path, rp) || !realpath(dir, rd))
        return 0;
    size_t n = strlen(rd);
    if (n == 1)  /* "/" holds everything */
        return 1;
    return strncmp(rp, rd, n) == 0 && (rp[n] == '\0' || rp[n] == '/');
}

/* 0 when dir may be replaced: empty, or written by admit (it holds the marker). */
static int check_replaceable(const char *dir, errloc *err)
{
    char cwd[PATH_MAX];
    if (getcwd(cwd, sizeof cwd) && path_within(cwd, dir)) {
        errloc_set(err, dir, 0, 0, "is the current folder or holds it, and an output folder "
                   "is replaced whole: choose another folder for the output");
        return -1;
    }
    DIR *d = opendir(dir);
    if (!d) {
        errloc_set(err, dir, 0, 0, "cannot read the folder: %s", strerror(errno));
        return -1;
    }
    int marked = 0, other = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        if (strcmp(e->d_name, ATOMIC_DIR_MARK) == 0) marked = 1;
        else other = 1;
    }
    closedir(d);
    if (other && !marked) {
        errloc_set(err, dir, 0, 0, "already holds files that admit did not write, and an output "
                   "folder is replaced whole: choose a new or empty folder for the output");
        return -1;
    }
    return 0;
}

int atomic_dir_guard_input(const char *dir, const char *input, errloc *err)
{
    struct stat st;
    if (input == NULL || stat(dir, &st) != 0 || stat(input, &st) != 0)
        return 0;
    if (path_within(input, dir)) {
        errloc_set(err, input, 0, 0, "is inside the output folder %s, which is replaced whole: "
                   "write the output to another folder", dir);
        return -1;
    }
    return 0;
}

int atomic_dir_check(const char *dir, errloc *err)
{
    struct stat st;
    if (stat(dir, &st) != 0)
        return 0;  /* will be created */
    if (!S_ISDIR(st.st_mode)) {
        errloc_set(err, dir, 0, 0, "exists and is not a directory");
        return -1;
    }
    return check_replaceable(dir, err);
}

/* Writes the marker that lets a later run replace this folder. */
static int write_mark(const atomic_dir *ad, errloc *err)
{
    char *path = atomic_dir_path(ad, ATOMIC_DIR_MARK);
    FILE *f = path ? fopen(path, "w") : NULL;
    int ok = f && fputs("This folder was written by admit; the next run with the same output "
                        "folder replaces it whole.\n", f) >= 0;
    if (f && fclose(f) != 0) ok = 0;
    if (!ok) errloc_set(err, ad->target, 0, 0, "cannot write: %s", strerror(errno));
    free(path);
    return ok ? 0 : -1;
}

int atomic_dir_open(atomic_dir *ad, const char *dir, errloc *err)
{
    memset(ad, 0, sizeof *ad);
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/') n--;
    ad->target = strndup(dir, n);
    ad->tmp = ad->target ? str_printf2(ad->target, ".tmp-XXXXXX") : NULL;
    if (!ad->tmp) {
        errloc_set(err, dir, 0, 0, "out of memory");
        atomic_dir_abort(ad);
        return -1;
    }
    struct stat st;
    if (stat(ad->target, &st) == 0 && !S_ISDIR(st.st_mode)) {
        errloc_set(err, dir, 0, 0, "exists and is not a directory");
        atomic_dir_abort(ad);
        return -1;
    }
    if (stat(ad->target, &st) == 0 && check_replaceable(ad->target, err) != 0) {
        atomic_dir_abort(ad);
        return -1;
    }
    if (!mkdtemp(ad->tmp)) {
        errloc_set(err, dir, 0, 0, "cannot create the output directory: %s", strerror(errno));
        free(ad->tmp);
        ad->tmp = NULL;
        atomic_dir_abort(ad);
        return -1;
    }
    chmod(ad->tmp, output_mode(ad->tmp, 0777));
    return 0;
}

char *atomic_dir_path(const atomic_dir *ad, const char *name)
{
    size_t n = strlen(ad->tmp) + strlen(name) + 2;
    char *p = malloc(n);
    if (p) snprintf(p, n, "%s/%s", ad->tmp, name);
    return p;
}

int atomic_dir_commit(atomic_dir *ad, errloc *err)
{
    if (write_mark(ad, err) != 0) {
        atomic_dir_abort(ad);
        return -1;
    }
    char *old = str_printf2(ad->target, ".old-XXXXXX");
    if (!old) {
        errloc_set(err, ad->target, 0, 0, "out of memory");
        atomic_dir_abort(ad);
        return -1;
    }
    int had_old = 0;
    struct stat st;
    /* One step when possible: the new directory takes the old one's place and the old
     * one lands under the temporary name, to be removed. */
    if (stat(ad->target, &st) == 0 && S_ISDIR(st.st_mode)
        && renameat2(AT_FDCWD, ad->tmp, AT_FDCWD, ad->target, RENAME_EXCHANGE) == 0) {
        free(old);
        atomic_dir_abort(ad);   /* removes what is now the old directory */
        return 0;
    }
    if (stat(ad->target, &st) == 0) {
        /* move the previous result aside first; put it back if the swap fails */
        if (!mkdtemp(old) || rename(ad->target, old) != 0) {
            errloc_set(err, ad->target, 0, 0, "cannot replace: %s", strerror(errno));
            rmdir(old);
            free(old);
            atomic_dir_abort(ad);
            return -1;
        }
        had_old = 1;
    }
    if (rename(ad->tmp, ad->target) != 0) {
        errloc_set(err, ad->target, 0, 0, "cannot rename into place: %s", strerror(errno));
        if (had_old) rename(old, ad->target);
        free(old);
        atomic_dir_abort(ad);
        return -1;
    }
    if (had_old) remove_tree(old);
    free(old);
    free(ad->tmp);
    free(ad->target);
    ad->tmp = ad->target = NULL;
    return 0;
}

void atomic_dir_abort(atomic_dir *ad)
{
    if (ad->tmp) remove_tree(ad->tmp);
    free(ad->tmp);
    free(ad->target);
    memset(ad, 0, sizeof *ad);
}
