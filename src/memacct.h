/* memacct.h — the one accounting point for memory admit's C code allocates (datasets,
 * rankings, simulations, CSV buffers): the linker sends every malloc/calloc/realloc/free/
 * strdup/strndup call of src/ here (-Wl,--wrap, see the Makefile), which adds it to the
 * bytes the Lua heap uses and refuses growth beyond the memory limit of the running
 * script (host.h). Loaders need no edit: their "out of memory" path is the limit's. */
#ifndef ADMIT_MEMACCT_H
#define ADMIT_MEMACCT_H

#include <stddef.h>

struct host_ctx;

/* The limits to charge (NULL: count only). */
void memacct_attach(struct host_ctx *ctx);
/* Bytes of C memory in use now (all threads). */
size_t memacct_used(void);
/* The allocator's own functions, uncounted: for the Lua heap, which host.c counts. */
void *memacct_raw_realloc(void *ptr, size_t size);
void memacct_raw_free(void *ptr);

#endif
