/*
 * fresh_token.h - a fresh access token for the commands that hand one out
 * (token, exec, kube-credential, git-credential), in the documented order:
 * TERMAUTH_TOKEN as is, then TERMAUTH_CREDENTIAL, then the broker that
 * TERMAUTH_AGENT_SOCK names (forwarding), then the profile's session -
 * refreshed when needed, or signed in again when asked to.
 */
#ifndef TA_FRESH_TOKEN_H
#define TA_FRESH_TOKEN_H

#include "cli.h"

/* Where a token came from, in the documented order. */
enum token_source { FROM_PROFILE, FROM_ENV_TOKEN, FROM_CREDENTIAL, FROM_BROKER };

struct fresh_token {
	const char *token;     /* the access token (or the ID token) */
	const char *type;      /* its type ("Bearer"), or NULL */
	long long expires_at;  /* seconds since the epoch; 0 when unknown */
	struct ta_session *s;  /* the session it comes from (NULL for TERMAUTH_TOKEN) */
	enum token_source source;
};

/* Fills t with a token valid for min_ttl seconds more. With login, a
 * profile that has no usable session is signed in first, as `termauth
 * login` would (the paste fallback reading cli->paste_fd). Returns an exit
 * code, having said on stderr what failed. */
int fresh_token_get(struct cli *cli, long long min_ttl, int login, struct fresh_token *t);
/* fresh_token_get for a token for one API (ta_resource_token): resource,
 * and scope (NULL: the grant's). TERMAUTH_TOKEN and TERMAUTH_CREDENTIAL
 * are refused (EXIT_USAGE, said): neither is a token for that resource;
 * so is a far side without a session of its own (EXIT_SIGNIN). */
int fresh_resource_token_get(struct cli *cli, const char *resource, const char *scope,
                             long long min_ttl, int login, struct fresh_token *t);
/* The same for the ID token (ta_session_fresh_id), with its exp as
 * expires_at: TERMAUTH_TOKEN as is (the person's override), then the
 * profile's session; TERMAUTH_CREDENTIAL holds none (EXIT_USAGE, said). */
int fresh_id_token_get(struct cli *cli, long long min_ttl, int login, struct fresh_token *t);
/* The broker's token, on a far side (cli_agent_socket): the access token,
 * or with req an exchanged one. When the broker is gone, or does not
 * forward the profile, and this machine has a session of its own for it,
 * *own is set (said at -v) and nothing else done: the caller uses that
 * session. Returns an exit code, having said what failed (3 for a broker
 * gone or a profile not forwarded). */
int fresh_token_forwarded(struct cli *cli, const struct ta_exchange_request *req,
                          long long min_ttl, struct ta_session **s, int *own);
/* fresh_token_get for a credential helper that another program runs (git,
 * docker): its stdin and stdout are that program's, so a sign-in happens
 * only with someone at a terminal, and talks to them there, whatever the
 * program did with stderr. */
int fresh_token_for_helper(struct cli *cli, struct fresh_token *t);
/* A DPoP proof (RFC 9449) for the request method url (nonce: the
 * server's DPoP-Nonce, or NULL) with t's token, signed with the key of
 * the profile's session, into *proof (free it with fresh_token_proof_free).
 * Only a token of the profile's own session has that key: one from
 * TERMAUTH_TOKEN or TERMAUTH_CREDENTIAL is EXIT_USAGE, a forwarded one
 * EXIT_FAIL (said). Returns an exit code, having said what failed. */
int fresh_token_proof(struct cli *cli, const struct fresh_token *t, const char *method,
                      const char *url, const char *nonce, char **proof);
/* Wipes and frees a proof; NULL does nothing. */
void fresh_token_proof_free(char *proof);
/* Releases (and wipes) what fresh_token_get or fresh_id_token_get filled. */
void fresh_token_clear(struct fresh_token *t);

#endif
