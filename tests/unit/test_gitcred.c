/*
 * test_gitcred.c - unit tests of src/gitcred.c: the parser of what git
 * writes on a credential helper's standard input (gitcredentials(7):
 * "key=value" lines up to an empty line or the end) and gitcred_secure(),
 * which lets a token go only over https, or over http to a loopback host
 * (127.0.0.0/8, [::1], localhost, each with an optional ":port").
 * gitcred.c is in both executables, not in the library: CMake compiles it
 * into this program.
 */
#include "unit.h"
#include "gitcred.h"
#include "base/match.h"

/* A string literal and its length, NUL bytes inside included. */
#define IN(s) s, sizeof(s) - 1

/* Every field NULL: what the parser leaves on any error. */
static int all_null(const struct gitcred *g)
{
	return !g->protocol && !g->host && !g->path && !g->username && !g->password;
}

static int same(const char *got, const char *want)
{
	return (!got && !want) || (got && want && !strcmp(got, want));
}

static const char *show(const char *s)
{
	return s ? s : "(null)";
}

static void parse_table(void **state)
{
	static const struct {
		const char *in;
		size_t len;
		enum ta_result want;
		const char *protocol, *host, *path, *username, *password;
	} rows[] = {
		/* What git writes to a helper, ended by EOF (no empty line). */
		{ IN("protocol=https\nhost=git.example.com\n"), TA_OK,
		  "https", "git.example.com", NULL, NULL, NULL },
		{ IN("protocol=https\nhost=git.example.com:8443\npath=org/repo.git\n"), TA_OK,
		  "https", "git.example.com:8443", "org/repo.git", NULL, NULL },
		/* git 2.46 and later: capabilities first, wwwauth[] last. */
		{ IN("capability[]=authtype\ncapability[]=state\nprotocol=https\n"
		     "host=git.example.com\npath=org/repo.git\n"
		     "wwwauth[]=Bearer realm=\"git\", error=\"invalid_token\"\n"), TA_OK,
		  "https", "git.example.com", "org/repo.git", NULL, NULL },
		/* erase: git hands back what it was given. */
		{ IN("protocol=https\nhost=git.example.com\nusername=oauth2\n"
		     "password=eyJhbGciOiJSUzI1NiJ9.e30.c2ln\n"), TA_OK,
		  "https", "git.example.com", NULL, "oauth2", "eyJhbGciOiJSUzI1NiJ9.e30.c2ln" },
		/* `git credential fill` by hand: the empty line ends it. */
		{ IN("protocol=https\nhost=a.example\n\n"), TA_OK,
		  "https", "a.example", NULL, NULL, NULL },
		/* Lines after the empty line are not read, bad ones included. */
		{ IN("protocol=https\nhost=a.example\n\nhost=b.example\npassword=x\n"), TA_OK,
		  "https", "a.example", NULL, NULL, NULL },
		{ IN("protocol=https\n\nno equals sign\n=x\n"), TA_OK,
		  "https", NULL, NULL, NULL, NULL },
		{ IN("\nprotocol=https\nhost=a.example\n"), TA_OK, NULL, NULL, NULL, NULL, NULL },
		/* No newline at the end. */
		{ IN("protocol=http\nhost=127.0.0.1:8080"), TA_OK,
		  "http", "127.0.0.1:8080", NULL, NULL, NULL },
		{ IN("password=p"), TA_OK, NULL, NULL, NULL, NULL, "p" },
		/* A later value replaces an earlier one, as in git. */
		{ IN("host=a.example\nprotocol=http\nhost=b.example\nprotocol=https\n"), TA_OK,
		  "https", "b.example", NULL, NULL, NULL },
		{ IN("password=first\nusername=u1\npassword=second\nusername=u2\n"), TA_OK,
		  NULL, NULL, NULL, "u2", "second" },
		/* Keys termauth does not use are skipped, whatever their value. */
		{ IN("url=https://evil.example/\nprotocol=https\nquit=1\nhost=a.example\n"
		     "wwwauth[]=Basic realm=x\ncapability[]=authtype\n"
		     "password_expiry_utc=1700000000\noauth_refresh_token=r\nauthtype=Bearer\n"
		     "credential=c\nephemeral=1\nstate[]=helper:x\ncontinue=1\n"), TA_OK,
		  "https", "a.example", NULL, NULL, NULL },
		/* Keys are matched whole and as they are: no trimming, no case. */
		{ IN("Host=evil.example\nhost =evil.example\n host=evil.example\nhostname=evil.example\n"
		     "hos=evil.example\nprotocol=https\nhost=a.example\n"), TA_OK,
		  "https", "a.example", NULL, NULL, NULL },
		/* A value runs to the end of the line, '=' and spaces included. */
		{ IN("password=a=b==\nusername= u \npath=a b/c=d?e#f\n"), TA_OK,
		  NULL, NULL, "a b/c=d?e#f", " u ", "a=b==" },
		{ IN("host==\n"), TA_OK, NULL, "=", NULL, NULL, NULL },
		/* An empty value is a value. */
		{ IN("protocol=https\nhost=\nusername=\npassword=\npath=\n"), TA_OK,
		  "https", "", "", "", "" },
		{ IN("username=u\nusername=\n"), TA_OK, NULL, NULL, NULL, "", NULL },
		/* Bytes beyond ASCII are kept as they are. */
		{ IN("username=j\xc3\xbcrgen\n"), TA_OK, NULL, NULL, NULL, "j\xc3\xbcrgen", NULL },
		/* Nothing at all. */
		{ IN(""), TA_OK, NULL, NULL, NULL, NULL, NULL },
		{ IN("\n"), TA_OK, NULL, NULL, NULL, NULL, NULL },
		{ IN("\n\n\n"), TA_OK, NULL, NULL, NULL, NULL, NULL },

		/* Errors: every field NULL, those read before the bad line too. */
		{ IN("protocol=https\nhost=a.example\nusername\n"), TA_E_ARG, NULL, NULL, NULL, NULL, NULL },
		{ IN("protocol=https\nhost=a.example\npassword=secret\ngarbage"), TA_E_ARG, NULL, NULL, NULL, NULL, NULL },
		{ IN("x"), TA_E_ARG, NULL, NULL, NULL, NULL, NULL },
		{ IN(" \n"), TA_E_ARG, NULL, NULL, NULL, NULL, NULL },
		{ IN("=x\n"), TA_E_ARG, NULL, NULL, NULL, NULL, NULL },
		{ IN("protocol=https\n=\n"), TA_E_ARG, NULL, NULL, NULL, NULL, NULL },
		{ IN("protocol=https\n==x\n"), TA_E_ARG, NULL, NULL, NULL, NULL, NULL },
		/* A NUL byte, anywhere: in a value, a key, after the empty line. */
		{ IN("protocol=https\nhost=a.example\0evil.example\n"), TA_E_ARG, NULL, NULL, NULL, NULL, NULL },
		{ IN("protocol=https\nho\0st=a.example\n"), TA_E_ARG, NULL, NULL, NULL, NULL, NULL },
		{ IN("protocol=https\nhost=a.example\n\n\0"), TA_E_ARG, NULL, NULL, NULL, NULL, NULL },
		{ IN("\0"), TA_E_ARG, NULL, NULL, NULL, NULL, NULL },
		/* A carriage return, anywhere: CRLF lines, a lone CR, after the end. */
		{ IN("protocol=https\r\nhost=a.example\r\n"), TA_E_ARG, NULL, NULL, NULL, NULL, NULL },
		{ IN("protocol=https\nhost=a.example\r"), TA_E_ARG, NULL, NULL, NULL, NULL, NULL },
		{ IN("password=se\rcret\n"), TA_E_ARG, NULL, NULL, NULL, NULL, NULL },
		{ IN("protocol=https\n\r\n"), TA_E_ARG, NULL, NULL, NULL, NULL, NULL },
		{ IN("protocol=https\nhost=a.example\n\n\r\n"), TA_E_ARG, NULL, NULL, NULL, NULL, NULL },
	};
	size_t i;

	(void)state;
	for (i = 0; i < NELEMS(rows); i++) {
		struct gitcred g;
		enum ta_result r;

		/* Whatever out held before: the parser starts it afresh. */
		memset(&g, 0xa5, sizeof(g));
		r = gitcred_parse(rows[i].in, rows[i].len, &g);
		ROW_CHECK(r == rows[i].want, i, "gave %d, want %d", (int)r, (int)rows[i].want);
		if (r != TA_OK) {
			ROW_CHECK(all_null(&g), i, "a field is set after an error");
			continue;
		}
		ROW_CHECK(same(g.protocol, rows[i].protocol), i, "protocol '%s', want '%s'",
		          show(g.protocol), show(rows[i].protocol));
		ROW_CHECK(same(g.host, rows[i].host), i, "host '%s', want '%s'", show(g.host),
		          show(rows[i].host));
		ROW_CHECK(same(g.path, rows[i].path), i, "path '%s', want '%s'", show(g.path),
		          show(rows[i].path));
		ROW_CHECK(same(g.username, rows[i].username), i, "username '%s', want '%s'",
		          show(g.username), show(rows[i].username));
		ROW_CHECK(same(g.password, rows[i].password), i, "password '%s', want '%s'",
		          show(g.password), show(rows[i].password));
		gitcred_clear(&g);
		ROW_CHECK(all_null(&g), i, "a field is set after gitcred_clear");
	}
}

/* A length is honoured: the parser reads no further than len, and needs no
 * NUL after the last byte. */
static void parse_honours_len(void **state)
{
	static const char text[] = "protocol=https\nhost=a.example\npassword=secret\n";
	struct gitcred g;
	char *exact;

	(void)state;
	/* Cut inside "host=a.example": a shorter host, nothing after. */
	assert_int_equal(gitcred_parse(text, strlen("protocol=https\nhost=a.ex"), &g), TA_OK);
	assert_string_equal(g.protocol, "https");
	assert_string_equal(g.host, "a.ex");
	assert_null(g.password);
	gitcred_clear(&g);

	/* Cut inside "protocol": a line with no '='. */
	assert_int_equal(gitcred_parse(text, 5, &g), TA_E_ARG);
	assert_true(all_null(&g));

	/* A copy with nothing after it, so ASan sees a read past the end. */
	exact = malloc(sizeof(text) - 1);
	assert_non_null(exact);
	memcpy(exact, text, sizeof(text) - 1);
	assert_int_equal(gitcred_parse(exact, sizeof(text) - 1 - 1, &g), TA_OK);
	assert_string_equal(g.password, "secret");
	gitcred_clear(&g);
	assert_int_equal(gitcred_parse(exact, strlen("protocol=https\nhost=a.example\npassword="), &g),
	                 TA_OK);
	assert_string_equal(g.password, "");
	gitcred_clear(&g);
	free(exact);
}

/* GITCRED_MAX bytes are read; one more is TA_E_TOO_LARGE. */
static void parse_size_limit(void **state)
{
	static const char head[] = "protocol=https\nhost=a.example\npath=";
	char *buf = malloc(GITCRED_MAX + 1);
	struct gitcred g;
	size_t path_len;

	(void)state;
	assert_non_null(buf);
	memcpy(buf, head, sizeof(head) - 1);
	memset(buf + sizeof(head) - 1, 'p', GITCRED_MAX + 1 - (sizeof(head) - 1));
	buf[GITCRED_MAX - 1] = '\n';

	/* Exactly GITCRED_MAX bytes: read. */
	assert_int_equal(gitcred_parse(buf, GITCRED_MAX, &g), TA_OK);
	path_len = GITCRED_MAX - 1 - (sizeof(head) - 1);
	assert_non_null(g.path);
	assert_int_equal(strlen(g.path), path_len);
	assert_string_equal(g.host, "a.example");
	gitcred_clear(&g);

	/* One byte more (an empty line: the request is whole by then). */
	buf[GITCRED_MAX] = '\n';
	memset(&g, 0xa5, sizeof(g));
	assert_int_equal(gitcred_parse(buf, GITCRED_MAX + 1, &g), TA_E_TOO_LARGE);
	assert_true(all_null(&g));

	free(buf);
}

/* gitcred_clear: on a zeroed struct, twice, and on what parse filled. */
static void clear_is_idempotent(void **state)
{
	struct gitcred g = { 0 };

	(void)state;
	gitcred_clear(&g);
	assert_true(all_null(&g));
	assert_int_equal(gitcred_parse(IN("protocol=https\nhost=h\npath=p\nusername=u\npassword=s\n"), &g),
	                 TA_OK);
	gitcred_clear(&g);
	assert_true(all_null(&g));
	gitcred_clear(&g);
	assert_true(all_null(&g));
}

struct secure_row {
	const char *protocol, *host;
	int want;
};

/* Runs every row, and names each wrong one before failing. */
static void check_secure_rows(const struct secure_row *rows, size_t n)
{
	size_t i, wrong = 0;

	for (i = 0; i < n; i++) {
		struct gitcred g = { 0 };
		int got;

		g.protocol = (char *)rows[i].protocol;
		g.host = (char *)rows[i].host;
		got = gitcred_secure(&g);
		if (got != rows[i].want) {
			print_error("row %zu: protocol '%s' host '%s' gave %d, want %d\n", i,
			            show(rows[i].protocol), show(rows[i].host), got, rows[i].want);
			wrong++;
		}
	}
	if (wrong)
		fail_msg("%zu of %zu rows wrong", wrong, n);
}

static void secure_table(void **state)
{
	static const struct secure_row rows[] = {
		/* https: any host. */
		{ "https", "git.example.com", 1 },
		{ "https", "git.example.com:8443", 1 },
		{ "https", "example.com", 1 },
		{ "https", "10.0.0.1", 1 },
		{ "https", "127.0.0.1", 1 },
		{ "https", "[2001:db8::1]:443", 1 },
		/* http to a loopback host, with or without a port. */
		{ "http", "127.0.0.1", 1 },
		{ "http", "127.0.0.1:8080", 1 },
		{ "http", "127.1.2.3", 1 },
		{ "http", "127.255.255.255", 1 },
		{ "http", "127.0.0.1:65535", 1 },
		{ "http", "localhost", 1 },
		{ "http", "localhost:80", 1 },
		{ "http", "[::1]", 1 },
		{ "http", "[::1]:8080", 1 },
		/* http anywhere else. */
		{ "http", "example.com", 0 },
		{ "http", "example.com:80", 0 },
		{ "http", "10.0.0.1", 0 },
		{ "http", "192.168.1.1:8080", 0 },
		{ "http", "128.0.0.1", 0 },
		{ "http", "[::2]", 0 },
		{ "http", "[::2]:8080", 0 },
		{ "http", "[2001:db8::1]", 0 },
		/* Hosts that only look like loopback. */
		{ "http", "127.0.0.1.evil.com", 0 },
		{ "http", "127.0.0.1.evil.com:8080", 0 },
		{ "http", "127.0.0.1.nip.io", 0 },
		{ "http", "127.evil.com", 0 },
		{ "http", "127.0.0.evil", 0 },
		{ "http", "127-0-0-1.evil.com", 0 },
		{ "http", "localhost.evil.com", 0 },
		{ "http", "localhost.evil.com:80", 0 },
		{ "http", "localhost.", 0 },
		{ "http", "localhostx", 0 },
		{ "http", "xlocalhost", 0 },
		{ "http", "evil-localhost", 0 },
		{ "http", "evil.com:localhost", 0 },
		{ "http", "evil.com:127.0.0.1", 0 },
		{ "http", "evil.com/127.0.0.1", 0 },
		{ "http", "evil.com#127.0.0.1", 0 },
		{ "http", "evil.com?127.0.0.1", 0 },
		/* Userinfo: the host is after the '@'. */
		{ "http", "127.0.0.1@evil.com", 0 },
		{ "http", "localhost@evil.com", 0 },
		{ "http", "user@127.0.0.1", 0 },
		/* Other spellings of loopback are refused: a strict list is safe. */
		{ "http", "0x7f.0.0.1", 0 },
		{ "http", "0177.0.0.1", 0 },
		{ "http", "2130706433", 0 },
		{ "http", "127.1", 0 },
		{ "http", "127.0.0", 0 },
		{ "http", "::1", 0 },
		{ "http", "[::1", 0 },
		{ "http", "[::1%25lo]", 0 },
		{ "http", "[0:0:0:0:0:0:0:1]", 0 }, /* ::1 written out: refused, as lib/url.c does */
		{ "http", "[::ffff:127.0.0.1]", 0 },
		{ "http", "127.0.0.1 ", 0 },
		{ "http", " 127.0.0.1", 0 },
		{ "http", "127.0.0.1\t", 0 },
		{ "http", "localhost ", 0 },
		/* Other protocols, and the near misses of "http" and "https". */
		{ "ftp", "127.0.0.1", 0 },
		{ "ftp", "example.com", 0 },
		{ "ssh", "localhost", 0 },
		{ "file", "localhost", 0 },
		{ "", "127.0.0.1", 0 },
		{ "", "example.com", 0 },
		{ "https ", "example.com", 0 },
		{ " https", "example.com", 0 },
		{ "httpsx", "example.com", 0 },
		{ "http ", "127.0.0.1", 0 },
		{ "https:", "example.com", 0 },
		{ "https://", "example.com", 0 },
		{ "http+unix", "localhost", 0 },
		/* Missing protocol or host, or an empty host. */
		{ NULL, "127.0.0.1", 0 },
		{ NULL, "example.com", 0 },
		{ "https", NULL, 0 },
		{ "http", NULL, 0 },
		{ NULL, NULL, 0 },
		{ "https", "", 0 },
		{ "http", "", 0 },
	};

	(void)state;
	check_secure_rows(rows, NELEMS(rows));
}

/*
 * Hosts that pass the loopback test's first look (they begin with a
 * loopback host and go on with a port, or with digits and dots) but are
 * not a loopback host: a port must be digits, nothing may follow "[::1]"
 * but a port, and 127.x.y.z must be an IPv4 address, or the name goes to
 * DNS (where anyone who can read plaintext on the network can answer).
 * lib/url.c's ta_host_is_loopback refuses the same.
 */
static void secure_refuses_lookalikes(void **state)
{
	static const struct secure_row rows[] = {
		/* A port that is not a number. */
		{ "http", "127.0.0.1:8080@evil.com", 0 },
		{ "http", "127.0.0.1:@evil.com", 0 },
		{ "http", "127.0.0.1:evil.com", 0 },
		{ "http", "localhost:80@evil.com", 0 },
		{ "http", "localhost:evil.com", 0 },
		{ "http", "[::1]:80@evil.com", 0 },
		/* Something after "[::1]" that is not a port. */
		{ "http", "[::1]evil.com", 0 },
		{ "http", "[::1].evil.com", 0 },
		{ "http", "[::1]@evil.com", 0 },
		/* Digits and dots that are not an IPv4 address. */
		{ "http", "127.0.0.1.", 0 },
		{ "http", "127.0.0.1.2", 0 },
		{ "http", "127.0.0.0.1", 0 },
		{ "http", "127.0.0.256", 0 },
		{ "http", "127.0.0.1000", 0 },
		{ "http", "127.0.0..", 0 },
		{ "http", "127......", 0 },
		{ "http", "127.11..1", 0 },
	};

	(void)state;
	check_secure_rows(rows, NELEMS(rows));
}

/* From git's text to the verdict, as git-credential does it. */
static void parse_then_secure(void **state)
{
	static const struct {
		const char *in;
		size_t len;
		int want;
	} rows[] = {
		{ IN("protocol=https\nhost=git.example.com\n"), 1 },
		{ IN("protocol=http\nhost=127.0.0.1:8080\npath=repo.git\n"), 1 },
		{ IN("protocol=http\nhost=[::1]:8080\n"), 1 },
		{ IN("protocol=http\nhost=git.example.com\n"), 0 },
		/* The last value counts. */
		{ IN("protocol=https\nprotocol=http\nhost=git.example.com\n"), 0 },
		{ IN("protocol=http\nhost=127.0.0.1\nhost=git.example.com\n"), 0 },
		{ IN("protocol=http\nhost=git.example.com\nhost=localhost\n"), 1 },
		/* What follows the empty line does not count. */
		{ IN("protocol=http\nhost=git.example.com\n\nhost=localhost\n"), 0 },
		{ IN("protocol=http\n\nhost=localhost\n"), 0 },
		/* Neither does a key that only looks like host or protocol. */
		{ IN("protocol=http\nhost=git.example.com\nhost =localhost\n"), 0 },
		{ IN("protocol=http\nhost=git.example.com\nurl=http://localhost/\n"), 0 },
		/* No protocol, no host. */
		{ IN("host=git.example.com\n"), 0 },
		{ IN("protocol=https\n"), 0 },
		{ IN("protocol=https\nhost=\n"), 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < NELEMS(rows); i++) {
		struct gitcred g;
		int got;

		ROW_CHECK(gitcred_parse(rows[i].in, rows[i].len, &g) == TA_OK, i, "does not parse");
		got = gitcred_secure(&g);
		ROW_CHECK(got == rows[i].want, i, "gave %d, want %d", got, rows[i].want);
		gitcred_clear(&g);
	}
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(parse_table),
	cmocka_unit_test(parse_honours_len),
	cmocka_unit_test(parse_size_limit),
	cmocka_unit_test(clear_is_idempotent),
	cmocka_unit_test(secure_table),
	cmocka_unit_test(secure_refuses_lookalikes),
	cmocka_unit_test(parse_then_secure),
};

UNIT_MAIN("gitcred", tests)
