/*
 * buf.c - see buf.h.
 */
#include <stdlib.h>
#include <string.h>
#include "base/buf.h"
#include "base/secret.h"

static void buf_grow(struct ta_buf *b, size_t need)
{
	size_t cap = b->cap ? b->cap : 256;
	char *p;

	if (b->failed || b->len + need + 1 <= b->cap)
		return;
	while (cap < b->len + need + 1)
		cap *= 2;
	/* Not realloc: the old block may hold a secret and must be wiped. */
	if (!(p = malloc(cap))) {
		b->failed = 1;
		return;
	}
	if (b->data) {
		memcpy(p, b->data, b->len + 1);
		ta_wipe(b->data, b->cap);
		free(b->data);
	}
	b->data = p;
	b->cap = cap;
}

void ta_buf_add(struct ta_buf *b, const char *s, size_t n)
{
	buf_grow(b, n);
	if (b->failed)
		return;
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void ta_buf_adds(struct ta_buf *b, const char *s)
{
	ta_buf_add(b, s, strlen(s));
}

void ta_buf_add_encoded(struct ta_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '-' || ch == '.' ||
		    ch == '_' || ch == '~') {
			ta_buf_add(b, s, 1);
		} else {
			char esc[3] = { '%', hex[ch >> 4], hex[ch & 15] };
			ta_buf_add(b, esc, 3);
		}
	}
}

void ta_buf_add_param(struct ta_buf *b, const char *key, const char *value)
{
	if (b->len)
		ta_buf_adds(b, "&");
	ta_buf_add_encoded(b, key);
	ta_buf_adds(b, "=");
	ta_buf_add_encoded(b, value);
}

void ta_buf_clear(struct ta_buf *b)
{
	if (b->data) {
		ta_wipe(b->data, b->cap);
		free(b->data);
	}
	memset(b, 0, sizeof(*b));
}
