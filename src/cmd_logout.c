/*
 * cmd_logout.c - `termauth logout`: sign a profile out - revoke its refresh
 * token at the IdP when the IdP offers revocation, and forget the session
 * here in any case. The profile's settings stay, so signing in again needs
 * no options.
 */
#include <getopt.h>
#include <stdio.h>
#include "cli.h"

static const char usage[] =
	"Usage: termauth logout [OPTIONS]\n\n"
	"Sign out: the refresh token is revoked at the IdP (RFC 7009) when the IdP\n"
	"offers revocation, and the session is deleted from this machine in any\n"
	"case, with its cached and derived access tokens wherever they were\n"
	"written (whatever this process's XDG_RUNTIME_DIR). The profile's settings\n"
	"are kept. When the IdP cannot be reached the session is still deleted\n"
	"here, with a warning and exit status 5.\n\n"
	"Options:\n"
	"      --all             every profile that has a session\n"
	"  -p, --profile NAME    the profile (default: $TERMAUTH_PROFILE, else \"default\")\n"
	"      --store STORE     where the session is kept: auto, keychain or file\n"
	"                        (default: $TERMAUTH_STORE, else the profile's, else auto)\n"
	"  -v, --verbose         say more on stderr\n"
	"  -h, --help            this help\n";

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

static int run(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_COMMON_LONG,
		{ "all", no_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	struct ta_client *c = NULL;
	char **names = NULL;
	int opt, done = -1, rc = EXIT_OK, all = 0, one;
	enum ta_result r;
	size_t i;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORT, longopts, NULL)) != -1) {
		if (opt == 'a') {
			all = 1;
			continue;
		}
		if (!cli_common_option(cli, &cmd_logout, opt, optarg, &done))
			return cli_usage_error(&cmd_logout, "unknown option '%s'", argv[optind - 1]);
		if (done >= 0)
			return done;
	}
	if (optind < argc)
		return cli_usage_error(&cmd_logout, "unexpected argument '%s'", argv[optind]);
	if (cli_client_new(cli, &c) != TA_OK)
		return EXIT_FAIL;
	if (!all) {
		rc = sign_out(cli, cli->profile);
	} else if ((r = cli_apply_store(cli, c)) != TA_OK || (r = ta_store_list(c, &names)) != TA_OK) {
		rc = cli_fail(c, r);
	} else {
		if (!names[0])
			cli_say("no profile has a session: nothing to sign out");
		/* Every profile is signed out; the exit code is the first failure's. */
		for (i = 0; names[i]; i++)
			if ((one = sign_out(cli, names[i])) != EXIT_OK && rc == EXIT_OK)
				rc = one;
	}
	ta_profiles_free(names);
	ta_client_free(c);
	return rc;
}

const struct command cmd_logout = { "logout", "sign out: revoke and forget a session", usage, run };
