/*
 * url_norm.c - see url_norm.h: RFC 3986's syntax-based (6.2.2) and
 * scheme-based (6.2.3) normalisation of an absolute http(s) URL, which
 * RFC 9449 4.3 asks a server to apply to htu before it compares it with
 * the request's URI. Making the client's htu normal already means that a
 * server that does less (compares the text) still finds them equal.
 * Strict: what RFC 3986 does not allow is refused, not repaired, since any
 * repair might differ from what the HTTP client then sends. The same
 * normal form tells whether two URLs share an origin (login.c holds an
 * unvouched IdP's endpoints to its issuer's). Not here:
 * whether a URL may be used (url.h's ta_url_check), IDNA, IPv6 address
 * compression.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "base/url_norm.h"
#include "base/buf.h"

static int is_unreserved(int ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '-' || ch == '.' || ch == '_' || ch == '~';
}

static int hex_value(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Puts the reason in why; -1. */
static int say(char *why, size_t cap, const char *reason)
{
	snprintf(why, cap, "%s", reason);
	return -1;
}

static int lower(int ch)
{
	return ch >= 'A' && ch <= 'Z' ? ch + ('a' - 'A') : ch;
}

/* Appends s[0..n) with its escapes normalised: unreserved characters
 * decoded, the others' hex digits in upper case; besides unreserved
 * characters and escapes, only those of extra are allowed. fold: ASCII
 * letters in lower case (a host). 0, or -1 at a character not allowed or
 * a bad escape. */
static int add_normal(struct ta_buf *b, const char *s, size_t n, const char *extra, int fold)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;

	for (i = 0; i < n; i++) {
		int ch = (unsigned char)s[i], hi, lo;
		char c;

		if (ch == '%') {
			if (i + 2 >= n ||
			    (hi = hex_value((unsigned char)s[i + 1])) < 0 ||
			    (lo = hex_value((unsigned char)s[i + 2])) < 0)
				return -1;
			i += 2;
			ch = hi << 4 | lo;
			if (!is_unreserved(ch)) {
				char esc[3] = {'%', hex[ch >> 4], hex[ch & 15]};
				ta_buf_add(b, esc, 3);
				continue;
			}
		} else if (!is_unreserved(ch) && !strchr(extra, ch)) {
			return -1;
		}
		c = (char)(fold ? lower(ch) : ch);
		ta_buf_add(b, &c, 1);
	}
	return 0;
}

/* RFC 3986 5.2.4's remove_dot_segments, of a path that starts with '/',
 * appended to out. */
static void remove_dots(const char *in, size_t n, struct ta_buf *out)
{
	size_t i = 0, start = out->len, seg;

	while (i < n) {
		const char *s = in + i + 1; /* in[i] is '/' */

		for (seg = 0; i + 1 + seg < n && s[seg] != '/'; seg++)
			;
		if ((seg == 1 && s[0] == '.') || (seg == 2 && s[0] == '.' && s[1] == '.')) {
			if (seg == 2 && !out->failed) { /* drop the last segment written */
				while (out->len > start && out->data[out->len - 1] != '/')
					out->len--;
				if (out->len > start)
					out->len--;
				out->data[out->len] = '\0';
			}
			i += 1 + seg;
			if (i == n) /* "/a/." and "/a/.." end in a '/' */
				ta_buf_add(out, "/", 1);
			continue;
		}
		ta_buf_add(out, in + i, 1 + seg);
		i += 1 + seg;
	}
}

/* host[:port] of the authority a[0..n), normalised, onto b. 0 or -1. */
static int add_authority(struct ta_buf *b, const char *a, size_t n, int https, char *why,
                         size_t cap)
{
	const char *colon, *end = a + n;
	long port = 0;

	if (memchr(a, '@', n))
		return say(why, cap, "the URL has userinfo ('...@'), which http(s) URLs must "
		                          "not have");
	if (n && a[0] == '[') {
		const char *close = memchr(a, ']', n);
		size_t i;

		if (!close || close == a + 1)
			return say(why, cap, "the URL's IPv6 address has no closing ']'");
		for (i = 1; a + i < close; i++)
			if (hex_value((unsigned char)a[i]) < 0 && a[i] != ':' && a[i] != '.')
				return say(why, cap, "the URL's IPv6 address is not one");
		colon = close + 1 < end ? close + 1 : NULL;
		if (colon && *colon != ':')
			return say(why, cap, "the URL's IPv6 address is followed by more");
		for (i = 0; a + i <= close; i++) {
			char c = (char)lower((unsigned char)a[i]);
			ta_buf_add(b, &c, 1);
		}
	} else {
		colon = memchr(a, ':', n);
		if (colon == a || n == 0)
			return say(why, cap, "the URL has no host");
		if (add_normal(b, a, colon ? (size_t)(colon - a) : n, "!$&'()*+,;=", 1))
			return say(why, cap, "the URL's host has a character that hosts "
			                          "cannot have, or a bad %-escape");
	}
	if (!colon)
		return 0;
	for (const char *d = colon + 1; d < end; d++) {
		if (*d < '0' || *d > '9' || (port = port * 10 + (*d - '0')) > 65535)
			return say(why, cap, "the URL's port is not a number of 1 to 65535");
	}
	if (colon + 1 < end && port == 0)
		return say(why, cap, "the URL's port is not a number of 1 to 65535");
	if (port && port != (https ? 443 : 80)) {
		char num[8];
		int k = snprintf(num, sizeof(num), ":%ld", port);
		ta_buf_add(b, num, (size_t)k);
	}
	return 0;
}

int ta_url_normalize(const char *url, char **out, char *why, size_t cap)
{
	struct ta_buf b = {0}, path = {0};
	const char *p, *auth, *end;
	size_t n, i;
	int https, r = -1;

	*out = NULL;
	n = url ? strnlen(url, TA_URL_NORM_MAX + 1) : 0;
	if (!url || n > TA_URL_NORM_MAX)
		return say(why, cap, "the URL is empty or longer than 8192 bytes");
	for (i = 0; i < n; i++)
		if ((unsigned char)url[i] <= 0x20 || (unsigned char)url[i] >= 0x7f)
			return say(why, cap, "the URL has a space, a control or a non-ASCII "
			                          "character (percent-encode it)");
	if (!strncasecmp(url, "https://", 8))
		https = 1;
	else if (!strncasecmp(url, "http://", 7))
		https = 0;
	else
		return say(why, cap, "the URL is not an absolute http:// or https:// URL");
	ta_buf_adds(&b, https ? "https://" : "http://");
	auth = url + (https ? 8 : 7);
	end = auth + strcspn(auth, "/?#");
	if (add_authority(&b, auth, (size_t)(end - auth), https, why, cap))
		goto out;
	p = end;
	end = p + strcspn(p, "?#");
	if (add_normal(&path, p, (size_t)(end - p), "!$&'()*+,;=:@/", 0)) {
		say(why, cap, "the URL's path has a character that must be percent-encoded, "
		         "or a bad %-escape");
		goto out;
	}
	if (path.len)
		remove_dots(path.data, path.len, &b);
	else
		ta_buf_add(&b, "/", 1);
	if (b.failed || path.failed) {
		r = -2;
		goto out;
	}
	*out = b.data;
	b.data = NULL;
	r = 0;
out:
	if (r == -2)
		snprintf(why, cap, "out of memory");
	ta_buf_clear(&b);
	ta_buf_clear(&path);
	return r;
}

/* The length of the scheme://host[:port] that starts normalised URL u:
 * up to the path's '/', which normalising always leaves. */
static size_t origin_length(const char *u)
{
	const char *auth = strstr(u, "://") + 3;

	return (size_t)(auth - u) + strcspn(auth, "/");
}

int ta_url_same_origin(const char *a, const char *b)
{
	char *na = NULL, *nb = NULL, why[8];
	int same = 0;
	size_t n;

	if (ta_url_normalize(a, &na, why, sizeof(why)) == 0 &&
	    ta_url_normalize(b, &nb, why, sizeof(why)) == 0) {
		n = origin_length(na);
		same = n == origin_length(nb) && !memcmp(na, nb, n);
	}
	free(na);
	free(nb);
	return same;
}
