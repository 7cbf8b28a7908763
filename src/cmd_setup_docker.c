/*
 * cmd_setup_docker.c - `termauth setup-docker --registry HOST`: makes
 * docker, podman, skopeo and buildah ask termauth for HOST's credentials:
 * "HOST": "termauth" in the credHelpers of docker's config.json and of
 * containers' auth.json (the clients then run docker-credential-termauth),
 * and HOST in the profile's registry_hosts, which is what the helper
 * answers for. Each file is rewritten whole or not at all, everything else
 * in it kept (its mode too); running it again changes nothing.
 */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>
#include "cli.h"
#include "dockercred.h"
#include "file_replace.h"
#include "setup_common.h"

#define CONFIG_JSON_MAX (1024 * 1024)
#define HELPER "docker-credential-termauth"

static const char about[] =
	"Make docker, podman, skopeo and buildah ask termauth for a registry's\n"
	"credentials: registers termauth as the registry's credential helper\n"
	"(credHelpers) in docker's ~/.docker/config.json ($DOCKER_CONFIG) and in\n"
	"containers' auth.json ($REGISTRY_AUTH_FILE, else\n"
	"$XDG_RUNTIME_DIR/containers/auth.json), keeping all else in them, and\n"
	"adds HOST to the profile's registry_hosts. Running it again changes\n"
	"nothing. The clients then run docker-credential-termauth, which must be\n"
	"on their PATH, and get a fresh access token as the password.\n";

static const char more[] =
	"Example:\n"
	"  termauth -p work setup-docker --registry registry.example.com\n"
	"  podman pull registry.example.com/team/app:1.0\n";

/* The files to register the helper in; free() each. */
static int config_files(char *files[2])
{
	const char *docker = getenv("DOCKER_CONFIG"), *home = getenv("HOME");
	const char *auth = getenv("REGISTRY_AUTH_FILE"), *run = getenv("XDG_RUNTIME_DIR");
	int n;

	files[0] = files[1] = NULL;
	if (docker && *docker)
		n = asprintf(&files[0], "%s/config.json", docker);
	else if (home && *home == '/')
		n = asprintf(&files[0], "%s/.docker/config.json", home);
	else
		n = -1;
	if (n < 0)
		cli_error("neither DOCKER_CONFIG nor HOME is set: cannot find docker's config.json");
	if (n < 0 || (auth && *auth && asprintf(&files[1], "%s", auth) < 0) ||
	    (!files[1] && run && *run == '/' &&
	     asprintf(&files[1], "%s/containers/auth.json", run) < 0))
		return -1;
	return 0;
}

/* The file's JSON object (a new one when there is no file), or NULL,
 * said. jansson's text of the error is not shown: it quotes the file
 * where parsing stopped, which may be another registry's password. */
static json_t *load(struct other_file *f)
{
	json_error_t e;
	json_t *o;

	if (!f->exists)
		return json_object();
	if (!(o = json_loadb(f->text, f->len, JSON_REJECT_DUPLICATES, &e)) || !json_is_object(o)) {
		if (o)
			cli_error("%s is not a JSON object: mend it or move it aside, then run 'termauth setup-docker' again",
			          f->path);
		else
			cli_error("%s is not JSON (line %d, column %d): mend it or move it aside, then run 'termauth setup-docker' again",
			          f->path, e.line, e.column);
		json_decref(o);
		return NULL;
	}
	return o;
}

/* One file's change: read, and the new text (NULL when the helper is
 * registered there already). */
struct change {
	struct other_file f;
	char *text;
};

/* Reads the file and makes its new text, which registers the helper. */
static int prepare(const char *path, const char *host, struct change *ch)
{
	json_t *o = NULL, *helpers;
	const char *now;
	int rc = EXIT_FAIL;

	ch->text = NULL;
	if (other_file_read(path, CONFIG_JSON_MAX, &ch->f) || !(o = load(&ch->f)))
		goto out;
	helpers = json_object_get(o, "credHelpers");
	if (helpers && !json_is_object(helpers)) {
		cli_error("the credHelpers of %s is not an object: mend it, then run 'termauth setup-docker' again",
		          ch->f.path);
		goto out;
	}
	now = json_string_value(json_object_get(helpers, host));
	if (now && !strcmp(now, "termauth")) {
		rc = EXIT_OK;
		goto out;
	}
	if (!helpers && json_object_set_new(o, "credHelpers", helpers = json_object()))
		goto out;
	/* Indented as docker writes it: a file people read and mend. */
	if (!json_object_set_new(helpers, host, json_string("termauth")) &&
	    (ch->text = json_dumps(o, JSON_INDENT(1) | JSON_PRESERVE_ORDER)))
		rc = EXIT_OK;
out:
	json_decref(o);
	return rc;
}

/* Writes the change, 0600 as docker and podman write these files: they
 * may hold other registries' passwords. */
static int apply(struct change *ch)
{
	if (!ch->text)
		return EXIT_OK;
	if (other_file_replace(&ch->f, ch->text, strlen(ch->text), "\n", 0600, 0600))
		return EXIT_FAIL;
	if (ch->f.exists && (ch->f.mode & 077))
		cli_say("%s was readable by others (mode %04o): it is 0600 now, as docker and podman write it",
		        ch->f.path, (unsigned)ch->f.mode);
	return EXIT_OK;
}

/* Registers the helper for host in each file (NULL: none), all files read
 * and changed in memory before any is written: one that is refused leaves
 * all as they were. */
static int register_in(char *const files[2], const char *host)
{
	struct change ch[2];
	int i, rc = EXIT_OK, turn = setup_take_turn();

	memset(ch, 0, sizeof(ch));
	for (i = 0; rc == EXIT_OK && i < 2; i++)
		if (files[i])
			rc = prepare(files[i], host, &ch[i]);
	for (i = 0; rc == EXIT_OK && i < 2; i++)
		rc = apply(&ch[i]);
	for (i = 0; i < 2; i++) {
		if (ch[i].text) {
			explicit_bzero(ch[i].text, strlen(ch[i].text));
			free(ch[i].text);
		}
		other_file_release(&ch[i].f);
	}
	if (turn >= 0)
		close(turn);
	return rc;
}

/* The clients find the helper by its name on their PATH: says so when the
 * one found there is not the one beside this termauth (or there is none). */
static void check_on_path(const char *exe)
{
	char mine[PATH_MAX + 32], found[PATH_MAX], candidate[PATH_MAX + 32];
	const char *path = getenv("PATH"), *slash = strrchr(exe, '/');
	size_t n;

	snprintf(mine, sizeof(mine), "%.*s/" HELPER, (int)(slash - exe), exe);
	for (; path && *path; path += n + (path[n] == ':')) {
		n = strcspn(path, ":");
		snprintf(candidate, sizeof(candidate), "%.*s/" HELPER, (int)n, n ? path : ".");
		if (access(candidate, X_OK) == 0) {
			char real[PATH_MAX];
			if (realpath(candidate, found) && realpath(mine, real) && !strcmp(found, real))
				return;
			cli_say("warning: the %s on your PATH (%s) is not this termauth's (%s)", HELPER,
			        candidate, mine);
			return;
		}
	}
	cli_say("warning: %s is not on your PATH, where the clients look for it: add %.*s to PATH",
	        HELPER, (int)(slash - exe), exe);
}

/* The registry (-> d): --registry, else the argument; NULL (said) when
 * none, more than one, or one to which a token would go in plaintext. */
static const char *which_registry(const char *given, int argc, char **argv, struct dockercred *d)
{
	if (!(given = setup_which_server(&cmd_setup_docker, given, argc, argv, "registry", "--registry")))
		return NULL;
	if (dockercred_parse(given, strlen(given), d) != TA_OK || !dockercred_secure(d)) {
		dockercred_clear(d);
		cli_usage_error(&cmd_setup_docker,
		                "'%s' is not a registry's host name or https URL (http only to a loopback address)",
		                given);
		return NULL;
	}
	return d->host;
}

struct setup_docker_options {
	const char *registry;
};

static const struct setup_docker_options defaults;

static const struct opt options[] = {
	{ .name = "registry", .kind = OPT_STRING,
	  .offset = offsetof(struct setup_docker_options, registry), .arg = "HOST",
	  .hint = "the registry's host name",
	  .help = "the registry, as you name it in images (host, with :PORT if needed), or "
	          "its https URL; http only to a loopback address; or give HOST as the "
	          "argument" },
	{ 0 },
};

static int run(struct cli *cli, void *opts, int argc, char **argv)
{
	const struct setup_docker_options *o = opts;
	struct dockercred d = { 0 };
	char exe[PATH_MAX], where[PATH_MAX], *files[2] = { NULL, NULL };
	const char *host;
	int rc = EXIT_FAIL;

	if (!(host = which_registry(o->registry, argc, argv, &d)))
		return EXIT_USAGE;
	if (dockercred_insecure(&d, where, sizeof(where)))
		cli_error(DOCKERCRED_INSECURE_FMT, where, host, cli->profile);
	else if (setup_termauth_path(exe, sizeof(exe)))
		cli_error("cannot tell where the termauth executable is, to find %s", HELPER);
	/* The files first (the profile takes the lock they are changed under). */
	else if (!config_files(files) && (rc = register_in(files, host)) == EXIT_OK)
		rc = setup_add_host(cli, "registry_hosts", host);
	if (rc == EXIT_OK) {
		cli_say("docker and podman now ask termauth (profile '%s') for the credentials of %s",
		        cli->profile, host);
		check_on_path(exe);
		setup_warn_signed_out(cli, "a client");
	}
	free(files[0]);
	free(files[1]);
	dockercred_clear(&d);
	return rc;
}

const struct command cmd_setup_docker = {
	.name = "setup-docker",
	.summary = "make docker and podman use termauth for a registry",
	.synopsis = "[--registry] HOST [OPTIONS]",
	.about = about,
	.more = more,
	.opts = options,
	.defaults = &defaults,
	.size = sizeof(defaults),
	.flags = CMD_ARGS,
	.run = run,
};
