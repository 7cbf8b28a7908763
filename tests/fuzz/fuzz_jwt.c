/*
 * fuzz_jwt.c - libFuzzer target for token verification (ta_jwt_verify,
 * ta_jws_verify) against a fixed JWKS: the public keys of RFC 7515 A.2
 * (RSA, kid "rsa"), A.3 (P-256, kid "p256"), RFC 7520 (P-521, its kid
 * "bilbo.baggins@hobbiton.example") and RFC 8037 (Ed25519, kid "ed").
 *
 * The first byte picks what the input is:
 *   'P'  the payload JSON, in a token this target signs with the RFC 8037
 *        private key under {"alg":"EdDSA","kid":"ed"}: the claims checks,
 *        reached without forging a signature;
 *   'H'  the header JSON, over good claims, signed the same way, verified
 *        with typ "at+jwt" asked for: header parsing, crit, typ, key choice;
 *   else the whole compact token.
 * Each token is verified twice with the same JWKS - the second time its
 * header comes from the cache - and both answers must be the same.
 *
 * And the JSON scanner the claims are read with (json_scan.c) is held to
 * jansson's answers: the payload of a 'P' input, or else the whole input,
 * must be a JSON object for one exactly when it holds no NUL byte and
 * json_loadb(JSON_REJECT_DUPLICATES) takes it as an object. The NUL rule is RFC 8259's
 * (no NUL is white space, a literal, a number or allowed raw in a string,
 * so no JSON text holds one) and RFC 7519 7.2 wants the payload to be a
 * valid JSON object; json_loadb, though, drops a NUL byte that comes right
 * after a number or true/false/null: it pushes that byte back into its
 * look-ahead buffer, which reads a NUL as "empty", and reads on
 * ({"exp":1700000300<NUL>} is {"exp":1700000300} to it). jws.c refuses a
 * header with a NUL for the same reason.
 */
#include "fuzz.h"
#include "base/base64url.h"
#include "jose/json_scan.h"
#include <jansson.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>

#define NOW 1700000000LL

static const char jwks_json[] =
	"{\"keys\":["
	"{\"kty\":\"RSA\",\"kid\":\"rsa\",\"e\":\"AQAB\","
	"\"n\":\"ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL"
	"-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXB"
	"dQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8"
	"q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ\"},"
	"{\"kty\":\"EC\",\"kid\":\"p256\",\"crv\":\"P-256\",\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\","
	"\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\"},"
	"{\"kty\":\"EC\",\"kid\":\"bilbo.baggins@hobbiton.example\",\"crv\":\"P-521\","
	"\"x\":\"AHKZLLOsCOzz5cY97ewNUajB957y-C-U88c3v13nmGZx6sYl_oJXu9A5RkTKqjqvjyekWF-7ytDyRXYgCF5cj0Kt\","
	"\"y\":\"AdymlHvOiLxXkEhayXQnNCvDX4h9htZaCJN34kfmC6pV5OhQHiraVySsUdaQkAgDPrwQrJmbnX9cwlGfP-HqHZR1\"},"
	"{\"kty\":\"OKP\",\"kid\":\"ed\",\"crv\":\"Ed25519\",\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}"
	"]}";
/* RFC 8037 A.1: the Ed25519 private key of the JWKS's "ed". */
static const char ed_d[] = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A";

#define GOOD_HEADER "{\"alg\":\"EdDSA\",\"kid\":\"ed\",\"typ\":\"at+jwt\"}"
#define GOOD_CLAIMS                                                                      \
	"{\"iss\":\"https://idp.example.com\",\"sub\":\"alice\",\"aud\":\"api\","            \
	"\"exp\":1700000300,\"iat\":1700000000}"

static struct ta_jwks *keys;
static EVP_PKEY *signer;

static void init(void)
{
	unsigned char *d = NULL;
	size_t n = 0;

	if (keys)
		return;
	FUZZ_CHECK(ta_jwks_parse(NULL, jwks_json, strlen(jwks_json), &keys) == TA_OK, "the JWKS");
	FUZZ_CHECK(ta_b64url_decode(ed_d, strlen(ed_d), &d, &n) == 0 && n == 32, "the key");
	signer = EVP_PKEY_new_raw_private_key_ex(NULL, "ED25519", NULL, d, n);
	FUZZ_CHECK(signer != NULL, "the signing key");
	free(d);
}

/* base64url(header) "." base64url(payload) "." Ed25519 signature; free() it. */
static char *signed_token(const uint8_t *header, size_t hn, const uint8_t *payload, size_t pn)
{
	size_t h = ta_b64url_encoded_len(hn), p = ta_b64url_encoded_len(pn), siglen = 64;
	char *t = malloc(h + p + 2 + ta_b64url_encoded_len(64) + 1);
	unsigned char sig[64];
	EVP_MD_CTX *m = EVP_MD_CTX_new();

	FUZZ_CHECK(t != NULL && m != NULL, "out of memory");
	ta_b64url_encode(header, hn, t);
	t[h] = '.';
	ta_b64url_encode(payload, pn, t + h + 1);
	FUZZ_CHECK(EVP_DigestSignInit_ex(m, NULL, NULL, NULL, NULL, signer, NULL) == 1 &&
	               EVP_DigestSign(m, sig, &siglen, (const unsigned char *)t, h + 1 + p) == 1,
	           "signing");
	EVP_MD_CTX_free(m);
	t[h + 1 + p] = '.';
	ta_b64url_encode(sig, siglen, t + h + 2 + p);
	return t;
}

/* One verification and its invariants; the result, and the message in msg. */
static enum ta_result verify(const char *t, size_t n, const struct ta_verify_options *o,
                             char *msg, size_t cap, char **claims)
{
	struct ta_client *c = NULL;
	enum ta_result r;

	FUZZ_CHECK(ta_client_new(&c) == TA_OK, "ta_client_new");
	r = ta_jwt_verify(c, keys, t, n, o, claims);
	if (r == TA_OK) {
		FUZZ_CHECK(*claims != NULL, "TA_OK without claims");
		FUZZ_CHECK(ta_client_message(c)[0] == '\0', "a message on success");
	} else {
		FUZZ_CHECK(r == TA_E_VERIFY || r == TA_E_NOMEM, "an unexpected result");
		FUZZ_CHECK(*claims == NULL, "claims on failure");
		FUZZ_CHECK(ta_client_message(c)[0], "a failure without a message");
	}
	FUZZ_CHECK(fuzz_printable(ta_client_message(c)), "the message is not printable");
	snprintf(msg, cap, "%s", ta_client_message(c));
	ta_client_free(c);
	return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ta_verify_options o = TA_VERIFY_OPTIONS_INIT(.issuer = "https://idp.example.com", .audience = "api",
	                               .leeway = 60, .now = NOW);
	char *t, *claims = NULL, *again = NULL, *header = NULL, *payload = NULL;
	char m1[TA_MESSAGE_MAX], m2[TA_MESSAGE_MAX];
	enum ta_result r1, r2, r3;
	size_t n;

	if (size > 20000)
		return 0;
	init();
	{
		const uint8_t *json = size && data[0] == 'P' ? data + 1 : data;
		size_t len = size && data[0] == 'P' ? size - 1 : size;
		json_t *j = json_loadb((const char *)json, len, JSON_REJECT_DUPLICATES, NULL);
		int object = j != NULL && json_is_object(j) && !memchr(json, '\0', len);
		char why[200];
		int ours = ta_json_object_check(json, len, why, sizeof(why));

		FUZZ_CHECK((ours == 0) == object,
		           ours ? "json_scan.c refuses a JSON object jansson takes"
		                : "json_scan.c takes what jansson refuses, or a NUL byte");
		FUZZ_CHECK(ours == 0 || fuzz_printable(why), "the reason is not printable");
		json_decref(j);
	}
	if (size && data[0] == 'P') {
		t = signed_token((const uint8_t *)GOOD_HEADER, strlen(GOOD_HEADER), data + 1, size - 1);
	} else if (size && data[0] == 'H') {
		t = signed_token(data + 1, size - 1, (const uint8_t *)GOOD_CLAIMS, strlen(GOOD_CLAIMS));
		o.typ = "at+jwt";
	} else {
		t = malloc(size + 1);
		FUZZ_CHECK(t != NULL, "out of memory");
		if (size)
			memcpy(t, data, size);
		t[size] = '\0';
	}
	n = size && (data[0] == 'P' || data[0] == 'H') ? strlen(t) : size;
	r1 = verify(t, n, &o, m1, sizeof(m1), &claims);
	r2 = verify(t, n, &o, m2, sizeof(m2), &again);
	FUZZ_CHECK(r1 == r2 && !strcmp(m1, m2), "the header cache changed the answer");
	FUZZ_CHECK(fuzz_same(claims, again), "the header cache changed the claims");
	/* A good 'P' token's claims are the payload, byte for byte. */
	if (r1 == TA_OK && size && data[0] == 'P')
		FUZZ_CHECK(strlen(claims) == size - 1 && !memcmp(claims, data + 1, size - 1),
		           "the claims are not the payload");
	/* The signature alone: whatever verifies as a JWT verifies as a JWS. */
	r3 = ta_jws_verify(NULL, keys, t, n, &header, &payload);
	FUZZ_CHECK(r3 == TA_OK || r3 == TA_E_VERIFY || r3 == TA_E_NOMEM, "ta_jws_verify's result");
	FUZZ_CHECK(r1 != TA_OK || (r3 == TA_OK && !strcmp(payload, claims)),
	           "a JWT that verifies is not a JWS that does");
	FUZZ_CHECK((r3 == TA_OK) == (header != NULL && payload != NULL), "ta_jws_verify's output");
	free(header);
	free(payload);
	free(claims);
	free(again);
	free(t);
	return 0;
}
