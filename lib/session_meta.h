/*
 * session_meta.h - what a session records about itself besides its tokens:
 * which sign-in it belongs to (its id), and when and for how long its
 * access token was given (struct ta_session_meta, a member of every
 * session, in internal.h); it is written to and read from the session's
 * JSON with the rest.
 */
#ifndef TA_SESSION_META_H
#define TA_SESSION_META_H

#include "internal.h"

/* The session's bookkeeping (struct ta_session_meta, in internal.h). The
 * store stamps it even on a session handed to it as const (a sign-in's
 * id), hence the mutable result. */
TA_HIDDEN struct ta_session_meta *ta_session_meta(const struct ta_session *s);
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

/* refresh.c: 1 when s can be served for a min_ttl request: fresh, or short
 * lived as above (then a one-line warning naming profile, the token's
 * lifetime and min_ttl goes to the notice callback). */
TA_HIDDEN int ta_session_usable(struct ta_client *c, const char *profile,
                                const struct ta_session *s, long long now, long long min_ttl);

#endif
