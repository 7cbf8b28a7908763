/*
 * cmd_logout.c - `termauth logout`: sign a profile out - revoke its refresh
 * token at the IdP when the IdP offers revocation, and forget the session
 * here in any case. The profile's settings stay, so signing in again needs
 * no options.
 */
#include <stddef.h>
#include <stdio.h>
#include "cli.h"

static const char about[] =
	"Sign out: the refresh token is revoked at the IdP (RFC 7009) when the IdP\n"
	"offers revocation, and the session is deleted from this machine in any\n"
	"case, with its cached and derived access tokens wherever they were\n"
	"written (whatever this process's XDG_RUNTIME_DIR). The profile's settings\n"
	"are kept. When the IdP cannot be reached the session is still deleted\n"
	"here, with a warning and exit status 5.\n";

struct logout_options {
	int all;
};

static const struct logout_options defaults;

static const struct opt options[] = {
	{ .name = "all", .kind = OPT_FLAG, .offset = offsetof(struct logout_options, all),
	  .help = "every profile that has a session" },
	{ 0 },
};

/* Tells how signing one profile out went; returns its exit code. */
static int report(struct ta_client *c, const char *profile, enum ta_result r)
{
	if (r == TA_E_NO_SESSION) {
		cli_not_signed_in(c, profile, "nothing to sign out", 0);
		return ta_keychain_locked(c) ? EXIT_FAIL : EXIT_OK;
	}
	if (r == TA_E_UNREACHABLE || r == TA_E_IDP || r == TA_E_HTTP || r == TA_E_DENIED) {
		cli_say("warning: profile '%s': %s", profile, ta_client_message(c));
		return r == TA_E_UNREACHABLE ? EXIT_UNREACHABLE : EXIT_FAIL;
	}
	if (r != TA_OK)
		return cli_fail(c, r);
	cli_say("signed out of profile '%s'", profile);
	return EXIT_OK;
}

/* Signs one profile out, on a handle of its own: the profile's settings
 * give what revoking may need (a client secret), and must not reach
 * another profile's IdP. Returns the exit code. */
static int sign_out(struct cli *cli, const char *profile)
{
	struct ta_client *c = NULL;
	struct ta_profile *p = NULL;
	int rc;

	if ((rc = cli_open_profile(cli, profile, &c, &p)) == EXIT_OK)
		rc = report(c, profile, ta_logout(c, profile));
	ta_profile_free(p);
	ta_client_free(c);
	return rc;
}

/* Signs every profile that has a session out; the exit code is the
 * first failure's. */
static int sign_out_all(struct cli *cli)
{
	struct ta_client *c = NULL;
	char **names = NULL;
	int rc = EXIT_OK, one;
	enum ta_result r;
	size_t i;

	if (cli_client_new(cli, &c) != TA_OK)
		return EXIT_FAIL;
	if ((r = cli_apply_store(cli, c)) != TA_OK || (r = ta_store_list(c, &names)) != TA_OK) {
		rc = cli_fail(c, r);
	} else {
		if (!names[0])
			cli_say("no profile has a session: nothing to sign out");
		for (i = 0; names[i]; i++)
			if ((one = sign_out(cli, names[i])) != EXIT_OK && rc == EXIT_OK)
				rc = one;
	}
	ta_profiles_free(names);
	ta_client_free(c);
	return rc;
}

static int run(struct cli *cli, void *opts, int argc, char **argv)
{
	const struct logout_options *o = opts;

	(void)argc;
	(void)argv;
	return o->all ? sign_out_all(cli) : sign_out(cli, cli->profile);
}

const struct command cmd_logout = {
	.name = "logout",
	.summary = "sign out: revoke and forget a session",
	.synopsis = "[OPTIONS]",
	.about = about,
	.opts = options,
	.defaults = &defaults,
	.size = sizeof(defaults),
	.run = run,
};
