/*
 * helper_host.c - see helper_host.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/match.h"
#include "helper_host.h"

char *helper_read_request(size_t max, size_t *len)
{
	char *buf = malloc(max + 2);
	size_t n;

	*len = 0;
	if (!buf)
		return NULL;
	while (*len <= max && (n = fread(buf + *len, 1, max + 1 - *len, stdin)) > 0)
		*len += n;
	if (ferror(stdin)) {
		explicit_bzero(buf, *len);
		free(buf);
		return NULL;
	}
	buf[*len] = '\0';
	return buf;
}

/* "127.0.0.1.evil.example" or "[::1]@evil.example" are other machines. */
int helper_host_is_loopback(const char *host)
{
	const char *port;
	size_t n;

	if (host[0] == '[') {
		if (!(port = strchr(host, ']')))
			return 0;
		port++;
	} else {
		port = host + strcspn(host, ":");
	}
	n = (size_t)(port - host);
	if (*port && (*port != ':' || !port[1] || strlen(port + 1) > 5 ||
	              strspn(port + 1, "0123456789") != strlen(port + 1)))
		return 0;
	return ta_host_is_loopback(host, n);
}

int helper_host_profile(struct ta_client *c, const char *hosts_key, const char *user_key,
                        const char *host, const char *given, char **profile, char **username)
{
	struct ta_profile *p = NULL;
	const char *hosts, *user;
	char *found = NULL;
	int rc = -1;

	*profile = *username = NULL;
	if (!given && ta_profile_find(c, hosts_key, host, &found) != TA_OK)
		return -1;
	if (!given && !found)
		return 0;
	if (ta_profile_load(c, given ? given : found, &p) != TA_OK)
		goto out;
	hosts = ta_profile_get(p, hosts_key);
	user = ta_profile_get(p, user_key);
	rc = 0;
	if (!hosts || !ta_list_holds(hosts, host))
		goto out;
	rc = -1;
	if (!(*profile = strdup(given ? given : found)) ||
	    !(*username = strdup(user && *user ? user : "oauth2"))) {
		free(*profile);
		*profile = NULL;
		goto out;
	}
	rc = 1;
out:
	ta_profile_free(p);
	free(found);
	return rc;
}
