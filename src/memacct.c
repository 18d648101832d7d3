/* memacct.c — see memacct.h. Sizes are malloc_usable_size's, so that a free knows what it
 * gives back without a header in front of each block (blocks also cross libraries: a
 * realpath result is freed here, a libxlsxwriter string freed there). The count is atomic:
 * worker threads allocate too. A block allocated by a library and freed here is taken
 * off without having been added; the count then saturates at zero rather than wrap. */
#define _GNU_SOURCE
#include "memacct.h"

#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"

/* With -Wl,--wrap=malloc these are the C library's; weak, so that a build without the
 * wrap (the fuzz harnesses) links, with nothing counted. */
extern void *__real_malloc(size_t) __attribute__((weak));
extern void *__real_calloc(size_t, size_t) __attribute__((weak));
extern void *__real_realloc(void *, size_t) __attribute__((weak));
extern void __real_free(void *) __attribute__((weak));

void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *ptr, size_t size);
void __wrap_free(void *ptr);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);

static size_t c_used;                 /* atomic */
static struct host_ctx *charged_ctx;  /* set once, before any script runs */

void memacct_attach(struct host_ctx *ctx)
{
    charged_ctx = ctx;
}

size_t memacct_used(void)
{
    return __atomic_load_n(&c_used, __ATOMIC_RELAXED);
}

void *memacct_raw_realloc(void *ptr, size_t size)
{
    return __real_realloc ? __real_realloc(ptr, size) : realloc(ptr, size);
}

void memacct_raw_free(void *ptr)
{
    if (__real_free)
        __real_free(ptr);
    else
        free(ptr);
}

/* May `more` bytes be added? No when the limit would be passed (the limit is then
 * reached: host_memory_refused makes it sticky). */
static int may_grow(size_t more)
{
    struct host_ctx *ctx = charged_ctx;
    if (ctx == NULL || more == 0)
        return 1;
    if (host_memory_full(ctx, more)) {
        host_memory_refused(ctx);
        return 0;
    }
    return 1;
}

static void add_used(size_t n)
{
    __atomic_add_fetch(&c_used, n, __ATOMIC_RELAXED);
}

static void sub_used(size_t n)
{
    size_t now = __atomic_load_n(&c_used, __ATOMIC_RELAXED);
    size_t next;
    do
        next = now > n ? now - n : 0;
    while (!__atomic_compare_exchange_n(&c_used, &now, next, 1, __ATOMIC_RELAXED,
                                        __ATOMIC_RELAXED));
}

void *__wrap_malloc(size_t size)
{
    if (!may_grow(size))
        return NULL;
    void *p = __real_malloc(size);
    if (p)
        add_used(malloc_usable_size(p));
    return p;
}

void *__wrap_calloc(size_t n, size_t size)
{
    if (size && n > (size_t)-1 / size)
        return NULL;
    if (!may_grow(n * size))
        return NULL;
    void *p = __real_calloc(n, size);
    if (p)
        add_used(malloc_usable_size(p));
    return p;
}

void *__wrap_realloc(void *ptr, size_t size)
{
    size_t old = ptr ? malloc_usable_size(ptr) : 0;
    if (size > old && !may_grow(size - old))
        return NULL;
    void *p = __real_realloc(ptr, size);
    if (p || size == 0) {
        sub_used(old);
        if (p)
            add_used(malloc_usable_size(p));
    }
    return p;
}

void __wrap_free(void *ptr)
{
    if (ptr) {
        sub_used(malloc_usable_size(ptr));
        __real_free(ptr);
    }
}

char *__wrap_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = __wrap_malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

char *__wrap_strndup(const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *p = __wrap_malloc(len + 1);
    if (p) {
        memcpy(p, s, len);
        p[len] = '\0';
    }
    return p;
}
