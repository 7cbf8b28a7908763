/*
 * options.c - the one command-line parser (see options.h). It reads
 * options as GNU getopt_long did for termauth before: long options
 * ("--name VALUE", "--name=VALUE", a unique abbreviation), short ones
 * ("-p NAME", "-pNAME", "-vv"), arguments among the options unless the
 * command's first argument ends them, and "--" ending them all.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "token_common.h"
#include "suggest.h"

/* -p also says that a profile was named, not taken from the environment
 * (git-credential answers for any profile unless one was named), and
 * keeps each one named (agent and ssh forward them all). */
static int set_profile(const struct command *cmd, void *target, const char *value)
{
	struct cli *cli = target;

	if (cli->nnamed == CLI_NAMED_MAX)
		return cli_usage_error(cmd, "at most %d profiles can be named", CLI_NAMED_MAX);
	cli->profile = value;
	cli->profile_given = 1;
	cli->named[cli->nnamed++] = value;
	return EXIT_OK;
}

const struct opt cli_common_options[] = {
	{ .name = "profile", .letter = 'p', .kind = OPT_CALL, .call = set_profile, .arg = "NAME",
	  .hint = "a profile name",
	  .help = "the profile (default: $TERMAUTH_PROFILE, else \"default\")" },
	{ .name = "store", .kind = OPT_STRING, .offset = offsetof(struct cli, store), .arg = "STORE",
	  .hint = "auto, keychain, kernel or file",
	  .help = "where the session is kept: auto (the keychain when it is unlocked, else the "
	          "kernel keyring, else a file), keychain, kernel or file (default: "
	          "$TERMAUTH_STORE, else the profile's store, else auto)" },
	{ .name = "verbose", .letter = 'v', .kind = OPT_COUNT, .flags = OPT_REPEAT,
	  .offset = offsetof(struct cli, verbose),
	  .help = "say more on stderr; repeat for more (never secrets)" },
	{ .name = "help", .letter = 'h', .kind = OPT_HELP, .help = "print this help" },
	{ 0 },
};

struct parse {
	struct cli *cli;
	const struct command *cmd;
	void *opts;
};

/* The two tables an option is looked up in, and what each fills. */
static const struct opt *table(const struct parse *p, int i, void **target)
{
	*target = i == 0 ? p->opts : (void *)p->cli;
	return i == 0 ? p->cmd->opts : cli_common_options;
}

/* The long option name[0..n): an exact match, else the only one it
 * abbreviates. NULL when none is, or several are (*ambiguous). */
static const struct opt *find_long(const struct parse *p, const char *name, size_t n,
                                   void **target, int *ambiguous)
{
	const struct opt *found = NULL, *o;
	void *t;
	int i, prefixes = 0;

	for (i = 0; i < 2; i++)
		for (o = table(p, i, &t); o->name; o++) {
			if (strncmp(o->name, name, n))
				continue;
			if (!o->name[n]) {
				*target = t;
				return o;
			}
			if (!prefixes++) {
				found = o;
				*target = t;
			}
		}
	*ambiguous = prefixes > 1;
	return prefixes == 1 ? found : NULL;
}

static const struct opt *find_short(const struct parse *p, char letter, void **target)
{
	const struct opt *o;
	int i;

	for (i = 0; i < 2; i++)
		for (o = table(p, i, target); o->name; o++)
			if (o->letter && o->letter == letter)
				return o;
	return NULL;
}

/* An unknown long option: the message, with the closest name if one is. */
static int unknown_long(const struct parse *p, const char *name, size_t n)
{
	char word[64];
	const struct opt *o;
	struct suggest s;
	void *t;
	int i;

	snprintf(word, sizeof(word), "%.*s", (int)n, name);
	suggest_init(&s, word);
	for (i = 0; i < 2; i++)
		for (o = table(p, i, &t); o->name; o++)
			suggest_try(&s, o->name);
	if (suggest_best(&s))
		return cli_usage_error(p->cmd, "unknown option '--%s'; did you mean '--%s'?", word,
		                       suggest_best(&s));
	return cli_usage_error(p->cmd, "unknown or incomplete option '--%s'", word);
}

static int missing_value(const struct parse *p, const struct opt *o, const char *spelled)
{
	return cli_usage_error(p->cmd, "%s needs a value: %s", spelled, o->hint ? o->hint : o->arg);
}

/* Keeps an option's value (value is NULL for one that takes none). */
static int apply(const struct parse *p, const struct opt *o, void *target, const char *value)
{
	char *at = (char *)target + o->offset;
	long long secs;
	int rc;

	switch (o->kind) {
	case OPT_FLAG:
		*(int *)at = 1;
		break;
	case OPT_COUNT:
		(*(int *)at)++;
		break;
	case OPT_STRING:
		*(const char **)at = value;
		break;
	case OPT_WORDS:
		if (cli_append_word((char **)at, value))
			return EXIT_FAIL;
		break;
	case OPT_SECONDS:
		if ((secs = token_parse_seconds(value)) < 0)
			return cli_usage_error(p->cmd, "--%s wants seconds, not '%s'", o->name, value);
		*(long long *)at = secs;
		break;
	case OPT_CALL:
		rc = o->call(p->cmd, target, value);
		return rc == EXIT_OK ? CLI_GO_ON : rc;
	case OPT_HELP:
		return cli_help(p->cmd);
	case OPT_VERSION:
		return printf("termauth %s\n", ta_version()) < 0 ? EXIT_FAIL : EXIT_OK;
	}
	return CLI_GO_ON;
}

/* argv[*i] is "--name" or "--name=value"; a value may be the next word. */
static int long_option(const struct parse *p, int argc, char **argv, int *i)
{
	const char *name = argv[*i] + 2, *eq = strchr(name, '=');
	size_t n = eq ? (size_t)(eq - name) : strlen(name);
	const struct opt *o;
	void *target = NULL; /* set with o; gcc -O0 cannot see it */
	int ambiguous = 0;
	char spelled[64];

	if (!(o = find_long(p, name, n, &target, &ambiguous)))
		return ambiguous ? cli_usage_error(p->cmd, "unknown or incomplete option '--%.*s'",
		                                   (int)n, name)
		                 : unknown_long(p, name, n);
	snprintf(spelled, sizeof(spelled), "--%s", o->name);
	if (!o->arg)
		return eq ? cli_usage_error(p->cmd, "%s takes no value", spelled) : apply(p, o, target, NULL);
	if (eq)
		return apply(p, o, target, eq + 1);
	if (*i + 1 >= argc)
		return missing_value(p, o, spelled);
	return apply(p, o, target, argv[++*i]);
}

/* argv[*i] is "-x", "-xy" or "-xVALUE". */
static int short_options(const struct parse *p, int argc, char **argv, int *i)
{
	const char *a = argv[*i];
	const struct opt *o;
	void *target = NULL;
	char spelled[3] = "-";
	size_t j;
	int rc;

	for (j = 1; a[j]; j++) {
		spelled[1] = a[j];
		if (!(o = find_short(p, a[j], &target)))
			return cli_usage_error(p->cmd, "unknown or incomplete option '%s'", spelled);
		if (!o->arg)
			rc = apply(p, o, target, NULL);
		else if (a[j + 1])
			return apply(p, o, target, a + j + 1);
		else if (*i + 1 >= argc)
			return missing_value(p, o, spelled);
		else
			return apply(p, o, target, argv[++*i]);
		if (rc != CLI_GO_ON)
			return rc;
	}
	return CLI_GO_ON;
}

/* After the command line: arguments the command does not take, and
 * required options not given. */
static int check(const struct parse *p, int nargs, char **argv)
{
	const struct opt *o;

	if (nargs && !(p->cmd->flags & CMD_ARGS))
		return cli_usage_error(p->cmd, "unexpected argument '%s'", argv[1]);
	for (o = p->cmd->opts; o->name; o++) {
		const char *v;

		if (!o->missing)
			continue; /* only a required option's offset is a string's */
		v = *(const char **)((char *)p->opts + o->offset);
		if (!v || !*v)
			return cli_usage_error(p->cmd, "%s", o->missing);
	}
	return CLI_GO_ON;
}

int cli_parse(struct cli *cli, const struct command *cmd, void *opts, int argc, char **argv,
              int *nargs)
{
	struct parse p = { cli, cmd, opts };
	int i, n = 0, rc = CLI_GO_ON, ended = 0;
	char *a;

	for (i = 1; i < argc && rc == CLI_GO_ON; i++) {
		a = argv[i];
		if (ended || a[0] != '-' || !a[1] ||
		    ((cmd->flags & CMD_FOREIGN_ARGS) && a[1] != '-')) {
			argv[1 + n++] = a; /* never ahead of i: safe in place */
			ended = ended || (cmd->flags & (CMD_ARGS_END | CMD_FOREIGN_ARGS));
		} else if (!strcmp(a, "--")) {
			ended = 1;
		} else {
			rc = a[1] == '-' ? long_option(&p, argc, argv, &i) : short_options(&p, argc, argv, &i);
		}
	}
	if (rc != CLI_GO_ON)
		return rc;
	argv[1 + n] = NULL;
	*nargs = n;
	return check(&p, n, argv);
}

void cli_parse_free(const struct command *cmd, void *opts)
{
	const struct opt *o;

	for (o = cmd->opts; o->name; o++)
		if (o->kind == OPT_WORDS)
			free(*(char **)((char *)opts + o->offset));
}
