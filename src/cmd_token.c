/*
 * cmd_token.c - `termauth token`: print a fresh access token. The small
 * `termauth` executable serves a stored fresh token itself; this is the
 * full tool's side, reached when it could not: it refreshes the session
 * (once, however many processes ask at the same time), or with --login
 * signs in, or says what is wrong.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "fresh_token.h"
#include "token_common.h"

static const char usage[] =
	"Usage: termauth token [OPTIONS]\n\n"
	"Print the profile's access token on stdout, and nothing else. When it\n"
	"expires within --min-ttl, it is refreshed first, silently; processes that\n"
	"ask at the same time refresh once. When the IdP's tokens live no longer\n"
	"than --min-ttl, the token is printed with a warning, and refreshed once\n"
	"half its life is gone; one whose lifetime the IdP did not state counts\n"
	"as living an hour from when it was received.\n\n"
	"Options:\n"
	"      --min-ttl SECS    the token must stay valid this long (default: 60)\n"
	"      --login           sign in (as 'termauth login' would) when the session\n"
	"                        cannot be refreshed, instead of failing\n"
	"      --json            print {\"access_token\", \"token_type\", \"expires_at\", \"expires_in\"}\n"
	"  -p, --profile NAME    the profile (default: $TERMAUTH_PROFILE, else \"default\")\n"
	"      --store STORE     where the session is kept: auto, keychain or file\n"
	"                        (default: $TERMAUTH_STORE, else the profile's, else auto)\n"
	"  -v, --verbose         say more on stderr\n"
	"  -h, --help            this help\n\n"
	"Where the token comes from, first match wins: TERMAUTH_TOKEN (an access\n"
	"token, printed as is); TERMAUTH_CREDENTIAL (a CI credential from 'termauth\n"
	"setup-token', refreshed as needed); the profile's stored session.\n\n"
	"Exit status 3 means: sign in again with 'termauth login'; 5: the IdP\n"
	"could not be reached to refresh the token. A refreshed session that\n"
	"cannot be saved is kept aside (said in one line), its token printed.\n\n"
	"Examples:\n"
	"  curl -H \"Authorization: Bearer $(termauth token)\" https://api.example.com/\n"
	"  termauth token --json --min-ttl 300\n";

static int run(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_COMMON_LONG,
		{ "min-ttl", required_argument, NULL, 'm' },
		{ "json", no_argument, NULL, 'j' },
		{ "login", no_argument, NULL, 'L' },
		{ NULL, 0, NULL, 0 },
	};
	struct token_args a = { .min_ttl = TOKEN_DEFAULT_MIN_TTL };
	struct fresh_token t;
	int opt, done = -1, rc, login = 0;

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
		} else if (opt == 'L') {
			login = 1;
		} else {
			return cli_usage_error(&cmd_token, "unknown or incomplete option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error(&cmd_token, "unexpected argument '%s'", argv[optind]);
	if ((rc = fresh_token_get(cli, a.min_ttl, login, &t)) == EXIT_OK)
		rc = token_print_raw(t.token, t.type, t.expires_at, a.json, (long long)time(NULL))
		             ? EXIT_FAIL
		             : EXIT_OK;
	fresh_token_clear(&t);
	return rc;
}

const struct command cmd_token = { "token", "print a fresh access token", usage, run };
