/*
 * message.c - the handle's message has a lifecycle: every API call that
 * takes a handle and can fail clears it first, so after a success
 * ta_client_message() is "", whatever failed before. Each such call is made
 * to fail once (its message is not empty), then a call succeeds, and the
 * message must be empty. Also: a failure passed on with context reads
 * "CONTEXT: what failed". Through libtermauth.so, no network.
 */
#include "fixture.h"

/* After a success, no message. */
#define CLEAN(c, call)                                                                     \
	do {                                                                               \
		CHECK_R(c, call, TA_OK);                                                   \
		if (*ta_client_message(c)) {                                               \
			fprintf(stderr, "FAIL %s:%d: after %s the message is still '%s'\n",  \
			        __FILE__, __LINE__, #call, ta_client_message(c));          \
			failures++;                                                        \
		}                                                                          \
	} while (0)
/* A failure, with a message. */
#define FAILS(c, call, want)                                                               \
	do {                                                                               \
		CHECK_R(c, call, want);                                                    \
		if (!*ta_client_message(c)) {                                              \
			fprintf(stderr, "FAIL %s:%d: %s failed without a message\n", __FILE__, \
			        __LINE__, #call);                                          \
			failures++;                                                        \
		}                                                                          \
	} while (0)

/* A failure of any kind, with a message. */
#define FAILS_ANY(c, call)                                                                 \
	do {                                                                               \
		if ((call) == TA_OK || !*ta_client_message(c)) {                           \
			fprintf(stderr, "FAIL %s:%d: %s did not fail with a message\n",       \
			        __FILE__, __LINE__, #call);                                \
			failures++;                                                        \
		}                                                                          \
	} while (0)

static void config(const char *text)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/config/config", fixture_dir);
	put_file(path, text, 0600);
}

int main(void)
{
	struct fixture_key key;
	struct ta_client *c = NULL;
	struct ta_profile *p = NULL;
	struct ta_session *s = NULL, *none = NULL;
	struct ta_jwks *keys = NULL;
	struct ta_jwks_source *src = NULL;
	struct ta_callbacks cb = TA_CALLBACKS_INIT(), zero = { 0 };
	struct ta_verify_options o = TA_VERIFY_OPTIONS_INIT(.issuer = "https://idp.example.com");
	struct ta_exchange_request noaud = TA_EXCHANGE_REQUEST_INIT();
	char token[2048], path[512], **names = NULL, *found = NULL;

	fixture_env();
	fixture_key(&key);
	fixture_sign(&key, "{\"iss\":\"https://idp.example.com\"}", token, sizeof(token));
	fixture_session("stored");
	CHECK(ta_client_new(&c) == TA_OK);

	/* ta_client_set */
	FAILS(c, ta_client_set(c, TA_OPT_PORT, "not a port"), TA_E_ARG);
	CLEAN(c, ta_client_set(c, TA_OPT_PORT, "8080"));
	FAILS(c, ta_client_set(c, TA_OPT_FLOW, "carrier pigeon"), TA_E_ARG);
	CLEAN(c, ta_client_set(c, TA_OPT_STORE, "file"));

	/* ta_client_set_callbacks */
	FAILS(c, ta_client_set_callbacks(c, &zero), TA_E_ARG);
	CLEAN(c, ta_client_set_callbacks(c, &cb));
	FAILS(c, ta_client_set(c, TA_OPT_TIMEOUT, "0"), TA_E_ARG);
	CLEAN(c, ta_client_set_callbacks(c, NULL));

	/* ta_profile_load, ta_profile_apply, ta_profile_save, ta_profile_find,
	 * ta_profile_list */
	config("[profile good]\nissuer = https://idp.example.com\nclient_id = cid\nstore = file\n"
	       "git_hosts = git.example.com\n"
	       "[profile bad]\nport = seventy\n");
	FAILS(c, ta_profile_load(c, "../escape", &p), TA_E_ARG);
	CLEAN(c, ta_profile_load(c, "bad", &p));
	/* Wrapped: the profile's name in front of what ta_client_set said. */
	FAILS(c, ta_profile_apply(p, c), TA_E_CONFIG);
	CHECK(!strcmp(ta_client_message(c), "profile 'bad': port must be 0-65535, not 'seventy'"));
	ta_profile_free(p);
	p = NULL;
	CLEAN(c, ta_profile_load(c, "good", &p));
	FAILS(c, ta_client_set(c, TA_OPT_PORT, "-1"), TA_E_ARG);
	CLEAN(c, ta_profile_apply(p, c));
	FAILS(c, ta_client_set(c, TA_OPT_PORT, "-1"), TA_E_ARG);
	CHECK(ta_profile_set(p, "scopes", "openid email") == TA_OK);
	CLEAN(c, ta_profile_save(c, p));
	FAILS(c, ta_client_set(c, TA_OPT_PORT, "-1"), TA_E_ARG);
	CLEAN(c, ta_profile_find(c, "git_hosts", "git.example.com", &found));
	CHECK(found && !strcmp(found, "good"));
	free(found);
	FAILS(c, ta_client_set(c, TA_OPT_PORT, "-1"), TA_E_ARG);
	CLEAN(c, ta_profile_list(c, &names));
	CHECK(names && names[0] && !strcmp(names[0], "good") && names[1] && !strcmp(names[1], "bad") &&
	      !names[2]);
	ta_profiles_free(names);
	names = NULL;
	ta_profile_free(p);
	p = NULL;
	/* A file others may write is refused; then a load that works. */
	snprintf(path, sizeof(path), "%s/config/config", fixture_dir);
	chmod(path, 0622);
	FAILS(c, ta_profile_load(c, "good", &p), TA_E_CONFIG);
	FAILS(c, ta_profile_list(c, &names), TA_E_CONFIG);
	chmod(path, 0600);
	CLEAN(c, ta_profile_load(c, "good", &p));
	ta_profile_free(p);

	/* ta_store_load, ta_store_save, ta_store_remove, ta_store_list,
	 * ta_store_ready */
	FAILS(c, ta_store_load(c, "nobody", &s), TA_E_NO_SESSION);
	CLEAN(c, ta_store_load(c, "stored", &s));
	FAILS_ANY(c, ta_store_save(c, "no/slash", s));
	CLEAN(c, ta_store_save(c, "copy", s));
	FAILS_ANY(c, ta_store_remove(c, ".hidden"));
	CLEAN(c, ta_store_remove(c, "copy"));
	FAILS(c, ta_store_load(c, "copy", &none), TA_E_NO_SESSION);
	CLEAN(c, ta_store_list(c, &names));
	ta_profiles_free(names);
	CLEAN(c, ta_client_set(c, TA_OPT_STORE, "keychain"));
	FAILS_ANY(c, ta_store_ready(c));
	CLEAN(c, ta_client_set(c, TA_OPT_STORE, "file"));
	FAILS(c, ta_store_load(c, "nobody", &none), TA_E_NO_SESSION);
	CLEAN(c, ta_store_ready(c));

	/* ta_session_fresh (from the stored file, no network),
	 * ta_session_reject, ta_logout */
	FAILS(c, ta_session_fresh(c, "nobody", 60, &none), TA_E_NO_SESSION);
	ta_session_free(s);
	s = NULL;
	CLEAN(c, ta_session_fresh(c, "stored", 60, &s));
	/* ta_session_fresh_id: "stored" has no ID token (said); one that has
	 * a fresh one is served, with its exp (no network). */
	FAILS(c, ta_session_fresh_id(c, "stored", 60, &none), TA_E_ID_TOKEN);
	{
		struct ta_session *with_id = NULL;
		char claims[128], id_token[2048], id_path[512], text[3072];
		long long exp = (long long)time(NULL) + 3600;

		snprintf(claims, sizeof(claims), "{\"iss\":\"https://idp.example.com\",\"iat\":%lld,\"exp\":%lld}",
		         exp - 3600, exp);
		fixture_sign(&key, claims, id_token, sizeof(id_token));
		snprintf(id_path, sizeof(id_path), "%s/state/termauth/with-id.json", fixture_dir);
		snprintf(text, sizeof(text),
		         "{\"format\":1,\"expires_at\":%lld,\"access_token\":\"at-id\",\"id_token\":\"%s\","
		         "\"issuer\":\"https://idp.example.com\",\"client_id\":\"cid\"}\n",
		         exp, id_token);
		put_file(id_path, text, 0600);
		CLEAN(c, ta_session_fresh_id(c, "with-id", 60, &with_id));
		CHECK(ta_session_id_token_expires_at(with_id) == exp);
		CHECK(!strcmp(ta_session_id_token(with_id), id_token));
		ta_session_free(with_id);
	}
	FAILS(c, ta_session_reject(c, "nobody", "at-x"), TA_E_NO_SESSION);
	CLEAN(c, ta_session_reject(c, "stored", "not the stored token"));
	FAILS(c, ta_logout(c, "nobody"), TA_E_NO_SESSION);
	CLEAN(c, ta_store_save(c, "to-sign-out", s));
	FAILS(c, ta_store_load(c, "nobody", &none), TA_E_NO_SESSION);
	CLEAN(c, ta_logout(c, "to-sign-out"));

	/* ta_exchange, ta_credential_fresh: failures, then other calls */
	FAILS(c, ta_exchange(c, "stored", &noaud, 60, &none), TA_E_ARG);
	CLEAN(c, ta_store_load(c, "stored", &none));
	ta_session_free(none);
	none = NULL;
	FAILS(c, ta_credential_fresh(c, "not a credential", 60, &none), TA_E_ARG);
	CLEAN(c, ta_client_set(c, TA_OPT_SCOPES, "openid"));

	/* ta_credential_encode: a session without a refresh token cannot be
	 * one (said), one with it can (and then no message) */
	{
		struct ta_session *with_rt = NULL;
		char rt_path[512], *line = NULL;

		snprintf(rt_path, sizeof(rt_path), "%s/state/termauth/with-rt.json", fixture_dir);
		put_file(rt_path,
		         "{\"format\":1,\"access_token\":\"at-x\",\"refresh_token\":\"rt-x\","
		         "\"issuer\":\"https://idp.example.com\",\"client_id\":\"cid\","
		         "\"token_endpoint\":\"http://127.0.0.1:9/token\"}\n",
		         0600);
		FAILS(c, ta_credential_encode(c, s, &line), TA_E_ARG);
		CLEAN(c, ta_store_load(c, "with-rt", &with_rt));
		FAILS(c, ta_credential_encode(c, s, &line), TA_E_ARG);
		CLEAN(c, ta_credential_encode(c, with_rt, &line));
		CHECK(line && !strncmp(line, "ta1.", 4));
		free(line);
		ta_session_free(with_rt);
	}

	/* ta_jwks_parse, ta_jwt_verify, ta_jws_verify */
	FAILS(c, ta_jwks_parse(c, "not json", 8, &keys), TA_E_PROTOCOL);
	CLEAN(c, ta_jwks_parse(c, key.jwks, strlen(key.jwks), &keys));
	o.issuer = "https://other.example.com";
	FAILS(c, ta_jwt_verify(c, keys, token, strlen(token), &o, NULL), TA_E_VERIFY);
	o.issuer = "https://idp.example.com";
	CLEAN(c, ta_jwt_verify(c, keys, token, strlen(token), &o, NULL));
	FAILS(c, ta_jws_verify(c, keys, "a.b", 3, NULL, NULL), TA_E_VERIFY);
	CLEAN(c, ta_jws_verify(c, keys, token, strlen(token), NULL, NULL));

	/* ta_jwks_source_new, ta_jwt_verify_from */
	snprintf(path, sizeof(path), "%s/jwks.json", fixture_dir);
	put_file(path, key.jwks, 0600);
	FAILS_ANY(c, ta_jwks_source_new(c, "/nonexistent/jwks.json", &src));
	CLEAN(c, ta_jwks_source_new(c, path, &src));
	FAILS(c, ta_jwt_verify_from(c, src, "x.y.z", 5, &o, NULL), TA_E_VERIFY);
	CLEAN(c, ta_jwt_verify_from(c, src, token, strlen(token), &o, NULL));
	ta_jwks_source_free(src);

	/* ta_login failing fast (an issuer neither https nor loopback), then
	 * something else that succeeds. */
	CLEAN(c, ta_client_set(c, TA_OPT_ISSUER, "http://idp.example.com"));
	CLEAN(c, ta_client_set(c, TA_OPT_CLIENT_ID, "cid"));
	FAILS(c, ta_login(c, &none), TA_E_INSECURE);
	CLEAN(c, ta_store_load(c, "stored", &none));
	ta_session_free(none);
	none = NULL;
	FAILS(c, ta_login(c, &none), TA_E_INSECURE);
	CLEAN(c, ta_client_set(c, TA_OPT_ISSUER, "https://idp.example.com"));

	ta_session_free(s);
	ta_jwks_free(keys);
	ta_client_free(c);
	EVP_PKEY_free(key.pkey);
	fixture_cleanup();
	if (failures) {
		fprintf(stderr, "%d check(s) failed (files kept in %s)\n", failures, fixture_dir);
		return 1;
	}
	printf("ok: after each success the message is empty\n");
	return 0;
}
