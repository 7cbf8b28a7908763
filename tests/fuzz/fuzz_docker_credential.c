/*
 * fuzz_docker_credential.c - libFuzzer target for docker's credential
 * helper request (src/dockercred.c): the registry's server URL that
 * docker, podman, skopeo or anything else running docker-credential-
 * termauth writes on its standard input. The input goes to
 * dockercred_parse, the result to dockercred_secure, then
 * dockercred_clear.
 *
 * The parse is checked against what dockercred.h promises: the server URL
 * is the input without one final line break; the host is the part after
 * the scheme and before the first '/', in lower case, and made only of a
 * registry name's characters; the scheme is what the input began with.
 * The verdict is checked against lib/url.c's ta_host_is_loopback: a token
 * may go over http only to a loopback address.
 *
 * dockercred.c is in both executables, not in the library: CMake compiles
 * it into this target.
 */
#include <ctype.h>
#include <strings.h>
#include "fuzz.h"
#include "dockercred.h"

static void check_parsed(const char *buf, size_t len, const struct dockercred *d)
{
	size_t skip = 0, n = strlen(d->host), i;

	if (len && buf[len - 1] == '\n')
		len--;
	FUZZ_CHECK(d->server_url && strlen(d->server_url) == len &&
	                   !memcmp(d->server_url, buf, len),
	           "the server URL is not the input without its line break");
	if (!strcmp(d->scheme, "https"))
		skip = 8;
	else if (!strcmp(d->scheme, "http"))
		skip = 7;
	else
		FUZZ_CHECK(!d->scheme[0], "a scheme that is neither https, http nor none");
	FUZZ_CHECK(!skip || !strncasecmp(buf, d->scheme, skip - 3),
	           "a scheme the input does not begin with");
	FUZZ_CHECK(!memmem(buf + skip, len - skip, "://", 3) || skip,
	           "another scheme taken for a host");
	FUZZ_CHECK(n > 0 && skip + n <= len, "no host, or one longer than the input");
	FUZZ_CHECK(!strncasecmp(buf + skip, d->host, n), "the host is not the input's");
	FUZZ_CHECK(skip + n == len || buf[skip + n] == '/', "the host does not end at a '/'");
	for (i = 0; i < n; i++)
		FUZZ_CHECK(strchr("abcdefghijklmnopqrstuvwxyz0123456789.-:[]", d->host[i]),
		           "a character no registry name has");
	for (i = 0; i < len; i++)
		FUZZ_CHECK((unsigned char)buf[i] > 0x20 && (unsigned char)buf[i] < 0x7f,
		           "a space, control or non-ASCII byte accepted");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct dockercred d;
	enum ta_result r;
	int got, want;

	memset(&d, 0xa5, sizeof(d));
	r = dockercred_parse(buf, size, &d);
	FUZZ_CHECK(r == TA_OK || r == TA_E_ARG || r == TA_E_TOO_LARGE || r == TA_E_NOMEM,
	           "an unexpected result");
	if (r != TA_OK) {
		FUZZ_CHECK(!d.server_url && !d.host[0] && !d.scheme[0], "a field set after an error");
		FUZZ_CHECK(r != TA_E_TOO_LARGE || size > DOCKERCRED_MAX, "too large when it is not");
		return 0;
	}
	FUZZ_CHECK(size <= DOCKERCRED_MAX, "more than DOCKERCRED_MAX accepted");
	check_parsed(buf, size, &d);
	got = dockercred_secure(&d);
	want = strcmp(d.scheme, "http") ? 1 : fuzz_strict_loopback(d.host);
	FUZZ_CHECK(got == want, got ? "a token allowed over plain http to a host that is not loopback"
	                            : "https, or http to a loopback host, refused");
	dockercred_clear(&d);
	FUZZ_CHECK(!d.server_url && !d.host[0], "a field set after dockercred_clear");
	return 0;
}
