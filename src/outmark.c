/* outmark.c — the marker of an output folder (see outmark.h). */
#define _GNU_SOURCE   /* scandir, alphasort, strchrnul */
#include "outmark.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nettle/sha2.h>

#define HEX_LEN (2 * SHA256_DIGEST_SIZE)
#define MAX_DEPTH 8            /* sub-folders of sub-folders: admit writes one level */
#define WAY_OUT "move it out of the folder, or give another output folder"

static char *join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (p) snprintf(p, n, "%s/%s", dir, name);
    return p;
}

/* SHA-256 of a regular file, as lowercase hex. 0, or -1 (errno set). */
static int file_sha256(const char *path, char hex[HEX_LEN + 1])
{
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    struct sha256_ctx ctx;
    sha256_init(&ctx);
    static _Thread_local unsigned char buf[1 << 16];
    size_t got;
    while ((got = fread(buf, 1, sizeof buf, f)) > 0) sha256_update(&ctx, got, buf);
    int bad = ferror(f);
    fclose(f);
    if (bad) return -1;
    uint8_t digest[SHA256_DIGEST_SIZE];
    sha256_digest(&ctx, sizeof digest, digest);
    for (int i = 0; i < SHA256_DIGEST_SIZE; i++) snprintf(hex + 2 * i, 3, "%02x", digest[i]);
    return 0;
}

static int not_dots(const struct dirent *e)
{
    return strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
}

static void free_list(struct dirent **list, int n)
{
    for (int i = 0; i < n; i++) free(list[i]);
    free(list);
}

int outmark_write(const char *dir, errloc *err)
{
    struct dirent **list;
    int n = scandir(dir, &list, not_dots, alphasort);
    if (n < 0) {
        errloc_set(err, dir, 0, 0, "cannot read the folder: %s", strerror(errno));
        return -1;
    }
    char *mark = join(dir, OUTMARK_NAME);
    FILE *out = mark ? fopen(mark, "wx") : NULL;
    int rc = out ? 0 : -1;
    for (int i = 0; rc == 0 && i < n; i++) {
        char *path = join(dir, list[i]->d_name);
        struct stat st;
        char hex[HEX_LEN + 1];
        if (!path) rc = -1;
        else if (strcmp(list[i]->d_name, OUTMARK_NAME) == 0 || lstat(path, &st) != 0 || !S_ISREG(st.st_mode))
            ;   /* sub-folders carry their own marker */
        else if (file_sha256(path, hex) != 0 || fprintf(out, "%s  %s\n", hex, list[i]->d_name) < 0)
            rc = -1;
        free(path);
    }
    int saved = errno;
    if (out && (fflush(out) != 0 || fsync(fileno(out)) != 0)) rc = -1, saved = errno;
    if (out && fclose(out) != 0 && rc == 0) rc = -1, saved = errno;
    if (rc != 0) errloc_set(err, mark ? mark : dir, 0, 0, "cannot write: %s", strerror(saved));
    free(mark);
    free_list(list, n);
    return rc;
}

/* ------------------------------------------------------------ reading */

typedef struct listed {
    char **name;
    char (*hex)[HEX_LEN + 1];
    size_t n;
} listed;

static void listed_free(listed *l)
{
    for (size_t i = 0; i < l->n; i++) free(l->name[i]);
    free(l->name);
    free(l->hex);
    memset(l, 0, sizeof *l);
}

/* Reads dir's marker: 1 read, 0 absent, -1 not in the expected format (or unreadable). */
static int read_marker(const char *dir, listed *l)
{
    memset(l, 0, sizeof *l);
    char *mark = join(dir, OUTMARK_NAME);
    struct stat st;
    if (!mark) return -1;
    if (lstat(mark, &st) != 0) { free(mark); return errno == ENOENT ? 0 : -1; }
    FILE *f = S_ISREG(st.st_mode) ? fopen(mark, "rb") : NULL;
    free(mark);
    if (!f) return -1;
    char line[4096];
    int rc = 1;
    while (rc == 1 && fgets(line, sizeof line, f)) {
        size_t len = strlen(line);
        if (len == 0 || line[len - 1] != '\n') { rc = -1; break; }
        line[--len] = '\0';
        const char *name = line + HEX_LEN + 2;
        if (len <= HEX_LEN + 2 || line[HEX_LEN] != ' ' || line[HEX_LEN + 1] != ' '
            || strspn(line, "0123456789abcdef") != HEX_LEN || strchr(name, '/')) { rc = -1; break; }
        char **nn = realloc(l->name, (l->n + 1) * sizeof *nn);
        if (nn) l->name = nn;
        char (*nh)[HEX_LEN + 1] = realloc(l->hex, (l->n + 1) * sizeof *nh);
        if (nh) l->hex = nh;
        if (!nn || !nh || !(l->name[l->n] = strdup(name))) { rc = -1; break; }
        memcpy(l->hex[l->n], line, HEX_LEN);
        l->hex[l->n][HEX_LEN] = '\0';
        l->n++;
    }
    if (ferror(f)) rc = -1;
    fclose(f);
    if (rc < 0) listed_free(l);
    return rc;
}

static const char *hex_of(const listed *l, const char *name)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->name[i], name) == 0) return l->hex[i];
    return NULL;
}

int outmark_update(const char *dir, const char *name, errloc *err)
{
    listed l;
    if (read_marker(dir, &l) != 1) {
        errloc_set(err, dir, 0, 0, "is not an output folder admit wrote (no valid %s)", OUTMARK_NAME);
        return -1;
    }
    char *path = join(dir, name), *mark = join(dir, OUTMARK_NAME);
    char *tmp = mark ? malloc(strlen(mark) + 12) : NULL;
    char hex[HEX_LEN + 1];
    int rc = -1, fd = -1, made = 0;
    FILE *out = NULL;
    if (!path || !tmp || file_sha256(path, hex) != 0) goto done;
    snprintf(tmp, strlen(mark) + 12, "%s.tmp-XXXXXX", mark);
    if ((fd = mkstemp(tmp)) < 0) goto done;
    made = 1;
    if (!(out = fdopen(fd, "w"))) goto done;
    int written = 0;
    for (size_t i = 0; i <= l.n; i++) {   /* in name order, name in its place */
        if (!written && (i == l.n || strcmp(name, l.name[i]) <= 0)) {
            fprintf(out, "%s  %s\n", hex, name);
            written = 1;
        }
        if (i < l.n && strcmp(name, l.name[i]) != 0) fprintf(out, "%s  %s\n", l.hex[i], l.name[i]);
    }
    if (fflush(out) == 0 && fsync(fileno(out)) == 0) rc = 0;
    if (fclose(out) != 0) rc = -1;
    out = NULL;
    fd = -1;
    if (rc == 0 && rename(tmp, mark) != 0) rc = -1;
done:
    if (rc != 0) {
        errloc_set(err, mark ? mark : dir, 0, 0, "cannot write: %s", strerror(errno));
        if (out) fclose(out);
        else if (fd >= 0) close(fd);
        if (made) unlink(tmp);
    }
    free(path);
    free(mark);
    free(tmp);
    listed_free(&l);
    return rc;
}

/* ------------------------------------------------------------ checking */

/* The check of one entry of a marked folder: NULL when it is admit's, unchanged; else why
 * not (a static text). */
static const char *entry_problem(const char *path, const char *name, const listed *l, int depth,
                                 const char *display, errloc *err, int *reported);

static int verify(const char *dir, const char *display, int depth, int top, errloc *err)
{
    struct dirent **list;
    int n = scandir(dir, &list, not_dots, alphasort);
    if (n < 0) {
        errloc_set(err, display, 0, 0, "cannot read the folder: %s", strerror(errno));
        return -1;
    }
    listed l;
    int marked = read_marker(dir, &l);
    int rc = 0;
    if (marked < 0) {
        errloc_set(err, display, 0, 0, "its %s is not the list of files admit writes there "
                   "(changed, or written by an older admit), so admit cannot tell its own files "
                   "from others: move the folder away, or give another output folder", OUTMARK_NAME);
        rc = -1;
    } else if (n > 0 && access(dir, W_OK | X_OK) != 0) {
        errloc_set(err, display, 0, 0, "cannot replace the folder: %s", strerror(errno));
        rc = -1;
    } else if (marked == 0 && (n > 0 || !top)) {
        /* not admit's: a sub-folder must carry its marker too, even when empty */
        const char *what = n > 0 ? list[0]->d_name : NULL;
        if (what) errloc_set(err, display, 0, 0, "holds '%s', which admit did not write, and an "
                             "output folder is replaced whole: %s", what, WAY_OUT);
        else errloc_set(err, display, 0, 0, "is a folder that admit did not write: " WAY_OUT);
        rc = -1;
    }
    for (int i = 0; rc == 0 && i < n; i++) {
        const char *name = list[i]->d_name;
        if (strcmp(name, OUTMARK_NAME) == 0) continue;
        char *path = join(dir, name);
        int reported = 0;
        const char *why = path ? entry_problem(path, name, &l, depth, display, err, &reported)
                               : "out of memory";
        if (why && !reported)
            errloc_set(err, display, 0, 0, "holds '%s', %s, and an output folder is replaced "
                       "whole: %s", name, why, WAY_OUT);
        if (why) rc = -1;
        free(path);
    }
    listed_free(&l);
    free_list(list, n);
    return rc;
}

static const char *entry_problem(const char *path, const char *name, const listed *l, int depth,
                                 const char *display, errloc *err, int *reported)
{
    struct stat st;
    if (lstat(path, &st) != 0) return "which cannot be read";
    if (S_ISDIR(st.st_mode)) {
        if (depth >= MAX_DEPTH) return "a folder nested too deep for admit to have written it";
        listed sub_l;
        int sub_marked = read_marker(path, &sub_l);
        listed_free(&sub_l);
        if (sub_marked == 0) return "a folder which admit did not write";
        char *sub = join(display, name);
        int rc = sub ? verify(path, sub, depth + 1, 0, err) : -1;
        free(sub);
        *reported = rc != 0;
        return rc ? "" : NULL;
    }
    const char *hex = hex_of(l, name);
    if (!hex) return "which admit did not write";
    if (!S_ISREG(st.st_mode)) return "which admit did not write (it is not a regular file)";
    char now[HEX_LEN + 1];
    if (file_sha256(path, now) != 0) return "which cannot be read";
    if (strcmp(now, hex) != 0) return "which was changed since admit wrote it";
    return NULL;
}

int outmark_verify(const char *dir, const char *display, errloc *err)
{
    return verify(dir, display, 0, 1, err);
}

/* ------------------------------------------------------------ removing */

static int remove_verified(const char *dir, int depth, errloc *err)
{
    struct dirent **list;
    int n = scandir(dir, &list, not_dots, alphasort);
    if (n < 0) {
        errloc_set(err, dir, 0, 0, "cannot read the folder: %s", strerror(errno));
        return -1;
    }
    listed l;
    int marked = read_marker(dir, &l);
    int rc = marked < 0 || (marked == 0 && n > 0) ? -1 : 0;
    if (rc) errloc_set(err, dir, 0, 0, "changed while admit was replacing it: left in place");
    for (int i = 0; rc == 0 && i < n; i++) {
        const char *name = list[i]->d_name;
        char *path = join(dir, name);
        struct stat st;
        if (!path || lstat(path, &st) != 0) rc = -1;
        else if (S_ISDIR(st.st_mode) && depth < MAX_DEPTH) rc = remove_verified(path, depth + 1, err);
        else if (strcmp(name, OUTMARK_NAME) != 0 && (!S_ISREG(st.st_mode) || !hex_of(&l, name))) {
            errloc_set(err, path, 0, 0, "appeared while admit was replacing its folder: left in place");
            rc = -1;
        } else if (strcmp(name, OUTMARK_NAME) != 0 && unlink(path) != 0) rc = -1;
        if (rc && path && !err->msg[0]) errloc_set(err, path, 0, 0, "cannot remove: %s", strerror(errno));
        free(path);
    }
    /* the marker goes last: a folder half removed stays recognisable as admit's */
    if (rc == 0) {
        char *mark = join(dir, OUTMARK_NAME);
        if (mark) unlink(mark);
        free(mark);
        if (rmdir(dir) != 0) {
            errloc_set(err, dir, 0, 0, "cannot remove: %s", strerror(errno));
            rc = -1;
        }
    }
    listed_free(&l);
    free_list(list, n);
    return rc;
}

int outmark_remove(const char *dir, errloc *err)
{
    err->msg[0] = '\0';
    return remove_verified(dir, 0, err);
}
