/*
 * store_derived.c - the tokens a profile's session was exchanged for
 * (RFC 8693), cached apart: one file per (audience, resource, scope,
 * requested token type) - and the AWS credentials (aws-*.json, session/aws.c)
 * - in derived/<profile>/ under the runtime directory
 * ($XDG_RUNTIME_DIR/termauth, in memory), or the file store's directory
 * when there is none; 0600 files in 0700 directories. They are short-lived
 * access tokens, kept without refresh or ID token: when one expires it is
 * derived again from the session. Each carries the id of the session it
 * was derived from and is served only while the store holds that session
 * (store_mark.c).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <openssl/sha.h>
#include "base/fileio.h"
#include "profile/record.h"
#include "store/store.h"

#define DERIVED_FILE_MAX (64 * 1024)

/* The directories derived tokens may be in: the runtime directory's first. */
static enum ta_result base_dirs(char *dirs[2])
{
	const char *run = getenv("XDG_RUNTIME_DIR");
	char *state = NULL;
	enum ta_result r;

	dirs[0] = dirs[1] = NULL;
	if (run && run[0] == '/' && (r = ta_path_join(run, "termauth/derived", "", &dirs[0])) != TA_OK)
		return r;
	if ((r = ta_xdg_dir("XDG_STATE_HOME", ".local/state", &state)) == TA_OK)
		r = ta_path_join(state, "termauth/derived", "", &dirs[1]);
	free(state);
	return r == TA_E_STORE && dirs[0] ? TA_OK : r;
}

/* <base>/<profile>/<kind><32 hex digits of the SHA-256 of the request>.json */
static enum ta_result derived_path(const char *profile, const char *kind, const char *const key[TA_DERIVED_KEY_PARTS],
                                   char **path)
{
	unsigned char d[SHA256_DIGEST_LENGTH];
	char *dirs[2], hex[33], name[64], *text = NULL, *dir = NULL;
	size_t size = 0;
	enum ta_result r;
	FILE *f;
	int i;

	*path = NULL;
	if (!ta_profile_name_ok(profile))
		return TA_E_ARG;
	/* Each part with its length: no two requests hash alike. */
	if (!(f = open_memstream(&text, &size)))
		return TA_E_NOMEM;
	for (i = 0; i < TA_DERIVED_KEY_PARTS; i++)
		if (key[i])
			fprintf(f, "%d:%zu:%s", i, strlen(key[i]), key[i]);
	if (fclose(f) || !text) {
		free(text);
		return TA_E_NOMEM;
	}
	SHA256((const unsigned char *)text, size, d);
	free(text);
	for (i = 0; i < 16; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
	snprintf(name, sizeof(name), "%.16s%s", kind ? kind : "", hex);
	if ((r = base_dirs(dirs)) == TA_OK && (r = ta_path_join(dirs[0] ? dirs[0] : dirs[1], profile, "", &dir)) == TA_OK)
		r = ta_path_join(dir, name, ".json", path);
	free(dir);
	free(dirs[0]);
	free(dirs[1]);
	return r;
}

enum ta_result ta_derived_load(const char *profile, const char *kind,
                               const char *const key[TA_DERIVED_KEY_PARTS],
                               struct ta_session **out)
{
	char *path = NULL;
	enum ta_result r;

	if ((r = derived_path(profile, kind, key, &path)) == TA_OK)
		r = ta_copy_read(NULL, profile, path, DERIVED_FILE_MAX, 1, out);
	free(path);
	return r;
}

enum ta_result ta_derived_save(struct ta_client *c, const char *profile, const char *kind,
                               const char *const key[TA_DERIVED_KEY_PARTS], const struct ta_session *s)
{
	char *path = NULL;
	enum ta_result r;

	if ((r = derived_path(profile, kind, key, &path)) == TA_OK) {
		ta_places_add(profile); /* before the write: a sign-out finds it */
		/* termauth/, derived/ and the profile's directory: each 0700. */
		r = ta_session_write(c, path, 3, TA_SESSION_ACCESS, s);
	}
	free(path);
	return r;
}

/* Empties and removes the directory profile under the directory fd base
 * (closed here); nothing when it is not ours. */
static void remove_profile_dir(int base, const char *profile)
{
	struct dirent *e;
	DIR *d = NULL;
	int fd;

	if (base < 0)
		return;
	if ((fd = ta_open_own_dir(base, profile)) >= 0 && (d = fdopendir(fd))) {
		while ((e = readdir(d)))
			if (e->d_name[0] != '.')
				unlinkat(dirfd(d), e->d_name, 0);
		closedir(d);
		unlinkat(base, profile, AT_REMOVEDIR);
	} else if (fd >= 0) {
		close(fd);
	}
	close(base);
}

void ta_derived_remove_all(const char *profile)
{
	char *dirs[2] = { NULL, NULL };
	int i;

	if (!ta_profile_name_ok(profile) || base_dirs(dirs) != TA_OK)
		goto out;
	for (i = 0; i < 2; i++)
		if (dirs[i])
			remove_profile_dir(ta_open_own_dir(AT_FDCWD, dirs[i]), profile);
out:
	free(dirs[0]);
	free(dirs[1]);
}

void ta_derived_remove_in(const char *run, const char *profile)
{
	int top;

	if (!ta_profile_name_ok(profile) || (top = ta_open_runtime_dir(run, "termauth")) < 0)
		return;
	remove_profile_dir(ta_open_own_dir(top, "derived"), profile);
	close(top);
}
