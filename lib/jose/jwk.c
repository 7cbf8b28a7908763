/*
 * jwk.c - a JWKS (RFC 7517) imported for verification, and the signature
 * primitives on its keys. Keys are built straight from their JWK
 * parameters with EVP_PKEY_fromdata (no PEM: a few microseconds a key
 * instead of hundreds) and kept, with their verify contexts, as long as the
 * JWKS: RSA of 2048 to 16384 bits, EC P-256/P-384/P-521 (the point checked
 * on its curve), OKP Ed25519. Not here: the token (jws.c), its claims
 * (claims.c).
 *
 * What is done with each JWK of the set:
 *   - skipped, as RFC 7517 section 5 asks: not an object, "use" other than
 *     "sig", "key_ops" without "verify", an "alg" that is not a signature
 *     algorithm termauth verifies (RSA-OAEP, ECDH-ES...), a key type or
 *     curve termauth does not verify with (oct, secp256k1, X25519, Ed448);
 *   - kept but refused, with the reason, when it is of a type termauth
 *     verifies with but cannot be used: RSA below 2048 bits, a point off
 *     its curve, coordinates of the wrong length, parameters that are not
 *     canonical base64url, an "alg" that does not fit the key, private key
 *     members ("d" ...: a verifier's JWKS must never hold them). A token
 *     that names such a key by kid is refused with that reason, rather than
 *     with "no key with kid";
 *   - otherwise imported.
 * Tolerated: leading zero octets in an RSA modulus or exponent (some IdPs
 * send them; the value is the same).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>
#include "jose/jwk.h"
#include "base/base64url.h"
#include "base/result.h"

#define JWKS_MAX      (512 * 1024)
#define JWKS_MAX_KEYS 64
#define RSA_MIN_BITS  2048
#define RSA_MAX_BITS  16384

enum { HASH_NONE = -1, HASH_256, HASH_384, HASH_512 };

static const struct {
	const char *name;
	enum ta_jwk_kind kind; /* the key it needs: RSA, a curve, Ed25519 */
	int hash;
	int pss;
} algs[TA_JWS_ALG_COUNT] = {
    [TA_JWS_RS256] = {"RS256", TA_JWK_RSA, HASH_256, 0},
    [TA_JWS_RS384] = {"RS384", TA_JWK_RSA, HASH_384, 0},
    [TA_JWS_RS512] = {"RS512", TA_JWK_RSA, HASH_512, 0},
    [TA_JWS_PS256] = {"PS256", TA_JWK_RSA, HASH_256, 1},
    [TA_JWS_PS384] = {"PS384", TA_JWK_RSA, HASH_384, 1},
    [TA_JWS_PS512] = {"PS512", TA_JWK_RSA, HASH_512, 1},
    [TA_JWS_ES256] = {"ES256", TA_JWK_P256, HASH_256, 0},
    [TA_JWS_ES384] = {"ES384", TA_JWK_P384, HASH_384, 0},
    [TA_JWS_ES512] = {"ES512", TA_JWK_P521, HASH_512, 0},
    [TA_JWS_EDDSA] = {"EdDSA", TA_JWK_ED25519, HASH_NONE, 0},
};

static const char *const hash_names[3] = {"SHA256", "SHA384", "SHA512"};

static const struct {
	const char *crv;   /* JWK name */
	const char *group; /* OpenSSL name */
	enum ta_jwk_kind kind;
	size_t size; /* bytes of a coordinate, of r, of s */
} curves[] = {
    {"P-256", "prime256v1", TA_JWK_P256, 32},
    {"P-384", "secp384r1", TA_JWK_P384, 48},
    {"P-521", "secp521r1", TA_JWK_P521, 66},
};

const char *ta_jws_alg_name(enum ta_jws_alg alg)
{
	return alg > TA_JWS_UNKNOWN && alg < TA_JWS_ALG_COUNT ? algs[alg].name : "?";
}

enum ta_jws_alg ta_jws_alg_from_name(const char *name)
{
	int a;

	for (a = TA_JWS_UNKNOWN + 1; name && a < TA_JWS_ALG_COUNT; a++)
		if (!strcmp(name, algs[a].name)) /* case-sensitive, RFC 7515 4.1.1 */
			return (enum ta_jws_alg)a;
	return TA_JWS_UNKNOWN;
}

size_t ta_jws_ec_size(enum ta_jws_alg alg)
{
	size_t i;

	if (alg <= TA_JWS_UNKNOWN || alg >= TA_JWS_ALG_COUNT)
		return 0;
	for (i = 0; i < sizeof(curves) / sizeof(curves[0]); i++)
		if (curves[i].kind == algs[alg].kind)
			return curves[i].size;
	return 0;
}

int ta_jwk_fits(const struct ta_jwk *k, enum ta_jws_alg alg)
{
	if (alg <= TA_JWS_UNKNOWN || alg >= TA_JWS_ALG_COUNT)
		return 0;
	return k->kind == algs[alg].kind && (k->alg == TA_JWS_UNKNOWN || k->alg == alg);
}

const char *ta_jwk_describe(const struct ta_jwk *k, enum ta_jws_alg alg, char *buf, size_t n)
{
	static const char *const kinds[] = {
	    [TA_JWK_UNKNOWN] = "unusable", [TA_JWK_RSA] = "RSA",    [TA_JWK_P256] = "P-256",
	    [TA_JWK_P384] = "P-384",       [TA_JWK_P521] = "P-521", [TA_JWK_ED25519] = "Ed25519",
	};

	if (alg > TA_JWS_UNKNOWN && alg < TA_JWS_ALG_COUNT && k->kind == algs[alg].kind &&
	    k->alg != TA_JWS_UNKNOWN)
		snprintf(buf, n, "its alg is %s", algs[k->alg].name);
	else
		snprintf(buf, n, "%s", kinds[k->kind]);
	return buf;
}

/* ---------------------------------------------------------------------- */
/* Import */

enum import { IMPORTED, SKIPPED, NOMEM };

/* Marks k refused with a reason (our text only: nothing from the JWKS). */
TA_PRINTF(2, 3) static enum import refuse(struct ta_jwk *k, const char *fmt, ...)
{
	char buf[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	EVP_PKEY_free(k->pkey);
	k->pkey = NULL;
	free(k->refused);
	return (k->refused = strdup(buf)) ? IMPORTED : NOMEM;
}

/* The bytes of a base64url member: 0, or -1 when it is absent, not a
 * string, or not canonical base64url. */
static int member_bytes(json_t *o, const char *name, unsigned char **out, size_t *n)
{
	const char *s = json_string_value(json_object_get(o, name));

	*out = NULL;
	return s ? ta_b64url_decode(s, strlen(s), out, n) : -1;
}

static EVP_PKEY *from_params(const char *type, const OSSL_PARAM *params)
{
	EVP_PKEY_CTX *pc = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
	EVP_PKEY *pkey = NULL;

	if (!pc || EVP_PKEY_fromdata_init(pc) != 1 ||
	    EVP_PKEY_fromdata(pc, &pkey, EVP_PKEY_PUBLIC_KEY, (OSSL_PARAM *)params) != 1)
		pkey = NULL;
	EVP_PKEY_CTX_free(pc);
	return pkey;
}

/* EVP_PKEY_public_check_quick: for EC, the point is on its curve and not
 * at infinity (the full check also multiplies it by the order: 150 us, and
 * nothing gained on curves of cofactor 1). 1 when the key passes, 0 when
 * it does not; a key type without the check (-2) passes. Not for RSA: its
 * check (SP 800-56B) runs a primality test on n, 9 ms a key, and guards
 * against nothing a key the IdP publishes could do. */
static int public_check(EVP_PKEY *pkey)
{
	EVP_PKEY_CTX *pc = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
	int r = pc ? EVP_PKEY_public_check_quick(pc) : 0;

	EVP_PKEY_CTX_free(pc);
	return r == 1 || r == -2;
}

static const unsigned char *strip_zeros(const unsigned char *p, size_t *n)
{
	while (*n > 0 && p[0] == 0) {
		p++;
		(*n)--;
	}
	return p;
}

static enum import import_rsa(struct ta_jwk *k, json_t *o)
{
	unsigned char *nraw = NULL, *eraw = NULL;
	const unsigned char *n, *e;
	size_t nn, en;
	OSSL_PARAM_BLD *bld = NULL;
	OSSL_PARAM *params = NULL;
	BIGNUM *bn = NULL, *be = NULL;
	enum import r;
	int bits;

	k->kind = TA_JWK_RSA;
	if (member_bytes(o, "n", &nraw, &nn) || member_bytes(o, "e", &eraw, &en)) {
		r = refuse(k, "the RSA key's n or e is missing or not canonical base64url");
		goto out;
	}
	n = strip_zeros(nraw, &nn);
	e = strip_zeros(eraw, &en);
	bits = nn ? (int)(nn - 1) * 8 + 32 - __builtin_clz(n[0]) : 0;
	if (bits < RSA_MIN_BITS) {
		r = refuse(k, "RSA keys below %d bits are refused (this one has %d)", RSA_MIN_BITS,
		           bits);
		goto out;
	}
	if (bits > RSA_MAX_BITS) {
		r = refuse(k, "RSA keys above %d bits are refused", RSA_MAX_BITS);
		goto out;
	}
	/* An odd exponent of 3 to 64 bits (OpenSSL's own limit for big keys),
	 * an odd modulus. */
	if (en == 0 || en > 8 || !(e[en - 1] & 1) || (en == 1 && e[0] < 3)) {
		r = refuse(k, "the RSA key's exponent is not usable");
		goto out;
	}
	if (!(n[nn - 1] & 1)) {
		r = refuse(k, "the RSA key's modulus is even");
		goto out;
	}
	r = NOMEM;
	if (!(bn = BN_bin2bn(n, (int)nn, NULL)) || !(be = BN_bin2bn(e, (int)en, NULL)) ||
	    !(bld = OSSL_PARAM_BLD_new()) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, be) ||
	    !(params = OSSL_PARAM_BLD_to_param(bld)))
		goto out;
	if (!(k->pkey = from_params("RSA", params))) {
		r = refuse(k, "OpenSSL does not take the RSA key");
		goto out;
	}
	k->sig_len = nn;
	r = IMPORTED;
out:
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(bn);
	BN_free(be);
	free(nraw);
	free(eraw);
	return r;
}

static enum import import_ec(struct ta_jwk *k, json_t *o, size_t c)
{
	unsigned char *x = NULL, *y = NULL, point[1 + 2 * 66];
	size_t size = curves[c].size, xn, yn;
	OSSL_PARAM params[3];
	enum import r;

	k->kind = curves[c].kind;
	if (member_bytes(o, "x", &x, &xn) || member_bytes(o, "y", &y, &yn)) {
		r = refuse(k, "the %s key's x or y is missing or not canonical base64url",
		           curves[c].crv);
		goto out;
	}
	if (xn != size || yn != size) { /* RFC 7518 6.2.1.2: the full size */
		r = refuse(k, "the x and y of a %s key are %zu bytes each", curves[c].crv, size);
		goto out;
	}
	point[0] = 0x04; /* uncompressed */
	memcpy(point + 1, x, size);
	memcpy(point + 1 + size, y, size);
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
	                                             (char *)curves[c].group, 0);
	params[1] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, point, 1 + 2 * size);
	params[2] = OSSL_PARAM_construct_end();
	if (!(k->pkey = from_params("EC", params)) || !public_check(k->pkey)) {
		r = refuse(k, "the %s key's point is not on the curve", curves[c].crv);
		goto out;
	}
	k->sig_len = 2 * size;
	r = IMPORTED;
out:
	free(x);
	free(y);
	return r;
}

static enum import import_ed25519(struct ta_jwk *k, json_t *o)
{
	unsigned char *x = NULL;
	size_t xn;
	OSSL_PARAM params[2];
	enum import r;

	k->kind = TA_JWK_ED25519;
	if (member_bytes(o, "x", &x, &xn) || xn != 32) {
		r = refuse(k, "the x of an Ed25519 key is 32 bytes of canonical base64url");
		goto out;
	}
	params[0] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, x, xn);
	params[1] = OSSL_PARAM_construct_end();
	if (!(k->pkey = from_params("ED25519", params)) || !public_check(k->pkey)) {
		r = refuse(k, "OpenSSL does not take the Ed25519 key");
		goto out;
	}
	k->sig_len = 64;
	r = IMPORTED;
out:
	free(x);
	return r;
}

/* key_ops (RFC 7517 4.3) lists "verify". */
static int ops_verify(json_t *ops)
{
	size_t i;
	json_t *v;

	json_array_foreach(ops, i, v) if (json_is_string(v) &&
	                                  !strcmp(json_string_value(v), "verify")) return 1;
	return 0;
}

/* The private members of RFC 7518 section 6 (and "k" of oct keys). */
static const char *private_member(json_t *o)
{
	static const char *const names[] = {"d", "p", "q", "dp", "dq", "qi", "oth", "k"};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (json_object_get(o, names[i]))
			return names[i];
	return NULL;
}

static enum import import_key(struct ta_jwk *k, json_t *o)
{
	const char *kty = json_string_value(json_object_get(o, "kty"));
	const char *crv = json_string_value(json_object_get(o, "crv"));
	json_t *use = json_object_get(o, "use"), *ops = json_object_get(o, "key_ops");
	json_t *alg = json_object_get(o, "alg"), *kid = json_object_get(o, "kid");
	const char *priv;
	enum import r;
	size_t c = 0;

	/* Not a key for our signatures: ignored (RFC 7517 section 5). */
	if (!json_is_object(o) || !kty || (use && !json_is_string(use)) ||
	    (use && strcmp(json_string_value(use), "sig")) || (ops && !json_is_array(ops)) ||
	    (ops && !ops_verify(ops)))
		return SKIPPED;
	if (alg && !(json_is_string(alg) &&
	             (k->alg = ta_jws_alg_from_name(json_string_value(alg))) != TA_JWS_UNKNOWN))
		return SKIPPED;
	if (!strcmp(kty, "EC")) {
		for (c = 0; c < sizeof(curves) / sizeof(curves[0]); c++)
			if (crv && !strcmp(crv, curves[c].crv))
				break;
		if (c == sizeof(curves) / sizeof(curves[0]))
			return SKIPPED;
	} else if (!(!strcmp(kty, "RSA") ||
	             (!strcmp(kty, "OKP") && crv && !strcmp(crv, "Ed25519")))) {
		return SKIPPED;
	}
	/* One of ours: from here on it is kept, usable or refused. */
	if (kid && json_is_string(kid) && !(k->kid = strdup(json_string_value(kid))))
		return NOMEM;
	if (!strcmp(kty, "RSA"))
		r = import_rsa(k, o);
	else if (!strcmp(kty, "EC"))
		r = import_ec(k, o, c);
	else
		r = import_ed25519(k, o);
	if (r != IMPORTED || k->refused)
		return r;
	if (kid && !json_is_string(kid))
		return refuse(k, "the key's kid is not a string");
	if ((priv = private_member(o)))
		return refuse(k,
		              "the key holds private key material ('%s'): a JWKS for "
		              "verification must hold public keys only",
		              priv);
	if (k->alg != TA_JWS_UNKNOWN && !ta_jwk_fits(k, k->alg))
		return refuse(k, "the key's alg %s does not fit its type", algs[k->alg].name);
	return IMPORTED;
}

static void key_clear(struct ta_jwk *k)
{
	int a;

	free(k->kid);
	free(k->refused);
	EVP_PKEY_free(k->pkey);
	for (a = 0; a < TA_JWS_ALG_COUNT; a++)
		EVP_PKEY_CTX_free(k->vctx[a]);
	EVP_MD_CTX_free(k->ed_init);
	EVP_MD_CTX_free(k->ed_work);
	memset(k, 0, sizeof(*k));
}

void ta_jws_header_clear(struct ta_jws_header *h)
{
	free(h->b64);
	free(h->json);
	free(h->kid);
	free(h->typ);
	memset(h, 0, sizeof(*h));
}

void ta_jwks_free(struct ta_jwks *set)
{
	size_t i;

	if (!set)
		return;
	for (i = 0; i < set->n; i++)
		key_clear(&set->keys[i]);
	free(set->keys);
	if (set->cache) {
		for (i = 0; i < 3; i++) {
			EVP_MD_CTX_free(set->cache->hash[i]);
			EVP_MD_free(set->cache->md[i]);
		}
		ta_jws_header_clear(&set->cache->last);
		free(set->cache);
	}
	free(set);
}

static enum ta_result cache_new(struct ta_client *c, struct ta_jwks_cache **out)
{
	struct ta_jwks_cache *cache = calloc(1, sizeof(*cache));
	int i;

	if (!cache)
		return TA_E_NOMEM;
	*out = cache; /* freed with the set */
	for (i = 0; i < 3; i++)
		if (!(cache->md[i] = EVP_MD_fetch(NULL, hash_names[i], NULL)) ||
		    !(cache->hash[i] = EVP_MD_CTX_new()))
			return ta_fail(c, TA_E_INTERNAL, "OpenSSL has no %s", hash_names[i]);
	return TA_OK;
}

enum ta_result ta_jwks_parse(struct ta_client *c, const char *json, size_t len,
                             struct ta_jwks **out)
{
	struct ta_jwks *set = NULL;
	json_t *root = NULL, *keys, *one = NULL;
	json_error_t err;
	enum ta_result r;
	char text[160];
	size_t i, n;

	ta_call_begin(c);
	if (!out || (!json && len))
		return ta_fail(c, TA_E_ARG, "ta_jwks_parse: no JWKS or no place for it");
	*out = NULL;
	if (len > JWKS_MAX)
		return ta_fail(c, TA_E_TOO_LARGE, "the JWKS is larger than %d bytes", JWKS_MAX);
	ERR_set_mark();
	if (!(root = json_loadb(json ? json : "", len, JSON_REJECT_DUPLICATES, &err))) {
		ta_printable(text, sizeof(text), err.text);
		r = ta_fail(c, TA_E_PROTOCOL, "the JWKS is not JSON: %s", text);
		goto out;
	}
	keys = json_object_get(root, "keys");
	/* A single JWK is taken as a set of one. */
	if (!keys && json_is_object(root) && json_object_get(root, "kty")) {
		if (!(one = json_array()) || json_array_append(one, root)) {
			r = TA_E_NOMEM;
			goto out;
		}
		keys = one;
	}
	if (!json_is_object(root) || !json_is_array(keys)) {
		r = ta_fail(c, TA_E_PROTOCOL, "the JWKS is not an object with a \"keys\" array");
		goto out;
	}
	if ((n = json_array_size(keys)) > JWKS_MAX_KEYS) {
		r = ta_fail(c, TA_E_TOO_LARGE, "the JWKS has more than %d keys", JWKS_MAX_KEYS);
		goto out;
	}
	r = TA_E_NOMEM;
	if (!(set = calloc(1, sizeof(*set))) || (n && !(set->keys = calloc(n, sizeof(*set->keys)))))
		goto out;
	if ((r = cache_new(c, &set->cache)) != TA_OK)
		goto out;
	for (i = 0; i < n; i++) {
		enum import imp = import_key(&set->keys[set->n], json_array_get(keys, i));

		if (imp == NOMEM) {
			set->n++; /* what it holds is freed with the set */
			r = TA_E_NOMEM;
			goto out;
		}
		if (imp == IMPORTED)
			set->n++;
		else
			key_clear(&set->keys[set->n]);
	}
	*out = set;
	set = NULL;
	r = TA_OK;
out:
	if (r == TA_E_NOMEM)
		ta_fail(c, r, "out of memory reading the JWKS");
	ERR_pop_to_mark();
	ta_jwks_free(set);
	json_decref(one);
	json_decref(root);
	return r;
}

/* ---------------------------------------------------------------------- */
/* Verification */

int ta_jwks_digest(struct ta_jwks *set, enum ta_jws_alg alg, const unsigned char *msg,
                   size_t n, unsigned char *out, size_t *outlen)
{
	int h = algs[alg].hash;
	EVP_MD_CTX *ctx;
	unsigned int len = 0;

	if (h == HASH_NONE)
		return -1;
	ctx = set->cache->hash[h];
	/* A context reused with the same digest keeps its provider state. */
	if (EVP_DigestInit_ex(ctx, set->cache->md[h], NULL) != 1 ||
	    EVP_DigestUpdate(ctx, msg, n) != 1 || EVP_DigestFinal_ex(ctx, out, &len) != 1)
		return -1;
	*outlen = len;
	return 0;
}

/* The verify context of k for alg, made on first use: EVP_PKEY_verify on a
 * digest with a context set up once is the fast route (EVP_DigestVerifyInit
 * for every token costs more than a P-256 scalar check). */
static EVP_PKEY_CTX *verify_ctx(struct ta_jwks_cache *cache, struct ta_jwk *k, enum ta_jws_alg alg)
{
	EVP_PKEY_CTX *ctx = k->vctx[alg];
	const EVP_MD *md = cache->md[algs[alg].hash];

	if (ctx)
		return ctx;
	if (!(ctx = EVP_PKEY_CTX_new_from_pkey(NULL, k->pkey, NULL)) ||
	    EVP_PKEY_verify_init(ctx) != 1)
		goto bad;
	if (k->kind == TA_JWK_RSA) {
		/* PSS (RFC 7518 3.5): MGF1 with the same hash, salt as long as
		 * the hash - exactly, not whatever the signature says. */
		if (EVP_PKEY_CTX_set_rsa_padding(ctx, algs[alg].pss ? RSA_PKCS1_PSS_PADDING
		                                                    : RSA_PKCS1_PADDING) != 1 ||
		    EVP_PKEY_CTX_set_signature_md(ctx, md) != 1 ||
		    (algs[alg].pss &&
		     (EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, md) != 1 ||
		      EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, RSA_PSS_SALTLEN_DIGEST) != 1)))
			goto bad;
	} else if (EVP_PKEY_CTX_set_signature_md(ctx, md) != 1) {
		goto bad;
	}
	return k->vctx[alg] = ctx;
bad:
	EVP_PKEY_CTX_free(ctx);
	return NULL;
}

/* DER INTEGER of a big-endian unsigned value (not zero: refused before). */
static size_t der_integer(unsigned char *out, const unsigned char *v, size_t n)
{
	size_t pad;

	v = strip_zeros(v, &n);
	pad = v[0] & 0x80 ? 1 : 0;
	out[0] = 0x02;
	out[1] = (unsigned char)(n + pad); /* at most 67: the short form */
	out[2] = 0;
	memcpy(out + 2 + pad, v, n);
	return 2 + pad + n;
}

/* ECDSA-Sig-Value (RFC 3279) of raw r||s, each of size bytes. */
static size_t der_signature(unsigned char *out, const unsigned char *sig, size_t size)
{
	unsigned char body[2 * (3 + 66)];
	size_t n = der_integer(body, sig, size);

	n += der_integer(body + n, sig + size, size);
	out[0] = 0x30;
	if (n < 128) {
		out[1] = (unsigned char)n;
		memcpy(out + 2, body, n);
		return 2 + n;
	}
	out[1] = 0x81;
	out[2] = (unsigned char)n;
	memcpy(out + 3, body, n);
	return 3 + n;
}

static int ed25519_verify(struct ta_jwk *k, const unsigned char *msg, size_t n,
                          const unsigned char *sig, size_t siglen)
{
	if (!k->ed_init) {
		if (!(k->ed_init = EVP_MD_CTX_new()))
			return -1;
		if (EVP_DigestVerifyInit_ex(k->ed_init, NULL, NULL, NULL, NULL, k->pkey, NULL) !=
		    1) {
			EVP_MD_CTX_free(k->ed_init);
			k->ed_init = NULL;
			return -1;
		}
	}
	if (!k->ed_work && !(k->ed_work = EVP_MD_CTX_new()))
		return -1;
	/* A one-shot EVP_DigestVerify finalises its context (OpenSSL 3.x):
	 * copying an initialised one costs a third of initialising again. */
	if (EVP_MD_CTX_copy_ex(k->ed_work, k->ed_init) != 1 &&
	    EVP_DigestVerifyInit_ex(k->ed_work, NULL, NULL, NULL, NULL, k->pkey, NULL) != 1)
		return -1;
	return EVP_DigestVerify(k->ed_work, sig, siglen, msg, n) == 1;
}

int ta_jwk_verify(struct ta_jwks_cache *cache, struct ta_jwk *k, enum ta_jws_alg alg,
                  const unsigned char *digest, size_t dlen, const unsigned char *msg, size_t n,
                  const unsigned char *sig, size_t siglen)
{
	unsigned char der[3 + 2 * (3 + 66)];
	EVP_PKEY_CTX *ctx;
	size_t size;
	int ok;

	if (!k->pkey || !ta_jwk_fits(k, alg))
		return 0;
	ERR_set_mark();
	if (k->kind == TA_JWK_ED25519) {
		ok = ed25519_verify(k, msg, n, sig, siglen);
	} else if (!(ctx = verify_ctx(cache, k, alg))) {
		ok = -1;
	} else if ((size = ta_jws_ec_size(alg))) {
		ok = siglen == 2 * size &&
		     EVP_PKEY_verify(ctx, der, der_signature(der, sig, size), digest, dlen) == 1;
	} else {
		ok = EVP_PKEY_verify(ctx, sig, siglen, digest, dlen) == 1;
	}
	ERR_pop_to_mark();
	return ok;
}
