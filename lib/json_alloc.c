/*
 * json_alloc.c - makes jansson wipe every block it frees. Token responses
 * and store files pass through jansson's own strings, which it frees without
 * clearing; routing its allocator through here means no token survives in
 * freed memory. Set once, at load time, before jansson allocates anything.
 * (An embedding program that also uses jansson gets its blocks wiped too,
 * which costs a little time and nothing else.) Setting the same two
 * pointers again, as ta_session_new does, is harmless.
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

/* Runs at load time; ta_session_new calls it too, which makes a static
 * link pull this file in (a constructor alone would not be linked). */
__attribute__((constructor)) void ta_json_alloc_init(void)
{
	json_set_alloc_funcs(malloc, wiping_free);
}
