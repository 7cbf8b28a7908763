/*
 * cmd_token.c - `termauth token`: print the stored access token. The small
 * `termauth` executable serves a fresh token itself; this is the full
 * tool's side, reached when it could not (no session, an expired token,
 * a bad option), so it explains what is wrong.
 */
#include <getopt.h>
#include <stdio.h>
#include <time.h>
#include "cli.h"
#include "token_common.h"

static const char usage[] =
	"Usage: termauth token [OPTIONS]\n\n"
	"Print the profile's access token on stdout, and nothing else.\n\n"
	"Options:\n"
	"      --min-ttl SECS    the token must stay valid this long (default: 60)\n"
	"      --json            print {\"access_token\", \"token_type\", \"expires_at\", \"expires_in\"}\n"
	"  -p, --profile NAME    the profile (default: $TERMAUTH_PROFILE, else \"default\")\n"
	"  -v, --verbose         say more on stderr\n"
	"  -h, --help            this help\n\n"
	"Exit status 3 means: sign in again with 'termauth login'.\n\n"
	"Examples:\n"
	"  curl -H \"Authorization: Bearer $(termauth token)\" https://api.example.com/\n"
	"  termauth token --json --min-ttl 300\n";

static int run(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_COMMON_LONG,
		{ "min-ttl", required_argument, NULL, 'm' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct token_args a = { .min_ttl = TOKEN_DEFAULT_MIN_TTL };
	struct ta_client *c = NULL;
	struct ta_session *s = NULL;
	long long now = (long long)time(NULL);
	int opt, done = -1, rc;
	enum ta_result r;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORT, longopts, NULL)) != -1) {
		if (cli_common_option(cli, &cmd_token, opt, optarg, &done)) {
			if (done >= 0)
				return done;
		} else if (opt == 'm') {
			if ((a.min_ttl = cli_parse_seconds(optarg)) < 0)
				return cli_usage_error(&cmd_token, "--min-ttl wants seconds, not '%s'", optarg);
		} else if (opt == 'j') {
			a.json = 1;
		} else {
			return cli_usage_error(&cmd_token, "unknown or incomplete option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error(&cmd_token, "unexpected argument '%s'", argv[optind]);
	if (cli_client_new(cli, &c) != TA_OK)
		return EXIT_FAIL;
	if ((r = ta_store_load(c, cli->profile, &s)) != TA_OK) {
		if (r == TA_E_NO_SESSION)
			cli_error("not signed in (profile '%s'): run 'termauth login'", cli->profile);
		rc = r == TA_E_NO_SESSION ? EXIT_SIGNIN : cli_fail(c, r);
		goto out;
	}
	if (ta_session_check_fresh(s, now, a.min_ttl) != TA_OK) {
		cli_error("the access token of profile '%s' %s; sign in again: termauth login",
		          cli->profile, ta_session_expires_at(s) <= now ? "has expired" : "expires too soon");
		rc = EXIT_SIGNIN;
		goto out;
	}
	rc = token_print(s, a.json, now) ? EXIT_FAIL : EXIT_OK;
out:
	ta_session_free(s);
	ta_client_free(c);
	return rc;
}

const struct command cmd_token = { "token", "print a fresh access token", usage, run };
