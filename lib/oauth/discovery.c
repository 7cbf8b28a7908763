/*
 * discovery.c - see discovery.h. The issuer in the document must equal the
 * one asked for (a trailing slash aside), so a document cannot speak for
 * another IdP (OpenID Connect Discovery section 4.3, RFC 8414 section 3.3).
 * One exception, Microsoft's: its multi-tenant metadata ("organizations",
 * "common") names the issuer ".../{tenantid}/v2.0", a template that each
 * ID token fills in with its tenant (the tid claim; idtoken.c checks it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "oauth/discovery.h"
#include "base/result.h"
#include "base/url.h"
#include "oauth/http.h"

struct endpoint {
	const char *key;
	size_t offset;
	int required;
};
#define EP(name, req) { #name, offsetof(struct ta_metadata, name), req }
static const struct endpoint endpoints[] = {
	EP(authorization_endpoint, 1), EP(token_endpoint, 1),
	EP(userinfo_endpoint, 0), EP(jwks_uri, 0),
	EP(device_authorization_endpoint, 0), EP(revocation_endpoint, 0),
	EP(introspection_endpoint, 0), EP(registration_endpoint, 0),
	EP(pushed_authorization_request_endpoint, 0),
};
#define NENDPOINTS (sizeof(endpoints) / sizeof(endpoints[0]))

static char **slot(struct ta_metadata *md, size_t i)
{
	return (char **)((char *)md + endpoints[i].offset);
}

void ta_metadata_clear(struct ta_metadata *md)
{
	size_t i;

	free(md->issuer);
	free(md->dpop_algs);
	for (i = 0; i < NENDPOINTS; i++)
		free(*slot(md, i));
	memset(md, 0, sizeof(*md));
}

#define TENANT_MARK "{tenantid}"

/* 1 when mark, in pattern, is a whole path segment after the origin. */
static int mark_in_path(const char *pattern, const char *mark)
{
	const char *scheme_end = strstr(pattern, "://"), *path, *end;

	if (!scheme_end || scheme_end > mark)
		return 0;
	path = strchr(scheme_end + 3, '/');
	end = mark + strlen(TENANT_MARK);
	return path && path < mark && mark[-1] == '/' && (*end == '/' || !*end);
}

int ta_issuer_matches(const char *pattern, const char *actual, const char *tenant)
{
	const char *mark = strstr(pattern, TENANT_MARK), *after;
	size_t before, seg, rest;

	if (!mark || !mark_in_path(pattern, mark))
		return !strcmp(pattern, actual);
	before = (size_t)(mark - pattern);
	after = mark + strlen(TENANT_MARK);
	rest = strlen(after);
	if (strncmp(pattern, actual, before) || strlen(actual) < before + rest)
		return 0;
	seg = strlen(actual) - before - rest;
	if (seg == 0 || strcspn(actual + before, "/?#") < seg || strcmp(actual + before + seg, after))
		return 0;
	return !tenant || (strlen(tenant) == seg && !memcmp(actual + before, tenant, seg));
}

int ta_issuer_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la && a[la - 1] == '/')
		la--;
	if (lb && b[lb - 1] == '/')
		lb--;
	return la == lb && !memcmp(a, b, la);
}

/* The metadata's issuer a names the configured b: equal apart from one
 * trailing slash on either side, or a template that b fills in. */
static int same_issuer(const char *a, const char *b)
{
	return ta_issuer_equal(a, b) || (strstr(a, TENANT_MARK) && ta_issuer_matches(a, b, NULL));
}

static int offers_s256(json_t *methods)
{
	size_t i;
	json_t *m;

	if (!methods)
		return 1; /* not listed: PKCE is still sent, the IdP may ignore it */
	if (!json_is_array(methods))
		return 0;
	json_array_foreach(methods, i, m)
		if (json_is_string(m) && !strcmp(json_string_value(m), "S256"))
			return 1;
	return 0;
}

/* The algorithms of a list of names, joined with spaces: names of
 * letters, digits and '-' only (no JWS algorithm has others), the rest
 * left out, and the first 64 only. NULL when the list is absent or not an
 * array (or no memory); "" when empty. */
static char *algorithm_names(json_t *list)
{
	size_t i, len = 0;
	char *joined;
	json_t *v;

	if (!json_is_array(list))
		return NULL;
	if (!(joined = calloc(1, 64 * 17)))
		return NULL;
	json_array_foreach(list, i, v) {
		const char *name = json_string_value(v);
		size_t n = name ? strlen(name) : 0;
		if (i >= 64) /* as many as fit: no IdP lists more */
			break;
		if (!n || n > 16 ||
		    strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-") != n)
			continue;
		len += (size_t)snprintf(joined + len, 64 * 17 - len, "%s%s", len ? " " : "", name);
	}
	return joined;
}

/* RFC 9126 section 5: an IdP may require every authorization request to
 * be pushed; one that does so without saying where could never be signed
 * in to with the browser. */
static enum ta_result par_policy(struct ta_client *c, json_t *o, struct ta_metadata *md)
{
	json_t *v = json_object_get(o, "require_pushed_authorization_requests");

	if (v && !json_is_boolean(v))
		return ta_fail(c, TA_E_PROTOCOL, "the IdP's metadata has a "
		               "require_pushed_authorization_requests that is not true or false");
	md->par_required = json_is_true(v);
	if (md->par_required && !md->pushed_authorization_request_endpoint)
		return ta_fail(c, TA_E_PROTOCOL,
		               "the IdP requires pushed authorization requests but its metadata names no "
		               "pushed_authorization_request_endpoint");
	return TA_OK;
}

enum ta_result ta_metadata_parse(struct ta_client *c, const char *issuer,
                                 const char *buf, size_t len,
                                 struct ta_metadata *md)
{
	json_t *o = json_loadb(buf, len, JSON_REJECT_DUPLICATES, NULL), *v;
	enum ta_result r = TA_E_PROTOCOL;
	size_t i;

	memset(md, 0, sizeof(*md));
	if (!json_is_object(o)) {
		r = ta_fail(c, TA_E_PROTOCOL, "the IdP's metadata is not a JSON object");
		goto out;
	}
	v = json_object_get(o, "issuer");
	if (!json_is_string(v) || !same_issuer(json_string_value(v), issuer)) {
		r = ta_fail(c, TA_E_PROTOCOL, "the IdP's metadata names another issuer than %s", issuer);
		goto out;
	}
	if (!(md->issuer = strdup(json_string_value(v)))) {
		r = TA_E_NOMEM;
		goto out;
	}
	for (i = 0; i < NENDPOINTS; i++) {
		v = json_object_get(o, endpoints[i].key);
		if (!v && !endpoints[i].required)
			continue;
		if (!json_is_string(v)) {
			r = ta_fail(c, TA_E_PROTOCOL, "the IdP's metadata lacks a usable %s",
			            endpoints[i].key);
			goto out;
		}
		if ((r = ta_url_check(c, endpoints[i].key, json_string_value(v))) != TA_OK) {
			if (r == TA_E_ARG)
				r = TA_E_PROTOCOL;
			goto out;
		}
		if (!(*slot(md, i) = strdup(json_string_value(v)))) {
			r = TA_E_NOMEM;
			goto out;
		}
	}
	if (!offers_s256(json_object_get(o, "code_challenge_methods_supported"))) {
		r = ta_fail(c, TA_E_PROTOCOL, "the IdP does not offer PKCE with S256");
		goto out;
	}
	md->iss_parameter_supported =
		json_is_true(json_object_get(o, "authorization_response_iss_parameter_supported"));
	/* A list that cannot be read is as none: only a DPoP sign-in needs it,
	 * and then ES256 is what every DPoP server takes. */
	md->dpop_algs = algorithm_names(json_object_get(o, "dpop_signing_alg_values_supported"));
	if ((r = par_policy(c, o, md)) != TA_OK)
		goto out;
out:
	if (r != TA_OK)
		ta_metadata_clear(md);
	json_decref(o);
	return r;
}

/* Tries one well-known URL. TA_E_NO_SESSION is borrowed to mean "404 here,
 * try the next": it never leaves this file. */
static enum ta_result try_document(struct ta_client *c, const char *issuer,
                                   const char *url, struct ta_metadata *md)
{
	struct ta_http_response resp;
	enum ta_result r;

	ta_debug(c, 1, "discovery: %s", url);
	if ((r = ta_http_get(c, url, &resp)) != TA_OK)
		return r;
	if (resp.status == 404 || resp.status == 400)
		r = TA_E_NO_SESSION;
	else if (resp.status != 200)
		r = ta_fail(c, TA_E_HTTP, "the IdP's metadata at %s answered HTTP %ld", url, resp.status);
	else
		r = ta_metadata_parse(c, issuer, resp.body, resp.len, md);
	ta_http_response_clear(&resp);
	return r;
}

enum ta_result ta_discover(struct ta_client *c, const char *issuer,
                           struct ta_metadata *md)
{
	size_t len = strlen(issuer);
	const char *path;
	char url[2048];
	enum ta_result r;

	if ((r = ta_url_check(c, "issuer", issuer)) != TA_OK)
		return r;
	if (len && issuer[len - 1] == '/')
		len--;
	if (len > 1500)
		return ta_fail(c, TA_E_ARG, "the issuer URL is too long");
	snprintf(url, sizeof(url), "%.*s/.well-known/openid-configuration", (int)len, issuer);
	r = try_document(c, issuer, url, md);
	if (r != TA_E_NO_SESSION)
		return r;
	/* RFC 8414: the well-known part goes between the host and the path. */
	path = strchr(strstr(issuer, "://") + 3, '/');
	if (path && (size_t)(path - issuer) < len)
		snprintf(url, sizeof(url), "%.*s/.well-known/oauth-authorization-server%.*s",
		         (int)(path - issuer), issuer, (int)(len - (size_t)(path - issuer)), path);
	else
		snprintf(url, sizeof(url), "%.*s/.well-known/oauth-authorization-server", (int)len, issuer);
	r = try_document(c, issuer, url, md);
	if (r == TA_E_NO_SESSION)
		r = ta_fail(c, TA_E_PROTOCOL, "%s publishes no OpenID Connect or OAuth metadata", issuer);
	return r;
}

enum ta_result ta_idp_probe(struct ta_client *c, const char *issuer, unsigned *offers)
{
	struct ta_metadata md = { 0 };
	enum ta_result r;

	ta_call_begin(c);
	*offers = 0;
	if ((r = ta_discover(c, issuer, &md)) == TA_OK)
		*offers = (md.registration_endpoint ? TA_IDP_REGISTRATION : 0) |
		          (md.device_authorization_endpoint ? TA_IDP_DEVICE : 0);
	ta_metadata_clear(&md);
	return r;
}
