/*
 * cmd_status.c - `termauth status`: who is signed in where, until when,
 * with which scopes, and where the session is kept. Never prints a token.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <jansson.h>
#include "cli.h"

static const char about[] =
	"Show the profile's session: issuer, subject, expiry, whether it can be\n"
	"refreshed, scopes, and where it is kept: the keychain, the kernel keyring, or\n"
	"the file (with its path). On a far side (TERMAUTH_AGENT_SOCK), which machine\n"
	"forwards it.\n"
	"Exit status 3 when not signed in.\n";

struct status_options {
	int json;
};

static const struct status_options defaults;

static const struct opt options[] = {
	{ .name = "json", .kind = OPT_FLAG, .offset = offsetof(struct status_options, json),
	  .help = "print the same as a JSON object (expires_at in seconds since the epoch, as "
	          "token --json gives it)" },
	{ 0 },
};

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
		o = json_pack("{s:s, s:b, s:s?, s:s?, s:s?, s:o?, s:b, s:s?, s:s?, s:b, s:s?, s:s, s:s?}",
		              "profile", profile, "signed_in", 1, "issuer", ta_session_issuer(s),
		              "client_id", ta_session_client_id(s), "subject", ta_session_subject(s),
		              "expires_at", ta_session_expires_at(s) ? json_integer(ta_session_expires_at(s)) : NULL,
		              "refreshable", ta_session_refresh_token(s) != NULL,
		              "scopes", ta_session_scope(s), "resource", ta_session_resource(s),
		              "dpop_bound", ta_session_dpop_bound(s),
		              "token_type", ta_session_token_type(s), "store", store, "store_path", path);
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

/* Whether the session outlives its access token: a refresh token, or else
 * when it ends and what to do about it. */
static void print_refresh(const char *profile, const struct ta_session *s, long long exp,
                          long long left)
{
	char at[16], login[128];

	if (ta_session_refresh_token(s)) {
		printf("refresh:  yes (a refresh token)\n");
		return;
	}
	if (!exp) {
		printf("refresh:  no refresh token: the session ends when the access token expires\n");
		return;
	}
	if (left <= 0) {
		printf("refresh:  no refresh token: the session has ended; run %s\n",
		       cli_for_profile(profile, "'termauth login'", login, sizeof(login)));
		return;
	}
	cli_clock(exp, at, sizeof(at));
	printf("refresh:  no refresh token: the session ends when the access token expires, at %s "
	       "(in %lld min); to stay signed in, sign in with the offline_access scope\n",
	       at, (left + 59) / 60);
}

/* The store, as the person reads it: the file's path; what the others are,
 * and what the kernel keyring loses. */
static void print_store(const char *store, const char *path)
{
	if (path)
		printf("store:    %s %s\n", store, path);
	else if (!strcmp(store, "kernel"))
		printf("store:    kernel keyring (persistent, until reboot)\n");
	else
		printf("store:    %s (Secret Service)\n", store);
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
	print_refresh(profile, s, exp, left);
	printf("scopes:   %s\n", ta_session_scope(s) ? ta_session_scope(s) : "-");
	if (ta_session_resource(s))
		printf("resource: %s\n", ta_session_resource(s));
	if (ta_session_dpop_bound(s))
		printf("dpop:     bound to a key kept with the session (%s access tokens)\n",
		       ta_session_token_type(s) ? ta_session_token_type(s) : "untyped");
	else
		printf("dpop:     no (bearer tokens: whoever holds one can use it)\n");
	print_store(store, path);
}

/* 1 when the space-separated list holds word. */
static int lists(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; p && (p = strstr(p, word)); p += n)
		if ((p == list || p[-1] == ' ') && (!p[n] || p[n] == ' '))
			return 1;
	return 0;
}

/* On a far side: the broker, and whether it forwards the profile; then
 * that is the session, whose token the broker is asked for (it may need
 * a sign-in over there), and the exit code is returned. -1: the profile
 * is not forwarded (said), this machine's own session is shown. */
static int print_forwarded(struct cli *cli, const struct status_options *o, const char *sock)
{
	char *from = NULL, *profiles = NULL, at[16];
	struct ta_session *s = NULL;
	enum ta_result r = ta_agent_info(cli->c, sock, &from, &profiles);
	long long exp = 0;
	int rc = -1;
	json_t *j;

	if (r == TA_OK && lists(profiles, cli->profile)) {
		r = ta_agent_fresh(cli->c, sock, cli->profile, 0, &s);
		exp = s ? ta_session_expires_at(s) : 0;
		rc = r == TA_OK ? EXIT_OK : cli_fail(cli->c, r);
		if (r == TA_OK && o->json) {
			j = json_pack("{s:s, s:b, s:o?, s:{s:s, s:s, s:s}}", "profile", cli->profile,
			              "signed_in", 1, "expires_at", exp ? json_integer(exp) : NULL,
			              "forwarded", "from", from, "socket", sock, "profiles",
			              profiles ? profiles : "");
			if (!j || json_dumpf(j, stdout, JSON_PRESERVE_ORDER | JSON_INDENT(2)) || puts("") < 0)
				rc = EXIT_FAIL;
			json_decref(j);
		} else if (r == TA_OK) {
			cli_clock(exp, at, sizeof(at));
			printf("profile:  %s\nsession:  forwarded from %s, through %s (forwarded profiles: %s)\n"
			       "expires:  %s%s\n",
			       cli->profile, from, sock, profiles, exp ? "the access token at " : "unknown",
			       exp ? at : "");
		}
	} else if (!o->json) {
		if (r == TA_OK)
			printf("forwarded: from %s, through %s, for %s: not for profile '%s'\n", from,
			       sock, profiles && *profiles ? profiles : "no profile named", cli->profile);
		else
			printf("forwarded: %s\n", ta_client_message(cli->c));
	}
	ta_session_free(s);
	free(from);
	free(profiles);
	return rc;
}

/* The profile (opened for the command) says where its session is kept. */
static int run(struct cli *cli, void *opts, int argc, char **argv)
{
	const struct status_options *o = opts;
	struct ta_session *s = NULL;
	const char *store;
	char *path = NULL;
	enum ta_result r;
	int rc = EXIT_OK;

	(void)argc;
	(void)argv;
	if (cli_agent_socket() && (rc = print_forwarded(cli, o, cli_agent_socket())) >= 0)
		return rc;
	rc = EXIT_OK;
	r = ta_store_load(cli->c, cli->profile, &s);
	if (r != TA_OK && r != TA_E_NO_SESSION)
		return cli_fail(cli->c, r);
	store = ta_store_used(cli->c);
	if (s && !strcmp(store, "file") && ta_store_path(cli->profile, &path) != TA_OK) {
		ta_session_free(s);
		return EXIT_FAIL;
	}
	if (o->json)
		rc = print_json(cli->profile, s, store, path);
	else if (s)
		print_text(cli->profile, s, store, path);
	else
		cli_not_signed_in(cli->c, cli->profile, "run 'termauth login'", 0);
	if (!s)
		rc = EXIT_SIGNIN;
	else if (!o->json)
		rc = EXIT_OK;
	free(path);
	ta_session_free(s);
	return rc;
}

const struct command cmd_status = {
	.name = "status",
	.summary = "show the session of a profile",
	.synopsis = "[OPTIONS]",
	.about = about,
	.opts = options,
	.defaults = &defaults,
	.size = sizeof(defaults),
	.flags = CMD_PROFILE,
	.run = run,
};
