/*
 * browser.c - see browser.h. posix_spawnp with an argument vector: the URL
 * is never seen by a shell, and carries nothing secret (the PKCE verifier
 * stays in this process).
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "browser.h"

extern char **environ;

#define MAX_ARGS 16

/* Spawns one command: its words (split on spaces, no quoting) then url. */
static int spawn_one(char *command, const char *url, pid_t *pid)
{
	char *argv[MAX_ARGS + 2], *save = NULL, *word;
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	int argc = 0, rc;

	for (word = strtok_r(command, " \t", &save); word && argc < MAX_ARGS;
	     word = strtok_r(NULL, " \t", &save))
		argv[argc++] = word;
	if (argc == 0)
		return ENOENT;
	argv[argc++] = (char *)url;
	argv[argc] = NULL;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID);
	rc = posix_spawnp(pid, argv[0], &fa, &attr, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	return rc;
}

enum ta_result ta_browser_launch(struct ta_client *c, const char *url, pid_t *pid)
{
	const char *configured = c->browser ? c->browser : getenv("BROWSER");
	char *list = strdup(configured && *configured ? configured : "xdg-open");
	char *save = NULL, *command;
	enum ta_result r = TA_E_ARG;

	if (!list)
		return TA_E_NOMEM;
	for (command = strtok_r(list, ":", &save); command;
	     command = strtok_r(NULL, ":", &save)) {
		int rc = spawn_one(command, url, pid);
		if (rc == 0) {
			ta_debug(c, 1, "browser: started %s", command);
			r = TA_OK;
			break;
		}
		ta_debug(c, 1, "browser: cannot start %s: %s", command, strerror(rc));
	}
	if (r != TA_OK)
		ta_fail(c, r, "no browser could be started (set BROWSER)");
	free(list);
	return r;
}

int ta_browser_failed(pid_t *pid)
{
	int status;

	if (*pid <= 0 || waitpid(*pid, &status, WNOHANG) != *pid)
		return 0;
	*pid = 0;
	return !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}
