/*
 * base64url.c - base64url without padding (RFC 4648 section 5), as PKCE
 * and JWTs use it. The decoder is strict: padding, characters outside the
 * alphabet and non-zero trailing bits are refused, so one value has exactly
 * one encoding.
 */
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "base64url.h"

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

static int sextet(char ch)
{
	if (ch >= 'A' && ch <= 'Z') return ch - 'A';
	if (ch >= 'a' && ch <= 'z') return ch - 'a' + 26;
	if (ch >= '0' && ch <= '9') return ch - '0' + 52;
	if (ch == '-') return 62;
	if (ch == '_') return 63;
	return -1;
}

int ta_b64url_decode(const char *in, size_t n, unsigned char **out, size_t *outlen)
{
	size_t i, o = 0, full = n / 4 * 4;
	unsigned char *buf;
	unsigned v = 0;
	int s;

	if (n % 4 == 1)
		return -1;
	if (!(buf = malloc(n / 4 * 3 + 3)))
		return -1;
	for (i = 0; i < n; i++) {
		if ((s = sextet(in[i])) < 0)
			goto bad;
		v = v << 6 | (unsigned)s;
		if (i % 4 == 3) {
			buf[o++] = (unsigned char)(v >> 16);
			buf[o++] = (unsigned char)(v >> 8);
			buf[o++] = (unsigned char)v;
			v = 0;
		}
	}
	if (n - full == 2) {
		if (v & 0xf) /* trailing bits must be zero */
			goto bad;
		buf[o++] = (unsigned char)(v >> 4);
	} else if (n - full == 3) {
		if (v & 0x3)
			goto bad;
		buf[o++] = (unsigned char)(v >> 10);
		buf[o++] = (unsigned char)(v >> 2);
	}
	buf[o] = '\0'; /* room: n/4*3+3 >= o+1 */
	*out = buf;
	*outlen = o;
	return 0;
bad:
	free(buf);
	return -1;
}
