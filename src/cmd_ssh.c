/*
 * cmd_ssh.c - `termauth ssh [--profile P]... [--confirm] [ssh options]
 * DESTINATION [COMMAND]`: the real ssh, with a unix socket forwarded (-R)
 * to a broker here that lives exactly as long as the ssh session, as
 * ssh-agent forwarding does for keys. On the far side TERMAUTH_AGENT_SOCK
 * names the forwarded socket, set by the remote command termauth gives
 * ssh (no AcceptEnv is needed), and termauth there gets its tokens from
 * here; the refresh token stays here.
 *
 * The forwarded socket is made by the far side's sshd, with its
 * StreamLocalBindMask (0177 by default: 0600, its user's only), at a
 * random path in /tmp, which ExitOnForwardFailure makes sure was not
 * taken before. termauth on the far side uses it only when it is so.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "broker_loop.h"

static const char about[] =
	"Run ssh with this machine's sign-in forwarded: on the far side, termauth\n"
	"token, exec, exchange, kube-credential and git-credential get fresh access\n"
	"tokens from here (through a socket ssh forwards), and the refresh token\n"
	"never leaves this machine. The far side needs only the termauth binary.\n"
	"The profiles named with --profile (or -p before 'ssh') are forwarded, and\n"
	"those that say forward = yes; any other is refused. termauth's own options\n"
	"are long ones and come first: the first other word starts ssh's options\n"
	"and DESTINATION. Exit status: ssh's.\n";

static const char more[] =
	"On the far side, TERMAUTH_AGENT_SOCK names the forwarded socket; it is set\n"
	"by the command termauth gives the far side's shell (sh, bash, zsh, fish).\n\n"
	"Examples:\n"
	"  termauth ssh --profile work dev.example.com\n"
	"  termauth ssh --profile work -p 2222 dev.example.com termauth token -p work\n";

struct ssh_options {
	int confirm;
};

static const struct ssh_options defaults;

static const struct opt options[] = {
	{ .name = "confirm", .kind = OPT_FLAG, .offset = offsetof(struct ssh_options, confirm),
	  .help = "ask on this terminal before a profile is used, until allowed" },
	{ 0 },
};

/* ssh's options that take a value (OpenSSH's getopt string). */
static const char ssh_valued[] = "BDEFIJLOPQRSWbceilmopw";

/* What ssh's arguments say, read as ssh reads them: options, the
 * destination, options again, then the remote command. */
struct ssh_words {
	int dest;       /* DESTINATION's index, -1 when there is none */
	int command;    /* the remote command's first word (argc: none) */
	int no_command; /* -N or -W: no remote command at all */
	int tty_said;   /* -t or -T was given */
	char refused;   /* an option termauth ssh cannot work with, or 0 */
};

static void read_ssh_words(int argc, char **argv, struct ssh_words *w)
{
	int i = 0;

	memset(w, 0, sizeof(*w));
	w->dest = -1;
	w->command = argc;
	while (i < argc) {
		const char *a = argv[i];

		if (!strcmp(a, "--")) {
			if (w->dest < 0 && i + 1 < argc)
				w->dest = ++i;
			w->command = i + 1;
			return;
		}
		if (a[0] != '-' || !a[1]) {
			if (w->dest >= 0) {
				w->command = i;
				return;
			}
			w->dest = i++;
			continue;
		}
		for (size_t j = 1; a[j]; j++) {
			if (a[j] == 'N' || a[j] == 'W')
				w->no_command = 1;
			if (a[j] == 't' || a[j] == 'T')
				w->tty_said = 1;
			/* -f: ssh leaves for the background and the broker would
			 * end with it; -s: a subsystem, not a shell; -O: no session. */
			if (a[j] == 'f' || a[j] == 's' || a[j] == 'O')
				w->refused = a[j];
			if (strchr(ssh_valued, a[j])) {
				if (!a[j + 1])
					i++; /* the value is the next word */
				break;
			}
		}
		i++;
	}
}

struct ssh_run {
	int argc;
	char **argv;
	char local[128], remote[64], from[256];
};

/* The far side's socket: a random name in /tmp, which no one can have
 * made beforehand on purpose (and if it exists, ssh fails: see below). */
static int remote_path(char *buf, size_t size)
{
	unsigned char r[12];
	size_t i;
	int n;

	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
		return -1;
	n = snprintf(buf, size, "/tmp/termauth-agent.");
	for (i = 0; i < sizeof(r); i++)
		n += snprintf(buf + n, size - (size_t)n, "%02x", r[i]);
	snprintf(buf + n, size - (size_t)n, ".sock");
	return 0;
}

/* ssh's command line: ours first, then the person's options and
 * DESTINATION, then the far side's command, which sets the variables and
 * runs the person's command, or a login shell. */
static char **ssh_argv(struct ssh_run *s, char *forward, char *setup)
{
	struct ssh_words w;
	char **v = calloc((size_t)s->argc + 10, sizeof(char *));
	int n = 0, i;

	read_ssh_words(s->argc, s->argv, &w);
	if (!v || w.dest < 0) {
		free(v);
		return NULL;
	}
	v[n++] = "ssh";
	v[n++] = "-o";
	v[n++] = "ExitOnForwardFailure=yes";
	v[n++] = "-R";
	v[n++] = forward;
	if (!w.no_command && w.command == s->argc && !w.tty_said && isatty(0))
		v[n++] = "-t"; /* a login shell, as plain ssh would give */
	for (i = 0; i < w.command; i++)
		v[n++] = s->argv[i];
	if (!w.no_command) {
		v[n++] = setup;
		if (w.command == s->argc)
			v[n++] = "\"$SHELL\" -l";
		for (i = w.command; i < s->argc; i++)
			v[n++] = s->argv[i];
	}
	return v;
}

static int start_ssh(struct cli *cli, struct broker_run *r)
{
	struct ssh_run *s = r->data;
	char forward[256], setup[512];
	char **v;
	pid_t pid;

	(void)cli;
	snprintf(forward, sizeof(forward), "%s:%s", s->remote, s->local);
	/* The far side's sshd leaves the socket behind when the session ends:
	 * its shell removes it (a dropped connection may leave one, which
	 * nothing answers, and the next session takes a new name). */
	snprintf(setup, sizeof(setup),
	         "export TERMAUTH_AGENT_SOCK=%s; export TERMAUTH_AGENT_FROM='%s'; "
	         "trap 'rm -f %s' EXIT;",
	         s->remote, s->from, s->remote);
	if (!(v = ssh_argv(s, forward, setup)))
		return cli_usage_error(&cmd_ssh, "no DESTINATION for ssh");
	if ((pid = fork()) < 0) {
		free(v);
		cli_error("cannot start ssh: %s", strerror(errno));
		return EXIT_FAIL;
	}
	if (pid == 0) {
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		execvp("ssh", v);
		fprintf(stderr, "termauth: cannot run ssh: %s\n", strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}
	free(v);
	r->child = pid;
	return EXIT_OK;
}

/* A private directory for the local end, under XDG_RUNTIME_DIR when set. */
static int local_path(char *buf, size_t size)
{
	const char *base = getenv("XDG_RUNTIME_DIR");
	char dir[96];

	snprintf(dir, sizeof(dir), "%s/termauth-ssh.XXXXXX", base && *base == '/' ? base : "/tmp");
	if (!mkdtemp(dir))
		return -1;
	snprintf(buf, size, "%s/agent.sock", dir);
	return 0;
}

/* The name of the local host the far side sees: letters, digits, '.'
 * and '-' only, since it goes into the remote command. */
static void safe_host(char *buf, size_t size)
{
	broker_host_name(buf, size);
	for (char *p = buf; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      *p == '.' || *p == '-'))
			*p = '-';
}

/* ssh's exit status is ours, as if it had been run alone. Its 255 is any
 * of its own failures; the forward's is the one termauth adds, and ssh's
 * words for it do not say what to change. */
static int exit_status_of(int status, const char *dest)
{
	if (WIFEXITED(status) && WEXITSTATUS(status) == 255)
		cli_say("ssh failed; if it said \"remote port forwarding failed\", the sshd of %s must allow "
		        "it: AllowStreamLocalForwarding and AllowTcpForwarding yes (or remote)",
		        dest);
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

static int run(struct cli *cli, void *opts, int argc, char **argv)
{
	struct ssh_options *o = opts;
	struct ssh_run s = { .argc = argc, .argv = argv };
	struct broker_run r = { .confirm = o->confirm, .listening = start_ssh, .data = &s };
	struct ssh_words w;
	char session[300], *slash;
	int rc;

	read_ssh_words(argc, argv, &w);
	if (w.dest < 0)
		return cli_usage_error(&cmd_ssh, "give ssh a DESTINATION");
	if (w.refused)
		return cli_usage_error(&cmd_ssh, "ssh's -%c cannot be used with termauth ssh%s", w.refused,
		                       w.refused == 'f' ? ": the forwarding ends when ssh leaves for the background" : "");
	safe_host(s.from, sizeof(s.from));
	if (remote_path(s.remote, sizeof(s.remote)) || local_path(s.local, sizeof(s.local))) {
		cli_error("cannot make a private directory for the forwarded socket: %s", strerror(errno));
		return EXIT_FAIL;
	}
	/* With no remote command the far side's shells are the person's own
	 * to point at the socket. */
	if (w.no_command)
		cli_say("forwarding to %s: on that machine, TERMAUTH_AGENT_SOCK=%s", argv[w.dest],
		        s.remote);
	snprintf(session, sizeof(session), "ssh %s", argv[w.dest]);
	r.socket = s.local;
	r.session = session;
	broker_block_signals(NULL);
	rc = broker_serve(cli, &r);
	if ((slash = strrchr(s.local, '/'))) {
		*slash = '\0';
		rmdir(s.local);
	}
	return rc != EXIT_OK ? rc : exit_status_of(r.child_status, argv[w.dest]);
}

const struct command cmd_ssh = {
	.name = "ssh",
	.summary = "ssh with this machine's sign-in forwarded",
	.synopsis = "[--profile NAME]... [--confirm] [SSH ARGS] DESTINATION [CMD]",
	.about = about,
	.more = more,
	.opts = options,
	.profile_help = BROKER_PROFILE_HELP,
	.defaults = &defaults,
	.size = sizeof(defaults),
	.flags = CMD_ARGS | CMD_FOREIGN_ARGS,
	.run = run,
};
