/*
 * claims.c - the claims of a JWT whose signature verified (RFC 7519
 * section 4.1): exp, nbf and iat against the clock with a leeway, iss and
 * aud against what the caller expects. Not here: reading the JSON
 * (json_scan.c, whose rules the payload must meet), the signature (jws.c),
 * the OpenID Connect rules of an ID token (idtoken.c).
 *
 * NumericDate values: a JSON integer is taken as it is; a JSON number with
 * a fraction or an exponent (RFC 7519 allows them) must lie within +-2^53
 * and is rounded to the safe side - exp down, nbf and iat up. Anything else
 * (a string, null, true) is refused, as is the claim when it is absent and
 * required (require_exp). Comparisons:
 *   exp:  valid while now < exp + leeway
 *   nbf:  valid once  now >= nbf - leeway
 *   iat:  refused when iat > now + leeway (issued in the future)
 */
#include <string.h>
#include "base/result.h"
#include "jose/claims.h"
#include "jose/json_scan.h"

#define REAL_MAX 9007199254740992.0 /* 2^53 */

/* The claims read from the payload's root object. */
enum claim { EXP, NBF, IAT, ISS, AUD, CLAIMS };
static const char *const claim_names[CLAIMS] = {"exp", "nbf", "iat", "iss", "aud"};

enum rounding { DOWN, UP };

/* The claim as seconds: 1 when present and usable, 0 when absent, -1 when
 * it is not a number, -2 when it is a number out of range. */
static int numeric_date(const struct ta_json_value *v, enum rounding how, long long *out)
{
	long long t = 0;
	double d;
	int overflow;

	if (!v->type)
		return 0;
	if (v->type == 'i') {
		*out = ta_json_integer(v);
		return 1;
	}
	if (v->type != 'r')
		return -1;
	d = ta_json_real(v, &overflow);
	if (overflow || !(d >= -REAL_MAX && d <= REAL_MAX))
		return -2;
	t = (long long)d; /* toward zero, then to the safe side */
	if (how == DOWN && (double)t > d)
		t--;
	if (how == UP && (double)t < d)
		t++;
	*out = t;
	return 1;
}

static enum ta_result bad_date(struct ta_client *c, const char *name, int why)
{
	return ta_fail(c, TA_E_VERIFY, "%s is %s", name,
	               why == -2 ? "out of range" : "not a number");
}

static enum ta_result times_check(struct ta_client *c, const struct ta_json_value *claims,
                                  const struct ta_verify_options *o, long long now,
                                  long long leeway)
{
	long long exp = 0, nbf = 0, iat = 0;
	int has;

	if ((has = numeric_date(&claims[EXP], DOWN, &exp)) < 0)
		return bad_date(c, "exp", has);
	if (!has && o->require_exp)
		return ta_fail(c, TA_E_VERIFY, "the token has no exp");
	/* now and leeway are bounded (jws.c): now - leeway cannot overflow. */
	if (has && exp <= now - leeway)
		return ta_fail(c, TA_E_VERIFY, "the token expired at %lld (now %lld, leeway %lld)",
		               exp, now, leeway);
	if ((has = numeric_date(&claims[NBF], UP, &nbf)) < 0)
		return bad_date(c, "nbf", has);
	if (has && nbf > now + leeway)
		return ta_fail(c, TA_E_VERIFY, "nbf is in the future: %lld (now %lld, leeway %lld)",
		               nbf, now, leeway);
	if ((has = numeric_date(&claims[IAT], UP, &iat)) < 0)
		return bad_date(c, "iat", has);
	if (has && iat > now + leeway)
		return ta_fail(c, TA_E_VERIFY, "iat is in the future: %lld (now %lld, leeway %lld)",
		               iat, now, leeway);
	return TA_OK;
}

/* A string claim's text, unescaped, made printable for a message. */
static const char *shown(const struct ta_json_value *s, char *buf, size_t cap)
{
	unsigned char raw[240];
	size_t n = s->n < sizeof(raw) ? s->n : sizeof(raw) - 1;

	if (s->escaped && s->n < sizeof(raw))
		n = ta_json_unescape(s, raw);
	else
		memcpy(raw, s->p, n); /* a long one is cut: its escapes show as text */
	raw[n] = '\0';
	ta_printable(buf, cap, (const char *)raw);
	return buf;
}

static enum ta_result issuer_check(struct ta_client *c, const struct ta_json_value *iss,
                                   const char *want)
{
	char a[120], b[120];

	if (!want)
		return TA_OK;
	ta_printable(b, sizeof(b), want);
	if (iss->type != 's')
		return ta_fail(c, TA_E_VERIFY,
		               iss->type ? "iss is not a string (expected %s)"
		                         : "the token has no iss (expected %s)",
		               b);
	if (!ta_json_string_is(iss, want))
		return ta_fail(c, TA_E_VERIFY, "wrong issuer: %s (expected %s)",
		               shown(iss, a, sizeof(a)), b);
	return TA_OK;
}

struct audience {
	const char *want;
	int found;
};

static void audience_is(const struct ta_json_value *s, void *arg)
{
	struct audience *a = arg;

	a->found |= ta_json_string_is(s, a->want);
}

/* aud is one string or an array of strings (RFC 7519 4.1.3). */
static enum ta_result audience_check(struct ta_client *c, const struct ta_json_value *aud,
                                     const char *want)
{
	struct audience seen = {want, 0};
	char a[120], b[120];
	size_t n;

	if (!want)
		return TA_OK;
	ta_printable(b, sizeof(b), want);
	if (!aud->type)
		return ta_fail(c, TA_E_VERIFY, "the token has no aud (expected %s)", b);
	if (aud->type == 's') {
		if (ta_json_string_is(aud, want))
			return TA_OK;
		return ta_fail(c, TA_E_VERIFY, "wrong audience: %s (expected %s)",
		               shown(aud, a, sizeof(a)), b);
	}
	if (aud->type != 'a')
		return ta_fail(c, TA_E_VERIFY, "aud is not a string or an array of strings");
	/* The array was scanned: walk its strings again. */
	if (ta_json_each_string(aud, audience_is, &seen, &n))
		return ta_fail(c, TA_E_VERIFY, "aud is not a string or an array of strings");
	if (!seen.found)
		return ta_fail(c, TA_E_VERIFY,
		               "wrong audience: none of the token's %zu audiences is %s", n, b);
	return TA_OK;
}

enum ta_result ta_claims_check(struct ta_client *c, const unsigned char *payload, size_t n,
                               const struct ta_verify_options *o, long long now, long long leeway)
{
	struct ta_json_value claims[CLAIMS];
	enum ta_result r;
	char why[160];
	int bad;

	if ((bad = ta_json_scan_object(payload, n, claim_names, claims, CLAIMS, why, sizeof(why))))
		return ta_fail(c, bad == -2 ? TA_E_NOMEM : TA_E_VERIFY, "%s", why);
	if ((r = times_check(c, claims, o, now, leeway)) == TA_OK &&
	    (r = issuer_check(c, &claims[ISS], o->issuer)) == TA_OK)
		r = audience_check(c, &claims[AUD], o->audience);
	return r;
}
