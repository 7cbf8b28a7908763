/*
 * fuzz_credential.c - libFuzzer target for CI credentials
 * (ta_credential_decode, ta_credential_encode): TERMAUTH_CREDENTIAL comes
 * from a CI secret store, which anyone with access to the CI settings can
 * fill. What decodes must encode to a line that decodes to the same.
 */
#include "fuzz.h"
#include "base/secret.h"
#include "profile/record.h"
#include "session/session.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ta_client *c = NULL, *c2 = NULL;
	struct ta_session *s = NULL, *back = NULL;
	char *text = fuzz_cstring(data, size), *line = NULL;

	FUZZ_CHECK(ta_client_new(&c) == TA_OK && ta_client_new(&c2) == TA_OK, "no client");
	if (ta_credential_decode(c, text, &s) != TA_OK) {
		FUZZ_CHECK(s == NULL, "a session on failure");
		goto out;
	}
	FUZZ_CHECK(s->refresh_token && s->token_endpoint && s->client_id, "decoded without essentials");
	FUZZ_CHECK(ta_credential_encode(c, s, &line) == TA_OK, "a decoded credential does not encode");
	FUZZ_CHECK(ta_credential_decode(c2, line, &back) == TA_OK, "the encoded credential does not decode");
	FUZZ_CHECK(fuzz_same(s->refresh_token, back->refresh_token), "refresh_token differs");
	FUZZ_CHECK(fuzz_same(s->token_endpoint, back->token_endpoint), "token_endpoint differs");
	FUZZ_CHECK(fuzz_same(s->client_id, back->client_id), "client_id differs");
	FUZZ_CHECK(fuzz_same(s->issuer, back->issuer), "issuer differs");
	FUZZ_CHECK(fuzz_same(c->client_secret, c2->client_secret), "client secret differs");
out:
	ta_free_secret(line);
	ta_session_free(s);
	ta_session_free(back);
	ta_client_free(c);
	ta_client_free(c2);
	free(text);
	return 0;
}
