/*
 * match.c - see match.h. Depends on nothing, not even the handle: the tool
 * links this file itself, since the library does not export it.
 */
#include <arpa/inet.h>
#include <string.h>
#include <strings.h>
#include "base/match.h"

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

/* 1 for an address in 127.0.0.0/8 or 0.0.0.0/8 (which Linux connects
 * to this machine), IPv4 in host order. */
static int v4_reaches_here(unsigned long a)
{
	return (a >> 24) == 127 || (a >> 24) == 0;
}

int ta_host_may_be_loopback(const char *host, size_t len)
{
	char name[256];
	struct in_addr v4;
	struct in6_addr v6;
	size_t n;

	if (ta_host_is_loopback(host, len) || memchr(host, '%', len))
		return 1;
	if (len >= sizeof(name))
		return 0;
	memcpy(name, host, len);
	name[len] = '\0';
	if (len > 2 && name[0] == '[' && name[len - 1] == ']') {
		name[len - 1] = '\0';
		if (inet_pton(AF_INET6, name + 1, &v6) != 1)
			return 0;
		if (IN6_IS_ADDR_LOOPBACK(&v6) || IN6_IS_ADDR_UNSPECIFIED(&v6))
			return 1;
		/* ::ffff:127.0.0.1, and the old ::127.0.0.1 (whose ::0.0.0.2
		 * is not "0.0.0.0/8"). */
		return (IN6_IS_ADDR_V4MAPPED(&v6) && v4_reaches_here((unsigned long)v6.s6_addr[12] << 24)) ||
		       (IN6_IS_ADDR_V4COMPAT(&v6) && v6.s6_addr[12] == 127);
	}
	/* inet_aton takes what getaddrinfo does: 127.1, 0177.1, 0x7f000001. */
	if (inet_aton(name, &v4))
		return v4_reaches_here(ntohl(v4.s_addr));
	n = len;
	if (n && name[n - 1] == '.')
		name[--n] = '\0';
	return !strcasecmp(name, "localhost") ||
	       (n > 10 && !strcasecmp(name + n - 10, ".localhost"));
}

int ta_shell_safe(const char *s, size_t n)
{
	static const char safe[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	                           "0123456789-._~:/?=%@+,";
	size_t i;

	for (i = 0; i < n; i++)
		if (!s[i] || !strchr(safe, s[i]))
			return 0;
	return n > 0;
}

const char *ta_shell_word(const char *word, const char *instead)
{
	return ta_shell_safe(word, strlen(word)) ? word : instead;
}

int ta_list_holds(const char *list, const char *word)
{
	size_t n = strlen(word);
	const char *p = list;

	if (!n)
		return 0;
	while ((p = strcasestr(p, word))) {
		int starts = p == list || p[-1] == ' ' || p[-1] == '\t';
		int ends = p[n] == '\0' || p[n] == ' ' || p[n] == '\t';
		if (starts && ends)
			return 1;
		p += n;
	}
	return 0;
}
