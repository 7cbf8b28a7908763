/*
 * aws.c - AWS role credentials for a profile (ta_aws_credentials_get): the
 * second stage of a sign-in the AWS way, as exchange.c is the RFC 8693
 * way. The session's ID token (or a token exchanged for req->audience) is
 * the web identity STS's AssumeRoleWithWebIdentity takes (oauth/sts.c).
 * The credentials are cached like exchanged tokens (store_derived.c,
 * "aws-" files), bound to the session, packed into a session record's
 * access token as "KEYID SECRET TOKEN" (none of them holds a space), and
 * served while they have AWS_MARGIN left; after that they are derived
 * again under the profile's lock, after looking at the cache again, so
 * that concurrent processes call STS once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "base/result.h"
#include "base/secret.h"
#include "oauth/sts.h"
#include "profile/record.h"
#include "session/session.h"
#include "store/store.h"

/* botocore refreshes credentials that expire within 15 minutes: served
 * with less left, they would be asked for again at once. */
#define AWS_MARGIN (16 * 60)
#define ID_MIN_TTL 60 /* what the web identity token must have left for STS */

struct aws_call {
	struct ta_aws_request req;
	char name[65], secs[24], *endpoint;
	const char *key[TA_DERIVED_KEY_PARTS];
};

static enum ta_result unpack(const struct ta_session *d, struct ta_aws_credentials **out)
{
	struct ta_aws_credentials *cr = calloc(1, sizeof(*cr));
	const char *a = d->access_token, *b, *t;
	enum ta_result r = TA_E_NO_SESSION;
	char *copy = NULL;

	if (!cr)
		return TA_E_NOMEM;
	if (!a || !d->token_type || strcmp(d->token_type, "aws") || !(b = strchr(a, ' ')) ||
	    !(t = strchr(b + 1, ' ')) || strchr(t + 1, ' '))
		goto out;
	if ((r = ta_set_secret(&copy, a)) != TA_OK)
		goto out;
	copy[b - a] = copy[t - a] = '\0';
	if ((r = ta_set_secret(&cr->access_key_id, copy)) == TA_OK &&
	    (r = ta_set_secret(&cr->secret_access_key, copy + (b - a) + 1)) == TA_OK)
		r = ta_set_secret(&cr->session_token, copy + (t - a) + 1);
	cr->expires_at = d->expires_at;
	if (r == TA_OK) {
		*out = cr;
		cr = NULL;
	}
out:
	ta_free_secret(copy);
	ta_aws_credentials_free(cr);
	return r;
}

/* The cache's form of cr: bound to the session that id names. */
static enum ta_result pack(const struct ta_aws_credentials *cr, const char *id,
                           struct ta_session **out)
{
	size_t n = strlen(cr->access_key_id) + strlen(cr->secret_access_key) +
	           strlen(cr->session_token) + 3;
	struct ta_session *d = NULL;
	long long now = (long long)time(NULL);
	enum ta_result r;

	if ((r = ta_session_new(&d)) != TA_OK)
		return r;
	if (!(d->access_token = ta_secret_alloc(n))) {
		ta_session_free(d);
		return TA_E_NOMEM;
	}
	snprintf(d->access_token, n, "%s %s %s", cr->access_key_id, cr->secret_access_key,
	         cr->session_token);
	d->expires_at = cr->expires_at;
	ta_session_meta(d)->obtained_at = now;
	ta_session_meta(d)->lifetime = cr->expires_at > now ? cr->expires_at - now : 1;
	snprintf(ta_session_meta(d)->id, sizeof(ta_session_meta(d)->id), "%s", id);
	if ((r = ta_set_string(&d->token_type, "aws")) != TA_OK) {
		ta_session_free(d);
		return r;
	}
	*out = d;
	return TA_OK;
}

/* The cached credentials, when they have AWS_MARGIN left - or STS gave
 * them no longer than that and half their life is left - and belong to
 * the session the store holds. No notice: the AWS CLI shows none. */
static int cached(const char *profile, const struct aws_call *a, struct ta_aws_credentials **out)
{
	struct ta_session *d = NULL;
	long long now = (long long)time(NULL);
	int ok = 0;

	if (ta_derived_load(profile, "aws-", a->key, &d) == TA_OK &&
	    (ta_session_check_fresh(d, now, AWS_MARGIN) == TA_OK ||
	     ta_session_short_lived(d, now, AWS_MARGIN)))
		ok = unpack(d, out) == TA_OK;
	ta_session_free(d);
	return ok;
}

/* RoleSessionName: [\w+=,.@-]{2,64}. */
static int session_name_ok(const char *s)
{
	size_t n = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+=,.@-");

	return n >= 2 && n <= 64 && !s[n];
}

static enum ta_result check(struct ta_client *c, const char *profile, struct aws_call *a)
{
	struct ta_aws_request *req = &a->req;
	const char *p;
	enum ta_result r;

	if (!req->role_arn || strncmp(req->role_arn, "arn:", 4) || strlen(req->role_arn) > 2048)
		return ta_fail(c, TA_E_ARG, "which role? give an IAM role's ARN (arn:aws:iam::ACCOUNT:role/NAME)");
	for (p = req->role_arn; *p; p++)
		if (*p <= 0x20 || *p >= 0x7f)
			return ta_fail(c, TA_E_ARG, "the role ARN holds white space or control characters");
	if (req->duration && (req->duration < 900 || req->duration > 43200))
		return ta_fail(c, TA_E_ARG, "the duration must be 900 to 43200 seconds, not %lld",
		               req->duration);
	if (!req->session_name) {
		snprintf(a->name, sizeof(a->name), "termauth-%s", profile);
		req->session_name = a->name;
	}
	if (!session_name_ok(req->session_name))
		return ta_fail(c, TA_E_ARG, "a session name is 2 to 64 of A-Z a-z 0-9 _+=,.@-");
	if ((r = ta_sts_endpoint(c, req->endpoint, &a->endpoint)) != TA_OK)
		return r;
	snprintf(a->secs, sizeof(a->secs), "%lld", req->duration);
	a->key[0] = req->role_arn;
	a->key[1] = req->session_name;
	a->key[2] = a->secs;
	a->key[3] = req->audience; /* the token source: NULL, the ID token */
	a->key[4] = a->endpoint;   /* another STS's credentials are not these */
	return TA_OK;
}

/* The web identity token, valid for a minute more, in *holder (*token
 * points into it): the session's ID token - never stale, the one STS
 * called expired (NULL: none) - or the token exchanged for req->audience. */
static enum ta_result web_token(struct ta_client *c, const char *profile,
                                const struct ta_aws_request *req, const char *stale,
                                struct ta_session **holder, const char **token)
{
	struct ta_exchange_request x = TA_EXCHANGE_REQUEST_INIT(.audience = req->audience);
	enum ta_result r;

	if (req->audience) {
		if ((r = ta_exchange(c, profile, &x, ID_MIN_TTL, holder)) != TA_OK)
			return r;
		*token = (*holder)->access_token;
	} else {
		if ((r = stale ? ta_session_renew_id(c, profile, stale, ID_MIN_TTL, holder)
		               : ta_session_fresh_id(c, profile, ID_MIN_TTL, holder)) != TA_OK)
			return r;
		*token = (*holder)->id_token;
	}
	return TA_OK;
}

/* Under the lock: the cache again, then STS, then the cache written. */
static enum ta_result derive(struct ta_client *c, const char *profile, struct aws_call *a,
                             struct ta_session *s, const char *token,
                             struct ta_aws_credentials **out, int *expired)
{
	struct ta_sts_call call = { .endpoint = a->endpoint, .role_arn = a->req.role_arn,
		                    .session_name = a->req.session_name,
		                    .duration = a->req.duration, .token = token };
	struct ta_aws_credentials *cr = NULL;
	struct ta_session *d = NULL;
	enum ta_result r;
	int lock = -1;

	if ((r = ta_store_lock(c, profile, &lock)) != TA_OK)
		goto out;
	if (cached(profile, a, out)) {
		ta_debug(c, 1, "another process assumed the role meanwhile");
		goto out;
	}
	/* (An exchanged token has its session's id: ta_exchange saw to it.) */
	if (!a->req.audience && (r = ta_session_bind_locked(c, profile, s)) != TA_OK)
		goto out;
	if ((r = ta_sts_assume(c, &call, &cr, expired)) != TA_OK)
		goto out;
	if ((r = pack(cr, ta_session_meta(s)->id, &d)) != TA_OK ||
	    (r = ta_derived_save(c, profile, "aws-", a->key, d)) != TA_OK)
		goto out;
	*out = cr;
	cr = NULL;
out:
	ta_store_unlock(lock);
	ta_session_free(d);
	ta_aws_credentials_free(cr);
	return r;
}

enum ta_result ta_aws_credentials_get(struct ta_client *c, const char *profile,
                                      const struct ta_aws_request *given,
                                      struct ta_aws_credentials **out)
{
	struct aws_call a = { 0 };
	struct ta_session *s = NULL;
	const char *token;
	char *stale = NULL;
	enum ta_result r;
	int expired = 0;

	ta_call_begin(c);
	if (!given || !profile)
		return ta_fail(c, TA_E_ARG, "AWS credentials need a profile and a role");
	if ((r = ta_sized_read(c, "struct ta_aws_request", &a.req, sizeof(a.req), given)) != TA_OK ||
	    (r = check(c, profile, &a)) != TA_OK)
		goto out;
	if (cached(profile, &a, out)) {
		ta_debug(c, 1, "the credentials for role %s are cached and fresh", a.req.role_arn);
		goto out;
	}
	if ((r = web_token(c, profile, &a.req, NULL, &s, &token)) != TA_OK ||
	    (r = derive(c, profile, &a, s, token, out, &expired)) == TA_OK || !expired ||
	    a.req.audience)
		goto out;
	/* STS's ExpiredTokenException though the exp said otherwise (clocks
	 * apart): once more, with an ID token refreshed for it. */
	ta_debug(c, 1, "STS called the ID token expired: refreshing it once");
	if ((r = ta_set_secret(&stale, token)) != TA_OK)
		goto out;
	ta_session_free(s);
	s = NULL;
	if ((r = web_token(c, profile, &a.req, stale, &s, &token)) == TA_OK)
		r = derive(c, profile, &a, s, token, out, &expired);
out:
	if (r != TA_OK && r != TA_E_NO_SESSION && r != TA_E_ARG)
		r = ta_fail_wrap(c, r, "AWS credentials for profile '%s'", profile);
	ta_free_secret(stale);
	free(a.endpoint);
	ta_session_free(s);
	return r;
}
