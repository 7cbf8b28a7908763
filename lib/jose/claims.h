/*
 * claims.h - the claims of a JWT whose signature verified, as claims.c
 * checks them for jws.c's ta_jwt_verify (public in termauth.h). The OpenID
 * Connect rules of an ID token are oauth/idtoken.h's.
 */
#ifndef TA_JOSE_CLAIMS_H
#define TA_JOSE_CLAIMS_H

#include <stddef.h>
#include "base/handle.h"

/* The claims of a verified payload against the options: a JSON object
 * (no duplicate members) whose exp, nbf and iat - each a JSON number when
 * present - hold at now with the leeway, and whose iss and aud are the ones
 * asked for. now and leeway are checked by the caller. */
TA_HIDDEN enum ta_result ta_claims_check(struct ta_client *c, const unsigned char *payload,
                                         size_t n, const struct ta_verify_options *o, long long now,
                                         long long leeway);

#endif
