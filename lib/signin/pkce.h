/*
 * pkce.h - PKCE (RFC 7636, S256 only) and the random values of a sign-in:
 * the code verifier, state and nonce.
 */
#ifndef TA_PKCE_H
#define TA_PKCE_H

#include <stddef.h>
#include "base/secret.h"

#define TA_PKCE_CHALLENGE_LEN 43 /* base64url of a SHA-256 digest */

/* nbytes from the CSPRNG, base64url-encoded into a new string (wipe it with
 * ta_free_secret). 32 bytes give a 43-character PKCE verifier. */
TA_HIDDEN enum ta_result ta_random_string(size_t nbytes, char **out);
/* out = BASE64URL(SHA256(verifier)), NUL-terminated. */
TA_HIDDEN enum ta_result ta_pkce_challenge(const char *verifier,
                                           char out[TA_PKCE_CHALLENGE_LEN + 1]);

#endif
