/*
 * url.h - URL checks (https, or http on a loopback address), percent
 * encoding and decoding, and a growable buffer that wipes itself, used to
 * build authorization URLs and form bodies that carry secrets.
 */
#ifndef TA_URL_H
#define TA_URL_H

#include <stddef.h>
#include "internal.h"

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

/* TA_OK for an https URL, or an http URL on a loopback host; TA_E_INSECURE
 * (message set, naming what) or TA_E_ARG for anything else. */
TA_HIDDEN enum ta_result ta_url_check(struct ta_client *c, const char *what,
                                      const char *url);
/* 1 when url is http(s) on a loopback host. */
TA_HIDDEN int ta_url_is_loopback(const char *url);

/* Decodes %XX and '+' in s[0..n) into a new NUL-terminated string. Returns
 * NULL on a bad escape or a decoded NUL (which would truncate). */
TA_HIDDEN char *ta_url_decode(const char *s, size_t n);

#endif
