/*
 * fuzz_url_norm.c - libFuzzer target for ta_url_normalize (a DPoP proof's
 * htu): the input is the URL. Refused: a reason, printable, no result.
 * Taken: the result is normal - normalising it again gives it back - and
 * has the form of one: http:// or https://, a host, a path from '/', no
 * query, fragment, dot segment, or lower-case escape, nothing but
 * printable ASCII. ta_url_same_origin: a URL has its own origin exactly
 * when it is taken, and its normal form has it too. The loopback tests
 * (lib/base/url.c, match.c): a host certainly on loopback may be on it.
 */
#include "fuzz.h"
#include "base/url.h"
#include "base/url_norm.h"

static void normal_form(const char *u)
{
	const char *path, *p;

	FUZZ_CHECK(!strncmp(u, "https://", 8) || !strncmp(u, "http://", 7), "the scheme");
	p = u + (u[4] == 's' ? 8 : 7);
	path = strchr(p, '/');
	FUZZ_CHECK(path && path > p, "no host or no path");
	FUZZ_CHECK(!strpbrk(u, "?# \\\""), "a query, a fragment or a character out of place");
	FUZZ_CHECK(!strstr(path, "/./") && !strstr(path, "/../"), "a dot segment");
	FUZZ_CHECK(strlen(path) < 2 || strcmp(path + strlen(path) - 2, "/.") , "a dot at the end");
	FUZZ_CHECK(strlen(path) < 3 || strcmp(path + strlen(path) - 3, "/.."), "dots at the end");
	for (p = u; *p; p++) {
		FUZZ_CHECK(*p > 0x20 && *p < 0x7f, "not printable ASCII");
		if (*p == '%')
			FUZZ_CHECK(strspn(p + 1, "0123456789ABCDEF") >= 2, "an escape not normal");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *url, *out = NULL, *again = NULL, why[160] = "";
	int r;

	if (size > TA_URL_NORM_MAX + 16)
		return 0;
	url = fuzz_cstring(data, size);
	FUZZ_CHECK(!ta_url_is_loopback(url) || ta_url_may_be_loopback(url), "loopback, but not near");
	r = ta_url_normalize(url, &out, why, sizeof(why));
	FUZZ_CHECK(ta_url_same_origin(url, url) == (r == 0), "its own origin");
	FUZZ_CHECK(r || ta_url_same_origin(url, out), "another origin once normalised");
	if (r) {
		FUZZ_CHECK(r == -1 || r == -2, "an unexpected result");
		FUZZ_CHECK(out == NULL && why[0] && fuzz_printable(why), "the refusal");
		goto done;
	}
	normal_form(out);
	FUZZ_CHECK(ta_url_normalize(out, &again, why, sizeof(why)) == 0, "its result refused");
	FUZZ_CHECK(!strcmp(out, again), "normalised again, another URL");
done:
	free(out);
	free(again);
	free(url);
	return 0;
}
