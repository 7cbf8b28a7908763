/*
 * test_url.c - unit tests of lib/base/url.c (the https-or-loopback rule,
 * percent decoding) and of the loopback host test it rests on
 * (ta_host_is_loopback, lib/base/match.c).
 */
#include "unit.h"
#include "base/match.h"
#include "base/url.h"

static void host_is_loopback_table(void **state)
{
	static const struct {
		const char *host;
		int want;
	} rows[] = {
		{ "127.0.0.1", 1 },
		{ "127.1.2.3", 1 },
		{ "127.255.255.255", 1 },
		{ "[::1]", 1 },
		{ "localhost", 1 },
		{ "LOCALHOST", 1 },
		{ "LocalHost", 1 },
		{ "127.0.0.1.evil.com", 0 },
		{ "127.evil", 0 },
		{ "127.0.0.evil", 0 },
		{ "128.0.0.1", 0 },
		{ "[::2]", 0 },
		{ "[::1", 0 },
		{ "::1", 0 },
		{ "[::1]evil.com", 0 },
		{ "[::1].evil.com", 0 },
		{ "[::1]:80", 0 },
		{ "example.com", 0 },
		{ "127.0.0", 0 },
		{ "127.0.0.", 0 },
		{ "127.0.0.1.", 0 },
		{ "127.0.0.1:80", 0 },
		{ "localhost.", 0 },
		{ "localhost.evil.com", 0 },
		{ "evil-localhost", 0 },
		{ "0x7f.0.0.1", 0 },
		{ "", 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < NELEMS(rows); i++) {
		int got = ta_host_is_loopback(rows[i].host, strlen(rows[i].host));
		ROW_CHECK(got == rows[i].want, i, "'%s' gave %d", rows[i].host, got);
	}
	/* The length is honoured: a prefix of a longer string. */
	assert_true(ta_host_is_loopback("127.0.0.1:8080", 9));
	assert_true(ta_host_is_loopback("localhost/x", 9));
	assert_false(ta_host_is_loopback("127.0.0.1", 8));
}

static void url_check_table(void **state)
{
	static const struct {
		const char *url;
		enum ta_result want;
	} rows[] = {
		{ "https://x", TA_OK },
		{ "https://login.example.com/realms/a?x=1#f", TA_OK },
		{ "HTTPS://X", TA_OK },
		{ "http://127.0.0.1:8080/x", TA_OK },
		{ "http://127.0.0.1", TA_OK },
		{ "http://[::1]:9000/cb", TA_OK },
		{ "http://localhost:3000/", TA_OK },
		{ "http://example.com", TA_E_INSECURE },
		{ "http://example.com/127.0.0.1", TA_E_INSECURE },
		{ "http://127.0.0.1.evil.com/", TA_E_INSECURE },
		{ "http://127.0.0.1.nip.io:80/", TA_E_INSECURE },
		{ "ftp://x", TA_E_ARG },
		{ "file:///etc/passwd", TA_E_ARG },
		{ "javascript:alert(1)", TA_E_ARG },
		{ "x", TA_E_ARG },
		{ "", TA_E_ARG },
		{ "https://", TA_E_ARG },
		{ "http://:80/", TA_E_ARG },
		{ "http://[::1/", TA_E_ARG },
		/* After the host comes a port or the path, nothing else. */
		{ "http://[::1]evil.com/", TA_E_ARG },
		{ "http://[::1].evil.com/", TA_E_ARG },
		{ "http://[::1]:/", TA_E_ARG },
		{ "http://[::1]:123456/", TA_E_ARG },
		{ "http://[::1]:80x/", TA_E_ARG },
		{ "http://127.0.0.1:/", TA_E_ARG },
		{ "http://127.0.0.1:8080:90/", TA_E_ARG },
		{ "http://[::1]:8080/cb?x#y", TA_OK },
		{ "https://a b", TA_E_ARG },
		{ "https://x/\n", TA_E_ARG },
	};
	struct ta_client *c;
	size_t i;

	(void)state;
	assert_int_equal(ta_client_new(&c), TA_OK);
	for (i = 0; i < NELEMS(rows); i++) {
		enum ta_result r = ta_url_check(c, "endpoint", rows[i].url);
		ROW_CHECK(r == rows[i].want, i, "'%s' gave %d, want %d", rows[i].url, (int)r,
		          (int)rows[i].want);
		if (r != TA_OK)
			ROW_CHECK(strlen(ta_client_message(c)) > 0, i, "no message");
	}
	assert_int_equal(ta_url_check(c, "issuer", NULL), TA_E_ARG);
	/* The message names what was checked. */
	assert_int_equal(ta_url_check(c, "token_endpoint", "http://example.com/t"),
	                 TA_E_INSECURE);
	assert_non_null(strstr(ta_client_message(c), "token_endpoint"));
	assert_non_null(strstr(ta_client_message(c), "http://example.com/t"));
	ta_client_free(c);
}

/* Userinfo has no place in an endpoint: "http://user@127.0.0.1" must not
 * pass, nor the classic confusions of where the host is. */
static void url_check_refuses_userinfo(void **state)
{
	static const char *const refused[] = {
		"http://user@127.0.0.1",
		"http://user:pw@127.0.0.1/",
		"https://user@example.com/",
		"http://127.0.0.1@evil.com/",
		"http://127.0.0.1:80@evil.com/",
		"http://[::1]evil.com/",
		"http://[::1].evil.com/",
		"http://[::1]@evil.com/",
	};
	size_t i;

	(void)state;
	for (i = 0; i < NELEMS(refused); i++) {
		enum ta_result r = ta_url_check(NULL, "endpoint", refused[i]);
		ROW_CHECK(r != TA_OK, i, "'%s' was accepted", refused[i]);
		ROW_CHECK(!ta_url_is_loopback(refused[i]), i, "'%s' counts as loopback",
		          refused[i]);
	}
	assert_true(ta_url_is_loopback("http://127.0.0.1:1234/callback"));
	assert_true(ta_url_is_loopback("https://localhost/"));
	assert_false(ta_url_is_loopback("https://example.com/"));
}

static void url_decode_table(void **state)
{
	static const struct {
		const char *in;
		const char *want; /* NULL: refused */
	} rows[] = {
		{ "%41", "A" },
		{ "%4a%4A", "JJ" },
		{ "+", " " },
		{ "a+b%20c", "a b c" },
		{ "%2B", "+" },
		{ "%25", "%" },
		{ "", "" },
		{ "plain", "plain" },
		{ "%e2%82%ac", "\xe2\x82\xac" },
		{ "%zz", NULL },
		{ "%", NULL },
		{ "abc%", NULL },
		{ "%4", NULL },
		{ "a%4", NULL },
		{ "%00", NULL },
		{ "a%00b", NULL },
		{ "%g0", NULL },
		{ "%0g", NULL },
	};
	size_t i;

	(void)state;
	for (i = 0; i < NELEMS(rows); i++) {
		char *got = ta_url_decode(rows[i].in, strlen(rows[i].in));
		if (rows[i].want)
			ROW_CHECK(got && !strcmp(got, rows[i].want), i, "'%s' gave '%s'",
			          rows[i].in, got ? got : "(null)");
		else
			ROW_CHECK(!got, i, "'%s' was accepted as '%s'", rows[i].in, got);
		free(got);
	}
	{
		/* Only n bytes are read: "%41" cut to "%4" is a bad escape. */
		char *got = ta_url_decode("%41", 2);
		assert_null(got);
		got = ta_url_decode("ab\0cd", 2);
		assert_string_equal(got, "ab");
		free(got);
	}
}

/* ---------------------------------------------------------------------- */
/* Known bugs (see the report of the change that added them). */

/* ta_host_is_loopback takes "127." then any digits and two dots: parts
 * above 255 and empty parts pass. "127.0.0.256" is no IPv4 address, so
 * getaddrinfo (and libcurl) look it up in DNS as a name, and whoever
 * answers DNS decides where the "loopback" plain-http request goes. */
static void host_is_loopback_needs_an_address(void **state)
{
	static const char *const hosts[] = {
		"127.0.0.256", "127.0.0.1000", "127.256.0.1", "127.0.99999.1", "127.11..1",
	};
	size_t i;

	(void)state;
	for (i = 0; i < NELEMS(hosts); i++)
		ROW_CHECK(!ta_host_is_loopback(hosts[i], strlen(hosts[i])), i,
		          "'%s' counts as loopback", hosts[i]);
	assert_int_equal(ta_url_check(NULL, "token_endpoint", "http://127.0.0.256/t"),
	                 TA_E_INSECURE);
}

/* ta_host_may_be_loopback: every form that reaches this machine by its
 * address alone, and none that only looks like one. */
static void host_may_be_loopback_table(void **state)
{
	static const struct { const char *host; int near; } rows[] = {
		{ "127.0.0.1", 1 }, { "[::1]", 1 }, { "localhost", 1 }, { "127.1", 1 },
		{ "127.0.1", 1 }, { "0x7f.1", 1 }, { "0177.0.0.1", 1 }, { "2130706433", 1 },
		{ "0x7f000001", 1 }, { "0.0.0.0", 1 }, { "0", 1 }, { "[::]", 1 },
		{ "[0:0:0:0:0:0:0:1]", 1 }, { "[::ffff:127.0.0.1]", 1 }, { "[::ffff:7f00:1]", 1 },
		{ "[::127.0.0.1]", 1 }, { "localhost.", 1 }, { "LocalHost", 1 }, { "a.localhost", 1 },
		{ "a.b.localhost.", 1 }, { "%31%32%37.0.0.1", 1 }, { "%6c%6f%63alhost", 1 },
		{ "[::1%25lo]", 1 },
		{ "128.0.0.1", 0 }, { "10.0.0.1", 0 }, { "[::2]", 0 }, { "[::ffff:10.0.0.1]", 0 },
		{ "localhost.example.com", 0 }, { "notlocalhost", 0 }, { "example.com", 0 },
		{ "[fe80::1]", 0 }, { ".localhost", 0 }, { "[::1", 0 }, { "", 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < NELEMS(rows); i++)
		ROW_CHECK(ta_host_may_be_loopback(rows[i].host, strlen(rows[i].host)) == rows[i].near,
		          i, "'%s': expected %d", rows[i].host, rows[i].near);
	assert_true(ta_url_may_be_loopback("https://127.1:8443/x"));
	assert_false(ta_url_may_be_loopback("https://idp.example.com/"));
	/* Not loopback enough for plain http: the resolver, not termauth,
	 * would decide where it goes. */
	assert_int_equal(ta_url_check(NULL, "issuer", "http://a.localhost/"), TA_E_INSECURE);
}

/* A word in a command to paste is shown only when a shell takes it as it
 * is. */
static void shell_word_table(void **state)
{
	static const struct { const char *word; int shown; } rows[] = {
		{ "https://idp.example.com/realms/a-b_c.d~e", 1 },
		{ "http://127.0.0.1:8080/x?y=z%20,@+", 1 },
		{ "https://idp.example.com/x';id;'", 0 }, { "https://a/$(id)", 0 },
		{ "https://a/`id`", 0 }, { "https://a/x|sh", 0 }, { "https://a/x&y", 0 },
		{ "https://a/\"", 0 }, { "https://a/x\\y", 0 }, { "https://a/{x}", 0 },
		{ "https://a/x*", 0 }, { "https://a/!x", 0 }, { "https://a/x y", 0 },
		{ "https://a/#x", 0 }, { "https://a/<x>", 0 }, { "", 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < NELEMS(rows); i++)
		ROW_CHECK(!strcmp(ta_shell_word(rows[i].word, "URL"), rows[i].shown ? rows[i].word : "URL"),
		          i, "'%s': expected %s", rows[i].word, rows[i].shown ? "itself" : "URL");
}

/* RFC 8707 2: an absolute URI, no fragment; and nothing that could break
 * out of a form parameter or a header once it is sent. */
static void resource_ok_table(void **state)
{
	static const struct {
		const char *uri;
		int want;
	} rows[] = {
		{ "https://api.example.com/mcp", 1 },
		{ "https://api.example.com", 1 },
		{ "http://127.0.0.1:8080/b?x=1", 1 },
		{ "urn:example:api", 1 },
		{ "a+b.c-d:x", 1 },
		{ "", 0 },
		{ "api.example.com", 0 },
		{ "/relative/path", 0 },
		{ "https:", 0 },
		{ "1https://x", 0 },
		{ "https://a.example/#frag", 0 },
		{ "https://a.example/#", 0 },
		{ "https://a.example/ b", 0 },
		{ "https://a.example/\r\nX-Evil: 1", 0 },
		{ "https://a.example/\tb", 0 },
		{ "https://a.example/\x7f", 0 },
		{ "https://a.example/\xc3\xa9", 0 },
		{ ":nothing", 0 },
		{ "ht tp://x", 0 },
		{ "https://a.example/p;q=1&r=(2)*!$'", 1 },
		{ "https://[::1]:8443/%41~", 1 },
		{ "https://a.example/\"q\"", 0 },
		{ "https://a.example/<b>", 0 },
		{ "https://a.example/a\\b", 0 },
		{ "https://a.example/`id`", 0 },
		{ "https://a.example/{x}|^", 0 },
	};
	char longest[TA_RESOURCE_MAX + 2];
	size_t i;

	(void)state;
	for (i = 0; i < NELEMS(rows); i++)
		ROW_CHECK(ta_resource_ok(rows[i].uri, strlen(rows[i].uri)) == rows[i].want, i,
		          "'%s': want %d", rows[i].uri, rows[i].want);
	memcpy(longest, "https://a/", 10);
	memset(longest + 10, 'x', sizeof(longest) - 11);
	longest[sizeof(longest) - 1] = '\0';
	assert_int_equal(ta_resource_ok(longest, TA_RESOURCE_MAX), 1);
	assert_int_equal(ta_resource_ok(longest, TA_RESOURCE_MAX + 1), 0);
	/* The length given is what counts: a NUL inside is not the end. */
	assert_int_equal(ta_resource_ok("https://a/\0b", 12), 0);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(resource_ok_table),
	cmocka_unit_test(host_is_loopback_table),
	cmocka_unit_test(url_check_table),
	cmocka_unit_test(url_check_refuses_userinfo),
	cmocka_unit_test(url_decode_table),
	cmocka_unit_test(host_is_loopback_needs_an_address),
	cmocka_unit_test(host_may_be_loopback_table),
	cmocka_unit_test(shell_word_table),
};

UNIT_MAIN("url", tests)

