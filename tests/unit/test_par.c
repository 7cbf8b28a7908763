/*
 * test_par.c - unit tests of the answer of a pushed authorization request
 * endpoint (RFC 9126) as lib/oauth/par.c judges it: what is taken, every
 * refusal with its result and message, and messages that stay printable.
 */
#include "unit.h"
#include "base/result.h"
#include "oauth/par.h"

#define URN "urn:ietf:params:oauth:request_uri:"
#define OK_BODY "{\"request_uri\":\"" URN "bwc4JK-ESC0w8acc191e-Y1LTC2\",\"expires_in\":60}"

static char long_uri_body[TA_PAR_REQUEST_URI_MAX + 64];
static char longest_uri_body[TA_PAR_REQUEST_URI_MAX + 64];

/* {"request_uri":"urn:x:aaaa...","expires_in":60} with a URI of n chars */
static void make_uri_body(char *buf, size_t cap, size_t n)
{
	char uri[TA_PAR_REQUEST_URI_MAX + 8];

	memcpy(uri, "urn:x:", 6);
	memset(uri + 6, 'a', n - 6);
	uri[n] = '\0';
	snprintf(buf, cap, "{\"request_uri\":\"%s\",\"expires_in\":60}", uri);
}

static void par_response_table(void **state)
{
	static const struct {
		long status;
		const char *body;
		enum ta_result want;
		const char *uri;      /* for TA_OK */
		long long expires_in; /* for TA_OK */
		const char *msg_has;  /* for a failure */
	} rows[] = {
		/* accepted */
		{ 201, OK_BODY, TA_OK, URN "bwc4JK-ESC0w8acc191e-Y1LTC2", 60, NULL },
		{ 200, OK_BODY, TA_OK, URN "bwc4JK-ESC0w8acc191e-Y1LTC2", 60, NULL },
		{ 201, "{\"request_uri\":\"https://idp.example/par/abc?x=1\",\"expires_in\":90,"
		  "\"other\":[1,{}]}", TA_OK, "https://idp.example/par/abc?x=1", 90, NULL },
		{ 201, " {\"expires_in\":1,\"request_uri\":\"urn:a\"}\n", TA_OK, "urn:a", 1, NULL },
		/* the request_uri */
		{ 201, "{\"expires_in\":60}", TA_E_PROTOCOL, NULL, 0, "has no request_uri" },
		{ 201, "{\"request_uri\":null,\"expires_in\":60}", TA_E_PROTOCOL, NULL, 0, "no request_uri" },
		{ 201, "{\"request_uri\":7,\"expires_in\":60}", TA_E_PROTOCOL, NULL, 0, "no request_uri" },
		{ 201, "{\"request_uri\":\"\",\"expires_in\":60}", TA_E_PROTOCOL, NULL, 0, "not a URI" },
		{ 201, "{\"request_uri\":\"abc\",\"expires_in\":60}", TA_E_PROTOCOL, NULL, 0, "not a URI" },
		{ 201, "{\"request_uri\":\"urn:\",\"expires_in\":60}", TA_E_PROTOCOL, NULL, 0, "not a URI" },
		{ 201, "{\"request_uri\":\":abc\",\"expires_in\":60}", TA_E_PROTOCOL, NULL, 0, "not a URI" },
		{ 201, "{\"request_uri\":\"1urn:abc\",\"expires_in\":60}", TA_E_PROTOCOL, NULL, 0,
		  "not a URI" },
		{ 201, "{\"request_uri\":\"urn:a b\",\"expires_in\":60}", TA_E_PROTOCOL, NULL, 0,
		  "not a URI" },
		{ 201, "{\"request_uri\":\"urn:a\\nb\",\"expires_in\":60}", TA_E_PROTOCOL, NULL, 0,
		  "not a URI" },
		{ 201, "{\"request_uri\":\"urn:a\\u001b[2Jb\",\"expires_in\":60}", TA_E_PROTOCOL, NULL,
		  0, "not a URI" },
		{ 201, "{\"request_uri\":\"urn:a\\u0000b\",\"expires_in\":60}", TA_E_PROTOCOL, NULL, 0,
		  "not a JSON object" },
		{ 201, "{\"request_uri\":\"urn:caf\\u00e9\",\"expires_in\":60}", TA_E_PROTOCOL, NULL, 0,
		  "not a URI" },
		{ 201, "{\"request_uri\":\"urn:a\\\"b\",\"expires_in\":60}", TA_E_PROTOCOL, NULL, 0,
		  "not a URI" },
		{ 201, "{\"request_uri\":\"urn:a<b>\",\"expires_in\":60}", TA_E_PROTOCOL, NULL, 0,
		  "not a URI" },
		{ 201, longest_uri_body, TA_OK, NULL, 60, NULL },
		{ 201, long_uri_body, TA_E_PROTOCOL, NULL, 0, "at most 512 characters" },
		/* expires_in */
		{ 201, "{\"request_uri\":\"urn:a\"}", TA_E_PROTOCOL, NULL, 0, "no expires_in" },
		{ 201, "{\"request_uri\":\"urn:a\",\"expires_in\":0}", TA_E_PROTOCOL, NULL, 0,
		  "positive number of seconds" },
		{ 201, "{\"request_uri\":\"urn:a\",\"expires_in\":-5}", TA_E_PROTOCOL, NULL, 0,
		  "no expires_in" },
		{ 201, "{\"request_uri\":\"urn:a\",\"expires_in\":\"60\"}", TA_E_PROTOCOL, NULL, 0,
		  "no expires_in" },
		{ 201, "{\"request_uri\":\"urn:a\",\"expires_in\":60.5}", TA_E_PROTOCOL, NULL, 0,
		  "no expires_in" },
		{ 201, "{\"request_uri\":\"urn:a\",\"expires_in\":null}", TA_E_PROTOCOL, NULL, 0,
		  "no expires_in" },
		{ 201, "{\"request_uri\":\"urn:a\",\"expires_in\":99999999999999}", TA_E_PROTOCOL, NULL,
		  0, "no expires_in" },
		{ 201, "{\"request_uri\":\"urn:a\",\"expires_in\":99999999999999999999999}",
		  TA_E_PROTOCOL, NULL, 0, "not a JSON object" },
		/* OAuth errors, whatever the status */
		{ 400, "{\"error\":\"invalid_scope\",\"error_description\":\"requested scope is not "
		  "allowed\"}", TA_E_IDP, NULL, 0,
		  "the IdP refused: invalid_scope (requested scope is not allowed)" },
		{ 401, "{\"error\":\"invalid_client\"}", TA_E_IDP, NULL, 0,
		  "the IdP refused: invalid_client" },
		{ 201, "{\"error\":\"invalid_request\"," "\"request_uri\":\"urn:a\",\"expires_in\":5}",
		  TA_E_IDP, NULL, 0, "invalid_request" },
		{ 403, "{\"error\":\"access_denied\"}", TA_E_DENIED, NULL, 0, "access_denied" },
		{ 400, "{\"error\":\"x\\u001b]2;pwned\\u0007\",\"error_description\":\"a\\nb\"}",
		  TA_E_IDP, NULL, 0, "the IdP refused: x" },
		/* other statuses */
		{ 500, "<html>oops</html>", TA_E_HTTP, NULL, 0, "answered HTTP 500" },
		{ 404, "", TA_E_HTTP, NULL, 0, "answered HTTP 404" },
		{ 400, "{\"error\":5}", TA_E_HTTP, NULL, 0, "answered HTTP 400" },
		{ 302, OK_BODY, TA_E_HTTP, NULL, 0, "answered HTTP 302" },
		{ 204, "", TA_E_HTTP, NULL, 0, "answered HTTP 204" },
		/* garbage */
		{ 201, "", TA_E_PROTOCOL, NULL, 0, "not a JSON object" },
		{ 201, "request_uri=urn%3Aa&expires_in=60", TA_E_PROTOCOL, NULL, 0, "not a JSON object" },
		{ 201, "[" OK_BODY "]", TA_E_PROTOCOL, NULL, 0, "not a JSON object" },
		{ 201, OK_BODY "x", TA_E_PROTOCOL, NULL, 0, "not a JSON object" },
		{ 201, "{\"request_uri\":\"urn:a\",\"request_uri\":\"urn:b\",\"expires_in\":60}",
		  TA_E_PROTOCOL, NULL, 0, "not a JSON object" },
		{ 201, "\"urn:a\"", TA_E_PROTOCOL, NULL, 0, "not a JSON object" },
	};
	size_t i, k;

	(void)state;
	make_uri_body(longest_uri_body, sizeof(longest_uri_body), TA_PAR_REQUEST_URI_MAX);
	make_uri_body(long_uri_body, sizeof(long_uri_body), TA_PAR_REQUEST_URI_MAX + 1);
	for (i = 0; i < NELEMS(rows); i++) {
		struct ta_client *c;
		struct ta_par p = { .expires_in = -1 };
		enum ta_result r;
		const char *m;

		assert_int_equal(ta_client_new(&c), TA_OK);
		r = ta_par_response_parse(c, rows[i].status, rows[i].body, strlen(rows[i].body), &p);
		m = ta_client_message(c);
		ROW_CHECK(r == rows[i].want, i, "'%s' gave %d (%s)", rows[i].body, (int)r, m);
		if (r == TA_OK) {
			ROW_CHECK(p.request_uri && (!rows[i].uri || !strcmp(p.request_uri, rows[i].uri)),
			          i, "request_uri '%s'", p.request_uri ? p.request_uri : "(none)");
			ROW_CHECK(p.expires_in == rows[i].expires_in, i, "expires_in %lld", p.expires_in);
			ROW_CHECK(m[0] == '\0', i, "a message after a success: '%s'", m);
		} else {
			ROW_CHECK(!p.request_uri && p.expires_in == -1, i, "out was touched on failure");
			ROW_CHECK(strstr(m, rows[i].msg_has) != NULL, i, "message '%s' lacks '%s'", m,
			          rows[i].msg_has);
			for (k = 0; m[k]; k++)
				ROW_CHECK(m[k] >= 0x20 && m[k] < 0x7f, i, "message byte %zu is 0x%02x", k,
				          (unsigned char)m[k]);
		}
		ta_par_clear(&p);
		ta_client_free(c);
	}
}

static void par_clear_twice(void **state)
{
	struct ta_par p = { 0 };

	(void)state;
	assert_int_equal(ta_par_response_parse(NULL, 201, OK_BODY, strlen(OK_BODY), &p), TA_OK);
	ta_par_clear(&p);
	assert_null(p.request_uri);
	assert_int_equal(p.expires_in, 0);
	ta_par_clear(&p);
}

/* A renewal comes a little before the request expires, never sooner than
 * 5 s, and stops after TA_PAR_RENEWALS_MAX. */
static void par_renewal_table(void **state)
{
	static const struct { long long expires_in; int renewed; long long want; } rows[] = {
		{ 60, 0, 50000 }, { 600, 0, 590000 }, { 30, 0, 20000 }, { 29, 0, 20000 },
		{ 15, 0, 10000 }, { 6, 0, 5000 }, { 1, 0, 5000 }, { 1, 1, 5000 },
		{ 60, TA_PAR_RENEWALS_MAX - 1, 50000 }, { 60, TA_PAR_RENEWALS_MAX, -1 },
		{ 1, TA_PAR_RENEWALS_MAX, -1 }, { 1, TA_PAR_RENEWALS_MAX + 5, -1 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < NELEMS(rows); i++)
		ROW_CHECK(ta_par_renew_after_ms(rows[i].expires_in, rows[i].renewed) == rows[i].want, i,
		          "%lld s, renewed %d: %lld ms", rows[i].expires_in, rows[i].renewed,
		          ta_par_renew_after_ms(rows[i].expires_in, rows[i].renewed));
	/* The most a sign-in pushes at an IdP keeping them a second: once, then
	 * TA_PAR_RENEWALS_MAX times, 5 s apart - a minute, not the whole timeout. */
	assert_int_equal(TA_PAR_RENEWALS_MAX * ta_par_renew_after_ms(1, 0), 60000);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(par_renewal_table),
	cmocka_unit_test(par_response_table),
	cmocka_unit_test(par_clear_twice),
};

UNIT_MAIN("par", tests)
