/*
 * pkce.c - see pkce.h. OpenSSL's CSPRNG and SHA-256.
 */
#include <stdlib.h>
#include <string.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include "signin/pkce.h"
#include "base/base64url.h"
#include "base/secret.h"

enum ta_result ta_random_string(size_t nbytes, char **out)
{
	unsigned char raw[96];
	char *s;

	if (nbytes == 0 || nbytes > sizeof(raw))
		return TA_E_ARG;
	if (RAND_bytes(raw, (int)nbytes) != 1)
		return TA_E_INTERNAL;
	if (!(s = malloc(ta_b64url_encoded_len(nbytes) + 1))) {
		ta_wipe(raw, sizeof(raw));
		return TA_E_NOMEM;
	}
	ta_b64url_encode(raw, nbytes, s);
	ta_wipe(raw, sizeof(raw));
	*out = s;
	return TA_OK;
}

enum ta_result ta_pkce_challenge(const char *verifier,
                                 char out[TA_PKCE_CHALLENGE_LEN + 1])
{
	unsigned char digest[SHA256_DIGEST_LENGTH];
	size_t len = strlen(verifier);

	/* RFC 7636 section 4.1: 43 to 128 characters. */
	if (len < 43 || len > 128)
		return TA_E_ARG;
	if (!SHA256((const unsigned char *)verifier, len, digest))
		return TA_E_INTERNAL;
	ta_b64url_encode(digest, sizeof(digest), out);
	return TA_OK;
}
