/*
 * client.h - what the library does with a handle's options beyond the
 * public setters (client.c).
 */
#ifndef TA_PROFILE_CLIENT_H
#define TA_PROFILE_CLIENT_H

#include "base/handle.h"

/* At sign-in: fills what the person left unset from the provider's preset
 * (presets.c), first taking back what an earlier sign-in's preset filled. */
TA_HIDDEN enum ta_result ta_provider_fill(struct ta_client *c);

/* 1 when the handle's registered client (TA_OPT_CLIENT_EXPIRES_AT) has
 * expired by now. */
TA_HIDDEN int ta_client_expired(const struct ta_client *c, long long now);

/* 1 when the issuer is one a resource's metadata named (RFC 9728,
 * TA_OPT_ISSUER_FROM), which nobody vouched for. */
TA_HIDDEN int ta_issuer_named_by_resource(const struct ta_client *c);

#endif
