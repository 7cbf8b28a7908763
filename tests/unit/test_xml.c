/*
 * test_xml.c - unit tests of lib/base/xml.c, the strict reader of STS's
 * XML answers: what it reads (leaves by path, entities decoded) and each
 * kind of document it refuses.
 */
#include "unit.h"
#include "base/xml.h"

static void reads_leaves(void **state)
{
	static const char doc[] =
		"\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<R xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n"
		"  <A><B>one &amp; &lt;two&gt; &quot;&apos;</B><C attr='x'>&#65;&#x42;&#xe9;</C></A>\n"
		"  <Empty/><Void></Void>\n"
		"  <U>caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x91</U>\n"
		"</R>\n";
	struct ta_xml x;

	(void)state;
	assert_int_equal(ta_xml_parse(doc, strlen(doc), &x), TA_OK);
	assert_int_equal(x.n, 7); /* five leaves, and R/A and R, which have children */
	assert_string_equal(ta_xml_get(&x, "R/A/B"), "one & <two> \"'");
	assert_string_equal(ta_xml_get(&x, "R/A/C"), "AB\xc3\xa9");
	assert_string_equal(ta_xml_get(&x, "R/Empty"), "");
	assert_string_equal(ta_xml_get(&x, "R/Void"), "");
	assert_string_equal(ta_xml_get(&x, "R/U"), "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x91");
	assert_null(ta_xml_get(&x, "R/A"));
	assert_null(ta_xml_get(&x, "R"));
	ta_xml_clear(&x);
	assert_int_equal(x.n, 0);
	/* A lone root leaf, no declaration. */
	assert_int_equal(ta_xml_parse("<R>t</R>", 8, &x), TA_OK);
	assert_string_equal(ta_xml_get(&x, "R"), "t");
	ta_xml_clear(&x);
}

static void refuses(void **state)
{
	static const char *const docs[] = {
		"",
		"   ",
		"text",
		"<R>",
		"<R></S>",
		"<R><A></R></A>",
		"<R>a<A/></R>",           /* text beside a child */
		"<R><A/>b</R>",
		"<R><A>1</A><A>2</A></R>", /* a path twice */
		"<R><A><B>1</B></A><A><C>2</C></A></R>", /* an element twice, unlike leaves */
		"<R><A><B>1</B></A><A/></R>",
		"<R/><R/>",                /* two roots */
		"<R/>junk",
		"<!DOCTYPE R><R/>",
		"<R><!-- c --></R>",
		"<R><![CDATA[x]]></R>",
		"<R><?pi x?></R>",
		"<?xml version='1.0'?><?xml version='1.0'?><R/>",
		"<R>&unknown;</R>",
		"<R>&amp</R>",
		"<R>&#0;</R>",
		"<R>&#x1;</R>",
		"<R>&#xD800;</R>",
		"<R>&#x110000;</R>",
		"<R>&#;</R>",
		"<R>&#x;</R>",
		"<R>&#12a;</R>",
		"<R>\x01</R>",
		"<R>\x7f\x80</R>",          /* a bare continuation byte */
		"<R>\xc0\xaf</R>",          /* overlong */
		"<R>\xed\xa0\x80</R>",      /* a surrogate */
		"<R>\xf4\x90\x80\x80</R>",  /* past U+10FFFF */
		"<R>\xe2\x82</R>",          /* cut short */
		"<R a=b/>",                 /* unquoted attribute */
		"<R a=\"b\"c=\"d\"/>",      /* no space between attributes */
		"<R a=\"<\"/>",
		"<R a=\"&bad;\"/>",
		"<1R/>",
		"< R/>",
		"<R></ R>",
	};
	struct ta_xml x;
	size_t i;

	(void)state;
	for (i = 0; i < NELEMS(docs); i++) {
		enum ta_result r = ta_xml_parse(docs[i], strlen(docs[i]), &x);
		ROW_CHECK(r == TA_E_PROTOCOL, i, "'%s' gave %d", docs[i], (int)r);
		ROW_CHECK(x.n == 0, i, "'%s' left %zu leaves", docs[i], x.n);
	}
	/* A NUL inside is a control character, not an end. */
	assert_int_equal(ta_xml_parse("<R>a\0b</R>", 10, &x), TA_E_PROTOCOL);
}

static void bounded(void **state)
{
	char deep[512] = "", *big;
	struct ta_xml x;
	size_t i, n = 0;

	(void)state;
	/* TA_XML_MAX_DEPTH levels read; one more refused. */
	for (i = 0; i < TA_XML_MAX_DEPTH; i++)
		n += (size_t)snprintf(deep + n, sizeof(deep) - n, "<a%zu>", i);
	for (i = TA_XML_MAX_DEPTH; i-- > 0;)
		n += (size_t)snprintf(deep + n, sizeof(deep) - n, "</a%zu>", i);
	assert_int_equal(ta_xml_parse(deep, n, &x), TA_OK);
	ta_xml_clear(&x);
	n = 0;
	for (i = 0; i <= TA_XML_MAX_DEPTH; i++)
		n += (size_t)snprintf(deep + n, sizeof(deep) - n, "<a%zu>", i);
	for (i = TA_XML_MAX_DEPTH + 1; i-- > 0;)
		n += (size_t)snprintf(deep + n, sizeof(deep) - n, "</a%zu>", i);
	assert_int_equal(ta_xml_parse(deep, n, &x), TA_E_PROTOCOL);
	/* Too many leaves; too long a name; too large a document. */
	big = calloc(1, TA_XML_MAX_LEN + 2);
	assert_non_null(big);
	n = (size_t)snprintf(big, TA_XML_MAX_LEN, "<R>");
	for (i = 0; i <= TA_XML_MAX_LEAVES; i++)
		n += (size_t)snprintf(big + n, TA_XML_MAX_LEN - n, "<L%zu/>", i);
	n += (size_t)snprintf(big + n, TA_XML_MAX_LEN - n, "</R>");
	assert_int_equal(ta_xml_parse(big, n, &x), TA_E_PROTOCOL);
	memset(big, 'a', 70);
	big[0] = '<';
	memcpy(big + 70, "/>", 3);
	assert_int_equal(ta_xml_parse(big, 72, &x), TA_E_PROTOCOL);
	memset(big, ' ', TA_XML_MAX_LEN + 1);
	memcpy(big, "<R/>", 4);
	assert_int_equal(ta_xml_parse(big, TA_XML_MAX_LEN + 1, &x), TA_E_TOO_LARGE);
	free(big);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(reads_leaves),
	cmocka_unit_test(refuses),
	cmocka_unit_test(bounded),
};

UNIT_MAIN("xml", tests)
