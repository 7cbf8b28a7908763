/*
 * resource_metadata.h - a protected resource's metadata (OAuth 2.0
 * Protected Resource Metadata, RFC 9728): where it is, reading it, and
 * what a sign-in for the resource takes from it - the authorization server
 * to sign in at and the scopes to ask for. Not the authorization server's
 * own metadata (discovery.h), not the sign-in (signin/).
 */
#ifndef TA_RESOURCE_METADATA_H
#define TA_RESOURCE_METADATA_H

#include <stddef.h>
#include "base/handle.h"

struct ta_strings {
	char **v;
	size_t n;
	int present; /* the member was in the document (n may be 0: "[]") */
};

struct ta_resource_metadata {
	char *resource;                        /* equal to the URL asked for */
	struct ta_strings authorization_servers; /* issuers: https or loopback */
	struct ta_strings scopes_supported;    /* each a scope-token (RFC 6749 3.3) */
	struct ta_strings bearer_methods_supported;
	char *resource_name;                   /* for people; NULL when absent */
	struct ta_strings dpop_signing_alg_values_supported;
	int dpop_bound_access_tokens_required; /* 0 or 1 */
	/* Not from the document: where it was read, and the scope of the
	 * resource's 401 challenge (RFC 6750 3), when it gave one. */
	char *metadata_url;
	char *challenge_scope;
};

/* The well-known URL of resource's metadata (RFC 9728 3.1): "/.well-known/
 * oauth-protected-resource" inserted between the host and the path and
 * query, the path's terminating slash removed; with root, the form
 * without the path that the MCP specification (2025-11-25) tries second.
 * The resource must be an http(s) URL without fragment or userinfo.
 * Returns a new string (free()), or NULL when resource is not such a URL
 * or memory ran out. */
TA_HIDDEN char *ta_resource_wellknown_url(const char *resource, int root);

/* 1 when the metadata's resource a names the resource b: the same string
 * (RFC 9728 3.3: "identical"), or the same but for an empty path against
 * "/" ("https://h" and "https://h/" are one URI, RFC 3986 6.2.3). */
TA_HIDDEN int ta_resource_same(const char *a, const char *b);

#define TA_ISSUER_MAX 255        /* bytes of an authorization server's issuer */
#define TA_METADATA_LIST_MAX 64  /* entries of one of the document's lists */

/* Parses the document (len bytes) read from url, the metadata of
 * resource. TA_OK, or: TA_E_PROTOCOL for what is not a JSON object with
 * duplicate-free keys, members of the wrong type, a scope that is not a
 * scope-token, a resource that is not resource (the message says both),
 * an issuer over TA_ISSUER_MAX bytes, a list over TA_METADATA_LIST_MAX;
 * TA_E_INSECURE for an authorization server or other URL in plain http
 * off loopback. signed_metadata is not read (RFC 9728 2.2 lets a client
 * ignore it): the document is trusted as the TLS connection delivered
 * it. md is empty on failure; ta_resource_metadata_clear frees it. */
TA_HIDDEN enum ta_result ta_resource_metadata_parse(struct ta_client *c, const char *resource,
                                                    const char *url, const char *buf,
                                                    size_t len,
                                                    struct ta_resource_metadata *md);
TA_HIDDEN void ta_resource_metadata_clear(struct ta_resource_metadata *md);

/* Reads resource's metadata: first the resource itself, without a token
 * (GET); a 401 whose WWW-Authenticate has a Bearer challenge with
 * resource_metadata names the document (RFC 9728 5.1), else the
 * well-known URL, then its root form (MCP 2025-11-25) when the first
 * answers 404. TA_E_ARG for a resource that is not an http(s) URL or has
 * a fragment; TA_E_INSECURE for plain http off loopback; TA_E_UNREACHABLE;
 * TA_E_HTTP (with the status) when the document cannot be had; what
 * ta_resource_metadata_parse returns. */
TA_HIDDEN enum ta_result ta_resource_discover(struct ta_client *c, const char *resource,
                                              struct ta_resource_metadata *md);
/* The same, with the resource's 401 already at hand: www_authenticate is
 * its WWW-Authenticate value (NULL: none, or no 401), so the resource is
 * not asked again. */
TA_HIDDEN enum ta_result ta_resource_discover_from(struct ta_client *c, const char *resource,
                                                   const char *www_authenticate,
                                                   struct ta_resource_metadata *md);

/* The authorization server to sign in at for md: preferred when given (it
 * must be one md lists), else the first listed - the resource's own
 * order (RFC 9728 7.6 leaves the choice to the client) - that is not on
 * a loopback address unless the resource is. *issuer points into md.
 * TA_E_PROTOCOL when md lists none, or not preferred; TA_E_INSECURE when
 * a resource off loopback lists only loopback ones. */
TA_HIDDEN enum ta_result ta_resource_pick_issuer(struct ta_client *c,
                                                 const struct ta_resource_metadata *md,
                                                 const char *preferred, const char **issuer);

/* The scope to ask for (MCP 2025-11-25, "scope selection"): the 401
 * challenge's, else scopes_supported joined with spaces (each once),
 * else none.
 * TA_OK with a new string in *scope (free()) or NULL for none;
 * TA_E_NOMEM. */
TA_HIDDEN enum ta_result ta_resource_scope(const struct ta_resource_metadata *md, char **scope);

#endif
