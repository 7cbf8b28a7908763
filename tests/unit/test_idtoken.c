/*
 * test_idtoken.c - unit tests of the ID token's claims as
 * lib/oauth/idtoken.c checks them (OpenID Connect Core 3.1.3.7: iss, aud,
 * azp, exp, iat, nonce, sub), and its times as read from a stored one,
 * on tokens made here.
 */
#include "unit.h"
#include "base/base64url.h"
#include "base/result.h"
#include "oauth/idtoken.h"

#define NOW 1700000000LL

/* ---------------------------------------------------------------------- */
/* The ID token's claims */

#define IDT_ISSUER "https://idp.example.com"
#define IDT_CLIENT "termauth"
#define IDT_NONCE "n-0S6_WzA2Mj"

/* header.payload.sig; free() it. */
static char *make_jwt(const char *header, const char *payload, const char *sig)
{
	char *h = unit_str_b64(header), *p = unit_str_b64(payload), *jwt;
	size_t n = strlen(h) + strlen(p) + strlen(sig) + 3;

	jwt = malloc(n);
	assert_non_null(jwt);
	snprintf(jwt, n, "%s.%s.%s", h, p, sig);
	free(h);
	free(p);
	return jwt;
}

/* The claims of a good token, with fields replaced by printf arguments. */
static char *claims(const char *iss, const char *aud, long long exp, long long iat,
                    const char *nonce, const char *extra)
{
	char *buf = malloc(1024);

	assert_non_null(buf);
	snprintf(buf, 1024,
	         "{\"iss\":\"%s\",\"sub\":\"alice\",\"aud\":%s,\"exp\":%lld,\"iat\":%lld,"
	         "\"nonce\":\"%s\"%s}",
	         iss, aud, exp, iat, nonce, extra);
	return buf;
}

static void id_token_good(void **state)
{
	const struct ta_id_expect e = { IDT_ISSUER, IDT_CLIENT, IDT_NONCE, NOW };
	char *payload = claims(IDT_ISSUER, "\"" IDT_CLIENT "\"", NOW + 300, NOW, IDT_NONCE, "");
	char *jwt = make_jwt("{\"alg\":\"RS256\",\"typ\":\"JWT\"}", payload, "c2ln");
	char *subject = NULL;
	struct ta_client *c;

	(void)state;
	assert_int_equal(ta_client_new(&c), TA_OK);
	assert_int_equal(ta_id_token_check(c, jwt, &e, &subject), TA_OK);
	assert_string_equal(subject, "alice");
	assert_string_equal(ta_client_message(c), "");
	free(subject);
	free(jwt);
	free(payload);
	ta_client_free(c);
}

static void id_token_table(void **state)
{
	static const char rs256[] = "{\"alg\":\"RS256\",\"kid\":\"k1\"}";
	static const char aud1[] = "\"" IDT_CLIENT "\"";
	static const struct {
		const char *header;
		const char *iss, *aud;
		long long exp, iat;
		const char *nonce, *extra;
		const char *sig;
		enum ta_result want;
		const char *msg_has;
	} rows[] = {
		{ rs256, IDT_ISSUER, aud1, NOW + 300, NOW, IDT_NONCE, "", "c2ln", TA_OK, NULL },
		/* aud and azp */
		{ rs256, IDT_ISSUER, "[\"" IDT_CLIENT "\"]", NOW + 300, NOW, IDT_NONCE, "", "c2ln",
		  TA_OK, NULL },
		{ rs256, IDT_ISSUER, "[\"" IDT_CLIENT "\",\"other\"]", NOW + 300, NOW, IDT_NONCE,
		  ",\"azp\":\"" IDT_CLIENT "\"", "c2ln", TA_OK, NULL },
		{ rs256, IDT_ISSUER, "[\"" IDT_CLIENT "\",\"other\"]", NOW + 300, NOW, IDT_NONCE, "",
		  "c2ln", TA_E_ID_TOKEN, "aud" },
		{ rs256, IDT_ISSUER, "[\"other\",\"" IDT_CLIENT "\"]", NOW + 300, NOW, IDT_NONCE,
		  ",\"azp\":\"other\"", "c2ln", TA_E_ID_TOKEN, "aud" },
		{ rs256, IDT_ISSUER, aud1, NOW + 300, NOW, IDT_NONCE, ",\"azp\":\"other\"", "c2ln",
		  TA_E_ID_TOKEN, "azp" },
		{ rs256, IDT_ISSUER, "\"other\"", NOW + 300, NOW, IDT_NONCE, "", "c2ln",
		  TA_E_ID_TOKEN, "aud" },
		{ rs256, IDT_ISSUER, "\"termauth2\"", NOW + 300, NOW, IDT_NONCE, "", "c2ln",
		  TA_E_ID_TOKEN, "aud" },
		{ rs256, IDT_ISSUER, "[]", NOW + 300, NOW, IDT_NONCE, "", "c2ln", TA_E_ID_TOKEN,
		  "aud" },
		{ rs256, IDT_ISSUER, "[\"" IDT_CLIENT "\",5]", NOW + 300, NOW, IDT_NONCE, "", "c2ln",
		  TA_E_ID_TOKEN, "aud" },
		{ rs256, IDT_ISSUER, "null", NOW + 300, NOW, IDT_NONCE, "", "c2ln", TA_E_ID_TOKEN,
		  "aud" },
		/* iss */
		{ rs256, "https://evil.example.com", aud1, NOW + 300, NOW, IDT_NONCE, "", "c2ln",
		  TA_E_ID_TOKEN, "issuer" },
		{ rs256, IDT_ISSUER "/", aud1, NOW + 300, NOW, IDT_NONCE, "", "c2ln", TA_E_ID_TOKEN,
		  "issuer" },
		/* time, with TA_ID_TOKEN_LEEWAY */
		{ rs256, IDT_ISSUER, aud1, NOW - 1000, NOW - 2000, IDT_NONCE, "", "c2ln",
		  TA_E_ID_TOKEN, "expired" },
		{ rs256, IDT_ISSUER, aud1, NOW - TA_ID_TOKEN_LEEWAY - 1, NOW - 2000, IDT_NONCE, "",
		  "c2ln", TA_E_ID_TOKEN, "expired" },
		{ rs256, IDT_ISSUER, aud1, NOW - TA_ID_TOKEN_LEEWAY, NOW - 2000, IDT_NONCE, "",
		  "c2ln", TA_OK, NULL },
		{ rs256, IDT_ISSUER, aud1, NOW + 3600, NOW + 1000, IDT_NONCE, "", "c2ln",
		  TA_E_ID_TOKEN, "future" },
		{ rs256, IDT_ISSUER, aud1, NOW + 3600, NOW + TA_ID_TOKEN_LEEWAY + 1, IDT_NONCE, "",
		  "c2ln", TA_E_ID_TOKEN, "future" },
		{ rs256, IDT_ISSUER, aud1, NOW + 3600, NOW + TA_ID_TOKEN_LEEWAY, IDT_NONCE, "",
		  "c2ln", TA_OK, NULL },
		/* nonce */
		{ rs256, IDT_ISSUER, aud1, NOW + 300, NOW, "wrong", "", "c2ln", TA_E_ID_TOKEN,
		  "nonce" },
		{ rs256, IDT_ISSUER, aud1, NOW + 300, NOW, IDT_NONCE "x", "", "c2ln", TA_E_ID_TOKEN,
		  "nonce" },
		{ rs256, IDT_ISSUER, aud1, NOW + 300, NOW, "", "", "c2ln", TA_E_ID_TOKEN, "nonce" },
		/* alg and signature */
		{ "{\"alg\":\"none\"}", IDT_ISSUER, aud1, NOW + 300, NOW, IDT_NONCE, "", "c2ln",
		  TA_E_ID_TOKEN, "unsigned" },
		{ "{\"alg\":\"none\"}", IDT_ISSUER, aud1, NOW + 300, NOW, IDT_NONCE, "", "",
		  TA_E_ID_TOKEN, "unsigned" },
		{ "{\"typ\":\"JWT\"}", IDT_ISSUER, aud1, NOW + 300, NOW, IDT_NONCE, "", "c2ln",
		  TA_E_ID_TOKEN, "unsigned" },
		{ "{\"alg\":5}", IDT_ISSUER, aud1, NOW + 300, NOW, IDT_NONCE, "", "c2ln",
		  TA_E_ID_TOKEN, "unsigned" },
		{ rs256, IDT_ISSUER, aud1, NOW + 300, NOW, IDT_NONCE, "", "", TA_E_ID_TOKEN,
		  "unsigned" },
		{ rs256, IDT_ISSUER, aud1, NOW + 300, NOW, IDT_NONCE, "", "c2ln.c2ln", TA_E_ID_TOKEN,
		  "not a signed JWT" },
		{ "[\"alg\"]", IDT_ISSUER, aud1, NOW + 300, NOW, IDT_NONCE, "", "c2ln", TA_E_ID_TOKEN,
		  "decode" },
		{ "{\"alg\":\"RS256\",\"alg\":\"none\"}", IDT_ISSUER, aud1, NOW + 300, NOW, IDT_NONCE,
		  "", "c2ln", TA_E_ID_TOKEN, "decode" },
		/* claims */
		{ rs256, IDT_ISSUER, aud1, NOW + 300, NOW, IDT_NONCE, ",\"nonce\":\"" IDT_NONCE "\"",
		  "c2ln", TA_E_ID_TOKEN, "decode" },
		{ rs256, IDT_ISSUER, aud1, NOW + 300, NOW, IDT_NONCE, ",\"exp\":\"soon\"", "c2ln",
		  TA_E_ID_TOKEN, "decode" },
	};
	const struct ta_id_expect e = { IDT_ISSUER, IDT_CLIENT, IDT_NONCE, NOW };
	size_t i;

	(void)state;
	for (i = 0; i < NELEMS(rows); i++) {
		struct ta_client *c;
		char *payload = claims(rows[i].iss, rows[i].aud, rows[i].exp, rows[i].iat,
		                       rows[i].nonce, rows[i].extra);
		char *jwt = make_jwt(rows[i].header, payload, rows[i].sig);
		char *subject = NULL;
		enum ta_result r;

		assert_int_equal(ta_client_new(&c), TA_OK);
		r = ta_id_token_check(c, jwt, &e, &subject);
		ROW_CHECK(r == rows[i].want, i, "%s gave %d (%s)", payload, (int)r,
		          ta_client_message(c));
		if (r == TA_OK)
			ROW_CHECK(subject && !strcmp(subject, "alice"), i, "subject");
		else
			ROW_CHECK(subject == NULL, i, "a subject on failure");
		if (rows[i].msg_has)
			ROW_CHECK(strstr(ta_client_message(c), rows[i].msg_has) != NULL, i,
			          "message '%s' lacks '%s'", ta_client_message(c), rows[i].msg_has);
		free(subject);
		free(jwt);
		free(payload);
		ta_client_free(c);
	}
}

/* Claims written by hand: the shapes claims() cannot make. */
static void id_token_shapes(void **state)
{
	static const struct {
		const char *jwt_or_payload; /* payload, or a whole JWT when raw */
		int raw;
		enum ta_result want;
	} rows[] = {
		{ "{\"iss\":\"" IDT_ISSUER "\",\"aud\":\"" IDT_CLIENT "\",\"exp\":1700000300,"
		  "\"nonce\":\"" IDT_NONCE "\"}", 0, TA_E_ID_TOKEN }, /* no sub */
		{ "{\"iss\":\"" IDT_ISSUER "\",\"sub\":7,\"aud\":\"" IDT_CLIENT "\",\"exp\":1700000300,"
		  "\"nonce\":\"" IDT_NONCE "\"}", 0, TA_E_ID_TOKEN }, /* sub not a string */
		{ "{\"iss\":\"" IDT_ISSUER "\",\"sub\":\"a\",\"aud\":\"" IDT_CLIENT "\","
		  "\"nonce\":\"" IDT_NONCE "\"}", 0, TA_E_ID_TOKEN }, /* no exp */
		{ "{\"iss\":\"" IDT_ISSUER "\",\"sub\":\"a\",\"aud\":\"" IDT_CLIENT "\","
		  "\"exp\":1700000300.5,\"iat\":1700000000.25,\"nonce\":\"" IDT_NONCE "\"}", 0,
		  TA_OK }, /* real exp and iat */
		{ "{\"iss\":\"" IDT_ISSUER "\",\"sub\":\"a\",\"aud\":\"" IDT_CLIENT "\","
		  "\"exp\":1700000300,\"nonce\":\"" IDT_NONCE "\"}", 0, TA_E_ID_TOKEN }, /* no iat */
		{ "{\"iss\":\"" IDT_ISSUER "\",\"sub\":\"\",\"aud\":\"" IDT_CLIENT "\","
		  "\"exp\":1700000300,\"iat\":1700000000,\"nonce\":\"" IDT_NONCE "\"}", 0,
		  TA_E_ID_TOKEN }, /* empty sub */
		{ "{\"iss\":\"" IDT_ISSUER "\",\"sub\":\"a\\u001b[2J\",\"aud\":\"" IDT_CLIENT "\","
		  "\"exp\":1700000300,\"iat\":1700000000,\"nonce\":\"" IDT_NONCE "\"}", 0,
		  TA_E_ID_TOKEN }, /* a control character in sub */
		{ "{\"iss\":\"" IDT_ISSUER "\",\"sub\":\"\u00e9\",\"aud\":\"" IDT_CLIENT "\","
		  "\"exp\":1700000300,\"iat\":1700000000,\"nonce\":\"" IDT_NONCE "\"}", 0,
		  TA_E_ID_TOKEN }, /* non-ASCII sub */
		{ "{\"iss\":\"" IDT_ISSUER "\",\"sub\":\"a\",\"aud\":\"" IDT_CLIENT "\","
		  "\"exp\":1700000300,\"iat\":\"now\",\"nonce\":\"" IDT_NONCE "\"}", 0,
		  TA_E_ID_TOKEN }, /* iat not a number */
		{ "{\"iss\":\"" IDT_ISSUER "\",\"sub\":\"a\",\"aud\":\"" IDT_CLIENT "\","
		  "\"exp\":1700000300}", 0, TA_E_ID_TOKEN }, /* no nonce */
		{ "{\"sub\":\"a\",\"aud\":\"" IDT_CLIENT "\",\"exp\":1700000300,"
		  "\"nonce\":\"" IDT_NONCE "\"}", 0, TA_E_ID_TOKEN }, /* no iss */
		{ "not json", 0, TA_E_ID_TOKEN },
		{ "", 1, TA_E_ID_TOKEN },
		{ "abc", 1, TA_E_ID_TOKEN },
		{ "a.b", 1, TA_E_ID_TOKEN },
		{ "..", 1, TA_E_ID_TOKEN },
		{ "eyJhbGciOiJSUzI1NiJ9.e30=.c2ln", 1, TA_E_ID_TOKEN }, /* padding */
		{ "eyJhbGciOiJSUzI1NiJ9+.e30.c2ln", 1, TA_E_ID_TOKEN },
	};
	const struct ta_id_expect e = { IDT_ISSUER, IDT_CLIENT, IDT_NONCE, NOW };
	size_t i;

	(void)state;
	for (i = 0; i < NELEMS(rows); i++) {
		char *jwt = rows[i].raw ? strdup(rows[i].jwt_or_payload)
		                        : make_jwt("{\"alg\":\"ES256\"}", rows[i].jwt_or_payload,
		                                   "c2ln");
		char *subject = NULL;
		enum ta_result r = ta_id_token_check(NULL, jwt, &e, &subject);
		ROW_CHECK(r == rows[i].want, i, "'%s' gave %d", rows[i].jwt_or_payload, (int)r);
		ROW_CHECK((r == TA_OK) == (subject != NULL), i, "subject");
		free(subject);
		free(jwt);
	}
	/* Longer than the 16 KiB a JWT may be. */
	{
		char *big = malloc(20000);
		char *subject = NULL;
		assert_non_null(big);
		memset(big, 'A', 19999);
		big[19999] = '\0';
		big[100] = '.';
		big[200] = '.';
		assert_int_equal(ta_id_token_check(NULL, big, &e, &subject), TA_E_ID_TOKEN);
		assert_null(subject);
		free(big);
	}
}

/* sub: 1 to 255 ASCII characters (OpenID Connect Core 2). */
static void id_token_subject_length(void **state)
{
	const struct ta_id_expect e = { IDT_ISSUER, IDT_CLIENT, IDT_NONCE, NOW };
	char sub[300], extra[400];
	size_t i;
	static const struct {
		size_t len;
		enum ta_result want;
	} rows[] = { { 1, TA_OK }, { 255, TA_OK }, { 256, TA_E_ID_TOKEN } };

	(void)state;
	for (i = 0; i < NELEMS(rows); i++) {
		char *payload, *jwt, *subject = NULL;
		enum ta_result r;

		memset(sub, 'z', rows[i].len);
		sub[rows[i].len] = '\0';
		snprintf(extra, sizeof(extra), ",\"sub\":\"%s\"", sub);
		/* claims() writes sub "alice" first; a second sub is a duplicate,
		 * so build this payload by hand. */
		payload = malloc(1024);
		assert_non_null(payload);
		snprintf(payload, 1024,
		         "{\"iss\":\"%s\",\"aud\":\"%s\",\"exp\":%lld,\"iat\":%lld,"
		         "\"nonce\":\"%s\"%s}",
		         IDT_ISSUER, IDT_CLIENT, NOW + 300, NOW, IDT_NONCE, extra);
		jwt = make_jwt("{\"alg\":\"RS256\"}", payload, "c2ln");
		r = ta_id_token_check(NULL, jwt, &e, &subject);
		ROW_CHECK(r == rows[i].want, i, "sub of %zu gave %d", rows[i].len, (int)r);
		if (r == TA_OK)
			ROW_CHECK(subject && !strcmp(subject, sub), i, "subject");
		free(subject);
		free(jwt);
		free(payload);
	}
}

/* ta_id_token_times: the payload's iat and exp, whole seconds; 0 for one
 * missing or not a number; -1 for what does not decode. */
static void id_token_times(void **state)
{
	static const struct {
		const char *payload;
		int ret;
		long long iat, exp;
	} rows[] = {
		{ "{\"iat\":1700000000,\"exp\":1700003600}", 0, NOW, NOW + 3600 },
		{ "{\"iat\":1700000000.9,\"exp\":1700003600.5}", 0, NOW, NOW + 3600 },
		{ "{\"exp\":1700003600}", 0, 0, NOW + 3600 },
		{ "{\"iat\":\"1700000000\",\"exp\":null}", 0, 0, 0 },
		{ "{\"exp\":-5}", 0, 0, 0 },
		{ "{\"exp\":1e300}", 0, 0, 0 },
		{ "[1700003600]", -1, 0, 0 },
		{ "not json", -1, 0, 0 },
	};
	long long iat, exp;
	size_t i;
	char *jwt;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		jwt = make_jwt("{\"alg\":\"RS256\"}", rows[i].payload, "c2ln");
		ROW_CHECK(ta_id_token_times(jwt, &iat, &exp) == rows[i].ret, i, "result");
		ROW_CHECK(iat == rows[i].iat && exp == rows[i].exp, i, "iat %lld, exp %lld", iat, exp);
		free(jwt);
	}
	assert_int_equal(ta_id_token_times("no-dots", &iat, &exp), -1);
	assert_int_equal(ta_id_token_times("a.b", &iat, &exp), -1);
	assert_int_equal(iat + exp, 0);
}

/* ta_id_token_account: the first usable of email, preferred_username,
 * name and sub; control characters or more than 200 bytes pass on to the
 * next claim. */
static void id_token_account(void **state)
{
	static const struct {
		const char *payload, *want;
	} rows[] = {
		{ "{\"sub\":\"s1\",\"name\":\"Ann\",\"preferred_username\":\"ann\",\"email\":\"a@x.org\"}", "a@x.org" },
		{ "{\"sub\":\"s1\",\"name\":\"Ann\",\"preferred_username\":\"ann\"}", "ann" },
		{ "{\"sub\":\"s1\",\"name\":\"Ann B\\u00e9\"}", "Ann B\xc3\xa9" },
		{ "{\"sub\":\"s1\"}", "s1" },
		{ "{\"sub\":\"s1\",\"email\":\"a@x\\u001b[31m\"}", "s1" },
		{ "{\"sub\":\"s1\",\"email\":\"\",\"name\":7}", "s1" },
		{ "{\"sub\":\"s1\",\"email\":\"a\\u007f\"}", "s1" },
		{ "{\"name\":42}", NULL },
		{ "not json", NULL },
	};
	char long_name[300], payload[400], *jwt, *got;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		jwt = make_jwt("{\"alg\":\"RS256\"}", rows[i].payload, "c2ln");
		got = ta_id_token_account(jwt);
		ROW_CHECK(rows[i].want ? got && !strcmp(got, rows[i].want) : !got, i, "got %s",
		          got ? got : "(none)");
		free(got);
		free(jwt);
	}
	memset(long_name, 'n', 201);
	long_name[201] = '\0';
	snprintf(payload, sizeof(payload), "{\"sub\":\"s1\",\"email\":\"%s\"}", long_name);
	jwt = make_jwt("{\"alg\":\"RS256\"}", payload, "c2ln");
	got = ta_id_token_account(jwt);
	assert_string_equal(got, "s1");
	free(got);
	free(jwt);
	long_name[200] = '\0';
	snprintf(payload, sizeof(payload), "{\"sub\":\"s1\",\"email\":\"%s\"}", long_name);
	jwt = make_jwt("{\"alg\":\"RS256\"}", payload, "c2ln");
	got = ta_id_token_account(jwt);
	assert_string_equal(got, long_name);
	free(got);
	free(jwt);
	assert_null(ta_id_token_account("no-dots"));
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(id_token_good),
	cmocka_unit_test(id_token_table),
	cmocka_unit_test(id_token_shapes),
	cmocka_unit_test(id_token_subject_length),
	cmocka_unit_test(id_token_times),
	cmocka_unit_test(id_token_account),
};

UNIT_MAIN("idtoken", tests)
