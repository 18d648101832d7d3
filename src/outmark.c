/* outmark.c — the marker of an output folder (see outmark.h). */
#define _GNU_SOURCE   /* scandir, alphasort, strchrnul, futimens */
#include "outmark.h"

#include <dirent.h>
#include <fcntl.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
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

/* What the marker records of a file as admit left it (see outmark.h). */
typedef struct filestamp {
    uint64_t size, dev, ino;
    int64_t mt_s, mt_ns, ct_s, ct_ns;
} filestamp;

static filestamp stamp_of(const struct stat *st)
{
    return (filestamp){ (uint64_t)st->st_size, (uint64_t)st->st_dev, (uint64_t)st->st_ino,
                        st->st_mtim.tv_sec, st->st_mtim.tv_nsec, st->st_ctim.tv_sec, st->st_ctim.tv_nsec };
}

static int same_stamp(const filestamp *a, const filestamp *b)
{
    return a->size == b->size && a->dev == b->dev && a->ino == b->ino && a->mt_s == b->mt_s
        && a->mt_ns == b->mt_ns && a->ct_s == b->ct_s && a->ct_ns == b->ct_ns;
}

/* a's ctime strictly before b's */
static int ctime_before(const filestamp *a, const filestamp *b)
{
    return a->ct_s < b->ct_s || (a->ct_s == b->ct_s && a->ct_ns < b->ct_ns);
}

static void hex_of(const uint8_t digest[SHA256_DIGEST_SIZE], char hex[HEX_LEN + 1])
{
    static const char digit[] = "0123456789abcdef";
    for (int i = 0; i < SHA256_DIGEST_SIZE; i++) {
        hex[2 * i] = digit[digest[i] >> 4];
        hex[2 * i + 1] = digit[digest[i] & 15];
    }
    hex[HEX_LEN] = '\0';
}

/* SHA-256 of a regular file, as lowercase hex, and its stamp taken before reading (a change
 * while it is read then shows at the next check). 0, or -1 (errno set). */
static int file_sha256(const char *path, char hex[HEX_LEN + 1], filestamp *stamp)
{
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    struct stat st;
    if (fstat(fileno(f), &st) != 0) { fclose(f); return -1; }
    if (stamp) *stamp = stamp_of(&st);
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
    hex_of(digest, hex);
    return 0;
}

/* File systems whose ctime admit trusts to move on every change of a file (local, with
 * nanosecond times): elsewhere (network, FAT, FUSE...) every file is hashed. */
static int trusts_ctime(const char *dir)
{
    struct statfs fs;
    if (statfs(dir, &fs) != 0) return 0;
    switch ((unsigned long)fs.f_type) {
    case 0xEF53UL:        /* ext2, ext3, ext4 */
    case 0x58465342UL:    /* xfs */
    case 0x9123683EUL:    /* btrfs */
    case 0x01021994UL:    /* tmpfs */
    case 0xF2F52010UL:    /* f2fs */
        return 1;
    default:
        return 0;
    }
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

#define STAMP_FMT "# stat %" PRIu64 " %" PRId64 " %" PRId64 " %" PRId64 " %" PRId64 " %" PRIu64 " %" PRIu64 "\n"
static const char marker_head[] = "# admit output folder. Before each file: '# stat' size mtime "
                                  "ctime device inode, as admit wrote it\n";

static int put_entry(FILE *out, const char *hex, const char *name, const filestamp *s)
{
    if (s && fprintf(out, STAMP_FMT, s->size, s->mt_s, s->mt_ns, s->ct_s, s->ct_ns, s->dev, s->ino) < 0)
        return -1;
    return fprintf(out, "%s  %s\n", hex, name) < 0 ? -1 : 0;
}

/* ------------------------------------------------------------ reading */

typedef struct listed {
    char **name;
    char (*hex)[HEX_LEN + 1];
    filestamp *stamp;
    unsigned char *stamped;      /* stamp[i] was recorded */
    size_t n;
    filestamp mark;              /* the marker's own, for its ctime */
} listed;

static void listed_free(listed *l)
{
    for (size_t i = 0; i < l->n; i++) free(l->name[i]);
    free(l->name);
    free(l->hex);
    free(l->stamp);
    free(l->stamped);
    memset(l, 0, sizeof *l);
}

/* A '# stat' line (see STAMP_FMT), exactly: 0, or -1. */
static int parse_stamp(const char *line, filestamp *s)
{
    int end = -1;
    if (sscanf(line, "# stat %" SCNu64 " %" SCNd64 " %" SCNd64 " %" SCNd64 " %" SCNd64 " %" SCNu64 " %" SCNu64 "%n",
               &s->size, &s->mt_s, &s->mt_ns, &s->ct_s, &s->ct_ns, &s->dev, &s->ino, &end) != 7)
        return -1;
    return end >= 0 && line[end] == '\0' && strspn(line + 7, "0123456789 ") == strlen(line + 7) ? 0 : -1;
}

static int add_entry(listed *l, const char *name, const char *hex, const filestamp *stamp)
{
    char **nn = realloc(l->name, (l->n + 1) * sizeof *nn);
    if (nn) l->name = nn;
    char (*nh)[HEX_LEN + 1] = realloc(l->hex, (l->n + 1) * sizeof *nh);
    if (nh) l->hex = nh;
    filestamp *ns = realloc(l->stamp, (l->n + 1) * sizeof *ns);
    if (ns) l->stamp = ns;
    unsigned char *nd = realloc(l->stamped, l->n + 1);
    if (nd) l->stamped = nd;
    if (!nn || !nh || !ns || !nd || !(l->name[l->n] = strdup(name))) return -1;
    memcpy(l->hex[l->n], hex, HEX_LEN);
    l->hex[l->n][HEX_LEN] = '\0';
    l->stamped[l->n] = stamp != NULL;
    if (stamp) l->stamp[l->n] = *stamp;
    l->n++;
    return 0;
}

/* Makes the marker's ctime (fd: just created, still empty) later than newest's, so that
 * no file it records is "racy" at the next check. 1 when done (within a few clock ticks),
 * else 0: the marker then records no stamp, and every file is hashed. */
static int settle_marker(int fd, const filestamp *newest)
{
    struct stat st;
    for (int tries = 0; tries < 20 && fstat(fd, &st) == 0; tries++) {
        filestamp m = stamp_of(&st);
        if (ctime_before(newest, &m)) return 1;
        nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
        if (futimens(fd, NULL) != 0) return 0;
    }
    return 0;
}

/* Writes the entries of l (in its order) into the new, empty marker fd, with their stamps
 * when the marker could be settled after them. 0, or -1 (errno set). fd is closed. */
static int put_marker(int fd, const listed *l, int with_stamps)
{
    filestamp newest = { 0 };
    for (size_t i = 0; i < l->n; i++)
        if (l->stamped[i] && ctime_before(&newest, &l->stamp[i])) newest = l->stamp[i];
    int stamps = with_stamps && settle_marker(fd, &newest);
    FILE *out = fdopen(fd, "w");
    if (!out) { close(fd); return -1; }
    int bad = fputs(marker_head, out) < 0;
    for (size_t i = 0; i < l->n && !bad; i++)
        bad = put_entry(out, l->hex[i], l->name[i], stamps && l->stamped[i] ? &l->stamp[i] : NULL) != 0;
    int saved = errno;
    if (!bad && (fflush(out) != 0 || fsync(fileno(out)) != 0)) bad = 1, saved = errno;
    if (fclose(out) != 0 && !bad) bad = 1, saved = errno;
    errno = saved;
    return bad ? -1 : 0;
}

static const outmark_known *known_of(const outmark_known *known, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(known[i].name, name) == 0) return &known[i];
    return NULL;
}

int outmark_write(const char *dir, const outmark_known *known, size_t nknown, errloc *err)
{
    struct dirent **list;
    int n = scandir(dir, &list, not_dots, alphasort);
    if (n < 0) {
        errloc_set(err, dir, 0, 0, "cannot read the folder: %s", strerror(errno));
        return -1;
    }
    char *mark = join(dir, OUTMARK_NAME);
    listed l;
    memset(&l, 0, sizeof l);
    int rc = mark ? 0 : -1;
    for (int i = 0; rc == 0 && i < n; i++) {
        const char *name = list[i]->d_name;
        char *path = join(dir, name);
        struct stat st;
        char hex[HEX_LEN + 1];
        filestamp stamp;
        const outmark_known *k = known_of(known, nknown, name);
        if (!path) rc = -1;
        else if (strcmp(name, OUTMARK_NAME) == 0 || lstat(path, &st) != 0 || !S_ISREG(st.st_mode))
            ;   /* sub-folders carry their own marker */
        else {
            if (k && k->size == (uint64_t)st.st_size) {   /* hashed by its writer */
                hex_of(k->sha256, hex);
                stamp = stamp_of(&st);
            } else if (file_sha256(path, hex, &stamp) != 0) rc = -1;
            if (rc == 0 && add_entry(&l, name, hex, &stamp) != 0) rc = -1;
        }
        free(path);
    }
    if (rc == 0) {
        int fd = open(mark, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        rc = fd < 0 ? -1 : put_marker(fd, &l, 1);
    }
    if (rc != 0) errloc_set(err, mark ? mark : dir, 0, 0, "cannot write: %s", strerror(errno));
    free(mark);
    listed_free(&l);
    free_list(list, n);
    return rc;
}

/* Reads dir's marker: 1 read, 0 absent, -1 not in the expected format (or unreadable).
 * Comment lines are skipped, as sha256sum does, except '# stat', which must be well formed
 * and come right before an entry. */
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
    l->mark = stamp_of(&st);
    char line[4096];
    int rc = 1, pending = 0;
    filestamp stamp;
    while (rc == 1 && fgets(line, sizeof line, f)) {
        size_t len = strlen(line);
        if (len == 0 || line[len - 1] != '\n') { rc = -1; break; }
        line[--len] = '\0';
        if (line[0] == '#') {
            if (strncmp(line, "# stat", 6) != 0) continue;
            if (pending || parse_stamp(line, &stamp) != 0) rc = -1;
            pending = 1;
            continue;
        }
        const char *name = line + HEX_LEN + 2;
        if (len <= HEX_LEN + 2 || line[HEX_LEN] != ' ' || line[HEX_LEN + 1] != ' '
            || strspn(line, "0123456789abcdef") != HEX_LEN || strchr(name, '/')) { rc = -1; break; }
        if (add_entry(l, name, line, pending ? &stamp : NULL) != 0) { rc = -1; break; }
        pending = 0;
    }
    if (ferror(f) || pending) rc = -1;
    fclose(f);
    if (rc < 0) listed_free(l);
    return rc;
}

static long index_of(const listed *l, const char *name)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->name[i], name) == 0) return (long)i;
    return -1;
}

static const char *listed_hex(const listed *l, const char *name)
{
    long i = index_of(l, name);
    return i < 0 ? NULL : l->hex[i];
}

int outmark_update(const char *dir, const char *name, errloc *err)
{
    listed l, now;
    memset(&now, 0, sizeof now);
    if (read_marker(dir, &l) != 1) {
        errloc_set(err, dir, 0, 0, "is not an output folder admit wrote (no valid %s)", OUTMARK_NAME);
        return -1;
    }
    char *path = join(dir, name), *mark = join(dir, OUTMARK_NAME);
    char *tmp = mark ? malloc(strlen(mark) + 12) : NULL;
    char hex[HEX_LEN + 1];
    filestamp stamp;
    int rc = -1, fd = -1, made = 0, bad = 0;
    if (!path || !tmp || file_sha256(path, hex, &stamp) != 0) goto done;
    int written = 0;
    for (size_t i = 0; i <= l.n && !bad; i++) {   /* in name order, name in its place */
        if (!written && (i == l.n || strcmp(name, l.name[i]) <= 0)) {
            bad = add_entry(&now, name, hex, &stamp);
            written = 1;
        }
        if (i == l.n || strcmp(name, l.name[i]) == 0) continue;
        /* a stamp that was racy against the old marker is dropped: the file is hashed */
        int keep = l.stamped[i] && ctime_before(&l.stamp[i], &l.mark);
        bad = add_entry(&now, l.name[i], l.hex[i], keep ? &l.stamp[i] : NULL);
    }
    if (bad) goto done;
    snprintf(tmp, strlen(mark) + 12, "%s.tmp-XXXXXX", mark);
    if ((fd = mkstemp(tmp)) < 0) goto done;
    made = 1;
    rc = put_marker(fd, &now, 1);
    if (rc == 0 && rename(tmp, mark) != 0) rc = -1;
done:
    if (rc != 0) {
        errloc_set(err, mark ? mark : dir, 0, 0, "cannot write: %s", strerror(errno));
        if (made) unlink(tmp);
    }
    free(path);
    free(mark);
    free(tmp);
    listed_free(&l);
    listed_free(&now);
    return rc;
}

/* ------------------------------------------------------------ checking */

/* The check of one entry of a marked folder: NULL when it is admit's, unchanged; else why
 * not (a static text). */
static const char *entry_problem(const char *path, const char *name, const listed *l, int trust,
                                 int depth, const char *display, errloc *err, int *reported);

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
    int rc = 0, trust = marked > 0 && trusts_ctime(dir);
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
        const char *why = path ? entry_problem(path, name, &l, trust, depth, display, err, &reported)
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

static const char *entry_problem(const char *path, const char *name, const listed *l, int trust,
                                 int depth, const char *display, errloc *err, int *reported)
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
    long at = index_of(l, name);
    if (at < 0) return "which admit did not write";
    if (!S_ISREG(st.st_mode)) return "which admit did not write (it is not a regular file)";
    filestamp now_stamp = stamp_of(&st);
    /* as admit left it, and not changed in the marker's clock tick: no need to read it */
    if (trust && l->stamped[at] && same_stamp(&l->stamp[at], &now_stamp)
        && ctime_before(&l->stamp[at], &l->mark))
        return NULL;
    const char *hex = l->hex[at];
    char now[HEX_LEN + 1];
    if (file_sha256(path, now, NULL) != 0) return "which cannot be read";
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
        else if (strcmp(name, OUTMARK_NAME) != 0 && (!S_ISREG(st.st_mode) || !listed_hex(&l, name))) {
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
