/* input.h — the one way admit reads an input file: whole, once, into one buffer, with a
 * size bound. Streams (stdin, "-", /dev/stdin, a FIFO, <(...)) can only be read once, so
 * every reader (the CSV reader, the fast path of `admit allocate`, the recueil importer,
 * policy files) takes its text from here and never opens the path a second time. */
#ifndef ADMIT_INPUT_H
#define ADMIT_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include "errloc.h"

/* The bound when none is set: far above the largest real input (every vœu of a national
 * Parcoursup year is about 300 MB of CSV), far below what would exhaust the machine. */
#define INPUT_MAX_DEFAULT ((uint64_t)1 << 30)

/* Sets the bound for the whole process (--max-input); 0 restores the default. */
void input_set_max(uint64_t bytes);
uint64_t input_max(void);

/* Parses a size as the options take it: a whole number of bytes, or with the suffix
 * K, M, G or T (powers of 1024, optionally followed by B or iB). 0 on success. */
int input_parse_size(const char *s, uint64_t *out);

/* How messages name path: "stdin" for NULL or "-", else path itself. */
const char *input_name(const char *path);

/* Reads the whole of path (NULL or "-": standard input) into a malloc'd buffer with a NUL
 * after the last byte. name names it in messages (NULL = input_name(path)). Refuses a
 * folder, and an input longer than input_max() bytes ("larger than ..."), reading no
 * more than the bound + 1 bytes of it. Returns NULL with err filled. */
char *input_read(const char *path, const char *name, size_t *len, errloc *err);

/* 1 when path names a stream (not a regular file): it can be read only once. */
int input_is_stream(const char *path);
/* A stream cannot be read again to take its checksum (the provenance of a result): the
 * SHA-256 (hex) and size of each stream input_read has read are kept, by name. 0 when
 * path names a stream read so far, -1 otherwise. */
int input_stream_digest(const char *path, char hex[65], uint64_t *bytes);

/* The SHA-256 of buf[0..len), as 64 lowercase hex digits. */
void input_sha256_hex(const char *buf, size_t len, char hex[65]);

/* Regular files: a loader that holds a file's bytes in memory can hash them there (on
 * another core) instead of the provenance reading the file again. input_stat_file: 0 and
 * *st when path is a regular file (stat it before reading). input_keep_digest: keeps the
 * digest of buf when the file is still the one stat'ed before (same device, inode, size,
 * times) and len is its size. input_file_digest: 0 with the digest and size when path is
 * a file kept so and unchanged since, -1 otherwise. Thread-safe. */
struct stat;
int input_stat_file(const char *path, struct stat *st);
void input_keep_digest(const char *path, const struct stat *before, const char *buf, size_t len);
int input_file_digest(const char *path, char hex[65], uint64_t *bytes);

/* 1 when a and b name the same file or stream ("-" and /dev/stdin alike). */
int input_same(const char *a, const char *b);

#endif
