/*
 * unit.h - what the cmocka programs in tests/unit share: the includes
 * cmocka needs, a row-aware check for table-driven tests, throw-away
 * directories, and the main() that runs a program's group. Header-only,
 * all static, so each
 * program stays a single file plus this.
 */
#ifndef TA_UNIT_H
#define TA_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* In a table-driven test, a failed check names the row it failed on. */
#define ROW_CHECK(cond, row, ...)                                      \
	do {                                                           \
		if (!(cond)) {                                         \
			print_error("row %zu: ", (size_t)(row));       \
			fail_msg(__VA_ARGS__);                         \
		}                                                      \
	} while (0)

#define NELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* Fails the test with a printf-style message when cond does not hold. */
#define UNIT_ASSERT_MSG(cond, ...)                                     \
	do {                                                           \
		if (!(cond)) {                                         \
			print_message(__VA_ARGS__);                    \
			print_message("\n");                           \
			fail_msg("%s", #cond);                          \
		}                                                      \
	} while (0)

/* Helpers some programs do not use. */
#define UNIT_HELPER static __attribute__((unused))

/* A fresh directory under $TMPDIR (or /tmp); free() the result. */
UNIT_HELPER char *unit_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char *path;
	int n;

	if (!base || base[0] != '/')
		base = "/tmp";
	n = snprintf(NULL, 0, "%s/termauth-unit-XXXXXX", base);
	assert_true(n > 0);
	path = malloc((size_t)n + 1);
	assert_non_null(path);
	snprintf(path, (size_t)n + 1, "%s/termauth-unit-XXXXXX", base);
	assert_non_null(mkdtemp(path));
	return path;
}

UNIT_HELPER int unit_rm_one(const char *path, const struct stat *st, int flag,
                       struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

/* rm -rf, for the directories unit_tmpdir made. */
UNIT_HELPER void unit_rmtree(const char *path)
{
	if (path)
		nftw(path, unit_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Writes a whole file, mode 0600 whatever the umask (the store refuses
 * files others may read); fails the test when it cannot. */
UNIT_HELPER void unit_write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	size_t n = strlen(text);

	assert_true(fd >= 0);
	assert_int_equal(fchmod(fd, 0600), 0);
	assert_int_equal(write(fd, text, n), (ssize_t)n);
	assert_int_equal(close(fd), 0);
}

/* The number of entries in dir (not ".", "..", or lock files); each must be named
 * only, when only is not NULL, or the test fails. */
UNIT_HELPER int unit_count_entries(const char *dir, const char *only)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t len;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		/* A profile's lock file (<profile>.lock) comes with its writes. */
		len = strlen(de->d_name);
		if (len > 5 && !strcmp(de->d_name + len - 5, ".lock"))
			continue;
		if (only && strcmp(de->d_name, only))
			fail_msg("unexpected file %s in %s", de->d_name, dir);
		n++;
	}
	closedir(d);
	return n;
}

/* "dir/name" in a new string; free() it. */
UNIT_HELPER char *unit_join(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);

	assert_non_null(p);
	snprintf(p, n, "%s/%s", dir, name);
	return p;
}

/* main() of every program: runs its group. */
#define UNIT_MAIN(name, tests)                                                \
	int main(void)                                                        \
	{                                                                     \
		return cmocka_run_group_tests_name(name, tests, NULL, NULL);  \
	}

#endif
