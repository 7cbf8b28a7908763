/*
 * par.h - pushed authorization requests (RFC 9126): the authorization
 * request's parameters posted to the IdP, which answers with a short-lived
 * request_uri that the browser is sent with instead of them.
 */
#ifndef TA_PAR_H
#define TA_PAR_H

#include <stddef.h>
#include "base/handle.h"

struct ta_buf;

struct ta_par {
	char *request_uri;      /* malloc'd; free with ta_par_clear */
	long long expires_in;   /* seconds, > 0 */
};

/* The longest request_uri taken: it goes into a URL the terminal shows. */
#define TA_PAR_REQUEST_URI_MAX 512

/* Judges a PAR endpoint's answer. 201 (or 200) with a request_uri (an
 * absolute URI of printable URI characters, at most TA_PAR_REQUEST_URI_MAX)
 * and a positive integer expires_in: TA_OK, out filled (the caller clears
 * it). An OAuth error, whatever the status: TA_E_IDP (TA_E_DENIED for
 * access_denied), the message naming the error and its description. Any
 * other status: TA_E_HTTP; an answer that is not such JSON: TA_E_PROTOCOL.
 * out is set only on TA_OK. */
TA_HIDDEN enum ta_result ta_par_response_parse(struct ta_client *c, long status,
                                               const char *body, size_t len,
                                               struct ta_par *out);

/* Posts form (the authorization request's parameters, client_id among
 * them) to endpoint, the client's secret added when it has one, and judges
 * the answer as ta_par_response_parse. form keeps what was added; the
 * caller clears it (it may hold the secret). */
TA_HIDDEN enum ta_result ta_par_push(struct ta_client *c, const char *endpoint,
                                     struct ta_buf *form, struct ta_par *out);

/* How many times an unopened request is pushed again, at most: a sign-in
 * at an IdP that keeps pushed requests for 60 s (oidc-provider's) is
 * renewed for about ten minutes, and one that keeps them for a second
 * neither floods the IdP nor fills the terminal with addresses. */
#define TA_PAR_RENEWALS_MAX 12

/* When to push again, in ms after a push, an unopened request that lives
 * expires_in seconds and was pushed again renewed times before: a little
 * before it expires, and not sooner than 5 s; -1 once renewed is
 * TA_PAR_RENEWALS_MAX. */
TA_HIDDEN long long ta_par_renew_after_ms(long long expires_in, int renewed);

/* Frees what out holds and zeroes it. */
TA_HIDDEN void ta_par_clear(struct ta_par *p);

#endif
