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
 *
 * A pending session belongs to the sign-in whose id the profile's record
 * holds (store_mark.c): one left behind by a sign-out or a new sign-in
 * elsewhere - in a runtime directory that process did not have - is
 * another session's: never put back, and removed by the next writer. A runtime
 * directory that holds one is recorded, so that a sign-out anywhere finds
 * it (and revokes its refresh token). There is only ever one copy: a save
 * removes the others, so an older one cannot hide the newest.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "base/fileio.h"
#include "base/result.h"
#include "profile/record.h"
#include "store/store.h"

#define PENDING_FILE_MAX (256 * 1024)

/* Where a profile's pending session may be: first the file store's
 * directory, then this process's runtime directory, then every other
 * runtime directory the record names. path[i] is the file, in dir[i]
 * (pending/), in top[i] (the termauth directory). */
struct places {
	char **top, **dir, **path;
	size_t n;
};

static void places_free(struct places *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->top[i]);
		free(p->dir[i]);
		free(p->path[i]);
	}
	free(p->top);
	free(p->dir);
	free(p->path);
	memset(p, 0, sizeof(*p));
}

/* Adds the place under top (which it takes). */
static enum ta_result place_add(struct places *p, const char *profile, char *top)
{
	size_t i = p->n;

	if (!top)
		return TA_OK;
	p->top[i] = top;
	p->n++;
	if (ta_path_join(top, "pending", "", &p->dir[i]) != TA_OK ||
	    ta_path_join(p->dir[i], profile, ".json", &p->path[i]) != TA_OK)
		return TA_E_NOMEM;
	return TA_OK;
}

static enum ta_result places_get(const char *profile, struct places *p)
{
	char **runs = NULL, *top;
	size_t nrun = 0, i;
	enum ta_result r;

	memset(p, 0, sizeof(*p));
	if (!ta_profile_name_ok(profile))
		return TA_E_ARG;
	/* ta_places_read: the recorded directories and this process's, once. */
	if ((r = ta_places_read(profile, &runs, &nrun)) != TA_OK)
		return r;
	p->top = calloc(nrun + 1, sizeof(char *));
	p->dir = calloc(nrun + 1, sizeof(char *));
	p->path = calloc(nrun + 1, sizeof(char *));
	if (!p->top || !p->dir || !p->path) {
		r = TA_E_NOMEM;
		goto out;
	}
	top = NULL;
	if (ta_store_dir(&top) == TA_OK && (r = place_add(p, profile, top)) != TA_OK)
		goto out;
	for (i = 0; i < nrun && r == TA_OK; i++) {
		top = NULL;
		if (ta_path_join(runs[i], "termauth", "", &top) != TA_OK)
			r = TA_E_NOMEM;
		else
			r = place_add(p, profile, top);
	}
out:
	ta_profiles_free(runs);
	if (r != TA_OK)
		places_free(p);
	return r;
}

/* The place of this process's runtime directory, else p->n. */
static size_t own_runtime(const struct places *p)
{
	const char *run = getenv("XDG_RUNTIME_DIR");
	char *top = NULL;
	size_t i = p->n;

	if (run && run[0] == '/' && ta_path_join(run, "termauth", "", &top) == TA_OK)
		for (i = 1; i < p->n && strcmp(p->top[i], top); i++)
			;
	free(top);
	return i;
}

/* Writes s to place i, recorded first when it is a runtime directory (a
 * sign-out elsewhere must find it). */
static enum ta_result place_write(struct ta_client *c, const char *profile,
                                  const struct places *p, size_t i, const struct ta_session *s)
{
	if (i >= p->n)
		return TA_E_STORE;
	if (i)
		ta_places_add(profile);
	/* The termauth directory and its pending/: each 0700. */
	return ta_session_write(c, p->path[i], 2, TA_SESSION_WHOLE, s);
}

enum ta_result ta_pending_save(struct ta_client *c, const char *profile,
                               const struct ta_session *s, char **where)
{
	struct places p;
	enum ta_result r;
	size_t i, k, tried[2], kept = 0;

	if ((r = places_get(profile, &p)) != TA_OK)
		return ta_fail(c, r, "cannot tell where to keep it");
	/* It is the profile's session from now on: the record names its id
	 * (the same as the store's, but for a session older termauths kept,
	 * which got its id only now). */
	if (p.n)
		(void)ta_dir_make(c, p.top[0]); /* where the record is, normally */
	if (ta_mark_write(c, profile, ta_session_meta(s)->id) != TA_OK) {
		ta_debug(c, 1, "store: cannot record the session kept aside: %s", ta_client_message(c));
		ta_fail_undo(c);
	}
	/* The file store's directory, else this process's runtime directory. */
	tried[0] = 0;
	tried[1] = own_runtime(&p);
	r = TA_E_STORE;
	for (k = 0; k < 2 && r != TA_OK; k++)
		if (place_write(c, profile, &p, tried[k], s) == TA_OK) {
			kept = tried[k];
			r = TA_OK;
		}
	if (r != TA_OK) {
		if (!c || !c->message[0])
			ta_fail(c, r, "nowhere to keep it");
		goto out;
	}
	ta_fail_undo(c); /* a place that failed before one worked */
	/* One copy only: another place may hold an older one. */
	for (i = 0; i < p.n; i++)
		if (i != kept)
			unlink(p.path[i]);
	*where = p.path[kept];
	p.path[kept] = NULL;
out:
	places_free(&p);
	return r;
}

enum ta_result ta_pending_load(struct ta_client *c, const char *profile,
                               struct ta_session **out)
{
	enum ta_result r = TA_E_NO_SESSION;
	struct places p;
	size_t i;

	if (places_get(profile, &p) != TA_OK)
		return TA_E_NO_SESSION;
	/* Only where there is one: a place made unusable (what kept the save
	 * from the state directory may block its pending/ too) is no error.
	 * Another sign-in's, left by a sign-out that could not see it, is
	 * never used; the next writer removes it. */
	for (i = 0; i < p.n && r == TA_E_NO_SESSION; i++)
		if (!access(p.path[i], F_OK) &&
		    (r = ta_copy_read(c, profile, p.path[i], PENDING_FILE_MAX, 0, out)) == TA_E_NO_SESSION)
			ta_debug(c, 1, "store: %s belongs to a session signed out since: not used", p.path[i]);
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

	if (places_get(profile, &p) != TA_OK)
		return;
	for (size_t i = 0; i < p.n; i++)
		if (unlink(p.path[i]) == 0)
			rmdir(p.dir[i]); /* when empty: nothing is left aside */
	places_free(&p);
}
