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

static enum ta_result cache_path(const char *profile, char **path)
{
	char *dir = NULL;
	enum ta_result r;

	if (!ta_profile_name_ok(profile))
		return TA_E_ARG;
	if ((r = cache_dir(&dir)) == TA_OK)
		r = ta_path_join(dir, profile, ".json", path);
	free(dir);
	return r;
}

enum ta_result ta_cache_save(struct ta_client *c, const char *profile,
                             const struct ta_session *s)
{
	char *path = NULL;
	enum ta_result r = cache_path(profile, &path);

	if (r == TA_E_NO_SESSION) {
		r = TA_OK;
	} else if (r == TA_OK) {
		ta_places_add(profile); /* before the write: a sign-out finds it */
		r = ta_session_write(c, path, 1, TA_SESSION_ACCESS, s);
	}
	free(path);
	return r;
}

enum ta_result ta_cache_load(const char *profile, struct ta_session **out)
{
	char *path = NULL;
	enum ta_result r;

	if ((r = cache_path(profile, &path)) == TA_OK)
		r = ta_copy_read(NULL, profile, path, CACHE_FILE_MAX, 1, out);
	free(path);
	return r;
}

int ta_cache_exists(const char *profile)
{
	char *path = NULL;
	int exists = cache_path(profile, &path) == TA_OK && access(path, F_OK) == 0;

	free(path);
	return exists;
}

void ta_cache_remove(const char *profile)
{
	char *path = NULL;

	if (cache_path(profile, &path) == TA_OK)
		unlink(path);
	free(path);
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
