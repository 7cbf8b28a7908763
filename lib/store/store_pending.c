/*
 * store_pending.c - a refreshed session that the store could not take (a
 * full disk, an unreachable keychain, a broken store file), kept aside so
 * that its refresh token is not lost: the IdP has already rotated the old
 * one away, and some IdPs end the whole grant when it is used again.
 *
 * pending/<profile>.json under the file store's directory, else (that
 * disk may be the one that is full) under $XDG_RUNTIME_DIR/termauth, which
 * is normally in memory; 0600 files in 0700 directories, written as a
 * session file is. It holds the whole session, refresh token included, as
 * the file store would. The next writer under the profile's lock moves it
 * into the store (ta_store_recover_locked); until then every reader takes
 * it for the profile's session, and the fast path leaves the profile to
 * the full tool. Part of the small core (the fast path asks whether there
 * is one).
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "store.h"

#define PENDING_FILE_MAX (256 * 1024)

/* The two places, in the order tried; NULL members where there is none
 * (no XDG_RUNTIME_DIR). */
struct places {
	char *top[2];  /* the termauth directory */
	char *dir[2];  /* its pending/ */
	char *path[2]; /* the profile's file there */
};

static void places_get(const char *profile, struct places *p)
{
	const char *run = getenv("XDG_RUNTIME_DIR");
	int i;

	memset(p, 0, sizeof(*p));
	if (!ta_profile_name_ok(profile))
		return;
	if (ta_store_dir(&p->top[0]) != TA_OK)
		p->top[0] = NULL;
	if (run && run[0] == '/' && ta_path_join(run, "termauth", "", &p->top[1]) != TA_OK)
		p->top[1] = NULL;
	for (i = 0; i < 2; i++)
		if (p->top[i] && ta_path_join(p->top[i], "pending", "", &p->dir[i]) == TA_OK &&
		    ta_path_join(p->dir[i], profile, ".json", &p->path[i]) != TA_OK)
			p->path[i] = NULL;
}

static void places_free(struct places *p)
{
	int i;

	for (i = 0; i < 2; i++) {
		free(p->top[i]);
		free(p->dir[i]);
		free(p->path[i]);
	}
}

enum ta_result ta_pending_save(struct ta_client *c, const char *profile,
                               const struct ta_session *s, char **where)
{
	struct places p;
	char *json = NULL;
	enum ta_result r;
	int i;

	places_get(profile, &p);
	if ((r = ta_session_to_json(s, &json)) != TA_OK)
		goto out;
	r = ta_fail(c, TA_E_STORE, "nowhere to keep it");
	for (i = 0; i < 2 && r != TA_OK; i++) {
		if (!p.path[i] || ta_dir_make(c, p.top[i]) != TA_OK ||
		    ta_dir_make(c, p.dir[i]) != TA_OK ||
		    ta_file_replace(c, p.path[i], json, strlen(json)) != TA_OK)
			continue;
		/* One copy only: the other place may hold an older one. */
		if (i == 0 && p.path[1])
			unlink(p.path[1]);
		*where = p.path[i];
		p.path[i] = NULL;
		r = TA_OK;
	}
out:
	ta_free_secret(json);
	places_free(&p);
	return r;
}

enum ta_result ta_pending_load(struct ta_client *c, const char *profile,
                               struct ta_session **out)
{
	enum ta_result r = TA_E_NO_SESSION;
	struct places p;
	int i;

	places_get(profile, &p);
	/* Only where there is one: a place made unusable (what kept the save
	 * from the state directory may block its pending/ too) is no error. */
	for (i = 0; i < 2 && r == TA_E_NO_SESSION; i++)
		if (p.path[i] && access(p.path[i], F_OK) == 0)
			r = ta_session_read(c, p.path[i], PENDING_FILE_MAX, out);
	places_free(&p);
	return r;
}

/* 1 when dir/sub/<profile>.json exists. Built by hand, not with
 * ta_path_join: the fast path asks this at every call. */
static int exists_under(const char *dir, const char *sub, const char *profile)
{
	size_t a = strlen(dir), b = strlen(sub), n = strlen(profile);
	char path[PATH_MAX];

	if (a + b + n + sizeof(".json") > sizeof(path))
		return 0;
	memcpy(path, dir, a);
	memcpy(path + a, sub, b);
	memcpy(path + a + b, profile, n);
	memcpy(path + a + b + n, ".json", sizeof(".json"));
	return access(path, F_OK) == 0;
}

int ta_pending_exists(const char *profile)
{
	const char *run = getenv("XDG_RUNTIME_DIR");
	char *dir = NULL;
	int found;

	if (!ta_profile_name_ok(profile))
		return 0;
	found = ta_store_dir(&dir) == TA_OK && exists_under(dir, "/pending/", profile);
	free(dir);
	return found || (run && run[0] == '/' && exists_under(run, "/termauth/pending/", profile));
}

void ta_pending_remove(const char *profile)
{
	struct places p;
	int i;

	places_get(profile, &p);
	for (i = 0; i < 2; i++)
		if (p.path[i] && unlink(p.path[i]) == 0)
			rmdir(p.dir[i]); /* when empty: nothing is left aside */
	places_free(&p);
}
