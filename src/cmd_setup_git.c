/*
 * cmd_setup_git.c - `termauth setup-git --host HOST`: makes git ask termauth
 * for HOST's credentials, as `gh auth setup-git` does: in the person's
 * global git config, an empty helper (which drops the helpers configured
 * before it for that URL) and then termauth's; and HOST in the profile's
 * git_hosts, which is what git-credential answers for. Running it again
 * leaves the same two entries, not more; running several at once, for
 * several hosts, leaves all of them (the profile is saved under the
 * configuration's lock, and the runs of git config take turns on it).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>
#include "base/match.h"
#include "cli.h"
#include "gitcred.h"
#include "self_path.h"

extern char **environ;

static const char about[] =
	"Make git ask termauth for HOST's credentials: registers 'termauth\n"
	"git-credential' as the credential helper for https://HOST in your global\n"
	"git config (~/.gitconfig), in place of the helpers set for that URL before,\n"
	"and adds HOST to the profile's git_hosts. Running it again changes nothing.\n"
	"git then gets a fresh access token as the password (user name: the\n"
	"profile's git_username, default oauth2).\n";

static const char more[] =
	"Example:\n"
	"  termauth -p work login --issuer https://login.example.com --client-id my-cli\n"
	"  termauth -p work setup-git --host git.example.com\n"
	"  termauth -p work setup-git https://git.example.com/team/repo.git\n"
	"  git clone https://git.example.com/team/repo.git\n";

/* Splits --host into the URL git's config is keyed by and the host git
 * will name: a host (host:port), or an URL of the server or of one of its
 * repositories (what people have at hand: the path is dropped, as git's
 * config for the server covers all of them). Returns 0, or -1 when it is
 * neither a host nor an allowed URL. */
static int parse_host(const char *arg, char *url, size_t urlsize, char *host, size_t hostsize)
{
	const char *scheme = "https", *rest = arg, *sep = strstr(arg, "://");
	size_t n;

	if (sep) {
		if (!strncmp(arg, "https://", 8))
			scheme = "https";
		else if (!strncmp(arg, "http://", 7))
			scheme = "http";
		else
			return -1;
		rest = sep + 3;
	}
	n = strcspn(rest, "/?#");
	if (n == 0 || n >= hostsize || strspn(rest, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-:[]") < n)
		return -1;
	memcpy(host, rest, n);
	host[n] = '\0';
	if (!strcmp(scheme, "http") && !gitcred_host_is_loopback(host))
		return -1;
	n = (size_t)snprintf(url, urlsize, "%s://%s", scheme, host);
	return n < urlsize ? 0 : -1;
}

/* Runs git with these arguments; its exit status, or -1. */
static int git(char *const argv[])
{
	int status;
	pid_t pid;

	if (posix_spawnp(&pid, "git", NULL, NULL, argv, environ) != 0)
		return -1;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* git does not wait for a config file another git is changing: it fails
 * ("could not lock config file"), so ten setup-git at once for ten hosts
 * would not all get through. termauth's runs of git config take turns on
 * the lock termauth's configuration file is changed under (FILE.lock,
 * which add_host has released by then). -1 when it cannot be had: git is
 * run anyway, as before, since the lock only orders termauth's own. */
static int take_turn(void)
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
	/* Each holder only runs git config three times: wait for it. */
	while (fd >= 0 && flock(fd, LOCK_EX))
		if (errno != EINTR) {
			close(fd);
			fd = -1;
		}
	free(lock);
	free(path);
	return fd;
}

static int register_helper(const char *url, const char *exe)
{
	char key[600], helper[PATH_MAX + 64];
	char *unset[] = { "git", "config", "--global", "--unset-all", key, NULL };
	char *empty[] = { "git", "config", "--global", "--add", key, "", NULL };
	char *ours[] = { "git", "config", "--global", "--add", key, helper, NULL };
	int rc, turn;

	snprintf(key, sizeof(key), "credential.%s.helper", url);
	snprintf(helper, sizeof(helper), "!'%s' git-credential", exe);
	turn = take_turn();
	/* 5: there was none to remove. */
	if (((rc = git(unset)) != 0 && rc != 5) || git(empty) != 0 || git(ours) != 0) {
		cli_error("git config failed for %s: is git installed, and ~/.gitconfig writable?", key);
		rc = EXIT_FAIL;
	} else {
		rc = EXIT_OK;
	}
	if (turn >= 0)
		close(turn); /* releases the flock */
	return rc;
}

/* Adds host to the profile's git_hosts, unless it is there. */
static int add_host(struct cli *cli, const char *host)
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
	hosts = ta_profile_get(p, "git_hosts");
	if (hosts && ta_list_holds(hosts, host))
		goto out;
	if ((hosts && !(both = strdup(hosts))) || cli_append_word(&both, host)) {
		rc = EXIT_FAIL;
		goto out;
	}
	/* Saving adds host to the list as the file has it by then: another
	 * setup-git may have added its own meanwhile. */
	if ((r = ta_profile_set(p, "git_hosts", both)) == TA_E_TOO_LARGE) {
		cli_error("the git_hosts of profile '%s' would not fit in a line of the configuration file (198 characters)",
		          cli->profile);
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

/* git asks only once the profile has a session to answer with: says so
 * when it has none yet (or it cannot be told: a locked keychain, an
 * unreadable store - then nothing), and how to sign in. On a far side the
 * broker answers: nothing to say. */
static void warn_signed_out(struct cli *cli)
{
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
		cli_say("warning: profile '%s' is not signed in yet: run %s before git asks",
		        cli->profile, cli_for_profile(cli->profile, hint, buf, sizeof(buf)));
	}
	ta_session_free(s);
	ta_profile_free(p);
	ta_client_free(c);
}

/* The git server: --host, else the argument. NULL (having said why) when
 * there is none, or more than one. */
static const char *which_host(const char *host, int argc, char **argv)
{
	if (argc > 1 || (argc == 1 && host)) {
		cli_usage_error(&cmd_setup_git, "one git server at a time: --host HOST, or HOST");
		return NULL;
	}
	if (!host && !argc)
		cli_usage_error(&cmd_setup_git, "which git server? give --host HOST");
	return host ? host : argc ? argv[0] : NULL;
}

struct setup_git_options {
	const char *host;
};

static const struct setup_git_options defaults;

static const struct opt options[] = {
	{ .name = "host", .kind = OPT_STRING, .offset = offsetof(struct setup_git_options, host),
	  .arg = "HOST", .hint = "the git server's host name or URL",
	  .help = "the git server: a host name (with :PORT if needed) for https, or an URL "
	          "of it or of a repository on it; http only to a loopback address; or "
	          "give HOST as the argument" },
	{ 0 },
};

static int run(struct cli *cli, void *opts, int argc, char **argv)
{
	const struct setup_git_options *o = opts;
	char url[300], host[256], exe[PATH_MAX];
	const char *given;
	int rc;

	if (!(given = which_host(o->host, argc, argv)))
		return EXIT_USAGE;
	if (parse_host(given, url, sizeof(url), host, sizeof(host)))
		return cli_usage_error(&cmd_setup_git,
		                       "'%s' is not a host name or an https URL (http only to a loopback address)",
		                       given);
	if (termauth_path(exe, sizeof(exe)) || strchr(exe, '\'')) {
		cli_error("cannot tell where the termauth executable is, to register it");
		return EXIT_FAIL;
	}
	if ((rc = add_host(cli, host)) != EXIT_OK || (rc = register_helper(url, exe)) != EXIT_OK)
		return rc;
	cli_say("git now asks termauth (profile '%s') for the credentials of %s", cli->profile, url);
	warn_signed_out(cli);
	return EXIT_OK;
}

const struct command cmd_setup_git = {
	.name = "setup-git",
	.summary = "make git use termauth for a host",
	.synopsis = "[--host] HOST [OPTIONS]",
	.about = about,
	.more = more,
	.opts = options,
	.defaults = &defaults,
	.size = sizeof(defaults),
	.flags = CMD_ARGS,
	.run = run,
};
