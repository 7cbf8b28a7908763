/*
 * sts.h - AWS STS AssumeRoleWithWebIdentity: where STS is (the AWS
 * conventions for its endpoint), the call itself (an unsigned POST: the
 * web identity token is the proof), and its XML answer read into
 * credentials or into a result with a message that says what to do. The
 * caching and the choice of token are session/aws.c's.
 */
#ifndef TA_OAUTH_STS_H
#define TA_OAUTH_STS_H

#include <stddef.h>
#include "base/handle.h"

/* termauth.h's opaque struct ta_aws_credentials. */
struct ta_aws_credentials {
	char *access_key_id;     /* not secret, but kept like the others */
	char *secret_access_key; /* secrets, freed with ta_free_secret */
	char *session_token;
	long long expires_at; /* seconds since the epoch */
};

struct ta_sts_call {
	const char *endpoint; /* from ta_sts_endpoint */
	const char *role_arn;
	const char *session_name;
	long long duration; /* 0: not sent (STS's default, one hour) */
	const char *token;  /* the web identity token, a secret */
};

/* The endpoint: given when set (not empty), else AWS_ENDPOINT_URL_STS,
 * AWS_ENDPOINT_URL, https://sts.REGION.amazonaws.com for AWS_REGION or
 * AWS_DEFAULT_REGION (.amazonaws.com.cn for cn- regions), else the global
 * https://sts.amazonaws.com; checked with ta_url_check (TA_E_INSECURE for
 * http off loopback; TA_E_ARG for a region that is not one). free() *out. */
TA_HIDDEN enum ta_result ta_sts_endpoint(struct ta_client *c, const char *given, char **out);

/* Calls STS. On TA_OK *out holds the credentials (ta_aws_credentials_free).
 * On failure the message says what STS said and what to do (see
 * ta_sts_answer); *expired is set when STS said ExpiredTokenException, for
 * the caller to retry once with a newer token. */
TA_HIDDEN enum ta_result ta_sts_assume(struct ta_client *c, const struct ta_sts_call *call,
                                       struct ta_aws_credentials **out, int *expired);

/* Reads STS's answer (HTTP status and body). TA_OK with the credentials;
 * or, for an ErrorResponse or a bad status: TA_E_VERIFY (InvalidIdentityToken,
 * IDPRejectedClaim), TA_E_EXPIRED (ExpiredTokenException, *expired set),
 * TA_E_DENIED (AccessDenied), TA_E_UNREACHABLE (IDPCommunicationError,
 * HTTP 5xx), TA_E_IDP (throttling, any other error), TA_E_PROTOCOL
 * (anything malformed), TA_E_TOO_LARGE; role names the role in messages. */
TA_HIDDEN enum ta_result ta_sts_answer(struct ta_client *c, long status, const char *body,
                                       size_t len, const char *role,
                                       struct ta_aws_credentials **out, int *expired);

/* "2026-12-02T15:31:31Z" (fractions of a second allowed, dropped) as
 * seconds since the epoch; -1 for anything else. */
TA_HIDDEN long long ta_sts_time(const char *s);

#endif
