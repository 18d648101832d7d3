/* xlsx_zip.c — results.xlsx deflated at a fast level. libxlsxwriter (1.1.4) zips each
 * part of a workbook through minizip's zipOpenNewFileInZip4_64 with zlib's default level
 * (6) and has no option to change it; on a national run the sheets' 25 MB of XML then cost
 * about 0.7 s of deflate, on the critical path. admit defines that function itself: the
 * dynamic linker binds libxlsxwriter's call to the executable's definition first, and this
 * one forwards to minizip's (found with dlsym(RTLD_NEXT)) with the level of
 * xlsx_zip_level(). The archive stays a plain deflated zip (any level is one), the XML
 * inside is the same bytes, and the same inputs still give the same file. */
#define _GNU_SOURCE
#include "xlsx_zip.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <minizip/zip.h>

typedef int (*open4_fn)(zipFile, const char *, const zip_fileinfo *, const void *, uInt, const void *,
                        uInt, const char *, int, int, int, int, int, int, const char *, uLong, uLong,
                        uLong, int);

static open4_fn real_open4;
static pthread_once_t resolved = PTHREAD_ONCE_INIT;

/* minizip's own function: the next definition after the executable's, or the library's
 * when it is loaded under another scope. NULL if neither (the workbook then fails with
 * libxlsxwriter's "error creating file in zip" rather than crashing). */
static void resolve(void)
{
    void *f = dlsym(RTLD_NEXT, "zipOpenNewFileInZip4_64");
    if (!f) {
        void *lib = dlopen("libminizip.so.1", RTLD_NOW | RTLD_NOLOAD);
        if (lib) f = dlsym(lib, "zipOpenNewFileInZip4_64");
    }
    if (f == (void *)zipOpenNewFileInZip4_64) f = NULL;   /* never this one again */
    real_open4 = (open4_fn)f;
}

int xlsx_zip_level(void)
{
    const char *v = getenv("ADMIT_XLSX_DEFLATE");
    if (v && v[0] >= '0' && v[0] <= '9' && v[1] == '\0') return v[0] - '0';
    return XLSX_ZIP_LEVEL;
}

int ZEXPORT zipOpenNewFileInZip4_64(zipFile file, const char *filename, const zip_fileinfo *zipfi,
                                    const void *extrafield_local, uInt size_extrafield_local,
                                    const void *extrafield_global, uInt size_extrafield_global,
                                    const char *comment, int method, int level, int raw, int windowBits,
                                    int memLevel, int strategy, const char *password,
                                    uLong crcForCrypting, uLong versionMadeBy, uLong flagBase, int zip64)
{
    pthread_once(&resolved, resolve);
    if (!real_open4) return ZIP_INTERNALERROR;
    /* only the level libxlsxwriter leaves to zlib is changed; an explicit one is kept */
    if (method == Z_DEFLATED && level == Z_DEFAULT_COMPRESSION && !raw) level = xlsx_zip_level();
    return real_open4(file, filename, zipfi, extrafield_local, size_extrafield_local, extrafield_global,
                      size_extrafield_global, comment, method, level, raw, windowBits, memLevel, strategy,
                      password, crcForCrypting, versionMadeBy, flagBase, zip64);
}
