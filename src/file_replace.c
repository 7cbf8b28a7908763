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
#include "file_replace.h"

int file_read_all(const char *path, size_t max, char **out, size_t *len)
{
	struct stat st;
	ssize_t n = 0;
	size_t got = 0;
	char *buf = NULL;
	int fd, e;

	*out = NULL;
	*len = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0)
		return errno == ENOENT ? 1 : -1;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		e = S_ISREG(st.st_mode) ? errno : EINVAL;
		goto fail;
	}
	if ((size_t)st.st_size > max) {
		e = EFBIG;
		goto fail;
	}
	if (!(buf = malloc(max + 1))) {
		e = ENOMEM;
		goto fail;
	}
	/* Read to the end, not to st_size: the file may be growing. */
	while (got <= max && (n = read(fd, buf + got, max + 1 - got)) > 0)
		got += (size_t)n;
	if (n < 0 || got > max) {
		e = n < 0 ? errno : EFBIG;
		goto fail;
	}
	close(fd);
	buf[got] = '\0';
	*out = buf;
	*len = got;
	return 0;
fail:
	free(buf);
	close(fd);
	errno = e;
	return -1;
}

/* The file a path names: a symbolic link's target, made absolute against
 * the link's directory; the path itself when it is no link. */
static int resolve(const char *path, char *out, size_t size)
{
	char target[PATH_MAX];
	ssize_t n = readlink(path, target, sizeof(target) - 1);
	const char *slash;
	int len;

	if (n < 0) {
		if (errno != EINVAL && errno != ENOENT)
			return -1;
		len = snprintf(out, size, "%s", path);
	} else {
		target[n] = '\0';
		slash = strrchr(path, '/');
		if (target[0] == '/' || !slash)
			len = snprintf(out, size, "%s", target);
		else
			len = snprintf(out, size, "%.*s/%s", (int)(slash - path), path, target);
	}
	if (len < 0 || (size_t)len >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* Makes path's directory when it is missing (its parent must exist). */
static int make_parent(const char *path)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');

	if (!slash || slash == path)
		return 0;
	if ((size_t)(slash - path) >= sizeof(dir)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(dir, path, (size_t)(slash - path));
	dir[slash - path] = '\0';
	return mkdir(dir, 0700) && errno != EEXIST ? -1 : 0;
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

int file_replace(const char *path, const char *data, size_t len, const char *tail,
                 mode_t new_mode)
{
	char real[PATH_MAX], tmp[PATH_MAX + 16];
	struct stat st;
	mode_t mode = new_mode;
	int fd, e;

	if (resolve(path, real, sizeof(real)) || make_parent(real))
		return -1;
	if (stat(real, &st) == 0)
		mode = st.st_mode & 07777;
	else if (errno != ENOENT)
		return -1;
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.XXXXXX", real) >= sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0)
		return -1;
	if (write_all(fd, data, len) || (tail && write_all(fd, tail, strlen(tail))) ||
	    fchmod(fd, mode) || fsync(fd))
		goto fail;
	if (close(fd)) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, real))
		goto fail;
	return 0;
fail:
	e = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	errno = e;
	return -1;
}
