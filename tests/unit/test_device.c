/*
 * test_device.c - unit tests of the device grant's parser
 * (lib/signin/device.c, RFC 8628): text from the network that decides what
 * the person sees and where their sign-in goes, so each refusal is pinned,
 * and a refused answer must leave nothing behind.
 */
#include "unit.h"
#include "base/result.h"
#include "signin/device.h"

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

		assert_int_equal(ta_client_new(&c), TA_OK);
		/* Whatever the struct held before is not trusted (nor freed). */
		memset(&g, 0xa5, sizeof(g));
		r = ta_device_response_parse(c, row->status, row->body, strlen(row->body), &g);
		ROW_CHECK(r == row->want, i, "%ld '%s' gave %d (%s)", row->status, row->body, (int)r,
		          ta_client_message(c));
		if (r == TA_OK) {
			unit_check_str(g.device_code, row->device_code, "device_code", i);
			unit_check_str(g.user_code, row->user_code, "user_code", i);
			unit_check_str(g.verification_uri, row->uri, "verification_uri", i);
			unit_check_str(g.verification_uri_complete, row->uri_complete,
			          "verification_uri_complete", i);
			ROW_CHECK(g.expires_in == row->expires_in, i, "expires_in %lld", g.expires_in);
			ROW_CHECK(g.interval == row->interval, i, "interval %d", g.interval);
		} else {
			ROW_CHECK(grant_is_zero(&g), i, "the grant is not cleared after a failure");
			ROW_CHECK(ta_client_message(c)[0] != '\0', i, "no message");
		}
		unit_check_message(ta_client_message(c), row->msg_has, i);
		/* The device code is a secret: never in a message. */
		ROW_CHECK(!strstr(ta_client_message(c), DC), i, "the device code is in the message");
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

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(device_response_table),
	cmocka_unit_test(device_response_idp_error_message),
	cmocka_unit_test(device_response_by_length),
	cmocka_unit_test(device_response_limits),
};

UNIT_MAIN("device", tests)

