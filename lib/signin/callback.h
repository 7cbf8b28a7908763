/*
 * callback.h - the redirect back from the IdP, however it arrives (the
 * loopback listener or a pasted URL): its query parsed strictly, then
 * judged against the sign-in in progress.
 */
#ifndef TA_CALLBACK_H
#define TA_CALLBACK_H

#include <stddef.h>
#include "base/query.h"
#include "base/secret.h"

enum ta_verdict {
	TA_CALLBACK_IGNORED, /* not ours (no or wrong state): keep waiting */
	TA_CALLBACK_CODE,    /* ours, with a code */
	TA_CALLBACK_FAILED   /* ours, and the sign-in has failed */
};

struct ta_expect {
	const char *state;  /* ours, compared in constant time */
	const char *issuer; /* the IdP's issuer, for iss (RFC 9207); may be NULL */
	int iss_required;   /* the IdP advertises iss in its redirects */
};

struct ta_outcome {
	enum ta_verdict verdict;
	enum ta_result result; /* for TA_CALLBACK_FAILED */
	char *code;            /* for TA_CALLBACK_CODE; wipe with ta_free_secret */
	char why[256];         /* for IGNORED and FAILED: one line, no secrets */
};

/* Judges a redirect query. Pure: touches no handle, so the listener's
 * thread may call it. */
TA_HIDDEN void ta_callback_judge(const char *query, size_t len,
                                 const struct ta_expect *e,
                                 struct ta_outcome *out);

/* The query of a pasted URL, which must begin with redirect_uri then '?'.
 * Points query and len into line; -1 when the line is not such an URL. */
TA_HIDDEN int ta_callback_paste_query(const char *line, const char *redirect_uri,
                                      const char **query, size_t *len);

/* Small self-contained HTML pages for the browser, free() them: a
 * finished sign-in, naming the account and the profile when known (NULL:
 * not named), or a failed one with its reason. What they name is
 * HTML-escaped. */
TA_HIDDEN char *ta_callback_page_signed_in(const char *account, const char *profile);
TA_HIDDEN char *ta_callback_page_failed(const char *reason);

#endif
