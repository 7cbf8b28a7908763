/*
 * jws.c - a compact JWS (RFC 7515) checked against a JWKS: its form, its
 * header, the choice of key, the signature. Only the compact serialization
 * of a signed token; no JWE, no JSON serialization, no unencoded payload.
 *
 * Strict where RFC 7515 leaves room:
 *   - each part is canonical base64url (no padding, no white space, zero
 *     trailing bits: one token, one encoding), the whole at most TA_JWS_MAX
 *     bytes;
 *   - the header is a JSON object without duplicate members; alg is one of
 *     RS256/384/512, PS256/384/512, ES256/384/512, EdDSA (Ed25519). "none"
 *     and HMAC algorithms are refused before any key is looked at: a public
 *     key is never used as an HMAC secret. Any crit is refused (termauth
 *     understands no extension), and so is b64 other than true (RFC 7797);
 *   - keys in the header (jwk, jku, x5u, x5c) are never used: only the JWKS;
 *   - the algorithm must fit the key: its type, its curve, and the JWK's own
 *     alg when it has one;
 *   - ECDSA signatures are raw r||s of exactly twice the curve's size (a DER
 *     signature is refused by its length), r and s not zero; RSA ones as
 *     long as the modulus; PSS with MGF1 of the same hash and a salt as long
 *     as the hash.
 * The key: the one(s) with the header's kid; with no kid, every key that
 * fits the algorithm, tried in the JWKS's order until one verifies.
 *
 * Speed: the header of the last token is kept (struct ta_jws_header) and
 * not decoded or parsed again when the next token's header is the same
 * text, as it is for every token of one IdP key; digests and verify
 * contexts are reused (jwk.c). So a JWKS serves one thread at a time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <jansson.h>
#include "jose/jws.h"
#include "jose/claims.h"
#include "base/base64url.h"
#include "base/result.h"
#include "base/secret.h"

#define LEEWAY_MAX (365LL * 86400)
#define SIG_MAX    2048 /* bytes: RSA 16384 */
#define NOW_MAX    (1LL << 53)

/* A value from the token made fit for a one-line message. */
static const char *shown(char *buf, size_t n, const char *s)
{
	ta_printable(buf, n, s);
	return buf;
}

/* The header's checks, on a newly parsed header; fills h. */
static enum ta_result header_fields(struct ta_client *c, json_t *o, struct ta_jws_header *h)
{
	const char *alg = json_string_value(json_object_get(o, "alg"));
	json_t *crit = json_object_get(o, "crit"), *b64 = json_object_get(o, "b64");
	json_t *kid = json_object_get(o, "kid"), *typ = json_object_get(o, "typ");
	char buf[80];

	if (!alg)
		return ta_fail(c, TA_E_VERIFY, "the header has no alg");
	if (!strcasecmp(alg, "none"))
		return ta_fail(c, TA_E_VERIFY, "alg none is refused");
	if (!strncasecmp(alg, "HS", 2))
		return ta_fail(c, TA_E_VERIFY,
		               "%s is refused: termauth verifies only public-key signatures",
		               shown(buf, 16, alg));
	if ((h->alg = ta_jws_alg_from_name(alg)) == TA_JWS_UNKNOWN)
		return ta_fail(c, TA_E_VERIFY, "alg '%s' is not supported", shown(buf, 32, alg));
	/* RFC 7515 4.1.11: a crit parameter not understood makes the token
	 * invalid, and termauth understands none. */
	if (crit) {
		const char *first = json_string_value(json_array_get(crit, 0));

		if (!first)
			return ta_fail(c, TA_E_VERIFY, "the header's crit is not a list of names");
		return ta_fail(c, TA_E_VERIFY, "unknown crit parameter '%s'",
		               shown(buf, sizeof(buf), first));
	}
	if (b64 && !json_is_true(b64))
		return ta_fail(c, TA_E_VERIFY,
		               "b64 false is refused: the payload must be base64url");
	if (kid && !json_is_string(kid))
		return ta_fail(c, TA_E_VERIFY, "the header's kid is not a string");
	if (typ && !json_is_string(typ))
		return ta_fail(c, TA_E_VERIFY, "the header's typ is not a string");
	if ((kid && !(h->kid = strdup(json_string_value(kid)))) ||
	    (typ && !(h->typ = strdup(json_string_value(typ)))))
		return ta_fail(c, TA_E_NOMEM, "out of memory");
	return TA_OK;
}

/* The token's header, from the cache when it is the same text as the last
 * one, else decoded, parsed and checked (and then cached). */
static enum ta_result header_get(struct ta_client *c, struct ta_jwks_cache *cache, const char *b64,
                                 size_t n, const struct ta_jws_header **out)
{
	struct ta_jws_header h = {0};
	unsigned char *raw = NULL;
	size_t rawlen = 0;
	json_t *o = NULL;
	json_error_t err;
	enum ta_result r;
	char buf[120];

	if (cache->last.b64 && cache->last.b64_len == n && !memcmp(cache->last.b64, b64, n)) {
		*out = &cache->last;
		return TA_OK;
	}
	if (ta_b64url_decode(b64, n, &raw, &rawlen)) {
		r = ta_fail(c, TA_E_VERIFY, "the header is not canonical base64url");
		goto out;
	}
	if (memchr(raw, '\0', rawlen) ||
	    !(o = json_loadb((const char *)raw, rawlen, JSON_REJECT_DUPLICATES, &err))) {
		r = ta_fail(c, TA_E_VERIFY, "the header is not JSON: %s",
		            memchr(raw, '\0', rawlen) ? "a NUL byte"
		                                      : shown(buf, sizeof(buf), err.text));
		goto out;
	}
	if (!json_is_object(o)) {
		r = ta_fail(c, TA_E_VERIFY, "the header is not a JSON object");
		goto out;
	}
	if ((r = header_fields(c, o, &h)) != TA_OK)
		goto out;
	r = TA_E_NOMEM;
	if (!(h.b64 = malloc(n + 1)))
		goto out;
	memcpy(h.b64, b64, n);
	h.b64[n] = '\0';
	h.b64_len = n;
	h.json = (char *)raw;
	raw = NULL;
	ta_jws_header_clear(&cache->last);
	cache->last = h;
	memset(&h, 0, sizeof(h));
	*out = &cache->last;
	r = TA_OK;
out:
	if (r == TA_E_NOMEM)
		ta_fail(c, r, "out of memory");
	ta_jws_header_clear(&h);
	json_decref(o);
	free(raw);
	return r;
}

/* "at+jwt" for "application/at+jwt" (RFC 7515 4.1.9: the prefix may be
 * left out when the rest has no '/'). */
static const char *media_type(const char *s)
{
	return !strncasecmp(s, "application/", 12) && !strchr(s + 12, '/') ? s + 12 : s;
}

static enum ta_result typ_check(struct ta_client *c, const struct ta_jws_header *h,
                                const char *want)
{
	char a[64], b[64];

	if (!want)
		return TA_OK;
	if (!h->typ)
		return ta_fail(c, TA_E_VERIFY, "the token has no typ (%s expected)",
		               shown(a, sizeof(a), want));
	if (strcasecmp(media_type(h->typ), media_type(want)))
		return ta_fail(c, TA_E_VERIFY, "typ '%s' is not %s", shown(a, sizeof(a), h->typ),
		               shown(b, sizeof(b), want));
	return TA_OK;
}

static int is_zero(const unsigned char *p, size_t n)
{
	unsigned char v = 0;

	while (n--)
		v |= *p++;
	return v == 0;
}

static int named(const struct ta_jwk *k, const struct ta_jws_header *h)
{
	return !h->kid || (k->kid && !strcmp(k->kid, h->kid));
}

/* Why no key can verify a token of this header, when none can; TA_OK when
 * at least one usable key fits. */
static enum ta_result key_choice(struct ta_client *c, const struct ta_jwks *set,
                                 const struct ta_jws_header *h)
{
	const struct ta_jwk *first = NULL, *refused = NULL;
	const char *alg = ta_jws_alg_name(h->alg);
	size_t i, n = 0;
	char kid[80], what[40];

	for (i = 0; i < set->n; i++) {
		const struct ta_jwk *k = &set->keys[i];

		if (!named(k, h))
			continue;
		n++;
		if (!first)
			first = k;
		if (!ta_jwk_fits(k, h->alg))
			continue;
		if (k->pkey)
			return TA_OK;
		if (!refused)
			refused = k;
	}
	if (refused)
		return ta_fail(c, TA_E_VERIFY, "%s", refused->refused);
	if (h->kid && !n)
		return ta_fail(c, TA_E_VERIFY, "no key with kid '%s'",
		               shown(kid, sizeof(kid), h->kid));
	if (n == 1)
		return ta_fail(c, TA_E_VERIFY, "%s does not fit the key (%s)", alg,
		               ta_jwk_describe(first, h->alg, what, sizeof(what)));
	if (h->kid)
		return ta_fail(c, TA_E_VERIFY, "no key with kid '%s' fits %s",
		               shown(kid, sizeof(kid), h->kid), alg);
	return ta_fail(c, TA_E_VERIFY, "no key in the JWKS fits %s", alg);
}

/* The signature's form where it does not depend on the key. */
static enum ta_result signature_form(struct ta_client *c, enum ta_jws_alg alg,
                                     const unsigned char *sig, size_t n)
{
	size_t size = ta_jws_ec_size(alg);

	if (size && n != 2 * size)
		return ta_fail(c, TA_E_VERIFY, "%s signatures are %zu bytes of r||s, not %zu",
		               ta_jws_alg_name(alg), 2 * size, n);
	if (size && (is_zero(sig, size) || is_zero(sig + size, size)))
		return ta_fail(c, TA_E_VERIFY, "the %s signature's r or s is zero",
		               ta_jws_alg_name(alg));
	if (alg == TA_JWS_EDDSA && n != 64)
		return ta_fail(c, TA_E_VERIFY, "EdDSA signatures are 64 bytes, not %zu", n);
	return TA_OK;
}

/* Tries each key the header names that fits, until one verifies. */
static enum ta_result signature_check(struct ta_client *c, struct ta_jwks *set,
                                      const struct ta_jws_header *h, const unsigned char *msg,
                                      size_t n, const unsigned char *sig, size_t siglen)
{
	unsigned char digest[EVP_MAX_MD_SIZE];
	size_t dlen = 0, i, want = 0;
	int tried = 0, v;

	if (h->alg != TA_JWS_EDDSA && ta_jwks_digest(set, h->alg, msg, n, digest, &dlen))
		return ta_fail(c, TA_E_INTERNAL, "OpenSSL failed to hash the token");
	for (i = 0; i < set->n; i++) {
		struct ta_jwk *k = &set->keys[i];

		if (!named(k, h) || !k->pkey || !ta_jwk_fits(k, h->alg))
			continue;
		if (siglen != k->sig_len) { /* RSA: the modulus's length */
			want = k->sig_len;
			continue;
		}
		tried = 1;
		if ((v = ta_jwk_verify(set->cache, k, h->alg, digest, dlen, msg, n, sig, siglen)) ==
		    1)
			return TA_OK;
		if (v < 0)
			return ta_fail(c, TA_E_INTERNAL, "OpenSSL failed to verify the signature");
	}
	if (!tried)
		return ta_fail(c, TA_E_VERIFY, "the %s signature is %zu bytes, not the key's %zu",
		               ta_jws_alg_name(h->alg), siglen, want);
	return ta_fail(c, TA_E_VERIFY, "the signature does not verify");
}

enum ta_result ta_jws_check(struct ta_client *c, struct ta_jwks *keys, const char *jws,
                            size_t len, const char *typ, const struct ta_jws_header **header,
                            unsigned char **payload, size_t *payload_len)
{
	const char *dot1, *dot2, *s64;
	const struct ta_jws_header *h = NULL;
	unsigned char sig[SIG_MAX + 2], *body = NULL; /* + 2: ta_b64url_decoded_max */
	size_t siglen = 0, bodylen = 0, s64len;
	enum ta_result r;

	*payload = NULL;
	if (!keys || (!jws && len))
		return ta_fail(c, TA_E_ARG, "no token or no JWKS to verify it with");
	if (len > TA_JWS_MAX)
		return ta_fail(c, TA_E_VERIFY, "the token is larger than %d bytes", TA_JWS_MAX);
	dot1 = len ? memchr(jws, '.', len) : NULL;
	dot2 = dot1 ? memchr(dot1 + 1, '.', len - (size_t)(dot1 + 1 - jws)) : NULL;
	if (!dot2 || memchr(dot2 + 1, '.', len - (size_t)(dot2 + 1 - jws)))
		return ta_fail(c, TA_E_VERIFY,
		               "the token is not a compact JWS (three parts, "
		               "separated by dots)");
	if ((r = header_get(c, keys->cache, jws, (size_t)(dot1 - jws), &h)) != TA_OK ||
	    (r = typ_check(c, h, typ)) != TA_OK)
		return r;
	s64 = dot2 + 1;
	s64len = len - (size_t)(s64 - jws);
	if (ta_b64url_decoded_max(s64len) > sizeof(sig))
		return ta_fail(c, TA_E_VERIFY, "the signature is larger than %d bytes", SIG_MAX);
	if (ta_b64url_decode_into(s64, s64len, sig, sizeof(sig), &siglen)) {
		r = ta_fail(c, TA_E_VERIFY, "the signature is not canonical base64url");
		goto out;
	}
	if (ta_b64url_decode(dot1 + 1, (size_t)(dot2 - dot1 - 1), &body, &bodylen)) {
		r = ta_fail(c, TA_E_VERIFY, "the payload is not canonical base64url");
		goto out;
	}
	if ((r = key_choice(c, keys, h)) != TA_OK ||
	    (r = signature_form(c, h->alg, sig, siglen)) != TA_OK ||
	    (r = signature_check(c, keys, h, (const unsigned char *)jws, (size_t)(dot2 - jws), sig,
	                         siglen)) != TA_OK)
		goto out;
	*header = h;
	*payload = body;
	*payload_len = bodylen;
	body = NULL;
out:
	if (body) {
		ta_wipe(body, bodylen);
		free(body);
	}
	ta_wipe(sig, siglen);
	return r;
}

enum ta_result ta_jws_verify(struct ta_client *c, struct ta_jwks *keys, const char *jws,
                             size_t len, char **header_json, char **payload)
{
	const struct ta_jws_header *h;
	unsigned char *body = NULL;
	size_t n = 0;
	enum ta_result r;

	ta_call_begin(c);
	if (header_json)
		*header_json = NULL;
	if (payload)
		*payload = NULL;
	if ((r = ta_jws_check(c, keys, jws, len, NULL, &h, &body, &n)) != TA_OK)
		return r;
	if (memchr(body, '\0', n)) {
		r = ta_fail(c, TA_E_VERIFY, "the payload holds a NUL byte");
	} else if (header_json && !(*header_json = strdup(h->json))) {
		r = ta_fail(c, TA_E_NOMEM, "out of memory");
	} else if (payload) {
		*payload = (char *)body;
		body = NULL;
	}
	ta_wipe(body, n);
	free(body);
	return r;
}

enum ta_result ta_jwt_verify(struct ta_client *c, struct ta_jwks *keys, const char *jwt,
                             size_t len, const struct ta_verify_options *o, char **claims_json)
{
	struct ta_verify_options opt = { .size = sizeof(opt) };
	const struct ta_jws_header *h;
	unsigned char *body = NULL;
	long long now;
	size_t n = 0;
	enum ta_result r;

	ta_call_begin(c);
	if (claims_json)
		*claims_json = NULL;
	/* The program's options, as many as its termauth.h had: the rest are
	 * zero, and claims.c reads the whole of opt. */
	if (o && (r = ta_sized_read(c, "struct ta_verify_options", &opt, sizeof(opt), o)) != TA_OK)
		return r;
	o = &opt;
	now = o->now ? o->now : (long long)time(NULL);
	if (o->leeway < 0 || o->leeway > LEEWAY_MAX || now < 0 || now > NOW_MAX)
		return ta_fail(c, TA_E_ARG,
		               "the leeway must be 0 to %lld seconds, and now a time "
		               "after 1970",
		               LEEWAY_MAX);
	if ((r = ta_jws_check(c, keys, jwt, len, o->typ, &h, &body, &n)) != TA_OK)
		return r;
	if ((r = ta_claims_check(c, body, n, o, now, o->leeway)) == TA_OK && claims_json) {
		*claims_json = (char *)body;
		body = NULL;
	}
	ta_wipe(body, n);
	free(body);
	return r;
}
