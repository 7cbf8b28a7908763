/*
 * browser.h - opening the person's browser: the configured command, else
 * $BROWSER (a ':'-separated list, as the convention has it), else xdg-open.
 */
#ifndef TA_BROWSER_H
#define TA_BROWSER_H

#include <stddef.h>
#include <sys/types.h>
#include "base/handle.h"

/* Starts the first command that can be started, with url as its last
 * argument, in its own session (so Ctrl-C in the terminal does not reach
 * it) with its input and output on /dev/null. No shell is involved. On
 * TA_OK *pid is the launcher's process; TA_E_ARG when none could start. */
TA_HIDDEN enum ta_result ta_browser_launch(struct ta_client *c, const char *url,
                                           pid_t *pid);

/* 1 when a browser can be used here: no SSH session, and $BROWSER (or the
 * browser option) set, or a display outside a container. why gets the
 * reason either way, for -v. */
TA_HIDDEN int ta_browser_usable(const struct ta_client *c, char *why, size_t n);

/* Polls the launcher without blocking: 0 still running or exited with
 * success, 1 exited with failure (or killed). Reaps it once exited; *pid
 * becomes 0 then. */
TA_HIDDEN int ta_browser_failed(pid_t *pid);

#endif
