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
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "fresh_token.h"
#include "harden.h"
#include "token_common.h"

static const char about[] =
	"Run CMD with a fresh access token in its environment. termauth becomes CMD\n"
	"(nothing stays running), so CMD's exit status is termauth's. The token is\n"
	"in the environment only, never on a command line. The token comes from\n"
	"TERMAUTH_TOKEN, else TERMAUTH_CREDENTIAL, else the profile's session,\n"
	"refreshed when needed; with no session, termauth signs in first when it\n"
	"runs on a terminal (else exit 3). CMD gets that token only: termauth\n"
	"removes TERMAUTH_CREDENTIAL and TERMAUTH_TOKEN from its environment.\n";

static const char more[] =
	"Exit status: CMD's; 127 when CMD cannot be found, 126 when it cannot be\n"
	"run; else termauth's own (3: sign in again, 5: the IdP is unreachable).\n\n"
	"Examples:\n"
	"  termauth exec -- sh -c \\\n"
	"    'curl -H \"Authorization: Bearer $TERMAUTH_ACCESS_TOKEN\" \\\n"
	"      https://api.example.com/'\n"
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

struct exec_options {
	const char *name; /* the variable the token goes in */
	long long min_ttl;
	unsigned keep;    /* a bit per entry of removed: left to CMD */
};

static const struct exec_options defaults = { .name = "TERMAUTH_ACCESS_TOKEN",
	                                      .min_ttl = TOKEN_DEFAULT_MIN_TTL };

static int set_env(const struct command *cmd, void *target, const char *value)
{
	if (!env_name_ok(value))
		return cli_usage_error(cmd, "'%s' is not a variable name", value);
	((struct exec_options *)target)->name = value;
	return EXIT_OK;
}

static int set_keep(const struct command *cmd, void *target, const char *value)
{
	int k = removed_index(value);

	if (k < 0)
		return cli_usage_error(cmd, "--keep-env takes TERMAUTH_CREDENTIAL or TERMAUTH_TOKEN, "
		                       "not '%s'", value);
	((struct exec_options *)target)->keep |= 1u << k;
	return EXIT_OK;
}

static const struct opt options[] = {
	{ .name = "env", .kind = OPT_CALL, .call = set_env, .arg = "NAME",
	  .hint = "an environment variable's name",
	  .help = "the variable to set (default: TERMAUTH_ACCESS_TOKEN)" },
	{ .name = "keep-env", .kind = OPT_CALL, .call = set_keep, .flags = OPT_REPEAT, .arg = "NAME",
	  .hint = "TERMAUTH_CREDENTIAL or TERMAUTH_TOKEN",
	  .help = "leave TERMAUTH_CREDENTIAL or TERMAUTH_TOKEN in CMD's environment "
	          "(repeatable; by default CMD sees neither)" },
	{ .name = "min-ttl", .kind = OPT_SECONDS, .offset = offsetof(struct exec_options, min_ttl),
	  .arg = "SECS", .hint = "a number of seconds",
	  .help = "the token must stay valid this long (default: 60)" },
	{ 0 },
};

/* The options end at CMD, whose own options are not termauth's. */
static int run(struct cli *cli, void *opts, int argc, char **argv)
{
	const struct exec_options *o = opts;
	struct fresh_token t;
	int rc;

	if (argc < 1)
		return cli_usage_error(&cmd_exec, "no command to run: termauth exec -- CMD [ARGS...]");
	/* stdin is CMD's; with no terminal there is no one to sign in. */
	cli_paste_from_tty(cli);
	if ((rc = fresh_token_get(cli, o->min_ttl, cli->paste_fd >= 0, &t)) != EXIT_OK)
		return rc;
	rc = child_environment(o->name, t.token, o->keep);
	fresh_token_clear(&t);
	if (rc != EXIT_OK)
		return rc;
	execvp(argv[0], argv);
	rc = errno == ENOENT ? 127 : 126; /* as a shell says it */
	harden_no_core();
	cli_error("cannot run %s: %s", argv[0], strerror(errno));
	return rc;
}

const struct command cmd_exec = {
	.name = "exec",
	.summary = "run a command with a fresh token in its environment",
	.synopsis = "[OPTIONS] -- CMD [ARGS...]",
	.about = about,
	.more = more,
	.opts = options,
	.defaults = &defaults,
	.size = sizeof(defaults),
	.flags = CMD_ARGS | CMD_ARGS_END,
	.run = run,
};
