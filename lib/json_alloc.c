/*
 * json_alloc.c - makes jansson wipe every block it frees. Token responses
 * and store files pass through jansson's own strings, which it frees without
 * clearing; routing its allocator through here means no token survives in
 * freed memory. Set once, at load time, before jansson allocates anything.
 * (An embedding program that also uses jansson gets its blocks wiped too,
 * which costs a little time and nothing else.)
 */
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "internal.h"

static void wiping_free(void *p)
{
	if (!p)
		return;
	explicit_bzero(p, malloc_usable_size(p));
	free(p);
}

__attribute__((constructor)) static void json_alloc_init(void)
{
	json_set_alloc_funcs(malloc, wiping_free);
}
