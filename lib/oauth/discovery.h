/*
 * discovery.h - the IdP's metadata: OpenID Connect discovery, then RFC 8414
 * authorization server metadata.
 */
#ifndef TA_DISCOVERY_H
#define TA_DISCOVERY_H

#include <stddef.h>
#include "base/handle.h"

struct ta_metadata {
	char *issuer;
	char *authorization_endpoint;
	char *token_endpoint;
	char *userinfo_endpoint;
	char *jwks_uri;
	char *device_authorization_endpoint;
	char *revocation_endpoint;
	char *introspection_endpoint;
	char *registration_endpoint;
	char *pushed_authorization_request_endpoint; /* RFC 9126 */
	int iss_parameter_supported; /* RFC 9207 */
	/* dpop_signing_alg_values_supported (RFC 9449 5.1), the names that
	 * are JWS algorithm names joined with spaces; NULL when not listed. */
	char *dpop_algs;
	int par_required; /* require_pushed_authorization_requests */
};

/* 1 when issuers a and b are equal apart from one trailing slash on either
 * side. */
TA_HIDDEN int ta_issuer_equal(const char *a, const char *b);
/* 1 when actual is pattern, where pattern may hold one "{tenantid}" that
 * stands for one whole path segment after the origin (Microsoft's
 * multi-tenant issuer, https://login.microsoftonline.com/{tenantid}/v2.0);
 * with tenant given, the segment must be that tenant. A mark anywhere
 * else is no template: in a host it would let any IdP's iss through. */
TA_HIDDEN int ta_issuer_matches(const char *pattern, const char *actual,
                                const char *tenant);

/* Fetches and checks the metadata of issuer. */
TA_HIDDEN enum ta_result ta_discover(struct ta_client *c, const char *issuer,
                                     struct ta_metadata *md);
/* Parses a metadata document that must name issuer. Every endpoint must be
 * https (or loopback http); authorization and token endpoints are required;
 * PKCE S256 must be offered when the methods are listed; an IdP that
 * requires pushed authorization requests must name their endpoint. */
TA_HIDDEN enum ta_result ta_metadata_parse(struct ta_client *c, const char *issuer,
                                           const char *buf, size_t len,
                                           struct ta_metadata *md);
TA_HIDDEN void ta_metadata_clear(struct ta_metadata *md);

#endif
