/*
 * jwks_source.c - where a JWKS comes from: a file, or an URL (https, or
 * http on loopback) fetched through http.c and cached on disk in
 * $XDG_CACHE_HOME/termauth/jwks/ (0600 in 0700), so that `termauth verify`
 * and each sign-in need not fetch it every time. A cached JWKS is used for
 * an hour; a token whose kid it does not know makes it fetch again - IdPs
 * rotate keys - but at most once a minute, so that tokens with made-up kids
 * cannot make termauth hammer the IdP.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <jansson.h>
#include <openssl/sha.h>
#include "base/base64url.h"
#include "base/fileio.h"
#include "base/result.h"
#include "base/url.h"
#include "jose/jwk.h"
#include "oauth/discovery.h"
#include "oauth/http.h"

#define JWKS_MAX (512 * 1024)
#define JWKS_FRESH_SECONDS 3600
#define JWKS_REFETCH_SECONDS 60

struct ta_jwks_source {
	char *where;       /* the file or the URL */
	int is_url;
	char *cache_path;  /* for an URL: its cache file, or NULL */
	struct ta_jwks *keys;
	long long fetched_at; /* when keys were fetched (cache file's mtime) */
};

void ta_jwks_source_free(struct ta_jwks_source *src)
{
	if (!src)
		return;
	ta_jwks_free(src->keys);
	free(src->where);
	free(src->cache_path);
	free(src);
}

static enum ta_result cache_path(const char *url, char **out)
{
	unsigned char d[SHA256_DIGEST_LENGTH];
	char *base = NULL, hex[33];
	enum ta_result r;
	int i;

	SHA256((const unsigned char *)url, strlen(url), d);
	for (i = 0; i < 16; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
	if ((r = ta_xdg_dir("XDG_CACHE_HOME", ".cache", &base)) == TA_OK)
		r = ta_path_join(base, "termauth/jwks", "", out);
	free(base);
	if (r == TA_OK) {
		char *dir = *out;
		r = ta_path_join(dir, hex, ".json", out);
		free(dir);
	}
	return r;
}

/* Parses text into src->keys, replacing what was there. */
static enum ta_result take(struct ta_client *c, struct ta_jwks_source *src, const char *text,
                           size_t len, long long when)
{
	struct ta_jwks *keys = NULL;
	enum ta_result r = ta_jwks_parse(c, text, len, &keys);

	if (r != TA_OK)
		return r;
	ta_jwks_free(src->keys);
	src->keys = keys;
	src->fetched_at = when;
	return TA_OK;
}

/* Fetches the URL, keeps what it says, and writes the cache. */
static enum ta_result fetch(struct ta_client *c, struct ta_jwks_source *src)
{
	struct ta_http_response resp;
	enum ta_result r;
	char *dir, *slash;

	ta_debug(c, 1, "fetching the JWKS at %s", src->where);
	if ((r = ta_http_get(c, src->where, &resp)) != TA_OK)
		return r;
	if (resp.status != 200)
		r = ta_fail(c, TA_E_HTTP, "the JWKS at %s answered HTTP %ld", src->where, resp.status);
	else
		r = take(c, src, resp.body, resp.len, (long long)time(NULL));
	if (r == TA_OK && src->cache_path && (dir = strdup(src->cache_path))) {
		/* The cache is an optimisation: failing to write it is no failure. */
		if ((slash = strrchr(dir, '/'))) {
			*slash = '\0';
			if ((slash = strrchr(dir, '/'))) { /* termauth/ first, then jwks/ */
				*slash = '\0';
				ta_dir_make(NULL, dir);
				*slash = '/';
			}
			if (ta_dir_make(NULL, dir) == TA_OK)
				ta_file_replace(NULL, src->cache_path, resp.body, resp.len);
		}
		free(dir);
	}
	ta_http_response_clear(&resp);
	return r;
}

/* The cached copy, when it is fresh enough. */
static int from_cache(struct ta_client *c, struct ta_jwks_source *src)
{
	char *text = NULL;
	size_t len = 0;
	struct stat st;
	int ok = 0;

	if (!src->cache_path || stat(src->cache_path, &st) ||
	    (long long)time(NULL) - (long long)st.st_mtime >= JWKS_FRESH_SECONDS)
		return 0;
	if (ta_file_read(NULL, src->cache_path, JWKS_MAX, 1, &text, &len) == TA_OK)
		ok = take(NULL, src, text, len, (long long)st.st_mtime) == TA_OK;
	free(text);
	if (ok)
		ta_debug(c, 2, "the JWKS of %s from the cache", src->where);
	return ok;
}

enum ta_result ta_jwks_source_new(struct ta_client *c, const char *where,
                                  struct ta_jwks_source **out)
{
	struct ta_jwks_source *src;
	char *text = NULL;
	size_t len = 0;
	enum ta_result r;

	ta_call_begin(c);
	if (!(src = calloc(1, sizeof(*src))) || !(src->where = strdup(where))) {
		ta_jwks_source_free(src);
		return TA_E_NOMEM;
	}
	src->is_url = !strncmp(where, "https://", 8) || !strncmp(where, "http://", 7);
	if (src->is_url) {
		if ((r = ta_url_check(c, "JWKS", where)) != TA_OK)
			goto out;
		if (cache_path(where, &src->cache_path) != TA_OK)
			src->cache_path = NULL; /* no HOME: no cache, still works */
		r = from_cache(c, src) ? TA_OK : fetch(c, src);
	} else {
		r = ta_file_read(c, where, JWKS_MAX, 0, &text, &len);
		if (r == TA_OK)
			r = take(c, src, text, len, (long long)time(NULL));
		free(text);
	}
out:
	if (r != TA_OK) {
		ta_jwks_source_free(src);
		return r;
	}
	*out = src;
	return TA_OK;
}

/* 1 when the set has a key with this kid. */
static int has_kid(const struct ta_jwks *keys, const char *kid)
{
	size_t i;

	for (i = 0; keys && i < keys->n; i++)
		if (keys->keys[i].kid && !strcmp(keys->keys[i].kid, kid))
			return 1;
	return 0;
}

/* 1 when the token's header names a kid that src's keys lack. */
static int unknown_kid(const struct ta_jwks_source *src, const char *jwt, size_t len)
{
	const char *dot = memchr(jwt, '.', len);
	unsigned char *header = NULL;
	size_t n = 0;
	json_t *h, *kid;
	int unknown = 0;

	if (!dot || ta_b64url_decode(jwt, (size_t)(dot - jwt), &header, &n))
		return 0;
	h = json_loadb((const char *)header, n, JSON_REJECT_DUPLICATES, NULL);
	kid = json_object_get(h, "kid");
	if (json_is_string(kid))
		unknown = !has_kid(src->keys, json_string_value(kid));
	json_decref(h);
	free(header);
	return unknown;
}

enum ta_result ta_jwt_verify_from(struct ta_client *c, struct ta_jwks_source *src,
                                  const char *jwt, size_t len, const struct ta_verify_options *o,
                                  char **claims_json)
{
	ta_call_begin(c);
	/* Keys rotate: a kid the set lacks makes it fetch again, at most once a
	 * minute. */
	if (src->is_url && unknown_kid(src, jwt, len) &&
	    (long long)time(NULL) - src->fetched_at >= JWKS_REFETCH_SECONDS) {
		enum ta_result r = fetch(c, src);
		if (r != TA_OK)
			return r;
	}
	return ta_jwt_verify(c, src->keys, jwt, len, o, claims_json);
}

struct ta_jwks *ta_jwks_source_keys(struct ta_jwks_source *src)
{
	return src->keys;
}

enum ta_result ta_jwks_source_for_issuer(struct ta_client *c, const char *issuer,
                                         struct ta_jwks_source **out)
{
	struct ta_metadata md;
	enum ta_result r;

	ta_call_begin(c);
	if ((r = ta_discover(c, issuer, &md)) != TA_OK)
		return r;
	if (!md.jwks_uri)
		r = ta_fail(c, TA_E_PROTOCOL, "the IdP's discovery document has no jwks_uri");
	else
		r = ta_jwks_source_new(c, md.jwks_uri, out);
	ta_metadata_clear(&md);
	return r;
}
