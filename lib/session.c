/*
 * session.c - a signed-in session: its accessors, its freshness check, and
 * its JSON form as kept in the store file. Part of the small core that
 * serves a cached token, so it needs only jansson.
 */
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "internal.h"

#define SESSION_FORMAT 1

enum ta_result ta_session_new(struct ta_session **out)
{
	ta_json_alloc_init(); /* also links json_alloc.o out of a static archive */
	*out = calloc(1, sizeof(**out));
	return *out ? TA_OK : TA_E_NOMEM;
}

void ta_session_free(struct ta_session *s)
{
	if (!s)
		return;
	ta_free_secret(s->access_token);
	ta_free_secret(s->refresh_token);
	ta_free_secret(s->id_token);
	ta_free_secret(s->token_type);
	ta_free_secret(s->scope);
	ta_free_secret(s->issuer);
	ta_free_secret(s->client_id);
	ta_free_secret(s->subject);
	ta_free_secret(s->token_endpoint);
	ta_free_secret(s->revocation_endpoint);
	ta_wipe(s, sizeof(*s));
	free(s);
}

const char *ta_session_access_token(const struct ta_session *s) { return s->access_token; }
const char *ta_session_refresh_token(const struct ta_session *s) { return s->refresh_token; }
const char *ta_session_id_token(const struct ta_session *s) { return s->id_token; }
const char *ta_session_token_type(const struct ta_session *s) { return s->token_type; }
const char *ta_session_scope(const struct ta_session *s) { return s->scope; }
const char *ta_session_issuer(const struct ta_session *s) { return s->issuer; }
const char *ta_session_client_id(const struct ta_session *s) { return s->client_id; }
const char *ta_session_subject(const struct ta_session *s) { return s->subject; }
long long ta_session_expires_at(const struct ta_session *s) { return s->expires_at; }

enum ta_result ta_session_check_fresh(const struct ta_session *s,
                                      long long now, long long min_ttl)
{
	if (!s->access_token || s->expires_at < 0)
		return TA_E_EXPIRED;
	if (s->expires_at == 0) /* unknown: the IdP did not say */
		return TA_OK;
	/* expires_at > now first, so that the subtraction cannot overflow. */
	if (s->expires_at <= now || s->expires_at - now < min_ttl)
		return TA_E_EXPIRED;
	return TA_OK;
}

/* The string fields, in the order they are written. */
struct field {
	const char *key;
	size_t offset;
};
#define FIELD(name) { #name, offsetof(struct ta_session, name) }
static const struct field fields[] = {
	FIELD(issuer), FIELD(client_id), FIELD(subject), FIELD(token_type),
	FIELD(scope), FIELD(token_endpoint), FIELD(revocation_endpoint), FIELD(access_token),
	FIELD(refresh_token), FIELD(id_token),
};
#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

static char **field_slot(const struct ta_session *s, size_t i)
{
	return (char **)((char *)s + fields[i].offset);
}

enum ta_result ta_session_to_json(const struct ta_session *s, char **out)
{
	json_t *o = json_object();
	enum ta_result r = TA_E_NOMEM;
	size_t i;

	if (!o)
		return TA_E_NOMEM;
	if (json_object_set_new(o, "format", json_integer(SESSION_FORMAT)) ||
	    json_object_set_new(o, "expires_at", json_integer(s->expires_at)))
		goto out;
	for (i = 0; i < NFIELDS; i++) {
		const char *v = *field_slot(s, i);
		if (v && json_object_set_new(o, fields[i].key, json_string(v)))
			goto out;
	}
	*out = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (*out)
		r = TA_OK;
out:
	json_decref(o);
	return r;
}

enum ta_result ta_session_from_json(struct ta_client *c, const char *buf,
                                    size_t len, struct ta_session **out)
{
	json_error_t err;
	json_t *o = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &err);
	struct ta_session *s = NULL;
	enum ta_result r;
	json_t *v;
	size_t i;

	if (!o || !json_is_object(o)) {
		r = ta_fail(c, TA_E_STORE, "the session file is not valid JSON (line %d)",
		            o ? 1 : err.line);
		goto out;
	}
	v = json_object_get(o, "format");
	if (!json_is_integer(v) || json_integer_value(v) != SESSION_FORMAT) {
		r = ta_fail(c, TA_E_STORE, "the session file has an unknown format");
		goto out;
	}
	if ((r = ta_session_new(&s)) != TA_OK)
		goto out;
	v = json_object_get(o, "expires_at");
	if (v && (!json_is_integer(v) || json_integer_value(v) < 0)) {
		r = ta_fail(c, TA_E_STORE, "the session file's expires_at is not a number");
		goto out;
	}
	s->expires_at = v ? json_integer_value(v) : 0;
	for (i = 0; i < NFIELDS; i++) {
		v = json_object_get(o, fields[i].key);
		if (!v)
			continue;
		if (!json_is_string(v)) {
			r = ta_fail(c, TA_E_STORE, "the session file's %s is not a string",
			            fields[i].key);
			goto out;
		}
		if ((r = ta_set_string(field_slot(s, i), json_string_value(v))) != TA_OK)
			goto out;
	}
	*out = s;
	s = NULL;
	r = TA_OK;
out:
	ta_session_free(s);
	json_decref(o);
	return r;
}
