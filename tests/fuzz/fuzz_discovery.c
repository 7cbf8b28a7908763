/*
 * fuzz_discovery.c - libFuzzer target for the IdP's metadata document
 * (ta_metadata_parse, OpenID Connect discovery / RFC 8414): what it accepts
 * decides where tokens and codes are sent, so every endpoint it hands back
 * must pass the https-or-loopback rule. The issuer it keeps (a template,
 * perhaps) must take no other origin's iss for its own.
 */
#include "fuzz.h"
#include "base/url.h"
#include "oauth/discovery.h"

#define ISSUER "https://idp.example.com"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ta_client *c = NULL;
	struct ta_metadata md;
	enum ta_result r;

	FUZZ_CHECK(ta_client_new(&c) == TA_OK, "ta_client_new");
	r = ta_metadata_parse(c, ISSUER, (const char *)data, size, &md);
	if (r == TA_OK) {
		const char *eps[] = {
			md.authorization_endpoint, md.token_endpoint, md.userinfo_endpoint,
			md.jwks_uri, md.device_authorization_endpoint, md.revocation_endpoint,
			md.introspection_endpoint, md.registration_endpoint,
			md.pushed_authorization_request_endpoint,
		};
		size_t i;

		static const char *const foreign[] = {
			"https://evil.example", "https://evil.example/", "https://idp.example.com.evil.example",
			"https://idp.example.co", "https://idp.example.comx", "http://idp.example.com",
			"https://idp.evil.com",
		};

		FUZZ_CHECK(md.issuer != NULL, "no issuer");
		for (i = 0; i < sizeof(foreign) / sizeof(foreign[0]); i++)
			FUZZ_CHECK(!ta_issuer_matches(md.issuer, foreign[i], NULL),
			           "the issuer takes another origin's iss");
		FUZZ_CHECK(md.authorization_endpoint && md.token_endpoint,
		           "a required endpoint is missing");
		for (i = 0; i < sizeof(eps) / sizeof(eps[0]); i++)
			FUZZ_CHECK(!eps[i] || ta_url_check(NULL, "endpoint", eps[i]) == TA_OK,
			           "an endpoint that is not https or loopback");
		FUZZ_CHECK(md.iss_parameter_supported == 0 || md.iss_parameter_supported == 1,
		           "iss flag");
		FUZZ_CHECK(!md.par_required || md.pushed_authorization_request_endpoint,
		           "PAR required without its endpoint");
	} else {
		FUZZ_CHECK(!md.issuer && !md.authorization_endpoint && !md.token_endpoint,
		           "metadata left behind on failure");
		FUZZ_CHECK(ta_client_message(c)[0], "a failure without a message");
	}
	/* The message may quote the document: it must not paint the terminal. */
	FUZZ_CHECK(fuzz_printable(ta_client_message(c)), "the message is not printable");
	ta_metadata_clear(&md);
	ta_client_free(c);
	return 0;
}
