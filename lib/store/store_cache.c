/*
 * store_cache.c - the access token cache for sessions kept in the keychain:
 * $XDG_RUNTIME_DIR/termauth/<profile>.json, 0600 in a 0700 directory. The
 * runtime directory is the person's own, in memory, and emptied when they
 * log out of the machine, so a short-lived access token may sit there; the
 * refresh token and the ID token never do. It lets the fast path serve a
 * token with one file read instead of a D-Bus round trip. Each entry
 * carries the id of the session it came from and is served only while the
 * store holds that session (store_mark.c): a sign-out or a sign-in in
 * another environment, which cannot see this runtime directory, still
 * stops it being served. Part of the small core.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "base/fileio.h"
#include "base/secret.h"
#include "profile/record.h"
#include "store/store.h"

#define CACHE_FILE_MAX (64 * 1024)

/* TA_E_NO_SESSION when XDG_RUNTIME_DIR is not set (no cache then). */
static enum ta_result cache_dir(char **out)
{
	const char *run = getenv("XDG_RUNTIME_DIR");

	if (!run || run[0] != '/')
		return TA_E_NO_SESSION;
	return ta_path_join(run, "termauth", "", out);
}

static enum ta_result cache_path(const char *profile, char **dir, char **path)
{
	enum ta_result r;

	if (!ta_profile_name_ok(profile))
		return TA_E_ARG;
	if ((r = cache_dir(dir)) != TA_OK)
		return r;
	return ta_path_join(*dir, profile, ".json", path);
}

enum ta_result ta_cache_save(struct ta_client *c, const char *profile,
                             const struct ta_session *s)
{
	char *dir = NULL, *path = NULL, *json = NULL;
	enum ta_result r = cache_path(profile, &dir, &path);

	if (r == TA_E_NO_SESSION) {
		r = TA_OK;
		goto out;
	}
	if (r != TA_OK || (r = ta_dir_make(c, dir)) != TA_OK ||
	    (r = ta_session_to_json_access(s, &json)) != TA_OK)
		goto out;
	ta_places_add(profile); /* before the write: a sign-out finds it */
	ta_store_remove_leftovers(dir, profile);
	r = ta_file_replace(c, path, json, strlen(json));
out:
	ta_free_secret(json);
	free(path);
	free(dir);
	return r;
}

enum ta_result ta_cache_load(const char *profile, struct ta_session **out)
{
	char *dir = NULL, *path = NULL;
	enum ta_result r;

	if ((r = cache_path(profile, &dir, &path)) == TA_OK)
		r = ta_session_read(NULL, path, CACHE_FILE_MAX, out);
	/* Of another session than the store's (or of none: signed out): never
	 * served, and removed. A writer replacing both at this moment writes
	 * the id first, so at worst its new entry goes too, and is refilled. */
	if (r == TA_OK && !ta_mark_matches(profile, *out)) {
		unlink(path);
		ta_session_free(*out);
		*out = NULL;
		r = TA_E_NO_SESSION;
	}
	free(path);
	free(dir);
	return r;
}

int ta_cache_exists(const char *profile)
{
	char *dir = NULL, *path = NULL;
	int exists = cache_path(profile, &dir, &path) == TA_OK && access(path, F_OK) == 0;

	free(path);
	free(dir);
	return exists;
}

void ta_cache_remove(const char *profile)
{
	char *dir = NULL, *path = NULL;

	if (cache_path(profile, &dir, &path) == TA_OK)
		unlink(path);
	free(path);
	free(dir);
}

void ta_cache_remove_in(const char *run, const char *profile)
{
	char name[80]; /* a profile name is at most 64 characters */
	int fd;

	if (!ta_profile_name_ok(profile))
		return;
	if ((fd = ta_open_runtime_dir(run, "termauth")) >= 0) {
		snprintf(name, sizeof(name), "%s.json", profile);
		unlinkat(fd, name, 0);
		close(fd);
	}
}
