/*
 * test_device.c - unit tests of the device grant's parser (lib/device.c,
 * RFC 8628) and of what it leans on: the IdP answers read as JSON or as
 * GitHub's form encoding (lib/response.c, also through the token parser of
 * lib/token.c), the provider presets (lib/provider.c), and the choice of
 * the browser or the device flow (ta_browser_usable, lib/browser.c). All of
 * it is text from the network or the environment that decides what the
 * person sees and where their sign-in goes, so each refusal is pinned, and
 * a refused answer must leave nothing behind.
 */
#include <jansson.h>
#include "unit.h"
#include "base/result.h"
#include "oauth/response.h"
#include "oauth/token.h"
#include "profile/client.h"
#include "profile/record.h"
#include "signin/browser.h"
#include "signin/device.h"

#define NOW 1700000000LL
#define TEN_YEARS (10LL * 365 * 86400)

/* The message is one line of printable ASCII (text from the IdP must go
 * through ta_printable before it can reach the terminal). */
static void check_printable(const char *m, size_t row)
{
	size_t k;

	for (k = 0; m[k]; k++)
		ROW_CHECK(m[k] >= 0x20 && m[k] < 0x7f, row, "message byte %zu is 0x%02x", k,
		          (unsigned char)m[k]);
}

static void check_str(const char *got, const char *want, const char *what, size_t row)
{
	ROW_CHECK(want ? got && !strcmp(got, want) : !got, row, "%s is '%s', want '%s'", what,
	          got ? got : "(null)", want ? want : "(null)");
}

static int grant_is_zero(const struct ta_device_grant *g)
{
	static const struct ta_device_grant zero;

	/* ta_device_grant_clear memsets the whole struct, padding included. */
	return !g->device_code && !g->user_code && !g->verification_uri &&
	       !g->verification_uri_complete && g->expires_in == 0 && g->interval == 0 &&
	       !memcmp(g, &zero, sizeof(zero));
}

/* ---------------------------------------------------------------------- */
/* ta_device_response_parse */

#define DC "GmRhmhcxhwAzkoEqiMEg_DnyEysNkuNhszIySk9eS"
#define FULL_JSON                                                                    \
	"{\"device_code\":\"" DC "\",\"user_code\":\"WDJB-MJHT\","                    \
	"\"verification_uri\":\"https://example.com/device\","                        \
	"\"verification_uri_complete\":\"https://example.com/device?user_code=WDJB-MJHT\"," \
	"\"expires_in\":1800,\"interval\":7}"

/* The members of a minimal valid JSON answer, to build variants from. */
#define M_DC "\"device_code\":\"dc-1\""
#define M_UC "\"user_code\":\"ABCD-1234\""
#define M_VU "\"verification_uri\":\"https://idp.example.com/device\""
#define M_EX "\"expires_in\":600"
#define MIN_JSON "{" M_DC "," M_UC "," M_VU "," M_EX "}"
/* A valid answer with one extra member (a later duplicate would be refused,
 * so the member must be one the base lacks). */
#define WITH(extra) "{" M_DC "," M_UC "," M_VU "," M_EX "," extra "}"
/* A valid answer but for one member, given as it should be. */
#define NO_DC "{" M_UC "," M_VU "," M_EX
#define NO_UC "{" M_DC "," M_VU "," M_EX
#define NO_VU "{" M_DC "," M_UC "," M_EX
#define NO_EX "{" M_DC "," M_UC "," M_VU

#define GITHUB_FORM                                                                   \
	"device_code=3584d83530557fdd1f46af8289938c8ef79f9dc5&user_code=ABCD-1234"  \
	"&verification_uri=https%3A%2F%2Fgithub.com%2Flogin%2Fdevice&expires_in=899&interval=5"

struct device_row {
	long status;
	const char *body;
	enum ta_result want;
	/* for TA_OK */
	const char *device_code, *user_code, *uri, *uri_complete;
	long long expires_in;
	int interval;
	/* for failures: what the message must name */
	const char *msg_has[2];
};

#define ACCEPT(body, dc, uc, uri, uric, exp, iv) \
	{ 200, body, TA_OK, dc, uc, uri, uric, exp, iv, { NULL, NULL } }
#define REFUSE(status, body, want, m1, m2) \
	{ status, body, want, NULL, NULL, NULL, NULL, 0, 0, { m1, m2 } }
#define IDP_URI "https://idp.example.com/device"

static const struct device_row device_rows[] = {
	/* accepted */
	ACCEPT(FULL_JSON, DC, "WDJB-MJHT", "https://example.com/device",
	       "https://example.com/device?user_code=WDJB-MJHT", 1800, 7),
	ACCEPT(MIN_JSON, "dc-1", "ABCD-1234", IDP_URI, NULL, 600, 5),
	ACCEPT("{" M_DC "," M_UC "," M_VU ",\"expires_in\":\"900\",\"interval\":\"10\"}", "dc-1",
	       "ABCD-1234", IDP_URI, NULL, 900, 10),
	ACCEPT(GITHUB_FORM, "3584d83530557fdd1f46af8289938c8ef79f9dc5", "ABCD-1234",
	       "https://github.com/login/device", NULL, 899, 5),
	/* Google's spelling */
	ACCEPT("{\"device_code\":\"AH-1Ng\",\"user_code\":\"GQVQ-JKEC\","
	       "\"verification_url\":\"https://www.google.com/device\",\"expires_in\":1800,"
	       "\"interval\":5}",
	       "AH-1Ng", "GQVQ-JKEC", "https://www.google.com/device", NULL, 1800, 5),
	/* both spellings: the standard one wins */
	ACCEPT(WITH("\"verification_url\":\"https://other.example.com/\""), "dc-1", "ABCD-1234",
	       IDP_URI, NULL, 600, 5),
	ACCEPT(WITH("\"interval\":0"), "dc-1", "ABCD-1234", IDP_URI, NULL, 600, 5),
	ACCEPT(WITH("\"interval\":1"), "dc-1", "ABCD-1234", IDP_URI, NULL, 600, 1),
	ACCEPT(WITH("\"interval\":3600"), "dc-1", "ABCD-1234", IDP_URI, NULL, 600, 3600),
	ACCEPT(NO_EX ",\"expires_in\":1}", "dc-1", "ABCD-1234", IDP_URI, NULL, 1, 5),
	ACCEPT(NO_VU ",\"verification_uri\":\"http://127.0.0.1:9000/device\"}", "dc-1",
	       "ABCD-1234", "http://127.0.0.1:9000/device", NULL, 600, 5),
	ACCEPT(NO_VU ",\"verification_uri\":\"http://localhost/device\"}", "dc-1", "ABCD-1234",
	       "http://localhost/device", NULL, 600, 5),
	ACCEPT(WITH("\"future\":{\"a\":[1,null]},\"error\":42"), "dc-1", "ABCD-1234", IDP_URI,
	       NULL, 600, 5),

	/* a required member missing, or not a usable string */
	REFUSE(200, NO_DC "}", TA_E_PROTOCOL, "device_code", NULL),
	REFUSE(200, NO_UC "}", TA_E_PROTOCOL, "user_code", NULL),
	REFUSE(200, NO_VU "}", TA_E_PROTOCOL, "verification_ur", NULL),
	REFUSE(200, NO_EX "}", TA_E_PROTOCOL, "expires_in", NULL),
	REFUSE(200, NO_DC ",\"device_code\":null}", TA_E_PROTOCOL, "device_code", NULL),
	REFUSE(200, NO_DC ",\"device_code\":42}", TA_E_PROTOCOL, "device_code", NULL),
	REFUSE(200, NO_DC ",\"device_code\":\"\"}", TA_E_PROTOCOL, "device_code", NULL),
	REFUSE(200, NO_UC ",\"user_code\":[\"ABCD\"]}", TA_E_PROTOCOL, "user_code", NULL),
	REFUSE(200, NO_VU ",\"verification_uri\":null}", TA_E_PROTOCOL, "verification_uri", NULL),
	/* expires_in */
	REFUSE(200, NO_EX ",\"expires_in\":0}", TA_E_PROTOCOL, "expires_in", NULL),
	REFUSE(200, NO_EX ",\"expires_in\":-1}", TA_E_PROTOCOL, "expires_in", NULL),
	REFUSE(200, NO_EX ",\"expires_in\":\"-5\"}", TA_E_PROTOCOL, "expires_in", NULL),
	REFUSE(200, NO_EX ",\"expires_in\":\"0\"}", TA_E_PROTOCOL, "expires_in", NULL),
	REFUSE(200, NO_EX ",\"expires_in\":\"abc\"}", TA_E_PROTOCOL, "expires_in", NULL),
	REFUSE(200, NO_EX ",\"expires_in\":1.5}", TA_E_PROTOCOL, "expires_in", NULL),
	REFUSE(200, NO_EX ",\"expires_in\":null}", TA_E_PROTOCOL, "expires_in", NULL),
	REFUSE(200, NO_EX ",\"expires_in\":315360001}", TA_E_PROTOCOL, "expires_in", NULL),
	/* interval */
	REFUSE(200, WITH("\"interval\":\"abc\""), TA_E_PROTOCOL, "interval", NULL),
	REFUSE(200, WITH("\"interval\":99999"), TA_E_PROTOCOL, "interval", NULL),
	REFUSE(200, WITH("\"interval\":3601"), TA_E_PROTOCOL, "interval", NULL),
	REFUSE(200, WITH("\"interval\":-1"), TA_E_PROTOCOL, "interval", NULL),
	REFUSE(200, WITH("\"interval\":true"), TA_E_PROTOCOL, "interval", NULL),
	REFUSE(200, WITH("\"interval\":\"5s\""), TA_E_PROTOCOL, "interval", NULL),
	/* codes that would paint the terminal, or not fit on it */
	REFUSE(200, NO_UC ",\"user_code\":\"AB\\u0001CD\"}", TA_E_PROTOCOL, "user_code", NULL),
	REFUSE(200, NO_UC ",\"user_code\":\"AB\\u001b[2JCD\"}", TA_E_PROTOCOL, "user_code", NULL),
	REFUSE(200, NO_UC ",\"user_code\":\"ABCD\\n1234\"}", TA_E_PROTOCOL, "user_code", NULL),
	REFUSE(200, NO_UC ",\"user_code\":\"AB\\u007fCD\"}", TA_E_PROTOCOL, "user_code", NULL),
	REFUSE(200, NO_UC ",\"user_code\":\"caf\\u00e9\"}", TA_E_PROTOCOL, "user_code", NULL),
	REFUSE(200, NO_UC ",\"user_code\":\"0123456789012345678901234567890123456789012345678901234567890123X\"}",
	       TA_E_PROTOCOL, "user_code", NULL),
	REFUSE(200, NO_DC ",\"device_code\":\"dc\\u001b\"}", TA_E_PROTOCOL, "device_code", NULL),
	REFUSE(200,
	       "device_code=dc&user_code=AB%1B%5B2JCD&verification_uri=https%3A%2F%2Fgithub.com%2Flogin%2Fdevice&expires_in=899",
	       TA_E_PROTOCOL, "user_code", NULL),
	/* the page the person is sent to */
	REFUSE(200, NO_VU ",\"verification_uri\":\"http://idp.example.com/device\"}", TA_E_INSECURE,
	       "plain http", "http://idp.example.com/device"),
	REFUSE(200, NO_VU ",\"verification_uri\":\"http://127.0.0.1.evil.com/device\"}",
	       TA_E_INSECURE, "plain http", NULL),
	REFUSE(200, WITH("\"verification_uri_complete\":\"http://idp.example.com/device?c=1\""),
	       TA_E_INSECURE, "plain http", NULL),
	REFUSE(200, NO_VU ",\"verification_uri\":\"ftp://idp.example.com/device\"}", TA_E_PROTOCOL,
	       "verification", NULL),
	REFUSE(200, NO_VU ",\"verification_uri\":\"javascript:alert(1)\"}", TA_E_PROTOCOL,
	       "verification", NULL),
	REFUSE(200, NO_VU ",\"verification_uri\":\"https://user@idp.example.com/device\"}",
	       TA_E_PROTOCOL, "verification", NULL),
	REFUSE(200, NO_VU ",\"verification_uri\":\"https://idp.example.com/a b\"}", TA_E_PROTOCOL,
	       "verification", NULL),
	REFUSE(200, NO_VU ",\"verification_url\":\"http://evil.example.com/\"}", TA_E_INSECURE,
	       "plain http", NULL),
	REFUSE(200, WITH("\"verification_uri_complete\":null"), TA_E_PROTOCOL,
	       "verification_uri_complete", NULL),
	REFUSE(200, WITH("\"verification_uri_complete\":\"\""), TA_E_PROTOCOL,
	       "verification_uri_complete", NULL),
	/* neither JSON nor form */
	REFUSE(200, "<html><body>Hello</body></html>", TA_E_PROTOCOL, "not JSON", NULL),
	REFUSE(200, "", TA_E_PROTOCOL, "not JSON", NULL),
	REFUSE(200, "[1,2]", TA_E_PROTOCOL, "not JSON", NULL),
	REFUSE(200, MIN_JSON " trailing", TA_E_PROTOCOL, "not JSON", NULL),
	REFUSE(200, "{" M_DC "," M_DC "," M_UC "," M_VU "," M_EX "}", TA_E_PROTOCOL, "not JSON",
	       NULL),
	REFUSE(200, GITHUB_FORM "&user_code=EVIL-0000", TA_E_PROTOCOL, "not JSON", NULL),
	REFUSE(200, GITHUB_FORM "&x=%FF", TA_E_PROTOCOL, "not JSON", NULL),
	REFUSE(200, GITHUB_FORM "&x=%zz", TA_E_PROTOCOL, "not JSON", NULL),
	REFUSE(200, GITHUB_FORM "&x=a%00b", TA_E_PROTOCOL, "not JSON", NULL),
	/* OAuth errors, with any status (GitHub sends them with 200) */
	REFUSE(400, "{\"error\":\"unauthorized_client\",\"error_description\":\"nope\"}", TA_E_IDP,
	       "unauthorized_client", "nope"),
	REFUSE(200, "error=unauthorized_client&error_description=Client+not+enabled",
	       TA_E_IDP, "unauthorized_client", "Client not enabled"),
	REFUSE(200, WITH("\"error\":\"invalid_scope\""), TA_E_IDP, "invalid_scope", NULL),
	REFUSE(400, "{\"error\":\"access_denied\"}", TA_E_DENIED, "access_denied", NULL),
	REFUSE(400, "{\"error\":\"invalid_client\",\"error_description\":\"\\u001b]2;x\\u0007\"}",
	       TA_E_IDP, "invalid_client", "?]2;x?"),
	/* other failures of the endpoint */
	REFUSE(500, "<html><body>Internal Server Error</body></html>", TA_E_HTTP, "HTTP 500",
	       NULL),
	REFUSE(503, "<html><body class=\"x\">busy</body></html>", TA_E_HTTP, "HTTP 503", NULL),
	REFUSE(500, "", TA_E_HTTP, "HTTP 500", NULL),
	REFUSE(400, "{\"message\":\"bad\"}", TA_E_HTTP, "HTTP 400", NULL),
	REFUSE(400, MIN_JSON, TA_E_HTTP, "HTTP 400", NULL),
	REFUSE(302, MIN_JSON, TA_E_HTTP, "HTTP 302", NULL),
};

static void device_response_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < NELEMS(device_rows); i++) {
		const struct device_row *row = &device_rows[i];
		struct ta_device_grant g;
		struct ta_client *c;
		enum ta_result r;
		size_t k;

		assert_int_equal(ta_client_new(&c), TA_OK);
		/* Whatever the struct held before is not trusted (nor freed). */
		memset(&g, 0xa5, sizeof(g));
		r = ta_device_response_parse(c, row->status, row->body, strlen(row->body), &g);
		ROW_CHECK(r == row->want, i, "%ld '%s' gave %d (%s)", row->status, row->body, (int)r,
		          ta_client_message(c));
		if (r == TA_OK) {
			check_str(g.device_code, row->device_code, "device_code", i);
			check_str(g.user_code, row->user_code, "user_code", i);
			check_str(g.verification_uri, row->uri, "verification_uri", i);
			check_str(g.verification_uri_complete, row->uri_complete,
			          "verification_uri_complete", i);
			ROW_CHECK(g.expires_in == row->expires_in, i, "expires_in %lld", g.expires_in);
			ROW_CHECK(g.interval == row->interval, i, "interval %d", g.interval);
		} else {
			ROW_CHECK(grant_is_zero(&g), i, "the grant is not cleared after a failure");
			ROW_CHECK(ta_client_message(c)[0] != '\0', i, "no message");
		}
		for (k = 0; k < 2; k++)
			if (row->msg_has[k])
				ROW_CHECK(strstr(ta_client_message(c), row->msg_has[k]) != NULL, i,
				          "message '%s' lacks '%s'", ta_client_message(c),
				          row->msg_has[k]);
		/* The device code is a secret: never in a message. */
		ROW_CHECK(!strstr(ta_client_message(c), DC), i, "the device code is in the message");
		check_printable(ta_client_message(c), i);
		ta_device_grant_clear(&g);
		ROW_CHECK(grant_is_zero(&g), i, "ta_device_grant_clear left something");
		ta_client_free(c);
	}
}

/* The exact message of the case an embedder shows most: the IdP's error. */
static void device_response_idp_error_message(void **state)
{
	static const char body[] = "{\"error\":\"unauthorized_client\",\"error_description\":\"nope\"}";
	struct ta_device_grant g;
	struct ta_client *c;

	(void)state;
	assert_int_equal(ta_client_new(&c), TA_OK);
	assert_int_equal(ta_device_response_parse(c, 400, body, strlen(body), &g), TA_E_IDP);
	assert_string_equal(ta_client_message(c), "the IdP refused: unauthorized_client (nope)");
	assert_true(grant_is_zero(&g));
	ta_client_free(c);
}

/* The body is read by length, not up to a NUL: what follows is not read
 * (ASan would see an overread of the exact-size copy), and an inner NUL is
 * not a place to stop. No client handle is needed either. */
static void device_response_by_length(void **state)
{
	static const char full[] = FULL_JSON;
	char *copy = malloc(sizeof(full) - 1);
	struct ta_device_grant g;

	(void)state;
	assert_non_null(copy);
	memcpy(copy, full, sizeof(full) - 1); /* no NUL */
	assert_int_equal(ta_device_response_parse(NULL, 200, copy, sizeof(full) - 1, &g), TA_OK);
	assert_string_equal(g.user_code, "WDJB-MJHT");
	ta_device_grant_clear(&g);
	/* Cut short: not JSON any more. */
	assert_int_equal(ta_device_response_parse(NULL, 200, copy, sizeof(full) - 2, &g),
	                 TA_E_PROTOCOL);
	assert_true(grant_is_zero(&g));
	free(copy);
	{
		static const char nul[] = MIN_JSON "\0garbage";
		assert_int_equal(ta_device_response_parse(NULL, 200, nul, sizeof(nul) - 1, &g),
		                 TA_E_PROTOCOL);
		assert_true(grant_is_zero(&g));
	}
	/* Clearing twice, or a zeroed grant, is harmless. */
	ta_device_grant_clear(&g);
	ta_device_grant_clear(&g);
	assert_true(grant_is_zero(&g));
}

/* The longest codes accepted: 4096 for the device code, 64 for the one the
 * person types; one more is refused (above). */
static void device_response_limits(void **state)
{
	char dc[4097 + 1], uc[64 + 1], body[4400];
	struct ta_device_grant g;
	size_t n;

	(void)state;
	memset(dc, 'd', sizeof(dc) - 1);
	dc[sizeof(dc) - 1] = '\0';
	memset(uc, 'U', sizeof(uc) - 1);
	uc[sizeof(uc) - 1] = '\0';
	n = (size_t)snprintf(body, sizeof(body), "{\"device_code\":\"%.4096s\",\"user_code\":\"%s\","
	                     M_VU "," M_EX "}", dc, uc);
	assert_true(n < sizeof(body));
	assert_int_equal(ta_device_response_parse(NULL, 200, body, n, &g), TA_OK);
	assert_int_equal(strlen(g.device_code), 4096);
	assert_int_equal(strlen(g.user_code), 64);
	ta_device_grant_clear(&g);
	n = (size_t)snprintf(body, sizeof(body), "{\"device_code\":\"%s\",\"user_code\":\"%s\","
	                     M_VU "," M_EX "}", dc, uc);
	assert_true(n < sizeof(body));
	assert_int_equal(ta_device_response_parse(NULL, 200, body, n, &g), TA_E_PROTOCOL);
	assert_true(grant_is_zero(&g));
}

/* ---------------------------------------------------------------------- */
/* ta_token_response_parse with GitHub's form-encoded answers */

struct token_row {
	long status;
	const char *body;
	enum ta_result want;
	const char *access_token, *token_type, *scope, *refresh_token;
	long long expires_at;
	const char *msg_has[2];
};

static const struct token_row token_rows[] = {
	{ 200, "access_token=gho_x&scope=repo&token_type=bearer", TA_OK, "gho_x", "bearer", "repo",
	  NULL, 0, { NULL, NULL } },
	{ 200, "access_token=gho_16C7e42F292c6912E7710c838347Ae178B4a&scope=repo%2Cgist&token_type=bearer",
	  TA_OK, "gho_16C7e42F292c6912E7710c838347Ae178B4a", "bearer", "repo,gist", NULL, 0,
	  { NULL, NULL } },
	{ 200, "token_type=bearer&access_token=a+b%20c&expires_in=3600&refresh_token=ghr_1",
	  TA_OK, "a b c", "bearer", NULL, "ghr_1", NOW + 3600, { NULL, NULL } },
	{ 200, "&access_token=a&&token_type=bearer&", TA_OK, "a", "bearer", NULL, NULL, 0,
	  { NULL, NULL } },
	/* errors come with 200 */
	{ 200, "error=authorization_pending&error_description=The+authorization+request+is+still+pending."
	       "&error_uri=https%3A%2F%2Fdocs.github.com%2Fdevelopers",
	  TA_E_IDP, NULL, NULL, NULL, NULL, 0,
	  { "authorization_pending", "The authorization request is still pending." } },
	{ 200, "error=slow_down&error_description=Too+many+requests&interval=10", TA_E_IDP, NULL,
	  NULL, NULL, NULL, 0, { "slow_down", "Too many requests" } },
	{ 200, "error=expired_token", TA_E_IDP, NULL, NULL, NULL, NULL, 0,
	  { "expired_token", NULL } },
	{ 200, "error=access_denied", TA_E_DENIED, NULL, NULL, NULL, NULL, 0,
	  { "access_denied", NULL } },
	{ 200, "error=access_denied&error_description=The+user+has+denied+your+application+access.",
	  TA_E_DENIED, NULL, NULL, NULL, NULL, 0, { "access_denied", "denied your application" } },
	{ 400, "error=bad_verification_code", TA_E_IDP, NULL, NULL, NULL, NULL, 0,
	  { "bad_verification_code", NULL } },
	{ 500, "error=server_error", TA_E_IDP, NULL, NULL, NULL, NULL, 0, { "server_error", NULL } },
	{ 200, "error=incorrect_client_credentials&error_description=%1B%5D2%3Bx%07", TA_E_IDP, NULL,
	  NULL, NULL, NULL, 0, { "incorrect_client_credentials", "(?]2;x?)" } },
	/* refused as a whole: duplicates, bytes that are not UTF-8, bad escapes */
	{ 200, "access_token=a&access_token=b&token_type=bearer", TA_E_PROTOCOL, NULL, NULL, NULL,
	  NULL, 0, { NULL, NULL } },
	{ 200, "error=authorization_pending&error=access_denied", TA_E_PROTOCOL, NULL, NULL, NULL,
	  NULL, 0, { NULL, NULL } },
	{ 200, "access_token=gho_x&scope=repo&token_type=bearer&scope=admin", TA_E_PROTOCOL, NULL,
	  NULL, NULL, NULL, 0, { NULL, NULL } },
	{ 200, "access_token=%FF&token_type=bearer", TA_E_PROTOCOL, NULL, NULL, NULL, NULL, 0,
	  { NULL, NULL } },
	{ 200, "access_token=a&token_type=bearer&x=%C3%28", TA_E_PROTOCOL, NULL, NULL, NULL, NULL, 0,
	  { NULL, NULL } },
	{ 200, "%FF=x&access_token=a&token_type=bearer", TA_E_PROTOCOL, NULL, NULL, NULL, NULL, 0,
	  { NULL, NULL } },
	{ 400, "error=%FF", TA_E_HTTP, NULL, NULL, NULL, NULL, 0, { "HTTP 400", NULL } },
	{ 200, "access_token=a%00b&token_type=bearer", TA_E_PROTOCOL, NULL, NULL, NULL, NULL, 0,
	  { NULL, NULL } },
	{ 200, "access_token=a%zzb&token_type=bearer", TA_E_PROTOCOL, NULL, NULL, NULL, NULL, 0,
	  { NULL, NULL } },
	{ 200, "access_token=a%2&token_type=bearer", TA_E_PROTOCOL, NULL, NULL, NULL, NULL, 0,
	  { NULL, NULL } },
	{ 200, "access_token=a&token_type=bearer&x={}", TA_E_PROTOCOL, NULL, NULL, NULL, NULL, 0,
	  { NULL, NULL } },
	/* a form answer is held to the same rules as a JSON one */
	{ 200, "access_token=a&scope=repo", TA_E_PROTOCOL, NULL, NULL, NULL, NULL, 0,
	  { "token_type", NULL } },
	{ 200, "access_token&token_type=bearer", TA_E_PROTOCOL, NULL, NULL, NULL, NULL, 0,
	  { "access_token", NULL } },
	{ 200, "access_token=a&token_type=bearer&expires_in=abc", TA_E_PROTOCOL, NULL, NULL, NULL,
	  NULL, 0, { "expires_in", NULL } },
	{ 200, "access_token=a&token_type=bearer&scope=repo%1B%5B2J", TA_E_PROTOCOL, NULL, NULL,
	  NULL, NULL, 0, { "scope", NULL } },
	{ 302, "access_token=a&token_type=bearer", TA_E_HTTP, NULL, NULL, NULL, NULL, 0,
	  { "HTTP 302", NULL } },
	{ 500, "<html><body>Internal Server Error</body></html>", TA_E_HTTP, NULL, NULL, NULL, NULL,
	  0, { "HTTP 500", NULL } },
	/* 33 parameters: more than a form answer may have */
	{ 200, "access_token=a&token_type=bearer&a1=1&a2=1&a3=1&a4=1&a5=1&a6=1&a7=1&a8=1&a9=1"
	       "&b1=1&b2=1&b3=1&b4=1&b5=1&b6=1&b7=1&b8=1&b9=1&c1=1&c2=1&c3=1&c4=1&c5=1&c6=1&c7=1"
	       "&c8=1&c9=1&d1=1&d2=1&d3=1&d4=1",
	  TA_E_PROTOCOL, NULL, NULL, NULL, NULL, 0, { NULL, NULL } },
};

static void token_response_form_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < NELEMS(token_rows); i++) {
		const struct token_row *row = &token_rows[i];
		struct ta_session *s = NULL;
		struct ta_client *c;
		enum ta_result r;
		size_t k;

		assert_int_equal(ta_client_new(&c), TA_OK);
		r = ta_token_response_parse(c, row->status, row->body, strlen(row->body), NOW, &s);
		ROW_CHECK(r == row->want, i, "%ld '%s' gave %d (%s)", row->status, row->body, (int)r,
		          ta_client_message(c));
		if (r == TA_OK) {
			ROW_CHECK(s != NULL, i, "no session");
			check_str(ta_session_access_token(s), row->access_token, "access_token", i);
			check_str(ta_session_token_type(s), row->token_type, "token_type", i);
			check_str(ta_session_scope(s), row->scope, "scope", i);
			check_str(ta_session_refresh_token(s), row->refresh_token, "refresh_token", i);
			ROW_CHECK(ta_session_expires_at(s) == row->expires_at, i, "expires_at %lld",
			          ta_session_expires_at(s));
		} else {
			ROW_CHECK(s == NULL, i, "a session on failure");
			ROW_CHECK(ta_client_message(c)[0] != '\0', i, "no message");
		}
		for (k = 0; k < 2; k++)
			if (row->msg_has[k])
				ROW_CHECK(strstr(ta_client_message(c), row->msg_has[k]) != NULL, i,
				          "message '%s' lacks '%s'", ta_client_message(c),
				          row->msg_has[k]);
		check_printable(ta_client_message(c), i);
		ta_session_free(s);
		ta_client_free(c);
	}
}

/* GitHub Apps (client ids "Iv1.…", as in termauth's own --help example)
 * get tokens without scopes, and GitHub says so with an empty scope:
 * `scope=` in the form answer, "scope":"" in JSON. RFC 6749 makes scope
 * optional; an empty one means none more than the request's, so it is
 * taken as absent (it once failed the sign-in at the very end). */
static void token_response_empty_scope(void **state)
{
	static const char *const bodies[] = {
		"access_token=ghu_x&expires_in=28800&refresh_token=ghr_y"
		"&refresh_token_expires_in=15897600&scope=&token_type=bearer",
		"{\"access_token\":\"ghu_x\",\"expires_in\":28800,\"refresh_token\":\"ghr_y\","
		"\"refresh_token_expires_in\":15897600,\"scope\":\"\",\"token_type\":\"bearer\"}",
	};
	char seen[2][TA_MESSAGE_MAX];
	int ok[2] = { 0, 0 };
	size_t i;

	(void)state;
	for (i = 0; i < NELEMS(bodies); i++) {
		struct ta_session *s = NULL;
		struct ta_client *c;
		enum ta_result r;

		assert_int_equal(ta_client_new(&c), TA_OK);
		r = ta_token_response_parse(c, 200, bodies[i], strlen(bodies[i]), NOW, &s);
		snprintf(seen[i], sizeof(seen[i]), "%d %s", (int)r, ta_client_message(c));
		if (r == TA_OK) {
			/* Either no scope or an empty one is right; what was asked
			 * for is filled in later (login.c). */
			const char *scope = ta_session_scope(s);
			ok[i] = !strcmp(ta_session_access_token(s), "ghu_x") &&
			        !strcmp(ta_session_refresh_token(s), "ghr_y") &&
			        ta_session_expires_at(s) == NOW + 28800 && (!scope || !*scope);
		}
		ta_session_free(s);
		ta_client_free(c);
	}
	UNIT_ASSERT_MSG(ok[0] && ok[1],
	               "lib/token.c take_string(): an empty \"scope\" (GitHub App tokens) is refused: "
	               "form: %s; JSON: %s", seen[0], seen[1]);
}

/* ---------------------------------------------------------------------- */
/* ta_response_seconds */

static void response_seconds_table(void **state)
{
	static const struct {
		const char *json;
		long long want;
	} rows[] = {
		{ "{\"s\":5}", 5 },
		{ "{\"s\":0}", 0 },
		{ "{\"s\":\"5\"}", 5 },
		{ "{\"s\":\"0\"}", 0 },
		{ "{\"s\":\"0900\"}", 900 },
		{ "{}", -1 },
		{ "{\"other\":5}", -1 },
		{ "{\"s\":315360000}", TEN_YEARS },
		{ "{\"s\":\"315360000\"}", TEN_YEARS },
		{ "{\"s\":315360001}", -2 },
		{ "{\"s\":\"315360001\"}", -2 },
		{ "{\"s\":-1}", -2 },
		{ "{\"s\":\"-1\"}", -2 },
		{ "{\"s\":\"-0\"}", -2 },
		{ "{\"s\":\"+5\"}", -2 },
		{ "{\"s\":\"\"}", -2 },
		{ "{\"s\":\"5 \"}", -2 },
		{ "{\"s\":\"5s\"}", -2 },
		{ "{\"s\":\"0x10\"}", -2 },
		{ "{\"s\":\"1e3\"}", -2 },
		{ "{\"s\":\"abc\"}", -2 },
		{ "{\"s\":\"99999999999999999999\"}", -2 },
		{ "{\"s\":\"-99999999999999999999\"}", -2 },
		{ "{\"s\":9223372036854775807}", -2 },
		{ "{\"s\":-9223372036854775808}", -2 },
		{ "{\"s\":5.0}", -2 },
		{ "{\"s\":1.5}", -2 },
		{ "{\"s\":true}", -2 },
		{ "{\"s\":null}", -2 },
		{ "{\"s\":[5]}", -2 },
		{ "{\"s\":{}}", -2 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < NELEMS(rows); i++) {
		json_t *o = json_loads(rows[i].json, 0, NULL);
		long long got;

		ROW_CHECK(o != NULL, i, "bad JSON in the table: %s", rows[i].json);
		got = ta_response_seconds(o, "s");
		json_decref(o);
		ROW_CHECK(got == rows[i].want, i, "%s gave %lld, want %lld", rows[i].json, got,
		          rows[i].want);
	}
}

/* A numeric string is digits only: not " 5" or "\n+5", which strtoll()
 * alone would take. */
static void response_seconds_white_space(void **state)
{
	static const char *const rows[] = {
		"{\"s\":\" 5\"}",
		"{\"s\":\"\\n5\"}",
		"{\"s\":\"\\t+5\"}",
		"{\"s\":\" -0\"}",
	};
	char seen[128] = "";
	size_t i, bad = 0;

	(void)state;
	for (i = 0; i < NELEMS(rows); i++) {
		json_t *o = json_loads(rows[i], 0, NULL);
		long long got;

		assert_non_null(o);
		got = ta_response_seconds(o, "s");
		json_decref(o);
		if (got != -2) {
			size_t n = strlen(seen);
			snprintf(seen + n, sizeof(seen) - n, " row %zu -> %lld;", i, got);
			bad++;
		}
	}
	UNIT_ASSERT_MSG(bad == 0,
	               "lib/response.c ta_response_seconds() accepts leading white space:%s", seen);
}

/* ---------------------------------------------------------------------- */
/* ta_response_error */

static void response_error_table(void **state)
{
	static const struct {
		const char *json;
		size_t errlen; /* 0: no buffer */
		enum ta_result want;
		const char *error;   /* copied out, when errlen */
		const char *message; /* exactly; NULL: left as it was */
	} rows[] = {
		{ "{}", 64, TA_OK, "", NULL },
		{ "{\"access_token\":\"a\"}", 64, TA_OK, "", NULL },
		{ "{\"error\":42}", 64, TA_OK, "", NULL },
		{ "{\"error\":null,\"error_description\":\"x\"}", 64, TA_OK, "", NULL },
		{ "{\"error\":[\"invalid_grant\"]}", 64, TA_OK, "", NULL },
		{ "{\"error\":{\"code\":\"x\"}}", 0, TA_OK, NULL, NULL },
		{ "{\"error\":\"invalid_grant\"}", 64, TA_E_IDP, "invalid_grant",
		  "the IdP refused: invalid_grant" },
		{ "{\"error\":\"invalid_grant\",\"error_description\":\"code expired\"}", 0, TA_E_IDP,
		  NULL, "the IdP refused: invalid_grant (code expired)" },
		{ "{\"error\":\"access_denied\",\"error_description\":\"no\"}", 64, TA_E_DENIED,
		  "access_denied", "the IdP refused: access_denied (no)" },
		{ "{\"error\":\"access_denied \"}", 64, TA_E_IDP, "access_denied ",
		  "the IdP refused: access_denied " },
		{ "{\"error\":\"invalid_grant\",\"error_description\":42}", 64, TA_E_IDP,
		  "invalid_grant", "the IdP refused: invalid_grant" },
		{ "{\"error\":\"invalid_grant\",\"error_description\":\"a\\u001b[2J\\r\\nb\\u0007\\t\\u007f\"}",
		  64, TA_E_IDP, "invalid_grant", "the IdP refused: invalid_grant (a?[2J??b??\?)" },
		{ "{\"error\":\"bad\\u001b]2;x\\u0007\",\"error_description\":\"caf\\u00e9\"}", 64,
		  TA_E_IDP, "bad?]2;x?", "the IdP refused: bad?]2;x? (caf?\?)" },
		{ "{\"error\":\"invalid_grant\"}", 4, TA_E_IDP, "inv", "the IdP refused: invalid_grant" },
		{ "{\"error\":\"\"}", 64, TA_E_IDP, "", "the IdP refused: " },
	};
	size_t i;

	(void)state;
	for (i = 0; i < NELEMS(rows); i++) {
		json_t *o = json_loads(rows[i].json, JSON_REJECT_DUPLICATES, NULL);
		char error[64];
		struct ta_client *c;
		enum ta_result r;

		ROW_CHECK(o != NULL, i, "bad JSON in the table: %s", rows[i].json);
		assert_int_equal(ta_client_new(&c), TA_OK);
		assert_int_equal(ta_fail(c, TA_E_ARG, "before"), TA_E_ARG);
		memset(error, 0, sizeof(error));
		r = ta_response_error(c, o, rows[i].errlen ? error : NULL, rows[i].errlen);
		json_decref(o);
		ROW_CHECK(r == rows[i].want, i, "%s gave %d", rows[i].json, (int)r);
		if (rows[i].errlen)
			ROW_CHECK(!strcmp(error, rows[i].error), i, "error '%s', want '%s'", error,
			          rows[i].error);
		ROW_CHECK(!strcmp(ta_client_message(c), rows[i].message ? rows[i].message : "before"),
		          i, "message '%s'", ta_client_message(c));
		check_printable(ta_client_message(c), i);
		ta_client_free(c);
	}
	/* A long description is cut, not overrun, and stays printable. */
	{
		char body[4096];
		json_t *o;
		struct ta_client *c;

		memset(body, 0, sizeof(body));
		memcpy(body, "{\"error\":\"x\",\"error_description\":\"", 34);
		memset(body + 34, 'd', 3000);
		memcpy(body + 34 + 3000, "\"}", 2);
		o = json_loads(body, 0, NULL);
		assert_non_null(o);
		assert_int_equal(ta_client_new(&c), TA_OK);
		assert_int_equal(ta_response_error(c, o, NULL, 0), TA_E_IDP);
		assert_true(strlen(ta_client_message(c)) < TA_MESSAGE_MAX);
		assert_true(strlen(ta_client_message(c)) > 100);
		check_printable(ta_client_message(c), 0);
		json_decref(o);
		ta_client_free(c);
	}
}

/* ---------------------------------------------------------------------- */
/* The provider presets (lib/provider.c) */

#define GH_AUTH "https://github.com/login/oauth/authorize"
#define GH_TOKEN "https://github.com/login/oauth/access_token"
#define GH_DEVICE "https://github.com/login/device/code"
#define MS "https://login.microsoftonline.com/"
#define MS_SCOPES "openid profile offline_access"

struct provider_row {
	const char *provider, *tenant;
	/* set by the person before the sign-in */
	const char *issuer_set, *scopes_set, *token_set;
	enum ta_result want;
	/* after ta_provider_fill */
	const char *issuer, *auth, *token, *device, *scopes;
};

static const struct provider_row provider_rows[] = {
	{ "github", NULL, NULL, NULL, NULL, TA_OK, NULL, GH_AUTH, GH_TOKEN, GH_DEVICE, "read:user" },
	{ "github", NULL, NULL, "repo gist", NULL, TA_OK, NULL, GH_AUTH, GH_TOKEN, GH_DEVICE,
	  "repo gist" },
	{ "github", NULL, NULL, NULL, "https://ghe.example.com/login/oauth/access_token", TA_OK,
	  NULL, GH_AUTH, "https://ghe.example.com/login/oauth/access_token", GH_DEVICE,
	  "read:user" },
	/* a tenant means nothing to the others */
	{ "github", "contoso", NULL, NULL, NULL, TA_OK, NULL, GH_AUTH, GH_TOKEN, GH_DEVICE,
	  "read:user" },
	{ "microsoft", "contoso", NULL, NULL, NULL, TA_OK, MS "contoso/v2.0", NULL, NULL, NULL,
	  MS_SCOPES },
	{ "microsoft", NULL, NULL, NULL, NULL, TA_OK, MS "organizations/v2.0", NULL, NULL, NULL,
	  MS_SCOPES },
	{ "microsoft", "common", NULL, NULL, NULL, TA_OK, MS "common/v2.0", NULL, NULL, NULL,
	  MS_SCOPES },
	{ "microsoft", "9188040d-6c67-4c5b-b112-36a304b66dad", NULL, "openid", NULL, TA_OK,
	  MS "9188040d-6c67-4c5b-b112-36a304b66dad/v2.0", NULL, NULL, NULL, "openid" },
	{ "microsoft", "contoso.onmicrosoft.com", NULL, NULL, NULL, TA_OK,
	  MS "contoso.onmicrosoft.com/v2.0", NULL, NULL, NULL, MS_SCOPES },
	{ "microsoft", "contoso/evil", NULL, NULL, NULL, TA_E_ARG, NULL, NULL, NULL, NULL, NULL },
	{ "microsoft", "/", NULL, NULL, NULL, TA_E_ARG, NULL, NULL, NULL, NULL, NULL },
	{ "microsoft", "contoso?x=1", NULL, NULL, NULL, TA_E_ARG, NULL, NULL, NULL, NULL, NULL },
	{ "microsoft", "contoso#x", NULL, NULL, NULL, TA_E_ARG, NULL, NULL, NULL, NULL, NULL },
	{ "microsoft", "contoso%2F..", NULL, NULL, NULL, TA_E_ARG, NULL, NULL, NULL, NULL, NULL },
	{ "microsoft",
	  "01234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890",
	  NULL, NULL, NULL, TA_E_ARG, NULL, NULL, NULL, NULL, NULL },
	{ "microsoft",
	  "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789",
	  NULL, NULL, NULL, TA_OK,
	  MS "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789/v2.0",
	  NULL, NULL, NULL, MS_SCOPES },
	/* an explicit issuer wins, and then the tenant is not even looked at */
	{ "microsoft", "contoso/evil", "https://login.example.com/t/v2.0", NULL, NULL, TA_OK,
	  "https://login.example.com/t/v2.0", NULL, NULL, NULL, MS_SCOPES },
	{ "google", NULL, NULL, NULL, NULL, TA_OK, "https://accounts.google.com", NULL, NULL, NULL,
	  "openid email profile" },
	{ "google", "contoso", NULL, NULL, NULL, TA_OK, "https://accounts.google.com", NULL, NULL,
	  NULL, "openid email profile" },
	{ "google", NULL, "https://accounts.example.com", "openid", NULL, TA_OK,
	  "https://accounts.example.com", NULL, NULL, NULL, "openid" },
	{ "gitlab", NULL, NULL, NULL, NULL, TA_OK, "https://gitlab.com", NULL, NULL, NULL,
	  "openid profile" },
	{ "gitlab", NULL, "https://gitlab.example.com", NULL, NULL, TA_OK,
	  "https://gitlab.example.com", NULL, NULL, NULL, "openid profile" },
	/* no provider: nothing is filled */
	{ NULL, "contoso", NULL, NULL, NULL, TA_OK, NULL, NULL, NULL, NULL, NULL },
};

static void provider_fill_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < NELEMS(provider_rows); i++) {
		const struct provider_row *row = &provider_rows[i];
		struct ta_client *c;
		enum ta_result r;

		assert_int_equal(ta_client_new(&c), TA_OK);
		/* The tenant after the provider: the preset is applied at sign-in,
		 * so the order of the options does not matter. */
		ROW_CHECK(ta_client_set(c, TA_OPT_PROVIDER, row->provider) == TA_OK, i, "provider");
		ROW_CHECK(ta_client_set(c, TA_OPT_TENANT, row->tenant) == TA_OK, i, "tenant");
		ROW_CHECK(ta_client_set(c, TA_OPT_ISSUER, row->issuer_set) == TA_OK, i, "issuer");
		ROW_CHECK(ta_client_set(c, TA_OPT_SCOPES, row->scopes_set) == TA_OK, i, "scopes");
		ROW_CHECK(ta_client_set(c, TA_OPT_TOKEN_ENDPOINT, row->token_set) == TA_OK, i, "token");
		r = ta_provider_fill(c);
		ROW_CHECK(r == row->want, i, "%s/%s gave %d (%s)", row->provider ? row->provider : "-",
		          row->tenant ? row->tenant : "-", (int)r, ta_client_message(c));
		if (r == TA_OK) {
			check_str(ta_client_get(c, TA_OPT_ISSUER), row->issuer, "issuer", i);
			check_str(ta_client_get(c, TA_OPT_AUTHORIZATION_ENDPOINT), row->auth,
			          "authorization endpoint", i);
			check_str(ta_client_get(c, TA_OPT_TOKEN_ENDPOINT), row->token, "token endpoint", i);
			check_str(ta_client_get(c, TA_OPT_DEVICE_ENDPOINT), row->device, "device endpoint",
			          i);
			check_str(ta_client_get(c, TA_OPT_SCOPES), row->scopes, "scopes", i);
			/* Filling again changes nothing. */
			ROW_CHECK(ta_provider_fill(c) == TA_OK, i, "second fill");
			check_str(ta_client_get(c, TA_OPT_ISSUER), row->issuer, "issuer again", i);
		} else {
			ROW_CHECK(strstr(ta_client_message(c), "tenant") != NULL, i, "message '%s'",
			          ta_client_message(c));
			/* Nothing half-filled. */
			check_str(ta_client_get(c, TA_OPT_ISSUER), NULL, "issuer", i);
		}
		ta_client_free(c);
	}
}

/* Forgetting the provider forgets the preset; an unknown one is refused
 * and the old one stays. */
static void provider_set_and_forget(void **state)
{
	struct ta_client *c;

	(void)state;
	assert_int_equal(ta_client_new(&c), TA_OK);
	assert_int_equal(ta_client_set(c, TA_OPT_PROVIDER, "github"), TA_OK);
	assert_int_equal(ta_client_set(c, TA_OPT_PROVIDER, "bitbucket"), TA_E_ARG);
	assert_non_null(strstr(ta_client_message(c), "bitbucket"));
	assert_string_equal(ta_client_get(c, TA_OPT_PROVIDER), "github");
	assert_int_equal(ta_client_set(c, TA_OPT_PROVIDER, NULL), TA_OK);
	assert_int_equal(ta_provider_fill(c), TA_OK);
	assert_null(ta_client_get(c, TA_OPT_TOKEN_ENDPOINT));
	assert_null(ta_client_get(c, TA_OPT_SCOPES));
	ta_client_free(c);
}

/* A tenant is a name (a GUID or a domain, or common/organizations/
 * consumers): it goes into the issuer URL, so an empty one, white space,
 * escape sequences and ".." are refused. */
static void provider_tenant_is_a_name(void **state)
{
	static const char *const tenants[] = { "", "a b", "a\x1b[2Jb", "..", "contoso\t" };
	char seen[400] = "";
	size_t i, bad = 0;

	(void)state;
	for (i = 0; i < NELEMS(tenants); i++) {
		struct ta_client *c;
		enum ta_result r;

		assert_int_equal(ta_client_new(&c), TA_OK);
		assert_int_equal(ta_client_set(c, TA_OPT_PROVIDER, "microsoft"), TA_OK);
		/* Refused when set (control characters) or when filled. */
		r = ta_client_set(c, TA_OPT_TENANT, tenants[i]);
		if (r == TA_OK)
			r = ta_provider_fill(c);
		if (r != TA_E_ARG) {
			size_t n = strlen(seen);
			char shown[80];
			ta_printable(shown, sizeof(shown),
			             ta_client_get(c, TA_OPT_ISSUER) ? ta_client_get(c, TA_OPT_ISSUER) : "");
			snprintf(seen + n, sizeof(seen) - n, " row %zu -> %d '%s';", i, (int)r, shown);
			bad++;
		}
		ta_client_free(c);
	}
	UNIT_ASSERT_MSG(bad == 0, "lib/provider.c ta_provider_fill() takes a tenant that is no name:%s",
	               seen);
}

/* What a preset filled is not the person's: a later change of tenant or
 * provider on the same handle takes effect (ta_login calls
 * ta_provider_fill each time). Otherwise, after github then google, the
 * token endpoint would stay GitHub's and Google's client id go there. */
static void provider_fill_follows_changes(void **state)
{
	struct ta_client *c;
	char tenant_issuer[200], google_token[200];
	int ok_tenant, ok_google;

	(void)state;
	assert_int_equal(ta_client_new(&c), TA_OK);
	assert_int_equal(ta_client_set(c, TA_OPT_PROVIDER, "microsoft"), TA_OK);
	assert_int_equal(ta_client_set(c, TA_OPT_TENANT, "contoso"), TA_OK);
	assert_int_equal(ta_provider_fill(c), TA_OK);
	assert_string_equal(ta_client_get(c, TA_OPT_ISSUER), MS "contoso/v2.0");
	assert_int_equal(ta_client_set(c, TA_OPT_TENANT, "fabrikam"), TA_OK);
	assert_int_equal(ta_provider_fill(c), TA_OK);
	snprintf(tenant_issuer, sizeof(tenant_issuer), "%s", ta_client_get(c, TA_OPT_ISSUER));
	ok_tenant = !strcmp(tenant_issuer, MS "fabrikam/v2.0");
	ta_client_free(c);

	assert_int_equal(ta_client_new(&c), TA_OK);
	assert_int_equal(ta_client_set(c, TA_OPT_PROVIDER, "github"), TA_OK);
	assert_int_equal(ta_provider_fill(c), TA_OK);
	assert_int_equal(ta_client_set(c, TA_OPT_PROVIDER, "google"), TA_OK);
	assert_int_equal(ta_provider_fill(c), TA_OK);
	snprintf(google_token, sizeof(google_token), "%s",
	         ta_client_get(c, TA_OPT_TOKEN_ENDPOINT) ? ta_client_get(c, TA_OPT_TOKEN_ENDPOINT)
	                                                 : "(none)");
	ok_google = !ta_client_get(c, TA_OPT_TOKEN_ENDPOINT) &&
	            !strcmp(ta_client_get(c, TA_OPT_SCOPES), "openid email profile");
	ta_client_free(c);
	UNIT_ASSERT_MSG(ok_tenant && ok_google,
	               "lib/provider.c ta_provider_fill() makes the preset sticky: tenant fabrikam "
	               "after contoso gives issuer %s; google after github keeps token endpoint %s",
	               tenant_issuer, google_token);
}

/* ---------------------------------------------------------------------- */
/* ta_browser_usable (lib/browser.c) */

static const char *const browser_vars[] = {
	"SSH_CONNECTION", "SSH_TTY", "BROWSER", "DISPLAY", "WAYLAND_DISPLAY", "container",
};

struct saved_env {
	char *value[NELEMS(browser_vars)];
};

static int browser_setup(void **state)
{
	struct saved_env *e = calloc(1, sizeof(*e));
	size_t i;

	if (!e)
		return -1;
	for (i = 0; i < NELEMS(browser_vars); i++)
		if (getenv(browser_vars[i]) && !(e->value[i] = strdup(getenv(browser_vars[i]))))
			return -1;
	*state = e;
	return 0;
}

static int browser_teardown(void **state)
{
	struct saved_env *e = *state;
	size_t i;

	for (i = 0; i < NELEMS(browser_vars); i++) {
		if (e->value[i])
			setenv(browser_vars[i], e->value[i], 1);
		else
			unsetenv(browser_vars[i]);
		free(e->value[i]);
	}
	free(e);
	return 0;
}

/* What browser.c looks at besides $container; this test cannot remove
 * those files, so it asks the same question. */
static int container_files(void)
{
	return access("/.dockerenv", F_OK) == 0 || access("/run/.containerenv", F_OK) == 0;
}

static void browser_usable_table(void **state)
{
	/* NULL: unset; "": set but empty, which counts as unset. */
	static const struct {
		const char *ssh_connection, *ssh_tty, *browser, *display, *wayland, *container;
		const char *option; /* TA_OPT_BROWSER */
		int want;
		const char *why;
		int display_row; /* the answer depends on this machine being a container */
	} rows[] = {
		{ "10.0.0.1 50000 10.0.0.2 22", NULL, "firefox", ":0", NULL, NULL, NULL, 0, "SSH", 0 },
		{ NULL, "/dev/pts/3", NULL, ":0", "wayland-0", NULL, NULL, 0, "SSH", 0 },
		{ "10.0.0.1 50000 10.0.0.2 22", NULL, NULL, NULL, NULL, NULL, "firefox", 0, "SSH", 0 },
		{ NULL, NULL, "firefox", NULL, NULL, NULL, NULL, 1, "BROWSER", 0 },
		{ NULL, NULL, "firefox", NULL, NULL, "podman", NULL, 1, "BROWSER", 0 },
		{ NULL, NULL, NULL, NULL, NULL, NULL, "firefox --new-window", 1, "BROWSER", 0 },
		{ "", "", "firefox", NULL, NULL, NULL, NULL, 1, "BROWSER", 0 },
		{ NULL, NULL, NULL, ":0", NULL, NULL, NULL, 1, "display", 1 },
		{ NULL, NULL, NULL, NULL, "wayland-0", NULL, NULL, 1, "display", 1 },
		{ NULL, NULL, "", ":0", NULL, "", NULL, 1, "display", 1 },
		{ NULL, NULL, NULL, ":0", NULL, "podman", NULL, 0, "container", 0 },
		{ NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, "DISPLAY", 2 },
		{ NULL, NULL, "", "", "", NULL, NULL, 0, "DISPLAY", 2 },
	};
	const int in_container = container_files();
	size_t i;

	(void)state;
	for (i = 0; i < NELEMS(rows); i++) {
		const char *values[] = { rows[i].ssh_connection, rows[i].ssh_tty, rows[i].browser,
			                 rows[i].display, rows[i].wayland, rows[i].container };
		struct ta_client *c;
		char why[128];
		size_t k;
		int got;

		for (k = 0; k < NELEMS(browser_vars); k++) {
			if (values[k])
				assert_int_equal(setenv(browser_vars[k], values[k], 1), 0);
			else
				assert_int_equal(unsetenv(browser_vars[k]), 0);
		}
		assert_int_equal(ta_client_new(&c), TA_OK);
		assert_int_equal(ta_client_set(c, TA_OPT_BROWSER, rows[i].option), TA_OK);
		memset(why, 'x', sizeof(why));
		got = ta_browser_usable(c, why, sizeof(why));
		ta_client_free(c);
		ROW_CHECK(memchr(why, '\0', sizeof(why)) != NULL, i, "why is not terminated");
		if (rows[i].display_row && in_container) {
			/* This machine is a container (/.dockerenv or
			 * /run/.containerenv): a display does not make the browser
			 * usable here, so the row's own answer cannot be seen. Only
			 * what the container rule says is checked. */
			ROW_CHECK(got == 0, i, "%d (%s) in a container", got, why);
			if (rows[i].display_row == 1)
				ROW_CHECK(strstr(why, "container") != NULL, i, "why '%s' in a container",
				          why);
			continue;
		}
		ROW_CHECK(got == rows[i].want, i, "gave %d (%s), want %d", got, why, rows[i].want);
		ROW_CHECK(strstr(why, rows[i].why) != NULL, i, "why '%s' lacks '%s'", why,
		          rows[i].why);
	}
	/* A small buffer is cut, not overrun; n == 0 writes nothing. */
	{
		struct ta_client *c;
		char why[4] = "abc", none[1] = { 'z' };

		assert_int_equal(setenv("SSH_CONNECTION", "1 2 3 4", 1), 0);
		assert_int_equal(ta_client_new(&c), TA_OK);
		assert_int_equal(ta_browser_usable(c, why, sizeof(why)), 0);
		assert_string_equal(why, "an ");
		assert_int_equal(ta_browser_usable(c, none, 0), 0);
		assert_int_equal(none[0], 'z');
		ta_client_free(c);
	}
}

#define BROWSER_TEST(f) cmocka_unit_test_setup_teardown(f, browser_setup, browser_teardown)

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(device_response_table),
	cmocka_unit_test(device_response_idp_error_message),
	cmocka_unit_test(device_response_by_length),
	cmocka_unit_test(device_response_limits),
	cmocka_unit_test(token_response_form_table),
	cmocka_unit_test(token_response_empty_scope),
	cmocka_unit_test(response_seconds_table),
	cmocka_unit_test(response_seconds_white_space),
	cmocka_unit_test(response_error_table),
	cmocka_unit_test(provider_fill_table),
	cmocka_unit_test(provider_set_and_forget),
	cmocka_unit_test(provider_tenant_is_a_name),
	cmocka_unit_test(provider_fill_follows_changes),
	BROWSER_TEST(browser_usable_table),
};

UNIT_MAIN("device", tests)
