/*
 * exchange.c - OAuth 2.0 Token Exchange (RFC 8693): the profile's access
 * token becomes a token for another audience, narrower in scope, as a
 * second stage after the sign-in (the way AWS turns a sign-in into
 * short-lived role credentials). Each derived token is cached apart
 * (store_derived.c) and served while it has min_ttl left; after that it is
 * derived again, from a session refreshed first when needed, with no
 * prompt. The exchange runs under the profile's lock, after looking at the
 * cache again, so that concurrent processes exchange once.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "base/buf.h"
#include "base/result.h"
#include "base/secret.h"
#include "base/url.h"
#include "oauth/token.h"
#include "profile/record.h"
#include "session/session.h"
#include "store/store.h"

#define GRANT_TOKEN_EXCHANGE "urn:ietf:params:oauth:grant-type:token-exchange"
#define TYPE_ACCESS_TOKEN "urn:ietf:params:oauth:token-type:access_token"

/* The cached token for key, when it has min_ttl left (or lives no longer
 * than that, and has half its life left: ta_session_usable) and was
 * derived from the session the store holds (ta_derived_load). */
static int cached(struct ta_client *c, const char *profile, const char *const key[TA_DERIVED_KEY_PARTS],
                  long long min_ttl, struct ta_session **out)
{
	struct ta_session *d = NULL;

	if (ta_derived_load(profile, NULL, key, &d) == TA_OK &&
	    ta_session_usable(c, profile, d, (long long)time(NULL), min_ttl)) {
		*out = d;
		return 1;
	}
	ta_session_free(d);
	return 0;
}

static enum ta_result exchange(struct ta_client *c, const struct ta_session *s,
                               const struct ta_exchange_request *req, struct ta_session **out)
{
	struct ta_buf form = { 0 };
	struct ta_session *d = NULL;
	struct ta_dpop_key *key = NULL;
	char error[64];
	enum ta_result r;

	if (!s->token_endpoint || !s->client_id)
		return ta_fail(c, TA_E_EXPIRED, "the session does not say where to exchange its token: sign in again with 'termauth login'");
	if ((r = ta_set_string(&c->client_id, s->client_id)) != TA_OK)
		return r;
	ta_buf_add_param(&form, "grant_type", GRANT_TOKEN_EXCHANGE);
	ta_buf_add_param(&form, "subject_token", s->access_token);
	ta_buf_add_param(&form, "subject_token_type", TYPE_ACCESS_TOKEN);
	ta_buf_add_param(&form, "audience", req->audience);
	if (req->resource)
		ta_buf_add_param(&form, "resource", req->resource);
	if (req->scope)
		ta_buf_add_param(&form, "scope", req->scope);
	if (req->requested_token_type)
		ta_buf_add_param(&form, "requested_token_type", req->requested_token_type);
	ta_debug(c, 1, "exchanging the access token for audience '%s' at %s", req->audience,
	         s->token_endpoint);
	if ((r = ta_session_dpop_begin(c, s, &key)) == TA_OK)
		r = ta_token_request(c, s->token_endpoint, &form, &d, error, sizeof(error));
	ta_session_dpop_end(c, key);
	ta_buf_clear(&form);
	if (r != TA_OK)
		return ta_fail_wrap(c, r, "the exchange for audience '%s' failed", req->audience);
	/* No expires_in: the derived token is not trusted past its subject. */
	if (!d->expires_at)
		d->expires_at = ta_session_valid_until(s);
	/* Bound to the sign-in it came from: served only while it is stored. */
	memcpy(ta_session_meta(d)->id, ta_session_meta(s)->id, sizeof(ta_session_meta(s)->id));
	/* Kept: the token; re-derived, not refreshed, when it expires. */
	ta_free_secret(d->refresh_token);
	d->refresh_token = NULL;
	ta_free_secret(d->id_token);
	d->id_token = NULL;
	if ((r = ta_set_string(&d->issuer, s->issuer)) == TA_OK &&
	    (r = ta_set_string(&d->client_id, s->client_id)) == TA_OK)
		r = ta_set_string(&d->subject, s->subject);
	if (r == TA_OK)
		*out = d;
	else
		ta_session_free(d);
	return r;
}

enum ta_result ta_session_bind_locked(struct ta_client *c, const char *profile,
                                      struct ta_session *s)
{
	struct ta_session *stored = NULL;
	enum ta_result r;

	if (ta_session_meta(s)->id[0])
		return TA_OK;
	if ((r = ta_store_load(c, profile, &stored)) == TA_OK &&
	    (ta_session_meta(stored)->id[0] ||
	     (r = ta_store_write_locked(c, NULL, profile, stored)) == TA_OK))
		memcpy(ta_session_meta(s)->id, ta_session_meta(stored)->id,
		       sizeof(ta_session_meta(s)->id));
	ta_session_free(stored);
	return r;
}

enum ta_result ta_exchange(struct ta_client *c, const char *profile,
                           const struct ta_exchange_request *given, long long min_ttl,
                           struct ta_session **out)
{
	struct ta_exchange_request request;
	const struct ta_exchange_request *req = &request;
	const char *key[TA_DERIVED_KEY_PARTS] = { NULL };
	struct ta_session *s = NULL, *d = NULL;
	enum ta_result r;
	int lock = -1;

	ta_call_begin(c);
	if (!given)
		return ta_fail(c, TA_E_ARG, "an exchange needs an audience");
	/* As many members as the program's termauth.h had; the rest NULL. */
	if ((r = ta_sized_read(c, "struct ta_exchange_request", &request, sizeof(request), given)) !=
	    TA_OK)
		return r;
	if (!req->audience || !*req->audience)
		return ta_fail(c, TA_E_ARG, "an exchange needs an audience");
	key[0] = req->audience;
	key[1] = req->resource;
	key[2] = req->scope;
	key[3] = req->requested_token_type;
	if (cached(c, profile, key, min_ttl, out)) {
		ta_debug(c, 1, "the token for audience '%s' is cached and fresh", req->audience);
		return TA_OK;
	}
	/* The subject: the session's access token, refreshed first if needed. */
	if ((r = ta_session_fresh(c, profile, min_ttl, &s)) != TA_OK)
		return r;
	if ((r = ta_store_lock(c, profile, &lock)) != TA_OK)
		goto out;
	if (cached(c, profile, key, min_ttl, out)) {
		ta_debug(c, 1, "another process exchanged the token meanwhile");
		goto out;
	}
	if ((r = ta_session_bind_locked(c, profile, s)) != TA_OK)
		goto out;
	if ((r = exchange(c, s, req, &d)) != TA_OK)
		goto out;
	if ((r = ta_derived_save(c, profile, NULL, key, d)) != TA_OK)
		goto out;
	if ((r = ta_session_received(c, profile, d, min_ttl, "an exchanged token")) != TA_OK)
		goto out;
	*out = d;
	d = NULL;
out:
	ta_store_unlock(lock);
	ta_session_free(d);
	ta_session_free(s);
	return r;
}
