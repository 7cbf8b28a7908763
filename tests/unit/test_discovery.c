/*
 * test_discovery.c - unit tests of the IdP's metadata as
 * lib/oauth/discovery.c reads it (OpenID Connect Discovery, RFC 8414):
 * a good document, every refusal, and messages that stay printable.
 */
#include "unit.h"
#include "base/result.h"
#include "oauth/discovery.h"

/* ---------------------------------------------------------------------- */
/* Discovery */

#define MD_ISSUER "https://idp.example.com"

/* Microsoft's template stands for one path segment after the origin, and
 * matches nothing when it is anywhere else: a template in the host would
 * take any IdP's iss for its own. */
static void issuer_template_table(void **state)
{
	static const struct { const char *pattern, *actual, *tenant; int match; } rows[] = {
		{ "https://login.microsoftonline.com/{tenantid}/v2.0",
		  "https://login.microsoftonline.com/abc-123/v2.0", NULL, 1 },
		{ "https://login.microsoftonline.com/{tenantid}/v2.0",
		  "https://login.microsoftonline.com/abc-123/v2.0", "abc-123", 1 },
		{ "https://login.microsoftonline.com/{tenantid}/v2.0",
		  "https://login.microsoftonline.com/other/v2.0", "abc-123", 0 },
		{ "https://login.microsoftonline.com/{tenantid}",
		  "https://login.microsoftonline.com/abc", NULL, 1 },
		{ "https://login.microsoftonline.com/{tenantid}/v2.0",
		  "https://login.microsoftonline.com/a/b/v2.0", NULL, 0 },
		{ "https://login.microsoftonline.com/{tenantid}/v2.0",
		  "https://login.microsoftonline.com/a?b/v2.0", NULL, 0 },
		{ "https://login.microsoftonline.com/{tenantid}/v2.0",
		  "https://login.microsoftonline.com//v2.0", NULL, 0 },
		{ "https://login.microsoftonline.com/{tenantid}/v2.0",
		  "https://evil.example/abc/v2.0", NULL, 0 },
		/* Not templates: compared as they are. */
		{ "https://{tenantid}", "https://accounts.google.com", NULL, 0 },
		{ "https://{tenantid}/realms/x", "https://evil.example/realms/x", NULL, 0 },
		{ "https://idp.{tenantid}.com/", "https://idp.evil.com/", NULL, 0 },
		{ "https://idp.example.com/t{tenantid}", "https://idp.example.com/tx", NULL, 0 },
		{ "https://idp.example.com/{tenantid}x", "https://idp.example.com/ax", NULL, 0 },
		{ "{tenantid}", "https://accounts.google.com", NULL, 0 },
		{ "https://{tenantid}", "https://{tenantid}", NULL, 1 },
		{ "https://idp.example.com", "https://idp.example.com", NULL, 1 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < NELEMS(rows); i++)
		ROW_CHECK(ta_issuer_matches(rows[i].pattern, rows[i].actual, rows[i].tenant) ==
		                  rows[i].match,
		          i, "'%s' against '%s': expected %d", rows[i].pattern, rows[i].actual,
		          rows[i].match);
}

/* Metadata whose issuer is a template in the host is not taken for
 * another IdP's. */
static void metadata_template_in_host(void **state)
{
	static const char doc[] =
		"{\"issuer\":\"https://{tenantid}\","
		"\"authorization_endpoint\":\"https://evil.example/auth\","
		"\"token_endpoint\":\"https://evil.example/token\","
		"\"authorization_response_iss_parameter_supported\":true}";
	struct ta_metadata md;
	struct ta_client *c;

	(void)state;
	assert_int_equal(ta_client_new(&c), TA_OK);
	assert_int_equal(ta_metadata_parse(c, "https://evil.example", doc, strlen(doc), &md),
	                 TA_E_PROTOCOL);
	assert_non_null(strstr(ta_client_message(c), "another issuer"));
	ta_client_free(c);
}

static void metadata_good(void **state)
{
	static const char doc[] =
		"{\"issuer\":\"https://idp.example.com\","
		"\"authorization_endpoint\":\"https://idp.example.com/auth\","
		"\"token_endpoint\":\"https://idp.example.com/token\","
		"\"userinfo_endpoint\":\"https://idp.example.com/me\","
		"\"jwks_uri\":\"https://idp.example.com/jwks\","
		"\"device_authorization_endpoint\":\"https://idp.example.com/device\","
		"\"revocation_endpoint\":\"https://idp.example.com/revoke\","
		"\"introspection_endpoint\":\"https://idp.example.com/introspect\","
		"\"registration_endpoint\":\"https://idp.example.com/reg\","
		"\"pushed_authorization_request_endpoint\":\"https://idp.example.com/par\","
		"\"code_challenge_methods_supported\":[\"plain\",\"S256\"],"
		"\"authorization_response_iss_parameter_supported\":true,"
		"\"response_types_supported\":[\"code\"]}";
	struct ta_metadata md;

	(void)state;
	assert_int_equal(ta_metadata_parse(NULL, MD_ISSUER, doc, strlen(doc), &md), TA_OK);
	assert_string_equal(md.issuer, "https://idp.example.com");
	assert_string_equal(md.authorization_endpoint, "https://idp.example.com/auth");
	assert_string_equal(md.token_endpoint, "https://idp.example.com/token");
	assert_string_equal(md.userinfo_endpoint, "https://idp.example.com/me");
	assert_string_equal(md.jwks_uri, "https://idp.example.com/jwks");
	assert_string_equal(md.device_authorization_endpoint, "https://idp.example.com/device");
	assert_string_equal(md.revocation_endpoint, "https://idp.example.com/revoke");
	assert_string_equal(md.introspection_endpoint, "https://idp.example.com/introspect");
	assert_string_equal(md.registration_endpoint, "https://idp.example.com/reg");
	assert_string_equal(md.pushed_authorization_request_endpoint, "https://idp.example.com/par");
	assert_int_equal(md.iss_parameter_supported, 1);
	assert_int_equal(md.par_required, 0);
	ta_metadata_clear(&md);
	assert_null(md.issuer);
	assert_null(md.token_endpoint);
}

static void metadata_table(void **state)
{
#define AE "\"authorization_endpoint\":\"https://idp.example.com/a\""
#define TE "\"token_endpoint\":\"https://idp.example.com/t\""
#define ISS "\"issuer\":\"https://idp.example.com\""
	static const struct {
		const char *issuer; /* asked for */
		const char *doc;
		enum ta_result want;
		int iss_flag; /* for TA_OK */
	} rows[] = {
		{ MD_ISSUER, "{" ISS "," AE "," TE "}", TA_OK, 0 },
		{ MD_ISSUER "/", "{" ISS "," AE "," TE "}", TA_OK, 0 },
		{ MD_ISSUER, "{\"issuer\":\"https://idp.example.com/\"," AE "," TE "}", TA_OK, 0 },
		{ "http://127.0.0.1:9000", "{\"issuer\":\"http://127.0.0.1:9000\","
		  "\"authorization_endpoint\":\"http://127.0.0.1:9000/a\","
		  "\"token_endpoint\":\"http://localhost:9000/t\"}", TA_OK, 0 },
		{ MD_ISSUER, "{" ISS "," AE "," TE ",\"authorization_response_iss_parameter_supported\":true}",
		  TA_OK, 1 },
		{ MD_ISSUER, "{" ISS "," AE "," TE ",\"authorization_response_iss_parameter_supported\":false}",
		  TA_OK, 0 },
		{ MD_ISSUER, "{" ISS "," AE "," TE ",\"authorization_response_iss_parameter_supported\":\"true\"}",
		  TA_OK, 0 },
		{ MD_ISSUER, "{" ISS "," AE "," TE ",\"code_challenge_methods_supported\":[\"S256\"]}",
		  TA_OK, 0 },
		{ MD_ISSUER, "{" ISS "," AE "," TE ",\"unknown\":{\"a\":[1,2]}}", TA_OK, 0 },
		/* the issuer */
		{ MD_ISSUER, "{\"issuer\":\"https://evil.example.com\"," AE "," TE "}",
		  TA_E_PROTOCOL, 0 },
		{ MD_ISSUER, "{\"issuer\":\"https://idp.example.com.evil.com\"," AE "," TE "}",
		  TA_E_PROTOCOL, 0 },
		{ MD_ISSUER, "{\"issuer\":\"https://idp.example.co\"," AE "," TE "}", TA_E_PROTOCOL, 0 },
		{ MD_ISSUER, "{\"issuer\":\"https://idp.example.com//\"," AE "," TE "}",
		  TA_E_PROTOCOL, 0 },
		{ MD_ISSUER, "{\"issuer\":\"HTTPS://IDP.EXAMPLE.COM\"," AE "," TE "}",
		  TA_E_PROTOCOL, 0 },
		{ MD_ISSUER, "{" AE "," TE "}", TA_E_PROTOCOL, 0 },
		{ MD_ISSUER, "{\"issuer\":null," AE "," TE "}", TA_E_PROTOCOL, 0 },
		/* endpoints */
		{ MD_ISSUER, "{" ISS "," AE "}", TA_E_PROTOCOL, 0 },
		{ MD_ISSUER, "{" ISS "," TE "}", TA_E_PROTOCOL, 0 },
		{ MD_ISSUER, "{" ISS "," AE ",\"token_endpoint\":null}", TA_E_PROTOCOL, 0 },
		{ MD_ISSUER, "{" ISS "," AE ",\"token_endpoint\":[\"https://x\"]}", TA_E_PROTOCOL, 0 },
		{ MD_ISSUER, "{" ISS "," AE ",\"token_endpoint\":\"http://idp.example.com/t\"}",
		  TA_E_INSECURE, 0 },
		{ MD_ISSUER, "{" ISS ",\"authorization_endpoint\":\"http://idp.example.com/a\"," TE "}",
		  TA_E_INSECURE, 0 },
		{ MD_ISSUER, "{" ISS "," AE "," TE ",\"jwks_uri\":\"http://idp.example.com/j\"}",
		  TA_E_INSECURE, 0 },
		{ MD_ISSUER, "{" ISS "," AE "," TE ",\"revocation_endpoint\":\"http://127.0.0.1.evil.com/r\"}",
		  TA_E_INSECURE, 0 },
		{ MD_ISSUER, "{" ISS "," AE ",\"token_endpoint\":\"ftp://idp.example.com/t\"}",
		  TA_E_PROTOCOL, 0 },
		{ MD_ISSUER, "{" ISS "," AE ",\"token_endpoint\":\"https://u@idp.example.com/t\"}",
		  TA_E_PROTOCOL, 0 },
		{ MD_ISSUER, "{" ISS "," AE "," TE ",\"userinfo_endpoint\":5}", TA_E_PROTOCOL, 0 },
		/* PKCE */
		{ MD_ISSUER, "{" ISS "," AE "," TE ",\"code_challenge_methods_supported\":[\"plain\"]}",
		  TA_E_PROTOCOL, 0 },
		{ MD_ISSUER, "{" ISS "," AE "," TE ",\"code_challenge_methods_supported\":[]}",
		  TA_E_PROTOCOL, 0 },
		{ MD_ISSUER, "{" ISS "," AE "," TE ",\"code_challenge_methods_supported\":\"S256\"}",
		  TA_E_PROTOCOL, 0 },
		{ MD_ISSUER, "{" ISS "," AE "," TE ",\"code_challenge_methods_supported\":[\"s256\"]}",
		  TA_E_PROTOCOL, 0 },
		/* the document */
		{ MD_ISSUER, "", TA_E_PROTOCOL, 0 },
		{ MD_ISSUER, "<html>", TA_E_PROTOCOL, 0 },
		{ MD_ISSUER, "[{" ISS "," AE "," TE "}]", TA_E_PROTOCOL, 0 },
		{ MD_ISSUER, "{" ISS "," AE "," TE "," TE "}", TA_E_PROTOCOL, 0 },
		{ MD_ISSUER, "{" ISS "," AE "," TE "}x", TA_E_PROTOCOL, 0 },
	};
#undef AE
#undef TE
#undef ISS
	size_t i;

	(void)state;
	for (i = 0; i < NELEMS(rows); i++) {
		struct ta_client *c;
		struct ta_metadata md;
		enum ta_result r;

		assert_int_equal(ta_client_new(&c), TA_OK);
		r = ta_metadata_parse(c, rows[i].issuer, rows[i].doc, strlen(rows[i].doc), &md);
		ROW_CHECK(r == rows[i].want, i, "'%s' gave %d (%s)", rows[i].doc, (int)r,
		          ta_client_message(c));
		if (r == TA_OK) {
			ROW_CHECK(md.authorization_endpoint && md.token_endpoint, i, "endpoints");
			ROW_CHECK(md.iss_parameter_supported == rows[i].iss_flag, i, "iss flag %d",
			          md.iss_parameter_supported);
		} else {
			ROW_CHECK(!md.issuer && !md.authorization_endpoint && !md.token_endpoint, i,
			          "metadata left behind on failure");
			ROW_CHECK(ta_client_message(c)[0] != '\0', i, "no message");
		}
		ta_metadata_clear(&md);
		ta_client_free(c);
	}
}

/* Pushed authorization requests (RFC 9126): the endpoint is read as the
 * others are, and an IdP that requires them must name it. */
static void metadata_par(void **state)
{
#define HEAD "{\"issuer\":\"https://idp.example.com\"," \
	"\"authorization_endpoint\":\"https://idp.example.com/a\"," \
	"\"token_endpoint\":\"https://idp.example.com/t\""
#define PAR ",\"pushed_authorization_request_endpoint\":\"https://idp.example.com/par\""
	static const struct {
		const char *doc;
		enum ta_result want;
		int endpoint, required; /* for TA_OK */
		const char *message;    /* for a failure: part of it */
	} rows[] = {
		{ HEAD "}", TA_OK, 0, 0, NULL },
		{ HEAD PAR "}", TA_OK, 1, 0, NULL },
		{ HEAD PAR ",\"require_pushed_authorization_requests\":false}", TA_OK, 1, 0, NULL },
		{ HEAD PAR ",\"require_pushed_authorization_requests\":true}", TA_OK, 1, 1, NULL },
		{ HEAD ",\"require_pushed_authorization_requests\":false}", TA_OK, 0, 0, NULL },
		{ HEAD ",\"require_pushed_authorization_requests\":true}", TA_E_PROTOCOL, 0, 0,
		  "requires pushed authorization requests but its metadata names no "
		  "pushed_authorization_request_endpoint" },
		{ HEAD PAR ",\"require_pushed_authorization_requests\":\"true\"}", TA_E_PROTOCOL, 0, 0,
		  "require_pushed_authorization_requests that is not true or false" },
		{ HEAD PAR ",\"require_pushed_authorization_requests\":1}", TA_E_PROTOCOL, 0, 0,
		  "not true or false" },
		{ HEAD ",\"pushed_authorization_request_endpoint\":\"http://idp.example.com/par\"}",
		  TA_E_INSECURE, 0, 0, "pushed_authorization_request_endpoint" },
		{ HEAD ",\"pushed_authorization_request_endpoint\":\"http://127.0.0.1:9/par\"}", TA_OK,
		  1, 0, NULL },
		{ HEAD ",\"pushed_authorization_request_endpoint\":7}", TA_E_PROTOCOL, 0, 0,
		  "lacks a usable pushed_authorization_request_endpoint" },
		{ HEAD ",\"pushed_authorization_request_endpoint\":null}", TA_E_PROTOCOL, 0, 0,
		  "lacks a usable pushed_authorization_request_endpoint" },
		{ HEAD PAR PAR "}", TA_E_PROTOCOL, 0, 0, "not a JSON object" },
	};
#undef HEAD
#undef PAR
	size_t i;

	(void)state;
	for (i = 0; i < NELEMS(rows); i++) {
		struct ta_client *c;
		struct ta_metadata md;
		enum ta_result r;

		assert_int_equal(ta_client_new(&c), TA_OK);
		r = ta_metadata_parse(c, MD_ISSUER, rows[i].doc, strlen(rows[i].doc), &md);
		ROW_CHECK(r == rows[i].want, i, "'%s' gave %d (%s)", rows[i].doc, (int)r,
		          ta_client_message(c));
		if (r == TA_OK) {
			ROW_CHECK(!!md.pushed_authorization_request_endpoint == rows[i].endpoint, i,
			          "endpoint %s", md.pushed_authorization_request_endpoint);
			ROW_CHECK(md.par_required == rows[i].required, i, "required %d",
			          md.par_required);
		} else {
			ROW_CHECK(!md.pushed_authorization_request_endpoint, i, "endpoint left behind");
			ROW_CHECK(strstr(ta_client_message(c), rows[i].message) != NULL, i,
			          "message '%s'", ta_client_message(c));
		}
		ta_metadata_clear(&md);
		ta_client_free(c);
	}
}

/* ---------------------------------------------------------------------- */

/* Messages are shown on the terminal, so text from the IdP goes through
 * ta_printable. ta_url_check quotes the URL it refuses when it is not an
 * http(s) URL at all ("the %s is not an http(s) URL: %s", url.c), and
 * discovery hands it endpoint values straight from the IdP's metadata: an
 * escape sequence in one reaches the terminal. */
static void metadata_message_is_printable(void **state)
{
	static const char *const docs[] = {
		"{\"issuer\":\"https://idp.example.com\","
		"\"authorization_endpoint\":\"https://idp.example.com/a\","
		"\"token_endpoint\":\"\\u001b]2;pwned\\u0007\\u001b[2J\"}",
		"{\"issuer\":\"https://idp.example.com\","
		"\"authorization_endpoint\":\"https://idp.example.com/a\","
		"\"token_endpoint\":\"https://idp.example.com/t\","
		"\"jwks_uri\":\"x\\u001b[31m\"}",
	};
	size_t i, k;

	(void)state;
	for (i = 0; i < NELEMS(docs); i++) {
		struct ta_client *c;
		struct ta_metadata md;
		const char *m;

		assert_int_equal(ta_client_new(&c), TA_OK);
		ROW_CHECK(ta_metadata_parse(c, "https://idp.example.com", docs[i], strlen(docs[i]),
		                            &md) == TA_E_PROTOCOL, i, "accepted");
		m = ta_client_message(c);
		for (k = 0; m[k]; k++)
			ROW_CHECK(m[k] >= 0x20 && m[k] < 0x7f, i, "message byte %zu is 0x%02x", k,
			          (unsigned char)m[k]);
		ta_metadata_clear(&md);
		ta_client_free(c);
	}
}

/* dpop_signing_alg_values_supported (RFC 9449 5.1): the names kept, joined;
 * a name no JWS algorithm has is left out; a value that is no list is as
 * none (only a DPoP sign-in needs it: no other sign-in may fail on it). */
static void metadata_dpop_algs(void **state)
{
#define DOC(algs) "{\"issuer\":\"https://idp.example.com\"," \
	"\"authorization_endpoint\":\"https://idp.example.com/a\"," \
	"\"token_endpoint\":\"https://idp.example.com/t\"" algs "}"
	static const struct {
		const char *doc, *want;
		enum ta_result r;
	} rows[] = {
		{ DOC(""), NULL, TA_OK },
		{ DOC(",\"dpop_signing_alg_values_supported\":[]"), "", TA_OK },
		{ DOC(",\"dpop_signing_alg_values_supported\":[\"ES256\",\"EdDSA\"]"), "ES256 EdDSA",
		  TA_OK },
		{ DOC(",\"dpop_signing_alg_values_supported\":[\"ES256\",\"bad name\",1,\"\",\"PS256\"]"),
		  "ES256 PS256", TA_OK },
		{ DOC(",\"dpop_signing_alg_values_supported\":[\"ES256 EdDSA\"]"), "", TA_OK },
		{ DOC(",\"dpop_signing_alg_values_supported\":\"ES256\""), NULL, TA_OK },
		{ DOC(",\"dpop_signing_alg_values_supported\":null"), NULL, TA_OK },
	};
	struct ta_metadata md;
	size_t i;

	(void)state;
	for (i = 0; i < NELEMS(rows); i++) {
		enum ta_result r = ta_metadata_parse(NULL, MD_ISSUER, rows[i].doc,
		                                     strlen(rows[i].doc), &md);
		ROW_CHECK(r == rows[i].r, i, "result %d, want %d", r, rows[i].r);
		if (r == TA_OK && rows[i].want)
			ROW_CHECK(md.dpop_algs && !strcmp(md.dpop_algs, rows[i].want), i,
			          "'%s', want '%s'", md.dpop_algs ? md.dpop_algs : "(null)", rows[i].want);
		else if (r == TA_OK)
			ROW_CHECK(!md.dpop_algs, i, "'%s', want none", md.dpop_algs);
		ta_metadata_clear(&md);
	}
#undef DOC
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(metadata_dpop_algs),
	cmocka_unit_test(metadata_good),
	cmocka_unit_test(metadata_table),
	cmocka_unit_test(issuer_template_table),
	cmocka_unit_test(metadata_template_in_host),
	cmocka_unit_test(metadata_par),
	cmocka_unit_test(metadata_message_is_printable),
};

UNIT_MAIN("discovery", tests)
