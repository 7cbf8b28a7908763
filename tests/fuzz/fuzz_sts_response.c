/*
 * fuzz_sts_response.c - libFuzzer target for STS's answer to
 * AssumeRoleWithWebIdentity (ta_sts_answer, and the XML reader under it),
 * read as a 200, a 400 and a 503: text from the network that becomes
 * credentials printed for the AWS CLI, or a message on the terminal.
 */
#include "fuzz.h"
#include "base/xml.h"
#include "oauth/sts.h"

/* Printable ASCII without white space, quotes or backslashes: what the
 * credentials must be, as they go into JSON and HTTP headers. */
static int credential_chars(const char *s)
{
	if (!s || !*s)
		return 0;
	for (; *s; s++)
		if (*s <= 0x20 || *s >= 0x7f || *s == '"' || *s == '\\')
			return 0;
	return 1;
}

static void parse(long status, const uint8_t *data, size_t size)
{
	struct ta_aws_credentials *cr = NULL;
	struct ta_client *c = NULL;
	enum ta_result r;
	int expired = -1;

	FUZZ_CHECK(ta_client_new(&c) == TA_OK, "ta_client_new");
	r = ta_sts_answer(c, status, (const char *)data, size, "arn:aws:iam::1:role/r", &cr,
	                  &expired);
	FUZZ_CHECK(expired == 0 || expired == 1, "expired not set");
	if (r == TA_OK) {
		FUZZ_CHECK(status == 200, "credentials from an error status");
		FUZZ_CHECK(cr != NULL, "TA_OK without credentials");
		FUZZ_CHECK(credential_chars(ta_aws_access_key_id(cr)), "a bad AccessKeyId");
		FUZZ_CHECK(credential_chars(ta_aws_secret_access_key(cr)), "a bad SecretAccessKey");
		FUZZ_CHECK(credential_chars(ta_aws_session_token(cr)), "a bad SessionToken");
		FUZZ_CHECK(ta_aws_expires_at(cr) > 0, "no expiry");
		FUZZ_CHECK(!expired, "expired with credentials");
	} else {
		FUZZ_CHECK(cr == NULL, "credentials on failure");
		FUZZ_CHECK(r == TA_E_PROTOCOL || r == TA_E_TOO_LARGE || r == TA_E_VERIFY ||
		           r == TA_E_EXPIRED || r == TA_E_DENIED || r == TA_E_UNREACHABLE ||
		           r == TA_E_IDP || r == TA_E_NOMEM, "an unexpected result");
		FUZZ_CHECK(expired == (r == TA_E_EXPIRED), "expired without ExpiredTokenException");
		FUZZ_CHECK(ta_client_message(c)[0], "a failure without a message");
	}
	FUZZ_CHECK(fuzz_printable(ta_client_message(c)), "the message is not printable");
	ta_aws_credentials_free(cr);
	ta_client_free(c);
}

/* The reader itself: every leaf's path is names joined by '/', no two
 * alike; every text is as long as strlen says (no inner NUL). */
static void leaves(const uint8_t *data, size_t size)
{
	struct ta_xml x;
	size_t i, j;

	if (ta_xml_parse((const char *)data, size, &x) != TA_OK) {
		FUZZ_CHECK(x.n == 0, "leaves left after a failure");
		return;
	}
	FUZZ_CHECK(x.n >= 1 && x.n <= TA_XML_MAX_LEAVES, "leaf count");
	for (i = 0; i < x.n; i++) {
		FUZZ_CHECK(x.paths[i][0] && x.paths[i][strlen(x.paths[i]) - 1] != '/', "a bad path");
		FUZZ_CHECK(!strstr(x.paths[i], "//"), "an empty name");
		for (j = 0; j < i; j++)
			FUZZ_CHECK(strcmp(x.paths[i], x.paths[j]), "a path twice");
		FUZZ_CHECK(ta_xml_get(&x, x.paths[i]) == x.texts[i], "ta_xml_get");
	}
	ta_xml_clear(&x);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	leaves(data, size);
	parse(200, data, size);
	parse(400, data, size);
	parse(503, data, size);
	return 0;
}
