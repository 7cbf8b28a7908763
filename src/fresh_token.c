/*
 * fresh_token.c - see fresh_token.h.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "fresh_token.h"
#include "token_common.h"

/* TERMAUTH_CREDENTIAL's session. */
static int from_credential(struct cli *cli, const char *credential, long long min_ttl,
                           struct ta_session **s)
{
	struct ta_client *c = NULL;
	enum ta_result r;
	int rc = EXIT_OK;

	if (cli_client_new(cli, &c) != TA_OK)
		return EXIT_FAIL;
	if ((r = cli_apply_store(cli, c)) != TA_OK ||
	    (r = ta_credential_fresh(c, credential, min_ttl, s)) != TA_OK)
		rc = cli_fail(c, r);
	ta_client_free(c);
	return rc;
}

/* How the profile's session is made fresh: for its access token
 * (ta_session_fresh) or for its ID token (ta_session_fresh_id), or a
 * token for a resource (ta_resource_token) when resource is set. */
typedef enum ta_result (*fresh_fn)(struct ta_client *c, const char *profile, long long min_ttl,
                                   struct ta_session **out);
struct wanted {
	fresh_fn fresh;
	const char *resource, *scope;
};

static enum ta_result get(struct ta_client *c, const char *profile, long long min_ttl,
                          const struct wanted *w, struct ta_session **s)
{
	if (w->resource)
		return ta_resource_token(c, profile, w->resource, w->scope, min_ttl, s);
	return w->fresh(c, profile, min_ttl, s);
}

/* The profile's session; with login, signing in when it has none. */
static int from_profile(struct cli *cli, long long min_ttl, int login, const struct wanted *w,
                        struct ta_session **s)
{
	static const struct login_options none; /* the profile's settings only */
	struct ta_session *signed_in = NULL;
	struct ta_client *c = NULL;
	struct ta_profile *p = NULL;
	enum ta_result r;
	int rc;

	/* The profile may hold what a refresh needs (a client secret), and
	 * says where its session is kept. */
	if ((rc = cli_open_profile(cli, cli->profile, &c, &p)) != EXIT_OK)
		goto out;
	r = get(c, cli->profile, min_ttl, w, s);
	if ((r == TA_E_NO_SESSION || r == TA_E_EXPIRED) && login) {
		/* Sign in as `termauth login` would (its messages on stderr),
		 * then serve the new session. */
		rc = cli_sign_in(cli, &cmd_login, &none, 0, &signed_in);
		ta_session_free(signed_in);
		if (rc != EXIT_OK)
			goto out;
		r = get(c, cli->profile, min_ttl, w, s);
	}
	if (r == TA_E_NO_SESSION) {
		cli_not_signed_in(c, cli->profile, "run 'termauth login'", 1);
		rc = EXIT_SIGNIN;
	} else if (r != TA_OK) {
		rc = cli_fail(c, r);
	}
out:
	ta_profile_free(p);
	ta_client_free(c);
	return rc;
}

/* 1 when this machine keeps a session of its own for the profile. */
static int has_own_session(struct cli *cli)
{
	struct ta_client *c = NULL;
	struct ta_profile *p = NULL;
	struct ta_session *s = NULL;
	int yes;

	yes = cli_open_profile(cli, cli->profile, &c, &p) == EXIT_OK &&
	      ta_store_load(c, cli->profile, &s) == TA_OK;
	ta_session_free(s);
	ta_profile_free(p);
	ta_client_free(c);
	return yes;
}

int fresh_token_forwarded(struct cli *cli, const struct ta_exchange_request *req,
                          long long min_ttl, struct ta_session **s, int *own)
{
	const char *sock = cli_agent_socket();
	const char *from = getenv("TERMAUTH_AGENT_FROM");
	char host[64] = "the signed-in machine";
	struct ta_client *c = NULL;
	enum ta_result r;
	int rc;

	*own = 0;
	if (cli_client_new(cli, &c) != TA_OK)
		return EXIT_FAIL;
	r = req ? ta_agent_exchange(c, sock, cli->profile, req, min_ttl, s)
	        : ta_agent_fresh(c, sock, cli->profile, min_ttl, s);
	if ((r == TA_E_AGENT_GONE || r == TA_E_NOT_FORWARDED) && has_own_session(cli)) {
		if (cli->verbose)
			cli_say("%s; using this machine's own session of profile '%s'",
			        ta_client_message(c), cli->profile);
		*own = 1;
		rc = EXIT_OK;
	} else if (r == TA_E_AGENT_GONE) {
		/* The name comes from the environment: shown only if it is one. */
		if (from && *from && strlen(from) < sizeof(host) &&
		    strspn(from, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") ==
		            strlen(from))
			snprintf(host, sizeof(host), "%s", from);
		cli_error("the forwarded sign-in from %s is no longer reachable (%s): reconnect with 'termauth ssh', or sign in here with 'termauth -p %s login'",
		          host, ta_client_message(c), cli->profile);
		rc = EXIT_SIGNIN;
	} else {
		if (r != TA_OK)
			cli_fail(c, r);
		rc = forwarded_exit_code(r);
	}
	ta_client_free(c);
	return rc;
}

/* A far side's token comes from the broker, else from this machine's
 * own session, as on any machine. A resource's token is not forwarded:
 * only this machine's own session can give one. */
static int from_agent_or_profile(struct cli *cli, long long min_ttl, int login,
                                 const struct wanted *w, struct ta_session **s,
                                 enum token_source *source)
{
	int own = 0, rc;

	if (cli_agent_socket() && w->resource && !has_own_session(cli)) {
		cli_error("a token for a resource (--resource) is not forwarded, and profile '%s' has no session on this machine: sign in here with 'termauth -p %s login --resource URL'",
		          cli->profile, cli->profile);
		return EXIT_SIGNIN;
	}
	if (cli_agent_socket() && !w->resource &&
	    ((rc = fresh_token_forwarded(cli, NULL, min_ttl, s, &own)) != EXIT_OK || !own)) {
		*source = FROM_BROKER;
		return rc;
	}
	return from_profile(cli, min_ttl, login, w, s);
}

static int fresh_access_token_get(struct cli *cli, const struct wanted *w, long long min_ttl,
                                  int login, struct fresh_token *t)
{
	const char *credential = getenv("TERMAUTH_CREDENTIAL");
	int rc;

	memset(t, 0, sizeof(*t));
	/* A token for one API, handed to every API asked for, would undo what
	 * a resource's token is for. */
	if (token_from_env() && w->resource) {
		cli_error("TERMAUTH_TOKEN is one token, not a token for the resource asked for: unset it to use profile '%s' for --resource",
		          cli->profile);
		return EXIT_USAGE;
	}
	if (token_from_env()) {
		if (!token_printable(token_from_env())) {
			cli_error("TERMAUTH_TOKEN holds a line break or another control character: not used");
			return EXIT_USAGE;
		}
		t->token = token_from_env();
		t->type = "Bearer";
		t->source = FROM_ENV_TOKEN;
		return EXIT_OK;
	}
	if (credential && *credential && w->resource) {
		cli_error("TERMAUTH_CREDENTIAL gives the token of the resource it was made for, and no other: unset it to use profile '%s' for --resource",
		          cli->profile);
		return EXIT_USAGE;
	}
	if (credential && *credential) {
		t->source = FROM_CREDENTIAL;
		rc = from_credential(cli, credential, min_ttl, &t->s);
	} else {
		rc = from_agent_or_profile(cli, min_ttl, login, w, &t->s, &t->source);
	}
	if (rc != EXIT_OK)
		return rc;
	t->token = ta_session_access_token(t->s);
	t->type = ta_session_token_type(t->s);
	t->expires_at = ta_session_expires_at(t->s);
	return EXIT_OK;
}

int fresh_token_get(struct cli *cli, long long min_ttl, int login, struct fresh_token *t)
{
	const struct wanted w = { ta_session_fresh, NULL, NULL };

	return fresh_access_token_get(cli, &w, min_ttl, login, t);
}

int fresh_resource_token_get(struct cli *cli, const char *resource, const char *scope,
                             long long min_ttl, int login, struct fresh_token *t)
{
	const struct wanted w = { ta_session_fresh, resource, scope };

	return fresh_access_token_get(cli, &w, min_ttl, login, t);
}

int fresh_token_for_helper(struct cli *cli, struct fresh_token *t)
{
	cli_paste_from_tty(cli);
	if (cli->paste_fd >= 0)
		dup2(cli->paste_fd, 2);
	return fresh_token_get(cli, TOKEN_DEFAULT_MIN_TTL, cli->paste_fd >= 0, t);
}

int fresh_id_token_get(struct cli *cli, long long min_ttl, int login, struct fresh_token *t)
{
	const char *credential = getenv("TERMAUTH_CREDENTIAL");
	int rc;

	memset(t, 0, sizeof(*t));
	if (token_from_env())
		return fresh_token_get(cli, min_ttl, login, t);
	/* A credential's sessions are refreshed for their access tokens;
	 * clusters that take ID tokens want a person's sign-in anyway. */
	if (credential && *credential) {
		cli_error("TERMAUTH_CREDENTIAL gives access tokens only, not an ID token: unset it to use profile '%s', or use '--token access'",
		          cli->profile);
		return EXIT_USAGE;
	}
	/* An ID token is never forwarded: only this machine's own session
	 * can give one. */
	if (cli_agent_socket() && !has_own_session(cli)) {
		cli_error("an ID token is never forwarded, and profile '%s' has no session on this machine: use '--token access', or sign in here with 'termauth -p %s login'",
		          cli->profile, cli->profile);
		return EXIT_SIGNIN;
	}
	if ((rc = from_profile(cli, min_ttl, login, &(const struct wanted){ .fresh = ta_session_fresh_id },
	                       &t->s)) != EXIT_OK)
		return rc;
	t->token = ta_session_id_token(t->s);
	t->type = "Bearer";
	t->expires_at = ta_session_id_token_expires_at(t->s);
	return EXIT_OK;
}

int fresh_token_proof(struct cli *cli, const struct fresh_token *t, const char *method,
                      const char *url, const char *nonce, char **proof)
{
	struct ta_client *c = NULL;
	struct ta_profile *p = NULL;
	enum ta_result r;
	int rc;

	*proof = NULL;
	/* The key is the profile's session's: a proof with it for another
	 * token would be refused, or bind that token to the wrong key. */
	if (t->source == FROM_ENV_TOKEN || t->source == FROM_CREDENTIAL) {
		const char *var = t->source == FROM_ENV_TOKEN ? "TERMAUTH_TOKEN" : "TERMAUTH_CREDENTIAL";

		cli_error("a DPoP proof can be signed only for the token of profile '%s' itself, and this one comes from %s: unset %s to use the profile's session",
		          cli->profile, var, var);
		return EXIT_USAGE;
	}
	if (t->source == FROM_BROKER) {
		cli_error(TOKEN_FORWARDED_NO_PROOF, cli->profile, cli->profile);
		return EXIT_FAIL;
	}
	if ((rc = cli_open_profile(cli, cli->profile, &c, &p)) != EXIT_OK)
		return rc;
	if ((r = ta_dpop_proof(c, cli->profile, method, url, nonce, t->token, proof)) != TA_OK)
		rc = cli_fail(c, r);
	ta_profile_free(p);
	ta_client_free(c);
	return rc;
}

void fresh_token_proof_free(char *proof)
{
	if (proof)
		explicit_bzero(proof, strlen(proof));
	free(proof);
}

void fresh_token_clear(struct fresh_token *t)
{
	ta_session_free(t->s);
	memset(t, 0, sizeof(*t));
}
