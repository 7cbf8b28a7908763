/*
 * test_resource.c - unit tests of lib/session/resource.c's judgement of a
 * token an IdP gave for a resource (RFC 8707): a JWT whose aud does not
 * name the resource was given by an IdP that ignored the indicator.
 */
#include "unit.h"
#include "base/base64url.h"
#include "session/session.h"

/* "h.<payload in base64url>.s" in buf. */
static const char *jwt_with(const char *payload, char *buf, size_t cap)
{
	size_t n = strlen(payload);

	assert_true(4 + ta_b64url_encoded_len(n) + 1 <= cap);
	memcpy(buf, "h.", 2);
	ta_b64url_encode((const unsigned char *)payload, n, buf + 2);
	memcpy(buf + 2 + ta_b64url_encoded_len(n), ".s", 3);
	return buf;
}

static void ignored_table(void **state)
{
	static const struct {
		const char *payload; /* NULL: the token is opaque */
		int ignored;
		const char *shown;
	} rows[] = {
		{ NULL, 0, "" },
		{ "{\"aud\":\"https://api.example/mcp\"}", 0, "" },
		{ "{\"aud\":[\"x\",\"https://api.example/mcp\"]}", 0, "" },
		{ "{\"sub\":\"no aud\"}", 0, "" },
		{ "not json", 0, "" },
		{ "[\"aud\"]", 0, "" },
		{ "{\"aud\":\"https://other.example/\"}", 1, "https://other.example/" },
		{ "{\"aud\":\"https://api.example/mcp/\"}", 1, "https://api.example/mcp/" },
		{ "{\"aud\":[\"a\",\"b\"]}", 1, "a" },
		{ "{\"aud\":[]}", 1, "no audience" },
		{ "{\"aud\":7}", 1, "an audience that is not a string" },
		{ "{\"aud\":\"\\u001b[31mevil\"}", 1, "?[31mevil" },
	};
	char buf[512], shown[64];
	size_t i;

	(void)state;
	for (i = 0; i < NELEMS(rows); i++) {
		const char *t = rows[i].payload ? jwt_with(rows[i].payload, buf, sizeof(buf))
		                                : "opaque-token-value";
		int got = ta_resource_token_ignored(t, "https://api.example/mcp", shown, sizeof(shown));
		ROW_CHECK(got == rows[i].ignored, i, "ignored %d, want %d", got, rows[i].ignored);
		ROW_CHECK(!strcmp(shown, rows[i].shown), i, "shown '%s', want '%s'", shown,
		          rows[i].shown);
	}
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(ignored_table),
};

UNIT_MAIN("resource", tests)
