/*
 * logout.c - signing out: the refresh token is revoked at the IdP when it
 * offers revocation (RFC 7009) - forgetting it here alone would leave it
 * valid wherever it may have leaked - and the session is forgotten here
 * whatever the IdP says, so that a person who signs out is signed out on
 * this machine even with the IdP down - with every copy of its access
 * token: the cache and derived tokens in each runtime directory they were
 * written to, whatever this process's $XDG_RUNTIME_DIR (store.c). All under
 * the profile's lock, so that a refresh running at the same time cannot
 * write the session back.
 */
#include <stdio.h>
#include <string.h>
#include "base/result.h"
#include "base/secret.h"
#include "oauth/token.h"
#include "profile/record.h"
#include "store/store.h"

enum ta_result ta_logout(struct ta_client *c, const char *profile)
{
	struct ta_session *s = NULL;
	enum ta_result r, revoked = TA_OK;
	int lock = -1;

	ta_call_begin(c);
	if ((r = ta_store_lock(c, profile, &lock)) != TA_OK)
		return r;
	/* A session kept aside after a failed save is read first: its refresh
	 * token is the live one, to revoke. */
	if ((r = ta_store_load(c, profile, &s)) != TA_OK && r != TA_E_STORE) {
		/* None, but no copy of an older one either, wherever it is. */
		ta_store_forget_copies(profile);
		goto out;
	}
	if (r == TA_E_STORE)
		ta_fail_undo(c); /* a session that cannot be read is still removed */
	if (s && s->refresh_token && s->revocation_endpoint && s->client_id &&
	    (revoked = ta_set_string(&c->client_id, s->client_id)) == TA_OK)
		revoked = ta_token_revoke(c, s->revocation_endpoint, s->refresh_token, "refresh_token");
	/* Removing sets the message only when it fails: else the message is
	 * still the revocation's, to which the outcome is added. */
	if ((r = ta_store_remove_locked(c, profile)) != TA_OK)
		goto out;
	if (revoked != TA_OK)
		r = ta_fail_wrap(c, revoked, "signed out here, but the IdP could not be told to end the session");
	else if (s && s->refresh_token && !s->revocation_endpoint)
		ta_notice(c, "the IdP offers no revocation: the session was forgotten here only");
out:
	ta_session_free(s);
	ta_store_unlock(lock);
	return r;
}
