/*
 * url.c - see url.h. Hand-written rather than libcurl's URL API because the
 * checks here are small, and must be exactly these.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "url.h"

static void buf_grow(struct ta_buf *b, size_t need)
{
	size_t cap = b->cap ? b->cap : 256;
	char *p;

	if (b->failed || b->len + need + 1 <= b->cap)
		return;
	while (cap < b->len + need + 1)
		cap *= 2;
	/* Not realloc: the old block may hold a secret and must be wiped. */
	if (!(p = malloc(cap))) {
		b->failed = 1;
		return;
	}
	if (b->data) {
		memcpy(p, b->data, b->len + 1);
		ta_wipe(b->data, b->cap);
		free(b->data);
	}
	b->data = p;
	b->cap = cap;
}

void ta_buf_add(struct ta_buf *b, const char *s, size_t n)
{
	buf_grow(b, n);
	if (b->failed)
		return;
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void ta_buf_adds(struct ta_buf *b, const char *s)
{
	ta_buf_add(b, s, strlen(s));
}

void ta_buf_add_encoded(struct ta_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '-' || ch == '.' ||
		    ch == '_' || ch == '~') {
			ta_buf_add(b, s, 1);
		} else {
			char esc[3] = { '%', hex[ch >> 4], hex[ch & 15] };
			ta_buf_add(b, esc, 3);
		}
	}
}

void ta_buf_add_param(struct ta_buf *b, const char *key, const char *value)
{
	if (b->len)
		ta_buf_adds(b, "&");
	ta_buf_add_encoded(b, key);
	ta_buf_adds(b, "=");
	ta_buf_add_encoded(b, value);
}

void ta_buf_clear(struct ta_buf *b)
{
	if (b->data) {
		ta_wipe(b->data, b->cap);
		free(b->data);
	}
	memset(b, 0, sizeof(*b));
}

int ta_host_is_loopback(const char *host, size_t len)
{
	char ip[INET_ADDRSTRLEN];
	struct in_addr addr;

	if (len == 5 && !strncmp(host, "[::1]", 5))
		return 1;
	if (len == 9 && !strncasecmp(host, "localhost", 9))
		return 1;
	/* A dotted-quad IPv4 literal in 127.0.0.0/8, parsed strictly:
	 * "127.0.0.256" or "127.evil.com" would go to DNS. */
	if (len >= sizeof(ip))
		return 0;
	memcpy(ip, host, len);
	ip[len] = '\0';
	return inet_pton(AF_INET, ip, &addr) == 1 && (ntohl(addr.s_addr) >> 24) == 127;
}

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

enum ta_result ta_url_check(struct ta_client *c, const char *what, const char *url)
{
	const char *host;
	size_t hlen;
	int https;

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
