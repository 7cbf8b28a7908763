/*
 * main.c - termauth-full: the whole termauth tool. Reads termauth's own
 * options (those before the command) and runs the command; each command
 * lives in its own cmd_*.c file, its options declared in its table.
 */
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "harden.h"

int main(int argc, char **argv)
{
	struct cli cli = { .paste_fd = 0 };
	const struct command *cmd;
	char none;
	int rc, nargs;

	harden_process(0); /* first: no core dump, no ptrace (harden.h) */
	/* Undocumented: the option tables, for the tests that hold the
	 * completions and the man page to them. */
	if (argc == 2 && !strcmp(argv[1], "--dump-options"))
		return cli_dump_options();
	cli.profile = getenv("TERMAUTH_PROFILE");
	if (!cli.profile || !*cli.profile)
		cli.profile = "default";
	if ((rc = cli_parse(&cli, &cli_termauth, &none, argc, argv, &nargs)) != CLI_GO_ON)
		return rc;
	argv++; /* the command and its arguments */
	if (!nargs) {
		cli_overview(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[0], "help")) {
		if (nargs < 2)
			return cli_overview(stdout);
		return (cmd = cli_find_command(argv[1])) ? cli_help(cmd) : cli_no_command(argv[1]);
	}
	if (!(cmd = cli_find_command(argv[0])))
		return cli_no_command(argv[0]);
	return cli_run(&cli, cmd, nargs, argv);
}
