/*
 * token_common.c - see token_common.h.
 */
#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <jansson.h>
#include "token_common.h"

const char *token_from_env(void)
{
	const char *v = getenv("TERMAUTH_TOKEN");

	return v && *v ? v : NULL;
}

int token_printable(const char *token)
{
	for (; *token; token++)
		if ((unsigned char)*token < 0x20 || *token == 0x7f)
			return 0;
	return 1;
}

int token_print(const struct ta_session *s, enum token_format format, long long now)
{
	return token_print_raw(ta_session_access_token(s), ta_session_token_type(s),
	                       ta_session_expires_at(s), format, now);
}

const char *token_scheme(const char *type)
{
	if (!type || !strcasecmp(type, "bearer"))
		return "Bearer";
	return !strcasecmp(type, "dpop") ? "DPoP" : type;
}

int token_needs_proof(const char *type, enum token_format format)
{
	return (format == TOKEN_HEADER || format == TOKEN_JSON_HEADERS) && type &&
	       !strcasecmp(type, "dpop");
}

int token_print_headers(const char *token, const char *type, const char *proof, int json)
{
	char *line = NULL;
	int rc;

	if (asprintf(&line, "%s %s", token_scheme(type), token) < 0)
		return -1;
	if (json) {
		rc = json_print_secret(json_pack("{s:s, s:s*}", "Authorization", line, "DPoP", proof));
	} else {
		rc = printf("Authorization: %s\n", line) < 0 ||
		     (proof && printf("DPoP: %s\n", proof) < 0) || fflush(stdout) ? -1 : 0;
	}
	explicit_bzero(line, strlen(line));
	free(line);
	return rc;
}

int token_print_raw(const char *token, const char *type, long long exp, enum token_format format,
                    long long now)
{
	json_t *o;
	int rc;

	if (format == TOKEN_HEADER || format == TOKEN_JSON_HEADERS)
		return token_print_headers(token, type, NULL, format == TOKEN_JSON_HEADERS);
	if (format == TOKEN_RAW) {
		rc = printf("%s\n", token);
		return rc < 0 || fflush(stdout) ? -1 : 0;
	}
	o = json_pack("{s:s, s:s?}", "access_token", token, "token_type", type);
	if (!o)
		return -1;
	if (exp) {
		json_object_set_new(o, "expires_at", json_integer(exp));
		json_object_set_new(o, "expires_in", json_integer(exp > now ? exp - now : 0));
	}
	return json_print_secret(o);
}

int json_print_secret(json_t *o)
{
	char *text;
	int rc;

	if (!o)
		return -1;
	text = json_dumps(o, JSON_PRESERVE_ORDER);
	json_decref(o);
	if (!text)
		return -1;
	rc = printf("%s\n", text);
	explicit_bzero(text, strlen(text));
	free(text);
	return rc < 0 || fflush(stdout) ? -1 : 0;
}

long long token_parse_seconds(const char *s)
{
	char *end;
	long long v;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	return errno || *end ? -1 : v;
}
