/*
 * store_mark.c - the profile's record, kept in its lock file
 * (<profile>.lock beside the file store, whatever backend holds the
 * session), that lets every copy of a session's access token be found and
 * judged without the keychain:
 *
 * - line 1, the id of the session the store holds: written at every save,
 *   before the access token cache, and cleared first at sign-out. A cache
 *   entry or derived token carries the id of the session it came from and
 *   is served only while it is this one, so no copy of an older session -
 *   another person's, after a new sign-in - is ever served, even one that
 *   a sign-out in another environment could not find. The fast path
 *   checks it with one small file read, never D-Bus.
 * - the lines after it, the runtime directories ($XDG_RUNTIME_DIR) in which
 *   an access token cache or derived tokens of the profile were written,
 *   so that a sign-out or a new sign-in removes them there too, whatever
 *   $XDG_RUNTIME_DIR the process that signs out has.
 *
 * Why the lock file: it is there for every profile that was ever written,
 * only writers holding its flock change it (so it is rewritten in place:
 * replacing the file would break the lock), and it holds no secret - the
 * id only tells sessions apart. A reader without the lock may catch a
 * rewrite half done; it then sees no matching id, and serves no copy.
 * Part of the small core.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "base/fileio.h"
#include "base/result.h"
#include "profile/record.h"
#include "store/store.h"

#define RECORD_FILE_MAX (64 * 1024)

/* The record's text: "" when there is none. */
static enum ta_result record_text(const char *profile, char **buf, size_t *len)
{
	char *path = NULL;
	enum ta_result r;

	*buf = NULL;
	*len = 0;
	if ((r = ta_store_lock_path(profile, &path)) != TA_OK)
		return r;
	r = ta_file_read(NULL, path, RECORD_FILE_MAX, 1, buf, len);
	free(path);
	if (r == TA_OK)
		return TA_OK;
	free(*buf);
	*len = 0;
	return (*buf = strdup("")) ? TA_OK : TA_E_NOMEM;
}

/* The id on the record's first line, "" when there is none. */
static void record_id(const char *buf, size_t len, char id[TA_SESSION_ID_LEN + 1])
{
	id[0] = '\0';
	if (len > TA_SESSION_ID_LEN && buf[TA_SESSION_ID_LEN] == '\n' &&
	    strspn(buf, "0123456789abcdef") == TA_SESSION_ID_LEN) {
		memcpy(id, buf, TA_SESSION_ID_LEN);
		id[TA_SESSION_ID_LEN] = '\0';
	}
}

/* Appends the record's places (absolute paths, whole lines after the
 * first) to the list dirs of n. */
static enum ta_result record_places(char *buf, size_t len, char ***dirs, size_t *n)
{
	char *line = memchr(buf, '\n', len), *end;
	enum ta_result r = TA_OK;

	for (line = line ? line + 1 : buf + len; r == TA_OK && line < buf + len; line = end + 1) {
		if (!(end = memchr(line, '\n', (size_t)(buf + len - line))))
			break;
		*end = '\0';
		if (line[0] == '/')
			r = ta_names_add(dirs, n, line);
	}
	return r;
}

/* Writes the record: id (or "") and the places dirs[0..n). The caller
 * holds the lock; the file is rewritten in place, then cut to length. */
static enum ta_result record_write(struct ta_client *c, const char *profile, const char *id,
                                   char *const *dirs, size_t n)
{
	char *path = NULL, *text = NULL;
	size_t size = 0, i;
	enum ta_result r;
	FILE *f;
	int fd = -1;

	if ((r = ta_store_lock_path(profile, &path)) != TA_OK)
		return r;
	if (!(f = open_memstream(&text, &size))) {
		r = TA_E_NOMEM;
		goto out;
	}
	fprintf(f, "%s\n", id);
	for (i = 0; i < n; i++)
		fprintf(f, "%s\n", dirs[i]);
	if (fclose(f) || !text) {
		r = TA_E_NOMEM;
		goto out;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 || pwrite(fd, text, size, 0) != (ssize_t)size || ftruncate(fd, (off_t)size))
		r = ta_fail(c, TA_E_STORE, "cannot write %s: %s", path, strerror(errno));
out:
	if (fd >= 0)
		close(fd);
	free(text);
	free(path);
	return r;
}

/* $XDG_RUNTIME_DIR when it can be recorded: absolute, one line. */
static const char *runtime_dir(void)
{
	const char *run = getenv("XDG_RUNTIME_DIR");

	return run && run[0] == '/' && !strchr(run, '\n') ? run : NULL;
}

/* The recorded id and places, for a writer to change one of them. */
static enum ta_result record_get(const char *profile, char id[TA_SESSION_ID_LEN + 1],
                                 char ***dirs, size_t *n)
{
	char *buf = NULL;
	size_t len = 0;
	enum ta_result r;

	*n = 0;
	if (!(*dirs = calloc(1, sizeof(**dirs))))
		return TA_E_NOMEM;
	if ((r = record_text(profile, &buf, &len)) == TA_OK) {
		record_id(buf, len, id);
		r = record_places(buf, len, dirs, n);
	}
	free(buf);
	return r;
}

enum ta_result ta_mark_write(struct ta_client *c, const char *profile, const char *id)
{
	char old[TA_SESSION_ID_LEN + 1], **dirs = NULL;
	enum ta_result r;
	size_t n = 0;

	if (strlen(id) != TA_SESSION_ID_LEN)
		return TA_E_ARG;
	if ((r = record_get(profile, old, &dirs, &n)) == TA_OK && strcmp(old, id))
		r = record_write(c, profile, id, dirs, n);
	/* An older id left in place would let that session's copies be
	 * served: without the new one, none is. The places stay, so that a
	 * sign-out still finds the copies (a full disk is when this fails). */
	if (r != TA_OK)
		record_write(NULL, profile, "", dirs, n);
	ta_profiles_free(dirs);
	return r;
}

void ta_mark_adopt(const char *profile, const char *id)
{
	char old[TA_SESSION_ID_LEN + 1], **dirs = NULL;
	size_t n = 0;

	if (strlen(id) == TA_SESSION_ID_LEN && record_get(profile, old, &dirs, &n) == TA_OK && !old[0])
		record_write(NULL, profile, id, dirs, n);
	ta_profiles_free(dirs);
}

int ta_mark_matches(const char *profile, const struct ta_session *s)
{
	const char *id = ta_session_meta(s)->id;
	char stored[TA_SESSION_ID_LEN + 1], *buf = NULL;
	size_t len = 0;
	int same = 0;

	/* The id is no secret: a plain comparison will do. */
	if (id[0] && record_text(profile, &buf, &len) == TA_OK) {
		record_id(buf, len, stored);
		same = stored[0] && !strcmp(stored, id);
	}
	free(buf);
	return same;
}

int ta_mark_recorded(const char *profile)
{
	char stored[TA_SESSION_ID_LEN + 1], *buf = NULL;
	size_t len = 0;
	int recorded = 0;

	if (record_text(profile, &buf, &len) == TA_OK) {
		record_id(buf, len, stored);
		recorded = stored[0] != '\0';
	}
	free(buf);
	return recorded;
}

void ta_mark_remove(const char *profile)
{
	/* Emptied, not removed: it is the lock, which others may be waiting
	 * on. The places go too: the caller has removed what they held. */
	record_write(NULL, profile, "", NULL, 0);
}

enum ta_result ta_places_read(const char *profile, char ***dirs, size_t *n)
{
	char id[TA_SESSION_ID_LEN + 1];
	enum ta_result r;

	if ((r = record_get(profile, id, dirs, n)) != TA_OK)
		return r;
	return runtime_dir() ? ta_names_add(dirs, n, runtime_dir()) : TA_OK;
}

void ta_places_add(const char *profile)
{
	char id[TA_SESSION_ID_LEN + 1], **dirs = NULL;
	const char *run = runtime_dir();
	size_t n = 0, had;

	/* A place not recorded only leaves a copy on disk, never served. */
	if (run && record_get(profile, id, &dirs, &n) == TA_OK) {
		had = n;
		if (ta_names_add(&dirs, &n, run) == TA_OK && n > had)
			record_write(NULL, profile, id, dirs, n);
	}
	ta_profiles_free(dirs);
}

enum ta_result ta_copy_read(struct ta_client *c, const char *profile, const char *path,
                            size_t max, int remove, struct ta_session **out)
{
	enum ta_result r = ta_session_read(c, path, max, out);

	/* Of another session than the store's (or of none: signed out): never
	 * served. A writer replacing both at this moment writes the id first,
	 * so at worst its new copy is removed too, and made again. */
	if (r == TA_OK && !ta_mark_matches(profile, *out)) {
		if (remove)
			unlink(path);
		ta_session_free(*out);
		*out = NULL;
		r = TA_E_NO_SESSION;
	}
	return r;
}

int ta_open_runtime_dir(const char *run, const char *sub)
{
	struct stat st;
	int fd = open(run, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC), sfd;

	/* A recorded runtime directory may be gone (a reboot) and made again
	 * by someone else, as a link to elsewhere or a directory of theirs:
	 * it must be ours and closed to others, as XDG says, and no link. */
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) || st.st_uid != geteuid() || (st.st_mode & 077)) {
		close(fd);
		return -1;
	}
	sfd = ta_open_own_dir(fd, sub);
	close(fd);
	return sfd;
}

int ta_open_own_dir(int at, const char *path)
{
	int fd = openat(at, path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;

	if (fd >= 0 && (fstat(fd, &st) || st.st_uid != geteuid())) {
		close(fd);
		fd = -1;
	}
	return fd;
}
