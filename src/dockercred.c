/*
 * dockercred.c - see dockercred.h.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "dockercred.h"
#include "helper_host.h"
#include "insecure_registry.h"
#include "token_common.h"

void dockercred_clear(struct dockercred *d)
{
	free(d->server_url);
	memset(d, 0, sizeof(*d));
}

/* host[:port] as registries are named: a DNS name or IPv4 address, or an
 * IPv6 address in brackets, then a port of 1-5 digits. */
static int host_ok(const char *h, size_t n)
{
	static const char name[] = "abcdefghijklmnopqrstuvwxyz0123456789.-";
	size_t i = 0, port;

	if (n && h[0] == '[') {
		while (i < n && h[i] != ']')
			i++;
		if (i == n || i < 3 || strspn(h + 1, "0123456789abcdef:.") != i - 1)
			return 0;
		i++;
	} else {
		while (i < n && h[i] && strchr(name, h[i]))
			i++;
		if (!i || h[0] == '.' || h[0] == '-')
			return 0;
	}
	if (i == n)
		return 1;
	if (h[i] != ':')
		return 0;
	port = n - i - 1;
	return port >= 1 && port <= 5 && strspn(h + i + 1, "0123456789") == port;
}

enum ta_result dockercred_parse(const char *buf, size_t len, struct dockercred *out)
{
	const char *p, *end, *slash;
	size_t i, n;

	memset(out, 0, sizeof(*out));
	if (len > DOCKERCRED_MAX)
		return TA_E_TOO_LARGE;
	if (len && buf[len - 1] == '\n')
		len--;
	for (i = 0; i < len; i++)
		if ((unsigned char)buf[i] < 0x21 || (unsigned char)buf[i] >= 0x7f)
			return TA_E_ARG;
	p = buf;
	end = buf + len;
	if (len >= 8 && !strncasecmp(p, "https://", 8)) {
		memcpy(out->scheme, "https", 6);
		p += 8;
	} else if (len >= 7 && !strncasecmp(p, "http://", 7)) {
		memcpy(out->scheme, "http", 5);
		p += 7;
	} else if (memmem(p, len, "://", 3)) { /* no other scheme */
		return TA_E_ARG;
	}
	slash = memchr(p, '/', (size_t)(end - p));
	n = (size_t)((slash ? slash : end) - p);
	if (n >= sizeof(out->host)) {
		memset(out, 0, sizeof(*out));
		return TA_E_ARG;
	}
	for (i = 0; i < n; i++)
		out->host[i] = (char)tolower((unsigned char)p[i]);
	out->host[n] = '\0';
	if (!host_ok(out->host, n)) {
		memset(out, 0, sizeof(*out));
		return TA_E_ARG;
	}
	if (!(out->server_url = strndup(buf, len))) {
		memset(out, 0, sizeof(*out));
		return TA_E_NOMEM;
	}
	return TA_OK;
}

int dockercred_secure(const struct dockercred *d)
{
	if (!d->host[0])
		return 0;
	return strcmp(d->scheme, "http") || helper_host_is_loopback(d->host);
}

int dockercred_insecure(const struct dockercred *d, char *where, size_t size)
{
	return !helper_host_is_loopback(d->host) && insecure_registry(d->host, where, size);
}

int dockercred_print(const char *server_url, const char *username, const char *secret)
{
	return json_print_secret(json_pack("{s:s, s:s, s:s}", "ServerURL", server_url, "Username",
	                                   username, "Secret", secret));
}
