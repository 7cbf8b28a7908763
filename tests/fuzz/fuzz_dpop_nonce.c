/*
 * fuzz_dpop_nonce.c - libFuzzer target for a DPoP-Nonce header's value
 * (ta_dpop_nonce_parse): the input is the value. A nonce it takes lies
 * inside the value with only SP and HTAB around it, is 1 to
 * TA_DPOP_NONCE_MAX NQCHARs (checked here against RFC 9449 8.1's grammar,
 * not the library's), and goes into a proof as it is: ta_dpop_proof_make
 * takes it, and the proof's claims hold it.
 */
#include "fuzz.h"
#include <jansson.h>
#include "base/base64url.h"
#include "base/secret.h"
#include "jose/dpop.h"

static struct ta_dpop_key *key;

static int nqchar(unsigned char ch)
{
	return ch == 0x21 || (ch >= 0x23 && ch <= 0x5b) || (ch >= 0x5d && ch <= 0x7e);
}

/* The proof made with nonce holds it in its claims. */
static void proof_holds(struct ta_client *c, const char *nonce)
{
	struct ta_dpop_request r = {"POST", "https://as.example/token", 1700000000, nonce, NULL};
	char *proof = NULL;
	const char *d1, *d2;
	unsigned char *claims = NULL;
	size_t n = 0;
	json_t *o;

	FUZZ_CHECK(ta_dpop_proof_make(c, key, &r, &proof) == TA_OK, "a valid nonce refused");
	d1 = strchr(proof, '.');
	d2 = d1 ? strchr(d1 + 1, '.') : NULL;
	FUZZ_CHECK(d2 && !ta_b64url_decode(d1 + 1, (size_t)(d2 - d1 - 1), &claims, &n),
	           "the proof's form");
	o = json_loadb((const char *)claims, n, JSON_REJECT_DUPLICATES, NULL);
	FUZZ_CHECK(o && fuzz_same(json_string_value(json_object_get(o, "nonce")), nonce),
	           "the proof's nonce is not the nonce");
	json_decref(o);
	free(claims);
	ta_free_secret(proof);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *value = (const char *)data, *nonce = NULL;
	struct ta_client *c = NULL;
	size_t len = 0, i, lead = 0, trail = 0;
	char *copy;

	if (size > 4 * TA_DPOP_NONCE_MAX)
		return 0;
	FUZZ_CHECK(ta_client_new(&c) == TA_OK, "ta_client_new");
	if (!key)
		FUZZ_CHECK(ta_dpop_key_new(c, TA_JWS_EDDSA, &key) == TA_OK, "ta_dpop_key_new");
	while (lead < size && (value[lead] == ' ' || value[lead] == '\t'))
		lead++;
	while (trail < size - lead &&
	       (value[size - 1 - trail] == ' ' || value[size - 1 - trail] == '\t'))
		trail++;
	if (ta_dpop_nonce_parse(value, size, &nonce, &len)) {
		/* Refused: then what is between the white space is not a nonce. */
		int ok = size - lead - trail >= 1 && size - lead - trail <= TA_DPOP_NONCE_MAX;
		for (i = lead; ok && i < size - trail; i++)
			ok = nqchar(data[i]);
		FUZZ_CHECK(!ok, "a nonce refused");
		goto out;
	}
	FUZZ_CHECK(nonce == value + lead && len == size - lead - trail, "not the trimmed value");
	FUZZ_CHECK(len >= 1 && len <= TA_DPOP_NONCE_MAX, "the nonce's length");
	for (i = 0; i < len; i++)
		FUZZ_CHECK(nqchar((unsigned char)nonce[i]), "a nonce of other characters");
	copy = fuzz_cstring((const uint8_t *)nonce, len);
	proof_holds(c, copy);
	free(copy);
out:
	ta_client_free(c);
	return 0;
}
