/*
 * fuzz_device_response.c - libFuzzer target for the device authorization
 * endpoint's answer (ta_device_response_parse, RFC 8628), read as a 200
 * answer and as a 400 OAuth error, in JSON or GitHub's form encoding. What
 * it accepts is shown to the person (the user code, the page to visit) and
 * polled with (the device code, the interval), so an accepted grant must be
 * printable, point at https (or loopback http) and have sane times; a
 * refused one must leave the grant empty, with a printable message.
 */
#include "fuzz.h"
#include "base/url.h"
#include "signin/device.h"

#define TEN_YEARS (10LL * 365 * 86400)

static int zero(const struct ta_device_grant *g)
{
	static const struct ta_device_grant z;

	return !memcmp(g, &z, sizeof(z));
}

static int shown(const char *s, size_t max)
{
	return s && *s && strlen(s) <= max && fuzz_printable(s);
}

static void parse(long status, const uint8_t *data, size_t size)
{
	struct ta_client *c = NULL;
	struct ta_device_grant g;
	enum ta_result r;

	FUZZ_CHECK(ta_client_new(&c) == TA_OK, "ta_client_new");
	memset(&g, 0x5a, sizeof(g)); /* the parser must not trust what was there */
	r = ta_device_response_parse(c, status, (const char *)data, size, &g);
	if (r == TA_OK) {
		FUZZ_CHECK(status == 200, "a grant from an error status");
		FUZZ_CHECK(shown(g.device_code, 4096), "device_code missing or not printable");
		FUZZ_CHECK(shown(g.user_code, 64), "user_code missing or not printable");
		FUZZ_CHECK(shown(g.verification_uri, 2048), "verification_uri missing or not printable");
		FUZZ_CHECK(!g.verification_uri_complete || shown(g.verification_uri_complete, 2048),
		           "verification_uri_complete not printable");
		FUZZ_CHECK(ta_url_check(NULL, "fuzz", g.verification_uri) == TA_OK,
		           "verification_uri is not https or loopback http");
		FUZZ_CHECK(!g.verification_uri_complete ||
		           ta_url_check(NULL, "fuzz", g.verification_uri_complete) == TA_OK,
		           "verification_uri_complete is not https or loopback http");
		FUZZ_CHECK(g.expires_in > 0 && g.expires_in <= TEN_YEARS, "expires_in out of range");
		FUZZ_CHECK(g.interval >= 1 && g.interval <= 3600, "interval out of range");
	} else {
		FUZZ_CHECK(zero(&g), "the grant is not cleared after a failure");
		FUZZ_CHECK(r == TA_E_PROTOCOL || r == TA_E_HTTP || r == TA_E_IDP ||
		           r == TA_E_DENIED || r == TA_E_INSECURE || r == TA_E_NOMEM,
		           "an unexpected result");
		FUZZ_CHECK(ta_client_message(c)[0], "a failure without a message");
	}
	FUZZ_CHECK(fuzz_printable(ta_client_message(c)), "the message is not printable");
	ta_device_grant_clear(&g);
	FUZZ_CHECK(zero(&g), "ta_device_grant_clear left something");
	ta_client_free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	parse(200, data, size);
	parse(400, data, size);
	return 0;
}
