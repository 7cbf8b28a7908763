/*
 * test_base64url.c - unit tests of lib/base/base64url.c: known vectors,
 * round trips, and a decoder strict enough that a value has exactly one
 * encoding.
 */
#include "unit.h"
#include "base/base64url.h"

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
		ROW_CHECK(unit_all_base64url(enc), n, "alphabet");
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
	cmocka_unit_test(base64url_known_vectors),
	cmocka_unit_test(base64url_round_trips),
	cmocka_unit_test(base64url_strict_decoder),
};

UNIT_MAIN("base64url", tests)
