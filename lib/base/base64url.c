/*
 * base64url.c - base64url without padding (RFC 4648 section 5), as PKCE
 * and JWTs use it. The decoder is strict: padding, characters outside the
 * alphabet and non-zero trailing bits are refused, so one value has exactly
 * one encoding.
 */
#include <stdlib.h>
#include <string.h>
#include "base/base64url.h"

static const char alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

size_t ta_b64url_encoded_len(size_t n)
{
	return (n / 3) * 4 + (n % 3 ? n % 3 + 1 : 0);
}

void ta_b64url_encode(const unsigned char *in, size_t n, char *out)
{
	size_t i, o = 0;

	for (i = 0; i + 2 < n; i += 3) {
		unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 | in[i + 2];
		out[o++] = alphabet[v >> 18 & 63];
		out[o++] = alphabet[v >> 12 & 63];
		out[o++] = alphabet[v >> 6 & 63];
		out[o++] = alphabet[v & 63];
	}
	if (n - i == 1) {
		unsigned v = (unsigned)in[i] << 16;
		out[o++] = alphabet[v >> 18 & 63];
		out[o++] = alphabet[v >> 12 & 63];
	} else if (n - i == 2) {
		unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8;
		out[o++] = alphabet[v >> 18 & 63];
		out[o++] = alphabet[v >> 12 & 63];
		out[o++] = alphabet[v >> 6 & 63];
	}
	out[o] = '\0';
}

/* The value of each byte as a base64url digit; -1 outside the alphabet
 * (padding and white space included). */
static const signed char sextets[256] = {
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 62, -1, -1,
	52, 53, 54, 55, 56, 57, 58, 59, 60, 61, -1, -1, -1, -1, -1, -1,
	-1, 0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14,
	15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, -1, -1, -1, -1, 63,
	-1, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
	41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
};

size_t ta_b64url_decoded_max(size_t n)
{
	return n / 4 * 3 + 2;
}

int ta_b64url_decode_into(const char *in, size_t n, unsigned char *out, size_t cap,
                          size_t *outlen)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t i, o = 0, full = n / 4 * 4;
	int a, b, c, d;

	if (n % 4 == 1 || cap < ta_b64url_decoded_max(n))
		return -1;
	/* Four digits at a time: a digit outside the alphabet makes the OR of
	 * the four negative. */
	for (i = 0; i < full; i += 4) {
		a = sextets[p[i]];
		b = sextets[p[i + 1]];
		c = sextets[p[i + 2]];
		d = sextets[p[i + 3]];
		if ((a | b | c | d) < 0)
			return -1;
		out[o++] = (unsigned char)(a << 2 | b >> 4);
		out[o++] = (unsigned char)(b << 4 | c >> 2);
		out[o++] = (unsigned char)(c << 6 | d);
	}
	if (n - full == 2) {
		a = sextets[p[i]];
		b = sextets[p[i + 1]];
		if ((a | b) < 0 || (b & 0xf)) /* trailing bits must be zero */
			return -1;
		out[o++] = (unsigned char)(a << 2 | b >> 4);
	} else if (n - full == 3) {
		a = sextets[p[i]];
		b = sextets[p[i + 1]];
		c = sextets[p[i + 2]];
		if ((a | b | c) < 0 || (c & 0x3))
			return -1;
		out[o++] = (unsigned char)(a << 2 | b >> 4);
		out[o++] = (unsigned char)(b << 4 | c >> 2);
	}
	*outlen = o;
	return 0;
}

int ta_b64url_decode(const char *in, size_t n, unsigned char **out, size_t *outlen)
{
	unsigned char *buf;
	size_t o;

	if (n % 4 == 1)
		return -1;
	if (!(buf = malloc(ta_b64url_decoded_max(n) + 1)))
		return -1;
	if (ta_b64url_decode_into(in, n, buf, ta_b64url_decoded_max(n), &o)) {
		free(buf);
		return -1;
	}
	buf[o] = '\0'; /* room: decoded_max(n) + 1 >= o + 1 */
	*out = buf;
	*outlen = o;
	return 0;
}
