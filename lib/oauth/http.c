/*
 * http.c - see http.h. libcurl is told to speak http and https only, and
 * the URL itself is checked here, because allowing http in libcurl allows
 * it for every host. libcurl does not read CURL_CA_BUNDLE or SSL_CERT_FILE
 * (only the curl tool does), so they are read here.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <curl/curl.h>
#include "oauth/http.h"
#include "base/result.h"
#include "base/secret.h"
#include "base/url.h"

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_result;

static void curl_init(void)
{
	curl_init_result = curl_global_init(CURL_GLOBAL_DEFAULT);
}

static size_t on_body(char *data, size_t size, size_t n, void *userp)
{
	struct ta_http_response *r = userp;
	size_t len = size * n, cap;
	char *p;

	if (r->len + len > TA_HTTP_MAX_BODY) {
		r->too_large = 1;
		return 0;
	} /* libcurl aborts with CURLE_WRITE_ERROR */
	if (r->len + len + 1 > r->cap) {
		cap = r->cap ? r->cap : 4096;
		while (cap < r->len + len + 1)
			cap *= 2;
		/* Not realloc: the old block may hold a token and must be wiped. */
		if (!(p = malloc(cap)))
			return 0;
		if (r->body) {
			memcpy(p, r->body, r->len);
			ta_wipe(r->body, r->cap);
			free(r->body);
		}
		r->body = p;
		r->cap = cap;
	}
	memcpy(r->body + r->len, data, len);
	r->len += len;
	r->body[r->len] = '\0';
	return len;
}

/* Keeps the WWW-Authenticate fields; libcurl hands each header line
 * with its CRLF. */
static size_t on_header(char *data, size_t size, size_t n, void *userp)
{
	static const char name[] = "www-authenticate:";
	struct ta_http_response *r = userp;
	size_t len = size * n, old, add;
	char *p;

	if (len < sizeof(name) - 1 || strncasecmp(data, name, sizeof(name) - 1))
		return len;
	data += sizeof(name) - 1;
	add = len - (sizeof(name) - 1);
	while (add && (*data == ' ' || *data == '\t'))
		data++, add--;
	while (add && strchr(" \t\r\n", data[add - 1]))
		add--;
	old = r->www_authenticate ? strlen(r->www_authenticate) : 0;
	if (!add || old + add + 2 > TA_HTTP_MAX_HEADER)
		return len; /* too long: dropped whole, never cut */
	if (!(p = realloc(r->www_authenticate, old + add + 3)))
		return 0;
	if (old) {
		memcpy(p + old, ", ", 2);
		old += 2;
	}
	memcpy(p + old, data, add);
	p[old + add] = '\0';
	r->www_authenticate = p;
	return len;
}

void ta_http_response_clear(struct ta_http_response *resp)
{
	if (resp->body) {
		ta_wipe(resp->body, resp->cap);
		free(resp->body);
	}
	free(resp->www_authenticate);
	memset(resp, 0, sizeof(*resp));
}

static const char *ca_bundle(void)
{
	const char *v = getenv("CURL_CA_BUNDLE");

	if (v && *v)
		return v;
	v = getenv("SSL_CERT_FILE");
	return v && *v ? v : NULL;
}

/* libcurl asks this during a transfer; non-zero aborts it. */
static int on_progress(void *data, curl_off_t dltotal, curl_off_t dlnow,
                       curl_off_t ultotal, curl_off_t ulnow)
{
	const struct ta_client *c = data;
	(void)dltotal;
	(void)dlnow;
	(void)ultotal;
	(void)ulnow;

	return ta_cancel_asked(c);
}

static enum ta_result curl_failure(struct ta_client *c, const char *url,
                                   CURLcode rc, const char *detail,
                                   const struct ta_http_response *resp)
{
	char shown[CURL_ERROR_SIZE];

	if (resp->too_large || rc == CURLE_FILESIZE_EXCEEDED)
		return ta_fail(c, TA_E_TOO_LARGE, "the answer from %s exceeds %d bytes",
		               url, TA_HTTP_MAX_BODY);
	if (rc == CURLE_ABORTED_BY_CALLBACK)
		return ta_fail(c, TA_E_CANCELLED, "the sign-in was cancelled");
	if (rc == CURLE_OUT_OF_MEMORY || rc == CURLE_WRITE_ERROR)
		return ta_fail(c, TA_E_NOMEM, "out of memory reading %s", url);
	/* libcurl's text may quote a certificate's names: printable only. */
	ta_printable(shown, sizeof(shown), detail[0] ? detail : curl_easy_strerror(rc));
	return ta_fail(c, TA_E_UNREACHABLE, "cannot reach %s: %s", url, shown);
}

/* GET, or POST body (of content_type, when not a form), asking for an
 * answer of type accept. */
static enum ta_result perform(struct ta_client *c, const char *url, const char *form,
                              const char *content_type, const char *accept,
                              struct ta_http_response *resp)
{
	char detail[CURL_ERROR_SIZE] = "";
	struct curl_slist *headers = NULL;
	enum ta_result r;
	CURLcode rc;
	CURL *h;

	memset(resp, 0, sizeof(*resp));
	if ((r = ta_url_check(c, "endpoint", url)) != TA_OK)
		return r;
	pthread_once(&curl_once, curl_init);
	if (curl_init_result != CURLE_OK || !(h = curl_easy_init()))
		return ta_fail(c, TA_E_INTERNAL, "libcurl could not start");
	headers = curl_slist_append(headers, accept);
	if (headers && content_type) {
		struct curl_slist *more = curl_slist_append(headers, content_type);
		if (!more)
			curl_slist_free_all(headers);
		headers = more;
	}
	if (!headers) {
		curl_easy_cleanup(h);
		return TA_E_NOMEM;
	}
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, detail);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, resp);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, resp);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "termauth/" TA_VERSION);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(h, CURLOPT_XFERINFODATA, c);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)c->http_timeout);
	curl_easy_setopt(h, CURLOPT_MAXFILESIZE, (long)TA_HTTP_MAX_BODY);
	rc = curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "https");
	if (rc != CURLE_OK) {
		r = ta_fail(c, TA_E_INTERNAL, "libcurl cannot be limited to http(s)");
		goto out;
	}
	if (ca_bundle()) {
		ta_debug(c, 2, "CA bundle: %s", ca_bundle());
		curl_easy_setopt(h, CURLOPT_CAINFO, ca_bundle());
	}
	/* "" disables every proxy, including those from the environment. */
	if (ta_url_is_loopback(url))
		curl_easy_setopt(h, CURLOPT_PROXY, "");
	if (form) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, form);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(form));
	}
	ta_debug(c, 2, "%s %s", form ? "POST" : "GET", url);
	rc = curl_easy_perform(h);
	if (rc != CURLE_OK) {
		r = curl_failure(c, url, rc, detail, resp);
		ta_http_response_clear(resp);
		goto out;
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &resp->status);
	ta_debug(c, 2, "%s answered HTTP %ld, %zu bytes", url, resp->status, resp->len);
	if (!resp->body && !(resp->body = calloc(1, 1))) {
		r = TA_E_NOMEM;
		goto out;
	}
	r = TA_OK;
out:
	curl_slist_free_all(headers);
	curl_easy_cleanup(h);
	return r;
}

enum ta_result ta_http_get(struct ta_client *c, const char *url,
                           struct ta_http_response *resp)
{
	return perform(c, url, NULL, NULL, "Accept: application/json", resp);
}

enum ta_result ta_http_post_form(struct ta_client *c, const char *url,
                                 const char *form, struct ta_http_response *resp)
{
	return perform(c, url, form, NULL, "Accept: application/json", resp);
}

enum ta_result ta_http_post_form_xml(struct ta_client *c, const char *url, const char *form,
                                     struct ta_http_response *resp)
{
	return perform(c, url, form, NULL, "Accept: text/xml", resp);
}

enum ta_result ta_http_post_json(struct ta_client *c, const char *url, const char *json,
                                 struct ta_http_response *resp)
{
	return perform(c, url, json, "Content-Type: application/json", "Accept: application/json",
	               resp);
}
