/*
 * test_result.c - unit tests of lib/base/result.c: the result codes (their
 * numbers are part of the ABI and are pinned here, so a renumbering fails
 * a test), their names, the per-handle message, the program's callbacks
 * for notices and debug lines, and ta_printable.
 */
#include "unit.h"
#include "base/result.h"

#define TA_RESULT_LAST 26

/* The numbers are written out, not derived: enum ta_result is stable. */
static void result_numbers_are_pinned(void **state)
{
	static const struct {
		enum ta_result r;
		int number;
		const char *name;
	} rows[] = {
		{ TA_OK, 0, "TA_OK" },
		{ TA_E_NOMEM, 1, "TA_E_NOMEM" },
		{ TA_E_ARG, 2, "TA_E_ARG" },
		{ TA_E_CONFIG, 3, "TA_E_CONFIG" },
		{ TA_E_INSECURE, 4, "TA_E_INSECURE" },
		{ TA_E_UNREACHABLE, 5, "TA_E_UNREACHABLE" },
		{ TA_E_HTTP, 6, "TA_E_HTTP" },
		{ TA_E_PROTOCOL, 7, "TA_E_PROTOCOL" },
		{ TA_E_IDP, 8, "TA_E_IDP" },
		{ TA_E_DENIED, 9, "TA_E_DENIED" },
		{ TA_E_CALLBACK, 10, "TA_E_CALLBACK" },
		{ TA_E_ISSUER, 11, "TA_E_ISSUER" },
		{ TA_E_TIMEOUT, 12, "TA_E_TIMEOUT" },
		{ TA_E_PORT_IN_USE, 13, "TA_E_PORT_IN_USE" },
		{ TA_E_LISTEN, 14, "TA_E_LISTEN" },
		{ TA_E_ID_TOKEN, 15, "TA_E_ID_TOKEN" },
		{ TA_E_STORE, 16, "TA_E_STORE" },
		{ TA_E_NO_SESSION, 17, "TA_E_NO_SESSION" },
		{ TA_E_EXPIRED, 18, "TA_E_EXPIRED" },
		{ TA_E_CANCELLED, 19, "TA_E_CANCELLED" },
		{ TA_E_TOO_LARGE, 20, "TA_E_TOO_LARGE" },
		{ TA_E_INTERNAL, 21, "TA_E_INTERNAL" },
		{ TA_E_CODE_EXPIRED, 22, "TA_E_CODE_EXPIRED" },
		{ TA_E_NO_DEVICE_FLOW, 23, "TA_E_NO_DEVICE_FLOW" },
		{ TA_E_VERIFY, 24, "TA_E_VERIFY" },
		{ TA_E_AGENT_GONE, 25, "TA_E_AGENT_GONE" },
		{ TA_E_NOT_FORWARDED, 26, "TA_E_NOT_FORWARDED" },
	};
	size_t i;

	(void)state;
	assert_int_equal(NELEMS(rows), TA_RESULT_LAST + 1);
	for (i = 0; i < NELEMS(rows); i++) {
		const char *s = ta_result_str(rows[i].r);
		size_t n = strlen(rows[i].name);
		ROW_CHECK((int)rows[i].r == rows[i].number, i, "%s is %d, want %d", rows[i].name,
		          (int)rows[i].r, rows[i].number);
		/* The text names its own code: "TA_E_ARG: ...", not "TA_E_ARGX". */
		ROW_CHECK(!strncmp(s, rows[i].name, n) && s[n] == ':', i, "'%s' for %s", s,
		          rows[i].name);
	}
}

static void result_str_every_code(void **state)
{
	int i, j;

	(void)state;
	for (i = 0; i <= TA_RESULT_LAST; i++) {
		const char *s = ta_result_str((enum ta_result)i);
		ROW_CHECK(s != NULL, i, "NULL");
		ROW_CHECK(strlen(s) > strlen("TA_X: "), i, "'%s' is too short", s);
		ROW_CHECK(!strncmp(s, "TA_", 3), i, "'%s' does not start with TA_", s);
		ROW_CHECK(strstr(s, ": ") != NULL, i, "'%s' has no explanation", s);
		ROW_CHECK(strncmp(s, "TA_E_UNKNOWN", 12) != 0, i, "%d is unknown", i);
		for (j = 0; j < i; j++)
			ROW_CHECK(strcmp(s, ta_result_str((enum ta_result)j)) != 0, i,
			          "same text as %d: '%s'", j, s);
	}
}

static void result_str_unknown_numbers(void **state)
{
	static const int unknown[] = { TA_RESULT_LAST + 1, 27, 99, 999, -1, -21, 1 << 30,
		                       -(1 << 30) };
	const char *u = ta_result_str((enum ta_result)999);
	size_t i;

	(void)state;
	assert_non_null(u);
	assert_true(!strncmp(u, "TA_E_UNKNOWN", 12));
	for (i = 0; i < NELEMS(unknown); i++)
		ROW_CHECK(!strcmp(ta_result_str((enum ta_result)unknown[i]), u), i,
		          "%d gave '%s'", unknown[i], ta_result_str((enum ta_result)unknown[i]));
	assert_string_equal(ta_version(), TA_VERSION);
}

static void client_message_lifecycle(void **state)
{
	struct ta_client *c;
	char long_value[2000];

	(void)state;
	assert_int_equal(ta_client_new(&c), TA_OK);
	assert_non_null(ta_client_message(c));
	assert_string_equal(ta_client_message(c), "");
	assert_string_equal(ta_client_message(NULL), "");
	/* A failure leaves its detail, quoting the value. */
	assert_int_equal(ta_client_set(c, TA_OPT_PORT, "abc"), TA_E_ARG);
	assert_non_null(strstr(ta_client_message(c), "abc"));
	/* ta_fail returns its code, and a long message is cut, not overrun. */
	memset(long_value, 'x', sizeof(long_value) - 1);
	long_value[sizeof(long_value) - 1] = '\0';
	assert_int_equal(ta_fail(c, TA_E_TIMEOUT, "%s", long_value), TA_E_TIMEOUT);
	assert_int_equal(strlen(ta_client_message(c)), TA_MESSAGE_MAX - 1);
	assert_int_equal(ta_fail(NULL, TA_E_ARG, "nothing to keep it in"), TA_E_ARG);
	ta_client_free(c);
	ta_client_free(NULL);
}

static int notices, debugs;
static char last_notice[TA_MESSAGE_MAX];

static void on_notice(void *data, const char *message)
{
	(void)data;
	notices++;
	snprintf(last_notice, sizeof(last_notice), "%s", message);
}

static void on_debug(void *data, int level, const char *message)
{
	(void)data;
	(void)message;
	debugs += level;
}

static void client_callbacks(void **state)
{
	struct ta_client *c;
	struct ta_callbacks cb = TA_CALLBACKS_INIT();

	(void)state;
	assert_int_equal(ta_client_new(&c), TA_OK);
	/* No callbacks: nothing happens, nothing crashes. */
	ta_notice(c, "n %d", 1);
	ta_debug(c, 1, "d");
	ta_notice(NULL, "n");
	cb.notice = on_notice;
	cb.debug = on_debug;
	ta_client_set_callbacks(c, &cb);
	ta_notice(c, "hello %s", "there");
	ta_debug(c, 2, "x");
	assert_int_equal(notices, 1);
	assert_string_equal(last_notice, "hello there");
	assert_int_equal(debugs, 2);
	ta_client_set_callbacks(c, NULL);
	ta_notice(c, "again");
	ta_debug(c, 3, "y");
	assert_int_equal(notices, 1);
	assert_int_equal(debugs, 2);
	ta_client_free(c);
}

static void printable_copy(void **state)
{
	char out[8];

	(void)state;
	ta_printable(out, sizeof(out), "ab\x1b[2J");
	assert_string_equal(out, "ab?[2J");
	ta_printable(out, sizeof(out), "0123456789");
	assert_string_equal(out, "0123456");
	ta_printable(out, sizeof(out), "\xc3\xa9\x7f\t");
	assert_string_equal(out, "????");
	ta_printable(out, sizeof(out), NULL);
	assert_string_equal(out, "");
	ta_printable(out, 1, "abc");
	assert_string_equal(out, "");
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(result_numbers_are_pinned),
	cmocka_unit_test(result_str_every_code),
	cmocka_unit_test(result_str_unknown_numbers),
	cmocka_unit_test(client_message_lifecycle),
	cmocka_unit_test(client_callbacks),
	cmocka_unit_test(printable_copy),
};

UNIT_MAIN("result", tests)

