/*
 * dpop.c - a session bound to a key (DPoP, RFC 9449): the key is kept in
 * the session's record (its private JWK, in the store only), taken out for
 * the token requests of a refresh or an exchange, and used for the proofs
 * a program sends with a DPoP-bound access token (ta_dpop_proof). Making
 * keys and proofs is jose/dpop.c's; sending them, oauth/token.c's.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "base/result.h"
#include "base/secret.h"
#include "jose/dpop.h"
#include "profile/record.h"
#include "session/session.h"
#include "store/store.h"

enum ta_result ta_session_dpop_begin(struct ta_client *c, const struct ta_session *s,
                                     struct ta_dpop_key **key)
{
	enum ta_result r;

	*key = NULL;
	if (!s->dpop_key)
		return TA_OK;
	if ((r = ta_dpop_key_from_jwk(c, s->dpop_key, strlen(s->dpop_key), key)) != TA_OK)
		return ta_fail_wrap(c, r, "the session's DPoP key cannot be used: sign in again with 'termauth login'");
	c->dpop_key = *key;
	return TA_OK;
}

void ta_session_dpop_end(struct ta_client *c, struct ta_dpop_key *key)
{
	if (c && c->dpop_key == key)
		c->dpop_key = NULL;
	/* A nonce is one server's (RFC 9449 8): not for the next call, which
	 * may be another IdP's. */
	if (c && key) {
		free(c->dpop_nonce);
		c->dpop_nonce = NULL;
	}
	ta_dpop_key_free(key);
}

int ta_session_dpop_bound(const struct ta_session *s)
{
	return s && s->dpop_key;
}

enum ta_result ta_dpop_proof(struct ta_client *c, const char *profile, const char *method,
                             const char *url, const char *nonce, const char *access_token,
                             char **out)
{
	struct ta_dpop_request q = { method, url, (long long)time(NULL), nonce, access_token };
	struct ta_dpop_key *key = NULL;
	struct ta_session *s = NULL;
	char *proof = NULL;
	enum ta_result r;

	ta_call_begin(c);
	if (!method || !url)
		return ta_fail(c, TA_E_ARG, "a DPoP proof is for a method and an URL");
	if ((r = ta_store_load(c, profile, &s)) != TA_OK)
		return r;
	if (!s->dpop_key) {
		r = ta_fail(c, TA_E_ARG, "profile '%s' is not bound to a DPoP key: sign in with dpop = yes in the profile ('termauth -p %s login --dpop yes')",
		            profile, profile);
		goto out;
	}
	if ((r = ta_dpop_key_from_jwk(c, s->dpop_key, strlen(s->dpop_key), &key)) != TA_OK ||
	    (r = ta_dpop_proof_make(c, key, &q, &proof)) != TA_OK)
		goto out;
	/* Handed over in memory of the program's own: free() it. */
	if (!(*out = strdup(proof)))
		r = TA_E_NOMEM;
out:
	ta_free_secret(proof);
	ta_dpop_key_free(key);
	ta_session_free(s);
	return r;
}
