/*
 * cmd_login.c - `termauth login`: sign in with the browser (or a pasted
 * URL), store the session, and remember the options in the profile so that
 * the next sign-in needs none.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

static const char usage[] =
	"Usage: termauth login [OPTIONS]\n\n"
	"Sign in through the browser and keep the session in the profile's store.\n"
	"The browser opens at the IdP; the IdP sends it back to a listener on\n"
	"127.0.0.1. If the browser cannot reach it (SSH, containers, WSL), paste\n"
	"the address the browser ends on into the terminal instead.\n\n"
	"Options (saved in the profile, so later sign-ins need none):\n"
	"      --issuer URL      the IdP's issuer (https; http only on loopback)\n"
	"      --client-id ID    the OAuth client id registered for this tool\n"
	"      --scope SCOPES    space-separated scopes (default: openid); repeatable\n"
	"      --port N          loopback port for the redirect (default: a random free port)\n"
	"      --flow FLOW       browser (default): open the browser; paste: only print the URL\n"
	"      --timeout SECS    give up after this long (default: 300)\n"
	"  -p, --profile NAME    the profile (default: $TERMAUTH_PROFILE, else \"default\")\n"
	"  -v, --verbose         say more on stderr\n"
	"  -h, --help            this help\n\n"
	"Example:\n"
	"  termauth login --issuer https://login.example.com --client-id my-cli\n";

/* The command line's settings, in profile keys. */
static const struct { const char *key; enum ta_option opt; int flag; } settings[] = {
	{ "issuer", TA_OPT_ISSUER, 'i' }, { "client_id", TA_OPT_CLIENT_ID, 'c' },
	{ "scopes", TA_OPT_SCOPES, 's' }, { "port", TA_OPT_PORT, 'P' },
	{ "flow", TA_OPT_FLOW, 'f' }, { "timeout", TA_OPT_TIMEOUT, 't' },
};
#define NSETTINGS (sizeof(settings) / sizeof(settings[0]))

/* Joins repeated --scope values with a space. */
static int add_scope(char **scopes, const char *more)
{
	size_t a = *scopes ? strlen(*scopes) : 0, b = strlen(more);
	char *p = realloc(*scopes, a + b + 2);

	if (!p)
		return -1;
	if (a)
		p[a++] = ' ';
	memcpy(p + a, more, b + 1);
	*scopes = p;
	return 0;
}

static int parse(struct cli *cli, int argc, char **argv, const char *given[NSETTINGS],
                 char **scopes, int *done)
{
	static const struct option longopts[] = {
		CLI_COMMON_LONG,
		{ "issuer", required_argument, NULL, 'i' },
		{ "client-id", required_argument, NULL, 'c' },
		{ "scope", required_argument, NULL, 's' },
		{ "port", required_argument, NULL, 'P' },
		{ "flow", required_argument, NULL, 'f' },
		{ "timeout", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;
	size_t i;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORT, longopts, NULL)) != -1) {
		if (cli_common_option(cli, &cmd_login, opt, optarg, done)) {
			if (*done >= 0)
				return 0;
			continue;
		}
		if (opt == 's') {
			if (add_scope(scopes, optarg))
				return EXIT_FAIL;
			continue;
		}
		for (i = 0; i < NSETTINGS && settings[i].flag != opt; i++)
			;
		if (i == NSETTINGS)
			return cli_usage_error(&cmd_login, "unknown or incomplete option '%s'", argv[optind - 1]);
		given[i] = optarg;
	}
	if (optind < argc)
		return cli_usage_error(&cmd_login, "unexpected argument '%s'", argv[optind]);
	for (i = 0; i < NSETTINGS; i++)
		if (settings[i].opt == TA_OPT_SCOPES)
			given[i] = *scopes;
	return 0;
}

/* Profile, then the command line, into the client; the command line's
 * values also into the profile, to be saved once the sign-in succeeds. */
static enum ta_result configure(struct ta_client *c, struct ta_profile *p,
                                const char *given[NSETTINGS])
{
	enum ta_result r;
	size_t i;

	if ((r = ta_profile_apply(p, c)) != TA_OK)
		return r;
	for (i = 0; i < NSETTINGS; i++) {
		if (!given[i])
			continue;
		if ((r = ta_client_set(c, settings[i].opt, given[i])) != TA_OK)
			return r;
		r = ta_profile_set(p, settings[i].key, given[i]);
		if (r == TA_E_TOO_LARGE) {
			cli_error("the %s is too long to keep in the profile (a line of the configuration file holds at most 198 characters)",
			          settings[i].key);
			return r;
		}
		if (r != TA_OK)
			return r;
	}
	return TA_OK;
}

static int run(struct cli *cli, int argc, char **argv)
{
	const char *given[NSETTINGS] = { 0 };
	struct ta_client *c = NULL;
	struct ta_profile *p = NULL;
	struct ta_session *s = NULL;
	char *scopes = NULL;
	int done = -1, rc;
	enum ta_result r;

	if ((rc = parse(cli, argc, argv, given, &scopes, &done)) != 0 || done >= 0)
		goto out;
	rc = EXIT_FAIL;
	if (cli_client_new(cli, &c) != TA_OK)
		goto out;
	ta_client_set_paste_fd(c, 0);
	if ((r = ta_profile_load(c, cli->profile, &p)) != TA_OK ||
	    (r = configure(c, p, given)) != TA_OK) {
		rc = r == TA_E_TOO_LARGE ? EXIT_USAGE : cli_fail(c, r); /* said already */
		goto out;
	}
	if (!ta_client_get(c, TA_OPT_ISSUER) || !ta_client_get(c, TA_OPT_CLIENT_ID)) {
		rc = cli_usage_error(&cmd_login, "profile '%s' has no %s yet: give --issuer URL --client-id ID",
		                     cli->profile, ta_client_get(c, TA_OPT_ISSUER) ? "client id" : "issuer");
		goto out;
	}
	if ((r = ta_login(c, &s)) != TA_OK || (r = ta_store_save(c, cli->profile, s)) != TA_OK) {
		rc = cli_fail(c, r);
		goto out;
	}
	/* The session is kept by now: failing to remember the options costs
	 * only typing them again, so it is a warning, not a failed sign-in. */
	if (ta_profile_save(c, p) != TA_OK)
		cli_say("warning: the options were not saved in profile '%s': %s", cli->profile,
		        ta_client_message(c));
	cli_say("signed in to %s as %s (profile '%s')", ta_session_issuer(s),
	        ta_session_subject(s) ? ta_session_subject(s) : "(no subject)", cli->profile);
	rc = EXIT_OK;
out:
	ta_session_free(s);
	ta_profile_free(p);
	ta_client_free(c);
	free(scopes);
	return done >= 0 ? done : rc;
}

const struct command cmd_login = { "login", "sign in through the browser", usage, run };
