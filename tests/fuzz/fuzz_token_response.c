/*
 * fuzz_token_response.c - libFuzzer target for the token endpoint's answer
 * (ta_token_response_parse), read as a 200 token response and as a 400
 * OAuth error: text from the network that ends up in a stored session or
 * in a message shown on the terminal.
 */
#include "fuzz.h"
#include "oauth/token.h"
#include "profile/record.h"

#define NOW 1700000000LL

static void parse(long status, const uint8_t *data, size_t size)
{
	struct ta_client *c = NULL;
	struct ta_session *s = NULL;
	enum ta_result r;

	FUZZ_CHECK(ta_client_new(&c) == TA_OK, "ta_client_new");
	r = ta_token_response_parse(c, status, (const char *)data, size, NOW, &s);
	if (r == TA_OK) {
		FUZZ_CHECK(status == 200, "a session from an error status");
		FUZZ_CHECK(s != NULL, "TA_OK without a session");
		FUZZ_CHECK(s->access_token && *s->access_token, "no access_token");
		FUZZ_CHECK(s->token_type && *s->token_type, "no token_type");
		FUZZ_CHECK(s->expires_at == 0 ||
		           (s->expires_at >= NOW && s->expires_at <= NOW + 10LL * 366 * 86400),
		           "expires_at out of range");
	} else {
		FUZZ_CHECK(s == NULL, "a session on failure");
		FUZZ_CHECK(r == TA_E_PROTOCOL || r == TA_E_HTTP || r == TA_E_IDP ||
		           r == TA_E_DENIED || r == TA_E_NOMEM, "an unexpected result");
		FUZZ_CHECK(ta_client_message(c)[0], "a failure without a message");
	}
	FUZZ_CHECK(fuzz_printable(ta_client_message(c)), "the message is not printable");
	ta_session_free(s);
	ta_client_free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	parse(200, data, size);
	parse(400, data, size);
	return 0;
}
