/*
 * jws.h - the inside of token verification: jws.c checks a compact JWS
 * (RFC 7515) against a JWKS, claims.c the claims of a JWT (RFC 7519). The
 * public calls are ta_jws_verify and ta_jwt_verify in termauth.h.
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

/* 0 when the payload is a JSON object as json_loadb(JSON_REJECT_DUPLICATES)
 * would take it; else -1 and why (claims.c reads payloads with a parser of
 * its own; the fuzzer holds the two to the same answers). */
TA_HIDDEN int ta_json_object_check(const unsigned char *payload, size_t n, char *why, size_t cap);

/* The claims of a verified payload against the options: a JSON object
 * (no duplicate members) whose exp, nbf and iat - each a JSON number when
 * present - hold at now with the leeway, and whose iss and aud are the ones
 * asked for. now and leeway are checked by the caller. */
TA_HIDDEN enum ta_result ta_claims_check(struct ta_client *c, const unsigned char *payload,
                                         size_t n, const struct ta_verify_options *o, long long now,
                                         long long leeway);

#endif
