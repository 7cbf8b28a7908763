/*
 * resource_metadata.c - see resource_metadata.h. The document must name
 * the resource it was asked for (RFC 9728 3.3), or it could send a person
 * to sign in, and a token to go, for another resource: the comparison is
 * of strings, as the RFC says ("identical"), with one allowance, an empty
 * path against "/" (one URI, RFC 3986 6.2.3; WHATWG URL serialisers, as the
 * MCP SDK's, always write the "/"). A trailing slash on a longer path is a
 * different resource. The same rule holds for the root well-known form:
 * a document there that names the origin speaks for the origin, not for
 * the resource under it, and is refused.
 *
 * A metadata URL from the resource's 401 may be on another origin: RFC
 * 9728 does not bind it to the resource's (5.1), and what binds the
 * document is the resource check above (7.3) - the resource that answered
 * the 401 could name any authorization server anyway (7.6). But a resource
 * off loopback may not send termauth to a loopback address (server-side
 * request forgery, 7.7): a local service is not its to query.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <jansson.h>
#include "oauth/resource_metadata.h"
#include "base/result.h"
#include "base/url.h"
#include "oauth/discovery.h"
#include "oauth/http.h"
#include "oauth/www_authenticate.h"

#define WELL_KNOWN "/.well-known/oauth-protected-resource"

/* Splits an http(s) URL: *origin is the length of "scheme://authority",
 * *path_end where its path ends (at '?' or the end). -1 for what is not
 * such a URL, or has userinfo or a fragment. */
static int split_url(const char *url, size_t *origin, size_t *path_end)
{
	const char *auth;
	size_t alen;

	if (!strncasecmp(url, "https://", 8))
		auth = url + 8;
	else if (!strncasecmp(url, "http://", 7))
		auth = url + 7;
	else
		return -1;
	alen = strcspn(auth, "/?#");
	if (!alen || memchr(auth, '@', alen) || strchr(url, '#'))
		return -1;
	*origin = (size_t)(auth - url) + alen;
	*path_end = *origin + strcspn(url + *origin, "?");
	return 0;
}

char *ta_resource_wellknown_url(const char *resource, int root)
{
	size_t origin, path_end, plen, n;
	char *url;

	if (split_url(resource, &origin, &path_end))
		return NULL;
	plen = path_end - origin;
	if (plen && resource[path_end - 1] == '/')
		plen--; /* RFC 9728 3.1: the terminating slash goes */
	n = origin + strlen(WELL_KNOWN) + (root ? 0 : plen + strlen(resource + path_end));
	if (!(url = malloc(n + 1)))
		return NULL;
	memcpy(url, resource, origin);
	memcpy(url + origin, WELL_KNOWN, strlen(WELL_KNOWN));
	n = origin + strlen(WELL_KNOWN);
	if (!root) {
		memcpy(url + n, resource + origin, plen);
		n += plen;
		memcpy(url + n, resource + path_end, strlen(resource + path_end));
		n += strlen(resource + path_end);
	}
	url[n] = '\0';
	return url;
}

/* 1 when url is "scheme://authority", nothing after. */
static int origin_only(const char *url)
{
	const char *p = strstr(url, "://");

	return p && !p[3 + strcspn(p + 3, "/?#")];
}

int ta_resource_same(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la == lb)
		return !strcmp(a, b);
	if (la > lb) {
		const char *t = a;
		size_t lt = la;
		a = b;
		la = lb;
		b = t;
		lb = lt;
	}
	return lb == la + 1 && b[la] == '/' && !memcmp(a, b, la) && origin_only(a);
}

static void strings_clear(struct ta_strings *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

void ta_resource_metadata_clear(struct ta_resource_metadata *md)
{
	free(md->resource);
	strings_clear(&md->authorization_servers);
	strings_clear(&md->scopes_supported);
	strings_clear(&md->bearer_methods_supported);
	free(md->resource_name);
	strings_clear(&md->dpop_signing_alg_values_supported);
	free(md->metadata_url);
	free(md->challenge_scope);
	memset(md, 0, sizeof(*md));
}

/* 1 when s is a scope-token (RFC 6749 3.3), or with list, scope-tokens
 * separated by single spaces. */
static int scope_ok(const char *s, int list)
{
	const unsigned char *p = (const unsigned char *)s;

	if (!*p)
		return 0;
	for (; *p; p++) {
		if (*p == ' ') {
			if (!list || p == (const unsigned char *)s || !p[1] || p[1] == ' ')
				return 0;
		} else if (*p < 0x21 || *p == 0x22 || *p == 0x5c || *p > 0x7e) {
			return 0;
		}
	}
	return 1;
}

enum kind { PLAIN, SCOPE, ISSUER };

/* One entry of a list, checked for its kind. */
static enum ta_result check_entry(struct ta_client *c, const char *url, enum kind kind,
                                  const char *s)
{
	enum ta_result r;

	if (kind == SCOPE && !scope_ok(s, 0))
		return ta_fail(c, TA_E_PROTOCOL,
		               "the protected-resource metadata at %s lists a scope that is not a "
		               "scope-token (RFC 6749 3.3)", url);
	if (kind != ISSUER)
		return TA_OK;
	if ((r = ta_url_check(c, "authorization server", s)) != TA_OK)
		return ta_fail_wrap(c, r == TA_E_ARG ? TA_E_PROTOCOL : r,
		                    "the protected-resource metadata at %s", url);
	if (strlen(s) > TA_ISSUER_MAX)
		return ta_fail(c, TA_E_PROTOCOL,
		               "the protected-resource metadata at %s lists an authorization server "
		               "longer than %d bytes", url, TA_ISSUER_MAX);
	if (strchr(s, '?'))
		return ta_fail(c, TA_E_PROTOCOL,
		               "the protected-resource metadata at %s lists an authorization server "
		               "with a query (an issuer has none, RFC 8414 2)", url);
	return TA_OK;
}

/* The array of strings o[key], when there, into *out. */
static enum ta_result strings(struct ta_client *c, json_t *o, const char *key, const char *url,
                              enum kind kind, struct ta_strings *out)
{
	json_t *a = json_object_get(o, key), *v;
	enum ta_result r;
	size_t i;

	if (!a)
		return TA_OK;
	if (!json_is_array(a))
		goto bad;
	json_array_foreach(a, i, v)
		if (!json_is_string(v))
			goto bad;
	out->present = 1;
	if (!json_array_size(a))
		return TA_OK;
	if (json_array_size(a) > TA_METADATA_LIST_MAX)
		return ta_fail(c, TA_E_PROTOCOL,
		               "the protected-resource metadata at %s lists more than %d %s", url,
		               TA_METADATA_LIST_MAX, key);
	if (!(out->v = calloc(json_array_size(a), sizeof(*out->v))))
		return TA_E_NOMEM;
	json_array_foreach(a, i, v) {
		if ((r = check_entry(c, url, kind, json_string_value(v))) != TA_OK)
			return r;
		if (!(out->v[i] = strdup(json_string_value(v))))
			return TA_E_NOMEM;
		out->n++;
	}
	return TA_OK;
bad:
	return ta_fail(c, TA_E_PROTOCOL,
	               "the protected-resource metadata at %s has a %s that is not an array of strings",
	               url, key);
}

/* Members termauth does not use, checked all the same: URLs that a
 * person may be shown must obey the https rule too. */
static enum ta_result other_urls(struct ta_client *c, json_t *o, const char *url)
{
	static const char *const keys[] = {
		"jwks_uri", "resource_documentation", "resource_policy_uri", "resource_tos_uri",
	};
	enum ta_result r;
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		json_t *v = json_object_get(o, keys[i]);
		if (!v)
			continue;
		if (!json_is_string(v))
			return ta_fail(c, TA_E_PROTOCOL,
			               "the protected-resource metadata at %s has a %s that is not a string",
			               url, keys[i]);
		if ((r = ta_url_check(c, keys[i], json_string_value(v))) != TA_OK)
			return ta_fail_wrap(c, r == TA_E_ARG ? TA_E_PROTOCOL : r,
			                    "the protected-resource metadata at %s", url);
	}
	return TA_OK;
}

static enum ta_result check_resource(struct ta_client *c, json_t *o, const char *resource,
                                     const char *url)
{
	json_t *v = json_object_get(o, "resource");
	char shown[256];

	if (!json_is_string(v))
		return ta_fail(c, TA_E_PROTOCOL,
		               "the protected-resource metadata at %s names no resource (RFC 9728 2)",
		               url);
	if (ta_resource_same(json_string_value(v), resource))
		return TA_OK;
	ta_printable(shown, sizeof(shown), json_string_value(v));
	return ta_fail(c, TA_E_PROTOCOL,
	               "the protected-resource metadata at %s is for '%s', not for '%s' "
	               "(RFC 9728 3.3): check the resource URL, or ask the resource's operators",
	               url, shown, resource);
}

static enum ta_result parse_members(struct ta_client *c, json_t *o, const char *url,
                                    struct ta_resource_metadata *md)
{
	enum ta_result r;
	json_t *v;

	if ((r = strings(c, o, "authorization_servers", url, ISSUER,
	                 &md->authorization_servers)) != TA_OK ||
	    (r = strings(c, o, "scopes_supported", url, SCOPE, &md->scopes_supported)) != TA_OK ||
	    (r = strings(c, o, "bearer_methods_supported", url, PLAIN,
	                 &md->bearer_methods_supported)) != TA_OK ||
	    (r = strings(c, o, "dpop_signing_alg_values_supported", url, PLAIN,
	                 &md->dpop_signing_alg_values_supported)) != TA_OK ||
	    (r = other_urls(c, o, url)) != TA_OK)
		return r;
	v = json_object_get(o, "resource_name");
	if (v && !json_is_string(v))
		return ta_fail(c, TA_E_PROTOCOL,
		               "the protected-resource metadata at %s has a resource_name that is not a string",
		               url);
	if (v && !(md->resource_name = strdup(json_string_value(v))))
		return TA_E_NOMEM;
	v = json_object_get(o, "dpop_bound_access_tokens_required");
	if (v && !json_is_boolean(v))
		return ta_fail(c, TA_E_PROTOCOL,
		               "the protected-resource metadata at %s has a "
		               "dpop_bound_access_tokens_required that is not true or false", url);
	md->dpop_bound_access_tokens_required = json_is_true(v);
	return TA_OK;
}

enum ta_result ta_resource_metadata_parse(struct ta_client *c, const char *resource,
                                          const char *url, const char *buf, size_t len,
                                          struct ta_resource_metadata *md)
{
	json_t *o = json_loadb(buf, len, JSON_REJECT_DUPLICATES, NULL);
	enum ta_result r;

	memset(md, 0, sizeof(*md));
	if (!json_is_object(o)) {
		r = ta_fail(c, TA_E_PROTOCOL,
		            "the protected-resource metadata at %s is not a JSON object", url);
		goto out;
	}
	if ((r = check_resource(c, o, resource, url)) != TA_OK ||
	    (r = parse_members(c, o, url, md)) != TA_OK)
		goto out;
	if (!(md->resource = strdup(json_string_value(json_object_get(o, "resource")))) ||
	    !(md->metadata_url = strdup(url)))
		r = TA_E_NOMEM;
out:
	if (r != TA_OK)
		ta_resource_metadata_clear(md);
	json_decref(o);
	return r;
}

/* GETs the document at url. *missing (when not NULL) is set, and TA_OK
 * returned, on a 404, so that the caller may try the next URL. */
static enum ta_result fetch(struct ta_client *c, const char *resource, const char *url,
                            struct ta_resource_metadata *md, int *missing)
{
	struct ta_http_response resp;
	enum ta_result r;

	ta_debug(c, 1, "protected-resource metadata: %s", url);
	if ((r = ta_http_get(c, url, &resp)) != TA_OK)
		return r;
	if (resp.status == 404 && missing)
		*missing = 1;
	else if (resp.status != 200)
		r = ta_fail(c, TA_E_HTTP, "the protected-resource metadata at %s answered HTTP %ld",
		            url, resp.status);
	else
		r = ta_resource_metadata_parse(c, resource, url, resp.body, resp.len, md);
	ta_http_response_clear(&resp);
	return r;
}

/* The well-known URL, then its root form. */
static enum ta_result fetch_wellknown(struct ta_client *c, const char *resource,
                                      struct ta_resource_metadata *md)
{
	char *first = ta_resource_wellknown_url(resource, 0);
	char *root = ta_resource_wellknown_url(resource, 1);
	enum ta_result r = TA_E_NOMEM;
	int missing = 0;

	if (!first || !root)
		goto out;
	if ((r = fetch(c, resource, first, md, &missing)) != TA_OK || !missing)
		goto out;
	if (strcmp(first, root)) {
		missing = 0;
		if ((r = fetch(c, resource, root, md, &missing)) != TA_OK || !missing)
			goto out;
		r = ta_fail(c, TA_E_HTTP,
		            "%s publishes no protected-resource metadata (RFC 9728): %s and %s "
		            "answered HTTP 404", resource, first, root);
	} else {
		r = ta_fail(c, TA_E_HTTP,
		            "%s publishes no protected-resource metadata (RFC 9728): %s answered HTTP 404",
		            resource, first);
	}
out:
	free(first);
	free(root);
	return r;
}

/* The document a 401 named. */
static enum ta_result fetch_named(struct ta_client *c, const char *resource, const char *url,
                                  struct ta_resource_metadata *md)
{
	enum ta_result r;

	if ((r = ta_url_check(c, "resource metadata", url)) != TA_OK)
		return ta_fail_wrap(c, r == TA_E_ARG ? TA_E_PROTOCOL : r, "the 401 of %s", resource);
	if (ta_url_may_be_loopback(url) && !ta_url_is_loopback(resource))
		return ta_fail(c, TA_E_INSECURE,
		               "the 401 of %s sends termauth to the loopback address %s for its "
		               "metadata; only a resource on loopback may (RFC 9728 7.7)",
		               resource, url);
	return fetch(c, resource, url, md, NULL);
}

/* The Bearer challenge's resource_metadata and scope, copied; a value
 * that does not parse counts as none. */
static enum ta_result read_challenge(struct ta_client *c, const char *www, char **rm,
                                     char **scope)
{
	struct ta_challenges ch;
	const struct ta_challenge *bearer;
	const char *v;
	enum ta_result r;

	*rm = *scope = NULL;
	if (!www)
		return TA_OK;
	if ((r = ta_challenges_parse(www, strlen(www), &ch)) != TA_OK) {
		ta_debug(c, 1, "the resource's WWW-Authenticate does not parse; ignored");
		return r == TA_E_NOMEM ? r : TA_OK;
	}
	r = TA_OK;
	if ((bearer = ta_challenges_find(&ch, "bearer"))) {
		if ((v = ta_challenge_param(bearer, "resource_metadata")) && !(*rm = strdup(v)))
			r = TA_E_NOMEM;
		if ((v = ta_challenge_param(bearer, "scope")) && scope_ok(v, 1) &&
		    !(*scope = strdup(v)))
			r = TA_E_NOMEM;
	}
	ta_challenges_clear(&ch);
	return r;
}

static enum ta_result check_resource_url(struct ta_client *c, const char *resource)
{
	enum ta_result r;

	if ((r = ta_url_check(c, "resource", resource)) != TA_OK)
		return r;
	if (strchr(resource, '#'))
		return ta_fail(c, TA_E_ARG, "the resource %s has a fragment; a resource URL has none "
		               "(RFC 8707 2)", resource);
	return TA_OK;
}

enum ta_result ta_resource_discover_from(struct ta_client *c, const char *resource,
                                         const char *www_authenticate,
                                         struct ta_resource_metadata *md)
{
	char *rm = NULL, *scope = NULL;
	enum ta_result r;

	memset(md, 0, sizeof(*md));
	if ((r = check_resource_url(c, resource)) != TA_OK ||
	    (r = read_challenge(c, www_authenticate, &rm, &scope)) != TA_OK)
		goto out;
	if (rm)
		r = fetch_named(c, resource, rm, md);
	else
		r = fetch_wellknown(c, resource, md);
	if (r == TA_OK) {
		md->challenge_scope = scope;
		scope = NULL;
	}
out:
	free(rm);
	free(scope);
	return r;
}

enum ta_result ta_resource_discover(struct ta_client *c, const char *resource,
                                    struct ta_resource_metadata *md)
{
	struct ta_http_response resp;
	char *www = NULL;
	enum ta_result r;

	memset(md, 0, sizeof(*md));
	if ((r = check_resource_url(c, resource)) != TA_OK)
		return r;
	ta_debug(c, 1, "asking %s, without a token, for its challenge", resource);
	if ((r = ta_http_get(c, resource, &resp)) != TA_OK)
		return r;
	if (resp.status == 401 && resp.www_authenticate &&
	    !(www = strdup(resp.www_authenticate)))
		r = TA_E_NOMEM;
	ta_http_response_clear(&resp);
	if (r == TA_OK)
		r = ta_resource_discover_from(c, resource, www, md);
	free(www);
	return r;
}

enum ta_result ta_resource_pick_issuer(struct ta_client *c, const struct ta_resource_metadata *md,
                                       const char *preferred, const char **issuer)
{
	const struct ta_strings *as = &md->authorization_servers;
	size_t i;

	if (!as->n)
		return ta_fail(c, TA_E_PROTOCOL,
		               "the protected-resource metadata at %s names no authorization server: "
		               "give the issuer yourself", md->metadata_url ? md->metadata_url : "?");
	/* Unasked, a resource off loopback does not send termauth to a
	 * loopback address (RFC 9728 7.7): a local service is not its to
	 * reach. The person's preferred issuer is theirs to name. */
	for (i = 0; !preferred && i < as->n; i++)
		if (!ta_url_may_be_loopback(as->v[i]) || ta_url_is_loopback(md->resource)) {
			*issuer = as->v[i];
			return TA_OK;
		}
	if (!preferred)
		return ta_fail(c, TA_E_INSECURE,
		               "the resource %s names only authorization servers on a loopback address "
		               "(%s), and only a resource on loopback may (RFC 9728 7.7)",
		               md->resource, as->v[0]);
	for (i = 0; i < as->n; i++)
		if (ta_issuer_equal(as->v[i], preferred)) {
			*issuer = as->v[i];
			return TA_OK;
		}
	return ta_fail(c, TA_E_PROTOCOL,
	               "the resource %s does not accept tokens from %s: its metadata names %s%s",
	               md->resource, preferred, as->v[0], as->n > 1 ? " and others" : "");
}

/* 1 when s->v[i] is also one of s->v[0..i). */
static int listed_before(const struct ta_strings *s, size_t i)
{
	size_t j;

	for (j = 0; j < i; j++)
		if (!strcmp(s->v[j], s->v[i]))
			return 1;
	return 0;
}

enum ta_result ta_resource_scope(const struct ta_resource_metadata *md, char **scope)
{
	const struct ta_strings *s = &md->scopes_supported;
	size_t i, n = 0;
	char *p;

	*scope = NULL;
	if (md->challenge_scope)
		return (*scope = strdup(md->challenge_scope)) ? TA_OK : TA_E_NOMEM;
	if (!s->n)
		return TA_OK;
	for (i = 0; i < s->n; i++)
		n += strlen(s->v[i]) + 1;
	if (!(p = malloc(n)))
		return TA_E_NOMEM;
	for (i = 0, n = 0; i < s->n; i++) {
		size_t l = strlen(s->v[i]);
		if (listed_before(s, i))
			continue; /* a scope asked for twice is one */
		if (n)
			p[n++] = ' ';
		memcpy(p + n, s->v[i], l);
		n += l;
	}
	p[n] = '\0';
	*scope = p;
	return TA_OK;
}
