/*
 * authcode.h - the browser sign-in: authorization code with PKCE through a
 * loopback redirect or a pasted URL.
 */
#ifndef TA_AUTHCODE_H
#define TA_AUTHCODE_H

#include "oauth/discovery.h"
#include "profile/record.h"

/* Runs the browser (or paste) flow against md; nonce goes on the request
 * and is checked in the ID token. The session is checked (complete.h). */
TA_HIDDEN enum ta_result ta_authcode_sign_in(struct ta_client *c,
                                             const struct ta_metadata *md,
                                             const char *nonce,
                                             struct ta_session **out);

#endif
