/*
 * resource.c - an access token for one API (RFC 8707 resource indicators):
 * the session's refresh token, sent with "resource" (and a narrower
 * "scope"), gives a token whose audience is that API alone. Each is cached
 * apart, per (profile, resource, scope), beside the exchanged tokens
 * (store_derived.c), bound to the sign-in like them, and asked for again
 * when it runs out - under the profile's lock, after looking at the cache
 * again, so that concurrent processes ask once. A refresh token the IdP
 * rotates on the way is saved back into the session before the lock goes.
 *
 * The session's own access token is already for its first resource
 * (TA_OPT_RESOURCE): asked for that one without a scope, this is
 * ta_session_fresh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <jansson.h>
#include "base/match.h"
#include "base/result.h"
#include "base/secret.h"
#include "base/url.h"
#include "oauth/idtoken.h"
#include "oauth/token.h"
#include "profile/record.h"
#include "session/session.h"
#include "store/store.h"

#define KIND "resource-" /* the cache files' prefix: apart from exchanges */

struct request {
	const char *profile, *resource, *scope;
	const char *key[TA_DERIVED_KEY_PARTS];
};

static int cached(struct ta_client *c, const struct request *q, long long min_ttl,
                  struct ta_session **out)
{
	struct ta_session *d = NULL;

	/* The file's name is a hash of the request; its content must say so. */
	if (ta_derived_load(q->profile, KIND, q->key, &d) == TA_OK && d->resource &&
	    !strcmp(d->resource, q->resource) &&
	    ta_session_usable(c, q->profile, d, (long long)time(NULL), min_ttl)) {
		*out = d;
		return 1;
	}
	ta_session_free(d);
	return 0;
}

/* 1 when aud (a JWT's claim: a string or an array of strings) names uri. */
static int aud_names(json_t *aud, const char *uri)
{
	size_t i;

	if (json_is_string(aud))
		return !strcmp(json_string_value(aud), uri);
	for (i = 0; i < json_array_size(aud); i++)
		if (json_is_string(json_array_get(aud, i)) &&
		    !strcmp(json_string_value(json_array_get(aud, i)), uri))
			return 1;
	return 0;
}

int ta_resource_token_ignored(const char *token, const char *resource, char *aud_shown,
                              size_t cap)
{
	/* An opaque token says nothing about its audience: taken as asked. */
	json_t *claims = ta_jwt_claims_unchecked(token), *aud = json_object_get(claims, "aud");
	int ignored = 0;

	if (cap)
		aud_shown[0] = '\0';
	if (aud && !aud_names(aud, resource)) {
		ignored = 1;
		if (json_is_string(aud))
			ta_printable(aud_shown, cap, json_string_value(aud));
		else if (json_is_string(json_array_get(aud, 0)))
			ta_printable(aud_shown, cap, json_string_value(json_array_get(aud, 0)));
		else if (cap && json_is_array(aud) && !json_array_size(aud))
			snprintf(aud_shown, cap, "no audience");
		else if (cap)
			snprintf(aud_shown, cap, "an audience that is not a string");
	}
	json_decref(claims);
	return ignored;
}

/* The resource as a command to paste shows it, when a shell takes it. */
static const char *as_word(const char *resource)
{
	return ta_shell_word(resource, "URL");
}

/* The IdP's refusal of q, said with what to do next. */
static enum ta_result refused(struct ta_client *c, const struct request *q, enum ta_result r,
                              const char *error)
{
	if (r == TA_E_IDP && !strcmp(error, "invalid_target"))
		return ta_fail(c, TA_E_IDP, "the IdP will not give profile '%s' a token for resource '%.200s' (invalid_target): an IdP gives tokens for the resources asked for at sign-in - run 'termauth -p %s login --resource %.200s'",
		               q->profile, q->resource, q->profile, as_word(q->resource));
	if (r == TA_E_IDP && !strcmp(error, "invalid_scope"))
		return ta_fail(c, TA_E_IDP, "the IdP will not give profile '%s' scope '%.100s' for resource '%.200s' (invalid_scope): a token can have only scopes the sign-in was granted - sign in asking for them with 'termauth -p %s login --scope ...'",
		               q->profile, q->scope, q->resource, q->profile);
	return ta_fail_wrap(c, r, "profile '%s': a token for resource '%.200s'", q->profile,
	                    q->resource);
}

static enum ta_result ignored(struct ta_client *c, const struct request *q, const char *aud)
{
	return ta_fail(c, TA_E_IDP, "the IdP ignored resource '%.200s' of profile '%s': the token it gave is for '%s' - check that the IdP knows the resource, or leave --resource out",
	               q->resource, q->profile, aud);
}

/* 1 when the list (space separated) holds word, exactly: URIs are compared
 * as strings (RFC 8707 2). */
static int listed(const char *list, const char *word)
{
	size_t n = strlen(word), len;

	while (list && *list) {
		list += strspn(list, " ");
		len = strcspn(list, " ");
		if (len == n && !memcmp(list, word, n))
			return 1;
		list += len;
	}
	return 0;
}

/* A sign-in that named its resources may get tokens for those only: at
 * some IdPs, asking for another spends the refresh token and ends the
 * session (oidc-provider rotates it first, then refuses). So it is not
 * asked; the message says how to add the resource. A sign-in that named
 * none may ask for any (Entra's multi-resource refresh tokens). */
static enum ta_result not_signed_in_for(struct ta_client *c, const struct request *q,
                                        const struct ta_session *s)
{
	char all[512] = "";
	const char *p = s->resources;
	size_t n, len = 0;
	int safe = 1;

	while (*(p += strspn(p, " ")) && len < sizeof(all)) {
		n = strcspn(p, " ");
		safe &= ta_shell_safe(p, n);
		len += (size_t)snprintf(all + len, sizeof(all) - len, "--resource %.*s ", (int)n, p);
		p += n;
	}
	if (len >= sizeof(all) || !safe)
		snprintf(all, sizeof(all), "--resource URL ... ");
	return ta_fail(c, TA_E_ARG, "profile '%s' signed in for %.200s, not for resource '%.200s': to get tokens for it too, sign in asking for them all: 'termauth -p %s login %s--resource %s'",
	               q->profile, s->resources, q->resource, q->profile, all,
	               as_word(q->resource));
}

/* Asks the IdP for q's token with s's refresh token (under the lock);
 * the refresh token it rotated goes back into s, which is saved. */
static enum ta_result ask(struct ta_client *c, const struct request *q, struct ta_session *s,
                          long long min_ttl, struct ta_session **out)
{
	struct ta_session *d = NULL;
	char error[64] = "", aud[128];
	enum ta_result r;

	if (s->resources && !listed(s->resources, q->resource))
		return not_signed_in_for(c, q, s);
	if (!s->refresh_token)
		return ta_fail(c, TA_E_EXPIRED, "profile '%s' has no refresh token to ask for a token for resource '%.200s' with: sign in with 'termauth -p %s login --resource %.200s'",
		               q->profile, q->resource, q->profile, as_word(q->resource));
	r = ta_session_refresh_grant(c, q->profile, "the session", s, q->resource, q->scope, error,
	                             sizeof(error), &d);
	if (r != TA_OK)
		return refused(c, q, r, error);
	if (!ta_secret_equal(d->refresh_token, s->refresh_token)) {
		ta_free_secret(s->refresh_token);
		s->refresh_token = d->refresh_token;
		d->refresh_token = NULL;
		if ((r = ta_session_save_refreshed(c, NULL, q->profile, s)) != TA_OK)
			goto out;
	}
	if (ta_resource_token_ignored(d->access_token, q->resource, aud, sizeof(aud))) {
		r = ignored(c, q, aud);
		goto out;
	}
	if ((r = ta_session_received(c, q->profile, d, min_ttl, "a token for a resource")) != TA_OK)
		goto out;
	/* Kept: the token; asked for again, not refreshed, when it expires. */
	ta_free_secret(d->refresh_token);
	d->refresh_token = NULL;
	ta_free_secret(d->id_token);
	d->id_token = NULL;
	memcpy(ta_session_meta(d)->id, ta_session_meta(s)->id, sizeof(ta_session_meta(s)->id));
	if ((r = ta_set_string(&d->resource, q->resource)) == TA_OK)
		r = ta_derived_save(c, q->profile, KIND, q->key, d);
	if (r == TA_OK) {
		*out = d;
		d = NULL;
	}
out:
	ta_session_free(d);
	return r;
}

/* The session's own token, which is for q's resource - judged as any
 * token for a resource: an IdP that ignored the indicator at sign-in
 * gave one for another audience. */
static enum ta_result own_token(struct ta_client *c, const struct request *q, long long min_ttl,
                                struct ta_session **out)
{
	struct ta_session *s = NULL;
	char aud[128];
	enum ta_result r;

	if ((r = ta_session_fresh(c, q->profile, min_ttl, &s)) != TA_OK)
		return r;
	if (ta_resource_token_ignored(s->access_token, q->resource, aud, sizeof(aud))) {
		ta_session_free(s);
		return ignored(c, q, aud);
	}
	*out = s;
	return TA_OK;
}

/* 1 when the profile's session is itself for resource. */
static int own_resource(struct ta_client *c, const char *profile, const char *resource)
{
	struct ta_session *s = NULL;
	int own;

	own = ta_store_load(c, profile, &s) == TA_OK && s->resource && !strcmp(s->resource, resource);
	ta_session_free(s);
	ta_call_begin(c); /* no session is told by ta_session_fresh, not here */
	return own;
}

enum ta_result ta_resource_token(struct ta_client *c, const char *profile, const char *resource,
                                 const char *scope, long long min_ttl, struct ta_session **out)
{
	struct request q = { profile, resource, scope, { NULL } };
	struct ta_session *s = NULL;
	enum ta_result r;
	int lock = -1;

	ta_call_begin(c);
	if (!resource || !ta_resource_ok(resource, strlen(resource)))
		return ta_fail(c, TA_E_ARG, "a resource is an absolute URI without a fragment (RFC 8707), e.g. https://api.example.com/ - not '%.200s'",
		               resource ? resource : "");
	if (scope && !*scope)
		scope = q.scope = NULL;
	if (scope && !ta_scope_ok(scope))
		return ta_fail(c, TA_E_ARG, "a scope is made of printable ASCII, without quotes or backslashes (RFC 6749 3.3): not what --scope gave");
	q.key[1] = resource;
	q.key[2] = scope;
	if (!scope && own_resource(c, profile, resource))
		return own_token(c, &q, min_ttl, out);
	if (cached(c, &q, min_ttl, out))
		return TA_OK;
	if ((r = ta_store_lock(c, profile, &lock)) != TA_OK)
		return r;
	if ((r = ta_store_recover_locked(c, NULL, profile)) != TA_OK)
		goto out;
	if (cached(c, &q, min_ttl, out)) {
		ta_debug(c, 1, "another process got the token for resource '%s' meanwhile", resource);
		goto out;
	}
	if ((r = ta_store_load(c, profile, &s)) != TA_OK ||
	    (r = ta_session_bind_locked(c, profile, s)) != TA_OK)
		goto out;
	r = ask(c, &q, s, min_ttl, out);
out:
	ta_session_free(s);
	ta_store_unlock(lock);
	return r;
}
