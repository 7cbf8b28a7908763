/*
 * refresh.c - a fresh access token for a profile: the stored one while it
 * has min_ttl left, else a refreshed one. Concurrent processes refresh
 * once: the refresh happens under the profile's lock, after reading the
 * store again - when another process refreshed meanwhile, its result is
 * used. A rotated refresh token is saved before the lock is let go, so the
 * newest one is never lost (some IdPs revoke the whole grant when an old
 * one is used again): a save that fails is tried once more, and then the
 * session is kept aside (store_pending.c) for the next call to move into
 * the store, and the new access token is still handed out.
 *
 * An IdP whose tokens live no longer than min_ttl cannot give what is
 * asked: the token is served with a warning while at least half its life
 * is left, so that such calls refresh once per token, not at every call
 * (ta_session_short_lived).
 *
 * The same, for the ID token (ta_session_fresh_id, for servers that take
 * it as the bearer's proof, as Kubernetes' OIDC authenticator does): fresh
 * by its exp claim, refreshed under the same lock. An ID token a refresh
 * brings is checked as at sign-in but for its signature (check_new_id);
 * one the refresh does not bring (OpenID Connect Core 12.2 makes it
 * optional) leaves the one from before, served while it lasts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "base/buf.h"
#include "base/result.h"
#include "base/secret.h"
#include "base/url.h"
#include "oauth/discovery.h"
#include "oauth/idtoken.h"
#include "oauth/token.h"
#include "profile/record.h"
#include "session/session.h"
#include "store/store.h"

#define SAVE_RETRY_MS 200 /* a keychain busy for a moment, a disk freed */

/* What a caller wants fresh. */
enum want { WANT_ACCESS, WANT_ID };

/* Keeps what the refresh answer did not renew. */
static enum ta_result merge(struct ta_session *fresh, const struct ta_session *old)
{
	static const size_t keep[] = {
		offsetof(struct ta_session, refresh_token), offsetof(struct ta_session, id_token),
		offsetof(struct ta_session, scope), offsetof(struct ta_session, issuer),
		offsetof(struct ta_session, client_id), offsetof(struct ta_session, subject),
		offsetof(struct ta_session, token_endpoint),
		offsetof(struct ta_session, revocation_endpoint),
		offsetof(struct ta_session, resource), offsetof(struct ta_session, resources),
		offsetof(struct ta_session, dpop_key),
	};
	enum ta_result r;
	size_t i;

	for (i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
		char **dst = (char **)((char *)fresh + keep[i]);
		char *const *src = (char *const *)((const char *)old + keep[i]);
		if (!*dst && *src && (r = ta_set_secret(dst, *src)) != TA_OK)
			return r;
	}
	/* The same sign-in: its cached copies stay its own; and one refresh
	 * on, so that no copy of it can pass for newer. */
	memcpy(ta_session_meta(fresh)->id, ta_session_meta(old)->id, sizeof(ta_session_meta(old)->id));
	ta_session_meta(fresh)->refreshes = ta_session_meta(old)->refreshes + 1;
	return TA_OK;
}

int ta_session_usable(struct ta_client *c, const char *profile, const struct ta_session *s,
                      long long now, long long min_ttl)
{
	if (ta_session_check_fresh(s, now, min_ttl) == TA_OK)
		return 1;
	if (!ta_session_short_lived(s, now, min_ttl))
		return 0;
	ta_notice(c, "warning: profile '%s': the IdP's access tokens live %lld s, no longer than the %lld s asked (--min-ttl): this one is valid for %lld s more",
	          profile, ta_session_lifetime(s), min_ttl, ta_session_valid_until(s) - now);
	return 1;
}

enum ta_result ta_session_received(struct ta_client *c, const char *profile,
                                  const struct ta_session *s, long long min_ttl,
                                  const char *what)
{
	/* Shorter-lived than min_ttl: the freshest there is, with a warning. */
	if (ta_session_usable(c, profile, s, (long long)time(NULL), min_ttl) ||
	    ta_session_check_fresh(s, (long long)time(NULL), 1) == TA_OK)
		return TA_OK;
	return ta_fail(c, TA_E_PROTOCOL, "the IdP gave profile '%s' %s that expires within a second (expires_in %lld)",
	               profile, what, ta_session_lifetime(s));
}

enum ta_result ta_session_save_refreshed(struct ta_client *c, const struct ta_store_backend *only,
                                         const char *profile, struct ta_session *fresh)
{
	char why[TA_MESSAGE_MAX], *where = NULL;

	if (ta_store_write_locked(c, only, profile, fresh) == TA_OK)
		return TA_OK;
	ta_debug(c, 1, "cannot save the refreshed session (%s): once more", ta_client_message(c));
	ta_fail_undo(c);
	nanosleep(&(struct timespec){ .tv_nsec = SAVE_RETRY_MS * 1000000L }, NULL);
	if (ta_store_write_locked(c, only, profile, fresh) == TA_OK)
		return TA_OK;
	snprintf(why, sizeof(why), "%s", ta_client_message(c));
	ta_fail_undo(c); /* said in the notice below; the refresh itself worked */
	if (ta_pending_save(c, profile, fresh, &where) == TA_OK)
		ta_notice(c, "warning: profile '%s': cannot save the refreshed session (%s): kept it in %s, which the next termauth moves into the store",
		          profile, why, where);
	else
		ta_notice(c, "warning: profile '%s': cannot save the refreshed session (%s), nor keep it aside: this access token works until it expires, then sign in again with 'termauth login'",
		          profile, why);
	ta_fail_undo(c); /* what ta_pending_save said: in the notice's words */
	free(where);
	return TA_OK;
}

/* An ID token from a refresh must be the sign-in's (OpenID Connect Core
 * 12.2): its iss, aud, and sub the same, exp and iat sound - checked as at
 * sign-in, but for the signature and the nonce: it came straight from the
 * token endpoint over TLS, which vouches for its issuer (3.1.3.7, item 6),
 * and a refresh sends no nonce. One that fails is dropped with a warning,
 * so the one from before stays (merge): the access token is still good. */
static void check_new_id(struct ta_client *c, const char *profile, const struct ta_session *old,
                         struct ta_session *fresh)
{
	struct ta_id_expect e = { old->issuer, old->client_id, NULL, (long long)time(NULL) };
	char *sub = NULL;
	enum ta_result r;

	if (!fresh->id_token)
		return;
	if (!old->issuer || !old->client_id)
		r = ta_fail(c, TA_E_ID_TOKEN, "the session does not say its issuer and client id");
	else if ((r = ta_id_token_check(c, fresh->id_token, &e, &sub)) == TA_OK && old->subject &&
	         strcmp(sub, old->subject))
		r = ta_fail(c, TA_E_ID_TOKEN, "the ID token names another subject than the sign-in's");
	free(sub);
	if (r == TA_OK)
		return;
	ta_notice(c, "warning: profile '%s': the ID token of the refresh is refused (%s): kept the one from before",
	          profile, ta_client_message(c));
	ta_fail_undo(c); /* said in the notice; the refresh itself worked */
	ta_free_secret(fresh->id_token);
	fresh->id_token = NULL;
}

enum ta_result ta_session_refresh_grant(struct ta_client *c, const char *profile, const char *what,
                                        const struct ta_session *old, const char *resource,
                                        const char *scope, char *error, size_t errlen,
                                        struct ta_session **out)
{
	struct ta_buf form = { 0 };
	struct ta_session *fresh = NULL;
	struct ta_dpop_key *key = NULL;
	char code[64] = "";
	enum ta_result r;

	if (!old->refresh_token)
		return ta_fail(c, TA_E_EXPIRED, "%s has expired and there is no refresh token: sign in again with 'termauth login'", what);
	if (!old->token_endpoint || !old->client_id)
		return ta_fail(c, TA_E_EXPIRED, "the session does not say where to refresh it: sign in again with 'termauth login'");
	if ((r = ta_set_string(&c->client_id, old->client_id)) != TA_OK)
		return r;
	ta_buf_add_param(&form, "grant_type", "refresh_token");
	ta_buf_add_param(&form, "refresh_token", old->refresh_token);
	if (resource || (resource = old->resource))
		ta_buf_add_param(&form, "resource", resource);
	if (scope)
		ta_buf_add_param(&form, "scope", scope);
	ta_debug(c, 1, "refreshing at %s%s", old->token_endpoint,
	         resource ? " for a resource" : "");
	if ((r = ta_session_dpop_begin(c, old, &key)) == TA_OK)
		r = ta_token_request(c, old->token_endpoint, &form, &fresh, code, sizeof(code));
	ta_session_dpop_end(c, key);
	ta_buf_clear(&form);
	if (error && errlen)
		snprintf(error, errlen, "%s", code);
	if (r == TA_E_IDP && !strcmp(code, "invalid_grant"))
		r = ta_fail(c, TA_E_EXPIRED, "the IdP no longer accepts this session (invalid_grant): sign in again with 'termauth login'");
	if (r == TA_OK)
		check_new_id(c, profile, old, fresh);
	if (r == TA_OK && (r = merge(fresh, old)) == TA_OK) {
		*out = fresh;
		fresh = NULL;
	}
	ta_session_free(fresh);
	return r;
}

/* The session has no ID token, and a refresh would not bring one: it was
 * not an OpenID Connect sign-in (no openid scope). */
static enum ta_result no_id_token(struct ta_client *c, const char *profile)
{
	return ta_fail(c, TA_E_ID_TOKEN, "profile '%s' has no ID token (the IdP gives one only to a sign-in with the 'openid' scope): sign in again with 'termauth -p %s login'",
	               profile, profile);
}

/* As ta_session_usable, for the ID token: valid for min_ttl more seconds
 * by its exp, or short lived as ta_session_short_lived says of access
 * tokens (its lifetime exp - iat no longer than min_ttl, at least half of
 * it ahead), then with a warning. */
static int id_usable(struct ta_client *c, const char *profile, const struct ta_session *s,
                     long long now, long long min_ttl)
{
	long long iat, exp, life;

	if (!s->id_token || ta_id_token_times(s->id_token, &iat, &exp) || exp <= now)
		return 0;
	if (exp - now >= min_ttl)
		return 1;
	life = iat > 0 && exp > iat ? exp - iat : 0;
	if (life <= 0 || life > min_ttl || exp - now < life - life / 2)
		return 0;
	ta_notice(c, "warning: profile '%s': the IdP's ID tokens live %lld s, no longer than the %lld s asked (--min-ttl): this one is valid for %lld s more",
	          profile, life, min_ttl, exp - now);
	return 1;
}

static int usable(struct ta_client *c, const char *profile, const struct ta_session *s,
                  long long min_ttl, enum want want)
{
	long long now = (long long)time(NULL);

	if (want == WANT_ID)
		return id_usable(c, profile, s, now, min_ttl);
	return ta_session_usable(c, profile, s, now, min_ttl);
}

/* As ta_session_received, for the ID token of a refreshed session: a new
 * one that is usable, or else valid for a second more; or, when the
 * refresh brought none (or one that was refused), the one from before
 * while it is still valid, with a warning. TA_E_EXPIRED, said with what to
 * do next, when that one has expired too. */
static enum ta_result id_received(struct ta_client *c, const char *profile,
                                  const struct ta_session *old, const struct ta_session *fresh,
                                  long long min_ttl)
{
	long long now = (long long)time(NULL), iat, exp;
	int renewed;

	if (!fresh->id_token)
		return no_id_token(c, profile);
	renewed = !old->id_token || !ta_secret_equal(fresh->id_token, old->id_token);
	ta_id_token_times(fresh->id_token, &iat, &exp);
	if (renewed) {
		if (id_usable(c, profile, fresh, now, min_ttl) || exp - now >= 1)
			return TA_OK;
		return ta_fail(c, TA_E_PROTOCOL, "the IdP gave profile '%s' an ID token that expires within a second (exp %lld)",
		               profile, exp);
	}
	if (exp > now) {
		ta_notice(c, "warning: profile '%s': the IdP's refresh brought no new ID token: the one from the sign-in is valid for %lld s more",
		          profile, exp - now);
		return TA_OK;
	}
	return ta_fail(c, TA_E_EXPIRED, "profile '%s': the ID token has expired and the IdP's refresh brought no new one: sign in again with 'termauth -p %s login'",
	               profile, profile);
}

/* 1 when s holds the token stale (a token that was refused), which must
 * not be served again however valid it looks. */
static int is_stale(const struct ta_session *s, enum want want, const char *stale)
{
	const char *t = want == WANT_ID ? s->id_token : s->access_token;

	return stale && t && ta_secret_equal(t, stale);
}

/* ta_session_fresh_from for what is wanted: served from the store, or
 * refreshed once for all the processes that ask at the same time; never
 * the token stale (NULL: none is). */
static enum ta_result fresh_session(struct ta_client *c, const struct ta_store_backend *only,
                                    const char *profile, long long min_ttl, enum want want,
                                    const char *stale, struct ta_session **out)
{
	struct ta_session *s = NULL, *fresh = NULL;
	enum ta_result r;
	int lock = -1;

	/* A session kept aside is moved into the store first, under the lock. */
	if (!ta_pending_exists(profile)) {
		if ((r = ta_store_load_from(c, only, profile, &s)) != TA_OK)
			return r;
		if (want == WANT_ID && !s->id_token) {
			r = no_id_token(c, profile);
			goto out;
		}
		if (!is_stale(s, want, stale) && usable(c, profile, s, min_ttl, want))
			goto done;
		ta_session_free(s);
		s = NULL;
	}
	if ((r = ta_store_lock(c, profile, &lock)) != TA_OK)
		return r;
	if ((r = ta_store_recover_locked(c, only, profile)) != TA_OK)
		goto out;
	/* Again, under the lock: another process may have refreshed. */
	if ((r = ta_store_load_from(c, only, profile, &s)) != TA_OK)
		goto out;
	if (want == WANT_ID && !s->id_token) {
		r = no_id_token(c, profile);
		goto out;
	}
	if (!is_stale(s, want, stale) && usable(c, profile, s, min_ttl, want)) {
		ta_debug(c, 1, "another process refreshed the session meanwhile");
		goto done;
	}
	if ((r = ta_session_refresh_grant(c, profile,
	                                  want == WANT_ID ? "the ID token" : "the access token", s,
	                                  NULL, NULL, NULL, 0, &fresh)) != TA_OK)
		goto out;
	if ((r = ta_session_save_refreshed(c, only, profile, fresh)) != TA_OK)
		goto out;
	if (want == WANT_ID)
		r = id_received(c, profile, s, fresh, min_ttl);
	else
		r = ta_session_received(c, profile, fresh, min_ttl, "an access token");
	if (r != TA_OK)
		goto out;
	ta_session_free(s);
	s = fresh;
	fresh = NULL;
done:
	*out = s;
	s = NULL;
	r = TA_OK;
out:
	ta_store_unlock(lock);
	ta_session_free(fresh);
	ta_session_free(s);
	return r;
}

enum ta_result ta_session_fresh_from(struct ta_client *c, const struct ta_store_backend *only,
                                     const char *profile, long long min_ttl,
                                     struct ta_session **out)
{
	return fresh_session(c, only, profile, min_ttl, WANT_ACCESS, NULL, out);
}

enum ta_result ta_session_fresh(struct ta_client *c, const char *profile, long long min_ttl,
                                struct ta_session **out)
{
	ta_call_begin(c);
	return ta_session_fresh_from(c, NULL, profile, min_ttl, out);
}

enum ta_result ta_session_fresh_id(struct ta_client *c, const char *profile, long long min_ttl,
                                   struct ta_session **out)
{
	ta_call_begin(c);
	return fresh_session(c, NULL, profile, min_ttl, WANT_ID, NULL, out);
}

enum ta_result ta_session_renew_id(struct ta_client *c, const char *profile, const char *stale,
                                   long long min_ttl, struct ta_session **out)
{
	return fresh_session(c, NULL, profile, min_ttl, WANT_ID, stale, out);
}

long long ta_session_id_token_expires_at(const struct ta_session *s)
{
	long long iat, exp;

	if (!s || !s->id_token || ta_id_token_times(s->id_token, &iat, &exp))
		return 0;
	return exp;
}

enum ta_result ta_session_reject(struct ta_client *c, const char *profile, const char *access_token)
{
	struct ta_session *s = NULL;
	enum ta_result r;
	int lock = -1;

	ta_call_begin(c);
	if ((r = ta_store_lock(c, profile, &lock)) != TA_OK)
		return r;
	if ((r = ta_store_recover_locked(c, NULL, profile)) != TA_OK ||
	    (r = ta_store_load(c, profile, &s)) != TA_OK)
		goto out;
	/* Only the token that was refused: a newer one, from a refresh that
	 * came meanwhile, stays. */
	if (s->access_token && access_token && ta_secret_equal(s->access_token, access_token)) {
		ta_free_secret(s->access_token);
		s->access_token = NULL;
		s->expires_at = 0;
		r = ta_store_write_locked(c, NULL, profile, s);
		ta_debug(c, 1, "dropped the refused access token: the next use refreshes");
	}
out:
	ta_session_free(s);
	ta_store_unlock(lock);
	return r;
}
