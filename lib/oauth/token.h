/*
 * token.h - the token endpoint: the code exchange, and the parser of its
 * answers (a token response or an OAuth error).
 */
#ifndef TA_TOKEN_H
#define TA_TOKEN_H

#include <stddef.h>
#include "base/buf.h"
#include "profile/record.h"

/* Judges a token endpoint answer. 200 with a token response: TA_OK and a
 * new session (expires_at from expires_in and now). An OAuth error:
 * TA_E_IDP (TA_E_DENIED for access_denied), the message naming the error
 * and its description. Anything else: TA_E_HTTP or TA_E_PROTOCOL. */
TA_HIDDEN enum ta_result ta_token_response_parse(struct ta_client *c, long status,
                                                 const char *body, size_t len,
                                                 long long now,
                                                 struct ta_session **out);

struct ta_buf;

/* Posts a token request: form holds the grant's parameters, and the
 * client's id (and secret, when one is set) are added. On an OAuth error
 * its code is copied into error (may be NULL). */
TA_HIDDEN enum ta_result ta_token_request(struct ta_client *c, const char *endpoint,
                                          struct ta_buf *form, struct ta_session **out,
                                          char *error, size_t errlen);

/* Revokes a token (RFC 7009); hint is "refresh_token" or "access_token". */
TA_HIDDEN enum ta_result ta_token_revoke(struct ta_client *c, const char *endpoint,
                                         const char *token, const char *hint);

/* Redeems an authorization code (with its PKCE verifier), asking for a
 * token for the first of the space separated resources (RFC 8707; NULL:
 * none named). */
TA_HIDDEN enum ta_result ta_token_exchange_code(struct ta_client *c,
                                                const char *token_endpoint,
                                                const char *code,
                                                const char *redirect_uri,
                                                const char *verifier,
                                                const char *resources,
                                                struct ta_session **out);

/* 1 when s is a scope as RFC 6749 section 3.3 has them: scope tokens of
 * %x21 / %x23-5B / %x5D-7E, with spaces between. Checked because scopes
 * are shown on the terminal. */
TA_HIDDEN int ta_scope_ok(const char *s);

/* Adds a "resource" parameter (RFC 8707) to form for each resource of the
 * space separated list (NULL: none), or for its first only. */
TA_HIDDEN void ta_token_add_resources(struct ta_buf *form, const char *list, int first_only);
/* The first resource of a space separated list, in a new string (free());
 * NULL for none (or no memory). */
TA_HIDDEN char *ta_token_first_resource(const char *list);

#endif
