/*
 * authcode.c - the browser sign-in (authorization code with PKCE, RFC 8252
 * and RFC 9700): listen on loopback, open the browser, wait for the
 * redirect on the listener or a pasted URL on the paste descriptor
 * (whichever comes first), exchange the code and check what comes back
 * (complete.c), then tell the browser how it ended. login.c does what
 * comes before (discovery).
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "signin/authcode.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/result.h"
#include "base/secret.h"
#include "base/url.h"
#include "jose/dpop.h"
#include "oauth/discovery.h"
#include "oauth/http.h"
#include "oauth/idtoken.h"
#include "oauth/par.h"
#include "oauth/token.h"
#include "profile/client.h"
#include "profile/record.h"
#include "signin/browser.h"
#include "signin/callback.h"
#include "signin/complete.h"
#include "signin/loopback.h"
#include "signin/pkce.h"

#define PASTE_LINE_MAX 8192
#define POLL_MS 100
#define TA_BROWSER_TIMEOUT 300 /* seconds, when no timeout is set */

/* Everything one sign-in holds; secrets are wiped in login_clear. */
struct login {
	const struct ta_metadata *md;
	const char *nonce;
	char *verifier, *state;
	char redirect_uri[64];
	struct ta_buf url;
	struct ta_expect expect;
	struct ta_loopback *listener;
	pid_t browser;
	int paste_fd;
	char line[PASTE_LINE_MAX];
	size_t line_len;
	int line_overflow;
	struct ta_outcome outcome;
	struct ta_par par;    /* the pushed request (RFC 9126), when the IdP takes them */
	long long renew_at;   /* monotonic ms: push again if the start page is still unvisited */
	int renewals;         /* how many times it was pushed again */
	int refused_told, owner_unknown_told;
	int stuck_told; /* the minute without a redirect was told */
};

/* A minute without a redirect is a sign-in that will not finish by
 * itself: the person is told what to check, once. */
#define STUCK_MS 60000

static void login_clear(struct login *l)
{
	ta_loopback_stop(l->listener);
	ta_free_secret(l->verifier);
	ta_free_secret(l->state);
	ta_free_secret(l->outcome.code);
	ta_par_clear(&l->par);
	ta_buf_clear(&l->url);
	ta_wipe(l, sizeof(*l));
}

/* The authorization request's parameters, form-encoded: the same whether
 * they go into the browser's URL or are pushed to the IdP (RFC 9126), so
 * every parameter is added here and nowhere else. */
static enum ta_result build_request_params(struct ta_client *c, const struct login *l,
                                           struct ta_buf *q)
{
	char challenge[TA_PKCE_CHALLENGE_LEN + 1];
	enum ta_result r;

	if ((r = ta_pkce_challenge(l->verifier, challenge)) != TA_OK)
		return r;
	ta_buf_add_param(q, "response_type", "code");
	ta_buf_add_param(q, "client_id", c->client_id);
	ta_buf_add_param(q, "redirect_uri", l->redirect_uri);
	ta_buf_add_param(q, "scope", c->scopes ? c->scopes : "openid");
	ta_buf_add_param(q, "state", l->state);
	ta_buf_add_param(q, "nonce", l->nonce);
	ta_buf_add_param(q, "code_challenge", challenge);
	ta_buf_add_param(q, "code_challenge_method", "S256");
	ta_token_add_resources(q, c->resources, 0);
	/* The code is then only redeemed with this key's proof (RFC 9449 10). */
	if (c->dpop_key)
		ta_buf_add_param(q, "dpop_jkt", ta_dpop_key_thumbprint(c->dpop_key));
	ta_wipe(challenge, sizeof(challenge));
	return q->failed ? TA_E_NOMEM : TA_OK;
}

/* Pushes the parameters in q (RFC 9126) and puts in their place what the
 * browser is given instead: the client id and the request_uri. State,
 * nonce and challenge then reach neither the browser (its history, its
 * address bar, a referrer) nor the terminal, and the IdP has judged the
 * request before the browser opens. */
static enum ta_result push(struct ta_client *c, struct login *l, struct ta_buf *q)
{
	const char *endpoint = l->md->pushed_authorization_request_endpoint;
	long long pushed_at = ta_monotonic_ms(), after;
	struct ta_par par = { 0 };
	enum ta_result r;

	if ((r = ta_par_push(c, endpoint, q, &par)) != TA_OK)
		return ta_fail_wrap(c, r, "the sign-in request pushed to %s", endpoint);
	ta_buf_clear(q); /* it held the client secret, if there is one */
	ta_buf_add_param(q, "client_id", c->client_id);
	ta_buf_add_param(q, "request_uri", par.request_uri);
	ta_par_clear(&l->par);
	l->par = par;
	if ((after = ta_par_renew_after_ms(par.expires_in, l->renewals)) >= 0) {
		l->renew_at = pushed_at + after;
	} else {
		l->renew_at = LLONG_MAX;
		ta_notice(c, "the IdP keeps an unopened sign-in address for %lld s only, and it was renewed %d times: if the IdP says the request expired, sign in again",
		          par.expires_in, l->renewals);
	}
	return q->failed ? TA_E_NOMEM : TA_OK;
}

/* The URL the browser is sent to, into url (empty): the authorization
 * endpoint with the request's parameters, or, when the IdP takes pushed
 * requests, with the request_uri it gave for them. */
static enum ta_result build_authorize_url(struct ta_client *c, struct login *l,
                                          struct ta_buf *url)
{
	struct ta_buf q = { 0 };
	enum ta_result r;

	if ((r = build_request_params(c, l, &q)) != TA_OK)
		goto out;
	if (l->md->pushed_authorization_request_endpoint && (r = push(c, l, &q)) != TA_OK)
		goto out;
	ta_buf_adds(url, l->md->authorization_endpoint);
	ta_buf_adds(url, strchr(l->md->authorization_endpoint, '?') ? "&" : "?");
	ta_buf_adds(url, q.data);
	r = url->failed ? TA_E_NOMEM : TA_OK;
out:
	ta_buf_clear(&q);
	return r;
}

/* A pushed request lives a short while at the IdP (oidc-provider: 60 s)
 * until the browser opens it; from then on the IdP keeps it for the whole
 * sign-in. A browser that starts slowly, or a person who opens the shown
 * address on another device after that, would meet an error page that
 * termauth never hears of. So while the start page is unvisited, a request
 * about to expire is pushed again, the start page sent to the new one,
 * and the person shown the new address. */
static void renew_push(struct ta_client *c, struct login *l)
{
	struct ta_buf url = { 0 };

	if (ta_loopback_start_served(l->listener)) {
		l->renew_at = LLONG_MAX; /* the browser has it: nothing expires now */
		return;
	}
	ta_debug(c, 1, "the pushed request is about to expire unopened: pushing it again");
	l->renewals++;
	if (build_authorize_url(c, l, &url) != TA_OK) {
		ta_notice(c, "could not renew the sign-in address at the IdP (%s): if the IdP says "
		          "the request expired, sign in again", ta_client_message(c));
		ta_fail_undo(c);
		l->renew_at = LLONG_MAX;
	} else if (!ta_loopback_renew_start(l->listener, url.data)) {
		l->renew_at = LLONG_MAX; /* visited meanwhile: the new request goes unused */
	} else {
		ta_buf_clear(&l->url);
		l->url = url;
		memset(&url, 0, sizeof(url));
		ta_notice(c, "the address above expires at the IdP unopened; if you have not opened "
		          "it yet, open this one instead: %s", l->url.data);
	}
	ta_buf_clear(&url);
}

/* Judges one pasted line; 1 when it decided the sign-in. */
static int paste_line(struct ta_client *c, struct login *l, char *line)
{
	const char *query;
	size_t len;

	while (*line == ' ' || *line == '\t')
		line++;
	len = strcspn(line, "\r\n");
	while (len && (line[len - 1] == ' ' || line[len - 1] == '\t'))
		len--;
	line[len] = '\0';
	if (!len)
		return 0;
	if (ta_callback_paste_query(line, l->redirect_uri, &query, &len)) {
		ta_notice(c, "that is not the redirect URL of this sign-in; paste the whole address, starting %s?",
		          l->redirect_uri);
		return 0;
	}
	ta_callback_judge(query, len, &l->expect, &l->outcome);
	if (l->outcome.verdict == TA_CALLBACK_IGNORED) {
		ta_notice(c, "%s", l->outcome.why);
		return 0;
	}
	return 1;
}

/* Reads what is there on the paste descriptor; 1 when a line decided the
 * sign-in. At end of input the descriptor is no longer watched. */
static int paste_read(struct ta_client *c, struct login *l)
{
	ssize_t n = read(l->paste_fd, l->line + l->line_len, sizeof(l->line) - 1 - l->line_len);
	char *nl;

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (n <= 0) {
		l->paste_fd = -1;
		if (l->line_len) { /* a last line without a newline */
			l->line[l->line_len] = '\0';
			l->line_len = 0;
			return paste_line(c, l, l->line);
		}
		return 0;
	}
	l->line_len += (size_t)n;
	l->line[l->line_len] = '\0';
	while ((nl = memchr(l->line, '\n', l->line_len))) {
		size_t used = (size_t)(nl - l->line) + 1;
		int decided;
		*nl = '\0';
		decided = !l->line_overflow && paste_line(c, l, l->line);
		if (l->line_overflow)
			ta_notice(c, "that line is too long to be the redirect URL");
		l->line_overflow = 0;
		memmove(l->line, l->line + used, l->line_len - used);
		l->line_len -= used;
		ta_wipe(l->line + l->line_len, used);
		if (decided)
			return 1;
	}
	if (l->line_len == sizeof(l->line) - 1) { /* drop the rest of a huge line */
		ta_wipe(l->line, sizeof(l->line));
		l->line_len = 0;
		l->line_overflow = 1;
	}
	return 0;
}

/* Tells the person about connections the listener refused: another user
 * knocking is an attack on this sign-in, worth one line (and the count of
 * the rest at -v, so that a flood does not flood the terminal). */
static void tell_refusals(struct ta_client *c, struct login *l, const struct ta_loopback_refusals *r)
{
	if (r->other_user && !l->refused_told) {
		l->refused_told = 1;
		ta_notice(c, "refused a connection to the sign-in listener from another local user "
		          "(uid %ld): only your own browser is served", (long)r->uid);
	} else if (r->other_user) {
		ta_debug(c, 1, "listener: refused %d more connection%s from another user (uid %ld)",
		         r->other_user, r->other_user == 1 ? "" : "s", (long)r->uid);
	}
	if (r->gone)
		ta_debug(c, 1, "listener: %d connection%s closed before their owner could be checked",
		         r->gone, r->gone == 1 ? "" : "s");
	if (r->owner_unknown && !l->owner_unknown_told) {
		l->owner_unknown_told = 1;
		ta_debug(c, 1, "listener: cannot tell which user made a connection (no socket table "
		         "here): serving every local connection");
	}
}

/* What to check when the browser does not come back: the reasons an IdP
 * shows an error page instead of redirecting. */
static void stuck_hint(const struct ta_client *c, const struct login *l, char *buf, size_t cap)
{
	/* The IdP judged a pushed request's client and redirect already: what
	 * remains is an address opened after the IdP let it expire. */
	if (l->par.request_uri) {
		snprintf(buf, cap, "open the newest address shown here (the IdP drops a request left "
		         "unopened for %lld s)%s", l->par.expires_in,
		         l->paste_fd >= 0 ? ", or paste the address the browser ends on" : "");
		return;
	}
	snprintf(buf, cap,
	         "check that the client id '%s' is right, and that the IdP accepts the redirect "
	         "http://127.0.0.1/callback on any port (this sign-in listens on %d; --port fixes one)%s",
	         c->client_id ? c->client_id : "", ta_loopback_port(l->listener),
	         l->paste_fd >= 0 ? ", or paste the address the browser ends on" : "");
}

/* Asks the authorization endpoint itself what the browser is about to be
 * shown, without following its answer: an IdP that refuses the request
 * (a client id it does not know, a redirect URI it does not accept) says
 * so with a 4xx page, and the person is told now what to check, rather
 * than after the whole timeout. Only told: the sign-in goes on (an IdP
 * may answer so for a reason of its own), and an IdP that cannot be asked
 * is no failure. */
static void preflight(struct ta_client *c, const struct login *l)
{
	struct ta_http_response resp = { 0 };
	char hint[320];

	if (ta_http_get(c, l->url.data, &resp) == TA_OK && resp.status >= 400 && resp.status < 500) {
		stuck_hint(c, l, hint, sizeof(hint));
		ta_notice(c, "the IdP refuses this sign-in (its authorization endpoint answers HTTP %ld): %s",
		          resp.status, hint);
	}
	ta_http_response_clear(&resp);
	ta_fail_undo(c);
}

/* Waits for the redirect; TA_OK when l->outcome holds a decisive one. */
static enum ta_result wait_redirect(struct ta_client *c, struct login *l)
{
	int timeout = c->timeout ? c->timeout : TA_BROWSER_TIMEOUT;
	long long deadline = ta_monotonic_ms() + (long long)timeout * 1000;
	enum ta_result r;
	struct ta_loopback_refusals refusals;
	char why[320];
	int ignored;

	for (;;) {
		struct pollfd fds[2] = {
			{ .fd = ta_loopback_fd(l->listener), .events = POLLIN },
			{ .fd = l->paste_fd, .events = POLLIN },
		};
		long long left = deadline - ta_monotonic_ms();

		if (left <= 0) {
			stuck_hint(c, l, why, sizeof(why));
			return ta_fail(c, TA_E_TIMEOUT, "no sign-in within %d second%s: %s", timeout,
			               timeout == 1 ? "" : "s", why);
		}
		if (!l->stuck_told && (long long)timeout * 1000 - left >= STUCK_MS) {
			l->stuck_told = 1;
			stuck_hint(c, l, why, sizeof(why));
			ta_notice(c, "no redirect from the browser for a minute: if the IdP shows an error, %s",
			          why);
		}
		if ((r = ta_check_cancelled(c)) != TA_OK)
			return r;
		if (l->par.request_uri && ta_monotonic_ms() >= l->renew_at)
			renew_push(c, l);
		if (ta_browser_failed(&l->browser))
			ta_notice(c, "the browser could not open the page; open the URL yourself");
		if (poll(fds, 2, (int)(left < POLL_MS ? left : POLL_MS)) < 0 && errno != EINTR)
			return ta_fail(c, TA_E_INTERNAL, "poll failed: %s", strerror(errno));
		if (fds[0].revents & POLLIN) {
			int got = ta_loopback_take(l->listener, &l->outcome, why, sizeof(why), &ignored,
			                           &refusals);
			tell_refusals(c, l, &refusals);
			if (ignored)
				ta_notice(c, "%s", why);
			if (got)
				return TA_OK;
		}
		if (fds[1].revents & POLLNVAL) /* not an open descriptor: no paste */
			l->paste_fd = -1;
		else if (fds[1].revents & (POLLIN | POLLHUP | POLLERR) && paste_read(c, l))
			return TA_OK;
	}
}

/* Starts the listener and the browser, and tells the person. */
static enum ta_result start_sign_in(struct ta_client *c, struct login *l)
{
	int launch = !c->flow || strcmp(c->flow, "paste");
	char *token = NULL, start[128];
	enum ta_result r;

	if ((r = ta_loopback_start(c, c->port, &l->expect, &l->listener)) != TA_OK)
		return r;
	snprintf(l->redirect_uri, sizeof(l->redirect_uri), "http://127.0.0.1:%d/callback",
	         ta_loopback_port(l->listener));
	if ((r = build_authorize_url(c, l, &l->url)) != TA_OK)
		return r;
	/* The browser gets the one-time start URL (see loopback.c); the
	 * person's own terminal shows the whole authorization URL, which can
	 * also be opened on another device. */
	if ((r = ta_random_string(32, &token)) != TA_OK ||
	    (r = ta_loopback_set_start(l->listener, token, l->url.data)) != TA_OK)
		goto out;
	snprintf(start, sizeof(start), "http://127.0.0.1:%d/start/%s", ta_loopback_port(l->listener),
	         token);
	if (launch && ta_browser_launch(c, start, &l->browser) != TA_OK) {
		ta_notice(c, "no browser could be started: open the URL yourself");
		launch = 0;
	}
	if (c->cb.show_url)
		c->cb.show_url(c->cb.data, l->url.data, launch, l->paste_fd >= 0);
	/* A pushed request was judged by the IdP already, and may be one-time
	 * at the authorization endpoint (RFC 9126 section 4): not asked twice. */
	if (!l->par.request_uri)
		preflight(c, l);
out:
	ta_wipe(start, sizeof(start));
	ta_free_secret(token);
	return r;
}

/* The browser's last page says how the sign-in ended: who signed in for
 * which profile, or the reason it failed (a message holds no secret). */
static void tell_browser(struct ta_client *c, struct login *l, enum ta_result r,
                         const struct ta_session *s)
{
	char *account = s && s->id_token ? ta_id_token_account(s->id_token) : NULL;

	ta_loopback_finish(l->listener, r == TA_OK, account, c->profile_name,
	                   r == TA_OK ? NULL : ta_client_message(c));
	free(account);
}

enum ta_result ta_authcode_sign_in(struct ta_client *c, const struct ta_metadata *md,
                                   const char *nonce, struct ta_session **out)
{
	struct login *l = calloc(1, sizeof(*l));
	enum ta_result r;

	if (!l)
		return TA_E_NOMEM;
	l->md = md;
	l->nonce = nonce;
	l->paste_fd = c->paste_fd;
	if (!md->authorization_endpoint) {
		r = ta_fail(c, TA_E_PROTOCOL, "the IdP has no authorization endpoint; try --flow device");
		goto out;
	}
	if ((r = ta_random_string(32, &l->verifier)) != TA_OK ||
	    (r = ta_random_string(32, &l->state)) != TA_OK)
		goto out;
	l->expect.state = l->state;
	l->expect.issuer = md->issuer;
	/* An IdP a resource named must name itself (login.c). */
	l->expect.iss_required = md->iss_parameter_supported || ta_issuer_named_by_resource(c);
	if ((r = start_sign_in(c, l)) != TA_OK || (r = wait_redirect(c, l)) != TA_OK)
		goto out;
	if (l->outcome.verdict == TA_CALLBACK_FAILED) {
		r = ta_fail(c, l->outcome.result, "%s", l->outcome.why);
		goto out;
	}
	if ((r = ta_check_cancelled(c)) == TA_OK &&
	    (r = ta_token_exchange_code(c, md->token_endpoint, l->outcome.code, l->redirect_uri,
	                                l->verifier, c->resources, out)) == TA_OK &&
	    (r = ta_sign_in_complete(c, md, l->nonce, *out)) != TA_OK) {
		ta_session_free(*out);
		*out = NULL;
	}
	tell_browser(c, l, r, r == TA_OK ? *out : NULL);
out:
	login_clear(l);
	free(l);
	return r;
}
