/*
 * setup_common.h - what the setup commands share (setup-git,
 * setup-docker): they register termauth as another program's credential
 * helper, so they need the path of the executable to register, the name of
 * the server in the profile's list of hosts, a turn at rewriting the other
 * program's configuration, and a word when the profile cannot answer yet.
 */
#ifndef TA_SETUP_COMMON_H
#define TA_SETUP_COMMON_H

#include <stddef.h>
#include "cli.h"

/* The `termauth` executable people run (resolved, absolute): next to this
 * one in a build tree, else in the bin directory of this installation.
 * 0, or -1 when it cannot be found or does not fit in size. */
int setup_termauth_path(char *out, size_t size);
/* The server a setup command is for: the value of its option (e.g.
 * "--host"), else its one argument. NULL, said as cmd's usage error, when
 * there is none or more than one; what names it ("git server"). */
const char *setup_which_server(const struct command *cmd, const char *given, int argc,
                               char **argv, const char *what, const char *option);
/* Adds host to the profile's list under key (git_hosts, registry_hosts)
 * unless it is there, saving the profile under the configuration's lock.
 * Returns an exit code, having said what failed. */
int setup_add_host(struct cli *cli, const char *key, const char *host);
/* An exclusive flock, so that termauth's own runs rewriting another
 * program's configuration take turns: the lock termauth's configuration
 * file is changed under (FILE.lock, which setup_add_host has released by
 * then). The descriptor (close it to release), or -1 when it cannot be
 * had: the caller goes on, since the lock only orders termauth's own. */
int setup_take_turn(void);
/* Says, when the profile has no session yet (and it can be told: not a
 * locked keychain, not a far side, where the broker answers), how to sign
 * in before who (e.g. "git") asks. */
void setup_warn_signed_out(struct cli *cli, const char *who);

#endif
