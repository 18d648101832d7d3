/* csv_excel.c — RFC 4180 CSV → the dialect of a French Excel (see csv_excel.h). The
 * writers stay single-dialect: the conversion is one pass over each finished file, in
 * the temporary directory, before the output folder appears. */
#include "csv_excel.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

int csv_dialect_from_name(const char *name)
{
    if (strcmp(name, "rfc4180") == 0) return CSV_RFC4180;
    if (strcmp(name, "excel") == 0) return CSV_EXCEL;
    return -1;
}

/* -?digits.digits: a number Excel must see with a decimal comma. */
static int is_decimal(const char *s, size_t n)
{
    size_t i = 0, digits_before = 0, digits_after = 0;
    int dot = 0;
    if (i < n && s[i] == '-') i++;
    for (; i < n; i++) {
        if (s[i] >= '0' && s[i] <= '9') {
            if (dot) digits_after++; else digits_before++;
        } else if (s[i] == '.' && !dot) {
            dot = 1;
        } else {
            return 0;
        }
    }
    return dot && digits_before > 0 && digits_after > 0;
}

static void put_field(FILE *out, const char *s, size_t n)
{
    if (is_decimal(s, n)) {
        for (size_t i = 0; i < n; i++) putc(s[i] == '.' ? ',' : s[i], out);
        return;
    }
    int quote = 0;
    for (size_t i = 0; i < n && !quote; i++)
        quote = s[i] == ';' || s[i] == '"' || s[i] == '\r' || s[i] == '\n';
    if (!quote) {
        fwrite(s, 1, n, out);
        return;
    }
    putc('"', out);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"') putc('"', out);
        putc(s[i], out);
    }
    putc('"', out);
}

/* A growable buffer for one field's value (quotes undone). */
typedef struct field_buf {
    char *p;
    size_t len, cap;
} field_buf;

static int buf_add(field_buf *b, char c)
{
    if (b->len == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 256;
        char *p = realloc(b->p, cap);
        if (!p) return -1;
        b->p = p;
        b->cap = cap;
    }
    b->p[b->len++] = c;
    return 0;
}

int csv_excel_write(FILE *out, const char *in, size_t n)
{
    static const char bom[] = "\xEF\xBB\xBF";
    size_t i = 0;
    if (n >= 3 && memcmp(in, bom, 3) == 0) i = 3;
    fputs(bom, out);
    field_buf f = { NULL, 0, 0 };
    int rc = 0;
    while (i < n && rc == 0) {
        /* one field */
        f.len = 0;
        if (in[i] == '"') {
            for (i++; i < n; i++) {
                if (in[i] == '"') {
                    if (i + 1 < n && in[i + 1] == '"') { i++; } else { i++; break; }
                }
                if (buf_add(&f, in[i]) != 0) { rc = -1; break; }
            }
        }
        for (; i < n && in[i] != ',' && in[i] != '\n' && in[i] != '\r' && rc == 0; i++)
            rc = buf_add(&f, in[i]);
        if (rc) break;
        put_field(out, f.p ? f.p : "", f.len);
        if (i < n && in[i] == ',') {
            putc(';', out);
            i++;
            if (i == n) fputs("\r\n", out);  /* a last empty field ends the text */
            continue;
        }
        if (i < n && in[i] == '\r') i++;
        if (i < n && in[i] == '\n') i++;
        fputs("\r\n", out);
    }
    free(f.p);
    return rc == 0 && !ferror(out) ? 0 : -1;
}

/* Whole file into memory (the output files of one run). */
static char *slurp(const char *path, size_t *n)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) return NULL;
    char *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (cap - len < 65536) {
            size_t ncap = cap ? cap * 2 : 1 << 20;
            char *p = realloc(buf, ncap);
            if (!p) { free(buf); fclose(fp); return NULL; }
            buf = p;
            cap = ncap;
        }
        size_t got = fread(buf + len, 1, cap - len, fp);
        len += got;
        if (got == 0) break;
    }
    int bad = ferror(fp);
    fclose(fp);
    if (bad) { free(buf); return NULL; }
    *n = len;
    return buf;
}

static int convert_file(const char *path)
{
    size_t n;
    char *text = slurp(path, &n);
    if (!text) return -1;
    FILE *fp = fopen(path, "wb");
    if (!fp) { free(text); return -1; }
    setvbuf(fp, NULL, _IOFBF, 1 << 20);
    int rc = csv_excel_write(fp, text, n);
    rc |= fclose(fp);
    free(text);
    return rc ? -1 : 0;
}

static int is_csv_name(const char *name)
{
    size_t n = strlen(name);
    return n > 4 && strcmp(name + n - 4, ".csv") == 0;
}

int csv_excel_convert_dir(const atomic_dir *ad, errloc *err)
{
    DIR *d = opendir(ad->tmp);
    if (!d) {
        errloc_set(err, ad->target, 0, 0, "cannot write: %s", strerror(errno));
        return -1;
    }
    struct dirent *e;
    int rc = 0;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        if (!is_csv_name(e->d_name)) continue;
        char *path = atomic_dir_path(ad, e->d_name);
        if (!path || convert_file(path) != 0) {
            errloc_set(err, ad->target, 0, 0, "cannot write %s", e->d_name);
            rc = -1;
        }
        free(path);
    }
    closedir(d);
    return rc;
}
