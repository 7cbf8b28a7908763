/*
 * complete.h - the end of every sign-in, whatever the flow: the ID token
 * checked (its signature against the IdP's keys, then its claims: OpenID
 * Connect Core 3.1.3.7), and the session told what it is about (issuer,
 * client, endpoints, scope).
 */
#ifndef TA_SIGNIN_COMPLETE_H
#define TA_SIGNIN_COMPLETE_H

#include "oauth/discovery.h"
#include "profile/record.h"

/* nonce: the one sent on the authorization request, NULL for the device
 * flow (which sends none). TA_E_ID_TOKEN when the ID token is refused, or
 * missing from an openid sign-in. */
TA_HIDDEN enum ta_result ta_sign_in_complete(struct ta_client *c, const struct ta_metadata *md,
                                             const char *nonce, struct ta_session *s);

#endif
