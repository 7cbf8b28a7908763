/*
 * test_dockercred.c - unit tests of src/dockercred.c: the parser of what
 * docker, podman and skopeo write on a credential helper's standard input
 * for get and erase (a registry's server URL), and dockercred_secure(),
 * which lets a token go over https (or no scheme: the clients use https),
 * or over http only to a loopback host. dockercred.c is in both
 * executables, not in the library: CMake compiles it into this program.
 */
#include "unit.h"
#include "dockercred.h"

/* A string literal and its length, NUL bytes inside included. */
#define IN(s) s, sizeof(s) - 1
/* A row that does not parse. */
#define BAD(s) { IN(s), TA_E_ARG, NULL, NULL, NULL, 0 }

static void parse_table(void **state)
{
	static const struct {
		const char *in;
		size_t len;
		enum ta_result want;
		const char *server_url, *scheme, *host;
		int secure;
	} rows[] = {
		/* What the clients write. */
		{ IN("127.0.0.1:5000"), TA_OK, "127.0.0.1:5000", "", "127.0.0.1:5000", 1 },
		{ IN("registry.example.com\n"), TA_OK, "registry.example.com", "", "registry.example.com", 1 },
		{ IN("https://index.docker.io/v1/"), TA_OK, "https://index.docker.io/v1/", "https",
		  "index.docker.io", 1 },
		{ IN("ghcr.io/team/app"), TA_OK, "ghcr.io/team/app", "", "ghcr.io", 1 },
		/* The host in lower case, the server URL as given. */
		{ IN("HTTPS://Registry.Example.COM:443/v2/"), TA_OK, "HTTPS://Registry.Example.COM:443/v2/",
		  "https", "registry.example.com:443", 1 },
		/* http: only to a loopback host. */
		{ IN("http://127.0.0.1:5000/v2/"), TA_OK, "http://127.0.0.1:5000/v2/", "http",
		  "127.0.0.1:5000", 1 },
		{ IN("http://localhost:5000"), TA_OK, "http://localhost:5000", "http", "localhost:5000", 1 },
		{ IN("http://[::1]:5000"), TA_OK, "http://[::1]:5000", "http", "[::1]:5000", 1 },
		{ IN("http://registry.example.com"), TA_OK, "http://registry.example.com", "http",
		  "registry.example.com", 0 },
		{ IN("http://127.0.0.1.evil.example"), TA_OK, "http://127.0.0.1.evil.example", "http",
		  "127.0.0.1.evil.example", 0 },
		BAD("http://[::1]evil:5000"),
		/* Not a server URL. */
		BAD(""),
		BAD("\n"),
		BAD("https://"),
		BAD("ftp://registry.example.com"),
		BAD("registry.example.com://x"),
		BAD("https://user@registry.example.com"),
		BAD("https://user:pass@registry.example.com"),
		BAD("registry.example.com\n\n"),
		BAD("registry.example.com\r\n"),
		BAD("registry example.com"),
		BAD("registry.example.com\0evil"),
		BAD("r\xc3\xa9gistry.example.com"),
		BAD("registry.example.com:"),
		BAD("registry.example.com:123456"),
		BAD("registry.example.com:80a"),
		BAD(".example.com"),
		BAD("-example.com"),
		BAD("registry_example.com"),
		BAD("https://registry.example.com?x=1"),
		BAD("[::1"),
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct dockercred d;
		enum ta_result r;

		memset(&d, 0xa5, sizeof(d));
		r = dockercred_parse(rows[i].in, rows[i].len, &d);
		ROW_CHECK(r == rows[i].want, i, "gave %s, want %s", ta_result_str(r),
		          ta_result_str(rows[i].want));
		if (r != TA_OK) {
			ROW_CHECK(!d.server_url && !d.scheme[0] && !d.host[0], i, "a field set after an error");
			continue;
		}
		ROW_CHECK(!strcmp(d.server_url, rows[i].server_url), i, "server URL '%s'", d.server_url);
		ROW_CHECK(!strcmp(d.scheme, rows[i].scheme), i, "scheme '%s'", d.scheme);
		ROW_CHECK(!strcmp(d.host, rows[i].host), i, "host '%s'", d.host);
		ROW_CHECK(dockercred_secure(&d) == rows[i].secure, i, "secure %d", dockercred_secure(&d));
		dockercred_clear(&d);
		ROW_CHECK(!d.server_url && !d.host[0], i, "a field set after clear");
	}
}

/* DOCKERCRED_MAX bytes parse; one more is too large, whatever it is. */
static void parse_size_limit(void **state)
{
	char *buf = malloc(DOCKERCRED_MAX + 1);
	struct dockercred d;

	(void)state;
	assert_non_null(buf);
	memcpy(buf, "https://registry.example.com/", 29);
	memset(buf + 29, 'a', DOCKERCRED_MAX - 29);
	assert_int_equal(dockercred_parse(buf, DOCKERCRED_MAX, &d), TA_OK);
	assert_int_equal(strlen(d.server_url), DOCKERCRED_MAX);
	assert_string_equal(d.host, "registry.example.com");
	dockercred_clear(&d);
	buf[DOCKERCRED_MAX] = '\n';
	assert_int_equal(dockercred_parse(buf, DOCKERCRED_MAX + 1, &d), TA_E_TOO_LARGE);
	assert_null(d.server_url);
	free(buf);
}

/* A host of 255 bytes fits; one of 256 is refused, after a scheme too. */
static void parse_host_limit(void **state)
{
	char buf[8 + 257];
	struct dockercred d;

	(void)state;
	memcpy(buf, "https://", 8);
	memset(buf + 8, 'a', 256);
	assert_int_equal(dockercred_parse(buf, 8 + 255, &d), TA_OK);
	assert_int_equal(strlen(d.host), 255);
	dockercred_clear(&d);
	memset(&d, 0xa5, sizeof(d));
	assert_int_equal(dockercred_parse(buf, 8 + 256, &d), TA_E_ARG);
	assert_true(!d.server_url && !d.scheme[0] && !d.host[0]);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(parse_table),
	cmocka_unit_test(parse_size_limit),
	cmocka_unit_test(parse_host_limit),
};

UNIT_MAIN("dockercred", tests)
