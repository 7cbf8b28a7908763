/*
 * fuzz_jwks.c - libFuzzer target for JWKS import (ta_jwks_parse): the
 * input is the JWKS document. When it imports, each key must be either
 * usable or refused with a printable reason, and the RFC tokens below are
 * verified against the set - known keys or not, the answer must be a
 * verdict with a printable reason, and a token may verify only with its
 * own key in the set.
 */
#include "fuzz.h"
#include "jose/jwk.h"

/* RFC 7515 A.2 (RS256), A.3 (ES256); RFC 8037 A.4 (EdDSA); RFC 7520 4.3
 * (ES512, kid bilbo.baggins@hobbiton.example). */
static const char *const tokens[] = {
	"eyJhbGciOiJSUzI1NiJ9."
	"eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ."
	"cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJd"
	"bF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN938"
	"3LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkW"
	"ywlVmtVrBp0igcN_IoypGlUPQGe77Rw",
	"eyJhbGciOiJFUzI1NiJ9."
	"eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ."
	"DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q",
	"eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc."
	"hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg",
	"eyJhbGciOiJFUzUxMiIsImtpZCI6ImJpbGJvLmJhZ2dpbnNAaG9iYml0b24uZXhhbXBsZSJ9."
	"SXTigJlzIGEgZGFuZ2Vyb3VzIGJ1c2luZXNzLCBGcm9kbywgZ29pbmcgb3V0IHlvdXIgZG9vci4gWW91IHN0ZXAgb250byB0aGUgcm9h"
	"ZCwgYW5kIGlmIHlvdSBkb24ndCBrZWVwIHlvdXIgZmVldCwgdGhlcmXigJlzIG5vIGtub3dpbmcgd2hlcmUgeW91IG1pZ2h0IGJlIHN3"
	"ZXB0IG9mZiB0by4."
	"AE_R_YZCChjn4791jSQCrdPZCNYqHXCTZH0-JZGYNlaAjP2kqaluUIIUnC9qvbu9Plon7KRTzoNEuT4Va2cmL1eJAQy3mtPBu_u_sD"
	"DyYjnAMDxXPn7XrT0lw-kvAD890jl8e2puQens_IEKBpHABlsbEPX6sFY8OcGDqoRuBomu9xQ2",
};
/* A distinctive piece of each token's key (its n or x), base64url. */
static const char *const key_marks[] = {
	"ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd",
	"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
	"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
	"AHKZLLOsCOzz5cY97ewNUajB957y",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ta_client *c = NULL;
	struct ta_jwks *keys = NULL;
	enum ta_result r;
	char *text;
	size_t i;

	if (size > 600000)
		return 0;
	text = fuzz_cstring(data, size);
	FUZZ_CHECK(ta_client_new(&c) == TA_OK, "ta_client_new");
	r = ta_jwks_parse(c, (const char *)data, size, &keys);
	FUZZ_CHECK(fuzz_printable(ta_client_message(c)), "the message is not printable");
	if (r != TA_OK) {
		FUZZ_CHECK(r == TA_E_PROTOCOL || r == TA_E_TOO_LARGE || r == TA_E_NOMEM,
		           "an unexpected result");
		FUZZ_CHECK(keys == NULL, "a set on failure");
		FUZZ_CHECK(ta_client_message(c)[0], "a failure without a message");
		goto out;
	}
	FUZZ_CHECK(keys != NULL && keys->n <= 64, "the set");
	for (i = 0; i < keys->n; i++) {
		const struct ta_jwk *k = &keys->keys[i];
		FUZZ_CHECK((k->pkey == NULL) == (k->refused != NULL), "a key neither usable nor refused");
		FUZZ_CHECK(!k->refused || fuzz_printable(k->refused), "a reason not printable");
		FUZZ_CHECK(k->pkey == NULL || k->sig_len > 0, "a usable key without a signature size");
	}
	for (i = 0; i < sizeof(tokens) / sizeof(tokens[0]); i++) {
		char *payload = NULL;

		r = ta_jws_verify(c, keys, tokens[i], strlen(tokens[i]), NULL, &payload);
		FUZZ_CHECK(r == TA_OK || r == TA_E_VERIFY || r == TA_E_NOMEM, "a verdict");
		FUZZ_CHECK(fuzz_printable(ta_client_message(c)), "the reason is not printable");
		/* The input holds the token's key. Only where its text has one
		 * form: not the RSA key (leading zero octets are tolerated), not
		 * when JSON escapes may spell it differently. */
		if (r == TA_OK && i > 0 && !strchr(text, '\\'))
			FUZZ_CHECK(strstr(text, key_marks[i]) != NULL, "verified with another key");
		free(payload);
	}
out:
	ta_jwks_free(keys);
	ta_client_free(c);
	free(text);
	return 0;
}
