/*
 * fuzz_resource_metadata.c - libFuzzer target for a protected resource's
 * metadata (ta_resource_metadata_parse, RFC 9728): what it accepts decides
 * where a person is sent to sign in, so the document must be the
 * resource's own and every authorization server https or loopback, and
 * one on loopback (in any form, ta_url_may_be_loopback) is never picked
 * for this resource off loopback.
 */
#include "fuzz.h"
#include "base/result.h"
#include "base/url.h"
#include "oauth/resource_metadata.h"

#define RESOURCE "https://api.example.com/mcp"
#define URL "https://api.example.com/.well-known/oauth-protected-resource/mcp"

static int scope_token(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < 0x21 || *s == 0x22 || *s == 0x5c || *s > 0x7e)
			return 0;
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ta_resource_metadata md;
	struct ta_client *c = NULL;
	const char *issuer;
	enum ta_result r;
	char *scope;
	size_t i;

	FUZZ_CHECK(ta_client_new(&c) == TA_OK, "ta_client_new");
	r = ta_resource_metadata_parse(c, RESOURCE, URL, (const char *)data, size, &md);
	if (r == TA_OK) {
		FUZZ_CHECK(md.resource && ta_resource_same(md.resource, RESOURCE),
		           "a document for another resource");
		FUZZ_CHECK(md.metadata_url && !strcmp(md.metadata_url, URL), "metadata URL");
		for (i = 0; i < md.authorization_servers.n; i++)
			FUZZ_CHECK(ta_url_check(NULL, "issuer", md.authorization_servers.v[i]) == TA_OK,
			           "an authorization server that is not https or loopback");
		for (i = 0; i < md.scopes_supported.n; i++)
			FUZZ_CHECK(scope_token(md.scopes_supported.v[i]), "a scope that is not a token");
		FUZZ_CHECK(md.dpop_bound_access_tokens_required == 0 ||
		           md.dpop_bound_access_tokens_required == 1, "DPoP flag");
		/* The resource is off loopback: the first one that cannot
		 * reach this machine by its address alone. */
		for (i = 0; i < md.authorization_servers.n; i++)
			if (!ta_url_may_be_loopback(md.authorization_servers.v[i]))
				break;
		r = ta_resource_pick_issuer(c, &md, NULL, &issuer);
		if (r == TA_OK)
			FUZZ_CHECK(i < md.authorization_servers.n && issuer == md.authorization_servers.v[i],
			           "not the first issuer off loopback");
		else
			FUZZ_CHECK(r == (md.authorization_servers.n ? TA_E_INSECURE : TA_E_PROTOCOL) &&
			           i == md.authorization_servers.n, "an issuer not picked");
		for (i = 0; i < md.authorization_servers.n; i++)
			FUZZ_CHECK(strlen(md.authorization_servers.v[i]) <= TA_ISSUER_MAX, "a long issuer");
		FUZZ_CHECK(md.authorization_servers.n <= TA_METADATA_LIST_MAX &&
		           md.scopes_supported.n <= TA_METADATA_LIST_MAX, "a long list");
		FUZZ_CHECK(ta_resource_scope(&md, &scope) == TA_OK, "scope");
		FUZZ_CHECK(!scope == !md.scopes_supported.n, "scope and scopes_supported");
		free(scope);
	} else {
		FUZZ_CHECK(!md.resource && !md.authorization_servers.v && !md.scopes_supported.v &&
		           !md.metadata_url, "metadata left behind on failure");
		FUZZ_CHECK(ta_client_message(c)[0], "a failure without a message");
	}
	/* The message may quote the document: it must not paint the terminal. */
	FUZZ_CHECK(fuzz_printable(ta_client_message(c)), "the message is not printable");
	ta_resource_metadata_clear(&md);
	ta_client_free(c);
	return 0;
}
