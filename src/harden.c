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

/* The limit a `termauth` that exec'd this one was started with, when this
 * process's own limit is the zero that `termauth` set (else the variable is
 * stale or someone else's, and ignored). Never above the hard limit. */
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

void harden_process(int hands_over)
{
	struct rlimit l;
	char text[24];
	int n;

	(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	if (getrlimit(RLIMIT_CORE, &l))
		return;
	inherited_limit(&l);
	start_limit = l;
	have_start_limit = 1;
	if (!hands_over)
		(void)unsetenv(START_CORE_LIMIT);
	else if ((n = snprintf(text, sizeof(text), "%llu", (unsigned long long)l.rlim_cur)) > 0 &&
	         (size_t)n < sizeof(text))
		(void)setenv(START_CORE_LIMIT, text, 1);
	harden_no_core();
}

void harden_no_core(void)
{
	struct rlimit l;

	if (getrlimit(RLIMIT_CORE, &l) == 0 && l.rlim_cur != 0) {
		l.rlim_cur = 0;
		(void)setrlimit(RLIMIT_CORE, &l);
	}
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
