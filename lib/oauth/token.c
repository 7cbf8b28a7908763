/*
 * token.c - see token.h. Answers are parsed strictly (jansson, duplicates
 * refused; or form-encoded, see response.c); the IdP's error text is shown,
 * trimmed to printable ASCII so it cannot paint the terminal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <jansson.h>
#include "oauth/token.h"
#include "base/buf.h"
#include "base/result.h"
#include "base/secret.h"
#include "base/url.h"
#include "jose/dpop.h"
#include "oauth/http.h"
#include "oauth/response.h"
#include "profile/record.h"

/* Which characters a member may hold: tokens are VSCHAR (RFC 6749 A.12,
 * A.17), a token type a name or an URI (A.13), an ID token a JWS compact
 * serialization. Checked because tokens are printed, into terminals and
 * into HTTP headers ($(termauth token)), where a newline or an escape
 * sequence would do harm. */
static int chars_ok(const char *key, const char *v)
{
	const char *allowed = NULL;

	if (!strcmp(key, "token_type"))
		allowed = "-._:/ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	else if (!strcmp(key, "id_token"))
		allowed = "-_.ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	if (allowed)
		return v[strspn(v, allowed)] == '\0';
	for (; *v; v++)
		if (*v < 0x20 || *v > 0x7e)
			return 0;
	return 1;
}

/* Copies an optional string member; TA_E_PROTOCOL when it is not a string. */
static enum ta_result take_string(struct ta_client *c, json_t *o, const char *key,
                                  char **dst)
{
	json_t *v = json_object_get(o, key);

	/* An empty scope (GitHub Apps get one) says nothing: as if absent. */
	if (!v || json_is_null(v) || (!strcmp(key, "scope") && json_is_string(v) &&
	                              !json_string_length(v)))
		return TA_OK;
	if (!json_is_string(v) || !json_string_length(v))
		return ta_fail(c, TA_E_PROTOCOL, "the token response's %s is not a string", key);
	if (!chars_ok(key, json_string_value(v)))
		return ta_fail(c, TA_E_PROTOCOL, "the token response's %s holds characters it cannot", key);
	return ta_set_secret(dst, json_string_value(v)); /* a session's, freed with ta_free_secret */
}

int ta_scope_ok(const char *s)
{
	for (; *s; s++)
		if (*s != ' ' && (*s < 0x21 || *s > 0x7e || *s == '"' || *s == '\\'))
			return 0;
	return 1;
}

static enum ta_result parse_success(struct ta_client *c, json_t *o, long long now,
                                    struct ta_session *s)
{
	static const struct { const char *key; size_t offset; } strings[] = {
		{ "access_token", offsetof(struct ta_session, access_token) },
		{ "token_type", offsetof(struct ta_session, token_type) },
		{ "refresh_token", offsetof(struct ta_session, refresh_token) },
		{ "id_token", offsetof(struct ta_session, id_token) },
		{ "scope", offsetof(struct ta_session, scope) },
	};
	long long secs = ta_response_seconds(o, "expires_in");
	enum ta_result r;
	size_t i;

	for (i = 0; i < sizeof(strings) / sizeof(strings[0]); i++)
		if ((r = take_string(c, o, strings[i].key,
		                     (char **)((char *)s + strings[i].offset))) != TA_OK)
			return r;
	if (!s->access_token || !s->token_type)
		return ta_fail(c, TA_E_PROTOCOL, "the token response lacks access_token or token_type");
	if (s->scope && !ta_scope_ok(s->scope))
		return ta_fail(c, TA_E_PROTOCOL, "the token response's scope holds characters a scope cannot");
	/* Some IdPs send the number as a string; both are accepted. */
	if (secs == -2)
		return ta_fail(c, TA_E_PROTOCOL, "the token response's expires_in is not a sane number");
	/* A lifetime of 0 would be a token that expires as it arrives; IdPs
	 * that send it mean "not said": it is taken as no expires_in. */
	if (secs == 0)
		secs = -1;
	/* Recorded so that a token is judged by its own lifetime: one without
	 * expires_in is held to the hour after now (TA_UNSAID_LIFETIME), and
	 * one that lives shorter than a caller's min_ttl is not refreshed at
	 * every call (ta_session_short_lived). */
	ta_session_meta(s)->obtained_at = now;
	if (secs >= 0) {
		s->expires_at = now + secs;
		ta_session_meta(s)->lifetime = secs;
	}
	return TA_OK;
}

/* ta_token_response_parse, also handing out the OAuth error code. */
static enum ta_result parse_response(struct ta_client *c, long status, const char *body,
                                     size_t len, long long now, struct ta_session **out,
                                     char *error, size_t errlen)
{
	json_t *o = ta_response_object(body, len);
	struct ta_session *s = NULL;
	enum ta_result r;

	if (!o) {
		r = status == 200 ? ta_fail(c, TA_E_PROTOCOL, "the token endpoint's answer is not JSON")
		                  : ta_fail(c, TA_E_HTTP, "the token endpoint answered HTTP %ld", status);
		goto out;
	}
	/* An error may come with any status: GitHub sends them with 200. */
	if ((r = ta_response_error(c, o, error, errlen)) != TA_OK)
		goto out;
	if (status != 200) {
		r = ta_fail(c, TA_E_HTTP, "the token endpoint answered HTTP %ld", status);
		goto out;
	}
	if ((r = ta_session_new(&s)) != TA_OK)
		goto out;
	if ((r = parse_success(c, o, now, s)) != TA_OK)
		goto out;
	*out = s;
	s = NULL;
out:
	ta_session_free(s);
	json_decref(o);
	return r;
}

enum ta_result ta_token_response_parse(struct ta_client *c, long status,
                                       const char *body, size_t len, long long now,
                                       struct ta_session **out)
{
	return parse_response(c, status, body, len, now, out, NULL, 0);
}

/* Keeps the DPoP-Nonce the server gave, for the next proof (RFC 9449 8:
 * a server may give a new one with any answer). */
static void keep_nonce(struct ta_client *c, const struct ta_http_response *resp)
{
	const char *nonce;
	size_t n;
	char *copy;

	if (!resp->dpop_nonce ||
	    ta_dpop_nonce_parse(resp->dpop_nonce, strlen(resp->dpop_nonce), &nonce, &n) ||
	    !(copy = strndup(nonce, n)))
		return;
	free(c->dpop_nonce);
	c->dpop_nonce = copy;
}

/* 1 when the answer asks for a proof with the nonce it sent. */
static int nonce_asked(const struct ta_http_response *resp)
{
	json_t *o;
	int asked;

	if ((resp->status != 400 && resp->status != 401) || !resp->dpop_nonce)
		return 0;
	o = ta_response_object(resp->body, resp->len);
	asked = ta_dpop_nonce_asked(json_string_value(json_object_get(o, "error")));
	json_decref(o);
	return asked;
}

/* POSTs form to endpoint with a DPoP proof of c->dpop_key (RFC 9449 5),
 * and once more with the server's nonce when it asks for one (8): never
 * again, so that a server that keeps asking cannot make a loop. */
static enum ta_result post_with_proof(struct ta_client *c, const char *endpoint, const char *form,
                                      struct ta_http_response *resp)
{
	char *proof = NULL, *header = NULL;
	enum ta_result r;
	int attempt;

	for (attempt = 0; attempt < 2; attempt++) {
		struct ta_dpop_request q = { "POST", endpoint, (long long)time(NULL), c->dpop_nonce,
		                             NULL };
		if ((r = ta_dpop_proof_make(c, c->dpop_key, &q, &proof)) != TA_OK)
			return r;
		if (asprintf(&header, "DPoP: %s", proof) < 0)
			header = NULL;
		ta_free_secret(proof);
		if (!header)
			return TA_E_NOMEM;
		r = ta_http_post_form_header(c, endpoint, form, header, resp);
		ta_wipe(header, strlen(header));
		free(header);
		if (r != TA_OK)
			return r;
		keep_nonce(c, resp);
		if (attempt || !nonce_asked(resp))
			break;
		ta_debug(c, 1, "the token endpoint asks for a DPoP nonce: once more with it");
		ta_http_response_clear(resp);
	}
	return TA_OK;
}

enum ta_result ta_token_request(struct ta_client *c, const char *endpoint,
                                struct ta_buf *form, struct ta_session **out,
                                char *error, size_t errlen)
{
	struct ta_http_response resp;
	enum ta_result r;

	if (error && errlen)
		error[0] = '\0';
	ta_buf_add_param(form, "client_id", c->client_id);
	if (c->client_secret)
		ta_buf_add_param(form, "client_secret", c->client_secret);
	if (form->failed)
		return TA_E_NOMEM;
	r = c->dpop_key ? post_with_proof(c, endpoint, form->data, &resp)
	                : ta_http_post_form(c, endpoint, form->data, &resp);
	if (r != TA_OK)
		return r;
	r = parse_response(c, resp.status, resp.body, resp.len, (long long)time(NULL), out, error,
	                   errlen);
	ta_http_response_clear(&resp);
	return r;
}

enum ta_result ta_token_revoke(struct ta_client *c, const char *endpoint, const char *token,
                                const char *hint)
{
	struct ta_http_response resp;
	struct ta_buf form = { 0 };
	enum ta_result r;
	json_t *o;

	ta_buf_add_param(&form, "token", token);
	ta_buf_add_param(&form, "token_type_hint", hint);
	ta_buf_add_param(&form, "client_id", c->client_id);
	if (c->client_secret)
		ta_buf_add_param(&form, "client_secret", c->client_secret);
	if (form.failed) {
		ta_buf_clear(&form);
		return TA_E_NOMEM;
	}
	ta_debug(c, 1, "revoking the %s at %s", hint, endpoint);
	r = ta_http_post_form(c, endpoint, form.data, &resp);
	ta_buf_clear(&form);
	if (r != TA_OK)
		return r;
	/* RFC 7009 section 2.2: 200 also for a token that was already invalid. */
	if (resp.status != 200) {
		o = ta_response_object(resp.body, resp.len);
		if (!o || (r = ta_response_error(c, o, NULL, 0)) == TA_OK)
			r = ta_fail(c, TA_E_HTTP, "the revocation endpoint answered HTTP %ld", resp.status);
		json_decref(o);
	}
	ta_http_response_clear(&resp);
	return r;
}

void ta_token_add_resources(struct ta_buf *form, const char *list, int first_only)
{
	char one[TA_RESOURCE_MAX + 1];
	size_t n;

	while (list && *list) {
		if (*list == ' ') {
			list++;
			continue;
		}
		n = strcspn(list, " ");
		snprintf(one, sizeof(one), "%.*s", (int)(n < TA_RESOURCE_MAX ? n : TA_RESOURCE_MAX), list);
		ta_buf_add_param(form, "resource", one);
		if (first_only)
			return;
		list += n;
	}
}

char *ta_token_first_resource(const char *list)
{
	size_t n;

	if (!list)
		return NULL;
	list += strspn(list, " ");
	n = strcspn(list, " ");
	return n ? strndup(list, n) : NULL;
}

enum ta_result ta_token_exchange_code(struct ta_client *c, const char *token_endpoint,
                                      const char *code, const char *redirect_uri,
                                      const char *verifier, const char *resources,
                                      struct ta_session **out)
{
	struct ta_buf form = { 0 };
	enum ta_result r;

	ta_buf_add_param(&form, "grant_type", "authorization_code");
	ta_buf_add_param(&form, "code", code);
	ta_buf_add_param(&form, "redirect_uri", redirect_uri);
	ta_buf_add_param(&form, "code_verifier", verifier);
	ta_token_add_resources(&form, resources, 1);
	ta_debug(c, 1, "exchanging the code at %s", token_endpoint);
	r = ta_token_request(c, token_endpoint, &form, out, NULL, 0);
	ta_buf_clear(&form);
	return r;
}
