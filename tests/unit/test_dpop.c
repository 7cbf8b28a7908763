/*
 * test_dpop.c - unit tests of lib/jose/dpop.c (DPoP keys, their JWKs and
 * thumbprints, proofs, nonces). How htu is normalised is test_url_norm.c's.
 *
 *   - Known answers: the thumbprint of RFC 8037 A.1's Ed25519 key (RFC
 *     8037 A.3 gives it) and of RFC 7515 A.3's P-256 key (node's jose,
 *     calculateJwkThumbprint, computed it), each read from its private JWK.
 *   - Keys made here: written, read back, the same key; every refusal of
 *     the private JWK reader, for its exact reason.
 *   - Proofs verified by termauth's own JWS verifier with the key of their
 *     header, and their claims.
 *   - Tables: the algorithm chosen, DPoP-Nonce values, what a proof refuses.
 *
 * With "--jose SCRIPT" (CTest unit_dpop_jose) it runs only the cross-check:
 * proofs made here verified by tests/idp/verify-dpop-proof.mjs, node's jose.
 */
#include "unit.h"
#include "base/secret.h"
#include "jose/dpop.h"
#include "jose/jwk.h"
#include <jansson.h>
#include <openssl/evp.h>
#include <sys/wait.h>
#include <time.h>

#define NOW 1700000000LL

/* RFC 7515 A.3 (P-256), RFC 8037 A.1 (Ed25519). */
#define EC_X "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU"
#define EC_Y "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"
#define EC_D "jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI"
#define ED_X "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
#define ED_D "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"
#define EC_JWK(extra)                                                                    \
	"{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"" EC_X "\",\"y\":\"" EC_Y "\",\"d\":\"" \
	EC_D "\",\"alg\":\"ES256\"" extra "}"
#define ED_JWK(extra)                                                               \
	"{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"" ED_X "\",\"d\":\"" ED_D "\"," \
	"\"alg\":\"EdDSA\"" extra "}"

static const char *const alg_names[] = {"ES256", "EdDSA"};
static const enum ta_jws_alg algs[] = {TA_JWS_ES256, TA_JWS_EDDSA};

/* ---------------------------------------------------------------------- */
/* Choosing */

static void alg_choose_table(void **state)
{
	static const struct {
		const char *list;
		enum ta_jws_alg want;
	} rows[] = {
		{NULL, TA_JWS_ES256},
		{"", TA_JWS_ES256},
		{"  \t ", TA_JWS_ES256},
		{"ES256", TA_JWS_ES256},
		{"EdDSA", TA_JWS_EDDSA},
		{"ES256 EdDSA", TA_JWS_EDDSA},
		{"EdDSA ES256", TA_JWS_EDDSA},
		{"RS256 PS256\tES256", TA_JWS_ES256},
		{"ES256 Ed25519 EdDSA", TA_JWS_EDDSA},
		{"Ed25519", TA_JWS_UNKNOWN}, /* RFC 9864's name: not what we sign */
		{"RS256 PS256", TA_JWS_UNKNOWN},
		{"es256 eddsa", TA_JWS_UNKNOWN}, /* case-sensitive */
		{"ES2566 EdDSAx", TA_JWS_UNKNOWN},
	};
	const char *arr[4];
	size_t i;

	(void)state;
	for (i = 0; i < NELEMS(rows); i++)
		ROW_CHECK(ta_dpop_alg_choose_list(rows[i].list) == rows[i].want, i, "list");
	assert_int_equal(ta_dpop_alg_choose(NULL, 0), TA_JWS_ES256);
	arr[0] = "RS256";
	arr[1] = "ES256";
	assert_int_equal(ta_dpop_alg_choose(arr, 2), TA_JWS_ES256);
	arr[2] = "EdDSA";
	assert_int_equal(ta_dpop_alg_choose(arr, 3), TA_JWS_EDDSA);
	assert_int_equal(ta_dpop_alg_choose(arr, 1), TA_JWS_UNKNOWN);
	arr[3] = NULL;
	assert_int_equal(ta_dpop_alg_choose(arr + 3, 1), TA_JWS_UNKNOWN);
}

/* ---------------------------------------------------------------------- */
/* Keys */

static struct ta_dpop_key *key_from(struct ta_client *c, const char *jwk)
{
	struct ta_dpop_key *k = NULL;
	enum ta_result r = ta_dpop_key_from_jwk(c, jwk, strlen(jwk), &k);

	UNIT_ASSERT_MSG(r == TA_OK, "%s", ta_client_message(c));
	return k;
}

static void known_thumbprints(void **state)
{
	struct ta_client *c = NULL;
	struct ta_dpop_key *k;
	char *jwk = NULL;

	(void)state;
	assert_int_equal(ta_client_new(&c), TA_OK);
	k = key_from(c, ED_JWK(""));
	assert_int_equal(ta_dpop_key_alg(k), TA_JWS_EDDSA);
	assert_string_equal(ta_dpop_key_thumbprint(k), "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
	assert_string_equal(ta_dpop_key_public_jwk(k),
	                    "{\"crv\":\"Ed25519\",\"kty\":\"OKP\",\"x\":\"" ED_X "\"}");
	/* Written back as it was read. */
	assert_int_equal(ta_dpop_key_to_jwk(c, k, &jwk), TA_OK);
	assert_string_equal(jwk, ED_JWK(""));
	ta_free_secret(jwk);
	ta_dpop_key_free(k);

	k = key_from(c, EC_JWK(""));
	assert_int_equal(ta_dpop_key_alg(k), TA_JWS_ES256);
	assert_string_equal(ta_dpop_key_thumbprint(k), "oKIywvGUpTVTyxMQ3bwIIeQUudfr_CkLMjCE19ECD-U");
	assert_string_equal(ta_dpop_key_public_jwk(k), "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"" EC_X
	                                               "\",\"y\":\"" EC_Y "\"}");
	assert_int_equal(ta_dpop_key_to_jwk(c, k, &jwk), TA_OK);
	assert_string_equal(jwk, EC_JWK(""));
	ta_free_secret(jwk);
	ta_dpop_key_free(k);
	/* Members in another order are the same key. */
	k = key_from(c, "{\"alg\":\"ES256\",\"d\":\"" EC_D "\",\"y\":\"" EC_Y "\",\"x\":\"" EC_X
	                "\",\"crv\":\"P-256\",\"kty\":\"EC\"}");
	assert_string_equal(ta_dpop_key_thumbprint(k), "oKIywvGUpTVTyxMQ3bwIIeQUudfr_CkLMjCE19ECD-U");
	ta_dpop_key_free(k);
	ta_client_free(c);
}

static void keys_round_trip(void **state)
{
	struct ta_client *c = NULL;
	size_t i;

	(void)state;
	assert_int_equal(ta_client_new(&c), TA_OK);
	for (i = 0; i < NELEMS(algs); i++) {
		struct ta_dpop_key *k = NULL, *k2 = NULL, *other = NULL;
		char *jwk = NULL, *jwk2 = NULL;
		json_t *o;

		assert_int_equal(ta_dpop_key_new(c, algs[i], &k), TA_OK);
		assert_int_equal(ta_dpop_key_alg(k), algs[i]);
		assert_int_equal(strlen(ta_dpop_key_thumbprint(k)), 43);
		assert_true(unit_all_base64url(ta_dpop_key_thumbprint(k)));
		assert_int_equal(ta_dpop_key_to_jwk(c, k, &jwk), TA_OK);
		o = json_loads(jwk, JSON_REJECT_DUPLICATES, NULL);
		assert_non_null(o);
		assert_string_equal(json_string_value(json_object_get(o, "alg")), alg_names[i]);
		assert_int_equal(json_object_size(o), algs[i] == TA_JWS_ES256 ? 6 : 5);
		json_decref(o);
		k2 = key_from(c, jwk);
		assert_int_equal(ta_dpop_key_alg(k2), algs[i]);
		assert_string_equal(ta_dpop_key_thumbprint(k2), ta_dpop_key_thumbprint(k));
		assert_string_equal(ta_dpop_key_public_jwk(k2), ta_dpop_key_public_jwk(k));
		assert_int_equal(ta_dpop_key_to_jwk(c, k2, &jwk2), TA_OK);
		assert_true(ta_secret_equal(jwk, jwk2));
		/* A new key is another key. */
		assert_int_equal(ta_dpop_key_new(c, algs[i], &other), TA_OK);
		assert_string_not_equal(ta_dpop_key_thumbprint(other), ta_dpop_key_thumbprint(k));
		ta_free_secret(jwk);
		ta_free_secret(jwk2);
		ta_dpop_key_free(k);
		ta_dpop_key_free(k2);
		ta_dpop_key_free(other);
	}
	ta_dpop_key_free(NULL);
	ta_client_free(c);
}

static void key_new_refuses_other_algs(void **state)
{
	static const enum ta_jws_alg others[] = {TA_JWS_UNKNOWN, TA_JWS_RS256, TA_JWS_ES384,
	                                         TA_JWS_ES512, TA_JWS_PS256};
	struct ta_client *c = NULL;
	struct ta_dpop_key *k = (struct ta_dpop_key *)&k;
	size_t i;

	(void)state;
	assert_int_equal(ta_client_new(&c), TA_OK);
	for (i = 0; i < NELEMS(others); i++) {
		ROW_CHECK(ta_dpop_key_new(c, others[i], &k) == TA_E_ARG, i, "result");
		ROW_CHECK(k == NULL, i, "a key");
		ROW_CHECK(strstr(ta_client_message(c), "ES256 or EdDSA"), i, "%s",
		          ta_client_message(c));
	}
	ta_client_free(c);
}

static void key_from_jwk_refusals(void **state)
{
	static char big[TA_DPOP_JWK_MAX + 2];
	static const struct {
		const char *jwk;
		const char *has;
	} rows[] = {
		{"", "not JSON"},
		{"[]", "not a JSON object"},
		{"\"x\"", "not JSON"}, /* jansson: an object or array only */
		{EC_JWK("") " x", "not JSON"},
		{EC_JWK(",\"d\":\"" EC_D "\""), "a member twice"},
		{EC_JWK(",\"alg\":\"ES256\""), "a member twice"},
		{"{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"" EC_X "\",\"y\":\"" EC_Y
		 "\",\"alg\":\"ES256\"}", "d is missing"},
		{"{\"kty\":\"EC\",\"crv\":\"P-256\",\"y\":\"" EC_Y "\",\"d\":\"" EC_D
		 "\",\"alg\":\"ES256\"}", "x is missing"},
		{"{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"" EC_X "\",\"d\":\"" EC_D
		 "\",\"alg\":\"ES256\"}", "y is missing"},
		{"{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"" ED_X "\",\"alg\":\"EdDSA\"}",
		 "d is missing"},
		{"{\"kty\":\"EC\",\"crv\":\"P-384\",\"x\":\"" EC_X "\",\"y\":\"" EC_Y "\",\"d\":\""
		 EC_D "\",\"alg\":\"ES256\"}", "crv is not P-256"},
		{"{\"kty\":\"OKP\",\"crv\":\"X25519\",\"x\":\"" ED_X "\",\"d\":\"" ED_D
		 "\",\"alg\":\"EdDSA\"}", "crv is not Ed25519"},
		{"{\"kty\":\"OKP\",\"crv\":\"P-256\",\"x\":\"" ED_X "\",\"d\":\"" ED_D
		 "\",\"alg\":\"EdDSA\"}", "crv is not Ed25519"},
		{"{\"kty\":\"EC\",\"x\":\"" EC_X "\",\"y\":\"" EC_Y "\",\"d\":\"" EC_D
		 "\",\"alg\":\"ES256\"}", "crv is not P-256"},
		{"{\"kty\":\"RSA\",\"n\":\"AQAB\",\"e\":\"AQAB\",\"d\":\"AQAB\"}", "kty is not EC or OKP"},
		{"{\"crv\":\"P-256\",\"x\":\"" EC_X "\",\"y\":\"" EC_Y "\",\"d\":\"" EC_D "\"}",
		 "kty is not EC or OKP"},
		{"{\"kty\":\"oct\",\"k\":\"AAAA\"}", "kty is not EC or OKP"},
		{"{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"" EC_X "\",\"y\":\"" EC_Y "\",\"d\":\""
		 EC_D "\",\"alg\":\"ES384\"}", "alg is not ES256"},
		{"{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"" EC_X "\",\"y\":\"" EC_Y "\",\"d\":\""
		 EC_D "\"}", "alg is not ES256"},
		{"{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"" ED_X "\",\"d\":\"" ED_D
		 "\",\"alg\":\"ES256\"}", "alg is not EdDSA"},
		/* Members of another key type, or of none of ours. */
		{EC_JWK(",\"p\":\"AQAB\""), "'p', a member of another key type"},
		{EC_JWK(",\"qi\":\"AQAB\""), "'qi', a member of another key type"},
		{ED_JWK(",\"k\":\"AQAB\""), "'k', a member of another key type"},
		{EC_JWK(",\"kid\":\"1\""), "a member it must not have ('kid')"},
		{EC_JWK(",\"use\":\"sig\""), "a member it must not have ('use')"},
		{ED_JWK(",\"y\":\"" EC_Y "\""), "a member it must not have ('y')"},
		{EC_JWK(",\"\\u00e9\\n\":\"1\""), "a member it must not have ('?" "?" "?')"},
		{"{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"" EC_X "\",\"y\":\"" EC_Y
		 "\",\"d\":1,\"alg\":\"ES256\"}", "'d' is not a string"},
		{"{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"" EC_X "\",\"y\":\"" EC_Y
		 "\",\"d\":\"\\u0000\",\"alg\":\"ES256\"}", "not JSON"},
		/* Sizes and encodings. */
		{"{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEV\","
		 "\"y\":\"" EC_Y "\",\"d\":\"" EC_D "\",\"alg\":\"ES256\"}",
		 "x is not 32 bytes of canonical base64url"},
		{"{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"" EC_X "=\",\"y\":\"" EC_Y "\",\"d\":\""
		 EC_D "\",\"alg\":\"ES256\"}", "x is not 32 bytes"},
		{"{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"AA" EC_X "\",\"y\":\"" EC_Y "\",\"d\":\""
		 EC_D "\",\"alg\":\"ES256\"}", "x is not 32 bytes"},
		{"{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"" EC_X "\",\"y\":\"" EC_Y "\",\"d\":\""
		 "jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9L\",\"alg\":\"ES256\"}",
		 "d is not 32 bytes"},
		{"{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"" EC_X "\",\"y\":\"" EC_Y "\",\"d\":\""
		 "jpsQnnGQmL+YBIffH1136cspYG6-0iY7X1fCE9-E9LI\",\"alg\":\"ES256\"}",
		 "d is not 32 bytes"},
		/* Keys that are not keys. */
		{"{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"" EC_X "\",\"y\":\""
		 "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a4\",\"d\":\"" EC_D "\",\"alg\":\"ES256\"}",
		 "not a valid P-256 key pair"}, /* off the curve */
		{"{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"" EC_X "\",\"y\":\"" EC_Y "\",\"d\":\""
		 ED_D "\",\"alg\":\"ES256\"}", "not a valid P-256 key pair"}, /* d of another point */
		{"{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"" EC_X "\",\"y\":\"" EC_Y "\",\"d\":\""
		 "jpsQnnGQmL-YBIffH1136cLRZ5xyW0Mjs8X3kb16kJw\",\"alg\":\"ES256\"}",
		 "not a valid P-256 key pair"}, /* nearly RFC 7515's d */
		{"{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"" EC_X "\",\"y\":\"" EC_Y "\",\"d\":\""
		 "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\",\"alg\":\"ES256\"}",
		 "not a valid P-256 key pair"}, /* d = 0 */
		{"{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"" EC_X "\",\"y\":\"" EC_Y "\",\"d\":\""
		 "__________________________________________8\",\"alg\":\"ES256\"}",
		 "not a valid P-256 key pair"}, /* d > n */
		{"{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"" ED_X "\",\"d\":\"" EC_D
		 "\",\"alg\":\"EdDSA\"}", "d does not give its x"},
		{"{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"" EC_X "\",\"d\":\"" ED_D
		 "\",\"alg\":\"EdDSA\"}", "d does not give its x"},
		{big, "larger than 4096 bytes"},
	};
	struct ta_client *c = NULL;
	size_t i;

	(void)state;
	memset(big, ' ', sizeof(big) - 1);
	assert_int_equal(ta_client_new(&c), TA_OK);
	for (i = 0; i < NELEMS(rows); i++) {
		struct ta_dpop_key *k = (struct ta_dpop_key *)&k;
		const char *m;

		ROW_CHECK(ta_dpop_key_from_jwk(c, rows[i].jwk, strlen(rows[i].jwk), &k) ==
		                  TA_E_STORE, i, "not refused");
		ROW_CHECK(k == NULL, i, "a key on failure");
		m = ta_client_message(c);
		ROW_CHECK(strstr(m, rows[i].has) != NULL, i, "message '%s' lacks '%s'", m,
		          rows[i].has);
		ROW_CHECK(!strstr(m, EC_D) && !strstr(m, ED_D), i, "the message shows d");
		unit_check_printable(m, i);
	}
	ta_client_free(c);
}

/* ---------------------------------------------------------------------- */
/* Proofs */

/* The three parts of a compact JWS, decoded; free() each. */
static void split(const char *jws, char **header, char **claims, size_t *siglen)
{
	const char *d1 = strchr(jws, '.'), *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
	unsigned char *h = NULL, *p = NULL, *s = NULL;
	size_t hn, pn;

	assert_non_null(d2);
	assert_null(strchr(d2 + 1, '.'));
	assert_int_equal(ta_b64url_decode(jws, (size_t)(d1 - jws), &h, &hn), 0);
	assert_int_equal(ta_b64url_decode(d1 + 1, (size_t)(d2 - d1 - 1), &p, &pn), 0);
	assert_int_equal(ta_b64url_decode(d2 + 1, strlen(d2 + 1), &s, siglen), 0);
	free(s);
	*header = (char *)h;
	*claims = (char *)p;
}

static char *sha256_b64(const char *s)
{
	unsigned char md[32];
	unsigned int n = 0;

	assert_int_equal(EVP_Digest(s, strlen(s), md, &n, EVP_sha256(), NULL), 1);
	return unit_b64(md, n);
}

/* The proof verifies with termauth's verifier and the header's key; its
 * header and claims are what r asked for. */
static void check_proof(struct ta_client *c, const struct ta_dpop_key *k, const char *proof,
                        const struct ta_dpop_request *r, const char *htu)
{
	struct ta_jwks *keys = NULL;
	char *header = NULL, *claims = NULL, *payload = NULL, want[400];
	const char *jwk = ta_dpop_key_public_jwk(k);
	json_t *o;
	size_t siglen = 0;

	split(proof, &header, &claims, &siglen);
	assert_int_equal(siglen, 64); /* ES256: r||s, not DER */
	snprintf(want, sizeof(want), "{\"typ\":\"dpop+jwt\",\"alg\":\"%s\",\"jwk\":%s}",
	         ta_jws_alg_name(ta_dpop_key_alg(k)), jwk);
	assert_string_equal(header, want);
	assert_int_equal(ta_jwks_parse(c, jwk, strlen(jwk), &keys), TA_OK);
	UNIT_ASSERT_MSG(ta_jws_verify(c, keys, proof, strlen(proof), NULL, &payload) == TA_OK,
	                "%s", ta_client_message(c));
	assert_string_equal(payload, claims);
	o = json_loads(claims, JSON_REJECT_DUPLICATES, NULL);
	assert_non_null(o);
	assert_int_equal(strlen(json_string_value(json_object_get(o, "jti"))), 22);
	assert_true(unit_all_base64url(json_string_value(json_object_get(o, "jti"))));
	assert_string_equal(json_string_value(json_object_get(o, "htm")), r->method);
	assert_string_equal(json_string_value(json_object_get(o, "htu")), htu);
	assert_true(json_is_integer(json_object_get(o, "iat")));
	assert_int_equal(json_integer_value(json_object_get(o, "iat")), r->iat);
	if (r->nonce)
		assert_string_equal(json_string_value(json_object_get(o, "nonce")), r->nonce);
	else
		assert_null(json_object_get(o, "nonce"));
	if (r->access_token) {
		char *ath = sha256_b64(r->access_token);
		assert_string_equal(json_string_value(json_object_get(o, "ath")), ath);
		free(ath);
	} else {
		assert_null(json_object_get(o, "ath"));
	}
	assert_int_equal(json_object_size(o), 4 + !!r->nonce + !!r->access_token);
	json_decref(o);
	ta_jws_verify(c, keys, proof, strlen(proof), NULL, NULL);
	ta_jwks_free(keys);
	free(header);
	free(claims);
	free(payload);
}

static void proofs_verify(void **state)
{
	static const struct ta_dpop_request reqs[] = {
		{"POST", "https://server.example.com/token", NOW, NULL, NULL},
		{"POST", "HTTPS://Server.Example.com:443/token?x=1#f", NOW, "eyJ7S_zG.eyJH0-Z.HX4w-7v",
		 NULL},
		{"GET", "https://resource.example.org/protectedresource", NOW + 1, NULL,
		 "Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU"},
		{"PATCH", "http://127.0.0.1:8080/a/../b", 1, "n", "t"},
	};
	static const char *const htus[] = {
		"https://server.example.com/token", "https://server.example.com/token",
		"https://resource.example.org/protectedresource", "http://127.0.0.1:8080/b"};
	struct ta_client *c = NULL;
	size_t i, j;

	(void)state;
	assert_int_equal(ta_client_new(&c), TA_OK);
	for (i = 0; i < NELEMS(algs); i++) {
		struct ta_dpop_key *k = NULL;
		char *first = NULL;

		assert_int_equal(ta_dpop_key_new(c, algs[i], &k), TA_OK);
		for (j = 0; j < NELEMS(reqs); j++) {
			char *proof = NULL;

			UNIT_ASSERT_MSG(ta_dpop_proof_make(c, k, &reqs[j], &proof) == TA_OK, "%s",
			                ta_client_message(c));
			check_proof(c, k, proof, &reqs[j], htus[j]);
			if (!first)
				first = proof;
			else
				ta_free_secret(proof);
		}
		/* The same request again: another jti, another proof. */
		{
			char *again = NULL;
			assert_int_equal(ta_dpop_proof_make(c, k, &reqs[0], &again), TA_OK);
			assert_string_not_equal(again, first);
			ta_free_secret(again);
		}
		ta_free_secret(first);
		ta_dpop_key_free(k);
	}
	ta_client_free(c);
}

static void proof_refusals(void **state)
{
	static char long_method[TA_DPOP_METHOD_MAX + 2], long_nonce[TA_DPOP_NONCE_MAX + 2];
	static const struct {
		struct ta_dpop_request r;
		const char *has;
	} rows[] = {
		{{NULL, "https://h/", NOW, NULL, NULL}, "method is not an HTTP method"},
		{{"", "https://h/", NOW, NULL, NULL}, "method is not"},
		{{"GE T", "https://h/", NOW, NULL, NULL}, "method is not"},
		{{"GET\r\n", "https://h/", NOW, NULL, NULL}, "method is not"},
		{{"G\"T", "https://h/", NOW, NULL, NULL}, "method is not"},
		{{long_method, "https://h/", NOW, NULL, NULL}, "method is not"},
		{{"GET", NULL, NOW, NULL, NULL}, "URL: the URL is empty"},
		{{"GET", "ftp://h/", NOW, NULL, NULL}, "URL: the URL is not an absolute http"},
		{{"GET", "/token", NOW, NULL, NULL}, "not an absolute"},
		{{"GET", "https://u:p@h/", NOW, NULL, NULL}, "userinfo"},
		{{"GET", "https://h/a b", NOW, NULL, NULL}, "a space"},
		{{"GET", "https://h/", 0, NULL, NULL}, "time is not one after 1970"},
		{{"GET", "https://h/", -5, NULL, NULL}, "time is not"},
		{{"GET", "https://h/", (1LL << 53) + 1, NULL, NULL}, "time is not"},
		{{"GET", "https://h/", NOW, "", NULL}, "nonce is not 1 to 1024"},
		{{"GET", "https://h/", NOW, "a b", NULL}, "nonce is not"},
		{{"GET", "https://h/", NOW, "a\"b", NULL}, "nonce is not"},
		{{"GET", "https://h/", NOW, "a\\b", NULL}, "nonce is not"},
		{{"GET", "https://h/", NOW, long_nonce, NULL}, "nonce is not"},
	};
	struct ta_client *c = NULL;
	struct ta_dpop_key *k = NULL;
	size_t i;

	(void)state;
	memset(long_method, 'A', sizeof(long_method) - 1);
	memset(long_nonce, 'n', sizeof(long_nonce) - 1);
	assert_int_equal(ta_client_new(&c), TA_OK);
	assert_int_equal(ta_dpop_key_new(c, TA_JWS_ES256, &k), TA_OK);
	for (i = 0; i < NELEMS(rows); i++) {
		char *proof = (char *)&proof;
		const char *const has[2] = {rows[i].has, NULL};

		ROW_CHECK(ta_dpop_proof_make(c, k, &rows[i].r, &proof) == TA_E_ARG, i, "%s",
		          ta_client_message(c));
		ROW_CHECK(proof == NULL, i, "a proof");
		unit_check_message(ta_client_message(c), has, i);
	}
	ta_dpop_key_free(k);
	ta_client_free(c);
}

/* ---------------------------------------------------------------------- */
/* Nonces */

static void nonce_table(void **state)
{
	static char max[TA_DPOP_NONCE_MAX + 1], over[TA_DPOP_NONCE_MAX + 2];
	static const struct {
		const char *value;
		size_t n;          /* 0: strlen */
		const char *want; /* NULL: refused */
	} rows[] = {
		{"eyJ7S_zG.eyJH0-Z.HX4w-7v", 0, "eyJ7S_zG.eyJH0-Z.HX4w-7v"},
		{"  abc\t", 0, "abc"},
		{"\t\t a", 0, "a"},
		{"!#$%&'()*+,-./:;<=>?@[]^_`{|}~", 0, "!#$%&'()*+,-./:;<=>?@[]^_`{|}~"},
		{"a,b", 0, "a,b"},
		{max, 0, max},
		{"", 0, NULL},
		{"   ", 0, NULL},
		{"\t", 0, NULL},
		{"a b", 0, NULL},
		{"a, b", 0, NULL},
		{"\"abc\"", 0, NULL},
		{"a\\b", 0, NULL},
		{"\xc3\xa9", 0, NULL},
		{"a\x7f", 0, NULL},
		{"a\x01", 0, NULL},
		{"abc\r\n", 0, NULL},
		{"a\nb", 0, NULL},
		{"a\0b", 3, NULL},
		{over, 0, NULL},
	};
	size_t i;

	(void)state;
	memset(max, 'x', sizeof(max) - 1);
	memset(over, 'x', sizeof(over) - 1);
	for (i = 0; i < NELEMS(rows); i++) {
		const char *nonce = NULL;
		size_t n = rows[i].n ? rows[i].n : strlen(rows[i].value), len = 0;
		int r = ta_dpop_nonce_parse(rows[i].value, n, &nonce, &len);

		if (!rows[i].want) {
			ROW_CHECK(r == -1 && nonce == NULL, i, "not refused");
			continue;
		}
		ROW_CHECK(r == 0, i, "refused");
		ROW_CHECK(len == strlen(rows[i].want) && !memcmp(nonce, rows[i].want, len), i,
		          "the nonce is '%.*s'", (int)len, nonce);
		ROW_CHECK(nonce >= rows[i].value && nonce + len <= rows[i].value + n, i,
		          "not in the value");
		ROW_CHECK(ta_dpop_nonce_valid(nonce, len), i, "parsed but not valid");
	}
	assert_int_equal(ta_dpop_nonce_parse(NULL, 0, &(const char *){NULL}, &(size_t){0}), -1);
	assert_true(ta_dpop_nonce_asked("use_dpop_nonce"));
	assert_false(ta_dpop_nonce_asked("invalid_dpop_proof"));
	assert_false(ta_dpop_nonce_asked("use_dpop_nonce "));
	assert_false(ta_dpop_nonce_asked(NULL));
}

/* ---------------------------------------------------------------------- */
/* Node's jose, with --jose SCRIPT */

static const char *jose_script;

/* Runs the script on proof (and token), 0 when it verifies. */
static int jose_verify(const char *proof, const char *method, const char *url, const char *nonce,
                       const char *token, const char *jkt)
{
	char cmd[1024];
	FILE *p;
	int st;

	/* The test's own values: none holds a quote. "--jkt=": a thumbprint
	 * or a nonce may start with '-', which parseArgs would take for an
	 * option after "--jkt ". */
	snprintf(cmd, sizeof(cmd), "node '%s' '--htm=%s' '--url=%s'%s%s%s%s%s%s%s", jose_script,
	         method, url, nonce ? " '--nonce=" : "", nonce ? nonce : "", nonce ? "'" : "",
	         jkt ? " '--jkt=" : "", jkt ? jkt : "", jkt ? "'" : "", token ? " --ath" : "");
	assert_non_null(p = popen(cmd, "w"));
	fprintf(p, "%s\n%s%s", proof, token ? token : "", token ? "\n" : "");
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* What the script must refuse of proof, made for r: another method,
 * another URL, a nonce or ath that is not the proof's, another
 * thumbprint, a flipped signature, and a proof made 10 minutes ago. */
static void must_refuse(struct ta_client *c, const struct ta_dpop_key *k,
                        struct ta_dpop_request *r, char *proof)
{
	const char *m = r->method, *u = r->url, *n = r->nonce, *t = r->access_token;
	char *old = NULL;

	assert_int_equal(jose_verify(proof, "PUT", u, n, t, NULL), 1);
	assert_int_equal(jose_verify(proof, m, "https://other.example/", n, t, NULL), 1);
	assert_int_equal(jose_verify(proof, m, u, n ? NULL : "x", t, NULL), 1);
	assert_int_equal(jose_verify(proof, m, u, "x", t, NULL), 1);
	assert_int_equal(jose_verify(proof, m, u, n, t ? NULL : "t", NULL), 1);
	assert_int_equal(jose_verify(proof, m, u, n, "other-token", NULL), 1);
	assert_int_equal(jose_verify(proof, m, u, n, t, "oKIywvGUpTVTyxMQ3bwIIeQUudfr_CkLMjCE19ECD-U"),
	                 1);
	r->iat -= 600;
	assert_int_equal(ta_dpop_proof_make(c, k, r, &old), TA_OK);
	assert_int_equal(jose_verify(old, m, u, n, t, NULL), 1);
	ta_free_secret(old);
	proof[strlen(proof) - 2] = proof[strlen(proof) - 2] == 'A' ? 'B' : 'A';
	assert_int_equal(jose_verify(proof, m, u, n, t, NULL), 1);
}

static void node_jose_verifies(void **state)
{
	static const struct {
		const char *method, *url, *nonce, *token;
	} rows[] = {
		{"POST", "https://server.example.com/token", NULL, NULL},
		{"POST", "https://Server.EXAMPLE.com:443/a/./b/../token?x=1#f", "eyJ7S_zG.eyJH0-Z", NULL},
		{"GET", "http://127.0.0.1:8080/resource", NULL, "Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE"},
		{"DELETE", "https://rs.example:8443", "-n1", "tok"}, /* a nonce like an option */
	};
	struct ta_client *c = NULL;
	size_t i, j;

	(void)state;
	assert_int_equal(ta_client_new(&c), TA_OK);
	for (i = 0; i < NELEMS(algs); i++) {
		struct ta_dpop_key *k = NULL;

		assert_int_equal(ta_dpop_key_new(c, algs[i], &k), TA_OK);
		for (j = 0; j < NELEMS(rows); j++) {
			struct ta_dpop_request r = {rows[j].method, rows[j].url, (long long)time(NULL),
			                            rows[j].nonce, rows[j].token};
			char *proof = NULL;

			assert_int_equal(ta_dpop_proof_make(c, k, &r, &proof), TA_OK);
			ROW_CHECK(jose_verify(proof, r.method, r.url, r.nonce, r.access_token,
			                      ta_dpop_key_thumbprint(k)) == 0, j, "%s", alg_names[i]);
			/* The refusals on the row with everything (node takes
			 * about 0.3 s a run). */
			if (j == NELEMS(rows) - 1)
				must_refuse(c, k, &r, proof);
			ta_free_secret(proof);
		}
		ta_dpop_key_free(k);
	}
	ta_client_free(c);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(alg_choose_table),
		cmocka_unit_test(known_thumbprints),
		cmocka_unit_test(keys_round_trip),
		cmocka_unit_test(key_new_refuses_other_algs),
		cmocka_unit_test(key_from_jwk_refusals),
		cmocka_unit_test(proofs_verify),
		cmocka_unit_test(proof_refusals),
		cmocka_unit_test(nonce_table),
	};
	const struct CMUnitTest jose[] = {
		cmocka_unit_test(node_jose_verifies),
	};

	if (argc == 3 && !strcmp(argv[1], "--jose")) {
		jose_script = argv[2];
		return cmocka_run_group_tests_name("dpop_jose", jose, NULL, NULL);
	}
	return cmocka_run_group_tests_name("dpop", tests, NULL, NULL);
}
