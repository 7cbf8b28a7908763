/*
 * test_store_cache.c - unit tests of the access token cache of sessions
 * kept in the keychain (lib/store/store_cache.c): a private file under
 * $XDG_RUNTIME_DIR/termauth with no refresh token and no ID token in it,
 * served only for the session the store holds (store_mark.c) and removed,
 * with the derived tokens, wherever it was written; and of a refreshed
 * session kept aside (store_pending.c).
 * XDG_RUNTIME_DIR (and XDG_STATE_HOME) point at throw-away directories and
 * DBUS_SESSION_BUS_ADDRESS is unset (unit.h's store environment), so
 * nothing reaches a real keychain. Also the profile name list (names.c).
 */
#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>
#include "unit.h"
#include "base/fileio.h"
#include "base/secret.h"
#include "profile/record.h"
#include "store/store.h"

#define NOW 1700000000LL

#define SESSION_ID "0123456789abcdef0123456789abcdef"

/* The store holds the session SESSION_ID for profile (its record in the
 * profile's lock file): its cache entries may be served. */
static void store_holds(const char *profile)
{
	char *dir = NULL;

	assert_int_equal(ta_store_dir(&dir), TA_OK);
	assert_int_equal(ta_dir_make(NULL, dir), TA_OK);
	assert_int_equal(ta_mark_write(NULL, profile, SESSION_ID), TA_OK);
	free(dir);
}

/* A full session of SESSION_ID: every secret the cache must not keep is
 * there. */
static struct ta_session *full_session(const char *access_token)
{
	struct ta_session *s = NULL;

	assert_int_equal(ta_session_new(&s), TA_OK);
	memcpy(ta_session_meta(s)->id, SESSION_ID, sizeof(SESSION_ID));
	assert_int_equal(ta_set_string(&s->access_token, access_token), TA_OK);
	assert_int_equal(ta_set_string(&s->refresh_token, "RT-long-lived-secret"), TA_OK);
	assert_int_equal(ta_set_string(&s->id_token, "IDT.header.signature"), TA_OK);
	assert_int_equal(ta_set_string(&s->token_type, "Bearer"), TA_OK);
	assert_int_equal(ta_set_string(&s->scope, "openid profile"), TA_OK);
	assert_int_equal(ta_set_string(&s->issuer, "https://idp.example.com"), TA_OK);
	assert_int_equal(ta_set_string(&s->client_id, "termauth"), TA_OK);
	assert_int_equal(ta_set_string(&s->subject, "alice"), TA_OK);
	assert_int_equal(ta_set_string(&s->token_endpoint, "https://idp.example.com/token"),
	                 TA_OK);
	s->expires_at = NOW + 3600;
	return s;
}

static void save_writes_private_file_without_long_lived_secrets(void **state)
{
	struct unit_store_env *e = *state;
	struct ta_session *s = full_session("AT-cached");
	char *path = unit_join(e->cdir, "work.json"), *text;
	struct stat st;

	assert_int_equal(ta_cache_save(e->c, "work", s), TA_OK);

	/* 0600, ours, in a 0700 directory ours. */
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(st.st_uid, geteuid());
	assert_int_equal(lstat(e->cdir, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_int_equal(unit_count_entries(e->cdir, "work.json"), 1);

	text = unit_read_text(path);
	UNIT_ASSERT_MSG(strstr(text, "\"access_token\": \"AT-cached\""), "cache file: %s", text);
	UNIT_ASSERT_MSG(strstr(text, "\"expires_at\": 1700003600"), "cache file: %s", text);
	UNIT_ASSERT_MSG(strstr(text, "\"token_type\": \"Bearer\""), "cache file: %s", text);
	UNIT_ASSERT_MSG(!strstr(text, "refresh_token"), "cache file: %s", text);
	UNIT_ASSERT_MSG(!strstr(text, "RT-long-lived-secret"), "cache file: %s", text);
	UNIT_ASSERT_MSG(!strstr(text, "id_token"), "cache file: %s", text);
	UNIT_ASSERT_MSG(!strstr(text, "IDT.header.signature"), "cache file: %s", text);
	free(text);

	/* The caller's session keeps its secrets (the cache works on a copy). */
	assert_string_equal(ta_session_refresh_token(s), "RT-long-lived-secret");
	assert_string_equal(ta_session_id_token(s), "IDT.header.signature");

	/* Nothing went to the file store. */
	{
		char *sdir = unit_join(e->dir, "termauth");
		assert_int_equal(lstat(sdir, &st), -1);
		free(sdir);
	}
	ta_session_free(s);
	free(path);
}

static void save_load_round_trip(void **state)
{
	struct unit_store_env *e = *state;
	struct ta_session *s = full_session("AT-1"), *back = NULL;

	store_holds("work");
	store_holds("home");
	assert_int_equal(ta_cache_exists("work"), 0);
	assert_int_equal(ta_cache_save(e->c, "work", s), TA_OK);
	assert_int_equal(ta_cache_exists("work"), 1);
	assert_int_equal(ta_cache_load("work", &back), TA_OK);
	assert_non_null(back);
	assert_string_equal(ta_session_access_token(back), "AT-1");
	assert_string_equal(ta_session_token_type(back), "Bearer");
	assert_int_equal(ta_session_expires_at(back), NOW + 3600);
	assert_string_equal(ta_session_scope(back), "openid profile");
	assert_string_equal(ta_session_issuer(back), "https://idp.example.com");
	assert_string_equal(ta_session_client_id(back), "termauth");
	assert_string_equal(ta_session_subject(back), "alice");
	assert_null(ta_session_refresh_token(back));
	assert_null(ta_session_id_token(back));
	ta_session_free(back);
	back = NULL;

	/* Saving again replaces it; one file stays, and other profiles are apart. */
	ta_session_free(s);
	s = full_session("AT-2");
	s->expires_at = NOW + 7200;
	assert_int_equal(ta_cache_save(e->c, "work", s), TA_OK);
	assert_int_equal(ta_cache_save(e->c, "home", s), TA_OK);
	assert_int_equal(ta_cache_load("work", &back), TA_OK);
	assert_string_equal(ta_session_access_token(back), "AT-2");
	assert_int_equal(ta_session_expires_at(back), NOW + 7200);
	ta_session_free(back);
	back = NULL;
	assert_int_equal(unit_count_entries(e->cdir, NULL), 2);

	/* Removed: gone, the other profile stays, and removing again is fine. */
	ta_cache_remove("work");
	assert_int_equal(ta_cache_exists("work"), 0);
	assert_int_equal(ta_cache_load("work", &back), TA_E_NO_SESSION);
	assert_null(back);
	ta_cache_remove("work");
	assert_int_equal(ta_cache_exists("home"), 1);
	assert_int_equal(unit_count_entries(e->cdir, "home.json"), 1);
	ta_session_free(s);
}

static void load_missing_is_no_session(void **state)
{
	struct unit_store_env *e = *state;
	struct ta_session *back = NULL;

	/* No directory at all, then a directory without the file. */
	assert_int_equal(ta_cache_load("work", &back), TA_E_NO_SESSION);
	assert_null(back);
	assert_int_equal(mkdir(e->cdir, 0700), 0);
	assert_int_equal(ta_cache_load("work", &back), TA_E_NO_SESSION);
	assert_null(back);
	assert_int_equal(ta_cache_exists("work"), 0);
}

/* Without an absolute XDG_RUNTIME_DIR there is no cache: saving writes
 * nothing and succeeds, loading finds nothing. */
static void no_runtime_dir_means_no_cache(void **state)
{
	static const char *const values[] = { NULL, "", "relative-run", "./run", "run/termauth" };
	struct unit_store_env *e = *state;
	struct ta_session *s = full_session("AT-x"), *back = NULL;
	char *cwd = unit_tmpdir(), old[4096];
	size_t i;

	assert_non_null(getcwd(old, sizeof(old)));
	assert_int_equal(chdir(cwd), 0);
	for (i = 0; i < NELEMS(values); i++) {
		if (values[i])
			assert_int_equal(setenv("XDG_RUNTIME_DIR", values[i], 1), 0);
		else
			assert_int_equal(unsetenv("XDG_RUNTIME_DIR"), 0);
		ROW_CHECK(ta_cache_save(e->c, "work", s) == TA_OK, i, "save failed: %s",
		          ta_client_message(e->c));
		ROW_CHECK(ta_cache_exists("work") == 0, i, "a cache exists");
		ROW_CHECK(ta_cache_load("work", &back) == TA_E_NO_SESSION, i, "load");
		ROW_CHECK(back == NULL, i, "a session came back");
		ta_cache_remove("work"); /* nothing to do, and no crash */
		/* Not written relative to the working directory either. */
		ROW_CHECK(unit_count_entries(cwd, NULL) == 0, i, "wrote into the cwd");
	}
	assert_int_equal(chdir(old), 0);
	/* Nor under the real runtime directory of the test. */
	assert_int_equal(setenv("XDG_RUNTIME_DIR", e->run, 1), 0);
	assert_int_equal(unit_count_entries(e->run, NULL), 0);
	unit_rmtree(cwd);
	free(cwd);
	ta_session_free(s);
}

/* Like OpenSSH's private keys: a cache file others may read is not used. */
static void load_refuses_files_others_may_read(void **state)
{
	static const struct {
		mode_t mode;
		enum ta_result want;
	} rows[] = {
		{ 0644, TA_E_STORE }, { 0640, TA_E_STORE }, { 0604, TA_E_STORE },
		{ 0660, TA_E_STORE }, { 0606, TA_E_STORE }, { 0610, TA_E_STORE },
		{ 0600, TA_OK },      { 0400, TA_OK },
	};
	struct unit_store_env *e = *state;
	struct ta_session *s = full_session("AT-m");
	char *path = unit_join(e->cdir, "work.json");
	size_t i;

	store_holds("work");
	assert_int_equal(ta_cache_save(e->c, "work", s), TA_OK);
	for (i = 0; i < NELEMS(rows); i++) {
		struct ta_session *back = NULL;
		enum ta_result r;
		assert_int_equal(chmod(path, rows[i].mode), 0);
		r = ta_cache_load("work", &back);
		ROW_CHECK(r == rows[i].want, i, "mode %04o gave %d", (unsigned)rows[i].mode, (int)r);
		if (rows[i].want == TA_OK)
			ROW_CHECK(back && !strcmp(ta_session_access_token(back), "AT-m"), i, "token");
		else
			ROW_CHECK(back == NULL, i, "a session came back");
		ta_session_free(back);
	}
	ta_session_free(s);
	free(path);
}

/* Nor one reached through a symbolic link, nor one another user owns. */
static void load_refuses_links_and_foreign_files(void **state)
{
	struct unit_store_env *e = *state;
	struct ta_session *s = full_session("AT-l"), *back = NULL;
	char *path = unit_join(e->cdir, "work.json");
	char *target = unit_join(e->run, "planted.json");

	assert_int_equal(ta_cache_save(e->c, "home", s), TA_OK); /* makes the directory */
	unit_write_file(target, "{\"format\":1,\"access_token\":\"planted\"}");
	assert_int_equal(symlink(target, path), 0);
	assert_int_equal(ta_cache_load("work", &back), TA_E_STORE);
	assert_null(back);
	assert_int_equal(unlink(path), 0);

	if (geteuid() == 0) {
		unit_write_file(path, "{\"format\":1,\"access_token\":\"theirs\"}");
		assert_int_equal(chown(path, 65534, 65534), 0);
		assert_int_equal(ta_cache_load("work", &back), TA_E_STORE);
		assert_null(back);
	} else {
		print_message("not root: the file of another user is not checked here\n");
	}
	ta_session_free(s);
	free(path);
	free(target);
}

static void load_refuses_corrupt_file(void **state)
{
	struct unit_store_env *e = *state;
	struct ta_session *back = NULL;
	char *path = unit_join(e->cdir, "work.json");

	assert_int_equal(mkdir(e->cdir, 0700), 0);
	unit_write_file(path, "{\"format\":1,\"access_token\":");
	assert_int_equal(ta_cache_load("work", &back), TA_E_STORE);
	assert_null(back);
	free(path);
}

static void invalid_profile_names(void **state)
{
	static const char *const names[] = {
		NULL, "", ".x", "..", "a/b", "../work", "a b", "a\nb", "\xc3\xa9",
		"0123456789012345678901234567890123456789012345678901234567890123X", /* 65 */
	};
	struct unit_store_env *e = *state;
	struct ta_session *s = full_session("AT-n"), *back = NULL;
	size_t i;

	for (i = 0; i < NELEMS(names); i++) {
		ROW_CHECK(ta_cache_save(e->c, names[i], s) == TA_E_ARG, i, "save accepted");
		ROW_CHECK(ta_cache_load(names[i], &back) == TA_E_ARG, i, "load accepted");
		ROW_CHECK(back == NULL, i, "a session came back");
		ROW_CHECK(ta_cache_exists(names[i]) == 0, i, "exists");
		ta_cache_remove(names[i]);
	}
	/* Nothing was written anywhere under the runtime directory. */
	assert_int_equal(unit_count_entries(e->run, NULL), 0);
	ta_session_free(s);
}

/* The directory is narrowed to 0700 when it was made looser before, and a
 * symbolic link in its place is not written through. */
static void cache_directory_is_private(void **state)
{
	struct unit_store_env *e = *state;
	struct ta_session *s = full_session("AT-d");
	char *elsewhere = unit_join(e->run, "elsewhere");
	struct stat st;

	assert_int_equal(mkdir(e->cdir, 0700), 0);
	assert_int_equal(chmod(e->cdir, 0755), 0);
	assert_int_equal(ta_cache_save(e->c, "work", s), TA_OK);
	assert_int_equal(lstat(e->cdir, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);

	unit_rmtree(e->cdir);
	assert_int_equal(mkdir(elsewhere, 0700), 0);
	assert_int_equal(symlink(elsewhere, e->cdir), 0);
	assert_int_equal(ta_cache_save(e->c, "work", s), TA_E_STORE);
	assert_non_null(strstr(ta_client_message(e->c), "not a directory"));
	assert_int_equal(unit_count_entries(elsewhere, NULL), 0);
	ta_session_free(s);
	free(elsewhere);
}

/* Under the profile's lock (locked=1), what killed writers of the profile
 * left - exactly <profile>.json.tmp-<12 hex> - is removed; files merely
 * like it, or another profile's, are kept. Without the lock nothing is. */
static void locked_save_removes_only_own_leftovers(void **state)
{
	static const struct {
		const char *name;
		int removed; /* by a save of profile "a" (under the lock) */
	} rows[] = {
		{ "a.json.tmp-0123456789ab", 1 },
		{ "a.json.tmp-ffffffffffff", 1 },
		{ "a.json.tmp-000000000000", 1 },
		{ "a.json.tmp-x.json.tmp-0123456789ab", 0 }, /* profile "a.json.tmp-x"'s */
		{ "ab.json.tmp-0123456789ab", 0 },           /* profile "ab"'s */
		{ "b.json.tmp-0123456789ab", 0 },
		{ "a.json.tmp-0123456789a", 0 },   /* 11 digits */
		{ "a.json.tmp-0123456789abc", 0 }, /* 13 digits */
		{ "a.json.tmp-0123456789AB", 0 },  /* not what ta_file_replace writes */
		{ "a.json.tmp-0123456789ag", 0 },
		{ "a.json.tmp-", 0 },
		{ "a.json", 0 }, /* replaced, not removed */
		{ "a.json.tmp-0123456789ab.json", 0 }, /* profile "a.json.tmp-0123456789ab"'s cache */
	};
	struct unit_store_env *e = *state;
	struct ta_session *s = full_session("AT-left");
	size_t i;

	assert_int_equal(mkdir(e->cdir, 0700), 0);
	for (i = 0; i < NELEMS(rows); i++) {
		char *p = unit_join(e->cdir, rows[i].name);
		unit_write_file(p, "{\"format\":1,\"access_token\":\"left\"}");
		free(p);
	}
	store_holds("a");
	assert_int_equal(ta_cache_save(e->c, "a", s), TA_OK);
	for (i = 0; i < NELEMS(rows); i++) {
		char *p = unit_join(e->cdir, rows[i].name);
		int gone = access(p, F_OK) != 0;
		ROW_CHECK(gone == rows[i].removed, i, "%s %s", rows[i].name,
		          gone ? "was removed" : "was kept");
		free(p);
	}
	/* a.json itself is the new cache. */
	{
		struct ta_session *back = NULL;
		assert_int_equal(ta_cache_load("a", &back), TA_OK);
		assert_string_equal(ta_session_access_token(back), "AT-left");
		ta_session_free(back);
	}
	ta_session_free(s);
}

/* ta_names_add: the list the backends fill together. */
static void names_add_deduplicates(void **state)
{
	static const char *const adds[] = { "work", "home", "work", "ci-x", "home", "work" };
	static const char *const want[] = { "work", "home", "ci-x" };
	char **names = NULL, buf[8];
	size_t i, n = 0;

	(void)state;
	/* From an empty list that is only a NULL pointer... */
	for (i = 0; i < NELEMS(adds); i++) {
		ROW_CHECK(ta_names_add(&names, &n, adds[i]) == TA_OK, i, "add");
		ROW_CHECK(names != NULL && names[n] == NULL, i, "not NULL-terminated");
	}
	assert_int_equal(n, NELEMS(want));
	for (i = 0; i < NELEMS(want); i++)
		ROW_CHECK(!strcmp(names[i], want[i]), i, "'%s', want '%s'", names[i], want[i]);
	assert_null(names[n]);
	ta_profiles_free(names);

	/* ...and from one as ta_store_list starts it; the names are copies. */
	names = calloc(1, sizeof(*names));
	assert_non_null(names);
	n = 0;
	snprintf(buf, sizeof(buf), "p1");
	assert_int_equal(ta_names_add(&names, &n, buf), TA_OK);
	snprintf(buf, sizeof(buf), "p2");
	assert_int_equal(ta_names_add(&names, &n, buf), TA_OK);
	snprintf(buf, sizeof(buf), "p1");
	assert_int_equal(ta_names_add(&names, &n, buf), TA_OK);
	buf[0] = 'X';
	assert_int_equal(n, 2);
	assert_string_equal(names[0], "p1");
	assert_string_equal(names[1], "p2");
	assert_null(names[2]);
	ta_profiles_free(names);

	ta_profiles_free(NULL);
}

/* A cache entry is served only for the session the store holds: not one
 * of another session (an older sign-in, another person), not one with no
 * id (an older termauth's), not one after a sign-out cleared the id; each
 * such entry is removed as it is refused. */
static void entry_of_another_session_is_not_served(void **state)
{
	static const struct {
		const char *entry_id; /* NULL: none */
		const char *store_id; /* NULL: the record was cleared */
		enum ta_result want;
	} rows[] = {
		{ SESSION_ID, SESSION_ID, TA_OK },
		{ "ffffffffffffffffffffffffffffffff", SESSION_ID, TA_E_NO_SESSION },
		{ SESSION_ID, "ffffffffffffffffffffffffffffffff", TA_E_NO_SESSION },
		{ NULL, SESSION_ID, TA_E_NO_SESSION },
		{ SESSION_ID, NULL, TA_E_NO_SESSION },
	};
	struct unit_store_env *e = *state;
	char *path = unit_join(e->cdir, "work.json");
	size_t i;

	for (i = 0; i < NELEMS(rows); i++) {
		struct ta_session *s = full_session("AT-x"), *back = NULL;
		enum ta_result r;

		memset(ta_session_meta(s)->id, 0, sizeof(ta_session_meta(s)->id));
		if (rows[i].entry_id)
			memcpy(ta_session_meta(s)->id, rows[i].entry_id, TA_SESSION_ID_LEN);
		store_holds("work");
		assert_int_equal(ta_cache_save(e->c, "work", s), TA_OK);
		if (rows[i].store_id)
			assert_int_equal(ta_mark_write(NULL, "work", rows[i].store_id), TA_OK);
		else
			ta_mark_remove("work");
		r = ta_cache_load("work", &back);
		ROW_CHECK(r == rows[i].want, i, "gave %d", (int)r);
		ROW_CHECK((back != NULL) == (r == TA_OK), i, "session %p", (void *)back);
		ROW_CHECK((access(path, F_OK) == 0) == (r == TA_OK), i, "the entry %s",
		          access(path, F_OK) == 0 ? "stayed" : "was removed");
		ta_session_free(back);
		ta_session_free(s);
	}
	free(path);
}

/* Where a cache or derived token was written is recorded in the profile's
 * lock file, and ta_store_forget_copies removes them there from a process
 * with another XDG_RUNTIME_DIR, or none; the record and the id go too. */
static void copies_are_removed_from_another_runtime_dir(void **state)
{
	static const char *const keys[TA_DERIVED_KEY_PARTS] = { "https://api.example" };
	struct unit_store_env *e = *state;
	struct ta_session *s = full_session("AT-away"), *back = NULL;
	char *cache = unit_join(e->cdir, "work.json"), *derived = unit_join(e->cdir, "derived/work");
	char *other = unit_tmpdir(), *lock = NULL, *sdir = NULL, **dirs = NULL, *text;
	const char *const envs[] = { other, NULL };
	size_t n = 0, i;

	for (i = 0; i < NELEMS(envs); i++) {
		assert_int_equal(setenv("XDG_RUNTIME_DIR", e->run, 1), 0);
		store_holds("work");
		assert_int_equal(ta_cache_save(e->c, "work", s), TA_OK);
		assert_int_equal(ta_derived_save(e->c, "work", NULL, keys, s), TA_OK);
		assert_int_equal(ta_derived_load("work", NULL, keys, &back), TA_OK);
		ta_session_free(back);
		back = NULL;
		/* The record: the id, then the runtime directory, once. */
		assert_int_equal(ta_store_dir(&sdir), TA_OK);
		lock = unit_join(sdir, "work.lock");
		text = unit_read_text(lock);
		UNIT_ASSERT_MSG(!strncmp(text, SESSION_ID "\n", TA_SESSION_ID_LEN + 1), "record: %s", text);
		UNIT_ASSERT_MSG(strstr(text, e->run) && strstr(text, e->run) == strrchr(text, '\n') - strlen(e->run),
		                "record: %s", text);
		free(text);
		/* Another environment signs out. */
		if (envs[i])
			assert_int_equal(setenv("XDG_RUNTIME_DIR", envs[i], 1), 0);
		else
			assert_int_equal(unsetenv("XDG_RUNTIME_DIR"), 0);
		assert_int_equal(ta_places_read("work", &dirs, &n), TA_OK);
		assert_int_equal(n, envs[i] ? 2 : 1);
		assert_string_equal(dirs[0], e->run);
		ta_profiles_free(dirs);
		ta_store_forget_copies("work");
		ROW_CHECK(access(cache, F_OK) != 0, i, "the cache stayed");
		ROW_CHECK(access(derived, F_OK) != 0, i, "the derived tokens stayed");
		text = unit_read_text(lock);
		ROW_CHECK(!strcmp(text, "\n"), i, "the record holds '%s'", text);
		free(text);
		free(lock);
		free(sdir);
	}
	free(other);
	free(cache);
	free(derived);
	ta_session_free(s);
}

/* A recorded runtime directory that is not ours any more (made again by
 * someone else) is left alone. Needs root to give it away. */
static void copies_in_a_directory_not_ours_stay(void **state)
{
	struct unit_store_env *e = *state;
	struct ta_session *s = full_session("AT-theirs");
	char *cache = unit_join(e->cdir, "work.json");

	if (geteuid() != 0) {
		free(cache);
		ta_session_free(s);
		skip();
	}
	store_holds("work");
	assert_int_equal(ta_cache_save(e->c, "work", s), TA_OK);
	assert_int_equal(chown(e->cdir, 65534, 65534), 0);
	assert_int_equal(unsetenv("XDG_RUNTIME_DIR"), 0);
	ta_store_forget_copies("work");
	assert_int_equal(access(cache, F_OK), 0);
	assert_int_equal(chown(e->cdir, 0, 0), 0);
	free(cache);
	ta_session_free(s);
}

/* A refreshed session kept aside: under the file store's directory, else
 * (that one unusable) the runtime directory; private; read back whole;
 * removed from both. */
static void pending_is_kept_aside_privately(void **state)
{
	struct unit_store_env *e = *state;
	struct ta_session *s = full_session("AT-pending"), *back = NULL;
	char *where = NULL, *sdir = NULL, *pdir, *first, *second = unit_join(e->cdir, "pending/work.json");
	struct stat st;

	assert_int_equal(ta_store_dir(&sdir), TA_OK);
	pdir = unit_join(sdir, "pending");
	first = unit_join(pdir, "work.json");
	assert_int_equal(ta_pending_exists("work"), 0);
	assert_int_equal(ta_pending_load(e->c, "work", &back), TA_E_NO_SESSION);
	assert_int_equal(ta_pending_save(e->c, "work", s, &where), TA_OK);
	assert_string_equal(where, first);
	free(where);
	where = NULL;
	assert_int_equal(lstat(first, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(lstat(pdir, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_int_equal(ta_pending_exists("work"), 1);
	assert_int_equal(ta_pending_load(e->c, "work", &back), TA_OK);
	assert_string_equal(ta_session_refresh_token(back), "RT-long-lived-secret");
	assert_string_equal(ta_session_meta(back)->id, SESSION_ID);
	ta_session_free(back);
	back = NULL;
	assert_int_equal(ta_pending_exists("other"), 0);

	/* The state directory's pending/ is a file: the runtime directory. */
	ta_pending_remove("work");
	assert_int_equal(access(first, F_OK), -1);
	assert_int_equal(access(pdir, F_OK), -1); /* the empty directory too */
	unit_write_file(pdir, "in the way");
	assert_int_equal(ta_pending_save(e->c, "work", s, &where), TA_OK);
	assert_string_equal(where, second);
	/* The place that failed first is no failure of the call. */
	assert_string_equal(ta_client_message(e->c), "");
	assert_int_equal(lstat(second, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(ta_pending_load(e->c, "work", &back), TA_OK);
	assert_string_equal(ta_session_access_token(back), "AT-pending");
	ta_session_free(back);
	ta_pending_remove("work");
	assert_int_equal(ta_pending_exists("work"), 0);
	assert_int_equal(access(second, F_OK), -1);
	free(where);
	free(first);
	free(second);
	free(pdir);
	free(sdir);
	ta_session_free(s);
}

/* A session kept aside in a runtime directory is found by a process
 * without that directory (the record names it), and belongs to its
 * sign-in: after a sign-out elsewhere has cleared the record, it is never
 * used again, and the next writer removes it. */
static void pending_follows_its_sign_in(void **state)
{
	struct unit_store_env *e = *state;
	struct ta_session *s = full_session("AT-aside"), *back = NULL;
	char *where = NULL, *sdir = NULL, *pdir, *second = unit_join(e->cdir, "pending/work.json");

	store_holds("work");
	assert_int_equal(ta_store_dir(&sdir), TA_OK);
	pdir = unit_join(sdir, "pending");
	unit_write_file(pdir, "in the way"); /* the state directory's pending/ is unusable */
	assert_int_equal(ta_pending_save(e->c, "work", s, &where), TA_OK);
	assert_string_equal(where, second);
	assert_int_equal(unsetenv("XDG_RUNTIME_DIR"), 0);
	assert_int_equal(ta_pending_load(e->c, "work", &back), TA_OK);
	assert_string_equal(ta_session_access_token(back), "AT-aside");
	ta_session_free(back);
	back = NULL;
	ta_store_forget_copies("work"); /* a sign-out, from there */
	assert_int_equal(setenv("XDG_RUNTIME_DIR", e->run, 1), 0);
	assert_int_equal(ta_pending_load(e->c, "work", &back), TA_E_NO_SESSION);
	assert_null(back);
	assert_int_equal(access(second, F_OK), 0); /* not used, not yet removed */
	assert_int_equal(ta_store_recover_locked(e->c, NULL, "work"), TA_OK);
	assert_int_equal(access(second, F_OK), -1);
	free(where);
	free(second);
	free(pdir);
	free(sdir);
	ta_session_free(s);
}

/* Every writer of session files removes what killed writers of its file
 * left, under the profile's lock: derived tokens and the session kept
 * aside as the file store and the cache do; other files stay. A derived
 * token holds no refresh token, in 0700 directories; the session kept
 * aside holds it all. */
static void every_writer_removes_its_leftovers(void **state)
{
	static const char *const keys[TA_DERIVED_KEY_PARTS] = { "https://api.example" };
	struct unit_store_env *e = *state;
	struct ta_session *s = full_session("AT-left"), *back = NULL;
	char *ddir = unit_join(e->cdir, "derived/work"), *sdir = NULL, *pdir, *where = NULL;
	char *dfile = NULL, *left, *other, *name, *text;
	struct dirent *de;
	struct stat st;
	DIR *d;

	store_holds("work");
	assert_int_equal(ta_derived_save(e->c, "work", NULL, keys, s), TA_OK);
	assert_non_null(d = opendir(ddir));
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			dfile = unit_join(ddir, de->d_name);
	closedir(d);
	assert_non_null(dfile);
	text = unit_read_text(dfile);
	UNIT_ASSERT_MSG(!strstr(text, "RT-long-lived-secret"), "derived: %s", text);
	free(text);
	assert_int_equal(lstat(ddir, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	name = strrchr(dfile, '/') + 1;
	assert_non_null(left = malloc(strlen(dfile) + 20));
	snprintf(left, strlen(dfile) + 20, "%s.tmp-0123456789ab", dfile);
	other = unit_join(ddir, "0123.json.tmp-0123456789ab");
	unit_write_file(left, "{}");
	unit_write_file(other, "{}");
	assert_int_equal(ta_derived_save(e->c, "work", NULL, keys, s), TA_OK);
	UNIT_ASSERT_MSG(access(left, F_OK) != 0, "%s.tmp-... stayed", name);
	assert_int_equal(access(other, F_OK), 0);
	assert_int_equal(ta_derived_load("work", NULL, keys, &back), TA_OK);
	ta_session_free(back);
	back = NULL;
	free(left);
	free(other);

	assert_int_equal(ta_store_dir(&sdir), TA_OK);
	pdir = unit_join(sdir, "pending");
	assert_int_equal(mkdir(pdir, 0700), 0);
	left = unit_join(pdir, "work.json.tmp-0123456789ab");
	other = unit_join(pdir, "home.json.tmp-0123456789ab");
	unit_write_file(left, "{}");
	unit_write_file(other, "{}");
	assert_int_equal(ta_pending_save(e->c, "work", s, &where), TA_OK);
	assert_int_equal(access(left, F_OK), -1);
	assert_int_equal(access(other, F_OK), 0);
	assert_int_equal(ta_pending_load(e->c, "work", &back), TA_OK);
	assert_string_equal(ta_session_refresh_token(back), "RT-long-lived-secret");
	ta_session_free(back);
	free(where);
	free(left);
	free(other);
	free(pdir);
	free(sdir);
	free(dfile);
	free(ddir);
	ta_session_free(s);
}

#define ENV_TEST(f) cmocka_unit_test_setup_teardown(f, unit_store_env_setup, unit_store_env_teardown)

static const struct CMUnitTest tests[] = {
	ENV_TEST(save_writes_private_file_without_long_lived_secrets),
	ENV_TEST(save_load_round_trip),
	ENV_TEST(load_missing_is_no_session),
	ENV_TEST(no_runtime_dir_means_no_cache),
	ENV_TEST(load_refuses_files_others_may_read),
	ENV_TEST(load_refuses_links_and_foreign_files),
	ENV_TEST(load_refuses_corrupt_file),
	ENV_TEST(invalid_profile_names),
	ENV_TEST(cache_directory_is_private),
	ENV_TEST(locked_save_removes_only_own_leftovers),
	ENV_TEST(entry_of_another_session_is_not_served),
	ENV_TEST(copies_are_removed_from_another_runtime_dir),
	ENV_TEST(copies_in_a_directory_not_ours_stay),
	ENV_TEST(pending_is_kept_aside_privately),
	ENV_TEST(pending_follows_its_sign_in),
	ENV_TEST(every_writer_removes_its_leftovers),
	cmocka_unit_test(names_add_deduplicates),
};

UNIT_MAIN("store_cache", tests)
