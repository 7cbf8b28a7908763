/*
 * test_sts.c - unit tests of lib/oauth/sts.c: the STS endpoint chosen by
 * AWS's variables, STS's answers read into credentials or into a result
 * and message, and its times.
 */
#include <time.h>
#include "unit.h"
#include "oauth/sts.h"

#define OK_HEAD "<AssumeRoleWithWebIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">" \
	"<AssumeRoleWithWebIdentityResult><Credentials>"
#define OK_TAIL "</Credentials></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>"
#define CREDS(key, secret, token, exp) OK_HEAD "<AccessKeyId>" key "</AccessKeyId>" \
	"<SecretAccessKey>" secret "</SecretAccessKey><SessionToken>" token "</SessionToken>" \
	"<Expiration>" exp "</Expiration>" OK_TAIL
#define ERROR(code, msg) "<ErrorResponse><Error><Type>Sender</Type><Code>" code "</Code>" \
	"<Message>" msg "</Message></Error><RequestId>1</RequestId></ErrorResponse>"

static void clear_env(void)
{
	unsetenv("AWS_ENDPOINT_URL_STS");
	unsetenv("AWS_ENDPOINT_URL");
	unsetenv("AWS_REGION");
	unsetenv("AWS_DEFAULT_REGION");
}

static void endpoint_order(void **state)
{
	static const struct {
		const char *given, *sts, *any, *region, *default_region, *want;
		enum ta_result r;
	} rows[] = {
		{ NULL, NULL, NULL, NULL, NULL, "https://sts.amazonaws.com", TA_OK },
		{ "", "", "", "", "", "https://sts.amazonaws.com", TA_OK },
		{ NULL, NULL, NULL, NULL, "eu-west-1", "https://sts.eu-west-1.amazonaws.com", TA_OK },
		{ NULL, NULL, NULL, "eu-west-3", "eu-west-1", "https://sts.eu-west-3.amazonaws.com", TA_OK },
		{ NULL, NULL, NULL, "cn-north-1", NULL, "https://sts.cn-north-1.amazonaws.com.cn", TA_OK },
		{ NULL, NULL, "https://any.example", "eu-west-3", NULL, "https://any.example", TA_OK },
		{ NULL, "https://sts.example", "https://any.example", "eu-west-3", NULL,
		  "https://sts.example", TA_OK },
		{ "http://127.0.0.1:9/", "https://sts.example", "https://any.example", "eu-west-3",
		  NULL, "http://127.0.0.1:9/", TA_OK },
		{ NULL, "http://sts.example", NULL, NULL, NULL, NULL, TA_E_INSECURE },
		{ "http://sts.example", NULL, NULL, NULL, NULL, NULL, TA_E_INSECURE },
		{ NULL, NULL, "ftp://x", NULL, NULL, NULL, TA_E_ARG },
		{ NULL, NULL, NULL, "evil.com/x", NULL, NULL, TA_E_ARG },
		{ NULL, NULL, NULL, "EU-WEST-1", NULL, NULL, TA_E_ARG },
	};
	size_t i;

	(void)state;
	for (i = 0; i < NELEMS(rows); i++) {
		char *got = NULL;
		enum ta_result r;

		clear_env();
		if (rows[i].sts)
			setenv("AWS_ENDPOINT_URL_STS", rows[i].sts, 1);
		if (rows[i].any)
			setenv("AWS_ENDPOINT_URL", rows[i].any, 1);
		if (rows[i].region)
			setenv("AWS_REGION", rows[i].region, 1);
		if (rows[i].default_region)
			setenv("AWS_DEFAULT_REGION", rows[i].default_region, 1);
		r = ta_sts_endpoint(NULL, rows[i].given, &got);
		ROW_CHECK(r == rows[i].r, i, "gave %d", (int)r);
		if (rows[i].want)
			ROW_CHECK(got && !strcmp(got, rows[i].want), i, "gave '%s'", got ? got : "(null)");
		else
			ROW_CHECK(!got, i, "gave '%s'", got);
		free(got);
	}
	clear_env();
	/* AWS's switch: the variables ignored, an explicit endpoint kept. */
	setenv("AWS_ENDPOINT_URL_STS", "https://sts.example", 1);
	setenv("AWS_ENDPOINT_URL", "https://any.example", 1);
	setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true", 1);
	for (i = 0; i < 2; i++) {
		char *got = NULL;
		assert_int_equal(ta_sts_endpoint(NULL, i ? "https://given.example" : NULL, &got), TA_OK);
		assert_string_equal(got, i ? "https://given.example" : "https://sts.amazonaws.com");
		free(got);
	}
	unsetenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
	clear_env();
}

/* STS's Expiration for credentials that end secs from now. */
static void expiration(long long secs, char *out, size_t size)
{
	time_t t = time(NULL) + (time_t)secs;
	struct tm tm;

	assert_non_null(gmtime_r(&t, &tm));
	assert_true(strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm) > 0);
}

static void answer_credentials(void **state)
{
	struct ta_aws_credentials *cr = NULL;
	char exp[32], ok[1024];
	int expired = 1;

	(void)state;
	expiration(3600, exp, sizeof(exp));
	snprintf(ok, sizeof(ok), CREDS("ASIAEXAMPLE", "se/cr+et", "to&amp;ken=", "%s"), exp);
	assert_int_equal(ta_sts_answer(NULL, 200, ok, strlen(ok), "r", &cr, &expired), TA_OK);
	assert_int_equal(expired, 0);
	assert_string_equal(ta_aws_access_key_id(cr), "ASIAEXAMPLE");
	assert_string_equal(ta_aws_secret_access_key(cr), "se/cr+et");
	assert_string_equal(ta_aws_session_token(cr), "to&ken=");
	assert_int_equal(ta_aws_expires_at(cr), ta_sts_time(exp));
	ta_aws_credentials_free(cr);
	ta_aws_credentials_free(NULL);
}

/* Credentials STS would not give: already over, or lasting longer than
 * any STS gives (12 hours; an hour more for clocks apart). */
static void answer_expiry_bounded(void **state)
{
	static const struct {
		long long secs;
		enum ta_result r;
		const char *msg;
	} rows[] = {
		{ -3600, TA_E_PROTOCOL, "already past" },
		{ 30, TA_E_PROTOCOL, "already past" },
		{ 120, TA_OK, "" },
		{ 43200 + 3500, TA_OK, "" },
		{ 43200 + 3700, TA_E_PROTOCOL, "later than STS ever gives" },
		{ 10LL * 365 * 86400, TA_E_PROTOCOL, "later than STS ever gives" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < NELEMS(rows); i++) {
		struct ta_aws_credentials *cr = NULL;
		struct ta_client *c;
		char exp[32], body[1024];
		enum ta_result r;
		int expired;

		expiration(rows[i].secs, exp, sizeof(exp));
		snprintf(body, sizeof(body), CREDS("AK", "S", "T", "%s"), exp);
		assert_int_equal(ta_client_new(&c), TA_OK);
		r = ta_sts_answer(c, 200, body, strlen(body), "R", &cr, &expired);
		ROW_CHECK(r == rows[i].r, i, "gave %d: %s", (int)r, ta_client_message(c));
		ROW_CHECK(strstr(ta_client_message(c), rows[i].msg), i, "message: %s",
		          ta_client_message(c));
		ta_aws_credentials_free(cr);
		ta_client_free(c);
	}
}

static void answer_refused(void **state)
{
	static const struct {
		long status;
		const char *body;
		enum ta_result r;
		int expired;
		const char *msg;
	} rows[] = {
		{ 400, ERROR("InvalidIdentityToken", "No provider"), TA_E_VERIFY, 0,
		  "STS refused role R (HTTP 400, InvalidIdentityToken: No provider): check that IAM has an OIDC identity provider" },
		{ 403, ERROR("IDPRejectedClaim", "aud"), TA_E_VERIFY, 0, "IDPRejectedClaim: aud" },
		{ 400, ERROR("ExpiredTokenException", "old"), TA_E_EXPIRED, 1, "sign in again" },
		{ 403, ERROR("AccessDenied", "no"), TA_E_DENIED, 0, "trust policy" },
		{ 400, ERROR("Throttling", "slow"), TA_E_IDP, 0, "try again in a minute" },
		{ 400, ERROR("RequestLimitExceeded", "slow"), TA_E_IDP, 0, "try again in a minute" },
		{ 400, ERROR("IDPCommunicationError", "jwks"), TA_E_UNREACHABLE, 0, "could not reach the IdP" },
		{ 503, ERROR("ServiceUnavailable", "busy"), TA_E_UNREACHABLE, 0, "try again later" },
		{ 400, ERROR("ValidationError", "bad \xc3\xa9"), TA_E_IDP, 0, "(HTTP 400, ValidationError: bad ?" "?): check the role ARN" },
		{ 502, "<html>bad gateway</html>", TA_E_UNREACHABLE, 0, "STS answered HTTP 502: try again later" },
		{ 500, "not xml", TA_E_UNREACHABLE, 0, "STS answered HTTP 500: try again later" },
		{ 200, "not xml", TA_E_PROTOCOL, 0, "is not the XML it sends" },
		{ 200, "<Other/>", TA_E_PROTOCOL, 0, "neither credentials nor an error" },
		{ 200, CREDS("AK", "S", "T", "2026-13-02T15:31:31Z"), TA_E_PROTOCOL, 0, "no usable Expiration" },
		{ 200, CREDS("AK", "S S", "T", "2026-12-02T15:31:31Z"), TA_E_PROTOCOL, 0, "no usable SecretAccessKey" },
		{ 200, CREDS("AK", "S", "", "2026-12-02T15:31:31Z"), TA_E_PROTOCOL, 0, "no usable SessionToken" },
		{ 200, CREDS("A&quot;K", "S", "T", "2026-12-02T15:31:31Z"), TA_E_PROTOCOL, 0, "no usable AccessKeyId" },
		{ 200, CREDS("AK", "S", "T", "2030-02-31T15:31:31Z"), TA_E_PROTOCOL, 0, "no usable Expiration" },
		/* Credentials beside an Error, or split over two Credentials. */
		{ 200, OK_HEAD "<AccessKeyId>AK</AccessKeyId><SecretAccessKey>S</SecretAccessKey>"
		       "<SessionToken>T</SessionToken><Expiration>2030-01-01T00:00:00Z</Expiration>"
		       "</Credentials><Error><Code>AccessDenied</Code></Error>"
		       "</AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>",
		  TA_E_PROTOCOL, 0, "neither credentials nor an error" },
		{ 200, OK_HEAD "<AccessKeyId>AK</AccessKeyId><SecretAccessKey>S</SecretAccessKey>"
		       "</Credentials><Credentials><SessionToken>T</SessionToken>"
		       "<Expiration>2030-01-01T00:00:00Z</Expiration>" OK_TAIL,
		  TA_E_PROTOCOL, 0, "is not the XML it sends" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < NELEMS(rows); i++) {
		struct ta_aws_credentials *cr = NULL;
		struct ta_client *c;
		enum ta_result r;
		int expired = -1;

		assert_int_equal(ta_client_new(&c), TA_OK);
		r = ta_sts_answer(c, rows[i].status, rows[i].body, strlen(rows[i].body), "R", &cr,
		                  &expired);
		ROW_CHECK(r == rows[i].r, i, "gave %d: %s", (int)r, ta_client_message(c));
		ROW_CHECK(!cr, i, "credentials given");
		ROW_CHECK(expired == rows[i].expired, i, "expired %d", expired);
		ROW_CHECK(strstr(ta_client_message(c), rows[i].msg), i, "message: %s",
		          ta_client_message(c));
		ta_client_free(c);
	}
}

static void times(void **state)
{
	static const struct {
		const char *s;
		long long want;
	} rows[] = {
		{ "1970-01-01T00:00:00Z", 0 },
		{ "2026-12-02T15:31:31Z", 1796225491LL },
		{ "2026-12-02T15:31:31.123Z", 1796225491LL },
		{ "2026-12-02T15:31:31", -1 },
		{ "2026-12-02T15:31:31+00:00", -1 },
		{ "2026-12-02 15:31:31Z", -1 },
		{ "2026-12-02T15:31:31.Zx", -1 },
		{ "2026-12-02T15:31:31.1234567890Z", -1 },
		{ "2026-00-02T15:31:31Z", -1 },
		{ "2026-12-32T15:31:31Z", -1 },
		{ "2026-02-29T00:00:00Z", -1 }, /* no such day: not March 1st */
		{ "2026-04-31T00:00:00Z", -1 },
		{ "2028-02-29T00:00:00Z", 1835395200LL },
		{ "2026-12-02T24:31:31Z", -1 },
		{ "226-12-02T15:31:31Z", -1 },
		{ "", -1 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < NELEMS(rows); i++) {
		long long got = ta_sts_time(rows[i].s);
		ROW_CHECK(got == rows[i].want, i, "'%s' gave %lld", rows[i].s, got);
	}
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(endpoint_order),
	cmocka_unit_test(answer_credentials),
	cmocka_unit_test(answer_expiry_bounded),
	cmocka_unit_test(answer_refused),
	cmocka_unit_test(times),
};

UNIT_MAIN("sts", tests)
