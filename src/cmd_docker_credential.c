/*
 * cmd_docker_credential.c - `termauth docker-credential get|store|erase|
 * list`, also installed as docker-credential-termauth: the credential
 * helper of docker, podman, skopeo and buildah, set up by `termauth
 * setup-docker`. get answers with a fresh access token as the secret, for
 * a registry that a profile names in its registry_hosts, and only when the
 * token would not cross a network in plaintext; for any other registry it
 * gives the protocol's "not found", so that the client asks its other
 * helpers. erase (docker logout, or a token refused) drops the access
 * token, so that the next get refreshes; store does nothing, as for git.
 * The clients show a helper's standard output, not its standard error,
 * when it fails: errors go there; a sign-in talks on the terminal.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "dockercred.h"
#include "fresh_token.h"
#include "helper_host.h"
#include "token_common.h"

static const char about[] =
	"The credential helper of docker, podman, skopeo and buildah, installed as\n"
	"docker-credential-termauth: they run it once 'termauth setup-docker\n"
	"--registry HOST' has registered it. For a registry that a profile lists in\n"
	"its registry_hosts, get answers the profile's registry_username (default\n"
	"oauth2) and a fresh access token as the secret, signing in first when\n"
	"there is no usable session and a terminal to do it on; only over https,\n"
	"or http to a loopback address. Other registries get \"" DOCKERCRED_NOT_FOUND "\",\n"
	"so the client asks its other helpers. erase drops the access token (the\n"
	"next get refreshes; to sign out, use logout), store does nothing, list\n"
	"prints the registries.\n";

static const char more[] =
	"Example, what setup-docker writes to ~/.docker/config.json:\n"
	"  { \"credHelpers\": { \"registry.example.com\": \"termauth\" } }\n"
	"Try it:  echo registry.example.com | docker-credential-termauth get\n";

/* What the client wrote on stdin, whole (at most max bytes); NULL, said,
 * when it is more or cannot be read. */
static char *read_input(size_t max, size_t *len)
{
	char *buf = helper_read_request(max, len);

	if (buf && *len <= max)
		return buf;
	cli_error("docker-credential: the client's request is larger than %zu bytes, or cannot be read",
	          max);
	if (buf) {
		explicit_bzero(buf, *len);
		free(buf);
	}
	return NULL;
}

static int get(struct cli *cli, const struct dockercred *d, const char *username)
{
	struct fresh_token t;
	int rc;

	if ((rc = fresh_token_for_helper(cli, &t)) != EXIT_OK)
		return rc;
	rc = dockercred_print(d->server_url, username, t.token) ? EXIT_FAIL : EXIT_OK;
	fresh_token_clear(&t);
	return rc;
}

/* Drops the profile's access token, whichever it is: the clients do not
 * say which one was refused. */
static int erase(struct cli *cli)
{
	struct ta_client *c = NULL;
	struct ta_profile *p = NULL;
	struct ta_session *s = NULL;
	enum ta_result r;
	int rc;

	if ((rc = cli_open_profile(cli, cli->profile, &c, &p)) == EXIT_OK &&
	    (r = ta_store_load(c, cli->profile, &s)) == TA_OK &&
	    (r = ta_session_reject(c, cli->profile, ta_session_access_token(s))) != TA_OK)
		rc = cli_fail(c, r);
	ta_session_free(s);
	ta_profile_free(p);
	ta_client_free(c);
	return rc;
}

/* get or erase, for the profile that lists the registry; "not found" (and
 * exit 1, as the protocol has it) when none does. */
static int answer(struct cli *cli, const char *op, const struct dockercred *d)
{
	struct ta_client *c = NULL;
	char *profile = NULL, *username = NULL, where[PATH_MAX];
	int rc = EXIT_FAIL, found = 0;

	if (cli_client_new(cli, &c) != TA_OK)
		return EXIT_FAIL;
	if (!dockercred_secure(d)) {
		if (cli->verbose)
			cli_say("debug: %s is plain http to another machine: no token given", d->host);
	} else if ((found = helper_host_profile(c, "registry_hosts", "registry_username", d->host,
	                                        cli->profile_given ? cli->profile : NULL, &profile,
	                                        &username)) < 0) {
		rc = cli_fail(c, TA_E_CONFIG);
	} else if (!found && cli->verbose) {
		cli_say("debug: no profile lists %s in its registry_hosts", d->host);
	}
	if (found > 0 && !strcmp(op, "get") && dockercred_insecure(d, where, sizeof(where))) {
		cli_error(DOCKERCRED_INSECURE_FMT, where, d->host, profile);
	} else if (found > 0) {
		cli->profile = profile; /* for the rest of the run */
		rc = !strcmp(op, "get") ? get(cli, d, username) : erase(cli);
	} else if (found == 0 && !strcmp(op, "get")) {
		puts(DOCKERCRED_NOT_FOUND);
	} else if (found == 0) {
		rc = EXIT_OK; /* nothing of termauth's to erase */
	}
	ta_client_free(c);
	free(profile);
	free(username);
	return rc;
}

/* Adds each host of the profile's registry_hosts to o, with its user. */
static int list_profile(struct ta_client *c, const char *name, json_t *o)
{
	struct ta_profile *p = NULL;
	const char *hosts, *user;
	enum ta_result r;
	size_t n;

	if ((r = ta_profile_load(c, name, &p)) != TA_OK)
		return cli_fail(c, r);
	hosts = ta_profile_get(p, "registry_hosts");
	user = ta_profile_get(p, "registry_username");
	for (; hosts && *hosts; hosts += n) {
		struct dockercred d;

		hosts += strspn(hosts, " \t");
		n = strcspn(hosts, " \t");
		/* As get would match it: a registry's name, in lower case. */
		if (n && dockercred_parse(hosts, n, &d) == TA_OK) {
			if (strlen(d.host) == n && !json_object_get(o, d.host))
				json_object_set_new(o, d.host, json_string(user && *user ? user : "oauth2"));
			dockercred_clear(&d);
		}
	}
	ta_profile_free(p);
	return EXIT_OK;
}

static int list(struct cli *cli)
{
	struct ta_client *c = NULL;
	char **names = NULL;
	json_t *o = json_object();
	enum ta_result r;
	int rc = EXIT_OK;
	size_t i;

	if (!o || cli_client_new(cli, &c) != TA_OK)
		rc = EXIT_FAIL;
	else if ((r = ta_profile_list(c, &names)) != TA_OK)
		rc = cli_fail(c, r);
	for (i = 0; rc == EXIT_OK && names && names[i]; i++)
		rc = list_profile(c, names[i], o);
	if (rc == EXIT_OK)
		rc = json_print_secret(o) ? EXIT_FAIL : EXIT_OK;
	else
		json_decref(o);
	ta_profiles_free(names);
	ta_client_free(c);
	return rc;
}

static int run(struct cli *cli, void *opts, int argc, char **argv)
{
	struct dockercred d;
	size_t len;
	char *in;
	int rc;

	(void)opts;
	cli_errors_to(stdout); /* what the clients show */
	if (argc != 1)
		return cli_usage_error(&cmd_docker_credential, "give one operation: get, store, erase or list");
	if (!strcmp(argv[0], "list"))
		return list(cli);
	if (strcmp(argv[0], "get") && strcmp(argv[0], "erase") && strcmp(argv[0], "store"))
		return cli_usage_error(&cmd_docker_credential, "'%s' is not get, store, erase or list",
		                       argv[0]);
	/* store's JSON (with the client's secret) is read and dropped. */
	if (!(in = read_input(strcmp(argv[0], "store") ? DOCKERCRED_MAX : 64 * 1024, &len)))
		return EXIT_FAIL;
	if (!strcmp(argv[0], "store")) {
		rc = EXIT_OK;
	} else if (dockercred_parse(in, len, &d) != TA_OK) {
		cli_error("docker-credential: the client's request is not a registry's server URL");
		rc = EXIT_FAIL;
	} else {
		rc = answer(cli, argv[0], &d);
		dockercred_clear(&d);
	}
	explicit_bzero(in, len);
	free(in);
	return rc;
}

static const struct opt options[] = { { 0 } };
static const struct { char unused; } defaults;

const struct command cmd_docker_credential = {
	.name = "docker-credential",
	.summary = "docker's and podman's credential helper (see setup-docker)",
	.synopsis = "get|store|erase|list",
	.about = about,
	.more = more,
	.opts = options,
	.profile_help = "answer with this profile (it must list the registry in its "
	                "registry_hosts) instead of the first one that does",
	.defaults = &defaults,
	.size = sizeof(defaults),
	.flags = CMD_ARGS,
	.run = run,
};
