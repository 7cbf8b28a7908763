/*
 * credential.c - CI credentials: one line that carries what refreshing a
 * session needs (issuer, client id, token endpoint, refresh token, scope,
 * and a client secret for IdPs that give native apps one), made by
 * `termauth setup-token` and read from TERMAUTH_CREDENTIAL. Refreshing
 * goes through the ordinary store under a name derived from the
 * credential (ci-<16 hex digits of its SHA-256>), so that the lock, the
 * re-read and rotation work as for any profile within a job - and across
 * jobs as far as the IdP allows: with a rotating IdP the credential's own
 * refresh token works once, so CI clients should not rotate.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <openssl/sha.h>
#include "base/base64url.h"
#include "base/result.h"
#include "base/secret.h"
#include "profile/record.h"
#include "session/session.h"
#include "store/store.h"

#define PREFIX "ta1."
#define CREDENTIAL_MAX 16384

static const struct {
	const char *key;
	size_t offset;
} members[] = {
	{ "iss", offsetof(struct ta_session, issuer) },
	{ "cid", offsetof(struct ta_session, client_id) },
	{ "tep", offsetof(struct ta_session, token_endpoint) },
	{ "rep", offsetof(struct ta_session, revocation_endpoint) },
	{ "rt", offsetof(struct ta_session, refresh_token) },
	{ "scope", offsetof(struct ta_session, scope) },
	{ "sub", offsetof(struct ta_session, subject) },
	{ "res", offsetof(struct ta_session, resource) },
	{ "rss", offsetof(struct ta_session, resources) },
	{ "dpk", offsetof(struct ta_session, dpop_key) },
};
#define SECRET_KEY "cs" /* the client secret of IdPs that give native apps one */
#define NMEMBERS (sizeof(members) / sizeof(members[0]))

static char **slot(const struct ta_session *s, size_t i)
{
	return (char **)((char *)s + members[i].offset);
}

enum ta_result ta_credential_encode(struct ta_client *c, const struct ta_session *s, char **out)
{
	json_t *o = json_object();
	char *text = NULL, *line = NULL;
	enum ta_result r = TA_E_NOMEM;
	size_t i, n;

	ta_call_begin(c);
	if (!o)
		return TA_E_NOMEM;
	if (!s->refresh_token || !s->token_endpoint || !s->client_id) {
		r = ta_fail(c, TA_E_ARG, "the session has no %s: a CI credential needs one",
		            !s->refresh_token ? "refresh token"
		            : !s->token_endpoint ? "token endpoint" : "client id");
		goto out;
	}
	for (i = 0; i < NMEMBERS; i++)
		if (*slot(s, i) && json_object_set_new(o, members[i].key, json_string(*slot(s, i))))
			goto out;
	if (c && c->client_secret &&
	    json_object_set_new(o, SECRET_KEY, json_string(c->client_secret)))
		goto out;
	if (!(text = json_dumps(o, JSON_COMPACT)))
		goto out;
	n = strlen(text);
	if (!(line = malloc(strlen(PREFIX) + ta_b64url_encoded_len(n) + 1)))
		goto out;
	memcpy(line, PREFIX, strlen(PREFIX));
	ta_b64url_encode((unsigned char *)text, n, line + strlen(PREFIX));
	*out = line;
	r = TA_OK;
out:
	ta_free_secret(text);
	json_decref(o);
	return r;
}

/* The session a credential stands for (no access token yet); its client
 * secret, if any, goes into c for the refreshes. */
enum ta_result ta_credential_decode(struct ta_client *c, const char *credential,
                                    struct ta_session **out)
{
	size_t len = strlen(credential), rawlen, i;
	unsigned char *raw = NULL;
	struct ta_session *s = NULL;
	enum ta_result r;
	json_t *o = NULL, *v;

	if (len > CREDENTIAL_MAX || strncmp(credential, PREFIX, strlen(PREFIX)) ||
	    ta_b64url_decode(credential + strlen(PREFIX), len - strlen(PREFIX), &raw, &rawlen) ||
	    !(o = json_loadb((char *)raw, rawlen, JSON_REJECT_DUPLICATES, NULL)) || !json_is_object(o)) {
		r = ta_fail(c, TA_E_ARG, "TERMAUTH_CREDENTIAL is not a credential from 'termauth setup-token'");
		goto out;
	}
	if ((r = ta_session_new(&s)) != TA_OK)
		goto out;
	for (i = 0; i < NMEMBERS; i++) {
		v = json_object_get(o, members[i].key);
		if (v && !json_is_string(v)) {
			r = ta_fail(c, TA_E_ARG, "TERMAUTH_CREDENTIAL is damaged");
			goto out;
		}
		if (v && (r = ta_set_secret(slot(s, i), json_string_value(v))) != TA_OK)
			goto out;
	}
	if (!s->refresh_token || !s->token_endpoint || !s->client_id) {
		r = ta_fail(c, TA_E_ARG, "TERMAUTH_CREDENTIAL lacks what a refresh needs");
		goto out;
	}
	v = json_object_get(o, SECRET_KEY);
	if (v && (!json_is_string(v) ||
	          (r = ta_client_set(c, TA_OPT_CLIENT_SECRET, json_string_value(v))) != TA_OK)) {
		r = ta_fail(c, TA_E_ARG, "TERMAUTH_CREDENTIAL is damaged");
		goto out;
	}
	*out = s;
	s = NULL;
out:
	ta_session_free(s);
	json_decref(o);
	if (raw) {
		ta_wipe(raw, rawlen);
		free(raw);
	}
	return r;
}

/* ci-<16 hex digits>: the store name of a credential's sessions. */
static void store_name(const char *credential, char name[20])
{
	unsigned char d[SHA256_DIGEST_LENGTH];
	int i;

	SHA256((const unsigned char *)credential, strlen(credential), d);
	memcpy(name, "ci-", 3);
	for (i = 0; i < 8; i++)
		snprintf(name + 3 + 2 * i, 3, "%02x", d[i]);
}

enum ta_result ta_credential_fresh(struct ta_client *c, const char *credential,
                                   long long min_ttl, struct ta_session **out)
{
	struct ta_session *s = NULL, *seed = NULL;
	/* A credential's session holds nothing that TERMAUTH_CREDENTIAL does
	 * not: it is kept in the file store, whatever the store option, and
	 * CI logs get no notice about keychains. */
	const struct ta_store_backend *file = &ta_store_file;
	char name[20];
	enum ta_result r;
	int lock = -1;

	ta_call_begin(c);
	store_name(credential, name);
	/* Decoded every time: it carries the client secret a refresh may need. */
	if ((r = ta_credential_decode(c, credential, &seed)) != TA_OK)
		goto out;
	r = ta_store_load_from(c, file, name, &s);
	ta_session_free(s);
	if (r == TA_E_NO_SESSION) {
		/* First use here: the credential becomes a stored session, once. */
		if ((r = ta_store_lock(c, name, &lock)) != TA_OK)
			goto out;
		if ((r = ta_store_load_from(c, file, name, &s)) == TA_E_NO_SESSION)
			r = ta_store_write_locked(c, file, name, seed);
		ta_session_free(s);
		ta_store_unlock(lock);
		if (r != TA_OK)
			goto out;
	} else if (r != TA_OK) {
		goto out;
	}
	r = ta_session_fresh_from(c, file, name, min_ttl, out);
	if (r == TA_E_EXPIRED)
		r = ta_fail(c, r, "the IdP no longer accepts TERMAUTH_CREDENTIAL: make a new one with 'termauth setup-token'");
out:
	ta_session_free(seed);
	return r;
}
