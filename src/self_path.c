/*
 * self_path.c - see self_path.h.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "self_path.h"

#ifndef TA_BIN_FROM_LIBEXEC
#define TA_BIN_FROM_LIBEXEC "../../bin"
#endif

int termauth_path(char *out, size_t size)
{
	static const char *const places[] = { "", "/" TA_BIN_FROM_LIBEXEC };
	char self[PATH_MAX], candidate[PATH_MAX + 64];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;
	size_t i;

	if (n <= 0)
		return -1;
	self[n] = '\0';
	if (!(slash = strrchr(self, '/')))
		return -1;
	*slash = '\0';
	for (i = 0; i < sizeof(places) / sizeof(places[0]); i++) {
		snprintf(candidate, sizeof(candidate), "%s%s/termauth", self, places[i]);
		if (access(candidate, X_OK) == 0 && realpath(candidate, out) && strlen(out) < size)
			return 0;
	}
	return -1;
}
