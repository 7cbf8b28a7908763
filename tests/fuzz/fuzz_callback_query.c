/*
 * fuzz_callback_query.c - libFuzzer target for the redirect back from the
 * IdP, which anyone on the machine can send to the loopback listener: the
 * query parser (ta_query_parse), the judge (ta_callback_judge) with a fixed
 * sign-in in progress, and the paste path (ta_callback_paste_query). The
 * input is the query string, or a whole pasted line.
 */
#include "fuzz.h"
#include "base/query.h"
#include "base/secret.h"
#include "signin/callback.h"

#define STATE "fuzz-state_0123456789"
#define ISSUER "https://idp.example.com"
#define REDIRECT "http://127.0.0.1:1234/callback"

/* The verdict must agree with what the parser sees in the same query. */
static void check_outcome(const char *query, size_t len, const struct ta_expect *e,
                          const struct ta_outcome *o)
{
	struct ta_query q;
	size_t i;
	int ours = 0;

	FUZZ_CHECK(ta_query_parse(query, len, &q) == TA_OK, "ta_query_parse failed");
	for (i = 0; i < q.n; i++)
		if (!strcmp(q.keys[i], "state") && !strcmp(q.values[i], STATE))
			ours = 1;
	FUZZ_CHECK(fuzz_printable(o->why), "why is not printable");
	switch (o->verdict) {
	case TA_CALLBACK_CODE:
		/* Only a well-formed redirect with our state, one code and the
		 * right iss (when there is one) may end the sign-in with a code. */
		FUZZ_CHECK(ours, "a code without our state");
		FUZZ_CHECK(!q.malformed && !q.duplicated, "a code from a malformed query");
		FUZZ_CHECK(o->code && *o->code, "CODE without a code");
		FUZZ_CHECK(fuzz_same(o->code, ta_query_get(&q, "code")), "another code");
		FUZZ_CHECK(!ta_query_get(&q, "error"), "a code from an error redirect");
		FUZZ_CHECK(ta_query_get(&q, "iss") ? !strcmp(ta_query_get(&q, "iss"), e->issuer)
		                                   : !e->iss_required,
		           "a code with a wrong iss");
		break;
	case TA_CALLBACK_IGNORED:
		FUZZ_CHECK(!ours || len > TA_QUERY_MAX_LEN, "our state was ignored");
		FUZZ_CHECK(!o->code, "IGNORED with a code");
		FUZZ_CHECK(o->why[0], "IGNORED without a reason");
		break;
	case TA_CALLBACK_FAILED:
		FUZZ_CHECK(ours, "a failure without our state");
		FUZZ_CHECK(!o->code, "FAILED with a code");
		FUZZ_CHECK(o->why[0], "FAILED without a reason");
		FUZZ_CHECK(o->result == TA_E_CALLBACK || o->result == TA_E_ISSUER ||
		           o->result == TA_E_IDP || o->result == TA_E_DENIED,
		           "an unexpected result");
		break;
	default:
		FUZZ_CHECK(0, "an unknown verdict");
	}
	ta_query_clear(&q);
}

static void judge(const char *query, size_t len, int iss_required)
{
	const struct ta_expect e = { STATE, ISSUER, iss_required };
	struct ta_outcome o;

	ta_callback_judge(query, len, &e, &o);
	check_outcome(query, len, &e, &o);
	ta_free_secret(o.code);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *query = (const char *)data, *pq;
	struct ta_query q;
	size_t i, plen;
	char *line;

	/* The parser alone: every key and value it keeps is a C string. */
	FUZZ_CHECK(ta_query_parse(query, size, &q) == TA_OK, "ta_query_parse failed");
	FUZZ_CHECK(q.n <= TA_QUERY_MAX_PARAMS, "too many parameters kept");
	for (i = 0; i < q.n; i++)
		FUZZ_CHECK(q.keys[i] && q.values[i], "a NULL key or value");
	ta_query_clear(&q);

	/* The judge, with and without iss promised (RFC 9207). */
	judge(query, size, 0);
	judge(query, size, 1);

	/* A pasted line: only the query after our redirect URI is judged. */
	line = fuzz_cstring(data, size);
	if (!ta_callback_paste_query(line, REDIRECT, &pq, &plen)) {
		FUZZ_CHECK(!strncmp(line, REDIRECT "?", strlen(REDIRECT) + 1), "another prefix");
		FUZZ_CHECK(!memchr(pq, '#', plen), "the fragment was kept");
		judge(pq, plen, 0);
	}
	free(line);
	return 0;
}
