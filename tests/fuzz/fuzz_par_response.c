/*
 * fuzz_par_response.c - libFuzzer target for a pushed authorization
 * request endpoint's answer (ta_par_response_parse, RFC 9126), read as a
 * 201, a 200 and a 400: text from the network whose request_uri goes into
 * the URL the terminal shows and the browser opens, and whose error ends
 * up in a message.
 */
#include <string.h>
#include "fuzz.h"
#include "oauth/par.h"

static void parse(long status, const uint8_t *data, size_t size)
{
	struct ta_client *c = NULL;
	struct ta_par p = { 0 };
	enum ta_result r;
	const char *u;

	FUZZ_CHECK(ta_client_new(&c) == TA_OK, "ta_client_new");
	r = ta_par_response_parse(c, status, (const char *)data, size, &p);
	if (r == TA_OK) {
		FUZZ_CHECK(status == 200 || status == 201, "a request_uri from an error status");
		u = p.request_uri;
		FUZZ_CHECK(u && *u, "TA_OK without a request_uri");
		FUZZ_CHECK(strlen(u) <= TA_PAR_REQUEST_URI_MAX, "request_uri too long");
		FUZZ_CHECK(fuzz_printable(u) && !strchr(u, ' ') && !strchr(u, '"') &&
		           !strchr(u, '<') && !strchr(u, '\\'), "request_uri holds a non-URI character");
		FUZZ_CHECK(strchr(u, ':') && strchr(u, ':') != u && strchr(u, ':')[1],
		           "request_uri is not absolute");
		FUZZ_CHECK(p.expires_in > 0 && p.expires_in <= 10LL * 365 * 86400,
		           "expires_in out of range");
		FUZZ_CHECK(ta_client_message(c)[0] == '\0', "a message after a success");
	} else {
		FUZZ_CHECK(!p.request_uri && !p.expires_in, "out set on failure");
		FUZZ_CHECK(r == TA_E_PROTOCOL || r == TA_E_HTTP || r == TA_E_IDP ||
		           r == TA_E_DENIED || r == TA_E_NOMEM, "an unexpected result");
		FUZZ_CHECK(ta_client_message(c)[0], "a failure without a message");
	}
	FUZZ_CHECK(fuzz_printable(ta_client_message(c)), "the message is not printable");
	ta_par_clear(&p);
	ta_client_free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	parse(201, data, size);
	parse(200, data, size);
	parse(400, data, size);
	return 0;
}
