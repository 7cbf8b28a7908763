/*
 * test_store.c - unit tests of a session's life: the file store
 * (lib/store/store_file.c, lib/session.c) with XDG_STATE_HOME pointed at a
 * throw-away directory; the choice of backend (lib/store/store.c) in file,
 * auto and keychain mode with no keychain to be found; the freshness check;
 * and the parsers a session is made from: the token endpoint's answer
 * (lib/token.c), the IdP's metadata (lib/discovery.c) and the ID token's
 * claims (lib/idtoken.c).
 *
 * No test reaches a real keychain: DBUS_SESSION_BUS_ADDRESS is unset and
 * XDG_RUNTIME_DIR is a throw-away directory with no "bus" socket in it, so
 * the keychain probe finds no session bus without connecting anywhere.
 */
#include <errno.h>
#include <limits.h>
#include <sys/stat.h>
#include <jansson.h>
#include "unit.h"
#include "base/base64url.h"
#include "base/result.h"
#include "base/secret.h"
#include "base/url.h"
#include "oauth/discovery.h"
#include "oauth/token.h"
#include "profile/record.h"
#include "signin/idtoken.h"
#include "store/store.h"

#define NOW 1700000000LL

/* ---------------------------------------------------------------------- */
/* The file store */

struct env {
	char *dir;  /* $XDG_STATE_HOME */
	char *tdir; /* $XDG_STATE_HOME/termauth */
	char *run;  /* $XDG_RUNTIME_DIR: no "bus" socket in it */
	char *cdir; /* $XDG_RUNTIME_DIR/termauth, the access token cache */
	struct ta_client *c;
};

static int env_setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));

	if (!e)
		return -1;
	e->dir = unit_tmpdir();
	e->tdir = unit_join(e->dir, "termauth");
	e->run = unit_tmpdir();
	e->cdir = unit_join(e->run, "termauth");
	if (setenv("XDG_STATE_HOME", e->dir, 1) || setenv("XDG_RUNTIME_DIR", e->run, 1) ||
	    unsetenv("DBUS_SESSION_BUS_ADDRESS") || ta_client_new(&e->c) != TA_OK)
		return -1;
	*state = e;
	return 0;
}

static int env_teardown(void **state)
{
	struct env *e = *state;

	unsetenv("XDG_STATE_HOME");
	unsetenv("XDG_RUNTIME_DIR");
	unit_rmtree(e->dir);
	unit_rmtree(e->run);
	ta_client_free(e->c);
	free(e->dir);
	free(e->tdir);
	free(e->run);
	free(e->cdir);
	free(e);
	return 0;
}

struct values {
	const char *access_token, *refresh_token, *id_token, *token_type, *scope, *issuer,
		*client_id, *subject;
	long long expires_at;
};

static const struct values first = {
	"at-1.abc", "rt-1", "h.p.s", "Bearer", "openid profile", "https://idp.example.com",
	"termauth", "alice", NOW + 3600,
};

/* Every string the JSON form must carry: quotes, backslashes, controls,
 * non-ASCII. Refresh and ID token absent. */
static const struct values second = {
	"at-2 \"q\" \\ \t\n\x01 \xc3\xa9", NULL, NULL, "bearer", "", "https://idp2.example.com/x",
	"c2", "b\xc3\xb6" "b", 0,
};

static struct ta_session *session_of(const struct values *v)
{
	struct ta_session *s = NULL;

	assert_int_equal(ta_session_new(&s), TA_OK);
	assert_int_equal(ta_set_string(&s->access_token, v->access_token), TA_OK);
	assert_int_equal(ta_set_string(&s->refresh_token, v->refresh_token), TA_OK);
	assert_int_equal(ta_set_string(&s->id_token, v->id_token), TA_OK);
	assert_int_equal(ta_set_string(&s->token_type, v->token_type), TA_OK);
	assert_int_equal(ta_set_string(&s->scope, v->scope), TA_OK);
	assert_int_equal(ta_set_string(&s->issuer, v->issuer), TA_OK);
	assert_int_equal(ta_set_string(&s->client_id, v->client_id), TA_OK);
	assert_int_equal(ta_set_string(&s->subject, v->subject), TA_OK);
	s->expires_at = v->expires_at;
	return s;
}

static void check_str(const char *got, const char *want, const char *what)
{
	if (!want && got)
		fail_msg("%s: '%s', want none", what, got);
	if (want && (!got || strcmp(got, want)))
		fail_msg("%s: '%s', want '%s'", what, got ? got : "(null)", want);
}

/* Checks through the public accessors. */
static void check_session(const struct ta_session *s, const struct values *v)
{
	assert_non_null(s);
	check_str(ta_session_access_token(s), v->access_token, "access_token");
	check_str(ta_session_refresh_token(s), v->refresh_token, "refresh_token");
	check_str(ta_session_id_token(s), v->id_token, "id_token");
	check_str(ta_session_token_type(s), v->token_type, "token_type");
	check_str(ta_session_scope(s), v->scope, "scope");
	check_str(ta_session_issuer(s), v->issuer, "issuer");
	check_str(ta_session_client_id(s), v->client_id, "client_id");
	check_str(ta_session_subject(s), v->subject, "subject");
	assert_int_equal(ta_session_expires_at(s), v->expires_at);
}

static void store_load_nothing(void **state)
{
	struct env *e = *state;
	struct ta_session *s = NULL;

	assert_int_equal(ta_store_load(e->c, "work", &s), TA_E_NO_SESSION);
	assert_null(s);
	assert_non_null(strstr(ta_client_message(e->c), "work"));
	/* Also without a client handle. */
	assert_int_equal(ta_store_load(NULL, "work", &s), TA_E_NO_SESSION);
	/* Removing nothing is fine. */
	assert_int_equal(ta_store_remove(e->c, "work"), TA_OK);
}

static void store_path_under_state_home(void **state)
{
	struct env *e = *state;
	char *path = NULL, *want = unit_join(e->tdir, "work.json");

	assert_int_equal(ta_store_path("work", &path), TA_OK);
	assert_string_equal(path, want);
	free(path);
	free(want);
	/* A relative XDG_STATE_HOME is ignored (XDG spec): $HOME/.local/state. */
	{
		char *home = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
		assert_int_equal(setenv("XDG_STATE_HOME", "relative/dir", 1), 0);
		assert_int_equal(setenv("HOME", "/nonexistent-home", 1), 0);
		assert_int_equal(ta_store_path("p", &path), TA_OK);
		assert_string_equal(path, "/nonexistent-home/.local/state/termauth/p.json");
		free(path);
		if (home)
			setenv("HOME", home, 1);
		else
			unsetenv("HOME");
		free(home);
		assert_int_equal(setenv("XDG_STATE_HOME", e->dir, 1), 0);
	}
}

static void store_save_load_replace_remove(void **state)
{
	struct env *e = *state;
	struct ta_session *s = session_of(&first), *back = NULL;
	struct stat st;
	char *path = unit_join(e->tdir, "work.json");

	assert_int_equal(ta_store_save(e->c, "work", s), TA_OK);
	ta_session_free(s);

	assert_int_equal(ta_store_load(e->c, "work", &back), TA_OK);
	check_session(back, &first);
	ta_session_free(back);
	back = NULL;

	/* 0600 file in a 0700 directory. */
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(st.st_uid, getuid());
	assert_int_equal(lstat(e->tdir, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0700);

	/* Saving again replaces it, and leaves nothing else behind. */
	s = session_of(&second);
	assert_int_equal(ta_store_save(e->c, "work", s), TA_OK);
	ta_session_free(s);
	assert_int_equal(ta_store_load(e->c, "work", &back), TA_OK);
	check_session(back, &second);
	ta_session_free(back);
	back = NULL;
	assert_int_equal(unit_count_entries(e->tdir, "work.json"), 1);
	assert_int_equal(lstat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);

	/* Another profile is another file. */
	s = session_of(&first);
	assert_int_equal(ta_store_save(e->c, "home", s), TA_OK);
	ta_session_free(s);
	assert_int_equal(unit_count_entries(e->tdir, NULL), 2);
	assert_int_equal(ta_store_load(e->c, "work", &back), TA_OK);
	check_session(back, &second);
	ta_session_free(back);
	back = NULL;

	/* Removed: gone, and the other profile stays. */
	assert_int_equal(ta_store_remove(e->c, "work"), TA_OK);
	assert_int_equal(ta_store_load(e->c, "work", &back), TA_E_NO_SESSION);
	assert_null(back);
	assert_int_equal(ta_store_remove(e->c, "work"), TA_OK);
	assert_int_equal(unit_count_entries(e->tdir, "home.json"), 1);
	assert_int_equal(ta_store_load(e->c, "home", &back), TA_OK);
	check_session(back, &first);
	ta_session_free(back);
	free(path);
}

/* A directory made before with looser permissions is narrowed to 0700. */
static void store_narrows_directory(void **state)
{
	struct env *e = *state;
	struct ta_session *s = session_of(&first);
	struct stat st;

	assert_int_equal(mkdir(e->tdir, 0700), 0);
	assert_int_equal(chmod(e->tdir, 0755), 0);
	assert_int_equal(ta_store_save(e->c, "work", s), TA_OK);
	assert_int_equal(lstat(e->tdir, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	ta_session_free(s);
}

static void store_refuses_bad_profile_names(void **state)
{
	struct env *e = *state;
	static const char *const names[] = {
		"", ".x", "..", "a/b", "../x", "a b", "a\nb", "a*", "\xc3\xa9", NULL,
		"0123456789012345678901234567890123456789012345678901234567890123X", /* 65 */
	};
	struct ta_session *s = session_of(&first), *back = NULL;
	size_t i;

	for (i = 0; i < NELEMS(names); i++) {
		char *path = NULL;
		ROW_CHECK(ta_store_save(e->c, names[i], s) == TA_E_ARG, i, "save accepted");
		ROW_CHECK(ta_store_load(e->c, names[i], &back) == TA_E_ARG, i, "load accepted");
		ROW_CHECK(ta_store_remove(e->c, names[i]) == TA_E_ARG, i, "remove accepted");
		ROW_CHECK(ta_store_path(names[i], &path) == TA_E_ARG, i, "path accepted");
		ROW_CHECK(strstr(ta_client_message(e->c), "not a valid profile name") != NULL, i,
		          "message '%s'", ta_client_message(e->c));
	}
	assert_null(back);
	/* Nothing was written. */
	{
		struct stat st;
		assert_int_equal(lstat(e->tdir, &st), -1);
	}
	/* The limits themselves: 64 characters, '.', '_' and '-' inside. */
	assert_int_equal(ta_store_save(e->c, "0123456789012345678901234567890123456789012345678901234567890123", s),
	                 TA_OK);
	assert_int_equal(ta_store_save(e->c, "a.b_c-D9", s), TA_OK);
	assert_int_equal(ta_store_save(e->c, "x.", s), TA_OK);
	assert_int_equal(unit_count_entries(e->tdir, NULL), 3);
	ta_session_free(s);
}

static void store_refuses_corrupt_files(void **state)
{
	struct env *e = *state;
	static const char *const bodies[] = {
		"not json",
		"",
		"[]",
		"\"format\"",
		"{}",
		"{\"format\":2,\"access_token\":\"a\"}",
		"{\"format\":\"1\",\"access_token\":\"a\"}",
		"{\"format\":1.0,\"access_token\":\"a\"}",
		"{\"format\":1,\"access_token\":5}",
		"{\"format\":1,\"access_token\":null}",
		"{\"format\":1,\"refresh_token\":[\"a\"]}",
		"{\"format\":1,\"subject\":{}}",
		"{\"format\":1,\"expires_at\":\"1700000000\"}",
		"{\"format\":1,\"expires_at\":1.5}",
		"{\"format\":1,\"access_token\":\"a\",\"access_token\":\"b\"}",
		"{\"format\":1,\"access_token\":\"a\"} trailing",
		"{\"format\":1,\"access_token\":\"a\\u0000b\"}",
		"{\"format\":1,\"access_token\":\"\xff\"}",
		"{\"format\":1,\"expires_at\":99999999999999999999999}",
		"{\"format\":1,\"access_token\":\"a\",\"expires_at\":-1}",
		"{\"format\":1,\"access_token\":\"a\",\"expires_at\":-9223372036854775808}",
	};
	char *path;
	size_t i;

	assert_int_equal(mkdir(e->tdir, 0700), 0);
	path = unit_join(e->tdir, "work.json");
	for (i = 0; i < NELEMS(bodies); i++) {
		struct ta_session *s = NULL;
		enum ta_result r;
		unit_write_file(path, bodies[i]);
		r = ta_store_load(e->c, "work", &s);
		ROW_CHECK(r == TA_E_STORE, i, "'%s' gave %d (%s)", bodies[i], (int)r,
		          ta_client_message(e->c));
		ROW_CHECK(s == NULL, i, "a session came back");
		ROW_CHECK(ta_client_message(e->c)[0] != '\0', i, "no message");
	}
	/* Unknown members are allowed (a newer version may add some). */
	unit_write_file(path, "{\"format\":1,\"access_token\":\"a\",\"future\":[1,2]}");
	{
		struct ta_session *s = NULL;
		assert_int_equal(ta_store_load(e->c, "work", &s), TA_OK);
		assert_string_equal(ta_session_access_token(s), "a");
		assert_int_equal(ta_session_expires_at(s), 0);
		assert_null(ta_session_refresh_token(s));
		ta_session_free(s);
	}
	free(path);
}

/* The store file is not followed through a symlink, not read when it is
 * not a regular file, nor when it is too large. */
static void store_refuses_odd_files(void **state)
{
	struct env *e = *state;
	struct ta_session *s = NULL;
	char *path, *target;
	FILE *f;

	assert_int_equal(mkdir(e->tdir, 0700), 0);
	path = unit_join(e->tdir, "work.json");
	target = unit_join(e->dir, "elsewhere.json");
	unit_write_file(target, "{\"format\":1,\"access_token\":\"planted\"}");
	assert_int_equal(symlink(target, path), 0);
	assert_int_equal(ta_store_load(e->c, "work", &s), TA_E_STORE);
	assert_null(s);
	assert_int_equal(unlink(path), 0);

	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(ta_store_load(e->c, "work", &s), TA_E_STORE);
	assert_int_equal(rmdir(path), 0);

	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fseek(f, 4L * 1024 * 1024, SEEK_SET), 0);
	assert_int_equal(fputc('}', f), '}');
	fclose(f);
	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(ta_store_load(e->c, "work", &s), TA_E_TOO_LARGE);
	assert_null(s);
	assert_int_equal(unlink(path), 0);

	/* A store file others may read is not used (as OpenSSH's keys). */
	unit_write_file(path, "{\"format\":1,\"access_token\":\"a\"}");
	assert_int_equal(ta_store_load(e->c, "work", &s), TA_OK);
	ta_session_free(s);
	s = NULL;
	assert_int_equal(chmod(path, 0640), 0);
	assert_int_equal(ta_store_load(e->c, "work", &s), TA_E_STORE);
	assert_null(s);
	assert_non_null(strstr(ta_client_message(e->c), "read by others"));
	assert_int_equal(chmod(path, 0604), 0);
	assert_int_equal(ta_store_load(e->c, "work", &s), TA_E_STORE);
	assert_int_equal(chmod(path, 0400), 0);
	assert_int_equal(ta_store_load(e->c, "work", &s), TA_OK);
	ta_session_free(s);
	free(path);
	free(target);
}

static void session_json_round_trip(void **state)
{
	struct ta_session *s = session_of(&second), *back = NULL;
	char *json = NULL;

	(void)state;
	assert_int_equal(ta_session_to_json(s, &json), TA_OK);
	assert_non_null(strstr(json, "\"format\": 1"));
	/* Absent values are not written. */
	assert_null(strstr(json, "refresh_token"));
	assert_null(strstr(json, "id_token"));
	assert_int_equal(ta_session_from_json(NULL, json, strlen(json), &back), TA_OK);
	check_session(back, &second);
	ta_session_free(back);
	ta_free_secret(json);
	ta_session_free(s);
	ta_session_free(NULL);
}

/* What a session records about itself comes back from its JSON; a cache
 * entry's form (ta_session_to_json_access) has no refresh or ID token;
 * a bad id or bookkeeping number is refused. */
static void session_meta_round_trip(void **state)
{
	static const char *const bad[] = {
		"{\"format\":1,\"session_id\":\"0123\"}",
		"{\"format\":1,\"session_id\":\"0123456789ABCDEF0123456789abcdef\"}",
		"{\"format\":1,\"session_id\":5}",
		"{\"format\":1,\"obtained_at\":-1}",
		"{\"format\":1,\"lifetime\":\"60\"}",
	};
	struct ta_session *s = NULL, *back = NULL;
	char *json = NULL;
	size_t i;

	(void)state;
	assert_int_equal(ta_session_new(&s), TA_OK);
	assert_int_equal(ta_set_string(&s->access_token, "AT"), TA_OK);
	assert_int_equal(ta_set_string(&s->refresh_token, "RT"), TA_OK);
	assert_int_equal(ta_set_string(&s->id_token, "a.b.c"), TA_OK);
	assert_int_equal(ta_session_new_id(s), TA_OK);
	assert_int_equal(strlen(ta_session_meta(s)->id), TA_SESSION_ID_LEN);
	ta_session_meta(s)->obtained_at = NOW;
	ta_session_meta(s)->lifetime = 60;
	s->expires_at = NOW + 60;
	assert_int_equal(ta_session_to_json(s, &json), TA_OK);
	assert_int_equal(ta_session_from_json(NULL, json, strlen(json), &back), TA_OK);
	assert_string_equal(ta_session_meta(back)->id, ta_session_meta(s)->id);
	assert_int_equal(ta_session_meta(back)->obtained_at, NOW);
	assert_int_equal(ta_session_meta(back)->lifetime, 60);
	assert_string_equal(ta_session_refresh_token(back), "RT");
	ta_session_free(back);
	back = NULL;
	ta_free_secret(json);
	assert_int_equal(ta_session_to_json_access(s, &json), TA_OK);
	assert_null(strstr(json, "RT"));
	assert_null(strstr(json, "a.b.c"));
	assert_non_null(strstr(json, ta_session_meta(s)->id));
	ta_free_secret(json);
	/* Two sign-ins never share an id. */
	memcpy(json = malloc(TA_SESSION_ID_LEN + 1), ta_session_meta(s)->id, TA_SESSION_ID_LEN + 1);
	assert_int_equal(ta_session_new_id(s), TA_OK);
	assert_string_not_equal(json, ta_session_meta(s)->id);
	free(json);
	for (i = 0; i < NELEMS(bad); i++) {
		ROW_CHECK(ta_session_from_json(NULL, bad[i], strlen(bad[i]), &back) == TA_E_STORE, i,
		          "accepted %s", bad[i]);
		ta_session_free(back);
		back = NULL;
	}
	ta_session_free(s);
}

/* A token that lives no longer than the min-ttl asked is served while at
 * least half its life is left (one refresh per token, not one per call);
 * a token that could live up to min_ttl is not "short-lived". */
static void session_short_lived_rule(void **state)
{
	static const struct {
		long long lifetime, expires_in_left, min_ttl, obtained_at;
		int want;
	} rows[] = {
		{ 60, 60, 300, NOW, 1 },      /* just refreshed */
		{ 60, 30, 300, NOW - 30, 1 }, /* half left */
		{ 60, 29, 300, NOW - 31, 0 }, /* less than half: refresh */
		{ 60, 0, 300, NOW - 60, 0 },  /* expired */
		{ 60, 59, 60, NOW - 1, 1 },   /* lifetime == min_ttl: cannot do better */
		{ 61, 59, 60, NOW - 2, 0 },   /* could have had 60 s: refresh */
		{ 3600, 50, 60, NOW - 3550, 0 },
		{ 0, 3600, 7200, NOW, 1 },    /* no expires_in: the rule's hour */
		{ 0, 100, 7200, 0, 0 },       /* unknown age */
	};
	size_t i;

	(void)state;
	for (i = 0; i < NELEMS(rows); i++) {
		struct ta_session *s = NULL;
		assert_int_equal(ta_session_new(&s), TA_OK);
		assert_int_equal(ta_set_string(&s->access_token, "a"), TA_OK);
		ta_session_meta(s)->lifetime = rows[i].lifetime;
		ta_session_meta(s)->obtained_at = rows[i].obtained_at;
		s->expires_at = rows[i].lifetime || !rows[i].obtained_at ? NOW + rows[i].expires_in_left : 0;
		ROW_CHECK(ta_session_short_lived(s, NOW, rows[i].min_ttl) == rows[i].want, i,
		          "gave %d", !rows[i].want);
		ta_session_free(s);
	}
}

static void session_check_fresh_boundaries(void **state)
{
	static const struct {
		const char *access_token;
		long long expires_at, now, min_ttl;
		enum ta_result want;
		long long obtained_at; /* 0 unless given */
	} rows[] = {
		{ "a", NOW + 60, NOW, 60, TA_OK, 0 },
		{ "a", NOW + 59, NOW, 60, TA_E_EXPIRED, 0 },
		{ "a", NOW + 61, NOW, 60, TA_OK, 0 },
		{ "a", NOW, NOW, 0, TA_E_EXPIRED, 0 }, /* at its expiry, expired (as JWT exp) */
		{ "a", NOW - 1, NOW, 0, TA_E_EXPIRED, 0 },
		{ "a", NOW + 1, NOW, 0, TA_OK, 0 },
		{ "a", NOW - 3600, NOW, 60, TA_E_EXPIRED, 0 },
		{ "a", NOW + 86400, NOW, 3600, TA_OK, 0 },
		/* No expires_in: valid for the hour after it was received. */
		{ "a", 0, NOW, 60, TA_OK, NOW },
		{ "a", 0, NOW, 3600, TA_OK, NOW },
		{ "a", 0, NOW, 3601, TA_E_EXPIRED, NOW },
		{ "a", 0, NOW, 60, TA_OK, NOW - 3540 },
		{ "a", 0, NOW, 60, TA_E_EXPIRED, NOW - 3541 },
		{ "a", 0, NOW, 0, TA_E_EXPIRED, NOW - 3600 },
		{ "a", NOW + 7200, NOW, 60, TA_OK, NOW - 7000 }, /* the IdP's word wins */
		/* Neither expiry nor age known (an older session): expired, not
		 * valid forever - the next use refreshes it. */
		{ "a", 0, NOW, 60, TA_E_EXPIRED, 0 },
		{ "a", 0, NOW, 0, TA_E_EXPIRED, 0 },
		{ NULL, NOW + 3600, NOW, 60, TA_E_EXPIRED, 0 }, /* no token, not fresh */
		{ NULL, 0, NOW, 0, TA_E_EXPIRED, 0 },
		/* far from now either way: no overflow, the right answer */
		{ "a", -1, NOW, 0, TA_E_EXPIRED, 0 },
		{ "a", LLONG_MIN, NOW, 60, TA_E_EXPIRED, 0 },
		{ "a", LLONG_MIN + 1, NOW, LLONG_MAX, TA_E_EXPIRED, 0 },
		{ "a", LLONG_MAX, NOW, 60, TA_OK, 0 },
		{ "a", LLONG_MAX, NOW, LLONG_MAX, TA_E_EXPIRED, 0 },
		{ "a", NOW + 10, NOW, -100, TA_OK, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < NELEMS(rows); i++) {
		struct ta_session *s = NULL;
		enum ta_result r;
		assert_int_equal(ta_session_new(&s), TA_OK);
		assert_int_equal(ta_set_string(&s->access_token, rows[i].access_token), TA_OK);
		s->expires_at = rows[i].expires_at;
		ta_session_meta(s)->obtained_at = rows[i].obtained_at;
		r = ta_session_check_fresh(s, rows[i].now, rows[i].min_ttl);
		ROW_CHECK(r == rows[i].want, i, "gave %d", (int)r);
		ta_session_free(s);
	}
}

/* ---------------------------------------------------------------------- */
/* The token endpoint's answers */

static void token_response_success(void **state)
{
	static const char body[] =
		"{\"access_token\":\"AT\",\"token_type\":\"Bearer\",\"expires_in\":3600,"
		"\"refresh_token\":\"RT\",\"id_token\":\"a.b.c\",\"scope\":\"openid profile\"}";
	struct ta_client *c;
	struct ta_session *s = NULL;

	(void)state;
	assert_int_equal(ta_client_new(&c), TA_OK);
	assert_int_equal(ta_token_response_parse(c, 200, body, strlen(body), NOW, &s), TA_OK);
	assert_string_equal(ta_session_access_token(s), "AT");
	assert_string_equal(ta_session_token_type(s), "Bearer");
	assert_string_equal(ta_session_refresh_token(s), "RT");
	assert_string_equal(ta_session_id_token(s), "a.b.c");
	assert_string_equal(ta_session_scope(s), "openid profile");
	assert_int_equal(ta_session_expires_at(s), NOW + 3600);
	/* Set later, by the sign-in, not from the token response. */
	assert_null(ta_session_issuer(s));
	assert_null(ta_session_subject(s));
	ta_session_free(s);
	ta_client_free(c);
}

static void token_response_table(void **state)
{
	static const struct {
		long status;
		const char *body;
		enum ta_result want;
		long long expires_at; /* for TA_OK */
		const char *msg_has[2];
	} rows[] = {
		/* accepted */
		{ 200, "{\"access_token\":\"a\",\"token_type\":\"Bearer\"}", TA_OK, 0, { NULL } },
		{ 200, "{\"access_token\":\"a\",\"token_type\":\"Bearer\",\"expires_in\":\"300\"}",
		  TA_OK, NOW + 300, { NULL } },
		/* 0 is taken as not said: the hour's rule applies, not "expired" */
		{ 200, "{\"access_token\":\"a\",\"token_type\":\"Bearer\",\"expires_in\":0}", TA_OK,
		  0, { NULL } },
		{ 200, "{\"access_token\":\"a\",\"token_type\":\"Bearer\",\"refresh_token\":null}",
		  TA_OK, 0, { NULL } },
		{ 200, " {\"access_token\":\"a\",\"token_type\":\"Bearer\",\"x\":{\"y\":[1]}}\n",
		  TA_OK, 0, { NULL } },
		{ 200, "{\"access_token\":\"a\",\"token_type\":\"Bearer\",\"scope\":\"openid api:read !#$%&'()*+,-./[]^_`{|}~\"}",
		  TA_OK, 0, { NULL } },
		{ 200, "{\"access_token\":\"a\",\"token_type\":\"Bearer\",\"scope\":\"openid\\u001b[2J\"}",
		  TA_E_PROTOCOL, 0, { "scope", NULL } },
		{ 200, "{\"access_token\":\"a\",\"token_type\":\"Bearer\",\"scope\":\"a\\\"b\"}",
		  TA_E_PROTOCOL, 0, { "scope", NULL } },
		{ 200, "{\"access_token\":\"a\",\"token_type\":\"Bearer\",\"scope\":\"a\\\\b\"}",
		  TA_E_PROTOCOL, 0, { "scope", NULL } },
		{ 200, "{\"access_token\":\"a\",\"token_type\":\"Bearer\",\"scope\":\"caf\u00e9\"}",
		  TA_E_PROTOCOL, 0, { "scope", NULL } },
		{ 200, "{\"access_token\":\"a\",\"token_type\":\"Bearer\",\"scope\":\"a\\tb\"}",
		  TA_E_PROTOCOL, 0, { "scope", NULL } },
		/* OAuth errors */
		{ 400, "{\"error\":\"invalid_grant\",\"error_description\":\"code expired\"}",
		  TA_E_IDP, 0, { "invalid_grant", "code expired" } },
		{ 401, "{\"error\":\"invalid_client\"}", TA_E_IDP, 0, { "invalid_client", NULL } },
		{ 400, "{\"error\":\"access_denied\",\"error_description\":\"no\"}", TA_E_DENIED, 0,
		  { "access_denied", NULL } },
		{ 400, "{\"error\":\"invalid_grant\",\"error_description\":\"\\u001b[2Jx\\n\"}",
		  TA_E_IDP, 0, { "?[2Jx?", NULL } },
		/* not OAuth errors */
		{ 500, "<html><body>Internal Server Error</body></html>", TA_E_HTTP, 0,
		  { "500", NULL } },
		{ 502, "", TA_E_HTTP, 0, { "502", NULL } },
		{ 400, "{\"message\":\"bad\"}", TA_E_HTTP, 0, { "400", NULL } },
		{ 400, "{\"error\":42}", TA_E_HTTP, 0, { "400", NULL } },
		{ 302, "{\"access_token\":\"a\",\"token_type\":\"Bearer\"}", TA_E_HTTP, 0, { NULL } },
		/* malformed successes */
		{ 200, "<html></html>", TA_E_PROTOCOL, 0, { "not JSON", NULL } },
		{ 200, "", TA_E_PROTOCOL, 0, { NULL } },
		{ 200, "[\"access_token\"]", TA_E_PROTOCOL, 0, { NULL } },
		{ 200, "{\"access_token\":\"a\"}", TA_E_PROTOCOL, 0, { "token_type", NULL } },
		{ 200, "{\"token_type\":\"Bearer\"}", TA_E_PROTOCOL, 0, { "access_token", NULL } },
		{ 200, "{\"access_token\":\"\",\"token_type\":\"Bearer\"}", TA_E_PROTOCOL, 0,
		  { NULL } },
		{ 200, "{\"access_token\":5,\"token_type\":\"Bearer\"}", TA_E_PROTOCOL, 0,
		  { "access_token", NULL } },
		{ 200, "{\"access_token\":\"a\",\"access_token\":\"b\",\"token_type\":\"Bearer\"}",
		  TA_E_PROTOCOL, 0, { NULL } },
		{ 200, "{\"access_token\":\"a\",\"token_type\":\"Bearer\"} {}", TA_E_PROTOCOL, 0,
		  { NULL } },
		{ 200, "{\"access_token\":\"a\",\"token_type\":\"Bearer\",\"expires_in\":-1}",
		  TA_E_PROTOCOL, 0, { "expires_in", NULL } },
		{ 200, "{\"access_token\":\"a\",\"token_type\":\"Bearer\",\"expires_in\":\"-5\"}",
		  TA_E_PROTOCOL, 0, { "expires_in", NULL } },
		{ 200, "{\"access_token\":\"a\",\"token_type\":\"Bearer\",\"expires_in\":\"12x\"}",
		  TA_E_PROTOCOL, 0, { "expires_in", NULL } },
		{ 200, "{\"access_token\":\"a\",\"token_type\":\"Bearer\",\"expires_in\":\"\"}",
		  TA_E_PROTOCOL, 0, { "expires_in", NULL } },
		{ 200, "{\"access_token\":\"a\",\"token_type\":\"Bearer\",\"expires_in\":true}",
		  TA_E_PROTOCOL, 0, { "expires_in", NULL } },
		{ 200, "{\"access_token\":\"a\",\"token_type\":\"Bearer\",\"expires_in\":99999999999}",
		  TA_E_PROTOCOL, 0, { "expires_in", NULL } },
		{ 200, "{\"access_token\":\"a\",\"token_type\":\"Bearer\",\"expires_in\":"
		       "\"99999999999999999999999\"}", TA_E_PROTOCOL, 0, { "expires_in", NULL } },
	};
	size_t i;

	(void)state;
	for (i = 0; i < NELEMS(rows); i++) {
		struct ta_client *c;
		struct ta_session *s = NULL;
		enum ta_result r;
		size_t k;

		assert_int_equal(ta_client_new(&c), TA_OK);
		r = ta_token_response_parse(c, rows[i].status, rows[i].body, strlen(rows[i].body),
		                            NOW, &s);
		ROW_CHECK(r == rows[i].want, i, "%ld '%s' gave %d (%s)", rows[i].status,
		          rows[i].body, (int)r, ta_client_message(c));
		if (r == TA_OK) {
			/* The IdP's word as it is; what is served: without one, the
			 * hour after the token was received (TA_UNSAID_LIFETIME). */
			long long served = rows[i].expires_at ? rows[i].expires_at
			                                      : NOW + TA_UNSAID_LIFETIME;
			ROW_CHECK(s != NULL, i, "no session");
			ROW_CHECK(s->expires_at == rows[i].expires_at, i, "expires_at %lld", s->expires_at);
			ROW_CHECK(ta_session_valid_until(s) == served, i, "served until %lld",
			          ta_session_valid_until(s));
			ROW_CHECK(ta_session_meta(s)->obtained_at == NOW, i, "obtained_at %lld",
			          ta_session_meta(s)->obtained_at);
			ROW_CHECK(ta_session_meta(s)->lifetime ==
			                  (rows[i].expires_at ? rows[i].expires_at - NOW : 0),
			          i, "lifetime %lld", ta_session_meta(s)->lifetime);
		} else {
			ROW_CHECK(s == NULL, i, "a session on failure");
			ROW_CHECK(ta_client_message(c)[0] != '\0', i, "no message");
		}
		for (k = 0; k < 2; k++)
			if (rows[i].msg_has[k])
				ROW_CHECK(strstr(ta_client_message(c), rows[i].msg_has[k]) != NULL, i,
				          "message '%s' lacks '%s'", ta_client_message(c),
				          rows[i].msg_has[k]);
		/* The message is one line of printable text. */
		for (k = 0; ta_client_message(c)[k]; k++)
			ROW_CHECK(ta_client_message(c)[k] >= 0x20 && ta_client_message(c)[k] < 0x7f,
			          i, "message byte 0x%02x", (unsigned char)ta_client_message(c)[k]);
		ta_session_free(s);
		ta_client_free(c);
	}
}

/* Secrets never reach the message. */
static void token_response_message_has_no_secret(void **state)
{
	static const char body[] =
		"{\"access_token\":\"SECRET-AT\",\"refresh_token\":\"SECRET-RT\"}";
	struct ta_client *c;
	struct ta_session *s = NULL;

	(void)state;
	assert_int_equal(ta_client_new(&c), TA_OK);
	assert_int_equal(ta_token_response_parse(c, 200, body, strlen(body), NOW, &s),
	                 TA_E_PROTOCOL);
	assert_null(strstr(ta_client_message(c), "SECRET"));
	ta_client_free(c);
}

/* ---------------------------------------------------------------------- */
/* Discovery */

#define MD_ISSUER "https://idp.example.com"

static void metadata_good(void **state)
{
	static const char doc[] =
		"{\"issuer\":\"https://idp.example.com\","
		"\"authorization_endpoint\":\"https://idp.example.com/auth\","
		"\"token_endpoint\":\"https://idp.example.com/token\","
		"\"userinfo_endpoint\":\"https://idp.example.com/me\","
		"\"jwks_uri\":\"https://idp.example.com/jwks\","
		"\"device_authorization_endpoint\":\"https://idp.example.com/device\","
		"\"revocation_endpoint\":\"https://idp.example.com/revoke\","
		"\"introspection_endpoint\":\"https://idp.example.com/introspect\","
		"\"registration_endpoint\":\"https://idp.example.com/reg\","
		"\"code_challenge_methods_supported\":[\"plain\",\"S256\"],"
		"\"authorization_response_iss_parameter_supported\":true,"
		"\"response_types_supported\":[\"code\"]}";
	struct ta_metadata md;

	(void)state;
	assert_int_equal(ta_metadata_parse(NULL, MD_ISSUER, doc, strlen(doc), &md), TA_OK);
	assert_string_equal(md.issuer, "https://idp.example.com");
	assert_string_equal(md.authorization_endpoint, "https://idp.example.com/auth");
	assert_string_equal(md.token_endpoint, "https://idp.example.com/token");
	assert_string_equal(md.userinfo_endpoint, "https://idp.example.com/me");
	assert_string_equal(md.jwks_uri, "https://idp.example.com/jwks");
	assert_string_equal(md.device_authorization_endpoint, "https://idp.example.com/device");
	assert_string_equal(md.revocation_endpoint, "https://idp.example.com/revoke");
	assert_string_equal(md.introspection_endpoint, "https://idp.example.com/introspect");
	assert_string_equal(md.registration_endpoint, "https://idp.example.com/reg");
	assert_int_equal(md.iss_parameter_supported, 1);
	ta_metadata_clear(&md);
	assert_null(md.issuer);
	assert_null(md.token_endpoint);
}

static void metadata_table(void **state)
{
#define AE "\"authorization_endpoint\":\"https://idp.example.com/a\""
#define TE "\"token_endpoint\":\"https://idp.example.com/t\""
#define ISS "\"issuer\":\"https://idp.example.com\""
	static const struct {
		const char *issuer; /* asked for */
		const char *doc;
		enum ta_result want;
		int iss_flag; /* for TA_OK */
	} rows[] = {
		{ MD_ISSUER, "{" ISS "," AE "," TE "}", TA_OK, 0 },
		{ MD_ISSUER "/", "{" ISS "," AE "," TE "}", TA_OK, 0 },
		{ MD_ISSUER, "{\"issuer\":\"https://idp.example.com/\"," AE "," TE "}", TA_OK, 0 },
		{ "http://127.0.0.1:9000", "{\"issuer\":\"http://127.0.0.1:9000\","
		  "\"authorization_endpoint\":\"http://127.0.0.1:9000/a\","
		  "\"token_endpoint\":\"http://localhost:9000/t\"}", TA_OK, 0 },
		{ MD_ISSUER, "{" ISS "," AE "," TE ",\"authorization_response_iss_parameter_supported\":true}",
		  TA_OK, 1 },
		{ MD_ISSUER, "{" ISS "," AE "," TE ",\"authorization_response_iss_parameter_supported\":false}",
		  TA_OK, 0 },
		{ MD_ISSUER, "{" ISS "," AE "," TE ",\"authorization_response_iss_parameter_supported\":\"true\"}",
		  TA_OK, 0 },
		{ MD_ISSUER, "{" ISS "," AE "," TE ",\"code_challenge_methods_supported\":[\"S256\"]}",
		  TA_OK, 0 },
		{ MD_ISSUER, "{" ISS "," AE "," TE ",\"unknown\":{\"a\":[1,2]}}", TA_OK, 0 },
		/* the issuer */
		{ MD_ISSUER, "{\"issuer\":\"https://evil.example.com\"," AE "," TE "}",
		  TA_E_PROTOCOL, 0 },
		{ MD_ISSUER, "{\"issuer\":\"https://idp.example.com.evil.com\"," AE "," TE "}",
		  TA_E_PROTOCOL, 0 },
		{ MD_ISSUER, "{\"issuer\":\"https://idp.example.co\"," AE "," TE "}", TA_E_PROTOCOL, 0 },
		{ MD_ISSUER, "{\"issuer\":\"https://idp.example.com//\"," AE "," TE "}",
		  TA_E_PROTOCOL, 0 },
		{ MD_ISSUER, "{\"issuer\":\"HTTPS://IDP.EXAMPLE.COM\"," AE "," TE "}",
		  TA_E_PROTOCOL, 0 },
		{ MD_ISSUER, "{" AE "," TE "}", TA_E_PROTOCOL, 0 },
		{ MD_ISSUER, "{\"issuer\":null," AE "," TE "}", TA_E_PROTOCOL, 0 },
		/* endpoints */
		{ MD_ISSUER, "{" ISS "," AE "}", TA_E_PROTOCOL, 0 },
		{ MD_ISSUER, "{" ISS "," TE "}", TA_E_PROTOCOL, 0 },
		{ MD_ISSUER, "{" ISS "," AE ",\"token_endpoint\":null}", TA_E_PROTOCOL, 0 },
		{ MD_ISSUER, "{" ISS "," AE ",\"token_endpoint\":[\"https://x\"]}", TA_E_PROTOCOL, 0 },
		{ MD_ISSUER, "{" ISS "," AE ",\"token_endpoint\":\"http://idp.example.com/t\"}",
		  TA_E_INSECURE, 0 },
		{ MD_ISSUER, "{" ISS ",\"authorization_endpoint\":\"http://idp.example.com/a\"," TE "}",
		  TA_E_INSECURE, 0 },
		{ MD_ISSUER, "{" ISS "," AE "," TE ",\"jwks_uri\":\"http://idp.example.com/j\"}",
		  TA_E_INSECURE, 0 },
		{ MD_ISSUER, "{" ISS "," AE "," TE ",\"revocation_endpoint\":\"http://127.0.0.1.evil.com/r\"}",
		  TA_E_INSECURE, 0 },
		{ MD_ISSUER, "{" ISS "," AE ",\"token_endpoint\":\"ftp://idp.example.com/t\"}",
		  TA_E_PROTOCOL, 0 },
		{ MD_ISSUER, "{" ISS "," AE ",\"token_endpoint\":\"https://u@idp.example.com/t\"}",
		  TA_E_PROTOCOL, 0 },
		{ MD_ISSUER, "{" ISS "," AE "," TE ",\"userinfo_endpoint\":5}", TA_E_PROTOCOL, 0 },
		/* PKCE */
		{ MD_ISSUER, "{" ISS "," AE "," TE ",\"code_challenge_methods_supported\":[\"plain\"]}",
		  TA_E_PROTOCOL, 0 },
		{ MD_ISSUER, "{" ISS "," AE "," TE ",\"code_challenge_methods_supported\":[]}",
		  TA_E_PROTOCOL, 0 },
		{ MD_ISSUER, "{" ISS "," AE "," TE ",\"code_challenge_methods_supported\":\"S256\"}",
		  TA_E_PROTOCOL, 0 },
		{ MD_ISSUER, "{" ISS "," AE "," TE ",\"code_challenge_methods_supported\":[\"s256\"]}",
		  TA_E_PROTOCOL, 0 },
		/* the document */
		{ MD_ISSUER, "", TA_E_PROTOCOL, 0 },
		{ MD_ISSUER, "<html>", TA_E_PROTOCOL, 0 },
		{ MD_ISSUER, "[{" ISS "," AE "," TE "}]", TA_E_PROTOCOL, 0 },
		{ MD_ISSUER, "{" ISS "," AE "," TE "," TE "}", TA_E_PROTOCOL, 0 },
		{ MD_ISSUER, "{" ISS "," AE "," TE "}x", TA_E_PROTOCOL, 0 },
	};
#undef AE
#undef TE
#undef ISS
	size_t i;

	(void)state;
	for (i = 0; i < NELEMS(rows); i++) {
		struct ta_client *c;
		struct ta_metadata md;
		enum ta_result r;

		assert_int_equal(ta_client_new(&c), TA_OK);
		r = ta_metadata_parse(c, rows[i].issuer, rows[i].doc, strlen(rows[i].doc), &md);
		ROW_CHECK(r == rows[i].want, i, "'%s' gave %d (%s)", rows[i].doc, (int)r,
		          ta_client_message(c));
		if (r == TA_OK) {
			ROW_CHECK(md.authorization_endpoint && md.token_endpoint, i, "endpoints");
			ROW_CHECK(md.iss_parameter_supported == rows[i].iss_flag, i, "iss flag %d",
			          md.iss_parameter_supported);
		} else {
			ROW_CHECK(!md.issuer && !md.authorization_endpoint && !md.token_endpoint, i,
			          "metadata left behind on failure");
			ROW_CHECK(ta_client_message(c)[0] != '\0', i, "no message");
		}
		ta_metadata_clear(&md);
		ta_client_free(c);
	}
}

/* ---------------------------------------------------------------------- */
/* The ID token's claims */

#define IDT_ISSUER "https://idp.example.com"
#define IDT_CLIENT "termauth"
#define IDT_NONCE "n-0S6_WzA2Mj"

/* base64url of a string; free() it. */
static char *b64(const char *s)
{
	size_t n = strlen(s);
	char *out = malloc(ta_b64url_encoded_len(n) + 1);

	assert_non_null(out);
	ta_b64url_encode((const unsigned char *)s, n, out);
	return out;
}

/* header.payload.sig; free() it. */
static char *make_jwt(const char *header, const char *payload, const char *sig)
{
	char *h = b64(header), *p = b64(payload), *jwt;
	size_t n = strlen(h) + strlen(p) + strlen(sig) + 3;

	jwt = malloc(n);
	assert_non_null(jwt);
	snprintf(jwt, n, "%s.%s.%s", h, p, sig);
	free(h);
	free(p);
	return jwt;
}

/* The claims of a good token, with fields replaced by printf arguments. */
static char *claims(const char *iss, const char *aud, long long exp, long long iat,
                    const char *nonce, const char *extra)
{
	char *buf = malloc(1024);

	assert_non_null(buf);
	snprintf(buf, 1024,
	         "{\"iss\":\"%s\",\"sub\":\"alice\",\"aud\":%s,\"exp\":%lld,\"iat\":%lld,"
	         "\"nonce\":\"%s\"%s}",
	         iss, aud, exp, iat, nonce, extra);
	return buf;
}

static void id_token_good(void **state)
{
	const struct ta_id_expect e = { IDT_ISSUER, IDT_CLIENT, IDT_NONCE, NOW };
	char *payload = claims(IDT_ISSUER, "\"" IDT_CLIENT "\"", NOW + 300, NOW, IDT_NONCE, "");
	char *jwt = make_jwt("{\"alg\":\"RS256\",\"typ\":\"JWT\"}", payload, "c2ln");
	char *subject = NULL;
	struct ta_client *c;

	(void)state;
	assert_int_equal(ta_client_new(&c), TA_OK);
	assert_int_equal(ta_id_token_check(c, jwt, &e, &subject), TA_OK);
	assert_string_equal(subject, "alice");
	assert_string_equal(ta_client_message(c), "");
	free(subject);
	free(jwt);
	free(payload);
	ta_client_free(c);
}

static void id_token_table(void **state)
{
	static const char rs256[] = "{\"alg\":\"RS256\",\"kid\":\"k1\"}";
	static const char aud1[] = "\"" IDT_CLIENT "\"";
	static const struct {
		const char *header;
		const char *iss, *aud;
		long long exp, iat;
		const char *nonce, *extra;
		const char *sig;
		enum ta_result want;
		const char *msg_has;
	} rows[] = {
		{ rs256, IDT_ISSUER, aud1, NOW + 300, NOW, IDT_NONCE, "", "c2ln", TA_OK, NULL },
		/* aud and azp */
		{ rs256, IDT_ISSUER, "[\"" IDT_CLIENT "\"]", NOW + 300, NOW, IDT_NONCE, "", "c2ln",
		  TA_OK, NULL },
		{ rs256, IDT_ISSUER, "[\"" IDT_CLIENT "\",\"other\"]", NOW + 300, NOW, IDT_NONCE,
		  ",\"azp\":\"" IDT_CLIENT "\"", "c2ln", TA_OK, NULL },
		{ rs256, IDT_ISSUER, "[\"" IDT_CLIENT "\",\"other\"]", NOW + 300, NOW, IDT_NONCE, "",
		  "c2ln", TA_E_ID_TOKEN, "aud" },
		{ rs256, IDT_ISSUER, "[\"other\",\"" IDT_CLIENT "\"]", NOW + 300, NOW, IDT_NONCE,
		  ",\"azp\":\"other\"", "c2ln", TA_E_ID_TOKEN, "aud" },
		{ rs256, IDT_ISSUER, aud1, NOW + 300, NOW, IDT_NONCE, ",\"azp\":\"other\"", "c2ln",
		  TA_E_ID_TOKEN, "azp" },
		{ rs256, IDT_ISSUER, "\"other\"", NOW + 300, NOW, IDT_NONCE, "", "c2ln",
		  TA_E_ID_TOKEN, "aud" },
		{ rs256, IDT_ISSUER, "\"termauth2\"", NOW + 300, NOW, IDT_NONCE, "", "c2ln",
		  TA_E_ID_TOKEN, "aud" },
		{ rs256, IDT_ISSUER, "[]", NOW + 300, NOW, IDT_NONCE, "", "c2ln", TA_E_ID_TOKEN,
		  "aud" },
		{ rs256, IDT_ISSUER, "[\"" IDT_CLIENT "\",5]", NOW + 300, NOW, IDT_NONCE, "", "c2ln",
		  TA_E_ID_TOKEN, "aud" },
		{ rs256, IDT_ISSUER, "null", NOW + 300, NOW, IDT_NONCE, "", "c2ln", TA_E_ID_TOKEN,
		  "aud" },
		/* iss */
		{ rs256, "https://evil.example.com", aud1, NOW + 300, NOW, IDT_NONCE, "", "c2ln",
		  TA_E_ID_TOKEN, "issuer" },
		{ rs256, IDT_ISSUER "/", aud1, NOW + 300, NOW, IDT_NONCE, "", "c2ln", TA_E_ID_TOKEN,
		  "issuer" },
		/* time, with TA_ID_TOKEN_LEEWAY */
		{ rs256, IDT_ISSUER, aud1, NOW - 1000, NOW - 2000, IDT_NONCE, "", "c2ln",
		  TA_E_ID_TOKEN, "expired" },
		{ rs256, IDT_ISSUER, aud1, NOW - TA_ID_TOKEN_LEEWAY - 1, NOW - 2000, IDT_NONCE, "",
		  "c2ln", TA_E_ID_TOKEN, "expired" },
		{ rs256, IDT_ISSUER, aud1, NOW - TA_ID_TOKEN_LEEWAY, NOW - 2000, IDT_NONCE, "",
		  "c2ln", TA_OK, NULL },
		{ rs256, IDT_ISSUER, aud1, NOW + 3600, NOW + 1000, IDT_NONCE, "", "c2ln",
		  TA_E_ID_TOKEN, "future" },
		{ rs256, IDT_ISSUER, aud1, NOW + 3600, NOW + TA_ID_TOKEN_LEEWAY + 1, IDT_NONCE, "",
		  "c2ln", TA_E_ID_TOKEN, "future" },
		{ rs256, IDT_ISSUER, aud1, NOW + 3600, NOW + TA_ID_TOKEN_LEEWAY, IDT_NONCE, "",
		  "c2ln", TA_OK, NULL },
		/* nonce */
		{ rs256, IDT_ISSUER, aud1, NOW + 300, NOW, "wrong", "", "c2ln", TA_E_ID_TOKEN,
		  "nonce" },
		{ rs256, IDT_ISSUER, aud1, NOW + 300, NOW, IDT_NONCE "x", "", "c2ln", TA_E_ID_TOKEN,
		  "nonce" },
		{ rs256, IDT_ISSUER, aud1, NOW + 300, NOW, "", "", "c2ln", TA_E_ID_TOKEN, "nonce" },
		/* alg and signature */
		{ "{\"alg\":\"none\"}", IDT_ISSUER, aud1, NOW + 300, NOW, IDT_NONCE, "", "c2ln",
		  TA_E_ID_TOKEN, "unsigned" },
		{ "{\"alg\":\"none\"}", IDT_ISSUER, aud1, NOW + 300, NOW, IDT_NONCE, "", "",
		  TA_E_ID_TOKEN, "unsigned" },
		{ "{\"typ\":\"JWT\"}", IDT_ISSUER, aud1, NOW + 300, NOW, IDT_NONCE, "", "c2ln",
		  TA_E_ID_TOKEN, "unsigned" },
		{ "{\"alg\":5}", IDT_ISSUER, aud1, NOW + 300, NOW, IDT_NONCE, "", "c2ln",
		  TA_E_ID_TOKEN, "unsigned" },
		{ rs256, IDT_ISSUER, aud1, NOW + 300, NOW, IDT_NONCE, "", "", TA_E_ID_TOKEN,
		  "unsigned" },
		{ rs256, IDT_ISSUER, aud1, NOW + 300, NOW, IDT_NONCE, "", "c2ln.c2ln", TA_E_ID_TOKEN,
		  "not a signed JWT" },
		{ "[\"alg\"]", IDT_ISSUER, aud1, NOW + 300, NOW, IDT_NONCE, "", "c2ln", TA_E_ID_TOKEN,
		  "decode" },
		{ "{\"alg\":\"RS256\",\"alg\":\"none\"}", IDT_ISSUER, aud1, NOW + 300, NOW, IDT_NONCE,
		  "", "c2ln", TA_E_ID_TOKEN, "decode" },
		/* claims */
		{ rs256, IDT_ISSUER, aud1, NOW + 300, NOW, IDT_NONCE, ",\"nonce\":\"" IDT_NONCE "\"",
		  "c2ln", TA_E_ID_TOKEN, "decode" },
		{ rs256, IDT_ISSUER, aud1, NOW + 300, NOW, IDT_NONCE, ",\"exp\":\"soon\"", "c2ln",
		  TA_E_ID_TOKEN, "decode" },
	};
	const struct ta_id_expect e = { IDT_ISSUER, IDT_CLIENT, IDT_NONCE, NOW };
	size_t i;

	(void)state;
	for (i = 0; i < NELEMS(rows); i++) {
		struct ta_client *c;
		char *payload = claims(rows[i].iss, rows[i].aud, rows[i].exp, rows[i].iat,
		                       rows[i].nonce, rows[i].extra);
		char *jwt = make_jwt(rows[i].header, payload, rows[i].sig);
		char *subject = NULL;
		enum ta_result r;

		assert_int_equal(ta_client_new(&c), TA_OK);
		r = ta_id_token_check(c, jwt, &e, &subject);
		ROW_CHECK(r == rows[i].want, i, "%s gave %d (%s)", payload, (int)r,
		          ta_client_message(c));
		if (r == TA_OK)
			ROW_CHECK(subject && !strcmp(subject, "alice"), i, "subject");
		else
			ROW_CHECK(subject == NULL, i, "a subject on failure");
		if (rows[i].msg_has)
			ROW_CHECK(strstr(ta_client_message(c), rows[i].msg_has) != NULL, i,
			          "message '%s' lacks '%s'", ta_client_message(c), rows[i].msg_has);
		free(subject);
		free(jwt);
		free(payload);
		ta_client_free(c);
	}
}

/* Claims written by hand: the shapes claims() cannot make. */
static void id_token_shapes(void **state)
{
	static const struct {
		const char *jwt_or_payload; /* payload, or a whole JWT when raw */
		int raw;
		enum ta_result want;
	} rows[] = {
		{ "{\"iss\":\"" IDT_ISSUER "\",\"aud\":\"" IDT_CLIENT "\",\"exp\":1700000300,"
		  "\"nonce\":\"" IDT_NONCE "\"}", 0, TA_E_ID_TOKEN }, /* no sub */
		{ "{\"iss\":\"" IDT_ISSUER "\",\"sub\":7,\"aud\":\"" IDT_CLIENT "\",\"exp\":1700000300,"
		  "\"nonce\":\"" IDT_NONCE "\"}", 0, TA_E_ID_TOKEN }, /* sub not a string */
		{ "{\"iss\":\"" IDT_ISSUER "\",\"sub\":\"a\",\"aud\":\"" IDT_CLIENT "\","
		  "\"nonce\":\"" IDT_NONCE "\"}", 0, TA_E_ID_TOKEN }, /* no exp */
		{ "{\"iss\":\"" IDT_ISSUER "\",\"sub\":\"a\",\"aud\":\"" IDT_CLIENT "\","
		  "\"exp\":1700000300.5,\"iat\":1700000000.25,\"nonce\":\"" IDT_NONCE "\"}", 0,
		  TA_OK }, /* real exp and iat */
		{ "{\"iss\":\"" IDT_ISSUER "\",\"sub\":\"a\",\"aud\":\"" IDT_CLIENT "\","
		  "\"exp\":1700000300,\"nonce\":\"" IDT_NONCE "\"}", 0, TA_E_ID_TOKEN }, /* no iat */
		{ "{\"iss\":\"" IDT_ISSUER "\",\"sub\":\"\",\"aud\":\"" IDT_CLIENT "\","
		  "\"exp\":1700000300,\"iat\":1700000000,\"nonce\":\"" IDT_NONCE "\"}", 0,
		  TA_E_ID_TOKEN }, /* empty sub */
		{ "{\"iss\":\"" IDT_ISSUER "\",\"sub\":\"a\\u001b[2J\",\"aud\":\"" IDT_CLIENT "\","
		  "\"exp\":1700000300,\"iat\":1700000000,\"nonce\":\"" IDT_NONCE "\"}", 0,
		  TA_E_ID_TOKEN }, /* a control character in sub */
		{ "{\"iss\":\"" IDT_ISSUER "\",\"sub\":\"\u00e9\",\"aud\":\"" IDT_CLIENT "\","
		  "\"exp\":1700000300,\"iat\":1700000000,\"nonce\":\"" IDT_NONCE "\"}", 0,
		  TA_E_ID_TOKEN }, /* non-ASCII sub */
		{ "{\"iss\":\"" IDT_ISSUER "\",\"sub\":\"a\",\"aud\":\"" IDT_CLIENT "\","
		  "\"exp\":1700000300,\"iat\":\"now\",\"nonce\":\"" IDT_NONCE "\"}", 0,
		  TA_E_ID_TOKEN }, /* iat not a number */
		{ "{\"iss\":\"" IDT_ISSUER "\",\"sub\":\"a\",\"aud\":\"" IDT_CLIENT "\","
		  "\"exp\":1700000300}", 0, TA_E_ID_TOKEN }, /* no nonce */
		{ "{\"sub\":\"a\",\"aud\":\"" IDT_CLIENT "\",\"exp\":1700000300,"
		  "\"nonce\":\"" IDT_NONCE "\"}", 0, TA_E_ID_TOKEN }, /* no iss */
		{ "not json", 0, TA_E_ID_TOKEN },
		{ "", 1, TA_E_ID_TOKEN },
		{ "abc", 1, TA_E_ID_TOKEN },
		{ "a.b", 1, TA_E_ID_TOKEN },
		{ "..", 1, TA_E_ID_TOKEN },
		{ "eyJhbGciOiJSUzI1NiJ9.e30=.c2ln", 1, TA_E_ID_TOKEN }, /* padding */
		{ "eyJhbGciOiJSUzI1NiJ9+.e30.c2ln", 1, TA_E_ID_TOKEN },
	};
	const struct ta_id_expect e = { IDT_ISSUER, IDT_CLIENT, IDT_NONCE, NOW };
	size_t i;

	(void)state;
	for (i = 0; i < NELEMS(rows); i++) {
		char *jwt = rows[i].raw ? strdup(rows[i].jwt_or_payload)
		                        : make_jwt("{\"alg\":\"ES256\"}", rows[i].jwt_or_payload,
		                                   "c2ln");
		char *subject = NULL;
		enum ta_result r = ta_id_token_check(NULL, jwt, &e, &subject);
		ROW_CHECK(r == rows[i].want, i, "'%s' gave %d", rows[i].jwt_or_payload, (int)r);
		ROW_CHECK((r == TA_OK) == (subject != NULL), i, "subject");
		free(subject);
		free(jwt);
	}
	/* Longer than the 16 KiB a JWT may be. */
	{
		char *big = malloc(20000);
		char *subject = NULL;
		assert_non_null(big);
		memset(big, 'A', 19999);
		big[19999] = '\0';
		big[100] = '.';
		big[200] = '.';
		assert_int_equal(ta_id_token_check(NULL, big, &e, &subject), TA_E_ID_TOKEN);
		assert_null(subject);
		free(big);
	}
}

/* sub: 1 to 255 ASCII characters (OpenID Connect Core 2). */
static void id_token_subject_length(void **state)
{
	const struct ta_id_expect e = { IDT_ISSUER, IDT_CLIENT, IDT_NONCE, NOW };
	char sub[300], extra[400];
	size_t i;
	static const struct {
		size_t len;
		enum ta_result want;
	} rows[] = { { 1, TA_OK }, { 255, TA_OK }, { 256, TA_E_ID_TOKEN } };

	(void)state;
	for (i = 0; i < NELEMS(rows); i++) {
		char *payload, *jwt, *subject = NULL;
		enum ta_result r;

		memset(sub, 'z', rows[i].len);
		sub[rows[i].len] = '\0';
		snprintf(extra, sizeof(extra), ",\"sub\":\"%s\"", sub);
		/* claims() writes sub "alice" first; a second sub is a duplicate,
		 * so build this payload by hand. */
		payload = malloc(1024);
		assert_non_null(payload);
		snprintf(payload, 1024,
		         "{\"iss\":\"%s\",\"aud\":\"%s\",\"exp\":%lld,\"iat\":%lld,"
		         "\"nonce\":\"%s\"%s}",
		         IDT_ISSUER, IDT_CLIENT, NOW + 300, NOW, IDT_NONCE, extra);
		jwt = make_jwt("{\"alg\":\"RS256\"}", payload, "c2ln");
		r = ta_id_token_check(NULL, jwt, &e, &subject);
		ROW_CHECK(r == rows[i].want, i, "sub of %zu gave %d", rows[i].len, (int)r);
		if (r == TA_OK)
			ROW_CHECK(subject && !strcmp(subject, sub), i, "subject");
		free(subject);
		free(jwt);
		free(payload);
	}
}

/* ta_session_check_fresh once computed expires_at - now unguarded, and the
 * store accepted any integer as expires_at: a far-past expiry overflowed
 * (UB) and, wrapped, looked fresh. Either the store refuses such a value
 * or the check calls it expired. */
static void check_fresh_far_past_expiry(void **state)
{
	static const char json[] =
		"{\"format\":1,\"access_token\":\"a\",\"expires_at\":-9223372036854775808}";
	struct ta_session *s = NULL;
	enum ta_result r;

	(void)state;
	r = ta_session_from_json(NULL, json, strlen(json), &s);
	if (r == TA_OK) {
		assert_int_equal(ta_session_check_fresh(s, NOW, 60), TA_E_EXPIRED);
		ta_session_free(s);
	} else {
		assert_int_equal(r, TA_E_STORE);
		assert_null(s);
	}
}

/* json_alloc.c makes jansson wipe what it frees. It must also be in effect
 * in a program linked with libtermauth.a (as this one is), where an object
 * file with nothing but a constructor would be left out by the linker. */
static void jansson_frees_are_wiped(void **state)
{
	static const char body[] = "{\"access_token\":\"AT\",\"token_type\":\"Bearer\"}";
	struct ta_session *s = NULL;
	json_malloc_t m = NULL;
	json_free_t f = NULL;

	(void)state;
	/* Whatever the hook is, the token parser has run by now. */
	assert_int_equal(ta_token_response_parse(NULL, 200, body, strlen(body), NOW, &s), TA_OK);
	ta_session_free(s);
	json_get_alloc_funcs(&m, &f);
	assert_non_null(f);
	assert_true(f != free);
}

/* A write removes only its own profile's leftovers: a profile may be
 * named like another's temporary file. And listing skips the sessions of
 * CI credentials (ci-<16 hex digits>) but not profiles merely like them. */
static void store_leftovers_and_listing(void **state)
{
	struct env *e = *state;
	struct ta_session *s = NULL, *back = NULL;
	char **names = NULL, *stale;
	size_t i, n;

	assert_int_equal(ta_session_new(&s), TA_OK);
	assert_int_equal(ta_set_string(&s->access_token, "AT"), TA_OK);
	assert_int_equal(ta_store_save(e->c, "a.json.tmp-x", s), TA_OK);
	assert_int_equal(ta_store_save(e->c, "ci-0123456789abcdef", s), TA_OK);
	assert_int_equal(ta_store_save(e->c, "ci-work", s), TA_OK);
	stale = unit_join(e->tdir, "a.json.tmp-0123456789ab");
	unit_write_file(stale, "half a session");
	assert_int_equal(ta_store_save(e->c, "a", s), TA_OK);
	assert_int_equal(access(stale, F_OK), -1); /* a's leftover: gone */
	assert_int_equal(ta_store_load(e->c, "a.json.tmp-x", &back), TA_OK); /* kept */
	ta_session_free(back);
	assert_int_equal(ta_store_list(e->c, &names), TA_OK);
	for (n = 0; names[n]; n++)
		assert_true(strcmp(names[n], "ci-0123456789abcdef") != 0);
	assert_int_equal(n, 3); /* a, a.json.tmp-x, ci-work */
	for (i = 0; i < n; i++)
		assert_true(!strcmp(names[i], "a") || !strcmp(names[i], "a.json.tmp-x") ||
		            !strcmp(names[i], "ci-work"));
	ta_profiles_free(names);
	ta_session_free(s);
	free(stale);
}

/* A program that gave jansson its own allocator keeps it: freeing its
 * blocks with another free would corrupt its heap. */
static int own_frees;
static void own_free(void *p)
{
	own_frees++;
	free(p);
}

static void jansson_allocator_of_the_program_is_kept(void **state)
{
	static const char body[] = "{\"access_token\":\"AT\",\"token_type\":\"Bearer\"}";
	struct ta_session *s = NULL;
	json_malloc_t m = NULL, old_m;
	json_free_t f = NULL, old_f;

	(void)state;
	json_get_alloc_funcs(&old_m, &old_f);
	json_set_alloc_funcs(malloc, own_free);
	assert_int_equal(ta_session_new(&s), TA_OK);
	ta_session_free(s);
	s = NULL;
	assert_int_equal(ta_token_response_parse(NULL, 200, body, strlen(body), NOW, &s), TA_OK);
	ta_session_free(s);
	json_get_alloc_funcs(&m, &f);
	assert_ptr_equal(f, own_free);
	assert_true(own_frees > 0);
	json_set_alloc_funcs(old_m, old_f);
}

/* Tokens are printed into terminals and HTTP headers: a token response
 * whose tokens hold control characters (an escape sequence, a newline that
 * would add a header) is refused. */
static void token_response_characters(void **state)
{
	static const char *const refused[] = {
		"{\"access_token\":\"AT\\u001b]0;x\\u0007\",\"token_type\":\"Bearer\"}",
		"{\"access_token\":\"AT\\nX-Injected: yes\",\"token_type\":\"Bearer\"}",
		"{\"access_token\":\"AT\",\"refresh_token\":\"RT\\r\",\"token_type\":\"Bearer\"}",
		"{\"access_token\":\"AT\",\"token_type\":\"Bearer x\"}",
		"{\"access_token\":\"AT\",\"token_type\":\"Bearer\",\"id_token\":\"a.b.c d\"}",
		"{\"access_token\":\"AT\\u00e9\",\"token_type\":\"Bearer\"}",
	};
	static const char accepted[] =
		"{\"access_token\":\"a b~!=/+\",\"token_type\":\"urn:x:DPoP-1.0_a\","
		"\"id_token\":\"eyJ.eyJ-_.sig\"}";
	struct ta_session *s = NULL;
	size_t i;

	(void)state;
	for (i = 0; i < NELEMS(refused); i++) {
		enum ta_result r = ta_token_response_parse(NULL, 200, refused[i], strlen(refused[i]),
		                                           NOW, &s);
		ROW_CHECK(r == TA_E_PROTOCOL, i, "gave %d", (int)r);
		assert_null(s);
	}
	assert_int_equal(ta_token_response_parse(NULL, 200, accepted, strlen(accepted), NOW, &s),
	                 TA_OK);
	ta_session_free(s);
}

/* The store's directory must be ours: one another user owns (who could
 * swap the files in it) is refused, not written into. Needs root to make
 * such a directory; elsewhere the test says so and checks nothing more. */
static void store_dir_of_another_user_is_refused(void **state)
{
	struct env *e = *state;
	struct ta_session *s = NULL;

	if (geteuid() != 0) {
		print_message("not root: cannot give a directory to another user here\n");
		skip();
	}
	assert_int_equal(mkdir(e->tdir, 0777), 0);
	assert_int_equal(chown(e->tdir, 65534, 65534), 0);
	assert_int_equal(ta_session_new(&s), TA_OK);
	assert_int_equal(ta_set_string(&s->access_token, "AT"), TA_OK);
	assert_int_equal(ta_store_save(e->c, "work", s), TA_E_STORE);
	assert_non_null(strstr(ta_client_message(e->c), "belongs to another user"));
	ta_session_free(s);
}

/* ---------------------------------------------------------------------- */

/* Messages are shown on the terminal, so text from the IdP goes through
 * ta_printable. ta_url_check quotes the URL it refuses when it is not an
 * http(s) URL at all ("the %s is not an http(s) URL: %s", url.c), and
 * discovery hands it endpoint values straight from the IdP's metadata: an
 * escape sequence in one reaches the terminal. */
static void metadata_message_is_printable(void **state)
{
	static const char *const docs[] = {
		"{\"issuer\":\"https://idp.example.com\","
		"\"authorization_endpoint\":\"https://idp.example.com/a\","
		"\"token_endpoint\":\"\\u001b]2;pwned\\u0007\\u001b[2J\"}",
		"{\"issuer\":\"https://idp.example.com\","
		"\"authorization_endpoint\":\"https://idp.example.com/a\","
		"\"token_endpoint\":\"https://idp.example.com/t\","
		"\"jwks_uri\":\"x\\u001b[31m\"}",
	};
	size_t i, k;

	(void)state;
	for (i = 0; i < NELEMS(docs); i++) {
		struct ta_client *c;
		struct ta_metadata md;
		const char *m;

		assert_int_equal(ta_client_new(&c), TA_OK);
		ROW_CHECK(ta_metadata_parse(c, "https://idp.example.com", docs[i], strlen(docs[i]),
		                            &md) == TA_E_PROTOCOL, i, "accepted");
		m = ta_client_message(c);
		for (k = 0; m[k]; k++)
			ROW_CHECK(m[k] >= 0x20 && m[k] < 0x7f, i, "message byte %zu is 0x%02x", k,
			          (unsigned char)m[k]);
		ta_metadata_clear(&md);
		ta_client_free(c);
	}
}

/* ---------------------------------------------------------------------- */
/* The choice of backend (lib/store/store.c), with no keychain to be found */

struct notices {
	int n;
	char last[TA_MESSAGE_MAX];
};

static void count_notice(void *data, const char *message)
{
	struct notices *nt = data;

	nt->n++;
	snprintf(nt->last, sizeof(nt->last), "%s", message);
}

/* A handle with the store option (NULL: the default) whose notices go to
 * nt (NULL: nowhere). */
static struct ta_client *client_with(const char *store, struct notices *nt)
{
	struct ta_client *c = NULL;
	struct ta_callbacks cb = TA_CALLBACKS_INIT(.data = nt, .notice = count_notice);

	assert_int_equal(ta_client_new(&c), TA_OK);
	if (store)
		assert_int_equal(ta_client_set(c, TA_OPT_STORE, store), TA_OK);
	if (nt)
		ta_client_set_callbacks(c, &cb);
	return c;
}

static int exists_in(const char *dir, const char *name)
{
	char *p = unit_join(dir, name);
	int there = access(p, F_OK) == 0;

	free(p);
	return there;
}

static void store_option_values(void **state)
{
	static const struct {
		const char *value;
		enum ta_result want;
	} rows[] = {
		{ "auto", TA_OK },     { "keychain", TA_OK },  { "file", TA_OK },
		{ NULL, TA_OK },       { "foo", TA_E_ARG },    { "", TA_E_ARG },
		{ "File", TA_E_ARG },  { "AUTO", TA_E_ARG },   { "file ", TA_E_ARG },
		{ "keyring", TA_E_ARG }, { "secret", TA_E_ARG },
	};
	struct ta_client *c;
	size_t i;

	(void)state;
	assert_int_equal(ta_client_new(&c), TA_OK);
	assert_null(ta_client_get(c, TA_OPT_STORE));
	for (i = 0; i < NELEMS(rows); i++) {
		enum ta_result r;
		assert_int_equal(ta_client_set(c, TA_OPT_STORE, "file"), TA_OK);
		r = ta_client_set(c, TA_OPT_STORE, rows[i].value);
		ROW_CHECK(r == rows[i].want, i, "'%s' gave %d", rows[i].value ? rows[i].value : "NULL",
		          (int)r);
		if (r == TA_OK && rows[i].value) {
			ROW_CHECK(!strcmp(ta_client_get(c, TA_OPT_STORE), rows[i].value), i, "not set");
		} else if (r == TA_OK) {
			ROW_CHECK(ta_client_get(c, TA_OPT_STORE) == NULL, i, "not reset");
		} else {
			/* Refused: the message names it, the old value stays. */
			char want[64];
			snprintf(want, sizeof(want), "store must be auto, keychain or file, not '%s'",
			         rows[i].value);
			ROW_CHECK(strstr(ta_client_message(c), want) != NULL, i, "message '%s'",
			          ta_client_message(c));
			ROW_CHECK(!strcmp(ta_client_get(c, TA_OPT_STORE), "file"), i, "value changed");
		}
	}
	ta_client_free(c);
}

/* --store file: the session is in the file; the keychain is never probed. */
static void store_file_mode(void **state)
{
	struct env *e = *state;
	struct notices nt = { 0 };
	struct ta_client *c = client_with("file", &nt), *c2 = client_with("file", NULL);
	struct ta_session *s = session_of(&first), *back = NULL;
	struct stat st;
	char **names = NULL;

	assert_null(ta_store_used(c));
	assert_int_equal(ta_store_ready(c), TA_OK);
	assert_int_equal(ta_store_save(c, "work", s), TA_OK);
	assert_string_equal(ta_store_used(c), "file");
	assert_int_equal(nt.n, 0); /* chosen, so nothing to tell */
	assert_int_equal(unit_count_entries(e->tdir, "work.json"), 1);
	{
		char *path = unit_join(e->tdir, "work.json");
		assert_int_equal(lstat(path, &st), 0);
		assert_int_equal(st.st_mode & 07777, 0600);
		free(path);
	}

	/* A failed load leaves the handle's answer as it was. */
	assert_int_equal(ta_store_load(c2, "home", &back), TA_E_NO_SESSION);
	assert_null(back);
	assert_null(ta_store_used(c2));
	assert_int_equal(ta_store_load(c2, "work", &back), TA_OK);
	check_session(back, &first);
	ta_session_free(back);
	assert_string_equal(ta_store_used(c2), "file");

	/* No cache for a session in the file. */
	assert_false(exists_in(e->cdir, "work.json"));

	assert_int_equal(ta_store_list(c, &names), TA_OK);
	assert_non_null(names[0]);
	assert_string_equal(names[0], "work");
	assert_null(names[1]);
	ta_profiles_free(names);
	assert_int_equal(ta_store_remove(c, "work"), TA_OK);
	assert_false(exists_in(e->tdir, "work.json"));

	/* Never asked the keychain, for anything. */
	assert_int_equal(c->keychain_state, TA_KEYCHAIN_UNKNOWN);
	assert_int_equal(c2->keychain_state, TA_KEYCHAIN_UNKNOWN);
	ta_session_free(s);
	ta_client_free(c);
	ta_client_free(c2);
}

/* auto with no keychain: the file, and a notice saying why and where -
 * once per sign-in, not again when a session in the file is saved again. */
static void store_auto_without_keychain(void **state)
{
	struct env *e = *state;
	struct notices nt = { 0 }, nt2 = { 0 }, nt3 = { 0 };
	struct ta_client *c = client_with(NULL, &nt), *c2, *c3;
	struct ta_session *s = session_of(&first), *back = NULL;
	char *path = unit_join(e->tdir, "work.json");

	assert_null(ta_client_get(c, TA_OPT_STORE)); /* auto is the default */
	assert_int_equal(ta_store_ready(c), TA_OK);  /* the file is always there */
	assert_int_equal(ta_store_save(c, "work", s), TA_OK);
	assert_int_equal(nt.n, 1);
	UNIT_ASSERT_MSG(strstr(nt.last, "there is no D-Bus session bus for a keychain"), "notice: %s",
	                nt.last);
	UNIT_ASSERT_MSG(strstr(nt.last, "profile 'work'"), "notice: %s", nt.last);
	UNIT_ASSERT_MSG(strstr(nt.last, path), "notice: %s", nt.last);
	assert_string_equal(ta_store_used(c), "file");
	assert_int_equal(c->keychain_state, TA_KEYCHAIN_ABSENT);
	assert_int_equal(unit_count_entries(e->tdir, "work.json"), 1);

	/* Loaded, then saved again (a refresh): no second notice. */
	assert_int_equal(ta_store_load(c, "work", &back), TA_OK);
	check_session(back, &first);
	ta_session_free(back);
	back = NULL;
	assert_string_equal(ta_store_used(c), "file");
	assert_int_equal(ta_store_save(c, "work", s), TA_OK);
	assert_int_equal(nt.n, 1);

	/* The same on a new handle that loads first. */
	c2 = client_with("auto", &nt2);
	assert_int_equal(ta_store_load(c2, "work", &back), TA_OK);
	check_session(back, &first);
	assert_string_equal(ta_store_used(c2), "file");
	assert_int_equal(ta_store_save(c2, "work", back), TA_OK);
	assert_int_equal(nt2.n, 0);
	ta_session_free(back);
	back = NULL;

	/* A new handle that saves without loading (a sign-in) is told again. */
	c3 = client_with("auto", &nt3);
	assert_int_equal(ta_store_save(c3, "work", s), TA_OK);
	assert_int_equal(nt3.n, 1);

	/* A session in the file needs no cache: loading it makes none. */
	assert_false(exists_in(e->cdir, "work.json"));

	/* And without a handle at all, it still goes to the file. */
	assert_int_equal(ta_store_save(NULL, "nohandle", s), TA_OK);
	assert_int_equal(ta_store_load(NULL, "nohandle", &back), TA_OK);
	check_session(back, &first);
	ta_session_free(back);
	assert_true(exists_in(e->tdir, "nohandle.json"));

	ta_session_free(s);
	ta_client_free(c);
	ta_client_free(c2);
	ta_client_free(c3);
	free(path);
}

/* --store keychain with no keychain: an error before a sign-in and at
 * saving, never the file - and a session already in the file is untouched. */
static void store_keychain_mode_without_keychain(void **state)
{
	struct env *e = *state;
	struct notices nt = { 0 };
	struct ta_client *f = client_with("file", NULL), *k = client_with("keychain", &nt);
	struct ta_session *s = session_of(&first), *s2 = session_of(&second), *back = NULL;
	const char *m;

	assert_int_equal(ta_store_save(f, "work", s), TA_OK);

	assert_int_equal(ta_store_ready(k), TA_E_STORE);
	m = ta_client_message(k);
	UNIT_ASSERT_MSG(strstr(m, "keychain") && strstr(m, "no D-Bus session bus") &&
	                strstr(m, "--store file"), "message: %s", m);
	assert_int_equal(k->keychain_state, TA_KEYCHAIN_ABSENT);

	assert_int_equal(ta_store_save(k, "other", s2), TA_E_STORE);
	m = ta_client_message(k);
	UNIT_ASSERT_MSG(strstr(m, "no D-Bus session bus") && strstr(m, "--store file"),
	                "message: %s", m);
	assert_false(exists_in(e->tdir, "other.json"));
	assert_false(exists_in(e->cdir, "other.json"));

	assert_int_equal(ta_store_save(k, "work", s2), TA_E_STORE);
	assert_int_equal(ta_store_load(k, "work", &back), TA_E_STORE);
	assert_null(back);
	assert_null(ta_store_used(k));
	assert_int_equal(nt.n, 0); /* an error, not a notice */

	/* Removing fails too, and takes nothing: the session stays for a
	 * sign-out that can revoke its refresh token. */
	assert_int_equal(ta_store_remove(k, "work"), TA_E_STORE);
	assert_true(exists_in(e->tdir, "work.json"));

	/* Only the keychain's session is looked for, and the file keeps its own. */
	assert_int_equal(ta_store_load(f, "work", &back), TA_OK);
	check_session(back, &first);
	ta_session_free(back);
	assert_int_equal(unit_count_entries(e->tdir, "work.json"), 1);

	/* Removing cannot reach the keychain either: it says so. */
	assert_int_equal(ta_store_remove(k, "work"), TA_E_STORE);

	ta_session_free(s);
	ta_session_free(s2);
	ta_client_free(f);
	ta_client_free(k);
}

/* Removing takes the file and the access token cache, in file and in auto
 * mode. */
static void store_remove_takes_file_and_cache(void **state)
{
	static const char *const modes[] = { "file", NULL, "auto" };
	struct env *e = *state;
	size_t i;

	for (i = 0; i < NELEMS(modes); i++) {
		struct ta_client *c = client_with(modes[i], NULL);
		struct ta_session *s = session_of(&first), *back = NULL;

		ROW_CHECK(ta_store_save(c, "work", s) == TA_OK, i, "save");
		ROW_CHECK(ta_store_save(c, "home", s) == TA_OK, i, "save");
		ROW_CHECK(ta_cache_save(c, "work", s) == TA_OK, i, "cache");
		ROW_CHECK(ta_cache_save(c, "solo", s) == TA_OK, i, "cache");
		ROW_CHECK(exists_in(e->tdir, "work.json") && exists_in(e->cdir, "work.json"), i,
		          "not both there");

		ROW_CHECK(ta_store_remove(c, "work") == TA_OK, i, "remove: %s", ta_client_message(c));
		ROW_CHECK(!exists_in(e->tdir, "work.json"), i, "the file stayed");
		ROW_CHECK(!exists_in(e->cdir, "work.json"), i, "the cache stayed");
		ROW_CHECK(ta_store_load(c, "work", &back) == TA_E_NO_SESSION, i, "still loads");
		ROW_CHECK(back == NULL, i, "a session came back");
		ROW_CHECK(exists_in(e->tdir, "home.json"), i, "another profile's file went");

		/* A cache without a file goes too. */
		ROW_CHECK(ta_store_remove(c, "solo") == TA_OK, i, "remove solo");
		ROW_CHECK(!exists_in(e->cdir, "solo.json"), i, "solo's cache stayed");

		ROW_CHECK(ta_store_remove(c, "home") == TA_OK, i, "remove home");
		ta_session_free(s);
		ta_client_free(c);
	}
}

/* A save to the file drops a cached access token: it would be older. */
static void store_file_save_drops_cache(void **state)
{
	static const char *const modes[] = { "file", NULL };
	struct env *e = *state;
	size_t i;

	for (i = 0; i < NELEMS(modes); i++) {
		struct ta_client *c = client_with(modes[i], NULL);
		struct ta_session *old = session_of(&second), *s = session_of(&first), *back = NULL;

		ROW_CHECK(ta_cache_save(c, "work", old) == TA_OK, i, "cache");
		ROW_CHECK(ta_cache_save(c, "home", old) == TA_OK, i, "cache");
		ROW_CHECK(ta_store_save(c, "work", s) == TA_OK, i, "save");
		ROW_CHECK(!exists_in(e->cdir, "work.json"), i, "the cache stayed");
		ROW_CHECK(exists_in(e->cdir, "home.json"), i, "another profile's cache went");
		ROW_CHECK(ta_store_load(c, "work", &back) == TA_OK, i, "load");
		check_session(back, &first);
		ta_session_free(back);
		ta_cache_remove("home");
		ROW_CHECK(ta_store_remove(c, "work") == TA_OK, i, "remove");
		ta_session_free(old);
		ta_session_free(s);
		ta_client_free(c);
	}
}

/* The profiles with a session, in file and in auto mode: not the sessions
 * of CI credentials, nor files that are no profile's session. */
static void store_list_profiles(void **state)
{
	static const char *const modes[] = { "file", NULL };
	static const char *const saved[] = { "work", "home", "ci-0123456789abcdef",
		                             "ci-0123456789abcde", "ci-0123456789ABCDEF" };
	static const char *const listed[] = { "work", "home", "ci-0123456789abcde",
		                              "ci-0123456789ABCDEF" };
	static const char *const junk[] = { "notes.txt", "bad name.json", ".hidden.json", ".json",
		                            "work.json.tmp-0123456789ab", "work.lock.json~" };
	struct env *e = *state;
	struct ta_session *s = session_of(&first);
	char **names = NULL;
	size_t i, j, k, n;

	for (i = 0; i < NELEMS(modes); i++) {
		struct ta_client *c = client_with(modes[i], NULL);

		/* Nothing yet (no directory even): an empty list. */
		ROW_CHECK(ta_store_list(c, &names) == TA_OK, i, "empty list");
		ROW_CHECK(names && names[0] == NULL, i, "not empty");
		ta_profiles_free(names);
		names = NULL;

		for (j = 0; j < NELEMS(saved); j++)
			ROW_CHECK(ta_store_save(c, saved[j], s) == TA_OK, i, "save %s", saved[j]);
		for (j = 0; j < NELEMS(junk); j++) {
			char *p = unit_join(e->tdir, junk[j]);
			unit_write_file(p, "{}");
			free(p);
		}
		/* A cached token alone is no stored session. */
		ROW_CHECK(ta_cache_save(c, "cached-only", s) == TA_OK, i, "cache");

		ROW_CHECK(ta_store_list(c, &names) == TA_OK, i, "list: %s", ta_client_message(c));
		for (n = 0; names[n]; n++) {
			for (k = 0; k < NELEMS(listed); k++)
				if (!strcmp(names[n], listed[k]))
					break;
			ROW_CHECK(k < NELEMS(listed), i, "'%s' listed", names[n]);
			for (k = 0; k < n; k++)
				ROW_CHECK(strcmp(names[n], names[k]), i, "'%s' twice", names[n]);
		}
		ROW_CHECK(n == NELEMS(listed), i, "%zu listed, want %zu", n, NELEMS(listed));
		ta_profiles_free(names);
		names = NULL;

		unit_rmtree(e->tdir);
		unit_rmtree(e->cdir);
		ta_client_free(c);
	}
	ta_session_free(s);
}

#define ENV_TEST(f) cmocka_unit_test_setup_teardown(f, env_setup, env_teardown)

static const struct CMUnitTest tests[] = {
	ENV_TEST(store_load_nothing),
	ENV_TEST(store_path_under_state_home),
	ENV_TEST(store_save_load_replace_remove),
	ENV_TEST(store_narrows_directory),
	ENV_TEST(store_refuses_bad_profile_names),
	ENV_TEST(store_refuses_corrupt_files),
	ENV_TEST(store_refuses_odd_files),
	ENV_TEST(store_dir_of_another_user_is_refused),
	ENV_TEST(store_leftovers_and_listing),
	cmocka_unit_test(store_option_values),
	ENV_TEST(store_file_mode),
	ENV_TEST(store_auto_without_keychain),
	ENV_TEST(store_keychain_mode_without_keychain),
	ENV_TEST(store_remove_takes_file_and_cache),
	ENV_TEST(store_file_save_drops_cache),
	ENV_TEST(store_list_profiles),
	cmocka_unit_test(session_json_round_trip),
	cmocka_unit_test(session_check_fresh_boundaries),
	cmocka_unit_test(session_meta_round_trip),
	cmocka_unit_test(session_short_lived_rule),
	cmocka_unit_test(token_response_success),
	cmocka_unit_test(token_response_table),
	cmocka_unit_test(token_response_message_has_no_secret),
	cmocka_unit_test(metadata_good),
	cmocka_unit_test(metadata_table),
	cmocka_unit_test(id_token_good),
	cmocka_unit_test(id_token_table),
	cmocka_unit_test(id_token_shapes),
	cmocka_unit_test(id_token_subject_length),
	cmocka_unit_test(check_fresh_far_past_expiry),
	cmocka_unit_test(jansson_frees_are_wiped),
	cmocka_unit_test(jansson_allocator_of_the_program_is_kept),
	cmocka_unit_test(token_response_characters),
	cmocka_unit_test(metadata_message_is_printable),
};

UNIT_MAIN("store", tests)
