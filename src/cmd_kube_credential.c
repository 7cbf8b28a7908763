/*
 * cmd_kube_credential.c - `termauth kube-credential`: kubectl's exec
 * credential plugin. Prints an ExecCredential with a fresh access token and
 * its expiry, so that kubectl keeps it until then; messages go to stderr
 * (kubectl shows them), and a sign-in, when needed, reads a pasted URL from
 * the terminal, since stdin is kubectl's.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <jansson.h>
#include "fresh_token.h"
#include "token_common.h"

static const char usage[] =
	"Usage: termauth kube-credential [OPTIONS]\n\n"
	"Print a Kubernetes ExecCredential (client.authentication.k8s.io/v1, or\n"
	"v1beta1 when kubectl asks for it) with a fresh access token in\n"
	"status.token and its expiry in status.expirationTimestamp. For kubectl's\n"
	"exec credential plugins: kubectl runs it and keeps the token until it\n"
	"expires. Signs in first when the profile has no usable session and\n"
	"someone is at a terminal (kubectl's interactiveMode), else exits 3.\n\n"
	"Options:\n"
	"      --min-ttl SECS    the token must stay valid this long (default: 60)\n"
	"  -p, --profile NAME    the profile (default: $TERMAUTH_PROFILE, else \"default\")\n"
	"      --store STORE     where the session is kept: auto, keychain or file\n"
	"                        (default: $TERMAUTH_STORE, else the profile's, else auto)\n"
	"  -v, --verbose         say more on stderr\n"
	"  -h, --help            this help\n\n"
	"Example, the user of a kubeconfig:\n"
	"  users:\n"
	"  - name: me\n"
	"    user:\n"
	"      exec:\n"
	"        apiVersion: client.authentication.k8s.io/v1\n"
	"        command: termauth\n"
	"        args: [\"-p\", \"work\", \"kube-credential\"]\n"
	"        interactiveMode: IfAvailable\n";

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

static int run(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_COMMON_LONG,
		{ "min-ttl", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	long long min_ttl = TOKEN_DEFAULT_MIN_TTL;
	struct fresh_token t;
	const char *version;
	int opt, done = -1, rc, interactive;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORT, longopts, NULL)) != -1) {
		if (cli_common_option(cli, &cmd_kube_credential, opt, optarg, &done)) {
			if (done >= 0)
				return done;
		} else if (opt == 'm') {
			if ((min_ttl = cli_parse_seconds(optarg)) < 0)
				return cli_usage_error(&cmd_kube_credential, "--min-ttl wants seconds, not '%s'",
				                       optarg);
		} else {
			return cli_usage_error(&cmd_kube_credential, "unknown or incomplete option '%s'",
			                       argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error(&cmd_kube_credential, "unexpected argument '%s'", argv[optind]);
	/* stdin is kubectl's; a sign-in only with someone at a terminal. */
	cli_paste_from_tty(cli);
	interactive = cli->paste_fd >= 0;
	version = exec_info(&interactive);
	if ((rc = fresh_token_get(cli, min_ttl, interactive, &t)) == EXIT_OK)
		rc = print_credential(&t, version);
	fresh_token_clear(&t);
	return rc;
}

const struct command cmd_kube_credential = { "kube-credential",
	                                     "print a token for kubectl (exec credential plugin)",
	                                     usage, run };
