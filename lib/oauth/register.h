/*
 * register.h - Dynamic Client Registration (RFC 7591), see register.c.
 */
#ifndef TA_REGISTER_H
#define TA_REGISTER_H

#include "oauth/discovery.h"

/* Registers a public native client at md's registration endpoint and sets
 * the client's id (and TA_OPT_CLIENT_EXPIRES_AT, "0" when it never
 * expires) to it. TA_E_ARG when the
 * IdP has no registration endpoint. */
TA_HIDDEN enum ta_result ta_register_client(struct ta_client *c, const struct ta_metadata *md);

#endif
