/*
 * help.c - --help, made from the command table: the usage line, the
 * command's text, and its options as the table declares them, everything
 * wrapped to 80 columns.
 */
#include <stdio.h>
#include <string.h>
#include "cli.h"

#define WIDTH 80
#define HELP_COLUMN 24 /* where an option's help begins */

/* Prints the words of text[0..len) from column col, breaking lines
 * before WIDTH and going on at column indent; ends the line. */
static void wrap(FILE *to, const char *text, size_t len, size_t col, size_t indent)
{
	const char *end = text + len;
	size_t n;

	while (text < end) {
		while (text < end && *text == ' ')
			text++;
		if (text == end)
			break;
		n = strcspn(text, " ");
		if (text + n > end)
			n = (size_t)(end - text);
		if (col > indent && col + 1 + n > WIDTH) {
			fprintf(to, "\n%*s", (int)indent, "");
			col = indent;
		} else if (col > indent) {
			fputc(' ', to);
			col++;
		}
		fwrite(text, 1, n, to);
		col += n;
		text += n;
	}
	fputc('\n', to);
}

void cli_print_wrapped(FILE *to, const char *text)
{
	size_t n, lead;

	while (*text) {
		n = strcspn(text, "\n");
		lead = strspn(text, " ");
		if (n <= WIDTH || lead >= n) {
			fwrite(text, 1, n, to);
			fputc('\n', to);
		} else {
			fprintf(to, "%*s", (int)lead, "");
			wrap(to, text + lead, n - lead, lead, lead);
		}
		text += n + (text[n] == '\n');
	}
}

/* "  -p, --profile NAME    the profile ...", the help wrapped at its column
 * (without the letter for a command whose short options are another
 * program's: long_only). */
static void print_option(FILE *to, const struct opt *o, const char *help, int long_only)
{
	char left[80], letter = long_only ? '\0' : o->letter;
	int n;

	n = snprintf(left, sizeof(left), "  %c%c%s--%s%s%s", letter ? '-' : ' ', letter ? letter : ' ',
	             letter ? ", " : "  ", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
	if (n > HELP_COLUMN - 2)
		fprintf(to, "%s\n%*s", left, HELP_COLUMN, "");
	else
		fprintf(to, "%-*s", HELP_COLUMN, left);
	wrap(to, help, strlen(help), HELP_COLUMN, HELP_COLUMN);
}

/* The common options, after the command's own; -p's help as cmd says. */
static void print_common(FILE *to, const struct command *cmd)
{
	const struct opt *o;

	for (o = cli_common_options; o->name; o++)
		print_option(to, o, o->letter == 'p' && cmd->profile_help ? cmd->profile_help : o->help,
		             !!(cmd->flags & CMD_FOREIGN_ARGS));
}

void cli_print_options(FILE *to, const struct command *cmd)
{
	const struct opt *o = cmd->opts;

	if (!cmd->name) { /* termauth itself: the common options, then its own */
		fputs("Options for every command:\n", to);
		print_common(to, cmd);
	} else if (cmd->opts_of) {
		fprintf(to, "Options: those of 'termauth %s' (see 'termauth %s --help'), and:\n",
		        cmd->opts_of, cmd->opts_of);
		o = NULL;
	} else if (!o->name || !o->heading) {
		fputs("Options:\n", to);
	}
	for (; o && o->name; o++) {
		if (o->heading)
			fprintf(to, "%s\n", o->heading);
		print_option(to, o, o->help, !!(cmd->flags & CMD_FOREIGN_ARGS));
	}
	if (!cmd->name)
		return;
	/* Where the command's options have headings, so do the common ones. */
	if (cmd->opts->name && cmd->opts->heading && !cmd->opts_of)
		fputs("Options of every command:\n", to);
	print_common(to, cmd);
}

int cli_help(const struct command *cmd)
{
	if (!cmd->name)
		return cli_overview(stdout);
	printf("Usage: termauth %s %s\n\n", cmd->name, cmd->synopsis);
	cli_print_wrapped(stdout, cmd->about);
	putchar('\n');
	cli_print_options(stdout, cmd);
	if (cmd->more) {
		putchar('\n');
		cli_print_wrapped(stdout, cmd->more);
	}
	return fflush(stdout) ? EXIT_FAIL : EXIT_OK;
}
