/*
 * http.c - see http.h. libcurl is told to speak http and https only, and
 * the URL itself is checked here, because allowing http in libcurl allows
 * it for every host. libcurl does not read CURL_CA_BUNDLE or SSL_CERT_FILE
 * (only the curl tool does), so they are read here.
 */
#include <pthread.h>
#include <stddef.h>
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

void ta_http_response_clear(struct ta_http_response *resp)
{
	if (resp->body) {
		ta_wipe(resp->body, resp->cap);
		free(resp->body);
	}
	free(resp->www_authenticate);
	free(resp->dpop_nonce);
	memset(resp, 0, sizeof(*resp));
}

/* Appends one field's value to *dst (", " between fields of one name),
 * without its surrounding white space. 0 when out of memory or too long. */
static int header_keep(char **dst, const char *v, size_t len)
{
	size_t had = *dst ? strlen(*dst) : 0, need;
	char *p;

	while (len && (*v == ' ' || *v == '\t'))
		v++, len--;
	while (len && (v[len - 1] == ' ' || v[len - 1] == '\t' || v[len - 1] == '\r' ||
	               v[len - 1] == '\n'))
		len--;
	need = had + (had ? 2 : 0) + len + 1;
	if (need > TA_HTTP_MAX_HEADER || !(p = realloc(*dst, need)))
		return 0;
	if (had)
		memcpy(p + had, ", ", 2), had += 2;
	memcpy(p + had, v, len);
	p[had + len] = '\0';
	*dst = p;
	return 1;
}

/* libcurl hands each header line of each response here. A new status line
 * starts a new response (an interim 1xx): what the one before said goes. */
static size_t on_header(char *data, size_t size, size_t n, void *userp)
{
	static const struct { const char *name; size_t offset; } kept[] = {
		{ "www-authenticate:", offsetof(struct ta_http_response, www_authenticate) },
		{ "dpop-nonce:", offsetof(struct ta_http_response, dpop_nonce) },
	};
	struct ta_http_response *r = userp;
	size_t len = size * n, i, nlen;
	char **dst;

	if (len >= 5 && !memcmp(data, "HTTP/", 5)) {
		for (i = 0; i < sizeof(kept) / sizeof(kept[0]); i++) {
			dst = (char **)((char *)r + kept[i].offset);
			free(*dst);
			*dst = NULL;
		}
		return len;
	}
	for (i = 0; i < sizeof(kept) / sizeof(kept[0]); i++) {
		nlen = strlen(kept[i].name);
		dst = (char **)((char *)r + kept[i].offset);
		if (len > nlen && !strncasecmp(data, kept[i].name, nlen) &&
		    !header_keep(dst, data + nlen, len - nlen)) {
			r->header_too_large = 1;
			return 0; /* libcurl aborts: a header this large is not an answer */
		}
	}
	return len;
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

	if (resp->header_too_large)
		return ta_fail(c, TA_E_TOO_LARGE, "a header of the answer from %s exceeds %d bytes",
		               url, TA_HTTP_MAX_HEADER);
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

/* The request's header lines, those of lines[] that are not NULL; NULL
 * when out of memory. */
static struct curl_slist *header_list(const char *const *lines, size_t n)
{
	struct curl_slist *list = NULL, *more;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!lines[i])
			continue;
		if (!(more = curl_slist_append(list, lines[i]))) {
			curl_slist_free_all(list);
			return NULL;
		}
		list = more;
	}
	return list;
}

/* GET, or POST body (of content_type, when not a form), asking for an
 * answer of type accept, with one more header line when extra is set. */
static enum ta_result perform(struct ta_client *c, const char *url, const char *form,
                              const char *content_type, const char *accept,
                              const char *extra, struct ta_http_response *resp)
{
	const char *lines[] = { accept, content_type, extra };
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
	if (!(headers = header_list(lines, sizeof(lines) / sizeof(lines[0])))) {
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
		ta_http_response_clear(resp);
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
	return perform(c, url, NULL, NULL, "Accept: application/json", NULL, resp);
}

enum ta_result ta_http_post_form(struct ta_client *c, const char *url,
                                 const char *form, struct ta_http_response *resp)
{
	return perform(c, url, form, NULL, "Accept: application/json", NULL, resp);
}

enum ta_result ta_http_post_form_header(struct ta_client *c, const char *url, const char *form,
                                        const char *header, struct ta_http_response *resp)
{
	return perform(c, url, form, NULL, "Accept: application/json", header, resp);
}

enum ta_result ta_http_post_form_xml(struct ta_client *c, const char *url, const char *form,
                                     struct ta_http_response *resp)
{
	return perform(c, url, form, NULL, "Accept: text/xml", NULL, resp);
}

enum ta_result ta_http_post_json(struct ta_client *c, const char *url, const char *json,
                                 struct ta_http_response *resp)
{
	return perform(c, url, json, "Content-Type: application/json", "Accept: application/json",
	               NULL, resp);
}
