/*
 * callback.c - see callback.h. The order of the checks follows RFC 9207
 * and RFC 9700: first whether the redirect is ours at all (state, compared
 * in constant time), then its shape (duplicates), then iss, and only then
 * error or code.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "signin/callback.h"
#include "base/buf.h"
#include "base/query.h"
#include "base/result.h"
#include "base/secret.h"
#include "oauth/discovery.h"

/* Marks the outcome failed. Text from the IdP in the arguments must have
 * been through ta_printable. */
TA_PRINTF(3, 4) static void fail(struct ta_outcome *out, enum ta_result r,
                                 const char *fmt, ...)
{
	va_list ap;

	out->verdict = TA_CALLBACK_FAILED;
	out->result = r;
	va_start(ap, fmt);
	vsnprintf(out->why, sizeof(out->why), fmt, ap);
	va_end(ap);
}

/* 1 when any state value in q is ours. */
static int has_our_state(const struct ta_query *q, const char *state)
{
	size_t i;
	int ours = 0;

	for (i = 0; i < q->n; i++)
		if (!strcmp(q->keys[i], "state") && ta_secret_equal(q->values[i], state))
			ours = 1;
	return ours;
}

void ta_callback_judge(const char *query, size_t len, const struct ta_expect *e,
                       struct ta_outcome *out)
{
	struct ta_query q;
	const char *iss, *error, *code;
	char shown[200];

	memset(out, 0, sizeof(*out));
	if (ta_query_parse(query, len, &q) != TA_OK) {
		fail(out, TA_E_NOMEM, "out of memory");
		return;
	}
	if (!has_our_state(&q, e->state)) {
		/* Anyone can send a request to the listener; only the holder of the
		 * state can end the sign-in. */
		out->verdict = TA_CALLBACK_IGNORED;
		snprintf(out->why, sizeof(out->why), "%s",
		         ta_query_get(&q, "state") ? "a redirect with a wrong state was ignored"
		                                    : "a redirect without state was ignored");
		goto out;
	}
	if (q.malformed) {
		fail(out, TA_E_CALLBACK, "the redirect from the IdP is malformed");
		goto out;
	}
	if (q.duplicated) {
		fail(out, TA_E_CALLBACK, "the redirect from the IdP repeats a parameter");
		goto out;
	}
	iss = ta_query_get(&q, "iss");
	if (iss ? !e->issuer || !ta_issuer_matches(e->issuer, iss, NULL) : e->iss_required) {
		ta_printable(shown, sizeof(shown), iss);
		if (iss)
			fail(out, TA_E_ISSUER, "the redirect names another issuer (%s): possible mix-up attack", shown);
		else
			fail(out, TA_E_ISSUER, "the redirect lacks the iss its IdP promises (RFC 9207): possibly another IdP's sign-in passed off as this one's (mix-up attack); its code was not used");
		goto out;
	}
	if ((error = ta_query_get(&q, "error"))) {
		const char *desc = ta_query_get(&q, "error_description");
		char both[200];
		snprintf(both, sizeof(both), "%s%s%s", error, desc ? ": " : "", desc ? desc : "");
		ta_printable(shown, sizeof(shown), both);
		/* RFC 9101 section 7, for a pushed request (RFC 9126): one
		 * opened after it expired, or a second time. */
		if (!strcmp(error, "invalid_request_uri"))
			fail(out, TA_E_IDP, "the IdP no longer holds this sign-in's request (%s): it "
			     "expired before the browser opened it, or was used already; sign in again",
			     shown);
		else if (strcmp(error, "access_denied"))
			fail(out, TA_E_IDP, "the IdP refused the sign-in (%s)", shown);
		else
			fail(out, TA_E_DENIED, "the sign-in was refused (%s)", shown);
		goto out;
	}
	code = ta_query_get(&q, "code");
	if (!code || !*code) {
		fail(out, TA_E_CALLBACK, "the redirect from the IdP carries no code");
		goto out;
	}
	if (!(out->code = strdup(code))) {
		fail(out, TA_E_NOMEM, "out of memory");
		goto out;
	}
	out->verdict = TA_CALLBACK_CODE;
out:
	ta_query_clear(&q);
}

int ta_callback_paste_query(const char *line, const char *redirect_uri,
                            const char **query, size_t *len)
{
	size_t rlen = strlen(redirect_uri);
	const char *q;

	if (strncmp(line, redirect_uri, rlen) || line[rlen] != '?')
		return -1;
	q = line + rlen + 1;
	*query = q;
	*len = strcspn(q, "#\r\n");
	return 0;
}

static void add_escaped(struct ta_buf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': ta_buf_adds(b, "&lt;"); break;
		case '>': ta_buf_adds(b, "&gt;"); break;
		case '&': ta_buf_adds(b, "&amp;"); break;
		case '"': ta_buf_adds(b, "&quot;"); break;
		case '\'': ta_buf_adds(b, "&#39;"); break;
		default: ta_buf_add(b, s, 1);
		}
	}
}

/* A page is its head, a heading, a paragraph told by the caller, then a
 * last paragraph; page_end returns it, or NULL when memory ran out. */
static void page_begin(struct ta_buf *b, const char *heading)
{
	ta_buf_adds(b, "<!doctype html><html><head><meta charset=\"utf-8\">"
	               "<title>termauth</title><style>body{font:16px system-ui,sans-serif;"
	               "max-width:36em;margin:4em auto;padding:0 1em;color:#222}"
	               "h1{font-size:1.4em}</style></head><body><h1>");
	ta_buf_adds(b, heading);
	ta_buf_adds(b, "</h1><p>");
}

static char *page_end(struct ta_buf *b, const char *last)
{
	ta_buf_adds(b, "</p><p>");
	ta_buf_adds(b, last);
	ta_buf_adds(b, "</p></body></html>\n");
	if (b->failed) {
		ta_buf_clear(b);
		return NULL;
	}
	return b->data;
}

char *ta_callback_page_signed_in(const char *account, const char *profile)
{
	struct ta_buf b = { 0 };

	page_begin(&b, "Signed in");
	ta_buf_adds(&b, "Signed in");
	if (account) {
		ta_buf_adds(&b, " as <b>");
		add_escaped(&b, account);
		ta_buf_adds(&b, "</b>");
	}
	if (profile) {
		ta_buf_adds(&b, " for termauth&#39;s profile <b>");
		add_escaped(&b, profile);
		ta_buf_adds(&b, "</b>");
	}
	ta_buf_adds(&b, ".");
	return page_end(&b, "You can close this tab and go back to the terminal.");
}

char *ta_callback_page_failed(const char *reason)
{
	struct ta_buf b = { 0 };

	page_begin(&b, "Sign-in failed");
	add_escaped(&b, reason ? reason : "The sign-in did not finish.");
	return page_end(&b, "The terminal tells you what to do next.");
}
