/*
 * url.h - URL checks (https, or http on a loopback address) and percent
 * decoding. Percent encoding is buf.h's.
 */
#ifndef TA_BASE_URL_H
#define TA_BASE_URL_H

#include <stddef.h>
#include "base/handle.h"

/* ta_url_check is API (termauth.h). */
/* 1 when url is http(s) on a loopback host. */
TA_HIDDEN int ta_url_is_loopback(const char *url);
/* 1 when url's host may reach this machine (ta_host_may_be_loopback). */
TA_HIDDEN int ta_url_may_be_loopback(const char *url);

/* The longest resource indicator taken: a URI this long is no API's name. */
#define TA_RESOURCE_MAX 2048
/* 1 when uri[0..n) is a resource indicator as RFC 8707 section 2 wants
 * one: an absolute URI (a scheme, ':', more), without a fragment, of the
 * characters RFC 3986 allows in one, at most TA_RESOURCE_MAX long. */
TA_HIDDEN int ta_resource_ok(const char *uri, size_t n);

/* Decodes %XX and '+' in s[0..n) into a new NUL-terminated string. Returns
 * NULL on a bad escape or a decoded NUL (which would truncate). */
TA_HIDDEN char *ta_url_decode(const char *s, size_t n);

#endif
