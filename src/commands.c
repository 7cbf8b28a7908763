/*
 * commands.c - the list of commands (in the order termauth --help shows
 * them), finding one by name or suggesting the one meant, termauth's own
 * options (those before a command), the overview, and the table as
 * plain lines for the tests that hold the completions and the man page
 * to it.
 */
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "suggest.h"

static const struct command *const commands[] = {
	&cmd_login, &cmd_token, &cmd_status, &cmd_logout, &cmd_setup_token, &cmd_exec,
	&cmd_exchange, &cmd_dpop_proof, &cmd_verify, &cmd_kube_credential, &cmd_git_credential, &cmd_setup_git,
	&cmd_docker_credential, &cmd_setup_docker,
	&cmd_ssh, &cmd_agent,
	&cmd_aws_credentials, &cmd_setup_aws,
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static const struct opt top_options[] = {
	{ .name = "version", .kind = OPT_VERSION, .help = "print the version" },
	{ 0 },
};

static const struct { char unused; } no_options;

/* termauth itself: its options end at the command's name. */
const struct command cli_termauth = {
	.opts = top_options,
	.defaults = &no_options,
	.size = sizeof(no_options),
	.flags = CMD_ARGS | CMD_ARGS_END,
};

const struct command *cli_find_command(const char *name)
{
	size_t i;

	for (i = 0; i < NCOMMANDS; i++)
		if (!strcmp(commands[i]->name, name))
			return commands[i];
	return NULL;
}

int cli_no_command(const char *name)
{
	struct suggest s;
	size_t i;

	suggest_init(&s, name);
	for (i = 0; i < NCOMMANDS; i++)
		suggest_try(&s, commands[i]->name);
	if (suggest_best(&s))
		return cli_usage_error(NULL, "'%s' is not a termauth command; did you mean '%s'?", name,
		                       suggest_best(&s));
	return cli_usage_error(NULL, "no command '%s'", name);
}

int cli_overview(FILE *to)
{
	size_t i;

	fputs("Usage: termauth [-p PROFILE] [-v] COMMAND [OPTIONS]\n\n"
	      "Sign in from the terminal to an OAuth 2.0 / OpenID Connect provider,\n"
	      "keep the session safe, and hand out fresh tokens.\n\nCommands:\n", to);
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(to, "  %-16s %s\n", commands[i]->name, commands[i]->summary);
	fputc('\n', to);
	cli_print_options(to, &cli_termauth);
	fputs("\nExit codes: 0 success, 1 failure, 2 usage, 3 sign-in required,\n"
	      "4 verification failed, 5 IdP unreachable, 130 cancelled.\n"
	      "Run 'termauth COMMAND --help' for a command's options; see termauth(1).\n", to);
	return fflush(to) ? EXIT_FAIL : EXIT_OK;
}

/* "option SCOPE --NAME -L VALUE REPEAT": SCOPE is the command, "termauth"
 * for termauth's own, "*" for the common ones; -L is "-" without a short
 * form; VALUE and REPEAT are 1 or 0. */
static void dump(const char *scope, const struct opt *o)
{
	for (; o->name; o++) {
		char letter[3] = { '-', o->letter, '\0' };

		printf("option %s --%s %s %d %d\n", scope, o->name, o->letter ? letter : "-", !!o->arg,
		       !!(o->flags & OPT_REPEAT));
	}
}

int cli_dump_options(void)
{
	size_t i;

	dump("*", cli_common_options);
	dump("termauth", top_options);
	for (i = 0; i < NCOMMANDS; i++) {
		printf("command %s %s%s\n", commands[i]->name,
		       commands[i]->opts_of ? commands[i]->opts_of : commands[i]->name,
		       commands[i]->flags & CMD_FOREIGN_ARGS ? " long-only" : "");
		dump(commands[i]->name, commands[i]->opts);
	}
	return fflush(stdout) ? EXIT_FAIL : EXIT_OK;
}
