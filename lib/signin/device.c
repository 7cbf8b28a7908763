/*
 * device.c - see device.h. Time is measured on the monotonic clock only:
 * the code's life and the polling interval are durations, so a wall clock
 * that is off (or jumps) changes nothing. slow_down adds 5 seconds to the
 * interval every time it comes (RFC 8628 section 3.5); a network failure
 * is retried with a growing pause while the code lives; polling stops at
 * the first answer that is not "pending" - a poll after success would make
 * some IdPs revoke the grant.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "signin/device.h"
#include "signin/complete.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/result.h"
#include "base/secret.h"
#include "base/url.h"
#include "oauth/http.h"
#include "oauth/response.h"
#include "oauth/token.h"
#include "profile/record.h"

#define DEFAULT_INTERVAL 5
#define SLOW_DOWN_STEP 5
#define MAX_BACKOFF 60

void ta_device_grant_clear(struct ta_device_grant *g)
{
	ta_free_secret(g->device_code);
	free(g->user_code);
	free(g->verification_uri);
	free(g->verification_uri_complete);
	memset(g, 0, sizeof(*g));
}

/* A string member that will be shown: printable ASCII, at most max. */
static enum ta_result shown_string(struct ta_client *c, json_t *o, const char *key,
                                   size_t max, int required, char **dst)
{
	const char *v = json_string_value(json_object_get(o, key));
	size_t i, n;

	if (!v)
		return required || json_object_get(o, key)
		               ? ta_fail(c, TA_E_PROTOCOL, "the device answer lacks a usable %s", key)
		               : TA_OK;
	n = strlen(v);
	for (i = 0; i < n; i++)
		if (v[i] < 0x20 || v[i] > 0x7e)
			break;
	if (n == 0 || n > max || i < n)
		return ta_fail(c, TA_E_PROTOCOL, "the device answer's %s is not printable text", key);
	return ta_set_string(dst, v);
}

/* The page's member: verification_uri (RFC 8628), or Google's older
 * verification_url when only that is there. */
static const char *page_key(json_t *o)
{
	return !json_object_get(o, "verification_uri") && json_object_get(o, "verification_url")
	               ? "verification_url"
	               : "verification_uri";
}

static enum ta_result parse_grant(struct ta_client *c, json_t *o, struct ta_device_grant *g)
{
	long long interval = ta_response_seconds(o, "interval");
	enum ta_result r;

	if ((r = shown_string(c, o, "device_code", 4096, 1, &g->device_code)) != TA_OK ||
	    (r = shown_string(c, o, "user_code", 64, 1, &g->user_code)) != TA_OK ||
	    (r = shown_string(c, o, page_key(o), 2048, 1, &g->verification_uri)) != TA_OK ||
	    (r = shown_string(c, o, "verification_uri_complete", 2048, 0,
	                      &g->verification_uri_complete)) != TA_OK)
		return r;
	if ((r = ta_url_check(c, "verification", g->verification_uri)) != TA_OK ||
	    (g->verification_uri_complete &&
	     (r = ta_url_check(c, "verification", g->verification_uri_complete)) != TA_OK))
		return r == TA_E_ARG ? TA_E_PROTOCOL : r;
	g->expires_in = ta_response_seconds(o, "expires_in");
	if (g->expires_in <= 0)
		return ta_fail(c, TA_E_PROTOCOL, "the device answer lacks a usable expires_in");
	if (interval == -2 || interval > 3600)
		return ta_fail(c, TA_E_PROTOCOL, "the device answer's interval is not a sane number");
	g->interval = interval > 0 ? (int)interval : DEFAULT_INTERVAL;
	return TA_OK;
}

enum ta_result ta_device_response_parse(struct ta_client *c, long status, const char *body,
                                        size_t len, struct ta_device_grant *g)
{
	json_t *o = ta_response_object(body, len);
	enum ta_result r;

	memset(g, 0, sizeof(*g));
	if (!o)
		return ta_fail(c, status == 200 ? TA_E_PROTOCOL : TA_E_HTTP,
		               "the device authorization endpoint answered HTTP %ld%s", status,
		               status == 200 ? " with something that is not JSON" : "");
	if ((r = ta_response_error(c, o, NULL, 0)) == TA_OK) {
		if (status != 200)
			r = ta_fail(c, TA_E_HTTP, "the device authorization endpoint answered HTTP %ld",
			            status);
		else
			r = parse_grant(c, o, g);
	}
	if (r != TA_OK)
		ta_device_grant_clear(g);
	json_decref(o);
	return r;
}

static enum ta_result request_code(struct ta_client *c, const struct ta_metadata *md,
                                   struct ta_device_grant *g)
{
	struct ta_http_response resp;
	struct ta_buf form = { 0 };
	enum ta_result r;

	ta_buf_add_param(&form, "client_id", c->client_id);
	ta_buf_add_param(&form, "scope", c->scopes ? c->scopes : "openid");
	ta_token_add_resources(&form, c->resources, 0);
	if (form.failed) {
		ta_buf_clear(&form);
		return TA_E_NOMEM;
	}
	r = ta_http_post_form(c, md->device_authorization_endpoint, form.data, &resp);
	ta_buf_clear(&form);
	if (r != TA_OK)
		return r;
	r = ta_device_response_parse(c, resp.status, resp.body, resp.len, g);
	ta_http_response_clear(&resp);
	return r;
}

/* Waits until `until` (monotonic ms), reporting progress about once a
 * second. At the deadline: TA_E_TIMEOUT when it was the person's
 * --timeout, else TA_E_CODE_EXPIRED. TA_E_CANCELLED. */
static enum ta_result wait_until(struct ta_client *c, long long until, long long deadline,
                                 int timeout_set)
{
	enum ta_result r;
	int told = -1;

	for (;;) {
		long long now = ta_monotonic_ms(), step;

		if (now >= deadline && timeout_set)
			return ta_fail(c, TA_E_TIMEOUT, "no sign-in within %d second%s", c->timeout,
			               c->timeout == 1 ? "" : "s");
		if (now >= deadline)
			return ta_fail(c, TA_E_CODE_EXPIRED,
			               "the code expired before the sign-in was approved; run the sign-in again");
		if ((r = ta_check_cancelled(c)) != TA_OK)
			return r;
		if (c->cb.device_progress && (int)((deadline - now + 999) / 1000) != told) {
			told = (int)((deadline - now + 999) / 1000);
			c->cb.device_progress(c->cb.data, told);
		}
		if (now >= until)
			return TA_OK;
		step = until - now;
		if (step > 100)
			step = 100;
		nanosleep(&(struct timespec){ .tv_nsec = step * 1000000L }, NULL);
	}
}

/* One poll of the token endpoint. */
static enum ta_result poll_token(struct ta_client *c, const struct ta_metadata *md,
                                 const struct ta_device_grant *g, struct ta_session **out,
                                 char *error, size_t errlen)
{
	struct ta_buf form = { 0 };
	enum ta_result r;

	ta_buf_add_param(&form, "grant_type", "urn:ietf:params:oauth:grant-type:device_code");
	ta_buf_add_param(&form, "device_code", g->device_code);
	ta_token_add_resources(&form, c->resources, 1);
	r = ta_token_request(c, md->token_endpoint, &form, out, error, errlen);
	ta_buf_clear(&form);
	return r;
}

static enum ta_result poll_until_done(struct ta_client *c, const struct ta_metadata *md,
                                      const struct ta_device_grant *g, struct ta_session **out)
{
	long long start = ta_monotonic_ms();
	long long deadline = start + g->expires_in * 1000;
	long long interval = g->interval, backoff = 0, next;
	int timeout_set = c->timeout > 0 && start + (long long)c->timeout * 1000 < deadline;
	char error[64];
	enum ta_result r;

	if (timeout_set)
		deadline = start + (long long)c->timeout * 1000;
	for (next = start + interval * 1000;; next = ta_monotonic_ms() + (backoff ? backoff : interval) * 1000) {
		if ((r = wait_until(c, next, deadline, timeout_set)) != TA_OK)
			return r;
		r = poll_token(c, md, g, out, error, sizeof(error));
		if (r == TA_OK)
			return TA_OK;
		if (r == TA_E_UNREACHABLE || r == TA_E_HTTP) {
			/* Transient: try again, further apart each time. */
			backoff = backoff ? backoff * 2 : interval;
			if (backoff > MAX_BACKOFF)
				backoff = MAX_BACKOFF;
			ta_notice(c, "%s; trying again in %lld s", ta_client_message(c), backoff);
			ta_fail_undo(c); /* told; not the sign-in's failure */
			continue;
		}
		backoff = 0;
		if (!strcmp(error, "authorization_pending"))
			continue;
		if (!strcmp(error, "slow_down")) {
			interval += SLOW_DOWN_STEP;
			ta_debug(c, 1, "the IdP asked to slow down: polling every %lld s", interval);
			continue;
		}
		if (!strcmp(error, "access_denied"))
			return ta_fail(c, TA_E_DENIED, "the sign-in was refused on the approval page");
		if (!strcmp(error, "expired_token"))
			return ta_fail(c, TA_E_CODE_EXPIRED,
			               "the code expired before the sign-in was approved; run the sign-in again");
		return r;
	}
}

enum ta_result ta_device_sign_in(struct ta_client *c, const struct ta_metadata *md,
                                 struct ta_session **out)
{
	struct ta_device_grant g;
	enum ta_result r;

	if (!md->device_authorization_endpoint)
		return ta_fail(c, TA_E_NO_DEVICE_FLOW, "the IdP offers no device flow; use --flow browser");
	ta_debug(c, 1, "asking for a device code at %s", md->device_authorization_endpoint);
	if ((r = request_code(c, md, &g)) != TA_OK)
		return r;
	if (c->cb.show_device_code)
		c->cb.show_device_code(c->cb.data, g.user_code, g.verification_uri,
		                       g.verification_uri_complete, (int)g.expires_in);
	ta_debug(c, 1, "the code lives %lld s; polling every %d s", g.expires_in, g.interval);
	r = poll_until_done(c, md, &g, out);
	ta_device_grant_clear(&g);
	if (r == TA_OK && (r = ta_sign_in_complete(c, md, NULL, *out)) != TA_OK) {
		ta_session_free(*out);
		*out = NULL;
	}
	return r;
}
