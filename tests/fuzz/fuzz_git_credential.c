/*
 * fuzz_git_credential.c - libFuzzer target for git's credential helper
 * request (src/gitcred.c): whatever git, or anything that runs
 * `termauth git-credential`, writes on its standard input. The input goes
 * to gitcred_parse, the result to gitcred_secure, then gitcred_clear.
 *
 * The parse is checked against a model of gitcredentials(7) written here
 * (the last value of each key, up to an empty line), and the verdict
 * against lib/url.c's ta_host_is_loopback: a token may go over http only
 * to a loopback address, with nothing after it but a numeric port. The
 * whole input is also tried as the host of an http request.
 *
 * gitcred.c is in both executables, not in the library: CMake compiles it
 * into this target.
 */
#include "fuzz.h"
#include "gitcred.h"
#include "base/match.h"

#define NFIELDS 5

static const char *const keys[NFIELDS] = { "protocol", "host", "path", "username", "password" };

/* The parser's fields, in the order of keys. */
static void fields(const struct gitcred *g, const char *f[NFIELDS])
{
	f[0] = g->protocol;
	f[1] = g->host;
	f[2] = g->path;
	f[3] = g->username;
	f[4] = g->password;
}

/* A value the model found: where it starts in the input, and its length. */
struct span {
	const char *p; /* NULL: the key was not given */
	size_t n;
};

/* gitcredentials(7), plainly: what gitcred_parse must give. */
static enum ta_result model_parse(const char *buf, size_t len, struct span v[NFIELDS])
{
	size_t i, start = 0;

	memset(v, 0, NFIELDS * sizeof(*v));
	if (len > GITCRED_MAX)
		return TA_E_TOO_LARGE;
	for (i = 0; i < len; i++)
		if (buf[i] == '\0' || buf[i] == '\r')
			return TA_E_ARG;
	while (start < len) {
		size_t stop = start, eq, k;

		while (stop < len && buf[stop] != '\n')
			stop++;
		if (stop == start)
			break; /* an empty line ends the request */
		for (eq = start; eq < stop && buf[eq] != '='; eq++)
			;
		if (eq == stop || eq == start) {
			memset(v, 0, NFIELDS * sizeof(*v));
			return TA_E_ARG;
		}
		for (k = 0; k < NFIELDS; k++)
			if (strlen(keys[k]) == eq - start && !memcmp(keys[k], buf + start, eq - start)) {
				v[k].p = buf + eq + 1;
				v[k].n = stop - eq - 1;
			}
		start = stop + 1;
	}
	return TA_OK;
}

static void check_secure(const struct gitcred *g)
{
	int got = gitcred_secure(g), want = 0;

	FUZZ_CHECK(got == 0 || got == 1, "gitcred_secure gave neither 0 nor 1");
	if (g->protocol && g->host && *g->host) {
		if (!strcmp(g->protocol, "https"))
			want = 1;
		else if (!strcmp(g->protocol, "http"))
			want = fuzz_strict_loopback(g->host);
	}
	if (got)
		FUZZ_CHECK(want, "a token allowed over plain http to a host that is not loopback");
	else
		FUZZ_CHECK(!want, "https, or http to a loopback host, refused");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct span want[NFIELDS];
	enum ta_result r, mr;
	struct gitcred g;
	const char *got[NFIELDS];
	size_t i;

	/* Whatever out held: the parser starts it afresh. */
	memset(&g, 0xa5, sizeof(g));
	r = gitcred_parse(buf, size, &g);
	mr = model_parse(buf, size, want);
	FUZZ_CHECK(r == TA_OK || r == TA_E_ARG || r == TA_E_TOO_LARGE || r == TA_E_NOMEM,
	           "an unexpected result");
	fields(&g, got);
	if (r == TA_E_NOMEM) {
		for (i = 0; i < NFIELDS; i++)
			FUZZ_CHECK(!got[i], "a field set after an error");
		return 0;
	}
	FUZZ_CHECK(r == mr, "the result differs from the model's");
	for (i = 0; i < NFIELDS; i++) {
		if (!want[i].p) {
			FUZZ_CHECK(!got[i], "a field set that the model did not find");
			continue;
		}
		FUZZ_CHECK(got[i], "a field the model found is missing");
		FUZZ_CHECK(strlen(got[i]) == want[i].n && !memcmp(got[i], want[i].p, want[i].n),
		           "a field differs from the model's");
		FUZZ_CHECK(!strchr(got[i], '\n') && !strchr(got[i], '\r'), "a line break in a value");
	}

	check_secure(&g);
	gitcred_clear(&g);
	fields(&g, got);
	for (i = 0; i < NFIELDS; i++)
		FUZZ_CHECK(!got[i], "a field set after gitcred_clear");

	/* The whole input as the host of an http request, and of an https one. */
	if (size <= GITCRED_MAX && !memchr(data, '\0', size)) {
		struct gitcred h = { 0 };
		char *host = fuzz_cstring(data, size);

		h.host = host;
		h.protocol = (char *)"http";
		check_secure(&h);
		h.protocol = (char *)"https";
		check_secure(&h);
		free(host);
	}
	return 0;
}
