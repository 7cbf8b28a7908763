/*
 * idtoken.c - see idtoken.h. OpenID Connect Core section 3.1.3.7.
 */
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "oauth/idtoken.h"
#include "base/base64url.h"
#include "base/result.h"
#include "base/secret.h"
#include "oauth/discovery.h"

#define MAX_JWT 16384

/* Decodes one base64url part of a JWT as a JSON object. */
static json_t *jwt_part(const char *p, size_t n)
{
	unsigned char *raw = NULL;
	size_t len;
	json_t *o;

	if (ta_b64url_decode(p, n, &raw, &len))
		return NULL;
	o = json_loadb((const char *)raw, len, JSON_REJECT_DUPLICATES, NULL);
	ta_wipe(raw, len);
	free(raw);
	if (o && !json_is_object(o)) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static int aud_ok(json_t *aud, json_t *azp, const char *client_id)
{
	size_t i, n = 0;
	int found = 0;
	json_t *v;

	if (json_is_string(aud)) {
		found = !strcmp(json_string_value(aud), client_id);
		n = 1;
	} else if (json_is_array(aud))
		json_array_foreach(aud, i, v) {
			if (!json_is_string(v))
				return 0;
			found |= !strcmp(json_string_value(v), client_id);
			n++;
		}
	if (!found)
		return 0;
	/* azp, when present, must name us; with several audiences it must be
	 * present (OpenID Connect Core 3.1.3.7, items 4 and 5). */
	if (azp)
		return json_is_string(azp) && !strcmp(json_string_value(azp), client_id);
	return n == 1;
}

/* sub is 1 to 255 ASCII characters (OpenID Connect Core 2); control
 * characters are refused too, since it is shown on the terminal. */
static int printable_ascii(const char *s, size_t max)
{
	size_t n = 0;

	if (!s)
		return 0;
	for (; s[n]; n++)
		if (s[n] < 0x20 || s[n] > 0x7e)
			return 0;
	return n > 0 && n <= max;
}

static enum ta_result check_claims(struct ta_client *c, json_t *claims,
                                   const struct ta_id_expect *e)
{
	json_t *exp = json_object_get(claims, "exp"), *iat = json_object_get(claims, "iat");
	const char *iss = json_string_value(json_object_get(claims, "iss"));
	const char *nonce = json_string_value(json_object_get(claims, "nonce"));
	const char *tid = json_string_value(json_object_get(claims, "tid"));

	/* With a templated issuer, the tenant in iss must be the token's tid. */
	if (!iss || (strstr(e->issuer, "{tenantid}") && !tid) ||
	    !ta_issuer_matches(e->issuer, iss, tid))
		return ta_fail(c, TA_E_ID_TOKEN, "the ID token was issued by another issuer");
	if (!aud_ok(json_object_get(claims, "aud"), json_object_get(claims, "azp"), e->client_id))
		return ta_fail(c, TA_E_ID_TOKEN, "the ID token is not meant for this client (aud/azp)");
	if (!json_is_integer(exp) && !json_is_real(exp))
		return ta_fail(c, TA_E_ID_TOKEN, "the ID token has no exp");
	if (json_number_value(exp) + TA_ID_TOKEN_LEEWAY < (double)e->now)
		return ta_fail(c, TA_E_ID_TOKEN, "the ID token has expired (check the clock)");
	if (!json_is_integer(iat) && !json_is_real(iat))
		return ta_fail(c, TA_E_ID_TOKEN, "the ID token has no iat");
	if (json_number_value(iat) - TA_ID_TOKEN_LEEWAY > (double)e->now)
		return ta_fail(c, TA_E_ID_TOKEN, "the ID token was issued in the future (check the clock)");
	/* The device flow sends no nonce, so there is none to check. */
	if (e->nonce && (!nonce || !ta_secret_equal(nonce, e->nonce)))
		return ta_fail(c, TA_E_ID_TOKEN, "the ID token's nonce is not ours: possible replay");
	if (!printable_ascii(json_string_value(json_object_get(claims, "sub")), 255))
		return ta_fail(c, TA_E_ID_TOKEN, "the ID token has no usable subject");
	return TA_OK;
}

enum ta_result ta_id_token_check(struct ta_client *c, const char *jwt,
                                 const struct ta_id_expect *e, char **subject)
{
	const char *dot1, *dot2;
	json_t *header = NULL, *claims = NULL;
	const char *alg;
	enum ta_result r;
	size_t len = strlen(jwt);

	dot1 = memchr(jwt, '.', len);
	dot2 = dot1 ? memchr(dot1 + 1, '.', len - (size_t)(dot1 + 1 - jwt)) : NULL;
	if (len > MAX_JWT || !dot2 || strchr(dot2 + 1, '.')) {
		r = ta_fail(c, TA_E_ID_TOKEN, "the ID token is not a signed JWT");
		goto out;
	}
	header = jwt_part(jwt, (size_t)(dot1 - jwt));
	claims = jwt_part(dot1 + 1, (size_t)(dot2 - dot1 - 1));
	if (!header || !claims) {
		r = ta_fail(c, TA_E_ID_TOKEN, "the ID token does not decode");
		goto out;
	}
	alg = json_string_value(json_object_get(header, "alg"));
	if (!alg || !strcmp(alg, "none") || !dot2[1]) {
		r = ta_fail(c, TA_E_ID_TOKEN, "the ID token is unsigned");
		goto out;
	}
	if ((r = check_claims(c, claims, e)) != TA_OK)
		goto out;
	r = ta_set_string(subject, json_string_value(json_object_get(claims, "sub")));
out:
	json_decref(header);
	json_decref(claims);
	return r;
}

/* A claim in whole seconds, or 0. The bounds keep the conversion defined. */
static long long seconds_of(json_t *v)
{
	double d = json_number_value(v);

	if (!json_is_integer(v) && !json_is_real(v))
		return 0;
	return d > 0 && d < 1e15 ? (long long)d : 0;
}

json_t *ta_jwt_claims_unchecked(const char *jwt)
{
	const char *dot1, *dot2;
	size_t len = strlen(jwt);

	dot1 = memchr(jwt, '.', len);
	dot2 = dot1 ? memchr(dot1 + 1, '.', len - (size_t)(dot1 + 1 - jwt)) : NULL;
	if (len > MAX_JWT || !dot2)
		return NULL;
	return jwt_part(dot1 + 1, (size_t)(dot2 - dot1 - 1));
}

int ta_id_token_times(const char *jwt, long long *iat, long long *exp)
{
	json_t *claims = ta_jwt_claims_unchecked(jwt);

	*iat = *exp = 0;
	if (!claims)
		return -1;
	*iat = seconds_of(json_object_get(claims, "iat"));
	*exp = seconds_of(json_object_get(claims, "exp"));
	json_decref(claims);
	return 0;
}

/* Shown to the person: no control characters (jansson's strings are
 * valid UTF-8 already), and short. */
static int showable(const char *s)
{
	size_t n = 0;

	if (!s)
		return 0;
	for (; s[n]; n++)
		if ((unsigned char)s[n] < 0x20 || s[n] == 0x7f)
			return 0;
	return n > 0 && n <= 200;
}

char *ta_id_token_account(const char *jwt)
{
	static const char *const claim[] = { "email", "preferred_username", "name", "sub" };
	json_t *claims = ta_jwt_claims_unchecked(jwt);
	char *account = NULL;
	size_t i;

	for (i = 0; claims && !account && i < sizeof(claim) / sizeof(claim[0]); i++) {
		const char *v = json_string_value(json_object_get(claims, claim[i]));
		if (showable(v))
			account = strdup(v);
	}
	json_decref(claims);
	return account;
}
