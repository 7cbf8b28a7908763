/*
 * options.h - the command line, declared once: a table of options per
 * command, one parser that fills the command's own options struct (and
 * struct cli for the options every command takes) from it, and --help,
 * the completions' test and the man page's test reading the same table.
 */
#ifndef TA_OPTIONS_H
#define TA_OPTIONS_H

#include <stddef.h>
#include <stdio.h>

struct cli;
struct command;

enum opt_kind {
	OPT_FLAG,    /* int: set to 1 */
	OPT_COUNT,   /* int: one more each time (-vv) */
	OPT_STRING,  /* const char *: the value, the last one given */
	OPT_WORDS,   /* char *: the values joined with spaces (freed after the run) */
	OPT_SECONDS, /* long long: a number of seconds, checked */
	OPT_CALL,    /* the option's function checks and keeps the value */
	OPT_HELP,    /* prints the help, and the command ends */
	OPT_VERSION, /* prints the version, and termauth ends */
};

#define OPT_REPEAT 1u /* may be given more than once, each counting */

struct opt {
	const char *name;    /* the long option, without "--"; NULL ends a table */
	char letter;         /* the short option, or 0 */
	enum opt_kind kind;
	size_t offset;       /* where the value goes: in the command's options
	                      * struct, or in struct cli for the common ones */
	const char *arg;     /* the value's name in --help ("URL"); NULL: no value */
	const char *hint;    /* what the value is, said when it is missing */
	const char *help;    /* --help's text, wrapped to fit */
	const char *heading; /* a heading --help puts before it, or NULL */
	const char *missing; /* required: the usage error when it is not given */
	unsigned flags;      /* OPT_REPEAT */
	/* OPT_CALL: checks value and keeps it in target; returns EXIT_OK or
	 * an exit code, having said what is wrong. */
	int (*call)(const struct command *cmd, void *target, const char *value);
};

#define CMD_PROFILE 1u /* run gets the profile opened: cli->c and cli->prof */
#define CMD_ARGS 2u    /* takes arguments besides its options */
#define CMD_ARGS_END 4u /* the first argument ends the options (exec's CMD) */
/* The arguments are another program's, options included (ssh's): only
 * long options are the command's and the common ones; the first other
 * word ends them. */
#define CMD_FOREIGN_ARGS 8u

struct command {
	const char *name;     /* NULL for termauth itself, before a command */
	const char *summary;  /* its line in termauth --help */
	const char *synopsis; /* --help's "Usage: termauth NAME ..." line, after NAME */
	const char *about;    /* --help's text before the options */
	const char *more;     /* --help's text after them: notes, examples */
	const struct opt *opts; /* its own options; the common ones come too */
	const char *opts_of;  /* the command whose options these are, if another's */
	const char *profile_help; /* -p's help, when it means more than usual */
	const void *defaults; /* the options struct before the command line */
	size_t size;          /* its size */
	unsigned flags;       /* CMD_* */
	int (*run)(struct cli *cli, void *opts, int argc, char **argv);
};

/* The options every command takes (-p, --store, -v, -h), into struct cli. */
extern const struct opt cli_common_options[];

/* "Keep going": what the parser returns when the command is to run. */
#define CLI_GO_ON (-1)

/* Parses argv[1..argc) against cmd's table and the common options, into
 * opts and cli; the arguments that are not options end up, in order, in
 * argv[1..*nargs] (argv[*nargs + 1] = NULL). Returns CLI_GO_ON, or an exit
 * code: EXIT_OK after --help, EXIT_USAGE after saying what is wrong. */
int cli_parse(struct cli *cli, const struct command *cmd, void *opts, int argc, char **argv,
              int *nargs);
/* Frees what the parser allocated in opts (the OPT_WORDS lists). */
void cli_parse_free(const struct command *cmd, void *opts);

/* Prints cmd's options for --help (the common ones after its own). */
void cli_print_options(FILE *to, const struct command *cmd);
/* Prints text wrapped to 80 columns: each line as it is when it fits,
 * else broken at spaces and continued at its own indentation. */
void cli_print_wrapped(FILE *to, const char *text);

#endif
