/*
 * store_file.c - the file store: one JSON session per profile in
 * $XDG_STATE_HOME/termauth/<profile>.json, mode 0600 in a 0700 directory,
 * replaced atomically. Part of the small core that serves cached tokens.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "../internal.h"

#define STORE_FILE_MAX (256 * 1024)

static enum ta_result store_dir(char **out)
{
	char *state = NULL;
	enum ta_result r = ta_xdg_dir("XDG_STATE_HOME", ".local/state", &state);

	if (r == TA_OK)
		r = ta_path_join(state, "termauth", "", out);
	free(state);
	return r;
}

enum ta_result ta_store_path(const char *profile, char **out)
{
	char *dir = NULL;
	enum ta_result r;

	if (!ta_profile_name_ok(profile))
		return TA_E_ARG;
	if ((r = store_dir(&dir)) == TA_OK)
		r = ta_path_join(dir, profile, ".json", out);
	free(dir);
	return r;
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

enum ta_result ta_store_save(struct ta_client *c, const char *profile,
                             const struct ta_session *s)
{
	char *path = NULL, *dir = NULL, *json = NULL;
	enum ta_result r;

	if ((r = path_for(c, profile, &path)) != TA_OK)
		goto out;
	if ((r = store_dir(&dir)) != TA_OK || (r = ta_dir_make(c, dir)) != TA_OK)
		goto out;
	if ((r = ta_session_to_json(s, &json)) != TA_OK)
		goto out;
	r = ta_file_replace(c, path, json, strlen(json));
out:
	ta_free_secret(json);
	free(path);
	free(dir);
	return r;
}

enum ta_result ta_store_load(struct ta_client *c, const char *profile,
                             struct ta_session **out)
{
	char *path = NULL, *buf = NULL;
	size_t len = 0;
	enum ta_result r;

	if ((r = path_for(c, profile, &path)) != TA_OK)
		goto out;
	r = ta_file_read(c, path, STORE_FILE_MAX, 1, &buf, &len);
	if (r == TA_E_STORE && errno == ENOENT) {
		r = ta_fail(c, TA_E_NO_SESSION, "not signed in (profile '%s')", profile);
		goto out;
	}
	if (r != TA_OK)
		goto out;
	r = ta_session_from_json(c, buf, len, out);
out:
	if (buf) {
		ta_wipe(buf, len);
		free(buf);
	}
	free(path);
	return r;
}

enum ta_result ta_store_remove(struct ta_client *c, const char *profile)
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
