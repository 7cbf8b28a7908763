/*
 * buf.h - a growable buffer that wipes itself, with percent encoding: what
 * builds the authorization URLs and form bodies that carry secrets.
 */
#ifndef TA_BASE_BUF_H
#define TA_BASE_BUF_H

#include <stddef.h>
#include "base/handle.h"

struct ta_buf {
	char *data; /* NUL-terminated */
	size_t len;
	size_t cap;
	int failed; /* an allocation failed; the contents are incomplete */
};

TA_HIDDEN void ta_buf_add(struct ta_buf *b, const char *s, size_t n);
TA_HIDDEN void ta_buf_adds(struct ta_buf *b, const char *s);
/* Appends s percent-encoded (everything but RFC 3986 unreserved). */
TA_HIDDEN void ta_buf_add_encoded(struct ta_buf *b, const char *s);
/* Appends "&key=value" (no '&' when empty), both encoded. */
TA_HIDDEN void ta_buf_add_param(struct ta_buf *b, const char *key,
                                const char *value);
/* Wipes and frees the contents. */
TA_HIDDEN void ta_buf_clear(struct ta_buf *b);

#endif
