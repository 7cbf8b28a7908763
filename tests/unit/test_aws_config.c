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
		{ "[profile x]\nk = keep\n[ profile  dev ]\nk=old", "dev",
		  "[profile x]\nk = keep\n[ profile  dev ]\nk = v\n" },
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
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(set_table),
	cmocka_unit_test(words),
};

UNIT_MAIN("aws_config", tests)
