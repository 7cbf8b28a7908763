/*
 * fuzz_id_token.c - libFuzzer target for the ID token's claims check
 * (ta_id_token_check), and the account it names (ta_id_token_account,
 * which must give a short line without control characters or nothing).
 * The first byte picks what the input is: 'P' the
 * claims JSON (put in a JWT with a fixed header), 'H' the header JSON (with
 * good claims), anything else the whole compact JWT. The two JSON modes let
 * the fuzzer reach the claim checks without having to find base64url.
 */
#include "fuzz.h"
#include "base/base64url.h"
#include "oauth/idtoken.h"

#define NOW 1700000000LL
#define GOOD_HEADER "{\"alg\":\"RS256\",\"kid\":\"k\"}"
#define GOOD_CLAIMS                                                                    \
	"{\"iss\":\"https://idp.example.com\",\"sub\":\"alice\",\"aud\":\"termauth\","  \
	"\"exp\":1700000300,\"iat\":1700000000,\"nonce\":\"n0nce\"}"

/* base64url(header) "." base64url(claims) ".c2ln"; free() it. */
static char *jwt_of(const uint8_t *header, size_t hn, const uint8_t *claims, size_t cn)
{
	size_t h = ta_b64url_encoded_len(hn), p = ta_b64url_encoded_len(cn);
	char *jwt = malloc(h + p + 7);

	FUZZ_CHECK(jwt != NULL, "out of memory");
	ta_b64url_encode(header, hn, jwt);
	jwt[h] = '.';
	ta_b64url_encode(claims, cn, jwt + h + 1);
	memcpy(jwt + h + 1 + p, ".c2ln", 6);
	return jwt;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct ta_id_expect e = { "https://idp.example.com", "termauth", "n0nce", NOW };
	struct ta_client *c = NULL;
	char *jwt, *subject = NULL, *account;
	enum ta_result r;

	if (size > 20000)
		return 0;
	if (size && data[0] == 'P')
		jwt = jwt_of((const uint8_t *)GOOD_HEADER, strlen(GOOD_HEADER), data + 1, size - 1);
	else if (size && data[0] == 'H')
		jwt = jwt_of(data + 1, size - 1, (const uint8_t *)GOOD_CLAIMS, strlen(GOOD_CLAIMS));
	else
		jwt = fuzz_cstring(data, size);
	FUZZ_CHECK(ta_client_new(&c) == TA_OK, "ta_client_new");
	r = ta_id_token_check(c, jwt, &e, &subject);
	if (r == TA_OK) {
		FUZZ_CHECK(subject != NULL, "TA_OK without a subject");
		FUZZ_CHECK(ta_client_message(c)[0] == '\0', "a message on success");
	} else {
		FUZZ_CHECK(r == TA_E_ID_TOKEN || r == TA_E_NOMEM, "an unexpected result");
		FUZZ_CHECK(subject == NULL, "a subject on failure");
		FUZZ_CHECK(ta_client_message(c)[0], "a failure without a message");
	}
	FUZZ_CHECK(fuzz_printable(ta_client_message(c)), "the message is not printable");
	account = ta_id_token_account(jwt);
	if (account) {
		FUZZ_CHECK(account[0] && strlen(account) <= 200, "an empty or long account");
		for (const char *p = account; *p; p++)
			FUZZ_CHECK((unsigned char)*p >= 0x20 && *p != 0x7f, "a control character in the account");
	}
	free(account);
	free(subject);
	free(jwt);
	ta_client_free(c);
	return 0;
}
