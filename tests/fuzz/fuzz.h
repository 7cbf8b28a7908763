/*
 * fuzz.h - what the libFuzzer targets in tests/fuzz share: the entry point's
 * prototype (the build warns about functions without one), a check that
 * abort()s so libFuzzer records the input, and small helpers. Header-only
 * and all static, so each target is one file plus this.
 */
#ifndef TA_FUZZ_H
#define TA_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/match.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An invariant of the code under test: when it does not hold, abort() so
 * the fuzzer (or the replay) stops and keeps the input. */
#define FUZZ_CHECK(cond, what)                                               \
	do {                                                                 \
		if (!(cond)) {                                               \
			fprintf(stderr, "%s:%d: invariant failed: %s\n",     \
			        __FILE__, __LINE__, (what));                 \
			abort();                                             \
		}                                                            \
	} while (0)

#define FUZZ_HELPER static __attribute__((unused))

/* A NUL-terminated copy of the input (it stops at an inner NUL for the
 * parsers that take C strings); free() it. */
FUZZ_HELPER char *fuzz_cstring(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	FUZZ_CHECK(s != NULL, "out of memory");
	if (size)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* 1 when s is one line of printable ASCII: what the library promises for
 * every message it shows (text from the IdP goes through ta_printable). */
FUZZ_HELPER int fuzz_printable(const char *s)
{
	for (; s && *s; s++)
		if (*s < 0x20 || *s >= 0x7f)
			return 0;
	return 1;
}

/* Both NULL, or equal strings. */
FUZZ_HELPER int fuzz_same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* Whether host (as a credential helper is given it: host, then ":port" or
 * not) names a loopback address as lib/url.c judges one, with a port of
 * 1-5 digits. */
FUZZ_HELPER int fuzz_strict_loopback(const char *host)
{
	size_t n;
	const char *rest;

	if (host[0] == '[') {
		const char *close = strchr(host, ']');
		if (!close)
			return 0;
		n = (size_t)(close - host) + 1;
	} else {
		n = strcspn(host, ":");
	}
	rest = host + n;
	/* A port is 1 to 5 digits: "[::1]:" or a longer number is refused. */
	if (*rest && (*rest != ':' || !rest[1] || strlen(rest + 1) > 5 ||
	              strspn(rest + 1, "0123456789") != strlen(rest + 1)))
		return 0;
	return ta_host_is_loopback(host, n);
}

#endif
