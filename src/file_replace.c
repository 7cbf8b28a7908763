/*
 * file_replace.c - see file_replace.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli.h"
#include "file_replace.h"

void other_file_release(struct other_file *f)
{
	if (f->text) {
		explicit_bzero(f->text, f->len);
		free(f->text);
	}
	f->text = NULL;
	f->len = 0;
}

/* 1 when no one but the person (and root) can change what is in dir:
 * owned by them or root, and writable by no one else - except, above the
 * file's own directory, a sticky one (/tmp), where others cannot rename
 * what is theirs. Checks dir and each directory above it. */
static int dir_safe(const char *dir)
{
	char d[PATH_MAX];
	struct stat st;
	char *slash;
	int own = 1;

	if (strlen(dir) >= sizeof(d))
		return 0;
	memcpy(d, dir, strlen(dir) + 1);
	for (;;) {
		if (stat(d[0] ? d : "/", &st) || !S_ISDIR(st.st_mode))
			return 0;
		if ((st.st_uid != getuid() && st.st_uid != 0) ||
		    ((st.st_mode & 022) && (own || !(st.st_mode & S_ISVTX)))) {
			cli_error("%s is %s: termauth changes no file in it", d[0] ? d : "/",
			          st.st_mode & 022 ? "writable by others" : "another user's");
			return 0;
		}
		if (!d[0] || !(slash = strrchr(d, '/')))
			return 1;
		*slash = '\0';
		own = 0;
	}
}

/* f->path: path with every link resolved, its directory made (0700) when
 * missing. */
static int resolve(const char *path, struct other_file *f)
{
	char dir[PATH_MAX], real[PATH_MAX];
	const char *slash = strrchr(path, '/');
	struct stat st;

	if (realpath(path, f->path))
		return 0;
	if (errno != ENOENT || !lstat(path, &st) || !slash) {
		cli_error("cannot open %s: %s", path,
		          errno == ENOENT ? "a symbolic link to a file that is not there" : strerror(errno));
		return -1;
	}
	/* No such file: where it will be. */
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	if (!dir[0])
		dir[0] = '/';
	if (mkdir(dir, 0700) && errno != EEXIST) {
		cli_error("cannot make %s: %s", dir, strerror(errno));
		return -1;
	}
	if (!realpath(dir, real) ||
	    (size_t)snprintf(f->path, sizeof(f->path), "%s%s", strcmp(real, "/") ? real : "", slash) >=
	            sizeof(f->path)) {
		cli_error("cannot open %s: %s", path, strerror(errno ? errno : ENAMETOOLONG));
		return -1;
	}
	return 0;
}

/* Reads f->path's file, once opened and checked (fd closed here). */
static int read_open(int fd, size_t max, struct other_file *f)
{
	struct stat st;
	ssize_t n = 0;
	size_t got = 0;

	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_uid != getuid() ||
	    (size_t)st.st_size > max) {
		if (!S_ISREG(st.st_mode))
			cli_error("%s is not a regular file: termauth does not change it", f->path);
		else if (st.st_uid != getuid())
			cli_error("%s belongs to uid %u, not to you: termauth does not change it", f->path,
			          (unsigned)st.st_uid);
		else
			cli_error("%s is larger than %zu bytes: not a configuration file termauth changes",
			          f->path, max);
		close(fd);
		return -1;
	}
	if ((f->text = malloc(max + 1)))
		while (got <= max && (n = read(fd, f->text + got, max + 1 - got)) > 0)
			got += (size_t)n;
	close(fd);
	f->len = got;
	if (!f->text || n < 0 || got > max) {
		cli_error("cannot read %s: %s", f->path,
		          !f->text ? strerror(ENOMEM) : n < 0 ? strerror(errno) : "it grew while read");
		other_file_release(f);
		return -1;
	}
	f->text[got] = '\0';
	f->exists = 1;
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	f->mode = st.st_mode & 07777;
	return 0;
}

int other_file_read(const char *path, size_t max, struct other_file *f)
{
	char dir[PATH_MAX];
	int fd;

	memset(f, 0, sizeof(*f));
	if (resolve(path, f))
		return -1;
	snprintf(dir, sizeof(dir), "%.*s", (int)(strrchr(f->path, '/') - f->path), f->path);
	if (!dir_safe(dir))
		return -1;
	/* Not through a link made since, nor stuck on a FIFO. */
	fd = open(f->path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0 && errno == ENOENT)
		return 0;
	if (fd < 0) {
		cli_error("cannot open %s: %s", f->path, strerror(errno));
		return -1;
	}
	return read_open(fd, max, f);
}

/* Writes all of data; 0, or -1 with errno. */
static int write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* 1 when the file at f->path is still the one read (or still absent). */
static int unchanged(const struct other_file *f)
{
	struct stat st;

	if (lstat(f->path, &st))
		return errno == ENOENT && !f->exists;
	return f->exists && st.st_dev == f->dev && st.st_ino == f->ino;
}

int other_file_replace(struct other_file *f, const char *data, size_t len, const char *tail,
                       mode_t new_mode, mode_t cap)
{
	char tmp[PATH_MAX + 8], dir[PATH_MAX];
	mode_t mode = (f->exists ? f->mode : new_mode) & cap;
	int fd, dfd, e;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.XXXXXX", f->path) >= sizeof(tmp)) {
		errno = ENAMETOOLONG;
		goto fail_said;
	}
	if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0)
		goto fail_said;
	if (write_all(fd, data, len) || (tail && write_all(fd, tail, strlen(tail))) ||
	    fchmod(fd, mode) || fsync(fd)) {
		e = errno;
		close(fd);
		unlink(tmp);
		errno = e;
		goto fail_said;
	}
	if (close(fd)) {
		e = errno;
		unlink(tmp);
		errno = e;
		goto fail_said;
	}
	if (!unchanged(f)) {
		unlink(tmp);
		cli_error("%s changed while termauth rewrote it: nothing written, run the command again",
		          f->path);
		return -1;
	}
	if (rename(tmp, f->path)) {
		e = errno;
		unlink(tmp);
		errno = e;
		goto fail_said;
	}
	/* The rename itself on disk. */
	snprintf(dir, sizeof(dir), "%.*s", (int)(strrchr(f->path, '/') - f->path), f->path);
	if ((dfd = open(dir[0] ? dir : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return 0;
fail_said:
	cli_error("cannot write %s: %s", f->path, strerror(errno));
	return -1;
}
