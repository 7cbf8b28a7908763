/*
 * setup_common.c - see setup_common.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>
#include "base/match.h"
#include "setup_common.h"

#ifndef TA_BIN_FROM_LIBEXEC
#define TA_BIN_FROM_LIBEXEC "../../bin"
#endif

int setup_termauth_path(char *out, size_t size)
{
	static const char *const places[] = { "", "/" TA_BIN_FROM_LIBEXEC };
	char self[PATH_MAX], candidate[PATH_MAX + 64];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;
	size_t i;

	if (n <= 0)
		return -1;
	self[n] = '\0';
	if (!(slash = strrchr(self, '/')))
		return -1;
	*slash = '\0';
	for (i = 0; i < sizeof(places) / sizeof(places[0]); i++) {
		snprintf(candidate, sizeof(candidate), "%s%s/termauth", self, places[i]);
		if (access(candidate, X_OK) == 0 && realpath(candidate, out) && strlen(out) < size)
			return 0;
	}
	return -1;
}

/* git does not wait for a config file another git is changing: it fails
 * ("could not lock config file"), so ten setup-git at once for ten hosts
 * would not all get through; docker and podman do not lock theirs at all. */
int setup_take_turn(void)
{
	char *path = NULL, *lock = NULL;
	int fd = -1;
	size_t n;

	if (ta_config_path(&path) != TA_OK)
		return -1;
	n = strlen(path) + sizeof(".lock");
	if ((lock = malloc(n))) {
		snprintf(lock, n, "%s.lock", path);
		fd = open(lock, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);
	}
	/* Each holder only rewrites a file or runs git config thrice: wait. */
	while (fd >= 0 && flock(fd, LOCK_EX))
		if (errno != EINTR) {
			close(fd);
			fd = -1;
		}
	free(lock);
	free(path);
	return fd;
}

int setup_add_host(struct cli *cli, const char *key, const char *host)
{
	struct ta_client *c = NULL;
	struct ta_profile *p = NULL;
	const char *hosts;
	char *both = NULL;
	enum ta_result r;
	int rc = EXIT_OK;

	if (cli_client_new(cli, &c) != TA_OK)
		return EXIT_FAIL;
	if ((r = ta_profile_load(c, cli->profile, &p)) != TA_OK) {
		rc = cli_fail(c, r);
		goto out;
	}
	hosts = ta_profile_get(p, key);
	if (hosts && ta_list_holds(hosts, host))
		goto out;
	if ((hosts && !(both = strdup(hosts))) || cli_append_word(&both, host)) {
		rc = EXIT_FAIL;
		goto out;
	}
	/* Saving adds host to the list as the file has it by then: another
	 * setup may have added its own meanwhile. */
	if ((r = ta_profile_set(p, key, both)) == TA_E_TOO_LARGE) {
		cli_error("the %s of profile '%s' would not fit in a line of the configuration file (198 characters)",
		          key, cli->profile);
		rc = EXIT_FAIL;
	} else if (r != TA_OK || (r = ta_profile_save(c, p)) != TA_OK) {
		rc = cli_fail(c, r);
	}
out:
	free(both);
	ta_profile_free(p);
	ta_client_free(c);
	return rc;
}

void setup_warn_signed_out(struct cli *cli, const char *who){
	struct ta_client *c = NULL;
	struct ta_profile *p = NULL;
	struct ta_session *s = NULL;
	char hint[160], buf[256];

	if (cli_agent_socket())
		return;
	if (cli_open_profile(cli, cli->profile, &c, &p) == EXIT_OK &&
	    ta_store_load(c, cli->profile, &s) == TA_E_NO_SESSION && !ta_keychain_locked(c)) {
		/* A profile made here has no IdP yet: login needs to be told it. */
		snprintf(hint, sizeof(hint), "'termauth login%s'",
		         ta_client_get(c, TA_OPT_ISSUER) || ta_client_get(c, TA_OPT_PROVIDER) ||
		                         ta_client_get(c, TA_OPT_TOKEN_ENDPOINT)
		                 ? ""
		                 : " --issuer URL --client-id ID");
		cli_say("warning: profile '%s' is not signed in yet: run %s before %s asks",
		        cli->profile, cli_for_profile(cli->profile, hint, buf, sizeof(buf)), who);
	}
	ta_session_free(s);
	ta_profile_free(p);
	ta_client_free(c);
}

const char *setup_which_server(const struct command *cmd, const char *given, int argc,
                               char **argv, const char *what, const char *option)
{
	if (argc > 1 || (argc == 1 && given)) {
		cli_usage_error(cmd, "one %s at a time: %s HOST, or HOST", what, option);
		return NULL;
	}
	if (!given && !argc)
		cli_usage_error(cmd, "which %s? give %s HOST", what, option);
	return given ? given : argc ? argv[0] : NULL;
}
