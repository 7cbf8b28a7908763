/*
 * test_buf.c - unit tests of lib/base/buf.c's form encoding
 * (ta_buf_add_param): what is percent-encoded in a key and a value, and
 * what is not.
 */
#include "unit.h"
#include "base/buf.h"
#include "base/secret.h"

static void buf_add_param_encoding(void **state)
{
	struct ta_buf b = { 0 };

	(void)state;
	ta_buf_add_param(&b, "scope", "openid profile");
	assert_false(b.failed);
	assert_string_equal(b.data, "scope=openid%20profile");
	ta_buf_add_param(&b, "q", "a&b=c+d/e?f#g%h");
	assert_string_equal(b.data, "scope=openid%20profile&q=a%26b%3Dc%2Bd%2Fe%3Ff%23g%25h");
	ta_buf_clear(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);

	/* RFC 3986 unreserved characters are kept as they are. */
	ta_buf_add_param(&b, "k-._~", "AZaz09-._~");
	assert_string_equal(b.data, "k-._~=AZaz09-._~");
	ta_buf_clear(&b);

	/* The key is encoded too; bytes above 0x7f and controls become %XX
	 * with upper-case hex. */
	ta_buf_add_param(&b, "a b", "\xe2\x82\xac\n:");
	assert_string_equal(b.data, "a%20b=%E2%82%AC%0A%3A");
	ta_buf_clear(&b);

	/* An empty value, and growth past the first block. */
	ta_buf_add_param(&b, "empty", "");
	assert_string_equal(b.data, "empty=");
	{
		char big[1000];
		size_t i;
		memset(big, ' ', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		ta_buf_add_param(&b, "big", big);
		assert_false(b.failed);
		assert_int_equal(b.len, strlen("empty=&big=") + 3 * (sizeof(big) - 1));
		for (i = strlen("empty=&big="); i < b.len; i += 3)
			assert_memory_equal(b.data + i, "%20", 3);
		assert_int_equal(b.data[b.len], '\0');
	}
	ta_buf_clear(&b);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(buf_add_param_encoding),
};

UNIT_MAIN("buf", tests)
