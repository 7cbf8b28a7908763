/*
 * query.h - a URL query ("a=b&c=d") parsed strictly: decoded, bounded,
 * with duplicates and malformed parts flagged rather than guessed at. The
 * redirect back from the IdP and form-encoded token answers are read so.
 */
#ifndef TA_BASE_QUERY_H
#define TA_BASE_QUERY_H

#include <stddef.h>
#include "base/handle.h"

#define TA_QUERY_MAX_PARAMS 32
#define TA_QUERY_MAX_LEN 8192

struct ta_query {
	size_t n;
	char *keys[TA_QUERY_MAX_PARAMS];
	char *values[TA_QUERY_MAX_PARAMS];
	int malformed;  /* a bad escape, a decoded NUL, too long or too many */
	int duplicated; /* some key appears more than once */
};

/* Parses "a=b&c=d" (no leading '?'). Never fails outright: what cannot be
 * used is flagged in malformed. Returns TA_E_NOMEM only. */
TA_HIDDEN enum ta_result ta_query_parse(const char *s, size_t len,
                                        struct ta_query *q);
/* The value of key (the first, if duplicated), or NULL. */
TA_HIDDEN const char *ta_query_get(const struct ta_query *q, const char *key);
/* Wipes and frees. */
TA_HIDDEN void ta_query_clear(struct ta_query *q);

#endif
