/*
 * fuzz_dpop_key.c - libFuzzer target for the private JWK of a DPoP key
 * (ta_dpop_key_from_jwk): the input is the JWK. Refused: TA_E_STORE (or
 * TA_E_NOMEM), no key, a printable message. Taken: written back
 * (ta_dpop_key_to_jwk) and read again, it is the same key - the same
 * public JWK and thumbprint -, its x is in the input (when no JSON escape
 * could spell it otherwise), and it signs proofs that termauth's verifier
 * takes with its public JWK.
 */
#include "fuzz.h"
#include "base/secret.h"
#include "jose/dpop.h"

static void signs(struct ta_client *c, const struct ta_dpop_key *k)
{
	struct ta_dpop_request r = {"GET", "https://rs.example/", 1700000000, NULL, "token"};
	const char *jwk = ta_dpop_key_public_jwk(k);
	struct ta_jwks *keys = NULL;
	char *proof = NULL;

	FUZZ_CHECK(ta_dpop_proof_make(c, k, &r, &proof) == TA_OK, "no proof");
	FUZZ_CHECK(ta_jwks_parse(c, jwk, strlen(jwk), &keys) == TA_OK, "the public JWK");
	FUZZ_CHECK(ta_jws_verify(c, keys, proof, strlen(proof), NULL, NULL) == TA_OK,
	           "the proof does not verify");
	ta_jwks_free(keys);
	ta_free_secret(proof);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ta_client *c = NULL;
	struct ta_dpop_key *k = NULL, *again = NULL;
	const char *x;
	char *text, *jwk = NULL, x64[44];
	enum ta_result r;

	if (size > 2 * TA_DPOP_JWK_MAX)
		return 0;
	text = fuzz_cstring(data, size);
	FUZZ_CHECK(ta_client_new(&c) == TA_OK, "ta_client_new");
	r = ta_dpop_key_from_jwk(c, (const char *)data, size, &k);
	FUZZ_CHECK(fuzz_printable(ta_client_message(c)), "the message is not printable");
	if (r != TA_OK) {
		FUZZ_CHECK(r == TA_E_STORE || r == TA_E_NOMEM, "an unexpected result");
		FUZZ_CHECK(k == NULL, "a key on failure");
		FUZZ_CHECK(ta_client_message(c)[0], "a failure without a message");
		goto out;
	}
	FUZZ_CHECK(k != NULL && strlen(ta_dpop_key_thumbprint(k)) == 43, "the key");
	x = strstr(ta_dpop_key_public_jwk(k), "\"x\":\"");
	FUZZ_CHECK(x && strlen(x + 5) >= 43, "the public JWK's x");
	memcpy(x64, x + 5, 43);
	x64[43] = '\0';
	FUZZ_CHECK(strchr(text, '\\') || strstr(text, x64), "an x that is not the input's");
	FUZZ_CHECK(ta_dpop_key_to_jwk(c, k, &jwk) == TA_OK, "not written");
	FUZZ_CHECK(ta_dpop_key_from_jwk(c, jwk, strlen(jwk), &again) == TA_OK, "not read back");
	FUZZ_CHECK(!strcmp(ta_dpop_key_thumbprint(k), ta_dpop_key_thumbprint(again)) &&
	                   !strcmp(ta_dpop_key_public_jwk(k), ta_dpop_key_public_jwk(again)),
	           "read back, another key");
	signs(c, k);
out:
	ta_free_secret(jwk);
	ta_dpop_key_free(k);
	ta_dpop_key_free(again);
	ta_client_free(c);
	free(text);
	return 0;
}
