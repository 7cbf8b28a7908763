/*
 * unit.h - what the cmocka programs in tests/unit share: the includes
 * cmocka needs, row-aware checks for table-driven tests, throw-away
 * directories and files, base64url, the store's environment, and the
 * main() that runs a program's group. Header-only, all static, so each
 * program stays a single file plus this.
 */
#ifndef TA_UNIT_H
#define TA_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <keyutils.h>

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "termauth.h"
#include "base/base64url.h"

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

/* The whole text of a file, at most 64 KiB (fails the test when it cannot
 * be read); free() it. */
UNIT_HELPER char *unit_read_text(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	size_t n;

	assert_non_null(f);
	buf = calloc(1, 65536);
	assert_non_null(buf);
	n = fread(buf, 1, 65535, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* The base64url of n bytes at p, or of a string; free() it. */
UNIT_HELPER char *unit_b64(const void *p, size_t n)
{
	char *s = malloc(ta_b64url_encoded_len(n) + 1);

	assert_non_null(s);
	ta_b64url_encode(p, n, s);
	return s;
}

UNIT_HELPER char *unit_str_b64(const char *s)
{
	return unit_b64(s, strlen(s));
}

/* 1 when s is all of base64url's alphabet (RFC 4648 section 5). */
UNIT_HELPER int unit_all_base64url(const char *s)
{
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		      (*s >= '0' && *s <= '9') || *s == '-' || *s == '_'))
			return 0;
	return 1;
}

/* In a table-driven test: the message is one line of printable ASCII
 * (text from the IdP must go through ta_printable before it can reach the
 * terminal). */
UNIT_HELPER void unit_check_printable(const char *m, size_t row)
{
	size_t k;

	for (k = 0; m[k]; k++)
		ROW_CHECK(m[k] >= 0x20 && m[k] < 0x7f, row, "message byte %zu is 0x%02x", k,
		          (unsigned char)m[k]);
}

/* In a table-driven test: the message holds each of the row's wanted
 * phrases (NULL: none wanted), and is one line of printable ASCII. */
UNIT_HELPER void unit_check_message(const char *m, const char *const has[2], size_t row)
{
	size_t k;

	for (k = 0; k < 2; k++)
		if (has[k])
			ROW_CHECK(strstr(m, has[k]) != NULL, row, "message '%s' lacks '%s'", m, has[k]);
	unit_check_printable(m, row);
}

/* In a table-driven test: got is the string want, or both are NULL. */
UNIT_HELPER void unit_check_str(const char *got, const char *want, const char *what, size_t row)
{
	ROW_CHECK(want ? got && !strcmp(got, want) : !got, row, "%s is '%s', want '%s'", what,
	          got ? got : "(null)", want ? want : "(null)");
}

/* The world of the store's tests (lib/store/): $XDG_STATE_HOME and
 * $XDG_RUNTIME_DIR are throw-away directories, and DBUS_SESSION_BUS_ADDRESS
 * is unset, so the keychain probe finds no session bus (there is no "bus"
 * socket in the runtime directory) and no test reaches a real keychain.
 * The handle c keeps sessions in the file; the kernel keyring is the real
 * one, and its keys of this store are removed at teardown. A cmocka setup
 * and teardown: *state is the struct unit_store_env. */
struct unit_store_env {
	char *dir;  /* $XDG_STATE_HOME */
	char *tdir; /* $XDG_STATE_HOME/termauth, the store */
	char *run;  /* $XDG_RUNTIME_DIR */
	char *cdir; /* $XDG_RUNTIME_DIR/termauth, the access token cache */
	struct ta_client *c;
};

UNIT_HELPER int unit_store_env_setup(void **state)
{
	struct unit_store_env *e = calloc(1, sizeof(*e));

	if (!e)
		return -1;
	e->dir = unit_tmpdir();
	e->tdir = unit_join(e->dir, "termauth");
	e->run = unit_tmpdir();
	e->cdir = unit_join(e->run, "termauth");
	if (setenv("XDG_STATE_HOME", e->dir, 1) || setenv("XDG_RUNTIME_DIR", e->run, 1) ||
	    unsetenv("DBUS_SESSION_BUS_ADDRESS") || ta_client_new(&e->c) != TA_OK ||
	    ta_client_set(e->c, TA_OPT_STORE, "file") != TA_OK)
		return -1;
	*state = e;
	return 0;
}

/* The kernel keyring outlives the test: the keys of the store dir (any
 * profile, CI credentials' too) go. */
UNIT_HELPER void unit_forget_kernel_keys(const char *store_dir)
{
	long ring = keyctl_get_persistent((uid_t)-1, KEY_SPEC_PROCESS_KEYRING);
	char *real = realpath(store_dir, NULL), *d = NULL, suffix[4200];
	key_serial_t *keys = NULL;
	long n, i;
	size_t ls, ld;

	snprintf(suffix, sizeof(suffix), ":%s", real ? real : store_dir);
	free(real);
	if (ring < 0 || (n = keyctl_read_alloc((key_serial_t)ring, (void **)&keys)) < 0)
		return;
	ls = strlen(suffix);
	for (i = 0; i < n / (long)sizeof(*keys); i++, free(d), d = NULL)
		if (keyctl_describe_alloc(keys[i], &d) >= 0 && strstr(d, ";termauth:session:") &&
		    (ld = strlen(d)) > ls && !strcmp(d + ld - ls, suffix))
			keyctl_invalidate(keys[i]);
	free(keys);
}

UNIT_HELPER int unit_store_env_teardown(void **state)
{
	struct unit_store_env *e = *state;

	unit_forget_kernel_keys(e->tdir);
	unsetenv("XDG_STATE_HOME");
	unsetenv("XDG_RUNTIME_DIR");
	unit_rmtree(e->dir);
	unit_rmtree(e->run);
	ta_client_free(e->c);
	free(e->dir);
	free(e->tdir);
	free(e->run);
	free(e->cdir);
	free(e);
	return 0;
}

/* main() of every program: runs its group. */
#define UNIT_MAIN(name, tests)                                                \
	int main(void)                                                        \
	{                                                                     \
		return cmocka_run_group_tests_name(name, tests, NULL, NULL);  \
	}

#endif
