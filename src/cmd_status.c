/*
 * cmd_status.c - `termauth status`: who is signed in where, until when,
 * with which scopes, and where the session is kept. Never prints a token.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <jansson.h>
#include "cli.h"

static const char usage[] =
	"Usage: termauth status [OPTIONS]\n\n"
	"Show the profile's session: issuer, subject, expiry, scopes, and where it is\n"
	"kept: the keychain, or the file (with its path).\n"
	"Exit status 3 when not signed in.\n\n"
	"Options:\n"
	"      --json            print the same as a JSON object (expires_at in seconds since\n"
	"                        the epoch, as token --json gives it)\n"
	"  -p, --profile NAME    the profile (default: $TERMAUTH_PROFILE, else \"default\")\n"
	"      --store STORE     where the session is kept: auto, keychain or file\n"
	"                        (default: $TERMAUTH_STORE, else the profile's, else auto)\n"
	"  -v, --verbose         say more on stderr\n"
	"  -h, --help            this help\n";

static void iso_time(long long t, char *buf, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!t || !gmtime_r(&tt, &tm) || !strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, n, "unknown");
}

static int print_json(const char *profile, const struct ta_session *s, const char *store,
                      const char *path)
{
	json_t *o;
	char *text;
	int rc;

	if (!s) {
		o = json_pack("{s:s, s:b}", "profile", profile, "signed_in", 0);
	} else {
		o = json_pack("{s:s, s:b, s:s?, s:s?, s:s?, s:o?, s:s?, s:s, s:s?}", "profile", profile,
		              "signed_in", 1, "issuer", ta_session_issuer(s),
		              "client_id", ta_session_client_id(s), "subject", ta_session_subject(s),
		              "expires_at", ta_session_expires_at(s) ? json_integer(ta_session_expires_at(s)) : NULL,
		              "scopes", ta_session_scope(s), "store", store, "store_path", path);
	}
	if (!o || !(text = json_dumps(o, JSON_PRESERVE_ORDER | JSON_INDENT(2)))) {
		json_decref(o);
		return EXIT_FAIL;
	}
	rc = puts(text) < 0 ? EXIT_FAIL : EXIT_OK;
	free(text);
	json_decref(o);
	return rc;
}

static void print_text(const char *profile, const struct ta_session *s, const char *store,
                       const char *path)
{
	long long exp = ta_session_expires_at(s), left = exp - (long long)time(NULL);
	char when[32];

	iso_time(exp, when, sizeof(when));
	printf("profile:  %s\nissuer:   %s\nsubject:  %s\n", profile,
	       ta_session_issuer(s) ? ta_session_issuer(s) : "-",
	       ta_session_subject(s) ? ta_session_subject(s) : "-");
	if (!exp)
		printf("expires:  unknown\n");
	else if (left > 0)
		printf("expires:  %s (in %lld min)\n", when, (left + 59) / 60);
	else
		printf("expires:  %s (expired %lld min ago)\n", when, -left / 60);
	printf("scopes:   %s\nstore:    %s%s%s\n", ta_session_scope(s) ? ta_session_scope(s) : "-",
	       store, path ? " " : " (Secret Service)", path ? path : "");
}

static int run(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_COMMON_LONG,
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct ta_client *c = NULL;
	struct ta_session *s = NULL;
	struct ta_profile *p = NULL;
	const char *store;
	char *path = NULL;
	int opt, done = -1, json = 0, rc;
	enum ta_result r;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORT, longopts, NULL)) != -1) {
		if (cli_common_option(cli, &cmd_status, opt, optarg, &done)) {
			if (done >= 0)
				return done;
		} else if (opt == 'j') {
			json = 1;
		} else {
			return cli_usage_error(&cmd_status, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error(&cmd_status, "unexpected argument '%s'", argv[optind]);
	/* The profile says where its session is kept. */
	if ((rc = cli_open_profile(cli, cli->profile, &c, &p)) != EXIT_OK)
		goto out;
	r = ta_store_load(c, cli->profile, &s);
	if (r != TA_OK && r != TA_E_NO_SESSION) {
		rc = cli_fail(c, r);
		goto out;
	}
	store = ta_store_used(c);
	if (s && !strcmp(store, "file") && ta_store_path(cli->profile, &path) != TA_OK) {
		rc = EXIT_FAIL;
		goto out;
	}
	if (json)
		rc = print_json(cli->profile, s, store, path);
	else if (s)
		print_text(cli->profile, s, store, path);
	else
		cli_not_signed_in(c, cli->profile, "run 'termauth login'", 0);
	if (!s)
		rc = EXIT_SIGNIN;
	else if (!json)
		rc = EXIT_OK;
out:
	free(path);
	ta_session_free(s);
	ta_profile_free(p);
	ta_client_free(c);
	return rc;
}

const struct command cmd_status = { "status", "show the session of a profile", usage, run };
