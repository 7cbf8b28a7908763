/*
 * loopback.h - the redirect listener (RFC 8252 section 7.3): an HTTP server
 * on 127.0.0.1 that answers /callback, judges each redirect against the
 * sign-in in progress, and hands the first decisive one to the waiting
 * thread through a pipe, holding a redirect with a code until the sign-in
 * has ended, so that its page can say how. It serves only connections of this process's
 * user (and root's): see loopback.c.
 */
#ifndef TA_LOOPBACK_H
#define TA_LOOPBACK_H

#include <sys/types.h>
#include "signin/callback.h"

struct ta_loopback;

/* Connections closed unserved since the last ta_loopback_take. */
struct ta_loopback_refusals {
	int other_user;    /* ... because another user's socket made them */
	uid_t uid;         /* the last such user */
	int gone;          /* ... because they closed before they were checked */
	int owner_unknown; /* the socket table could not be read: all are served */
};

/* Binds 127.0.0.1:port (0: any free port) and starts serving. The expect
 * strings must outlive the listener. TA_E_PORT_IN_USE when taken. */
TA_HIDDEN enum ta_result ta_loopback_start(struct ta_client *c, int port,
                                           const struct ta_expect *e,
                                           struct ta_loopback **out);
/* Serves GET /start/TOKEN (TOKEN compared in constant time) with a
 * redirect to location, once; a second visit ends the sign-in with
 * TA_E_CALLBACK. Both strings are copied. */
TA_HIDDEN enum ta_result ta_loopback_set_start(struct ta_loopback *l, const char *token,
                                               const char *location);
/* Sends a start page not yet visited to location instead (copied): 1 when
 * it did, 0 when the page was visited already (or memory ran out). */
TA_HIDDEN int ta_loopback_renew_start(struct ta_loopback *l, const char *location);
/* 1 once the start page has been visited. */
TA_HIDDEN int ta_loopback_start_served(struct ta_loopback *l);
/* The port actually bound. */
TA_HIDDEN int ta_loopback_port(const struct ta_loopback *l);
/* A descriptor that becomes readable when there is news. */
TA_HIDDEN int ta_loopback_fd(const struct ta_loopback *l);
/* Takes the news: ignored redirects are counted (and their reason copied
 * into why), refused connections counted in *refusals; the decisive
 * outcome, if one arrived, is moved into *out and 1 returned. */
TA_HIDDEN int ta_loopback_take(struct ta_loopback *l, struct ta_outcome *out,
                               char *why, size_t whylen, int *ignored,
                               struct ta_loopback_refusals *refusals);
/* Ends the held redirect (the one with the code): its page says the
 * sign-in finished, naming account and profile when not NULL, or failed
 * for why (NULL: it did not finish). Waits, briefly, until the page is
 * out. Nothing to do when no redirect is held (a pasted code). */
TA_HIDDEN void ta_loopback_finish(struct ta_loopback *l, int signed_in, const char *account,
                                  const char *profile, const char *why);
/* Stops serving (answering a held redirect as failed), closes the socket,
 * wipes what it holds. NULL is fine. */
TA_HIDDEN void ta_loopback_stop(struct ta_loopback *l);

#endif
