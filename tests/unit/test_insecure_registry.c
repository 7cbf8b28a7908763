/*
 * test_insecure_registry.c - unit tests of src/insecure_registry.c: which
 * registries.conf and daemon.json texts mark a registry insecure (v1 and
 * v2 formats, prefixes, wildcards, ports, mirrors, comments, quotes, files
 * it cannot understand), and which files are read, in containers/image's
 * precedence (the /etc ones under a throw-away root). insecure_registry.c
 * is in both executables, not in the library: CMake compiles it into this
 * program.
 */
#include "unit.h"
#include "insecure_registry.h"

static void covers_table(void **state)
{
	static const struct {
		const char *entry, *host;
		int want;
	} rows[] = {
		{ "registry.example.com", "registry.example.com", 1 },
		{ "Registry.Example.COM", "registry.example.com", 1 },
		{ "registry.example.com/team/app", "registry.example.com", 1 },
		{ "registry.example.com:5000", "registry.example.com:5000", 1 },
		{ "registry.example.com:5000/ns", "registry.example.com:5000", 1 },
		/* A name without a port covers it with any, as prefixes do. */
		{ "registry.example.com", "registry.example.com:5000", 1 },
		{ "registry.example.com:5000", "registry.example.com", 0 },
		{ "registry.example.com:5000", "registry.example.com:5001", 0 },
		{ "http://registry.example.com", "registry.example.com", 1 },
		{ "https://registry.example.com/", "registry.example.com", 1 },
		{ "example.com", "registry.example.com", 0 },
		{ "registry.example.com", "example.com", 0 },
		{ "registry.example.co", "registry.example.com", 0 },
		{ "registry.example.com.evil", "registry.example.com", 0 },
		/* Wildcards: subdomains, with or without a port; not the domain. */
		{ "*.example.com", "registry.example.com", 1 },
		{ "*.example.com", "a.b.example.com:5000", 1 },
		{ "*.example.com", "example.com", 0 },
		{ "*.example.com", "registry.example.com.evil", 0 },
		{ "*.example.com", "evilexample.com", 0 },
		{ "*", "anything.example", 1 },
		{ "*.", "registry.example.com", 0 },
		{ "[::1]:5000", "[::1]:5000", 1 },
		{ "[::1]", "[::1]:5000", 1 },
		{ "10.0.0.1", "10.0.0.10", 0 },
		{ "", "registry.example.com", 0 },
		{ "", "", 0 },
		{ "*", "", 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < NELEMS(rows); i++)
		ROW_CHECK(insecure_entry_covers(rows[i].entry, strlen(rows[i].entry),
		                                rows[i].host) == rows[i].want,
		          i, "%s covers %s: want %d", rows[i].entry, rows[i].host, rows[i].want);
}

#define H "registry.example.com"
#define REG "[[registry]]\n"

struct text_row {
	const char *text, *host;
	int want, understood;
};

static const struct text_row conf_rows[] = {
	/* v2. */
	{ REG "location = \"" H "\"\ninsecure = true\n", H, 1, 1 },
	{ REG "insecure = true\nlocation = \"" H "\"\n", H, 1, 1 },
	{ REG "location = \"" H "\"\ninsecure = false\n", H, 0, 1 },
	{ REG "location = \"" H "\"\n", H, 0, 1 },
	{ REG "location = \"other.example.com\"\ninsecure = true\n", H, 0, 1 },
	{ REG "location = \"" H "/team\"\ninsecure = true\n", H, 1, 1 },
	{ REG "location='" H ":5000'\ninsecure=true\n", H ":5000", 1, 1 },
	{ REG "location='" H ":5000'\ninsecure=true\n", H, 0, 1 },
	{ REG "location='" H "'\ninsecure=true\n", H ":5000", 1, 1 },
	/* The prefix, and the location it sends to, both count. */
	{ REG "prefix = \"" H "\"\nlocation = \"mirror.example.net\"\n"
	  "insecure = true\n", H, 1, 1 },
	{ REG "prefix = \"docker.io\"\nlocation = \"" H "\"\ninsecure = true\n",
	  H, 1, 1 },
	{ REG "prefix = \"*.example.com\"\ninsecure = true\n", H, 1, 1 },
	{ REG "prefix = \"*.example.com\"\ninsecure = true\n", "example.com", 0, 1 },
	/* Each registry table judged alone. */
	{ REG "location = \"" H "\"\n[[registry]]\nlocation = \"b.example\"\n"
	  "insecure = true\n", H, 0, 1 },
	{ REG "location = \"" H "\"\ninsecure = true\n[[registry]]\n"
	  "location = \"b.example\"\n", H, 1, 1 },
	/* Mirrors: their own insecure. */
	{ REG "location = \"docker.io\"\n[[registry.mirror]]\nlocation = \"" H "\"\n"
	  "insecure = true\n", H, 1, 1 },
	{ REG "location = \"docker.io\"\n[[registry.mirror]]\nlocation = \"" H "\"\n"
	  "[[registry.mirror]]\nlocation = \"b.example\"\ninsecure = true\n", H, 0, 1 },
	{ REG "location = \"docker.io\"\ninsecure = true\n[[registry.mirror]]\n"
	  "location = \"" H "\"\n", H, 0, 1 },
	{ REG "location = \"" H "\"\ninsecure = true\n[[registry.mirror]]\n"
	  "location = \"m.example\"\n", H, 1, 1 },
	/* Other tables end a registry. */
	{ REG "location = \"" H "\"\n[aliases]\ninsecure = true\n", H, 0, 1 },
	/* Keys and tables without regard to case, as the tools' decoder. */
	{ "[[Registry]]\nLocation = \"" H "\"\nInsecure = true\n", H, 1, 1 },
	/* Dotted and quoted keys. */
	{ "[[\"registry\"]]\n'location' = \"" H "\"\n\"insecure\" = true\n", H, 1, 1 },
	{ "[registries]\ninsecure.registries = [\"" H "\"]\n", H, 1, 1 },
	{ "registries.insecure.registries = [\"" H "\"]\n", H, 1, 1 },
	{ "registry.location = \"" H "\"\nregistry.insecure = true\n", H, 1, 1 },
	{ REG "location = \"docker.io\"\nmirror.location = \"" H "\"\n"
	  "mirror.insecure = true\n", H, 1, 1 },
	{ REG "location = \"docker.io\"\n[registry.x]\n[[registry.mirror]]\n"
	  "location = \"" H "\"\ninsecure = true\n", H, 1, 1 },
	/* v1. */
	{ "[registries.search]\nregistries = ['docker.io']\n[registries.insecure]\n"
	  "registries = ['" H "']\n", H, 1, 1 },
	{ "[registries.insecure]\nregistries = [\n  \"a.example\", # a comment\n"
	  "  \"" H ":5000\",\n]\n", H ":5000", 1, 1 },
	{ "[registries.insecure]\nregistries = []\n", H, 0, 1 },
	{ "[registries.search]\nregistries = ['" H "']\n", H, 0, 1 },
	{ "[registries.block]\nregistries = ['" H "']\n", H, 0, 1 },
	/* Comments and blank lines, CRLF, a BOM, other keys. */
	{ "# [[registry]]\n# location = \"" H "\"\n# insecure = true\n", H, 0, 1 },
	{ "[[registry]] # x\r\nlocation = \"" H "\" # y\r\ninsecure = true # z\r\n", H, 1, 1 },
	{ "\xef\xbb\xbfunqualified-search-registries = [\"docker.io\", \"quay.io\"]\n"
	  "short-name-mode = \"enforcing\"\n[aliases]\n\"fedora\" = \"" H "/fedora\"\n",
	  H, 0, 1 },
	{ REG "location = \"" H "\"\nblocked = false\nmirror-by-digest-only = true\n"
	  "insecure = true\n", H, 1, 1 },
	{ "answer = 42\n", H, 0, 1 },
	{ "s = \"a \\\"quoted\\\" \\\\ string\\t\"\n", H, 0, 1 },
	{ "", H, 0, 1 },
	/* Not understood: insecure when the name appears, else not. */
	{ REG "location = \"" H "\"\ninsecure = \"true\"\n", H, 1, 0 },
	{ REG "location = \"" H "\"\ninsecure = yes\n", H, 1, 0 },
	{ REG "location = \"\"\"" H "\"\"\"\ninsecure = true\n", H, 1, 0 },
	{ "registry = [{ location = \"" H "\", insecure = true }]\n", H, 1, 0 },
	{ REG "location = \"\\u0072egistry.example.com\"\ninsecure = true\n", H, 1, 1 },
	{ REG "location = \"\\U00000072egistry.example.com\"\ninsecure = true\n",
	  H, 1, 1 },
	{ REG "location = \"\\u00e9egistry.example.com\"\ninsecure = true\n", H, 0, 1 },
	{ REG "location = \"\\ud800" H "\"\ninsecure = true\n", H, 1, 0 },
	{ REG "location = \"\\u00" H "\"\ninsecure = true\n", H, 1, 0 },
	{ REG "location = \"\\x72" H "\"\ninsecure = true\n", H, 1, 0 },
	{ "[[registry]\nlocation = \"" H "\"\n", H, 1, 0 },
	{ REG "location = \"" H "\n", H, 1, 0 },
	{ REG "location = \"" H "\" insecure = true\n", H, 1, 0 },
	{ REG "location = [\"" H "\"]\n", H, 1, 0 },
	{ "[registries.insecure]\nregistries = [\"a.example\" \"b.example\"]\n", H, 0, 0 },
	{ "[registries.insecure]\nregistries = [\"a.example\"\n", H, 0, 0 },
	{ "[registries.insecure]\nregistries = [\"*.example.com\"\n", H, 1, 0 },
	{ "location = \n", H, 0, 0 },
	{ "= true\n", H, 0, 0 },
	{ "when = 1979-05-27T07:32:00Z\n" H "\n", "REGISTRY.example.com", 1, 0 },
	{ "x = 1.5\n# *.example.com\n", H, 1, 0 },
	{ "x = 1.5\n# \"*\"\n", H, 1, 0 },
	{ "x = 1.5\n::1\n", "[::1]:5000", 1, 0 },
};

static void conf_table(void **state)
{
	const struct text_row *rows = conf_rows;
	size_t i;
	int understood, got;

	(void)state;
	for (i = 0; i < NELEMS(conf_rows); i++) {
		understood = -1;
		got = insecure_registries_conf(rows[i].text, strlen(rows[i].text), rows[i].host,
		                               &understood);
		ROW_CHECK(got == rows[i].want, i, "insecure: got %d, want %d", got, rows[i].want);
		ROW_CHECK(understood == rows[i].understood, i, "understood: got %d, want %d",
		          understood, rows[i].understood);
	}
}

/* A NUL inside the text: not understood. */
static void conf_nul(void **state)
{
	static const char text[] = "[[registry]]\nlocation = \"" H "\"\n\0insecure = true\n";
	int understood = -1;

	(void)state;
	assert_int_equal(insecure_registries_conf(text, sizeof(text) - 1, H, &understood), 1);
	assert_int_equal(understood, 0);
	assert_int_equal(insecure_registries_conf(text, sizeof(text) - 1, "b.example", NULL), 0);
}

static void daemon_json_table(void **state)
{
	static const struct {
		const char *text, *host;
		int want, understood;
	} rows[] = {
		{ "{\"insecure-registries\": [\"" H "\"]}", H, 1, 1 },
		{ "{\"insecure-registries\": [\"" H ":5000\"]}", H ":5000", 1, 1 },
		{ "{\"insecure-registries\": [\"http://" H "\"]}", H, 1, 1 },
		{ "{\"insecure-registries\": [\"other.example\"]}", H, 0, 1 },
		{ "{\"insecure-registries\": []}", H, 0, 1 },
		{ "{\"registry-mirrors\": [\"https://" H "\"]}", H, 0, 1 },
		{ "{\"insecure-registries\": [\"10.0.0.0/8\"]}", "10.1.2.3:5000", 1, 1 },
		{ "{\"insecure-registries\": [\"10.0.0.0/8\"]}", "11.1.2.3", 0, 1 },
		{ "{\"insecure-registries\": [\"192.168.1.0/24\"]}", "192.168.1.255", 1, 1 },
		{ "{\"insecure-registries\": [\"192.168.1.0/24\"]}", "192.168.2.1", 0, 1 },
		{ "{\"insecure-registries\": [\"0.0.0.0/0\"]}", "8.8.8.8", 1, 1 },
		{ "{\"insecure-registries\": [\"10.0.0.0/8\"]}", H, 0, 1 },
		{ "{\"insecure-registries\": [\"10.0.0.0/33\"]}", "10.1.2.3", 0, 1 },
		{ "{\"insecure-registries\": [\"fd00::/8\"]}", "[fd12::1]:5000", 1, 1 },
		{ "{\"insecure-registries\": [\"fd00::/8\"]}", "[fe80::1]", 0, 1 },
		{ "{\"insecure-registries\": [1, null, \"" H "\"]}", H, 1, 1 },
		{ "{\"insecure-registries\": \"" H "\"}", H, 0, 1 },
		{ "[]", H, 0, 1 },
		/* Not JSON: the name counts. */
		{ "{\"insecure-registries\": [\"" H "\",]}", H, 1, 0 },
		{ "{\"insecure-registries\": [\"other.example\",]}", H, 0, 0 },
		{ "", H, 0, 0 },
	};
	size_t i;
	int understood, got;

	(void)state;
	for (i = 0; i < NELEMS(rows); i++) {
		understood = -1;
		got = insecure_daemon_json(rows[i].text, strlen(rows[i].text), rows[i].host,
		                           &understood);
		ROW_CHECK(got == rows[i].want, i, "insecure: got %d, want %d", got, rows[i].want);
		ROW_CHECK(understood == rows[i].understood, i, "understood: got %d, want %d",
		          understood, rows[i].understood);
	}
}

/* A throw-away root, HOME and XDG_CONFIG_HOME, and CONTAINERS_REGISTRIES_CONF
 * unset. */
struct tree {
	char *dir;
	char path[1024];
};

static const char *at(struct tree *t, const char *rel)
{
	snprintf(t->path, sizeof(t->path), "%s/%s", t->dir, rel);
	return t->path;
}

static void tree_make(struct tree *t)
{
	static const char *dirs[] = {
		"etc", "etc/containers", "etc/containers/registries.conf.d", "etc/docker",
		"home", "home/.config", "home/.config/containers",
		"home/.config/containers/registries.conf.d", "home/.docker",
		"xdg", "xdg/containers", "xdg/docker",
	};
	size_t i;

	t->dir = unit_tmpdir();
	for (i = 0; i < NELEMS(dirs); i++)
		assert_int_equal(mkdir(at(t, dirs[i]), 0700), 0);
	setenv("HOME", at(t, "home"), 1);
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("CONTAINERS_REGISTRIES_CONF");
}

static const char v2_insecure[] = "[[registry]]\nlocation = \"" H "\"\ninsecure = true\n";

/* Which file says so, or "" for none. */
static void expect(struct tree *t, const char *rel)
{
	char where[1024], want[1024];
	int got = insecure_registry_under(t->dir, H, where, sizeof(where));

	if (!rel) {
		assert_int_equal(got, 0);
		assert_string_equal(where, "");
		return;
	}
	snprintf(want, sizeof(want), "%s/%s", t->dir, rel);
	assert_int_equal(got, 1);
	assert_string_equal(where, want);
}

static void files_precedence(void **state)
{
	struct tree t;

	(void)state;
	tree_make(&t);
	expect(&t, NULL);
	unit_write_file(at(&t, "etc/containers/registries.conf.d/50-x.conf"), v2_insecure);
	expect(&t, "etc/containers/registries.conf.d/50-x.conf");
	unit_write_file(at(&t, "etc/containers/registries.conf"), v2_insecure);
	expect(&t, "etc/containers/registries.conf");
	/* The user's registries.conf replaces the system's, and its directory. */
	unit_write_file(at(&t, "home/.config/containers/registries.conf"), "");
	expect(&t, NULL);
	unit_write_file(at(&t, "home/.config/containers/registries.conf.d/10-y.conf"), v2_insecure);
	expect(&t, "home/.config/containers/registries.conf.d/10-y.conf");
	/* Only *.conf files; the first in alphabetical order named. */
	unit_write_file(at(&t, "home/.config/containers/registries.conf.d/05-z.conf"), v2_insecure);
	unit_write_file(at(&t, "home/.config/containers/registries.conf.d/01-a.conf.bak"),
	                v2_insecure);
	expect(&t, "home/.config/containers/registries.conf.d/05-z.conf");
	unlink(at(&t, "home/.config/containers/registries.conf.d/05-z.conf"));
	unlink(at(&t, "home/.config/containers/registries.conf.d/10-y.conf"));
	expect(&t, NULL);
	/* $CONTAINERS_REGISTRIES_CONF replaces both files, not the system directory. */
	unit_write_file(at(&t, "conf"), v2_insecure);
	setenv("CONTAINERS_REGISTRIES_CONF", at(&t, "conf"), 1);
	expect(&t, "conf");
	unit_write_file(at(&t, "conf"), "");
	expect(&t, "etc/containers/registries.conf.d/50-x.conf");
	unsetenv("CONTAINERS_REGISTRIES_CONF");
	unit_rmtree(t.dir);
	free(t.dir);
}

static void files_xdg_and_docker(void **state)
{
	static const char daemon[] = "{\"insecure-registries\": [\"" H "\"]}";
	struct tree t;

	(void)state;
	tree_make(&t);
	/* XDG_CONFIG_HOME's files are read as well (containers/image does not). */
	setenv("XDG_CONFIG_HOME", at(&t, "xdg"), 1);
	unit_write_file(at(&t, "xdg/containers/registries.conf"), v2_insecure);
	expect(&t, "xdg/containers/registries.conf");
	unlink(at(&t, "xdg/containers/registries.conf"));
	unit_write_file(at(&t, "xdg/docker/daemon.json"), daemon);
	expect(&t, "xdg/docker/daemon.json");
	unsetenv("XDG_CONFIG_HOME");
	expect(&t, NULL);
	unit_write_file(at(&t, "home/.docker/daemon.json"), daemon);
	expect(&t, "home/.docker/daemon.json");
	unit_write_file(at(&t, "etc/docker/daemon.json"), daemon);
	expect(&t, "etc/docker/daemon.json");
	/* A directory where a file should be is skipped. */
	unlink(at(&t, "etc/docker/daemon.json"));
	assert_int_equal(mkdir(at(&t, "etc/docker/daemon.json"), 0700), 0);
	expect(&t, "home/.docker/daemon.json");
	unit_rmtree(t.dir);
	free(t.dir);
}

/* A file over INSECURE_FILE_MAX is not parsed: only the name counts; and
 * where is cut to its size. */
static void files_large_and_where(void **state)
{
	struct tree t;
	char *text = malloc(INSECURE_FILE_MAX + 64), where[8];

	(void)state;
	assert_non_null(text);
	tree_make(&t);
	memset(text, '#', INSECURE_FILE_MAX + 63);
	text[INSECURE_FILE_MAX + 63] = '\0';
	unit_write_file(at(&t, "etc/containers/registries.conf"), text);
	expect(&t, NULL);
	memcpy(text + 10, "\n" H, strlen(H) + 1);
	unit_write_file(at(&t, "etc/containers/registries.conf"), text);
	expect(&t, "etc/containers/registries.conf");
	assert_int_equal(insecure_registry_under(t.dir, H, where, sizeof(where)), 1);
	assert_int_equal(strlen(where), sizeof(where) - 1);
	assert_int_equal(insecure_registry_under(t.dir, H, NULL, 0), 1);
	assert_int_equal(insecure_file(at(&t, "missing"), 0, H), 0);
	unit_rmtree(t.dir);
	free(t.dir);
	free(text);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(covers_table),
	cmocka_unit_test(conf_table),
	cmocka_unit_test(conf_nul),
	cmocka_unit_test(daemon_json_table),
	cmocka_unit_test(files_precedence),
	cmocka_unit_test(files_xdg_and_docker),
	cmocka_unit_test(files_large_and_where),
};

UNIT_MAIN("insecure_registry", tests)
