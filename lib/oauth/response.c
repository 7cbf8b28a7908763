/*
 * response.c - see response.h. GitHub answers its token and device
 * endpoints form-encoded unless the request says Accept: application/json
 * (we do, but proxies and older servers drop it), and answers errors with
 * HTTP 200; both are handled here so that the parsers need not care.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "oauth/response.h"
#include "base/query.h"
#include "base/result.h"

static json_t *form_object(const char *body, size_t len)
{
	struct ta_query q;
	json_t *o = NULL;
	size_t i;

	if (!len || memchr(body, '{', len) || !memchr(body, '=', len))
		return NULL;
	if (ta_query_parse(body, len, &q) != TA_OK)
		return NULL;
	if (q.malformed || q.duplicated || !(o = json_object()))
		goto out;
	for (i = 0; i < q.n; i++) {
		if (json_object_set_new(o, q.keys[i], json_string(q.values[i]))) {
			json_decref(o); /* also a value that is not UTF-8 */
			o = NULL;
			goto out;
		}
	}
out:
	ta_query_clear(&q);
	return o;
}

json_t *ta_response_object(const char *body, size_t len)
{
	json_t *o = json_loadb(body, len, JSON_REJECT_DUPLICATES, NULL);

	if (json_is_object(o))
		return o;
	json_decref(o);
	return form_object(body, len);
}

enum ta_result ta_response_error(struct ta_client *c, json_t *o, char *error, size_t errlen)
{
	json_t *e = json_object_get(o, "error");
	const char *d = json_string_value(json_object_get(o, "error_description"));
	char code[64], desc[200];

	if (!json_is_string(e))
		return TA_OK; /* no OAuth error: the caller judges the status */
	ta_printable(code, sizeof(code), json_string_value(e));
	ta_printable(desc, sizeof(desc), d);
	if (error)
		snprintf(error, errlen, "%s", code);
	return ta_fail(c, strcmp(code, "access_denied") ? TA_E_IDP : TA_E_DENIED,
	               "the IdP refused: %s%s%s%s", code, d ? " (" : "", d ? desc : "", d ? ")" : "");
}

long long ta_response_seconds(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	long long secs = -2;

	if (!v)
		return -1;
	if (json_is_integer(v)) {
		secs = json_integer_value(v);
	} else if (json_is_string(v) && isdigit((unsigned char)json_string_value(v)[0])) {
		char *end; /* digits only: strtoll alone would take " +5" */
		secs = strtoll(json_string_value(v), &end, 10);
		if (*end)
			secs = -2;
	}
	return secs < 0 || secs > 10LL * 365 * 86400 ? -2 : secs;
}
