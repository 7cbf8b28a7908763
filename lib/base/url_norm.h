/*
 * url_norm.h - an absolute http(s) URL normalised as RFC 3986 section 6
 * says, without its query and fragment: the form a DPoP proof's htu takes
 * (RFC 9449 section 4.2), and the one a server compares it in. The checks
 * of where a URL may point (https, loopback) are url.h's.
 */
#ifndef TA_BASE_URL_NORM_H
#define TA_BASE_URL_NORM_H

#include <stddef.h>
#include "base/handle.h"

#define TA_URL_NORM_MAX 8192 /* bytes of a URL taken */

/* The URL url (NUL-terminated, at most TA_URL_NORM_MAX bytes) without its
 * query and fragment, normalised: scheme and host in lower case, the
 * default port (and an empty one) left out, an empty path made "/", dot
 * segments removed, percent-encoded unreserved characters decoded and the
 * hex digits of the other escapes in upper case (RFC 3986 6.2.2, 6.2.3).
 * Refused: a scheme other than http and https, no "//" or no host,
 * userinfo (RFC 9110 4.2.4), a port outside 1-65535, a character RFC 3986
 * does not allow where it is (space, controls, non-ASCII, '\', '{' ...:
 * the caller percent-encodes them), a bad escape. 0 with *out the
 * normalised URL (malloc'd: free() it); -1 with why a sentence for a
 * message ("the URL has userinfo"), or -2 when memory ran out. */
TA_HIDDEN int ta_url_normalize(const char *url, char **out, char *why, size_t cap);

/* 1 when http(s) URLs a and b have one origin (RFC 6454: scheme, host and
 * port, compared normalised as above); 0 when they differ or either is no
 * URL ta_url_normalize takes. */
TA_HIDDEN int ta_url_same_origin(const char *a, const char *b);

#endif
