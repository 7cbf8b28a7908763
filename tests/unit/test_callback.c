/*
 * test_callback.c - unit tests of lib/signin/callback.c: the judge that
 * decides whether a redirect ends the sign-in (RFC 9207 iss, RFC 9700
 * state, OAuth errors), a pasted redirect's query, and the page the
 * browser is shown.
 */
#include "unit.h"
#include "base/secret.h"
#include "signin/callback.h"

/* ---------------------------------------------------------------------- */
/* The judge */

#define STATE "S3cr3t-state_value"
#define ISSUER "https://idp.example.com"

static void callback_judge_table(void **state)
{
	static const struct {
		const char *query;
		int iss_required;
		enum ta_verdict verdict;
		enum ta_result result; /* for FAILED */
		const char *code;      /* for CODE */
		const char *why_has;   /* a piece of why, or NULL */
	} rows[] = {
		/* ours */
		{ "code=C0DE&state=" STATE, 0, TA_CALLBACK_CODE, TA_OK, "C0DE", NULL },
		{ "state=" STATE "&code=a%2Bb+c", 0, TA_CALLBACK_CODE, TA_OK, "a+b c", NULL },
		{ "code=C&state=" STATE "&iss=" ISSUER, 1, TA_CALLBACK_CODE, TA_OK, "C", NULL },
		{ "code=C&state=" STATE "&iss=https%3A%2F%2Fidp.example.com", 1,
		  TA_CALLBACK_CODE, TA_OK, "C", NULL },
		{ "code=C&state=" STATE "&iss=" ISSUER, 0, TA_CALLBACK_CODE, TA_OK, "C", NULL },
		{ "code=C&state=" STATE, 0, TA_CALLBACK_CODE, TA_OK, "C", NULL },
		/* not ours: keep waiting */
		{ "code=C&state=wrong", 0, TA_CALLBACK_IGNORED, TA_OK, NULL, "wrong state" },
		{ "code=C&state=" STATE "x", 0, TA_CALLBACK_IGNORED, TA_OK, NULL, "wrong state" },
		{ "code=C&state=", 0, TA_CALLBACK_IGNORED, TA_OK, NULL, "wrong state" },
		{ "code=C", 0, TA_CALLBACK_IGNORED, TA_OK, NULL, "without state" },
		{ "", 0, TA_CALLBACK_IGNORED, TA_OK, NULL, "without state" },
		{ "error=access_denied", 0, TA_CALLBACK_IGNORED, TA_OK, NULL, NULL },
		{ "favicon.ico", 0, TA_CALLBACK_IGNORED, TA_OK, NULL, NULL },
		/* ours, and malformed */
		{ "code=C&state=" STATE "&state=" STATE, 0, TA_CALLBACK_FAILED, TA_E_CALLBACK,
		  NULL, "repeats" },
		{ "code=C&state=" STATE "&state=evil", 0, TA_CALLBACK_FAILED, TA_E_CALLBACK,
		  NULL, "repeats" },
		{ "state=evil&code=C&state=" STATE, 0, TA_CALLBACK_FAILED, TA_E_CALLBACK,
		  NULL, "repeats" },
		{ "code=C&code=D&state=" STATE, 0, TA_CALLBACK_FAILED, TA_E_CALLBACK, NULL,
		  "repeats" },
		{ "code=C&state=" STATE "&iss=" ISSUER "&iss=" ISSUER, 1, TA_CALLBACK_FAILED,
		  TA_E_CALLBACK, NULL, "repeats" },
		{ "code=%zz&state=" STATE, 0, TA_CALLBACK_FAILED, TA_E_CALLBACK, NULL,
		  "malformed" },
		{ "code=a%00b&state=" STATE, 0, TA_CALLBACK_FAILED, TA_E_CALLBACK, NULL,
		  "malformed" },
		{ "state=" STATE, 0, TA_CALLBACK_FAILED, TA_E_CALLBACK, NULL, "no code" },
		{ "code=&state=" STATE, 0, TA_CALLBACK_FAILED, TA_E_CALLBACK, NULL, "no code" },
		/* iss (RFC 9207) */
		{ "code=C&state=" STATE "&iss=https://evil.example.com", 0, TA_CALLBACK_FAILED,
		  TA_E_ISSUER, NULL, "evil.example.com" },
		{ "code=C&state=" STATE "&iss=https://evil.example.com", 1, TA_CALLBACK_FAILED,
		  TA_E_ISSUER, NULL, "another issuer" },
		{ "code=C&state=" STATE "&iss=" ISSUER "/", 1, TA_CALLBACK_FAILED, TA_E_ISSUER,
		  NULL, NULL },
		{ "code=C&state=" STATE "&iss=", 0, TA_CALLBACK_FAILED, TA_E_ISSUER, NULL, NULL },
		{ "code=C&state=" STATE, 1, TA_CALLBACK_FAILED, TA_E_ISSUER, NULL, "lacks the iss" },
		{ "error=access_denied&state=" STATE, 1, TA_CALLBACK_FAILED, TA_E_ISSUER, NULL,
		  NULL },
		/* OAuth errors */
		{ "error=access_denied&state=" STATE, 0, TA_CALLBACK_FAILED, TA_E_DENIED, NULL,
		  "access_denied" },
		{ "error=access_denied&error_description=The+user+said+no&state=" STATE, 0,
		  TA_CALLBACK_FAILED, TA_E_DENIED, NULL, "access_denied: The user said no" },
		{ "error=server_error&state=" STATE, 0, TA_CALLBACK_FAILED, TA_E_IDP, NULL,
		  "server_error" },
		{ "error=invalid_scope&error_description=bad&state=" STATE "&iss=" ISSUER, 1,
		  TA_CALLBACK_FAILED, TA_E_IDP, NULL, "invalid_scope: bad" },
		{ "error=server_error&code=C&state=" STATE, 0, TA_CALLBACK_FAILED, TA_E_IDP, NULL,
		  "server_error" },
		/* a pushed request (RFC 9126) opened too late, or twice */
		{ "error=invalid_request_uri&error_description=request_uri+is+invalid%2C+expired&state="
		  STATE, 0, TA_CALLBACK_FAILED, TA_E_IDP, NULL,
		  "the IdP no longer holds this sign-in's request (invalid_request_uri: request_uri is "
		  "invalid, expired): it expired before the browser opened it, or was used already; "
		  "sign in again" },
		{ "error=access_denied&error_description=%1b%5b31mred%07%0a&state=" STATE, 0,
		  TA_CALLBACK_FAILED, TA_E_DENIED, NULL, "access_denied: ?[31mred??" },
		{ "error=%1b]0;title%07&state=" STATE, 0, TA_CALLBACK_FAILED, TA_E_IDP, NULL,
		  "?]0;title?" },
		{ "error=x&error_description=%c3%a9&state=" STATE, 0, TA_CALLBACK_FAILED,
		  TA_E_IDP, NULL, "x: ??" },
	};
	const struct ta_expect e = { STATE, ISSUER, 0 };
	size_t i;

	(void)state;
	for (i = 0; i < NELEMS(rows); i++) {
		struct ta_expect ex = e;
		struct ta_outcome out;
		size_t k;

		ex.iss_required = rows[i].iss_required;
		memset(&out, 0x5a, sizeof(out));
		ta_callback_judge(rows[i].query, strlen(rows[i].query), &ex, &out);
		ROW_CHECK(out.verdict == rows[i].verdict, i, "'%s': verdict %d, want %d (%s)",
		          rows[i].query, (int)out.verdict, (int)rows[i].verdict, out.why);
		if (rows[i].verdict == TA_CALLBACK_FAILED)
			ROW_CHECK(out.result == rows[i].result, i, "'%s': result %d, want %d (%s)",
			          rows[i].query, (int)out.result, (int)rows[i].result, out.why);
		if (rows[i].verdict == TA_CALLBACK_CODE)
			ROW_CHECK(out.code && !strcmp(out.code, rows[i].code), i,
			          "'%s': code '%s'", rows[i].query, out.code ? out.code : "(null)");
		else
			ROW_CHECK(out.code == NULL, i, "'%s': a code without a CODE verdict",
			          rows[i].query);
		if (rows[i].verdict != TA_CALLBACK_CODE)
			ROW_CHECK(out.why[0] != '\0', i, "'%s': no why", rows[i].query);
		if (rows[i].why_has)
			ROW_CHECK(strstr(out.why, rows[i].why_has) != NULL, i,
			          "'%s': why '%s' lacks '%s'", rows[i].query, out.why,
			          rows[i].why_has);
		/* why is one line of printable text, and never holds our state. */
		for (k = 0; out.why[k]; k++)
			ROW_CHECK(out.why[k] >= 0x20 && out.why[k] < 0x7f, i,
			          "'%s': why holds byte 0x%02x", rows[i].query,
			          (unsigned char)out.why[k]);
		ROW_CHECK(strstr(out.why, STATE) == NULL, i, "'%s': why shows the state",
		          rows[i].query);
		ta_free_secret(out.code);
	}
}

/* The reason shown for a long error_description stays within why. */
static void callback_judge_long_description(void **state)
{
	const struct ta_expect e = { STATE, ISSUER, 0 };
	struct ta_outcome out;
	char query[2048];
	int n;

	(void)state;
	n = snprintf(query, sizeof(query), "state=%s&error=server_error&error_description=", STATE);
	assert_true(n > 0);
	memset(query + n, 'x', sizeof(query) - (size_t)n - 1);
	query[sizeof(query) - 1] = '\0';
	ta_callback_judge(query, strlen(query), &e, &out);
	assert_int_equal(out.verdict, TA_CALLBACK_FAILED);
	assert_int_equal(out.result, TA_E_IDP);
	assert_true(strlen(out.why) < sizeof(out.why));
	assert_non_null(strstr(out.why, "server_error: xxx"));
}

static void callback_paste_query_table(void **state)
{
	static const char redirect[] = "http://127.0.0.1:1234/callback";
	static const struct {
		const char *line;
		int want;
		const char *query; /* what query and len must give */
	} rows[] = {
		{ "http://127.0.0.1:1234/callback?code=C&state=S", 0, "code=C&state=S" },
		{ "http://127.0.0.1:1234/callback?code=C&state=S#frag", 0, "code=C&state=S" },
		{ "http://127.0.0.1:1234/callback?code=C#a?b", 0, "code=C" },
		{ "http://127.0.0.1:1234/callback?code=C\r\n", 0, "code=C" },
		{ "http://127.0.0.1:1234/callback?", 0, "" },
		{ "http://127.0.0.1:1234/callbackX?code=C&state=S", -1, NULL },
		{ "http://127.0.0.1:1234/callback/?code=C", -1, NULL },
		{ "http://127.0.0.1:1234/callback", -1, NULL },
		{ "http://127.0.0.1:1234/callback#?code=C", -1, NULL },
		{ "http://127.0.0.1:4321/callback?code=C", -1, NULL },
		{ "http://localhost:1234/callback?code=C", -1, NULL },
		{ "https://evil.example.com/?u=http://127.0.0.1:1234/callback?code=C", -1, NULL },
		{ " http://127.0.0.1:1234/callback?code=C", -1, NULL },
		{ "code=C&state=S", -1, NULL },
		{ "", -1, NULL },
	};
	size_t i;

	(void)state;
	for (i = 0; i < NELEMS(rows); i++) {
		const char *q = NULL;
		size_t len = 12345;
		int got = ta_callback_paste_query(rows[i].line, redirect, &q, &len);
		ROW_CHECK(got == rows[i].want, i, "'%s' gave %d", rows[i].line, got);
		if (rows[i].want == 0)
			ROW_CHECK(q && len == strlen(rows[i].query) &&
			          !memcmp(q, rows[i].query, len), i, "'%s': query '%.*s'",
			          rows[i].line, q ? (int)len : 0, q ? q : "");
	}
}

static void callback_page_escapes(void **state)
{
	char *page;

	(void)state;
	page = ta_callback_page_failed("<script>alert('x')</script> & \"q\"");
	assert_non_null(page);
	assert_null(strstr(page, "<script>"));
	assert_null(strstr(page, "alert('x')"));
	assert_non_null(strstr(page, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"));
	assert_non_null(strstr(page, "Sign-in failed"));
	free(page);

	page = ta_callback_page_failed(NULL);
	assert_non_null(page);
	assert_non_null(strstr(page, "Sign-in failed"));
	assert_non_null(strstr(page, "did not finish"));
	free(page);
}

/* The account and the profile are named, escaped; either may be unknown. */
static void callback_page_names_account_and_profile(void **state)
{
	char *page;

	(void)state;
	page = ta_callback_page_signed_in("<b>alice</b>@example.com", "work");
	assert_non_null(page);
	assert_non_null(strstr(page, "<h1>Signed in</h1>"));
	assert_non_null(strstr(page, "Signed in as <b>&lt;b&gt;alice&lt;/b&gt;@example.com</b> "
	                             "for termauth&#39;s profile <b>work</b>."));
	assert_null(strstr(page, "failed"));
	free(page);

	page = ta_callback_page_signed_in(NULL, "a\"'<>&");
	assert_non_null(page);
	assert_non_null(strstr(page, "<p>Signed in for termauth&#39;s profile "
	                             "<b>a&quot;&#39;&lt;&gt;&amp;</b>.</p>"));
	free(page);

	page = ta_callback_page_signed_in("bob", NULL);
	assert_non_null(page);
	assert_non_null(strstr(page, "<p>Signed in as <b>bob</b>.</p>"));
	assert_null(strstr(page, "profile"));
	free(page);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(callback_judge_table),
	cmocka_unit_test(callback_judge_long_description),
	cmocka_unit_test(callback_paste_query_table),
	cmocka_unit_test(callback_page_escapes),
	cmocka_unit_test(callback_page_names_account_and_profile),
};

UNIT_MAIN("callback", tests)
