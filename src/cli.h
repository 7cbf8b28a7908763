/*
 * cli.h - what the commands of the termauth tool share: the command table,
 * options common to all, messages on stderr, exit codes.
 */
#ifndef TA_CLI_H
#define TA_CLI_H

#include <termauth.h>

/* Exit codes, as documented in termauth(1). */
enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,
	EXIT_USAGE = 2,
	EXIT_SIGNIN = 3,
	EXIT_VERIFY = 4,
	EXIT_UNREACHABLE = 5,
	EXIT_CANCELLED = 130
};

struct cli {
	const char *profile; /* -p, TERMAUTH_PROFILE, or "default" */
	const char *store;   /* --store, or NULL */
	int profile_given;   /* -p was given (not only TERMAUTH_PROFILE) */
	int verbose;         /* -v count */
	int no_qr;           /* login --no-qr */
	int paste_fd;        /* where a sign-in reads a pasted URL: stdin, the
	                      * terminal inside helpers, or -1 (none) */
	int progress_line;   /* an updating progress line is on the terminal */
	int progress_said;   /* the minutes last told, where lines cannot update */
};

struct command {
	const char *name;
	const char *summary;
	const char *usage; /* the full --help text */
	int (*run)(struct cli *cli, int argc, char **argv);
};

extern const struct command cmd_login, cmd_token, cmd_status, cmd_logout, cmd_setup_token,
	cmd_exec, cmd_kube_credential, cmd_git_credential, cmd_setup_git, cmd_exchange, cmd_verify;

struct ta_session;
/* login and setup-token: parses login's options, configures a client from
 * the profile and them, and signs in. for_ci (setup-token) adds
 * offline_access to the scopes and keeps neither the session nor the
 * options. Returns an exit code; on EXIT_OK *out is the session. */
int cli_sign_in(struct cli *cli, const struct command *cmd, int argc, char **argv, int for_ci,
                struct ta_session **out);

/* "termauth: message" on stderr; the word "error" in red on a terminal
 * unless NO_COLOR is set. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Usage error: the message, a hint to --help, and EXIT_USAGE. */
int cli_usage_error(const struct command *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The exit code for a library result. */
int cli_exit_code(enum ta_result r);
/* Reports a library failure (the handle's message, else the result's name)
 * and returns its exit code. */
int cli_fail(struct ta_client *c, enum ta_result r);
/* Prints the command's help on stdout; returns EXIT_OK. */
int cli_help(const struct command *cmd);
/* Handles the options every command takes (-p, -v, -h, --store); returns 1 when
 * opt was one of them (and *done set to an exit code for -h), else 0. */
int cli_common_option(struct cli *cli, const struct command *cmd, int opt,
                      const char *arg, int *done);
/* A client handle with the tool's callbacks (messages on stderr). */
enum ta_result cli_client_new(struct cli *cli, struct ta_client **out);
/* --store, else TERMAUTH_STORE, into the client (over the profile's). */
enum ta_result cli_apply_store(struct cli *cli, struct ta_client *c);
/* A client for the profile: cli_client_new, the profile's settings, then
 * cli_apply_store. Returns an exit code (having said what failed); the
 * caller frees *c and *p whatever it returns. */
int cli_open_profile(struct cli *cli, const char *profile, struct ta_client **c,
                     struct ta_profile **p);
/* Says on stderr (as an error, or plainly) that the profile has no
 * session, and next what to do ("run 'termauth login'") - unless the
 * keychain is locked, when unlocking it is what to do. */
void cli_not_signed_in(struct ta_client *c, const char *profile, const char *next, int as_error);
/* Inside helpers (exec, kube-credential, git-credential) standard input
 * is not the person's: a sign-in reads a pasted URL from the terminal,
 * when there is one, else from nowhere. */
void cli_paste_from_tty(struct cli *cli);
/* Ends an updating progress line (the device flow's countdown), if any. */
void cli_progress_end(struct cli *cli);
/* Appends word to a space-separated list (a repeated --scope); *list may
 * be NULL. Returns 0, or -1 out of memory. */
int cli_append_word(char **list, const char *word);
/* Parses a non-negative number of seconds; -1 when it is not one. */
long long cli_parse_seconds(const char *s);

/* getopt_long's short and long options shared by every command. */
#define CLI_COMMON_SHORT "p:vh"
#define CLI_OPT_STORE 0x100 /* --store has no short form */
#define CLI_COMMON_LONG \
	{ "profile", required_argument, NULL, 'p' }, \
	{ "store", required_argument, NULL, CLI_OPT_STORE }, \
	{ "verbose", no_argument, NULL, 'v' }, \
	{ "help", no_argument, NULL, 'h' }

#endif
