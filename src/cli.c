/*
 * cli.c - see cli.h.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include "cli.h"
#include "device_screen.h"
#include "suggest.h"
#include "term.h"

/* Where errors go when not to stderr (cli_errors_to). */
static FILE *errors_to;

void cli_errors_to(FILE *to)
{
	errors_to = to;
}

__attribute__((format(printf, 2, 0))) static void say(const char *tag, const char *fmt,
                                                       va_list ap)
{
	FILE *to = tag && errors_to ? errors_to : stderr;

	fputs("termauth: ", to);
	if (tag && to == stderr && term_colour())
		fprintf(to, "\033[1;31m%s:\033[0m ", tag);
	else if (tag)
		fprintf(to, "%s: ", tag);
	vfprintf(to, fmt, ap);
	fputc('\n', to);
	fflush(to);
}

void cli_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say("error", fmt, ap);
	va_end(ap);
}

void cli_say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say(NULL, fmt, ap);
	va_end(ap);
}

int cli_usage_error(const struct command *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say("error", fmt, ap);
	va_end(ap);
	fprintf(stderr, "Run 'termauth %s%s--help' for usage.\n", cmd && cmd->name ? cmd->name : "",
	        cmd && cmd->name ? " " : "");
	return EXIT_USAGE;
}

/* The tool's run, for the library's messages: they say 'termauth login'
 * without the profile, which the tool knows (git-credential changes it
 * when it has found the profile that lists the host). */
static const struct cli *running;

const char *cli_for_profile(const char *profile, const char *text, char *buf, size_t size)
{
	static const char cmd[] = "'termauth login";
	const char *from = text, *at;
	size_t len = 0, n;

	if (!profile || !strcmp(profile, "default") || !strstr(text, cmd))
		return text;
	while ((at = strstr(from, cmd))) {
		n = (size_t)(at - from) + sizeof("'termauth ") - 1;
		if (len + n + strlen(profile) + 5 >= size)
			return text; /* too long to rewrite: as the library said it */
		memcpy(buf + len, from, n);
		len += n;
		len += (size_t)snprintf(buf + len, size - len, "-p %s ", profile);
		from = at + sizeof("'termauth ") - 1;
	}
	if (len + strlen(from) >= size)
		return text;
	memcpy(buf + len, from, strlen(from) + 1);
	return buf;
}

static void end_interrupted_line(void);

int cli_fail(struct ta_client *c, enum ta_result r)
{
	const char *m = ta_client_message(c);
	char buf[1024];

	/* The person asked for it: not an error. */
	if (r == TA_E_CANCELLED) {
		end_interrupted_line();
		cli_say("sign-in cancelled");
		return cli_exit_code(r);
	}
	cli_error("%s", m && *m ? cli_for_profile(running ? running->profile : NULL, m, buf,
	                                          sizeof(buf))
	                        : ta_result_str(r));
	return cli_exit_code(r);
}

void cli_clock(long long t, char *buf, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!localtime_r(&tt, &tm) || !strftime(buf, size, "%H:%M", &tm))
		snprintf(buf, size, "?");
}

int cli_append_word(char **list, const char *word)
{
	size_t a = *list ? strlen(*list) : 0, b = strlen(word);
	char *p = realloc(*list, a + b + 2);

	if (!p)
		return -1;
	if (a)
		p[a++] = ' ';
	memcpy(p + a, word, b + 1);
	*list = p;
	return 0;
}

/* Callbacks: everything for the person goes to stderr. */

static volatile sig_atomic_t interrupted; /* the signal, SIGINT or SIGTERM */
static int line_ended; /* a line was ended since the interrupt */

static void on_signal(int sig)
{
	interrupted = sig;
}

/* A Ctrl-C typed on the terminal has been echoed ("^C") where the cursor
 * was: what follows starts on a line of its own. */
static void end_interrupted_line(void)
{
	struct termios t;

	if (interrupted == SIGINT && !line_ended && tcgetattr(2, &t) == 0 && (t.c_lflag & ECHO) &&
	    (t.c_lflag & ECHOCTL))
		fputc('\n', stderr);
	line_ended = 1;
}

static int cb_cancelled(void *data)
{
	(void)data;
	return interrupted;
}

static void cb_notice(void *data, const char *message)
{
	struct cli *cli = data;
	char buf[1024];

	cli_progress_end(cli);
	cli_say("%s", cli_for_profile(cli->profile, message, buf, sizeof(buf)));
}

static void cb_debug(void *data, int level, const char *message)
{
	struct cli *cli = data;

	if (level > cli->verbose)
		return;
	cli_progress_end(cli);
	fprintf(stderr, "termauth: debug: %s\n", message);
}

static void cb_show_url(void *data, const char *url, int launched, int paste_ok)
{
	(void)data;
	if (launched)
		fprintf(stderr, "Opening your browser to sign in. If it does not open, visit:\n\n  %s\n\n", url);
	else
		fprintf(stderr, "Open this URL in a browser to sign in:\n\n  %s\n\n", url);
	if (paste_ok)
		fputs("Waiting for the browser - or paste here the address it ends on, and press Enter.\n",
		      stderr);
	else
		fputs("Waiting for the browser...\n", stderr);
}

static void cb_show_device_code(void *data, const char *user_code, const char *uri,
                                const char *uri_complete, int expires_in)
{
	device_screen_show(data, user_code, uri, uri_complete, expires_in);
}

static void cb_device_progress(void *data, int left)
{
	device_screen_progress(data, left);
}

void cli_progress_end(struct cli *cli)
{
	if (cli->progress_line) {
		fputc('\n', stderr);
		line_ended = interrupted != 0;
	}
	cli->progress_line = 0;
}

enum ta_result cli_client_new(struct cli *cli, struct ta_client **out)
{
	struct ta_callbacks cb = TA_CALLBACKS_INIT(
		.data = cli,
		.show_url = cb_show_url,
		.notice = cb_notice,
		.debug = cb_debug,
		.cancelled = cb_cancelled,
		.show_device_code = cb_show_device_code,
		.device_progress = cb_device_progress);
	struct sigaction sa;
	enum ta_result r = ta_client_new(out);

	if (r != TA_OK)
		return r;
	running = cli;
	ta_client_set_callbacks(*out, &cb);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	return TA_OK;
}

enum ta_result cli_apply_store(struct cli *cli, struct ta_client *c)
{
	const char *v = cli->store ? cli->store : getenv("TERMAUTH_STORE");

	return v && *v ? ta_client_set(c, TA_OPT_STORE, v) : TA_OK;
}

static int holds(char *const *names, const char *name)
{
	for (; names && *names; names++)
		if (!strcmp(*names, name))
			return 1;
	return 0;
}

/* Appends ", name" (or name, first) to *list. 0, or -1 out of memory. */
static int add_name(char **list, const char *name)
{
	size_t a = *list ? strlen(*list) : 0, b = strlen(name);
	char *p = realloc(*list, a + b + 3);

	if (!p)
		return -1;
	snprintf(p + a, b + 3, "%s%s", a ? ", " : "", name);
	*list = p;
	return 0;
}

/* The profiles that exist, each once, ", " between (NULL when none),
 * each offered to s. */
static char *join_profiles(char *const *in_config, char *const *in_store, struct suggest *s)
{
	char *list = NULL;
	size_t i;

	for (i = 0; in_config && in_config[i]; i++) {
		if (add_name(&list, in_config[i]))
			goto oom;
		suggest_try(s, in_config[i]);
	}
	for (i = 0; in_store && in_store[i]; i++) {
		if (holds(in_config, in_store[i]))
			continue;
		if (add_name(&list, in_store[i]))
			goto oom;
		suggest_try(s, in_store[i]);
	}
	return list;
oom:
	free(list);
	return NULL;
}

/* Says that the profile does not exist, and which do. */
static void no_profile(const char *profile, const char *list, const char *meant)
{
	if (!list)
		cli_error("no profile '%s', nor any other yet: make it with 'termauth -p %s login --issuer URL --client-id ID'",
		          profile, profile);
	else if (meant)
		cli_error("no profile '%s': did you mean '%s'? (the profiles are %s)", profile, meant,
		          list);
	else
		cli_error("no profile '%s': the profiles are %s (a new one is made by 'termauth -p %s login --issuer URL --client-id ID')",
		          profile, list, profile);
}

/* A name other than "default" that neither the configuration file nor the
 * store knows is a mistake - a typo, or a profile never made - not one to
 * use: EXIT_USAGE, having said which exist. When that cannot be told (a
 * locked keychain, a store that cannot be listed), EXIT_OK: the command
 * says what it finds. */
static int known_profile(struct ta_client *c, const char *profile)
{
	char **in_config = NULL, **in_store = NULL, *list;
	struct suggest s;
	int rc = EXIT_OK;

	/* On a far side, the broker knows profiles this machine does not. */
	if (!strcmp(profile, "default") || cli_agent_socket())
		return EXIT_OK;
	if (ta_profile_list(c, &in_config) == TA_OK && !holds(in_config, profile) &&
	    ta_store_list(c, &in_store) == TA_OK && !holds(in_store, profile) &&
	    !ta_keychain_locked(c)) {
		suggest_init(&s, profile);
		list = join_profiles(in_config, in_store, &s);
		no_profile(profile, list, suggest_best(&s));
		free(list);
		rc = EXIT_USAGE;
	}
	ta_profiles_free(in_config);
	ta_profiles_free(in_store);
	return rc;
}

const char *cli_agent_socket(void)
{
	const char *sock = getenv("TERMAUTH_AGENT_SOCK");

	return sock && *sock ? sock : NULL;
}

int cli_open_profile(struct cli *cli, const char *profile, struct ta_client **c,
                     struct ta_profile **p)
{
	enum ta_result r;

	if (cli_client_new(cli, c) != TA_OK)
		return EXIT_FAIL;
	if ((r = ta_profile_load(*c, profile, p)) != TA_OK || (r = ta_profile_apply(*p, *c)) != TA_OK ||
	    (r = cli_apply_store(cli, *c)) != TA_OK)
		return cli_fail(*c, r);
	return known_profile(*c, profile);
}

int cli_run(struct cli *cli, const struct command *cmd, int argc, char **argv)
{
	void *opts = malloc(cmd->size);
	int rc, nargs;

	if (!opts)
		return EXIT_FAIL;
	memcpy(opts, cmd->defaults, cmd->size);
	rc = cli_parse(cli, cmd, opts, argc, argv, &nargs);
	/* Opened once here for the commands that need it, and closed. */
	if (rc == CLI_GO_ON && (cmd->flags & CMD_PROFILE) &&
	    (rc = cli_open_profile(cli, cli->profile, &cli->c, &cli->prof)) == EXIT_OK)
		rc = CLI_GO_ON;
	if (rc == CLI_GO_ON)
		rc = cmd->run(cli, opts, nargs, argv + 1);
	ta_profile_free(cli->prof);
	ta_client_free(cli->c);
	cli->prof = NULL;
	cli->c = NULL;
	cli_parse_free(cmd, opts);
	free(opts);
	return rc;
}

void cli_not_signed_in(struct ta_client *c, const char *profile, const char *next, int as_error)
{
	void (*tell)(const char *, ...) = as_error ? cli_error : cli_say;
	char buf[512];

	if (ta_keychain_locked(c))
		tell("not signed in (profile '%s') as far as can be seen: the keychain is locked, and a session kept there cannot be read until it is unlocked",
		     profile);
	else if (ta_store_forgotten(c))
		tell("not signed in (profile '%s'): the kernel keyring forgot its session (it does at reboot, or when unused for long): %s",
		     profile, cli_for_profile(profile, next, buf, sizeof(buf)));
	else
		tell("not signed in (profile '%s'): %s", profile,
		     cli_for_profile(profile, next, buf, sizeof(buf)));
}

void cli_paste_from_tty(struct cli *cli)
{
	cli->paste_fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
}
