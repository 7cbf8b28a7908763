/*
 * test_response.c - unit tests of how lib/oauth/response.c reads an IdP's
 * answers: a lifetime in seconds (ta_response_seconds) and an OAuth error
 * (ta_response_error), whose text must reach the person printable.
 */
#include <jansson.h>
#include "unit.h"
#include "base/result.h"
#include "oauth/response.h"

#define TEN_YEARS (10LL * 365 * 86400)

/* ---------------------------------------------------------------------- */
/* ta_response_seconds */

static void response_seconds_table(void **state)
{
	static const struct {
		const char *json;
		long long want;
	} rows[] = {
		{ "{\"s\":5}", 5 },
		{ "{\"s\":0}", 0 },
		{ "{\"s\":\"5\"}", 5 },
		{ "{\"s\":\"0\"}", 0 },
		{ "{\"s\":\"0900\"}", 900 },
		{ "{}", -1 },
		{ "{\"other\":5}", -1 },
		{ "{\"s\":315360000}", TEN_YEARS },
		{ "{\"s\":\"315360000\"}", TEN_YEARS },
		{ "{\"s\":315360001}", -2 },
		{ "{\"s\":\"315360001\"}", -2 },
		{ "{\"s\":-1}", -2 },
		{ "{\"s\":\"-1\"}", -2 },
		{ "{\"s\":\"-0\"}", -2 },
		{ "{\"s\":\"+5\"}", -2 },
		{ "{\"s\":\"\"}", -2 },
		{ "{\"s\":\"5 \"}", -2 },
		{ "{\"s\":\"5s\"}", -2 },
		{ "{\"s\":\"0x10\"}", -2 },
		{ "{\"s\":\"1e3\"}", -2 },
		{ "{\"s\":\"abc\"}", -2 },
		{ "{\"s\":\"99999999999999999999\"}", -2 },
		{ "{\"s\":\"-99999999999999999999\"}", -2 },
		{ "{\"s\":9223372036854775807}", -2 },
		{ "{\"s\":-9223372036854775808}", -2 },
		{ "{\"s\":5.0}", -2 },
		{ "{\"s\":1.5}", -2 },
		{ "{\"s\":true}", -2 },
		{ "{\"s\":null}", -2 },
		{ "{\"s\":[5]}", -2 },
		{ "{\"s\":{}}", -2 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < NELEMS(rows); i++) {
		json_t *o = json_loads(rows[i].json, 0, NULL);
		long long got;

		ROW_CHECK(o != NULL, i, "bad JSON in the table: %s", rows[i].json);
		got = ta_response_seconds(o, "s");
		json_decref(o);
		ROW_CHECK(got == rows[i].want, i, "%s gave %lld, want %lld", rows[i].json, got,
		          rows[i].want);
	}
}

/* A numeric string is digits only: not " 5" or "\n+5", which strtoll()
 * alone would take. */
static void response_seconds_white_space(void **state)
{
	static const char *const rows[] = {
		"{\"s\":\" 5\"}",
		"{\"s\":\"\\n5\"}",
		"{\"s\":\"\\t+5\"}",
		"{\"s\":\" -0\"}",
	};
	char seen[128] = "";
	size_t i, bad = 0;

	(void)state;
	for (i = 0; i < NELEMS(rows); i++) {
		json_t *o = json_loads(rows[i], 0, NULL);
		long long got;

		assert_non_null(o);
		got = ta_response_seconds(o, "s");
		json_decref(o);
		if (got != -2) {
			size_t n = strlen(seen);
			snprintf(seen + n, sizeof(seen) - n, " row %zu -> %lld;", i, got);
			bad++;
		}
	}
	UNIT_ASSERT_MSG(bad == 0,
	               "lib/response.c ta_response_seconds() accepts leading white space:%s", seen);
}

/* ---------------------------------------------------------------------- */
/* ta_response_error */

static void response_error_table(void **state)
{
	static const struct {
		const char *json;
		size_t errlen; /* 0: no buffer */
		enum ta_result want;
		const char *error;   /* copied out, when errlen */
		const char *message; /* exactly; NULL: left as it was */
	} rows[] = {
		{ "{}", 64, TA_OK, "", NULL },
		{ "{\"access_token\":\"a\"}", 64, TA_OK, "", NULL },
		{ "{\"error\":42}", 64, TA_OK, "", NULL },
		{ "{\"error\":null,\"error_description\":\"x\"}", 64, TA_OK, "", NULL },
		{ "{\"error\":[\"invalid_grant\"]}", 64, TA_OK, "", NULL },
		{ "{\"error\":{\"code\":\"x\"}}", 0, TA_OK, NULL, NULL },
		{ "{\"error\":\"invalid_grant\"}", 64, TA_E_IDP, "invalid_grant",
		  "the IdP refused: invalid_grant" },
		{ "{\"error\":\"invalid_grant\",\"error_description\":\"code expired\"}", 0, TA_E_IDP,
		  NULL, "the IdP refused: invalid_grant (code expired)" },
		{ "{\"error\":\"access_denied\",\"error_description\":\"no\"}", 64, TA_E_DENIED,
		  "access_denied", "the IdP refused: access_denied (no)" },
		{ "{\"error\":\"access_denied \"}", 64, TA_E_IDP, "access_denied ",
		  "the IdP refused: access_denied " },
		{ "{\"error\":\"invalid_grant\",\"error_description\":42}", 64, TA_E_IDP,
		  "invalid_grant", "the IdP refused: invalid_grant" },
		{ "{\"error\":\"invalid_grant\",\"error_description\":\"a\\u001b[2J\\r\\nb\\u0007\\t\\u007f\"}",
		  64, TA_E_IDP, "invalid_grant", "the IdP refused: invalid_grant (a?[2J??b??\?)" },
		{ "{\"error\":\"bad\\u001b]2;x\\u0007\",\"error_description\":\"caf\\u00e9\"}", 64,
		  TA_E_IDP, "bad?]2;x?", "the IdP refused: bad?]2;x? (caf?\?)" },
		{ "{\"error\":\"invalid_grant\"}", 4, TA_E_IDP, "inv", "the IdP refused: invalid_grant" },
		{ "{\"error\":\"\"}", 64, TA_E_IDP, "", "the IdP refused: " },
	};
	size_t i;

	(void)state;
	for (i = 0; i < NELEMS(rows); i++) {
		json_t *o = json_loads(rows[i].json, JSON_REJECT_DUPLICATES, NULL);
		char error[64];
		struct ta_client *c;
		enum ta_result r;

		ROW_CHECK(o != NULL, i, "bad JSON in the table: %s", rows[i].json);
		assert_int_equal(ta_client_new(&c), TA_OK);
		assert_int_equal(ta_fail(c, TA_E_ARG, "before"), TA_E_ARG);
		memset(error, 0, sizeof(error));
		r = ta_response_error(c, o, rows[i].errlen ? error : NULL, rows[i].errlen);
		json_decref(o);
		ROW_CHECK(r == rows[i].want, i, "%s gave %d", rows[i].json, (int)r);
		if (rows[i].errlen)
			ROW_CHECK(!strcmp(error, rows[i].error), i, "error '%s', want '%s'", error,
			          rows[i].error);
		ROW_CHECK(!strcmp(ta_client_message(c), rows[i].message ? rows[i].message : "before"),
		          i, "message '%s'", ta_client_message(c));
		unit_check_printable(ta_client_message(c), i);
		ta_client_free(c);
	}
	/* A long description is cut, not overrun, and stays printable. */
	{
		char body[4096];
		json_t *o;
		struct ta_client *c;

		memset(body, 0, sizeof(body));
		memcpy(body, "{\"error\":\"x\",\"error_description\":\"", 34);
		memset(body + 34, 'd', 3000);
		memcpy(body + 34 + 3000, "\"}", 2);
		o = json_loads(body, 0, NULL);
		assert_non_null(o);
		assert_int_equal(ta_client_new(&c), TA_OK);
		assert_int_equal(ta_response_error(c, o, NULL, 0), TA_E_IDP);
		assert_true(strlen(ta_client_message(c)) < TA_MESSAGE_MAX);
		assert_true(strlen(ta_client_message(c)) > 100);
		unit_check_printable(ta_client_message(c), 0);
		json_decref(o);
		ta_client_free(c);
	}
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(response_seconds_table),
	cmocka_unit_test(response_seconds_white_space),
	cmocka_unit_test(response_error_table),
};

UNIT_MAIN("response", tests)
