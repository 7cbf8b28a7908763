/*
 * jws.h - the inside of token verification: jws.c checks a compact JWS
 * (RFC 7515) against a JWKS; the claims of a JWT (RFC 7519) are claims.h's.
 * The public calls are ta_jws_verify and ta_jwt_verify in termauth.h.
 */
#ifndef TA_JWS_H
#define TA_JWS_H

#include <stddef.h>
#include "jose/jwk.h"

#define TA_JWS_MAX 16384 /* bytes of a compact token */

/* Checks the token's form, header and signature. typ, when not NULL, is
 * the media type the header's typ must name. On TA_OK *header is the
 * checked header (the JWKS's cache: valid until the next verification with
 * it) and *payload the decoded payload (NUL-terminated, malloc'd: wipe and
 * free it, or hand it on). TA_E_VERIFY with the reason in the message. */
TA_HIDDEN enum ta_result ta_jws_check(struct ta_client *c, struct ta_jwks *keys,
                                      const char *jws, size_t len, const char *typ,
                                      const struct ta_jws_header **header, unsigned char **payload,
                                      size_t *payload_len);

#endif
