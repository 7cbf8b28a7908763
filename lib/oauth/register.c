/*
 * register.c - Dynamic Client Registration (RFC 7591): with an issuer and
 * no client id, termauth registers itself at the IdP's registration
 * endpoint as a public native client (RFC 8252: loopback redirect on any
 * port, PKCE, no secret), once. The tool keeps the client id in the
 * profile (and its expiry, when the IdP gives one), so later sign-ins use
 * it until it expires; the registration access token, which would let
 * one change the client, is not kept.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <jansson.h>
#include "oauth/register.h"
#include "base/result.h"
#include "base/secret.h"
#include "oauth/http.h"
#include "oauth/response.h"

static char *request_body(const struct ta_client *c, const struct ta_metadata *md)
{
	json_t *grants = json_pack("[s, s]", "authorization_code", "refresh_token");
	json_t *o;
	char *text;

	if (grants && md->device_authorization_endpoint)
		json_array_append_new(grants, json_string("urn:ietf:params:oauth:grant-type:device_code"));
	o = json_pack("{s:s, s:s, s:[s], s:s, s:o, s:[s]}", "client_name", "termauth",
	              "application_type", "native", "redirect_uris", "http://127.0.0.1/callback",
	              "token_endpoint_auth_method", "none", "grant_types", grants,
	              "response_types", "code");
	/* Not with resources (RFC 8707): their scopes are granted per resource,
	 * which a client's registered scope does not describe, and an IdP may
	 * refuse a registration naming scopes it keeps for its APIs
	 * (oidc-provider does). The member is optional (RFC 7591 2). */
	if (o && c->scopes && !c->resources)
		json_object_set_new(o, "scope", json_string(c->scopes));
	text = o ? json_dumps(o, JSON_PRESERVE_ORDER) : NULL;
	json_decref(o);
	return text;
}

/* The answer: 201 (some IdPs say 200) with client_id; or an error. */
static enum ta_result take_answer(struct ta_client *c, const struct ta_http_response *resp,
                                  long long *expires_at)
{
	json_t *o = ta_response_object(resp->body, resp->len), *v;
	enum ta_result r;

	if (!o)
		return ta_fail(c, TA_E_HTTP, "the registration endpoint answered HTTP %ld", resp->status);
	if ((r = ta_response_error(c, o, NULL, 0)) != TA_OK)
		goto out;
	if (resp->status != 201 && resp->status != 200) {
		r = ta_fail(c, TA_E_HTTP, "the registration endpoint answered HTTP %ld", resp->status);
		goto out;
	}
	v = json_object_get(o, "client_id");
	if (!json_is_string(v) || !json_string_length(v) || json_string_length(v) > 256 ||
	    strspn(json_string_value(v), "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:") !=
	            json_string_length(v)) {
		r = ta_fail(c, TA_E_PROTOCOL, "the registration answer has no usable client_id");
		goto out;
	}
	if ((r = ta_set_string(&c->client_id, json_string_value(v))) != TA_OK)
		goto out;
	/* RFC 7591 3.2.1: 0 means it does not expire. */
	v = json_object_get(o, "client_secret_expires_at");
	*expires_at = json_is_integer(v) && json_integer_value(v) > 0 ? json_integer_value(v) : 0;
out:
	json_decref(o);
	return r;
}

enum ta_result ta_register_client(struct ta_client *c, const struct ta_metadata *md)
{
	struct ta_http_response resp;
	long long expires_at = 0;
	char *body, text[24];
	enum ta_result r;

	if (!md->registration_endpoint)
		return ta_fail(c, TA_E_ARG, "no client id, and the IdP offers no dynamic registration: give --client-id");
	if (!(body = request_body(c, md)))
		return TA_E_NOMEM;
	ta_debug(c, 1, "registering a client at %s", md->registration_endpoint);
	r = ta_http_post_json(c, md->registration_endpoint, body, &resp);
	free(body);
	if (r != TA_OK)
		return r;
	r = take_answer(c, &resp, &expires_at);
	ta_http_response_clear(&resp);
	if (r != TA_OK)
		return r;
	/* "0" for one that never expires: the option then also says that the
	 * IdP, not the person, gave the client id (login.c holds such an IdP
	 * to its own origin at every later sign-in). */
	snprintf(text, sizeof(text), "%lld", expires_at);
	if ((r = ta_set_string(&c->client_expires_at, text)) != TA_OK)
		return r;
	ta_notice(c, "registered termauth at the IdP as client %s", c->client_id);
	return TA_OK;
}
