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

/* The file's JSON object (a new one when there is no file), or NULL, said. */
static json_t *load(const char *path)
{
	json_error_t e;
	json_t *o = NULL;
	size_t len;
	char *text;
	int rc = file_read_all(path, CONFIG_JSON_MAX, &text, &len);

	if (rc == 1)
		return json_object();
	if (rc < 0) {
		cli_error("cannot read %s: %s", path, strerror(errno));
		return NULL;
	}
	if (!(o = json_loadb(text, len, JSON_REJECT_DUPLICATES, &e)) || !json_is_object(o))
		cli_error("%s is not a JSON object (line %d: %s): mend it or move it aside, then run 'termauth setup-docker' again",
		          path, e.line, o ? "not an object" : e.text);
	/* It may hold other registries' passwords. */
	explicit_bzero(text, len);
	free(text);
	if (o && !json_is_object(o)) {
		json_decref(o);
		o = NULL;
	}
	return o;
}

/* Registers the helper for host in the file, unless it is already. */
static int register_in(const char *path, const char *host)
{
	json_t *o = load(path), *helpers;
	const char *now;
	char *text = NULL;
	int rc = EXIT_FAIL;

	if (!o)
		return EXIT_FAIL;
	helpers = json_object_get(o, "credHelpers");
	if (helpers && !json_is_object(helpers)) {
		cli_error("the credHelpers of %s is not an object: mend it, then run 'termauth setup-docker' again",
		          path);
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
	if (json_object_set_new(helpers, host, json_string("termauth")) ||
	    !(text = json_dumps(o, JSON_INDENT(1) | JSON_PRESERVE_ORDER)))
		goto out;
	if (file_replace(path, text, strlen(text), "\n", 0600))
		cli_error("cannot write %s: %s", path, strerror(errno));
	else
		rc = EXIT_OK;
out:
	if (text) {
		explicit_bzero(text, strlen(text));
		free(text);
	}
	json_decref(o);
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
	char exe[PATH_MAX], *files[2] = { NULL, NULL };
	const char *host;
	int rc = EXIT_FAIL, turn = -1, i;

	if (!(host = which_registry(o->registry, argc, argv, &d)))
		return EXIT_USAGE;
	if (setup_termauth_path(exe, sizeof(exe)))
		cli_error("cannot tell where the termauth executable is, to find %s", HELPER);
	else if (!config_files(files))
		rc = EXIT_OK;
	/* The files first: one that cannot be changed leaves all as it was
	 * (the turn released before the profile takes the same lock). */
	turn = rc == EXIT_OK ? setup_take_turn() : -1;
	for (i = 0; rc == EXIT_OK && i < 2; i++)
		if (files[i])
			rc = register_in(files[i], host);
	if (turn >= 0)
		close(turn);
	if (rc == EXIT_OK)
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
