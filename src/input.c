/* input.c — reading an input whole, once, with a size bound (see input.h). */
#include "input.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nettle/sha2.h>

#include "threads.h"

static uint64_t max_bytes = INPUT_MAX_DEFAULT;

void input_set_max(uint64_t bytes) { max_bytes = bytes ? bytes : INPUT_MAX_DEFAULT; }
uint64_t input_max(void) { return max_bytes; }

int input_parse_size(const char *s, uint64_t *out)
{
    uint64_t v = 0;
    const char *c = s;
    if (*c < '0' || *c > '9') return -1;
    for (; *c >= '0' && *c <= '9'; c++) {
        if (v > (UINT64_MAX - 9) / 10) return -1;
        v = v * 10 + (uint64_t)(*c - '0');
    }
    static const char units[] = "KMGT";
    const char *u = *c ? strchr(units, *c) : NULL;
    if (u) {
        for (int i = 0; i <= u - units; i++) {
            if (v > UINT64_MAX / 1024) return -1;
            v *= 1024;
        }
        c++;
        if (strcmp(c, "iB") == 0) c += 2;
        else if (*c == 'B') c++;
    } else if (*c == 'B') {
        c++;
    }
    if (*c != '\0' || v == 0) return -1;
    *out = v;
    return 0;
}

const char *input_name(const char *path)
{
    return path == NULL || strcmp(path, "-") == 0 ? "stdin" : path;
}

int input_is_stream(const char *path)
{
    struct stat st;
    if (path == NULL || strcmp(path, "-") == 0) return 1;
    return stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode);
}

static int stat_input(const char *path, struct stat *st)
{
    if (path == NULL || strcmp(path, "-") == 0) return fstat(0, st);
    return stat(path, st);
}

int input_same(const char *a, const char *b)
{
    struct stat sa, sb;
    if (strcmp(input_name(a), input_name(b)) == 0) return 1;
    return stat_input(a, &sa) == 0 && stat_input(b, &sb) == 0
        && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* ------------------------------------------------- digests of streams */

#define STREAMS_KEPT 16
static struct { char *name; char hex[65]; uint64_t bytes; } streams[STREAMS_KEPT];
static unsigned streams_next;

void input_sha256_hex(const char *buf, size_t len, char hex[65])
{
    static const char digits[] = "0123456789abcdef";
    struct sha256_ctx ctx;
    uint8_t digest[SHA256_DIGEST_SIZE];
    sha256_init(&ctx);
    sha256_update(&ctx, len, (const uint8_t *)buf);
    sha256_digest(&ctx, sizeof digest, digest);
    for (int i = 0; i < SHA256_DIGEST_SIZE; i++) {
        hex[2 * i] = digits[digest[i] >> 4];
        hex[2 * i + 1] = digits[digest[i] & 15];
    }
    hex[64] = '\0';
}

static void remember_stream(const char *name, const char *buf, size_t len)
{
    unsigned k = streams_next++ % STREAMS_KEPT;
    free(streams[k].name);
    streams[k].name = strdup(name);
    input_sha256_hex(buf, len, streams[k].hex);
    streams[k].bytes = len;
}

int input_stream_digest(const char *path, char hex[65], uint64_t *bytes)
{
    const char *name = input_name(path);
    for (unsigned i = 0; i < STREAMS_KEPT; i++) {
        unsigned k = (streams_next + STREAMS_KEPT - 1 - i) % STREAMS_KEPT;   /* latest first */
        if (streams[k].name && strcmp(streams[k].name, name) == 0) {
            memcpy(hex, streams[k].hex, 65);
            *bytes = streams[k].bytes;
            return 0;
        }
    }
    return -1;
}

/* ------------------------------------------- digests of files already read */

/* A file is known by its device, inode, size and times: the same file unchanged since its
 * digest was taken (any write moves its change time). */
typedef struct file_key {
    dev_t dev;
    ino_t ino;
    off_t size;
    struct timespec mtim, ctim;
} file_key;

#define FILES_KEPT 16
static struct { file_key key; char hex[65]; int used; } files[FILES_KEPT];
static unsigned files_next;
static pthread_mutex_t files_lock = PTHREAD_MUTEX_INITIALIZER;   /* loaders keep them from a thread */

static file_key key_of(const struct stat *st)
{
    return (file_key){ st->st_dev, st->st_ino, st->st_size, st->st_mtim, st->st_ctim };
}

static int same_key(const file_key *a, const file_key *b)
{
    return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
           a->mtim.tv_sec == b->mtim.tv_sec && a->mtim.tv_nsec == b->mtim.tv_nsec &&
           a->ctim.tv_sec == b->ctim.tv_sec && a->ctim.tv_nsec == b->ctim.tv_nsec;
}

int input_stat_file(const char *path, struct stat *st)
{
    if (path == NULL || strcmp(path, "-") == 0) return -1;
    return stat(path, st) == 0 && S_ISREG(st->st_mode) ? 0 : -1;
}

void input_keep_digest(const char *path, const struct stat *before, const char *buf, size_t len)
{
    struct stat after;
    if (input_stat_file(path, &after) != 0) return;
    file_key k0 = key_of(before), k1 = key_of(&after);
    if (!same_key(&k0, &k1) || (uint64_t)after.st_size != len) return;   /* changed while read */
    char hex[65];
    input_sha256_hex(buf, len, hex);
    pthread_mutex_lock(&files_lock);
    unsigned k = files_next++ % FILES_KEPT;
    files[k].key = k1;
    memcpy(files[k].hex, hex, sizeof hex);
    files[k].used = 1;
    pthread_mutex_unlock(&files_lock);
}

int input_file_digest(const char *path, char hex[65], uint64_t *bytes)
{
    struct stat st;
    if (input_stat_file(path, &st) != 0) return -1;
    file_key key = key_of(&st);
    int found = -1;
    pthread_mutex_lock(&files_lock);
    for (unsigned i = 0; i < FILES_KEPT && found < 0; i++)
        if (files[i].used && same_key(&files[i].key, &key)) {
            memcpy(hex, files[i].hex, 65);
            *bytes = (uint64_t)st.st_size;
            found = 0;
        }
    pthread_mutex_unlock(&files_lock);
    return found;
}

/* "1 GiB", "10 MiB", "1500 bytes": the bound as the message gives it. */
static void format_size(uint64_t v, char *buf, size_t n)
{
    static const char *const names[] = { "KiB", "MiB", "GiB", "TiB" };
    int k = -1;
    while (k < 3 && v >= 1024 && v % 1024 == 0) { v /= 1024; k++; }
    if (k < 0) snprintf(buf, n, "%llu bytes", (unsigned long long)v);
    else snprintf(buf, n, "%llu %s", (unsigned long long)v, names[k]);
}

static void too_large(errloc *err, const char *name)
{
    char size[32];
    format_size(max_bytes, size, sizeof size);
    errloc_set(err, name, 0, 0, "larger than %s, the bound on an input: give a larger "
               "--max-input SIZE if this file is right", size);
}

/* A large regular file is copied out of the page cache by slices on the threads: for a
 * 12-million-row ranking that copy (and the fresh pages it fills) was the first, serial,
 * half-second of the run. */
#define PARALLEL_READ_MIN ((size_t)64 << 20)

typedef struct slice_read {
    int fd;
    char *buf;
    size_t size;
    int short_read[THREADS_MAX];   /* an error, or the file shrank */
} slice_read;

static void read_slice(void *ctx, int t, int nt)
{
    slice_read *r = ctx;
    size_t at = r->size * (size_t)t / (size_t)nt, end = r->size * (size_t)(t + 1) / (size_t)nt;
    while (at < end) {
        size_t want = end - at < ((size_t)1 << 24) ? end - at : (size_t)1 << 24;
        ssize_t got = pread(r->fd, r->buf + at, want, (off_t)at);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) { r->short_read[t] = 1; return; }
        at += (size_t)got;
    }
}

/* Reads the first `size` bytes of f into buf on the threads and leaves f's position after
 * them: size, or 0 when anything went amiss (f untouched: the ordinary reading starts). */
static size_t read_parallel(FILE *f, char *buf, size_t size)
{
    int nt = threads_count();
    if (nt < 2 || size < PARALLEL_READ_MIN) return 0;
    slice_read r = { .fd = fileno(f), .buf = buf, .size = size };
    threads_run(nt, read_slice, &r);
    for (int t = 0; t < nt; t++)
        if (r.short_read[t]) return 0;
    return fseeko(f, (off_t)size, SEEK_SET) == 0 ? size : 0;
}

char *input_read(const char *path, const char *name, size_t *len, errloc *err)
{
    int is_stdin = path == NULL || strcmp(path, "-") == 0;
    if (!name) name = input_name(path);
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    if (!f) {
        errloc_set(err, name, 0, 0, "cannot open: %s", strerror(errno));
        return NULL;
    }
    struct stat st;
    int have_stat = fstat(fileno(f), &st) == 0;
    if (have_stat && S_ISDIR(st.st_mode)) {
        errloc_set(err, name, 0, 0, "is a directory, expected a file");
        if (!is_stdin) fclose(f);
        return NULL;
    }
    int regular = have_stat && S_ISREG(st.st_mode);
    if (regular && (uint64_t)st.st_size > max_bytes) {
        too_large(err, name);
        if (!is_stdin) fclose(f);
        return NULL;
    }
    /* A regular file's size is known (it may still grow while read: the bound holds);
     * a stream grows its buffer by doubling, never past the bound + 1 byte. */
    uint64_t limit = max_bytes + 1 < SIZE_MAX ? max_bytes + 1 : SIZE_MAX - 1;
    size_t cap = regular && st.st_size > 0 ? (size_t)st.st_size + 1 : 65536, n = 0;
    if (cap > limit + 1) cap = (size_t)limit + 1;
    char *buf = malloc(cap);
    if (buf && regular && !is_stdin && cap > (size_t)st.st_size)
        n = read_parallel(f, buf, (size_t)st.st_size);
    int over = 0;
    while (buf) {
        size_t want = cap - n - 1;   /* 0 only after read_parallel: then see if it grew */
        size_t got = want ? fread(buf + n, 1, want, f) : 0;
        n += got;
        if (n > max_bytes) { over = 1; break; }
        if (want && got == 0) break;
        if (n + 1 == cap && regular && n == (size_t)st.st_size) {
            /* the whole file, as its size said: grow only if it has grown meanwhile */
            int c = getc(f);
            if (c == EOF) break;
            ungetc(c, f);
        }
        if (n + 1 == cap) {
            size_t ncap = cap * 2 > limit + 1 ? (size_t)limit + 1 : cap * 2;
            char *nb = realloc(buf, ncap);
            if (!nb) { free(buf); buf = NULL; break; }
            buf = nb;
            cap = ncap;
        }
    }
    int rerr = ferror(f);
    int saved = errno;
    if (!is_stdin) fclose(f);
    if (!buf) {
        errloc_set(err, name, 0, 0, "out of memory");
        return NULL;
    }
    if (over || rerr) {
        if (over) too_large(err, name);
        else errloc_set(err, name, 0, 0, "read error: %s", strerror(saved));
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    /* standard input is read once even when redirected from a file: keep its digest too */
    if (!regular || is_stdin) remember_stream(input_name(path), buf, n);
    return buf;
}
