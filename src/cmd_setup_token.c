/*
 * cmd_setup_token.c - `termauth setup-token`: sign in once, asking for
 * offline access, and print a one-line CI credential. Stored as the CI
 * secret TERMAUTH_CREDENTIAL, it lets `termauth token` in CI jobs get
 * access tokens with no sign-in and no store set up beforehand.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

static const char about[] =
	"Sign in (as 'termauth login' does, with the same options and profile,\n"
	"asking for offline_access) and print a one-line credential on stdout.\n"
	"Keep it as the CI secret TERMAUTH_CREDENTIAL: 'termauth token' then\n"
	"prints fresh access tokens from it, refreshing as needed. The session is\n"
	"not stored here and the profile is not changed.\n\n"
	"The credential holds a refresh token: anyone who has it can get tokens\n"
	"until it is revoked at the IdP. With an IdP that rotates refresh tokens,\n"
	"a credential works for one CI job only: register a client for CI that\n"
	"does not rotate them.\n";

static const char more[] =
	"Example:\n"
	"  termauth setup-token --issuer https://login.example.com --client-id ci-client\n"
	"  # then, in the CI job, with TERMAUTH_CREDENTIAL set from the secret store:\n"
	"  curl -H \"Authorization: Bearer $(termauth token)\" https://api.example.com/\n";

static int run(struct cli *cli, void *opts, int argc, char **argv)
{
	struct ta_session *s = NULL;
	struct ta_client *c = NULL;
	struct ta_profile *p = NULL;
	char *line = NULL;
	int rc = cli_sign_in(cli, &cmd_setup_token, opts, 1, &s);

	if (rc != EXIT_OK || !s)
		goto out;
	/* The profile's client secret, if any, travels in the credential. */
	if ((rc = cli_open_profile(cli, cli->profile, &c, &p)) != EXIT_OK)
		goto out;
	if (ta_credential_encode(c, s, &line) != TA_OK) {
		cli_error("the IdP gave no refresh token, so there is nothing to keep: the client must be allowed offline_access");
		rc = EXIT_FAIL;
		goto out;
	}
	if (printf("%s\n", line) < 0 || fflush(stdout)) {
		rc = EXIT_FAIL;
		goto out;
	}
	cli_say("the line above is a secret: keep it as the CI secret TERMAUTH_CREDENTIAL");
out:
	if (line) {
		explicit_bzero(line, strlen(line));
		free(line);
	}
	ta_session_free(s);
	ta_profile_free(p);
	ta_client_free(c);
	(void)argc;
	(void)argv;
	return rc;
}

static const struct login_options none;

/* login's options, said once in login's table. */
const struct command cmd_setup_token = {
	.name = "setup-token",
	.summary = "sign in once and print a CI credential",
	.synopsis = "[LOGIN OPTIONS]",
	.about = about,
	.more = more,
	.opts = cli_login_options,
	.opts_of = "login",
	.defaults = &none,
	.size = sizeof(none),
	.run = run,
};
