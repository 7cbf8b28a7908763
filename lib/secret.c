/*
 * secret.c - strings that may hold secrets: wiped before release, compared
 * in constant time. Everything in a session goes through these, so that a
 * token never lingers in freed memory.
 */
#include <stdlib.h>
#include <string.h>
#include "internal.h"

void ta_wipe(void *p, size_t n)
{
	if (p)
		explicit_bzero(p, n);
}

void ta_free_secret(char *s)
{
	if (!s)
		return;
	ta_wipe(s, strlen(s));
	free(s);
}

enum ta_result ta_set_string(char **dst, const char *src)
{
	char *copy = NULL;

	if (src && !(copy = strdup(src)))
		return TA_E_NOMEM;
	ta_free_secret(*dst);
	*dst = copy;
	return TA_OK;
}

int ta_secret_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i;
	unsigned char diff = 0;

	if (la != lb)
		return 0;
	for (i = 0; i < la; i++)
		diff |= (unsigned char)(a[i] ^ b[i]);
	/* Read diff through a volatile so the loop is not cut short. */
	return *(volatile unsigned char *)&diff == 0;
}
