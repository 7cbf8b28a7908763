/*
 * test_store.c - unit tests of the store (lib/store/): the file store
 * (store_file.c) with XDG_STATE_HOME pointed at a throw-away directory,
 * the session JSON it keeps, the kernel keyring store (store_kernel.c,
 * the real persistent keyring), and the choice of backend (store.c) in
 * file, kernel, auto and keychain mode with no keychain to be found
 * (unit.h's store environment: no test reaches a real keychain). The
 * access token cache and a session kept aside have test_store_cache.c.
 */
#include <errno.h>
#include <sys/stat.h>
#include <keyutils.h>
#include "unit.h"
#include "base/result.h"
#include "base/secret.h"
#include "profile/record.h"
#include "store/store.h"

#define NOW 1700000000LL

/* ---------------------------------------------------------------------- */
/* The file store */

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
	struct unit_store_env *e = *state;
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
	struct unit_store_env *e = *state;
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
	struct unit_store_env *e = *state;
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
	struct unit_store_env *e = *state;
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
	struct unit_store_env *e = *state;
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
	struct unit_store_env *e = *state;
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
	struct unit_store_env *e = *state;
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

/* A write removes only its own profile's leftovers: a profile may be
 * named like another's temporary file. And listing skips the sessions of
 * CI credentials (ci-<16 hex digits>) but not profiles merely like them. */
static void store_leftovers_and_listing(void **state)
{
	struct unit_store_env *e = *state;
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

/* The store's directory must be ours: one another user owns (who could
 * swap the files in it) is refused, not written into. Needs root to make
 * such a directory; elsewhere the test says so and checks nothing more. */
static void store_dir_of_another_user_is_refused(void **state)
{
	struct unit_store_env *e = *state;
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
		{ "kernel", TA_OK },   { "Kernel", TA_E_ARG },
		{ NULL, TA_OK },       { "foo", TA_E_ARG },    { "", TA_E_ARG },
		{ "File", TA_E_ARG },  { "AUTO", TA_E_ARG },   { "file ", TA_E_ARG },
		{ "secret", TA_E_ARG },
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
			snprintf(want, sizeof(want), "store must be auto, keychain, kernel or file, not '%s'",
			         rows[i].value);
			ROW_CHECK(strstr(ta_client_message(c), want) != NULL, i, "message '%s'",
			          ta_client_message(c));
			ROW_CHECK(!strcmp(ta_client_get(c, TA_OPT_STORE), "file"), i, "value changed");
		}
	}
	/* keyring, the keychain's name on Linux, is taken as keychain. */
	assert_int_equal(ta_client_set(c, TA_OPT_STORE, "keyring"), TA_OK);
	assert_string_equal(ta_client_get(c, TA_OPT_STORE), "keychain");
	ta_client_free(c);
}

/* --store file: the session is in the file; the keychain is never probed. */
static void store_file_mode(void **state)
{
	struct unit_store_env *e = *state;
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
	assert_int_equal(c->keychain_state, TA_STORE_UNKNOWN);
	assert_int_equal(c2->keychain_state, TA_STORE_UNKNOWN);
	ta_session_free(s);
	ta_client_free(c);
	ta_client_free(c2);
}

/* 1 when the kernel keyring holds a key for profile (of this store). */
static int in_kernel(const char *profile)
{
	char *name = ta_kernel_key_name(profile);
	long ring = keyctl_get_persistent((uid_t)-1, KEY_SPEC_PROCESS_KEYRING);
	int found = name && ring >= 0 && keyctl_search((key_serial_t)ring, "user", name, 0) >= 0;

	free(name);
	return found;
}

/* auto with no keychain: the kernel keyring, and a notice saying why and
 * what it loses - once per sign-in, not again when a session kept there is
 * saved again. The access token is cached for the fast path; no file. */
static void store_auto_without_keychain(void **state)
{
	struct unit_store_env *e = *state;
	struct notices nt = { 0 }, nt2 = { 0 }, nt3 = { 0 };
	struct ta_client *c = client_with(NULL, &nt), *c2, *c3;
	struct ta_session *s = session_of(&first), *back = NULL;

	assert_null(ta_client_get(c, TA_OPT_STORE)); /* auto is the default */
	assert_int_equal(ta_store_ready(c), TA_OK);
	assert_int_equal(ta_store_save(c, "work", s), TA_OK);
	assert_int_equal(nt.n, 1);
	UNIT_ASSERT_MSG(strstr(nt.last, "there is no D-Bus session bus for a keychain, so the session of profile 'work' is kept in the kernel keyring: in memory only, until reboot"),
	                "notice: %s", nt.last);
	assert_string_equal(ta_store_used(c), "kernel");
	assert_int_equal(c->keychain_state, TA_STORE_ABSENT);
	assert_true(in_kernel("work"));
	assert_false(exists_in(e->tdir, "work.json"));
	assert_true(exists_in(e->cdir, "work.json")); /* the fast path's */

	/* Loaded, then saved again (a refresh): no second notice. */
	assert_int_equal(ta_store_load(c, "work", &back), TA_OK);
	check_session(back, &first);
	ta_session_free(back);
	back = NULL;
	assert_string_equal(ta_store_used(c), "kernel");
	assert_int_equal(ta_store_save(c, "work", s), TA_OK);
	assert_int_equal(nt.n, 1);

	/* The same on a new handle that loads first. */
	c2 = client_with("auto", &nt2);
	assert_int_equal(ta_store_load(c2, "work", &back), TA_OK);
	check_session(back, &first);
	assert_string_equal(ta_store_used(c2), "kernel");
	assert_int_equal(ta_store_save(c2, "work", back), TA_OK);
	assert_int_equal(nt2.n, 0);
	ta_session_free(back);
	back = NULL;

	/* A new handle that saves without loading (a sign-in) is told again. */
	c3 = client_with("auto", &nt3);
	assert_int_equal(ta_store_save(c3, "work", s), TA_OK);
	assert_int_equal(nt3.n, 1);

	/* And without a handle at all, it still goes to the kernel keyring. */
	assert_int_equal(ta_store_save(NULL, "nohandle", s), TA_OK);
	assert_int_equal(ta_store_load(NULL, "nohandle", &back), TA_OK);
	check_session(back, &first);
	ta_session_free(back);
	assert_true(in_kernel("nohandle"));
	assert_false(exists_in(e->tdir, "nohandle.json"));

	ta_session_free(s);
	ta_client_free(c);
	ta_client_free(c2);
	ta_client_free(c3);
}

/* A session in the file moves into the kernel keyring at its next save
 * under auto (the default, and chosen by name), said once; the file is
 * gone. */
static void store_kernel_takes_file_session(void **state)
{
	static const char *const modes[] = { NULL, "auto" };
	struct unit_store_env *e = *state;
	size_t i;

	for (i = 0; i < NELEMS(modes); i++) {
		struct notices nt = { 0 };
		struct ta_client *f = client_with("file", NULL), *c = client_with(modes[i], &nt);
		struct ta_session *s = session_of(&first), *back = NULL;

		ROW_CHECK(ta_store_save(f, "work", s) == TA_OK, i, "file save");
		ROW_CHECK(ta_store_load(c, "work", &back) == TA_OK, i, "load");
		ROW_CHECK(!strcmp(ta_store_used(c), "file"), i, "read from %s", ta_store_used(c));
		ROW_CHECK(ta_store_save(c, "work", back) == TA_OK, i, "save: %s", ta_client_message(c));
		ROW_CHECK(nt.n == 1, i, "%d notices", nt.n);
		ROW_CHECK(strstr(nt.last, "the session of profile 'work' has moved from its file into the kernel keyring, which keeps it in memory only, until reboot") != NULL,
		          i, "notice: %s", nt.last);
		ROW_CHECK(!exists_in(e->tdir, "work.json"), i, "the file stayed");
		ROW_CHECK(in_kernel("work"), i, "not in the kernel keyring");
		ROW_CHECK(!strcmp(ta_store_used(c), "kernel"), i, "used %s", ta_store_used(c));
		ta_session_free(back);
		back = NULL;
		ROW_CHECK(ta_store_load(f, "work", &back) == TA_E_NO_SESSION, i, "the file still loads");
		ROW_CHECK(ta_store_remove(c, "work") == TA_OK, i, "remove: %s", ta_client_message(c));
		ROW_CHECK(!in_kernel("work"), i, "the key stayed");
		ta_session_free(s);
		ta_client_free(f);
		ta_client_free(c);
	}
}

/* A session larger than a kernel key: --store kernel refuses it, naming
 * the limit; auto keeps it in the file and says why. Nothing truncated. */
static void store_kernel_too_large(void **state)
{
	struct unit_store_env *e = *state;
	struct notices nt = { 0 };
	struct ta_client *k = client_with("kernel", NULL), *c = client_with(NULL, &nt);
	struct ta_session *s = session_of(&first), *back = NULL;
	char *big = malloc(40001);

	assert_non_null(big);
	memset(big, 'a', 40000);
	big[40000] = '\0';
	assert_int_equal(ta_set_string(&s->access_token, big), TA_OK);
	assert_int_equal(ta_store_save(k, "big", s), TA_E_STORE);
	UNIT_ASSERT_MSG(strstr(ta_client_message(k), "more than a kernel key holds (32767 bytes) - use --store file"),
	                "message: %s", ta_client_message(k));
	assert_false(in_kernel("big"));
	assert_int_equal(ta_store_save(c, "big", s), TA_OK);
	assert_string_equal(ta_store_used(c), "file");
	UNIT_ASSERT_MSG(strstr(nt.last, "there is no D-Bus session bus for a keychain, and the session of profile 'big' is") &&
	                strstr(nt.last, "so the session of profile 'big' is kept in a file only you can read"),
	                "notice: %s", nt.last);
	assert_int_equal(ta_store_load(c, "big", &back), TA_OK);
	assert_string_equal(ta_session_access_token(back), big);
	assert_true(exists_in(e->tdir, "big.json"));
	ta_session_free(back);
	ta_session_free(s);
	free(big);
	ta_client_free(k);
	ta_client_free(c);
}

/* Two copies, one in the file and one in the kernel keyring: auto reads
 * the newer, whichever store. Copies of one sign-in (a writer killed
 * between saving into the keyring and removing the file, or a refresh the
 * keyring refused, kept in the file): the one refreshed more often, else
 * the one received last, else the keyring's. Of two sign-ins: the one
 * saved last, which the store's id names, whatever the times say. */
static void store_auto_takes_newest_copy(void **state)
{
	static const struct {
		int same;
		long long file_refreshes, kernel_refreshes, file_at, kernel_at;
		const char *want, *from;
	} rows[] = {
		{ 1, 0, 1, 200, 200, "at-1.abc", "kernel" }, /* a kill mid-move, within the second */
		{ 1, 1, 0, 200, 200, "at-2.file", "file" },  /* refused by the keyring, within the second */
		{ 1, 1, 0, 100, 300, "at-2.file", "file" },  /* the count, not the clock */
		{ 1, 0, 0, 100, 200, "at-1.abc", "kernel" }, /* older files: the time */
		{ 1, 0, 0, 300, 200, "at-2.file", "file" },
		{ 1, 0, 0, 200, 200, "at-1.abc", "kernel" }, /* a tie: the preferred store's */
		{ 0, 0, 0, 100, 200, "at-2.file", "file" },  /* two sign-ins: the file's saved last */
	};
	size_t i;

	(void)state;
	for (i = 0; i < NELEMS(rows); i++) {
		struct ta_client *f = client_with("file", NULL), *k = client_with("kernel", NULL),
		                 *c = client_with(NULL, NULL);
		struct ta_session *in_kernel_s = session_of(&first), *in_file = session_of(&first),
		                  *back = NULL;

		ROW_CHECK(ta_set_string(&in_file->access_token, "at-2.file") == TA_OK, i, "set");
		ta_session_meta(in_kernel_s)->obtained_at = rows[i].kernel_at;
		ta_session_meta(in_file)->obtained_at = rows[i].file_at;
		ta_session_meta(in_kernel_s)->refreshes = rows[i].kernel_refreshes;
		ta_session_meta(in_file)->refreshes = rows[i].file_refreshes;
		if (rows[i].same) {
			/* One sign-in's copies, written as a refresh writes them
			 * (the id kept); the keyring's first, since a save there
			 * removes the file's copy. */
			ROW_CHECK(ta_session_new_id(in_file) == TA_OK, i, "id");
			memcpy(ta_session_meta(in_kernel_s)->id, ta_session_meta(in_file)->id,
			       sizeof(ta_session_meta(in_file)->id));
			ROW_CHECK(ta_store_write_locked(k, NULL, "two", in_kernel_s) == TA_OK, i,
			          "kernel write");
			ROW_CHECK(ta_store_write_locked(f, NULL, "two", in_file) == TA_OK, i, "file write");
		} else {
			ROW_CHECK(ta_store_save(k, "two", in_kernel_s) == TA_OK, i, "kernel save");
			ROW_CHECK(ta_store_save(f, "two", in_file) == TA_OK, i, "file save");
		}
		ROW_CHECK(ta_store_load(c, "two", &back) == TA_OK, i, "load: %s", ta_client_message(c));
		ROW_CHECK(back && !strcmp(ta_session_access_token(back), rows[i].want), i, "got %s",
		          back ? ta_session_access_token(back) : "(none)");
		ROW_CHECK(!strcmp(ta_store_used(c), rows[i].from), i, "from %s", ta_store_used(c));
		ta_session_free(back);
		ROW_CHECK(ta_store_remove(c, "two") == TA_OK, i, "remove");
		ta_session_free(in_kernel_s);
		ta_session_free(in_file);
		ta_client_free(f);
		ta_client_free(k);
		ta_client_free(c);
	}
}

/* The perm field of the profile's key, or -1 when there is none. */
static long key_perm(const char *profile, key_serial_t *id)
{
	char *name = ta_kernel_key_name(profile), *d = NULL, *p;
	long ring = keyctl_get_persistent((uid_t)-1, KEY_SPEC_PROCESS_KEYRING), perm = -1;
	long key = name && ring >= 0 ? keyctl_search((key_serial_t)ring, "user", name, 0) : -1;

	if (key >= 0 && keyctl_describe_alloc((key_serial_t)key, &d) >= 0 &&
	    (p = strchr(d, ';')) && (p = strchr(p + 1, ';')) && (p = strchr(p + 1, ';')))
		perm = strtol(p + 1, NULL, 16);
	*id = (key_serial_t)key;
	free(d);
	free(name);
	return perm;
}

/* A key of the profile's name that others may read (the user's own
 * programs can make one) is not written into: it is replaced by a new key
 * with only the possessor's permissions. */
static void store_kernel_replaces_wide_key(void **state)
{
	struct ta_client *k = client_with("kernel", NULL);
	struct ta_session *s = session_of(&first), *back = NULL;
	key_serial_t before, after;

	(void)state;
	assert_int_equal(ta_store_save(k, "wide", s), TA_OK);
	assert_int_equal(key_perm("wide", &before), 0x3f010000);
	assert_int_equal(keyctl_setperm(before, 0x3f3f3f3f), 0);
	assert_int_equal(key_perm("wide", &before), 0x3f3f3f3f);
	assert_int_equal(ta_store_save(k, "wide", s), TA_OK);
	assert_int_equal(key_perm("wide", &after), 0x3f010000);
	assert_true(after != before);
	assert_int_equal(ta_store_load(k, "wide", &back), TA_OK);
	check_session(back, &first);
	ta_session_free(back);
	ta_session_free(s);
	ta_client_free(k);
}

/* The kernel store lists its profiles (not CI credentials', nor another
 * store directory's), and a removal takes the key and the cache. */
static void store_kernel_list_and_remove(void **state)
{
	struct unit_store_env *e = *state;
	struct ta_client *k = client_with("kernel", NULL);
	struct ta_session *s = session_of(&first), *back = NULL;
	char **names = NULL, *other = unit_tmpdir();
	size_t n;

	assert_int_equal(ta_store_save(k, "a", s), TA_OK);
	assert_int_equal(ta_store_save(k, "b", s), TA_OK);
	assert_int_equal(ta_store_save(k, "ci-0123456789abcdef", s), TA_OK);
	/* Another store directory's key of the same profile is another one. */
	assert_int_equal(setenv("XDG_STATE_HOME", other, 1), 0);
	assert_int_equal(ta_store_save(k, "c", s), TA_OK);
	assert_int_equal(ta_store_remove(k, "a"), TA_OK); /* not this store's a */
	assert_int_equal(setenv("XDG_STATE_HOME", e->dir, 1), 0);
	assert_true(in_kernel("a"));

	assert_int_equal(ta_store_list(k, &names), TA_OK);
	for (n = 0; names[n]; n++)
		assert_true(!strcmp(names[n], "a") || !strcmp(names[n], "b"));
	assert_int_equal(n, 2);
	ta_profiles_free(names);

	assert_int_equal(ta_store_remove(k, "a"), TA_OK);
	assert_false(in_kernel("a"));
	assert_int_equal(ta_store_load(k, "a", &back), TA_E_NO_SESSION);
	assert_null(back);
	assert_true(strstr(ta_client_message(k), "not signed in (profile 'a')") != NULL);
	assert_true(in_kernel("b"));
	assert_true(exists_in(e->cdir, "b.json"));
	assert_int_equal(ta_store_remove(k, "b"), TA_OK);
	assert_false(in_kernel("b"));
	assert_false(exists_in(e->cdir, "b.json"));

	assert_int_equal(setenv("XDG_STATE_HOME", other, 1), 0);
	assert_int_equal(ta_store_remove(k, "c"), TA_OK);
	assert_false(in_kernel("c"));
	assert_int_equal(setenv("XDG_STATE_HOME", e->dir, 1), 0);
	unit_rmtree(other);
	free(other);
	ta_session_free(s);
	ta_client_free(k);
}

/* --store keychain with no keychain: an error before a sign-in and at
 * saving, never the file - and a session already in the file is untouched. */
static void store_keychain_mode_without_keychain(void **state)
{
	struct unit_store_env *e = *state;
	struct notices nt = { 0 };
	struct ta_client *f = client_with("file", NULL), *k = client_with("keychain", &nt);
	struct ta_session *s = session_of(&first), *s2 = session_of(&second), *back = NULL;
	const char *m;

	assert_int_equal(ta_store_save(f, "work", s), TA_OK);

	assert_int_equal(ta_store_ready(k), TA_E_STORE);
	m = ta_client_message(k);
	UNIT_ASSERT_MSG(strstr(m, "keychain") && strstr(m, "no D-Bus session bus") &&
	                strstr(m, "--store file"), "message: %s", m);
	assert_int_equal(k->keychain_state, TA_STORE_ABSENT);

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

/* Removing takes the file and the access token cache. */
static void store_remove_takes_file_and_cache(void **state)
{
	static const char *const modes[] = { "file" };
	struct unit_store_env *e = *state;
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
	static const char *const modes[] = { "file" };
	struct unit_store_env *e = *state;
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

/* The profiles with a session in the file: not the sessions of CI
 * credentials, nor files that are no profile's session. */
static void store_list_profiles(void **state)
{
	static const char *const modes[] = { "file" };
	static const char *const saved[] = { "work", "home", "ci-0123456789abcdef",
		                             "ci-0123456789abcde", "ci-0123456789ABCDEF" };
	static const char *const listed[] = { "work", "home", "ci-0123456789abcde",
		                              "ci-0123456789ABCDEF" };
	static const char *const junk[] = { "notes.txt", "bad name.json", ".hidden.json", ".json",
		                            "work.json.tmp-0123456789ab", "work.lock.json~" };
	struct unit_store_env *e = *state;
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

#define ENV_TEST(f) cmocka_unit_test_setup_teardown(f, unit_store_env_setup, unit_store_env_teardown)

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
	ENV_TEST(store_kernel_takes_file_session),
	ENV_TEST(store_kernel_too_large),
	ENV_TEST(store_kernel_list_and_remove),
	ENV_TEST(store_kernel_replaces_wide_key),
	ENV_TEST(store_auto_takes_newest_copy),
	ENV_TEST(store_keychain_mode_without_keychain),
	ENV_TEST(store_remove_takes_file_and_cache),
	ENV_TEST(store_file_save_drops_cache),
	ENV_TEST(store_list_profiles),
	cmocka_unit_test(session_json_round_trip),
};

UNIT_MAIN("store", tests)

