/*
 * test_jws.c - unit tests of the verifier of lib/jose: jws.c (compact JWS,
 * header, key choice, signature) with the keys jwk.c imports (JWKS
 * import, whose keys these tests verify with) and the claims claims.c
 * checks. The JSON scanner under the claims has test_json_scan.c.
 *
 *   - Known answers, byte for byte from the RFCs: RFC 7515 A.2 (RS256) and
 *     A.3 (ES256), RFC 8037 A.4 (Ed25519), RFC 7520 4.1 (RS256), 4.2
 *     (PS384: randomized, so verified only), 4.3 (ES512), and 4.4 (HS256),
 *     which must be refused.
 *   - The attacks, one table: each row a token built from keys made here
 *     with OpenSSL (RSA 2048 and 1024, P-256, P-384, P-521, Ed25519), the
 *     result and the exact reason. Signatures made here may be randomized
 *     (ECDSA, PSS); what is asserted never depends on them.
 *   - Every algorithm verifying, with and without kid; the claims'
 *     boundaries; what JWKS import skips, refuses and fails on.
 */
#include "unit.h"
#include "base/base64url.h"
#include "jose/jwk.h"
#include "jose/jws.h"
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <jansson.h>

#define NOW 1700000000LL

/* ---------------------------------------------------------------------- */
/* Helpers: base64url, tokens, JWKs of OpenSSL keys, signing. */

/* a "." b ["." c]; free() it. */
static char *join(const char *a, const char *b, const char *c)
{
	size_t n = strlen(a) + strlen(b) + (c ? strlen(c) : 0) + 3;
	char *s = malloc(n);

	assert_non_null(s);
	snprintf(s, n, "%s.%s%s%s", a, b, c ? "." : "", c ? c : "");
	return s;
}

static char *bn_b64(const BIGNUM *bn)
{
	unsigned char buf[1024];
	int n = BN_bn2bin(bn, buf);

	assert_true(n > 0);
	return unit_b64(buf, (size_t)n);
}

/* The public JWK of an OpenSSL key, with kid and extra members ("" or
 * ",\"alg\":...\"); free() it. */
static char *jwk_of(EVP_PKEY *k, const char *kid, const char *extra)
{
	char *out = malloc(4096), *x = NULL, *y = NULL;

	assert_non_null(out);
	if (EVP_PKEY_is_a(k, "RSA")) {
		BIGNUM *n = NULL, *e = NULL;
		char *nb, *eb;
		assert_int_equal(EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_RSA_N, &n), 1);
		assert_int_equal(EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_RSA_E, &e), 1);
		nb = bn_b64(n);
		eb = bn_b64(e);
		snprintf(out, 4096, "{\"kty\":\"RSA\",\"kid\":\"%s\",\"n\":\"%s\",\"e\":\"%s\"%s}", kid,
		         nb, eb, extra);
		free(nb);
		free(eb);
		BN_free(n);
		BN_free(e);
	} else if (EVP_PKEY_is_a(k, "EC")) {
		unsigned char pt[200];
		char group[64];
		size_t len = 0, size;
		const char *crv;
		assert_int_equal(EVP_PKEY_get_utf8_string_param(k, OSSL_PKEY_PARAM_GROUP_NAME, group,
		                                                sizeof(group), NULL), 1);
		crv = !strcmp(group, "prime256v1") ? "P-256" : !strcmp(group, "secp384r1") ? "P-384" : "P-521";
		assert_int_equal(EVP_PKEY_get_octet_string_param(k, OSSL_PKEY_PARAM_PUB_KEY, pt,
		                                                 sizeof(pt), &len), 1);
		assert_int_equal(pt[0], 4);
		size = (len - 1) / 2;
		x = unit_b64(pt + 1, size);
		y = unit_b64(pt + 1 + size, size);
		snprintf(out, 4096,
		         "{\"kty\":\"EC\",\"kid\":\"%s\",\"crv\":\"%s\",\"x\":\"%s\",\"y\":\"%s\"%s}", kid,
		         crv, x, y, extra);
	} else {
		unsigned char raw[32];
		size_t len = sizeof(raw);
		assert_int_equal(EVP_PKEY_get_raw_public_key(k, raw, &len), 1);
		x = unit_b64(raw, len);
		snprintf(out, 4096, "{\"kty\":\"OKP\",\"kid\":\"%s\",\"crv\":\"Ed25519\",\"x\":\"%s\"%s}",
		         kid, x, extra);
	}
	free(x);
	free(y);
	return out;
}

static const char *md_of(const char *alg)
{
	if (!strcmp(alg, "EdDSA"))
		return NULL;
	return !strcmp(alg + 2, "256") ? "SHA256" : !strcmp(alg + 2, "384") ? "SHA384" : "SHA512";
}

/* The JWS signature of input with k for alg; raw r||s for ECDSA unless der.
 * Returns its length. */
static size_t sign_raw(EVP_PKEY *k, const char *alg, const char *input, int der,
                       int salt, unsigned char *sig, size_t cap)
{
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pc = NULL;
	unsigned char buf[1024];
	size_t n = sizeof(buf);

	assert_non_null(m);
	assert_int_equal(EVP_DigestSignInit_ex(m, &pc, md_of(alg), NULL, NULL, k, NULL), 1);
	if (alg[0] == 'P') {
		assert_int_equal(EVP_PKEY_CTX_set_rsa_padding(pc, RSA_PKCS1_PSS_PADDING), 1);
		assert_int_equal(EVP_PKEY_CTX_set_rsa_pss_saltlen(pc, salt), 1);
	}
	assert_int_equal(EVP_DigestSign(m, buf, &n, (const unsigned char *)input, strlen(input)), 1);
	EVP_MD_CTX_free(m);
	if (alg[0] == 'E' && alg[1] == 'S' && !der) {
		const unsigned char *p = buf;
		ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)n);
		size_t size = !strcmp(alg, "ES256") ? 32 : !strcmp(alg, "ES384") ? 48 : 66;
		assert_non_null(es);
		assert_true(2 * size <= cap);
		assert_int_equal(BN_bn2binpad(ECDSA_SIG_get0_r(es), sig, (int)size), (int)size);
		assert_int_equal(BN_bn2binpad(ECDSA_SIG_get0_s(es), sig + size, (int)size), (int)size);
		ECDSA_SIG_free(es);
		return 2 * size;
	}
	assert_true(n <= cap);
	memcpy(sig, buf, n);
	return n;
}

/* A token: header and payload JSON, signed with k. */
static char *token(EVP_PKEY *k, const char *alg, const char *header, const char *payload)
{
	char *h = unit_str_b64(header), *p = unit_str_b64(payload), *input = join(h, p, NULL), *s, *t;
	unsigned char sig[1024];
	size_t n = sign_raw(k, alg, input, 0, RSA_PSS_SALTLEN_DIGEST, sig, sizeof(sig));

	s = unit_b64(sig, n);
	t = join(input, s, NULL);
	free(h);
	free(p);
	free(input);
	free(s);
	return t;
}

/* ---------------------------------------------------------------------- */
/* The keys of the attack table, made once. */

static struct {
	EVP_PKEY *rsa, *weak, *p256, *p384, *p521, *ed;
	char *rsa_pem, *rsa_jwk;
	char *jwks_json;
	struct ta_jwks *jwks;
} fx;

static int setup(void **state)
{
	char *parts[10];
	size_t i, n = 0, total = 64, at;
	BIO *bio;
	char *pem;
	long len;

	(void)state;
	fx.rsa = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	fx.weak = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
	fx.p256 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	fx.p384 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
	fx.p521 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-521");
	fx.ed = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	if (!fx.rsa || !fx.weak || !fx.p256 || !fx.p384 || !fx.p521 || !fx.ed)
		return -1;
	/* The RSA public key as PEM: what an HS256 forger uses as the secret. */
	bio = BIO_new(BIO_s_mem());
	if (!bio || PEM_write_bio_PUBKEY(bio, fx.rsa) != 1)
		return -1;
	len = BIO_get_mem_data(bio, &pem);
	fx.rsa_pem = strndup(pem, (size_t)len);
	BIO_free(bio);
	fx.rsa_jwk = jwk_of(fx.rsa, "rsa", "");
	parts[n++] = jwk_of(fx.rsa, "rsa", "");
	parts[n++] = jwk_of(fx.weak, "weak", "");
	parts[n++] = jwk_of(fx.rsa, "rsa-ps", ",\"alg\":\"PS256\",\"use\":\"sig\"");
	parts[n++] = jwk_of(fx.p256, "p256", "");
	parts[n++] = jwk_of(fx.p384, "p384", ",\"alg\":\"ES384\"");
	parts[n++] = jwk_of(fx.p521, "p521", "");
	parts[n++] = jwk_of(fx.ed, "ed", ",\"alg\":\"EdDSA\",\"key_ops\":[\"verify\"]");
	parts[n++] = jwk_of(fx.p256, "dup", ""); /* two keys share a kid */
	parts[n++] = jwk_of(fx.ed, "dup", "");
	parts[n++] = jwk_of(fx.p256, "enc", ",\"use\":\"enc\""); /* skipped */
	for (i = 0; i < n; i++)
		total += strlen(parts[i]) + 1;
	fx.jwks_json = malloc(total);
	if (!fx.jwks_json)
		return -1;
	at = (size_t)snprintf(fx.jwks_json, total, "{\"keys\":[");
	for (i = 0; i < n; i++) {
		at += (size_t)snprintf(fx.jwks_json + at, total - at, "%s%s", i ? "," : "", parts[i]);
		free(parts[i]);
	}
	snprintf(fx.jwks_json + at, total - at, "]}");
	return ta_jwks_parse(NULL, fx.jwks_json, strlen(fx.jwks_json), &fx.jwks) == TA_OK ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	ta_jwks_free(fx.jwks);
	EVP_PKEY_free(fx.rsa);
	EVP_PKEY_free(fx.weak);
	EVP_PKEY_free(fx.p256);
	EVP_PKEY_free(fx.p384);
	EVP_PKEY_free(fx.p521);
	EVP_PKEY_free(fx.ed);
	free(fx.rsa_pem);
	free(fx.rsa_jwk);
	free(fx.jwks_json);
	return 0;
}

static EVP_PKEY *key_named(const char *name)
{
	if (!strcmp(name, "rsa")) return fx.rsa;
	if (!strcmp(name, "weak")) return fx.weak;
	if (!strcmp(name, "p256")) return fx.p256;
	if (!strcmp(name, "p384")) return fx.p384;
	if (!strcmp(name, "p521")) return fx.p521;
	return fx.ed;
}

/* ---------------------------------------------------------------------- */
/* Known answers */

/* RFC 7515 Appendix A.2 and A.3: the JWS Payload both sign. */
#define RFC7515_PAYLOAD                                                                  \
	"eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
#define RFC7515_CLAIMS "{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n \"http://example.com/is_root\":true}"

/* RFC 7515 A.2.1: the RSA key's public members. */
static const char rfc7515_a2_jwks[] =
	"{\"keys\":[{\"kty\":\"RSA\","
	"\"n\":\"ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL"
	"-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXB"
	"dQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8"
	"q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ\",\"e\":\"AQAB\"}]}";
/* RFC 7515 A.2.1: the complete JWS. */
static const char rfc7515_a2_jws[] =
	"eyJhbGciOiJSUzI1NiJ9." RFC7515_PAYLOAD
	".cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJd"
	"bF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN938"
	"3LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkW"
	"ywlVmtVrBp0igcN_IoypGlUPQGe77Rw";

/* RFC 7515 A.3.1: the EC key's public members, and the JWS. */
static const char rfc7515_a3_jwks[] =
	"{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\","
	"\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\"}]}";
#define RFC7515_A3_SIG "DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q"
static const char rfc7515_a3_jws[] = "eyJhbGciOiJFUzI1NiJ9." RFC7515_PAYLOAD "." RFC7515_A3_SIG;

/* RFC 8037 A.2 (the public key) and A.4 (the JWS). */
static const char rfc8037_jwks[] =
	"{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}]}";
static const char rfc8037_a4_jws[] =
	"eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc."
	"hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg";

/* RFC 7520: Figure 1 (the P-521 key, public part), Figure 3 (the RSA key),
 * Figure 5 (the HMAC key: kty oct, which a JWKS import skips). The RSA and
 * EC keys share their kid. */
static const char rfc7520_jwks[] =
	"{\"keys\":["
	"{\"kty\":\"EC\",\"kid\":\"bilbo.baggins@hobbiton.example\",\"use\":\"sig\",\"crv\":\"P-521\","
	"\"x\":\"AHKZLLOsCOzz5cY97ewNUajB957y-C-U88c3v13nmGZx6sYl_oJXu9A5RkTKqjqvjyekWF-7ytDyRXYgCF5cj0Kt\","
	"\"y\":\"AdymlHvOiLxXkEhayXQnNCvDX4h9htZaCJN34kfmC6pV5OhQHiraVySsUdaQkAgDPrwQrJmbnX9cwlGfP-HqHZR1\"},"
	"{\"kty\":\"RSA\",\"kid\":\"bilbo.baggins@hobbiton.example\",\"use\":\"sig\","
	"\"n\":\"n4EPtAOCc9AlkeQHPzHStgAbgs7bTZLwUBZdR8_KuKPEHLd4rHVTeT-O-XV2jRojdNhxJWTDvNd7nqQ0VEiZQHz_AJmSCpMaJM"
	"RBSFKrKb2wqVwGU_NsYOYL-QtiWN2lbzcEe6XC0dApr5ydQLrHqkHHig3RBordaZ6Aj-oBHqFEHYpPe7Tpe-OfVfHd1E6cS6M1FZcD1NNL"
	"YD5lFHpPI9bTwJlsde3uhGqC0ZCuEHg8lhzwOHrtIQbS0FVbb9k3-tVTU4fg_3L_vniUFAKwuCLqKnS2BYwdq_mzSnbLY7h_qixoR7jig3"
	"__kRhuaxwUkRz5iaiQkqgc5gHdrNP5zw\",\"e\":\"AQAB\"},"
	"{\"kty\":\"oct\",\"kid\":\"018c0ae5-4d9b-471b-bfd6-eef314bc7037\",\"use\":\"sig\",\"alg\":\"HS256\","
	"\"k\":\"hJtXIZ2uSN5kbQfbtTNWbpdmhkV8FJG-Onbc6mxCcYg\"}]}";
/* RFC 7520 Figure 8: the payload every signature example signs. */
#define RFC7520_PAYLOAD                                                                  \
	"SXTigJlzIGEgZGFuZ2Vyb3VzIGJ1c2luZXNzLCBGcm9kbywgZ29pbmcgb3V0IHlvdXIgZG9vci4gWW91IHN0ZXAgb250byB0aGUgcm9h" \
	"ZCwgYW5kIGlmIHlvdSBkb24ndCBrZWVwIHlvdXIgZmVldCwgdGhlcmXigJlzIG5vIGtub3dpbmcgd2hlcmUgeW91IG1pZ2h0IGJlIHN3" \
	"ZXB0IG9mZiB0by4"
/* RFC 7520 Figure 7, the same text decoded. */
static const char rfc7520_text[] =
	"It\xe2\x80\x99s a dangerous business, Frodo, going out your door. You step onto the road, and if "
	"you don't keep your feet, there\xe2\x80\x99s no knowing where you might be swept off to.";
/* Figures 13, 20, 27, 34: the compact serializations of 4.1 to 4.4. */
static const char rfc7520_4_1[] =
	"eyJhbGciOiJSUzI1NiIsImtpZCI6ImJpbGJvLmJhZ2dpbnNAaG9iYml0b24uZXhhbXBsZSJ9." RFC7520_PAYLOAD
	".MRjdkly7_-oTPTS3AXP41iQIGKa80A0ZmTuV5MEaHoxnW2e5CZ5NlKtainoFmKZopdHM1O2U4mwzJdQx996ivp83xuglII7PNDi84w"
	"nB-BDkoBwA78185hX-Es4JIwmDLJK3lfWRa-XtL0RnltuYv746iYTh_qHRD68BNt1uSNCrUCTJDt5aAE6x8wW1Kt9eRo4QPocSadnHXF"
	"xnt8Is9UzpERV0ePPQdLuW3IS_de3xyIrDaLGdjluPxUAhb6L2aXic1U12podGU0KLUQSE_oI-ZnmKJ3F4uOZDnd6QZWJushZ41Axf_f"
	"cIe8u9ipH84ogoree7vjbU5y18kDquDg";
static const char rfc7520_4_2[] =
	"eyJhbGciOiJQUzM4NCIsImtpZCI6ImJpbGJvLmJhZ2dpbnNAaG9iYml0b24uZXhhbXBsZSJ9." RFC7520_PAYLOAD
	".cu22eBqkYDKgIlTpzDXGvaFfz6WGoz7fUDcfT0kkOy42miAh2qyBzk1xEsnk2IpN6-tPid6VrklHkqsGqDqHCdP6O8TTB5dDDItllV"
	"o6_1OLPpcbUrhiUSMxbbXUvdvWXzg-UD8biiReQFlfz28zGWVsdiNAUf8ZnyPEgVFn442ZdNqiVJRmBqrYRXe8P_ijQ7p8Vdz0TTrxUe"
	"T3lm8d9shnr2lfJT8ImUjvAA2Xez2Mlp8cBE5awDzT0qI0n6uiP1aCN_2_jLAeQTlqRHtfa64QQSUmFAAjVKPbByi7xho0uTOcbH510a"
	"6GYmJUAfmWjwZ6oD4ifKo8DYM-X72Eaw";
static const char rfc7520_4_3[] =
	"eyJhbGciOiJFUzUxMiIsImtpZCI6ImJpbGJvLmJhZ2dpbnNAaG9iYml0b24uZXhhbXBsZSJ9." RFC7520_PAYLOAD
	".AE_R_YZCChjn4791jSQCrdPZCNYqHXCTZH0-JZGYNlaAjP2kqaluUIIUnC9qvbu9Plon7KRTzoNEuT4Va2cmL1eJAQy3mtPBu_u_sD"
	"DyYjnAMDxXPn7XrT0lw-kvAD890jl8e2puQens_IEKBpHABlsbEPX6sFY8OcGDqoRuBomu9xQ2";
static const char rfc7520_4_4[] =
	"eyJhbGciOiJIUzI1NiIsImtpZCI6IjAxOGMwYWU1LTRkOWItNDcxYi1iZmQ2LWVlZjMxNGJjNzAzNyJ9." RFC7520_PAYLOAD
	".s0h6KThzkfBBBkLspW1h84VsJZFTsPPqMDA7g1Md7p0";

static struct ta_jwks *jwks_of(const char *json)
{
	struct ta_jwks *k = NULL;

	assert_int_equal(ta_jwks_parse(NULL, json, strlen(json), &k), TA_OK);
	return k;
}

/* Verifies t with keys and o; checks the result, the reason (on failure)
 * or the claims (on success, when want_claims is not NULL). */
static void expect_jwt(struct ta_jwks *keys, const char *t, const struct ta_verify_options *o,
                       enum ta_result want, const char *reason, const char *want_claims)
{
	struct ta_client *c = NULL;
	char *claims = (char *)"unset";
	enum ta_result r;

	assert_int_equal(ta_client_new(&c), TA_OK);
	r = ta_jwt_verify(c, keys, t, strlen(t), o, &claims);
	UNIT_ASSERT_MSG(r == want, "result %d, want %d: %s", (int)r, (int)want, ta_client_message(c));
	if (r == TA_OK) {
		assert_non_null(claims);
		if (want_claims)
			assert_string_equal(claims, want_claims);
	} else {
		assert_null(claims);
		assert_string_equal(ta_client_message(c), reason);
	}
	free(claims);
	ta_client_free(c);
}

static void rfc7515_a2_rs256(void **state)
{
	struct ta_jwks *keys = jwks_of(rfc7515_a2_jwks);
	struct ta_verify_options o = TA_VERIFY_OPTIONS_INIT(.issuer = "joe", .now = 1300819300, .require_exp = 1);

	(void)state;
	expect_jwt(keys, rfc7515_a2_jws, &o, TA_OK, NULL, RFC7515_CLAIMS);
	/* exp 1300819380 is 2011: at exp itself and today, expired. */
	o.now = 1300819380;
	expect_jwt(keys, rfc7515_a2_jws, &o, TA_E_VERIFY,
	           "the token expired at 1300819380 (now 1300819380, leeway 0)", NULL);
	o.leeway = 1;
	expect_jwt(keys, rfc7515_a2_jws, &o, TA_OK, NULL, RFC7515_CLAIMS);
	o.now = 0;
	{
		struct ta_client *c = NULL;
		char *claims = NULL;
		assert_int_equal(ta_client_new(&c), TA_OK);
		assert_int_equal(ta_jwt_verify(c, keys, rfc7515_a2_jws, strlen(rfc7515_a2_jws), &o,
		                               &claims),
		                 TA_E_VERIFY);
		assert_non_null(strstr(ta_client_message(c), "the token expired at 1300819380 (now "));
		ta_client_free(c);
	}
	ta_jwks_free(keys);
}

static void rfc7515_a3_es256(void **state)
{
	struct ta_jwks *keys = jwks_of(rfc7515_a3_jwks);
	struct ta_verify_options o = TA_VERIFY_OPTIONS_INIT(.issuer = "joe", .now = 1300819300);
	char t[sizeof(rfc7515_a3_jws)];

	(void)state;
	expect_jwt(keys, rfc7515_a3_jws, &o, TA_OK, NULL, RFC7515_CLAIMS);
	/* The same signature over the A.2 header (RS256): refused by the key. */
	expect_jwt(keys, "eyJhbGciOiJSUzI1NiJ9." RFC7515_PAYLOAD "." RFC7515_A3_SIG, &o,
	           TA_E_VERIFY, "RS256 does not fit the key (P-256)", NULL);
	/* One bit of s changed. */
	memcpy(t, rfc7515_a3_jws, sizeof(t));
	t[sizeof(t) - 3] = t[sizeof(t) - 3] == 'N' ? 'M' : 'N';
	expect_jwt(keys, t, &o, TA_E_VERIFY, "the signature does not verify", NULL);
	ta_jwks_free(keys);
}

static void rfc8037_a4_ed25519(void **state)
{
	struct ta_jwks *keys = jwks_of(rfc8037_jwks);
	struct ta_client *c = NULL;
	char *header = NULL, *payload = NULL;

	(void)state;
	assert_int_equal(ta_client_new(&c), TA_OK);
	assert_int_equal(ta_jws_verify(c, keys, rfc8037_a4_jws, strlen(rfc8037_a4_jws), &header,
	                               &payload),
	                 TA_OK);
	assert_string_equal(header, "{\"alg\":\"EdDSA\"}");
	assert_string_equal(payload, "Example of Ed25519 signing");
	free(header);
	free(payload);
	/* Not a JWT: the payload is text, not a JSON object. */
	expect_jwt(keys, rfc8037_a4_jws, NULL, TA_E_VERIFY,
	           "the payload is not JSON: bad syntax at byte 0", NULL);
	ta_client_free(c);
	ta_jwks_free(keys);
}

static void rfc7520_signatures(void **state)
{
	static const struct {
		const char *jws;
		enum ta_result want;
		const char *reason;
	} rows[] = {
		{ rfc7520_4_1, TA_OK, NULL },  /* RS256 */
		{ rfc7520_4_2, TA_OK, NULL },  /* PS384 */
		{ rfc7520_4_3, TA_OK, NULL },  /* ES512 (the kid also names the RSA key) */
		{ rfc7520_4_4, TA_E_VERIFY,    /* HS256 */
		  "HS256 is refused: termauth verifies only public-key signatures" },
	};
	struct ta_jwks *keys = jwks_of(rfc7520_jwks);
	size_t i, pass;

	(void)state;
	assert_int_equal(keys->n, 2); /* the oct key is skipped */
	for (pass = 0; pass < 2; pass++) /* the second pass meets cached headers */
		for (i = 0; i < NELEMS(rows); i++) {
			struct ta_client *c = NULL;
			char *header = NULL, *payload = NULL;
			enum ta_result r;

			assert_int_equal(ta_client_new(&c), TA_OK);
			r = ta_jws_verify(c, keys, rows[i].jws, strlen(rows[i].jws), &header, &payload);
			ROW_CHECK(r == rows[i].want, i, "result %d: %s", (int)r, ta_client_message(c));
			if (r == TA_OK) {
				ROW_CHECK(!strcmp(payload, rfc7520_text), i, "payload '%s'", payload);
				ROW_CHECK(strstr(header, "\"kid\":\"bilbo.baggins@hobbiton.example\""), i,
				          "header '%s'", header);
			} else {
				ROW_CHECK(!strcmp(ta_client_message(c), rows[i].reason), i, "reason '%s'",
				          ta_client_message(c));
				ROW_CHECK(!header && !payload, i, "output on failure");
			}
			free(header);
			free(payload);
			ta_client_free(c);
		}
	/* 4.2 with its payload changed in one place: PSS does not verify. */
	{
		char *t = strdup(rfc7520_4_2);
		char *p = strchr(t, '.') + 1;
		p[0] = 'T'; /* "It" -> "Mt" */
		expect_jwt(keys, t, NULL, TA_E_VERIFY, "the signature does not verify", NULL);
		free(t);
	}
	ta_jwks_free(keys);
}

/* ---------------------------------------------------------------------- */
/* The attacks */

#define GOOD_CLAIMS                                                                          \
	"{\"iss\":\"https://idp.example.com\",\"sub\":\"alice\",\"aud\":\"api\",\"exp\":1700000300," \
	"\"nbf\":1699999990,\"iat\":1699999990}"

enum mutation {
	AS_IS,
	SIG_EMPTY,      /* no signature at all */
	SIG_PADDED,     /* "==" after the signature */
	SIG_TRAILING,   /* the last character's spare bits set */
	SIG_DER,        /* ECDSA signature in DER, as OpenSSL makes it */
	SIG_ZERO,       /* r = s = 0 */
	SIG_SHORT,      /* the signature's last byte cut */
	HMAC_PEM,       /* HS256 keyed with the RSA public key's PEM */
	HMAC_JWK,       /* HS256 keyed with the RSA public key's JWK text */
	PSS_LONG_SALT,  /* PSS with the longest salt, not the hash's length */
	PAYLOAD_SWAPPED /* another payload under the signature */
};

struct attack {
	const char *what;
	const char *key; /* signs it */
	const char *alg; /* how it signs */
	const char *header;
	const char *payload;
	enum mutation mut;
	const char *reason;
};

static const struct attack attacks[] = {
	{ "alg none", "rsa", "RS256", "{\"alg\":\"none\"}", GOOD_CLAIMS, SIG_EMPTY,
	  "alg none is refused" },
	{ "alg none with a kid and a signature", "rsa", "RS256", "{\"alg\":\"none\",\"kid\":\"rsa\"}",
	  GOOD_CLAIMS, AS_IS, "alg none is refused" },
	{ "alg NONE", "rsa", "RS256", "{\"alg\":\"NONE\"}", GOOD_CLAIMS, SIG_EMPTY,
	  "alg none is refused" },
	{ "HS256 keyed with the RSA key's PEM", "rsa", "HS256", "{\"alg\":\"HS256\",\"kid\":\"rsa\"}",
	  GOOD_CLAIMS, HMAC_PEM, "HS256 is refused: termauth verifies only public-key signatures" },
	{ "HS256 keyed with the RSA key's JWK, no kid", "rsa", "HS256", "{\"alg\":\"HS256\"}",
	  GOOD_CLAIMS, HMAC_JWK, "HS256 is refused: termauth verifies only public-key signatures" },
	{ "HS512", "rsa", "HS512", "{\"alg\":\"HS512\",\"kid\":\"rsa\"}", GOOD_CLAIMS, HMAC_PEM,
	  "HS512 is refused: termauth verifies only public-key signatures" },
	{ "ES256 header over a P-384 key", "p384", "ES384", "{\"alg\":\"ES256\",\"kid\":\"p384\"}",
	  GOOD_CLAIMS, AS_IS, "ES256 does not fit the key (P-384)" },
	{ "ES384 over a P-256 key", "p256", "ES256", "{\"alg\":\"ES384\",\"kid\":\"p256\"}",
	  GOOD_CLAIMS, AS_IS, "ES384 does not fit the key (P-256)" },
	{ "RS256 over an Ed25519 key", "ed", "EdDSA", "{\"alg\":\"RS256\",\"kid\":\"ed\"}",
	  GOOD_CLAIMS, AS_IS, "RS256 does not fit the key (Ed25519)" },
	{ "EdDSA over an RSA key", "rsa", "RS256", "{\"alg\":\"EdDSA\",\"kid\":\"rsa\"}",
	  GOOD_CLAIMS, AS_IS, "EdDSA does not fit the key (RSA)" },
	{ "RS256 over a key whose alg is PS256", "rsa", "RS256",
	  "{\"alg\":\"RS256\",\"kid\":\"rsa-ps\"}", GOOD_CLAIMS, AS_IS,
	  "RS256 does not fit the key (its alg is PS256)" },
	{ "unknown crit", "rsa", "RS256",
	  "{\"alg\":\"RS256\",\"kid\":\"rsa\",\"crit\":[\"x\"],\"x\":1}", GOOD_CLAIMS, AS_IS,
	  "unknown crit parameter 'x'" },
	{ "crit naming exp", "ed", "EdDSA", "{\"alg\":\"EdDSA\",\"crit\":[\"exp\"],\"exp\":1}",
	  GOOD_CLAIMS, AS_IS, "unknown crit parameter 'exp'" },
	{ "crit empty", "ed", "EdDSA", "{\"alg\":\"EdDSA\",\"crit\":[]}", GOOD_CLAIMS, AS_IS,
	  "the header's crit is not a list of names" },
	{ "b64 false", "ed", "EdDSA", "{\"alg\":\"EdDSA\",\"b64\":false}", GOOD_CLAIMS, AS_IS,
	  "b64 false is refused: the payload must be base64url" },
	{ "signature padded", "rsa", "RS256", "{\"alg\":\"RS256\",\"kid\":\"rsa\"}", GOOD_CLAIMS,
	  SIG_PADDED, "the signature is not canonical base64url" },
	{ "signature with trailing bits", "p256", "ES256", "{\"alg\":\"ES256\",\"kid\":\"p256\"}",
	  GOOD_CLAIMS, SIG_TRAILING, "the signature is not canonical base64url" },
	{ "EdDSA signature with trailing bits", "ed", "EdDSA", "{\"alg\":\"EdDSA\",\"kid\":\"ed\"}",
	  GOOD_CLAIMS, SIG_TRAILING, "the signature is not canonical base64url" },
	{ "DER ECDSA signature", "p256", "ES256", "{\"alg\":\"ES256\",\"kid\":\"p256\"}", GOOD_CLAIMS,
	  SIG_DER, "ES256 signatures are 64 bytes of r||s, not " /* the DER length */ },
	{ "r = s = 0", "p256", "ES256", "{\"alg\":\"ES256\",\"kid\":\"p256\"}", GOOD_CLAIMS,
	  SIG_ZERO, "the ES256 signature's r or s is zero" },
	{ "r = s = 0 on P-521", "p521", "ES512", "{\"alg\":\"ES512\"}", GOOD_CLAIMS, SIG_ZERO,
	  "the ES512 signature's r or s is zero" },
	{ "RSA key below 2048 bits", "weak", "RS256", "{\"alg\":\"RS256\",\"kid\":\"weak\"}",
	  GOOD_CLAIMS, AS_IS, "RSA keys below 2048 bits are refused (this one has 1024)" },
	{ "RSA key below 2048 bits, no kid", "weak", "RS256", "{\"alg\":\"RS256\"}", GOOD_CLAIMS,
	  AS_IS, "the RS256 signature is 128 bytes, not the key's 256" },
	{ "RSA signature one byte short", "rsa", "RS256", "{\"alg\":\"RS256\",\"kid\":\"rsa\"}",
	  GOOD_CLAIMS, SIG_SHORT, "the RS256 signature is 255 bytes, not the key's 256" },
	{ "EdDSA signature one byte short", "ed", "EdDSA", "{\"alg\":\"EdDSA\",\"kid\":\"ed\"}",
	  GOOD_CLAIMS, SIG_SHORT, "EdDSA signatures are 64 bytes, not 63" },
	{ "unknown kid", "rsa", "RS256", "{\"alg\":\"RS256\",\"kid\":\"nope\"}", GOOD_CLAIMS, AS_IS,
	  "no key with kid 'nope'" },
	{ "kid of an encryption key", "p256", "ES256", "{\"alg\":\"ES256\",\"kid\":\"enc\"}",
	  GOOD_CLAIMS, AS_IS, "no key with kid 'enc'" },
	{ "kid shared by keys none of which fits", "rsa", "RS256",
	  "{\"alg\":\"RS256\",\"kid\":\"dup\"}", GOOD_CLAIMS, AS_IS,
	  "no key with kid 'dup' fits RS256" },
	{ "kid with a control character", "rsa", "RS256",
	  "{\"alg\":\"RS256\",\"kid\":\"a\\u001b[31mb\"}", GOOD_CLAIMS, AS_IS,
	  "no key with kid 'a?[31mb'" },
	{ "alg unknown", "rsa", "RS256", "{\"alg\":\"RS257\"}", GOOD_CLAIMS, AS_IS,
	  "alg 'RS257' is not supported" },
	{ "alg missing", "rsa", "RS256", "{\"kid\":\"rsa\"}", GOOD_CLAIMS, AS_IS,
	  "the header has no alg" },
	{ "header with a duplicate alg", "rsa", "RS256", "{\"alg\":\"RS256\",\"alg\":\"none\"}",
	  GOOD_CLAIMS, AS_IS, "the header is not JSON: duplicate object key near '\"alg\"'" },
	{ "header not an object", "rsa", "RS256", "[\"RS256\"]", GOOD_CLAIMS, AS_IS,
	  "the header is not a JSON object" },
	{ "expired", "rsa", "RS256", "{\"alg\":\"RS256\",\"kid\":\"rsa\"}",
	  "{\"iss\":\"https://idp.example.com\",\"aud\":\"api\",\"exp\":1699999999}", AS_IS,
	  "the token expired at 1699999999 (now 1700000000, leeway 0)" },
	{ "expiring now", "ed", "EdDSA", "{\"alg\":\"EdDSA\"}",
	  "{\"iss\":\"https://idp.example.com\",\"aud\":\"api\",\"exp\":1700000000}", AS_IS,
	  "the token expired at 1700000000 (now 1700000000, leeway 0)" },
	{ "exp a fraction past now, rounded down", "ed", "EdDSA", "{\"alg\":\"EdDSA\"}",
	  "{\"iss\":\"https://idp.example.com\",\"aud\":\"api\",\"exp\":1700000000.5}", AS_IS,
	  "the token expired at 1700000000 (now 1700000000, leeway 0)" },
	{ "exp a string", "ed", "EdDSA", "{\"alg\":\"EdDSA\"}",
	  "{\"iss\":\"https://idp.example.com\",\"aud\":\"api\",\"exp\":\"1800000000\"}", AS_IS,
	  "exp is not a number" },
	{ "no exp", "ed", "EdDSA", "{\"alg\":\"EdDSA\"}",
	  "{\"iss\":\"https://idp.example.com\",\"aud\":\"api\"}", AS_IS, "the token has no exp" },
	{ "nbf in the future", "p256", "ES256", "{\"alg\":\"ES256\",\"kid\":\"p256\"}",
	  "{\"iss\":\"https://idp.example.com\",\"aud\":\"api\",\"exp\":1700000300,\"nbf\":1700000001}",
	  AS_IS, "nbf is in the future: 1700000001 (now 1700000000, leeway 0)" },
	{ "iat in the future", "p256", "ES256", "{\"alg\":\"ES256\",\"kid\":\"p256\"}",
	  "{\"iss\":\"https://idp.example.com\",\"aud\":\"api\",\"exp\":1700000300,\"iat\":1700000060}",
	  AS_IS, "iat is in the future: 1700000060 (now 1700000000, leeway 0)" },
	{ "wrong audience", "ed", "EdDSA", "{\"alg\":\"EdDSA\",\"kid\":\"ed\"}",
	  "{\"iss\":\"https://idp.example.com\",\"aud\":\"other\",\"exp\":1700000300}", AS_IS,
	  "wrong audience: other (expected api)" },
	{ "wrong audiences", "ed", "EdDSA", "{\"alg\":\"EdDSA\",\"kid\":\"ed\"}",
	  "{\"iss\":\"https://idp.example.com\",\"aud\":[\"a\",\"b\"],\"exp\":1700000300}", AS_IS,
	  "wrong audience: none of the token's 2 audiences is api" },
	{ "aud with a number", "ed", "EdDSA", "{\"alg\":\"EdDSA\",\"kid\":\"ed\"}",
	  "{\"iss\":\"https://idp.example.com\",\"aud\":[\"api\",1],\"exp\":1700000300}", AS_IS,
	  "aud is not a string or an array of strings" },
	{ "no aud", "ed", "EdDSA", "{\"alg\":\"EdDSA\",\"kid\":\"ed\"}",
	  "{\"iss\":\"https://idp.example.com\",\"exp\":1700000300}", AS_IS,
	  "the token has no aud (expected api)" },
	{ "wrong issuer", "rsa", "PS256", "{\"alg\":\"PS256\",\"kid\":\"rsa\"}",
	  "{\"iss\":\"https://evil.example\",\"aud\":\"api\",\"exp\":1700000300}", AS_IS,
	  "wrong issuer: https://evil.example (expected https://idp.example.com)" },
	{ "no issuer", "rsa", "PS256", "{\"alg\":\"PS256\",\"kid\":\"rsa\"}",
	  "{\"aud\":\"api\",\"exp\":1700000300}", AS_IS,
	  "the token has no iss (expected https://idp.example.com)" },
	{ "payload with a duplicate exp", "ed", "EdDSA", "{\"alg\":\"EdDSA\"}",
	  "{\"iss\":\"https://idp.example.com\",\"aud\":\"api\",\"exp\":1,\"exp\":1800000000}", AS_IS,
	  "the payload is not JSON: member 'exp' twice" },
	{ "payload not an object", "ed", "EdDSA", "{\"alg\":\"EdDSA\"}", "[1700000300]", AS_IS,
	  "the payload is not a JSON object" },
	{ "PSS with a salt longer than the hash", "rsa", "PS256",
	  "{\"alg\":\"PS256\",\"kid\":\"rsa\"}", GOOD_CLAIMS, PSS_LONG_SALT,
	  "the signature does not verify" },
	{ "tampered payload, RS256", "rsa", "RS256", "{\"alg\":\"RS256\",\"kid\":\"rsa\"}",
	  GOOD_CLAIMS, PAYLOAD_SWAPPED, "the signature does not verify" },
	{ "tampered payload, PS512", "rsa", "PS512", "{\"alg\":\"PS512\",\"kid\":\"rsa\"}",
	  GOOD_CLAIMS, PAYLOAD_SWAPPED, "the signature does not verify" },
	{ "tampered payload, ES384", "p384", "ES384", "{\"alg\":\"ES384\",\"kid\":\"p384\"}",
	  GOOD_CLAIMS, PAYLOAD_SWAPPED, "the signature does not verify" },
	{ "tampered payload, EdDSA, no kid", "ed", "EdDSA", "{\"alg\":\"EdDSA\"}", GOOD_CLAIMS,
	  PAYLOAD_SWAPPED, "the signature does not verify" },
	{ "tampered payload, shared kid", "p256", "ES256", "{\"alg\":\"ES256\",\"kid\":\"dup\"}",
	  GOOD_CLAIMS, PAYLOAD_SWAPPED, "the signature does not verify" },
};

/* The token of an attack row; *derlen gets the DER signature's length. */
static char *attack_token(const struct attack *a, size_t *derlen)
{
	char *h = unit_str_b64(a->header), *p = unit_str_b64(a->payload), *input = join(h, p, NULL);
	unsigned char sig[1024];
	size_t n = 0, i;
	char *s, *t;

	if (a->mut == HMAC_PEM || a->mut == HMAC_JWK) {
		const char *key = a->mut == HMAC_PEM ? fx.rsa_pem : fx.rsa_jwk;
		assert_non_null(EVP_Q_mac(NULL, "HMAC", NULL, md_of(a->alg), NULL, key, strlen(key),
		                          (const unsigned char *)input, strlen(input), sig,
		                          sizeof(sig), &n));
	} else if (a->mut == SIG_ZERO) {
		n = !strcmp(a->alg, "ES256") ? 64 : 132;
		memset(sig, 0, n);
	} else if (a->mut != SIG_EMPTY) {
		n = sign_raw(key_named(a->key), a->alg, input, a->mut == SIG_DER,
		             a->mut == PSS_LONG_SALT ? RSA_PSS_SALTLEN_MAX : RSA_PSS_SALTLEN_DIGEST, sig,
		             sizeof(sig));
	}
	if (a->mut == SIG_DER)
		*derlen = n;
	if (a->mut == SIG_SHORT)
		n--;
	s = malloc(ta_b64url_encoded_len(n) + 3);
	assert_non_null(s);
	ta_b64url_encode(sig, n, s);
	if (a->mut == SIG_PADDED) {
		assert_true(n % 3 != 0);
		memcpy(s + strlen(s), n % 3 == 1 ? "==" : "=", n % 3 == 1 ? 3 : 2);
	}
	if (a->mut == SIG_TRAILING) {
		/* The spare bits of the last character: set the lowest. */
		static const char alphabet[] =
			"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
		char *last = s + strlen(s) - 1;
		assert_true(n % 3 != 0);
		i = (size_t)(strchr(alphabet, *last) - alphabet);
		*last = alphabet[i | 1];
	}
	if (a->mut == PAYLOAD_SWAPPED) {
		free(p);
		p = unit_str_b64("{\"iss\":\"https://idp.example.com\",\"sub\":\"mallory\",\"aud\":\"api\","
		            "\"exp\":1700000300}");
	}
	t = join(h, p, s);
	free(h);
	free(p);
	free(input);
	free(s);
	return t;
}

static void attacks_are_refused(void **state)
{
	const struct ta_verify_options o = TA_VERIFY_OPTIONS_INIT(.issuer = "https://idp.example.com", .audience = "api",
	                                     .now = NOW, .require_exp = 1);
	size_t i, pass;

	(void)state;
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < NELEMS(attacks); i++) {
			const struct attack *a = &attacks[i];
			struct ta_client *c = NULL;
			char *t, *claims = (char *)"unset", want[200];
			size_t derlen = 0;
			enum ta_result r;

			t = attack_token(a, &derlen);
			if (a->mut == SIG_DER)
				snprintf(want, sizeof(want), "%s%zu", a->reason, derlen);
			else
				snprintf(want, sizeof(want), "%s", a->reason);
			assert_int_equal(ta_client_new(&c), TA_OK);
			r = ta_jwt_verify(c, fx.jwks, t, strlen(t), &o, &claims);
			ROW_CHECK(r == TA_E_VERIFY, i, "%s: result %d (%s)", a->what, (int)r,
			          ta_client_message(c));
			ROW_CHECK(claims == NULL, i, "%s: claims on failure", a->what);
			ROW_CHECK(!strcmp(ta_client_message(c), want), i, "%s: reason '%s', want '%s'",
			          a->what, ta_client_message(c), want);
			/* No handle: the same result, no message anywhere. */
			ROW_CHECK(ta_jwt_verify(NULL, fx.jwks, t, strlen(t), &o, NULL) == TA_E_VERIFY, i,
			          "%s: without a handle", a->what);
			ta_client_free(c);
			free(t);
		}
}

/* The signed one of a mutation row, unmutated, must verify: the refusal
 * above is the mutation's doing, not a broken token. */
static void attacks_unmutated_verify(void **state)
{
	const struct ta_verify_options o = TA_VERIFY_OPTIONS_INIT(.issuer = "https://idp.example.com", .audience = "api",
	                                     .now = NOW, .require_exp = 1);
	size_t i;

	(void)state;
	for (i = 0; i < NELEMS(attacks); i++) {
		struct attack a = attacks[i];
		size_t derlen;
		char *t;
		enum ta_result r;

		if (a.mut != PAYLOAD_SWAPPED && a.mut != SIG_PADDED && a.mut != SIG_TRAILING &&
		    a.mut != SIG_DER && a.mut != SIG_SHORT && a.mut != PSS_LONG_SALT)
			continue;
		a.mut = AS_IS;
		t = attack_token(&a, &derlen);
		r = ta_jwt_verify(NULL, fx.jwks, t, strlen(t), &o, NULL);
		ROW_CHECK(r == TA_OK, i, "%s: the good token gives %d", a.what, (int)r);
		free(t);
	}
}

/* ---------------------------------------------------------------------- */
/* Every algorithm, and the claims' edges */

static void every_algorithm_verifies(void **state)
{
	static const struct {
		const char *key, *alg, *header;
	} rows[] = {
		{ "rsa", "RS256", "{\"alg\":\"RS256\",\"kid\":\"rsa\"}" },
		{ "rsa", "RS384", "{\"alg\":\"RS384\",\"kid\":\"rsa\"}" },
		{ "rsa", "RS512", "{\"alg\":\"RS512\",\"kid\":\"rsa\"}" },
		{ "rsa", "PS256", "{\"alg\":\"PS256\",\"kid\":\"rsa\"}" },
		{ "rsa", "PS256", "{\"alg\":\"PS256\",\"kid\":\"rsa-ps\"}" },
		{ "rsa", "PS384", "{\"alg\":\"PS384\",\"kid\":\"rsa\"}" },
		{ "rsa", "PS512", "{\"alg\":\"PS512\",\"kid\":\"rsa\"}" },
		{ "p256", "ES256", "{\"alg\":\"ES256\",\"kid\":\"p256\"}" },
		{ "p384", "ES384", "{\"alg\":\"ES384\",\"kid\":\"p384\"}" },
		{ "p521", "ES512", "{\"alg\":\"ES512\",\"kid\":\"p521\"}" },
		{ "ed", "EdDSA", "{\"alg\":\"EdDSA\",\"kid\":\"ed\"}" },
		/* No kid: every key that fits is tried. */
		{ "rsa", "RS256", "{\"alg\":\"RS256\"}" },
		{ "rsa", "PS384", "{\"alg\":\"PS384\",\"typ\":\"JWT\"}" },
		{ "p256", "ES256", "{\"alg\":\"ES256\"}" },
		{ "p384", "ES384", "{\"alg\":\"ES384\"}" },
		{ "p521", "ES512", "{\"alg\":\"ES512\"}" },
		{ "ed", "EdDSA", "{\"alg\":\"EdDSA\"}" },
		/* One kid, two keys: the one whose type fits. */
		{ "p256", "ES256", "{\"alg\":\"ES256\",\"kid\":\"dup\"}" },
		{ "ed", "EdDSA", "{\"alg\":\"EdDSA\",\"kid\":\"dup\"}" },
		/* Members termauth ignores; keys in the header are never used. */
		{ "ed", "EdDSA", "{\"alg\":\"EdDSA\",\"jku\":\"https://evil.example/jwks\",\"b64\":true,"
		                 "\"jwk\":{\"kty\":\"oct\",\"k\":\"AAAA\"}}" },
	};
	const struct ta_verify_options o = TA_VERIFY_OPTIONS_INIT(.issuer = "https://idp.example.com", .audience = "api",
	                                     .now = NOW, .require_exp = 1);
	size_t i, pass;

	(void)state;
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < NELEMS(rows); i++) {
			char *t = token(key_named(rows[i].key), rows[i].alg, rows[i].header, GOOD_CLAIMS);
			struct ta_client *c = NULL;
			char *claims = NULL;
			enum ta_result r;

			assert_int_equal(ta_client_new(&c), TA_OK);
			r = ta_jwt_verify(c, fx.jwks, t, strlen(t), &o, &claims);
			ROW_CHECK(r == TA_OK, i, "%s: %s", rows[i].header, ta_client_message(c));
			ROW_CHECK(claims && !strcmp(claims, GOOD_CLAIMS), i, "claims '%s'", claims);
			ROW_CHECK(ta_client_message(c)[0] == '\0', i, "a message on success");
			free(claims);
			ta_client_free(c);
			free(t);
		}
}

static void claims_edges(void **state)
{
	static const struct {
		const char *claims;
		long long leeway;
		const char *typ_header; /* the header's typ, or NULL */
		const char *typ;        /* asked for */
		const char *reason;     /* NULL: verifies */
	} rows[] = {
		{ "{\"exp\":1700000001}", 0, NULL, NULL, NULL },
		{ "{\"exp\":1700000000}", 0, NULL, NULL,
		  "the token expired at 1700000000 (now 1700000000, leeway 0)" },
		{ "{\"exp\":1699999941}", 60, NULL, NULL, NULL },
		{ "{\"exp\":1699999940}", 60, NULL, NULL,
		  "the token expired at 1699999940 (now 1700000000, leeway 60)" },
		{ "{\"exp\":1700000001.5}", 0, NULL, NULL, NULL },
		{ "{\"exp\":9223372036854775807}", 0, NULL, NULL, NULL },
		{ "{\"exp\":-9223372036854775807}", 60, NULL, NULL,
		  "the token expired at -9223372036854775807 (now 1700000000, leeway 60)" },
		{ "{\"exp\":1e300}", 0, NULL, NULL, "exp is out of range" },
		{ "{\"exp\":null}", 0, NULL, NULL, "exp is not a number" },
		{ "{\"exp\":true}", 0, NULL, NULL, "exp is not a number" },
		{ "{\"exp\":1800000000,\"nbf\":1700000060}", 60, NULL, NULL, NULL },
		{ "{\"exp\":1800000000,\"nbf\":1700000061}", 60, NULL, NULL,
		  "nbf is in the future: 1700000061 (now 1700000000, leeway 60)" },
		{ "{\"exp\":1800000000,\"nbf\":1700000000.25}", 0, NULL, NULL,
		  "nbf is in the future: 1700000001 (now 1700000000, leeway 0)" },
		{ "{\"exp\":1800000000,\"nbf\":\"0\"}", 0, NULL, NULL, "nbf is not a number" },
		{ "{\"exp\":1800000000,\"iat\":1700000000}", 0, NULL, NULL, NULL },
		{ "{\"exp\":1800000000,\"iat\":1700000001}", 0, NULL, NULL,
		  "iat is in the future: 1700000001 (now 1700000000, leeway 0)" },
		{ "{\"exp\":1800000000,\"iat\":[]}", 0, NULL, NULL, "iat is not a number" },
		/* typ (RFC 9068's at+jwt) */
		{ "{\"exp\":1800000000}", 0, "at+jwt", "at+jwt", NULL },
		{ "{\"exp\":1800000000}", 0, "application/AT+JWT", "at+jwt", NULL },
		{ "{\"exp\":1800000000}", 0, "at+jwt", "application/at+jwt", NULL },
		{ "{\"exp\":1800000000}", 0, "JWT", "at+jwt", "typ 'JWT' is not at+jwt" },
		{ "{\"exp\":1800000000}", 0, "application/x/at+jwt", "at+jwt",
		  "typ 'application/x/at+jwt' is not at+jwt" },
		{ "{\"exp\":1800000000}", 0, NULL, "at+jwt", "the token has no typ (at+jwt expected)" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < NELEMS(rows); i++) {
		struct ta_verify_options o = TA_VERIFY_OPTIONS_INIT(.now = NOW, .leeway = rows[i].leeway,
		                               .typ = rows[i].typ, .require_exp = 1);
		char header[100], *t;
		struct ta_client *c = NULL;
		enum ta_result r;

		if (rows[i].typ_header)
			snprintf(header, sizeof(header), "{\"alg\":\"EdDSA\",\"typ\":\"%s\"}",
			         rows[i].typ_header);
		else
			snprintf(header, sizeof(header), "{\"alg\":\"EdDSA\"}");
		t = token(fx.ed, "EdDSA", header, rows[i].claims);
		assert_int_equal(ta_client_new(&c), TA_OK);
		r = ta_jwt_verify(c, fx.jwks, t, strlen(t), &o, NULL);
		if (!rows[i].reason)
			ROW_CHECK(r == TA_OK, i, "%s: %s", rows[i].claims, ta_client_message(c));
		else
			ROW_CHECK(r == TA_E_VERIFY && !strcmp(ta_client_message(c), rows[i].reason), i,
			          "%s: %d '%s'", rows[i].claims, (int)r, ta_client_message(c));
		ta_client_free(c);
		free(t);
	}
}

/* The token's form, before any header or key. */
static void token_form(void **state)
{
	static const struct {
		const char *jws;
		const char *reason;
	} rows[] = {
		{ "", "the token is not a compact JWS (three parts, separated by dots)" },
		{ "abc", "the token is not a compact JWS (three parts, separated by dots)" },
		{ "a.b", "the token is not a compact JWS (three parts, separated by dots)" },
		{ "a.b.c.d.e", "the token is not a compact JWS (three parts, separated by dots)" },
		{ "eyJhbGciOiJFZERTQSJ9=.e30.", "the header is not canonical base64url" },
		{ " eyJhbGciOiJFZERTQSJ9.e30.", "the header is not canonical base64url" },
		{ "eyJhbGciOiJFZERTQSJ9.e30=.AAAA", "the payload is not canonical base64url" },
		{ "eyJhbGciOiJFZERTQSJ9.e3.AAAA", "the payload is not canonical base64url" },
		{ "eyJhbGciOiJFZERTQSJ9.e30.AAAA\n", "the signature is not canonical base64url" },
		{ "eyJhbGciOiJFZERTQSJ9.e30.AAAA", "EdDSA signatures are 64 bytes, not 3" },
		{ "bm90IGpzb24.e30.AAAA", "the header is not JSON: '[' or '{' expected near 'not'" },
	};
	char *big;
	size_t i;

	(void)state;
	for (i = 0; i < NELEMS(rows); i++) {
		struct ta_client *c = NULL;
		enum ta_result r;

		assert_int_equal(ta_client_new(&c), TA_OK);
		r = ta_jws_verify(c, fx.jwks, rows[i].jws, strlen(rows[i].jws), NULL, NULL);
		ROW_CHECK(r == TA_E_VERIFY && !strcmp(ta_client_message(c), rows[i].reason), i,
		          "%d '%s'", (int)r, ta_client_message(c));
		ta_client_free(c);
	}
	/* The size limit, whatever the content. */
	big = malloc(TA_JWS_MAX + 2);
	assert_non_null(big);
	memset(big, 'A', TA_JWS_MAX + 1);
	big[10] = big[20] = '.';
	big[TA_JWS_MAX + 1] = '\0';
	expect_jwt(fx.jwks, big, NULL, TA_E_VERIFY, "the token is larger than 16384 bytes", NULL);
	free(big);
	/* Arguments. */
	assert_int_equal(ta_jwt_verify(NULL, NULL, "a.b.c", 5, NULL, NULL), TA_E_ARG);
	{
		struct ta_verify_options o = TA_VERIFY_OPTIONS_INIT(.leeway = -1);
		assert_int_equal(ta_jwt_verify(NULL, fx.jwks, "a.b.c", 5, &o, NULL), TA_E_ARG);
		o.leeway = 0;
		o.now = -5;
		assert_int_equal(ta_jwt_verify(NULL, fx.jwks, "a.b.c", 5, &o, NULL), TA_E_ARG);
	}
}

/* ---------------------------------------------------------------------- */
/* JWKS import */

/* A JWK of one of ours turned into something else: "kid" is "x" in each. */
/* fmt with $X and $Y replaced by x and y, $x by the first 40 characters
 * of x (30 bytes). */
/* ECDSA is malleable: with (r, s), (r, n - s) verifies too, and anyone
 * holding a token can make it. termauth accepts both, as JOSE does, so a
 * second token text with the same claims verifies: docs/SECURITY.md says
 * so, and what a replay cache should key on instead. */
static void ecdsa_has_two_signatures(void **state)
{
	static const unsigned char n256[32] = { /* the order of P-256 */
		0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF,
		0xFF, 0xFF, 0xFF, 0xFF, 0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17, 0x9E, 0x84,
		0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x51,
	};
	char *h = unit_str_b64("{\"alg\":\"ES256\",\"kid\":\"p256\"}"), *p = unit_str_b64("{\"sub\":\"a\"}");
	char *input = join(h, p, NULL), *one, *two, *s1, *s2;
	unsigned char sig[64];
	BIGNUM *s = NULL, *order = BN_bin2bn(n256, 32, NULL);

	(void)state;
	assert_int_equal(sign_raw(fx.p256, "ES256", input, 0, 0, sig, sizeof(sig)), 64);
	s1 = unit_b64(sig, 64);
	assert_non_null(s = BN_bin2bn(sig + 32, 32, NULL));
	assert_int_equal(BN_sub(s, order, s), 1);
	assert_int_equal(BN_bn2binpad(s, sig + 32, 32), 32);
	s2 = unit_b64(sig, 64);
	one = join(input, s1, NULL);
	two = join(input, s2, NULL);
	assert_string_not_equal(one, two);
	assert_int_equal(ta_jws_verify(NULL, fx.jwks, one, strlen(one), NULL, NULL), TA_OK);
	assert_int_equal(ta_jws_verify(NULL, fx.jwks, two, strlen(two), NULL, NULL), TA_OK);
	BN_free(s);
	BN_free(order);
	free(h);
	free(p);
	free(input);
	free(s1);
	free(s2);
	free(one);
	free(two);
}

static void subst(char *out, size_t cap, const char *fmt, const char *x, const char *y)
{
	size_t o = 0;

	for (; *fmt; fmt++) {
		const char *v = NULL;
		size_t n;

		if (fmt[0] == '$' && (fmt[1] == 'X' || fmt[1] == 'Y' || fmt[1] == 'x'))
			v = *++fmt == 'Y' ? y : x;
		n = v ? (*fmt == 'x' ? 40 : strlen(v)) : 1;
		assert_true(o + n < cap);
		memcpy(out + o, v ? v : fmt, n);
		o += n;
	}
	out[o] = '\0';
}

static void jwks_import_rules(void **state)
{
	static const char p256_x[] = "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU";
	static const char p256_y[] = "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0";
	static const struct {
		const char *what;
		const char *fmt; /* a JWK; $X, $Y: the x and y of the A.3 key, $x: x cut short */
		int kept;        /* 0: skipped; 1: kept */
		const char *refused;
	} rows[] = {
		{ "usable", "{\"kty\":\"EC\",\"kid\":\"x\",\"crv\":\"P-256\",\"x\":\"$X\",\"y\":\"$Y\"}", 1,
		  NULL },
		{ "for encryption",
		  "{\"kty\":\"EC\",\"kid\":\"x\",\"use\":\"enc\",\"crv\":\"P-256\",\"x\":\"$X\",\"y\":\"$Y\"}",
		  0, NULL },
		{ "key_ops without verify",
		  "{\"kty\":\"EC\",\"kid\":\"x\",\"key_ops\":[\"sign\"],\"crv\":\"P-256\",\"x\":\"$X\",\"y\":\"$Y\"}",
		  0, NULL },
		{ "an ECDH alg",
		  "{\"kty\":\"EC\",\"kid\":\"x\",\"alg\":\"ECDH-ES\",\"crv\":\"P-256\",\"x\":\"$X\",\"y\":\"$Y\"}",
		  0, NULL },
		{ "secp256k1", "{\"kty\":\"EC\",\"kid\":\"x\",\"crv\":\"secp256k1\",\"x\":\"$X\",\"y\":\"$Y\"}",
		  0, NULL },
		{ "oct", "{\"kty\":\"oct\",\"kid\":\"x\",\"k\":\"$X$Y\"}", 0, NULL },
		{ "X25519", "{\"kty\":\"OKP\",\"kid\":\"x\",\"crv\":\"X25519\",\"x\":\"$X\",\"y\":\"$Y\"}", 0,
		  NULL },
		{ "no kty", "{\"kid\":\"x\",\"crv\":\"P-256\",\"x\":\"$X\",\"y\":\"$Y\"}", 0, NULL },
		{ "alg of another curve",
		  "{\"kty\":\"EC\",\"kid\":\"x\",\"alg\":\"ES384\",\"crv\":\"P-256\",\"x\":\"$X\",\"y\":\"$Y\"}",
		  1, "the key's alg ES384 does not fit its type" },
		{ "alg of RSA",
		  "{\"kty\":\"EC\",\"kid\":\"x\",\"alg\":\"RS256\",\"crv\":\"P-256\",\"x\":\"$X\",\"y\":\"$Y\"}",
		  1, "the key's alg RS256 does not fit its type" },
		{ "private",
		  "{\"kty\":\"EC\",\"kid\":\"x\",\"crv\":\"P-256\",\"x\":\"$X\",\"y\":\"$Y\","
		  "\"d\":\"jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI\"}",
		  1, "the key holds private key material ('d'): a JWKS for verification must hold "
		     "public keys only" },
		{ "x too short",
		  "{\"kty\":\"EC\",\"kid\":\"x\",\"crv\":\"P-256\",\"x\":\"$x\",\"y\":\"$Y\"}", 1,
		  "the x and y of a P-256 key are 32 bytes each" },
		{ "x padded", "{\"kty\":\"EC\",\"kid\":\"x\",\"crv\":\"P-256\",\"x\":\"$X=\",\"y\":\"$Y\"}", 1,
		  "the P-256 key's x or y is missing or not canonical base64url" },
		{ "P-256 point on P-384",
		  "{\"kty\":\"EC\",\"kid\":\"x\",\"crv\":\"P-384\",\"x\":\"$XAAAAAAAAAAAAAAAAAAAAA\","
		  "\"y\":\"$YAAAAAAAAAAAAAAAAAAAAA\"}",
		  1, "the P-384 key's point is not on the curve" },
		{ "kid not a string",
		  "{\"kty\":\"EC\",\"kid\":7,\"crv\":\"P-256\",\"x\":\"$X\",\"y\":\"$Y\"}", 1,
		  "the key's kid is not a string" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < NELEMS(rows); i++) {
		char jwk[600], set[700];
		struct ta_jwks *keys = NULL;
		enum ta_result r;

		subst(jwk, sizeof(jwk), rows[i].fmt, p256_x, p256_y);
		snprintf(set, sizeof(set), "{\"keys\":[%s]}", jwk);
		r = ta_jwks_parse(NULL, set, strlen(set), &keys);
		ROW_CHECK(r == TA_OK, i, "%s: %d", rows[i].what, (int)r);
		ROW_CHECK(keys->n == (size_t)rows[i].kept, i, "%s: %zu keys", rows[i].what, keys->n);
		if (rows[i].kept) {
			ROW_CHECK(!rows[i].refused == !keys->keys[0].refused, i, "%s: refused '%s'",
			          rows[i].what, keys->keys[0].refused ? keys->keys[0].refused : "(no)");
			ROW_CHECK(!rows[i].refused || !strcmp(rows[i].refused, keys->keys[0].refused), i,
			          "%s: '%s'", rows[i].what, keys->keys[0].refused);
			ROW_CHECK(!keys->keys[0].refused == !!keys->keys[0].pkey, i, "%s: pkey",
			          rows[i].what);
		}
		/* A single JWK is a set of one (without kty it is not a JWK). */
		ta_jwks_free(keys);
		keys = NULL;
		r = ta_jwks_parse(NULL, jwk, strlen(jwk), &keys);
		if (strstr(jwk, "\"kty\""))
			ROW_CHECK(r == TA_OK && keys->n == (size_t)rows[i].kept, i, "%s: alone",
			          rows[i].what);
		else
			ROW_CHECK(r == TA_E_PROTOCOL && !keys, i, "%s: alone", rows[i].what);
		ta_jwks_free(keys);
	}
	/* A refused key named by kid: its reason. */
	{
		char set[700], *h = unit_str_b64("{\"alg\":\"ES256\",\"kid\":\"x\"}");
		char *t = join(h, RFC7515_PAYLOAD, RFC7515_A3_SIG);
		struct ta_jwks *keys;
		assert_string_equal(rows[10].what, "private");
		subst(set, sizeof(set), rows[10].fmt, p256_x, p256_y);
		keys = jwks_of(set);
		expect_jwt(keys, t, NULL, TA_E_VERIFY, rows[10].refused, NULL);
		ta_jwks_free(keys);
		free(h);
		free(t);
	}
}

static void jwks_import_rsa(void **state)
{
	static const char n_a2[] =
		"ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0B"
		"m4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5"
		"rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhy"
		"xXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ";
	static const struct {
		const char *what;
		const char *n_prefix, *e;
		const char *refused;
	} rows[] = {
		{ "the A.2 key", "", "AQAB", NULL },
		{ "a leading zero octet", "00", "AQAB", NULL }, /* 00 || n, encoded below */
		{ "e = 3", "", "Aw", NULL },
		{ "e even", "", "AQAA", "the RSA key's exponent is not usable" },
		{ "e = 1", "", "AQ", "the RSA key's exponent is not usable" },
		{ "e of 9 bytes", "", "AQAAAAAAAAAB", "the RSA key's exponent is not usable" },
		{ "e padded", "", "AQAB=", "the RSA key's n or e is missing or not canonical base64url" },
		{ "n even", "even", "AQAB", "the RSA key's modulus is even" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < NELEMS(rows); i++) {
		char set[1000], n[600];
		struct ta_jwks *keys = NULL;

		if (!strcmp(rows[i].n_prefix, "even")) {
			/* the A.2 modulus with its last bit cleared: "...XpoQ" ends in 0xa1 */
			snprintf(n, sizeof(n), "%.*sA", (int)strlen(n_a2) - 1, n_a2);
		} else if (*rows[i].n_prefix) {
			/* n with a leading zero octet: the bytes 00 || n, encoded. */
			unsigned char *raw = NULL, buf[300];
			size_t len = 0;
			char *enc;
			assert_int_equal(ta_b64url_decode(n_a2, strlen(n_a2), &raw, &len), 0);
			buf[0] = 0;
			memcpy(buf + 1, raw, len);
			enc = unit_b64(buf, len + 1);
			snprintf(n, sizeof(n), "%s", enc);
			free(enc);
			free(raw);
		} else {
			snprintf(n, sizeof(n), "%s", n_a2);
		}
		snprintf(set, sizeof(set), "{\"keys\":[{\"kty\":\"RSA\",\"n\":\"%s\",\"e\":\"%s\"}]}", n,
		         rows[i].e);
		assert_int_equal(ta_jwks_parse(NULL, set, strlen(set), &keys), TA_OK);
		ROW_CHECK(keys->n == 1, i, "%s: %zu keys", rows[i].what, keys->n);
		ROW_CHECK(!rows[i].refused == !keys->keys[0].refused, i, "%s: '%s'", rows[i].what,
		          keys->keys[0].refused ? keys->keys[0].refused : "(usable)");
		ROW_CHECK(!rows[i].refused || !strcmp(keys->keys[0].refused, rows[i].refused), i,
		          "%s: '%s'", rows[i].what, keys->keys[0].refused);
		/* The A.2 token verifies with the key as imported, leading zero or not. */
		if (!rows[i].refused && !strcmp(rows[i].e, "AQAB")) {
			struct ta_verify_options o = TA_VERIFY_OPTIONS_INIT(.now = 1300819300);
			expect_jwt(keys, rfc7515_a2_jws, &o, TA_OK, NULL, RFC7515_CLAIMS);
			ROW_CHECK(keys->keys[0].sig_len == 256, i, "sig_len %zu", keys->keys[0].sig_len);
		}
		ta_jwks_free(keys);
	}
	/* The 1024-bit key of the fixture, refused but kept. */
	{
		size_t k;
		int found = 0;
		for (k = 0; k < fx.jwks->n; k++)
			if (fx.jwks->keys[k].kid && !strcmp(fx.jwks->keys[k].kid, "weak")) {
				found = 1;
				assert_null(fx.jwks->keys[k].pkey);
				assert_string_equal(fx.jwks->keys[k].refused,
				                    "RSA keys below 2048 bits are refused (this one has 1024)");
			}
		assert_true(found);
	}
}

static void jwks_documents(void **state)
{
	static const struct {
		const char *json;
		enum ta_result want;
		const char *reason;
		size_t keys;
	} rows[] = {
		{ "{\"keys\":[]}", TA_OK, "", 0 },
		{ "{\"keys\":[1,\"a\",null,{}]}", TA_OK, "", 0 },
		{ "{\"keys\":{}}", TA_E_PROTOCOL, "the JWKS is not an object with a \"keys\" array", 0 },
		{ "[]", TA_E_PROTOCOL, "the JWKS is not an object with a \"keys\" array", 0 },
		{ "{}", TA_E_PROTOCOL, "the JWKS is not an object with a \"keys\" array", 0 },
		{ "{\"keys\":[],\"keys\":[]}", TA_E_PROTOCOL,
		  "the JWKS is not JSON: duplicate object key near '\"keys\"'", 0 },
		{ "{\"keys\":[]} x", TA_E_PROTOCOL, "the JWKS is not JSON: end of file expected near 'x'", 0 },
		{ "", TA_E_PROTOCOL, "the JWKS is not JSON: '[' or '{' expected near end of file", 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < NELEMS(rows); i++) {
		struct ta_client *c = NULL;
		static char sentinel;
		struct ta_jwks *keys = (struct ta_jwks *)(void *)&sentinel; /* must be overwritten */
		enum ta_result r;

		assert_int_equal(ta_client_new(&c), TA_OK);
		r = ta_jwks_parse(c, rows[i].json, strlen(rows[i].json), &keys);
		ROW_CHECK(r == rows[i].want, i, "%d: %s", (int)r, ta_client_message(c));
		ROW_CHECK(!strcmp(ta_client_message(c), rows[i].reason), i, "'%s'",
		          ta_client_message(c));
		if (r == TA_OK)
			ROW_CHECK(keys && keys->n == rows[i].keys, i, "keys");
		else
			ROW_CHECK(keys == NULL, i, "a set on failure");
		if (r == TA_OK)
			ta_jwks_free(keys);
		ta_client_free(c);
	}
	/* Limits: 64 keys, 512 KiB. */
	{
		size_t cap = 65 * 24 + 32, at;
		char *json = malloc(cap);
		struct ta_jwks *keys = NULL;
		struct ta_client *c = NULL;
		assert_non_null(json);
		assert_int_equal(ta_client_new(&c), TA_OK);
		at = (size_t)snprintf(json, cap, "{\"keys\":[");
		for (i = 0; i < 65; i++)
			at += (size_t)snprintf(json + at, cap - at, "%s{\"kty\":\"oct\"}", i ? "," : "");
		snprintf(json + at, cap - at, "]}");
		assert_int_equal(ta_jwks_parse(c, json, strlen(json), &keys), TA_E_TOO_LARGE);
		assert_string_equal(ta_client_message(c), "the JWKS has more than 64 keys");
		assert_int_equal(ta_jwks_parse(c, json, 512 * 1024 + 1, &keys), TA_E_TOO_LARGE);
		assert_null(keys);
		free(json);
		ta_client_free(c);
	}
	ta_jwks_free(NULL);
}

/* The header cache: one token's header reused by the next; a header that
 * failed is never cached; a cached header still needs a good signature. */
static void header_cache(void **state)
{
	const struct ta_verify_options o = TA_VERIFY_OPTIONS_INIT(.now = NOW);
	char *a = token(fx.ed, "EdDSA", "{\"alg\":\"EdDSA\",\"kid\":\"ed\"}", "{\"n\":1}");
	char *b = token(fx.ed, "EdDSA", "{\"alg\":\"EdDSA\",\"kid\":\"ed\"}", "{\"n\":2}");
	char *bad = token(fx.ed, "EdDSA", "{\"alg\":\"EdDSA\",\"kid\":\"ed\",\"crit\":[\"z\"]}", "{}");
	char *swapped = strdup(a);
	size_t round;

	(void)state;
	assert_non_null(swapped);
	/* a's header and payload, b's signature. */
	memcpy(strrchr(swapped, '.'), strrchr(b, '.'), strlen(strrchr(b, '.')));
	for (round = 0; round < 3; round++) {
		expect_jwt(fx.jwks, a, &o, TA_OK, NULL, "{\"n\":1}");
		expect_jwt(fx.jwks, b, &o, TA_OK, NULL, "{\"n\":2}");
		expect_jwt(fx.jwks, swapped, &o, TA_E_VERIFY, "the signature does not verify", NULL);
		expect_jwt(fx.jwks, bad, &o, TA_E_VERIFY, "unknown crit parameter 'z'", NULL);
	}
	free(a);
	free(b);
	free(bad);
	free(swapped);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(rfc7515_a2_rs256),
	cmocka_unit_test(rfc7515_a3_es256),
	cmocka_unit_test(rfc8037_a4_ed25519),
	cmocka_unit_test(rfc7520_signatures),
	cmocka_unit_test(attacks_are_refused),
	cmocka_unit_test(attacks_unmutated_verify),
	cmocka_unit_test(every_algorithm_verifies),
	cmocka_unit_test(claims_edges),
	cmocka_unit_test(token_form),
	cmocka_unit_test(jwks_import_rules),
	cmocka_unit_test(jwks_import_rsa),
	cmocka_unit_test(jwks_documents),
	cmocka_unit_test(header_cache),
	cmocka_unit_test(ecdsa_has_two_signatures),
};

int main(void)
{
	return cmocka_run_group_tests_name("jws", tests, setup, teardown);
}
