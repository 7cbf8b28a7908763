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
#include "oauth/token.h"
#include "profile/record.h"
#include "session/session.h"
#include "store/store.h"

#define SAVE_RETRY_MS 200 /* a keychain busy for a moment, a disk freed */

/* Keeps what the refresh answer did not renew. */
static enum ta_result merge(struct ta_session *fresh, const struct ta_session *old)
{
	static const size_t keep[] = {
		offsetof(struct ta_session, refresh_token), offsetof(struct ta_session, id_token),
		offsetof(struct ta_session, scope), offsetof(struct ta_session, issuer),
		offsetof(struct ta_session, client_id), offsetof(struct ta_session, subject),
		offsetof(struct ta_session, token_endpoint),
		offsetof(struct ta_session, revocation_endpoint),
	};
	enum ta_result r;
	size_t i;

	for (i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
		char **dst = (char **)((char *)fresh + keep[i]);
		char *const *src = (char *const *)((const char *)old + keep[i]);
		if (!*dst && *src && (r = ta_set_secret(dst, *src)) != TA_OK)
			return r;
	}
	/* The same sign-in: its cached copies stay its own. */
	memcpy(ta_session_meta(fresh)->id, ta_session_meta(old)->id, sizeof(ta_session_meta(old)->id));
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

/* The refreshed session into the store; when that fails twice, aside (the
 * IdP has rotated the stored refresh token away), said in one line. TA_OK
 * when it is kept somewhere, or when it could not be kept at all: its
 * access token is still good to hand out, and the next call signs in. */
static enum ta_result save_refreshed(struct ta_client *c, const struct ta_store_backend *only,
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

/* The refresh grant itself. */
static enum ta_result refresh(struct ta_client *c, const struct ta_session *old,
                              struct ta_session **out)
{
	struct ta_buf form = { 0 };
	struct ta_session *fresh = NULL;
	char error[64];
	enum ta_result r;

	if (!old->refresh_token)
		return ta_fail(c, TA_E_EXPIRED, "the access token has expired and there is no refresh token: sign in again with 'termauth login'");
	if (!old->token_endpoint || !old->client_id)
		return ta_fail(c, TA_E_EXPIRED, "the session does not say where to refresh it: sign in again with 'termauth login'");
	if ((r = ta_set_string(&c->client_id, old->client_id)) != TA_OK)
		return r;
	ta_buf_add_param(&form, "grant_type", "refresh_token");
	ta_buf_add_param(&form, "refresh_token", old->refresh_token);
	ta_debug(c, 1, "refreshing at %s", old->token_endpoint);
	r = ta_token_request(c, old->token_endpoint, &form, &fresh, error, sizeof(error));
	ta_buf_clear(&form);
	if (r == TA_E_IDP && !strcmp(error, "invalid_grant"))
		r = ta_fail(c, TA_E_EXPIRED, "the IdP no longer accepts this session (invalid_grant): sign in again with 'termauth login'");
	if (r == TA_OK && (r = merge(fresh, old)) == TA_OK) {
		*out = fresh;
		fresh = NULL;
	}
	ta_session_free(fresh);
	return r;
}

enum ta_result ta_session_fresh_from(struct ta_client *c, const struct ta_store_backend *only,
                                     const char *profile, long long min_ttl,
                                     struct ta_session **out)
{
	struct ta_session *s = NULL, *fresh = NULL;
	enum ta_result r;
	int lock = -1;

	/* A session kept aside is moved into the store first, under the lock. */
	if (!ta_pending_exists(profile)) {
		if ((r = ta_store_load_from(c, only, profile, &s)) != TA_OK)
			return r;
		if (ta_session_usable(c, profile, s, (long long)time(NULL), min_ttl))
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
	if (ta_session_usable(c, profile, s, (long long)time(NULL), min_ttl)) {
		ta_debug(c, 1, "another process refreshed the session meanwhile");
		goto done;
	}
	if ((r = refresh(c, s, &fresh)) != TA_OK)
		goto out;
	if ((r = save_refreshed(c, only, profile, fresh)) != TA_OK)
		goto out;
	if ((r = ta_session_received(c, profile, fresh, min_ttl, "an access token")) != TA_OK)
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

enum ta_result ta_session_fresh(struct ta_client *c, const char *profile, long long min_ttl,
                                struct ta_session **out)
{
	ta_call_begin(c);
	return ta_session_fresh_from(c, NULL, profile, min_ttl, out);
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
