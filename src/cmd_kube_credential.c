/*
 * cmd_kube_credential.c - `termauth kube-credential`: kubectl's exec
 * credential plugin. Prints an ExecCredential with a fresh access token -
 * or, with --token id, ID token (for kube-apiserver's --oidc-* flags) - and
 * its expiry, so that kubectl keeps it until then; messages go to stderr
 * (kubectl shows them), and a sign-in, when needed, reads a pasted URL from
 * the terminal, since stdin is kubectl's.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <jansson.h>
#include "fresh_token.h"
#include "token_common.h"

static const char about[] =
	"Print a Kubernetes ExecCredential (client.authentication.k8s.io/v1, or\n"
	"v1beta1 when kubectl asks for it) with a fresh access token in\n"
	"status.token and its expiry in status.expirationTimestamp. For kubectl's\n"
	"exec credential plugins: kubectl runs it and keeps the token until it\n"
	"expires. Signs in first when the profile has no usable session and\n"
	"someone is at a terminal (kubectl's interactiveMode), else exits 3.\n"
	"Clusters that check ID tokens (kube-apiserver's --oidc-issuer-url and\n"
	"--oidc-client-id) want --token id: the ID token, with its exp as the\n"
	"expiry, refreshed for a new one when needed.\n";

static const char more[] =
	"Example, the user of a kubeconfig:\n"
	"  users:\n"
	"  - name: me\n"
	"    user:\n"
	"      exec:\n"
	"        apiVersion: client.authentication.k8s.io/v1\n"
	"        command: termauth\n"
	"        args: [\"-p\", \"work\", \"kube-credential\"]\n"
	"        interactiveMode: IfAvailable\n"
	"For a cluster with --oidc-* flags:\n"
	"        args: [\"-p\", \"work\", \"kube-credential\", \"--token\", \"id\"]\n";

#define API_V1 "client.authentication.k8s.io/v1"
#define API_V1BETA1 "client.authentication.k8s.io/v1beta1"

/* What kubectl says in KUBERNETES_EXEC_INFO: the apiVersion it wants
 * (v1beta1 when it says so, else v1), and whether the person is there to
 * sign in (spec.interactive; without the variable, when a terminal is). */
static const char *exec_info(int *interactive)
{
	const char *info = getenv("KUBERNETES_EXEC_INFO");
	const char *version = API_V1;
	json_t *o, *v;

	if (!info || !*info)
		return version;
	o = json_loads(info, JSON_REJECT_DUPLICATES, NULL);
	v = json_object_get(o, "apiVersion");
	if (json_is_string(v) && !strcmp(json_string_value(v), API_V1BETA1))
		version = API_V1BETA1;
	v = json_object_get(json_object_get(o, "spec"), "interactive");
	if (json_is_boolean(v) && !json_is_true(v))
		*interactive = 0;
	json_decref(o);
	return version;
}

static int print_credential(const struct fresh_token *t, const char *version)
{
	json_t *status = json_pack("{s:s}", "token", t->token);
	time_t exp = (time_t)t->expires_at;
	char when[32];
	struct tm tm;

	if (!status)
		return EXIT_FAIL;
	/* RFC 3339, as Kubernetes writes it. Unknown: kubectl asks each time. */
	if (t->expires_at && gmtime_r(&exp, &tm) && strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm))
		json_object_set_new(status, "expirationTimestamp", json_string(when));
	return json_print_secret(json_pack("{s:s, s:s, s:o}", "apiVersion", version, "kind",
	                                   "ExecCredential", "status", status))
	               ? EXIT_FAIL
	               : EXIT_OK;
}

struct kube_options {
	long long min_ttl;
	int id_token; /* --token id */
};

static const struct kube_options defaults = { .min_ttl = TOKEN_DEFAULT_MIN_TTL };

static int set_token(const struct command *cmd, void *target, const char *value)
{
	int *id_token = &((struct kube_options *)target)->id_token;

	if (!strcmp(value, "access"))
		*id_token = 0;
	else if (!strcmp(value, "id"))
		*id_token = 1;
	else
		return cli_usage_error(cmd, "--token takes 'access' or 'id', not '%s'", value);
	return EXIT_OK;
}

static const struct opt options[] = {
	{ .name = "min-ttl", .kind = OPT_SECONDS, .offset = offsetof(struct kube_options, min_ttl),
	  .arg = "SECS", .hint = "a number of seconds",
	  .help = "the token must stay valid this long (default: 60)" },
	{ .name = "token", .kind = OPT_CALL, .call = set_token, .arg = "access|id",
	  .hint = "access or id",
	  .help = "hand out the access token (default) or the ID token, for clusters "
	          "that check ID tokens (kube-apiserver's --oidc-* flags)" },
	{ 0 },
};

static int run(struct cli *cli, void *opts, int argc, char **argv)
{
	const struct kube_options *o = opts;
	struct fresh_token t;
	const char *version;
	int rc, interactive;

	(void)argc;
	(void)argv;
	/* stdin is kubectl's; a sign-in only with someone at a terminal. */
	cli_paste_from_tty(cli);
	interactive = cli->paste_fd >= 0;
	version = exec_info(&interactive);
	if (o->id_token)
		rc = fresh_id_token_get(cli, o->min_ttl, interactive, &t);
	else
		rc = fresh_token_get(cli, o->min_ttl, interactive, &t);
	if (rc == EXIT_OK)
		rc = print_credential(&t, version);
	fresh_token_clear(&t);
	return rc;
}

const struct command cmd_kube_credential = {
	.name = "kube-credential",
	.summary = "print a token for kubectl (exec credential plugin)",
	.synopsis = "[OPTIONS]",
	.about = about,
	.more = more,
	.opts = options,
	.defaults = &defaults,
	.size = sizeof(defaults),
	.run = run,
};
