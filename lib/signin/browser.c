/*
 * browser.c - see browser.h. posix_spawnp with an argument vector: the URL
 * is never seen by a shell, and carries nothing secret (the PKCE verifier
 * stays in this process). The browser inherits the environment but for
 * the variables that hold tokens: a browser (and every helper it starts)
 * has no use for a CI refresh token.
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "signin/browser.h"
#include "base/result.h"

extern char **environ;

#define MAX_ARGS 16

/* Never passed on to the browser: they hold tokens (see termauth(1)). */
static const char *const secret_vars[] = {
	"TERMAUTH_TOKEN", "TERMAUTH_CREDENTIAL", "TERMAUTH_ACCESS_TOKEN",
};

static int is_secret_var(const char *entry)
{
	for (size_t i = 0; i < sizeof(secret_vars) / sizeof(secret_vars[0]); i++) {
		size_t n = strlen(secret_vars[i]);
		if (!strncmp(entry, secret_vars[i], n) && entry[n] == '=')
			return 1;
	}
	return 0;
}

/* The environment without secret_vars; the strings are environ's own.
 * NULL when out of memory. */
static char **browser_environment(void)
{
	size_t n = 0, kept = 0;
	char **env;

	while (environ[n])
		n++;
	if (!(env = calloc(n + 1, sizeof(*env))))
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (!is_secret_var(environ[i]))
			env[kept++] = environ[i];
	return env;
}

/* Spawns one command: its words (split on spaces, no quoting) then url. */
static int spawn_one(char *command, const char *url, pid_t *pid)
{
	char *argv[MAX_ARGS + 2], *save = NULL, *word;
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	char **env;
	int argc = 0, rc;

	for (word = strtok_r(command, " \t", &save); word && argc < MAX_ARGS;
	     word = strtok_r(NULL, " \t", &save))
		argv[argc++] = word;
	if (argc == 0)
		return ENOENT;
	argv[argc++] = (char *)url;
	argv[argc] = NULL;
	if (!(env = browser_environment()))
		return ENOMEM;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID);
	rc = posix_spawnp(pid, argv[0], &fa, &attr, argv, env);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	free(env);
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

static int env_set(const char *name)
{
	const char *v = getenv(name);

	return v && *v;
}

/* Docker and Podman leave these; systemd-nspawn and others set $container. */
static int in_container(void)
{
	return env_set("container") || access("/.dockerenv", F_OK) == 0 ||
	       access("/run/.containerenv", F_OK) == 0;
}

int ta_browser_usable(const struct ta_client *c, char *why, size_t n)
{
	/* In this order: over SSH the browser would open on the wrong side
	 * even with X forwarding; an explicit BROWSER is the person's word. */
	const struct {
		int applies;
		const char *reason;
		int usable;
	} rules[] = {
		{ env_set("SSH_CONNECTION") || env_set("SSH_TTY"), "an SSH session", 0 },
		{ c->browser || env_set("BROWSER"), "BROWSER is set", 1 },
		{ in_container(), "a container", 0 },
		{ !env_set("DISPLAY") && !env_set("WAYLAND_DISPLAY"), "no DISPLAY or WAYLAND_DISPLAY", 0 },
		{ 1, "a display", 1 },
	};
	size_t i;

	for (i = 0; !rules[i].applies; i++)
		;
	snprintf(why, n, "%s", rules[i].reason);
	return rules[i].usable;
}

int ta_browser_failed(pid_t *pid)
{
	int status;

	if (*pid <= 0 || waitpid(*pid, &status, WNOHANG) != *pid)
		return 0;
	*pid = 0;
	return !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}
