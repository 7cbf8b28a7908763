/*
 * test_aws_config.c - unit tests of src/aws_config.c (setup-aws's edit of
 * ~/.aws/config, in the tool, not the library): the key set in the right
 * section, every other line kept; words quoted as shlex reads them.
 */
#include "unit.h"
#include "aws_config.h"

static void set_table(void **state)
{
	static const struct {
		const char *text, *profile, *want;
	} rows[] = {
		{ "", "dev", "[profile dev]\nk = v\n" },
		{ "", "default", "[default]\nk = v\n" },
		{ "[default]\nregion = x", "dev", "[default]\nregion = x\n\n[profile dev]\nk = v\n" },
		{ "[default]\nregion = x\n", "default", "[default]\nregion = x\nk = v\n" },
		{ "[profile default]\n", "default", "[profile default]\nk = v\n" },
		{ "[profile dev]\nregion = x\n\n# c\n[other]\n", "dev",
		  "[profile dev]\nregion = x\n\n# c\nk = v\n[other]\n" },
		{ "[profile dev]\nregion = x\n\n[other]\n", "dev",
		  "[profile dev]\nregion = x\nk = v\n\n[other]\n" },
		{ "[profile dev]\nK = old\n  more\n  more\nregion = x\n", "dev",
		  "[profile dev]\nk = v\nregion = x\n" },
		{ "[profile dev]\nk: old\n[profile x]\nk = keep\n", "dev",
		  "[profile dev]\nk = v\n[profile x]\nk = keep\n" },
		/* Headers as configparser and botocore read them (each row's
		 * output checked against botocore's raw_config_parse): the name
		 * runs to the last ']', is not trimmed, and is shlex-split. */
		{ "[profile x]\nk = keep\n[ profile  dev ]\nk=old", "dev",
		  "[profile x]\nk = keep\n[ profile  dev ]\nk=old\n\n[profile dev]\nk = v\n" },
		{ "[profile  dev ]\nk=old\n", "dev", "[profile  dev ]\nk = v\n" },
		{ "[profiles dev]\nk=old\n", "dev", "[profiles dev]\nk = v\n" },
		{ "[profile \"d\"'e'\\v]\nk=old\n", "dev", "[profile \"d\"'e'\\v]\nk = v\n" },
		{ "[profile \"dev]\nk=old\n", "dev", "[profile \"dev]\nk=old\n\n[profile dev]\nk = v\n" },
		{ "[profile dev]\nregion = x\n[profile prod] # production\nk = /usr/bin/prod-tool\n",
		  "dev",
		  "[profile dev]\nregion = x\nk = v\n[profile prod] # production\n"
		  "k = /usr/bin/prod-tool\n" },
		{ "[profile dev] # d\nk = old\n", "dev", "[profile dev] # d\nk = v\n" },
		{ "[profile dev] ]\nk = old\n", "dev", "[profile dev] ]\nk = old\n\n[profile dev]\nk = v\n" },
		/* Indents: an indented first key is a key (kept indented, or
		 * the line below would continue it); deeper lines continue it. */
		{ "[profile dev]\n  k = old\n  region = x\n", "dev",
		  "[profile dev]\n  k = v\n  region = x\n" },
		{ "[profile dev]\nregion = x\n  k = old\n", "dev",
		  "[profile dev]\nregion = x\n  k = old\nk = v\n" },
		{ "[profile dev]\nx = 1\n  [profile prod]\n  k = keep\n", "prod",
		  "[profile dev]\nx = 1\n  [profile prod]\n  k = keep\n\n[profile prod]\nk = v\n" },
		/* A value continues across comments and blank lines. */
		{ "[profile dev]\nk = old\n# note\n  --flag\n\n  --more\nregion = x\n", "dev",
		  "[profile dev]\nk = v\nregion = x\n" },
		{ "[profile dev]\nk = old\n  --flag\n# note\n\n[other]\n", "dev",
		  "[profile dev]\nk = v\n# note\n\n[other]\n" },
		/* CRLF: Python reads it as LF; lines added with CRLF. */
		{ "[profile dev]\r\nk = old\r\n  --b\r\nregion = x\r\n", "dev",
		  "[profile dev]\r\nk = v\r\nregion = x\r\n" },
		{ "[default]\r\nregion = x\r\n", "dev",
		  "[default]\r\nregion = x\r\n\r\n[profile dev]\r\nk = v\r\n" },
		/* Both: botocore keeps the later section for profile default. */
		{ "[profile default]\nk = first\n[default]\nk = second\n", "default",
		  "[profile default]\nk = first\n[default]\nk = v\n" },
		{ "[default]\nk = first\n[profile default]\nregion = x\n", "default",
		  "[default]\nk = first\n[profile default]\nregion = x\nk = v\n" },
		{ "[profile devel]\nk = keep\n", "dev",
		  "[profile devel]\nk = keep\n\n[profile dev]\nk = v\n" },
		{ "[profile dev]\nkey = keep\nk2 = keep\n", "dev",
		  "[profile dev]\nkey = keep\nk2 = keep\nk = v\n" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < NELEMS(rows); i++) {
		char *out = NULL;

		assert_int_equal(aws_config_set(rows[i].text, rows[i].profile, "k", "v", &out), 0);
		ROW_CHECK(!strcmp(out, rows[i].want), i, "gave '%s'", out);
		free(out);
	}
}

static void words(void **state)
{
	char *line = NULL;

	(void)state;
	assert_int_equal(aws_shell_word(&line, "/usr/bin/termauth"), 0);
	assert_int_equal(aws_shell_word(&line, "arn:aws:iam::1:role/a+b=c,d.e@f_g-h"), 0);
	assert_int_equal(aws_shell_word(&line, "/opt/my tools/it's"), 0);
	assert_int_equal(aws_shell_word(&line, ""), 0);
	assert_string_equal(line, "/usr/bin/termauth arn:aws:iam::1:role/a+b=c,d.e@f_g-h "
	                          "'/opt/my tools/it'\"'\"'s' ''");
	free(line);
	assert_true(aws_profile_name_ok("dev-1.x_y"));
	assert_false(aws_profile_name_ok(""));
	assert_false(aws_profile_name_ok("a b"));
	assert_false(aws_profile_name_ok("a]"));
	assert_false(aws_profile_name_ok("a\n"));
	assert_false(aws_profile_name_ok("a\xc3\xa9"));
}

/* A word with a control byte, or one outside ASCII, is refused: a line
 * break would add lines to the file, invalid UTF-8 breaks every profile. */
static void control_words(void **state)
{
	static const char *const bad[] = { "/opt/a\nb", "a\rb", "a\tb", "a\x1b[2J", "a\x7f",
	                                   "/opt/\xff", "/opt/\xc3\xa9" };
	char *line = NULL;
	size_t i;

	(void)state;
	for (i = 0; i < NELEMS(bad); i++) {
		ROW_CHECK(!aws_word_ok(bad[i]), i, "aws_word_ok took it");
		ROW_CHECK(aws_shell_word(&line, bad[i]) == -2 && !line, i, "aws_shell_word took it");
	}
	assert_true(aws_word_ok("/opt/my tools/it's"));
}

/* Files refused whole: a NUL (the rest would be lost), a lone CR. */
static void refused(void **state)
{
	static const struct {
		const char *text;
		size_t len;
		int bad;
	} rows[] = {
		{ "[default]\nk = v\n", 16, 0 },
		{ "[default]\r\nk = v\r\n", 18, 0 },
		{ "[default]\rk = v\r", 16, 1 },
		{ "[default]\nk = v\r", 16, 1 },
		{ "[default]\r\nk = v\r\r\n", 19, 1 },
		{ "[default]\n\0k = v\n", 17, 1 },
		{ "", 0, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < NELEMS(rows); i++)
		ROW_CHECK(!aws_config_refused(rows[i].text, rows[i].len) == !rows[i].bad, i,
		          "gave %s", aws_config_refused(rows[i].text, rows[i].len) ?: "NULL");
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(set_table),
	cmocka_unit_test(words),
	cmocka_unit_test(control_words),
	cmocka_unit_test(refused),
};

UNIT_MAIN("aws_config", tests)
