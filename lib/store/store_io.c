/*
 * store_io.c - session files, written and read one way for every store
 * that keeps them in files: the file store, the access token cache, the
 * derived tokens and the session kept aside. Writing: the directories made
 * 0700 (ours, no link), the JSON - whole, or the access token only - put
 * in place atomically (ta_file_replace: O_EXCL|O_NOFOLLOW, 0600, fsync,
 * rename, fsync of the directory) after the temporary files of killed
 * writers are removed, and wiped. Reading: a private file, wiped after
 * parsing. Part of the small core.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "base/fileio.h"
#include "base/result.h"
#include "base/secret.h"
#include "profile/record.h"
#include "store/store.h"

/* 1 when name is exactly <file>.json.tmp-<12 hex digits>, the name
 * ta_file_replace gives its temporary file - and so no other profile's
 * file (a profile may be called "a.json.tmp-x"). */
static int leftover_of(const char *name, const char *file)
{
	size_t n = strlen(file);

	if (strncmp(name, file, n) || strncmp(name + n, ".json.tmp-", 10))
		return 0;
	name += n + 10;
	return strlen(name) == 12 && strspn(name, "0123456789abcdef") == 12;
}

void ta_store_remove_leftovers(const char *dir, const char *file)
{
	struct dirent *e;
	DIR *d = opendir(dir);

	if (!d)
		return;
	while ((e = readdir(d)))
		if (leftover_of(e->d_name, file))
			unlinkat(dirfd(d), e->d_name, 0);
	closedir(d);
}

/* Makes dir and the dirs - 1 directories above it, from the highest
 * down, each with ta_dir_make (0700, ours, no link). dir is cut and put
 * back on the way. */
static enum ta_result make_dirs(struct ta_client *c, char *dir, unsigned dirs)
{
	char *cut[TA_SESSION_DIRS_MAX];
	enum ta_result r;
	unsigned n;

	for (n = 0; n + 1 < dirs; n++) {
		if (!(cut[n] = strrchr(dir, '/')) || cut[n] == dir)
			break;
		*cut[n] = '\0';
	}
	r = ta_dir_make(c, dir);
	while (n-- > 0) {
		*cut[n] = '/';
		if (r == TA_OK)
			r = ta_dir_make(c, dir);
	}
	return r;
}

enum ta_result ta_session_write(struct ta_client *c, const char *path, unsigned dirs,
                                enum ta_session_form form, const struct ta_session *s)
{
	char *dir = NULL, *file, *json = NULL;
	size_t n = strlen(path);
	enum ta_result r;

	if (dirs < 1 || dirs > TA_SESSION_DIRS_MAX || n < 6 || strcmp(path + n - 5, ".json"))
		return ta_fail(c, TA_E_ARG, "not a session file: %s", path);
	if (!(dir = strdup(path)))
		return TA_E_NOMEM;
	if (!(file = strrchr(dir, '/')) || file == dir) {
		r = ta_fail(c, TA_E_ARG, "not a session file: %s", path);
		goto out;
	}
	*file++ = '\0';
	file[strlen(file) - 5] = '\0'; /* <file>.json */
	if ((r = make_dirs(c, dir, dirs)) != TA_OK)
		goto out;
	r = form == TA_SESSION_ACCESS ? ta_session_to_json_access(s, &json)
	                               : ta_session_to_json(s, &json);
	if (r != TA_OK)
		goto out;
	ta_store_remove_leftovers(dir, file);
	r = ta_file_replace(c, path, json, strlen(json));
out:
	ta_free_secret(json);
	free(dir);
	return r;
}

enum ta_result ta_session_read(struct ta_client *c, const char *path, size_t max,
                               struct ta_session **out)
{
	char *buf = NULL;
	size_t len = 0;
	struct stat st;
	enum ta_result r = ta_file_read(c, path, max, 1, &buf, &len);

	if (r == TA_E_STORE && errno == ENOENT) {
		if (c)
			c->message[0] = '\0';
		return TA_E_NO_SESSION;
	}
	if (r == TA_OK)
		r = ta_session_from_json(c, buf, len, out);
	/* Kept by an older termauth, with neither an expiry nor the time its
	 * token was received: the file was written when it was (a sign-in, a
	 * refresh), so its age is the file's, not unknown - an hour after it,
	 * the rule for tokens of unstated lifetime ends it (session_meta.h). */
	if (r == TA_OK && !(*out)->expires_at && !ta_session_meta(*out)->obtained_at &&
	    stat(path, &st) == 0)
		ta_session_meta(*out)->obtained_at = (long long)st.st_mtime;
	if (buf) {
		ta_wipe(buf, len);
		free(buf);
	}
	return r;
}
