/*
 * verify.c - tokens verified per second by ta_jwt_verify, single thread,
 * signature and claims (iss, aud, exp, nbf, iat) included, for RS256
 * (RSA 2048), ES256 (P-256) and EdDSA (Ed25519): what bench/verify sets
 * next to `openssl speed` verify for the same key types.
 *
 * The keys are made here with OpenSSL; the JWKS holds all three (kid
 * "rsa", "p256", "ed"), as an IdP's does. Each algorithm gets 64 tokens
 * that differ in their claims (jti, sub, iat) - one header per key, as an
 * IdP's tokens have - verified round-robin, so that nothing but the header
 * can be remembered from one token to the next. The claims JSON is asked
 * for and freed, as a resource server would.
 *
 * Also measured, in the same process and right after, as a yardstick that
 * shares the machine's load of the moment: the bare OpenSSL verification
 * of the same signatures (EVP_PKEY_verify on a precomputed digest with a
 * prepared context, and EVP_DigestVerify for Ed25519 - what `openssl
 * speed` times).
 *
 * Usage: bench_verify [SECONDS [ALG]]   (seconds per measurement, default 3;
 *        ALG: only that algorithm; BENCH_VERIFY_EXPORT=DIR also writes the
 *        JWKS and the tokens there)
 * Output: one line per algorithm:
 *   <alg> <tokens/s> <bare OpenSSL verify/s>
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <termauth.h>
#include "base/base64url.h"

#define TOKENS 64
#define NOW    1700000000LL

static void die(const char *what)
{
	fprintf(stderr, "bench_verify: %s\n", what);
	exit(1);
}

/* base64url, without padding: the library's own encoder. */
static void b64(const unsigned char *in, size_t n, char *out)
{
	ta_b64url_encode(in, n, out);
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

struct alg {
	const char *name, *kid;
	EVP_PKEY *key;
	char *tokens[TOKENS];
	/* the bare yardstick: the first token's signature and digest */
	unsigned char sig[512], digest[32];
	size_t siglen, inlen;
	char input[2048];
};

/* The signature of msg (raw r||s for ECDSA). */
static size_t sign(struct alg *a, const char *msg, unsigned char *sig)
{
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	unsigned char buf[512];
	size_t n = sizeof(buf);
	int ec = !strcmp(a->name, "ES256");

	if (!m ||
	    EVP_DigestSignInit_ex(m, NULL, strcmp(a->name, "EdDSA") ? "SHA256" : NULL, NULL, NULL,
	                          a->key, NULL) != 1 ||
	    EVP_DigestSign(m, buf, &n, (const unsigned char *)msg, strlen(msg)) != 1)
		die("signing failed");
	EVP_MD_CTX_free(m);
	if (ec) {
		const unsigned char *p = buf;
		ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)n);
		if (!es || BN_bn2binpad(ECDSA_SIG_get0_r(es), sig, 32) != 32 ||
		    BN_bn2binpad(ECDSA_SIG_get0_s(es), sig + 32, 32) != 32)
			die("ECDSA signature");
		ECDSA_SIG_free(es);
		return 64;
	}
	memcpy(sig, buf, n);
	return n;
}

static void make_tokens(struct alg *a)
{
	char header[128], claims[512], h64[200], p64[800];
	unsigned char sig[512];
	int i;

	snprintf(header, sizeof(header), "{\"alg\":\"%s\",\"kid\":\"%s\",\"typ\":\"JWT\"}", a->name,
	         a->kid);
	b64((const unsigned char *)header, strlen(header), h64);
	for (i = 0; i < TOKENS; i++) {
		size_t n;
		snprintf(
		    claims, sizeof(claims),
		    "{\"iss\":\"https://idp.example.com\",\"sub\":\"user-%04d\","
		    "\"aud\":\"https://api.example.com\",\"exp\":%lld,\"nbf\":%lld,\"iat\":%lld,"
		    "\"jti\":\"c0a8f4e2-6d1b-4f7a-9e3c-%012d\",\"client_id\":\"termauth\","
		    "\"scope\":\"openid profile email offline_access\"}",
		    i, NOW + 3600, NOW - 60 + i, NOW - 60 + i, i * 7919);
		b64((const unsigned char *)claims, strlen(claims), p64);
		snprintf(a->input, sizeof(a->input), "%s.%s", h64, p64);
		n = sign(a, a->input, sig);
		a->tokens[i] = malloc(strlen(a->input) + 1 + (n * 4 + 2) / 3 + 1);
		if (!a->tokens[i])
			die("out of memory");
		b64(sig, n,
		    a->tokens[i] + snprintf(a->tokens[i], strlen(a->input) + 2, "%s.", a->input));
		if (i == 0) {
			memcpy(a->sig, sig, n);
			a->siglen = n;
			a->inlen = strlen(a->input);
			EVP_Digest(a->input, a->inlen, a->digest, NULL, EVP_sha256(), NULL);
		}
	}
	/* input keeps the first token's signing input */
	snprintf(a->input, sizeof(a->input), "%.*s",
	         (int)(strrchr(a->tokens[0], '.') - a->tokens[0]), a->tokens[0]);
	a->inlen = strlen(a->input);
}

static void jwk(struct alg *a, char *out, size_t cap)
{
	unsigned char buf[600];
	char x[900], y[100];
	size_t len = 0;

	if (EVP_PKEY_is_a(a->key, "RSA")) {
		BIGNUM *n = NULL;
		int bytes;
		if (EVP_PKEY_get_bn_param(a->key, OSSL_PKEY_PARAM_RSA_N, &n) != 1)
			die("RSA n");
		bytes = BN_bn2bin(n, buf);
		b64(buf, (size_t)bytes, x);
		BN_free(n);
		snprintf(
		    out, cap,
		    "{\"kty\":\"RSA\",\"kid\":\"%s\",\"use\":\"sig\",\"n\":\"%s\",\"e\":\"AQAB\"}",
		    a->kid, x);
	} else if (EVP_PKEY_is_a(a->key, "EC")) {
		if (EVP_PKEY_get_octet_string_param(a->key, OSSL_PKEY_PARAM_PUB_KEY, buf,
		                                    sizeof(buf), &len) != 1 ||
		    len != 65)
			die("EC point");
		b64(buf + 1, 32, x);
		b64(buf + 33, 32, y);
		snprintf(out, cap,
		         "{\"kty\":\"EC\",\"kid\":\"%s\",\"use\":\"sig\",\"crv\":\"P-256\",\"x\":"
		         "\"%s\",\"y\":\"%s\"}",
		         a->kid, x, y);
	} else {
		len = 32;
		if (EVP_PKEY_get_raw_public_key(a->key, buf, &len) != 1)
			die("Ed25519 key");
		b64(buf, len, x);
		snprintf(out, cap,
		         "{\"kty\":\"OKP\",\"kid\":\"%s\",\"use\":\"sig\",\"crv\":\"Ed25519\","
		         "\"x\":\"%s\"}",
		         a->kid, x);
	}
}

/* ta_jwt_verify round-robin over the tokens for the given time. */
static double bench_termauth(struct ta_client *c, struct ta_jwks *keys, struct alg *a,
                             double seconds)
{
	const struct ta_verify_options o = TA_VERIFY_OPTIONS_INIT(.issuer = "https://idp.example.com",
	                                    .audience = "https://api.example.com",
	                                    .leeway = 60,
	                                    .now = NOW,
	                                    .require_exp = 1);
	size_t lens[TOKENS];
	double start = now_s(), t;
	long n = 0;
	int i;

	for (i = 0; i < TOKENS; i++)
		lens[i] = strlen(a->tokens[i]);
	do {
		for (i = 0; i < TOKENS; i++) {
			char *claims = NULL;
			if (ta_jwt_verify(c, keys, a->tokens[i], lens[i], &o, &claims) != TA_OK) {
				fprintf(stderr, "bench_verify: %s: %s\n", a->name,
				        ta_client_message(c));
				exit(1);
			}
			free(claims);
		}
		n += TOKENS;
	} while ((t = now_s() - start) < seconds);
	return (double)n / t;
}

/* The bare OpenSSL verification of one signature, over and over. */
static double bench_openssl(struct alg *a, double seconds)
{
	unsigned char der[80];
	EVP_PKEY_CTX *ctx = NULL;
	EVP_MD_CTX *m = NULL;
	double start = now_s(), t;
	long n = 0;
	int i, ok = 1;
	size_t derlen = 0;

	if (!strcmp(a->name, "EdDSA")) {
		if (!(m = EVP_MD_CTX_new()))
			die("out of memory");
	} else {
		if (!(ctx = EVP_PKEY_CTX_new_from_pkey(NULL, a->key, NULL)) ||
		    EVP_PKEY_verify_init(ctx) != 1 ||
		    EVP_PKEY_CTX_set_signature_md(ctx, EVP_sha256()) != 1)
			die("verify context");
		if (!strcmp(a->name, "ES256")) {
			ECDSA_SIG *es = ECDSA_SIG_new();
			unsigned char *p = der;
			BIGNUM *r = BN_bin2bn(a->sig, 32, NULL),
			       *s = BN_bin2bn(a->sig + 32, 32, NULL);
			if (!es || !r || !s || ECDSA_SIG_set0(es, r, s) != 1)
				die("ECDSA signature");
			derlen = (size_t)i2d_ECDSA_SIG(es, &p);
			ECDSA_SIG_free(es);
		}
	}
	/* Ed25519: one context, initialised once, as `openssl speed` does -
	 * OpenSSL 3.0 lets a one-shot EVP_DigestVerify run again on it; where
	 * a later version finalises the context, it is initialised again. */
	if (m && EVP_DigestVerifyInit_ex(m, NULL, NULL, NULL, NULL, a->key, NULL) != 1)
		die("verify context");
	do {
		for (i = 0; i < 64; i++) {
			if (m && EVP_DigestVerify(m, a->sig, a->siglen,
			                          (const unsigned char *)a->input, a->inlen) != 1)
				ok &= EVP_DigestVerifyInit_ex(m, NULL, NULL, NULL, NULL, a->key,
				                              NULL) == 1 &&
				      EVP_DigestVerify(m, a->sig, a->siglen,
				                       (const unsigned char *)a->input,
				                       a->inlen) == 1;
			else if (m)
				continue;
			else if (derlen)
				ok &= EVP_PKEY_verify(ctx, der, derlen, a->digest, 32) == 1;
			else
				ok &= EVP_PKEY_verify(ctx, a->sig, a->siglen, a->digest, 32) == 1;
		}
		n += 64;
	} while ((t = now_s() - start) < seconds);
	if (!ok)
		die("a bare verification failed");
	EVP_PKEY_CTX_free(ctx);
	EVP_MD_CTX_free(m);
	return (double)n / t;
}

/* With BENCH_VERIFY_EXPORT=DIR: the JWKS (DIR/jwks.json) and each
 * algorithm's tokens (DIR/<alg>.tokens, one a line), for another verifier
 * to time on the same tokens (bench/jose.mjs). */
static void export_all(const char *dir, const char *set, const struct alg *algs)
{
	char path[4096];
	FILE *f;
	int i, j;

	snprintf(path, sizeof(path), "%s/jwks.json", dir);
	if (!(f = fopen(path, "w")) || fputs(set, f) < 0 || fclose(f))
		die("cannot export the JWKS");
	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s.tokens", dir, algs[i].name);
		if (!(f = fopen(path, "w")))
			die("cannot export the tokens");
		for (j = 0; j < TOKENS; j++)
			fprintf(f, "%s\n", algs[i].tokens[j]);
		if (fclose(f))
			die("cannot export the tokens");
	}
}

int main(int argc, char **argv)
{
	struct alg algs[3] = {
	    {.name = "RS256", .kid = "rsa"},
	    {.name = "ES256", .kid = "p256"},
	    {.name = "EdDSA", .kid = "ed"},
	};
	double seconds = argc > 1 ? strtod(argv[1], NULL) : 3.0;
	char set[4096], one[1200];
	struct ta_client *c = NULL;
	struct ta_jwks *keys = NULL;
	size_t at;
	int i, j;

	if (!(seconds > 0))
		die("usage: bench_verify [SECONDS]");
	algs[0].key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	algs[1].key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	algs[2].key = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	at = (size_t)snprintf(set, sizeof(set), "{\"keys\":[");
	for (i = 0; i < 3; i++) {
		if (!algs[i].key)
			die("key generation failed");
		make_tokens(&algs[i]);
		jwk(&algs[i], one, sizeof(one));
		at += (size_t)snprintf(set + at, sizeof(set) - at, "%s%s", i ? "," : "", one);
	}
	snprintf(set + at, sizeof(set) - at, "]}");
	if (ta_client_new(&c) != TA_OK || ta_jwks_parse(c, set, strlen(set), &keys) != TA_OK)
		die("the JWKS does not import");
	if (getenv("BENCH_VERIFY_EXPORT"))
		export_all(getenv("BENCH_VERIFY_EXPORT"), set, algs);
	for (i = 0; i < 3; i++) {
		if (argc > 2 && strcmp(argv[2], algs[i].name))
			continue;
		double ours = bench_termauth(c, keys, &algs[i], seconds);
		double bare = bench_openssl(&algs[i], seconds);
		printf("%s %.0f %.0f\n", algs[i].name, ours, bare);
		fflush(stdout);
	}
	for (i = 0; i < 3; i++) {
		for (j = 0; j < TOKENS; j++)
			free(algs[i].tokens[j]);
		EVP_PKEY_free(algs[i].key);
	}
	ta_jwks_free(keys);
	ta_client_free(c);
	return 0;
}
