/*
 * session.h - a kept session's life after sign-in, shared by the files of
 * this folder: when a session can be served, and the session a CI
 * credential stands for.
 */
#ifndef TA_SESSION_SESSION_H
#define TA_SESSION_SESSION_H

#include "profile/record.h"

struct ta_store_backend;

/* refresh.c: 1 when s can be served for a min_ttl request: fresh, or short
 * lived (ta_session_short_lived; then a one-line warning naming profile,
 * the token's lifetime and min_ttl goes to the notice callback). */
TA_HIDDEN int ta_session_usable(struct ta_client *c, const char *profile,
                                const struct ta_session *s, long long now, long long min_ttl);

/* refresh.c: ta_session_fresh with the store backend as a parameter, as
 * ta_store_load_from takes it (NULL: the client's store option). */
TA_HIDDEN enum ta_result ta_session_fresh_from(struct ta_client *c,
                                               const struct ta_store_backend *only,
                                               const char *profile, long long min_ttl,
                                               struct ta_session **out);

/* refresh.c: ta_session_fresh_id, but never with the ID token stale (one
 * a server called expired, though its exp says otherwise): refreshed for
 * another - unless the store holds another by then (a process refreshed
 * meanwhile), which is served. */
TA_HIDDEN enum ta_result ta_session_renew_id(struct ta_client *c, const char *profile,
                                             const char *stale, long long min_ttl,
                                             struct ta_session **out);

/* For what is derived from the session s (an exchanged token, AWS
 * credentials), under the profile's lock: the id to bind it to. A session
 * kept by an older termauth has none, and what is bound to none is never
 * served: the stored session - loaded again, so that one another process
 * refreshed meanwhile is not put back to s - is saved once with one, and
 * s gets it. */
TA_HIDDEN enum ta_result ta_session_bind_locked(struct ta_client *c, const char *profile,
                                                struct ta_session *s);
/* refresh.c: the refresh grant for old's refresh token, with the resource
 * (RFC 8707; NULL: the session's own, if it has one) and the scope (NULL:
 * the grant's) asked for; what is the token that needs it ("the access
 * token"). *out is the answer, with what it did not renew kept from old.
 * invalid_grant becomes TA_E_EXPIRED (sign in again); the IdP's error
 * code is copied into error (may be NULL). */
TA_HIDDEN enum ta_result ta_session_refresh_grant(struct ta_client *c, const char *profile,
                                                  const char *what, const struct ta_session *old,
                                                  const char *resource, const char *scope,
                                                  char *error, size_t errlen,
                                                  struct ta_session **out);
/* resource.c: 1 when token is a JWT whose aud does not name resource
 * (the IdP ignored the resource indicator); its audience, printable, is
 * then in aud_shown. 0 for a token that names it, or says nothing (an
 * opaque token). */
TA_HIDDEN int ta_resource_token_ignored(const char *token, const char *resource,
                                        char *aud_shown, size_t cap);
/* dpop.c: with a session bound to a key (DPoP), c->dpop_key is set to it
 * for the token requests that follow, until ta_session_dpop_end(c, *key);
 * *key is NULL for a session that is not bound. TA_E_STORE when its key
 * cannot be read. */
TA_HIDDEN enum ta_result ta_session_dpop_begin(struct ta_client *c, const struct ta_session *s,
                                               struct ta_dpop_key **key);
TA_HIDDEN void ta_session_dpop_end(struct ta_client *c, struct ta_dpop_key *key);
/* refresh.c: the refreshed session into the store, under the lock held;
 * when that fails twice, aside (the IdP has rotated the stored refresh
 * token away), said in one line. TA_OK when it is kept somewhere, or when
 * it could not be kept at all: its access token is still good to hand
 * out, and the next call signs in. */
TA_HIDDEN enum ta_result ta_session_save_refreshed(struct ta_client *c,
                                                   const struct ta_store_backend *only,
                                                   const char *profile, struct ta_session *fresh);
/* refresh.c: TA_OK when s, just received from the IdP (what: "an access
 * token", "an exchanged token"), may be handed out for a min_ttl request:
 * ta_session_usable (which warns of a short-lived one), or else valid for
 * a second more - the freshest there is. TA_E_PROTOCOL otherwise, with a
 * message naming what and its expires_in. */
TA_HIDDEN enum ta_result ta_session_received(struct ta_client *c, const char *profile,
                                             const struct ta_session *s, long long min_ttl,
                                             const char *what);

/* credential.c: the session a CI credential stands for (no access token);
 * its client secret, if any, goes into c. TA_E_ARG for anything else. */
TA_HIDDEN enum ta_result ta_credential_decode(struct ta_client *c, const char *credential,
                                              struct ta_session **out);

#endif
