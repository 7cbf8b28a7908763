/*
 * cmd_aws_credentials.c - `termauth aws-credentials`: the AWS CLI's and
 * SDKs' credential_process. Prints role credentials from STS
 * AssumeRoleWithWebIdentity, with the session's ID token as the web
 * identity (ta_aws_credentials_get: cached, derived again when they near
 * their end). Messages go to stderr; the AWS CLI shows them when it fails.
 */
#include <stddef.h>
#include <stdio.h>
#include <time.h>
#include <jansson.h>
#include "cli.h"
#include "token_common.h"

static const char about[] =
	"Print AWS credentials for the AWS CLI's and SDKs' credential_process:\n"
	"{\"Version\": 1, \"AccessKeyId\", \"SecretAccessKey\", \"SessionToken\",\n"
	"\"Expiration\"}, from STS AssumeRoleWithWebIdentity with the profile's ID\n"
	"token (or, with aws_audience in the profile, a token exchanged for that\n"
	"audience). Cached per role; assumed again, silently, when less than\n"
	"16 minutes are left. 'termauth setup-aws' writes the line into\n"
	"~/.aws/config.\n";

static const char more[] =
	"The STS endpoint: --endpoint, the profile's aws_endpoint,\n"
	"AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL, the AWS_REGION's, else\n"
	"https://sts.amazonaws.com. Exit status 1: STS refused (AccessDenied: the\n"
	"role's trust policy; throttled); 3: sign in again; 4: STS rejected the\n"
	"token (the IAM OIDC provider); 5: STS or the IdP unreachable.\n\n"
	"Example:\n"
	"  termauth -p work aws-credentials --role-arn arn:aws:iam::111122223333:role/dev\n";

struct aws_options {
	struct ta_aws_request req;
};

static const struct aws_options defaults = { .req = TA_AWS_REQUEST_INIT() };

#define REQ(field) .offset = offsetof(struct aws_options, req.field)

static const struct opt options[] = {
	{ .name = "role-arn", .kind = OPT_STRING, REQ(role_arn), .arg = "ARN",
	  .hint = "an IAM role's ARN",
	  .help = "the role to assume (default: the profile's aws_role_arn)" },
	{ .name = "duration", .kind = OPT_SECONDS, REQ(duration), .arg = "SECS",
	  .hint = "900 to 43200 seconds", .help = "how long the credentials last (default: 3600)" },
	{ .name = "session-name", .kind = OPT_STRING, REQ(session_name), .arg = "NAME",
	  .hint = "a role session name", .help = "the role session's name (default: termauth-PROFILE)" },
	{ .name = "endpoint", .kind = OPT_STRING, REQ(endpoint), .arg = "URL", .hint = "an URL",
	  .help = "the STS endpoint (see below)" },
	{ 0 },
};

static int print_credentials(const struct ta_aws_credentials *cr)
{
	time_t exp = (time_t)ta_aws_expires_at(cr);
	char when[32];
	struct tm tm;

	if (!gmtime_r(&exp, &tm) || !strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm))
		return EXIT_FAIL;
	return json_print_secret(json_pack("{s:i, s:s, s:s, s:s, s:s}", "Version", 1,
	                                   "AccessKeyId", ta_aws_access_key_id(cr),
	                                   "SecretAccessKey", ta_aws_secret_access_key(cr),
	                                   "SessionToken", ta_aws_session_token(cr),
	                                   "Expiration", when))
	               ? EXIT_FAIL
	               : EXIT_OK;
}

static int run(struct cli *cli, void *opts, int argc, char **argv)
{
	struct ta_aws_request *req = &((struct aws_options *)opts)->req;
	struct ta_aws_credentials *cr = NULL;
	enum ta_result r;
	int rc;

	(void)argc;
	(void)argv;
	if (!req->role_arn)
		req->role_arn = ta_profile_get(cli->prof, "aws_role_arn");
	if (!req->endpoint)
		req->endpoint = ta_profile_get(cli->prof, "aws_endpoint");
	req->audience = ta_profile_get(cli->prof, "aws_audience");
	if (!req->role_arn)
		return cli_usage_error(&cmd_aws_credentials, "which role? give --role-arn, or "
		                       "aws_role_arn in the profile");
	r = ta_aws_credentials_get(cli->c, cli->profile, req, &cr);
	if (r == TA_E_NO_SESSION) {
		cli_not_signed_in(cli->c, cli->profile, "run 'termauth login'", 1);
		return EXIT_SIGNIN;
	}
	rc = r == TA_OK ? print_credentials(cr) : cli_fail(cli->c, r);
	ta_aws_credentials_free(cr);
	return rc;
}

const struct command cmd_aws_credentials = {
	.name = "aws-credentials",
	.summary = "print AWS role credentials for credential_process",
	.synopsis = "[--role-arn ARN] [OPTIONS]",
	.about = about,
	.more = more,
	.opts = options,
	.defaults = &defaults,
	.size = sizeof(defaults),
	.flags = CMD_PROFILE,
	.run = run,
};
