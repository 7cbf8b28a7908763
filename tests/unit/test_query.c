/*
 * test_query.c - unit tests of the query parser (lib/base/query.c): a
 * query string into its parameters, with its flags and its limits.
 */
#include "unit.h"
#include "base/buf.h"
#include "base/query.h"
#include "base/secret.h"

/* ---------------------------------------------------------------------- */
/* The query parser */

static void query_parse_basics(void **state)
{
	struct ta_query q;
	const char *s = "code=abc&state=x%20y&&empty=&bare&=v&";

	(void)state;
	assert_int_equal(ta_query_parse(s, strlen(s), &q), TA_OK);
	assert_false(q.malformed);
	assert_false(q.duplicated);
	/* Empty parts ("&&", the trailing '&') are skipped. */
	assert_int_equal(q.n, 5);
	assert_string_equal(ta_query_get(&q, "code"), "abc");
	assert_string_equal(ta_query_get(&q, "state"), "x y");
	assert_string_equal(ta_query_get(&q, "empty"), "");
	assert_string_equal(ta_query_get(&q, "bare"), "");
	assert_string_equal(ta_query_get(&q, ""), "v");
	assert_null(ta_query_get(&q, "missing"));
	ta_query_clear(&q);
	assert_int_equal(q.n, 0);

	assert_int_equal(ta_query_parse("", 0, &q), TA_OK);
	assert_int_equal(q.n, 0);
	assert_false(q.malformed);
	ta_query_clear(&q);

	/* Only len bytes are read. */
	assert_int_equal(ta_query_parse("a=1&b=2", 3, &q), TA_OK);
	assert_int_equal(q.n, 1);
	assert_null(ta_query_get(&q, "b"));
	ta_query_clear(&q);
}

static void query_parse_flags(void **state)
{
	static const struct {
		const char *query;
		int malformed, duplicated;
		size_t n;
	} rows[] = {
		{ "a=1&a=2", 0, 1, 2 },
		{ "a=1&b=2&a=1", 0, 1, 3 },
		{ "a%3D=1&a==2", 0, 0, 2 },       /* "a=" and "a" differ */
		{ "state=1&st%61te=2", 0, 1, 2 }, /* decoded before comparing */
		{ "a=%zz&b=2", 1, 0, 1 },
		{ "a=%00&b=2", 1, 0, 1 },
		{ "%=1", 1, 0, 0 },
		{ "a=1%", 1, 0, 0 },
		{ "a=b=c", 0, 0, 1 }, /* '=' in a value is kept */
	};
	size_t i;

	(void)state;
	for (i = 0; i < NELEMS(rows); i++) {
		struct ta_query q;
		assert_int_equal(ta_query_parse(rows[i].query, strlen(rows[i].query), &q), TA_OK);
		ROW_CHECK(q.malformed == rows[i].malformed, i, "'%s': malformed %d",
		          rows[i].query, q.malformed);
		ROW_CHECK(q.duplicated == rows[i].duplicated, i, "'%s': duplicated %d",
		          rows[i].query, q.duplicated);
		ROW_CHECK(q.n == rows[i].n, i, "'%s': n %zu", rows[i].query, q.n);
		ta_query_clear(&q);
	}
	{
		struct ta_query q;
		assert_int_equal(ta_query_parse("a=b=c", 5, &q), TA_OK);
		assert_string_equal(ta_query_get(&q, "a"), "b=c");
		ta_query_clear(&q);
	}
}

/* Builds "p0=v&p1=v&...": n parameters. */
static char *many_params(size_t n)
{
	struct ta_buf b = { 0 };
	size_t i;

	for (i = 0; i < n; i++) {
		char key[32];
		snprintf(key, sizeof(key), "p%zu", i);
		ta_buf_add_param(&b, key, "v");
	}
	if (!b.data)
		ta_buf_adds(&b, "");
	assert_false(b.failed);
	return b.data;
}

static void query_parse_limits(void **state)
{
	struct ta_query q;
	char *s = many_params(TA_QUERY_MAX_PARAMS);
	char *big;

	(void)state;
	assert_int_equal(ta_query_parse(s, strlen(s), &q), TA_OK);
	assert_int_equal(q.n, TA_QUERY_MAX_PARAMS);
	assert_false(q.malformed);
	ta_query_clear(&q);
	ta_free_secret(s);

	s = many_params(TA_QUERY_MAX_PARAMS + 1);
	assert_int_equal(ta_query_parse(s, strlen(s), &q), TA_OK);
	assert_true(q.malformed);
	assert_true(q.n <= TA_QUERY_MAX_PARAMS);
	ta_query_clear(&q);
	ta_free_secret(s);

	/* Longer than TA_QUERY_MAX_LEN. */
	big = malloc(TA_QUERY_MAX_LEN + 2);
	assert_non_null(big);
	memset(big, 'a', TA_QUERY_MAX_LEN + 1);
	big[0] = 'k';
	big[1] = '=';
	big[TA_QUERY_MAX_LEN + 1] = '\0';
	assert_int_equal(ta_query_parse(big, strlen(big), &q), TA_OK);
	assert_true(q.malformed);
	ta_query_clear(&q);
	/* Exactly TA_QUERY_MAX_LEN is still read. */
	big[TA_QUERY_MAX_LEN] = '\0';
	assert_int_equal(ta_query_parse(big, strlen(big), &q), TA_OK);
	assert_false(q.malformed);
	assert_int_equal(q.n, 1);
	ta_query_clear(&q);
	free(big);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(query_parse_basics),
	cmocka_unit_test(query_parse_flags),
	cmocka_unit_test(query_parse_limits),
};

UNIT_MAIN("query", tests)
