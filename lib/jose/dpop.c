/*
 * dpop.c - see dpop.h: DPoP keys (RFC 9449) made, written to and read from
 * a private JWK, their RFC 7638 thumbprint, the proof of a request, and the
 * server's nonce. Keys are OpenSSL's (EVP_PKEY_fromdata, as jwk.c builds
 * them); the private key is read out of OpenSSL only to be written as a
 * JWK, and every buffer that held it on the way is wiped. Not here: which
 * requests get a proof, retrying with a nonce, where the key is kept.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>
#include "jose/dpop.h"
#include "base/base64url.h"
#include "base/result.h"
#include "base/secret.h"
#include "base/url_norm.h"

#define COORD   32  /* bytes of x, y, d (P-256, RFC 7518 6.2.1.2) and of Ed25519's */
#define B64     44  /* base64url of 32 bytes (43) and a NUL */
#define JTI_LEN 16  /* bytes: 128 random bits */
#define IAT_MAX (1LL << 53)
#define JWK_OUT 256 /* bytes of the private JWK written (about 200) */

struct ta_dpop_key {
	enum ta_jws_alg alg;
	EVP_PKEY *pkey;      /* the key pair */
	char public_jwk[160];
	char thumbprint[B64];
};

/* ---------------------------------------------------------------------- */
/* Choosing the algorithm */

static int choice_rank(const char *name, size_t n)
{
	if (n == 5 && !memcmp(name, "EdDSA", 5))
		return 2;
	if (n == 5 && !memcmp(name, "ES256", 5))
		return 1;
	return 0;
}

static enum ta_jws_alg ranked(int best)
{
	return best == 2 ? TA_JWS_EDDSA : best == 1 ? TA_JWS_ES256 : TA_JWS_UNKNOWN;
}

enum ta_jws_alg ta_dpop_alg_choose(const char *const *names, size_t n)
{
	size_t i;
	int best = 0, r;

	if (!names || !n)
		return TA_JWS_ES256;
	for (i = 0; i < n; i++)
		if (names[i] && (r = choice_rank(names[i], strlen(names[i]))) > best)
			best = r;
	return ranked(best);
}

enum ta_jws_alg ta_dpop_alg_choose_list(const char *names)
{
	const char *p = names;
	int best = 0, any = 0, r;
	size_t n;

	while (p && *p) {
		p += strspn(p, " \t");
		if (!(n = strcspn(p, " \t")))
			break;
		any = 1;
		if ((r = choice_rank(p, n)) > best)
			best = r;
		p += n;
	}
	return any ? ranked(best) : TA_JWS_ES256;
}

/* ---------------------------------------------------------------------- */
/* Keys */

void ta_dpop_key_free(struct ta_dpop_key *k)
{
	if (!k)
		return;
	EVP_PKEY_free(k->pkey);
	free(k);
}

enum ta_jws_alg ta_dpop_key_alg(const struct ta_dpop_key *k)
{
	return k->alg;
}

const char *ta_dpop_key_public_jwk(const struct ta_dpop_key *k)
{
	return k->public_jwk;
}

const char *ta_dpop_key_thumbprint(const struct ta_dpop_key *k)
{
	return k->thumbprint;
}

/* The key's public coordinates: x, and for EC y. 0 or -1. */
static int public_parts(EVP_PKEY *pkey, enum ta_jws_alg alg, unsigned char x[COORD],
                        unsigned char y[COORD])
{
	unsigned char point[1 + 2 * COORD];
	size_t n = 0;

	if (alg == TA_JWS_EDDSA)
		return EVP_PKEY_get_octet_string_param(pkey, OSSL_PKEY_PARAM_PUB_KEY, x, COORD,
		                                       &n) == 1 && n == COORD ? 0 : -1;
	if (EVP_PKEY_get_octet_string_param(pkey, OSSL_PKEY_PARAM_PUB_KEY, point, sizeof(point),
	                                    &n) != 1 || n != sizeof(point) || point[0] != 0x04)
		return -1; /* not uncompressed: OpenSSL's default, and what from_jwk builds */
	memcpy(x, point + 1, COORD);
	memcpy(y, point + 1 + COORD, COORD);
	return 0;
}

/* Fills the public JWK and the thumbprint from k->pkey. 0 or -1. */
static int key_finish(struct ta_dpop_key *k)
{
	unsigned char x[COORD], y[COORD], digest[32];
	char x64[B64], y64[B64];
	unsigned int dlen = 0;
	int n;

	if (public_parts(k->pkey, k->alg, x, y))
		return -1;
	ta_b64url_encode(x, COORD, x64);
	if (k->alg == TA_JWS_EDDSA) {
		n = snprintf(k->public_jwk, sizeof(k->public_jwk),
		             "{\"crv\":\"Ed25519\",\"kty\":\"OKP\",\"x\":\"%s\"}", x64);
	} else {
		ta_b64url_encode(y, COORD, y64);
		n = snprintf(k->public_jwk, sizeof(k->public_jwk),
		             "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"%s\",\"y\":\"%s\"}", x64, y64);
	}
	if (n < 0 || (size_t)n >= sizeof(k->public_jwk) ||
	    EVP_Digest(k->public_jwk, (size_t)n, digest, &dlen, EVP_sha256(), NULL) != 1)
		return -1;
	ta_b64url_encode(digest, dlen, k->thumbprint);
	return 0;
}

/* Takes pkey (freed on failure) into a new key of alg. */
static enum ta_result key_wrap(struct ta_client *c, EVP_PKEY *pkey, enum ta_jws_alg alg,
                               struct ta_dpop_key **out)
{
	struct ta_dpop_key *k = calloc(1, sizeof(*k));

	if (!k) {
		EVP_PKEY_free(pkey);
		return ta_fail(c, TA_E_NOMEM, "out of memory making a DPoP key");
	}
	k->alg = alg;
	k->pkey = pkey;
	if (key_finish(k)) {
		ta_dpop_key_free(k);
		return ta_fail(c, TA_E_INTERNAL, "OpenSSL cannot give the DPoP key's public key");
	}
	*out = k;
	return TA_OK;
}

enum ta_result ta_dpop_key_new(struct ta_client *c, enum ta_jws_alg alg, struct ta_dpop_key **out)
{
	EVP_PKEY *pkey;
	enum ta_result r;

	if (!out)
		return ta_fail(c, TA_E_ARG, "ta_dpop_key_new: no place for the key");
	*out = NULL;
	if (alg != TA_JWS_ES256 && alg != TA_JWS_EDDSA)
		return ta_fail(c, TA_E_ARG, "DPoP keys are ES256 or EdDSA, not %s",
		               ta_jws_alg_name(alg));
	ERR_set_mark();
	pkey = alg == TA_JWS_EDDSA ? EVP_PKEY_Q_keygen(NULL, NULL, "ED25519")
	                           : EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	r = pkey ? key_wrap(c, pkey, alg, out)
	         : ta_fail(c, TA_E_INTERNAL, "OpenSSL cannot make a %s key", ta_jws_alg_name(alg));
	ERR_pop_to_mark();
	return r;
}

/* The private key, d, into d. 0 or -1. */
static int private_part(EVP_PKEY *pkey, enum ta_jws_alg alg, unsigned char d[COORD])
{
	BIGNUM *bn = NULL;
	size_t n = 0;
	int ok;

	if (alg == TA_JWS_EDDSA)
		return EVP_PKEY_get_octet_string_param(pkey, OSSL_PKEY_PARAM_PRIV_KEY, d, COORD,
		                                       &n) == 1 && n == COORD ? 0 : -1;
	if (EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_PRIV_KEY, &bn) != 1)
		return -1;
	ok = BN_bn2binpad(bn, d, COORD) == COORD; /* the full size, RFC 7518 6.2.2.1 */
	BN_clear_free(bn);
	return ok ? 0 : -1;
}

enum ta_result ta_dpop_key_to_jwk(struct ta_client *c, const struct ta_dpop_key *k, char **out)
{
	unsigned char x[COORD], y[COORD], d[COORD];
	char x64[B64], y64[B64], d64[B64], *s = NULL;
	enum ta_result r = TA_E_INTERNAL;
	int n;

	if (!k || !out)
		return ta_fail(c, TA_E_ARG, "ta_dpop_key_to_jwk: no key or no place for its JWK");
	*out = NULL;
	ERR_set_mark();
	if (public_parts(k->pkey, k->alg, x, y) || private_part(k->pkey, k->alg, d)) {
		r = ta_fail(c, r, "OpenSSL cannot give the DPoP key's parameters");
		goto out;
	}
	ta_b64url_encode(x, COORD, x64);
	if (k->alg == TA_JWS_ES256)
		ta_b64url_encode(y, COORD, y64);
	ta_b64url_encode(d, COORD, d64);
	if (!(s = ta_secret_alloc(JWK_OUT))) {
		r = ta_fail(c, TA_E_NOMEM, "out of memory writing the DPoP key");
		goto out;
	}
	if (k->alg == TA_JWS_EDDSA)
		n = snprintf(s, JWK_OUT + 1,
		             "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"%s\",\"d\":\"%s\","
		             "\"alg\":\"EdDSA\"}", x64, d64);
	else
		n = snprintf(s, JWK_OUT + 1,
		             "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"%s\",\"y\":\"%s\","
		             "\"d\":\"%s\",\"alg\":\"ES256\"}", x64, y64, d64);
	if (n < 0 || n > JWK_OUT) {
		r = ta_fail(c, r, "the DPoP key's JWK does not fit");
		goto out;
	}
	*out = s;
	s = NULL;
	r = TA_OK;
out:
	ERR_pop_to_mark();
	ta_free_secret(s);
	ta_wipe(d, sizeof(d));
	ta_wipe(d64, sizeof(d64));
	return r;
}

/* ---------------------------------------------------------------------- */
/* Reading a private JWK */

/* Which members a private JWK of ours has, by key type. */
static const char *const ec_members[] = {"kty", "crv", "x", "y", "d", "alg", NULL};
static const char *const okp_members[] = {"kty", "crv", "x", "d", "alg", NULL};

static int listed(const char *const *names, const char *name)
{
	for (; *names; names++)
		if (!strcmp(*names, name))
			return 1;
	return 0;
}

/* Every member is one of ours and a string. TA_OK, or TA_E_STORE naming
 * the first that is not. */
static enum ta_result members_check(struct ta_client *c, json_t *o, int okp)
{
	static const char *const others[] = {"p", "q", "dp", "dq", "qi", "oth", "n", "e", "k",
	                                     NULL};
	const char *name;
	json_t *v;
	char shown[40];

	json_object_foreach(o, name, v) {
		ta_printable(shown, sizeof(shown), name);
		if (listed(others, name))
			return ta_fail(c, TA_E_STORE, "the DPoP key has '%s', a member of another "
			                              "key type", shown);
		if (!listed(okp ? okp_members : ec_members, name))
			return ta_fail(c, TA_E_STORE, "the DPoP key has a member it must not have "
			                              "('%s')", shown);
		if (!json_is_string(v))
			return ta_fail(c, TA_E_STORE, "the DPoP key's '%s' is not a string", shown);
	}
	return TA_OK;
}

/* A member of exactly COORD bytes of canonical base64url, into out. */
static enum ta_result coordinate(struct ta_client *c, json_t *o, const char *name,
                                 unsigned char out[COORD])
{
	json_t *v = json_object_get(o, name);
	unsigned char buf[COORD + 3]; /* ta_b64url_decoded_max of 44 */
	size_t n = 0, len;
	int bad;

	if (!v)
		return ta_fail(c, TA_E_STORE, "the DPoP key's %s is missing", name);
	len = json_string_length(v);
	bad = len != B64 - 1 || ta_b64url_decode_into(json_string_value(v), len, buf,
	                                                sizeof(buf), &n) || n != COORD;
	if (!bad)
		memcpy(out, buf, COORD);
	ta_wipe(buf, sizeof(buf));
	if (bad)
		return ta_fail(c, TA_E_STORE, "the DPoP key's %s is not %d bytes of canonical "
		                              "base64url", name, COORD);
	return TA_OK;
}

static int string_is(json_t *o, const char *name, const char *want)
{
	const char *s = json_string_value(json_object_get(o, name));

	return s && !strcmp(s, want);
}

static EVP_PKEY *keypair_from(const char *type, OSSL_PARAM *params)
{
	EVP_PKEY_CTX *pc = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
	EVP_PKEY *pkey = NULL;

	if (!pc || EVP_PKEY_fromdata_init(pc) != 1 ||
	    EVP_PKEY_fromdata(pc, &pkey, EVP_PKEY_KEYPAIR, params) != 1)
		pkey = NULL;
	EVP_PKEY_CTX_free(pc);
	return pkey;
}

/* P-256 from x, y, d: the point on the curve, d in 1..n-1, d's public key
 * the point (EVP_PKEY_check: the full checks, about 100 us a load). d
 * is a secure BIGNUM, so that OSSL_PARAM_BLD puts it where OSSL_PARAM_free
 * clears it (OpenSSL 3.0 has no OSSL_PARAM_clear_free). */
static EVP_PKEY *ec_import(const unsigned char x[COORD], const unsigned char y[COORD],
                           const unsigned char d[COORD])
{
	unsigned char point[1 + 2 * COORD];
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = NULL;
	BIGNUM *bn = BN_secure_new();
	EVP_PKEY *pkey = NULL;
	EVP_PKEY_CTX *check = NULL;

	point[0] = 0x04;
	memcpy(point + 1, x, COORD);
	memcpy(point + 1 + COORD, y, COORD);
	if (!bld || !bn || !BN_bin2bn(d, COORD, bn) ||
	    !OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) ||
	    !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point, sizeof(point)) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, bn) ||
	    !(params = OSSL_PARAM_BLD_to_param(bld)) || !(pkey = keypair_from("EC", params)) ||
	    !(check = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL)) || EVP_PKEY_check(check) != 1) {
		EVP_PKEY_free(pkey);
		pkey = NULL;
	}
	EVP_PKEY_CTX_free(check);
	OSSL_PARAM_free(params); /* d went to its secure part, cleared when freed */
	OSSL_PARAM_BLD_free(bld);
	BN_clear_free(bn);
	return pkey;
}

/* Ed25519 from d alone (OpenSSL derives the public key), which must then
 * be x: a JWK whose x is not d's would sign proofs no server accepts. */
static EVP_PKEY *ed_import(const unsigned char x[COORD], unsigned char d[COORD])
{
	OSSL_PARAM params[2];
	unsigned char pub[COORD];
	EVP_PKEY *pkey;
	size_t n = 0;

	params[0] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PRIV_KEY, d, COORD);
	params[1] = OSSL_PARAM_construct_end();
	if ((pkey = keypair_from("ED25519", params)) &&
	    (EVP_PKEY_get_octet_string_param(pkey, OSSL_PKEY_PARAM_PUB_KEY, pub, sizeof(pub),
	                                     &n) != 1 || n != COORD || memcmp(pub, x, COORD))) {
		EVP_PKEY_free(pkey);
		pkey = NULL;
	}
	return pkey;
}

/* The checks of the parsed object, then the key. */
static enum ta_result key_from_object(struct ta_client *c, json_t *o, struct ta_dpop_key **out)
{
	unsigned char x[COORD], y[COORD], d[COORD];
	int okp = string_is(o, "kty", "OKP");
	enum ta_jws_alg alg = okp ? TA_JWS_EDDSA : TA_JWS_ES256;
	EVP_PKEY *pkey;
	enum ta_result r;

	if (!okp && !string_is(o, "kty", "EC"))
		return ta_fail(c, TA_E_STORE, "the DPoP key's kty is not EC or OKP");
	if ((r = members_check(c, o, okp)) != TA_OK)
		return r;
	if (!string_is(o, "crv", okp ? "Ed25519" : "P-256"))
		return ta_fail(c, TA_E_STORE, "the DPoP key's crv is not %s",
		               okp ? "Ed25519" : "P-256");
	if (!string_is(o, "alg", ta_jws_alg_name(alg)))
		return ta_fail(c, TA_E_STORE, "the DPoP key's alg is not %s", ta_jws_alg_name(alg));
	if ((r = coordinate(c, o, "x", x)) != TA_OK ||
	    (!okp && (r = coordinate(c, o, "y", y)) != TA_OK) ||
	    (r = coordinate(c, o, "d", d)) != TA_OK)
		goto out;
	pkey = okp ? ed_import(x, d) : ec_import(x, y, d);
	if (!pkey) {
		r = ta_fail(c, TA_E_STORE, okp ? "the DPoP key's d does not give its x"
		                               : "the DPoP key is not a valid P-256 key pair "
		                                 "(its point, its d, or the two together)");
		goto out;
	}
	r = key_wrap(c, pkey, alg, out);
out:
	ta_wipe(d, sizeof(d));
	return r;
}

enum ta_result ta_dpop_key_from_jwk(struct ta_client *c, const char *json, size_t len,
                                    struct ta_dpop_key **out)
{
	json_error_t err;
	json_t *o;
	enum ta_result r;

	if (!out || (!json && len))
		return ta_fail(c, TA_E_ARG, "ta_dpop_key_from_jwk: no JWK or no place for the key");
	*out = NULL;
	if (len > TA_DPOP_JWK_MAX)
		return ta_fail(c, TA_E_STORE, "the DPoP key is larger than %d bytes",
		               TA_DPOP_JWK_MAX);
	/* The error's text could quote the key: it is not passed on. */
	if (!(o = json_loadb(json ? json : "", len, JSON_REJECT_DUPLICATES, &err)))
		return ta_fail(c, TA_E_STORE, "the DPoP key is not JSON, or has a member twice");
	ERR_set_mark();
	if (!json_is_object(o))
		r = ta_fail(c, TA_E_STORE, "the DPoP key is not a JSON object");
	else
		r = key_from_object(c, o, out);
	ERR_pop_to_mark();
	json_decref(o); /* jansson's frees wipe (base/json_alloc.c) */
	return r;
}

/* ---------------------------------------------------------------------- */
/* Proofs */

/* An HTTP token (RFC 9110 5.6.2) of at most TA_DPOP_METHOD_MAX bytes. */
static int is_token(const char *s)
{
	static const char tchar[] = "!#$%&'*+-.^_`|~";
	size_t i;

	for (i = 0; s[i]; i++)
		if (i >= TA_DPOP_METHOD_MAX ||
		    !((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || strchr(tchar, s[i])))
			return 0;
	return i > 0;
}

/* The claims of r, htu already normalised, as compact JSON (free()). */
static enum ta_result claims_json(struct ta_client *c, const struct ta_dpop_request *r,
                                  const char *htu, char **out)
{
	unsigned char jti[JTI_LEN], digest[32];
	char jti64[B64], ath64[B64] = "";
	unsigned int dlen = 0;
	json_t *o = json_object();

	*out = NULL;
	if (RAND_bytes(jti, sizeof(jti)) != 1) {
		json_decref(o);
		return ta_fail(c, TA_E_INTERNAL, "OpenSSL has no random bytes for the DPoP proof");
	}
	ta_b64url_encode(jti, sizeof(jti), jti64);
	if (r->access_token) {
		if (EVP_Digest(r->access_token, strlen(r->access_token), digest, &dlen,
		               EVP_sha256(), NULL) != 1) {
			json_decref(o);
			return ta_fail(c, TA_E_INTERNAL, "OpenSSL cannot hash the access token");
		}
		ta_b64url_encode(digest, dlen, ath64);
	}
	if (!o || json_object_set_new(o, "jti", json_string(jti64)) ||
	    json_object_set_new(o, "htm", json_string(r->method)) ||
	    json_object_set_new(o, "htu", json_string(htu)) ||
	    json_object_set_new(o, "iat", json_integer(r->iat)) ||
	    (r->nonce && json_object_set_new(o, "nonce", json_string(r->nonce))) ||
	    (r->access_token && json_object_set_new(o, "ath", json_string(ath64))) ||
	    !(*out = json_dumps(o, JSON_COMPACT))) {
		json_decref(o);
		return ta_fail(c, TA_E_NOMEM, "out of memory making a DPoP proof");
	}
	json_decref(o);
	return TA_OK;
}

/* The signature of msg, ES256 as r||s. 0 or -1. */
static int sign(EVP_PKEY *pkey, enum ta_jws_alg alg, const char *msg, size_t n,
                unsigned char sig[2 * COORD])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char der[80];
	const unsigned char *p = der;
	size_t len = alg == TA_JWS_EDDSA ? 2 * COORD : sizeof(der);
	ECDSA_SIG *es = NULL;
	int ok;

	ok = ctx && EVP_DigestSignInit_ex(ctx, NULL, alg == TA_JWS_EDDSA ? NULL : "SHA256", NULL,
	                                  NULL, pkey, NULL) == 1 &&
	     EVP_DigestSign(ctx, alg == TA_JWS_EDDSA ? sig : der, &len,
	                    (const unsigned char *)msg, n) == 1;
	if (ok && alg == TA_JWS_EDDSA) {
		ok = len == 2 * COORD;
	} else if (ok) {
		/* JWS (RFC 7518 3.4) wants r and s side by side, each 32 bytes;
		 * OpenSSL gives DER. */
		ok = (es = d2i_ECDSA_SIG(NULL, &p, (long)len)) &&
		     BN_bn2binpad(ECDSA_SIG_get0_r(es), sig, COORD) == COORD &&
		     BN_bn2binpad(ECDSA_SIG_get0_s(es), sig + COORD, COORD) == COORD;
	}
	ECDSA_SIG_free(es);
	EVP_MD_CTX_free(ctx);
	return ok ? 0 : -1;
}

/* header.claims.signature, into a secret. */
static enum ta_result assemble(struct ta_client *c, const struct ta_dpop_key *k,
                               const char *claims, char **out)
{
	char header[sizeof(k->public_jwk) + 64];
	size_t hn, cn, n;
	unsigned char sig[2 * COORD];
	char *s;
	int len;

	len = snprintf(header, sizeof(header), "{\"typ\":\"dpop+jwt\",\"alg\":\"%s\",\"jwk\":%s}",
	               ta_jws_alg_name(k->alg), k->public_jwk);
	if (len < 0 || (size_t)len >= sizeof(header))
		return ta_fail(c, TA_E_INTERNAL, "the DPoP proof's header does not fit");
	hn = ta_b64url_encoded_len((size_t)len);
	cn = ta_b64url_encoded_len(strlen(claims));
	n = hn + 1 + cn + 1 + ta_b64url_encoded_len(sizeof(sig));
	if (!(s = ta_secret_alloc(n)))
		return ta_fail(c, TA_E_NOMEM, "out of memory making a DPoP proof");
	ta_b64url_encode((const unsigned char *)header, (size_t)len, s);
	s[hn] = '.';
	ta_b64url_encode((const unsigned char *)claims, strlen(claims), s + hn + 1);
	if (sign(k->pkey, k->alg, s, hn + 1 + cn, sig)) {
		ta_free_secret(s);
		return ta_fail(c, TA_E_INTERNAL, "OpenSSL cannot sign the DPoP proof");
	}
	s[hn + 1 + cn] = '.';
	ta_b64url_encode(sig, sizeof(sig), s + hn + 1 + cn + 1);
	*out = s;
	return TA_OK;
}

static enum ta_result request_check(struct ta_client *c, const struct ta_dpop_request *r)
{
	if (!r->method || !is_token(r->method))
		return ta_fail(c, TA_E_ARG, "the DPoP proof's method is not an HTTP method (a "
		                            "token of 1 to %d characters)", TA_DPOP_METHOD_MAX);
	if (r->iat < 1 || r->iat > IAT_MAX)
		return ta_fail(c, TA_E_ARG, "the DPoP proof's time is not one after 1970");
	if (r->nonce && !ta_dpop_nonce_valid(r->nonce, strlen(r->nonce)))
		return ta_fail(c, TA_E_ARG, "the DPoP nonce is not 1 to %d of the characters a "
		                            "nonce may have (RFC 9449 8.1)", TA_DPOP_NONCE_MAX);
	return TA_OK;
}

enum ta_result ta_dpop_proof_make(struct ta_client *c, const struct ta_dpop_key *k,
                                  const struct ta_dpop_request *r, char **out)
{
	char *htu = NULL, *claims = NULL, why[160];
	enum ta_result res;
	int n;

	if (!k || !r || !out)
		return ta_fail(c, TA_E_ARG, "ta_dpop_proof_make: no key, request or place for it");
	*out = NULL;
	if ((res = request_check(c, r)) != TA_OK)
		return res;
	if ((n = ta_url_normalize(r->url, &htu, why, sizeof(why))) != 0)
		return ta_fail(c, n == -2 ? TA_E_NOMEM : TA_E_ARG, "the DPoP proof's URL: %s", why);
	ERR_set_mark();
	if ((res = claims_json(c, r, htu, &claims)) == TA_OK)
		res = assemble(c, k, claims, out);
	ERR_pop_to_mark();
	free(claims);
	free(htu);
	return res;
}

/* ---------------------------------------------------------------------- */
/* Nonces */

int ta_dpop_nonce_valid(const char *s, size_t n)
{
	size_t i;

	if (!s || n < 1 || n > TA_DPOP_NONCE_MAX)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch < 0x21 || ch > 0x7e || ch == '"' || ch == '\\')
			return 0;
	}
	return 1;
}

int ta_dpop_nonce_parse(const char *value, size_t n, const char **nonce, size_t *nonce_len)
{
	size_t start = 0;

	if (!value)
		return -1;
	while (start < n && (value[start] == ' ' || value[start] == '\t'))
		start++;
	while (n > start && (value[n - 1] == ' ' || value[n - 1] == '\t'))
		n--;
	if (!ta_dpop_nonce_valid(value + start, n - start))
		return -1;
	*nonce = value + start;
	*nonce_len = n - start;
	return 0;
}

int ta_dpop_nonce_asked(const char *error)
{
	return error && !strcmp(error, "use_dpop_nonce");
}
