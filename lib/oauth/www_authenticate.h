/*
 * www_authenticate.h - the WWW-Authenticate field of a 401 (RFC 9110
 * 11.6.1) read into its challenges, and the Bearer challenge's parameters
 * (RFC 6750 3, RFC 9728 5.1). Pure functions of the field's text, no
 * handle, no network: what tests/fuzz/fuzz_www_authenticate.c drives.
 */
#ifndef TA_WWW_AUTHENTICATE_H
#define TA_WWW_AUTHENTICATE_H

#include <stddef.h>
#include "base/handle.h"

struct ta_auth_param {
	char *name;  /* lower case: parameter names are case-insensitive */
	char *value; /* a token, or a quoted-string with its escapes undone */
};

struct ta_challenge {
	char *scheme;  /* lower case: "bearer", "basic", "dpop" */
	char *token68; /* NULL unless the challenge is "scheme token68" */
	struct ta_auth_param *params;
	size_t nparams;
};

struct ta_challenges {
	struct ta_challenge *v;
	size_t n;
};

/* Parses a WWW-Authenticate field value, len bytes (several fields joined
 * with ", " are one value, RFC 9110 5.3): a comma-separated list of
 * challenges, each a scheme, then a token68 or auth-params whose values
 * are tokens or quoted-strings; empty list elements are skipped, white
 * space is SP or HTAB. TA_OK with the challenges in *out (none for an
 * empty value); TA_E_PROTOCOL when the value does not follow the grammar,
 * a control character or NUL included, or a challenge repeats a parameter
 * (RFC 9110 11.2); TA_E_NOMEM. *out is empty on failure. Free with
 * ta_challenges_clear. */
TA_HIDDEN enum ta_result ta_challenges_parse(const char *value, size_t len,
                                             struct ta_challenges *out);
TA_HIDDEN void ta_challenges_clear(struct ta_challenges *ch);

/* The value of parameter name (lower case) of challenge ch; NULL when it
 * has none. */
TA_HIDDEN const char *ta_challenge_param(const struct ta_challenge *ch, const char *name);

/* The first challenge of scheme (lower case) in ch, or NULL. */
TA_HIDDEN const struct ta_challenge *ta_challenges_find(const struct ta_challenges *ch,
                                                        const char *scheme);

#endif
