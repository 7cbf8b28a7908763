/*
 * gitcred.h - git's credential helper protocol (gitcredentials(7), "custom
 * helpers"): what git writes on a helper's standard input. In both
 * executables, so that the small one can answer `git-credential get`.
 */
#ifndef TA_SRC_GITCRED_H
#define TA_SRC_GITCRED_H

#include <stddef.h>
#include <termauth.h>

#define GITCRED_MAX (64 * 1024) /* more is not a credential request */

struct gitcred {
	char *protocol;
	char *host;     /* host, with ":port" when git gave one */
	char *path;
	char *username;
	char *password; /* a secret: wiped when freed */
};

/* Parses "key=value" lines up to an empty line or the end. Keys git may add
 * that termauth does not use (url, wwwauth[], capability[], ...) are
 * skipped; a later value of a key replaces an earlier one, as in git.
 * TA_E_ARG for a line with no '=', an empty key, a NUL byte or a carriage
 * return; TA_E_TOO_LARGE beyond GITCRED_MAX. */
enum ta_result gitcred_parse(const char *buf, size_t len, struct gitcred *out);
void gitcred_clear(struct gitcred *g);
/* 1 when a token may be sent for this request: https, or http to a
 * loopback address (127.0.0.0/8, [::1], localhost) - never in plaintext
 * across a network. */
int gitcred_secure(const struct gitcred *g);
#endif
