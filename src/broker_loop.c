/*
 * broker_loop.c - see broker_loop.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include "broker_loop.h"

void broker_block_signals(sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, old);
}

void broker_host_name(char *buf, size_t size)
{
	if (gethostname(buf, size) || !buf[0])
		snprintf(buf, size, "the signed-in machine");
	buf[size - 1] = '\0';
}

struct asking {
	struct broker_run *run;
};

#define CONFIRM_WAIT_MS 120000 /* an unanswered question is a no */

static long long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* 1 when SIGINT, SIGTERM or SIGHUP waits (they are blocked: signalfd). */
static int stop_pending(void)
{
	sigset_t p;

	return !sigpending(&p) &&
	       (sigismember(&p, SIGINT) || sigismember(&p, SIGTERM) || sigismember(&p, SIGHUP));
}

/* The person's line on fd: up to CR or LF (the terminal may be raw:
 * ssh's), Ctrl-C's byte, a stop signal, or two minutes, which say no. */
static int read_answer(int fd, char *answer, size_t size)
{
	long long deadline = now_ms() + CONFIRM_WAIT_MS;
	size_t n = 0;
	char ch;

	while (now_ms() < deadline && !stop_pending()) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (poll(&p, 1, 250) <= 0)
			continue;
		if (read(fd, &ch, 1) != 1 || ch == 3)
			return -1;
		if (ch == '\n' || ch == '\r') {
			answer[n] = '\0';
			return 0;
		}
		if (n + 1 < size)
			answer[n++] = ch;
	}
	return -1;
}

/* Asks on this machine's terminal. An ssh child reads the same terminal:
 * it is stopped while the person answers, so that the key reaches us.
 * What the far side may have left on the terminal is undone first: its
 * colours or hidden text are reset, keys typed before the question are
 * dropped, and the answer is echoed in a line of its own; only "y" or
 * "yes" allows. */
static int confirm_on_tty(void *data, const char *profile)
{
	struct asking *a = data;
	struct termios saved, asking;
	char answer[8];
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY), ok, have_termios;

	if (fd < 0 || tcgetpgrp(fd) != getpgrp()) {
		cli_say("refused to forward profile '%s' to %s: %s", profile, a->run->session,
		        fd < 0 ? "no terminal here to confirm it on"
		               : "termauth is not in the foreground of its terminal to ask");
		if (fd >= 0)
			close(fd);
		return 0;
	}
	if (a->run->child)
		kill(a->run->child, SIGSTOP);
	have_termios = !tcgetattr(fd, &saved);
	if (have_termios) {
		asking = saved;
		asking.c_lflag |= ICANON | ECHO;
		asking.c_iflag |= ICRNL;
		tcsetattr(fd, TCSANOW, &asking);
	}
	tcflush(fd, TCIFLUSH);
	dprintf(fd, "\033[0m\r\n\033[Ktermauth: allow %s to use profile '%s'? [y/N] ", a->run->session,
	        profile);
	ok = read_answer(fd, answer, sizeof(answer)) == 0 &&
	     (!strcasecmp(answer, "y") || !strcasecmp(answer, "yes"));
	dprintf(fd, "\r\ntermauth: %s\r\n", ok ? "allowed" : "refused");
	if (have_termios)
		tcsetattr(fd, TCSANOW, &saved);
	if (a->run->child)
		kill(a->run->child, SIGCONT);
	close(fd);
	return ok;
}

/* 1 when the loop is to end: the child is gone, or a signal says so. */
static int on_signal(struct broker_run *r, int sfd)
{
	struct signalfd_siginfo si;
	int status;

	if (read(sfd, &si, sizeof(si)) != sizeof(si))
		return 0;
	if (si.ssi_signo == SIGCHLD) {
		if (r->child && waitpid(r->child, &status, WNOHANG) == r->child) {
			r->child_status = status;
			r->child = 0;
			return 1;
		}
		return 0;
	}
	/* With ssh running, it decides: Ctrl-C is the far side's, and the
	 * others are handed on; the loop ends when ssh does. */
	if (r->child) {
		if (si.ssi_signo != SIGINT)
			kill(r->child, (int)si.ssi_signo);
		return 0;
	}
	return 1;
}

static int loop(struct broker_run *r, struct ta_broker *b, int sfd, struct ta_client *c)
{
	pid_t parent = getppid();

	for (;;) {
		struct pollfd fds[2] = { { .fd = ta_broker_fd(b), .events = POLLIN },
			                 { .fd = sfd, .events = POLLIN } };
		enum ta_result res;

		if (poll(fds, 2, 1000) < 0 && errno != EINTR) {
			cli_error("the broker cannot wait: %s", strerror(errno));
			return EXIT_FAIL;
		}
		if (fds[1].revents & POLLIN && on_signal(r, sfd))
			return EXIT_OK;
		if (getppid() != parent && !r->child)
			return EXIT_OK; /* the parent is gone: so is what we served */
		if (fds[0].revents & POLLIN && (res = ta_broker_serve(b)) != TA_OK)
			return cli_fail(c, res);
	}
}

int broker_serve(struct cli *cli, struct broker_run *r)
{
	struct asking asking = { r };
	struct ta_broker_options o = TA_BROKER_OPTIONS_INIT(.session = r->session,
	                                                    .confirm = r->confirm,
	                                                    .confirm_use = confirm_on_tty,
	                                                    .data = &asking);
	struct ta_client *c = NULL;
	struct ta_broker *b = NULL;
	const char *profiles[CLI_NAMED_MAX + 1] = { 0 };
	char host[256];
	sigset_t set;
	enum ta_result res;
	int sfd = -1, rc;

	broker_host_name(host, sizeof(host));
	o.from = host;
	memcpy(profiles, cli->named, sizeof(cli->named[0]) * (size_t)cli->nnamed);
	o.profiles = profiles;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGCHLD);
	if (cli_client_new(cli, &c) != TA_OK) {
		rc = EXIT_FAIL;
		goto out;
	}
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if ((sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK)) < 0) {
		cli_error("cannot wait for signals: %s", strerror(errno));
		rc = EXIT_FAIL;
		goto out;
	}
	if ((res = cli_apply_store(cli, c)) != TA_OK ||
	    (res = ta_broker_start(c, r->socket, &o, &b)) != TA_OK) {
		rc = res == TA_E_ARG ? cli_usage_error(NULL, "%s", ta_client_message(c)) : cli_fail(c, res);
		goto out;
	}
	if (!r->listening || (rc = r->listening(cli, r)) == EXIT_OK)
		rc = loop(r, b, sfd, c);
out:
	ta_broker_stop(b);
	if (sfd >= 0)
		close(sfd);
	ta_client_free(c);
	return rc;
}
