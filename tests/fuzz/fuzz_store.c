/*
 * fuzz_store.c - libFuzzer target for the store file's JSON form
 * (ta_session_from_json, ta_session_to_json): a session read from a file
 * must write back to JSON that reads as the same session, and what the
 * fast path then does with it (ta_session_check_fresh) must be defined.
 */
#include "fuzz.h"
#include "base/secret.h"
#include "profile/record.h"

#define NOW 1700000000LL

static void check_same(const struct ta_session *a, const struct ta_session *b)
{
	FUZZ_CHECK(fuzz_same(a->access_token, b->access_token), "access_token differs");
	FUZZ_CHECK(fuzz_same(a->refresh_token, b->refresh_token), "refresh_token differs");
	FUZZ_CHECK(fuzz_same(a->id_token, b->id_token), "id_token differs");
	FUZZ_CHECK(fuzz_same(a->token_type, b->token_type), "token_type differs");
	FUZZ_CHECK(fuzz_same(a->scope, b->scope), "scope differs");
	FUZZ_CHECK(fuzz_same(a->issuer, b->issuer), "issuer differs");
	FUZZ_CHECK(fuzz_same(a->client_id, b->client_id), "client_id differs");
	FUZZ_CHECK(fuzz_same(a->subject, b->subject), "subject differs");
	FUZZ_CHECK(fuzz_same(a->token_endpoint, b->token_endpoint), "token_endpoint differs");
	FUZZ_CHECK(fuzz_same(a->revocation_endpoint, b->revocation_endpoint),
	           "revocation_endpoint differs");
	FUZZ_CHECK(a->expires_at == b->expires_at, "expires_at differs");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ta_session *s = NULL, *back = NULL;
	char *json = NULL, *json2 = NULL;
	enum ta_result r;

	r = ta_session_from_json(NULL, (const char *)data, size, &s);
	if (r != TA_OK) {
		FUZZ_CHECK(s == NULL, "a session on failure");
		return 0;
	}
	FUZZ_CHECK(ta_session_to_json(s, &json) == TA_OK, "ta_session_to_json failed");
	FUZZ_CHECK(ta_session_from_json(NULL, json, strlen(json), &back) == TA_OK,
	           "the written session does not read back");
	check_same(s, back);
	FUZZ_CHECK(ta_session_to_json(back, &json2) == TA_OK, "ta_session_to_json failed");
	FUZZ_CHECK(!strcmp(json, json2), "the JSON form is not stable");
	/* The fast path's use of what it read: any answer, but no UB. */
	r = ta_session_check_fresh(s, NOW, 60);
	FUZZ_CHECK(r == TA_OK || r == TA_E_EXPIRED, "check_fresh");
	ta_free_secret(json);
	ta_free_secret(json2);
	ta_session_free(back);
	ta_session_free(s);
	return 0;
}
