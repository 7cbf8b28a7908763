/*
 * fuzz_registries_conf.c - libFuzzer target for the scanner of
 * containers-registries.conf(5) files (src/insecure_registry.c): any text
 * goes to insecure_registries_conf for a few hosts, and to
 * insecure_daemon_json, docker's daemon.json, as well.
 *
 * Checked against what insecure_registry.h promises: the answer is 0 or 1
 * and *understood 0 or 1; the same text gives the same answer twice; a
 * host is found insecure only in a text that names it, holds a wildcard
 * or a \u escape (which may spell the name); a text it understood with no
 * "insecure" in it marks no host.
 *
 * insecure_registry.c is in both executables, not in the library: CMake
 * compiles it into this target.
 */
#include <strings.h>
#include "fuzz.h"
#include "insecure_registry.h"

static const char *const hosts[] = { "registry.example.com", "registry.example.com:5000",
	                             "10.1.2.3:5000", "[::1]:5000", "a" };

/* Case-insensitive: does the text hold s? */
static int has(const char *buf, size_t len, const char *s)
{
	size_t n = strlen(s), i;

	for (i = 0; i + n <= len; i++)
		if (!strncasecmp(buf + i, s, n) && !memchr(buf + i, '\0', n))
			return 1;
	return 0;
}

/* The host without its port or brackets: what must be in the text. */
static void name_of(const char *host, char *out, size_t size)
{
	int bracket = host[0] == '[';
	size_t n = strcspn(host + bracket, bracket ? "]" : ":");

	host += bracket;
	if (n >= size)
		n = size - 1;
	memcpy(out, host, n);
	out[n] = '\0';
}

static void check_conf(const char *buf, size_t len, const char *host)
{
	int understood = -1, again = -1, got, got2;
	char name[64];

	got = insecure_registries_conf(buf, len, host, &understood);
	got2 = insecure_registries_conf(buf, len, host, &again);
	FUZZ_CHECK(got == 0 || got == 1, "an answer that is neither 0 nor 1");
	FUZZ_CHECK(understood == 0 || understood == 1, "understood neither 0 nor 1");
	FUZZ_CHECK(got == got2 && understood == again, "the same text judged twice differently");
	FUZZ_CHECK(insecure_registries_conf(buf, len, host, NULL) == got,
	           "another answer when not asked whether the text was understood");
	name_of(host, name, sizeof(name));
	FUZZ_CHECK(!got || has(buf, len, name) || memchr(buf, '*', len) ||
	                   has(buf, len, "\\u"),
	           "a host found insecure in a text that does not name it");
	FUZZ_CHECK(!got || !understood || has(buf, len, "insecure"),
	           "insecure without the word, in a text understood");
}

static void check_json(const char *buf, size_t len, const char *host)
{
	int understood = -1, got = insecure_daemon_json(buf, len, host, &understood);

	FUZZ_CHECK(got == 0 || got == 1, "an answer that is neither 0 nor 1");
	FUZZ_CHECK(understood == 0 || understood == 1, "understood neither 0 nor 1");
	FUZZ_CHECK(!got || !understood || has(buf, len, "insecure-registries"),
	           "insecure without insecure-registries, in JSON");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	size_t i;

	if (size > INSECURE_FILE_MAX)
		return 0;
	for (i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++) {
		check_conf(buf, size, hosts[i]);
		check_json(buf, size, hosts[i]);
	}
	return 0;
}
