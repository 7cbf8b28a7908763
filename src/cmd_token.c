/*
 * cmd_token.c - `termauth token`: print a fresh access token. The small
 * `termauth` executable serves a stored fresh token itself; this is the
 * full tool's side, reached when it could not: it refreshes the session
 * (once, however many processes ask at the same time), or with --login
 * signs in, or says what is wrong.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "fresh_token.h"
#include "token_common.h"

static const char about[] =
	"Print the profile's access token on stdout, and nothing else. When it\n"
	"expires within --min-ttl, it is refreshed first, silently; processes that\n"
	"ask at the same time refresh once. When the IdP's tokens live no longer\n"
	"than --min-ttl, the token is printed with a warning, and refreshed once\n"
	"half its life is gone; one whose lifetime the IdP did not state counts\n"
	"as living an hour from when it was received.\n";

static const char more[] =
	"Where the token comes from, first match wins: TERMAUTH_TOKEN (an access\n"
	"token, printed as is); TERMAUTH_CREDENTIAL (a CI credential from 'termauth\n"
	"setup-token', refreshed as needed); the profile's stored session.\n\n"
	"Exit status 3 means: sign in again with 'termauth login'; 5: the IdP\n"
	"could not be reached to refresh the token. A refreshed session that\n"
	"cannot be saved is kept aside (said in one line), its token printed.\n\n"
	"Examples:\n"
	"  curl -H \"Authorization: Bearer $(termauth token)\" https://api.example.com/\n"
	"  termauth token --json --min-ttl 300\n";

struct token_options {
	long long min_ttl;
	int json, login;
};

static const struct token_options defaults = { .min_ttl = TOKEN_DEFAULT_MIN_TTL };

static const struct opt options[] = {
	{ .name = "min-ttl", .kind = OPT_SECONDS, .offset = offsetof(struct token_options, min_ttl),
	  .arg = "SECS", .hint = "a number of seconds",
	  .help = "the token must stay valid this long (default: 60)" },
	{ .name = "login", .kind = OPT_FLAG, .offset = offsetof(struct token_options, login),
	  .help = "sign in (as 'termauth login' would) when the session cannot be refreshed, "
	          "instead of failing" },
	{ .name = "json", .kind = OPT_FLAG, .offset = offsetof(struct token_options, json),
	  .help = "print {\"access_token\", \"token_type\", \"expires_at\", \"expires_in\"}" },
	{ 0 },
};

static int run(struct cli *cli, void *opts, int argc, char **argv)
{
	const struct token_options *o = opts;
	struct fresh_token t;
	int rc;

	(void)argc;
	(void)argv;
	if ((rc = fresh_token_get(cli, o->min_ttl, o->login, &t)) == EXIT_OK)
		rc = token_print_raw(t.token, t.type, t.expires_at, o->json, (long long)time(NULL))
		             ? EXIT_FAIL
		             : EXIT_OK;
	fresh_token_clear(&t);
	return rc;
}

const struct command cmd_token = {
	.name = "token",
	.summary = "print a fresh access token",
	.synopsis = "[OPTIONS]",
	.about = about,
	.more = more,
	.opts = options,
	.defaults = &defaults,
	.size = sizeof(defaults),
	.run = run,
};
