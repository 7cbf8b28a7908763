/*
 * fuzz_www_authenticate.c - libFuzzer target for the WWW-Authenticate
 * reader (ta_challenges_parse, RFC 9110 11.6.1): a resource's 401 is the
 * first thing termauth reads from a server it has never seen. What it
 * accepts must be well-formed (lower-case tokens, no control characters,
 * no name twice), and must read back the same when written out again.
 */
#include "fuzz.h"
#include "oauth/www_authenticate.h"

static int all(const char *s, const char *set, int alnum)
{
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch >= 'A' && ch <= 'Z')
			return 0; /* names are kept in lower case */
		if (!(alnum && ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'))) &&
		    !strchr(set, ch))
			return 0;
	}
	return 1;
}

static void append(char **buf, size_t *len, size_t *cap, const char *s)
{
	size_t n = strlen(s);

	if (*len + n + 1 > *cap) {
		*cap = (*len + n + 1) * 2;
		*buf = realloc(*buf, *cap);
		FUZZ_CHECK(*buf != NULL, "out of memory");
	}
	memcpy(*buf + *len, s, n + 1);
	*len += n;
}

/* The challenges written out as a server would: values quoted, '"' and
 * '\' escaped. */
static char *serialise(const struct ta_challenges *ch, size_t *len)
{
	size_t i, j, cap = 0;
	char *buf = NULL, one[2] = "";

	*len = 0;
	append(&buf, len, &cap, "");
	for (i = 0; i < ch->n; i++) {
		append(&buf, len, &cap, i ? ", " : "");
		append(&buf, len, &cap, ch->v[i].scheme);
		if (ch->v[i].token68) {
			append(&buf, len, &cap, " ");
			append(&buf, len, &cap, ch->v[i].token68);
		}
		for (j = 0; j < ch->v[i].nparams; j++) {
			const char *v = ch->v[i].params[j].value;
			append(&buf, len, &cap, j ? ", " : " ");
			append(&buf, len, &cap, ch->v[i].params[j].name);
			append(&buf, len, &cap, "=\"");
			for (; *v; v++) {
				if (*v == '"' || *v == '\\')
					append(&buf, len, &cap, "\\");
				one[0] = *v;
				append(&buf, len, &cap, one);
			}
			append(&buf, len, &cap, "\"");
		}
	}
	return buf;
}

static void check_same(const struct ta_challenges *a, const struct ta_challenges *b)
{
	size_t i, j;

	FUZZ_CHECK(a->n == b->n, "a different number of challenges read back");
	for (i = 0; i < a->n; i++) {
		FUZZ_CHECK(!strcmp(a->v[i].scheme, b->v[i].scheme), "scheme read back");
		FUZZ_CHECK(fuzz_same(a->v[i].token68, b->v[i].token68), "token68 read back");
		FUZZ_CHECK(a->v[i].nparams == b->v[i].nparams, "parameters read back");
		for (j = 0; j < a->v[i].nparams; j++) {
			FUZZ_CHECK(!strcmp(a->v[i].params[j].name, b->v[i].params[j].name), "name");
			FUZZ_CHECK(!strcmp(a->v[i].params[j].value, b->v[i].params[j].value), "value");
		}
	}
}

static void check_wellformed(const struct ta_challenges *ch)
{
	const char *tchar = "!#$%&'*+-.^_`|~";
	size_t i, j, k;

	for (i = 0; i < ch->n; i++) {
		const struct ta_challenge *c = &ch->v[i];

		FUZZ_CHECK(c->scheme[0] && all(c->scheme, tchar, 1), "a scheme that is not a token");
		FUZZ_CHECK(!c->token68 || !c->nparams, "a token68 and parameters");
		FUZZ_CHECK(!c->token68 || (c->token68[0] && c->token68[0] != '=' &&
		                           strspn(c->token68, "abcdefghijklmnopqrstuvwxyz"
		                                  "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~+/=") ==
		                           strlen(c->token68)), "a token68 that is not one");
		for (j = 0; j < c->nparams; j++) {
			const unsigned char *v = (const unsigned char *)c->params[j].value;

			FUZZ_CHECK(c->params[j].name[0] && all(c->params[j].name, tchar, 1),
			           "a parameter name that is not a token");
			for (; *v; v++)
				FUZZ_CHECK((*v >= 0x20 && *v != 0x7f) || *v == '\t',
				           "a control character in a value");
			for (k = 0; k < j; k++)
				FUZZ_CHECK(strcmp(c->params[k].name, c->params[j].name),
				           "a parameter twice");
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ta_challenges ch, again;
	enum ta_result r;
	size_t len;
	char *text;

	r = ta_challenges_parse((const char *)data, size, &ch);
	if (r != TA_OK) {
		FUZZ_CHECK(r == TA_E_PROTOCOL || r == TA_E_NOMEM, "an unexpected result");
		FUZZ_CHECK(!ch.v && !ch.n, "challenges left behind on failure");
		return 0;
	}
	FUZZ_CHECK(memchr(data, '\0', size) == NULL, "a NUL accepted");
	check_wellformed(&ch);
	text = serialise(&ch, &len);
	FUZZ_CHECK(ta_challenges_parse(text, len, &again) == TA_OK, "written out, it does not parse");
	check_same(&ch, &again);
	ta_challenges_clear(&again);
	free(text);
	ta_challenges_clear(&ch);
	return 0;
}
