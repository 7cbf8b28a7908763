/*
 * test_browser.c - unit tests of the choice between the browser and the
 * device flow (ta_browser_usable, lib/signin/browser.c): what in the
 * environment says a browser can be opened here, and what says not.
 */
#include "unit.h"
#include "profile/client.h"
#include "signin/browser.h"

/* ---------------------------------------------------------------------- */
/* ta_browser_usable (lib/browser.c) */

static const char *const browser_vars[] = {
	"SSH_CONNECTION", "SSH_TTY", "BROWSER", "DISPLAY", "WAYLAND_DISPLAY", "container",
};

struct saved_env {
	char *value[NELEMS(browser_vars)];
};

static int browser_setup(void **state)
{
	struct saved_env *e = calloc(1, sizeof(*e));
	size_t i;

	if (!e)
		return -1;
	for (i = 0; i < NELEMS(browser_vars); i++)
		if (getenv(browser_vars[i]) && !(e->value[i] = strdup(getenv(browser_vars[i]))))
			return -1;
	*state = e;
	return 0;
}

static int browser_teardown(void **state)
{
	struct saved_env *e = *state;
	size_t i;

	for (i = 0; i < NELEMS(browser_vars); i++) {
		if (e->value[i])
			setenv(browser_vars[i], e->value[i], 1);
		else
			unsetenv(browser_vars[i]);
		free(e->value[i]);
	}
	free(e);
	return 0;
}

/* What browser.c looks at besides $container; this test cannot remove
 * those files, so it asks the same question. */
static int container_files(void)
{
	return access("/.dockerenv", F_OK) == 0 || access("/run/.containerenv", F_OK) == 0;
}

static void browser_usable_table(void **state)
{
	/* NULL: unset; "": set but empty, which counts as unset. */
	static const struct {
		const char *ssh_connection, *ssh_tty, *browser, *display, *wayland, *container;
		const char *option; /* TA_OPT_BROWSER */
		int want;
		const char *why;
		int display_row; /* the answer depends on this machine being a container */
	} rows[] = {
		{ "10.0.0.1 50000 10.0.0.2 22", NULL, "firefox", ":0", NULL, NULL, NULL, 0, "SSH", 0 },
		{ NULL, "/dev/pts/3", NULL, ":0", "wayland-0", NULL, NULL, 0, "SSH", 0 },
		{ "10.0.0.1 50000 10.0.0.2 22", NULL, NULL, NULL, NULL, NULL, "firefox", 0, "SSH", 0 },
		{ NULL, NULL, "firefox", NULL, NULL, NULL, NULL, 1, "BROWSER", 0 },
		{ NULL, NULL, "firefox", NULL, NULL, "podman", NULL, 1, "BROWSER", 0 },
		{ NULL, NULL, NULL, NULL, NULL, NULL, "firefox --new-window", 1, "BROWSER", 0 },
		{ "", "", "firefox", NULL, NULL, NULL, NULL, 1, "BROWSER", 0 },
		{ NULL, NULL, NULL, ":0", NULL, NULL, NULL, 1, "display", 1 },
		{ NULL, NULL, NULL, NULL, "wayland-0", NULL, NULL, 1, "display", 1 },
		{ NULL, NULL, "", ":0", NULL, "", NULL, 1, "display", 1 },
		{ NULL, NULL, NULL, ":0", NULL, "podman", NULL, 0, "container", 0 },
		{ NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, "DISPLAY", 2 },
		{ NULL, NULL, "", "", "", NULL, NULL, 0, "DISPLAY", 2 },
	};
	const int in_container = container_files();
	size_t i;

	(void)state;
	for (i = 0; i < NELEMS(rows); i++) {
		const char *values[] = { rows[i].ssh_connection, rows[i].ssh_tty, rows[i].browser,
			                 rows[i].display, rows[i].wayland, rows[i].container };
		struct ta_client *c;
		char why[128];
		size_t k;
		int got;

		for (k = 0; k < NELEMS(browser_vars); k++) {
			if (values[k])
				assert_int_equal(setenv(browser_vars[k], values[k], 1), 0);
			else
				assert_int_equal(unsetenv(browser_vars[k]), 0);
		}
		assert_int_equal(ta_client_new(&c), TA_OK);
		assert_int_equal(ta_client_set(c, TA_OPT_BROWSER, rows[i].option), TA_OK);
		memset(why, 'x', sizeof(why));
		got = ta_browser_usable(c, why, sizeof(why));
		ta_client_free(c);
		ROW_CHECK(memchr(why, '\0', sizeof(why)) != NULL, i, "why is not terminated");
		if (rows[i].display_row && in_container) {
			/* This machine is a container (/.dockerenv or
			 * /run/.containerenv): a display does not make the browser
			 * usable here, so the row's own answer cannot be seen. Only
			 * what the container rule says is checked. */
			ROW_CHECK(got == 0, i, "%d (%s) in a container", got, why);
			if (rows[i].display_row == 1)
				ROW_CHECK(strstr(why, "container") != NULL, i, "why '%s' in a container",
				          why);
			continue;
		}
		ROW_CHECK(got == rows[i].want, i, "gave %d (%s), want %d", got, why, rows[i].want);
		ROW_CHECK(strstr(why, rows[i].why) != NULL, i, "why '%s' lacks '%s'", why,
		          rows[i].why);
	}
	/* A small buffer is cut, not overrun; n == 0 writes nothing. */
	{
		struct ta_client *c;
		char why[4] = "abc", none[1] = { 'z' };

		assert_int_equal(setenv("SSH_CONNECTION", "1 2 3 4", 1), 0);
		assert_int_equal(ta_client_new(&c), TA_OK);
		assert_int_equal(ta_browser_usable(c, why, sizeof(why)), 0);
		assert_string_equal(why, "an ");
		assert_int_equal(ta_browser_usable(c, none, 0), 0);
		assert_int_equal(none[0], 'z');
		ta_client_free(c);
	}
}

#define BROWSER_TEST(f) cmocka_unit_test_setup_teardown(f, browser_setup, browser_teardown)

static const struct CMUnitTest tests[] = {
	BROWSER_TEST(browser_usable_table),
};

UNIT_MAIN("browser", tests)
