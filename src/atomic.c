/* atomic.c — temporary-then-rename outputs, so that an error never leaves a half-written
 * file and never destroys the previous result. Data is flushed to disk before the rename
 * (a crash right after must not leave an empty file in place of the old one); a file
 * keeps the permissions of the one it replaces (new ones follow the umask); a directory
 * is swapped in one step with renameat2(RENAME_EXCHANGE) where the file system has it. */
#define _GNU_SOURCE   /* renameat2 */
#include "atomic.h"
#include "outmark.h"

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

/* What a non-regular file is, for the message; NULL for a regular file or none. */
static const char *not_regular(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0 || S_ISREG(st.st_mode)) return NULL;
    return S_ISLNK(st.st_mode) ? "a symbolic link" : S_ISDIR(st.st_mode) ? "a directory"
         : S_ISFIFO(st.st_mode) ? "a FIFO (named pipe)" : S_ISSOCK(st.st_mode) ? "a socket"
         : "a device";
}

/* 0 when path may receive an output: absent, or a regular file (which the output
 * replaces). A link, FIFO, device or folder is refused: replacing it would not write where
 * it leads, and would destroy it. */
static int check_file_target(const char *path, errloc *err)
{
    if (path[0] == '\0') {
        errloc_set(err, "\"\"", 0, 0, "is not a file name: give the name of the file to write");
        return -1;
    }
    const char *what = not_regular(path);
    if (what) {
        errloc_set(err, path, 0, 0, "is %s, and admit replaces only regular files (it writes "
                   "a new file, then renames it over the old one): give another file name", what);
        return -1;
    }
    return 0;
}

int atomic_open(atomic_file *af, const char *path, errloc *err)
{
    memset(af, 0, sizeof *af);
    if (check_file_target(path, err) != 0) return -1;
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
    if (check_file_target(af->target, err) != 0) {   /* it may have changed meanwhile */
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

/* An output folder is replaced whole. So that nothing of an officer's is ever lost (a
 * workbook saved beside the results, ~/Documents given by mistake), admit only replaces a
 * folder that is empty or holds nothing but what it wrote there, unchanged: the marker
 * (outmark.h) lists those files with their checksums. */

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

/* The folder above path ("." when there is none), malloc'd. */
static char *parent_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash) return strdup(".");
    if (slash == path) return strdup("/");
    return strndup(path, (size_t)(slash - path));
}

/* The output path itself, without trailing slashes; refuses what cannot name a folder of
 * its own ("", ".", "..", "d/.": renaming over them is impossible or would replace the
 * folder above). NULL with err. */
static char *output_name(const char *dir, errloc *err)
{
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/') n--;
    char *name = strndup(dir, n);
    if (!name) { errloc_set(err, dir, 0, 0, "out of memory"); return NULL; }
    const char *base = strrchr(name, '/');
    base = base ? base + 1 : name;
    if (n == 0 || strcmp(base, ".") == 0 || strcmp(base, "..") == 0 || strcmp(name, "/") == 0) {
        errloc_set(err, n == 0 ? "\"\"" : dir, 0, 0, "is not a name for an output folder: "
                   "give the folder's own name (for instance out or results/run1)");
        free(name);
        return NULL;
    }
    return name;
}

/* 0 when dir may be created or replaced; the name is the one output_name gave. */
static int check_target(const char *dir, errloc *err)
{
    struct stat st;
    /* the new folder is built beside the target, then renamed: the folder above must
     * exist and be writable */
    char *parent = parent_of(dir);
    if (!parent) { errloc_set(err, dir, 0, 0, "out of memory"); return -1; }
    int pok = stat(parent, &st) == 0 && S_ISDIR(st.st_mode);
    if (!pok) errloc_set(err, dir, 0, 0, "cannot create the output directory: the folder "
                         "above it, %s, does not exist", parent);
    else if (access(parent, W_OK | X_OK) != 0) {
        errloc_set(err, dir, 0, 0, "cannot create the output directory in %s: %s", parent,
                   strerror(errno));
        pok = 0;
    }
    free(parent);
    if (!pok) return -1;
    if (lstat(dir, &st) != 0) {
        if (errno != ENOENT) {
            errloc_set(err, dir, 0, 0, "cannot use as the output folder: %s", strerror(errno));
            return -1;
        }
        return 0;   /* will be created */
    }
    if (S_ISLNK(st.st_mode)) {
        errloc_set(err, dir, 0, 0, "is a symbolic link, and admit does not write its output "
                   "folder through links (it would replace what the link points to): give the "
                   "real folder, or another output folder");
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        errloc_set(err, dir, 0, 0, "exists and is not a directory");
        return -1;
    }
    char cwd[PATH_MAX];
    if (getcwd(cwd, sizeof cwd) && path_within(cwd, dir)) {
        errloc_set(err, dir, 0, 0, "is the current folder or holds it, and an output folder "
                   "is replaced whole: choose another folder for the output");
        return -1;
    }
    return outmark_verify(dir, dir, err);
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
    char *name = output_name(dir, err);
    if (!name) return -1;
    int rc = check_target(name, err);
    free(name);
    return rc;
}

int atomic_dir_open(atomic_dir *ad, const char *dir, errloc *err)
{
    memset(ad, 0, sizeof *ad);
    ad->target = output_name(dir, err);
    if (!ad->target) return -1;
    if (check_target(ad->target, err) != 0) {
        atomic_dir_abort(ad);
        return -1;
    }
    ad->tmp = str_printf2(ad->target, ".tmp-XXXXXX");
    if (!ad->tmp) {
        errloc_set(err, dir, 0, 0, "out of memory");
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

int atomic_dir_replace_file(const char *dir, const char *name, const char *text, size_t len,
                            errloc *err)
{
    char *target = output_name(dir, err);
    if (!target) return -1;
    struct stat st;
    int rc = -1;
    char *path = str_printf2(target, "/");
    char *full = path ? str_printf2(path, name) : NULL;
    atomic_file af;
    if (!full) errloc_set(err, dir, 0, 0, "out of memory");
    else if (check_target(target, err) != 0)
        ;   /* a link, a file, a folder holding what admit did not write */
    else if (lstat(target, &st) != 0 || !S_ISDIR(st.st_mode))
        errloc_set(err, dir, 0, 0, "is not a folder");
    else if (atomic_open(&af, full, err) == 0) {
        fwrite(text, 1, len, af.fp);
        if (atomic_commit(&af, err) == 0 && outmark_update(target, name, err) == 0) rc = 0;
    }
    free(full);
    free(path);
    free(target);
    return rc;
}

int atomic_dir_known(atomic_dir *ad, const char *name, const uint8_t sha256[32], uint64_t size)
{
    outmark_known *k = realloc(ad->known, (ad->nknown + 1) * sizeof *k);
    if (!k) return -1;
    ad->known = k;
    k += ad->nknown;
    if (!(k->name = strdup(name))) return -1;
    memcpy(k->sha256, sha256, sizeof k->sha256);
    k->size = size;
    ad->nknown++;
    return 0;
}

static void forget_known(atomic_dir *ad)
{
    for (size_t i = 0; i < ad->nknown; i++) free(ad->known[i].name);
    free(ad->known);
    ad->known = NULL;
    ad->nknown = 0;
}

char *atomic_dir_path(const atomic_dir *ad, const char *name)
{
    size_t n = strlen(ad->tmp) + strlen(name) + 2;
    char *p = malloc(n);
    if (p) snprintf(p, n, "%s/%s", ad->tmp, name);
    return p;
}

/* The previous output, now under the temporary name old, goes; if it cannot (it was
 * checked, so this is rare), the message says where it was left. */
static int drop_previous(atomic_dir *ad, const char *old, errloc *err)
{
    errloc why;
    if (outmark_remove(old, &why) == 0) return 0;
    errloc_set(err, ad->target, 0, 0, "written, but the previous output could not be removed "
               "and is left in %s (%s)", old, why.msg);
    return -1;
}

int atomic_dir_commit(atomic_dir *ad, errloc *err)
{
    int marked = outmark_write(ad->tmp, ad->known, ad->nknown, err);
    forget_known(ad);
    if (marked != 0) {
        atomic_dir_abort(ad);
        return -1;
    }
    /* checked again: the run may have taken long, and an officer may have saved a file
     * into the old folder meanwhile */
    if (check_target(ad->target, err) != 0) {
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
    if (lstat(ad->target, &st) == 0 && S_ISDIR(st.st_mode)
        && renameat2(AT_FDCWD, ad->tmp, AT_FDCWD, ad->target, RENAME_EXCHANGE) == 0) {
        int rc = drop_previous(ad, ad->tmp, err);
        free(old);
        free(ad->tmp);
        free(ad->target);
        memset(ad, 0, sizeof *ad);
        return rc;
    }
    if (lstat(ad->target, &st) == 0) {
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
    int rc = had_old ? drop_previous(ad, old, err) : 0;
    free(old);
    free(ad->tmp);
    free(ad->target);
    ad->tmp = ad->target = NULL;
    return rc;
}

void atomic_dir_abort(atomic_dir *ad)
{
    forget_known(ad);
    if (ad->tmp) remove_tree(ad->tmp);   /* the temporary folder: only what this run wrote */
    free(ad->tmp);
    free(ad->target);
    memset(ad, 0, sizeof *ad);
}
