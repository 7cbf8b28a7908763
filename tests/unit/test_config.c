/*
 * test_config.c - unit tests of lib/config.c: the INI parser and formatter
 * (lib/config.h) directly, then the public profile API with TERMAUTH_CONFIG
 * pointed at a file in a throw-away directory: which files are trusted, and
 * saves - from several processes at once - that keep each other's change.
 */
#include <sys/stat.h>
#include <sys/wait.h>
#include "unit.h"
#include "base/match.h"
#include "profile/config.h"

/* A profile by name (other sections are skipped). */
static const struct ta_profile *find(const struct ta_config *cfg, const char *name)
{
	size_t i;

	for (i = 0; i < cfg->nprofiles; i++)
		if (!cfg->profiles[i].other_section && !strcmp(cfg->profiles[i].name, name))
			return &cfg->profiles[i];
	return NULL;
}

static const char two_profiles[] =
	"; a comment\n"
	"# another comment\n"
	"[settings]\n"
	"color = auto\n"
	"\n"
	"[profile work]\n"
	"issuer = https://login.example.com\n"
	"client_id=termauth-cli\n"
	"scopes =   openid profile  \n"
	"  ; an indented comment\n"
	"future_key = kept as it is\n"
	"\n"
	"[profile home.lab_2-x]\n"
	"issuer = http://127.0.0.1:9000\n"
	"port = 8080\n"
	"[unrelated]\n"
	"issuer = https://not-a-profile.example\n";

static const char two_profiles_formatted[] =
	"[settings]\n"
	"color = auto\n"
	"\n"
	"[profile work]\n"
	"issuer = https://login.example.com\n"
	"client_id = termauth-cli\n"
	"scopes = openid profile\n"
	"future_key = kept as it is\n"
	"\n"
	"[profile home.lab_2-x]\n"
	"issuer = http://127.0.0.1:9000\n"
	"port = 8080\n"
	"\n"
	"[unrelated]\n"
	"issuer = https://not-a-profile.example\n";

static void parse_format_round_trip(void **state)
{
	struct ta_config cfg, again;
	const struct ta_profile *p;
	char *text = NULL, *text2 = NULL;

	(void)state;
	assert_int_equal(ta_config_parse(NULL, two_profiles, &cfg), TA_OK);
	/* The two profiles are there; the other sections are kept apart (they
	 * are written back, but are no profiles). */
	assert_int_equal(cfg.nprofiles, 4);
	assert_null(find(&cfg, "settings"));
	assert_null(find(&cfg, "unrelated"));
	p = find(&cfg, "work");
	assert_non_null(p);
	assert_int_equal(p->nkeys, 4);
	assert_string_equal(ta_profile_get(p, "issuer"), "https://login.example.com");
	assert_string_equal(ta_profile_get(p, "client_id"), "termauth-cli");
	assert_string_equal(ta_profile_get(p, "scopes"), "openid profile");
	/* A key of a newer version is kept. */
	assert_string_equal(ta_profile_get(p, "future_key"), "kept as it is");
	assert_null(ta_profile_get(p, "port"));
	p = find(&cfg, "home.lab_2-x");
	assert_non_null(p);
	assert_string_equal(ta_profile_get(p, "issuer"), "http://127.0.0.1:9000");
	assert_string_equal(ta_profile_get(p, "port"), "8080");

	assert_int_equal(ta_config_format(&cfg, &text), TA_OK);
	assert_string_equal(text, two_profiles_formatted);
	/* The formatted text parses to the same, and formats the same. */
	assert_int_equal(ta_config_parse(NULL, text, &again), TA_OK);
	assert_int_equal(again.nprofiles, 4);
	assert_int_equal(ta_config_format(&again, &text2), TA_OK);
	assert_string_equal(text, text2);
	free(text);
	free(text2);
	ta_config_clear(&again);
	ta_config_clear(&cfg);
	assert_int_equal(cfg.nprofiles, 0);
	assert_null(cfg.profiles);
}

static void parse_edge_cases(void **state)
{
	struct ta_config cfg;
	char *text = NULL;

	(void)state;
	/* Empty text: no profiles, formats as "". */
	assert_int_equal(ta_config_parse(NULL, "", &cfg), TA_OK);
	assert_int_equal(cfg.nprofiles, 0);
	assert_int_equal(ta_config_format(&cfg, &text), TA_OK);
	assert_string_equal(text, "");
	free(text);
	ta_config_clear(&cfg);

	/* A key given twice: the last one wins. A section given twice: one
	 * profile. */
	assert_int_equal(ta_config_parse(NULL, "[profile a]\nport = 1\n[profile b]\nport = 2\n"
	                                       "[profile a]\nport = 3\n", &cfg), TA_OK);
	assert_int_equal(cfg.nprofiles, 2);
	assert_string_equal(ta_profile_get(find(&cfg, "a"), "port"), "3");
	assert_int_equal(find(&cfg, "a")->nkeys, 1);
	ta_config_clear(&cfg);

	/* "key: value" is inih's other form; an inline comment is dropped. */
	assert_int_equal(ta_config_parse(NULL, "[profile a]\nissuer: https://x ; the IdP\n", &cfg),
	                 TA_OK);
	assert_string_equal(ta_profile_get(find(&cfg, "a"), "issuer"), "https://x");
	ta_config_clear(&cfg);
}

static void parse_refuses_bad_input(void **state)
{
	static const struct {
		const char *text;
		int line;
	} rows[] = {
		{ "[profile ../x]\nissuer = https://x\n", 2 },
		{ "[profile a/b]\nissuer = https://x\n", 2 },
		{ "[profile .hidden]\nissuer = https://x\n", 2 },
		{ "[profile ]\nissuer = https://x\n", 2 },
		{ "[profile  a]\nissuer = https://x\n", 2 },
		{ "[profile a]\nissuer = https://x\nthis line has no equals sign\n", 3 },
		{ "\n\n\n[profile a]\nport = 1\nport\n", 6 },
		{ "[profile a\nport = 1\n", 1 },
		{ "[profile a]\nissuer = https://x\n[profile b]\nok = 1\n[profile b c]\nk = v\n", 6 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < NELEMS(rows); i++) {
		struct ta_client *c;
		struct ta_config cfg;
		char want[64];
		enum ta_result r;

		assert_int_equal(ta_client_new(&c), TA_OK);
		memset(&cfg, 0x5a, sizeof(cfg));
		r = ta_config_parse(c, rows[i].text, &cfg);
		ROW_CHECK(r == TA_E_CONFIG, i, "gave %d", (int)r);
		snprintf(want, sizeof(want), "line %d", rows[i].line);
		ROW_CHECK(strstr(ta_client_message(c), want) != NULL, i, "message '%s' lacks '%s'",
		          ta_client_message(c), want);
		/* Nothing half-parsed is left behind. */
		ROW_CHECK(cfg.nprofiles == 0 && cfg.profiles == NULL, i, "cfg not emptied");
		ta_client_free(c);
	}
}

/* ---------------------------------------------------------------------- */
/* The public API, on a file of our own. */

struct env {
	char *dir;
	char *path; /* $TERMAUTH_CONFIG */
};

static int env_setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));

	if (!e)
		return -1;
	e->dir = unit_tmpdir();
	e->path = unit_join(e->dir, "sub/termauth.ini");
	if (setenv("TERMAUTH_CONFIG", e->path, 1))
		return -1;
	*state = e;
	return 0;
}

static int env_teardown(void **state)
{
	struct env *e = *state;

	unsetenv("TERMAUTH_CONFIG");
	unit_rmtree(e->dir);
	free(e->dir);
	free(e->path);
	free(e);
	return 0;
}

/* Makes the directory $TERMAUTH_CONFIG is in, to write a file there. */
static void make_sub(const struct env *e)
{
	char *sub = unit_join(e->dir, "sub");

	assert_int_equal(mkdir(sub, 0700), 0);
	free(sub);
}

static void config_path_follows_env(void **state)
{
	struct env *e = *state;
	char *path = NULL;

	assert_int_equal(ta_config_path(&path), TA_OK);
	assert_string_equal(path, e->path);
	free(path);
}

static void profile_load_missing_file(void **state)
{
	struct ta_client *c;
	struct ta_profile *p = NULL;

	(void)state;
	assert_int_equal(ta_client_new(&c), TA_OK);
	/* A missing file is no failure: no message is left either. */
	assert_int_equal(ta_client_set(c, TA_OPT_PORT, "x"), TA_E_ARG);
	assert_int_equal(ta_profile_load(c, "work", &p), TA_OK);
	assert_string_equal(ta_client_message(c), "");
	assert_non_null(p);
	assert_string_equal(ta_profile_name(p), "work");
	assert_null(ta_profile_get(p, "issuer"));
	assert_int_equal(p->nkeys, 0);
	ta_profile_free(p);
	ta_profile_free(NULL);
	ta_client_free(c);
}

static void profile_load_refuses(void **state)
{
	struct env *e = *state;
	static const char *const bad_names[] = { "", ".x", "a/b", "../x", "a b", NULL };
	struct ta_client *c;
	struct ta_profile *p = NULL;
	size_t i;

	assert_int_equal(ta_client_new(&c), TA_OK);
	for (i = 0; i < NELEMS(bad_names); i++)
		ROW_CHECK(ta_profile_load(c, bad_names[i], &p) == TA_E_ARG, i, "name accepted");
	assert_null(p);

	/* A file that does not parse: TA_E_CONFIG, the line in the message. */
	make_sub(e);
	unit_write_file(e->path, "[profile work]\nissuer = https://x\n\ngarbage\n");
	assert_int_equal(ta_profile_load(c, "work", &p), TA_E_CONFIG);
	assert_null(p);
	assert_non_null(strstr(ta_client_message(c), "line 4"));

	/* A NUL byte in the file. */
	{
		FILE *f = fopen(e->path, "w");
		assert_non_null(f);
		assert_int_equal(fwrite("[profile work]\nissuer = a\0b\n", 1, 28, f), 28);
		fclose(f);
	}
	assert_int_equal(ta_profile_load(c, "work", &p), TA_E_CONFIG);
	assert_null(p);
	ta_client_free(c);
}

static void profile_set_rules(void **state)
{
	struct ta_client *c;
	struct ta_profile *p = NULL;
	static const char *const known[] = { "issuer", "client_id", "scopes", "flow", "port",
		                             "timeout" };
	size_t i;

	(void)state;
	assert_int_equal(ta_client_new(&c), TA_OK);
	assert_int_equal(ta_profile_load(c, "work", &p), TA_OK);
	for (i = 0; i < NELEMS(known); i++) {
		ROW_CHECK(ta_profile_set(p, known[i], "v") == TA_OK, i, "%s refused", known[i]);
		ROW_CHECK(!strcmp(ta_profile_get(p, known[i]), "v"), i, "%s not set", known[i]);
	}
	assert_int_equal(p->nkeys, NELEMS(known));
	assert_int_equal(ta_profile_set(p, "unknown", "v"), TA_E_ARG);
	assert_int_equal(ta_profile_set(p, "Issuer", "v"), TA_E_ARG);
	assert_int_equal(ta_profile_set(p, "", "v"), TA_E_ARG);
	assert_int_equal(ta_profile_set(p, NULL, "v"), TA_E_ARG);
	assert_null(ta_profile_get(p, "unknown"));
	/* A value that would break the file's lines. */
	assert_int_equal(ta_profile_set(p, "issuer", "https://x\n[profile evil]"), TA_E_ARG);
	assert_int_equal(ta_profile_set(p, "issuer", "https://x\rport = 1"), TA_E_ARG);
	assert_string_equal(ta_profile_get(p, "issuer"), "v");
	/* Replacing, then removing with NULL. */
	assert_int_equal(ta_profile_set(p, "issuer", "https://y"), TA_OK);
	assert_string_equal(ta_profile_get(p, "issuer"), "https://y");
	assert_int_equal(p->nkeys, NELEMS(known));
	assert_int_equal(ta_profile_set(p, "issuer", NULL), TA_OK);
	assert_null(ta_profile_get(p, "issuer"));
	assert_int_equal(p->nkeys, NELEMS(known) - 1);
	assert_string_equal(ta_profile_get(p, "timeout"), "v");
	assert_int_equal(ta_profile_set(p, "issuer", NULL), TA_OK); /* absent: fine */
	ta_profile_free(p);
	ta_client_free(c);
}

static void profile_save_load_keeps_others(void **state)
{
	struct env *e = *state;
	struct ta_client *c;
	struct ta_profile *p = NULL;
	struct stat st;
	char *text;

	assert_int_equal(ta_client_new(&c), TA_OK);
	make_sub(e);
	/* First save: creates the file. */
	assert_int_equal(ta_profile_load(c, "other", &p), TA_OK);
	assert_int_equal(ta_profile_set(p, "issuer", "https://other.example"), TA_OK);
	assert_int_equal(ta_profile_set(p, "port", "1234"), TA_OK);
	assert_int_equal(ta_profile_save(c, p), TA_OK);
	ta_profile_free(p);
	assert_int_equal(stat(e->path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0600);

	/* A second profile, into the same file. */
	assert_int_equal(ta_profile_load(c, "work", &p), TA_OK);
	assert_int_equal(p->nkeys, 0);
	assert_int_equal(ta_profile_set(p, "issuer", "https://login.example.com/realms/x"), TA_OK);
	assert_int_equal(ta_profile_set(p, "client_id", "termauth"), TA_OK);
	assert_int_equal(ta_profile_set(p, "scopes", "openid profile offline_access"), TA_OK);
	assert_int_equal(ta_profile_set(p, "flow", "paste"), TA_OK);
	assert_int_equal(ta_profile_set(p, "timeout", "60"), TA_OK);
	assert_int_equal(ta_profile_save(c, p), TA_OK);
	ta_profile_free(p);

	assert_int_equal(ta_profile_load(c, "work", &p), TA_OK);
	assert_string_equal(ta_profile_name(p), "work");
	assert_string_equal(ta_profile_get(p, "issuer"), "https://login.example.com/realms/x");
	assert_string_equal(ta_profile_get(p, "client_id"), "termauth");
	assert_string_equal(ta_profile_get(p, "scopes"), "openid profile offline_access");
	assert_string_equal(ta_profile_get(p, "flow"), "paste");
	assert_string_equal(ta_profile_get(p, "timeout"), "60");
	assert_null(ta_profile_get(p, "port"));
	assert_int_equal(p->nkeys, 5);
	/* Saving a change: a removed key goes, the rest stays. */
	assert_int_equal(ta_profile_set(p, "flow", NULL), TA_OK);
	assert_int_equal(ta_profile_set(p, "timeout", "90"), TA_OK);
	assert_int_equal(ta_profile_save(c, p), TA_OK);
	ta_profile_free(p);

	assert_int_equal(ta_profile_load(c, "other", &p), TA_OK);
	assert_string_equal(ta_profile_get(p, "issuer"), "https://other.example");
	assert_string_equal(ta_profile_get(p, "port"), "1234");
	assert_int_equal(p->nkeys, 2);
	ta_profile_free(p);
	assert_int_equal(ta_profile_load(c, "work", &p), TA_OK);
	assert_string_equal(ta_profile_get(p, "timeout"), "90");
	assert_string_equal(ta_profile_get(p, "client_id"), "termauth");
	ta_profile_free(p);

	/* Nothing but the file in its directory: no temporary left over. */
	text = unit_read_text(e->path);
	assert_non_null(strstr(text, "[profile other]"));
	assert_non_null(strstr(text, "[profile work]"));
	free(text);
	{
		char *sub = unit_join(e->dir, "sub");
		assert_int_equal(unit_count_entries(sub, "termauth.ini"), 1);
		free(sub);
	}
	ta_client_free(c);
}

static void profile_apply_sets_options(void **state)
{
	struct ta_client *c;
	struct ta_profile *p = NULL;

	(void)state;
	assert_int_equal(ta_client_new(&c), TA_OK);
	assert_int_equal(ta_profile_load(c, "work", &p), TA_OK);
	assert_int_equal(ta_profile_set(p, "issuer", "https://login.example.com"), TA_OK);
	assert_int_equal(ta_profile_set(p, "client_id", "termauth"), TA_OK);
	assert_int_equal(ta_profile_set(p, "scopes", "openid email"), TA_OK);
	assert_int_equal(ta_profile_set(p, "flow", "paste"), TA_OK);
	assert_int_equal(ta_profile_set(p, "port", "8080"), TA_OK);
	assert_int_equal(ta_profile_set(p, "timeout", "42"), TA_OK);
	assert_int_equal(ta_profile_apply(p, c), TA_OK);
	assert_string_equal(ta_client_get(c, TA_OPT_ISSUER), "https://login.example.com");
	assert_string_equal(ta_client_get(c, TA_OPT_CLIENT_ID), "termauth");
	assert_string_equal(ta_client_get(c, TA_OPT_SCOPES), "openid email");
	assert_string_equal(ta_client_get(c, TA_OPT_FLOW), "paste");
	assert_null(ta_client_get(c, TA_OPT_BROWSER));
	assert_int_equal(c->port, 8080);
	assert_int_equal(c->timeout, 42);

	/* A value the client refuses: TA_E_CONFIG naming the profile. */
	assert_int_equal(ta_profile_set(p, "port", "70000"), TA_OK);
	assert_int_equal(ta_profile_apply(p, c), TA_E_CONFIG);
	assert_non_null(strstr(ta_client_message(c), "work"));
	assert_non_null(strstr(ta_client_message(c), "70000"));
	ta_profile_free(p);

	/* An empty profile changes nothing. */
	assert_int_equal(ta_profile_load(c, "empty", &p), TA_OK);
	assert_int_equal(ta_profile_apply(p, c), TA_OK);
	assert_string_equal(ta_client_get(c, TA_OPT_ISSUER), "https://login.example.com");
	ta_profile_free(p);
	ta_client_free(c);
}

/* A TERMAUTH_CONFIG path is the person's choice: its directory is not
 * made. The default one, under XDG_CONFIG_HOME, is made 0700. */
static void profile_save_directories(void **state)
{
	struct env *e = *state;
	struct ta_client *c;
	struct ta_profile *p = NULL;
	char *sub = unit_join(e->dir, "sub"), *xdg = unit_join(e->dir, "xdg"), *path = NULL;
	char *want = unit_join(e->dir, "xdg/termauth/config");
	struct stat st;

	assert_int_equal(ta_client_new(&c), TA_OK);
	assert_int_equal(ta_profile_load(c, "work", &p), TA_OK);
	assert_int_equal(ta_profile_set(p, "issuer", "https://x"), TA_OK);
	assert_int_equal(ta_profile_save(c, p), TA_E_CONFIG);
	assert_int_equal(lstat(sub, &st), -1);

	assert_int_equal(unsetenv("TERMAUTH_CONFIG"), 0);
	assert_int_equal(setenv("XDG_CONFIG_HOME", xdg, 1), 0);
	assert_int_equal(ta_config_path(&path), TA_OK);
	assert_string_equal(path, want);
	assert_int_equal(ta_profile_save(c, p), TA_OK);
	ta_profile_free(p);
	p = NULL;
	assert_int_equal(lstat(want, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	*strrchr(want, '/') = '\0';
	assert_int_equal(lstat(want, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_int_equal(ta_profile_load(c, "work", &p), TA_OK);
	assert_string_equal(ta_profile_get(p, "issuer"), "https://x");
	unsetenv("XDG_CONFIG_HOME");
	ta_profile_free(p);
	free(path);
	free(want);
	free(sub);
	free(xdg);
	ta_client_free(c);
}

/* inih (as Debian builds it) reads lines of at most 198 characters: a
 * value that would make "key = value" longer is refused when set, and one
 * that fits comes back whole. */
static void profile_set_line_limit(void **state)
{
	struct env *e = *state;
	struct ta_client *c;
	struct ta_profile *p = NULL;
	char value[300];
	size_t fits = TA_CONFIG_LINE_MAX - strlen("scopes = ");

	assert_int_equal(ta_client_new(&c), TA_OK);
	make_sub(e);
	memset(value, 's', sizeof(value));
	value[fits + 1] = '\0';
	assert_int_equal(ta_profile_load(c, "work", &p), TA_OK);
	assert_int_equal(ta_profile_set(p, "scopes", value), TA_E_TOO_LARGE);
	assert_null(ta_profile_get(p, "scopes"));
	value[fits] = '\0';
	assert_int_equal(ta_profile_set(p, "scopes", value), TA_OK);
	assert_int_equal(ta_profile_set(p, "issuer", "https://x"), TA_OK);
	assert_int_equal(ta_profile_save(c, p), TA_OK);
	ta_profile_free(p);
	p = NULL;
	assert_int_equal(ta_profile_load(c, "work", &p), TA_OK);
	assert_string_equal(ta_profile_get(p, "scopes"), value);
	assert_string_equal(ta_profile_get(p, "issuer"), "https://x");
	ta_profile_free(p);
	ta_client_free(c);
}

/* ---------------------------------------------------------------------- */
/* Known bugs (see the report of the change that added them). */

/* ta_profile_set now refuses a value that makes too long a line, but a
 * line read from the file can still grow when it is written back: the file
 * may say "scopes=<191 characters>" (198, read fine), and ta_config_format
 * writes "scopes = <191 characters>" (200; ini_parse_string takes at most
 * 199), which inih splits, so saving any profile makes the whole file
 * unreadable. */
static void save_keeps_long_lines_of_the_file(void **state)
{
	struct env *e = *state;
	struct ta_client *c;
	struct ta_profile *p = NULL;
	char text[400], value[192];
	enum ta_result r;

	memset(value, 'v', sizeof(value) - 1);
	value[sizeof(value) - 1] = '\0';
	snprintf(text, sizeof(text), "[profile other]\nscopes=%s\n", value);
	make_sub(e);
	unit_write_file(e->path, text);
	assert_int_equal(ta_client_new(&c), TA_OK);
	assert_int_equal(ta_profile_load(c, "other", &p), TA_OK);
	assert_string_equal(ta_profile_get(p, "scopes"), value);
	ta_profile_free(p);
	assert_int_equal(ta_profile_load(c, "work", &p), TA_OK);
	assert_int_equal(ta_profile_set(p, "issuer", "https://x"), TA_OK);
	assert_int_equal(ta_profile_save(c, p), TA_OK);
	ta_profile_free(p);
	p = NULL;
	r = ta_profile_load(c, "other", &p);
	if (r != TA_OK)
		fail_msg("load after save: %d, %s", (int)r, ta_client_message(c));
	assert_string_equal(ta_profile_get(p, "scopes"), value);
	ta_profile_free(p);
	ta_client_free(c);
}

/* A line "= value" is read as a key "" (kept as an unknown key), written
 * back as " = value", and that leading space makes inih read it as a
 * continuation of the previous key: saving silently changes the issuer to
 * "= junk". Either the line is refused (TA_E_CONFIG) or save keeps the
 * issuer. */
static void save_keeps_values_of_an_empty_key_line(void **state)
{
	struct env *e = *state;
	struct ta_client *c;
	struct ta_profile *p = NULL;
	enum ta_result r;

	make_sub(e);
	unit_write_file(e->path, "[profile work]\nissuer = https://x\n= junk\n");
	assert_int_equal(ta_client_new(&c), TA_OK);
	r = ta_profile_load(c, "work", &p);
	if (r == TA_OK) {
		assert_int_equal(ta_profile_set(p, "client_id", "cli"), TA_OK);
		assert_int_equal(ta_profile_save(c, p), TA_OK);
		ta_profile_free(p);
		p = NULL;
		assert_int_equal(ta_profile_load(c, "work", &p), TA_OK);
		assert_string_equal(ta_profile_get(p, "issuer"), "https://x");
	} else {
		assert_int_equal(r, TA_E_CONFIG);
	}
	ta_profile_free(p);
	ta_client_free(c);
}

/* Sections other than [profile ...] "belong to later versions" (config.c),
 * so reading ignores them, but saving regenerates the file from profiles
 * only and drops them: an older termauth saving a profile erases a newer
 * one's settings. */
static void save_keeps_other_sections(void **state)
{
	struct env *e = *state;
	struct ta_client *c;
	struct ta_profile *p = NULL;
	char *text;

	make_sub(e);
	unit_write_file(e->path, "[settings]\ncolor = auto\n\n[profile work]\nissuer = https://x\n");
	assert_int_equal(ta_client_new(&c), TA_OK);
	assert_int_equal(ta_profile_load(c, "work", &p), TA_OK);
	assert_int_equal(ta_profile_set(p, "client_id", "cli"), TA_OK);
	assert_int_equal(ta_profile_save(c, p), TA_OK);
	text = unit_read_text(e->path);
	assert_non_null(strstr(text, "client_id = cli"));
	assert_non_null(strstr(text, "[settings]"));
	assert_non_null(strstr(text, "color = auto"));
	free(text);
	ta_profile_free(p);
	ta_client_free(c);
}

/* A configuration that is a symbolic link (into a dotfiles repository) is
 * read through it, and saving replaces the file it points to, not the
 * link. */
static void save_through_a_link_keeps_the_link(void **state)
{
	struct env *e = *state;
	char *real = unit_join(e->dir, "dotfiles.ini"), *text;
	struct ta_client *c;
	struct ta_profile *p = NULL;
	struct stat st;

	make_sub(e);
	unit_write_file(real, "[profile work]\nissuer = https://x\n");
	assert_int_equal(symlink(real, e->path), 0);
	assert_int_equal(ta_client_new(&c), TA_OK);
	assert_int_equal(ta_profile_load(c, "work", &p), TA_OK);
	assert_string_equal(ta_profile_get(p, "issuer"), "https://x");
	assert_int_equal(ta_profile_set(p, "client_id", "cli"), TA_OK);
	assert_int_equal(ta_profile_save(c, p), TA_OK);
	assert_int_equal(lstat(e->path, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	text = unit_read_text(real);
	assert_non_null(strstr(text, "client_id = cli"));
	free(text);
	ta_profile_free(p);
	ta_client_free(c);
	free(real);
}

/* inih (INI_ALLOW_MULTILINE, compiled into Debian's libinih) reads a line
 * that starts with white space as the continuation of the previous key and
 * hands it over as that key's value again; profile_put replaces the value.
 * So the common indented style silently turns the issuer into
 * "client_id = termauth" and leaves client_id unset. Either indented keys
 * are keys, or the file is refused with the line. */
static void indented_keys_are_keys(void **state)
{
	struct ta_client *c;
	struct ta_config cfg;
	enum ta_result r;

	(void)state;
	assert_int_equal(ta_client_new(&c), TA_OK);
	r = ta_config_parse(c, "[profile work]\n  issuer = https://x\n  client_id = termauth\n",
	                    &cfg);
	if (r == TA_OK) {
		assert_int_equal(cfg.nprofiles, 1);
		assert_string_equal(ta_profile_get(&cfg.profiles[0], "issuer"), "https://x");
		assert_non_null(ta_profile_get(&cfg.profiles[0], "client_id"));
		assert_string_equal(ta_profile_get(&cfg.profiles[0], "client_id"), "termauth");
		ta_config_clear(&cfg);
	} else {
		assert_int_equal(r, TA_E_CONFIG);
		assert_non_null(strstr(ta_client_message(c), "line 3"));
	}
	ta_client_free(c);
}

/* ---------------------------------------------------------------------- */
/* Which files are read: yours or root's, and written by no one else. */

static void check_owner_and_mode(void **state)
{
	static const struct {
		mode_t mode;
		int owner; /* 0: us, 1: root, 2: another user */
		const char *want; /* NULL: accepted; else in the message */
	} rows[] = {
		{ S_IFREG | 0600, 0, NULL },
		{ S_IFREG | 0644, 0, NULL },
		{ S_IFREG | 0444, 0, NULL },
		{ S_IFREG | 0755, 0, NULL },
		{ S_IFREG | 0644, 1, NULL },
		{ S_IFREG | 0664, 0, "may be changed by others (mode 664): it is not read until you run chmod go-w /cfg" },
		{ S_IFREG | 0620, 0, "(mode 620)" },
		{ S_IFREG | 0602, 0, "(mode 602)" },
		{ S_IFREG | 0666, 1, "chmod go-w /cfg" },
		{ S_IFREG | 0600, 2, "/cfg belongs to another user (uid 65534): it is not read" },
		{ S_IFREG | 0666, 2, "belongs to another user" },
		{ S_IFDIR | 0700, 0, "/cfg is not a regular file" },
		{ S_IFIFO | 0600, 0, "/cfg is not a regular file" },
	};
	size_t i;

	(void)state;
	if (getuid() == 65534)
		skip(); /* "another user" must be another one */
	for (i = 0; i < NELEMS(rows); i++) {
		struct ta_client *c;
		struct stat st;
		enum ta_result r;

		memset(&st, 0, sizeof(st));
		st.st_mode = rows[i].mode;
		st.st_uid = rows[i].owner == 0 ? getuid() : rows[i].owner == 1 ? 0 : 65534;
		assert_int_equal(ta_client_new(&c), TA_OK);
		r = ta_config_check(c, "/cfg", &st);
		if (!rows[i].want) {
			ROW_CHECK(r == TA_OK, i, "refused: %s", ta_client_message(c));
		} else {
			ROW_CHECK(r == TA_E_CONFIG, i, "gave %d", (int)r);
			ROW_CHECK(strstr(ta_client_message(c), rows[i].want) != NULL, i,
			          "message '%s' lacks '%s'", ta_client_message(c), rows[i].want);
		}
		ta_client_free(c);
	}
}

/* A file others may write is not read, nor written: load, find and save
 * refuse it with the message, and the file stays as it was. */
static void untrusted_file_is_neither_read_nor_written(void **state)
{
	struct env *e = *state;
	static const char text[] = "[profile work]\nissuer = https://planted.example\ngit_hosts = git.example.com\n";
	struct ta_client *c;
	struct ta_profile *p = NULL;
	char *found = NULL, *after, want[600];
	struct stat st;

	make_sub(e);
	unit_write_file(e->path, text);
	assert_int_equal(chmod(e->path, 0666), 0);
	snprintf(want, sizeof(want), "%s may be changed by others (mode 666): it is not read until you run chmod go-w %s",
	         e->path, e->path);
	assert_int_equal(ta_client_new(&c), TA_OK);
	assert_int_equal(ta_profile_load(c, "work", &p), TA_E_CONFIG);
	assert_null(p);
	assert_string_equal(ta_client_message(c), want);
	assert_int_equal(ta_profile_find(c, "git_hosts", "git.example.com", &found), TA_E_CONFIG);
	assert_null(found);
	assert_string_equal(ta_client_message(c), want);

	/* A profile loaded while the file was fine is not saved into it once
	 * it is not. */
	assert_int_equal(chmod(e->path, 0644), 0);
	assert_int_equal(ta_profile_load(c, "work", &p), TA_OK);
	assert_string_equal(ta_profile_get(p, "issuer"), "https://planted.example");
	assert_int_equal(ta_profile_set(p, "client_id", "cli"), TA_OK);
	assert_int_equal(chmod(e->path, 0646), 0);
	assert_int_equal(ta_profile_save(c, p), TA_E_CONFIG);
	assert_non_null(strstr(ta_client_message(c), "(mode 646)"));
	after = unit_read_text(e->path);
	assert_string_equal(after, text);
	free(after);
	assert_int_equal(stat(e->path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0646);

	/* Once it is private again, it is read. */
	assert_int_equal(chmod(e->path, 0644), 0);
	assert_int_equal(ta_profile_save(c, p), TA_OK);
	ta_profile_free(p);
	p = NULL;
	assert_int_equal(ta_profile_find(c, "git_hosts", "git.example.com", &found), TA_OK);
	assert_string_equal(found, "work");
	free(found);
	ta_client_free(c);
}

/* Another user's file is refused (CI runs as root, which may chown); a
 * FIFO in its place is refused at once rather than waited on. */
static void another_users_file_and_a_fifo_are_refused(void **state)
{
	struct env *e = *state;
	struct ta_client *c;
	struct ta_profile *p = NULL;

	make_sub(e);
	assert_int_equal(ta_client_new(&c), TA_OK);
	assert_int_equal(mkfifo(e->path, 0600), 0);
	assert_int_equal(ta_profile_load(c, "work", &p), TA_E_CONFIG);
	assert_non_null(strstr(ta_client_message(c), "is not a regular file"));
	assert_int_equal(unlink(e->path), 0);
	if (getuid() != 0) {
		ta_client_free(c);
		skip(); /* only root can give a file away */
	}
	unit_write_file(e->path, "[profile work]\nissuer = https://x\n");
	assert_int_equal(chown(e->path, 65534, 65534), 0);
	assert_int_equal(ta_profile_load(c, "work", &p), TA_E_CONFIG);
	assert_null(p);
	assert_non_null(strstr(ta_client_message(c), "belongs to another user (uid 65534)"));
	ta_client_free(c);
}

/* Writing keeps an existing file's mode (it passed the check); a new file
 * is 0600. */
static void save_keeps_the_mode(void **state)
{
	struct env *e = *state;
	struct ta_client *c;
	struct ta_profile *p = NULL;
	struct stat st;

	make_sub(e);
	unit_write_file(e->path, "[profile work]\nissuer = https://x\n");
	assert_int_equal(chmod(e->path, 0644), 0);
	assert_int_equal(ta_client_new(&c), TA_OK);
	assert_int_equal(ta_profile_load(c, "work", &p), TA_OK);
	assert_int_equal(ta_profile_set(p, "client_id", "cli"), TA_OK);
	assert_int_equal(ta_profile_save(c, p), TA_OK);
	assert_int_equal(stat(e->path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	ta_profile_free(p);
	ta_client_free(c);
}

/* Two commands that loaded the same profile each save their own change;
 * neither drops the other's. */
static void saves_keep_each_others_change(void **state)
{
	struct env *e = *state;
	struct ta_client *c;
	struct ta_profile *a = NULL, *b = NULL, *p = NULL;

	make_sub(e);
	unit_write_file(e->path, "[profile work]\nissuer = https://x\nflow = paste\ngit_hosts = old.example\n");
	assert_int_equal(ta_client_new(&c), TA_OK);
	assert_int_equal(ta_profile_load(c, "work", &a), TA_OK);
	assert_int_equal(ta_profile_load(c, "work", &b), TA_OK);
	/* a: a client id (a registration) and a host; b: another host, no
	 * flow, another port. */
	assert_int_equal(ta_profile_set(a, "client_id", "registered"), TA_OK);
	assert_int_equal(ta_profile_set(a, "git_hosts", "old.example a.example"), TA_OK);
	assert_int_equal(ta_profile_set(b, "git_hosts", "old.example b.example"), TA_OK);
	assert_int_equal(ta_profile_set(b, "flow", NULL), TA_OK);
	assert_int_equal(ta_profile_set(b, "port", "8080"), TA_OK);
	assert_int_equal(ta_profile_save(c, a), TA_OK);
	assert_int_equal(ta_profile_save(c, b), TA_OK);
	assert_int_equal(ta_profile_load(c, "work", &p), TA_OK);
	assert_string_equal(ta_profile_get(p, "issuer"), "https://x");
	assert_string_equal(ta_profile_get(p, "client_id"), "registered");
	assert_string_equal(ta_profile_get(p, "git_hosts"), "old.example a.example b.example");
	assert_string_equal(ta_profile_get(p, "port"), "8080");
	assert_null(ta_profile_get(p, "flow"));
	ta_profile_free(a);
	ta_profile_free(b);
	a = p;
	/* A host dropped by one, while another adds one: both happen. */
	assert_int_equal(ta_profile_load(c, "work", &b), TA_OK);
	assert_int_equal(ta_profile_set(a, "git_hosts", "old.example b.example"), TA_OK);
	assert_int_equal(ta_profile_set(b, "git_hosts", "old.example a.example b.example c.example"), TA_OK);
	assert_int_equal(ta_profile_save(c, a), TA_OK);
	assert_int_equal(ta_profile_save(c, b), TA_OK);
	assert_int_equal(ta_profile_load(c, "work", &p), TA_OK);
	assert_string_equal(ta_profile_get(p, "git_hosts"), "old.example b.example c.example");
	/* A key no one changed keeps what the file says now. */
	assert_string_equal(ta_profile_get(p, "client_id"), "registered");
	ta_profile_free(a);
	ta_profile_free(b);
	ta_profile_free(p);
	ta_client_free(c);
}

/* Processes at once: each adds its host to one profile, or saves its own
 * profile. All land, and the file reads back whole. */
static void concurrent_saves_all_land(void **state)
{
	enum { N = 10 };
	struct env *e = *state;
	struct ta_client *c;
	struct ta_profile *p = NULL;
	pid_t pids[2 * N];
	char word[64];
	int i, status;

	make_sub(e);
	for (i = 0; i < 2 * N; i++) {
		assert_true((pids[i] = fork()) >= 0);
		if (pids[i] == 0) {
			const char *hosts;
			char both[200], name[32];
			int ok;
			if (ta_client_new(&c) != TA_OK)
				_exit(2);
			if (i < N) { /* setup-git: one more host in "work" */
				snprintf(word, sizeof(word), "host%d.example", i);
				ok = ta_profile_load(c, "work", &p) == TA_OK;
				hosts = ok ? ta_profile_get(p, "git_hosts") : NULL;
				snprintf(both, sizeof(both), "%s%s%s", hosts ? hosts : "", hosts ? " " : "", word);
				ok = ok && ta_profile_set(p, "git_hosts", both) == TA_OK;
			} else { /* a login: a profile of its own, and a registration */
				snprintf(name, sizeof(name), "p%d", i);
				ok = ta_profile_load(c, name, &p) == TA_OK &&
				     ta_profile_set(p, "issuer", "https://x") == TA_OK &&
				     ta_profile_set(p, "client_id", name) == TA_OK;
			}
			ok = ok && ta_profile_save(c, p) == TA_OK;
			if (!ok)
				fprintf(stderr, "child %d: %s\n", i, ta_client_message(c));
			_exit(ok ? 0 : 1);
		}
	}
	for (i = 0; i < 2 * N; i++) {
		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
		ROW_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, i, "child failed");
	}
	assert_int_equal(ta_client_new(&c), TA_OK);
	assert_int_equal(ta_profile_load(c, "work", &p), TA_OK);
	for (i = 0; i < N; i++) {
		snprintf(word, sizeof(word), "host%d.example", i);
		ROW_CHECK(ta_list_holds(ta_profile_get(p, "git_hosts"), word), i, "%s lost: %s", word,
		          ta_profile_get(p, "git_hosts"));
	}
	assert_int_equal(strlen(ta_profile_get(p, "git_hosts")), N * strlen("hostX.example") + N - 1);
	ta_profile_free(p);
	for (i = N; i < 2 * N; i++) {
		snprintf(word, sizeof(word), "p%d", i);
		assert_int_equal(ta_profile_load(c, word, &p), TA_OK);
		ROW_CHECK(ta_profile_get(p, "client_id") && !strcmp(ta_profile_get(p, "client_id"), word), i,
		          "profile %s lost", word);
		ta_profile_free(p);
	}
	{
		char *sub = unit_join(e->dir, "sub");
		assert_int_equal(unit_count_entries(sub, "termauth.ini"), 1); /* no temporary left */
		free(sub);
	}
	ta_client_free(c);
}

#define ENV_TEST(f) cmocka_unit_test_setup_teardown(f, env_setup, env_teardown)

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(parse_format_round_trip),
	cmocka_unit_test(parse_edge_cases),
	cmocka_unit_test(parse_refuses_bad_input),
	ENV_TEST(config_path_follows_env),
	ENV_TEST(profile_load_missing_file),
	ENV_TEST(profile_load_refuses),
	ENV_TEST(profile_set_rules),
	ENV_TEST(profile_save_load_keeps_others),
	ENV_TEST(profile_apply_sets_options),
	ENV_TEST(profile_save_directories),
	ENV_TEST(profile_set_line_limit),
	ENV_TEST(save_keeps_long_lines_of_the_file),
	ENV_TEST(save_keeps_values_of_an_empty_key_line),
	ENV_TEST(save_keeps_other_sections),
	ENV_TEST(save_through_a_link_keeps_the_link),
	cmocka_unit_test(indented_keys_are_keys),
	cmocka_unit_test(check_owner_and_mode),
	ENV_TEST(untrusted_file_is_neither_read_nor_written),
	ENV_TEST(another_users_file_and_a_fifo_are_refused),
	ENV_TEST(save_keeps_the_mode),
	ENV_TEST(saves_keep_each_others_change),
	ENV_TEST(concurrent_saves_all_land),
};

UNIT_MAIN("config", tests)
