/*
 * cli.h - what the commands of the termauth tool share: the commands and
 * their running, messages on stderr, exit codes.
 */
#ifndef TA_CLI_H
#define TA_CLI_H

#include <stdio.h>
#include <termauth.h>
#include "exit_codes.h"
#include "options.h"

#define CLI_NAMED_MAX 16

struct cli {
	const char *profile; /* -p, TERMAUTH_PROFILE, or "default" */
	const char *store;   /* --store, or NULL */
	int profile_given;   /* -p was given (not only TERMAUTH_PROFILE) */
	const char *named[CLI_NAMED_MAX]; /* every -p given, in order (the */
	int nnamed;          /* profiles agent and ssh forward) */
	int verbose;         /* -v count */
	int no_qr;           /* login --no-qr */
	int paste_fd;        /* where a sign-in reads a pasted URL: stdin, the
	                      * terminal inside helpers, or -1 (none) */
	int progress_line;   /* an updating progress line is on the terminal */
	int progress_said;   /* the minutes last told, where lines cannot update */
	char user_code[65];  /* the device flow's code, which the countdown repeats */
	struct ta_client *c; /* for a command that needs the profile (CMD_PROFILE): */
	struct ta_profile *prof; /* its client and settings, opened for it */
};

/* login's options, which setup-token and a sign-in inside another
 * command (token --login) take too. */
struct login_options {
	const char *issuer, *client_id, *port, *flow, *timeout, *provider, *tenant;
	const char *authorization_endpoint, *token_endpoint, *device_endpoint, *dpop;
	char *scopes;    /* --scope, repeated: the values joined */
	char *resources; /* --resource, repeated: the values joined */
	int no_qr;
};
extern const struct opt cli_login_options[];

extern const struct command cli_termauth, cmd_login, cmd_token, cmd_status, cmd_logout,
	cmd_setup_token, cmd_exec, cmd_kube_credential, cmd_git_credential, cmd_setup_git,
	cmd_docker_credential, cmd_setup_docker,
	cmd_exchange, cmd_dpop_proof, cmd_verify, cmd_ssh, cmd_agent;
extern const struct command cmd_aws_credentials, cmd_setup_aws;

struct ta_session;
/* login and setup-token: configures a client from the profile and the
 * options o, and signs in (cmd: whose --help a usage error points to). for_ci (setup-token) adds offline_access to
 * the scopes and keeps neither the session nor the options. Returns an
 * exit code; on EXIT_OK *out is the session. */
int cli_sign_in(struct cli *cli, const struct command *cmd, const struct login_options *o,
                int for_ci, struct ta_session **out);

/* The command of that name, or NULL. */
const struct command *cli_find_command(const char *name);
/* The usage error for a command that is not one, suggesting the one
 * meant when one is close; returns EXIT_USAGE. */
int cli_no_command(const char *name);
/* Runs cmd with its arguments (argv[0] its name): parses its options,
 * opens the profile when it needs one, and cleans up. Returns its exit code. */
int cli_run(struct cli *cli, const struct command *cmd, int argc, char **argv);
/* termauth --help: the commands and the common options; returns EXIT_OK. */
int cli_overview(FILE *to);
/* Prints the command's help on stdout (termauth's overview for
 * cli_termauth); returns EXIT_OK. */
int cli_help(const struct command *cmd);
/* The option tables as lines, for the tests (termauth-full --dump-options). */
int cli_dump_options(void);

/* "termauth: message" on stderr; the word "error" in red on a terminal
 * unless NO_COLOR is set or TERM is dumb. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Errors (not notices) to this stream from now on instead: stdout for
 * docker's credential helper, whose clients show only its stdout. */
void cli_errors_to(FILE *to);
/* Usage error: the message, a hint to --help, and EXIT_USAGE. */
int cli_usage_error(const struct command *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* text, or in buf (size bytes) text with each 'termauth login' naming the
 * profile when it is not "default" ('termauth -p work login'): the
 * library's messages name no profile. */
const char *cli_for_profile(const char *profile, const char *text, char *buf, size_t size);
/* Reports a library failure (the handle's message, else the result's name,
 * its 'termauth login' naming the profile) and returns its exit code. A
 * cancelled sign-in (Ctrl-C, SIGTERM) is no error: "termauth: sign-in
 * cancelled", on a line of its own. */
int cli_fail(struct ta_client *c, enum ta_result r);
/* A client handle with the tool's callbacks (messages on stderr). */
enum ta_result cli_client_new(struct cli *cli, struct ta_client **out);
/* --store, else TERMAUTH_STORE, into the client (over the profile's). */
enum ta_result cli_apply_store(struct cli *cli, struct ta_client *c);
/* A client for the profile: cli_client_new, the profile's settings, then
 * cli_apply_store. A profile other than "default" that neither the
 * configuration file nor the store knows is EXIT_USAGE, the message
 * naming those that exist. Returns an exit code (having said what
 * failed); the caller frees *c and *p whatever it returns. */
int cli_open_profile(struct cli *cli, const char *profile, struct ta_client **c,
                     struct ta_profile **p);
/* TERMAUTH_AGENT_SOCK, when set and not empty: this is a far side of
 * forwarding (termauth ssh, termauth agent), else NULL. */
const char *cli_agent_socket(void);
/* Says on stderr (as an error, or plainly) that the profile has no
 * session, and next what to do ("run 'termauth login'", which names the
 * profile as cli_for_profile does) - unless the keychain is locked, when
 * unlocking it is what to do. */
void cli_not_signed_in(struct ta_client *c, const char *profile, const char *next, int as_error);
/* Inside helpers (exec, kube-credential, git-credential) standard input
 * is not the person's: a sign-in reads a pasted URL from the terminal,
 * when there is one, else from nowhere. */
void cli_paste_from_tty(struct cli *cli);
/* Ends an updating progress line (the device flow's countdown), if any. */
void cli_progress_end(struct cli *cli);
/* The local time of day t (seconds since the epoch) is at, "HH:MM". */
void cli_clock(long long t, char *buf, size_t size);
/* Appends word to a space-separated list (a repeated --scope); *list may
 * be NULL. Returns 0, or -1 out of memory. */
int cli_append_word(char **list, const char *word);

#endif
