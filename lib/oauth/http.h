/*
 * http.h - the only way libtermauth talks to an IdP: https only (http only
 * to loopback addresses), no redirects followed, loopback never through a
 * proxy, a CA bundle from CURL_CA_BUNDLE or SSL_CERT_FILE, timeouts, and a
 * cap on the size of an answer.
 */
#ifndef TA_HTTP_H
#define TA_HTTP_H

#include <stddef.h>
#include "base/handle.h"

#define TA_HTTP_MAX_BODY (1024 * 1024)

struct ta_http_response {
	long status;
	char *body; /* NUL-terminated; may hold secrets: wiped on clear */
	size_t len;
	size_t cap;
	int too_large; /* the answer passed TA_HTTP_MAX_BODY */
	/* Response headers some callers judge; NULL when absent. Several
	 * fields of one name are joined with ", " (RFC 9110 5.3), each at most
	 * TA_HTTP_MAX_HEADER bytes together. */
	char *www_authenticate; /* a 401's challenges (RFC 6750, RFC 9728) */
	char *dpop_nonce;       /* DPoP-Nonce (RFC 9449 8) */
	int header_too_large;   /* one of them passed TA_HTTP_MAX_HEADER */
};

#define TA_HTTP_MAX_HEADER 8192

/* GET url. TA_E_UNREACHABLE (message: host and reason) on network or TLS
 * failure; any HTTP status is TA_OK, the caller judges it. */
TA_HIDDEN enum ta_result ta_http_get(struct ta_client *c, const char *url,
                                     struct ta_http_response *resp);
/* POST an application/x-www-form-urlencoded body (it may hold secrets). */
TA_HIDDEN enum ta_result ta_http_post_form(struct ta_client *c, const char *url,
                                           const char *form,
                                           struct ta_http_response *resp);
/* The same, asking for XML: AWS's query APIs (STS) answer JSON of another
 * shape when asked for JSON. */
TA_HIDDEN enum ta_result ta_http_post_form_xml(struct ta_client *c, const char *url,
                                               const char *form,
                                               struct ta_http_response *resp);
/* ta_http_post_form with one more request header, a whole line
 * ("DPoP: ..."; NULL: none). */
TA_HIDDEN enum ta_result ta_http_post_form_header(struct ta_client *c, const char *url,
                                                  const char *form, const char *header,
                                                  struct ta_http_response *resp);
/* POST an application/json body. */
TA_HIDDEN enum ta_result ta_http_post_json(struct ta_client *c, const char *url,
                                           const char *json, struct ta_http_response *resp);
TA_HIDDEN void ta_http_response_clear(struct ta_http_response *resp);

#endif
