/*
 * cmd_login.c - `termauth login`: sign in (browser, pasted URL or device
 * code), store the session, and remember the options in the profile so
 * that the next sign-in needs none.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

static const char usage[] =
	"Usage: termauth login [OPTIONS]\n\n"
	"Sign in and keep the session in the profile's store. Two flows:\n"
	"  browser  the browser opens at the IdP, which sends it back to a listener\n"
	"           on 127.0.0.1; if the browser cannot reach it (SSH, containers,\n"
	"           WSL), paste the address the browser ends on into the terminal.\n"
	"  device   a code is shown (and a QR code on a terminal): approve it on any\n"
	"           device with a browser while termauth waits.\n"
	"By default (auto) the device flow is used when no browser can be used here\n"
	"(an SSH session, no display, a container) and the IdP offers it; -v says\n"
	"why. --flow, then TERMAUTH_FLOW, then the profile's flow override it.\n\n"
	"Options (saved in the profile, so later sign-ins need none):\n"
	"      --issuer URL      the IdP's issuer (https; http only on loopback)\n"
	"      --client-id ID    the OAuth client id registered for this tool\n"
	"      --scope SCOPES    space-separated scopes (default: openid); repeatable\n"
	"      --flow FLOW       auto (default), browser, device, or paste (like browser,\n"
	"                        but only print the URL)\n"
	"      --port N          loopback port for the redirect (default: a random free port)\n"
	"      --timeout SECS    stop waiting for the sign-in after this long (default:\n"
	"                        300 for the browser, the code's life for the device)\n"
	"      --provider NAME   github, google, microsoft or gitlab: their endpoints and\n"
	"                        quirks, with your own --client-id\n"
	"      --tenant T        Microsoft Entra tenant (default: organizations)\n"
	"      --authorization-endpoint URL, --token-endpoint URL, --device-endpoint URL\n"
	"                        endpoints for an IdP without discovery (the token\n"
	"                        endpoint given means: no discovery)\n"
	"      --store STORE     where to keep the session: auto (the keychain when it\n"
	"                        is unlocked, else a file), keychain or file; default:\n"
	"                        $TERMAUTH_STORE, else the profile's store, else auto\n"
	"Options for this sign-in only:\n"
	"      --no-qr           do not draw the QR code of the device flow\n"
	"  -p, --profile NAME    the profile (default: $TERMAUTH_PROFILE, else \"default\")\n"
	"  -v, --verbose         say more on stderr\n"
	"  -h, --help            this help\n\n"
	"A client secret, for IdPs that give native apps one (Google), is read from\n"
	"the profile's client_secret (it is no real secret, but stays off the\n"
	"command line and goes only to that profile's IdP).\n\n"
	"Examples:\n"
	"  termauth login --issuer https://login.example.com --client-id my-cli\n"
	"  termauth login --flow device --scope \"openid offline_access\"\n"
	"  termauth -p gh login --provider github --client-id Iv1.0123456789abcdef\n";

/* The command line's settings, in profile keys. */
static const struct { const char *key; enum ta_option opt; int flag; } settings[] = {
	{ "issuer", TA_OPT_ISSUER, 'i' }, { "client_id", TA_OPT_CLIENT_ID, 'c' },
	{ "scopes", TA_OPT_SCOPES, 's' }, { "port", TA_OPT_PORT, 'P' },
	{ "flow", TA_OPT_FLOW, 'f' }, { "timeout", TA_OPT_TIMEOUT, 't' },
	{ "provider", TA_OPT_PROVIDER, 'R' }, { "tenant", TA_OPT_TENANT, 'T' },
	{ "authorization_endpoint", TA_OPT_AUTHORIZATION_ENDPOINT, 'A' },
	{ "token_endpoint", TA_OPT_TOKEN_ENDPOINT, 'K' },
	{ "device_endpoint", TA_OPT_DEVICE_ENDPOINT, 'D' },
};
#define NSETTINGS (sizeof(settings) / sizeof(settings[0]))

static int parse(struct cli *cli, const struct command *cmd, int argc, char **argv,
                 const char *given[NSETTINGS], char **scopes, int *done)
{
	static const struct option longopts[] = {
		CLI_COMMON_LONG,
		{ "issuer", required_argument, NULL, 'i' },
		{ "client-id", required_argument, NULL, 'c' },
		{ "scope", required_argument, NULL, 's' },
		{ "port", required_argument, NULL, 'P' },
		{ "flow", required_argument, NULL, 'f' },
		{ "timeout", required_argument, NULL, 't' },
		{ "provider", required_argument, NULL, 'R' },
		{ "tenant", required_argument, NULL, 'T' },
		{ "authorization-endpoint", required_argument, NULL, 'A' },
		{ "token-endpoint", required_argument, NULL, 'K' },
		{ "device-endpoint", required_argument, NULL, 'D' },
		{ "no-qr", no_argument, NULL, 'Q' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;
	size_t i;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORT, longopts, NULL)) != -1) {
		if (cli_common_option(cli, cmd, opt, optarg, done)) {
			if (*done >= 0)
				return 0;
			continue;
		}
		if (opt == 's') {
			if (cli_append_word(scopes, optarg))
				return EXIT_FAIL;
			continue;
		}
		if (opt == 'Q') {
			cli->no_qr = 1;
			continue;
		}
		for (i = 0; i < NSETTINGS && settings[i].flag != opt; i++)
			;
		if (i == NSETTINGS)
			return cli_usage_error(cmd, "unknown or incomplete option '%s'", argv[optind - 1]);
		given[i] = optarg;
	}
	if (optind < argc)
		return cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
	for (i = 0; i < NSETTINGS; i++)
		if (settings[i].opt == TA_OPT_SCOPES)
			given[i] = *scopes;
	return 0;
}

/* Profile, then the command line, into the client; the command line's
 * values also into the profile, to be saved once the sign-in succeeds. */
static enum ta_result configure(struct cli *cli, struct ta_client *c, struct ta_profile *p,
                                const char *given[NSETTINGS], int *said)
{
	const char *env_flow = getenv("TERMAUTH_FLOW");
	enum ta_result r;
	size_t i;

	if ((r = ta_profile_apply(p, c)) != TA_OK)
		return r;
	/* The environment sits between the profile and the command line, and
	 * is not saved; --store (an option of every command) is. */
	if (env_flow && *env_flow && (r = ta_client_set(c, TA_OPT_FLOW, env_flow)) != TA_OK)
		return r;
	if ((r = cli_apply_store(cli, c)) != TA_OK ||
	    (cli->store && (r = ta_profile_set(p, "store", cli->store)) != TA_OK))
		return r;
	/* A client id given here is the person's, not a registration that
	 * expires. */
	for (i = 0; i < NSETTINGS; i++)
		if (given[i] && settings[i].opt == TA_OPT_CLIENT_ID &&
		    ((r = ta_client_set(c, TA_OPT_CLIENT_EXPIRES_AT, NULL)) != TA_OK ||
		     (r = ta_profile_set(p, "client_expires_at", NULL)) != TA_OK))
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
			*said = 1;
			return r;
		}
		if (r != TA_OK)
			return r;
	}
	return TA_OK;
}

/* Adds offline_access to the client's scopes unless it is there. Not with
 * a provider's preset: GitHub and Google have no such scope (their
 * presets know how to get a refresh token), and an explicit scope
 * counts as the person's choice. */
static enum ta_result ask_offline(struct ta_client *c)
{
	const char *have = ta_client_get(c, TA_OPT_SCOPES);
	char *both;
	enum ta_result r;
	size_t n;

	if (ta_client_get(c, TA_OPT_PROVIDER))
		return TA_OK;
	if (!have)
		have = "openid";
	if (strstr(have, "offline_access"))
		return TA_OK;
	n = strlen(have) + sizeof(" offline_access");
	if (!(both = malloc(n)))
		return TA_E_NOMEM;
	snprintf(both, n, "%s offline_access", have);
	r = ta_client_set(c, TA_OPT_SCOPES, both);
	free(both);
	return r;
}

/* The client id the sign-in used, and its expiry when it was registered
 * then, into the profile. */
static enum ta_result remember_client(struct ta_client *c, struct ta_profile *p)
{
	const char *id = ta_client_get(c, TA_OPT_CLIENT_ID);
	const char *old = ta_profile_get(p, "client_id");
	enum ta_result r;

	if (!id || (old && !strcmp(old, id)))
		return TA_OK;
	if ((r = ta_profile_set(p, "client_id", id)) != TA_OK)
		return r;
	return ta_profile_set(p, "client_expires_at", ta_client_get(c, TA_OPT_CLIENT_EXPIRES_AT));
}

int cli_sign_in(struct cli *cli, const struct command *cmd, int argc, char **argv, int for_ci,
                struct ta_session **out)
{
	const char *given[NSETTINGS] = { 0 };
	struct ta_client *c = NULL;
	struct ta_profile *p = NULL;
	struct ta_session *s = NULL;
	char *scopes = NULL;
	int done = -1, rc, no_issuer, no_client, said = 0;
	enum ta_result r;

	if ((rc = parse(cli, cmd, argc, argv, given, &scopes, &done)) != 0 || done >= 0)
		goto out;
	rc = EXIT_FAIL;
	if (cli_client_new(cli, &c) != TA_OK)
		goto out;
	ta_client_set_paste_fd(c, cli->paste_fd);
	if ((r = ta_profile_load(c, cli->profile, &p)) != TA_OK ||
	    (r = configure(cli, c, p, given, &said)) != TA_OK ||
	    (for_ci && (r = ask_offline(c)) != TA_OK)) {
		rc = said ? EXIT_USAGE : cli_fail(c, r);
		goto out;
	}
	no_issuer = !ta_client_get(c, TA_OPT_ISSUER) && !ta_client_get(c, TA_OPT_PROVIDER) &&
	            !ta_client_get(c, TA_OPT_TOKEN_ENDPOINT);
	/* An issuer alone will do: the IdP may register us (RFC 7591). */
	no_client = !ta_client_get(c, TA_OPT_CLIENT_ID) && !ta_client_get(c, TA_OPT_ISSUER);
	if (no_issuer || no_client) {
		rc = cli_usage_error(cmd, "profile '%s' has no %s yet: give --issuer URL --client-id ID",
		                     cli->profile, no_issuer && no_client ? "issuer and no client id"
		                                   : no_issuer            ? "issuer"
		                                                          : "client id");
		goto out;
	}
	/* A store that cannot keep the session fails now, not after the
	 * person has signed in. */
	if (!for_ci && (r = ta_store_ready(c)) != TA_OK) {
		rc = cli_fail(c, r);
		goto out;
	}
	r = ta_login(c, &s);
	cli_progress_end(cli);
	if (r != TA_OK || (!for_ci && (r = ta_store_save(c, cli->profile, s)) != TA_OK)) {
		rc = cli_fail(c, r);
		goto out;
	}
	/* The session is kept by now: failing to remember the options costs
	 * only typing them again, so it is a warning, not a failed sign-in.
	 * A client registered during the sign-in is remembered with them. */
	if (!for_ci && (remember_client(c, p) != TA_OK || ta_profile_save(c, p) != TA_OK))
		cli_say("warning: the options were not saved in profile '%s': %s", cli->profile,
		        ta_client_message(c));
	cli_say("signed in to %s as %s%s%s%s", ta_session_issuer(s),
	        ta_session_subject(s) ? ta_session_subject(s) : "(no subject)",
	        for_ci ? "" : " (profile '", for_ci ? "" : cli->profile, for_ci ? "" : "')");
	*out = s;
	s = NULL;
	rc = EXIT_OK;
out:
	ta_session_free(s);
	ta_profile_free(p);
	ta_client_free(c);
	free(scopes);
	return done >= 0 ? done : rc;
}

static int run(struct cli *cli, int argc, char **argv)
{
	struct ta_session *s = NULL;
	int rc = cli_sign_in(cli, &cmd_login, argc, argv, 0, &s);

	ta_session_free(s);
	return rc;
}

const struct command cmd_login = { "login", "sign in (browser, pasted URL or device code)", usage,
	                           run };
