/*
 * fuzz_wire.c - libFuzzer target for the forwarding protocol's parsers
 * (lib/agent/wire.c): the broker parses what any process of the user on
 * the far side sends it, the far side what comes back. The first byte
 * picks: 'A' an answer, anything else a request; the rest is the JSON.
 * What parses must be within its bounds, and survive encoding and parsing
 * again unchanged.
 */
#include "fuzz.h"
#include "agent/wire.h"
#include "base/fileio.h"

static int same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static void request(const char *json, size_t len)
{
	struct ta_wire_request rq, back;
	char why[256], *text;

	if (ta_wire_request_parse(json, len, &rq, why, sizeof(why))) {
		FUZZ_CHECK(why[0] && fuzz_printable(why), "a refusal without a printable reason");
		ta_wire_request_clear(&rq);
		return;
	}
	FUZZ_CHECK(rq.op >= TA_WIRE_TOKEN && rq.op <= TA_WIRE_HELLO, "an unknown operation");
	FUZZ_CHECK(rq.op == TA_WIRE_HELLO || ta_profile_name_ok(rq.profile), "a bad profile name");
	FUZZ_CHECK(rq.min_ttl >= 0 && rq.min_ttl <= 86400, "min_ttl out of bounds");
	FUZZ_CHECK(rq.op != TA_WIRE_EXCHANGE || rq.audience, "an exchange without an audience");
	FUZZ_CHECK((text = ta_wire_request_encode(&rq)) != NULL, "a parsed request does not encode");
	FUZZ_CHECK(!ta_wire_request_parse(text, strlen(text), &back, why, sizeof(why)),
	           "an encoded request does not parse");
	FUZZ_CHECK(back.op == rq.op && !strcmp(back.profile, rq.profile) &&
	               back.min_ttl == rq.min_ttl && same(back.audience, rq.audience) &&
	               same(back.resource, rq.resource) && same(back.scope, rq.scope) &&
	               same(back.requested_token_type, rq.requested_token_type),
	           "the request changed on the round trip");
	free(text);
	ta_wire_request_clear(&back);
	ta_wire_request_clear(&rq);
}

static void answer(const char *json, size_t len)
{
	struct ta_wire_answer a, back;
	char why[256], *text;

	if (ta_wire_answer_parse(json, len, &a, why, sizeof(why))) {
		FUZZ_CHECK(why[0] && fuzz_printable(why), "a refusal without a printable reason");
		ta_wire_answer_clear(&a);
		return;
	}
	FUZZ_CHECK(a.result == TA_OK ? a.access_token || a.from : a.message != NULL,
	           "an answer without its token or reason");
	FUZZ_CHECK(!a.message || fuzz_printable(a.message), "the message is not printable");
	FUZZ_CHECK(a.expires_at >= 0, "a negative expiry");
	FUZZ_CHECK((text = ta_wire_answer_encode(&a)) != NULL, "a parsed answer does not encode");
	FUZZ_CHECK(!ta_wire_answer_parse(text, strlen(text), &back, why, sizeof(why)),
	           "an encoded answer does not parse");
	FUZZ_CHECK(back.result == a.result && back.expires_at == (a.result ? 0 : a.expires_at) &&
	               same(back.message, a.result ? a.message : NULL) &&
	               same(back.access_token, a.result ? NULL : a.access_token),
	           "the answer changed on the round trip");
	free(text);
	ta_wire_answer_clear(&back);
	ta_wire_answer_clear(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 70000)
		return 0;
	if (size && data[0] == 'A')
		answer((const char *)data + 1, size - 1);
	else
		request(size ? (const char *)data + 1 : "", size ? size - 1 : 0);
	return 0;
}
