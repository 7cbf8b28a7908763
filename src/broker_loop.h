/*
 * broker_loop.h - running a forwarding broker (termauth agent, termauth
 * ssh): the profiles named with -p (and those that say forward = yes), the person's
 * confirmation on this terminal, and the loop that serves until a signal,
 * the parent's end, or the ssh child's.
 */
#ifndef TA_BROKER_LOOP_H
#define TA_BROKER_LOOP_H

#include <sys/types.h>
#include "cli.h"

struct broker_run {
	const char *socket;    /* where to listen */
	const char *session;   /* what it serves, for the log ("ssh far") */
	int confirm;           /* --confirm */
	/* Called once the broker listens: may start the child (ssh) that it
	 * serves, setting child. Returns EXIT_OK or an exit code (said). */
	int (*listening)(struct cli *cli, struct broker_run *r);
	void *data;            /* for listening */
	pid_t child;           /* serve until it exits (0: until a signal) */
	int child_status;      /* its wait status, once it has exited */
};

/* Starts the broker on r->socket, calls r->listening, and serves until
 * SIGINT, SIGTERM or SIGHUP, the parent's death, or r->child's exit. The signals must be
 * blocked by the caller (broker_block_signals) before any child is made.
 * Returns an exit code (said on stderr when it is a failure). */
int broker_serve(struct cli *cli, struct broker_run *r);
/* Blocks SIGINT, SIGTERM, SIGHUP and SIGCHLD, to be read by
 * broker_serve; the previous mask in *old, for a child to restore. */
void broker_block_signals(sigset_t *old);
/* -p's help in the commands that run a broker. */
#define BROKER_PROFILE_HELP \
	"a profile to forward; repeatable (profiles that say forward = yes are forwarded too)"
/* This machine's name, for the far side's messages. */
void broker_host_name(char *buf, size_t size);

#endif
