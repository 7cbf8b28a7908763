/*
 * test_json_scan.c - unit tests of the JSON scanner JWTs are read with
 * (lib/jose/json_scan.c), held to jansson's answers and to the shapes a
 * payload may have.
 */
#include <jansson.h>
#include "unit.h"
#include "jose/json_scan.h"

/* The payload's parser (claims.c) takes exactly what jansson takes as an
 * object with JSON_REJECT_DUPLICATES, less any text with a NUL byte
 * (RFC 8259 allows none; jansson drops one right after a number or a
 * literal): each row is put to both. The same rule as fuzz_jwt's. */
static void payload_parser_agrees_with_jansson(void **state)
{
	static const struct {
		const char *json;
		size_t len; /* 0: strlen */
		const char *why;
	} rows[] = {
		{ "{}", 0, NULL },
		{ " \t\r\n{ \"a\" : [ 1 , -0 , 0.5 , -1.5e-3 , 1E+2 , true , false , null , \"\" ] } \n", 0, NULL },
		{ "{\"a\":{\"b\":{\"c\":[[],{}]}}}", 0, NULL },
		{ "{\"a\":-9223372036854775808,\"b\":9223372036854775807}", 0, NULL },
		{ "{\"a\":-9223372036854775809}", 0, "the payload is not JSON: an integer out of range at byte 5" },
		{ "{\"a\":9223372036854775808}", 0, "the payload is not JSON: an integer out of range at byte 5" },
		{ "{\"a\":1e-400}", 0, NULL },
		{ "{\"a\":1e400}", 0, "the payload is not JSON: a number out of range at byte 5" },
		{ "{\"a\":-1e400}", 0, "the payload is not JSON: a number out of range at byte 5" },
		{ "{\"a\":1.}", 0, "the payload is not JSON: a bad number at byte 5" },
		{ "{\"a\":.5}", 0, "the payload is not JSON: bad syntax at byte 5" },
		{ "{\"a\":01}", 0, "the payload is not JSON: bad syntax at byte 6" },
		{ "{\"a\":+1}", 0, "the payload is not JSON: bad syntax at byte 5" },
		{ "{\"a\":1e}", 0, "the payload is not JSON: a bad number at byte 5" },
		{ "{\"a\":-}", 0, "the payload is not JSON: a bad number at byte 5" },
		{ "{\"a\":\"\\ud83d\\ude00\\u00e9\\/\\b\\f\\n\\r\\t\\\"\\\\\"}", 0, NULL },
		{ "{\"a\":\"\\ud800\"}", 0, "the payload is not JSON: a lone surrogate at byte 6" },
		{ "{\"a\":\"\\udc00\"}", 0, "the payload is not JSON: a lone surrogate at byte 6" },
		{ "{\"a\":\"\\ud800\\u0041\"}", 0, "the payload is not JSON: a lone surrogate at byte 6" },
		{ "{\"a\":\"\\u0000\"}", 0, "the payload is not JSON: \\u0000 at byte 6" },
		{ "{\"a\":\"\\x\"}", 0, "the payload is not JSON: a bad escape at byte 6" },
		{ "{\"a\":\"\\u12\"}", 0, "the payload is not JSON: a bad escape at byte 6" },
		{ "{\"a\":\"\x7f \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"}", 0, NULL },
		{ "{\"a\":\"\xc0\x80\"}", 0, "the payload is not JSON: invalid UTF-8 at byte 6" },
		{ "{\"a\":\"\xed\xa0\x80\"}", 0, "the payload is not JSON: invalid UTF-8 at byte 6" },
		{ "{\"a\":\"\xf4\x90\x80\x80\"}", 0, "the payload is not JSON: invalid UTF-8 at byte 6" },
		{ "{\"a\":\"\xe2\x82\"}", 0, "the payload is not JSON: invalid UTF-8 at byte 6" },
		{ "{\"a\":\"\x80\"}", 0, "the payload is not JSON: invalid UTF-8 at byte 6" },
		{ "{\"a\":\"\t\"}", 0, "the payload is not JSON: a control character in a string at byte 6" },
		{ "{\"a\":\"x}", 0, "the payload is not JSON: an unterminated string at byte 8" },
		{ "{\"a\":1}\x00", 8, "the payload is not JSON: text after the end at byte 7" },
		/* jansson takes these two, dropping the NUL: not JSON all the same */
		{ "{\"a\":1\x00}", 8, "the payload is not JSON: bad syntax at byte 6" },
		{ "{\"a\":true\x00}", 11, "the payload is not JSON: bad syntax at byte 9" },
		{ "{\"a\":1} x", 0, "the payload is not JSON: text after the end at byte 8" },
		{ "{\"a\":1,}", 0, "the payload is not JSON: bad syntax at byte 7" },
		{ "{\"a\":[1,]}", 0, "the payload is not JSON: bad syntax at byte 8" },
		{ "{\"a\":tru}", 0, "the payload is not JSON: bad syntax at byte 5" },
		{ "{\"a\" 1}", 0, "the payload is not JSON: bad syntax at byte 5" },
		{ "{1:2}", 0, "the payload is not JSON: bad syntax at byte 1" },
		{ "\xef\xbb\xbf{}", 0, "the payload is not JSON: bad syntax at byte 0" },
		{ "", 0, "the payload is not JSON: bad syntax at byte 0" },
		{ "[1]", 0, "the payload is not a JSON object" },
		{ "\"x\"", 0, "the payload is not a JSON object" },
		{ "{\"a\":1,\"b\":2,\"a\":3}", 0, "the payload is not JSON: member 'a' twice" },
		{ "{\"\\u0061\":1,\"a\":2}", 0, "the payload is not JSON: member 'a' twice" },
		{ "{\"x\":{\"a\":1,\"a\":1}}", 0, "the payload is not JSON: member 'a' twice" },
		{ "{\"a\":1,\"A\":2,\"a \":3,\"\":4}", 0, NULL },
		{ "{\"\":1,\"\":2}", 0, "the payload is not JSON: member '' twice" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < NELEMS(rows); i++) {
		size_t n = rows[i].len ? rows[i].len : strlen(rows[i].json);
		json_t *j = json_loadb(rows[i].json, n, JSON_REJECT_DUPLICATES, NULL);
		char why[200] = "";
		int ours = ta_json_object_check((const unsigned char *)rows[i].json, n, why, sizeof(why));

		int strict = j && json_is_object(j) && !memchr(rows[i].json, 0, n);

		ROW_CHECK((ours == 0) == strict, i, "ours %d, jansson %s: '%s'", ours,
		          j ? "takes it" : "refuses it", why);
		ROW_CHECK(rows[i].why ? !strcmp(why, rows[i].why) : ours == 0, i, "'%s'", why);
		json_decref(j);
	}
}

/* Generated shapes, each put to both parsers: many members (the sorted
 * duplicates check), deep nesting up to jansson's limit. */
static void payload_parser_shapes(void **state)
{
	size_t cap = 64 * 1024, n, i, depth;
	char *buf = malloc(cap), why[200];
	json_t *j;
	int ours;

	(void)state;
	assert_non_null(buf);
	for (i = 0; i < 2; i++) {
		/* 500 members, the last one a duplicate of the 250th when i is 1 */
		size_t k;
		n = (size_t)snprintf(buf, cap, "{");
		for (k = 0; k < 500; k++)
			n += (size_t)snprintf(buf + n, cap - n, "%s\"m%zu\":%zu", k ? "," : "",
			                      i && k == 499 ? (size_t)250 : k, k);
		n += (size_t)snprintf(buf + n, cap - n, "}");
		j = json_loadb(buf, n, JSON_REJECT_DUPLICATES, NULL);
		ours = ta_json_object_check((const unsigned char *)buf, n, why, sizeof(why));
		ROW_CHECK((ours == 0) == (j != NULL), i, "500 members: ours %d '%s'", ours, why);
		ROW_CHECK(!i || !strcmp(why, "the payload is not JSON: member 'm250' twice"), i, "'%s'",
		          why);
		json_decref(j);
	}
	for (depth = 2045; depth <= 2050; depth++)
		for (i = 0; i < 2; i++) {
			/* {"a": [[...[ (1) ]...]]}: depth counts the object too */
			size_t k;
			n = (size_t)snprintf(buf, cap, "{\"a\":");
			for (k = 1; k < depth; k++)
				buf[n++] = '[';
			if (i)
				buf[n++] = '1';
			for (k = 1; k < depth; k++)
				buf[n++] = ']';
			buf[n++] = '}';
			j = json_loadb(buf, n, JSON_REJECT_DUPLICATES, NULL);
			ours = ta_json_object_check((const unsigned char *)buf, n, why, sizeof(why));
			ROW_CHECK((ours == 0) == (j != NULL), depth, "depth %zu+%zu: ours %d '%s'", depth, i,
			          ours, why);
			json_decref(j);
		}
	free(buf);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(payload_parser_agrees_with_jansson),
	cmocka_unit_test(payload_parser_shapes),
};

UNIT_MAIN("json_scan", tests)
