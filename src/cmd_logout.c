/*
 * cmd_logout.c - `termauth logout`: forget the profile's session on this
 * machine. The profile's settings stay, so signing in again needs no
 * options.
 */
#include <getopt.h>
#include <stdio.h>
#include "cli.h"

static const char usage[] =
	"Usage: termauth logout [OPTIONS]\n\n"
	"Forget the profile's session on this machine (the stored tokens are\n"
	"deleted; the profile's settings are kept).\n\n"
	"Options:\n"
	"  -p, --profile NAME    the profile (default: $TERMAUTH_PROFILE, else \"default\")\n"
	"  -v, --verbose         say more on stderr\n"
	"  -h, --help            this help\n";

static int run(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_COMMON_LONG,
		{ NULL, 0, NULL, 0 },
	};
	struct ta_client *c = NULL;
	struct ta_session *s = NULL;
	int opt, done = -1, rc = EXIT_OK;
	enum ta_result r;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORT, longopts, NULL)) != -1) {
		if (!cli_common_option(cli, &cmd_logout, opt, optarg, &done))
			return cli_usage_error(&cmd_logout, "unknown option '%s'", argv[optind - 1]);
		if (done >= 0)
			return done;
	}
	if (optind < argc)
		return cli_usage_error(&cmd_logout, "unexpected argument '%s'", argv[optind]);
	if (cli_client_new(cli, &c) != TA_OK)
		return EXIT_FAIL;
	r = ta_store_load(c, cli->profile, &s);
	if (r == TA_E_NO_SESSION) {
		cli_say("not signed in (profile '%s'): nothing to forget", cli->profile);
	} else if ((r = ta_store_remove(c, cli->profile)) != TA_OK) {
		rc = cli_fail(c, r);
	} else {
		cli_say("signed out: the session of profile '%s' was deleted from this machine",
		        cli->profile);
	}
	ta_session_free(s);
	ta_client_free(c);
	return rc;
}

const struct command cmd_logout = { "logout", "forget the session of a profile", usage, run };
