/*
 * query.c - see query.h.
 */
#include <stdlib.h>
#include <string.h>
#include "base/query.h"
#include "base/secret.h"
#include "base/url.h"

enum ta_result ta_query_parse(const char *s, size_t len, struct ta_query *q)
{
	size_t pos = 0, i;

	memset(q, 0, sizeof(*q));
	if (len > TA_QUERY_MAX_LEN) {
		q->malformed = 1;
		return TA_OK;
	}
	while (pos < len) {
		const char *part = s + pos, *amp = memchr(part, '&', len - pos);
		size_t plen = amp ? (size_t)(amp - part) : len - pos;
		const char *eq = memchr(part, '=', plen);
		size_t klen = eq ? (size_t)(eq - part) : plen;
		char *k, *v;

		pos += plen + 1;
		if (plen == 0)
			continue;
		if (q->n == TA_QUERY_MAX_PARAMS) {
			q->malformed = 1;
			break;
		}
		k = ta_url_decode(part, klen);
		v = eq ? ta_url_decode(eq + 1, plen - klen - 1) : strdup("");
		if (!k || !v) {
			ta_free_secret(k);
			ta_free_secret(v);
			q->malformed = 1;
			continue;
		}
		for (i = 0; i < q->n; i++)
			if (!strcmp(q->keys[i], k))
				q->duplicated = 1;
		q->keys[q->n] = k;
		q->values[q->n] = v;
		q->n++;
	}
	return TA_OK;
}

const char *ta_query_get(const struct ta_query *q, const char *key)
{
	size_t i;

	for (i = 0; i < q->n; i++)
		if (!strcmp(q->keys[i], key))
			return q->values[i];
	return NULL;
}

void ta_query_clear(struct ta_query *q)
{
	size_t i;

	for (i = 0; i < q->n; i++) {
		ta_free_secret(q->keys[i]);
		ta_free_secret(q->values[i]);
	}
	memset(q, 0, sizeof(*q));
}
