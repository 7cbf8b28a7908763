/*
 * gitcred.c - see gitcred.h.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "gitcred.h"
#include "helper_host.h"

static void free_secret(char *s)
{
	if (s) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

void gitcred_clear(struct gitcred *g)
{
	free(g->protocol);
	free(g->host);
	free(g->path);
	free(g->username);
	free_secret(g->password);
	memset(g, 0, sizeof(*g));
}

static char **slot_for(struct gitcred *g, const char *key, size_t n)
{
	static const struct {
		const char *key;
		size_t offset;
	} slots[] = {
		{ "protocol", offsetof(struct gitcred, protocol) },
		{ "host", offsetof(struct gitcred, host) },
		{ "path", offsetof(struct gitcred, path) },
		{ "username", offsetof(struct gitcred, username) },
		{ "password", offsetof(struct gitcred, password) },
	};
	size_t i;

	for (i = 0; i < sizeof(slots) / sizeof(slots[0]); i++)
		if (strlen(slots[i].key) == n && !memcmp(slots[i].key, key, n))
			return (char **)((char *)g + slots[i].offset);
	return NULL;
}

enum ta_result gitcred_parse(const char *buf, size_t len, struct gitcred *out)
{
	const char *line = buf, *end = buf + len;
	enum ta_result r = TA_OK;

	memset(out, 0, sizeof(*out));
	if (len > GITCRED_MAX)
		return TA_E_TOO_LARGE;
	if (memchr(buf, '\0', len) || memchr(buf, '\r', len))
		return TA_E_ARG;
	while (line < end && r == TA_OK) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		const char *stop = nl ? nl : end, *eq;
		char **slot;

		if (stop == line) /* an empty line ends the request */
			break;
		eq = memchr(line, '=', (size_t)(stop - line));
		if (!eq || eq == line) {
			r = TA_E_ARG;
			break;
		}
		if ((slot = slot_for(out, line, (size_t)(eq - line)))) {
			char *value = strndup(eq + 1, (size_t)(stop - eq - 1));
			if (!value) {
				r = TA_E_NOMEM;
				break;
			}
			free_secret(*slot);
			*slot = value;
		}
		line = nl ? nl + 1 : end;
	}
	if (r != TA_OK)
		gitcred_clear(out);
	return r;
}

int gitcred_secure(const struct gitcred *g)
{
	if (!g->protocol || !g->host || !*g->host)
		return 0;
	if (!strcmp(g->protocol, "https"))
		return 1;
	return !strcmp(g->protocol, "http") && helper_host_is_loopback(g->host);
}
