/*
 * cmd_git_credential.c - `termauth git-credential get|store|erase`: git's
 * credential helper (gitcredentials(7)), set up by `termauth setup-git`.
 * get answers with a fresh access token as the password, for a host that
 * a profile names in its git_hosts - and only over https, or http to a
 * loopback address, so a token never crosses a network in plaintext. erase
 * (git saw the token refused) drops it, so that the next get refreshes.
 * store does nothing: the token is termauth's to keep. Standard output
 * carries only the answer; a sign-in talks on stderr and reads a pasted URL
 * from the terminal, since stdin is git's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fresh_token.h"
#include "gitcred.h"
#include "helper_host.h"
#include "token_common.h"

static const char about[] =
	"git's credential helper: git runs it once 'termauth setup-git --host HOST'\n"
	"has registered it. For a host that a profile lists in its git_hosts, get\n"
	"answers username (the profile's git_username, default oauth2), password\n"
	"(a fresh access token) and password_expiry_utc; it signs in first when\n"
	"there is no usable session and a terminal to do it on. Only over https,\n"
	"or http to a loopback address. erase (the server refused the token) drops\n"
	"the token, so that the next get refreshes; store does nothing. Unknown\n"
	"operations and keys are ignored, as git asks of helpers.\n";

static const char more[] =
	"Example, what setup-git writes to ~/.gitconfig:\n"
	"  [credential \"https://git.example.com\"]\n"
	"  \thelper =\n"
	"  \thelper = !'/usr/bin/termauth' git-credential\n";

/* Reads git's request from stdin, whole. */
static int read_request(struct gitcred *g)
{
	size_t len;
	char *buf = helper_read_request(GITCRED_MAX, &len);
	enum ta_result r;

	if (!buf) {
		cli_error("git-credential: git's request cannot be read");
		return EXIT_FAIL;
	}
	r = gitcred_parse(buf, len, g);
	explicit_bzero(buf, len);
	free(buf);
	if (r != TA_OK) {
		cli_error("git-credential: git's request cannot be read (%s)", ta_result_str(r));
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

static int get(struct cli *cli, const char *username)
{
	struct fresh_token t;
	int rc;

	if ((rc = fresh_token_for_helper(cli, &t)) != EXIT_OK)
		return rc;
	printf("username=%s\npassword=%s\n", username, t.token);
	if (t.expires_at)
		printf("password_expiry_utc=%lld\n", t.expires_at);
	rc = fflush(stdout) ? EXIT_FAIL : EXIT_OK;
	fresh_token_clear(&t);
	return rc;
}

static int erase(struct cli *cli, const struct gitcred *g)
{
	struct ta_client *c = NULL;
	struct ta_profile *p = NULL;
	enum ta_result r;
	int rc;

	if (!g->password)
		return EXIT_OK;
	if ((rc = cli_open_profile(cli, cli->profile, &c, &p)) == EXIT_OK &&
	    (r = ta_session_reject(c, cli->profile, g->password)) != TA_OK && r != TA_E_NO_SESSION)
		rc = cli_fail(c, r);
	ta_profile_free(p);
	ta_client_free(c);
	return rc;
}

/* get or erase, for the profile that lists the request's host. */
static int answer(struct cli *cli, const char *op, const struct gitcred *g)
{
	struct ta_client *c = NULL;
	char *profile = NULL, *username = NULL;
	int rc = EXIT_OK, found;

	if (cli_client_new(cli, &c) != TA_OK)
		return EXIT_FAIL;
	found = helper_host_profile(c, "git_hosts", "git_username", g->host,
	                            cli->profile_given ? cli->profile : NULL, &profile, &username);
	if (found < 0) {
		rc = cli_fail(c, TA_E_CONFIG);
	} else if (!found) {
		if (cli->verbose)
			cli_say("debug: no profile lists %s in its git_hosts: nothing to answer", g->host);
	} else {
		cli->profile = profile; /* for the rest of the run */
		rc = !strcmp(op, "get") ? get(cli, username) : erase(cli, g);
	}
	ta_client_free(c);
	free(profile);
	free(username);
	return rc;
}

static int run(struct cli *cli, void *opts, int argc, char **argv)
{
	struct gitcred g = { 0 };
	int rc;

	(void)opts;
	if (argc != 1)
		return cli_usage_error(&cmd_git_credential, "give one operation: get, store or erase");
	if (strcmp(argv[0], "get") && strcmp(argv[0], "erase"))
		return EXIT_OK; /* store, and operations git may add later */
	if ((rc = read_request(&g)) != EXIT_OK)
		return rc;
	if (gitcred_secure(&g))
		rc = answer(cli, argv[0], &g);
	else if (cli->verbose)
		cli_say("debug: not over https (nor http to a loopback address): no token given");
	gitcred_clear(&g);
	return rc;
}

static const struct opt options[] = { { 0 } };
static const struct { char unused; } defaults;

const struct command cmd_git_credential = {
	.name = "git-credential",
	.summary = "git's credential helper (see setup-git)",
	.synopsis = "get|store|erase",
	.about = about,
	.more = more,
	.opts = options,
	.profile_help = "answer with this profile (it must list the host in its git_hosts) "
	                "instead of the first one that does",
	.defaults = &defaults,
	.size = sizeof(defaults),
	.flags = CMD_ARGS,
	.run = run,
};
