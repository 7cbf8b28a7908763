/*
 * old_layouts.c - a program built against an older termauth.h keeps
 * working with this library. Each public sized struct is declared here as
 * it was before its newest member was added, and handed to the library
 * with that smaller size: what it sets is honoured, the member it lacks is
 * taken as zero, and nothing past its end is read - each older struct lies
 * in a heap block of exactly its size (AddressSanitizer sees any read past
 * it), or is followed by bytes that would change the outcome, or crash, if
 * they were read. Linked against the shared library, as such a program is.
 */
#include <stddef.h>
#include <stdint.h>
#include "fixture.h"

/* struct ta_callbacks before device_progress. */
struct callbacks_v0 {
	size_t size;
	void *data;
	void (*show_url)(void *data, const char *url, int browser_launched, int paste_ok);
	void (*notice)(void *data, const char *message);
	void (*debug)(void *data, int level, const char *message);
	int (*cancelled)(void *data);
	void (*show_device_code)(void *data, const char *user_code, const char *verification_uri,
	                         const char *verification_uri_complete, int expires_in);
};
/* struct ta_verify_options before require_exp. */
struct verify_options_v0 {
	size_t size;
	const char *issuer;
	const char *audience;
	long long leeway;
	long long now;
	const char *typ;
};
/* struct ta_exchange_request before requested_token_type. */
struct exchange_request_v0 {
	size_t size;
	const char *audience;
	const char *resource;
	const char *scope;
};

/* Each older layout is a prefix of the current one, and the member added
 * after it starts at or past its sizeof (the rule in termauth.h's head:
 * never in the older struct's trailing padding). */
#define SAME(old, new, m) _Static_assert(offsetof(struct old, m) == offsetof(struct new, m), #m)
SAME(callbacks_v0, ta_callbacks, size);
SAME(callbacks_v0, ta_callbacks, data);
SAME(callbacks_v0, ta_callbacks, show_url);
SAME(callbacks_v0, ta_callbacks, notice);
SAME(callbacks_v0, ta_callbacks, debug);
SAME(callbacks_v0, ta_callbacks, cancelled);
SAME(callbacks_v0, ta_callbacks, show_device_code);
_Static_assert(sizeof(struct callbacks_v0) <= offsetof(struct ta_callbacks, device_progress),
               "device_progress is past the older struct");
SAME(verify_options_v0, ta_verify_options, size);
SAME(verify_options_v0, ta_verify_options, issuer);
SAME(verify_options_v0, ta_verify_options, audience);
SAME(verify_options_v0, ta_verify_options, leeway);
SAME(verify_options_v0, ta_verify_options, now);
SAME(verify_options_v0, ta_verify_options, typ);
_Static_assert(sizeof(struct verify_options_v0) <= offsetof(struct ta_verify_options, require_exp),
               "require_exp is past the older struct");
SAME(exchange_request_v0, ta_exchange_request, size);
SAME(exchange_request_v0, ta_exchange_request, audience);
SAME(exchange_request_v0, ta_exchange_request, resource);
SAME(exchange_request_v0, ta_exchange_request, scope);
_Static_assert(sizeof(struct exchange_request_v0) <=
                   offsetof(struct ta_exchange_request, requested_token_type),
               "requested_token_type is past the older struct");

/* A block of exactly n bytes, holding what src holds. */
static void *exact_copy(const void *src, size_t n)
{
	void *p = malloc(n);

	if (!p)
		exit(2);
	return memcpy(p, src, n);
}

/* What the callbacks saw. */
struct seen {
	int debug, notice, cancelled, wrong_data;
};

static void on_debug(void *data, int level, const char *message)
{
	struct seen *s = data;

	(void)level;
	(void)message;
	s->debug++;
}

static void on_notice(void *data, const char *message)
{
	struct seen *s = data;

	(void)message;
	s->notice++;
}

static int on_cancelled(void *data)
{
	struct seen *s = data;

	s->cancelled++;
	return 1;
}

static void never_progress(void *data, int seconds_left)
{
	(void)data;
	(void)seconds_left;
	fprintf(stderr, "FAIL: device_progress of a struct that has none was called\n");
	abort();
}

/* Callbacks set through the older struct are called, with their data. */
static void callbacks(void)
{
	struct seen seen = { 0 }, seen2 = { 0 };
	const struct callbacks_v0 v0 = { .size = sizeof(struct callbacks_v0), .data = &seen,
		                         .notice = on_notice, .debug = on_debug,
		                         .cancelled = on_cancelled };
	/* The older struct followed by what would be device_progress. */
	struct {
		struct callbacks_v0 v0;
		void (*after)(void *, int);
	} guarded = { v0, never_progress };
	struct callbacks_v0 *exact = exact_copy(&v0, sizeof(v0));
	struct ta_client *c = NULL, *c2 = NULL;
	struct ta_session *s = NULL, *none = NULL;

	exact->data = &seen;
	CHECK(ta_client_new(&c) == TA_OK);
	CHECK_R(c, ta_client_set_callbacks(c, (const struct ta_callbacks *)exact), TA_OK);
	free(exact); /* copied: the library keeps no pointer into it */
	/* A sign-in that stops where the program asks it to: debug lines,
	 * then the cancelled callback. No network: the token endpoint is given
	 * (no discovery), and the flow stops before any request. */
	CHECK_R(c, ta_client_set(c, TA_OPT_CLIENT_ID, "cid"), TA_OK);
	CHECK_R(c, ta_client_set(c, TA_OPT_TOKEN_ENDPOINT, "http://127.0.0.1:9/token"), TA_OK);
	CHECK_R(c, ta_client_set(c, TA_OPT_FLOW, "device"), TA_OK);
	CHECK_R(c, ta_login(c, &none), TA_E_CANCELLED);
	CHECK(seen.debug > 0);
	CHECK(seen.cancelled == 1);
	CHECK(!none);

	/* The notice callback: a session saved with the store "auto" and no
	 * keychain goes to a file, and the program is told. */
	fixture_session("old");
	CHECK_R(c, ta_client_set(c, TA_OPT_STORE, "file"), TA_OK);
	CHECK_R(c, ta_store_load(c, "old", &s), TA_OK);
	CHECK(ta_client_new(&c2) == TA_OK);
	guarded.v0.data = &seen2;
	CHECK_R(c2, ta_client_set_callbacks(c2, (const struct ta_callbacks *)&guarded.v0), TA_OK);
	CHECK_R(c2, ta_store_save(c2, "old-copy", s), TA_OK);
	CHECK(seen2.notice == 1);
	CHECK(seen.notice == 0);
	ta_session_free(s);
	ta_client_free(c2);
	ta_client_free(c);
}

/* Verification honours the options of the older struct; require_exp,
 * which it lacks, is 0 - also when the bytes after it say 1. */
static void verify_options(const struct fixture_key *key)
{
	long long now = (long long)time(NULL);
	char no_exp[2048], expired[2048], claims[256];
	const struct verify_options_v0 v0 = { .size = sizeof(struct verify_options_v0),
		                              .issuer = "https://idp.example.com",
		                              .audience = "api", .now = now };
	struct {
		struct verify_options_v0 v0;
		int after; /* where require_exp is: 1 would refuse no_exp */
	} guarded = { v0, 1 };
	struct verify_options_v0 *o;
	struct ta_verify_options strict = TA_VERIFY_OPTIONS_INIT(.issuer = "https://idp.example.com",
		.audience = "api", .now = now, .require_exp = 1);
	struct ta_client *c = NULL;
	struct ta_jwks *keys = NULL;

	fixture_sign(key, "{\"iss\":\"https://idp.example.com\",\"aud\":\"api\"}", no_exp,
	             sizeof(no_exp));
	snprintf(claims, sizeof(claims), "{\"iss\":\"https://idp.example.com\",\"aud\":\"api\",\"exp\":%lld}",
	         now - 100);
	fixture_sign(key, claims, expired, sizeof(expired));
	CHECK(ta_client_new(&c) == TA_OK);
	CHECK_R(c, ta_jwks_parse(c, key->jwks, strlen(key->jwks), &keys), TA_OK);

	/* The current layout, asking for exp: refused (what the guard's 1
	 * would do if it were read). */
	CHECK_R(c, ta_jwt_verify(c, keys, no_exp, strlen(no_exp), &strict, NULL), TA_E_VERIFY);

	o = exact_copy(&v0, sizeof(v0));
	CHECK_R(c, ta_jwt_verify(c, keys, no_exp, strlen(no_exp), (const struct ta_verify_options *)o,
	                         NULL), TA_OK);
	CHECK_R(c, ta_jwt_verify(c, keys, no_exp, strlen(no_exp),
	                         (const struct ta_verify_options *)&guarded.v0, NULL), TA_OK);
	/* What the older struct has is honoured: issuer, audience, now,
	 * leeway, typ. */
	o->issuer = "https://other.example.com";
	CHECK_R(c, ta_jwt_verify(c, keys, no_exp, strlen(no_exp), (const struct ta_verify_options *)o,
	                         NULL), TA_E_VERIFY);
	CHECK(strstr(ta_client_message(c), "issuer") != NULL);
	o->issuer = "https://idp.example.com";
	o->audience = "other-api";
	CHECK_R(c, ta_jwt_verify(c, keys, no_exp, strlen(no_exp), (const struct ta_verify_options *)o,
	                         NULL), TA_E_VERIFY);
	o->audience = "api";
	CHECK_R(c, ta_jwt_verify(c, keys, expired, strlen(expired), (const struct ta_verify_options *)o,
	                         NULL), TA_E_VERIFY);
	CHECK(strstr(ta_client_message(c), "expired") != NULL);
	o->leeway = 200;
	CHECK_R(c, ta_jwt_verify(c, keys, expired, strlen(expired), (const struct ta_verify_options *)o,
	                         NULL), TA_OK);
	o->now = now - 1000; /* before it expired, even without the leeway */
	o->leeway = 0;
	CHECK_R(c, ta_jwt_verify(c, keys, expired, strlen(expired), (const struct ta_verify_options *)o,
	                         NULL), TA_OK);
	o->typ = "at+jwt"; /* the token has no typ */
	CHECK_R(c, ta_jwt_verify(c, keys, expired, strlen(expired), (const struct ta_verify_options *)o,
	                         NULL), TA_E_VERIFY);
	free(o);
	ta_jwks_free(keys);
	ta_client_free(c);
}

/* An exchange request of the older struct is read as it is: its
 * audience, and no requested_token_type - the pointer after it would
 * crash the lookup of the exchanged token's cache if it were read. */
static void exchange_request(void)
{
	const struct exchange_request_v0 v0 = { .size = sizeof(struct exchange_request_v0),
		                                .audience = "api", .scope = "read" };
	struct {
		struct exchange_request_v0 v0;
		const char *after; /* where requested_token_type is */
	} guarded = { v0, (const char *)(uintptr_t)1 };
	struct exchange_request_v0 *req = exact_copy(&v0, sizeof(v0));
	struct ta_client *c = NULL;
	struct ta_session *d = NULL;

	CHECK(ta_client_new(&c) == TA_OK);
	CHECK_R(c, ta_client_set(c, TA_OPT_STORE, "file"), TA_OK);
	/* Past the argument checks, the lookup of the cached token and of the
	 * profile's session, which it does not have. */
	CHECK_R(c, ta_exchange(c, "nobody", (const struct ta_exchange_request *)req, 60, &d),
	        TA_E_NO_SESSION);
	CHECK_R(c, ta_exchange(c, "nobody", (const struct ta_exchange_request *)&guarded.v0, 60, &d),
	        TA_E_NO_SESSION);
	/* The audience is read from the older struct. */
	req->audience = NULL;
	CHECK_R(c, ta_exchange(c, "nobody", (const struct ta_exchange_request *)req, 60, &d), TA_E_ARG);
	CHECK(strstr(ta_client_message(c), "audience") != NULL);
	CHECK(!d);
	free(req);
	ta_client_free(c);
}

/* Sizes the library refuses, each said in the message; and a newer
 * program's larger struct, accepted when what this library does not know
 * is zero. */
static void sizes(void)
{
	struct ta_client *c = NULL;
	struct ta_callbacks zero = { 0 };
	struct ta_verify_options vzero = { 0 };
	struct ta_exchange_request ezero = { .audience = "api" };
	struct {
		struct ta_callbacks cb;
		void *newer;
	} larger = { TA_CALLBACKS_INIT(), NULL };
	struct ta_jwks *keys = NULL;
	struct ta_session *d = NULL;

	CHECK(ta_client_new(&c) == TA_OK);
	CHECK_R(c, ta_client_set_callbacks(c, &zero), TA_E_ARG);
	CHECK(strstr(ta_client_message(c), "struct ta_callbacks has size 0") != NULL);
	CHECK_R(c, ta_jwks_parse(c, "{\"keys\":[]}", 11, &keys), TA_OK);
	CHECK_R(c, ta_jwt_verify(c, keys, "a.b.c", 5, &vzero, NULL), TA_E_ARG);
	CHECK(strstr(ta_client_message(c), "struct ta_verify_options has size 0") != NULL);
	CHECK_R(c, ta_exchange(c, "nobody", &ezero, 60, &d), TA_E_ARG);
	CHECK(strstr(ta_client_message(c), "struct ta_exchange_request has size 0") != NULL);
	larger.cb.size = sizeof(larger);
	CHECK_R(c, ta_client_set_callbacks(c, &larger.cb), TA_OK);
	larger.newer = &larger;
	CHECK_R(c, ta_client_set_callbacks(c, &larger.cb), TA_E_ARG);
	CHECK(strstr(ta_client_message(c), "does not know") != NULL);
	/* A size that ends inside a member (half the audience pointer), and
	 * one that is a pointer - what a program built before there was a
	 * size passes in its place: refused before anything past the first
	 * member is read (ASan would see it). */
	{
		struct ta_exchange_request *cut = malloc(sizeof(*cut));
		struct ta_verify_options *old = calloc(1, sizeof(*old));

		CHECK(cut && old);
		*cut = (struct ta_exchange_request)TA_EXCHANGE_REQUEST_INIT(.audience = "api");
		cut->size = sizeof(size_t) + 4;
		CHECK_R(c, ta_exchange(c, "nobody", cut, 60, &d), TA_E_ARG);
		CHECK(strstr(ta_client_message(c), "which no termauth.h gives it") != NULL);
		old->size = (size_t)(uintptr_t)"https://issuer.example";
		CHECK_R(c, ta_jwt_verify(c, keys, "a.b.c", 5, old, NULL), TA_E_ARG);
		CHECK(strstr(ta_client_message(c), "which no termauth.h gives it") != NULL);
		free(cut);
		free(old);
	}
	ta_jwks_free(keys);
	ta_client_free(c);
}

int main(void)
{
	struct fixture_key key;

	fixture_env();
	fixture_key(&key);
	callbacks();
	verify_options(&key);
	exchange_request();
	sizes();
	EVP_PKEY_free(key.pkey);
	fixture_cleanup();
	if (failures) {
		fprintf(stderr, "%d check(s) failed (files kept in %s)\n", failures, fixture_dir);
		return 1;
	}
	printf("ok: older layouts of struct ta_callbacks, ta_verify_options and ta_exchange_request work\n");
	return 0;
}
