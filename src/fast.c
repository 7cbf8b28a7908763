/*
 * fast.c - the `termauth` executable people and programs run. It serves the
 * hot cases itself - `termauth token`, git's `termauth git-credential get`
 * and docker's `docker-credential-termauth get`, when the stored access
 * token is still fresh - using only libc and jansson and inih (static
 * where they are installed), so that git, kubectl, podman and scripts pay
 * no more than a minimal C program. Everything else - other commands,
 * options it does not know, a token to refresh, a missing session, any
 * error - goes unchanged to `termauth-full`, the whole tool, which then
 * says what is wrong (a helper's request, once read, is put back on its
 * standard input).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include "agent/client.h"
#include "base/fileio.h"
#include "exit_codes.h"
#include "dockercred.h"
#include "gitcred.h"
#include "helper_host.h"
#include "harden.h"
#include "store/store.h"
#include "token_common.h"

#ifndef TA_LIBEXEC_FROM_BIN
#define TA_LIBEXEC_FROM_BIN "../libexec/termauth"
#endif

/* The value of "--name VALUE" or "--name=VALUE" at argv[*i], or NULL. */
static const char *option_value(int argc, char **argv, int *i, const char *name)
{
	size_t n = strlen(name);

	if (strncmp(argv[*i], name, n))
		return NULL;
	if (argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (argv[*i][n] == '\0' && *i + 1 < argc)
		return argv[++*i];
	return NULL;
}

/* Recognises exactly the forms of `token` this executable can serve. */
static int parse_fast(int argc, char **argv, struct token_args *a)
{
	int i, seen_token = 0;
	const char *v;

	a->profile = getenv("TERMAUTH_PROFILE");
	if (!a->profile || !*a->profile)
		a->profile = "default";
	a->min_ttl = TOKEN_DEFAULT_MIN_TTL;
	a->format = TOKEN_RAW;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "token") && !seen_token)
			seen_token = 1;
		else if (!strcmp(argv[i], "-p") && i + 1 < argc)
			a->profile = argv[++i];
		else if ((v = option_value(argc, argv, &i, "--profile")))
			a->profile = v;
		else if (seen_token && (v = option_value(argc, argv, &i, "--min-ttl"))) {
			if ((a->min_ttl = token_parse_seconds(v)) < 0)
				return -1;
		} else if (seen_token && a->format == TOKEN_RAW && !strcmp(argv[i], "--json"))
			a->format = TOKEN_JSON;
		else if (seen_token && a->format == TOKEN_RAW && !strcmp(argv[i], "--header"))
			a->format = TOKEN_HEADER;
		else if (seen_token && a->format == TOKEN_RAW && !strcmp(argv[i], "--json-headers"))
			a->format = TOKEN_JSON_HEADERS;
		else
			return -1;
	}
	return seen_token ? 0 : -1;
}

/* 1 when TERMAUTH_STORE names this store (the person chose it); keyring
 * is another name of the keychain. */
static int store_is(const char *name)
{
	const char *v = getenv("TERMAUTH_STORE");

	if (v && !strcmp(v, "keyring"))
		v = "keychain";
	return v && !strcmp(v, name);
}

/* The profile's session when its token has min_ttl left: from the access
 * token cache (a session in the keychain or the kernel keyring, which the
 * fast path never reads; only an entry of the session the store holds,
 * ta_cache_load), else from the file store. NULL when neither
 * can serve, and when a refreshed session waits aside to be moved into the
 * store (store_pending.c): the full tool does that. */
static struct ta_session *fresh_session(const char *profile, long long min_ttl, long long now)
{
	struct ta_session *s = NULL;

	if (ta_pending_exists(profile))
		return NULL;
	if (!store_is("file") && ta_cache_load(profile, &s) == TA_OK &&
	    ta_session_check_fresh(s, now, min_ttl) == TA_OK)
		return s;
	ta_session_free(s);
	s = NULL;
	if (!store_is("keychain") && !store_is("kernel") &&
	    ta_store_file_load(NULL, profile, &s) == TA_OK &&
	    ta_session_check_fresh(s, now, min_ttl) == TA_OK)
		return s;
	ta_session_free(s);
	return NULL;
}

/* 1 when the variable is set and not empty. */
static int env_set(const char *name)
{
	const char *v = getenv(name);

	return v && *v;
}

/* On a far side: the broker's token, or its refusal, said here: asking
 * again would ask the person again. A broker gone or a profile not
 * forwarded goes to the full tool, which falls back to this machine's
 * session or says what is wrong. */
static int serve_forwarded(const struct token_args *a, long long now)
{
	struct ta_wire_request rq = { .op = TA_WIRE_TOKEN, .min_ttl = a->min_ttl };
	struct ta_wire_answer ans;
	int rc = -1;

	if (!ta_profile_name_ok(a->profile))
		return -1;
	memcpy(rq.profile, a->profile, strlen(a->profile) + 1);
	if (ta_agent_ask(NULL, getenv("TERMAUTH_AGENT_SOCK"), &rq, &ans) != TA_OK ||
	    ans.result == TA_E_NOT_FORWARDED) {
		rc = -1;
	} else if (ans.result == TA_OK && token_needs_proof(ans.token_type, a->format)) {
		fprintf(stderr, "termauth: error: " TOKEN_FORWARDED_NO_PROOF "\n", a->profile,
		        a->profile);
		rc = 1;
	} else if (ans.result == TA_OK) {
		rc = token_print_raw(ans.access_token, ans.token_type, ans.expires_at, a->format, now) ? 1 : 0;
	} else {
		fprintf(stderr, "termauth: error: %s\n", ans.message);
		rc = forwarded_exit_code(ans.result);
	}
	ta_wire_answer_clear(&ans);
	return rc;
}

static int serve_cached(int argc, char **argv)
{
	struct token_args a;
	struct ta_session *s;
	long long now = (long long)time(NULL);
	int rc;

	if (parse_fast(argc, argv, &a))
		return -1;
	if (token_from_env()) /* the full tool says what is wrong with one */
		return token_printable(token_from_env())
		               ? (token_print_raw(token_from_env(), "Bearer", 0, a.format, now) ? 1 : 0)
		               : -1;
	/* A CI credential is refreshed by the full tool. */
	if (env_set("TERMAUTH_CREDENTIAL"))
		return -1;
	if (env_set("TERMAUTH_AGENT_SOCK"))
		return serve_forwarded(&a, now);
	if (!(s = fresh_session(a.profile, a.min_ttl, now)))
		return -1;
	/* A DPoP-bound token's headers need a proof: the full tool signs it. */
	if (token_needs_proof(ta_session_token_type(s), a.format)) {
		ta_session_free(s);
		return -1;
	}
	rc = token_print(s, a.format, now) ? 1 : 0;
	ta_session_free(s);
	return rc;
}

/* Puts what was read from stdin back, for the full tool to read again. */
static void restore_stdin(const char *buf, size_t len)
{
	int fd = memfd_create("helper-request", MFD_CLOEXEC);

	if (fd < 0 || write(fd, buf, len) != (ssize_t)len || lseek(fd, 0, SEEK_SET) ||
	    dup2(fd, 0) < 0)
		fprintf(stderr, "termauth: cannot hand the helper's request on: %s\n", strerror(errno));
	if (fd >= 0)
		close(fd);
}

/* git's request, answered when no sign-in, refresh or message is needed. */
static int answer_git(const struct gitcred *g, const char *given, long long now)
{
	char *profile = NULL, *username = NULL;
	struct ta_session *s = NULL;
	int found, rc = -1;

	if (!gitcred_secure(g))
		return 0; /* no token over plain http to another machine */
	if (token_from_env() || env_set("TERMAUTH_CREDENTIAL") || env_set("TERMAUTH_AGENT_SOCK"))
		return -1; /* the full tool's: a credential, a forwarded sign-in */
	if ((found = helper_host_profile(NULL, "git_hosts", "git_username", g->host, given, &profile,
	                                  &username)) <= 0) {
		rc = found; /* 0: no profile answers for this host */
		goto out;
	}
	if (!(s = fresh_session(profile, TOKEN_DEFAULT_MIN_TTL, now)))
		goto out;
	printf("username=%s\npassword=%s\n", username, ta_session_access_token(s));
	if (ta_session_expires_at(s))
		printf("password_expiry_utc=%lld\n", ta_session_expires_at(s));
	rc = fflush(stdout) ? 1 : 0;
out:
	ta_session_free(s);
	free(profile);
	free(username);
	return rc;
}

/* docker's request (a registry's server URL), answered when no sign-in,
 * refresh or message is needed - "not found" included, for a registry no
 * profile lists or one over plain http to another machine. */
static int answer_docker(const struct dockercred *d, const char *given, long long now)
{
	char *profile = NULL, *username = NULL, where[PATH_MAX];
	struct ta_session *s = NULL;
	int found = 0, rc = -1;

	if (token_from_env() || env_set("TERMAUTH_CREDENTIAL") || env_set("TERMAUTH_AGENT_SOCK"))
		return -1; /* the full tool's: a credential, a forwarded sign-in */
	if (dockercred_secure(d) &&
	    (found = helper_host_profile(NULL, "registry_hosts", "registry_username", d->host, given,
	                                 &profile, &username)) < 0)
		goto out;
	if (!found) {
		rc = puts(DOCKERCRED_NOT_FOUND) < 0 || fflush(stdout) ? -1 : 1; /* as the protocol has it */
		goto out;
	}
	/* Refused by the full tool, which says why. */
	if (!dockercred_insecure(d, where, sizeof(where)) &&
	    (s = fresh_session(profile, TOKEN_DEFAULT_MIN_TTL, now)))
		rc = dockercred_print(d->server_url, username, ta_session_access_token(s)) ? 1 : 0;
out:
	ta_session_free(s);
	free(profile);
	free(username);
	return rc;
}

/* `[-p NAME] COMMAND get`, the request on stdin, for git's helper or
 * docker's: answered with the answer function below, else put back for
 * the full tool. */
static int serve_helper(int argc, char **argv, const char *command)
{
	const char *given = NULL, *v;
	int i, words = 0, rc = -1;
	long long now = (long long)time(NULL);
	size_t len = 0, max = strcmp(command, "git-credential") ? DOCKERCRED_MAX : GITCRED_MAX;
	char *buf;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-p") && i + 1 < argc)
			given = argv[++i];
		else if ((v = option_value(argc, argv, &i, "--profile")))
			given = v;
		else if (words == 0 && !strcmp(argv[i], command))
			words++;
		else if (words == 1 && !strcmp(argv[i], "get"))
			words++;
		else
			return -1;
	}
	if (words != 2 || !(buf = helper_read_request(max, &len)))
		return -1;
	if (!strcmp(command, "git-credential")) {
		struct gitcred g;
		if (gitcred_parse(buf, len, &g) == TA_OK) {
			rc = answer_git(&g, given, now);
			gitcred_clear(&g);
		}
	} else {
		struct dockercred d;
		if (dockercred_parse(buf, len, &d) == TA_OK) {
			rc = answer_docker(&d, given, now);
			dockercred_clear(&d);
		}
	}
	if (rc < 0)
		restore_stdin(buf, len);
	explicit_bzero(buf, len);
	free(buf);
	return rc;
}

/* Runs termauth-full: next to this executable (a build tree), else in the
 * libexec directory of the installation this executable belongs to. */
static int hand_over(char **argv)
{
	static const char *const places[] = { "", "/" TA_LIBEXEC_FROM_BIN };
	char self[PATH_MAX], full[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;
	size_t i;

	if (n <= 0 || !(slash = memrchr(self, '/', (size_t)n))) {
		fprintf(stderr, "termauth: cannot find where termauth is installed\n");
		return 1;
	}
	*slash = '\0';
	for (i = 0; i < sizeof(places) / sizeof(places[0]); i++) {
		int len = snprintf(full, sizeof(full), "%s%s/termauth-full", self, places[i]);
		if (len > 0 && (size_t)len < sizeof(full) && access(full, X_OK) == 0) {
			execv(full, argv);
			break;
		}
	}
	fprintf(stderr, "termauth: cannot run %s/%s/termauth-full: %s\n", self,
	        TA_LIBEXEC_FROM_BIN, strerror(errno));
	return 1;
}

/* Run as docker-credential-termauth OP: that is `termauth
 * docker-credential OP`, for this executable and the full tool. */
static char **as_docker_helper(int *argc, char **argv)
{
	const char *name = *argc > 0 && argv[0] ? strrchr(argv[0], '/') : NULL;
	char **args;
	int i;

	if (*argc < 1 || !argv[0] || strcmp(name ? name + 1 : argv[0], "docker-credential-termauth") ||
	    !(args = calloc((size_t)*argc + 2, sizeof(*args))))
		return argv;
	args[0] = argv[0];
	args[1] = "docker-credential";
	for (i = 1; i < *argc; i++)
		args[i + 1] = argv[i];
	++*argc;
	return args;
}

int main(int argc, char **argv)
{
	harden_process(1); /* first: no core dump, no ptrace (harden.h) */
	char **args = as_docker_helper(&argc, argv);
	int rc = serve_cached(argc, args);

	if (rc < 0)
		rc = serve_helper(argc, args, "git-credential");
	if (rc < 0)
		rc = serve_helper(argc, args, "docker-credential");
	if (rc < 0)
		rc = hand_over(args); /* returns only when it could not */
	if (args != argv)
		free(args);
	return rc;
}
