/*
 * harden.c - process hardening shared by `termauth` and `termauth-full`:
 * no core dump and no ptrace by the same user (PR_SET_DUMPABLE 0, soft
 * RLIMIT_CORE 0). Non-dumpable also gives the files in /proc/PID to root,
 * which is intended: another process of the same user reads neither
 * termauth's memory nor its environment. It is not a sandbox and
 * restricts nothing else. The library cannot do this for its embedders
 * (it never changes the process it lives in).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include "harden.h"

/* The soft core limit termauth was started with, in decimal. `termauth`
 * sets it before it may exec `termauth-full`, whose own start then sees a
 * soft limit of 0 that is not the person's. */
#define START_CORE_LIMIT "TERMAUTH_START_CORE_LIMIT"

static struct rlimit start_limit;
static int have_start_limit;

/* termauth-full: the limit the `termauth` that exec'd it was started with,
 * when this process's own limit is the zero that `termauth` set (else the
 * variable is stale, and ignored). Never above the hard limit. */
static void inherited_limit(struct rlimit *l)
{
	const char *v = getenv(START_CORE_LIMIT);
	unsigned long long n;
	char *end;

	if (!v || l->rlim_cur != 0 || *v < '0' || *v > '9')
		return;
	errno = 0;
	n = strtoull(v, &end, 10);
	if (errno || *end || n == 0)
		return;
	l->rlim_cur = (rlim_t)n > l->rlim_max ? l->rlim_max : (rlim_t)n;
}

/* Soft limit 0, with a system call only when it is not 0 already. */
static void no_core(struct rlimit l)
{
	if (l.rlim_cur != 0) {
		l.rlim_cur = 0;
		(void)setrlimit(RLIMIT_CORE, &l);
	}
}

void harden_process(int hands_over)
{
	struct rlimit now;
	char text[24];
	int n;

	(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	if (getrlimit(RLIMIT_CORE, &now))
		return;
	start_limit = now;
	have_start_limit = 1;
	if (!hands_over)
		inherited_limit(&start_limit);
	/* With a limit of 0 (the usual default) there is nothing to pass on,
	 * and a stale variable must not reach termauth-full. */
	if (!hands_over || now.rlim_cur == 0) {
		(void)unsetenv(START_CORE_LIMIT);
	} else {
		n = snprintf(text, sizeof(text), "%llu", (unsigned long long)now.rlim_cur);
		if (n > 0 && (size_t)n < sizeof(text))
			(void)setenv(START_CORE_LIMIT, text, 1);
	}
	no_core(now);
}

void harden_no_core(void)
{
	struct rlimit l;

	if (getrlimit(RLIMIT_CORE, &l) == 0)
		no_core(l);
}

int harden_child_core_limit(void)
{
	struct rlimit l;

	if (!have_start_limit)
		return 0;
	if (getrlimit(RLIMIT_CORE, &l))
		return -1;
	l.rlim_cur = start_limit.rlim_cur > l.rlim_max ? l.rlim_max : start_limit.rlim_cur;
	return setrlimit(RLIMIT_CORE, &l);
}
