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
