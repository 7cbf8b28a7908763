/*
 * test_resource_metadata.c - unit tests of a protected resource's metadata
 * (RFC 9728) as lib/oauth/resource_metadata.c reads it, and of the
 * WWW-Authenticate reader it starts from (lib/oauth/www_authenticate.c):
 * well-known URLs, challenges good and malformed, documents good and
 * refused, the issuer and scope chosen. Fetching is t_mcp_server's.
 */
#include "unit.h"
#include "base/result.h"
#include "oauth/resource_metadata.h"
#include "oauth/www_authenticate.h"

/* ---------------------------------------------------------------------- */
/* Well-known URLs */

static void wellknown_table(void **state)
{
#define WK "/.well-known/oauth-protected-resource"
	static const struct {
		const char *resource;
		const char *want;      /* path-inserted; NULL: refused */
		const char *want_root;
	} rows[] = {
		{ "https://api.example.com/mcp", "https://api.example.com" WK "/mcp",
		  "https://api.example.com" WK },
		{ "https://api.example.com", "https://api.example.com" WK, "https://api.example.com" WK },
		{ "https://api.example.com/", "https://api.example.com" WK, "https://api.example.com" WK },
		{ "https://api.example.com/mcp/", "https://api.example.com" WK "/mcp",
		  "https://api.example.com" WK },
		{ "https://api.example.com/a/b", "https://api.example.com" WK "/a/b",
		  "https://api.example.com" WK },
		{ "https://api.example.com:8443/mcp", "https://api.example.com:8443" WK "/mcp",
		  "https://api.example.com:8443" WK },
		{ "https://api.example.com/p?x=1", "https://api.example.com" WK "/p?x=1",
		  "https://api.example.com" WK },
		{ "https://api.example.com?x=1", "https://api.example.com" WK "?x=1",
		  "https://api.example.com" WK },
		{ "https://api.example.com/?x=1", "https://api.example.com" WK "?x=1",
		  "https://api.example.com" WK },
		{ "http://127.0.0.1:8080/mcp", "http://127.0.0.1:8080" WK "/mcp",
		  "http://127.0.0.1:8080" WK },
		{ "http://[::1]:8080/mcp", "http://[::1]:8080" WK "/mcp", "http://[::1]:8080" WK },
		{ "HTTPS://api.example.com/mcp", "HTTPS://api.example.com" WK "/mcp",
		  "HTTPS://api.example.com" WK },
		/* not resource URLs */
		{ "https://api.example.com/mcp#x", NULL, NULL },
		{ "https://u@api.example.com/mcp", NULL, NULL },
		{ "https:///mcp", NULL, NULL },
		{ "ftp://api.example.com/mcp", NULL, NULL },
		{ "api.example.com/mcp", NULL, NULL },
		{ "", NULL, NULL },
	};
#undef WK
	size_t i;

	(void)state;
	for (i = 0; i < NELEMS(rows); i++) {
		char *got = ta_resource_wellknown_url(rows[i].resource, 0);
		char *root = ta_resource_wellknown_url(rows[i].resource, 1);

		if (!rows[i].want) {
			ROW_CHECK(!got && !root, i, "'%s' gave '%s'", rows[i].resource, got);
		} else {
			ROW_CHECK(got && !strcmp(got, rows[i].want), i, "'%s' gave '%s'",
			          rows[i].resource, got ? got : "(null)");
			ROW_CHECK(root && !strcmp(root, rows[i].want_root), i, "root of '%s': '%s'",
			          rows[i].resource, root ? root : "(null)");
		}
		free(got);
		free(root);
	}
}

static void resource_same_table(void **state)
{
	static const struct {
		const char *a, *b;
		int want;
	} rows[] = {
		{ "https://api.example.com/mcp", "https://api.example.com/mcp", 1 },
		{ "https://api.example.com", "https://api.example.com/", 1 },
		{ "https://api.example.com/", "https://api.example.com", 1 },
		{ "https://api.example.com:8443", "https://api.example.com:8443/", 1 },
		{ "https://api.example.com/mcp/", "https://api.example.com/mcp", 0 },
		{ "https://api.example.com/mcp", "https://api.example.com/mcp/", 0 },
		{ "https://api.example.com//", "https://api.example.com/", 0 },
		{ "https://API.example.com/mcp", "https://api.example.com/mcp", 0 },
		{ "https://api.example.com/MCP", "https://api.example.com/mcp", 0 },
		{ "https://api.example.com", "https://api.example.com/mcp", 0 },
		{ "https://api.example.com/mcp", "https://api.example.com/mcp2", 0 },
		{ "https://api.example.com.evil/mcp", "https://api.example.com/mcp", 0 },
		{ "http://api.example.com/mcp", "https://api.example.com/mcp", 0 },
		{ "https://api.example.com/mcp?a", "https://api.example.com/mcp", 0 },
		{ "", "", 1 },
		{ "", "/", 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < NELEMS(rows); i++)
		ROW_CHECK(ta_resource_same(rows[i].a, rows[i].b) == rows[i].want, i, "'%s' '%s'",
		          rows[i].a, rows[i].b);
}

/* ---------------------------------------------------------------------- */
/* WWW-Authenticate */

/* What one row expects: the challenges' schemes, with "=token68" or
 * " name=value" for each parameter, joined with "|" - e.g.
 * "bearer realm=x error=y|basic realm=z". */
static void render(const struct ta_challenges *ch, char *out, size_t cap)
{
	size_t i, j, n = 0;

	out[0] = '\0';
	for (i = 0; i < ch->n; i++) {
		n += (size_t)snprintf(out + n, cap - n, "%s%s", i ? "|" : "", ch->v[i].scheme);
		if (ch->v[i].token68)
			n += (size_t)snprintf(out + n, cap - n, "=%s", ch->v[i].token68);
		for (j = 0; j < ch->v[i].nparams; j++)
			n += (size_t)snprintf(out + n, cap - n, " %s=%s", ch->v[i].params[j].name,
			                      ch->v[i].params[j].value);
		assert_true(n < cap);
	}
}

static void challenges_table(void **state)
{
	static const struct {
		const char *value;
		const char *want; /* render()'s form; NULL: refused */
	} rows[] = {
		{ "Bearer resource_metadata=\"https://r.example/.well-known/oauth-protected-resource\"",
		  "bearer resource_metadata=https://r.example/.well-known/oauth-protected-resource" },
		{ "Bearer", "bearer" },
		{ "", "" },
		{ " , ,", "" },
		{ "bEaReR ReSoUrCe_MeTaDaTa=\"u\"", "bearer resource_metadata=u" },
		{ "Bearer error=\"invalid_token\", error_description=\"Missing Authorization header\", "
		  "resource_metadata=\"http://127.0.0.1:5/.well-known/oauth-protected-resource/mcp\"",
		  "bearer error=invalid_token error_description=Missing Authorization header "
		  "resource_metadata=http://127.0.0.1:5/.well-known/oauth-protected-resource/mcp" },
		/* several challenges, in one field or joined */
		{ "Basic realm=\"x\", Bearer scope=\"a b\"", "basic realm=x|bearer scope=a b" },
		{ "Basic realm=\"x\",Bearer scope=\"a b\"", "basic realm=x|bearer scope=a b" },
		{ "Newauth realm=\"apps\", type=1, title=\"Login to \\\"apps\\\"\", Basic realm=\"simple\"",
		  "newauth realm=apps type=1 title=Login to \"apps\"|basic realm=simple" },
		{ "DPoP algs=\"ES256 PS256\", Bearer", "dpop algs=ES256 PS256|bearer" },
		{ "Basic, Bearer", "basic|bearer" },
		{ "Bearer ,, realm=\"a\"", NULL },
		/* token68 */
		{ "Negotiate abc/DEF+123==", "negotiate=abc/DEF+123==" },
		{ "Negotiate abc=, Bearer", "negotiate=abc=|bearer" },
		{ "Foo abc", "foo=abc" },
		{ "Foo abc def", NULL },
		{ "Foo abc=, realm=x", NULL },
		/* tokens as values, white space around = */
		{ "Bearer error=invalid_token", "bearer error=invalid_token" },
		{ "Bearer error = invalid_token ,scope = \"x\"", "bearer error=invalid_token scope=x" },
		{ "Bearer\terror=a", "bearer error=a" },
		{ "Bearer realm=\"\"", "bearer realm=" },
		/* escapes */
		{ "Bearer realm=\"a\\\\b\"", "bearer realm=a\\b" },
		{ "Bearer realm=\"a\\\"b\"", "bearer realm=a\"b" },
		{ "Bearer realm=\"\\a\\b\"", "bearer realm=ab" },
		{ "Bearer realm=\"a,b=c\", error=x", "bearer realm=a,b=c error=x" },
		/* malformed */
		{ "Bearer realm=\"x", NULL },
		{ "Bearer realm=\"x\\", NULL },
		{ "Bearer realm=\"a\nb\"", NULL },
		{ "Bearer realm=\"a\001b\"", NULL },
		{ "Bearer realm=", "bearer=realm=" }, /* a token68, by the grammar */
		{ "Bearer realm=, error=x", NULL },
		{ "Bearer realm=\"x\" error=y", NULL },
		{ "Bearer realm=\"x\"y", NULL },
		{ "Bearer \"x\"", NULL },
		{ "Bearer=x", NULL },
		{ "=x", NULL },
		{ "Bearer realm=a, realm=b", NULL },
		{ "Bearer realm=a, REALM=b", NULL },
		{ "Bearer realm=a b", NULL },
		{ "Bearer realm=@", NULL },
		{ "Bé", NULL },
		{ "Bearer realm=\"caf\xc3\xa9\"", "bearer realm=caf\xc3\xa9" },
	};
	char got[512];
	size_t i;

	(void)state;
	for (i = 0; i < NELEMS(rows); i++) {
		struct ta_challenges ch;
		enum ta_result r = ta_challenges_parse(rows[i].value, strlen(rows[i].value), &ch);

		if (!rows[i].want) {
			ROW_CHECK(r == TA_E_PROTOCOL, i, "'%s' gave %d", rows[i].value, (int)r);
			ROW_CHECK(ch.n == 0 && !ch.v, i, "challenges left behind");
			continue;
		}
		ROW_CHECK(r == TA_OK, i, "'%s' gave %d", rows[i].value, (int)r);
		render(&ch, got, sizeof(got));
		ROW_CHECK(!strcmp(got, rows[i].want), i, "'%s' read as '%s'", rows[i].value, got);
		ta_challenges_clear(&ch);
	}
}

static void challenges_nul_and_lookup(void **state)
{
	static const char nul[] = "Bearer realm=\"a\0b\"";
	static const char two[] = "Basic realm=\"b\", Bearer resource_metadata=\"u\", scope=\"s\"";
	const struct ta_challenge *b;
	struct ta_challenges ch;

	(void)state;
	/* a NUL inside the value, as a length says: refused, never cut short */
	assert_int_equal(ta_challenges_parse(nul, sizeof(nul) - 1, &ch), TA_E_PROTOCOL);
	assert_int_equal(ta_challenges_parse(two, strlen(two), &ch), TA_OK);
	assert_non_null(b = ta_challenges_find(&ch, "bearer"));
	assert_string_equal(ta_challenge_param(b, "resource_metadata"), "u");
	assert_string_equal(ta_challenge_param(b, "scope"), "s");
	assert_null(ta_challenge_param(b, "realm"));
	assert_null(ta_challenges_find(&ch, "dpop"));
	ta_challenges_clear(&ch);
	assert_null(ch.v);
}

/* ---------------------------------------------------------------------- */
/* The metadata document */

#define RES "https://api.example.com/mcp"
#define URL "https://api.example.com/.well-known/oauth-protected-resource/mcp"

static void metadata_good(void **state)
{
	static const char doc[] =
		"{\"resource\":\"https://api.example.com/mcp\","
		"\"authorization_servers\":[\"https://idp.example.com\",\"http://127.0.0.1:9000/t\"],"
		"\"scopes_supported\":[\"openid\",\"mcp:tools\"],"
		"\"bearer_methods_supported\":[\"header\"],"
		"\"resource_name\":\"Example MCP\","
		"\"resource_documentation\":\"https://api.example.com/docs\","
		"\"dpop_signing_alg_values_supported\":[\"ES256\",\"EdDSA\"],"
		"\"dpop_bound_access_tokens_required\":true,"
		"\"signed_metadata\":\"eyJ.not.checked\",\"extra\":{\"x\":[1]}}";
	struct ta_resource_metadata md;
	const char *issuer;
	char *scope;

	(void)state;
	assert_int_equal(ta_resource_metadata_parse(NULL, RES, URL, doc, strlen(doc), &md), TA_OK);
	assert_string_equal(md.resource, RES);
	assert_string_equal(md.metadata_url, URL);
	assert_int_equal(md.authorization_servers.n, 2);
	assert_string_equal(md.authorization_servers.v[0], "https://idp.example.com");
	assert_string_equal(md.authorization_servers.v[1], "http://127.0.0.1:9000/t");
	assert_int_equal(md.scopes_supported.n, 2);
	assert_string_equal(md.scopes_supported.v[1], "mcp:tools");
	assert_int_equal(md.bearer_methods_supported.n, 1);
	assert_string_equal(md.bearer_methods_supported.v[0], "header");
	assert_string_equal(md.resource_name, "Example MCP");
	assert_int_equal(md.dpop_signing_alg_values_supported.n, 2);
	assert_string_equal(md.dpop_signing_alg_values_supported.v[1], "EdDSA");
	assert_int_equal(md.dpop_bound_access_tokens_required, 1);
	assert_null(md.challenge_scope);

	assert_int_equal(ta_resource_pick_issuer(NULL, &md, NULL, &issuer), TA_OK);
	assert_string_equal(issuer, "https://idp.example.com");
	assert_int_equal(ta_resource_pick_issuer(NULL, &md, "http://127.0.0.1:9000/t/", &issuer),
	                 TA_OK);
	assert_string_equal(issuer, "http://127.0.0.1:9000/t");
	assert_int_equal(ta_resource_pick_issuer(NULL, &md, "https://other.example.com", &issuer),
	                 TA_E_PROTOCOL);

	assert_int_equal(ta_resource_scope(&md, &scope), TA_OK);
	assert_string_equal(scope, "openid mcp:tools");
	free(scope);
	md.challenge_scope = strdup("mcp:read");
	assert_int_equal(ta_resource_scope(&md, &scope), TA_OK);
	assert_string_equal(scope, "mcp:read");
	free(scope);

	ta_resource_metadata_clear(&md);
	assert_null(md.resource);
	assert_null(md.authorization_servers.v);
}

static void metadata_minimal(void **state)
{
	static const char doc[] = "{\"resource\":\"https://api.example.com/mcp\"}";
	struct ta_resource_metadata md;
	const char *issuer = NULL;
	struct ta_client *c;
	char *scope;

	(void)state;
	assert_int_equal(ta_client_new(&c), TA_OK);
	assert_int_equal(ta_resource_metadata_parse(c, RES, URL, doc, strlen(doc), &md), TA_OK);
	assert_int_equal(md.authorization_servers.present, 0);
	assert_int_equal(md.dpop_bound_access_tokens_required, 0);
	assert_int_equal(ta_resource_scope(&md, &scope), TA_OK);
	assert_null(scope);
	assert_int_equal(ta_resource_pick_issuer(c, &md, NULL, &issuer), TA_E_PROTOCOL);
	assert_null(issuer);
	assert_non_null(strstr(ta_client_message(c), "names no authorization server"));
	ta_resource_metadata_clear(&md);
	ta_client_free(c);
}

static void metadata_table(void **state)
{
#define R "\"resource\":\"https://api.example.com/mcp\""
#define AS "\"authorization_servers\":[\"https://idp.example.com\"]"
	static const struct {
		const char *resource; /* asked for */
		const char *doc;
		enum ta_result want;
	} rows[] = {
		{ RES, "{" R "," AS "}", TA_OK },
		{ RES, "{" R ",\"authorization_servers\":[]}", TA_OK },
		{ RES, "{" R "," AS ",\"scopes_supported\":[]}", TA_OK },
		{ RES, "{" R "," AS ",\"bearer_methods_supported\":[]}", TA_OK },
		{ RES, "{" R "," AS ",\"dpop_bound_access_tokens_required\":false}", TA_OK },
		{ RES, "{" R "," AS ",\"jwks_uri\":\"https://api.example.com/jwks\"}", TA_OK },
		{ "https://api.example.com", "{\"resource\":\"https://api.example.com/\"," AS "}", TA_OK },
		{ "https://api.example.com/", "{\"resource\":\"https://api.example.com\"," AS "}", TA_OK },
		{ "http://127.0.0.1:5/mcp", "{\"resource\":\"http://127.0.0.1:5/mcp\","
		  "\"authorization_servers\":[\"http://localhost:6\"]}", TA_OK },
		/* the resource */
		{ RES, "{" AS "}", TA_E_PROTOCOL },
		{ RES, "{\"resource\":null," AS "}", TA_E_PROTOCOL },
		{ RES, "{\"resource\":[\"https://api.example.com/mcp\"]," AS "}", TA_E_PROTOCOL },
		{ RES, "{\"resource\":\"https://api.example.com/mcp/\"," AS "}", TA_E_PROTOCOL },
		{ RES, "{\"resource\":\"https://api.example.com\"," AS "}", TA_E_PROTOCOL },
		{ RES, "{\"resource\":\"https://api.example.com/\"," AS "}", TA_E_PROTOCOL },
		{ RES, "{\"resource\":\"https://evil.example.com/mcp\"," AS "}", TA_E_PROTOCOL },
		{ RES, "{\"resource\":\"https://API.EXAMPLE.COM/mcp\"," AS "}", TA_E_PROTOCOL },
		{ RES, "{\"resource\":\"\"," AS "}", TA_E_PROTOCOL },
		/* authorization servers */
		{ RES, "{" R ",\"authorization_servers\":[\"http://idp.example.com\"]}", TA_E_INSECURE },
		{ RES, "{" R ",\"authorization_servers\":[\"https://idp.example.com\","
		  "\"http://idp.example.com\"]}", TA_E_INSECURE },
		{ RES, "{" R ",\"authorization_servers\":[\"idp.example.com\"]}", TA_E_PROTOCOL },
		{ RES, "{" R ",\"authorization_servers\":[\"https://u@idp.example.com\"]}", TA_E_PROTOCOL },
		{ RES, "{" R ",\"authorization_servers\":[\"https://idp.example.com?x\"]}", TA_E_PROTOCOL },
		{ RES, "{" R ",\"authorization_servers\":[\"https://idp example.com\"]}", TA_E_PROTOCOL },
		{ RES, "{" R ",\"authorization_servers\":\"https://idp.example.com\"}", TA_E_PROTOCOL },
		{ RES, "{" R ",\"authorization_servers\":[1]}", TA_E_PROTOCOL },
		{ RES, "{" R ",\"authorization_servers\":[null]}", TA_E_PROTOCOL },
		{ RES, "{" R ",\"authorization_servers\":{}}", TA_E_PROTOCOL },
		/* other members */
		{ RES, "{" R "," AS ",\"scopes_supported\":[\"a b\"]}", TA_E_PROTOCOL },
		{ RES, "{" R "," AS ",\"scopes_supported\":[\"\"]}", TA_E_PROTOCOL },
		{ RES, "{" R "," AS ",\"scopes_supported\":[\"a\\\"b\"]}", TA_E_PROTOCOL },
		{ RES, "{" R "," AS ",\"scopes_supported\":\"a\"}", TA_E_PROTOCOL },
		{ RES, "{" R "," AS ",\"scopes_supported\":[\"caf\\u00e9\"]}", TA_E_PROTOCOL },
		{ RES, "{" R "," AS ",\"bearer_methods_supported\":\"header\"}", TA_E_PROTOCOL },
		{ RES, "{" R "," AS ",\"dpop_signing_alg_values_supported\":[5]}", TA_E_PROTOCOL },
		{ RES, "{" R "," AS ",\"dpop_bound_access_tokens_required\":\"true\"}", TA_E_PROTOCOL },
		{ RES, "{" R "," AS ",\"dpop_bound_access_tokens_required\":1}", TA_E_PROTOCOL },
		{ RES, "{" R "," AS ",\"resource_name\":7}", TA_E_PROTOCOL },
		{ RES, "{" R "," AS ",\"jwks_uri\":\"http://api.example.com/jwks\"}", TA_E_INSECURE },
		{ RES, "{" R "," AS ",\"resource_documentation\":5}", TA_E_PROTOCOL },
		{ RES, "{" R "," AS ",\"resource_tos_uri\":\"mailto:x@example.com\"}", TA_E_PROTOCOL },
		/* the document */
		{ RES, "", TA_E_PROTOCOL },
		{ RES, "<html>", TA_E_PROTOCOL },
		{ RES, "[{" R "}]", TA_E_PROTOCOL },
		{ RES, "{" R "," R "}", TA_E_PROTOCOL },
		{ RES, "{" R "," AS "," AS "}", TA_E_PROTOCOL },
		{ RES, "{" R "}x", TA_E_PROTOCOL },
		{ RES, "{\"resource\":\"https://api.example.com/mcp\\u0000\"}", TA_E_PROTOCOL },
	};
#undef R
#undef AS
	size_t i;

	(void)state;
	for (i = 0; i < NELEMS(rows); i++) {
		struct ta_resource_metadata md;
		struct ta_client *c;
		enum ta_result r;

		assert_int_equal(ta_client_new(&c), TA_OK);
		r = ta_resource_metadata_parse(c, rows[i].resource, URL, rows[i].doc,
		                               strlen(rows[i].doc), &md);
		ROW_CHECK(r == rows[i].want, i, "'%s' gave %d (%s)", rows[i].doc, (int)r,
		          ta_client_message(c));
		if (r == TA_OK) {
			ROW_CHECK(md.resource && md.metadata_url, i, "resource, URL");
		} else {
			ROW_CHECK(!md.resource && !md.authorization_servers.v && !md.metadata_url, i,
			          "metadata left behind on failure");
			ROW_CHECK(ta_client_message(c)[0] != '\0', i, "no message");
			ROW_CHECK(strstr(ta_client_message(c), URL) != NULL, i,
			          "the message does not name the document: %s", ta_client_message(c));
		}
		ta_resource_metadata_clear(&md);
		ta_client_free(c);
	}
}

static void metadata_mismatch_message(void **state)
{
	static const char doc[] = "{\"resource\":\"https://evil.example.com/\\u001b[31mmcp\"}";
	struct ta_resource_metadata md;
	struct ta_client *c;
	const char *m;
	size_t k;

	(void)state;
	assert_int_equal(ta_client_new(&c), TA_OK);
	assert_int_equal(ta_resource_metadata_parse(c, RES, URL, doc, strlen(doc), &md),
	                 TA_E_PROTOCOL);
	m = ta_client_message(c);
	assert_string_equal(m, "the protected-resource metadata at " URL " is for "
	                       "'https://evil.example.com/?[31mmcp', not for '" RES "' (RFC 9728 3.3): "
	                       "check the resource URL, or ask the resource's operators");
	for (k = 0; m[k]; k++)
		assert_true(m[k] >= 0x20 && m[k] < 0x7f);
	ta_client_free(c);
}

/* A resource off loopback names loopback authorization servers in vain
 * (RFC 9728 7.7); the person may still prefer one. */
static void pick_loopback(void **state)
{
	static const char only[] =
		"{\"resource\":\"https://api.example.com/mcp\","
		"\"authorization_servers\":[\"http://127.0.0.1:9000\",\"http://localhost:9001\"]}";
	static const char mixed[] =
		"{\"resource\":\"https://api.example.com/mcp\","
		"\"authorization_servers\":[\"http://127.0.0.1:9000\",\"https://idp.example.com\"]}";
	static const char local[] =
		"{\"resource\":\"http://127.0.0.1:5/mcp\","
		"\"authorization_servers\":[\"http://127.0.0.1:9000\"]}";
	struct ta_resource_metadata md;
	const char *issuer = NULL;
	struct ta_client *c;

	(void)state;
	assert_int_equal(ta_client_new(&c), TA_OK);
	assert_int_equal(ta_resource_metadata_parse(c, RES, URL, only, strlen(only), &md), TA_OK);
	assert_int_equal(ta_resource_pick_issuer(c, &md, NULL, &issuer), TA_E_INSECURE);
	assert_non_null(strstr(ta_client_message(c), "loopback"));
	assert_non_null(strstr(ta_client_message(c), "7.7"));
	assert_int_equal(ta_resource_pick_issuer(c, &md, "http://localhost:9001", &issuer), TA_OK);
	assert_string_equal(issuer, "http://localhost:9001");
	ta_resource_metadata_clear(&md);

	assert_int_equal(ta_resource_metadata_parse(c, RES, URL, mixed, strlen(mixed), &md), TA_OK);
	assert_int_equal(ta_resource_pick_issuer(c, &md, NULL, &issuer), TA_OK);
	assert_string_equal(issuer, "https://idp.example.com");
	ta_resource_metadata_clear(&md);

	/* Forms the resolver takes for loopback, or 0.0.0.0, which Linux
	 * connects here; https, so that the https rule does not decide. */
	{
		static const char *const near[] = {
			"https://127.1", "https://0x7f.1", "https://2130706433", "https://0177.0.0.1",
			"https://0.0.0.0", "https://[::ffff:127.0.0.1]", "https://[0:0:0:0:0:0:0:1]",
			"https://[::]", "https://localhost.", "https://LOCALHOST", "https://idp.localhost",
			"https://idp.localhost.:8443",
		};
		size_t i;

		for (i = 0; i < sizeof(near) / sizeof(near[0]); i++) {
			char doc[256];

			snprintf(doc, sizeof(doc),
			         "{\"resource\":\"https://api.example.com/mcp\",\"authorization_servers\":[\"%s\"]}",
			         near[i]);
			assert_int_equal(ta_resource_metadata_parse(c, RES, URL, doc, strlen(doc), &md), TA_OK);
			if (ta_resource_pick_issuer(c, &md, NULL, &issuer) != TA_E_INSECURE)
				fail_msg("'%s' was picked for a resource off loopback", near[i]);
			ta_resource_metadata_clear(&md);
		}
	}
	/* Names that only look near. */
	{
		static const char far[] =
			"{\"resource\":\"https://api.example.com/mcp\",\"authorization_servers\":"
			"[\"https://localhost.example.com\",\"https://128.0.0.1\"]}";

		assert_int_equal(ta_resource_metadata_parse(c, RES, URL, far, strlen(far), &md), TA_OK);
		assert_int_equal(ta_resource_pick_issuer(c, &md, NULL, &issuer), TA_OK);
		assert_string_equal(issuer, "https://localhost.example.com");
		ta_resource_metadata_clear(&md);
	}

	assert_int_equal(ta_resource_metadata_parse(c, "http://127.0.0.1:5/mcp", URL, local,
	                                            strlen(local), &md), TA_OK);
	assert_int_equal(ta_resource_pick_issuer(c, &md, NULL, &issuer), TA_OK);
	assert_string_equal(issuer, "http://127.0.0.1:9000");
	ta_resource_metadata_clear(&md);
	ta_client_free(c);
}

/* Lists and issuers are bounded, and a scope listed twice is asked once. */
static void metadata_bounds(void **state)
{
	char doc[8192], *scope = NULL;
	struct ta_resource_metadata md;
	struct ta_client *c;
	size_t n, i;

	(void)state;
	assert_int_equal(ta_client_new(&c), TA_OK);
	/* TA_METADATA_LIST_MAX scopes are taken, one more is not. */
	for (int more = 0; more < 2; more++) {
		n = (size_t)snprintf(doc, sizeof(doc), "{\"resource\":\"%s\",\"scopes_supported\":[", RES);
		for (i = 0; i < TA_METADATA_LIST_MAX + (size_t)more; i++)
			n += (size_t)snprintf(doc + n, sizeof(doc) - n, "%s\"s%zu\"", i ? "," : "", i);
		n += (size_t)snprintf(doc + n, sizeof(doc) - n, "]}");
		assert_int_equal(ta_resource_metadata_parse(c, RES, URL, doc, n, &md),
		                 more ? TA_E_PROTOCOL : TA_OK);
		if (more)
			assert_non_null(strstr(ta_client_message(c), "more than 64 scopes_supported"));
		ta_resource_metadata_clear(&md);
	}
	/* An issuer of TA_ISSUER_MAX bytes is taken, one more is not. */
	for (int more = 0; more < 2; more++) {
		char issuer[TA_ISSUER_MAX + 2];
		size_t len = TA_ISSUER_MAX + (size_t)more;

		memcpy(issuer, "https://idp.example.com/", 24);
		memset(issuer + 24, 'a', len - 24);
		issuer[len] = '\0';
		n = (size_t)snprintf(doc, sizeof(doc),
		                     "{\"resource\":\"%s\",\"authorization_servers\":[\"%s\"]}", RES, issuer);
		assert_int_equal(ta_resource_metadata_parse(c, RES, URL, doc, n, &md),
		                 more ? TA_E_PROTOCOL : TA_OK);
		if (more)
			assert_non_null(strstr(ta_client_message(c), "longer than 255 bytes"));
		ta_resource_metadata_clear(&md);
	}
	n = (size_t)snprintf(doc, sizeof(doc), "{\"resource\":\"%s\",\"scopes_supported\":"
	                     "[\"a\",\"b\",\"a\",\"c\",\"b\"]}", RES);
	assert_int_equal(ta_resource_metadata_parse(c, RES, URL, doc, n, &md), TA_OK);
	assert_int_equal(ta_resource_scope(&md, &scope), TA_OK);
	assert_string_equal(scope, "a b c");
	free(scope);
	ta_resource_metadata_clear(&md);
	ta_client_free(c);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(pick_loopback),
	cmocka_unit_test(metadata_bounds),
	cmocka_unit_test(wellknown_table),
	cmocka_unit_test(resource_same_table),
	cmocka_unit_test(challenges_table),
	cmocka_unit_test(challenges_nul_and_lookup),
	cmocka_unit_test(metadata_good),
	cmocka_unit_test(metadata_minimal),
	cmocka_unit_test(metadata_table),
	cmocka_unit_test(metadata_mismatch_message),
};

UNIT_MAIN("resource_metadata", tests)
