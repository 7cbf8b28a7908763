/*
 * idtoken.h - the ID token's claims: iss, aud, azp, exp, iat, nonce.
 * (Its signature is checked by the verifier, which comes later.)
 */
#ifndef TA_IDTOKEN_H
#define TA_IDTOKEN_H

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

#endif
