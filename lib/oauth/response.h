/*
 * response.h - answers from an IdP's endpoints as one JSON object, whether
 * they came as JSON or (GitHub, unless asked for JSON) form-encoded, and the
 * OAuth error they may carry.
 */
#ifndef TA_RESPONSE_H
#define TA_RESPONSE_H

#include <stddef.h>
#include <jansson.h>
#include "base/handle.h"

/* The body as a JSON object: JSON with no duplicate keys, or else
 * form-encoded pairs (as strings). NULL when it is neither. */
TA_HIDDEN json_t *ta_response_object(const char *body, size_t len);

/* When o carries an OAuth error: TA_E_DENIED for access_denied, else
 * TA_E_IDP, the message "the IdP refused: ERROR (DESCRIPTION)" (printable
 * ASCII only), and ERROR copied into error (may be NULL). TA_OK when o
 * carries no error. */
TA_HIDDEN enum ta_result ta_response_error(struct ta_client *c, json_t *o,
                                           char *error, size_t errlen);

/* A number of seconds that may come as a number or a numeric string: -1
 * when absent, -2 when present but not a number in [0, 10 years]. */
TA_HIDDEN long long ta_response_seconds(json_t *o, const char *key);

#endif
