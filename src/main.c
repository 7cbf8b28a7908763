/*
 * main.c - termauth-full: the whole termauth tool. Dispatches through the
 * command table; each command lives in its own cmd_*.c file.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "harden.h"

static const struct command *const commands[] = {
	&cmd_login, &cmd_token, &cmd_status, &cmd_logout, &cmd_setup_token, &cmd_exec,
	&cmd_exchange, &cmd_verify, &cmd_kube_credential, &cmd_git_credential, &cmd_setup_git,
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static int overview(FILE *to)
{
	size_t i;

	fputs("Usage: termauth [-p PROFILE] [-v] COMMAND [OPTIONS]\n\n"
	      "Sign in from the terminal to an OAuth 2.0 / OpenID Connect provider,\n"
	      "keep the session safe, and hand out fresh tokens.\n\nCommands:\n", to);
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(to, "  %-16s %s\n", commands[i]->name, commands[i]->summary);
	fputs("\nOptions for every command:\n"
	      "  -p, --profile NAME  the profile to use (default: $TERMAUTH_PROFILE, else \"default\")\n"
	      "      --store STORE   where sessions are kept: auto (the keychain when it is\n"
	      "                      unlocked, else a file), keychain or file (default:\n"
	      "                      $TERMAUTH_STORE, else the profile's store, else auto)\n"
	      "  -v, --verbose       say more on stderr; repeat for more detail (never secrets)\n"
	      "  -h, --help          help for termauth or for a command\n"
	      "      --version       print the version\n\n"
	      "Exit codes: 0 success, 1 failure, 2 usage, 3 sign-in required,\n"
	      "4 verification failed, 5 IdP unreachable, 130 cancelled.\n"
	      "Run 'termauth COMMAND --help' for a command's options; see termauth(1).\n", to);
	return 0;
}

static const struct command *find(const char *name)
{
	size_t i;

	for (i = 0; i < NCOMMANDS; i++)
		if (!strcmp(commands[i]->name, name))
			return commands[i];
	return NULL;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_COMMON_LONG,
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli cli = { .paste_fd = 0 };
	const struct command *cmd;
	int opt, done = -1;

	harden_process(0); /* first: no core dump, no ptrace (harden.h) */
	cli.profile = getenv("TERMAUTH_PROFILE");
	if (!cli.profile || !*cli.profile)
		cli.profile = "default";
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+" CLI_COMMON_SHORT, longopts, NULL)) != -1) {
		if (opt == 'V')
			return printf("termauth %s\n", ta_version()) < 0;
		if (opt == 'h')
			return overview(stdout);
		if (!cli_common_option(&cli, NULL, opt, optarg, &done))
			return cli_usage_error(NULL, "unknown option '%s'", argv[optind - 1]);
	}
	if (optind >= argc) {
		overview(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[optind], "help")) {
		if (optind + 1 >= argc)
			return overview(stdout);
		cmd = find(argv[optind + 1]);
		return cmd ? cli_help(cmd) : cli_usage_error(NULL, "no command '%s'", argv[optind + 1]);
	}
	if (!(cmd = find(argv[optind])))
		return cli_usage_error(NULL, "no command '%s'", argv[optind]);
	argc -= optind;
	argv += optind;
	optind = 0; /* getopt restarts for the command's own options */
	return cmd->run(&cli, argc, argv);
}
