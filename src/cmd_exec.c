/*
 * cmd_exec.c - `termauth exec [--env NAME] -- CMD [ARGS...]`: runs CMD with
 * a fresh access token in its environment. termauth replaces itself with
 * CMD (execvp), so CMD's exit status and signals are termauth's, and the
 * token travels in the environment only: never on a command line, where
 * every user of the machine could read it. CMD gets that one token and not
 * termauth's own secrets: TERMAUTH_CREDENTIAL (which makes tokens for as
 * long as it lives) and TERMAUTH_TOKEN are removed unless --keep-env names
 * them; and CMD gets back the core limit termauth started with (harden.h).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "fresh_token.h"
#include "harden.h"
#include "token_common.h"

static const char usage[] =
	"Usage: termauth exec [OPTIONS] -- CMD [ARGS...]\n\n"
	"Run CMD with a fresh access token in its environment. termauth becomes CMD\n"
	"(nothing stays running), so CMD's exit status is termauth's. The token is\n"
	"in the environment only, never on a command line. The token comes from\n"
	"TERMAUTH_TOKEN, else TERMAUTH_CREDENTIAL, else the profile's session,\n"
	"refreshed when needed; with no session, termauth signs in first when it\n"
	"runs on a terminal (else exit 3). CMD gets that token only: termauth\n"
	"removes TERMAUTH_CREDENTIAL and TERMAUTH_TOKEN from its environment.\n\n"
	"Options:\n"
	"      --env NAME        the variable to set (default: TERMAUTH_ACCESS_TOKEN)\n"
	"      --keep-env NAME   leave TERMAUTH_CREDENTIAL or TERMAUTH_TOKEN in CMD's\n"
	"                        environment (repeatable; by default CMD sees neither)\n"
	"      --min-ttl SECS    the token must stay valid this long (default: 60)\n"
	"  -p, --profile NAME    the profile (default: $TERMAUTH_PROFILE, else \"default\")\n"
	"      --store STORE     where the session is kept: auto, keychain or file\n"
	"                        (default: $TERMAUTH_STORE, else the profile's, else auto)\n"
	"  -v, --verbose         say more on stderr\n"
	"  -h, --help            this help\n\n"
	"Exit status: CMD's; 127 when CMD cannot be found, 126 when it cannot be\n"
	"run; else termauth's own (3: sign in again, 5: the IdP is unreachable).\n\n"
	"Examples:\n"
	"  termauth exec -- sh -c 'curl -H \"Authorization: Bearer $TERMAUTH_ACCESS_TOKEN\" https://api.example.com/'\n"
	"  termauth exec --env GITHUB_TOKEN -- gh repo list\n";

/* termauth's own secrets, which CMD does not get unless asked for. */
static const char *const removed[] = { "TERMAUTH_CREDENTIAL", "TERMAUTH_TOKEN" };
#define NREMOVED (sizeof(removed) / sizeof(removed[0]))

/* The index of name in removed, or -1. */
static int removed_index(const char *name)
{
	size_t i;

	for (i = 0; i < NREMOVED; i++)
		if (!strcmp(removed[i], name))
			return (int)i;
	return -1;
}

/* CMD's environment: without the secrets it was not given (keep: a bit
 * per entry of removed), with the token in name. Returns an exit code. */
static int child_environment(const char *name, const char *token, unsigned keep)
{
	int failed = 0;
	size_t i;

	for (i = 0; i < NREMOVED; i++)
		if (!(keep & (1u << i)) && unsetenv(removed[i]))
			failed = 1;
	if (failed || setenv(name, token, 1) || harden_child_core_limit()) {
		cli_error("cannot prepare the command's environment: %s", strerror(errno));
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

/* A portable environment variable name: [A-Za-z_][A-Za-z0-9_]*. */
static int env_name_ok(const char *name)
{
	size_t n = strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_0123456789");

	return *name && name[n] == '\0' && !(*name >= '0' && *name <= '9');
}

static int run(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_COMMON_LONG,
		{ "env", required_argument, NULL, 'e' },
		{ "keep-env", required_argument, NULL, 'K' },
		{ "min-ttl", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	const char *name = "TERMAUTH_ACCESS_TOKEN";
	long long min_ttl = TOKEN_DEFAULT_MIN_TTL;
	struct fresh_token t;
	unsigned keep = 0;
	int opt, done = -1, rc, k;

	opterr = 0;
	/* "+": the options end at CMD, whose own options are not ours. */
	while ((opt = getopt_long(argc, argv, "+" CLI_COMMON_SHORT, longopts, NULL)) != -1) {
		if (cli_common_option(cli, &cmd_exec, opt, optarg, &done)) {
			if (done >= 0)
				return done;
		} else if (opt == 'e') {
			if (!env_name_ok(optarg))
				return cli_usage_error(&cmd_exec, "'%s' is not a variable name", optarg);
			name = optarg;
		} else if (opt == 'K') {
			if ((k = removed_index(optarg)) < 0)
				return cli_usage_error(&cmd_exec, "--keep-env takes TERMAUTH_CREDENTIAL or "
				                       "TERMAUTH_TOKEN, not '%s'", optarg);
			keep |= 1u << k;
		} else if (opt == 'm') {
			if ((min_ttl = cli_parse_seconds(optarg)) < 0)
				return cli_usage_error(&cmd_exec, "--min-ttl wants seconds, not '%s'", optarg);
		} else {
			return cli_usage_error(&cmd_exec, "unknown or incomplete option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return cli_usage_error(&cmd_exec, "no command to run: termauth exec -- CMD [ARGS...]");
	/* stdin is CMD's; with no terminal there is no one to sign in. */
	cli_paste_from_tty(cli);
	if ((rc = fresh_token_get(cli, min_ttl, cli->paste_fd >= 0, &t)) != EXIT_OK)
		return rc;
	rc = child_environment(name, t.token, keep);
	fresh_token_clear(&t);
	if (rc != EXIT_OK)
		return rc;
	execvp(argv[optind], argv + optind);
	rc = errno == ENOENT ? 127 : 126; /* as a shell says it */
	harden_no_core();
	cli_error("cannot run %s: %s", argv[optind], strerror(errno));
	return rc;
}

const struct command cmd_exec = { "exec", "run a command with a fresh token in its environment",
	                          usage, run };
