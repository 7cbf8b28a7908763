/*
 * test_client.c - unit tests of a handle's options (lib/profile/client.c):
 * the defaults, and what ta_client_set takes and refuses.
 */
#include "unit.h"
#include "base/result.h"

static void client_defaults(void **state)
{
	struct ta_client *c;

	(void)state;
	assert_int_equal(ta_client_new(&c), TA_OK);
	assert_null(ta_client_get(c, TA_OPT_ISSUER));
	assert_null(ta_client_get(c, TA_OPT_CLIENT_ID));
	assert_null(ta_client_get(c, TA_OPT_SCOPES));
	assert_null(ta_client_get(c, TA_OPT_FLOW));
	assert_null(ta_client_get(c, TA_OPT_BROWSER));
	assert_int_equal(c->port, 0);
	assert_int_equal(c->timeout, 0); /* unset: each flow has its own */
	assert_int_equal(c->http_timeout, 30);
	assert_int_equal(c->paste_fd, -1);
	ta_client_set_paste_fd(c, 0);
	assert_int_equal(c->paste_fd, 0);
	ta_client_free(c);
}

static void client_set_table(void **state)
{
	static const struct {
		enum ta_option opt;
		const char *value;
		enum ta_result want;
	} rows[] = {
		{ TA_OPT_PORT, "8080", TA_OK },
		{ TA_OPT_PORT, "0", TA_OK },
		{ TA_OPT_PORT, "65535", TA_OK },
		{ TA_OPT_PORT, "65536", TA_E_ARG },
		{ TA_OPT_PORT, "70000", TA_E_ARG },
		{ TA_OPT_PORT, "-1", TA_E_ARG },
		{ TA_OPT_PORT, "abc", TA_E_ARG },
		{ TA_OPT_PORT, "80x", TA_E_ARG },
		{ TA_OPT_PORT, "", TA_E_ARG },
		{ TA_OPT_PORT, "99999999999999999999", TA_E_ARG },
		{ TA_OPT_TIMEOUT, "1", TA_OK },
		{ TA_OPT_TIMEOUT, "86400", TA_OK },
		{ TA_OPT_TIMEOUT, "0", TA_E_ARG },
		{ TA_OPT_TIMEOUT, "86401", TA_E_ARG },
		{ TA_OPT_TIMEOUT, "1.5", TA_E_ARG },
		{ TA_OPT_HTTP_TIMEOUT, "30", TA_OK },
		{ TA_OPT_HTTP_TIMEOUT, "0", TA_E_ARG },
		{ TA_OPT_HTTP_TIMEOUT, "3601", TA_E_ARG },
		{ TA_OPT_FLOW, "browser", TA_OK },
		{ TA_OPT_FLOW, "paste", TA_OK },
		{ TA_OPT_FLOW, "device", TA_OK },
		{ TA_OPT_FLOW, "auto", TA_OK },
		{ TA_OPT_FLOW, "qr", TA_E_ARG },
		{ TA_OPT_PROVIDER, "github", TA_OK },
		{ TA_OPT_PROVIDER, "google", TA_OK },
		{ TA_OPT_PROVIDER, "microsoft", TA_OK },
		{ TA_OPT_PROVIDER, "gitlab", TA_OK },
		{ TA_OPT_PROVIDER, "GitHub", TA_E_ARG },
		{ TA_OPT_PROVIDER, "bitbucket", TA_E_ARG },
		{ TA_OPT_TOKEN_ENDPOINT, "https://idp.example/token", TA_OK },
		{ TA_OPT_DEVICE_ENDPOINT, "https://idp.example/device", TA_OK },
		{ TA_OPT_AUTHORIZATION_ENDPOINT, "https://idp.example/authorize", TA_OK },
		{ TA_OPT_CLIENT_SECRET, "not-really-secret", TA_OK },
		{ TA_OPT_TENANT, "contoso", TA_OK },
		{ TA_OPT_FLOW, "Browser", TA_E_ARG },
		{ TA_OPT_FLOW, "", TA_E_ARG },
		{ TA_OPT_ISSUER, "https://idp.example.com", TA_OK },
		{ TA_OPT_ISSUER, "https://x\nHost: evil", TA_E_ARG },
		{ TA_OPT_CLIENT_ID, "termauth", TA_OK },
		{ TA_OPT_SCOPES, "openid profile", TA_OK },
		{ TA_OPT_BROWSER, "firefox --new-window", TA_OK },
		{ (enum ta_option)0, "x", TA_E_ARG },
		{ (enum ta_option)99, "x", TA_E_ARG },
	};
	size_t i;

	(void)state;
	for (i = 0; i < NELEMS(rows); i++) {
		struct ta_client *c;
		enum ta_result r;
		assert_int_equal(ta_client_new(&c), TA_OK);
		r = ta_client_set(c, rows[i].opt, rows[i].value);
		ROW_CHECK(r == rows[i].want, i, "option %d '%s' gave %d", (int)rows[i].opt,
		          rows[i].value, (int)r);
		if (r != TA_OK)
			ROW_CHECK(ta_client_message(c)[0] != '\0', i, "no message");
		else
			ROW_CHECK(ta_client_message(c)[0] == '\0', i, "a message on success");
		ta_client_free(c);
	}
}

static void client_set_values_and_defaults(void **state)
{
	struct ta_client *c;

	(void)state;
	assert_int_equal(ta_client_new(&c), TA_OK);
	assert_int_equal(ta_client_set(c, TA_OPT_PORT, "8080"), TA_OK);
	assert_int_equal(c->port, 8080);
	/* A refused value leaves the old one. */
	assert_int_equal(ta_client_set(c, TA_OPT_PORT, "70000"), TA_E_ARG);
	assert_int_equal(c->port, 8080);
	assert_int_equal(ta_client_set(c, TA_OPT_TIMEOUT, "60"), TA_OK);
	assert_int_equal(ta_client_set(c, TA_OPT_TIMEOUT, "0"), TA_E_ARG);
	assert_int_equal(c->timeout, 60);
	assert_int_equal(ta_client_set(c, TA_OPT_HTTP_TIMEOUT, "5"), TA_OK);
	assert_int_equal(c->http_timeout, 5);
	assert_int_equal(ta_client_set(c, TA_OPT_FLOW, "paste"), TA_OK);
	assert_int_equal(ta_client_set(c, TA_OPT_FLOW, "carrier-pigeon"), TA_E_ARG);
	assert_string_equal(ta_client_get(c, TA_OPT_FLOW), "paste");
	assert_int_equal(ta_client_set(c, TA_OPT_ISSUER, "https://a"), TA_OK);
	assert_int_equal(ta_client_set(c, TA_OPT_ISSUER, "https://b"), TA_OK);
	assert_string_equal(ta_client_get(c, TA_OPT_ISSUER), "https://b");
	assert_int_equal(ta_client_set(c, TA_OPT_ISSUER, "https://c\n"), TA_E_ARG);
	assert_string_equal(ta_client_get(c, TA_OPT_ISSUER), "https://b");
	/* The value is copied. */
	{
		char scopes[] = "openid";
		assert_int_equal(ta_client_set(c, TA_OPT_SCOPES, scopes), TA_OK);
		scopes[0] = 'X';
		assert_string_equal(ta_client_get(c, TA_OPT_SCOPES), "openid");
	}
	/* NULL restores the default. */
	assert_int_equal(ta_client_set(c, TA_OPT_PORT, NULL), TA_OK);
	assert_int_equal(c->port, 0);
	assert_int_equal(ta_client_set(c, TA_OPT_TIMEOUT, NULL), TA_OK);
	assert_int_equal(c->timeout, 0); /* unset: each flow has its own */
	assert_int_equal(ta_client_set(c, TA_OPT_HTTP_TIMEOUT, NULL), TA_OK);
	assert_int_equal(c->http_timeout, 30);
	assert_int_equal(ta_client_set(c, TA_OPT_ISSUER, NULL), TA_OK);
	assert_null(ta_client_get(c, TA_OPT_ISSUER));
	assert_int_equal(ta_client_set(c, TA_OPT_FLOW, NULL), TA_OK);
	assert_null(ta_client_get(c, TA_OPT_FLOW));
	/* Not string options. */
	assert_null(ta_client_get(c, TA_OPT_PORT));
	assert_null(ta_client_get(c, TA_OPT_TIMEOUT));
	ta_client_free(c);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(client_defaults),
	cmocka_unit_test(client_set_table),
	cmocka_unit_test(client_set_values_and_defaults),
};

UNIT_MAIN("client", tests)
