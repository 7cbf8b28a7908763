/*
 * dpop.h - the core of DPoP (RFC 9449): a proof-of-possession key (ES256
 * on P-256, or EdDSA on Ed25519), its private JWK for the session store,
 * its public JWK and thumbprint (RFC 7638: dpop_jkt, cnf.jkt), the proof
 * JWT of a request, and the server's DPoP-Nonce. No HTTP and no store:
 * the token requests, the session and the public ta_dpop_proof call it.
 */
#ifndef TA_JOSE_DPOP_H
#define TA_JOSE_DPOP_H

#include <stddef.h>
#include "base/handle.h"
#include "jose/jwk.h"

#define TA_DPOP_NONCE_MAX  1024 /* bytes of a server's nonce */
#define TA_DPOP_METHOD_MAX 64   /* bytes of an HTTP method */
#define TA_DPOP_JWK_MAX    4096 /* bytes of a private JWK read */

/* A key pair: the private key, and its public JWK and thumbprint. */
struct ta_dpop_key;

/* The algorithm for an IdP's dpop_signing_alg_values_supported (RFC 9449
 * 5.1): EdDSA when it is listed, else ES256 - also when the list is empty
 * or absent (NULL, 0), since every DPoP server takes ES256. TA_JWS_UNKNOWN
 * when the list names neither: no key termauth makes would be accepted.
 * EdDSA for its smaller proofs (480 bytes against 542) and signatures that
 * need no random number; not for speed: with OpenSSL 3.0 on x86-64 a P-256
 * signature is, if anything, the quicker (both some 40 us a proof). Names
 * are case-sensitive; "Ed25519" (RFC 9864's name) is not "EdDSA", and is
 * not chosen: the header would have to say it, and termauth's own
 * verifier does not know it. */
TA_HIDDEN enum ta_jws_alg ta_dpop_alg_choose(const char *const *names, size_t n);
/* The same of a list in one string, names separated by spaces or tabs
 * (NULL and "" are empty lists). */
TA_HIDDEN enum ta_jws_alg ta_dpop_alg_choose_list(const char *names);

/* A new key pair for alg (TA_JWS_ES256 or TA_JWS_EDDSA). On TA_OK *out is
 * the key: ta_dpop_key_free it. TA_E_ARG for another alg, TA_E_INTERNAL
 * when OpenSSL fails, TA_E_NOMEM. */
TA_HIDDEN enum ta_result ta_dpop_key_new(struct ta_client *c, enum ta_jws_alg alg,
                                         struct ta_dpop_key **out);
/* Frees the key (NULL too); OpenSSL clears the private key it holds. */
TA_HIDDEN void ta_dpop_key_free(struct ta_dpop_key *k);
TA_HIDDEN enum ta_jws_alg ta_dpop_key_alg(const struct ta_dpop_key *k);

/* The private JWK of the key, for the session store: one line,
 * {"kty","crv","x"[,"y"],"d","alg"} in that order. On TA_OK *out is a
 * secret, made with ta_secret_alloc: free it with ta_free_secret (never
 * free()). TA_E_INTERNAL, TA_E_NOMEM. */
TA_HIDDEN enum ta_result ta_dpop_key_to_jwk(struct ta_client *c, const struct ta_dpop_key *k,
                                            char **out);
/* The key of a private JWK that ta_dpop_key_to_jwk wrote (json: len bytes,
 * at most TA_DPOP_JWK_MAX; the caller wipes it). Strict: a JSON object
 * without duplicate members, of exactly the members above, all strings;
 * kty, crv and alg EC/P-256/ES256 or OKP/Ed25519/EdDSA; x, y and d
 * canonical base64url of exactly 32 bytes; d a valid private key whose
 * public key is x (and y): for EC the point on the curve. On TA_OK *out
 * is the key (ta_dpop_key_free). TA_E_STORE with the reason ("the DPoP
 * key's d is missing"), TA_E_NOMEM. */
TA_HIDDEN enum ta_result ta_dpop_key_from_jwk(struct ta_client *c, const char *json, size_t len,
                                              struct ta_dpop_key **out);

/* The public JWK, with the members RFC 7638 3.2 names in its order and no
 * white space: {"crv":"P-256","kty":"EC","x":"...","y":"..."} or
 * {"crv":"Ed25519","kty":"OKP","x":"..."}. What the proof's header holds.
 * Owned by the key. */
TA_HIDDEN const char *ta_dpop_key_public_jwk(const struct ta_dpop_key *k);
/* The JWK SHA-256 thumbprint (RFC 7638) of the public JWK, base64url (43
 * characters): a token request's dpop_jkt, the access token's cnf.jkt.
 * Owned by the key. */
TA_HIDDEN const char *ta_dpop_key_thumbprint(const struct ta_dpop_key *k);

/* What a proof is for. */
struct ta_dpop_request {
	const char *method;       /* the HTTP method, an HTTP token: "POST" */
	const char *url;          /* the request's absolute http(s) URL (query and
	                           * fragment are left out of htu) */
	long long iat;            /* now: seconds since 1970, 1 to 2^53 */
	const char *nonce;        /* the server's DPoP-Nonce (1*NQCHAR), or NULL */
	const char *access_token; /* a resource request's token (its hash is ath),
	                           * or NULL at the token endpoint; not kept */
};

/* The DPoP proof (RFC 9449 4.2) of request r signed with k: header typ
 * dpop+jwt, alg, jwk (the public JWK); claims jti (128 random bits,
 * base64url), htm, htu (the URL normalised without query and fragment,
 * base/url_norm.h), iat, nonce and ath when given. ES256 signatures are
 * r||s, 64 bytes. On TA_OK *out is the compact JWT, made with
 * ta_secret_alloc (it lets whoever holds it make this request until the
 * server stops taking it): free it with ta_free_secret, keep it out of
 * debug output. TA_E_ARG (with the reason) for a method, URL, iat or
 * nonce that cannot be used; TA_E_INTERNAL, TA_E_NOMEM. */
TA_HIDDEN enum ta_result ta_dpop_proof_make(struct ta_client *c, const struct ta_dpop_key *k,
                                            const struct ta_dpop_request *r, char **out);

/* 1 when s[0..n) can be a DPoP nonce: 1 to TA_DPOP_NONCE_MAX NQCHARs
 * (RFC 9449 8.1: %x21 / %x23-5B / %x5D-7E). */
TA_HIDDEN int ta_dpop_nonce_valid(const char *s, size_t n);
/* The nonce of a DPoP-Nonce header's value (value: n bytes, not
 * NUL-terminated), the optional white space around it (SP, HTAB) left
 * out. 0 with *nonce pointing into value and *nonce_len its length; -1
 * when what is left is not ta_dpop_nonce_valid. Pure: no allocation. */
TA_HIDDEN int ta_dpop_nonce_parse(const char *value, size_t n, const char **nonce,
                                  size_t *nonce_len);
/* 1 when a token endpoint's error code (the JSON "error") asks for a
 * proof with the nonce it sent: "use_dpop_nonce" (RFC 9449 8). A resource
 * server says so in WWW-Authenticate, which oauth/ parses. */
TA_HIDDEN int ta_dpop_nonce_asked(const char *error);

#endif
