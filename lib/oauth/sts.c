/*
 * sts.c - see sts.h. STS's answers are read with the strict XML reader
 * (base/xml.c); its error text is shown trimmed to printable ASCII. The
 * credentials are checked to be printable and free of white space, as
 * they end up in JSON for the AWS CLI and in HTTP headers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <termauth.h>
#include "oauth/sts.h"
#include "base/buf.h"
#include "base/result.h"
#include "base/secret.h"
#include "base/xml.h"
#include "oauth/http.h"

#define OK_PREFIX "AssumeRoleWithWebIdentityResponse/AssumeRoleWithWebIdentityResult/Credentials/"
#define ERR_PREFIX "ErrorResponse/Error/"

static const char *env(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

/* AWS region names: lowercase letters, digits and dashes. */
static int region_ok(const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-");

	return n && n <= 32 && !s[n];
}

enum ta_result ta_sts_endpoint(struct ta_client *c, const char *given, char **out)
{
	/* AWS's switch for the endpoint variables (and its config files'). */
	const char *ignore = env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
	int use_env = !ignore || strcasecmp(ignore, "true");
	const char *url = given && *given ? given : use_env ? env("AWS_ENDPOINT_URL_STS") : NULL;
	const char *region = env("AWS_REGION") ? env("AWS_REGION") : env("AWS_DEFAULT_REGION");
	char regional[128];
	enum ta_result r;

	*out = NULL;
	if (!url && use_env)
		url = env("AWS_ENDPOINT_URL");
	if (!url && region) {
		if (!region_ok(region))
			return ta_fail(c, TA_E_ARG, "'%.40s' is not an AWS region (AWS_REGION)", region);
		snprintf(regional, sizeof(regional), "https://sts.%s.amazonaws.com%s", region,
		         strncmp(region, "cn-", 3) ? "" : ".cn");
		url = regional;
	}
	if (!url)
		url = "https://sts.amazonaws.com";
	if ((r = ta_url_check(c, "STS endpoint", url)) != TA_OK)
		return r;
	if (!(*out = strdup(url)))
		return TA_E_NOMEM;
	return TA_OK;
}

long long ta_sts_time(const char *s)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:dd";
	struct tm tm = { 0 }, back;
	time_t t;
	int v[6] = { 0 }, field = 0;
	size_t i;

	for (i = 0; shape[i]; i++) {
		if (shape[i] == 'd') {
			if (s[i] < '0' || s[i] > '9')
				return -1;
			v[field] = v[field] * 10 + (s[i] - '0');
		} else if (s[i] != shape[i]) {
			return -1;
		} else {
			field++;
		}
	}
	s += i;
	if (*s == '.') /* botocore accepts fractions; so does this */
		for (s++, i = 0; *s >= '0' && *s <= '9'; s++)
			if (++i > 9)
				return -1;
	if (strcmp(s, "Z") || v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] > 23 ||
	    v[4] > 59 || v[5] > 60)
		return -1;
	tm.tm_year = v[0] - 1900;
	tm.tm_mon = v[1] - 1;
	tm.tm_mday = v[2];
	tm.tm_hour = v[3];
	tm.tm_min = v[4];
	tm.tm_sec = v[5];
	t = timegm(&tm);
	/* timegm makes February 31st March 3rd: a day the month has not is
	 * no date. */
	if (!gmtime_r(&t, &back) || back.tm_mday != v[2] || back.tm_mon != v[1] - 1)
		return -1;
	return (long long)t;
}

/* Printable ASCII, no white space, not empty, of sane length. */
static int credential_ok(const char *s)
{
	size_t n = 0;

	for (; s && *s; s++, n++)
		if (*s <= 0x20 || *s >= 0x7f || *s == '"' || *s == '\\')
			return 0;
	return s && n && n <= 8192;
}

static enum ta_result take(struct ta_client *c, const struct ta_xml *x, const char *name,
                           char **dst)
{
	char path[128];
	const char *v;

	snprintf(path, sizeof(path), OK_PREFIX "%s", name);
	if (!(v = ta_xml_get(x, path)) || !credential_ok(v))
		return ta_fail(c, TA_E_PROTOCOL, "STS's answer has no usable %s", name);
	return ta_set_secret(dst, v);
}

static enum ta_result success(struct ta_client *c, const struct ta_xml *x,
                              struct ta_aws_credentials **out)
{
	struct ta_aws_credentials *cr = calloc(1, sizeof(*cr));
	const char *exp = ta_xml_get(x, OK_PREFIX "Expiration");
	long long now = (long long)time(NULL);
	enum ta_result r;

	if (!cr)
		return TA_E_NOMEM;
	if ((r = take(c, x, "AccessKeyId", &cr->access_key_id)) != TA_OK ||
	    (r = take(c, x, "SecretAccessKey", &cr->secret_access_key)) != TA_OK ||
	    (r = take(c, x, "SessionToken", &cr->session_token)) != TA_OK)
		goto out;
	if (!exp || (cr->expires_at = ta_sts_time(exp)) <= 0) {
		r = ta_fail(c, TA_E_PROTOCOL, "STS's answer has no usable Expiration");
		goto out;
	}
	/* Credentials already over, or lasting longer than STS ever gives
	 * (12 hours, and an hour for clocks that disagree): not STS's. */
	if (cr->expires_at < now + 60 || cr->expires_at > now + 43200 + 3600) {
		r = ta_fail(c, TA_E_PROTOCOL,
		            "STS's credentials expire at %s, %s: check this machine's clock and the STS endpoint",
		            exp, cr->expires_at < now + 60 ? "already past" : "later than STS ever gives");
		goto out;
	}
	*out = cr;
	cr = NULL;
out:
	ta_aws_credentials_free(cr);
	return r;
}

/* What the person should do about STS's error code, and its result. */
static enum ta_result judged(const char *code, long status, const char **next)
{
	static const struct { const char *code; enum ta_result r; const char *next; } known[] = {
		{ "InvalidIdentityToken", TA_E_VERIFY,
		  "check that IAM has an OIDC identity provider for this issuer, with this client id as an audience" },
		{ "IDPRejectedClaim", TA_E_VERIFY,
		  "check the IAM OIDC identity provider and the role's trust policy" },
		{ "ExpiredTokenException", TA_E_EXPIRED, "sign in again with 'termauth login'" },
		{ "AccessDenied", TA_E_DENIED,
		  "check the role's trust policy: its Federated principal, sts:AssumeRoleWithWebIdentity, and its aud and sub conditions" },
		{ "Throttling", TA_E_IDP, "try again in a minute" },
		{ "RequestLimitExceeded", TA_E_IDP, "try again in a minute" },
		{ "IDPCommunicationError", TA_E_UNREACHABLE,
		  "STS could not reach the IdP to check the token; try again later" },
	};
	size_t i;

	for (i = 0; code && i < sizeof(known) / sizeof(known[0]); i++)
		if (!strcmp(code, known[i].code)) {
			*next = known[i].next;
			return known[i].r;
		}
	*next = status >= 500 ? "try again later" : "check the role ARN and the options";
	return status >= 500 ? TA_E_UNREACHABLE : TA_E_IDP;
}

static enum ta_result failure(struct ta_client *c, long status, const struct ta_xml *x,
                              const char *role, int *expired)
{
	const char *code = ta_xml_get(x, ERR_PREFIX "Code"), *next;
	char shown_code[64], shown[256], shown_role[160];
	enum ta_result r;

	if (!code && status == 200)
		return ta_fail(c, TA_E_PROTOCOL, "STS's answer is neither credentials nor an error");
	if (!code && status >= 500)
		return ta_fail(c, TA_E_UNREACHABLE, "STS answered HTTP %ld: try again later", status);
	r = judged(code, status, &next);
	*expired = r == TA_E_EXPIRED;
	ta_printable(shown_code, sizeof(shown_code), code ? code : "no error code");
	ta_printable(shown, sizeof(shown), ta_xml_get(x, ERR_PREFIX "Message"));
	ta_printable(shown_role, sizeof(shown_role), role);
	return ta_fail(c, r, "STS refused role %s (HTTP %ld, %s%s%s): %s", shown_role, status,
	               shown_code, shown[0] ? ": " : "", shown, next);
}

/* 1 when an element named Error is anywhere in the answer: credentials
 * beside one are not taken. */
static int has_error(const struct ta_xml *x)
{
	size_t i;

	for (i = 0; i < x->n; i++) {
		const char *p = x->paths[i], *e = strstr(p, "Error");
		for (; e; e = strstr(e + 1, "Error"))
			if ((e == p || e[-1] == '/') && (!e[5] || e[5] == '/'))
				return 1;
	}
	return 0;
}

enum ta_result ta_sts_answer(struct ta_client *c, long status, const char *body, size_t len,
                             const char *role, struct ta_aws_credentials **out, int *expired)
{
	struct ta_xml x;
	enum ta_result r;

	*expired = 0;
	if ((r = ta_xml_parse(body, len, &x)) != TA_OK) {
		if (r == TA_E_NOMEM)
			return r;
		if (status >= 500)
			return failure(c, status, &x, role, expired);
		return ta_fail(c, r == TA_E_TOO_LARGE ? r : TA_E_PROTOCOL,
		               "STS's answer (HTTP %ld) is not the XML it sends", status);
	}
	if (status == 200 && ta_xml_get(&x, OK_PREFIX "AccessKeyId") && !has_error(&x))
		r = success(c, &x, out);
	else
		r = failure(c, status, &x, role, expired);
	ta_xml_clear(&x);
	return r;
}

enum ta_result ta_sts_assume(struct ta_client *c, const struct ta_sts_call *call,
                             struct ta_aws_credentials **out, int *expired)
{
	struct ta_http_response resp;
	struct ta_buf form = { 0 };
	char secs[24];
	enum ta_result r;

	*expired = 0;
	ta_buf_add_param(&form, "Action", "AssumeRoleWithWebIdentity");
	ta_buf_add_param(&form, "Version", "2011-06-15");
	ta_buf_add_param(&form, "RoleArn", call->role_arn);
	ta_buf_add_param(&form, "RoleSessionName", call->session_name);
	if (call->duration) {
		snprintf(secs, sizeof(secs), "%lld", call->duration);
		ta_buf_add_param(&form, "DurationSeconds", secs);
	}
	ta_buf_add_param(&form, "WebIdentityToken", call->token);
	if (form.failed) {
		ta_buf_clear(&form);
		return TA_E_NOMEM;
	}
	ta_debug(c, 1, "assuming role %s at %s", call->role_arn, call->endpoint);
	r = ta_http_post_form_xml(c, call->endpoint, form.data, &resp);
	ta_buf_clear(&form);
	if (r == TA_E_UNREACHABLE)
		return ta_fail_wrap(c, r, "STS cannot be reached (check the network and the endpoint)");
	if (r != TA_OK)
		return r;
	if (resp.too_large)
		r = ta_fail(c, TA_E_TOO_LARGE, "STS's answer is too large");
	else
		r = ta_sts_answer(c, resp.status, resp.body, resp.len, call->role_arn, out, expired);
	ta_http_response_clear(&resp);
	return r;
}

const char *ta_aws_access_key_id(const struct ta_aws_credentials *cr)
{
	return cr->access_key_id;
}

const char *ta_aws_secret_access_key(const struct ta_aws_credentials *cr)
{
	return cr->secret_access_key;
}

const char *ta_aws_session_token(const struct ta_aws_credentials *cr)
{
	return cr->session_token;
}

long long ta_aws_expires_at(const struct ta_aws_credentials *cr)
{
	return cr->expires_at;
}

void ta_aws_credentials_free(struct ta_aws_credentials *cr)
{
	if (!cr)
		return;
	ta_free_secret(cr->access_key_id);
	ta_free_secret(cr->secret_access_key);
	ta_free_secret(cr->session_token);
	free(cr);
}
