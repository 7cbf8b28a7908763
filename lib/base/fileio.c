/*
 * fileio.c - reading and replacing files that hold secrets or settings:
 * bounded reads that refuse symlinks, atomic replacement (temporary file
 * created O_EXCL|O_NOFOLLOW mode 0600, fsync, rename, fsync of the
 * directory), 0700 directories, and the XDG base directories.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "base/fileio.h"
#include "base/result.h"

enum ta_result ta_file_read(struct ta_client *c, const char *path, size_t max,
                            int private_file, char **out, size_t *len)
{
	enum ta_result r = TA_E_STORE;
	struct stat st;
	char *buf = NULL;
	size_t got = 0;
	/* A private file is never read through a link (someone else's link
	 * could point it elsewhere); a configuration file often is a link into
	 * a dotfiles repository, and that is fine. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | (private_file ? O_NOFOLLOW : 0));

	if (fd < 0) {
		int e = errno;
		ta_fail(c, TA_E_STORE, "cannot open %s: %s", path, strerror(e));
		errno = e;
		return TA_E_STORE;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		r = ta_fail(c, TA_E_STORE, "%s is not a regular file", path);
		goto out;
	}
	if (private_file && ((st.st_mode & 077) || st.st_uid != geteuid())) {
		r = ta_fail(c, TA_E_STORE, "%s may be read by others; it is not used until it is private (chmod 600, owned by you)",
		            path);
		goto out;
	}
	if ((size_t)st.st_size > max) {
		r = ta_fail(c, TA_E_TOO_LARGE, "%s is larger than %zu bytes", path, max);
		goto out;
	}
	if (!(buf = malloc((size_t)st.st_size + 1))) {
		r = TA_E_NOMEM;
		goto out;
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
	*out = buf;
	*len = got;
	buf = NULL;
	r = TA_OK;
out:
	close(fd);
	free(buf);
	errno = 0; /* only a missing file leaves ENOENT for the caller */
	return r;
}

static int write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

static void sync_dir_of(const char *path)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	int fd;

	if (!slash || (size_t)(slash - path) >= sizeof(dir))
		return;
	memcpy(dir, path, (size_t)(slash - path));
	dir[slash - path] = '\0';
	fd = open(slash == path ? "/" : dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

enum ta_result ta_file_replace(struct ta_client *c, const char *path,
                               const char *data, size_t len)
{
	char tmp[PATH_MAX];
	unsigned char rnd[6];
	int fd = -1, n;
	FILE *ur = fopen("/dev/urandom", "rbe");

	/* A random suffix: a crashed writer's leftover never blocks the next. */
	if (!ur || fread(rnd, 1, sizeof(rnd), ur) != sizeof(rnd)) {
		if (ur)
			fclose(ur);
		return ta_fail(c, TA_E_STORE, "cannot read /dev/urandom");
	}
	fclose(ur);
	n = snprintf(tmp, sizeof(tmp), "%s.tmp-%02x%02x%02x%02x%02x%02x", path,
	             rnd[0], rnd[1], rnd[2], rnd[3], rnd[4], rnd[5]);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		return ta_fail(c, TA_E_STORE, "path too long: %s", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return ta_fail(c, TA_E_STORE, "cannot create %s: %s", tmp, strerror(errno));
	/* The mode is set explicitly as well: a umask cannot widen it, but an
	 * odd umask could narrow it below what we need to read it back. */
	if (fchmod(fd, 0600) || write_all(fd, data, len) || fsync(fd)) {
		int e = errno;
		close(fd);
		unlink(tmp);
		return ta_fail(c, TA_E_STORE, "cannot write %s: %s", tmp, strerror(e));
	}
	if (close(fd) || rename(tmp, path)) {
		int e = errno;
		unlink(tmp);
		return ta_fail(c, TA_E_STORE, "cannot replace %s: %s", path, strerror(e));
	}
	sync_dir_of(path);
	return TA_OK;
}

enum ta_result ta_dir_make(struct ta_client *c, const char *dir)
{
	char buf[PATH_MAX];
	size_t len = strlen(dir), i;
	struct stat st;

	if (len == 0 || len >= sizeof(buf))
		return ta_fail(c, TA_E_STORE, "bad directory path");
	memcpy(buf, dir, len + 1);
	/* Parents with the usual 0755 (like mkdir -p); the last one 0700. */
	for (i = 1; i < len; i++) {
		if (buf[i] != '/')
			continue;
		buf[i] = '\0';
		if (mkdir(buf, 0755) && errno != EEXIST)
			return ta_fail(c, TA_E_STORE, "cannot create %s: %s", buf, strerror(errno));
		buf[i] = '/';
	}
	if (mkdir(buf, 0700) && errno != EEXIST)
		return ta_fail(c, TA_E_STORE, "cannot create %s: %s", buf, strerror(errno));
	if (lstat(buf, &st) || !S_ISDIR(st.st_mode))
		return ta_fail(c, TA_E_STORE, "%s is not a directory", buf);
	if (st.st_uid != geteuid())
		return ta_fail(c, TA_E_STORE, "%s belongs to another user; it is not used", buf);
	/* Our own directory: keep others out even if it was made before. */
	if ((st.st_mode & 077) && chmod(buf, 0700))
		return ta_fail(c, TA_E_STORE, "cannot restrict %s: %s", buf, strerror(errno));
	return TA_OK;
}

enum ta_result ta_path_join(const char *dir, const char *name, const char *suffix,
                            char **out)
{
	int n = snprintf(NULL, 0, "%s/%s%s", dir, name, suffix);

	if (n < 0 || !(*out = malloc((size_t)n + 1)))
		return TA_E_NOMEM;
	snprintf(*out, (size_t)n + 1, "%s/%s%s", dir, name, suffix);
	return TA_OK;
}

enum ta_result ta_xdg_dir(const char *var, const char *fallback, char **out)
{
	const char *v = getenv(var), *home;

	if (v && v[0] == '/')
		return (*out = strdup(v)) ? TA_OK : TA_E_NOMEM;
	home = getenv("HOME");
	if (!home || home[0] != '/')
		return TA_E_STORE;
	return ta_path_join(home, fallback, "", out);
}

int ta_profile_name_ok(const char *name)
{
	size_t i, len = name ? strlen(name) : 0;

	if (len == 0 || len > 64 || name[0] == '.')
		return 0;
	for (i = 0; i < len; i++) {
		char ch = name[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-'))
			return 0;
	}
	return 1;
}

enum ta_result ta_file_lock(struct ta_client *c, const char *path, int wait_ms,
                            enum ta_result fail_as, int *fd_out)
{
	int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600), waited;

	if (fd < 0)
		return ta_fail(c, fail_as, "cannot open %s: %s", path, strerror(errno));
	/* Wait for another termauth's change, but not forever: polled, since
	 * flock has no timeout. */
	for (waited = 0; flock(fd, LOCK_EX | LOCK_NB); waited += 20) {
		if (errno != EWOULDBLOCK || waited >= wait_ms) {
			int e = errno;
			close(fd);
			return ta_fail(c, fail_as, "cannot lock %s: %s", path,
			               e == EWOULDBLOCK ? "another termauth holds it" : strerror(e));
		}
		nanosleep(&(struct timespec){ .tv_nsec = 20 * 1000000L }, NULL);
	}
	*fd_out = fd;
	return TA_OK;
}
