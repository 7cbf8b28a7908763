/*
 * login.c - a sign-in from start to end: the provider's preset, the IdP's
 * metadata (discovery, or explicit endpoints for IdPs without it), the
 * choice of flow, and the flow itself (authcode.c or device.c), which
 * checks what comes back (complete.c) before it becomes a session.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "base/result.h"
#include "base/secret.h"
#include "base/url.h"
#include "oauth/discovery.h"
#include "oauth/register.h"
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
 * offers the device flow, else browser. */
static const char *choose_flow(struct ta_client *c, const struct ta_metadata *md)
{
	const char *flow = c->flow ? c->flow : "auto";
	char why[128];

	if (strcmp(flow, "auto")) {
		ta_debug(c, 1, "flow: %s, as asked", flow);
		return flow;
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

enum ta_result ta_login(struct ta_client *c, struct ta_session **out)
{
	struct ta_metadata md = { 0 };
	struct ta_session *s = NULL;
	char *nonce = NULL;
	const char *flow;
	enum ta_result r;

	ta_call_begin(c);
	if ((r = ta_provider_fill(c)) != TA_OK)
		return r;
	if ((!c->client_id && !c->issuer) || (!c->issuer && !c->token_endpoint))
		return ta_fail(c, TA_E_ARG, "an issuer (or the endpoints) and a client id are needed to sign in");
	if ((r = resolve_metadata(c, &md)) != TA_OK)
		goto out;
	/* No client id, or a registered one that expired: register (again). */
	if ((!c->client_id || ta_client_expired(c, (long long)time(NULL))) &&
	    (r = ta_register_client(c, &md)) != TA_OK)
		goto out;
	flow = choose_flow(c, &md);
	if ((r = ta_check_cancelled(c)) != TA_OK)
		goto out;
	if (!strcmp(flow, "device")) {
		r = ta_device_sign_in(c, &md, &s);
	} else {
		if ((r = ta_random_string(32, &nonce)) != TA_OK)
			goto out;
		r = ta_authcode_sign_in(c, &md, nonce, &s);
	}
	if (r != TA_OK)
		goto out;
	*out = s;
	s = NULL;
out:
	ta_session_free(s);
	ta_free_secret(nonce);
	ta_metadata_clear(&md);
	return r;
}
