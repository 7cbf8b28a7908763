/*
 * par.c - see par.h. The push itself and the judge of its answer; which
 * parameters are pushed, and what the browser is then given, is the
 * browser sign-in's business (signin/authcode.c). The answer is parsed
 * strictly (jansson, duplicates refused): its request_uri goes into the
 * URL the terminal shows and the browser opens, so it must be a URI and
 * nothing else.
 */
#include <string.h>
#include <jansson.h>
#include "oauth/par.h"
#include "base/buf.h"
#include "base/result.h"
#include "base/secret.h"
#include "oauth/http.h"
#include "oauth/response.h"

#define TEN_YEARS (10LL * 365 * 86400)

void ta_par_clear(struct ta_par *p)
{
	ta_free_secret(p->request_uri);
	memset(p, 0, sizeof(*p));
}

/* RFC 9126 section 2.2: the request_uri is a URI (RFC 3986 section 3,
 * absolute: a scheme, a colon, something), e.g. urn:ietf:params:oauth:
 * request_uri:<random>. Only the characters a URI may hold: no spaces,
 * controls or bytes outside ASCII, which could paint the terminal. */
static int request_uri_ok(const char *s, size_t len)
{
	static const char uri_chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	                                "0123456789-._~:/?#[]@!$&'()*+,;=%";
	size_t scheme;

	if (len == 0 || len > TA_PAR_REQUEST_URI_MAX || strlen(s) != len)
		return 0;
	if (s[strspn(s, uri_chars)] != '\0')
		return 0;
	scheme = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-.");
	return scheme > 0 && ((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z')) &&
	       s[scheme] == ':' && s[scheme + 1] != '\0';
}

static enum ta_result parse_success(struct ta_client *c, json_t *o, struct ta_par *p)
{
	json_t *uri = json_object_get(o, "request_uri"), *exp = json_object_get(o, "expires_in");

	if (!json_is_string(uri))
		return ta_fail(c, TA_E_PROTOCOL, "the IdP's answer to the pushed authorization request "
		               "has no request_uri");
	if (!request_uri_ok(json_string_value(uri), json_string_length(uri)))
		return ta_fail(c, TA_E_PROTOCOL, "the IdP's answer to the pushed authorization request "
		               "has a request_uri that is not a URI of at most %d characters",
		               TA_PAR_REQUEST_URI_MAX);
	if (!json_is_integer(exp) || json_integer_value(exp) <= 0 ||
	    json_integer_value(exp) > TEN_YEARS)
		return ta_fail(c, TA_E_PROTOCOL, "the IdP's answer to the pushed authorization request "
		               "has no expires_in of a positive number of seconds");
	p->expires_in = json_integer_value(exp);
	return ta_set_string(&p->request_uri, json_string_value(uri));
}

enum ta_result ta_par_response_parse(struct ta_client *c, long status, const char *body,
                                     size_t len, struct ta_par *out)
{
	json_t *o = json_loadb(body, len, JSON_REJECT_DUPLICATES, NULL);
	struct ta_par p = { 0 };
	enum ta_result r;

	/* An OAuth error is the IdP's word, whatever the status. */
	if (json_is_object(o) && (r = ta_response_error(c, o, NULL, 0)) != TA_OK)
		goto out;
	/* RFC 9126 section 2.2 says 201; some IdPs answer 200. */
	if (status != 201 && status != 200) {
		r = ta_fail(c, TA_E_HTTP, "the IdP's pushed authorization request endpoint answered "
		            "HTTP %ld", status);
		goto out;
	}
	if (!json_is_object(o)) {
		r = ta_fail(c, TA_E_PROTOCOL, "the IdP's answer to the pushed authorization request "
		            "is not a JSON object");
		goto out;
	}
	if ((r = parse_success(c, o, &p)) != TA_OK)
		goto out;
	*out = p;
	memset(&p, 0, sizeof(p));
out:
	ta_par_clear(&p);
	json_decref(o);
	return r;
}

enum ta_result ta_par_push(struct ta_client *c, const char *endpoint, struct ta_buf *form,
                           struct ta_par *out)
{
	struct ta_http_response resp;
	enum ta_result r;

	/* As at the token endpoint (RFC 9126 section 2: the client
	 * authenticates there as it would there). */
	if (c->client_secret)
		ta_buf_add_param(form, "client_secret", c->client_secret);
	if (form->failed)
		return TA_E_NOMEM;
	ta_debug(c, 1, "pushing the authorization request to %s", endpoint);
	if ((r = ta_http_post_form(c, endpoint, form->data, &resp)) != TA_OK)
		return r;
	r = ta_par_response_parse(c, resp.status, resp.body, resp.len, out);
	ta_http_response_clear(&resp);
	if (r == TA_OK)
		ta_debug(c, 1, "the IdP holds the request for %lld s", out->expires_in);
	return r;
}

long long ta_par_renew_after_ms(long long expires_in, int renewed)
{
	long long margin = expires_in >= 30 ? 10 : expires_in / 3;

	if (renewed >= TA_PAR_RENEWALS_MAX)
		return -1;
	return (expires_in - margin < 5 ? 5 : expires_in - margin) * 1000;
}
