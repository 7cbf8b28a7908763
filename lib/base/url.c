/*
 * url.c - see url.h. Hand-written rather than libcurl's URL API because the
 * checks here are small, and must be exactly these.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "base/url.h"
#include "base/match.h"
#include "base/result.h"
#include "base/secret.h"

/* Checks that auth[0..len) is "host" or "host:port" (1 to 5 digits; an
 * IPv6 host in brackets; no userinfo) and finds the host. 0 or -1. */
static int authority_host(const char *auth, size_t len, size_t *hlen)
{
	const char *end = auth + len, *port;
	size_t digits;

	if (memchr(auth, '@', len))
		return -1; /* userinfo has no place in an endpoint */
	if (len && *auth == '[') {
		const char *close = memchr(auth, ']', len);
		if (!close)
			return -1;
		port = close + 1;
	} else {
		port = auth;
		while (port < end && *port != ':')
			port++;
	}
	/* What follows the host is nothing or ":digits": "[::1]evil.com" or
	 * "[::1].evil.com" name another host, whatever a parser makes of it. */
	if (port < end) {
		digits = (size_t)(end - port) - 1;
		if (*port != ':' || digits < 1 || digits > 5)
			return -1;
		for (const char *d = port + 1; d < end; d++)
			if (*d < '0' || *d > '9')
				return -1;
	}
	*hlen = (size_t)(port - auth);
	return *hlen ? 0 : -1;
}

/* Splits "scheme://host[:port]/..." and finds the host. 0 or -1. */
static int url_host(const char *url, int *https, const char **host, size_t *hlen)
{
	const char *p;

	if (!strncasecmp(url, "https://", 8)) {
		*https = 1;
		p = url + 8;
	} else if (!strncasecmp(url, "http://", 7)) {
		*https = 0;
		p = url + 7;
	} else {
		return -1;
	}
	*host = p;
	return authority_host(p, strcspn(p, "/?#"), hlen);
}

int ta_url_is_loopback(const char *url)
{
	const char *host;
	size_t hlen;
	int https;

	return url_host(url, &https, &host, &hlen) == 0 &&
	       ta_host_is_loopback(host, hlen);
}

int ta_url_may_be_loopback(const char *url)
{
	const char *host;
	size_t hlen;
	int https;

	return url_host(url, &https, &host, &hlen) == 0 && ta_host_may_be_loopback(host, hlen);
}

enum ta_result ta_url_check(struct ta_client *c, const char *what, const char *url)
{
	const char *host;
	size_t hlen;
	int https;

	ta_call_begin(c);
	if (!url)
		return ta_fail(c, TA_E_ARG, "there is no %s URL", what);
	/* First, so that the URL may be quoted below: it can come from the
	 * IdP's metadata, and must not paint the terminal. */
	for (const char *p = url; *p; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
			return ta_fail(c, TA_E_ARG, "the %s URL holds white space or control characters", what);
	if (url_host(url, &https, &host, &hlen))
		return ta_fail(c, TA_E_ARG, "the %s is not an http(s) URL: %s", what, url);
	if (!https && !ta_host_is_loopback(host, hlen))
		return ta_fail(c, TA_E_INSECURE,
		               "the %s %s uses plain http; only https is allowed, except on loopback addresses",
		               what, url);
	return TA_OK;
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9') return ch - '0';
	if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
	return -1;
}

char *ta_url_decode(const char *s, size_t n)
{
	char *out = malloc(n + 1);
	size_t i, o = 0;

	if (!out)
		return NULL;
	for (i = 0; i < n; i++) {
		char ch = s[i];
		if (ch == '%') {
			int hi, lo;
			if (i + 2 >= n || (hi = hexval(s[i + 1])) < 0 ||
			    (lo = hexval(s[i + 2])) < 0)
				goto bad;
			ch = (char)(hi << 4 | lo);
			i += 2;
		} else if (ch == '+') {
			ch = ' ';
		}
		if (ch == '\0')
			goto bad;
		out[o++] = ch;
	}
	out[o] = '\0';
	return out;
bad:
	ta_wipe(out, n + 1);
	free(out);
	return NULL;
}

int ta_resource_ok(const char *uri, size_t n)
{
	size_t i = 0;

	if (n > TA_RESOURCE_MAX || !n || !((uri[0] | 0x20) >= 'a' && (uri[0] | 0x20) <= 'z'))
		return 0;
	/* RFC 3986 3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) */
	while (i < n && strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.",
	                       uri[i]) && uri[i])
		i++;
	if (i == n || uri[i] != ':' || i + 1 == n)
		return 0;
	/* RFC 3986 2: unreserved, reserved and '%' - no '#' (a fragment). */
	for (; i < n; i++)
		if (!uri[i] || !strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
		                       "-._~:/?[]@!$&'()*+,;=%", uri[i]))
			return 0;
	return 1;
}
