/*
 * jwk.h - the keys of a JWKS (RFC 7517) as jwk.c imports them, and the
 * signature primitives jws.c calls on them. Internal: the public side is
 * ta_jwks_parse / ta_jwks_free in termauth.h.
 */
#ifndef TA_JWK_H
#define TA_JWK_H

#include <stddef.h>
#include <openssl/evp.h>
#include "base/handle.h"

/* The algorithms termauth verifies (RFC 7518 section 3, RFC 8037). */
enum ta_jws_alg {
	TA_JWS_UNKNOWN = 0,
	TA_JWS_RS256,
	TA_JWS_RS384,
	TA_JWS_RS512,
	TA_JWS_PS256,
	TA_JWS_PS384,
	TA_JWS_PS512,
	TA_JWS_ES256,
	TA_JWS_ES384,
	TA_JWS_ES512,
	TA_JWS_EDDSA,
	TA_JWS_ALG_COUNT
};

/* What a key is: its type and, for EC, its curve - what decides which
 * algorithms fit it. */
enum ta_jwk_kind {
	TA_JWK_UNKNOWN = 0, /* a refused key whose type could not be read */
	TA_JWK_RSA,
	TA_JWK_P256,
	TA_JWK_P384,
	TA_JWK_P521,
	TA_JWK_ED25519
};

struct ta_jwk {
	char *kid; /* NULL when the key has none */
	enum ta_jwk_kind kind;
	enum ta_jws_alg alg; /* the JWK's "alg", or TA_JWS_UNKNOWN: any that fits */
	size_t sig_len;      /* the signature's size: RSA modulus bytes, 2x
	                      * the EC coordinate size, 64 for Ed25519 */
	EVP_PKEY *pkey;      /* NULL when the key is refused */
	char *refused;       /* why it cannot be used (then pkey is NULL) */
	/* Verify contexts, made on first use and reused: one per algorithm
	 * (RSA: padding and hash differ), set up once with EVP_PKEY_verify_init. */
	EVP_PKEY_CTX *vctx[TA_JWS_ALG_COUNT];
	/* Ed25519 signs the message, not a digest: a context initialised once
	 * (ed_init), copied into ed_work for each verification. */
	EVP_MD_CTX *ed_init, *ed_work;
};

/* The last header seen (jws.c): a byte-identical header is not decoded or
 * parsed again. Only headers that passed every check are kept. */
struct ta_jws_header {
	char *b64; /* the header's base64url text, as in the token */
	size_t b64_len;
	char *json; /* decoded */
	enum ta_jws_alg alg;
	char *kid; /* NULL when absent */
	char *typ; /* NULL when absent */
};

struct ta_jwks_cache {
	EVP_MD *md[3];       /* SHA-256, SHA-384, SHA-512, fetched once */
	EVP_MD_CTX *hash[3]; /* their digest contexts, reused */
	struct ta_jws_header last;
};

/* The public struct ta_jwks. A verification updates what the pointers
 * below lead to (contexts and the header cache), so the API takes it
 * non-const: one thread at a time. Functions that only read it take it
 * const. */
struct ta_jwks {
	struct ta_jwk *keys;
	size_t n;
	struct ta_jwks_cache *cache;
};

/* "RS256" ... "EdDSA"; ta_jws_alg_from_name gives TA_JWS_UNKNOWN for any
 * other name. */
TA_HIDDEN const char *ta_jws_alg_name(enum ta_jws_alg alg);
TA_HIDDEN enum ta_jws_alg ta_jws_alg_from_name(const char *name);
/* The size of r and of s in an ECDSA signature of alg (32, 48, 66); 0 for
 * the other algorithms. */
TA_HIDDEN size_t ta_jws_ec_size(enum ta_jws_alg alg);

/* 1 when alg may be verified with k: the key's type and curve fit it, and
 * the key's own "alg", if any, is alg. Refused keys fit by their kind. */
TA_HIDDEN int ta_jwk_fits(const struct ta_jwk *k, enum ta_jws_alg alg);
/* Names what the key is, for "ES256 does not fit the key (P-384)": its
 * curve or type, or "its alg is RS256" when that is what excludes alg. */
TA_HIDDEN const char *ta_jwk_describe(const struct ta_jwk *k, enum ta_jws_alg alg, char *buf,
                                      size_t n);

/* The digest of msg for alg (RS/PS/ES), with the JWKS's reused context.
 * 0, or -1 on an OpenSSL failure. */
TA_HIDDEN int ta_jwks_digest(struct ta_jwks *set, enum ta_jws_alg alg,
                             const unsigned char *msg, size_t n, unsigned char *out,
                             size_t *outlen);
/* Verifies a signature with key k (which fits alg and is not refused):
 * RSA and ECDSA over digest (ta_jwks_digest of msg), Ed25519 over msg.
 * sig is the JWS signature: for ECDSA raw r||s of 2 x ta_jws_ec_size
 * bytes, which this turns into DER for OpenSSL. 1 when it verifies, 0 when
 * it does not, -1 when OpenSSL failed otherwise (out of memory). The
 * OpenSSL error queue is left as it was. */
TA_HIDDEN int ta_jwk_verify(struct ta_jwks_cache *cache, struct ta_jwk *k, enum ta_jws_alg alg,
                            const unsigned char *digest, size_t dlen, const unsigned char *msg,
                            size_t n, const unsigned char *sig, size_t siglen);

/* Forgets the cached header. */
TA_HIDDEN void ta_jws_header_clear(struct ta_jws_header *h);

#endif
