/*
 * test_pkce.c - unit tests of lib/pkce.c (the S256 challenge, the random
 * strings of a sign-in) and lib/base64url.c (the encoding they use, whose
 * decoder must be strict so a value has exactly one encoding).
 */
#include "unit.h"
#include "base/base64url.h"
#include "base/secret.h"
#include "signin/pkce.h"

/* RFC 7636 Appendix B: the verifier's octets, their base64url, and the
 * challenge (the SHA-256 octets given there, base64url-encoded). */
static void challenge_rfc7636_appendix_b(void **state)
{
	static const unsigned char verifier_octets[32] = {
		116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186,
		22, 212, 37, 77, 105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121,
	};
	static const unsigned char challenge_octets[32] = {
		19, 211, 30, 150, 26, 26, 216, 236, 47, 22, 177, 12, 76, 152, 46, 8,
		118, 168, 120, 173, 109, 241, 68, 86, 110, 225, 137, 74, 203, 112, 249, 195,
	};
	char verifier[64], expected[64], out[TA_PKCE_CHALLENGE_LEN + 1];

	(void)state;
	ta_b64url_encode(verifier_octets, sizeof(verifier_octets), verifier);
	assert_string_equal(verifier, "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
	ta_b64url_encode(challenge_octets, sizeof(challenge_octets), expected);
	assert_string_equal(expected, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
	memset(out, 'x', sizeof(out));
	assert_int_equal(ta_pkce_challenge(verifier, out), TA_OK);
	assert_string_equal(out, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
	/* One character changed, another challenge. */
	verifier[30] = '7';
	assert_int_equal(ta_pkce_challenge(verifier, out), TA_OK);
	assert_string_not_equal(out, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
	assert_int_equal(strlen(out), TA_PKCE_CHALLENGE_LEN);
}

/* RFC 7636 section 4.1: 43 to 128 characters. */
static void challenge_verifier_length_limits(void **state)
{
	static const struct {
		size_t len;
		enum ta_result want;
	} rows[] = {
		{ 0, TA_E_ARG }, { 1, TA_E_ARG }, { 42, TA_E_ARG }, { 43, TA_OK },
		{ 64, TA_OK }, { 128, TA_OK }, { 129, TA_E_ARG }, { 200, TA_E_ARG },
	};
	char verifier[256], out[TA_PKCE_CHALLENGE_LEN + 1];
	size_t i;

	(void)state;
	for (i = 0; i < NELEMS(rows); i++) {
		enum ta_result r;
		memset(verifier, 'a', rows[i].len);
		verifier[rows[i].len] = '\0';
		out[0] = '\0';
		r = ta_pkce_challenge(verifier, out);
		ROW_CHECK(r == rows[i].want, i, "length %zu gave %d", rows[i].len, (int)r);
		if (r == TA_OK)
			ROW_CHECK(strlen(out) == TA_PKCE_CHALLENGE_LEN, i, "challenge length %zu",
			          strlen(out));
	}
}

static int all_base64url(const char *s)
{
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		      (*s >= '0' && *s <= '9') || *s == '-' || *s == '_'))
			return 0;
	return 1;
}

static void random_string_shape_and_uniqueness(void **state)
{
	char *a = NULL, *b = NULL, *c = NULL;
	char challenge[TA_PKCE_CHALLENGE_LEN + 1];

	(void)state;
	assert_int_equal(ta_random_string(32, &a), TA_OK);
	assert_int_equal(ta_random_string(32, &b), TA_OK);
	assert_int_equal(strlen(a), 43);
	assert_int_equal(strlen(b), 43);
	assert_true(all_base64url(a));
	assert_true(all_base64url(b));
	assert_string_not_equal(a, b);
	/* 32 random bytes make a valid PKCE verifier. */
	assert_int_equal(ta_pkce_challenge(a, challenge), TA_OK);
	/* Other sizes: the encoded length, and the limits. */
	assert_int_equal(ta_random_string(16, &c), TA_OK);
	assert_int_equal(strlen(c), 22);
	assert_true(all_base64url(c));
	ta_free_secret(c);
	c = NULL;
	assert_int_equal(ta_random_string(0, &c), TA_E_ARG);
	assert_int_equal(ta_random_string(97, &c), TA_E_ARG);
	assert_null(c);
	ta_free_secret(a);
	ta_free_secret(b);
}

/* RFC 4648 section 10 test vectors, in the url alphabet without padding,
 * and bytes that use '-' and '_'. */
static void base64url_known_vectors(void **state)
{
	static const struct {
		const char *raw;
		size_t n;
		const char *enc;
	} rows[] = {
		{ "", 0, "" },
		{ "f", 1, "Zg" },
		{ "fo", 2, "Zm8" },
		{ "foo", 3, "Zm9v" },
		{ "foob", 4, "Zm9vYg" },
		{ "fooba", 5, "Zm9vYmE" },
		{ "foobar", 6, "Zm9vYmFy" },
		{ "\xfb\xff", 2, "-_8" },
		{ "\xff\xff\xff", 3, "____" },
		{ "\x00\x00\x00", 3, "AAAA" },
		{ "A", 1, "QQ" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < NELEMS(rows); i++) {
		char enc[64];
		unsigned char *dec = NULL;
		size_t declen = 0;

		ROW_CHECK(ta_b64url_encoded_len(rows[i].n) == strlen(rows[i].enc), i,
		          "encoded_len %zu", ta_b64url_encoded_len(rows[i].n));
		ta_b64url_encode((const unsigned char *)rows[i].raw, rows[i].n, enc);
		ROW_CHECK(!strcmp(enc, rows[i].enc), i, "encoded '%s', want '%s'", enc,
		          rows[i].enc);
		ROW_CHECK(ta_b64url_decode(rows[i].enc, strlen(rows[i].enc), &dec, &declen) == 0,
		          i, "decode of '%s' refused", rows[i].enc);
		ROW_CHECK(declen == rows[i].n && !memcmp(dec, rows[i].raw, declen), i,
		          "decode of '%s' differs", rows[i].enc);
		ROW_CHECK(dec[declen] == '\0', i, "decoded buffer not NUL-terminated");
		free(dec);
	}
}

/* Every length from 0 to 64, every byte value: encode, then decode. */
static void base64url_round_trips(void **state)
{
	unsigned char raw[256];
	size_t n, i;

	(void)state;
	for (i = 0; i < sizeof(raw); i++)
		raw[i] = (unsigned char)(i * 37 + 11);
	for (n = 0; n <= 64; n++) {
		char enc[400];
		unsigned char *dec = NULL;
		size_t declen = 0;

		ta_b64url_encode(raw + n, n, enc);
		ROW_CHECK(strlen(enc) == ta_b64url_encoded_len(n), n, "length");
		ROW_CHECK(all_base64url(enc), n, "alphabet");
		ROW_CHECK(ta_b64url_decode(enc, strlen(enc), &dec, &declen) == 0, n, "refused");
		ROW_CHECK(declen == n && !memcmp(dec, raw + n, n), n, "differs");
		free(dec);
	}
	{
		char enc[400];
		unsigned char *dec = NULL;
		size_t declen = 0;
		ta_b64url_encode(raw, sizeof(raw), enc);
		assert_int_equal(ta_b64url_decode(enc, strlen(enc), &dec, &declen), 0);
		assert_int_equal(declen, sizeof(raw));
		assert_memory_equal(dec, raw, sizeof(raw));
		free(dec);
	}
}

/* The strict decoder: one value, one encoding. */
static void base64url_strict_decoder(void **state)
{
	static const char *const refused[] = {
		"QQ==",  /* padding */
		"QQ=",   /* padding */
		"Zm9v+w", /* '+' of the standard alphabet */
		"Zm9v/w", /* '/' of the standard alphabet */
		"Q",     /* 4n+1 */
		"Zm9vY", /* 4n+1 */
		"QR",    /* non-zero trailing bits (4 spare) */
		"QUF",   /* non-zero trailing bits (2 spare) */
		"Zm9 v", /* white space */
		"Zm9v\n", /* newline */
		"Zm.v",  /* dot */
	};
	size_t i;

	(void)state;
	for (i = 0; i < NELEMS(refused); i++) {
		unsigned char *dec = NULL;
		size_t declen = 0;
		ROW_CHECK(ta_b64url_decode(refused[i], strlen(refused[i]), &dec, &declen) == -1,
		          i, "'%s' was accepted", refused[i]);
		ROW_CHECK(dec == NULL, i, "output set on failure");
	}
	{
		unsigned char *dec = NULL;
		size_t declen = 0;
		/* "QQ" is the only encoding of "A"; "QUE" of "AA". */
		assert_int_equal(ta_b64url_decode("QQ", 2, &dec, &declen), 0);
		assert_int_equal(declen, 1);
		assert_int_equal(dec[0], 'A');
		free(dec);
		assert_int_equal(ta_b64url_decode("QUE", 3, &dec, &declen), 0);
		assert_int_equal(declen, 2);
		assert_memory_equal(dec, "AA", 2);
		free(dec);
		/* The length given is honoured: what follows is not read. */
		assert_int_equal(ta_b64url_decode("QQ==", 2, &dec, &declen), 0);
		assert_int_equal(declen, 1);
		free(dec);
	}
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(challenge_rfc7636_appendix_b),
	cmocka_unit_test(challenge_verifier_length_limits),
	cmocka_unit_test(random_string_shape_and_uniqueness),
	cmocka_unit_test(base64url_known_vectors),
	cmocka_unit_test(base64url_round_trips),
	cmocka_unit_test(base64url_strict_decoder),
};

UNIT_MAIN("pkce", tests)
