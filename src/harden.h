/*
 * harden.h - what both termauth executables do first thing in main(): they
 * make themselves non-dumpable and set their core limit to zero, so that a
 * crash while a token is in memory leaves no core file, and no process of
 * the same user can ptrace them or read their memory through /proc. It is
 * not a sandbox: termauth still reads and writes what its user can.
 */
#ifndef TA_HARDEN_H
#define TA_HARDEN_H

/* Non-dumpable, soft core limit 0 (the hard limit is kept, so that the
 * limit the process started with can be given back). The limit termauth
 * was started with is remembered for harden_child_core_limit. hands_over:
 * this is `termauth`, which may exec `termauth-full`; the limit then goes
 * to it in the environment (termauth-full reads it and removes it, so that
 * no command it runs sees it). Failures are ignored: there is nothing
 * better to do than to go on. */
void harden_process(int hands_over);

/* Just before execve of a person's command (exec): gives that command the
 * core limit termauth was started with (execve itself makes the new
 * program dumpable again). Returns 0, or -1 with errno set. */
int harden_child_core_limit(void);

/* After a failed execve: back to no core file. */
void harden_no_core(void);

#endif
