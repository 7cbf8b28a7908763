/*
 * login.c - a sign-in from start to end: the provider's preset, the IdP's
 * metadata (discovery, or explicit endpoints for IdPs without it), the
 * choice of flow, and the flow itself (authcode.c or device.c), which
 * checks what comes back (complete.c) before it becomes a session.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "base/match.h"
#include "base/result.h"
#include "base/secret.h"
#include "base/url.h"
#include "base/url_norm.h"
#include "jose/dpop.h"
#include "oauth/discovery.h"
#include "oauth/register.h"
#include "oauth/resource_metadata.h"
#include "oauth/token.h"
#include "profile/client.h"
#include "profile/record.h"
#include "signin/authcode.h"
#include "signin/browser.h"
#include "signin/device.h"
#include "signin/pkce.h"

/* Copies an explicit endpoint over md's, after checking it. */
static enum ta_result override(struct ta_client *c, const char *what, const char *url,
                               char **slot)
{
	enum ta_result r;

	if (!url)
		return TA_OK;
	if ((r = ta_url_check(c, what, url)) != TA_OK)
		return r;
	free(*slot);
	return (*slot = strdup(url)) ? TA_OK : TA_E_NOMEM;
}

/* Discovery, unless the token endpoint is given (then there is none, as
 * with GitHub); explicit endpoints win over discovered ones. */
static enum ta_result resolve_metadata(struct ta_client *c, struct ta_metadata *md)
{
	enum ta_result r;

	memset(md, 0, sizeof(*md));
	if (!c->token_endpoint) {
		if ((r = ta_discover(c, c->issuer, md)) != TA_OK)
			return r;
	} else if (c->issuer) {
		if ((r = ta_url_check(c, "issuer", c->issuer)) != TA_OK)
			return r;
		if (!(md->issuer = strdup(c->issuer)))
			return TA_E_NOMEM;
	}
	if ((r = override(c, "authorization endpoint", c->authorization_endpoint,
	                  &md->authorization_endpoint)) != TA_OK ||
	    (r = override(c, "token endpoint", c->token_endpoint, &md->token_endpoint)) != TA_OK ||
	    (r = override(c, "device endpoint", c->device_endpoint,
	                  &md->device_authorization_endpoint)) != TA_OK)
		return r;
	return TA_OK;
}

/* "auto" becomes device when no browser can be used here and the IdP
 * offers the device flow, else browser (which takes a pasted redirect
 * too) - always browser at an IdP a resource named: see
 * resource_idp_rules. */
static const char *choose_flow(struct ta_client *c, const struct ta_metadata *md)
{
	const char *flow = c->flow ? c->flow : "auto";
	char why[128];

	if (strcmp(flow, "auto")) {
		ta_debug(c, 1, "flow: %s, as asked", flow);
		return flow;
	}
	if (ta_issuer_named_by_resource(c) && md->authorization_endpoint) {
		ta_debug(c, 1, "flow: browser (the IdP was named by a resource: no device flow)");
		return "browser";
	}
	if (ta_browser_usable(c, why, sizeof(why))) {
		flow = md->authorization_endpoint || !md->device_authorization_endpoint ? "browser" : "device";
		ta_debug(c, 1, "flow: %s (%s%s)", flow, why,
		         strcmp(flow, "device") ? "" : ", but the IdP has no authorization endpoint");
	} else {
		flow = md->device_authorization_endpoint ? "device" : "browser";
		ta_debug(c, 1, "flow: %s (%s%s)", flow, why,
		         strcmp(flow, "browser") ? "" : ", but the IdP offers no device flow");
	}
	return flow;
}

/* The scopes to ask for at a resource's IdP when none are set: the ones
 * its metadata chose, with openid (who signed in) and offline_access (a
 * session that outlives its first token). */
static enum ta_result resource_scopes(struct ta_client *c, const struct ta_resource_metadata *md)
{
	char *scope = NULL, *all = NULL;
	enum ta_result r;

	if (c->scopes)
		return TA_OK;
	if ((r = ta_resource_scope(md, &scope)) != TA_OK)
		return r;
	if (asprintf(&all, "openid offline_access%s%s", scope ? " " : "", scope ? scope : "") < 0)
		all = NULL;
	r = all ? ta_set_string(&c->scopes, all) : TA_E_NOMEM;
	free(all);
	free(scope);
	return r;
}

/* No issuer, but a resource: its protected-resource metadata (RFC 9728)
 * names the IdP to sign in at, and the scopes; a resource that wants
 * DPoP-bound tokens gets them. */
static enum ta_result idp_of_resource(struct ta_client *c)
{
	struct ta_resource_metadata md = { 0 };
	char *resource = ta_token_first_resource(c->resources);
	const char *issuer = NULL;
	enum ta_result r;

	if (!resource)
		return TA_E_NOMEM;
	ta_debug(c, 1, "no issuer: asking resource %s where to sign in (RFC 9728)", resource);
	if ((r = ta_resource_discover(c, resource, &md)) != TA_OK ||
	    (r = ta_resource_pick_issuer(c, &md, NULL, &issuer)) != TA_OK) {
		r = ta_fail_wrap(c, r, "finding the IdP of resource '%.200s'", resource);
		goto out;
	}
	ta_debug(c, 1, "resource %s: its metadata (%s) names the IdP %s", resource,
	         md.metadata_url ? md.metadata_url : "?", issuer);
	/* Said before any browser opens: the resource chose the IdP, and the
	 * person should see which one they are about to sign in to - whole
	 * (the metadata's issuers are short, TA_ISSUER_MAX), so that no
	 * cut-off name can pass for another. */
	ta_notice(c, "resource %.200s signs in at %s (its protected-resource metadata)", resource,
	          issuer);
	if ((r = ta_set_string(&c->issuer, issuer)) != TA_OK ||
	    (r = ta_set_string(&c->issuer_from, "resource")) != TA_OK)
		goto out;
	if ((r = resource_scopes(c, &md)) != TA_OK)
		goto out;
	if (md.dpop_bound_access_tokens_required && !c->dpop) {
		ta_notice(c, "resource %.200s wants DPoP-bound tokens (its metadata): this sign-in binds its tokens to a key (dpop = yes)",
		          resource);
		r = ta_set_string(&c->dpop, "yes");
	}
out:
	ta_resource_metadata_clear(&md);
	free(resource);
	return r;
}

/* Mix-up (RFC 9700 4.4.1): an IdP whose metadata sends the browser to
 * another IdP's authorization endpoint, and the code to its own token
 * endpoint, redeems a code that other IdP gave - one without RFC 9207's
 * iss cannot tell. A person who names their IdP vouches for its metadata
 * (Google's endpoints are on three hosts). One a resource named (RFC 9728)
 * or one handing out the client id (RFC 7591; a client id valid elsewhere
 * costs it nothing) is vouched for by nobody: the browser, the code and
 * every secret go to its own origin only, and so do its keys' fetch (no
 * loopback service reached through it, RFC 9728 7.7). An endpoint the
 * person set wins, as always. An IdP that relays from its own origin is
 * resource_idp_rules's. */
static enum ta_result endpoints_on_origin(struct ta_client *c, const struct ta_metadata *md)
{
	const struct { const char *what, *url, *set; } ends[] = {
		{ "authorization endpoint", md->authorization_endpoint, c->authorization_endpoint },
		{ "token endpoint", md->token_endpoint, c->token_endpoint },
		{ "device endpoint", md->device_authorization_endpoint, c->device_endpoint },
		{ "pushed authorization request endpoint", md->pushed_authorization_request_endpoint, NULL },
		{ "registration endpoint", md->registration_endpoint, NULL },
		{ "revocation endpoint", md->revocation_endpoint, NULL },
		{ "userinfo endpoint", md->userinfo_endpoint, NULL },
		{ "introspection endpoint", md->introspection_endpoint, NULL },
		{ "key set (jwks_uri)", md->jwks_uri, NULL },
	};
	const char *profile = c->profile_name ? c->profile_name : "default";
	int by_resource = ta_issuer_named_by_resource(c);
	size_t i;

	if (!by_resource && c->client_id && !c->client_expires_at)
		return TA_OK;
	for (i = 0; i < sizeof(ends) / sizeof(ends[0]); i++) {
		if (!ends[i].url || (ends[i].set && !strcmp(ends[i].set, ends[i].url)) ||
		    ta_url_same_origin(ends[i].url, c->issuer))
			continue;
		return ta_fail(c, TA_E_INSECURE,
		               "the IdP %s (%s) puts its %s at another origin (%.120s), and an IdP that does so could pass off another IdP's sign-in as its own: if you trust it, give a client id of your own: 'termauth -p %s login --issuer %s --client-id ID'",
		               c->issuer, by_resource ? "named by a resource" : "registering termauth's client",
		               ends[i].what, ends[i].url, profile, ta_shell_word(c->issuer, "URL"));
	}
	return TA_OK;
}

/* An IdP a resource named can also pass another IdP's sign-in off as its
 * own from its own origin: its authorization endpoint redirects the
 * browser there, with that IdP's client id and this sign-in's state and
 * challenge, and its token endpoint redeems the code with the verifier.
 * Only RFC 9207's iss tells (RFC 9700 4.4.2): the honest IdP names itself
 * in the redirect, or not at all. So such an IdP must promise iss, and
 * every redirect must carry it (authcode.c); the device flow, whose codes
 * it could fetch from another IdP and whose page is that IdP's, carries
 * nothing that could tell, and is refused. A person who names the IdP
 * vouches for it, as for any other. */
static enum ta_result resource_idp_rules(struct ta_client *c, const struct ta_metadata *md,
                                         const char *flow)
{
	const char *profile = c->profile_name ? c->profile_name : "default";

	if (!ta_issuer_named_by_resource(c))
		return TA_OK;
	if (!strcmp(flow, "device"))
		return ta_fail(c, TA_E_INSECURE,
		               "the IdP %s was named by a resource, and a device sign-in there could be another IdP's passed on: sign in with --flow browser or paste, or, if you trust it, name it yourself: 'termauth -p %s login --issuer %s'",
		               c->issuer, profile, ta_shell_word(c->issuer, "URL"));
	if (!md->iss_parameter_supported)
		return ta_fail(c, TA_E_INSECURE,
		               "the IdP %s (named by a resource) does not promise to name itself in its redirects (RFC 9207), so it could pass off another IdP's sign-in as its own: if you trust it, name it yourself: 'termauth -p %s login --issuer %s'",
		               c->issuer, profile, ta_shell_word(c->issuer, "URL"));
	return TA_OK;
}

/* With dpop = yes, the key the sign-in's token requests prove they hold
 * (RFC 9449), of an algorithm the IdP lists; else none (*key NULL). */
static enum ta_result dpop_key_for(struct ta_client *c, const struct ta_metadata *md,
                                   struct ta_dpop_key **key)
{
	enum ta_jws_alg alg;

	*key = NULL;
	if (!c->dpop || strcmp(c->dpop, "yes"))
		return TA_OK;
	if ((alg = ta_dpop_alg_choose_list(md->dpop_algs)) == TA_JWS_UNKNOWN)
		return ta_fail(c, TA_E_PROTOCOL, "the IdP takes DPoP proofs signed with %.100s only, and termauth signs them with ES256 or EdDSA: set dpop = no in profile '%s'",
		               md->dpop_algs, c->profile_name ? c->profile_name : "default");
	return ta_dpop_key_new(c, alg, key);
}

/* The new session keeps the key, in the store only. An IdP that neither
 * lists DPoP nor gave DPoP tokens may have ignored the proofs: said. */
static enum ta_result dpop_bind(struct ta_client *c, const struct ta_metadata *md,
                                const struct ta_dpop_key *key, struct ta_session *s)
{
	if (!key)
		return TA_OK;
	if (!md->dpop_algs && (!s->token_type || strcasecmp(s->token_type, "DPoP")))
		ta_notice(c, "warning: profile '%s': the IdP does not say it takes DPoP, and gave %s tokens: its tokens may not be bound to the session's key",
		          c->profile_name ? c->profile_name : "default",
		          s->token_type ? s->token_type : "untyped");
	return ta_dpop_key_to_jwk(c, key, &s->dpop_key);
}

enum ta_result ta_login(struct ta_client *c, struct ta_session **out)
{
	struct ta_metadata md = { 0 };
	struct ta_session *s = NULL;
	struct ta_dpop_key *key = NULL;
	char *nonce = NULL;
	const char *flow;
	enum ta_result r;

	ta_call_begin(c);
	if ((r = ta_provider_fill(c)) != TA_OK)
		return r;
	if (!c->issuer && !c->token_endpoint && c->resources && (r = idp_of_resource(c)) != TA_OK)
		return r;
	if ((!c->client_id && !c->issuer) || (!c->issuer && !c->token_endpoint))
		return ta_fail(c, TA_E_ARG, "an issuer (or the endpoints) and a client id are needed to sign in");
	if ((r = resolve_metadata(c, &md)) != TA_OK || (r = endpoints_on_origin(c, &md)) != TA_OK)
		goto out;
	flow = choose_flow(c, &md);
	if ((r = resource_idp_rules(c, &md, flow)) != TA_OK)
		goto out;
	/* No client id, or a registered one that expired: register (again). */
	if ((!c->client_id || ta_client_expired(c, (long long)time(NULL))) &&
	    (r = ta_register_client(c, &md)) != TA_OK)
		goto out;
	if ((r = ta_check_cancelled(c)) != TA_OK || (r = dpop_key_for(c, &md, &key)) != TA_OK)
		goto out;
	c->dpop_key = key;
	if (!strcmp(flow, "device")) {
		r = ta_device_sign_in(c, &md, &s);
	} else {
		if ((r = ta_random_string(32, &nonce)) != TA_OK)
			goto out;
		r = ta_authcode_sign_in(c, &md, nonce, &s);
	}
	if (r != TA_OK || (r = dpop_bind(c, &md, key, s)) != TA_OK)
		goto out;
	*out = s;
	s = NULL;
out:
	/* The key and the IdP's nonce were this sign-in's. */
	c->dpop_key = NULL;
	free(c->dpop_nonce);
	c->dpop_nonce = NULL;
	ta_dpop_key_free(key);
	ta_session_free(s);
	ta_free_secret(nonce);
	ta_metadata_clear(&md);
	return r;
}
