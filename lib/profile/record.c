/*
 * session.c - a signed-in session: its accessors, its freshness check, and
 * its JSON form as kept in the store file. Part of the small core that
 * serves a cached token, so it needs only jansson (and libc's getrandom).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <jansson.h>
#include "profile/record.h"
#include "base/result.h"
#include "base/secret.h"

#define SESSION_FORMAT 1

enum ta_result ta_session_new(struct ta_session **out)
{
	ta_json_alloc_init(); /* also links json_alloc.o out of a static archive */
	*out = calloc(1, sizeof(**out));
	return *out ? TA_OK : TA_E_NOMEM;
}

struct ta_session_meta *ta_session_meta_of(struct ta_session *s)
{
	return &s->meta;
}

const struct ta_session_meta *ta_session_meta_of_const(const struct ta_session *s)
{
	return &s->meta;
}

enum ta_result ta_session_new_id(struct ta_session *s)
{
	unsigned char rnd[TA_SESSION_ID_LEN / 2];
	char *id = ta_session_meta(s)->id;
	ssize_t n;
	size_t i;

	do
		n = getrandom(rnd, sizeof(rnd), 0);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof(rnd))
		return TA_E_STORE;
	for (i = 0; i < sizeof(rnd); i++)
		snprintf(id + 2 * i, 3, "%02x", rnd[i]);
	return TA_OK;
}

long long ta_session_valid_until(const struct ta_session *s)
{
	const struct ta_session_meta *m = ta_session_meta(s);

	if (s->expires_at)
		return s->expires_at;
	return m->obtained_at ? m->obtained_at + TA_UNSAID_LIFETIME : 0;
}

long long ta_session_lifetime(const struct ta_session *s)
{
	const struct ta_session_meta *m = ta_session_meta(s);

	if (m->lifetime)
		return m->lifetime;
	return m->obtained_at && !s->expires_at ? TA_UNSAID_LIFETIME : 0;
}

int ta_session_short_lived(const struct ta_session *s, long long now, long long min_ttl)
{
	long long until = ta_session_valid_until(s), life = ta_session_lifetime(s);

	if (!s->access_token || life <= 0 || life > min_ttl || until <= now)
		return 0;
	return until - now >= life - life / 2;
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
	ta_free_secret(s->resource);
	ta_free_secret(s->resources);
	ta_free_secret(s->dpop_key);
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
const char *ta_session_resource(const struct ta_session *s) { return s->resource; }
long long ta_session_expires_at(const struct ta_session *s) { return s->expires_at; }

enum ta_result ta_session_check_fresh(const struct ta_session *s,
                                      long long now, long long min_ttl)
{
	long long until = ta_session_valid_until(s);

	/* A token of unknown age and expiry (a session kept by an older
	 * termauth) is not trusted forever: it counts as expired, so the next
	 * use refreshes it once and learns when the new one was received. */
	if (!s->access_token || until <= 0)
		return TA_E_EXPIRED;
	/* until > now first, so that the subtraction cannot overflow. */
	if (until <= now || until - now < min_ttl)
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
	FIELD(refresh_token), FIELD(id_token), FIELD(resource), FIELD(resources),
	FIELD(dpop_key),
};
#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

static char **field_slot(const struct ta_session *s, size_t i)
{
	return (char **)((char *)s + fields[i].offset);
}

/* The long-lived secrets, left out of cache entries and derived tokens:
 * the DPoP key lives only in the store, with the refresh token. */
static int long_lived(size_t i)
{
	return fields[i].offset == offsetof(struct ta_session, refresh_token) ||
	       fields[i].offset == offsetof(struct ta_session, id_token) ||
	       fields[i].offset == offsetof(struct ta_session, dpop_key);
}

/* The bookkeeping members, written only when known. */
static int meta_to_json(const struct ta_session *s, json_t *o)
{
	const struct ta_session_meta *m = ta_session_meta(s);

	return (m->id[0] && json_object_set_new(o, "session_id", json_string(m->id))) ||
	       (m->obtained_at && json_object_set_new(o, "obtained_at", json_integer(m->obtained_at))) ||
	       (m->lifetime && json_object_set_new(o, "lifetime", json_integer(m->lifetime))) ||
	       (m->refreshes && json_object_set_new(o, "refreshes", json_integer(m->refreshes)));
}

static enum ta_result to_json(const struct ta_session *s, int access_only, char **out)
{
	json_t *o = json_object();
	enum ta_result r = TA_E_NOMEM;
	size_t i;

	if (!o)
		return TA_E_NOMEM;
	if (json_object_set_new(o, "format", json_integer(SESSION_FORMAT)) ||
	    json_object_set_new(o, "expires_at", json_integer(s->expires_at)) ||
	    meta_to_json(s, o))
		goto out;
	for (i = 0; i < NFIELDS; i++) {
		const char *v = *field_slot(s, i);
		if (v && !(access_only && long_lived(i)) &&
		    json_object_set_new(o, fields[i].key, json_string(v)))
			goto out;
	}
	*out = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (*out)
		r = TA_OK;
out:
	json_decref(o);
	return r;
}

enum ta_result ta_session_to_json(const struct ta_session *s, char **out)
{
	return to_json(s, 0, out);
}

enum ta_result ta_session_to_json_access(const struct ta_session *s, char **out)
{
	return to_json(s, 1, out);
}

/* A non-negative integer member, 0 when absent; -1 when it is not one. */
static long long seconds_member(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	if (!v)
		return 0;
	return json_is_integer(v) && json_integer_value(v) >= 0 ? json_integer_value(v) : -1;
}

/* session_id, obtained_at, lifetime and refreshes: each optional (older
 * files). */
static enum ta_result meta_from_json(struct ta_client *c, json_t *o, struct ta_session *s)
{
	struct ta_session_meta *m = ta_session_meta(s);
	json_t *v = json_object_get(o, "session_id");

	if (v) {
		if (!json_is_string(v) || strlen(json_string_value(v)) != TA_SESSION_ID_LEN ||
		    strspn(json_string_value(v), "0123456789abcdef") != TA_SESSION_ID_LEN)
			return ta_fail(c, TA_E_STORE, "the session file's session_id is not 32 hex digits");
		memcpy(m->id, json_string_value(v), TA_SESSION_ID_LEN + 1);
	}
	m->obtained_at = seconds_member(o, "obtained_at");
	m->lifetime = seconds_member(o, "lifetime");
	m->refreshes = seconds_member(o, "refreshes");
	if (m->obtained_at < 0 || m->lifetime < 0 || m->refreshes < 0)
		return ta_fail(c, TA_E_STORE, "the session file's obtained_at, lifetime or refreshes is not a number");
	return TA_OK;
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
	if ((r = meta_from_json(c, o, s)) != TA_OK)
		goto out;
	for (i = 0; i < NFIELDS; i++) {
		v = json_object_get(o, fields[i].key);
		if (!v)
			continue;
		if (!json_is_string(v)) {
			r = ta_fail(c, TA_E_STORE, "the session file's %s is not a string",
			            fields[i].key);
			goto out;
		}
		if ((r = ta_set_secret(field_slot(s, i), json_string_value(v))) != TA_OK)
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
