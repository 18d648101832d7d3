/* strpool.h — interned strings: each distinct text stored once, compared by pointer. */
#ifndef ADMIT_STRPOOL_H
#define ADMIT_STRPOOL_H

#include <stddef.h>

typedef struct strpool strpool;

strpool *strpool_new(void);
void strpool_free(strpool *sp);
/* Returns the pool's copy of s[0..len) (NUL-terminated), NULL when out of memory. The
 * pointer stays valid until strpool_free. */
const char *strpool_intern(strpool *sp, const char *s, size_t len);
/* A copy of s[0..len) in the pool's arena, not shared (for texts known to be distinct,
 * such as ids an idindex checks): no hashing. NULL when out of memory. */
const char *strpool_copy(strpool *sp, const char *s, size_t len);
size_t strpool_count(const strpool *sp);

#endif
