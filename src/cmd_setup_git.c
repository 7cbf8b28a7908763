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
#include <limits.h>
#include <spawn.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "cli.h"
#include "gitcred.h"
#include "helper_host.h"
#include "setup_common.h"

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
	if (!strcmp(scheme, "http") && !helper_host_is_loopback(host))
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

static int register_helper(const char *url, const char *exe)
{
	char key[600], helper[PATH_MAX + 64];
	char *unset[] = { "git", "config", "--global", "--unset-all", key, NULL };
	char *empty[] = { "git", "config", "--global", "--add", key, "", NULL };
	char *ours[] = { "git", "config", "--global", "--add", key, helper, NULL };
	int rc, turn;

	snprintf(key, sizeof(key), "credential.%s.helper", url);
	snprintf(helper, sizeof(helper), "!'%s' git-credential", exe);
	turn = setup_take_turn();
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

	if (!(given = setup_which_server(&cmd_setup_git, o->host, argc, argv, "git server", "--host")))
		return EXIT_USAGE;
	if (parse_host(given, url, sizeof(url), host, sizeof(host)))
		return cli_usage_error(&cmd_setup_git,
		                       "'%s' is not a host name or an https URL (http only to a loopback address)",
		                       given);
	if (setup_termauth_path(exe, sizeof(exe)) || strchr(exe, '\'')) {
		cli_error("cannot tell where the termauth executable is, to register it");
		return EXIT_FAIL;
	}
	if ((rc = setup_add_host(cli, "git_hosts", host)) != EXIT_OK || (rc = register_helper(url, exe)) != EXIT_OK)
		return rc;
	cli_say("git now asks termauth (profile '%s') for the credentials of %s", cli->profile, url);
	setup_warn_signed_out(cli, "git");
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
