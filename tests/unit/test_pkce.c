/*
 * test_pkce.c - unit tests of lib/signin/pkce.c: the S256 challenge
 * (RFC 7636) and the random strings of a sign-in.
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

static void random_string_shape_and_uniqueness(void **state)
{
	char *a = NULL, *b = NULL, *c = NULL;
	char challenge[TA_PKCE_CHALLENGE_LEN + 1];

	(void)state;
	assert_int_equal(ta_random_string(32, &a), TA_OK);
	assert_int_equal(ta_random_string(32, &b), TA_OK);
	assert_int_equal(strlen(a), 43);
	assert_int_equal(strlen(b), 43);
	assert_true(unit_all_base64url(a));
	assert_true(unit_all_base64url(b));
	assert_string_not_equal(a, b);
	/* 32 random bytes make a valid PKCE verifier. */
	assert_int_equal(ta_pkce_challenge(a, challenge), TA_OK);
	/* Other sizes: the encoded length, and the limits. */
	assert_int_equal(ta_random_string(16, &c), TA_OK);
	assert_int_equal(strlen(c), 22);
	assert_true(unit_all_base64url(c));
	ta_free_secret(c);
	c = NULL;
	assert_int_equal(ta_random_string(0, &c), TA_E_ARG);
	assert_int_equal(ta_random_string(97, &c), TA_E_ARG);
	assert_null(c);
	ta_free_secret(a);
	ta_free_secret(b);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(challenge_rfc7636_appendix_b),
	cmocka_unit_test(challenge_verifier_length_limits),
	cmocka_unit_test(random_string_shape_and_uniqueness),
};

UNIT_MAIN("pkce", tests)

