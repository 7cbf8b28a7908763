/*
 * idtoken.h - the ID token's claims: iss, aud, azp, exp, iat, nonce; and
 * its times, read for a token already checked. Its signature is checked
 * apart, at sign-in (signin/login.c). Here in oauth/, not signin/, because
 * a refresh (session/refresh.c) checks the ID token it brings too.
 */
#ifndef TA_OAUTH_IDTOKEN_H
#define TA_OAUTH_IDTOKEN_H

#include <jansson.h>
#include "base/handle.h"

#define TA_ID_TOKEN_LEEWAY 120 /* seconds of clock skew tolerated */

struct ta_id_expect {
	const char *issuer;
	const char *client_id;
	const char *nonce; /* compared in constant time; NULL: none was sent */
	long long now;
};

/* Checks the claims; on TA_OK *subject is a new copy of sub. TA_E_ID_TOKEN
 * with the failed check in the message otherwise. */
TA_HIDDEN enum ta_result ta_id_token_check(struct ta_client *c, const char *jwt,
                                           const struct ta_id_expect *e,
                                           char **subject);

/* The payload of a JWT as a JSON object, unchecked (for a token that came
 * straight from the IdP over TLS, or a look at what it says); NULL when
 * it is no JWT. json_decref() it. */
TA_HIDDEN json_t *ta_jwt_claims_unchecked(const char *jwt);

/* The iat and exp claims of an ID token (seconds since the epoch), read
 * from its payload without checking anything: for a token that was checked
 * when it was received, and is kept in the store since. 0 for a claim that
 * is missing or not a number; -1 (both 0) when jwt does not decode. */
TA_HIDDEN int ta_id_token_times(const char *jwt, long long *iat, long long *exp);

/* Who signed in, as a person would call the account: the first usable of
 * email, preferred_username, name and sub, read like the times (from a
 * token already checked). A new string (free() it), or NULL. */
TA_HIDDEN char *ta_id_token_account(const char *jwt);

#endif
