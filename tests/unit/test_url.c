/*
 * test_url.c - unit tests of lib/url.c (loopback hosts, the https-or-
 * loopback rule, percent decoding and encoding) and lib/callback.c (the
 * redirect's query parser and the judge that decides whether a redirect
 * ends the sign-in: RFC 9207 iss, RFC 9700 state, OAuth errors).
 */
#include "unit.h"
#include "base/buf.h"
#include "base/match.h"
#include "base/query.h"
#include "base/secret.h"
#include "base/url.h"
#include "signin/callback.h"

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

/* ---------------------------------------------------------------------- */
/* The judge */

#define STATE "S3cr3t-state_value"
#define ISSUER "https://idp.example.com"

static void callback_judge_table(void **state)
{
	static const struct {
		const char *query;
		int iss_required;
		enum ta_verdict verdict;
		enum ta_result result; /* for FAILED */
		const char *code;      /* for CODE */
		const char *why_has;   /* a piece of why, or NULL */
	} rows[] = {
		/* ours */
		{ "code=C0DE&state=" STATE, 0, TA_CALLBACK_CODE, TA_OK, "C0DE", NULL },
		{ "state=" STATE "&code=a%2Bb+c", 0, TA_CALLBACK_CODE, TA_OK, "a+b c", NULL },
		{ "code=C&state=" STATE "&iss=" ISSUER, 1, TA_CALLBACK_CODE, TA_OK, "C", NULL },
		{ "code=C&state=" STATE "&iss=https%3A%2F%2Fidp.example.com", 1,
		  TA_CALLBACK_CODE, TA_OK, "C", NULL },
		{ "code=C&state=" STATE "&iss=" ISSUER, 0, TA_CALLBACK_CODE, TA_OK, "C", NULL },
		{ "code=C&state=" STATE, 0, TA_CALLBACK_CODE, TA_OK, "C", NULL },
		/* not ours: keep waiting */
		{ "code=C&state=wrong", 0, TA_CALLBACK_IGNORED, TA_OK, NULL, "wrong state" },
		{ "code=C&state=" STATE "x", 0, TA_CALLBACK_IGNORED, TA_OK, NULL, "wrong state" },
		{ "code=C&state=", 0, TA_CALLBACK_IGNORED, TA_OK, NULL, "wrong state" },
		{ "code=C", 0, TA_CALLBACK_IGNORED, TA_OK, NULL, "without state" },
		{ "", 0, TA_CALLBACK_IGNORED, TA_OK, NULL, "without state" },
		{ "error=access_denied", 0, TA_CALLBACK_IGNORED, TA_OK, NULL, NULL },
		{ "favicon.ico", 0, TA_CALLBACK_IGNORED, TA_OK, NULL, NULL },
		/* ours, and malformed */
		{ "code=C&state=" STATE "&state=" STATE, 0, TA_CALLBACK_FAILED, TA_E_CALLBACK,
		  NULL, "repeats" },
		{ "code=C&state=" STATE "&state=evil", 0, TA_CALLBACK_FAILED, TA_E_CALLBACK,
		  NULL, "repeats" },
		{ "state=evil&code=C&state=" STATE, 0, TA_CALLBACK_FAILED, TA_E_CALLBACK,
		  NULL, "repeats" },
		{ "code=C&code=D&state=" STATE, 0, TA_CALLBACK_FAILED, TA_E_CALLBACK, NULL,
		  "repeats" },
		{ "code=C&state=" STATE "&iss=" ISSUER "&iss=" ISSUER, 1, TA_CALLBACK_FAILED,
		  TA_E_CALLBACK, NULL, "repeats" },
		{ "code=%zz&state=" STATE, 0, TA_CALLBACK_FAILED, TA_E_CALLBACK, NULL,
		  "malformed" },
		{ "code=a%00b&state=" STATE, 0, TA_CALLBACK_FAILED, TA_E_CALLBACK, NULL,
		  "malformed" },
		{ "state=" STATE, 0, TA_CALLBACK_FAILED, TA_E_CALLBACK, NULL, "no code" },
		{ "code=&state=" STATE, 0, TA_CALLBACK_FAILED, TA_E_CALLBACK, NULL, "no code" },
		/* iss (RFC 9207) */
		{ "code=C&state=" STATE "&iss=https://evil.example.com", 0, TA_CALLBACK_FAILED,
		  TA_E_ISSUER, NULL, "evil.example.com" },
		{ "code=C&state=" STATE "&iss=https://evil.example.com", 1, TA_CALLBACK_FAILED,
		  TA_E_ISSUER, NULL, "another issuer" },
		{ "code=C&state=" STATE "&iss=" ISSUER "/", 1, TA_CALLBACK_FAILED, TA_E_ISSUER,
		  NULL, NULL },
		{ "code=C&state=" STATE "&iss=", 0, TA_CALLBACK_FAILED, TA_E_ISSUER, NULL, NULL },
		{ "code=C&state=" STATE, 1, TA_CALLBACK_FAILED, TA_E_ISSUER, NULL, "lacks the iss" },
		{ "error=access_denied&state=" STATE, 1, TA_CALLBACK_FAILED, TA_E_ISSUER, NULL,
		  NULL },
		/* OAuth errors */
		{ "error=access_denied&state=" STATE, 0, TA_CALLBACK_FAILED, TA_E_DENIED, NULL,
		  "access_denied" },
		{ "error=access_denied&error_description=The+user+said+no&state=" STATE, 0,
		  TA_CALLBACK_FAILED, TA_E_DENIED, NULL, "access_denied: The user said no" },
		{ "error=server_error&state=" STATE, 0, TA_CALLBACK_FAILED, TA_E_IDP, NULL,
		  "server_error" },
		{ "error=invalid_scope&error_description=bad&state=" STATE "&iss=" ISSUER, 1,
		  TA_CALLBACK_FAILED, TA_E_IDP, NULL, "invalid_scope: bad" },
		{ "error=server_error&code=C&state=" STATE, 0, TA_CALLBACK_FAILED, TA_E_IDP, NULL,
		  "server_error" },
		{ "error=access_denied&error_description=%1b%5b31mred%07%0a&state=" STATE, 0,
		  TA_CALLBACK_FAILED, TA_E_DENIED, NULL, "access_denied: ?[31mred??" },
		{ "error=%1b]0;title%07&state=" STATE, 0, TA_CALLBACK_FAILED, TA_E_IDP, NULL,
		  "?]0;title?" },
		{ "error=x&error_description=%c3%a9&state=" STATE, 0, TA_CALLBACK_FAILED,
		  TA_E_IDP, NULL, "x: ??" },
	};
	const struct ta_expect e = { STATE, ISSUER, 0 };
	size_t i;

	(void)state;
	for (i = 0; i < NELEMS(rows); i++) {
		struct ta_expect ex = e;
		struct ta_outcome out;
		size_t k;

		ex.iss_required = rows[i].iss_required;
		memset(&out, 0x5a, sizeof(out));
		ta_callback_judge(rows[i].query, strlen(rows[i].query), &ex, &out);
		ROW_CHECK(out.verdict == rows[i].verdict, i, "'%s': verdict %d, want %d (%s)",
		          rows[i].query, (int)out.verdict, (int)rows[i].verdict, out.why);
		if (rows[i].verdict == TA_CALLBACK_FAILED)
			ROW_CHECK(out.result == rows[i].result, i, "'%s': result %d, want %d (%s)",
			          rows[i].query, (int)out.result, (int)rows[i].result, out.why);
		if (rows[i].verdict == TA_CALLBACK_CODE)
			ROW_CHECK(out.code && !strcmp(out.code, rows[i].code), i,
			          "'%s': code '%s'", rows[i].query, out.code ? out.code : "(null)");
		else
			ROW_CHECK(out.code == NULL, i, "'%s': a code without a CODE verdict",
			          rows[i].query);
		if (rows[i].verdict != TA_CALLBACK_CODE)
			ROW_CHECK(out.why[0] != '\0', i, "'%s': no why", rows[i].query);
		if (rows[i].why_has)
			ROW_CHECK(strstr(out.why, rows[i].why_has) != NULL, i,
			          "'%s': why '%s' lacks '%s'", rows[i].query, out.why,
			          rows[i].why_has);
		/* why is one line of printable text, and never holds our state. */
		for (k = 0; out.why[k]; k++)
			ROW_CHECK(out.why[k] >= 0x20 && out.why[k] < 0x7f, i,
			          "'%s': why holds byte 0x%02x", rows[i].query,
			          (unsigned char)out.why[k]);
		ROW_CHECK(strstr(out.why, STATE) == NULL, i, "'%s': why shows the state",
		          rows[i].query);
		ta_free_secret(out.code);
	}
}

/* The reason shown for a long error_description stays within why. */
static void callback_judge_long_description(void **state)
{
	const struct ta_expect e = { STATE, ISSUER, 0 };
	struct ta_outcome out;
	char query[2048];
	int n;

	(void)state;
	n = snprintf(query, sizeof(query), "state=%s&error=server_error&error_description=", STATE);
	assert_true(n > 0);
	memset(query + n, 'x', sizeof(query) - (size_t)n - 1);
	query[sizeof(query) - 1] = '\0';
	ta_callback_judge(query, strlen(query), &e, &out);
	assert_int_equal(out.verdict, TA_CALLBACK_FAILED);
	assert_int_equal(out.result, TA_E_IDP);
	assert_true(strlen(out.why) < sizeof(out.why));
	assert_non_null(strstr(out.why, "server_error: xxx"));
}

static void callback_paste_query_table(void **state)
{
	static const char redirect[] = "http://127.0.0.1:1234/callback";
	static const struct {
		const char *line;
		int want;
		const char *query; /* what query and len must give */
	} rows[] = {
		{ "http://127.0.0.1:1234/callback?code=C&state=S", 0, "code=C&state=S" },
		{ "http://127.0.0.1:1234/callback?code=C&state=S#frag", 0, "code=C&state=S" },
		{ "http://127.0.0.1:1234/callback?code=C#a?b", 0, "code=C" },
		{ "http://127.0.0.1:1234/callback?code=C\r\n", 0, "code=C" },
		{ "http://127.0.0.1:1234/callback?", 0, "" },
		{ "http://127.0.0.1:1234/callbackX?code=C&state=S", -1, NULL },
		{ "http://127.0.0.1:1234/callback/?code=C", -1, NULL },
		{ "http://127.0.0.1:1234/callback", -1, NULL },
		{ "http://127.0.0.1:1234/callback#?code=C", -1, NULL },
		{ "http://127.0.0.1:4321/callback?code=C", -1, NULL },
		{ "http://localhost:1234/callback?code=C", -1, NULL },
		{ "https://evil.example.com/?u=http://127.0.0.1:1234/callback?code=C", -1, NULL },
		{ " http://127.0.0.1:1234/callback?code=C", -1, NULL },
		{ "code=C&state=S", -1, NULL },
		{ "", -1, NULL },
	};
	size_t i;

	(void)state;
	for (i = 0; i < NELEMS(rows); i++) {
		const char *q = NULL;
		size_t len = 12345;
		int got = ta_callback_paste_query(rows[i].line, redirect, &q, &len);
		ROW_CHECK(got == rows[i].want, i, "'%s' gave %d", rows[i].line, got);
		if (rows[i].want == 0)
			ROW_CHECK(q && len == strlen(rows[i].query) &&
			          !memcmp(q, rows[i].query, len), i, "'%s': query '%.*s'",
			          rows[i].line, q ? (int)len : 0, q ? q : "");
	}
}

static void callback_page_escapes(void **state)
{
	char *page;

	(void)state;
	page = ta_callback_page(0, "<script>alert('x')</script> & \"q\"");
	assert_non_null(page);
	assert_null(strstr(page, "<script>"));
	assert_null(strstr(page, "alert('x')"));
	assert_non_null(strstr(page, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"));
	assert_non_null(strstr(page, "Sign-in failed"));
	free(page);

	page = ta_callback_page(1, "<script>");
	assert_non_null(page);
	assert_non_null(strstr(page, "Signed in"));
	assert_null(strstr(page, "<script>"));
	assert_null(strstr(page, "failed"));
	free(page);

	page = ta_callback_page(0, NULL);
	assert_non_null(page);
	assert_non_null(strstr(page, "Sign-in failed"));
	free(page);
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

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(host_is_loopback_table),
	cmocka_unit_test(url_check_table),
	cmocka_unit_test(url_check_refuses_userinfo),
	cmocka_unit_test(url_decode_table),
	cmocka_unit_test(buf_add_param_encoding),
	cmocka_unit_test(query_parse_basics),
	cmocka_unit_test(query_parse_flags),
	cmocka_unit_test(query_parse_limits),
	cmocka_unit_test(callback_judge_table),
	cmocka_unit_test(callback_judge_long_description),
	cmocka_unit_test(callback_paste_query_table),
	cmocka_unit_test(callback_page_escapes),
	cmocka_unit_test(host_is_loopback_needs_an_address),
};

UNIT_MAIN("url", tests)
