/*
 * names.c - the list of profile names the store backends fill together
 * (a session may be in the file, in the keychain, or in both).
 */
#include <stdlib.h>
#include <string.h>
#include "store/store.h"

enum ta_result ta_names_add(char ***names, size_t *n, const char *name)
{
	char **grown;
	size_t i;

	for (i = 0; i < *n; i++)
		if (!strcmp((*names)[i], name))
			return TA_OK;
	if (!(grown = realloc(*names, (*n + 2) * sizeof(*grown))))
		return TA_E_NOMEM;
	*names = grown;
	if (!(grown[*n] = strdup(name))) {
		grown[*n] = NULL;
		return TA_E_NOMEM;
	}
	grown[++*n] = NULL;
	return TA_OK;
}

void ta_profiles_free(char **names)
{
	size_t i;

	for (i = 0; names && names[i]; i++)
		free(names[i]);
	free(names);
}
