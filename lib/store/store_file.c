/*
 * store_file.c - the file store: one JSON session per profile in
 * $XDG_STATE_HOME/termauth/<profile>.json, mode 0600 in a 0700 directory,
 * replaced atomically. Also the profiles' locks, <profile>.lock, which
 * writers of any backend (a sign-in saving, a refresh) take, so that
 * concurrent processes refresh once and never lose the newest refresh
 * token. Part of the small core that serves cached tokens; reading takes
 * no lock (replacement is atomic).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>
#include "base/fileio.h"
#include "base/result.h"
#include "profile/record.h"
#include "store/store.h"

#define STORE_FILE_MAX (256 * 1024)
#define STORE_LOCK_WAIT_MS 60000 /* a sign-in holds the lock only to save */

enum ta_result ta_store_dir(char **out)
{
	char *state = NULL;
	enum ta_result r = ta_xdg_dir("XDG_STATE_HOME", ".local/state", &state);

	if (r == TA_OK)
		r = ta_path_join(state, "termauth", "", out);
	free(state);
	return r;
}

/* <store directory>/<profile><suffix>. */
static enum ta_result profile_file(const char *profile, const char *suffix, char **out)
{
	char *dir = NULL;
	enum ta_result r;

	if (!ta_profile_name_ok(profile))
		return TA_E_ARG;
	if ((r = ta_store_dir(&dir)) == TA_OK)
		r = ta_path_join(dir, profile, suffix, out);
	free(dir);
	return r;
}

enum ta_result ta_store_path(const char *profile, char **out)
{
	return profile_file(profile, ".json", out);
}

enum ta_result ta_store_lock_path(const char *profile, char **out)
{
	return profile_file(profile, ".lock", out);
}

static enum ta_result path_for(struct ta_client *c, const char *profile, char **out)
{
	enum ta_result r = ta_store_path(profile, out);

	if (r == TA_E_ARG)
		return ta_fail(c, r, "'%s' is not a valid profile name (use letters, digits, '.', '_', '-')",
		               profile ? profile : "");
	if (r == TA_E_STORE)
		return ta_fail(c, r, "cannot locate the store: set HOME or XDG_STATE_HOME");
	return r;
}

int ta_credential_session_name(const char *name)
{
	return strlen(name) == 19 && !strncmp(name, "ci-", 3) &&
	       strspn(name + 3, "0123456789abcdef") == 16;
}

static enum ta_result file_save(struct ta_client *c, const char *profile,
                               const struct ta_session *s)
{
	char *path = NULL;
	enum ta_result r;

	if ((r = path_for(c, profile, &path)) == TA_OK)
		r = ta_session_write(c, path, 1, TA_SESSION_WHOLE, s);
	free(path);
	return r;
}

/* The profile's lock, its directory made, waiting up to wait_ms for
 * another process's refresh or sign-in, but not forever. */
static enum ta_result lock_profile(struct ta_client *c, const char *profile, int wait_ms,
                                   int *fd_out)
{
	char *dir = NULL, *path = NULL;
	enum ta_result r;

	if (!ta_profile_name_ok(profile))
		return path_for(c, profile, &path);
	if ((r = ta_store_dir(&dir)) == TA_OK && (r = ta_dir_make(c, dir)) == TA_OK &&
	    (r = ta_store_lock_path(profile, &path)) == TA_OK)
		r = ta_file_lock(c, path, wait_ms, TA_E_STORE, fd_out);
	free(path);
	free(dir);
	return r;
}

enum ta_result ta_store_lock(struct ta_client *c, const char *profile, int *fd_out)
{
	return lock_profile(c, profile, STORE_LOCK_WAIT_MS, fd_out);
}

int ta_store_trylock(const char *profile)
{
	int fd = -1;

	return lock_profile(NULL, profile, 0, &fd) == TA_OK ? fd : -1;
}

void ta_store_unlock(int fd)
{
	if (fd >= 0)
		close(fd); /* closing releases the flock */
}

enum ta_result ta_store_file_load(struct ta_client *c, const char *profile,
                                  struct ta_session **out)
{
	char *path = NULL;
	enum ta_result r;

	if ((r = path_for(c, profile, &path)) != TA_OK)
		return r;
	r = ta_session_read(c, path, STORE_FILE_MAX, out);
	free(path);
	if (r == TA_E_NO_SESSION)
		r = ta_fail(c, r, "not signed in (profile '%s')", profile);
	return r;
}

static enum ta_result file_remove(struct ta_client *c, const char *profile)
{
	char *path = NULL;
	enum ta_result r;

	if ((r = path_for(c, profile, &path)) != TA_OK)
		return r;
	if (unlink(path) && errno != ENOENT)
		r = ta_fail(c, TA_E_STORE, "cannot remove %s: %s", path, strerror(errno));
	free(path);
	return r;
}

/* Appends the profiles with a session file; CI credentials' are skipped. */
static enum ta_result file_list(struct ta_client *c, char ***names, size_t *n)
{
	char *dir = NULL, *name;
	enum ta_result r = TA_OK;
	struct dirent *e;
	size_t len;
	DIR *d;

	if ((r = ta_store_dir(&dir)) != TA_OK)
		return ta_fail(c, r, "cannot locate the store: set HOME or XDG_STATE_HOME");
	if ((d = opendir(dir))) {
		while (r == TA_OK && (e = readdir(d))) {
			len = strlen(e->d_name);
			if (len <= 5 || strcmp(e->d_name + len - 5, ".json"))
				continue;
			if (!(name = strndup(e->d_name, len - 5))) {
				r = TA_E_NOMEM;
				break;
			}
			if (ta_profile_name_ok(name) && !ta_credential_session_name(name))
				r = ta_names_add(names, n, name);
			free(name);
		}
		closedir(d);
	}
	free(dir);
	return r;
}

/* The file is always there to fall back on. */
static enum ta_store_state file_probe(struct ta_client *c, char *why, size_t n)
{
	(void)c;
	snprintf(why, n, "the file store is always there");
	return TA_STORE_USABLE;
}

static int file_holds(const char *profile)
{
	char *path = NULL;
	int exists = ta_store_path(profile, &path) == TA_OK && access(path, F_OK) == 0;

	free(path);
	return exists;
}

const struct ta_store_backend ta_store_file = {
	.name = "file",
	.label = "a file",
	.probe = file_probe,
	.holds = file_holds,
	.load = ta_store_file_load,
	.save = file_save,
	.remove = file_remove,
	.list = file_list,
};
