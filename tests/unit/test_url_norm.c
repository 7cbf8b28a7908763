/*
 * test_url_norm.c - unit tests of lib/base/url_norm.c: an http(s) URL
 * normalised as RFC 3986 6.2.2 and 6.2.3 say, without query and fragment
 * (a DPoP proof's htu), and every refusal for its reason.
 */
#include "unit.h"
#include "base/url_norm.h"


static void normalize_table(void **state)
{
	static char too_long[TA_URL_NORM_MAX + 2];
	static const struct {
		const char *url, *want; /* want NULL: refused, with has in why */
		const char *has;
	} rows[] = {
		{"https://server.example.com/token", "https://server.example.com/token", NULL},
		{"HTTPS://Server.Example.COM/Token", "https://server.example.com/Token", NULL},
		{"https://h:443/t", "https://h/t", NULL},
		{"http://h:80/t", "http://h/t", NULL},
		{"http://h:443/t", "http://h:443/t", NULL},
		{"https://h:80/t", "https://h:80/t", NULL},
		{"https://h:0443/t", "https://h/t", NULL},
		{"https://h:08443/t", "https://h:8443/t", NULL},
		{"https://h:/t", "https://h/t", NULL},
		{"https://h:8443/x?q=1&r=%zz#frag", "https://h:8443/x", NULL},
		{"https://h", "https://h/", NULL},
		{"https://h?x", "https://h/", NULL},
		{"https://h#f", "https://h/", NULL},
		{"https://h/a/./b/../c", "https://h/a/c", NULL},
		{"https://h/a/..", "https://h/", NULL},
		{"https://h/a/.", "https://h/a/", NULL},
		{"https://h/../../x", "https://h/x", NULL},
		{"https://h/a/b/../../../c/./d/", "https://h/c/d/", NULL},
		{"https://h/..a/.b/a..", "https://h/..a/.b/a..", NULL},
		{"https://h/a//b", "https://h/a//b", NULL},
		{"https://h/a/%7e%41%2f%2F%c3%A9", "https://h/a/~A%2F%2F%C3%A9", NULL},
		{"https://h/%2e%2E/x/%2E", "https://h/x/", NULL},
		{"https://h/p;x=1,y@z:w!$&'()*+=", "https://h/p;x=1,y@z:w!$&'()*+=", NULL},
		{"https://Ex%41mple.com/", "https://example.com/", NULL},
		{"https://h%2Fx/", "https://h%2Fx/", NULL},
		{"https://[::1]:8080/x", "https://[::1]:8080/x", NULL},
		{"https://[FE80::1]:443/x", "https://[fe80::1]/x", NULL},
		{"http://127.0.0.1:5000/token", "http://127.0.0.1:5000/token", NULL},
		/* Refused. */
		{NULL, NULL, "empty"},
		{"", NULL, "not an absolute"},
		{"ftp://h/", NULL, "not an absolute"},
		{"h/x", NULL, "not an absolute"},
		{"https:/h/x", NULL, "not an absolute"},
		{"https:h", NULL, "not an absolute"},
		{"https://", NULL, "no host"},
		{"https:///x", NULL, "no host"},
		{"https://:443/x", NULL, "no host"},
		{"https://u:p@h/x", NULL, "userinfo"},
		{"https://@h/x", NULL, "userinfo"},
		{"https://h:65536/", NULL, "port"},
		{"https://h:99999999999999999999/", NULL, "port"},
		{"https://h:0/", NULL, "port"},
		{"https://h:x/", NULL, "port"},
		{"https://h:44x3/", NULL, "port"},
		{"https://h:4:4/", NULL, "port"},
		{"https://h/a b", NULL, "a space"},
		{"https://h/a\tb", NULL, "a control"},
		{"https://h/\xc3\xa9", NULL, "non-ASCII"},
		{"https://h/a\x7f", NULL, "non-ASCII"},
		{"https://h/a\\b", NULL, "percent-encoded"},
		{"https://h/{x}", NULL, "percent-encoded"},
		{"https://h/a\"b", NULL, "percent-encoded"},
		{"https://h/%", NULL, "bad %-escape"},
		{"https://h/%4", NULL, "bad %-escape"},
		{"https://h/%GG", NULL, "bad %-escape"},
		{"https://h_/", "https://h_/", NULL},
		{"https://h<x/", NULL, "host"},
		{"https://h%4/", NULL, "host"},
		{"https://[::1/", NULL, "no closing"},
		{"https://[]/", NULL, "no closing"},
		{"https://[::1]x/", NULL, "followed by more"},
		{"https://[zz]/", NULL, "IPv6 address is not one"},
		{too_long, NULL, "longer than 8192"},
	};
	size_t i;

	(void)state;
	memcpy(too_long, "https://h/", 10);
	memset(too_long + 10, 'a', sizeof(too_long) - 11);
	for (i = 0; i < NELEMS(rows); i++) {
		char *out = (char *)&out, why[160] = "";
		int r = ta_url_normalize(rows[i].url, &out, why, sizeof(why));

		if (rows[i].want) {
			ROW_CHECK(r == 0, i, "refused: %s", why);
			unit_check_str(out, rows[i].want, "htu", i);
		} else {
			ROW_CHECK(r == -1, i, "not refused: %s", r ? "" : out);
			ROW_CHECK(out == NULL, i, "a result on failure");
			ROW_CHECK(strstr(why, rows[i].has) != NULL, i, "why '%s' lacks '%s'", why,
			          rows[i].has);
			unit_check_printable(why, i);
		}
		free(r ? NULL : out);
	}
}

/* Origins compare what a browser would (RFC 6454): scheme, host, port. */
static void same_origin_table(void **state)
{
	static const struct {
		const char *a, *b;
		int same;
	} rows[] = {
		{"https://idp.example/", "https://idp.example/token", 1},
		{"https://IdP.Example:443/a", "https://idp.example/b?x#y", 1},
		{"http://127.0.0.1:5000/", "http://127.0.0.1:5000/reg", 1},
		{"https://idp.example/", "http://idp.example/", 0},
		{"https://idp.example/", "https://idp.example:8443/", 0},
		{"http://127.0.0.1:5000/", "http://127.0.0.1:5001/", 0},
		{"https://idp.example/", "https://idp.example.evil/", 0},
		{"https://idp.example/", "https://evil.idp.example/", 0},
		{"https://idp.example/", "https://idp.exampl/", 0},
		{"https://login.example/t", "https://accounts.example/t", 0},
		{"https://idp.example/", "https://x@idp.example/", 0},
		{"https://idp.example/", "idp.example/", 0},
		{"https://idp.example/", NULL, 0},
		{"https://[::1]:8080/a", "https://[::1]:8080/b", 1},
		{"https://[::1]:8080/a", "https://[::2]:8080/a", 0},
	};
	size_t i;

	(void)state;
	for (i = 0; i < NELEMS(rows); i++) {
		ROW_CHECK(ta_url_same_origin(rows[i].a, rows[i].b) == rows[i].same, i,
		          "%s vs %s", rows[i].a, rows[i].b ? rows[i].b : "(null)");
		ROW_CHECK(ta_url_same_origin(rows[i].b, rows[i].a) == rows[i].same, i, "not symmetric");
	}
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(normalize_table),
	cmocka_unit_test(same_origin_table),
};

UNIT_MAIN("url_norm", tests)
