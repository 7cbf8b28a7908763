/*
 * json_alloc.c - makes jansson wipe every block it frees. Token responses
 * and store files pass through jansson's own strings, which it frees without
 * clearing; routing its allocator through here means no token survives in
 * freed memory. Set once, at load time, before jansson allocates anything.
 * An embedding program that also uses jansson with its default allocator
 * gets its blocks wiped too, which costs a little time and nothing else.
 */
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "base/secret.h"

static void wiping_free(void *p)
{
	if (!p)
		return;
	explicit_bzero(p, malloc_usable_size(p));
	free(p);
}

/* Runs at load time; ta_session_new calls it too, which makes a static
 * link pull this file in (a constructor alone would not be linked). A
 * program that gave jansson allocators of its own keeps them: replacing
 * them would free its blocks with the wrong free. */
__attribute__((constructor)) void ta_json_alloc_init(void)
{
	json_malloc_t m;
	json_free_t f;

	json_get_alloc_funcs(&m, &f);
	if (m == malloc && f == free)
		json_set_alloc_funcs(malloc, wiping_free);
}
