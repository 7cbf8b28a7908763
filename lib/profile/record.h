/*
 * record.h - the session record: a sign-in's tokens (struct ta_session,
 * opaque to programs) and what it records about itself besides them -
 * which sign-in it belongs to (its id), and when and for how long its
 * access token was given (struct ta_session_meta) - and its JSON form, in
 * which every store keeps it.
 */
#ifndef TA_PROFILE_RECORD_H
#define TA_PROFILE_RECORD_H

#include "base/handle.h"

#define TA_SESSION_ID_LEN 32 /* hex digits: 128 random bits */

/* The rule for an access token whose lifetime the IdP did not say (no
 * expires_in): it is taken to live one hour from when it was received. */
#define TA_UNSAID_LIFETIME 3600

struct ta_session_meta {
	/* A random id given at sign-in and kept across refreshes; every cache
	 * entry and derived token carries it, and is served only while the
	 * store's id (store_mark.c) is the same. "" when none (older files). */
	char id[TA_SESSION_ID_LEN + 1];
	long long obtained_at; /* when the access token was received; 0: unknown */
	/* Its whole lifetime: the IdP's expires_in, or TA_UNSAID_LIFETIME once
	 * the store has settled the expiry of a token that had none; 0: not
	 * known (a fresh answer without expires_in, an older session). */
	long long lifetime;
	/* Refreshes since the sign-in: of two copies of one session in two
	 * backends, the one refreshed more often is the newer (their times
	 * tie when a refresh follows within the second). 0 in older files. */
	long long refreshes;
};

struct ta_session {
	char *access_token;
	char *refresh_token;
	char *id_token;
	char *token_type;
	char *scope;
	char *issuer;
	char *client_id;
	char *subject;
	char *token_endpoint;      /* where to refresh, without discovery */
	char *revocation_endpoint; /* where to revoke at logout, when offered */
	char *resource;            /* RFC 8707: what its access tokens are for */
	char *resources;           /* all the sign-in asked for, space separated */
	char *dpop_key;            /* RFC 9449: the private JWK it is bound to */
	long long expires_at;
	struct ta_session_meta meta;
};

/* The store file's JSON form. */
TA_HIDDEN enum ta_result ta_session_to_json(const struct ta_session *s,
                                            char **out);
TA_HIDDEN enum ta_result ta_session_from_json(struct ta_client *c,
                                              const char *buf, size_t len,
                                              struct ta_session **out);
TA_HIDDEN enum ta_result ta_session_new(struct ta_session **out);

/* The session's bookkeeping (struct ta_session_meta): const for a const
 * session, so that what only reads a session cannot stamp it. */
TA_HIDDEN struct ta_session_meta *ta_session_meta_of(struct ta_session *s);
TA_HIDDEN const struct ta_session_meta *ta_session_meta_of_const(const struct ta_session *s);
#define ta_session_meta(s)                                                     \
	_Generic((s), const struct ta_session *: ta_session_meta_of_const,     \
	         default: ta_session_meta_of)(s)
/* A new random id for s (a new sign-in). TA_E_STORE when the system has no
 * randomness to give. */
TA_HIDDEN enum ta_result ta_session_new_id(struct ta_session *s);
/* Until when the access token is taken to be valid: expires_at when the IdP
 * said, else obtained_at + TA_UNSAID_LIFETIME; 0 when neither is known
 * (then it counts as expired). */
TA_HIDDEN long long ta_session_valid_until(const struct ta_session *s);
/* The token's whole lifetime: the IdP's, else TA_UNSAID_LIFETIME; 0 when
 * not known. */
TA_HIDDEN long long ta_session_lifetime(const struct ta_session *s);
/* 1 when the access token cannot have min_ttl left because the IdP makes
 * them live no longer than that, and at least half its lifetime is still
 * ahead: it is then served as it is (with a warning), not refreshed -
 * a refresh would give a token no better, and a loop of such calls would
 * refresh at every call. So a token is refreshed at most once, when half
 * its life is gone. */
TA_HIDDEN int ta_session_short_lived(const struct ta_session *s, long long now,
                                     long long min_ttl);
/* The JSON of a cache entry or a derived token: as ta_session_to_json, but
 * without the refresh token and the ID token. */
TA_HIDDEN enum ta_result ta_session_to_json_access(const struct ta_session *s, char **out);

#endif
